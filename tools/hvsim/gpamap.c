// SPDX-License-Identifier: MIT
/* The partition's GPA map (see gpamap.h). */
#include "tools/hvsim/gpamap.h"

#include <string.h>

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

/*
 * The ports a real kernel in VTL0 reaches without an exit: devices that
 * cannot do DMA and whose worst misuse is a wrong clock or a lost
 * character.  Every other port traps to hvsim, which gives all-ones on read
 * and drops writes: PCI configuration (0xCF8-0xCFF: no device is visible, so
 * no BAR or bus-master bit can be set), fw_cfg (0x510-0x51B, including its
 * DMA interface), reset (0x92, 0xCF9), the exit port 0xF4 and COM2-4.
 */
static const struct port_window vtl0_ports[] = {
	{ 0x20, 0x21, "master PIC" },     { 0xA0, 0xA1, "slave PIC" },
	{ 0x40, 0x43, "PIT" },            { 0x61, 0x61, "PIT gate / speaker" },
	{ 0x60, 0x60, "i8042 data" },     { 0x64, 0x64, "i8042 command" },
	{ 0x70, 0x71, "RTC/CMOS" },       { 0x80, 0x80, "POST / I/O delay" },
	{ 0x4D0, 0x4D1, "PIC edge/level" }, { 0x3F8, 0x3FF, "COM1" },
	{ 0x600, 0x67F, "ACPI PM (q35 PMBASE)" },
};

const struct port_window *gpamap_vtl0_ports(unsigned int *n)
{
	*n = ARRAY_SIZE(vtl0_ports);
	return vtl0_ports;
}

void gpamap_fill_vtl0_iopm(uint8_t *iopm)
{
	memset(iopm, 0xFF, 3 * 4096);
	for (unsigned int i = 0; i < ARRAY_SIZE(vtl0_ports); i++)
		for (unsigned int port = vtl0_ports[i].lo; port <= vtl0_ports[i].hi; port++)
			iopm[port / 8] &= (uint8_t)~(1u << (port % 8));
}
