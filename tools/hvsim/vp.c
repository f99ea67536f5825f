// SPDX-License-Identifier: MIT
/*
 * Per-VP, per-VTL machine state: VMCB set-up, initial contexts, the VTL
 * switch (which registers move and which stay) and event injection.
 */
#include <string.h>

#include "core/compiler.h"
#include "core/errno.h"
#include "tools/hvsim/guestmem.h"
#include "tools/hvsim/log.h"
#include "tools/hvsim/platform.h"
#include "tools/hvsim/vp.h"
#include "tools/hvsim/npt.h"

#define MSR_STAR          0xC0000081u
#define MSR_LSTAR         0xC0000082u
#define MSR_CSTAR         0xC0000083u
#define MSR_SFMASK        0xC0000084u
#define MSR_APIC_BASE     0x0000001Bu
#define MSR_SYSENTER_CS   0x00000174u
#define MSR_SYSENTER_ESP  0x00000175u
#define MSR_SYSENTER_EIP  0x00000176u
#define MSR_FS_BASE       0xC0000100u
#define MSR_GS_BASE       0xC0000101u
#define MSR_KERNEL_GS_BASE 0xC0000102u
#define MSR_PAT           0x00000277u
#define MSR_TSC           0x00000010u
#define MSR_MTRRCAP       0x000000FEu
#define MSR_MTRR_DEF_TYPE 0x000002FFu

static void msrpm_set(uint8_t *pm, uint32_t msr, bool rd, bool wr)
{
	uint32_t base;

	if (msr <= 0x1FFF)
		base = 0;
	else if (msr >= 0xC0000000u && msr <= 0xC0001FFFu)
		base = 0x800, msr -= 0xC0000000u;
	else if (msr >= 0xC0010000u && msr <= 0xC0011FFFu)
		base = 0x1000, msr -= 0xC0010000u;
	else
		return; /* outside the map: always intercepted */
	uint32_t bit = msr * 2;
	uint8_t *b = &pm[base + bit / 8];
	uint8_t rmask = (uint8_t)(1u << (bit % 8)), wmask = (uint8_t)(1u << (bit % 8 + 1));
	*b = (uint8_t)((*b & ~(rmask | wmask)) | (rd ? rmask : 0) | (wr ? wmask : 0));
}

int vp_init(struct hv_partition *p, struct hv_vp *vp, unsigned int index)
{
	vp->index = index;
	vp->active_vtl = 0;
	for (int vtl = 0; vtl < HVSIM_NUM_VTLS; vtl++) {
		struct vtl_ctx *c = &vp->vtl[vtl];
		c->vmcb = hv_alloc_pages(1);
		c->msrpm = hv_alloc_pages(2);
		if (!c->vmcb || !c->msrpm)
			return -ENOMEM;
		c->vmcb_pa = hv_virt_to_phys(c->vmcb);
		c->msrpm_pa = hv_virt_to_phys(c->msrpm);
		for (unsigned int i = 0; i < HV_SYNIC_SINT_COUNT; i++)
			c->synic.sint[i] = HV_SYNIC_SINT_MASKED;
		c->misc_enable = 1; /* fast strings, as QEMU's default */
		/* xAPIC at the architectural base, enabled; BSP flag on VP0 */
		c->apic_base = 0xFEE00000ull | (1ull << 11) | (index == 0 ? 1ull << 8 : 0);
		/* a real kernel's APIC is x2APIC, enabled "by the firmware"
		 * (x2apic.c): its xAPIC MMIO page is not in the GPA map */
		if (p->linux && vtl == 0)
			c->apic_base |= 1ull << 10;
		vp_setup_vmcb(p, vp, vtl);
	}
	vp->vtl[0].enabled = true;
	return 0;
}

