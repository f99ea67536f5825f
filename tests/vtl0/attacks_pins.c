// SPDX-License-Identifier: MIT
/*
 * Pins beyond LVBS's LOCK_REGS set, and VPs that reach end of boot unpinned.
 *
 *   pin_xcr0_clear_sse, pin_misc_enable_xd_disable, pin_tsc_aux: the rest of
 *   the TLFS intercept set (XSETBV, IA32_MISC_ENABLE, TSC_AUX).  They only
 *   attack what vtlguard says it pinned: each first reads VP 0's LOCK_REGS
 *   entry from the measurement log (GET_MEASUREMENTS: arg0 = VP, arg1 = the
 *   intercept classes), and SKIPs with the reason when the policy in force
 *   does not pin that register, when VTL0 cannot even execute the write, or
 *   when the model did not deliver the intercept (neither a fault nor a VTL1
 *   record).  Detected, never assumed.
 *
 *   late_vp_pinned_at_first_call (issue 13 RT6): with late_ap=N VP N skips
 *   LOCK_REGS and end of boot comes; VP N then clears CR0.WP and CR4.SMEP
 *   (nothing intercepts it yet), makes a VTL call, and must find its pinned
 *   bits forced back (recorded), and its next CR0.WP write refused.
 */
#include "tests/vtl0/vtl0.h"

#define CR0_WP (1ull << 16)
#define CR4_OSXSAVE (1ull << 18)
#define CR4_SMEP (1ull << 20)
#define XCR0_SSE 0x2ull
#define MSR_MISC_ENABLE 0x1A0u
#define MSR_TSC_AUX 0xC0000103u
#define MISC_XD_DISABLE (1ull << 34)

/* NORTH_ICPT() classes as LOCK_REGS measures them (north/south.h order). */
#define CLS_XCR0        (1ull << 17)
#define CLS_MISC_ENABLE (1ull << 18)
#define CLS_TSC_AUX     (1ull << 19)

#define MEAS_LOCK_REGS 6
#define MEAS_PAGE      100 /* scratch pages 100..103 */
#define MEAS_SIZE      (4 * PAGE_SIZE)

/* GET_MEASUREMENTS layout (docs/vtl-call-abi.md): a 64-byte header
 * ("VTLGMLOG", version, entry_size @12, count @16), then 56-byte entries
 * (type u32 @0, arg0 u64 @8, arg1 u64 @16, digest). */
#define MEAS_HDR     64u
#define MEAS_ENTRY   56u

static uint64_t rd(const uint8_t *p, unsigned int n)
{
	uint64_t v = 0;

	for (unsigned int i = n; i-- > 0;)
		v = (v << 8) | p[i];
	return v;
}

/* The classes VP `vp`'s LOCK_REGS pinned, from VTL1's measurement log. */
static int locked_classes(unsigned int vp, uint64_t *classes)
{
	const uint8_t *h = scratch_page(MEAS_PAGE);
	uint64_t count;
	int64_t r;
	int found = 0;

	if (v0.mem.scratch_size < (MEAS_PAGE * PAGE_SIZE) + MEAS_SIZE)
		return -1;
	r = vtl_call(VTLG_GET_MEASUREMENTS, pa_of(h), MEAS_SIZE, 0);
	count = rd(h + 16, 4);
	if (r < 0 || rd(h, 8) != rd((const uint8_t *)"VTLGMLOG", 8) ||
	    rd(h + 12, 4) != MEAS_ENTRY || MEAS_HDR + count * MEAS_ENTRY > MEAS_SIZE)
		return -1;
	for (uint64_t i = 0; i < count; i++) {
		const uint8_t *e = h + MEAS_HDR + i * MEAS_ENTRY;

		if (rd(e, 4) == MEAS_LOCK_REGS && rd(e + 8, 8) == vp) {
			*classes = rd(e + 16, 8);
			found = 1;
		}
	}
	return found ? 0 : -1;
}

