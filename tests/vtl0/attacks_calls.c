// SPDX-License-Identifier: MIT
/*
 * Hostile VSM calls.  Before end of boot: malformed range chains for
 * PROTECT_MEMORY / LOAD_KDATA (overlap, wrap, huge and zero counts, short
 * and cyclic chains, pointers into VTL1, bad attributes, W^X, relaxing an
 * IMMUTABLE range, the log ring).  After end of boot: the boot-only calls
 * (-EPERM), unknown ids, PATCH_TEXT with arbitrary bytes, a confused-deputy
 * GET_MEASUREMENTS/GET_VIOLATIONS into protected text or VTL1, a second
 * ring, and GET_VIOLATIONS' counters and records checked against one known
 * violation.  Every refusal must
 * carry the documented errno and be recorded as a bad-call violation.
 * Ranges point at the "victim" pages (never used for anything else), so a
 * request that is wrongly accepted harms nothing.
 */
#include "tests/vtl0/vtl0.h"

/* Chain pages for these cases: scratch pages 16..23. */
static uint8_t *cpg(unsigned int i)
{
	uint8_t *p = scratch_page(16 + i);

	gl_memset(p, 0, 4096);
	return p;
}

/*
 * lvbs=v4 passes no memory map, so vtlguard reads no V3 page (RSI = PFN)
 * there unless the policy has vtl0-ram (vtl0_ram=known): every V3-format
 * request is -EINVAL then, and a range past RAM is not refused by vtlguard.
 */
static bool no_memory_map(void)
{
	return v0.opt.lvbs == 4 && !v0.opt.vtl0_ram_known;
}

static int v3_err(int err)
{
	return no_memory_map() ? E_INVAL : err;
}

static void hdr(uint8_t *pg, uint64_t next_pa, uint64_t n)
{
	lvbs_put64(pg, next_pa);
	lvbs_put64(pg + 8, next_pa);
	lvbs_put64(pg + 16, n);
}

static void rng(uint8_t *pg, unsigned int i, uint64_t pa, uint64_t epa, uint64_t attr)
{
	uint8_t *r = pg + 24 + 32 * (size_t)i;

	lvbs_put64(r, pa);
	lvbs_put64(r + 8, pa);
	lvbs_put64(r + 16, epa);
	lvbs_put64(r + 24, attr);
}

static uint64_t victim(unsigned int i)
{
	return v0.mem.victim_pa + (uint64_t)i * PAGE_SIZE;
}

static void pm(const struct vtl0_case *c, uint64_t pa, uint64_t n, int err)
{
	ring_mark();
	expect_call_err(c->name, vtl_call(VSM_PROTECT_MEMORY, pa, n, 0), err, VSM_PROTECT_MEMORY);
}

static void pm_one(const struct vtl0_case *c, uint64_t pa, uint64_t epa, uint64_t attr, int err)
{
	uint8_t *p = cpg(0);

	hdr(p, 0, 1);
	rng(p, 0, pa, epa, attr);
	pm(c, pa_of(p), 1, err);
}

static void pm_w_only(const struct vtl0_case *c) { pm_one(c, victim(0), victim(1), ATTR_W, E_INVAL); }
static void pm_bad_attr(const struct vtl0_case *c) { pm_one(c, victim(0), victim(1), ATTR_R | 0x10, E_INVAL); }
static void pm_unaligned(const struct vtl0_case *c) { pm_one(c, victim(0) + 8, victim(1), ATTR_R, E_INVAL); }
static void pm_reversed(const struct vtl0_case *c) { pm_one(c, victim(1), victim(0), ATTR_R, E_INVAL); }
static void pm_wrap(const struct vtl0_case *c) { pm_one(c, 0xFFFFFFFFFFFFF000ull, 0x1000, ATTR_R, E_INVAL); }
static void pm_ring(const struct vtl0_case *c)
{
	pm_one(c, v0.mem.ring_pa, v0.mem.ring_pa + PAGE_SIZE, ATTR_R, E_ACCES);
}
/* The ring's own attributes (R|IMMUTABLE): no change to an IMMUTABLE
 * extent, so only the ring-overlap check refuses it. */
static void pm_ring_same_attr(const struct vtl0_case *c)
{
	pm_one(c, v0.mem.ring_pa, v0.mem.ring_pa + PAGE_SIZE, ATTR_R | ATTR_IMMUTABLE, E_ACCES);
}
/*
 * The IMMUTABLE extent to attack: ro_after_init, which the boot protected
 * R|IMMUTABLE, except under lvbs=v3, whose flat format has no IMMUTABLE (it
 * sent ro_after_init as plain R): there the case first declares a victim
 * page R|IMMUTABLE through a chain, as any VTL0 may before end of boot.
 */
static void immutable_target(const struct vtl0_case *c, uint64_t *pa, uint64_t *epa)
{
	uint8_t *p;
	int64_t r;

	*pa = pa_of(__vtl0_roai_start);
	*epa = pa_of(__vtl0_roai_end);
	if (v0.opt.lvbs != 3)
		return;
	*pa = victim(12);
	*epa = victim(13);
	p = cpg(1);
	hdr(p, 0, 1);
	rng(p, 0, *pa, *epa, ATTR_R | ATTR_IMMUTABLE);
	r = vtl_call(VSM_PROTECT_MEMORY, pa_of(p), 1, 0);
	gl_check(r == 0, ndl("%s_setup", c->name), "PROTECT_MEMORY(victim R|IMMUTABLE): R8=%lld (%s)",
		 (long long)r, errname(r));
}

