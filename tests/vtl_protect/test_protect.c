// SPDX-License-Identifier: MIT
/* PROTECT_MEMORY: chains, range validation, W^X, IMMUTABLE, batching. */
#include <string.h>

#include "tests/vtl_protect/vtlp_test.h"

#define R HEKI_ATTR_MEM_R
#define W HEKI_ATTR_MEM_W
#define X HEKI_ATTR_MEM_X
#define IMM HEKI_ATTR_MEM_IMMUTABLE
#define PM VSM_VTL_CALL_FUNC_ID_PROTECT_MEMORY

static struct heki_range rng(uint64_t pa, uint64_t epa, uint64_t attr)
{
	struct heki_range r = { .va = 0xffffffff80000000ull + pa, .pa = pa, .epa = epa,
				.attributes = attr };
	return r;
}

TEST(vtlp_protect_applies_wx_permissions)
{
	struct heki_range r[3] = {
		rng(T_TEXT, T_TEXT + 0x4000, R | X),
		rng(T_RODATA, T_RODATA + 0x2000, R),
		rng(T_DATA, T_DATA + 0x1000, R | W),
	};
	uint8_t before[32], after[32];
	uint32_t attr;

	vt_setup();
	vtlp_measure_aggregate(before);
	vt_chain(r, 3);
	CHECK_EQ_INT(vt_call(PM, T_CHAIN, 3, 0), 0);
	CHECK_EQ(fake_perm(T_TEXT + 0x3000), SOUTH_PROT_R | SOUTH_PROT_KX | SOUTH_PROT_UX);
	CHECK_EQ(fake_perm(T_TEXT + 0x4000), SOUTH_PROT_ALL);
	CHECK_EQ(fake_perm(T_RODATA), SOUTH_PROT_R | SOUTH_PROT_UX);
	CHECK_EQ(fake_perm(T_DATA), SOUTH_PROT_R | SOUTH_PROT_W | SOUTH_PROT_UX);
	/* KX only where X. */
	CHECK(!(fake_perm(T_RODATA) & SOUTH_PROT_KX));
	CHECK(!(fake_perm(T_DATA) & SOUTH_PROT_KX));
	CHECK_EQ_INT(vtlp_protection_of(T_TEXT + 0x1234, &attr), 0);
	CHECK_EQ(attr, R | X);
	CHECK_EQ_INT(vtlp_protection_of(T_BUF, &attr), -ENOENT);
	vtlp_measure_aggregate(after);
	CHECK(memcmp(before, after, 32) != 0);
}

/*
 * Real LVBS sends the OR of every mapping of a page, so R|W|X occurs: such a
 * range is granted R|W without X (W^X holds), logged once per call with a
 * count, and never fails the call or leaves the page unprotected.
 */
TEST(vtlp_protect_write_plus_execute_granted_rw_nx)
{
	struct heki_range r[4] = { rng(T_TEXT, T_TEXT + 0x1000, R | X),
				   rng(T_DATA, T_DATA + 0x1000, R | W | X),
				   rng(T_DATA + 0x1000, T_DATA + 0x2000, R | W),
				   rng(T_DATA + 0x2000, T_DATA + 0x4000, R | W | X) };
	uint32_t attr = 0;

	vt_setup();
	vt_chain(r, 4);
	CHECK_EQ_INT(vt_call(PM, T_CHAIN, 4, 0), 0);
	CHECK_EQ(fake_perm(T_TEXT), SOUTH_PROT_R | SOUTH_PROT_KX | SOUTH_PROT_UX);
	CHECK_EQ(fake_perm(T_DATA), SOUTH_PROT_R | SOUTH_PROT_W | SOUTH_PROT_UX);
	CHECK_EQ(fake_perm(T_DATA + 0x3000), SOUTH_PROT_R | SOUTH_PROT_W | SOUTH_PROT_UX);
	CHECK(!(fake_perm(T_DATA + 0x3000) & SOUTH_PROT_KX));
	CHECK_EQ_INT(vtlp_protection_of(T_DATA + 0x3000, &attr), 0);
	CHECK_EQ(attr, R | W);
	CHECK_EQ(vt_lines("W^X: 2 range(s) asked for write+execute; granted as R|W"), 1);
	CHECK_EQ(vtlp_violation_count(VTLP_CLASS_BAD_CALL), 0);
	/* The module path never asks for W+X and is still refused it. */
	CHECK_EQ_INT(vtlp_protect_range(T_DATA, T_DATA + 0x1000, R | W | X | IMM, "test"),
		     -EACCES);
}

