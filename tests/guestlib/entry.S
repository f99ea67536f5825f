/* SPDX-License-Identifier: MIT */
/*
 * Test-guest runtime, assembly half: the 64-bit entry, exception stubs with a
 * "catch" landing pad, fault probes (each exports the address of the probed
 * instruction so tests can check where a fault was reported), hypercall and
 * VTL call/return helpers, and port/MSR/CPUID accessors.
 */
	.text
	.code64

/* Entry from hvsim: RDI = boot info GPA, RSP = hvsim's initial stack. */
	.globl _start
_start:
	mov %rdi, %r12			/* the stack is in .bss: keep RDI in a register */
	lea __bss_start(%rip), %rdi
	lea __bss_end(%rip), %rcx
	sub %rdi, %rcx
	xor %eax, %eax
	rep stosb
	lea gl_stack0_top(%rip), %rsp
	mov %r12, %rdi
	call gl_start
1:	mov $0x7f, %al
	out %al, $0xf4
	jmp 1b

/* VTL1 entry (initial context RIP): the stack comes from the context. */
	.globl gl_vtl1_start
gl_vtl1_start:
	and $~0xf, %rsp
	call gl_vtl1_entry
2:	hlt
	jmp 2b

/* ---------------------------------------------------------- exceptions */
.macro EXC vec, has_err
	.align 16
gl_exc_\vec:
	.if \has_err == 0
	push $0
	.endif
	push $\vec
	jmp gl_exc_common
.endm
	.align 16
	.globl gl_exc_stubs
gl_exc_stubs:
	EXC 0,0; EXC 1,0; EXC 2,0; EXC 3,0; EXC 4,0; EXC 5,0; EXC 6,0; EXC 7,0
	EXC 8,1; EXC 9,0; EXC 10,1; EXC 11,1; EXC 12,1; EXC 13,1; EXC 14,1; EXC 15,0
	EXC 16,0; EXC 17,1; EXC 18,0; EXC 19,0; EXC 20,0; EXC 21,1; EXC 22,0; EXC 23,0
	EXC 24,0; EXC 25,0; EXC 26,0; EXC 27,0; EXC 28,0; EXC 29,1; EXC 30,1; EXC 31,0
	EXC 32,0	/* stub 32 serves every external vector (SINT) */

gl_exc_common:
	push %rbx
	push %rax
	push %rcx
	push %rdx
	push %rsi
	push %rdi
	push %r8
	push %r9
	push %r10
	push %r11
	mov %rsp, %rdi			/* struct gl_frame * */
	mov %rsp, %rbx
	and $~0xf, %rsp
	call gl_exception
	mov %rbx, %rsp
	pop %r11
	pop %r10
	pop %r9
	pop %r8
	pop %rdi
	pop %rsi
	pop %rdx
	pop %rcx
	pop %rax
	pop %rbx
	add $16, %rsp
	iretq

/* ---------------------------------------------------------- probes */
#include "tests/guestlib/probe.h"

	PROBE gl_probe_write64		/* (void *p, u64 v) */
	.globl gl_probe_write64_insn
gl_probe_write64_insn:
	mov %rsi, (%rdi)
	PROBE_END

	PROBE gl_probe_write8		/* (void *p, u8 v) */
	.globl gl_probe_write8_insn
gl_probe_write8_insn:
	mov %sil, 8(%rdi)
	PROBE_END

	PROBE gl_probe_read64		/* (const void *p, u64 *out) */
	.globl gl_probe_read64_insn
gl_probe_read64_insn:
	mov (%rdi), %rcx
	mov %rcx, (%rsi)
	PROBE_END

	PROBE gl_probe_exec		/* (void (*fn)(void)) */
	call *%rdi
	PROBE_END

	PROBE gl_probe_wrmsr		/* (u32 msr, u64 v) */
	mov %edi, %ecx
	mov %rsi, %rax
	mov %rsi, %rdx
	shr $32, %rdx
	.globl gl_probe_wrmsr_insn
