// SPDX-License-Identifier: MIT
/* Dispatcher: IDs, unbuilt calls, hooks, AP forwarding, the event loop. */
#include "tests/vtl_protect/vtlp_test.h"

TEST(vtlp_unknown_ids_are_einval_and_counted)
{
	vt_setup();
	CHECK_EQ_INT(vt_call(0x1FFDF, 0, 0, 0), -EINVAL);
	CHECK_EQ_INT(vt_call(0x1FFED, 0, 0, 0), -EINVAL);
	CHECK_EQ_INT(vt_call(0, 0, 0, 0), -EINVAL);
	/* Upper bits are part of the id: no truncation to 32 bits. */
	CHECK_EQ_INT(vt_call(VSM_VTL_CALL_FUNC_ID_LOCK_REGS | (1ull << 40), 0, 0, 0), -EINVAL);
	CHECK_EQ(vtlp_violation_count(VTLP_CLASS_BAD_CALL), 4);
	CHECK(!fake_south.vp[0].icpt_installs);
}

TEST(vtlp_unbuilt_calls_are_eopnotsupp)
{
	static const uint64_t ids[] = {
		VSM_VTL_CALL_FUNC_ID_VALIDATE_MODULE, VSM_VTL_CALL_FUNC_ID_FREE_MODULE_INIT,
		VSM_VTL_CALL_FUNC_ID_UNLOAD_MODULE, VSM_VTL_CALL_FUNC_ID_COPY_SECONDARY_KEY,
		VSM_VTL_CALL_FUNC_ID_KEXEC_VALIDATE,
	};

	vt_setup();
	for (size_t i = 0; i < sizeof(ids) / sizeof(ids[0]); i++)
		CHECK_EQ_INT(vt_call(ids[i], 1, 2, 3), -EOPNOTSUPP);
	CHECK_EQ(vtlp_violation_count(VTLP_CLASS_BAD_CALL), 0);
}

static uint64_t seen[4];
static int64_t fake_validate(unsigned int vp, uint64_t pa, uint64_t n, uint64_t flags)
{
	seen[0] = vp;
	seen[1] = pa;
	seen[2] = n;
	seen[3] = flags;
	return 42;
}
static int64_t fake_unload(unsigned int vp, uint64_t token)
{
	(void)vp;
	return token == 42 ? 0 : -EINVAL;
}

TEST(vtlp_modval_hooks_are_called)
{
	static const struct vtlp_modval_hooks hooks = {
		.validate_module = fake_validate,
		.unload_module = fake_unload,
	};

	vt_setup();
	vtlp_register_modval(&hooks);
	CHECK_EQ_INT(vtlp_vtl_call(1, VSM_VTL_CALL_FUNC_ID_VALIDATE_MODULE, 0x1000, 5, 7), 42);
	CHECK_EQ(seen[0], 1);
	CHECK_EQ(seen[1], 0x1000);
	CHECK_EQ(seen[2], 5);
	CHECK_EQ(seen[3], 7);
	CHECK_EQ_INT(vt_call(VSM_VTL_CALL_FUNC_ID_UNLOAD_MODULE, 42, 0, 0), 0);
	CHECK_EQ_INT(vt_call(VSM_VTL_CALL_FUNC_ID_UNLOAD_MODULE, 41, 0, 0), -EINVAL);
	/* Members left NULL stay unbuilt. */
	CHECK_EQ_INT(vt_call(VSM_VTL_CALL_FUNC_ID_KEXEC_VALIDATE, 0, 0, 0), -EOPNOTSUPP);
	vtlp_register_modval(NULL);
	CHECK_EQ_INT(vt_call(VSM_VTL_CALL_FUNC_ID_VALIDATE_MODULE, 0, 0, 0), -EOPNOTSUPP);
}

TEST(vtlp_ap_calls_are_forwarded_to_the_south)
{
	vt_setup();
	CHECK_EQ_INT(vt_call(VSM_VTL_CALL_FUNC_ID_ENABLE_APS_VTL, 0, 0, 0), 0);
	CHECK_EQ_INT(vt_call(VSM_VTL_CALL_FUNC_ID_BOOT_APS, 0x10, 0x20, 0), 0);
	CHECK_EQ(fake_south.enable_aps_calls, 1);
	CHECK_EQ(fake_south.boot_aps_calls, 1);
	fake_south.aps_ret = -EOPNOTSUPP;
	CHECK_EQ_INT(vt_call(VSM_VTL_CALL_FUNC_ID_BOOT_APS, 0, 0, 0), -EOPNOTSUPP);
}

TEST(vtlp_serve_answers_scripted_events)
{
	vt_setup();
	fake_push_call(0, 0x12345, 0, 0, 0);
	fake_push_call(1, VSM_VTL_CALL_FUNC_ID_LOCK_REGS, 0, 0, 0);
	fake_push_reg(1, NORTH_REG_IDTR, 0x1234, 0xffffffff81000000ull, 3);
	fake_push_call(0, VSM_VTL_CALL_FUNC_ID_SIGNAL_END_OF_BOOT, 0, 0, 0);
	fake_push_call(0, VSM_VTL_CALL_FUNC_ID_PROTECT_MEMORY, T_CHAIN, 1, 0);
	CHECK_EQ_INT(vtlp_serve(), -ENODATA);
	CHECK_EQ(fake_south.ndone, 5);
	CHECK_EQ_INT(fake_south.done[0].result, -EINVAL);
	CHECK_EQ_INT(fake_south.done[1].result, 0);
	CHECK_EQ(fake_south.vp[1].icpt_installs, 1);
	CHECK_EQ(fake_south.done[2].decision, NORTH_DECIDE_DENY_GP);
	CHECK_EQ(fake_south.vp[1].gp_injected, 1);
	CHECK_EQ_INT(fake_south.done[3].result, 0);
	CHECK_EQ_INT(fake_south.done[4].result, -EPERM);
	CHECK(vtlp_end_of_boot_done());
}

TEST(vtlp_end_of_boot_closes_boot_calls)
{
	vt_setup();
	CHECK_EQ_INT(vt_protect(T_TEXT, T_TEXT + 0x1000, HEKI_ATTR_MEM_R | HEKI_ATTR_MEM_X), 0);
	CHECK_EQ_INT(vt_call(VSM_VTL_CALL_FUNC_ID_SIGNAL_END_OF_BOOT, 0, 0, 0), 0);
	CHECK_EQ_INT(vt_call(VSM_VTL_CALL_FUNC_ID_SIGNAL_END_OF_BOOT, 0, 0, 0), 0);
	CHECK_EQ_INT(vt_protect(T_TEXT, T_TEXT + 0x1000, HEKI_ATTR_MEM_R | HEKI_ATTR_MEM_W), -EPERM);
	CHECK_EQ_INT(vt_call(VSM_VTL_CALL_FUNC_ID_LOCK_REGS, 0, 0, 0), -EPERM);
	CHECK_EQ_INT(vt_call(VSM_VTL_CALL_FUNC_ID_LOAD_KDATA, T_CHAIN, 1, 0), -EPERM);
	CHECK_EQ(fake_perm(T_TEXT), SOUTH_PROT_R | SOUTH_PROT_KX | SOUTH_PROT_UX);
	CHECK(!fake_south.vp[0].icpt_installs);
	/* PATCH_TEXT stays open (here: nothing precomputed covers it). */
	CHECK_EQ_INT(vt_call(VSM_VTL_CALL_FUNC_ID_PATCH_TEXT, T_BUF, 0, 0), -EINVAL);
	CHECK_EQ(vtlp_violation_count(VTLP_CLASS_BAD_CALL), 4);
}
