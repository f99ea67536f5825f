// SPDX-License-Identifier: MIT
/*
 * LOAD_KDATA(pa, nranges): kernel data VTL0 hands over before end of boot,
 * as a range chain whose `attributes` field is the data type and whose
 * ranges are byte-granular [pa, epa) (epa exclusive; LVBS cuts them at page
 * boundaries).  Data of one type is the concatenation of its ranges in list
 * order.
 *
 * Every kept type (certificates, revocations, blocklist hashes, KernelInfo,
 * KernelData, PatchInfo) is copied into a VTL1 heap buffer sized to what was
 * sent, within its byte limit and the table budget of vtlp_table_alloc().
 * KexecTrampoline is only measured: VTL1 streams it through SHA-256 and keeps
 * the digest and size, never the bytes.
 *
 * A call is all or nothing.  Its data is staged in fresh buffers; PatchInfo
 * and KernelInfo are checked there; only when every item of the call is good
 * do the types it named replace what earlier calls loaded.  A malformed or
 * too-large item fails the call with a logged reason and leaves everything
 * loaded before untouched (a real kernel's certificates must not vanish
 * because one PatchInfo block was refused).
 */
#include <bearssl.h>
#include <string.h>

#include "core/kmalloc.h"

#include "vtl_protect/internal.h"

struct kdata_slot {
	uint8_t *buf;   /* heap; NULL when nothing is loaded */
	size_t len;
	uint8_t digest[32];
	uint64_t va;    /* VTL0 virtual address of the first byte, from the ranges */
	uint64_t pa;    /* and its physical address */
};

static const size_t caps[VTLP_KDATA_COUNT] = {
	[VTLP_KDATA_SYSTEM_CERTS] = VTLP_KDATA_MAX_CERTS,
	[VTLP_KDATA_REVOCATION_CERTS] = VTLP_KDATA_MAX_CERTS,
	[VTLP_KDATA_BLOCKLIST_HASHES] = VTLP_KDATA_MAX_BLOCKLIST,
	[VTLP_KDATA_KERNEL_INFO] = VTLP_KDATA_MAX_KINFO,
	[VTLP_KDATA_KERNEL_DATA] = VTLP_KDATA_MAX_BIG,
	[VTLP_KDATA_PATCH_INFO] = VTLP_KDATA_MAX_PATCHINFO,
	[VTLP_KDATA_KEXEC_TRAMPOLINE] = VTLP_KDATA_MAX_BIG,
};

/* KexecTrampoline: measured, never kept. */
static bool kept(unsigned int t)
{
	return t != VTLP_KDATA_KEXEC_TRAMPOLINE;
}

static struct kdata_slot slots[VTLP_KDATA_COUNT];
static struct vtlp_kinfo kinfo;
static bool kinfo_loaded;
static uint8_t chunk[PAGE_SIZE];

/*
 * vtlp_init() runs once per boot: drop everything without freeing (in host
 * tests the allocator was reset before, so the old pointers are stale).
 */
void vtlp_kdata_reset(void)
{
	memset(slots, 0, sizeof(slots));
	memset(&kinfo, 0, sizeof(kinfo));
	kinfo_loaded = false;
}

int vtlp_kdata_va(enum vtlp_kdata_type type, uint64_t *va)
{
	if ((unsigned int)type >= VTLP_KDATA_COUNT)
		return -EINVAL;
	if (!slots[type].len)
		return -ENODATA;
	*va = slots[type].va;
	return 0;
}

int vtlp_kdata_pa(enum vtlp_kdata_type type, uint64_t *pa)
{
	if ((unsigned int)type >= VTLP_KDATA_COUNT)
		return -EINVAL;
	if (!slots[type].len)
		return -ENODATA;
	*pa = slots[type].pa;
	return 0;
}

int vtlp_kdata_get(enum vtlp_kdata_type type, const uint8_t **data, size_t *len)
{
	if ((unsigned int)type >= VTLP_KDATA_COUNT)
		return -EINVAL;
	if (!kept(type)) {
		*data = NULL;
		*len = 0;
		return -ENODATA; /* measured only */
	}
	*data = slots[type].buf;
	*len = slots[type].len;
	return 0;
}

