// SPDX-License-Identifier: MIT
/*
 * The rest of the TLFS intercept set as policy pins (XCR0, IA32_MISC_ENABLE,
 * TSC_AUX, SGX launch control), VPs that first enter VTL1 after end of boot
 * (issue 13 RT6), and LOCK_REGS twice on one VP.
 */
#include <libfdt.h>
#include <string.h>

#include "tests/vtl_protect/vtlp_test.h"
#include "vtl_protect/policy.h"

#define LR  VSM_VTL_CALL_FUNC_ID_LOCK_REGS
#define EOB VSM_VTL_CALL_FUNC_ID_SIGNAL_END_OF_BOOT

#define CR0_WP   (1ull << 16)
#define CR4_SMEP (1ull << 20)
#define CR4_SMAP (1ull << 21)
#define XCR0_X87 0x1ull
#define XCR0_SSE 0x2ull
#define XCR0_AVX 0x4ull
#define XCR0_PKRU (1ull << 9)
#define MISC_XD_DISABLE (1ull << 34) /* IA32_MISC_ENABLE.XD Bit Disable */
#define MISC_FAST_STRINGS 0x1ull

#define MSR_MISC_ENABLE 0x1A0u
#define MSR_TSC_AUX     0xC0000103u
#define MSR_SGX_LC1     0x8Du

static uint8_t blob[4096];

/*
 * The default policy plus the new names: XCR0 pins x87|SSE|AVX, MISC_ENABLE
 * pins XD-disable, TSC_AUX and the SGX launch-control hash are pinned in
 * full.  `cr_mode` is the control-registers class.
 */
static int pins_policy(const char *cr_mode)
{
	static const char msrs[] = "efer\0star\0lstar\0cstar\0sfmask\0apic-base\0"
				   "sysenter-cs\0sysenter-esp\0sysenter-eip\0tsc-aux\0"
				   "sgx-launch-control";
	int err = fdt_create(blob, sizeof(blob));

	err |= fdt_finish_reservemap(blob);
	err |= fdt_begin_node(blob, "");
	err |= fdt_property_string(blob, "compatible", "vtlguard,policy-v1");
	err |= fdt_property_string(blob, "violation-action", "gp-report");
	err |= fdt_begin_node(blob, "classes");
	err |= fdt_property_string(blob, "memory", "enforce");
	err |= fdt_property_string(blob, "control-registers", cr_mode);
	err |= fdt_property_string(blob, "msrs", "enforce");
	err |= fdt_property_string(blob, "descriptor-tables", "enforce");
	err |= fdt_end_node(blob);
	err |= fdt_begin_node(blob, "pinned");
	err |= fdt_property_u64(blob, "cr0-mask", 0x80010001ull);
	err |= fdt_property_u64(blob, "cr4-mask", 0xFFFFFFFFFFFFDE3Full);
	err |= fdt_property_u64(blob, "xcr0-mask", XCR0_X87 | XCR0_SSE | XCR0_AVX);
	err |= fdt_property_u64(blob, "misc-enable-mask", MISC_XD_DISABLE);
	err |= fdt_property(blob, "msrs", msrs, sizeof(msrs));
	err |= fdt_end_node(blob);
	err |= fdt_end_node(blob);
	err |= fdt_finish(blob);
	CHECK_EQ_INT(err, 0);
	return vt_setup_policy(blob, fdt_totalsize(blob));
}

static void set_new_regs(unsigned int vp)
{
	fake_south.vp[vp].regs[NORTH_REG_XCR0].value = XCR0_X87 | XCR0_SSE | XCR0_AVX;
	fake_south.vp[vp].regs[NORTH_REG_MISC_ENABLE].value = MISC_FAST_STRINGS;
	fake_south.vp[vp].regs[NORTH_REG_TSC_AUX].value = vp;
	fake_south.vp[vp].regs[NORTH_REG_SGX_LC1].value = 0x1111222233334444ull;
}