gl_probe_wrmsr_insn:
	wrmsr
	PROBE_END

	PROBE gl_probe_xsetbv		/* (u64 v): XCR0 = v */
	mov %rdi, %rax
	mov %rdi, %rdx
	shr $32, %rdx
	xor %ecx, %ecx
	xsetbv
	PROBE_END

	PROBE gl_probe_xgetbv		/* (u64 *out): XCR0 */
	mov %rdi, %rsi
	xor %ecx, %ecx
	xgetbv
	shl $32, %rdx
	or %rdx, %rax
	mov %rax, (%rsi)
	PROBE_END

	PROBE gl_probe_rdmsr		/* (u32 msr, u64 *out) */
	mov %edi, %ecx
	rdmsr
	shl $32, %rdx
	or %rdx, %rax
	mov %rax, (%rsi)
	PROBE_END

	PROBE gl_probe_mov_cr0		/* (u64 v) */
	.globl gl_probe_mov_cr0_insn
gl_probe_mov_cr0_insn:
	mov %rdi, %cr0
	PROBE_END

	PROBE gl_probe_mov_cr4		/* (u64 v) */
	.globl gl_probe_mov_cr4_insn
gl_probe_mov_cr4_insn:
	mov %rdi, %cr4
	PROBE_END

	PROBE gl_probe_lgdt		/* (const void *desc) */
	.globl gl_probe_lgdt_insn
gl_probe_lgdt_insn:
	lgdt (%rdi)
	PROBE_END

	PROBE gl_probe_lidt		/* (const void *desc) */
	.globl gl_probe_lidt_insn
gl_probe_lidt_insn:
	lidt (%rdi)
	PROBE_END

	PROBE gl_probe_ltr		/* (u16 sel) */
	.globl gl_probe_ltr_insn
gl_probe_ltr_insn:
	ltr %di
	PROBE_END

	PROBE gl_probe_vmmcall		/* () */
	vmmcall
	PROBE_END

	PROBE gl_probe_ud2
	ud2
	PROBE_END

.macro RESTORE_RET
	pop %r15
	pop %r14
	pop %r13
	pop %r12
	pop %rbp
	pop %rbx
	ret
.endm
.macro STORE_REGS ptr
	push %rax
	mov \ptr(%rip), %rax
	mov %rcx, 0x08(%rax)
	mov %rdx, 0x10(%rax)
	mov %rbx, 0x18(%rax)
	mov %rbp, 0x28(%rax)
	mov %rsi, 0x30(%rax)
	mov %rdi, 0x38(%rax)
	mov %r8, 0x40(%rax)
	mov %r9, 0x48(%rax)
	mov %r10, 0x50(%rax)
	mov %r11, 0x58(%rax)
	mov %r12, 0x60(%rax)
	mov %r13, 0x68(%rax)
	mov %r14, 0x70(%rax)
	mov %r15, 0x78(%rax)
	pop %rcx
	mov %rcx, 0x00(%rax)
	RESTORE_RET
.endm

/* ---------------------------------------------------------- hypercalls */
/* u64 gl_hvcall(u64 page, u64 control, u64 in, u64 out) */
	.globl gl_hvcall
gl_hvcall:
	mov %rcx, %r8
	mov %rsi, %rcx
	call *%rdi
	ret

/*
 * void gl_vtl_call_regs(u64 page_entry, u64 regs[16])
 * Loads RBX,RDX,RBP,RSI,RDI,R8-R15 from regs (x86 order), RCX = 0, calls the
 * VTL-call entry point, and stores every GPR back into regs on return.
 */
	.globl gl_vtl_call_regs
gl_vtl_call_regs:
	push %rbx
	push %rbp
	push %r12
	push %r13
	push %r14
	push %r15
	mov %rsi, gl_regs_ptr(%rip)
	mov %rdi, gl_entry_ptr(%rip)
	mov %rsi, %rax
	mov 0x10(%rax), %rdx
	mov 0x18(%rax), %rbx
	mov 0x28(%rax), %rbp
	mov 0x30(%rax), %rsi
	mov 0x38(%rax), %rdi
	mov 0x40(%rax), %r8
	mov 0x48(%rax), %r9
	mov 0x50(%rax), %r10
	mov 0x58(%rax), %r11
	mov 0x60(%rax), %r12
	mov 0x68(%rax), %r13
	mov 0x70(%rax), %r14
	mov 0x78(%rax), %r15
	xor %ecx, %ecx
	call *gl_entry_ptr(%rip)
	STORE_REGS gl_regs_ptr

