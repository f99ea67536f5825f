// SPDX-License-Identifier: MIT
/*
 * The VSM calls of the module/kexec validator, plugged into the engine's
 * dispatcher through vtl_protect/modval_hooks.h:
 *
 *   VALIDATE_MODULE     copy the range list, write-protect the module's text
 *                       and read-only regions, copy everything into VTL1,
 *                       verify (signature, trust store, loaded bytes), then
 *                       Text/InitText RX, RoData/InitRoData R; token back.
 *                       Any failure puts the protected pages back to RW (never
 *                       X) and returns the error.
 *   FREE_MODULE_INIT    init regions RW (no X), RoAfterInit R, then
 *                       RoAfterInit compared with the signed ELF.
 *   UNLOAD_MODULE       every recorded region RW (no X); token forgotten.
 *   COPY_SECONDARY_KEY  one DER certificate (range chain) into the trust store.
 *   KEXEC_VALIDATE      write-protect the kexec image and pages, verify the
 *                       kernel blob's Authenticode signature; RW on failure.
 *
 * The dispatcher calls hooks without the engine lock; this file serialises
 * itself with its own lock (validation is long and rare).
 */
#include <string.h>

#include "core/compiler.h"
#include "core/errno.h"
#include "core/kmalloc.h"
#include "core/log.h"
#include "north/north.h"
#include "vtl_protect/kdata.h"
#include "vtl_protect/modval/hooks.h"
#include "vtl_protect/modval/kfill.h"
#include "vtl_protect/modval/scsites.h"
#include "vtl_protect/modval/ksym.h"
#include "vtl_protect/modval/modval.h"
#include "vtl_protect/modval/selftest.h"
#include "vtl_protect/modval_hooks.h"
#include "vtl_protect/vtlp.h"

#define MV_MAX_RANGES  VTLP_MAX_RANGES
/*
 * Scale (issue 15): a distribution loads 100-200 modules (Debian 12 ships
 * 4,023; all of them at once still fit), and one large module's regions
 * span thousands of pages (amdgpu: ~2,700 text pages).  Both tables live on
 * the VTL1 heap and grow as needed up to these limits; a request past one
 * fails with -ENOSPC and a log line, a short heap with -ENOMEM.
 *   MV_MAX_MODULES  validated modules at once (pointer table, 8 bytes each)
 *   MV_MAX_EXTENTS  page extents per module or kexec slot: every page of the
 *                   largest Text, RoData, InitText, InitRoData and
 *                   RoAfterInit regions modelf accepts (64 MiB each) may be
 *                   an extent of its own, so a well-formed module never hits
 *                   it; 24 bytes each, allocated as the list grows.
 * docs/module-validation.md "Limits" states them.
 */
#define MV_MAX_MODULES 4096u
#define MV_MAX_EXTENTS (5u * (unsigned int)(MODELF_MAX_REGION / PAGE_SIZE))
#define MV_MAX_ELF     (16UL << 20)      /* ElfBuffer bytes */
#define MV_MAX_BLOB    (64UL << 20)      /* kexec kernel blob bytes */

/* LVBS kexec range types (struct heki_range.attributes for KEXEC_VALIDATE). */
#define KEXEC_IMAGE       0
#define KEXEC_KERNEL_BLOB 1
#define KEXEC_PAGES       2

#define ATTR_R  HEKI_ATTR_MEM_R
#define ATTR_RW (HEKI_ATTR_MEM_R | HEKI_ATTR_MEM_W)
#define ATTR_RX (HEKI_ATTR_MEM_R | HEKI_ATTR_MEM_X)

struct mv_extent {
	uint64_t pa, epa;    /* page-aligned */
	uint8_t type;        /* module memory type or kexec type */
};

struct mv_extents {
	unsigned int n, cap;
	struct mv_extent *e;     /* heap, cap entries */
};

struct mv_module {
	int64_t token;
	bool init_freed;
	uint64_t text_va, text_len; /* validated Text: a static-call target */
	struct modval_ksyms exp;    /* its exports, for modules loaded after it */
	uint8_t *exp_buf;           /* copy of the validated RoData they lie in */
	struct mv_extents ext;
	/*
	 * Kept from VALIDATE_MODULE to FREE_MODULE_INIT (or UNLOAD) for the
	 * RoAfterInit check, only when the module has a RoAfterInit region:
	 * the verified signed content (<= MV_MAX_ELF) and the region VAs.
	 */
	uint8_t *elf;
	size_t elf_len;
	uint64_t va[MODELF_NREGIONS];
	size_t roai_len;            /* RoAfterInit bytes VTL0 reported */
};

static struct {
	struct north_lock lock;
	bool selftest_done;
	int selftest_err;
	bool trust_sealed;
	struct modval_trust trust;
	struct modval_cert saved[MODVAL_MAX_SECONDARY];
	struct mv_module **mods;             /* heap, nmods slots (NULL = free) */
	unsigned int nmods;
	unsigned int max_modules, max_extents; /* MV_MAX_*; tests lower them */
	int64_t next_token;
	struct mv_extents kexec[2];          /* [0] kexec, [1] crash kexec */
	struct modval_ksyms ksyms;           /* kernel exports, when known */
	uint64_t kdata_va;                   /* VA of KernelData[0]; 0: unknown */
} mv = { .lock = NORTH_LOCK_INIT, .next_token = 1, .max_modules = MV_MAX_MODULES,
	.max_extents = MV_MAX_EXTENTS };

void modval_set_kernel_data_va(uint64_t va)
{
	/* Called from the LOAD_KDATA path under the engine lock: no mv.lock
	 * here (lock order is mv.lock, then the engine's). */
	__atomic_store_n(&mv.kdata_va, va, __ATOMIC_RELEASE);
}

/* Kernel symbol table from KernelInfo + KernelData (see ksym.h). */
static void ksyms_sync(void)
{
	const uint8_t *info, *data;
	size_t ilen, dlen;
	uint64_t va = __atomic_load_n(&mv.kdata_va, __ATOMIC_ACQUIRE);
	const char *why = "?";

	memset(&mv.ksyms, 0, sizeof(mv.ksyms));
	if (!va && vtlp_kdata_va(VTLP_KDATA_KERNEL_DATA, &va))
		va = 0; /* KernelData's own ranges say where it lives in VTL0 */
	if (!va || vtlp_kdata_get(VTLP_KDATA_KERNEL_INFO, &info, &ilen) ||
	    vtlp_kdata_get(VTLP_KDATA_KERNEL_DATA, &data, &dlen) || !ilen || !dlen)
		return;
	if (modval_ksyms_init(&mv.ksyms, info, ilen, data, dlen, va, &why))
		log_warn("modval: kernel symbol table unusable: %s; modules importing "
			 "symbols will be refused", why);
}

/* ------------------------------------------------------------ trust store */

static void load_kdata(enum vtlp_kdata_type type, const char *what)
{
	const uint8_t *data;
	const char *why = "?";
	size_t len;
	int err;

	if (vtlp_kdata_get(type, &data, &len) || len == 0)
		return;
	if (type == VTLP_KDATA_BLOCKLIST_HASHES)
		err = modval_trust_add_blocklist_slots(&mv.trust, data, len, &why);
	else if (type == VTLP_KDATA_REVOCATION_CERTS)
		err = modval_trust_add_revoked(&mv.trust, data, len, &why);
	else
		err = modval_trust_add_certs(&mv.trust, data, len, &why);
	if (err)
		log_error("modval: LOAD_KDATA %s refused: %s (%d); modules signed with "
			  "them will be refused", what, why, err);
}

/*
 * Rebuild the store from LOAD_KDATA until end of boot (kernel data may still
 * arrive), then seal it for good.  Secondary keys survive rebuilds; a later
 * revocation still refuses them at signer lookup.
 */
