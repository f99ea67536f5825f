// SPDX-License-Identifier: MIT
/*
 * #VMEXIT dispatch.  One function per exit reason; every path either resumes
 * the guest with architecturally correct state, hands an intercept to VTL1,
 * or stops hvsim with a decoded VMCB dump and a distinct exit status.
 */
#include <string.h>

#include "core/errno.h"
#include "tools/hvsim/bootinfo.h"
#include "tools/hvsim/exit.h"
#include "tools/hvsim/gpamap.h"
#include "tools/hvsim/apic.h"
#include "tools/hvsim/guestmem.h"
#include "tools/hvsim/hvif.h"
#include "tools/hvsim/log.h"
#include "tools/hvsim/prot.h"
#include "tools/hvsim/vp.h"
#include "tools/hvsim/decode.h"
#include "tools/hvsim/insn.h"
#include "tools/hvsim/msrtab.h"

#define MSR_STAR          0xC0000081u
#define MSR_LSTAR         0xC0000082u
#define MSR_CSTAR         0xC0000083u
#define MSR_SFMASK        0xC0000084u
#define MSR_APIC_BASE     0x0000001Bu
#define MSR_SYSENTER_CS   0x00000174u
#define MSR_SYSENTER_ESP  0x00000175u
#define MSR_SYSENTER_EIP  0x00000176u
#define MSR_MISC_ENABLE   0x000001A0u
#define MSR_TSC_AUX       0xC0000103u
#define MSR_SGXLEPUBKEYHASH0 0x0000008Cu  /* ..3 = 0x8F: SGX launch control */
#define CR0_TS            (1ull << 3)

static void regs16(struct hv_vp *vp, const struct vmcb *v, uint64_t r[16])
{
	const struct svm_gprs *g = &vp->gprs;
	r[0] = v->save.rax; r[1] = g->rcx; r[2] = g->rdx; r[3] = g->rbx;
	r[4] = v->save.rsp; r[5] = g->rbp; r[6] = g->rsi; r[7] = g->rdi;
	r[8] = g->r8; r[9] = g->r9; r[10] = g->r10; r[11] = g->r11;
	r[12] = g->r12; r[13] = g->r13; r[14] = g->r14; r[15] = g->r15;
}

/* Fetch and decode the instruction at the guest's RIP. */
static int fetch_insn(struct hv_partition *p, struct hv_vp *vp, uint8_t bytes[16],
		      struct hv_insn *in)
{
	const struct vmcb *v = vp->vtl[vp->active_vtl].vmcb;
	uint64_t r[16], rip = v->save.cs.base + v->save.rip;
	unsigned int n = 16;

	memset(bytes, 0, 16);
	/* the last bytes may sit on an unmapped page: shrink until readable */
	while (n && guest_read_virt(p, vp->active_vtl, v, rip, bytes, n))
		n = (unsigned)(4096 - (rip & 0xFFF)) < n ? (unsigned)(4096 - (rip & 0xFFF)) : n - 1;
	regs16(vp, v, r);
	if (!n || hv_insn_decode(bytes, n, r, v->save.rip, v->save.cs.base, in))
		return -EINVAL;
	return (int)n;
}

void hvsim_dump_vmcb(struct hv_vp *vp, int vtl, const char *why)
{
	const struct vmcb *v = vp->vtl[vtl].vmcb;
	const struct svm_gprs *g = &vp->gprs;

	hv_log("=== %s: vp%u VTL%d exit %#llx info1 %#llx info2 %#llx intinfo %#llx", why,
	       vp->index, vtl, (unsigned long long)v->ctl.exit_code,
	       (unsigned long long)v->ctl.exit_info1, (unsigned long long)v->ctl.exit_info2,
	       (unsigned long long)v->ctl.exit_int_info);
	hv_log("rip %#llx rsp %#llx rflags %#llx cpl %u efer %#llx",
	       (unsigned long long)v->save.rip, (unsigned long long)v->save.rsp,
	       (unsigned long long)v->save.rflags, v->save.cpl, (unsigned long long)v->save.efer);
	hv_log("cr0 %#llx cr2 %#llx cr3 %#llx cr4 %#llx", (unsigned long long)v->save.cr0,
	       (unsigned long long)v->save.cr2, (unsigned long long)v->save.cr3,
	       (unsigned long long)v->save.cr4);
	hv_log("cs %#x/%#x base %#llx  ss %#x/%#x  ds %#x  tr %#x/%#x",
	       v->save.cs.sel, v->save.cs.attr, (unsigned long long)v->save.cs.base,
	       v->save.ss.sel, v->save.ss.attr, v->save.ds.sel, v->save.tr.sel, v->save.tr.attr);
	hv_log("gdtr %#llx/%#x idtr %#llx/%#x event_inj %#llx ncr3 %#llx",
	       (unsigned long long)v->save.gdtr.base, v->save.gdtr.limit,
	       (unsigned long long)v->save.idtr.base, v->save.idtr.limit,
	       (unsigned long long)v->ctl.event_inj, (unsigned long long)v->ctl.n_cr3);
	hv_log("rax %#llx rbx %#llx rcx %#llx rdx %#llx rsi %#llx rdi %#llx",
	       (unsigned long long)v->save.rax, (unsigned long long)g->rbx,
	       (unsigned long long)g->rcx, (unsigned long long)g->rdx,
	       (unsigned long long)g->rsi, (unsigned long long)g->rdi);
	hv_log("r8 %#llx r9 %#llx r10 %#llx r11 %#llx rbp %#llx", (unsigned long long)g->r8,
	       (unsigned long long)g->r9, (unsigned long long)g->r10,
	       (unsigned long long)g->r11, (unsigned long long)g->rbp);
}

