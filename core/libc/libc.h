/* SPDX-License-Identifier: MIT */
/*
 * The freestanding C library lives in core/libc/ (string.c).  In the images the
 * functions carry their standard names; for host unit tests the same source is
 * compiled with a "vg_" prefix so it can be tested next to glibc's versions.
 */
#ifndef CORE_LIBC_LIBC_H
#define CORE_LIBC_LIBC_H

#include <stddef.h>

#ifdef VTLGUARD_HOST
#define LIBC(name) vg_##name
void *vg_memcpy(void *restrict dst, const void *restrict src, size_t n);
void *vg_memmove(void *dst, const void *src, size_t n);
void *vg_memset(void *dst, int c, size_t n);
int vg_memcmp(const void *a, const void *b, size_t n);
void *vg_memchr(const void *s, int c, size_t n);
size_t vg_strlen(const char *s);
size_t vg_strnlen(const char *s, size_t max);
int vg_strcmp(const char *a, const char *b);
int vg_strncmp(const char *a, const char *b, size_t n);
char *vg_strchr(const char *s, int c);
char *vg_strrchr(const char *s, int c);
size_t vg_strlcpy(char *dst, const char *src, size_t size);
unsigned long vg_strtoul(const char *s, char **end, int base);
unsigned long long vg_strtoull(const char *s, char **end, int base);
void *vg___memcpy_chk(void *dst, const void *src, size_t n, size_t dstlen);
void *vg___memset_chk(void *dst, int c, size_t n, size_t dstlen);
void *vg___memmove_chk(void *dst, const void *src, size_t n, size_t dstlen);
#else
#define LIBC(name) name
#include <string.h>
#include <stdlib.h>
#endif

/* Called when a fortified function detects an overflow; never returns. */
void libc_fortify_fail(const char *what) __attribute__((noreturn));

#endif
