// SPDX-License-Identifier: MIT
#include "arch/x86_64/cpu.h"
#include "arch/x86_64/features.h"
#include "arch/x86_64/mm.h"
#include "arch/x86_64/percpu.h"
#include "arch/x86_64/smp.h"
#include "arch/x86_64/traps.h"
#include "core/errno.h"
#include "core/panic.h"

#define AP_STACK_PAGES 4

extern const uint8_t ap_start64[];
void gdt_prepare(struct percpu *pc);
void idt_describe(uint64_t *base, uint16_t *limit);

int arch_prepare_ap(unsigned int cpu, struct arch_ap_context *ctx)
{
	struct percpu *pc;
	uint64_t v = 0;

	pc = percpu_of(cpu); /* NULL beyond the count arch_cpus_alloc sized */
	if (cpu == 0 || !pc)
		return -EINVAL;
	if (!pc->stack_top) {
		uint64_t top = mm_alloc_stack(AP_STACK_PAGES);

		if (!top)
			return -ENOMEM;
		pc->stack_top = top;
	}
	pc->self = pc;
	pc->cpu_id = cpu;
	for (int i = 0; i < 10 && !(cpu_features.rdrand && rdrand64(&v)); i++)
		v = rdtsc() * 0x9e3779b97f4a7c15ULL ^ (uint64_t)cpu << 32;
	pc->stack_canary = v & ~0xffULL;
	gdt_prepare(pc);

	/* The CPU number sits at the top of the stack for ap_start64. */
	*(uint64_t *)(uintptr_t)(pc->stack_top - 16) = cpu;
	ctx->rip = (uint64_t)(uintptr_t)ap_start64;
	ctx->rsp = pc->stack_top - 16;
	ctx->rflags = 0x2;
	ctx->cr0 = read_cr0();
	ctx->cr3 = read_cr3();
	ctx->cr4 = read_cr4();
	ctx->efer = rdmsr(MSR_EFER);
	ctx->pat = rdmsr(MSR_PAT);
	ctx->gdt_base = (uint64_t)(uintptr_t)pc->gdt;
	ctx->gdt_limit = sizeof(pc->gdt) - 1;
	idt_describe(&ctx->idt_base, &ctx->idt_limit);
	ctx->tss_base = (uint64_t)(uintptr_t)&pc->tss;
	ctx->tss_limit = sizeof(pc->tss) - 1;
	ctx->percpu_base = (uint64_t)(uintptr_t)pc;
	ctx->cs = 0x08;
	ctx->ds = 0x10;
	ctx->tr = 0x18;
	return 0;
}

void ap_main(uint64_t cpu);
__attribute__((noreturn)) void ap_main(uint64_t cpu)
{
	percpu_init_cpu((unsigned int)cpu);
	cpu_features_enable();
	image_ap_main((unsigned int)cpu);
	panic("image_ap_main returned on CPU %lu", cpu);
}
