// SPDX-License-Identifier: MIT
/*
 * Early boot, running at the physical load address under the loader's page
 * tables (LVBS: identity map of the first 16 MiB of VTL1 memory; PVH: the
 * 4 GiB identity map entry.S built).  It copies the boot information into the
 * image, applies the image's relocations for IMAGE_VBASE and builds the
 * image's own page tables: the image at IMAGE_VBASE with W^X per section, the
 * boot stack between unmapped guard pages, and a temporary identity copy so
 * the CR3 switch does not pull the floor from under the running code.
 *
 * Nothing here may use an absolute address: the image is not relocated yet
 * (before reloc_apply) or not mapped there yet (after).  Only RIP-relative
 * references, locals, and calls.
 */
#include <stdint.h>
#include <string.h>
#include "arch/x86_64/boot.h"
#include "arch/x86_64/cpu.h"
#include "arch/x86_64/early.h"
#include "arch/x86_64/paging.h"
#include "arch/x86_64/reloc.h"
#include "core/compiler.h"

extern uint8_t __image_start_marker[], __text_end[], __rodata_start[], __rodata_end[];
extern uint8_t __data_start[], __bss_end[], __boot_stack_guard_lo[];
extern uint8_t __boot_stack_bottom[], __boot_stack_top[];
extern const struct elf64_rela __rela_start[], __rela_end[];

uint8_t early_pt_pool[EARLY_PT_POOL_PAGES][PAGE_SIZE] __aligned(PAGE_SIZE)
	__section(".bss.page_aligned");
unsigned int early_pt_used;
uint64_t early_cr3;
uint8_t boot_raw[BOOT_RAW_MAX] __aligned(8); /* libfdt needs 8-byte alignment */
size_t boot_raw_size;
char boot_cmdline[EARLY_CMDLINE_MAX];

/* Raw serial output that works before relocation (port I/O, no pointers). */
static void early_puts(const char *s)
{
	for (; *s; s++) {
		for (int i = 0; i < 100000 && !(inb(0x3f8 + 5) & 0x20); i++)
			;
		outb(0x3f8, (uint8_t)*s);
	}
}

static __noreturn void early_fail(const char *what)
{
	early_puts("\r\nvtlguard early boot failed: ");
	early_puts(what);
	early_puts("\r\n");
	outb(0xf4, 0x12); /* stock QEMU isa-debug-exit; harmless elsewhere */
	halt_forever();
}

static void *ident_table(uint64_t pa, void *arg)
{
	(void)arg;
	return (void *)(uintptr_t)pa;
}

static uint64_t pool_alloc(void *arg)
{
	uint8_t *p;

	(void)arg;
	if (early_pt_used == EARLY_PT_POOL_PAGES)
		return 0;
	p = early_pt_pool[early_pt_used++];
	memset(p, 0, PAGE_SIZE);
	return (uint64_t)(uintptr_t)p; /* identity: VA == PA here */
}

static void copy_from_phys(void *dst, uint64_t pa, size_t n)
{
	memcpy(dst, (const void *)(uintptr_t)pa, n);
}

/*
 * May RSI be a boot_params page?  Only a first call with RDI = 0 carries one
 * (V2/V3), and only a page the loader's identity map certainly covers may be
 * read now: the image sits at the first 2 MiB boundary after region + 2 MiB,
 * so a 2 MiB-aligned region's page 14 lies in [load_pa - 2 MiB, load_pa).
 * Anything else (V4's region start, V1a's zero, garbage) is not read here;
 * the image decides from the registers what the boot information is.
 */
static int lvbs_info_page_ok(uint64_t rdi, uint64_t info_pa, uint64_t load_pa)
{
	return rdi == 0 && IS_ALIGNED(info_pa, PAGE_SIZE) && load_pa >= (2UL << 20) &&
	       info_pa >= load_pa - (2UL << 20) && info_pa < load_pa;
}