static int trust_sync(void)
{
	unsigned int nsec;

	if (!mv.selftest_done) {
		mv.selftest_err = modval_selftest(&mv.trust);
		mv.selftest_done = true;
	}
	if (mv.selftest_err) {
		log_error("modval: validation disabled: the boot self-test failed");
		return -EIO;
	}
	if (mv.trust_sealed)
		return 0;
	nsec = mv.trust.nsecondary;
	memcpy(mv.saved, mv.trust.secondary, sizeof(mv.saved));
	modval_trust_init(&mv.trust);
	load_kdata(VTLP_KDATA_SYSTEM_CERTS, "SystemCerts");
	load_kdata(VTLP_KDATA_REVOCATION_CERTS, "RevocationCerts");
	load_kdata(VTLP_KDATA_BLOCKLIST_HASHES, "BlocklistHashes");
	memcpy(mv.trust.secondary, mv.saved, sizeof(mv.saved));
	mv.trust.nsecondary = nsec;
	ksyms_sync();
	if (vtlp_end_of_boot_done()) {
		modval_trust_seal(&mv.trust);
		mv.trust_sealed = true;
		log_info("modval: trust store sealed: %u certificates, %u revoked, %u "
			 "blocklisted hashes", mv.trust.ncerts, mv.trust.nrevoked,
			 mv.trust.nblocked);
	}
	return 0;
}

/* -------------------------------------------------------------- extents */

/*
 * Record the whole pages of [pa, epa).  A page may be named once per module:
 * the same physical page under two region types (or twice in one region)
 * would get two different final permissions and two different expected
 * contents, so it is refused rather than resolved by list order.  Only
 * exactly adjacent ranges of one type merge.
 */
static int extent_add(struct mv_extents *x, uint64_t pa, uint64_t epa, uint8_t type)
{
	struct mv_extent *last = x->n ? &x->e[x->n - 1] : NULL;

	pa = ALIGN_DOWN(pa, PAGE_SIZE);
	epa = ALIGN_UP(epa, PAGE_SIZE);
	for (unsigned int i = 0; i < x->n; i++)
		if (pa < x->e[i].epa && x->e[i].pa < epa)
			return -EEXIST;
	if (last && last->type == type && pa == last->epa) {
		last->epa = epa;
		return 0;
	}
	if (x->n >= mv.max_extents)
		return -ENOSPC;
	if (x->n == x->cap) {
		unsigned int cap = x->cap ? MIN(2 * x->cap, mv.max_extents) : MIN(16u, mv.max_extents);
		struct mv_extent *e = kmalloc((size_t)cap * sizeof(*e));

		if (!e)
			return -ENOMEM;
		if (x->n)
			memcpy(e, x->e, (size_t)x->n * sizeof(*e));
		kfree(x->e);
		x->e = e;
		x->cap = cap;
	}
	x->e[x->n].pa = pa;
	x->e[x->n].epa = epa;
	x->e[x->n].type = type;
	x->n++;
	return 0;
}

/* Protect the extents for which attr_of() returns non-zero; stop at error. */
static int extents_apply(const struct mv_extents *x, uint32_t (*attr_of)(uint8_t type),
			 const char *why)
{
	for (unsigned int i = 0; i < x->n; i++) {
		uint32_t attr = attr_of(x->e[i].type);
		int err;

		if (!attr)
			continue;
		err = vtlp_protect_range(x->e[i].pa, x->e[i].epa, attr, why);
		if (err)
			return err;
	}
	return 0;
}

static uint32_t checked_ro(uint8_t t)
{
	return modelf_region_checked(t) ? ATTR_R : 0;
}

static uint32_t checked_rw(uint8_t t)
{
	return modelf_region_checked(t) ? ATTR_RW : 0;
}

static uint32_t final_attr(uint8_t t)
{
	switch (t) {
	case MODVAL_MOD_TEXT:
	case MODVAL_MOD_INIT_TEXT:
		return ATTR_RX;
	case MODVAL_MOD_RODATA:
	case MODVAL_MOD_INIT_RODATA:
		return ATTR_R;
	default:
		return 0;    /* writable regions keep VTL0's RW until init is freed */
	}
}

static uint32_t after_init_attr(uint8_t t)
{
	switch (t) {
	case MODVAL_MOD_INIT_TEXT:
	case MODVAL_MOD_INIT_RODATA:
		return ATTR_RW;
	case MODVAL_MOD_RO_AFTER_INIT:
		return ATTR_R;
	default:
		return 0;
	}
}

static uint32_t all_rw(uint8_t t)
{
	(void)t;
	return ATTR_RW;
}

/* Restore: best effort over every extent, so one failure does not leave
 * others read-only. */
static void extents_restore(const struct mv_extents *x, uint32_t (*attr_of)(uint8_t type))
{
	for (unsigned int i = 0; i < x->n; i++) {
		uint32_t attr = attr_of(x->e[i].type);

		if (attr && vtlp_protect_range(x->e[i].pa, x->e[i].epa, attr, "modval restore"))
			log_error("modval: could not restore [%#llx, %#llx) to RW",
				  (unsigned long long)x->e[i].pa, (unsigned long long)x->e[i].epa);
	}
}

/*
 * Confused-deputy guard: the pages VTL0 names must not be pages VTL1 already
 * guards for someone else (kernel text/rodata, the log ring, another
 * module's or kexec's extents).  Unprotected pages and plain RW pages (what
 * we restore to) are fine, and so is a plain RW page an audited access
 * opened (vtlp_claimable_page(): audit must not be stricter than enforce).
 */
static bool extent_overlaps(const struct mv_extents *x, uint64_t pa, uint64_t epa)
{
	for (unsigned int i = 0; i < x->n; i++)
		if (pa < x->e[i].epa && x->e[i].pa < epa)
			return true;
	return false;
}

static int extents_claimable(const struct mv_extents *x, const struct mv_extents *self)
{
	for (unsigned int i = 0; i < x->n; i++) {
		const struct mv_extent *e = &x->e[i];

		for (unsigned int m = 0; m < mv.nmods; m++)
			if (mv.mods[m] && extent_overlaps(&mv.mods[m]->ext, e->pa, e->epa))
				goto busy;
		for (int k = 0; k < 2; k++)
			if (&mv.kexec[k] != self && extent_overlaps(&mv.kexec[k], e->pa, e->epa))
				goto busy;
		for (uint64_t pg = e->pa; pg < e->epa; pg += PAGE_SIZE)
			if (!vtlp_claimable_page(pg))
				goto busy;
		continue;
busy:
		log_warn("modval: [%#llx, %#llx) is already protected by VTL1 for something "
			 "else: refused", (unsigned long long)e->pa, (unsigned long long)e->epa);
		return -EBUSY;
	}
	return 0;
}

/* ----------------------------------------------------------- range lists */

/* Pages a range touches; 1 for an empty or reversed one (range_ok refuses it). */
static uint64_t range_pages(const struct heki_range *r)
{
	if (r->epa <= r->pa)
		return 1;
	return (ALIGN_DOWN(r->epa - 1, PAGE_SIZE) - ALIGN_DOWN(r->pa, PAGE_SIZE)) / PAGE_SIZE + 1;
}

/*
 * LVBS merges a range into the one before it when their physical pages are
 * adjacent and their types equal (heki's range list; vmalloc pages are often
 * physically adjacent), so one range may span several pages of a buffer.
 * Everything below works page by page, so such a range is split here into
 * the per-page ranges it stands for, each VA advancing with its PA.  The
 * page count stays under MV_MAX_RANGES, the limit an unmerged list has.
 */
static struct heki_range *split_ranges(struct heki_range *r, uint64_t *nranges, int *err)
{
	uint64_t total = 0, k = 0;
	struct heki_range *out;

	for (uint64_t i = 0; i < *nranges; i++) {
		total += range_pages(&r[i]);
		if (total > MV_MAX_RANGES) {
			log_warn("modval: range list names more than %u pages: refused",
				 (unsigned int)MV_MAX_RANGES);
			*err = -E2BIG;
			kfree(r);
			return NULL;
		}
	}
	if (total == *nranges)
		return r;
	out = kmalloc(total * sizeof(*out));
	if (!out) {
		*err = -ENOMEM;
		kfree(r);
		return NULL;
	}
	/*
	 * Counted, not "while pa < epa": the page after the last one may wrap
	 * to 0 (a range ending at 2^64 - 1), and the first count is the size
	 * of out.  All but the last piece end at a page boundary that is at
	 * most ALIGN_DOWN(epa - 1), so no sum here wraps.
	 */
	for (uint64_t i = 0; i < *nranges; i++) {
		uint64_t pa = r[i].pa, pages = range_pages(&r[i]);

		for (uint64_t p = 0; p < pages; p++) {
			uint64_t end = p + 1 < pages ? ALIGN_DOWN(pa, PAGE_SIZE) + PAGE_SIZE : r[i].epa;

			out[k++] = (struct heki_range){ r[i].va + (pa - r[i].pa), pa, end,
							r[i].attributes };
			pa = end;
		}
	}
	kfree(r);
	*nranges = total;
	return out;
}

