// SPDX-License-Identifier: MIT
/* The partition's GPA map (see gpamap.h). */
#include "tools/hvsim/gpamap.h"

#include <string.h>

#include "core/compiler.h"
#include "core/errno.h"

/*
 * Devices VTL0's kernel drives by MMIO: QEMU q35's I/O APIC and HPET (one
 * page each, at their ACPI-default bases).  Neither can do DMA.  The local
 * APIC page (0xFEE00000) is deliberately absent: through its ICR a guest
 * would send INIT/SIPI/NMI/SMI to any physical CPU; VTL0 gets an x2APIC
 * instead, whose ICR hvsim filters (x2apic.c).  The I/O APIC page is mapped
 * read-only: a redirection entry could send INIT or SMI to any CPU, so
 * hvsim carries out each store itself and refuses those (ioapic.c).  The PCIe ECAM is deliberately absent: PCI config space
 * reaches VTL0 only through hvsim's filtered port path (no BAR or bus-master
 * write can be made), see docs/hvsim.md "Devices".
 */
static const struct gpa_window mmio[] = {
	{ GPAMAP_IOAPIC, 0x1000, "IOAPIC", false },
	{ 0xFED00000ull, 0x1000, "HPET", true },
};

const struct gpa_window *gpamap_mmio_windows(unsigned int *n)
{
	*n = ARRAY_SIZE(mmio);
	return mmio;
}

/*
 * Firmware tables a kernel needs to find its CPUs, interrupt controllers and
 * timers (ACPI MADT, FADT, HPET): the BIOS F-segment, where the RSDP is, and
 * the area QEMU's firmware put the tables in (known only at boot, from the
 * host's e820).  Read-only: VTL0 reads the machine's description, it never
 * changes the firmware's memory.  One exception, the ACPI FACS: the spec
 * makes the OS write its global lock (a lock shared with firmware, taken
 * with LOCK CMPXCHG by AML) and its waking vector, so that one page is
 * writable.  It holds nothing hvsim or VTL1 reads.
 */
#define FW_ACPI 1
#define FW_FACS 2
static struct gpa_window firmware[3] = {
	{ 0xF0000ull, 0x10000, "BIOS F-segment", false },
	{ 0, 0, "ACPI tables", false },
	{ 0, 0, "ACPI FACS", true },
};

const struct gpa_window *gpamap_firmware_windows(unsigned int *n)
{
	*n = ARRAY_SIZE(firmware);
	return firmware;
}

int gpamap_set_facs(uint64_t gpa)
{
	uint64_t pg = gpa & ~0xFFFull;
	const struct gpa_window *a = &firmware[FW_ACPI];

	if (!a->size || pg < a->gpa || pg + 4096 > a->gpa + a->size)
		return -EINVAL;
	firmware[FW_FACS].gpa = pg;
	firmware[FW_FACS].size = 4096;
	return 0;
}

static bool overlaps(uint64_t a, uint64_t alen, uint64_t b, uint64_t blen)
{
	return a < b + blen && b < a + alen;
}

int gpamap_set_acpi_area(uint64_t ram_size, uint64_t gpa, uint64_t size)
{
	uint64_t end;

	firmware[FW_FACS].gpa = firmware[FW_FACS].size = 0;
	if (size == 0) {
		firmware[FW_ACPI].gpa = firmware[FW_ACPI].size = 0;
		return 0;
	}
	if ((gpa | size) & 0xFFF || add_overflows_u64(gpa, size, &end) || end > 0x100000000ull ||
	    gpa < ram_size)
		return -EINVAL;
	for (unsigned int i = 0; i < ARRAY_SIZE(mmio); i++)
		if (overlaps(gpa, size, mmio[i].gpa, mmio[i].size))
			return -EINVAL;
	firmware[FW_ACPI].gpa = gpa;
	firmware[FW_ACPI].size = size;
	return 0;
}

__fastpath
enum gpa_kind gpamap_kind(uint64_t ram_size, bool with_mmio, uint64_t gpa, uint64_t len)
{
	uint64_t end;

	if (len == 0 || add_overflows_u64(gpa, len, &end))
		return GPA_NONE;
	if (with_mmio) {
		/* firmware first: the F-segment lies inside RAM's range */
		for (unsigned int i = 0; i < ARRAY_SIZE(firmware); i++) {
			if (!firmware[i].size)
				continue;
			if (gpa >= firmware[i].gpa && end <= firmware[i].gpa + firmware[i].size)
				return GPA_FIRMWARE;
			if (overlaps(gpa, len, firmware[i].gpa, firmware[i].size))
				return GPA_NONE;
		}
	}
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
