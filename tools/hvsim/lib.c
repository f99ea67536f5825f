// SPDX-License-Identifier: MIT
/* The few libc routines the freestanding hvsim image and test guests need
 * (the compiler may emit calls to memcpy/memset itself). */
#include <stdint.h>
#include <string.h>

/* Word loops when both pointers are 8-aligned: page copies and clears are
 * on hvsim's hot paths (hypercall buffers, NPT pages) and TCG is slow per
 * instruction. */
void *memcpy(void *d, const void *s, size_t n)
{
	unsigned char *dd = d;
	const unsigned char *ss = s;
	if ((((uintptr_t)dd | (uintptr_t)ss) & 7) == 0) {
		for (; n >= 8; n -= 8, dd += 8, ss += 8)
			*(uint64_t *)(void *)dd = *(const uint64_t *)(const void *)ss;
	}
	while (n--)
		*dd++ = *ss++;
	return d;
}

void *memmove(void *d, const void *s, size_t n)
{
	unsigned char *dd = d;
	const unsigned char *ss = s;
	if (dd < ss) {
		while (n--)
			*dd++ = *ss++;
	} else {
		while (n--)
			dd[n] = ss[n];
	}
	return d;
}

void *memset(void *d, int c, size_t n)
{
	unsigned char *dd = d;
	if (((uintptr_t)dd & 7) == 0) {
		uint64_t w = 0x0101010101010101ull * (unsigned char)c;
		for (; n >= 8; n -= 8, dd += 8)
			*(uint64_t *)(void *)dd = w;
	}
	while (n--)
		*dd++ = (unsigned char)c;
	return d;
}

int memcmp(const void *a, const void *b, size_t n)
{
	const unsigned char *x = a, *y = b;
	for (; n; n--, x++, y++)
		if (*x != *y)
			return *x - *y;
	return 0;
}

size_t strlen(const char *s)
{
	size_t n = 0;
	while (s[n])
		n++;
	return n;
}

int strncmp(const char *a, const char *b, size_t n)
{
	for (; n; n--, a++, b++) {
		if (*a != *b)
			return (unsigned char)*a - (unsigned char)*b;
		if (!*a)
			return 0;
	}
	return 0;
}

