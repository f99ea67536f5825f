// SPDX-License-Identifier: MIT
/*
 * The VTL0 test kernel's module loader (see modload.h).  Deliberately its own
 * code, not vtl_protect/modval's: VTL1 recomputes the same layout and
 * relocations, and the two must agree for a module to validate.
 */
#include "tests/vtl0/modload.h"

#include "tests/vtl0/vtl0.h"

#define SHT_SYMTAB 2
#define SHT_RELA   4
#define SHT_NOBITS 8
#define SHT_REL    9
#define SHF_WRITE  0x1ull
#define SHF_ALLOC  0x2ull
#define SHF_EXEC   0x4ull
#define SHF_RO_AFTER_INIT 0x00200000ull   /* Linux-internal */
#define NOT_LOADED 0xff

static uint16_t g16(const uint8_t *p) { uint16_t v; gl_memcpy(&v, p, 2); return v; }
static uint32_t g32(const uint8_t *p) { uint32_t v; gl_memcpy(&v, p, 4); return v; }
static uint64_t g64(const uint8_t *p) { uint64_t v; gl_memcpy(&v, p, 8); return v; }

struct sh {
	uint32_t name, type;
	uint64_t flags, offset, size, align;
	uint32_t link, info;
};

static void shdr(const struct mod_load *m, unsigned int i, struct sh *s)
{
	const uint8_t *p = m->file + g64(m->file + 0x28) + 64ull * i;

	s->name = g32(p);
	s->type = g32(p + 4);
	s->flags = g64(p + 8);
	s->offset = g64(p + 24);
	s->size = g64(p + 32);
	s->link = g32(p + 40);
	s->info = g32(p + 44);
	s->align = g64(p + 48);
}

static const char *secname(const struct mod_load *m, const struct sh *s)
{
	struct sh str;

	shdr(m, g16(m->file + 0x3e), &str);
	return (const char *)m->file + str.offset + s->name;
}

static int streq(const char *a, const char *b)
{
	while (*a && *a == *b)
		a++, b++;
	return *a == *b;
}

static int prefix(const char *s, const char *p)
{
	while (*p && *s == *p)
		s++, p++;
	return !*p;
}

static int mem_eq(const uint8_t *a, const char *b, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (a[i] != (uint8_t)b[i])
			return 0;
	return 1;
}

static int fail(struct mod_load *m, const char *why)
{
	m->err = why;
	return -1;
}

/* Linux 6.4+ layout_sections(): five flag masks (ARCH_SHF_SMALL is 0 on
 * x86), core sections first, then the ".init*" ones into the init regions. */
static int layout(struct mod_load *m)
{
	static const uint64_t masks[5][2] = {
		{ SHF_EXEC | SHF_ALLOC, 0 }, { SHF_ALLOC, SHF_WRITE },
		{ SHF_RO_AFTER_INIT | SHF_ALLOC, 0 }, { SHF_WRITE | SHF_ALLOC, 0 }, { SHF_ALLOC, 0 },
	};
	static const uint8_t core[5] = { MOD_TEXT, MOD_RODATA, MOD_RO_AFTER_INIT, MOD_DATA, MOD_DATA };
	static const uint8_t init[5] = { MOD_INIT_TEXT, MOD_INIT_RODATA, NOT_LOADED, MOD_INIT_DATA,
					 MOD_INIT_DATA };
	uint64_t off[MOD_NREGIONS] = { 0 };

	for (unsigned int i = 0; i < m->shnum; i++)
		m->type[i] = NOT_LOADED;
	for (int pass = 0; pass < 2; pass++)
		for (int k = 0; k < 5; k++) {
			uint8_t t = pass ? init[k] : core[k];

			for (unsigned int i = 1; i < m->shnum && t != NOT_LOADED; i++) {
				struct sh s;
				const char *n;
				uint64_t fl, a, o;

				shdr(m, i, &s);
				n = secname(m, &s);
				fl = s.flags;
				if (streq(n, ".modinfo") || streq(n, "__versions") ||
				    streq(n, ".data..percpu"))
					fl &= ~SHF_ALLOC;
				if (streq(n, ".data..ro_after_init") || streq(n, "__jump_table"))
					fl |= SHF_RO_AFTER_INIT; /* (the first of each name) */
				if ((fl & masks[k][0]) != masks[k][0] || (fl & masks[k][1]) ||
				    m->type[i] != NOT_LOADED || prefix(n, ".init") != pass)
					continue;
				a = s.align ? s.align : 1;
				o = (off[t] + a - 1) & ~(a - 1);
				if (o + s.size > MOD_SLOT)
					return fail(m, "a module region is larger than its 64 KiB slot");
				m->type[i] = t;
				m->addr[i] = m->va[t] + o;
				off[t] = o + s.size;
			}
		}
	for (unsigned int t = 0; t < MOD_NREGIONS; t++)
		m->size[t] = off[t];
	return 0;
}

