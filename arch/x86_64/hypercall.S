/* SPDX-License-Identifier: MIT */
/*
 * Hyper-V hypercall page and the three ways into it (hv/hv.h):
 *   hv_hypercall_page_call  ordinary hypercall (RCX control, RDX in, R8 out)
 *   hv_vtl_return_asm       VTL1 -> VTL0 normal return; comes back on the
 *                           next VTL1 entry with VTL0's GPRs saved
 *   hv_vtl_call_asm         lower VTL -> VTL1 call (hvsim test guests)
 */
#include <hv/tlfs.h>
#include "hv/vtl_gprs.h"

/*
 * The page the hypervisor overlays with its hypercall code once we write its
 * GPA to HV_X64_MSR_HYPERCALL.  It must be executable, so it lives in .text;
 * until enabled it traps (int3) instead of running garbage.
 */
	.section .text.hvcall_page, "ax", @progbits
	.balign 4096
	.global hv_hypercall_page
	.type hv_hypercall_page, @object
hv_hypercall_page:
	.fill 4096, 1, 0xcc
	.size hv_hypercall_page, 4096

	/* the VTL entry/exit stubs: on every world-switch path (__fastpath) */
	.section .text.hot, "ax", @progbits

/* uint64_t hv_hypercall_page_call(control=rdi, input=rsi, output=rdx, page=rcx) */
	.global hv_hypercall_page_call
	.type hv_hypercall_page_call, @function
hv_hypercall_page_call:
	mov	%rcx, %rax
	mov	%rdi, %rcx
	mov	%rdx, %r8
	mov	%rsi, %rdx
	call	*%rax
	ret
	.size hv_hypercall_page_call, . - hv_hypercall_page_call

/*
 * void hv_vtl_return_asm(struct hv_vtl_gprs *gprs=rdi, const void *target=rsi)
 *
 * All GPRs except RSP are shared between VTLs, so we load VTL0's values from
 * *gprs before the return and save VTL0's values into *gprs when VTL1 is
 * entered again (execution resumes after the CALL below, on our own stack).
 * RAX/RCX are restored by the hypervisor from the VP assist page, which the
 * C caller filled.  Our callee-saved registers are kept on the VTL1 stack.
 */
	.global hv_vtl_return_asm
	.type hv_vtl_return_asm, @function
hv_vtl_return_asm:
	push	%rbp
	push	%rbx
	push	%r12
	push	%r13
	push	%r14
	push	%r15
	push	%rdi				/* gprs, for after re-entry */
	mov	%rsi, %rax			/* target; RAX is reloaded by the return */
	mov	HV_GPR_RDX(%rdi), %rdx
	mov	HV_GPR_RBX(%rdi), %rbx
	mov	HV_GPR_RBP(%rdi), %rbp
	mov	HV_GPR_RSI(%rdi), %rsi
	mov	HV_GPR_R8(%rdi), %r8
	mov	HV_GPR_R9(%rdi), %r9
	mov	HV_GPR_R10(%rdi), %r10
	mov	HV_GPR_R11(%rdi), %r11
	mov	HV_GPR_R12(%rdi), %r12
	mov	HV_GPR_R13(%rdi), %r13
	mov	HV_GPR_R14(%rdi), %r14
	mov	HV_GPR_R15(%rdi), %r15
	mov	HV_GPR_RDI(%rdi), %rdi
	mov	$HV_VTL_RETURN_INPUT_NORMAL, %ecx
	call	*%rax
	/* Entered again from VTL0: every GPR but RSP is VTL0's now. */
	push	%rax
	mov	8(%rsp), %rax			/* gprs */
	mov	%rcx, HV_GPR_RCX(%rax)
	mov	%rdx, HV_GPR_RDX(%rax)
	mov	%rbx, HV_GPR_RBX(%rax)
	mov	%rbp, HV_GPR_RBP(%rax)
	mov	%rsi, HV_GPR_RSI(%rax)
	mov	%rdi, HV_GPR_RDI(%rax)
	mov	%r8, HV_GPR_R8(%rax)
	mov	%r9, HV_GPR_R9(%rax)
	mov	%r10, HV_GPR_R10(%rax)
	mov	%r11, HV_GPR_R11(%rax)
	mov	%r12, HV_GPR_R12(%rax)
	mov	%r13, HV_GPR_R13(%rax)
	mov	%r14, HV_GPR_R14(%rax)
	mov	%r15, HV_GPR_R15(%rax)
	pop	%rcx				/* VTL0's RAX */
	mov	%rcx, HV_GPR_RAX(%rax)
	pop	%rdi
	pop	%r15
	pop	%r14
	pop	%r13
	pop	%r12
	pop	%rbx
	pop	%rbp
	cld
	ret
	.size hv_vtl_return_asm, . - hv_vtl_return_asm

/*
 * uint64_t hv_vtl_call_asm(rdi, rsi, rdx, const void *target=rcx, r8)
 * VTL call from a lower VTL: arguments stay in RDI/RSI/RDX/R8 (the LVBS VSM
 * call ABI), RCX = 0, and the higher VTL may change any shared GPR, so we
 * keep our callee-saved ones on the (VTL-private) stack and return R8.
 */
	.global hv_vtl_call_asm
	.type hv_vtl_call_asm, @function
hv_vtl_call_asm:
	push	%rbp
	push	%rbx
	push	%r12
	push	%r13
	push	%r14
	push	%r15
	mov	%rcx, %rax
	mov	$HV_VTL_CALL_INPUT, %ecx
	call	*%rax
	mov	%r8, %rax
	pop	%r15
	pop	%r14
	pop	%r13
	pop	%r12
	pop	%rbx
	pop	%rbp
	cld
	ret
	.size hv_vtl_call_asm, . - hv_vtl_call_asm

	.section .note.GNU-stack, "", @progbits
