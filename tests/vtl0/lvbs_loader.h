/* SPDX-License-Identifier: MIT */
/*
 * The VTL0 half of the LVBS boot protocol, as LVBS Linux does it
 * (drivers/hv/hv_vsm_boot.c): build the 16 special pages at the start of the
 * VTL1 region, copy the secure kernel's PT_LOAD segments 2 MiB into it, and
 * fill the initial VP context for EnableVpVtl.  Portable C with no hardware
 * access, so tests/vtl0/test_loader.c checks it on the host.
 *
 * Special pages (index from the region start):
 *   0 GDT (null, 0x08 code, 0x10 data, 0x18 TSS)   1 TSS
 *   2 PML4  3 PDPT  4 PD  5..12 PTs identity-mapping the first 16 MiB
 *   13 boot stack  14 boot_params (e820)  15 command line
 */
#ifndef TESTS_VTL0_LVBS_LOADER_H
#define TESTS_VTL0_LVBS_LOADER_H

#include <stddef.h>
#include <stdint.h>

#define LVBS_PAGE_SIZE       4096u
#define LVBS_NR_SPECIAL      16u
#define LVBS_PG_GDT          0u
#define LVBS_PG_TSS          1u
#define LVBS_PG_PML4         2u
#define LVBS_PG_PDPT         3u
#define LVBS_PG_PD           4u
#define LVBS_PG_PT0          5u
#define LVBS_NR_PT           8u
#define LVBS_PG_STACK        13u
#define LVBS_PG_BOOT_PARAMS  14u
#define LVBS_PG_CMDLINE      15u
#define LVBS_MAP_SIZE        (16ull << 20) /* what the loader's page tables map */
#define LVBS_SEG_ALIGN       (2ull << 20)  /* PT_LOAD alignment LVBS requires */

/* Page-table entry bits the loader uses (P|RW and P|RW|A|D). */
#define LVBS_PTE_TABLE       0x003ull
#define LVBS_PTE_LEAF        0x063ull

/* Initial VP context (HV_INITIAL_VP_CONTEXT, 224 bytes) field offsets. */
#define LVBS_CTX_SIZE        224u
#define LVBS_CTX_RIP         0u
#define LVBS_CTX_RSP         8u
#define LVBS_CTX_RFLAGS      16u
#define LVBS_CTX_SEG(i)      (24u + 16u * (i)) /* cs ds es fs gs ss tr ldtr */
#define LVBS_CTX_IDTR        152u
#define LVBS_CTX_GDTR        168u
#define LVBS_CTX_EFER        184u
#define LVBS_CTX_CR0         192u
#define LVBS_CTX_CR3         200u
#define LVBS_CTX_CR4         208u
#define LVBS_CTX_PAT         216u
enum { LVBS_SEG_CS, LVBS_SEG_DS, LVBS_SEG_ES, LVBS_SEG_FS, LVBS_SEG_GS, LVBS_SEG_SS,
       LVBS_SEG_TR, LVBS_SEG_LDTR };

#define LVBS_CR0 0x80010033ull /* PG|WP|NE|ET|MP|PE */
#define LVBS_CR4 0x000000B0ull /* PGE|PAE|PSE */
#define LVBS_EFER 0x00000D01ull /* NX|LMA|LME|SCE */
#define LVBS_PAT 0x0007040600070406ull
#define LVBS_CS_ATTR 0x209Bu
#define LVBS_DS_ATTR 0x4093u
#define LVBS_TR_ATTR 0x008Bu
#define LVBS_TSS_SIZE 0x68u    /* struct x86_hw_tss */

/* boot_params offsets (Linux arch/x86/include/uapi/asm/bootparam.h). */
#define BP_ACPI_RSDP_ADDR    0x070u
#define BP_EXT_CMD_LINE_PTR  0x0c8u
#define BP_E820_ENTRIES      0x1e8u
#define BP_TYPE_OF_LOADER    0x210u
#define BP_CMD_LINE_PTR      0x228u
#define BP_HARDWARE_SUBARCH  0x23cu
#define BP_E820_TABLE        0x2d0u
#define BP_E820_ENTRY_SIZE   20u
#define E820_TYPE_RAM        1u
#define E820_TYPE_RESERVED   2u

