/* SPDX-License-Identifier: MIT */
/*
 * kelf: a bounded reader for x86_64 Linux module ELF files (ET_REL), and the
 * RELA arithmetic of Linux's apply_relocate_add(), at caller-given section
 * addresses.  Portable C (<stdint.h>, <stddef.h>, <string.h> only): VTL1's
 * site-aware module rule (modelf.c, modsites.c), modcheck and the modtruth
 * checker share it.
 * Every offset and index read from the file is checked before use: the ELF
 * comes from VTL0 there.
 */
#ifndef VTL_PROTECT_MODVAL_KELF_H
#define VTL_PROTECT_MODVAL_KELF_H

#include <stddef.h>
#include <stdint.h>

#define KELF_SHF_WRITE 0x1u
#define KELF_SHF_ALLOC 0x2u
#define KELF_SHF_EXEC  0x4u
#define KELF_SHT_SYMTAB 2u
#define KELF_SHT_RELA   4u
#define KELF_SHT_NOBITS 8u
#define KELF_SHN_UNDEF  0u
#define KELF_SHN_LORESERVE 0xff00u
#define KELF_SHN_ABS    0xfff1u

#define KELF_R_NONE  0u
#define KELF_R_64    1u
#define KELF_R_PC32  2u
#define KELF_R_PLT32 4u
#define KELF_R_32    10u
#define KELF_R_32S   11u
#define KELF_R_PC64  24u

#define KELF_MAX_SECTIONS 65280u

/*
 * Little-endian loads of ELF fields (x86_64 ELF is little-endian whatever
 * the host).  The one reader of every ELF parser in VTL1 and in the tools
 * built on it (kelf.c, modelf.c, scsites.c, tools/modcheck/loaded.c): the
 * caller has bounded p; these only assemble bytes, so alignment and host
 * byte order never matter.
 */
static inline uint16_t kelf_le16(const uint8_t *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}

static inline uint32_t kelf_le32(const uint8_t *p)
{
	return (uint32_t)kelf_le16(p) | (uint32_t)kelf_le16(p + 2) << 16;
}

static inline uint64_t kelf_le64(const uint8_t *p)
{
	return (uint64_t)kelf_le32(p) | (uint64_t)kelf_le32(p + 4) << 32;
}

struct kelf_shdr {
	uint32_t name, type;
	uint64_t flags, addr, offset, size;
	uint32_t link, info;
	uint64_t addralign, entsize;
};

struct kelf_sym {
	uint32_t name;
	uint8_t info, other;
	uint16_t shndx;
	uint64_t value, size;
};

struct kelf_rela {
	uint64_t offset, info;
	int64_t addend;
};

struct kelf {
	const uint8_t *b;
	size_t len;
	unsigned int shnum;
	const uint8_t *shdrs;    /* e_shoff, shnum * 64 bytes, bounds checked */
	const char *shstr;       /* section name table */
	size_t shstr_len;
	unsigned int symtab;     /* index of SHT_SYMTAB (0 if none) */
	size_t nsyms;
	const char *strtab;
	size_t strtab_len;
};

/* 0, or -EBADMSG with *why set. */
int kelf_open(struct kelf *k, const uint8_t *b, size_t len, const char **why);
void kelf_shdr(const struct kelf *k, unsigned int i, struct kelf_shdr *out);
/* Section name, "" when out of bounds. */
const char *kelf_secname(const struct kelf *k, unsigned int i);
/* Index of the SHF_ALLOC section NAME, 0 if none. */
unsigned int kelf_find(const struct kelf *k, const char *name);
/* Bytes of section i (NULL for NOBITS or out of bounds). */
const uint8_t *kelf_secdata(const struct kelf *k, unsigned int i, uint64_t *size);
/* Value of "key=" in .modinfo (NUL-terminated inside the file), or NULL. */
const char *kelf_modinfo(const struct kelf *k, const char *key);
int kelf_sym(const struct kelf *k, size_t i, struct kelf_sym *out);
const char *kelf_symname(const struct kelf *k, const struct kelf_sym *s);

/* Visit every relocation that applies to section target. */
typedef int (*kelf_rela_fn)(void *ctx, const struct kelf_rela *r);
int kelf_for_each_rela(const struct kelf *k, unsigned int target, kelf_rela_fn fn, void *ctx);

/*
 * The relocation at byte `off` of section target, found by binary search in
 * the first RELA section for target (assemblers emit them in offset order;
 * one out of order is simply not found, which refuses the site that needed
 * it).  0 or -ENOENT.
 */
int kelf_rela_at(const struct kelf *k, unsigned int target, uint64_t off, struct kelf_rela *out);

/*
 * Where symbols are: secaddr[i] is section i's load address (valid when
 * secknown[i]); resolve() gives an undefined symbol's address (0 or -ENOENT).
 */
struct kelf_addrs {
	const uint64_t *secaddr;
	const uint8_t *secknown;
	int (*resolve)(void *ctx, const char *name, uint64_t *addr);
	void *ctx;
};

/* S of a relocation: the symbol's address.  0, -ENOENT or -EBADMSG. */
int kelf_sym_value(const struct kelf *k, const struct kelf_addrs *a, uint64_t symidx,
		   uint64_t *val, const char **name);

/*
 * Expected bytes of section target: its ELF bytes with every relocation
 * applied as Linux does at load address secaddr[target].  out has the
 * section's size.  0, -EBADMSG, -ENOENT (symbol) or -EOPNOTSUPP (type); *why
 * names the problem.
 */
int kelf_relocate(const struct kelf *k, unsigned int target, const struct kelf_addrs *a,
		  uint8_t *out, const char **why);

#endif
