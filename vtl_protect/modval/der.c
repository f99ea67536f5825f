// SPDX-License-Identifier: MIT
/*
 * Bounded DER reader (see der.h).  The rules are DER's, applied strictly,
 * because a lenient reader is where parser differentials come from: two
 * encodings of one value would let an attacker present different bytes to the
 * signer and to us.
 */
#include <string.h>

#include "core/errno.h"
#include "vtl_protect/modval/der.h"

void der_init(struct der_cursor *c, const void *buf, size_t len)
{
	c->p = buf;
	c->left = buf ? len : 0;
	c->depth = 0;
}

/* Decode the header at c without consuming anything. */
static int der_header(const struct der_cursor *c, uint8_t *tag, size_t *hdr_len,
		      size_t *val_len)
{
	const uint8_t *p = c->p;
	size_t left = c->left, len, n;

	if (left == 0)
		return -ENOENT;
	if (left < 2)
		return -EBADMSG;
	/* High tag numbers (low 5 bits all set) never occur in our formats. */
	if ((p[0] & 0x1f) == 0x1f)
		return -EBADMSG;
	*tag = p[0];
	if (p[1] < 0x80) {
		len = p[1];
		n = 2;
	} else {
		size_t nbytes = p[1] & 0x7f;

		/* 0x80 is the indefinite form; more than 4 bytes is absurd here. */
		if (nbytes == 0 || nbytes > 4 || left < 2 + nbytes)
			return -EBADMSG;
		/* Minimal encoding: no leading zero byte... */
		if (p[2] == 0)
			return -EBADMSG;
		len = 0;
		for (size_t i = 0; i < nbytes; i++)
			len = (len << 8) | p[2 + i];
		/* ...and the long form only for lengths of 128 and more. */
		if (len < 0x80)
			return -EBADMSG;
		n = 2 + nbytes;
	}
	/* n <= 6 <= left here, so left - n cannot wrap. */
	if (len > left - n)
		return -EBADMSG;
	*hdr_len = n;
	*val_len = len;
	return 0;
}

int der_next(struct der_cursor *c, struct der_tlv *out)
{
	size_t hdr, len;
	uint8_t tag;
	int err = der_header(c, &tag, &hdr, &len);

	if (err)
		return err;
	out->tag = tag;
	out->tlv = c->p;
	out->tlv_len = hdr + len;
	out->val = c->p + hdr;
	out->len = len;
	out->depth = c->depth;
	c->p += hdr + len;
	c->left -= hdr + len;
	return 0;
}

int der_expect(struct der_cursor *c, uint8_t tag, struct der_tlv *out)
{
	struct der_cursor save = *c;
	int err = der_next(c, out);

	if (err == -ENOENT)
		return -EBADMSG; /* a required element is missing */
	if (err)
		return err;
	if (out->tag != tag) {
		*c = save;
		return -EBADMSG;
	}
	return 0;
}

int der_peek_tag(const struct der_cursor *c, uint8_t *tag)
{
	size_t hdr, len;

	return der_header(c, tag, &hdr, &len);
}

int der_enter(const struct der_tlv *t, struct der_cursor *child)
{
	if (!(t->tag & 0x20))
		return -EBADMSG;
	if (t->depth + 1 > DER_MAX_DEPTH)
		return -ELOOP;
	child->p = t->val;
	child->left = t->len;
	child->depth = t->depth + 1;
	return 0;
}

int der_expect_enter(struct der_cursor *c, uint8_t tag, struct der_cursor *child)
{
	struct der_tlv t;
	int err = der_expect(c, tag, &t);

	if (err)
		return err;
	return der_enter(&t, child);
}

bool der_oid_is(const struct der_tlv *t, const uint8_t *oid, size_t len)
{
	return t->tag == DER_OID && t->len == len && memcmp(t->val, oid, len) == 0;
}

int der_algid(const struct der_tlv *seq, struct der_tlv *oid, struct der_tlv *params)
{
	struct der_cursor c;
	int err;

	if (seq->tag != DER_SEQUENCE)
		return -EBADMSG;
	err = der_enter(seq, &c);
	if (err)
		return err;
	err = der_expect(&c, DER_OID, oid);
	if (err)
		return err;
	memset(params, 0, sizeof(*params));
	if (!der_empty(&c)) {
		err = der_next(&c, params);
		if (err)
			return err;
	}
	/* Nothing may follow the parameters. */
	return der_empty(&c) ? 0 : -EBADMSG;
}
