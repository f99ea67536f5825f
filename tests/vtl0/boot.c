// SPDX-License-Identifier: MIT
/*
 * The boot sequence of an LVBS kernel (drivers/hv/hv_vsm_boot.c and heki),
 * step by step, each step a PASS/FAIL line:
 *   find vtlguard (hvsim's blob, as Linux reads /usr/lib/firmware/vmlinux),
 *   reserve VTL1 memory, build the special pages, copy the image,
 *   VsmCodePageOffsets, VsmPartitionStatus, EnablePartitionVtl(1, MBEC),
 *   EnableVpVtl(self, 1, context), first VTL call (0, boot_params),
 *   ENABLE_APS_VTL + BOOT_APS when there are APs,
 *   PROTECT_MEMORY (text R|X, rodata R, ro_after_init R|IMMUTABLE, data and
 *   heap R|W) through a chain of range pages, LOAD_KDATA, LOCK_REGS on
 *   every VP, SIGNAL_END_OF_BOOT.
 * The trust test (docs/testing.md) leaves one step out with skip=NAME.
 */
#include "tests/vtl0/vtl0.h"

#include "core/fmt.h"

#define HV_REG_VSM_CODE_PAGE_OFFSETS 0x000D0002u
#define HV_REG_VSM_VP_STATUS 0x000D0003u
#define HV_REG_VSM_PARTITION_STATUS 0x000D0004u
#define HV_REG_VSM_CAPABILITIES 0x000D0006u

/*
 * MBEC: LVBS Linux refuses to go on when VsmPartitionStatus shows no
 * MBEC-enabled VTL after EnablePartitionVtl(MBEC).  A hypervisor that says
 * in VsmCapabilities (MbecVtlMask, bits 16:1) that it has no MBEC at all -
 * hvsim does, docs/hvsim.md - gets a NOTE instead of a FAIL: there is
 * nothing the kernel could do about it, and the suite is about vtlguard.
 */
static bool hv_has_mbec(void)
{
	uint64_t caps = 0;

	return vsm_get_reg(HV_REG_VSM_CAPABILITIES, &caps) == 0 && (caps >> 1 & 0xFFFF);
}

static void check_mbec(bool ok, const char *name, const char *what, uint64_t reg)
{
	if (!ok && !hv_has_mbec()) {
		gl_printf("NOTE %s: %s %#llx: no MBEC, none in VsmCapabilities either; "
			  "LVBS Linux would stop here, the suite goes on\n",
			  name, what, (unsigned long long)reg);
		return;
	}
	gl_check(ok, name, "%s %#llx: MBEC not enabled/active", what, (unsigned long long)reg);
}

#define SCRATCH_SIZE (2 * MIB)
#define HEAP_SIZE (2 * MIB)
#define RING_SIZE (1 * MIB)
#define VICTIM_SIZE (1 * MIB)
#define MOD_SIZE (2 * MIB)

static uint8_t vp_ctx[LVBS_CTX_SIZE];

static bool streq(const char *a, const char *b)
{
	while (*a && *a == *b)
		a++, b++;
	return *a == *b;
}

static bool skipped(const char *step)
{
	if (v0.opt.skip[0] && streq(v0.opt.skip, step)) {
		gl_printf("NOTE skipping %s (skip=%s): the suite must now fail\n", step, step);
		return true;
	}
	return false;
}

void *scratch_page(unsigned int idx)
{
	return (void *)(uintptr_t)(v0.mem.scratch_pa + (uint64_t)idx * PAGE_SIZE);
}

int vtl0_plan_memory(void)
{
	const struct hvsim_boot_info *bi = v0.bi;
	struct vtl0_mem *m = &v0.mem;
	uint64_t at = (bi->free_gpa + LVBS_SEG_ALIGN - 1) & ~(LVBS_SEG_ALIGN - 1);

	m->region_pa = at;
	m->region_size = (uint64_t)v0.opt.vtl1_mb * MIB;
	at += m->region_size;
	m->scratch_pa = at;
	m->scratch_size = SCRATCH_SIZE;
	at += SCRATCH_SIZE;
	m->heap_pa = at;
	m->heap_size = HEAP_SIZE;
	at += HEAP_SIZE;
	m->ring_pa = at;
	m->ring_size = RING_SIZE;
	at += RING_SIZE;
	m->victim_pa = at;
	at += VICTIM_SIZE;
	m->mod_pa = at;
	m->mod_size = MOD_SIZE;
	at += MOD_SIZE;
	gl_check(at <= bi->ram_size, "boot_memory_plan",
		 "guest RAM %llu MiB is too small: need %llu MiB (run with -m 512M or more)",
		 (unsigned long long)(bi->ram_size >> 20), (unsigned long long)(at >> 20));
	if (at > bi->ram_size)
		return -1;
	gl_memset((void *)(uintptr_t)m->scratch_pa, 0, SCRATCH_SIZE + HEAP_SIZE + RING_SIZE + VICTIM_SIZE +
		  MOD_SIZE);
	gl_printf("INFO memory: VTL1 region %#llx+%llu MiB, scratch %#llx, heap %#llx, ring %#llx\n",
		  (unsigned long long)m->region_pa, (unsigned long long)(m->region_size >> 20),
		  (unsigned long long)m->scratch_pa, (unsigned long long)m->heap_pa,
		  (unsigned long long)m->ring_pa);
	return 0;
}

