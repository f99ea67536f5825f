/* SPDX-License-Identifier: MIT */
/*
 * Kernel data loaded by LOAD_KDATA before end of boot.  Stored in VTL1
 * memory (copied in once, never re-read from VTL0), bounded per type.
 * The module/kexec validator reads it through vtlp_kdata_get().
 */
#ifndef VTL_PROTECT_KDATA_H
#define VTL_PROTECT_KDATA_H

#include <stddef.h>
#include <stdint.h>

enum vtlp_kdata_type {
	VTLP_KDATA_SYSTEM_CERTS = 0,
	VTLP_KDATA_REVOCATION_CERTS = 1,
	VTLP_KDATA_BLOCKLIST_HASHES = 2,
	VTLP_KDATA_KERNEL_INFO = 3,
	VTLP_KDATA_KERNEL_DATA = 4,
	VTLP_KDATA_PATCH_INFO = 5,
	VTLP_KDATA_KEXEC_TRAMPOLINE = 6,
	VTLP_KDATA_COUNT
};

/* Byte limits per type (requests beyond them get -E2BIG). */
#define VTLP_KDATA_MAX_CERTS      (64u << 10)
#define VTLP_KDATA_MAX_BLOCKLIST  (16u << 10)
#define VTLP_KDATA_MAX_KINFO      (4u << 10)
#define VTLP_KDATA_MAX_BIG        (256u << 10) /* KernelData, KexecTrampoline */
#define VTLP_PATCH_MAX            8192          /* PatchInfo entries */

/*
 * The bytes of one type, in the order VTL0's ranges listed them.
 * Returns 0 with *data and *len set (len may be 0 when nothing was loaded), or
 * -EINVAL for an unknown type.  The data stays valid and unchanged after
 * end of boot (LOAD_KDATA is refused from then on).
 */
/* VTL0 virtual address of a loaded type's first byte (from its ranges). */
int vtlp_kdata_va(enum vtlp_kdata_type type, uint64_t *va);
int vtlp_kdata_get(enum vtlp_kdata_type type, const uint8_t **data, size_t *len);

/* Precomputed text patch (struct heki_patch, 24 bytes, little-endian). */
struct vtlp_patch {
	uint64_t pa[2];   /* bytes [0, n) at pa[0]; the rest at page pa[1] */
	uint8_t size;     /* 1..5 */
	uint8_t code[5];
	uint8_t pad[2];
};

/*
 * Register a precomputed patch (the module validator does this for module
 * jump labels it has verified).  -ENOSPC when full, -EINVAL when malformed.
 */
int vtlp_patch_add(const struct vtlp_patch *p);
/* Forget patches whose targets lie in [pa, epa) (module unload). */
void vtlp_patch_forget(uint64_t pa, uint64_t epa);

#endif
