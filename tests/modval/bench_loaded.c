// SPDX-License-Identifier: MIT
/*
 * bench_loaded CERT.der DUMPDIR REPS: time VTL1's whole VALIDATE_MODULE
 * decision (signature + the loaded-bytes rule, through modcheck --loaded's
 * loaded_check(), which calls modval_validate_module() as VTL1 does) on one
 * dumped module, in-process.  Prints one JSON line: ns min and median over
 * REPS runs (files read once, before timing), the verdict and the reason.
 * Used by `make bench` (tests/modval/bench-loaded).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "tools/modcheck/loaded.h"
#include "vtl_protect/modval/modsig.h"
#include "vtl_protect/modval/trust.h"

static uint8_t *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	uint8_t *b;
	long n;

	if (!f)
		return NULL;
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	fseek(f, 0, SEEK_SET);
	b = n > 0 ? malloc((size_t)n) : NULL;
	if (b && fread(b, 1, (size_t)n, f) != (size_t)n) {
		free(b);
		b = NULL;
	}
	fclose(f);
	*len = (size_t)n;
	return b;
}

static int cmp64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

int main(int argc, char **argv)
{
	static struct modval_trust trust;
	struct loaded_result r;
	char ko_path[4096], syms[4096];
	uint8_t *cert, *ko;
	size_t clen, klen;
	const char *why = "?";
	int reps;
	uint64_t *ns;

	if (argc != 4) {
		fprintf(stderr, "usage: bench_loaded CERT.der DUMPDIR REPS\n");
		return 2;
	}
	reps = atoi(argv[3]);
	if (reps < 1 || reps > 100000)
		return 2;
	snprintf(ko_path, sizeof(ko_path), "%.4000s/module.ko", argv[2]);
	snprintf(syms, sizeof(syms), "%.4000s/kallsyms", argv[2]);
	cert = slurp(argv[1], &clen);
	ko = slurp(ko_path, &klen);
	ns = calloc((size_t)reps, sizeof(*ns));
	if (!cert || !ko || !ns) {
		fprintf(stderr, "bench_loaded: cannot read %s or %s\n", argv[1], ko_path);
		free(ns);
		free(ko);
		free(cert);
		return 2;
	}
	modval_trust_init(&trust);
	if (modval_trust_add_certs(&trust, cert, clen, &why)) {
		fprintf(stderr, "bench_loaded: certificate refused: %s\n", why);
		free(ns);
		free(ko);
		free(cert);
		return 2;
	}
	modval_trust_seal(&trust);
	for (int i = 0; i < reps; i++) {
		struct timespec a, b;

		clock_gettime(CLOCK_MONOTONIC, &a);
		loaded_check(&trust, ko, klen, argv[2], syms, NULL, &r);
		clock_gettime(CLOCK_MONOTONIC, &b);
		ns[i] = (uint64_t)(b.tv_sec - a.tv_sec) * 1000000000u + (uint64_t)b.tv_nsec -
			(uint64_t)a.tv_nsec;
	}
	qsort(ns, (size_t)reps, sizeof(*ns), cmp64);
	printf("{\"module_bytes\":%zu,\"reps\":%d,\"ns_min\":%llu,\"ns_median\":%llu,"
	       "\"verdict\":\"%s\",\"reason\":\"%s\",\"refused_section\":\"%s\"}\n",
	       klen, reps, (unsigned long long)ns[0], (unsigned long long)ns[reps / 2],
	       r.ok ? "accept" : "refuse", r.ok ? "" : r.reason,
	       r.have_refusal ? r.ref.section : "");
	free(ns);
	free(ko);
	free(cert);
	return 0;
}
