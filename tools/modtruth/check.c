/* SPDX-License-Identifier: MIT */
/*
 * modtruth-check: VTL1's module rule (modelf_check(), vtl_protect/modval/)
 * run over real module dumps (issue 15).
 *
 *   modtruth-check [-v] [-q] [--free-byte SECTION] DIR...
 *
 * DIR is one module dump in the `modcheck --loaded` form written by
 * tools/modtruth/modtruth (sections.txt, NAME.bin, kallsyms, module.ko), or a
 * setting directory holding loaded.txt and one such directory per module.
 *
 * For every module it checks that the dump is complete (every SHF_ALLOC
 * section of the .ko is listed, every listed section that stays loaded has a
 * .bin of the ELF's size), rebuilds the LVBS memory regions (Text, RoData,
 * RoAfterInit, ...) from the listed addresses and Linux's layout
 * (modelf_layout(): each section's address must agree with it), builds the
 * trusted targets (struct modelf_kernel) from the dump's kallsyms, and runs
 * exactly VTL1's modelf_check() on it.  The init regions were freed before
 * the dump and are reported as not checked.
 *
 * Output: one line per module ("ok" or "FAIL"); for a refusal the section,
 * offset, site kind, rule and the bytes expected and found.  Exit status 0
 * when every module passed, 1 if not, 2 on usage errors.  --free-byte prints
 * an offset in SECTION that no site covers (the suite flips it to show a
 * refusal); --site KIND SECTION prints every site of KIND in SECTION
 * ("site KIND SECTION OFFSET LEN AUX_SECTION AUX_OFFSET PV_TYPE") for the
 * same use.  --static KO... runs only the part of the rule that needs no
 * loaded bytes on .ko files (tools/modtruth/census).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "core/errno.h"
#include "core/log.h"
#include "vtl_protect/modval/kelf.h"
#include "vtl_protect/modval/modelf.h"
#include "vtl_protect/modval/modsites.h"

static int verbose, quiet;
static const char *free_byte_sec;   /* --free-byte SECTION: see main() */
static const char *site_kind;       /* --site KIND: see main() */


static uint8_t *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	size_t cap = 1 << 16, n = 0;
	uint8_t *b = malloc(cap);
	size_t r;
	while (b && (r = fread(b + n, 1, cap - n, f)) > 0) {
		n += r;
		if (n == cap) {
			uint8_t *nb = realloc(b, cap *= 2);
			if (!nb) {
				free(b);
				b = NULL;
			}
			b = nb;
		}
	}
	fclose(f);
	*len = n;
	return b;
}

struct sym {
	char *name;
	uint64_t addr;
	int local;   /* lower-case kallsyms type: not what an import binds to */
};
struct syms {
	struct sym *v;
	size_t n;
};

static int cmpname(const void *a, const void *b)
{
	return strcmp(((const struct sym *)a)->name, ((const struct sym *)b)->name);
}

/* By name; for equal names global symbols first (kallsyms repeats names). */
static int cmpsym(const void *a, const void *b)
{
	int c = cmpname(a, b);
	return c ? c : ((const struct sym *)a)->local - ((const struct sym *)b)->local;
}

/* kallsyms subset: "ADDR T NAME [mod]"; a global symbol of a name wins. */
static int load_syms(const char *path, struct syms *s)
{
	FILE *f = fopen(path, "r");
	char line[1024];
	size_t cap = 0;
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		char name[512], t, *end;
		unsigned long long a = strtoull(line, &end, 16);
		if (end == line || sscanf(end, " %c %511s", &t, name) != 2)
			continue;
		if (s->n == cap) {
			cap = cap ? cap * 2 : 256;
			struct sym *nv = realloc(s->v, cap * sizeof(*s->v));
			if (!nv) {
				fclose(f);
				return -1;
			}
			s->v = nv;
		}
		s->v[s->n++] = (struct sym){ strdup(name), a, t >= 'a' && t <= 'z' };
	}
	fclose(f);
	if (s->n)
		qsort(s->v, s->n, sizeof(*s->v), cmpsym);
	return 0;
}

