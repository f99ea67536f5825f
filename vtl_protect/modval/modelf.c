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
#include "vtl_protect/modval/kelf.h"
#include "vtl_protect/modval/modelf.h"
#include "vtl_protect/modval/modsites.h"

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

/* One modelf_check() run: the input plus what the site rule derived. */
struct chk {
	const struct modelf_input *in;
	const struct modelf_layout *lay;
	uint64_t shoff;
	struct kelf k;
	bool sites;                 /* the module has version-dependent tables */
	struct ksites_ver ver;
	unsigned int percpu;        /* index of .data..percpu, 0 if none */
	bool percpu_known;
	uint64_t percpu_base;       /* VTL0's per-CPU base, solved (see solve_percpu) */
	unsigned int type;          /* region being checked */
};

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
	if (kelf_le16(e + 16) != 1 /* ET_REL */ || kelf_le16(e + 18) != 62 /* EM_X86_64 */) {
		*why = "module ELF is not an x86_64 relocatable object";
		return -EBADMSG;
	}
	*shoff = kelf_le64(e + 40);
	*shnum = kelf_le16(e + 60);
	*shstrndx = kelf_le16(e + 62);
	if (kelf_le16(e + 58) != SHDR_SIZE || *shnum == 0 || *shnum > MODELF_MAX_SECTIONS ||
	    *shstrndx >= *shnum || !in_file(*shoff, (uint64_t)*shnum * SHDR_SIZE, len)) {
		*why = "module ELF section header table malformed";
		return -EBADMSG;
	}
	return 0;
}

static void get_shdr(const uint8_t *e, uint64_t shoff, unsigned int i, struct shdr *s)
{
	const uint8_t *p = e + shoff + (uint64_t)i * SHDR_SIZE;

	s->name = kelf_le32(p);
	s->type = kelf_le32(p + 4);
	s->flags = kelf_le64(p + 8);
	s->offset = kelf_le64(p + 24);
	s->size = kelf_le64(p + 32);
	s->link = kelf_le32(p + 40);
	s->info = kelf_le32(p + 44);
	s->align = kelf_le64(p + 48);
	s->entsize = kelf_le64(p + 56);
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
		if (modelf_region_checked(t) || t == MODVAL_MOD_RO_AFTER_INIT)
			n = MAX(n, lay->size[t]);
	return n;
}

/* Value of symbol `idx` for relocation (Linux's simplify_symbols()). */
static int sym_value(const struct chk *c, const struct shdr *symtab, const struct shdr *strtab,
		     uint64_t idx, uint64_t *val, const char **why)
{
	const struct modelf_input *in = c->in;
	const struct modelf_layout *lay = c->lay;
	const uint8_t *e = in->elf, *sym;
	uint16_t shndx;

	if (idx >= symtab->size / SYM_SIZE) {
		*why = "relocation names a symbol out of range";
		return -EBADMSG;
	}
	sym = e + symtab->offset + idx * SYM_SIZE;
	shndx = kelf_le16(sym + 6);
	if (idx == 0) {
		*val = 0;
		return 0;
	}
	if (shndx == SHN_UNDEF) {
		const char *name = str_at(e, in->elf_len, strtab, kelf_le32(sym));
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
		*val = kelf_le64(sym + 8);
		return 0;
	}
	if (c->percpu && shndx == c->percpu) {
		if (!c->percpu_known) {
			*why = "per-CPU base cannot be solved: no relocation against .data..percpu "
			       "in a checked region";
			return -EOPNOTSUPP;
		}
		*val = c->percpu_base + kelf_le64(sym + 8);
		return 0;
	}
	/* shnum <= MODELF_MAX_SECTIONS < SHN_LORESERVE, so this also refuses
	 * SHN_COMMON, SHN_XINDEX and the other reserved indices. */
	if (shndx >= lay->shnum || lay->type[shndx] == MODELF_NOT_LOADED) {
		*why = "relocation against a symbol in an unloaded or special section";
		return -EOPNOTSUPP;
	}
	*val = in->mem[lay->type[shndx]].va + lay->offset[shndx] + kelf_le64(sym + 8);
	return 0;
}