static void fatal(struct hv_partition *p, struct hv_vp *vp, const char *why, int code)
{
	hvsim_dump_vmcb(vp, vp->active_vtl, why);
	p->exit_code = code;
	p->stop = true;
}

static void gp0(struct hv_vp *vp)
{
	vp_inject_exception(vp, vp->active_vtl, 13, true, 0);
}

/*
 * An intercepted instruction hvsim cannot decode.  The bytes are the
 * guest's: another VP of the same VTL may have rewritten them since the
 * exit, or the page may no longer be readable.  That must not stop the
 * whole model (VTL1 with it), so the guest gets #GP(0) at the instruction
 * and a log line says what happened.
 */
static void undecodable(struct hv_vp *vp, const char *what)
{
	const struct vmcb *v = vp->vtl[vp->active_vtl].vmcb;
	static unsigned long nr;

	if (hv_refusal_log_due(&nr))
		hv_log("refused: vp%u VTL%d %s at rip %#llx: the instruction does not decode as one "
		       "hvsim handles here; #GP to the guest (refusal #%lu)", vp->index,
		       vp->active_vtl, what, (unsigned long long)v->save.rip, nr);
	gp0(vp);
}

static void handle_vmmcall(struct hv_partition *p, struct hv_vp *vp)
{
	struct vmcb *v = vp->vtl[vp->active_vtl].vmcb;
	bool switched;

	if (v->save.cpl != 0) {
		vp_inject_exception(vp, vp->active_vtl, 6, false, 0); /* #UD (TLFS) */
		return;
	}
	v->save.rip += 3; /* VMMCALL; a VTL switch must resume after it */
	uint64_t r = hv_hypercall(p, vp, vp->gprs.rcx, vp->gprs.rdx, vp->gprs.r8, &switched);
	if (r & HVSIM_HC_RESTART_FLAG) {
		v->save.rip -= 3;
		vp->gprs.rcx = (vp->gprs.rcx & ~HV_HYPERCALL_REP_START_MASK) |
			       ((r & 0xFFF) << HV_HYPERCALL_REP_START_SHIFT);
		return;
	}
	if (!switched)
		v->save.rax = r;
}

static void handle_cpuid(struct hv_partition *p, struct hv_vp *vp)
{
	struct vmcb *v = vp->vtl[vp->active_vtl].vmcb;
	uint32_t leaf = (uint32_t)v->save.rax, sub = (uint32_t)vp->gprs.rcx;
	struct cpuid_regs c = cpuid(leaf, sub);
	uint32_t r[4] = { c.eax, c.ebx, c.ecx, c.edx };

	hv_cpuid(vp, leaf, sub, r);
	hv_cpuid_partition(p, leaf, r);
	/* a real kernel's APIC is the x2APIC hvsim emulates (x2apic.c) */
	if (p->linux && vp->active_vtl == 0 && leaf == 1)
		r[2] |= 1u << 21;
	v->save.rax = r[0];
	vp->gprs.rbx = r[1];
	vp->gprs.rcx = r[2];
	vp->gprs.rdx = r[3];
	v->save.rip += 2;
}

/* The TLFS CrInterceptControl bit for a write of msr (0: none). */
static uint64_t intercepted_msr_bit(uint32_t msr)
{
	if (msr >= MSR_SGXLEPUBKEYHASH0 && msr <= MSR_SGXLEPUBKEYHASH0 + 3)
		return HV_CR_INTERCEPT_SGX_LC;
	switch (msr) {
	case MSR_MISC_ENABLE: return HV_CR_INTERCEPT_MISC_ENABLE;
	case MSR_TSC_AUX: return HV_CR_INTERCEPT_TSC_AUX;
	case MSR_LSTAR: return HV_CR_INTERCEPT_LSTAR;
	case MSR_STAR: return HV_CR_INTERCEPT_STAR;
	case MSR_CSTAR: return HV_CR_INTERCEPT_CSTAR;
	case MSR_APIC_BASE: return HV_CR_INTERCEPT_APIC_BASE;
	case MSR_EFER: return HV_CR_INTERCEPT_EFER;
	case MSR_SYSENTER_CS: return HV_CR_INTERCEPT_SYSENTER_CS;
	case MSR_SYSENTER_EIP: return HV_CR_INTERCEPT_SYSENTER_EIP;
	case MSR_SYSENTER_ESP: return HV_CR_INTERCEPT_SYSENTER_ESP;
	case MSR_SFMASK: return HV_CR_INTERCEPT_SFMASK;
	}
	return 0;
}

