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
 *
 * Module jump labels (issue 14 item 3): the test module carries a NOP site
 * in its core text and one in its init text; VALIDATE_MODULE gets them as
 * the Patch(8) range (heki_patch_info framing, init entry included), after
 * which PATCH_TEXT flips them, FREE_MODULE_INIT retires the init one and
 * UNLOAD_MODULE the rest.  A Patch(8) entry naming bytes outside the
 * module's own text refuses the module.
 */
#include "tests/vtl0/modload.h"
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

	gl_memset(p, 0, 4096);
	lvbs_put64(p + 16, 1);
	lvbs_put64(p + 24, pa);
	lvbs_put64(p + 32, pa);
	lvbs_put64(p + 40, pa + PAGE_SIZE);
	lvbs_put64(p + 48, ATTR_R | ATTR_W | ATTR_X);
	r = vtl_call(VSM_PROTECT_MEMORY, pa_of(p), 1, 0);
	expect_wx_granted_rw_nx(c->name, pa, r, "R|W|X page");
}

/* ------------------------------------------------------ module jump labels */

static struct mod_load jl_mod;

/* Load area: set B of modules.c (refused modules; nothing kept there). */
static uint64_t jl_base(void)
{
	return v0.mem.mod_pa + MOD_SET_SIZE;
}

static int mod_call(uint64_t fn)
{
	return ((int (*)(void))(uintptr_t)fn)();
}

/* A PATCH_TEXT request for n bytes of `code` at `site`. */
static int64_t poke_at(uint64_t site, unsigned int n, const uint8_t *code)
{
	uint8_t *req = scratch_page(9);

	gl_memset(req, 0, 64);
	lvbs_put64(req, site);
	req[16] = (uint8_t)n;
	gl_memcpy(req + 17, code, n);
	return vtl_call(VSM_PATCH_TEXT, pa_of(req), 0, 0);
}

static void jmp_to(uint64_t site, uint64_t target, uint8_t out[5])
{
	int32_t rel = (int32_t)((int64_t)target - (int64_t)(site + 5));

	out[0] = 0xE9;
	gl_memcpy(out + 1, &rel, 4);
}

/* One heki_patch entry (the JMP form) at e. */
static void jl_entry(uint8_t *e, uint64_t site, uint64_t target)
{
	gl_memset(e, 0, 24);
	lvbs_put64(e, site);
	e[16] = 5;
	jmp_to(site, target, e + 17);
}

/*
 * Load the module at set B, append a Patch(8) range (one block with the
 * given entries) to its range list and send VALIDATE_MODULE.
 */
static int64_t validate_with_patch(const struct vtl0_case *c, const uint64_t (*ent)[2],
				   unsigned int nent)
{
	uint8_t *chain = scratch_page(12), *pi = scratch_page(13), *r;
	uint64_t n;

	if (mod_load(&jl_mod, vtl0_mod_good, vtl0_mod_good_end, jl_base()) ||
	    !mod_sym(&jl_mod, "testmod_jl") || !mod_sym(&jl_mod, "testmod_init_jl")) {
		gl_check(false, c->name, "the test loader could not place the module: %s",
			 jl_mod.err ? jl_mod.err : "testmod_jl/testmod_init_jl missing");
		return -1000;
	}
	gl_memset(pi, 0, 4096);
	lvbs_put64(pi + 32, nent); /* type 0 (JUMP_LABEL), patch_idx */
	lvbs_put64(pi + 40, nent); /* max_patch_count */
	for (unsigned int i = 0; i < nent; i++)
		jl_entry(pi + 48 + 24 * i, ent[i][0], ent[i][1]);
	n = mod_ranges(&jl_mod, chain);
	r = chain + 24 + 32 * n;
	lvbs_put64(r, pa_of(pi));
	lvbs_put64(r + 8, pa_of(pi));
	lvbs_put64(r + 16, pa_of(pi) + 48 + 24 * nent);
	lvbs_put64(r + 24, 8 /* MOD_PATCH */);
	lvbs_put64(chain + 16, n + 1);
	return vtl_call(VSM_VALIDATE_MODULE, pa_of(chain), n + 1, 0);
}

