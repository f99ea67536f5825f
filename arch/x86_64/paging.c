// SPDX-License-Identifier: MIT
#include "arch/x86_64/paging.h"
#include "core/compiler.h"
#include "core/errno.h"

#define LARGE_SIZE (1ULL << 21)

static unsigned idx(uint64_t va, int level) /* level 3 = PML4 ... 0 = PT */
{
	return (unsigned)(va >> (12 + 9 * level)) & 511;
}

static bool canonical(uint64_t va)
{
	return (uint64_t)((int64_t)(va << 16) >> 16) == va;
}

int pt_init(struct pt_ctx *c)
{
	c->root_pa = c->alloc_table(c->arg);
	return c->root_pa ? 0 : -ENOMEM;
}

static uint64_t leaf_flags(unsigned perm)
{
	uint64_t f = PTE_P | PTE_A | PTE_G;

	if (perm & MAP_W)
		f |= PTE_W | PTE_D;
	if (!(perm & MAP_X))
		f |= PTE_NX;
	if (perm & MAP_UC)
		f |= PTE_PCD | PTE_PWT;
	return f;
}

/* Return the table at `level` covering va, creating tables on the way. */
static uint64_t *walk(struct pt_ctx *c, uint64_t va, int level, bool create)
{
	uint64_t *t = c->table_ptr(c->root_pa, c->arg);

	for (int l = 3; l > level; l--) {
		uint64_t *e = &t[idx(va, l)];

		if (!(*e & PTE_P)) {
			uint64_t pa;

			if (!create)
				return NULL;
			pa = c->alloc_table(c->arg);
			if (!pa)
				return NULL;
			/* Intermediate entries are permissive; leaves decide. */
			*e = pa | PTE_P | PTE_W | PTE_A;
		} else if (*e & PTE_PS) {
			return NULL; /* a large page is in the way */
		}
		t = c->table_ptr(*e & PTE_ADDR, c->arg);
	}
	return t;
}

int pt_map(struct pt_ctx *c, uint64_t va, uint64_t pa, uint64_t size, unsigned perm)
{
	uint64_t end;

	if ((perm & MAP_W) && (perm & MAP_X))
		return -EINVAL; /* W^X */
	if (!IS_ALIGNED(va | pa | size, PAGE_SIZE) || size == 0)
		return -EINVAL;
	if (add_overflows_u64(va, size - 1, &end) || !canonical(va) || !canonical(end))
		return -EINVAL;
	if (pa + size < pa || (pa + size - 1) > PTE_ADDR)
		return -EINVAL;

	while (size) {
		bool large = (perm & MAP_LARGE) && IS_ALIGNED(va | pa, LARGE_SIZE) &&
			     size >= LARGE_SIZE;
		uint64_t *t = walk(c, va, large ? 1 : 0, true);
		uint64_t *e;

		if (!t)
			return -ENOMEM;
		e = &t[idx(va, large ? 1 : 0)];
		if (*e & PTE_P)
			return -EEXIST;
		*e = pa | leaf_flags(perm) | (large ? PTE_PS : 0);
		va += large ? LARGE_SIZE : PAGE_SIZE;
		pa += large ? LARGE_SIZE : PAGE_SIZE;
		size -= large ? LARGE_SIZE : PAGE_SIZE;
	}
	return 0;
}

bool pt_lookup(const struct pt_ctx *c, uint64_t va, uint64_t *pte, uint64_t *page_size)
{
	const uint64_t *t = c->table_ptr(c->root_pa, c->arg);

	if (!canonical(va))
		return false;
	for (int l = 3; l >= 0; l--) {
		uint64_t e = t[idx(va, l)];

		if (!(e & PTE_P))
			return false;
		if (l == 0 || (e & PTE_PS)) {
			if (l > 1)
				return false; /* 1 GiB pages are never created here */
			if (pte)
				*pte = e;
			if (page_size)
				*page_size = l ? LARGE_SIZE : PAGE_SIZE;
			return true;
		}
		t = c->table_ptr(e & PTE_ADDR, c->arg);
	}
	return false;
}

uint64_t pt_translate(const struct pt_ctx *c, uint64_t va)
{
	uint64_t e, sz;

	if (!pt_lookup(c, va, &e, &sz))
		return ~0ULL;
	return (e & PTE_ADDR & ~(sz - 1)) + (va & (sz - 1));
}

long pt_unmap(struct pt_ctx *c, uint64_t va, uint64_t size)
{
	long n = 0;

	if (!IS_ALIGNED(va | size, PAGE_SIZE))
		return -EINVAL;
	while (size) {
		uint64_t *pd = walk(c, va, 1, false);
		uint64_t step = PAGE_SIZE;

		if (pd && (pd[idx(va, 1)] & PTE_P) && (pd[idx(va, 1)] & PTE_PS)) {
			if (!IS_ALIGNED(va, LARGE_SIZE) || size < LARGE_SIZE)
				return -EINVAL;
			pd[idx(va, 1)] = 0;
			step = LARGE_SIZE;
			n += 512;
		} else {
			uint64_t *pt = walk(c, va, 0, false);

			if (pt && (pt[idx(va, 0)] & PTE_P)) {
				pt[idx(va, 0)] = 0;
				n++;
			}
		}
		va += step;
		size -= step;
	}
	return n;
}
