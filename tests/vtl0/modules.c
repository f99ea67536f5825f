// SPDX-License-Identifier: MIT
/*
 * Module and kexec validation end to end (issue 7, the VSM-model half).
 * The blobs come from tests/vtl0/mkmod.sh (build time: openssl keys, a gcc
 * module signed in the Linux appended-signature format, an osslsigncode
 * PE); boot.c hands the certificates, the revoked certificate and the
 * blocklist slot to VTL1 with LOAD_KDATA before end of boot.  modload.c lays
 * each module out like Linux 6.4+ and relocates it at the addresses it
 * reports.  Every check asserts the outcome in VTL0 AND VTL1's record.
 *
 * Load area (v0.mem.mod_pa, 2 MiB): set A (the module that runs, kept for
 * the lifecycle case), set B (refused modules, TOCTOU), then kexec pages.
 */
#include "tests/vtl0/modload.h"
#include "tests/vtl0/vtl0.h"

#define RUN_EXPECT  (0x5e00 + 7 * 3 + 't')     /* testmod_run() */
#define INIT_EXPECT (1000 + 3 * 10 + 1)         /* testmod_init() */

static struct mod_load mod_a, mod_b;
static int64_t token_a;

static uint64_t set_a(void) { return v0.mem.mod_pa; }
static uint64_t set_b(void) { return v0.mem.mod_pa + MOD_SET_SIZE; }
static uint64_t kexec_area(void) { return v0.mem.mod_pa + 2 * MOD_SET_SIZE; }

static int64_t validate(const struct mod_load *m)
{
	uint8_t *chain = scratch_page(40);
	uint64_t n = mod_ranges(m, chain);

	return vtl_call(VSM_VALIDATE_MODULE, pa_of(chain), n, 0);
}

static int call_fn(uint64_t fn)
{
	return ((int (*)(void))(uintptr_t)fn)();
}

/* Execution at `addr` must #GP and VTL1 must record a mem-exec violation. */
static void exec_refused(const char *name, uint64_t addr)
{
	const char *n[] = { "class=mem-exec", ndl("gpa=%#llx", (unsigned long long)addr), NULL };

	ring_mark();
	expect_refused(name, probe_call(addr), n);
}

/* A write of a different byte must #GP, leave the byte alone and be
 * recorded (a write that landed is undone, and FAILs). */
static void write_refused(const char *name, uint64_t addr, const char *vp)
{
	volatile uint8_t *p = (volatile uint8_t *)(uintptr_t)addr;
	const char *n[] = { "class=mem-write", ndl("gpa=%#llx", (unsigned long long)addr), vp, NULL };
	uint8_t old = *p, now;
	int f;

	ring_mark();
	f = probe_store8(p, (uint8_t)(old ^ 0xFF));
	now = *p;
	if (now != old)
		probe_store8(p, old);
	expect_refused_unchanged(name, f, now == old, "the module byte", n);
}

static void writable(const char *name, uint64_t addr, const char *what)
{
	volatile uint8_t *p = (volatile uint8_t *)(uintptr_t)addr;

	gl_check(!probe_store8(p, *p), name, "%s at %#llx is not writable again (#%llu)", what,
		 (unsigned long long)addr, (unsigned long long)gl_last_fault.vector);
}

/* A validator that is not built in SKIPs the case; a -EOPNOTSUPP refusal
 * FAILs it (unbuilt_call, cases.c). */
static bool no_validator(const struct vtl0_case *c, int64_t r, uint64_t id)
{
	return unbuilt_call(c->name, r, id);
}

static bool load(const struct vtl0_case *c, struct mod_load *m, const uint8_t *b,
		 const uint8_t *e, uint64_t base)
{
	if (!mod_load(m, b, e, base) && mod_sym(m, "testmod_run") && mod_sym(m, "testmod_init"))
		return true;
	gl_check(false, c->name, "the test loader could not place the module: %s",
		 m->err ? m->err : "testmod_run/testmod_init missing");
	return false;
}

static void unload_a(void)
{
	if (token_a > 0)
		vtl_call(VSM_UNLOAD_MODULE, (uint64_t)token_a, 0, 0);
	token_a = 0;
}

/* ---------------------------------------------------------------- valid */

static void valid_executes(const struct vtl0_case *c)
{
	uint64_t run, init, calls;
	char line[240];
	const char *n[3];
	int64_t r;
	int v, vi;

	unload_a(); /* a retry starts from scratch */
	if (!load(c, &mod_a, vtl0_mod_good, vtl0_mod_good_end, set_a()))
		return;
	run = mod_sym(&mod_a, "testmod_run");
	init = mod_sym(&mod_a, "testmod_init");
	calls = mod_sym(&mod_a, "testmod_calls");
	/* loaded and relocated, but not validated: not executable yet */
	exec_refused("module_not_executable_before_validation", run);
	if (case_retry)
		return;
	ring_mark();
	r = validate(&mod_a);
	if (no_validator(c, r, VSM_VALIDATE_MODULE))
		return;
	if (r <= 0) {
		gl_check(false, c->name, "VALIDATE_MODULE refused the good module: %lld (%s)",
			 (long long)r, errname(r));
		return;
	}
	token_a = r;
	n[0] = "module validated";
	n[1] = ndl("token %lld", (long long)r);
	n[2] = NULL;
	if (!ring_find_line(line, sizeof(line), n)) {
		gl_check(false, c->name, "token %lld, but VTL1 logged no \"module validated, "
			 "token %lld\"", (long long)r, (long long)r);
		return;
	}
	/* text RX now: a probe first (a fault is caught), then the real call */
	if (probe_call(run) || probe_call(init)) {
		gl_check(false, c->name, "validated module text faulted (vector %llu)",
			 (unsigned long long)gl_last_fault.vector);
		return;
	}
	v = call_fn(run);
	vi = call_fn(init);
	gl_check(v == RUN_EXPECT && vi == INIT_EXPECT && *(volatile int *)(uintptr_t)calls == 4,
		 c->name, "testmod_run()=%#x (want %#x), testmod_init()=%d (want %d), calls=%d (want 4)",
		 v, RUN_EXPECT, vi, INIT_EXPECT, *(volatile int *)(uintptr_t)calls);
	write_refused("module_valid_text_write_refused", run, NULL);
	if (case_retry)
		return;
	write_refused("module_valid_rodata_write_refused",
		      mod_sym(&mod_a, "testmod_table"), NULL);
	/* VTL1 made rodata R, not R|X: VTL0's own page tables map it executable
	 * here, so only VTL1 can refuse the fetch (Linux: rogue_execdata). */
	exec_refused("module_valid_rodata_exec_refused", mod_sym(&mod_a, "testmod_table"));
}