void vp_setup_vmcb(struct hv_partition *p, struct hv_vp *vp, int vtl)
{
	struct vmcb *v = vp->vtl[vtl].vmcb;

	v->ctl.intercept_misc1 = VMCB_I1_NMI | VMCB_I1_SMI | VMCB_I1_INIT | VMCB_I1_CPUID |
				 VMCB_I1_INVD | VMCB_I1_HLT | VMCB_I1_IOIO | VMCB_I1_MSR |
				 VMCB_I1_SHUTDOWN;
	/* VPs share one physical CPU: a spinning VP yields on PAUSE */
	if (p->nr_vps > 1 && !p->linux) /* Linux mode: each VP has its own CPU */
		v->ctl.intercept_misc1 |= VMCB_I1_PAUSE;
	v->ctl.intercept_misc2 = VMCB_I2_VMRUN | VMCB_I2_VMMCALL | VMCB_I2_VMLOAD |
				 VMCB_I2_VMSAVE | VMCB_I2_STGI | VMCB_I2_CLGI | VMCB_I2_SKINIT |
				 /* MWAIT would sleep the one physical CPU for good */
				 VMCB_I2_MONITOR | VMCB_I2_MWAIT | VMCB_I2_MWAIT_COND;
	v->ctl.iopm_base_pa = (vtl == 1 && p->iopm_vtl1) ? p->iopm_vtl1_pa :
			      (vtl == 0 && p->iopm_linux) ? p->iopm_linux_pa : p->iopm_pa;
	v->ctl.msrpm_base_pa = vp->vtl[vtl].msrpm_pa;
	v->ctl.asid = 1 + vp->index * HVSIM_NUM_VTLS + (uint32_t)vtl;
	v->ctl.tlb_control = 1;
	v->ctl.int_ctl = VMCB_V_INTR_MASKING;
	if (p->linux) {
		if (vtl == 0) {
			/*
			 * A real kernel drives QEMU's PIC, IOAPIC, LAPIC and
			 * UART itself: with V_INTR_MASKING=0 their interrupts
			 * (and NMIs) reach VTL0's IDT directly, without an exit,
			 * and HLT really waits for the next one.  hvsim's own
			 * IF is 0, so nothing is taken while hvsim or VTL1 runs.
			 */
			v->ctl.int_ctl = 0;
			v->ctl.intercept_misc1 &= ~VMCB_I1_HLT;
			/* NMIs still exit: a physical NMI is either hvsim's
			 * doorbell or an NMI for VTL0, which hvsim injects
			 * (vp_post_nmi) so none is lost while VTL1 runs. */
		} else {
			/* VTL1 keeps VTL0's interrupts pending (host IF = 0);
			 * INTR exits are a safety net should that ever change. */
			v->ctl.intercept_misc1 |= VMCB_I1_INTR;
		}
	}
	v->ctl.np_enable = 1;
	v->ctl.n_cr3 = p->npt[vtl] ? p->npt[vtl]->root_pa : 0;
	v->save.g_pat = 0x0007040600070406ull;
	v->save.dr6 = 0xFFFF0FF0;
	v->save.dr7 = 0x400;
	v->save.rflags = 2;
	/*
	 * MSRs: everything traps except state that lives in the VMCB or is
	 * switched by VMLOAD/VMSAVE (so a guest write only changes its own
	 * copy) and harmless reads.  Above all the SVM MSRs (VM_HSAVE_PA,
	 * VM_CR, ...) must never reach the real CPU.  EFER is emulated: the VMCB
	 * copy carries SVME, the guest must not see it.
	 */
	static const uint32_t own[] = { MSR_STAR, MSR_LSTAR, MSR_CSTAR, MSR_SFMASK,
					MSR_SYSENTER_CS, MSR_SYSENTER_ESP, MSR_SYSENTER_EIP,
					MSR_FS_BASE, MSR_GS_BASE, MSR_KERNEL_GS_BASE, MSR_PAT };
	/* TSC_AUX reads exit too: they are served from vtl_ctx.tsc_aux, the
	 * value VTL1 gets and sets through Get/SetVpRegisters */
	static const uint32_t read_only[] = { MSR_TSC, MSR_MTRRCAP, MSR_MTRR_DEF_TYPE };
	uint8_t *pm = vp->vtl[vtl].msrpm;

	memset(pm, 0xFF, 2 * 4096);
	for (size_t i = 0; i < sizeof(own) / sizeof(own[0]); i++)
		msrpm_set(pm, own[i], false, false);
	for (size_t i = 0; i < sizeof(read_only) / sizeof(read_only[0]); i++)
		msrpm_set(pm, read_only[i], false, true);
}

