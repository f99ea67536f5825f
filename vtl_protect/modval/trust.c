// SPDX-License-Identifier: MIT
/*
 * Trust store (see trust.h).  BearSSL's X.509 decoder gives us the public
 * key; issuer, serial, subject, subjectKeyIdentifier and the TBS bytes come
 * from our own bounded DER walk of the certificate, because that is what a
 * PKCS#7 SignerInfo names its signer by.
 */
#include <string.h>

#include "core/errno.h"
#include "core/log.h"
#include "vtl_protect/modval/der.h"
#include "vtl_protect/modval/oids.h"
#include "vtl_protect/modval/trust.h"

/* The pieces of a certificate the store needs, pointing into its DER. */
struct cert_parts {
	struct der_tlv tbs, serial, issuer, subject, sigalg, sigval;
	struct der_tlv skid;        /* OCTET STRING contents; len 0 if absent */
};

static int find_skid(const struct der_tlv *exts_explicit, struct der_tlv *skid)
{
	struct der_cursor c, list;
	struct der_tlv ext;
	int err;

	err = der_enter(exts_explicit, &c);
	if (!err)
		err = der_expect_enter(&c, DER_SEQUENCE, &list);
	if (err)
		return err;
	while (!der_empty(&list)) {
		struct der_cursor ec, vc;
		struct der_tlv oid, t, val;

		err = der_expect(&list, DER_SEQUENCE, &ext);
		if (!err)
			err = der_enter(&ext, &ec);
		if (!err)
			err = der_expect(&ec, DER_OID, &oid);
		if (err)
			return err;
		err = der_next(&ec, &t);
		if (!err && t.tag == DER_BOOLEAN)
			err = der_next(&ec, &t);
		if (err || t.tag != DER_OCTET_STRING || !der_empty(&ec))
			return -EBADMSG;
		if (!DER_OID_IS(&oid, OID_EXT_SKID))
			continue;
		der_init(&vc, t.val, t.len);
		vc.depth = t.depth + 1;
		if (der_expect(&vc, DER_OCTET_STRING, &val) || !der_empty(&vc))
			return -EBADMSG;
		*skid = val;
	}
	return 0;
}

static int cert_walk(const uint8_t *der, size_t len, struct cert_parts *p, const char **why)
{
	struct der_cursor top, cert, tbs;
	struct der_tlv t;
	uint8_t tag;

	memset(p, 0, sizeof(*p));
	*why = "malformed certificate DER";
	der_init(&top, der, len);
	if (der_expect_enter(&top, DER_SEQUENCE, &cert) || !der_empty(&top))
		return -EBADMSG;
	if (der_expect(&cert, DER_SEQUENCE, &p->tbs) || der_enter(&p->tbs, &tbs))
		return -EBADMSG;
	if (der_expect(&cert, DER_SEQUENCE, &p->sigalg) ||
	    der_expect(&cert, DER_BIT_STRING, &p->sigval) || !der_empty(&cert))
		return -EBADMSG;

	if (der_peek_tag(&tbs, &tag) == 0 && tag == DER_CTX_CONS(0) && der_next(&tbs, &t))
		return -EBADMSG;
	if (der_expect(&tbs, DER_INTEGER, &p->serial) ||
	    der_expect(&tbs, DER_SEQUENCE, &t) ||            /* signature */
	    der_expect(&tbs, DER_SEQUENCE, &p->issuer) ||
	    der_expect(&tbs, DER_SEQUENCE, &t) ||            /* validity */
	    der_expect(&tbs, DER_SEQUENCE, &p->subject) ||
	    der_expect(&tbs, DER_SEQUENCE, &t))              /* subjectPublicKeyInfo */
		return -EBADMSG;
	while (!der_empty(&tbs)) {
		if (der_next(&tbs, &t))
			return -EBADMSG;
		if (t.tag == DER_CTX_CONS(3) && find_skid(&t, &p->skid))
			return -EBADMSG;
	}
	*why = NULL;
	return 0;
}

