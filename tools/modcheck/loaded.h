/* SPDX-License-Identifier: MIT */
/*
 * modcheck --loaded: VTL1's VALIDATE_MODULE decision (signature, then the
 * loaded bytes against the signed ELF with modval_validate_module(), the
 * function VTL1 calls) on a module as it sits in a running kernel's memory,
 * dumped as issue 15 section 4 describes:
 *
 *   DIR/sections.txt   "NAME 0xADDRESS" per line (/sys/module/M/sections)
 *   DIR/NAME.bin       the loaded bytes of section NAME
 *   SYMS               /proc/kallsyms lines: the kernel symbols and thunks
 *
 * From those it rebuilds what VTL1 receives: per LVBS module memory type,
 * the region's VA (every section's address less its offset in Linux's
 * layout; sections that disagree are a refusal) and its bytes, whole pages,
 * zero outside the sections.  A checked region none of whose sections has a
 * .bin (init sections are freed after load) is "not checked": it is still
 * placed at its VA, because other sections' relocations point into it.
 */
#ifndef TOOLS_MODCHECK_LOADED_H
#define TOOLS_MODCHECK_LOADED_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "vtl_protect/modval/modelf.h"
#include "vtl_protect/modval/trust.h"

#define LOADED_MAX_NOTE 1024

struct loaded_result {
	bool ok;
	int err;                       /* 0 or the errno VTL1 would return */
	const char *reason;            /* static text */
	char detail[512];              /* input problems: which file/section */
	const char *signer;            /* signer CN on success */
	bool have_refusal;             /* bytes refused: ref is filled */
	struct modelf_refusal ref;
	char not_checked[LOADED_MAX_NOTE]; /* space-separated section names */
	unsigned int nregions_checked;
	long static_calls;             /* sites VTL1 would register, or -errno */
	const char *static_calls_why;
	struct modelf_kernel kernel;   /* the targets used (for -v) */
};

/*
 * Check the signed module `ko` (len bytes, already decompressed) against the
 * dump in `dir` and the symbols in `syms`.  Returns true if VTL1 would
 * accept it; r says why not.  With `exports`, first print there the exports
 * VTL1 would keep for modules loaded after it ("EXPORT NAME 0xADDR").
 */
bool loaded_check(const struct modval_trust *t, const uint8_t *ko, size_t len, const char *dir,
		  const char *syms, FILE *exports, struct loaded_result *r);

#endif
