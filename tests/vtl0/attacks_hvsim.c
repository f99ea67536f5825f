// SPDX-License-Identifier: MIT
/*
 * Attacks on the hypervisor's isolation of VTL1, made after end of boot
 * (issue 13).  VTL1 does not see any of these: the hypervisor (hvsim here,
 * Hyper-V in production) must refuse them on its own.  Each case checks the
 * refusal in VTL0 AND that VTL1's state survived.
 *
 *  RT2  overlay pages (VP assist page, hypercall page, SIMP, SIEFP) placed on
 *       VTL1 memory or on a page VTL1 made read-only (kernel text): #GP, the
 *       MSR keeps its value, the page keeps its bytes, and afterwards VTL1
 *       still refuses PROTECT_MEMORY and still guards kernel text.
 *  RT3  VTL0's own pinned registers through HvSetVpRegisters (input VTL 0):
 *       ACCESS_DENIED, and the register re-read is unchanged.
 *  also the model's availability: a reserved CR4 bit or CLTS under VTL1's
 *       intercepts must not stop the machine.
 *  RT7  HvTranslateVirtualAddress over VTL0 page tables whose PML4 entry
 *       points into VTL1 memory: the walk must not read it; LGDT/LIDT with
 *       the operand in VTL1 memory: the intercept must not carry its bytes.
 */
#include "tests/vtl0/vtl0.h"

#define HV_MSR_HYPERCALL      0x40000001u
#define HV_MSR_VP_ASSIST_PAGE 0x40000073u
#define HV_MSR_SIEFP          0x40000082u
#define HV_MSR_SIMP           0x40000083u
#define MSR_EFER              0xC0000080u
#define MSR_LSTAR             0xC0000082u
#define MSR_SFMASK            0xC0000084u
#define MSR_SYSENTER_EIP      0x00000176u

#define HVCALL_SET_VP_REGISTERS         0x0051
#define HVCALL_TRANSLATE_VIRTUAL_ADDRESS 0x0052
#define HV_STATUS_ACCESS_DENIED         6
#define HV_TRANSLATE_GVA_GPA_NO_READ_ACCESS 5

/* TLFS register names */
#define REG_CR0     0x00040000u
#define REG_CR4     0x00040003u
#define REG_TR      0x00060007u
#define REG_IDTR    0x00070000u
#define REG_GDTR    0x00070001u
#define REG_EFER    0x00080001u
#define REG_SYSENTER_EIP 0x00080006u
#define REG_LSTAR   0x00080009u
#define REG_SFMASK  0x0008000Bu

static uint8_t io[2][4096] __attribute__((aligned(4096)));   /* hypercall in/out */
static uint8_t chain[4096] __attribute__((aligned(4096)));   /* PROTECT_MEMORY chain */
static uint8_t text_copy[4096];

static uint64_t hcpage(void) { return (uint64_t)(uintptr_t)__vtl0_hcpage; }

/* ------------------------------------------------------------------ RT2 */

static const struct {
	uint32_t msr;
	const char *name;
} overlays[] = {
	{ HV_MSR_VP_ASSIST_PAGE, "VP_ASSIST_PAGE" },
	{ HV_MSR_HYPERCALL, "HYPERCALL" },
	{ HV_MSR_SIMP, "SIMP" },
	{ HV_MSR_SIEFP, "SIEFP" },
};

/* One overlay MSR aimed at one page: must be #GP with the MSR unchanged.
 * Returns true when refused.  On a hypervisor that lets it through, the
 * old value is put back so that the rest of the suite still runs. */
static bool overlay_refused(const struct vtl0_case *c, uint32_t msr, const char *name, uint64_t pa)
{
	uint64_t before = gl_rdmsr(msr), after;
	int f = gl_probe_wrmsr(msr, (pa & ~0xFFFull) | 1);
	uint64_t vec = gl_last_fault.vector;

	after = gl_rdmsr(msr);
	if (!f || after != before) {
		gl_wrmsr(msr, before);
		gl_check(false, c->name, "%s overlay placed at GPA %#llx (MSR %#llx -> %#llx): the "
			 "hypervisor wrote a page VTL0 cannot write", name, (unsigned long long)pa,
			 (unsigned long long)before, (unsigned long long)after);
		return false;
	}
	if (vec != 13) {
		gl_check(false, c->name, "%s overlay at GPA %#llx refused with vector %llu, expected #GP",
			 name, (unsigned long long)pa, (unsigned long long)vec);
		return false;
	}
	return true;
}

