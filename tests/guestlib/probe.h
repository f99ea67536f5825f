/* SPDX-License-Identifier: MIT */
/*
 * The probe convention of every test guest, for assembly files: a probe arms
 * gl_catch_rip with its local label 9, runs one instruction and returns 0; a
 * fault makes the guest's exception handler resume at label 9, which
 * returns 1 (the handler clears gl_catch_rip when it fires).
 *
 *	PROBE name
 *	<the instruction>
 *	PROBE_END
 */
#ifndef TESTS_GUESTLIB_PROBE_H
#define TESTS_GUESTLIB_PROBE_H

.macro PROBE name
	.globl \name
	.type \name, @function
\name:
	lea 9f(%rip), %rax
	mov %rax, gl_catch_rip(%rip)
.endm
.macro PROBE_END
	movq $0, gl_catch_rip(%rip)
	xor %eax, %eax
	ret
9:	mov $1, %eax
	ret
.endm

#endif
