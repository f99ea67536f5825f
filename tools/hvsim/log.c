// SPDX-License-Identifier: MIT
/*
 * hvsim layer 1: the console and log lines.  Every line goes to COM1 in one
 * piece, prefixed with who wrote it ("[hvsim] ", "[trace] ", "[vtlN/vpM] ").
 */
#include "tools/hvsim/log.h"

#include <stdarg.h>
#include <string.h>

#include "arch/x86_64/serial.h"
#include "core/fmt.h"
#include "tools/hvsim/partition.h"

void hv_console_write(const char *prefix, const char *s, size_t n)
{
	/* ELF guests: one CPU.  Linux mode: every caller holds the partition
	 * lock (exit handling) or runs before the other CPUs start, so the
	 * three writes of a line cannot interleave. */
	serial_write(prefix, strlen(prefix));
	serial_write(s, n);
	serial_write("\n", 1);
}

static void vlog_line(const char *pfx, const char *fmt, va_list ap)
{
	char buf[256];
	int n = vsnprintk(buf, sizeof(buf), fmt, ap);
	hv_console_write(pfx, buf, n < (int)sizeof(buf) ? (size_t)n : sizeof(buf) - 1);
}

void hv_log(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vlog_line("[hvsim] ", fmt, ap);
	va_end(ap);
}

void hv_trace(const char *fmt, ...)
{
	va_list ap;
	if (!hvp->trace)
		return;
	va_start(ap, fmt);
	vlog_line("[trace] ", fmt, ap);
	va_end(ap);
}

void hv_snprintf_prefix(char *buf, size_t n, int vtl, unsigned int vp)
{
	snprintk(buf, n, "[vtl%d/vp%u] ", vtl, vp);
}
