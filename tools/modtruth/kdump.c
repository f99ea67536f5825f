/* SPDX-License-Identifier: MIT */
/*
 * kdump: runs inside the Debian guest that tools/modtruth/modtruth boots, as
 * root, and writes each loaded module in `modcheck --loaded` form:
 *
 *   OUT/M/sections.txt   "NAME 0xADDRESS" per /sys/module/M/sections/ entry
 *   OUT/M/NAME.bin       the section's bytes as loaded, read from /proc/kcore
 *                        (none for .init* sections: Linux frees them after
 *                        init, and none for SHT_NOBITS sections)
 *   OUT/M/kallsyms       /proc/kallsyms lines for every symbol the module
 *                        imports, plus the kernel thunks and bounds that
 *                        patched sites may point at
 *
 * Usage: kdump OUT KO_DIR MODULE...   (KO_DIR/M.ko is the file insmod loaded,
 * used for section sizes and the list of imported symbols.)
 *
 * This is a guest-side test tool built with the host libc (static); it trusts
 * the guest kernel it runs on.  It is not linked into vtlguard.
 */
#include <dirent.h>
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* A guest-side test tool: running out of memory ends it with a message. */
static void *xrealloc(void *p, size_t n)
{
	void *q = realloc(p, n ? n : 1);
	if (!q) {
		printf("MODTRUTH kdump: out of memory\n");
		exit(1);
	}
	return q;
}

static Elf64_Phdr *kc_ph;
static unsigned int kc_phnum;
static int kc_fd = -1;

static void *read_file(const char *path, size_t *len)
{
	int fd = open(path, O_RDONLY);
	if (fd < 0)
		return NULL;
	size_t cap = 1 << 16, n = 0;
	char *b = xrealloc(NULL, cap);
	for (;;) {
		if (n == cap) {
			cap *= 2;
			b = xrealloc(b, cap);
		}
		ssize_t r = read(fd, b + n, cap - n);
		if (r <= 0)
			break;
		n += (size_t)r;
	}
	close(fd);
	*len = n;
	return b;
}

static int kcore_open(void)
{
	Elf64_Ehdr eh;
	kc_fd = open("/proc/kcore", O_RDONLY);
	if (kc_fd < 0 || pread(kc_fd, &eh, sizeof(eh), 0) != (ssize_t)sizeof(eh))
		return -1;
	kc_phnum = eh.e_phnum;
	kc_ph = xrealloc(NULL, kc_phnum * sizeof(*kc_ph));
	if (pread(kc_fd, kc_ph, kc_phnum * sizeof(*kc_ph), (off_t)eh.e_phoff) !=
	    (ssize_t)(kc_phnum * sizeof(*kc_ph)))
		return -1;
	return 0;
}

/* Read len bytes at kernel VA va through /proc/kcore. */
static int kcore_read(uint64_t va, void *buf, size_t len)
{
	for (unsigned int i = 0; i < kc_phnum; i++) {
		const Elf64_Phdr *p = &kc_ph[i];
		if (p->p_type != PT_LOAD || va < p->p_vaddr || va - p->p_vaddr + len > p->p_memsz)
			continue;
		off_t off = (off_t)(p->p_offset + (va - p->p_vaddr));
		return pread(kc_fd, buf, len, off) == (ssize_t)len ? 0 : -1;
	}
	return -1;
}

struct ko {
	uint8_t *b;
	size_t len;
	Elf64_Shdr *sh;
	unsigned int shnum;
	const char *shstr;
};

static int ko_open(struct ko *k, const char *path)
{
	k->b = read_file(path, &k->len);
	if (!k->b || k->len < sizeof(Elf64_Ehdr))
		return -1;
	const Elf64_Ehdr *eh = (const Elf64_Ehdr *)k->b;
	if (eh->e_shoff + (uint64_t)eh->e_shnum * sizeof(Elf64_Shdr) > k->len ||
	    eh->e_shstrndx >= eh->e_shnum)
		return -1;
	k->sh = (Elf64_Shdr *)(k->b + eh->e_shoff);
	k->shnum = eh->e_shnum;
	k->shstr = (const char *)k->b + k->sh[eh->e_shstrndx].sh_offset;
	return 0;
}

