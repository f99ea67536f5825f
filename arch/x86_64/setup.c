// SPDX-License-Identifier: MIT
/*
 * arch_main: first C code at the image's high address.  Finishes the address
 * space (drops the identity map, adds the direct map), brings up this CPU
 * (GDT, TSS with IST stacks, IDT, protection and extended-state features),
 * the console and the page allocator, then calls the image.
 */
#include <string.h>
#include "arch/x86_64/boot.h"
#include "arch/x86_64/cpu.h"
#include "arch/x86_64/early.h"
#include "arch/x86_64/features.h"
#include "arch/x86_64/mm.h"
#include "arch/x86_64/percpu.h"
#include "arch/x86_64/smp.h"
#include "arch/x86_64/serial.h"
#include "arch/x86_64/traps.h"
#include "core/compiler.h"
#include "core/log.h"
#include "core/page_alloc.h"
#include "core/panic.h"

extern uint8_t __boot_stack_top[];

struct percpu percpu_boot __aligned(64);
static struct cpu_table percpu_table = CPU_TABLE_INIT("CPU blocks", percpu_boot);

struct percpu *percpu_of(unsigned int cpu)
{
	return cpu_table_get(&percpu_table, cpu);
}

int fpu_cpus_alloc(unsigned int n);
size_t fpu_cpus_heap_bytes(void);

int arch_cpus_alloc(unsigned int n)
{
	int r = cpu_table_alloc(&percpu_table, n);

	return r ? r : fpu_cpus_alloc(n);
}

size_t arch_cpus_heap_bytes(void)
{
	return cpu_table_heap_bytes(&percpu_table) + fpu_cpus_heap_bytes();
}

void mm_init_image(uint64_t pa);
void mm_set_direct_map_ready(void);

static struct boot_ram_range ram[BOOT_RAM_MAX];
static unsigned int nram;
static struct boot_handoff handoff;
static unsigned int boot_kind;
struct cpu_features cpu_features;

void arch_qemu_exit(unsigned int code)
{
	if (boot_kind == BOOT_PVH)
		outb(0xf4, (uint8_t)code);
}

void gdt_prepare(struct percpu *pc);
void gdt_prepare(struct percpu *pc)
{
	uint64_t base = (uint64_t)(uintptr_t)&pc->tss;
	uint64_t limit = sizeof(pc->tss) - 1;

	pc->gdt[0] = 0;
	pc->gdt[1] = 0x00af9b000000ffffULL; /* 0x08 kernel code, 64-bit */
	pc->gdt[2] = 0x00cf93000000ffffULL; /* 0x10 kernel data */
	pc->gdt[3] = (limit & 0xffff) | ((base & 0xffffff) << 16) | (0x89ULL << 40) |
		     ((limit >> 16 & 0xf) << 48) | ((base >> 24 & 0xff) << 56);
	pc->gdt[4] = base >> 32; /* 0x18: TSS, 16 bytes */
	pc->tss.iomap_base = sizeof(pc->tss);
	for (unsigned i = IST_DF; i <= IST_MC; i++) {
		if (!pc->tss.ist[i - 1])
			pc->tss.ist[i - 1] = mm_alloc_stack(4);
		if (!pc->tss.ist[i - 1])
			panic("CPU %u: no memory for IST stack %u", pc->cpu_id, i);
	}
}

static void load_segments(struct percpu *pc)
{
	struct {
		uint16_t limit;
		uint64_t base;
	} __packed d = { sizeof(pc->gdt) - 1, (uint64_t)(uintptr_t)pc->gdt };

	__asm__ __volatile__("lgdt %0\n\t"
			     "pushq $0x08\n\t"
			     "leaq 1f(%%rip), %%rax\n\t"
			     "pushq %%rax\n\t"
			     "lretq\n"
			     "1:\n\t"
			     "movl $0x10, %%eax\n\t"
			     "movl %%eax, %%ds\n\t"
			     "movl %%eax, %%es\n\t"
			     "movl %%eax, %%ss\n\t"
			     "xorl %%eax, %%eax\n\t"
			     "movl %%eax, %%fs\n\t"
			     "movl %%eax, %%gs\n\t"
			     "movw $0x18, %%ax\n\t"
			     "ltr %%ax"
			     :
			     : "m"(d)
			     : "rax", "memory");
	wrmsr(MSR_FS_BASE, (uint64_t)(uintptr_t)pc);
	wrmsr(MSR_GS_BASE, (uint64_t)(uintptr_t)pc);
}

void percpu_init_cpu(unsigned int cpu)
{
	struct percpu *pc = percpu_of(cpu);

	if (!pc)
		panic("CPU %u has no per-CPU block (arch_cpus_alloc not run?)", cpu);

	pc->self = pc;
	pc->cpu_id = cpu;
	gdt_prepare(pc);
	load_segments(pc);
	idt_load();
}

