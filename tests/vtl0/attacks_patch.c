// SPDX-License-Identifier: MIT
/*
 * PATCH_TEXT as a protocol (issue 13 RT4) and PROTECT_MEMORY's W+X rule
 * (issue 14 item 4), end to end.
 *
 * The jump-label site at vtl0_jl_site (a 5-byte NOP, PatchInfo's JMP32 to
 * vtl0_jl_target) may only pass through the states text_poke_bp leaves:
 * old, INT3 + old tail, INT3 + new tail, new.  Each case sends a sequence of
 * steps that are each plausible alone but mixed, reads the site back and
 * requires that it still holds one of those states; every refused step must
 * carry -EACCES and be recorded as a bad call.  The cases leave the site as
 * a whole NOP (they put it back with real steps), so the jump label keeps
 * working for pos_jump_label_patch.
 */
#include "tests/vtl0/vtl0.h"

static const uint8_t nop5[5] = { 0x0F, 0x1F, 0x44, 0x00, 0x00 };
static const uint8_t int3 = 0xCC;

static void jmp5(uint8_t out[5])
{
	int32_t rel = (int32_t)((int64_t)(uintptr_t)vtl0_jl_target -
				(int64_t)((uintptr_t)vtl0_jl_site + 5));

	out[0] = 0xE9;
	gl_memcpy(out + 1, &rel, 4);
}

/* One PATCH_TEXT request: n bytes at site + k, from src + k. */
static int64_t poke(unsigned int k, unsigned int n, const uint8_t *src)
{
	uint8_t *req = scratch_page(9);

	gl_memset(req, 0, 64);
	lvbs_put64(req, pa_of(vtl0_jl_site) + k);
	req[16] = (uint8_t)n;
	gl_memcpy(req + 17, src + k, n);
	return vtl_call(VSM_PATCH_TEXT, pa_of(req), 0, 0);
}

static bool site_is(const uint8_t *want)
{
	for (int i = 0; i < 5; i++)
		if ((uint8_t)vtl0_jl_site[i] != want[i])
			return false;
	return true;
}

/* Old, INT3 + old tail, INT3 + new tail or new: nothing else. */
static bool site_valid(void)
{
	uint8_t j[5];

	jmp5(j);
	for (int f = 0; f < 2; f++) {
		const uint8_t *y = f ? j : nop5;
		bool tail = true;

		for (int i = 1; i < 5; i++)
			tail &= (uint8_t)vtl0_jl_site[i] == y[i];
		if (tail && ((uint8_t)vtl0_jl_site[0] == y[0] || (uint8_t)vtl0_jl_site[0] == 0xCC))
			return true;
	}
	return false;
}

static void site_note(const char *name, const char *what)
{
	const uint8_t *s = (const uint8_t *)vtl0_jl_site;

	gl_check(site_valid(), ndl("%s_site", name),
		 "%s: site reads %02x %02x %02x %02x %02x", what, s[0], s[1], s[2], s[3], s[4]);
}

/* The site must start as the NOP (pos_jump_label_patch leaves it so). */
static bool start_at_nop(const struct vtl0_case *c)
{
	if (site_is(nop5))
		return true;
	if (!site_valid()) {
		gl_check(false, c->name, "the site is not a valid state before the case");
		return false;
	}
	case_skip(c->name, "the jump-label site is not the NOP (PatchInfo not loaded?)");
	return false;
}

/* JMP bytes 1..4, then the NOP's byte 0: was 0f 01 02 03 04. */
static void patch_rt4_tail_then_head(const struct vtl0_case *c)
{
	uint8_t j[5];

	if (!start_at_nop(c))
		return;
	jmp5(j);
	ring_mark();
	expect_call_err(ndl("%s_jmp_tail", c->name), poke(1, 4, j), E_ACCES, VSM_PATCH_TEXT);
	ring_mark();
	expect_call_err(ndl("%s_nop_head", c->name), poke(0, 1, nop5), E_ACCES, VSM_PATCH_TEXT);
	site_note(c->name, "JMP tail then NOP head");
	gl_check(site_is(nop5) && vtl0_static_key() == 0, c->name,
		 "the site is still the whole NOP and the static key reads 0");
}