/* Common part: is `cls` pinned on VP 0?  SKIPs (returns false) if not. */
static bool pinned_or_skip(const struct vtl0_case *c, uint64_t cls, const char *what,
			   const char *prop)
{
	uint64_t classes = 0;

	if (locked_classes(0, &classes)) {
		case_skip(c->name, "no LOCK_REGS entry for VP 0 in the measurement log");
		return false;
	}
	if (!(classes & cls)) {
		/* LOCK_REGS classes are in the measurement log; once the model
		 * gives VTL1 the register, suite-policy.dts can pin it. */
		case_skip(c->name, ndl("policy does not pin %s (classes %#llx); needs %s",
				       what, (unsigned long long)classes, prop));
		return false;
	}
	return true;
}

/*
 * After a write VTL1 should have refused: PASS/FAIL as
 * expect_refused_unchanged, but SKIP when nothing reached VTL1 at all (the
 * model did not deliver the intercept, or refused the instruction itself).
 * delivered: the model is known to deliver this intercept (hvsim always
 * exits on WRMSR of MISC_ENABLE and TSC_AUX; QEMU TCG never exits on
 * XSETBV), so a write that went through unrecorded is VTL1 letting it
 * through: FAIL, not SKIP.
 */
static void judge(const struct vtl0_case *c, int faulted, bool changed,
		  const char *const *needles, const char *what, bool delivered)
{
	char line[200];

	if (!ring_find(line, sizeof(line), needles)) {
		if (!faulted && changed && !delivered) {
			case_skip(c->name, ndl("the model did not deliver the %s write intercept: the "
					       "write went through and VTL1 recorded nothing", what));
			return;
		}
		if (faulted && gl_last_fault.vector != 13) {
			case_skip(c->name, ndl("VTL0 cannot execute the %s write here (vector %llu "
					       "before any intercept)", what,
					       (unsigned long long)gl_last_fault.vector));
			return;
		}
		if (faulted) {
			case_skip(c->name, ndl("the model refused the %s write itself (#GP, no VTL1 "
					       "record)", what));
			return;
		}
	}
	expect_refused_unchanged(c->name, faulted, !changed, what, needles);
}

static void pin_xcr0_clear_sse(const struct vtl0_case *c)
{
	const char *n[] = { "class=cr", "reg=XCR0", "rule=XCR0-pinned", NULL };
	uint64_t before = 0, after = 0;
	int f;

	if (!pinned_or_skip(c, CLS_XCR0, "XCR0", "xcr0-mask"))
		return;
	if (!(gl_read_cr4() & CR4_OSXSAVE)) {
		case_skip(c->name, "VTL0 runs without CR4.OSXSAVE, so XSETBV is #UD before any "
			  "intercept (and CR4 is pinned)");
		return;
	}
	gl_probe_xgetbv(&before);
	ring_mark();
	f = gl_probe_xsetbv(before & ~XCR0_SSE);
	gl_probe_xgetbv(&after);
	if (after != before)
		gl_probe_xsetbv(before);
	judge(c, f, after != before, n, "XCR0", false);
}

static void msr_pin_case(const struct vtl0_case *c, uint32_t msr, uint64_t cls,
			 const char *reg, const char *prop, uint64_t (*bad)(uint64_t))
{
	const char *n[] = { "class=msr", ndl("msr=%#llx", (unsigned long long)msr),
			    ndl("rule=%s-pinned", reg), NULL };
	uint64_t cur = 0, after = 0;
	int f;

	if (!pinned_or_skip(c, cls, reg, prop))
		return;
	if (gl_probe_rdmsr(msr, &cur)) {
		case_skip(c->name, ndl("the model has no %s (RDMSR faults)", reg));
		return;
	}
	ring_mark();
	f = gl_probe_wrmsr(msr, bad(cur));
	gl_probe_rdmsr(msr, &after);
	if (after != cur)
		gl_probe_wrmsr(msr, cur);
	judge(c, f, after != cur, n, reg, true);
}

static uint64_t set_xd_disable(uint64_t cur) { return cur | MISC_XD_DISABLE; }
static uint64_t flip_aux(uint64_t cur) { return cur ^ 0x55; }

