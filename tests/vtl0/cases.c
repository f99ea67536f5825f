// SPDX-License-Identifier: MIT
/*
 * Verdict helpers shared by every case.  An attack passes only when ALL hold:
 *   - it failed in VTL0 (#GP caught by our handler, or the right -errno in R8);
 *   - VTL1 counted it: GET_VIOLATIONS (exact, never rate limited) holds a new
 *     record of this attempt (sequence number newer than the mark, the
 *     class, the VP, the faulting RIP, the address and rule asked for), and
 *     the class counter moved with it;
 *   - if VTL1's log ring has that record's line ("VIOLATION #seq ..."), every
 *     needle is one of its whole fields (vp=1 never matches vp=10).
 * Each accepted record is accounted to its class; run_phase() checks per case
 * that VTL1 counted exactly what the case's verdicts accounted for, and the
 * suite ends by comparing VTL1's totals with the sum (verdict_totals()).
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

static bool str_eq(const char *a, const char *b)
{
	while (*a && *a == *b)
		a++, b++;
	return *a == *b;
}

static bool starts_with(const char *s, const char *p)
{
	while (*p && *s == *p)
		s++, p++;
	return !*p;
}

static bool ends_with(const char *s, const char *p)
{
	size_t n = 0, m = 0;

	while (s[n])
		n++;
	while (p[m])
		m++;
	return n >= m && str_eq(s + n - m, p);
}

/* Kept for case files written against the retrying harness: always false
 * now (verdicts rest on GET_VIOLATIONS, nothing is retried). */
bool case_tentative, case_retry;

/* ------------------------------------------- GET_VIOLATIONS snapshots */
/* Wire format: docs/vtl-call-abi.md "GET_VIOLATIONS". */
#define V_HDR 96u
#define V_REC 112u
#define V_MAXREC 64u
#define V_SCRATCH 504 /* scratch pages 504..505 */

static const char *const vclass[VTL0_VIOL_CLASSES] = {
	"mem-read", "mem-write", "mem-exec", "cr", "msr", "descriptor-table", "bad-call",
};

int viol_class_index(const char *name)
{
	for (int i = 0; i < (int)VTL0_VIOL_CLASSES; i++)
		if (str_eq(name, vclass[i]))
			return i;
	return -1;
}

static uint32_t g32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint8_t *vbuf(void)
{
	return scratch_page(V_SCRATCH);
}

/* Read VTL1's counters and records; false (and *why) when the answer is bad. */
bool viol_snapshot(struct viol_snap *s, const char **why)
{
	const uint8_t *b = vbuf();
	int64_t r = vtl_call(VTLG_GET_VIOLATIONS, pa_of(b), 2 * PAGE_SIZE, 0);
	uint64_t sum = 0;

	gl_memset(s, 0, sizeof(*s));
	*why = NULL;
	if (r < (int64_t)V_HDR) {
		*why = "GET_VIOLATIONS failed";
		return false;
	}
	if (b[0] != 'V' || b[1] != 'T' || b[2] != 'L' || b[3] != 'G' || b[4] != 'V' ||
	    b[5] != 'I' || b[6] != 'O' || b[7] != 'L' || g32(b + 8) != 1 || g32(b + 12) != V_REC ||
	    g32(b + 16) != VTL0_VIOL_CLASSES || g32(b + 20) > V_MAXREC ||
	    (uint64_t)r != V_HDR + (uint64_t)g32(b + 20) * V_REC) {
		*why = "GET_VIOLATIONS header is malformed";
		return false;
	}
	for (unsigned int i = 0; i < VTL0_VIOL_CLASSES; i++) {
		s->counts[i] = lvbs_get64(b + 32 + 8 * i);
		sum += s->counts[i];
	}
	s->total = lvbs_get64(b + 24);
	if (sum != s->total) {
		*why = "GET_VIOLATIONS total is not the sum of its counters";
		return false;
	}
	s->nrec = g32(b + 20);
	for (unsigned int i = 0; i < s->nrec; i++) {
		const uint8_t *p = b + V_HDR + (size_t)i * V_REC;
		struct viol_rec *v = &s->rec[i];

		v->seq = lvbs_get64(p);
		v->cls = g32(p + 16);
		v->vp = g32(p + 20);
		v->rip = lvbs_get64(p + 24);
		v->addr = lvbs_get64(p + 32);
		v->attempted = lvbs_get64(p + 40);
		v->denied = p[64];
		for (unsigned int k = 0; k < sizeof(v->rule); k++)
			v->rule[k] = (char)p[72 + k];
		v->rule[sizeof(v->rule) - 1] = 0;
		if (v->cls >= VTL0_VIOL_CLASSES || (i && v->seq <= s->rec[i - 1].seq)) {
			*why = "GET_VIOLATIONS records are malformed";
			return false;
		}
	}
	s->ok = true;
	return true;
}

