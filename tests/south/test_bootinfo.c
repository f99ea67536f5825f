// SPDX-License-Identifier: MIT
#include <libfdt.h>
#include <stdlib.h>
#include "core/errno.h"
#include "south_lvbs/bootinfo.h"
#include "tests/unit/unit.h"

#define MIB (1ULL << 20)
#define REGION (256 * MIB)
#define IMAGE (REGION + 2 * MIB)

static void e820(uint8_t *bp, unsigned i, uint64_t addr, uint64_t size, uint32_t type)
{
	uint8_t *e = bp + 0x2d0 + i * 20;

	memcpy(e, &addr, 8);
	memcpy(e + 8, &size, 8);
	memcpy(e + 16, &type, 4);
}

/* boot_params as LVBS builds it: reserved, VTL1 RAM, reserved. */
static void lvbs_params(uint8_t *bp)
{
	memset(bp, 0, 4096);
	bp[0x1e8] = 3;
	e820(bp, 0, 0, REGION, 2);
	e820(bp, 1, REGION, 64 * MIB, 1);
	e820(bp, 2, REGION + 64 * MIB, 1024 * MIB, 2);
}

TEST(south_bootinfo_lvbs_ok)
{
	uint8_t bp[4096];
	struct boot_info bi;
	const char *why = NULL;

	lvbs_params(bp);
	CHECK_EQ_INT(boot_info_parse(bp, sizeof(bp), "debug possible_cpus=4 maxcpus=1", IMAGE,
				     4 * MIB, &bi, &why), 0);
	CHECK_EQ(bi.vtl1_start, REGION);
	CHECK_EQ(bi.vtl1_end, REGION + 64 * MIB);
	CHECK_EQ(bi.ram_end, REGION + 64 * MIB + 1024 * MIB);
	CHECK_EQ(bi.possible_cpus, 4);
	CHECK_EQ(bi.policy_pa, 0);
	CHECK_EQ(bi.format, BOOT_FORMAT_BOOT_PARAMS);
	CHECK_EQ_INT(boot_info_parse(bp, sizeof(bp), "possible_cpus=2 vtlguard.policy=0x5000,0x200",
				     IMAGE, 4 * MIB, &bi, &why), 0);
	CHECK_EQ(bi.policy_pa, 0x5000);
	CHECK_EQ(bi.policy_len, 0x200);
}

TEST(south_bootinfo_lvbs_rejects)
{
	uint8_t bp[4096];
	struct boot_info bi;
	const char *why = NULL;
	struct {
		const char *cmd;
		uint64_t image;
	} bad_cmd[] = {
		{ "", IMAGE },
		{ "possible_cpus=0", IMAGE },
		{ "possible_cpus=1025", IMAGE },
		{ "possible_cpus=4x", IMAGE },
		{ "xpossible_cpus=4", IMAGE },
		{ "possible_cpus=4 vtlguard.policy=0x1000", IMAGE },
		{ "possible_cpus=4 vtlguard.policy=0x1000,0", IMAGE },
		{ "possible_cpus=4 vtlguard.policy=0x1000,0x1000000", IMAGE },
		{ "possible_cpus=4 vtlguard.policy=0xfffffffffffff000,0x2000", IMAGE },
		{ "possible_cpus=4", REGION },           /* image over the special pages */
		{ "possible_cpus=4", REGION + 63 * MIB }, /* image runs past the region */
		{ "possible_cpus=4", 0x1000 },           /* image outside VTL1 RAM */
	};

	lvbs_params(bp);
	for (unsigned i = 0; i < sizeof(bad_cmd) / sizeof(bad_cmd[0]); i++) {
		why = NULL;
		CHECK_EQ_INT(boot_info_parse(bp, sizeof(bp), bad_cmd[i].cmd, bad_cmd[i].image,
					     4 * MIB, &bi, &why), -EINVAL);
		CHECK(why != NULL);
	}
	/* Inconsistent memory maps. */
	lvbs_params(bp);
	bp[0x1e8] = 0;
	CHECK_EQ_INT(boot_info_parse(bp, sizeof(bp), "possible_cpus=1", IMAGE, MIB, &bi, &why), -EINVAL);
	lvbs_params(bp);
	bp[0x1e8] = 129;
	CHECK_EQ_INT(boot_info_parse(bp, sizeof(bp), "possible_cpus=1", IMAGE, MIB, &bi, &why), -EINVAL);
	lvbs_params(bp);
	e820(bp, 1, REGION, 8 * MIB, 1); /* smaller than 16 MiB */
	CHECK_EQ_INT(boot_info_parse(bp, sizeof(bp), "possible_cpus=1", IMAGE, MIB, &bi, &why), -EINVAL);
	lvbs_params(bp);
	e820(bp, 2, ~0ULL - 10, 100, 2); /* wraps */
	CHECK_EQ_INT(boot_info_parse(bp, sizeof(bp), "possible_cpus=1", IMAGE, MIB, &bi, &why), -EINVAL);
	lvbs_params(bp);
	bp[0x1e8] = 4;
	e820(bp, 3, IMAGE, MIB, 1); /* two RAM entries hold the image */
	CHECK_EQ_INT(boot_info_parse(bp, sizeof(bp), "possible_cpus=1", IMAGE, MIB, &bi, &why), -EINVAL);
	lvbs_params(bp);
	e820(bp, 1, REGION + 1, 64 * MIB, 1); /* unaligned */
	CHECK_EQ_INT(boot_info_parse(bp, sizeof(bp), "possible_cpus=1", IMAGE, MIB, &bi, &why), -EINVAL);
	CHECK_EQ_INT(boot_info_parse(bp, 100, "possible_cpus=1", IMAGE, MIB, &bi, &why), -EINVAL);
	lvbs_params(bp);
	CHECK_EQ_INT(boot_info_parse(bp, sizeof(bp), "possible_cpus=1", IMAGE, ~0ULL, &bi, &why), -EINVAL);
}

