// SPDX-License-Identifier: MIT
/* Hashing and signature checks over BearSSL (see crypto.h). */
#include <string.h>

#include "core/errno.h"
#include "vtl_protect/modval/crypto.h"
#include "vtl_protect/modval/oids.h"

const char *modval_hash_name(enum modval_hash h)
{
	switch (h) {
	case MODVAL_HASH_SHA256: return "sha256";
	case MODVAL_HASH_SHA384: return "sha384";
	case MODVAL_HASH_SHA512: return "sha512";
	default: return "none";
	}
}

size_t modval_hash_len(enum modval_hash h)
{
	switch (h) {
	case MODVAL_HASH_SHA256: return 32;
	case MODVAL_HASH_SHA384: return 48;
	case MODVAL_HASH_SHA512: return 64;
	default: return 0;
	}
}

static const br_hash_class *hash_class(enum modval_hash h)
{
	switch (h) {
	case MODVAL_HASH_SHA256: return &br_sha256_vtable;
	case MODVAL_HASH_SHA384: return &br_sha384_vtable;
	case MODVAL_HASH_SHA512: return &br_sha512_vtable;
	default: return NULL;
	}
}

int modval_hash_from_oid(const struct der_tlv *oid, enum modval_hash *h, const char **why)
{
	if (DER_OID_IS(oid, OID_SHA256)) {
		*h = MODVAL_HASH_SHA256;
	} else if (DER_OID_IS(oid, OID_SHA384)) {
		*h = MODVAL_HASH_SHA384;
	} else if (DER_OID_IS(oid, OID_SHA512)) {
		*h = MODVAL_HASH_SHA512;
	} else if (DER_OID_IS(oid, OID_SHA1)) {
		*why = "digest algorithm SHA-1 refused (too weak)";
		return -EOPNOTSUPP;
	} else if (DER_OID_IS(oid, OID_MD5)) {
		*why = "digest algorithm MD5 refused (broken)";
		return -EOPNOTSUPP;
	} else if (DER_OID_IS(oid, OID_SHA224)) {
		*why = "digest algorithm SHA-224 not supported";
		return -EOPNOTSUPP;
	} else {
		*why = "unknown digest algorithm OID";
		return -EOPNOTSUPP;
	}
	return 0;
}

int modval_sigalg_from_oid(const struct der_tlv *oid, enum modval_sig_kind *kind,
			   enum modval_hash *implied, const char **why)
{
	*implied = MODVAL_HASH_NONE;
	if (DER_OID_IS(oid, OID_RSA_ENCRYPTION)) {
		*kind = MODVAL_SIG_RSA_PKCS1;
	} else if (DER_OID_IS(oid, OID_SHA256_RSA)) {
		*kind = MODVAL_SIG_RSA_PKCS1;
		*implied = MODVAL_HASH_SHA256;
	} else if (DER_OID_IS(oid, OID_SHA384_RSA)) {
		*kind = MODVAL_SIG_RSA_PKCS1;
		*implied = MODVAL_HASH_SHA384;
	} else if (DER_OID_IS(oid, OID_SHA512_RSA)) {
		*kind = MODVAL_SIG_RSA_PKCS1;
		*implied = MODVAL_HASH_SHA512;
	} else if (DER_OID_IS(oid, OID_ECDSA_SHA256) || DER_OID_IS(oid, OID_EC_PUBLIC_KEY)) {
		/* Some signers name the key type instead of the scheme. */
		*kind = MODVAL_SIG_ECDSA;
		if (DER_OID_IS(oid, OID_ECDSA_SHA256))
			*implied = MODVAL_HASH_SHA256;
	} else if (DER_OID_IS(oid, OID_ECDSA_SHA384)) {
		*kind = MODVAL_SIG_ECDSA;
		*implied = MODVAL_HASH_SHA384;
	} else if (DER_OID_IS(oid, OID_ECDSA_SHA512)) {
		*kind = MODVAL_SIG_ECDSA;
		*implied = MODVAL_HASH_SHA512;
	} else if (DER_OID_IS(oid, OID_RSA_PSS)) {
		*why = "signature algorithm RSASSA-PSS not supported";
		return -EOPNOTSUPP;
	} else if (DER_OID_IS(oid, OID_SHA1_RSA) || DER_OID_IS(oid, OID_ECDSA_SHA1)) {
		*why = "signature algorithm with SHA-1 refused (too weak)";
		return -EOPNOTSUPP;
	} else if (DER_OID_IS(oid, OID_MD5_RSA)) {
		*why = "signature algorithm md5WithRSAEncryption refused (broken)";
		return -EOPNOTSUPP;
	} else if (DER_OID_IS(oid, OID_SHA224_RSA)) {
		*why = "signature algorithm sha224WithRSAEncryption not supported";
		return -EOPNOTSUPP;
	} else {
		*why = "unknown signature algorithm OID";
		return -EOPNOTSUPP;
	}
	return 0;
}

void modval_hash_init(struct modval_hasher *hs, enum modval_hash h)
{
	const br_hash_class *cls = hash_class(h);

	hs->h = h;
	if (cls)
		cls->init(&hs->ctx.vtable);
}

void modval_hash_update(struct modval_hasher *hs, const void *data, size_t len)
{
	if (hash_class(hs->h) && len)
		hs->ctx.vtable->update(&hs->ctx.vtable, data, len);
}

