// SPDX-License-Identifier: MIT
/*
 * ENABLE_APS_VTL and BOOT_APS (the LVBS contract): VTL1 enables itself on
 * every other present VP with EnableVpVtl and an initial context that enters
 * the image at ap_start64; then, one AP at a time, it writes the boot signal
 * 0xDC into VTL0's boot-signal page, which lets that AP's VTL0 thread make
 * its first VTL call, and waits until the AP reports ready in VTL1.
 */
#include <string.h>
#include "arch/x86_64/cpu.h"
#include "arch/x86_64/percpu.h"
#include "arch/x86_64/smp.h"
#include "core/compiler.h"
#include "core/errno.h"
#include "core/log.h"
#include "hv/hv.h"
#include "north/south.h"
#include "south_lvbs/lvbs.h"

#define BOOT_SIGNAL 0xDC
#define AP_WAIT_SECONDS 60

static bool ap_enabled[MAX_CPUS];

static void seg(struct hv_x64_segment_register *s, uint16_t sel, uint16_t attr, uint64_t base,
		uint32_t limit)
{
	s->selector = sel;
	s->attributes = attr;
	s->base = base;
	s->limit = limit;
}

static int read_mask(uint64_t pfn, uint64_t *mask)
{
	/* Linux cpumask: bit n = CPU n; vtlguard supports 64 CPUs, one word. */
	if (pfn > (~0ULL >> PAGE_SHIFT))
		return -EINVAL;
	return south_vtl0_read(pfn << PAGE_SHIFT, mask, sizeof(*mask));
}

int south_enable_aps_vtl(uint64_t present_pfn, uint64_t arg1, uint64_t arg2)
{
	uint64_t mask;
	unsigned int self = this_cpu_id();
	int r;

	(void)arg1;
	(void)arg2;
	r = read_mask(present_pfn, &mask);
	if (r)
		return r;
	for (unsigned int cpu = 0; cpu < lvbs_boot.possible_cpus; cpu++) {
		struct arch_ap_context a;
		struct hv_initial_vp_context ctx;

		if (cpu == self || !(mask >> cpu & 1) || ap_enabled[cpu])
			continue;
		r = arch_prepare_ap(cpu, &a);
		if (r)
			return r;
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
		if (r) {
			log_error("ENABLE_APS_VTL: EnableVpVtl(VP %u) failed: %d", cpu, r);
			return r;
		}
		ap_enabled[cpu] = true;
		log_info("VTL1 enabled on VP %u", cpu);
	}
	return 0;
}

int south_boot_aps(uint64_t online_pfn, uint64_t signal_pfn, uint64_t arg2)
{
	uint64_t mask;
	unsigned int self = this_cpu_id();
	int r;

	(void)arg2;
	r = read_mask(online_pfn, &mask);
	if (r)
		return r;
	if (signal_pfn > (~0ULL >> PAGE_SHIFT))
		return -EINVAL;
	for (unsigned int cpu = 0; cpu < lvbs_boot.possible_cpus; cpu++) {
		const uint8_t sig = BOOT_SIGNAL;
		uint64_t deadline;

		if (cpu == self || !(mask >> cpu & 1))
			continue;
		if (!ap_enabled[cpu]) {
			log_error("BOOT_APS: VP %u is online but ENABLE_APS_VTL did not enable it", cpu);
			return -EINVAL;
		}
		if (__atomic_load_n(&lvbs_cpus[cpu].online, __ATOMIC_ACQUIRE))
			continue;
		r = south_vtl0_write((signal_pfn << PAGE_SHIFT) + cpu, &sig, 1);
		if (r)
			return r;
		deadline = south_now() + AP_WAIT_SECONDS * south_ticks_per_sec();
		while (!__atomic_load_n(&lvbs_cpus[cpu].online, __ATOMIC_ACQUIRE)) {
			if (south_now() > deadline) {
				log_error("BOOT_APS: VP %u did not enter VTL1 within %d s", cpu,
					  AP_WAIT_SECONDS);
				return -ETIMEDOUT;
			}
			cpu_relax();
		}
	}
	return 0;
}
