// SPDX-License-Identifier: MIT
/*
 * VSM-call tests of the module/kexec validator (vtl_protect/modval/hooks.c)
 * on the fake South: VALIDATE_MODULE with a real signed module and its
 * GNU-ld-relocated loaded bytes (hooks_vectors.h), tampering, TOCTOU
 * protection, FREE_MODULE_INIT / UNLOAD_MODULE tokens, COPY_SECONDARY_KEY
 * and KEXEC_VALIDATE input checks.
 */
#include <stdlib.h>
#include <string.h>

#include "core/compiler.h"
#include "core/kmalloc.h"
#include "core/page_alloc.h"
#include "tests/modval/hooks_vectors.h"
#include "tests/vtl_protect/vtlp_test.h"
#include "vtl_protect/modval/hooks.h"
#include "vtl_protect/modval/modelf.h"

#define VM  VSM_VTL_CALL_FUNC_ID_VALIDATE_MODULE
#define FMI VSM_VTL_CALL_FUNC_ID_FREE_MODULE_INIT
#define UM  VSM_VTL_CALL_FUNC_ID_UNLOAD_MODULE
#define CSK VSM_VTL_CALL_FUNC_ID_COPY_SECONDARY_KEY
#define KV  VSM_VTL_CALL_FUNC_ID_KEXEC_VALIDATE
#define LK  VSM_VTL_CALL_FUNC_ID_LOAD_KDATA

/* Guest-physical homes of the pieces (all below VTL1 at 8 MiB). */
#define G_ELF   0x700000ull
#define G_CERT  0x780000ull
#define G_TEXT  0x200000ull
#define G_DATA  0x400000ull
#define G_RO    0x300000ull
#define G_INIT  0x500000ull
#define G_PE    0x740000ull

#define PROT_X (SOUTH_PROT_KX)

static void *arena;

/* setup() under the policy fdt (NULL: the default policy). */
static void setup_policy(bool load_cert, const void *fdt, size_t fdt_len)
{
	/* SystemCerts: the module key, then the kexec test image's key */
	struct heki_range r = { 0, G_CERT, G_CERT + sizeof(hooks_cert) + sizeof(hooks_bz_cert),
				VTLP_KDATA_SYSTEM_CERTS };

	if (!arena)
		arena = aligned_alloc(PAGE_SIZE, 8u << 20);
	page_alloc_reset();
	kmalloc_reset();
	CHECK_EQ_INT(page_alloc_add_range(arena, 0x40000000, 8u << 20), 0);
	CHECK_EQ_INT(vt_setup_policy(fdt, fdt_len), 0);
	modval_hooks_reset();
	modval_hooks_install();
	memcpy(fake_ram(G_ELF), hooks_ko, sizeof(hooks_ko));
	memcpy(fake_ram(G_CERT), hooks_cert, sizeof(hooks_cert));
	memcpy(fake_ram(G_CERT + sizeof(hooks_cert)), hooks_bz_cert, sizeof(hooks_bz_cert));
	memcpy(fake_ram(G_TEXT), hooks_text, sizeof(hooks_text));
	memcpy(fake_ram(G_RO), hooks_rodata, sizeof(hooks_rodata));
	memcpy(fake_ram(G_INIT), hooks_init_text, sizeof(hooks_init_text));
	if (load_cert) {
		vt_chain(&r, 1);
		CHECK_EQ_INT(vt_call(LK, T_CHAIN, 1, 0), 0);
	}
}

static void setup(bool load_cert)
{
	setup_policy(load_cert, NULL, 0);
}

/* Leave the dispatcher as other tests expect it: no validator hooks. */
static void teardown(void)
{
	modval_hooks_reset();
	vtlp_register_modval(NULL);
}

/* The module's range list as LVBS builds it: ElfBuffer split per page, then
 * one range per region (each fits a page here). */
static size_t module_ranges(struct heki_range *r)
{
	size_t n = 0;
	uint64_t elf_end = G_ELF + sizeof(hooks_ko);

	for (uint64_t pa = G_ELF; pa < elf_end; pa = ALIGN_DOWN(pa, PAGE_SIZE) + PAGE_SIZE)
		r[n++] = (struct heki_range){ 0xffffc90000000000ull + (pa - G_ELF), pa,
					      MIN(ALIGN_DOWN(pa, PAGE_SIZE) + PAGE_SIZE, elf_end),
					      MODVAL_MOD_ELF_BUFFER };
	r[n++] = (struct heki_range){ HOOKS_VA(MODVAL_MOD_TEXT), G_TEXT,
				      G_TEXT + sizeof(hooks_text), MODVAL_MOD_TEXT };
	r[n++] = (struct heki_range){ HOOKS_VA(MODVAL_MOD_DATA), G_DATA, G_DATA + 0x40,
				      MODVAL_MOD_DATA };
	r[n++] = (struct heki_range){ HOOKS_VA(MODVAL_MOD_RODATA), G_RO,
				      G_RO + sizeof(hooks_rodata), MODVAL_MOD_RODATA };
	r[n++] = (struct heki_range){ HOOKS_VA(MODVAL_MOD_INIT_TEXT), G_INIT,
				      G_INIT + sizeof(hooks_init_text), MODVAL_MOD_INIT_TEXT };
	return n;
}

static int64_t validate(const struct heki_range *r, size_t n)
{
	vt_chain(r, n);
	return vt_call(VM, T_CHAIN, n, 0);
}

TEST(modval_hooks_validate_free_unload)
{
	struct heki_range r[8];
	size_t n;
	int64_t tok;

	setup(true);
	n = module_ranges(r);
	tok = validate(r, n);
	CHECK(tok > 0);
	/* Text and init text RX, rodata R, data untouched. */
	CHECK_EQ(fake_perm(G_TEXT) & (SOUTH_PROT_W | PROT_X), PROT_X);
	CHECK_EQ(fake_perm(G_INIT) & (SOUTH_PROT_W | PROT_X), PROT_X);
	CHECK_EQ(fake_perm(G_RO) & (SOUTH_PROT_W | PROT_X), 0);
	CHECK(fake_perm(G_DATA) & SOUTH_PROT_W);

	CHECK_EQ_INT(vt_call(FMI, (uint64_t)tok, 0, 0), 0);
	CHECK_EQ(fake_perm(G_INIT) & (SOUTH_PROT_W | PROT_X), SOUTH_PROT_W);
	CHECK_EQ(fake_perm(G_TEXT) & PROT_X, PROT_X);
	CHECK_EQ_INT(vt_call(FMI, (uint64_t)tok, 0, 0), -EINVAL);      /* reused */
	CHECK_EQ_INT(vt_call(FMI, (uint64_t)tok + 100, 0, 0), -EINVAL); /* unknown */

	CHECK_EQ_INT(vt_call(UM, (uint64_t)tok, 0, 0), 0);
	CHECK_EQ(fake_perm(G_TEXT) & (SOUTH_PROT_W | PROT_X), SOUTH_PROT_W);
	CHECK_EQ(fake_perm(G_RO) & SOUTH_PROT_W, SOUTH_PROT_W);
	CHECK_EQ_INT(vt_call(UM, (uint64_t)tok, 0, 0), -EINVAL);       /* gone */
	CHECK_EQ_INT(vt_call(FMI, (uint64_t)tok, 0, 0), -EINVAL);

	/* Tokens are never reused. */
	CHECK(validate(r, n) > tok);
	teardown();
}