/* ... and for a read: the TLFS has read intercepts for these six only. */
static uint64_t intercepted_msr_read_bit(uint32_t msr)
{
	switch (msr) {
	case MSR_MISC_ENABLE: return HV_CR_INTERCEPT_MISC_ENABLE_RD;
	case MSR_LSTAR: return HV_CR_INTERCEPT_LSTAR_RD;
	case MSR_STAR: return HV_CR_INTERCEPT_STAR_RD;
	case MSR_CSTAR: return HV_CR_INTERCEPT_CSTAR_RD;
	case MSR_APIC_BASE: return HV_CR_INTERCEPT_APIC_BASE_RD;
	case MSR_EFER: return HV_CR_INTERCEPT_EFER_RD;
	}
	return 0;
}

static bool vtl1_wants(struct hv_vp *vp, uint64_t bit)
{
	return vp->active_vtl == 0 && vp->vtl[1].enabled && (vp->vtl[1].cr_intercept_ctl & bit);
}

static void to_vtl1(struct hv_partition *p, struct hv_vp *vp, uint32_t type, const void *pl,
		    uint8_t size)
{
	if (deliver_intercept(p, vp, type, pl, size))
		fatal(p, vp, "intercept for VTL1 but VTL1 has no SIMP/SINT set up", HVSIM_EXIT_NO_VTL1);
}

/* The MSRs whose guest copy lives in the VMCB and that VTL1 may intercept. */
static uint64_t *vmcb_msr_slot(struct vmcb *v, uint32_t msr)
{
	switch (msr) {
	case MSR_LSTAR: return &v->save.lstar;
	case MSR_STAR: return &v->save.star;
	case MSR_CSTAR: return &v->save.cstar;
	case MSR_SFMASK: return &v->save.sfmask;
	case MSR_SYSENTER_CS: return &v->save.sysenter_cs;
	case MSR_SYSENTER_EIP: return &v->save.sysenter_eip;
	case MSR_SYSENTER_ESP: return &v->save.sysenter_esp;
	default: return NULL;
	}
}

