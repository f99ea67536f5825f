/* SPDX-License-Identifier: MIT */
/*
 * Bounded DER reader.  Signatures and certificates arrive from VTL0, so every
 * length is checked against the bytes that are left in its parent before it
 * is used.  Only DER is accepted: single-byte tags, definite minimal lengths
 * (at most 4 length bytes), no indefinite form.  Nesting is limited to
 * DER_MAX_DEPTH levels.  Nothing is copied: a TLV points into the input.
 */
#ifndef VTL_PROTECT_MODVAL_DER_H
#define VTL_PROTECT_MODVAL_DER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define DER_MAX_DEPTH 24

/* Universal and context tags used by X.509, CMS and Authenticode. */
#define DER_BOOLEAN      0x01
#define DER_INTEGER      0x02
#define DER_BIT_STRING   0x03
#define DER_OCTET_STRING 0x04
#define DER_NULL         0x05
#define DER_OID          0x06
#define DER_SEQUENCE     0x30
#define DER_SET          0x31
#define DER_CTX(n)       (0x80 | (n))   /* [n] IMPLICIT, primitive */
#define DER_CTX_CONS(n)  (0xa0 | (n))   /* [n] constructed / EXPLICIT */

/* A window of bytes that holds zero or more TLVs. */
struct der_cursor {
	const uint8_t *p;
	size_t left;
	unsigned int depth;
};

/* One decoded element.  tlv/tlv_len span tag+length+value. */
struct der_tlv {
	uint8_t tag;
	const uint8_t *tlv;
	size_t tlv_len;
	const uint8_t *val;
	size_t len;
	unsigned int depth;     /* depth of the cursor it came from */
};

/* Start reading buf[0..len). */
void der_init(struct der_cursor *c, const void *buf, size_t len);

/* True when no bytes are left. */
static inline bool der_empty(const struct der_cursor *c)
{
	return c->left == 0;
}

/*
 * Read the next TLV and advance past it.  Returns 0, -ENOENT when the cursor
 * is empty, or -EBADMSG when the element is malformed or runs past the end.
 */
int der_next(struct der_cursor *c, struct der_tlv *out);

/* Like der_next, but the element must carry `tag` (else -EBADMSG). */
int der_expect(struct der_cursor *c, uint8_t tag, struct der_tlv *out);

/* Tag of the next element without consuming it; -ENOENT/-EBADMSG as above. */
int der_peek_tag(const struct der_cursor *c, uint8_t *tag);

/*
 * Open a constructed element's contents as a child cursor.  Fails with
 * -EBADMSG for primitive tags and with -ELOOP past DER_MAX_DEPTH.
 */
int der_enter(const struct der_tlv *t, struct der_cursor *child);

/*
 * Open a constructed element that must carry `tag`, read from c:
 * der_expect + der_enter in one step.
 */
int der_expect_enter(struct der_cursor *c, uint8_t tag, struct der_cursor *child);

/* True if t is an OID whose encoded body equals oid[0..len). */
bool der_oid_is(const struct der_tlv *t, const uint8_t *oid, size_t len);

#define DER_OID_IS(t, arr) der_oid_is((t), (arr), sizeof(arr))

/*
 * Parse an AlgorithmIdentifier SEQUENCE { OID, params OPTIONAL }; the params,
 * if present, must be NULL or are returned in *params (params->len == 0 and
 * params->tlv == NULL when absent).
 */
int der_algid(const struct der_tlv *seq, struct der_tlv *oid, struct der_tlv *params);

#endif