static size_t build_fdt(void *buf, size_t size, uint64_t start, uint64_t len, uint64_t end,
			uint32_t cpus, int with_policy)
{
	fdt64_t mem[2] = { cpu_to_fdt64(start), cpu_to_fdt64(len) };
	fdt64_t pol[2] = { cpu_to_fdt64(0x9000), cpu_to_fdt64(0x100) };
	fdt64_t e = cpu_to_fdt64(end);
	fdt32_t c = cpu_to_fdt32(cpus);

	CHECK_EQ_INT(fdt_create(buf, (int)size), 0);
	fdt_finish_reservemap(buf);
	fdt_begin_node(buf, "");
	fdt_begin_node(buf, "vtlguard");
	fdt_property(buf, "vtl1-memory", mem, sizeof(mem));
	fdt_property(buf, "memory-end", &e, sizeof(e));
	fdt_property(buf, "possible-cpus", &c, sizeof(c));
	if (with_policy)
		fdt_property(buf, "policy", pol, sizeof(pol));
	fdt_end_node(buf);
	fdt_end_node(buf);
	CHECK_EQ_INT(fdt_finish(buf), 0);
	return fdt_totalsize(buf);
}

TEST(south_bootinfo_fdt)
{
	uint8_t page[4096];
	struct boot_info bi;
	const char *why = NULL;

	build_fdt(page, sizeof(page), REGION, 64 * MIB, 4096 * MIB, 2, 1);
	CHECK_EQ_INT(boot_info_parse(page, sizeof(page), NULL, IMAGE, 4 * MIB, &bi, &why), 0);
	CHECK_EQ(bi.format, BOOT_FORMAT_FDT);
	CHECK_EQ(bi.vtl1_start, REGION);
	CHECK_EQ(bi.possible_cpus, 2);
	CHECK_EQ(bi.policy_pa, 0x9000);
	/* Bad values. */
	build_fdt(page, sizeof(page), REGION, 64 * MIB, 4096 * MIB, 0, 0);
	CHECK_EQ_INT(boot_info_parse(page, sizeof(page), NULL, IMAGE, 4 * MIB, &bi, &why), -EINVAL);
	build_fdt(page, sizeof(page), REGION, 64 * MIB, 64 * MIB, 2, 0); /* memory ends too early */
	CHECK_EQ_INT(boot_info_parse(page, sizeof(page), NULL, IMAGE, 4 * MIB, &bi, &why), -EINVAL);
	build_fdt(page, sizeof(page), ~0ULL - 4095, 64 * MIB, 4096 * MIB, 2, 0); /* wraps */
	CHECK_EQ_INT(boot_info_parse(page, sizeof(page), NULL, IMAGE, 4 * MIB, &bi, &why), -EINVAL);
	/* Corrupted or oversized blob. */
	build_fdt(page, sizeof(page), REGION, 64 * MIB, 4096 * MIB, 2, 0);
	page[fdt_off_dt_struct(page) + 3] = 9;
	CHECK_EQ_INT(boot_info_parse(page, sizeof(page), NULL, IMAGE, 4 * MIB, &bi, &why), -EINVAL);
	build_fdt(page, sizeof(page), REGION, 64 * MIB, 4096 * MIB, 2, 0);
	fdt_set_totalsize(page, 8192);
	CHECK_EQ_INT(boot_info_parse(page, sizeof(page), NULL, IMAGE, 4 * MIB, &bi, &why), -EINVAL);
}