static uint64_t rd64(const uint8_t *p)
{
	uint64_t v;

	memcpy(&v, p, sizeof(v));
	return v;
}

/*
 * struct heki_kinfo: four ksymtab bounds, then heki_arch_kinfo, whose
 * pv_ops template has a config-dependent size and whose LAST 40 bytes are
 * pv_bug, pv_nop, indirect_thunk_array_addr, return_thunk_init_addr and
 * return_thunk_addr (CBL asm/heki.h @ea3c7b4f).  Older senders fill fewer
 * fields; a blob too short for the tail has no thunk addresses.
 */
static int kinfo_check(const uint8_t *data, size_t len, struct vtlp_kinfo *k)
{
	memset(k, 0, sizeof(*k));
	if (len < VTLP_KINFO_KSYMTAB_LEN) {
		log_warn("vtlp: KernelInfo is %zu bytes, shorter than its %u bytes of ksymtab "
			 "bounds: LOAD_KDATA refused", len, VTLP_KINFO_KSYMTAB_LEN);
		return -EINVAL;
	}
	k->ksymtab_start = rd64(data);
	k->ksymtab_end = rd64(data + 8);
	k->ksymtab_gpl_start = rd64(data + 16);
	k->ksymtab_gpl_end = rd64(data + 24);
	if (len >= VTLP_KINFO_KSYMTAB_LEN + VTLP_KINFO_TAIL_LEN) {
		const uint8_t *t = data + len - VTLP_KINFO_TAIL_LEN;

		k->pv_bug = rd64(t);
		k->pv_nop = rd64(t + 8);
		k->indirect_thunk_array = rd64(t + 16);
		k->return_thunk_init = rd64(t + 24);
		k->return_thunk = rd64(t + 32);
		k->has_arch = true;
	}
	return 0;
}

int vtlp_kinfo_get(struct vtlp_kinfo *out)
{
	int ret = -ENODATA;

	north_lock(&vtlp.lock);
	if (kinfo_loaded) {
		*out = kinfo;
		ret = 0;
	}
	north_unlock(&vtlp.lock);
	return ret;
}

/* Check every range and the per-type totals before copying anything. */
static int check_ranges(const struct vtlp_range *ranges, size_t n, uint32_t *types,
			uint64_t *total, uint64_t *first_va, uint64_t *first_pa)
{
	*types = 0;
	for (size_t i = 0; i < n; i++) {
		const struct vtlp_range *r = &ranges[i];
		uint64_t len = r->epa - r->pa;
		int ret;

		if (r->attr >= VTLP_KDATA_COUNT) {
			log_warn("vtlp: LOAD_KDATA range %zu has unknown type %llu", i,
				 (unsigned long long)r->attr);
			return -EINVAL;
		}
		if (r->epa < r->pa) {
			log_warn("vtlp: LOAD_KDATA range %zu [%#llx, %#llx) is inverted", i,
				 (unsigned long long)r->pa, (unsigned long long)r->epa);
			return -EINVAL;
		}
		ret = north_check_range(r->pa, len);
		if (ret)
			return ret;
		if (!(*types & (1u << r->attr))) {
			first_va[r->attr] = r->va; /* the type's first byte */
			first_pa[r->attr] = r->pa;
		}
		total[r->attr] += len; /* wrap shows as total < len */
		if (total[r->attr] < len || total[r->attr] > caps[r->attr]) {
			log_warn("vtlp: LOAD_KDATA type %llu exceeds %zu bytes: refused",
				 (unsigned long long)r->attr, caps[r->attr]);
			return -E2BIG;
		}
		*types |= 1u << r->attr;
	}
	return 0;
}

static int load_ranges(const struct vtlp_range *ranges, size_t n, struct kdata_slot *st,
		       br_sha256_context *ctx)
{
	for (size_t i = 0; i < n; i++) {
		const struct vtlp_range *r = &ranges[i];
		struct kdata_slot *s = &st[r->attr];
		uint64_t pa = r->pa, left = r->epa - r->pa;

		while (left) {
			size_t step = left > sizeof(chunk) ? sizeof(chunk) : (size_t)left;
			uint8_t *dst = s->buf ? s->buf + s->len : chunk;
			int ret = north_copy_in(dst, pa, step);

			if (ret)
				return ret;
			br_sha256_update(&ctx[r->attr], dst, step);
			s->len += step;
			pa += step;
			left -= step;
		}
	}
	return 0;
}

