/* SPDX-License-Identifier: MIT */
/*
 * modtruth-check: the oracle for the site-aware module rule (issue 15).
 *
 *   modtruth-check [-v] [-q] [--free-byte SECTION] DIR...
 *
 * DIR is one module dump in the `modcheck --loaded` form written by
 * tools/modtruth/modtruth (sections.txt, NAME.bin, kallsyms, module.ko), or a
 * setting directory holding loaded.txt and one such directory per module.
 *
 * For every module it checks that the dump is complete (every SHF_ALLOC
 * section of the .ko is listed, every listed section that stays loaded has a
 * .bin of the ELF's size) and that every byte of a checked section (read-only
 * ones, plus __jump_table and .data..ro_after_init) that differs from the
 * ELF's bytes relocated at the real load addresses lies inside a site named
 * by one of the module's own tables (sites.c), or belongs to a table the
 * kernel re-sorts at load (ORC, __ex_table, __mcount_loc, __jump_table) whose
 * loaded entries decode to the same multiset as the ELF's.  Differences in
 * .data..ro_after_init are reported apart: the dump is taken after the
 * module's init ran, which may write there (VALIDATE_MODULE sees it before).
 *
 * Output: one line per module ("ok" or "FAIL"), a per-kind count of differing
 * bytes, and for each refused byte: section, offset, site kind (or "none"),
 * expected and found byte.  Exit status 0 when every module passed, 1 if not,
 * 2 on usage or I/O errors.  --free-byte prints an offset in SECTION that no
 * site covers (the suite flips it to show a refusal).
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "tools/modtruth/kelf.h"
#include "tools/modtruth/sites.h"

static int verbose, quiet;
static const char *free_byte_sec;   /* --free-byte SECTION: see main() */

/* Extra "kinds" for bytes that are not at a listed site. */
enum { K_NONE = KSITE_NKINDS, K_SORTED, K_INIT_WRITTEN, K_ALL };
static const char *kind_name(unsigned int k)
{
	return k < KSITE_NKINDS ? ksite_name(k) : k == K_SORTED ? "sorted-table" :
	       k == K_INIT_WRITTEN ? "ro-after-init-written" : "none";
}

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

struct module {
	const char *dir;
	struct kelf k;
	uint8_t *ko;
	size_t kolen;
	uint64_t *addr;
	uint8_t *known;
	uint8_t **bin;
	size_t *binlen;
	struct syms syms;
	struct ksite *sites;
	size_t nsites;
	unsigned long long count[K_ALL];
	unsigned int refused, checked;
};

static int is_init(const char *name)
{
	return !strncmp(name, ".init", 5);
}

/* Sections Linux keeps R/O or R/O-after-init: those VTL1 validates. */
static int is_checked(const struct kelf *k, unsigned int i)
{
	struct kelf_shdr s;
	const char *n = kelf_secname(k, i);
	kelf_shdr(k, i, &s);
	if (!(s.flags & KELF_SHF_ALLOC) || s.type == KELF_SHT_NOBITS)
		return 0;
	return !(s.flags & KELF_SHF_WRITE) || !strcmp(n, "__jump_table") ||
	       !strcmp(n, ".data..ro_after_init");
}

static void refuse(struct module *m, unsigned int sec, uint64_t off, unsigned int kind,
		   uint8_t exp, uint8_t got)
{
	m->refused++;
	if (m->refused <= 40 || verbose)
		printf("  REFUSED %s %s+0x%llx kind=%s expected %02x found %02x\n", m->dir,
		       kelf_secname(&m->k, sec), (unsigned long long)off, kind_name(kind), exp, got);
}

/* ---- re-sorted tables: compare the decoded entries as multisets ---- */
struct ent {
	uint64_t a, b, c;
};

static int cmpent(const void *x, const void *y)
{
	const struct ent *p = x, *q = y;
	if (p->a != q->a)
		return p->a < q->a ? -1 : 1;
	if (p->b != q->b)
		return p->b < q->b ? -1 : 1;
	return p->c < q->c ? -1 : p->c > q->c;
}

