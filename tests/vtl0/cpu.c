// SPDX-License-Identifier: MIT
/*
 * The normal-world kernel's own CPU state, set up before LOCK_REGS pins it
 * (as a real kernel has it by then): a GDT with one TSS per VP plus a spare
 * one (the LTR attack target), an IDT, page tables (identity map of 4 GiB
 * with 2 MiB pages, plus a 4 KiB "alias" window used to build writable
 * aliases of protected pages), and the syscall MSRs.
 */
#include "tests/vtl0/vtl0.h"

#define MSR_STAR 0xC0000081u
#define MSR_LSTAR 0xC0000082u
#define MSR_CSTAR 0xC0000083u
#define MSR_SFMASK 0xC0000084u
#define MSR_SYSENTER_CS 0x174u
#define MSR_SYSENTER_ESP 0x175u
#define MSR_SYSENTER_EIP 0x176u

#define ALIAS_VA 0x8000000000ull /* PML4 slot 1 */
#define NR_GDT (3 + 2 * (VTL0_MAX_VPS + 1))

static uint64_t gdt[NR_GDT] __attribute__((aligned(16)));
static uint8_t tss[VTL0_MAX_VPS + 1][128] __attribute__((aligned(128)));
static uint8_t idt_page[4096] __attribute__((aligned(4096)));
static uint64_t pml4[512] __attribute__((aligned(4096)));
static uint64_t pdpt[512] __attribute__((aligned(4096)));
static uint64_t pd[4][512] __attribute__((aligned(4096)));
static uint64_t alias_pdpt[512] __attribute__((aligned(4096)));
static uint64_t alias_pd[512] __attribute__((aligned(4096)));
static uint64_t alias_pt[512] __attribute__((aligned(4096)));
static uint8_t ist_stack[VTL0_MAX_VPS][4096] __attribute__((aligned(16)));
static unsigned int alias_next;

uint64_t cpu_gdt_desc_base;
uint16_t cpu_gdt_desc_limit;

/* The LGDT/LIDT operand (read by the CPU, hence "unused" for cppcheck). */
struct __attribute__((packed)) dtr {
	uint16_t limit; // cppcheck-suppress unusedStructMember
	uint64_t base;  // cppcheck-suppress unusedStructMember
};

static void set_tss_desc(unsigned int slot, uint64_t base)
{
	unsigned int i = 3 + 2 * slot;

	gdt[i] = 0x67 | (base & 0xFFFFFFull) << 16 | 0x89ull << 40 | ((base >> 24) & 0xFF) << 56;
	gdt[i + 1] = base >> 32;
}

static void build_tables(void)
{
	gdt[0] = 0;
	gdt[1] = 0x00209B0000000000ull; /* 0x08: 64-bit code */
	gdt[2] = 0x00CF93000000FFFFull; /* 0x10: data */
	for (unsigned int s = 0; s <= VTL0_MAX_VPS; s++) {
		lvbs_put64(tss[s] + 4, pa_of(ist_stack[s < VTL0_MAX_VPS ? s : 0]) + 4096);
		set_tss_desc(s, pa_of(tss[s]));
	}
	cpu_gdt_desc_base = pa_of(gdt);
	cpu_gdt_desc_limit = sizeof(gdt) - 1;

	/* identity map 0..4 GiB, 2 MiB pages, present|rw|ps */
	for (unsigned int i = 0; i < 4; i++) {
		pdpt[i] = pa_of(pd[i]) | 3;
		for (unsigned int j = 0; j < 512; j++)
			pd[i][j] = ((uint64_t)i << 30 | (uint64_t)j << 21) | 0x83;
	}
	pml4[0] = pa_of(pdpt) | 3;
	alias_pdpt[0] = pa_of(alias_pd) | 3;
	alias_pd[0] = pa_of(alias_pt) | 3;
	pml4[1] = pa_of(alias_pdpt) | 3;
}

/* Like Linux: SMEP and SMAP on when the CPU has them (CPUID 7.0 EBX 7/20). */
static void enable_smep_smap(void)
{
	uint32_t r[4];
	uint64_t cr4 = gl_read_cr4();

	gl_cpuid(0, 0, r);
	if (r[0] < 7)
		return;
	gl_cpuid(7, 0, r);
	if (r[1] & (1u << 7))
		cr4 |= 1ull << 20;
	if (r[1] & (1u << 20))
		cr4 |= 1ull << 21;
	if (cr4 != gl_read_cr4())
		gl_probe_mov_cr4(cr4);
}

static void load_tables(unsigned int vp)
{
	struct dtr g = { cpu_gdt_desc_limit, cpu_gdt_desc_base };

	gl_lgdt(&g);
	vtl0_write_cr3(pa_of(pml4));
	if (vp == 0)
		gl_setup_idt(idt_page); /* builds the IDT once and loads it */
	else {
		struct dtr i = { 256 * 16 - 1, pa_of(idt_page) };

		gl_lidt(&i);
	}
	vtl0_ltr(SEL_TSS(vp));
	enable_smep_smap();
	/* the syscall path of the workload (LSTAR is pinned by LOCK_REGS) */
	gl_wrmsr(MSR_STAR, (uint64_t)SEL_CODE << 32 | (uint64_t)0x1B << 48);
	gl_wrmsr(MSR_LSTAR, (uint64_t)(uintptr_t)vtl0_syscall_entry);
	gl_wrmsr(MSR_CSTAR, (uint64_t)(uintptr_t)vtl0_syscall_entry);
	gl_wrmsr(MSR_SFMASK, 0x47700); /* TF DF IF NT AC cleared on entry, like Linux */
	gl_wrmsr(MSR_SYSENTER_CS, SEL_CODE);
	gl_wrmsr(MSR_SYSENTER_ESP, pa_of(ist_stack[vp]) + 4096);
	gl_wrmsr(MSR_SYSENTER_EIP, (uint64_t)(uintptr_t)vtl0_syscall_entry);
}

void cpu_init_bsp(void)
{
	build_tables();
	load_tables(0);
}

void cpu_init_ap(unsigned int vp)
{
	load_tables(vp);
}

uint64_t cpu_alias_map(uint64_t pa)
{
	unsigned int i = alias_next++ % 512;
	uint64_t va = ALIAS_VA + (uint64_t)i * PAGE_SIZE;

	alias_pt[i] = (pa & ~0xFFFull) | 3; /* present, writable */
	vtl0_invlpg(va);
	return va + (pa & 0xFFF);
}
