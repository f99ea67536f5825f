// SPDX-License-Identifier: MIT
/* LOCK_REGS: snapshots, intercept masks, the masked compare, DT writes. */
#include "tests/vtl_protect/vtlp_test.h"

#define LR VSM_VTL_CALL_FUNC_ID_LOCK_REGS
#define CR0_WP (1ull << 16)
#define CR0_TS (1ull << 3)
#define CR4_PGE (1ull << 7)
#define CR4_SMEP (1ull << 20)
#define CR4_SMAP (1ull << 21)
#define EFER_NXE (1ull << 11)

TEST(vtlp_lock_regs_installs_brief_intercepts)
{
	uint64_t want = NORTH_ICPT(NORTH_REG_CR0) | NORTH_ICPT(NORTH_REG_CR4) |
			NORTH_ICPT(NORTH_REG_GDTR) | NORTH_ICPT(NORTH_REG_IDTR) |
			NORTH_ICPT(NORTH_REG_LDTR) | NORTH_ICPT(NORTH_REG_TR) |
			NORTH_ICPT(NORTH_REG_LSTAR) | NORTH_ICPT(NORTH_REG_STAR) |
			NORTH_ICPT(NORTH_REG_CSTAR) | NORTH_ICPT(NORTH_REG_APIC_BASE) |
			NORTH_ICPT(NORTH_REG_EFER) | NORTH_ICPT(NORTH_REG_SYSENTER_CS) |
			NORTH_ICPT(NORTH_REG_SYSENTER_ESP) | NORTH_ICPT(NORTH_REG_SYSENTER_EIP) |
			NORTH_ICPT(NORTH_REG_SFMASK);

	vt_setup();
	CHECK_EQ_INT(vt_call(LR, 0, 0, 0), 0);
	CHECK_EQ(fake_south.vp[0].icpt_classes, want);
	CHECK_EQ(fake_south.vp[0].cr0_mask, 0x80010001ull); /* PG | WP | PE */
	/* Every CR4 bit but MCE (6), PGE (7), PCE (8), VMXE (13). */
	CHECK_EQ(fake_south.vp[0].cr4_mask, ~((1ull << 6) | (1ull << 7) | (1ull << 8) | (1ull << 13)));
	CHECK_EQ(fake_south.vp[1].icpt_installs, 0); /* VP 1 locks itself */
	CHECK_EQ_INT(vtlp_vtl_call(1, LR, 0, 0, 0), 0);
	CHECK_EQ(fake_south.vp[1].icpt_classes, want);
}

TEST(vtlp_cr4_masked_compare_allows_unpinned_bit_change)
{
	uint64_t pinned, mask, v;

	vt_setup();
	pinned = fake_south.vp[0].regs[NORTH_REG_CR4].value;
	CHECK(pinned & CR4_PGE); /* the snapshot has an unpinned bit set */
	CHECK_EQ_INT(vt_call(LR, 0, 0, 0), 0);
	mask = fake_south.vp[0].cr4_mask;
	/* Linux flushes the TLB by toggling CR4.PGE. */
	v = pinned & ~CR4_PGE;
	/* The anchor's buggy compare ((new & mask) == pinned) refuses this... */
	CHECK((v & mask) != pinned);
	/* ...the correct one allows it, emulated for VTL0 with RIP advanced. */
	CHECK_EQ(vt_reg_write(0, NORTH_REG_CR4, v), NORTH_DECIDE_EMULATE);
	CHECK_EQ(fake_south.vp[0].regs[NORTH_REG_CR4].value, v);
	CHECK_EQ(fake_south.vp[0].regs[NORTH_REG_RIP].value, T_RIP0 + 3);
	CHECK_EQ(vt_reg_write(0, NORTH_REG_CR4, pinned), NORTH_DECIDE_EMULATE);
	CHECK_EQ(vtlp_violation_count(VTLP_CLASS_CR), 0);
}

TEST(vtlp_cr4_clearing_smep_smap_is_gp)
{
	uint64_t pinned;
	struct vtlp_violation rec[4];

	vt_setup();
	pinned = fake_south.vp[0].regs[NORTH_REG_CR4].value;
	CHECK(pinned & CR4_SMEP);
	CHECK_EQ_INT(vt_call(LR, 0, 0, 0), 0);
	CHECK_EQ(vt_reg_write(0, NORTH_REG_CR4, pinned & ~CR4_SMEP), NORTH_DECIDE_DENY_GP);
	CHECK_EQ(fake_south.vp[0].gp_injected, 1);
	CHECK_EQ(fake_south.vp[0].regs[NORTH_REG_CR4].value, pinned);
	CHECK_EQ(fake_south.vp[0].regs[NORTH_REG_RIP].value, T_RIP0); /* not advanced */
	CHECK_EQ(vt_reg_write(0, NORTH_REG_CR4, pinned & ~CR4_SMAP & ~CR4_PGE), NORTH_DECIDE_DENY_GP);
	CHECK_EQ(vtlp_violation_count(VTLP_CLASS_CR), 2);
	CHECK_EQ(vtlp_violations(rec, 4), 2);
	CHECK_STR(rec[0].rule, "CR4-pinned");
	CHECK_EQ(rec[0].attempted, pinned & ~CR4_SMEP);
	CHECK_EQ(rec[0].expected, pinned);
	CHECK_EQ(rec[0].rip, T_RIP0);
	CHECK(rec[0].denied);
	CHECK_EQ(vt_lines("VIOLATION"), 2);
	CHECK_EQ(vt_lines("class=cr vp=0"), 2);
}

