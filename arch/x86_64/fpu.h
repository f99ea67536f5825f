/* SPDX-License-Identifier: MIT */
/*
 * The lower VTL's extended state.  x87/SSE/AVX registers and XCR0 are shared
 * between VTLs, and the Debian libraries linked into VTL1 (libfdt, BearSSL)
 * may use vector registers.  So on every entry VTL1 saves VTL0's extended
 * state (and XCR0) before running any of its own code, and restores it right
 * before returning: VTL0 gets back exactly what it had, and no VTL1 value
 * (hash state, key material) is ever left in a register VTL0 can read.
 */
#ifndef ARCH_X86_64_FPU_H
#define ARCH_X86_64_FPU_H

/* Allocate this CPU's save area (once). 0 or -ENOMEM. */
int fpu_init_cpu(void);
/* Save the lower VTL's state; make XCR0 cover what VTL1 needs. */
void fpu_save_guest(void);
/* Restore the lower VTL's XCR0 and state saved by fpu_save_guest(). */
void fpu_restore_guest(void);
/*
 * While the lower VTL's state is saved: make `xcr0` the value
 * fpu_restore_guest() gives it back (VTL1 carried out its XSETBV).  Only
 * values XSETBV itself accepts on this CPU (x87 set, a subset of CPUID.0xD,
 * AVX needs SSE, AVX-512 all or nothing and needs AVX, AMX both or none);
 * -EINVAL otherwise (nothing changed), -EOPNOTSUPP without XSAVE.
 */
int fpu_set_guest_xcr0(uint64_t xcr0);

#endif