static bool ensure_a(const struct vtl0_case *c)
{
	int64_t r;

	if (token_a > 0)
		return true;
	if (!load(c, &mod_a, vtl0_mod_good, vtl0_mod_good_end, set_a()))
		return false;
	r = validate(&mod_a);
	if (no_validator(c, r, VSM_VALIDATE_MODULE))
		return false;
	if (r <= 0) {
		gl_check(false, c->name, "VALIDATE_MODULE refused the good module: %lld (%s)",
			 (long long)r, errname(r));
		return false;
	}
	token_a = r;
	return true;
}

static void free_init(const struct vtl0_case *c)
{
	uint64_t init, run;
	int64_t r;

	if (!ensure_a(c))
		return;
	init = mod_sym(&mod_a, "testmod_init");
	run = mod_sym(&mod_a, "testmod_run");
	r = vtl_call(VSM_FREE_MODULE_INIT, (uint64_t)token_a, 0, 0);
	if (r == -E_INVAL) {
		/* a retry after the init was freed: it is done already */
	} else if (r != 0) {
		gl_check(false, c->name, "FREE_MODULE_INIT(%lld): %lld (%s)", (long long)token_a,
			 (long long)r, errname(r));
		return;
	}
	exec_refused(c->name, init);
	if (case_retry)
		return;
	writable("module_free_init_writable", init, "freed init text");
	gl_check(!probe_call(run) && call_fn(run) == RUN_EXPECT, "module_free_init_core_runs",
		 "the core text stopped working after FREE_MODULE_INIT");
	ring_mark();
	r = vtl_call(VSM_FREE_MODULE_INIT, (uint64_t)token_a, 0, 0);
	expect_call_err("module_free_init_reused_token", r, E_INVAL, VSM_FREE_MODULE_INIT);
}

static void unload(const struct vtl0_case *c)
{
	uint64_t run, tbl;
	int64_t r, tok;

	if (!ensure_a(c))
		return;
	run = mod_sym(&mod_a, "testmod_run");
	tbl = mod_sym(&mod_a, "testmod_table");
	tok = token_a;
	r = vtl_call(VSM_UNLOAD_MODULE, (uint64_t)tok, 0, 0);
	token_a = 0;
	if (r != 0) {
		gl_check(false, c->name, "UNLOAD_MODULE(%lld): %lld (%s)", (long long)tok,
			 (long long)r, errname(r));
		return;
	}
	exec_refused(c->name, run);
	if (case_retry)
		return;
	writable("module_unload_text_writable", run, "unloaded text");
	writable("module_unload_rodata_writable", tbl, "unloaded rodata");
	ring_mark();
	r = vtl_call(VSM_UNLOAD_MODULE, (uint64_t)tok, 0, 0);
	expect_call_err("module_unload_reused_token", r, E_INVAL, VSM_UNLOAD_MODULE);
	if (case_retry)
		return;
	ring_mark();
	r = vtl_call(VSM_FREE_MODULE_INIT, (uint64_t)tok, 0, 0);
	expect_call_err("module_free_init_after_unload", r, E_INVAL, VSM_FREE_MODULE_INIT);
}

/* Token lifetimes: a second VALIDATE_MODULE naming the pages of a module
 * that is still loaded is refused (-EBUSY); the live module is unharmed. */
static void over_live_module(const struct vtl0_case *c)
{
	uint64_t run;
	int64_t r;

	if (!ensure_a(c))
		return;
	run = mod_sym(&mod_a, "testmod_run");
	ring_mark();
	r = validate(&mod_a);
	if (r > 0) {
		gl_check(false, c->name, "the live module's pages were validated a second time "
			 "(token %lld)", (long long)r);
		vtl_call(VSM_UNLOAD_MODULE, (uint64_t)r, 0, 0);
		return;
	}
	expect_call_err(c->name, r, E_BUSY, VSM_VALIDATE_MODULE);
	if (case_retry)
		return;
	gl_check(!probe_call(run) && call_fn(run) == RUN_EXPECT, "module_over_live_module_still_runs",
		 "the live module stopped working after the refused second validation");
	write_refused("module_over_live_module_text_still_ro", run, NULL);
}

/* ------------------------------------------------------------ RoAfterInit */

/*
 * jump.ko's __jump_table lies in RoAfterInit, which VTL1 compares at
 * FREE_MODULE_INIT (Linux sorts it at MODULE_STATE_COMING and seals it after
 * init, both after VALIDATE_MODULE).  Set B, unloaded again at the end.
 */
static int64_t token_b;

static void unload_b(void)
{
	if (token_b > 0)
		vtl_call(VSM_UNLOAD_MODULE, (uint64_t)token_b, 0, 0);
	token_b = 0;
}

/*
 * Module text executed before VALIDATE_MODULE: refused under enforce; under
 * an audit policy it runs (recorded audit-allow) and its page is opened.
 * Either way the module's VALIDATE_MODULE must then succeed: an audited
 * access may not turn a later legitimate call into -EBUSY (docs/policy.md).
 */
