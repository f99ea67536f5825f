/* SPDX-License-Identifier: MIT */
/*
 * sites: the patch sites a Linux x86_64 module lists in its own tables, found
 * through the tables' relocations (so a site is named by section + offset in
 * the ELF, independent of load addresses).  Layouts pinned for Linux 6.1 and
 * 6.12 (the same for every kind used here; see sites.c).  Portable C.
 */
#ifndef TOOLS_MODTRUTH_SITES_H
#define TOOLS_MODTRUTH_SITES_H

#include <stddef.h>
#include <stdint.h>

#include "tools/modtruth/kelf.h"

enum ksite_kind {
	KSITE_RETURN,       /* .return_sites: jmp/jcc __x86_return_thunk */
	KSITE_RETPOLINE,    /* .retpoline_sites: call/jmp/jcc __x86_indirect_thunk_* */
	KSITE_CALL_DEPTH,   /* .call_sites: call-depth accounting */
	KSITE_JUMP_LABEL,   /* __jump_table code field */
	KSITE_LOCK,         /* .smp_locks: one lock prefix byte */
	KSITE_STATIC_CALL,  /* .static_call_sites addr field */
	KSITE_ALTERNATIVE,  /* .altinstructions: instr_offset, instrlen bytes */
	KSITE_PARAVIRT,     /* .parainstructions (6.1): instr, len */
	KSITE_FTRACE,       /* __mcount_loc: call __fentry__ */
	KSITE_ENDBR_SEAL,   /* .ibt_endbr_seal: endbr64 */
	KSITE_SCT_TRAMP,    /* the module's own static-call trampolines (__SCT__*
			     * symbols in .static_call.text): jmp rel32 / ret */
	KSITE_NKINDS,
};

struct ksite {
	uint32_t shndx;  /* section holding the site */
	uint32_t len;
	uint64_t off;    /* offset in that section */
	uint32_t kind;
};

/* Table section name and printable name of a kind. */
const char *ksite_table(unsigned int kind);
const char *ksite_name(unsigned int kind);

/* Layout parameters for a module's kernel version (vermagic); -EOPNOTSUPP if unknown. */
int ksites_version(const char *vermagic, unsigned int *alt_entsize);

/*
 * Append every site of every known table to out (at most max).  Sites whose
 * table names a section the ELF does not have are an error.  0, -EBADMSG
 * (*why says which table) or -ENOSPC.
 */
int ksites_collect(const struct kelf *k, const char *vermagic, struct ksite *out, size_t max,
		   size_t *n, const char **why);

#endif
