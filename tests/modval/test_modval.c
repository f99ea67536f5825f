// SPDX-License-Identifier: MIT
/*
 * Host tests for the module-validation code paths that hostile input reaches
 * first: the signature trailer, PKCS#7 framing, the trust store's input
 * parsers, the ELF checker and the PE parser.  End-to-end cryptographic cases
 * (real keys and signatures) are in the modval suite (run-suite.sh).
 */
#include <errno.h>
#include <stdlib.h>

#include "tests/modval/roai_vectors.h"
#include "tests/unit/unit.h"
#include "vtl_protect/modval/authenticode.h"
#include "vtl_protect/modval/kelf.h"
#include "vtl_protect/modval/modelf.h"
#include "vtl_protect/modval/modval.h"
#include "vtl_protect/modval/modsig.h"
#include "vtl_protect/modval/pkcs7.h"
#include "vtl_protect/modval/trust.h"

/* content || sig || trailer || magic, with the given trailer bytes. */
static size_t build_signed(uint8_t *out, size_t content, size_t sig, const uint8_t tr[12])
{
	size_t n = 0;

	memset(out, 0xab, content + sig);
	n = content + sig;
	memcpy(out + n, tr, 12);
	n += 12;
	memcpy(out + n, MODSIG_MAGIC, MODSIG_MAGIC_LEN);
	return n + MODSIG_MAGIC_LEN;
}

TEST(modval_modsig_split_trailer)
{
	static uint8_t buf[256];
	uint8_t tr[12] = { 0, 0, 2, 0, 0, 0, 0, 0, 0, 0, 0, 20 };
	const uint8_t *sig;
	size_t clen, slen, n;
	const char *why = NULL;

	n = build_signed(buf, 30, 20, tr);
	CHECK_EQ_INT(modsig_split(buf, n, &clen, &sig, &slen, &why), 0);
	CHECK_EQ(clen, 30);
	CHECK_EQ(slen, 20);
	CHECK(sig == buf + 30);

	/* No marker, marker only, bad id_type, non-zero fields, bad lengths. */
	CHECK_EQ_INT(modsig_split(buf, 30, &clen, &sig, &slen, &why), -ENODATA);
	CHECK_EQ_INT(modsig_split((const uint8_t *)MODSIG_MAGIC, MODSIG_MAGIC_LEN, &clen, &sig,
				  &slen, &why), -EBADMSG);
	tr[2] = 1;
	n = build_signed(buf, 30, 20, tr);
	CHECK_EQ_INT(modsig_split(buf, n, &clen, &sig, &slen, &why), -EOPNOTSUPP);
	tr[2] = 2;
	tr[5] = 1;
	n = build_signed(buf, 30, 20, tr);
	CHECK_EQ_INT(modsig_split(buf, n, &clen, &sig, &slen, &why), -EBADMSG);
	tr[5] = 0;
	tr[11] = 51; /* one more than content + sig */
	n = build_signed(buf, 30, 20, tr);
	CHECK_EQ_INT(modsig_split(buf, n, &clen, &sig, &slen, &why), -EBADMSG);
	tr[8] = 0xff; /* ~4 GiB: must not wrap */
	n = build_signed(buf, 30, 20, tr);
	CHECK_EQ_INT(modsig_split(buf, n, &clen, &sig, &slen, &why), -EBADMSG);
	memset(tr + 8, 0, 4);
	n = build_signed(buf, 30, 20, tr);
	CHECK_EQ_INT(modsig_split(buf, n, &clen, &sig, &slen, &why), -EBADMSG);
	CHECK(why != NULL);
	/* Oversize is refused from the length alone, before any byte is read. */
	CHECK_EQ_INT(modsig_split(buf, MODSIG_MAX_MODULE + 1, &clen, &sig, &slen, &why), -E2BIG);
}

