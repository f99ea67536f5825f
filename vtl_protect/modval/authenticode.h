/* SPDX-License-Identifier: MIT */
/*
 * Authenticode signatures of PE/COFF images (the EFI-stub bzImage that
 * KEXEC_VALIDATE checks).  Facts from Microsoft's PE format and Authenticode
 * specifications: the Certificate Table is data directory 4, its "virtual
 * address" is a file offset; WIN_CERTIFICATE is {u32 dwLength, u16 wRevision
 * (0x0200), u16 wCertificateType (2 = PKCS_SIGNED_DATA), bCertificate[]};
 * the image digest skips the CheckSum field, the Certificate Table directory
 * entry and the certificate table itself, and hashes the sections in
 * ascending PointerToRawData order, then any data after the last section.
 * The PKCS#7 content is SpcIndirectDataContent, whose DigestInfo carries the
 * image digest.
 */
#ifndef VTL_PROTECT_MODVAL_AUTHENTICODE_H
#define VTL_PROTECT_MODVAL_AUTHENTICODE_H

#include <stddef.h>
#include <stdint.h>

#include "vtl_protect/modval/crypto.h"
#include "vtl_protect/modval/trust.h"

#define AUTHENTICODE_MAX_IMAGE    (512UL * 1024 * 1024)
#define AUTHENTICODE_MAX_SECTIONS 96

struct authenticode_result {
	const char *reason;               /* static text; set on failure */
	const struct modval_cert *signer;
	enum modval_hash hash;            /* image digest algorithm */
	uint8_t digest[MODVAL_MAX_DIGEST];/* Authenticode image digest */
};

/*
 * Compute the Authenticode digest of img with hash h (MODVAL_HASH_NONE only
 * validates the layout).  Also returns where the certificate table is.  -EBADMSG/-ENODATA with *why on bad/unsigned images.
 */
int authenticode_digest(const uint8_t *img, size_t len, enum modval_hash h, uint8_t *out,
			size_t *cert_off, size_t *cert_len, const char **why);

/*
 * Verify a signed PE image held in VTL1 memory against the trust store.
 * Errors as modsig_verify (see modsig.h).
 */
int authenticode_verify(const struct modval_trust *t, const uint8_t *img, size_t len,
			struct authenticode_result *res);

#endif