static void pin_misc_enable(const struct vtl0_case *c)
{
	msr_pin_case(c, MSR_MISC_ENABLE, CLS_MISC_ENABLE, "MISC_ENABLE",
		     "misc-enable-mask", set_xd_disable);
}

static void pin_tsc_aux(const struct vtl0_case *c)
{
	msr_pin_case(c, MSR_TSC_AUX, CLS_TSC_AUX, "TSC_AUX", "tsc-aux", flip_aux);
}

/*
 * The log ring is R only: no KX (checked here: the model enforces KX) and
 * no UX (the host test checks the exact protection; hvsim has no MBEC UX).
 */
static void ring_exec(const struct vtl0_case *c)
{
	const char *n[] = { "class=mem-exec",
			    ndl("gpa=%#llx", (unsigned long long)(v0.mem.ring_pa + PAGE_SIZE)),
			    "rule=ring-immutable-exec", NULL };

	if (!v0.mem.ring_pa || v0.mem.ring_size < 2 * PAGE_SIZE) {
		case_skip(c->name, "no log ring of two pages");
		return;
	}
	ring_mark();
	expect_refused(c->name, probe_call(v0.mem.ring_pa + PAGE_SIZE), n);
}

/* ---- RT6 ---- */

struct late_job {
	uint64_t cr0_before, cr0_after_call, cr4_after_call;
	int64_t call;
	int wp_faulted;
};

static void late_vp_job(void *arg)
{
	struct late_job *j = arg;
	uint64_t cr0 = gl_read_cr0(), cr4 = gl_read_cr4();

	/* Nothing intercepts this VP yet: both writes simply happen. */
	gl_probe_mov_cr0(cr0 & ~CR0_WP);
	gl_probe_mov_cr4(cr4 & ~CR4_SMEP);
	j->cr0_before = gl_read_cr0();
	/* Its first VTL call after end of boot. */
	j->call = vtl_call(VTLG_GET_VIOLATIONS, pa_of(scratch_page(MEAS_PAGE)), PAGE_SIZE, 0);
	j->cr0_after_call = gl_read_cr0();
	j->cr4_after_call = gl_read_cr4();
	/* Pinned now: the same attack again must be refused. */
	j->wp_faulted = gl_probe_mov_cr0(j->cr0_after_call & ~CR0_WP);
	if (!j->wp_faulted) { /* put it back so the rest of the run is sane */
		gl_probe_mov_cr0(cr0);
		gl_probe_mov_cr4(cr4);
	}
}

static void late_vp_pinned_at_first_call(const struct vtl0_case *c)
{
	unsigned int vp = v0.opt.late_ap;
	const char *forced[] = { "class=cr", ndl("vp=%u", vp), "rule=CR0-late-vp-forced", NULL };
	const char *pinned_line[] = { ndl("VP %u was not pinned at end of boot", vp), NULL };
	const char *n[] = { "class=cr", ndl("vp=%u", vp), "reg=CR0", "rule=CR0-pinned", NULL };
	struct late_job j = { 0 };
	char line[200];

	if (!vp || vp >= v0.nr_vps || !v0.aps_in_vtl1) {
		case_skip(c->name, "needs late_ap=N with an AP N in VTL1 (make suite-vtl0-late)");
		return;
	}
	ring_mark();
	smp_run_on(vp, late_vp_job, &j);
	gl_check(!(j.cr0_before & CR0_WP), ndl("%s_setup", c->name),
		 "VP %u could not clear its own CR0.WP before its first call (CR0 %#llx)", vp,
		 (unsigned long long)j.cr0_before);
	if (!(j.cr0_after_call & CR0_WP)) {
		gl_check(false, c->name, "VP %u's first call after end of boot (R8=%lld) left CR0.WP "
			 "clear: it was never pinned (RT6)", vp, (long long)j.call);
		return;
	}
	if ((gl_read_cr4() & CR4_SMEP) && !(j.cr4_after_call & CR4_SMEP)) {
		gl_check(false, c->name, "VP %u's CR4.SMEP stayed clear after its first call", vp);
		return;
	}
	if (!ring_find(line, sizeof(line), forced) ||
	    !ring_find_line(line, sizeof(line), pinned_line)) {
		gl_check(false, c->name, "VP %u was forced back but VTL1 recorded no "
			 "\"CR0-late-vp-forced\" violation or no pin line", vp);
		return;
	}
	{
		/* Every register the late pin forced back is a violation of
		 * its class (CR0 and CR4 here; MSRs that differ from the boot
		 * CPU's snapshot too): declared for the accounting. */
		const char *cr[] = { "class=cr", ndl("vp=%u", vp), NULL };
		const char *msr[] = { "class=msr", ndl("vp=%u", vp), NULL };

		expect_violations("cr", ring_count_records(cr, "-late-vp-forced"));
		expect_violations("msr", ring_count_records(msr, "-late-vp-forced"));
	}
	expect_refused(c->name, j.wp_faulted, n);
}

