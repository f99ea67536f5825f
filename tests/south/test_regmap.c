// SPDX-License-Identifier: MIT
#include "core/errno.h"
#include "north/north.h"
#include "south_lvbs/regmap.h"
#include "tests/unit/unit.h"

TEST(south_regmap_names_roundtrip)
{
	for (int r = 0; r < NORTH_REG_COUNT; r++) {
		uint32_t hv = lvbs_hv_reg((enum north_reg)r);

		CHECK(hv != 0);
		CHECK_EQ(lvbs_north_reg(hv), r);
	}
	CHECK_EQ(lvbs_hv_reg(NORTH_REG_CR4), HV_X64_REGISTER_CR4);
	CHECK_EQ(lvbs_north_reg(0x12345), NORTH_REG_NONE);
	CHECK_EQ(lvbs_north_reg_of_msr(0xC0000082), NORTH_REG_LSTAR);
	CHECK_EQ(lvbs_north_reg_of_msr(0x176), NORTH_REG_SYSENTER_EIP);
	CHECK_EQ(lvbs_north_reg_of_msr(0x10), NORTH_REG_NONE);
	CHECK_EQ(lvbs_hv_reg(NORTH_REG_XCR0), HV_X64_REGISTER_XFEM);
	CHECK_EQ(lvbs_hv_reg(NORTH_REG_MISC_ENABLE), 0x000800A0u);
	CHECK_EQ(lvbs_hv_reg(NORTH_REG_TSC_AUX), 0x0008007Bu);
	CHECK_EQ(lvbs_hv_reg(NORTH_REG_SGX_LC3), 0x00080083u);
	CHECK_EQ(lvbs_north_reg_of_msr(0x1A0), NORTH_REG_MISC_ENABLE);
	CHECK_EQ(lvbs_north_reg_of_msr(0xC0000103), NORTH_REG_TSC_AUX);
	CHECK_EQ(lvbs_north_reg_of_msr(0x8C), NORTH_REG_SGX_LC0);
	CHECK_EQ(lvbs_north_reg_of_msr(0x8F), NORTH_REG_SGX_LC3);
	/* The North layer's own MSR table agrees with the South's. */
	for (uint32_t msr = 0; msr < 0x400; msr++)
		CHECK_EQ(north_reg_from_msr(msr), lvbs_north_reg_of_msr(msr));
	for (uint32_t msr = 0xC0000080; msr < 0xC0000110; msr++)
		CHECK_EQ(north_reg_from_msr(msr), lvbs_north_reg_of_msr(msr));
}

TEST(south_regmap_intercept_control)
{
	int err;
	uint64_t v = lvbs_cr_intercept_control(NORTH_ICPT_SUPPORTED, &err);

	CHECK_EQ_INT(err, 0);
	/* Every TLFS write-intercept bit: the brief's 0,1,2,6,8,10,12,14..22
	 * plus IA32_MISC_ENABLE (4), TSC_AUX (23), SGX launch control (24). */
	CHECK_EQ(v, 0x1FFD557ULL);
	CHECK_EQ(lvbs_cr_intercept_control(NORTH_ICPT(NORTH_REG_XCR0), &err), 0x4);
	CHECK_EQ(lvbs_cr_intercept_control(NORTH_ICPT(NORTH_REG_MISC_ENABLE), &err), 0x10);
	CHECK_EQ(lvbs_cr_intercept_control(NORTH_ICPT(NORTH_REG_TSC_AUX), &err), 0x800000);
	CHECK_EQ(lvbs_cr_intercept_control(NORTH_ICPT(NORTH_REG_SGX_LC0) |
					   NORTH_ICPT(NORTH_REG_SGX_LC1) |
					   NORTH_ICPT(NORTH_REG_SGX_LC2) |
					   NORTH_ICPT(NORTH_REG_SGX_LC3), &err), 0x1000000);
	CHECK_EQ_INT(err, 0);
	/* One hypervisor bit for four MSRs: half a set is refused. */
	lvbs_cr_intercept_control(NORTH_ICPT(NORTH_REG_SGX_LC0), &err);
	CHECK_EQ_INT(err, -EINVAL);
	CHECK_EQ(lvbs_cr_intercept_control(NORTH_ICPT(NORTH_REG_CR4), &err), 0x2);
	lvbs_cr_intercept_control(NORTH_ICPT(NORTH_REG_RIP), &err);
	CHECK_EQ_INT(err, -EINVAL);
	lvbs_cr_intercept_control(1ULL << 60, &err);
	CHECK_EQ_INT(err, -EINVAL);
}

