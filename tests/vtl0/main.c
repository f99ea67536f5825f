// SPDX-License-Identifier: MIT
/*
 * The VTL0 test kernel: boot vtlguard the LVBS way, turn protection on,
 * keep a workload running, attack, and report kvm-unit-tests style
 * ("PASS name" / "FAIL name: why", then "N passed, N failed"; exit status 0
 * only if nothing failed).
 *
 * Command line (tools/hvsim/run --cmdline "..."), words separated by spaces:
 *   only=NAME      run just this case (after the full boot); NAME* a group
 *   skip=STEP      leave out one protection step (protect-text,
 *                  protect-rodata, protect-ro-after-init, protect-data,
 *                  load-kdata, lock-regs): the trust test
 *   flood=N        violations in the flood case (default 100000)
 *   vtl1_mb=N      VTL1 region size in MiB (default 64)
 *   policy=default boot vtlguard without tests/vtl0/suite-policy.dts
 *   late_ap=N      AP N skips LOCK_REGS, so it reaches end of boot unpinned
 *                  (make suite-vtl0-late; attacks_pins.c)
 *   late_aps       ENABLE_APS_VTL/BOOT_APS only after end of boot: the APs'
 *                  first VTL call comes after it (make suite-vtl0-late)
 *   demo           describe each case and print VTL1's log at the end
 *   verbose        also print each matching VIOLATION record
 *   bench          after boot, time the VTL paths instead (bench.c)
 */
#include "tests/vtl0/vtl0.h"

struct vtl0 v0;
int late_aps_result;
static bool demo;
static bool bench;               /* "bench": time the VTL paths instead (bench.c) */
int bench_main(const char *why);

extern const struct vtl0_case vtl0_cases_boot_calls[], vtl0_cases_mem[], vtl0_cases_vtl1[],
	vtl0_cases_regs[], vtl0_cases_smp[], vtl0_cases_calls[], vtl0_cases_modules[],
	vtl0_cases_modval[], vtl0_cases_positive[], vtl0_cases_flood[], vtl0_cases_hvsim[],
	vtl0_cases_pins[], vtl0_cases_boot_gen[],
	vtl0_cases_patch[];

static const struct vtl0_case *const tables[] = {
	vtl0_cases_boot_calls, vtl0_cases_mem, vtl0_cases_vtl1, vtl0_cases_regs,
	vtl0_cases_smp, vtl0_cases_calls, vtl0_cases_patch, vtl0_cases_modules, vtl0_cases_modval,
	vtl0_cases_positive, vtl0_cases_hvsim, vtl0_cases_pins, vtl0_cases_flood, vtl0_cases_boot_gen,
};

static bool word_eq(const char *w, size_t n, const char *s)
{
	size_t i = 0;

	for (; i < n && s[i]; i++)
		if (w[i] != s[i])
			return false;
	return i == n && !s[i];
}

static unsigned long parse_ul(const char *s, size_t n)
{
	unsigned long v = 0;

	for (size_t i = 0; i < n && s[i] >= '0' && s[i] <= '9'; i++)
		v = v * 10 + (unsigned long)(s[i] - '0');
	return v;
}

static void copy_word(char *dst, size_t cap, const char *s, size_t n)
{
	size_t i = 0;

	for (; i < n && i + 1 < cap; i++)
		dst[i] = s[i];
	dst[i] = 0;
}

static void parse_cmdline(const char *c)
{
	v0.opt.flood = 100000;
	v0.opt.vtl1_mb = 64;
	v0.opt.lvbs = 3; /* the current generation (LinuxVBS/linux, LiteBox) */
	while (*c) {
		const char *w = c, *eq = NULL;
		size_t n;

		while (*c && *c != ' ') {
			if (*c == '=' && !eq)
				eq = c;
			c++;
		}
		n = (size_t)(c - w);
		if (eq) {
			size_t k = (size_t)(eq - w), vn = n - k - 1;
			const char *val = eq + 1;

			if (word_eq(w, k, "only"))
				copy_word(v0.opt.only, sizeof(v0.opt.only), val, vn);
			else if (word_eq(w, k, "skip"))
				copy_word(v0.opt.skip, sizeof(v0.opt.skip), val, vn);
			else if (word_eq(w, k, "flood"))
				v0.opt.flood = parse_ul(val, vn);
			else if (word_eq(w, k, "vtl1_mb"))
				v0.opt.vtl1_mb = (unsigned int)parse_ul(val, vn);
			else if (word_eq(w, k, "late_ap"))
				v0.opt.late_ap = (unsigned int)parse_ul(val, vn);
			else if (word_eq(w, k, "lvbs") && (word_eq(val, vn, "v2") ||
							 word_eq(val, vn, "v3") ||
							 word_eq(val, vn, "v4")))
				v0.opt.lvbs = (unsigned int)(val[1] - '0');
			else if (word_eq(w, k, "firstcall"))
				copy_word(v0.opt.firstcall, sizeof(v0.opt.firstcall), val, vn);
			else if (word_eq(w, k, "aps") && word_eq(val, vn, "late"))
				v0.opt.aps_late = true;
			else if (word_eq(w, k, "policy") && word_eq(val, vn, "default"))
				v0.opt.default_policy = true;
			else if (word_eq(w, k, "vtl0_ram") && word_eq(val, vn, "known"))
				v0.opt.vtl0_ram_known = true;
			else
				gl_printf("NOTE unknown option %.*s ignored\n", (int)n, w);
		} else if (n) {
			if (word_eq(w, n, "demo"))
				demo = true;
			else if (word_eq(w, n, "bench"))
				bench = true;
			else if (word_eq(w, n, "late_aps"))
				v0.opt.late_aps = true;
			else if (word_eq(w, n, "verbose"))
				v0.opt.verbose = true;
			else
				gl_printf("NOTE unknown option %.*s ignored\n", (int)n, w);
		}
		while (*c == ' ')
			c++;
	}
	if (v0.opt.vtl1_mb < 16)
		v0.opt.vtl1_mb = 16;
	if (v0.opt.lvbs == 4 && !v0.opt.default_policy) {
		/* V4 passes no command line: no vtlguard.policy= word, vtlguard
		 * runs its built-in policy. */
		gl_printf("NOTE lvbs=v4 has no command line: vtlguard uses its built-in policy\n");
		v0.opt.default_policy = true;
	}
}

