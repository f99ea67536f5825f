// SPDX-License-Identifier: MIT
#include <stdbool.h>
#include <stdint.h>
#include "arch/x86_64/cpu.h"
#include "arch/x86_64/features.h"
#include "arch/x86_64/fpu.h"
#include "arch/x86_64/percpu.h"
#include "core/compiler.h"
#include "core/errno.h"
#include "core/page_alloc.h"
#include "core/panic.h"

#define VTL1_XCR0 (XCR0_X87 | XCR0_SSE)

struct fpu_cpu {
	void *area;          /* 64-byte aligned (page aligned here) */
	uint64_t guest_xcr0; /* XCR0 as the lower VTL had it */
	bool saved;
};

static struct fpu_cpu fpu[MAX_CPUS];

int fpu_init_cpu(void)
{
	struct fpu_cpu *f = &fpu[this_cpu_id()];
	size_t size = 512;

	if (f->area)
		return 0;
	if (cpu_features.xsave)
		size = cpuid(0xD, 0).ecx; /* all features the CPU supports */
	f->area = page_alloc_contig(ALIGN_UP(size, PAGE_SIZE) / PAGE_SIZE);
	return f->area ? 0 : -ENOMEM;
}

void fpu_save_guest(void)
{
	struct fpu_cpu *f = &fpu[this_cpu_id()];

	BUG_ON(!f->area || f->saved);
	if (cpu_features.xsave) {
		f->guest_xcr0 = xgetbv(0);
		__asm__ __volatile__("xsave64 (%0)" ::"r"(f->area), "a"(~0u), "d"(~0u) : "memory");
		if ((f->guest_xcr0 & VTL1_XCR0) != VTL1_XCR0)
			xsetbv(0, f->guest_xcr0 | VTL1_XCR0);
	} else {
		__asm__ __volatile__("fxsave64 (%0)" ::"r"(f->area) : "memory");
	}
	f->saved = true;
}

int fpu_set_guest_xcr0(uint64_t xcr0)
{
	struct fpu_cpu *f = &fpu[this_cpu_id()];
	struct cpuid_regs d;
	uint64_t supported;
	const uint64_t avx512 = 0xE0; /* opmask, ZMM_Hi256, Hi16_ZMM */
	const uint64_t amx = 3ull << 17;

	if (!cpu_features.xsave)
		return -EOPNOTSUPP;
	if (!f->saved)
		return -EINVAL;
	d = cpuid(0xD, 0);
	supported = ((uint64_t)d.edx << 32) | d.eax;
	/* The SDM's XSETBV #GP conditions: a value VTL1 loads must never fault. */
	if ((xcr0 & ~supported) || !(xcr0 & XCR0_X87) ||
	    ((xcr0 & 0x4) && !(xcr0 & XCR0_SSE)) ||
	    ((xcr0 & avx512) && ((xcr0 & avx512) != avx512 || !(xcr0 & 0x4))) ||
	    ((xcr0 & 0x18) && (xcr0 & 0x18) != 0x18) || /* MPX BNDREGS/BNDCSR */
	    ((xcr0 & amx) && (xcr0 & amx) != amx))
		return -EINVAL;
	f->guest_xcr0 = xcr0;
	return 0;
}

void fpu_restore_guest(void)
{
	struct fpu_cpu *f = &fpu[this_cpu_id()];

	BUG_ON(!f->saved);
	if (cpu_features.xsave) {
		if (xgetbv(0) != f->guest_xcr0)
			xsetbv(0, f->guest_xcr0);
		__asm__ __volatile__("xrstor64 (%0)" ::"r"(f->area), "a"(~0u), "d"(~0u) : "memory");
	} else {
		__asm__ __volatile__("fxrstor64 (%0)" ::"r"(f->area) : "memory");
	}
	f->saved = false;
}
