// SPDX-License-Identifier: MIT
/*
 * Loaded-module versus signed-ELF comparison (see modelf.h).  Every offset,
 * size, index and string in the ELF is checked before use: the ELF is signed,
 * but the signer may be careless and the check must never read out of bounds.
 */
#include <string.h>

#include "core/compiler.h"
#include "core/errno.h"
#include "core/log.h"
#include "vtl_protect/modval/modelf.h"

#define SHT_PROGBITS 1
#define SHT_SYMTAB   2
#define SHT_STRTAB   3
#define SHT_RELA     4
#define SHT_NOBITS   8
#define SHT_REL      9

#define SHF_WRITE         0x1ULL
#define SHF_ALLOC         0x2ULL
#define SHF_EXECINSTR     0x4ULL
#define SHF_RO_AFTER_INIT 0x00200000ULL   /* Linux-internal flag */

#define SHN_UNDEF  0
#define SHN_ABS    0xfff1

#define STB_WEAK 2

#define R_X86_64_NONE  0
#define R_X86_64_64    1
#define R_X86_64_PC32  2
#define R_X86_64_PLT32 4
#define R_X86_64_32    10
#define R_X86_64_32S   11
#define R_X86_64_PC64  24

#define EHDR_SIZE 64
#define SHDR_SIZE 64
#define SYM_SIZE  24
#define RELA_SIZE 24

struct shdr {
	uint32_t name, type, link, info;
	uint64_t flags, offset, size, align, entsize;
};

static uint16_t rd16(const uint8_t *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}

static uint32_t rd32(const uint8_t *p)
{
	return (uint32_t)rd16(p) | (uint32_t)rd16(p + 2) << 16;
}

static uint64_t rd64(const uint8_t *p)
{
	return (uint64_t)rd32(p) | (uint64_t)rd32(p + 4) << 32;
}

