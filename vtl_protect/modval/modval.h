/* SPDX-License-Identifier: MIT */
/*
 * One-call entry points for the policy engine's VALIDATE_MODULE and
 * KEXEC_VALIDATE handlers.  The caller has already copied every VTL0 byte
 * into VTL1 memory and write-protected the VTL0 pages (TOCTOU); these
 * functions only decide.  They never touch VTL0 memory or page permissions.
 */
#ifndef VTL_PROTECT_MODVAL_MODVAL_H
#define VTL_PROTECT_MODVAL_MODVAL_H

#include "vtl_protect/modval/authenticode.h"
#include "vtl_protect/modval/modelf.h"
#include "vtl_protect/modval/modsig.h"
#include "vtl_protect/modval/trust.h"

struct modval_module_input {
	const uint8_t *file;            /* ElfBuffer: the signed .ko (VTL1 copy) */
	size_t file_len;
	struct modelf_region mem[MODELF_NREGIONS]; /* loaded regions by type */
	modelf_resolve_fn resolve;      /* kernel/module exported symbols */
	void *resolve_ctx;
	const struct modelf_kernel *kernel; /* trusted branch targets; NULL: none */
	struct modelf_refusal *refusal; /* filled (and logged) on -EKEYREJECTED; may be NULL */
	struct modelf_layout *layout;   /* caller storage (about 9 KiB) */
	uint8_t *scratch;               /* >= largest of Text/RoData/InitText/InitRoData */
	size_t scratch_len;
};

/*
 * Verify the module's signature (trust store, revocations, blocklist), then
 * that the loaded Text/RoData/InitText/InitRoData regions are exactly the
 * signed ELF relocated at the reported addresses.  Returns 0 with res filled,
 * or a negative errno (see modsig.h and modelf.h) with res->reason set.
 * Logs one line either way.
 */
int modval_validate_module(const struct modval_trust *t, const struct modval_module_input *in,
			   struct modsig_result *res);

/*
 * FREE_MODULE_INIT: compare the module's RoAfterInit region (in->mem[3],
 * copied into VTL1 after VTL1 made it read-only) with the signed ELF that
 * VALIDATE_MODULE already verified (in->file = its signed content only, no
 * signature).  Every other region is left out (absent): they were checked
 * at VALIDATE_MODULE and the init ones are being freed; their VAs in
 * in->mem[t].va are still needed to relocate.  `.data..ro_after_init` is
 * not compared (module init writes it); `__jump_table` must be the ELF's
 * entries in ELF order or in the kernel's sort.  0, or a negative errno
 * (-EKEYREJECTED: the bytes differ; the refusal record is logged).
 */
int modval_check_ro_after_init(const struct modval_module_input *in, const char **why);

/* KEXEC_VALIDATE: Authenticode check of the (copied) kernel image. */
int modval_validate_kexec(const struct modval_trust *t, const uint8_t *img, size_t len,
			  struct authenticode_result *res);

#endif
