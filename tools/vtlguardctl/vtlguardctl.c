// SPDX-License-Identifier: MIT
/*
 * vtlguardctl: print what vtlguard (in VTL1) refused and measured, from a
 * Linux VTL0 with the LVBS patches of tools/lvbs-linux (securityfs files
 * /sys/kernel/security/vtlguard/{violations,measurements}, the binary
 * answers of GET_VIOLATIONS and GET_MEASUREMENTS, docs/vtl-call-abi.md).
 *
 *   vtlguardctl [--json] [--dir DIR] [violations|measurements|all]
 *
 * The files come from VTL1 through a kernel we do not trust more than any
 * other VTL0 input: every length and count is checked against the bytes
 * actually read before it is used.  Exit codes: 0 ok, 1 cannot read or
 * malformed data, 2 usage.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vtlguard/version.h"

#define VIOL_HDR 96u
#define VIOL_REC 112u
#define VIOL_CLASSES 7u
#define MEAS_HDR 64u
#define MEAS_ENT 56u
#define MAX_FILE (1u << 20)

static const char *const class_names[VIOL_CLASSES] = {
	"mem-read", "mem-write", "mem-exec", "cr", "msr", "descriptor-table", "bad-call",
};

static const char *const meas_names[] = {
	"?", "policy", "protect-memory", "load-kdata", "module", "kexec", "lock-regs", "end-of-boot",
};

static uint32_t get32(const unsigned char *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint64_t get64(const unsigned char *p)
{
	return (uint64_t)get32(p) | (uint64_t)get32(p + 4) << 32;
}

/* Reads at most MAX_FILE bytes; returns the length or -1 (message printed). */
static long read_file(const char *path, unsigned char *buf)
{
	FILE *f = fopen(path, "rb");
	size_t n;

	if (!f) {
		fprintf(stderr, "vtlguardctl: %s: %s\n", path, strerror(errno));
		return -1;
	}
	n = fread(buf, 1, MAX_FILE, f);
	if (ferror(f)) {
		fprintf(stderr, "vtlguardctl: %s: read error\n", path);
		fclose(f);
		return -1;
	}
	fclose(f);
	return (long)n;
}

/* A NUL-terminated copy of a fixed field, printable ASCII only. */
static void field_str(char *out, const unsigned char *p, size_t n)
{
	size_t i;

	for (i = 0; i < n && p[i]; i++)
		out[i] = p[i] >= 0x20 && p[i] < 0x7f && p[i] != '"' && p[i] != '\\' ? (char)p[i] : '?';
	out[i] = 0;
}

static int show_violations(const unsigned char *b, long len, int json)
{
	uint32_t nrec, i;

	if (len < (long)VIOL_HDR || memcmp(b, "VTLGVIOL", 8) != 0 || get32(b + 8) != 1 ||
	    get32(b + 12) != VIOL_REC || get32(b + 16) != VIOL_CLASSES) {
		fprintf(stderr, "vtlguardctl: violations: not a version-1 GET_VIOLATIONS answer\n");
		return 1;
	}
	nrec = get32(b + 20);
	if (nrec > ((uint64_t)len - VIOL_HDR) / VIOL_REC) {
		fprintf(stderr, "vtlguardctl: violations: %u records announced, %ld bytes read\n",
			nrec, len);
		return 1;
	}
	if (json) {
		printf("{\"total\":%llu,\"counts\":{", (unsigned long long)get64(b + 24));
		for (i = 0; i < VIOL_CLASSES; i++)
			printf("%s\"%s\":%llu", i ? "," : "", class_names[i],
			       (unsigned long long)get64(b + 32 + 8 * i));
		printf("},\"records\":[");
	} else {
		printf("violations: %llu in total\n", (unsigned long long)get64(b + 24));
		for (i = 0; i < VIOL_CLASSES; i++)
			printf("  %-17s %llu\n", class_names[i],
			       (unsigned long long)get64(b + 32 + 8 * i));
		printf("most recent %u record(s), oldest first:\n", nrec);
	}
	for (i = 0; i < nrec; i++) {
		const unsigned char *r = b + VIOL_HDR + (size_t)i * VIOL_REC;
		uint32_t cls = get32(r + 16);
		const char *cname = cls < VIOL_CLASSES ? class_names[cls] : "unknown";
		char rule[41];

		field_str(rule, r + 72, 40);
		if (json)
			printf("%s{\"seq\":%llu,\"class\":\"%s\",\"vp\":%u,\"rip\":%llu,\"addr\":%llu,"
			       "\"attempted\":%llu,\"expected\":%llu,\"mask\":%llu,\"denied\":%s,"
			       "\"rule\":\"%s\"}",
			       i ? "," : "", (unsigned long long)get64(r), cname, get32(r + 20),
			       (unsigned long long)get64(r + 24), (unsigned long long)get64(r + 32),
			       (unsigned long long)get64(r + 40), (unsigned long long)get64(r + 48),
			       (unsigned long long)get64(r + 56), r[64] ? "true" : "false", rule);
		else
			printf("  #%llu %-16s vp%u rip=%#llx addr=%#llx attempted=%#llx expected=%#llx "
			       "mask=%#llx %s rule=%s\n",
			       (unsigned long long)get64(r), cname, get32(r + 20),
			       (unsigned long long)get64(r + 24), (unsigned long long)get64(r + 32),
			       (unsigned long long)get64(r + 40), (unsigned long long)get64(r + 48),
			       (unsigned long long)get64(r + 56), r[64] ? "denied" : "audited", rule);
	}
	if (json)
		printf("]}");
	return 0;
}

