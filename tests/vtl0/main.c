// SPDX-License-Identifier: MIT
/*
 * The VTL0 test kernel: boot vtlguard the LVBS way, turn protection on,
 * keep a workload running, attack, and report kvm-unit-tests style
 * ("PASS name" / "FAIL name: why", then "N passed, N failed"; exit status 0
 * only if nothing failed).
 *
 * Command line (tools/hvsim/run --cmdline "..."), words separated by spaces.
 * A word not listed here (or a bad value) is refused: the guest prints
 * "FAIL cmdline_words: ..." and runs nothing.
 *   only=NAME      run just this case (after the full boot); NAME* a group
 *   skip=STEP      leave out one protection step (protect-text,
 *                  protect-rodata, protect-ro-after-init, protect-data,
 *                  load-kdata, lock-regs): the trust test
 *   flood=N        violations in the flood case (default 100000)
 *   vtl1_mb=N      VTL1 region size in MiB (default 64)
 *   only=list      print every case's name, phase and description; run nothing
 *   policy=default boot vtlguard without tests/vtl0/suite-policy.dts
 *   policy=at:OFF  hand vtlguard the policy DTB at byte OFF of the blob
 *                  instead (tests/vtl0/run --policy FILE appends it there)
 *   audit=CLASSES  the policy in force audits these classes (comma list of
 *                  mem, cr, msr, dt; or all, or none): an attack on an audited
 *                  class passes when it went through and VTL1 recorded it
 *                  as action=audit-allow (cases.c); tests/vtl0/run derives
 *                  it from the policy file
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

/* Where each table's cases are documented (same order as tables[]). */
static const char *const table_docs[] = {
	"docs/vtl-call-abi.md, tests/vtl0/attacks_calls.c",
	"docs/testing.md \"What a case checks\", tests/vtl0/attacks_mem.c",
	"docs/threat-model.md, tests/vtl0/attacks_vtl1.c",
	"docs/policy.md \"pinned\", tests/vtl0/attacks_regs.c",
	"docs/testing.md, tests/vtl0/attacks_smp.c",
	"docs/vtl-call-abi.md, tests/vtl0/attacks_calls.c",
	"docs/vtl-call-abi.md \"PATCH_TEXT\", tests/vtl0/attacks_patch.c",
	"docs/testing.md \"Module and kexec validation\", tests/vtl0/modules.c",
	"docs/module-validation.md, tests/vtl0/attacks_modules.c",
	"docs/testing.md \"What a case checks\", tests/vtl0/positive.c",
	"docs/hvsim.md, tests/vtl0/attacks_hvsim.c",
	"docs/policy.md, tests/vtl0/attacks_pins.c",
	"docs/testing.md \"What a case checks\", tests/vtl0/positive.c",
	"docs/boot-protocol.md, tests/vtl0/attacks_boot.c",
};
_Static_assert(sizeof(table_docs) / sizeof(table_docs[0]) == sizeof(tables) / sizeof(tables[0]),
	       "one doc pointer per case table");


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

/* ------------------------------------- every verdict has a description */
static size_t str_len(const char *s)
{
	size_t n = 0;

	while (s[n])
		n++;
	return n;
}

static char undescribed[4][64];
static unsigned int nundescribed;

static const struct vtl0_case *case_named(const char *name, const char **doc)
{
	for (size_t t = 0; t < sizeof(tables) / sizeof(tables[0]); t++)
		for (const struct vtl0_case *c = tables[t]; c->name; c++)
			if (word_eq(name, str_len(name), c->name)) {
				*doc = table_docs[t];
				return c;
			}
	return NULL;
}

/* gl_check_hook: a verdict whose name is neither a case (with a description)
 * nor a described sub-check (describe.c) is remembered for the FAIL below. */
static void check_described(const char *name)
{
	const char *doc;
	const struct vtl0_case *c = case_named(name, &doc);

	if ((c && c->what && c->what[0]) || vtl0_subcheck_desc(name))
		return;
	for (unsigned int i = 0; i < nundescribed && i < 4; i++)
		if (word_eq(name, str_len(name), undescribed[i]))
			return;
	if (nundescribed < 4)
		copy_word(undescribed[nundescribed], sizeof(undescribed[0]), name, str_len(name));
	nundescribed++;
}