static void pm_relax_immutable(const struct vtl0_case *c)
{
	uint64_t pa, epa;

	immutable_target(c, &pa, &epa);
	pm_one(c, pa, epa, ATTR_R | ATTR_W, E_ACCES);
}
static void pm_relax_immutable_exec(const struct vtl0_case *c)
{
	uint64_t pa, epa;

	immutable_target(c, &pa, &epa);
	pm_one(c, pa, epa, ATTR_R | ATTR_X, E_ACCES);
}

/*
 * V3's own PROTECT_MEMORY format (LinuxVBS/linux virt/heki/main.c): RSI =
 * PFN of one zeroed page of {start_pfn, end_pfn, perm}, RDX = entries
 * (<= 170).  vtlguard tells it from a chain by its shape, so every profile
 * may send it; these are the hostile variants.  The page is cpg(2): its PFN
 * is not a page-aligned PA, so it can only be read as V3's.
 */
static uint8_t *v3pg(void)
{
	return cpg(2);
}

static void pm3(const struct vtl0_case *c, uint64_t pfn, uint64_t n, int err)
{
	ring_mark();
	expect_call_err(c->name, (int32_t)vtl_call(VSM_PROTECT_MEMORY, pfn, n, 0), v3_err(err),
			VSM_PROTECT_MEMORY);
}

static void pm_v3_pfn_in_vtl1(const struct vtl0_case *c)
{
	pm3(c, (v0.mem.region_pa + 2 * MIB + PAGE_SIZE) >> 12, 1, E_FAULT);
}

/* A PFN past any physical address (PA 2^56): no VTL0 page. */
static void pm_v3_pfn_past_phys(const struct vtl0_case *c)
{
	pm3(c, (1ull << 44) | 1, 1, E_FAULT);
}

static void pm_v3_count_too_big(const struct vtl0_case *c)
{
	uint8_t *p = v3pg();

	v3_entry_put(p, 0, victim(0), victim(1), ATTR_R);
	pm3(c, pa_of(p) >> 12, 171, E_2BIG);
}

static void pm_v3_zero_count(const struct vtl0_case *c)
{
	uint8_t *p = v3pg();

	v3_entry_put(p, 0, victim(0), victim(1), ATTR_R);
	pm3(c, pa_of(p) >> 12, 0, E_INVAL);
}

static void pm_v3_end_before_start(const struct vtl0_case *c)
{
	uint8_t *p = v3pg();

	v3_entry_put(p, 0, victim(0), victim(1), ATTR_R);
	v3_entry_put(p, 1, victim(3), victim(2), ATTR_R);
	pm3(c, pa_of(p) >> 12, 2, E_INVAL);
}

static void pm_v3_bad_perm(const struct vtl0_case *c)
{
	uint8_t *p = v3pg();

	v3_entry_put(p, 0, victim(0), victim(1), ATTR_R | 0x10);
	pm3(c, pa_of(p) >> 12, 1, E_INVAL);
}

/* An entry ending past the e820 top (V2/V3 know it; V4 passes no map). */
static void pm_v3_entry_past_ram(const struct vtl0_case *c)
{
	uint8_t *p = v3pg();

	v3_entry_put(p, 0, victim(0), (v0.bi->ram_size + 64 * MIB) & ~(PAGE_SIZE - 1), ATTR_R);
	pm3(c, pa_of(p) >> 12, 1, E_INVAL);
}

/* W+X in a V3 entry: granted R|W, never executable (as for a chain). */
static void pm_v3_wx_granted_rw_nx(const struct vtl0_case *c)
{
	uint64_t pa = victim(9);
	uint8_t *p = v3pg();
	int64_t r;

	v3_entry_put(p, 0, pa, pa + PAGE_SIZE, ATTR_R | ATTR_W | ATTR_X);
	if (no_memory_map()) {
		pm3(c, pa_of(p) >> 12, 1, E_INVAL);
		return;
	}
	r = (int32_t)vtl_call(VSM_PROTECT_MEMORY, pa_of(p) >> 12, 1, 0);
	expect_wx_granted_rw_nx(c->name, pa, r, "V3 R|W|X entry");
}

