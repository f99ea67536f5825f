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

/*
 * Copy a message into out (room bytes, NUL included) with every byte that
 * could forge or hide a line escaped: control characters (newline, CR, ESC
 * ...), DEL and bytes >= 0x80 become \xNN, a backslash becomes \\.  Log
 * lines carry strings from signed data (signer CNs, symbol names) and VTL0;
 * escaped, "\n VIOLATION ..." in a CN can never start a record of its own.
 * An escape is never cut in half.  Returns the length written.
 */
size_t log_escape(char *out, size_t room, const char *msg, size_t len)
{
	static const char hex[] = "0123456789abcdef";
	size_t n = 0;

	if (!room)
		return 0;
	for (size_t i = 0; i < len; i++) {
		unsigned char ch = (unsigned char)msg[i];

		if (ch >= 0x20 && ch < 0x7f && ch != '\\') {
			if (n + 1 >= room)
				break;
			out[n++] = (char)ch;
		} else if (ch == '\\') {
			if (n + 2 >= room)
				break;
			out[n++] = '\\';
			out[n++] = '\\';
		} else {
			if (n + 4 >= room)
				break;
			out[n++] = '\\';
			out[n++] = 'x';
			out[n++] = hex[ch >> 4];
			out[n++] = hex[ch & 15];
		}
	}
	out[n] = '\0';
	return n;
}

void vlog(enum log_level lvl, const char *fmt, va_list ap)
{
	char line[LOG_LINE_MAX], msg[LOG_LINE_MAX];
	int n, m;
	size_t len;

	if (lvl > max_level)
		return;
	if ((unsigned)lvl > LOG_DEBUG)
		lvl = LOG_ERROR;
	n = snprintk(line, sizeof(line), "%s%s%s: ", line_prefix, *line_prefix ? " " : "",
		     level_tag[lvl]);
	if (n < 0 || (size_t)n >= sizeof(line))
		n = 0;
	m = vsnprintk(msg, sizeof(msg), fmt, ap);
	len = m < 0 ? 0 : (size_t)m >= sizeof(msg) ? sizeof(msg) - 1 : (size_t)m;
	/* A message must be one line: strip trailing newlines, escape the rest. */
	while (len > 0 && msg[len - 1] == '\n')
		len--;
	n += (int)log_escape(line + n, sizeof(line) - (size_t)n, msg, len);
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
