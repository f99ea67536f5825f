/* SPDX-License-Identifier: MIT */
/*
 * AMD SVM for tools/hvsim: the VMRUN/VMLOAD/VMSAVE world switch (svm.S) and
 * the extended-state save/restore hvsim does when it swaps VPs.  Everything
 * else (MSRs, CPUID, port I/O, control registers) is arch/x86_64/cpu.h.
 */
#ifndef ARCH_X86_64_SVM_H
#define ARCH_X86_64_SVM_H

#include <stdint.h>

#include "arch/x86_64/cpu.h"

#define MSR_VM_CR         0xC0010114u
#define MSR_VM_HSAVE_PA   0xC0010117u

/* Guest general-purpose registers that VMRUN does not keep in the VMCB
 * (RAX and RSP live in the VMCB save area).  Layout is fixed: svm.S uses it. */
struct svm_gprs {
	uint64_t rcx, rdx, rbx, rbp, rsi, rdi;           /* 0x00 .. 0x28 */
	uint64_t r8, r9, r10, r11, r12, r13, r14, r15;   /* 0x30 .. 0x68 */
};

/*
 * Runs the guest described by the VMCB at vmcb_pa with the registers in *g
 * until the next #VMEXIT, then stores the guest registers back into *g.
 * host_vmsave_pa is a 4 KiB area where the host's VMSAVE state (FS/GS/TR/
 * LDTR/syscall MSRs) is parked across the run.  Call with interrupts off.
 */
void svm_vmrun(struct svm_gprs *g, uint64_t vmcb_pa, uint64_t host_vmsave_pa);

/* Extended-state save/restore of every component XCR0 enables (area 64-byte
 * aligned, standard format) and the FXSAVE fallback (16-byte aligned). */
static inline void svm_xsave(void *area)
{
	__asm__ volatile("xsave64 (%0)" ::"r"(area), "a"(~0u), "d"(~0u) : "memory");
}

static inline void svm_xrstor(const void *area)
{
	__asm__ volatile("xrstor64 (%0)" ::"r"(area), "a"(~0u), "d"(~0u) : "memory");
}

static inline void svm_fxsave(void *area)
{
	__asm__ volatile("fxsave64 (%0)" ::"r"(area) : "memory");
}

static inline void svm_fxrstor(const void *area)
{
	__asm__ volatile("fxrstor64 (%0)" ::"r"(area) : "memory");
}

#endif