static void handle_msr(struct hv_partition *p, struct hv_vp *vp)
{
	struct vtl_ctx *c = &vp->vtl[vp->active_vtl];
	struct vmcb *v = c->vmcb;
	uint32_t msr = (uint32_t)vp->gprs.rcx;
	bool write = v->ctl.exit_info1 & 1;
	uint64_t val = (v->save.rax & 0xFFFFFFFFull) | (vp->gprs.rdx << 32);

	/* IA32_MISC_ENABLE writes go to VTL1 only when they change a bit of
	 * VTL1's Ia32MiscEnableMask (as CR0/CR4 with their masks) */
	bool masked = !write || msr != MSR_MISC_ENABLE ||
		      ((val ^ c->misc_enable) & vp->vtl[1].misc_enable_mask);
	if (masked && vtl1_wants(vp, write ? intercepted_msr_bit(msr) : intercepted_msr_read_bit(msr))) {
		struct hv_x64_msr_intercept_message m = { 0 };
		msg_intercept_header(vp, &m.header, 2 /* WRMSR/RDMSR */,
				     write ? HV_INTERCEPT_ACCESS_WRITE : HV_INTERCEPT_ACCESS_READ);
		m.msr_number = msr;
		if (write) {
			m.rdx = vp->gprs.rdx & 0xFFFFFFFFull;
			m.rax = v->save.rax & 0xFFFFFFFFull;
		}
		hv_trace("vp%u: MSR intercept %s %#x value %#llx", vp->index, write ? "wrmsr" : "rdmsr",
			 msr, (unsigned long long)val);
		to_vtl1(p, vp, HVMSG_X64_MSR_INTERCEPT, &m, sizeof(m));
		return;
	}
	if (p->linux && vp->active_vtl == 0 && msr >= HVSIM_X2APIC_FIRST && msr <= HVSIM_X2APIC_LAST) {
		if (write ? x2apic_msr_write(p, vp, msr, val) : x2apic_msr_read(p, vp, msr, &val)) {
			hv_trace("vp%u: x2APIC %s %#x -> #GP", vp->index, write ? "wrmsr" : "rdmsr", msr);
			gp0(vp);
			return;
		}
	} else if (msr == MSR_MISC_ENABLE) {
		if (write)
			c->misc_enable = val; /* stored: nothing behind it on the model */
		else
			val = c->misc_enable;
	} else if (msr == MSR_TSC_AUX && !write) {
		val = c->tsc_aux; /* a stored value (writes: #GP below) */
	} else if (msr == MSR_APIC_BASE) {
		if (write)
			c->apic_base = val; /* recorded; there is no APIC to move */
		else
			val = c->apic_base;
	} else if (msr == MSR_EFER) {
		/* LMA is the CPU's: it turned on with CR0.PG (an AP's
		 * real-mode start goes through that) */
		c->guest_efer = (c->guest_efer & ~EFER_LMA) | (v->save.efer & EFER_LMA);
		if (!write) {
			val = c->guest_efer;
		} else if ((val & ~(EFER_SCE | EFER_LME | EFER_LMA | EFER_NXE)) ||
			   ((v->save.cr0 & (1ull << 31)) && ((val ^ c->guest_efer) & EFER_LME))) {
			gp0(vp); /* reserved bits, or LME changed while paging is on */
			return;
		} else {
			c->guest_efer = (val & ~EFER_LMA) | (c->guest_efer & EFER_LMA);
			v->save.efer = c->guest_efer | EFER_SVME;
			v->ctl.clean = 0;
		}
	} else if (!write && vmcb_msr_slot(v, msr)) {
		/* a read intercept VTL1 dropped while the RDMSR was on its way */
		val = *vmcb_msr_slot(v, msr);
	} else if (!write) {
		const struct msr_rule *rule = msrtab_lookup(msr);

		if (rule->kind == MSR_IGNORED || rule->kind == MSR_READONLY) {
			val = rule->value;
		} else if (hv_msr_read(p, vp, msr, &val)) {
			hv_trace("vp%u VTL%d: rdmsr %#x -> #GP (%s)", vp->index, vp->active_vtl, msr,
				 rule->what);
			gp0(vp);
			return;
		}
	} else if ((msr >> 16) == 0x4000) { /* synthetic MSR range */
		if (hv_msr_write(p, vp, msr, val)) {
			gp0(vp);
			return;
		}
	} else {
		/* an MSR the map intercepts for VTL1 but VTL1 has not asked for
		 * (any more): carry the write out in the VMCB */
		uint64_t *slot = vmcb_msr_slot(v, msr);
		/* The MSR table (msrtab.c) says which writes are dropped
		 * (MTRRs: memory types are the host's; MCA; microcode); any
		 * other MSR (TSC_AUX, SGX launch control, ...) is not
		 * writable here. */
		const struct msr_rule *rule = msrtab_lookup(msr);

		if (slot) {
			*slot = val;
		} else if (rule->kind != MSR_IGNORED && msr != 0x2FF /* MTRR_DEF_TYPE: dropped */) {
			hv_trace("vp%u VTL%d: wrmsr %#x -> #GP (%s)", vp->index, vp->active_vtl, msr,
				 rule->what);
			gp0(vp);
			return;
		}
	}
	if (!write) {
		v->save.rax = val & 0xFFFFFFFFull;
		vp->gprs.rdx = val >> 32;
	}
	v->save.rip += 2;
}

static void console_out(struct hv_vp *vp, char ch)
{
	struct vtl_ctx *c = &vp->vtl[vp->active_vtl];
	char prefix[24];

	if (ch != '\n' && ch != '\r' && c->line_len < sizeof(c->line) - 1) {
		c->line[c->line_len++] = (uint8_t)ch;
		return;
	}
	if (ch == '\r')
		return;
	hv_snprintf_prefix(prefix, sizeof(prefix), vp->active_vtl, vp->index);
	hv_console_write(prefix, (const char *)c->line, c->line_len);
	c->line_len = 0;
	if (ch != '\n')
		c->line[c->line_len++] = (uint8_t)ch;
}