TEST(modval_modsig_verify_garbage)
{
	static struct modval_trust t;
	static uint8_t buf[256];
	uint8_t tr[12] = { 0, 0, 2, 0, 0, 0, 0, 0, 0, 0, 0, 40 };
	struct modsig_result r;
	size_t n;

	modval_trust_init(&t);
	n = build_signed(buf, 30, 40, tr);
	CHECK_EQ_INT(modsig_verify(&t, buf, n, &r), -EBADMSG);
	CHECK(r.reason && strstr(r.reason, "PKCS#7"));
	CHECK(r.signer == NULL);
}

TEST(modval_pkcs7_framing)
{
	/* ContentInfo with the data OID instead of signedData. */
	static const uint8_t data_ci[] = { 0x30, 0x0b, 0x06, 0x09, 0x2a, 0x86, 0x48, 0x86,
					   0xf7, 0x0d, 0x01, 0x07, 0x01 };
	/* signedData OID but an empty [0]. */
	static const uint8_t empty_sd[] = { 0x30, 0x0d, 0x06, 0x09, 0x2a, 0x86, 0x48, 0x86,
					    0xf7, 0x0d, 0x01, 0x07, 0x02, 0xa0, 0x00 };
	struct pkcs7_signed s;
	const char *why = NULL;

	CHECK_EQ_INT(pkcs7_parse(data_ci, sizeof(data_ci), &s, &why), -EBADMSG);
	CHECK_STR(why, "PKCS#7: content type is not signedData");
	CHECK_EQ_INT(pkcs7_parse(empty_sd, sizeof(empty_sd), &s, &why), -EBADMSG);
	CHECK_EQ_INT(pkcs7_parse(empty_sd, sizeof(empty_sd) - 1, &s, &why), -EBADMSG);
}

static void fill_slot(uint8_t *slot, const char *s)
{
	memset(slot, 0, MODVAL_BLOCKLIST_SLOT);
	memcpy(slot, s, strlen(s));
}

TEST(modval_trust_blocklist_slots)
{
	static struct modval_trust t;
	static uint8_t slots[3 * MODVAL_BLOCKLIST_SLOT];
	const char *why = NULL;
	char hex[140];
	uint8_t h[32];

	modval_trust_init(&t);
	memset(hex, 0, sizeof(hex));
	strcpy(hex, "bin:");
	for (int i = 0; i < 32; i++) {
		h[i] = (uint8_t)(i * 7);
		snprintf(hex + 4 + 2 * i, 3, "%02x", h[i]);
	}
	fill_slot(slots, hex);
	hex[0] = 't';
	hex[1] = 'b';
	hex[2] = 's';
	fill_slot(slots + MODVAL_BLOCKLIST_SLOT, hex);
	CHECK_EQ_INT(modval_trust_add_blocklist_slots(&t, slots, 2 * MODVAL_BLOCKLIST_SLOT, &why), 0);
	CHECK_EQ(t.nblocked, 2);
	CHECK(modval_trust_hash_blocked(&t, MODVAL_BLOCK_BIN, h, 32));
	CHECK(modval_trust_hash_blocked(&t, MODVAL_BLOCK_TBS, h, 32));
	h[0] ^= 1;
	CHECK(!modval_trust_hash_blocked(&t, MODVAL_BLOCK_BIN, h, 32));

	/* A bad third slot rolls back the whole payload. */
	fill_slot(slots + 2 * MODVAL_BLOCKLIST_SLOT, "bin:zz");
	CHECK_EQ_INT(modval_trust_add_blocklist_slots(&t, slots, sizeof(slots), &why), -EINVAL);
	CHECK_EQ(t.nblocked, 2);
	/* Slots must be whole and NUL-terminated. */
	CHECK_EQ_INT(modval_trust_add_blocklist_slots(&t, slots, 100, &why), -EINVAL);
	memset(slots + 2 * MODVAL_BLOCKLIST_SLOT, 'a', MODVAL_BLOCKLIST_SLOT);
	CHECK_EQ_INT(modval_trust_add_blocklist_slots(&t, slots, sizeof(slots), &why), -EINVAL);
	CHECK_STR(why, "blocklist slot is not NUL-terminated");
	CHECK_EQ(t.nblocked, 2);

	/* After end of boot nothing but secondary keys may be added. */
	modval_trust_seal(&t);
	CHECK_EQ_INT(modval_trust_add_blocklist_slots(&t, slots, MODVAL_BLOCKLIST_SLOT, &why), -EPERM);
	CHECK_EQ_INT(modval_trust_add_certs(&t, slots, 10, &why), -EPERM);
	CHECK_EQ_INT(modval_trust_add_revoked(&t, slots, 10, &why), -EPERM);
}