static void exec_then_validate(const struct vtl0_case *c)
{
	uint64_t run;
	int64_t r;

	unload_b();
	if (!load(c, &mod_b, vtl0_mod_good, vtl0_mod_good_end, set_b()))
		return;
	run = mod_sym(&mod_b, "testmod_run");
	exec_refused(ndl("%s_before", c->name), run);
	ring_mark();
	r = validate(&mod_b);
	if (no_validator(c, r, VSM_VALIDATE_MODULE))
		return;
	if (r <= 0) {
		gl_check(false, c->name, "VALIDATE_MODULE after an exec of the unvalidated text: "
			 "%lld (%s); the pages were plain R|W before it", (long long)r, errname(r));
		return;
	}
	token_b = r;
	gl_check(!probe_call(run), c->name, "validated text faulted (vector %llu)",
		 (unsigned long long)gl_last_fault.vector);
	unload_b();
}

static uint8_t *jump_validated(const struct vtl0_case *c)
{
	uint64_t jt;
	int64_t r;

	unload_b(); /* a retry starts from scratch */
	if (!load(c, &mod_b, vtl0_mod_jump, vtl0_mod_jump_end, set_b()))
		return NULL;
	jt = mod_sym(&mod_b, "testmod_jt");
	if (!jt || jt - mod_b.va[MOD_RO_AFTER_INIT] >= mod_b.size[MOD_RO_AFTER_INIT]) {
		gl_check(false, c->name, "jump.ko has no __jump_table in RoAfterInit (%#llx)",
			 (unsigned long long)jt);
		return NULL;
	}
	r = validate(&mod_b);
	if (no_validator(c, r, VSM_VALIDATE_MODULE))
		return NULL;
	if (r <= 0) {
		gl_check(false, c->name, "VALIDATE_MODULE refused jump.ko: %lld (%s)", (long long)r,
			 errname(r));
		return NULL;
	}
	token_b = r;
	return (uint8_t *)(uintptr_t)jt;
}

/* A 16-byte jump entry read at `from`, written at `to`: each field is
 * relative to its own address, as jump_label_swap() keeps it. */
static void jent_put(uint8_t *to, const uint8_t *e, const uint8_t *from)
{
	int64_t d = (int64_t)(from - to), key;
	int32_t code, target;

	gl_memcpy(&code, e, 4);
	gl_memcpy(&target, e + 4, 4);
	gl_memcpy(&key, e + 8, 8);
	code = (int32_t)(code + d);
	target = (int32_t)(target + d);
	key += d;
	gl_memcpy(to, &code, 4);
	gl_memcpy(to + 4, &target, 4);
	gl_memcpy(to + 8, &key, 8);
}

/* What Linux does before FREE_MODULE_INIT: sort the table (the entries are
 * in descending key order, so it swaps them) and let init write
 * .data..ro_after_init.  Accepted; RoAfterInit read-only afterwards. */
static void roai_sorted(const struct vtl0_case *c)
{
	uint8_t *jt = jump_validated(c), e0[16], e1[16];
	int64_t r;

	if (!jt)
		return;
	gl_memcpy(e0, jt, 16);
	gl_memcpy(e1, jt + 16, 16);
	jent_put(jt, e1, jt + 16);
	jent_put(jt + 16, e0, jt);
	*(volatile int *)(uintptr_t)mod_sym(&mod_b, "testmod_roai") = 77;
	r = vtl_call(VSM_FREE_MODULE_INIT, (uint64_t)token_b, 0, 0);
	gl_check(r == 0, c->name, "FREE_MODULE_INIT of jump.ko with its jump table sorted as "
		 "Linux sorts it: %lld (%s)", (long long)r, errname(r));
	if (r == 0)
		write_refused("module_ro_after_init_sealed", (uint64_t)(uintptr_t)jt, NULL);
	unload_b();
}

/* VTL0 changes a jump entry (its target) after VALIDATE_MODULE: refused at
 * FREE_MODULE_INIT (-EKEYREJECTED); the page stays read-only. */
static void roai_changed(const struct vtl0_case *c)
{
	uint8_t *jt = jump_validated(c);
	int64_t r;

	if (!jt)
		return;
	jt[4]++;
	ring_mark();
	r = vtl_call(VSM_FREE_MODULE_INIT, (uint64_t)token_b, 0, 0);
	expect_call_err(c->name, r, E_KEYREJECTED, VSM_FREE_MODULE_INIT);
	if (!case_retry)
		write_refused("module_ro_after_init_changed_stays_ro", (uint64_t)(uintptr_t)jt,
			      NULL);
	unload_b();
}

/* VALIDATE_MODULE that leaves jump.ko's RoAfterInit out of the range list
 * (so that it would be neither sealed nor compared): -EINVAL. */
static void roai_omitted(const struct vtl0_case *c)
{
	static struct mod_load m;
	int64_t r;

	unload_b();
	if (!load(c, &mod_b, vtl0_mod_jump, vtl0_mod_jump_end, set_b()))
		return;
	m = mod_b;
	m.size[MOD_RO_AFTER_INIT] = 0;
	ring_mark();
	r = validate(&m);
	if (no_validator(c, r, VSM_VALIDATE_MODULE))
		return;
	if (r > 0) {
		token_b = r;
		gl_check(false, c->name, "VALIDATE_MODULE accepted jump.ko without its RoAfterInit "
			 "(token %lld)", (long long)r);
		unload_b();
		return;
	}
	expect_call_err(c->name, r, E_INVAL, VSM_VALIDATE_MODULE);
}

/*
 * LVBS splits a buffer per page and then merges a range into the previous
 * one when the pages are physically contiguous and of the same type
 * (LVBS-VTL0-FACTS section 4), so one range may span pages.  Our loader's
 * pages are contiguous (identity mapped), so merging its per-page list the
 * LVBS way gives multi-page ranges: VALIDATE_MODULE must accept them.
 * (Before VTL1 split them back, it refused every such module: -EINVAL.)
 */
static uint64_t merge_like_lvbs(uint8_t *chain, uint64_t n)
{
	uint64_t k = 0;

	for (uint64_t i = 0; i < n; i++) {
		uint8_t *r = chain + 24 + 32 * i, *last = chain + 24 + 32 * (k - 1);

		if (k && lvbs_get64(last + 16) == lvbs_get64(r + 8) &&
		    lvbs_get64(last + 24) == lvbs_get64(r + 24)) {
			lvbs_put64(last + 16, lvbs_get64(r + 16));
			continue;
		}
		if (k != i)
			gl_memcpy(chain + 24 + 32 * k, r, 32);
		k++;
	}
	lvbs_put64(chain + 16, k);
	return k;
}