TEST(south_regmap_pending_exception)
{
	/* #GP(0): pending, type exception, deliver error code, vector 13. */
	CHECK_EQ(lvbs_pending_exception(13, true, 0), 0x000D0101ULL);
	CHECK_EQ(lvbs_pending_exception(14, true, 2), 0x00000002000E0101ULL);
	CHECK_EQ(lvbs_pending_exception(6, false, 99), 0x00060001ULL);
}

TEST(south_regmap_value_encoding)
{
	struct north_reg_val in = { .value = 0xffffffff81000000ULL, .limit = 0xfff,
				    .selector = 0x40, .attributes = 0x8b }, out;
	struct hv_u128 hv;

	lvbs_reg_to_hv(NORTH_REG_IDTR, &in, &hv);
	CHECK_EQ(hv.low_part, 0x0fffULL << 48);
	CHECK_EQ(hv.high_part, in.value);
	lvbs_reg_from_hv(NORTH_REG_IDTR, &hv, &out);
	CHECK_EQ(out.value, in.value);
	CHECK_EQ(out.limit, 0xfff);
	lvbs_reg_to_hv(NORTH_REG_TR, &in, &hv);
	lvbs_reg_from_hv(NORTH_REG_TR, &hv, &out);
	CHECK_EQ(out.selector, 0x40);
	CHECK_EQ(out.attributes, 0x8b);
	CHECK_EQ(out.limit, 0xfff);
	lvbs_reg_to_hv(NORTH_REG_CR0, &in, &hv);
	CHECK_EQ(hv.low_part, in.value);
	CHECK_EQ(hv.high_part, 0);
}

static struct hv_message msg(uint32_t type, uint8_t size)
{
	struct hv_message m;

	memset(&m, 0, sizeof(m));
	m.header.message_type = type;
	m.header.payload_size = size;
	return m;
}

TEST(south_regmap_decode_memory)
{
	struct hv_message m = msg(HVMSG_GPA_INTERCEPT, sizeof(struct hv_x64_memory_intercept_message));
	struct hv_x64_memory_intercept_message mi;
	struct north_event ev;
	const char *why = NULL;

	memset(&mi, 0, sizeof(mi));
	mi.header.vp_index = 1;
	mi.header.instruction_length = 3;
	mi.header.intercept_access_type = HV_INTERCEPT_ACCESS_WRITE;
	mi.header.rip = 0xffffffff81234567ULL;
	mi.guest_physical_address = 0x1234000;
	mi.guest_virtual_address = 0xffffffff81234000ULL;
	memcpy(m.payload, &mi, sizeof(mi));
	CHECK_EQ_INT(lvbs_decode_message(&m, 1, &ev, &why), 0);
	CHECK_EQ(ev.type, NORTH_EV_MEM_INTERCEPT);
	CHECK_EQ(ev.mem.gpa, 0x1234000);
	CHECK_EQ(ev.mem.access, NORTH_ACCESS_WRITE);
	CHECK_EQ(ev.mem.insn_len, 3);
	CHECK_EQ(ev.decision, NORTH_DECIDE_DENY_GP);
	/* Wrong VP, short payload, bad access type: refused. */
	CHECK_EQ_INT(lvbs_decode_message(&m, 0, &ev, &why), -EBADMSG);
	m.header.payload_size = 20;
	CHECK_EQ_INT(lvbs_decode_message(&m, 1, &ev, &why), -EBADMSG);
	m.header.payload_size = 255;
	CHECK_EQ_INT(lvbs_decode_message(&m, 1, &ev, &why), -EBADMSG);
	m.header.payload_size = sizeof(mi);
	mi.header.intercept_access_type = 7;
	memcpy(m.payload, &mi, sizeof(mi));
	CHECK_EQ_INT(lvbs_decode_message(&m, 1, &ev, &why), -EBADMSG);
}

