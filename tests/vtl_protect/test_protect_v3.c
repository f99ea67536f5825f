// SPDX-License-Identifier: MIT
/*
 * PROTECT_MEMORY in V3's own format (LinuxVBS/linux virt/heki/main.c: RSI =
 * PFN of one zeroed page of {start_pfn, end_pfn, perm}, RDX = count), how it
 * is told apart from a heki_page chain, and the per-request page limit taken
 * from VTL0 memory instead of a constant.
 */
#include <string.h>

#include "tests/vtl_protect/vtlp_test.h"
#include "vtl_protect/internal.h"

#define R HEKI_ATTR_MEM_R
#define W HEKI_ATTR_MEM_W
#define X HEKI_ATTR_MEM_X
#define PM VSM_VTL_CALL_FUNC_ID_PROTECT_MEMORY
#define GIB (1ull << 30)

/* V3's page at T_CHAIN: PFN 0x100, which is not a page-aligned PA. */
#define V3_PFN (T_CHAIN >> 12)

static void v3_put(uint64_t page_pa, unsigned int i, uint64_t start, uint64_t end, uint64_t perm)
{
	struct heki_protect_memory e = { .start_pfn = start >> 12, .end_pfn = end >> 12,
					 .perm = perm };

	memcpy(fake_ram(page_pa) + (size_t)i * sizeof(e), &e, sizeof(e));
}

static void v3_clear(uint64_t page_pa)
{
	memset(fake_ram(page_pa), 0, 4096);
}

TEST(vtlp_protect_v3_flat_page_applied)
{
	uint32_t attr;

	vt_setup();
	v3_clear(T_CHAIN);
	v3_put(T_CHAIN, 0, T_TEXT, T_TEXT + 0x4000, R | X);
	v3_put(T_CHAIN, 1, T_RODATA, T_RODATA + 0x2000, R);
	v3_put(T_CHAIN, 2, T_DATA, T_DATA + 0x1000, R | W);
	CHECK_EQ_INT(vt_call(PM, V3_PFN, 3, 0), 0);
	CHECK_EQ(fake_perm(T_TEXT + 0x3000), SOUTH_PROT_R | SOUTH_PROT_KX | SOUTH_PROT_UX);
	CHECK_EQ(fake_perm(T_TEXT + 0x4000), SOUTH_PROT_ALL);
	CHECK_EQ(fake_perm(T_RODATA + 0x1000), SOUTH_PROT_R | SOUTH_PROT_UX);
	CHECK_EQ(fake_perm(T_DATA), SOUTH_PROT_R | SOUTH_PROT_W | SOUTH_PROT_UX);
	CHECK_EQ_INT(vtlp_protection_of(T_RODATA, &attr), 0);
	CHECK_EQ(attr, R);
	/* The page is copied once: changing it afterwards changes nothing. */
	v3_put(T_CHAIN, 1, T_RODATA, T_RODATA + 0x2000, R | W);
	CHECK_EQ(fake_perm(T_RODATA), SOUTH_PROT_R | SOUTH_PROT_UX);
}

/* A full page: 170 entries, the most V3 can send. */
TEST(vtlp_protect_v3_full_page)
{
	vt_setup();
	v3_clear(T_CHAIN);
	for (unsigned int i = 0; i < HEKI_FLAT_PER_PAGE; i++)
		v3_put(T_CHAIN, i, T_TEXT + i * 0x2000ull, T_TEXT + i * 0x2000ull + 0x1000, R);
	CHECK_EQ((uint64_t)HEKI_FLAT_PER_PAGE, 170);
	CHECK_EQ_INT(vt_call(PM, V3_PFN, HEKI_FLAT_PER_PAGE, 0), 0);
	CHECK_EQ(fake_perm(T_TEXT + 169 * 0x2000ull), SOUTH_PROT_R | SOUTH_PROT_UX);
	CHECK_EQ(fake_perm(T_TEXT + 169 * 0x2000ull + 0x1000), SOUTH_PROT_ALL);
}