static void cpu_features_detect(void)
{
	struct cpuid_regs r1 = cpuid(1, 0), r7 = { 0 };

	if (cpuid(0, 0).eax >= 7)
		r7 = cpuid(7, 0);
	cpu_features.xsave = r1.ecx >> 26 & 1;
	cpu_features.rdrand = r1.ecx >> 30 & 1;
	cpu_features.hypervisor = r1.ecx >> 31 & 1;
	cpu_features.smep = r7.ebx >> 7 & 1;
	cpu_features.smap = r7.ebx >> 20 & 1;
	cpu_features.umip = r7.ecx >> 2 & 1;
	cpu_features.svm = (cpuid(0x80000000, 0).eax >= 0x80000001) &&
			   (cpuid(0x80000001, 0).ecx >> 2 & 1);
}

/* Protection features and extended state on the calling CPU. */
void cpu_features_enable(void)
{
	uint64_t cr4 = read_cr4() | X86_CR4_OSFXSR | X86_CR4_OSXMMEXCPT;

	write_cr0((read_cr0() | X86_CR0_WP | X86_CR0_MP | X86_CR0_NE) & ~(X86_CR0_EM | X86_CR0_TS));
	wrmsr(MSR_EFER, rdmsr(MSR_EFER) | EFER_NXE);
	if (cpu_features.smep)
		cr4 |= X86_CR4_SMEP;
	if (cpu_features.smap)
		cr4 |= X86_CR4_SMAP;
	if (cpu_features.umip)
		cr4 |= X86_CR4_UMIP;
	if (cpu_features.xsave)
		cr4 |= X86_CR4_OSXSAVE;
	write_cr4(cr4);
	if (cpu_features.xsave) {
		/*
		 * XCR0 is shared with the lower VTL under VSM: never narrow
		 * what it set.  Only add what VTL1's libraries need (x87, SSE)
		 * when missing; fpu.c restores the lower VTL's value on every
		 * return.  Stock QEMU (PVH) starts with XCR0 = x87 only.
		 */
		uint64_t x = xgetbv(0);

		if ((x & (XCR0_X87 | XCR0_SSE)) != (XCR0_X87 | XCR0_SSE))
			xsetbv(0, x | XCR0_X87 | XCR0_SSE);
		cpu_features.xcr0 = xgetbv(0);
		cpu_features.xsave_size = cpuid(0xD, 0).ebx;
	}
}

/* NOLINTNEXTLINE(misc-no-recursion): depth 1, the inner calls pass no exclusion */
static void add_ram(uint64_t pa, uint64_t size, uint64_t exclude_lo, uint64_t exclude_hi)
{
	uint64_t end = pa + size;

	if (size == 0 || end < pa)
		return;
	pa = ALIGN_UP(pa, PAGE_SIZE);
	end = ALIGN_DOWN(end, PAGE_SIZE);
	if (pa < 0x100000) /* leave the first MiB (firmware, PVH tables) alone */
		pa = 0x100000;
	if (end <= pa)
		return;
	if (exclude_lo < end && exclude_hi > pa) {
		add_ram(pa, exclude_lo > pa ? exclude_lo - pa : 0, 0, 0);
		if (exclude_hi < end)
			add_ram(exclude_hi, end - exclude_hi, 0, 0);
		return;
	}
	if (nram < BOOT_RAM_MAX)
		ram[nram++] = (struct boot_ram_range){ pa, end - pa };
}

/*
 * LVBS memory when the boot information names no usable region: a pool
 * inside the image, just enough for the boot CPU to set up its hypercall
 * pages and refuse the boot with an error in R8 (boot_handoff.emergency_pool).
 */
#define EMERGENCY_POOL_SIZE (256u << 10)
static uint8_t emergency_pool[EMERGENCY_POOL_SIZE] __aligned(PAGE_SIZE)
	__section(".bss.page_aligned");
static int used_emergency_pool;

/*
 * V4's first call (RDI = CPUs, RSI = region start, RDX = region size, R8 = 0)
 * names the region in registers.  Only its shape is checked here (the image
 * inside it, page aligned, no wrap); the image decides whether the call is
 * really V4 and refuses it otherwise (docs/boot-protocol.md).
 */
static void parse_ram_regs(uint64_t start, uint64_t size, uint64_t r8, uint64_t lo, uint64_t hi)
{
	uint64_t end = start + size;

	/* The loader put the image at the first 2 MiB boundary after start +
	 * 2 MiB: anything else is not V4, and its memory is not ours to use. */
	if (r8 != 0 || !IS_ALIGNED(start | size, PAGE_SIZE) || end < start || size < (16UL << 20) ||
	    lo < (4UL << 20) || start <= lo - (4UL << 20) || start > lo - (2UL << 20) || hi > end)
		return;
	add_ram(start + 16 * PAGE_SIZE, size - 16 * PAGE_SIZE, lo, hi);
}

