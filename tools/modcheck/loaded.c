// SPDX-License-Identifier: MIT
/* modcheck --loaded: see loaded.h. */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tools/modcheck/loaded.h"
#include "vtl_protect/modval/kelf.h"
#include "vtl_protect/modval/kfill.h"
#include "vtl_protect/modval/ksym.h"
#include "vtl_protect/modval/modsig.h"
#include "vtl_protect/modval/modval.h"
#include "vtl_protect/modval/scsites.h"

#define PAGE 4096u
#define SYMS_MAX  (64u << 20)    /* a whole /proc/kallsyms is ~15 MiB */
#define LIST_MAX  (1u << 20)     /* sections.txt */

static uint8_t *slurp(const char *path, size_t max, size_t *len)
{
	FILE *f = fopen(path, "rb");
	uint8_t *b = NULL;
	size_t cap = 0, n = 0;

	if (!f)
		return NULL;
	for (;;) {
		size_t got;

		if (n == cap) {
			uint8_t *nb;

			if (cap >= max + 1)
				break;
			cap = cap ? 2 * cap : 65536;
			if (cap > max + 1)
				cap = max + 1;
			nb = realloc(b, cap + 1);
			if (!nb) {
				free(b);
				fclose(f);
				return NULL;
			}
			b = nb;
		}
		got = fread(b + n, 1, cap - n, f);
		if (!got)
			break;
		n += got;
	}
	fclose(f);
	if (!b || n > max) {
		free(b);
		errno = EFBIG;
		return NULL;
	}
	b[n] = 0;
	*len = n;
	return b;
}

/* ------------------------------------------------------------ kallsyms */

struct ksym {
	const char *name;
	uint64_t addr;
	char type;       /* "[module]" symbols are taken as upper-case: see below */
};

struct ksyms {
	char *text;
	struct ksym *v;
	size_t n;
	uint64_t stext, etext;
	uint64_t self_va, self_len;   /* the module's own Text region */
};

static int ksym_cmp(const void *a, const void *b)
{
	const struct ksym *x = a, *y = b;
	int c = strcmp(x->name, y->name);

	/* globals first among equal names: they are what an import binds to */
	if (!c)
		c = (int)!isupper((unsigned char)x->type) - (int)!isupper((unsigned char)y->type);
	return c;
}

static int ksyms_load(struct ksyms *k, const char *path, char *detail, size_t dsz)
{
	size_t len, cap = 0;
	char *p, *save = NULL;

	memset(k, 0, sizeof(*k));
	k->text = (char *)slurp(path, SYMS_MAX, &len);
	if (!k->text) {
		snprintf(detail, dsz, "cannot read kallsyms file %.400s: %s", path, strerror(errno));
		return -1;
	}
	for (p = strtok_r(k->text, "\n", &save); p; p = strtok_r(NULL, "\n", &save)) {
		char *end, *type, *name;
		unsigned long long a = strtoull(p, &end, 16);

		if (end == p || *end != ' ')
			continue;
		type = end + 1;
		if (!type[0] || type[1] != ' ')
			continue;
		name = type + 2;
		{
			size_t nl = strcspn(name, " \t\r");
			bool mod = strchr(name + nl, '[') != NULL;

			name[nl] = 0;    /* drop " [module]" */
			type[0] = mod ? (char)toupper((unsigned char)type[0]) : type[0];
		}
		if (!name[0])
			continue;
		if (k->n == cap) {
			struct ksym *nv;

			cap = cap ? 2 * cap : 1024;
			nv = realloc(k->v, cap * sizeof(*nv));
			if (!nv) {
				snprintf(detail, dsz, "kallsyms file %.400s: out of memory", path);
				return -1;
			}
			k->v = nv;
		}
		k->v[k->n++] = (struct ksym){ name, a, type[0] };
		if (!strcmp(name, "_stext") || (!strcmp(name, "_text") && !k->stext))
			k->stext = a;
		if (!strcmp(name, "_etext"))
			k->etext = a;
	}
	qsort(k->v, k->n, sizeof(*k->v), ksym_cmp);
	return 0;
}

static void ksyms_free(struct ksyms *k)
{
	free(k->v);
	free(k->text);
}

/*
 * modelf_resolve_fn over kallsyms.  VTL1 binds imports to the kernel's
 * exports; kallsyms marks those (and every other global) upper-case, so only
 * upper-case symbols count.  A symbol tagged "[module]" is another module's
 * export the module imports (VTL1 finds it in that module's validated
 * __ksymtab; `--exports` shows those), whatever its case.
 */