/* Copy the first CN of a DER Name as printable ASCII. */
static void name_cn(const struct der_tlv *name, char *out, size_t outsz)
{
	struct der_cursor rdns, set, atv;
	struct der_tlv rdn, a, oid, val;

	out[0] = '\0';
	if (der_enter(name, &rdns))
		return;
	while (der_next(&rdns, &rdn) == 0) {
		if (rdn.tag != DER_SET || der_enter(&rdn, &set))
			return;
		while (der_next(&set, &a) == 0) {
			if (a.tag != DER_SEQUENCE || der_enter(&a, &atv) ||
			    der_expect(&atv, DER_OID, &oid) || der_next(&atv, &val))
				return;
			if (!DER_OID_IS(&oid, OID_CN))
				continue;
			size_t n = MIN(val.len, outsz - 1);
			for (size_t i = 0; i < n; i++) {
				uint8_t ch = val.val[i];
				/* Spaces too become '_' so tools can split on blanks. */
				out[i] = (ch > 0x20 && ch < 0x7f) ? (char)ch : '_';
			}
			out[n] = '\0';
			return;
		}
	}
}

int modval_cert_parse(struct modval_cert *c, const uint8_t *der, size_t len, const char **why)
{
	br_x509_decoder_context dc;
	const br_x509_pkey *pk;
	struct cert_parts p;
	int err;

	memset(c, 0, sizeof(*c));
	if (len > MODVAL_MAX_CERT_SIZE) {
		*why = "certificate larger than 8 KiB";
		return -E2BIG;
	}
	err = cert_walk(der, len, &p, why);
	if (err)
		return err;
	if (p.issuer.tlv_len > MODVAL_MAX_NAME || p.subject.tlv_len > MODVAL_MAX_NAME) {
		*why = "certificate name longer than 512 bytes";
		return -E2BIG;
	}
	if (p.serial.len == 0 || p.serial.len > MODVAL_MAX_SERIAL) {
		*why = "certificate serial number empty or longer than 32 bytes";
		return -EBADMSG;
	}
	if (p.skid.len > MODVAL_MAX_SKID) {
		*why = "subjectKeyIdentifier longer than 64 bytes";
		return -EBADMSG;
	}

	br_x509_decoder_init(&dc, NULL, NULL);
	br_x509_decoder_push(&dc, der, len);
	pk = br_x509_decoder_get_pkey(&dc);
	if (!pk) {
		*why = "BearSSL X.509 decoder rejected the certificate";
		return -EBADMSG;
	}
	err = modval_key_from_br(&c->key, pk, why);
	if (err)
		return err;

	memcpy(c->issuer, p.issuer.tlv, p.issuer.tlv_len);
	c->issuer_len = p.issuer.tlv_len;
	memcpy(c->subject, p.subject.tlv, p.subject.tlv_len);
	c->subject_len = p.subject.tlv_len;
	memcpy(c->serial, p.serial.val, p.serial.len);
	c->serial_len = p.serial.len;
	if (p.skid.len)
		memcpy(c->skid, p.skid.val, p.skid.len);
	c->skid_len = p.skid.len;
	modval_digest(MODVAL_HASH_SHA256, p.tbs.tlv, p.tbs.tlv_len, c->tbs_sha256);
	name_cn(&p.subject, c->cn, sizeof(c->cn));
	if (!c->cn[0]) {
		c->cn[0] = '?';
		c->cn[1] = '\0';
	}
	return 0;
}

void modval_trust_init(struct modval_trust *t)
{
	memset(t, 0, sizeof(*t));
}

void modval_trust_seal(struct modval_trust *t)
{
	t->sealed = true;
}

/* Parse concatenated certificates into arr[*n..max), committing on success. */
static int add_cert_list(struct modval_cert *arr, unsigned int *n, unsigned int max,
			 const void *der, size_t len, const char **why)
{
	struct der_cursor c;
	struct der_tlv t;
	unsigned int k = *n;

	der_init(&c, der, len);
	if (der_empty(&c)) {
		*why = "empty certificate list";
		return -EINVAL;
	}
	while (!der_empty(&c)) {
		/* Walk the outer SEQUENCE lengths to split the blob. */
		if (der_next(&c, &t) || t.tag != DER_SEQUENCE) {
			*why = "certificate list: bad DER element";
			return -EBADMSG;
		}
		if (k >= max) {
			*why = "too many certificates";
			return -ENOSPC;
		}
		int err = modval_cert_parse(&arr[k], t.tlv, t.tlv_len, why);

		if (err)
			return err;
		k++;
	}
	*n = k;
	return 0;
}

int modval_trust_add_certs(struct modval_trust *t, const void *der, size_t len, const char **why)
{
	if (t->sealed) {
		*why = "system certificates are locked after end of boot";
		return -EPERM;
	}
	return add_cert_list(t->certs, &t->ncerts, MODVAL_MAX_CERTS, der, len, why);
}

