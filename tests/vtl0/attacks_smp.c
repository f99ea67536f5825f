// SPDX-License-Identifier: MIT
/*
 * Attacks from another VP: LOCK_REGS pins each VP's registers, and memory
 * protections are partition-wide, so VP 1 must be held to the same rules.
 * The BSP hands each attack to VP 1 and waits (one case at a time, so the
 * single exception-catch slot is never shared).
 */
#include "tests/vtl0/vtl0.h"

struct ap_job {
	int kind;
	int faulted;
	uint64_t vector;
};

static void ap_attack(void *arg)
{
	struct ap_job *j = arg;
	unsigned int before = gl_last_fault.count;

	switch (j->kind) {
	case 0:
		j->faulted = gl_probe_mov_cr4(gl_read_cr4() & ~(1ull << 9)); /* OSFXSR */
		break;
	case 1: {
		volatile uint8_t *p = (volatile uint8_t *)vtl0_victim_text + 32;

		j->faulted = probe_store8(p, *p);
		break;
	}
	case 2:
		j->faulted = gl_probe_wrmsr(0xC0000082u, v0.mem.heap_pa);
		break;
	case 3:
		j->faulted = gl_probe_mov_cr0(gl_read_cr0() & ~(1ull << 16));
		break;
	case 4: {
		uint8_t b;

		j->faulted = probe_load8((const volatile void *)(uintptr_t)(v0.mem.region_pa +
			LVBS_PG_BOOT_PARAMS * PAGE_SIZE), &b);
		break;
	}
	case 5: {
		uint8_t d[10]; /* limit, base: reload the current IDT */

		gl_sidt(d);
		j->faulted = gl_probe_lidt(d);
		break;
	}
	default:
		break;
	}
	j->vector = gl_last_fault.count != before ? gl_last_fault.vector : ~0ull;
}

static void on_ap(const struct vtl0_case *c, int kind, const char *const *needles)
{
	struct ap_job j = { .kind = kind };

	if (v0.nr_vps < 2 || !v0.aps_in_vtl1) {
		case_skip(c->name, "needs a second VP in VTL1 (run with --smp 2)");
		return;
	}
	ring_mark();
	smp_run_on(1, ap_attack, &j);
	expect_refused(c->name, j.faulted, needles);
}

static void ap_cr4(const struct vtl0_case *c)
{
	const char *n[] = { "class=cr", "vp=1", "reg=CR4", "rule=CR4-pinned", NULL };

	on_ap(c, 0, n);
}

static void ap_text(const struct vtl0_case *c)
{
	const char *n[] = { "class=mem-write", "vp=1",
			    ndl("gpa=%#llx", (unsigned long long)pa_of(vtl0_victim_text + 32)), NULL };

	on_ap(c, 1, n);
}

static void ap_lstar(const struct vtl0_case *c)
{
	const char *n[] = { "class=msr", "vp=1", "rule=LSTAR-pinned", NULL };

	on_ap(c, 2, n);
}

static void ap_cr0(const struct vtl0_case *c)
{
	const char *n[] = { "class=cr", "vp=1", "reg=CR0", "rule=CR0-pinned", NULL };

	on_ap(c, 3, n);
}

static void ap_vtl1_read(const struct vtl0_case *c)
{
	const char *n[] = { "class=mem-read", "vp=1", "rule=vtl1-memory-read",
			    ndl("gpa=%#llx", (unsigned long long)(v0.mem.region_pa +
								 LVBS_PG_BOOT_PARAMS * PAGE_SIZE)),
			    NULL };

	on_ap(c, 4, n);
}

static void ap_lidt(const struct vtl0_case *c)
{
	const char *n[] = { "class=descriptor-table", "vp=1", "reg=IDTR", NULL };

	on_ap(c, 5, n);
}

const struct vtl0_case vtl0_cases_smp[] = {
	{ "ap_cr4_clear_pinned_bit", ap_cr4, CASE_RUN, "clear a pinned CR4 bit on VP 1" },
	{ "ap_cr0_clear_wp", ap_cr0, CASE_RUN, "clear CR0.WP on VP 1" },
	{ "ap_text_write", ap_text, CASE_RUN, "write protected text from VP 1" },
	{ "ap_msr_lstar", ap_lstar, CASE_RUN, "rewrite LSTAR on VP 1" },
	{ "ap_vtl1_read", ap_vtl1_read, CASE_RUN, "read VTL1's boot_params from VP 1" },
	{ "ap_lidt", ap_lidt, CASE_RUN, "reload the IDT on VP 1" },
	{ NULL, NULL, 0, NULL },
};
