// SPDX-License-Identifier: MIT
/*
 * Bench mode of the VTL0 test kernel ("bench" on its command line; driven by
 * tests/vtl0/bench-run, `make bench-guest`).  After the normal boot
 * (vtlguard loaded, kernel protected, LOCK_REGS, SIGNAL_END_OF_BOOT) it times
 * the VTL-switch paths with RDTSC in VTL0 instead of running the attack
 * suite, and prints one line per figure:
 *
 *   BENCH name=NAME reps=R iters=N min=C median=C op_min=C fails=F
 *
 * C are TSC cycles per operation: each repetition times N operations and
 * divides; min and median are over the R repetitions, op_min is the fastest
 * single operation seen.  Before it, one "BENCHREP name=NAME rep=K cycles=C"
 * line per repetition, for ratios taken within one repetition.  Every operation's outcome is checked too (the
 * refused ones must fault, the allowed ones must not), so a figure of a
 * path that did not do what it claims is a FAIL, not a number.
 *
 * The floor is hvsim's test-only hypercall HVSIM_HVCALL_BENCH_VTL_ROUND_TRIP
 * (tools/hvsim/hvif.h, only with hvsim's "bench" option): the model's VTL
 * switch pair, one VMRUN of VTL1's VMCB and its exit, no VTL1 instruction.
 *
 * Command-line words read here: bench_reps=R (default 20), bench_iters=N
 * (scales every figure; default 1000 for the cheap paths, half of it for
 * the paths that reach VTL1 through an intercept).
 */
#include "tests/vtl0/vtl0.h"

int bench_main(const char *why);

#define HVCALL_GET_VP_REGISTERS 0x0050
#define HV_HYPERCALL_FAST (1ull << 16)
#define HVSIM_HVCALL_BENCH_VTL_ROUND_TRIP 0xFFF0 /* tools/hvsim/hvif.h */
#define HV_REG_VSM_VP_STATUS_NAME 0x000D0003u
#define MSR_LSTAR 0xC0000082u
#define CR4_TSD (1ull << 2)   /* pinned by the policy; harmless at CPL0 */
#define CR4_PGE (1ull << 7)   /* not pinned (LOCK_REGS leaves MCE, PGE, PCE, VMXE) */
#define MAX_REPS 64
#define MEAS_SCRATCH 480      /* scratch pages 480..495: GET_MEASUREMENTS buffer */
#define MEAS_BYTES (16 * PAGE_SIZE)

static unsigned int reps = 20, iters = 1000;

/* A protected rodata byte: every store to it is a memory intercept that
 * VTL1 refuses (#GP).  The store writes the value already there. */
static const uint8_t bench_ro_target[64] __attribute__((used, aligned(64))) = { 0x5A };

static uint8_t hc_in[4096] __attribute__((aligned(4096)));
static uint8_t hc_out[4096] __attribute__((aligned(4096)));
static uint64_t cr4_base, lstar_base;

static uint64_t hcpage(void)
{
	return (uint64_t)(uintptr_t)__vtl0_hcpage;
}

/* ---- the operations: 0 when the operation did what it should ---- */

static int op_floor(unsigned int i)
{
	(void)i;
	return gl_hv_status(gl_hvcall(hcpage(), HVSIM_HVCALL_BENCH_VTL_ROUND_TRIP | HV_HYPERCALL_FAST,
				      0, 0)) != 0;
}

static int op_hypercall(unsigned int i)
{
	(void)i;
	return gl_hv_status(gl_hvcall_rep(hcpage(), HVCALL_GET_VP_REGISTERS, 1, hc_in, hc_out)) != 0;
}

static int op_vtl_call(unsigned int i)
{
	(void)i;
	return vtl_call(VTLG_GET_MEASUREMENTS, pa_of(scratch_page(MEAS_SCRATCH)), MEAS_BYTES, 0) <= 0;
}

/* The test image's no-op call (vtl_protect/vtlp.h): the bare dispatch. */
static int op_vtl_call_nop(unsigned int i)
{
	(void)i;
	return vtl_call(VTLG_TEST_NOP, 0, 0, 0) != 0;
}

static int op_mem_refused(unsigned int i)
{
	(void)i;
	volatile uint8_t *p = (volatile uint8_t *)(uintptr_t)&bench_ro_target[8];

	return probe_store8(p, *p) != 1;
}

