/* SPDX-License-Identifier: MIT */
/*
 * Hook table for the calls implemented by the module/kexec validator
 * (vtl_protect/modval/).  Until it registers, those calls return
 * -EOPNOTSUPP.  The dispatcher calls a hook WITHOUT holding the engine lock
 * (validation is long); hooks use the locked helpers in vtl_protect/vtlp.h
 * (vtlp_protect_range, vtlp_measure, vtlp_patch_module_info, vtlp_kdata_get) and
 * north/north.h for VTL0 access.  Each returns the value for VTL0's R8:
 * >= 0 on success (VALIDATE_MODULE: the token), or a negative errno.
 */
#ifndef VTL_PROTECT_MODVAL_HOOKS_H
#define VTL_PROTECT_MODVAL_HOOKS_H

#include <stdint.h>

struct vtlp_modval_hooks {
	/* 0x1FFE6: (pa of range chain, nranges, flags) -> token */
	int64_t (*validate_module)(unsigned int vp, uint64_t pa, uint64_t nranges,
				   uint64_t flags);
	/* 0x1FFE7: (token) */
	int64_t (*free_module_init)(unsigned int vp, uint64_t token);
	/* 0x1FFE8: (token) */
	int64_t (*unload_module)(unsigned int vp, uint64_t token);
	/* 0x1FFE9: (pa, size) of the secondary key blob */
	int64_t (*copy_secondary_key)(unsigned int vp, uint64_t pa, uint64_t size);
	/* 0x1FFEA: (pa of range chain, nranges, crash) */
	int64_t (*kexec_validate)(unsigned int vp, uint64_t pa, uint64_t nranges,
				  uint64_t crash);
};

/*
 * Install the hooks (NULL members stay -EOPNOTSUPP).  Call once from
 * initialisation, before vtlp_serve(); the table must outlive the engine.
 * Passing NULL removes all hooks.
 */
void vtlp_register_modval(const struct vtlp_modval_hooks *hooks);

#endif
