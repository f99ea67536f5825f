/* SPDX-License-Identifier: MIT */
/*
 * PKCS#7 / CMS SignedData (RFC 5652), the subset Linux module signatures and
 * Authenticode use: one SignerInfo, signer named by issuerAndSerialNumber or
 * subjectKeyIdentifier, optional signedAttrs (then messageDigest is required
 * and the signature covers the attributes re-encoded as a SET), RSA PKCS#1
 * v1.5 or ECDSA with SHA-256/384/512.  Embedded certificates and CRLs are
 * skipped: only the trust store decides who is trusted.
 */
#ifndef VTL_PROTECT_MODVAL_PKCS7_H
#define VTL_PROTECT_MODVAL_PKCS7_H

#include <stdbool.h>

#include "vtl_protect/modval/crypto.h"
#include "vtl_protect/modval/der.h"
#include "vtl_protect/modval/trust.h"

struct pkcs7_signed {
	struct der_tlv econtent_type;    /* eContentType OID */
	bool has_econtent;
	struct der_tlv econtent;         /* the element inside eContent [0] */

	bool sid_is_skid;
	struct der_tlv sid_issuer;       /* DER Name (full TLV) */
	struct der_tlv sid_serial;       /* INTEGER */
	struct der_tlv sid_skid;         /* [0] IMPLICIT OCTET STRING */

	enum modval_hash digest;         /* SignerInfo.digestAlgorithm */
	bool has_attrs;
	struct der_tlv attrs;            /* signedAttrs, full TLV (tag 0xa0) */
	struct der_tlv msg_digest;       /* messageDigest attribute value */

	enum modval_sig_kind sig_kind;
	struct der_tlv sig;              /* signature OCTET STRING */
};

/* Parse a ContentInfo holding SignedData; der must be exactly the TLV. */
int pkcs7_parse(const uint8_t *der, size_t len, struct pkcs7_signed *s, const char **why);

/*
 * Find the signer in the trust store, refuse revoked/blocklisted signers,
 * check messageDigest (if signedAttrs) against content_digest (a hash of
 * s->digest over the signed content) and verify the signature.
 */
int pkcs7_verify(const struct modval_trust *t, const struct pkcs7_signed *s,
		 const uint8_t *content_digest, const struct modval_cert **signer,
		 const char **why);

#endif