static int sym_addr(const struct mod_load *m, const struct sh *symtab, uint64_t idx, uint64_t *v)
{
	const uint8_t *s = m->file + symtab->offset + 24 * idx;
	uint16_t shndx;

	if (24 * (idx + 1) > symtab->size)
		return -1;
	shndx = g16(s + 6);
	if (shndx == 0xfff1) { /* SHN_ABS */
		*v = g64(s + 8);
		return 0;
	}
	if (shndx == 0 || shndx >= m->shnum || m->type[shndx] == NOT_LOADED)
		return -1; /* undefined: the test module imports nothing */
	*v = m->addr[shndx] + g64(s + 8);
	return 0;
}

/* x86_64 apply_relocate_add() for the types Linux modules use. */
static int relocate(struct mod_load *m, const struct sh *rela)
{
	struct sh symtab;
	unsigned int target = rela->info;

	if (target >= m->shnum || m->type[target] == NOT_LOADED)
		return 0; /* relocations of unloaded sections (debug info) */
	shdr(m, rela->link, &symtab);
	for (uint64_t o = 0; o + 24 <= rela->size; o += 24) {
		const uint8_t *r = m->file + rela->offset + o;
		uint64_t info = g64(r + 8), val, loc = m->addr[target] + g64(r);
		uint8_t *p = (uint8_t *)(uintptr_t)loc;
		int64_t sv;
		uint32_t v32;

		if (sym_addr(m, &symtab, info >> 32, &val))
			return fail(m, "relocation against an undefined or unloaded symbol");
		val += g64(r + 16);
		switch ((uint32_t)info) {
		case 0: /* NONE */
			break;
		case 1: /* 64 */
			gl_memcpy(p, &val, 8);
			break;
		case 10: /* 32 */
			if (val >> 32)
				return fail(m, "R_X86_64_32 overflow");
			v32 = (uint32_t)val;
			gl_memcpy(p, &v32, 4);
			break;
		case 11: /* 32S */
			sv = (int64_t)val;
			if (sv < INT32_MIN || sv > INT32_MAX)
				return fail(m, "R_X86_64_32S overflow");
			v32 = (uint32_t)val;
			gl_memcpy(p, &v32, 4);
			break;
		case 2:  /* PC32 */
		case 4:  /* PLT32 */
			sv = (int64_t)(val - loc);
			if (sv < INT32_MIN || sv > INT32_MAX)
				return fail(m, "R_X86_64_PC32 overflow");
			v32 = (uint32_t)sv;
			gl_memcpy(p, &v32, 4);
			break;
		case 24: /* PC64 */
			val -= loc;
			gl_memcpy(p, &val, 8);
			break;
		default:
			return fail(m, "relocation type the test loader does not know");
		}
	}
	return 0;
}

