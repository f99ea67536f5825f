/* SPDX-License-Identifier: MIT */
/* kelf: bounded module ELF reader and x86_64 RELA arithmetic (see kelf.h). */
#include <string.h>

#include "core/errno.h"
#include "vtl_protect/modval/kelf.h"

/* [off, off+size) lies inside [0, len). */
static int in_file(size_t len, uint64_t off, uint64_t size)
{
	return off <= len && size <= len - off;
}

void kelf_shdr(const struct kelf *k, unsigned int i, struct kelf_shdr *o)
{
	memset(o, 0, sizeof(*o));
	if (i >= k->shnum)
		return;
	const uint8_t *p = k->shdrs + (size_t)i * 64;
	o->name = kelf_le32(p);
	o->type = kelf_le32(p + 4);
	o->flags = kelf_le64(p + 8);
	o->addr = kelf_le64(p + 16);
	o->offset = kelf_le64(p + 24);
	o->size = kelf_le64(p + 32);
	o->link = kelf_le32(p + 40);
	o->info = kelf_le32(p + 44);
	o->addralign = kelf_le64(p + 48);
	o->entsize = kelf_le64(p + 56);
}

int kelf_open(struct kelf *k, const uint8_t *b, size_t len, const char **why)
{
	static const uint8_t ident[7] = { 0x7f, 'E', 'L', 'F', 2, 1, 1 };
	memset(k, 0, sizeof(*k));
	*why = "not an ELF64 little-endian relocatable x86_64 file";
	if (len < 64 || memcmp(b, ident, sizeof(ident)) != 0 || kelf_le16(b + 16) != 1 ||
	    kelf_le16(b + 18) != 62)
		return -EBADMSG;
	uint64_t shoff = kelf_le64(b + 0x28);
	unsigned int shentsize = kelf_le16(b + 0x3a), shnum = kelf_le16(b + 0x3c);
	unsigned int shstrndx = kelf_le16(b + 0x3e);
	*why = "bad section header table";
	if (shentsize != 64 || shnum == 0 || shnum > KELF_MAX_SECTIONS || shstrndx >= shnum ||
	    !in_file(len, shoff, (uint64_t)shnum * 64))
		return -EBADMSG;
	k->b = b;
	k->len = len;
	k->shnum = shnum;
	k->shdrs = b + shoff;
	for (unsigned int i = 0; i < shnum; i++) {
		struct kelf_shdr s;
		kelf_shdr(k, i, &s);
		if (s.type != KELF_SHT_NOBITS && !in_file(len, s.offset, s.size)) {
			*why = "section outside the file";
			return -EBADMSG;
		}
	}
	struct kelf_shdr ss;
	kelf_shdr(k, shstrndx, &ss);
	if (ss.type == KELF_SHT_NOBITS || ss.size == 0 || b[ss.offset + ss.size - 1] != 0) {
		*why = "section name table not NUL-terminated";
		return -EBADMSG;
	}
	k->shstr = (const char *)b + ss.offset;
	k->shstr_len = ss.size;
	for (unsigned int i = 1; i < shnum; i++) {
		struct kelf_shdr s, st;
		kelf_shdr(k, i, &s);
		if (s.type != KELF_SHT_SYMTAB)
			continue;
		kelf_shdr(k, s.link, &st);
		if (k->symtab || s.entsize != 24 || s.size % 24 || s.link >= shnum ||
		    st.type == KELF_SHT_NOBITS || st.size == 0 || b[st.offset + st.size - 1] != 0) {
			*why = "bad symbol table";
			return -EBADMSG;
		}
		k->symtab = i;
		k->nsyms = s.size / 24;
		k->strtab = (const char *)b + st.offset;
		k->strtab_len = st.size;
	}
	*why = NULL;
	return 0;
}

const char *kelf_secname(const struct kelf *k, unsigned int i)
{
	struct kelf_shdr s;
	kelf_shdr(k, i, &s);
	return i < k->shnum && s.name < k->shstr_len ? k->shstr + s.name : "";
}

unsigned int kelf_find(const struct kelf *k, const char *name)
{
	for (unsigned int i = 1; i < k->shnum; i++) {
		struct kelf_shdr s;
		kelf_shdr(k, i, &s);
		if ((s.flags & KELF_SHF_ALLOC) && !strcmp(kelf_secname(k, i), name))
			return i;
	}
	return 0;
}

const uint8_t *kelf_secdata(const struct kelf *k, unsigned int i, uint64_t *size)
{
	struct kelf_shdr s;
	kelf_shdr(k, i, &s);
	*size = s.size;
	if (i == 0 || i >= k->shnum || s.type == KELF_SHT_NOBITS)
		return NULL;
	return k->b + s.offset;
}

const char *kelf_modinfo(const struct kelf *k, const char *key)
{
	size_t kl = strlen(key);
	for (unsigned int i = 1; i < k->shnum; i++) {
		struct kelf_shdr s;
		kelf_shdr(k, i, &s);
		if (s.type == KELF_SHT_NOBITS || strcmp(kelf_secname(k, i), ".modinfo") != 0)
			continue;
		const char *p = (const char *)k->b + s.offset, *end = p + s.size;
		if (s.size == 0 || end[-1] != 0)
			return NULL;
		for (; p < end; p += strlen(p) + 1)
			if (!strncmp(p, key, kl) && p[kl] == '=')
				return p + kl + 1;
	}
	return NULL;
}