TEST(modval_hooks_tampered_text_never_executable)
{
	struct heki_range r[8];
	size_t n;

	setup(true);
	n = module_ranges(r);
	fake_ram(G_TEXT)[3] ^= 0x40;
	CHECK_EQ_INT(validate(r, n), -EKEYREJECTED);
	/* Pages were write-protected for the check, then given back RW, never X. */
	CHECK_EQ(fake_perm(G_TEXT) & (SOUTH_PROT_W | PROT_X), SOUTH_PROT_W);
	CHECK_EQ(fake_perm(G_INIT) & PROT_X, 0);
	CHECK(vt_lines("nothing became executable") >= 1);
	teardown();
}

TEST(modval_hooks_signature_and_trust_failures)
{
	struct heki_range r[8];
	size_t n;

	setup(false);                       /* no SystemCerts loaded */
	n = module_ranges(r);
	CHECK_EQ_INT(validate(r, n), -ENOKEY);
	CHECK_EQ(fake_perm(G_TEXT) & PROT_X, 0);

	setup(true);
	fake_ram(G_ELF)[100] ^= 1;          /* signed content changed */
	CHECK_EQ_INT(validate(r, n), -EKEYREJECTED);
	CHECK_EQ(fake_perm(G_TEXT) & PROT_X, 0);

	setup(true);
	r[n - 2].va += 0x1000;              /* RoData not where relocations say */
	CHECK_EQ_INT(validate(r, n), -EKEYREJECTED);
	teardown();
}

/*
 * LVBS merges physically adjacent ranges of one type (heki's range list), so
 * the ElfBuffer, physically contiguous here, may come as one range over
 * several pages; VTL1 takes it as the per-page ranges it stands for.  A
 * merged list over more pages than an unmerged one may name is refused.
 */
TEST(modval_hooks_merged_ranges_accepted)
{
	const uint64_t elf = G_ELF + 0x1000 - 0x100;  /* the ELF straddles a page */
	struct heki_range r[8], m[8];
	size_t n, k;

	setup(true);
	memcpy(fake_ram(elf), hooks_ko, sizeof(hooks_ko));
	n = module_ranges(r);
	/* per page, as heki's list has it before merging: 2 ElfBuffer ranges */
	m[0] = (struct heki_range){ r[0].va, elf, elf + 0x100, MODVAL_MOD_ELF_BUFFER };
	m[1] = (struct heki_range){ r[0].va + 0x100, elf + 0x100, elf + sizeof(hooks_ko),
				    MODVAL_MOD_ELF_BUFFER };
	k = 2;
	for (size_t i = 0; i < n; i++)
		if (r[i].attributes != MODVAL_MOD_ELF_BUFFER)
			m[k++] = r[i];
	CHECK(validate(m, k) > 0);
	teardown();

	setup(true);
	memcpy(fake_ram(elf), hooks_ko, sizeof(hooks_ko));
	m[0].epa = m[1].epa;                          /* merged: one range, 2 pages */
	memmove(&m[1], &m[2], (k - 2) * sizeof(m[0]));
	CHECK(validate(m, k - 1) > 0);
	CHECK(fake_perm(G_TEXT) & PROT_X);
	teardown();

	setup(true);
	n = module_ranges(r);
	r[0].epa = r[0].pa + ((uint64_t)VTLP_MAX_RANGES << PAGE_SHIFT);
	CHECK_EQ_INT(validate(r, n), -E2BIG);
	teardown();

	/* Two pages at the top of the address space, where the page after
	 * them wraps to 0: refused.  (fuzz-modcall found the split writing
	 * past its table on such a range; this host arena hides that write,
	 * tests/fuzz/regress/modcall/split-ranges-wrap under ASan does not.) */
	setup(true);
	n = module_ranges(r);
	r[0].pa = UINT64_MAX - 0x1800;
	r[0].epa = UINT64_MAX;
	CHECK(validate(r, n) < 0);
	teardown();
}

TEST(modval_hooks_bad_range_lists)
{
	struct heki_range r[8];
	size_t n;

	setup(true);
	n = module_ranges(r);
	r[n - 1].attributes = 9;            /* unknown type */
	CHECK_EQ_INT(validate(r, n), -EINVAL);
	n = module_ranges(r);
	r[n - 1].epa = r[n - 1].pa - 1;     /* ends before it starts */
	CHECK_EQ_INT(validate(r, n), -EINVAL);
	n = module_ranges(r);
	r[n - 1].epa = r[n - 1].pa;         /* empty */
	CHECK_EQ_INT(validate(r, n), -EINVAL);
	n = module_ranges(r);
	r[n - 1].pa = FAKE_VTL1_START;      /* VTL1 memory */
	r[n - 1].epa = FAKE_VTL1_START + 16;
	CHECK(validate(r, n) < 0);
	n = module_ranges(r);
	CHECK_EQ_INT(validate(r + 1, n - 1), -ENODATA); /* no ElfBuffer at all */
	r[0].epa -= 1;                                  /* ElfBuffer cut short */
	CHECK_EQ_INT(validate(r, n), -ENODATA);
	r[0].epa += 1;
	r[0].pa += 8;                                   /* ELF header skipped */
	CHECK_EQ_INT(validate(r, n), -EKEYREJECTED);
	CHECK_EQ_INT(vt_call(VM, T_CHAIN, 0, 0), -EINVAL);
	/* Nothing was validated: text was never made read-only-executable. */
	CHECK(fake_perm(G_TEXT) & SOUTH_PROT_W);
	teardown();
}

