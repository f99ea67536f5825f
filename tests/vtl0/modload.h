/* SPDX-License-Identifier: MIT */
/*
 * A tiny module loader for the VTL0 test kernel, written independently of
 * vtl_protect/modval: it lays a signed relocatable ELF out the way Linux 6.4+
 * layout_sections() does, copies it to the addresses it will report, applies
 * its RELA relocations (like x86_64 apply_relocate_add()), and builds the
 * VALIDATE_MODULE range list (one range per page, LVBS module memory types).
 */
#ifndef TESTS_VTL0_MODLOAD_H
#define TESTS_VTL0_MODLOAD_H

#include <stddef.h>
#include <stdint.h>

#define MOD_NREGIONS  7               /* Text .. InitRoData */
#define MOD_SLOT      (64 * 1024ull)  /* room per region; region t at base + t * MOD_SLOT */
#define MOD_SET_SIZE  (8 * MOD_SLOT)  /* 7 regions + the ElfBuffer copy */
#define MOD_MAX_SECS  64

enum { MOD_TEXT, MOD_DATA, MOD_RODATA, MOD_RO_AFTER_INIT, MOD_INIT_TEXT, MOD_INIT_DATA,
       MOD_INIT_RODATA, MOD_ELF_BUFFER };

struct mod_load {
	const uint8_t *file;          /* the signed module (ELF || signature) */
	size_t file_len, elf_len;     /* elf_len: the signed content */
	uint64_t base;                /* identity-mapped load area (MOD_SET_SIZE) */
	uint64_t va[MOD_NREGIONS], size[MOD_NREGIONS];
	unsigned int shnum;
	uint8_t type[MOD_MAX_SECS];   /* 0xff: not loaded */
	uint64_t addr[MOD_MAX_SECS];
	const char *err;              /* why mod_load() failed */
};

/* Place, copy and relocate; 0, or -1 with m->err set. */
int mod_load(struct mod_load *m, const uint8_t *file, const uint8_t *end, uint64_t base);
/* Address of a defined symbol, 0 if there is none. */
uint64_t mod_sym(const struct mod_load *m, const char *name);
/* Address of the first 4-byte non-PLT32 relocation site applied in `region`; 0 if none. */
uint64_t mod_reloc_site(const struct mod_load *m, unsigned int region);
/* Write the range chain (one page at `chain`, identity mapped) for the
 * loaded regions and the ElfBuffer (the whole signed file, copied to the
 * set's last slot).  Returns the number of ranges. */
uint64_t mod_ranges(const struct mod_load *m, uint8_t *chain);

#endif
