// SPDX-License-Identifier: MIT
/* Policy parsing: the built-in default and every rejection. */
#include <libfdt.h>
#include <string.h>

#include "tests/vtl_protect/vtlp_test.h"
#include "vtl_protect/policy.h"

int vt_policy_blob(void *buf, size_t size, const char *audit_class, const char *action,
		   uint32_t rate);

TEST(vtlp_policy_default_matches_lvbs)
{
	struct vtlp_policy p;
	uint64_t msrs = NORTH_ICPT(NORTH_REG_EFER) | NORTH_ICPT(NORTH_REG_STAR) |
			NORTH_ICPT(NORTH_REG_LSTAR) | NORTH_ICPT(NORTH_REG_CSTAR) |
			NORTH_ICPT(NORTH_REG_SFMASK) | NORTH_ICPT(NORTH_REG_APIC_BASE) |
			NORTH_ICPT(NORTH_REG_SYSENTER_CS) | NORTH_ICPT(NORTH_REG_SYSENTER_ESP) |
			NORTH_ICPT(NORTH_REG_SYSENTER_EIP);

	CHECK_EQ_INT(vtlp_policy_parse(NULL, 0, &p), 0);
	for (int c = 0; c < VTLP_P_COUNT; c++)
		CHECK_EQ(p.mode[c], VTLP_ENFORCE);
	CHECK_EQ(p.action, VTLP_ACTION_GP_REPORT);
	CHECK_EQ(p.report_rate, 10);
	CHECK_EQ(p.mask[NORTH_REG_CR0], VTLP_CR0_PIN_DEFAULT);
	CHECK_EQ(p.mask[NORTH_REG_CR4], VTLP_CR4_PIN_DEFAULT);
	CHECK_EQ(p.pinned_regs, msrs | NORTH_ICPT(NORTH_REG_CR0) | NORTH_ICPT(NORTH_REG_CR4));
	CHECK_EQ(p.mask[NORTH_REG_LSTAR], ~0ull);
	CHECK_EQ(p.mask[NORTH_REG_GDTR], 0);
}

TEST(vtlp_policy_custom_audit)
{
	static uint8_t blob[4096];
	struct vtlp_policy p;

	CHECK_EQ_INT(vt_policy_blob(blob, sizeof(blob), "control-registers", "gp", 50), 0);
	CHECK_EQ_INT(vtlp_policy_parse(blob, sizeof(blob), &p), 0);
	CHECK_EQ(p.mode[VTLP_P_CR], VTLP_AUDIT);
	CHECK_EQ(p.mode[VTLP_P_MSR], VTLP_ENFORCE);
	CHECK_EQ(p.action, VTLP_ACTION_GP);
	CHECK_EQ(p.report_rate, 50);
	/* And it works end to end: a CR violation is allowed but recorded. */
	CHECK_EQ_INT(vt_setup_policy(blob, sizeof(blob)), 0);
	CHECK_EQ_INT(vt_call(VSM_VTL_CALL_FUNC_ID_LOCK_REGS, 0, 0, 0), 0);
	fake_push_reg(0, NORTH_REG_CR4, 0, 0x1000, 3);
	CHECK_EQ_INT(vtlp_serve(), -ENODATA);
	CHECK_EQ(fake_south.done[0].decision, NORTH_DECIDE_EMULATE);
	CHECK_EQ(vtlp_violation_count(VTLP_CLASS_CR), 1);
}

/* Build a policy with one property of `node` replaced (value NULL: dropped). */
static int variant(void *buf, const char *node, const char *prop, const void *val, int len)
{
	static const char msrs[] = "efer\0lstar";
	int err = fdt_create(buf, 4096);

#define P(n, name, v, l)                                                          \
	do {                                                                        \
		if (!strcmp(node, n) && !strcmp(prop, name)) {                      \
			if (val)                                                    \
				err |= fdt_property(buf, name, val, len);           \
		} else {                                                            \
			err |= fdt_property(buf, name, v, l);                       \
		}                                                                   \
	} while (0)
	err |= fdt_finish_reservemap(buf);
	err |= fdt_begin_node(buf, "");
	P("/", "compatible", "vtlguard,policy-v1", 19);
	P("/", "violation-action", "gp-report", 10);
	if (!strcmp(node, "/") && !strcmp(prop, "extra"))
		err |= fdt_property(buf, "extra", val, len);
	if (strcmp(node, "/classes") || strcmp(prop, "*")) {
		const char *classes[] = { "memory", "control-registers", "msrs",
					  "descriptor-tables" };

		err |= fdt_begin_node(buf, "classes");
		for (int i = 0; i < 4; i++)
			P("/classes", classes[i], "enforce", 8);
		err |= fdt_end_node(buf);
	}
	err |= fdt_begin_node(buf, "pinned");
	{
		const uint8_t cr0[8] = { 0, 0, 0, 0, 0x80, 0x01, 0x00, 0x01 };
		const uint8_t cr4[8] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xde, 0x3f };

		P("/pinned", "cr0-mask", cr0, 8);
		P("/pinned", "cr4-mask", cr4, 8);
		P("/pinned", "msrs", msrs, (int)sizeof(msrs));
	}
	err |= fdt_end_node(buf);
	if (!strcmp(node, "/") && !strcmp(prop, "subnode")) {
		err |= fdt_begin_node(buf, "bogus");
		err |= fdt_end_node(buf);
	}
	err |= fdt_end_node(buf);
	err |= fdt_finish(buf);
