// SPDX-License-Identifier: MIT
/*
 * LOCK_REGS and the intercepts it arms: pinned control registers and MSRs,
 * descriptor tables, and (here too) memory-protection intercepts.
 *
 * The rule for a pinned register: a write is allowed when every pinned bit
 * keeps its pinned value, i.e. (new & mask) == (pinned & mask).  Comparing
 * the masked new value with the *unmasked* pinned value (as one anchor
 * implementation does) refuses legitimate writes whenever an unpinned bit
 * was set at snapshot time (e.g. CR4.PGE during a TLB flush), so it is not
 * done here.
 */
#include "core/fmt.h"
#include "vtl_protect/internal.h"

static const enum north_reg dt_regs[] = {
	NORTH_REG_GDTR, NORTH_REG_IDTR, NORTH_REG_LDTR, NORTH_REG_TR,
};

static bool is_dt(enum north_reg r)
{
	return r == NORTH_REG_GDTR || r == NORTH_REG_IDTR || r == NORTH_REG_LDTR ||
	       r == NORTH_REG_TR;
}

/* Called with vtlp.lock held, before end of boot. */
int64_t vtlp_lock_regs(unsigned int vp)
{
	const struct vtlp_policy *pol = &vtlp.policy;
	struct vtlp_vp_state *s;
	uint64_t classes = pol->pinned_regs;
	int ret;

	if (vp >= VTLP_MAX_VPS || vp >= north_cpu_count())
		return -EINVAL;
	s = &vtlp.vp[vp];
	for (unsigned int r = 0; r < NORTH_REG_COUNT; r++) {
		if (!(pol->pinned_regs & NORTH_ICPT(r)))
			continue;
		ret = north_get_reg(vp, (enum north_reg)r, &s->pinned[r]);
		if (ret) {
			log_error("vtlp: LOCK_REGS: reading %s of VP %u failed: %s",
				  north_reg_name((enum north_reg)r), vp, errno_name(ret));
			return ret;
		}
	}
	for (size_t i = 0; i < ARRAY_SIZE(dt_regs); i++) {
		ret = north_get_reg(vp, dt_regs[i], &s->pinned[dt_regs[i]]);
		if (ret)
			return ret;
		classes |= NORTH_ICPT(dt_regs[i]);
	}
	ret = north_install_intercepts(vp, classes, pol->mask[NORTH_REG_CR0],
				       pol->mask[NORTH_REG_CR4]);
	if (ret) {
		log_error("vtlp: LOCK_REGS: installing intercepts on VP %u failed: %s", vp,
			  errno_name(ret));
		return ret;
	}
	s->locked = true;
	vtlp_measure(VTLP_MEASURE_LOCK_REGS, vp, classes, s->pinned, sizeof(s->pinned));
	log_info("vtlp: LOCK_REGS: VP %u pinned (CR0 %#llx CR4 %#llx EFER %#llx LSTAR %#llx)",
		 vp, (unsigned long long)s->pinned[NORTH_REG_CR0].value,
		 (unsigned long long)s->pinned[NORTH_REG_CR4].value,
		 (unsigned long long)s->pinned[NORTH_REG_EFER].value,
		 (unsigned long long)s->pinned[NORTH_REG_LSTAR].value);
	return 0;
}

static enum vtlp_pclass pclass_of(enum north_reg r, bool msr)
{
	if (is_dt(r))
		return VTLP_P_DT;
	return msr || (r != NORTH_REG_CR0 && r != NORTH_REG_CR4 && r != NORTH_REG_XCR0) ?
		       VTLP_P_MSR : VTLP_P_CR;
}

/*
 * Judge a write of `val` to register `reg` on `vp`.  Returns the decision;
 * records a violation when the write breaks a pin.
 */
