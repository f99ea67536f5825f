/* SPDX-License-Identifier: MIT */
/*
 * hvsim layer 1: the console and log lines (log.c), and the names --trace
 * lines print (tracenames.c).  In the host unit tests the console and log are
 * fakes (tests/hvsim/test_hvsim_unit.c).
 */
#ifndef HVSIM_LOG_H
#define HVSIM_LOG_H

#include <stddef.h>
#include <stdint.h>

void hv_console_write(const char *prefix, const char *s, size_t n);
void hv_log(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Only when hvsim runs with --trace (hvp->trace). */
void hv_trace(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* "[vtlN/vpM] ", the prefix of a guest's console line */
void hv_snprintf_prefix(char *buf, size_t n, int vtl, unsigned int vp);

/* --- names for --trace lines only (tracenames.c) --- */
const char *hv_trace_msg_name(uint32_t type);
const char *hv_trace_reg_name(uint32_t name);
const char *hv_trace_vtl_call_name(uint64_t rdi);

#endif
