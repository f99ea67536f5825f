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
 *   FREE_MODULE_INIT    init regions RW (no X), RoAfterInit R.
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
#include "vtl_protect/modval/ksym.h"
#include "vtl_protect/modval/modval.h"
#include "vtl_protect/modval/selftest.h"
#include "vtl_protect/modval_hooks.h"
#include "vtl_protect/vtlp.h"

#define MV_MAX_RANGES  VTLP_MAX_RANGES
#define MV_MAX_MODULES 64
#define MV_MAX_EXTENTS 256               /* merged page extents per module */
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
	unsigned int n;
	struct mv_extent e[MV_MAX_EXTENTS];
};

struct mv_module {
	int64_t token;
	bool init_freed;
	struct mv_extents ext;
};

static struct {
	struct north_lock lock;
	bool selftest_done;
	int selftest_err;
	bool trust_sealed;
	struct modval_trust trust;
	struct modval_cert saved[MODVAL_MAX_SECONDARY];
	struct mv_module *mods[MV_MAX_MODULES];
	int64_t next_token;
	struct mv_extents kexec[2];          /* [0] kexec, [1] crash kexec */
	struct modval_ksyms ksyms;           /* kernel exports, when known */
	uint64_t kdata_va;                   /* VA of KernelData[0]; 0: unknown */
} mv = { .lock = NORTH_LOCK_INIT, .next_token = 1 };

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

static int extent_add(struct mv_extents *x, uint64_t pa, uint64_t epa, uint8_t type)
{
	struct mv_extent *last = x->n ? &x->e[x->n - 1] : NULL;

	pa = ALIGN_DOWN(pa, PAGE_SIZE);
	epa = ALIGN_UP(epa, PAGE_SIZE);
	if (last && last->type == type && pa >= last->pa && pa <= last->epa) {
		last->epa = MAX(last->epa, epa);
		return 0;
	}
	if (x->n >= MV_MAX_EXTENTS)
		return -ENOSPC;
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
 * we restore to) are fine.
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

		for (int m = 0; m < MV_MAX_MODULES; m++)
			if (mv.mods[m] && extent_overlaps(&mv.mods[m]->ext, e->pa, e->epa))
				goto busy;
		for (int k = 0; k < 2; k++)
			if (&mv.kexec[k] != self && extent_overlaps(&mv.kexec[k], e->pa, e->epa))
				goto busy;
		for (uint64_t pg = e->pa; pg < e->epa; pg += PAGE_SIZE) {
			uint32_t attr;

			if (vtlp_protection_of(pg, &attr) == 0 && attr != ATTR_RW)
				goto busy;
		}
		continue;
busy:
		log_warn("modval: [%#llx, %#llx) is already protected by VTL1 for something "
			 "else: refused", (unsigned long long)e->pa, (unsigned long long)e->epa);
		return -EBUSY;
	}
	return 0;
}

/* ----------------------------------------------------------- range lists */

static struct heki_range *read_ranges(uint64_t pa, uint64_t nranges, int *err)
{
	struct heki_range *r;

	if (nranges == 0 || nranges > MV_MAX_RANGES) {
		*err = nranges ? -E2BIG : -EINVAL;
		return NULL;
	}
	r = kmalloc(nranges * sizeof(*r));
	if (!r) {
		*err = -ENOMEM;
		return NULL;
	}
	*err = vtlp_read_range_chain(pa, nranges, r, MV_MAX_RANGES);
	if (*err) {
		kfree(r);
		return NULL;
	}
	return r;
}

/* Each range must be non-empty and inside one page (LVBS splits per page). */
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
 * + KernelData, once the kernel-data layer told us KernelData's VA).
 * Exports of other modules are not searched: such a module is refused.
 */
static int resolve_kernel(void *ctx, const char *name, uint64_t *addr)
{
	int err = modval_ksyms_resolve(ctx, name, addr);

	if (err)
		log_warn("modval: module imports '%s', which is not a kernel export known to "
			 "VTL1%s", name, mv.ksyms.data ? "" : " (no kernel symbol table loaded)");
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
		if ((modelf_region_checked((unsigned int)t) || t == MODVAL_MOD_RO_AFTER_INIT) &&
		    extent_add(&j->m->ext, r->pa, r->epa, (uint8_t)t)) {
			log_warn("modval: module has more than %u physical extents",
				 MV_MAX_EXTENTS);
			return -E2BIG;
		}
	}
	if (!j->elf_len) {
		log_warn("modval: VALIDATE_MODULE without the module ELF (ElfBuffer)");
		return -ENODATA;
	}
	return 0;
}

