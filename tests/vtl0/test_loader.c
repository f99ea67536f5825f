// SPDX-License-Identifier: MIT
/* Host tests of the VTL0 guest's LVBS loader (special pages, ELF placement). */
#include <stdlib.h>

#include "tests/unit/unit.h"
#include "tests/vtl0/lvbs_loader.h"

#define MIB (1ull << 20)

static uint32_t rd32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint16_t rd16(const uint8_t *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}

TEST(vtl0_loader_special_pages)
{
	static uint8_t pages[LVBS_NR_SPECIAL * LVBS_PAGE_SIZE];
	uint8_t ctx[LVBS_CTX_SIZE];
	struct lvbs_region r = { .pa = 0x1000000, .size = 64 * MIB, .ram_size = 446 * MIB,
				 .possible_cpus = 4, .cmdline_extra = "vtlguard.x=1" };
	const uint8_t *bp = pages + LVBS_PG_BOOT_PARAMS * LVBS_PAGE_SIZE;
	const uint8_t *pd = pages + LVBS_PG_PD * LVBS_PAGE_SIZE;
	uint64_t pa = r.pa;

	CHECK_EQ_INT(lvbs_build_special_pages(pages, &r, ctx), 0);
	/* GDT */
	CHECK_EQ(lvbs_get64(pages + 0), 0);
	CHECK_EQ(lvbs_get64(pages + 8), 0x00209B0000000000ull);
	CHECK_EQ(lvbs_get64(pages + 16), 0x0040930000000000ull);
	CHECK_EQ(lvbs_get64(pages + 24) >> 40 & 0xFF, 0x89);
	CHECK_EQ((lvbs_get64(pages + 24) >> 16 & 0xFFFFFF) | (lvbs_get64(pages + 24) >> 56) << 24,
		 pa + 0x1000);
	/* TSS rsp0 and context RSP: the stack page's last byte, as LVBS does */
	CHECK_EQ(lvbs_get64(pages + LVBS_PAGE_SIZE + 4), pa + 13 * 0x1000 + 4095);
	CHECK_EQ(lvbs_get64(ctx + LVBS_CTX_RSP), pa + 13 * 0x1000 + 4095);
	/* page tables: pa is 16 MiB -> PML4[0], PDPT[0], PD[8..15] */
	CHECK_EQ(lvbs_get64(pages + 2 * 0x1000), (pa + 3 * 0x1000) | 3);
	CHECK_EQ(lvbs_get64(pages + 3 * 0x1000), (pa + 4 * 0x1000) | 3);
	CHECK_EQ(lvbs_get64(pd + 8 * 7), 0);
	for (unsigned int i = 0; i < 8; i++) {
		const uint8_t *pt = pages + (5 + i) * 0x1000;

		CHECK_EQ(lvbs_get64(pd + 8 * (8 + i)), (pa + (5 + i) * 0x1000ull) | 0x63);
		CHECK_EQ(lvbs_get64(pt), (pa + i * 2 * MIB) | 0x63);
		CHECK_EQ(lvbs_get64(pt + 8 * 511), (pa + i * 2 * MIB + 511 * 0x1000ull) | 0x63);
	}
	CHECK_EQ(lvbs_get64(pd + 8 * 16), 0);
	/* boot_params */
	CHECK_EQ(bp[BP_TYPE_OF_LOADER], 0xFF);
	CHECK_EQ(rd32(bp + BP_CMD_LINE_PTR), pa + 15 * 0x1000);
	CHECK_EQ(rd32(bp + BP_EXT_CMD_LINE_PTR), 0);
	CHECK_EQ(bp[BP_E820_ENTRIES], 3);
	CHECK_EQ(lvbs_get64(bp + BP_E820_TABLE), 0);
	CHECK_EQ(lvbs_get64(bp + BP_E820_TABLE + 8), pa);
	CHECK_EQ(rd32(bp + BP_E820_TABLE + 16), E820_TYPE_RESERVED);
	CHECK_EQ(lvbs_get64(bp + BP_E820_TABLE + 20), pa);
	CHECK_EQ(lvbs_get64(bp + BP_E820_TABLE + 28), 64 * MIB);
	CHECK_EQ(rd32(bp + BP_E820_TABLE + 36), E820_TYPE_RAM);
	CHECK_EQ(lvbs_get64(bp + BP_E820_TABLE + 40), pa + 64 * MIB);
	CHECK_EQ(lvbs_get64(bp + BP_E820_TABLE + 48), 446 * MIB - pa - 64 * MIB);
	CHECK_EQ(rd32(bp + BP_E820_TABLE + 56), E820_TYPE_RESERVED);
	CHECK_STR((const char *)pages + 15 * 0x1000, "possible_cpus=4 vtlguard.x=1");
	/* context */
	CHECK_EQ(lvbs_get64(ctx + LVBS_CTX_CR0), 0x80010033);
	CHECK_EQ(lvbs_get64(ctx + LVBS_CTX_CR4), 0xB0);
	CHECK_EQ(lvbs_get64(ctx + LVBS_CTX_EFER), 0xD01);
	CHECK_EQ(lvbs_get64(ctx + LVBS_CTX_PAT), 0x0007040600070406ull);
	CHECK_EQ(lvbs_get64(ctx + LVBS_CTX_RFLAGS), 2);
	CHECK_EQ(lvbs_get64(ctx + LVBS_CTX_CR3), pa + 2 * 0x1000);
	CHECK_EQ(rd16(ctx + LVBS_CTX_SEG(LVBS_SEG_CS) + 12), 0x08);
	CHECK_EQ(rd16(ctx + LVBS_CTX_SEG(LVBS_SEG_CS) + 14), 0x209B);
	CHECK_EQ(rd16(ctx + LVBS_CTX_SEG(LVBS_SEG_GS) + 12), 0x10);
	CHECK_EQ(rd16(ctx + LVBS_CTX_SEG(LVBS_SEG_GS) + 14), 0x4093);
	CHECK_EQ(rd16(ctx + LVBS_CTX_SEG(LVBS_SEG_SS) + 12), 0);
	CHECK_EQ(lvbs_get64(ctx + LVBS_CTX_SEG(LVBS_SEG_TR)), pa + 0x1000);
	CHECK_EQ(rd32(ctx + LVBS_CTX_SEG(LVBS_SEG_TR) + 8), 0x67);
	CHECK_EQ(rd16(ctx + LVBS_CTX_SEG(LVBS_SEG_TR) + 12), 0x18);
	CHECK_EQ(rd16(ctx + LVBS_CTX_SEG(LVBS_SEG_TR) + 14), 0x8B);
	CHECK_EQ(lvbs_get64(ctx + LVBS_CTX_GDTR + 8), pa);
	CHECK_EQ(rd16(ctx + LVBS_CTX_GDTR + 6), 0x27);
}