static void merged_ranges(const struct vtl0_case *c)
{
	uint8_t *chain = scratch_page(40);
	uint64_t n, merged;
	int64_t r;

	unload_b();
	if (!load(c, &mod_b, vtl0_mod_jump, vtl0_mod_jump_end, set_b()))
		return;
	n = mod_ranges(&mod_b, chain);
	/* Our test modules fit a page each, so put the ElfBuffer copy (range 0)
	 * across a page boundary of its slot, as two per-page ranges, the way
	 * LVBS's page split leaves a vmalloc buffer; the merge joins them. */
	uint64_t slot = mod_b.base + MOD_ELF_BUFFER * MOD_SLOT, at = slot + PAGE_SIZE - 512;
	uint8_t *r0 = chain + 24;

	if (mod_b.file_len <= 512 || n >= 126) {
		gl_check(false, c->name, "jump.ko (%llu bytes, %llu ranges) cannot straddle a page",
			 (unsigned long long)mod_b.file_len, (unsigned long long)n);
		return;
	}
	gl_memcpy((void *)(uintptr_t)at, mod_b.file, mod_b.file_len);
	for (uint64_t i = n; i > 1; i--)
		gl_memcpy(r0 + 32 * i, r0 + 32 * (i - 1), 32);
	lvbs_put64(r0, at);
	lvbs_put64(r0 + 8, at);
	lvbs_put64(r0 + 16, slot + PAGE_SIZE);
	lvbs_put64(r0 + 32, slot + PAGE_SIZE);
	lvbs_put64(r0 + 40, slot + PAGE_SIZE);
	lvbs_put64(r0 + 48, at + mod_b.file_len);
	lvbs_put64(r0 + 56, MOD_ELF_BUFFER);
	n++;
	merged = merge_like_lvbs(chain, n);
	if (merged >= n) {
		gl_check(false, c->name, "merging jump.ko's %llu per-page ranges left %llu: nothing "
			 "spans pages", (unsigned long long)n, (unsigned long long)merged);
		return;
	}
	r = vtl_call(VSM_VALIDATE_MODULE, pa_of(chain), merged, 0);
	if (no_validator(c, r, VSM_VALIDATE_MODULE))
		return;
	gl_check(r > 0, c->name, "VALIDATE_MODULE of jump.ko as %llu merged ranges (%llu per "
		 "page): %lld (%s)", (unsigned long long)merged, (unsigned long long)n,
		 (long long)r, r > 0 ? "token" : errname(r));
	if (r > 0) {
		token_b = r;
		/* the merged text range was protected whole: its last byte too */
		write_refused("module_merged_ranges_text_ro",
			      mod_b.va[MOD_TEXT] + mod_b.size[MOD_TEXT] - 1, NULL);
	}
	unload_b();
}

/* ------------------------------------------------------------- refused */

enum tamper { T_NONE, T_TEXT, T_RELOC };

struct neg {
	const char *noexec, *rw;
	const uint8_t *b, *e;
	enum tamper how;
	int err;
};

static void refused(const struct vtl0_case *c, const struct neg *g)
{
	uint64_t run, site;
	int64_t r;

	if (!load(c, &mod_b, g->b, g->e, set_b()))
		return;
	run = mod_sym(&mod_b, "testmod_run");
	if (g->how == T_TEXT) {
		site = mod_b.va[MOD_TEXT]; /* first opcode byte: no relocation there */
		*(volatile uint8_t *)(uintptr_t)site ^= 0x01;
	} else if (g->how == T_RELOC) {
		uint32_t v;

		site = mod_reloc_site(&mod_b, MOD_TEXT);
		if (!site) {
			gl_check(false, c->name, "the test module has no 4-byte relocation in text");
			return;
		}
		gl_memcpy(&v, (void *)(uintptr_t)site, 4);
		v += 1; /* one byte further than the relocation says */
		gl_memcpy((void *)(uintptr_t)site, &v, 4);
	}
	ring_mark();
	r = validate(&mod_b);
	if (no_validator(c, r, VSM_VALIDATE_MODULE))
		return;
	if (r > 0) {
		gl_check(false, c->name, "VALIDATE_MODULE accepted it (token %lld)", (long long)r);
		vtl_call(VSM_UNLOAD_MODULE, (uint64_t)r, 0, 0);
		return;
	}
	expect_call_err(c->name, r, g->err, VSM_VALIDATE_MODULE);
	if (case_retry)
		return;
	exec_refused(g->noexec, run);
	if (case_retry)
		return;
	writable(g->rw, run, "refused module text");
}