static struct heki_range *read_ranges(uint64_t pa, uint64_t *nranges, int *err)
{
	struct heki_range *r;

	if (*nranges == 0 || *nranges > MV_MAX_RANGES) {
		*err = *nranges ? -E2BIG : -EINVAL;
		return NULL;
	}
	r = kmalloc(*nranges * sizeof(*r));
	if (!r) {
		*err = -ENOMEM;
		return NULL;
	}
	*err = vtlp_read_range_chain(pa, *nranges, r, MV_MAX_RANGES);
	if (*err) {
		kfree(r);
		return NULL;
	}
	return split_ranges(r, nranges, err);
}

/* Each range must be non-empty and inside one page (read_ranges split it). */
static int range_ok(const struct heki_range *r)
{
	if (r->epa <= r->pa || r->epa - r->pa > PAGE_SIZE ||
	    ALIGN_DOWN(r->pa, PAGE_SIZE) != ALIGN_DOWN(r->epa - 1, PAGE_SIZE))
		return -EINVAL;
	return north_check_range(r->pa, r->epa - r->pa);
}

/* --------------------------------------------------------- VALIDATE_MODULE */

/*
 * Undefined module symbols resolve against the kernel's exports (KernelInfo
 * + KernelData), then against the exports of modules VTL1 validated and
 * still holds (their __ksymtab, copied from RoData VTL1 verified), as Linux
 * resolves them.  A module exporting a name the kernel exports does not
 * override it (Linux refuses such a module at load).
 */
static int resolve_kernel(void *ctx, const char *name, uint64_t *addr)
{
	int err = modval_ksyms_resolve(ctx, name, addr);

	for (unsigned int i = 0; err && i < mv.nmods; i++)
		if (mv.mods[i] && mv.mods[i]->exp_buf)
			err = modval_ksyms_resolve(&mv.mods[i]->exp, name, addr);
	if (err)
		log_warn("modval: module imports '%s', which is not an export of the kernel or "
			 "of a module VTL1 validated%s", name,
			 mv.ksyms.data ? "" : " (no kernel symbol table loaded)");
	return err;
}


struct mv_job {
	struct heki_range *r;
	uint64_t nranges;
	uint64_t va[MODELF_NREGIONS];
	size_t len[MODELF_NREGIONS];
	uint8_t *bytes[MODELF_NREGIONS];
	uint8_t *elf;
	size_t elf_len;
	struct modelf_layout *lay;
	uint8_t *scratch;
	struct mv_module *m;
	uint8_t *patch;    /* Patch(8): the module's jump-label PatchInfo */
	size_t patch_len;
};

/* Check the list's shape and collect region VAs, sizes and extents. */
static int job_scan(struct mv_job *j)
{
	bool seen[MODELF_NREGIONS] = { false };

	for (uint64_t i = 0; i < j->nranges; i++) {
		const struct heki_range *r = &j->r[i];
		uint64_t t = r->attributes, n = r->epa - r->pa;

		if (t > MODVAL_MOD_PATCH) {
			log_warn("modval: VALIDATE_MODULE range %llu has unknown type %llu",
				 (unsigned long long)i, (unsigned long long)t);
			return -EINVAL;
		}
		if (range_ok(r)) {
			log_warn("modval: VALIDATE_MODULE range %llu [%#llx, %#llx) is empty, "
				 "crosses a page or touches VTL1", (unsigned long long)i,
				 (unsigned long long)r->pa, (unsigned long long)r->epa);
			return -EINVAL;
		}
		if (t == MODVAL_MOD_ELF_BUFFER) {
			j->elf_len += n;
			if (j->elf_len > MV_MAX_ELF)
				return -E2BIG;
			continue;
		}
		if (t == MODVAL_MOD_PATCH) {
			/* jump-label PatchInfo: registered once the module is valid */
			j->patch_len += n;
			if (j->patch_len > VTLP_KDATA_MAX_PATCHINFO)
				return -E2BIG;
			continue;
		}
		/* A region is virtually contiguous, starts page-aligned, and only
		 * its last range may be a partial page. */
		if (!seen[t]) {
			if (!IS_ALIGNED(r->pa, PAGE_SIZE) || !IS_ALIGNED(r->va, PAGE_SIZE))
				return -EINVAL;
			seen[t] = true;
			j->va[t] = r->va;
		} else if (!IS_ALIGNED(j->len[t], PAGE_SIZE) || r->va != j->va[t] + j->len[t] ||
			   !IS_ALIGNED(r->pa, PAGE_SIZE)) {
			log_warn("modval: module region type %llu is not contiguous at range %llu",
				 (unsigned long long)t, (unsigned long long)i);
			return -EINVAL;
		}
		j->len[t] += n;
		if (j->len[t] > MODELF_MAX_REGION)
			return -E2BIG;
		if (modelf_region_checked((unsigned int)t) || t == MODVAL_MOD_RO_AFTER_INIT) {
			int err = extent_add(&j->m->ext, r->pa, r->epa, (uint8_t)t);

			if (err == -EEXIST) {
				log_warn("modval: VALIDATE_MODULE range %llu (type %llu) names page "
					 "%#llx, which this module already uses: refused",
					 (unsigned long long)i, (unsigned long long)t,
					 (unsigned long long)ALIGN_DOWN(r->pa, PAGE_SIZE));
				return -EINVAL;
			}
			if (err == -ENOSPC)
				log_warn("modval: VALIDATE_MODULE range %llu: the module has more "
					 "than %u physical page extents (the limit): refused",
					 (unsigned long long)i, mv.max_extents);
			if (err)
				return err;
		}
	}
	if (!j->elf_len) {
		log_warn("modval: VALIDATE_MODULE without the module ELF (ElfBuffer)");
		return -ENODATA;
	}
	return 0;
}

/*
 * Bytes of region t that VTL1 copies and compares: every byte of every page
 * the region touches, because the whole page becomes RX or R.  The tail
 * past the reported end is what Linux leaves there (modelf requires zero).
 */
static size_t checked_len(const struct mv_job *j, unsigned int t)
{
	return ALIGN_UP(j->len[t], PAGE_SIZE);
}

/* Copy the ElfBuffer and the compared regions (whole pages) into VTL1;
 * the regions are write-protected by now. */
static int job_copy(struct mv_job *j)
{
	size_t off[MODELF_NREGIONS] = { 0 }, eoff = 0, poff = 0;

	j->elf = kmalloc(j->elf_len);
	if (!j->elf)
		return -ENOMEM;
	if (j->patch_len && !(j->patch = kmalloc(j->patch_len)))
		return -ENOMEM;
	for (unsigned int t = 0; t < MODELF_NREGIONS; t++) {
		if (!modelf_region_checked(t) || !j->len[t])
			continue;
		j->bytes[t] = kmalloc(checked_len(j, t));
		if (!j->bytes[t])
			return -ENOMEM;
	}
	for (uint64_t i = 0; i < j->nranges; i++) {
		const struct heki_range *r = &j->r[i];
		size_t n = r->epa - r->pa;
		uint8_t *dst;
		int err;

		if (r->attributes == MODVAL_MOD_ELF_BUFFER) {
			dst = j->elf + eoff;
			eoff += n;
		} else if (r->attributes == MODVAL_MOD_PATCH) {
			dst = j->patch + poff;
			poff += n;
		} else if (r->attributes < MODELF_NREGIONS &&
			   modelf_region_checked((unsigned int)r->attributes)) {
			/* job_scan: each range starts a page and all but the
			 * last are whole pages, so page i lands at i * 4 KiB. */
			n = PAGE_SIZE;
			dst = j->bytes[r->attributes] + off[r->attributes];
			off[r->attributes] += n;
		} else {
			continue;
		}
		err = north_copy_in(dst, r->pa, n);
		if (err)
			return err;
	}
	return 0;
}

