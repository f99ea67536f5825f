// SPDX-License-Identifier: MIT
/*
 * Hyper-V synthetic MSRs (per VTL) and CPUID leaves.  The hypercall page is
 * written into guest RAM when enabled: a plain hypercall stub at offset 0 and
 * the VSM VTL-call / VTL-return entry points at the offsets reported by
 * HV_REGISTER_VSM_CODE_PAGE_OFFSETS.
 *
 * Overlays (hypercall page, VP assist page, SIMP, SIEFP) are modelled as
 * hvsim writing guest RAM, so enabling one is a write at a GPA the guest
 * chose: it goes through gpa_access() for the VTL that owns the overlay, and a
 * page that VTL may not write (VTL1 memory or a read-only page, seen from
 * VTL0; anything outside RAM) makes the MSR write fail with #GP, the MSR
 * keeping its old value.  On Hyper-V an overlay never lets a VTL write what
 * it cannot write; hvsim refuses the placement instead of shadowing the page.
 */
#include <string.h>

#include "core/errno.h"
#include "tools/hvsim/guestmem.h"
#include "tools/hvsim/hvif.h"
#include "tools/hvsim/log.h"


static void write_hypercall_page(uint8_t *page)
{
	static const uint8_t hc[] = { 0x0F, 0x01, 0xD9, 0xC3 }; /* vmmcall; ret */
	/* mov %rcx,%rax; mov $code,%ecx; vmmcall; ret  (RAX keeps the caller's
	 * RCX, i.e. the fast-return flag for VtlReturn) */
	static const uint8_t call[] = { 0x48, 0x89, 0xC8, 0xB9, HVCALL_VTL_CALL, 0, 0, 0,
					0x0F, 0x01, 0xD9, 0xC3 };
	static const uint8_t ret[] = { 0x48, 0x89, 0xC8, 0xB9, HVCALL_VTL_RETURN, 0, 0, 0,
				       0x0F, 0x01, 0xD9, 0xC3 };
	memset(page, 0xCC, 4096); /* int3 everywhere else */
	memcpy(page, hc, sizeof(hc));
	memcpy(page + HVSIM_HCPAGE_VTL_CALL_OFF, call, sizeof(call));
	memcpy(page + HVSIM_HCPAGE_VTL_RETURN_OFF, ret, sizeof(ret));
}

/* The page-address fields of the overlay MSRs all sit in bits 63:12. */
#define OVERLAY_GPFN_MASK HV_X64_MSR_HYPERCALL_GPFN_MASK

static bool gfn_ok(struct hv_partition *p, uint64_t v)
{
	return (v & OVERLAY_GPFN_MASK) < p->ram_size;
}

/* The overlay page an enable asks for, when the owning VTL may write it. */
static uint8_t *overlay_page(struct hv_partition *p, int vtl, uint64_t v, const char *what)
{
	return gpa_access(p, vtl, v & OVERLAY_GPFN_MASK, 4096, true, what);
}

/* GUEST_OS_ID and HYPERCALL are partition-wide (per VTL): kept in VP0's
 * context; the assist page and the SynIC are per VP. */
static struct vtl_ctx *partition_ctx(struct hv_partition *p, struct hv_vp *vp)
{
	return &p->vps[0].vtl[vp->active_vtl];
}

int hv_msr_read(struct hv_partition *p, struct hv_vp *vp, uint32_t msr, uint64_t *val)
{
	struct vtl_ctx *c = &vp->vtl[vp->active_vtl];

	switch (msr) {
	case HV_X64_MSR_GUEST_OS_ID: *val = partition_ctx(p, vp)->guest_os_id; return 0;
	case HV_X64_MSR_HYPERCALL: *val = partition_ctx(p, vp)->hypercall_msr; return 0;
	case HV_X64_MSR_VP_INDEX: *val = vp->index; return 0;
	case HV_X64_MSR_VP_ASSIST_PAGE: *val = c->vp_assist_msr; return 0;
	case HV_X64_MSR_SCONTROL: *val = c->synic.scontrol; return 0;
	case HV_X64_MSR_SVERSION: *val = 1; return 0;
	case HV_X64_MSR_SIEFP: *val = c->synic.siefp; return 0;
	case HV_X64_MSR_SIMP: *val = c->synic.simp; return 0;
	case HV_X64_MSR_EOM: *val = 0; return 0;
	case HV_X64_MSR_VP_RUNTIME: *val = vp->nr_exits; return 0;
	case HVSIM_MSR_TSC_INVARIANT_CONTROL: *val = p->tsc_invariant_control; return 0;
	case HVSIM_MSR_TSC_FREQUENCY:
		*val = p->tsc_hz;
		return p->tsc_hz ? 0 : -EINVAL;
	case HVSIM_MSR_APIC_FREQUENCY:
		*val = HVSIM_APIC_HZ;
		return p->tsc_hz ? 0 : -EINVAL;
	}
	if (msr >= HV_X64_MSR_SINT0 && msr <= HV_X64_MSR_SINT15) {
		*val = c->synic.sint[msr - HV_X64_MSR_SINT0];
		return 0;
	}
	if (msr >= HV_X64_MSR_CRASH_P0 && msr <= HV_X64_MSR_CRASH_P4) {
		*val = c->msr_crash[msr - HV_X64_MSR_CRASH_P0];
		return 0;
	}
	if (msr == HV_X64_MSR_CRASH_CTL) {
		*val = HV_CRASH_CTL_CRASH_NOTIFY_MASK;
		return 0;
	}
	return -EINVAL;
}

