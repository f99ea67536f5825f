// SPDX-License-Identifier: MIT
/* INIT/SIPI bring-up of physical CPUs (sipi.h). */
#include "arch/x86_64/sipi.h"

#include <string.h>

#include "arch/x86_64/boot.h"
#include "arch/x86_64/cpu.h"
#include "arch/x86_64/mm.h"
#include "arch/x86_64/paging.h"
#include "arch/x86_64/smp.h"
#include "core/errno.h"
#include "core/page_alloc.h"

#define LAPIC_PA      0xFEE00000ull
#define LAPIC_ICR_LO  (0x300 / 4)
#define LAPIC_ICR_HI  (0x310 / 4)
#define ICR_PENDING   (1u << 12)

extern const uint8_t sipi_tramp_start[], sipi_tramp_end[];
extern const uint8_t sipi_high[], sipi_pm32[], sipi_pm64[];

static volatile uint32_t *lapic;
static uint8_t *tramp;          /* the page below 1 MiB, direct map */
static uint64_t tramp_pa;

volatile uint32_t *arch_lapic_regs(void)
{
	if (!lapic && mm_map(DIRECT_MAP_BASE + LAPIC_PA, LAPIC_PA, 4096, MAP_W | MAP_UC) == 0)
		lapic = (volatile uint32_t *)(uintptr_t)(DIRECT_MAP_BASE + LAPIC_PA);
	return lapic;
}

static void put64(uint64_t off, uint64_t v) { memcpy(tramp + off, &v, 8); }
static void put32(uint64_t off, uint32_t v) { memcpy(tramp + off, &v, 4); }

/* The trampoline page and its temporary page tables, once. */
static int tramp_init(void)
{
	uint64_t *pml4, *pdpt, *pd;
	const uint64_t *live;

	if (tramp)
		return 0;
	/*
	 * A page below 1 MiB (its number is the SIPI vector).  arch leaves the
	 * first MiB out of the allocator (firmware, the PVH tables, copied at
	 * entry); SIPI_TRAMP_PA is conventional memory nothing uses after boot.
	 */
	tramp_pa = SIPI_TRAMP_PA;
	if (mm_map(DIRECT_MAP_BASE + tramp_pa, tramp_pa, 4096, MAP_W) == 0)
		tramp = phys_to_virt(tramp_pa);
	pml4 = page_alloc_contig(1);
	pdpt = page_alloc_contig(1);
	pd = page_alloc_contig(1);
	live = phys_to_virt(mm_cr3() & ~0xFFFull);
	if (!tramp || !pml4 || !pdpt || !pd || !live || virt_to_phys(pml4) >> 32)
		return -ENOMEM;
	/* the image's upper half as it is, plus the first 2 MiB identity */
	for (int i = 256; i < 512; i++)
		pml4[i] = live[i];
	pd[0] = 0x83;                                   /* 2 MiB page at 0, RW, present */
	pdpt[0] = virt_to_phys(pd) | 3;
	pml4[0] = virt_to_phys(pdpt) | 3;
	memset(tramp, 0, 4096);
	memcpy(tramp, sipi_tramp_start, (uintptr_t)sipi_tramp_end - (uintptr_t)sipi_tramp_start);
	put64(SIPI_GDT + 8, 0x00CF9A000000FFFFull);   /* 0x08: code32 */
	put64(SIPI_GDT + 16, 0x00CF92000000FFFFull);  /* 0x10: data */
	put64(SIPI_GDT + 24, 0x00AF9A000000FFFFull);  /* 0x18: code64 */
	memcpy(tramp + SIPI_GDTR, &(uint16_t){ 31 }, 2);
	put32(SIPI_GDTR + 2, (uint32_t)(tramp_pa + SIPI_GDT));
	put32(SIPI_FAR32, (uint32_t)(tramp_pa + ((uintptr_t)sipi_pm32 - (uintptr_t)sipi_tramp_start)));
	memcpy(tramp + SIPI_FAR32 + 4, &(uint16_t){ 0x08 }, 2);
	put32(SIPI_FAR64, (uint32_t)(tramp_pa + ((uintptr_t)sipi_pm64 - (uintptr_t)sipi_tramp_start)));
	memcpy(tramp + SIPI_FAR64 + 4, &(uint16_t){ 0x18 }, 2);
	put32(SIPI_TCR3, (uint32_t)virt_to_phys(pml4));
	put64(SIPI_HIGH, (uint64_t)(uintptr_t)sipi_high);
	return 0;
}

static void icr(uint32_t apic_id, uint32_t lo)
{
	lapic[LAPIC_ICR_HI] = apic_id << 24;
	lapic[LAPIC_ICR_LO] = lo;
	for (unsigned long n = 0; (lapic[LAPIC_ICR_LO] & ICR_PENDING) && n < 100000000ul; n++)
		cpu_relax();
}

static bool wait_alive(unsigned long spins)
{
	for (unsigned long n = 0; n < spins; n++) {
		if (__atomic_load_n((volatile uint32_t *)(tramp + SIPI_ALIVE), __ATOMIC_ACQUIRE))
			return true;
		cpu_relax();
	}
	return false;
}

int arch_sipi_start_ap(unsigned int cpu, uint32_t apic_id)
{
	struct arch_ap_context c;
	int r;

	if (apic_id > 0xFE)
		return -EINVAL;
	r = tramp_init();
	if (r == 0)
		r = arch_prepare_ap(cpu, &c);
	if (r)
		return r;
	if (!arch_lapic_regs())
		return -ENOMEM;
	put64(SIPI_CTX_CR0, c.cr0);
	put64(SIPI_CTX_CR3, c.cr3);
	put64(SIPI_CTX_CR4, c.cr4);
	put64(SIPI_CTX_EFER, c.efer);
	put64(SIPI_CTX_PAT, c.pat);
	put64(SIPI_CTX_RSP, c.rsp);
	put64(SIPI_CTX_RIP, c.rip);
	put64(SIPI_CTX_PERCPU, c.percpu_base);
	put32(SIPI_ALIVE, 0);
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	/* INIT (assert, level), then the start-up IPI twice, as the MP spec
	 * says; QEMU starts the CPU at the first one. */
	icr(apic_id, 0x4500);
	wait_alive(100000);
	for (int i = 0; i < 2; i++) {
		icr(apic_id, 0x4600 | (uint32_t)(tramp_pa >> 12));
		if (wait_alive(i ? 200000000ul : 2000000ul))
			return 0;
	}
	return -ETIMEDOUT;
}