/* Write intercepts VTL1 asked for on VTL0 (CrInterceptControl). */
void vp_update_intercepts(struct hv_partition *p, struct hv_vp *vp)
{
	struct vmcb *v = vp->vtl[0].vmcb;
	uint64_t ctl = vp->vtl[1].enabled ? vp->vtl[1].cr_intercept_ctl : 0;
	uint8_t *pm = vp->vtl[0].msrpm;
	/*
	 * The MSRs the TLFS's CrInterceptControl names and that the guest's
	 * own VMCB copy would otherwise serve without an exit.  EFER,
	 * APIC_BASE, IA32_MISC_ENABLE, TSC_AUX writes and the SGX launch
	 * control MSRs always exit (vp_setup_vmcb), so exit.c checks their
	 * bits itself.
	 */
	static const struct {
		uint64_t wbit, rbit;
		uint32_t msr;
	} msrs[] = {
		{ HV_CR_INTERCEPT_LSTAR, HV_CR_INTERCEPT_LSTAR_RD, MSR_LSTAR },
		{ HV_CR_INTERCEPT_STAR, HV_CR_INTERCEPT_STAR_RD, MSR_STAR },
		{ HV_CR_INTERCEPT_CSTAR, HV_CR_INTERCEPT_CSTAR_RD, MSR_CSTAR },
		{ HV_CR_INTERCEPT_SYSENTER_CS, 0, MSR_SYSENTER_CS },
		{ HV_CR_INTERCEPT_SYSENTER_EIP, 0, MSR_SYSENTER_EIP },
		{ HV_CR_INTERCEPT_SYSENTER_ESP, 0, MSR_SYSENTER_ESP },
		{ HV_CR_INTERCEPT_SFMASK, 0, MSR_SFMASK },
	};

	(void)p;
	v->ctl.intercept_cr = 0;
	if (ctl & HV_CR_INTERCEPT_CR0)
		v->ctl.intercept_cr |= 1u << 16;
	if (ctl & HV_CR_INTERCEPT_CR4)
		v->ctl.intercept_cr |= 1u << 20;
	v->ctl.intercept_misc1 &= ~(VMCB_I1_IDTR_WRITE | VMCB_I1_GDTR_WRITE | VMCB_I1_LDTR_WRITE |
				    VMCB_I1_TR_WRITE);
	if (ctl & HV_CR_INTERCEPT_IDTR)
		v->ctl.intercept_misc1 |= VMCB_I1_IDTR_WRITE;
	if (ctl & HV_CR_INTERCEPT_GDTR)
		v->ctl.intercept_misc1 |= VMCB_I1_GDTR_WRITE;
	if (ctl & HV_CR_INTERCEPT_LDTR)
		v->ctl.intercept_misc1 |= VMCB_I1_LDTR_WRITE;
	if (ctl & HV_CR_INTERCEPT_TR)
		v->ctl.intercept_misc1 |= VMCB_I1_TR_WRITE;
	v->ctl.intercept_misc2 &= ~VMCB_I2_XSETBV;
	if (ctl & HV_CR_INTERCEPT_XCR0) {
		static bool said;
		v->ctl.intercept_misc2 |= VMCB_I2_XSETBV;
		if (!said) {
			said = true;
			hv_log("vp%u: VTL1 intercepts XSETBV (CrInterceptControl bit 2); QEMU's TCG "
			       "(7.2) does not exit on XSETBV, so there VTL0's XCR0 writes are not "
			       "stopped (docs/hvsim.md, Deviations)", vp->index);
		}
	}
	for (size_t i = 0; i < sizeof(msrs) / sizeof(msrs[0]); i++)
		msrpm_set(pm, msrs[i].msr, (ctl & msrs[i].rbit) != 0, (ctl & msrs[i].wbit) != 0);
	v->ctl.clean = 0;
}

static void load_seg(struct vmcb_seg *s, const struct hv_x64_segment_register *r)
{
	s->base = r->base;
	s->limit = r->limit;
	s->sel = r->selector;
	s->attr = vmcb_attr_from_hv(r->attributes);
}

/*
 * The checks VMRUN itself makes on this state (AMD APM "canonicalization and
 * consistency checks"), so a bad context is refused at the hypercall rather
 * than stopping hvsim at the first VMRUN.
 */
