/* SPDX-License-Identifier: MIT */
/*
 * svm_vmrun(struct svm_gprs *g, u64 vmcb_pa, u64 host_vmsave_pa)
 *
 * The world switch for tools/hvsim.  VMRUN saves host RIP/RSP/RAX/segment
 * state in the VM_HSAVE area and keeps guest RAX/RSP in the VMCB; every other
 * GPR is ours to load and store.  VMLOAD/VMSAVE move the "hidden" state
 * (FS/GS/TR/LDTR, KernelGsBase, STAR/LSTAR/CSTAR/SFMASK, SYSENTER_*) so the
 * host's copy is parked in host_vmsave_pa around the guest run.
 * GIF is cleared across the switch so no interrupt or NMI lands half-way.
 */
	/* on every world switch: with the other __fastpath code (core/compiler.h) */
	.section .text.hot, "ax", @progbits
	.code64
	.globl svm_vmrun
	.type svm_vmrun, @function
svm_vmrun:
	push %rbp
	mov %rsp, %rbp
	push %rbx
	push %r12
	push %r13
	push %r14
	push %r15
	push %rdi			/* gprs pointer at -0x30(%rbp) */
	push %rsi			/* vmcb pa       at -0x38(%rbp) */
	push %rdx			/* host save pa  at -0x40(%rbp) */

	clgi
	mov %rdx, %rax
	vmsave %rax			/* park host hidden state */

	mov -0x38(%rbp), %rax
	mov 0x00(%rdi), %rcx
	mov 0x08(%rdi), %rdx
	mov 0x10(%rdi), %rbx
	push %rbp			/* guest may use rbp; keep ours on stack */
	mov 0x18(%rdi), %rbp
	mov 0x20(%rdi), %rsi
	mov 0x30(%rdi), %r8
	mov 0x38(%rdi), %r9
	mov 0x40(%rdi), %r10
	mov 0x48(%rdi), %r11
	mov 0x50(%rdi), %r12
	mov 0x58(%rdi), %r13
	mov 0x60(%rdi), %r14
	mov 0x68(%rdi), %r15
	mov 0x28(%rdi), %rdi

	vmload %rax
	vmrun %rax
	vmsave %rax

	/* guest registers are live; stack is ours again (RSP restored) */
	push %rdi			/* guest rdi */
	mov 8(%rsp), %rdi		/* our rbp */
	xchg %rdi, %rbp			/* rbp = ours, rdi = guest rbp */
	mov %rdi, 8(%rsp)		/* stash guest rbp in the old slot */
	mov -0x30(%rbp), %rdi
	mov %rcx, 0x00(%rdi)
	mov %rdx, 0x08(%rdi)
	mov %rbx, 0x10(%rdi)
	mov %rsi, 0x20(%rdi)
	mov %r8, 0x30(%rdi)
	mov %r9, 0x38(%rdi)
	mov %r10, 0x40(%rdi)
	mov %r11, 0x48(%rdi)
	mov %r12, 0x50(%rdi)
	mov %r13, 0x58(%rdi)
	mov %r14, 0x60(%rdi)
	mov %r15, 0x68(%rdi)
	pop %rax			/* guest rdi */
	mov %rax, 0x28(%rdi)
	pop %rax			/* guest rbp */
	mov %rax, 0x18(%rdi)

	mov -0x40(%rbp), %rax
	vmload %rax			/* host hidden state back */
	stgi

	lea -0x28(%rbp), %rsp
	pop %r15
	pop %r14
	pop %r13
	pop %r12
	pop %rbx
	pop %rbp
	ret
	.size svm_vmrun, . - svm_vmrun
	.section .note.GNU-stack, "", @progbits