static void patch_module_jump_labels(const struct vtl0_case *c)
{
	uint64_t jl, on, ijl, ion, ent[2][2];
	uint8_t j[5], ij[5];
	int64_t tok, r1, r2, r3;
	int before, after;

	if (mod_load(&jl_mod, vtl0_mod_good, vtl0_mod_good_end, jl_base())) {
		gl_check(false, c->name, "module load: %s", jl_mod.err);
		return;
	}
	jl = mod_sym(&jl_mod, "testmod_jl");
	on = mod_sym(&jl_mod, "testmod_jl_on");
	ijl = mod_sym(&jl_mod, "testmod_init_jl");
	ion = mod_sym(&jl_mod, "testmod_init_jl_on");
	ent[0][0] = jl;
	ent[0][1] = on;
	ent[1][0] = ijl;
	ent[1][1] = ion;
	tok = validate_with_patch(c, ent, 2);
	if (tok <= 0) {
		gl_check(false, c->name, "VALIDATE_MODULE with Patch(8): %lld (%s)", (long long)tok,
			 errname(tok));
		return;
	}
	jmp_to(jl, on, j);
	jmp_to(ijl, ion, ij);
	/* core site: a whole flip, then the real 3 steps back */
	before = mod_call(jl);
	r1 = poke_at(jl, 5, j);
	after = mod_call(jl);
	gl_check(before == 0 && r1 == 0 && after == 1, ndl("%s_core_on", c->name),
		 "module static key %d, PATCH_TEXT(jmp) R8=%lld -> %d", before, (long long)r1,
		 after);
	r1 = poke_at(jl, 1, &int3);
	r2 = poke_at(jl + 1, 4, nop5 + 1);
	r3 = poke_at(jl, 1, nop5);
	gl_check(r1 == 0 && r2 == 0 && r3 == 0 && mod_call(jl) == 0, ndl("%s_core_off", c->name),
		 "INT3 / NOP tail / NOP head: R8 %lld %lld %lld", (long long)r1, (long long)r2,
		 (long long)r3);
	/* init site, until FREE_MODULE_INIT */
	r1 = poke_at(ijl, 5, ij);
	gl_check(r1 == 0 && mod_call(ijl) == 1, ndl("%s_init_on", c->name),
		 "init-text site: PATCH_TEXT(jmp) R8=%lld (%s)", (long long)r1, errname(r1));
	r1 = vtl_call(VSM_FREE_MODULE_INIT, (uint64_t)tok, 0, 0);
	gl_check(r1 == 0, ndl("%s_free_init", c->name), "FREE_MODULE_INIT: R8=%lld (%s)",
		 (long long)r1, errname(r1));
	ring_mark();
	expect_call_err(ndl("%s_init_gone", c->name), poke_at(ijl, 5, nop5), E_NOENT,
			VSM_PATCH_TEXT);
	r1 = poke_at(jl, 5, j);
	gl_check(r1 == 0 && mod_call(jl) == 1, ndl("%s_core_after_free_init", c->name),
		 "core site after FREE_MODULE_INIT: R8=%lld (%s)", (long long)r1, errname(r1));
	/* unload: the module's sites are gone */
	r1 = vtl_call(VSM_UNLOAD_MODULE, (uint64_t)tok, 0, 0);
	ring_mark();
	expect_call_err(c->name, poke_at(jl, 5, nop5), E_NOENT, VSM_PATCH_TEXT);
	gl_check(r1 == 0, ndl("%s_unload", c->name), "UNLOAD_MODULE: R8=%lld (%s)", (long long)r1,
		 errname(r1));
}

/*
 * A module's Patch(8) naming kernel text (already a kernel site) or NOP
 * bytes in the module's own rodata: the module is refused.
 */