#define NEG(fn, nm, blob, how_, e)                                                          \
	static void fn(const struct vtl0_case *c)                                          \
	{                                                                                  \
		static const struct neg g = { nm "_never_exec", nm "_writable",            \
					      blob, blob##_end, how_, e };                  \
		refused(c, &g);                                                            \
	}
NEG(neg_text, "module_tampered_text", vtl0_mod_good, T_TEXT, E_KEYREJECTED)
NEG(neg_reloc, "module_tampered_reloc_site", vtl0_mod_good, T_RELOC, E_KEYREJECTED)
NEG(neg_key, "module_wrong_key", vtl0_mod_other, T_NONE, E_NOKEY)
NEG(neg_revoked, "module_revoked_signer", vtl0_mod_revoked, T_NONE, E_KEYREVOKED)
NEG(neg_blocked, "module_blocklisted_hash", vtl0_mod_blocked, T_NONE, E_KEYREVOKED)

/* ------------------------------------------------ RT1: unsigned page tails */

/*
 * issue 13 RT1: the last page of a region is made RX (Text, InitText) or R
 * (RoData) whole.  VTL0 writes its own bytes after the signed ones in that
 * page and asks for validation; VTL1 must compare every byte of the page
 * (Linux leaves zeros there) and refuse.  On the old code the module was
 * accepted and the appended code ran at CPL0.
 */
#define TAIL_RET 0x1337

static void tail_attack(const struct vtl0_case *c, unsigned int region)
{
	/* mov eax, TAIL_RET; ret */
	static const uint8_t code[] = { 0xb8, 0x37, 0x13, 0x00, 0x00, 0xc3 };
	uint64_t tail, run;
	int64_t r;

	if (!load(c, &mod_b, vtl0_mod_good, vtl0_mod_good_end, set_b()))
		return;
	run = mod_sym(&mod_b, "testmod_run");
	tail = (mod_b.va[region] + mod_b.size[region] + 15) & ~15ull;
	if (!mod_b.size[region] || tail + sizeof(code) > ((mod_b.va[region] + mod_b.size[region] +
							     PAGE_SIZE - 1) & ~(PAGE_SIZE - 1))) {
		gl_check(false, c->name, "region %u of the test module (%llu bytes) leaves no room "
			 "in its last page", region, (unsigned long long)mod_b.size[region]);
		return;
	}
	gl_memcpy((void *)(uintptr_t)tail, code, sizeof(code));
	ring_mark();
	r = validate(&mod_b);
	if (no_validator(c, r, VSM_VALIDATE_MODULE))
		return;
	if (r > 0) {
		int got = -1;

		if (region != MOD_RODATA && !probe_call(tail))
			got = call_fn(tail);
		vtl_call(VSM_UNLOAD_MODULE, (uint64_t)r, 0, 0);
		gl_check(false, c->name, "VALIDATE_MODULE accepted a module with unsigned bytes after "
			 "region %u's signed bytes (token %lld)%s", region, (long long)r,
			 got == TAIL_RET ? "; VTL0's appended code ran (returned 0x1337)" : "");
		return;
	}
	expect_call_err(c->name, r, E_KEYREJECTED, VSM_VALIDATE_MODULE);
	if (case_retry)
		return;
	if (region != MOD_RODATA) {
		exec_refused(ndl("%s_never_exec", c->name), tail);
		if (case_retry)
			return;
	}
	exec_refused(ndl("%s_text_never_exec", c->name), run);
	if (case_retry)
		return;
	writable(ndl("%s_writable", c->name), tail, "the refused region's last page");
}

static void tail_text(const struct vtl0_case *c)
{
	tail_attack(c, MOD_TEXT);
}

static void tail_init_text(const struct vtl0_case *c)
{
	tail_attack(c, MOD_INIT_TEXT);
}

static void tail_rodata(const struct vtl0_case *c)
{
	tail_attack(c, MOD_RODATA);
}

/* One physical page named by two regions (RoData on the last Text page):
 * it would get two final permissions and two expected contents.  Refused
 * before anything changes (-EINVAL); the old code refused it only because
 * the contents happened to differ. */
static void page_named_twice(const struct vtl0_case *c)
{
	uint8_t *chain = scratch_page(40);
	uint64_t n, run, tpage;
	int64_t r;

	if (!load(c, &mod_b, vtl0_mod_good, vtl0_mod_good_end, set_b()))
		return;
	run = mod_sym(&mod_b, "testmod_run");
	tpage = mod_b.va[MOD_TEXT];
	n = mod_ranges(&mod_b, chain);
	for (uint64_t i = 0; i < n; i++) {
		uint8_t *rg = chain + 24 + 32 * i;   /* {va, pa, epa, type} */
		uint64_t len;

		if (rg[24] != MOD_RODATA)
			continue;
		len = mod_b.size[MOD_RODATA] < PAGE_SIZE ? mod_b.size[MOD_RODATA] : PAGE_SIZE;
		lvbs_put64(rg + 8, tpage);             /* pa: the text page */
		lvbs_put64(rg + 16, tpage + len);
		break;
	}
	ring_mark();
	r = vtl_call(VSM_VALIDATE_MODULE, pa_of(chain), n, 0);
	if (no_validator(c, r, VSM_VALIDATE_MODULE))
		return;
	if (r > 0) {
		gl_check(false, c->name, "a page named as Text and as RoData was accepted (token %lld)",
			 (long long)r);
		vtl_call(VSM_UNLOAD_MODULE, (uint64_t)r, 0, 0);
		return;
	}
	expect_call_err(c->name, r, E_INVAL, VSM_VALIDATE_MODULE);
	if (case_retry)
		return;
	exec_refused("module_page_named_twice_never_exec", run);
	if (case_retry)
		return;
	writable("module_page_named_twice_writable", run, "the doubly named page");
}

/* ---------------------------------------------------------------- TOCTOU */

struct toctou {
	volatile uint8_t *site;
	uint8_t bad;
	volatile int ready, go, stop, faulted;
	volatile uint64_t writes, vector, tsc_fault; /* TSC before the faulting write */
};

/* VP 1: once VP 0 is about to enter VTL1, keep writing the tampered byte
 * until a write faults (the page became read-only) or VP 0 says stop. */
static void toctou_vp1(void *arg)
{
	struct toctou *t = arg;

	__atomic_store_n(&t->ready, 1, __ATOMIC_RELEASE);
	while (!__atomic_load_n(&t->go, __ATOMIC_ACQUIRE))
		vtl0_pause();
	while (!__atomic_load_n(&t->stop, __ATOMIC_ACQUIRE)) {
		uint64_t tsc = vtl0_rdtsc();

		if (probe_store8(t->site, t->bad)) {
			t->tsc_fault = tsc;
			t->faulted = 1;
			t->vector = gl_last_fault.vector;
			break;
		}
		t->writes++;
		/* hvsim switches VPs only on PAUSE/HLT: without it a write that
		 * lands (a broken vtlguard) would starve VP 0 forever */
		vtl0_pause();
	}
}

static bool need_vp1(const struct vtl0_case *c)
{
	if (v0.nr_vps >= 2 && v0.aps_in_vtl1)
		return true;
	case_skip(c->name, "needs a second VP in VTL1 (run with --smp 2)");
	return false;
}

static void toctou_during(const struct vtl0_case *c)
{
	struct toctou t;
	uint64_t run;
	uint64_t t0, t1;
	uint8_t orig;
	int64_t r;

	if (!need_vp1(c) || !load(c, &mod_b, vtl0_mod_good, vtl0_mod_good_end, set_b()))
		return;
	run = mod_sym(&mod_b, "testmod_run");
	gl_memset(&t, 0, sizeof(t));
	t.site = (volatile uint8_t *)(uintptr_t)mod_b.va[MOD_TEXT];
	orig = *t.site;
	t.bad = orig ^ 0x01;
	smp_start_on(1, toctou_vp1, &t);
	while (!__atomic_load_n(&t.ready, __ATOMIC_ACQUIRE))
		vtl0_pause();
	ring_mark();
	__atomic_store_n(&t.go, 1, __ATOMIC_RELEASE); /* VP 1 writes from now on */
	t0 = vtl0_rdtsc();
	r = validate(&mod_b);
	t1 = vtl0_rdtsc();
	/* let VP 1 make at least one write attempt after the call too */
	for (uint64_t w0 = vtl0_rdtsc(); !t.faulted && !t.writes &&
	     vtl0_rdtsc() - w0 < 2000000000ull;)
		vtl0_pause();
	__atomic_store_n(&t.stop, 1, __ATOMIC_RELEASE);
	smp_wait(1);
	if (no_validator(c, r, VSM_VALIDATE_MODULE))
		return;
	if (r > 0) {
		/* VTL1 accepted: then it must have checked the original bytes, the
		 * memory must still hold them, and VP 1's write must have faulted */
		const char *n[] = { "class=mem-write", "vp=1",
				    ndl("gpa=%#llx", (unsigned long long)pa_of(t.site)), NULL };
		char line[240];
		bool rec = ring_find(line, sizeof(line), n);
		uint8_t now = *t.site;
		int v = (now == orig && !probe_call(run)) ? call_fn(run) : -1;

		vtl_call(VSM_UNLOAD_MODULE, (uint64_t)r, 0, 0);
		expect_violations("mem-write", (uint64_t)t.faulted); /* checked here, not by expect_refused */
		gl_check(now == orig && t.faulted && t.vector == 13 && rec && v == RUN_EXPECT,
			 c->name, "accepted (token %lld) with byte %#x (orig %#x), VP 1 %s "
			 "(vector %llu, %llu writes), %s, testmod_run()=%#x", (long long)r, now, orig,
			 t.faulted ? "faulted" : "never faulted", (unsigned long long)t.vector,
			 (unsigned long long)t.writes, rec ? "recorded" : "VTL1 recorded no mem-write vp=1",
			 v);
		gl_printf("INFO %s: accepted unchanged; VP 1's write faulted %s the call, after "
			  "%llu writes that landed\n", c->name,
			  t.tsc_fault >= t0 && t.tsc_fault < t1 ? "during" : "after",
			  (unsigned long long)t.writes);
		return;
	}
	/* VP 1 won the race: the tampered module must be refused, never X */
	gl_printf("INFO %s: VP 1's tampering landed first (%llu writes): refused\n", c->name,
		  (unsigned long long)t.writes);
	expect_call_err(c->name, r, E_KEYREJECTED, VSM_VALIDATE_MODULE);
	if (case_retry)
		return;
	exec_refused("module_toctou_vp1_never_exec", run);
}

static void vp1_tamper(void *arg)
{
	struct toctou *t = arg;

	t->faulted = probe_store8(t->site, t->bad);
}

/* VP 1 changes the loaded text after VP 0 built the request, before the
 * call: VTL1 must check what is in memory when it write-protects it. */
static void toctou_before(const struct vtl0_case *c)
{
	struct toctou t;
	uint64_t run;
	int64_t r;

	if (!need_vp1(c) || !load(c, &mod_b, vtl0_mod_good, vtl0_mod_good_end, set_b()))
		return;
	run = mod_sym(&mod_b, "testmod_run");
	gl_memset(&t, 0, sizeof(t));
	t.site = (volatile uint8_t *)(uintptr_t)(run + 1);
	t.bad = *t.site ^ 0x40;
	mod_ranges(&mod_b, scratch_page(40));
	smp_run_on(1, vp1_tamper, &t);
	if (t.faulted) {
		gl_check(false, c->name, "VP 1 could not write the not yet validated module text");
		return;
	}
	ring_mark();
	r = validate(&mod_b);
	if (no_validator(c, r, VSM_VALIDATE_MODULE))
		return;
	if (r > 0) {
		gl_check(false, c->name, "VALIDATE_MODULE accepted text VP 1 had changed (token %lld)",
			 (long long)r);
		vtl_call(VSM_UNLOAD_MODULE, (uint64_t)r, 0, 0);
		return;
	}
	expect_call_err(c->name, r, E_KEYREJECTED, VSM_VALIDATE_MODULE);
	if (case_retry)
		return;
	exec_refused("module_toctou_vp1_before_never_exec", run);
}

static void vp1_write(void *arg)
{
	struct toctou *t = arg;

	uint8_t old = *t->site;

	t->faulted = probe_store8(t->site, (uint8_t)(old ^ 0xFF)); /* a real change */
	t->vector = gl_last_fault.vector;
	if (*t->site != old) {
		probe_store8(t->site, old);
		t->faulted = 0; /* it landed: expect_refused() then FAILs */
	}
}

static void toctou_after(const struct vtl0_case *c)
{
	const char *n[4];
	struct toctou t;
	int64_t r;

	if (!need_vp1(c) || !load(c, &mod_b, vtl0_mod_good, vtl0_mod_good_end, set_b()))
		return;
	r = validate(&mod_b);
	if (no_validator(c, r, VSM_VALIDATE_MODULE))
		return;
	if (r <= 0) {
		gl_check(false, c->name, "VALIDATE_MODULE refused the good module: %lld (%s)",
			 (long long)r, errname(r));
		return;
	}
	gl_memset(&t, 0, sizeof(t));
	t.site = (volatile uint8_t *)(uintptr_t)mod_sym(&mod_b, "testmod_run");
	n[0] = "class=mem-write";
	n[1] = "vp=1";
	n[2] = ndl("gpa=%#llx", (unsigned long long)pa_of(t.site));
	n[3] = NULL;
	ring_mark();
	smp_run_on(1, vp1_write, &t);
	vtl_call(VSM_UNLOAD_MODULE, (uint64_t)r, 0, 0);
	gl_last_fault.vector = t.vector;
	expect_refused(c->name, t.faulted, n);
}

/* ---------------------------------------------------------------- kexec */

#define KEXEC_CHAIN 41
#define BZ_PAYLOAD  0x400          /* mkmod.sh: setup_sects = 1 */
#define D_PURG      0x10000000ull  /* destinations: compared, never touched */
#define D_KERN      0x11000000ull

/*
 * A kexec_file_load request as heki's kexec.c sends it: the kimage
 * (KexecImage: head, nr_segments, segment[]), the signed bzImage
 * (KexecKernelBlob), and the entry list's indirection and source pages
 * (KexecPages).  Segment 0 stands for purgatory (one page of VTL0's
 * choosing), segment 1 is the kernel: the blob from 0x400, zero-filled to
 * memsz.  evil: one byte of the kernel's first source page is VTL0's.
 *
 * Area: kimage +0, indirection +1 page, purgatory source +2, kernel
 * sources from +3, blob from +32 pages.
 */
static uint64_t kexec_ranges(bool flip, bool evil)
{
	uint8_t *chain = scratch_page(KEXEC_CHAIN);
	uint64_t img = kexec_area(), ind = img + PAGE_SIZE, purg = img + 2 * PAGE_SIZE;
	uint64_t ksrc = img + 3 * PAGE_SIZE, blob = img + 32 * PAGE_SIZE;
	uint64_t len = (uintptr_t)vtl0_mod_kexec_end - (uintptr_t)vtl0_mod_kexec, n = 0;
	uint64_t plen = len > BZ_PAYLOAD ? len - BZ_PAYLOAD : 0;
	uint64_t kpages = (plen + PAGE_SIZE - 1) / PAGE_SIZE + 1; /* + a zero page */
	uint64_t *e = (uint64_t *)(uintptr_t)ind, *k = (uint64_t *)(uintptr_t)img;
	unsigned int x = 0;

	gl_memset((void *)(uintptr_t)img, 0, (3 + kpages) * PAGE_SIZE);
	gl_memcpy((void *)(uintptr_t)blob, vtl0_mod_kexec, len);
	if (flip)
		((uint8_t *)(uintptr_t)blob)[1030] ^= 0x90; /* a byte of signed content */
	k[0] = ind | 2;                       /* head: IND_INDIRECTION */
	k[7] = 2;                             /* nr_segments */
	k[8 + 2] = D_PURG;                    /* segment[0].mem, .memsz */
	k[8 + 3] = PAGE_SIZE;
	k[12 + 2] = D_KERN;                   /* segment[1] */
	k[12 + 3] = kpages * PAGE_SIZE;
	gl_memset((void *)(uintptr_t)purg, 0xcc, PAGE_SIZE);
	gl_memcpy((void *)(uintptr_t)ksrc, vtl0_mod_kexec + BZ_PAYLOAD, plen);
	if (evil)   /* mov eax, 0x1337; ret: VTL0's own code where the kernel starts */
		gl_memcpy((void *)(uintptr_t)ksrc, "\xb8\x37\x13\x00\x00\xc3", 6);
	e[x++] = D_PURG | 1;                  /* IND_DESTINATION */
	e[x++] = purg | 8;                    /* IND_SOURCE */
	e[x++] = D_KERN | 1;
	for (uint64_t i = 0; i < kpages; i++)
		e[x++] = (ksrc + i * PAGE_SIZE) | 8;
	e[x] = 4;                             /* IND_DONE */

	gl_memset(chain, 0, PAGE_SIZE);
#define RANGE(pa_, epa_, type_)                                              \
	do {                                                                 \
		lvbs_put64(chain + 24 + 32 * n, (pa_));                      \
		lvbs_put64(chain + 32 + 32 * n, (pa_));                      \
		lvbs_put64(chain + 40 + 32 * n, (epa_));                     \
		lvbs_put64(chain + 48 + 32 * n++, (type_));                  \
	} while (0)
	RANGE(img, img + 0x400, 0);           /* KexecImage */
	RANGE(ind, ind + PAGE_SIZE, 2);       /* KexecPages */
	RANGE(purg, purg + PAGE_SIZE, 2);
	for (uint64_t i = 0; i < kpages; i++)
		RANGE(ksrc + i * PAGE_SIZE, ksrc + (i + 1) * PAGE_SIZE, 2);
	for (uint64_t at = blob, end = blob + len; at < end && n < 127; at += PAGE_SIZE)
		RANGE(at, at + PAGE_SIZE < end ? at + PAGE_SIZE : end, 1); /* KernelBlob */
#undef RANGE
	lvbs_put64(chain + 16, n);
	return n;
}

static bool have_kexec_image(const struct vtl0_case *c)
{
	if ((uintptr_t)vtl0_mod_kexec_end > (uintptr_t)vtl0_mod_kexec)
		return true;
	case_skip(c->name, "no signed PE image: osslsigncode was not installed at build time");
	return false;
}

static void kexec_signed(const struct vtl0_case *c)
{
	uint64_t n, img = kexec_area();
	int64_t r;

	if (!have_kexec_image(c))
		return;
	n = kexec_ranges(false, false);
	ring_mark();
	r = vtl_call(VSM_KEXEC_VALIDATE, pa_of(scratch_page(KEXEC_CHAIN)), n, 0);
	if (no_validator(c, r, VSM_KEXEC_VALIDATE))
		return;
	if (r != 0) {
		gl_check(false, c->name, "KEXEC_VALIDATE refused the signed image: %lld (%s)",
			 (long long)r, errname(r));
		return;
	}
	write_refused(c->name, img, NULL);
	if (case_retry)
		goto out;
	exec_refused("kexec_signed_not_executable", img);
	if (case_retry)
		goto out;
	r = vtl_call(VSM_KEXEC_VALIDATE, 0, 0, 0);
	gl_check(r == 0, "kexec_release", "KEXEC_VALIDATE(0) (drop the approval): %lld (%s)",
		 (long long)r, errname(r));
	writable("kexec_release_writable", img, "released kexec image");
	return;
out:
	vtl_call(VSM_KEXEC_VALIDATE, 0, 0, 0);
}

static void kexec_tampered(const struct vtl0_case *c)
{
	uint64_t n, img = kexec_area();
	int64_t r;

	if (!have_kexec_image(c))
		return;
	n = kexec_ranges(true, false);
	ring_mark();
	r = vtl_call(VSM_KEXEC_VALIDATE, pa_of(scratch_page(KEXEC_CHAIN)), n, 0);
	if (no_validator(c, r, VSM_KEXEC_VALIDATE))
		return;
	if (r == 0) {
		gl_check(false, c->name, "KEXEC_VALIDATE accepted a tampered image");
		vtl_call(VSM_KEXEC_VALIDATE, 0, 0, 0);
		return;
	}
	expect_call_err(c->name, r, E_KEYREJECTED, VSM_KEXEC_VALIDATE);
	if (case_retry)
		return;
	writable("kexec_tampered_writable", img, "refused kexec image");
	exec_refused("kexec_tampered_never_exec", img);
}

/*
 * issue 13 RT8: the blob is signed, but the pages that would become the
 * new kernel carry VTL0's code.  The old KEXEC_VALIDATE checked the blob
 * only and accepted this.
 */
static void kexec_unbound_pages(const struct vtl0_case *c)
{
	uint64_t n, img = kexec_area();
	int64_t r;

	if (!have_kexec_image(c))
		return;
	n = kexec_ranges(false, true);
	ring_mark();
	r = vtl_call(VSM_KEXEC_VALIDATE, pa_of(scratch_page(KEXEC_CHAIN)), n, 0);
	if (no_validator(c, r, VSM_KEXEC_VALIDATE))
		return;
	if (r == 0) {
		gl_check(false, c->name, "KEXEC_VALIDATE accepted a request whose kernel pages are "
			 "not the signed kernel");
		vtl_call(VSM_KEXEC_VALIDATE, 0, 0, 0);
		return;
	}
	expect_call_err(c->name, r, E_KEYREJECTED, VSM_KEXEC_VALIDATE);
	if (case_retry)
		return;
	writable("kexec_unbound_pages_writable", img + 3 * PAGE_SIZE, "refused kexec source page");
}

const struct vtl0_case vtl0_cases_modval[] = {
	{ "module_valid_executes", valid_executes, CASE_RUN, "a signed module validates, runs, and its text/rodata are read-only" },
	{ "module_tampered_text", neg_text, CASE_RUN, "one byte of loaded text flipped: refused, never executable" },
	{ "module_tampered_reloc_site", neg_reloc, CASE_RUN, "a relocation site off by one: refused, never executable" },
	{ "module_wrong_key", neg_key, CASE_RUN, "signed by a key VTL1 does not trust: refused" },
	{ "module_revoked_signer", neg_revoked, CASE_RUN, "signer in RevocationCerts: refused" },
	{ "module_blocklisted_hash", neg_blocked, CASE_RUN, "content hash in BlocklistHashes: refused" },
	{ "module_code_after_text", tail_text, CASE_RUN, "RT1: VTL0 code after the signed text in its last page: refused, never executable" },
	{ "module_code_after_init_text", tail_init_text, CASE_RUN, "RT1: VTL0 code after the signed init text in its last page: refused, never executable" },
	{ "module_bytes_after_rodata", tail_rodata, CASE_RUN, "RT1: VTL0 bytes after the signed rodata in its last page: refused, page stays writable" },
	{ "module_page_named_twice", page_named_twice, CASE_RUN, "one physical page as Text and RoData: -EINVAL before any change" },
	{ "module_toctou_vp1", toctou_during, CASE_RUN, "VP 1 rewrites the text while VTL1 validates: not fooled" },
	{ "module_toctou_vp1_before", toctou_before, CASE_RUN, "VP 1 changes the text after the request was built: refused" },
	{ "module_toctou_vp1_after", toctou_after, CASE_RUN, "VP 1 writes validated text: #GP" },
	{ "module_validate_over_live_module", over_live_module, CASE_RUN, "VALIDATE_MODULE over a live module's pages: -EBUSY, the live one unharmed" },
	{ "module_free_init", free_init, CASE_RUN, "FREE_MODULE_INIT: init text no longer executable" },
	{ "module_unload", unload, CASE_RUN, "UNLOAD_MODULE: everything RW+NX, token dead" },
	{ "module_ro_after_init_sorted", roai_sorted, CASE_RUN, "FREE_MODULE_INIT: jump table in the kernel's sort, .data..ro_after_init written: accepted, read-only" },
	{ "module_ro_after_init_omitted", roai_omitted, CASE_RUN, "VALIDATE_MODULE without the module's RoAfterInit ranges: -EINVAL" },
	{ "module_merged_ranges", merged_ranges, CASE_RUN, "VALIDATE_MODULE with multi-page ranges (LVBS merges contiguous pages): accepted" },
	{ "module_ro_after_init_changed", roai_changed, CASE_RUN, "a jump entry changed after validation: refused at FREE_MODULE_INIT, stays read-only" },
	{ "kexec_signed", kexec_signed, CASE_RUN, "KEXEC_VALIDATE of a signed PE: read-only, not executable" },
	{ "kexec_unbound_pages", kexec_unbound_pages, CASE_RUN, "RT8: signed blob, but the kernel pages hold VTL0 code: refused" },
	{ "kexec_tampered", kexec_tampered, CASE_RUN, "KEXEC_VALIDATE of a tampered PE: refused, writable" },
	/* not module_*: it runs under an audit policy too (suite-vtl0-audit, exec_*) */
	{ "exec_module_text_then_validate", exec_then_validate, CASE_RUN, "module text run before VALIDATE_MODULE (refused, or audited): the VALIDATE still succeeds" },
	{ NULL, NULL, 0, NULL },
};