/* VTL1 still holds: PROTECT_MEMORY after end of boot is -EPERM (the engine
 * state was not wiped) and kernel text is still unwritable. */
static void vtl1_still_guards(const struct vtl0_case *c)
{
	volatile uint8_t *t = (volatile uint8_t *)vtl0_victim_text + 56;
	const char *n[] = { "class=mem-write", ndl("gpa=%#llx", (unsigned long long)pa_of(t)),
			    "rule=protected-write", NULL };
	int64_t r;

	gl_memset(chain, 0, sizeof(chain));
	lvbs_put64(chain + 16, 1);   /* one range, no next page */
	lvbs_put64(chain + 24, pa_of(__vtl0_text_start));
	lvbs_put64(chain + 32, pa_of(__vtl0_text_start));
	lvbs_put64(chain + 40, pa_of(__vtl0_text_end));
	lvbs_put64(chain + 48, ATTR_R | ATTR_W);
	r = vtl_call(VSM_PROTECT_MEMORY, pa_of(chain), 1, 0);
	if (r != -E_PERM) {
		gl_check(false, c->name, "after the overlay attempts PROTECT_MEMORY(text R|W) answered "
			 "%lld (%s), expected -EPERM: VTL1's end-of-boot state is gone",
			 (long long)r, errname(r));
		return;
	}
	ring_mark();
	expect_refused(c->name, probe_store8(t, *t), n);
}

/* Every overlay at VTL1 pages: the loader's first page, the image's text and
 * its last data page; the VP assist page (which hvsim zeroes when placed) at
 * every page of the image, so that whichever page holds vtlguard's state is
 * hit. */
static void overlay_on_vtl1(const struct vtl0_case *c)
{
	const uint64_t targets[] = { v0.mem.region_pa, v0.elf.entry_pa & ~0xFFFull,
				     (v0.elf.end_pa - 1) & ~0xFFFull };
	unsigned int bad = 0;

	for (size_t i = 0; i < sizeof(overlays) / sizeof(overlays[0]); i++)
		for (size_t k = 0; k < sizeof(targets) / sizeof(targets[0]); k++)
			bad += !overlay_refused(c, overlays[i].msr, overlays[i].name, targets[k]);
	for (uint64_t pa = v0.elf.base_pa & ~0xFFFull; pa < v0.elf.end_pa && !bad; pa += PAGE_SIZE)
		bad += !overlay_refused(c, HV_MSR_VP_ASSIST_PAGE, "VP_ASSIST_PAGE", pa);
	if (bad)
		return;
	vtl1_still_guards(c);
}

/* Every overlay at a page of kernel text VTL1 made read-only: refused, and
 * the text page's bytes are what they were. */
static void overlay_on_text(const struct vtl0_case *c)
{
	uint64_t pa = pa_of(vtl0_victim_text) & ~0xFFFull;
	const uint8_t *page = (const uint8_t *)(uintptr_t)pa;
	unsigned int bad = 0;

	gl_memcpy(text_copy, page, sizeof(text_copy));
	for (size_t i = 0; i < sizeof(overlays) / sizeof(overlays[0]); i++)
		bad += !overlay_refused(c, overlays[i].msr, overlays[i].name, pa);
	for (size_t i = 0; i < sizeof(text_copy); i++)
		if (page[i] != text_copy[i]) {
			gl_check(false, c->name, "kernel text at GPA %#llx changed (byte %zu: %#x -> %#x)",
				 (unsigned long long)pa, i, text_copy[i], page[i]);
			return;
		}
	if (bad)
		return;
	vtl1_still_guards(c);
}

/* ------------------------------------------------------------------ RT3 */