/*
 * VTL1's region is in VTL0's direct map, so a real kernel's PROTECT_MEMORY
 * covers it: those pages are left out (VTL1 keeps them), the rest of each
 * range is applied, and the call succeeds.
 */
TEST(vtlp_protect_ranges_over_vtl1_are_clipped)
{
	struct heki_range r[3] = {
		rng(FAKE_VTL1_START - 0x3000, FAKE_VTL1_END + 0x2000, R | W),  /* around it */
		rng(FAKE_VTL1_END + 0x2000, FAKE_VTL1_END + 0x4000, R),        /* after it */
		rng(T_TEXT, T_TEXT + 0x1000, R | X),
	};
	uint32_t a;

	vt_setup();
	vt_chain(r, 3);
	CHECK_EQ_INT(vt_call(PM, T_CHAIN, 3, 0), 0);
	CHECK_EQ(fake_perm(FAKE_VTL1_START - 0x1000), SOUTH_PROT_R | SOUTH_PROT_W | SOUTH_PROT_UX);
	CHECK_EQ(fake_perm(FAKE_VTL1_START - 0x3000), SOUTH_PROT_R | SOUTH_PROT_W | SOUTH_PROT_UX);
	CHECK_EQ(fake_perm(FAKE_VTL1_END + 0x1000), SOUTH_PROT_R | SOUTH_PROT_W | SOUTH_PROT_UX);
	CHECK_EQ(fake_perm(FAKE_VTL1_END + 0x2000), SOUTH_PROT_R | SOUTH_PROT_UX);
	CHECK_EQ(fake_perm(T_TEXT), SOUTH_PROT_R | SOUTH_PROT_KX | SOUTH_PROT_UX);
	CHECK_EQ_INT(vtlp_protection_of(FAKE_VTL1_START, &a), -ENOENT);
	CHECK_EQ_INT(vtlp_protection_of(FAKE_VTL1_END - 0x1000, &a), -ENOENT);
	CHECK_EQ(vt_lines("1 range(s) cover VTL1's own memory; its 512 page(s) were left out"), 1);
	/* A range entirely inside VTL1: nothing to do, still not an error. */
	CHECK_EQ_INT(vt_protect(FAKE_VTL1_START, FAKE_VTL1_START + 0x1000, R), 0);
	CHECK_EQ_INT(vtlp_protection_of(FAKE_VTL1_START, &a), -ENOENT);
	/* The module path still refuses VTL1 outright. */
	CHECK_EQ_INT(vtlp_protect_range(FAKE_VTL1_START, FAKE_VTL1_START + 0x1000, R, "test"),
		     -EFAULT);
}

/*
 * PROTECT_MEMORY as CBL sends it: the whole direct map page by page, merged
 * when adjacent and equal, attributes the OR of every mapping.  Here a
 * layout computed like heki_arch_init on a small kernel: text R|X (with the
 * direct map's R|W ORed in on two pages: R|W|X), rodata R, ro_after_init R,
 * data and the rest of RAM R|W, one range per run of equal pages.
 */