bool vp_context_valid(const struct hv_partition *p, const struct hv_initial_vp_context *c)
{
	uint16_t cs = c->cs.attributes;
	const uint64_t efer_ok = EFER_SCE | EFER_LME | EFER_LMA | EFER_NXE;

	if (c->efer & ~efer_ok)
		return false;
	if ((c->cr0 >> 32) || (!(c->cr0 & (1ull << 30)) && (c->cr0 & (1ull << 29))))
		return false; /* CR0 high half, NW without CD */
	if ((c->cr0 & (1ull << 31)) && !(c->cr0 & 1))
		return false; /* PG without PE */
	if ((c->efer & EFER_LME) && (c->cr0 & (1ull << 31)) && !(c->cr4 & (1ull << 5)))
		return false; /* long mode paging without PAE */
	if ((cs & (1u << 13)) && (cs & (1u << 14)))
		return false; /* CS.L and CS.D together */
	if (c->cr4 & ~p->cr4_valid)
		return false; /* CR4 bits this CPU lacks: VMRUN would refuse them */
	if (c->cr3 >> 52)
		return false;
	return true;
}

/*
 * A new CR0 or CR4 value for one VTL of a VP, checked as MOV to CR checks it
 * (the #GP conditions) and as VMRUN checks the result: reserved bits (CR0
 * high half; CR4 bits the CPU does not support), NW without CD, PG without
 * PE, paging in long mode without PAE, leaving paging in 64-bit code,
 * changing LA57 in long mode, PCIDE with CR3[11:0] != 0 or outside long mode.
 * hvsim carries out some CR writes itself (those VTL1 does not intercept) and
 * applies VTL1's SetVpRegisters: a value VMRUN refuses would stop the whole
 * model, so a guest gets #GP and VTL1 INVALID_PARAMETER instead.
 */
__fastpath
bool vp_cr_value_ok(const struct hv_partition *p, const struct vtl_ctx *c, int cr, uint64_t val)
{
	const struct vmcb *v = c->vmcb;
	bool lma = c->guest_efer & EFER_LMA, cs_l = v->save.cs.attr & (1u << 9);
	const uint64_t cr0_pe = 1, cr0_nw = 1ull << 29, cr0_cd = 1ull << 30, cr0_pg = 1ull << 31;
	const uint64_t cr4_pae = 1ull << 5, cr4_la57 = 1ull << 12, cr4_pcide = 1ull << 17;

	if (cr == 0) {
		if ((val >> 32) || ((val & cr0_nw) && !(val & cr0_cd)) ||
		    ((val & cr0_pg) && !(val & cr0_pe)))
			return false;
		if (lma && cs_l && !(val & cr0_pg))
			return false;
		if ((c->guest_efer & EFER_LME) && (val & cr0_pg) && !(v->save.cr4 & cr4_pae))
			return false;
		return true;
	}
	if (val & ~p->cr4_valid)
		return false;
	if (lma && (!(val & cr4_pae) || ((val ^ v->save.cr4) & cr4_la57)))
		return false;
	if ((val & cr4_pcide) && !(v->save.cr4 & cr4_pcide) && ((v->save.cr3 & 0xFFF) || !lma))
		return false;
	return true;
}

/* HV_INITIAL_VP_CONTEXT -> VMCB save area (the caller copied it in). */
int vp_load_initial_context(struct hv_vp *vp, int vtl, const struct hv_initial_vp_context *ctx)
{
	struct vmcb *v = vp->vtl[vtl].vmcb;

	v->save.rip = ctx->rip;
	v->save.rsp = ctx->rsp;
	v->save.rflags = (ctx->rflags | 2) & 0x3F7FD7ull;
	load_seg(&v->save.cs, &ctx->cs);
	load_seg(&v->save.ds, &ctx->ds);
	load_seg(&v->save.es, &ctx->es);
	load_seg(&v->save.fs, &ctx->fs);
	load_seg(&v->save.gs, &ctx->gs);
	load_seg(&v->save.ss, &ctx->ss);
	load_seg(&v->save.tr, &ctx->tr);
	load_seg(&v->save.ldtr, &ctx->ldtr);
	v->save.idtr = (struct vmcb_seg){ 0, 0, ctx->idtr.limit, ctx->idtr.base };
	v->save.gdtr = (struct vmcb_seg){ 0, 0, ctx->gdtr.limit, ctx->gdtr.base };
	vp->vtl[vtl].guest_efer = ctx->efer & ~EFER_SVME;
	v->save.efer = vp->vtl[vtl].guest_efer | EFER_SVME;
	v->save.cr0 = ctx->cr0;
	v->save.cr3 = ctx->cr3;
	v->save.cr4 = ctx->cr4;
	v->save.g_pat = ctx->msr_cr_pat;
	v->save.cpl = (uint8_t)((v->save.cs.attr >> 5) & 3);
	v->ctl.tlb_control = 1;
	v->ctl.clean = 0;
	return 0;
}

