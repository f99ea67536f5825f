/* SPDX-License-Identifier: MIT */
/*
 * Secondary CPUs.  The platform starts an AP with an initial register state
 * (on Hyper-V: EnableVpVtl's initial VP context); arch/ prepares that state so
 * the AP enters at ap_start64 already in the image's address space, with its
 * own GDT/TSS, stack (between guard pages) and per-CPU block in FS/GS.
 */
#ifndef ARCH_X86_64_SMP_H
#define ARCH_X86_64_SMP_H

#include <stddef.h>
#include <stdint.h>

struct arch_ap_context {
	uint64_t rip, rsp, rflags;
	uint64_t cr0, cr3, cr4, efer, pat;
	uint64_t gdt_base, idt_base, tss_base, percpu_base;
	uint16_t gdt_limit, idt_limit, tss_limit;
	uint16_t cs, ds, tr;
};

/*
 * Size arch/'s per-CPU state (blocks, extended-state pointers) for n CPUs
 * from the heap; once, on CPU 0, before any AP is prepared.  -EINVAL for
 * n == 0 or n > MAX_CPUS, -ENOMEM, -EBUSY (a line is logged for each).
 */
int arch_cpus_alloc(unsigned int n);
/* Heap bytes arch_cpus_alloc took. */
size_t arch_cpus_heap_bytes(void);

/* Allocate CPU `cpu`'s stacks and descriptor tables and describe its start
 * state. Returns 0 or -ENOMEM / -EINVAL. */
int arch_prepare_ap(unsigned int cpu, struct arch_ap_context *ctx);

/* The image's AP entry, called on the AP once arch/ has set it up. */
void image_ap_main(unsigned int cpu);

#endif