/*
 * firstcall=...: the failure contract.  A first call vtlguard cannot use must
 * come back with a negative errno in R8 (never a VTL1 halt, which hangs
 * VTL0), and every later call with -ENODEV.
 */
static bool refused_ran;

static int refused_first_call(const struct lvbs_region *r)
{
	const char *fc = v0.opt.firstcall;
	uint64_t bp = r->pa + LVBS_PG_BOOT_PARAMS * PAGE_SIZE;
	struct { const char *name; uint64_t rdi, rsi, rdx, r8; } t[] = {
		{ "v1a", 0, 0, 0, 0 },                                        /* all zero */
		{ "v1b", v0.nr_vps, r->pa, r->pa + r->size, r->ram_size },   /* skloader */
		{ "mixed", 0, bp, r->size, 0 },                               /* V3 + RDX */
		{ "v3rsi", 0, bp - PAGE_SIZE, 0, 0 },                         /* not page 14 */
		{ "v4far", v0.nr_vps, r->pa - 2 * MIB, r->size + 2 * MIB, 0 }, /* image 4 MiB in */
	};

	for (unsigned int i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		int64_t r8, again;

		if (!streq(fc, t[i].name))
			continue;
		gl_printf("INFO first VTL call %s (RDI=%#llx RSI=%#llx RDX=%#llx R8=%#llx): "
			  "vtlguard must refuse it\n", fc, (unsigned long long)t[i].rdi,
			  (unsigned long long)t[i].rsi, (unsigned long long)t[i].rdx,
			  (unsigned long long)t[i].r8);
		r8 = vtl_call(t[i].rdi, t[i].rsi, t[i].rdx, t[i].r8);
		gl_check(r8 < 0 && r8 >= -4095, "boot_refused_first_call",
			 "first call %s: R8=%lld (%s), want a negative errno", fc, (long long)r8,
			 errname(r8));
		again = vtl_call(VSM_LOCK_REGS, 0, 0, 0);
		gl_check(again == -19, "boot_refused_later_call_enodev",
			 "a later call (LOCK_REGS): R8=%lld (%s), want -ENODEV", (long long)again,
			 errname(again));
		again = vtl_call(0, bp, 0, 0); /* a valid-looking boot call does not revive it */
		gl_check(again == -19, "boot_refused_stays_refused",
			 "a second boot call: R8=%lld (%s), want -ENODEV", (long long)again,
			 errname(again));
		refused_ran = true;
		return 0;
	}
	gl_check(false, "boot_refused_first_call", "unknown firstcall=%s", fc);
	return -1;
}

bool vtl0_refused_boot(void)
{
	return vtl0_boot_vtl1() == 0 && refused_ran;
}

