// SPDX-License-Identifier: MIT
#include <bearssl.h>
#include <libfdt.h>
#include <string.h>
#include "core/errno.h"
#include "core/selftest.h"

int selftest_fdt(const void *dtb, size_t size, const char **why)
{
	const void *p;
	int len, node;

	if (size > INT32_MAX || fdt_check_full(dtb, size) != 0) {
		*why = "fdt_check_full rejected the embedded DTB";
		return -EBADMSG;
	}
	node = fdt_path_offset(dtb, "/selftest");
	if (node < 0) {
		*why = "node /selftest missing";
		return -ENOENT;
	}
	p = fdt_getprop(dtb, node, "answer", &len);
	if (!p || len != 4 || fdt32_ld(p) != 42) {
		*why = "property /selftest/answer is not <42>";
		return -EBADMSG;
	}
	*why = "ok";
	return 0;
}

int selftest_sha256(const char **why)
{
	/* FIPS 180-2 appendix B.1: SHA-256("abc"). */
	static const unsigned char expect[32] = {
		0xba, 0x78, 0x16, 0xbf, 0x8f, 0x01, 0xcf, 0xea, 0x41, 0x41, 0x40,
		0xde, 0x5d, 0xae, 0x22, 0x23, 0xb0, 0x03, 0x61, 0xa3, 0x96, 0x17,
		0x7a, 0x9c, 0xb4, 0x10, 0xff, 0x61, 0xf2, 0x00, 0x15, 0xad,
	};
	br_sha256_context ctx;
	unsigned char out[32];

	br_sha256_init(&ctx);
	br_sha256_update(&ctx, "abc", 3);
	br_sha256_out(&ctx, out);
	if (memcmp(out, expect, sizeof(out)) != 0) {
		*why = "SHA-256(\"abc\") does not match FIPS 180-2 B.1";
		return -EBADMSG;
	}
	*why = "ok";
	return 0;
}
