// SPDX-License-Identifier: MIT
/*
 * Range-list chains (struct heki_page, as LVBS Linux builds them in
 * heki_add_range()): page-aligned pages of {next_va, next_pa, nranges,
 * ranges[]} linked by next_pa; the call passes the first page's PA and the
 * total number of ranges over all pages.
 *
 * Everything is copied into VTL1 once and only the copy is looked at, so
 * VTL0 cannot change a range after it was checked.
 */
#include "vtl_protect/internal.h"

struct vtlp_range vtlp_chain_buf[VTLP_MAX_RANGES];

int vtlp_read_range_chain(uint64_t pa, uint64_t nranges, struct heki_range *out, size_t max)
{
	struct vtlp_range *tmp = vtlp_chain_buf;
	int ret;

	if (nranges > max)
		return -E2BIG;
	north_lock(&vtlp.lock);
	ret = vtlp_read_chain(pa, nranges, tmp);
	for (uint64_t i = 0; !ret && i < nranges; i++) {
		out[i].va = tmp[i].va;
		out[i].pa = tmp[i].pa;
		out[i].epa = tmp[i].epa;
		out[i].attributes = tmp[i].attr;
	}
	north_unlock(&vtlp.lock);
	return ret;
}

int vtlp_read_chain(uint64_t pa, uint64_t nranges, struct vtlp_range *out)
{
	static uint64_t visited[VTLP_MAX_CHAIN_PAGES];
	static struct heki_range buf[HEKI_RANGES_PER_PAGE];
	uint64_t got = 0;
	size_t npages = 0;

	if (nranges == 0 || nranges > VTLP_MAX_RANGES) {
		log_warn("vtlp: range chain at %#llx claims %llu ranges (1..%u allowed)",
			 (unsigned long long)pa, (unsigned long long)nranges,
			 VTLP_MAX_RANGES);
		return nranges ? -E2BIG : -EINVAL;
	}
	for (;;) {
		struct heki_page_hdr hdr;
		int ret;

		if (!IS_ALIGNED(pa, PAGE_SIZE)) {
			log_warn("vtlp: range page %#llx is not page aligned",
				 (unsigned long long)pa);
			return -EINVAL;
		}
		if (npages == VTLP_MAX_CHAIN_PAGES) {
			log_warn("vtlp: range chain longer than %u pages",
				 VTLP_MAX_CHAIN_PAGES);
			return -E2BIG;
		}
		for (size_t i = 0; i < npages; i++) {
			if (visited[i] == pa) {
				log_warn("vtlp: range chain loops back to page %#llx "
					 "after %zu pages", (unsigned long long)pa, npages);
				return -ELOOP;
			}
		}
		visited[npages++] = pa;
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