static void handle_io(struct hv_partition *p, struct hv_vp *vp)
{
	struct vmcb *v = vp->vtl[vp->active_vtl].vmcb;
	uint64_t info = v->ctl.exit_info1;
	uint16_t port = (uint16_t)(info >> 16);
	bool in = info & 1;
	unsigned int size = (info & (1u << 4)) ? 1 : (info & (1u << 5)) ? 2 : 4;
	uint64_t mask = size == 1 ? 0xFF : size == 2 ? 0xFFFF : 0xFFFFFFFF;

	if (info & (1u << 2)) {
		/* INS/OUTS are not modelled: the guest gets #GP rather than
		 * silently losing data. */
		gp0(vp);
		return;
	}
	if (in) {
		uint64_t val = mask;
		/* a 16550 that is always ready: LSR THRE|TEMT, IIR "none" */
		if (port >= 0x3F8 && port <= 0x3FF)
			val = port == 0x3FD ? 0x60 : port == 0x3FA ? 0x01 : port == 0x3FB ? p->uart_lcr : 0;
		v->save.rax = (v->save.rax & ~mask) | (val & mask);
	} else {
		uint8_t al = (uint8_t)v->save.rax;
		if (port == 0x3FB)
			p->uart_lcr = al;
		else if (port == 0x3F8 && !(p->uart_lcr & 0x80)) /* not the divisor latch */
			console_out(vp, (char)al);
		else if (p->linux && vp->active_vtl == 0 &&
			 ((port >= 0xCFC && port <= 0xCFF) || (port >= 0x510 && port <= 0x51B))) {
			/* the port allow-list keeps these from the devices
			 * (gpamap.c): no BAR, command (bus master) or fw_cfg DMA
			 * write of VTL0 ever reaches QEMU.  Logged: PCI config
			 * data writes (address writes to 0xCF8 are the kernel's
			 * bus scan, thousands) and every fw_cfg write. */
			static unsigned long dev_refused;
			if (hv_refusal_log_due(&dev_refused))
				hv_log("refused: vp%u VTL0 out %#x, %#llx: %s, not passed to the device "
				       "(gpamap.c port allow-list) [%lu]", vp->index, port,
				       (unsigned long long)(v->save.rax & mask),
				       port >= 0xCFC ? "PCI configuration data" : "fw_cfg (DMA interface)",
				       dev_refused);
		} else if (port == HVSIM_EXIT_PORT) {
			p->exit_code = al & 0x7F;
			p->stop = true;
			hv_trace("vp%u VTL%d requested exit %d", vp->index, vp->active_vtl, al & 0x7F);
		}
	}
	v->save.rip = v->ctl.exit_info2;
}

/* Register intercept helper: value is 16 bytes. */
static void reg_intercept(struct hv_partition *p, struct hv_vp *vp, uint32_t name,
			  const uint64_t val[2], uint8_t len, bool mem)
{
	struct hv_x64_register_intercept_message m = { 0 };

	msg_intercept_header(vp, &m.header, len, HV_INTERCEPT_ACCESS_WRITE);
	m.flags = mem ? 1 : 0; /* IsMemoryOp */
	m.register_name = name;
	m.value.low_part = val[0];
	m.value.high_part = val[1];
	hv_trace("vp%u: register intercept %s (%#x) value %#llx:%#llx len %u", vp->index,
		 hv_trace_reg_name(name), name,
		 (unsigned long long)val[1], (unsigned long long)val[0], len);
	to_vtl1(p, vp, HVMSG_X64_REGISTER_INTERCEPT, &m, sizeof(m));
}

static void handle_cr_write(struct hv_partition *p, struct hv_vp *vp, int cr)
{
	struct vmcb *v = vp->vtl[vp->active_vtl].vmcb;
	uint8_t bytes[16];
	struct hv_insn in;
	uint64_t r[16], val[2] = { 0, 0 };

	uint64_t old = cr == 0 ? v->save.cr0 : v->save.cr4;

	if (fetch_insn(p, vp, bytes, &in) < 0) {
		undecodable(vp, "CR write intercept");
		return;
	}
	regs16(vp, v, r);
	/* SVM's CR0 write intercept also catches CLTS and LMSW: each is one
	 * more route to CR0, held to the same mask */
	if (in.op == X86_OP_MOV_TO_CR && in.gpr < 16 && in.cr == cr) {
		val[0] = r[in.gpr];
	} else if (cr == 0 && in.op == X86_OP_CLTS) {
		val[0] = old & ~CR0_TS;
	} else if (cr == 0 && in.op == X86_OP_LMSW) {
		uint16_t src = 0;
		if (in.has_mem ? guest_read_virt(p, vp->active_vtl, v, in.ea, &src, 2) != 0 : in.gpr >= 16) {
			vp_inject_exception(vp, vp->active_vtl, 14, true, 0);
			return;
		}
		if (!in.has_mem)
			src = (uint16_t)r[in.gpr];
		/* LMSW loads PE/MP/EM/TS and can set PE but never clear it */
		val[0] = (old & ~0xEull) | (src & 0xFull) | (old & 1);
	} else {
		undecodable(vp, "CR write intercept");
		return;
	}
	/* the CPU's #GP checks come before anything else happens */
	if (!vp_cr_value_ok(p, &vp->vtl[vp->active_vtl], cr, val[0])) {
		hv_trace("vp%u VTL%d: mov to cr%d %#llx -> #GP", vp->index, vp->active_vtl, cr,
			 (unsigned long long)val[0]);
		gp0(vp);
		return;
	}
	uint64_t mask = cr == 0 ? vp->vtl[1].cr0_mask : vp->vtl[1].cr4_mask;
	if (((old ^ val[0]) & mask) && vtl1_wants(vp, cr == 0 ? HV_CR_INTERCEPT_CR0 : HV_CR_INTERCEPT_CR4)) {
		reg_intercept(p, vp, cr == 0 ? HV_X64_REGISTER_CR0 : HV_X64_REGISTER_CR4, val, in.len, false);
		return;
	}
	vp_set_register(p, vp, vp->active_vtl, cr == 0 ? HV_X64_REGISTER_CR0 : HV_X64_REGISTER_CR4, val);
	v->save.rip += in.len;
}

