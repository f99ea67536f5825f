/* SPDX-License-Identifier: MIT */
/*
 * Image entry points.
 *
 *  lvbs_start64  ELF entry, used by the LVBS loader: 64-bit mode, paging on
 *                with an identity map of the first 16 MiB of VTL1 memory,
 *                RDI/RSI/RDX/R8 = the first VTL call's registers, whose
 *                meaning depends on the VTL0 generation (the image decides,
 *                docs/boot-protocol.md), RSP = inside the loader's stack page.
 *  pvh_start32   PVH entry (ELF note), used by stock QEMU -kernel: 32-bit
 *                protected mode, paging off, EBX = hvm_start_info.
 *
 * Both reach common64 with the CPU running at the physical load address.
 * common64 zeroes .bss, sets a boot stack and the stack-protector block,
 * calls early_main() (relocation + the image's own page tables), switches
 * CR3 and jumps to the image's high virtual address.
 */
#include "arch/x86_64/boot.h"

#define MSR_EFER	0xC0000080
#define MSR_FS_BASE	0xC0000100
#define MSR_GS_BASE	0xC0000101

	.section .note.Xen, "a", @note
	.balign 4
	.long 4			/* namesz: "Xen\0" */
	.long 4			/* descsz */
	.long 18		/* XEN_ELFNOTE_PHYS32_ENTRY */
	.asciz "Xen"
	.long PVH_LOAD_PA + (pvh_start32 - __image_start_marker)

	.section .text.entry, "ax"
	.globl __image_start_marker
__image_start_marker:		/* first byte of the image: offset 0 */

	.code32
	.globl pvh_start32
pvh_start32:
	cli
	cld
	/* EBP = where we run (the load address: this code is at offset 0). */
	call 1f
1:	popl %ebp
	subl $(1b - __image_start_marker), %ebp

	/*
	 * Identity-map the first 4 GiB with 2 MiB pages in a scratch area just
	 * below the image (PVH_SCRATCH_SIZE bytes): PML4, PDPT, 4 PDs, and the
	 * GDT pseudo-descriptor.  Only stock QEMU uses this path.
	 */
	leal -PVH_SCRATCH_SIZE(%ebp), %edi
	movl %edi, %esi			/* ESI = scratch base */
	movl $(PVH_SCRATCH_SIZE / 4), %ecx
	xorl %eax, %eax
	rep stosl

	leal 0x1000(%esi), %eax		/* PML4[0] -> PDPT */
	orl $3, %eax
	movl %eax, 0(%esi)
	xorl %ecx, %ecx
2:	leal 0x2000(%esi), %eax		/* PDPT[i] -> PD i */
	movl %ecx, %edx
	shll $12, %edx
	addl %edx, %eax
	orl $3, %eax
	movl %eax, 0x1000(%esi, %ecx, 8)
	incl %ecx
	cmpl $4, %ecx
	jb 2b
	xorl %ecx, %ecx			/* 2048 PD entries of 2 MiB */
3:	movl %ecx, %eax
	shll $21, %eax
	orl $0x83, %eax			/* P | W | PS */
	movl %eax, 0x2000(%esi, %ecx, 8)
	movl %ecx, %eax
	shrl $11, %eax			/* high dword of the address */
	movl %eax, 0x2004(%esi, %ecx, 8)
	incl %ecx
	cmpl $2048, %ecx
	jb 3b

	movl %cr4, %eax
	orl $0x20, %eax			/* PAE */
	movl %eax, %cr4
	movl %esi, %cr3
	movl $MSR_EFER, %ecx
	rdmsr
	orl $0x900, %eax		/* LME | NXE */
	wrmsr
	/* GDT pseudo-descriptor at scratch+0x6000 -> pvh_gdt. */
	leal (pvh_gdt - __image_start_marker)(%ebp), %eax
	movw $(pvh_gdt_end - pvh_gdt - 1), 0x6000(%esi)
	movl %eax, 0x6002(%esi)
	lgdt 0x6000(%esi)
	movl %cr0, %eax
	orl $0x80010001, %eax		/* PG | WP | PE */
	movl %eax, %cr0
	leal 0x6100(%esi), %esp		/* a few bytes of scratch stack */
	leal (pvh_start64 - __image_start_marker)(%ebp), %eax
	pushl $0x08
	pushl %eax
	lret

	.balign 8