static char missing_sym[256];

static int resolve(void *ctx, const char *name, uint64_t *addr)
{
	const struct syms *s = ctx;
	struct sym key = { (char *)name, 0, 0 };
	const struct sym *hit = s->n ? bsearch(&key, s->v, s->n, sizeof(*s->v), cmpname) : NULL;
	while (hit && hit > s->v && !cmpname(hit - 1, &key))
		hit--;   /* the first of that name: a global one if there is one */
	if (!hit) {
		snprintf(missing_sym, sizeof(missing_sym), "%s", name);
		return -ENOENT;
	}
	*addr = hit->addr;
	return 0;
}


static int is_init(const char *name)
{
	return !strncmp(name, ".init", 5);
}

static uint64_t sym_addr(const struct syms *s, const char *name)
{
	uint64_t a = 0;
	return resolve((void *)s, name, &a) ? 0 : a;
}

/* Kernel text from kallsyms' bounds: what a static call may target offline. */
static bool kernel_text(void *ctx, uint64_t va)
{
	const struct syms *s = ctx;
	uint64_t lo = sym_addr(s, "_stext"), hi = sym_addr(s, "_etext");
	return lo && va >= lo && va < hi;
}

static int cmpsite(const void *x, const void *y)
{
	const struct ksite *p = x, *q = y;
	if (p->shndx != q->shndx)
		return p->shndx < q->shndx ? -1 : 1;
	return p->off < q->off ? -1 : p->off > q->off;
}

/* Does any site cover section sec at offset o (sites sorted)? */
static int site_covers(const struct ksite *v, size_t n, unsigned int sec, uint64_t o)
{
	for (size_t j = 0; j < n; j++)
		if (v[j].shndx == sec && o >= v[j].off && o - v[j].off < v[j].len)
			return 1;
	return 0;
}

static void free_byte(const struct kelf *k, const uint8_t *bin, uint64_t len)
{
	struct ksites_ver ver;
	const char *why, *vm = kelf_modinfo(k, "vermagic");
	size_t n = 0, max = 1 << 20;
	struct ksite *v = calloc(max, sizeof(*v));
	unsigned int i = kelf_find(k, free_byte_sec);
	if (!v || !i || !bin || ksites_version(vm, &ver) || ksites_collect(k, &ver, v, max, &n, &why)) {
		free(v);
		return;
	}
	qsort(v, n, sizeof(*v), cmpsite);
	for (uint64_t o = len / 2; !site_kind && o < len; o++)
		if (!site_covers(v, n, i, o)) {
			printf("free-byte %s 0x%llx\n", free_byte_sec, (unsigned long long)o);
			break;
		}
	/* --site KIND: every such site in SECTION (entry's target/replacement too) */
	for (size_t j = 0; site_kind && j < n; j++) {
		if (v[j].shndx != i || strcmp(ksite_name(v[j].kind), site_kind))
			continue;
		printf("site %s %s 0x%llx %u %s 0x%llx %u\n", site_kind, free_byte_sec,
		       (unsigned long long)v[j].off, v[j].len,
		       v[j].aux_shndx ? kelf_secname(k, v[j].aux_shndx) : "-",
		       (unsigned long long)v[j].aux_off, v[j].pv_type);
	}
	free(v);
}