TEST(modval_trust_bad_certs)
{
	static struct modval_trust t;
	static const uint8_t not_cert[] = { 0x30, 0x03, 0x02, 0x01, 0x01 };
	static const uint8_t not_seq[] = { 0x04, 0x01, 0x00 };
	uint8_t big[MODVAL_MAX_CERT_SIZE + 8] = { 0x30, 0x82, 0x20, 0x04 };
	const char *why = NULL;

	modval_trust_init(&t);
	CHECK_EQ_INT(modval_trust_add_certs(&t, not_cert, sizeof(not_cert), &why), -EBADMSG);
	CHECK_EQ_INT(modval_trust_add_certs(&t, not_seq, sizeof(not_seq), &why), -EBADMSG);
	CHECK_EQ_INT(modval_trust_add_certs(&t, not_cert, 0, &why), -EINVAL);
	CHECK_EQ_INT(modval_trust_add_certs(&t, big, sizeof(big), &why), -E2BIG);
	CHECK_EQ_INT(modval_trust_add_secondary(&t, not_cert, sizeof(not_cert), &why), -EBADMSG);
	CHECK_EQ(t.ncerts, 0);
	CHECK_EQ(t.nsecondary, 0);
}

/* ------------------------------------------------------------ ELF check */

#define TEXT_VA 0xffffffffc0000000ULL
#define FOO_VA  0xffffffff81000000ULL

static void put16(uint8_t *p, uint16_t v) { p[0] = (uint8_t)v; p[1] = (uint8_t)(v >> 8); }
static void put32(uint8_t *p, uint32_t v) { put16(p, (uint16_t)v); put16(p + 2, (uint16_t)(v >> 16)); }
static void put64(uint8_t *p, uint64_t v) { put32(p, (uint32_t)v); put32(p + 4, (uint32_t)(v >> 32)); }

static void shdr(uint8_t *e, int i, uint32_t name, uint32_t type, uint64_t flags, uint64_t off,
		 uint64_t size, uint32_t link, uint32_t info, uint64_t align, uint64_t entsize)
{
	uint8_t *p = e + 0x100 + i * 64;

	put32(p, name);
	put32(p + 4, type);
	put64(p + 8, flags);
	put64(p + 24, off);
	put64(p + 32, size);
	put32(p + 40, link);
	put32(p + 44, info);
	put64(p + 48, align);
	put64(p + 56, entsize);
}

/*
 * A minimal ET_REL: .text = "call foo; ret" padding, with one PC32
 * relocation at offset 1 against the undefined symbol foo.
 */
static size_t build_elf(uint8_t *e, uint32_t rtype, uint64_t roff, uint32_t rsym)
{
	static const char shstr[] = "\0.text\0.rela.text\0.shstrtab\0.symtab\0.strtab";
	static const uint8_t ident[] = { 0x7f, 'E', 'L', 'F', 2, 1, 1 };

	memset(e, 0, 0x280);
	memcpy(e, ident, sizeof(ident));
	put16(e + 16, 1);      /* ET_REL */
	put16(e + 18, 62);     /* EM_X86_64 */
	put64(e + 40, 0x100);  /* e_shoff */
	put16(e + 52, 64);
	put16(e + 58, 64);
	put16(e + 60, 6);
	put16(e + 62, 3);
	e[0x40] = 0xe8;        /* call rel32 */
	e[0x45] = 0xc3;
	memcpy(e + 0x60, shstr, sizeof(shstr));
	put32(e + 0xa0 + 24, 1);       /* foo: name, GLOBAL, UNDEF */
	e[0xa0 + 24 + 4] = 0x10;
	memcpy(e + 0xd0, "\0foo", 5);
	put64(e + 0xe0, roff);
	put64(e + 0xe8, (uint64_t)rsym << 32 | rtype);
	put64(e + 0xf0, (uint64_t)-4);
	shdr(e, 1, 1, 1, 6, 0x40, 16, 0, 0, 16, 0);
	shdr(e, 2, 7, 4, 0, 0xe0, 24, 4, 1, 8, 24);
	shdr(e, 3, 18, 3, 0, 0x60, sizeof(shstr), 0, 0, 1, 0);
	shdr(e, 4, 28, 2, 0, 0xa0, 48, 5, 1, 8, 24);
	shdr(e, 5, 36, 3, 0, 0xd0, 5, 0, 0, 1, 0);
	return 0x280;
}

