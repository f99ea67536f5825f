// SPDX-License-Identifier: MIT
/*
 * modcheck: check Linux module signatures (and, with --kexec, Authenticode
 * signatures of PE kernel images) offline with the exact code VTL1 runs.
 *
 *   modcheck [--cert FILE]... [--revoked FILE]... [--secondary FILE]...
 *            [--blocklist HASHES.txt] [--kexec IMAGE]... [-v] MODULE.ko...
 *
 * Certificates may be DER (one or several concatenated) or PEM.  The
 * blocklist file holds one hash per line: "bin:<hex>", "tbs:<hex>" or bare
 * hex (= bin); '#' starts a comment.  For each input one line is printed:
 * "OK <signer> <hash>" or "FAIL <reason>", prefixed with "<file>: " when more
 * than one input is given.  The exit status is 1 if any input failed, 2 on a
 * usage or trust-store error.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/log.h"
#include "vtl_protect/modval/authenticode.h"
#include "vtl_protect/modval/modsig.h"
#include "vtl_protect/modval/trust.h"

#define MAX_INPUTS 256

static struct modval_trust trust;

static void stderr_sink(enum log_level lvl, const char *line, size_t len)
{
	(void)lvl;
	fprintf(stderr, "%.*s\n", (int)len, line);
}

/* Whole file into memory; refuses files larger than `max` before reading. */
static uint8_t *read_file(const char *path, size_t *len, size_t max, const char **why)
{
	FILE *f = fopen(path, "rb");
	uint8_t *buf;
	long n;

	*why = "cannot read file";
	if (!f)
		return NULL;
	if (fseek(f, 0, SEEK_END) || (n = ftell(f)) < 0 || fseek(f, 0, SEEK_SET)) {
		fclose(f);
		return NULL;
	}
	if ((unsigned long)n > max) {
		*why = "file larger than the validation limit";
		fclose(f);
		return NULL;
	}
	buf = malloc((size_t)n ? (size_t)n : 1);
	if (!buf || fread(buf, 1, (size_t)n, f) != (size_t)n) {
		free(buf);
		fclose(f);
		return NULL;
	}
	fclose(f);
	*len = (size_t)n;
	return buf;
}

static int b64val(int ch)
{
	if (ch >= 'A' && ch <= 'Z')
		return ch - 'A';
	if (ch >= 'a' && ch <= 'z')
		return ch - 'a' + 26;
	if (ch >= '0' && ch <= '9')
		return ch - '0' + 52;
	if (ch == '+')
		return 62;
	if (ch == '/')
		return 63;
	return -1;
}

/* PEM -> concatenated DER of every CERTIFICATE block; returns DER length. */
static size_t pem_to_der(const uint8_t *in, size_t len, uint8_t *out)
{
	static const char begin[] = "-----BEGIN CERTIFICATE-----";
	static const char end[] = "-----END CERTIFICATE-----";
	const char *p = (const char *)in, *stop = p + len;
	size_t o = 0;

	for (;;) {
		const char *b = memmem(p, (size_t)(stop - p), begin, sizeof(begin) - 1);
		const char *e;
		unsigned int acc = 0, bits = 0;

		if (!b)
			break;
		b += sizeof(begin) - 1;
		e = memmem(b, (size_t)(stop - b), end, sizeof(end) - 1);
		if (!e)
			break;
		for (; b < e; b++) {
			int v = b64val((unsigned char)*b);

			if (v < 0)
				continue;
			acc = (acc << 6) | (unsigned int)v;
			bits += 6;
			if (bits >= 8) {
				bits -= 8;
				out[o++] = (uint8_t)(acc >> bits);
			}
		}
		p = e + sizeof(end) - 1;
	}
	return o;
}

typedef int (*add_fn)(struct modval_trust *, const void *, size_t, const char **);

static int load_certs(const char *path, add_fn add, const char *what)
{
	size_t len, dlen;
	const char *why = "?";
	uint8_t *buf = read_file(path, &len, 1 << 20, &why);
	int err;

	if (!buf) {
		fprintf(stderr, "modcheck: %s '%s': %s\n", what, path, why);
		return -1;
	}
	dlen = len;
	if (memmem(buf, len, "-----BEGIN", 10)) {
		uint8_t *der = malloc(len);

		if (!der) {
			free(buf);
			return -1;
		}
		dlen = pem_to_der(buf, len, der);
		free(buf);
		buf = der;
	}
	err = add(&trust, buf, dlen, &why);
	free(buf);
	if (err) {
		fprintf(stderr, "modcheck: %s '%s' refused: %s\n", what, path, why);
		return -1;
	}
	return 0;
}

