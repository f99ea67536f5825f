/* SPDX-License-Identifier: MIT */
/*
 * printk-style formatter.  Supports %d %i %u %x %X %o %p %s %c %%, the
 * length modifiers l, ll, z, h, hh, flags '-' '0' '#' ' ' '+', a width and a
 * precision (also '*').  Always NUL-terminates when size > 0 and returns the
 * length the full output would have had, like snprintf.
 */
#ifndef CORE_FMT_H
#define CORE_FMT_H

#include <stdarg.h>
#include <stddef.h>

int vsnprintk(char *buf, size_t size, const char *fmt, va_list ap);
/* (format attribute spelled out: this header stays free of core/compiler.h) */
int snprintk(char *buf, size_t size, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

#endif
