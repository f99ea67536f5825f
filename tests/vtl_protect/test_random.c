// SPDX-License-Identifier: MIT
/*
 * Hostile-input property test: thousands of random range chains and calls.
 * Whatever VTL0 sends, vtlguard must not crash, never grant write+execute,
 * never touch VTL1 pages, and never change an IMMUTABLE page.
 */
#include <string.h>

#include "tests/vtl_protect/vtlp_test.h"

static uint64_t rnd_state = 0x9E3779B97F4A7C15ull;

static uint64_t rnd(void)
{
	/* xorshift64*: deterministic, so failures reproduce. */
	rnd_state ^= rnd_state >> 12;
	rnd_state ^= rnd_state << 25;
	rnd_state ^= rnd_state >> 27;
	return rnd_state * 0x2545F4914F6CDD1Dull;
}

static uint64_t rnd_addr(void)
{
	switch (rnd() % 8) {
	case 0: return rnd();                                    /* anything */
	case 1: return FAKE_VTL1_START + (rnd() % 0x200000);     /* VTL1 */
	case 2: return ~0ull - (rnd() % 0x3000);                 /* near the top */
	default: return (rnd() % (FAKE_RAM_SIZE >> 12)) << 12;   /* a RAM page */
	}
}

TEST(vtlp_random_hostile_requests_keep_invariants)
{
	static struct heki_range r[300];
	uint8_t vtl1_perm_before;
	unsigned int accepted = 0;

	vt_setup();
	/* Something IMMUTABLE to attack. */
	CHECK_EQ_INT(vt_protect(T_TEXT, T_TEXT + 0x10000, HEKI_ATTR_MEM_R | HEKI_ATTR_MEM_X |
			       HEKI_ATTR_MEM_IMMUTABLE), 0);
	vtl1_perm_before = fake_south.perms[FAKE_VTL1_START >> 12];
	for (int iter = 0; iter < 3000; iter++) {
		size_t n = 1 + rnd() % 300, per = 1 + rnd() % HEKI_RANGES_PER_PAGE;
		uint64_t id = VSM_VTL_CALL_FUNC_ID_ENABLE_APS_VTL + rnd() % 17;

		for (size_t i = 0; i < n; i++) {
			uint64_t pa = rnd_addr(), len = (rnd() % 8) << 12;

			r[i].va = rnd();
			r[i].pa = rnd() % 4 ? pa : pa | (rnd() & 0xfff);
			r[i].epa = rnd() % 8 ? pa + len : rnd_addr();
			r[i].attributes = rnd() % 4 ? rnd() % 16 : rnd();
		}
		vt_chain_at(T_CHAIN, r, n, per);
		if (rnd() % 4 == 0) /* corrupt a header */
			((struct heki_page_hdr *)fake_ram(T_CHAIN + (rnd() % 3) * 0x1000))->next_pa =
				rnd() % 2 ? T_CHAIN : rnd_addr();
		if (id == VSM_VTL_CALL_FUNC_ID_SIGNAL_END_OF_BOOT ||
		    id == VSM_VTL_CALL_FUNC_ID_ALLOCATE_RINGBUFFER_MEMORY)
			id = VSM_VTL_CALL_FUNC_ID_PROTECT_MEMORY; /* keep the engine open */
		if (id == VSM_VTL_CALL_FUNC_ID_PROTECT_MEMORY ||
		    id == VSM_VTL_CALL_FUNC_ID_LOAD_KDATA) {
			if (rnd() % 2) { /* a few sane ranges, to reach the deep checks */
				static const uint64_t ok[] = { 1, 3, 5, 13, 9, 11, 0 };

				n = 1 + rnd() % 3;
				for (size_t i = 0; i < n; i++) {
					r[i].pa = (rnd() % (FAKE_VTL1_START >> 12)) << 12;
					r[i].epa = r[i].pa + ((rnd() % 4) << 12);
					r[i].attributes = ok[rnd() % 7];
				}
			}
			vt_chain_at(T_CHAIN, r, n, per);
			accepted += vt_call(id, rnd() % 8 ? T_CHAIN : rnd_addr(),
					    rnd() % 4 ? n : rnd(), 0) == 0;
		} else
			vt_call(id, rnd_addr(), rnd() % 4096, rnd());
	}
	for (uint64_t pg = 0; pg < (FAKE_RAM_SIZE >> 12); pg++) {
		uint8_t p = fake_south.perms[pg];

		if (p != SOUTH_PROT_ALL && (p & SOUTH_PROT_W) && (p & SOUTH_PROT_KX))
			unit_fail(__FILE__, __LINE__, "page %#llx is W+X", (unsigned long long)pg);
	}
	for (uint64_t pa = FAKE_VTL1_START; pa < FAKE_VTL1_END; pa += 0x1000)
		CHECK_EQ(fake_perm(pa), vtl1_perm_before);
	CHECK(accepted > 100); /* the deep paths were reached */
	for (uint64_t pa = T_TEXT; pa < T_TEXT + 0x10000; pa += 0x1000)
		CHECK_EQ(fake_perm(pa), SOUTH_PROT_R | SOUTH_PROT_KX | SOUTH_PROT_UX);
	CHECK(vtlp_violation_count(VTLP_CLASS_BAD_CALL) > 1000);
}