TEST(vtlp_protect_direct_map_like_cbl)
{
	static uint8_t attr_of[(FAKE_RAM_SIZE >> 12)];
	static struct heki_range r[FAKE_RAM_SIZE >> 12];
	size_t n = 0;
	uint64_t npages = FAKE_RAM_SIZE >> 12;

	vt_setup();
	for (uint64_t pfn = 0; pfn < npages; pfn++) {
		uint64_t pa = pfn << 12;
		uint8_t a = R | W; /* the direct map */

		if (pa >= T_TEXT && pa < T_TEXT + 0x80000)
			a = (pa == T_TEXT + 0x40000 || pa == T_TEXT + 0x41000) ? R | W | X : R | X;
		else if (pa >= T_RODATA && pa < T_RODATA + 0x40000)
			a = R;
		attr_of[pfn] = a;
	}
	for (uint64_t pfn = 1; pfn < npages; pfn++) {
		uint64_t pa = pfn << 12;

		/* VTL1's region is in the direct map too: sent like any page */
		if (n && r[n - 1].epa == pa && r[n - 1].attributes == attr_of[pfn])
			r[n - 1].epa += 0x1000;
		else
			r[n++] = rng(pa, pa + 0x1000, attr_of[pfn]);
	}
	CHECK(n > 5);
	vt_chain(r, n);
	CHECK_EQ_INT(vt_call(PM, T_CHAIN, n, 0), 0);
	CHECK_EQ(fake_perm(T_TEXT), SOUTH_PROT_R | SOUTH_PROT_KX | SOUTH_PROT_UX);
	CHECK_EQ(fake_perm(T_TEXT + 0x40000), SOUTH_PROT_R | SOUTH_PROT_W | SOUTH_PROT_UX);
	CHECK_EQ(fake_perm(T_RODATA), SOUTH_PROT_R | SOUTH_PROT_UX);
	CHECK_EQ(fake_perm(T_BUF), SOUTH_PROT_R | SOUTH_PROT_W | SOUTH_PROT_UX);
	CHECK_EQ(vt_lines("W^X: 1 range(s)"), 1);
	CHECK_EQ(vt_lines("cover VTL1's own memory"), 1);
	/* Every page VTL0 sent is now under VTL1's protection. */
	for (uint64_t pfn = 1; pfn < npages; pfn += 97) {
		uint32_t a;

		if ((pfn << 12) >= FAKE_VTL1_START && (pfn << 12) < FAKE_VTL1_END)
			continue;
		CHECK_EQ_INT(vtlp_protection_of(pfn << 12, &a), 0);
	}
}

TEST(vtlp_protect_range_validation)
{
	vt_setup();
	CHECK_EQ_INT(vt_protect(T_TEXT + 0x10, T_TEXT + 0x1000, R), -EINVAL);  /* pa */
	CHECK_EQ_INT(vt_protect(T_TEXT, T_TEXT + 0x1001, R), -EINVAL);         /* epa */
	CHECK_EQ_INT(vt_protect(T_TEXT + 0x2000, T_TEXT, R), -EINVAL);         /* pa > epa */
	CHECK_EQ_INT(vt_protect(0xFFFFFFFFFFFFF000ull, 0, R), -EINVAL);        /* wraps */
	CHECK_EQ_INT(vt_protect(T_TEXT, T_TEXT + 0x1000, 0x10 | R), -EINVAL);  /* attr */
	CHECK_EQ_INT(vt_protect(T_TEXT, T_TEXT + 0x1000, W), -EINVAL);         /* W w/o R */
	CHECK_EQ_INT(vt_protect(T_TEXT, T_TEXT + 0x1000, X), -EINVAL);         /* X w/o R */
	CHECK_EQ_INT(vt_protect(1ull << 40, fake_south.phys_end + 0x1000, R), -EFAULT);
	CHECK_EQ(fake_south.prot_calls, 0);
	/* Malformed input refuses the whole request, valid neighbours included. */
	{
		struct heki_range r[2] = { rng(T_TEXT, T_TEXT + 0x1000, R | X),
					   rng(T_DATA + 0x10, T_DATA + 0x1000, R) };

		vt_chain(r, 2);
		CHECK_EQ_INT(vt_call(PM, T_CHAIN, 2, 0), -EINVAL);
		CHECK_EQ(fake_south.prot_calls, 0);
	}
	/* Empty range: accepted, nothing to do. */
	CHECK_EQ_INT(vt_protect(T_TEXT, T_TEXT, R), 0);
	CHECK_EQ(fake_south.prot_calls, 0);
	/* Overlapping ranges in one request. */
	{
		struct heki_range r[2] = { rng(T_TEXT, T_TEXT + 0x2000, R),
					   rng(T_TEXT + 0x1000, T_TEXT + 0x3000, R | X) };

		vt_chain(r, 2);
		CHECK_EQ_INT(vt_call(PM, T_CHAIN, 2, 0), -EINVAL);
	}
}

