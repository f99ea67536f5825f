/* SPDX-License-Identifier: MIT */
/*
 * Physical page allocator over the RAM an image owns.  Each region keeps a
 * bitmap (one bit per 4 KiB page) at its own start, so the allocator needs no
 * memory of its own and every page it hands out is known to lie inside a
 * region it was given — that is what lets VTL1 prove a page is its own.
 */
#ifndef CORE_PAGE_ALLOC_H
#define CORE_PAGE_ALLOC_H

#include <stddef.h>
#include <stdint.h>

#define PAGE_ALLOC_MAX_REGIONS 8

/* Hand [pa, pa+bytes) mapped at va to the allocator. Returns 0 or -errno. */
int page_alloc_add_range(void *va, uint64_t pa, size_t bytes);
void *page_alloc(void);                 /* one zeroed page or NULL */
void *page_alloc_contig(size_t npages); /* zeroed, physically contiguous */
void page_free(void *va);
/*
 * Take the fixed physical range [pa, pa + npages pages) out of the
 * allocator for good (a hypervisor's guest RAM).  All of it must lie in one
 * region and be free.  Returns its zeroed mapping, or NULL (nothing taken).
 */
void *page_alloc_claim(uint64_t pa, size_t npages);
void page_free_contig(void *va, size_t npages);
/* Physical address of an allocator page, or ~0 if va is not one. */
uint64_t page_alloc_virt_to_phys(const void *va);
void *page_alloc_phys_to_virt(uint64_t pa); /* NULL if not an allocator page */
size_t page_alloc_free_pages(void);
size_t page_alloc_total_pages(void);
void page_alloc_reset(void); /* host tests only: forget every region */

#endif