static int op_cr4_unpinned(unsigned int i)
{
	/* even: set PGE flipped, odd: back, so CR4 ends as it began */
	return gl_probe_mov_cr4((i & 1) ? cr4_base : cr4_base ^ CR4_PGE) != 0;
}

static int op_cr4_pinned(unsigned int i)
{
	(void)i;
	if (gl_probe_mov_cr4(cr4_base ^ CR4_TSD) == 1)
		return 0;
	gl_probe_mov_cr4(cr4_base); /* it was allowed: undo, and fail the figure */
	return 1;
}

static int op_lstar_same(unsigned int i)
{
	(void)i;
	return gl_probe_wrmsr(MSR_LSTAR, lstar_base) != 0;
}

struct figure {
	const char *name;
	int (*op)(unsigned int i);
	unsigned int div;     /* iterations = iters / div (even) */
	const char *what;
};

static const struct figure figures[] = {
	{ "floor_world_switch", op_floor, 1,
	  "hvsim test-only hypercall 0xFFF0: VTL0->VTL1->VTL0, VMRUN of VTL1's VMCB, no VTL1 code" },
	{ "hypercall_get_vp_register", op_hypercall, 1,
	  "GetVpRegisters of one register (VsmVpStatus), answered by the model" },
	{ "vtl_call_nop", op_vtl_call_nop, 1,
	  "VTL call TEST_NOP (0x2FFF0, test image only): vtlguard's dispatch with no work" },
	{ "vtl_call_get_measurements", op_vtl_call, 1,
	  "VTL call GET_MEASUREMENTS (0x2FFE0) with a 64 KiB buffer: vtlguard's cheapest call that succeeds" },
	{ "mem_intercept_refused", op_mem_refused, 2,
	  "store to protected rodata: GPA intercept -> vtlguard refuses -> #GP in VTL0" },
	{ "cr4_unpinned_write", op_cr4_unpinned, 1,
	  "CR4.PGE toggle: trapped and carried out by the model, masked out of VTL1's CR4 intercept" },
	{ "cr4_pinned_refused", op_cr4_pinned, 2,
	  "CR4.TSD toggle: register intercept -> vtlguard refuses -> #GP in VTL0" },
	{ "msr_lstar_allowed_emulated", op_lstar_same, 2,
	  "WRMSR LSTAR with its pinned value: MSR intercept -> vtlguard allows, emulates (SetVpRegisters, RIP)" },
};

static void sort_u64(uint64_t *a, unsigned int n)
{
	for (unsigned int i = 1; i < n; i++)
		for (unsigned int j = i; j && a[j - 1] > a[j]; j--) {
			uint64_t t = a[j];

			a[j] = a[j - 1];
			a[j - 1] = t;
		}
}

#define NFIG (sizeof(figures) / sizeof(figures[0]))

static uint64_t per_rep[NFIG][MAX_REPS], op_min[NFIG];
static unsigned int fails[NFIG];

static unsigned int figure_iters(const struct figure *f)
{
	unsigned int n = (iters / f->div) & ~1u;

	return n < 2 ? 2 : n;
}

/* One repetition of one figure: n operations, timed one by one. */
static void run_batch(size_t k, unsigned int r)
{
	const struct figure *f = &figures[k];
	unsigned int n = figure_iters(f);
	uint64_t t0 = vtl0_rdtsc(), prev = t0;

	for (unsigned int i = 0; i < n; i++) {
		uint64_t t;

		fails[k] += f->op(i) != 0;
		t = vtl0_rdtsc();
		if (t - prev < op_min[k])
			op_min[k] = t - prev;
		prev = t;
	}
	per_rep[k][r] = (prev - t0) / n;
}

static void report(size_t k)
{
	const struct figure *f = &figures[k];
	unsigned int n = figure_iters(f);
	uint64_t *a = per_rep[k], median;

	for (unsigned int r = 0; r < reps; r++)
		gl_printf("BENCHREP name=%s rep=%u cycles=%llu\n", f->name, r, (unsigned long long)a[r]);
	sort_u64(a, reps);
	median = (reps & 1) ? a[reps / 2] : (a[reps / 2 - 1] + a[reps / 2]) / 2;
	gl_printf("BENCH name=%s reps=%u iters=%u min=%llu median=%llu op_min=%llu fails=%u\n", f->name,
		  reps, n, (unsigned long long)a[0], (unsigned long long)median,
		  (unsigned long long)op_min[k], fails[k]);
	gl_check(fails[k] == 0, ndl("bench_%s", f->name), "%u of %u operations did not %s", fails[k],
		 reps * n + 8, f->what);
}