int vtl0_boot_vtl1(void)
{
	const struct hvsim_boot_info *bi = v0.bi;
	struct lvbs_region r = { .gen = v0.opt.lvbs, .pa = v0.mem.region_pa,
				 .size = v0.mem.region_size, .ram_size = bi->ram_size,
				 .possible_cpus = v0.nr_vps };
	static char extra[160];
	uint64_t offs = 0, pstat = 0, vpstat = 0;
	const char *why;
	uint16_t st;
	int ret;

	/* 1. the secure kernel image */
	gl_check(bi->blob_gpa && bi->blob_size, "boot_find_vtlguard",
		 "no blob in the boot info: run with --blob build/vtlguard.elf");
	if (!bi->blob_gpa || !bi->blob_size)
		return -1;
	gl_printf("INFO vtlguard ELF at %#llx, %llu bytes\n", (unsigned long long)bi->blob_gpa,
		  (unsigned long long)bi->blob_size);

	/* 2. special pages and segments (V4 has no command line: no policy word) */
	gl_printf("INFO VTL0 generation: lvbs=v%u\n", v0.opt.lvbs);
	if (!v0.opt.default_policy && v0.opt.policy_at) {
		/* tests/vtl0/run --policy FILE: the DTB follows the ELF in the blob */
		const uint8_t *d = (const uint8_t *)(uintptr_t)(bi->blob_gpa + v0.opt.policy_at);
		uint64_t len = 0;

		if (v0.opt.policy_at + 8 <= bi->blob_size && d[0] == 0xd0 && d[1] == 0x0d &&
		    d[2] == 0xfe && d[3] == 0xed)
			len = (uint64_t)d[4] << 24 | (uint64_t)d[5] << 16 | (uint64_t)d[6] << 8 | d[7];
		gl_check(len >= 8 && len <= bi->blob_size - v0.opt.policy_at, "boot_policy_at",
			 "policy=at:%llu: no device tree of a fitting size there (blob is %llu bytes)",
			 (unsigned long long)v0.opt.policy_at, (unsigned long long)bi->blob_size);
		if (len < 8 || len > bi->blob_size - v0.opt.policy_at)
			return -1;
		gl_printf("INFO policy: %llu-byte DTB at blob+%llu (tests/vtl0/run --policy)\n",
			  (unsigned long long)len, (unsigned long long)v0.opt.policy_at);
		snprintk(extra, sizeof(extra), "vtlguard.policy=%#llx,%llu",
			 (unsigned long long)pa_of(d), (unsigned long long)len);
	} else if (!v0.opt.default_policy) {
		snprintk(extra, sizeof(extra), "vtlguard.policy=%#llx,%llu",
			    (unsigned long long)pa_of(vtl0_policy_dtb),
			    (unsigned long long)vtl0_policy_len());
	}
	r.cmdline_extra = extra;
	ret = lvbs_build_special_pages((uint8_t *)(uintptr_t)r.pa, &r, vp_ctx);
	gl_check(ret == 0, "boot_special_pages", "region %#llx+%#llx refused by the builder",
		 (unsigned long long)r.pa, (unsigned long long)r.size);
	if (ret)
		return -1;
	ret = lvbs_load_elf((const uint8_t *)(uintptr_t)bi->blob_gpa, bi->blob_size,
			    (uint8_t *)(uintptr_t)r.pa, &r, &v0.elf, &why);
	gl_check(ret == 0, "boot_load_elf", "%s", why);
	if (ret)
		return -1;
	lvbs_put64(vp_ctx + LVBS_CTX_RIP, v0.elf.entry_pa);
	gl_printf("INFO loaded %u segments at %#llx..%#llx, entry %#llx, cmdline \"%s\"\n",
		  v0.elf.nload, (unsigned long long)v0.elf.base_pa, (unsigned long long)v0.elf.end_pa,
		  (unsigned long long)v0.elf.entry_pa,
		  (const char *)(uintptr_t)(r.pa + LVBS_PG_CMDLINE * PAGE_SIZE));

	/* 3. VSM registers */
	st = (uint16_t)vsm_get_reg(HV_REG_VSM_CODE_PAGE_OFFSETS, &offs);
	gl_check(st == 0, "boot_vsm_code_page_offsets", "GetVpRegisters status %#x", st);
	if (st)
		return -1;
	v0.vtl_call_entry = pa_of(__vtl0_hcpage) + (offs & 0xFFF);
	st = (uint16_t)vsm_get_reg(HV_REG_VSM_PARTITION_STATUS, &pstat);
	gl_check(st == 0 && ((pstat >> 16) & 0xF) >= 1, "boot_vsm_partition_status",
		 "status %#x, VsmPartitionStatus %#llx (need max VTL >= 1)", st,
		 (unsigned long long)pstat);
	if (st)
		return -1;

	/* 4. enable VTL1 for the partition (with MBEC) and this VP */
	if (!(pstat & 2)) {
		st = vsm_enable_partition_vtl1();
		gl_check(st == 0, "boot_enable_partition_vtl", "EnablePartitionVtl(1, MBEC): status %#x",
			 st);
		if (st)
			return -1;
		vsm_get_reg(HV_REG_VSM_PARTITION_STATUS, &pstat);
		gl_check(pstat & 2, "boot_partition_vtl1_enabled",
			 "VsmPartitionStatus %#llx: VTL1 not enabled", (unsigned long long)pstat);
		check_mbec(pstat >> 20 & 0xFFFF, "boot_partition_mbec", "VsmPartitionStatus", pstat);
	}
	st = vsm_enable_vp_vtl1(vp_ctx);
	gl_check(st == 0, "boot_enable_vp_vtl", "EnableVpVtl(self, 1): status %#x", st);
	if (st)
		return -1;
	vsm_get_reg(HV_REG_VSM_VP_STATUS, &vpstat);
	gl_check(vpstat >> 16 & 2, "boot_vp_vtl1_enabled", "VsmVpStatus %#llx",
		 (unsigned long long)vpstat);

	/* 5. the first VTL call: V2/V3 (RDI = 0, RSI = boot_params); V4 (RDI =
	 * possible CPUs, RSI = region start, RDX = region size, R8 = 0) */
	int64_t r8;

	if (v0.opt.firstcall[0])
		return refused_first_call(&r);
	if (v0.opt.lvbs == 4) {
		gl_printf("INFO first VTL call (RDI=%u, RSI=%#llx, RDX=%#llx, R8=0)\n", v0.nr_vps,
			  (unsigned long long)r.pa, (unsigned long long)r.size);
		r8 = vtl_call(v0.nr_vps, r.pa, r.size, 0);
	} else {
		gl_printf("INFO first VTL call (RDI=0, RSI=%#llx)\n",
			  (unsigned long long)(r.pa + LVBS_PG_BOOT_PARAMS * PAGE_SIZE));
		r8 = (int32_t)vtl_call(0, r.pa + LVBS_PG_BOOT_PARAMS * PAGE_SIZE, 0, 0);
	}
	gl_check(r8 == 0, "boot_first_vtl_call", "vtlguard answered R8=%lld (%s)", (long long)r8,
		 errname(r8));
	if (r8)
		return -1;
	vsm_get_reg(HV_REG_VSM_VP_STATUS, &vpstat);
	check_mbec(vpstat & 0x10, "boot_vp0_mbec_active", "VsmVpStatus", vpstat);
	v0.vtl1_up = true;
	return 0;
}

