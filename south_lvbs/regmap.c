// SPDX-License-Identifier: MIT
#include <string.h>
#include "arch/x86_64/cpu.h"
#include "core/compiler.h"
#include "core/errno.h"
#include "south_lvbs/regmap.h"

/* Architectural MSR numbers (Intel SDM vol. 4) not in arch/x86_64/cpu.h. */
#define MSR_IA32_MISC_ENABLE 0x000001A0u
#define MSR_TSC_AUX          0xC0000103u
#define MSR_SGXLEPUBKEYHASH0 0x0000008Cu /* ..3 = 0x8F */

/* One row per North register: its Hyper-V name, MSR, and intercept bit. */
static const struct {
	enum north_reg reg;
	uint32_t hv;
	uint32_t msr;        /* 0 if not an MSR */
	uint64_t icpt_bit;   /* CrInterceptControl write bit, 0 if none */
} map[] = {
	{ NORTH_REG_CR0, HV_X64_REGISTER_CR0, 0, HV_REGISTER_CR_INTERCEPT_CONTROL_CR0_WRITE_MASK },
	{ NORTH_REG_CR4, HV_X64_REGISTER_CR4, 0, HV_REGISTER_CR_INTERCEPT_CONTROL_CR4_WRITE_MASK },
	{ NORTH_REG_XCR0, HV_X64_REGISTER_XFEM, 0, HV_REGISTER_CR_INTERCEPT_CONTROL_XCR0_WRITE_MASK },
	{ NORTH_REG_CR3, HV_X64_REGISTER_CR3, 0, 0 },
	{ NORTH_REG_RIP, HV_X64_REGISTER_RIP, 0, 0 },
	{ NORTH_REG_EFER, HV_X64_REGISTER_EFER, MSR_EFER,
	  HV_REGISTER_CR_INTERCEPT_CONTROL_MSR_EFER_WRITE_MASK },
	{ NORTH_REG_STAR, HV_X64_REGISTER_STAR, MSR_STAR,
	  HV_REGISTER_CR_INTERCEPT_CONTROL_MSR_STAR_WRITE_MASK },
	{ NORTH_REG_LSTAR, HV_X64_REGISTER_LSTAR, MSR_LSTAR,
	  HV_REGISTER_CR_INTERCEPT_CONTROL_MSR_LSTAR_WRITE_MASK },
	{ NORTH_REG_CSTAR, HV_X64_REGISTER_CSTAR, MSR_CSTAR,
	  HV_REGISTER_CR_INTERCEPT_CONTROL_MSR_CSTAR_WRITE_MASK },
	{ NORTH_REG_SFMASK, HV_X64_REGISTER_SFMASK, MSR_SFMASK,
	  HV_REGISTER_CR_INTERCEPT_CONTROL_MSR_SFMASK_WRITE_MASK },
	{ NORTH_REG_APIC_BASE, HV_X64_REGISTER_APIC_BASE, MSR_APIC_BASE,
	  HV_REGISTER_CR_INTERCEPT_CONTROL_APIC_BASE_MSR_WRITE_MASK },
	{ NORTH_REG_SYSENTER_CS, HV_X64_REGISTER_SYSENTER_CS, MSR_SYSENTER_CS,
	  HV_REGISTER_CR_INTERCEPT_CONTROL_MSR_SYSENTER_CS_WRITE_MASK },
	{ NORTH_REG_SYSENTER_ESP, HV_X64_REGISTER_SYSENTER_ESP, MSR_SYSENTER_ESP,
	  HV_REGISTER_CR_INTERCEPT_CONTROL_MSR_SYSENTER_ESP_WRITE_MASK },
	{ NORTH_REG_SYSENTER_EIP, HV_X64_REGISTER_SYSENTER_EIP, MSR_SYSENTER_EIP,
	  HV_REGISTER_CR_INTERCEPT_CONTROL_MSR_SYSENTER_EIP_WRITE_MASK },
	{ NORTH_REG_GDTR, HV_X64_REGISTER_GDTR, 0, HV_REGISTER_CR_INTERCEPT_CONTROL_GDTR_WRITE_MASK },
	{ NORTH_REG_IDTR, HV_X64_REGISTER_IDTR, 0, HV_REGISTER_CR_INTERCEPT_CONTROL_IDTR_WRITE_MASK },
	{ NORTH_REG_LDTR, HV_X64_REGISTER_LDTR, 0, HV_REGISTER_CR_INTERCEPT_CONTROL_LDTR_WRITE_MASK },
	{ NORTH_REG_TR, HV_X64_REGISTER_TR, 0, HV_REGISTER_CR_INTERCEPT_CONTROL_TR_WRITE_MASK },
	{ NORTH_REG_MISC_ENABLE, HV_X64_REGISTER_MSR_IA32_MISC_ENABLE, MSR_IA32_MISC_ENABLE,
	  HV_REGISTER_CR_INTERCEPT_CONTROL_IA32_MISC_ENABLE_WRITE_MASK },
	{ NORTH_REG_TSC_AUX, HV_X64_REGISTER_TSC_AUX, MSR_TSC_AUX,
	  HV_REGISTER_CR_INTERCEPT_CONTROL_MSR_TSC_AUX_WRITE_MASK },
	/* One TLFS bit for the four launch-control MSRs (SGX_LC_ALL). */
	{ NORTH_REG_SGX_LC0, HV_X64_REGISTER_SGX_LAUNCH_CONTROL0, MSR_SGXLEPUBKEYHASH0,
	  HV_REGISTER_CR_INTERCEPT_CONTROL_MSR_SGX_LAUNCH_CONTROL_WRITE_MASK },
	{ NORTH_REG_SGX_LC1, HV_X64_REGISTER_SGX_LAUNCH_CONTROL1, MSR_SGXLEPUBKEYHASH0 + 1,
	  HV_REGISTER_CR_INTERCEPT_CONTROL_MSR_SGX_LAUNCH_CONTROL_WRITE_MASK },
	{ NORTH_REG_SGX_LC2, HV_X64_REGISTER_SGX_LAUNCH_CONTROL2, MSR_SGXLEPUBKEYHASH0 + 2,
	  HV_REGISTER_CR_INTERCEPT_CONTROL_MSR_SGX_LAUNCH_CONTROL_WRITE_MASK },
	{ NORTH_REG_SGX_LC3, HV_X64_REGISTER_SGX_LAUNCH_CONTROL3, MSR_SGXLEPUBKEYHASH0 + 3,
	  HV_REGISTER_CR_INTERCEPT_CONTROL_MSR_SGX_LAUNCH_CONTROL_WRITE_MASK },
};