/* Copy the ElfBuffer and the compared regions into VTL1. */
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
		j->bytes[t] = kmalloc(j->len[t]);
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

static int job_verify(struct mv_job *j, struct modsig_result *res)
{
	struct modval_module_input in;
	size_t need = 0;

	for (unsigned int t = 0; t < MODELF_NREGIONS; t++)
		if (modelf_region_checked(t))
			need = MAX(need, j->len[t]);
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
		in.mem[t].len = j->bytes[t] ? j->len[t] : 0;
	}
	in.resolve = resolve_kernel;
	in.resolve_ctx = &mv.ksyms;
	in.layout = j->lay;
	in.scratch = j->scratch;
	in.scratch_len = need;
	return modval_validate_module(&mv.trust, &in, res);
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

static int64_t mv_validate_module(unsigned int vp, uint64_t pa, uint64_t nranges, uint64_t flags)
{
	struct mv_job j;
	struct modsig_result res;
	int slot = -1, err;
	bool protected = false;
	int64_t ret;

	(void)flags;
	memset(&j, 0, sizeof(j));
	north_lock(&mv.lock);
	err = trust_sync();
	if (err)
		goto out;
	for (int i = 0; i < MV_MAX_MODULES && slot < 0; i++)
		if (!mv.mods[i])
			slot = i;
	if (slot < 0) {
		log_warn("modval: %d modules are already validated; unload one first",
			 MV_MAX_MODULES);
		err = -ENOSPC;
		goto out;
	}
	j.nranges = nranges;
	j.r = read_ranges(pa, nranges, &err);
	j.m = kmalloc(sizeof(*j.m));
	if (!err && !j.m)
		err = -ENOMEM;
	if (err)
		goto out;
	memset(j.m, 0, sizeof(*j.m));
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
	/* jump labels: only sites in the module's own verified text */
	if (!err)
		err = vtlp_patch_module_info(mv.next_token, j.patch, j.patch_len, j.r, j.nranges,
					     MODVAL_MOD_TEXT, MODVAL_MOD_INIT_TEXT);
	if (!err) {
		err = extents_apply(&j.m->ext, final_attr, "validated module");
		if (err)
			vtlp_patch_drop_module(mv.next_token, false);
	}
	if (err)
		goto out;

	j.m->token = mv.next_token++;
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
	kfree(j.m);
	job_free(&j);
	north_unlock(&mv.lock);
	return err;
}

static struct mv_module **find_module(uint64_t token)
{
	for (int i = 0; i < MV_MAX_MODULES; i++)
		if (mv.mods[i] && (uint64_t)mv.mods[i]->token == token)
			return &mv.mods[i];
	return NULL;
}

static int64_t mv_free_module_init(unsigned int vp, uint64_t token)
{
	struct mv_module **mp;
	int err;

	north_lock(&mv.lock);
	mp = find_module(token);
	if (!mp || (*mp)->init_freed) {
		north_unlock(&mv.lock);
		log_warn("modval: VP %u: FREE_MODULE_INIT with %s token %llu", vp,
			 mp ? "an already used" : "an unknown", (unsigned long long)token);
		return -EINVAL;
	}
	err = extents_apply(&(*mp)->ext, after_init_attr, "module init freed");
	if (!err) {
		(*mp)->init_freed = true;
		vtlp_patch_drop_module((*mp)->token, true);
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
	kfree(*mp);
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
	r = err ? NULL : read_ranges(pa, nranges, &err);
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
		r = read_ranges(pa, nranges, &err);
	for (uint64_t i = 0; !err && i < nranges; i++) {
		if (r[i].attributes > KEXEC_PAGES || range_ok(&r[i])) {
			err = -EINVAL;
			break;
		}
		if (r[i].attributes == KEXEC_KERNEL_BLOB) {
			blob_len += r[i].epa - r[i].pa;
			if (blob_len > MV_MAX_BLOB)
				err = -E2BIG;
		} else if (extent_add(slot, r[i].pa, r[i].epa, (uint8_t)r[i].attributes)) {
			err = -E2BIG;
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
	for (int i = 0; i < MV_MAX_MODULES; i++) {
		kfree(mv.mods[i]);
		mv.mods[i] = NULL;
	}
	mv.kexec[0].n = 0;
	mv.kexec[1].n = 0;
	mv.trust_sealed = false;
	mv.selftest_done = false;
	mv.next_token = 1;
	mv.kdata_va = 0;
	memset(&mv.ksyms, 0, sizeof(mv.ksyms));
	modval_trust_init(&mv.trust);
	north_unlock(&mv.lock);
}
