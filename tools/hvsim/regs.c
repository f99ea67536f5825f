// SPDX-License-Identifier: MIT
/*
 * Get/SetVpRegisters backend: HV register names -> the VP/VTL state.
 * Functions return an HV_STATUS (0 = success).  GPRs except RSP are shared by
 * the VTLs, so reading "VTL0's RBX" from VTL1 gives the one shared copy.
 */
#include <string.h>

#include "core/compiler.h"
#include "core/errno.h"
#include "tools/hvsim/hvif.h"
#include "tools/hvsim/prot.h"
#include "tools/hvsim/vp.h"

#define VSM_CODE_PAGE_OFFSETS                                                                     \
	(((uint64_t)HVSIM_HCPAGE_VTL_CALL_OFF << HV_REGISTER_VSM_CODE_PAGE_OFFSETS_VTL_CALL_OFFSET_SHIFT) | \
	 ((uint64_t)HVSIM_HCPAGE_VTL_RETURN_OFF                                                    \
	  << HV_REGISTER_VSM_CODE_PAGE_OFFSETS_VTL_RETURN_OFFSET_SHIFT))

/* 128-bit register values as the TLFS lays them out */
static void seg_to_val(const struct vmcb_seg *s, uint64_t val[2])
{
	struct hv_x64_segment_register r = { s->base, s->limit, s->sel, vmcb_attr_to_hv(s->attr) };
	memcpy(val, &r, sizeof(r));
}

static void val_to_seg(const uint64_t val[2], struct vmcb_seg *s)
{
	struct hv_x64_segment_register r;
	memcpy(&r, val, sizeof(r));
	*s = (struct vmcb_seg){ r.selector, vmcb_attr_from_hv(r.attributes), r.limit, r.base };
}

static void table_to_val(const struct vmcb_seg *s, uint64_t val[2])
{
	struct hv_x64_table_register r = { { 0, 0, 0 }, (uint16_t)s->limit, s->base };
	memcpy(val, &r, sizeof(r));
}

static void val_to_table(const uint64_t val[2], struct vmcb_seg *s)
{
	struct hv_x64_table_register r;
	memcpy(&r, val, sizeof(r));
	s->limit = r.limit;
	s->base = r.base;
}

static uint64_t *gpr_slot(struct hv_vp *vp, uint32_t name)
{
	struct svm_gprs *g = &vp->gprs;

	switch (name) {
	case HV_X64_REGISTER_RCX: return &g->rcx;
	case HV_X64_REGISTER_RDX: return &g->rdx;
	case HV_X64_REGISTER_RBX: return &g->rbx;
	case HV_X64_REGISTER_RBP: return &g->rbp;
	case HV_X64_REGISTER_RSI: return &g->rsi;
	case HV_X64_REGISTER_RDI: return &g->rdi;
	case HV_X64_REGISTER_R8: return &g->r8;
	case HV_X64_REGISTER_R8 + 1: return &g->r9;
	case HV_X64_REGISTER_R8 + 2: return &g->r10;
	case HV_X64_REGISTER_R8 + 3: return &g->r11;
	case HV_X64_REGISTER_R8 + 4: return &g->r12;
	case HV_X64_REGISTER_R8 + 5: return &g->r13;
	case HV_X64_REGISTER_R8 + 6: return &g->r14;
	case HV_X64_REGISTER_R15: return &g->r15;
	default: return NULL;
	}
}

static struct vmcb_seg *seg_slot(struct vmcb *v, uint32_t name)
{
	switch (name) {
	case HV_X64_REGISTER_ES: return &v->save.es;
	case HV_X64_REGISTER_CS: return &v->save.cs;
	case HV_X64_REGISTER_SS: return &v->save.ss;
	case HV_X64_REGISTER_DS: return &v->save.ds;
	case HV_X64_REGISTER_FS: return &v->save.fs;
	case HV_X64_REGISTER_GS: return &v->save.gs;
	case HV_X64_REGISTER_LDTR: return &v->save.ldtr;
	case HV_X64_REGISTER_TR: return &v->save.tr;
	default: return NULL;
	}
}

