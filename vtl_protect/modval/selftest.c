// SPDX-License-Identifier: MIT
/*
 * Known-answer self-test of the validation path inside whatever runs it (the
 * VTL1 image at boot, or the host): parses two certificates with BearSSL's
 * decoder, verifies an RSA-2048 and an ECDSA P-256 module signature, and
 * checks that a one-bit change in the content and an unknown signer are
 * refused.  It exercises BearSSL's SSE code and our DER walker in the real
 * environment before any VTL0 request depends on them.
 */
#include <string.h>

#include "core/errno.h"
#include "core/log.h"
#include "vtl_protect/modval/modsig.h"
#include "vtl_protect/modval/selftest.h"
#include "vtl_protect/modval/selftest_vectors.h"

#define CONTENT_LEN (sizeof(SELFTEST_CONTENT) - 1)

/* content || sig || trailer || magic into out; returns the length. */
static size_t build(uint8_t *out, const uint8_t *sig, size_t sig_len, bool flip)
{
	static const uint8_t head[8] = { 0, 0, MODSIG_ID_PKCS7, 0, 0, 0, 0, 0 };
	size_t n = 0;

	memcpy(out, SELFTEST_CONTENT, CONTENT_LEN);
	if (flip)
		out[7] ^= 0x01;
	n += CONTENT_LEN;
	memcpy(out + n, sig, sig_len);
	n += sig_len;
	memcpy(out + n, head, sizeof(head));
	n += sizeof(head);
	out[n++] = (uint8_t)(sig_len >> 24);
	out[n++] = (uint8_t)(sig_len >> 16);
	out[n++] = (uint8_t)(sig_len >> 8);
	out[n++] = (uint8_t)sig_len;
	memcpy(out + n, MODSIG_MAGIC, MODSIG_MAGIC_LEN);
	return n + MODSIG_MAGIC_LEN;
}

static int expect(struct modval_trust *t, const uint8_t *sig, size_t sig_len, bool flip,
		  int want, const char *what)
{
	static uint8_t buf[CONTENT_LEN + 512 + MODSIG_TRAILER + MODSIG_MAGIC_LEN];
	struct modsig_result r;
	int err;

	if (sig_len > 512)
		return -EINVAL;
	err = modsig_verify(t, buf, build(buf, sig, sig_len, flip), &r);
	if (err != want) {
		log_error("modval: self-test '%s' got %d (%s), expected %d: validation code is "
			  "broken in this build; refuse to validate modules", what, err,
			  r.reason ? r.reason : "ok", want);
		return -EIO;
	}
	return 0;
}

int modval_selftest(struct modval_trust *t)
{
	const char *why = NULL;
	int err = 0;

	modval_trust_init(t);
	/* Only the RSA certificate first: the EC signer is unknown. */
	if (modval_trust_add_certs(t, selftest_rsa_cert, sizeof(selftest_rsa_cert), &why)) {
		log_error("modval: self-test cannot parse its RSA certificate: %s", why);
		return -EIO;
	}
	err |= expect(t, selftest_rsa_sig, sizeof(selftest_rsa_sig), false, 0, "rsa valid");
	err |= expect(t, selftest_rsa_sig, sizeof(selftest_rsa_sig), true, -EKEYREJECTED,
		      "rsa flipped content");
	err |= expect(t, selftest_ec_sig, sizeof(selftest_ec_sig), false, -ENOKEY,
		      "ec unknown signer");
	if (modval_trust_add_certs(t, selftest_ec_cert, sizeof(selftest_ec_cert), &why)) {
		log_error("modval: self-test cannot parse its EC certificate: %s", why);
		return -EIO;
	}
	err |= expect(t, selftest_ec_sig, sizeof(selftest_ec_sig), false, 0, "ecdsa valid");
	err |= expect(t, selftest_ec_sig, sizeof(selftest_ec_sig), true, -EKEYREJECTED,
		      "ecdsa flipped content");
	modval_trust_init(t);
	if (err)
		return -EIO;
	log_info("modval: self-test passed (RSA-2048 and P-256 signatures, tamper refusal)");
	return 0;
}