TEST(vtlp_protect_chain_validation)
{
	struct heki_range r[4];

	vt_setup();
	for (int i = 0; i < 4; i++)
		r[i] = rng(T_TEXT + (uint64_t)i * 0x2000, T_TEXT + (uint64_t)i * 0x2000 + 0x1000, R);
	vt_chain(r, 4);
	CHECK_EQ_INT(vt_call(PM, T_CHAIN, 0, 0), -EINVAL);                     /* none */
	CHECK_EQ_INT(vt_call(PM, T_CHAIN, VTLP_MAX_RANGES + 1, 0), -E2BIG);      /* too many */
	CHECK_EQ_INT(vt_call(PM, T_CHAIN, 5, 0), -EINVAL);                     /* short chain */
	CHECK_EQ_INT(vt_call(PM, T_CHAIN, 3, 0), -EINVAL);                     /* page > total */
	/* misaligned: not a PA, so read as V3's PFN, whose page is no RAM */
	CHECK_EQ_INT(vt_call(PM, T_CHAIN + 8, 4, 0), -EFAULT);
	CHECK_EQ_INT(vt_call(PM, FAKE_VTL1_START, 4, 0), -EFAULT);             /* in VTL1 */
	CHECK_EQ_INT(vt_call(PM, 0xFFFFFFFFFFFFF000ull, 4, 0), -EINVAL);       /* wraps */
	CHECK_EQ_INT(vt_call(PM, FAKE_RAM_SIZE, 4, 0), -EFAULT);               /* not RAM */
	/* A page claiming more ranges than fit. */
	((struct heki_page_hdr *)fake_ram(T_CHAIN))->nranges = HEKI_RANGES_PER_PAGE + 1;
	CHECK_EQ_INT(vt_call(PM, T_CHAIN, 200, 0), -EINVAL);
	((struct heki_page_hdr *)fake_ram(T_CHAIN))->nranges = 0;
	CHECK_EQ_INT(vt_call(PM, T_CHAIN, 4, 0), -EINVAL);
	CHECK_EQ(fake_south.prot_calls, 0);
	/* Spread over pages: 1 range per page, 4 pages. */
	vt_chain_at(T_CHAIN, r, 4, 1);
	CHECK_EQ_INT(vt_call(PM, T_CHAIN, 4, 0), 0);
	CHECK_EQ(fake_perm(T_TEXT + 0x6000), SOUTH_PROT_R | SOUTH_PROT_UX);
	/* A next_pa that is not page aligned. */
	((struct heki_page_hdr *)fake_ram(T_CHAIN))->next_pa = T_CHAIN + 0x1008;
	CHECK_EQ_INT(vt_call(PM, T_CHAIN, 4, 0), -EINVAL);
}

TEST(vtlp_protect_chain_loops_are_detected)
{
	struct heki_range r[2] = { rng(T_TEXT, T_TEXT + 0x1000, R),
				   rng(T_TEXT + 0x1000, T_TEXT + 0x2000, R) };
	struct heki_page_hdr *a, *b;

	vt_setup();
	vt_chain_at(T_CHAIN, r, 2, 1);
	a = (struct heki_page_hdr *)fake_ram(T_CHAIN);
	b = (struct heki_page_hdr *)fake_ram(T_CHAIN + 0x1000);
	b->next_pa = T_CHAIN; /* A -> B -> A */
	CHECK_EQ_INT(vt_call(PM, T_CHAIN, 100, 0), -ELOOP);
	a->next_pa = T_CHAIN; /* A -> A */
	CHECK_EQ_INT(vt_call(PM, T_CHAIN, 100, 0), -ELOOP);
	CHECK_EQ(fake_south.prot_calls, 0);
}

TEST(vtlp_protect_chain_length_is_bounded)
{
	static struct heki_range r[VTLP_MAX_CHAIN_PAGES + 1];
	const uint64_t at = FAKE_VTL1_END; /* 4097 pages fit above VTL1 */

	vt_setup();
	/* Empty ranges: checked, then nothing to do (one per page). */
	for (size_t i = 0; i < VTLP_MAX_CHAIN_PAGES + 1; i++)
		r[i] = rng(T_TEXT, T_TEXT, R);
	vt_chain_at(at, r, VTLP_MAX_CHAIN_PAGES + 1, 1);
	CHECK_EQ_INT(vt_call(PM, at, VTLP_MAX_CHAIN_PAGES + 1, 0), -E2BIG);
	CHECK_EQ(vt_lines("range chain longer than"), 1);
	vt_chain_at(at, r, VTLP_MAX_CHAIN_PAGES, 1);
	CHECK_EQ_INT(vt_call(PM, at, VTLP_MAX_CHAIN_PAGES, 0), 0);
	/* 64 contiguous R pages over 64 chain pages coalesce into one batch. */
	for (size_t i = 0; i < 64; i++)
		r[i] = rng(T_TEXT + i * 0x1000, T_TEXT + i * 0x1000 + 0x1000, R);
	vt_chain_at(T_CHAIN, r, 64, 1);
	CHECK_EQ_INT(vt_call(PM, T_CHAIN, 64, 0), 0);
	CHECK_EQ(fake_south.prot_calls, 1);
}

