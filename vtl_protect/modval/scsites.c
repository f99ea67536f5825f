// SPDX-License-Identifier: MIT
/* Static-call sites of a module ELF (see scsites.h). */
#include <string.h>

#include "core/errno.h"
#include "vtl_protect/modval/kelf.h"
#include "vtl_protect/modval/scsites.h"

#define SHT_SYMTAB 2
#define SHT_RELA   4
#define R_64       1
#define R_PC32     2
#define R_PLT32    4
#define SHN_LORESERVE 0xff00

struct elf_view {
	const uint8_t *e;
	size_t len;
	uint64_t shoff;
	unsigned int shnum;
	uint64_t stroff, strsz;   /* section name table */
};

static const uint8_t *shdr(const struct elf_view *v, unsigned int i)
{
	return v->e + v->shoff + (uint64_t)i * 64;
}

/* Section i's name, or "" when it cannot be read. */
static const char *sec_name(const struct elf_view *v, unsigned int i)
{
	uint32_t n = kelf_le32(shdr(v, i));

	return n < v->strsz ? (const char *)v->e + v->stroff + n : "";
}

static bool in_file(const struct elf_view *v, uint64_t off, uint64_t size)
{
	return off <= v->len && size <= v->len - off;
}

/* VA of byte `off` of section i, or 0 when it is not loaded. */
static uint64_t sec_va(const struct modelf_layout *lay, const uint64_t *va, unsigned int i,
		       uint64_t off)
{
	if (i >= lay->shnum || lay->type[i] >= MODELF_NREGIONS)
		return 0;
	return va[lay->type[i]] + lay->offset[i] + off;
}

static bool is_text(const struct modelf_layout *lay, unsigned int i)
{
	return i < lay->shnum &&
	       (lay->type[i] == MODVAL_MOD_TEXT || lay->type[i] == MODVAL_MOD_INIT_TEXT);
}

/*
 * The section table and section names of the module ELF VTL1 validated
 * (`lay` is its layout), checked once for the readers below.
 */
static int view_open(struct elf_view *v, const uint8_t *elf, size_t len,
		     const struct modelf_layout *lay, const char **why)
{
	unsigned int shstrndx;

	*v = (struct elf_view){ elf, len, 0, 0, 0, 0 };
	if (len < 64) {
		*why = "module ELF too short";
		return -EBADMSG;
	}
	v->shoff = kelf_le64(elf + 0x28);
	v->shnum = (unsigned int)kelf_le16(elf + 0x3c);
	shstrndx = (unsigned int)kelf_le16(elf + 0x3e);
	if (v->shnum != lay->shnum || shstrndx >= v->shnum ||
	    !in_file(v, v->shoff, (uint64_t)v->shnum * 64)) {
		*why = "module ELF section table unreadable";
		return -EBADMSG;
	}
	v->stroff = kelf_le64(shdr(v, shstrndx) + 24);
	v->strsz = kelf_le64(shdr(v, shstrndx) + 32);
	if (!in_file(v, v->stroff, v->strsz) || !v->strsz || elf[v->stroff + v->strsz - 1]) {
		*why = "module ELF section names unreadable";
		return -EBADMSG;
	}
	return 0;
}

static long put(struct modval_sc_site *out, size_t max, long n, uint64_t va, uint8_t kind,
		bool init, const char **why)
{
	if ((size_t)n >= max && out) {
		*why = "more static-call sites than VTL1 takes per module";
		return -E2BIG;
	}
	if (out)
		out[n] = (struct modval_sc_site){ va, kind, init };
	return n + 1;
}