static void handle_dt_write(struct hv_partition *p, struct hv_vp *vp, uint32_t name)
{
	struct vmcb *v = vp->vtl[vp->active_vtl].vmcb;
	uint8_t bytes[16];
	struct hv_insn in;
	uint64_t r[16], val[2] = { 0, 0 };

	uint8_t want = name == HV_X64_REGISTER_GDTR ? X86_OP_LGDT :
		       name == HV_X64_REGISTER_IDTR ? X86_OP_LIDT :
		       name == HV_X64_REGISTER_LDTR ? X86_OP_LLDT : X86_OP_LTR;

	/* the bytes must be the instruction the exit was for */
	if (fetch_insn(p, vp, bytes, &in) < 0 || in.op != want) {
		undecodable(vp, "descriptor-table intercept");
		return;
	}
	regs16(vp, v, r);
	if (name == HV_X64_REGISTER_GDTR || name == HV_X64_REGISTER_IDTR) {
		/* LGDT/LIDT m16&64 -> HV_X64_TABLE_REGISTER */
		struct hv_x64_table_register t = { { 0, 0, 0 }, 0, 0 };
		uint8_t m[10];
		if (!in.has_mem || guest_read_virt(p, vp->active_vtl, v, in.ea, m, sizeof(m))) {
			vp_inject_exception(vp, vp->active_vtl, 14, true, 0);
			return;
		}
		memcpy(&t.limit, m, 2);
		memcpy(&t.base, m + 2, 8);
		memcpy(val, &t, sizeof(t));
	} else {
		/* LLDT/LTR r/m16 -> HV_X64_SEGMENT_REGISTER with the selector */
		struct hv_x64_segment_register sr = { 0, 0, 0, 0 };
		uint16_t sel = 0;
		if (in.has_mem) {
			if (guest_read_virt(p, vp->active_vtl, v, in.ea, &sel, 2)) {
				vp_inject_exception(vp, vp->active_vtl, 14, true, 0);
				return;
			}
		} else if (in.gpr < 16) {
			sel = (uint16_t)r[in.gpr];
		}
		sr.selector = sel;
		memcpy(val, &sr, sizeof(sr));
	}
	if (vtl1_wants(vp, name == HV_X64_REGISTER_GDTR ? HV_CR_INTERCEPT_GDTR :
			   name == HV_X64_REGISTER_IDTR ? HV_CR_INTERCEPT_IDTR :
			   name == HV_X64_REGISTER_LDTR ? HV_CR_INTERCEPT_LDTR : HV_CR_INTERCEPT_TR)) {
		reg_intercept(p, vp, name, val, in.len, in.has_mem);
		return;
	}
	/* intercept no longer wanted: carry out the table-register loads */
	if (name == HV_X64_REGISTER_GDTR || name == HV_X64_REGISTER_IDTR)
		vp_set_register(p, vp, vp->active_vtl, name, val);
	else
		fatal(p, vp, "LLDT/LTR emulation is not modelled", HVSIM_EXIT_UNEXPECTED);
	v->save.rip += in.len;
}

/*
 * XSETBV traps only while VTL1 intercepts XCR0 writes (CrInterceptControl).
 * XCR0 is shared by the VTLs and is the real register; hvsim does not write
 * it on a guest's behalf, so VTL1 can refuse the write (PendingEvent0) or
 * turn the intercept off, but setting VTL0's XFEM register is not modelled.
 */
static void handle_xsetbv(struct hv_partition *p, struct hv_vp *vp)
{
	struct vmcb *v = vp->vtl[vp->active_vtl].vmcb;
	uint64_t val[2] = { (v->save.rax & 0xFFFFFFFFull) | (vp->gprs.rdx << 32), 0 };

	if ((uint32_t)vp->gprs.rcx != 0 || !vtl1_wants(vp, HV_CR_INTERCEPT_XCR0)) {
		gp0(vp);
		return;
	}
	reg_intercept(p, vp, HV_X64_REGISTER_XFEM, val, 3 /* XSETBV */, false);
}