/*
 * Static calls (issue 15 section 3): the test module's .static_call_sites
 * entry makes its `call testmod_sc_a` a PATCH_TEXT site once VALIDATE_MODULE
 * accepted it.  text_poke_bp's three steps move it to another function of
 * the module and back (the call's result shows it); aimed at the module's
 * data or at memory no one validated, the step is refused (-EACCES,
 * recorded) and the site keeps a legal call.  Before the fix VTL1 knew no
 * such site: every one of these requests failed alike.
 */
static void call_to(uint64_t site, uint64_t target, uint8_t out[5])
{
	int32_t rel = (int32_t)((int64_t)target - (int64_t)(site + 5));

	out[0] = 0xE8;
	gl_memcpy(out + 1, &rel, 4);
}

static void patch_module_static_call(const struct vtl0_case *c)
{
	uint64_t sc, fa, fb, data;
	uint8_t ca[5], cb[5], cd[5], cx[5];
	int64_t tok, r1, r2, r3;
	int before, after;

	tok = validate_with_patch(c, NULL, 0);
	sc = mod_sym(&jl_mod, "testmod_sc");
	fa = mod_sym(&jl_mod, "testmod_sc_a");
	fb = mod_sym(&jl_mod, "testmod_sc_b");
	data = mod_sym(&jl_mod, "testmod_calls");
	if (tok <= 0 || !sc || !fa || !fb || !data) {
		gl_check(false, c->name, "VALIDATE_MODULE: %lld (%s); testmod_sc %s",
			 (long long)tok, errname(tok), sc ? "found" : "missing");
		return;
	}
	call_to(sc, fa, ca);
	call_to(sc, fb, cb);
	call_to(sc, data, cd);
	call_to(sc, pa_of(scratch_page(14)), cx);
	/* a legal toggle: INT3, b's tail, b's head; then back to a */
	before = mod_call(sc);
	r1 = poke_at(sc, 1, &int3);
	r2 = poke_at(sc + 1, 4, cb + 1);
	r3 = poke_at(sc, 1, cb);
	after = mod_call(sc);
	gl_check(before == 0xa && r1 == 0 && r2 == 0 && r3 == 0 && after == 0xb,
		 ndl("%s_to_b", c->name),
		 "call a -> call b: %#x, R8 %lld %lld %lld (%s), then %#x", before, (long long)r1,
		 (long long)r2, (long long)r3, errname(r2 ? r2 : r3), after);
	r1 = poke_at(sc, 1, &int3);
	r2 = poke_at(sc + 1, 4, ca + 1);
	r3 = poke_at(sc, 1, ca);
	gl_check(r1 == 0 && r2 == 0 && r3 == 0 && mod_call(sc) == 0xa, ndl("%s_to_a", c->name),
		 "call b -> call a: R8 %lld %lld %lld", (long long)r1, (long long)r2,
		 (long long)r3);
	/* aimed at the module's data: the tail step is refused */
	r1 = poke_at(sc, 1, &int3);
	ring_mark();
	expect_call_err(ndl("%s_data", c->name), poke_at(sc + 1, 4, cd + 1), E_ACCES,
			VSM_PATCH_TEXT);
	r2 = poke_at(sc, 1, ca);
	gl_check(r1 == 0 && r2 == 0 && mod_call(sc) == 0xa, ndl("%s_data_kept", c->name),
		 "after the refused step the site is INT3 + a's tail, then a again: R8 %lld %lld",
		 (long long)r1, (long long)r2);
	/* aimed at memory no one validated, in one write: refused */
	ring_mark();
	expect_call_err(ndl("%s_unvalidated", c->name), poke_at(sc, 5, cx), E_ACCES,
			VSM_PATCH_TEXT);
	gl_check(mod_call(sc) == 0xa, ndl("%s_unvalidated_kept", c->name),
		 "the site still calls a");
	r1 = vtl_call(VSM_UNLOAD_MODULE, (uint64_t)tok, 0, 0);
	gl_check(r1 == 0, ndl("%s_unload", c->name), "UNLOAD_MODULE: R8=%lld (%s)",
		 (long long)r1, errname(r1));
}

