// SPDX-License-Identifier: MIT
/*
 * LVBS loader (VTL0 side): special pages, ELF placement, initial context.
 * See lvbs_loader.h; the values follow docs/boot (BRIEF "LVBS boot protocol")
 * and what LVBS Linux's hv_vsm_boot.c writes.
 */
#include "tests/vtl0/lvbs_loader.h"

#include <stdbool.h>
#include <string.h>

#define PAGE(i) ((uint64_t)(i) * LVBS_PAGE_SIZE)

static void put32(uint8_t *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
}

static uint32_t get32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint16_t get16(const uint8_t *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}

static void put_seg(uint8_t *ctx, unsigned int seg, uint64_t base, uint32_t limit, uint16_t sel,
		    uint16_t attr)
{
	uint8_t *s = ctx + LVBS_CTX_SEG(seg);

	lvbs_put64(s, base);
	put32(s + 8, limit);
	put16(s + 12, sel);
	put16(s + 14, attr);
}

/* A 16-byte 64-bit TSS descriptor (type 9, available). */
static void put_tss_desc(uint8_t *d, uint64_t base, uint32_t limit)
{
	uint64_t lo = (limit & 0xFFFFull) | (base & 0xFFFFFFull) << 16 | 0x89ull << 40 |
		      (uint64_t)((limit >> 16) & 0xF) << 48 | ((base >> 24) & 0xFF) << 56;

	lvbs_put64(d, lo);
	lvbs_put64(d + 8, base >> 32);
}

static void add_e820(uint8_t *bp, uint64_t start, uint64_t end, uint32_t type)
{
	uint8_t n = bp[BP_E820_ENTRIES];
	uint8_t *e = bp + BP_E820_TABLE + (size_t)n * BP_E820_ENTRY_SIZE;

	lvbs_put64(e, start);
	lvbs_put64(e + 8, end - start);
	put32(e + 16, type);
	bp[BP_E820_ENTRIES] = (uint8_t)(n + 1);
}

static size_t append(char *dst, size_t pos, size_t max, const char *s)
{
	while (*s && pos + 1 < max)
		dst[pos++] = *s++;
	dst[pos] = 0;
	return pos;
}

