/* SPDX-License-Identifier: MIT */
/*
 * Interrupt and exception stubs for all 256 vectors.  Each stub makes the
 * frame uniform (pushes a zero error code where the CPU does not), pushes
 * the vector and joins trap_common, which saves every general register and
 * calls trap_dispatch(struct trap_frame *).
 */
	.section .text, "ax"
	.code64

/* Vectors for which the CPU pushes an error code. */
#define HAS_ERR(v) ((v) == 8 || ((v) >= 10 && (v) <= 14) || (v) == 17 || (v) == 21 || (v) == 29 || (v) == 30)

	.altmacro
	.macro STUB v
	.balign 16
trap_stub_\v:
	.if HAS_ERR(\v)
	.else
	pushq $0
	.endif
	pushq $\v
	jmp trap_common
	.endm

	.balign 16
	.globl trap_stubs
trap_stubs:
	.set i, 0
	.rept 256
	STUB %i
	.set i, i + 1
	.endr

trap_common:
	cld
	pushq %rax
	pushq %rbx
	pushq %rcx
	pushq %rdx
	pushq %rsi
	pushq %rdi
	pushq %rbp
	pushq %r8
	pushq %r9
	pushq %r10
	pushq %r11
	pushq %r12
	pushq %r13
	pushq %r14
	pushq %r15
	movq %rsp, %rdi
	/* Frame pointer chain continues from the interrupted code. */
	movq 8*8(%rsp), %rbp
	call trap_dispatch
	popq %r15
	popq %r14
	popq %r13
	popq %r12
	popq %r11
	popq %r10
	popq %r9
	popq %r8
	popq %rbp
	popq %rdi
	popq %rsi
	popq %rdx
	popq %rcx
	popq %rbx
	popq %rax
	addq $16, %rsp		/* vector and error code */
	iretq

	.section .note.GNU-stack, "", @progbits
