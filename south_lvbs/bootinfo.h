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

#define BOOT_MAX_CPUS       64
#define BOOT_SPECIAL_PAGES  16
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
};

#define BOOT_FORMAT_BOOT_PARAMS 1
#define BOOT_FORMAT_FDT         2

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