TEST(modval_hooks_secondary_key_and_kexec_inputs)
{
	struct heki_range r = { 0, G_CERT, G_CERT + sizeof(hooks_cert), 0 };
	struct heki_range k[2] = {
		{ 0, G_DATA, G_DATA + 0x1000, 0 },          /* KexecImage */
		{ 0, G_ELF, G_ELF + 0x200, 1 },             /* KexecKernelBlob */
	};

	setup(true);
	/* A self-signed certificate is not signed by a system certificate
	 * other than itself; it is the system certificate here, so it chains. */
	vt_chain(&r, 1);
	CHECK_EQ_INT(vt_call(CSK, T_CHAIN, 1, 0), 0);
	r.epa = r.pa + 10;                  /* truncated certificate */
	vt_chain(&r, 1);
	CHECK_EQ_INT(vt_call(CSK, T_CHAIN, 1, 0), -EBADMSG);

	/* Not a PE image: refused, and the image pages are writable again. */
	vt_chain(k, 2);
	CHECK_EQ_INT(vt_call(KV, T_CHAIN, 2, 0), -EBADMSG);
	CHECK(fake_perm(G_DATA) & SOUTH_PROT_W);
	CHECK_EQ(fake_perm(G_DATA) & PROT_X, 0);
	k[1].attributes = 3;                /* unknown kexec type */
	vt_chain(k, 2);
	CHECK_EQ_INT(vt_call(KV, T_CHAIN, 2, 0), -EINVAL);
	CHECK_EQ_INT(vt_call(KV, 0, 0, 0), 0); /* invalidation only */
	teardown();
}

/*
 * A kexec request as heki's kexec.c builds it for kexec_file_load: the
 * kimage (KexecImage), the signed bzImage (KexecKernelBlob), and the
 * entry list's indirection and source pages (KexecPages).  Segment 0 is a
 * stand-in for purgatory (VTL0-built), segment 1 the kernel: the blob's
 * payload from 0x400, then zeros to memsz.
 */
#define G_KIMG  0x480000ull     /* struct kimage */
#define G_IND   0x481000ull     /* indirection page */
#define G_SRC   0x482000ull     /* source pages, 3 of them */
#define G_CRASH 0x490000ull     /* crash segment, in place */
#define D_PURG  0x1000000ull    /* destinations (never touched by VTL1) */
#define D_KERN  0x2000000ull
#define BZ_PLEN (sizeof(hooks_bz_pe) - HOOKS_BZ_PAYLOAD)

struct kx {
	struct heki_range r[16];
	size_t n;
};

static void kx_add(struct kx *k, uint64_t pa, uint64_t epa, uint64_t type)
{
	k->r[k->n++] = (struct heki_range){ 0, pa, epa, type };
}

static void kimage_write(uint64_t head, uint64_t nseg, const uint64_t (*seg)[2])
{
	uint8_t *img = fake_ram(G_KIMG);

	memset(img, 0, PAGE_SIZE);
	memcpy(img, &head, 8);
	memcpy(img + 56, &nseg, 8);
	for (uint64_t i = 0; i < nseg; i++) {
		memcpy(img + 64 + 32 * i + 16, &seg[i][0], 8);
		memcpy(img + 64 + 32 * i + 24, &seg[i][1], 8);
	}
}

/* Normal kexec: purgatory page, kernel page 0 (payload), kernel page 1 (0). */
static size_t kexec_normal(struct kx *k)
{
	static const uint64_t seg[2][2] = { { D_PURG, 0x1000 }, { D_KERN, 0x2000 } };
	uint64_t ents[] = { D_PURG | 1, G_SRC | 8, D_KERN | 1, (G_SRC + 0x1000) | 8,
			    (G_SRC + 0x2000) | 8, 4 };
	uint64_t end = G_PE + sizeof(hooks_bz_pe);

	memcpy(fake_ram(G_PE), hooks_bz_pe, sizeof(hooks_bz_pe));
	kimage_write(G_IND | 2, 2, seg);
	memset(fake_ram(G_IND), 0, PAGE_SIZE);
	memcpy(fake_ram(G_IND), ents, sizeof(ents));
	memset(fake_ram(G_SRC), 0xcc, PAGE_SIZE);                  /* "purgatory" */
	memset(fake_ram(G_SRC + 0x1000), 0, 2 * PAGE_SIZE);
	memcpy(fake_ram(G_SRC + 0x1000), hooks_bz_pe + HOOKS_BZ_PAYLOAD, BZ_PLEN);
	k->n = 0;
	kx_add(k, G_KIMG, G_KIMG + 0x400, 0);                      /* KexecImage */
	for (uint64_t pa = G_PE; pa < end; pa += PAGE_SIZE)         /* KernelBlob */
		kx_add(k, pa, MIN(pa + PAGE_SIZE, end), 1);
	kx_add(k, G_IND, G_IND + 0x1000, 2);                       /* KexecPages */
	for (uint64_t i = 0; i < 3; i++)
		kx_add(k, G_SRC + i * 0x1000, G_SRC + (i + 1) * 0x1000, 2);
	return k->n;
}

static int64_t kexec_call(const struct kx *k, uint64_t crash)
{
	vt_chain(k->r, k->n);
	return vt_call(KV, T_CHAIN, k->n, crash);
}

static void all_rw_again(void)
{
	CHECK_EQ(fake_perm(G_KIMG) & (SOUTH_PROT_W | PROT_X), SOUTH_PROT_W);
	CHECK_EQ(fake_perm(G_IND) & (SOUTH_PROT_W | PROT_X), SOUTH_PROT_W);
	CHECK_EQ(fake_perm(G_SRC + 0x1000) & (SOUTH_PROT_W | PROT_X), SOUTH_PROT_W);
}

TEST(modval_hooks_kexec_validate)
{
	struct kx k;

	setup(true);
	kexec_normal(&k);
	CHECK_EQ_INT(kexec_call(&k, 0), 0);
	CHECK(vt_lines("the verified kernel") >= 1);
	/* Image and pages read-only (not executable: that is kexec time). */
	CHECK_EQ(fake_perm(G_KIMG) & (SOUTH_PROT_W | PROT_X), 0);
	CHECK_EQ(fake_perm(G_IND) & (SOUTH_PROT_W | PROT_X), 0);
	CHECK_EQ(fake_perm(G_SRC + 0x1000) & (SOUTH_PROT_W | PROT_X), 0);

	/* A tampered blob: the earlier approval is dropped, nothing stays RO. */
	fake_ram(G_PE + 0x410)[0] ^= 0x01;
	CHECK_EQ_INT(kexec_call(&k, 0), -EKEYREJECTED);
	all_rw_again();

	/* Valid again, then invalidated by pa == 0. */
	fake_ram(G_PE + 0x410)[0] ^= 0x01;
	CHECK_EQ_INT(kexec_call(&k, 0), 0);
	CHECK_EQ(fake_perm(G_KIMG) & SOUTH_PROT_W, 0);
	CHECK_EQ_INT(vt_call(KV, 0, 0, 0), 0);
	all_rw_again();
	teardown();
}

