/* SPDX-License-Identifier: MIT */
/*
 * sites: patch-site tables of x86_64 Linux modules (see sites.h).
 *
 * Entry layouts (Linux 6.1 and 6.12 alike, arch/x86/include/asm headers):
 *   .return_sites, .retpoline_sites, .call_sites, .smp_locks,
 *   .ibt_endbr_seal       s32 self-relative, 4 bytes per entry
 *   __jump_table          {s32 code; s32 target; s64 key}      16 bytes
 *   .static_call_sites    {s32 addr; s32 key}                   8 bytes
 *   .altinstructions      6.1:  {s32 instr; s32 repl; u16 cpuid;
 *                                 u8 instrlen; u8 replacementlen} 12 bytes
 *                         6.12: {s32 instr; s32 repl; u32 ft_flags;
 *                                 u8 instrlen; u8 replacementlen} 14 bytes
 *   .parainstructions     {u8 *instr; u8 type; u8 len}         16 bytes (6.1)
 *   __mcount_loc          u64 address                           8 bytes
 * Only these two versions are known: a module of any other version (from
 * its vermagic) is refused, because table formats change between versions.
 * The site of an entry is where its location field's relocation points:
 * symbol section + symbol value + addend (what Linux decodes at run time).
 */
#include <string.h>

#include "core/errno.h"
#include "tools/modtruth/sites.h"

struct table {
	const char *section, *name;
	unsigned int entsize, field;
};

static const struct table tables[KSITE_NKINDS] = {
	[KSITE_RETURN] = { ".return_sites", "return", 4, 0 },
	[KSITE_RETPOLINE] = { ".retpoline_sites", "retpoline", 4, 0 },
	[KSITE_CALL_DEPTH] = { ".call_sites", "call-depth", 4, 0 },
	[KSITE_JUMP_LABEL] = { "__jump_table", "jump-label", 16, 0 },
	[KSITE_LOCK] = { ".smp_locks", "lock-prefix", 4, 0 },
	[KSITE_STATIC_CALL] = { ".static_call_sites", "static-call", 8, 0 },
	[KSITE_ALTERNATIVE] = { ".altinstructions", "alternative", 0, 0 },  /* per version */
	[KSITE_PARAVIRT] = { ".parainstructions", "paravirt", 16, 0 },
	[KSITE_FTRACE] = { "__mcount_loc", "ftrace", 8, 0 },
	[KSITE_ENDBR_SEAL] = { ".ibt_endbr_seal", "endbr-seal", 4, 0 },
	[KSITE_SCT_TRAMP] = { ".static_call.text", "static-call-trampoline", 0, 0 },
};

const char *ksite_table(unsigned int kind)
{
	return kind < KSITE_NKINDS ? tables[kind].section : "?";
}

const char *ksite_name(unsigned int kind)
{
	return kind < KSITE_NKINDS ? tables[kind].name : "?";
}

struct collect {
	const struct kelf *k;
	unsigned int kind;
	const uint8_t *tab;
	uint64_t tabsize;
	unsigned int entsize, alt_entsize;
	struct ksite *out;
	size_t max, *n;
	const char **why;
};

/* Length of the instruction at a site, from its bytes in the ELF. */
static unsigned int site_len(const struct collect *c, const uint8_t *code, uint64_t avail,
			     uint64_t entry)
{
	uint8_t b0 = avail > 0 ? code[0] : 0, b1 = avail > 1 ? code[1] : 0;
	switch (c->kind) {
	case KSITE_RETURN:
	case KSITE_RETPOLINE:
		/* jcc rel32 (0f 8x) and cs-prefixed call/jmp (2e e8/e9) are 6 bytes */
		return b0 == 0x0f || b0 == 0x2e ? 6 : 5;
	case KSITE_JUMP_LABEL:
		return b0 == 0xeb || (b0 == 0x66 && b1 == 0x90) ? 2 : 5;
	case KSITE_LOCK:
		return 1;
	case KSITE_ALTERNATIVE:
		return c->tab[entry + c->alt_entsize - 2];
	case KSITE_PARAVIRT:
		return c->tab[entry + 9];
	case KSITE_ENDBR_SEAL:
		return 4;
	default:
		return 5;
	}
}