int kelf_sym(const struct kelf *k, size_t i, struct kelf_sym *o)
{
	if (!k->symtab || i >= k->nsyms)
		return -EBADMSG;
	struct kelf_shdr s;
	kelf_shdr(k, k->symtab, &s);
	const uint8_t *p = k->b + s.offset + i * 24;
	o->name = kelf_le32(p);
	o->info = p[4];
	o->other = p[5];
	o->shndx = kelf_le16(p + 6);
	o->value = kelf_le64(p + 8);
	o->size = kelf_le64(p + 16);
	return 0;
}

const char *kelf_symname(const struct kelf *k, const struct kelf_sym *s)
{
	return s->name < k->strtab_len ? k->strtab + s->name : "";
}

int kelf_for_each_rela(const struct kelf *k, unsigned int target, kelf_rela_fn fn, void *ctx)
{
	for (unsigned int i = 1; i < k->shnum; i++) {
		struct kelf_shdr s;
		kelf_shdr(k, i, &s);
		if (s.type != KELF_SHT_RELA || s.info != target)
			continue;
		if (s.entsize != 24 || s.size % 24 || s.link != k->symtab)
			return -EBADMSG;
		for (uint64_t off = 0; off < s.size; off += 24) {
			const uint8_t *p = k->b + s.offset + off;
			struct kelf_rela r = { kelf_le64(p), kelf_le64(p + 8), (int64_t)kelf_le64(p + 16) };
			int rc = fn(ctx, &r);
			if (rc)
				return rc;
		}
	}
	return 0;
}

int kelf_rela_at(const struct kelf *k, unsigned int target, uint64_t off, struct kelf_rela *out)
{
	for (unsigned int i = 1; i < k->shnum; i++) {
		struct kelf_shdr s;
		kelf_shdr(k, i, &s);
		if (s.type != KELF_SHT_RELA || s.info != target)
			continue;
		if (s.entsize != 24 || s.size % 24 || s.link != k->symtab)
			return -ENOENT;
		size_t lo = 0, hi = s.size / 24;
		while (lo < hi) {
			size_t mid = lo + (hi - lo) / 2;
			const uint8_t *p = k->b + s.offset + mid * 24;
			uint64_t o = kelf_le64(p);
			if (o == off) {
				*out = (struct kelf_rela){ o, kelf_le64(p + 8), (int64_t)kelf_le64(p + 16) };
				return 0;
			}
			if (o < off)
				lo = mid + 1;
			else
				hi = mid;
		}
		return -ENOENT;
	}
	return -ENOENT;
}

int kelf_sym_value(const struct kelf *k, const struct kelf_addrs *a, uint64_t symidx,
		   uint64_t *val, const char **name)
{
	struct kelf_sym s;
	*name = "";
	if (kelf_sym(k, symidx, &s))
		return -EBADMSG;
	*name = kelf_symname(k, &s);
	if (s.shndx == KELF_SHN_UNDEF) {
		if (!**name)
			return -EBADMSG;
		if (a->resolve(a->ctx, *name, val) == 0)
			return 0;
		if ((s.info >> 4) == 2) { /* STB_WEAK: Linux leaves it 0 */
			*val = 0;
			return 0;
		}
		return -ENOENT;
	}
	if (s.shndx == KELF_SHN_ABS) {
		*val = s.value;
		return 0;
	}
	if (s.shndx >= k->shnum || s.shndx >= KELF_SHN_LORESERVE || !a->secknown[s.shndx])
		return -ENOENT;
	*val = a->secaddr[s.shndx] + s.value;
	return 0;
}

struct reloc_ctx {
	const struct kelf *k;
	const struct kelf_addrs *a;
	uint8_t *out;
	uint64_t size, base;
	const char **why;
};

static void wr(uint8_t *p, uint64_t v, unsigned int n)
{
	for (unsigned int i = 0; i < n; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

static int apply_one(void *vc, const struct kelf_rela *r)
{
	struct reloc_ctx *c = vc;
	uint32_t type = (uint32_t)r->info;
	unsigned int n = type == KELF_R_64 || type == KELF_R_PC64 ? 8 : 4;
	const char *name;
	uint64_t s;

	if (type == KELF_R_NONE)
		return 0;
	if (r->offset > c->size || n > c->size - r->offset) {
		*c->why = "relocation outside its section";
		return -EBADMSG;
	}
	int rc = kelf_sym_value(c->k, c->a, r->info >> 32, &s, &name);
	if (rc) {
		*c->why = rc == -ENOENT ? "relocation against an unknown symbol" : "bad relocation symbol";
		return rc;
	}
	uint64_t val = s + (uint64_t)r->addend, loc = c->base + r->offset;
	switch (type) {
	case KELF_R_64:
		break;
	case KELF_R_32:
		if (val != (uint32_t)val) {
			*c->why = "R_X86_64_32 overflow";
			return -EBADMSG;
		}
		break;
	case KELF_R_32S:
		if ((int64_t)val != (int32_t)val) {
			*c->why = "R_X86_64_32S overflow";
			return -EBADMSG;
		}
		break;
	case KELF_R_PC32:
	case KELF_R_PLT32:
	case KELF_R_PC64:
		val -= loc;
		break;
	default:
		*c->why = "relocation type Linux's x86_64 loader refuses";
		return -EOPNOTSUPP;
	}
	wr(c->out + r->offset, val, n);
	return 0;
}

int kelf_relocate(const struct kelf *k, unsigned int target, const struct kelf_addrs *a,
		  uint8_t *out, const char **why)
{
	uint64_t size;
	const uint8_t *src = kelf_secdata(k, target, &size);
	*why = "section has no bytes";
	if (!src || !a->secknown[target])
		return -EBADMSG;
	memcpy(out, src, size);
	struct reloc_ctx c = { k, a, out, size, a->secaddr[target], why };
	*why = NULL;
	return kelf_for_each_rela(k, target, apply_one, &c);
}