static int resolve_foo(void *ctx, const char *name, uint64_t *addr)
{
	(void)ctx;
	if (strcmp(name, "foo"))
		return -ENOENT;
	*addr = FOO_VA;
	return 0;
}

static int run_check(const uint8_t *elf, size_t len, uint8_t *loaded, size_t loaded_len,
		     const char **why)
{
	static struct modelf_layout lay;
	uint8_t scratch[64];
	struct modelf_input in;
	int err = modelf_layout(elf, len, &lay, why);

	if (err)
		return err;
	memset(&in, 0, sizeof(in));
	in.elf = elf;
	in.elf_len = len;
	in.mem[MODVAL_MOD_TEXT].va = TEXT_VA;
	in.mem[MODVAL_MOD_TEXT].bytes = loaded;
	in.mem[MODVAL_MOD_TEXT].len = loaded_len;
	in.resolve = resolve_foo;
	in.scratch = scratch;
	in.scratch_len = sizeof(scratch);
	return modelf_check(&in, &lay, why);
}

static void expected_text(uint8_t *t)
{
	uint32_t rel = (uint32_t)(FOO_VA - 4 - (TEXT_VA + 1));

	memset(t, 0, 16);
	t[0] = 0xe8;
	put32(t + 1, rel);
	t[5] = 0xc3;
}

TEST(modval_modelf_accepts_relocated_text)
{
	static uint8_t elf[0x280];
	uint8_t text[16];
	const char *why = NULL;
	size_t len = build_elf(elf, 2 /* PC32 */, 1, 1);

	expected_text(text);
	CHECK_EQ_INT(run_check(elf, len, text, 16, &why), 0);
	build_elf(elf, 4 /* PLT32 */, 1, 1);
	CHECK_EQ_INT(run_check(elf, len, text, 16, &why), 0);
}

TEST(modval_modelf_refuses_tampering)
{
	static uint8_t elf[0x280];
	uint8_t text[24];
	const char *why = NULL;
	size_t len = build_elf(elf, 2, 1, 1);

	expected_text(text);
	text[8] = 0xcc;                       /* outside any relocation */
	CHECK_EQ_INT(run_check(elf, len, text, 16, &why), -EKEYREJECTED);
	expected_text(text);
	text[2] ^= 0x10;                      /* inside the relocation site */
	CHECK_EQ_INT(run_check(elf, len, text, 16, &why), -EKEYREJECTED);
	expected_text(text);
	text[16] = 0x90;                      /* code after the sections */
	CHECK_EQ_INT(run_check(elf, len, text, 24, &why), -EKEYREJECTED);
	CHECK_EQ_INT(run_check(elf, len, text, 8, &why), -EINVAL);
}

TEST(modval_modelf_refuses_bad_relocations)
{
	static uint8_t elf[0x280];
	uint8_t text[16];
	const char *why = NULL;
	size_t len;

	expected_text(text);
	len = build_elf(elf, 9 /* GOTPCREL */, 1, 1);
	CHECK_EQ_INT(run_check(elf, len, text, 16, &why), -EOPNOTSUPP);
	CHECK_STR(why, "unsupported x86_64 relocation type");
	len = build_elf(elf, 2, 13, 1);       /* 4 bytes at 13 overrun 16 */
	CHECK_EQ_INT(run_check(elf, len, text, 16, &why), -EBADMSG);
	len = build_elf(elf, 2, 1, 7);        /* no symbol 7 */
	CHECK_EQ_INT(run_check(elf, len, text, 16, &why), -EBADMSG);
	len = build_elf(elf, 10 /* R_X86_64_32 */, 1, 1); /* kernel VA > 4 GiB */
	CHECK_EQ_INT(run_check(elf, len, text, 16, &why), -EOPNOTSUPP);
	len = build_elf(elf, 2, 0, 1);        /* target byte 0xe8 is not zero */
	CHECK_EQ_INT(run_check(elf, len, text, 16, &why), -EBADMSG);
}