static void handle_npf(struct hv_partition *p, struct hv_vp *vp)
{
	struct vmcb *v = vp->vtl[vp->active_vtl].vmcb;
	uint64_t info = v->ctl.exit_info1, gpa = v->ctl.exit_info2;
	struct hv_x64_memory_intercept_message m = { 0 };
	uint8_t bytes[16];
	struct hv_insn in;
	int n;

	if (p->linux && vp->active_vtl == 0 && (info & NPF_W) && (gpa & ~0xFFFull) == GPAMAP_IOAPIC) {
		/* the I/O APIC page is read-only: hvsim makes each store
		 * itself (ioapic.c); only a plain 32-bit MOV is emulated */
		uint64_t r[16];
		n = fetch_insn(p, vp, bytes, &in);
		regs16(vp, v, r);
		bool ok = n > 0 && in.mem_write && !in.other_prefix && in.opsize == 4 &&
			  ((in.opcode == 0x89 && in.reg < 16) || (in.opcode == 0xC7 && in.imm_size == 4));
		uint32_t val = !ok ? 0 : in.opcode == 0x89 ? (uint32_t)r[in.reg] : (uint32_t)in.imm;
		if (!ok || ioapic_store(p, vp, (uint32_t)(gpa & 0xFFF), val)) {
			hv_log("refused: vp%u VTL0 store to the IOAPIC at %#llx (rip %#llx): not a 32-bit "
			       "MOV to IOREGSEL/IOWIN/EOI; #GP", vp->index, (unsigned long long)gpa,
			       (unsigned long long)v->save.rip);
			gp0(vp);
			return;
		}
		v->save.rip += in.len;
		return;
	}
	enum gpa_kind kind = gpamap_kind(p->ram_size, p->linux, gpa & ~0xFFFull, 4096);
	if (p->linux && vp->active_vtl == 0 && kind != GPA_RAM) {
		/* A real kernel probing a device hvsim does not offer (only
		 * gpamap's MMIO windows are mapped), or writing a firmware
		 * table (mapped read-only): #GP and a line, the partition
		 * goes on. */
		static unsigned long refused;
		if (hv_refusal_log_due(&refused))
			hv_log("refused: vp%u VTL0 %s GPA %#llx at rip %#llx: %s; #GP [%lu]", vp->index,
			       (info & NPF_W) ? "wrote" : "touched", (unsigned long long)gpa,
			       (unsigned long long)v->save.rip,
			       kind == GPA_FIRMWARE ? "a firmware table, mapped read-only (gpamap.c)"
						    : "not RAM and not an allowed MMIO window (gpamap.c)",
			       refused);
		gp0(vp);
		return;
	}
	if (gpa >= p->ram_size || vp->active_vtl != 0) {
		fatal(p, vp, gpa >= p->ram_size ? "guest touched a GPA outside RAM (no MMIO is modelled)"
						 : "nested page fault in VTL1", HVSIM_EXIT_UNEXPECTED);
		return;
	}
	if (p->linux && !vp->vtl[1].enabled) {
		/* VTL1's mask stopped the access but this VP has no VTL1 to
		 * hand it to (a stock kernel does not start VTL1 on its APs):
		 * refused here, as VTL1's policy would, and the partition goes on */
		static unsigned long novtl1;
		if (hv_refusal_log_due(&novtl1))
			hv_log("refused: vp%u VTL0 %s GPA %#llx at rip %#llx: VTL1's protection, and VTL1 "
			       "does not run on vp%u to judge it; #GP [%lu]", vp->index,
			       (info & NPF_ID) ? "executed" : (info & NPF_W) ? "wrote" : "read",
			       (unsigned long long)gpa, (unsigned long long)v->save.rip, vp->index, novtl1);
		gp0(vp);
		return;
	}
	uint8_t access = (info & NPF_ID) ? HV_INTERCEPT_ACCESS_EXECUTE :
			 (info & NPF_W) ? HV_INTERCEPT_ACCESS_WRITE : HV_INTERCEPT_ACCESS_READ;
	n = fetch_insn(p, vp, bytes, &in);
	msg_intercept_header(vp, &m.header, n > 0 ? in.len : 0, access);
	m.cache_type = 6; /* x86 memory type write-back */
	m.instruction_byte_count = (uint8_t)(n > 0 ? n : 0);
	if (access == HV_INTERCEPT_ACCESS_EXECUTE) {
		m.guest_virtual_address = v->save.cs.base + v->save.rip;
		m.memory_access_info = HV_X64_MEMORY_ACCESS_INFO_GVA_VALID_MASK;
	} else if (n > 0 && in.has_mem && !(info & NPF_WALK)) {
		m.guest_virtual_address = in.ea;
		m.memory_access_info = HV_X64_MEMORY_ACCESS_INFO_GVA_VALID_MASK;
	}
	m.guest_physical_address = gpa;
	memcpy(m.instruction_bytes, bytes, sizeof(m.instruction_bytes));
	hv_trace("vp%u: GPA intercept %s gpa %#llx gva %#llx len %u (VTL1 mask %#x)", vp->index,
		 access == HV_INTERCEPT_ACCESS_EXECUTE ? "execute" :
		 access == HV_INTERCEPT_ACCESS_WRITE ? "write" : "read",
		 (unsigned long long)gpa, (unsigned long long)m.guest_virtual_address,
		 m.header.instruction_length, prot_get(p, gpa >> 12));
	to_vtl1(p, vp, HVMSG_GPA_INTERCEPT, &m, sizeof(m));
}

