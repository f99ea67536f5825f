/* SPDX-License-Identifier: MIT */
/*
 * A module's static-call sites, from its signed ELF (issue 15 section 3):
 * `.static_call_sites` entries {s32 addr; s32 key} whose addr relocation
 * names the 5-byte call (or, with bit 0 of the key relocation's addend, the
 * tail-call jmp) in the module's text, the module's own `__SCT__*`
 * trampolines (jmp/ret), and its ftrace sites (`__mcount_loc`: 8-byte
 * absolute addresses, R_X86_64_64, of each function's `call __fentry__`).  Placed at the loaded regions' VAs with Linux's
 * layout (modelf_layout()).  VTL1 registers them as PATCH_TEXT sites.
 */
#ifndef VTL_PROTECT_MODVAL_SCSITES_H
#define VTL_PROTECT_MODVAL_SCSITES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "vtl_protect/modval/modelf.h"

#define MODVAL_SC_CALL 1  /* call site: E8 / NOP5 / xor5rax */
#define MODVAL_SC_TAIL 2  /* tail-call site or trampoline: E9 / ret */
#define MODVAL_SC_FTRACE 3 /* ftrace site (__mcount_loc): NOP5 / E8 */

struct modval_sc_site {
	uint64_t va;
	uint8_t kind;
	bool init;     /* in InitText */
};

/*
 * Fill out[] (room for max) from the ELF's content (elf, len: the signed
 * bytes) placed at va[type].  Returns the count, or -EBADMSG (malformed
 * table) / -E2BIG (more than max) / -EINVAL (a site outside the module's
 * Text and InitText) with *why.  With out == NULL it only counts.
 */
long modval_sc_sites(const uint8_t *elf, size_t len, const struct modelf_layout *lay,
		     const uint64_t va[MODELF_NREGIONS], struct modval_sc_site *out, size_t max,
		     const char **why);

/*
 * The module's exports (issue 15, distribution scale: a module may import
 * from modules validated before it): RoData offsets [start, end) of its
 * __ksymtab and __ksymtab_gpl (Linux's PREL32 entries, sorted by name, as
 * the kernel's) and the span [lo, hi) of RoData holding them and
 * __ksymtab_strings.  Returns 0, 1 when the module exports nothing, or
 * -EBADMSG / -EINVAL (tables outside RoData) with *why.
 */
int modval_export_tables(const uint8_t *elf, size_t len, const struct modelf_layout *lay,
			 uint64_t tab[2][2], uint64_t span[2], const char **why);

#endif
