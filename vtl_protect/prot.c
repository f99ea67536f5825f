// SPDX-License-Identifier: MIT
/*
 * The protection table: every VTL0 extent VTL1 has restricted, with the
 * attributes VTL0 asked for.  It is what makes IMMUTABLE enforceable, what a
 * memory intercept is judged against, and what stops VTL1 from writing into
 * protected memory on VTL0's behalf.
 *
 * Changes are all-or-nothing: every range is checked and the new table is
 * built in a scratch copy before the South is asked to change anything.
 * Callers hold vtlp.lock.
 */
#include <string.h>

#include "core/kmalloc.h"

#include "vtl_protect/internal.h"

/*
 * The table and the per-call work arrays come from the VTL1 heap, sized to
 * the call.  vtlp_init() runs once per boot; it drops the table without
 * freeing it (in host tests the allocator itself has been reset by then).
 */
void vtlp_prot_reset(void)
{
	vtlp.nprots = 0;
	vtlp.prots = NULL;
}

__fastpath
const struct vtlp_prot *vtlp_prot_find(uint64_t gpa)
{
	size_t lo = 0, hi = vtlp.nprots;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		const struct vtlp_prot *p = &vtlp.prots[mid];

		if (gpa < p->start)
			hi = mid;
		else if (gpa >= p->end)
			lo = mid + 1;
		else
			return p;
	}
	return NULL;
}

bool vtlp_prot_overlaps(uint64_t start, uint64_t end)
{
	for (size_t i = 0; i < vtlp.nprots; i++)
		if (start < vtlp.prots[i].end && end > vtlp.prots[i].start)
			return true;
	return false;
}

uint64_t vtlp_max_request_pages(void)
{
	return north_vtl0_phys_end() >> PAGE_SHIFT;
}

static uint32_t attr_to_perms(uint32_t attr)
{
	uint32_t p = 0;

	if (attr & HEKI_ATTR_MEM_R)
		p |= NORTH_PERM_R;
	if (attr & HEKI_ATTR_MEM_W)
		p |= NORTH_PERM_W;
	if (attr & HEKI_ATTR_MEM_X)
		p |= NORTH_PERM_X;
	return p;
}

/*
 * -EACCES: well formed but refused by policy (the caller skips it alone).
 * *wx is set when a kernel range asked for W+X and is granted as R|W (NX).
 */
static int check_one(const struct vtlp_range *r, uint32_t owner, bool force, bool *wx)
{
	uint64_t attr = r->attr;
	int ret;

	if (attr & ~(uint64_t)HEKI_ATTR_MEM_MASK) {
		log_warn("vtlp: range [%#llx, %#llx) has unknown attribute bits %#llx",
			 (unsigned long long)r->pa, (unsigned long long)r->epa,
			 (unsigned long long)attr);
		return -EINVAL;
	}
	if (!IS_ALIGNED(r->pa, PAGE_SIZE) || !IS_ALIGNED(r->epa, PAGE_SIZE) ||
	    r->pa > r->epa) {
		log_warn("vtlp: range [%#llx, %#llx) is not page aligned or inverted",
			 (unsigned long long)r->pa, (unsigned long long)r->epa);
		return -EINVAL;
	}
	if ((attr & (HEKI_ATTR_MEM_W | HEKI_ATTR_MEM_X)) && !(attr & HEKI_ATTR_MEM_R)) {
		log_warn("vtlp: range [%#llx, %#llx) asks for W or X without R "
			 "(attr %#llx): not a valid VTL protection",
			 (unsigned long long)r->pa, (unsigned long long)r->epa,
			 (unsigned long long)attr);
		return -EINVAL;
	}
	*wx = false;
	if (!force && owner == VTLP_OWNER_KERNEL && (attr & HEKI_ATTR_MEM_W) &&
	    (attr & HEKI_ATTR_MEM_X)) {
		/*
		 * LVBS sends the OR of every mapping of a page, so direct-map
		 * pages that are also text or a writable alias arrive as R|W|X.
		 * W^X holds by granting such a page R|W without X: VTL0 keeps
		 * writing it, never executes it through VTL1's grant.
		 */
		*wx = true;
	} else if (!force && (attr & HEKI_ATTR_MEM_W) && (attr & HEKI_ATTR_MEM_X)) {
		log_warn("vtlp: W^X: range [%#llx, %#llx) asks for write+execute: refused",
			 (unsigned long long)r->pa, (unsigned long long)r->epa);
		return -EACCES;
	}
	ret = north_check_range(r->pa, r->epa - r->pa);
	if (ret)
		return ret;
	if (r->epa > north_vtl0_phys_end()) {
		log_warn("vtlp: range [%#llx, %#llx) runs past the end of VTL0 memory (%#llx): "
			 "refused", (unsigned long long)r->pa, (unsigned long long)r->epa,
			 (unsigned long long)north_vtl0_phys_end());
		return -EFAULT;
	}
	if (owner != VTLP_OWNER_RING && vtlp_ring_contains(r->pa, r->epa - r->pa)) {
		log_warn("vtlp: range [%#llx, %#llx) overlaps the log ring: refused",
			 (unsigned long long)r->pa, (unsigned long long)r->epa);
		return -EACCES;
	}
	return 0;
}

