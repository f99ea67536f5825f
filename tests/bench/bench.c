// SPDX-License-Identifier: MIT
/*
 * Host-side benchmarks (driven by tests/bench/run.sh, `make bench`).
 *
 *   bench protect REPS      South calls and cycles for north_protect() /
 *                           north_protect_many() of N pages on the fake South
 *                           (N = 1, 510, 511, 8192, 65536): contiguous,
 *                           fragmented with one permission, fragmented with
 *                           alternating permissions
 *   bench modsig CERT MODULE REPS
 *                           vtl_protect/modval's modsig_verify() of a signed
 *                           module (SHA-256 over the module + signature check)
 *
 * Output: one JSON object per line.  Times are RDTSC cycles and
 * CLOCK_MONOTONIC nanoseconds, min and median over REPS repetitions.
 *
 * South calls are counted at the South boundary with -Wl,--wrap: every call
 * is one ModifyVtlProtectionMask hypercall on Hyper-V (north/south.h).  The
 * fake South only models 32 MiB of VTL0 RAM, so GPFNs above it are counted
 * and accepted here without reaching it.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <x86intrin.h>

#include "north/north.h"
#include "tests/north/fake_south.h"
#include "vtl_protect/modval/modsig.h"

static unsigned long calls, pages;

int __real_south_set_vtl0_protection(uint32_t perms, const uint64_t *gpfns, size_t count);
int __wrap_south_set_vtl0_protection(uint32_t perms, const uint64_t *gpfns, size_t count);

int __wrap_south_set_vtl0_protection(uint32_t perms, const uint64_t *gpfns, size_t count)
{
	calls++;
	pages += count;
	if (count && gpfns[count - 1] < (FAKE_RAM_SIZE >> 12) && gpfns[0] < (FAKE_RAM_SIZE >> 12))
		return __real_south_set_vtl0_protection(perms, gpfns, count);
	return count && count <= SOUTH_MAX_GPFNS_PER_CALL ? 0 : -22;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/* min and median of n values (sorts in place). */
static void stats(uint64_t *v, size_t n, uint64_t *min, uint64_t *med)
{
	qsort(v, n, sizeof(*v), cmp_u64);
	*min = v[0];
	*med = v[n / 2];
}

static uint64_t now_ns(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (uint64_t)t.tv_sec * 1000000000ull + (uint64_t)t.tv_nsec;
}

/* VTL0 GPAs start above the fake South's VTL1 region [8 MiB, 10 MiB). */
#define PROT_BASE (16ull << 20)

static struct north_prot_range *ranges;

/* layout 0: one range; 1: every other page, one permission;
 * 2: every other page, alternating R / R+X. */
static int run_protect(unsigned int layout, size_t n)
{
	if (layout == 0)
		return north_protect(PROT_BASE, (uint64_t)n << 12, NORTH_PERM_R | NORTH_PERM_X);
	for (size_t i = 0; i < n; i++) {
		ranges[i].pa = PROT_BASE + ((uint64_t)i << 13);
		ranges[i].len = 4096;
		ranges[i].perms = layout == 2 && (i & 1) ? NORTH_PERM_R :
							   NORTH_PERM_R | NORTH_PERM_X;
	}
	return north_protect_many(ranges, n);
}