TEST(vtl0_loader_special_pages_refuses_bad_regions)
{
	static uint8_t pages[LVBS_NR_SPECIAL * LVBS_PAGE_SIZE];
	uint8_t ctx[LVBS_CTX_SIZE];
	struct lvbs_region r = { .pa = 0x1000000, .size = 64 * MIB, .ram_size = 446 * MIB,
				 .possible_cpus = 1 };

	r.pa = 0x1001000; /* not 2 MiB aligned */
	CHECK_EQ_INT(lvbs_build_special_pages(pages, &r, ctx), -1);
	r.pa = 0x40000000 - 8 * MIB; /* first 16 MiB cross 1 GiB */
	r.ram_size = 4096 * MIB;
	CHECK_EQ_INT(lvbs_build_special_pages(pages, &r, ctx), -1);
	r.pa = 0x1000000;
	r.ram_size = 32 * MIB; /* beyond RAM */
	CHECK_EQ_INT(lvbs_build_special_pages(pages, &r, ctx), -1);
	r.ram_size = 446 * MIB;
	r.size = 8 * MIB; /* smaller than the 16 MiB map */
	CHECK_EQ_INT(lvbs_build_special_pages(pages, &r, ctx), -1);
	r.size = 64 * MIB;
	r.possible_cpus = 0;
	CHECK_EQ_INT(lvbs_build_special_pages(pages, &r, ctx), -1);
}

/* A little ELF: three PT_LOADs at p_paddr 16, 18 and 20 MiB (like vtlguard). */
static size_t make_elf(uint8_t *img, size_t cap, uint64_t align)
{
	static const uint64_t paddr[3] = { 16 * MIB, 18 * MIB, 20 * MIB };
	size_t off = 64 + 4 * 56;

	memset(img, 0, cap);
	memcpy(img, "\x7f" "ELF", 4);
	img[4] = 2;
	img[5] = 1;
	img[6] = 1;
	img[16] = 3;  /* ET_DYN */
	img[18] = 62; /* x86-64 */
	lvbs_put64(img + 24, 16 * MIB + 0x40); /* entry */
	lvbs_put64(img + 32, 64);
	img[54] = 56;
	img[56] = 4;
	/* one non-LOAD header (PT_NOTE) that must be ignored */
	img[64] = 4;
	for (int i = 0; i < 3; i++) {
		uint8_t *ph = img + 64 + 56 * (i + 1);

		ph[0] = 1;
		lvbs_put64(ph + 8, off + (size_t)i * 256);
		lvbs_put64(ph + 16, 0xffffffff80000000ull + paddr[i]);
		lvbs_put64(ph + 24, paddr[i]);
		lvbs_put64(ph + 32, 256);
		lvbs_put64(ph + 40, i == 2 ? 8192 : 256);
		lvbs_put64(ph + 48, align);
		memset(img + off + (size_t)i * 256, 0xA0 + i, 256);
	}
	return off + 3 * 256;
}

