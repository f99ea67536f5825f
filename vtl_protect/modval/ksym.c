// SPDX-License-Identifier: MIT
/* Kernel exported-symbol lookup (see ksym.h).  All of it is VTL0 data. */
#include <string.h>

#include "core/errno.h"
#include "vtl_protect/modval/ksym.h"

static uint64_t rd64(const uint8_t *p)
{
	uint64_t v = 0;

	for (int i = 7; i >= 0; i--)
		v = v << 8 | p[i];
	return v;
}

static int32_t rd32s(const uint8_t *p)
{
	return (int32_t)((uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
			 (uint32_t)p[3] << 24);
}

int modval_ksyms_init(struct modval_ksyms *k, const uint8_t *kinfo, size_t kinfo_len,
		      const uint8_t *kdata, size_t kdata_len, uint64_t kdata_va,
		      const char **why)
{
	memset(k, 0, sizeof(*k));
	if (kinfo_len < 32 || !kdata || kdata_len == 0 || kdata_va + kdata_len < kdata_va) {
		*why = "KernelInfo or KernelData missing or malformed";
		return -EINVAL;
	}
	for (int t = 0; t < 2; t++) {
		uint64_t s = rd64(kinfo + 16 * t), e = rd64(kinfo + 16 * t + 8);

		if (s > e || (e - s) % MODVAL_KSYM_ENTRY || (e - s) / MODVAL_KSYM_ENTRY > MODVAL_KSYM_MAX ||
		    s < kdata_va || e - kdata_va > kdata_len) {
			*why = "ksymtab bounds lie outside KernelData";
			return -EINVAL;
		}
		k->start[t] = s;
		k->end[t] = e;
	}
	k->data = kdata;
	k->len = kdata_len;
	k->va = kdata_va;
	return 0;
}

int modval_ksyms_init_table(struct modval_ksyms *k, const uint8_t *data, size_t len, uint64_t va,
			    const uint64_t start[2], const uint64_t end[2], const char **why)
{
	memset(k, 0, sizeof(*k));
	if (!data || !len || va + len < va) {
		*why = "export table bytes missing";
		return -EINVAL;
	}
	for (int t = 0; t < 2; t++) {
		uint64_t s = start[t], e = end[t];

		if (s == e) {
			k->start[t] = k->end[t] = va; /* empty */
			continue;
		}
		if (s > e || (e - s) % MODVAL_KSYM_ENTRY || (e - s) / MODVAL_KSYM_ENTRY > MODVAL_KSYM_MAX ||
		    s < va || e - va > len) {
			*why = "export table outside the bytes given";
			return -EINVAL;
		}
		k->start[t] = s;
		k->end[t] = e;
	}
	k->data = data;
	k->len = len;
	k->va = va;
	return 0;
}

/* NUL-terminated name at VTL0 address va inside KernelData, or NULL. */
static const char *name_at(const struct modval_ksyms *k, uint64_t va)
{
	size_t off, n;

	if (va < k->va || va - k->va >= k->len)
		return NULL;
	off = va - k->va;
	n = k->len - off < MODVAL_KSYM_NAME ? k->len - off : MODVAL_KSYM_NAME;
	return memchr(k->data + off, 0, n) ? (const char *)k->data + off : NULL;
}

int modval_ksyms_resolve(void *ctx, const char *name, uint64_t *addr)
{
	const struct modval_ksyms *k = ctx;

	if (!k || !k->data)
		return -ENOENT;
	for (int t = 0; t < 2; t++) {
		size_t lo = 0, hi = (k->end[t] - k->start[t]) / MODVAL_KSYM_ENTRY;

		while (lo < hi) {
			size_t mid = lo + (hi - lo) / 2;
			uint64_t e = k->start[t] + mid * MODVAL_KSYM_ENTRY;
			const uint8_t *p = k->data + (e - k->va);
			const char *n = name_at(k, e + 4 + (uint64_t)(int64_t)rd32s(p + 4));
			int c;

			if (!n)
				return -ENOENT;    /* corrupt table: fail closed */
			c = strcmp(name, n);
			if (c == 0) {
				*addr = e + (uint64_t)(int64_t)rd32s(p);
				return 0;
			}
			if (c < 0)
				hi = mid;
			else
				lo = mid + 1;
		}
	}
	return -ENOENT;
}

int modval_ksyms_entry(const struct modval_ksyms *k, int t, size_t i, const char **name,
		       uint64_t *addr)
{
	uint64_t e;
	const uint8_t *p;

	if (!k->data || t < 0 || t > 1 || i >= (k->end[t] - k->start[t]) / MODVAL_KSYM_ENTRY)
		return -ENOENT;
	e = k->start[t] + i * MODVAL_KSYM_ENTRY;
	p = k->data + (e - k->va);
	*name = name_at(k, e + 4 + (uint64_t)(int64_t)rd32s(p + 4));
	*addr = e + (uint64_t)(int64_t)rd32s(p);
	return *name ? 0 : -ENOENT;
}
