// SPDX-License-Identifier: MIT
/* See fuzz_engine_events.h. */
#include <string.h>

#include "tests/fuzz/fuzz.h"
#include "tests/fuzz/fuzz_engine_events.h"
#include "vtl_protect/internal.h"

void fz_boot_kernel(void)
{
	struct heki_page_hdr h = { .next_va = 0, .next_pa = 0, .nranges = 3 };
	struct heki_range r[3] = {
		{ 0, FZ_TEXT, FZ_TEXT + 0x10000,
		  HEKI_ATTR_MEM_R | HEKI_ATTR_MEM_X | HEKI_ATTR_MEM_IMMUTABLE },
		{ 0, FZ_RODATA, FZ_RODATA + 0x10000, HEKI_ATTR_MEM_R },
		{ 0, FZ_DATA, FZ_DATA + 0x10000, HEKI_ATTR_MEM_R | HEKI_ATTR_MEM_W },
	};
	uint8_t page[sizeof(h) + sizeof(r)];
	int64_t ret;

	memcpy(page, &h, sizeof(h));
	memcpy(page + sizeof(h), r, sizeof(r));
	fz_place(page, sizeof(page));
	fz_set_step("boot PROTECT_MEMORY", false);
	ret = vtlp_vtl_call(0, VSM_VTL_CALL_FUNC_ID_PROTECT_MEMORY, FZ_BASE, 3, 0);
	FZ_ASSERT(ret == 0, "boot PROTECT_MEMORY failed: %lld", (long long)ret);
	for (unsigned int vp = 0; vp < 2; vp++) {
		fz_set_step("boot LOCK_REGS", false);
		ret = vtlp_vtl_call(vp, VSM_VTL_CALL_FUNC_ID_LOCK_REGS, 0, 0, 0);
		FZ_ASSERT(ret == 0, "boot LOCK_REGS on VP %u failed: %lld", vp, (long long)ret);
	}
	fz_set_step("boot END_OF_BOOT", false);
	ret = vtlp_vtl_call(0, VSM_VTL_CALL_FUNC_ID_SIGNAL_END_OF_BOOT, 0, 0, 0);
	FZ_ASSERT(ret == 0, "SIGNAL_END_OF_BOOT failed: %lld", (long long)ret);
	fz_check_memory();
}

static bool is_dt(enum north_reg r)
{
	return r == NORTH_REG_GDTR || r == NORTH_REG_IDTR || r == NORTH_REG_LDTR ||
	       r == NORTH_REG_TR;
}

static enum vtlp_mode reg_mode(enum north_reg r, bool msr)
{
	if (is_dt(r))
		return vtlp.policy.mode[VTLP_P_DT];
	if (!msr && (r == NORTH_REG_CR0 || r == NORTH_REG_CR4 || r == NORTH_REG_XCR0))
		return vtlp.policy.mode[VTLP_P_CR];
	return vtlp.policy.mode[VTLP_P_MSR];
}

/* A write to `reg` with `value` that the engine let through. */
static void check_allowed_write(unsigned int vp, enum north_reg reg, bool msr, uint64_t value)
{
	const struct vtlp_vp_state *s = &vtlp.vp[vp];
	uint64_t mask = vtlp.policy.mask[reg];

	FZ_ASSERT(reg != NORTH_REG_NONE, "EMULATE for an MSR the engine does not know");
	FZ_ASSERT(s->locked, "EMULATE for %s before LOCK_REGS", north_reg_name(reg));
	if (reg_mode(reg, msr) == VTLP_AUDIT)
		return;
	FZ_ASSERT(!is_dt(reg), "descriptor-table write to %s allowed in enforce mode",
		  north_reg_name(reg));
	if (vtlp.policy.pinned_regs & NORTH_ICPT(reg))
		FZ_ASSERT(((value ^ s->pinned[reg].value) & mask) == 0,
			  "write %#llx to %s changes pinned bits (pinned %#llx mask %#llx)",
			  (unsigned long long)value, north_reg_name(reg),
			  (unsigned long long)s->pinned[reg].value, (unsigned long long)mask);
}

void fz_event(struct north_event *ev)
{
	const struct vtlp_prot *p;
	uint64_t before_violations = 0;

	for (unsigned int c = 0; c < VTLP_CLASS_COUNT; c++)
		before_violations += vtlp_violation_count((enum vtlp_class)c);
	fz_set_step("intercept", false);
	vtlp_handle_event(ev);
	FZ_ASSERT((unsigned int)ev->decision <= NORTH_DECIDE_RETRY, "decision %d",
		  (int)ev->decision);
	switch (ev->type) {
	case NORTH_EV_MEM_INTERCEPT:
		FZ_ASSERT(ev->decision != NORTH_DECIDE_EMULATE, "EMULATE on a memory intercept");
		p = vtlp_prot_find(ev->mem.gpa);
		if (vtlp.policy.mode[VTLP_P_MEMORY] == VTLP_ENFORCE)
			FZ_ASSERT(ev->decision == NORTH_DECIDE_DENY_GP,
				  "memory intercept at %#llx not refused in enforce mode",
				  (unsigned long long)ev->mem.gpa);
		else if (north_touches_vtl1(ev->mem.gpa, 1))
			FZ_ASSERT(ev->decision == NORTH_DECIDE_DENY_GP && !p,
				  "audit mode opened VTL1 address %#llx",
				  (unsigned long long)ev->mem.gpa);
		break;
	case NORTH_EV_REG_INTERCEPT:
		if (ev->decision == NORTH_DECIDE_EMULATE)
			check_allowed_write(ev->vp, ev->reg.reg, false, ev->reg.value.value);
		FZ_ASSERT(ev->decision != NORTH_DECIDE_RETRY, "RETRY on a register intercept");
		break;
	case NORTH_EV_MSR_INTERCEPT:
		if (ev->decision == NORTH_DECIDE_EMULATE)
			check_allowed_write(ev->vp, ev->msr.reg, true, ev->msr.value);
		FZ_ASSERT(ev->decision != NORTH_DECIDE_RETRY, "RETRY on an MSR intercept");
		break;
	default:
		FZ_ASSERT(ev->decision == NORTH_DECIDE_DENY_GP, "unknown event not refused");
		break;
	}
	if (ev->decision == NORTH_DECIDE_DENY_GP && ev->type != NORTH_EV_NONE) {
		uint64_t after = 0;

		for (unsigned int c = 0; c < VTLP_CLASS_COUNT; c++)
			after += vtlp_violation_count((enum vtlp_class)c);
		FZ_ASSERT(after > before_violations, "a refused intercept left no violation record");
	}
	fz_check_map();
}