/* --------------------------------------------------------------- APs */

static uint8_t ap_stacks[VTL0_MAX_VPS][16384] __attribute__((aligned(16)));

int vtl0_start_aps(void)
{
	for (unsigned int vp = 1; vp < v0.nr_vps; vp++) {
		uint8_t ctx[LVBS_CTX_SIZE];
		uint16_t st;

		gl_make_context(ctx, (uint64_t)(uintptr_t)vtl0_ap_entry,
				pa_of(ap_stacks[vp]) + sizeof(ap_stacks[vp]));
		st = vsm_start_vp(vp, ctx);
		if (st) {
			gl_check(false, "boot_start_aps", "StartVirtualProcessor(%u): status %#x", vp, st);
			return -1;
		}
		for (unsigned long spin = 0; !ap_online[vp]; spin++) {
			vtl0_pause();
			if (spin > 200000000ul) {
				gl_check(false, "boot_start_aps", "VP %u never came online", vp);
				return -1;
			}
		}
	}
	if (v0.nr_vps > 1)
		gl_check(true, "boot_start_aps", "%u APs online in VTL0", v0.nr_vps - 1);
	return 0;
}

/*
 * aps=late (RT5): PROTECT_MEMORY and the ring are in place, so the first
 * BOOT_APS can aim its boot signal at protected text, the log ring and VTL1
 * memory.  Each must be refused (recorded as a bad call) with the bytes
 * unchanged, and must not use up the one BOOT_APS the real boot still needs.
 */
static void rt5_signal_attacks(const uint8_t *online)
{
	struct { const char *name; uint64_t mask_pa, sig_pa; int err; bool readable; } t[] = {
		{ "rt5_boot_aps_signal_into_text", pa_of(online), pa_of(__vtl0_text_start), E_ACCES,
		  true },
		{ "rt5_boot_aps_signal_into_ring", pa_of(online), v0.mem.ring_pa, E_ACCES, true },
		{ "rt5_boot_aps_signal_into_rodata", pa_of(online),
		  (pa_of(__vtl0_rodata_start) + PAGE_SIZE - 1) & ~(uint64_t)(PAGE_SIZE - 1), E_ACCES,
		  true },
		{ "rt5_boot_aps_signal_into_vtl1", pa_of(online), v0.mem.region_pa + 2 * MIB, E_FAULT,
		  false },
		{ "rt5_boot_aps_mask_in_vtl1", v0.mem.region_pa + 2 * MIB, pa_of(scratch_page(2)),
		  E_FAULT, false },
	};

	for (unsigned int i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		const volatile uint8_t *sig = (const volatile uint8_t *)(uintptr_t)t[i].sig_pa;
		uint8_t before[VTL0_MAX_VPS];
		bool same = true;
		int64_t r;

		if (v0.opt.lvbs == 4 && t[i].mask_pa == pa_of(online))
			continue; /* V4 has no signal page: only the mask can be aimed */
		for (unsigned int vp = 0; t[i].readable && vp < v0.nr_vps; vp++)
			before[vp] = sig[vp];
		ring_mark();
		r = vtl_call(VSM_BOOT_APS, t[i].mask_pa >> 12, v0.opt.lvbs == 4 ? 0 : t[i].sig_pa >> 12,
			     0);
		if (v0.opt.lvbs != 4)
			r = (int32_t)r;
		for (unsigned int vp = 0; t[i].readable && vp < v0.nr_vps; vp++)
			same = same && before[vp] == sig[vp];
		if (!same) {
			gl_check(false, t[i].name, "BOOT_APS wrote its boot signal there (R8=%lld)",
				 (long long)r);
			continue;
		}
		expect_call_err(t[i].name, r, t[i].err, VSM_BOOT_APS);
	}
}