void modval_hash_out(struct modval_hasher *hs, uint8_t *out)
{
	if (hash_class(hs->h))
		hs->ctx.vtable->out(&hs->ctx.vtable, out);
}

void modval_digest(enum modval_hash h, const void *data, size_t len, uint8_t *out)
{
	struct modval_hasher hs;

	modval_hash_init(&hs, h);
	modval_hash_update(&hs, data, len);
	modval_hash_out(&hs, out);
}

/* Bit length of a big-endian unsigned integer. */
static unsigned int be_bits(const uint8_t *p, size_t len)
{
	while (len && *p == 0) {
		p++;
		len--;
	}
	if (!len)
		return 0;
	unsigned int bits = (unsigned int)(len - 1) * 8;
	for (uint8_t b = *p; b; b >>= 1)
		bits++;
	return bits;
}

int modval_key_from_br(struct modval_key *k, const br_x509_pkey *pk, const char **why)
{
	memset(k, 0, sizeof(*k));
	if (pk->key_type == BR_KEYTYPE_RSA) {
		const br_rsa_public_key *r = &pk->key.rsa;
		size_t nlen = r->nlen, elen = r->elen;
		const uint8_t *n = r->n, *e = r->e;

		/* Strip leading zeros so nlen is the modulus' true byte size. */
		while (nlen && *n == 0) {
			n++;
			nlen--;
		}
		while (elen && *e == 0) {
			e++;
			elen--;
		}
		if (nlen > MODVAL_RSA_MAX_BYTES || elen == 0 || elen > MODVAL_RSA_MAX_E) {
			*why = "RSA key too large or bad exponent";
			return -EOPNOTSUPP;
		}
		k->bits = be_bits(n, nlen);
		if (k->bits < MODVAL_RSA_MIN_BITS) {
			*why = "RSA key shorter than 2048 bits refused";
			return -EOPNOTSUPP;
		}
		k->type = MODVAL_KEY_RSA;
		memcpy(k->n, n, nlen);
		k->nlen = nlen;
		memcpy(k->e, e, elen);
		k->elen = elen;
		return 0;
	}
	if (pk->key_type == BR_KEYTYPE_EC) {
		const br_ec_public_key *ec = &pk->key.ec;

		if (ec->curve == BR_EC_secp256r1)
			k->bits = 256;
		else if (ec->curve == BR_EC_secp384r1)
			k->bits = 384;
		else {
			*why = "EC curve not supported (only P-256 and P-384)";
			return -EOPNOTSUPP;
		}
		if (ec->qlen > MODVAL_EC_MAX_POINT) {
			*why = "EC public point too large";
			return -EOPNOTSUPP;
		}
		k->type = MODVAL_KEY_EC;
		k->curve = ec->curve;
		memcpy(k->q, ec->q, ec->qlen);
		k->qlen = ec->qlen;
		return 0;
	}
	*why = "public key type not supported (only RSA and EC)";
	return -EOPNOTSUPP;
}

static const unsigned char *rsa_hash_oid(enum modval_hash h)
{
	switch (h) {
	case MODVAL_HASH_SHA256: return BR_HASH_OID_SHA256;
	case MODVAL_HASH_SHA384: return BR_HASH_OID_SHA384;
	case MODVAL_HASH_SHA512: return BR_HASH_OID_SHA512;
	default: return NULL;
	}
}

int modval_verify_digest(const struct modval_key *k, enum modval_sig_kind kind,
			 enum modval_hash h, const uint8_t *digest,
			 const uint8_t *sig, size_t sig_len, const char **why)
{
	size_t hlen = modval_hash_len(h);

	if (!hlen) {
		*why = "no usable digest algorithm";
		return -EKEYREJECTED;
	}
	if (kind == MODVAL_SIG_RSA_PKCS1) {
		br_rsa_public_key pk;
		uint8_t out[MODVAL_MAX_DIGEST];

		if (k->type != MODVAL_KEY_RSA) {
			*why = "RSA signature but the signer's key is not RSA";
			return -EKEYREJECTED;
		}
		if (sig_len != k->nlen) {
			*why = "RSA signature length differs from the modulus length";
			return -EKEYREJECTED;
		}
		pk.n = (unsigned char *)k->n;
		pk.nlen = k->nlen;
		pk.e = (unsigned char *)k->e;
		pk.elen = k->elen;
		if (!br_rsa_pkcs1_vrfy_get_default()(sig, sig_len, rsa_hash_oid(h), hlen, &pk, out) ||
		    memcmp(out, digest, hlen) != 0) {
			*why = "RSA signature does not verify";
			return -EKEYREJECTED;
		}
		return 0;
	}
	if (kind == MODVAL_SIG_ECDSA) {
		br_ec_public_key pk;

		if (k->type != MODVAL_KEY_EC) {
			*why = "ECDSA signature but the signer's key is not EC";
			return -EKEYREJECTED;
		}
		pk.curve = k->curve;
		pk.q = (unsigned char *)k->q;
		pk.qlen = k->qlen;
		if (!br_ecdsa_vrfy_asn1_get_default()(br_ec_get_default(), digest, hlen, &pk,
						      sig, sig_len)) {
			*why = "ECDSA signature does not verify";
			return -EKEYREJECTED;
		}
		return 0;
	}
	*why = "unknown signature scheme";
	return -EKEYREJECTED;
}
