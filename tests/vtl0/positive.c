// SPDX-License-Identifier: MIT
/*
 * What must keep working under protection: unpinned CR bits, writes to a
 * pinned MSR that keep its value, unpinned MSRs, data and heap writes, the
 * jump-label patch through PATCH_TEXT, VTL calls from another VP, and the
 * measurement log.  Then the flood: 10^5 refused writes, after which VTL1
 * must still answer and its log must account for them within the rate limit.
 */
#include "tests/vtl0/vtl0.h"

#define CR0_TS (1ull << 3)
#define CR4_PGE (1ull << 7)

static void pos_cr4_pge(const struct vtl0_case *c)
{
	uint64_t cr4 = gl_read_cr4();
	int f1 = gl_probe_mov_cr4(cr4 ^ CR4_PGE);
	uint64_t mid = gl_read_cr4();
	int f2 = gl_probe_mov_cr4(cr4);

	gl_check(!f1 && !f2 && mid == (cr4 ^ CR4_PGE) && gl_read_cr4() == cr4, c->name,
		 "toggling the unpinned CR4.PGE: faults %d/%d, CR4 %#llx -> %#llx -> %#llx", f1, f2,
		 (unsigned long long)cr4, (unsigned long long)mid, (unsigned long long)gl_read_cr4());
}

static void pos_cr0_ts(const struct vtl0_case *c)
{
	uint64_t cr0 = gl_read_cr0();
	int f1 = gl_probe_mov_cr0(cr0 ^ CR0_TS);
	uint64_t mid = gl_read_cr0();
	int f2 = gl_probe_mov_cr0(cr0);

	gl_check(!f1 && !f2 && mid == (cr0 ^ CR0_TS) && gl_read_cr0() == cr0, c->name,
		 "toggling the unpinned CR0.TS: faults %d/%d, CR0 %#llx -> %#llx", f1, f2,
		 (unsigned long long)cr0, (unsigned long long)mid);
}

static void pos_msr_same(const struct vtl0_case *c, uint32_t msr)
{
	uint64_t v = gl_rdmsr(msr);
	int f = gl_probe_wrmsr(msr, v);

	gl_check(!f && gl_rdmsr(msr) == v, c->name,
		 "rewriting MSR %#x with its pinned value %#llx: fault %d", msr,
		 (unsigned long long)v, f);
}

static void pos_lstar_same(const struct vtl0_case *c) { pos_msr_same(c, 0xC0000082u); }
static void pos_efer_same(const struct vtl0_case *c) { pos_msr_same(c, 0xC0000080u); }

static void pos_kernel_gs_base(const struct vtl0_case *c)
{
	uint64_t old = gl_rdmsr(0xC0000102u);
	int f = gl_probe_wrmsr(0xC0000102u, 0xffff888012345000ull);
	uint64_t got = gl_rdmsr(0xC0000102u);

	gl_wrmsr(0xC0000102u, old);
	gl_check(!f && got == 0xffff888012345000ull, c->name,
		 "KERNEL_GS_BASE (not pinned) write: fault %d, read back %#llx", f,
		 (unsigned long long)got);
}

static void pos_heap_rw(const struct vtl0_case *c)
{
	volatile uint64_t *h = (volatile uint64_t *)(uintptr_t)(v0.mem.heap_pa + 3 * PAGE_SIZE);
	int f = gl_probe_write64(h, 0x1122334455667788ull);

	gl_check(!f && *h == 0x1122334455667788ull, c->name,
		 "heap (R|W) write: fault %d, read back %#llx", f, (unsigned long long)*h);
}

static int64_t patch_to(const uint8_t code[5])
{
	uint8_t *req = scratch_page(24);

	gl_memset(req, 0, 64);
	lvbs_put64(req, pa_of(vtl0_jl_site));
	req[16] = 5;
	gl_memcpy(req + 17, code, 5);
	return vtl_call(VSM_PATCH_TEXT, pa_of(req), 0, 0);
}

