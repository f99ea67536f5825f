// SPDX-License-Identifier: MIT
/*
 * PROTECT_MEMORY with the range list a real Debian kernel sends (issue 14
 * item 4/6): the merged list computed by tools/modtruth/kfigures from the
 * vmlinux of Debian's 6.1.0-57 and 6.12.118 kernels (kimage_*.h, generated,
 * committed: a few lines).  The engine must end with every text page R+X,
 * every rodata page (ro_after_init and __jump_table included) R and not
 * writable, and the rest of the image writable but not executable.
 *
 * The image spans 52 MiB, more than the unit runner's fake RAM, so this file
 * is built into its own runner (build/host/tests/modtruth/kernel-protect)
 * with FAKE_RAM_SIZE raised; see tests/modtruth/build.mk.
 */
#include <string.h>

#include "tests/vtl_protect/vtlp_test.h"

struct kimage_range {
	uint64_t va, pa, epa, attr;
};
#include "tests/modtruth/kimage_6_1.h"
#include "tests/modtruth/kimage_6_12.h"

#define PM VSM_VTL_CALL_FUNC_ID_PROTECT_MEMORY

/*
 * The CBL call side: every page [pa, pa+4096) is a range, merged with the
 * previous one when contiguous with equal attributes, 127 per chain page.
 * Merging leaves one range per region, so this is also what it sends.
 */
static size_t to_heki(const struct kimage_range *k, size_t n, struct heki_range *out)
{
	for (size_t i = 0; i < n; i++)
		out[i] = (struct heki_range){ .va = k[i].va, .pa = k[i].pa, .epa = k[i].epa,
					      .attributes = k[i].attr };
	return n;
}

static unsigned int run(const struct kimage_range *k, size_t n, uint64_t text_end, uint64_t ro,
			uint64_t ro_end)
{
	struct heki_range r[16];
	unsigned int bad = 0;

	CHECK(n <= 16);
	vt_setup();
	vt_chain(r, to_heki(k, n, r));
	CHECK_EQ_INT(vt_call(PM, T_CHAIN, n, 0), 0);
	for (uint64_t pa = k[0].pa; pa < k[n - 1].epa; pa += 4096) {
		uint32_t want;
		if (pa < text_end)
			want = SOUTH_PROT_R | SOUTH_PROT_KX | SOUTH_PROT_UX;
		else if (pa >= ro && pa < ro_end)
			want = SOUTH_PROT_R | SOUTH_PROT_UX;
		else
			want = SOUTH_PROT_R | SOUTH_PROT_W | SOUTH_PROT_UX;
		if (fake_perm(pa) != want && bad++ < 4)
			printf("  page 0x%llx: permissions 0x%x, want 0x%x\n", (unsigned long long)pa,
			       fake_perm(pa), want);
	}
	vt_teardown();
	return bad;
}

TEST(kernel_protect_debian_6_1_image)
{
	CHECK(sizeof(kimage_6_1) / sizeof(kimage_6_1[0]) >= 3);
	CHECK(kimage_6_1[sizeof(kimage_6_1) / sizeof(kimage_6_1[0]) - 1].epa <= FAKE_RAM_SIZE);
	CHECK_EQ(run(kimage_6_1, sizeof(kimage_6_1) / sizeof(kimage_6_1[0]),
		     KIMAGE_6_1_TEXT_END_PA, KIMAGE_6_1_RODATA_PA, KIMAGE_6_1_RODATA_END_PA), 0);
}

TEST(kernel_protect_debian_6_12_image)
{
	CHECK(kimage_6_12[sizeof(kimage_6_12) / sizeof(kimage_6_12[0]) - 1].epa <= FAKE_RAM_SIZE);
	CHECK_EQ(run(kimage_6_12, sizeof(kimage_6_12) / sizeof(kimage_6_12[0]),
		     KIMAGE_6_12_TEXT_END_PA, KIMAGE_6_12_RODATA_PA, KIMAGE_6_12_RODATA_END_PA), 0);
}