/*
 * Static-call targets and thunks (struct modelf_kernel) may only be kernel
 * text VTL1 protected executable at boot, the text of a module VTL1 already
 * validated, or the Text of the module being checked (it is verified by the
 * same check, and refused whole if it fails).
 *
 * Kernel text from a VA: LVBS sends no text bounds, but KernelData is the
 * image's [__start_rodata, __end_rodata) with its VA and PA, and the kernel
 * image is mapped linearly (__START_KERNEL_map), so text lies below that VA,
 * within the 1 GiB image window, at PA = VA - (rodata VA - rodata PA).  The
 * page there must be one VTL1 protects executable (PROTECT_MEMORY's X at
 * boot, or a validated module's text, which is validated code either way).
 */
struct mv_text_ctx {
	bool have_kernel;
	uint64_t rodata_va, delta;   /* delta = VA - PA of the kernel image */
	uint64_t self_va, self_len;  /* the module being validated */
};

static bool mv_is_kernel_text(void *ctx, uint64_t va)
{
	const struct mv_text_ctx *c = ctx;

	if (c->have_kernel && va < c->rodata_va && c->rodata_va - va <= (1ull << 30) &&
	    va >= c->delta) {
		uint32_t attr;

		if (vtlp_protection_of(va - c->delta, &attr) == 0 && (attr & HEKI_ATTR_MEM_X))
			return true;
	}
	if (va - c->self_va < c->self_len)
		return true;
	for (unsigned int i = 0; i < mv.nmods; i++)
		if (mv.mods[i] && va - mv.mods[i]->text_va < mv.mods[i]->text_len)
			return true;
	return false;
}

/*
 * struct modelf_kernel from trusted data only: the kernel's own ksymtab
 * (inside KernelData) for the exported thunks, then KernelInfo's values,
 * which win (they are what the kernel patched its own sites with); every
 * target is then vetted against kernel text.
 */
static void kernel_fill(struct modelf_kernel *k, struct mv_text_ctx *c, const struct mv_job *j)
{
	struct vtlp_kinfo ki;
	uint64_t pa = 0;

	memset(k, 0, sizeof(*k));
	memset(c, 0, sizeof(*c));
	if (!vtlp_kdata_va(VTLP_KDATA_KERNEL_DATA, &c->rodata_va) &&
	    !vtlp_kdata_pa(VTLP_KDATA_KERNEL_DATA, &pa) && c->rodata_va > pa) {
		c->delta = c->rodata_va - pa;
		c->have_kernel = true;
	}
	c->self_va = j->va[MODVAL_MOD_TEXT];
	c->self_len = j->len[MODVAL_MOD_TEXT];
	k->is_kernel_text = mv_is_kernel_text;
	k->ctx = c;
	if (mv.ksyms.data)
		(void)modval_kernel_fill(k, modval_ksyms_resolve, &mv.ksyms);
	if (vtlp_kinfo_get(&ki) == 0 && ki.has_arch) {
		if (ki.return_thunk)
			k->return_thunk = ki.return_thunk;
		if (ki.indirect_thunk_array)
			k->indirect_thunk_array = ki.indirect_thunk_array;
		if (ki.pv_nop)
			k->pv_nop = ki.pv_nop;
		if (ki.pv_bug)
			k->pv_bug = ki.pv_bug;
	}
	(void)modval_kernel_vet(k);
}

void modval_hooks_kernel_targets(struct modelf_kernel *k)
{
	static struct mv_text_ctx c;
	struct mv_job j;

	memset(&j, 0, sizeof(j));
	north_lock(&mv.lock);
	ksyms_sync();
	kernel_fill(k, &c, &j);
	north_unlock(&mv.lock);
}

static int job_verify(struct mv_job *j, struct modsig_result *res)
{
	struct modval_module_input in;
	struct modelf_kernel kernel;
	struct mv_text_ctx tctx;
	size_t need = 0;

	for (unsigned int t = 0; t < MODELF_NREGIONS; t++)
		if (modelf_region_checked(t))
			need = MAX(need, checked_len(j, t));
	j->lay = kmalloc(sizeof(*j->lay));
	j->scratch = kmalloc(need ? need : 1);
	if (!j->lay || !j->scratch)
		return -ENOMEM;
	memset(&in, 0, sizeof(in));
	in.file = j->elf;
	in.file_len = j->elf_len;
	for (unsigned int t = 0; t < MODELF_NREGIONS; t++) {
		in.mem[t].va = j->va[t];
		in.mem[t].bytes = j->bytes[t];
		in.mem[t].len = j->bytes[t] ? checked_len(j, t) : 0;
	}
	in.resolve = resolve_kernel;
	in.resolve_ctx = &mv.ksyms;
	kernel_fill(&kernel, &tctx, j);
	in.kernel = &kernel;
	in.refusal = NULL; /* modval_validate_module() logs it */
	in.layout = j->lay;
	in.scratch = j->scratch;
	in.scratch_len = need;
	return modval_validate_module(&mv.trust, &in, res);
}

#define MV_MAX_EXPORT_SPAN (8u << 20)  /* bytes of RoData kept per module */

/*
 * Keep a validated module's exports: the part of its verified RoData copy
 * holding __ksymtab, __ksymtab_gpl and __ksymtab_strings.  A module whose
 * tables cannot be read keeps no exports (logged); its dependents then fail
 * to resolve and are refused.
 */
static void keep_exports(struct mv_module *m, const struct mv_job *j, size_t content_len)
{
	uint64_t tab[2][2], span[2];
	const uint8_t *ro = j->bytes[MODVAL_MOD_RODATA];
	uint64_t rva = j->va[MODVAL_MOD_RODATA];
	const char *why = "?";
	int err;

	err = modval_export_tables(j->elf, content_len, j->lay, tab, span, &why);
	if (err == 1)
		return;
	if (!err && (!ro || span[1] > j->len[MODVAL_MOD_RODATA] ||
		     span[1] - span[0] > MV_MAX_EXPORT_SPAN)) {
		err = -E2BIG;
		why = "export tables too large or outside the RoData copy";
	}
	if (!err) {
		m->exp_buf = kmalloc(span[1] - span[0]);
		if (!m->exp_buf) {
			err = -ENOMEM;
			why = "out of memory";
		}
	}
	if (!err) {
		uint64_t start[2], end[2];

		memcpy(m->exp_buf, ro + span[0], span[1] - span[0]);
		for (int t = 0; t < 2; t++) {
			start[t] = tab[t][0] == tab[t][1] ? rva + span[0] : rva + tab[t][0];
			end[t] = tab[t][0] == tab[t][1] ? rva + span[0] : rva + tab[t][1];
		}
		err = modval_ksyms_init_table(&m->exp, m->exp_buf, span[1] - span[0],
					      rva + span[0], start, end, &why);
	}
	if (err) {
		log_warn("modval: the module's exports are not kept: %s (%d); modules "
			 "importing from it will be refused", why, err);
		kfree(m->exp_buf);
		m->exp_buf = NULL;
		memset(&m->exp, 0, sizeof(m->exp));
	}
}

/* PA of a VA in the module's Text or InitText ranges. */
static int text_pa(const struct mv_job *j, uint64_t va, uint64_t *pa)
{
	for (uint64_t i = 0; i < j->nranges; i++) {
		const struct heki_range *r = &j->r[i];

		if (r->attributes != MODVAL_MOD_TEXT && r->attributes != MODVAL_MOD_INIT_TEXT)
			continue;
		if (va >= r->va && va - r->va < r->epa - r->pa) {
			*pa = r->pa + (va - r->va);
			return 0;
		}
	}
	return -EINVAL;
}

#define MV_MAX_SC_SITES 65536u   /* static-call sites per module */

/*
 * Static calls (issue 15 section 3): the module's `.static_call_sites` and
 * `__SCT__` trampolines, from the signed ELF at the validated addresses,
 * become PATCH_TEXT sites (vtl_protect/patch.c), and its Text a valid
 * static-call target, until UNLOAD_MODULE.  Call after the bytes verified.
 */
