/* SPDX-License-Identifier: MIT */
/* void stage_jump_linux(u64 entry, u64 boot_params): the 64-bit boot
 * protocol's entry state: interrupts off, RSI = boot_params. */
	.text
	.code64
	.globl stage_jump_linux
stage_jump_linux:
	cli
	mov %rdi, %rax
	xor %edi, %edi
	xor %ebp, %ebp
	jmp *%rax