TEST(vtlp_policy_pins_every_tlfs_intercept)
{
	uint64_t icpt;

	CHECK_EQ_INT(pins_policy("enforce"), 0);
	set_new_regs(0);
	CHECK_EQ_INT(vt_call(LR, 0, 0, 0), 0);
	icpt = fake_south.vp[0].icpt_classes;
	CHECK(icpt & NORTH_ICPT(NORTH_REG_XCR0));
	CHECK(icpt & NORTH_ICPT(NORTH_REG_MISC_ENABLE));
	CHECK(icpt & NORTH_ICPT(NORTH_REG_TSC_AUX));
	/* "sgx-launch-control" is all four hash MSRs (one TLFS bit). */
	for (int r = NORTH_REG_SGX_LC0; r <= NORTH_REG_SGX_LC3; r++)
		CHECK(icpt & NORTH_ICPT(r));
	/* The hypervisor filters MISC_ENABLE writes by the policy's mask. */
	CHECK_EQ(fake_south.vp[0].misc_enable_mask, MISC_XD_DISABLE);
	/* The default policy (LVBS) does not pin them. */
	vt_setup();
	CHECK_EQ_INT(vt_call(LR, 0, 0, 0), 0);
	CHECK_EQ(fake_south.vp[0].icpt_classes &
		 (NORTH_ICPT(NORTH_REG_XCR0) | NORTH_ICPT(NORTH_REG_MISC_ENABLE) |
		  NORTH_ICPT(NORTH_REG_TSC_AUX) | NORTH_ICPT(NORTH_REG_SGX_LC0)), 0);
	CHECK_EQ(fake_south.vp[0].misc_enable_mask, 0);
}

TEST(vtlp_xcr0_pin_is_masked)
{
	const uint64_t xcr0 = XCR0_X87 | XCR0_SSE | XCR0_AVX;

	CHECK_EQ_INT(pins_policy("enforce"), 0);
	set_new_regs(0);
	CHECK_EQ_INT(vt_call(LR, 0, 0, 0), 0);
	/* XSETBV dropping AVX (a pinned bit): #GP, XCR0 unchanged. */
	CHECK_EQ(vt_reg_write(0, NORTH_REG_XCR0, XCR0_X87 | XCR0_SSE), NORTH_DECIDE_DENY_GP);
	CHECK_EQ(fake_south.vp[0].regs[NORTH_REG_XCR0].value, xcr0);
	CHECK_EQ(vt_lines("rule=XCR0-pinned"), 1);
	CHECK_EQ(vtlp_violation_count(VTLP_CLASS_CR), 1);
	/* Adding an unpinned feature (PKRU) keeps every pinned bit: carried out. */
	CHECK_EQ(vt_reg_write(0, NORTH_REG_XCR0, xcr0 | XCR0_PKRU), NORTH_DECIDE_EMULATE);
	CHECK_EQ(fake_south.vp[0].regs[NORTH_REG_XCR0].value, xcr0 | XCR0_PKRU);
	CHECK_EQ(fake_south.vp[0].regs[NORTH_REG_RIP].value, T_RIP0 + 3);
}

TEST(vtlp_misc_enable_tsc_aux_sgx_pins)
{
	CHECK_EQ_INT(pins_policy("enforce"), 0);
	set_new_regs(0);
	CHECK_EQ_INT(vt_call(LR, 0, 0, 0), 0);
	/* MISC_ENABLE: setting XD-disable (turns NX off) is refused ... */
	CHECK_EQ(vt_msr_write(0, MSR_MISC_ENABLE, MISC_FAST_STRINGS | MISC_XD_DISABLE),
		 NORTH_DECIDE_DENY_GP);
	/* ... an unpinned bit is free. */
	CHECK_EQ(vt_msr_write(0, MSR_MISC_ENABLE, 0), NORTH_DECIDE_EMULATE);
	CHECK_EQ(fake_south.vp[0].regs[NORTH_REG_MISC_ENABLE].value, 0);
	/* TSC_AUX (RDTSCP/RDPID's CPU number) is pinned in full. */
	CHECK_EQ(vt_msr_write(0, MSR_TSC_AUX, 7), NORTH_DECIDE_DENY_GP);
	CHECK_EQ(vt_msr_write(0, MSR_TSC_AUX, 0), NORTH_DECIDE_EMULATE);
	/* SGX launch-control hash: any change refused, the same value allowed. */
	CHECK_EQ(vt_msr_write(0, MSR_SGX_LC1, 0xdead), NORTH_DECIDE_DENY_GP);
	CHECK_EQ(vt_msr_write(0, MSR_SGX_LC1, 0x1111222233334444ull), NORTH_DECIDE_EMULATE);
	CHECK_EQ(vtlp_violation_count(VTLP_CLASS_MSR), 3);
	CHECK_EQ(vt_lines("rule=MISC_ENABLE-pinned"), 1);
	CHECK_EQ(vt_lines("rule=TSC_AUX-pinned"), 1);
	CHECK_EQ(vt_lines("msr=0x8d attempted=0xdead"), 1); /* (test sink cuts long lines) */
}

TEST(vtlp_lock_regs_twice_keeps_first_snapshot)
{
	const uint64_t evil = 0xffffffffc0de0000ull;

	vt_setup();
	CHECK_EQ_INT(vt_call(LR, 0, 0, 0), 0);
	CHECK_EQ(fake_south.vp[0].icpt_installs, 1);
	/* However VTL0 got LSTAR changed (an audited class, a model bug), a
	 * second LOCK_REGS must not make the new value the pinned one. */
	fake_south.vp[0].regs[NORTH_REG_LSTAR].value = evil;
	CHECK_EQ_INT(vt_call(LR, 0, 0, 0), 0);
	CHECK_EQ(vt_lines("already pinned"), 1);
	CHECK_EQ(vt_msr_write(0, 0xC0000082, evil), NORTH_DECIDE_DENY_GP);
}

