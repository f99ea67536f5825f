/* SPDX-License-Identifier: MIT */
/*
 * The few cryptographic operations validation needs, on top of BearSSL:
 * SHA-2 hashing, and RSA PKCS#1 v1.5 / ECDSA signature checks.  Everything
 * outside the accepted set is refused with a reason string (never silently
 * downgraded): SHA-1, MD5, SHA-224, RSA-PSS, RSA below 2048 bits, curves other
 * than P-256 and P-384.
 */
#ifndef VTL_PROTECT_MODVAL_CRYPTO_H
#define VTL_PROTECT_MODVAL_CRYPTO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <bearssl.h>

#include "core/errno.h"


#include "vtl_protect/modval/der.h"

enum modval_hash {
	MODVAL_HASH_NONE = 0,
	MODVAL_HASH_SHA256,
	MODVAL_HASH_SHA384,
	MODVAL_HASH_SHA512,
};

#define MODVAL_MAX_DIGEST 64
#define MODVAL_RSA_MIN_BITS 2048
#define MODVAL_RSA_MAX_BYTES 512   /* 4096 bits, BearSSL's limit too */
#define MODVAL_RSA_MAX_E 8
#define MODVAL_EC_MAX_POINT 97     /* uncompressed P-384 point */

enum modval_key_type { MODVAL_KEY_NONE = 0, MODVAL_KEY_RSA, MODVAL_KEY_EC };

/* A public key, copied out of BearSSL's decoder so it outlives it. */
struct modval_key {
	enum modval_key_type type;
	unsigned int bits;               /* modulus bits, or curve bits */
	uint8_t n[MODVAL_RSA_MAX_BYTES];
	size_t nlen;
	uint8_t e[MODVAL_RSA_MAX_E];
	size_t elen;
	int curve;                       /* BR_EC_secp256r1 / BR_EC_secp384r1 */
	uint8_t q[MODVAL_EC_MAX_POINT];
	size_t qlen;
};

/* Signature scheme named by a signatureAlgorithm OID. */
enum modval_sig_kind { MODVAL_SIG_RSA_PKCS1 = 1, MODVAL_SIG_ECDSA };

const char *modval_hash_name(enum modval_hash h);   /* "sha256", ... */
size_t modval_hash_len(enum modval_hash h);          /* 0 for NONE */

/* digestAlgorithm OID -> hash; refuses weak/unknown ones with *why. */
int modval_hash_from_oid(const struct der_tlv *oid, enum modval_hash *h,
			 const char **why);

/*
 * signatureAlgorithm OID -> scheme.  *implied is the hash the OID names
 * (sha256WithRSAEncryption...), or NONE for bare rsaEncryption.
 */
int modval_sigalg_from_oid(const struct der_tlv *oid, enum modval_sig_kind *kind,
			   enum modval_hash *implied, const char **why);

/* Incremental hashing. */
struct modval_hasher {
	br_hash_compat_context ctx;
	enum modval_hash h;
};
void modval_hash_init(struct modval_hasher *hs, enum modval_hash h);
void modval_hash_update(struct modval_hasher *hs, const void *data, size_t len);
void modval_hash_out(struct modval_hasher *hs, uint8_t *out);

/* One-shot hash of data into out (modval_hash_len(h) bytes). */
void modval_digest(enum modval_hash h, const void *data, size_t len, uint8_t *out);

/* Copy a BearSSL public key into k, refusing unsupported sizes/curves. */
int modval_key_from_br(struct modval_key *k, const br_x509_pkey *pk, const char **why);

/*
 * Verify sig over a precomputed digest of hash h with key k.
 * Returns 0, or -EKEYREJECTED with *why set.
 */
int modval_verify_digest(const struct modval_key *k, enum modval_sig_kind kind,
			 enum modval_hash h, const uint8_t *digest,
			 const uint8_t *sig, size_t sig_len, const char **why);

#endif