static int one(void *vc, const struct kelf_rela *r)
{
	struct collect *c = vc;
	const struct table *t = &tables[c->kind];
	uint32_t type = (uint32_t)r->info;
	struct kelf_sym s;

	if (r->offset >= c->tabsize || r->offset % c->entsize != t->field)
		return 0;   /* another field of the entry (target, key, repl) */
	if (r->offset + c->entsize > c->tabsize) {
		*c->why = "table entry cut short";
		return -EBADMSG;
	}
	if (type != KELF_R_PC32 && type != KELF_R_64) {
		*c->why = "table location field has an unexpected relocation type";
		return -EBADMSG;
	}
	if (kelf_sym(c->k, r->info >> 32, &s) || s.shndx == KELF_SHN_UNDEF ||
	    s.shndx >= c->k->shnum) {
		*c->why = "site outside the module";
		return -EBADMSG;
	}
	uint64_t size, off = s.value + (uint64_t)r->addend;
	const uint8_t *code = kelf_secdata(c->k, s.shndx, &size);
	if (!code || off >= size) {
		*c->why = "site outside its section";
		return -EBADMSG;
	}
	unsigned int len = site_len(c, code + off, size - off, r->offset - t->field);
	if (len > size - off) {
		*c->why = "site runs past its section";
		return -EBADMSG;
	}
	if (*c->n >= c->max)
		return -ENOSPC;
	c->out[(*c->n)++] = (struct ksite){ s.shndx, len, off, c->kind };
	return 0;
}

/*
 * Static calls a module defines itself have their trampoline in the module's
 * .static_call.text: "__SCT__name: jmp target (5 bytes); ud1; 'SCT'".
 * static_call_update() rewrites the 5 bytes (jmp rel32, ret, or NOP).
 */
static int trampolines(const struct kelf *k, struct ksite *out, size_t max, size_t *n,
		       const char **why)
{
	unsigned int ti = kelf_find(k, ".static_call.text");
	uint64_t size;
	if (!ti || !kelf_secdata(k, ti, &size))
		return 0;
	for (size_t i = 1; i < k->nsyms; i++) {
		struct kelf_sym s;
		if (kelf_sym(k, i, &s) || s.shndx != ti || strncmp(kelf_symname(k, &s), "__SCT__", 7) != 0)
			continue;
		if (s.value >= size || size - s.value < 5) {
			*why = "static-call trampoline outside .static_call.text";
			return -EBADMSG;
		}
		if (*n >= max)
			return -ENOSPC;
		out[(*n)++] = (struct ksite){ ti, 5, s.value, KSITE_SCT_TRAMP };
	}
	return 0;
}

int ksites_version(const char *vermagic, unsigned int *alt_entsize)
{
	/* "6.1.0-57-amd64 SMP preempt mod_unload modversions " */
	if (!strncmp(vermagic, "6.1.", 4) || !strncmp(vermagic, "6.1-", 4)) {
		*alt_entsize = 12;
		return 0;
	}
	if (!strncmp(vermagic, "6.12.", 5) || !strncmp(vermagic, "6.12-", 5)) {
		*alt_entsize = 14;
		return 0;
	}
	return -EOPNOTSUPP;
}

int ksites_collect(const struct kelf *k, const char *vermagic, struct ksite *out, size_t max,
		   size_t *n, const char **why)
{
	unsigned int alt;
	*n = 0;
	*why = NULL;
	if (ksites_version(vermagic, &alt)) {
		*why = "unknown kernel version (site table layouts are pinned for Linux 6.1 and 6.12)";
		return -EOPNOTSUPP;
	}
	for (unsigned int kind = 0; kind < KSITE_NKINDS; kind++) {
		unsigned int ti = kelf_find(k, tables[kind].section);
		if (!ti || (!tables[kind].entsize && kind != KSITE_ALTERNATIVE))
			continue;
		struct collect c = { k, kind, NULL, 0, tables[kind].entsize, alt, out, max, n, why };
		if (kind == KSITE_ALTERNATIVE)
			c.entsize = alt;
		c.tab = kelf_secdata(k, ti, &c.tabsize);
		if (!c.tab || c.tabsize % c.entsize) {
			*why = tables[kind].section;
			return -EBADMSG;
		}
		int rc = kelf_for_each_rela(k, ti, one, &c);
		if (rc) {
			if (!*why)
				*why = tables[kind].section;
			return rc;
		}
	}
	return trampolines(k, out, max, n, why);
}
