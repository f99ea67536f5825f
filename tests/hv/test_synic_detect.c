// SPDX-License-Identifier: MIT
/* SynIC message consumption and CPUID-based Hyper-V detection. */
#include <string.h>
#include "core/compiler.h"
#include "core/errno.h"
#include "core/log.h"
#include "hv/hv.h"
#include "tests/hv/fake_hv.h"
#include "tests/unit/unit.h"

static _Alignas(4096) struct hv_message_page sim;

static void post(unsigned int sint, uint32_t type, uint8_t size, bool pending)
{
	struct hv_message *m = &sim.sint_message[sint];

	memset(m, 0, sizeof(*m));
	m->header.message_type = type;
	m->header.payload_size = size;
	m->header.message_flags = hv_message_flags_set_msg_pending(0, pending ? 1 : 0);
	m->header.sender = 0x1122334455667788ULL;
	for (unsigned int i = 0; i < size && i < sizeof(m->payload); i++)
		m->payload[i] = (uint8_t)(i + 1);
}

TEST(hv_synic_empty_slot)
{
	struct hv_message out;

	hvfake_install();
	memset(&sim, 0, sizeof(sim));
	CHECK_EQ_INT(hv_synic_take_sint(&sim, 0, &out), 0);
	CHECK_EQ(hvfake.eom_writes, 0);
	hvfake_uninstall();
}

TEST(hv_synic_take_without_pending_no_eom)
{
	struct hv_message out;

	hvfake_install();
	memset(&sim, 0, sizeof(sim));
	post(0, HVMSG_X64_REGISTER_INTERCEPT, 64, false);
	CHECK_EQ_INT(hv_synic_take_sint(&sim, 0, &out), 1);
	CHECK_EQ(out.header.message_type, HVMSG_X64_REGISTER_INTERCEPT);
	CHECK_EQ(out.header.payload_size, 64);
	CHECK_EQ(out.header.sender, 0x1122334455667788ULL);
	CHECK_EQ(out.payload[0], 1);
	CHECK_EQ(out.payload[63], 64);
	CHECK_EQ(sim.sint_message[0].header.message_type, HVMSG_NONE); /* slot freed */
	CHECK_EQ(hvfake.eom_writes, 0);
	/* Taking again finds nothing. */
	CHECK_EQ_INT(hv_synic_take_sint(&sim, 0, &out), 0);
	CHECK_EQ(hvfake.eom_writes, 0);
	hvfake_uninstall();
}

TEST(hv_synic_take_with_pending_writes_eom_once)
{
	struct hv_message out;

	hvfake_install();
	memset(&sim, 0, sizeof(sim));
	post(0, HVMSG_GPA_INTERCEPT, 80, true);
	post(3, HVMSG_X64_MSR_INTERCEPT, 64, false);
	CHECK_EQ_INT(hv_synic_take_sint(&sim, 0, &out), 1);
	CHECK_EQ(out.header.message_type, HVMSG_GPA_INTERCEPT);
	CHECK_EQ(hvfake.eom_writes, 1);
	CHECK_EQ(sim.sint_message[0].header.message_type, HVMSG_NONE);
	/* Other slots are not touched. */
	CHECK_EQ(sim.sint_message[3].header.message_type, HVMSG_X64_MSR_INTERCEPT);
	CHECK_EQ_INT(hv_synic_take_sint(&sim, 3, &out), 1);
	CHECK_EQ(out.header.message_type, HVMSG_X64_MSR_INTERCEPT);
	CHECK_EQ(hvfake.eom_writes, 1);
	hvfake_uninstall();
}

TEST(hv_synic_bad_messages)
{
	struct hv_message out;

	hvfake_install();
	memset(&sim, 0, sizeof(sim));
	post(1, HVMSG_X64_MSR_INTERCEPT, 241, true); /* one byte too many */
	CHECK_EQ_INT(hv_synic_take_sint(&sim, 1, &out), -EBADMSG);
	CHECK_EQ(sim.sint_message[1].header.message_type, HVMSG_NONE); /* still freed */
	CHECK_EQ(hvfake.eom_writes, 1);                                   /* and delivery goes on */
	post(1, HVMSG_X64_MSR_INTERCEPT, 240, false);
	CHECK_EQ_INT(hv_synic_take_sint(&sim, 1, &out), 1);
	CHECK_EQ_INT(hv_synic_take_sint(&sim, HV_SYNIC_SINT_COUNT, &out), -EINVAL);
	CHECK_EQ_INT(hv_synic_take_sint(NULL, 0, &out), -EINVAL);
	hvfake_uninstall();
}

/* ------------------------------------------------------------- detection */

static char logbuf[4096];