/* A V3 entry over VTL1's region: those pages are left out and stay VTL1's. */
static void pm_v3_entry_over_vtl1(const struct vtl0_case *c)
{
	uint64_t pa = v0.mem.region_pa + 2 * MIB;
	uint8_t *p = v3pg(), b = 0;
	const char *n[] = { "class=mem-read", ndl("gpa=%#llx", (unsigned long long)pa),
			    "rule=vtl1-memory-read", NULL };
	const char *logn[] = { "cover VTL1's own memory", NULL };
	char line[200];
	int64_t r;

	v3_entry_put(p, 0, pa, pa + PAGE_SIZE, ATTR_R | ATTR_W);
	if (no_memory_map()) {
		pm3(c, pa_of(p) >> 12, 1, E_INVAL);
		return;
	}
	ring_mark();
	r = (int32_t)vtl_call(VSM_PROTECT_MEMORY, pa_of(p) >> 12, 1, 0);
	gl_check(r == 0 && ring_find_line(line, sizeof(line), logn), ndl("%s_call", c->name),
		 "PROTECT_MEMORY(V3 entry over a VTL1 page): R8=%lld (%s), VTL1 logged it left out",
		 (long long)r, errname(r));
	ring_mark();
	expect_refused(c->name, probe_load8((const volatile void *)(uintptr_t)pa, &b), n);
}

/*
 * A range running past the end of VTL0 memory (the e820 top): refused
 * before anything is applied (-EFAULT).  V4 passes no memory map, so there
 * only MAXPHYADDR bounds it (docs/compatibility.md, vtl0-ram).
 */
static void pm_range_past_ram(const struct vtl0_case *c)
{
	if (no_memory_map()) {
		case_skip(c->name, "V4 passes no memory map: VTL0 memory ends at MAXPHYADDR");
		return;
	}
	pm_one(c, victim(0), (v0.bi->ram_size + 64 * MIB) & ~(PAGE_SIZE - 1), ATTR_R | ATTR_W,
	       E_FAULT);
}

static void pm_overlap(const struct vtl0_case *c)
{
	uint8_t *p = cpg(0);

	hdr(p, 0, 2);
	rng(p, 0, victim(0), victim(2), ATTR_R);
	rng(p, 1, victim(1), victim(3), ATTR_R);
	pm(c, pa_of(p), 2, E_INVAL);
}

static void pm_zero_count(const struct vtl0_case *c)
{
	uint8_t *p = cpg(0);

	hdr(p, 0, 1);
	rng(p, 0, victim(0), victim(1), ATTR_R);
	pm(c, pa_of(p), 0, E_INVAL);
}

static void pm_huge_count(const struct vtl0_case *c)
{
	uint8_t *p = cpg(0);

	hdr(p, 0, 1);
	rng(p, 0, victim(0), victim(1), ATTR_R);
	pm(c, pa_of(p), 1ull << 40, E_2BIG);
}

static void pm_page_count_too_big(const struct vtl0_case *c)
{
	uint8_t *p = cpg(0);

	hdr(p, 0, 100000); /* more than a page can hold */
	rng(p, 0, victim(0), victim(1), ATTR_R);
	pm(c, pa_of(p), 1, E_INVAL);
}

static void pm_short_chain(const struct vtl0_case *c)
{
	uint8_t *p = cpg(0);

	hdr(p, 0, 1); /* the call promises 3 ranges, the chain ends after 1 */
	rng(p, 0, victim(0), victim(1), ATTR_R);
	pm(c, pa_of(p), 3, E_INVAL);
}

static void pm_cyclic(const struct vtl0_case *c)
{
	uint8_t *a = cpg(0), *b = cpg(1);

	hdr(a, pa_of(b), 1);
	rng(a, 0, victim(0), victim(1), ATTR_R);
	hdr(b, pa_of(a), 1); /* back to a */
	rng(b, 0, victim(1), victim(2), ATTR_R);
	pm(c, pa_of(a), 5, E_LOOP);
}

static void pm_self_loop(const struct vtl0_case *c)
{
	uint8_t *a = cpg(0);

	hdr(a, pa_of(a), 1);
	rng(a, 0, victim(0), victim(1), ATTR_R);
	pm(c, pa_of(a), 2, E_LOOP);
}

static void pm_chain_in_vtl1(const struct vtl0_case *c)
{
	/* the chain page itself is VTL1's boot_params page */
	pm(c, v0.mem.region_pa + LVBS_PG_BOOT_PARAMS * PAGE_SIZE, 1, E_FAULT);
}

static void pm_next_in_vtl1(const struct vtl0_case *c)
{
	uint8_t *a = cpg(0);

	hdr(a, v0.mem.region_pa + 3 * MIB, 1);
	rng(a, 0, victim(0), victim(1), ATTR_R);
	pm(c, pa_of(a), 2, E_FAULT);
}

/* An unaligned RSI is no chain page PA; read as V3's PFN (the only format
 * it can be), its page is no VTL0 memory: -EFAULT. */
static void pm_chain_unaligned(const struct vtl0_case *c)
{
	pm(c, pa_of(cpg(0)) + 8, 1, v3_err(E_FAULT));
}

static void kd(const struct vtl0_case *c, uint64_t pa, uint64_t epa, uint64_t type, int err)
{
	uint8_t *p = cpg(0);

	hdr(p, 0, 1);
	rng(p, 0, pa, epa, type);
	ring_mark();
	expect_call_err(c->name, vtl_call(VSM_LOAD_KDATA, pa_of(p), 1, 0), err, VSM_LOAD_KDATA);
}

