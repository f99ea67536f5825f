/* SPDX-License-Identifier: MIT */
/*
 * Trust store for module and kexec signatures.
 *
 * - System certificates: DER X.509 (one or several concatenated), from
 *   LOAD_KDATA(SystemCerts) in VTL1 or --cert in modcheck.
 * - Revocation certificates: a signer whose certificate matches one (same
 *   TBS hash, same issuer+serial, or same public key) is refused.
 * - Blocklisted hashes in Linux's "bin:<hex>" / "tbs:<hex>" form: "bin" is a
 *   hash of signed content (a module's bytes before its signature), "tbs" is
 *   the hash of a certificate's tbsCertificate (that certificate is refused).
 * - Secondary keys (COPY_SECONDARY_KEY): accepted at any time, but only when
 *   the certificate is signed by a system certificate that is not revoked,
 *   and is itself neither revoked nor blocklisted.  This mirrors LVBS, whose
 *   VTL1 adds the key to its trusted keyring through a link restriction that
 *   requires a signature by a key already trusted.
 *
 * System certificates, revocations and blocklist entries are accepted only
 * until modval_trust_seal() (end of boot).  Storage is the caller's struct:
 * no allocation.  Every add is all-or-nothing.
 */
#ifndef VTL_PROTECT_MODVAL_TRUST_H
#define VTL_PROTECT_MODVAL_TRUST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "vtl_protect/modval/crypto.h"

#define MODVAL_MAX_CERTS      16
#define MODVAL_MAX_REVOKED    16
#define MODVAL_MAX_SECONDARY  4
#define MODVAL_MAX_BLOCKED    128
#define MODVAL_MAX_CERT_SIZE  8192     /* one DER certificate */
#define MODVAL_MAX_NAME       512      /* one DER Name */
#define MODVAL_MAX_SERIAL     32
#define MODVAL_MAX_SKID       64
#define MODVAL_MAX_CN         64
/* LVBS sends blocklist entries as fixed slots of 133 bytes: "bin:"/"tbs:",
 * up to 128 hex digits, NUL. */
#define MODVAL_BLOCKLIST_SLOT 133

struct modval_cert {
	struct modval_key key;
	uint8_t issuer[MODVAL_MAX_NAME];     /* DER Name, full TLV */
	size_t issuer_len;
	uint8_t subject[MODVAL_MAX_NAME];
	size_t subject_len;
	uint8_t serial[MODVAL_MAX_SERIAL];   /* INTEGER contents */
	size_t serial_len;
	uint8_t skid[MODVAL_MAX_SKID];       /* subjectKeyIdentifier, if any */
	size_t skid_len;
	uint8_t tbs_sha256[32];
	char cn[MODVAL_MAX_CN];              /* printable subject CN */
};

enum modval_block_kind { MODVAL_BLOCK_BIN = 1, MODVAL_BLOCK_TBS = 2 };

struct modval_blocked {
	uint8_t kind;
	uint8_t len;                         /* 32, 48 or 64 */
	uint8_t hash[MODVAL_MAX_DIGEST];
};

struct modval_trust {
	struct modval_cert certs[MODVAL_MAX_CERTS];
	unsigned int ncerts;
	struct modval_cert revoked[MODVAL_MAX_REVOKED];
	unsigned int nrevoked;
	struct modval_cert secondary[MODVAL_MAX_SECONDARY];
	unsigned int nsecondary;
	struct modval_blocked blocked[MODVAL_MAX_BLOCKED];
	unsigned int nblocked;
	bool sealed;
};

/* Parse one DER certificate (exactly len bytes). */
int modval_cert_parse(struct modval_cert *c, const uint8_t *der, size_t len, const char **why);

void modval_trust_init(struct modval_trust *t);

/* Add concatenated DER certificates (all or none).  -EPERM once sealed. */
int modval_trust_add_certs(struct modval_trust *t, const void *der, size_t len, const char **why);
int modval_trust_add_revoked(struct modval_trust *t, const void *der, size_t len, const char **why);

/* One entry "bin:<hex>" / "tbs:<hex>"; a bare <hex> means "bin". */
int modval_trust_add_blocked_str(struct modval_trust *t, const char *s, size_t len,
				 const char **why);
/* LVBS BlocklistHashes payload: n * 133-byte NUL-padded slots. */
int modval_trust_add_blocklist_slots(struct modval_trust *t, const void *buf, size_t len,
				     const char **why);

/* End of boot: from now on only secondary keys may be added. */
void modval_trust_seal(struct modval_trust *t);

/* COPY_SECONDARY_KEY payload: one DER certificate (rules above). */
int modval_trust_add_secondary(struct modval_trust *t, const void *der, size_t len,
			       const char **why);

/* Signer lookup for PKCS#7 SignerInfo.sid, over system + secondary certs. */
const struct modval_cert *modval_trust_find_issuer_serial(const struct modval_trust *t,
							  const uint8_t *issuer, size_t issuer_len,
							  const uint8_t *serial, size_t serial_len);
const struct modval_cert *modval_trust_find_skid(const struct modval_trust *t,
						 const uint8_t *skid, size_t skid_len);

/* True if c matches a revocation certificate or a "tbs" blocklist entry. */
bool modval_trust_cert_refused(const struct modval_trust *t, const struct modval_cert *c);

/* True if hash (of length len) is a blocklisted entry of that kind. */
bool modval_trust_hash_blocked(const struct modval_trust *t, enum modval_block_kind kind,
			       const uint8_t *hash, size_t len);

#endif
