// SPDX-License-Identifier: MIT
/*
 * The boot and call contract (docs/boot-protocol.md, docs/vtl-call-abi.md):
 *   - ENABLE_APS_VTL and BOOT_APS are closed after end of boot (RT5): a late
 *     BOOT_APS aimed at protected text must not write its signal there;
 *   - VTL0's x87/SSE state and CR2 survive every kind of VTL call and an
 *     intercept (V2/V3 runtime calls save neither, facts §3).
 * The RT5 signal-page attacks on the first BOOT_APS run in boot.c (aps=late).
 */
#include "tests/vtl0/vtl0.h"

void vtl0_fxsave(void *buf);
void vtl0_fxrstor(const void *buf);
void vtl0_cr2_write(uint64_t v);
uint64_t vtl0_cr2_read(void);

static int mem_differ(const uint8_t *a, const uint8_t *b, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (a[i] != b[i])
			return 1;
	return 0;
}

static uint8_t *bpg(unsigned int i)
{
	uint8_t *p = scratch_page(500 + i);

	gl_memset(p, 0, 4096);
	return p;
}

/* ------------------------------------------------ AP calls after boot */

static void eob_boot_aps(const struct vtl0_case *c)
{
	uint8_t *online = bpg(0), before[8], after[8];
	const volatile uint8_t *text = (const volatile uint8_t *)__vtl0_text_start;
	int64_t r;

	for (unsigned int vp = 0; vp < v0.nr_vps; vp++)
		online[vp / 8] |= (uint8_t)(1u << (vp % 8));
	for (unsigned int i = 0; i < 8; i++)
		before[i] = text[i];
	ring_mark();
	/* the boot signal aimed at our own protected text */
	r = (int32_t)vtl_call(VSM_BOOT_APS, pa_of(online) >> 12, pa_of(__vtl0_text_start) >> 12, 0);
	for (unsigned int i = 0; i < 8; i++)
		after[i] = text[i];
	if (mem_differ(before, after, 8)) {
		gl_check(false, c->name, "BOOT_APS after end of boot wrote into protected text "
			 "(R8=%lld)", (long long)r);
		return;
	}
	expect_call_err(c->name, r, E_PERM, VSM_BOOT_APS);
}

static void eob_enable_aps(const struct vtl0_case *c)
{
	uint8_t *present = bpg(0);

	for (unsigned int vp = 0; vp < v0.nr_vps; vp++)
		present[vp / 8] |= (uint8_t)(1u << (vp % 8));
	ring_mark();
	expect_call_err(c->name, (int32_t)vtl_call(VSM_ENABLE_APS_VTL, pa_of(present) >> 12, 0, 0),
			E_PERM, VSM_ENABLE_APS_VTL);
}

/* BOOT_APS runs once: a second one (before end of boot) gets -EBUSY. */
static void boot_aps_twice(const struct vtl0_case *c)
{
	uint8_t *online = bpg(0), *signal = bpg(4);

	if (v0.nr_vps < 2) {
		case_skip(c->name, "one VP: the boot sent no BOOT_APS");
		return;
	}
	for (unsigned int vp = 0; vp < v0.nr_vps; vp++)
		online[vp / 8] |= (uint8_t)(1u << (vp % 8));
	ring_mark();
	expect_call_err(c->name,
			(int32_t)vtl_call(VSM_BOOT_APS, pa_of(online) >> 12,
					  v0.opt.lvbs == 4 ? 0 : pa_of(signal) >> 12, 0),
			E_BUSY, VSM_BOOT_APS);
}

/* -------------------------------------------- FPU, SSE, x87 and CR2 */

static uint8_t fx_want[512] __attribute__((aligned(16)));
static uint8_t fx_got[512] __attribute__((aligned(16)));

/* Known, non-default values in every x87 and SSE register, MXCSR and FCW. */
static void fpu_fill(uint64_t seed)
{
	vtl0_fxsave(fx_want);
	fx_want[0] = 0x7F;  /* FCW: all masked, RC = truncate, PC = 64 bits */
	fx_want[1] = 0x0F;
	fx_want[4] = 0xFF;  /* abridged FTW: all eight registers valid */
	lvbs_put64(fx_want + 24, 0x7F80); /* MXCSR: masked, RC = toward zero (+ mask word kept) */
	for (unsigned int i = 0; i < 8; i++) {    /* ST0..7: 80-bit normals */
		lvbs_put64(fx_want + 32 + 16 * i, 0x8000000000000000ull | (seed + i) << 8);
		fx_want[32 + 16 * i + 8] = (uint8_t)(0x3F + i);
		fx_want[32 + 16 * i + 9] = 0x40;
	}
	for (unsigned int i = 0; i < 32; i++)     /* XMM0..15 */
		lvbs_put64(fx_want + 160 + 8 * i, seed * 0x9E3779B97F4A7C15ull + i);
	vtl0_fxrstor(fx_want);
	vtl0_fxsave(fx_want); /* what the CPU actually holds now */
	vtl0_cr2_write(0xC2C2000000000000ull | seed);
}

