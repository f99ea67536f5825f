// SPDX-License-Identifier: MIT
/* Nested page tables: build and permission updates (see npt.h). */
#include "tools/hvsim/npt.h"

#include "core/errno.h"
#include "tools/hvsim/gpamap.h"
#include "tools/hvsim/hvdefs.h"
#include "tools/hvsim/platform.h"

uint64_t npt_pte_for(uint64_t pa, uint8_t perm)
{
	uint64_t pte = (pa & NPT_ADDR_MASK) | NPT_US;

	/* No read means no access at all: x86 cannot express write- or
	 * execute-only, and the TLFS allows only none/R/RX/RW/RWX. */
	if (!(perm & HV_MAP_GPA_READABLE))
		return 0;
	pte |= NPT_P;
	if (perm & HV_MAP_GPA_WRITABLE)
		pte |= NPT_RW;
	/* Only KX grants execution (see docs/hvsim.md, "MBEC"). */
	if (!(perm & HV_MAP_GPA_KERNEL_EXECUTABLE))
		pte |= NPT_NX;
	return pte;
}

static uint64_t *next_level(uint64_t *table, unsigned int idx, bool alloc)
{
	if (!(table[idx] & NPT_P)) {
		if (!alloc)
			return NULL;
		uint64_t *t = hv_alloc_pages(1);
		if (!t)
			return NULL;
		table[idx] = hv_virt_to_phys(t) | NPT_P | NPT_RW | NPT_US;
	}
	return hv_phys_to_virt(table[idx] & NPT_ADDR_MASK);
}

static uint64_t *leaf_slot(const struct npt *n, uint64_t gpa, bool alloc)
{
	uint64_t *t = n->pml4;

	for (int shift = 39; shift > 12; shift -= 9) {
		t = next_level(t, (gpa >> shift) & 511, alloc);
		if (!t)
			return NULL;
	}
	return &t[(gpa >> 12) & 511];
}

struct npt *npt_create(uint64_t ram_pa, uint64_t ram_size, uint8_t perm)
{
	struct npt *n = hv_alloc_pages(1);

	if (!n)
		return NULL;
	n->pml4 = hv_alloc_pages(1);
	if (!n->pml4)
		return NULL;
	n->root_pa = hv_virt_to_phys(n->pml4);
	n->ram_pa = ram_pa;
	n->ram_size = ram_size;
	for (uint64_t gpa = 0; gpa < ram_size; gpa += 4096) {
		uint64_t *slot = leaf_slot(n, gpa, true);
		if (!slot)
			return NULL;
		*slot = npt_pte_for(ram_pa + gpa, perm);
	}
	return n;
}

/*
 * Identity-maps the allow-listed MMIO windows (gpamap.c): uncached, never
 * executable, never a RAM page, writable as the window says (the IOAPIC's
 * stores are emulated); and the firmware windows read-only.  npt_set_perm() refuses these GPAs, so a
 * VTL protection change can never turn a device window into RAM (or back).
 */
int npt_map_mmio(struct npt *n)
{
	unsigned int nw;
	const struct gpa_window *w = gpamap_mmio_windows(&nw);

	for (unsigned int i = 0; i < nw; i++)
		for (uint64_t off = 0; off < w[i].size; off += 4096) {
			uint64_t *slot = leaf_slot(n, w[i].gpa + off, true);
			if (!slot)
				return -ENOMEM;
			/* PCD|PWT: uncacheable, as the host maps device memory */
			*slot = ((w[i].gpa + off) & NPT_ADDR_MASK) | NPT_P | NPT_US |
				NPT_PWT | NPT_PCD | NPT_NX | (w[i].writable ? NPT_RW : 0);
		}
	/* The firmware tables: read-only (no RW; the FACS page excepted,
	 * gpamap.c), never executable.  The F-segment's GPAs replace RAM
	 * leaves: the guest sees the BIOS, not the RAM page hvsim has behind
	 * that GPA.  The FACS comes after the ACPI area, so its RW wins. */
	w = gpamap_firmware_windows(&nw);
	for (unsigned int i = 0; i < nw; i++)
		for (uint64_t off = 0; off < w[i].size; off += 4096) {
			uint64_t *slot = leaf_slot(n, w[i].gpa + off, true);
			if (!slot)
				return -ENOMEM;
			*slot = ((w[i].gpa + off) & NPT_ADDR_MASK) | NPT_P | NPT_US | NPT_NX |
				(w[i].writable ? NPT_RW : 0);
		}
	n->mmio = true;
	return 0;
}

int npt_set_perm(struct npt *n, uint64_t gpa, uint8_t perm)
{
	/* Only RAM has VTL rights; everything else keeps its one mapping. */
	if (gpamap_kind(n->ram_size, n->mmio, gpa & ~0xFFFull, 4096) != GPA_RAM)
		return -EINVAL;
	uint64_t *slot = leaf_slot(n, gpa, false);
	if (!slot)
		return -EINVAL;
	*slot = npt_pte_for(n->ram_pa + (gpa & ~0xFFFull), perm);
	return 0;
}

uint64_t npt_lookup(const struct npt *n, uint64_t gpa)
{
	if (gpamap_kind(n->ram_size, n->mmio, gpa & ~0xFFFull, 4096) == GPA_NONE)
		return 0;
	uint64_t *slot = leaf_slot(n, gpa, false);
	return slot ? *slot : 0;
}