static int job_static_calls(struct mv_job *j, size_t content_len, int64_t token)
{
	struct modval_sc_site *sc = NULL;
	struct vtlp_call_site *cs = NULL;
	const char *why = "?";
	uint64_t rva, rpa;
	long n;
	int err = 0;

	if (!vtlp_kdata_va(VTLP_KDATA_KERNEL_DATA, &rva) &&
	    !vtlp_kdata_pa(VTLP_KDATA_KERNEL_DATA, &rpa) && rva > rpa)
		(void)vtlp_patch_set_kernel_map(rva, rva - rpa);
	n = modval_sc_sites(j->elf, content_len, j->lay, j->va, NULL, 0, &why);
	if (n > (long)MV_MAX_SC_SITES) {
		n = -E2BIG;
		why = "more static-call sites than VTL1 takes per module";
	}
	if (n > 0) {
		sc = kmalloc((size_t)n * sizeof(*sc));
		cs = kmalloc((size_t)n * sizeof(*cs));
		if (!sc || !cs)
			err = -ENOMEM;
		if (!err)
			n = modval_sc_sites(j->elf, content_len, j->lay, j->va, sc, (size_t)n, &why);
	}
	if (n < 0)
		err = (int)n;
	for (long i = 0; !err && i < n; i++) {
		uint64_t pa0 = 0, pa1 = 0;
		size_t n0;

		err = text_pa(j, sc[i].va, &pa0);
		n0 = PAGE_SIZE - (size_t)(pa0 & (PAGE_SIZE - 1));
		if (!err && n0 < 5)
			err = text_pa(j, sc[i].va + n0, &pa1);
		if (err)
			why = "static-call site outside the module's text ranges";
		cs[i] = (struct vtlp_call_site){ sc[i].va, { pa0, pa1 }, sc[i].kind, sc[i].init };
	}
	if (err) {
		log_warn("modval: module's static-call sites refused: %s (%d)", why, err);
	} else {
		err = vtlp_patch_add_calls(token, cs, n > 0 ? (size_t)n : 0, j->va[MODVAL_MOD_TEXT],
					   j->len[MODVAL_MOD_TEXT]);
	}
	kfree(cs);
	kfree(sc);
	return err;
}

static void job_free(struct mv_job *j)
{
	for (unsigned int t = 0; t < MODELF_NREGIONS; t++)
		kfree(j->bytes[t]);
	kfree(j->elf);
	kfree(j->lay);
	kfree(j->scratch);
	kfree(j->r);
	kfree(j->patch);
}

static void module_free(struct mv_module *m)
{
	if (m) {
		kfree(m->ext.e);
		kfree(m->exp_buf);
		kfree(m->elf);
	}
	kfree(m);
}

/*
 * A free slot in the module table, growing it (doubling, on the heap) up to
 * mv.max_modules.  -1 with *err = -ENOSPC (logged) or -ENOMEM.
 */
static int module_slot(int *err)
{
	struct mv_module **t;
	unsigned int n, first;

	for (unsigned int i = 0; i < mv.nmods; i++)
		if (!mv.mods[i])
			return (int)i;
	if (mv.nmods >= mv.max_modules) {
		log_warn("modval: %u modules are validated, the most VTL1 keeps "
			 "(docs/module-validation.md, Limits); unload one first: refused",
			 mv.nmods);
		*err = -ENOSPC;
		return -1;
	}
	n = mv.nmods ? MIN(2 * mv.nmods, mv.max_modules) : MIN(64u, mv.max_modules);
	/* an array of pointers: sizeof(*t) is a pointer's size on purpose */
	t = kmalloc((size_t)n * sizeof(*t)); /* NOLINT(bugprone-sizeof-expression) */
	if (!t) {
		*err = -ENOMEM;
		return -1;
	}
	memset(t, 0, (size_t)n * sizeof(*t)); /* NOLINT(bugprone-sizeof-expression) */
	if (mv.nmods)
		memcpy(t, mv.mods, (size_t)mv.nmods * sizeof(*t)); /* NOLINT(bugprone-sizeof-expression) */
	kfree(mv.mods);
	mv.mods = t;
	first = mv.nmods;
	mv.nmods = n;
	return (int)first;
}

static int64_t mv_validate_module(unsigned int vp, uint64_t pa, uint64_t nranges, uint64_t flags)
{
	struct mv_job j;
	struct modsig_result res;
	int slot = -1, err;
	bool protected = false;
	int64_t ret;

	(void)flags;
	memset(&j, 0, sizeof(j));
	memset(&res, 0, sizeof(res));
	north_lock(&mv.lock);
	err = trust_sync();
	if (err)
		goto out;
	slot = module_slot(&err);
	if (slot < 0)
		goto out;
	/* V1-V3 read the result as a 32-bit int; tokens are never reused, so
	 * once they would not fit, no more modules are accepted. */
	if (mv.next_token > INT32_MAX) {
		log_error("modval: module tokens exhausted (2^31 - 1 issued); refusing "
			  "VALIDATE_MODULE until VTL1 restarts");
		err = -ENOSPC;
		goto out;
	}
	j.r = read_ranges(pa, &nranges, &err);
	j.nranges = nranges;
	/* zeroed before any exit: the error path frees what it points to */
	j.m = kzalloc(sizeof(*j.m));
	if (!err && !j.m)
		err = -ENOMEM;
	if (err)
		goto out;
	err = job_scan(&j);
	if (!err)
		err = extents_claimable(&j.m->ext, NULL);
	if (err)
		goto out;

	/* TOCTOU: VTL0 must not change what we are about to check. */
	protected = true;
	err = extents_apply(&j.m->ext, checked_ro, "module validation");
	if (!err)
		err = job_copy(&j);
	if (!err)
		err = job_verify(&j, &res);
	/* RoAfterInit is compared at FREE_MODULE_INIT, so all of it must be
	 * named now: left out, it would be neither sealed nor checked. */
	if (!err && j.len[MODVAL_MOD_RO_AFTER_INIT] < j.lay->size[MODVAL_MOD_RO_AFTER_INIT]) {
		log_warn("modval: VP %u: VALIDATE_MODULE names %zu bytes of RoAfterInit, the "
			 "module's __jump_table/.data..ro_after_init need %llu: refused", vp,
			 j.len[MODVAL_MOD_RO_AFTER_INIT],
			 (unsigned long long)j.lay->size[MODVAL_MOD_RO_AFTER_INIT]);
		err = -EINVAL;
	}
	/* jump labels: only sites in the module's own verified text */
	if (!err)
		err = vtlp_patch_module_info(mv.next_token, j.patch, j.patch_len, j.r, j.nranges,
					     MODVAL_MOD_TEXT, MODVAL_MOD_INIT_TEXT);
	/* static calls: the module's own table, signed and relocated */
	if (!err) {
		err = job_static_calls(&j, res.content_len, mv.next_token);
		if (err)
			vtlp_patch_drop_module(mv.next_token, false);
	}
	if (!err) {
		err = extents_apply(&j.m->ext, final_attr, "validated module");
		if (err)
			vtlp_patch_drop_module(mv.next_token, false);
	}
	if (err)
		goto out;

	j.m->token = mv.next_token++;
	j.m->text_va = j.va[MODVAL_MOD_TEXT];
	j.m->text_len = j.len[MODVAL_MOD_TEXT];
	keep_exports(j.m, &j, res.content_len);
	if (j.len[MODVAL_MOD_RO_AFTER_INIT]) {
		/* For the RoAfterInit check at FREE_MODULE_INIT: Linux sorts
		 * the jump table and module init writes .data..ro_after_init
		 * after this call, so it cannot be compared now. */
		j.m->elf = j.elf;
		j.m->elf_len = res.content_len;
		j.elf = NULL;
		memcpy(j.m->va, j.va, sizeof(j.m->va));
		j.m->roai_len = j.len[MODVAL_MOD_RO_AFTER_INIT];
	}
	mv.mods[slot] = j.m;
	vtlp_measure(VTLP_MEASURE_MODULE, (uint64_t)j.m->token, res.content_len,
		     res.content_sha256, sizeof(res.content_sha256));
	log_info("modval: VP %u: module validated, token %lld", vp, (long long)j.m->token);
	ret = j.m->token;
	j.m = NULL;
	job_free(&j);
	north_unlock(&mv.lock);
	return ret;
out:
	if (protected)
		extents_restore(&j.m->ext, checked_rw);
	log_warn("modval: VP %u: VALIDATE_MODULE refused (%d); nothing became executable",
		 vp, err);
	module_free(j.m);
	job_free(&j);
	north_unlock(&mv.lock);
	return err;
}