static int64_t s32(const uint8_t *p)
{
	return (int32_t)((uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24);
}

static uint64_t u64(const uint8_t *p)
{
	uint64_t v = 0;
	for (int i = 7; i >= 0; i--)
		v = v << 8 | p[i];
	return v;
}

/* Decode table bytes b (at address va) into entries; 0 if the name is not a sorted table. */
static size_t decode(const char *name, const uint8_t *b, size_t len, uint64_t va,
		     const uint8_t *orc, struct ent **out)
{
	size_t es, n;
	if (!strcmp(name, "__mcount_loc"))
		es = 8;
	else if (!strcmp(name, "__ex_table"))
		es = 12;
	else if (!strcmp(name, "__jump_table"))
		es = 16;
	else if (!strcmp(name, ".orc_unwind_ip"))
		es = 4;
	else
		return 0;
	n = len / es;
	*out = calloc(n ? n : 1, sizeof(**out));
	for (size_t i = 0; i < n; i++) {
		const uint8_t *p = b + i * es;
		uint64_t at = va + i * es;
		struct ent *e = &(*out)[i];
		if (es == 8) {
			e->a = u64(p);
		} else if (es == 12) {
			e->a = at + (uint64_t)s32(p);
			e->b = at + 4 + (uint64_t)s32(p + 4);
			e->c = (uint32_t)s32(p + 8);
		} else if (es == 16) {
			/* key bit 1 = "init", set by jump_label_add_module() */
			e->a = at + (uint64_t)s32(p);
			e->b = at + 4 + (uint64_t)s32(p + 4);
			e->c = (at + 8 + u64(p + 8)) & ~2ULL;
		} else {
			e->a = at + (uint64_t)s32(p);
			e->b = orc ? (u64(orc + i * 6) & 0xffffffffffffULL) : 0;
		}
	}
	qsort(*out, n, sizeof(**out), cmpent);
	return n ? n : 1;
}

/* ORC: .orc_unwind_ip and .orc_unwind are sorted together. */
static int same_sorted(struct module *m, unsigned int sec, const uint8_t *exp, const uint8_t *got,
		       size_t len)
{
	const char *name = kelf_secname(&m->k, sec);
	const uint8_t *eorc = NULL, *gorc = NULL;
	uint64_t orcsize = 0;
	if (!strcmp(name, ".orc_unwind_ip")) {
		unsigned int oi = kelf_find(&m->k, ".orc_unwind");
		if (!oi || !m->bin[oi] || m->binlen[oi] != len / 4 * 6)
			return 0;
		eorc = kelf_secdata(&m->k, oi, &orcsize);   /* no relocations in .orc_unwind */
		gorc = m->bin[oi];
	}
	struct ent *e = NULL, *g = NULL;
	size_t ne = decode(name, exp, len, m->addr[sec], eorc, &e);
	size_t ng = decode(name, got, len, m->addr[sec], gorc, &g);
	int same = ne && ne == ng && !memcmp(e, g, ne * sizeof(*e));
	free(e);
	free(g);
	return same;
}

static int solve_percpu(struct module *m, const char **why);

static int cmpsite(const void *x, const void *y)
{
	const struct ksite *p = x, *q = y;
	if (p->shndx != q->shndx)
		return p->shndx < q->shndx ? -1 : 1;
	return p->off < q->off ? -1 : p->off > q->off;
}

/* Kind of a site covering section sec at offset o (sites sorted), else K_NONE. */
static unsigned int site_at(const struct module *m, unsigned int sec, uint64_t o)
{
	size_t lo = 0, hi = m->nsites;
	while (lo < hi) {   /* first site at or after (sec, o + 1) */
		size_t mid = lo + (hi - lo) / 2;
		const struct ksite *s = &m->sites[mid];
		if (s->shndx < sec || (s->shndx == sec && s->off <= o))
			lo = mid + 1;
		else
			hi = mid;
	}
	/* sites are at most 255 bytes long: look back that far */
	for (size_t j = lo; j-- > 0;) {
		const struct ksite *s = &m->sites[j];
		if (s->shndx != sec || o - s->off >= 256)
			break;
		if (o - s->off < s->len)
			return s->kind;
	}
	return K_NONE;
}

static int check_module(const char *dir)
{
	struct module m;
	char path[4096];
	const char *why = NULL;
	int rc = 1;
	memset(&m, 0, sizeof(m));
	m.dir = dir;
	snprintf(path, sizeof(path), "%s/module.ko", dir);
	m.ko = slurp(path, &m.kolen);
	if (!m.ko) {
		printf("FAIL %s: no module.ko\n", dir);
		return 1;
	}
	if (kelf_open(&m.k, m.ko, m.kolen, &why)) {
		printf("FAIL %s: module.ko: %s\n", dir, why);
		free(m.ko);
		return 1;
	}
	unsigned int n = m.k.shnum;
	m.addr = calloc(n, sizeof(*m.addr));
	m.known = calloc(n, 1);
	m.bin = calloc(n, sizeof(*m.bin));
	m.binlen = calloc(n, sizeof(*m.binlen));
	unsigned int problems = 0;
	m.sites = calloc(1 << 20, sizeof(*m.sites));
	if (!m.addr || !m.known || !m.bin || !m.binlen || !m.sites) {
		printf("FAIL %s: out of memory\n", dir);
		goto out;
	}

	/* sections.txt: where Linux put each section */
	snprintf(path, sizeof(path), "%s/sections.txt", dir);
	FILE *f = fopen(path, "r");
	char line[600];
	while (f && fgets(line, sizeof(line), f)) {
		char name[512], *end;
		int used = 0;
		if (sscanf(line, "%511s %n", name, &used) != 1 || !used)
			continue;
		unsigned long long a = strtoull(line + used, &end, 16);
		if (end == line + used)
			continue;
		unsigned int i;
		for (i = 1; i < n; i++)
			if (!m.known[i] && !strcmp(kelf_secname(&m.k, i), name))
				break;
		if (i == n) {
			printf("  %s: sections.txt names %s, which module.ko lacks\n", dir, name);
			problems++;
			continue;
		}
		m.addr[i] = a;
		m.known[i] = 1;
	}
	if (!f) {
		printf("FAIL %s: no sections.txt\n", dir);
		goto out;
	}
	fclose(f);

	/* completeness: every loaded section listed, with bytes of the ELF's size */
	for (unsigned int i = 1; i < n; i++) {
		struct kelf_shdr s;
		const char *name = kelf_secname(&m.k, i);
		kelf_shdr(&m.k, i, &s);
		/* the loader drops ALLOC from these before /sys/module sees them */
		if (!(s.flags & KELF_SHF_ALLOC) || !s.size || !strcmp(name, ".modinfo") ||
		    !strcmp(name, "__versions") || !strcmp(name, ".data..percpu"))
			continue;
		if (!m.known[i]) {
			printf("  %s: section %s (%llu bytes) missing from sections.txt\n", dir, name,
			       (unsigned long long)s.size);
			problems++;
			continue;
		}
		if (s.type == KELF_SHT_NOBITS || is_init(name))
			continue;
		snprintf(path, sizeof(path), "%s/%s.bin", dir, name);
		m.bin[i] = slurp(path, &m.binlen[i]);
		if (!m.bin[i] || m.binlen[i] != s.size) {
			printf("  %s: %s.bin %s (ELF size %llu, dump %zu)\n", dir, name,
			       m.bin[i] ? "has the wrong size" : "missing", (unsigned long long)s.size,
			       m.binlen[i]);
			problems++;
			free(m.bin[i]);
			m.bin[i] = NULL;
		}
	}

	snprintf(path, sizeof(path), "%s/kallsyms", dir);
	if (load_syms(path, &m.syms)) {
		printf("FAIL %s: no kallsyms\n", dir);
		goto out;
	}
	if (solve_percpu(&m, &why)) {
		printf("  %s: per-CPU base: %s\n", dir, why);
		problems++;
	}
	const char *vermagic = kelf_modinfo(&m.k, "vermagic");
	if (ksites_collect(&m.k, vermagic ? vermagic : "", m.sites, 1 << 20, &m.nsites, &why)) {
		printf("FAIL %s: site tables: %s\n", dir, why);
		goto out;
	}
	qsort(m.sites, m.nsites, sizeof(*m.sites), cmpsite);

	struct kelf_addrs a = { m.addr, m.known, resolve, &m.syms };
	/* .orc_unwind is judged together with .orc_unwind_ip (sorted as pairs) */
	int orc_ok = 0;
	unsigned int ip = kelf_find(&m.k, ".orc_unwind_ip");
	if (ip && m.bin[ip]) {
		uint8_t *e = malloc(m.binlen[ip] ? m.binlen[ip] : 1);
		orc_ok = e && !kelf_relocate(&m.k, ip, &a, e, &why) &&
			 same_sorted(&m, ip, e, m.bin[ip], m.binlen[ip]) > 0;
		free(e);
	}
	for (unsigned int i = 1; i < n; i++) {
		if (!m.bin[i] || !is_checked(&m.k, i))
			continue;
		const char *name = kelf_secname(&m.k, i);
		uint8_t *exp = malloc(m.binlen[i] ? m.binlen[i] : 1);
		if (!exp || kelf_relocate(&m.k, i, &a, exp, &why)) {
			printf("  %s: cannot relocate %s: %s (%s)\n", dir, name, why, missing_sym);
			problems++;
			free(exp);
			continue;
		}
		m.checked++;
		if (!memcmp(exp, m.bin[i], m.binlen[i])) {
			free(exp);
			continue;
		}
		int sorted = !strcmp(name, ".orc_unwind") ? orc_ok :
			     same_sorted(&m, i, exp, m.bin[i], m.binlen[i]);
		int initw = !strcmp(name, ".data..ro_after_init");
		for (uint64_t o = 0; o < m.binlen[i]; o++) {
			if (exp[o] == m.bin[i][o])
				continue;
			unsigned int kind = K_NONE;
			if (sorted > 0)
				kind = K_SORTED;
			else if (initw)
				kind = K_INIT_WRITTEN;
			else if (sorted == 0)
				kind = site_at(&m, i, o);
			m.count[kind]++;
			if (kind == K_NONE)
				refuse(&m, i, o, kind, exp[o], m.bin[i][o]);
		}
		free(exp);
	}
	if (free_byte_sec) {
		/* for negative tests: a byte of SECTION covered by no site, from its middle on */
		unsigned int i = kelf_find(&m.k, free_byte_sec);
		for (uint64_t o = i && m.bin[i] ? m.binlen[i] / 2 : 0; i && m.bin[i] && o < m.binlen[i]; o++)
			if (site_at(&m, i, o) == K_NONE) {
				printf("free-byte %s 0x%llx\n", free_byte_sec, (unsigned long long)o);
				break;
			}
	}
	rc = problems || m.refused;
	if (!quiet || rc) {
		printf("%s %s: %u sections checked, differing bytes:", rc ? "FAIL" : "ok", dir, m.checked);
		for (unsigned int k = 0; k < K_ALL; k++)
			if (m.count[k])
				printf(" %s=%llu", kind_name(k), m.count[k]);
		printf("%s\n", problems ? " (dump incomplete or inconsistent, see above)" : "");
	}
out:
	for (unsigned int i = 0; m.bin && i < n; i++)
		free(m.bin[i]);
	for (size_t i = 0; i < m.syms.n; i++)
		free(m.syms.v[i].name);
	free(m.syms.v);
	free(m.sites);
	free(m.bin);
	free(m.binlen);
	free(m.addr);
	free(m.known);
	free(m.ko);
	return rc;
}

/*
 * Per-CPU variables live outside the module's memory, at a base the dump does
 * not list; empty sections are not listed either.  Solve such a section's
 * address from the first relocation against it in a dumped, checked section;
 * every other such relocation must then agree, which the byte comparison
 * checks (a wrong solution can only make the check fail, never pass).
 */
struct pcpu_ctx {
	struct module *m;
	unsigned int target, pcpu;
	int found;
	uint64_t base;
};

static int pcpu_one(void *vc, const struct kelf_rela *r)
{
	struct pcpu_ctx *c = vc;
	struct kelf_sym s;
	uint32_t type = (uint32_t)r->info;
	if (c->found || kelf_sym(&c->m->k, r->info >> 32, &s) || s.shndx != c->pcpu)
		return 0;
	const uint8_t *b = c->m->bin[c->target];
	if (r->offset + 8 > c->m->binlen[c->target])
		return 0;
	uint64_t v = type == KELF_R_64 ? u64(b + r->offset) : (uint64_t)s32(b + r->offset);
	if (type == KELF_R_PC32 || type == KELF_R_PLT32)
		v += c->m->addr[c->target] + r->offset;
	else if (type != KELF_R_64 && type != KELF_R_32S)
		return 0;
	c->base = v - s.value - (uint64_t)r->addend;
	c->found = 1;
	return 0;
}

static int solve_percpu(struct module *m, const char **why)
{
	int rc = 0;
	for (unsigned int sec = 1; sec < m->k.shnum; sec++) {
		struct kelf_shdr sh;
		kelf_shdr(&m->k, sec, &sh);
		const char *name = kelf_secname(&m->k, sec);
		/* .data..percpu, and empty sections (sysfs lists only non-empty ones) */
		if (m->known[sec] || !((sh.flags & KELF_SHF_ALLOC) || !strcmp(name, ".data..percpu")))
			continue;
		int found = 0;
		for (unsigned int i = 1; i < m->k.shnum && !found; i++) {
			if (!m->bin[i] || !is_checked(&m->k, i))
				continue;
			struct pcpu_ctx c = { m, i, sec, 0, 0 };
			kelf_for_each_rela(&m->k, i, pcpu_one, &c);
			if (c.found) {
				m->addr[sec] = c.base;
				m->known[sec] = 1;
				found = 1;
			}
		}
		if (!found && !strcmp(name, ".data..percpu")) {
			*why = "no relocation against .data..percpu in a dumped section";
			rc = -1;
		}
	}
	return rc;
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
		else {
			fprintf(stderr, "usage: modtruth-check [-v] [-q] DIR...\n");
			return 2;
		}
	}
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