pvh_gdt:
	.quad 0
	.quad 0x00af9b000000ffff	/* 0x08: 64-bit code */
	.quad 0x00cf93000000ffff	/* 0x10: data */
pvh_gdt_end:

	.code64
pvh_start64:
	movl $0x10, %eax
	movl %eax, %ds
	movl %eax, %es
	movl %eax, %ss
	movl %eax, %fs
	movl %eax, %gs
	movl %ebx, %r12d		/* hvm_start_info */
	movl $BOOT_PVH, %r13d
	xorl %r15d, %r15d
	xorl %ebx, %ebx
	xorl %ebp, %ebp
	jmp common64

	.globl lvbs_start64
lvbs_start64:
	cli
	movq %rsi, %r12			/* first call's RSI */
	movq %rdi, %r15			/* first call's RDI */
	movq %rdx, %rbx			/* first call's RDX (callee-saved from here on) */
	movq %r8, %rbp			/* first call's R8 */
	movl $BOOT_LVBS, %r13d

common64:
	cld
	leaq __image_start_marker(%rip), %r14	/* load PA (identity) */
	/* Zero .bss (it holds the boot stack, so before using any stack). */
	leaq __bss_start(%rip), %rdi
	leaq __bss_end(%rip), %rcx
	subq %rdi, %rcx
	xorl %eax, %eax
	rep stosb
	leaq __boot_stack_top(%rip), %rsp

	/* FS and GS bases -> boot per-CPU block: the canary lives at %fs:0x28. */
	leaq percpu_boot(%rip), %rax
	movq %rax, %rdx
	shrq $32, %rdx
	movl $MSR_FS_BASE, %ecx
	wrmsr
	movl $MSR_GS_BASE, %ecx
	wrmsr
	rdtsc				/* boot canary; replaced from RDRAND later */
	shlq $32, %rdx
	orq %rdx, %rax
	movabsq $0x9e3779b97f4a7c15, %rdx
	imulq %rdx, %rax
	movb $0, %al			/* a NUL byte stops string over-reads */
	leaq percpu_boot(%rip), %rdx
	movq %rax, 0x28(%rdx)

	movl %r13d, %edi		/* kind */
	movq %r12, %rsi			/* info PA */
	movq %r14, %rdx			/* load PA */
	movq %r15, %rcx			/* entry RDI */
	call early_main			/* returns the new CR3 */
	movq %rax, %cr3

	/* Continue at the same code, now at IMAGE_VBASE + offset. */
	movabsq $IMAGE_VBASE, %rax
	subq %r14, %rsp
	addq %rax, %rsp
	leaq high_entry(%rip), %rcx
	subq %r14, %rcx
	addq %rax, %rcx
	jmp *%rcx

high_entry:
	movl %r13d, %edi		/* kind */
	movq %r12, %rsi			/* info PA */
	movq %r14, %rdx			/* load PA */
	movq %r15, %rcx			/* entry RDI */
	movq %rbx, %r8			/* entry RDX */
	movq %rbp, %r9			/* entry R8 */
	xorl %ebp, %ebp			/* terminate backtraces here */
	call arch_main
	ud2

/*
 * Secondary CPUs enter here (arch_prepare_ap): image address space, own GDT,
 * FS/GS bases set by the platform from the initial context, CPU number at
 * the top of the stack.
 */
	.globl ap_start64
ap_start64:
	cli
	cld
	movq (%rsp), %rdi
	xorl %ebp, %ebp
	andq $-16, %rsp
	call ap_main
	ud2

	.section .note.GNU-stack, "", @progbits
