/* SPDX-License-Identifier: MIT */
/*
 * Kernel data loaded by LOAD_KDATA before end of boot.  Stored in VTL1
 * memory (copied in once, never re-read from VTL0), bounded per type.
 * The module/kexec validator reads it through vtlp_kdata_get().
 */
#ifndef VTL_PROTECT_KDATA_H
#define VTL_PROTECT_KDATA_H

#include <stdbool.h>
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

/*
 * Byte limits per type (requests beyond them get -E2BIG), 4x or more what a
 * distribution kernel sends; the buffers are allocated at need, within the
 * heap budget of one engine table (a quarter of VTL1's heap).
 */
#define VTLP_KDATA_MAX_CERTS      (256u << 10)
#define VTLP_KDATA_MAX_BLOCKLIST  (256u << 10) /* 400 slots x 133 bytes, 4x */
#define VTLP_KDATA_MAX_KINFO      (4u << 10)
#define VTLP_KDATA_MAX_BIG        (64u << 20)  /* KernelData, KexecTrampoline */
#define VTLP_PATCH_MAX            (1u << 18)   /* jump-label sites, kernel + modules */
/* PatchInfo bytes: every entry could come in a block of its own. */
#define VTLP_KDATA_MAX_PATCHINFO  (VTLP_PATCH_MAX * (24u + 48u))

/*
 * The bytes of one type, in the order VTL0's ranges listed them.
 * Returns 0 with *data and *len set (len 0 and data NULL when nothing was
 * loaded), -ENODATA for a type that is measured, never kept
 * (KexecTrampoline), or -EINVAL for an unknown type.  The data stays valid
 * and unchanged after end of boot (LOAD_KDATA is refused from then on).
 */
int vtlp_kdata_get(enum vtlp_kdata_type type, const uint8_t **data, size_t *len);
/* VTL0 virtual address of a loaded type's first byte (from its ranges). */
int vtlp_kdata_va(enum vtlp_kdata_type type, uint64_t *va);
/*
 * ... and its physical address.  For KernelData (the kernel image's rodata)
 * va - pa is the kernel image's VA-to-PA offset, which the module validator
 * uses to find kernel text's pages from a VA (modval/hooks.c).
 */
int vtlp_kdata_pa(enum vtlp_kdata_type type, uint64_t *pa);

/*
 * KernelInfo (struct heki_kinfo) as parsed by VTL1: the ksymtab bounds at
 * +0x00..+0x20, and the LAST 40 bytes of the blob (the end of
 * heki_arch_kinfo, after a pv_ops template of config-dependent size).  All
 * are VTL0 virtual addresses, unchecked: a user must check them against
 * what it knows.  has_arch is false when the blob is too short for the tail
 * (older senders); 0 means the sender did not fill a field.
 */
#define VTLP_KINFO_KSYMTAB_LEN 32u
#define VTLP_KINFO_TAIL_LEN    40u
struct vtlp_kinfo {
	uint64_t ksymtab_start, ksymtab_end;
	uint64_t ksymtab_gpl_start, ksymtab_gpl_end;
	bool has_arch;
	uint64_t pv_bug, pv_nop;
	uint64_t indirect_thunk_array; /* __x86_indirect_thunk_array */
	uint64_t return_thunk_init, return_thunk;
};
/* A copy of the parsed KernelInfo, or -ENODATA before one was loaded. */
int vtlp_kinfo_get(struct vtlp_kinfo *out);

/* Precomputed text patch (struct heki_patch, 24 bytes, little-endian). */
struct vtlp_patch {
	uint64_t pa[2];   /* bytes [0, n) at pa[0]; the rest at page pa[1] */
	uint8_t size;     /* 2 or 5 */
	uint8_t code[5];  /* the JMP form (EB rel8 / E9 rel32) */
	uint8_t pad[2];
};

/*
 * Module jump-label sites (the module validator, for VALIDATE_MODULE's
 * Patch(8) ranges): register `n` sites for the module `token`, `init` ones
 * marked so FREE_MODULE_INIT drops them alone.  All or nothing: -EINVAL when
 * one is malformed or overlaps a known site, -E2BIG/-ENOSPC when the table
 * is full, -ENOMEM.  Caller does not hold the engine lock.
 */
int vtlp_patch_add_module(int64_t token, const struct vtlp_patch *p, const bool *init,
			  size_t n);
/*
 * VALIDATE_MODULE's Patch(8) bytes (the module's jump-label PatchInfo, same
 * framing, init entries included), checked against the module's range list
 * r[] (struct heki_range from vtlp.h; attributes = LVBS module memory type):
 * every site must lie wholly in ranges of type text_type or init_type (one
 * kind per site) and hold its JMP or NOP now.  Registers them for `token`
 * (init_type sites marked init).  0 with no sites; all or nothing.  Call
 * while the module's text is write-protected and verified.
 */
struct heki_range;
int vtlp_patch_module_info(int64_t token, const uint8_t *pi, size_t len,
			   const struct heki_range *r, size_t nr, uint64_t text_type,
			   uint64_t init_type);
/*
 * Static calls (issue 15 section 3; patch.c).  The kernel image's linear
 * map (VA of __start_rodata and VA - PA), so that kernel text is a valid
 * static-call target: VAs below rodata whose page VTL1 protects X.
 */
int vtlp_patch_set_kernel_map(uint64_t rodata_va, uint64_t delta);
/*
 * A validated module's static-call sites (kind 1: a call site, E8/NOP5/
 * xor5rax; kind 2: a tail-call site or __SCT__ trampoline, E9/ret; kind 3:
 * an ftrace site, E8/NOP5), each
 * 5 bytes at va (pa[1] when it crosses a page), and its Text [text_va,
 * +text_len), which becomes a valid target until UNLOAD_MODULE.  Each site
 * must hold one of its forms now.  All or nothing; call while the module's
 * text is write-protected and verified.
 */
struct vtlp_call_site {
	uint64_t va;
	uint64_t pa[2];
	uint8_t kind;
	bool init;
};
int vtlp_patch_add_calls(int64_t token, const struct vtlp_call_site *cs, size_t n,
			 uint64_t text_va, uint64_t text_len);
/* Forget a module's sites: all of them, or only its init ones. */
void vtlp_patch_drop_module(int64_t token, bool init_only);
/*
 * Parse PatchInfo bytes (heki_patch_info blocks, docs/vtl-call-abi.md) into
 * `out` (room for `max`); returns the entry count or a negative errno after
 * logging why.  With out == NULL it only counts and checks.
 */
long vtlp_patch_parse(const uint8_t *data, size_t len, struct vtlp_patch *out, size_t max);

#endif