static size_t append_uint(char *dst, size_t pos, size_t max, unsigned int v)
{
	char tmp[12];
	int n = 0;

	do {
		tmp[n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	while (n && pos + 1 < max)
		dst[pos++] = tmp[--n];
	dst[pos] = 0;
	return pos;
}

int lvbs_build_special_pages(uint8_t *pages, const struct lvbs_region *r,
			     uint8_t ctx[LVBS_CTX_SIZE])
{
	uint64_t pa = r->pa, end;
	unsigned int pml4i, pdpti, pdi;
	uint8_t *gdt, *tss, *pml4, *pdpt, *pd;

	if (pa % LVBS_SEG_ALIGN || r->size < LVBS_MAP_SIZE || r->size % LVBS_PAGE_SIZE ||
	    pa + r->size < pa || pa + r->size > r->ram_size || r->possible_cpus == 0)
		return -1;
	end = pa + r->size;
	pml4i = (unsigned int)(pa >> 39) & 511;
	pdpti = (unsigned int)(pa >> 30) & 511;
	pdi = (unsigned int)(pa >> 21) & 511;
	if (pdi + LVBS_NR_PT > 512)
		return -1; /* the first 16 MiB would need a second PD */

	/* V3 and V4 use the region as they find it (phys_to_virt, no memset):
	 * the stale pattern stands for whatever was there.  V4 zeroes only its
	 * page-table pages; V2 and the model zero everything. */
	if (r->gen == LVBS_GEN_V3 || r->gen == LVBS_GEN_V4) {
		memset(pages, LVBS_STALE_BYTE, PAGE(LVBS_NR_SPECIAL));
		if (r->gen == LVBS_GEN_V4)
			memset(pages + PAGE(LVBS_PG_PML4), 0, PAGE(3 + LVBS_NR_PT));
	} else {
		memset(pages, 0, PAGE(LVBS_NR_SPECIAL));
	}
	memset(ctx, 0, LVBS_CTX_SIZE);

	gdt = pages + PAGE(LVBS_PG_GDT);
	if (r->gen == LVBS_GEN_V2 || r->gen == LVBS_GEN_V3) {
		/* init_gdt: four 8-byte entries; entry 0 is GDT_ENTRY(0x2018, 0, 0)
		 * (not a null descriptor), the TSS descriptor is 8 bytes. */
		lvbs_put64(gdt, 0x0000200000000000ull | 0x18ull << 40);
		lvbs_put64(gdt + 0x08, (uint64_t)LVBS_CS_ATTR << 40 & 0x00F0FF0000000000ull);
		lvbs_put64(gdt + 0x10, (uint64_t)LVBS_DS_ATTR << 40 & 0x00F0FF0000000000ull);
		put_tss_desc(gdt + 0x18, pa + PAGE(LVBS_PG_TSS), LVBS_TSS_SIZE - 1);
		if (r->gen == LVBS_GEN_V3)
			memset(gdt + 0x20, LVBS_STALE_BYTE, 8); /* the TSS's upper half: not written */
		else
			memset(gdt + 0x20, 0, 8);
	} else {
		/* null, 64-bit code (0x08), data (0x10), TSS (0x18, 16 bytes). */
		uint16_t cs = r->gen == LVBS_GEN_V4 ? LVBS_CS_ATTR_V4 : LVBS_CS_ATTR;
		uint16_t ds = r->gen == LVBS_GEN_V4 ? LVBS_DS_ATTR_V4 : LVBS_DS_ATTR;

		lvbs_put64(gdt, 0);
		lvbs_put64(gdt + 0x08, (uint64_t)cs << 40 & 0x00F0FF0000000000ull);
		lvbs_put64(gdt + 0x10, (uint64_t)ds << 40 & 0x00F0FF0000000000ull);
		put_tss_desc(gdt + 0x18, pa + PAGE(LVBS_PG_TSS), LVBS_TSS_SIZE - 1);
	}

	/* TSS: RSP0 = the boot stack, as LVBS sets it (top byte of the page). */
	tss = pages + PAGE(LVBS_PG_TSS);
	lvbs_put64(tss + 4, pa + PAGE(LVBS_PG_STACK) + LVBS_PAGE_SIZE - 1);

	/* Page tables: identity map of [pa, pa + 16 MiB) with 4 KiB pages. */
	pml4 = pages + PAGE(LVBS_PG_PML4);
	pdpt = pages + PAGE(LVBS_PG_PDPT);
	pd = pages + PAGE(LVBS_PG_PD);
	lvbs_put64(pml4 + 8 * pml4i, (pa + PAGE(LVBS_PG_PDPT)) | LVBS_PTE_TABLE);
	lvbs_put64(pdpt + 8 * pdpti, (pa + PAGE(LVBS_PG_PD)) | LVBS_PTE_TABLE);
	for (unsigned int i = 0; i < LVBS_NR_PT; i++) {
		uint8_t *pt = pages + PAGE(LVBS_PG_PT0 + i);

		lvbs_put64(pd + 8 * (pdi + i), (pa + PAGE(LVBS_PG_PT0 + i)) | LVBS_PTE_LEAF);
		for (unsigned int j = 0; j < 512; j++)
			lvbs_put64(pt + 8 * j, (pa + PAGE(i * 512 + j)) | LVBS_PTE_LEAF);
	}

	if (r->gen != LVBS_GEN_V4) {
		/* boot_params: loader 0xFF, subarch lguest, e820, command line. */
		uint8_t *bp = pages + PAGE(LVBS_PG_BOOT_PARAMS);
		char *cmd;
		size_t pos;

		bp[BP_E820_ENTRIES] = 0;
		bp[BP_TYPE_OF_LOADER] = 0xFF;
		put32(bp + BP_HARDWARE_SUBARCH, 1);
		put32(bp + BP_CMD_LINE_PTR, (uint32_t)(pa + PAGE(LVBS_PG_CMDLINE)));
		put32(bp + BP_EXT_CMD_LINE_PTR, (uint32_t)((pa + PAGE(LVBS_PG_CMDLINE)) >> 32));
		lvbs_put64(bp + BP_ACPI_RSDP_ADDR, 0); /* hvsim has no ACPI */
		add_e820(bp, 0, pa, E820_TYPE_RESERVED);
		add_e820(bp, pa, end, E820_TYPE_RAM);
		add_e820(bp, end, r->ram_size, E820_TYPE_RESERVED);

		cmd = (char *)(pages + PAGE(LVBS_PG_CMDLINE));
		pos = 0;
		if (r->gen == LVBS_GEN_V2 || r->gen == LVBS_GEN_V3) /* verbatim, hv_vsm_boot.c */
			pos = append(cmd, 0, LVBS_PAGE_SIZE,
				     "debug rootwait console=ttyS1,115200 earlyprintk=ttyS1,115200 "
				     "cpuidle.off=1 cpufreq.off=1 idle=halt "
				     "initcall_blacklist=do_init_real_mode,sbf_init maxcpus=1 "
				     "noxsave ");
		pos = append(cmd, pos, LVBS_PAGE_SIZE, "possible_cpus=");
		pos = append_uint(cmd, pos, LVBS_PAGE_SIZE, r->possible_cpus);
		if (r->cmdline_extra && r->cmdline_extra[0]) {
			pos = append(cmd, pos, LVBS_PAGE_SIZE, " ");
			append(cmd, pos, LVBS_PAGE_SIZE, r->cmdline_extra);
		}
	}

	/* Initial context (RIP is set by the caller from the ELF entry). */
	{
		bool v4 = r->gen == LVBS_GEN_V4, old = r->gen == LVBS_GEN_V2 || r->gen == LVBS_GEN_V3;
		uint16_t cs = v4 ? LVBS_CS_ATTR_V4 : LVBS_CS_ATTR, ds = v4 ? LVBS_DS_ATTR_V4 : LVBS_DS_ATTR;

		/* V1-V3: stack page + 0xFFF; V4: + 0x1000 (the page's end). */
		lvbs_put64(ctx + LVBS_CTX_RSP,
			   pa + PAGE(LVBS_PG_STACK) + LVBS_PAGE_SIZE - (v4 ? 0 : 1));
		lvbs_put64(ctx + LVBS_CTX_RFLAGS, 0x2);
		put_seg(ctx, LVBS_SEG_CS, 0, 0, 0x08, cs);
		put_seg(ctx, LVBS_SEG_DS, 0, 0, 0x10, ds);
		put_seg(ctx, LVBS_SEG_ES, 0, 0, 0x10, ds);
		put_seg(ctx, LVBS_SEG_FS, 0, 0, 0x10, ds);
		put_seg(ctx, LVBS_SEG_GS, 0, 0, 0x10, ds);
		put_seg(ctx, LVBS_SEG_SS, 0, 0, 0, 0);
		put_seg(ctx, LVBS_SEG_TR, pa + PAGE(LVBS_PG_TSS), LVBS_TSS_SIZE - 1, 0x18,
			LVBS_TR_ATTR);
		/* V1-V3: four 8-byte descriptors (limit 31); V4 and the model:
		 * the TSS descriptor is 16 bytes (limit 39). */
		put16(ctx + LVBS_CTX_GDTR + 6, old ? 0x1F : 0x27);
	}
	lvbs_put64(ctx + LVBS_CTX_GDTR + 8, pa + PAGE(LVBS_PG_GDT));
	lvbs_put64(ctx + LVBS_CTX_EFER, LVBS_EFER);
	lvbs_put64(ctx + LVBS_CTX_CR0, LVBS_CR0);
	lvbs_put64(ctx + LVBS_CTX_CR3, pa + PAGE(LVBS_PG_PML4));
	lvbs_put64(ctx + LVBS_CTX_CR4, LVBS_CR4);
	lvbs_put64(ctx + LVBS_CTX_PAT, LVBS_PAT);
	return 0;
}

/* ---------------------------------------------------------------- ELF */

#define EH_TYPE 16
#define EH_MACHINE 18
#define EH_ENTRY 24
#define EH_PHOFF 32
#define EH_PHENTSIZE 54
#define EH_PHNUM 56
#define PH_SIZE 56
#define PT_LOAD 1

struct phdr {
	uint32_t type;
	uint64_t offset, paddr, filesz, memsz, align;
};

static void read_phdr(const uint8_t *p, struct phdr *ph)
{
	ph->type = get32(p);
	ph->offset = lvbs_get64(p + 8);
	ph->paddr = lvbs_get64(p + 24);
	ph->filesz = lvbs_get64(p + 32);
	ph->memsz = lvbs_get64(p + 40);
	ph->align = lvbs_get64(p + 48);
}

int lvbs_load_elf(const uint8_t *img, size_t size, uint8_t *region, const struct lvbs_region *r,
		  struct lvbs_elf_info *out, const char **why)
{
	uint64_t phoff, min_paddr = UINT64_MAX, map_end = r->pa + LVBS_MAP_SIZE;
	uint64_t base = r->pa + LVBS_SEG_ALIGN, end = base, entry;
	unsigned int phnum;
	struct phdr ph;

	memset(out, 0, sizeof(*out));
	*why = "";
	if (size < 64 || img[0] != 0x7F || img[1] != 'E' || img[2] != 'L' || img[3] != 'F') {
		*why = "not an ELF file";
		return -1;
	}
	if (img[4] != 2 || img[5] != 1 || get16(img + EH_MACHINE) != 62 ||
	    (get16(img + EH_TYPE) != 2 && get16(img + EH_TYPE) != 3)) {
		*why = "not a little-endian 64-bit x86-64 EXEC/DYN ELF";
		return -2;
	}
	phoff = lvbs_get64(img + EH_PHOFF);
	phnum = get16(img + EH_PHNUM);
	if (get16(img + EH_PHENTSIZE) != PH_SIZE || phnum == 0 || phoff > size ||
	    (uint64_t)phnum * PH_SIZE > size - phoff) {
		*why = "program headers outside the file";
		return -3;
	}
	/* Pass 1: check every PT_LOAD and find the lowest p_paddr. */
	for (unsigned int i = 0; i < phnum; i++) {
		read_phdr(img + phoff + (uint64_t)i * PH_SIZE, &ph);
		if (ph.type != PT_LOAD)
			continue;
		if (ph.align == 0 || ph.align % LVBS_SEG_ALIGN) {
			*why = "PT_LOAD segment not aligned to 2 MiB (LVBS refuses it)";
			return -4;
		}
		if (ph.filesz > ph.memsz || ph.offset > size || ph.filesz > size - ph.offset) {
			*why = "PT_LOAD segment outside the file or filesz > memsz";
			return -5;
		}
		if (ph.paddr + ph.memsz < ph.paddr) {
			*why = "PT_LOAD segment wraps around";
			return -6;
		}
		if (ph.paddr < min_paddr)
			min_paddr = ph.paddr;
	}
	if (min_paddr == UINT64_MAX) {
		*why = "no PT_LOAD segment";
		return -7;
	}
	/* Pass 2: bounds against the mapped 16 MiB, then copy. */
	for (unsigned int i = 0; i < phnum; i++) {
		uint64_t dst, seg_end;

		read_phdr(img + phoff + (uint64_t)i * PH_SIZE, &ph);
		if (ph.type != PT_LOAD)
			continue;
		dst = base + (ph.paddr - min_paddr);
		if (dst < base || dst + ph.memsz < dst || dst + ph.memsz > map_end ||
		    dst + ph.memsz > r->pa + r->size) {
			*why = "the image does not fit in the loader's 16 MiB map";
			return -8;
		}
		seg_end = dst + ph.memsz;
		if (seg_end > end)
			end = seg_end;
	}
	entry = lvbs_get64(img + EH_ENTRY);
	if (entry < min_paddr || entry - min_paddr >= end - base) {
		*why = "entry point outside the loaded image";
		return -9;
	}
	for (unsigned int i = 0; i < phnum; i++) {
		uint8_t *dst;

		read_phdr(img + phoff + (uint64_t)i * PH_SIZE, &ph);
		if (ph.type != PT_LOAD)
			continue;
		dst = region + (base - r->pa) + (ph.paddr - min_paddr);
		memcpy(dst, img + ph.offset, (size_t)ph.filesz);
		memset(dst + ph.filesz, 0, (size_t)(ph.memsz - ph.filesz));
		out->nload++;
	}
	out->min_paddr = min_paddr;
	out->base_pa = base;
	out->end_pa = end;
	out->entry_pa = base + (entry - min_paddr);
	return 0;
}
