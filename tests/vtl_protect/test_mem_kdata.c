// SPDX-License-Identifier: MIT
/* Memory intercepts and LOAD_KDATA. */
#include <string.h>

#include "tests/vtl_protect/vtlp_test.h"

#define R HEKI_ATTR_MEM_R
#define W HEKI_ATTR_MEM_W
#define X HEKI_ATTR_MEM_X
#define IMM HEKI_ATTR_MEM_IMMUTABLE
#define LK VSM_VTL_CALL_FUNC_ID_LOAD_KDATA
#define RIP0 0xffffffff81002000ull

static enum north_decision mem(uint64_t gpa, enum north_access a)
{
	fake_push_mem(0, gpa, a, RIP0);
	CHECK_EQ_INT(vtlp_serve(), -ENODATA);
	return fake_south.done[fake_south.ndone - 1].decision;
}

TEST(vtlp_mem_intercept_write_to_text_is_gp)
{
	struct vtlp_violation rec;

	vt_setup();
	CHECK_EQ_INT(vt_protect(T_TEXT, T_TEXT + 0x2000, R | X | IMM), 0);
	CHECK_EQ(mem(T_TEXT + 0x10, NORTH_ACCESS_WRITE), NORTH_DECIDE_DENY_GP);
	CHECK_EQ(fake_south.vp[0].gp_injected, 1);
	CHECK_EQ(fake_south.vp[0].regs[NORTH_REG_RIP].value, RIP0); /* not advanced */
	CHECK_EQ(vtlp_violation_count(VTLP_CLASS_MEM_WRITE), 1);
	CHECK_EQ(vtlp_violations(&rec, 1), 1);
	CHECK_EQ(rec.addr, T_TEXT + 0x10);
	CHECK_STR(rec.rule, "immutable-write");
	CHECK_EQ(vt_lines("class=mem-write"), 1);
	CHECK_EQ(fake_perm(T_TEXT), SOUTH_PROT_R | SOUTH_PROT_KX | SOUTH_PROT_UX);
}

TEST(vtlp_mem_intercept_exec_data_and_vtl1)
{
	vt_setup();
	CHECK_EQ_INT(vt_protect(T_DATA, T_DATA + 0x1000, R | W), 0);
	CHECK_EQ(mem(T_DATA + 8, NORTH_ACCESS_EXEC), NORTH_DECIDE_DENY_GP);
	CHECK_EQ(vtlp_violation_count(VTLP_CLASS_MEM_EXEC), 1);
	CHECK_EQ(mem(FAKE_VTL1_START + 0x40, NORTH_ACCESS_READ), NORTH_DECIDE_DENY_GP);
	CHECK_EQ(vtlp_violation_count(VTLP_CLASS_MEM_READ), 1);
	CHECK_EQ(vt_lines("vtl1-memory-read"), 1);
}

static const char audit_mem_dts[] = "memory"; /* marker for the policy builder */

int vt_policy_blob(void *buf, size_t size, const char *audit_class, const char *action,
		   uint32_t rate);

TEST(vtlp_mem_intercept_audit_mode_allows_and_logs)
{
	static uint8_t blob[4096];

	CHECK_EQ_INT(vt_policy_blob(blob, sizeof(blob), audit_mem_dts, "gp-report", 10), 0);
	CHECK_EQ_INT(vt_setup_policy(blob, sizeof(blob)), 0);
	CHECK_EQ_INT(vt_protect(T_TEXT, T_TEXT + 0x2000, R | X | IMM), 0);
	CHECK_EQ(mem(T_TEXT + 0x1008, NORTH_ACCESS_WRITE), NORTH_DECIDE_RETRY);
	CHECK(fake_perm(T_TEXT + 0x1000) & SOUTH_PROT_W);
	CHECK(!(fake_perm(T_TEXT) & SOUTH_PROT_W)); /* only that page */
	CHECK_EQ(fake_south.vp[0].gp_injected, 0);
	CHECK_EQ(vtlp_violation_count(VTLP_CLASS_MEM_WRITE), 1);
	CHECK_EQ(vt_lines("action=audit-allow"), 1);
	/* VTL1 memory and the log ring are never audited open. */
	CHECK_EQ(mem(FAKE_VTL1_START, NORTH_ACCESS_WRITE), NORTH_DECIDE_DENY_GP);
	CHECK_EQ_INT(vt_call(VSM_VTL_CALL_FUNC_ID_ALLOCATE_RINGBUFFER_MEMORY, T_RING, 0x1000, 0),
		     0);
	CHECK_EQ(mem(T_RING + 8, NORTH_ACCESS_WRITE), NORTH_DECIDE_DENY_GP);
	CHECK(!(fake_perm(T_RING) & SOUTH_PROT_W));
	CHECK_EQ(vt_lines("ring-immutable-write"), 1);
}

static struct heki_range kr(uint64_t pa, uint64_t epa, uint64_t type)
{
	struct heki_range r = { .va = 0, .pa = pa, .epa = epa, .attributes = type };
	return r;
}