void vp_inject_exception(struct hv_vp *vp, int vtl, uint8_t vector, bool has_err, uint32_t err)
{
	struct vmcb *v = vp->vtl[vtl].vmcb;

	v->ctl.event_inj = vector | SVM_EVTINJ_TYPE_EXC | SVM_EVTINJ_VALID |
			   (has_err ? SVM_EVTINJ_EV | ((uint64_t)err << 32) : 0);
}

/*
 * Move the VP from its active VTL to to_vtl.  Shared state (GPRs other than
 * RSP, CR2; FP/SSE/AVX/XCR0/DR0-3 are never touched by hvsim so they are
 * shared by construction) carries over; private state stays in each VMCB.
 */
__fastpath
void vtl_switch(struct hv_partition *p, struct hv_vp *vp, int to_vtl, uint32_t reason)
{
	struct vmcb *from = vp->vtl[vp->active_vtl].vmcb, *to = vp->vtl[to_vtl].vmcb;

	to->save.rax = from->save.rax;
	to->save.cr2 = from->save.cr2;
	if (to_vtl > vp->active_vtl) {
		uint64_t assist = vp->vtl[to_vtl].vp_assist_msr;
		struct hv_vp_assist_page *a = NULL;
		if (assist & HV_X64_MSR_VP_ASSIST_PAGE_ENABLE_MASK)
			a = gpa_access(p, to_vtl, assist & HV_X64_MSR_VP_ASSIST_PAGE_GPFN_MASK,
				       sizeof(*a), true, "VP assist page (entry reason)");
		if (a)
			a->vtl_entry_reason = reason;
	}
	/* a VTL call names the LVBS function in RDI (trace only; 0: the boot call).
	 * Guarded here, not only inside hv_trace: the arguments (a name
	 * lookup) would otherwise be worked out on every world switch. */
	if (p->trace)
		hv_trace("vp%u: VTL%d -> VTL%d (%s%s%s) rip %#llx -> %#llx", vp->index,
			 vp->active_vtl, to_vtl,
			 to_vtl > vp->active_vtl ? (reason == 1 ? "call" : "interrupt") : "return",
			 to_vtl > vp->active_vtl && reason == 1 ? " " : "",
			 to_vtl > vp->active_vtl && reason == 1 ?
			 (vp->gprs.rdi ? hv_trace_vtl_call_name(vp->gprs.rdi) : "boot, RDI=0") : "",
			 (unsigned long long)from->save.rip, (unsigned long long)to->save.rip);
	vp->active_vtl = to_vtl;
	vp->nr_vtl_switches++;
}

/*
 * INIT then SIPI: VTL0 of vp starts in real mode at CS = vector << 8, IP 0,
 * the architectural post-INIT state (APM vol. 2, "Initial processor
 * state"), with hvsim's EFER.SVME hidden as always.
 */
