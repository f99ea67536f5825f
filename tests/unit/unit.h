/* SPDX-License-Identifier: MIT */
/*
 * Minimal host unit-test harness.  A test is a function declared with
 * TEST(name); it registers itself at start-up.  CHECK* macros record a failure
 * (file:line and the expression) and let the test go on, so one run shows every
 * broken assertion.  The runner prints one line per failed test and ends with
 * "N passed, N failed".
 */
#ifndef TESTS_UNIT_UNIT_H
#define TESTS_UNIT_UNIT_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

struct unit_test {
	const char *name;
	const char *file;
	void (*fn)(void);
	struct unit_test *next;
};

void unit_register(struct unit_test *t);
void unit_fail(const char *file, int line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

#define TEST(name)                                                        \
	static void test_##name(void);                                    \
	static struct unit_test unit_##name = { #name, __FILE__,          \
						test_##name, NULL };      \
	__attribute__((constructor)) static void unit_reg_##name(void)    \
	{                                                                 \
		unit_register(&unit_##name);                              \
	}                                                                 \
	static void test_##name(void)

#define CHECK(cond)                                                       \
	do {                                                              \
		if (!(cond))                                              \
			unit_fail(__FILE__, __LINE__, "CHECK(%s)", #cond); \
	} while (0)

#define CHECK_EQ(a, b)                                                    \
	do {                                                              \
		unsigned long long ua_ = (unsigned long long)(a);         \
		unsigned long long ub_ = (unsigned long long)(b);         \
		if (ua_ != ub_)                                           \
			unit_fail(__FILE__, __LINE__,                     \
				  "%s == %s: 0x%llx != 0x%llx", #a, #b,   \
				  ua_, ub_);                              \
	} while (0)

/* Signed compare, for errno-style results. */
#define CHECK_EQ_INT(a, b)                                                \
	do {                                                              \
		long long sa_ = (long long)(a), sb_ = (long long)(b);     \
		if (sa_ != sb_)                                           \
			unit_fail(__FILE__, __LINE__,                     \
				  "%s == %s: %lld != %lld", #a, #b, sa_,  \
				  sb_);                                   \
	} while (0)

#define CHECK_STR(a, b)                                                   \
	do {                                                              \
		const char *sa_ = (a), *sb_ = (b);                        \
		if (strcmp(sa_, sb_) != 0)                                \
			unit_fail(__FILE__, __LINE__,                     \
				  "%s == %s: \"%s\" != \"%s\"", #a, #b,   \
				  sa_, sb_);                              \
	} while (0)

#define CHECK_MEM(a, b, n)                                                \
	do {                                                              \
		if (memcmp((a), (b), (n)) != 0)                           \
			unit_fail(__FILE__, __LINE__,                     \
				  "memcmp(%s, %s, %s) != 0", #a, #b, #n); \
	} while (0)

#endif