static void copy_boot_info(unsigned int kind, uint64_t info_pa, uint64_t load_pa, uint64_t rdi)
{
	if (kind == BOOT_LVBS) {
		/* boot_params page, then its command line (hdr.cmd_line_ptr). */
		uint32_t lo, hi;
		uint64_t cmd;

		if (!lvbs_info_page_ok(rdi, info_pa, load_pa))
			return; /* boot_raw_size stays 0: no boot_params */

		copy_from_phys(boot_raw, info_pa, PAGE_SIZE);
		boot_raw_size = PAGE_SIZE;
		memcpy(&lo, boot_raw + 0x228, 4);
		memcpy(&hi, boot_raw + 0x0c8, 4);
		cmd = (uint64_t)hi << 32 | lo;
		/*
		 * Only the loader's identity map (the first 16 MiB of VTL1
		 * memory, [load_pa - 2 MiB, load_pa + 14 MiB) for the 2 MiB-
		 * aligned region lvbs_info_page_ok() requires) is reachable
		 * now; a command line elsewhere is dropped and the boot-info
		 * parser reports what is missing.
		 */
		uint64_t region = load_pa - (2UL << 20);

		if (cmd >= region && cmd <= region + (16UL << 20) - PAGE_SIZE)
			copy_from_phys(boot_cmdline, cmd, EARLY_CMDLINE_MAX - 1);
		return;
	}
	/* PVH: hvm_start_info, its memory map and module list (see boot.h). */
	uint32_t nmem, nmod;
	uint64_t memmap, modlist, cmd;

	copy_from_phys(boot_raw, info_pa, 56);
	memcpy(&nmod, boot_raw + 12, 4);
	memcpy(&modlist, boot_raw + 16, 8);
	memcpy(&cmd, boot_raw + 24, 8);
	memcpy(&memmap, boot_raw + 40, 8);
	memcpy(&nmem, boot_raw + 48, 4);
	if (nmem > PVH_RAW_MAX_MEMMAP)
		nmem = PVH_RAW_MAX_MEMMAP;
	if (nmod > PVH_RAW_MAX_MODULES)
		nmod = PVH_RAW_MAX_MODULES;
	memcpy(boot_raw + 48, &nmem, 4);
	memcpy(boot_raw + 12, &nmod, 4);
	if (memmap)
		copy_from_phys(boot_raw + PVH_RAW_MEMMAP_OFF, memmap, (size_t)nmem * 24);
	if (modlist)
		copy_from_phys(boot_raw + PVH_RAW_MODLIST_OFF, modlist, (size_t)nmod * 32);
	boot_raw_size = PVH_RAW_MODLIST_OFF + PVH_RAW_MAX_MODULES * 32;
	if (cmd)
		copy_from_phys(boot_cmdline, cmd, EARLY_CMDLINE_MAX - 1);
}

/* Map one image section at both its final address and its identity address. */
static void map_both(struct pt_ctx *c, uint64_t load_pa, const uint8_t *start,
		     const uint8_t *end, unsigned perm)
{
	uint64_t off = (uintptr_t)start - (uintptr_t)__image_start_marker;
	uint64_t size = ALIGN_UP((uint64_t)((uintptr_t)end - (uintptr_t)start), PAGE_SIZE);

	if (!size)
		return;
	if (pt_map(c, IMAGE_VBASE + off, load_pa + off, size, perm) ||
	    pt_map(c, load_pa + off, load_pa + off, size, perm))
		early_fail("cannot map the image (page-table pool too small?)");
}

uint64_t early_main(unsigned int kind, uint64_t info_pa, uint64_t load_pa, uint64_t entry_rdi)
{
	uint64_t image_size = (uintptr_t)__bss_end - (uintptr_t)__image_start_marker;
	struct pt_ctx c = { .table_ptr = ident_table, .alloc_table = pool_alloc };
	size_t bad;

	if ((uint64_t)(uintptr_t)__image_start_marker != load_pa || !IS_ALIGNED(load_pa, PAGE_SIZE))
		early_fail("image is not at a page-aligned identity-mapped address");
	copy_boot_info(kind, info_pa, load_pa, entry_rdi);

	bad = reloc_apply(__image_start_marker, image_size, __rela_start,
			  ((uintptr_t)__rela_end - (uintptr_t)__rela_start) / sizeof(struct elf64_rela),
			  IMAGE_VBASE);
	if (bad)
		early_fail("bad relocation in the image (not R_X86_64_RELATIVE or out of range)");

	if (pt_init(&c))
		early_fail("no page-table memory");
	map_both(&c, load_pa, __image_start_marker, __text_end, MAP_X);
	map_both(&c, load_pa, __rodata_start, __rodata_end, MAP_R);
	map_both(&c, load_pa, __data_start, __boot_stack_guard_lo, MAP_W);
	map_both(&c, load_pa, __boot_stack_bottom, __boot_stack_top, MAP_W);
	early_cr3 = c.root_pa;
	return c.root_pa;
}
