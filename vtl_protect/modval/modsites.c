/* SPDX-License-Identifier: MIT */
/*
 * modsites: patch-site tables of x86_64 Linux modules and the byte forms
 * Linux leaves at each site (see modsites.h).
 *
 * Entry layouts (arch/x86/include/asm headers of each pinned version):
 *   .return_sites, .retpoline_sites, .call_sites, .smp_locks,
 *   .ibt_endbr_seal       s32 self-relative, 4 bytes per entry
 *   __jump_table          {s32 code; s32 target; s64 key}      16 bytes
 *   .static_call_sites    {s32 addr; s32 key}                   8 bytes
 *   .altinstructions      6.1:       {s32 instr; s32 repl; u16 cpuid;
 *                                      u8 instrlen; u8 replacementlen} 12 bytes
 *                         6.6, 6.12: {s32 instr; s32 repl; u32 ft_flags;
 *                                      u8 instrlen; u8 replacementlen} 14 bytes
 *   .parainstructions     {u8 *instr; u8 type; u8 len}         16 bytes
 *                         (6.1, 6.6; gone in 6.8, where paravirt sites
 *                         became alternatives)
 *   __mcount_loc          u64 address                           8 bytes
 * A module of any other version (from its vermagic) is refused: table
 * formats change between versions.  The site of an entry is where its
 * location field's relocation points: symbol section + symbol value +
 * addend (what Linux decodes at run time).
 */
#include <string.h>

#include "core/errno.h"
#include "vtl_protect/modval/modsites.h"

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

/* ---------------------------------------------------------------- versions */

/*
 * Pinned versions.  6.1: Debian 12's kernel.  6.12: Debian's
 * linux-source-6.12.  6.6: the LVBS sources (heki-linux/lvbs-linux's module
 * loader with the heki hooks is a 6.4+ tree; 6.6 is the LTS of the 6.3-6.7
 * kernels that share these layouts): struct alt_instr took its 14-byte form
 * in 6.3, and .parainstructions exists until 6.8, so 6.6 has 6.12's
 * alternatives and 6.1's paravirt table.
 */
static const struct {
	const char *prefix;
	struct ksites_ver v;
} versions[] = {
	{ "6.1.", { "6.1", 12 } },
	{ "6.6.", { "6.6", 14 } },
	{ "6.12.", { "6.12", 14 } },
};

int ksites_version(const char *vermagic, struct ksites_ver *v)
{
	/* "6.1.0-57-amd64 SMP preempt mod_unload modversions " */
	for (size_t i = 0; vermagic && i < sizeof(versions) / sizeof(versions[0]); i++) {
		size_t n = strlen(versions[i].prefix);
		if (!strncmp(vermagic, versions[i].prefix, n) ||
		    (!strncmp(vermagic, versions[i].prefix, n - 1) && vermagic[n - 1] == '-')) {
			*v = versions[i].v;
			return 0;
		}
	}
	return -EOPNOTSUPP;
}

bool ksites_has_tables(const struct kelf *k)
{
	for (unsigned int kind = 0; kind < KSITE_NKINDS; kind++)
		if (kelf_find(k, tables[kind].section))
			return true;
	return false;
}

/* ------------------------------------------------------------ site tables */