TEST(vtl0_loader_elf_placement)
{
	static uint8_t img[4096];
	struct lvbs_region r = { .pa = 32 * MIB, .size = 64 * MIB, .ram_size = 446 * MIB,
				 .possible_cpus = 1 };
	uint8_t *region = calloc(1, 16 * MIB);
	struct lvbs_elf_info info;
	const char *why;
	size_t n = make_elf(img, sizeof(img), 2 * MIB);

	CHECK(region != NULL);
	if (!region)
		return;
	memset(region + 6 * MIB + 256, 0x55, 8192); /* must be zeroed (bss) */
	CHECK_EQ_INT(lvbs_load_elf(img, n, region, &r, &info, &why), 0);
	CHECK_EQ(info.nload, 3);
	CHECK_EQ(info.min_paddr, 16 * MIB);
	CHECK_EQ(info.base_pa, r.pa + 2 * MIB);
	CHECK_EQ(info.entry_pa, r.pa + 2 * MIB + 0x40);
	CHECK_EQ(info.end_pa, r.pa + 6 * MIB + 8192);
	CHECK_EQ(region[2 * MIB], 0xA0);
	CHECK_EQ(region[2 * MIB + 255], 0xA0);
	CHECK_EQ(region[2 * MIB + 256], 0);
	CHECK_EQ(region[4 * MIB], 0xA1);
	CHECK_EQ(region[6 * MIB + 255], 0xA2);
	CHECK_EQ(region[6 * MIB + 256], 0);
	CHECK_EQ(region[6 * MIB + 8191], 0);
	CHECK_EQ(region[6 * MIB + 8192], 0x55); /* beyond memsz: untouched */
	free(region);
}

TEST(vtl0_loader_elf_refusals)
{
	static uint8_t img[4096];
	struct lvbs_region r = { .pa = 32 * MIB, .size = 64 * MIB, .ram_size = 446 * MIB,
				 .possible_cpus = 1 };
	uint8_t *region = calloc(1, 16 * MIB);
	struct lvbs_elf_info info;
	const char *why;
	size_t n;

	CHECK(region != NULL);
	if (!region)
		return;
	n = make_elf(img, sizeof(img), 4096); /* 4 KiB alignment: LVBS refuses */
	CHECK(lvbs_load_elf(img, n, region, &r, &info, &why) < 0);
	CHECK(strstr(why, "2 MiB") != NULL);
	n = make_elf(img, sizeof(img), 4 * MIB); /* a multiple of 2 MiB is fine */
	CHECK_EQ_INT(lvbs_load_elf(img, n, region, &r, &info, &why), 0);

	n = make_elf(img, sizeof(img), 2 * MIB);
	CHECK(lvbs_load_elf(img, 40, region, &r, &info, &why) < 0);        /* truncated */
	lvbs_put64(img + 64 + 56 + 32, 1ull << 40);                         /* filesz huge */
	CHECK(lvbs_load_elf(img, n, region, &r, &info, &why) < 0);
	n = make_elf(img, sizeof(img), 2 * MIB);
	lvbs_put64(img + 64 + 56 * 3 + 40, 15 * MIB);                       /* past 16 MiB map */
	CHECK(lvbs_load_elf(img, n, region, &r, &info, &why) < 0);
	CHECK(strstr(why, "16 MiB") != NULL);
	n = make_elf(img, sizeof(img), 2 * MIB);
	lvbs_put64(img + 64 + 56 * 2 + 24, UINT64_MAX - 16);               /* wraps */
	CHECK(lvbs_load_elf(img, n, region, &r, &info, &why) < 0);
	n = make_elf(img, sizeof(img), 2 * MIB);
	lvbs_put64(img + 32, 4000);                                         /* phdrs off the end */
	CHECK(lvbs_load_elf(img, n, region, &r, &info, &why) < 0);
	n = make_elf(img, sizeof(img), 2 * MIB);
	lvbs_put64(img + 24, 100 * MIB);                                    /* entry outside */
	CHECK(lvbs_load_elf(img, n, region, &r, &info, &why) < 0);
	n = make_elf(img, sizeof(img), 2 * MIB);
	img[18] = 3;                                                        /* i386 */
	CHECK(lvbs_load_elf(img, n, region, &r, &info, &why) < 0);
	free(region);
}