static const Elf64_Shdr *ko_section(const struct ko *k, const char *name)
{
	for (unsigned int i = 1; i < k->shnum; i++)
		if ((k->sh[i].sh_flags & SHF_ALLOC) && !strcmp(k->shstr + k->sh[i].sh_name, name))
			return &k->sh[i];
	return NULL;
}

/* Kernel symbols a patched site may reach even if the module never names them. */
static const char *const extra_syms[] = {
	"_text", "_stext", "_etext", "__start_rodata", "__end_rodata",
	"__start_ro_after_init", "__end_ro_after_init", "__x86_return_thunk",
	"its_return_thunk", "its_static_thunk", "retbleed_return_thunk",
	"srso_return_thunk", "srso_alias_return_thunk", "entry_untrain_ret",
	"__x86_indirect_thunk_array", "__x86_indirect_its_thunk_array",
	"__x86_indirect_call_thunk_array", "__x86_indirect_jump_thunk_array",
	"__fentry__", "ftrace_caller", "ftrace_regs_caller", "pv_ops",
	"native_irq_disable", "native_irq_enable", "native_save_fl",
	"native_restore_fl", "native_read_cr2", "native_write_cr3", "native_read_cr3",
	"native_flush_tlb_local", "native_flush_tlb_global", "paravirt_BUG",
	"_paravirt_nop", "_paravirt_ident_64", "__static_call_return0",
	"__static_call_nop", "clear_page_rep", "clear_page_erms", "clear_page_orig",
	NULL,
};

static const char **undef;
static size_t nundef;

static int cmpstr(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Collect the module's undefined symbol names, sorted for bsearch. */
static void collect_undef(const struct ko *k)
{
	nundef = 0;
	free(undef);
	undef = NULL;
	for (unsigned int i = 1; i < k->shnum; i++) {
		const Elf64_Shdr *s = &k->sh[i];
		if (s->sh_type != SHT_SYMTAB || s->sh_link >= k->shnum)
			continue;
		const Elf64_Sym *sym = (const Elf64_Sym *)(k->b + s->sh_offset);
		const char *str = (const char *)k->b + k->sh[s->sh_link].sh_offset;
		size_t n = s->sh_size / sizeof(*sym);
		undef = xrealloc(undef, (nundef + n) * sizeof(*undef));
		for (size_t j = 1; j < n; j++)
			if (sym[j].st_shndx == SHN_UNDEF && sym[j].st_name)
				undef[nundef++] = str + sym[j].st_name;
	}
	if (nundef)
		qsort(undef, nundef, sizeof(*undef), cmpstr);
}

/* /proc/kallsyms, one entry per line, sorted by name once for all modules. */
struct ksline {
	const char *name, *line;
	size_t namelen, linelen;
};
static struct ksline *ks;
static size_t nks;

static int cmpks(const void *a, const void *b)
{
	const struct ksline *x = a, *y = b;
	size_t n = x->namelen < y->namelen ? x->namelen : y->namelen;
	int c = memcmp(x->name, y->name, n);
	return c ? c : (x->namelen > y->namelen) - (x->namelen < y->namelen);
}

static void index_kallsyms(const char *p, size_t len)
{
	const char *end = p + len;
	size_t cap = 1 << 16;
	ks = xrealloc(NULL, cap * sizeof(*ks));
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		if (!nl)
			nl = end;
		/* "ADDR T NAME[\t[mod]]" */
		const char *n = memchr(p, ' ', (size_t)(nl - p));
		if (n && n + 3 < nl) {
			n += 3;
			size_t nlen = 0;
			while (n + nlen < nl && n[nlen] != '\t' && n[nlen] != ' ')
				nlen++;
			if (nks == cap) {
				cap *= 2;
				ks = xrealloc(ks, cap * sizeof(*ks));
			}
			ks[nks++] = (struct ksline){ n, p, nlen, (size_t)(nl - p) };
		}
		p = nl + 1;
	}
	qsort(ks, nks, sizeof(*ks), cmpks);
}

