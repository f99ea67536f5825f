// SPDX-License-Identifier: MIT
/*
 * Test harness for vtl_protect/modval/modelf.c, used by the modval suite.
 *
 *   modelf_harness script MODULE     print a GNU ld script placing every
 *                                    section where Linux's loader would
 *   modelf_harness check MODULE LINKED [--sym NAME=ADDR]... [--flip-text OFF]
 *                  [--flip-reloc] [--extra-text] [--truncate-elf N] [--cert DER]
 *
 * The suite links the module with that script, so GNU ld (an independent
 * implementation) applies the relocations; `check` then presents ld's output
 * as "what VTL0 loaded" to modelf_check(), optionally tampered with.
 * MODULE may carry an appended signature (it is split off first).  With
 * --cert, the whole VALIDATE_MODULE decision runs (modval_validate_module():
 * signature against that certificate, then the ELF comparison).
 */
#include <elf.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/log.h"
#include "vtl_protect/modval/modelf.h"
#include "vtl_protect/modval/modsig.h"
#include "vtl_protect/modval/modval.h"

#define BASE 0xffffffffc0000000ULL
#define REGION_STRIDE 0x100000ULL
#define MAX_SYMS 1024

static uint64_t region_base(unsigned int t)
{
	return BASE + t * REGION_STRIDE;
}

static uint8_t *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	uint8_t *buf;
	long n;

	if (!f || fseek(f, 0, SEEK_END) || (n = ftell(f)) < 0 || fseek(f, 0, SEEK_SET))
		exit(2);
	buf = malloc((size_t)n + 1);
	if (!buf || fread(buf, 1, (size_t)n, f) != (size_t)n)
		exit(2);
	fclose(f);
	*len = (size_t)n;
	return buf;
}

static struct {
	const char *name;
	uint64_t addr;
} syms[MAX_SYMS];
static int nsyms;

static void stderr_sink(enum log_level lvl, const char *line, size_t len)
{
	(void)lvl;
	fprintf(stderr, "%.*s\n", (int)len, line);
}

static int resolve(void *ctx, const char *name, uint64_t *addr)
{
	(void)ctx;
	for (int i = 0; i < nsyms; i++) {
		if (!strcmp(syms[i].name, name)) {
			*addr = syms[i].addr;
			return 0;
		}
	}
	return -ENOENT;
}

static const Elf64_Shdr *shdrs(const uint8_t *e)
{
	return (const Elf64_Shdr *)(e + ((const Elf64_Ehdr *)e)->e_shoff);
}

static const char *secname(const uint8_t *e, unsigned int i)
{
	const Elf64_Ehdr *h = (const Elf64_Ehdr *)e;
	const Elf64_Shdr *sh = shdrs(e);

	return (const char *)e + sh[h->e_shstrndx].sh_offset + sh[i].sh_name;
}

