// SPDX-License-Identifier: MIT
/*
 * The LVBS boot stage for a real Linux kernel under hvsim (tools/hvsim/run
 * --kernel ... --vtl1 build/vtlguard.elf).  It is the part of LVBS Linux's
 * boot (drivers/hv/hv_vsm_boot.c) that runs before Linux itself, done by a
 * small VTL0 program so a stock kernel can sit in VTL0 next to vtlguard:
 *   1. choose the VTL1 region (2 MiB aligned, below the initrd, above the
 *      kernel's init_size) and reserve it in Linux's e820;
 *   2.-3. the LVBS boot of tests/guestlib/lvbs_boot.c into that region
 *      (gl_lvbs_boot_region: the 16 special pages and vtlguard's segments,
 *      LVBS V3; EnablePartitionVtl(1, MBEC), EnableVpVtl(self, 1, context);
 *      the first VTL call);
 *   4. append "vtl1_region=PA,SIZE" to Linux's command line (so the test's
 *      init script knows what to attack) and jump to Linux's 64-bit entry
 *      with RSI = hvsim's boot_params.
 * Each step prints one "linux-stage:" line; a failure exits with status 2.
 */
#include "core/fmt.h"
#include "tests/guestlib/guestlib.h"
#include "tests/guestlib/lvbs_boot.h"
#include "tests/vtl0/lvbs_loader.h"
#include "tools/hvsim/bootinfo.h"
#include "tools/hvsim/linux.h"

#define MIB (1ull << 20)
#define VTL1_REGION_SIZE (64 * MIB)

void stage_jump_linux(uint64_t entry, uint64_t boot_params) __attribute__((noreturn));

static int fail(const char *what)
{
	gl_printf("linux-stage: FAIL %s\n", what);
	return 2;
}

static uint64_t rd(const uint8_t *p, unsigned int n)
{
	uint64_t v = 0;

	gl_memcpy(&v, p, n);
	return v;
}

static void wr(uint8_t *p, uint64_t v, unsigned int n)
{
	gl_memcpy(p, &v, n);
}

/*
 * Marks [pa, pa+size) reserved in the e820 table of boot_params by
 * splitting the one RAM entry that holds it.  -1 when no single RAM entry
 * holds it or the table is full.
 */
static int e820_reserve(uint8_t *bp, uint64_t pa, uint64_t size)
{
	unsigned int n = bp[BP_E820_NR];

	for (unsigned int i = 0; i < n; i++) {
		uint8_t *e = bp + BP_E820_MAP + 20u * i;
		uint64_t a = rd(e, 8), s = rd(e + 8, 8);

		if (rd(e + 16, 4) != 1 || pa < a || pa + size > a + s)
			continue;
		if (n + 2 > BP_E820_MAX)
			return -1;
		/* entries after i move up by two; i becomes [a, pa) */
		for (unsigned int j = n; j-- > i + 1;)
			gl_memcpy(bp + BP_E820_MAP + 20u * (j + 2), bp + BP_E820_MAP + 20u * j, 20);
		wr(e + 8, pa - a, 8);
		wr(e + 20, pa, 8);
		wr(e + 28, size, 8);
		wr(e + 36, 2, 4);
		wr(e + 40, pa + size, 8);
		wr(e + 48, a + s - (pa + size), 8);
		wr(e + 56, 1, 4);
		bp[BP_E820_NR] = (uint8_t)(n + 2);
		return 0;
	}
	return -1;
}

int gl_main(const struct hvsim_boot_info *bi)
{
	uint8_t *bp = (uint8_t *)(uintptr_t)HVSIM_LINUX_BP_GPA;
	char *cmdline = (char *)(uintptr_t)HVSIM_LINUX_CMDLINE_GPA;
	const char *why = "";
	struct gl_lvbs l = { 0 };

	if (!(bi->flags & HVSIM_BOOT_LINUX) || !bi->blob_gpa)
		return fail("no kernel (HVSIM_BOOT_LINUX) or no vtlguard blob: run tools/hvsim/run "
			    "--kernel BZIMAGE --vtl1 build/vtlguard.elf");
	uint64_t kend = rd(bp + BP_CODE32_START, 4) + rd(bp + BP_INIT_SIZE, 4);
	uint64_t initrd = rd(bp + BP_RAMDISK_IMAGE, 4);
	uint64_t top = (initrd ? initrd : bi->ram_size) & ~(LVBS_SEG_ALIGN - 1);
	struct lvbs_region *reg = &l.reg;

	*reg = (struct lvbs_region){ .gen = LVBS_GEN_V3, .pa = top - VTL1_REGION_SIZE,
				     .size = VTL1_REGION_SIZE, .ram_size = bi->ram_size,
				     .possible_cpus = bi->nr_vps };

	/* 1. the region, reserved out of Linux's RAM */
	if (top < VTL1_REGION_SIZE || reg->pa < kend)
		return fail("no room for the 64 MiB VTL1 region between the kernel and the initrd: "
			    "raise -m");
	if (e820_reserve(bp, reg->pa, reg->size))
		return fail("cannot reserve the VTL1 region in Linux's e820");
	gl_printf("linux-stage: VTL1 region %#llx+%llu MiB reserved in Linux's e820\n",
		  (unsigned long long)reg->pa, (unsigned long long)(reg->size >> 20));

	/* 2.-3. special pages, vtlguard's segments, VTL1 on, first VTL call */
	if (gl_lvbs_boot_region(bi, &l, &why))
		return fail(why);
	gl_printf("linux-stage: vtlguard loaded at %#llx..%#llx, entry %#llx\n",
		  (unsigned long long)l.elf.base_pa, (unsigned long long)l.elf.end_pa,
		  (unsigned long long)l.elf.entry_pa);
	gl_printf("linux-stage: vtlguard is up in VTL1\n");

	/* 4. Linux */
	uint64_t len = 0;
	while (cmdline[len])
		len++;
	char tail[64];
	int tl = snprintk(tail, sizeof(tail), " vtl1_region=%#llx,%llu", (unsigned long long)reg->pa,
			  (unsigned long long)reg->size);
	if (tl < 0 || len + (uint64_t)tl >= rd(bp + BP_CMDLINE_SIZE, 4) ||
	    len + (uint64_t)tl >= HVSIM_LINUX_CMDLINE_MAX)
		return fail("command line too long to append vtl1_region=");
	gl_memcpy(cmdline + len, tail, (size_t)tl + 1);
	gl_printf("linux-stage: starting Linux at %#llx\n",
		  (unsigned long long)(rd(bp + BP_CODE32_START, 4) + HVSIM_LINUX_ENTRY64_OFF));
	stage_jump_linux(rd(bp + BP_CODE32_START, 4) + HVSIM_LINUX_ENTRY64_OFF, HVSIM_LINUX_BP_GPA);
}
