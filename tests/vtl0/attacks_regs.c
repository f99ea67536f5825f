// SPDX-License-Identifier: MIT
/*
 * Register attacks after LOCK_REGS: control-register bits, the syscall and
 * sysenter MSRs, EFER, APIC_BASE and the descriptor tables.  Each tries a
 * real change (never the value already there) and re-reads the register
 * afterwards: it must still hold its pinned value.
 */
#include "tests/vtl0/vtl0.h"

#define CR0_WP (1ull << 16)
#define CR0_TS (1ull << 3)
#define CR4_TSD (1ull << 2)
#define CR4_DE (1ull << 3)
#define CR4_OSFXSR (1ull << 9)
#define CR4_SMEP (1ull << 20)
#define CR4_SMAP (1ull << 21)

/*
 * Attempt a pinned CR write, then re-read the register: "#GP and a record"
 * alone would pass a vtlguard that applies the write and still injects #GP.
 * The value is put back only when the write went through (then: FAIL).
 */
static void cr_case(const struct vtl0_case *c, unsigned int cr, uint64_t val)
{
	uint64_t before = cr == 0 ? gl_read_cr0() : gl_read_cr4(), after;
	const char *n[] = { "class=cr", cr == 0 ? "reg=CR0" : "reg=CR4",
			    cr == 0 ? "rule=CR0-pinned" : "rule=CR4-pinned",
			    ndl("attempted=%#llx", (unsigned long long)val), NULL };
	int f;

	ring_mark();
	f = cr == 0 ? gl_probe_mov_cr0(val) : gl_probe_mov_cr4(val);
	after = cr == 0 ? gl_read_cr0() : gl_read_cr4();
	if (after != before) { /* put it back before anything else runs */
		if (cr == 0)
			gl_probe_mov_cr0(before);
		else
			gl_probe_mov_cr4(before);
	}
	expect_refused_unchanged(c->name, f, after == before,
				 ndl("CR%u (%#llx -> %#llx)", cr, (unsigned long long)before,
				     (unsigned long long)after), n);
}

static void cr0_clear_wp(const struct vtl0_case *c) { cr_case(c, 0, gl_read_cr0() & ~CR0_WP); }
static void cr4_clear_osfxsr(const struct vtl0_case *c) { cr_case(c, 4, gl_read_cr4() & ~CR4_OSFXSR); }
static void cr4_set_tsd(const struct vtl0_case *c) { cr_case(c, 4, gl_read_cr4() | CR4_TSD); }
static void cr4_set_de(const struct vtl0_case *c) { cr_case(c, 4, gl_read_cr4() | CR4_DE); }

static void cr4_clear_bit(const struct vtl0_case *c, uint64_t bit, const char *name)
{
	uint64_t cr4 = gl_read_cr4();

	if (!(cr4 & bit)) {
		case_skip(c->name, ndl("the CPU has no %s, so VTL0 never set it (see --cpu in "
				       "tests/vtl0/run)", name));
		return;
	}
	cr_case(c, 4, cr4 & ~bit);
}

static void cr4_clear_smep(const struct vtl0_case *c) { cr4_clear_bit(c, CR4_SMEP, "SMEP"); }
static void cr4_clear_smap(const struct vtl0_case *c) { cr4_clear_bit(c, CR4_SMAP, "SMAP"); }

static uint64_t evil_rip(uint64_t cur) { (void)cur; return v0.mem.heap_pa + 7 * PAGE_SIZE; }
static uint64_t flip_low(uint64_t cur) { return cur ^ 0x40; }
static uint64_t clear_nxe(uint64_t cur) { return cur & ~(1ull << 11); }
static uint64_t zero(uint64_t cur) { (void)cur; return 0; }
static uint64_t apic_move(uint64_t cur) { return (cur & 0xFFF) | 0xFEB00000ull; }