static enum north_decision judge(unsigned int vp, enum north_reg reg, bool msr,
				 uint32_t msr_nr, const struct north_reg_val *val, uint64_t rip)
{
	const struct vtlp_policy *pol = &vtlp.policy;
	struct vtlp_violation v = { .vp = vp, .rip = rip, .attempted = val->value };
	const struct vtlp_vp_state *s;
	enum vtlp_pclass pc;
	uint64_t pinned, mask;

	if (reg == NORTH_REG_NONE || vp >= VTLP_MAX_VPS) {
		/* Nothing here asked for this intercept: refuse, loudly. */
		v.cls = VTLP_CLASS_MSR;
		v.addr = msr_nr;
		v.denied = true;
		snprintk(v.rule, sizeof(v.rule), "unexpected-msr-%#x", msr_nr);
		vtlp_violation(&v);
		return NORTH_DECIDE_DENY_GP;
	}
	s = &vtlp.vp[vp];
	pc = pclass_of(reg, msr);
	v.cls = pc == VTLP_P_DT ? VTLP_CLASS_DT : pc == VTLP_P_CR ? VTLP_CLASS_CR : VTLP_CLASS_MSR;
	v.addr = msr ? msr_nr : (uint64_t)reg;
	if (!s->locked) {
		v.denied = true;
		snprintk(v.rule, sizeof(v.rule), "%s-before-lock", north_reg_name(reg));
		vtlp_violation(&v);
		return NORTH_DECIDE_DENY_GP;
	}
	if (pc == VTLP_P_DT) {
		v.expected = s->pinned[reg].value;
		v.denied = pol->mode[VTLP_P_DT] == VTLP_ENFORCE;
		snprintk(v.rule, sizeof(v.rule), "%s-locked", north_reg_name(reg));
		vtlp_violation(&v);
		return v.denied ? NORTH_DECIDE_DENY_GP : NORTH_DECIDE_EMULATE;
	}
	if (!(pol->pinned_regs & NORTH_ICPT(reg)))
		return NORTH_DECIDE_EMULATE; /* intercepted but not pinned */
	pinned = s->pinned[reg].value;
	mask = pol->mask[reg];
	if ((val->value & mask) == (pinned & mask))
		return NORTH_DECIDE_EMULATE;
	v.expected = pinned;
	v.mask = mask;
	v.denied = pol->mode[pc] == VTLP_ENFORCE;
	snprintk(v.rule, sizeof(v.rule), "%s-pinned", north_reg_name(reg));
	vtlp_violation(&v);
	return v.denied ? NORTH_DECIDE_DENY_GP : NORTH_DECIDE_EMULATE;
}

void vtlp_reg_intercept(struct north_event *ev)
{
	north_lock(&vtlp.lock);
	ev->decision = judge(ev->vp, ev->reg.reg, false, 0, &ev->reg.value, ev->reg.rip);
	north_unlock(&vtlp.lock);
}

void vtlp_msr_intercept(struct north_event *ev)
{
	struct north_reg_val val = { .value = ev->msr.value };

	north_lock(&vtlp.lock);
	ev->decision = judge(ev->vp, ev->msr.reg, true, ev->msr.msr, &val, ev->msr.rip);
	north_unlock(&vtlp.lock);
}

void vtlp_mem_intercept(struct north_event *ev)
{
	static const char *const acc[] = { "read", "write", "exec" };
	struct vtlp_violation v = {
		.vp = ev->vp, .rip = ev->mem.rip, .addr = ev->mem.gpa,
		.attempted = ev->mem.access, .denied = true,
	};
	const struct vtlp_prot *p;

	v.cls = ev->mem.access == NORTH_ACCESS_WRITE ? VTLP_CLASS_MEM_WRITE :
		ev->mem.access == NORTH_ACCESS_EXEC ? VTLP_CLASS_MEM_EXEC :
		VTLP_CLASS_MEM_READ;
	ev->decision = NORTH_DECIDE_DENY_GP;
	north_lock(&vtlp.lock);
	p = vtlp_prot_find(ev->mem.gpa);
	if (!p) {
		/* Not ours: VTL1 memory, or a page the South restricts. */
		snprintk(v.rule, sizeof(v.rule), "%s-%s",
			 north_touches_vtl1(ev->mem.gpa, 1) ? "vtl1-memory" : "unprotected",
			 acc[ev->mem.access]);
		north_unlock(&vtlp.lock);
		vtlp_violation(&v);
		return;
	}
	v.expected = p->attr;
	snprintk(v.rule, sizeof(v.rule), "%s%s-%s", p->owner == VTLP_OWNER_RING ? "ring-" : "",
		 p->attr & HEKI_ATTR_MEM_IMMUTABLE ? "immutable" : "protected",
		 acc[ev->mem.access]);
	if (vtlp.policy.mode[VTLP_P_MEMORY] == VTLP_AUDIT && p->owner != VTLP_OWNER_RING) {
		/* Audit: open up this page as far as the access needs, retry. */
		struct vtlp_range r = {
			.pa = ALIGN_DOWN(ev->mem.gpa, PAGE_SIZE),
			.epa = ALIGN_DOWN(ev->mem.gpa, PAGE_SIZE) + PAGE_SIZE,
			.attr = (p->attr | HEKI_ATTR_MEM_R |
				 (ev->mem.access == NORTH_ACCESS_WRITE ? HEKI_ATTR_MEM_W : 0) |
				 (ev->mem.access == NORTH_ACCESS_EXEC ? HEKI_ATTR_MEM_X : 0)) &
				~HEKI_ATTR_MEM_IMMUTABLE,
		};

		if (vtlp_prot_apply(&r, 1, p->owner, true) == 0) {
			v.denied = false;
			ev->decision = NORTH_DECIDE_RETRY;
		}
	}
	north_unlock(&vtlp.lock);
	vtlp_violation(&v);
}
