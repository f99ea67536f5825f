// SPDX-License-Identifier: MIT
/*
 * Violation records and per-class counters.  Every violation is counted and
 * kept in a small ring of recent records; with the "gp-report" action it is
 * also reported as one console line (which the log ring picks up), at most
 * policy.report_rate lines per second per class so that VTL0 cannot flood
 * the console (or VTL1's time) by looping on a refused write.
 */
#include <string.h>

#include "core/fmt.h"
#include "vtl_protect/internal.h"

#define VIOLATION_RECORDS 64

static struct north_lock viol_lock = NORTH_LOCK_INIT;
static struct vtlp_violation records[VIOLATION_RECORDS];
static uint64_t next_seq;
static uint64_t counters[VTLP_CLASS_COUNT];
static uint64_t window_start[VTLP_CLASS_COUNT];
static uint32_t window_count[VTLP_CLASS_COUNT];
static uint64_t suppressed[VTLP_CLASS_COUNT];

static const char *const class_names[VTLP_CLASS_COUNT] = {
	[VTLP_CLASS_MEM_READ] = "mem-read",   [VTLP_CLASS_MEM_WRITE] = "mem-write",
	[VTLP_CLASS_MEM_EXEC] = "mem-exec",   [VTLP_CLASS_CR] = "cr",
	[VTLP_CLASS_MSR] = "msr",             [VTLP_CLASS_DT] = "descriptor-table",
	[VTLP_CLASS_BAD_CALL] = "bad-call",
};

const char *vtlp_class_name(enum vtlp_class cls)
{
	return (unsigned int)cls < VTLP_CLASS_COUNT ? class_names[cls] : "?";
}

void vtlp_violation_reset(void)
{
	north_lock(&viol_lock);
	memset(records, 0, sizeof(records));
	memset(counters, 0, sizeof(counters));
	memset(window_start, 0, sizeof(window_start));
	memset(window_count, 0, sizeof(window_count));
	memset(suppressed, 0, sizeof(suppressed));
	next_seq = 0;
	north_unlock(&viol_lock);
}

uint64_t vtlp_violation_count(enum vtlp_class cls)
{
	uint64_t n;

	if ((unsigned int)cls >= VTLP_CLASS_COUNT)
		return 0;
	north_lock(&viol_lock);
	n = counters[cls];
	north_unlock(&viol_lock);
	return n;
}

size_t vtlp_violations(struct vtlp_violation *out, size_t max)
{
	size_t n, first;

	north_lock(&viol_lock);
	n = next_seq < VIOLATION_RECORDS ? (size_t)next_seq : VIOLATION_RECORDS;
	if (n > max)
		n = max;
	first = (size_t)(next_seq - n);
	for (size_t i = 0; i < n; i++)
		out[i] = records[(first + i) % VIOLATION_RECORDS];
	north_unlock(&viol_lock);
	return n;
}

/* Format the one-line report. */
static void format(const struct vtlp_violation *v, char *buf, size_t len)
{
	const char *action = v->denied ? "deny" : "audit-allow";
	int n = snprintk(buf, len, "VIOLATION #%llu class=%s vp=%u rip=%#llx ",
			 (unsigned long long)v->seq, vtlp_class_name(v->cls), v->vp,
			 (unsigned long long)v->rip);

	if (n < 0 || (size_t)n >= len)
		return;
	buf += n;
	len -= (size_t)n;
	switch (v->cls) {
	case VTLP_CLASS_MEM_READ:
	case VTLP_CLASS_MEM_WRITE:
	case VTLP_CLASS_MEM_EXEC:
		snprintk(buf, len, "gpa=%#llx attr=%#llx rule=%s action=%s",
			 (unsigned long long)v->addr, (unsigned long long)v->expected, v->rule,
			 action);
		break;
	case VTLP_CLASS_MSR:
		snprintk(buf, len, "msr=%#llx attempted=%#llx pinned=%#llx mask=%#llx rule=%s "
			 "action=%s", (unsigned long long)v->addr,
			 (unsigned long long)v->attempted, (unsigned long long)v->expected,
			 (unsigned long long)v->mask, v->rule, action);
		break;
	case VTLP_CLASS_CR:
	case VTLP_CLASS_DT:
		snprintk(buf, len, "reg=%s attempted=%#llx pinned=%#llx mask=%#llx rule=%s "
			 "action=%s", north_reg_name((enum north_reg)v->addr),
			 (unsigned long long)v->attempted, (unsigned long long)v->expected,
			 (unsigned long long)v->mask, v->rule, action);
		break;
	default:
		snprintk(buf, len, "call=%#llx arg0=%#llx rule=%s action=refused",
			 (unsigned long long)v->addr, (unsigned long long)v->attempted, v->rule);
		break;
	}
}

void vtlp_log_summary(void)
{
	uint64_t c[VTLP_CLASS_COUNT];

	north_lock(&viol_lock);
	memcpy(c, counters, sizeof(c));
	north_unlock(&viol_lock);
	log_info("vtlp: violations: mem-read=%llu mem-write=%llu mem-exec=%llu cr=%llu msr=%llu "
		 "descriptor-table=%llu bad-call=%llu", (unsigned long long)c[VTLP_CLASS_MEM_READ],
		 (unsigned long long)c[VTLP_CLASS_MEM_WRITE],
		 (unsigned long long)c[VTLP_CLASS_MEM_EXEC], (unsigned long long)c[VTLP_CLASS_CR],
		 (unsigned long long)c[VTLP_CLASS_MSR], (unsigned long long)c[VTLP_CLASS_DT],
		 (unsigned long long)c[VTLP_CLASS_BAD_CALL]);
}

void vtlp_violation(const struct vtlp_violation *in)
{
	struct vtlp_violation v = *in;
	uint64_t now = north_now(), tps = north_ticks_per_sec(), dropped = 0;
	bool report = false;
	char line[256];
	unsigned int c = (unsigned int)v.cls;

	if (c >= VTLP_CLASS_COUNT)
		return;
	v.time = now;
	north_lock(&viol_lock);
	v.seq = next_seq++;
	records[v.seq % VIOLATION_RECORDS] = v;
	counters[c]++;
	if (vtlp.policy.action == VTLP_ACTION_GP_REPORT) {
		if (now - window_start[c] >= tps || now < window_start[c]) {
			window_start[c] = now;
			window_count[c] = 0;
			dropped = suppressed[c];
			suppressed[c] = 0;
		}
		if (window_count[c] < vtlp.policy.report_rate) {
			window_count[c]++;
			report = true;
		} else {
			suppressed[c]++;
		}
	}
	north_unlock(&viol_lock);

	if (dropped)
		log_warn("vtlp: %llu %s violation reports were rate-limited",
			 (unsigned long long)dropped, vtlp_class_name(v.cls));
	format(&v, line, sizeof(line));
	if (report)
		log_warn("%s", line);
	else
		log_debug("%s", line);
}
