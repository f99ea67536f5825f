// SPDX-License-Identifier: MIT
/* The partition's GPA map (see gpamap.h). */
#include "tools/hvsim/gpamap.h"

#include "core/compiler.h"

/*
 * Devices VTL0's kernel drives by MMIO: QEMU q35's local APIC, I/O APIC and
 * HPET (one page each, at their architectural/ACPI-default bases).  None of
 * them can do DMA.  The PCIe ECAM is deliberately absent: PCI config space
 * reaches VTL0 only through hvsim's filtered port path (no BAR or bus-master
 * write can be made), see docs/hvsim.md "Devices".
 */
static const struct gpa_window mmio[] = {
	{ 0xFEC00000ull, 0x1000, "IOAPIC" },
	{ 0xFED00000ull, 0x1000, "HPET" },
	{ 0xFEE00000ull, 0x1000, "LAPIC" },
};

const struct gpa_window *gpamap_mmio_windows(unsigned int *n)
{
	*n = ARRAY_SIZE(mmio);
	return mmio;
}

enum gpa_kind gpamap_kind(uint64_t ram_size, bool with_mmio, uint64_t gpa, uint64_t len)
{
	uint64_t end;

	if (len == 0 || add_overflows_u64(gpa, len, &end))
		return GPA_NONE;
	if (end <= ram_size)
		return GPA_RAM;
	if (!with_mmio)
		return GPA_NONE;
	for (unsigned int i = 0; i < ARRAY_SIZE(mmio); i++)
		if (gpa >= mmio[i].gpa && end <= mmio[i].gpa + mmio[i].size)
			return GPA_MMIO;
	return GPA_NONE;
}