/* HvSetVpRegisters on the caller's own VP, input VTL 0 (self). */
static uint16_t set_own(uint32_t name, uint64_t lo, uint64_t hi)
{
	uint8_t *in = io[0];

	gl_memset(in, 0, 64);
	lvbs_put64(in, ~0ull);                              /* partition self */
	gl_memcpy(in + 8, &(uint32_t){ 0xFFFFFFFEu }, 4);   /* VP self */
	in[12] = 0;                                         /* input VTL: current */
	gl_memcpy(in + 16, &name, 4);
	lvbs_put64(in + 32, lo);
	lvbs_put64(in + 40, hi);
	return (uint16_t)gl_hv_status(gl_hvcall_rep(hcpage(), HVCALL_SET_VP_REGISTERS, 1, in, NULL));
}

struct reg_attack {
	uint32_t name;
	const char *what;
	uint64_t (*read)(void);          /* the register as VTL0 sees it */
	void (*evil)(uint64_t v[2]);     /* the value the attack sets */
	void (*orig)(uint64_t v[2]);     /* the value to put back if it went through */
};

static void check_reg(const struct vtl0_case *c, const struct reg_attack *a)
{
	uint64_t before = a->read(), v[2] = { 0, 0 }, after;
	uint16_t st;

	a->evil(v);
	st = set_own(a->name, v[0], v[1]);
	after = a->read();
	if (st == 0 || after != before) {
		uint64_t o[2] = { 0, 0 };
		a->orig(o);
		set_own(a->name, o[0], o[1]);
		gl_check(false, c->name, "HvSetVpRegisters(%s) from VTL0 answered %#x and the register "
			 "went %#llx -> %#llx: the hypercall bypassed VTL1's intercept", a->what, st,
			 (unsigned long long)before, (unsigned long long)after);
		return;
	}
	if (st != HV_STATUS_ACCESS_DENIED) {
		gl_check(false, c->name, "HvSetVpRegisters(%s) from VTL0 answered %#x, expected "
			 "ACCESS_DENIED (%#x)", a->what, st, HV_STATUS_ACCESS_DENIED);
		return;
	}
	gl_check(true, c->name, "%s", "");
}

static uint64_t rd_cr0(void) { return gl_read_cr0(); }
static uint64_t rd_cr4(void) { return gl_read_cr4(); }
static uint64_t rd_lstar(void) { return gl_rdmsr(MSR_LSTAR); }
static uint64_t rd_efer(void) { return gl_rdmsr(MSR_EFER); }
static uint64_t rd_sfmask(void) { return gl_rdmsr(MSR_SFMASK); }
static uint64_t rd_sysenter_eip(void) { return gl_rdmsr(MSR_SYSENTER_EIP); }
static uint64_t rd_tr(void) { return vtl0_str(); }

struct dt {
	uint16_t limit;
	uint64_t base;
} __attribute__((packed));

static uint64_t rd_gdtr(void)
{
	struct dt d;
	gl_sgdt(&d);
	return d.base ^ ((uint64_t)d.limit << 48);
}

static uint64_t rd_idtr(void)
{
	struct dt d;
	gl_sidt(&d);
	return d.base ^ ((uint64_t)d.limit << 48);
}

static void ev_cr0(uint64_t v[2]) { v[0] = gl_read_cr0() & ~(1ull << 16); } /* WP off */
static void og_cr0(uint64_t v[2]) { v[0] = gl_read_cr0() | (1ull << 16); }
static void ev_cr4(uint64_t v[2]) { v[0] = gl_read_cr4() | (1ull << 2); }   /* TSD on */
static void og_cr4(uint64_t v[2]) { v[0] = gl_read_cr4() & ~(1ull << 2); }
static uint64_t saved;
static void ev_lstar(uint64_t v[2]) { saved = rd_lstar(); v[0] = v0.mem.heap_pa + 7 * PAGE_SIZE; }
static void ev_efer(uint64_t v[2]) { saved = rd_efer(); v[0] = saved & ~1ull; }  /* SCE off */
static void ev_sfmask(uint64_t v[2]) { saved = rd_sfmask(); v[0] = 0; }           /* IF kept on entry */
static void ev_sysenter(uint64_t v[2]) { saved = rd_sysenter_eip(); v[0] = v0.mem.heap_pa; }
static void og_saved(uint64_t v[2]) { v[0] = saved; }