/* Apply the RELA section `rs` (targeting a section in region `type`) into buf. */
static int apply_rela(const struct chk *c, const struct shdr *rs, uint8_t *buf, const char **why)
{
	const struct modelf_input *in = c->in;
	const struct modelf_layout *lay = c->lay;
	uint64_t shoff = c->shoff;
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
		uint64_t off = kelf_le64(p), info = kelf_le64(p + 8), s, v;
		int64_t addend = (int64_t)kelf_le64(p + 16);
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
		err = sym_value(c, &symtab, &strtab, info >> 32, &s, why);
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

/* Index of the section called name (any flags), 0 if none. */
static unsigned int find_section(const struct chk *c, const char *name)
{
	for (unsigned int i = 1; i < c->k.shnum; i++)
		if (!strcmp(kelf_secname(&c->k, i), name))
			return i;
	return 0;
}

/* Section of region type `type` holding region offset `at`, 0 if none. */
static unsigned int section_at(const struct chk *c, unsigned int type, uint64_t at)
{
	for (unsigned int i = 1; i < c->lay->shnum; i++) {
		struct shdr s;

		get_shdr(c->in->elf, c->shoff, i, &s);
		if (c->lay->type[i] == type && at >= c->lay->offset[i] &&
		    at - c->lay->offset[i] < s.size)
			return i;
	}
	return 0;
}

/* Does the caller hold the loaded bytes of region type t? */
static bool region_present(const struct chk *c, unsigned int t)
{
	return t < MODELF_NREGIONS && !(c->in->absent & (1u << t)) && c->in->mem[t].bytes &&
	       c->in->mem[t].len >= c->lay->size[t];
}

/* --------------------------------------------------------------- sites */

struct site_walk {
	struct chk *c;
	uint8_t *exp;               /* expected bytes of the region (scratch) */
	const uint8_t *got;
	size_t size;
	/* refusal lookup: the site covering region offset `at` and its verdict */
	bool lookup;
	uint64_t at;
	const char *kind, *reason;
};

/* Static-call and paravirt targets: validated kernel text or this module's text. */
static bool call_target_ok(void *ctx, uint64_t va)
{
	const struct chk *c = ctx;
	const struct modelf_kernel *kern = c->in->kernel;
	static const unsigned int text[] = { MODVAL_MOD_TEXT, MODVAL_MOD_INIT_TEXT };

	for (unsigned int i = 0; i < 2; i++) {
		const struct modelf_region *rg = &c->in->mem[text[i]];
		uint64_t size = c->lay->size[text[i]];

		if (size && va >= rg->va && va - rg->va < size)
			return true;
	}
	return kern && kern->is_kernel_text && kern->is_kernel_text(kern->ctx, va);
}

static int site_one(void *vw, const struct ksite *s)
{
	struct site_walk *w = vw;
	struct chk *c = w->c;
	const struct modelf_layout *lay = c->lay;
	struct ksite_view v;
	const char *why = NULL;
	uint64_t off;
	int err;

	if (s->shndx >= lay->shnum || lay->type[s->shndx] != c->type)
		return 0;
	off = lay->offset[s->shndx] + s->off;
	if (off > w->size || s->len > w->size - off)
		return 0;   /* cannot happen for a consistent layout; refused by memcmp */
	if (w->lookup && (w->at < off || w->at - off >= s->len))
		return 0;
	memset(&v, 0, sizeof(v));
	v.s = s;
	v.exp = w->exp + off;
	v.got = w->got + off;
	v.va = c->in->mem[c->type].va + off;
	v.call_target_ok = call_target_ok;
	v.ctx = c;
	if (s->aux_shndx && s->aux_shndx < lay->shnum && lay->type[s->aux_shndx] != MODELF_NOT_LOADED) {
		unsigned int rt = lay->type[s->aux_shndx];
		struct shdr as;
		uint64_t aoff = lay->offset[s->aux_shndx] + s->aux_off;

		get_shdr(c->in->elf, c->shoff, s->aux_shndx, &as);
		v.target_va = c->in->mem[rt].va + aoff;
		if (s->kind == KSITE_ALTERNATIVE && region_present(c, rt) &&
		    modelf_region_checked(rt) && s->aux_off <= as.size &&
		    s->aux_len <= as.size - s->aux_off) {
			v.repl = c->in->mem[rt].bytes + aoff;
			v.repl_va = v.target_va;
		}
	}
	err = ksite_form_ok(&v, c->in->kernel, &why);
	if (w->lookup) {
		w->kind = ksite_name(s->kind);
		w->reason = err ? why : "site accepted; a byte around it differs";
		return 1;   /* found: stop the walk */
	}
	if (!err)
		memcpy(w->exp + off, w->got + off, s->len);   /* this site is verified */
	return 0;
}

/*
 * Kinds in the order their checks must run: sites nested inside others
 * (return and retpoline sites inside an alternative's original, lock
 * prefixes inside either) are accepted first, so the outer site is judged
 * against what Linux started from.
 */
static const unsigned int site_order[] = {
	KSITE_LOCK, KSITE_FTRACE, KSITE_ENDBR_SEAL, KSITE_RETURN, KSITE_RETPOLINE,
	KSITE_CALL_DEPTH, KSITE_STATIC_CALL, KSITE_SCT_TRAMP, KSITE_JUMP_LABEL, KSITE_PARAVIRT,
	KSITE_ALTERNATIVE,
};

static int walk_sites(struct site_walk *w, const char **why)
{
	for (size_t i = 0; i < sizeof(site_order) / sizeof(site_order[0]); i++) {
		int err = ksites_for_each(&w->c->k, &w->c->ver, site_order[i], site_one, w, why);

		if (err == 1)
			return 0;
		if (err) {
			log_warn("modval: module site table %s is malformed (%s): refused",
				 ksite_table(site_order[i]), *why ? *why : "?");
			return err;
		}
	}
	return 0;
}

/* ------------------------------------------------------- re-sorted tables */

enum { ST_MCOUNT, ST_EXTAB, ST_JUMP, ST_ORC };

struct ent {
	uint64_t a, b, c;
};

struct stab {
	unsigned int kind, es;
	uint64_t va;      /* table VA */
	size_t n;
	uint8_t *orc;     /* ORC: the parallel .orc_unwind (6 bytes per entry) */
};

static int64_t s32v(const uint8_t *p)
{
	return (int32_t)kelf_le32(p);
}

/* Entry i decoded to absolute values (what the kernel's sort compares). */
static struct ent st_get(const struct stab *t, const uint8_t *b, const uint8_t *orc, size_t i)
{
	const uint8_t *p = b + i * t->es;
	uint64_t at = t->va + i * t->es;
	struct ent e = { 0, 0, 0 };

	switch (t->kind) {
	case ST_MCOUNT:
		e.a = kelf_le64(p);
		break;
	case ST_EXTAB:
		e.a = at + (uint64_t)s32v(p);
		e.b = at + 4 + (uint64_t)s32v(p + 4);
		e.c = kelf_le32(p + 8);
		break;
	case ST_JUMP:
		/* jump_label_cmp(): by key (type bits masked), then code */
		e.a = at + 8 + kelf_le64(p + 8);
		e.b = at + (uint64_t)s32v(p);
		e.c = at + 4 + (uint64_t)s32v(p + 4);
		break;
	default:
		e.a = at + (uint64_t)s32v(p);
		e.b = (uint64_t)kelf_le32(orc + i * 6) | (uint64_t)kelf_le16(orc + i * 6 + 4) << 32;
		break;
	}
	return e;
}

static void wr32(uint8_t *p, uint64_t v)
{
	wr_le(p, v, 4);
}

static void st_put(const struct stab *t, uint8_t *b, uint8_t *orc, size_t i, const struct ent *e)
{
	uint8_t *p = b + i * t->es;
	uint64_t at = t->va + i * t->es;

	switch (t->kind) {
	case ST_MCOUNT:
		wr_le(p, e->a, 8);
		break;
	case ST_EXTAB:
		wr32(p, e->a - at);
		wr32(p + 4, e->b - at - 4);
		wr32(p + 8, e->c);
		break;
	case ST_JUMP:
		wr32(p, e->b - at);
		wr32(p + 4, e->c - at - 4);
		wr_le(p + 8, e->a - at - 8, 8);
		break;
	default:
		wr32(p, e->a - at);
		wr_le(orc + i * 6, e->b, 6);
		break;
	}
}

/* The kernel's sort key: -1/0/1. */
static int st_primary(const struct stab *t, const struct ent *x, const struct ent *y)
{
	uint64_t xa = t->kind == ST_JUMP ? x->a & ~3ULL : x->a;
	uint64_t ya = t->kind == ST_JUMP ? y->a & ~3ULL : y->a;

	if (xa != ya)
		return xa < ya ? -1 : 1;
	if (t->kind == ST_JUMP && x->b != y->b)
		return x->b < y->b ? -1 : 1;
	return 0;
}

/*
 * The primary key, then every field.  A jump entry's key bit 1 is Linux's
 * "init" flag, which the loader rewrites (jump_entry_set_init()): it is not
 * compared, so an entry may carry either value of it.
 */
static int st_full(const struct stab *t, const struct ent *x, const struct ent *y)
{
	uint64_t m = t->kind == ST_JUMP ? ~2ULL : ~0ULL;
	int r = st_primary(t, x, y);

	if (r)
		return r;
	if ((x->a & m) != (y->a & m))
		return (x->a & m) < (y->a & m) ? -1 : 1;
	if (x->b != y->b)
		return x->b < y->b ? -1 : 1;
	return x->c < y->c ? -1 : x->c > y->c;
}

static void st_swap(const struct stab *t, uint8_t *b, uint8_t *orc, size_t i, size_t j)
{
	struct ent x = st_get(t, b, orc, i), y = st_get(t, b, orc, j);

	st_put(t, b, orc, i, &y);
	st_put(t, b, orc, j, &x);
}

static void st_sift(const struct stab *t, uint8_t *b, uint8_t *orc, size_t root, size_t n)
{
	for (;;) {
		size_t child = 2 * root + 1;
		struct ent r, ch;

		if (child >= n)
			return;
		ch = st_get(t, b, orc, child);
		if (child + 1 < n) {
			struct ent c2 = st_get(t, b, orc, child + 1);

			if (st_full(t, &ch, &c2) < 0) {
				child++;
				ch = c2;
			}
		}
		r = st_get(t, b, orc, root);
		if (st_full(t, &r, &ch) >= 0)
			return;
		st_swap(t, b, orc, root, child);
		root = child;
	}
}

/* In-place heapsort (no memory beyond the table: VTL1 has no spare heap here). */
static void st_sort(const struct stab *t, uint8_t *b, uint8_t *orc)
{
	for (size_t i = t->n / 2; i-- > 0;)
		st_sift(t, b, orc, i, t->n);
	for (size_t end = t->n; end-- > 1;) {
		st_swap(t, b, orc, 0, end);
		st_sift(t, b, orc, 0, end);
	}
}

static size_t st_count(const struct stab *t, const uint8_t *b, const uint8_t *orc, size_t lo,
		       size_t hi, const struct ent *e)
{
	size_t n = 0;

	for (size_t i = lo; i < hi; i++) {
		struct ent x = st_get(t, b, orc, i);

		n += !st_full(t, &x, e);
	}
	return n;
}

/*
 * Is got the kernel's sort of the entries in exp?  exp (the expected bytes,
 * in the scratch buffer) is sorted in place; then got must be in the
 * kernel's order and hold, run by run of equal keys, the same entries.
 */
static bool st_same(const struct stab *t, uint8_t *exp, uint8_t *eorc, const uint8_t *got,
		    const uint8_t *gorc)
{
	size_t lo = 0;

	st_sort(t, exp, eorc);
	while (lo < t->n) {
		struct ent g0 = st_get(t, got, gorc, lo), e0 = st_get(t, exp, eorc, lo);
		size_t hi = lo + 1;

		if (st_primary(t, &g0, &e0))
			return false;
		for (; hi < t->n; hi++) {
			struct ent g = st_get(t, got, gorc, hi), e = st_get(t, exp, eorc, hi);

			if (st_primary(t, &g, &g0) < 0)
				return false;      /* not in the kernel's order */
			if (st_primary(t, &g, &g0) || st_primary(t, &e, &e0))
				break;
		}
		for (size_t i = lo; i < hi; i++) {
			struct ent g = st_get(t, got, gorc, i);

			if (st_primary(t, &g, &g0) ||
			    st_count(t, got, gorc, lo, hi, &g) != st_count(t, exp, eorc, lo, hi, &g))
				return false;
		}
		lo = hi;
	}
	return true;
}

/* The tables Linux re-sorts at load: accept them as the kernel's sort of the ELF's entries. */
static void accept_sorted(struct chk *c, uint8_t *exp, const uint8_t *got)
{
	static const struct {
		const char *name;
		unsigned int kind, es;
	} sorted[] = {
		{ "__mcount_loc", ST_MCOUNT, 8 },
		{ "__ex_table", ST_EXTAB, 12 },
		{ "__jump_table", ST_JUMP, 16 },
		{ ".orc_unwind_ip", ST_ORC, 4 },
	};
	const struct modelf_layout *lay = c->lay;

	for (size_t i = 0; i < sizeof(sorted) / sizeof(sorted[0]); i++) {
		unsigned int si = find_section(c, sorted[i].name), oi = 0;
		uint64_t off, ooff = 0;
		struct shdr s, os;
		struct stab t;

		if (!si || lay->type[si] != c->type)
			continue;
		get_shdr(c->in->elf, c->shoff, si, &s);
		off = lay->offset[si];
		if (s.size % sorted[i].es || !s.size || !memcmp(exp + off, got + off, s.size))
			continue;
		t.kind = sorted[i].kind;
		t.es = sorted[i].es;
		t.va = c->in->mem[c->type].va + off;
		t.n = s.size / t.es;
		t.orc = NULL;
		if (t.kind == ST_ORC) {
			/* .orc_unwind is sorted together with .orc_unwind_ip */
			oi = find_section(c, ".orc_unwind");
			if (!oi || lay->type[oi] != c->type)
				continue;
			get_shdr(c->in->elf, c->shoff, oi, &os);
			if (os.size != t.n * 6)
				continue;
			ooff = lay->offset[oi];
		}
		if (!st_same(&t, exp + off, oi ? exp + ooff : NULL, got + off, oi ? got + ooff : NULL)) {
			log_warn("modval: loaded %s is not the kernel's sort of the signed ELF's "
				 "entries", sorted[i].name);
			continue;   /* the memcmp refuses it, naming the section */
		}
		memcpy(exp + off, got + off, s.size);
		if (oi)
			memcpy(exp + ooff, got + ooff, t.n * 6);
	}
}

/* ------------------------------------------------------------ per-CPU data */

/*
 * Per-CPU data lives outside the module's regions, at a base VTL0 picked
 * and that no trusted data gives (struct modelf_kernel has no field for
 * it).  Solve it from the first relocation against .data..percpu in a
 * checked region; every other such relocation is then compared with it like
 * any relocated byte, so a wrong or inconsistent base is refused.
 */
static void solve_percpu(struct chk *c)
{
	const struct modelf_layout *lay = c->lay;

	c->percpu = find_section(c, ".data..percpu");
	if (!c->percpu)
		return;
	for (unsigned int i = 1; i < lay->shnum && !c->percpu_known; i++) {
		struct kelf_shdr rs;
		unsigned int t;

		kelf_shdr(&c->k, i, &rs);
		if (rs.type != KELF_SHT_RELA || rs.info >= lay->shnum || rs.link != c->k.symtab ||
		    rs.entsize != 24)
			continue;
		t = lay->type[rs.info];
		if (t == MODELF_NOT_LOADED || !modelf_region_checked(t) || !region_present(c, t))
			continue;
		for (uint64_t r = 0; r + 24 <= rs.size; r += 24) {
			const uint8_t *p = c->in->elf + rs.offset + r;
			uint64_t off = kelf_le64(p), info = kelf_le64(p + 8), at, v;
			int64_t addend = (int64_t)kelf_le64(p + 16);
			uint32_t type = (uint32_t)info;
			struct kelf_sym s;

			if (kelf_sym(&c->k, info >> 32, &s) || s.shndx != c->percpu)
				continue;
			at = lay->offset[rs.info] + off;
			if (at > lay->size[t] || lay->size[t] - at < 8)
				continue;
			if (type == R_X86_64_64)
				v = kelf_le64(c->in->mem[t].bytes + at);
			else if (type == R_X86_64_32S)
				v = (uint64_t)s32v(c->in->mem[t].bytes + at);
			else if (type == R_X86_64_PC32 || type == R_X86_64_PLT32)
				v = (uint64_t)s32v(c->in->mem[t].bytes + at) + c->in->mem[t].va + at;
			else
				continue;
			c->percpu_base = v - s.value - (uint64_t)addend;
			c->percpu_known = true;
			break;
		}
	}
}

/* ----------------------------------------------------------------- check */

/*
 * Record a refusal at region offset `at` for the log and modcheck: the
 * section that holds it, the site (if any) and the bytes around it.  Best
 * effort: a name that cannot be read stays "".
 */
static void note_refusal(struct chk *c, struct site_walk *w, size_t at, size_t size)
{
	const struct modelf_input *in = c->in;
	struct modelf_refusal *r = in->refusal;
	unsigned int sec = section_at(c, c->type, at);
	const char *why = NULL, *name = sec ? kelf_secname(&c->k, sec) : "";
	size_t n;

	w->lookup = true;
	w->at = at;
	w->kind = "none";
	w->reason = "byte outside every site differs from ELF+RELA";
	if (c->sites)
		(void)walk_sites(w, &why);
	log_warn("modval: loaded module differs from the signed ELF in %s+%#llx (region %u, "
		 "VA %#llx), site %s: %s; expected %02x, found %02x", name[0] ? name : "?",
		 (unsigned long long)(sec ? at - c->lay->offset[sec] : at), c->type,
		 (unsigned long long)(in->mem[c->type].va + at), w->kind, w->reason,
		 w->exp[at], w->got[at]);
	if (!r)
		return;
	memset(r, 0, sizeof(*r));
	r->region = c->type;
	r->offset = sec ? at - c->lay->offset[sec] : at;
	r->site = w->kind;
	r->reason = w->reason;
	/* Portable bounded copy (host tools have no strlcpy). */
	for (size_t i = 0; name[i] && i + 1 < sizeof(r->section); i++)
		r->section[i] = name[i];
	n = size - at < MODELF_REFUSAL_BYTES ? size - at : MODELF_REFUSAL_BYTES;
	r->len = (unsigned int)n;
	/* The ELF's bytes as relocated: accepted sites elsewhere are shown as loaded. */
	memcpy(r->expected, w->exp + at, n);
	memcpy(r->found, w->got + at, n);
}

static int check_region(struct chk *c, unsigned int type, const char **why)
{
	const struct modelf_input *in = c->in;
	const struct modelf_layout *lay = c->lay;
	const struct modelf_region *rg = &in->mem[type];
	size_t size = lay->size[type];
	const uint8_t *e = in->elf;
	uint64_t shoff = c->shoff;
	unsigned int roai_data;
	int err;

	c->type = type;
	roai_data = type == MODVAL_MOD_RO_AFTER_INIT ? find_section(c, ".data..ro_after_init") : 0;
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
		/* .data..ro_after_init is not compared (below), so its
		 * relocations are not applied: they may name per-CPU or
		 * imported symbols that a RoAfterInit-only check (VTL1's
		 * FREE_MODULE_INIT) has no base for. */
		if (type == MODVAL_MOD_RO_AFTER_INIT && roai_data && rs.info == roai_data)
			continue;
		if (rs.type == SHT_REL) {
			*why = "REL relocations are not supported on x86_64";
			return -EOPNOTSUPP;
		}
		err = apply_rela(c, &rs, in->scratch, why);
		if (err)
			return err;
	}
	if (size && memcmp(in->scratch, rg->bytes, size) != 0) {
		struct site_walk w = { c, in->scratch, rg->bytes, size, false, 0, NULL, NULL };

		if (roai_data && lay->type[roai_data] == type) {
			/* .data..ro_after_init is the module's data, written by its
			 * init until Linux seals it: its content is not code and
			 * not verified (docs/module-validation.md). */
			struct shdr s;

			get_shdr(e, shoff, roai_data, &s);
			memcpy(in->scratch + lay->offset[roai_data], rg->bytes + lay->offset[roai_data],
			       s.size);
		}
		if (c->sites) {
			err = walk_sites(&w, why);
			if (err)
				return err;
		}
		accept_sorted(c, in->scratch, rg->bytes);
		if (memcmp(in->scratch, rg->bytes, size) != 0) {
			size_t at = 0;

			while (in->scratch[at] == rg->bytes[at])
				at++;
			note_refusal(c, &w, at, size);
			*why = "loaded module bytes differ from the signed ELF";
			return -EKEYREJECTED;
		}
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
	struct chk chk;
	struct chk *c = &chk;
	unsigned int shnum, shstrndx;
	int err;

	memset(c, 0, sizeof(*c));
	c->in = in;
	c->lay = lay;
	err = elf_header(in->elf, in->elf_len, &c->shoff, &shnum, &shstrndx, why);
	if (err)
		return err;
	if (shnum != lay->shnum) {
		*why = "layout was computed for a different ELF";
		return -EINVAL;
	}
	err = kelf_open(&c->k, in->elf, in->elf_len, why);
	if (err)
		return err;
	c->sites = ksites_has_tables(&c->k);
	if (c->sites) {
		const char *vm = kelf_modinfo(&c->k, "vermagic");

		if (ksites_version(vm, &c->ver)) {
			log_warn("modval: module built for kernel \"%.40s\": its patch-site table "
				 "layouts are pinned only for Linux 6.1, 6.6 and 6.12, so its "
				 "patched bytes cannot be checked: refused", vm ? vm : "(no vermagic)");
			*why = "module's kernel version has no pinned site-table layout";
			return -EOPNOTSUPP;
		}
	}
	for (unsigned int t = 0; t < MODELF_NREGIONS; t++) {
		if (in->mem[t].len > MODELF_MAX_REGION) {
			*why = "loaded module region larger than 64 MiB";
			return -E2BIG;
		}
	}
	solve_percpu(c);
	for (unsigned int t = 0; t < MODELF_NREGIONS; t++) {
		/* RoAfterInit (__jump_table) is checked when the caller sends it */
		bool ro_ai = t == MODVAL_MOD_RO_AFTER_INIT && in->mem[t].len;

		if ((!modelf_region_checked(t) && !ro_ai) || (in->absent & (1u << t)))
			continue;
		err = check_region(c, t, why);
		if (err)
			return err;
	}
	return 0;
}