long modval_sc_sites(const uint8_t *elf, size_t len, const struct modelf_layout *lay,
		     const uint64_t va[MODELF_NREGIONS], struct modval_sc_site *out, size_t max,
		     const char **why)
{
	struct elf_view v;
	unsigned int scs = 0, tramp = 0, mcount = 0;
	long n = 0;
	int err = view_open(&v, elf, len, lay, why);

	if (err)
		return err;
	for (unsigned int i = 1; i < v.shnum; i++) {
		if (!strcmp(sec_name(&v, i), ".static_call_sites") && lay->type[i] < MODELF_NREGIONS)
			scs = i;
		if (!strcmp(sec_name(&v, i), ".static_call.text"))
			tramp = i;
		if (!strcmp(sec_name(&v, i), "__mcount_loc") && lay->type[i] < MODELF_NREGIONS)
			mcount = i;
	}

	for (unsigned int i = 1; i < v.shnum; i++) {
		const uint8_t *h = shdr(&v, i);
		uint64_t off = kelf_le64(h + 24), size = kelf_le64(h + 32);
		unsigned int type = (unsigned int)kelf_le32(h + 4), link = (unsigned int)kelf_le32(h + 40);
		unsigned int info = (unsigned int)kelf_le32(h + 44);
		uint64_t symoff, symsz;

		if ((type != SHT_RELA || ((!scs || info != scs) && (!mcount || info != mcount))) &&
		    (type != SHT_SYMTAB || !tramp))
			continue;
		if (!in_file(&v, off, size) || size % 24) {
			*why = "module symbol or relocation table out of the file";
			return -EBADMSG;
		}
		if (type == SHT_SYMTAB) {
			/* the module's own __SCT__ trampolines */
			unsigned int sl = link;
			uint64_t stroff, strsz;

			if (sl >= v.shnum)
				return -EBADMSG;
			stroff = kelf_le64(shdr(&v, sl) + 24);
			strsz = kelf_le64(shdr(&v, sl) + 32);
			if (!in_file(&v, stroff, strsz) || !strsz || elf[stroff + strsz - 1]) {
				*why = "module string table unreadable";
				return -EBADMSG;
			}
			for (uint64_t k = 0; k < size; k += 24) {
				const uint8_t *sym = elf + off + k;
				uint32_t nm = kelf_le32(sym);
				unsigned int sh = (unsigned int)kelf_le16(sym + 6);

				if (sh != tramp || nm >= strsz ||
				    strncmp((const char *)elf + stroff + nm, "__SCT__", 7) != 0)
					continue;
				if (!is_text(lay, sh)) {
					*why = "static-call trampoline outside the module's text";
					return -EINVAL;
				}
				n = put(out, max, n, sec_va(lay, va, sh, kelf_le64(sym + 8)),
					MODVAL_SC_TAIL, lay->type[sh] == MODVAL_MOD_INIT_TEXT, why);
				if (n < 0)
					return n;
			}
			continue;
		}
		/* .rela.static_call_sites: addr field (offset % 8 == 0) names the
		 * site; the key field's addend carries the tail bit.
		 * .rela__mcount_loc: every entry an R_X86_64_64 to a site. */
		if (link >= v.shnum)
			return -EBADMSG;
		symoff = kelf_le64(shdr(&v, link) + 24);
		symsz = kelf_le64(shdr(&v, link) + 32);
		if (!in_file(&v, symoff, symsz)) {
			*why = "module symbol table out of the file";
			return -EBADMSG;
		}
		for (uint64_t k = 0; k < size; k += 24) {
			const uint8_t *r = elf + off + k;
			uint64_t roff = kelf_le64(r), rinfo = kelf_le64(r + 8), symi = rinfo >> 32;
			int64_t add = (int64_t)kelf_le64(r + 16);
			const uint8_t *sym;
			unsigned int sh;
			uint64_t site;
			bool tail = false;

			if (roff % 8)
				continue;    /* a key field */
			if (info == mcount ? (uint32_t)rinfo != R_64 :
			    (uint32_t)rinfo != R_PC32 && (uint32_t)rinfo != R_PLT32) {
				*why = "static-call site relocation of an unexpected type";
				return -EBADMSG;
			}
			if ((symi + 1) * 24 > symsz) {
				*why = "static-call site relocation names a bad symbol";
				return -EBADMSG;
			}
			sym = elf + symoff + symi * 24;
			sh = (unsigned int)kelf_le16(sym + 6);
			if (!sh || sh >= SHN_LORESERVE || !is_text(lay, sh)) {
				*why = "static-call site outside the module's text";
				return -EINVAL;
			}
			site = sec_va(lay, va, sh, kelf_le64(sym + 8) + (uint64_t)add);
			if (info == mcount) {
				n = put(out, max, n, site, MODVAL_SC_FTRACE,
					lay->type[sh] == MODVAL_MOD_INIT_TEXT, why);
				if (n < 0)
					return n;
				continue;
			}
			/* the key relocation of the same entry: addend bit 0 = tail */
			if (k + 24 < size && kelf_le64(r + 24) == roff + 4) {
				tail = kelf_le64(r + 24 + 16) & 1;  /* objtool's order */
			} else {
				for (uint64_t q = 0; q < size; q += 24)
					if (kelf_le64(elf + off + q) == roff + 4)
						tail = kelf_le64(elf + off + q + 16) & 1;
			}
			n = put(out, max, n, site, tail ? MODVAL_SC_TAIL : MODVAL_SC_CALL,
				lay->type[sh] == MODVAL_MOD_INIT_TEXT, why);
			if (n < 0)
				return n;
		}
	}
	return n;
}

int modval_export_tables(const uint8_t *elf, size_t len, const struct modelf_layout *lay,
			 uint64_t tab[2][2], uint64_t span[2], const char **why)
{
	static const char *const names[3] = { "__ksymtab", "__ksymtab_gpl", "__ksymtab_strings" };
	struct elf_view v;
	uint64_t lo = UINT64_MAX, hi = 0;
	bool any = false;
	int err;

	memset(tab, 0, 2 * sizeof(tab[0]));
	span[0] = span[1] = 0;
	err = view_open(&v, elf, len, lay, why);
	if (err)
		return err;
	for (unsigned int i = 1; i < v.shnum; i++) {
		uint64_t size = kelf_le64(shdr(&v, i) + 32);

		for (unsigned int t = 0; t < 3; t++) {
			if (strcmp(sec_name(&v, i), names[t]) != 0 || !size)
				continue;
			if (lay->type[i] != MODVAL_MOD_RODATA) {
				*why = "module export table outside its RoData";
				return -EINVAL;
			}
			if (t < 2) {
				tab[t][0] = lay->offset[i];
				tab[t][1] = lay->offset[i] + size;
				any = true;
			}
			lo = lay->offset[i] < lo ? lay->offset[i] : lo;
			hi = lay->offset[i] + size > hi ? lay->offset[i] + size : hi;
		}
	}
	if (!any)
		return 1;
	span[0] = lo;
	span[1] = hi;
	return 0;
}