/* GDTR/IDTR: the same table with another limit (harmless if it goes
 * through; VTL1 pins the table registers) */
static struct dt saved_dt;
static void ev_gdtr(uint64_t v[2])
{
	gl_sgdt(&saved_dt);
	v[0] = (uint64_t)(uint16_t)(saved_dt.limit + 16) << 48; /* HV_X64_TABLE_REGISTER */
	v[1] = saved_dt.base;
}
static void ev_idtr(uint64_t v[2])
{
	gl_sidt(&saved_dt);
	v[0] = (uint64_t)(uint16_t)(saved_dt.limit - 16) << 48;
	v[1] = saved_dt.base;
}
static void og_dt(uint64_t v[2])
{
	v[0] = (uint64_t)saved_dt.limit << 48;
	v[1] = saved_dt.base;
}

/* TR: switch to the spare TSS (another set of interrupt stacks) */
static void tss_value(uint16_t sel, uint64_t v[2])
{
	const uint64_t *gdt = (const uint64_t *)(uintptr_t)cpu_gdt_desc_base;
	uint64_t lo = gdt[sel / 8], hi = gdt[sel / 8 + 1];
	uint64_t base = ((lo >> 16) & 0xFFFFFFull) | (((lo >> 56) & 0xFF) << 24) | (hi << 32);
	uint32_t limit = (uint32_t)((lo & 0xFFFF) | ((lo >> 32) & 0xF0000));
	uint16_t attr = (uint16_t)(((lo >> 40) & 0xFF) | (((lo >> 52) & 0xF) << 12));

	v[0] = base;                                        /* HV_X64_SEGMENT_REGISTER */
	v[1] = limit | ((uint64_t)sel << 32) | ((uint64_t)(attr | 0x2) << 48); /* busy TSS */
}
static uint16_t saved_tr;
static void ev_tr(uint64_t v[2]) { saved_tr = vtl0_str(); tss_value(SEL_TSS_SPARE, v); }
static void og_tr(uint64_t v[2]) { tss_value(saved_tr, v); }

static const struct reg_attack reg_attacks[] = {
	{ REG_CR0, "CR0 without WP", rd_cr0, ev_cr0, og_cr0 },
	{ REG_CR4, "CR4 with TSD", rd_cr4, ev_cr4, og_cr4 },
	{ REG_LSTAR, "LSTAR", rd_lstar, ev_lstar, og_saved },
	{ REG_EFER, "EFER without SCE", rd_efer, ev_efer, og_saved },
	{ REG_SFMASK, "SFMASK", rd_sfmask, ev_sfmask, og_saved },
	{ REG_SYSENTER_EIP, "SYSENTER_EIP", rd_sysenter_eip, ev_sysenter, og_saved },
	{ REG_GDTR, "GDTR", rd_gdtr, ev_gdtr, og_dt },
	{ REG_IDTR, "IDTR", rd_idtr, ev_idtr, og_dt },
	{ REG_TR, "TR", rd_tr, ev_tr, og_tr },
};

#define REG_CASE(tag, i) \
	static void setreg_##tag(const struct vtl0_case *c) { check_reg(c, &reg_attacks[i]); }
REG_CASE(cr0, 0)
REG_CASE(cr4, 1)
REG_CASE(lstar, 2)
REG_CASE(efer, 3)
REG_CASE(sfmask, 4)
REG_CASE(sysenter_eip, 5)
REG_CASE(gdtr, 6)
REG_CASE(idtr, 7)
REG_CASE(tr, 8)

/* ------------------------------------------------------------------ RT7 */

/* A PML4 slot of VTL0's own page tables points at a VTL1 page: walking it
 * would read VTL1's bytes as a PDPT, and the result (present or not, the
 * frame of a "large page") would leak them.  The walk must stop at VTL0's
 * read permission. */
