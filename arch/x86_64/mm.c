// SPDX-License-Identifier: MIT
#include "arch/x86_64/boot.h"
#include "arch/x86_64/cpu.h"
#include "arch/x86_64/early.h"
#include "arch/x86_64/mm.h"
#include "core/compiler.h"
#include "core/errno.h"
#include "core/page_alloc.h"
#include "core/spinlock.h"

extern uint8_t __image_start_marker[], __bss_end[];

static uint64_t load_pa;
static uint64_t image_size;
static struct spinlock mm_lock = SPINLOCK_INIT;
static uint64_t next_stack_va = STACKS_VBASE;
static bool direct_map_ready;

static void *table_ptr(uint64_t pa, void *arg)
{
	(void)arg;
	return phys_to_virt(pa);
}

static uint64_t alloc_table(void *arg)
{
	void *p;

	(void)arg;
	if (early_pt_used < EARLY_PT_POOL_PAGES) {
		p = early_pt_pool[early_pt_used++];
		__builtin_memset(p, 0, PAGE_SIZE);
		return virt_to_phys(p);
	}
	p = page_alloc();
	return p ? page_alloc_virt_to_phys(p) : 0;
}

static struct pt_ctx live_ctx(void)
{
	struct pt_ctx c = { .root_pa = early_cr3, .table_ptr = table_ptr,
			    .alloc_table = alloc_table };
	return c;
}

void mm_init_image(uint64_t pa)
{
	load_pa = pa;
	image_size = (uintptr_t)__bss_end - (uintptr_t)__image_start_marker;
}

void mm_set_direct_map_ready(void)
{
	direct_map_ready = true;
}

uint64_t mm_image_load_pa(void) { return load_pa; }
uint64_t mm_image_size(void) { return image_size; }
uint64_t mm_cr3(void) { return early_cr3; }

bool phys_is_image(uint64_t pa, uint64_t size)
{
	return pa < load_pa + image_size && pa + size > load_pa;
}

void *phys_to_virt(uint64_t pa)
{
	if (pa >= load_pa && pa - load_pa < image_size)
		return (void *)(uintptr_t)(IMAGE_VBASE + (pa - load_pa));
	if (!direct_map_ready)
		return NULL;
	return (void *)(uintptr_t)(DIRECT_MAP_BASE + pa);
}

uint64_t virt_to_phys(const void *va)
{
	uint64_t v = (uint64_t)(uintptr_t)va;
	struct pt_ctx c;

	if (v >= IMAGE_VBASE && v - IMAGE_VBASE < image_size)
		return load_pa + (v - IMAGE_VBASE);
	c = live_ctx();
	return pt_translate(&c, v);
}

int mm_map(uint64_t va, uint64_t pa, uint64_t size, unsigned perm)
{
	struct pt_ctx c = live_ctx();
	int r;

	spin_lock(&mm_lock);
	r = pt_map(&c, va, pa, size, perm);
	spin_unlock(&mm_lock);
	return r;
}

long mm_unmap(uint64_t va, uint64_t size)
{
	struct pt_ctx c = live_ctx();
	long n;

	spin_lock(&mm_lock);
	n = pt_unmap(&c, va, size);
	spin_unlock(&mm_lock);
	/* Other CPUs must flush too before reusing the range; callers that
	 * unmap shared ranges at run time do that (see south_lvbs windows). */
	for (uint64_t off = 0; n > 0 && off < size; off += PAGE_SIZE)
		invlpg((const void *)(uintptr_t)(va + off));
	return n;
}

bool mm_lookup(uint64_t va, uint64_t *pte, uint64_t *page_size)
{
	struct pt_ctx c = live_ctx();

	return pt_lookup(&c, va, pte, page_size);
}

uint64_t mm_alloc_stack(size_t pages)
{
	void *mem = page_alloc_contig(pages);
	uint64_t va;

	if (!mem)
		return 0;
	spin_lock(&mm_lock);
	va = next_stack_va + PAGE_SIZE; /* guard page below */
	next_stack_va = va + pages * PAGE_SIZE; /* guard above = next stack's guard below */
	next_stack_va += PAGE_SIZE;
	spin_unlock(&mm_lock);
	if (mm_map(va, page_alloc_virt_to_phys(mem), pages * PAGE_SIZE, MAP_W)) {
		page_free_contig(mem, pages);
		return 0;
	}
	return va + pages * PAGE_SIZE;
}