/* RT6: VP 1 never ran LOCK_REGS; end of boot came; now it enters VTL1. */
static void late_vp_setup(void)
{
	vt_setup();
	CHECK_EQ_INT(vt_call(LR, 0, 0, 0), 0);
	CHECK_EQ_INT(vt_call(EOB, 0, 0, 0), 0);
	/* What a hostile VP 1 did before its first call. */
	fake_south.vp[1].regs[NORTH_REG_CR0].value &= ~CR0_WP;
	fake_south.vp[1].regs[NORTH_REG_CR4].value &= ~(CR4_SMEP | CR4_SMAP);
	fake_south.vp[1].regs[NORTH_REG_LSTAR].value = 0x1000;
	fake_south.vp[1].regs[NORTH_REG_GDTR].value = 0xfffffe0000002000ull;
}

TEST(vtlp_late_vp_is_pinned_from_boot_snapshot)
{
	const struct fake_vp *b = &fake_south.vp[0], *l = &fake_south.vp[1];

	late_vp_setup();
	CHECK_EQ(l->icpt_installs, 0);
	/* Its first call: served, but only after VP 1 is pinned. */
	CHECK(vtlp_vtl_call(1, VTLGUARD_CALL_GET_VIOLATIONS, T_BUF, 4096, 0) >= 0);
	CHECK_EQ(l->icpt_installs, 1);
	CHECK_EQ(l->icpt_classes, b->icpt_classes);
	/* Every pinned bit forced back to the boot CPU's value. */
	CHECK(l->regs[NORTH_REG_CR0].value & CR0_WP);
	CHECK_EQ(l->regs[NORTH_REG_CR4].value & (CR4_SMEP | CR4_SMAP), CR4_SMEP | CR4_SMAP);
	CHECK_EQ(l->regs[NORTH_REG_LSTAR].value, b->regs[NORTH_REG_LSTAR].value);
	CHECK_EQ(vt_lines("rule=CR0-late-vp-forced"), 1);
	CHECK_EQ(vt_lines("rule=CR4-late-vp-forced"), 1);
	CHECK_EQ(vt_lines("rule=LSTAR-late-vp-forced"), 1);
	CHECK_EQ(vt_lines("pinned from VP 0's LOCK_REGS snapshot (3 registers forced back)"), 1);
	/* From now on VP 1 is pinned like every other VP ... */
	CHECK_EQ(vt_reg_write(1, NORTH_REG_CR0, l->regs[NORTH_REG_CR0].value & ~CR0_WP),
		 NORTH_DECIDE_DENY_GP);
	CHECK_EQ(vt_msr_write(1, 0xC0000082, 0x1000), NORTH_DECIDE_DENY_GP);
	CHECK_EQ(vt_lines("rule=CR0-pinned"), 1);
	/* ... its own descriptor tables are the locked ones ... */
	CHECK_EQ(vt_reg_write(1, NORTH_REG_GDTR, 0), NORTH_DECIDE_DENY_GP);
	/* ... and it is pinned once (no second install, no LOCK_REGS). */
	CHECK_EQ_INT(vtlp_vtl_call(1, LR, 0, 0, 0), -EPERM);
	CHECK_EQ(l->icpt_installs, 1);
}

TEST(vtlp_late_vp_pinned_before_first_return)
{
	late_vp_setup();
	/* The South enters vtlp_serve() on the new CPU; its first
	 * north_next_event() returns to VTL0, so the pin must come first. */
	fake_south.cur_cpu = 1;
	CHECK_EQ_INT(vtlp_serve(), -ENODATA);
	fake_south.cur_cpu = 0;
	CHECK_EQ(fake_south.vp[1].icpt_installs, 1);
	CHECK(fake_south.vp[1].regs[NORTH_REG_CR0].value & CR0_WP);
	/* An intercept as a late VP's first entry pins it too. */
	late_vp_setup();
	fake_push_mem(1, T_TEXT, NORTH_ACCESS_WRITE, T_RIP0);
	CHECK_EQ_INT(vtlp_serve(), -ENODATA);
	CHECK_EQ(fake_south.vp[1].icpt_installs, 1);
}