/*
 * The four SGX launch-control registers share one CrInterceptControl bit, so
 * intercepting one intercepts all: a policy must pin all four or none, or an
 * "unpinned" sibling would trap with nothing to judge it by.
 */
#define SGX_LC_ALL                                                            \
	(NORTH_ICPT(NORTH_REG_SGX_LC0) | NORTH_ICPT(NORTH_REG_SGX_LC1) |     \
	 NORTH_ICPT(NORTH_REG_SGX_LC2) | NORTH_ICPT(NORTH_REG_SGX_LC3))

__fastpath
uint32_t lvbs_hv_reg(enum north_reg reg)
{
	for (unsigned int i = 0; i < ARRAY_SIZE(map); i++)
		if (map[i].reg == reg)
			return map[i].hv;
	return 0;
}

enum north_reg lvbs_north_reg(uint32_t hv_name)
{
	for (unsigned int i = 0; i < ARRAY_SIZE(map); i++)
		if (map[i].hv == hv_name)
			return map[i].reg;
	return NORTH_REG_NONE;
}

enum north_reg lvbs_north_reg_of_msr(uint32_t msr)
{
	for (unsigned int i = 0; i < ARRAY_SIZE(map); i++)
		if (map[i].msr && map[i].msr == msr)
			return map[i].reg;
	return NORTH_REG_NONE;
}

bool lvbs_reg_is_table(enum north_reg reg)
{
	return reg == NORTH_REG_GDTR || reg == NORTH_REG_IDTR;
}

bool lvbs_reg_is_segment(enum north_reg reg)
{
	return reg == NORTH_REG_LDTR || reg == NORTH_REG_TR;
}

__fastpath
void lvbs_reg_to_hv(enum north_reg reg, const struct north_reg_val *v, struct hv_u128 *out)
{
	memset(out, 0, sizeof(*out));
	if (lvbs_reg_is_table(reg)) {
		struct hv_x64_table_register t = { .limit = (uint16_t)v->limit, .base = v->value };

		memcpy(out, &t, sizeof(t));
	} else if (lvbs_reg_is_segment(reg)) {
		struct hv_x64_segment_register s = { .base = v->value, .limit = v->limit,
						     .selector = v->selector,
						     .attributes = v->attributes };

		memcpy(out, &s, sizeof(s));
	} else {
		out->low_part = v->value;
	}
}

__fastpath
void lvbs_reg_from_hv(enum north_reg reg, const struct hv_u128 *in, struct north_reg_val *v)
{
	memset(v, 0, sizeof(*v));
	if (lvbs_reg_is_table(reg)) {
		struct hv_x64_table_register t;

		memcpy(&t, in, sizeof(t));
		v->value = t.base;
		v->limit = t.limit;
	} else if (lvbs_reg_is_segment(reg)) {
		struct hv_x64_segment_register s;

		memcpy(&s, in, sizeof(s));
		v->value = s.base;
		v->limit = s.limit;
		v->selector = s.selector;
		v->attributes = s.attributes;
	} else {
		v->value = in->low_part;
	}
}

uint64_t lvbs_cr_intercept_control(uint64_t classes, int *err)
{
	uint64_t bits = 0;

	*err = 0;
	if ((classes & SGX_LC_ALL) && (classes & SGX_LC_ALL) != SGX_LC_ALL)
		*err = -EINVAL;
	for (unsigned int i = 0; i < ARRAY_SIZE(map); i++) {
		uint64_t c = NORTH_ICPT(map[i].reg);

		if (!(classes & c))
			continue;
		if (!map[i].icpt_bit) {
			*err = -EINVAL;
			continue;
		}
		bits |= map[i].icpt_bit;
		classes &= ~c;
	}
	if (classes)
		*err = -EINVAL;
	return bits;
}

