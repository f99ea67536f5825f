/* SPDX-License-Identifier: MIT */
/*
 * AMD SVM helpers for tools/hvsim.  All inline assembly hvsim needs lives
 * here (and in svm.S): port I/O, MSRs, CPUID, control registers and the
 * VMRUN/VMLOAD/VMSAVE/CLGI/STGI world switch.  The helpers carry an svm_
 * prefix so they never collide with arch/x86_64/cpu.h in the same image.
 */
#ifndef ARCH_X86_64_SVM_H
#define ARCH_X86_64_SVM_H

#include <stdint.h>

#define MSR_EFER          0xC0000080u
#define MSR_VM_CR         0xC0010114u
#define MSR_VM_HSAVE_PA   0xC0010117u
#define EFER_SCE          (1ull << 0)
#define EFER_LME          (1ull << 8)
#define EFER_LMA          (1ull << 10)
#define EFER_NXE          (1ull << 11)
#define EFER_SVME         (1ull << 12)

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

static inline uint64_t svm_rdmsr(uint32_t msr)
{
	uint32_t lo, hi;
	__asm__ volatile("rdmsr" : "=a"(lo), "=d"(hi) : "c"(msr));
	return ((uint64_t)hi << 32) | lo;
}

static inline void svm_wrmsr(uint32_t msr, uint64_t v)
{
	__asm__ volatile("wrmsr" ::"c"(msr), "a"((uint32_t)v), "d"((uint32_t)(v >> 32)) : "memory");
}

/* NOLINTNEXTLINE(readability-non-const-parameter): the asm outputs write r[] */
static inline void svm_cpuid(uint32_t leaf, uint32_t sub, uint32_t r[4])
{
	__asm__ volatile("cpuid" : "=a"(r[0]), "=b"(r[1]), "=c"(r[2]), "=d"(r[3]) : "a"(leaf), "c"(sub));
}

static inline uint8_t svm_inb(uint16_t port)
{
	uint8_t v;
	__asm__ volatile("inb %1, %0" : "=a"(v) : "Nd"(port));
	return v;
}

static inline void svm_outb(uint16_t port, uint8_t v)
{
	__asm__ volatile("outb %0, %1" ::"a"(v), "Nd"(port));
}

static inline void svm_outw(uint16_t port, uint16_t v)
{
	__asm__ volatile("outw %0, %1" ::"a"(v), "Nd"(port));
}

static inline void svm_outl(uint16_t port, uint32_t v)
{
	__asm__ volatile("outl %0, %1" ::"a"(v), "Nd"(port));
}

static inline uint64_t svm_read_cr0(void)
{
	uint64_t v;
	__asm__ volatile("mov %%cr0, %0" : "=r"(v));
	return v;
}

static inline uint64_t svm_read_cr3(void)
{
	uint64_t v;
	__asm__ volatile("mov %%cr3, %0" : "=r"(v));
	return v;
}

static inline uint64_t svm_read_cr4(void)
{
	uint64_t v;
	__asm__ volatile("mov %%cr4, %0" : "=r"(v));
	return v;
}

static inline void svm_write_cr4(uint64_t v)
{
	__asm__ volatile("mov %0, %%cr4" ::"r"(v) : "memory");
}

static inline void svm_xsetbv(uint32_t idx, uint64_t v)
{
	__asm__ volatile("xsetbv" ::"c"(idx), "a"((uint32_t)v), "d"((uint32_t)(v >> 32)));
}

static inline uint64_t svm_xgetbv(uint32_t idx)
{
	uint32_t lo, hi;
	__asm__ volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(idx));
	return ((uint64_t)hi << 32) | lo;
}

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

static inline void svm_halt_forever(void)
{
	for (;;)
		__asm__ volatile("cli; hlt");
}

static inline void svm_pause(void)
{
	__asm__ volatile("pause");
}

static inline void svm_stgi(void)
{
	__asm__ volatile("stgi" ::: "memory");
}

static inline void svm_clgi(void)
{
	__asm__ volatile("clgi" ::: "memory");
}

#endif
