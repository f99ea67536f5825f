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

static bool no_validator(const struct vtl0_case *c, int64_t r)
{
	if (r != -E_OPNOTSUPP)
		return false;
	case_skip(c->name, "this vtlguard has no module validator built in (-EOPNOTSUPP)");
	return true;
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
	if (no_validator(c, r))
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
}

static bool ensure_a(const struct vtl0_case *c)
{
	int64_t r;

	if (token_a > 0)
		return true;
	if (!load(c, &mod_a, vtl0_mod_good, vtl0_mod_good_end, set_a()))
		return false;
	r = validate(&mod_a);
	if (no_validator(c, r))
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
	if (no_validator(c, r))
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
	if (no_validator(c, r))
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
	if (no_validator(c, r))
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
	if (no_validator(c, r))
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

/* image page, one "pages" page, the PE blob (copied page by page) */
static uint64_t kexec_ranges(bool flip)
{
	uint8_t *chain = scratch_page(KEXEC_CHAIN);
	uint64_t img = kexec_area(), pages = img + PAGE_SIZE, blob = img + 4 * PAGE_SIZE;
	uint64_t len = (uintptr_t)vtl0_mod_kexec_end - (uintptr_t)vtl0_mod_kexec, n = 0;

	gl_memset((void *)(uintptr_t)img, 0x5a, 2 * PAGE_SIZE);
	gl_memcpy((void *)(uintptr_t)blob, vtl0_mod_kexec, len);
	if (flip)
		((uint8_t *)(uintptr_t)blob)[1030] ^= 0x90; /* a byte of signed content */
	gl_memset(chain, 0, PAGE_SIZE);
	lvbs_put64(chain + 24 + 32 * n, img);
	lvbs_put64(chain + 32 + 32 * n, img);
	lvbs_put64(chain + 40 + 32 * n, img + PAGE_SIZE);
	lvbs_put64(chain + 48 + 32 * n++, 0); /* KexecImage */
	lvbs_put64(chain + 24 + 32 * n, pages);
	lvbs_put64(chain + 32 + 32 * n, pages);
	lvbs_put64(chain + 40 + 32 * n, pages + PAGE_SIZE);
	lvbs_put64(chain + 48 + 32 * n++, 2); /* KexecPages */
	for (uint64_t at = blob, end = blob + len; at < end && n < 127; at += PAGE_SIZE) {
		lvbs_put64(chain + 24 + 32 * n, at);
		lvbs_put64(chain + 32 + 32 * n, at);
		lvbs_put64(chain + 40 + 32 * n, at + PAGE_SIZE < end ? at + PAGE_SIZE : end);
		lvbs_put64(chain + 48 + 32 * n++, 1); /* KexecKernelBlob */
	}
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
	n = kexec_ranges(false);
	ring_mark();
	r = vtl_call(VSM_KEXEC_VALIDATE, pa_of(scratch_page(KEXEC_CHAIN)), n, 0);
	if (no_validator(c, r))
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
	n = kexec_ranges(true);
	ring_mark();
	r = vtl_call(VSM_KEXEC_VALIDATE, pa_of(scratch_page(KEXEC_CHAIN)), n, 0);
	if (no_validator(c, r))
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

const struct vtl0_case vtl0_cases_modval[] = {
	{ "module_valid_executes", valid_executes, CASE_RUN, "a signed module validates, runs, and its text/rodata are read-only" },
	{ "module_tampered_text", neg_text, CASE_RUN, "one byte of loaded text flipped: refused, never executable" },
	{ "module_tampered_reloc_site", neg_reloc, CASE_RUN, "a relocation site off by one: refused, never executable" },
	{ "module_wrong_key", neg_key, CASE_RUN, "signed by a key VTL1 does not trust: refused" },
	{ "module_revoked_signer", neg_revoked, CASE_RUN, "signer in RevocationCerts: refused" },
	{ "module_blocklisted_hash", neg_blocked, CASE_RUN, "content hash in BlocklistHashes: refused" },
	{ "module_toctou_vp1", toctou_during, CASE_RUN, "VP 1 rewrites the text while VTL1 validates: not fooled" },
	{ "module_toctou_vp1_before", toctou_before, CASE_RUN, "VP 1 changes the text after the request was built: refused" },
	{ "module_toctou_vp1_after", toctou_after, CASE_RUN, "VP 1 writes validated text: #GP" },
	{ "module_free_init", free_init, CASE_RUN, "FREE_MODULE_INIT: init text no longer executable" },
	{ "module_unload", unload, CASE_RUN, "UNLOAD_MODULE: everything RW+NX, token dead" },
	{ "kexec_signed", kexec_signed, CASE_RUN, "KEXEC_VALIDATE of a signed PE: read-only, not executable" },
	{ "kexec_tampered", kexec_tampered, CASE_RUN, "KEXEC_VALIDATE of a tampered PE: refused, writable" },
	{ NULL, NULL, 0, NULL },
};
