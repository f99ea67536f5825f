// SPDX-License-Identifier: MIT
/*
 * The x2APIC a real kernel in VTL0 sees (Linux mode).  hvsim advertises
 * x2APIC (CPUID.1:ECX[21], IA32_APIC_BASE.EXTD already set) and maps no xAPIC
 * page, so every APIC access of VTL0 is an RDMSR/WRMSR of 0x800-0x8FF, which
 * always exits.  Each VP runs on its own physical CPU (APIC ID = VP index),
 * so the local registers are translated 1:1 to that CPU's xAPIC MMIO (MSR
 * 0x800 + n = MMIO offset n << 4).  The ICR is where a guest reaches other
 * CPUs, and there hvsim decides:
 *   fixed / lowest-priority  re-sent by hvsim as a fixed IPI to the target
 *                            VPs' CPUs (interrupts go to VTL0's IDT)
 *   NMI                      posted to the target VPs (vp_post_nmi): hvsim
 *                            injects it into VTL0, never a raw NMI
 *   INIT, SIPI               a VP start under hvsim's control: INIT parks
 *                            the target's VTL0, SIPI starts it in real mode
 *                            at the vector's page of guest RAM
 *   SMI, ExtINT, logical     refused with a log line: never sent
 * So no INIT, SIPI, SMI or NMI a guest asks for ever reaches a physical CPU,
 * and fixed IPIs reach only CPUs that run this partition's VPs.
 */
#include "core/compiler.h"
#include "core/errno.h"
#include "tools/hvsim/gpamap.h"
#include "tools/hvsim/apic.h"
#include "tools/hvsim/guestmem.h"
#include "tools/hvsim/log.h"
#include "tools/hvsim/vp.h"

#define X2APIC_ID      0x802u
#define X2APIC_VERSION 0x803u
#define X2APIC_TPR     0x808u
#define X2APIC_PPR     0x80Au
#define X2APIC_EOI     0x80Bu
#define X2APIC_LDR     0x80Du
#define X2APIC_SVR     0x80Fu
#define X2APIC_ISR0    0x810u
#define X2APIC_IRR7    0x827u
#define X2APIC_ESR     0x828u
#define X2APIC_CMCI    0x82Fu
#define X2APIC_ICR     0x830u
#define X2APIC_LVT0    0x832u   /* timer; ..0x837 thermal, perf, LINT0, LINT1, error */
#define X2APIC_LVT5    0x837u
#define X2APIC_TMICT   0x838u
#define X2APIC_TMCCT   0x839u
#define X2APIC_TDCR    0x83Eu
#define X2APIC_SELF    0x83Fu

#define ICR_MODE(lo)      (((lo) >> 8) & 7u)
#define ICR_LOGICAL       (1u << 11)
#define ICR_LEVEL_ASSERT  (1u << 14)
#define ICR_SHORTHAND(lo) (((lo) >> 18) & 3u)
/* the ICR bits a guest may set: vector, mode, dest mode, level, trigger,
 * shorthand (x2APIC: delivery status and the rest are reserved) */
#define ICR_WRITABLE      0x000CCFFFu

enum { MODE_FIXED, MODE_LOWEST, MODE_SMI, MODE_RSVD, MODE_NMI, MODE_INIT, MODE_SIPI, MODE_EXTINT };

static unsigned long refusals;

static void refuse(struct hv_vp *vp, const char *what, uint64_t val)
{
	if (hv_refusal_log_due(&refusals))
		hv_log("refused: vp%u VTL0 x2APIC %s (%#llx): never sent to a CPU (x2apic.c) [%lu]",
		       vp->index, what, (unsigned long long)val, refusals);
}

/* The xAPIC register behind a plain x2APIC register, or 0 for none. */
static unsigned int mmio_off(uint32_t msr)
{
	return (msr - HVSIM_X2APIC_FIRST) << 4;
}

static struct hv_vp *vp_by_apic_id(struct hv_partition *p, uint32_t id)
{
	return id < p->nr_vps ? &p->vps[id] : NULL;
}

/* INIT, SIPI, NMI or a fixed interrupt for one target VP. */
static void deliver(struct hv_partition *p, struct hv_vp *vp, struct hv_vp *t, uint32_t lo)
{
	uint8_t vector = (uint8_t)lo;

	switch (ICR_MODE(lo)) {
	case MODE_FIXED:
	case MODE_LOWEST:
		/* a processor waiting for SIPI takes no interrupt: nothing
		 * stale is pending when its kernel starts it */
		if (!__atomic_load_n(&t->started, __ATOMIC_ACQUIRE))
			break;
		if (p->send_ipi)
			p->send_ipi(t->index, vector); /* fixed, physical, no shorthand */
		break;
	case MODE_NMI:
		if (__atomic_load_n(&t->started, __ATOMIC_ACQUIRE))
			vp_post_nmi(p, t, vp);
		break;
	case MODE_INIT:
		if (!(lo & ICR_LEVEL_ASSERT) || t->wait_for_sipi)
			break; /* INIT de-assert, or already waiting (VTL1 may
				* have been enabled on it before its VTL0 ran) */
		if (t == vp || t->vtl[1].enabled) {
			/* the sender itself, or a VP whose VTL1 runs: a VTL0
			 * kernel does not get to reset VTL1's processor */
			refuse(vp, t == vp ? "INIT to itself" : "INIT to a VP with VTL1", lo);
			break;
		}
		if (p->quiesce)
			p->quiesce(p, t);
		__atomic_store_n(&t->started, false, __ATOMIC_RELEASE);
		t->wait_for_sipi = true;
		hv_trace("vp%u: INIT to vp%u: VTL0 waits for SIPI", vp->index, t->index);
		break;
	case MODE_SIPI:
		if (!t->wait_for_sipi)
			break; /* a processor not waiting for SIPI ignores it */
		if (gpamap_kind(p->ram_size, p->linux, (uint64_t)vector << 12, 4096) != GPA_RAM) {
			refuse(vp, "SIPI vector outside guest RAM", lo);
			break;
		}
		if (p->quiesce)
			p->quiesce(p, t);
		vp_start_real_mode(t, vector);
		t->wait_for_sipi = false;
		hv_log("vp%u: SIPI from vp%u: VTL0 starts in real mode at %#x", t->index, vp->index,
		       (unsigned)vector << 12);
		__atomic_store_n(&t->started, true, __ATOMIC_RELEASE);
		hv_vp_kick(t);
		break;
	default:
		break;
	}
}

