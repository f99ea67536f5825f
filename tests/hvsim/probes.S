/* SPDX-License-Identifier: MIT */
/*
 * Probes for the CR0/descriptor-table/XCR0 routes the intercept tests need
 * and guestlib lacks, in guestlib's style: each returns 0 when its
 * instruction completed and 1 when it faulted (the fault handler resumes at
 * the local label 9, gl_catch_rip).  Linked into the hvsim conformance
 * guests and the VTL0 test kernel.
 */
#include "tests/guestlib/probe.h"

	.text
	PROBE hvp_clts			/* CLTS: CR0.TS = 0 */
	clts
	PROBE_END

	PROBE hvp_lmsw_ts		/* LMSW with the current MSW | TS */
	smsw %cx
	or $8, %cx
	lmsw %cx
	PROBE_END

	PROBE hvp_lldt0			/* LLDT with the null selector */
	xor %ecx, %ecx
	lldt %cx
	PROBE_END

	PROBE hvp_xsetbv		/* XSETBV(XCR0 = hvp_xcr0) */
	mov hvp_xcr0(%rip), %eax
	mov hvp_xcr0+4(%rip), %edx
	xor %ecx, %ecx
	xsetbv
	PROBE_END

	.bss
	.balign 8
	.globl hvp_xcr0
hvp_xcr0:
	.quad 0
	.section .note.GNU-stack, "", @progbits
