// SPDX-License-Identifier: MIT
/* Authenticode (PE image) signature verification (see authenticode.h). */
#include <string.h>

#include "core/errno.h"
#include "vtl_protect/modval/authenticode.h"
#include "vtl_protect/modval/oids.h"
#include "vtl_protect/modval/pkcs7.h"

#define PE_CERT_DIR_INDEX 4
#define WIN_CERT_REVISION_2_0 0x0200
#define WIN_CERT_TYPE_PKCS_SIGNED_DATA 0x0002

static uint16_t le16(const uint8_t *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}

static uint32_t le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[3] << 24;
}

/* True if [off, off+n) lies within len, without wrap. */
static bool in_bounds(size_t off, size_t n, size_t len)
{
	return off <= len && n <= len - off;
}

int authenticode_digest(const uint8_t *img, size_t len, enum modval_hash h, uint8_t *out,
			size_t *cert_off, size_t *cert_len, const char **why)
{
	struct modval_hasher hs;
	size_t pe, coff, opt, opt_size, dd, nsec, sects, hdr_size, sum;
	size_t csum_off, cdir_off, coff_cert, clen;
	uint16_t order[AUTHENTICODE_MAX_SECTIONS];

	if (len > AUTHENTICODE_MAX_IMAGE) {
		*why = "PE image larger than 512 MiB";
		return -E2BIG;
	}
	if (len < 0x40 || img[0] != 'M' || img[1] != 'Z') {
		*why = "not a PE image (no MZ header)";
		return -EBADMSG;
	}
	pe = le32(img + 0x3c);
	if (!in_bounds(pe, 24, len) || memcmp(img + pe, "PE\0\0", 4) != 0) {
		*why = "not a PE image (bad PE signature offset)";
		return -EBADMSG;
	}
	coff = pe + 4;
	nsec = le16(img + coff + 2);
	opt_size = le16(img + coff + 16);
	opt = coff + 20;
	if (!in_bounds(opt, opt_size, len) || opt_size < 2) {
		*why = "PE optional header runs past the image";
		return -EBADMSG;
	}
	switch (le16(img + opt)) {
	case 0x10b: dd = 96; break;   /* PE32 */
	case 0x20b: dd = 112; break;  /* PE32+ */
	default:
		*why = "PE optional header magic unknown";
		return -EBADMSG;
	}
	if (opt_size < dd + 8 * (PE_CERT_DIR_INDEX + 1) ||
	    le32(img + opt + dd - 4) <= PE_CERT_DIR_INDEX) {
		*why = "PE image has no certificate table directory entry";
		return -EBADMSG;
	}
	if (nsec > AUTHENTICODE_MAX_SECTIONS) {
		*why = "PE image has more than 96 sections";
		return -EBADMSG;
	}
	sects = opt + opt_size;
	hdr_size = le32(img + opt + 60);
	if (!in_bounds(sects, nsec * 40, len) || hdr_size < sects + nsec * 40 || hdr_size > len) {
		*why = "PE section table or SizeOfHeaders out of bounds";
		return -EBADMSG;
	}
	csum_off = opt + 64;
	cdir_off = opt + dd + 8 * PE_CERT_DIR_INDEX;
	coff_cert = le32(img + cdir_off);
	clen = le32(img + cdir_off + 4);
	if (clen == 0) {
		*why = "PE image is not signed (empty certificate table)";
		return -ENODATA;
	}
	/* The table must be the last thing in the file, after the headers. */
	if (!in_bounds(coff_cert, clen, len) || coff_cert + clen != len || coff_cert < hdr_size) {
		*why = "PE certificate table is not at the end of the image";
		return -EBADMSG;
	}

	modval_hash_init(&hs, h);
	modval_hash_update(&hs, img, csum_off);
	modval_hash_update(&hs, img + csum_off + 4, cdir_off - (csum_off + 4));
	modval_hash_update(&hs, img + cdir_off + 8, hdr_size - (cdir_off + 8));
	sum = hdr_size;

	/* Sections in ascending PointerToRawData order (insertion sort, n <= 96). */
	for (size_t i = 0; i < nsec; i++) {
		size_t j = i;

		while (j > 0 && le32(img + sects + order[j - 1] * 40 + 20) >
				le32(img + sects + i * 40 + 20)) {
			order[j] = order[j - 1];
			j--;
		}
		order[j] = (uint16_t)i;
	}
	for (size_t i = 0; i < nsec; i++) {
		const uint8_t *sh = img + sects + order[i] * 40;
		size_t raw = le32(sh + 16), ptr = le32(sh + 20);

		if (raw == 0)
			continue;
		if (!in_bounds(ptr, raw, coff_cert)) {
			*why = "PE section data runs past the image or into the signature";
			return -EBADMSG;
		}
		modval_hash_update(&hs, img + ptr, raw);
		sum += raw;
	}
	/* Data after the last section (padding, appended blobs) is covered too. */
	if (sum < coff_cert)
		modval_hash_update(&hs, img + sum, coff_cert - sum);
	modval_hash_out(&hs, out);
	*cert_off = coff_cert;
	*cert_len = clen;
	return 0;
}