TEST(vtlp_cr0_wp_pinned_ts_free)
{
	uint64_t cr0;

	vt_setup();
	cr0 = fake_south.vp[0].regs[NORTH_REG_CR0].value;
	CHECK_EQ_INT(vt_call(LR, 0, 0, 0), 0);
	CHECK_EQ(vt_reg_write(0, NORTH_REG_CR0, cr0 & ~CR0_WP), NORTH_DECIDE_DENY_GP);
	CHECK_EQ(vt_reg_write(0, NORTH_REG_CR0, cr0 | CR0_TS), NORTH_DECIDE_EMULATE);
	CHECK_EQ(fake_south.vp[0].regs[NORTH_REG_CR0].value, cr0 | CR0_TS);
}

TEST(vtlp_msr_pins)
{
	uint64_t lstar, efer;

	vt_setup();
	lstar = fake_south.vp[0].regs[NORTH_REG_LSTAR].value;
	efer = fake_south.vp[0].regs[NORTH_REG_EFER].value;
	CHECK_EQ_INT(vt_call(LR, 0, 0, 0), 0);
	CHECK_EQ(vt_msr_write(0, 0xC0000082, 0xffffffffc0de0000ull), NORTH_DECIDE_DENY_GP);
	CHECK_EQ(fake_south.vp[0].regs[NORTH_REG_LSTAR].value, lstar);
	CHECK_EQ(vt_msr_write(0, 0xC0000082, lstar), NORTH_DECIDE_EMULATE);
	CHECK_EQ(fake_south.vp[0].regs[NORTH_REG_RIP].value, T_RIP0 + 2);
	CHECK_EQ(vt_msr_write(0, 0xC0000080, efer & ~EFER_NXE), NORTH_DECIDE_DENY_GP);
	CHECK_EQ(vt_msr_write(0, 0x10, 5), NORTH_DECIDE_DENY_GP); /* TSC: never asked for */
	CHECK_EQ(vtlp_violation_count(VTLP_CLASS_MSR), 3);
	CHECK_EQ(vt_lines("msr=0xc0000082"), 1);
}

TEST(vtlp_descriptor_tables_always_gp)
{
	struct north_reg_val gdtr;

	vt_setup();
	gdtr = fake_south.vp[0].regs[NORTH_REG_GDTR];
	CHECK_EQ_INT(vt_call(LR, 0, 0, 0), 0);
	/* Even rewriting the same value. */
	CHECK_EQ(vt_reg_write(0, NORTH_REG_GDTR, gdtr.value), NORTH_DECIDE_DENY_GP);
	CHECK_EQ(vt_reg_write(0, NORTH_REG_IDTR, 0x1234), NORTH_DECIDE_DENY_GP);
	CHECK_EQ(vt_reg_write(0, NORTH_REG_LDTR, 0), NORTH_DECIDE_DENY_GP);
	CHECK_EQ(vt_reg_write(0, NORTH_REG_TR, 0x40), NORTH_DECIDE_DENY_GP);
	CHECK_EQ(vtlp_violation_count(VTLP_CLASS_DT), 4);
}

TEST(vtlp_intercept_before_lock_is_refused)
{
	vt_setup();
	CHECK_EQ(vt_reg_write(1, NORTH_REG_CR4, 0), NORTH_DECIDE_DENY_GP);
	CHECK_EQ(vt_lines("CR4-before-lock"), 1);
}

TEST(vtlp_lock_regs_snapshot_is_per_vp)
{
	vt_setup();
	fake_south.vp[1].regs[NORTH_REG_LSTAR].value = 0xffffffff82000000ull;
	CHECK_EQ_INT(vt_call(LR, 0, 0, 0), 0);
	CHECK_EQ_INT(vtlp_vtl_call(1, LR, 0, 0, 0), 0);
	CHECK_EQ(vt_msr_write(1, 0xC0000082, 0xffffffff82000000ull), NORTH_DECIDE_EMULATE);
	CHECK_EQ(vt_msr_write(0, 0xC0000082, 0xffffffff82000000ull), NORTH_DECIDE_DENY_GP);
}

TEST(vtlp_lock_regs_bad_vp_and_south_failure)
{
	vt_setup();
	CHECK_EQ_INT(vtlp_vtl_call(5, LR, 0, 0, 0), -EINVAL);
	fake_south.fail_get_reg = -EIO;
	CHECK_EQ_INT(vt_call(LR, 0, 0, 0), -EIO);
	fake_south.fail_get_reg = 0;
	fake_south.fail_install = -EIO;
	CHECK_EQ_INT(vt_call(LR, 0, 0, 0), -EIO);
	/* Not locked: an intercept is still refused, as "before lock". */
	CHECK_EQ(vt_reg_write(0, NORTH_REG_CR4, 0), NORTH_DECIDE_DENY_GP);
	CHECK_EQ(vt_lines("CR4-before-lock"), 1);
	fake_south.fail_install = 0;
	fake_south.ncpus = 1;
	CHECK_EQ_INT(vtlp_vtl_call(1, LR, 0, 0, 0), -EINVAL);
}

TEST(vtlp_end_of_boot_warns_about_unlocked_vps)
{
	vt_setup();
	CHECK_EQ_INT(vt_call(LR, 0, 0, 0), 0);
	CHECK_EQ_INT(vt_call(VSM_VTL_CALL_FUNC_ID_SIGNAL_END_OF_BOOT, 0, 0, 0), 0);
	CHECK_EQ(vt_lines("VP 1 never called LOCK_REGS"), 1);
	CHECK_EQ(vt_lines("VP 0 never called LOCK_REGS"), 0);
}