static int check_module(const char *dir)
{
	static struct modelf_layout lay;
	struct kelf k;
	struct syms syms = { NULL, 0 };
	char path[4096];
	const char *why = NULL;
	size_t kolen = 0;
	uint8_t *ko, *scratch = NULL, *regbuf[MODELF_NREGIONS] = { NULL };
	uint64_t *addr = NULL;
	uint8_t *known = NULL;
	int rc = 1, problems = 0;

	snprintf(path, sizeof(path), "%s/module.ko", dir);
	ko = slurp(path, &kolen);
	if (!ko) {
		printf("FAIL %s: no module.ko\n", dir);
		return 1;
	}
	if (kelf_open(&k, ko, kolen, &why) || modelf_layout(ko, kolen, &lay, &why)) {
		printf("FAIL %s: module.ko: %s\n", dir, why);
		free(ko);
		return 1;
	}
	unsigned int n = k.shnum;
	addr = calloc(n, sizeof(*addr));
	known = calloc(n, 1);
	if (!addr || !known)
		goto out;

	/* sections.txt: where Linux put each section */
	snprintf(path, sizeof(path), "%s/sections.txt", dir);
	FILE *f = fopen(path, "r");
	char line[600];
	if (!f) {
		printf("FAIL %s: no sections.txt\n", dir);
		goto out;
	}
	while (fgets(line, sizeof(line), f)) {
		char name[512], *end;
		int used = 0;
		if (sscanf(line, "%511s %n", name, &used) != 1 || !used)
			continue;
		unsigned long long a = strtoull(line + used, &end, 16);
		if (end == line + used)
			continue;
		unsigned int i;
		for (i = 1; i < n; i++)
			if (!known[i] && !strcmp(kelf_secname(&k, i), name))
				break;
		if (i == n) {
			printf("  %s: sections.txt names %s, which module.ko lacks\n", dir, name);
			problems++;
			continue;
		}
		addr[i] = a;
		known[i] = 1;
	}
	fclose(f);

	/* Region VAs: every listed section must sit where Linux's layout puts it. */
	struct modelf_input in;
	struct modelf_refusal ref;
	uint8_t have_va[MODELF_NREGIONS] = { 0 };
	memset(&in, 0, sizeof(in));
	for (unsigned int i = 1; i < n; i++) {
		struct kelf_shdr s;
		const char *name = kelf_secname(&k, i);
		unsigned int t = lay.type[i];
		kelf_shdr(&k, i, &s);
		if (t == MODELF_NOT_LOADED || !s.size)
			continue;
		if (!known[i]) {
			printf("  %s: section %s (%llu bytes) missing from sections.txt\n", dir, name,
			       (unsigned long long)s.size);
			problems++;
			continue;
		}
		uint64_t va = addr[i] - lay.offset[i];
		if (!have_va[t]) {
			in.mem[t].va = va;
			have_va[t] = 1;
		} else if (in.mem[t].va != va) {
			printf("  %s: %s at %#llx is not where Linux's layout puts it in region %u "
			       "(%#llx)\n", dir, name, (unsigned long long)addr[i], t,
			       (unsigned long long)(in.mem[t].va + lay.offset[i]));
			problems++;
		}
	}
	/* Region bytes from the .bin files; init regions were freed (absent). */
	for (unsigned int t = 0; t < MODELF_NREGIONS; t++) {
		if (!lay.size[t])
			continue;
		regbuf[t] = calloc(1, lay.size[t]);
		if (!regbuf[t])
			goto out;
		in.mem[t].bytes = regbuf[t];
		in.mem[t].len = lay.size[t];
		if (t == MODVAL_MOD_INIT_TEXT || t == MODVAL_MOD_INIT_RODATA || t == MODVAL_MOD_INIT_DATA)
			in.absent |= 1u << t;
	}
	for (unsigned int i = 1; i < n; i++) {
		struct kelf_shdr s;
		const char *name = kelf_secname(&k, i);
		unsigned int t = lay.type[i];
		size_t blen = 0;
		kelf_shdr(&k, i, &s);
		if (t == MODELF_NOT_LOADED || !s.size || s.type == KELF_SHT_NOBITS || is_init(name) ||
		    !known[i])
			continue;
		snprintf(path, sizeof(path), "%s/%s.bin", dir, name);
		uint8_t *b = slurp(path, &blen);
		if (!b || blen != s.size) {
			printf("  %s: %s.bin %s (ELF size %llu, dump %zu)\n", dir, name,
			       b ? "has the wrong size" : "missing", (unsigned long long)s.size, blen);
			problems++;
		} else {
			memcpy(regbuf[t] + lay.offset[i], b, blen);
		}
		if (!strcmp(name, free_byte_sec ? free_byte_sec : "") && b && blen == s.size)
			free_byte(&k, b, blen);
		free(b);
	}

	snprintf(path, sizeof(path), "%s/kallsyms", dir);
	if (load_syms(path, &syms)) {
		printf("FAIL %s: no kallsyms\n", dir);
		goto out;
	}
	/* Trusted targets, as VTL1 gets them from KernelInfo: here from kallsyms. */
	struct modelf_kernel kern;
	memset(&kern, 0, sizeof(kern));
	kern.return_thunk = sym_addr(&syms, "__x86_return_thunk");
	kern.its_return_thunk = sym_addr(&syms, "its_return_thunk");
	kern.indirect_thunk_array = sym_addr(&syms, "__x86_indirect_thunk_array");
	kern.its_thunk_array = sym_addr(&syms, "__x86_indirect_its_thunk_array");
	kern.pv_nop = sym_addr(&syms, "_paravirt_nop");
	kern.pv_bug = sym_addr(&syms, "paravirt_BUG");
	kern.is_kernel_text = kernel_text;
	kern.ctx = &syms;

	scratch = malloc(modelf_scratch_needed(&lay) + 1);
	if (!scratch)
		goto out;
	in.elf = ko;
	in.elf_len = kolen;
	in.resolve = resolve;
	in.resolve_ctx = &syms;
	in.kernel = &kern;
	in.refusal = &ref;
	in.scratch = scratch;
	in.scratch_len = modelf_scratch_needed(&lay);
	memset(&ref, 0, sizeof(ref));
	int err = problems ? 0 : modelf_check(&in, &lay, &why);
	rc = problems || err;
	if (err == -EKEYREJECTED) {
		printf("  REFUSED %s %s+0x%llx site=%s: %s\n    expected", dir, ref.section,
		       (unsigned long long)ref.offset, ref.site, ref.reason ? ref.reason : why);
		for (unsigned int i = 0; i < ref.len; i++)
			printf(" %02x", ref.expected[i]);
		printf("\n    found   ");
		for (unsigned int i = 0; i < ref.len; i++)
			printf(" %02x", ref.found[i]);
		printf("\n");
	} else if (err) {
		printf("  REFUSED %s: %s (%s)%s%s\n", dir, why, errno_name(err),
		       err == -ENOENT ? ": " : "", err == -ENOENT ? missing_sym : "");
	}
	if (!quiet || rc)
		printf("%s %s%s\n", rc ? "FAIL" : "ok", dir,
		       problems ? " (dump incomplete or inconsistent, see above)" : "");
out:
	for (unsigned int t = 0; t < MODELF_NREGIONS; t++)
		free(regbuf[t]);
	for (size_t i = 0; i < syms.n; i++)
		free(syms.v[i].name);
	free(syms.v);
	free(scratch);
	free(addr);
	free(known);
	free(ko);
	return rc;
}

