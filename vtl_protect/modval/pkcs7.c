// SPDX-License-Identifier: MIT
/* PKCS#7 SignedData parsing and signer verification (see pkcs7.h). */
#include <string.h>

#include "core/errno.h"
#include "vtl_protect/modval/oids.h"
#include "vtl_protect/modval/pkcs7.h"

#define BAD(msg)                          \
	do {                              \
		*why = (msg);             \
		return -EBADMSG;          \
	} while (0)

static int parse_attrs(struct pkcs7_signed *s, const char **why)
{
	struct der_cursor c;
	bool seen_ct = false, seen_md = false;

	if (der_enter(&s->attrs, &c))
		BAD("signedAttrs malformed");
	if (der_empty(&c))
		BAD("signedAttrs empty");
	while (!der_empty(&c)) {
		struct der_cursor ac, vc;
		struct der_tlv oid, val;

		if (der_expect_enter(&c, DER_SEQUENCE, &ac) || der_expect(&ac, DER_OID, &oid) ||
		    der_expect_enter(&ac, DER_SET, &vc) || !der_empty(&ac))
			BAD("signed attribute malformed");
		if (DER_OID_IS(&oid, OID_ATTR_MESSAGE_DIGEST)) {
			if (seen_md)
				BAD("duplicate messageDigest attribute");
			seen_md = true;
			if (der_expect(&vc, DER_OCTET_STRING, &val) || !der_empty(&vc))
				BAD("messageDigest attribute must hold one OCTET STRING");
			s->msg_digest = val;
		} else if (DER_OID_IS(&oid, OID_ATTR_CONTENT_TYPE)) {
			if (seen_ct)
				BAD("duplicate contentType attribute");
			seen_ct = true;
			if (der_expect(&vc, DER_OID, &val) || !der_empty(&vc))
				BAD("contentType attribute must hold one OID");
			if (val.len != s->econtent_type.len ||
			    memcmp(val.val, s->econtent_type.val, val.len) != 0)
				BAD("contentType attribute differs from eContentType");
		}
		/* Other attributes (signingTime, SMIMECapabilities...) are covered
		 * by the signature and carry no meaning for us. */
	}
	if (!seen_md)
		BAD("signedAttrs without messageDigest");
	return 0;
}

static int parse_signer(struct der_cursor *si, struct pkcs7_signed *s, const char **why)
{
	struct der_tlv t, oid, params;
	enum modval_hash implied;
	int err;

	if (der_expect(si, DER_INTEGER, &t))
		BAD("SignerInfo version missing");
	if (der_next(si, &t))
		BAD("SignerInfo sid missing");
	if (t.tag == DER_SEQUENCE) {
		struct der_cursor c;

		if (der_enter(&t, &c) || der_expect(&c, DER_SEQUENCE, &s->sid_issuer) ||
		    der_expect(&c, DER_INTEGER, &s->sid_serial) || !der_empty(&c))
			BAD("issuerAndSerialNumber malformed");
	} else if (t.tag == DER_CTX(0)) {
		s->sid_is_skid = true;
		s->sid_skid = t;
	} else {
		BAD("SignerInfo sid has an unknown form");
	}

	if (der_expect(si, DER_SEQUENCE, &t) || der_algid(&t, &oid, &params))
		BAD("SignerInfo digestAlgorithm malformed");
	err = modval_hash_from_oid(&oid, &s->digest, why);
	if (err)
		return err;

	if (der_next(si, &t))
		BAD("SignerInfo truncated after digestAlgorithm");
	if (t.tag == DER_CTX_CONS(0)) {
		s->has_attrs = true;
		s->attrs = t;
		err = parse_attrs(s, why);
		if (err)
			return err;
		if (der_next(si, &t))
			BAD("SignerInfo truncated after signedAttrs");
	}
	if (t.tag != DER_SEQUENCE || der_algid(&t, &oid, &params))
		BAD("SignerInfo signatureAlgorithm malformed");
	err = modval_sigalg_from_oid(&oid, &s->sig_kind, &implied, why);
	if (err)
		return err;
	if (implied != MODVAL_HASH_NONE && implied != s->digest) {
		*why = "signatureAlgorithm hash differs from digestAlgorithm";
		return -EBADMSG;
	}
	if (der_expect(si, DER_OCTET_STRING, &s->sig) || s->sig.len == 0)
		BAD("SignerInfo signature missing");
	if (!der_empty(si)) {
		if (der_next(si, &t) || t.tag != DER_CTX_CONS(1) || !der_empty(si))
			BAD("SignerInfo has trailing data");
	}
	return 0;
}

