// SPDX-License-Identifier: MIT
/*
 * Violation records and per-class counters.  Every violation is counted and
 * kept in a small ring of recent records; with the "gp-report" action it is
 * also reported as one console line (which the log ring picks up), at most
 * policy.report_rate lines per second per class so that VTL0 cannot flood
 * the console (or VTL1's time) by looping on a refused write.
 *
 * The rate limit must not hide an attack behind a flood: the first denied
 * event for each (class, address) pair -- address being the GPA, MSR,
 * register or call id -- is always reported, whatever the window says.
 * The pairs already reported live in a fixed table VTL0 cannot overrun
 * (only fill: once full, later new pairs fall back to the rate limit and
 * one warning says so; the counters stay exact either way).
 */
#include <string.h>

#include "core/fmt.h"
#include "vtl_protect/internal.h"

#define VIOLATION_RECORDS 64

__fastdata static struct north_lock viol_lock = NORTH_LOCK_INIT;
static struct vtlp_violation records[VIOLATION_RECORDS];
__fastdata static uint64_t next_seq;
__fastdata static uint64_t counters[VTLP_CLASS_COUNT];
__fastdata static uint64_t window_start[VTLP_CLASS_COUNT];
__fastdata static uint32_t window_count[VTLP_CLASS_COUNT];
__fastdata static uint64_t suppressed[VTLP_CLASS_COUNT];

/* (class, address) pairs whose first denied event was reported: open
 * addressing, never evicted, so a flood cannot push a pair out again. */
#define FIRST_SEEN_SLOTS 1024
#define FIRST_SEEN_PROBE 16
struct first_seen {
	uint64_t addr;
	uint32_t cls_plus1; /* 0: empty slot */
};
static struct first_seen first_seen[FIRST_SEEN_SLOTS];
static bool first_seen_full_warned;

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
	memset(first_seen, 0, sizeof(first_seen));
	first_seen_full_warned = false;
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

/*
 * True the first time (cls, addr) is seen (and remembers it).  *full is set
 * when the pair is new but there is no room to remember it.  Called with
 * viol_lock held.
 */
__fastpath
static bool first_of_pair(unsigned int cls, uint64_t addr, bool *full)
{
	uint64_t h = (addr ^ (uint64_t)cls << 56) * 0x9E3779B97F4A7C15ull;
	unsigned int slot = (unsigned int)(h >> 54) % FIRST_SEEN_SLOTS;

	*full = false;
	for (unsigned int i = 0; i < FIRST_SEEN_PROBE; i++) {
		struct first_seen *e = &first_seen[(slot + i) % FIRST_SEEN_SLOTS];

		if (e->cls_plus1 == cls + 1 && e->addr == addr)
			return false;
		if (!e->cls_plus1) {
			e->cls_plus1 = cls + 1;
			e->addr = addr;
			return true;
		}
	}
	*full = true;
	return false;
}

__fastpath
void vtlp_violation(const struct vtlp_violation *in)
{
	struct vtlp_violation v = *in;
	uint64_t now = north_now(), tps = north_ticks_per_sec(), dropped = 0;
	bool report = false, warn_full = false;
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
		bool full = false, first = v.denied && first_of_pair(c, v.addr, &full);

		if (now - window_start[c] >= tps || now < window_start[c]) {
			window_start[c] = now;
			window_count[c] = 0;
			dropped = suppressed[c];
			suppressed[c] = 0;
		}
		if (full && !first_seen_full_warned)
			first_seen_full_warned = warn_full = true;
		if (window_count[c] < vtlp.policy.report_rate || first) {
			window_count[c]++;
			report = true;
		} else {
			suppressed[c]++;
		}
	}
	north_unlock(&viol_lock);

	if (warn_full)
		log_warn("vtlp: no room left to remember another (class, address) pair (%u "
			 "slots): first refusals of new pairs are rate-limited from now on (the "
			 "counters stay exact)", FIRST_SEEN_SLOTS);
	if (dropped)
		log_warn("vtlp: %llu %s violation reports were rate-limited",
			 (unsigned long long)dropped, vtlp_class_name(v.cls));
	/* A refusal VTL0 repeats in a loop is neither reported nor logged at
	 * the default level: do not format a line nobody will see (it was a
	 * good part of a refused intercept's time in VTL1). */
	if (!report && log_get_level() < LOG_DEBUG)
		return;
	format(&v, line, sizeof(line));
	if (report)
		log_warn("%s", line);
	else
		log_debug("%s", line);
}