__fastpath
static uint64_t *msr_slot(struct vmcb *v, uint32_t name)
{
	switch (name) {
	case HV_X64_REGISTER_STAR: return &v->save.star;
	case HV_X64_REGISTER_LSTAR: return &v->save.lstar;
	case HV_X64_REGISTER_CSTAR: return &v->save.cstar;
	case HV_X64_REGISTER_SFMASK: return &v->save.sfmask;
	case HV_X64_REGISTER_KERNEL_GS_BASE: return &v->save.kernel_gs_base;
	case HV_X64_REGISTER_SYSENTER_CS: return &v->save.sysenter_cs;
	case HV_X64_REGISTER_SYSENTER_EIP: return &v->save.sysenter_eip;
	case HV_X64_REGISTER_SYSENTER_ESP: return &v->save.sysenter_esp;
	case HV_X64_REGISTER_PAT: return &v->save.g_pat;
	case HV_X64_REGISTER_CR2: return &v->save.cr2;
	case HV_X64_REGISTER_CR3: return &v->save.cr3;
	case HV_X64_REGISTER_RSP: return &v->save.rsp;
	case HV_X64_REGISTER_RIP: return &v->save.rip;
	default: return NULL;
	}
}

/*
 * Architectural registers: GPRs, RIP, RFLAGS, CR0/2/3/4/8, XFEM, DR0-DR7,
 * the segment and table registers and the MSR block EFER, KernelGsBase,
 * APIC_BASE, PAT, SYSENTER_*, STAR/LSTAR/CSTAR, SFMASK (and TSC, TSC_AUX,
 * SgxLaunchControl0..3, IA32_MISC_ENABLE).
 * Modelled on OpenHCL: only a higher VTL may get or set them through
 * Get/SetVpRegisters.  A VTL changes its own with instructions, where
 * VTL1's intercepts (CrInterceptControl) apply; the hypercall must not be a
 * way around them.  APIC_BASE is refused too (OpenHCL lets it through): it
 * is one of the TLFS's intercepted MSRs, so hvsim keeps it behind the same
 * rule.
 */
static bool arch_register(uint32_t name)
{
	return (name >= HV_X64_REGISTER_RAX && name <= HV_X64_REGISTER_RFLAGS) ||
	       (name >= HV_X64_REGISTER_CR0 && name <= HV_X64_REGISTER_XFEM) ||
	       (name >= (HV_X64_REGISTER_DR7 & ~0xFu) && name <= HV_X64_REGISTER_DR7) ||
	       (name >= HV_X64_REGISTER_ES && name <= HV_X64_REGISTER_TR) ||
	       (name >= HV_X64_REGISTER_IDTR && name <= HV_X64_REGISTER_GDTR) ||
	       (name >= HV_X64_REGISTER_TSC && name <= HV_X64_REGISTER_SFMASK) ||
	       name == HVSIM_REGISTER_TSC_AUX || name == HVSIM_REGISTER_MISC_ENABLE ||
	       (name >= HVSIM_REGISTER_SGX_LC0 && name <= HVSIM_REGISTER_SGX_LC0 + 3);
}

/* XFEM: XCR0 is per VP (its VTLs share it), and live in the CPU while the
 * VP runs there; main.c knows which VP that is. */
static uint64_t vp_xcr0(const struct hv_partition *p, const struct hv_vp *vp)
{
	return p->xcr0_of ? p->xcr0_of(p, vp) : vp->xcr0;
}

/*
 * May a caller in VTL caller_vtl get/set register name of VTL target_vtl
 * through the hypercall?  HV status (0 = yes).  exit.c's own emulation of a
 * guest's instructions calls vp_set_register() directly, not through this.
 */
__fastpath
int vp_register_access(int caller_vtl, int target_vtl, uint32_t name, bool set)
{
	(void)set;
	if (arch_register(name) && target_vtl >= caller_vtl)
		return HV_STATUS_ACCESS_DENIED;
	switch (name) {
	case HV_REGISTER_PENDING_EVENT0:
		/* only a higher VTL may queue (or look at) a VTL's event */
		return target_vtl >= caller_vtl ? HV_STATUS_ACCESS_DENIED : 0;
	case HV_REGISTER_VSM_PARTITION_CONFIG:
	case HV_REGISTER_VSM_VP_SECURE_CONFIG_VTL0:
	case HV_X64_REGISTER_CR_INTERCEPT_CONTROL:
	case HV_X64_REGISTER_CR_INTERCEPT_CR0_MASK:
	case HV_X64_REGISTER_CR_INTERCEPT_CR4_MASK:
	case HVSIM_REGISTER_CR_INTERCEPT_IA32_MISC_ENABLE_MASK:
		/* VTL1's registers, whatever VP and input VTL are named: the
		 * CALLER's VTL decides (not the target VP's active VTL, which
		 * a VTL0 caller naming a VP busy in VTL1 would pass) */
		return caller_vtl < 1 ? HV_STATUS_ACCESS_DENIED : 0;
	default:
		return 0;
	}
}

