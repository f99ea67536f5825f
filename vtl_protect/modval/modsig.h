/* SPDX-License-Identifier: MIT */
/*
 * Linux appended module signatures:
 *
 *   content || PKCS#7 SignedData (DER, detached) || struct module_signature
 *   || "~Module signature appended~\n"
 *
 * struct module_signature is 12 bytes: u8 algo, hash, id_type, signer_len,
 * key_id_len, pad[3], __be32 sig_len.  Only id_type 2 (PKEY_ID_PKCS7) exists
 * in practice; Linux requires algo, hash, signer_len and key_id_len to be 0
 * for it, and so do we.
 */
#ifndef VTL_PROTECT_MODVAL_MODSIG_H
#define VTL_PROTECT_MODVAL_MODSIG_H

#include <stddef.h>
#include <stdint.h>

#include "vtl_protect/modval/crypto.h"
#include "vtl_protect/modval/trust.h"

#define MODSIG_MAGIC      "~Module signature appended~\n"
#define MODSIG_MAGIC_LEN  28
#define MODSIG_TRAILER    12
#define MODSIG_ID_PKCS7   2
#define MODSIG_MAX_SIG    (64 * 1024)          /* PKCS#7 blob */
#define MODSIG_MAX_MODULE (256UL * 1024 * 1024) /* whole signed file */

struct modsig_result {
	const char *reason;               /* static text; set on failure */
	const struct modval_cert *signer; /* in the trust store; on success */
	enum modval_hash hash;            /* signature's digest algorithm */
	size_t content_len;               /* bytes covered (the ELF) */
	uint8_t content_sha256[32];       /* for blocklists and logs */
};

/*
 * Split buf into content and PKCS#7.  Returns 0, -ENODATA (no signature
 * marker), or -EBADMSG / -E2BIG with *why.
 */
int modsig_split(const uint8_t *buf, size_t len, size_t *content_len,
		 const uint8_t **sig, size_t *sig_len, const char **why);

/*
 * Verify a signed module held in VTL1 memory (buf must not change while this
 * runs: copy it out of VTL0 first).  Returns 0 with res filled, or a
 * negative errno with res->reason:
 *   -ENODATA unsigned, -EBADMSG malformed, -E2BIG oversize,
 *   -EOPNOTSUPP unsupported algorithm, -ENOKEY unknown signer,
 *   -EKEYREVOKED revoked signer or blocklisted content,
 *   -EKEYREJECTED bad signature or digest mismatch.
 */
int modsig_verify(const struct modval_trust *t, const uint8_t *buf, size_t len,
		  struct modsig_result *res);

#endif
