/* SPDX-License-Identifier: MIT */
/*
 * INIT/SIPI start of a physical CPU (tools/hvsim on bare QEMU; vtlguard's
 * APs come from the hypervisor's initial context instead, arch/smp.c).
 *
 * sipi_tramp_start..sipi_tramp_end is copied to a page below 1 MiB whose
 * number is the SIPI vector; arch/x86_64/sipi.c fills the data block at
 * SIPI_DATA.  The AP runs it from real mode: protected mode on a small GDT
 * in that page, PAE paging on a temporary PML4 (identity map of the first
 * 2 MiB plus the image's own upper half), long mode, then a jump to
 * sipi_high in the image, which loads the image's CR0/CR3/CR4/EFER/PAT,
 * per-CPU base and stack and enters ap_start64 like any other AP.
 */
#include "arch/x86_64/sipi.h"

	.section .rodata, "a"
	.code16
	.globl sipi_tramp_start, sipi_tramp_end, sipi_pm32, sipi_pm64
sipi_tramp_start:
	cli
	cld
	movw %cs, %ax
	movw %ax, %ds
	xorl %ebx, %ebx
	movw %cs, %bx
	shll $4, %ebx			/* ebx = linear address of this page */
	lgdtl SIPI_GDTR
	movl %cr0, %eax
	orl $1, %eax
	movl %eax, %cr0
	ljmpl *SIPI_FAR32

	.code32
sipi_pm32:				/* at SIPI_PM32_OFF */
	movw $0x10, %ax
	movw %ax, %ds
	movw %ax, %es
	movw %ax, %ss
	movl %cr4, %eax
	orl $0x20, %eax			/* PAE */
	movl %eax, %cr4
	movl SIPI_TCR3(%ebx), %eax
	movl %eax, %cr3
	movl $0xC0000080, %ecx
	rdmsr
	orl $0x900, %eax		/* LME | NXE */
	wrmsr
	movl %cr0, %eax
	orl $0x80000001, %eax		/* PG | PE */
	movl %eax, %cr0
	ljmpl *SIPI_FAR64(%ebx)

	.code64
sipi_pm64:				/* at SIPI_PM64_OFF, still in the low page */
	movq SIPI_HIGH(%rbx), %rax
	jmpq *%rax
sipi_tramp_end:

	.text
	.code64
	.globl sipi_high
/* rbx: the trampoline page (identity mapped by the temporary PML4). */
sipi_high:
	movq SIPI_CTX_CR4(%rbx), %rax
	movq %rax, %cr4
	movl $0xC0000080, %ecx
	movl SIPI_CTX_EFER(%rbx), %eax
	movl SIPI_CTX_EFER+4(%rbx), %edx
	wrmsr
	movl $0x277, %ecx		/* PAT */
	movl SIPI_CTX_PAT(%rbx), %eax
	movl SIPI_CTX_PAT+4(%rbx), %edx
	wrmsr
	movl $0xC0000100, %ecx		/* FS base: the stack canary's %fs:0x28 */
	movl SIPI_CTX_PERCPU(%rbx), %eax
	movl SIPI_CTX_PERCPU+4(%rbx), %edx
	wrmsr
	movl $0xC0000101, %ecx		/* GS base */
	wrmsr
	movq SIPI_CTX_RSP(%rbx), %rsp
	movq SIPI_CTX_RIP(%rbx), %rsi
	movq SIPI_CTX_CR0(%rbx), %rdi
	movq SIPI_CTX_CR3(%rbx), %rax
	movl $1, SIPI_ALIVE(%rbx)	/* the page is left behind from here on */
	movq %rax, %cr3
	movq %rdi, %cr0
	jmpq *%rsi			/* ap_start64: GDT, TSS, IDT per CPU */

	.section .note.GNU-stack, "", @progbits
