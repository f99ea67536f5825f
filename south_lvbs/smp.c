// SPDX-License-Identifier: MIT
/*
 * AP bring-up, per VTL0 generation (docs/boot-protocol.md, "APs"):
 *
 *   V1b/V2  ENABLE_APS_VTL(present-mask PFN): VTL1 enables itself on every
 *           present VP; then BOOT_APS(online-mask PFN, signal PFN) as V3.
 *   V3      BOOT_APS(online-mask PFN, signal PFN) only: VTL1 enables each
 *           online AP itself (EnableVpVtl with its own initial context that
 *           enters the image at ap_start64), then, one AP at a time, writes
 *           the boot signal 0xDC into that AP's byte of VTL0's signal page,
 *           which lets the AP's VTL0 thread make its zero-argument VTL call,
 *           and waits (bounded) until the AP reports ready in VTL1.
 *   V4      BOOT_APS(online-mask PFN): VTL1 enables each online AP and
 *           returns at once; each AP then makes one zero-argument call.
 *
 * Each of the two calls runs at most once once its arguments passed the
 * checks (a second one gets -EBUSY; a refused one does not count), and
 * the policy engine closes both at end of boot (-EPERM, vtl_protect).  Every
 * access at a VTL0-chosen address (masks, signal bytes) goes through
 * lvbs_vtl0_access(): VTL1 memory is refused, and writes also need the
 * policy's consent (never protected memory, never the log ring).
 */
#include <string.h>
#include "arch/x86_64/cpu.h"
#include "arch/x86_64/percpu.h"
#include "arch/x86_64/smp.h"
#include "core/compiler.h"
#include "core/errno.h"
#include "core/log.h"
#include "core/spinlock.h"
#include "hv/hv.h"
#include "north/south.h"
#include "south_lvbs/lvbs.h"

#define BOOT_SIGNAL 0xDC
#define AP_WAIT_SECONDS 60
#define MASK_WORDS ((MAX_CPUS + 63) / 64)

_Static_assert(BOOT_MAX_CPUS <= MAX_CPUS, "per-CPU tables must accept every VP VTL0 can name");
_Static_assert(BOOT_MAX_CPUS <= PAGE_SIZE, "one signal byte per VP in one page");

static struct spinlock ap_lock = SPINLOCK_INIT; /* lvbs_cpu.enabled, arch_prepare_ap */
static bool enable_aps_ran, boot_aps_ran;

static void seg(struct hv_x64_segment_register *s, uint16_t sel, uint16_t attr, uint64_t base,
		uint32_t limit)
{
	s->selector = sel;
	s->attributes = attr;
	s->base = base;
	s->limit = limit;
}

/* A Linux cpumask (bit n = CPU n, u64 words) from VTL0 page `pfn`. */
static int read_mask(uint64_t pfn, uint64_t mask[MASK_WORDS])
{
	size_t words = (lvbs_boot.possible_cpus + 63) / 64;

	memset(mask, 0, MASK_WORDS * sizeof(uint64_t));
	if (pfn > (~0ULL >> PAGE_SHIFT))
		return -EINVAL;
	return lvbs_vtl0_access(pfn << PAGE_SHIFT, mask, words * sizeof(uint64_t), false);
}

static bool mask_has(const uint64_t mask[MASK_WORDS], unsigned int cpu)
{
	return mask[cpu / 64] >> (cpu % 64) & 1;
}

/* EnableVpVtl(cpu, VTL1) with VTL1's own initial context; once per VP. */
static int enable_ap(unsigned int cpu, const char *call)
{
	struct arch_ap_context a;
	struct hv_initial_vp_context ctx;
	struct lvbs_cpu *c = lvbs_cpu_of(cpu);
	int r;

	if (!c) { /* callers stop at possible_cpus, which sized the table */
		log_error("%s: VP %u has no per-CPU state", call, cpu);
		return -EINVAL;
	}
	spin_lock(&ap_lock);
	if (c->enabled) {
		spin_unlock(&ap_lock);
		return 0;
	}
	r = arch_prepare_ap(cpu, &a);
	if (r) {
		spin_unlock(&ap_lock);
		log_error("%s: cannot prepare VP %u (stack, GDT/TSS): %d", call, cpu, r);
		return r;
	}
	memset(&ctx, 0, sizeof(ctx));
	ctx.rip = a.rip;
	ctx.rsp = a.rsp;
	ctx.rflags = a.rflags;
	seg(&ctx.cs, a.cs, 0xA09B, 0, 0xffffffff);
	seg(&ctx.ds, a.ds, 0xC093, 0, 0xffffffff);
	ctx.es = ctx.ds;
	ctx.ss = ctx.ds;
	/* FS and GS bases point at the per-CPU block before any C runs:
	 * the stack protector reads its canary at %fs:0x28. */
	seg(&ctx.fs, a.ds, 0xC093, a.percpu_base, 0xffffffff);
	ctx.gs = ctx.fs;
	seg(&ctx.tr, a.tr, 0x8B, a.tss_base, a.tss_limit);
	ctx.gdtr.base = a.gdt_base;
	ctx.gdtr.limit = a.gdt_limit;
	ctx.idtr.base = a.idt_base;
	ctx.idtr.limit = a.idt_limit;
	ctx.efer = a.efer;
	ctx.cr0 = a.cr0;
	ctx.cr3 = a.cr3;
	ctx.cr4 = a.cr4;
	ctx.msr_cr_pat = a.pat;
	r = hv_enable_vp_vtl(cpu, HV_VTL1, &ctx);
	if (r == 0)
		c->enabled = true;
	spin_unlock(&ap_lock);
	if (r) {
		log_error("%s: EnableVpVtl(VP %u) failed: %d", call, cpu, r);
		return r;
	}
	log_info("VTL1 enabled on VP %u", cpu);
	return 0;
}

