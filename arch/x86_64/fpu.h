/* SPDX-License-Identifier: MIT */
/*
 * The lower VTL's extended state.  x87/SSE/AVX registers and XCR0 are shared
 * between VTLs, and the Debian libraries linked into VTL1 (libfdt, BearSSL)
 * may use vector registers.  So VTL1 saves VTL0's extended state (and XCR0)
 * before running any vector instruction, and restores it right before
 * returning: VTL0 gets back exactly what it had, and no VTL1 value (hash
 * state, key material) is ever left in a register VTL0 can read.
 *
 * The save is lazy (fpu.c): between fpu_restore_guest() and the next save
 * VTL1 runs with its own CR0.TS set, so its first x87/SSE/AVX instruction
 * raises #NM and fpu_nm() saves then.  An entry that runs no vector code
 * (every intercept, most calls) saves and restores nothing.
 */
struct trap_frame;
#ifndef ARCH_X86_64_FPU_H
#define ARCH_X86_64_FPU_H

/* Allocate this CPU's save area (once). 0 or -ENOMEM. */
int fpu_init_cpu(void);
/* Save the lower VTL's state now; make XCR0 cover what VTL1 needs. */
void fpu_save_guest(void);
/*
 * Before returning to the lower VTL: restore its XCR0 and state if they
 * were saved, and set CR0.TS so the next entry saves only on first use.
 */
void fpu_restore_guest(void);
/* The #NM handler (installed by fpu_init_cpu): the lazy save. */
void fpu_nm(struct trap_frame *tf);
/* How many entries on this CPU needed the lazy save (tests, logs). */
unsigned long fpu_lazy_saves(void);
/*
 * While VTL1 serves an entry: make `xcr0` the value
 * fpu_restore_guest() gives it back (VTL1 carried out its XSETBV).  Only
 * values XSETBV itself accepts on this CPU (x87 set, a subset of CPUID.0xD,
 * AVX needs SSE, AVX-512 all or nothing and needs AVX, AMX both or none);
 * -EINVAL otherwise (nothing changed), -EOPNOTSUPP without XSAVE.
 */
int fpu_set_guest_xcr0(uint64_t xcr0);

#endif