static int ksyms_resolve(void *ctx, const char *name, uint64_t *addr)
{
	const struct ksyms *k = ctx;
	size_t lo = 0, hi = k->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strcmp(name, k->v[mid].name);

		if (c <= 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	if (lo < k->n && !strcmp(k->v[lo].name, name) && isupper((unsigned char)k->v[lo].type)) {
		*addr = k->v[lo].addr;
		return 0;
	}
	return -ENOENT;
}

/* Kernel text [_stext, _etext) or the module's own Text, as VTL1 rules. */
static bool ksyms_is_text(void *ctx, uint64_t va)
{
	const struct ksyms *k = ctx;

	return (k->etext > k->stext && va >= k->stext && va < k->etext) ||
	       va - k->self_va < k->self_len;
}

/* ------------------------------------------------------------ the ELF */

struct sec {
	const char *name;
	uint64_t size;
	uint32_t type;
	uint64_t addr;     /* from sections.txt; 0 = not listed */
	bool have_bin;
};

/* Section names and sizes (modelf_layout has checked the headers already). */
static struct sec *elf_sections(const uint8_t *e, size_t len, unsigned int shnum)
{
	uint64_t shoff = kelf_le64(e + 0x28);
	unsigned int shstrndx = (unsigned int)kelf_le16(e + 0x3e);
	uint64_t stroff, strsz;
	struct sec *s = calloc(shnum ? shnum : 1, sizeof(*s));

	if (!s || shstrndx >= shnum || shoff > len || (uint64_t)shnum * 64 > len - shoff) {
		free(s);
		return NULL;
	}
	stroff = kelf_le64(e + shoff + (uint64_t)shstrndx * 64 + 24);
	strsz = kelf_le64(e + shoff + (uint64_t)shstrndx * 64 + 32);
	if (stroff > len || strsz > len - stroff || !strsz || e[stroff + strsz - 1]) {
		free(s);
		return NULL;
	}
	for (unsigned int i = 0; i < shnum; i++) {
		const uint8_t *h = e + shoff + (uint64_t)i * 64;
		uint32_t nm = kelf_le32(h);

		s[i].name = nm < strsz ? (const char *)e + stroff + nm : "";
		s[i].type = kelf_le32(h + 4);
		s[i].size = kelf_le64(h + 32);
	}
	return s;
}

/* ------------------------------------------------------------ the check */

static void note(char *buf, size_t sz, const char *name)
{
	size_t o = strlen(buf);

	if (o + strlen(name) + 2 < sz)
		snprintf(buf + o, sz - o, "%s%s", o ? " " : "", name);
}

static bool fail(struct loaded_result *r, int err, const char *reason)
{
	r->ok = false;
	r->err = err;
	r->reason = reason;
	return false;
}

/* sections.txt: give each ELF section its loaded address. */
static bool read_addresses(const char *dir, struct sec *s, unsigned int shnum,
			   struct loaded_result *r)
{
	char path[4096];
	size_t len;
	char *txt, *line, *save = NULL;

	snprintf(path, sizeof(path), "%s/sections.txt", dir);
	txt = (char *)slurp(path, LIST_MAX, &len);
	if (!txt) {
		snprintf(r->detail, sizeof(r->detail), "%.400s: %s", path, strerror(errno));
		return fail(r, -ENOENT, "cannot read the dump's sections.txt");
	}
	for (line = strtok_r(txt, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		/* "NAME 0xADDRESS" */
		char *sp = strchr(line, ' '), *end;
		unsigned long long a;

		if (!sp || strncmp(sp + 1, "0x", 2) != 0)
			continue;
		*sp = 0;
		errno = 0;
		a = strtoull(sp + 3, &end, 16);
		if (errno || end == sp + 3 || (*end && *end != '\r' && *end != ' '))
			continue;
		for (unsigned int i = 1; i < shnum; i++)
			if (!strcmp(s[i].name, line))
				s[i].addr = a;
	}
	free(txt);
	return true;
}

/*
 * The exports VTL1 keeps for this module once it accepts it (hooks.c
 * keep_exports(): the same tables, read from the loaded RoData), one
 * "EXPORT NAME 0xADDRESS" line each.
 */
static void print_exports(FILE *out, const uint8_t *ko, size_t clen,
			  const struct modelf_layout *lay, const uint8_t *ro, size_t ro_len,
			  uint64_t rva)
{
	uint64_t tab[2][2], span[2], start[2], end[2];
	struct modval_ksyms k;
	const char *why = "?";
	int err = modval_export_tables(ko, clen, lay, tab, span, &why);

	if (err == 1)
		return;
	if (!err && (!ro || span[1] > ro_len)) {
		err = -E2BIG;
		why = "export tables outside the dumped RoData";
	}
	for (int i = 0; !err && i < 2; i++) {
		start[i] = tab[i][0] == tab[i][1] ? rva + span[0] : rva + tab[i][0];
		end[i] = tab[i][0] == tab[i][1] ? rva + span[0] : rva + tab[i][1];
	}
	if (!err)
		err = modval_ksyms_init_table(&k, ro + span[0], span[1] - span[0], rva + span[0],
					      start, end, &why);
	if (err) {
		fprintf(out, "EXPORTS unreadable: %s\n", why);
		return;
	}
	for (int tt = 0; tt < 2; tt++) {
		const char *name;
		uint64_t a;

		for (size_t i = 0; modval_ksyms_entry(&k, tt, i, &name, &a) == 0; i++)
			fprintf(out, "EXPORT %s 0x%llx\n", name, (unsigned long long)a);
	}
}

bool loaded_check(const struct modval_trust *t, const uint8_t *ko, size_t len, const char *dir,
		  const char *syms, FILE *exports, struct loaded_result *r)
{
	struct modelf_layout *lay = calloc(1, sizeof(*lay));
	struct modval_module_input in;
	struct modsig_result res;
	struct ksyms ks;
	struct sec *s = NULL;
	uint8_t *bytes[MODELF_NREGIONS] = { NULL };
	bool absent[MODELF_NREGIONS] = { false }, filled[MODELF_NREGIONS] = { false };
	uint64_t va[MODELF_NREGIONS] = { 0 };
	bool have_va[MODELF_NREGIONS] = { false };
	size_t clen, slen, need = 0;
	const uint8_t *sig;
	const char *why = "?";
	uint8_t *scratch = NULL;
	int err;

	memset(r, 0, sizeof(*r));
	memset(&ks, 0, sizeof(ks));
	if (!lay)
		return fail(r, -ENOMEM, "out of memory");
	/* Placement needs the signed content's layout; the signature itself is
	 * checked below by the same call VTL1 makes. */
	err = modsig_split(ko, len, &clen, &sig, &slen, &why);
	if (!err)
		err = modelf_layout(ko, clen, lay, &why);
	if (err) {
		free(lay);
		return fail(r, err, why);
	}
	s = elf_sections(ko, clen, lay->shnum);
	if (!s) {
		free(lay);
		return fail(r, -EBADMSG, "module ELF section names unreadable");
	}
	if (ksyms_load(&ks, syms, r->detail, sizeof(r->detail))) {
		fail(r, -ENOENT, "cannot read the kallsyms file");
		goto out;
	}
	if (!read_addresses(dir, s, lay->shnum, r))
		goto out;

	/* Each region's VA, from every one of its sections. */
	for (unsigned int i = 1; i < lay->shnum; i++) {
		unsigned int ty = lay->type[i];

		if (ty >= MODELF_NREGIONS || !s[i].size)
			continue;
		if (!s[i].addr) {
			snprintf(r->detail, sizeof(r->detail), "section %s", s[i].name);
			fail(r, -EINVAL, "a loaded section is missing from sections.txt");
			goto out;
		}
		if (!have_va[ty]) {
			va[ty] = s[i].addr - lay->offset[i];
			have_va[ty] = true;
		} else if (s[i].addr - lay->offset[i] != va[ty]) {
			snprintf(r->detail, sizeof(r->detail),
				 "section %s at %#llx, VTL1's layout puts it at %#llx", s[i].name,
				 (unsigned long long)s[i].addr,
				 (unsigned long long)va[ty] + lay->offset[i]);
			fail(r, -EKEYREJECTED, "sections are not where Linux's layout puts them");
			goto out;
		}
	}
	/* Each checked region's bytes: whole pages, sections at their offsets. */
	for (unsigned int ty = 0; ty < MODELF_NREGIONS; ty++) {
		size_t rlen = ((size_t)lay->size[ty] + PAGE - 1) / PAGE * PAGE;
		unsigned int nbin = 0, nsec = 0;

		if (!modelf_region_checked(ty) || !lay->size[ty])
			continue;
		bytes[ty] = calloc(1, rlen);
		if (!bytes[ty]) {
			fail(r, -ENOMEM, "out of memory");
			goto out;
		}
		need = rlen > need ? rlen : need;
		for (unsigned int i = 1; i < lay->shnum; i++) {
			char path[4096];
			uint8_t *b;
			size_t blen;

			if (lay->type[i] != ty || !s[i].size)
				continue;
			nsec++;
			snprintf(path, sizeof(path), "%s/%s.bin", dir, s[i].name);
			b = slurp(path, MODELF_MAX_REGION, &blen);
			if (!b)
				continue;
			if (blen != s[i].size) {
				snprintf(r->detail, sizeof(r->detail), "%.400s is %zu bytes, the "
					 "section %llu", path, blen, (unsigned long long)s[i].size);
				free(b);
				fail(r, -EINVAL, "a dumped section has the wrong size");
				goto out;
			}
			memcpy(bytes[ty] + lay->offset[i], b, blen);
			free(b);
			s[i].have_bin = true;
			nbin++;
		}
		if (nbin && nbin != nsec) {
			for (unsigned int i = 1; i < lay->shnum; i++)
				if (lay->type[i] == ty && s[i].size && !s[i].have_bin)
					snprintf(r->detail, sizeof(r->detail), "no %.200s/%.200s.bin", dir,
						 s[i].name);
			fail(r, -EINVAL, "a region is dumped only in part");
			goto out;
		}
		if (!nbin) {
			absent[ty] = true;
			for (unsigned int i = 1; i < lay->shnum; i++)
				if (lay->type[i] == ty && s[i].size)
					note(r->not_checked, sizeof(r->not_checked), s[i].name);
		} else {
			r->nregions_checked++;
		}
	}
	if (exports)
		print_exports(exports, ko, clen, lay, bytes[MODVAL_MOD_RODATA],
			      ((size_t)lay->size[MODVAL_MOD_RODATA] + PAGE - 1) / PAGE * PAGE,
			      va[MODVAL_MOD_RODATA]);
	scratch = malloc(need ? need : 1);
	if (!scratch) {
		fail(r, -ENOMEM, "out of memory");
		goto out;
	}

	/* What VTL1 registers for PATCH_TEXT once it accepts the module
	 * (hooks.c job_static_calls()), counted whatever the verdict. */
	r->static_calls_why = "";
	r->static_calls = modval_sc_sites(ko, clen, lay, va, NULL, 0, &r->static_calls_why);

	/* The trusted targets, filled by the same code as VTL1's. */
	ks.self_va = va[MODVAL_MOD_TEXT];
	ks.self_len = lay->size[MODVAL_MOD_TEXT];
	(void)modval_kernel_fill(&r->kernel, ksyms_resolve, &ks);
	r->kernel.its_thunk_array = 0;  /* VTL1 cannot learn it: see kfill.h */
	r->kernel.is_kernel_text = ksyms_is_text;
	r->kernel.ctx = &ks;
	(void)modval_kernel_vet(&r->kernel);

	memset(&in, 0, sizeof(in));
	in.file = ko;
	in.file_len = len;
	for (unsigned int ty = 0; ty < MODELF_NREGIONS; ty++) {
		in.mem[ty].va = va[ty];
		in.mem[ty].bytes = bytes[ty];
		in.mem[ty].len = bytes[ty] ? ((size_t)lay->size[ty] + PAGE - 1) / PAGE * PAGE : 0;
	}
	in.resolve = ksyms_resolve;
	in.resolve_ctx = &ks;
	in.kernel = &r->kernel;
	in.refusal = &r->ref;
	in.layout = lay;
	in.scratch = scratch;
	in.scratch_len = need;
	/*
	 * A region with no dump (freed init sections) cannot be judged, but the
	 * check rebuilds regions in order and stops at the first refusal.  When
	 * that refusal is in such a region, every region before it passed; give
	 * it the bytes the rule rebuilt (the scratch buffer) and go on, so the
	 * regions after it are judged too.  A second refusal there ends it.
	 */
	for (;;) {
		memset(&res, 0, sizeof(res));
		err = modval_validate_module(t, &in, &res);
		if (err != -EKEYREJECTED || r->ref.region >= MODELF_NREGIONS ||
		    !absent[r->ref.region])
			break;
		if (filled[r->ref.region]) {
			err = 0;     /* the rest is absent or already judged */
			break;
		}
		memcpy(bytes[r->ref.region], scratch, (size_t)lay->size[r->ref.region]);
		filled[r->ref.region] = true;
	}
	if (err) {
		r->have_refusal = err == -EKEYREJECTED && r->ref.len;
		fail(r, err, res.reason ? res.reason : "refused");
		goto out;
	}
	r->ok = true;
	r->signer = res.signer ? res.signer->cn : "?";

out:
	for (unsigned int ty = 0; ty < MODELF_NREGIONS; ty++)
		free(bytes[ty]);
	free(scratch);
	free(s);
	free(lay);
	/* r->kernel.ctx points at ks: clear it before ks goes */
	r->kernel.ctx = NULL;
	r->kernel.is_kernel_text = NULL;
	ksyms_free(&ks);
	return r->ok;
}