static void hex32(char *out, const unsigned char *p)
{
	for (int i = 0; i < 32; i++)
		snprintf(out + 2 * i, 3, "%02x", p[i]);
}

static int show_measurements(const unsigned char *b, long len, int json)
{
	uint32_t n, i;
	char agg[65];

	if (len < (long)MEAS_HDR || memcmp(b, "VTLGMLOG", 8) != 0 || get32(b + 8) != 1 ||
	    get32(b + 12) != MEAS_ENT) {
		fprintf(stderr, "vtlguardctl: measurements: not a version-1 GET_MEASUREMENTS answer\n");
		return 1;
	}
	n = get32(b + 16);
	if (n > ((uint64_t)len - MEAS_HDR) / MEAS_ENT) {
		fprintf(stderr, "vtlguardctl: measurements: %u entries announced, %ld bytes read\n",
			n, len);
		return 1;
	}
	hex32(agg, b + 32);
	if (json)
		printf("{\"count\":%u,\"dropped\":%u,\"aggregate\":\"%s\",\"entries\":[", n,
		       get32(b + 20), agg);
	else
		printf("measurements: %u entr%s (%u dropped), aggregate %s\n", n, n == 1 ? "y" : "ies",
		       get32(b + 20), agg);
	for (i = 0; i < n; i++) {
		const unsigned char *e = b + MEAS_HDR + (size_t)i * MEAS_ENT;
		uint32_t t = get32(e);
		const char *tn = t < sizeof(meas_names) / sizeof(meas_names[0]) ? meas_names[t] : "?";
		char d[65];

		hex32(d, e + 24);
		if (json)
			printf("%s{\"type\":%u,\"name\":\"%s\",\"arg0\":%llu,\"arg1\":%llu,"
			       "\"digest\":\"%s\"}",
			       i ? "," : "", t, tn, (unsigned long long)get64(e + 8),
			       (unsigned long long)get64(e + 16), d);
		else
			printf("  %3u %-15s arg0=%-#10llx arg1=%-#10llx sha256=%s\n", i, tn,
			       (unsigned long long)get64(e + 8), (unsigned long long)get64(e + 16), d);
	}
	if (json)
		printf("]}");
	return 0;
}

static void usage(FILE *f)
{
	fprintf(f, "usage: vtlguardctl [--json] [--dir DIR] [violations|measurements|all]\n"
		   "Print what vtlguard in VTL1 refused (violations) and measured.\n"
		   "  --json       one JSON object instead of text\n"
		   "  --dir DIR    read DIR/violations and DIR/measurements\n"
		   "               (default /sys/kernel/security/vtlguard)\n"
		   "  --help       this text;  --version  the version\n"
		   "The per-class counts are VTL1's own counters since it booted: every\n"
		   "refusal VTL1 made counts, a repeated attempt again (no deduplication;\n"
		   "the rate limit only thins VTL1's console lines).  The records are only\n"
		   "the most recent ones VTL1 keeps (64).  A fault VTL1 never judged is not\n"
		   "counted: e.g. a MOV to CR4 setting a bit the CPU lacks, which the CPU\n"
		   "(or the hypervisor for it) refuses first.\n"
		   "Exit status: 0 ok, 1 unreadable or malformed data, 2 usage error.\n");
}

int main(int argc, char **argv)
{
	const char *dir = "/sys/kernel/security/vtlguard", *what = "all";
	int json = 0, rc = 0, want_v, want_m;
	static unsigned char buf[MAX_FILE];
	char path[4096];
	long n;

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--json")) {
			json = 1;
		} else if (!strcmp(argv[i], "--dir") && i + 1 < argc) {
			dir = argv[++i];
		} else if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
			usage(stdout);
			return 0;
		} else if (!strcmp(argv[i], "--version")) {
			printf("vtlguardctl (vtlguard) %s\n", VTLGUARD_VERSION);
			return 0;
		} else if (argv[i][0] != '-' && (!strcmp(argv[i], "violations") ||
						 !strcmp(argv[i], "measurements") ||
						 !strcmp(argv[i], "all"))) {
			what = argv[i];
		} else {
			fprintf(stderr, "vtlguardctl: unknown argument '%s'\n", argv[i]);
			usage(stderr);
			return 2;
		}
	}
	want_v = strcmp(what, "measurements") != 0;
	want_m = strcmp(what, "violations") != 0;
	if (json && want_v && want_m)
		printf("{\"violations\":");
	if (want_v) {
		snprintf(path, sizeof(path), "%s/violations", dir);
		n = read_file(path, buf);
		rc |= n < 0 ? 1 : show_violations(buf, n, json);
	}
	if (json && want_v && want_m)
		printf(",\"measurements\":");
	if (want_m) {
		snprintf(path, sizeof(path), "%s/measurements", dir);
		n = read_file(path, buf);
		rc |= n < 0 ? 1 : show_measurements(buf, n, json);
	}
	if (json && want_v && want_m)
		printf("}");
	if (json)
		printf("\n");
	return rc;
}