/* Returns true when the VP should yield the physical CPU to another VP. */
bool hvsim_handle_exit(struct hv_partition *p, struct hv_vp *vp)
{
	struct vmcb *v = vp->vtl[vp->active_vtl].vmcb;
	uint64_t code = v->ctl.exit_code;

	vp->nr_exits++;
	v->ctl.tlb_control = 0;
	v->ctl.clean = 0; /* hvsim may edit any field: never let the CPU cache it */
	/* an event that did not make it in is re-injected */
	if (v->ctl.exit_int_info & SVM_EVTINJ_VALID) {
		v->ctl.event_inj = v->ctl.exit_int_info;
		v->ctl.exit_int_info = 0;
	} else {
		v->ctl.event_inj = 0;
	}
	/* HVSIM_HVCALL_BENCH_VTL_ROUND_TRIP's entry into VTL1 ends here */
	if (vp->bench_floor) {
		if (code == SVM_EXIT_INTR || code == SVM_EXIT_NMI)
			return false; /* a host interrupt first: enter again */
		if (hvsim_bench_floor_exit(p, vp))
			fatal(p, vp, "bench floor: VTL1 exited with something other than #NPF",
			      HVSIM_EXIT_UNEXPECTED);
		return false;
	}
	switch (code) {
	case SVM_EXIT_VMMCALL: handle_vmmcall(p, vp); break;
	case SVM_EXIT_CPUID: handle_cpuid(p, vp); break;
	case SVM_EXIT_MSR: handle_msr(p, vp); break;
	case SVM_EXIT_IOIO: handle_io(p, vp); break;
	case SVM_EXIT_NPF: handle_npf(p, vp); break;
	case SVM_EXIT_CR0_WRITE: handle_cr_write(p, vp, 0); break;
	case SVM_EXIT_CR4_WRITE: handle_cr_write(p, vp, 4); break;
	case SVM_EXIT_GDTR_WRITE: handle_dt_write(p, vp, HV_X64_REGISTER_GDTR); break;
	case SVM_EXIT_IDTR_WRITE: handle_dt_write(p, vp, HV_X64_REGISTER_IDTR); break;
	case SVM_EXIT_LDTR_WRITE: handle_dt_write(p, vp, HV_X64_REGISTER_LDTR); break;
	case SVM_EXIT_TR_WRITE: handle_dt_write(p, vp, HV_X64_REGISTER_TR); break;
	case SVM_EXIT_XSETBV: handle_xsetbv(p, vp); break;
	case SVM_EXIT_PAUSE:
		v->save.rip += 2;
		return true;
	case SVM_EXIT_HLT:
		v->save.rip += 1;
		vp->halted = true;
		return true;
	case SVM_EXIT_NMI:
		/*
		 * The exit only stops the guest: the NMI itself stays pending
		 * and is taken by hvsim's own handler (host_nmi) once GIF is
		 * set again, as on AMD hardware.  That handler tells the
		 * doorbell from an NMI of the machine; deciding here as well
		 * injected every doorbell that stopped a guest into VTL0 as an
		 * NMI ("NMI received for unknown reason" in Linux).
		 */
		break;
	case SVM_EXIT_IRET:
		/* VTL0 leaves its NMI handler: the next NMI may go in after
		 * this IRET (the intercept fires before it executes) */
		v->ctl.intercept_misc1 &= ~VMCB_I1_IRET;
		vp->nmi_in_service = false;
		break;
	case SVM_EXIT_INTR:
	case SVM_EXIT_VINTR:
		break;
	case SVM_EXIT_SHUTDOWN:
		fatal(p, vp, "guest triple fault", HVSIM_EXIT_TRIPLE_FAULT);
		break;
	case SVM_EXIT_VMRUN: case SVM_EXIT_VMRUN + 2: case SVM_EXIT_VMRUN + 3:
	case SVM_EXIT_VMRUN + 4: case SVM_EXIT_VMRUN + 5: case SVM_EXIT_VMRUN + 6:
	case 0x76: /* INVD */
	case SVM_EXIT_MONITOR: case SVM_EXIT_MWAIT: case SVM_EXIT_MWAIT_COND:
		vp_inject_exception(vp, vp->active_vtl, 6, false, 0);
		break;
	case SVM_EXIT_INVALID:
	case 0xFFFFFFFFull: /* QEMU TCG stores VMEXIT_INVALID as a 32-bit -1 */
		fatal(p, vp, "VMRUN refused the guest state (VMEXIT_INVALID)", HVSIM_EXIT_UNEXPECTED);
		break;
	default:
		fatal(p, vp, "unexpected exit", HVSIM_EXIT_UNEXPECTED);
		break;
	}
	return false;
}