int vtl0_boot_aps_vtl1(void)
{
	uint8_t *present = scratch_page(0), *online = scratch_page(1), *signal = scratch_page(2);
	int64_t r;

	if (v0.nr_vps < 2)
		return 0;
	gl_memset(present, 0, 4096);
	gl_memset(online, 0, 4096);
	gl_memset(signal, 0, 4096);
	for (unsigned int vp = 0; vp < v0.nr_vps; vp++) {
		present[vp / 8] |= (uint8_t)(1u << (vp % 8));
		online[vp / 8] |= (uint8_t)(1u << (vp % 8));
	}
	if (v0.opt.lvbs == 2) {
		/* V1b/V2 only: VTL1 enables the present VPs first */
		r = vtl_call(VSM_ENABLE_APS_VTL, pa_of(present) >> 12, 0, 0);
		if (r == -E_PERM && v0.end_of_boot) { /* late_aps: refusing is an answer too */
			gl_printf("NOTE ENABLE_APS_VTL after end of boot refused (-EPERM)\n");
			__atomic_store_n(&ap_boot_stop, 1, __ATOMIC_RELEASE);
			expect_violations("bad-call", 1); /* VTL1 records the refusal */
			return -1;
		}
		gl_check(r == 0, "boot_enable_aps_vtl", "ENABLE_APS_VTL: R8=%lld (%s)",
			 (long long)r, errname(r));
		if (r)
			return -1;
	}
	if (v0.opt.aps_late)
		rt5_signal_attacks(online);
	if (v0.opt.lvbs == 4) {
		/* V4: BOOT_APS(online mask) returns at once; then each AP makes
		 * one zero-argument call, one AP at a time. */
		r = vtl_call(VSM_BOOT_APS, pa_of(online) >> 12, 0, 0);
		if (r == -E_PERM && v0.end_of_boot) {
			gl_printf("NOTE BOOT_APS after end of boot refused (-EPERM)\n");
			__atomic_store_n(&ap_boot_stop, 1, __ATOMIC_RELEASE);
			expect_violations("bad-call", 1); /* VTL1 records the refusal */
			return -1;
		}
		gl_check(r == 0, "boot_boot_aps", "BOOT_APS: R8=%lld (%s)", (long long)r,
			 errname(r));
		for (unsigned int vp = 1; vp < v0.nr_vps && r == 0; vp++) {
			__atomic_store_n(&ap_go[vp], 1, __ATOMIC_RELEASE);
			for (unsigned long spin = 0; !ap_vtl1_done[vp] && spin < 100000000ul; spin++)
				vtl0_pause();
			gl_check(ap_vtl1_done[vp] && ap_vtl1_result[vp] == 0,
				 ndl("boot_ap%u_in_vtl1", vp), "AP %u: its VTL call %s R8=%lld", vp,
				 ap_vtl1_done[vp] ? "returned" : "never returned",
				 (long long)ap_vtl1_result[vp]);
			check_mbec(ap_vp_status[vp] & 0x10, ndl("boot_ap%u_mbec_active", vp),
				   "VsmVpStatus", ap_vp_status[vp]);
		}
		v0.aps_in_vtl1 = r == 0;
		return r ? -1 : 0;
	}
	signal[0] = 0xDC; /* the BSP is already in VTL1 */
	ap_boot_signal = signal;
	r = (int32_t)vtl_call(VSM_BOOT_APS, pa_of(online) >> 12, pa_of(signal) >> 12, 0);
	if (r == -E_PERM && v0.end_of_boot) {
		gl_printf("NOTE BOOT_APS after end of boot refused (-EPERM)\n");
		__atomic_store_n(&ap_boot_stop, 1, __ATOMIC_RELEASE);
		expect_violations("bad-call", 1); /* VTL1 records the refusal */
		return -1;
	}
	gl_check(r == 0, "boot_boot_aps", "BOOT_APS: R8=%lld (%s)", (long long)r, errname(r));
	for (unsigned int vp = 1; vp < v0.nr_vps; vp++) {
		for (unsigned long spin = 0; !ap_vtl1_done[vp] && spin < 100000000ul; spin++)
			vtl0_pause();
		gl_check(ap_vtl1_done[vp] && ap_vtl1_result[vp] == 0 && signal[vp] == 0xDC,
			 ndl("boot_ap%u_in_vtl1", vp),
			 "AP %u: boot signal %#x, its VTL call %s R8=%lld", vp, signal[vp],
			 ap_vtl1_done[vp] ? "returned" : "never returned",
			 (long long)ap_vtl1_result[vp]);
		check_mbec(ap_vp_status[vp] & 0x10, ndl("boot_ap%u_mbec_active", vp), "VsmVpStatus",
			   ap_vp_status[vp]);
	}
	v0.aps_in_vtl1 = r == 0;
	return r ? -1 : 0;
}

