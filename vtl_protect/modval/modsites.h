/* SPDX-License-Identifier: MIT */
/*
 * modsites: the patch sites a Linux x86_64 module lists in its own tables
 * (found through the tables' relocations, so a site is named by section +
 * offset in the ELF, independent of load addresses), and the byte forms
 * Linux may leave at each kind of site.  Table layouts are pinned per kernel
 * version (modsites.c); a version not pinned is refused.  Portable C shared
 * by VTL1 (modelf.c), modcheck and tools/modtruth.
 */
#ifndef VTL_PROTECT_MODVAL_MODSITES_H
#define VTL_PROTECT_MODVAL_MODSITES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "vtl_protect/modval/kelf.h"
#include "vtl_protect/modval/modelf.h"

enum ksite_kind {
	KSITE_RETURN,       /* .return_sites: jmp/jcc __x86_return_thunk */
	KSITE_RETPOLINE,    /* .retpoline_sites: call/jmp/jcc __x86_indirect_thunk_* */
	KSITE_CALL_DEPTH,   /* .call_sites: call-depth accounting */
	KSITE_JUMP_LABEL,   /* __jump_table code field */
	KSITE_LOCK,         /* .smp_locks: one lock prefix byte */
	KSITE_STATIC_CALL,  /* .static_call_sites addr field */
	KSITE_ALTERNATIVE,  /* .altinstructions: instr_offset, instrlen bytes */
	KSITE_PARAVIRT,     /* .parainstructions (6.1, 6.6): instr, len */
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
	/* Second location of the entry: a jump label's target, an
	 * alternative's replacement (aux_len = replacementlen).  aux_shndx 0
	 * when the kind has none or it is not a module section. */
	uint32_t aux_shndx, aux_len;
	uint64_t aux_off;
	uint8_t pv_type; /* paravirt: the patch type */
};

/* Per kernel version: what differs between the pinned table layouts. */
struct ksites_ver {
	const char *name;
	unsigned int alt_entsize;   /* sizeof(struct alt_instr) */
};

/* Table section name and printable name of a kind. */
const char *ksite_table(unsigned int kind);
const char *ksite_name(unsigned int kind);

/* Layouts for a module's kernel version (its vermagic); -EOPNOTSUPP if not pinned. */
int ksites_version(const char *vermagic, struct ksites_ver *v);

/* True if the module has any table whose layout depends on the version. */
bool ksites_has_tables(const struct kelf *k);

/*
 * Call fn for every site of one kind (entries in table order).  0, the
 * first non-zero return of fn, or -EBADMSG (*why names the table problem).
 */
typedef int (*ksite_fn)(void *ctx, const struct ksite *s);
int ksites_for_each(const struct kelf *k, const struct ksites_ver *v, unsigned int kind,
		    ksite_fn fn, void *ctx, const char **why);

/* Every site of every kind into out (at most max): 0, -EBADMSG or -ENOSPC. */
int ksites_collect(const struct kelf *k, const struct ksites_ver *v, struct ksite *out,
		   size_t max, size_t *n, const char **why);

/*
 * One site as loaded, for the form check.  exp: the bytes Linux started
 * from (ELF+RELA at the load address, with any site nested inside already
 * accepted); got: what VTL0 loaded; both len bytes at VA va.
 */
struct ksite_view {
	const struct ksite *s;
	const uint8_t *exp, *got;
	uint64_t va;
	const uint8_t *repl;      /* alternative: loaded replacement bytes, or NULL */
	uint64_t repl_va;
	uint64_t target_va;       /* jump label: the entry's target (0: unknown) */
	/* Is va the start of code a static call may take: validated kernel
	 * text (kernel->is_kernel_text) or this module's own text? */
	bool (*call_target_ok)(void *ctx, uint64_t va);
	void *ctx;
};

/*
 * Do the loaded bytes at a site match a form Linux produces for that kind
 * (including "unchanged")?  Branch targets come from kernel only (NULL: no
 * target is trusted).  Returns 0, or -EKEYREJECTED with *why saying which
 * rule failed.
 */
int ksite_form_ok(const struct ksite_view *v, const struct modelf_kernel *kernel,
		  const char **why);

/* A run of n bytes that Linux writes as padding: its NOPs, or a short jmp
 * over INT3s (add_nop() of 6.2+). */
bool ksite_fill_ok(const uint8_t *b, size_t n);

#endif