__fastpath
uint64_t lvbs_pending_exception(uint8_t vector, bool has_error_code, uint32_t error_code)
{
	uint64_t v = 0;

	v = hv_x64_pending_exception_event_set_event_pending(v, 1);
	v = hv_x64_pending_exception_event_set_event_type(v, HV_X64_PENDING_EVENT_EXCEPTION);
	v = hv_x64_pending_exception_event_set_deliver_error_code(v, has_error_code);
	v = hv_x64_pending_exception_event_set_vector(v, vector);
	v = hv_x64_pending_exception_event_set_error_code(v, has_error_code ? error_code : 0);
	return v;
}

static int bad(const char **why, const char *msg)
{
	*why = msg;
	return -EBADMSG;
}

/* Header checks shared by every intercept message. */
static int check_header(const struct hv_message *m, size_t need, unsigned int vp,
			const struct hv_x64_intercept_message_header **h, uint8_t *len,
			const char **why)
{
	if (m->header.payload_size < need || m->header.payload_size > sizeof(m->payload))
		return bad(why, "payload shorter than its message type needs");
	*h = (const struct hv_x64_intercept_message_header *)(const void *)m->payload;
	if ((*h)->vp_index != vp)
		return bad(why, "intercept names another VP than the one it arrived on");
	*len = hv_x64_intercept_instruction_length_get_instruction_length((*h)->instruction_length);
	return 0;
}

__fastpath
int lvbs_decode_message(const struct hv_message *m, unsigned int vp, struct north_event *ev,
			const char **why)
{
	const struct hv_x64_intercept_message_header *h;
	uint8_t len;
	int r;

	memset(ev, 0, sizeof(*ev));
	ev->vp = vp;
	ev->decision = NORTH_DECIDE_DENY_GP;
	switch (m->header.message_type) {
	case HVMSG_GPA_INTERCEPT: {
		struct hv_x64_memory_intercept_message mi;

		r = check_header(m, sizeof(mi), vp, &h, &len, why);
		if (r)
			return r;
		memcpy(&mi, m->payload, sizeof(mi));
		if (mi.header.intercept_access_type > HV_INTERCEPT_ACCESS_EXECUTE)
			return bad(why, "memory intercept with an unknown access type");
		ev->type = NORTH_EV_MEM_INTERCEPT;
		ev->mem.gpa = mi.guest_physical_address;
		ev->mem.gva = mi.guest_virtual_address;
		ev->mem.rip = mi.header.rip;
		ev->mem.access = (enum north_access)mi.header.intercept_access_type;
		ev->mem.insn_len = len;
		ev->mem.cpl = (uint8_t)hv_x64_vp_execution_state_get_cpl(mi.header.execution_state);
		return 0;
	}
	case HVMSG_X64_MSR_INTERCEPT: {
		struct hv_x64_msr_intercept_message mi;

		r = check_header(m, sizeof(mi), vp, &h, &len, why);
		if (r)
			return r;
		memcpy(&mi, m->payload, sizeof(mi));
		if (mi.header.intercept_access_type != HV_INTERCEPT_ACCESS_WRITE)
			return bad(why, "MSR intercept that is not a write");
		if (len == 0)
			return bad(why, "MSR intercept with instruction length 0");
		ev->type = NORTH_EV_MSR_INTERCEPT;
		ev->msr.msr = mi.msr_number;
		ev->msr.value = (mi.rdx << 32) | (uint32_t)mi.rax;
		ev->msr.rip = mi.header.rip;
		ev->msr.insn_len = len;
		ev->msr.reg = lvbs_north_reg_of_msr(mi.msr_number);
		return 0;
	}
	case HVMSG_X64_REGISTER_INTERCEPT: {
		struct hv_x64_register_intercept_message ri;

		r = check_header(m, sizeof(ri), vp, &h, &len, why);
		if (r)
			return r;
		memcpy(&ri, m->payload, sizeof(ri));
		/* vtlguard arms write intercepts only; a read would be judged
		 * (and "carried out") as a write of whatever value it names. */
		if (ri.header.intercept_access_type != HV_INTERCEPT_ACCESS_WRITE)
			return bad(why, "register intercept that is not a write");
		ev->type = NORTH_EV_REG_INTERCEPT;
		ev->reg.reg = lvbs_north_reg(ri.register_name);
		if (ev->reg.reg == NORTH_REG_NONE || ev->reg.reg == NORTH_REG_RIP ||
		    ev->reg.reg == NORTH_REG_CR3)
			return bad(why, "register intercept for a register vtlguard never intercepts");
		if (len == 0)
			return bad(why, "register intercept with instruction length 0");
		lvbs_reg_from_hv(ev->reg.reg, &ri.value, &ev->reg.value);
		ev->reg.rip = ri.header.rip;
		ev->reg.insn_len = len;
		return 0;
	}
	default:
		*why = "message type vtlguard does not handle";
		return -ENOENT;
	}
}