static void verdict_descriptions(void)
{
	gl_check(!nundescribed, "verdict_descriptions",
		 "%u verdict(s) without a description (%s%s%s%s%s%s%s): add them to "
		 "tests/vtl0/describe.c or the case table", nundescribed, undescribed[0],
		 nundescribed > 1 ? ", " : "", undescribed[1], nundescribed > 2 ? ", " : "",
		 undescribed[2], nundescribed > 3 ? ", " : "", undescribed[3]);
}

/* A word the guest does not know: refused, so a typo never runs a
 * different suite than the one asked for. */
static void bad_word(const char *w, size_t n)
{
	v0.opt.bad_words++;
	gl_check(false, "cmdline_words", "unknown word or bad value \"%.*s\": nothing runs "
		 "(the words: docs/testing.md)", (int)n, w);
	gl_printf("NOTE guest words: only= skip= flood= vtl1_mb= late_ap= lvbs=v2|v3|v4 "
		  "firstcall= aps=late policy=default|at:OFF audit= late_aps verbose demo bench\n");
}

/* audit=mem,cr,msr,dt (any subset) or audit=none */
static bool parse_audit(const char *s, size_t n)
{
	unsigned int m = 0;

	if (word_eq(s, n, "none") || word_eq(s, n, "all")) {
		v0.opt.audit = s[0] == 'a' ? VTL0_AUDIT_MEM | VTL0_AUDIT_CR | VTL0_AUDIT_MSR |
			       VTL0_AUDIT_DT : 0;
		return true;
	}
	while (n) {
		size_t k = 0;

		while (k < n && s[k] != ',')
			k++;
		if (word_eq(s, k, "mem"))
			m |= VTL0_AUDIT_MEM;
		else if (word_eq(s, k, "cr"))
			m |= VTL0_AUDIT_CR;
		else if (word_eq(s, k, "msr"))
			m |= VTL0_AUDIT_MSR;
		else if (word_eq(s, k, "dt"))
			m |= VTL0_AUDIT_DT;
		else
			return false;
		s += k, n -= k;
		if (n)
			s++, n--;
	}
	v0.opt.audit = m;
	return true;
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

			if (word_eq(w, k, "only") && word_eq(val, vn, "list"))
				v0.opt.list = true;
			else if (word_eq(w, k, "only") && vn < sizeof(v0.opt.only))
				copy_word(v0.opt.only, sizeof(v0.opt.only), val, vn);
			else if (word_eq(w, k, "skip") && vn < sizeof(v0.opt.skip))
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
			else if (word_eq(w, k, "firstcall") && vn < sizeof(v0.opt.firstcall))
				copy_word(v0.opt.firstcall, sizeof(v0.opt.firstcall), val, vn);
			else if (word_eq(w, k, "aps") && word_eq(val, vn, "late"))
				v0.opt.aps_late = true;
			else if (word_eq(w, k, "policy") && word_eq(val, vn, "default"))
				v0.opt.default_policy = true;
			else if (word_eq(w, k, "policy") && vn > 3 && word_eq(val, 3, "at:") &&
				 parse_ul(val + 3, vn - 3))
				v0.opt.policy_at = parse_ul(val + 3, vn - 3);
			else if (word_eq(w, k, "audit") && parse_audit(val, vn))
				;
			else if ((word_eq(w, k, "bench_reps") || word_eq(w, k, "bench_iters")) &&
				 parse_ul(val, vn))
				; /* bench.c reads them */
			else if (word_eq(w, k, "vtl0_ram") && word_eq(val, vn, "known"))
				v0.opt.vtl0_ram_known = true;
			else
				bad_word(w, n);
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
				bad_word(w, n);
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

/* The first element of only=A,B,... that names no case, or NULL. */
static const char *only_unmatched(void)
{
	const char *o = v0.opt.only;

	for (;;) {
		bool hit = false;

		for (size_t t = 0; t < sizeof(tables) / sizeof(tables[0]) && !hit; t++)
			for (const struct vtl0_case *c = tables[t]; c->name && !hit; c++)
				hit = match_one(o, c->name);
		if (!hit)
			return o;
		while (*o && *o != ',')
			o++;
		if (!*o++)
			return NULL;
	}
}

/* only=list: one "LIST name phase: description" line per case */
static void list_cases(void)
{
	for (size_t t = 0; t < sizeof(tables) / sizeof(tables[0]); t++)
		for (const struct vtl0_case *c = tables[t]; c->name; c++)
			gl_printf("LIST %s %s: %s [%s]\n", c->name,
				  c->phase == CASE_BOOT ? "boot" : "run", c->what ? c->what : "",
				  table_docs[t]);
	for (const struct vtl0_desc *d = vtl0_subchecks; d->pattern; d++)
		gl_printf("LIST %s sub-check: %s [%s]\n", d->pattern, d->what, d->doc);
}

/* demo: the sub-checks' descriptions, for the report's attack list */
static void describe_subchecks(void)
{
	for (const struct vtl0_desc *d = vtl0_subchecks; d->pattern; d++)
		gl_printf("DESC %s: %s [%s]\n", d->pattern, d->what, d->doc);
}

/*
 * Cases that rest on memory staying refused through several steps (load,
 * execute, validate, execute again; a flood then an attack on the same
 * page): under a policy that audits memory the first audited access opens
 * the page for good (docs/policy.md), so the later steps cannot be judged.
 * They SKIP with that reason; every single-access attack still runs.
 */
static const char *const needs_enforced_memory[] = {
	"module_*", "kexec_*", "patch_module_*", "ratelimit_flood_then_attack",
	"violations_report", "hvsim_overlay_*", "flood_*",
	/* its premise, text VTL0 cannot write, is gone once an audited write
	 * opened the victim's page: VTL1 then rightly answers -ENOENT */
	"patch_text_not_a_site", NULL,
};

static bool audit_unjudgeable(const struct vtl0_case *c)
{
	if (!(v0.opt.audit & VTL0_AUDIT_MEM))
		return false;
	for (const char *const *p = needs_enforced_memory; *p; p++)
		if (match_one(*p, c->name))
			return true;
	return false;
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
			if (audit_unjudgeable(c)) {
				case_skip(c->name, "the policy audits memory: this case needs its "
					  "pages to stay refused across steps (an audited access "
					  "opens a page for good)");
				continue;
			}
			if (demo)
				gl_printf("CASE %s: %s [%s]\n", c->name, c->what,
					  table_docs[t]);
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
	const char *why = NULL, *o;
	uint64_t ring_start;

	v0.bi = bi;
	gl_check_hook = check_described;
	parse_cmdline(bi->cmdline);
	v0.nr_vps = bi->nr_vps ? bi->nr_vps : 1;
	if (v0.nr_vps > VTL0_MAX_VPS)
		v0.nr_vps = VTL0_MAX_VPS;
	gl_printf("vtl0 test kernel: %u VP(s), %llu MiB RAM, cmdline \"%s\"\n", v0.nr_vps,
		  (unsigned long long)(bi->ram_size >> 20), bi->cmdline);
	if (bi->nr_vps > VTL0_MAX_VPS)
		gl_printf("NOTE only the first %u VPs are used\n", VTL0_MAX_VPS);
	if (v0.opt.bad_words)
		return gl_summary(); /* refused: run nothing rather than another suite */
	if (demo)
		describe_subchecks();
	if (v0.opt.list) {
		list_cases();
		return gl_summary();
	}
	if (v0.opt.only[0] && (o = only_unmatched()) != NULL) {
		size_t n = 0;

		while (o[n] && o[n] != ',')
			n++;
		gl_check(false, "only", "no case named \"%.*s\" (only=list lists them)", (int)n, o);
		return gl_summary();
	}

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
	if (!why)
		workload_check();
	if (!why && !bench)
		verdict_totals();
	verdict_descriptions();

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
