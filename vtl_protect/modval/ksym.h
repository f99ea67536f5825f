/* SPDX-License-Identifier: MIT */
/*
 * Kernel exported-symbol lookup for module relocation, from what LVBS sends
 * with LOAD_KDATA: KernelInfo (struct heki_kinfo: u64 ksymtab_start,
 * ksymtab_end, ksymtab_gpl_start, ksymtab_gpl_end, then arch data) and
 * KernelData (the kernel's [__start_rodata, __end_rodata) bytes, which hold
 * __ksymtab and the symbol names).  x86_64 kernels use PREL32 entries
 * {s32 value_offset, s32 name_offset, s32 namespace_offset}, each offset
 * relative to its own field, sorted by name (Linux bsearch()es them).
 */
#ifndef VTL_PROTECT_MODVAL_KSYM_H
#define VTL_PROTECT_MODVAL_KSYM_H

#include <stddef.h>
#include <stdint.h>

#define MODVAL_KSYM_ENTRY 12
#define MODVAL_KSYM_MAX   (1u << 20)     /* entries per table */
#define MODVAL_KSYM_NAME  512            /* longest name considered */

struct modval_ksyms {
	const uint8_t *data;    /* KernelData copy in VTL1 */
	size_t len;
	uint64_t va;            /* VTL0 VA of data[0] (__start_rodata) */
	uint64_t start[2], end[2]; /* ksymtab, ksymtab_gpl VAs */
};

/* Check the tables lie inside KernelData; 0 or -EINVAL with *why. */
int modval_ksyms_init(struct modval_ksyms *k, const uint8_t *kinfo, size_t kinfo_len,
		      const uint8_t *kdata, size_t kdata_len, uint64_t kdata_va,
		      const char **why);

/*
 * The same over any bytes: data (len) at VTL0 VA va holding the two tables
 * [start[t], end[t]) (VAs) and their names.  For a validated module's
 * exports (hooks.c).  0 or -EINVAL with *why.
 */
int modval_ksyms_init_table(struct modval_ksyms *k, const uint8_t *data, size_t len, uint64_t va,
			    const uint64_t start[2], const uint64_t end[2], const char **why);

/* Entry i of table t (0 ksymtab, 1 gpl): its name and value; -ENOENT past
 * the end or when the entry cannot be read. */
int modval_ksyms_entry(const struct modval_ksyms *k, int t, size_t i, const char **name,
		       uint64_t *addr);

/* modelf_resolve_fn: ctx is a struct modval_ksyms.  0 or -ENOENT. */
int modval_ksyms_resolve(void *ctx, const char *name, uint64_t *addr);

#endif
