/* SPDX-License-Identifier: MIT */
/*
 * Linux bzImage loading for the 64-bit boot protocol (Documentation/arch/x86/
 * boot.rst): portable, so the host unit tests check it on crafted images.
 */
#ifndef HVSIM_LINUX_H
#define HVSIM_LINUX_H

#include <stdint.h>

#include "tools/hvsim/partition.h"

struct linux_image {
	uint64_t initrd_gpa, initrd_size; /* 0, 0: no initrd */
	const char *cmdline;              /* NUL terminated */
	uint64_t limit;                   /* the kernel's init_size must end at or below */
};

/*
 * Checks the bzImage in bz[0..size) (hostile: it comes from the user),
 * copies its protected-mode part to HVSIM_LINUX_LOAD_GPA in guest RAM and
 * builds boot_params (setup header, e820, initrd, command line) at
 * HVSIM_LINUX_BP_GPA.  bz must not overlap [LOAD_GPA, limit).  Returns 0 and
 * the 64-bit entry GPA, or -EINVAL with *why set.
 */
int linux_load(struct hv_partition *p, const uint8_t *bz, uint64_t size,
	       const struct linux_image *li, uint64_t *entry, const char **why);

/* boot_params offsets used by hvsim and the boot stage */
#define BP_SETUP_SECTS     0x1F1u
#define BP_HDR_MAGIC       0x202u
#define BP_HDR_VERSION     0x206u
#define BP_LOADER_TYPE     0x210u
#define BP_LOADFLAGS       0x211u
#define BP_CODE32_START    0x214u
#define BP_RAMDISK_IMAGE   0x218u
#define BP_RAMDISK_SIZE    0x21Cu
#define BP_CMDLINE_PTR     0x228u
#define BP_KERNEL_ALIGN    0x230u
#define BP_RELOCATABLE     0x234u
#define BP_XLOADFLAGS      0x236u
#define BP_CMDLINE_SIZE    0x238u
#define BP_INIT_SIZE       0x260u
#define BP_E820_NR         0x1E8u
#define BP_E820_MAP        0x2D0u
#define BP_E820_MAX        128u

#endif