static void pos_jump_label(const struct vtl0_case *c)
{
	static const uint8_t nop[5] = { 0x0F, 0x1F, 0x44, 0x00, 0x00 };
	uint8_t jmp[5] = { 0xE9 };
	int32_t rel = (int32_t)((int64_t)(uintptr_t)vtl0_jl_target -
				(int64_t)((uintptr_t)vtl0_jl_site + 5));
	int before, on, off;
	int64_t r1, r2;

	gl_memcpy(jmp + 1, &rel, 4);
	before = vtl0_static_key();
	r1 = patch_to(jmp);
	on = vtl0_static_key();
	r2 = patch_to(nop);
	off = vtl0_static_key();
	gl_check(before == 0 && r1 == 0 && on == 1 && r2 == 0 && off == 0, c->name,
		 "static key %d, PATCH_TEXT(jmp) R8=%lld -> %d, PATCH_TEXT(nop) R8=%lld -> %d", before,
		 (long long)r1, on, (long long)r2, off);
}

static void ap_measure(void *arg)
{
	int64_t *r = arg;

	*r = vtl_call(VTLG_GET_MEASUREMENTS, pa_of(scratch_page(26)), 2 * PAGE_SIZE, 0);
}

static void pos_ap_vtl_call(const struct vtl0_case *c)
{
	int64_t r = -1;

	if (v0.nr_vps < 2 || !v0.aps_in_vtl1) {
		case_skip(c->name, "needs a second VP in VTL1 (run with --smp 2)");
		return;
	}
	smp_run_on(1, ap_measure, &r);
	gl_check(r > 0, c->name, "GET_MEASUREMENTS from VP 1: R8=%lld (%s)", (long long)r,
		 errname(r));
}

static bool is_mlog(const uint8_t *b)
{
	static const char m[8] = "VTLGMLOG";

	for (int i = 0; i < 8; i++)
		if (b[i] != (uint8_t)m[i])
			return false;
	return true;
}

static void pos_measurements(const struct vtl0_case *c)
{
	uint8_t *b = scratch_page(26);
	int64_t r = vtl_call(VTLG_GET_MEASUREMENTS, pa_of(b), 2 * PAGE_SIZE, 0);
	uint32_t count = 0, types = 0;
	bool magic = r >= 64 && is_mlog(b);

	if (magic) {
		gl_memcpy(&count, b + 16, 4);
		for (uint32_t i = 0; i < count && 64 + 56 * (i + 1) <= (uint64_t)r; i++) {
			uint32_t t;

			gl_memcpy(&t, b + 64 + 56 * i, 4);
			if (t < 32)
				types |= 1u << t;
		}
	}
	/* policy (1), PROTECT_MEMORY (2), LOAD_KDATA (3), LOCK_REGS (6), end of boot (7) */
	gl_check(magic && (types & 0xCE) == 0xCE, c->name,
		 "GET_MEASUREMENTS: R8=%lld, magic %s, %u entries, types seen %#x (want 1,2,3,6,7)",
		 (long long)r, magic ? "ok" : "bad", count, types);
	if (magic && !v0.opt.default_policy) {
		uint64_t arg0 = lvbs_get64(b + 64 + 8), arg1 = lvbs_get64(b + 64 + 16);

		gl_check(arg0 == 1 && arg1 == vtl0_policy_len(),
			 "measurement_policy_from_loader",
			 "first entry: policy arg0 %llu (1 = loader), size %llu (ours %llu)",
			 (unsigned long long)arg0, (unsigned long long)arg1,
			 (unsigned long long)vtl0_policy_len());
	}
}

/* ------------------------------------------------------------- flood */

uint64_t flood_ring_from, flood_ring_to;