static int icr_write(struct hv_partition *p, struct hv_vp *vp, uint64_t val)
{
	uint32_t lo = (uint32_t)val, dest = (uint32_t)(val >> 32);
	unsigned int mode = ICR_MODE(lo), sh = ICR_SHORTHAND(lo);

	if (lo & ~ICR_WRITABLE)
		return -EINVAL;
	vp->x2apic_icr = val;
	if (mode == MODE_SMI || mode == MODE_RSVD || mode == MODE_EXTINT) {
		refuse(vp, mode == MODE_SMI ? "SMI IPI" : mode == MODE_EXTINT ? "ExtINT IPI" :
			   "IPI with a reserved delivery mode", val);
		return 0;
	}
	if ((mode == MODE_FIXED || mode == MODE_LOWEST) && (uint8_t)lo < 16) {
		refuse(vp, "IPI with an illegal vector", val);
		return 0;
	}
	if (sh == 0 && (lo & ICR_LOGICAL)) {
		/* Linux uses physical mode without interrupt remapping */
		refuse(vp, "logical-destination IPI (not modelled)", val);
		return 0;
	}
	if (sh == 0 && dest != 0xFFFFFFFFu) {
		struct hv_vp *t = vp_by_apic_id(p, dest);
		if (!t) {
			refuse(vp, "IPI to an APIC ID with no VP", val);
			return 0;
		}
		deliver(p, vp, t, lo);
		return 0;
	}
	/* self, all including self (or broadcast), all excluding self */
	for (unsigned int i = 0; i < p->nr_vps; i++) {
		struct hv_vp *t = &p->vps[i];
		if ((sh == 1 && t != vp) || (sh == 3 && t == vp))
			continue;
		deliver(p, vp, t, lo);
	}
	return 0;
}

/* An LVT entry a guest programs for its own CPU: never SMI or INIT. */
static bool lvt_ok(uint32_t v)
{
	unsigned int mode = (v >> 8) & 7u;

	return mode != MODE_SMI && mode != MODE_INIT && mode != MODE_RSVD && mode != MODE_SIPI;
}

int x2apic_msr_read(struct hv_partition *p, struct hv_vp *vp, uint32_t msr, uint64_t *val)
{
	if (!p->lapic_read)
		return -EINVAL;
	switch (msr) {
	case X2APIC_ID:
		*val = vp->index;
		return 0;
	case X2APIC_LDR:
		/* cluster = ID[31:4], bit ID[3:0] in the low 16 bits (read-only) */
		*val = ((uint64_t)(vp->index >> 4) << 16) | (1u << (vp->index & 15));
		return 0;
	case X2APIC_ICR:
		*val = vp->x2apic_icr;
		return 0;
	case X2APIC_VERSION: case X2APIC_TPR: case X2APIC_PPR: case X2APIC_SVR:
	case X2APIC_ESR: case X2APIC_CMCI: case X2APIC_TMICT: case X2APIC_TMCCT:
	case X2APIC_TDCR:
		*val = p->lapic_read(mmio_off(msr));
		return 0;
	default:
		if ((msr >= X2APIC_ISR0 && msr <= X2APIC_IRR7) ||
		    (msr >= X2APIC_LVT0 && msr <= X2APIC_LVT5)) {
			*val = p->lapic_read(mmio_off(msr));
			return 0;
		}
		return -EINVAL; /* EOI, SELF_IPI are write-only; the rest reserved */
	}
}

int x2apic_msr_write(struct hv_partition *p, struct hv_vp *vp, uint32_t msr, uint64_t val)
{
	if (!p->lapic_write)
		return -EINVAL;
	switch (msr) {
	case X2APIC_ICR:
		return icr_write(p, vp, val);
	case X2APIC_SELF:
		if (val > 0xFF)
			return -EINVAL;
		if ((uint8_t)val >= 16 && p->send_ipi)
			p->send_ipi(vp->index, (uint32_t)val);
		return 0;
	case X2APIC_EOI:
	case X2APIC_ESR:
		if (val)
			return -EINVAL;
		p->lapic_write(mmio_off(msr), 0);
		return 0;
	case X2APIC_TPR: case X2APIC_SVR: case X2APIC_TMICT: case X2APIC_TDCR:
		if (val >> 32)
			return -EINVAL;
		p->lapic_write(mmio_off(msr), (uint32_t)val);
		return 0;
	default:
		if ((msr >= X2APIC_LVT0 && msr <= X2APIC_LVT5) || msr == X2APIC_CMCI) {
			if (val >> 32)
				return -EINVAL;
			if (!lvt_ok((uint32_t)val)) {
				refuse(vp, "LVT entry with SMI/INIT delivery", val);
				return 0;
			}
			p->lapic_write(mmio_off(msr), (uint32_t)val);
			return 0;
		}
		return -EINVAL; /* read-only (ID, LDR, ISR/TMR/IRR, PPR, CCR) or reserved */
	}
}