int modval_trust_add_revoked(struct modval_trust *t, const void *der, size_t len, const char **why)
{
	if (t->sealed) {
		*why = "revocation certificates are locked after end of boot";
		return -EPERM;
	}
	return add_cert_list(t->revoked, &t->nrevoked, MODVAL_MAX_REVOKED, der, len, why);
}

static int hexval(char ch)
{
	if (ch >= '0' && ch <= '9')
		return ch - '0';
	if (ch >= 'a' && ch <= 'f')
		return ch - 'a' + 10;
	if (ch >= 'A' && ch <= 'F')
		return ch - 'A' + 10;
	return -1;
}

int modval_trust_add_blocked_str(struct modval_trust *t, const char *s, size_t len,
				 const char **why)
{
	struct modval_blocked b = { .kind = MODVAL_BLOCK_BIN };

	if (t->sealed) {
		*why = "blocklist is locked after end of boot";
		return -EPERM;
	}
	if (len >= 4 && memcmp(s, "bin:", 4) == 0) {
		s += 4;
		len -= 4;
	} else if (len >= 4 && memcmp(s, "tbs:", 4) == 0) {
		b.kind = MODVAL_BLOCK_TBS;
		s += 4;
		len -= 4;
	}
	if (len != 64 && len != 96 && len != 128) {
		*why = "blocklist hash must be 64, 96 or 128 hex digits";
		return -EINVAL;
	}
	for (size_t i = 0; i < len; i += 2) {
		int hi = hexval(s[i]), lo = hexval(s[i + 1]);

		if (hi < 0 || lo < 0) {
			*why = "blocklist hash has a non-hex character";
			return -EINVAL;
		}
		b.hash[i / 2] = (uint8_t)(hi << 4 | lo);
	}
	b.len = (uint8_t)(len / 2);
	if (t->nblocked >= MODVAL_MAX_BLOCKED) {
		*why = "blocklist full";
		return -ENOSPC;
	}
	t->blocked[t->nblocked++] = b;
	return 0;
}

int modval_trust_add_blocklist_slots(struct modval_trust *t, const void *buf, size_t len,
				     const char **why)
{
	const char *p = buf;
	unsigned int start = t->nblocked;

	if (len == 0 || len % MODVAL_BLOCKLIST_SLOT) {
		*why = "blocklist payload is not a whole number of 133-byte slots";
		return -EINVAL;
	}
	for (size_t off = 0; off < len; off += MODVAL_BLOCKLIST_SLOT) {
		const char *slot = p + off;
		size_t n = 0;
		int err;

		while (n < MODVAL_BLOCKLIST_SLOT && slot[n])
			n++;
		if (n == MODVAL_BLOCKLIST_SLOT) {
			*why = "blocklist slot is not NUL-terminated";
			t->nblocked = start;
			return -EINVAL;
		}
		err = modval_trust_add_blocked_str(t, slot, n, why);
		if (err) {
			t->nblocked = start;
			return err;
		}
	}
	return 0;
}

static bool same_key(const struct modval_key *a, const struct modval_key *b)
{
	if (a->type != b->type)
		return false;
	if (a->type == MODVAL_KEY_RSA)
		return a->nlen == b->nlen && memcmp(a->n, b->n, a->nlen) == 0 &&
		       a->elen == b->elen && memcmp(a->e, b->e, a->elen) == 0;
	return a->curve == b->curve && a->qlen == b->qlen && memcmp(a->q, b->q, a->qlen) == 0;
}

bool modval_trust_hash_blocked(const struct modval_trust *t, enum modval_block_kind kind,
			       const uint8_t *hash, size_t len)
{
	for (unsigned int i = 0; i < t->nblocked; i++) {
		const struct modval_blocked *b = &t->blocked[i];

		if (b->kind == kind && b->len == len && memcmp(b->hash, hash, len) == 0)
			return true;
	}
	return false;
}

bool modval_trust_cert_refused(const struct modval_trust *t, const struct modval_cert *c)
{
	for (unsigned int i = 0; i < t->nrevoked; i++) {
		const struct modval_cert *r = &t->revoked[i];

		if (memcmp(r->tbs_sha256, c->tbs_sha256, 32) == 0 || same_key(&r->key, &c->key))
			return true;
		if (r->issuer_len == c->issuer_len && r->serial_len == c->serial_len &&
		    memcmp(r->issuer, c->issuer, c->issuer_len) == 0 &&
		    memcmp(r->serial, c->serial, c->serial_len) == 0)
			return true;
	}
	return modval_trust_hash_blocked(t, MODVAL_BLOCK_TBS, c->tbs_sha256, 32);
}

