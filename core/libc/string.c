// SPDX-License-Identifier: MIT
/*
 * Freestanding string functions.  Byte loops on purpose: they are short and
 * obviously correct; only the hot ones, memcpy (page-sized copies) and
 * memset (every VTL entry), go 8 bytes at a time when the pointers allow it.
 */
#include <stdint.h>
#include "core/compiler.h"
#include "core/libc/libc.h"

__fastpath
void *LIBC(memcpy)(void *restrict dst, const void *restrict src, size_t n)
{
	unsigned char *d = dst;
	const unsigned char *s = src;

	if ((((uintptr_t)d | (uintptr_t)s) & 7) == 0) {
		for (; n >= 8; n -= 8, d += 8, s += 8)
			*(uint64_t *)(void *)d = *(const uint64_t *)(const void *)s;
	}
	while (n--)
		*d++ = *s++;
	return dst;
}

void *LIBC(memmove)(void *dst, const void *src, size_t n)
{
	unsigned char *d = dst;
	const unsigned char *s = src;

	if (d == s || n == 0)
		return dst;
	if (d < s || d >= s + n) {
		while (n--)
			*d++ = *s++;
	} else {
		d += n;
		s += n;
		while (n--)
			*--d = *--s;
	}
	return dst;
}

__fastpath
void *LIBC(memset)(void *dst, int c, size_t n)
{
	unsigned char *d = dst;

	/* 8 bytes at a time when aligned: every VTL entry clears its event
	 * and every hypercall its input, and a byte loop was a visible part of
	 * a VTL call's own instructions. */
	if (((uintptr_t)d & 7) == 0) {
		uint64_t w = 0x0101010101010101ull * (unsigned char)c;

		for (; n >= 8; n -= 8, d += 8)
			*(uint64_t *)(void *)d = w;
	}
	while (n--)
		*d++ = (unsigned char)c;
	return dst;
}

int LIBC(memcmp)(const void *a, const void *b, size_t n)
{
	const unsigned char *x = a, *y = b;

	for (; n; n--, x++, y++)
		if (*x != *y)
			return *x < *y ? -1 : 1;
	return 0;
}

void *LIBC(memchr)(const void *s, int c, size_t n)
{
	const unsigned char *p = s;

	for (; n; n--, p++)
		if (*p == (unsigned char)c)
			return (void *)(uintptr_t)p;
	return NULL;
}

size_t LIBC(strlen)(const char *s)
{
	size_t n = 0;

	while (s[n])
		n++;
	return n;
}

size_t LIBC(strnlen)(const char *s, size_t max)
{
	size_t n = 0;

	while (n < max && s[n])
		n++;
	return n;
}

int LIBC(strcmp)(const char *a, const char *b)
{
	while (*a && *a == *b) {
		a++;
		b++;
	}
	return (unsigned char)*a - (unsigned char)*b;
}

int LIBC(strncmp)(const char *a, const char *b, size_t n)
{
	for (; n; n--, a++, b++) {
		if (*a != *b)
			return (unsigned char)*a - (unsigned char)*b;
		if (!*a)
			return 0;
	}
	return 0;
}

char *LIBC(strchr)(const char *s, int c)
{
	for (;; s++) {
		if (*s == (char)c)
			return (char *)(uintptr_t)s;
		if (!*s)
			return NULL;
	}
}

char *LIBC(strrchr)(const char *s, int c)
{
	const char *last = NULL;

	for (;; s++) {
		if (*s == (char)c)
			last = s;
		if (!*s)
			return (char *)(uintptr_t)last;
	}
}

size_t LIBC(strlcpy)(char *dst, const char *src, size_t size)
{
	size_t len = LIBC(strlen)(src);

	if (size) {
		size_t n = len < size - 1 ? len : size - 1;

		LIBC(memcpy)(dst, src, n);
		dst[n] = '\0';
	}
	return len;
}

static int digit_value(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'Z')
		return c - 'A' + 10;
	return 99;
}

/* strtoull with C semantics, saturating at ULLONG_MAX on overflow. */
unsigned long long LIBC(strtoull)(const char *s, char **end, int base)
{
	const char *p = s;
	unsigned long long v = 0;
	int neg = 0, any = 0, over = 0;

	while (*p == ' ' || (*p >= '\t' && *p <= '\r'))
		p++;
	if (*p == '+' || *p == '-')
		neg = *p++ == '-';
	if ((base == 0 || base == 16) && p[0] == '0' && (p[1] == 'x' || p[1] == 'X') &&
	    digit_value(p[2]) < 16) {
		p += 2;
		base = 16;
	} else if (base == 0) {
		base = p[0] == '0' ? 8 : 10;
	}
	if (base < 2 || base > 36) {
		if (end)
			*end = (char *)(uintptr_t)s;
		return 0;
	}
	for (;; p++) {
		int d = digit_value(*p);

		if (d >= base)
			break;
		any = 1;
		if (__builtin_mul_overflow(v, (unsigned)base, &v) ||
		    __builtin_add_overflow(v, (unsigned)d, &v))
			over = 1;
	}
	if (end)
		*end = (char *)(uintptr_t)(any ? p : s);
	if (over)
		return ~0ULL;
	return neg ? -v : v;
}

unsigned long LIBC(strtoul)(const char *s, char **end, int base)
{
	return (unsigned long)LIBC(strtoull)(s, end, base);
}

/*
 * _FORTIFY_SOURCE entry points.  Debian builds libbearssl.a with fortify on,
 * so the image must provide them; an overflow here is a bug in VTL1 and stops
 * the CPU rather than corrupting memory.
 */
void *LIBC(__memcpy_chk)(void *dst, const void *src, size_t n, size_t dstlen)
{
	if (n > dstlen)
		libc_fortify_fail("memcpy");
	return LIBC(memcpy)(dst, src, n);
}

void *LIBC(__memmove_chk)(void *dst, const void *src, size_t n, size_t dstlen)
{
	if (n > dstlen)
		libc_fortify_fail("memmove");
	return LIBC(memmove)(dst, src, n);
}

void *LIBC(__memset_chk)(void *dst, int c, size_t n, size_t dstlen)
{
	if (n > dstlen)
		libc_fortify_fail("memset");
	return LIBC(memset)(dst, c, n);
}