struct collect {
	const struct kelf *k;
	unsigned int kind, ti;
	const uint8_t *tab;
	uint64_t tabsize;
	unsigned int entsize, alt_entsize;
	ksite_fn fn;
	void *ctx;
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

/* Module location (section, offset) a table field's relocation names. */
static int field_loc(const struct collect *c, uint64_t field, uint32_t *shndx, uint64_t *off)
{
	struct kelf_rela r;
	struct kelf_sym s;
	uint32_t type;

	*shndx = 0;
	if (kelf_rela_at(c->k, c->ti, field, &r))
		return -ENOENT;
	type = (uint32_t)r.info;
	if ((type != KELF_R_PC32 && type != KELF_R_64) || kelf_sym(c->k, r.info >> 32, &s) ||
	    s.shndx == KELF_SHN_UNDEF || s.shndx >= c->k->shnum)
		return -ENOENT;
	*shndx = s.shndx;
	*off = s.value + (uint64_t)r.addend;
	/* PC32 fields are self-relative: "sym + addend - P" names sym + addend */
	return 0;
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
	uint64_t entry = r->offset - t->field;
	unsigned int len = site_len(c, code + off, size - off, entry);
	if (len > size - off) {
		*c->why = "site runs past its section";
		return -EBADMSG;
	}
	struct ksite site = { s.shndx, len, off, c->kind, 0, 0, 0, 0 };
	if (c->kind == KSITE_JUMP_LABEL)
		(void)field_loc(c, entry + 4, &site.aux_shndx, &site.aux_off);
	if (c->kind == KSITE_ALTERNATIVE) {
		(void)field_loc(c, entry + 4, &site.aux_shndx, &site.aux_off);
		site.aux_len = c->tab[entry + c->alt_entsize - 1];
	}
	if (c->kind == KSITE_PARAVIRT)
		site.pv_type = c->tab[entry + 8];
	return c->fn(c->ctx, &site);
}

/*
 * Static calls a module defines itself have their trampoline in the module's
 * .static_call.text: "__SCT__name: jmp target (5 bytes); ud1; 'SCT'".
 * static_call_update() rewrites the 5 bytes (jmp rel32, ret, or NOP).
 */
static int trampolines(const struct kelf *k, ksite_fn fn, void *ctx, const char **why)
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
		struct ksite site = { ti, 5, s.value, KSITE_SCT_TRAMP, 0, 0, 0, 0 };
		int rc = fn(ctx, &site);
		if (rc)
			return rc;
	}
	return 0;
}

int ksites_for_each(const struct kelf *k, const struct ksites_ver *v, unsigned int kind,
		    ksite_fn fn, void *ctx, const char **why)
{
	if (kind >= KSITE_NKINDS)
		return -EINVAL;
	if (kind == KSITE_SCT_TRAMP)
		return trampolines(k, fn, ctx, why);
	unsigned int ti = kelf_find(k, tables[kind].section);
	if (!ti)
		return 0;
	struct collect c = { k, kind, ti, NULL, 0, tables[kind].entsize, v->alt_entsize, fn, ctx, why };
	if (kind == KSITE_ALTERNATIVE)
		c.entsize = v->alt_entsize;
	c.tab = kelf_secdata(k, ti, &c.tabsize);
	if (!c.tab || !c.entsize || c.tabsize % c.entsize) {
		*why = "site table size is not a whole number of entries";
		return -EBADMSG;
	}
	int rc = kelf_for_each_rela(k, ti, one, &c);
	if (rc == -EBADMSG && !*why)
		*why = "site table relocations malformed";
	return rc;
}

struct collect_all {
	struct ksite *out;
	size_t max, *n;
};

static int add(void *vc, const struct ksite *s)
{
	struct collect_all *c = vc;
	if (*c->n >= c->max)
		return -ENOSPC;
	c->out[(*c->n)++] = *s;
	return 0;
}

int ksites_collect(const struct kelf *k, const struct ksites_ver *v, struct ksite *out,
		   size_t max, size_t *n, const char **why)
{
	struct collect_all c = { out, max, n };
	*n = 0;
	*why = NULL;
	for (unsigned int kind = 0; kind < KSITE_NKINDS; kind++) {
		int rc = ksites_for_each(k, v, kind, add, &c, why);
		if (rc) {
			if (!*why)
				*why = tables[kind].section;
			return rc;
		}
	}
	return 0;
}

/* ------------------------------------------------------------------ forms */

