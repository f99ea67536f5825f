/* SPDX-License-Identifier: MIT */
#ifndef ARCH_X86_64_TRAPS_H
#define ARCH_X86_64_TRAPS_H

#include <stdint.h>

struct trap_frame {
	uint64_t r15, r14, r13, r12, r11, r10, r9, r8;
	uint64_t rbp, rdi, rsi, rdx, rcx, rbx, rax;
	uint64_t vector, error_code;
	uint64_t rip, cs, rflags, rsp, ss;
};

typedef void (*trap_handler_fn)(struct trap_frame *f);

void idt_init(void);     /* build the IDT once */
void idt_load(void);     /* load it on this CPU */
/* Install a handler for a vector (interrupts, or to catch an exception in a
 * self-test); NULL restores the default (dump and panic). */
void trap_set_handler(unsigned int vector, trap_handler_fn fn);
void trap_dump(const struct trap_frame *f);

#define IST_DF  1
#define IST_NMI 2
#define IST_MC  3

#endif