static void translate_into_vtl1(const struct vtl0_case *c)
{
	uint64_t *pml4 = (uint64_t *)(uintptr_t)(gl_read_cr3() & ~0xFFFull);
	const unsigned int slot = 200;   /* unused by VTL0's map; lower half */
	uint64_t targets[] = { v0.mem.region_pa, v0.elf.entry_pa & ~0xFFFull,
			       (v0.elf.end_pa - 1) & ~0xFFFull };
	uint8_t *in = io[0], *out = io[1];

	if (pml4[slot]) {
		case_skip(c->name, "PML4 slot 200 is in use");
		return;
	}
	for (size_t k = 0; k < sizeof(targets) / sizeof(targets[0]); k++) {
		uint64_t st, result, gpa_page;
		pml4[slot] = targets[k] | 3;
		gl_memset(in, 0, 64);
		gl_memset(out, 0xEE, 16);
		lvbs_put64(in, ~0ull);
		gl_memcpy(in + 8, &(uint32_t){ 0xFFFFFFFEu }, 4);
		lvbs_put64(in + 16, 0);                                   /* control flags */
		lvbs_put64(in + 24, (((uint64_t)slot << 39) + k * 0x40000000ull) >> 12); /* GVA page */
		st = gl_hv_status(gl_hvcall(hcpage(), HVCALL_TRANSLATE_VIRTUAL_ADDRESS, pa_of(in),
					    pa_of(out)));
		pml4[slot] = 0;
		result = lvbs_get64(out) & 0xFFFFFFFFu;
		gpa_page = lvbs_get64(out + 8);
		if (st != 0 || result != HV_TRANSLATE_GVA_GPA_NO_READ_ACCESS || gpa_page != 0) {
			gl_check(false, c->name, "translation through VTL1 page %#llx: status %#llx result "
				 "%llu gpa_page %#llx; expected GpaNoReadAccess (5): the walk read VTL1 memory",
				 (unsigned long long)targets[k], (unsigned long long)st,
				 (unsigned long long)result, (unsigned long long)gpa_page);
			return;
		}
	}
	gl_check(true, c->name, "%s", "");
}

/* The same class through an instruction operand: LGDT/LIDT with the operand
 * in VTL1 memory.  VTL1 intercepts these loads (LOCK_REGS), so the
 * hypervisor reads the operand to build the intercept message; read with
 * more than VTL0's rights, VTL1's bytes went to VTL1 as the "attempted"
 * table register, and vtlguard records that value in its log ring, which
 * VTL0 reads.  The read must be VTL0's: it faults in VTL0 and VTL1 never
 * sees a value. */
static void dt_operand_in_vtl1(const struct vtl0_case *c, bool idt)
{
	uint64_t pa = v0.elf.entry_pa; /* vtlguard's code: bytes that are not zero */
	struct dt before, after;
	char line[240];
	const char *n[] = { idt ? "reg=IDTR" : "reg=GDTR", NULL };
	int f;

	idt ? gl_sidt(&before) : gl_sgdt(&before);
	ring_mark();
	f = idt ? gl_probe_lidt((const void *)(uintptr_t)pa) : gl_probe_lgdt((const void *)(uintptr_t)pa);
	uint64_t vec = gl_last_fault.vector;
	idt ? gl_sidt(&after) : gl_sgdt(&after);
	if (after.base != before.base || after.limit != before.limit) {
		idt ? gl_lidt(&before) : gl_lgdt(&before);
		gl_check(false, c->name, "the load from VTL1 memory went through");
		return;
	}
	if (ring_find(line, sizeof(line), n)) {
		gl_check(false, c->name, "VTL1 was handed the operand read from VTL1 memory and logged it "
			 "where VTL0 reads: %s", line);
		return;
	}
	if (!f) {
		gl_check(false, c->name, "no fault for an operand in VTL1 memory");
		return;
	}
	gl_check(vec == 14, c->name, "%s", vec == 14 ? "" : "expected #PF from the operand read");
}

static void lgdt_operand_in_vtl1(const struct vtl0_case *c) { dt_operand_in_vtl1(c, false); }
static void lidt_operand_in_vtl1(const struct vtl0_case *c) { dt_operand_in_vtl1(c, true); }

/* --------------------------------------------- the model's own availability */

/* tests/hvsim/probes.S */
int hvp_clts(void);

/* After LOCK_REGS VTL1 intercepts CR0 and CR4 writes, so each MOV to CR
 * exits to the hypervisor, which carries out the writes VTL1's masks do
 * not cover.  VMXE (bit 13) is outside the suite policy's CR4 mask (and
 * LiteBox's, ~(MCE|PGE|PCE|VMXE)) and is reserved on the model's AMD CPU:
 * setting it must be VTL0's #GP, not a VMCB the CPU refuses (which stopped
 * the whole machine, VTL1 with it). */