static struct viol_snap mark_snap, now_snap, case_snap;
static bool mark_ok;
static uint64_t consumed[32];       /* records already claimed since the mark */
static unsigned int nconsumed;
static uint64_t accounted[VTL0_VIOL_CLASSES]; /* what the verdicts accounted for */
static uint64_t case_accounted0[VTL0_VIOL_CLASSES];
static bool case_open;
static unsigned int case_failed0; /* FAIL lines before the case */

void verdict_mark(void)
{
	const char *why;

	mark_ok = viol_snapshot(&mark_snap, &why);
	nconsumed = 0;
}

void expect_violations(const char *cls, uint64_t n)
{
	int i = viol_class_index(cls);

	if (i >= 0)
		accounted[i] += n;
}

/* ---------------------------------------------------------- matching */
struct want {
	int cls;
	long vp;              /* -1: any */
	bool has_addr, has_att, rip_known, need_line;
	bool audit;           /* the policy audits this: a record with action=audit-allow */
	uint64_t addr, attempted, rip;
	const char *rule;
};

static bool parse_num(const char *s, uint64_t *out)
{
	uint64_t v = 0;
	unsigned int base = 10;

	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X'))
		base = 16, s += 2;
	if (!*s)
		return false;
	for (; *s; s++) {
		unsigned int d;

		if (*s >= '0' && *s <= '9')
			d = (unsigned int)(*s - '0');
		else if (base == 16 && *s >= 'a' && *s <= 'f')
			d = (unsigned int)(*s - 'a' + 10);
		else if (base == 16 && *s >= 'A' && *s <= 'F')
			d = (unsigned int)(*s - 'A' + 10);
		else
			return false;
		v = v * base + d;
	}
	*out = v;
	return true;
}

/* "key=value" -> the value if the key matches, else NULL */
static const char *val_of(const char *needle, const char *key)
{
	while (*key && *needle == *key)
		needle++, key++;
	return !*key && *needle == '=' ? needle + 1 : NULL;
}

static bool parse_want(const char *const *needles, struct want *w, const char **bad)
{
	w->cls = -1;
	w->vp = (long)vtl0_vp_index();
	for (const char *const *p = needles; *p; p++) {
		const char *v;
		uint64_t x;

		if ((v = val_of(*p, "class")))
			w->cls = viol_class_index(v);
		else if ((v = val_of(*p, "vp")) && parse_num(v, &x))
			w->vp = (long)x;
		else if (((v = val_of(*p, "gpa")) || (v = val_of(*p, "msr")) ||
			  (v = val_of(*p, "call"))) && parse_num(v, &x))
			w->has_addr = true, w->addr = x;
		else if ((v = val_of(*p, "attempted")) && parse_num(v, &x))
			w->has_att = true, w->attempted = x;
		else if ((v = val_of(*p, "rule")))
			w->rule = v;
		else
			w->need_line = true; /* only the log line can show it (reg=...) */
	}
	if (w->cls < 0) {
		*bad = "no known class=... needle";
		return false;
	}
	return true;
}

