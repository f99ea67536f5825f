/* SPDX-License-Identifier: MIT */
/*
 * The VTL0 test kernel's assembly: the hypercall page slot, the SMP-safe VTL
 * call, the AP entry, fault probes (each exports its faulting instruction so
 * a test can match the RIP VTL1 recorded), the syscall path of the workload,
 * a jump-label site for PATCH_TEXT, and the embedded suite policy.
 * Probes use guestlib's catch mechanism: gl_catch_rip is the landing pad the
 * exception handler resumes at (and clears).
 */
	.text
	.code64

/* ------------------------------------------------------------ VTL call */
/*
 * void vtl0_vtl_call_raw(u64 entry, struct vtl_args *a)
 * RDI/RSI/RDX/R8 from *a, RCX = 0, call the VTL-call stub, store the four
 * back.  VTL1 shares RAX..R15 with VTL0, so every callee-saved register is
 * kept on the (private) stack, and no global is used: VPs call concurrently.
 */
	.globl vtl0_vtl_call_raw
vtl0_vtl_call_raw:
	push %rbx
	push %rbp
	push %r12
	push %r13
	push %r14
	push %r15
	push %rsi
	mov %rdi, %rax
	mov 0(%rsi), %rdi
	mov 16(%rsi), %rdx
	mov 24(%rsi), %r8
	mov 8(%rsi), %rsi
	xor %ecx, %ecx
	call *%rax
	mov (%rsp), %rax
	mov %rdi, 0(%rax)
	mov %rsi, 8(%rax)
	mov %rdx, 16(%rax)
	mov %r8, 24(%rax)
	add $8, %rsp
	pop %r15
	pop %r14
	pop %r13
	pop %r12
	pop %rbp
	pop %rbx
	ret

/* AP entry (StartVirtualProcessor context RIP); RSP from the context. */
	.globl vtl0_ap_entry
vtl0_ap_entry:
	and $~0xf, %rsp
	call vtl0_ap_main
1:	hlt
	jmp 1b

/* ------------------------------------------------------------ probes */
#include "tests/guestlib/probe.h"

	PROBE probe_store8		/* (void *p, u8 v) */
	.globl probe_store8_insn
probe_store8_insn:
	mov %sil, (%rdi)
	PROBE_END

	PROBE probe_rep_movsb		/* (void *dst, const void *src, u64 n) */
	mov %rdx, %rcx
	.globl probe_rep_movsb_insn
probe_rep_movsb_insn:
	rep movsb
	PROBE_END

	PROBE probe_load8		/* (const void *p, u8 *out) */
	.globl probe_load8_insn
probe_load8_insn:
	movzbl (%rdi), %ecx
	mov %cl, (%rsi)
	PROBE_END

	PROBE probe_lldt		/* (u16 sel) */
	.globl probe_lldt_insn
probe_lldt_insn:
	lldt %di
	PROBE_END

/* int probe_call(u64 target): call target; a fault anywhere in it lands
 * here with RSP restored (the call pushed a return address). */
	.globl probe_call
probe_call:
	lea 9f(%rip), %rax
	mov %rax, gl_catch_rip(%rip)
	mov %rsp, probe_saved_rsp(%rip)
	call *%rdi
	movq $0, gl_catch_rip(%rip)
	xor %eax, %eax
	ret
9:	mov probe_saved_rsp(%rip), %rsp
	mov $1, %eax
	ret

/* ------------------------------------------------------------ accessors */
	.globl vtl0_str, vtl0_sldt, vtl0_ltr, vtl0_invlpg, vtl0_write_cr3, vtl0_pause, vtl0_rdtsc
vtl0_str:
	xor %eax, %eax
	str %ax
	ret
vtl0_sldt:
	xor %eax, %eax
	sldt %ax
	ret
vtl0_ltr:
	ltr %di
	ret
vtl0_invlpg:
	invlpg (%rdi)
	ret
vtl0_write_cr3:
	mov %rdi, %cr3
	ret
vtl0_pause:
	pause
	ret
vtl0_rdtsc:
	rdtsc
	shl $32, %rdx
	or %rdx, %rax
	ret

/* ------------------------------------------------------------ syscall path */
/* u64 vtl0_syscall(u64 nr): a kernel-mode SYSCALL through LSTAR. */
	.globl vtl0_syscall
vtl0_syscall:
	mov %rdi, %rax
	syscall
	ret

/* LSTAR target: count, return nr + 1.  Entered at CPL0 from CPL0, so it
 * returns with a plain jump (SYSRET would drop to CPL3). RCX = return RIP,
 * R11 = RFLAGS. */
	.globl vtl0_syscall_entry
vtl0_syscall_entry:
	lock incq vtl0_syscall_count(%rip)
	inc %rax
	push %r11
	popfq
	jmp *%rcx

/* ------------------------------------------------------------ text targets */
	.align 64
	.globl vtl0_victim_fn, vtl0_victim_text
vtl0_victim_fn:
	mov $42, %eax
	ret
	.align 64
vtl0_victim_text:		/* written to (same bytes) by the attacks, never run */
	.fill 64, 1, 0xcc

/* Jump-label site: a 5-byte NOP that PATCH_TEXT may turn into a JMP32 to
 * vtl0_jl_target and back (aligned so it never crosses a page). */
	.align 64
	.globl vtl0_static_key, vtl0_jl_site, vtl0_jl_target
vtl0_static_key:
vtl0_jl_site:
	.byte 0x0f, 0x1f, 0x44, 0x00, 0x00
	xor %eax, %eax
	ret
vtl0_jl_target:
	mov $1, %eax
	ret

/* The hypercall page: hvsim writes its stubs here when the MSR is set.
 * Inside .text so that PROTECT_MEMORY(text, R|X) keeps it executable. */
	.section .hcpage, "ax"
	.align 4096
	.fill 4096, 1, 0xcc

/* ------------------------------------------------------------ data */
	.section .rodata
	.align 8
	.globl vtl0_policy_dtb, vtl0_policy_dtb_end
vtl0_policy_dtb:
	.incbin VTL0_POLICY_DTB
vtl0_policy_dtb_end:

	.data
	.align 8
	.globl vtl0_syscall_count
vtl0_syscall_count:	.quad 0
probe_saved_rsp:	.quad 0

	.section .note.GNU-stack, "", @progbits