TEST(south_bootinfo_cmdline_words)
{
	CHECK(boot_cmdline_has("a vtlguard.inject=fault b", "vtlguard.inject=fault"));
	CHECK(boot_cmdline_has("vtlguard.inject=fault", "vtlguard.inject=fault"));
	CHECK(!boot_cmdline_has("xvtlguard.inject=fault", "vtlguard.inject=fault"));
	CHECK(!boot_cmdline_has("vtlguard.inject=faulty", "vtlguard.inject=fault"));
	CHECK(!boot_cmdline_has("", "vtlguard.inject=fault"));
}

/* ------------------------------------------------ generations (first call) */

#define V3_BP (REGION + 14 * 4096)

TEST(south_bootinfo_generation_table)
{
	const char *why;
	struct {
		struct boot_regs r;
		int want;
	} t[] = {
		/* V2/V3: RDI = 0, RSI = page 14 of the region 2 MiB below the image */
		{ { 0, V3_BP, 0, 0 }, BOOT_GEN_V3 },
		/* V4: RDI = CPUs, RSI = region start, RDX = size, R8 = 0 */
		{ { 1, REGION, 64 * MIB, 0 }, BOOT_GEN_V4 },
		{ { 96, REGION, 400 * MIB, 0 }, BOOT_GEN_V4 },
		/* V1a: all zero */
		{ { 0, 0, 0, 0 }, -EINVAL },
		/* V1b: (cpus, start, end + 1, max_pfn << 12) */
		{ { 2, REGION, REGION + 64 * MIB, 4096 * MIB }, -EINVAL },
		/* ambiguous: RDI = 0 with RDX or R8 */
		{ { 0, V3_BP, 64 * MIB, 0 }, -EINVAL },
		{ { 0, V3_BP, 0, 1 }, -EINVAL },
		/* RDI = 0, RSI not page 14 of an aligned region below the image */
		{ { 0, V3_BP + 4096, 0, 0 }, -EINVAL },
		{ { 0, V3_BP + 1, 0, 0 }, -EINVAL },
		{ { 0, REGION, 0, 0 }, -EINVAL },
		{ { 0, V3_BP + 64 * MIB, 0, 0 }, -EINVAL },
		/* RDI set but no region */
		{ { 2, 0, 64 * MIB, 0 }, -EINVAL },
		{ { 2, REGION, 0, 0 }, -EINVAL },
	};

	for (unsigned i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		why = NULL;
		CHECK_EQ_INT(boot_detect_generation(&t[i].r, IMAGE, &why), t[i].want);
		CHECK(t[i].want > 0 || why != NULL);
	}
}