/* Returns 0, or -EINVAL (bad value) / -EACCES (an overlay on a page the VTL
 * may not write) when the guest must get #GP. */
int hv_msr_write(struct hv_partition *p, struct hv_vp *vp, uint32_t msr, uint64_t val)
{
	struct vtl_ctx *c = &vp->vtl[vp->active_vtl], *pc = partition_ctx(p, vp);
	int vtl = vp->active_vtl;
	uint8_t *pg = NULL;

	switch (msr) {
	case HV_X64_MSR_GUEST_OS_ID:
		pc->guest_os_id = val;
		if (!val)
			pc->hypercall_msr &= ~HV_X64_MSR_HYPERCALL_ENABLE_MASK; /* TLFS: clearing the id disables the page */
		return 0;
	case HV_X64_MSR_HYPERCALL:
		if (!gfn_ok(p, val))
			return -EINVAL;
		/* TLFS: the page cannot be enabled before a guest OS id is set. */
		if ((val & HV_X64_MSR_HYPERCALL_ENABLE_MASK) && !pc->guest_os_id)
			val &= ~HV_X64_MSR_HYPERCALL_ENABLE_MASK;
		if ((val & HV_X64_MSR_HYPERCALL_ENABLE_MASK) &&
		    !(pg = overlay_page(p, vtl, val, "hypercall page overlay")))
			return -EACCES;
		pc->hypercall_msr = val & ~HV_X64_MSR_HYPERCALL_RESERVED_MASK;
		if (pg)
			write_hypercall_page(pg);
		return 0;
	case HV_X64_MSR_VP_ASSIST_PAGE:
		if (!gfn_ok(p, val))
			return -EINVAL;
		if ((val & HV_X64_MSR_VP_ASSIST_PAGE_ENABLE_MASK) &&
		    !(pg = overlay_page(p, vtl, val, "VP assist page overlay")))
			return -EACCES;
		c->vp_assist_msr = val & ~HV_X64_MSR_VP_ASSIST_PAGE_RESERVED_MASK;
		if (pg)
			memset(pg, 0, 4096);
		return 0;
	case HV_X64_MSR_SCONTROL: c->synic.scontrol = val & HV_SYNIC_SCONTROL_ENABLE_MASK; return 0;
	case HV_X64_MSR_SIEFP:
	case HV_X64_MSR_SIMP:
		if (!gfn_ok(p, val))
			return -EINVAL;
		/* hvsim writes the SIMP (messages) and would write the SIEFP:
		 * the same placement rule as the other overlays */
		if ((val & HV_SYNIC_SIMP_ENABLE_MASK) &&
		    !overlay_page(p, vtl, val, msr == HV_X64_MSR_SIMP ? "SIMP overlay" : "SIEFP overlay"))
			return -EACCES;
		if (msr == HV_X64_MSR_SIMP)
			c->synic.simp = val & (OVERLAY_GPFN_MASK | HV_SYNIC_SIMP_ENABLE_MASK);
		else
			c->synic.siefp = val & (OVERLAY_GPFN_MASK | HV_SYNIC_SIMP_ENABLE_MASK);
		return 0;
	case HV_X64_MSR_EOM: synic_eom(p, vp); return 0;
	case HVSIM_MSR_TSC_INVARIANT_CONTROL:
		if (val & ~1ull)
			return -EINVAL;
		p->tsc_invariant_control = val; /* partition-wide, as on Hyper-V */
		return 0;
	case HV_X64_MSR_VP_INDEX:
	case HVSIM_MSR_TSC_FREQUENCY:
	case HVSIM_MSR_APIC_FREQUENCY:
	case HV_X64_MSR_SVERSION:
	case HV_X64_MSR_VP_RUNTIME:
		return -EINVAL; /* read-only */
	}
	if (msr >= HV_X64_MSR_SINT0 && msr <= HV_X64_MSR_SINT15) {
		if (val & HV_SYNIC_SINT_RESERVED_MASK)
			return -EINVAL;
		c->synic.sint[msr - HV_X64_MSR_SINT0] = val;
		return 0;
	}
	if (msr >= HV_X64_MSR_CRASH_P0 && msr <= HV_X64_MSR_CRASH_P4) {
		c->msr_crash[msr - HV_X64_MSR_CRASH_P0] = val;
		return 0;
	}
	if (msr == HV_X64_MSR_CRASH_CTL) {
		if (val & HV_CRASH_CTL_CRASH_NOTIFY_MASK) {
			hv_log("vp%u VTL%d reported a crash: P0..P4 %#llx %#llx %#llx %#llx %#llx",
			       vp->index, vp->active_vtl, (unsigned long long)c->msr_crash[0],
			       (unsigned long long)c->msr_crash[1], (unsigned long long)c->msr_crash[2],
			       (unsigned long long)c->msr_crash[3], (unsigned long long)c->msr_crash[4]);
			p->exit_code = 122;
			p->stop = true;
		}
		return 0;
	}
	return -EINVAL;
}