static struct mv_module **find_module(uint64_t token)
{
	for (unsigned int i = 0; i < mv.nmods; i++)
		if (mv.mods[i] && (uint64_t)mv.mods[i]->token == token)
			return &mv.mods[i];
	return NULL;
}

static bool is_init_type(uint8_t t)
{
	return t == MODVAL_MOD_INIT_TEXT || t == MODVAL_MOD_INIT_RODATA;
}

/*
 * RoAfterInit, read-only by now, against the signed ELF kept since
 * VALIDATE_MODULE (docs/module-validation.md, "RoAfterInit").  0 when the
 * module has none.  Copies whole pages, as VALIDATE does for RoData.
 */
static int roai_check(const struct mv_module *m, unsigned int vp)
{
	struct modval_module_input in;
	struct modelf_kernel kernel;
	struct mv_text_ctx tctx;
	struct mv_job j;
	size_t len = ALIGN_UP(m->roai_len, PAGE_SIZE), off = 0;
	struct modelf_layout *lay;
	uint8_t *bytes, *scratch;
	const char *why = "?";
	int err = 0;

	if (!m->elf)
		return 0;
	bytes = kmalloc(len);
	scratch = kmalloc(len);
	lay = kmalloc(sizeof(*lay));
	if (!bytes || !scratch || !lay)
		err = -ENOMEM;
	/* job_scan: the region's ranges are VA-contiguous whole pages in list
	 * order (all but the last), and each is one extent or extends the
	 * one before, so the extents in order are the region in VA order. */
	for (unsigned int i = 0; !err && i < m->ext.n; i++) {
		const struct mv_extent *x = &m->ext.e[i];

		if (x->type != MODVAL_MOD_RO_AFTER_INIT)
			continue;
		if (x->epa - x->pa > len - off) {
			err = -EINVAL;
			break;
		}
		err = north_copy_in(bytes + off, x->pa, x->epa - x->pa);
		off += x->epa - x->pa;
	}
	if (!err && off != len)
		err = -EINVAL;
	if (!err) {
		memset(&in, 0, sizeof(in));
		in.file = m->elf;
		in.file_len = m->elf_len;
		for (unsigned int t = 0; t < MODELF_NREGIONS; t++)
			in.mem[t].va = m->va[t];
		in.mem[MODVAL_MOD_RO_AFTER_INIT].bytes = bytes;
		in.mem[MODVAL_MOD_RO_AFTER_INIT].len = len;
		in.resolve = resolve_kernel;
		in.resolve_ctx = &mv.ksyms;
		memset(&j, 0, sizeof(j));
		j.va[MODVAL_MOD_TEXT] = m->text_va;
		j.len[MODVAL_MOD_TEXT] = m->text_len;
		kernel_fill(&kernel, &tctx, &j);
		in.kernel = &kernel;
		in.layout = lay;
		in.scratch = scratch;
		in.scratch_len = len;
		err = modval_check_ro_after_init(&in, &why);
	}
	if (err)
		log_warn("modval: VP %u: FREE_MODULE_INIT(%lld): the module's RoAfterInit "
			 "(__jump_table) is not what was signed: %s (%d); it stays read-only as "
			 "VTL0 left it and the module stays loaded: unload it", vp,
			 (long long)m->token, err == -ENOMEM ? "out of memory" : why, err);
	kfree(lay);
	kfree(scratch);
	kfree(bytes);
	return err;
}

/*
 * Init pages become RW and never X again; RoAfterInit becomes R.  Every
 * extent is tried even if one fails, so as few init pages as possible stay
 * executable; the token stays "init live" until all succeeded, so a retry
 * finishes the job.  Once done the init extents are forgotten: Linux frees
 * those pages and may hand them to the next module, which must be able to
 * claim them, and this module's UNLOAD must then not touch them.  Once
 * RoAfterInit is read-only it is compared with the signed ELF (roai_check):
 * on a mismatch the call returns the error (-EKEYREJECTED), which the
 * dispatcher records as a violation; the token is still "init freed".
 */
static int64_t mv_free_module_init(unsigned int vp, uint64_t token)
{
	struct mv_module **mp, *m;
	int err = 0;

	north_lock(&mv.lock);
	mp = find_module(token);
	if (!mp || (*mp)->init_freed) {
		north_unlock(&mv.lock);
		log_warn("modval: VP %u: FREE_MODULE_INIT with %s token %llu", vp,
			 mp ? "an already used" : "an unknown", (unsigned long long)token);
		return -EINVAL;
	}
	m = *mp;
	for (unsigned int i = 0; i < m->ext.n; i++) {
		uint32_t attr = after_init_attr(m->ext.e[i].type);
		int e;

		if (!attr)
			continue;
		e = vtlp_protect_range(m->ext.e[i].pa, m->ext.e[i].epa, attr, "module init freed");
		if (e && !err)
			err = e;
	}
	if (err) {
		log_error("modval: VP %u: FREE_MODULE_INIT(%llu) failed (%d); call it again",
			  vp, (unsigned long long)token, err);
	} else {
		unsigned int keep = 0;

		/* Then compare RoAfterInit.  A mismatch cannot be undone (the
		 * module is live), so the init half still completes: the init
		 * pages are freed by Linux either way. */
		err = roai_check(m, vp);
		kfree(m->elf);
		m->elf = NULL;
		for (unsigned int i = 0; i < m->ext.n; i++)
			if (!is_init_type(m->ext.e[i].type))
				m->ext.e[keep++] = m->ext.e[i];
		m->ext.n = keep;
		m->init_freed = true;
		vtlp_patch_drop_module(m->token, true);
	}
	north_unlock(&mv.lock);
	return err;
}

static int64_t mv_unload_module(unsigned int vp, uint64_t token)
{
	struct mv_module **mp;

	north_lock(&mv.lock);
	mp = find_module(token);
	if (!mp) {
		north_unlock(&mv.lock);
		log_warn("modval: VP %u: UNLOAD_MODULE with unknown token %llu", vp,
			 (unsigned long long)token);
		return -EINVAL;
	}
	extents_restore(&(*mp)->ext, all_rw);
	vtlp_patch_drop_module((*mp)->token, false);
	module_free(*mp);
	*mp = NULL;
	north_unlock(&mv.lock);
	log_info("modval: VP %u: module token %llu unloaded", vp, (unsigned long long)token);
	return 0;
}

/* ------------------------------------------------------ COPY_SECONDARY_KEY */

static int64_t mv_copy_secondary_key(unsigned int vp, uint64_t pa, uint64_t nranges)
{
	struct heki_range *r;
	uint8_t *buf = NULL;
	size_t len = 0;
	const char *why = "?";
	int err;

	north_lock(&mv.lock);
	err = trust_sync();
	r = err ? NULL : read_ranges(pa, &nranges, &err);
	if (!err) {
		buf = kmalloc(MODVAL_MAX_CERT_SIZE);
		if (!buf)
			err = -ENOMEM;
	}
	for (uint64_t i = 0; !err && i < nranges; i++) {
		size_t n = r[i].epa - r[i].pa;

		if (range_ok(&r[i]) || n > MODVAL_MAX_CERT_SIZE - len) {
			err = -EINVAL;
			break;
		}
		err = north_copy_in(buf + len, r[i].pa, n);
		len += n;
	}
	if (!err) {
		err = modval_trust_add_secondary(&mv.trust, buf, len, &why);
		if (err)
			log_warn("modval: VP %u: COPY_SECONDARY_KEY refused: %s (%d)", vp, why,
				 err);
		else
			vtlp_measure(VTLP_MEASURE_KDATA, 0x5ec, len, buf, len);
	}
	kfree(buf);
	kfree(r);
	north_unlock(&mv.lock);
	return err;
}