/* ------------------------------------------------------- protections */

/* Range chain pages live in scratch pages 4.. (two pages: the chain is
 * followed like LVBS's heki_page list). */
static void chain_put(uint8_t *pg, uint64_t next_pa, uint64_t n)
{
	lvbs_put64(pg, next_pa ? next_pa : 0);  /* next_va: identity */
	lvbs_put64(pg + 8, next_pa);
	lvbs_put64(pg + 16, n);
}

static void range_put(uint8_t *pg, unsigned int i, uint64_t pa, uint64_t epa, uint64_t attr)
{
	uint8_t *r = pg + 24 + 32 * (size_t)i;

	lvbs_put64(r, pa);
	lvbs_put64(r + 8, pa);
	lvbs_put64(r + 16, epa);
	lvbs_put64(r + 24, attr);
}

/* Append [p, end) as ranges of `type`, cut at page boundaries like LVBS. */
static unsigned int kdata_put(uint8_t *pg, unsigned int n, const uint8_t *p, const uint8_t *end,
			      uint64_t type)
{
	for (uint64_t pa = pa_of(p), epa = pa_of(end); pa < epa && n < 127;) {
		uint64_t next = (pa | (PAGE_SIZE - 1)) + 1;

		range_put(pg, n++, pa, next < epa ? next : epa, type);
		pa = next;
	}
	return n;
}

/*
 * LOAD_KDATA as CBL's heki_load_kdata sends it, in its order: SystemCerts
 * (the good and the revoked signer), RevocationCerts (the revoked one),
 * BlocklistHashes (one "bin:" slot), all generated by tests/vtl0/mkmod.sh
 * (modules.c uses them); KernelInfo (struct heki_kinfo: empty ksymtab
 * bounds, a stand-in pv_ops template, then the five arch addresses); and
 * PatchInfo in the real framing: heki_patch_info blocks (48-byte header,
 * then patch_idx 24-byte heki_patch entries holding the JMP form), here an
 * empty block and one with the jump-label site at vtl0_jl_site (a 5-byte
 * NOP that may become a JMP32 to vtl0_jl_target), the bytes straddling two
 * pages and sent as one range per page like a vmalloc buffer.
 */
#define KD_KINFO_PV_OPS 64 /* stand-in pv_ops size: config dependent */
#define KD_PI_OFF       4000 /* PatchInfo starts near the end of scratch page 7 */

static uint8_t *patchinfo_block(uint8_t *b, uint64_t idx, uint64_t max)
{
	gl_memset(b, 0, 48);
	/* type 0 = JUMP_LABEL at +0; list_head (VTL0 pointers) at +8 */
	lvbs_put64(b + 8, 0xffffc90000001000ull);
	lvbs_put64(b + 16, 0xffffc90000001000ull);
	lvbs_put64(b + 32, idx);
	lvbs_put64(b + 40, max);
	return b + 48;
}

int64_t vtl0_load_kdata(void)
{
	uint8_t *kd = scratch_page(6), *ki = kd + 3072;
	uint8_t *pi = (uint8_t *)scratch_page(7) + KD_PI_OFF, *e;
	uint64_t site = pa_of(vtl0_jl_site), tail;
	int32_t rel = (int32_t)((int64_t)(uintptr_t)vtl0_jl_target - (int64_t)(site + 5));
	size_t kilen = 32 + KD_KINFO_PV_OPS + 40, pilen;
	unsigned int n = 0;

	gl_memset(kd, 0, 4096);
	gl_memset(scratch_page(7), 0, 4096);
	gl_memset(scratch_page(8), 0, 4096);
	/* KernelInfo: the ranges take 24 + 32 * n bytes from the start of the page */
	tail = 32 + KD_KINFO_PV_OPS;
	lvbs_put64(ki + tail, (uint64_t)(uintptr_t)vtl0_victim_fn);        /* pv_bug */
	lvbs_put64(ki + tail + 8, (uint64_t)(uintptr_t)vtl0_victim_fn);    /* pv_nop */
	lvbs_put64(ki + tail + 16, pa_of(vtl0_jl_target));   /* indirect_thunk_array */
	lvbs_put64(ki + tail + 24, pa_of(vtl0_jl_target));   /* return_thunk_init */
	lvbs_put64(ki + tail + 32, pa_of(vtl0_jl_target));   /* return_thunk */
	/* PatchInfo: an empty block, then one entry */
	e = patchinfo_block(pi, 0, 4);
	e = patchinfo_block(e, 1, 2);
	lvbs_put64(e, site);
	e[16] = 5;
	e[17] = 0xE9;
	gl_memcpy(e + 18, &rel, 4);
	pilen = (size_t)(e + 24 - pi);

	n = kdata_put(kd, n, vtl0_mod_certs, vtl0_mod_certs_end, 0 /* SystemCerts */);
	n = kdata_put(kd, n, vtl0_mod_revoked_cert, vtl0_mod_revoked_cert_end, 1 /* RevocationCerts */);
	n = kdata_put(kd, n, vtl0_mod_blocklist, vtl0_mod_blocklist_end, 2 /* BlocklistHashes */);
	n = kdata_put(kd, n, ki, ki + kilen, 3 /* KernelInfo */);
	n = kdata_put(kd, n, pi, pi + pilen, 5 /* PatchInfo: cut at the page */);
	chain_put(kd, 0, n);
	return vtl_call(VSM_LOAD_KDATA, pa_of(kd), n, 0);
}