static void kd_bad_type(const struct vtl0_case *c) { kd(c, victim(0), victim(0) + 64, 99, E_INVAL); }
static void kd_too_big(const struct vtl0_case *c) { kd(c, victim(0), victim(0) + 8192, 3, E_2BIG); }
static void kd_reversed(const struct vtl0_case *c) { kd(c, victim(1), victim(0), 3, E_INVAL); }
static void kd_from_vtl1(const struct vtl0_case *c)
{
	/* "load" VTL1's own memory as kernel data: an information leak */
	kd(c, v0.mem.region_pa + 2 * MIB, v0.mem.region_pa + 2 * MIB + 256, 4, E_FAULT);
}
static void kd_bad_patchinfo(const struct vtl0_case *c)
{
	uint8_t *b = (uint8_t *)(uintptr_t)victim(4), *e = b + 48;

	/* one heki_patch_info block (type 0, patch_idx 1, max 1) */
	gl_memset(b, 0, 48 + 24);
	lvbs_put64(b + 32, 1);
	lvbs_put64(b + 40, 1);
	lvbs_put64(e, pa_of(vtl0_victim_text));
	e[16] = 5;
	gl_memset(e + 17, 0xCC, 5); /* not a jump: must be refused */
	kd(c, victim(4), victim(4) + 48 + 24, 5, E_INVAL);
	/* a refused call keeps what was loaded before; loading ours again works */
	int64_t r = vtl0_load_kdata();

	if (r)
		gl_check(false, "kdata_reload_after_refusal", "LOAD_KDATA again: R8=%lld (%s)",
			 (long long)r, errname(r));
}

/* ------------------------------------------------------ after end of boot */

static void eob_protect(const struct vtl0_case *c)
{
	uint8_t *p = cpg(0);

	hdr(p, 0, 1);
	rng(p, 0, pa_of(__vtl0_text_start), pa_of(__vtl0_text_end), ATTR_R | ATTR_W);
	pm(c, pa_of(p), 1, E_PERM);
}

static void eob_lock_regs(const struct vtl0_case *c)
{
	ring_mark();
	expect_call_err(c->name, vtl_call(VSM_LOCK_REGS, 0, 0, 0), E_PERM, VSM_LOCK_REGS);
}

static void eob_load_kdata(const struct vtl0_case *c)
{
	uint8_t *p = cpg(0);

	hdr(p, 0, 1);
	rng(p, 0, victim(0), victim(0) + 64, 0 /* SystemCerts: swap the trust anchors */);
	ring_mark();
	expect_call_err(c->name, vtl_call(VSM_LOAD_KDATA, pa_of(p), 1, 0), E_PERM, VSM_LOAD_KDATA);
}

static void bad_id(const struct vtl0_case *c, uint64_t id)
{
	ring_mark();
	expect_call_err(c->name, vtl_call(id, 0, 0, 0), E_INVAL, id);
}
static void bad_id_below(const struct vtl0_case *c) { bad_id(c, 0x1FFDF); }
static void bad_id_above(const struct vtl0_case *c) { bad_id(c, 0x1FFED); }
static void bad_id_high_bits(const struct vtl0_case *c) { bad_id(c, 0xFFFFFFFF0001FFE4ull); }
static void bad_id_vtlguard_range(const struct vtl0_case *c) { bad_id(c, 0x2FFEF); }
/* The suite runs the release image: its test-only no-op must not exist. */
static void bad_id_test_nop(const struct vtl0_case *c) { bad_id(c, VTLG_TEST_NOP); }

static void patch(const struct vtl0_case *c, uint64_t site, uint8_t size, const uint8_t *code,
		  int err)
{
	uint8_t *req = cpg(2);

	lvbs_put64(req, site);
	lvbs_put64(req + 8, 0);
	req[16] = size;
	gl_memcpy(req + 17, code, size > 5 ? 5 : size);
	ring_mark();
	expect_call_err(c->name, vtl_call(VSM_PATCH_TEXT, pa_of(req), 0, 0), err, VSM_PATCH_TEXT);
}

static void patch_arbitrary_bytes(const struct vtl0_case *c)
{
	static const uint8_t evil[5] = { 0xCC, 0x90, 0x90, 0x90, 0x90 };

	patch(c, pa_of(vtl0_jl_site), 5, evil, E_ACCES);
}

static void patch_other_jump(const struct vtl0_case *c)
{
	/* a JMP32, but to somewhere else than the precomputed target */
	uint8_t j[5] = { 0xE9, 0x00, 0x10, 0x00, 0x00 };

	patch(c, pa_of(vtl0_jl_site), 5, j, E_ACCES);
}

static void patch_not_a_site(const struct vtl0_case *c)
{
	static const uint8_t nop[5] = { 0x0F, 0x1F, 0x44, 0x00, 0x00 };

	/* No site there, and the text is write-protected: -ENOENT would tell
	 * LVBS to write it itself, which faults inside text_poke; so -EACCES
	 * (issue 15 section 3; the old answer was -ENOENT). */
	patch(c, pa_of(vtl0_victim_fn), 5, nop, E_ACCES);
}

static void patch_bad_size(const struct vtl0_case *c)
{
	static const uint8_t nop[5] = { 0x0F, 0x1F, 0x44, 0x00, 0x00 };

	patch(c, pa_of(vtl0_jl_site), 9, nop, E_INVAL);
}