TEST(modval_modelf_refuses_malformed_elf)
{
	static uint8_t elf[0x280];
	uint8_t text[16];
	const char *why = NULL;
	size_t len = build_elf(elf, 2, 1, 1);

	expected_text(text);
	CHECK_EQ_INT(run_check(elf, 0x200, text, 16, &why), -EBADMSG); /* cut headers */
	CHECK_EQ_INT(run_check(elf, 40, text, 16, &why), -EBADMSG);
	put64(elf + 0x100 + 64 + 24, 0x7ffffffffffffff0ULL);           /* .text offset */
	CHECK_EQ_INT(run_check(elf, len, text, 16, &why), -EBADMSG);
	build_elf(elf, 2, 1, 1);
	put32(elf + 0x100 + 64, 0x1000);                                /* name offset */
	CHECK_EQ_INT(run_check(elf, len, text, 16, &why), -EBADMSG);
	build_elf(elf, 2, 1, 1);
	put64(elf + 0x100 + 64 + 48, 3);                                /* alignment */
	CHECK_EQ_INT(run_check(elf, len, text, 16, &why), -EBADMSG);
	build_elf(elf, 2, 1, 1);
	put64(elf + 0x100 + 2 * 64 + 32, 0x7fffffffffffffffULL);       /* rela size */
	CHECK_EQ_INT(run_check(elf, len, text, 16, &why), -EBADMSG);
	build_elf(elf, 2, 1, 1);
	elf[18] = 3;                                                    /* EM_386 */
	CHECK_EQ_INT(run_check(elf, len, text, 16, &why), -EBADMSG);
}

/* -------------------------------------------------------------- PE parser */

TEST(modval_authenticode_malformed)
{
	static struct modval_trust t;
	static uint8_t img[512];
	struct authenticode_result r;
	uint8_t d[64];
	size_t off, clen;
	const char *why = NULL;

	modval_trust_init(&t);
	CHECK_EQ_INT(authenticode_verify(&t, img, sizeof(img), &r), -EBADMSG);
	img[0] = 'M';
	img[1] = 'Z';
	put32(img + 0x3c, 0xfffffff0);        /* e_lfanew far outside */
	CHECK_EQ_INT(authenticode_digest(img, sizeof(img), MODVAL_HASH_SHA256, d, &off, &clen,
					 &why), -EBADMSG);
	put32(img + 0x3c, 0x80);
	memcpy(img + 0x80, "PE\0\0", 4);
	put16(img + 0x84 + 16, 0xffff);       /* optional header past the end */
	CHECK_EQ_INT(authenticode_digest(img, sizeof(img), MODVAL_HASH_SHA256, d, &off, &clen,
					 &why), -EBADMSG);
	put16(img + 0x84 + 16, 240);
	put16(img + 0x98, 0x20b);
	put32(img + 0x98 + 108, 16);          /* NumberOfRvaAndSizes */
	put32(img + 0x98 + 60, 0x200);        /* SizeOfHeaders == file size */
	CHECK_EQ_INT(authenticode_digest(img, sizeof(img), MODVAL_HASH_SHA256, d, &off, &clen,
					 &why), -ENODATA);
	put32(img + 0x98 + 112 + 32, 0x1f0);  /* cert table overlapping headers */
	put32(img + 0x98 + 112 + 36, 0x10);
	CHECK_EQ_INT(authenticode_digest(img, sizeof(img), MODVAL_HASH_SHA256, d, &off, &clen,
					 &why), -EBADMSG);
	put32(img + 0x98 + 112 + 36, 0xfffffff0); /* size wraps */
	CHECK_EQ_INT(authenticode_digest(img, sizeof(img), MODVAL_HASH_SHA256, d, &off, &clen,
					 &why), -EBADMSG);
	CHECK_EQ_INT(authenticode_digest(img, AUTHENTICODE_MAX_IMAGE + 1, MODVAL_HASH_SHA256, d,
					 &off, &clen, &why), -E2BIG);
}

