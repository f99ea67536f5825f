/* SPDX-License-Identifier: MIT */
/*
 * Boot information from the VTL1 loader, in one validated form.  The LVBS
 * loader hands over a Linux boot_params page and a command line; a loader may
 * instead hand over a flattened device tree (docs/boot-protocol.md).  Each
 * format has its own parser; both fill struct boot_info and both refuse
 * anything inconsistent with a reason, never a silent default.  They run on
 * copies (arch/ copies the loader's pages first) and are fuzzed on the host.
 */
#ifndef SOUTH_LVBS_BOOTINFO_H
#define SOUTH_LVBS_BOOTINFO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Every VP VTL0 can name: V3 allows 96, V4 has no limit; per-CPU state is
 * sized by this (arch/x86_64/percpu.h MAX_CPUS must be at least as large). */
#define BOOT_MAX_CPUS       1024
#define BOOT_SPECIAL_PAGES  16   /* V3; V4 has 14, the 2 after them stay unused */
#define BOOT_PG_BOOT_PARAMS 14   /* V2/V3 page holding boot_params */
#define BOOT_MIN_VTL1_SIZE  (16ULL << 20)
#define BOOT_POLICY_MAX     (64u << 10)

struct boot_info {
	uint64_t vtl1_start;   /* VTL1 region [start, end): page aligned */
	uint64_t vtl1_end;
	uint64_t ram_end;      /* top of the partition's memory map */
	unsigned int possible_cpus;
	uint64_t policy_pa;    /* policy DTB in VTL0 memory, 0 if none */
	uint64_t policy_len;
	unsigned int format;   /* BOOT_FORMAT_* */
	unsigned int gen;      /* BOOT_GEN_*: which VTL0 generation booted us */
};

#define BOOT_FORMAT_BOOT_PARAMS 1
#define BOOT_FORMAT_FDT         2
#define BOOT_FORMAT_REGS        3 /* V4: everything in the first call's registers */

/*
 * VTL0 generations (docs/compatibility.md).  V2 and V3 boot the same way
 * (RDI = 0, RSI = page 14); V2 also sends ENABLE_APS_VTL before BOOT_APS.
 */
#define BOOT_GEN_V3 3 /* V2/V3: boot_params (or vtlguard's FDT) at page 14 */
#define BOOT_GEN_V4 4 /* upstream candidate: (cpus, region start, size, 0) */

/* The first VTL call's registers, as VTL0 passed them. */
struct boot_regs {
	uint64_t rdi, rsi, rdx, r8;
};

/*
 * Which generation made this first call (the decision table in
 * docs/boot-protocol.md), from the registers and where the image runs.
 * Returns BOOT_GEN_* or -EINVAL with *why naming what was recognised.
 */
int boot_detect_generation(const struct boot_regs *r, uint64_t image_pa, const char **why);

/*
 * V4: the region is [RSI, RSI + RDX), RDI possible CPUs; no boot_params and
 * no command line.  `phys_limit` (1 << MAXPHYADDR) stands in for the top of
 * partition memory, which V4 does not pass.
 */
int boot_info_from_v4(const struct boot_regs *r, uint64_t image_pa, uint64_t image_size,
		      uint64_t phys_limit, struct boot_info *out, const char **why);

/*
 * The whole first-call decision: detect the generation, then parse what it
 * sent (`page`/`len` is the copy of the page at RSI, len 0 when arch/ did not
 * read one).  Returns 0 or -EINVAL with *why; on success out->gen is set.
 */
int boot_info_from_first_call(const struct boot_regs *r, const uint8_t *page, size_t len,
			      const char *cmdline, uint64_t image_pa, uint64_t image_size,
			      uint64_t phys_limit, struct boot_info *out, const char **why);

/*
 * From a copy of the boot_params page (`bp`, bp_len bytes) and the command
 * line: the e820 RAM entry that holds the image is VTL1's region.  `image_pa`
 * and `image_size` say where the image runs.  Returns 0 or -EINVAL with *why.
 */
int boot_info_from_boot_params(const uint8_t *bp, size_t bp_len, const char *cmdline,
			       uint64_t image_pa, uint64_t image_size, struct boot_info *out,
			       const char **why);

/* From a flattened device tree (see docs/boot-protocol.md for the nodes). */
int boot_info_from_fdt(const void *fdt, size_t len, uint64_t image_pa, uint64_t image_size,
		       struct boot_info *out, const char **why);

/* Either format: an FDT when the page starts with the FDT magic. */
int boot_info_parse(const uint8_t *page, size_t len, const char *cmdline, uint64_t image_pa,
		    uint64_t image_size, struct boot_info *out, const char **why);

/* True when `word` is one whole space-separated word of the command line. */
bool boot_cmdline_has(const char *cmdline, const char *word);

/* Parse "possible_cpus=N" and "vtlguard.policy=PA,LEN" from a command line. */
int boot_cmdline_parse(const char *cmdline, struct boot_info *out, const char **why);

#endif
