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

/*
 * V3 flat page (struct heki_protect_memory, vtlp.h).  VTL0 zeroes the page
 * before filling it, so a real one has exactly `n` entries and zeros after.
 */
static int flat_copy(uint64_t pfn, uint64_t n, struct heki_protect_memory *pg, bool quiet)
{
	uint64_t top = north_vtl0_phys_end() >> PAGE_SHIFT;
	int ret;

	if (n == 0 || n > HEKI_FLAT_PER_PAGE) {
		if (!quiet)
			log_warn("vtlp: V3 PROTECT_MEMORY page at PFN %#llx claims %llu entries "
				 "(1..%zu fit a page)", (unsigned long long)pfn,
				 (unsigned long long)n, HEKI_FLAT_PER_PAGE);
		return n ? -E2BIG : -EINVAL;
	}
	if (pfn == 0 || pfn >= top) {
		if (!quiet)
			log_warn("vtlp: V3 PROTECT_MEMORY page PFN %#llx is not a VTL0 page "
				 "(VTL0 memory ends at PFN %#llx)", (unsigned long long)pfn,
				 (unsigned long long)top);
		return -EFAULT;
	}
	if (quiet && north_touches_vtl1(pfn << PAGE_SHIFT, PAGE_SIZE))
		return -EFAULT;
	ret = north_copy_in(pg, pfn << PAGE_SHIFT, PAGE_SIZE);
	if (ret && !quiet)
		log_warn("vtlp: V3 PROTECT_MEMORY page PFN %#llx cannot be read: %s",
			 (unsigned long long)pfn, errno_name(ret));
	return ret;
}

/* Entry i of a V3 page is well formed (quiet); *why says what is not. */
static bool flat_entry_ok(const struct heki_protect_memory *e, uint64_t top, const char **why)
{
	if (e->perm & ~(uint64_t)HEKI_FLAT_PERM_MASK)
		*why = "perm has bits other than R|W|X";
	else if (e->end_pfn <= e->start_pfn)
		*why = "end_pfn is not above start_pfn";
	else if (e->end_pfn > top)
		*why = "end_pfn is past the end of VTL0 memory";
	else
		return true;
	return false;
}

static struct heki_protect_memory flat_page[HEKI_FLAT_PER_PAGE + 1];

/* Shape test only (no log): could (pfn, n) be V3's flat page? */
static bool flat_shape_ok(uint64_t pfn, uint64_t n)
{
	uint64_t top = north_vtl0_phys_end() >> PAGE_SHIFT;
	const uint8_t *tail;
	const char *why;

	if (flat_copy(pfn, n, flat_page, true))
		return false;
	for (uint64_t i = 0; i < n; i++)
		if (!flat_entry_ok(&flat_page[i], top, &why))
			return false;
	/* Everything after the n entries, the 16-byte page tail included,
	 * is zero in a page V3 built. */
	tail = (const uint8_t *)&flat_page[n];
	for (size_t k = 0; k < PAGE_SIZE - n * sizeof(flat_page[0]); k++)
		if (tail[k])
			return false;
	return true;
}

/* Shape test only (no log): could (pa, n) be a heki_page chain? */
static bool chain_shape_ok(uint64_t pa, uint64_t n)
{
	struct heki_page_hdr hdr;

	if (!IS_ALIGNED(pa, PAGE_SIZE) || pa == 0 || n == 0 ||
	    pa >= north_vtl0_phys_end() || north_touches_vtl1(pa, PAGE_SIZE) ||
	    north_copy_in(&hdr, pa, sizeof(hdr)))
		return false;
	if (hdr.nranges == 0 || hdr.nranges > HEKI_RANGES_PER_PAGE || hdr.nranges > n)
		return false;
	if (hdr.nranges < n && (hdr.next_pa == 0 || !IS_ALIGNED(hdr.next_pa, PAGE_SIZE)))
		return false;
	return true;
}

int vtlp_pm_format(uint64_t rsi, uint64_t rdx)
{
	bool chain, flat;

	/*
	 * Without a memory map (V4 without vtl0-ram) RSI << 12 may be no RAM
	 * at all, and reading it on a guess is not VTL1's to risk: the
	 * address alone decides (a page-aligned RSI is a chain's PA).  V4 has
	 * no PROTECT_MEMORY sender of its own, so nothing real is lost.
	 */
	if (!north_vtl0_map_known()) {
		if (IS_ALIGNED(rsi, PAGE_SIZE))
			return VTLP_PM_CHAIN;
		log_warn("vtlp: PROTECT_MEMORY(%#llx, %llu): not a page-aligned chain PA, and a "
			 "V3 page (RSI = PFN) is read only where VTL0's memory map is known (a "
			 "V2/V3 boot, or vtl0-ram in the policy): refused",
			 (unsigned long long)rsi, (unsigned long long)rdx);
		return -EINVAL;
	}
	chain = chain_shape_ok(rsi, rdx);
	flat = flat_shape_ok(rsi, rdx);

	if (chain && flat) {
		log_warn("vtlp: PROTECT_MEMORY(%#llx, %llu) reads both as a heki_page chain at "
			 "PA %#llx and as a V3 page at PFN %#llx: ambiguous, refused; send one "
			 "format unmistakably (docs/compatibility.md)", (unsigned long long)rsi,
			 (unsigned long long)rdx, (unsigned long long)rsi,
			 (unsigned long long)rsi);
		return -EINVAL;
	}
	if (flat)
		return VTLP_PM_FLAT;
	if (chain)
		return VTLP_PM_CHAIN;
	/* Neither: the full parser of the likelier reading says why.  Only a
	 * PFN can be unaligned as a PA. */
	return IS_ALIGNED(rsi, PAGE_SIZE) ? VTLP_PM_CHAIN : VTLP_PM_FLAT;
}

int vtlp_read_flat(uint64_t pfn, uint64_t n, struct vtlp_range **out)
{
	uint64_t top = north_vtl0_phys_end() >> PAGE_SHIFT;
	struct vtlp_range *r;
	void *mem;
	int ret;

	*out = NULL;
	ret = flat_copy(pfn, n, flat_page, false);
	if (ret)
		return ret;
	ret = vtlp_table_alloc(&mem, (size_t)n, sizeof(*r), "V3 range copy");
	if (ret)
		return ret;
	r = mem;
	for (uint64_t i = 0; i < n; i++) {
		const struct heki_protect_memory *e = &flat_page[i];
		const char *why = "";

		if (!flat_entry_ok(e, top, &why)) {
			log_warn("vtlp: V3 PROTECT_MEMORY entry %llu {start_pfn %#llx, end_pfn "
				 "%#llx, perm %#llx}: %s: refused", (unsigned long long)i,
				 (unsigned long long)e->start_pfn, (unsigned long long)e->end_pfn,
				 (unsigned long long)e->perm, why);
			kfree(r);
			return -EINVAL;
		}
		r[i].va = 0;
		r[i].pa = e->start_pfn << PAGE_SHIFT;
		r[i].epa = e->end_pfn << PAGE_SHIFT;
		r[i].attr = e->perm;
	}
	*out = r;
	return 0;
}