TEST(vtlp_load_kdata_stores_copies)
{
	struct heki_range r[4] = {
		kr(T_BUF + 0x0f00, T_BUF + 0x1000, VTLP_KDATA_SYSTEM_CERTS), /* sub-page */
		kr(T_BUF + 0x3000, T_BUF + 0x3400, VTLP_KDATA_SYSTEM_CERTS),
		kr(T_BUF + 0x5000, T_BUF + 0x5064, VTLP_KDATA_KERNEL_INFO),
		kr(T_BUF + 0x8000, T_BUF + 0x9000, VTLP_KDATA_KERNEL_DATA),
	};
	const uint8_t *d;
	size_t len;

	vt_setup();
	memset(fake_ram(T_BUF + 0x0f00), 0x11, 0x100);
	memset(fake_ram(T_BUF + 0x3000), 0x22, 0x400);
	memset(fake_ram(T_BUF + 0x5000), 0x33, 0x64);
	vt_chain(r, 4);
	CHECK_EQ_INT(vt_call(LK, T_CHAIN, 4, 0), 0);
	CHECK_EQ_INT(vtlp_kdata_get(VTLP_KDATA_SYSTEM_CERTS, &d, &len), 0);
	CHECK_EQ(len, 0x500);
	CHECK_EQ(d[0], 0x11);
	CHECK_EQ(d[0xff], 0x11);
	CHECK_EQ(d[0x100], 0x22);
	CHECK_EQ(d[0x4ff], 0x22);
	CHECK_EQ_INT(vtlp_kdata_get(VTLP_KDATA_KERNEL_INFO, &d, &len), 0);
	CHECK_EQ(len, 0x64);
	CHECK_EQ_INT(vtlp_kdata_get(VTLP_KDATA_REVOCATION_CERTS, &d, &len), 0);
	CHECK_EQ(len, 0);
	/* KernelData is kept too (module validation resolves imports in it). */
	CHECK_EQ_INT(vtlp_kdata_get(VTLP_KDATA_KERNEL_DATA, &d, &len), 0);
	CHECK_EQ(len, 0x1000);
	CHECK_EQ_INT(vtlp_kdata_get(VTLP_KDATA_KEXEC_TRAMPOLINE, &d, &len), -ENODATA);
	CHECK_EQ_INT(vtlp_kdata_get(VTLP_KDATA_COUNT, &d, &len), -EINVAL);
	/* Copy-in only: VTL0 changing its copy changes nothing in VTL1. */
	memset(fake_ram(T_BUF + 0x0f00), 0x99, 0x100);
	CHECK_EQ_INT(vtlp_kdata_get(VTLP_KDATA_SYSTEM_CERTS, &d, &len), 0);
	CHECK_EQ(d[0], 0x11);
}

TEST(vtlp_load_kdata_rejections_fail_closed)
{
	struct heki_range r[2] = {
		kr(T_BUF, T_BUF + 0x100, VTLP_KDATA_SYSTEM_CERTS),
		kr(T_BUF, T_BUF + 0x100, 7),
	};
	const uint8_t *d;
	size_t len;

	vt_setup();
	vt_chain(r, 1);
	CHECK_EQ_INT(vt_call(LK, T_CHAIN, 1, 0), 0);
	vt_chain(r, 2);
	CHECK_EQ_INT(vt_call(LK, T_CHAIN, 2, 0), -EINVAL);        /* unknown type */
	r[1] = kr(T_BUF + 0x200, T_BUF + 0x100, VTLP_KDATA_KERNEL_INFO);
	vt_chain(r, 2);
	CHECK_EQ_INT(vt_call(LK, T_CHAIN, 2, 0), -EINVAL);        /* inverted */
	r[1] = kr(FAKE_VTL1_START, FAKE_VTL1_START + 8, VTLP_KDATA_KERNEL_INFO);
	vt_chain(r, 2);
	CHECK_EQ_INT(vt_call(LK, T_CHAIN, 2, 0), -EFAULT);        /* VTL1 */
	r[1] = kr(0xFFFFFFFFFFFFFF00ull, 0xFFFFFFFFFFFFFF00ull, VTLP_KDATA_KERNEL_INFO);
	r[1].epa = 0; /* pa > epa through wrap */
	vt_chain(r, 2);
	CHECK_EQ_INT(vt_call(LK, T_CHAIN, 2, 0), -EINVAL);
	r[1] = kr(T_BUF, T_BUF + VTLP_KDATA_MAX_KINFO + 1, VTLP_KDATA_KERNEL_INFO);
	vt_chain(r, 2);
	CHECK_EQ_INT(vt_call(LK, T_CHAIN, 2, 0), -E2BIG);         /* over the bound */
	/* None of those touched the stored certs. */
	CHECK_EQ_INT(vtlp_kdata_get(VTLP_KDATA_SYSTEM_CERTS, &d, &len), 0);
	CHECK_EQ(len, 0x100);
	/* A failure while copying keeps what earlier calls loaded (issue 14). */
	memset(fake_ram(T_BUF), 0x42, 0x100);
	r[1] = kr(FAKE_RAM_SIZE - 0x10, FAKE_RAM_SIZE + 0x10, VTLP_KDATA_KERNEL_INFO);
	vt_chain(r, 2);
	CHECK_EQ_INT(vt_call(LK, T_CHAIN, 2, 0), -EFAULT);
	CHECK_EQ_INT(vtlp_kdata_get(VTLP_KDATA_SYSTEM_CERTS, &d, &len), 0);
	CHECK_EQ(len, 0x100);
	CHECK(d[0] != 0x42);
}