/* ------------------------------------------------------------- self-test */

#include "vtl_protect/modval/selftest.h"

TEST(modval_selftest_passes_on_host)
{
	static struct modval_trust t;

	CHECK_EQ_INT(modval_selftest(&t), 0);
	CHECK_EQ(t.ncerts, 0);
}

/* ------------------------------------------ RoAfterInit at FREE_MODULE_INIT */

/* The RoAfterInit bytes a loader writes for roai_jump_o at va[]: the ELF's
 * sections at modelf_layout()'s offsets, __jump_table's PC32/PC64
 * relocations applied by hand (the only two types it has). */
struct roai_fix {
	const struct kelf *k;
	const struct modelf_layout *lay;
	const uint64_t *va;
	uint8_t *ro;
	uint64_t at;     /* __jump_table's offset in RoAfterInit */
	int bad;
};

static int roai_apply(void *ctx, const struct kelf_rela *r)
{
	struct roai_fix *f = ctx;
	struct kelf_sym s;
	uint64_t sv, p = f->va[MODVAL_MOD_RO_AFTER_INIT] + f->at + r->offset, v;

	if (kelf_sym(f->k, r->info >> 32, &s) || s.shndx >= f->lay->shnum ||
	    f->lay->type[s.shndx] >= MODELF_NREGIONS) {
		f->bad++;
		return 0;
	}
	sv = f->va[f->lay->type[s.shndx]] + f->lay->offset[s.shndx] + s.value;
	v = sv + (uint64_t)r->addend - p;
	if ((uint32_t)r->info == 2)
		put32(f->ro + f->at + r->offset, (uint32_t)v);
	else if ((uint32_t)r->info == 24)
		put64(f->ro + f->at + r->offset, v);
	else
		f->bad++;
	return 0;
}

static uint8_t roai_ro[4096], roai_scratch[4096];
static struct modelf_layout roai_lay;
static const uint64_t roai_va[MODELF_NREGIONS] = {
	0xffffffffc0000000ull, 0xffffffffc0100000ull, 0xffffffffc0200000ull,
	0xffffffffc0300000ull, 0xffffffffc0400000ull, 0xffffffffc0500000ull,
	0xffffffffc0600000ull,
};

/* Build the loaded RoAfterInit; returns __jump_table's offset in it. */
static uint64_t roai_load(void)
{
	struct kelf k;
	const char *why = NULL;
	unsigned int jt, d;
	struct roai_fix f;

	CHECK_EQ_INT(modelf_layout(roai_jump_o, sizeof(roai_jump_o), &roai_lay, &why), 0);
	CHECK_EQ_INT(kelf_open(&k, roai_jump_o, sizeof(roai_jump_o), &why), 0);
	jt = kelf_find(&k, "__jump_table");
	d = kelf_find(&k, ".data..ro_after_init");
	CHECK(jt && d);
	CHECK_EQ(roai_lay.type[jt], MODVAL_MOD_RO_AFTER_INIT);
	CHECK_EQ(roai_lay.type[d], MODVAL_MOD_RO_AFTER_INIT);
	memset(roai_ro, 0, sizeof(roai_ro));
	for (unsigned int i = 1; i < roai_lay.shnum; i++) {
		uint64_t n;
		const uint8_t *b;

		if (roai_lay.type[i] != MODVAL_MOD_RO_AFTER_INIT)
			continue;
		b = kelf_secdata(&k, i, &n);
		CHECK(b && roai_lay.offset[i] + n <= sizeof(roai_ro));
		if (b && roai_lay.offset[i] + n <= sizeof(roai_ro))
			memcpy(roai_ro + roai_lay.offset[i], b, n);
	}
	f = (struct roai_fix){ &k, &roai_lay, roai_va, roai_ro, roai_lay.offset[jt], 0 };
	CHECK_EQ_INT(kelf_for_each_rela(&k, jt, roai_apply, &f), 0);
	CHECK_EQ_INT(f.bad, 0);
	return roai_lay.offset[jt];
}