static void cr4_reserved_bit(const struct vtl0_case *c)
{
	uint64_t cr4 = gl_read_cr4();
	int f = gl_probe_mov_cr4(cr4 | (1ull << 13));

	if (!f || gl_last_fault.vector != 13 || gl_read_cr4() != cr4) {
		gl_check(false, c->name, "mov cr4 with VMXE: faulted %d vector %llu, CR4 %#llx -> %#llx",
			 f, (unsigned long long)gl_last_fault.vector, (unsigned long long)cr4,
			 (unsigned long long)gl_read_cr4());
		return;
	}
	vtl1_still_guards(c);
}

/* CLTS is a CR0 write too (so is LMSW): under the CR0 intercept it must be
 * handled like MOV to CR0, not stop the machine. */
static void clts_under_cr0_intercept(const struct vtl0_case *c)
{
	uint64_t cr0 = gl_read_cr0();

	hvp_clts();
	if ((gl_read_cr0() & ~(1ull << 3)) != (cr0 & ~(1ull << 3))) {
		gl_check(false, c->name, "CLTS changed more than TS: CR0 %#llx -> %#llx",
			 (unsigned long long)cr0, (unsigned long long)gl_read_cr0());
		return;
	}
	vtl1_still_guards(c);
}

const struct vtl0_case vtl0_cases_hvsim[] = {
	{ "hvsim_overlay_on_vtl1", overlay_on_vtl1, CASE_RUN,
	  "VP assist / hypercall / SIMP / SIEFP overlay MSRs aimed at VTL1 pages" },
	{ "hvsim_overlay_on_text", overlay_on_text, CASE_RUN,
	  "the overlay MSRs aimed at kernel text VTL1 made read-only" },
	{ "hvsim_setreg_cr0_wp", setreg_cr0, CASE_RUN, "HvSetVpRegisters: own CR0 without WP" },
	{ "hvsim_setreg_cr4", setreg_cr4, CASE_RUN, "HvSetVpRegisters: own CR4" },
	{ "hvsim_setreg_lstar", setreg_lstar, CASE_RUN, "HvSetVpRegisters: own LSTAR" },
	{ "hvsim_setreg_efer", setreg_efer, CASE_RUN, "HvSetVpRegisters: own EFER" },
	{ "hvsim_setreg_sfmask", setreg_sfmask, CASE_RUN, "HvSetVpRegisters: own SFMASK" },
	{ "hvsim_setreg_sysenter_eip", setreg_sysenter_eip, CASE_RUN, "HvSetVpRegisters: own SYSENTER_EIP" },
	{ "hvsim_setreg_gdtr", setreg_gdtr, CASE_RUN, "HvSetVpRegisters: own GDTR" },
	{ "hvsim_setreg_idtr", setreg_idtr, CASE_RUN, "HvSetVpRegisters: own IDTR" },
	{ "hvsim_setreg_tr", setreg_tr, CASE_RUN, "HvSetVpRegisters: own TR (another TSS)" },
	{ "hvsim_translate_into_vtl1", translate_into_vtl1, CASE_RUN,
	  "HvTranslateVirtualAddress walking a table in VTL1 memory" },
	{ "hvsim_lgdt_operand_in_vtl1", lgdt_operand_in_vtl1, CASE_RUN,
	  "LGDT whose operand is VTL1 memory (intercepted: who reads it?)" },
	{ "hvsim_lidt_operand_in_vtl1", lidt_operand_in_vtl1, CASE_RUN,
	  "LIDT whose operand is VTL1 memory" },
	{ "hvsim_cr4_reserved_bit", cr4_reserved_bit, CASE_RUN,
	  "mov cr4 setting VMXE (reserved on AMD, unpinned) under VTL1's CR4 intercept" },
	{ "hvsim_clts", clts_under_cr0_intercept, CASE_RUN, "CLTS under VTL1's CR0 intercept" },
	{ NULL, NULL, 0, NULL },
};
