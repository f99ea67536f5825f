// SPDX-License-Identifier: MIT
#include <stdint.h>
#include <stdlib.h>
#include "core/compiler.h"
#include "core/errno.h"
#include "core/kmalloc.h"
#include "core/page_alloc.h"
#include "tests/unit/unit.h"

static void *arena(size_t pages)
{
	void *p = aligned_alloc(PAGE_SIZE, pages * PAGE_SIZE);

	memset(p, 0x5A, pages * PAGE_SIZE);
	return p;
}

TEST(core_page_alloc_basic)
{
	void *mem = arena(64);
	void *pages[64];
	size_t total, n = 0;

	page_alloc_reset();
	CHECK_EQ_INT(page_alloc_add_range(mem, 0x100000, 64 * PAGE_SIZE), 0);
	total = page_alloc_total_pages();
	CHECK_EQ(total, 63); /* one page for the bitmap */
	while (n < 64 && (pages[n] = page_alloc()) != NULL) {
		CHECK_EQ(*(unsigned char *)pages[n], 0); /* zeroed */
		CHECK_EQ(page_alloc_virt_to_phys(pages[n]),
			 0x100000 + ((uintptr_t)pages[n] - (uintptr_t)mem));
		CHECK(page_alloc_phys_to_virt(page_alloc_virt_to_phys(pages[n])) == pages[n]);
		n++;
	}
	CHECK_EQ(n, total);
	CHECK_EQ(page_alloc_free_pages(), 0);
	for (size_t i = 0; i < n; i++)
		page_free(pages[i]);
	CHECK_EQ(page_alloc_free_pages(), total);
	CHECK_EQ(page_alloc_virt_to_phys(mem), ~0ULL); /* bitmap page is not handed out */
	page_alloc_reset();
	free(mem);
}

TEST(core_page_alloc_claim)
{
	void *mem = arena(64);
	void *a, *c;
	size_t total;

	page_alloc_reset();
	CHECK_EQ_INT(page_alloc_add_range(mem, 0x100000, 64 * PAGE_SIZE), 0);
	total = page_alloc_free_pages(); /* 63: page 0 holds the bitmap */
	/* pages 8..23 of the region (PA 0x109000..): zeroed, taken for good */
	c = page_alloc_claim(0x109000, 16);
	CHECK(c == (char *)mem + 9 * PAGE_SIZE);
	CHECK_EQ(*(unsigned char *)c, 0);
	CHECK_EQ(page_alloc_free_pages(), total - 16);
	CHECK(page_alloc_claim(0x109000, 1) == NULL);           /* already taken */
	CHECK(page_alloc_claim(0x108000, 2) == NULL);           /* overlaps it */
	CHECK(page_alloc_claim(0x100000, 1) == NULL);           /* the bitmap page */
	CHECK(page_alloc_claim(0x13F000, 2) == NULL);           /* runs past the end */
	CHECK(page_alloc_claim(0x140000, 1) == NULL);           /* outside */
	CHECK(page_alloc_claim(0x130800, 1) == NULL);           /* unaligned */
	CHECK(page_alloc_claim(0x130000, 0) == NULL);
	CHECK(page_alloc_claim(~0ULL & ~0xFFFULL, 4) == NULL); /* wraps */
	CHECK_EQ(page_alloc_free_pages(), total - 16);
	/* The allocator goes around the claimed range. */
	a = page_alloc_contig(8);
	CHECK(a == (char *)mem + PAGE_SIZE);
	CHECK(page_alloc_contig(16) == (char *)mem + 25 * PAGE_SIZE);
	page_alloc_reset();
	free(mem);
}

TEST(core_page_alloc_contig_and_errors)
{
	void *mem = arena(48);
	void *a, *b, *c;

	page_alloc_reset();
	CHECK_EQ_INT(page_alloc_add_range((char *)mem + 1, 0x1000, 8 * PAGE_SIZE), -EINVAL);
	CHECK_EQ_INT(page_alloc_add_range(mem, 0x1001, 8 * PAGE_SIZE), -EINVAL);
	CHECK_EQ_INT(page_alloc_add_range(mem, 0x1000, PAGE_SIZE), -EINVAL);
	CHECK_EQ_INT(page_alloc_add_range(mem, 0x200000, 48 * PAGE_SIZE), 0);
	a = page_alloc_contig(10);
	b = page_alloc_contig(10);
	CHECK(a && b);
	CHECK_EQ((uintptr_t)b - (uintptr_t)a, 10 * PAGE_SIZE);
	page_free_contig(a, 10);
	c = page_alloc_contig(20); /* hole of 10 is too small: goes after b */
	CHECK(c && (uintptr_t)c > (uintptr_t)b);
	CHECK(page_alloc_contig(20) == NULL);
	a = page_alloc_contig(5); /* reuses the hole */
	CHECK(a && (uintptr_t)a < (uintptr_t)b);
	/* Foreign and double frees are refused without corrupting counts. */
	size_t before = page_alloc_free_pages();
	int x;
	page_free(&x);
	page_free(a);
	page_free(a);
	CHECK_EQ(page_alloc_free_pages(), before + 1);
	CHECK(page_alloc_contig(0) == NULL);
	page_alloc_reset();
	free(mem);
}

TEST(core_kmalloc_classes)
{
	void *mem = arena(512);
	void *p[200];

	page_alloc_reset();
	kmalloc_reset();
	CHECK_EQ_INT(page_alloc_add_range(mem, 0x400000, 512 * PAGE_SIZE), 0);
	size_t free0 = page_alloc_free_pages();
	for (int i = 0; i < 200; i++) {
		size_t sz = (size_t)(i * 37 % 3000) + 1;

		p[i] = kmalloc(sz);
		CHECK(p[i] != NULL);
		memset(p[i], i & 0xff, sz);
	}
	for (int i = 0; i < 200; i++) {
		size_t sz = (size_t)(i * 37 % 3000) + 1;

		CHECK_EQ(((unsigned char *)p[i])[sz - 1], (unsigned)(i & 0xff));
		if (sz <= 2048)
			CHECK(((uintptr_t)p[i] & 15) == 0);
	}
	for (int i = 0; i < 200; i++)
		kfree(p[i]);
	void *z = kzalloc(100);
	CHECK(z && ((unsigned char *)z)[99] == 0);
	kfree(z);
	void *big = kmalloc(3 * PAGE_SIZE);
	CHECK(big != NULL);
	size_t mid = page_alloc_free_pages();
	kfree(big);
	CHECK_EQ(page_alloc_free_pages(), mid + 4);
	CHECK(page_alloc_free_pages() <= free0);
	CHECK(kmalloc(SIZE_MAX) == NULL);
	kmalloc_reset();
	page_alloc_reset();
	free(mem);
}