static bool taken(uint64_t seq)
{
	for (unsigned int i = 0; i < nconsumed; i++)
		if (consumed[i] == seq)
			return true;
	return false;
}

static bool rec_matches(const struct viol_rec *r, const struct want *w)
{
	return (int)r->cls == w->cls && r->denied == !w->audit && !taken(r->seq) &&
	       (w->vp < 0 || r->vp == (uint32_t)w->vp) && (!w->rip_known || r->rip == w->rip) &&
	       (!w->has_addr || r->addr == w->addr) &&
	       (!w->has_att || r->attempted == w->attempted) && (!w->rule || str_eq(r->rule, w->rule));
}

static void describe_new(char *out, size_t len)
{
	size_t n = 0;
	int k;

	out[0] = 0;
	for (unsigned int i = 0; i < now_snap.nrec && n + 1 < len; i++) {
		const struct viol_rec *r = &now_snap.rec[i];

		if (r->seq < mark_snap.total)
			continue;
		k = snprintk(out + n, len - n, "[#%llu %s vp=%u rip=%#llx addr=%#llx rule=%s] ",
			     (unsigned long long)r->seq, vclass[r->cls], r->vp,
			     (unsigned long long)r->rip, (unsigned long long)r->addr, r->rule);
		if (k < 0)
			break;
		n += (size_t)k;
	}
	if (!out[0])
		snprintk(out, len, "none");
}

/*
 * The core verdict: find this attempt's record in GET_VIOLATIONS, check
 * that counters and records agree, then check the ring line if it is there.
 */
static void verdict(const char *name, const char *const *needles, struct want *w)
{
	char line[240];
	const char *why = NULL;
	const struct viol_rec *hit = NULL;
	uint64_t newrec = 0;

	if (!parse_want(needles, w, &why)) {
		gl_check(false, name, "harness: %s", why);
		return;
	}
	if (!mark_ok || !viol_snapshot(&now_snap, &why)) {
		gl_check(false, name, "cannot read VTL1's counters: %s", why ? why : "no mark");
		return;
	}
	for (unsigned int i = 0; i < now_snap.nrec; i++) {
		if (now_snap.rec[i].seq < mark_snap.total)
			continue;
		newrec++;
		if (!hit && rec_matches(&now_snap.rec[i], w))
			hit = &now_snap.rec[i];
	}
	if (now_snap.total - mark_snap.total > V_MAXREC) {
		gl_check(false, name, "%llu violations since the attempt: more than GET_VIOLATIONS "
			 "keeps, cannot tie a record to it",
			 (unsigned long long)(now_snap.total - mark_snap.total));
		return;
	}
	if (now_snap.total - mark_snap.total != newrec) {
		gl_check(false, name, "VTL1's counters moved by %llu but it holds %llu new records",
			 (unsigned long long)(now_snap.total - mark_snap.total),
			 (unsigned long long)newrec);
		return;
	}
	if (!hit) {
		char seen[400];

		describe_new(seen, sizeof(seen));
		gl_check(false, name, "%s, but VTL1 has no record of this attempt (class=%s vp=%ld%s%s) "
			 "in GET_VIOLATIONS; new records: %s",
			 w->audit ? "audited: it went through" : "refused", vclass[w->cls], w->vp,
			 w->audit ? " action=audit-allow" : "",
			 w->rip_known ? ndl(" rip=%#llx", (unsigned long long)w->rip) : "", seen);
		return;
	}
	if (now_snap.counts[w->cls] == mark_snap.counts[w->cls]) {
		gl_check(false, name, "record #%llu present but the %s counter did not move",
			 (unsigned long long)hit->seq, vclass[w->cls]);
		return;
	}
	if (ring_find_record(hit->seq, line, sizeof(line))) {
		if (w->audit && !line_has_field(line, "action=audit-allow")) {
			gl_check(false, name, "the policy audits %s, but VTL1's line for record #%llu "
				 "is not action=audit-allow: %s", vclass[w->cls],
				 (unsigned long long)hit->seq, line);
			return;
		}
		for (const char *const *p = needles; *p; p++)
			if (!line_has_field(line, *p)) {
				gl_check(false, name, "VTL1's line for record #%llu lacks the field \"%s\": %s",
					 (unsigned long long)hit->seq, *p, line);
				return;
			}
		if (v0.opt.verbose)
			gl_printf("  recorded: %s\n", line);
	} else if (w->need_line || w->audit) {
		gl_check(false, name, "record #%llu is not in VTL1's log ring, so its fields "
			 "cannot be checked (the first refusal per class and address is never "
			 "rate-limited)", (unsigned long long)hit->seq);
		return;
	} else if (v0.opt.verbose) {
		gl_printf("  recorded: #%llu (in GET_VIOLATIONS; its log line was rate-limited)\n",
			  (unsigned long long)hit->seq);
	}
	if (nconsumed < sizeof(consumed) / sizeof(consumed[0]))
		consumed[nconsumed++] = hit->seq;
	accounted[w->cls]++;
	gl_check(true, name, "%s", "");
}