/*
 * ActiveMbecEnabled: MBEC is on for the VTL now running.  VTL1 has it when
 * the partition enabled VTL1 with MBEC; VTL0 once VTL1 set MbecEnabled in
 * this VP's VsmVpSecureConfigVtl0 (what LVBS VTL0 reads after each first
 * call).  hvsim reports the bits only: KX still governs execution in both
 * modes (docs/hvsim.md).
 */
static bool vsm_vp_active_mbec(const struct hv_partition *p, const struct hv_vp *vp)
{
	if (!p->mbec)
		return false;
	if (vp->active_vtl >= 1)
		return true;
	return vp->vtl0_secure_config & HV_REGISTER_VSM_VP_SECURE_VTL_CONFIG_MBEC_ENABLED_MASK;
}

static uint64_t vsm_vp_status(const struct hv_partition *p, struct hv_vp *vp)
{
	uint64_t enabled = 0;

	for (int i = 0; i < HVSIM_NUM_VTLS; i++)
		if (vp->vtl[i].enabled)
			enabled |= 1ull << i;
	return ((uint64_t)vp->active_vtl << HV_REGISTER_VSM_VP_STATUS_ACTIVE_VTL_SHIFT) |
	       (vsm_vp_active_mbec(p, vp) ? HV_REGISTER_VSM_VP_STATUS_ACTIVE_MBEC_ENABLED_MASK : 0) |
	       (enabled << HV_REGISTER_VSM_VP_STATUS_ENABLED_VTL_SET_SHIFT);
}