/*
 * RT8: the blob is signed, but the pages that would run hold VTL0's code.
 * Before the binding KEXEC_VALIDATE accepted this (it checked the blob only).
 */
TEST(modval_hooks_kexec_rt8_kernel_pages_not_the_signed_kernel)
{
	struct kx k;

	setup(true);
	kexec_normal(&k);
	fake_ram(G_SRC + 0x1000)[0x100] ^= 0x01;     /* one byte of the kernel copy */
	CHECK_EQ_INT(kexec_call(&k, 0), -EKEYREJECTED);
	CHECK(vt_lines("no segment holds the verified kernel") >= 1);
	all_rw_again();

	kexec_normal(&k);                             /* code in the zero tail */
	fake_ram(G_SRC + 0x2000)[0xff0] = 0xc3;
	CHECK_EQ_INT(kexec_call(&k, 0), -EKEYREJECTED);

	kexec_normal(&k);                             /* no kernel segment at all */
	{
		static const uint64_t seg[1][2] = { { D_PURG, 0x1000 } };
		uint64_t ents[] = { D_PURG | 1, G_SRC | 8, 4 };

		kimage_write(G_IND | 2, 1, seg);
		memset(fake_ram(G_IND), 0, PAGE_SIZE);
		memcpy(fake_ram(G_IND), ents, sizeof(ents));
	}
	CHECK_EQ_INT(kexec_call(&k, 0), -EKEYREJECTED);
	all_rw_again();
	teardown();
}

/* The pages the binding reads must be ones VTL1 keeps read-only. */
TEST(modval_hooks_kexec_binding_reads_only_protected_pages)
{
	struct kx k;

	setup(true);
	kexec_normal(&k);
	k.n--;                                        /* kernel page 1 not sent */
	CHECK_EQ_INT(kexec_call(&k, 0), -EKEYREJECTED);
	all_rw_again();

	kexec_normal(&k);
	k.r[k.n - 4].attributes = 0;                  /* indirection page as "image" */
	CHECK_EQ_INT(kexec_call(&k, 0), -EINVAL);
	CHECK(vt_lines("not among the protected") >= 1);
	teardown();
}

/* The order Linux emits; a second entry for a kernel page (the last one
 * wins in relocate_kernel), a head that is not an indirection, a source
 * inside a destination, an entry page without an end: all refused. */
TEST(modval_hooks_kexec_entry_list_shapes)
{
	struct kx k;
	uint64_t *e;

	setup(true);
	kexec_normal(&k);
	e = (uint64_t *)(void *)fake_ram(G_IND);
	e[5] = D_KERN | 1;                            /* kernel page 0 again ... */
	e[6] = G_SRC | 8;                             /* ... from the 0xcc page */
	e[7] = 4;
	CHECK_EQ_INT(kexec_call(&k, 0), -EKEYREJECTED);

	kexec_normal(&k);
	memcpy(fake_ram(G_KIMG), &(uint64_t){ D_KERN | 1 }, 8);
	CHECK_EQ_INT(kexec_call(&k, 0), -EINVAL);

	kexec_normal(&k);
	e = (uint64_t *)(void *)fake_ram(G_IND);
	e[1] = (D_KERN + 0x1000) | 8;                 /* source inside a destination */
	CHECK_EQ_INT(kexec_call(&k, 0), -EINVAL);

	kexec_normal(&k);
	e = (uint64_t *)(void *)fake_ram(G_IND);
	for (unsigned int i = 5; i < 512; i++)
		e[i] = (G_SRC + 0x2000) | 8;              /* runs off the page */
	CHECK_EQ_INT(kexec_call(&k, 0), -EINVAL);
	CHECK(vt_lines("does not end") >= 1);

	kexec_normal(&k);                             /* a cycle of indirections */
	e = (uint64_t *)(void *)fake_ram(G_IND);
	e[5] = G_IND | 2;
	CHECK_EQ_INT(kexec_call(&k, 0), -E2BIG);
	teardown();
}

/* Crash kexec: the segment is in place in reserved memory (KexecPages). */
TEST(modval_hooks_kexec_crash_segment_in_place)
{
	static const uint64_t seg[2][2] = { { G_CRASH + 0x8000, 0x1000 }, { G_CRASH, 0x2000 } };
	struct kx k;

	setup(true);
	kexec_normal(&k);
	kimage_write(0, 2, seg);
	memset(fake_ram(G_CRASH), 0, 0x9000);
	memcpy(fake_ram(G_CRASH), hooks_bz_pe + HOOKS_BZ_PAYLOAD, BZ_PLEN);
	k.n -= 4;                                     /* no entry list for crash */
	kx_add(&k, G_CRASH, G_CRASH + 0x1000, 2);
	kx_add(&k, G_CRASH + 0x1000, G_CRASH + 0x2000, 2);
	kx_add(&k, G_CRASH + 0x8000, G_CRASH + 0x9000, 2);
	CHECK_EQ_INT(kexec_call(&k, 1), 0);
	CHECK_EQ(fake_perm(G_CRASH) & (SOUTH_PROT_W | PROT_X), 0);
	CHECK_EQ_INT(vt_call(KV, 0, 0, 1), 0);

	fake_ram(G_CRASH + 0x1800)[0] = 0x90;         /* VTL0 bytes in the tail */
	CHECK_EQ_INT(kexec_call(&k, 1), -EKEYREJECTED);
	CHECK(fake_perm(G_CRASH) & SOUTH_PROT_W);
	fake_ram(G_CRASH + 0x1800)[0] = 0;
	k.n -= 2;                                     /* second kernel page unprotected */
	kx_add(&k, G_CRASH + 0x8000, G_CRASH + 0x9000, 2);
	CHECK_EQ_INT(kexec_call(&k, 1), -EKEYREJECTED);
	teardown();
}

/*
 * What stays unbound (docs/module-validation.md): segments other than the
 * kernel's, here a "purgatory" page of VTL0's choosing, are only kept
 * read-only.  This test pins that limit so a change to it is deliberate.
 */