TEST(south_regmap_decode_msr_and_register)
{
	struct hv_message m = msg(HVMSG_X64_MSR_INTERCEPT, sizeof(struct hv_x64_msr_intercept_message));
	struct hv_x64_msr_intercept_message mi;
	struct hv_x64_register_intercept_message ri;
	struct north_event ev;
	const char *why = NULL;

	memset(&mi, 0, sizeof(mi));
	mi.header.instruction_length = 2;
	mi.header.intercept_access_type = HV_INTERCEPT_ACCESS_WRITE;
	mi.msr_number = 0xC0000082;
	mi.rdx = 0xffffffff;
	mi.rax = 0xdeadbeef81000000ULL; /* only EAX counts */
	memcpy(m.payload, &mi, sizeof(mi));
	CHECK_EQ_INT(lvbs_decode_message(&m, 0, &ev, &why), 0);
	CHECK_EQ(ev.type, NORTH_EV_MSR_INTERCEPT);
	CHECK_EQ(ev.msr.value, 0xffffffff81000000ULL);
	CHECK_EQ(ev.msr.reg, NORTH_REG_LSTAR);
	mi.msr_number = 0xC0000103; /* TSC_AUX */
	memcpy(m.payload, &mi, sizeof(mi));
	CHECK_EQ_INT(lvbs_decode_message(&m, 0, &ev, &why), 0);
	CHECK_EQ(ev.msr.reg, NORTH_REG_TSC_AUX);
	mi.header.instruction_length = 0;
	memcpy(m.payload, &mi, sizeof(mi));
	CHECK_EQ_INT(lvbs_decode_message(&m, 0, &ev, &why), -EBADMSG);

	m = msg(HVMSG_X64_REGISTER_INTERCEPT, sizeof(ri));
	memset(&ri, 0, sizeof(ri));
	ri.header.instruction_length = 3;
	ri.register_name = HV_X64_REGISTER_CR4;
	ri.value.low_part = 0x6f0;
	memcpy(m.payload, &ri, sizeof(ri));
	/* A read intercept (never armed) is not a write to judge. */
	CHECK_EQ_INT(lvbs_decode_message(&m, 0, &ev, &why), -EBADMSG);
	ri.header.intercept_access_type = HV_INTERCEPT_ACCESS_WRITE;
	memcpy(m.payload, &ri, sizeof(ri));
	CHECK_EQ_INT(lvbs_decode_message(&m, 0, &ev, &why), 0);
	CHECK_EQ(ev.type, NORTH_EV_REG_INTERCEPT);
	CHECK_EQ(ev.reg.reg, NORTH_REG_CR4);
	CHECK_EQ(ev.reg.value.value, 0x6f0);
	/* XSETBV arrives as a register intercept naming XFEM (openvmm). */
	ri.register_name = HV_X64_REGISTER_XFEM;
	ri.value.low_part = 0x7;
	memcpy(m.payload, &ri, sizeof(ri));
	CHECK_EQ_INT(lvbs_decode_message(&m, 0, &ev, &why), 0);
	CHECK_EQ(ev.reg.reg, NORTH_REG_XCR0);
	CHECK_EQ(ev.reg.value.value, 0x7);
	ri.register_name = HV_X64_REGISTER_RIP;
	memcpy(m.payload, &ri, sizeof(ri));
	CHECK_EQ_INT(lvbs_decode_message(&m, 0, &ev, &why), -EBADMSG);
	m = msg(HVMSG_TIMER_EXPIRED, 16);
	CHECK_EQ_INT(lvbs_decode_message(&m, 0, &ev, &why), -ENOENT);
}