static void msr_case(const struct vtl0_case *c, uint32_t msr, const char *reg,
		     uint64_t (*bad)(uint64_t))
{
	uint64_t cur = gl_rdmsr(msr), val = bad(cur), after;
	const char *n[] = { "class=msr", ndl("msr=%#llx", (unsigned long long)msr),
			    ndl("rule=%s-pinned", reg), NULL };
	int f;

	ring_mark();
	f = gl_probe_wrmsr(msr, val);
	after = gl_rdmsr(msr);
	if (after != cur)
		gl_wrmsr(msr, cur);
	expect_refused_unchanged(c->name, f, after == cur,
				 ndl("%s (%#llx -> %#llx)", reg, (unsigned long long)cur,
				     (unsigned long long)after), n);
}

#define MSR_CASE(fn, msr, reg, bad) \
	static void fn(const struct vtl0_case *c) { msr_case(c, msr, reg, bad); }
MSR_CASE(lstar, 0xC0000082u, "LSTAR", evil_rip)
MSR_CASE(cstar, 0xC0000083u, "CSTAR", evil_rip)
MSR_CASE(star, 0xC0000081u, "STAR", zero)
MSR_CASE(sfmask, 0xC0000084u, "SFMASK", zero)
MSR_CASE(sysenter_eip, 0x176u, "SYSENTER_EIP", evil_rip)
MSR_CASE(sysenter_esp, 0x175u, "SYSENTER_ESP", flip_low)
MSR_CASE(sysenter_cs, 0x174u, "SYSENTER_CS", zero)
MSR_CASE(efer_nxe, 0xC0000080u, "EFER", clear_nxe)
MSR_CASE(apic_base, 0x1Bu, "APIC_BASE", apic_move)

struct __attribute__((packed)) dtr {
	uint16_t limit;
	uint64_t base;
};

/* A case put a landed descriptor-table load back (audit mode): that load
 * is itself recorded, since VTL1 records every load after LOCK_REGS. */
static void dt_put_back_recorded(void)
{
	if (v0.opt.audit & VTL0_AUDIT_DT)
		expect_violations("descriptor-table", 1);
}

static void dt_case(const struct vtl0_case *c, const char *reg, int faulted, bool unchanged)
{
	const char *n[] = { "class=descriptor-table", ndl("reg=%s", reg),
			    ndl("rule=%s-locked", reg), NULL };

	expect_refused_unchanged(c->name, faulted, unchanged, reg, n);
}

/* A page of the R|W heap holding a copy of the table at base: a load that
 * lands there keeps the guest running, so the suite can report it. */
static uint64_t table_copy(unsigned int heap_page, uint64_t base, uint16_t limit)
{
	uint8_t *dst = (uint8_t *)(uintptr_t)(v0.mem.heap_pa + heap_page * PAGE_SIZE);

	gl_memcpy(dst, (const void *)(uintptr_t)base, (size_t)limit + 1);
	return pa_of(dst);
}

static void lgdt(const struct vtl0_case *c)
{
	struct dtr cur, evil, after;
	int f;

	gl_sgdt(&cur);
	evil.base = table_copy(9, cur.base, cur.limit); /* a real change: another GDT */
	evil.limit = cur.limit;
	ring_mark();
	f = gl_probe_lgdt(&evil);
	gl_sgdt(&after);
	if (after.base != cur.base || after.limit != cur.limit) {
		gl_lgdt(&cur);
		dt_put_back_recorded();
	}
	dt_case(c, "GDTR", f, after.base == cur.base && after.limit == cur.limit);
}

static void lidt(const struct vtl0_case *c)
{
	struct dtr cur, evil, after;
	int f;

	gl_sidt(&cur);
	evil.base = table_copy(10, cur.base, cur.limit); /* an attacker-controlled IDT */
	evil.limit = cur.limit;
	ring_mark();
	f = gl_probe_lidt(&evil);
	gl_sidt(&after);
	if (after.base != cur.base || after.limit != cur.limit) {
		gl_lidt(&cur);
		dt_put_back_recorded();
	}
	dt_case(c, "IDTR", f, after.base == cur.base && after.limit == cur.limit);
}

/*
 * LLDT of a real LDT: a descriptor for an LDT in the heap goes into a GDT
 * slot no VP uses (a TSS slot beyond the running VPs), so a load that
 * VTL1 let through would change LDTR from 0 to that selector.
 */