static void flood(const struct vtl0_case *c)
{
	volatile uint8_t *p = (volatile uint8_t *)vtl0_victim_text + 40;
	uint8_t orig = *p;
	uint64_t n = v0.opt.flood, faults = 0, reported = 0, limited = 0, lost0 = ring_lost();
	uint64_t t0 = vtl0_rdtsc(), t1, t_last = t0, extra = 0;
	int64_t r;

	/* Reports earlier cases had rate-limited are summarised when the next
	 * window opens: open one (wait a window, one refused write, accounted
	 * below) before counting, so the summary counts only the flood. */
	for (uint64_t w0 = vtl0_rdtsc(); vtl0_rdtsc() - w0 < 2100000000ull;)
		vtl0_pause();
	expect_violations("mem-write", (uint64_t)probe_store8(p, (uint8_t)(orig ^ 0xFF)));
	ring_count_reset();
	flood_ring_from = ring_head();
	for (uint64_t i = 0; i < n; i++) {
		faults += (uint64_t)probe_store8(p, (uint8_t)(orig ^ 0xFF));
		if ((i & 1023) == 1023) {
			ring_count("class=mem-write", "mem-write", &reported, &limited);
			if (v0.opt.verbose) {
				uint64_t now = vtl0_rdtsc();

				gl_printf("  flood %llu/%llu, %llu TSC ticks per violation\n",
					  (unsigned long long)i + 1, (unsigned long long)n,
					  (unsigned long long)((now - t_last) / 1024));
				t_last = now;
			}
		}
	}
	t1 = vtl0_rdtsc();
	ring_count("class=mem-write", "mem-write", &reported, &limited);
	/*
	 * The last rate window's refusals are only summarised when the next
	 * window starts: wait (0.5, 1, 2 ... 16 * 10^9 TSC ticks) and write
	 * once more until a summary line shows up.  Then every violation is
	 * accounted for exactly: lines + summarised == flood + extra writes.
	 */
	for (unsigned int try = 0; try < 6; try++) {
		uint64_t before = limited, w0 = vtl0_rdtsc();

		while (vtl0_rdtsc() - w0 < (500000000ull << try))
			vtl0_pause();
		faults += (uint64_t)probe_store8(p, (uint8_t)(orig ^ 0xFF));
		extra++;
		ring_count("class=mem-write", "mem-write", &reported, &limited);
		if (limited > before)
			break;
	}
	flood_ring_to = ring_head();
	r = vtl_call(0x1FFEDull, 0, 0, 0); /* still answering? (an unknown id) */
	gl_printf("INFO flood: %llu writes (+%llu to close the last rate window), %llu refused, "
		  "%llu reported + %llu rate-limited in the ring, %llu TSC ticks\n",
		  (unsigned long long)n, (unsigned long long)extra, (unsigned long long)faults,
		  (unsigned long long)reported, (unsigned long long)limited,
		  (unsigned long long)(t1 - t0));
	/* the flood's refusals are counted here, not by expect_refused() */
	expect_violations("mem-write", faults);
	expect_violations("bad-call", r == -E_INVAL);
	gl_check(faults == n + extra && *p == orig, c->name, "%llu of %llu flood writes were refused",
		 (unsigned long long)faults, (unsigned long long)(n + extra));
	gl_check(r == -E_INVAL, "flood_vtl1_responsive",
		 "after the flood an unknown VTL call got R8=%lld (%s), expected -EINVAL", (long long)r,
		 errname(r));
	/* every line is one violation, every "N ... were rate-limited" N more */
	gl_check(reported + limited == n + extra && (n < 1000 || limited > 0) &&
		 ring_lost() == lost0, "flood_log_accounted",
		 "%llu VIOLATION lines + %llu rate-limited for %llu violations, ring lost %llu -> %llu",
		 (unsigned long long)reported, (unsigned long long)limited,
		 (unsigned long long)(n + extra), (unsigned long long)lost0,
		 (unsigned long long)ring_lost());
}

const struct vtl0_case vtl0_cases_positive[] = {
	{ "pos_cr4_toggle_pge", pos_cr4_pge, CASE_RUN, "toggle the unpinned CR4.PGE (TLB flush)" },
	{ "pos_cr0_toggle_ts", pos_cr0_ts, CASE_RUN, "toggle the unpinned CR0.TS" },
	{ "pos_msr_lstar_same_value", pos_lstar_same, CASE_RUN, "rewrite LSTAR with its pinned value" },
	{ "pos_msr_efer_same_value", pos_efer_same, CASE_RUN, "rewrite EFER with its pinned value" },
	{ "pos_msr_kernel_gs_base", pos_kernel_gs_base, CASE_RUN, "write an unpinned MSR" },
	{ "pos_heap_write", pos_heap_rw, CASE_RUN, "write the R|W heap" },
	{ "pos_jump_label_patch", pos_jump_label, CASE_RUN, "flip a jump label through PATCH_TEXT" },
	{ "pos_vtl_call_from_ap", pos_ap_vtl_call, CASE_RUN, "a VTL call from VP 1" },
	{ "pos_measurements", pos_measurements, CASE_RUN, "read the measurement log" },
	{ NULL, NULL, 0, NULL },
};

const struct vtl0_case vtl0_cases_flood[] = {
	{ "flood_violations", flood, CASE_RUN, "10^5 refused writes in a row" },
	{ NULL, NULL, 0, NULL },
};
