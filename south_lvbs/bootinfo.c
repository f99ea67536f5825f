// SPDX-License-Identifier: MIT
#include <libfdt.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include "core/compiler.h"
#include "core/errno.h"
#include "core/fdt_untrusted.h"
#include "south_lvbs/bootinfo.h"

/* Linux boot_params offsets (arch/x86/include/uapi/asm/bootparam.h). */
#define BP_E820_ENTRIES 0x1e8
#define BP_E820_TABLE   0x2d0
#define BP_E820_MAX     128
#define E820_ENTRY_SIZE 20
#define E820_RAM        1

static int fail(const char **why, const char *msg)
{
	*why = msg;
	return -EINVAL;
}

/* The image must sit inside the region, after the special pages. */
static int check_region(struct boot_info *bi, uint64_t image_pa, uint64_t image_size,
			const char **why)
{
	uint64_t image_end;

	if (!IS_ALIGNED(bi->vtl1_start | bi->vtl1_end, PAGE_SIZE))
		return fail(why, "VTL1 region is not page aligned");
	if (bi->vtl1_end <= bi->vtl1_start || bi->vtl1_end - bi->vtl1_start < BOOT_MIN_VTL1_SIZE)
		return fail(why, "VTL1 region is smaller than 16 MiB");
	if (add_overflows_u64(image_pa, image_size, &image_end))
		return fail(why, "image size wraps");
	if (image_pa < bi->vtl1_start + BOOT_SPECIAL_PAGES * PAGE_SIZE || image_end > bi->vtl1_end)
		return fail(why, "the image is not inside the VTL1 region after its special pages");
	if (bi->ram_end < bi->vtl1_end)
		return fail(why, "memory map ends inside the VTL1 region");
	return 0;
}

static bool word_at(const char *cmdline, const char *p)
{
	return p == cmdline || p[-1] == ' ';
}

bool boot_cmdline_has(const char *cmdline, const char *word)
{
	size_t n = strlen(word);

	for (const char *p = cmdline; *p; p++)
		if (word_at(cmdline, p) && strncmp(p, word, n) == 0 && (p[n] == '\0' || p[n] == ' '))
			return true;
	return false;
}

int boot_cmdline_parse(const char *cmdline, struct boot_info *out, const char **why)
{
	const char *p;
	bool cpus = false;

	for (p = cmdline; *p; p++) {
		char *end;

		if (!word_at(cmdline, p))
			continue;
		if (strncmp(p, "possible_cpus=", 14) == 0) {
			unsigned long n = strtoul(p + 14, &end, 10);

			if (end == p + 14 || (*end && *end != ' '))
				return fail(why, "possible_cpus= is not a number");
			if (n == 0 || n > BOOT_MAX_CPUS)
				return fail(why, "possible_cpus= is 0 or above 1024");
			out->possible_cpus = (unsigned int)n;
			cpus = true;
		} else if (strncmp(p, "vtlguard.policy=", 16) == 0) {
			unsigned long long pa = strtoull(p + 16, &end, 0), len;

			if (end == p + 16 || *end != ',')
				return fail(why, "vtlguard.policy= needs PA,LEN");
			len = strtoull(end + 1, &end, 0);
			if ((*end && *end != ' ') || len == 0 || len > BOOT_POLICY_MAX || pa + len < pa)
				return fail(why, "vtlguard.policy= length is 0, too large or wraps");
			out->policy_pa = pa;
			out->policy_len = len;
		}
	}
	if (!cpus)
		return fail(why, "command line has no possible_cpus=");
	return 0;
}

