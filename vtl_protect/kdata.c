// SPDX-License-Identifier: MIT
/*
 * LOAD_KDATA(pa, nranges): kernel data VTL0 hands over before end of boot,
 * as a range chain whose `attributes` field is the data type and whose
 * ranges are byte-granular [pa, epa) (epa exclusive; LVBS cuts them at page
 * boundaries).  Data of one type is the concatenation of its ranges in list
 * order.
 *
 * Small types (certificates, revocations, blocklist hashes, kernel info,
 * PatchInfo) are copied into fixed VTL1 buffers and kept.  KernelData (the
 * kernel's rodata, which module validation needs to resolve imported kernel
 * symbols) is copied into a VTL1 heap buffer sized to what was sent, at most
 * VTLP_KDATA_MAX_BIG * 64 bytes.  KexecTrampoline is only measured: VTL1
 * streams it through SHA-256 and keeps the digest and size, never the bytes.
 *
 * A type named by a call replaces what an earlier call loaded for it; when
 * a call fails, every type it named is left empty (fail closed).
 */
#include <bearssl.h>
#include <string.h>

#include "core/kmalloc.h"

#include "vtl_protect/internal.h"

static uint8_t buf_sys[VTLP_KDATA_MAX_CERTS];
static uint8_t buf_rev[VTLP_KDATA_MAX_CERTS];
static uint8_t buf_block[VTLP_KDATA_MAX_BLOCKLIST];
static uint8_t buf_kinfo[VTLP_KDATA_MAX_KINFO];
static uint8_t buf_patch[VTLP_PATCH_MAX * sizeof(struct vtlp_patch)];

struct kdata_slot {
	uint8_t *buf; /* NULL: measured only (or heap slot not loaded yet) */
	size_t cap;
	size_t len;
	uint8_t digest[32];
	bool heap;    /* buf comes from kmalloc, sized per load */
	uint64_t va;  /* VTL0 virtual address of the first byte, from the ranges */
};

static struct kdata_slot slots[VTLP_KDATA_COUNT] = {
	[VTLP_KDATA_SYSTEM_CERTS] = { buf_sys, sizeof(buf_sys), 0, { 0 } },
	[VTLP_KDATA_REVOCATION_CERTS] = { buf_rev, sizeof(buf_rev), 0, { 0 } },
	[VTLP_KDATA_BLOCKLIST_HASHES] = { buf_block, sizeof(buf_block), 0, { 0 } },
	[VTLP_KDATA_KERNEL_INFO] = { buf_kinfo, sizeof(buf_kinfo), 0, { 0 } },
	[VTLP_KDATA_KERNEL_DATA] = { NULL, VTLP_KDATA_MAX_BIG * 64, 0, { 0 }, true, 0 },
	[VTLP_KDATA_PATCH_INFO] = { buf_patch, sizeof(buf_patch), 0, { 0 } },
	[VTLP_KDATA_KEXEC_TRAMPOLINE] = { NULL, VTLP_KDATA_MAX_BIG * 64, 0, { 0 } },
};

static struct vtlp_range *const ranges = vtlp_chain_buf;
static uint64_t slots_va_next[VTLP_KDATA_COUNT];
static uint8_t chunk[PAGE_SIZE];

void vtlp_kdata_reset(void)
{
	for (size_t i = 0; i < VTLP_KDATA_COUNT; i++) {
		slots[i].len = 0;
		slots[i].va = 0;
		memset(slots[i].digest, 0, sizeof(slots[i].digest));
		if (slots[i].heap) {
			kfree(slots[i].buf);
			slots[i].buf = NULL;
		}
	}
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

int vtlp_kdata_get(enum vtlp_kdata_type type, const uint8_t **data, size_t *len)
{
	if ((unsigned int)type >= VTLP_KDATA_COUNT)
		return -EINVAL;
	if (!slots[type].buf) {
		*data = NULL;
		*len = 0;
		return -ENODATA; /* measured only, or not loaded */
	}
	*data = slots[type].buf;
	*len = slots[type].len;
	return 0;
}

/* Check every range and the per-type totals before copying anything. */
static int check_ranges(size_t n, uint32_t *types, uint64_t *total)
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
		if (!(*types & (1u << r->attr)))
			slots_va_next[r->attr] = r->va; /* the type's first byte */
		total[r->attr] += len; /* wrap shows as total < len */
		if (total[r->attr] < len || total[r->attr] > slots[r->attr].cap) {
			log_warn("vtlp: LOAD_KDATA type %llu exceeds %zu bytes: refused",
				 (unsigned long long)r->attr, slots[r->attr].cap);
			return -E2BIG;
		}
		*types |= 1u << r->attr;
	}
	return 0;
}

static int load_ranges(size_t n, br_sha256_context *ctx)
{
	for (size_t i = 0; i < n; i++) {
		const struct vtlp_range *r = &ranges[i];
		struct kdata_slot *s = &slots[r->attr];
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

/* Called with vtlp.lock held, before end of boot. */
int64_t vtlp_load_kdata(uint64_t pa, uint64_t nranges)
{
	br_sha256_context ctx[VTLP_KDATA_COUNT];
	uint64_t total[VTLP_KDATA_COUNT] = { 0 };
	uint32_t types = 0;
	int ret;

	ret = vtlp_read_chain(pa, nranges, ranges);
	if (ret)
		return ret;
	ret = check_ranges((size_t)nranges, &types, total);
	if (ret)
		return ret;
	for (unsigned int t = 0; t < VTLP_KDATA_COUNT; t++) {
		br_sha256_init(&ctx[t]);
		if (!(types & (1u << t)))
			continue;
		slots[t].len = 0;
		slots[t].va = slots_va_next[t];
		if (slots[t].heap) {
			kfree(slots[t].buf);
			slots[t].buf = total[t] ? kmalloc((size_t)total[t]) : NULL;
			if (total[t] && !slots[t].buf) {
				log_warn("vtlp: LOAD_KDATA type %u: no VTL1 memory for %llu bytes", t,
					 (unsigned long long)total[t]);
				ret = -ENOMEM;
			}
		}
	}
	if (ret) {
		for (unsigned int t = 0; t < VTLP_KDATA_COUNT; t++)
			if ((types & (1u << t)) && slots[t].heap) {
				kfree(slots[t].buf);
				slots[t].buf = NULL;
			}
		return ret;
	}
	ret = load_ranges((size_t)nranges, ctx);
	if (!ret && (types & (1u << VTLP_KDATA_PATCH_INFO)))
		ret = vtlp_patch_load_info(slots[VTLP_KDATA_PATCH_INFO].buf,
				      slots[VTLP_KDATA_PATCH_INFO].len);
	for (unsigned int t = 0; t < VTLP_KDATA_COUNT; t++) {
		if (!(types & (1u << t)))
			continue;
		if (ret) {
			slots[t].len = 0; /* fail closed */
			slots[t].va = 0;
			if (slots[t].heap) {
				kfree(slots[t].buf);
				slots[t].buf = NULL;
			}
			continue;
		}
		br_sha256_out(&ctx[t], slots[t].digest);
		vtlp_measure_digest(VTLP_MEASURE_KDATA, t, slots[t].len, slots[t].digest);
		log_info("vtlp: LOAD_KDATA type %u: %zu bytes%s", t, slots[t].len,
			 slots[t].buf ? "" : " (measured, not kept)");
	}
	return ret;
}