/* Entry i of the signer candidates: system certs, then secondary keys. */
static const struct modval_cert *candidate(const struct modval_trust *t, unsigned int i)
{
	return i < t->ncerts ? &t->certs[i] : &t->secondary[i - t->ncerts];
}

const struct modval_cert *modval_trust_find_issuer_serial(const struct modval_trust *t,
							  const uint8_t *issuer, size_t issuer_len,
							  const uint8_t *serial, size_t serial_len)
{
	for (unsigned int i = 0; i < t->ncerts + t->nsecondary; i++) {
		const struct modval_cert *c = candidate(t, i);

		if (c->issuer_len == issuer_len && memcmp(c->issuer, issuer, issuer_len) == 0 &&
		    c->serial_len == serial_len && memcmp(c->serial, serial, serial_len) == 0)
			return c;
	}
	return NULL;
}

const struct modval_cert *modval_trust_find_skid(const struct modval_trust *t,
						 const uint8_t *skid, size_t skid_len)
{
	for (unsigned int i = 0; i < t->ncerts + t->nsecondary; i++) {
		const struct modval_cert *c = candidate(t, i);

		if (c->skid_len && c->skid_len == skid_len && memcmp(c->skid, skid, skid_len) == 0)
			return c;
	}
	return NULL;
}

/* Verify that der (already parsed into c) is signed by `by`. */
static int cert_signed_by(const uint8_t *der, size_t len, const struct modval_cert *by,
			  const char **why)
{
	struct der_tlv oid, params;
	struct cert_parts p;
	enum modval_sig_kind kind;
	enum modval_hash h;
	uint8_t digest[MODVAL_MAX_DIGEST];
	int err;

	err = cert_walk(der, len, &p, why);
	if (!err && der_algid(&p.sigalg, &oid, &params)) {
		*why = "certificate signatureAlgorithm malformed";
		err = -EBADMSG;
	}
	if (!err)
		err = modval_sigalg_from_oid(&oid, &kind, &h, why);
	if (err)
		return err;
	if (h == MODVAL_HASH_NONE) {
		*why = "certificate signatureAlgorithm names no hash";
		return -EOPNOTSUPP;
	}
	/* BIT STRING: first byte is the count of unused bits, which must be 0. */
	if (p.sigval.len < 2 || p.sigval.val[0] != 0) {
		*why = "certificate signature BIT STRING malformed";
		return -EBADMSG;
	}
	modval_digest(h, p.tbs.tlv, p.tbs.tlv_len, digest);
	return modval_verify_digest(&by->key, kind, h, digest, p.sigval.val + 1,
				    p.sigval.len - 1, why);
}

int modval_trust_add_secondary(struct modval_trust *t, const void *der, size_t len,
			       const char **why)
{
	struct modval_cert *c;
	int err;

	if (t->nsecondary >= MODVAL_MAX_SECONDARY) {
		*why = "secondary key slots full";
		return -ENOSPC;
	}
	c = &t->secondary[t->nsecondary];
	err = modval_cert_parse(c, der, len, why);
	if (err)
		return err;
	if (modval_trust_cert_refused(t, c)) {
		*why = "secondary key certificate is revoked or blocklisted";
		return -EKEYREVOKED;
	}
	*why = "secondary key is not signed by any system certificate";
	err = -EKEYREJECTED;
	for (unsigned int i = 0; i < t->ncerts; i++) {
		const struct modval_cert *issuer = &t->certs[i];
		const char *w = NULL;

		if (issuer->subject_len != c->issuer_len ||
		    memcmp(issuer->subject, c->issuer, c->issuer_len) != 0)
			continue;
		if (modval_trust_cert_refused(t, issuer)) {
			*why = "secondary key's issuer is revoked";
			err = -EKEYREVOKED;
			continue;
		}
		if (cert_signed_by(der, len, issuer, &w) == 0) {
			t->nsecondary++;
			log_info("modval: secondary key '%s' added (signed by '%s')", c->cn,
				 issuer->cn);
			return 0;
		}
		*why = w;
	}
	return err;
}