void vp_start_real_mode(struct hv_vp *vp, uint8_t vector)
{
	struct vtl_ctx *c = &vp->vtl[0];
	struct vmcb *v = c->vmcb;
	const struct vmcb_seg data = { 0, 0x93, 0xFFFF, 0 };

	v->save.cs = (struct vmcb_seg){ (uint16_t)(vector << 8), 0x9B, 0xFFFF, (uint64_t)vector << 12 };
	v->save.ds = v->save.es = v->save.fs = v->save.gs = v->save.ss = data;
	v->save.gdtr = v->save.idtr = (struct vmcb_seg){ 0, 0, 0xFFFF, 0 };
	v->save.ldtr = (struct vmcb_seg){ 0, 0x82, 0xFFFF, 0 };
	v->save.tr = (struct vmcb_seg){ 0, 0x8B, 0xFFFF, 0 };
	v->save.rip = 0;
	v->save.rsp = 0;
	v->save.rax = 0;
	v->save.rflags = 2;
	v->save.cr0 = 0x10; /* ET; caches on (TCG ignores CD/NW anyway) */
	v->save.cr2 = 0;
	v->save.cr3 = 0;
	v->save.cr4 = 0;
	v->save.dr6 = 0xFFFF0FF0;
	v->save.dr7 = 0x400;
	v->save.cpl = 0;
	c->guest_efer = 0;
	v->save.efer = EFER_SVME;
	v->ctl.event_inj = 0;
	v->ctl.tlb_control = 1;
	v->ctl.clean = 0;
	memset(&vp->gprs, 0, sizeof(vp->gprs));
	vp->active_vtl = 0;
}

void vp_post_nmi(struct hv_partition *p, struct hv_vp *vp, struct hv_vp *from)
{
	__atomic_store_n(&vp->nmi_pending, true, __ATOMIC_RELEASE);
	if (vp != from && p->doorbell)
		p->doorbell(p, vp);
}

__fastpath
void vp_prepare_entry(struct hv_partition *p, struct hv_vp *vp)
{
	struct vtl_ctx *c = &vp->vtl[vp->active_vtl];
	uint64_t ev = c->pending_event0;
	uint8_t bit = (uint8_t)(1u << vp->active_vtl);

	(void)p;
	/* a protection change on another CPU asked for this ASID's flush */
	if (__atomic_load_n(&vp->tlb_flush, __ATOMIC_ACQUIRE) & bit) {
		__atomic_fetch_and(&vp->tlb_flush, (uint8_t)~bit, __ATOMIC_ACQ_REL);
		c->vmcb->ctl.tlb_control = 3;
	}
	/*
	 * An NMI for VTL0 waits while VTL1 runs and while VTL0 is still in an
	 * earlier NMI's handler (IRET intercepted until then), then goes in
	 * ahead of anything but an event already being injected.
	 */
	if (vp->active_vtl == 0 && !vp->nmi_in_service && !(c->vmcb->ctl.event_inj & SVM_EVTINJ_VALID) &&
	    __atomic_exchange_n(&vp->nmi_pending, false, __ATOMIC_ACQ_REL)) {
		c->vmcb->ctl.event_inj = 2 | SVM_EVTINJ_TYPE_NMI | SVM_EVTINJ_VALID;
		c->vmcb->ctl.intercept_misc1 |= VMCB_I1_IRET;
		vp->nmi_in_service = true;
		hv_trace("vp%u: NMI injected into VTL0", vp->index);
	}
	if ((ev & HV_X64_PENDING_EXCEPTION_EVENT_EVENT_PENDING_MASK) &&
	    !(c->vmcb->ctl.event_inj & SVM_EVTINJ_VALID)) {
		uint64_t type = (ev & HV_X64_PENDING_EXCEPTION_EVENT_EVENT_TYPE_MASK) >>
				HV_X64_PENDING_EXCEPTION_EVENT_EVENT_TYPE_SHIFT;
		uint8_t vector = (uint8_t)((ev & HV_X64_PENDING_EXCEPTION_EVENT_VECTOR_MASK) >>
					   HV_X64_PENDING_EXCEPTION_EVENT_VECTOR_SHIFT);
		if (type == HV_X64_PENDING_EVENT_EXCEPTION)
			vp_inject_exception(vp, vp->active_vtl, vector,
					    ev & HV_X64_PENDING_EXCEPTION_EVENT_DELIVER_ERROR_CODE_MASK,
					    (uint32_t)(ev >> HV_X64_PENDING_EXCEPTION_EVENT_ERROR_CODE_SHIFT));
		c->pending_event0 = 0;
		hv_trace("vp%u: VTL%d pending event vector %u err %#x injected", vp->index,
			 vp->active_vtl, vector, (unsigned)(ev >> 32));
	}
}