static int32_t s32at(const uint8_t *p)
{
	return (int32_t)((uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
			 (uint32_t)p[3] << 24);
}

/* Target of a rel32 branch whose displacement ends the instruction at p+4. */
static uint64_t rel32_target(uint64_t va_of_disp, const uint8_t *disp)
{
	return va_of_disp + 4 + (uint64_t)(int64_t)s32at(disp);
}

/* Linux's x86_nops[1..8] (P6 NOPs), the only NOPs it writes. */
static const uint8_t nops[9][8] = {
	{ 0 },
	{ 0x90 },
	{ 0x66, 0x90 },
	{ 0x0f, 0x1f, 0x00 },
	{ 0x0f, 0x1f, 0x40, 0x00 },
	{ 0x0f, 0x1f, 0x44, 0x00, 0x00 },
	{ 0x66, 0x0f, 0x1f, 0x44, 0x00, 0x00 },
	{ 0x0f, 0x1f, 0x80, 0x00, 0x00, 0x00, 0x00 },
	{ 0x0f, 0x1f, 0x84, 0x00, 0x00, 0x00, 0x00, 0x00 },
};

static bool is_nop(const uint8_t *b, size_t n)
{
	return n >= 1 && n <= 8 && !memcmp(b, nops[n], n);
}

bool ksite_fill_ok(const uint8_t *b, size_t n)
{
	size_t i = 0;
	/* add_nop() (6.2+) for long runs: jmp over the rest, then INT3s */
	if (n > 2 && b[0] == 0xeb && b[1] == n - 2) {
		for (i = 2; i < n && b[i] == 0xcc; i++)
			;
		if (i == n)
			return true;
		i = 0;
	}
	while (i < n) {
		size_t l;
		for (l = n - i < 8 ? n - i : 8; l > 0; l--)
			if (is_nop(b + i, l))
				break;
		if (!l)
			return false;
		i += l;
	}
	return true;
}

/* Padding after a jmp/ret Linux wrote: INT3s (straight-line speculation), then NOPs. */
static bool pad_ok(const uint8_t *b, size_t n)
{
	size_t i = 0;
	while (i < n && b[i] == 0xcc)
		i++;
	return ksite_fill_ok(b + i, n - i);
}

static bool all_int3(const uint8_t *b, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (b[i] != 0xcc)
			return false;
	return true;
}

/* A jmp/call rel32 at got to exactly target, then padding to n. */
static bool branch_to(const uint8_t *got, size_t n, uint64_t va, uint8_t op, uint64_t target)
{
	return target && n >= 5 && got[0] == op && rel32_target(va + 1, got + 1) == target &&
	       pad_ok(got + 5, n - 5);
}

/* Where the rel32 of the ELF's branch at a return/retpoline site sits. */
static size_t disp_at(const uint8_t *exp, size_t n)
{
	if (n == 6 && (exp[0] == 0x2e || exp[0] == 0x0f))
		return 2;
	return 1;
}

static int ret_form(const struct ksite_view *v, const struct modelf_kernel *kern, const char **why)
{
	const uint8_t *e = v->exp, *g = v->got;
	size_t n = v->s->len;
	bool jcc = e[0] == 0x0f;

	/* patch_return(): "ret; int3..." where no return thunk is needed */
	if (!jcc && g[0] == 0xc3 && all_int3(g + 1, n - 1))
		return 0;
	/* jcc: "jncc.d8 1f; ret; 1: int3..." */
	if (jcc && n == 6 && g[0] == (0x70 | ((e[1] & 0x0f) ^ 1)) && g[1] == 1 && g[2] == 0xc3 &&
	    all_int3(g + 3, n - 3))
		return 0;
	/* jmp to the return thunk the kernel selected, or on an ITS-affected
	 * CPU to its_return_thunk, which Linux uses only for a return in the
	 * lower half of a 64-byte line (address bit 5 clear; the other half
	 * gets "ret; int3": seen at every site of Debian 6.1 on Icelake) */
	if (!jcc && kern && (branch_to(g, n, v->va, 0xe9, kern->return_thunk) ||
			     (!(v->va & 0x20) && branch_to(g, n, v->va, 0xe9, kern->its_return_thunk))))
		return 0;
	if (jcc && kern && g[0] == 0x0f && g[1] == e[1] &&
	    (rel32_target(v->va + 2, g + 2) == kern->return_thunk ||
	     rel32_target(v->va + 2, g + 2) == kern->its_return_thunk) &&
	    (kern->return_thunk || kern->its_return_thunk))
		return 0;
	*why = "return site is neither ret+int3 nor a jmp to a trusted return thunk";
	return -EKEYREJECTED;
}

/* emit_indirect(): "call *%reg" / "jmp *%reg" (+ int3 after a jmp). */
static size_t indirect(uint8_t *b, unsigned int reg, bool call)
{
	size_t i = 0;
	if (reg >= 8)
		b[i++] = 0x41;
	b[i++] = 0xff;
	b[i++] = (uint8_t)((call ? 0xd0 : 0xe0) | (reg & 7));
	return i;
}

static bool indirect_ok(const uint8_t *g, size_t n, unsigned int reg, bool call)
{
	uint8_t want[8];
	size_t i = 0, l = indirect(want, reg, call);

	/* retpoline,lfence: "lfence; call *%reg" */
	if (n >= 3 + l && g[0] == 0x0f && g[1] == 0xae && g[2] == 0xe8)
		i = 3;
	return n >= i + l && !memcmp(g + i, want, l) && pad_ok(g + i + l, n - i - l);
}

static int retpoline_form(const struct ksite_view *v, const struct modelf_kernel *kern,
			  const char **why)
{
	const uint8_t *e = v->exp, *g = v->got;
	size_t n = v->s->len, d = disp_at(e, n);
	uint64_t thunk = rel32_target(v->va + d, e + d);
	bool jcc = e[0] == 0x0f, call = e[d - 1] == 0xe8;

	*why = "retpoline site is not a form Linux writes for its register";
	if (!kern || !kern->indirect_thunk_array || thunk < kern->indirect_thunk_array ||
	    (thunk - kern->indirect_thunk_array) % 32 || thunk - kern->indirect_thunk_array >= 16 * 32) {
		*why = "retpoline site's thunk is not in the kernel's indirect thunk array";
		return -EKEYREJECTED;
	}
	unsigned int reg = (unsigned int)((thunk - kern->indirect_thunk_array) / 32);
	if (reg == 4)
		return -EKEYREJECTED;   /* %rsp has no thunk */
	/* ITS: the same branch, to the register's ITS thunk */
	if (kern->its_thunk_array) {
		uint64_t its = kern->its_thunk_array + (uint64_t)reg * 64;
		if (!memcmp(g, e, d) && rel32_target(v->va + d, g + d) == its &&
		    pad_ok(g + d + 4, n - d - 4))
			return 0;
		if (d == 2 && !jcc && branch_to(g + 1, n - 1, v->va + 1, e[1], its))
			return 0;
		if (branch_to(g, n, v->va, e[d - 1], its))
			return 0;
	}
	if (jcc) {
		/* "jncc.d8 1f; jmp *%reg; 1:" then padding */
		if (g[0] != (0x70 | ((e[1] & 0x0f) ^ 1)) || g[1] > n - 2)
			return -EKEYREJECTED;
		uint8_t want[4];
		size_t l = indirect(want, reg, false);
		if (g[1] < l || memcmp(g + 2, want, l) != 0 || !pad_ok(g + 2 + l, n - 2 - l))
			return -EKEYREJECTED;
		return 0;
	}
	return indirect_ok(g, n, reg, call) ? 0 : -EKEYREJECTED;
}

static bool call_target_ok(const struct ksite_view *v, uint64_t t)
{
	return v->call_target_ok && v->call_target_ok(v->ctx, t);
}

static int static_call_form(const struct ksite_view *v, const struct modelf_kernel *kern,
			    const char **why)
{
	const uint8_t *e = v->exp, *g = v->got;
	uint64_t t = g[0] == 0xe8 || g[0] == 0xe9 ? rel32_target(v->va + 1, g + 1) : 0;

	*why = "static call site is not NOP5, ret or a branch to validated text";
	if (v->s->len != 5)
		return -EKEYREJECTED;
	if (is_nop(g, 5))
		return 0;
	/* a call stays a call, a tail call (jmp) a jmp */
	if (v->s->kind == KSITE_STATIC_CALL && g[0] != e[0] && g[0] != 0xc3)
		return -EKEYREJECTED;
	if ((g[0] == 0xe8 || g[0] == 0xe9) && call_target_ok(v, t))
		return 0;
	if (g[0] == 0xe9 && kern && kern->return_thunk && t == kern->return_thunk)
		return 0;
	if (g[0] == 0xc3 && all_int3(g + 1, 4) && (v->s->kind == KSITE_SCT_TRAMP || e[0] == 0xe9))
		return 0;
	if (t && (g[0] == 0xe8 || g[0] == 0xe9))
		*why = "static call aimed at something that is not validated kernel or module text";
	return -EKEYREJECTED;
}

static int jump_label_form(const struct ksite_view *v, const char **why)
{
	const uint8_t *g = v->got;
	size_t n = v->s->len;

	if (is_nop(g, n))
		return 0;
	if (v->target_va && n == 5 && g[0] == 0xe9 && rel32_target(v->va + 1, g + 1) == v->target_va)
		return 0;
	if (v->target_va && n == 2 && g[0] == 0xeb &&
	    v->va + 2 + (uint64_t)(int64_t)(int8_t)g[1] == v->target_va)
		return 0;
	*why = "jump label is neither a NOP nor a jmp to its entry's target";
	return -EKEYREJECTED;
}

/*
 * apply_paravirt() (6.1, 6.6: paravirt_patch()) writes a direct call to the
 * op's function (its pv_ops slot, a kernel function), a call to BUG_func for
 * an empty slot, or only NOPs for _paravirt_nop, padded with NOPs.  The
 * native instructions (cli, sti, pushf; pop, ...) come from ALTERNATIVE
 * entries on the same bytes, whose replacements the signed ELF carries: the
 * alternative check, which runs after this one, judges those.
 */
static int paravirt_form(const struct ksite_view *v, const struct modelf_kernel *kern,
			 const char **why)
{
	const uint8_t *g = v->got;
	size_t n = v->s->len;

	if (ksite_fill_ok(g, n))
		return 0;
	if (n >= 5 && g[0] == 0xe8 && kern) {
		uint64_t t = rel32_target(v->va + 1, g + 1);
		if (t && (t == kern->pv_bug || call_target_ok(v, t)) && ksite_fill_ok(g + 5, n - 5))
			return 0;
	}
	*why = "paravirt site is neither NOPs nor a call to trusted kernel text";
	return -EKEYREJECTED;
}

/*
 * Does got (n bytes at va) equal candidate c (clen bytes at cva; delta =
 * cva - va for a replacement copied here, 0 for the original) as
 * apply_alternatives() leaves it: byte for byte, except that
 *  - relative branches and RIP-relative operands of a copied replacement
 *    are re-targeted (the field becomes field + delta);
 *  - a jmp rel32 may be shortened to jmp rel8 + NOP, same target;
 *  - runs of 0x90 and the tail past clen may be any padding Linux writes.
 */
static bool alt_match(const uint8_t *g, size_t n, uint64_t va, const uint8_t *c, size_t clen,
		      uint64_t cva, uint64_t delta)
{
	size_t i = 0;

	/* A replacement that starts with call/jmp rel32 always has it
	 * re-targeted (6.1 recompute_jump()/call fix-up, 6.5+
	 * apply_relocation()): a verbatim copy would branch elsewhere. */
	if (delta && clen >= 5 && n >= 5 && (c[0] == 0xe8 || c[0] == 0xe9) && g[0] == c[0]) {
		if ((uint32_t)s32at(g + 1) != (uint32_t)((uint64_t)(uint32_t)s32at(c + 1) + delta))
			return false;
		i = 5;
	}
	while (i < n) {
		if (i >= clen)
			return ksite_fill_ok(g + i, n - i);
		if (g[i] == c[i]) {
			i++;
			continue;
		}
		if (c[i] == 0xe9 && i + 5 <= clen && g[i] == 0xeb &&
		    rel32_target(cva + i + 1, c + i + 1) ==
			    va + i + 2 + (uint64_t)(int64_t)(int8_t)g[i + 1] &&
		    ksite_fill_ok(g + i + 2, 3)) {
			i += 5;
			continue;
		}
		if (c[i] == 0x90) {
			size_t r = 0;
			while (i + r < clen && c[i + r] == 0x90)
				r++;
			if (i + r <= n && ksite_fill_ok(g + i, r)) {
				i += r;
				continue;
			}
		}
		if (delta) {
			bool ok = false;
			for (size_t j = i >= 3 ? i - 3 : 1; j <= i && !ok; j++) {
				uint8_t p = c[j - 1];
				bool field = p == 0xe8 || p == 0xe9 || (p & 0xc7) == 0x05 ||
					     (j >= 2 && c[j - 2] == 0x0f && (p & 0xf0) == 0x80);
				if (!field || j + 4 > clen || j + 4 > n || memcmp(g + j, c + j, i - j) != 0)
					continue;
				if ((uint32_t)s32at(g + j) == (uint32_t)((uint64_t)(uint32_t)s32at(c + j) + delta)) {
					i = j + 4;
					ok = true;
				}
			}
			if (ok)
				continue;
		}
		return false;
	}
	return true;
}

static int alternative_form(const struct ksite_view *v, const char **why)
{
	size_t n = v->s->len;

	/* Which form must be there depends on the CPU's features, which VTL1
	 * does not know: either is accepted (docs/module-validation.md). */
	if (alt_match(v->got, n, v->va, v->exp, n, v->va, 0))
		return 0;
	if (v->repl && v->s->aux_len <= n &&
	    alt_match(v->got, n, v->va, v->repl, v->s->aux_len, v->repl_va, v->repl_va - v->va))
		return 0;
	*why = v->repl ? "alternative is neither its original nor its replacement"
		       : "alternative changed and its replacement is not in loaded memory";
	return -EKEYREJECTED;
}

int ksite_form_ok(const struct ksite_view *v, const struct modelf_kernel *kern, const char **why)
{
	const uint8_t *e = v->exp, *g = v->got;
	size_t n = v->s->len;

	if (!memcmp(e, g, n))
		return 0;
	switch (v->s->kind) {
	case KSITE_FTRACE:
		/* ftrace_module_init() turns "call __fentry__" into NOP5 */
		if (n == 5 && e[0] == 0xe8 && is_nop(g, 5))
			return 0;
		*why = "ftrace site is not NOP5";
		return -EKEYREJECTED;
	case KSITE_LOCK:
		/* alternatives_smp_unlock(): lock becomes ds on one CPU */
		if (e[0] == 0xf0 && g[0] == 0x3e)
			return 0;
		*why = "lock prefix site is neither f0 nor 3e";
		return -EKEYREJECTED;
	case KSITE_ENDBR_SEAL:
		/* apply_seal_endbr(): endbr64 becomes "osp nopl (%rax)", a NOP
		 * unique to sealed ENDBRs (seen on Debian's 6.12) */
		if (!memcmp(e, "\xf3\x0f\x1e\xfa", 4) && !memcmp(g, "\x66\x0f\x1f\x00", 4))
			return 0;
		*why = "sealed endbr64 is not the 4-byte poison";
		return -EKEYREJECTED;
	case KSITE_RETURN:
		return ret_form(v, kern, why);
	case KSITE_RETPOLINE:
		return retpoline_form(v, kern, why);
	case KSITE_CALL_DEPTH:
		if (kern && e[0] == 0xe8 && g[0] == 0xe8 && n == 5) {
			uint64_t t = rel32_target(v->va + 1, g + 1);
			if (t >= kern->call_depth_thunks[0] && t < kern->call_depth_thunks[1])
				return 0;
		}
		*why = "call-depth site does not call into the kernel's call thunks";
		return -EKEYREJECTED;
	case KSITE_STATIC_CALL:
	case KSITE_SCT_TRAMP:
		return static_call_form(v, kern, why);
	case KSITE_JUMP_LABEL:
		return jump_label_form(v, why);
	case KSITE_PARAVIRT:
		return paravirt_form(v, kern, why);
	case KSITE_ALTERNATIVE:
		return alternative_form(v, why);
	default:
		*why = "unknown site kind";
		return -EKEYREJECTED;
	}
}