static void patch_module_site_outside(const struct vtl0_case *c)
{
	uint64_t ent[2][2];
	int64_t r;

	ent[0][0] = pa_of(vtl0_jl_site);
	ent[0][1] = pa_of(vtl0_jl_target);
	if (mod_load(&jl_mod, vtl0_mod_good, vtl0_mod_good_end, jl_base())) {
		gl_check(false, c->name, "module load: %s", jl_mod.err);
		return;
	}
	ent[1][0] = mod_sym(&jl_mod, "testmod_jl");
	ent[1][1] = mod_sym(&jl_mod, "testmod_jl_on");
	ring_mark();
	r = validate_with_patch(c, ent, 2);
	expect_call_err(c->name, r, E_INVAL, VSM_VALIDATE_MODULE);
	if (r > 0)
		(void)vtl_call(VSM_UNLOAD_MODULE, (uint64_t)r, 0, 0);
	/* NOP bytes in the module's own rodata: not text, refused too */
	ent[0][0] = mod_sym(&jl_mod, "testmod_rodata_nop");
	ent[0][1] = ent[1][1];
	ring_mark();
	r = validate_with_patch(c, ent, 2);
	expect_call_err(ndl("%s_rodata", c->name), r, E_INVAL, VSM_VALIDATE_MODULE);
	if (r > 0)
		(void)vtl_call(VSM_UNLOAD_MODULE, (uint64_t)r, 0, 0);
}

/*
 * LOAD_KDATA is all or nothing and never drops what came before: a call
 * carrying other SystemCerts (garbage) and a PatchInfo with a bad entry is
 * refused, and the trust store loaded at boot still validates the module.
 * (It used to empty every type the failed call named: no certificates, every
 * module refused with -ENOKEY.)
 */
static void kdata_refusal_keeps_earlier(const struct vtl0_case *c)
{
	uint8_t *kd = scratch_page(14), *b = scratch_page(15), *e = b + 0x800 + 48;
	uint64_t ent[2][2];
	int64_t tok;

	gl_memset(kd, 0, 4096);
	gl_memset(b, 0x30, 0x800);                 /* "certificates" */
	gl_memset(b + 0x800, 0, 0x100);
	lvbs_put64(b + 0x800 + 32, 1);             /* one block, one entry */
	lvbs_put64(b + 0x800 + 40, 1);
	lvbs_put64(e, pa_of(vtl0_jl_site));
	e[16] = 5;
	gl_memset(e + 17, 0xCC, 5);                /* not a JMP */
	lvbs_put64(kd + 16, 2);
	lvbs_put64(kd + 24 + 8, pa_of(b));
	lvbs_put64(kd + 24 + 16, pa_of(b) + 0x800);
	lvbs_put64(kd + 24 + 24, 0 /* SystemCerts */);
	lvbs_put64(kd + 56 + 8, pa_of(b) + 0x800);
	lvbs_put64(kd + 56 + 16, pa_of(b) + 0x800 + 48 + 24);
	lvbs_put64(kd + 56 + 24, 5 /* PatchInfo */);
	ring_mark();
	expect_call_err(ndl("%s_call", c->name), vtl_call(VSM_LOAD_KDATA, pa_of(kd), 2, 0), E_INVAL,
			VSM_LOAD_KDATA);
	if (mod_load(&jl_mod, vtl0_mod_good, vtl0_mod_good_end, jl_base())) {
		gl_check(false, c->name, "module load: %s", jl_mod.err);
		return;
	}
	ent[0][0] = mod_sym(&jl_mod, "testmod_jl");
	ent[0][1] = mod_sym(&jl_mod, "testmod_jl_on");
	ent[1][0] = mod_sym(&jl_mod, "testmod_init_jl");
	ent[1][1] = mod_sym(&jl_mod, "testmod_init_jl_on");
	tok = validate_with_patch(c, ent, 2);
	gl_check(tok > 0, c->name, "VALIDATE_MODULE after the refused LOAD_KDATA: %lld (%s); "
		 "the boot's certificates must still be there", (long long)tok, errname(tok));
	if (tok > 0)
		(void)vtl_call(VSM_UNLOAD_MODULE, (uint64_t)tok, 0, 0);
	/* and the kernel's jump-label site is still known */
	gl_check(poke(0, 5, nop5) == 0, ndl("%s_patchinfo", c->name),
		 "PATCH_TEXT at the kernel's site after the refused LOAD_KDATA");
}

