/* SPDX-License-Identifier: MIT */
#ifndef CORE_PANIC_H
#define CORE_PANIC_H

#include "core/compiler.h"

/* Print the message and a frame-pointer backtrace, then stop this CPU for good. */
__noreturn void panic(const char *fmt, ...) __printf(1, 2);

#define BUG_ON(cond)                                                          \
	do {                                                                  \
		if (unlikely(cond))                                           \
			panic("BUG_ON(%s) at %s:%d", #cond, __FILE__, __LINE__); \
	} while (0)

#endif
