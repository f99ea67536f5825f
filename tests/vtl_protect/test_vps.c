// SPDX-License-Identifier: MIT
/*
 * Per-VP engine state is sized to the VPs the boot information names
 * (vtlp_init, from the VTL1 heap), with VTLP_MAX_VPS as the hard ceiling:
 * 2 and 8 VPs served, a VP past the count refused, 1024 accepted, 1025 and
 * 0 refuse the start.
 */
#include "tests/vtl_protect/vtlp_test.h"
#include "vtl_protect/internal.h"

#define LR VSM_VTL_CALL_FUNC_ID_LOCK_REGS
#define EOB VSM_VTL_CALL_FUNC_ID_SIGNAL_END_OF_BOOT

/* Restart the engine for a partition of n VPs. */
static int restart(unsigned int n)
{
	vt_setup();
	fake_south.ncpus = n;
	return vtlp_init(NULL, 0);
}

static void serves_exactly(unsigned int n)
{
	CHECK_EQ_INT(restart(n), 0);
	CHECK_EQ(vtlp.nvps, n);
	for (unsigned int vp = 0; vp < n; vp++) {
		CHECK_EQ_INT(vtlp_vtl_call(vp, LR, 0, 0, 0), 0);
		CHECK(vtlp_vp(vp) && vtlp_vp(vp)->locked);
	}
	/* one past the partition: no state, refused, nothing written */
	CHECK(vtlp_vp(n) == NULL);
	CHECK_EQ_INT(vtlp_vtl_call(n, LR, 0, 0, 0), -EINVAL);
	CHECK_EQ_INT(vtlp_vtl_call(0, EOB, 0, 0, 0), 0);
	CHECK_EQ(vt_lines("never called LOCK_REGS"), 0);
	/* an allowed CR0 write (its pinned value) is emulated for a VP with
	 * state, denied for one the partition does not have */
	CHECK_EQ(vt_reg_write(n - 1, NORTH_REG_CR0, fake_south.vp[0].regs[NORTH_REG_CR0].value),
		 NORTH_DECIDE_EMULATE);
	if (n < FAKE_MAX_VPS)
		CHECK_EQ(vt_reg_write(n, NORTH_REG_CR0, fake_south.vp[0].regs[NORTH_REG_CR0].value),
			 NORTH_DECIDE_DENY_GP);
}

TEST(vtlp_vps_two)
{
	serves_exactly(2);
}

TEST(vtlp_vps_eight)
{
	serves_exactly(8);
}

TEST(vtlp_vps_bound)
{
	CHECK_EQ_INT(restart(VTLP_MAX_VPS), 0);
	CHECK_EQ(vtlp.nvps, 1024);
	CHECK(vtlp_vp(1023) != NULL);
	CHECK(vtlp_vp(1024) == NULL);
	CHECK_EQ_INT(restart(VTLP_MAX_VPS + 1), -E2BIG);
	CHECK_EQ(vt_lines("vtlguard serves 1..1024"), 1);
	CHECK_EQ_INT(restart(0), -E2BIG);
	vt_teardown();
}