TEST(modval_hooks_kexec_documented_limit_other_segments)
{
	struct kx k;

	setup(true);
	kexec_normal(&k);
	memset(fake_ram(G_SRC), 0x90, PAGE_SIZE);     /* any code at all */
	CHECK_EQ_INT(kexec_call(&k, 0), 0);
	CHECK_EQ(fake_perm(G_SRC) & (SOUTH_PROT_W | PROT_X), 0);
	CHECK_EQ_INT(vt_call(KV, 0, 0, 0), 0);

	/* A signed PE that is not a bzImage: VTL1 cannot tell what runs. */
	memcpy(fake_ram(G_PE), hooks_pe, sizeof(hooks_pe));
	k.n = 0;
	kx_add(&k, G_KIMG, G_KIMG + 0x400, 0);
	for (uint64_t pa = G_PE; pa < G_PE + sizeof(hooks_pe); pa += PAGE_SIZE)
		kx_add(&k, pa, MIN(pa + PAGE_SIZE, G_PE + sizeof(hooks_pe)), 1);
	CHECK_EQ_INT(kexec_call(&k, 0), -EOPNOTSUPP);
	CHECK(vt_lines("not an x86 bzImage") >= 1);
	teardown();
}

TEST(modval_hooks_protect_failure_means_no_verification)
{
	struct heki_range r[8];
	size_t n;

	setup(true);
	n = module_ranges(r);
	/* If write-protecting the module fails, nothing is copied or checked
	 * (TOCTOU: unprotected bytes could change after the check). */
	fake_south.fail_prot_call = (int)fake_south.prot_calls + 1;
	CHECK(validate(r, n) < 0);
	CHECK_EQ(vt_lines("module validated"), 0);
	CHECK(fake_perm(G_TEXT) & SOUTH_PROT_W);
	fake_south.fail_prot_call = 0;
	CHECK(validate(r, n) > 0);
	teardown();
}

int vt_policy_blob(void *buf, size_t size, const char *audit_class, const char *action,
		   uint32_t rate);

/* One memory intercept on VP 0, as the South would deliver it. */
static enum north_decision mem_intercept(uint64_t gpa, enum north_access a)
{
	fake_push_mem(0, gpa, a, 0xffffffff81002000ull);
	CHECK_EQ_INT(vtlp_serve(), -ENODATA);
	return fake_south.done[fake_south.ndone - 1].decision;
}

/*
 * Under an audit policy an audited access opens its page (lock_regs.c).  A
 * plain R|W page opened that way (R|W|X) must stay a page VALIDATE_MODULE
 * may claim, as it is under enforce where the access was refused; kernel
 * text opened the same way (R|W|X too) must not become claimable.
 */
TEST(modval_hooks_audit_opened_pages)
{
	static uint8_t blob[4096];
	const uint32_t rw = HEKI_ATTR_MEM_R | HEKI_ATTR_MEM_W, rx = HEKI_ATTR_MEM_R | HEKI_ATTR_MEM_X;
	struct heki_range r[8];
	size_t n;

	CHECK_EQ_INT(vt_policy_blob(blob, sizeof(blob), "memory", "gp-report", 10), 0);
	setup_policy(true, blob, sizeof(blob));
	CHECK_EQ_INT(vt_protect(G_TEXT, G_TEXT + 0x1000, rw), 0);
	CHECK_EQ(mem_intercept(G_TEXT + 8, NORTH_ACCESS_EXEC), NORTH_DECIDE_RETRY);
	CHECK(fake_perm(G_TEXT) & PROT_X); /* opened */
	n = module_ranges(r);
	CHECK(validate(r, n) > 0);
	CHECK_EQ(fake_perm(G_TEXT) & (SOUTH_PROT_W | PROT_X), PROT_X);
	teardown();

	setup_policy(true, blob, sizeof(blob));
	CHECK_EQ_INT(vt_protect(G_TEXT, G_TEXT + 0x1000, rx), 0);
	CHECK_EQ(mem_intercept(G_TEXT + 8, NORTH_ACCESS_WRITE), NORTH_DECIDE_RETRY);
	CHECK(fake_perm(G_TEXT) & SOUTH_PROT_W); /* opened */
	n = module_ranges(r);
	CHECK_EQ_INT(validate(r, n), -EBUSY);
	teardown();
}

TEST(modval_hooks_refuse_pages_protected_for_others)
{
	struct heki_range r[8];
	size_t n;
	int64_t tok;

	/* Kernel text protected by PROTECT_MEMORY cannot be named as module
	 * text (it would be made writable again on failure or unload). */
	setup(true);
	CHECK_EQ_INT(vt_protect(G_TEXT, G_TEXT + 0x1000, HEKI_ATTR_MEM_R | HEKI_ATTR_MEM_X), 0);
	n = module_ranges(r);
	CHECK_EQ_INT(validate(r, n), -EBUSY);
	CHECK_EQ(fake_perm(G_TEXT) & (SOUTH_PROT_W | PROT_X), PROT_X);
	teardown();

	/* A second module cannot claim the first one's pages. */
	setup(true);
	n = module_ranges(r);
	tok = validate(r, n);
	CHECK(tok > 0);
	CHECK_EQ_INT(validate(r, n), -EBUSY);
	CHECK_EQ(fake_perm(G_TEXT) & (SOUTH_PROT_W | PROT_X), PROT_X);
	CHECK_EQ_INT(vt_call(UM, (uint64_t)tok, 0, 0), 0);
	CHECK(validate(r, n) > tok);        /* after unload the pages are free */
	teardown();
}

#define G_KI  0x6f0000ull
#define G_KD  0x600000ull
#define KVA   0xffffffff82000000ULL

/* KernelInfo + KernelData with one export, printk, as LVBS sends them. */
static void load_kernel_symbols(uint64_t printk_va)
{
	uint8_t *kd = fake_ram(G_KD), *ki = fake_ram(G_KI);
	uint64_t e = KVA + 0x100, name = KVA + 0x200;
	struct heki_range r[2] = {
		{ KVA, G_KD, G_KD + 0x400, VTLP_KDATA_KERNEL_DATA },
		{ 0, G_KI, G_KI + 32, VTLP_KDATA_KERNEL_INFO },
	};
	uint32_t v = (uint32_t)(printk_va - e), nm = (uint32_t)(name - (e + 4));
	uint64_t tab[4] = { e, e + 12, e + 12, e + 12 };

	memset(kd, 0, 0x400);
	memcpy(kd + 0x100, &v, 4);
	memcpy(kd + 0x104, &nm, 4);
	strcpy((char *)kd + 0x200, "printk");
	memcpy(ki, tab, sizeof(tab));
	vt_chain(r, 2);
	CHECK_EQ_INT(vt_call(LK, T_CHAIN, 2, 0), 0);
}