/* ---------------------------------------------------------- KEXEC_VALIDATE */

static uint32_t kexec_ro(uint8_t t)
{
	return t == KEXEC_KERNEL_BLOB ? 0 : ATTR_R;
}

static uint32_t kexec_rw(uint8_t t)
{
	return t == KEXEC_KERNEL_BLOB ? 0 : ATTR_RW;
}

/*
 * Binding the verified blob to what will run (issue 13 RT8).
 *
 * The blob VTL0 sends is the kexec_file_load() kernel file.  x86_64 Linux
 * (kexec-bzimage64.c) loads its protected-mode part, blob[(setup_sects + 1)
 * * 512 ..], as one segment, zero-filled up to the segment's memsz.  The
 * kimage (KexecImage) says where the segments go; a normal kexec reaches
 * their bytes through the kimage entry list (source pages, indirection
 * pages: KexecPages), a crash kexec has them in place in reserved memory
 * (KexecPages).  All of it is write-protected by now.  We require one
 * segment whose every destination page holds exactly the verified payload
 * (then zeros), read from pages VTL1 protects.  What stays unbound is in
 * docs/module-validation.md (purgatory, boot parameters, initrd, entry).
 */

/* struct kimage's stable head (include/linux/kexec.h, mainline). */
#define KIMAGE_HEAD        0
#define KIMAGE_NR_SEGMENTS 56
#define KIMAGE_SEGMENTS    64
#define KEXEC_SEGMENT_MAX  16
#define KIMAGE_PREFIX      (KIMAGE_SEGMENTS + KEXEC_SEGMENT_MAX * 32)

/* kimage_entry_t flags (include/linux/kexec.h). */
#define IND_DESTINATION 0x1
#define IND_INDIRECTION 0x2
#define IND_DONE        0x4
#define IND_SOURCE      0x8

#define KEXEC_MAX_ENTRIES (1u << 20)     /* 4 GiB of source pages */
#define KEXEC_MAX_SEGMENT (512UL << 20)

/* x86 boot protocol: setup_sects @0x1f1, "HdrS" @0x202. */
#define BZ_SETUP_SECTS 0x1f1
#define BZ_MAGIC       0x202

static uint64_t rd64le(const uint8_t *p)
{
	uint64_t v = 0;

	for (int i = 7; i >= 0; i--)
		v = v << 8 | p[i];
	return v;
}

struct kx_seg {
	uint64_t mem, memsz;
	uint64_t next;          /* pages matched so far, in order */
	bool failed;
};

struct kx_bind {
	const struct mv_extents *slot;
	const uint8_t *payload;
	size_t plen;
	unsigned int nseg;
	struct kx_seg seg[KEXEC_SEGMENT_MAX];
	uint64_t all_mem[KEXEC_SEGMENT_MAX], all_end[KEXEC_SEGMENT_MAX];
	unsigned int nall;
	uint8_t *page;          /* one page of scratch */
	uint64_t *ents;         /* the entry page being walked */
};

static bool slot_protects(const struct mv_extents *x, uint64_t pa)
{
	for (unsigned int i = 0; i < x->n; i++)
		if (x->e[i].type == KEXEC_PAGES && pa >= x->e[i].pa && pa < x->e[i].epa)
			return true;
	return false;
}

/* Expected byte at offset off of the kernel segment. */
static bool page_matches(const struct kx_bind *b, uint64_t off, const uint8_t *pg)
{
	for (size_t i = 0; i < PAGE_SIZE; i++) {
		uint8_t want = off + i < b->plen ? b->payload[off + i] : 0;

		if (pg[i] != want)
			return false;
	}
	return true;
}

/* Destination page `dest` receives the bytes now in `src`. */
static int bind_page(struct kx_bind *b, uint64_t dest, uint64_t src)
{
	bool copied = false;

	for (unsigned int k = 0; k < b->nseg; k++) {
		struct kx_seg *g = &b->seg[k];
		uint64_t off;

		if (g->failed || dest < g->mem || dest - g->mem >= g->memsz)
			continue;
		off = dest - g->mem;
		/* Linux emits a segment's pages once each, in order; anything
		 * else (a page twice, a hole) would leave VTL0 bytes there. */
		if (off != g->next * PAGE_SIZE || !slot_protects(b->slot, src)) {
			g->failed = true;
			continue;
		}
		if (!copied) {
			int err = north_copy_in(b->page, src, PAGE_SIZE);

			if (err)
				return err;
			copied = true;
		}
		if (page_matches(b, off, b->page))
			g->next++;
		else
			g->failed = true;
	}
	return 0;
}

/* relocate_kernel swaps source and destination in entry order; a source
 * page inside some segment's destination could have been overwritten by
 * then.  Linux never does that (kimage_alloc_page()), so refuse it. */
static bool src_ok(const struct kx_bind *b, uint64_t dest, uint64_t src)
{
	for (unsigned int k = 0; k < b->nall; k++)
		if (src != dest && src >= b->all_mem[k] && src < b->all_end[k])
			return false;
	return true;
}

/* for_each_kimage_entry(): head, then each indirection page in turn. */
static int walk_entries(struct kx_bind *b, uint64_t head)
{
	uint64_t entry = head, dest = 0;
	unsigned int steps = 0;

	while (entry && !(entry & IND_DONE)) {
		uint64_t pa = ALIGN_DOWN(entry, PAGE_SIZE);
		unsigned int i;
		int err;

		/* Linux puts an indirection in head and at the end of each
		 * entry page; anything else has no successor we could read. */
		if (!(entry & IND_INDIRECTION)) {
			log_warn("modval: kexec entry list: %#llx where an indirection page "
				 "belongs", (unsigned long long)entry);
			return -EINVAL;
		}
		/* The list itself must be protected, or VTL0 rewrites it after
		 * we walked it. */
		if (!slot_protects(b->slot, pa)) {
			log_warn("modval: kexec indirection page %#llx is not among the protected "
				 "KexecPages", (unsigned long long)pa);
			return -EINVAL;
		}
		err = north_copy_in(b->ents, pa, PAGE_SIZE);
		if (err)
			return err;
		for (i = 0; i < PAGE_SIZE / 8; i++) {
			entry = b->ents[i];
			if (++steps > KEXEC_MAX_ENTRIES)
				return -E2BIG;
			if (!entry || (entry & (IND_DONE | IND_INDIRECTION)))
				break;
			if (entry & IND_DESTINATION) {
				dest = ALIGN_DOWN(entry, PAGE_SIZE);
			} else if (entry & IND_SOURCE) {
				uint64_t src = ALIGN_DOWN(entry, PAGE_SIZE);

				if (!src_ok(b, dest, src)) {
					log_warn("modval: kexec source page %#llx lies in a segment's "
						 "destination", (unsigned long long)src);
					return -EINVAL;
				}
				err = bind_page(b, dest, src);
				if (err)
					return err;
				dest += PAGE_SIZE;
			}
		}
		if (i == PAGE_SIZE / 8) {
			log_warn("modval: kexec entry page %#llx does not end in an indirection "
				 "or DONE", (unsigned long long)pa);
			return -EINVAL;
		}
	}
	return 0;
}

/* Crash kexec: the segments already sit at their destination. */
static int bind_in_place(struct kx_bind *b)
{
	for (unsigned int k = 0; k < b->nseg; k++) {
		struct kx_seg *g = &b->seg[k];

		for (uint64_t off = 0; off < g->memsz && !g->failed; off += PAGE_SIZE) {
			int err = bind_page(b, g->mem + off, g->mem + off);

			if (err)
				return err;
		}
	}
	return 0;
}

