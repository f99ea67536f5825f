/* SPDX-License-Identifier: MIT */
/*
 * Per-CPU data.  GS and FS bases both point at the CPU's block: GS for
 * this_cpu(), FS because gcc's stack protector reads the canary at %fs:0x28.
 */
#ifndef ARCH_X86_64_PERCPU_H
#define ARCH_X86_64_PERCPU_H

#include <stddef.h>
#include <stdint.h>
#include "core/cpu_table.h"

#define MAX_CPUS CPU_TABLE_MAX /* south_lvbs BOOT_MAX_CPUS: every VP VTL0 can name */

struct tss64 {
	uint32_t reserved0;
	uint64_t rsp[3];
	uint64_t reserved1;
	uint64_t ist[7];
	uint64_t reserved2;
	uint16_t reserved3;
	uint16_t iomap_base;
} __attribute__((packed));

struct percpu {
	struct percpu *self;     /* 0x00 */
	uint32_t cpu_id;         /* 0x08 */
	uint32_t apic_id;        /* 0x0c */
	uint64_t reserved[3];    /* 0x10 */
	uint64_t stack_canary;   /* 0x28: fixed by the compiler ABI */
	uint64_t stack_top;
	void *image_data;        /* per-CPU pointer the image owns */
	uint64_t gdt[8] __attribute__((aligned(16)));
	struct tss64 tss __attribute__((aligned(16)));
};

_Static_assert(offsetof(struct percpu, stack_canary) == 0x28, "canary must be at %fs:0x28");

/*
 * CPU 0's block is static: entry.S points FS/GS at it before any C runs and
 * before the heap exists.  The blocks of CPUs 1..n-1 come from the heap
 * (arch_cpus_alloc); each AP reaches its own through the FS/GS bases set
 * in its initial context, so the entry path never indexes a table.
 */
extern struct percpu percpu_boot;

/* CPU `cpu`'s block, NULL when cpu is not below the sized count. */
struct percpu *percpu_of(unsigned int cpu);

static inline struct percpu *this_cpu(void)
{
	struct percpu *p;

	__asm__ __volatile__("movq %%gs:0, %0" : "=r"(p));
	return p;
}

static inline unsigned int this_cpu_id(void)
{
	unsigned int id;

	__asm__ __volatile__("movl %%gs:8, %0" : "=r"(id));
	return id;
}

/* Load GDT/TSS/IDT and the FS/GS bases for `cpu` on the calling CPU. */
void percpu_init_cpu(unsigned int cpu);
unsigned int arch_num_cpus_started(void);

#endif
