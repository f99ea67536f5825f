// SPDX-License-Identifier: MIT
#include <stdbool.h>
#include <string.h>
#include "core/compiler.h"
#include "core/errno.h"
#include "core/log.h"
#include "core/page_alloc.h"
#include "core/spinlock.h"

struct region {
	uintptr_t va;     /* first usable page */
	uint64_t pa;
	size_t npages;    /* usable pages after the bitmap */
	size_t nfree;
	uint64_t *bitmap; /* 1 = allocated */
};

static struct region regions[PAGE_ALLOC_MAX_REGIONS];
static unsigned nregions;
static struct spinlock lock = SPINLOCK_INIT;

static bool bit_test(const uint64_t *bm, size_t i) { return bm[i / 64] >> (i % 64) & 1; }
static void bit_set(uint64_t *bm, size_t i) { bm[i / 64] |= 1ULL << (i % 64); }
static void bit_clear(uint64_t *bm, size_t i) { bm[i / 64] &= ~(1ULL << (i % 64)); }

int page_alloc_add_range(void *va, uint64_t pa, size_t bytes)
{
	uintptr_t v = (uintptr_t)va;
	size_t pages, bm_pages;
	struct region *r;

	if (!IS_ALIGNED(v, PAGE_SIZE) || !IS_ALIGNED(pa, PAGE_SIZE))
		return -EINVAL;
	pages = bytes / PAGE_SIZE;
	/* Each bitmap page covers 32768 pages; find the split that fits. */
	bm_pages = (pages + 8 * PAGE_SIZE) / (8 * PAGE_SIZE + 1);
	if (bm_pages == 0)
		bm_pages = 1;
	if (pages <= bm_pages)
		return -EINVAL;
	spin_lock(&lock);
	if (nregions == PAGE_ALLOC_MAX_REGIONS) {
		spin_unlock(&lock);
		return -ENOSPC;
	}
	r = &regions[nregions];
	r->bitmap = va;
	r->va = v + bm_pages * PAGE_SIZE;
	r->pa = pa + bm_pages * PAGE_SIZE;
	r->npages = pages - bm_pages;
	r->nfree = r->npages;
	memset(r->bitmap, 0, bm_pages * PAGE_SIZE);
	nregions++;
	spin_unlock(&lock);
	return 0;
}

/* Find n free consecutive pages in r; returns the index or SIZE_MAX. */
static size_t find_run(const struct region *r, size_t n)
{
	size_t run = 0;

	for (size_t i = 0; i < r->npages; i++) {
		if (bit_test(r->bitmap, i)) {
			run = 0;
			continue;
		}
		if (++run == n)
			return i + 1 - n;
	}
	return SIZE_MAX;
}

void *page_alloc_contig(size_t npages)
{
	void *p = NULL;

	if (npages == 0)
		return NULL;
	spin_lock(&lock);
	for (unsigned k = 0; k < nregions && !p; k++) {
		struct region *r = &regions[k];
		size_t i;

		if (r->nfree < npages)
			continue;
		i = find_run(r, npages);
		if (i == SIZE_MAX)
			continue;
		for (size_t j = 0; j < npages; j++)
			bit_set(r->bitmap, i + j);
		r->nfree -= npages;
		p = (void *)(r->va + i * PAGE_SIZE);
	}
	spin_unlock(&lock);
	if (p)
		memset(p, 0, npages * PAGE_SIZE);
	return p;
}

void *page_alloc_claim(uint64_t pa, size_t npages)
{
	void *p = NULL;

	if (npages == 0 || !IS_ALIGNED(pa, PAGE_SIZE))
		return NULL;
	spin_lock(&lock);
	for (unsigned k = 0; k < nregions; k++) {
		struct region *r = &regions[k];
		size_t i;
		bool avail = true;

		if (pa < r->pa)
			continue;
		i = (size_t)((pa - r->pa) / PAGE_SIZE);
		if (i >= r->npages || npages > r->npages - i)
			continue;
		for (size_t j = 0; j < npages && avail; j++)
			avail = !bit_test(r->bitmap, i + j);
		if (!avail)
			break;
		for (size_t j = 0; j < npages; j++)
			bit_set(r->bitmap, i + j);
		r->nfree -= npages;
		p = (void *)(r->va + i * PAGE_SIZE);
		break;
	}
	spin_unlock(&lock);
	if (p)
		memset(p, 0, npages * PAGE_SIZE);
	return p;
}

void *page_alloc(void)
{
	return page_alloc_contig(1);
}

static struct region *region_of(uintptr_t v)
{
	for (unsigned k = 0; k < nregions; k++) {
		struct region *r = &regions[k];

		if (v >= r->va && v - r->va < r->npages * PAGE_SIZE)
			return r;
	}
	return NULL;
}

void page_free_contig(void *va, size_t npages)
{
	uintptr_t v = (uintptr_t)va;
	struct region *r;

	if (!va)
		return;
	spin_lock(&lock);
	r = region_of(v);
	if (!r || !IS_ALIGNED(v, PAGE_SIZE) ||
	    (v - r->va) / PAGE_SIZE + npages > r->npages) {
		spin_unlock(&lock);
		log_error("page_free: %p (+%zu pages) is not an allocator page", va, npages);
		return;
	}
	for (size_t j = 0, i = (v - r->va) / PAGE_SIZE; j < npages; j++) {
		if (!bit_test(r->bitmap, i + j)) {
			log_error("page_free: double free of page %p", (void *)(v + j * PAGE_SIZE));
			continue;
		}
		bit_clear(r->bitmap, i + j);
		r->nfree++;
	}
	spin_unlock(&lock);
}

void page_free(void *va)
{
	page_free_contig(va, 1);
}

uint64_t page_alloc_virt_to_phys(const void *va)
{
	uintptr_t v = (uintptr_t)va;
	const struct region *r = region_of(v);

	return r ? r->pa + (v - r->va) : ~0ULL;
}

void *page_alloc_phys_to_virt(uint64_t pa)
{
	for (unsigned k = 0; k < nregions; k++) {
		const struct region *r = &regions[k];

		if (pa >= r->pa && pa - r->pa < r->npages * PAGE_SIZE)
			return (void *)(r->va + (pa - r->pa));
	}
	return NULL;
}

size_t page_alloc_free_pages(void)
{
	size_t n = 0;

	for (unsigned k = 0; k < nregions; k++)
		n += regions[k].nfree;
	return n;
}

size_t page_alloc_total_pages(void)
{
	size_t n = 0;

	for (unsigned k = 0; k < nregions; k++)
		n += regions[k].npages;
	return n;
}

void page_alloc_reset(void)
{
	nregions = 0;
	memset(regions, 0, sizeof(regions));
}