/* One V3 entry {start_pfn, end_pfn, perm} (LinuxVBS virt/heki/main.c). */
void v3_entry_put(uint8_t *pg, unsigned int i, uint64_t pa, uint64_t epa, uint64_t perm)
{
	uint8_t *e = pg + 24 * (size_t)i;

	lvbs_put64(e, pa >> 12);
	lvbs_put64(e + 8, epa >> 12);
	lvbs_put64(e + 16, perm);
}

/*
 * lvbs=v3: heki_establish_initial_memory_protection() as V3 sends it: one
 * zeroed page of flat entries, RSI = its PFN, RDX = the count, the result
 * read as an int.  V3 has no IMMUTABLE: ro_after_init is plain R.
 */
static int64_t protect_kernel_v3(void)
{
	uint8_t *p = scratch_page(4);
	unsigned int n = 0;
	int64_t r;

	gl_memset(p, 0, 4096);
	if (!skipped("protect-text"))
		v3_entry_put(p, n++, pa_of(__vtl0_text_start), pa_of(__vtl0_text_end), ATTR_R | ATTR_X);
	if (!skipped("protect-rodata"))
		v3_entry_put(p, n++, pa_of(__vtl0_rodata_start), pa_of(__vtl0_rodata_end), ATTR_R);
	if (!skipped("protect-ro-after-init"))
		v3_entry_put(p, n++, pa_of(__vtl0_roai_start), pa_of(__vtl0_roai_end), ATTR_R);
	if (!skipped("protect-data")) {
		v3_entry_put(p, n++, pa_of(__vtl0_data_start), pa_of(__vtl0_data_end),
			     ATTR_R | ATTR_W);
		v3_entry_put(p, n++, v0.mem.heap_pa, v0.mem.heap_pa + v0.mem.heap_size,
			     ATTR_R | ATTR_W);
	}
	v3_entry_put(p, n++, v0.mem.mod_pa, v0.mem.mod_pa + v0.mem.mod_size, ATTR_R | ATTR_W);
	r = (int32_t)vtl_call(VSM_PROTECT_MEMORY, pa_of(p) >> 12, n, 0);
	gl_check(r == 0, "boot_protect_memory",
		 "PROTECT_MEMORY, V3 flat page (text R|X, rodata R, ro_after_init R, "
		 "data+heap+modules R|W; %u entries at PFN %#llx): R8=%lld (%s)", n,
		 (unsigned long long)(pa_of(p) >> 12), (long long)r, errname(r));
	return r;
}

