/* SPDX-License-Identifier: MIT */
/*
 * Nested page tables (AMD NPT = ordinary x86-64 4-level tables walked with
 * GPAs).  hvsim builds one table per VTL mapping guest RAM GPA [0, size) to
 * host PA ram_pa + GPA with 4 KiB pages, so a VTL protection change is one
 * PTE update.  NPT walks are user accesses, hence US on every level; NX needs
 * EFER.NXE in the host (boot sets it).
 */
#ifndef HVSIM_NPT_H
#define HVSIM_NPT_H

#include <stdbool.h>
#include <stdint.h>

#define NPT_P   (1ull << 0)
#define NPT_RW  (1ull << 1)
#define NPT_US  (1ull << 2)
#define NPT_PWT (1ull << 3)
#define NPT_PCD (1ull << 4)
#define NPT_NX  (1ull << 63)
#define NPT_ADDR_MASK 0x000FFFFFFFFFF000ull

struct npt {
	uint64_t *pml4;
	uint64_t root_pa;
	uint64_t ram_pa, ram_size;
	bool mmio;              /* npt_map_mmio() done: the MMIO windows are mapped */
};

/* perm: HV_MAP_GPA_* flags.  Returns NULL when out of memory. */
struct npt *npt_create(uint64_t ram_pa, uint64_t ram_size, uint8_t perm);
/* VTL0 of a partition hosting a real kernel: map gpamap's MMIO windows. */
int npt_map_mmio(struct npt *n);
/* -EINVAL for any GPA that is not RAM (gpamap.h): MMIO keeps its mapping. */
int npt_set_perm(struct npt *n, uint64_t gpa, uint8_t perm);
/* The leaf PTE for gpa or 0 when unmapped (for tests and dumps). */
uint64_t npt_lookup(const struct npt *n, uint64_t gpa);
uint64_t npt_pte_for(uint64_t pa, uint8_t perm);

#endif