TEST(vtlp_protect_is_copied_once_toctou)
{
	/* The chain is read once: VTL0 changing it afterwards changes nothing. */
	vt_setup();
	CHECK_EQ_INT(vt_protect(T_TEXT, T_TEXT + 0x1000, R | X), 0);
	((struct heki_range *)fake_ram(T_CHAIN + sizeof(struct heki_page_hdr)))->attributes = R | W;
	CHECK_EQ(fake_perm(T_TEXT), SOUTH_PROT_R | SOUTH_PROT_KX | SOUTH_PROT_UX);
	/* header + ranges, one copy each, plus the header once for the format
	 * probe (it only picks the parser; the parser checks its own copy) */
	CHECK(fake_south.reads <= 3);
}

TEST(vtlp_protect_immutable_is_never_relaxed)
{
	uint32_t attr;

	vt_setup();
	CHECK_EQ_INT(vt_protect(T_TEXT, T_TEXT + 0x4000, R | X | IMM), 0);
	CHECK_EQ_INT(vt_protect(T_TEXT, T_TEXT + 0x4000, R | W), -EACCES);
	CHECK_EQ_INT(vt_protect(T_TEXT + 0x3000, T_TEXT + 0x5000, R | W), -EACCES);
	CHECK_EQ_INT(vt_protect(T_TEXT + 0x1000, T_TEXT + 0x2000, R | X), -EACCES); /* drops IMM */
	{
		/* Refused alone: the other range of the request still applies. */
		struct heki_range r[2] = { rng(T_TEXT, T_TEXT + 0x1000, R | W),
					   rng(T_RODATA, T_RODATA + 0x1000, R) };

		vt_chain(r, 2);
		CHECK_EQ_INT(vt_call(PM, T_CHAIN, 2, 0), -EACCES);
		CHECK_EQ(fake_perm(T_RODATA), SOUTH_PROT_R | SOUTH_PROT_UX);
	}
	CHECK_EQ_INT(vtlp_protect_range(T_TEXT, T_TEXT + 0x1000, R | W, "module"), -EACCES);
	CHECK_EQ(fake_perm(T_TEXT + 0x3000), SOUTH_PROT_R | SOUTH_PROT_KX | SOUTH_PROT_UX);
	/* Re-stating the same protection is fine; neighbours are free. */
	CHECK_EQ_INT(vt_protect(T_TEXT + 0x1000, T_TEXT + 0x2000, R | X | IMM), 0);
	CHECK_EQ_INT(vt_protect(T_TEXT + 0x4000, T_TEXT + 0x5000, R | W), 0);
	CHECK_EQ_INT(vtlp_protection_of(T_TEXT + 0x2000, &attr), 0);
	CHECK_EQ(attr, R | X | IMM);
	/* Not immutable: may change before end of boot. */
	CHECK_EQ_INT(vt_protect(T_DATA, T_DATA + 0x2000, R | X), 0);
	CHECK_EQ_INT(vt_protect(T_DATA + 0x1000, T_DATA + 0x2000, R | W), 0);
	CHECK_EQ(fake_perm(T_DATA), SOUTH_PROT_R | SOUTH_PROT_KX | SOUTH_PROT_UX);
	CHECK_EQ(fake_perm(T_DATA + 0x1000), SOUTH_PROT_R | SOUTH_PROT_W | SOUTH_PROT_UX);
	/* And after end of boot, even the module path cannot touch IMMUTABLE. */
	CHECK_EQ_INT(vt_call(VSM_VTL_CALL_FUNC_ID_SIGNAL_END_OF_BOOT, 0, 0, 0), 0);
	CHECK_EQ_INT(vtlp_protect_range(T_TEXT, T_TEXT + 0x1000, R, "module"), -EACCES);
	CHECK_EQ_INT(vtlp_protect_range(T_DATA, T_DATA + 0x1000, R, "module"), 0);
}

TEST(vtlp_protect_batches_ceil_n_over_510)
{
	vt_setup();
	CHECK_EQ_INT(vt_protect(0x1000, 0x1000 + (1021ull << 12), R | X), 0);
	CHECK_EQ(fake_south.prot_calls, 3);
	CHECK_EQ(fake_south.prot_pages, 1021);
}

