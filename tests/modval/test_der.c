// SPDX-License-Identifier: MIT
/* Host tests for the bounded DER reader (vtl_protect/modval/der.c). */
#include <errno.h>

#include "tests/unit/unit.h"
#include "vtl_protect/modval/der.h"

static int next_of(const uint8_t *buf, size_t len, struct der_tlv *t)
{
	struct der_cursor c;

	der_init(&c, buf, len);
	return der_next(&c, t);
}

TEST(modval_der_short_and_long_form)
{
	static const uint8_t s[] = { 0x04, 0x02, 0xaa, 0xbb };
	uint8_t l[3 + 200] = { 0x04, 0x81, 200 };
	struct der_tlv t;

	CHECK_EQ_INT(next_of(s, sizeof(s), &t), 0);
	CHECK_EQ(t.tag, 0x04);
	CHECK_EQ(t.len, 2);
	CHECK_EQ(t.tlv_len, 4);
	CHECK(t.val == s + 2);
	CHECK_EQ_INT(next_of(l, sizeof(l), &t), 0);
	CHECK_EQ(t.len, 200);
	CHECK(t.val == l + 3);
}

TEST(modval_der_truncated)
{
	static const uint8_t one[] = { 0x30 };
	static const uint8_t hdr_only[] = { 0x04, 0x05, 0x01 };
	static const uint8_t long_cut[] = { 0x04, 0x82, 0x01 };
	struct der_tlv t;

	CHECK_EQ_INT(next_of(one, sizeof(one), &t), -EBADMSG);
	CHECK_EQ_INT(next_of(hdr_only, sizeof(hdr_only), &t), -EBADMSG);
	CHECK_EQ_INT(next_of(long_cut, sizeof(long_cut), &t), -EBADMSG);
	CHECK_EQ_INT(next_of(one, 0, &t), -ENOENT);
	CHECK_EQ_INT(next_of(NULL, 10, &t), -ENOENT);
}

TEST(modval_der_overlong_and_non_minimal)
{
	static const uint8_t indefinite[] = { 0x30, 0x80, 0x00, 0x00 };
	static const uint8_t lead_zero[] = { 0x04, 0x82, 0x00, 0x81, 0x00 };
	static const uint8_t long_small[] = { 0x04, 0x81, 0x05, 1, 2, 3, 4, 5 };
	static const uint8_t five_bytes[] = { 0x04, 0x85, 1, 0, 0, 0, 0, 0 };
	static const uint8_t huge[] = { 0x04, 0x84, 0xff, 0xff, 0xff, 0xff, 0 };
	static const uint8_t high_tag[] = { 0x1f, 0x81, 0x01, 0x00 };
	struct der_tlv t;

	CHECK_EQ_INT(next_of(indefinite, sizeof(indefinite), &t), -EBADMSG);
	CHECK_EQ_INT(next_of(lead_zero, sizeof(lead_zero), &t), -EBADMSG);
	CHECK_EQ_INT(next_of(long_small, sizeof(long_small), &t), -EBADMSG);
	CHECK_EQ_INT(next_of(five_bytes, sizeof(five_bytes), &t), -EBADMSG);
	CHECK_EQ_INT(next_of(huge, sizeof(huge), &t), -EBADMSG);
	CHECK_EQ_INT(next_of(high_tag, sizeof(high_tag), &t), -EBADMSG);
}

TEST(modval_der_nested_length_overflow)
{
	/* The outer SEQUENCE holds 4 bytes but its child claims 10. */
	static const uint8_t b[] = { 0x30, 0x04, 0x04, 0x0a, 0x01, 0x02, 0x03, 0x04, 0x05,
				     0x06, 0x07, 0x08, 0x09, 0x0a };
	struct der_cursor c, in;
	struct der_tlv t;

	der_init(&c, b, sizeof(b));
	CHECK_EQ_INT(der_next(&c, &t), 0);
	CHECK_EQ(t.len, 4);
	CHECK_EQ_INT(der_enter(&t, &in), 0);
	CHECK_EQ_INT(der_next(&in, &t), -EBADMSG);
	/* The rest of the buffer is another (truncated-looking) element. */
	CHECK_EQ(c.left, sizeof(b) - 6);
}

TEST(modval_der_depth_limit)
{
	uint8_t b[2 * 40];
	struct der_cursor c;
	struct der_tlv t;
	int depth = 0, err = 0;

	for (int i = 0; i < 40; i++) {
		b[2 * i] = 0x30;
		b[2 * i + 1] = (uint8_t)(2 * (40 - i - 1));
	}
	der_init(&c, b, sizeof(b));
	while (!(err = der_next(&c, &t))) {
		err = der_enter(&t, &c);
		if (err)
			break;
		depth++;
	}
	CHECK_EQ_INT(err, -ELOOP);
	CHECK_EQ_INT(depth, DER_MAX_DEPTH);
}

TEST(modval_der_expect_and_algid)
{
	static const uint8_t alg[] = { 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01,
				       0x65, 0x03, 0x04, 0x02, 0x01, 0x05, 0x00 };
	static const uint8_t sha256[] = { 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x01 };
	static const uint8_t trailing[] = { 0x30, 0x06, 0x06, 0x01, 0x2a, 0x05, 0x00, 0x05 };
	struct der_cursor c;
	struct der_tlv t, oid, params;

	der_init(&c, alg, sizeof(alg));
	CHECK_EQ_INT(der_expect(&c, DER_SET, &t), -EBADMSG);
	CHECK_EQ(c.left, sizeof(alg)); /* a failed expect consumes nothing */
	CHECK_EQ_INT(der_expect(&c, DER_SEQUENCE, &t), 0);
	CHECK_EQ_INT(der_algid(&t, &oid, &params), 0);
	CHECK(DER_OID_IS(&oid, sha256));
	CHECK_EQ(params.tag, DER_NULL);
	CHECK_EQ_INT(der_expect(&c, DER_SEQUENCE, &t), -EBADMSG); /* nothing left */

	/* A byte after the parameters makes the AlgorithmIdentifier invalid. */
	CHECK_EQ_INT(next_of(trailing, sizeof(trailing), &t), 0);
	CHECK_EQ_INT(der_algid(&t, &oid, &params), -EBADMSG);
	CHECK_EQ_INT(next_of(trailing, 7, &t), -EBADMSG);
	/* An OctetString is not an AlgorithmIdentifier. */
	t.tag = DER_OCTET_STRING;
	CHECK_EQ_INT(der_algid(&t, &oid, &params), -EBADMSG);
}