/* struct heki_kinfo: ksymtab bounds first, the arch addresses last. */
TEST(vtlp_kernel_info_layout)
{
	struct heki_range r = kr(T_BUF, T_BUF + 32 + 200 + 40, VTLP_KDATA_KERNEL_INFO);
	struct vtlp_kinfo k;
	uint64_t v[5] = { 0xffffffff81001000ull, 0xffffffff81001010ull, 0xffffffff82a00000ull,
			  0xffffffff82a01000ull, 0xffffffff82a02000ull };
	uint64_t b[4] = { 0xffffffff83000000ull, 0xffffffff83001000ull, 0xffffffff83002000ull,
			  0xffffffff83003000ull };

	vt_setup();
	CHECK_EQ_INT(vtlp_kinfo_get(&k), -ENODATA);
	memcpy(fake_ram(T_BUF), b, sizeof(b));
	memset(fake_ram(T_BUF + 32), 0x77, 200); /* pv_ops: config-dependent size */
	memcpy(fake_ram(T_BUF + 232), v, sizeof(v));
	vt_chain(&r, 1);
	CHECK_EQ_INT(vt_call(LK, T_CHAIN, 1, 0), 0);
	CHECK_EQ_INT(vtlp_kinfo_get(&k), 0);
	CHECK_EQ(k.ksymtab_start, b[0]);
	CHECK_EQ(k.ksymtab_end, b[1]);
	CHECK_EQ(k.ksymtab_gpl_start, b[2]);
	CHECK_EQ(k.ksymtab_gpl_end, b[3]);
	CHECK(k.has_arch);
	CHECK_EQ(k.pv_bug, v[0]);
	CHECK_EQ(k.pv_nop, v[1]);
	CHECK_EQ(k.indirect_thunk_array, v[2]);
	CHECK_EQ(k.return_thunk_init, v[3]);
	CHECK_EQ(k.return_thunk, v[4]);
	/* An older sender, too short for the tail: bounds only. */
	r = kr(T_BUF, T_BUF + 48, VTLP_KDATA_KERNEL_INFO);
	vt_chain(&r, 1);
	CHECK_EQ_INT(vt_call(LK, T_CHAIN, 1, 0), 0);
	CHECK_EQ_INT(vtlp_kinfo_get(&k), 0);
	CHECK(!k.has_arch);
	CHECK_EQ(k.ksymtab_start, b[0]);
	CHECK_EQ(k.return_thunk, 0);
	/* Shorter than the bounds: refused, the one loaded before is kept. */
	r = kr(T_BUF + 0x800, T_BUF + 0x800 + 31, VTLP_KDATA_KERNEL_INFO);
	vt_chain(&r, 1);
	CHECK_EQ_INT(vt_call(LK, T_CHAIN, 1, 0), -EINVAL);
	CHECK(vt_lines("KernelInfo is 31 bytes") == 1);
	CHECK_EQ_INT(vtlp_kinfo_get(&k), 0);
	CHECK_EQ(k.ksymtab_start, b[0]);
}

/* An item larger than VTL1's heap budget fails its call alone. */
TEST(vtlp_load_kdata_too_large_for_heap)
{
	struct heki_range r[2] = {
		kr(T_BUF, T_BUF + 0x100, VTLP_KDATA_SYSTEM_CERTS),
		kr(0x1000000, 0x1000000 + (512u << 10), VTLP_KDATA_KERNEL_DATA),
	};
	const uint8_t *d;
	size_t len;

	vt_setup_heap(1u << 20); /* 256 KiB per table */
	vt_chain(r, 1);
	CHECK_EQ_INT(vt_call(LK, T_CHAIN, 1, 0), 0);
	vt_chain(r, 2);
	CHECK_EQ_INT(vt_call(LK, T_CHAIN, 2, 0), -E2BIG);
	CHECK(vt_lines("LOAD_KDATA type 4 (524288 bytes) does not fit") == 1);
	CHECK_EQ_INT(vtlp_kdata_get(VTLP_KDATA_SYSTEM_CERTS, &d, &len), 0);
	CHECK_EQ(len, 0x100);
	CHECK_EQ_INT(vtlp_kdata_get(VTLP_KDATA_KERNEL_DATA, &d, &len), 0);
	CHECK_EQ(len, 0);
}
