/* SPDX-License-Identifier: MIT */
/* Freestanding <stdlib.h>: only what libfdt needs. No malloc here. */
#ifndef VTLGUARD_LIBC_STDLIB_H
#define VTLGUARD_LIBC_STDLIB_H

#include <stddef.h>

unsigned long strtoul(const char *s, char **end, int base);
unsigned long long strtoull(const char *s, char **end, int base);

#endif