__fastpath
int vp_get_register(struct hv_partition *p, struct hv_vp *vp, int vtl, uint32_t name,
		    uint64_t val[2])
{
	struct vtl_ctx *c = &vp->vtl[vtl];
	struct vmcb *v = c->vmcb;
	uint64_t *s;
	struct vmcb_seg *seg;

	val[0] = val[1] = 0;
	if (name == HV_X64_REGISTER_RAX) {
		val[0] = vp->vtl[vp->active_vtl].vmcb->save.rax;
		return 0;
	}
	if ((s = gpr_slot(vp, name)) != NULL) {
		val[0] = *s;
		return 0;
	}
	if ((s = msr_slot(v, name)) != NULL) {
		val[0] = *s;
		if (name == HV_X64_REGISTER_CR2)
			val[0] = vp->vtl[vp->active_vtl].vmcb->save.cr2;
		return 0;
	}
	if ((seg = seg_slot(v, name)) != NULL) {
		seg_to_val(seg, val);
		return 0;
	}
	switch (name) {
	case HV_X64_REGISTER_RFLAGS: val[0] = v->save.rflags; return 0;
	case HV_X64_REGISTER_CR0: val[0] = v->save.cr0; return 0;
	case HV_X64_REGISTER_CR4: val[0] = v->save.cr4; return 0;
	case HV_X64_REGISTER_EFER: val[0] = c->guest_efer; return 0;
	case HV_X64_REGISTER_APIC_BASE: val[0] = c->apic_base; return 0;
	case HVSIM_REGISTER_MISC_ENABLE: val[0] = c->misc_enable; return 0;
	case HVSIM_REGISTER_TSC_AUX: val[0] = c->tsc_aux; return 0;
	case HV_X64_REGISTER_XFEM: val[0] = vp_xcr0(p, vp); return 0;
	case HV_X64_REGISTER_IDTR: table_to_val(&v->save.idtr, val); return 0;
	case HV_X64_REGISTER_GDTR: table_to_val(&v->save.gdtr, val); return 0;
	case HV_REGISTER_PENDING_EVENT0: val[0] = c->pending_event0; return 0;
	case HV_REGISTER_VP_INDEX: val[0] = vp->index; return 0;
	case HV_REGISTER_VP_ASSIST_PAGE: val[0] = c->vp_assist_msr; return 0;
	case HV_REGISTER_HYPERCALL: val[0] = p->vps[0].vtl[vtl].hypercall_msr; return 0;
	case HV_REGISTER_GUEST_OS_ID: val[0] = p->vps[0].vtl[vtl].guest_os_id; return 0;
	case HV_REGISTER_SCONTROL: val[0] = c->synic.scontrol; return 0;
	case HV_REGISTER_SIMP: val[0] = c->synic.simp; return 0;
	case HV_REGISTER_SIEFP: val[0] = c->synic.siefp; return 0;
	case HV_REGISTER_VSM_CODE_PAGE_OFFSETS: val[0] = VSM_CODE_PAGE_OFFSETS; return 0;
	case HV_REGISTER_VSM_VP_STATUS: val[0] = vsm_vp_status(p, vp); return 0;
	case HV_REGISTER_VSM_PARTITION_STATUS:
		val[0] = ((1ull | (p->vtl1_enabled ? 2ull : 0))
			  << HV_REGISTER_VSM_PARTITION_STATUS_ENABLED_VTL_SET_SHIFT) |
			 /* MbecEnabledVtlSet: VTL1, when EnablePartitionVtl asked for MBEC */
			 ((p->vtl1_enabled && p->mbec ? 2ull : 0)
			  << HV_REGISTER_VSM_PARTITION_STATUS_MBEC_ENABLED_VTL_SET_SHIFT) |
			 ((uint64_t)(HVSIM_NUM_VTLS - 1) << HV_REGISTER_VSM_PARTITION_STATUS_MAXIMUM_VTL_SHIFT);
		return 0;
	case HV_REGISTER_VSM_CAPABILITIES:
		/* DR6 not shared; MbecVtlMask = VTL1, matching the MBEC status
		 * hvsim reports (KX/UX as modelled in docs/hvsim.md). */
		val[0] = 2ull << HV_REGISTER_VSM_CAPABILITIES_MBEC_VTL_MASK_SHIFT;
		return 0;
	case HV_REGISTER_VSM_PARTITION_CONFIG: /* VTL1 only: vp_register_access() */
		val[0] = p->vsm_partition_config;
		return 0;
	case HV_REGISTER_VSM_VP_SECURE_CONFIG_VTL0:
		if (vp->active_vtl < 1)
			return HV_STATUS_ACCESS_DENIED;
		val[0] = vp->vtl0_secure_config;
		return 0;
	case HV_X64_REGISTER_CR_INTERCEPT_CONTROL:
	case HV_X64_REGISTER_CR_INTERCEPT_CR0_MASK:
	case HV_X64_REGISTER_CR_INTERCEPT_CR4_MASK:
	case HVSIM_REGISTER_CR_INTERCEPT_IA32_MISC_ENABLE_MASK:
		if (name == HVSIM_REGISTER_CR_INTERCEPT_IA32_MISC_ENABLE_MASK) {
			val[0] = vp->vtl[1].misc_enable_mask;
			return 0;
		}
		val[0] = name == HV_X64_REGISTER_CR_INTERCEPT_CONTROL ? vp->vtl[1].cr_intercept_ctl :
			 name == HV_X64_REGISTER_CR_INTERCEPT_CR0_MASK   ? vp->vtl[1].cr0_mask :
									   vp->vtl[1].cr4_mask;
		return 0;
	}
	if (name >= HVSIM_REGISTER_SGX_LC0 && name <= HVSIM_REGISTER_SGX_LC0 + 3) {
		val[0] = c->sgx_lc[name - HVSIM_REGISTER_SGX_LC0];
		return 0;
	}
	if (name >= HV_REGISTER_SINT0 && name < HV_REGISTER_SINT0 + HV_SYNIC_SINT_COUNT) {
		val[0] = c->synic.sint[name - HV_REGISTER_SINT0];
		return 0;
	}
	return HV_STATUS_INVALID_PARAMETER;
}

static void update_lma(struct vtl_ctx *c)
{
	struct vmcb *v = c->vmcb;

	if ((v->save.cr0 & (1ull << 31)) && (c->guest_efer & EFER_LME))
		c->guest_efer |= EFER_LMA;
	else
		c->guest_efer &= ~EFER_LMA;
	v->save.efer = c->guest_efer | EFER_SVME;
}