int pkcs7_parse(const uint8_t *der, size_t len, struct pkcs7_signed *s, const char **why)
{
	struct der_cursor top, ci, exp, sd, eci, sis, si;
	struct der_tlv t;
	uint8_t tag;

	memset(s, 0, sizeof(*s));
	der_init(&top, der, len);
	if (der_expect_enter(&top, DER_SEQUENCE, &ci) || !der_empty(&top))
		BAD("PKCS#7: not a single DER ContentInfo");
	if (der_expect(&ci, DER_OID, &t) || !DER_OID_IS(&t, OID_PKCS7_SIGNED_DATA))
		BAD("PKCS#7: content type is not signedData");
	if (der_expect_enter(&ci, DER_CTX_CONS(0), &exp) || !der_empty(&ci) ||
	    der_expect_enter(&exp, DER_SEQUENCE, &sd) || !der_empty(&exp))
		BAD("PKCS#7: SignedData missing");

	if (der_expect(&sd, DER_INTEGER, &t))
		BAD("SignedData version missing");
	if (der_expect(&sd, DER_SET, &t))
		BAD("SignedData digestAlgorithms missing");
	if (der_expect_enter(&sd, DER_SEQUENCE, &eci) ||
	    der_expect(&eci, DER_OID, &s->econtent_type))
		BAD("SignedData encapContentInfo malformed");
	if (!der_empty(&eci)) {
		struct der_cursor ec;

		if (der_expect_enter(&eci, DER_CTX_CONS(0), &ec) || der_next(&ec, &s->econtent) ||
		    !der_empty(&ec) || !der_empty(&eci))
			BAD("SignedData eContent malformed");
		s->has_econtent = true;
	}
	/* certificates [0] and crls [1]: skipped, the trust store decides. */
	if (der_peek_tag(&sd, &tag) == 0 && tag == DER_CTX_CONS(0) && der_next(&sd, &t))
		BAD("SignedData certificates malformed");
	if (der_peek_tag(&sd, &tag) == 0 && tag == DER_CTX_CONS(1) && der_next(&sd, &t))
		BAD("SignedData crls malformed");
	if (der_expect_enter(&sd, DER_SET, &sis) || !der_empty(&sd))
		BAD("SignedData signerInfos malformed");
	if (der_expect_enter(&sis, DER_SEQUENCE, &si))
		BAD("SignedData has no SignerInfo");
	if (!der_empty(&sis)) {
		*why = "more than one SignerInfo is not supported";
		return -EOPNOTSUPP;
	}
	return parse_signer(&si, s, why);
}

int pkcs7_verify(const struct modval_trust *t, const struct pkcs7_signed *s,
		 const uint8_t *content_digest, const struct modval_cert **signer,
		 const char **why)
{
	const struct modval_cert *c;
	size_t hlen = modval_hash_len(s->digest);
	uint8_t digest[MODVAL_MAX_DIGEST];
	const uint8_t *signed_digest = content_digest;

	if (s->sid_is_skid)
		c = modval_trust_find_skid(t, s->sid_skid.val, s->sid_skid.len);
	else
		c = modval_trust_find_issuer_serial(t, s->sid_issuer.tlv, s->sid_issuer.tlv_len,
						    s->sid_serial.val, s->sid_serial.len);
	if (!c) {
		*why = "signer not in the trust store (unknown key)";
		return -ENOKEY;
	}
	if (modval_trust_cert_refused(t, c)) {
		*why = "signer certificate is revoked or blocklisted";
		return -EKEYREVOKED;
	}
	if (s->has_attrs) {
		struct modval_hasher hs;
		static const uint8_t set_tag = DER_SET;

		if (s->msg_digest.len != hlen ||
		    memcmp(s->msg_digest.val, content_digest, hlen) != 0) {
			*why = "messageDigest attribute does not match the content";
			return -EKEYREJECTED;
		}
		/* RFC 5652 5.4: the signature covers the DER of the attributes
		 * with the EXPLICIT SET OF tag, not the [0] IMPLICIT one. */
		modval_hash_init(&hs, s->digest);
		modval_hash_update(&hs, &set_tag, 1);
		modval_hash_update(&hs, s->attrs.tlv + 1, s->attrs.tlv_len - 1);
		modval_hash_out(&hs, digest);
		signed_digest = digest;
	}
	*signer = c;
	return modval_verify_digest(&c->key, s->sig_kind, s->digest, signed_digest,
				    s->sig.val, s->sig.len, why);
}
