// SPDX-License-Identifier: MIT
#include <stdbool.h>
#include <stdint.h>
#include "arch/x86_64/cpu.h"
#include "arch/x86_64/features.h"
#include "arch/x86_64/fpu.h"
#include "arch/x86_64/percpu.h"
#include "arch/x86_64/traps.h"
#include "core/compiler.h"
#include "core/errno.h"
#include "core/page_alloc.h"
#include "core/panic.h"

#define VTL1_XCR0 (XCR0_X87 | XCR0_SSE)
#define VEC_NM    7 /* device not available: x87/SSE/AVX with CR0.TS set */

/*
 * Lazy saving.  Almost no VTL1 entry runs vector code (our own code is
 * built -mgeneral-regs-only; only the Debian libraries, BearSSL hashing and
 * libfdt, may use SSE), so VTL1 runs with its own CR0.TS set while the lower
 * VTL's state is still in the registers: the first x87/SSE/AVX instruction
 * VTL1 executes raises #NM, and only then is that state saved (fpu_nm()).
 * The hardware, not a list of call paths, decides when to save.  CR0 is
 * private to each VTL, so VTL0 never sees VTL1's TS.
 */
struct fpu_cpu {
	void *area;          /* 64-byte aligned (page aligned here) */
	uint64_t guest_xcr0; /* XCR0 as the lower VTL had it */
	bool saved;
	bool ts;             /* our CR0.TS is set: the lower VTL's state is live */
	unsigned long lazy_saves; /* entries that did need a save (#NM) */
};

__fastdata static struct fpu_cpu fpu_boot;
__fastdata static struct cpu_table fpu_table = CPU_TABLE_INIT("extended-state pointers", fpu_boot);

int fpu_cpus_alloc(unsigned int n);
int fpu_cpus_alloc(unsigned int n)
{
	return cpu_table_alloc(&fpu_table, n);
}

size_t fpu_cpus_heap_bytes(void);
size_t fpu_cpus_heap_bytes(void)
{
	return cpu_table_heap_bytes(&fpu_table);
}

/* This CPU's state: it runs, so arch_prepare_ap found its block, and the
 * same arch_cpus_alloc sized this table. */
static struct fpu_cpu *this_fpu(void)
{
	struct fpu_cpu *f = cpu_table_get(&fpu_table, this_cpu_id());

	BUG_ON(!f);
	return f;
}

int fpu_init_cpu(void)
{
	struct fpu_cpu *f = this_fpu();
	size_t size = 512;

	if (f->area)
		return 0;
	if (cpu_features.xsave)
		size = cpuid(0xD, 0).ecx; /* all features the CPU supports */
	f->area = page_alloc_contig(ALIGN_UP(size, PAGE_SIZE) / PAGE_SIZE);
	if (!f->area)
		return -ENOMEM;
	trap_set_handler(VEC_NM, fpu_nm);
	return 0;
}

void fpu_save_guest(void)
{
	struct fpu_cpu *f = this_fpu();

	BUG_ON(!f->area || f->saved);
	if (f->ts) {
		/* clts: XSAVE and our vector code must run without #NM */
		write_cr0(read_cr0() & ~X86_CR0_TS);
		f->ts = false;
	}
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
	struct fpu_cpu *f = this_fpu();
	struct cpuid_regs d;
	uint64_t supported;
	const uint64_t avx512 = 0xE0; /* opmask, ZMM_Hi256, Hi16_ZMM */
	const uint64_t amx = 3ull << 17;

	if (!cpu_features.xsave)
		return -EOPNOTSUPP;
	if (!f->saved && !f->ts)
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
	/* Still lazy: save now, so the exit path restores and sets XCR0. */
	if (!f->saved)
		fpu_save_guest();
	f->guest_xcr0 = xcr0;
	return 0;
}

__fastpath
void fpu_restore_guest(void)
{
	struct fpu_cpu *f = this_fpu();

	BUG_ON(!f->saved && !f->ts);
	if (f->saved) {
		if (cpu_features.xsave) {
			if (xgetbv(0) != f->guest_xcr0)
				xsetbv(0, f->guest_xcr0);
			__asm__ __volatile__("xrstor64 (%0)" ::"r"(f->area), "a"(~0u), "d"(~0u)
					     : "memory");
		} else {
			__asm__ __volatile__("fxrstor64 (%0)" ::"r"(f->area) : "memory");
		}
		f->saved = false;
	}
	if (!f->ts) {
		write_cr0(read_cr0() | X86_CR0_TS);
		f->ts = true;
	}
}

void fpu_nm(struct trap_frame *tf)
{
	struct fpu_cpu *f = this_fpu();

	/* #NM with TS clear, or before a save area exists, is a real fault */
	if (!f->ts || f->saved || !f->area) {
		trap_dump(tf);
		panic("CPU %u: #NM at RIP %#lx with no lazily kept state", this_cpu_id(), tf->rip);
	}
	fpu_save_guest();
	f->lazy_saves++;
}

unsigned long fpu_lazy_saves(void)
{
	return this_fpu()->lazy_saves;
}