/* Every malformed V3 request is refused whole, nothing applied. */
TEST(vtlp_protect_v3_attacks_refused)
{
	vt_setup();
	v3_clear(T_CHAIN);
	v3_put(T_CHAIN, 0, T_TEXT, T_TEXT + 0x1000, R);
	/* bad PFNs: past RAM, VTL1's own page, 0, wrapping when shifted */
	CHECK_EQ_INT(vt_call(PM, (FAKE_RAM_SIZE >> 12) + 1, 1, 0), -EFAULT);
	CHECK_EQ_INT(vt_call(PM, (FAKE_VTL1_START >> 12) + 1, 1, 0), -EFAULT);
	CHECK_EQ_INT(vt_call(PM, 1ull << 60 | 1, 1, 0), -EFAULT);
	/* counts: none, one more than a page holds, a negative int */
	CHECK_EQ_INT(vt_call(PM, V3_PFN, 0, 0), -EINVAL);
	CHECK_EQ_INT(vt_call(PM, V3_PFN, HEKI_FLAT_PER_PAGE + 1, 0), -E2BIG);
	CHECK_EQ_INT(vt_call(PM, V3_PFN, (uint64_t)-1, 0), -E2BIG);
	CHECK_EQ(vt_lines("1..170 fit a page"), 3);
	/* end < start, end == start */
	v3_put(T_CHAIN, 0, T_TEXT + 0x2000, T_TEXT, R);
	CHECK_EQ_INT(vt_call(PM, V3_PFN, 1, 0), -EINVAL);
	v3_put(T_CHAIN, 0, T_TEXT, T_TEXT, R);
	CHECK_EQ_INT(vt_call(PM, V3_PFN, 1, 0), -EINVAL);
	CHECK_EQ(vt_lines("end_pfn is not above start_pfn"), 2);
	/* a perm bit V3 does not have (IMMUTABLE is vtlguard's chain-only bit) */
	v3_put(T_CHAIN, 0, T_TEXT, T_TEXT + 0x1000, R | HEKI_ATTR_MEM_IMMUTABLE);
	CHECK_EQ_INT(vt_call(PM, V3_PFN, 1, 0), -EINVAL);
	CHECK_EQ(vt_lines("perm has bits other than R|W|X"), 1);
	/* end past VTL0 memory; one bad entry refuses the good one before it */
	fake_south.phys_end = 16 * GIB;
	v3_put(T_CHAIN, 0, T_TEXT, T_TEXT + 0x1000, R);
	v3_put(T_CHAIN, 1, T_DATA, 17 * GIB, R | W);
	CHECK_EQ_INT(vt_call(PM, V3_PFN, 2, 0), -EINVAL);
	CHECK_EQ(vt_lines("end_pfn is past the end of VTL0 memory"), 1);
	CHECK_EQ(fake_south.prot_calls, 0);
	CHECK_EQ(fake_perm(T_TEXT), SOUTH_PROT_ALL);
}

/* W+X is granted R|W without X; entries over VTL1 leave VTL1's pages out. */
TEST(vtlp_protect_v3_wx_and_vtl1_overlap)
{
	uint32_t attr = 0;

	vt_setup();
	v3_clear(T_CHAIN);
	v3_put(T_CHAIN, 0, T_DATA, T_DATA + 0x2000, R | W | X);
	v3_put(T_CHAIN, 1, FAKE_VTL1_START - 0x1000, FAKE_VTL1_END + 0x1000, R | W);
	CHECK_EQ_INT(vt_call(PM, V3_PFN, 2, 0), 0);
	CHECK_EQ(fake_perm(T_DATA + 0x1000), SOUTH_PROT_R | SOUTH_PROT_W | SOUTH_PROT_UX);
	CHECK_EQ_INT(vtlp_protection_of(T_DATA, &attr), 0);
	CHECK_EQ(attr, R | W);
	CHECK_EQ(fake_perm(FAKE_VTL1_START - 0x1000), SOUTH_PROT_R | SOUTH_PROT_W | SOUTH_PROT_UX);
	CHECK_EQ(fake_perm(FAKE_VTL1_END), SOUTH_PROT_R | SOUTH_PROT_W | SOUTH_PROT_UX);
	CHECK_EQ(fake_perm(FAKE_VTL1_START), SOUTH_PROT_ALL); /* untouched */
	CHECK_EQ_INT(vtlp_protection_of(FAKE_VTL1_START, &attr), -ENOENT);
	CHECK_EQ(vt_lines("W^X: 1 range(s)"), 1);
	CHECK_EQ(vt_lines("cover VTL1's own memory"), 1);
}

/*
 * RSI 0x1000 is both a page-aligned PA (a chain page at 4 KiB) and a PFN
 * (a V3 page at 16 MiB).  Both well formed: refused as ambiguous.  Only one
 * well formed: that one is served.
 */