int boot_info_from_boot_params(const uint8_t *bp, size_t bp_len, const char *cmdline,
			       uint64_t image_pa, uint64_t image_size, struct boot_info *out,
			       const char **why)
{
	unsigned int n, nram = 0;
	int r;

	memset(out, 0, sizeof(*out));
	out->format = BOOT_FORMAT_BOOT_PARAMS;
	if (bp_len < BP_E820_TABLE + BP_E820_MAX * E820_ENTRY_SIZE)
		return fail(why, "boot_params copy is truncated");
	n = bp[BP_E820_ENTRIES];
	if (n == 0 || n > BP_E820_MAX)
		return fail(why, "e820 table is empty or has more than 128 entries");
	for (unsigned int i = 0; i < n; i++) {
		const uint8_t *e = bp + BP_E820_TABLE + i * E820_ENTRY_SIZE;
		uint64_t addr, size, end;
		uint32_t type;

		memcpy(&addr, e, 8);
		memcpy(&size, e + 8, 8);
		memcpy(&type, e + 16, 4);
		if (add_overflows_u64(addr, size, &end))
			return fail(why, "an e820 entry wraps around");
		if (end > out->ram_end)
			out->ram_end = end;
		if (type != E820_RAM || !(addr <= image_pa && image_pa < end))
			continue;
		out->vtl1_start = addr;
		out->vtl1_end = end;
		nram++;
	}
	if (nram != 1)
		return fail(why, "no (or more than one) e820 RAM entry contains the image");
	r = check_region(out, image_pa, image_size, why);
	if (r)
		return r;
	return boot_cmdline_parse(cmdline ? cmdline : "", out, why);
}

static int fdt_u64_pair(const void *fdt, int node, const char *name, uint64_t *a, uint64_t *b)
{
	int len;
	const fdt64_t *p = fdt_getprop(fdt, node, name, &len);

	if (!p || len != 16)
		return -1;
	*a = fdt64_ld(&p[0]);
	*b = fdt64_ld(&p[1]);
	return 0;
}

int boot_info_from_fdt(const void *fdt, size_t len, uint64_t image_pa, uint64_t image_size,
		       struct boot_info *out, const char **why)
{
	int node, plen;
	uint64_t start, size;
	const fdt32_t *cpus;

	memset(out, 0, sizeof(*out));
	out->format = BOOT_FORMAT_FDT;
	/* Bounded pre-walk: libfdt 1.6.1 itself is not safe on hostile blobs. */
	if (fdt_check_untrusted(fdt, len, why))
		return -EINVAL;
	node = fdt_path_offset(fdt, "/vtlguard");
	if (node < 0)
		return fail(why, "boot FDT has no /vtlguard node");
	if (fdt_u64_pair(fdt, node, "vtl1-memory", &start, &size))
		return fail(why, "/vtlguard/vtl1-memory must be <u64 start, u64 size>");
	if (add_overflows_u64(start, size, &out->vtl1_end))
		return fail(why, "/vtlguard/vtl1-memory wraps");
	out->vtl1_start = start;
	{
		const fdt64_t *p = fdt_getprop(fdt, node, "memory-end", &plen);

		if (!p || plen != 8)
			return fail(why, "/vtlguard/memory-end must be one u64");
		out->ram_end = fdt64_ld(p);
	}
	cpus = fdt_getprop(fdt, node, "possible-cpus", &plen);
	if (!cpus || plen != 4 || fdt32_ld(cpus) == 0 || fdt32_ld(cpus) > BOOT_MAX_CPUS)
		return fail(why, "/vtlguard/possible-cpus must be one u32 in 1..1024");
	out->possible_cpus = fdt32_ld(cpus);
	if (fdt_getprop(fdt, node, "policy", &plen)) {
		if (fdt_u64_pair(fdt, node, "policy", &out->policy_pa, &out->policy_len) ||
		    out->policy_len == 0 || out->policy_len > BOOT_POLICY_MAX ||
		    out->policy_pa + out->policy_len < out->policy_pa)
			return fail(why, "/vtlguard/policy must be <u64 pa, u64 len>, len 1..64 KiB");
	}
	return check_region(out, image_pa, image_size, why);
}

int boot_info_parse(const uint8_t *page, size_t len, const char *cmdline, uint64_t image_pa,
		    uint64_t image_size, struct boot_info *out, const char **why)
{
	if (len >= 8 && fdt_magic(page) == FDT_MAGIC) {
		uint32_t total = fdt_totalsize(page);

		if (total > len)
			return fail(why, "boot FDT is larger than the page it came in");
		return boot_info_from_fdt(page, total, image_pa, image_size, out, why);
	}
	return boot_info_from_boot_params(page, len, cmdline, image_pa, image_size, out, why);
}

/*
 * The loaders place the image at the first 2 MiB boundary after region +
 * 2 MiB (V3: PTR_ALIGN(region + p_align, p_align); V4 the same with the first
 * PT_LOAD's p_align; vtlguard's p_align is 2 MiB).  So the region starts in
 * (image - 4 MiB, image - 2 MiB], and for the default 2 MiB-aligned region
 * exactly at image - 2 MiB.
 */
