/* SPDX-License-Identifier: MIT */
/*
 * The one guest-physical map of the partition.  Every path that turns a GPA
 * into something (NPT construction, the e820 the Linux loader hands over,
 * VTL protection changes, hypercall GPA checks) asks this table, so a GPA has
 * exactly one kind everywhere:
 *   RAM    [0, ram_size): host PA ram_pa + GPA, VTL1 may change its rights
 *   MMIO   an allow-listed device window, identity-mapped (GPA = host PA),
 *          read/write, never executable, never changed by a protection
 *          change and never reachable through a hypercall's GPA
 *   FIRMWARE  the firmware's tables (the BIOS F-segment with the ACPI RSDP,
 *          and the ACPI area QEMU's firmware reported in its e820),
 *          identity-mapped READ-ONLY and never executable, so a kernel
 *          finds its MADT/HPET/FADT; a write is a refused nested fault.
 *          The F-segment lies inside [0, ram_size): there FIRMWARE wins
 *          over RAM (no VTL rights, no hypercall GPA, never a RAM page).
 *   NONE   everything else: not mapped, an access is a nested page fault
 * The MMIO and firmware windows are mapped only for VTL0 of a partition
 * that hosts a real kernel (hv_partition.linux); test guests see RAM only.
 */
#ifndef HVSIM_GPAMAP_H
#define HVSIM_GPAMAP_H

#include <stdbool.h>
#include <stdint.h>

/* QEMU q35's I/O APIC: mapped read-only; stores are emulated (ioapic.c) */
#define GPAMAP_IOAPIC 0xFEC00000ull

enum gpa_kind { GPA_NONE, GPA_RAM, GPA_MMIO, GPA_FIRMWARE };

struct gpa_window {
	uint64_t gpa, size;
	const char *name;
	bool writable;          /* MMIO: HPET; firmware: only the FACS page (see gpamap.c) */
};

/* The allow-listed MMIO windows (gpamap.c); n set to their number. */
const struct gpa_window *gpamap_mmio_windows(unsigned int *n);
/* The firmware windows: the fixed F-segment, at most one ACPI area and the
 * FACS page inside it, added at boot.  n set to the array's length;
 * entries of size 0 are unused. */
const struct gpa_window *gpamap_firmware_windows(unsigned int *n);
/* The page holding the ACPI FACS (the OS writes its global lock and waking
 * vector): writable; must lie inside the ACPI area.  -EINVAL otherwise. */
int gpamap_set_facs(uint64_t gpa);
/* The ACPI tables' range from the host's e820 (page aligned, below 4 GiB,
 * above ram_size, not overlapping an MMIO window); -EINVAL otherwise.
 * size 0 removes it (host tests). */
int gpamap_set_acpi_area(uint64_t ram_size, uint64_t gpa, uint64_t size);
/* The kind of [gpa, gpa+len) as a whole: NONE when it straddles kinds.
 * mmio = the partition hosts a real kernel (device and firmware windows). */
enum gpa_kind gpamap_kind(uint64_t ram_size, bool mmio, uint64_t gpa, uint64_t len);

/*
 * Devices by port: the ports VTL0's kernel reaches without an exit (list in
 * gpamap.c).  Every other port traps to hvsim.  iopm: the 12 KiB SVM I/O
 * permission map, filled here (bit set = intercept).
 */
struct port_window {
	uint16_t lo, hi;
	const char *what;
};
const struct port_window *gpamap_vtl0_ports(unsigned int *n);
void gpamap_fill_vtl0_iopm(uint8_t *iopm);

#endif