static void capture(enum log_level lvl, const char *line, size_t len)
{
	size_t used = strlen(logbuf);

	(void)lvl;
	if (used + len + 2 < sizeof(logbuf)) {
		memcpy(logbuf + used, line, len);
		logbuf[used + len] = '\n';
		logbuf[used + len + 1] = 0;
	}
}

static struct hv_cpuid_view good_cpuid(void)
{
	struct hv_cpuid_view c;

	memset(&c, 0, sizeof(c));
	c.std1.ecx = HYPERV_CPUID_LEAF1_ECX_HYPERVISOR_PRESENT;
	c.vendor.eax = HYPERV_CPUID_IMPLEMENT_LIMITS;
	c.vendor.ebx = HYPERV_CPUID_SIGNATURE_EBX;
	c.vendor.ecx = HYPERV_CPUID_SIGNATURE_ECX;
	c.vendor.edx = HYPERV_CPUID_SIGNATURE_EDX;
	c.interface.eax = HYPERV_CPUID_INTERFACE_SIGNATURE;
	c.features.eax = HV_NEED_PRIV_EAX;
	c.features.ebx = HV_NEED_PRIV_EBX;
	return c;
}

static int detect(const struct hv_cpuid_view *c)
{
	struct hv_features f;
	int err;

	logbuf[0] = 0;
	log_add_sink(capture);
	err = hv_check_cpuid(c, HV_NEED_PRIV_EAX, HV_NEED_PRIV_EBX, &f);
	log_remove_sink(capture);
	return err;
}

TEST(hv_detect_accepts_hyperv_with_privileges)
{
	struct hv_cpuid_view c = good_cpuid();
	struct hv_features f;

	CHECK_EQ_INT(hv_check_cpuid(&c, HV_NEED_PRIV_EAX, HV_NEED_PRIV_EBX, &f), 0);
	CHECK_EQ(f.priv_ebx, HV_NEED_PRIV_EBX);
	CHECK_EQ(f.max_leaf, HYPERV_CPUID_IMPLEMENT_LIMITS);
}

TEST(hv_detect_rejects_and_names_what_is_missing)
{
	struct hv_cpuid_view c;

	c = good_cpuid();
	c.std1.ecx = 0;
	CHECK_EQ_INT(detect(&c), -ENODEV);
	CHECK(strstr(logbuf, "no hypervisor") != NULL);

	c = good_cpuid();
	c.vendor.ebx ^= 1; /* e.g. KVM */
	CHECK_EQ_INT(detect(&c), -ENODEV);
	CHECK(strstr(logbuf, "Microsoft Hv") != NULL);

	c = good_cpuid();
	c.interface.eax = 0;
	CHECK_EQ_INT(detect(&c), -ENODEV);
	CHECK(strstr(logbuf, "Hv#1") != NULL);

	c = good_cpuid();
	c.vendor.eax = HYPERV_CPUID_VERSION;
	CHECK_EQ_INT(detect(&c), -ENODEV);
	CHECK(strstr(logbuf, "max CPUID leaf") != NULL);

	static const struct {
		bool ebx;
		uint32_t mask;
		const char *name;
	} privs[] = {
		{ true, HV_CPUID_FEATURES_EBX_ACCESS_VSM_MASK, "AccessVsm" },
		{ true, HV_CPUID_FEATURES_EBX_ACCESS_VP_REGISTERS_MASK, "AccessVpRegisters" },
		{ true, HV_CPUID_FEATURES_EBX_START_VIRTUAL_PROCESSOR_MASK,
		  "StartVirtualProcessor" },
		{ false, HV_CPUID_FEATURES_EAX_ACCESS_SYNIC_REGS_MASK, "AccessSynicRegs" },
		{ false, HV_CPUID_FEATURES_EAX_ACCESS_HYPERCALL_MSRS_MASK, "AccessHypercallMsrs" },
		{ false, HV_CPUID_FEATURES_EAX_ACCESS_VP_INDEX_MASK, "AccessVpIndex" },
	};
	for (size_t i = 0; i < ARRAY_SIZE(privs); i++) {
		c = good_cpuid();
		if (privs[i].ebx)
			c.features.ebx &= ~privs[i].mask;
		else
			c.features.eax &= ~privs[i].mask;
		CHECK_EQ_INT(detect(&c), -ENODEV);
		if (!strstr(logbuf, privs[i].name))
			unit_fail(__FILE__, __LINE__, "missing %s not named: %s", privs[i].name,
				  logbuf);
	}

	/* Two missing: both named. */
	c = good_cpuid();
	c.features.ebx = 0;
	CHECK_EQ_INT(detect(&c), -ENODEV);
	CHECK(strstr(logbuf, "AccessVsm") && strstr(logbuf, "AccessVpRegisters"));
	CHECK(hv_privilege_name(true, 40) == NULL);
	CHECK(hv_privilege_name(true, 31) == NULL);
}