/*
 * Repetitions outermost, figures inside: every figure's r-th batch runs next
 * to the floor's r-th batch, so slow phases of the host (TCG shares it) hit
 * all figures alike and per-repetition ratios stay meaningful.
 */
static void run_all(void)
{
	for (size_t k = 0; k < NFIG; k++) {
		op_min[k] = ~0ull;
		for (unsigned int i = 0; i < 8; i++) /* warm up: caches, TLBs, VTL1's paths */
			fails[k] += figures[k].op(i) != 0;
	}
	for (unsigned int r = 0; r < reps; r++)
		for (size_t k = 0; k < NFIG; k++)
			run_batch(k, r);
	for (size_t k = 0; k < NFIG; k++)
		report(k);
}

static unsigned long word_value(const char *c, const char *key, unsigned long def)
{
	size_t k = 0;

	while (key[k])
		k++;
	for (; *c; c++) {
		size_t i = 0;

		while (i < k && c[i] == key[i])
			i++;
		if (i == k && (c == v0.bi->cmdline || c[-1] == ' ')) {
			unsigned long v = 0;

			for (c += k; *c >= '0' && *c <= '9'; c++)
				v = v * 10 + (unsigned long)(*c - '0');
			return v ? v : def;
		}
	}
	return def;
}

static void print_env(void)
{
	uint32_t r[4], brand[13] = { 0 }, hv[4] = { 0 };

	gl_cpuid(0x80000000u, 0, r);
	if (r[0] >= 0x80000004u)
		for (uint32_t l = 0; l < 3; l++)
			gl_cpuid(0x80000002u + l, 0, brand + 4 * l);
	gl_cpuid(0x40000000u, 0, r);
	hv[0] = r[1];
	hv[1] = r[2];
	hv[2] = r[3];
	gl_printf("BENCH env cpu=\"%s\" hypervisor=\"%s\" vps=%u reps=%u iters=%u\n",
		  (const char *)brand, (const char *)hv, v0.nr_vps, reps, iters);
}

int bench_main(const char *why)
{
	const char *cl = v0.bi->cmdline;
	uint32_t name = HV_REG_VSM_VP_STATUS_NAME, self = 0xFFFFFFFEu;

	reps = (unsigned int)word_value(cl, "bench_reps=", 20);
	iters = (unsigned int)word_value(cl, "bench_iters=", 1000);
	if (reps > MAX_REPS)
		reps = MAX_REPS;
	if (!why) {
		vtl0_lock_and_end_boot();
		if (!v0.locked || !v0.end_of_boot)
			why = "LOCK_REGS or SIGNAL_END_OF_BOOT failed";
	}
	gl_check(!why, "bench_boot", "vtlguard is not up: %s", why ? why : "");
	if (why)
		return gl_summary();
	print_env();

	lvbs_put64(hc_in, ~0ull); /* GetVpRegisters: partition self, VP self, own VTL */
	gl_memcpy(hc_in + 8, &self, 4);
	gl_memcpy(hc_in + 16, &name, 4);
	cr4_base = gl_read_cr4();
	lstar_base = gl_rdmsr(MSR_LSTAR);
	if (op_floor(0)) {
		gl_check(false, "bench_floor_available",
			 "hvsim hypercall %#x refused: run hvsim with --bench (tests/vtl0/bench-run does)",
			 HVSIM_HVCALL_BENCH_VTL_ROUND_TRIP);
		return gl_summary();
	}
	run_all();
	gl_check(gl_read_cr4() == cr4_base && gl_rdmsr(MSR_LSTAR) == lstar_base, "bench_state_kept",
		 "CR4 %#llx (was %#llx), LSTAR %#llx (was %#llx)", (unsigned long long)gl_read_cr4(),
		 (unsigned long long)cr4_base, (unsigned long long)gl_rdmsr(MSR_LSTAR),
		 (unsigned long long)lstar_base);
	return gl_summary();
}