/* r[] holds the host's answer on entry; Hyper-V leaves are replaced. */
void hv_cpuid_partition(const struct hv_partition *p, uint32_t leaf, uint32_t r[4])
{
	if (leaf == 0x80000007 && (p->tsc_invariant_control & 1))
		r[3] |= 1u << 8; /* invariant TSC, as the partition asked */
	if (leaf == HYPERV_CPUID_FEATURES && p->tsc_hz) {
		r[0] |= HV_CPUID_FEATURES_EAX_ACCESS_FREQUENCY_REGS_MASK;
		r[3] |= HV_CPUID_FEATURES_EDX_FREQUENCY_REGS_AVAILABLE_MASK;
	}
}

bool hv_cpuid(struct hv_vp *vp, uint32_t leaf, uint32_t sub, uint32_t r[4])
{
	(void)vp;
	(void)sub;
	if (leaf == 1) {
		r[2] |= HYPERV_CPUID_LEAF1_ECX_HYPERVISOR_PRESENT;
		/* no x2APIC: the xAPIC page is the only APIC interface, so the
		 * kernel never reaches the LAPIC through (unmodelled) MSRs */
		r[2] &= ~(1u << 21);
		return true;
	}
	if (leaf == 0x80000001) {
		r[2] &= ~(1u << 2);    /* no nested SVM for guests */
		return true;
	}
	if (leaf < 0x40000000 || leaf > 0x4FFFFFFF)
		return false;
	r[0] = r[1] = r[2] = r[3] = 0;
	switch (leaf) {
	case HYPERV_CPUID_VENDOR_AND_MAX_FUNCTIONS:
		r[0] = HYPERV_CPUID_HW_FEATURES;
		r[1] = HYPERV_CPUID_SIGNATURE_EBX;
		r[2] = HYPERV_CPUID_SIGNATURE_ECX;
		r[3] = HYPERV_CPUID_SIGNATURE_EDX;
		break;
	case HYPERV_CPUID_INTERFACE:
		r[0] = HYPERV_CPUID_INTERFACE_SIGNATURE;
		break;
	case HYPERV_CPUID_VERSION:
		r[0] = 1;              /* build */
		r[1] = 0x000A0000;     /* 10.0 */
		break;
	case HYPERV_CPUID_FEATURES:
		r[0] = HV_MSR_SYNIC_AVAILABLE | HV_MSR_HYPERCALL_AVAILABLE |
		       HV_MSR_VP_INDEX_AVAILABLE | HVSIM_CPUID_ACCESS_TSC_INVARIANT;
		r[1] = HV_ACCESS_VSM | HV_ACCESS_VP_REGISTERS | HV_START_VIRTUAL_PROCESSOR;
		r[3] = HV_FEATURE_GUEST_CRASH_MSR_AVAILABLE;
		break;
	case HYPERV_CPUID_ENLIGHTMENT_INFO:
		r[1] = 0xFFFFFFFF;     /* never notify long spin waits */
		break;
	case HYPERV_CPUID_IMPLEMENT_LIMITS:
		r[0] = HVSIM_MAX_VPS;
		r[1] = HVSIM_MAX_VPS;
		break;
	default:
		break;
	}
	return true;
}
