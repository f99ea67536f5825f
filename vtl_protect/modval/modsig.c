// SPDX-License-Identifier: MIT
/* Linux appended module signature verification (see modsig.h). */
#include <string.h>

#include "core/errno.h"
#include "core/log.h"
#include "vtl_protect/modval/modsig.h"
#include "vtl_protect/modval/pkcs7.h"

int modsig_split(const uint8_t *buf, size_t len, size_t *content_len,
		 const uint8_t **sig, size_t *sig_len, const char **why)
{
	const uint8_t *tr;
	size_t slen, rest;

	if (len > MODSIG_MAX_MODULE) {
		*why = "module larger than 256 MiB";
		return -E2BIG;
	}
	if (len < MODSIG_MAGIC_LEN ||
	    memcmp(buf + len - MODSIG_MAGIC_LEN, MODSIG_MAGIC, MODSIG_MAGIC_LEN) != 0) {
		*why = "module is not signed (no signature marker)";
		return -ENODATA;
	}
	rest = len - MODSIG_MAGIC_LEN;
	if (rest < MODSIG_TRAILER) {
		*why = "signature trailer truncated";
		return -EBADMSG;
	}
	tr = buf + rest - MODSIG_TRAILER;
	rest -= MODSIG_TRAILER;
	if (tr[2] != MODSIG_ID_PKCS7) {
		*why = "signature id_type is not PKCS#7";
		return -EOPNOTSUPP;
	}
	if (tr[0] || tr[1] || tr[3] || tr[4] || tr[5] || tr[6] || tr[7]) {
		*why = "PKCS#7 signature trailer has non-zero algo/hash/signer/key_id/pad";
		return -EBADMSG;
	}
	slen = (size_t)tr[8] << 24 | (size_t)tr[9] << 16 | (size_t)tr[10] << 8 | tr[11];
	if (slen == 0 || slen > rest) {
		*why = "signature length exceeds the module";
		return -EBADMSG;
	}
	if (slen > MODSIG_MAX_SIG) {
		*why = "signature larger than 64 KiB";
		return -E2BIG;
	}
	*content_len = rest - slen;
	*sig = buf + *content_len;
	*sig_len = slen;
	return 0;
}

int modsig_verify(const struct modval_trust *t, const uint8_t *buf, size_t len,
		  struct modsig_result *res)
{
	struct pkcs7_signed s;
	const uint8_t *sig;
	size_t sig_len, clen;
	uint8_t digest[MODVAL_MAX_DIGEST];
	int err;

	memset(res, 0, sizeof(*res));
	err = modsig_split(buf, len, &clen, &sig, &sig_len, &res->reason);
	if (err)
		return err;
	err = pkcs7_parse(sig, sig_len, &s, &res->reason);
	if (err)
		return err;
	if (s.has_econtent) {
		res->reason = "module signature must be detached (eContent present)";
		return -EBADMSG;
	}
	res->content_len = clen;
	res->hash = s.digest;
	modval_digest(MODVAL_HASH_SHA256, buf, clen, res->content_sha256);
	if (s.digest == MODVAL_HASH_SHA256)
		memcpy(digest, res->content_sha256, 32);
	else
		modval_digest(s.digest, buf, clen, digest);

	/* A blocklisted module is refused whoever signed it. */
	if (modval_trust_hash_blocked(t, MODVAL_BLOCK_BIN, res->content_sha256, 32) ||
	    modval_trust_hash_blocked(t, MODVAL_BLOCK_BIN, digest, modval_hash_len(s.digest))) {
		res->reason = "module content hash is blocklisted";
		return -EKEYREVOKED;
	}
	err = pkcs7_verify(t, &s, digest, &res->signer, &res->reason);
	if (err) {
		res->signer = NULL;
		return err;
	}
	return 0;
}
