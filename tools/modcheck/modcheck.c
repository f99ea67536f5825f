// SPDX-License-Identifier: MIT
/*
 * modcheck: check Linux module signatures (and, with --kexec, Authenticode
 * signatures of PE kernel images) offline, with the exact validation code
 * VTL1 runs (vtl_protect/modval/).  The manual is tools/modcheck/modcheck.1;
 * `modcheck --help` summarises it.
 *
 * Without --loaded only the signature is checked: the signed file against
 * the trust store, and every OK line says "signature OK ... (signature
 * only)".  VTL1's VALIDATE_MODULE also compares the module as loaded into
 * memory with the signed ELF; `--loaded DIR --kallsyms SYMS` does that too,
 * on a dump of the loaded module, with the call VTL1 makes (loaded.c).
 *
 * No input count is fixed: inputs are checked one at a time as the command
 * line (or standard input, with --stdin or "-") names them.  The limits that
 * remain are VTL1's own (trust-store sizes, 256 MiB per module), and hitting
 * one is reported with the file and the reason.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/log.h"
#include "tools/modcheck/decompress.h"
#include "tools/modcheck/loaded.h"
#include "vtl_protect/modval/authenticode.h"
#include "vtl_protect/modval/der.h"
#include "vtl_protect/modval/modsig.h"
#include "vtl_protect/modval/pkcs7.h"
#include "vtl_protect/modval/trust.h"
#include "vtlguard/version.h"

/* Exit statuses (modcheck.1, EXIT STATUS). */
enum {
	EXIT_ALL_OK = 0,     /* every input's signature verified */
	EXIT_SOME_FAILED = 1,/* at least one input failed (each has a FAIL line) */
	EXIT_USAGE = 2,      /* bad command line or trust store: nothing checked */
};

static struct modval_trust trust;
static bool verbose, json;
static const char *loaded_dir, *kallsyms_path;   /* --loaded, --kallsyms */
static bool list_exports;                          /* --exports */

static void stderr_sink(enum log_level lvl, const char *line, size_t len)
{
	(void)lvl;
	fprintf(stderr, "%.*s\n", (int)len, line);
}

