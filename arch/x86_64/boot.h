/* SPDX-License-Identifier: MIT */
/*
 * What arch/ hands to an image once the CPU runs in the image's own address
 * space.  Each image (vtlguard, hvsim) provides image_main().
 */
#ifndef ARCH_X86_64_BOOT_H
#define ARCH_X86_64_BOOT_H

#ifdef __ASSEMBLY__
#define _UL(x) x
#else
#define _UL(x) x##UL
#endif

#define BOOT_PVH  1 /* stock QEMU -kernel (PVH note, 32-bit entry) */
#define BOOT_LVBS 2 /* LVBS loader: 64-bit entry, the first VTL call's registers */

/* Virtual layout shared by every image. */
#define IMAGE_VBASE      _UL(0xffffffff80000000)
#define DIRECT_MAP_BASE  _UL(0xffff888000000000)
#define STACKS_VBASE     _UL(0xffffc90000000000)
#define WINDOWS_VBASE    _UL(0xffffc98000000000)

/* PVH loads the image at this physical address (p_paddr of the first PT_LOAD). */
#define PVH_LOAD_PA      _UL(0x01000000)
#define PVH_SCRATCH_SIZE _UL(0x8000) /* page tables for the 32->64 switch, below the image */

#ifndef __ASSEMBLY__
#include <stddef.h>
#include <stdint.h>

/* Raw boot information, copied into the image before anything else runs. */
#define BOOT_RAW_MAX 8192
#define BOOT_RAM_MAX 32

struct boot_ram_range {
	uint64_t pa, size;
};

struct boot_handoff {
	unsigned int kind;     /* BOOT_PVH or BOOT_LVBS */
	uint64_t load_pa;   /* physical address of the first image byte */
	uint64_t image_size;/* bytes from load_pa to the end of .bss */
	uint64_t info_pa;   /* PVH: hvm_start_info; LVBS: the first call's RSI */
	uint64_t entry_rdi; /* LVBS: the first call's RDI, RDX and R8, as VTL0 */
	uint64_t entry_rdx; /* passed them (their meaning depends on the       */
	uint64_t entry_r8;  /* generation: docs/boot-protocol.md)              */
	/* LVBS: arch/ found no usable VTL1 region in the boot information and
	 * runs on the small pool inside the image, only enough to refuse the
	 * boot with an error to VTL0 (never to serve). */
	int emergency_pool;
	/* RAM the image may use (already excludes the image itself). */
	const struct boot_ram_range *ram;
	unsigned int nram;
	/* PVH: hvm_start_info, memmap, cmdline. LVBS: boot_params page (only
	 * when the first call can carry one; raw_size 0 otherwise) then the
	 * command-line page. Copied before the loader's memory could change. */
	const uint8_t *raw;
	size_t raw_size;
	const char *cmdline;   /* NUL-terminated copy, "" if none */
};

void image_main(const struct boot_handoff *h);
/* Exit code for stock QEMU's isa-debug-exit; ignored outside PVH boots. */
void arch_qemu_exit(unsigned int code);
/* The isa-debug-exit code panic() reports (default 0x12); an image whose
 * exit codes mean something else (hvsim) picks its own. */
void arch_set_panic_status(unsigned int code);

#endif /* __ASSEMBLY__ */

#endif