static void parse_ram(uint64_t load_pa, uint64_t image_size, uint64_t rdi, uint64_t rsi,
		      uint64_t rdx, uint64_t r8)
{
	uint64_t lo = load_pa, hi = load_pa + image_size;

	if (boot_kind == BOOT_PVH) {
		uint32_t n;

		memcpy(&n, boot_raw + 48, 4);
		lo -= PVH_SCRATCH_SIZE;
		for (uint32_t i = 0; i < n; i++) {
			const uint8_t *e = boot_raw + PVH_RAW_MEMMAP_OFF + i * 24;
			uint64_t addr, size;
			uint32_t type;

			memcpy(&addr, e, 8);
			memcpy(&size, e + 8, 8);
			memcpy(&type, e + 16, 4);
			if (type == 1)
				add_ram(addr, size, lo, hi);
		}
		return;
	}
	if (boot_raw_size == 0) {
		if (rdi != 0)
			parse_ram_regs(rsi, rdx, r8, lo, hi);
		return;
	}
	/* LVBS: boot_params e820 table; keep the loader's special pages. */
	uint8_t n = boot_raw[0x1e8];

	if (n > 128)
		n = 128;
	for (unsigned i = 0; i < n; i++) {
		const uint8_t *e = boot_raw + 0x2d0 + i * 20;
		uint64_t addr, size;
		uint32_t type;

		memcpy(&addr, e, 8);
		memcpy(&size, e + 8, 8);
		memcpy(&type, e + 16, 4);
		if (type != 1)
			continue;
		if (addr <= load_pa && addr + size > load_pa) {
			/* VTL1's own region: special pages at its start stay reserved. */
			uint64_t special_end = addr + 16 * PAGE_SIZE;

			add_ram(special_end, addr + size - special_end, lo, hi);
		}
		/* RAM outside VTL1's region is VTL0's: never ours. */
	}
}

static void map_direct(void)
{
	if (boot_kind == BOOT_LVBS && nram == 0) {
		/* Already mapped (it is image .bss); give it to the allocator. */
		int r = page_alloc_add_range(emergency_pool, virt_to_phys(emergency_pool),
					     sizeof(emergency_pool));

		if (r)
			panic("cannot use the emergency pool: %d", r);
		used_emergency_pool = 1;
		mm_set_direct_map_ready();
		return;
	}
	for (unsigned i = 0; i < nram; i++) {
		int r = mm_map(DIRECT_MAP_BASE + ram[i].pa, ram[i].pa, ram[i].size,
			       MAP_W | MAP_LARGE);

		if (r)
			panic("cannot build the direct map for %#lx+%#lx: %d", ram[i].pa,
			      ram[i].size, r);
	}
	mm_set_direct_map_ready();
	for (unsigned i = 0; i < nram; i++) {
		int r = page_alloc_add_range(phys_to_virt(ram[i].pa), ram[i].pa, ram[i].size);

		if (r)
			log_warn("RAM %#lx+%#lx not given to the allocator: %d", ram[i].pa,
				 ram[i].size, r);
	}
}

static void drop_identity_map(uint64_t load_pa)
{
	mm_unmap(load_pa, ALIGN_UP(mm_image_size(), PAGE_SIZE));
	write_cr3(read_cr3()); /* the identity map was global: flush everything */
	write_cr4(read_cr4() & ~X86_CR4_PGE);
	write_cr4(read_cr4() | X86_CR4_PGE);
}

static void reseed_canary(void)
{
	uint64_t v = 0;

	if (cpu_features.rdrand)
		for (int i = 0; i < 10 && !rdrand64(&v); i++)
			;
	if (!v)
		v = rdtsc() * 0x9e3779b97f4a7c15ULL;
	percpu_boot.stack_canary = v & ~0xffULL;
}

void arch_main(unsigned int kind, uint64_t info_pa, uint64_t load_pa, uint64_t entry_rdi,
	       uint64_t entry_rdx, uint64_t entry_r8);
__attribute__((optimize("no-stack-protector"))) __noreturn void
arch_main(unsigned int kind, uint64_t info_pa, uint64_t load_pa, uint64_t entry_rdi,
	  uint64_t entry_rdx, uint64_t entry_r8)
{
	boot_kind = kind;
	mm_init_image(load_pa);
	percpu_boot.self = &percpu_boot;
	wrmsr(MSR_FS_BASE, (uint64_t)(uintptr_t)&percpu_boot);
	wrmsr(MSR_GS_BASE, (uint64_t)(uintptr_t)&percpu_boot);
	drop_identity_map(load_pa);

	serial_init();
	log_add_sink(serial_log_sink);
	cpu_features_detect();
	cpu_features_enable();
	reseed_canary();
	idt_init();

	parse_ram(load_pa, mm_image_size(), entry_rdi, info_pa, entry_rdx, entry_r8);
	map_direct();
	percpu_init_cpu(0);
	percpu_boot.stack_top = (uint64_t)(uintptr_t)__boot_stack_top;

	boot_cmdline[EARLY_CMDLINE_MAX - 1] = '\0';
	handoff = (struct boot_handoff){
		.kind = kind,
		.load_pa = load_pa,
		.image_size = mm_image_size(),
		.info_pa = info_pa,
		.entry_rdi = entry_rdi,
		.entry_rdx = entry_rdx,
		.entry_r8 = entry_r8,
		.emergency_pool = used_emergency_pool,
		.ram = ram,
		.nram = nram,
		.raw = boot_raw,
		.raw_size = boot_raw_size,
		.cmdline = boot_cmdline,
	};
	image_main(&handoff);
	panic("image_main returned");
}
