/* SPDX-License-Identifier: MIT */
/* State early_main() leaves behind for arch_main(). */
#ifndef ARCH_X86_64_EARLY_H
#define ARCH_X86_64_EARLY_H

#include <stddef.h>
#include <stdint.h>
#include "arch/x86_64/boot.h"

#define EARLY_PT_POOL_PAGES 64
#define EARLY_CMDLINE_MAX   4096

/* Layout of boot_raw for PVH boots. */
#define PVH_RAW_MEMMAP_OFF   64
#define PVH_RAW_MAX_MEMMAP   128
#define PVH_RAW_MODLIST_OFF  (PVH_RAW_MEMMAP_OFF + PVH_RAW_MAX_MEMMAP * 24)
#define PVH_RAW_MAX_MODULES  16

extern uint8_t early_pt_pool[EARLY_PT_POOL_PAGES][4096];
extern unsigned int early_pt_used;
extern uint64_t early_cr3;
extern uint8_t boot_raw[BOOT_RAW_MAX];
extern size_t boot_raw_size;
extern char boot_cmdline[EARLY_CMDLINE_MAX];

uint64_t early_main(unsigned int kind, uint64_t info_pa, uint64_t load_pa, uint64_t entry_rdi);

#endif
