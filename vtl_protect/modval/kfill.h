/* SPDX-License-Identifier: MIT */
/*
 * Filling struct modelf_kernel (the branch targets a patched module site may
 * take) from a symbol lookup.  One table of names, used by VTL1 (lookup =
 * the kernel's own ksymtab inside KernelData, then KernelInfo's values win)
 * and by `modcheck --loaded` (lookup = a /proc/kallsyms file), so both
 * sides ask for the same symbols the same way.
 *
 * Which of these Debian's kernels export (EXPORT_SYMBOL, so VTL1 finds them
 * in the ksymtab): 6.1.0-57 and 6.12.118 both export __x86_return_thunk,
 * its_return_thunk and __x86_indirect_thunk_rax (the first entry of
 * __x86_indirect_thunk_array); neither exports the ITS indirect thunks, the
 * paravirt natives or the call-depth thunks.  KernelInfo supplies
 * return_thunk, indirect_thunk_array, pv_nop and pv_bug.  So VTL1 knows
 * every field except its_thunk_array and call_depth_thunks, which stay 0 (a
 * site patched to branch there is refused).  modcheck, reading kallsyms
 * (which lists every symbol, exported or not), clears its_thunk_array after
 * the fill so that it sees what VTL1 sees (see modcheck.1).
 */
#ifndef VTL_PROTECT_MODVAL_KFILL_H
#define VTL_PROTECT_MODVAL_KFILL_H

#include "vtl_protect/modval/modelf.h"

/*
 * Look every field's symbol up with `look` (a modelf_resolve_fn; -ENOENT
 * leaves the field 0).  Does not touch is_kernel_text/ctx.  Returns how many
 * fields were found.
 */
int modval_kernel_fill(struct modelf_kernel *k, modelf_resolve_fn look, void *ctx);

/*
 * Drop (set to 0, with a log line) every target that does not lie in kernel
 * text as k->is_kernel_text says: a thunk address from a table VTL0 wrote
 * must not let a site branch into data.  Without is_kernel_text every target
 * is dropped.  Returns how many were dropped.
 */
int modval_kernel_vet(struct modelf_kernel *k);

/* Name of field i (0 .. MODVAL_KERNEL_NFIELDS-1) and its slot in k. */
#define MODVAL_KERNEL_NFIELDS 7
const char *modval_kernel_field(struct modelf_kernel *k, unsigned int i, uint64_t **slot);

#endif