int main(int argc, char **argv)
{
	static struct modelf_layout lay;
	struct modelf_input in;
	const char *why = "?";
	uint8_t *elf, *linked, *regions[MODELF_NREGIONS] = { 0 };
	size_t elf_len, file_len, linked_len, clen, sig_len;
	const char *cert = NULL;
	const uint8_t *sig;
	int err;

	if (argc < 3)
		return 2;
	log_add_sink(stderr_sink);
	elf = slurp(argv[2], &elf_len);
	file_len = elf_len;
	if (modsig_split(elf, elf_len, &clen, &sig, &sig_len, &why) == 0)
		elf_len = clen;
	err = modelf_layout(elf, elf_len, &lay, &why);
	if (err) {
		printf("FAIL %s\n", why);
		return 1;
	}

	if (!strcmp(argv[1], "script")) {
		printf("SECTIONS {\n");
		for (unsigned int i = 1; i < lay.shnum; i++) {
			if (lay.type[i] == MODELF_NOT_LOADED)
				continue;
			printf("  s%u 0x%llx : { *(%s) }\n", i,
			       (unsigned long long)(region_base(lay.type[i]) + lay.offset[i]),
			       secname(elf, i));
		}
		printf("  /DISCARD/ : { *(*) }\n}\n");
		return 0;
	}
	if (strcmp(argv[1], "check") || argc < 4)
		return 2;

	linked = slurp(argv[3], &linked_len);
	memset(&in, 0, sizeof(in));
	in.elf = elf;
	in.elf_len = elf_len;
	in.resolve = resolve;
	for (unsigned int t = 0; t < MODELF_NREGIONS; t++) {
		in.mem[t].va = region_base(t);
		in.mem[t].len = lay.size[t];
		regions[t] = calloc(1, lay.size[t] + 64);
		in.mem[t].bytes = regions[t];
	}
	/* Gather ld's output sections s<i> into the regions. */
	{
		const Elf64_Ehdr *h = (const Elf64_Ehdr *)linked;
		const Elf64_Shdr *sh = shdrs(linked);

		for (unsigned int j = 1; j < h->e_shnum; j++) {
			unsigned int i;
			const char *n = secname(linked, j);

			if (sscanf(n, "s%u", &i) != 1 || i >= lay.shnum ||
			    lay.type[i] == MODELF_NOT_LOADED)
				continue;
			if (sh[j].sh_addr != region_base(lay.type[i]) + lay.offset[i]) {
				printf("HARNESS: ld placed %s elsewhere\n", n);
				return 2;
			}
			if (sh[j].sh_type != SHT_NOBITS)
				memcpy(regions[lay.type[i]] + lay.offset[i],
				       linked + sh[j].sh_offset, sh[j].sh_size);
		}
	}
	for (int a = 4; a < argc; a++) {
		if (!strcmp(argv[a], "--sym") && a + 1 < argc && nsyms < MAX_SYMS) {
			char *eq = strchr(argv[++a], '=');

			if (!eq)
				return 2;
			*eq = '\0';
			syms[nsyms].name = argv[a];
			syms[nsyms++].addr = strtoull(eq + 1, NULL, 0);
		} else if (!strcmp(argv[a], "--flip-text") && a + 1 < argc) {
			size_t off = strtoul(argv[++a], NULL, 0);

			if (off >= lay.size[MODVAL_MOD_TEXT])
				return 2;
			regions[MODVAL_MOD_TEXT][off] ^= 0x01;
		} else if (!strcmp(argv[a], "--flip-reloc")) {
			/* Bump the first PC32/PLT32 site in text by one: the
			 * bytes change by exactly what a redirected call needs. */
			const Elf64_Ehdr *h = (const Elf64_Ehdr *)elf;
			const Elf64_Shdr *sh = shdrs(elf);
			int done = 0;

			for (unsigned int r = 1; r < h->e_shnum && !done; r++) {
				const Elf64_Rela *rel = (const Elf64_Rela *)(elf + sh[r].sh_offset);

				if (sh[r].sh_type != SHT_RELA ||
				    lay.type[sh[r].sh_info] != MODVAL_MOD_TEXT)
					continue;
				for (size_t k = 0; k < sh[r].sh_size / sizeof(*rel); k++) {
					unsigned int ty = ELF64_R_TYPE(rel[k].r_info);

					if (ty != R_X86_64_PC32 && ty != R_X86_64_PLT32)
						continue;
					regions[MODVAL_MOD_TEXT][lay.offset[sh[r].sh_info] +
								 rel[k].r_offset] += 1;
					done = 1;
					break;
				}
			}
			if (!done)
				return 2;
		} else if (!strcmp(argv[a], "--extra-text")) {
			memset(regions[MODVAL_MOD_TEXT] + lay.size[MODVAL_MOD_TEXT], 0xcc, 16);
			in.mem[MODVAL_MOD_TEXT].len += 16;
		} else if (!strcmp(argv[a], "--truncate-elf") && a + 1 < argc) {
			size_t n = strtoul(argv[++a], NULL, 0);

			if (n < in.elf_len)
				in.elf_len = n;
		} else if (!strcmp(argv[a], "--cert") && a + 1 < argc) {
			cert = argv[++a];
		} else {
			return 2;
		}
	}
	in.scratch_len = modelf_scratch_needed(&lay);
	in.scratch = malloc(in.scratch_len + 1);
	if (cert) {
		static struct modval_trust trust;
		struct modval_module_input mi = {
			.file = elf, .file_len = file_len, .resolve = resolve,
			.layout = &lay, .scratch = in.scratch, .scratch_len = in.scratch_len,
		};
		struct modsig_result res;
		size_t cl;
		uint8_t *c = slurp(cert, &cl);

		modval_trust_init(&trust);
		if (modval_trust_add_certs(&trust, c, cl, &why)) {
			printf("HARNESS: cert: %s\n", why);
			return 2;
		}
		memcpy(mi.mem, in.mem, sizeof(mi.mem));
		err = modval_validate_module(&trust, &mi, &res);
		why = res.reason;
		if (!err)
			printf("SIGNER %s\n", res.signer->cn);
	} else {
		err = modelf_check(&in, &lay, &why);
	}
	if (err) {
		printf("FAIL %s\n", why);
		return 1;
	}
	printf("OK text=%llu rodata=%llu init_text=%llu init_rodata=%llu\n",
	       (unsigned long long)lay.size[MODVAL_MOD_TEXT],
	       (unsigned long long)lay.size[MODVAL_MOD_RODATA],
	       (unsigned long long)lay.size[MODVAL_MOD_INIT_TEXT],
	       (unsigned long long)lay.size[MODVAL_MOD_INIT_RODATA]);
	return 0;
}