/*
 * late_aps: the APs made their first VTL call after end of boot; VTL1 must
 * have pinned them before that call returned (or refused to bring them up).
 */
struct late_boot_job {
	int faulted;
	uint64_t cr0;
};

static void late_boot_job(void *arg)
{
	struct late_boot_job *j = arg;

	j->cr0 = gl_read_cr0();
	j->faulted = gl_probe_mov_cr0(j->cr0 & ~CR0_WP);
	if (!j->faulted)
		gl_probe_mov_cr0(j->cr0);
}

static void late_boot_ap_pinned(const struct vtl0_case *c)
{
	const char *n[] = { "class=cr", "vp=1", "reg=CR0", "rule=CR0-pinned", NULL };
	const char *pin[] = { "VP 1 was not pinned at end of boot", NULL };
	struct late_boot_job j = { 0 };
	char line[200];

	if (!v0.opt.late_aps || v0.nr_vps < 2) {
		case_skip(c->name, "needs late_aps and a second VP (make suite-vtl0-late)");
		return;
	}
	if (late_aps_result || !v0.aps_in_vtl1) {
		/* The other answer to RT6: no late AP is ever served unpinned. */
		gl_check(!v0.aps_in_vtl1, c->name, "AP bring-up after end of boot neither refused "
			 "nor completed");
		return;
	}
	/* The pin was logged when the AP first entered VTL1, after the last
	 * mark (this runs alone: make suite-vtl0-late). */
	gl_check(ring_find_line(line, sizeof(line), pin), ndl("%s_logged", c->name),
		 "VTL1 did not log pinning AP 1 from the boot snapshot");
	ring_mark();
	smp_run_on(1, late_boot_job, &j);
	if (!j.faulted) {
		gl_check(false, c->name, "AP 1 came up after end of boot unpinned: it cleared "
			 "CR0.WP (RT6)");
		return;
	}
	expect_refused(c->name, j.faulted, n);
}

const struct vtl0_case vtl0_cases_pins[] = {
	{ "pin_xcr0_clear_sse", pin_xcr0_clear_sse, CASE_RUN,
	  "XSETBV dropping a pinned XCR0 feature" },
	{ "pin_misc_enable_xd_disable", pin_misc_enable, CASE_RUN,
	  "IA32_MISC_ENABLE: set XD-disable (turns NX off)" },
	{ "pin_tsc_aux", pin_tsc_aux, CASE_RUN, "rewrite TSC_AUX (RDTSCP/RDPID CPU number)" },
	{ "ring_exec", ring_exec, CASE_RUN, "execute VTL1's log ring" },
	{ "late_vp_pinned_at_first_call", late_vp_pinned_at_first_call, CASE_RUN,
	  "a VP unpinned at end of boot clears CR0.WP, then calls VTL1" },
	{ "late_boot_ap_pinned", late_boot_ap_pinned, CASE_RUN,
	  "an AP whose first VTL call comes after end of boot clears CR0.WP" },
	{ NULL, NULL, 0, NULL },
};