/* Parse SpcIndirectDataContent { data, DigestInfo { algid, digest } }. */
static int parse_indirect(const uint8_t *p, size_t n, unsigned int depth, enum modval_hash *h,
			  struct der_tlv *digest, const char **why)
{
	struct der_cursor top, c, di;
	struct der_tlv t, oid, params;
	int err;

	der_init(&top, p, n);
	top.depth = depth;
	if (der_expect_enter(&top, DER_SEQUENCE, &c) || !der_empty(&top) ||
	    der_expect(&c, DER_SEQUENCE, &t) ||                 /* SpcAttributeTypeAndOptionalValue */
	    der_expect_enter(&c, DER_SEQUENCE, &di) || !der_empty(&c) ||
	    der_expect(&di, DER_SEQUENCE, &t) || der_algid(&t, &oid, &params) ||
	    der_expect(&di, DER_OCTET_STRING, digest) || !der_empty(&di)) {
		*why = "SpcIndirectDataContent malformed";
		return -EBADMSG;
	}
	err = modval_hash_from_oid(&oid, h, why);
	if (err)
		return err;
	if (digest->len != modval_hash_len(*h)) {
		*why = "SpcIndirectDataContent digest has the wrong length";
		return -EBADMSG;
	}
	return 0;
}

int authenticode_verify(const struct modval_trust *t, const uint8_t *img, size_t len,
			struct authenticode_result *res)
{
	struct pkcs7_signed s;
	struct der_cursor c;
	struct der_tlv blob, digest;
	const uint8_t *content;
	size_t content_len, coff, clen, wlen;
	uint8_t cdigest[MODVAL_MAX_DIGEST], tmp[MODVAL_MAX_DIGEST];
	int err;

	memset(res, 0, sizeof(*res));
	/* First pass (hash NONE: nothing is hashed) only validates the layout
	 * and locates the table; the digest is computed below with the
	 * algorithm the signature names. */
	err = authenticode_digest(img, len, MODVAL_HASH_NONE, tmp, &coff, &clen, &res->reason);
	if (err)
		return err;
	wlen = le32(img + coff);
	if (clen < 8 || wlen < 8 || wlen > clen || le16(img + coff + 4) != WIN_CERT_REVISION_2_0 ||
	    le16(img + coff + 6) != WIN_CERT_TYPE_PKCS_SIGNED_DATA) {
		res->reason = "WIN_CERTIFICATE header malformed or not PKCS#7 signed data";
		return -EBADMSG;
	}
	der_init(&c, img + coff + 8, wlen - 8);
	if (der_next(&c, &blob)) {
		res->reason = "WIN_CERTIFICATE holds no DER element";
		return -EBADMSG;
	}
	/* Only zero padding may follow the PKCS#7 blob. */
	for (size_t i = 0; i < c.left; i++) {
		if (c.p[i]) {
			res->reason = "data after the PKCS#7 blob in WIN_CERTIFICATE";
			return -EBADMSG;
		}
	}
	err = pkcs7_parse(blob.tlv, blob.tlv_len, &s, &res->reason);
	if (err)
		return err;
	if (!DER_OID_IS(&s.econtent_type, OID_SPC_INDIRECT_DATA) || !s.has_econtent) {
		res->reason = "PKCS#7 content is not SpcIndirectDataContent";
		return -EBADMSG;
	}
	if (s.econtent.tag == DER_SEQUENCE) {
		/* Authenticode proper: the digest covers the SEQUENCE's contents. */
		content = s.econtent.val;
		content_len = s.econtent.len;
		err = parse_indirect(s.econtent.tlv, s.econtent.tlv_len, s.econtent.depth, &res->hash,
				     &digest, &res->reason);
	} else if (s.econtent.tag == DER_OCTET_STRING) {
		/* Generic CMS signers wrap it in an OCTET STRING; then the digest
		 * covers the octets. */
		content = s.econtent.val;
		content_len = s.econtent.len;
		err = parse_indirect(content, content_len, s.econtent.depth + 1, &res->hash, &digest,
				     &res->reason);
	} else {
		res->reason = "eContent is neither SEQUENCE nor OCTET STRING";
		return -EBADMSG;
	}
	if (err)
		return err;
	err = authenticode_digest(img, len, res->hash, res->digest, &coff, &clen, &res->reason);
	if (err)
		return err;
	if (memcmp(res->digest, digest.val, digest.len) != 0) {
		res->reason = "image digest does not match the signed digest";
		return -EKEYREJECTED;
	}
	if (modval_trust_hash_blocked(t, MODVAL_BLOCK_BIN, res->digest, digest.len)) {
		res->reason = "image digest is blocklisted";
		return -EKEYREVOKED;
	}
	modval_digest(s.digest, content, content_len, cdigest);
	if (!s.has_attrs) {
		res->reason = "Authenticode signature without signed attributes";
		return -EBADMSG;
	}
	err = pkcs7_verify(t, &s, cdigest, &res->signer, &res->reason);
	if (err)
		res->signer = NULL;
	return err;
}
