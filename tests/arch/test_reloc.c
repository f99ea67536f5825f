// SPDX-License-Identifier: MIT
#include "arch/x86_64/reloc.h"
#include "tests/unit/unit.h"

TEST(arch_reloc_relative)
{
	uint64_t img[8] = { 0 };
	struct elf64_rela r[3] = {
		{ 8, R_X86_64_RELATIVE, 0x40 },
		{ 24, R_X86_64_NONE, 0 },
		{ 56, R_X86_64_RELATIVE, 0x123 },
	};

	CHECK_EQ(reloc_apply((uint8_t *)img, sizeof(img), r, 3, 0xffffffff80000000ULL), 0);
	CHECK_EQ(img[1], 0xffffffff80000040ULL);
	CHECK_EQ(img[3], 0);
	CHECK_EQ(img[7], 0xffffffff80000123ULL);
}

TEST(arch_reloc_rejects_bad_tables_untouched)
{
	uint64_t img[4] = { 1, 2, 3, 4 };
	struct elf64_rela unknown[2] = { { 0, R_X86_64_RELATIVE, 5 }, { 8, 1 /* R_X86_64_64 */, 0 } };
	struct elf64_rela outside[1] = { { 32, R_X86_64_RELATIVE, 0 } };
	struct elf64_rela straddle[1] = { { 28, R_X86_64_RELATIVE, 0 } };
	struct elf64_rela huge[1] = { { ~0ULL - 3, R_X86_64_RELATIVE, 0 } };
	struct elf64_rela misaligned[1] = { { 4, R_X86_64_RELATIVE, 0 } };

	CHECK_EQ(reloc_apply((uint8_t *)img, sizeof(img), unknown, 2, 0x1000), 2);
	CHECK_EQ(img[0], 1); /* nothing patched when any entry is bad */
	CHECK_EQ(reloc_apply((uint8_t *)img, sizeof(img), outside, 1, 0), 1);
	CHECK_EQ(reloc_apply((uint8_t *)img, sizeof(img), straddle, 1, 0), 1);
	CHECK_EQ(reloc_apply((uint8_t *)img, sizeof(img), huge, 1, 0), 1);
	CHECK_EQ(reloc_apply((uint8_t *)img, sizeof(img), misaligned, 1, 0), 1);
	CHECK_EQ(reloc_apply((uint8_t *)img, 4, outside, 0, 0), 0);
}