/* INT3, NOP bytes 2..4, JMP byte 1: was cc 01 44 00 00. */
static void patch_rt4_int3_mixed_tail(const struct vtl0_case *c)
{
	uint8_t j[5], bp[5] = { 0xCC, 0x1F, 0x44, 0x00, 0x00 };
	int64_t r;

	if (!start_at_nop(c))
		return;
	jmp5(j);
	r = poke(0, 1, &int3);
	gl_check(r == 0, ndl("%s_int3", c->name), "step 1 (INT3): R8=%lld (%s)", (long long)r,
		 errname(r));
	ring_mark();
	expect_call_err(ndl("%s_nop_part", c->name), poke(2, 3, nop5), E_ACCES, VSM_PATCH_TEXT);
	ring_mark();
	expect_call_err(ndl("%s_jmp_byte1", c->name), poke(1, 1, j), E_ACCES, VSM_PATCH_TEXT);
	site_note(c->name, "INT3, NOP 2..4, JMP 1");
	gl_check(site_is(bp), c->name, "the site is INT3 + the NOP's tail");
	/* back to the NOP with the real step 3 (the NOP's tail is there) */
	r = poke(0, 1, nop5);
	gl_check(r == 0 && site_is(nop5) && vtl0_static_key() == 0, ndl("%s_restore", c->name),
		 "step 3 back to the NOP: R8=%lld (%s), static key %d", (long long)r, errname(r),
		 site_is(nop5) ? vtl0_static_key() : -1);
}

/* The whole real flip through the protocol, then the mixed steps from INT3+new tail. */
static void patch_rt4_real_flip_then_mix(const struct vtl0_case *c)
{
	uint8_t j[5];
	int64_t r1, r2, r3;

	if (!start_at_nop(c))
		return;
	jmp5(j);
	r1 = poke(0, 1, &int3);
	r2 = poke(1, 4, j);
	ring_mark();
	/* INT3 + JMP tail: the NOP's head must not go on it */
	expect_call_err(ndl("%s_nop_head", c->name), poke(0, 1, nop5), E_ACCES, VSM_PATCH_TEXT);
	site_note(c->name, "INT3, JMP tail, NOP head");
	r3 = poke(0, 1, j);
	gl_check(r1 == 0 && r2 == 0 && r3 == 0 && site_is(j) && vtl0_static_key() == 1, c->name,
		 "INT3 / tail / head: R8 %lld %lld %lld, static key %d", (long long)r1,
		 (long long)r2, (long long)r3, site_is(j) ? vtl0_static_key() : -1);
	/* and back in one whole write */
	r1 = poke(0, 5, nop5);
	gl_check(r1 == 0 && site_is(nop5) && vtl0_static_key() == 0, ndl("%s_back", c->name),
		 "whole NOP back: R8=%lld (%s)", (long long)r1, errname(r1));
}

/*
 * PROTECT_MEMORY with R|W|X (real LVBS ORs every mapping of a page): the
 * call succeeds, the page stays writable for VTL0 and is never executable.
 */
static void pm_wx_granted_rw_nx(const struct vtl0_case *c)
{
	uint64_t pa = v0.mem.victim_pa + 7 * PAGE_SIZE;
	uint8_t *p = scratch_page(10);
	int64_t r;
	int f;

	gl_memset(p, 0, 4096);
	lvbs_put64(p + 16, 1);
	lvbs_put64(p + 24, pa);
	lvbs_put64(p + 32, pa);
	lvbs_put64(p + 40, pa + PAGE_SIZE);
	lvbs_put64(p + 48, ATTR_R | ATTR_W | ATTR_X);
	r = vtl_call(VSM_PROTECT_MEMORY, pa_of(p), 1, 0);
	gl_check(r == 0, ndl("%s_call", c->name), "PROTECT_MEMORY(R|W|X page): R8=%lld (%s)",
		 (long long)r, errname(r));
	f = gl_probe_write8((volatile uint8_t *)(uintptr_t)pa, 0xC3); /* writes pa + 8 */
	gl_check(!f, ndl("%s_writable", c->name), "the page stays writable: fault %d", f);
	ring_mark();
	{
		const char *n[] = { "class=mem-exec", ndl("gpa=%#llx", (unsigned long long)(pa + 8)),
				    NULL };

		expect_refused(c->name, probe_call(pa + 8), n);
	}
}

const struct vtl0_case vtl0_cases_patch[] = {
	{ "pm_wx_granted_rw_nx", pm_wx_granted_rw_nx, CASE_BOOT,
	  "PROTECT_MEMORY R|W|X: granted R|W, never executable" },
	{ "patch_rt4_tail_then_head", patch_rt4_tail_then_head, CASE_RUN,
	  "PATCH_TEXT: JMP bytes 1..4 then NOP byte 0 (0f 01 02 03 04)" },
	{ "patch_rt4_int3_mixed_tail", patch_rt4_int3_mixed_tail, CASE_RUN,
	  "PATCH_TEXT: INT3, NOP bytes 2..4, JMP byte 1 (cc 01 44 00 00)" },
	{ "patch_rt4_real_flip_then_mix", patch_rt4_real_flip_then_mix, CASE_RUN,
	  "PATCH_TEXT: the real 3-step flip, with the NOP's head refused on the JMP's tail" },
	{ NULL, NULL, 0, NULL },
};
