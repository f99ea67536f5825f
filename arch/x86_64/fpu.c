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
