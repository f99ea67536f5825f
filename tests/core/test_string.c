// SPDX-License-Identifier: MIT
#include <stdint.h>
#include <stdlib.h>
#include "core/libc/libc.h"
#include "tests/unit/unit.h"

TEST(core_string_mem)
{
	unsigned char a[64], b[64];

	for (int i = 0; i < 64; i++)
		a[i] = (unsigned char)i;
	/* Every alignment and length against glibc's answer. */
	for (int off = 0; off < 8; off++)
		for (int len = 0; len < 40; len++) {
			memset(b, 0xAA, sizeof(b));
			vg_memcpy(b + off, a, (size_t)len);
			CHECK_MEM(b + off, a, (size_t)len);
			CHECK_EQ(b[off + len], 0xAA);
		}
	memset(b, 0xAA, sizeof(b));
	vg_memset(b, 7, 10);
	CHECK_EQ(b[9], 7);
	CHECK_EQ(b[10], 0xAA);
	CHECK_EQ_INT(vg_memcmp("abc", "abd", 3), -1);
	CHECK_EQ_INT(vg_memcmp("abd", "abc", 3), 1);
	CHECK_EQ_INT(vg_memcmp("abc", "abc", 3), 0);
	CHECK(vg_memchr("hello", 'l', 5) == (const char *)"hello" + 2 ||
	      *(const char *)vg_memchr("hello", 'l', 5) == 'l');
	CHECK(vg_memchr("hello", 'z', 5) == NULL);
}

TEST(core_string_memmove_overlap)
{
	char buf[16] = "0123456789";

	vg_memmove(buf + 2, buf, 8);
	CHECK_MEM(buf, "0101234567", 10);
	memcpy(buf, "0123456789", 11);
	vg_memmove(buf, buf + 2, 8);
	CHECK_MEM(buf, "2345678989", 10);
}

TEST(core_string_str)
{
	char d[8];

	CHECK_EQ(vg_strlen(""), 0);
	CHECK_EQ(vg_strlen("abc"), 3);
	CHECK_EQ(vg_strnlen("abcdef", 3), 3);
	CHECK(vg_strcmp("a", "b") < 0);
	CHECK(vg_strcmp("b", "a") > 0);
	CHECK_EQ_INT(vg_strcmp("abc", "abc"), 0);
	CHECK_EQ_INT(vg_strncmp("abcx", "abcy", 3), 0);
	CHECK(vg_strncmp("abcx", "abcy", 4) < 0);
	CHECK_STR(vg_strchr("a,b,c", ','), ",b,c");
	CHECK_STR(vg_strrchr("a,b,c", ','), ",c");
	CHECK(vg_strchr("abc", 'z') == NULL);
	CHECK_EQ(vg_strlcpy(d, "0123456789", sizeof(d)), 10);
	CHECK_STR(d, "0123456");
}

TEST(core_string_strtoul)
{
	char *end;

	CHECK_EQ(vg_strtoul("42", &end, 10), 42);
	CHECK_EQ(*end, 0);
	CHECK_EQ(vg_strtoul("0x1F", NULL, 0), 31);
	CHECK_EQ(vg_strtoul("017", NULL, 0), 15);
	CHECK_EQ(vg_strtoul("  12abc", &end, 10), 12);
	CHECK_STR(end, "abc");
	CHECK_EQ(vg_strtoul("xyz", &end, 10), 0);
	CHECK_STR(end, "xyz");
	CHECK_EQ(vg_strtoull("99999999999999999999999", NULL, 10), ~0ULL);
	CHECK_EQ(vg_strtoull("ff", NULL, 16), 255);
	CHECK_EQ(vg_strtoull("0x", &end, 0), 0);
	CHECK_STR(end, "x");
}

TEST(core_string_fortify_ok)
{
	char b[8];

	vg___memcpy_chk(b, "1234567", 8, sizeof(b));
	CHECK_STR(b, "1234567");
	vg___memset_chk(b, 'x', 8, sizeof(b));
	CHECK_EQ(b[7], 'x');
}