int mod_load(struct mod_load *m, const uint8_t *file, const uint8_t *end, uint64_t base)
{
	static const char marker[] = "~Module signature appended~\n";
	size_t n = (size_t)(end - file), mlen = sizeof(marker) - 1;
	uint32_t siglen;

	gl_memset(m, 0, sizeof(*m));
	m->file = file;
	m->file_len = n;
	m->base = base;
	if (n < mlen + 12 || !mem_eq(file + n - mlen, marker, mlen))
		return fail(m, "no appended signature");
	siglen = (uint32_t)file[n - mlen - 4] << 24 | (uint32_t)file[n - mlen - 3] << 16 |
		 (uint32_t)file[n - mlen - 2] << 8 | file[n - mlen - 1];
	if (siglen > n - mlen - 12)
		return fail(m, "signature longer than the file");
	m->elf_len = n - mlen - 12 - siglen;
	if (m->elf_len < 64 || g32(file) != 0x464c457fu || g16(file + 0x10) != 1 /* ET_REL */)
		return fail(m, "not a relocatable ELF");
	m->shnum = g16(file + 0x3c);
	if (m->shnum > MOD_MAX_SECS || g64(file + 0x28) + 64ull * m->shnum > m->elf_len)
		return fail(m, "too many sections");
	for (unsigned int t = 0; t < MOD_NREGIONS; t++)
		m->va[t] = base + t * MOD_SLOT;
	/* Like Linux's move_module(): every region starts out zeroed, so the
	 * gaps between sections and the rest of each last page are 0.  VTL1
	 * compares those bytes too (they become RX/R with the page). */
	gl_memset((void *)(uintptr_t)base, 0, MOD_SET_SIZE);
	if (layout(m))
		return -1;
	for (unsigned int i = 1; i < m->shnum; i++) {
		struct sh s;

		shdr(m, i, &s);
		if (m->type[i] != NOT_LOADED && s.type != SHT_NOBITS)
			gl_memcpy((void *)(uintptr_t)m->addr[i], file + s.offset, s.size);
	}
	for (unsigned int i = 1; i < m->shnum; i++) {
		struct sh s;

		shdr(m, i, &s);
		if (s.type == SHT_REL)
			return fail(m, "REL relocations");
		if (s.type == SHT_RELA && relocate(m, &s))
			return -1;
	}
	/* the ElfBuffer: the original file, signature included (LVBS orig_hdr) */
	gl_memcpy((void *)(uintptr_t)(base + MOD_ELF_BUFFER * MOD_SLOT), file, n);
	return 0;
}

uint64_t mod_sym(const struct mod_load *m, const char *name)
{
	for (unsigned int i = 1; i < m->shnum; i++) {
		struct sh s, str;

		shdr(m, i, &s);
		if (s.type != SHT_SYMTAB)
			continue;
		shdr(m, s.link, &str);
		for (uint64_t k = 1; 24 * (k + 1) <= s.size; k++) {
			const uint8_t *y = m->file + s.offset + 24 * k;
			uint64_t v;

			if (streq((const char *)m->file + str.offset + g32(y), name) &&
			    !sym_addr(m, &s, k, &v))
				return v;
		}
	}
	return 0;
}

uint64_t mod_reloc_site(const struct mod_load *m, unsigned int region)
{
	for (unsigned int i = 1; i < m->shnum; i++) {
		struct sh s;

		shdr(m, i, &s);
		if (s.type != SHT_RELA || s.info >= m->shnum || m->type[s.info] != region)
			continue;
		for (uint64_t o = 0; o + 24 <= s.size; o += 24) {
			uint32_t t = (uint32_t)g64(m->file + s.offset + o + 8);

			/* not PLT32 (4): a call may be a static-call site,
			 * whose target VTL1 lets vary within validated text */
			if (t == 2 || t == 10 || t == 11)
				return m->addr[s.info] + g64(m->file + s.offset + o);
		}
	}
	return 0;
}

static uint64_t put_pages(uint8_t *chain, uint64_t n, uint64_t va, uint64_t len, uint64_t type)
{
	for (uint64_t at = va, end = va + len; at < end && n < 127;) {
		uint64_t next = (at | (PAGE_SIZE - 1)) + 1, e = next < end ? next : end;
		uint8_t *r = chain + 24 + 32 * n++;

		lvbs_put64(r, at);        /* va (identity) */
		lvbs_put64(r + 8, at);    /* pa */
		lvbs_put64(r + 16, e);    /* epa */
		lvbs_put64(r + 24, type);
		at = e;
	}
	return n;
}

uint64_t mod_ranges(const struct mod_load *m, uint8_t *chain)
{
	uint64_t n = 0;

	gl_memset(chain, 0, PAGE_SIZE);
	/* LVBS sends the ElfBuffer first, then each non-empty region */
	n = put_pages(chain, n, m->base + MOD_ELF_BUFFER * MOD_SLOT, m->file_len, MOD_ELF_BUFFER);
	for (unsigned int t = 0; t < MOD_NREGIONS; t++)
		if (m->size[t])
			n = put_pages(chain, n, m->va[t], m->size[t], t);
	lvbs_put64(chain, 0);
	lvbs_put64(chain + 8, 0);
	lvbs_put64(chain + 16, n);
	return n;
}