/*
 * --static KO...: the part of the rule that needs no loaded bytes (for the
 * census): Linux's layout computes, the version is pinned when the module has
 * site tables, every table parses, every relocation of a checked region has
 * a type modelf applies against a symbol it can place.
 */
static const char *static_check(const uint8_t *ko, size_t len)
{
	static struct modelf_layout lay;
	struct kelf k;
	struct ksites_ver ver;
	const char *why = NULL;
	size_t n;

	if (kelf_open(&k, ko, len, &why) || modelf_layout(ko, len, &lay, &why))
		return why ? why : "ELF malformed";
	if (ksites_has_tables(&k)) {
		static struct ksite sites[1 << 20];

		if (ksites_version(kelf_modinfo(&k, "vermagic"), &ver))
			return "kernel version not pinned";
		if (ksites_collect(&k, &ver, sites, sizeof(sites) / sizeof(sites[0]), &n, &why))
			return why ? why : "site table malformed";
	}
	unsigned int pcpu = 0;
	for (unsigned int i = 1; i < k.shnum; i++)
		if (!strcmp(kelf_secname(&k, i), ".data..percpu"))
			pcpu = i;
	for (unsigned int i = 1; i < k.shnum; i++) {
		struct kelf_shdr rs;
		kelf_shdr(&k, i, &rs);
		if (rs.type != KELF_SHT_RELA || rs.info >= k.shnum)
			continue;
		unsigned int t = lay.type[rs.info];
		if (t == MODELF_NOT_LOADED || !(modelf_region_checked(t) || t == MODVAL_MOD_RO_AFTER_INIT))
			continue;
		for (uint64_t o = 0; o + 24 <= rs.size; o += 24) {
			const uint8_t *p = ko + rs.offset + o;
			uint64_t info = 0;
			for (int b = 7; b >= 0; b--)
				info = info << 8 | p[8 + b];
			uint32_t type = (uint32_t)info;
			struct kelf_sym sym;
			if (type != KELF_R_NONE && type != KELF_R_64 && type != KELF_R_PC32 &&
			    type != KELF_R_PLT32 && type != KELF_R_32 && type != KELF_R_32S &&
			    type != KELF_R_PC64)
				return "relocation type not supported";
			if (kelf_sym(&k, info >> 32, &sym))
				return "relocation symbol out of range";
			if (sym.shndx != KELF_SHN_UNDEF && sym.shndx != KELF_SHN_ABS && sym.shndx != pcpu &&
			    (sym.shndx >= k.shnum || lay.type[sym.shndx] == MODELF_NOT_LOADED) && info >> 32)
				return "relocation against an unloaded section";
		}
	}
	return NULL;
}