static int kexec_bind(const struct mv_extents *slot, const struct heki_range *r,
		      uint64_t nranges, bool crash, const uint8_t *blob, size_t blob_len)
{
	uint8_t img[KIMAGE_PREFIX];
	struct kx_bind *b;
	size_t have = 0, off;
	uint64_t nseg;
	int err = 0;

	/* The payload as kexec_file_load's bzImage loader cuts it. */
	if (blob_len <= BZ_MAGIC + 4 || memcmp(blob + BZ_MAGIC, "HdrS", 4) != 0) {
		log_warn("modval: the signed kexec image is not an x86 bzImage (no HdrS); "
			 "VTL1 cannot tell which bytes of it will run");
		return -EOPNOTSUPP;
	}
	off = ((size_t)(blob[BZ_SETUP_SECTS] ? blob[BZ_SETUP_SECTS] : 4) + 1) * 512;
	if (off >= blob_len)
		return -EBADMSG;

	/* struct kimage's head from the (protected) KexecImage ranges. */
	for (uint64_t i = 0; i < nranges && have < sizeof(img); i++) {
		size_t n = MIN((size_t)(r[i].epa - r[i].pa), sizeof(img) - have);

		if (r[i].attributes != KEXEC_IMAGE)
			continue;
		err = north_copy_in(img + have, r[i].pa, n);
		if (err)
			return err;
		have += n;
	}
	nseg = have == sizeof(img) ? rd64le(img + KIMAGE_NR_SEGMENTS) : 0;
	if (nseg == 0 || nseg > KEXEC_SEGMENT_MAX) {
		log_warn("modval: KexecImage is not a struct kimage (%zu bytes, %llu segments)",
			 have, (unsigned long long)nseg);
		return -EINVAL;
	}

	b = kmalloc(sizeof(*b));
	if (!b)
		return -ENOMEM;
	memset(b, 0, sizeof(*b));
	b->slot = slot;
	b->payload = blob + off;
	b->plen = blob_len - off;
	b->page = kmalloc(PAGE_SIZE);
	b->ents = kmalloc(PAGE_SIZE);
	if (!b->page || !b->ents)
		err = -ENOMEM;
	for (uint64_t k = 0; !err && k < nseg; k++) {
		const uint8_t *sg = img + KIMAGE_SEGMENTS + k * 32;
		uint64_t mem = rd64le(sg + 16), memsz = rd64le(sg + 24);

		if (mem + memsz < mem)
			continue;
		b->all_mem[b->nall] = ALIGN_DOWN(mem, PAGE_SIZE);
		b->all_end[b->nall++] = ALIGN_UP(mem + memsz, PAGE_SIZE);
		/* candidates: page-aligned, big enough, bounded */
		if (!IS_ALIGNED(mem, PAGE_SIZE) || memsz < b->plen || memsz > KEXEC_MAX_SEGMENT)
			continue;
		b->seg[b->nseg].mem = mem;
		b->seg[b->nseg++].memsz = ALIGN_UP(memsz, PAGE_SIZE);
	}
	if (!err)
		err = crash ? bind_in_place(b) : walk_entries(b, rd64le(img + KIMAGE_HEAD));
	if (!err) {
		err = -EKEYREJECTED;
		for (unsigned int k = 0; k < b->nseg; k++) {
			const struct kx_seg *g = &b->seg[k];

			if (!g->failed && g->next * PAGE_SIZE == g->memsz) {
				log_info("modval: kexec: the verified kernel (%zu bytes) is segment "
					 "[%#llx, %#llx), from protected pages", b->plen,
					 (unsigned long long)g->mem,
					 (unsigned long long)(g->mem + g->memsz));
				err = 0;
				break;
			}
		}
		if (err)
			log_warn("modval: kexec: no segment holds the verified kernel (%u "
				 "candidates); what would run is not what was signed", b->nseg);
	}
	kfree(b->ents);
	kfree(b->page);
	kfree(b);
	return err;
}

static int64_t mv_kexec_validate(unsigned int vp, uint64_t pa, uint64_t nranges, uint64_t crash)
{
	struct mv_extents *slot = &mv.kexec[crash ? 1 : 0];
	struct heki_range *r = NULL;
	struct authenticode_result res = { 0 };
	uint8_t *blob = NULL;
	size_t blob_len = 0, off = 0;
	bool protected = false;
	int err;

	north_lock(&mv.lock);
	/* A new request (or pa == 0) invalidates what was validated before. */
	extents_restore(slot, kexec_rw);
	slot->n = 0;
	if (pa == 0) {
		north_unlock(&mv.lock);
		return 0;
	}
	err = trust_sync();
	if (!err)
		r = read_ranges(pa, &nranges, &err);
	for (uint64_t i = 0; !err && i < nranges; i++) {
		if (r[i].attributes > KEXEC_PAGES || range_ok(&r[i])) {
			err = -EINVAL;
			break;
		}
		if (r[i].attributes == KEXEC_KERNEL_BLOB) {
			blob_len += r[i].epa - r[i].pa;
			if (blob_len > MV_MAX_BLOB)
				err = -E2BIG;
		} else {
			err = extent_add(slot, r[i].pa, r[i].epa, (uint8_t)r[i].attributes);
			if (err == -EEXIST)
				log_warn("modval: KEXEC_VALIDATE range %llu names page %#llx twice",
					 (unsigned long long)i,
					 (unsigned long long)ALIGN_DOWN(r[i].pa, PAGE_SIZE));
			err = err == -EEXIST ? -EINVAL : err == -ENOSPC ? -E2BIG : err;
		}
	}
	if (!err && !blob_len)
		err = -ENODATA;
	if (!err)
		err = extents_claimable(slot, slot);
	if (!err) {
		/* TOCTOU: segments read-only before anything is checked. */
		protected = true;
		err = extents_apply(slot, kexec_ro, "kexec validation");
	}
	if (!err) {
		blob = kmalloc(blob_len);
		if (!blob)
			err = -ENOMEM;
	}
	for (uint64_t i = 0; !err && i < nranges; i++) {
		if (r[i].attributes != KEXEC_KERNEL_BLOB)
			continue;
		err = north_copy_in(blob + off, r[i].pa, r[i].epa - r[i].pa);
		off += r[i].epa - r[i].pa;
	}
	if (!err)
		err = modval_validate_kexec(&mv.trust, blob, blob_len, &res);
	if (!err)
		err = kexec_bind(slot, r, nranges, crash != 0, blob, blob_len);
	if (!err) {
		vtlp_measure(VTLP_MEASURE_KEXEC, crash, blob_len, res.digest,
			     modval_hash_len(res.hash));
	} else {
		if (protected)
			extents_restore(slot, kexec_rw);
		slot->n = 0;
		log_warn("modval: VP %u: KEXEC_VALIDATE refused (%d); segments stay writable "
			 "and non-executable", vp, err);
	}
	kfree(blob);
	kfree(r);
	north_unlock(&mv.lock);
	return err;
}

/* ------------------------------------------------------------ registration */

static const struct vtlp_modval_hooks hooks = {
	.validate_module = mv_validate_module,
	.free_module_init = mv_free_module_init,
	.unload_module = mv_unload_module,
	.copy_secondary_key = mv_copy_secondary_key,
	.kexec_validate = mv_kexec_validate,
};

void modval_hooks_install(void)
{
	vtlp_register_modval(&hooks);
}

void modval_hooks_reset(void)
{
	north_lock(&mv.lock);
	/* Dropped, not freed: host tests reset the allocator before this, so
	 * the old pointers may be stale (as vtlp_patch_reset()). */
	mv.mods = NULL;
	mv.nmods = 0;
	mv.max_modules = MV_MAX_MODULES;
	mv.max_extents = MV_MAX_EXTENTS;
	memset(mv.kexec, 0, sizeof(mv.kexec));
	mv.trust_sealed = false;
	mv.selftest_done = false;
	mv.next_token = 1;
	mv.kdata_va = 0;
	memset(&mv.ksyms, 0, sizeof(mv.ksyms));
	modval_trust_init(&mv.trust);
	north_unlock(&mv.lock);
}

void modval_hooks_set_limits(unsigned int max_modules, unsigned int max_extents)
{
	north_lock(&mv.lock);
	mv.max_modules = max_modules ? MIN(max_modules, MV_MAX_MODULES) : MV_MAX_MODULES;
	mv.max_extents = max_extents ? MIN(max_extents, MV_MAX_EXTENTS) : MV_MAX_EXTENTS;
	north_unlock(&mv.lock);
}

void modval_hooks_set_next_token(int64_t token)
{
	north_lock(&mv.lock);
	mv.next_token = token;
	north_unlock(&mv.lock);
}
