/* SPDX-License-Identifier: MIT */
/* x87/SSE state and CR2 probes for the call-contract cases (attacks_boot.c). */
	.text
	.globl vtl0_fxsave		/* (void *buf512, 16-byte aligned) */
vtl0_fxsave:
	fxsave64 (%rdi)
	ret

	.globl vtl0_fxrstor		/* (const void *buf512) */
vtl0_fxrstor:
	fxrstor64 (%rdi)
	ret

	.globl vtl0_cr2_write		/* (u64) */
vtl0_cr2_write:
	movq %rdi, %cr2
	ret

	.globl vtl0_cr2_read		/* () -> u64 */
vtl0_cr2_read:
	movq %cr2, %rax
	ret

	.section .note.GNU-stack, "", @progbits