/* Enable every AP in the mask (not the caller). */
static int enable_mask(const uint64_t mask[MASK_WORDS], const char *call)
{
	unsigned int self = this_cpu_id();

	for (unsigned int cpu = 0; cpu < lvbs_boot.possible_cpus; cpu++) {
		int r;

		if (cpu == self || !mask_has(mask, cpu))
			continue;
		r = enable_ap(cpu, call);
		if (r)
			return r;
	}
	return 0;
}

int south_enable_aps_vtl(uint64_t present_pfn, uint64_t arg1, uint64_t arg2)
{
	uint64_t mask[MASK_WORDS];
	int r;

	(void)arg1;
	(void)arg2;
	r = read_mask(present_pfn, mask);
	if (r)
		return r;
	if (__atomic_exchange_n(&enable_aps_ran, true, __ATOMIC_ACQ_REL)) {
		log_warn("ENABLE_APS_VTL: already ran once; refused");
		return -EBUSY;
	}
	return enable_mask(mask, "ENABLE_APS_VTL");
}

/* V1-V3: write 0xDC for each online AP in turn and wait until it is up. */
static int signal_aps(const uint64_t mask[MASK_WORDS], uint64_t signal_pfn)
{
	unsigned int self = this_cpu_id();
	uint64_t signal_pa;

	signal_pa = signal_pfn << PAGE_SHIFT; /* south_boot_aps checked it */
	for (unsigned int cpu = 0; cpu < lvbs_boot.possible_cpus; cpu++) {
		const struct lvbs_cpu *c = lvbs_cpu_of(cpu); /* sized for possible_cpus */
		const uint8_t sig = BOOT_SIGNAL;
		uint64_t deadline;
		int r;

		if (!c)
			return -EINVAL;
		if (cpu == self || !mask_has(mask, cpu) ||
		    __atomic_load_n(&c->online, __ATOMIC_ACQUIRE))
			continue;
		r = lvbs_vtl0_access(signal_pa + cpu, (void *)(uintptr_t)&sig, 1, true);
		if (r) {
			log_warn("BOOT_APS: boot signal for VP %u at GPA %#lx refused: %d", cpu,
				  signal_pa + cpu, r);
			return r;
		}
		deadline = south_now() + AP_WAIT_SECONDS * south_ticks_per_sec();
		while (!__atomic_load_n(&c->online, __ATOMIC_ACQUIRE)) {
			if (south_now() > deadline) {
				log_error("BOOT_APS: VP %u did not make its VTL call within %d s of "
					  "its boot signal; giving up (check VTL0's AP threads)",
					  cpu, AP_WAIT_SECONDS);
				return -ETIMEDOUT;
			}
			cpu_relax();
		}
	}
	return 0;
}

int south_boot_aps(uint64_t online_pfn, uint64_t signal_pfn, uint64_t arg2)
{
	uint64_t mask[MASK_WORDS];
	int r;

	(void)arg2;
	if (__atomic_load_n(&boot_aps_ran, __ATOMIC_ACQUIRE)) {
		log_warn("BOOT_APS: already ran once; refused");
		return -EBUSY;
	}
	r = read_mask(online_pfn, mask);
	if (r)
		return r;
	if (lvbs_boot.gen != BOOT_GEN_V4) {
		/* Check the whole signal area before enabling anything. */
		if (signal_pfn == 0 || signal_pfn > (~0ULL >> PAGE_SHIFT)) {
			log_warn("BOOT_APS: V2/V3 needs a boot-signal page; PFN %#lx refused",
				  signal_pfn);
			return -EINVAL;
		}
		r = lvbs_vtl0_check_write(signal_pfn << PAGE_SHIFT, lvbs_boot.possible_cpus);
		if (r) {
			log_warn("BOOT_APS: boot-signal page PFN %#lx refused: %d", signal_pfn, r);
			return r;
		}
	}
	/* Arguments checked: this is the one run (a refused call was not). */
	if (__atomic_exchange_n(&boot_aps_ran, true, __ATOMIC_ACQ_REL)) {
		log_warn("BOOT_APS: already ran once; refused");
		return -EBUSY;
	}
	r = enable_mask(mask, "BOOT_APS");
	if (r || lvbs_boot.gen == BOOT_GEN_V4)
		return r; /* V4: each AP now makes its own zero-argument call */
	return signal_aps(mask, signal_pfn);
}