static void stage_free(struct kdata_slot *st)
{
	for (unsigned int t = 0; t < VTLP_KDATA_COUNT; t++)
		kfree(st[t].buf);
}

/* Stage, check, then commit: see the file comment.  Under vtlp.lock. */
static int load_staged(const struct vtlp_range *ranges, size_t n)
{
	static struct kdata_slot st[VTLP_KDATA_COUNT];
	br_sha256_context ctx[VTLP_KDATA_COUNT];
	uint64_t total[VTLP_KDATA_COUNT] = { 0 }, first_va[VTLP_KDATA_COUNT] = { 0 };
	uint64_t first_pa[VTLP_KDATA_COUNT] = { 0 };
	struct vtlp_kinfo ki = { 0 };
	uint32_t types = 0;
	int ret;

	memset(st, 0, sizeof(st));
	ret = check_ranges(ranges, n, &types, total, first_va, first_pa);
	if (ret)
		return ret;
	for (unsigned int t = 0; t < VTLP_KDATA_COUNT; t++) {
		void *mem = NULL;

		br_sha256_init(&ctx[t]);
		if (!(types & (1u << t)) || !kept(t))
			continue;
		ret = vtlp_table_alloc(&mem, (size_t)total[t], 1, "LOAD_KDATA data");
		if (ret) {
			log_warn("vtlp: LOAD_KDATA type %u (%llu bytes) does not fit: refused", t,
				 (unsigned long long)total[t]);
			stage_free(st);
			return ret;
		}
		st[t].buf = mem;
	}
	ret = load_ranges(ranges, n, st, ctx);
	if (!ret && (types & (1u << VTLP_KDATA_KERNEL_INFO)))
		ret = kinfo_check(st[VTLP_KDATA_KERNEL_INFO].buf, st[VTLP_KDATA_KERNEL_INFO].len,
				  &ki);
	/* Last: on success it replaces the kernel's jump-label sites itself. */
	if (!ret && (types & (1u << VTLP_KDATA_PATCH_INFO)))
		ret = vtlp_patch_load_info(st[VTLP_KDATA_PATCH_INFO].buf,
					   st[VTLP_KDATA_PATCH_INFO].len);
	if (ret) {
		log_warn("vtlp: LOAD_KDATA refused (%s); the kernel data loaded before is kept",
			 errno_name(ret));
		stage_free(st);
		return ret;
	}
	for (unsigned int t = 0; t < VTLP_KDATA_COUNT; t++) {
		if (!(types & (1u << t)))
			continue;
		kfree(slots[t].buf);
		slots[t] = st[t];
		slots[t].va = first_va[t];
		slots[t].pa = first_pa[t];
		br_sha256_out(&ctx[t], slots[t].digest);
		vtlp_measure_digest(VTLP_MEASURE_KDATA, t, slots[t].len, slots[t].digest);
		log_info("vtlp: LOAD_KDATA type %u: %zu bytes%s", t, slots[t].len,
			 kept(t) ? "" : " (measured, not kept)");
		if (!kept(t))
			slots[t].buf = NULL;
	}
	if (types & (1u << VTLP_KDATA_KERNEL_INFO)) {
		kinfo = ki;
		kinfo_loaded = true;
		log_info("vtlp: KernelInfo: ksymtab %#llx-%#llx, gpl %#llx-%#llx, %s",
			 (unsigned long long)ki.ksymtab_start, (unsigned long long)ki.ksymtab_end,
			 (unsigned long long)ki.ksymtab_gpl_start,
			 (unsigned long long)ki.ksymtab_gpl_end,
			 ki.has_arch ? "arch tail present" : "no arch tail (older sender)");
	}
	return 0;
}

/* Called with vtlp.lock held, before end of boot. */
int64_t vtlp_load_kdata(uint64_t pa, uint64_t nranges)
{
	struct vtlp_range *ranges;
	int ret;

	ret = vtlp_read_chain(pa, nranges, &ranges);
	if (ret)
		return ret;
	ret = load_staged(ranges, (size_t)nranges);
	kfree(ranges);
	return ret;
}
