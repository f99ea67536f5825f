/* SPDX-License-Identifier: MIT */
/*
 * VSM-call glue of the module/kexec validator (hooks.c): registers
 * VALIDATE_MODULE, FREE_MODULE_INIT, UNLOAD_MODULE, COPY_SECONDARY_KEY and
 * KEXEC_VALIDATE with the engine's dispatcher (vtl_protect/modval_hooks.h).
 */
#ifndef VTL_PROTECT_MODVAL_HOOKS_H_
#define VTL_PROTECT_MODVAL_HOOKS_H_

/* Call once after vtlp_init() and before vtlp_serve(). */
void modval_hooks_install(void);

/* Host tests: forget modules, kexec state and the trust store. */
void modval_hooks_reset(void);

#endif