/*
 * void gl_vtl_return_regs(u64 page_entry, u64 set[16], u64 got[16], u64 rcx)
 * The VTL1 side: loads GPRs from set (RCX = the fast flag), VTL-returns, and
 * on the next entry stores every GPR into got before C code touches them.
 */
	.globl gl_vtl_return_regs
gl_vtl_return_regs:
	push %rbx
	push %rbp
	push %r12
	push %r13
	push %r14
	push %r15
	mov %rdx, gl_regs_ptr1(%rip)
	mov %rdi, gl_entry_ptr1(%rip)
	mov %rsi, %rax
	mov %rcx, gl_tmp_rcx(%rip)
	mov 0x10(%rax), %rdx
	mov 0x18(%rax), %rbx
	mov 0x28(%rax), %rbp
	mov 0x30(%rax), %rsi
	mov 0x38(%rax), %rdi
	mov 0x40(%rax), %r8
	mov 0x48(%rax), %r9
	mov 0x50(%rax), %r10
	mov 0x58(%rax), %r11
	mov 0x60(%rax), %r12
	mov 0x68(%rax), %r13
	mov 0x70(%rax), %r14
	mov 0x78(%rax), %r15
	mov gl_tmp_rcx(%rip), %rcx
	call *gl_entry_ptr1(%rip)
	STORE_REGS gl_regs_ptr1


/* ---------------------------------------------------------- accessors */
	.globl gl_outb, gl_inb, gl_rdmsr, gl_wrmsr, gl_cpuid, gl_lidt, gl_lgdt
	.globl gl_read_cr0, gl_read_cr3, gl_read_cr4, gl_sti_nop_cli, gl_sidt, gl_sgdt
	.globl gl_pause, gl_hlt, gl_xmm0_set, gl_xmm0_get
gl_xmm0_set:
	movq %rdi, %xmm0
	ret
gl_xmm0_get:
	movq %xmm0, %rax
	ret
gl_pause:
	pause
	ret
gl_hlt:
	hlt
	ret
gl_outb:
	mov %esi, %eax
	mov %edi, %edx
	out %al, %dx
	ret
gl_inb:
	mov %edi, %edx
	in %dx, %al
	movzbl %al, %eax
	ret
gl_rdmsr:
	mov %edi, %ecx
	rdmsr
	shl $32, %rdx
	or %rdx, %rax
	ret
gl_wrmsr:
	mov %edi, %ecx
	mov %rsi, %rax
	mov %rsi, %rdx
	shr $32, %rdx
	wrmsr
	ret
gl_cpuid:			/* (u32 leaf, u32 sub, u32 out[4]) */
	push %rbx
	mov %edi, %eax
	mov %esi, %ecx
	mov %rdx, %r8
	cpuid
	mov %eax, 0(%r8)
	mov %ebx, 4(%r8)
	mov %ecx, 8(%r8)
	mov %edx, 12(%r8)
	pop %rbx
	ret
gl_lidt:
	lidt (%rdi)
	ret
gl_lgdt:
	lgdt (%rdi)
	ret
gl_sidt:
	sidt (%rdi)
	ret
gl_sgdt:
	sgdt (%rdi)
	ret
gl_read_cr0:
	mov %cr0, %rax
	ret
gl_read_cr3:
	mov %cr3, %rax
	ret
gl_read_cr4:
	mov %cr4, %rax
	ret
gl_sti_nop_cli:
	sti
	nop
	nop
	cli
	ret

	.data
	.align 8
	.globl gl_catch_rip
gl_catch_rip:	.quad 0
gl_regs_ptr:	.quad 0
gl_entry_ptr:	.quad 0
gl_regs_ptr1:	.quad 0
gl_entry_ptr1:	.quad 0
gl_tmp_rcx:	.quad 0

	.bss
	.align 4096
	.skip 65536
	.globl gl_stack0_top
gl_stack0_top:
	.section .note.GNU-stack, "", @progbits