/* VTL1's log lines (modelf_check() says why it refused), shown as VTL1 would. */
static void log_sink(enum log_level lvl, const char *line, size_t len)
{
	(void)lvl;
	printf("  log: %.*s\n", (int)len, line);
}

int main(int argc, char **argv)
{
	int bad = 0, nmod = 0, nbad = 0;
	int i = 1;
	for (; i < argc && argv[i][0] == '-'; i++) {
		if (!strcmp(argv[i], "-v"))
			verbose = 1;
		else if (!strcmp(argv[i], "-q"))
			quiet = 1;
		else if (!strcmp(argv[i], "--free-byte") && i + 1 < argc)
			free_byte_sec = argv[++i];
		else if (!strcmp(argv[i], "--static")) {
			int nref = 0;
			for (i++; i < argc; i++) {
				size_t len = 0;
				uint8_t *b = slurp(argv[i], &len);
				const char *why = b ? static_check(b, len) : "cannot read";
				printf("static %s %s%s%s\n", why ? "refused" : "ok", argv[i],
				       why ? ": " : "", why ? why : "");
				nref += why != NULL;
				free(b);
			}
			return nref ? 1 : 0;
		} else if (!strcmp(argv[i], "--site") && i + 2 < argc) {
			site_kind = argv[++i];
			free_byte_sec = argv[++i];
		}
		else {
			fprintf(stderr, "usage: modtruth-check [-v] [-q] DIR...\n");
			return 2;
		}
	}
	log_add_sink(log_sink);
	if (i == argc) {
		fprintf(stderr, "usage: modtruth-check [-v] [-q] DIR...\n");
		return 2;
	}
	for (; i < argc; i++) {
		char path[4096];
		snprintf(path, sizeof(path), "%s/loaded.txt", argv[i]);
		FILE *f = fopen(path, "r");
		if (!f) {
			nmod++;
			nbad += bad = check_module(argv[i]) != 0;
			continue;
		}
		char name[256];
		while (fscanf(f, "%255s", name) == 1) {
			snprintf(path, sizeof(path), "%s/%s", argv[i], name);
			nmod++;
			nbad += check_module(path) != 0;
		}
		fclose(f);
	}
	(void)bad;
	printf("modtruth-check: %d modules, %d passed, %d failed\n", nmod, nmod - nbad, nbad);
	return nbad ? 1 : 0;
}