/*
 * Does the policy in force (audit=..., from tests/vtl0/run --policy) audit
 * what these needles describe?  Only the class's pinned/protected rules
 * follow the mode: VTL1's own memory, the log ring, pages nobody protected,
 * registers before LOCK_REGS and unexpected MSRs are refused in every mode
 * (vtl_protect/lock_regs.c).
 */
static bool audited(const char *const *needles)
{
	static const unsigned int bit[VTL0_VIOL_CLASSES] = {
		VTL0_AUDIT_MEM, VTL0_AUDIT_MEM, VTL0_AUDIT_MEM, VTL0_AUDIT_CR, VTL0_AUDIT_MSR,
		VTL0_AUDIT_DT, 0,
	};
	int cls = -1;
	const char *rule = "";

	if (!v0.opt.audit)
		return false;
	for (const char *const *p = needles; *p; p++) {
		const char *v;

		if ((v = val_of(*p, "class")))
			cls = viol_class_index(v);
		else if ((v = val_of(*p, "rule")))
			rule = v;
	}
	if (cls < 0 || !(v0.opt.audit & bit[cls]))
		return false;
	if (starts_with(rule, "ring-") ||
	    starts_with(rule, "vtl1-memory") || starts_with(rule, "unprotected") ||
	    starts_with(rule, "unexpected-msr") || ends_with(rule, "-before-lock"))
		return false;
	return true;
}

/*
 * Pages an audited access opened (vtl_protect/lock_regs.c opens the page as
 * far as the access needs, for good): a later attack on the same page goes
 * through unrecorded, rightly, so it is a SKIP, not a verdict.
 */
static uint64_t opened[64];
static unsigned int nopened;

static uint64_t needle_page(const char *const *needles, bool *mem)
{
	uint64_t pa = 0;

	*mem = false;
	for (const char *const *p = needles; *p; p++) {
		const char *v = val_of(*p, "class");

		if (v && (str_eq(v, "mem-read") || str_eq(v, "mem-write") || str_eq(v, "mem-exec")))
			*mem = true;
		else if ((v = val_of(*p, "gpa")))
			parse_num(v, &pa);
	}
	return pa & ~(uint64_t)(PAGE_SIZE - 1);
}

/* Audit mode: the access went through; VTL1 must have recorded it as
 * action=audit-allow (no fault, so the RIP is not known here). */