static size_t module2_ranges(struct heki_range *r)
{
	const uint64_t elf = 0x720000ull;

	memcpy(fake_ram(elf), hooks2_ko, sizeof(hooks2_ko));
	/* the whole page is compared: clear what setup() put there first */
	memset(fake_ram(G_TEXT), 0, PAGE_SIZE);
	memset(fake_ram(G_RO), 0, PAGE_SIZE);
	memcpy(fake_ram(G_TEXT), hooks2_text, sizeof(hooks2_text));
	memcpy(fake_ram(G_RO), hooks2_rodata, sizeof(hooks2_rodata));
	r[0] = (struct heki_range){ 0, elf, elf + sizeof(hooks2_ko), MODVAL_MOD_ELF_BUFFER };
	r[1] = (struct heki_range){ HOOKS_VA(MODVAL_MOD_TEXT), G_TEXT, G_TEXT + sizeof(hooks2_text),
				    MODVAL_MOD_TEXT };
	r[2] = (struct heki_range){ HOOKS_VA(MODVAL_MOD_RODATA), G_RO,
				    G_RO + sizeof(hooks2_rodata), MODVAL_MOD_RODATA };
	return 3;
}

TEST(modval_hooks_module_importing_kernel_symbols)
{
	struct heki_range r[4];
	const uint8_t *d;
	size_t n, len;

	/* KernelData's own range tells VTL1 its VA: the import resolves. */
	setup(true);
	load_kernel_symbols(0xffffffff81234560ULL);
	n = module2_ranges(r);
	CHECK_EQ_INT(vtlp_kdata_get(VTLP_KDATA_KERNEL_DATA, &d, &len), 0);
	CHECK_EQ(len, 0x400);
	CHECK(validate(r, n) > 0);
	CHECK_EQ(fake_perm(G_TEXT) & (SOUTH_PROT_W | PROT_X), PROT_X);
	teardown();

	/* A VA set explicitly wins; a wrong one makes the import unresolvable. */
	setup(true);
	load_kernel_symbols(0xffffffff81234560ULL);
	modval_set_kernel_data_va(KVA + 0x100000);
	n = module2_ranges(r);
	CHECK_EQ_INT(validate(r, n), -ENOENT);
	CHECK(vt_lines("imports 'printk'") >= 1);
	CHECK(fake_perm(G_TEXT) & SOUTH_PROT_W);
	teardown();

	setup(true);
	load_kernel_symbols(0xffffffff81234570ULL);
	modval_set_kernel_data_va(KVA);
	n = module2_ranges(r);
	CHECK_EQ_INT(validate(r, n), -EKEYREJECTED);
	teardown();
}

/*
 * RT1 (issue 13): the whole last page of a region becomes RX or R, so code
 * VTL0 writes after the signed bytes in that page must be refused, and the
 * page must never become executable.  Before the fix only [pa, epa) was
 * copied and compared and these modules validated.
 */
static void tail_refused(uint64_t region_pa, size_t signed_len, const uint8_t *code, size_t n)
{
	struct heki_range r[8];
	size_t nr;

	setup(true);
	nr = module_ranges(r);
	memcpy(fake_ram(region_pa + signed_len + 0x10), code, n);
	CHECK_EQ_INT(validate(r, nr), -EKEYREJECTED);
	CHECK(vt_lines("past its sections") >= 1);
	CHECK_EQ(fake_perm(G_TEXT) & PROT_X, 0);
	CHECK_EQ(fake_perm(G_INIT) & PROT_X, 0);
	CHECK(fake_perm(region_pa) & SOUTH_PROT_W);
	/* the same module with the page tail zero (as Linux leaves it) validates */
	memset(fake_ram(region_pa + signed_len + 0x10), 0, n);
	CHECK(validate(r, nr) > 0);
	teardown();
}

TEST(modval_hooks_rt1_code_after_text_in_last_page)
{
	static const uint8_t code[] = { 0x48, 0x31, 0xc0, 0x0f, 0x22, 0xc0, 0xc3 };

	tail_refused(G_TEXT, sizeof(hooks_text), code, sizeof(code));
}

TEST(modval_hooks_rt1_code_after_init_text_in_last_page)
{
	static const uint8_t code[] = { 0xfa, 0xf4, 0xc3 };

	tail_refused(G_INIT, sizeof(hooks_init_text), code, sizeof(code));
}

TEST(modval_hooks_rt1_data_after_rodata_in_last_page)
{
	static const uint8_t fake_table[] = { 0x41, 0x41, 0x41, 0x41, 0xff, 0xff, 0xff, 0xff };

	tail_refused(G_RO, sizeof(hooks_rodata), fake_table, sizeof(fake_table));
}

/* The very last byte of the page counts too (off-by-one in the tail walk). */
TEST(modval_hooks_rt1_last_byte_of_page)
{
	struct heki_range r[8];
	size_t n;

	setup(true);
	n = module_ranges(r);
	fake_ram(G_TEXT + PAGE_SIZE - 1)[0] = 0xcc;
	CHECK_EQ_INT(validate(r, n), -EKEYREJECTED);
	CHECK_EQ(fake_perm(G_TEXT) & PROT_X, 0);
	teardown();
}

/* One physical page named by two regions (or twice) would get two final
 * permissions and two expected contents: refused before anything changes. */
TEST(modval_hooks_page_named_twice_refused)
{
	struct heki_range r[9];
	size_t n;

	setup(true);
	n = module_ranges(r);
	r[n - 2].pa = G_TEXT;                      /* RoData on the Text page */
	r[n - 2].epa = G_TEXT + sizeof(hooks_rodata);
	CHECK_EQ_INT(validate(r, n), -EINVAL);
	CHECK(vt_lines("which this module already uses") >= 1);
	CHECK(fake_perm(G_TEXT) & SOUTH_PROT_W);
	CHECK_EQ(fake_perm(G_TEXT) & PROT_X, PROT_X); /* untouched: never made RO */

	n = module_ranges(r);
	r[n - 1].pa = G_TEXT;                      /* InitText on the Text page */
	r[n - 1].epa = G_TEXT + sizeof(hooks_init_text);
	CHECK_EQ_INT(validate(r, n), -EINVAL);

	n = module_ranges(r);                      /* RoAfterInit on the RoData page */
	r[n++] = (struct heki_range){ HOOKS_VA(MODVAL_MOD_RO_AFTER_INIT), G_RO, G_RO + 8,
				      MODVAL_MOD_RO_AFTER_INIT };
	CHECK_EQ_INT(validate(r, n), -EINVAL);
	teardown();
}

/* FREE_MODULE_INIT: init pages RW+NX, their extents released so the next
 * module can reuse them, and the first module's UNLOAD leaves them alone. */