static void patch_into_vtl1(const struct vtl0_case *c)
{
	static const uint8_t nop[5] = { 0x0F, 0x1F, 0x44, 0x00, 0x00 };
	uint8_t *req = cpg(2);
	int64_t r;

	lvbs_put64(req, v0.elf.entry_pa);
	lvbs_put64(req + 8, 0);
	req[16] = 5;
	gl_memcpy(req + 17, nop, 5);
	ring_mark();
	r = vtl_call(VSM_PATCH_TEXT, pa_of(req), 0, 0);
	/* docs: VTL1 addresses -EFAULT or -EINVAL (or no covering entry) */
	if (r == -E_INVAL || r == -E_NOENT)
		expect_call_err(c->name, r, (int)-r, VSM_PATCH_TEXT);
	else
		expect_call_err(c->name, r, E_FAULT, VSM_PATCH_TEXT);
}

static void patch_split_request(const struct vtl0_case *c)
{
	/* a request that crosses into a "next page" which is not a page */
	uint8_t *pg = cpg(3);
	uint8_t *req = pg + 4096 - 8;

	lvbs_put64(req, pa_of(vtl0_jl_site));
	ring_mark();
	expect_call_err(c->name, vtl_call(VSM_PATCH_TEXT, pa_of(req), pa_of(pg) + 8, 0), E_INVAL,
			VSM_PATCH_TEXT);
}

/* A call (two arguments) that must get -err and be recorded as a bad call. */
static void refused_call(const struct vtl0_case *c, uint64_t id, uint64_t a0, uint64_t a1, int err)
{
	ring_mark();
	expect_call_err(c->name, vtl_call(id, a0, a1, 0), err, id);
}

static void measure_tiny_buffer(const struct vtl0_case *c)
{
	refused_call(c, VTLG_GET_MEASUREMENTS, pa_of(cpg(4)), 16, E_NOSPC);
}

static void ring_again(const struct vtl0_case *c)
{
	ring_mark();
	expect_call_err(c->name, vtl_call(VSM_ALLOC_RINGBUFFER, victim(8), PAGE_SIZE, 0), E_BUSY,
			VSM_ALLOC_RINGBUFFER);
}

static void deputy_measure_into_text(const struct vtl0_case *c)
{
	/* ask VTL1 to write its measurement log over our protected text */
	refused_call(c, VTLG_GET_MEASUREMENTS, pa_of(__vtl0_text_start), 4096, E_ACCES);
}

static void deputy_measure_into_vtl1(const struct vtl0_case *c)
{
	refused_call(c, VTLG_GET_MEASUREMENTS, v0.mem.region_pa + 2 * MIB, 4096, E_ACCES);
}

/* ---------------------------------------------------- GET_VIOLATIONS */
/* The wire format of docs/vtl-call-abi.md, read field by field. */
#define VIOL_HDR 96u
#define VIOL_REC 112u
#define VIOL_CLASSES 7u
#define VIOL_MEM_WRITE 1u
#define VIOL_BAD_CALL 6u

struct viol_view {
	int64_t ret;
	uint32_t nrecords;
	uint64_t total, counts[VIOL_CLASSES];
	const uint8_t *rec; /* first record */
	const char *bad;    /* first malformation found, NULL if none */
};

static uint32_t get32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

/* Scratch pages 20..21 (cpg(4), cpg(5)): two contiguous pages, zeroed. */
static uint8_t *viol_buf(void)
{
	uint8_t *b = cpg(4);

	cpg(5);
	return b;
}

static struct viol_view viol_read(uint8_t *buf, uint64_t size)
{
	struct viol_view v = { 0 };
	uint64_t sum = 0;

	v.ret = vtl_call(VTLG_GET_VIOLATIONS, pa_of(buf), size, 0);
	if (v.ret < (int64_t)VIOL_HDR) {
		v.bad = "call failed";
		return v;
	}
	v.nrecords = get32(buf + 20);
	v.total = lvbs_get64(buf + 24);
	v.rec = buf + VIOL_HDR;
	for (unsigned int i = 0; i < VIOL_CLASSES; i++) {
		v.counts[i] = lvbs_get64(buf + 32 + 8 * i);
		sum += v.counts[i];
	}
	if (buf[0] != 'V' || buf[1] != 'T' || buf[2] != 'L' || buf[3] != 'G' || buf[4] != 'V' ||
	    buf[5] != 'I' || buf[6] != 'O' || buf[7] != 'L')
		v.bad = "magic is not VTLGVIOL";
	else if (get32(buf + 8) != 1 || get32(buf + 12) != VIOL_REC ||
		 get32(buf + 16) != VIOL_CLASSES)
		v.bad = "version/record_size/nclasses are not 1/112/7";
	else if (v.nrecords > 64 || (uint64_t)v.ret != VIOL_HDR + (uint64_t)v.nrecords * VIOL_REC)
		v.bad = "return value does not match nrecords";
	else if (sum != v.total)
		v.bad = "total is not the sum of the counters";
	for (uint32_t i = 0; !v.bad && i < v.nrecords; i++) {
		const uint8_t *r = v.rec + (size_t)i * VIOL_REC;

		if (get32(r + 16) >= VIOL_CLASSES || r[72 + 39] != '\0')
			v.bad = "a record has an unknown class or an unterminated rule";
		else if (i && lvbs_get64(r) <= lvbs_get64(r - VIOL_REC))
			v.bad = "record sequence numbers do not increase";
	}
	return v;
}