/*
 * VTL0 generations the loader imitates (docs/compatibility.md):
 *   LVBS_GEN_MODEL (0)  the model's loader: everything zeroed first
 *   LVBS_GEN_V2/V3      16 special pages, boot_params + command line, 8-byte
 *                       GDT entries (entry 0 = GDT_ENTRY(0x2018,0,0), limit
 *                       31), RSP = stack page + 0xFFF; V3 does not zero the
 *                       region (stale bytes stay), V2 does
 *   LVBS_GEN_V4         14 special pages, no boot_params or command line,
 *                       64-bit descriptor attributes, 16-byte TSS descriptor
 *                       (limit 39), RSP = stack page + 0x1000; only the page
 *                       tables are zeroed
 */
#define LVBS_GEN_MODEL 0u
#define LVBS_GEN_V2    2u
#define LVBS_GEN_V3    3u
#define LVBS_GEN_V4    4u
#define LVBS_NR_SPECIAL_V4 14u
#define LVBS_STALE_BYTE 0x5Au   /* what "not zeroed" leaves in the model */
#define LVBS_CS_ATTR_V4 0xA09Bu
#define LVBS_DS_ATTR_V4 0xC093u

struct lvbs_region {
	unsigned int gen;       /* LVBS_GEN_* */
	uint64_t pa;            /* VTL1 region start: 2 MiB aligned */
	uint64_t size;          /* >= LVBS_MAP_SIZE */
	uint64_t ram_size;      /* all guest RAM: e820 covers [0, ram_size) */
	unsigned int possible_cpus;
	const char *cmdline_extra; /* appended to the command line, may be NULL */
};

/*
 * Build the special pages in `pages` (the region's first 64 KiB as the
 * loader sees them; LVBS_NR_SPECIAL pages, zeroed here first) and fill `ctx`
 * with everything but RIP.  Returns 0, or -1 when the region is misaligned,
 * too small, outside RAM, or its first 16 MiB cross a 1 GiB boundary (one PD
 * must hold the eight PT entries).
 */
int lvbs_build_special_pages(uint8_t *pages, const struct lvbs_region *r,
			     uint8_t ctx[LVBS_CTX_SIZE]);

struct lvbs_elf_info {
	uint64_t min_paddr;  /* lowest PT_LOAD p_paddr */
	uint64_t base_pa;    /* where min_paddr landed: region + 2 MiB */
	uint64_t end_pa;     /* end of the highest segment (memsz) */
	uint64_t entry_pa;   /* base_pa + (e_entry - min_paddr) */
	unsigned int nload;  /* PT_LOAD segments copied */
};

/*
 * Check the ELF (64-bit, x86-64, EXEC or DYN, headers and segments inside
 * the file, p_align a multiple of 2 MiB, filesz <= memsz, no wrap-around,
 * everything inside the loader's 16 MiB map) and copy its PT_LOAD segments
 * to `region` (the region's memory, mapped at r->pa) at
 * base = region + 2 MiB + (p_paddr - min_paddr), zeroing memsz beyond filesz.
 * Returns 0, or a negative code with *why set to a readable reason.
 */
int lvbs_load_elf(const uint8_t *img, size_t size, uint8_t *region, const struct lvbs_region *r,
		  struct lvbs_elf_info *out, const char **why);

/* Little-endian field helpers (the pages are raw bytes). */
static inline void lvbs_put64(uint8_t *p, uint64_t v)
{
	for (int i = 0; i < 8; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}
static inline uint64_t lvbs_get64(const uint8_t *p)
{
	uint64_t v = 0;

	for (int i = 7; i >= 0; i--)
		v = v << 8 | p[i];
	return v;
}

#endif
