// SPDX-License-Identifier: MIT
#include <libfdt.h>
#include <stdlib.h>
#include "core/errno.h"
#include "core/fdt_untrusted.h"
#include "core/selftest.h"
#include "tests/unit/unit.h"

static uint64_t buf[512]; /* 8-byte aligned */

static size_t good(void)
{
	size_t n = (size_t)((uintptr_t)selftest_dtb_end - (uintptr_t)selftest_dtb);

	memcpy(buf, selftest_dtb, n);
	return n;
}

static void put32(size_t off, uint32_t v)
{
	uint8_t *p = (uint8_t *)buf + off;

	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

/* Offset of the first FDT_PROP tag in the structure block. */
static size_t first_prop(void)
{
	const uint8_t *b = (const uint8_t *)buf;
	size_t off = fdt_off_dt_struct(buf);

	for (size_t i = off; i + 4 <= off + fdt_size_dt_struct(buf); i += 4)
		if (b[i] == 0 && b[i + 1] == 0 && b[i + 2] == 0 && b[i + 3] == FDT_PROP)
			return i;
	return 0;
}

TEST(core_fdt_untrusted_accepts_dtc_output)
{
	const char *why = NULL;
	size_t n = good();

	CHECK_EQ_INT(fdt_check_untrusted(buf, n, &why), 0);
	CHECK_EQ_INT(fdt_check_untrusted((uint8_t *)buf + 4, n - 4, &why), -EINVAL); /* unaligned */
}

TEST(core_fdt_untrusted_refuses_what_hangs_or_crashes_libfdt)
{
	const char *why = NULL;
	size_t n, p;

	/* The fuzzer's hang: a property length that wraps the offset. */
	n = good();
	p = first_prop();
	CHECK(p != 0);
	put32(p + 4, 0xfffffff4);
	CHECK_EQ_INT(fdt_check_untrusted(buf, n, &why), -EINVAL);
	CHECK(strstr(why, "property length") != NULL);
	/* The fuzzer's crash: versions below 17. */
	n = good();
	for (uint32_t v = 1; v < 17; v++) {
		put32(20, v);
		CHECK_EQ_INT(fdt_check_untrusted(buf, n, &why), -EINVAL);
	}
	/* Name offset outside the strings block. */
	n = good();
	put32(p + 8, 0x7fffffff);
	CHECK_EQ_INT(fdt_check_untrusted(buf, n, &why), -EINVAL);
	/* Sizes and offsets outside the blob. */
	n = good();
	put32(4, (uint32_t)n + 8);
	CHECK_EQ_INT(fdt_check_untrusted(buf, n, &why), -EINVAL);
	n = good();
	put32(8, 0xfffffff0); /* off_dt_struct */
	CHECK_EQ_INT(fdt_check_untrusted(buf, n, &why), -EINVAL);
	n = good();
	put32(36, 0xfffffff0); /* size_dt_struct */
	CHECK_EQ_INT(fdt_check_untrusted(buf, n, &why), -EINVAL);
	n = good();
	put32(p, 0x77); /* unknown tag */
	CHECK_EQ_INT(fdt_check_untrusted(buf, n, &why), -EINVAL);
	n = good();
	put32(0, 0x12345678); /* magic */
	CHECK_EQ_INT(fdt_check_untrusted(buf, n, &why), -EINVAL);
	CHECK_EQ_INT(fdt_check_untrusted(buf, 16, &why), -EINVAL);
}