/* Write every kallsyms line named name (all of them: names repeat). */
static void emit(FILE *f, const char *name)
{
	struct ksline key = { name, NULL, strlen(name), 0 };
	struct ksline *hit = bsearch(&key, ks, nks, sizeof(*ks), cmpks);
	if (!hit)
		return;
	while (hit > ks && !cmpks(hit - 1, &key))
		hit--;
	for (; hit < ks + nks && !cmpks(hit, &key); hit++)
		fprintf(f, "%.*s\n", (int)hit->linelen, hit->line);
}

static int dump_module(const char *out, const char *kodir, const char *m)
{
	char path[8192], dir[2048];
	struct ko k;
	snprintf(path, sizeof(path), "%s/%s.ko", kodir, m);
	if (ko_open(&k, path)) {
		printf("MODTRUTH kdump %s: cannot read %s\n", m, path);
		return -1;
	}
	snprintf(dir, sizeof(dir), "%s/%s", out, m);
	mkdir(dir, 0755);
	snprintf(path, sizeof(path), "/sys/module/%s/sections", m);
	DIR *d = opendir(path);
	if (!d) {
		printf("MODTRUTH kdump %s: not loaded (%s)\n", m, strerror(errno));
		return -1;
	}
	snprintf(path, sizeof(path), "%s/sections.txt", dir);
	FILE *st = fopen(path, "w");
	struct dirent *de;
	unsigned int nsec = 0, nbin = 0;
	while ((de = readdir(d))) {
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		char ap[8192], line[64] = "";
		snprintf(ap, sizeof(ap), "/sys/module/%s/sections/%s", m, de->d_name);
		FILE *f = fopen(ap, "r");
		if (!f || !fgets(line, sizeof(line), f)) {
			if (f)
				fclose(f);
			continue;
		}
		fclose(f);
		uint64_t va = strtoull(line, NULL, 16);
		fprintf(st, "%s 0x%016llx\n", de->d_name, (unsigned long long)va);
		nsec++;
		const Elf64_Shdr *s = ko_section(&k, de->d_name);
		if (!s || s->sh_type == SHT_NOBITS || !s->sh_size || !strncmp(de->d_name, ".init", 5))
			continue;
		uint8_t *buf = xrealloc(NULL, s->sh_size);
		if (kcore_read(va, buf, s->sh_size)) {
			printf("MODTRUTH kdump %s: kcore read of %s at 0x%llx failed\n", m,
			       de->d_name, (unsigned long long)va);
			free(buf);
			continue;
		}
		snprintf(ap, sizeof(ap), "%s/%s.bin", dir, de->d_name);
		FILE *o = fopen(ap, "w");
		fwrite(buf, 1, s->sh_size, o);
		fclose(o);
		free(buf);
		nbin++;
	}
	closedir(d);
	fclose(st);

	collect_undef(&k);
	snprintf(path, sizeof(path), "%s/kallsyms", dir);
	FILE *kf = fopen(path, "w");
	for (unsigned int i = 0; extra_syms[i]; i++)
		emit(kf, extra_syms[i]);
	/* every indirect/return/ITS thunk: a patched site may point at any */
	for (size_t i = 0; i < nks; i++)
		if (ks[i].namelen > 15 && !memcmp(ks[i].name, "__x86_indirect_", 15))
			fprintf(kf, "%.*s\n", (int)ks[i].linelen, ks[i].line);
	for (size_t i = 0; i < nundef; i++)
		if (!i || strcmp(undef[i], undef[i - 1]))
			emit(kf, undef[i]);
	fclose(kf);
	free(k.b);
	printf("MODTRUTH dumped %s: %u sections, %u with bytes\n", m, nsec, nbin);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc < 3) {
		fprintf(stderr, "usage: kdump OUT KO_DIR MODULE...\n");
		return 2;
	}
	if (kcore_open()) {
		printf("MODTRUTH kdump: cannot read /proc/kcore (%s)\n", strerror(errno));
		return 1;
	}
	size_t kslen;
	char *kstext = read_file("/proc/kallsyms", &kslen);
	if (!kstext) {
		printf("MODTRUTH kdump: cannot read /proc/kallsyms\n");
		return 1;
	}
	index_kallsyms(kstext, kslen);
	int bad = 0;
	for (int i = 3; i < argc; i++)
		bad |= dump_module(argv[1], argv[2], argv[i]) != 0;
	return bad;
}