static int roai_check(void)
{
	struct modval_module_input in;
	const char *why = NULL;

	memset(&in, 0, sizeof(in));
	in.file = roai_jump_o;
	in.file_len = sizeof(roai_jump_o);
	for (unsigned int t = 0; t < MODELF_NREGIONS; t++)
		in.mem[t].va = roai_va[t];
	in.mem[MODVAL_MOD_RO_AFTER_INIT].bytes = roai_ro;
	in.mem[MODVAL_MOD_RO_AFTER_INIT].len = sizeof(roai_ro);
	in.layout = &roai_lay;
	in.scratch = roai_scratch;
	in.scratch_len = sizeof(roai_scratch);
	return modval_check_ro_after_init(&in, &why);
}

static uint32_t rd32le(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint64_t rd64le(const uint8_t *p)
{
	return (uint64_t)rd32le(p) | (uint64_t)rd32le(p + 4) << 32;
}

/* Move a 16-byte jump entry from `from` to `to` (fields are self-relative). */
static void roai_move(uint8_t *to, const uint8_t e[16], const uint8_t *from)
{
	int64_t d = from - to;

	put32(to, (uint32_t)((int32_t)rd32le(e) + d));
	put32(to + 4, (uint32_t)((int32_t)rd32le(e + 4) + d));
	put64(to + 8, rd64le(e + 8) + (uint64_t)d);
}

TEST(modval_roai_elf_order_accepted)
{
	roai_load();
	CHECK_EQ_INT(roai_check(), 0);
}

/* jump_label_sort_entries() at MODULE_STATE_COMING: the two entries are in
 * descending key order, so the kernel's sort swaps them. */
TEST(modval_roai_sorted_jump_table_accepted)
{
	uint64_t at = roai_load();
	uint8_t e0[16], e1[16];

	memcpy(e0, roai_ro + at, 16);
	memcpy(e1, roai_ro + at + 16, 16);
	roai_move(roai_ro + at, e1, roai_ro + at + 16);
	roai_move(roai_ro + at + 16, e0, roai_ro + at);
	CHECK_EQ_INT(roai_check(), 0);
	/* the "init" flag (key bit 1) the loader may set is not compared */
	roai_ro[at + 8] |= 2;
	CHECK_EQ_INT(roai_check(), 0);
}

TEST(modval_roai_changed_entry_refused)
{
	uint64_t at = roai_load();

	roai_ro[at + 4]++;                /* entry 0's target */
	CHECK_EQ_INT(roai_check(), -EKEYREJECTED);
	roai_ro[at + 4]--;
	roai_ro[at + 16]++;               /* entry 1's code */
	CHECK_EQ_INT(roai_check(), -EKEYREJECTED);
	roai_ro[at + 16]--;
	roai_ro[at + 24] ^= 0x40;         /* entry 1's key */
	CHECK_EQ_INT(roai_check(), -EKEYREJECTED);
	roai_ro[at + 24] ^= 0x40;
	CHECK_EQ_INT(roai_check(), 0);
	roai_ro[sizeof(roai_ro) - 1] = 0xcc; /* past the sections: must be zero */
	CHECK_EQ_INT(roai_check(), -EKEYREJECTED);
}

/* Module init writes .data..ro_after_init before Linux seals it. */
TEST(modval_roai_data_changes_ignored)
{
	struct kelf k;
	const char *why = NULL;
	unsigned int d;

	roai_load();
	CHECK_EQ_INT(kelf_open(&k, roai_jump_o, sizeof(roai_jump_o), &why), 0);
	d = kelf_find(&k, ".data..ro_after_init");
	memset(roai_ro + roai_lay.offset[d], 0x5a, 4);
	CHECK_EQ_INT(roai_check(), 0);
}