/* NULL when nothing changed, else what did. */
static const char *fpu_changed(uint64_t seed, uint64_t *cr2)
{
	*cr2 = vtl0_cr2_read();
	vtl0_fxsave(fx_got);
	if (*cr2 != (0xC2C2000000000000ull | seed))
		return "CR2";
	if (mem_differ(fx_got, fx_want, 24))
		return "x87 control/status (FCW, FSW, FTW, FOP, FIP, FDP)";
	if (mem_differ(fx_got + 24, fx_want + 24, 4))
		return "MXCSR";
	if (mem_differ(fx_got + 32, fx_want + 32, 128))
		return "x87 registers ST0..ST7";
	if (mem_differ(fx_got + 160, fx_want + 160, 256))
		return "XMM0..XMM15";
	return NULL;
}

struct call { uint64_t id, a0, a1, a2; };

static void fpu_calls(const struct vtl0_case *c, const struct call *calls, unsigned int n,
		      bool intercept)
{
	uint64_t refused = 0, gp = 0;

	for (unsigned int i = 0; i <= n; i++) {
		uint64_t seed = 0x1234 + i, cr2;
		const char *what;

		if (i == n && !intercept)
			break;
		fpu_fill(seed);
		if (i < n) {
			int64_t r = vtl_call(calls[i].id, calls[i].a0, calls[i].a1, calls[i].a2);

			/* this case is about state, not refusals: VTL1 records
			 * each refused call (all but -EOPNOTSUPP), so declare
			 * them for the accounting (cases.c) */
			refused += r < 0 && r != -E_OPNOTSUPP;
		} else {
			uint64_t lstar = gl_rdmsr(0xC0000082u);

			gp += (uint64_t)gl_probe_wrmsr(0xC0000082u, v0.mem.heap_pa); /* LSTAR */
			if (gl_rdmsr(0xC0000082u) != lstar) {
				/* an audited write lands (recorded, not refused): undo it */
				gp++;
				gl_wrmsr(0xC0000082u, lstar);
			}
		}
		what = fpu_changed(seed, &cr2);
		if (what) {
			gl_check(false, c->name, "%s changed across %s %#llx (CR2 now %#llx)", what,
				 i < n ? "VTL call" : "the LSTAR intercept",
				 (unsigned long long)(i < n ? calls[i].id : 0xC0000082u),
				 (unsigned long long)cr2);
			return;
		}
	}
	expect_violations("bad-call", refused);
	expect_violations("msr", gp);
	gl_check(true, c->name, "%u calls%s", n, intercept ? " and an intercept" : "");
}

/* Before end of boot: PROTECT_MEMORY hashes its ranges (SHA-256 in VTL1
 * uses SSE registers), so VTL1 really uses the vector unit here. */
static void fpu_boot_calls(const struct vtl0_case *c)
{
	uint8_t *chain = bpg(1), *meas = bpg(2);
	uint64_t page = v0.mem.scratch_pa + 510 * PAGE_SIZE;
	const struct call calls[] = {
		{ VSM_PROTECT_MEMORY, pa_of(chain), 1, 0 },
		{ VTLG_GET_MEASUREMENTS, pa_of(meas), 4096, 0 },
		{ VTLG_GET_VIOLATIONS, pa_of(meas), 4096, 0 },
		{ 0x1FFDFull, 0, 0, 0 },
	};

	lvbs_put64(chain + 16, 1); /* one range: a scratch page, R|W (no change in effect) */
	lvbs_put64(chain + 24, page);
	lvbs_put64(chain + 32, page);
	lvbs_put64(chain + 40, page + PAGE_SIZE);
	lvbs_put64(chain + 48, ATTR_R | ATTR_W);
	fpu_calls(c, calls, sizeof(calls) / sizeof(calls[0]), false);
}

/* After end of boot: every call id (refused or not) and an intercept. */
static void fpu_run_calls(const struct vtl0_case *c)
{
	uint8_t *buf = bpg(3);
	struct call calls[20];
	unsigned int n = 0;

	/* a0: an unaligned address inside our own RAM (no valid token, no
	 * usable request); a GPA outside RAM would test something else (V4
	 * passes no memory map, docs/compatibility.md) */
	for (uint64_t id = VSM_ENABLE_APS_VTL; id <= VSM_ALLOC_RINGBUFFER; id++)
		calls[n++] = (struct call){ id, pa_of(buf) + 8, 0, 0 };
	calls[n++] = (struct call){ VTLG_GET_MEASUREMENTS, pa_of(buf), 4096, 0 };
	calls[n++] = (struct call){ VTLG_GET_VIOLATIONS, pa_of(buf), 4096, 0 };
	calls[n++] = (struct call){ 0x3FFFFull, 0, 0, 0 };
	fpu_calls(c, calls, n, true);
}

const struct vtl0_case vtl0_cases_boot_gen[] = {
	{ "contract_fpu_cr2_boot_calls", fpu_boot_calls, CASE_BOOT, "x87/SSE state and CR2 across boot-time calls (VTL1 hashes)" },
	{ "boot_aps_second_run", boot_aps_twice, CASE_BOOT, "BOOT_APS a second time before end of boot" },
	{ "contract_fpu_cr2_run_calls", fpu_run_calls, CASE_RUN, "x87/SSE state and CR2 across every call id and an intercept" },
	{ "eob_boot_aps_signal_into_text", eob_boot_aps, CASE_RUN, "BOOT_APS after end of boot, signal page = protected text" },
	{ "eob_enable_aps_vtl", eob_enable_aps, CASE_RUN, "ENABLE_APS_VTL after end of boot" },
	{ NULL, NULL, 0, NULL },
};