TEST(vtlp_protect_format_decided_by_shape)
{
	const uint64_t rsi = 0x1000, flat_pa = rsi << 12;
	struct heki_page_hdr h = { .next_va = 0, .next_pa = 0, .nranges = 1 };
	struct heki_range c = { .va = 0, .pa = T_TEXT, .epa = T_TEXT + 0x1000, .attributes = R | X };

	vt_setup();
	memcpy(fake_ram(rsi), &h, sizeof(h));
	memcpy(fake_ram(rsi + sizeof(h)), &c, sizeof(c));
	v3_clear(flat_pa);
	v3_put(flat_pa, 0, T_RODATA, T_RODATA + 0x1000, R);
	CHECK_EQ_INT(vt_call(PM, rsi, 1, 0), -EINVAL);
	CHECK_EQ(vt_lines("ambiguous, refused"), 1);
	CHECK_EQ(fake_south.prot_calls, 0);
	/* No memory map (V4): RSI << 12 is never read for a well-formed chain,
	 * so the same request is a chain. */
	vt_setup();
	fake_south.map_unknown = true;
	memcpy(fake_ram(rsi), &h, sizeof(h));
	memcpy(fake_ram(rsi + sizeof(h)), &c, sizeof(c));
	v3_clear(flat_pa);
	v3_put(flat_pa, 0, T_RODATA, T_RODATA + 0x1000, R);
	CHECK_EQ_INT(vt_call(PM, rsi, 1, 0), 0);
	CHECK_EQ(fake_perm(T_TEXT), SOUTH_PROT_R | SOUTH_PROT_KX | SOUTH_PROT_UX);
	CHECK_EQ(fake_perm(T_RODATA), SOUTH_PROT_ALL);
	CHECK_EQ(vt_lines("ambiguous"), 0);
	/* and a V3 page is not read at all there: refused */
	v3_clear(T_CHAIN);
	v3_put(T_CHAIN, 0, T_DATA, T_DATA + 0x1000, R);
	CHECK_EQ_INT(vt_call(PM, V3_PFN, 1, 0), -EINVAL);
	CHECK_EQ(vt_lines("memory map is known"), 1);
	vt_setup();
	memcpy(fake_ram(rsi), &h, sizeof(h));
	memcpy(fake_ram(rsi + sizeof(h)), &c, sizeof(c));
	v3_clear(flat_pa);
	v3_put(flat_pa, 0, T_RODATA, T_RODATA + 0x1000, R);
	/* A non-zero byte after the last entry: not a page V3 built -> chain. */
	fake_ram(flat_pa)[4095] = 1;
	CHECK_EQ_INT(vt_call(PM, rsi, 1, 0), 0);
	CHECK_EQ(fake_perm(T_TEXT), SOUTH_PROT_R | SOUTH_PROT_KX | SOUTH_PROT_UX);
	CHECK_EQ(fake_perm(T_RODATA), SOUTH_PROT_ALL);
	/* The chain header claims no ranges -> the V3 page is served. */
	vt_setup();
	memset(fake_ram(rsi), 0, 4096);
	v3_clear(flat_pa);
	v3_put(flat_pa, 0, T_RODATA, T_RODATA + 0x1000, R);
	CHECK_EQ_INT(vt_call(PM, rsi, 1, 0), 0);
	CHECK_EQ(fake_perm(T_RODATA), SOUTH_PROT_R | SOUTH_PROT_UX);
	CHECK_EQ(fake_perm(T_TEXT), SOUTH_PROT_ALL);
}

/*
 * The page limit of one request is all of VTL0 memory: a guest of 64 GiB
 * may protect a 20 GiB range (the CBL side sends all RAM above the kernel
 * image as one R|W range), a guest of 16 GiB may not name 24 GiB.
 */
TEST(vtlp_protect_page_limit_from_vtl0_memory)
{
	struct heki_range two[2] = {
		{ .pa = 0, .epa = 12 * GIB, .attributes = R | W },
		{ .pa = 4 * GIB, .epa = 16 * GIB, .attributes = R | W },
	};

	vt_setup();
	fake_south.phys_end = 64 * GIB;
	CHECK_EQ(vtlp_max_request_pages(), 64 * GIB >> 12);
	/* 20 GiB from 16 MiB: past the old 16 GiB cap, inside this guest.  The
	 * fake has 32 MiB of RAM, so its South stops at 32 MiB: what matters is
	 * that the engine let the range through to it. */
	CHECK(vt_protect(16ull << 20, (16ull << 20) + 20 * GIB, R | W) != -E2BIG);
	CHECK(fake_south.prot_calls > 0);
	CHECK_EQ(vt_lines("whole of VTL0 memory"), 0);
	CHECK_EQ(vt_lines("past the end of VTL0 memory"), 0);

	vt_setup();
	fake_south.phys_end = 16 * GIB;
	CHECK_EQ(vtlp_max_request_pages(), 16 * GIB >> 12);
	CHECK_EQ_INT(vt_protect(16ull << 20, 20 * GIB, R | W), -EFAULT);
	CHECK_EQ(vt_lines("past the end of VTL0 memory"), 1);
	/* Overlapping ranges naming 24 GiB of a 16 GiB guest: over the limit
	 * before the overlap is even looked at. */
	vt_chain(two, 2);
	CHECK_EQ_INT(vt_call(PM, T_CHAIN, 2, 0), -E2BIG);
	CHECK_EQ(vt_lines("whole of VTL0 memory"), 1);
	CHECK_EQ(fake_south.prot_calls, 0);
}
