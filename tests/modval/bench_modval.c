// SPDX-License-Identifier: MIT
/*
 * Benchmark: modsig_verify() on a signed module, in-process, N times.
 *   bench_modval CERT.der MODULE.ko N   -> prints "<microseconds per verify>"
 */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "vtl_protect/modval/modsig.h"

static struct modval_trust trust;

static uint8_t *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	uint8_t *b;
	long n;

	if (!f || fseek(f, 0, SEEK_END) || (n = ftell(f)) < 0 || fseek(f, 0, SEEK_SET))
		exit(2);
	b = malloc((size_t)n + 1);
	if (!b || fread(b, 1, (size_t)n, f) != (size_t)n)
		exit(2);
	fclose(f);
	*len = (size_t)n;
	return b;
}

int main(int argc, char **argv)
{
	struct modsig_result r;
	struct timespec a, b;
	const char *why;
	size_t cl, ml;
	uint8_t *c, *m;
	int n;

	if (argc != 4)
		return 2;
	c = slurp(argv[1], &cl);
	m = slurp(argv[2], &ml);
	n = atoi(argv[3]);
	modval_trust_init(&trust);
	if (modval_trust_add_certs(&trust, c, cl, &why) || n <= 0)
		return 2;
	clock_gettime(CLOCK_MONOTONIC, &a);
	for (int i = 0; i < n; i++) {
		if (modsig_verify(&trust, m, ml, &r)) {
			fprintf(stderr, "verify failed: %s\n", r.reason);
			return 1;
		}
	}
	clock_gettime(CLOCK_MONOTONIC, &b);
	printf("%.1f\n", ((b.tv_sec - a.tv_sec) * 1e9 + (b.tv_nsec - a.tv_nsec)) / 1e3 / n);
	free(c);
	free(m);
	return 0;
}