static int bench_protect(int reps)
{
	static const size_t ns[] = { 1, 510, 511, 8192, 65536 };
	static const char *const names[] = { "contiguous", "fragmented", "fragmented-alt-perms" };

	ranges = calloc(65536, sizeof(*ranges));
	if (!ranges)
		return 1;
	fake_reset();
	if (north_init())
		return 1;
	for (unsigned int layout = 0; layout < 3; layout++) {
		for (size_t k = 0; k < sizeof(ns) / sizeof(ns[0]); k++) {
			uint64_t cyc[64] = { 0 }, nsec[64] = { 0 }, cmin, cmed, tmin, tmed;
			unsigned long c = 0, p = 0;
			int r = reps > 64 ? 64 : reps;

			for (int i = 0; i < r; i++) {
				uint64_t t0, c0;
				int ret;

				calls = pages = 0;
				t0 = now_ns();
				c0 = __rdtsc();
				ret = run_protect(layout, ns[k]);
				cyc[i] = __rdtsc() - c0;
				nsec[i] = now_ns() - t0;
				if (ret) {
					fprintf(stderr, "bench: protect %zu pages (%s) failed: %d\n",
						ns[k], names[layout], ret);
					return 1;
				}
				c = calls;
				p = pages;
			}
			stats(cyc, (size_t)r, &cmin, &cmed);
			stats(nsec, (size_t)r, &tmin, &tmed);
			printf("{\"bench\":\"protect\",\"layout\":\"%s\",\"pages\":%zu,"
			       "\"south_calls\":%lu,\"gpfns\":%lu,\"floor\":%zu,"
			       "\"cycles_min\":%llu,\"cycles_median\":%llu,"
			       "\"ns_min\":%llu,\"ns_median\":%llu,\"reps\":%d}\n",
			       names[layout], ns[k], c, p,
			       (ns[k] + SOUTH_MAX_GPFNS_PER_CALL - 1) / SOUTH_MAX_GPFNS_PER_CALL,
			       (unsigned long long)cmin, (unsigned long long)cmed,
			       (unsigned long long)tmin, (unsigned long long)tmed, r);
		}
	}
	free(ranges);
	fake_release();
	return 0;
}

static uint8_t *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	uint8_t *b = NULL;
	long n;

	if (!f)
		return NULL;
	if (fseek(f, 0, SEEK_END) == 0 && (n = ftell(f)) >= 0 && fseek(f, 0, SEEK_SET) == 0) {
		b = malloc((size_t)n + 1);
		if (b && fread(b, 1, (size_t)n, f) != (size_t)n) {
			free(b);
			b = NULL;
		}
		*len = (size_t)n;
	}
	(void)fclose(f);
	return b;
}

static int bench_modsig(const char *cert, const char *module, int reps)
{
	static struct modval_trust trust;
	uint64_t cyc[256] = { 0 }, nsec[256] = { 0 }, cmin, cmed, tmin, tmed;
	struct modsig_result res;
	const char *why = "?";
	size_t cl = 0, ml = 0;
	uint8_t *c = slurp(cert, &cl), *m = slurp(module, &ml);
	int r = reps > 256 ? 256 : reps;

	if (!c || !m)
		return 2;
	modval_trust_init(&trust);
	if (modval_trust_add_certs(&trust, c, cl, &why)) {
		fprintf(stderr, "bench: certificate refused: %s\n", why);
		return 1;
	}
	for (int i = 0; i < r; i++) {
		uint64_t t0 = now_ns(), c0 = __rdtsc();
		int ret = modsig_verify(&trust, m, ml, &res);

		cyc[i] = __rdtsc() - c0;
		nsec[i] = now_ns() - t0;
		if (ret) {
			fprintf(stderr, "bench: modsig_verify failed: %s\n", res.reason);
			return 1;
		}
	}
	stats(cyc, (size_t)r, &cmin, &cmed);
	stats(nsec, (size_t)r, &tmin, &tmed);
	printf("{\"bench\":\"modsig\",\"bytes\":%zu,\"cycles_min\":%llu,\"cycles_median\":%llu,"
	       "\"ns_min\":%llu,\"ns_median\":%llu,\"reps\":%d}\n",
	       ml, (unsigned long long)cmin, (unsigned long long)cmed, (unsigned long long)tmin,
	       (unsigned long long)tmed, r);
	free(c);
	free(m);
	return 0;
}

/* Repetitions: 1..1000, or 0 for anything else (usage error). */
static int reps_arg(const char *s)
{
	char *end;
	long v = strtol(s, &end, 10);

	return *s && !*end && v >= 1 && v <= 1000 ? (int)v : 0;
}

int main(int argc, char **argv)
{
	if (argc == 3 && strcmp(argv[1], "protect") == 0 && reps_arg(argv[2]))
		return bench_protect(reps_arg(argv[2]));
	if (argc == 5 && strcmp(argv[1], "modsig") == 0 && reps_arg(argv[4]))
		return bench_modsig(argv[2], argv[3], reps_arg(argv[4]));
	fprintf(stderr, "usage: bench protect REPS | bench modsig CERT.der MODULE.ko REPS\n");
	return 2;
}
