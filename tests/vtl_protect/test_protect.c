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

TEST(vtlp_protect_refuses_write_plus_execute)
{
	struct heki_range r[2] = { rng(T_TEXT, T_TEXT + 0x1000, R | X),
				   rng(T_DATA, T_DATA + 0x1000, R | W | X) };

	vt_setup();
	vt_chain(r, 2);
	CHECK_EQ_INT(vt_call(PM, T_CHAIN, 2, 0), -EACCES);
	/* The W+X range is refused alone; the rest of the kernel is protected. */
	CHECK_EQ(fake_perm(T_TEXT), SOUTH_PROT_R | SOUTH_PROT_KX | SOUTH_PROT_UX);
	CHECK_EQ(fake_perm(T_DATA), SOUTH_PROT_ALL);
	CHECK_EQ_INT(vtlp_protection_of(T_DATA, &(uint32_t){ 0 }), -ENOENT);
	CHECK_EQ(vt_lines("W^X"), 1);
	CHECK_EQ(vtlp_violation_count(VTLP_CLASS_BAD_CALL), 1);
	CHECK_EQ_INT(vtlp_protect_range(T_DATA, T_DATA + 0x1000, R | W | X | IMM, "test"),
		     -EACCES);
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
	CHECK_EQ_INT(vt_protect(FAKE_VTL1_START - 0x1000, FAKE_VTL1_START + 0x1000, R), -EFAULT);
	CHECK_EQ_INT(vt_protect(FAKE_VTL1_START, FAKE_VTL1_END, 0), -EFAULT);
	CHECK_EQ_INT(vt_protect(1ull << 40, (1ull << 40) + ((VTLP_MAX_PAGES + 1) << 12), R),
		     -E2BIG);
	CHECK_EQ(fake_south.prot_calls, 0);
	/* Malformed input refuses the whole request, valid neighbours included. */
	{
		struct heki_range r[2] = { rng(T_TEXT, T_TEXT + 0x1000, R | X),
					   rng(FAKE_VTL1_START, FAKE_VTL1_START + 0x1000, R) };

		vt_chain(r, 2);
		CHECK_EQ_INT(vt_call(PM, T_CHAIN, 2, 0), -EFAULT);
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
	CHECK_EQ_INT(vt_call(PM, T_CHAIN + 8, 4, 0), -EINVAL);                 /* misaligned */
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

	vt_setup();
	for (size_t i = 0; i < VTLP_MAX_CHAIN_PAGES + 1; i++)
		r[i] = rng(T_TEXT + i * 0x1000, T_TEXT + i * 0x1000 + 0x1000, R);
	vt_chain_at(T_CHAIN, r, VTLP_MAX_CHAIN_PAGES + 1, 1);
	CHECK_EQ_INT(vt_call(PM, T_CHAIN, VTLP_MAX_CHAIN_PAGES + 1, 0), -E2BIG);
	vt_chain_at(T_CHAIN, r, VTLP_MAX_CHAIN_PAGES, 1);
	CHECK_EQ_INT(vt_call(PM, T_CHAIN, VTLP_MAX_CHAIN_PAGES, 0), 0);
	/* 64 contiguous R pages coalesce into one batch. */
	CHECK_EQ(fake_south.prot_calls, 1);
}

TEST(vtlp_protect_is_copied_once_toctou)
{
	/* The chain is read once: VTL0 changing it afterwards changes nothing. */
	vt_setup();
	CHECK_EQ_INT(vt_protect(T_TEXT, T_TEXT + 0x1000, R | X), 0);
	((struct heki_range *)fake_ram(T_CHAIN + sizeof(struct heki_page_hdr)))->attributes = R | W;
	CHECK_EQ(fake_perm(T_TEXT), SOUTH_PROT_R | SOUTH_PROT_KX | SOUTH_PROT_UX);
	CHECK(fake_south.reads <= 2); /* header + ranges, one copy each */
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

TEST(vtlp_protect_table_full_is_enospc)
{
	static struct heki_range r[VTLP_MAX_RANGES];

	vt_setup();
	/* 4096 one-page extents alternating R and R|X: the table is full. */
	for (size_t i = 0; i < VTLP_MAX_RANGES; i++)
		r[i] = rng(FAKE_VTL1_END + i * 0x1000, FAKE_VTL1_END + 0x1000 + i * 0x1000,
			   (i & 1) ? R | X : R);
	vt_chain(r, VTLP_MAX_RANGES);
	CHECK_EQ_INT(vt_call(PM, T_CHAIN, VTLP_MAX_RANGES, 0), 0);
	CHECK_EQ_INT(vt_protect(T_DATA + 0x100000, T_DATA + 0x101000, R | W), -ENOSPC);
	CHECK_EQ(fake_perm(T_DATA + 0x100000), SOUTH_PROT_ALL);
	/* Replacing an extent with the same shape still fits. */
	CHECK_EQ_INT(vt_protect(FAKE_VTL1_END, FAKE_VTL1_END + 0x1000, R | W), 0);
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