TEST(modval_hooks_freed_init_pages_reused_by_next_module)
{
	struct heki_range r[8], r2[8];
	size_t n;
	int64_t tok, tok2;

	setup(true);
	n = module_ranges(r);
	tok = validate(r, n);
	CHECK(tok > 0);
	/* before FREE_MODULE_INIT the init page is this module's */
	memcpy(r2, r, sizeof(r));
	CHECK_EQ_INT(vt_call(FMI, (uint64_t)tok, 0, 0), 0);
	CHECK_EQ(fake_perm(G_INIT) & (SOUTH_PROT_W | PROT_X), SOUTH_PROT_W);

	/* module 2 = the same module, with its text on module 1's freed init
	 * page and everything else on fresh pages */
	memcpy(fake_ram(G_INIT), hooks_text, sizeof(hooks_text));
	memset(fake_ram(G_INIT + sizeof(hooks_text)), 0, PAGE_SIZE - sizeof(hooks_text));
	memcpy(fake_ram(G_INIT + 0x10000), hooks_rodata, sizeof(hooks_rodata));
	memcpy(fake_ram(G_INIT + 0x20000), hooks_init_text, sizeof(hooks_init_text));
	for (size_t i = 0; i < n; i++) {
		if (r2[i].attributes == MODVAL_MOD_TEXT)
			r2[i].pa = G_INIT, r2[i].epa = G_INIT + sizeof(hooks_text);
		else if (r2[i].attributes == MODVAL_MOD_RODATA)
			r2[i].pa = G_INIT + 0x10000, r2[i].epa = r2[i].pa + sizeof(hooks_rodata);
		else if (r2[i].attributes == MODVAL_MOD_INIT_TEXT)
			r2[i].pa = G_INIT + 0x20000, r2[i].epa = r2[i].pa + sizeof(hooks_init_text);
		else if (r2[i].attributes == MODVAL_MOD_DATA)
			r2[i].pa = G_INIT + 0x30000, r2[i].epa = r2[i].pa + 0x40;
	}
	tok2 = validate(r2, n);
	CHECK(tok2 > tok);
	CHECK_EQ(fake_perm(G_INIT) & (SOUTH_PROT_W | PROT_X), PROT_X);
	/* unloading module 1 must not make module 2's text writable */
	CHECK_EQ_INT(vt_call(UM, (uint64_t)tok, 0, 0), 0);
	CHECK_EQ(fake_perm(G_INIT) & (SOUTH_PROT_W | PROT_X), PROT_X);
	CHECK_EQ(fake_perm(G_TEXT) & (SOUTH_PROT_W | PROT_X), SOUTH_PROT_W);
	CHECK_EQ_INT(vt_call(UM, (uint64_t)tok2, 0, 0), 0);
	CHECK_EQ(fake_perm(G_INIT) & (SOUTH_PROT_W | PROT_X), SOUTH_PROT_W);
	teardown();
}

/* A failed FREE_MODULE_INIT leaves the token "init live" so a retry can
 * finish; the second success is the only one. */
TEST(modval_hooks_free_init_failure_then_retry)
{
	struct heki_range r[8];
	size_t n;
	int64_t tok;

	setup(true);
	n = module_ranges(r);
	tok = validate(r, n);
	CHECK(tok > 0);
	fake_south.fail_prot_call = (int)fake_south.prot_calls + 1;
	CHECK(vt_call(FMI, (uint64_t)tok, 0, 0) < 0);
	fake_south.fail_prot_call = 0;
	CHECK_EQ_INT(vt_call(FMI, (uint64_t)tok, 0, 0), 0);
	CHECK_EQ(fake_perm(G_INIT) & (SOUTH_PROT_W | PROT_X), SOUTH_PROT_W);
	CHECK_EQ_INT(vt_call(FMI, (uint64_t)tok, 0, 0), -EINVAL);
	teardown();
}

/* Token lifetimes: unknown, negative, unloaded, and the 32-bit limit
 * (V1-V3 read R8 as an int: a token above INT32_MAX would turn negative). */
TEST(modval_hooks_token_state_machine)
{
	struct heki_range r[8];
	size_t n;
	int64_t tok;

	setup(true);
	n = module_ranges(r);
	CHECK_EQ_INT(vt_call(UM, 1, 0, 0), -EINVAL);           /* never issued */
	CHECK_EQ_INT(vt_call(FMI, (uint64_t)-1, 0, 0), -EINVAL);
	CHECK_EQ_INT(vt_call(UM, 0, 0, 0), -EINVAL);
	modval_hooks_set_next_token(INT32_MAX);
	tok = validate(r, n);
	CHECK_EQ(tok, INT32_MAX);
	CHECK_EQ_INT(vt_call(UM, (uint64_t)tok, 0, 0), 0);
	CHECK_EQ_INT(validate(r, n), -ENOSPC);                  /* exhausted, not wrapped */
	CHECK(vt_lines("module tokens exhausted") >= 1);
	CHECK_EQ(fake_perm(G_TEXT) & PROT_X, 0);
	CHECK_EQ_INT(vt_call(UM, (uint64_t)tok, 0, 0), -EINVAL); /* gone for good */
	CHECK_EQ_INT(vt_call(FMI, (uint64_t)tok, 0, 0), -EINVAL);
	teardown();
}

/* ------------------------------------------- issue 15: scale and targets */

/*
 * The module table and the per-module extent list are sized from the heap
 * up to documented limits; at a limit VALIDATE_MODULE answers -ENOSPC with
 * a log line, nothing is protected, and freeing a slot makes room again.
 */
TEST(modval_hooks_module_table_limit)
{
	struct heki_range r[8];
	size_t n;
	int64_t tok;

	setup(true);
	modval_hooks_set_limits(1, 0);
	n = module_ranges(r);
	tok = validate(r, n);
	CHECK(tok > 0);
	CHECK_EQ_INT(validate(r, n), -ENOSPC);
	CHECK(vt_lines("modules are validated, the most VTL1 keeps") >= 1);
	CHECK_EQ_INT(vt_call(UM, (uint64_t)tok, 0, 0), 0);
	CHECK(validate(r, n) > tok);
	teardown();
}

TEST(modval_hooks_extent_limit)
{
	struct heki_range r[8];
	size_t n;

	/* Text, RoData and InitText: three extents.  Two are refused... */
	setup(true);
	modval_hooks_set_limits(0, 2);
	n = module_ranges(r);
	CHECK_EQ_INT(validate(r, n), -ENOSPC);
	CHECK(vt_lines("physical page extents (the limit)") >= 1);
	{
		uint32_t attr;

		CHECK_EQ_INT(vtlp_protection_of(G_TEXT, &attr), -ENOENT); /* untouched */
	}
	teardown();
	/* ... exactly at the limit it validates. */
	setup(true);
	modval_hooks_set_limits(0, 3);
	n = module_ranges(r);
	CHECK(validate(r, n) > 0);
	teardown();
}

/*
 * Many modules at once: more than the old fixed table of 64 (each module
 * on pages of its own, as Linux's vmalloc'd module memory is).
 */
