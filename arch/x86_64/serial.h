/* SPDX-License-Identifier: MIT */
#ifndef ARCH_X86_64_SERIAL_H
#define ARCH_X86_64_SERIAL_H

#include <stddef.h>
#include "core/log.h"

void serial_init(void);
void serial_write(const char *s, size_t n);
/* core/log sink: one line plus CR LF, whole lines never interleave. */
void serial_log_sink(enum log_level lvl, const char *line, size_t len);
/* Lock-free output for panic paths (may interleave, never deadlocks). */
void serial_write_raw(const char *s, size_t n);

#endif