/*
 * PROTECT_MEMORY naming a VTL1 page (real LVBS sends its whole direct map,
 * VTL1's region included): the page is left out, the call succeeds, and the
 * page is still VTL1's: reading it from VTL0 faults and is recorded.
 */
static void pm_range_in_vtl1_left_out(const struct vtl0_case *c)
{
	uint64_t pa = v0.mem.region_pa + 2 * MIB;
	uint8_t *p = scratch_page(10), b = 0;
	const char *n[] = { "class=mem-read", ndl("gpa=%#llx", (unsigned long long)pa),
			    "rule=vtl1-memory-read", NULL };
	const char *logn[] = { "cover VTL1's own memory", NULL };
	char line[200];
	int64_t r;

	gl_memset(p, 0, 4096);
	lvbs_put64(p + 16, 1);
	lvbs_put64(p + 24, pa);
	lvbs_put64(p + 32, pa);
	lvbs_put64(p + 40, pa + PAGE_SIZE);
	lvbs_put64(p + 48, ATTR_R | ATTR_W);
	ring_mark();
	r = vtl_call(VSM_PROTECT_MEMORY, pa_of(p), 1, 0);
	gl_check(r == 0 && ring_find_line(line, sizeof(line), logn), ndl("%s_call", c->name),
		 "PROTECT_MEMORY(VTL1 page R|W): R8=%lld (%s), VTL1 logged the page as left out",
		 (long long)r, errname(r));
	ring_mark();
	expect_refused(c->name, probe_load8((const volatile void *)(uintptr_t)pa, &b), n);
}

const struct vtl0_case vtl0_cases_patch[] = {
	{ "kdata_refusal_keeps_earlier", kdata_refusal_keeps_earlier, CASE_BOOT,
	  "LOAD_KDATA with other certs and a bad PatchInfo: refused, the boot's data kept" },
	{ "pm_range_in_vtl1_left_out", pm_range_in_vtl1_left_out, CASE_BOOT,
	  "PROTECT_MEMORY naming a VTL1 page: left out, the page stays VTL1's" },
	{ "pm_wx_granted_rw_nx", pm_wx_granted_rw_nx, CASE_BOOT,
	  "PROTECT_MEMORY R|W|X: granted R|W, never executable" },
	{ "patch_rt4_tail_then_head", patch_rt4_tail_then_head, CASE_RUN,
	  "PATCH_TEXT: JMP bytes 1..4 then NOP byte 0 (0f 01 02 03 04)" },
	{ "patch_rt4_int3_mixed_tail", patch_rt4_int3_mixed_tail, CASE_RUN,
	  "PATCH_TEXT: INT3, NOP bytes 2..4, JMP byte 1 (cc 01 44 00 00)" },
	{ "patch_rt4_real_flip_then_mix", patch_rt4_real_flip_then_mix, CASE_RUN,
	  "PATCH_TEXT: the real 3-step flip, with the NOP's head refused on the JMP's tail" },
	{ "patch_module_jump_labels", patch_module_jump_labels, CASE_RUN,
	  "module Patch(8) sites flip through PATCH_TEXT; FREE_MODULE_INIT / UNLOAD retire them" },
	{ "patch_module_static_call", patch_module_static_call, CASE_RUN,
	  "module static call: toggled between its functions; aimed at data or elsewhere: refused" },
	{ "patch_module_site_outside", patch_module_site_outside, CASE_RUN,
	  "module Patch(8) entry naming kernel text or module rodata: module refused" },
	{ NULL, NULL, 0, NULL },
};