static void expect_audited(const char *name, int faulted, const char *const *needles)
{
	struct want w = { 0 };
	bool mem;
	uint64_t page = needle_page(needles, &mem);
	unsigned int failed0 = gl_results.failed;

	if (mem && page) {
		for (unsigned int i = 0; i < nopened; i++)
			if (opened[i] == page && !faulted) {
				case_skip(name, ndl("the policy audits memory and an earlier audited "
						    "access opened page %#llx for good",
						    (unsigned long long)page));
				return;
			}
	}
	if (faulted) {
		gl_check(false, name, "the policy audits this, yet VTL0 took vector %llu: VTL1 refused "
			 "instead of recording and allowing", (unsigned long long)gl_last_fault.vector);
		return;
	}
	w.audit = true;
	verdict(name, needles, &w);
	if (mem && page && gl_results.failed == failed0 && nopened < sizeof(opened) / sizeof(opened[0]))
		opened[nopened++] = page;
}

void expect_refused(const char *name, int faulted, const char *const *needles)
{
	struct want w = { 0 };
	uint64_t vec = gl_last_fault.vector;

	if (audited(needles)) {
		expect_audited(name, faulted, needles);
		return;
	}
	if (!faulted) {
		gl_check(false, name, "the attack succeeded: no fault in VTL0 (VTL1 should have refused it)");
		return;
	}
	if (vec != 13) {
		gl_check(false, name, "refused with vector %llu, expected #GP (13) from VTL1",
			 (unsigned long long)vec);
		return;
	}
	w.rip_known = true;
	w.rip = gl_last_fault.rip;
	verdict(name, needles, &w);
}

void expect_refused_unchanged(const char *name, int faulted, bool unchanged, const char *what,
			      const char *const *needles)
{
	if (audited(needles)) {
		if (unchanged && !faulted) {
			gl_check(false, name, "the policy audits this, yet %s did not change: the "
				 "write neither faulted nor landed", what);
			return;
		}
		expect_audited(name, faulted, needles);
		return;
	}
	if (!unchanged) {
		gl_check(false, name, "%s changed although the attack %s: VTL1 let the write through",
			 what, faulted ? "faulted" : "did not fault");
		return;
	}
	expect_refused(name, faulted, needles);
}

void expect_wx_granted_rw_nx(const char *name, uint64_t pa, int64_t r, const char *what)
{
	int f;

	gl_check(r == 0, ndl("%s_call", name), "PROTECT_MEMORY(%s): R8=%lld (%s)", what,
		 (long long)r, errname(r));
	f = gl_probe_write8((volatile uint8_t *)(uintptr_t)pa, 0xC3); /* writes pa + 8 */
	gl_check(!f, ndl("%s_writable", name), "the page stays writable: fault %d", f);
	ring_mark();
	{
		const char *n[] = { "class=mem-exec", ndl("gpa=%#llx", (unsigned long long)(pa + 8)),
				    NULL };

		expect_refused(name, probe_call(pa + 8), n);
	}
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
	struct want w = { 0 };
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
	verdict(name, needles, &w);
}

void case_skip(const char *name, const char *why)
{
	gl_printf("SKIP %s: %s\n", name, why);
}

/*
 * -EOPNOTSUPP is also a refusal some validators give (an unsupported
 * algorithm, a kexec image that is not a bzImage), so the errno alone cannot
 * mean "not built in".  Only VTL1's own word does: its dispatcher logs "VTL
 * call ID is not built into this vtlguard" when no hook serves the call
 * (vtl_protect/dispatch.c, call_hook).
 */
bool unbuilt_call(const char *name, int64_t r, uint64_t id)
{
	const char *needles[2] = { ndl("VTL call %#llx is not built into this vtlguard",
				       (unsigned long long)id), NULL };
	char line[160];

	if (r != -E_OPNOTSUPP)
		return false;
	if (ring_find_line(line, sizeof(line), needles))
		case_skip(name, ndl("VTL1 says call %#llx is not built in (-EOPNOTSUPP)",
				    (unsigned long long)id));
	else
		gl_check(false, name, "call %#llx answered -EOPNOTSUPP, but VTL1 did not log that "
			 "it is not built in: a refusal, not a missing validator (its log says why)",
			 (unsigned long long)id);
	return true;
}

