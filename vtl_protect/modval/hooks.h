/* SPDX-License-Identifier: MIT */
/*
 * VSM-call glue of the module/kexec validator (hooks.c): registers
 * VALIDATE_MODULE, FREE_MODULE_INIT, UNLOAD_MODULE, COPY_SECONDARY_KEY and
 * KEXEC_VALIDATE with the engine's dispatcher (vtl_protect/modval_hooks.h).
 */
#ifndef VTL_PROTECT_MODVAL_HOOKS_H_
#define VTL_PROTECT_MODVAL_HOOKS_H_

#include <stdint.h>

/* Call once after vtlp_init() and before vtlp_serve(). */
void modval_hooks_install(void);

/*
 * The kernel-data layer reports the VTL0 VA of the first KernelData byte
 * (LVBS sends [__start_rodata, __end_rodata)).  Until it does, modules that
 * import kernel symbols are refused with -ENOENT.
 */
void modval_set_kernel_data_va(uint64_t va);

/* Host tests: forget modules, kexec state and the trust store. */
void modval_hooks_reset(void);
/*
 * Host tests: lower the module-table and per-module extent limits (0 = the
 * built-in MV_MAX_MODULES / MV_MAX_EXTENTS) to show what happens at them.
 */
void modval_hooks_set_limits(unsigned int max_modules, unsigned int max_extents);
/*
 * Host tests: the trusted branch targets VALIDATE_MODULE would hand the
 * site-aware rule now (k->is_kernel_text stays usable until the next call).
 */
struct modelf_kernel;
void modval_hooks_kernel_targets(struct modelf_kernel *k);
/* Host tests: the next token VALIDATE_MODULE hands out. */
void modval_hooks_set_next_token(int64_t token);

#endif