static int load_blocklist(const char *path)
{
	size_t len;
	const char *why;
	uint8_t *buf = read_file(path, &len, 1 << 20, &why);
	char *p, *end;
	int lineno = 0;

	if (!buf) {
		fprintf(stderr, "modcheck: blocklist '%s': %s\n", path, why);
		return -1;
	}
	p = (char *)buf;
	end = p + len;
	while (p < end) {
		char *nl = memchr(p, '\n', (size_t)(end - p));
		char *le = nl ? nl : end;

		lineno++;
		while (p < le && (*p == ' ' || *p == '\t'))
			p++;
		char *q = le;
		while (q > p && (q[-1] == ' ' || q[-1] == '\t' || q[-1] == '\r'))
			q--;
		if (q > p && *p != '#' &&
		    modval_trust_add_blocked_str(&trust, p, (size_t)(q - p), &why)) {
			fprintf(stderr, "modcheck: %s:%d: %s\n", path, lineno, why);
			free(buf);
			return -1;
		}
		p = le + 1;
	}
	free(buf);
	return 0;
}

static int add_secondary(struct modval_trust *t, const void *d, size_t l, const char **why)
{
	return modval_trust_add_secondary(t, d, l, why);
}

static void usage(void)
{
	fprintf(stderr,
		"usage: modcheck [--cert FILE]... [--revoked FILE]... [--secondary FILE]...\n"
		"                [--blocklist HASHES.txt] [--kexec IMAGE]... [-v] MODULE.ko...\n");
}

int main(int argc, char **argv)
{
	const char *inputs[MAX_INPUTS];
	bool is_pe[MAX_INPUTS];
	const char *secondary[16];
	int ninputs = 0, nsec = 0, failed = 0;

	modval_trust_init(&trust);
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		const char *v = i + 1 < argc ? argv[i + 1] : NULL;

		if (!strcmp(a, "-v")) {
			log_add_sink(stderr_sink);
			log_set_level(LOG_DEBUG);
		} else if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
			usage();
			return 0;
		} else if (!strcmp(a, "--cert") || !strcmp(a, "--revoked") ||
			   !strcmp(a, "--blocklist") || !strcmp(a, "--kexec") ||
			   !strcmp(a, "--secondary")) {
			if (!v) {
				usage();
				return 2;
			}
			i++;
			if (!strcmp(a, "--cert") &&
			    load_certs(v, modval_trust_add_certs, "certificate"))
				return 2;
			if (!strcmp(a, "--revoked") &&
			    load_certs(v, modval_trust_add_revoked, "revocation certificate"))
				return 2;
			if (!strcmp(a, "--blocklist") && load_blocklist(v))
				return 2;
			if (!strcmp(a, "--secondary")) {
				if (nsec >= 16)
					return 2;
				secondary[nsec++] = v;
			}
			if (!strcmp(a, "--kexec")) {
				if (ninputs >= MAX_INPUTS)
					return 2;
				is_pe[ninputs] = true;
				inputs[ninputs++] = v;
			}
		} else if (a[0] == '-' && a[1]) {
			usage();
			return 2;
		} else {
			if (ninputs >= MAX_INPUTS)
				return 2;
			is_pe[ninputs] = false;
			inputs[ninputs++] = a;
		}
	}
	if (!ninputs) {
		usage();
		return 2;
	}
	/* Secondary keys arrive after end of boot, as COPY_SECONDARY_KEY does. */
	modval_trust_seal(&trust);
	for (int i = 0; i < nsec; i++)
		if (load_certs(secondary[i], add_secondary, "secondary key"))
			return 2;

	for (int i = 0; i < ninputs; i++) {
		size_t len;
		const char *signer = NULL, *reason;
		uint8_t *buf = read_file(inputs[i], &len,
					 is_pe[i] ? AUTHENTICODE_MAX_IMAGE : MODSIG_MAX_MODULE, &reason);
		enum modval_hash hash = MODVAL_HASH_NONE;
		int err = -1;

		if (buf && !is_pe[i]) {
			struct modsig_result r;

			err = modsig_verify(&trust, buf, len, &r);
			reason = r.reason;
			hash = r.hash;
			signer = r.signer ? r.signer->cn : NULL;
		} else if (buf) {
			struct authenticode_result r;

			err = authenticode_verify(&trust, buf, len, &r);
			reason = r.reason;
			hash = r.hash;
			signer = r.signer ? r.signer->cn : NULL;
		}
		if (ninputs > 1)
			printf("%s: ", inputs[i]);
		if (!err)
			printf("OK %s %s\n", signer, modval_hash_name(hash));
		else {
			printf("FAIL %s\n", reason ? reason : "unknown error");
			failed++;
		}
		free(buf);
	}
	return failed ? 1 : 0;
}
