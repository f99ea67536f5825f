// SPDX-License-Identifier: MIT
#include <limits.h>
#include <stdint.h>
#pragma GCC diagnostic ignored "-Wformat-security"
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
#include "core/fmt.h"
#include "tests/unit/unit.h"

#define FMT_CHECK(expect, ...)                                             \
	do {                                                               \
		char b_[128];                                              \
		int n_ = snprintk(b_, sizeof(b_), __VA_ARGS__);            \
		CHECK_STR(b_, expect);                                     \
		CHECK_EQ_INT(n_, (int)strlen(expect));                     \
	} while (0)

TEST(core_fmt_integers)
{
	FMT_CHECK("0", "%d", 0);
	FMT_CHECK("-42", "%d", -42);
	FMT_CHECK("2147483647", "%d", INT_MAX);
	FMT_CHECK("-2147483648", "%d", INT_MIN);
	FMT_CHECK("4294967295", "%u", UINT_MAX);
	FMT_CHECK("-9223372036854775808", "%lld", LLONG_MIN);
	FMT_CHECK("18446744073709551615", "%llu", ULLONG_MAX);
	FMT_CHECK("-1", "%ld", -1L);
	FMT_CHECK("123", "%zu", (size_t)123);
	FMT_CHECK("-1", "%hhd", 255);
	FMT_CHECK("65535", "%hu", 65535);
	FMT_CHECK("+5", "%+d", 5);
	FMT_CHECK(" 5", "% d", 5);
}

TEST(core_fmt_hex_octal)
{
	FMT_CHECK("ff", "%x", 255);
	FMT_CHECK("FF", "%X", 255);
	FMT_CHECK("0xff", "%#x", 255);
	FMT_CHECK("ffffffffffffffff", "%lx", ~0UL);
	FMT_CHECK("17", "%o", 15);
	FMT_CHECK("017", "%#o", 15);
	FMT_CHECK("0x1f000", "%p", (void *)0x1f000);
}

TEST(core_fmt_width_precision)
{
	FMT_CHECK("   42", "%5d", 42);
	FMT_CHECK("42   |", "%-5d|", 42);
	FMT_CHECK("00042", "%05d", 42);
	FMT_CHECK("-0042", "%05d", -42);
	FMT_CHECK("00000000deadbeef", "%016lx", 0xdeadbeefUL);
	FMT_CHECK("0x0000beef", "%#010x", 0xbeef);
	FMT_CHECK("  007", "%5.3d", 7);
	FMT_CHECK("   ab", "%5s", "ab");
	FMT_CHECK("ab   |", "%-5s|", "ab");
	FMT_CHECK("abc", "%.3s", "abcdef");
	FMT_CHECK("   ab", "%*s", 5, "ab");
	FMT_CHECK("ab", "%.*s", 2, "abc");
	FMT_CHECK("", "%.0d", 0);
}

TEST(core_fmt_misc)
{
	FMT_CHECK("x%y", "x%%y");
	FMT_CHECK("c=A", "c=%c", 'A');
	/* Malformed formats come through variables so gcc does not reject them. */
	const char *volatile nul = NULL;
	const char *volatile bad = "%q", *volatile tail = "end%";
	char b[32];

	FMT_CHECK("(null)", "%s", nul);
	snprintk(b, sizeof(b), bad);
	CHECK_STR(b, "%q");
	snprintk(b, sizeof(b), tail);
	CHECK_STR(b, "end");
}

TEST(core_fmt_truncation)
{
	char b[8];
	int n = snprintk(b, sizeof(b), "%s", "0123456789");

	CHECK_EQ_INT(n, 10);
	CHECK_STR(b, "0123456");
	memset(b, 'Z', sizeof(b));
	n = snprintk(b, 1, "abc");
	CHECK_EQ_INT(n, 3);
	CHECK_EQ(b[0], 0);
	CHECK_EQ(b[1], 'Z');
	n = snprintk(NULL, 0, "%d", 12345);
	CHECK_EQ_INT(n, 5);
}
