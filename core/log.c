// SPDX-License-Identifier: MIT
/*
 * Levelled logging: format once into a bounded line, then hand the line to
 * every sink.  The line buffer is on the stack so concurrent CPUs never share
 * it; sinks serialise their own output.
 */
#include <string.h>
#include "core/errno.h"
#include "core/fmt.h"
#include "core/log.h"

#define LOG_MAX_SINKS 4
#define LOG_LINE_MAX  256

static enum log_level max_level = LOG_INFO;
static log_sink_fn sinks[LOG_MAX_SINKS];
static const char *line_prefix = "";
static const char *const level_tag[] = { "ERROR", "WARN ", "INFO ", "DEBUG" };

void log_set_level(enum log_level max) { max_level = max; }
enum log_level log_get_level(void) { return max_level; }
void log_set_prefix(const char *prefix) { line_prefix = prefix ? prefix : ""; }

int log_add_sink(log_sink_fn fn)
{
	for (unsigned i = 0; i < LOG_MAX_SINKS; i++) {
		if (sinks[i] == fn)
			return 0;
		if (!sinks[i]) {
			sinks[i] = fn;
			return 0;
		}
	}
	return -ENOSPC;
}

void log_remove_sink(log_sink_fn fn)
{
	for (unsigned i = 0; i < LOG_MAX_SINKS; i++)
		if (sinks[i] == fn)
			sinks[i] = NULL;
}

void vlog(enum log_level lvl, const char *fmt, va_list ap)
{
	char line[LOG_LINE_MAX];
	int n, m;

	if (lvl > max_level)
		return;
	if ((unsigned)lvl > LOG_DEBUG)
		lvl = LOG_ERROR;
	n = snprintk(line, sizeof(line), "%s%s%s: ", line_prefix, *line_prefix ? " " : "",
		     level_tag[lvl]);
	if (n < 0 || (size_t)n >= sizeof(line))
		n = 0;
	m = vsnprintk(line + n, sizeof(line) - (size_t)n, fmt, ap);
	n = (size_t)n + (size_t)m >= sizeof(line) ? (int)sizeof(line) - 1 : n + m;
	/* A message must be one line: strip trailing newlines. */
	while (n > 0 && line[n - 1] == '\n')
		line[--n] = '\0';
	for (unsigned i = 0; i < LOG_MAX_SINKS; i++) {
		log_sink_fn fn = sinks[i];

		if (fn)
			fn(lvl, line, (size_t)n);
	}
}

void log_msg(enum log_level lvl, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vlog(lvl, fmt, ap);
	va_end(ap);
}
