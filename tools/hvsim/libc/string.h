/* SPDX-License-Identifier: MIT */
/* Fallback <string.h> for hvsim and test guests while core/libc has none;
 * core/libc/include comes first on the include path and wins once it exists. */
#ifndef HVSIM_LIBC_STRING_H
#define HVSIM_LIBC_STRING_H
#include <stddef.h>
void *memcpy(void *d, const void *s, size_t n);
void *memmove(void *d, const void *s, size_t n);
void *memset(void *d, int c, size_t n);
int memcmp(const void *a, const void *b, size_t n);
size_t strlen(const char *s);
int strncmp(const char *a, const char *b, size_t n);
#endif
