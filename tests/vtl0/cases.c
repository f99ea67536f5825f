// SPDX-License-Identifier: MIT
/*
 * Verdict helpers shared by every case.  An attack passes only when BOTH
 * hold: it failed in VTL0 (#GP caught by our handler, or the right -errno in
 * R8) AND VTL1 recorded it (a matching VIOLATION line in VTL1's log ring).
 */
#include "tests/vtl0/vtl0.h"

#include <stdarg.h>

#include "core/errno.h"
#include "core/fmt.h"

static char pool[32][96];
static unsigned int pool_next;

const char *ndl(const char *fmt, ...)
{
	char *b = pool[pool_next++ % 32];
	va_list ap;

	va_start(ap, fmt);
	vsnprintk(b, sizeof(pool[0]), fmt, ap);
	va_end(ap);
	return b;
}

void ndl_reset(void)
{
	pool_next = 0;
}

/* The name VTL1 uses for an errno (core/errno.c: its rule= strings). */
const char *errname(int64_t e)
{
	if (e == 0)
		return "ok";
	if (e > 0)
		return "non-negative";
	return e < -4095 ? "E?" : errno_name((int)e);
}

static void join(char *out, size_t len, const char *const *needles)
{
	size_t n = 0;

	for (const char *const *p = needles; *p; p++) {
		if (p != needles && n + 1 < len)
			out[n++] = ' ';
		for (const char *s = *p; *s && n + 1 < len; s++)
			out[n++] = *s;
	}
	out[n] = 0;
}

bool case_tentative, case_retry;

/*
 * VTL1 rate-limits its violation reports per class.  When a refused attack
 * left no record, the case is run again after a pause (run_phase() in
 * main.c) rather than failed at once; only the last attempt counts.
 */
static bool want_retry(const char *name, const char *what)
{
	if (!case_tentative)
		return false;
	case_retry = true;
	if (v0.opt.verbose)
		gl_printf("NOTE %s: %s; rate limit? running it again after a pause\n", name, what);
	return true;
}

void expect_refused(const char *name, int faulted, const char *const *needles)
{
	char line[240], want[200];
	uint64_t vec = gl_last_fault.vector;

	join(want, sizeof(want), needles);
	if (!faulted) {
		gl_check(false, name, "the attack succeeded: no fault in VTL0 (VTL1 should have refused it)");
		return;
	}
	if (vec != 13) {
		gl_check(false, name, "refused with vector %llu, expected #GP (13) from VTL1",
			 (unsigned long long)vec);
		return;
	}
	if (!ring_find(line, sizeof(line), needles)) {
		if (want_retry(name, "refused but not recorded"))
			return;
		gl_check(false, name, "#GP, but VTL1 recorded nothing matching \"VIOLATION ... %s\" "
			 "in its log ring", want);
		return;
	}
	if (v0.opt.verbose)
		gl_printf("  recorded: %s\n", line);
	gl_check(true, name, "%s", "");
}

static const char *call_rule(uint64_t id)
{
	switch (id) {
	case VSM_ENABLE_APS_VTL: return "ENABLE_APS_VTL";
	case VSM_BOOT_APS: return "BOOT_APS";
	case VSM_LOCK_REGS: return "LOCK_REGS";
	case VSM_SIGNAL_END_OF_BOOT: return "SIGNAL_END_OF_BOOT";
	case VSM_PROTECT_MEMORY: return "PROTECT_MEMORY";
	case VSM_LOAD_KDATA: return "LOAD_KDATA";
	case VSM_VALIDATE_MODULE: return "VALIDATE_MODULE";
	case VSM_FREE_MODULE_INIT: return "FREE_MODULE_INIT";
	case VSM_UNLOAD_MODULE: return "UNLOAD_MODULE";
	case VSM_COPY_SECONDARY_KEY: return "COPY_SECONDARY_KEY";
	case VSM_KEXEC_VALIDATE: return "KEXEC_VALIDATE";
	case VSM_PATCH_TEXT: return "PATCH_TEXT";
	case VSM_ALLOC_RINGBUFFER: return "ALLOCATE_RINGBUFFER_MEMORY";
	case VTLG_GET_MEASUREMENTS: return "GET_MEASUREMENTS";
	case VTLG_GET_VIOLATIONS: return "GET_VIOLATIONS";
	default: return "unknown";
	}
}

void expect_call_err(const char *name, int64_t got, int err, uint64_t id)
{
	char line[240];
	const char *needles[4];

	if (got != -(int64_t)err) {
		gl_check(false, name, "VTL1 answered %lld (%s), expected -%s", (long long)got,
			 errname(got), errname(-err));
		return;
	}
	if (err == E_OPNOTSUPP) {
		gl_check(true, name, "%s", "");
		return;
	}
	needles[0] = "class=bad-call";
	needles[1] = ndl("call=%#llx", (unsigned long long)id);
	needles[2] = ndl("rule=%s:%s", call_rule(id), errname(-err));
	needles[3] = NULL;
	if (!ring_find(line, sizeof(line), needles)) {
		if (want_retry(name, "refused but not recorded"))
			return;
		gl_check(false, name, "refused with -%s, but VTL1 recorded no \"VIOLATION ... %s %s %s\"",
			 errname(-err), needles[0], needles[1], needles[2]);
		return;
	}
	if (v0.opt.verbose)
		gl_printf("  recorded: %s\n", line);
	gl_check(true, name, "%s", "");
}

void case_skip(const char *name, const char *why)
{
	gl_printf("SKIP %s: %s\n", name, why);
}