/* Shell sort by start address; n is small and this needs no allocator. */
static void sort_prots(struct vtlp_prot *a, size_t n)
{
	for (size_t gap = n / 2; gap; gap /= 2) {
		for (size_t i = gap; i < n; i++) {
			struct vtlp_prot t = a[i];
			size_t j = i;

			for (; j >= gap && a[j - gap].start > t.start; j -= gap)
				a[j] = a[j - gap];
			a[j] = t;
		}
	}
}

static int push(struct vtlp_prot *out, size_t *n, size_t cap, const struct vtlp_prot *p)
{
	if (*n && out[*n - 1].end == p->start && out[*n - 1].attr == p->attr &&
	    out[*n - 1].owner == p->owner) {
		out[*n - 1].end = p->end;
		return 0;
	}
	if (*n == cap)
		return -ENOSPC;
	out[(*n)++] = *p;
	return 0;
}

#define REFUSED 0xFFFFFFFFu /* owner marker for ranges policy refused */

/* First extent that ends after `start` (extents are sorted and disjoint). */
static size_t first_after(uint64_t start)
{
	size_t lo = 0, hi = vtlp.nprots;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (vtlp.prots[mid].end <= start)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* Would applying `p` change an IMMUTABLE extent? */
static bool relaxes_immutable(const struct vtlp_prot *p)
{
	for (size_t i = first_after(p->start); i < vtlp.nprots && vtlp.prots[i].start < p->end;
	     i++) {
		const struct vtlp_prot *e = &vtlp.prots[i];

		if ((e->attr & HEKI_ATTR_MEM_IMMUTABLE) &&
		    (p->attr != e->attr || p->owner != e->owner)) {
			log_warn("vtlp: [%#llx, %#llx) is IMMUTABLE (attr %#x): change to %#x "
				 "refused", (unsigned long long)e->start,
				 (unsigned long long)e->end, e->attr, p->attr);
			return true;
		}
	}
	return false;
}

/* The heap arrays one apply works in; freed by work_free(). */
struct prot_work {
	struct vtlp_prot *sorted;  /* the request's ranges, sorted */
	struct vtlp_prot *pieces;  /* existing extents minus the request */
	struct vtlp_prot *out;     /* the new table */
	struct north_prot_range *apply;
	size_t cap_out;
};

static void work_free(struct prot_work *w)
{
	kfree(w->sorted);
	kfree(w->pieces);
	kfree(w->out);
	kfree(w->apply);
}

static int work_alloc(struct prot_work *w, size_t n)
{
	void *a, *b, *c, *d;
	int ret;

	memset(w, 0, sizeof(*w));
	/* Each new range splits at most one extent in two: pieces <= old + n,
	 * and the merged table <= pieces + n. */
	w->cap_out = vtlp.nprots + 2 * n;
	if (w->cap_out > VTLP_MAX_PROTS)
		w->cap_out = VTLP_MAX_PROTS;
	ret = vtlp_table_alloc(&a, n, sizeof(struct vtlp_prot), "protection request");
	if (!ret)
		ret = vtlp_table_alloc(&b, vtlp.nprots + n, sizeof(struct vtlp_prot),
				       "protection pieces");
	else
		b = NULL;
	if (!ret)
		ret = vtlp_table_alloc(&c, w->cap_out, sizeof(struct vtlp_prot),
				       "protection table");
	else
		c = NULL;
	if (!ret)
		ret = vtlp_table_alloc(&d, n, sizeof(struct north_prot_range), "protection batch");
	else
		d = NULL;
	w->sorted = a;
	w->pieces = b;
	w->out = c;
	w->apply = d;
	if (ret)
		work_free(w);
	return ret;
}

int vtlp_prot_apply(const struct vtlp_range *r, size_t n, uint32_t owner, bool force)
{
	struct prot_work w;
	struct vtlp_prot *sorted, *pieces;
	size_t ns = 0, np = 0, nout = 0, j = 0, i, k, nwx = 0;
	uint64_t pages = 0;
	int ret, refused = 0;
	/* The ranges of one request are disjoint (checked below), so they can
	 * name at most every page of VTL0 memory: a real kernel's direct map
	 * is all of it, however large the guest. */
	const uint64_t max_pages = vtlp_max_request_pages();

	if (n > VTLP_MAX_RANGES)
		return -E2BIG;
	ret = work_alloc(&w, n);
	if (ret)
		return ret;
	sorted = w.sorted;
	pieces = w.pieces;
	/*
	 * Malformed input (bad alignment, VTL1 overlap, ...) refuses the whole
	 * request.  A well-formed range that policy refuses (relaxing
	 * IMMUTABLE, the log ring) is skipped alone and the call returns
	 * -EACCES: one bad page must not leave the rest of the kernel open.
	 */
	for (i = 0; i < n; i++) {
		bool wx;

		ret = check_one(&r[i], owner, force, &wx);
		if (ret && ret != -EACCES)
			goto out;
		if (r[i].pa == r[i].epa)
			continue; /* empty: nothing to do */
		/* Bound the work one request can make VTL1 do under the lock. */
		pages += (r[i].epa - r[i].pa) >> PAGE_SHIFT;
		if (pages > max_pages) {
			log_warn("vtlp: request changes more than %llu pages, the whole of VTL0 "
				 "memory: refused", (unsigned long long)max_pages);
			ret = -E2BIG;
			goto out;
		}
		sorted[ns].start = r[i].pa;
		sorted[ns].end = r[i].epa;
		sorted[ns].attr = (uint32_t)r[i].attr;
		if (wx) {
			sorted[ns].attr &= ~HEKI_ATTR_MEM_X;
			nwx++;
		}
		sorted[ns].owner = ret ? REFUSED : owner;
		ns++;
	}
	if (nwx)
		log_warn("vtlp: W^X: %zu range(s) asked for write+execute; granted as R|W "
			 "without execute", nwx);
	sort_prots(sorted, ns);
	for (i = 1; i < ns; i++) {
		if (sorted[i].start < sorted[i - 1].end) {
			log_warn("vtlp: ranges [%#llx, %#llx) and [%#llx, %#llx) of one "
				 "request overlap: refused",
				 (unsigned long long)sorted[i - 1].start,
				 (unsigned long long)sorted[i - 1].end,
				 (unsigned long long)sorted[i].start,
				 (unsigned long long)sorted[i].end);
			ret = -EINVAL;
			goto out;
		}
	}
	for (i = 0, k = 0; i < ns; i++) {
		if (sorted[i].owner == REFUSED || (!force && relaxes_immutable(&sorted[i]))) {
			refused++;
			continue;
		}
		sorted[k++] = sorted[i];
	}
	ns = k;

	/* Existing extents minus the new ranges. */
	for (i = 0; i < vtlp.nprots; i++) {
		const struct vtlp_prot *e = &vtlp.prots[i];
		uint64_t cur = e->start;

		while (j < ns && sorted[j].end <= e->start)
			j++;
		for (k = j; k < ns && sorted[k].start < e->end; k++) {
			if ((e->attr & HEKI_ATTR_MEM_IMMUTABLE) && !force &&
			    (sorted[k].attr != e->attr || sorted[k].owner != e->owner)) {
				log_warn("vtlp: [%#llx, %#llx) is IMMUTABLE (attr %#x): "
					 "change to %#x refused",
					 (unsigned long long)e->start,
					 (unsigned long long)e->end, e->attr,
					 sorted[k].attr);
				ret = -EACCES;
				goto out;
			}
			if (sorted[k].start > cur) {
				pieces[np] = *e;
				pieces[np].start = cur;
				pieces[np].end = sorted[k].start;
				np++;
			}
			if (sorted[k].end > cur)
				cur = sorted[k].end;
		}
		if (cur < e->end) {
			pieces[np] = *e;
			pieces[np].start = cur;
			np++;
		}
	}

	/* Merge leftovers and new ranges (disjoint, both sorted). */
	for (i = 0, k = 0; i < np || k < ns;) {
		const struct vtlp_prot *p;

		if (k == ns || (i < np && pieces[i].start < sorted[k].start))
			p = &pieces[i++];
		else
			p = &sorted[k++];
		if (push(w.out, &nout, w.cap_out, p)) {
			log_error("vtlp: protection table full (%u extents): refused",
				  VTLP_MAX_PROTS);
			ret = -ENOSPC;
			goto out;
		}
	}

	for (i = 0; i < ns; i++) {
		w.apply[i].pa = sorted[i].start;
		w.apply[i].len = sorted[i].end - sorted[i].start;
		w.apply[i].perms = attr_to_perms(sorted[i].attr);
		/* The log ring is data VTL1 writes: nothing may execute it. */
		if (sorted[i].owner == VTLP_OWNER_RING)
			w.apply[i].perms |= NORTH_PERM_NO_UX;
	}
	ret = north_protect_many(w.apply, ns);
	if (ret) {
		/* Some batches may have landed: the table keeps the older,
		 * weaker view, so nothing is ever believed stronger than it is. */
		log_error("vtlp: applying %zu ranges failed: %s", ns, errno_name(ret));
		goto out;
	}
	/* The new table replaces the old one (swap, so work_free frees the old). */
	{
		struct vtlp_prot *old = vtlp.prots;

		vtlp.prots = w.out;
		vtlp.nprots = nout;
		w.out = old;
	}
	ret = refused ? -EACCES : 0;
out:
	work_free(&w);
	return ret;
}