#define LOADER_ALIGN (2ULL << 20)

static bool region_start_fits_image(uint64_t start, uint64_t image_pa)
{
	return image_pa >= 2 * LOADER_ALIGN && start > image_pa - 2 * LOADER_ALIGN &&
	       start <= image_pa - LOADER_ALIGN;
}

int boot_detect_generation(const struct boot_regs *r, uint64_t image_pa, const char **why)
{
	if (r->rdi == 0) {
		if (r->rsi == 0 && r->rdx == 0 && r->r8 == 0)
			return fail(why, "first VTL call is all zero: a V1a loader (heki-linux "
					 "e176fb24), which passes no boot information; not supported");
		if (r->rdx != 0 || r->r8 != 0)
			return fail(why, "first VTL call has RDI=0 but RDX/R8 set: matches no "
					 "LVBS generation (V2/V3 pass only RSI)");
		if (!IS_ALIGNED(r->rsi, PAGE_SIZE) || r->rsi < BOOT_PG_BOOT_PARAMS * PAGE_SIZE ||
		    !region_start_fits_image(r->rsi - BOOT_PG_BOOT_PARAMS * PAGE_SIZE, image_pa) ||
		    !IS_ALIGNED(r->rsi - BOOT_PG_BOOT_PARAMS * PAGE_SIZE, LOADER_ALIGN))
			return fail(why, "first VTL call (RDI=0) names a boot_params page that is "
					 "not page 14 of a 2 MiB-aligned region 2 MiB below the image");
		return BOOT_GEN_V3;
	}
	if (r->r8 != 0)
		return fail(why, "first VTL call has R8 (top of memory) set: a V1b skloader "
				 "loader (special pages 4081..4095); not supported");
	if (r->rsi == 0 || r->rdx == 0)
		return fail(why, "first VTL call has RDI (CPUs) set but no region start or size: "
				 "matches no LVBS generation");
	return BOOT_GEN_V4;
}

int boot_info_from_v4(const struct boot_regs *r, uint64_t image_pa, uint64_t image_size,
		      uint64_t phys_limit, struct boot_info *out, const char **why)
{
	memset(out, 0, sizeof(*out));
	out->format = BOOT_FORMAT_REGS;
	out->gen = BOOT_GEN_V4;
	if (r->rdi == 0 || r->rdi > BOOT_MAX_CPUS)
		return fail(why, "V4 first call: RDI (possible CPUs) is 0 or above 1024");
	if (!IS_ALIGNED(r->rsi | r->rdx, PAGE_SIZE))
		return fail(why, "V4 first call: region start or size is not page aligned");
	if (add_overflows_u64(r->rsi, r->rdx, &out->vtl1_end))
		return fail(why, "V4 first call: region start + size wraps");
	if (!region_start_fits_image(r->rsi, image_pa))
		return fail(why, "V4 first call: the image is not 2 MiB after the region start "
				 "(RDX may be an end address, as V1b passes, not a size)");
	out->vtl1_start = r->rsi;
	out->possible_cpus = (unsigned int)r->rdi;
	out->ram_end = phys_limit;
	return check_region(out, image_pa, image_size, why);
}

int boot_info_from_first_call(const struct boot_regs *r, const uint8_t *page, size_t len,
			      const char *cmdline, uint64_t image_pa, uint64_t image_size,
			      uint64_t phys_limit, struct boot_info *out, const char **why)
{
	int gen = boot_detect_generation(r, image_pa, why);
	int ret;

	memset(out, 0, sizeof(*out));
	if (gen < 0)
		return gen;
	if (gen == BOOT_GEN_V4)
		return boot_info_from_v4(r, image_pa, image_size, phys_limit, out, why);
	if (!page || len == 0)
		return fail(why, "V2/V3 first call: the boot_params page could not be read");
	ret = boot_info_parse(page, len, cmdline, image_pa, image_size, out, why);
	if (ret)
		return ret;
	if (out->vtl1_start + BOOT_PG_BOOT_PARAMS * PAGE_SIZE != r->rsi)
		return fail(why, "V2/V3 first call: RSI is not page 14 of the VTL1 region the "
				 "boot information describes");
	out->gen = BOOT_GEN_V3;
	return 0;
}
