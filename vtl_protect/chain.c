// SPDX-License-Identifier: MIT
/*
 * Range-list chains (struct heki_page, as LVBS Linux builds them in
 * heki_add_range()): page-aligned pages of {next_va, next_pa, nranges,
 * ranges[]} linked by next_pa; the call passes the first page's PA and the
 * total number of ranges over all pages.
 *
 * Everything is copied into VTL1 once and only the copy is looked at, so
 * VTL0 cannot change a range after it was checked.  The copy lives on the
 * VTL1 heap, sized to the call (a distribution kernel's PROTECT_MEMORY sends
 * its whole direct map page by page), within the per-table budget of
 * vtlp_table_alloc().
 */
#include <string.h>

#include "core/kmalloc.h"
#include "core/page_alloc.h"

#include "vtl_protect/internal.h"

int vtlp_table_alloc(void **out, size_t n, size_t size, const char *what)
{
	size_t budget = page_alloc_total_pages() / VTLP_TABLE_SHARE * PAGE_SIZE;

	*out = NULL;
	if (n == 0)
		return 0;
	if (n > SIZE_MAX / size || n * size > budget) {
		log_warn("vtlp: %s needs %zu entries of %zu bytes, more than 1/%u of VTL1's "
			 "heap (%zu bytes): refused; give VTL1 more memory", what, n, size,
			 VTLP_TABLE_SHARE, budget);
		return -E2BIG;
	}
	*out = kmalloc(n * size);
	if (!*out) {
		log_warn("vtlp: %s: no VTL1 memory for %zu bytes: refused", what, n * size);
		return -ENOMEM;
	}
	return 0;
}

int vtlp_read_range_chain(uint64_t pa, uint64_t nranges, struct heki_range *out, size_t max)
{
	struct vtlp_range *tmp = NULL;
	int ret;

	if (nranges > max)
		return -E2BIG;
	north_lock(&vtlp.lock);
	ret = vtlp_read_chain(pa, nranges, &tmp);
	for (uint64_t i = 0; !ret && i < nranges; i++) {
		out[i].va = tmp[i].va;
		out[i].pa = tmp[i].pa;
		out[i].epa = tmp[i].epa;
		out[i].attributes = tmp[i].attr;
	}
	north_unlock(&vtlp.lock);
	kfree(tmp);
	return ret;
}

/*
 * Pages seen in this chain, as an open-addressing set (twice the page cap,
 * so it never fills): loop detection in O(1) per page, whatever the length.
 */
#define SEEN_SLOTS (2 * VTLP_MAX_CHAIN_PAGES)
static uint64_t seen[SEEN_SLOTS];

/* True when pa was already in the set; adds it otherwise.  pa != 0. */
static bool seen_add(uint64_t pa)
{
	size_t h = (size_t)((pa >> PAGE_SHIFT) * 0x9E3779B97F4A7C15ull) % SEEN_SLOTS;

	while (seen[h]) {
		if (seen[h] == pa)
			return true;
		h = (h + 1) % SEEN_SLOTS;
	}
	seen[h] = pa;
	return false;
}

static int read_pages(uint64_t pa, uint64_t nranges, struct vtlp_range *out)
{
	static struct heki_range buf[HEKI_RANGES_PER_PAGE];
	uint64_t got = 0;
	size_t npages = 0;

	memset(seen, 0, sizeof(seen));
	for (;;) {
		struct heki_page_hdr hdr;
		int ret;

		if (!IS_ALIGNED(pa, PAGE_SIZE) || pa == 0) {
			log_warn("vtlp: range page %#llx is not a page-aligned, non-zero PA",
				 (unsigned long long)pa);
			return -EINVAL;
		}
		if (npages == VTLP_MAX_CHAIN_PAGES) {
			log_warn("vtlp: range chain longer than %u pages",
				 VTLP_MAX_CHAIN_PAGES);
			return -E2BIG;
		}
		if (seen_add(pa)) {
			log_warn("vtlp: range chain loops back to page %#llx after %zu pages",
				 (unsigned long long)pa, npages);
			return -ELOOP;
		}
		npages++;
		ret = north_check_range(pa, PAGE_SIZE);
		if (ret)
			return ret;
		ret = north_copy_in(&hdr, pa, sizeof(hdr));
		if (ret)
			return ret;
		if (hdr.nranges == 0 || hdr.nranges > HEKI_RANGES_PER_PAGE ||
		    hdr.nranges > nranges - got) {
			log_warn("vtlp: range page %#llx holds %llu ranges (1..%zu, %llu "
				 "left of %llu)", (unsigned long long)pa,
				 (unsigned long long)hdr.nranges, HEKI_RANGES_PER_PAGE,
				 (unsigned long long)(nranges - got),
				 (unsigned long long)nranges);
			return -EINVAL;
		}
		ret = north_copy_in(buf, pa + sizeof(hdr), hdr.nranges * sizeof(buf[0]));
		if (ret)
			return ret;
		for (uint64_t i = 0; i < hdr.nranges; i++) {
			out[got + i].va = buf[i].va;
			out[got + i].pa = buf[i].pa;
			out[got + i].epa = buf[i].epa;
			out[got + i].attr = buf[i].attributes;
		}
		got += hdr.nranges;
		if (got == nranges)
			return 0;
		if (hdr.next_pa == 0) {
			log_warn("vtlp: range chain ends after %llu of %llu ranges",
				 (unsigned long long)got, (unsigned long long)nranges);
			return -EINVAL;
		}
		pa = hdr.next_pa;
	}
}

int vtlp_read_chain(uint64_t pa, uint64_t nranges, struct vtlp_range **out)
{
	struct vtlp_range *r;
	void *mem;
	int ret;

	*out = NULL;
	if (nranges == 0 || nranges > VTLP_MAX_RANGES) {
		log_warn("vtlp: range chain at %#llx claims %llu ranges (1..%u allowed)",
			 (unsigned long long)pa, (unsigned long long)nranges,
			 VTLP_MAX_RANGES);
		return nranges ? -E2BIG : -EINVAL;
	}
	ret = vtlp_table_alloc(&mem, (size_t)nranges, sizeof(*r), "range chain copy");
	if (ret)
		return ret;
	r = mem;
	ret = read_pages(pa, nranges, r);
	if (ret) {
		kfree(r);
		return ret;
	}
	*out = r;
	return 0;
}