/* only=NAME, or only=PREFIX* for a group (only=vtl1_*), or a comma-separated
 * list of either (only=pm_*,eob_*: the profile suite's representative set) */
static bool match_one(const char *o, const char *n)
{
	for (; *o && *o != ',' && *o != '*'; o++, n++)
		if (*o != *n)
			return false;
	return *o == '*' || !*n;
}

static bool selected(const struct vtl0_case *c)
{
	const char *o = v0.opt.only;

	if (!o[0])
		return true;
	for (;;) {
		if (match_one(o, c->name))
			return true;
		while (*o && *o != ',')
			o++;
		if (!*o++)
			return false;
	}
}

static unsigned int count_selected(void)
{
	unsigned int n = 0;

	for (size_t t = 0; t < sizeof(tables) / sizeof(tables[0]); t++)
		for (const struct vtl0_case *c = tables[t]; c->name; c++)
			n += selected(c);
	return n;
}

static unsigned int run_phase(int phase, const char *not_run_why)
{
	unsigned int ran = 0;

	for (size_t t = 0; t < sizeof(tables) / sizeof(tables[0]); t++)
		for (const struct vtl0_case *c = tables[t]; c->name; c++) {
			if (c->phase != phase || !selected(c))
				continue;
			ran++;
			if (not_run_why) {
				gl_check(false, c->name, "not run: %s", not_run_why);
				continue;
			}
			if (demo)
				gl_printf("CASE %s: %s\n", c->name, c->what);
			/* no retries: verdicts rest on GET_VIOLATIONS, which is exact
			 * (cases.c); VTL1 must count what the case accounted for */
			ndl_reset();
			case_begin();
			c->fn(c);
			case_end(c->name);
			workload_tick();
		}
	return ran;
}

int gl_main(const struct hvsim_boot_info *bi)
{
	const char *why = NULL;
	uint64_t ring_start;

	v0.bi = bi;
	parse_cmdline(bi->cmdline);
	v0.nr_vps = bi->nr_vps ? bi->nr_vps : 1;
	if (v0.nr_vps > VTL0_MAX_VPS)
		v0.nr_vps = VTL0_MAX_VPS;
	gl_printf("vtl0 test kernel: %u VP(s), %llu MiB RAM, cmdline \"%s\"\n", v0.nr_vps,
		  (unsigned long long)(bi->ram_size >> 20), bi->cmdline);
	if (bi->nr_vps > VTL0_MAX_VPS)
		gl_printf("NOTE only the first %u VPs are used\n", VTL0_MAX_VPS);

	cpu_init_bsp();
	workload_init();
	workload_tick();
	if (vsm_hv_init()) {
		gl_check(false, "boot_hyperv", "no Hyper-V interface (CPUID 0x40000001 != Hv#1)");
		why = "no Hyper-V";
	}
	if (!why && vtl0_plan_memory())
		why = "not enough guest RAM";
	if (!why && vtl0_start_aps())
		why = "the APs did not start";
	if (!why && v0.opt.firstcall[0])
		return vtl0_refused_boot() ? gl_summary() : 1;
	if (!why && vtl0_boot_vtl1())
		why = "vtlguard did not boot (see the boot_* lines above)";
	workload_tick();
	if (!why && v0.opt.aps_late)
		vtl0_protect_kernel(); /* aps=late: the signal-page attacks need targets */
	if (!why && !v0.opt.late_aps && vtl0_boot_aps_vtl1())
		why = "the APs did not enter VTL1";
	if (!why && !v0.opt.aps_late)
		vtl0_protect_kernel();
	ring_start = 0; /* the demo shows VTL1's log from the ring's first record */
	workload_tick();
	if (bench)
		return bench_main(why);

	run_phase(CASE_BOOT, why);
	if (!why)
		vtl0_lock_and_end_boot();
	if (!why && !v0.end_of_boot)
		why = "SIGNAL_END_OF_BOOT failed";
	/* late_aps: the APs make their first VTL call now (attacks_pins.c);
	 * vtlguard may refuse that outright, which the case reports. */
	if (!why && v0.opt.late_aps) {
		gl_printf("NOTE late_aps: APs enter VTL1 after end of boot\n");
		late_aps_result = vtl0_boot_aps_vtl1();
	}
	workload_mark_aps();
	run_phase(CASE_RUN, why);
	if (v0.opt.only[0] && !count_selected())
		gl_check(false, "only", "no case named \"%s\"", v0.opt.only);
	if (!why)
		workload_check();
	if (!why && !bench)
		verdict_totals();

	if (demo && !why) {
		gl_printf("VTL1 LOG (read back from the log ring, violations and all):\n");
		if (flood_ring_to > flood_ring_from) {
			ring_dump_range(ring_start, flood_ring_from, "  | ");
			gl_printf("  | ... the flood's lines (see INFO flood) ...\n");
			ring_dump_since(flood_ring_to, "  | ");
		} else {
			ring_dump_since(ring_start, "  | ");
		}
	}
	return gl_summary();
}
