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
/* Host tests: the next token VALIDATE_MODULE hands out. */
void modval_hooks_set_next_token(int64_t token);

#endif