static const uint8_t *viol_newest(const struct viol_view *v)
{
	return v->nrecords ? v->rec + (size_t)(v->nrecords - 1) * VIOL_REC : NULL;
}

static bool rule_is(const uint8_t *rec, const char *want)
{
	const char *r = (const char *)rec + 72;
	size_t i = 0;

	for (; want[i]; i++)
		if (r[i] != want[i])
			return false;
	return r[i] == '\0';
}

/*
 * Two known violations between two reads: a GET_VIOLATIONS call too small for
 * the header (bad-call, -ENOSPC) and a store into protected text
 * (mem-write).  The counters must move by exactly one each and the two
 * newest records must describe them.
 */
static void viol_report(const struct vtl0_case *c)
{
	volatile uint8_t *p = (volatile uint8_t *)vtl0_victim_text + 40;
	struct viol_view a, b;
	const uint8_t *n, *prev;
	uint64_t seq0;
	int64_t tiny;
	int faulted;
	uint8_t old;

	a = viol_read(viol_buf(), 2 * PAGE_SIZE);
	if (a.bad) {
		gl_check(false, c->name, "first read: %s (returned %lld)", a.bad, (long long)a.ret);
		return;
	}
	seq0 = a.nrecords ? lvbs_get64(viol_newest(&a)) : 0;
	tiny = vtl_call(VTLG_GET_VIOLATIONS, pa_of(viol_buf()), VIOL_HDR - 1, 0);
	old = *p;
	faulted = probe_store8(p, (uint8_t)(old ^ 0xFF)); /* a real change */
	if (*p != old) {
		probe_store8(p, old);
		gl_check(false, c->name, "the store into protected text went through");
		return;
	}
	b = viol_read(viol_buf(), 2 * PAGE_SIZE);
	n = viol_newest(&b);
	/* checked below, field by field, instead of by expect_refused() */
	expect_violations("bad-call", tiny == -E_NOSPC);
	expect_violations("mem-write", (uint64_t)faulted);
	if (tiny != -E_NOSPC || !faulted || b.bad || b.nrecords < 2) {
		gl_check(false, c->name, "setup: tiny read returned %lld (want -ENOSPC), text store %s, "
			 "second read: %s, %u records", (long long)tiny,
			 faulted ? "faulted" : "did NOT fault", b.bad ? b.bad : "ok", b.nrecords);
		return;
	}
	if (b.counts[VIOL_BAD_CALL] != a.counts[VIOL_BAD_CALL] + 1 ||
	    b.counts[VIOL_MEM_WRITE] != a.counts[VIOL_MEM_WRITE] + 1 || b.total != a.total + 2) {
		gl_check(false, c->name, "bad-call %llu -> %llu, mem-write %llu -> %llu, total %llu -> "
			 "%llu (expected +1, +1, +2)", (unsigned long long)a.counts[VIOL_BAD_CALL],
			 (unsigned long long)b.counts[VIOL_BAD_CALL],
			 (unsigned long long)a.counts[VIOL_MEM_WRITE],
			 (unsigned long long)b.counts[VIOL_MEM_WRITE], (unsigned long long)a.total,
			 (unsigned long long)b.total);
		return;
	}
	prev = n - VIOL_REC;
	if (get32(prev + 16) != VIOL_BAD_CALL || lvbs_get64(prev + 32) != VTLG_GET_VIOLATIONS ||
	    (a.nrecords && lvbs_get64(prev) != seq0 + 1)) {
		gl_check(false, c->name, "second newest record: class %u addr %#llx seq %llu, want "
			 "bad-call, %#llx, %llu", get32(prev + 16), (unsigned long long)lvbs_get64(prev + 32),
			 (unsigned long long)lvbs_get64(prev), (unsigned long long)VTLG_GET_VIOLATIONS,
			 (unsigned long long)seq0 + 1);
		return;
	}
	gl_check(lvbs_get64(n) == lvbs_get64(prev) + 1 && get32(n + 16) == VIOL_MEM_WRITE &&
		 get32(n + 20) == 0 && lvbs_get64(n + 24) == (uint64_t)(uintptr_t)probe_store8_insn &&
		 lvbs_get64(n + 32) == pa_of(p) && n[64] == 1 && rule_is(n, "protected-write"),
		 c->name, "newest record: seq %llu class %u vp %u rip %#llx (want %#llx) addr %#llx "
		 "(want %#llx) denied %u rule \"%.39s\"", (unsigned long long)lvbs_get64(n),
		 get32(n + 16), get32(n + 20), (unsigned long long)lvbs_get64(n + 24),
		 (unsigned long long)(uintptr_t)probe_store8_insn, (unsigned long long)lvbs_get64(n + 32),
		 (unsigned long long)pa_of(p), n[64], (const char *)n + 72);
}

