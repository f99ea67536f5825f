/* SPDX-License-Identifier: MIT */
/*
 * hvsim's own minimal boot (replaceable by the project's arch/x86_64 PVH boot
 * once hvsim moves onto it).  QEMU enters pvh_start32 in 32-bit protected mode,
 * paging off, EBX = hvm_start_info.  We identity-map the first 4 GiB with
 * 2 MiB pages (hvsim is a hypervisor: it owns and addresses all physical RAM),
 * enable long mode + NX, load a flat GDT and an exception IDT and call
 * hvsim_main(start_info_pa).  The image is linked at a fixed 1 MiB, not PIE.
 */
#define XEN_ELFNOTE_PHYS32_ENTRY 18

	.pushsection .note.Xen, "a", @note
	.align 4
	.long 4, 4, XEN_ELFNOTE_PHYS32_ENTRY
	.asciz "Xen"
	.align 4
	.long pvh_start32
	.align 4
	.popsection

	.section .text.boot, "ax"
	.code32
	.globl pvh_start32
pvh_start32:
	cli
	mov %ebx, %esi			/* keep start_info */
	mov $boot_stack_top, %esp

	/* PML4[0] -> PDPT, PDPT[0..3] -> PD0..3, PDs: 2 MiB identity pages. */
	mov $boot_pdpt, %eax
	or $0x3, %eax
	mov %eax, boot_pml4
	mov $boot_pd, %edx
	xor %ecx, %ecx
1:	mov %edx, %eax
	or $0x3, %eax
	mov %eax, boot_pdpt(,%ecx,8)
	add $4096, %edx
	inc %ecx
	cmp $4, %ecx
	jne 1b
	xor %ecx, %ecx
2:	mov %ecx, %eax
	shl $21, %eax
	or $0x83, %eax			/* P | RW | PS */
	mov %eax, boot_pd(,%ecx,8)
	movl $0, boot_pd+4(,%ecx,8)
	inc %ecx
	cmp $2048, %ecx
	jne 2b

	mov %cr4, %eax
	or $0x620, %eax			/* PAE | OSFXSR | OSXMMEXCPT */
	mov %eax, %cr4
	mov $boot_pml4, %eax
	mov %eax, %cr3
	mov $0xC0000080, %ecx
	rdmsr
	or $0x900, %eax			/* LME | NXE */
	wrmsr
	mov %cr0, %eax
	or $0x80010023, %eax		/* PG | WP | NE | MP | PE */
	mov %eax, %cr0
	lgdt boot_gdt_desc
	ljmp $0x08, $start64

	.code64
start64:
	mov $0x10, %eax
	mov %eax, %ds
	mov %eax, %es
	mov %eax, %ss
	xor %eax, %eax
	mov %eax, %fs
	mov %eax, %gs
	mov $boot_stack_top, %rsp
	lidt boot_idt_desc(%rip)
	call hvsim_setup_idt
	mov %esi, %edi
	call hvsim_main
3:	cli
	hlt
	jmp 3b

/* Exception stubs: push a fake error code where the CPU does not. */
.macro EXC vec, has_err
	.align 16
exc_\vec:
	.if \has_err == 0
	push $0
	.endif
	push $\vec
	jmp exc_common
.endm
	EXC 0,0; EXC 1,0; EXC 2,0; EXC 3,0; EXC 4,0; EXC 5,0; EXC 6,0; EXC 7,0
	EXC 8,1; EXC 9,0; EXC 10,1; EXC 11,1; EXC 12,1; EXC 13,1; EXC 14,1; EXC 15,0
	EXC 16,0; EXC 17,1; EXC 18,0; EXC 19,0; EXC 20,0; EXC 21,1; EXC 22,0; EXC 23,0
	EXC 24,0; EXC 25,0; EXC 26,0; EXC 27,0; EXC 28,0; EXC 29,1; EXC 30,1; EXC 31,0

exc_common:
	mov %rsp, %rdi			/* {vec, err, rip, cs, rflags, rsp, ss} */
	and $~0xf, %rsp
	call hvsim_exception
4:	cli
	hlt
	jmp 4b

/* Fill the IDT (interrupt gates, CS 0x08) with the 32 stubs above. */
	.globl hvsim_setup_idt
hvsim_setup_idt:
	lea boot_idt(%rip), %rdi
	lea exc_0(%rip), %rax
	xor %ecx, %ecx
5:	mov %rax, %rdx
	mov %dx, (%rdi)
	movw $0x08, 2(%rdi)
	movw $0x8E00, 4(%rdi)
	shr $16, %rdx
	mov %dx, 6(%rdi)
	shr $16, %rdx
	mov %edx, 8(%rdi)
	movl $0, 12(%rdi)
	add $16, %rdi
	add $16, %rax
	inc %ecx
	cmp $32, %ecx
	jne 5b
	ret

	.section .rodata
	.align 16
boot_gdt:
	.quad 0
	.quad 0x00AF9A000000FFFF		/* 0x08: 64-bit code */
	.quad 0x00CF92000000FFFF		/* 0x10: data */
boot_gdt_end:
boot_gdt_desc:
	.word boot_gdt_end - boot_gdt - 1
	.quad boot_gdt
boot_idt_desc:
	.word 32 * 16 - 1
	.quad boot_idt

	.section .bss
	.align 4096
boot_pml4:	.skip 4096
boot_pdpt:	.skip 4096
boot_pd:	.skip 4 * 4096
boot_idt:	.skip 32 * 16
	.align 16
boot_stack:	.skip 65536
boot_stack_top:
	.section .note.GNU-stack, "", @progbits
