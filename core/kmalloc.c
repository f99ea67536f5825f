// SPDX-License-Identifier: MIT
#include <stdint.h>
#include <string.h>
#include "core/compiler.h"
#include "core/kmalloc.h"
#include "core/log.h"
#include "core/page_alloc.h"
#include "core/spinlock.h"

#define KM_HDR        64
#define KM_MAGIC_SLAB 0x534c4142u /* "SLAB" */
#define KM_MAGIC_BIG  0x42494721u
#define KM_MIN_SHIFT  4
#define KM_MAX_SHIFT  11
#define KM_CLASSES    (KM_MAX_SHIFT - KM_MIN_SHIFT + 1)

struct km_page {
	uint32_t magic;
	uint32_t size;   /* object size, or page count for big blocks */
	uint32_t inuse;  /* live objects in this page */
};

struct km_free { struct km_free *next; };

struct km_class {
	struct km_free *free;
};

static struct km_class classes[KM_CLASSES];
static struct spinlock lock = SPINLOCK_INIT;

static unsigned class_of(size_t n)
{
	unsigned s = KM_MIN_SHIFT;

	while ((1UL << s) < n)
		s++;
	return s - KM_MIN_SHIFT;
}

static int refill(unsigned c)
{
	size_t sz = 1UL << (c + KM_MIN_SHIFT);
	struct km_page *pg = page_alloc();
	uintptr_t p;

	if (!pg)
		return -1;
	pg->magic = KM_MAGIC_SLAB;
	pg->size = (uint32_t)sz;
	for (p = (uintptr_t)pg + MAX((size_t)KM_HDR, sz); p + sz <= (uintptr_t)pg + PAGE_SIZE;
	     p += sz) {
		struct km_free *f = (struct km_free *)p;

		f->next = classes[c].free;
		classes[c].free = f;
	}
	return 0;
}

void *kmalloc(size_t n)
{
	void *p = NULL;

	if (n == 0)
		n = 1;
	if (n > (1UL << KM_MAX_SHIFT)) {
		size_t pages;
		struct km_page *pg;

		if (n > SIZE_MAX - KM_HDR - PAGE_SIZE)
			return NULL;
		pages = (n + KM_HDR + PAGE_SIZE - 1) / PAGE_SIZE;
		pg = page_alloc_contig(pages);
		if (!pg)
			return NULL;
		pg->magic = KM_MAGIC_BIG;
		pg->size = (uint32_t)pages;
		return (char *)pg + KM_HDR;
	}
	unsigned c = class_of(n);

	spin_lock(&lock);
	if (classes[c].free || refill(c) == 0) {
		struct km_free *f = classes[c].free;
		struct km_page *pg = (struct km_page *)ALIGN_DOWN((uintptr_t)f, PAGE_SIZE);

		classes[c].free = f->next;
		pg->inuse++;
		p = f;
	}
	spin_unlock(&lock);
	return p;
}

void *kzalloc(size_t n)
{
	void *p = kmalloc(n);

	if (p)
		memset(p, 0, n);
	return p;
}

void kfree(void *ptr)
{
	struct km_page *pg;

	if (!ptr)
		return;
	pg = (struct km_page *)ALIGN_DOWN((uintptr_t)ptr, PAGE_SIZE);
	if (pg->magic == KM_MAGIC_BIG && (uintptr_t)ptr == (uintptr_t)pg + KM_HDR) {
		pg->magic = 0;
		page_free_contig(pg, pg->size);
		return;
	}
	if (pg->magic != KM_MAGIC_SLAB || (uintptr_t)ptr < (uintptr_t)pg + KM_HDR ||
	    ((uintptr_t)ptr - (uintptr_t)pg) % pg->size != 0) {
		log_error("kfree: %p was not returned by kmalloc", ptr);
		return;
	}
	spin_lock(&lock);
	struct km_free *f = ptr;
	unsigned c = class_of(pg->size);

	f->next = classes[c].free;
	classes[c].free = f;
	pg->inuse--;
	spin_unlock(&lock);
}

void kmalloc_reset(void)
{
	memset(classes, 0, sizeof(classes));
}
