/* SPDX-License-Identifier: MIT */
/*
 * x86-64 4-level page-table builder.  Pure C with no CPU access, so it runs
 * on the host in unit tests and in early boot before the image's own address
 * space exists.  Tables are reached through a caller-supplied phys->pointer
 * function and allocated through a caller-supplied allocator, which is what
 * lets the same code run identity-mapped, high-mapped, or on a fake memory.
 *
 * W^X is enforced here: a mapping that is both writable and executable is
 * refused, so no caller can create one by mistake.
 */
#ifndef ARCH_X86_64_PAGING_H
#define ARCH_X86_64_PAGING_H

#include <stdbool.h>
#include <stdint.h>

#define PTE_P    (1ULL << 0)
#define PTE_W    (1ULL << 1)
#define PTE_U    (1ULL << 2)
#define PTE_PWT  (1ULL << 3)
#define PTE_PCD  (1ULL << 4)
#define PTE_A    (1ULL << 5)
#define PTE_D    (1ULL << 6)
#define PTE_PS   (1ULL << 7)
#define PTE_G    (1ULL << 8)
#define PTE_NX   (1ULL << 63)
#define PTE_ADDR 0x000ffffffffff000ULL

/* Mapping permissions (what callers ask for). */
#define MAP_R     0u
#define MAP_W     1u /* writable */
#define MAP_X     2u /* executable */
#define MAP_UC    4u /* uncached (device memory) */
#define MAP_LARGE 8u /* 2 MiB pages allowed where aligned */

struct pt_ctx {
	uint64_t root_pa;
	void *(*table_ptr)(uint64_t pa, void *arg); /* phys -> pointer to a table */
	uint64_t (*alloc_table)(void *arg);         /* zeroed table, returns pa or 0 */
	void *arg;
};

int pt_init(struct pt_ctx *c);
/* Map [va, va+size) to [pa, pa+size). Returns 0, -EINVAL (W+X, misaligned,
 * non-canonical), -EEXIST (already mapped) or -ENOMEM. */
int pt_map(struct pt_ctx *c, uint64_t va, uint64_t pa, uint64_t size, unsigned perm);
/* Remove mappings (4 KiB granularity; splits nothing: a 2 MiB page in the
 * range must be removed whole). Returns the number of pages unmapped. */
long pt_unmap(struct pt_ctx *c, uint64_t va, uint64_t size);
/* Walk: returns true and the leaf pte/page size when va is mapped. */
bool pt_lookup(const struct pt_ctx *c, uint64_t va, uint64_t *pte, uint64_t *page_size);
/* Translate a mapped va to pa, or ~0 when unmapped. */
uint64_t pt_translate(const struct pt_ctx *c, uint64_t va);

#endif