__fastpath
int vp_set_register(struct hv_partition *p, struct hv_vp *vp, int vtl, uint32_t name,
		    const uint64_t val[2])
{
	struct vtl_ctx *c = &vp->vtl[vtl];
	struct vmcb *v = c->vmcb;
	uint64_t *s;
	struct vmcb_seg *seg;

	if (name == HV_X64_REGISTER_RAX) {
		vp->vtl[vp->active_vtl].vmcb->save.rax = val[0];
		return 0;
	}
	if ((s = gpr_slot(vp, name)) != NULL) {
		*s = val[0];
		return 0;
	}
	if (name == HV_X64_REGISTER_CR2) {
		vp->vtl[vp->active_vtl].vmcb->save.cr2 = val[0];
		return 0;
	}
	if ((s = msr_slot(v, name)) != NULL) {
		*s = val[0];
		if (name == HV_X64_REGISTER_CR3)
			v->ctl.tlb_control = 3;
		v->ctl.clean = 0;
		return 0;
	}
	if ((seg = seg_slot(v, name)) != NULL) {
		val_to_seg(val, seg);
		if (name == HV_X64_REGISTER_CS)
			v->save.cpl = (uint8_t)((seg->attr >> 5) & 3);
		v->ctl.clean = 0;
		return 0;
	}
	switch (name) {
	case HV_X64_REGISTER_RFLAGS:
		v->save.rflags = (val[0] | 2) & 0x3F7FD7ull;
		return 0;
	case HV_X64_REGISTER_CR0:
		if (!vp_cr_value_ok(p, c, 0, val[0]))
			return HV_STATUS_INVALID_PARAMETER;
		v->save.cr0 = val[0];
		update_lma(c);
		v->ctl.tlb_control = 3;
		v->ctl.clean = 0;
		return 0;
	case HV_X64_REGISTER_CR4:
		if (!vp_cr_value_ok(p, c, 4, val[0]))
			return HV_STATUS_INVALID_PARAMETER;
		v->save.cr4 = val[0];
		v->ctl.tlb_control = 3;
		v->ctl.clean = 0;
		return 0;
	case HV_X64_REGISTER_EFER:
		if (val[0] & ~(EFER_SCE | EFER_LME | EFER_LMA | EFER_NXE))
			return HV_STATUS_INVALID_PARAMETER; /* what VMRUN would refuse */
		c->guest_efer = val[0] & ~EFER_SVME;
		update_lma(c);
		v->ctl.clean = 0;
		return 0;
	case HV_X64_REGISTER_APIC_BASE: c->apic_base = val[0]; return 0;
	/* MISC_ENABLE and TSC_AUX are stored values on the model (exit.c
	 * serves the guest's RDMSR from them); TSC_AUX is 32 bits. */
	case HVSIM_REGISTER_MISC_ENABLE: c->misc_enable = val[0]; return 0;
	case HVSIM_REGISTER_TSC_AUX:
		if (val[0] >> 32)
			return HV_STATUS_INVALID_PARAMETER;
		c->tsc_aux = val[0];
		return 0;
	case HV_X64_REGISTER_XFEM:
		/* hvsim never writes the real XCR0 for a guest (exit.c,
		 * handle_xsetbv): only the value it has is accepted */
		return val[0] == vp_xcr0(p, vp) ? 0 : HV_STATUS_INVALID_PARAMETER;
	case HV_X64_REGISTER_IDTR: val_to_table(val, &v->save.idtr); return 0;
	case HV_X64_REGISTER_GDTR: val_to_table(val, &v->save.gdtr); return 0;
	case HV_REGISTER_PENDING_EVENT0:
		/* only a higher VTL may queue an event: vp_register_access() */
		if (val[0] & HV_X64_PENDING_EXCEPTION_EVENT_RESERVED_MASK)
			return HV_STATUS_INVALID_PARAMETER;
		if (((val[0] & HV_X64_PENDING_EXCEPTION_EVENT_EVENT_TYPE_MASK) >>
		     HV_X64_PENDING_EXCEPTION_EVENT_EVENT_TYPE_SHIFT) != HV_X64_PENDING_EVENT_EXCEPTION)
			return HV_STATUS_INVALID_PARAMETER; /* only exceptions are modelled */
		c->pending_event0 = val[0];
		return 0;
	case HV_REGISTER_VSM_PARTITION_CONFIG:
		if (val[0] & HV_REGISTER_VSM_PARTITION_CONFIG_RESERVED_MASK)
			return HV_STATUS_INVALID_PARAMETER;
		p->vsm_partition_config = val[0];
		prot_reapply_default(p);
		return 0;
	case HV_REGISTER_VSM_VP_SECURE_CONFIG_VTL0:
		if (vp->active_vtl < 1)
			return HV_STATUS_ACCESS_DENIED;
		if (val[0] & HV_REGISTER_VSM_VP_SECURE_VTL_CONFIG_RESERVED_MASK)
			return HV_STATUS_INVALID_PARAMETER;
		if ((val[0] & HV_REGISTER_VSM_VP_SECURE_VTL_CONFIG_MBEC_ENABLED_MASK) && !p->mbec)
			return HV_STATUS_INVALID_PARAMETER; /* no MBEC in this partition */
		vp->vtl0_secure_config = val[0];
		return 0;
	case HV_X64_REGISTER_CR_INTERCEPT_CONTROL:
	case HV_X64_REGISTER_CR_INTERCEPT_CR0_MASK:
	case HV_X64_REGISTER_CR_INTERCEPT_CR4_MASK:
	case HVSIM_REGISTER_CR_INTERCEPT_IA32_MISC_ENABLE_MASK:
		if (name == HV_X64_REGISTER_CR_INTERCEPT_CONTROL &&
		    (val[0] & HV_REGISTER_CR_INTERCEPT_CONTROL_RESERVED_MASK))
			return HV_STATUS_INVALID_PARAMETER; /* bits 63:25 RsvdZ */
		if (name == HV_X64_REGISTER_CR_INTERCEPT_CONTROL)
			vp->vtl[1].cr_intercept_ctl = val[0];
		else if (name == HV_X64_REGISTER_CR_INTERCEPT_CR0_MASK)
			vp->vtl[1].cr0_mask = val[0];
		else if (name == HVSIM_REGISTER_CR_INTERCEPT_IA32_MISC_ENABLE_MASK)
			vp->vtl[1].misc_enable_mask = val[0];
		else
			vp->vtl[1].cr4_mask = val[0];
		vp_update_intercepts(p, vp);
		return 0;
	case HV_REGISTER_VSM_CODE_PAGE_OFFSETS:
	case HV_REGISTER_VSM_VP_STATUS:
	case HV_REGISTER_VSM_PARTITION_STATUS:
	case HV_REGISTER_VSM_CAPABILITIES:
	case HV_REGISTER_VP_INDEX:
		return HV_STATUS_ACCESS_DENIED; /* read-only */
	case HV_REGISTER_VP_ASSIST_PAGE:
	case HV_REGISTER_HYPERCALL:
	case HV_REGISTER_GUEST_OS_ID:
	case HV_REGISTER_SCONTROL:
	case HV_REGISTER_SIMP:
	case HV_REGISTER_SIEFP: {
		static const struct { uint32_t reg, msr; } map[] = {
			{ HV_REGISTER_VP_ASSIST_PAGE, HV_X64_MSR_VP_ASSIST_PAGE },
			{ HV_REGISTER_HYPERCALL, HV_X64_MSR_HYPERCALL },
			{ HV_REGISTER_GUEST_OS_ID, HV_X64_MSR_GUEST_OS_ID },
			{ HV_REGISTER_SCONTROL, HV_X64_MSR_SCONTROL },
			{ HV_REGISTER_SIMP, HV_X64_MSR_SIMP },
			{ HV_REGISTER_SIEFP, HV_X64_MSR_SIEFP },
		};
		for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++) {
			if (map[i].reg != name)
				continue;
			int saved = vp->active_vtl, rc;
			vp->active_vtl = vtl; /* MSR semantics of the target VTL */
			rc = hv_msr_write(p, vp, map[i].msr, val[0]);
			vp->active_vtl = saved;
			/* -EACCES: an overlay on a page that VTL may not write */
			return rc == -EACCES ? HV_STATUS_ACCESS_DENIED : rc ? HV_STATUS_INVALID_PARAMETER : 0;
		}
		return HV_STATUS_INVALID_PARAMETER;
	}
	}
	if (name >= HVSIM_REGISTER_SGX_LC0 && name <= HVSIM_REGISTER_SGX_LC0 + 3) {
		c->sgx_lc[name - HVSIM_REGISTER_SGX_LC0] = val[0];
		return 0;
	}
	if (name >= HV_REGISTER_SINT0 && name < HV_REGISTER_SINT0 + HV_SYNIC_SINT_COUNT) {
		if (val[0] & HV_SYNIC_SINT_RESERVED_MASK)
			return HV_STATUS_INVALID_PARAMETER;
		c->synic.sint[name - HV_REGISTER_SINT0] = val[0];
		return 0;
	}
	return HV_STATUS_INVALID_PARAMETER;
}
