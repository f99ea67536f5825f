/* SPDX-License-Identifier: MIT */
/*
 * Check that a module VTL0 loaded is the signed ELF and nothing else.
 *
 * Input: the signed module ELF (ELF64, x86_64, ET_REL; the content that the
 * appended signature covers) and, per LVBS module memory type, the bytes VTL0
 * loaded there and the VTL0 virtual address it loaded them at.  We recompute
 * where Linux (6.4+ layout_sections()) places each SHF_ALLOC section inside
 * those memory regions, rebuild the expected bytes of every region that must
 * not change (Text, RoData, InitText, InitRoData, and RoAfterInit when its
 * bytes are sent) by copying the ELF's section bytes and applying its RELA
 * relocations against the reported addresses.  Where the loaded bytes
 * differ, every differing byte must lie in a patch site the module's own
 * tables list and match a form Linux writes for that kind of site, with
 * branch targets only from trusted kernel data (struct modelf_kernel;
 * modsites.h); tables Linux re-sorts must be its sort of the same entries;
 * per-CPU references must agree on one base.  Everything else must be
 * equal (docs/module-validation.md, "The site-aware rule").  Relocation
 * types are limited to what x86_64 Linux's apply_relocate_add() accepts.
 * Data and InitData hold state the loader and the module change, so they are
 * not compared.
 */
#ifndef VTL_PROTECT_MODVAL_MODELF_H
#define VTL_PROTECT_MODVAL_MODELF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* LVBS module memory types (the attributes of VALIDATE_MODULE ranges). */
enum modval_mod_mem {
	MODVAL_MOD_TEXT = 0,
	MODVAL_MOD_DATA = 1,
	MODVAL_MOD_RODATA = 2,
	MODVAL_MOD_RO_AFTER_INIT = 3,
	MODVAL_MOD_INIT_TEXT = 4,
	MODVAL_MOD_INIT_DATA = 5,
	MODVAL_MOD_INIT_RODATA = 6,
	MODVAL_MOD_ELF_BUFFER = 7,
	MODVAL_MOD_PATCH = 8,
};
#define MODELF_NREGIONS 7           /* types 0..6 are loaded memory */
#define MODELF_NOT_LOADED 0xff

#define MODELF_MAX_SECTIONS 1024
#define MODELF_MAX_REGION   (64UL * 1024 * 1024)
#define MODELF_MAX_ALIGN    (1UL << 20)

/* Where Linux places each section: region type and offset in it. */
struct modelf_layout {
	unsigned int shnum;
	uint8_t type[MODELF_MAX_SECTIONS];       /* MODELF_NOT_LOADED if not */
	uint64_t offset[MODELF_MAX_SECTIONS];
	uint64_t size[MODELF_NREGIONS];          /* bytes used per region */
};

/* One loaded region, already copied into VTL1 memory. */
struct modelf_region {
	uint64_t va;            /* VTL0 virtual address of bytes[0] */
	const uint8_t *bytes;   /* NULL/len 0 when VTL0 sent none */
	size_t len;
};

/* Resolve an undefined symbol to its VTL0 address; 0 or -ENOENT. */
typedef int (*modelf_resolve_fn)(void *ctx, const char *name, uint64_t *addr);

/*
 * What a patched site may point at, from trusted kernel data only (KernelInfo,
 * the kernel's ksymtab inside KernelData, the text VTL1 protected at boot),
 * never from the module.  0 = the kernel has no such target: a site patched
 * to branch there is refused.  Filled by VTL1 (modval/hooks.c) and, from
 * /proc/kallsyms, by `modcheck --loaded`.
 */
#define MODELF_NTHUNK_REGS 16
struct modelf_kernel {
	uint64_t return_thunk;            /* __x86_return_thunk (or its replacement) */
	uint64_t its_return_thunk;        /* its_return_thunk (ITS-affected CPUs) */
	uint64_t indirect_thunk_array;    /* __x86_indirect_thunk_array */
	uint64_t its_thunk_array;         /* __x86_indirect_its_thunk_array */
	uint64_t call_depth_thunks[2];    /* call-depth tracking thunk range [lo, hi) */
	uint64_t pv_nop, pv_bug;          /* paravirt natives (KernelInfo) */
	/* Is va the start of validated kernel text (a static-call target)? */
	bool (*is_kernel_text)(void *ctx, uint64_t va);
	void *ctx;
};

/* Why modelf_check() refused, for the log and `modcheck --loaded`. */
#define MODELF_REFUSAL_BYTES 16
struct modelf_refusal {
	unsigned int region;              /* LVBS module memory type */
	char section[64];                 /* ELF section name ("" if none) */
	uint64_t offset;                  /* offset of the first bad byte in it */
	const char *site;                 /* site kind, or "none" outside any site */
	const char *reason;               /* the rule that failed (added for the site rule) */
	unsigned int len;                 /* bytes shown (<= MODELF_REFUSAL_BYTES) */
	uint8_t expected[MODELF_REFUSAL_BYTES], found[MODELF_REFUSAL_BYTES];
};

struct modelf_input {
	const uint8_t *elf;     /* signed content: the ELF, no signature */
	size_t elf_len;
	struct modelf_region mem[MODELF_NREGIONS];
	modelf_resolve_fn resolve;
	void *resolve_ctx;
	const struct modelf_kernel *kernel;  /* trusted targets; NULL = none known */
	struct modelf_refusal *refusal;      /* filled on -EKEYREJECTED; may be NULL */
	/* bit (1 << type) = the caller has no bytes of that region, which is
	 * then not checked (its va is still used to relocate).  Offline:
	 * modtruth dumps are taken after init freed the init regions.  VTL1:
	 * 0 at VALIDATE_MODULE; at FREE_MODULE_INIT every region but
	 * RoAfterInit (modval_check_ro_after_init()). */
	unsigned int absent;
	uint8_t *scratch;       /* >= modelf_scratch_needed() bytes */
	size_t scratch_len;
};

/* Compute Linux's placement of the ELF's sections.  0 or -EBADMSG/... */
int modelf_layout(const uint8_t *elf, size_t len, struct modelf_layout *lay, const char **why);

/* Largest region modelf_check() rebuilds (the scratch buffer size). */
size_t modelf_scratch_needed(const struct modelf_layout *lay);

/*
 * Compare the loaded Text/RoData/InitText/InitRoData regions with the ELF.
 * Returns 0, -EBADMSG (malformed ELF), -EOPNOTSUPP (unsupported relocation
 * or symbol), -ENOENT (unresolvable symbol), -ENOMEM (scratch too small),
 * -EINVAL (region sizes inconsistent) or -EKEYREJECTED (bytes differ).
 */
int modelf_check(const struct modelf_input *in, const struct modelf_layout *lay,
		 const char **why);

/* True for the region types modelf_check() compares. */
bool modelf_region_checked(unsigned int type);

#endif