TEST(south_bootinfo_v4_ok_and_rejects)
{
	struct boot_info bi;
	const char *why = NULL;
	struct boot_regs ok = { 96, REGION, 400 * MIB, 0 };
	struct boot_regs bad[] = {
		{ 0, REGION, 64 * MIB, 0 },            /* no CPUs */
		{ 1025, REGION, 64 * MIB, 0 },         /* above 1024 */
		{ 2, REGION + 4096, 64 * MIB, 0 },     /* the image is not 2 MiB after the start */
		{ 2, REGION + 1, 64 * MIB, 0 },        /* unaligned start */
		{ 2, REGION, 64 * MIB + 1, 0 },        /* unaligned size */
		{ 2, REGION, 8 * MIB, 0 },             /* smaller than 16 MiB (and than the image) */
		{ 2, REGION, ~0ULL << 12, 0 },         /* wraps */
		{ 2, REGION - 2 * MIB, 64 * MIB, 0 },  /* the image 4 MiB in: not V4's placement */
	};

	CHECK_EQ_INT(boot_info_from_v4(&ok, IMAGE, 4 * MIB, 1ULL << 46, &bi, &why), 0);
	CHECK_EQ(bi.vtl1_start, REGION);
	CHECK_EQ(bi.vtl1_end, REGION + 400 * MIB);
	CHECK_EQ(bi.possible_cpus, 96);
	CHECK_EQ(bi.ram_end, 1ULL << 46);
	CHECK_EQ(bi.gen, BOOT_GEN_V4);
	CHECK_EQ(bi.policy_pa, 0);
	/* 1,024 VPs */
	ok.rdi = 1024;
	CHECK_EQ_INT(boot_info_from_v4(&ok, IMAGE, 4 * MIB, 1ULL << 46, &bi, &why), 0);
	CHECK_EQ(bi.possible_cpus, 1024);
	for (unsigned i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		why = NULL;
		CHECK_EQ_INT(boot_info_from_v4(&bad[i], IMAGE, 4 * MIB, 1ULL << 46, &bi, &why),
			     -EINVAL);
		CHECK(why != NULL);
	}
	/* the region must end below the top of physical memory */
	CHECK_EQ_INT(boot_info_from_v4(&(struct boot_regs){ 2, REGION, 64 * MIB, 0 }, IMAGE,
				       4 * MIB, REGION + 32 * MIB, &bi, &why), -EINVAL);
}

TEST(south_bootinfo_first_call)
{
	uint8_t bp[4096];
	struct boot_info bi;
	const char *why = NULL;
	struct boot_regs v3 = { 0, V3_BP, 0, 0 }, v4 = { 2, REGION, 64 * MIB, 0 };

	lvbs_params(bp);
	CHECK_EQ_INT(boot_info_from_first_call(&v3, bp, sizeof(bp), "possible_cpus=96", IMAGE,
					       4 * MIB, 1ULL << 46, &bi, &why), 0);
	CHECK_EQ(bi.gen, BOOT_GEN_V3);
	CHECK_EQ(bi.possible_cpus, 96);
	/* V3 with no page copied (arch/ refused to read it) */
	CHECK_EQ_INT(boot_info_from_first_call(&v3, NULL, 0, "", IMAGE, 4 * MIB, 1ULL << 46, &bi,
					       &why), -EINVAL);
	/* RSI must be page 14 of the region the e820 table describes */
	e820(bp, 1, REGION - 2 * MIB, 66 * MIB, 1);
	e820(bp, 0, 0, REGION - 2 * MIB, 2);
	CHECK_EQ_INT(boot_info_from_first_call(&v3, bp, sizeof(bp), "possible_cpus=2", IMAGE,
					       4 * MIB, 1ULL << 46, &bi, &why), -EINVAL);
	/* V4 ignores the page entirely (V4 sends no boot_params: stale bytes) */
	memset(bp, 0x5A, sizeof(bp));
	CHECK_EQ_INT(boot_info_from_first_call(&v4, bp, sizeof(bp), "", IMAGE, 4 * MIB,
					       1ULL << 46, &bi, &why), 0);
	CHECK_EQ(bi.gen, BOOT_GEN_V4);
	/* V1a refused */
	CHECK_EQ_INT(boot_info_from_first_call(&(struct boot_regs){ 0, 0, 0, 0 }, bp, sizeof(bp), "",
					       IMAGE, 4 * MIB, 1ULL << 46, &bi, &why), -EINVAL);
}

/* V3 leaves the rest of boot_params stale: only e820 and the cmdline pointer count. */
TEST(south_bootinfo_v3_stale_page)
{
	uint8_t bp[4096];
	struct boot_info bi;
	const char *why = NULL;

	memset(bp, 0x5A, sizeof(bp));
	bp[0x1e8] = 3;
	e820(bp, 0, 0, REGION, 2);
	e820(bp, 1, REGION, 64 * MIB, 1);
	e820(bp, 2, REGION + 64 * MIB, 1024 * MIB, 2);
	CHECK_EQ_INT(boot_info_from_first_call(&(struct boot_regs){ 0, V3_BP, 0, 0 }, bp,
					       sizeof(bp), "possible_cpus=2", IMAGE, 4 * MIB,
					       1ULL << 46, &bi, &why), 0);
	CHECK_EQ(bi.vtl1_start, REGION);
}
