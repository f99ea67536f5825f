/* SPDX-License-Identifier: MIT */
/*
 * The contract between hvsim and the VTL0 guest it starts (see docs/hvsim.md).
 *
 * Guest physical layout set up by hvsim before the first instruction:
 *   0x1000            struct hvsim_boot_info (RDI = RSI = this GPA)
 *   0x2000            GDT: null, 0x08 64-bit code, 0x10 data
 *   0x3000            PML4, 0x4000 PDPT, 0x5000-0x8FFF four PDs: identity map of
 *                     GPA 0..4 GiB with 2 MiB pages (RWX, supervisor)
 *   0x10000-0x7FFFF   initial stack (RSP = 0x80000)
 *   >= 0x100000       the VTL0 ELF's PT_LOAD segments at their p_paddr
 *   blob_gpa          optional second file (e.g. build/vtlguard.elf), raw bytes,
 *                     2 MiB aligned, right above the VTL0 image
 * VP0 starts in VTL0, 64-bit long mode, CPL0, CR0 = PG|WP|NE|ET|MP|PE,
 * CR4 = PAE|PGE|OSFXSR|OSXMMEXCPT, EFER = LME|LMA|NXE|SCE, RFLAGS = 0x2,
 * RIP = ELF entry, interrupts off, no IDT (IDTR limit 0).
 *
 * Exit channel: a write of a byte to I/O port HVSIM_EXIT_PORT from any VTL
 * stops the partition; tools/hvsim/run exits with (value & 0x7f).
 * The Hyper-V crash MSRs (CRASH_CTL bit 63) stop it with HVSIM_EXIT_GUEST_CRASH.
 */
#ifndef HVSIM_BOOTINFO_H
#define HVSIM_BOOTINFO_H

#include <stdint.h>

#define HVSIM_BOOTINFO_GPA     0x1000ull
#define HVSIM_GUEST_GDT_GPA    0x2000ull
#define HVSIM_GUEST_PML4_GPA   0x3000ull
#define HVSIM_GUEST_PDPT_GPA   0x4000ull
#define HVSIM_GUEST_PD_GPA     0x5000ull
#define HVSIM_GUEST_STACK_TOP  0x80000ull
#define HVSIM_GUEST_LOAD_MIN   0x100000ull

#define HVSIM_BOOT_MAGIC       0x3149424d49535648ull /* "HVSIMBI1" */
#define HVSIM_BOOT_VERSION     1
#define HVSIM_BOOT_TRACE       (1u << 0)
#define HVSIM_BOOT_LINUX       (1u << 1) /* a Linux bzImage waits at HVSIM_LINUX_BP_GPA */

/*
 * Linux mode (tools/hvsim/run --kernel): hvsim loads the bzImage's
 * protected-mode kernel at HVSIM_LINUX_LOAD_GPA, the initrd at the top of
 * guest RAM, and builds the boot_params ("zero page") of the 64-bit boot
 * protocol at HVSIM_LINUX_BP_GPA with the command line after it.  The 64-bit
 * entry is boot_params.hdr.code32_start + 0x200; the GDT then also has
 * __BOOT_CS 0x10 (64-bit code) and __BOOT_DS 0x18.  Without a VTL0 ELF, VP0
 * starts there itself (RSI = HVSIM_LINUX_BP_GPA); with one (the LVBS boot
 * stage, tests/linux/stage.c) the ELF starts first with HVSIM_BOOT_LINUX set.
 */
#define HVSIM_LINUX_BP_GPA       0x90000ull
#define HVSIM_LINUX_CMDLINE_GPA  0x91000ull
#define HVSIM_LINUX_CMDLINE_MAX  4096u
#define HVSIM_LINUX_LOAD_GPA     0x1000000ull /* 16 MiB: LOAD_PHYSICAL_ADDR */
#define HVSIM_LINUX_ENTRY64_OFF  0x200u
#define HVSIM_LINUX_LOW_RAM_END  0x9F000ull   /* e820: RAM below, reserved up to 1 MiB */
#define HVSIM_GUEST_CS64_LINUX   0x10u
#define HVSIM_GUEST_DS_LINUX     0x18u

#define HVSIM_EXIT_PORT        0xF4  /* byte written = exit status 0..127 */
#define HVSIM_CONSOLE_PORT     0x3F8 /* 16550-like: THR writes, LSR reads 0x60 */

/* hvsim's own statuses (never chosen by a well-behaved guest) */
#define HVSIM_EXIT_UNEXPECTED    120 /* unexpected exit / VMEXIT_INVALID (VMCB dump printed) */
#define HVSIM_EXIT_PANIC         121 /* hvsim itself failed */
#define HVSIM_EXIT_GUEST_CRASH   122 /* a guest used the Hyper-V crash MSRs */
#define HVSIM_EXIT_NO_VTL1       123 /* intercept with no VTL1 SynIC to deliver it to */
#define HVSIM_EXIT_TRIPLE_FAULT  124 /* guest shutdown (triple fault) */
#define HVSIM_EXIT_ALL_HALTED    125 /* every VP halted with nothing to wake it */

struct hvsim_boot_info {
	uint64_t magic;       /* HVSIM_BOOT_MAGIC */
	uint32_t version;     /* HVSIM_BOOT_VERSION */
	uint32_t size;        /* sizeof(struct hvsim_boot_info) */
	uint64_t ram_size;    /* guest RAM is GPA [0, ram_size) */
	uint32_t nr_vps;      /* VPs in the partition (-smp) */
	uint32_t flags;       /* HVSIM_BOOT_* */
	uint64_t image_start; /* lowest GPA of the VTL0 image */
	uint64_t image_end;   /* end of the VTL0 image (after .bss) */
	uint64_t blob_gpa;    /* optional blob, 0 when none */
	uint64_t blob_size;
	uint64_t free_gpa;    /* 2 MiB aligned; [free_gpa, ram_size) is unused RAM */
	char cmdline[128];    /* guest command line (NUL terminated) */
};

_Static_assert(sizeof(struct hvsim_boot_info) == 200, "boot info layout");

#endif