static void lldt(const struct vtl0_case *c)
{
	volatile uint64_t *gdt = (volatile uint64_t *)(uintptr_t)cpu_gdt_desc_base;
	unsigned int slot = VTL0_MAX_VPS - 1;
	uint16_t sel = (uint16_t)SEL_TSS(slot), before = vtl0_sldt(), after;
	uint64_t ldt = v0.mem.heap_pa + 11 * PAGE_SIZE, save0, save1;
	int f;

	if (v0.nr_vps > slot) {
		case_skip(c->name, "every TSS slot is in use (fewer VPs leave one for an LDT)");
		return;
	}
	save0 = gdt[sel / 8];
	save1 = gdt[sel / 8 + 1];
	/* 16-byte system descriptor: limit 0xF, type 2 (LDT), present */
	gdt[sel / 8] = 0xFull | (ldt & 0xFFFFFFull) << 16 | 0x82ull << 40 |
		       ((ldt >> 24) & 0xFF) << 56;
	gdt[sel / 8 + 1] = ldt >> 32;
	ring_mark();
	f = probe_lldt(sel);
	after = vtl0_sldt();
	if (after != before) {
		probe_lldt(before);
		dt_put_back_recorded();
	}
	gdt[sel / 8] = save0;
	gdt[sel / 8 + 1] = save1;
	dt_case(c, "LDTR", f, after == before);
}

static void ltr(const struct vtl0_case *c)
{
	uint16_t before = vtl0_str();
	int f;

	ring_mark();
	f = gl_probe_ltr(SEL_TSS_SPARE);
	dt_case(c, "TR", f, vtl0_str() == before);
}

const struct vtl0_case vtl0_cases_regs[] = {
	{ "cr0_clear_wp", cr0_clear_wp, CASE_RUN, "clear CR0.WP (write-protect off)" },
	{ "cr4_clear_smep", cr4_clear_smep, CASE_RUN, "clear CR4.SMEP (run user pages in ring 0)" },
	{ "cr4_clear_smap", cr4_clear_smap, CASE_RUN, "clear CR4.SMAP (touch user pages in ring 0)" },
	{ "cr4_clear_osfxsr", cr4_clear_osfxsr, CASE_RUN, "clear pinned CR4.OSFXSR" },
	{ "cr4_set_tsd", cr4_set_tsd, CASE_RUN, "set pinned CR4.TSD" },
	{ "cr4_set_de", cr4_set_de, CASE_RUN, "set pinned CR4.DE" },
	{ "msr_lstar", lstar, CASE_RUN, "point LSTAR (syscall entry) at attacker code" },
	{ "msr_cstar", cstar, CASE_RUN, "point CSTAR at attacker code" },
	{ "msr_star", star, CASE_RUN, "rewrite STAR (syscall selectors)" },
	{ "msr_sfmask", sfmask, CASE_RUN, "clear SFMASK (keep IF/AC on syscall)" },
	{ "msr_sysenter_eip", sysenter_eip, CASE_RUN, "point SYSENTER_EIP at attacker code" },
	{ "msr_sysenter_esp", sysenter_esp, CASE_RUN, "move SYSENTER_ESP" },
	{ "msr_sysenter_cs", sysenter_cs, CASE_RUN, "rewrite SYSENTER_CS" },
	{ "msr_efer_clear_nxe", efer_nxe, CASE_RUN, "clear EFER.NXE (NX off)" },
	{ "msr_apic_base", apic_base, CASE_RUN, "move the APIC (APIC_BASE)" },
	{ "dt_lgdt", lgdt, CASE_RUN, "LGDT after LOCK_REGS" },
	{ "dt_lidt", lidt, CASE_RUN, "LIDT to an attacker IDT" },
	{ "dt_lldt", lldt, CASE_RUN, "LLDT after LOCK_REGS" },
	{ "dt_ltr", ltr, CASE_RUN, "LTR to another TSS" },
	{ NULL, NULL, 0, NULL },
};