static void viol_short_buffer(const struct vtl0_case *c)
{
	struct viol_view all, one;
	uint64_t newest;

	/* at least two records, whatever ran before (two refused calls) */
	for (int i = 0; i < 2; i++)
		expect_violations("bad-call", vtl_call(VTLG_GET_VIOLATIONS, pa_of(viol_buf()),
						       VIOL_HDR - 1, 0) == -E_NOSPC);
	all = viol_read(viol_buf(), 2 * PAGE_SIZE);
	newest = all.nrecords ? lvbs_get64(viol_newest(&all)) : 0;

	/* room for the header and one record: the newest one */
	one = viol_read(viol_buf(), VIOL_HDR + VIOL_REC);
	gl_check(!all.bad && !one.bad && all.nrecords > 1 && one.nrecords == 1 &&
		 one.ret == VIOL_HDR + VIOL_REC && lvbs_get64(one.rec) == newest &&
		 one.total == all.total, c->name,
		 "full read: %s, %u records; 208-byte read: %s, returned %lld, %u records, seq %llu "
		 "(want the newest, %llu)", all.bad ? all.bad : "ok", all.nrecords,
		 one.bad ? one.bad : "ok", (long long)one.ret, one.nrecords,
		 (unsigned long long)(one.nrecords ? lvbs_get64(one.rec) : 0),
		 (unsigned long long)newest);
}

static void viol_tiny_buffer(const struct vtl0_case *c)
{
	refused_call(c, VTLG_GET_VIOLATIONS, pa_of(viol_buf()), VIOL_HDR - 1, E_NOSPC);
}

static void deputy_viol_into_text(const struct vtl0_case *c)
{
	refused_call(c, VTLG_GET_VIOLATIONS, pa_of(__vtl0_text_start), 4096, E_ACCES);
}

static void deputy_viol_into_vtl1(const struct vtl0_case *c)
{
	refused_call(c, VTLG_GET_VIOLATIONS, v0.mem.region_pa + 2 * MIB, 4096, E_ACCES);
}

const struct vtl0_case vtl0_cases_boot_calls[] = {
	{ "pm_write_without_read", pm_w_only, CASE_BOOT, "PROTECT_MEMORY with W but no R" },
	{ "pm_unknown_attribute", pm_bad_attr, CASE_BOOT, "PROTECT_MEMORY with unknown attribute bits" },
	{ "pm_unaligned_range", pm_unaligned, CASE_BOOT, "PROTECT_MEMORY range not page aligned" },
	{ "pm_reversed_range", pm_reversed, CASE_BOOT, "PROTECT_MEMORY range with pa > epa" },
	{ "pm_wrapping_range", pm_wrap, CASE_BOOT, "PROTECT_MEMORY range wrapping around 2^64" },
	{ "pm_overlapping_ranges", pm_overlap, CASE_BOOT, "PROTECT_MEMORY with overlapping ranges" },
	{ "pm_range_past_ram", pm_range_past_ram, CASE_BOOT,
	  "PROTECT_MEMORY range running past the end of VTL0 memory" },
	{ "pm_zero_count", pm_zero_count, CASE_BOOT, "PROTECT_MEMORY with nranges 0" },
	{ "pm_huge_count", pm_huge_count, CASE_BOOT, "PROTECT_MEMORY with nranges 2^40" },
	{ "pm_page_count_too_big", pm_page_count_too_big, CASE_BOOT, "a chain page claiming 100000 ranges" },
	{ "pm_chain_ends_early", pm_short_chain, CASE_BOOT, "chain shorter than nranges" },
	{ "pm_cyclic_chain", pm_cyclic, CASE_BOOT, "chain A -> B -> A" },
	{ "pm_self_loop_chain", pm_self_loop, CASE_BOOT, "chain page pointing at itself" },
	{ "pm_chain_page_in_vtl1", pm_chain_in_vtl1, CASE_BOOT, "chain page inside VTL1 memory" },
	{ "pm_next_page_in_vtl1", pm_next_in_vtl1, CASE_BOOT, "chain link into VTL1 memory" },
	{ "pm_chain_unaligned", pm_chain_unaligned, CASE_BOOT, "chain page not page aligned" },
	{ "pm_range_over_ring", pm_ring, CASE_BOOT, "change the log ring's protection" },
	{ "pm_range_over_ring_same_attr", pm_ring_same_attr, CASE_BOOT,
	  "claim the log ring with its own attributes (R|IMMUTABLE)" },
	{ "pm_relax_immutable_rw", pm_relax_immutable, CASE_BOOT, "make ro_after_init (IMMUTABLE) writable" },
	{ "pm_relax_immutable_x", pm_relax_immutable_exec, CASE_BOOT, "make ro_after_init (IMMUTABLE) executable" },
	{ "pm_v3_pfn_in_vtl1", pm_v3_pfn_in_vtl1, CASE_BOOT, "V3 PROTECT_MEMORY page PFN in VTL1" },
	{ "pm_v3_pfn_past_phys", pm_v3_pfn_past_phys, CASE_BOOT,
	  "V3 PROTECT_MEMORY page PFN past every physical address" },
	{ "pm_v3_count_too_big", pm_v3_count_too_big, CASE_BOOT, "V3 PROTECT_MEMORY with 171 entries" },
	{ "pm_v3_zero_count", pm_v3_zero_count, CASE_BOOT, "V3 PROTECT_MEMORY with 0 entries" },
	{ "pm_v3_end_before_start", pm_v3_end_before_start, CASE_BOOT,
	  "V3 PROTECT_MEMORY entry with end_pfn < start_pfn" },
	{ "pm_v3_bad_perm", pm_v3_bad_perm, CASE_BOOT, "V3 PROTECT_MEMORY entry with perm bit 0x10" },
	{ "pm_v3_entry_past_ram", pm_v3_entry_past_ram, CASE_BOOT,
	  "V3 PROTECT_MEMORY entry ending past the memory map" },
	{ "pm_v3_wx_granted_rw_nx", pm_v3_wx_granted_rw_nx, CASE_BOOT,
	  "V3 PROTECT_MEMORY entry R|W|X: granted R|W, never executable" },
	{ "pm_v3_entry_over_vtl1", pm_v3_entry_over_vtl1, CASE_BOOT,
	  "V3 PROTECT_MEMORY entry over a VTL1 page: left out, stays VTL1's" },
	{ "kdata_unknown_type", kd_bad_type, CASE_BOOT, "LOAD_KDATA with type 99" },
	{ "kdata_over_limit", kd_too_big, CASE_BOOT, "LOAD_KDATA KernelInfo over its 4 KiB limit" },
	{ "kdata_reversed_range", kd_reversed, CASE_BOOT, "LOAD_KDATA range with pa > epa" },
	{ "kdata_from_vtl1", kd_from_vtl1, CASE_BOOT, "LOAD_KDATA reading VTL1 memory" },
	{ "kdata_bad_patchinfo", kd_bad_patchinfo, CASE_BOOT, "PatchInfo entry with arbitrary bytes" },
	{ NULL, NULL, 0, NULL },
};