static void wr_le(uint8_t *p, uint64_t v, unsigned int n)
{
	for (unsigned int i = 0; i < n; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

static bool in_file(uint64_t off, uint64_t n, size_t len)
{
	return off <= len && n <= len - off;
}

static int elf_header(const uint8_t *e, size_t len, uint64_t *shoff, unsigned int *shnum,
		      unsigned int *shstrndx, const char **why)
{
	static const uint8_t ident[] = { 0x7f, 'E', 'L', 'F', 2 /* 64-bit */, 1 /* LE */, 1 };

	if (len < EHDR_SIZE || memcmp(e, ident, sizeof(ident)) != 0) {
		*why = "module is not a little-endian ELF64 file";
		return -EBADMSG;
	}
	if (rd16(e + 16) != 1 /* ET_REL */ || rd16(e + 18) != 62 /* EM_X86_64 */) {
		*why = "module ELF is not an x86_64 relocatable object";
		return -EBADMSG;
	}
	*shoff = rd64(e + 40);
	*shnum = rd16(e + 60);
	*shstrndx = rd16(e + 62);
	if (rd16(e + 58) != SHDR_SIZE || *shnum == 0 || *shnum > MODELF_MAX_SECTIONS ||
	    *shstrndx >= *shnum || !in_file(*shoff, (uint64_t)*shnum * SHDR_SIZE, len)) {
		*why = "module ELF section header table malformed";
		return -EBADMSG;
	}
	return 0;
}

static void get_shdr(const uint8_t *e, uint64_t shoff, unsigned int i, struct shdr *s)
{
	const uint8_t *p = e + shoff + (uint64_t)i * SHDR_SIZE;

	s->name = rd32(p);
	s->type = rd32(p + 4);
	s->flags = rd64(p + 8);
	s->offset = rd64(p + 24);
	s->size = rd64(p + 32);
	s->link = rd32(p + 40);
	s->info = rd32(p + 44);
	s->align = rd64(p + 48);
	s->entsize = rd64(p + 56);
}

/* NUL-terminated string at off inside table [base, base+size), or NULL. */
static const char *str_at(const uint8_t *e, size_t len, const struct shdr *tab, uint64_t off)
{
	const uint8_t *p;

	if (tab->type != SHT_STRTAB || !in_file(tab->offset, tab->size, len) || off >= tab->size)
		return NULL;
	p = e + tab->offset + off;
	return memchr(p, 0, tab->size - off) ? (const char *)p : NULL;
}

static bool starts_with(const char *s, const char *prefix)
{
	return strncmp(s, prefix, strlen(prefix)) == 0;
}

bool modelf_region_checked(unsigned int type)
{
	return type == MODVAL_MOD_TEXT || type == MODVAL_MOD_RODATA ||
	       type == MODVAL_MOD_INIT_TEXT || type == MODVAL_MOD_INIT_RODATA;
}

int modelf_layout(const uint8_t *e, size_t len, struct modelf_layout *lay, const char **why)
{
	/* Linux's layout_sections() masks, in order, with ARCH_SHF_SMALL = 0. */
	static const uint64_t masks[5][2] = {
		{ SHF_EXECINSTR | SHF_ALLOC, 0 },
		{ SHF_ALLOC, SHF_WRITE },
		{ SHF_RO_AFTER_INIT | SHF_ALLOC, 0 },
		{ SHF_WRITE | SHF_ALLOC, 0 },
		{ SHF_ALLOC, 0 },
	};
	static const uint8_t core_type[5] = { MODVAL_MOD_TEXT, MODVAL_MOD_RODATA,
					      MODVAL_MOD_RO_AFTER_INIT, MODVAL_MOD_DATA,
					      MODVAL_MOD_DATA };
	static const uint8_t init_type[5] = { MODVAL_MOD_INIT_TEXT, MODVAL_MOD_INIT_RODATA,
					      MODELF_NOT_LOADED, MODVAL_MOD_INIT_DATA,
					      MODVAL_MOD_INIT_DATA };
	uint64_t shoff;
	unsigned int shnum, shstrndx;
	struct shdr strtab;
	unsigned int ro_idx = 0, jt_idx = 0;
	int err;

	memset(lay, 0, sizeof(*lay));
	err = elf_header(e, len, &shoff, &shnum, &shstrndx, why);
	if (err)
		return err;
	lay->shnum = shnum;
	get_shdr(e, shoff, shstrndx, &strtab);
	for (unsigned int i = 0; i < shnum; i++)
		lay->type[i] = MODELF_NOT_LOADED;
	/* Linux marks the first allocated section of each of these names
	 * ro_after_init (find_sec() in setup_load_info()). */
	for (unsigned int i = shnum - 1; i >= 1; i--) {
		struct shdr s;
		const char *name;

		get_shdr(e, shoff, i, &s);
		name = str_at(e, len, &strtab, s.name);
		if (!name) {
			*why = "module ELF section name out of bounds";
			return -EBADMSG;
		}
		if (!(s.flags & SHF_ALLOC))
			continue;
		if (!strcmp(name, ".data..ro_after_init"))
			ro_idx = i;
		if (!strcmp(name, "__jump_table"))
			jt_idx = i;
	}

	for (int pass = 0; pass < 2; pass++) {          /* core, then init */
		for (int m = 0; m < 5; m++) {
			uint8_t type = pass ? init_type[m] : core_type[m];

			for (unsigned int i = 1; i < shnum; i++) {
				struct shdr s;
				const char *name;
				uint64_t flags, off;
				bool is_init;

				get_shdr(e, shoff, i, &s);
				name = str_at(e, len, &strtab, s.name);
				if (!name) {
					*why = "module ELF section name out of bounds";
					return -EBADMSG;
				}
				flags = s.flags;
				/* What Linux's loader does to flags before layout. */
				if (!strcmp(name, ".modinfo") || !strcmp(name, "__versions") ||
				    !strcmp(name, ".data..percpu"))
					flags &= ~SHF_ALLOC;
				if (i == ro_idx || i == jt_idx)
					flags |= SHF_RO_AFTER_INIT;
				is_init = starts_with(name, ".init");
				if ((flags & masks[m][0]) != masks[m][0] || (flags & masks[m][1]) ||
				    lay->type[i] != MODELF_NOT_LOADED || is_init != (pass == 1) ||
				    type == MODELF_NOT_LOADED)
					continue;
				if (s.type == SHT_NOBITS ? s.size > MODELF_MAX_REGION
							 : !in_file(s.offset, s.size, len)) {
					*why = "module ELF section data out of bounds";
					return -EBADMSG;
				}
				if (s.align > MODELF_MAX_ALIGN || (s.align & (s.align - 1))) {
					*why = "module ELF section alignment invalid";
					return -EBADMSG;
				}
				off = ALIGN_UP(lay->size[type], s.align ? s.align : 1);
				if (off + s.size > MODELF_MAX_REGION) {
					*why = "module memory region larger than 64 MiB";
					return -E2BIG;
				}
				lay->type[i] = type;
				lay->offset[i] = off;
				lay->size[type] = off + s.size;
			}
		}
	}
	return 0;
}

size_t modelf_scratch_needed(const struct modelf_layout *lay)
{
	size_t n = 0;

	for (unsigned int t = 0; t < MODELF_NREGIONS; t++)
		if (modelf_region_checked(t))
			n = MAX(n, lay->size[t]);
	return n;
}

/* Value of symbol `idx` for relocation (Linux's simplify_symbols()). */
static int sym_value(const struct modelf_input *in, const struct modelf_layout *lay,
		     const struct shdr *symtab, const struct shdr *strtab,
		     uint64_t idx, uint64_t *val, const char **why)
{
	const uint8_t *e = in->elf, *sym;
	uint16_t shndx;

	if (idx >= symtab->size / SYM_SIZE) {
		*why = "relocation names a symbol out of range";
		return -EBADMSG;
	}
	sym = e + symtab->offset + idx * SYM_SIZE;
	shndx = rd16(sym + 6);
	if (idx == 0) {
		*val = 0;
		return 0;
	}
	if (shndx == SHN_UNDEF) {
		const char *name = str_at(e, in->elf_len, strtab, rd32(sym));
		int err;

		if (!name) {
			*why = "symbol name out of bounds";
			return -EBADMSG;
		}
		err = in->resolve ? in->resolve(in->resolve_ctx, name, val) : -ENOENT;
		if (err && (sym[4] >> 4) == STB_WEAK) {
			*val = 0;    /* Linux: unresolved weak symbols are 0 */
			return 0;
		}
		if (err) {
			*why = "module needs a symbol the kernel does not export";
			return -ENOENT;
		}
		return 0;
	}
	if (shndx == SHN_ABS) {
		*val = rd64(sym + 8);
		return 0;
	}
	/* shnum <= MODELF_MAX_SECTIONS < SHN_LORESERVE, so this also refuses
	 * SHN_COMMON, SHN_XINDEX and the other reserved indices. */
	if (shndx >= lay->shnum || lay->type[shndx] == MODELF_NOT_LOADED) {
		*why = "relocation against a symbol in an unloaded or special section";
		return -EOPNOTSUPP;
	}
	*val = in->mem[lay->type[shndx]].va + lay->offset[shndx] + rd64(sym + 8);
	return 0;
}

/* Apply the RELA section `rs` (targeting a section in region `type`) into buf. */
static int apply_rela(const struct modelf_input *in, const struct modelf_layout *lay,
		      uint64_t shoff, const struct shdr *rs, uint8_t *buf, const char **why)
{
	const uint8_t *e = in->elf;
	struct shdr tgt, symtab, strtab;
	uint64_t base;

	if (rs->info >= lay->shnum || rs->link >= lay->shnum || rs->entsize != RELA_SIZE ||
	    rs->size % RELA_SIZE || !in_file(rs->offset, rs->size, in->elf_len)) {
		*why = "relocation section malformed";
		return -EBADMSG;
	}
	get_shdr(e, shoff, rs->info, &tgt);
	get_shdr(e, shoff, rs->link, &symtab);
	if (symtab.type != SHT_SYMTAB || symtab.entsize != SYM_SIZE ||
	    !in_file(symtab.offset, symtab.size, in->elf_len) || symtab.link >= lay->shnum) {
		*why = "symbol table malformed";
		return -EBADMSG;
	}
	get_shdr(e, shoff, symtab.link, &strtab);
	base = in->mem[lay->type[rs->info]].va + lay->offset[rs->info];

	for (uint64_t r = 0; r < rs->size; r += RELA_SIZE) {
		const uint8_t *p = e + rs->offset + r;
		uint64_t off = rd64(p), info = rd64(p + 8), s, v;
		int64_t addend = (int64_t)rd64(p + 16);
		uint32_t rtype = (uint32_t)info;
		unsigned int width;
		uint8_t *loc;
		int err;

		switch (rtype) {
		case R_X86_64_NONE:
			continue;
		case R_X86_64_64:
		case R_X86_64_PC64:
			width = 8;
			break;
		case R_X86_64_PC32:
		case R_X86_64_PLT32:
		case R_X86_64_32:
		case R_X86_64_32S:
			width = 4;
			break;
		default:
			*why = "unsupported x86_64 relocation type";
			return -EOPNOTSUPP;
		}
		if (off > tgt.size || width > tgt.size - off) {
			*why = "relocation outside its target section";
			return -EBADMSG;
		}
		err = sym_value(in, lay, &symtab, &strtab, info >> 32, &s, why);
		if (err)
			return err;
		v = s + (uint64_t)addend;
		switch (rtype) {
		case R_X86_64_32:
			if (v != (uint32_t)v)
				goto overflow;
			break;
		case R_X86_64_32S:
			if ((int64_t)v != (int32_t)v)
				goto overflow;
			break;
		case R_X86_64_PC32:
		case R_X86_64_PLT32:
			v -= base + off;
			if ((int64_t)v != (int32_t)v)
				goto overflow;
			break;
		case R_X86_64_PC64:
			v -= base + off;
			break;
		default:
			break;
		}
		loc = buf + lay->offset[rs->info] + off;
		/* Like Linux: a RELA target must be zero before it is written;
		 * otherwise two relocations overlap or the object is bogus. */
		for (unsigned int i = 0; i < width; i++) {
			if (loc[i]) {
				*why = "relocation target is not zero in the ELF";
				return -EBADMSG;
			}
		}
		wr_le(loc, v, width);
		continue;
overflow:
		*why = "relocation value overflows its field";
		return -EOPNOTSUPP;
	}
	return 0;
}

/*
 * Record a refusal at region offset `at` for the log and modcheck: the
 * section that holds it and the bytes around it.  Best effort: a name that
 * cannot be read stays "".
 */
static void note_refusal(const struct modelf_input *in, const struct modelf_layout *lay,
			 uint64_t shoff, unsigned int type, size_t at, size_t size)
{
	struct modelf_refusal *r = in->refusal;
	uint64_t shstrndx = rd16(in->elf + 62);
	struct shdr strtab;
	size_t n;

	if (!r)
		return;
	memset(r, 0, sizeof(*r));
	r->region = type;
	r->offset = at;
	r->site = "none";
	if (shstrndx < lay->shnum) {
		get_shdr(in->elf, shoff, (unsigned int)shstrndx, &strtab);
		for (unsigned int i = 1; i < lay->shnum; i++) {
			struct shdr s;
			const char *name;

			get_shdr(in->elf, shoff, i, &s);
			if (lay->type[i] != type || at < lay->offset[i] ||
			    at - lay->offset[i] >= s.size)
				continue;
			name = str_at(in->elf, in->elf_len, &strtab, s.name);
			/* Portable bounded copy (host tools have no strlcpy). */
			for (size_t c = 0; name && name[c] && c + 1 < sizeof(r->section); c++)
				r->section[c] = name[c];
			r->offset = at - lay->offset[i];
			break;
		}
	}
	n = size - at < MODELF_REFUSAL_BYTES ? size - at : MODELF_REFUSAL_BYTES;
	r->len = (unsigned int)n;
	memcpy(r->expected, in->scratch + at, n);
	memcpy(r->found, in->mem[type].bytes + at, n);
}

static int check_region(const struct modelf_input *in, const struct modelf_layout *lay,
			uint64_t shoff, unsigned int type, const char **why)
{
	const struct modelf_region *rg = &in->mem[type];
	size_t size = lay->size[type];
	const uint8_t *e = in->elf;
	int err;

	if (rg->len < size || (rg->len && !rg->bytes)) {
		*why = "loaded module region smaller than the ELF's sections";
		return -EINVAL;
	}
	if (size > in->scratch_len || (size && !in->scratch)) {
		*why = "validation scratch buffer too small";
		return -ENOMEM;
	}
	if (size)
		memset(in->scratch, 0, size);
	for (unsigned int i = 1; i < lay->shnum; i++) {
		struct shdr s;

		if (lay->type[i] != type)
			continue;
		get_shdr(e, shoff, i, &s);
		/* The layout is the caller's: re-check it against this ELF. */
		if (lay->offset[i] > size || s.size > size - lay->offset[i] ||
		    (s.type != SHT_NOBITS && !in_file(s.offset, s.size, in->elf_len))) {
			*why = "layout does not match the module ELF";
			return -EINVAL;
		}
		if (s.type != SHT_NOBITS)
			memcpy(in->scratch + lay->offset[i], e + s.offset, s.size);
	}
	for (unsigned int i = 1; i < lay->shnum; i++) {
		struct shdr rs;

		get_shdr(e, shoff, i, &rs);
		if (rs.type != SHT_RELA && rs.type != SHT_REL)
			continue;
		if (rs.info >= lay->shnum) {
			*why = "relocation section targets a bad section index";
			return -EBADMSG;
		}
		if (lay->type[rs.info] != type)
			continue;
		if (rs.type == SHT_REL) {
			*why = "REL relocations are not supported on x86_64";
			return -EOPNOTSUPP;
		}
		err = apply_rela(in, lay, shoff, &rs, in->scratch, why);
		if (err)
			return err;
	}
	if (size && memcmp(in->scratch, rg->bytes, size) != 0) {
		size_t at = 0;

		while (in->scratch[at] == rg->bytes[at])
			at++;
		/* Say where, so an operator can map it to a section/patch site. */
		log_warn("modval: loaded module region type %u differs from the signed ELF "
			 "at offset %#zx (VA %#llx): expected %02x, found %02x", type, at,
			 (unsigned long long)(rg->va + at), in->scratch[at], rg->bytes[at]);
		note_refusal(in, lay, shoff, type, at, size);
		*why = "loaded module bytes differ from the signed ELF";
		return -EKEYREJECTED;
	}
	/*
	 * Everything past the sections (the caller passes whole pages, up to
	 * the end of the region's last page) must be the zero padding Linux
	 * leaves there: these bytes become executable or read-only with the
	 * region, so they must be verified like the rest.
	 */
	for (size_t i = size; i < rg->len; i++) {
		if (rg->bytes[i]) {
			log_warn("modval: loaded module region type %u has non-zero byte %02x "
				 "at offset %#zx (VA %#llx) past its sections (which end at "
				 "%#zx): refused", type, rg->bytes[i], i,
				 (unsigned long long)(rg->va + i), size);
			*why = "loaded module region has non-zero bytes past its sections";
			return -EKEYREJECTED;
		}
	}
	return 0;
}

int modelf_check(const struct modelf_input *in, const struct modelf_layout *lay,
		 const char **why)
{
	uint64_t shoff;
	unsigned int shnum, shstrndx;
	int err;

	err = elf_header(in->elf, in->elf_len, &shoff, &shnum, &shstrndx, why);
	if (err)
		return err;
	if (shnum != lay->shnum) {
		*why = "layout was computed for a different ELF";
		return -EINVAL;
	}
	for (unsigned int t = 0; t < MODELF_NREGIONS; t++) {
		if (in->mem[t].len > MODELF_MAX_REGION) {
			*why = "loaded module region larger than 64 MiB";
			return -E2BIG;
		}
		if (!modelf_region_checked(t))
			continue;
		err = check_region(in, lay, shoff, t, why);
		if (err)
			return err;
	}
	return 0;
}
