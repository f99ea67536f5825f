// SPDX-License-Identifier: MIT
/*
 * libFuzzer harness: boot information (south_lvbs/bootinfo.c).  The LVBS
 * loader in the VTL0 kernel writes boot_params, the command line or a boot
 * FDT; VTL1 parses copies.  Every accepted result must describe a VTL1
 * region that holds the image after its special pages, a CPU count in
 * 1..BOOT_MAX_CPUS and a bounded, non-wrapping policy range.
 *
 * Input: u8 selector, u64 image_pa, u64 image_size, then
 *   sel 0: boot_params page (4096 bytes) + command line (the rest)
 *   sel 1: boot FDT (the rest)
 *   sel 2: boot_info_parse() on the rest as one page (FDT or boot_params)
 *   sel 3: command line only
 *   sel 4: the first VTL call (u64 RDI, RSI, RDX, R8), then the page at RSI:
 *          boot_info_from_first_call(), every generation's path
 */
#include <stdlib.h>
#include <string.h>

#include "core/compiler.h"
#include "core/errno.h"
#include "south_lvbs/bootinfo.h"
#include "tests/fuzz/fuzz.h"

#define BP_SIZE 4096

static void check_info(int ret, const struct boot_info *bi, const char *why, uint64_t image_pa,
		       uint64_t image_size, bool cmdline_only)
{
	static const int allowed[] = { -EINVAL, 0 };

	fz_check_errno("boot info parser", ret, allowed);
	if (ret) {
		FZ_ASSERT(why && *why, "boot info refused without a reason");
		return;
	}
	FZ_ASSERT(bi->possible_cpus >= 1 && bi->possible_cpus <= BOOT_MAX_CPUS,
		  "possible_cpus %u", bi->possible_cpus);
	FZ_ASSERT(bi->policy_len <= BOOT_POLICY_MAX, "policy_len %#llx",
		  (unsigned long long)bi->policy_len);
	FZ_ASSERT(bi->policy_pa + bi->policy_len >= bi->policy_pa, "policy range wraps");
	FZ_ASSERT((bi->policy_len == 0) == (bi->policy_pa == 0 && bi->policy_len == 0),
		  "policy length without a policy");
	if (cmdline_only)
		return;
	FZ_ASSERT(IS_ALIGNED(bi->vtl1_start | bi->vtl1_end, PAGE_SIZE), "unaligned region");
	FZ_ASSERT(bi->vtl1_end > bi->vtl1_start &&
			  bi->vtl1_end - bi->vtl1_start >= BOOT_MIN_VTL1_SIZE,
		  "region [%#llx, %#llx) too small", (unsigned long long)bi->vtl1_start,
		  (unsigned long long)bi->vtl1_end);
	FZ_ASSERT(image_pa >= bi->vtl1_start + BOOT_SPECIAL_PAGES * PAGE_SIZE &&
			  image_pa + image_size >= image_pa &&
			  image_pa + image_size <= bi->vtl1_end,
		  "image [%#llx, +%#llx) outside region [%#llx, %#llx)",
		  (unsigned long long)image_pa, (unsigned long long)image_size,
		  (unsigned long long)bi->vtl1_start, (unsigned long long)bi->vtl1_end);
	FZ_ASSERT(bi->ram_end >= bi->vtl1_end, "ram_end below the region");
	FZ_ASSERT(bi->format == BOOT_FORMAT_BOOT_PARAMS || bi->format == BOOT_FORMAT_FDT ||
			  bi->format == BOOT_FORMAT_REGS,
		  "format %u", bi->format);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fz_in in = { data, size };
	struct boot_info bi;
	const char *why = NULL;
	uint64_t image_pa, image_size;
	uint8_t sel;
	uint8_t *copy;
	char *cmd;
	size_t rest;
	int ret;

	if (size < 17)
		return 0;
	sel = fz_u8(&in) % 5;
	image_pa = fz_u64(&in);
	image_size = fz_u64(&in);
	rest = in.left;
	/* Exact-size heap copies so ASan sees any read past the end. */
	copy = malloc(rest ? rest : 1);
	if (!copy)
		abort();
	memcpy(copy, in.p, rest);
	memset(&bi, 0x5a, sizeof(bi));

	switch (sel) {
	case 0: {
		size_t bp = rest < BP_SIZE ? rest : BP_SIZE;

		cmd = malloc(rest - bp + 1);
		if (!cmd)
			abort();
		memcpy(cmd, copy + bp, rest - bp);
		cmd[rest - bp] = '\0';
		ret = boot_info_from_boot_params(copy, bp, cmd, image_pa, image_size, &bi, &why);
		check_info(ret, &bi, why, image_pa, image_size, false);
		free(cmd);
		break;
	}
	case 1:
		ret = boot_info_from_fdt(copy, rest, image_pa, image_size, &bi, &why);
		check_info(ret, &bi, why, image_pa, image_size, false);
		break;
	case 2:
		ret = boot_info_parse(copy, rest, "possible_cpus=2", image_pa, image_size, &bi,
				      &why);
		check_info(ret, &bi, why, image_pa, image_size, false);
		break;
	case 4: {
		struct boot_regs r = { 0, 0, 0, 0 };
		size_t off = 0;

		if (rest >= 32) {
			memcpy(&r, copy, 32);
			off = 32;
		}
		ret = boot_info_from_first_call(&r, copy + off, rest - off, "possible_cpus=2",
						image_pa, image_size, 1ULL << 46, &bi, &why);
		check_info(ret, &bi, why, image_pa, image_size, false);
		if (ret == 0) {
			FZ_ASSERT(bi.gen == BOOT_GEN_V3 || bi.gen == BOOT_GEN_V4, "gen %u", bi.gen);
			FZ_ASSERT(bi.gen != BOOT_GEN_V3 ||
					  bi.vtl1_start + BOOT_PG_BOOT_PARAMS * PAGE_SIZE == r.rsi,
				  "V3 accepted with RSI not page 14 of the region");
			FZ_ASSERT(bi.gen != BOOT_GEN_V4 || (r.r8 == 0 && r.rdi == bi.possible_cpus),
				  "V4 accepted with R8 set or a CPU count not from RDI");
		}
		break;
	}
	default:
		cmd = malloc(rest + 1);
		if (!cmd)
			abort();
		memcpy(cmd, copy, rest);
		cmd[rest] = '\0';
		memset(&bi, 0, sizeof(bi));
		ret = boot_cmdline_parse(cmd, &bi, &why);
		check_info(ret, &bi, why, 0, 0, true);
		free(cmd);
		break;
	}
	free(copy);
	return 0;
}