const struct vtl0_case vtl0_cases_calls[] = {
	{ "eob_protect_memory", eob_protect, CASE_RUN, "PROTECT_MEMORY (make text writable) after end of boot" },
	{ "eob_lock_regs", eob_lock_regs, CASE_RUN, "LOCK_REGS after end of boot" },
	{ "eob_load_kdata", eob_load_kdata, CASE_RUN, "LOAD_KDATA (new trust anchors) after end of boot" },
	{ "bad_call_id_below", bad_id_below, CASE_RUN, "VTL call id 0x1FFDF" },
	{ "bad_call_id_above", bad_id_above, CASE_RUN, "VTL call id 0x1FFED" },
	{ "bad_call_id_high_bits", bad_id_high_bits, CASE_RUN, "PROTECT_MEMORY's id with high bits set" },
	{ "bad_call_id_vtlguard", bad_id_vtlguard_range, CASE_RUN, "unknown id in vtlguard's range" },
	{ "bad_call_id_test_nop", bad_id_test_nop, CASE_RUN,
	  "the test image's no-op call (0x2FFF0) is absent from the release image" },
	{ "patch_text_arbitrary_bytes", patch_arbitrary_bytes, CASE_RUN, "PATCH_TEXT writing INT3+NOPs" },
	{ "patch_text_other_jump", patch_other_jump, CASE_RUN, "PATCH_TEXT with a jump elsewhere" },
	{ "patch_text_not_a_site", patch_not_a_site, CASE_RUN, "PATCH_TEXT where no site is, in protected text: -EACCES" },
	{ "patch_text_bad_size", patch_bad_size, CASE_RUN, "PATCH_TEXT with size 9" },
	{ "patch_text_into_vtl1", patch_into_vtl1, CASE_RUN, "PATCH_TEXT aimed at vtlguard's code" },
	{ "patch_text_split_request", patch_split_request, CASE_RUN,
	  "PATCH_TEXT request crossing into an unaligned pa1" },
	{ "measurements_tiny_buffer", measure_tiny_buffer, CASE_RUN, "GET_MEASUREMENTS into 16 bytes" },
	{ "ringbuffer_second", ring_again, CASE_RUN, "a second ALLOCATE_RINGBUFFER_MEMORY" },
	{ "deputy_measurements_into_text", deputy_measure_into_text, CASE_RUN,
	  "GET_MEASUREMENTS aimed at protected text" },
	{ "deputy_measurements_into_vtl1", deputy_measure_into_vtl1, CASE_RUN,
	  "GET_MEASUREMENTS aimed at VTL1 memory" },
	{ "violations_report", viol_report, CASE_RUN,
	  "GET_VIOLATIONS: counters and records track a bad call and a text store exactly" },
	{ "violations_short_buffer", viol_short_buffer, CASE_RUN,
	  "GET_VIOLATIONS into header + 1 record: the newest" },
	{ "violations_tiny_buffer", viol_tiny_buffer, CASE_RUN, "GET_VIOLATIONS into 95 bytes" },
	{ "deputy_violations_into_text", deputy_viol_into_text, CASE_RUN,
	  "GET_VIOLATIONS aimed at protected text" },
	{ "deputy_violations_into_vtl1", deputy_viol_into_vtl1, CASE_RUN,
	  "GET_VIOLATIONS aimed at VTL1 memory" },
	{ NULL, NULL, 0, NULL },
};