TEST(modval_hooks_many_modules)
{
	struct heki_range r[8];
	size_t n;
	int64_t tok[100] = { 0 };

	setup(true);
	n = module_ranges(r);
	for (int i = 0; i < 100; i++) {
		/* above VTL1's [8, 10) MiB, clear of every other test page */
		uint64_t base = 0xc00000ull + (uint64_t)i * 3 * PAGE_SIZE;
		const uint64_t old[3] = { G_TEXT, G_RO, G_INIT };

		for (size_t k = 0; k < n; k++) {
			for (int o = 0; o < 3; o++) {
				if (r[k].pa != old[o] && r[k].pa != base - 3 * PAGE_SIZE + (uint64_t)o * PAGE_SIZE)
					continue;
				r[k].epa = base + (uint64_t)o * PAGE_SIZE + (r[k].epa - r[k].pa);
				r[k].pa = base + (uint64_t)o * PAGE_SIZE;
				memcpy(fake_ram(r[k].pa), fake_ram(old[o]), PAGE_SIZE);
				break;
			}
		}
		tok[i] = validate(r, n);
		CHECK(tok[i] > 0);
		if (tok[i] <= 0)
			break;
	}
	for (int i = 0; i < 100; i++)
		CHECK_EQ_INT(vt_call(UM, (uint64_t)tok[i], 0, 0), 0);
	teardown();
}

/*
 * The trusted targets of the site-aware rule: exported thunks from the
 * kernel's own ksymtab, KernelInfo's values over them, and each kept only
 * when it lies in kernel text VTL1 protects executable (VA -> PA through
 * KernelData's VA/PA pair).  A thunk pointing into rodata is dropped.
 */
#define G_KTEXT 0x580000ull                  /* PA of a kernel text page */
#define KTEXT_VA (KVA - (G_KD - G_KTEXT))     /* its VA (linear image) */

static void load_kernel_thunks(void)
{
	uint8_t *kd = fake_ram(G_KD), *ki = fake_ram(G_KI);
	static const char *const names[2] = { "__x86_return_thunk", "its_return_thunk" };
	const uint64_t vals[2] = { KTEXT_VA + 0x40, KVA + 0x300 /* rodata */ };
	uint64_t e = KVA + 0x100;
	struct heki_range r[2] = {
		{ KVA, G_KD, G_KD + 0x400, VTLP_KDATA_KERNEL_DATA },
		{ 0, G_KI, G_KI + 32 + 16 + 40, VTLP_KDATA_KERNEL_INFO },
	};
	uint64_t tab[4] = { e, e + 24, e + 24, e + 24 };
	/* tail: pv_bug, pv_nop, indirect_thunk_array, return_thunk_init, return_thunk */
	uint64_t tail[5] = { KVA + 0x380, KTEXT_VA + 0x10, KTEXT_VA + 0x20, 0, 0 };

	memset(kd, 0, 0x400);
	memset(ki, 0, 32 + 16 + 40);
	for (int i = 0; i < 2; i++) {
		uint64_t ent = e + 12 * (uint64_t)i, name = KVA + 0x200 + 0x40 * (uint64_t)i;
		uint32_t v = (uint32_t)(vals[i] - ent), nm = (uint32_t)(name - (ent + 4));

		memcpy(kd + (ent - KVA), &v, 4);
		memcpy(kd + (ent - KVA) + 4, &nm, 4);
		strcpy((char *)kd + (name - KVA), names[i]);
	}
	memcpy(ki, tab, sizeof(tab));
	memcpy(ki + 32 + 16, tail, sizeof(tail));
	vt_chain(r, 2);
	CHECK_EQ_INT(vt_call(LK, T_CHAIN, 2, 0), 0);
	CHECK_EQ_INT(vtlp_protect_range(G_KTEXT, G_KTEXT + PAGE_SIZE,
					HEKI_ATTR_MEM_R | HEKI_ATTR_MEM_X, "test kernel text"), 0);
}

TEST(modval_hooks_kernel_targets_from_trusted_data)
{
	struct modelf_kernel k;

	setup(true);
	load_kernel_thunks();
	modval_hooks_kernel_targets(&k);
	CHECK_EQ(k.return_thunk, KTEXT_VA + 0x40);        /* ksymtab, in text */
	CHECK_EQ(k.its_return_thunk, 0);                  /* ksymtab, rodata: dropped */
	CHECK_EQ(k.indirect_thunk_array, KTEXT_VA + 0x20); /* KernelInfo */
	CHECK_EQ(k.pv_nop, KTEXT_VA + 0x10);
	CHECK_EQ(k.pv_bug, 0);                            /* KernelInfo, rodata: dropped */
	CHECK_EQ(k.its_thunk_array, 0);                   /* nobody sent it */
	CHECK(vt_lines("kernel target its_return_thunk") >= 1);
	CHECK(vt_lines("kernel target pv_bug") >= 1);
	CHECK(k.is_kernel_text(k.ctx, KTEXT_VA));
	CHECK(k.is_kernel_text(k.ctx, KTEXT_VA + PAGE_SIZE - 1));
	CHECK(!k.is_kernel_text(k.ctx, KTEXT_VA + PAGE_SIZE)); /* not protected */
	CHECK_EQ_INT(vtlp_protect_range(G_KTEXT + PAGE_SIZE, G_KTEXT + 2 * PAGE_SIZE,
					HEKI_ATTR_MEM_R, "test kernel rodata-like page"), 0);
	CHECK(!k.is_kernel_text(k.ctx, KTEXT_VA + PAGE_SIZE)); /* protected, not X */
	CHECK(!k.is_kernel_text(k.ctx, KVA + 0x10));           /* rodata */
	CHECK(!k.is_kernel_text(k.ctx, HOOKS_VA(MODVAL_MOD_TEXT)));
	teardown();

	/* A validated module's Text becomes a target too, until unloaded. */
	{
		struct heki_range r[8];
		size_t n;
		int64_t tok;

		setup(true);
		load_kernel_thunks();
		n = module_ranges(r);
		tok = validate(r, n);
		CHECK(tok > 0);
		modval_hooks_kernel_targets(&k);
		CHECK(k.is_kernel_text(k.ctx, HOOKS_VA(MODVAL_MOD_TEXT)));
		CHECK(!k.is_kernel_text(k.ctx, HOOKS_VA(MODVAL_MOD_RODATA)));
		CHECK_EQ_INT(vt_call(UM, (uint64_t)tok, 0, 0), 0);
		modval_hooks_kernel_targets(&k);
		CHECK(!k.is_kernel_text(k.ctx, HOOKS_VA(MODVAL_MOD_TEXT)));
		teardown();
	}
}
