// SPDX-License-Identifier: MIT
/* Linux bzImage loader, 64-bit boot protocol (see linux.h). */
#include "tools/hvsim/linux.h"

#include <string.h>

#include "core/compiler.h"
#include "core/errno.h"
#include "tools/hvsim/bootinfo.h"
#include "tools/hvsim/gpamap.h"

static uint64_t get(const uint8_t *b, unsigned int n)
{
	uint64_t v = 0;

	memcpy(&v, b, n);
	return v;
}

static void put(uint8_t *b, uint64_t v, unsigned int n)
{
	memcpy(b, &v, n);
}

static void e820_add(uint8_t *bp, uint64_t addr, uint64_t size, uint32_t type)
{
	uint8_t n = bp[BP_E820_NR];
	uint8_t *e = bp + BP_E820_MAP + 20u * n;

	put(e, addr, 8);
	put(e + 8, size, 8);
	put(e + 16, type, 4);
	bp[BP_E820_NR] = (uint8_t)(n + 1);
}

int linux_load(struct hv_partition *p, const uint8_t *bz, uint64_t size,
	       const struct linux_image *li, uint64_t *entry, const char **why)
{
	uint64_t setup_sects, pm_off, pm_size, init_size, align, hdr_end, clen, end;
	uint8_t *bp;

	*why = "too small or no \"HdrS\" setup header: not a bzImage";
	if (size < BP_INIT_SIZE + 4 || get(bz + BP_HDR_MAGIC, 4) != 0x53726448u)
		return -EINVAL;
	*why = "boot protocol older than 2.12 or no 64-bit entry (XLF_KERNEL_64)";
	if (get(bz + BP_HDR_VERSION, 2) < 0x20C || !(get(bz + BP_XLOADFLAGS, 2) & 1))
		return -EINVAL;
	setup_sects = bz[BP_SETUP_SECTS] ? bz[BP_SETUP_SECTS] : 4;
	pm_off = (setup_sects + 1) * 512;
	hdr_end = 0x202u + bz[0x201];
	*why = "setup code or header runs past the end of the file";
	if (pm_off >= size || hdr_end > pm_off || hdr_end < BP_INIT_SIZE + 4)
		return -EINVAL;
	pm_size = size - pm_off;
	init_size = MAX((uint64_t)get(bz + BP_INIT_SIZE, 4), pm_size);
	align = get(bz + BP_KERNEL_ALIGN, 4);
	*why = "kernel not relocatable, or its alignment does not divide 16 MiB";
	if (!bz[BP_RELOCATABLE] || !align || (align & (align - 1)) || (HVSIM_LINUX_LOAD_GPA & (align - 1)))
		return -EINVAL;
	*why = "kernel (init_size) does not fit below the initrd/staging area: raise -m";
	if (add_overflows_u64(HVSIM_LINUX_LOAD_GPA, init_size, &end) || end > li->limit ||
	    end > p->ram_size)
		return -EINVAL;
	clen = strlen(li->cmdline);
	*why = "command line longer than the kernel's cmdline_size";
	if (clen >= HVSIM_LINUX_CMDLINE_MAX || clen > get(bz + BP_CMDLINE_SIZE, 4))
		return -EINVAL;
	*why = "initrd outside guest RAM or below the kernel's end";
	if (li->initrd_size && (li->initrd_gpa < end || li->initrd_gpa + li->initrd_size > p->ram_size ||
				li->initrd_gpa + li->initrd_size > 0xFFFFFFFFull))
		return -EINVAL;

	memmove(p->ram + HVSIM_LINUX_LOAD_GPA, bz + pm_off, pm_size);
	memset(p->ram + HVSIM_LINUX_LOAD_GPA + pm_size, 0, init_size - pm_size);

	bp = p->ram + HVSIM_LINUX_BP_GPA;
	memset(bp, 0, 4096);
	memcpy(bp + BP_SETUP_SECTS, bz + BP_SETUP_SECTS, hdr_end - BP_SETUP_SECTS);
	bp[BP_LOADER_TYPE] = 0xFF;              /* undefined boot loader */
	bp[BP_LOADFLAGS] |= 0x01;               /* LOADED_HIGH */
	put(bp + BP_CODE32_START, HVSIM_LINUX_LOAD_GPA, 4);
	put(bp + BP_RAMDISK_IMAGE, li->initrd_size ? li->initrd_gpa : 0, 4);
	put(bp + BP_RAMDISK_SIZE, li->initrd_size, 4);
	memcpy(p->ram + HVSIM_LINUX_CMDLINE_GPA, li->cmdline, clen + 1);
	put(bp + BP_CMDLINE_PTR, HVSIM_LINUX_CMDLINE_GPA, 4);
	/* e820 from the GPA map: low RAM, the legacy hole, RAM above 1 MiB.
	 * MMIO windows are not RAM and need no entry. */
	e820_add(bp, 0, HVSIM_LINUX_LOW_RAM_END, 1);
	e820_add(bp, HVSIM_LINUX_LOW_RAM_END, 0x100000 - HVSIM_LINUX_LOW_RAM_END, 2);
	e820_add(bp, 0x100000, p->ram_size - 0x100000, 1);
	/* The firmware's ACPI tables (gpamap.h), read-only: reserved, never
	 * "ACPI reclaimable", which the kernel would turn into RAM. */
	unsigned int nfw;
	const struct gpa_window *fw = gpamap_firmware_windows(&nfw);
	for (unsigned int i = 0; i < nfw; i++)
		if (fw[i].size && !fw[i].writable && fw[i].gpa >= p->ram_size)
			e820_add(bp, fw[i].gpa, fw[i].size, 2);
	*entry = HVSIM_LINUX_LOAD_GPA + HVSIM_LINUX_ENTRY64_OFF;
	return 0;
}