#undef P
	return err;
}

static int parse_variant(const char *node, const char *prop, const void *val, int len)
{
	static uint8_t buf[4096];
	struct vtlp_policy p;

	CHECK_EQ_INT(variant(buf, node, prop, val, len), 0);
	return vtlp_policy_parse(buf, sizeof(buf), &p);
}

TEST(vtlp_policy_rejections)
{
	static const uint32_t zero = 0, big = 0x10270000; /* 10000, big-endian */
	static const uint8_t cr0_short[4] = { 0x80, 0x01, 0x00, 0x01 };
	static const uint8_t garbage[64] = { 0xd0, 0x0d, 0xfe, 0xed, 1, 2, 3 };
	struct vtlp_policy p;

	CHECK_EQ_INT(parse_variant("", "", NULL, 0), 0); /* the baseline parses */
	CHECK_EQ_INT(parse_variant("/", "compatible", "acme,policy", 12), -EINVAL);
	CHECK_EQ_INT(parse_variant("/", "violation-action", "kill", 5), -EINVAL);
	CHECK_EQ_INT(parse_variant("/", "violation-action", NULL, 0), -EINVAL);
	CHECK_EQ_INT(parse_variant("/", "violation-action", "gp\0gp", 6), -EINVAL);
	CHECK_EQ_INT(parse_variant("/", "extra", "x", 2), -EINVAL);
	CHECK_EQ_INT(parse_variant("/", "extra", &zero, 4), -EINVAL);
	CHECK_EQ_INT(parse_variant("/", "subnode", NULL, 0), -EINVAL);
	CHECK_EQ_INT(parse_variant("/classes", "memory", "maybe", 6), -EINVAL);
	CHECK_EQ_INT(parse_variant("/classes", "msrs", NULL, 0), -EINVAL);
	CHECK_EQ_INT(parse_variant("/classes", "*", NULL, 0), -EINVAL);
	CHECK_EQ_INT(parse_variant("/pinned", "cr0-mask", cr0_short, 4), -EINVAL);
	CHECK_EQ_INT(parse_variant("/pinned", "cr4-mask", NULL, 0), -EINVAL);
	CHECK_EQ_INT(parse_variant("/pinned", "msrs", "lstar\0tsc", 10), -EINVAL);
	CHECK_EQ_INT(parse_variant("/pinned", "msrs", "lstar", 5), -EINVAL); /* no NUL */
	CHECK_EQ_INT(parse_variant("/pinned", "msrs", NULL, 0), 0);           /* none pinned */
	{
		static uint8_t buf[4096];

		CHECK_EQ_INT(vt_policy_blob(buf, sizeof(buf), NULL, "gp", 1), 0);
		fdt_setprop_u32(buf, 0, "report-rate", 0);
		CHECK_EQ_INT(vtlp_policy_parse(buf, sizeof(buf), &p), -EINVAL);
		fdt_setprop(buf, 0, "report-rate", &big, 4);
		CHECK_EQ_INT(vtlp_policy_parse(buf, sizeof(buf), &p), -EINVAL);
		fdt_setprop_u32(buf, 0, "report-rate", 1000);
		CHECK_EQ_INT(vtlp_policy_parse(buf, sizeof(buf), &p), 0);
		/* Truncated blob. */
		CHECK_EQ_INT(vtlp_policy_parse(buf, fdt_totalsize(buf) - 8, &p), -EINVAL);
	}
	CHECK_EQ_INT(vtlp_policy_parse(garbage, sizeof(garbage), &p), -EINVAL);
	CHECK_EQ_INT(vtlp_policy_parse(garbage, 4, &p), -EINVAL);
}

TEST(vtlp_invalid_policy_refuses_to_start)
{
	static const uint8_t garbage[128] = { 1, 2, 3 };

	CHECK_EQ_INT(vt_setup_policy(garbage, sizeof(garbage)), -EINVAL);
	CHECK(vt_lines("refuses to start") == 1);
}
