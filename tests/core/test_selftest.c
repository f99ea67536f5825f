// SPDX-License-Identifier: MIT
#include <stdlib.h>
#include "core/errno.h"
#include "core/selftest.h"
#include "tests/unit/unit.h"

TEST(core_selftest_pass_on_good_inputs)
{
	const char *why = NULL;

	CHECK_EQ_INT(selftest_fdt(selftest_dtb, (size_t)((uintptr_t)selftest_dtb_end - (uintptr_t)selftest_dtb), &why), 0);
	CHECK_EQ_INT(selftest_sha256(&why), 0);
}

TEST(core_selftest_fdt_detects_corruption)
{
	size_t n = (size_t)((uintptr_t)selftest_dtb_end - (uintptr_t)selftest_dtb);
	unsigned char *copy = malloc(n);
	const char *why = NULL;

	uint32_t off;

	/* An invalid tag where the root node should begin. */
	memcpy(copy, selftest_dtb, n);
	off = (uint32_t)copy[8] << 24 | copy[9] << 16 | copy[10] << 8 | copy[11];
	CHECK(off + 4 <= n);
	copy[off + 3] = 0x7;
	CHECK(selftest_fdt(copy, n, &why) < 0);
	/* The right structure with the wrong answer. */
	memcpy(copy, selftest_dtb, n);
	for (size_t i = 0; i + 4 <= n; i++)
		if (copy[i] == 0 && copy[i + 1] == 0 && copy[i + 2] == 0 && copy[i + 3] == 42)
			copy[i + 3] = 41;
	CHECK(selftest_fdt(copy, n, &why) < 0);
	memcpy(copy, selftest_dtb, n);
	CHECK(why != NULL);
	CHECK(selftest_fdt(copy, 8, &why) < 0); /* truncated */
	free(copy);
}
