/* SPDX-License-Identifier: MIT */
/*
 * Levelled logging.  Every message goes through one formatter (core/fmt.c)
 * and then to the registered sinks (the serial console in the image, a buffer
 * or stderr on the host, the VTL0-readable ring once VTL0 provides one).
 * Lines are prefixed with the level and, when known, the CPU number.
 */
#ifndef CORE_LOG_H
#define CORE_LOG_H

#include <stdarg.h>
#include "core/compiler.h"

enum log_level { LOG_ERROR = 0, LOG_WARN = 1, LOG_INFO = 2, LOG_DEBUG = 3 };

/* A sink receives one complete, NUL-terminated line without the newline. */
typedef void (*log_sink_fn)(enum log_level lvl, const char *line, size_t len);

void log_set_level(enum log_level max);           /* default LOG_INFO */
enum log_level log_get_level(void);
int log_add_sink(log_sink_fn fn);                 /* 0 or -ENOSPC */
void log_remove_sink(log_sink_fn fn);
void log_set_prefix(const char *prefix);          /* e.g. "vtl1" */
/* The escaping every message gets (control bytes, DEL, >= 0x80 -> \xNN,
 * backslash -> \\): out gets at most room - 1 characters and a NUL. */
size_t log_escape(char *out, size_t room, const char *msg, size_t len);
void vlog(enum log_level lvl, const char *fmt, va_list ap);
void log_msg(enum log_level lvl, const char *fmt, ...) __printf(2, 3);

#define log_error(...) log_msg(LOG_ERROR, __VA_ARGS__)
#define log_warn(...)  log_msg(LOG_WARN, __VA_ARGS__)
#define log_info(...)  log_msg(LOG_INFO, __VA_ARGS__)
#define log_debug(...) log_msg(LOG_DEBUG, __VA_ARGS__)

#endif