int vtl0_protect_kernel(void)
{
	uint8_t *p1 = scratch_page(4), *p2 = scratch_page(5);
	unsigned int n1 = 0, n2 = 0;
	int64_t r;

	gl_memset(p1, 0, 4096);
	gl_memset(p2, 0, 4096);
	/* ALLOCATE_RINGBUFFER_MEMORY first, so VTL1's log of the rest lands in it */
	r = vtl_call(VSM_ALLOC_RINGBUFFER, v0.mem.ring_pa, v0.mem.ring_size, 0);
	gl_check(r == 0, "boot_ringbuffer", "ALLOCATE_RINGBUFFER_MEMORY(%#llx, %#llx): R8=%lld (%s)",
		 (unsigned long long)v0.mem.ring_pa, (unsigned long long)v0.mem.ring_size,
		 (long long)r, errname(r));
	if (r == 0)
		ring_setup();

	if (v0.opt.lvbs == 3) {
		r = protect_kernel_v3();
		goto protected;
	}
	if (!skipped("protect-text"))
		range_put(p1, n1++, pa_of(__vtl0_text_start), pa_of(__vtl0_text_end), ATTR_R | ATTR_X);
	if (!skipped("protect-rodata"))
		range_put(p1, n1++, pa_of(__vtl0_rodata_start), pa_of(__vtl0_rodata_end), ATTR_R);
	if (!skipped("protect-ro-after-init"))
		range_put(p1, n1++, pa_of(__vtl0_roai_start), pa_of(__vtl0_roai_end),
			  ATTR_R | ATTR_IMMUTABLE);
	if (!skipped("protect-data")) {
		range_put(p2, n2++, pa_of(__vtl0_data_start), pa_of(__vtl0_data_end), ATTR_R | ATTR_W);
		range_put(p2, n2++, v0.mem.heap_pa, v0.mem.heap_pa + v0.mem.heap_size,
			  ATTR_R | ATTR_W);
	}
	/* the module load area is ordinary kernel memory, RW and never
	 * executable, as LVBS declares all of RAM but text: module text may
	 * become executable only through VALIDATE_MODULE (modules.c) */
	range_put(p2, n2++, v0.mem.mod_pa, v0.mem.mod_pa + v0.mem.mod_size, ATTR_R | ATTR_W);
	chain_put(p1, n2 ? pa_of(p2) : 0, n1);
	chain_put(p2, 0, n2);
	if (!n1) { /* everything skipped from page 1: start at page 2 */
		p1 = p2;
		n1 = n2;
		n2 = 0;
	}
	r = vtl_call(VSM_PROTECT_MEMORY, pa_of(p1), n1 + n2, 0);
	gl_check(r == 0, "boot_protect_memory",
		 "PROTECT_MEMORY(text R|X, rodata R, ro_after_init R|IMMUTABLE, data+heap+modules R|W; "
		 "%u ranges on 2 chained pages): R8=%lld (%s)", n1 + n2, (long long)r, errname(r));
protected:
	v0.protected_mem = r == 0;
	gl_printf("INFO protected: text %#llx-%#llx R|X, rodata %#llx-%#llx R, ro_after_init "
		  "%#llx-%#llx %s, data %#llx-%#llx R|W, heap %#llx-%#llx R|W, "
		  "modules %#llx-%#llx R|W\n",
		  (unsigned long long)pa_of(__vtl0_text_start), (unsigned long long)pa_of(__vtl0_text_end),
		  (unsigned long long)pa_of(__vtl0_rodata_start),
		  (unsigned long long)pa_of(__vtl0_rodata_end),
		  (unsigned long long)pa_of(__vtl0_roai_start), (unsigned long long)pa_of(__vtl0_roai_end),
		  v0.opt.lvbs == 3 ? "R" : "R|IMMUTABLE",
		  (unsigned long long)pa_of(__vtl0_data_start), (unsigned long long)pa_of(__vtl0_data_end),
		  (unsigned long long)v0.mem.heap_pa,
		  (unsigned long long)(v0.mem.heap_pa + v0.mem.heap_size),
		  (unsigned long long)v0.mem.mod_pa,
		  (unsigned long long)(v0.mem.mod_pa + v0.mem.mod_size));

	if (!skipped("load-kdata")) {
		r = vtl0_load_kdata();
		gl_check(r == 0, "boot_load_kdata", "LOAD_KDATA(KernelInfo, PatchInfo, SystemCerts, RevocationCerts, "
			 "BlocklistHashes): R8=%lld (%s)",
			 (long long)r, errname(r));
	}
	return 0;
}

static void ap_lock_regs(void *arg)
{
	int64_t *res = arg;

	*res = vtl_call(VSM_LOCK_REGS, 0, 0, 0);
}

int vtl0_lock_and_end_boot(void)
{
	int64_t r;

	if (!skipped("lock-regs")) {
		r = vtl_call(VSM_LOCK_REGS, 0, 0, 0);
		gl_check(r == 0, "boot_lock_regs_vp0", "LOCK_REGS on VP 0: R8=%lld (%s)", (long long)r,
			 errname(r));
		v0.locked = r == 0;
		for (unsigned int vp = 1; vp < v0.nr_vps && v0.aps_in_vtl1; vp++) {
			int64_t res = -1;

			if (vp == v0.opt.late_ap) {
				/* late_ap=N: this VP reaches end of boot unpinned
				 * (attacks_pins.c, late_vp_pinned_at_first_call) */
				gl_printf("NOTE VP %u skips LOCK_REGS (late_ap)\n", vp);
				continue;
			}
			smp_run_on(vp, ap_lock_regs, &res);
			gl_check(res == 0, ndl("boot_lock_regs_vp%u", vp), "LOCK_REGS on VP %u: R8=%lld (%s)",
				 vp, (long long)res, errname(res));
		}
	}
	r = vtl_call(VSM_SIGNAL_END_OF_BOOT, 0, 0, 0);
	gl_check(r == 0, "boot_signal_end_of_boot", "SIGNAL_END_OF_BOOT: R8=%lld (%s)",
		 (long long)r, errname(r));
	v0.end_of_boot = r == 0;
	return 0;
}