/*
 * GET_VIOLATIONS(pa, size), vtlguard's own call (docs/vtl-call-abi.md): the
 * per-class counters and the most recent records, so VTL0 tooling can report
 * exactly what VTL1 refused.  Wire format is fixed here, not the internal
 * struct.  Called with vtlp.lock held.
 */
struct viol_wire_hdr {
	char magic[8];      /* "VTLGVIOL" */
	uint32_t version;   /* 1 */
	uint32_t record_size;
	uint32_t nclasses;  /* VTLP_CLASS_COUNT */
	uint32_t nrecords;
	uint64_t total;     /* sum of the counters */
	uint64_t counts[VTLP_CLASS_COUNT];
	uint64_t reserved;
};

struct viol_wire_rec {
	uint64_t seq, time;
	uint32_t cls, vp;
	uint64_t rip, addr, attempted, expected, mask;
	uint8_t denied;
	uint8_t pad[7];
	char rule[40];
};

_Static_assert(sizeof(struct viol_wire_hdr) == 96, "GET_VIOLATIONS header is 96 bytes");
_Static_assert(sizeof(struct viol_wire_rec) == 112, "GET_VIOLATIONS record is 112 bytes");

int64_t vtlp_get_violations(uint64_t pa, uint64_t size)
{
	static struct vtlp_violation snap[VIOLATION_RECORDS];
	static struct viol_wire_rec wire[VIOLATION_RECORDS];
	struct viol_wire_hdr h;
	size_t n;
	uint64_t need;
	int ret;

	memset(&h, 0, sizeof(h));
	memcpy(h.magic, "VTLGVIOL", 8);
	h.version = 1;
	h.record_size = sizeof(struct viol_wire_rec);
	h.nclasses = VTLP_CLASS_COUNT;
	n = vtlp_violations(snap, VIOLATION_RECORDS);
	north_lock(&viol_lock);
	for (unsigned int c = 0; c < VTLP_CLASS_COUNT; c++) {
		h.counts[c] = counters[c];
		h.total += counters[c];
	}
	north_unlock(&viol_lock);
	h.nrecords = (uint32_t)n;
	memset(wire, 0, sizeof(wire));
	for (size_t i = 0; i < n; i++) {
		wire[i].seq = snap[i].seq;
		wire[i].time = snap[i].time;
		wire[i].cls = snap[i].cls;
		wire[i].vp = snap[i].vp;
		wire[i].rip = snap[i].rip;
		wire[i].addr = snap[i].addr;
		wire[i].attempted = snap[i].attempted;
		wire[i].expected = snap[i].expected;
		wire[i].mask = snap[i].mask;
		wire[i].denied = snap[i].denied;
		memcpy(wire[i].rule, snap[i].rule, sizeof(wire[i].rule));
		wire[i].rule[sizeof(wire[i].rule) - 1] = '\0';
	}
	need = sizeof(h) + n * sizeof(wire[0]);
	if (size < sizeof(h))
		return -ENOSPC;
	if (size > NORTH_COPY_MAX)
		size = NORTH_COPY_MAX;
	if (!vtlp_may_write_for_vtl0(pa, MIN(size, need))) {
		log_warn("vtlp: GET_VIOLATIONS target [%#llx, +%#llx) is VTL1 or protected "
			 "memory: refused", (unsigned long long)pa,
			 (unsigned long long)MIN(size, need));
		return -EACCES;
	}
	/* A short buffer gets the newest records that fit; the header says how
	 * many follow. */
	size_t first = 0;

	if (size < need) {
		size_t fit = (size_t)((size - sizeof(h)) / sizeof(wire[0]));

		first = n - fit;
		n = fit;
		h.nrecords = (uint32_t)n;
		need = sizeof(h) + n * sizeof(wire[0]);
	}
	ret = north_copy_out(pa, &h, sizeof(h));
	if (!ret && n)
		ret = north_copy_out(pa + sizeof(h), &wire[first], n * sizeof(wire[0]));
	return ret ? ret : (int64_t)need;
}
