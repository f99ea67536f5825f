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
	bool unchanged;     /* the AP's re-read after the attempt */
	uint64_t before, after;
};

struct __attribute__((packed)) ap_dtr {
	uint16_t limit;
	uint64_t base;
};

/*
 * Each attack tries a real change on VP 1 and re-reads there (the pinned
 * registers are per VP); a change that landed is put back at once.
 */
static void ap_attack(void *arg)
{
	struct ap_job *j = arg;
	unsigned int before = gl_last_fault.count;

	j->unchanged = true;
	switch (j->kind) {
	case 0:
		j->before = gl_read_cr4();
		j->faulted = gl_probe_mov_cr4(j->before & ~(1ull << 9)); /* OSFXSR */
		j->after = gl_read_cr4();
		if (j->after != j->before)
			gl_probe_mov_cr4(j->before);
		break;
	case 1: {
		volatile uint8_t *p = (volatile uint8_t *)vtl0_victim_text + 32;

		j->before = *p;
		j->faulted = probe_store8(p, (uint8_t)(j->before ^ 0xFF));
		j->after = *p;
		if (j->after != j->before)
			probe_store8(p, (uint8_t)j->before);
		break;
	}
	case 2:
		j->before = gl_rdmsr(0xC0000082u);
		j->faulted = gl_probe_wrmsr(0xC0000082u, v0.mem.heap_pa);
		j->after = gl_rdmsr(0xC0000082u);
		if (j->after != j->before)
			gl_wrmsr(0xC0000082u, j->before);
		break;
	case 3:
		j->before = gl_read_cr0();
		j->faulted = gl_probe_mov_cr0(j->before & ~(1ull << 16));
		j->after = gl_read_cr0();
		if (j->after != j->before)
			gl_probe_mov_cr0(j->before);
		break;
	case 4: {
		uint8_t b;

		j->faulted = probe_load8((const volatile void *)(uintptr_t)(v0.mem.region_pa +
			LVBS_PG_BOOT_PARAMS * PAGE_SIZE), &b);
		break;
	}
	case 5: {
		/* another IDT: a copy of VP 1's own in a heap page, so a load
		 * that lands keeps VP 1 running */
		struct ap_dtr cur, evil, now;
		uint8_t *copy = (uint8_t *)(uintptr_t)(v0.mem.heap_pa + 12 * PAGE_SIZE);

		gl_sidt(&cur);
		gl_memcpy(copy, (const void *)(uintptr_t)cur.base, (size_t)cur.limit + 1);
		evil.limit = cur.limit;
		evil.base = pa_of(copy);
		j->before = cur.base;
		j->faulted = gl_probe_lidt(&evil);
		gl_sidt(&now);
		j->after = now.base;
		if (now.base != cur.base || now.limit != cur.limit) {
			gl_lidt(&cur);
			/* audit mode: putting it back is a recorded load too */
			if (v0.opt.audit & VTL0_AUDIT_DT)
				expect_violations("descriptor-table", 1);
		}
		break;
	}
	default:
		break;
	}
	j->unchanged = j->after == j->before;
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
	expect_refused_unchanged(c->name, j.faulted, j.unchanged,
				 ndl("VP 1's value (%#llx -> %#llx)", (unsigned long long)j.before,
				     (unsigned long long)j.after), needles);
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
	const char *n[] = { "class=descriptor-table", "vp=1", "reg=IDTR", "rule=IDTR-locked", NULL };

	on_ap(c, 5, n);
}

const struct vtl0_case vtl0_cases_smp[] = {
	{ "ap_cr4_clear_pinned_bit", ap_cr4, CASE_RUN, "clear a pinned CR4 bit on VP 1" },
	{ "ap_cr0_clear_wp", ap_cr0, CASE_RUN, "clear CR0.WP on VP 1" },
	{ "ap_text_write", ap_text, CASE_RUN, "write protected text from VP 1" },
	{ "ap_msr_lstar", ap_lstar, CASE_RUN, "rewrite LSTAR on VP 1" },
	{ "ap_vtl1_read", ap_vtl1_read, CASE_RUN, "read VTL1's boot_params from VP 1" },
	{ "ap_lidt", ap_lidt, CASE_RUN, "load another IDT on VP 1" },
	{ NULL, NULL, 0, NULL },
};