static void vnote(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void vnote(const char *fmt, ...)
{
	va_list ap;

	if (!verbose)
		return;
	va_start(ap, fmt);
	fputs("modcheck: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
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

/* Certificates are never compressed; 1 MiB holds any real bundle. */
#define CERT_FILE_MAX (1u << 20)

static uint8_t *read_plain(const char *path, size_t max, size_t *len, const char **why)
{
	enum mc_format fmt;
	bool io;
	uint8_t *buf = mc_read_input(path, max, len, &fmt, why, &io);

	if (buf && fmt != MC_RAW) {
		free(buf);
		*why = "compressed; give the uncompressed file";
		return NULL;
	}
	return buf;
}

static int load_certs(const char *path, add_fn add, const char *what)
{
	size_t len, dlen;
	const char *why = "?";
	uint8_t *buf = read_plain(path, CERT_FILE_MAX, &len, &why);
	int err;

	if (!buf) {
		fprintf(stderr, "modcheck: cannot read %s file %s: %s\n", what, path, why);
		return -1;
	}
	dlen = len;
	if (memmem(buf, len, "-----BEGIN", 10)) {
		uint8_t *der = malloc(len);

		if (!der) {
			free(buf);
			fprintf(stderr, "modcheck: %s file %s: out of memory\n", what, path);
			return -1;
		}
		dlen = pem_to_der(buf, len, der);
		free(buf);
		buf = der;
	}
	err = add(&trust, buf, dlen, &why);
	free(buf);
	if (err) {
		fprintf(stderr, "modcheck: %s file %s refused: %s\n", what, path, why);
		return -1;
	}
	vnote("trust store: %s file %s added", what, path);
	return 0;
}

static int load_blocklist(const char *path)
{
	size_t len;
	const char *why;
	uint8_t *buf = read_plain(path, CERT_FILE_MAX, &len, &why);
	char *p, *end;
	int lineno = 0, n = 0;

	if (!buf) {
		fprintf(stderr, "modcheck: cannot read blocklist file %s: %s\n", path, why);
		return -1;
	}
	p = (char *)buf;
	end = p + len;
	while (p < end) {
		char *nl = memchr(p, '\n', (size_t)(end - p));
		char *le = nl ? nl : end;
		char *q = le;

		lineno++;
		while (p < le && (*p == ' ' || *p == '\t'))
			p++;
		while (q > p && (q[-1] == ' ' || q[-1] == '\t' || q[-1] == '\r'))
			q--;
		if (q > p && *p != '#') {
			if (modval_trust_add_blocked_str(&trust, p, (size_t)(q - p), &why)) {
				fprintf(stderr, "modcheck: blocklist %s:%d: %s\n", path, lineno, why);
				free(buf);
				return -1;
			}
			n++;
		}
		p = le + 1;
	}
	free(buf);
	vnote("trust store: blocklist %s: %d hashes added", path, n);
	return 0;
}

static int add_secondary(struct modval_trust *t, const void *d, size_t l, const char **why)
{
	return modval_trust_add_secondary(t, d, l, why);
}

/* ------------------------------------------------------------- output */

/* Length of the well-formed UTF-8 sequence at s (1..4), or 0. */
static size_t utf8_len(const unsigned char *s)
{
	size_t n;

	if (s[0] < 0xc2 || s[0] > 0xf4)
		return 0; /* continuation byte, overlong lead, or beyond U+10FFFF */
	n = s[0] >= 0xf0 ? 4 : s[0] >= 0xe0 ? 3 : 2;
	for (size_t i = 1; i < n; i++)
		if ((s[i] & 0xc0) != 0x80)
			return 0;
	return n;
}

/*
 * A JSON string (quotes included) for a NUL-ended text that need not be
 * UTF-8 (file names are bytes): bytes that do not form UTF-8 become U+FFFD,
 * so every line stays valid JSON.
 */
static void json_str(const char *str)
{
	const unsigned char *s = (const unsigned char *)str;

	putchar('"');
	while (s && *s) {
		unsigned char ch = *s;
		size_t n;

		if (ch < 0x80) {
			if (ch == '"' || ch == '\\')
				printf("\\%c", ch);
			else if (ch < 0x20 || ch == 0x7f)
				printf("\\u%04x", ch);
			else
				putchar(ch);
			s++;
		} else if ((n = utf8_len(s)) != 0) {
			fwrite(s, 1, n, stdout);
			s += n;
		} else {
			fputs("\\ufffd", stdout);
			s++;
		}
	}
	putchar('"');
}

static void hex(char *out, size_t outsz, const uint8_t *b, size_t n)
{
	size_t o = 0;

	out[0] = 0;
	for (size_t i = 0; i < n && o + 3 <= outsz; i++)
		o += (size_t)snprintf(out + o, outsz - o, "%02x", b[i]);
}

/* Short names for the attribute types a signing certificate's issuer uses. */
static const struct {
	uint8_t oid[10];
	uint8_t len;
	const char *name;
} dn_attrs[] = {
	{ { 0x55, 0x04, 0x03 }, 3, "CN" },
	{ { 0x55, 0x04, 0x06 }, 3, "C" },
	{ { 0x55, 0x04, 0x07 }, 3, "L" },
	{ { 0x55, 0x04, 0x08 }, 3, "ST" },
	{ { 0x55, 0x04, 0x0a }, 3, "O" },
	{ { 0x55, 0x04, 0x0b }, 3, "OU" },
	{ { 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x09, 0x01 }, 9, "emailAddress" },
};

/* Render a DER Name as "CN=a, O=b" (unknown types as OID hex). */
static void dn_string(const struct der_tlv *name, char *out, size_t outsz)
{
	struct der_cursor rdns, set, atv;
	struct der_tlv rdn, oid, val;
	size_t o = 0;

	out[0] = 0;
	if (der_enter(name, &rdns))
		return;
	while (!der_next(&rdns, &rdn)) {
		if (der_enter(&rdn, &set))
			return;
		while (!der_expect_enter(&set, DER_SEQUENCE, &atv)) {
			const char *an = NULL;
			char oidhex[40];

			if (der_expect(&atv, DER_OID, &oid) || der_next(&atv, &val))
				return;
			for (size_t i = 0; i < sizeof(dn_attrs) / sizeof(dn_attrs[0]); i++)
				if (der_oid_is(&oid, dn_attrs[i].oid, dn_attrs[i].len))
					an = dn_attrs[i].name;
			if (!an) {
				hex(oidhex, sizeof(oidhex), oid.val, oid.len);
				an = oidhex;
			}
			if (o + 1 < outsz)
				o += (size_t)snprintf(out + o, outsz - o, "%s%s=", o ? ", " : "", an);
			for (size_t i = 0; i < val.len && o + 1 < outsz; i++) {
				unsigned char ch = val.val[i];

				out[o++] = (ch >= 0x20 && ch < 0x7f) ? (char)ch : '?';
			}
			if (o >= outsz)
				o = outsz - 1;
			out[o] = 0;
		}
	}
}

/* Who signed it, as the signature names the signer (for unknown signers). */
struct signer_id {
	bool known;            /* a SignerInfo was parsed */
	char issuer[256];
	char serial[2 * MODVAL_MAX_SERIAL + 1];
	char keyid[2 * MODVAL_MAX_SKID + 1];
};

static void describe_sig(const uint8_t *sig, size_t len, struct signer_id *id)
{
	struct pkcs7_signed s;
	struct der_cursor c;
	struct der_tlv whole;
	const char *why;

	memset(id, 0, sizeof(*id));
	der_init(&c, sig, len);
	if (der_next(&c, &whole) || pkcs7_parse(whole.tlv, whole.tlv_len, &s, &why))
		return;
	id->known = true;
	if (s.sid_is_skid) {
		hex(id->keyid, sizeof(id->keyid), s.sid_skid.val, s.sid_skid.len);
		return;
	}
	dn_string(&s.sid_issuer, id->issuer, sizeof(id->issuer));
	/* The serial as a number: without DER's sign-padding zero byte. */
	while (s.sid_serial.len > 1 && s.sid_serial.val[0] == 0) {
		s.sid_serial.val++;
		s.sid_serial.len--;
	}
	hex(id->serial, sizeof(id->serial), s.sid_serial.val, s.sid_serial.len);
}

/* The PKCS#7 of a module or a PE image, for describe_sig. */
static void find_signer(const uint8_t *buf, size_t len, bool pe, struct signer_id *id)
{
	const uint8_t *sig;
	size_t clen, slen, off, tlen;
	const char *why;
	uint8_t dummy[MODVAL_MAX_DIGEST];

	memset(id, 0, sizeof(*id));
	if (!pe) {
		if (!modsig_split(buf, len, &clen, &sig, &slen, &why))
			describe_sig(sig, slen, id);
		return;
	}
	/* WIN_CERTIFICATE: u32 length, u16 revision, u16 type, then PKCS#7. */
	if (!authenticode_digest(buf, len, MODVAL_HASH_NONE, dummy, &off, &tlen, &why) &&
	    tlen > 8 && off <= len && tlen <= len - off)
		describe_sig(buf + off + 8, tlen - 8, id);
}

struct result {
	const char *path;
	enum mc_format fmt;
	bool ok;
	bool read_failed;
	const char *reason;
	const char *signer;
	enum modval_hash hash;
	struct signer_id unknown; /* filled when the signer is not trusted */
};

static void print_result(const struct result *r)
{
	if (json) {
		printf("{\"file\":");
		json_str(r->path);
		printf(",\"format\":\"%s\",\"result\":\"%s\"", mc_format_name(r->fmt),
		       r->ok ? "signature-ok" : "fail");
		printf(",\"checked\":\"signature\"");
		if (r->ok) {
			printf(",\"signer\":");
			json_str(r->signer);
			printf(",\"digest\":\"%s\"", modval_hash_name(r->hash));
		} else {
			printf(",\"reason\":");
			if (r->read_failed) {
				char msg[512];

				snprintf(msg, sizeof(msg), "cannot read: %s", r->reason);
				json_str(msg);
			} else {
				json_str(r->reason);
			}
		}
		if (r->unknown.known) {
			printf(",\"unknownSigner\":{\"issuer\":");
			json_str(r->unknown.issuer);
			printf(",\"serial\":");
			json_str(r->unknown.serial);
			printf(",\"keyId\":");
			json_str(r->unknown.keyid);
			printf("}");
		}
		printf("}\n");
		return;
	}
	if (r->ok) {
		printf("%s: signature OK %s %s (signature only; the loaded bytes are checked "
		       "with --loaded)\n", r->path, r->signer, modval_hash_name(r->hash));
		return;
	}
	if (r->read_failed) {
		fprintf(stderr, "modcheck: cannot read %s: %s\n", r->path, r->reason);
		printf("%s: FAIL cannot read: %s\n", r->path, r->reason);
		return;
	}
	printf("%s: FAIL %s", r->path, r->reason);
	if (r->unknown.known) {
		if (r->unknown.keyid[0])
			printf(": key id %s (the signature names its signer by key id only)",
			       r->unknown.keyid);
		else
			printf(": issuer \"%s\", serial %s, no key id (the signature names its "
			       "signer by issuer and serial)",
			       r->unknown.issuer, r->unknown.serial);
	}
	putchar('\n');
}

/* Check one input; returns true if its signature verified. */
static bool check_one(const char *path, bool pe)
{
	struct result r = { .path = path, .hash = MODVAL_HASH_NONE };
	size_t len = 0;
	const char *why = NULL;
	uint8_t *buf = mc_read_input(path, pe ? AUTHENTICODE_MAX_IMAGE : MODSIG_MAX_MODULE, &len,
				     &r.fmt, &why, &r.read_failed);
	int err;

	if (!buf) {
		r.reason = why;
		print_result(&r);
		return false;
	}
	if (!pe) {
		struct modsig_result m;

		memset(&m, 0, sizeof(m));
		err = modsig_verify(&trust, buf, len, &m);
		r.reason = m.reason;
		r.hash = m.hash;
		r.signer = m.signer ? m.signer->cn : NULL;
		vnote("%s: module, %zu bytes%s; checked its appended PKCS#7 signature over %zu "
		      "content bytes against the trust store (%u certificates, %u secondary, %u "
		      "revoked, %u blocklisted hashes); the module's loaded bytes are not "
		      "checked by modcheck",
		      path, len,
		      r.fmt == MC_RAW ? "" : (r.fmt == MC_XZ ? " after xz" :
					      r.fmt == MC_ZSTD ? " after zstd" : " after gzip"),
		      m.content_len, trust.ncerts, trust.nsecondary, trust.nrevoked, trust.nblocked);
	} else {
		struct authenticode_result a;

		memset(&a, 0, sizeof(a));
		err = authenticode_verify(&trust, buf, len, &a);
		r.reason = a.reason;
		r.hash = a.hash;
		r.signer = a.signer ? a.signer->cn : NULL;
		vnote("%s: PE image, %zu bytes; checked its Authenticode signature and image "
		      "digest against the trust store (%u certificates)",
		      path, len, trust.ncerts);
	}
	r.ok = err == 0;
	if (!r.ok && !r.reason)
		r.reason = "unknown error";
	if (err == -ENOKEY)
		find_signer(buf, len, pe, &r.unknown);
	print_result(&r);
	free(buf);
	return r.ok;
}

static const char *region_name(unsigned int t)
{
	static const char *const n[] = { "Text", "Data", "RoData", "RoAfterInit", "InitText",
					 "InitData", "InitRoData" };

	return t < sizeof(n) / sizeof(n[0]) ? n[t] : "?";
}

static void print_loaded(const char *path, const struct loaded_result *r)
{
	char exp[2 * MODELF_REFUSAL_BYTES + 1], got[2 * MODELF_REFUSAL_BYTES + 1];

	hex(exp, sizeof(exp), r->ref.expected, r->ref.len);
	hex(got, sizeof(got), r->ref.found, r->ref.len);
	if (json) {
		printf("{\"file\":");
		json_str(path);
		printf(",\"checked\":\"loaded\",\"dump\":");
		json_str(loaded_dir);
		printf(",\"result\":\"%s\"", r->ok ? "ok" : "fail");
		if (r->ok) {
			printf(",\"signer\":");
			json_str(r->signer);
		} else {
			printf(",\"errno\":%d,\"reason\":", r->err);
			json_str(r->reason);
			if (r->detail[0]) {
				printf(",\"detail\":");
				json_str(r->detail);
			}
		}
		if (r->have_refusal) {
			printf(",\"refusal\":{\"region\":\"%s\",\"section\":",
			       region_name(r->ref.region));
			json_str(r->ref.section);
			printf(",\"offset\":%llu,\"site\":", (unsigned long long)r->ref.offset);
			json_str(r->ref.site ? r->ref.site : "none");
			printf(",\"expected\":\"%s\",\"found\":\"%s\"}", exp, got);
		}
		printf(",\"notChecked\":");
		json_str(r->not_checked);
		printf(",\"staticCallSites\":%ld", r->static_calls);
		printf("}\n");
		return;
	}
	if (r->ok)
		printf("%s: OK loaded %s (signature and loaded bytes, as VTL1 checks them)", path,
		       r->signer);
	else
		printf("%s: FAIL loaded: %s%s%s", path, r->reason, r->detail[0] ? ": " : "",
		       r->detail);
	if (r->have_refusal)
		printf("; section %s offset %#llx (%s), site %s: expected %s found %s",
		       r->ref.section[0] ? r->ref.section : "?",
		       (unsigned long long)r->ref.offset, region_name(r->ref.region),
		       r->ref.site ? r->ref.site : "none", exp, got);
	if (r->not_checked[0])
		printf("; not checked (no dump): %s", r->not_checked);
	putchar('\n');
}

/* --loaded: VTL1's whole VALIDATE_MODULE decision on a dumped module. */
static bool check_loaded(const char *path)
{
	enum mc_format fmt;
	bool io = false;
	size_t len = 0;
	const char *why = NULL;
	struct loaded_result r;
	uint8_t *buf = mc_read_input(path, MODSIG_MAX_MODULE, &len, &fmt, &why, &io);

	if (!buf) {
		fprintf(stderr, "modcheck: cannot read %s: %s\n", path, why);
		printf("%s: FAIL cannot read: %s\n", path, why);
		return false;
	}
	loaded_check(&trust, buf, len, loaded_dir, kallsyms_path, list_exports ? stdout : NULL,
		     &r);
	vnote("%s: loaded check against %s with %s: targets return_thunk %#llx "
	      "its_return_thunk %#llx indirect_thunk_array %#llx pv_nop %#llx pv_bug %#llx; "
	      "%u regions compared; %ld static-call sites (%s)", path, loaded_dir, kallsyms_path,
	      (unsigned long long)r.kernel.return_thunk,
	      (unsigned long long)r.kernel.its_return_thunk,
	      (unsigned long long)r.kernel.indirect_thunk_array,
	      (unsigned long long)r.kernel.pv_nop, (unsigned long long)r.kernel.pv_bug,
	      r.nregions_checked, r.static_calls, r.static_calls_why);
	print_loaded(path, &r);
	free(buf);
	return r.ok;
}

/* --stdin / "-": one path per line; empty lines are skipped. */
static int check_stdin(bool pe, int *failed)
{
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;
	int count = 0;

	while ((n = getline(&line, &cap, stdin)) >= 0) {
		while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
			line[--n] = 0;
		if (!n)
			continue;
		count++;
		if (!(loaded_dir && !pe ? check_loaded(line) : check_one(line, pe)))
			(*failed)++;
	}
	free(line);
	return count;
}

static void help(void)
{
	printf(
	"usage: modcheck [OPTION]... MODULE...\n"
	"       modcheck [OPTION]... --stdin    (or '-' as a MODULE: paths from stdin)\n"
	"\n"
	"       modcheck [OPTION]... --loaded DIR --kallsyms SYMS MODULE\n"
	"\n"
	"Checks Linux module signatures (.ko, .ko.xz, .ko.zst, .ko.gz) and, with --kexec,\n"
	"Authenticode signatures of PE kernel images, offline, with the validation code\n"
	"vtlguard runs in VTL1.  Without --loaded only the signature of each file is\n"
	"checked (OK lines say \"signature only\"); with --loaded, VTL1's whole\n"
	"VALIDATE_MODULE decision on the module as a running kernel loaded it.\n"
	"\n"
	"Trust store:\n"
	"  --cert FILE       trust the certificate(s) in FILE (DER, concatenated DER or\n"
	"                    PEM), like the kernel's built-in keys; repeatable\n"
	"  --revoked FILE    refuse signers matching these certificates; repeatable\n"
	"  --blocklist FILE  hashes to refuse, one per line: bin:HEX (module content),\n"
	"                    tbs:HEX (certificate), or bare HEX (= bin); '#' comments\n"
	"  --secondary FILE  a secondary key, accepted only when a --cert certificate\n"
	"                    signed it (as COPY_SECONDARY_KEY after end of boot)\n"
	"Inputs:\n"
	"  MODULE            a signed module, raw or compressed (told by its magic)\n"
	"  --kexec IMAGE     a signed PE kernel image (Authenticode)\n"
	"  --stdin, -        read module paths from standard input, one per line\n"
	"  --loaded DIR      check MODULE as loaded: DIR/sections.txt (NAME 0xADDR per\n"
	"                    line, as /sys/module/M/sections) and DIR/NAME.bin (each\n"
	"                    section's loaded bytes; a region with none, like freed\n"
	"                    init sections, is reported \"not checked\")\n"
	"  --kallsyms SYMS   /proc/kallsyms lines for what MODULE imports and the\n"
	"                    kernel's thunks (needed with --loaded)\n"
	"  --exports         with --loaded: first list the exports VTL1 keeps for\n"
	"                    modules loaded after MODULE (EXPORT NAME 0xADDRESS)\n"
	"Output:\n"
	"  --json            one JSON object per input on stdout, instead of text\n"
	"  -v, --verbose     say on stderr what was checked, and the validator's log\n"
	"  -h, --help        this text on stdout\n"
	"  --version         modcheck's and vtlguard's version\n"
	"\n"
	"Each input gives one line on stdout:\n"
	"  FILE: signature OK SIGNER DIGEST (signature only; ...)\n"
	"  FILE: OK loaded SIGNER (...)  or  FILE: FAIL loaded: REASON; section S offset\n"
	"        O (REGION), site KIND: expected HEX found HEX      (with --loaded)\n"
	"  FILE: FAIL REASON   (an untrusted signer is shown by issuer, serial, key id)\n"
	"Exit status: 0 every signature verified; 1 at least one input failed;\n"
	"2 bad command line or trust store (nothing was checked).  See modcheck(1).\n");
}

static void usage_error(const char *fmt, const char *arg)
{
	fputs("modcheck: ", stderr);
	fprintf(stderr, fmt, arg);
	fputs(" (modcheck --help lists the options)\n", stderr);
}

static bool takes_value(const char *a)
{
	return !strcmp(a, "--cert") || !strcmp(a, "--revoked") || !strcmp(a, "--blocklist") ||
	       !strcmp(a, "--kexec") || !strcmp(a, "--secondary") || !strcmp(a, "--loaded") ||
	       !strcmp(a, "--kallsyms");
}

int main(int argc, char **argv)
{
	int ninputs = 0, failed = 0, checked = 0;
	bool want_stdin = false, dashdash = false;

	modval_trust_init(&trust);
	/* Pass 1: options and the trust store, so that inputs come after it. */
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];

		if (dashdash || a[0] != '-' || !a[1]) {
			if (!strcmp(a, "-") && !dashdash)
				want_stdin = true;
			else
				ninputs++;
			continue;
		}
		if (!strcmp(a, "--")) {
			dashdash = true;
		} else if (!strcmp(a, "-v") || !strcmp(a, "--verbose")) {
			verbose = true;
			log_add_sink(stderr_sink);
			log_set_level(LOG_DEBUG);
		} else if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
			help();
			return EXIT_ALL_OK;
		} else if (!strcmp(a, "--version")) {
			printf("modcheck (vtlguard) %s, revision %s\n", VTLGUARD_VERSION,
			       VTLGUARD_REVISION);
			return EXIT_ALL_OK;
		} else if (!strcmp(a, "--exports")) {
			list_exports = true;
		} else if (!strcmp(a, "--json")) {
			json = true;
		} else if (!strcmp(a, "--stdin")) {
			want_stdin = true;
		} else if (takes_value(a)) {
			const char *v = i + 1 < argc ? argv[i + 1] : NULL;

			if (!v) {
				usage_error("option %s needs a FILE argument", a);
				return EXIT_USAGE;
			}
			i++;
			if (!strcmp(a, "--cert") &&
			    load_certs(v, modval_trust_add_certs, "certificate"))
				return EXIT_USAGE;
			if (!strcmp(a, "--revoked") &&
			    load_certs(v, modval_trust_add_revoked, "revocation certificate"))
				return EXIT_USAGE;
			if (!strcmp(a, "--blocklist") && load_blocklist(v))
				return EXIT_USAGE;
			if (!strcmp(a, "--kexec"))
				ninputs++;
			if (!strcmp(a, "--loaded"))
				loaded_dir = v;
			if (!strcmp(a, "--kallsyms"))
				kallsyms_path = v;
		} else {
			usage_error("unknown option '%s'", a);
			return EXIT_USAGE;
		}
	}
	if (!ninputs && !want_stdin) {
		usage_error("%s", "no MODULE given");
		return EXIT_USAGE;
	}
	if (!loaded_dir != !kallsyms_path) {
		usage_error("%s", "--loaded and --kallsyms go together");
		return EXIT_USAGE;
	}
	if (!trust.ncerts)
		fprintf(stderr, "modcheck: warning: no --cert given, so no signer is trusted\n");
	/* Secondary keys arrive after end of boot, as COPY_SECONDARY_KEY does. */
	modval_trust_seal(&trust);
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--"))
			break;
		if (takes_value(argv[i]) && i + 1 < argc) {
			if (!strcmp(argv[i], "--secondary") &&
			    load_certs(argv[i + 1], add_secondary, "secondary key"))
				return EXIT_USAGE;
			i++;
		}
	}

	/* Pass 2: the inputs, in command-line order. */
	dashdash = false;
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];

		if (!dashdash && !strcmp(a, "--")) {
			dashdash = true;
			continue;
		}
		if (!dashdash && takes_value(a)) {
			if (!strcmp(a, "--kexec")) {
				checked++;
				failed += !check_one(argv[i + 1], true);
			}
			i++;
			continue;
		}
		if (!dashdash && (!strcmp(a, "-") || !strcmp(a, "--stdin"))) {
			if (want_stdin) {
				checked += check_stdin(false, &failed);
				want_stdin = false; /* stdin is read once */
			}
			continue;
		}
		if (!dashdash && a[0] == '-' && a[1])
			continue;
		checked++;
		failed += !(loaded_dir ? check_loaded(a) : check_one(a, false));
	}
	vnote("%d inputs checked, %d failed", checked, failed);
	if (!checked) {
		fprintf(stderr, "modcheck: no module paths on standard input\n");
		return EXIT_USAGE;
	}
	return failed ? EXIT_SOME_FAILED : EXIT_ALL_OK;
}