TEST(vtlp_late_vp_that_cannot_be_pinned_is_refused)
{
	late_vp_setup();
	fake_south.fail_install = -EIO;
	CHECK_EQ_INT(vtlp_vtl_call(1, VTLGUARD_CALL_GET_VIOLATIONS, T_BUF, 4096, 0), -EIO);
	CHECK_EQ(vt_lines("rule=late-VP-unpinned:EIO"), 1);
	CHECK_EQ(vt_lines("cannot be pinned"), 1);
	fake_south.fail_install = 0;
	/* Once the platform lets it be pinned, it is served. */
	CHECK(vtlp_vtl_call(1, VTLGUARD_CALL_GET_VIOLATIONS, T_BUF, 4096, 0) >= 0);
	CHECK_EQ(fake_south.vp[1].icpt_installs, 1);
}

TEST(vtlp_late_vp_audit_class_is_recorded_not_forced)
{
	CHECK_EQ_INT(pins_policy("audit"), 0);
	set_new_regs(0);
	set_new_regs(1);
	CHECK_EQ_INT(vt_call(LR, 0, 0, 0), 0);
	CHECK_EQ_INT(vt_call(EOB, 0, 0, 0), 0);
	fake_south.vp[1].regs[NORTH_REG_CR4].value &= ~CR4_SMEP;
	fake_south.vp[1].regs[NORTH_REG_TSC_AUX].value = 0x55;
	CHECK(vtlp_vtl_call(1, VTLGUARD_CALL_GET_VIOLATIONS, T_BUF, 4096, 0) >= 0);
	/* control-registers is audited: recorded, left as it is. */
	CHECK_EQ(fake_south.vp[1].regs[NORTH_REG_CR4].value & CR4_SMEP, 0);
	CHECK_EQ(vt_lines("rule=CR4-late-vp-audit"), 1);
	/* msrs is enforced: TSC_AUX forced to the boot value. */
	CHECK_EQ(fake_south.vp[1].regs[NORTH_REG_TSC_AUX].value, 0);
	CHECK_EQ(vt_lines("rule=TSC_AUX-late-vp-forced"), 1);
}

TEST(vtlp_late_vp_without_any_boot_pins_is_warned_once)
{
	vt_setup();
	CHECK_EQ_INT(vt_call(EOB, 0, 0, 0), 0);
	/* No VP ever ran LOCK_REGS: no trusted values, nothing to force; the
	 * boot chose this (docs/threat-model.md, time-of-boot trust). */
	CHECK(vtlp_vtl_call(1, VTLGUARD_CALL_GET_VIOLATIONS, T_BUF, 4096, 0) >= 0);
	CHECK(vtlp_vtl_call(1, VTLGUARD_CALL_GET_VIOLATIONS, T_BUF, 4096, 0) >= 0);
	CHECK_EQ(vt_lines("but no VP ever ran LOCK_REGS"), 1);
	CHECK_EQ(fake_south.vp[1].icpt_installs, 0);
}

/* A bad optional mask is an error like a bad required one (strict parser). */
TEST(vtlp_policy_new_pins_are_checked)
{
	static const char msrs[] = "lstar\0sgx-launch-contro"; /* typo */
	struct vtlp_policy pol;

	for (int bad = 0; bad < 2; bad++) {
		int err = fdt_create(blob, sizeof(blob));
		err |= fdt_finish_reservemap(blob);
		err |= fdt_begin_node(blob, "");
		err |= fdt_property_string(blob, "compatible", "vtlguard,policy-v1");
		err |= fdt_property_string(blob, "violation-action", "gp");
		err |= fdt_begin_node(blob, "classes");
		err |= fdt_property_string(blob, "memory", "enforce");
		err |= fdt_property_string(blob, "control-registers", "enforce");
		err |= fdt_property_string(blob, "msrs", "enforce");
		err |= fdt_property_string(blob, "descriptor-tables", "enforce");
		err |= fdt_end_node(blob);
		err |= fdt_begin_node(blob, "pinned");
		err |= fdt_property_u64(blob, "cr0-mask", 0x80010001ull);
		err |= fdt_property_u64(blob, "cr4-mask", 0x300000ull);
		if (bad == 0)
			err |= fdt_property_u32(blob, "xcr0-mask", 7); /* 32 bits: refused */
		else
			err |= fdt_property(blob, "msrs", msrs, sizeof(msrs));
		err |= fdt_end_node(blob);
		err |= fdt_end_node(blob);
		err |= fdt_finish(blob);
		CHECK_EQ_INT(err, 0);
		CHECK_EQ_INT(vtlp_policy_parse(blob, fdt_totalsize(blob), &pol), -EINVAL);
	}
	vt_setup(); /* reset the log capture */
	CHECK_EQ_INT(vtlp_policy_parse(blob, fdt_totalsize(blob), &pol), -EINVAL);
	CHECK_EQ(vt_lines("unknown MSR \"sgx-launch-contro\""), 1);
}