/* ------------------------------------------------- per-case accounting */
void case_begin(void)
{
	const char *why;

	case_open = viol_snapshot(&case_snap, &why);
	case_failed0 = gl_results.failed;
	for (unsigned int i = 0; i < VTL0_VIOL_CLASSES; i++)
		case_accounted0[i] = accounted[i];
	mark_snap = case_snap;
	mark_ok = case_open;
	nconsumed = 0;
}

/*
 * VTL1 must have counted exactly what the case's verdicts accounted for:
 * more means a refusal nobody checked (or a positive case that tripped a
 * protection), fewer means a verdict passed without VTL1's count.
 */
void case_end(const char *name)
{
	struct viol_snap s;
	const char *why;
	char diff[200];
	size_t n = 0;

	if (!case_open)
		return;
	case_open = false;
	if (gl_results.failed != case_failed0)
		return; /* the case failed already: its count is off for that reason */
	if (!viol_snapshot(&s, &why)) {
		gl_check(false, ndl("%s_violations_accounted", name), "after the case: %s", why);
		return;
	}
	diff[0] = 0;
	for (unsigned int i = 0; i < VTL0_VIOL_CLASSES; i++) {
		uint64_t got = s.counts[i] - case_snap.counts[i];
		uint64_t exp = accounted[i] - case_accounted0[i];
		int k;

		if (got == exp)
			continue;
		k = snprintk(diff + n, sizeof(diff) - n, " %s +%llu (accounted +%llu)", vclass[i],
			     (unsigned long long)got, (unsigned long long)exp);
		if (k < 0 || (size_t)k >= sizeof(diff) - n)
			break;
		n += (size_t)k;
	}
	if (diff[0])
		gl_check(false, ndl("%s_violations_accounted", name),
			 "VTL1 counted%s: a refusal no verdict checked, or a verdict without VTL1's "
			 "count", diff);
}

/*
 * End of the suite: VTL1's totals must equal what the verdicts accounted
 * for, class by class.  The EXPECTED line and VTL1's own closing line
 * ("vtlp: violations: ...", logged because of flag 1 of the last
 * GET_VIOLATIONS) are compared again by tests/vtl0/run.
 */
void verdict_totals(void)
{
	struct viol_snap s;
	const char *why;
	char want[200], got[200];

	snprintk(want, sizeof(want), "mem-read=%llu mem-write=%llu mem-exec=%llu cr=%llu msr=%llu "
		 "descriptor-table=%llu bad-call=%llu", (unsigned long long)accounted[0],
		 (unsigned long long)accounted[1], (unsigned long long)accounted[2],
		 (unsigned long long)accounted[3], (unsigned long long)accounted[4],
		 (unsigned long long)accounted[5], (unsigned long long)accounted[6]);
	gl_printf("VIOLATIONS expected: %s\n", want);
	if (!viol_snapshot(&s, &why)) {
		gl_check(false, "violations_totals", "%s", why);
		return;
	}
	snprintk(got, sizeof(got), "mem-read=%llu mem-write=%llu mem-exec=%llu cr=%llu msr=%llu "
		 "descriptor-table=%llu bad-call=%llu", (unsigned long long)s.counts[0],
		 (unsigned long long)s.counts[1], (unsigned long long)s.counts[2],
		 (unsigned long long)s.counts[3], (unsigned long long)s.counts[4],
		 (unsigned long long)s.counts[5], (unsigned long long)s.counts[6]);
	gl_check(str_eq(want, got), "violations_totals", "VTL1 counted %s; the suite accounted for %s",
		 got, want);
	/* flag 1: VTL1 also logs its totals line for tests/vtl0/run */
	vtl_call(VTLG_GET_VIOLATIONS, pa_of(vbuf()), 2 * PAGE_SIZE, 1);
}