/* A distribution-sized request: 256k ranges on 2065 chain pages. */
TEST(vtlp_protect_256k_ranges)
{
	static struct heki_range r[VTLP_MAX_RANGES];
	const uint64_t at = FAKE_VTL1_END;

	vt_setup();
	/* 512 one-page ranges alternating R and R|X, then empty ranges (the
	 * fake guest has only 32 MiB to protect): every range is copied and
	 * checked, the table gets 512 extents. */
	for (size_t i = 0; i < VTLP_MAX_RANGES; i++)
		r[i] = i < 512 ? rng(T_TEXT + i * 0x1000, T_TEXT + i * 0x1000 + 0x1000,
				     (i & 1) ? R | X : R)
			       : rng(T_DATA, T_DATA, R);
	vt_chain_at(at, r, VTLP_MAX_RANGES, HEKI_RANGES_PER_PAGE);
	CHECK_EQ_INT(vt_call(PM, at, VTLP_MAX_RANGES, 0), 0);
	CHECK_EQ(fake_perm(T_TEXT + 0x1000), SOUTH_PROT_R | SOUTH_PROT_KX | SOUTH_PROT_UX);
	CHECK_EQ(fake_perm(T_TEXT + 511 * 0x1000), SOUTH_PROT_R | SOUTH_PROT_KX | SOUTH_PROT_UX);
	CHECK_EQ_INT(vt_call(PM, at, VTLP_MAX_RANGES + 1, 0), -E2BIG);
}

/*
 * The tables are bounded by VTL1's heap: with a small heap, growing the
 * protection table fails that call alone with a logged reason; what was
 * protected stays protected and later calls still work.
 */
TEST(vtlp_protect_table_bounded_by_heap)
{
	static struct heki_range r[1000];
	uint64_t base = FAKE_VTL1_END;
	int64_t ret = 0;
	int calls = 0;

	vt_setup_heap(512u << 10); /* budget: 128 KiB per table */
	while (calls < 7) {
		for (size_t i = 0; i < 1000; i++)
			r[i] = rng(base + i * 0x1000, base + i * 0x1000 + 0x1000,
				   (i & 1) ? R | X : R);
		vt_chain(r, 1000);
		ret = vt_call(PM, T_CHAIN, 1000, 0);
		if (ret)
			break;
		base += 1000 * 0x1000;
		calls++;
	}
	CHECK_EQ_INT(ret, -E2BIG);
	CHECK(calls >= 2);
	CHECK(vt_lines("more than 1/4 of VTL1's heap") >= 1);
	CHECK_EQ(fake_perm(base), SOUTH_PROT_ALL);             /* the refused call did nothing */
	CHECK_EQ(fake_perm(FAKE_VTL1_END + 0x1000), SOUTH_PROT_R | SOUTH_PROT_KX | SOUTH_PROT_UX);
	/* Replacing an extent with the same shape still works. */
	CHECK_EQ_INT(vt_protect(FAKE_VTL1_END, FAKE_VTL1_END + 0x1000, R | W), 0);
	/* Too many ranges for the chain copy: refused before anything is read. */
	CHECK_EQ_INT(vt_call(PM, T_CHAIN, 5000, 0), -E2BIG);
}

TEST(vtlp_read_range_chain_for_validator)
{
	struct heki_range r[3] = { rng(T_TEXT, T_TEXT + 0x1000, 1), rng(T_DATA, T_DATA + 0x10, 3),
				   rng(T_RODATA, T_RODATA + 0x2000, 8) };
	struct heki_range out[3];

	vt_setup();
	vt_chain_at(T_CHAIN, r, 3, 2);
	CHECK_EQ_INT(vtlp_read_range_chain(T_CHAIN, 3, out, 3), 0);
	CHECK_MEM(out, r, sizeof(r));
	CHECK_EQ_INT(vtlp_read_range_chain(T_CHAIN, 3, out, 2), -E2BIG);
	((struct heki_page_hdr *)fake_ram(T_CHAIN + 0x1000))->next_pa = T_CHAIN;
	CHECK_EQ_INT(vtlp_read_range_chain(T_CHAIN, 3, out, 3), 0); /* done before next_pa */
	CHECK_EQ_INT(vtlp_read_range_chain(T_CHAIN, 5, out, 8), -ELOOP);
}
