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
 *
 * Each VP is pinned exactly once.  LOCK_REGS (before end of boot) snapshots
 * the VP's own values; a second LOCK_REGS on a locked VP keeps the first
 * snapshot.  A VP that first enters VTL1 after end of boot (enabled or
 * onlined late) can no longer call LOCK_REGS, so vtlp_pin_late_vp() pins it
 * from the boot CPU's snapshot before VTL1 returns to it: every pinned bit
 * is forced to the boot value (recorded as a violation when it differed),
 * and the descriptor tables are locked at the VP's own current values.
 */
#include <string.h>

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

	s = vtlp_vp(vp);
	if (!s)
		return -EINVAL;
	if (s->locked) {
		/* The pins are recorded once; a repeat must not replace them. */
		log_warn("vtlp: LOCK_REGS: VP %u is already pinned; the first snapshot stays", vp);
		return 0;
	}
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
				       pol->mask[NORTH_REG_CR4], pol->mask[NORTH_REG_MISC_ENABLE]);
	if (ret) {
		log_error("vtlp: LOCK_REGS: installing intercepts on VP %u failed: %s", vp,
			  errno_name(ret));
		return ret;
	}
	s->locked = true;
	if (!vtlp.have_boot_pins) {
		vtlp.have_boot_pins = true;
		vtlp.boot_pins_vp = vp;
	}
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

/* Record what happened to a late VP's register `r` (forced or audited). */
static void late_record(unsigned int vp, enum north_reg r, uint64_t cur, uint64_t want,
			uint64_t mask, bool forced)
{
	enum vtlp_pclass pc = pclass_of(r, false);
	struct vtlp_violation v = {
		.cls = pc == VTLP_P_CR ? VTLP_CLASS_CR : VTLP_CLASS_MSR, .vp = vp,
		.addr = (uint64_t)r, .attempted = cur, .expected = want, .mask = mask,
		.denied = forced,
	};
	struct north_reg_val rip;

	if (north_get_reg(vp, NORTH_REG_RIP, &rip) == 0)
		v.rip = rip.value;
	snprintk(v.rule, sizeof(v.rule), "%s-late-vp-%s", north_reg_name(r),
		 forced ? "forced" : "audit");
	vtlp_violation(&v);
}

/*
 * Called with vtlp.lock held, after end of boot, for a VP that is not
 * pinned.  Returns 0 once it is pinned; otherwise marks it refused.
 */
int vtlp_pin_late_vp(unsigned int vp)
{
	const struct vtlp_policy *pol = &vtlp.policy;
	const struct vtlp_vp_state *src;
	struct vtlp_vp_state *s;
	struct north_reg_val pinned[NORTH_REG_COUNT];
	uint64_t classes = pol->pinned_regs;
	unsigned int forced = 0;
	int ret = 0;

	s = vtlp_vp(vp);
	if (!s)
		return -EINVAL;
	if (s->locked)
		return 0;
	if (!vtlp.have_boot_pins) {
		/* No VP ever ran LOCK_REGS: the (trusted) boot chose to pin
		 * nothing, and end of boot said so.  There are no trusted values
		 * to copy, and the boot CPU is unpinned too: warn once. */
		if (!s->refused)
			log_warn("vtlp: VP %u entered VTL1 after end of boot, but no VP ever ran "
				 "LOCK_REGS: its registers are not pinned either", vp);
		s->refused = true; /* = warned; calls are still served */
		return 0;
	}
	src = &vtlp.vp[vtlp.boot_pins_vp];
	memset(pinned, 0, sizeof(pinned));
	for (unsigned int r = 0; r < NORTH_REG_COUNT && !ret; r++) {
		uint64_t mask = pol->mask[r], want;
		struct north_reg_val cur;

		if (!(classes & NORTH_ICPT(r)))
			continue;
		ret = north_get_reg(vp, (enum north_reg)r, &cur);
		if (ret)
			break;
		want = (cur.value & ~mask) | (src->pinned[r].value & mask);
		pinned[r] = cur;
		pinned[r].value = want;
		if (want == cur.value)
			continue;
		if (pol->mode[pclass_of((enum north_reg)r, false)] == VTLP_AUDIT) {
			late_record(vp, (enum north_reg)r, cur.value, want, mask, false);
			pinned[r].value = cur.value;
			continue;
		}
		ret = north_set_reg(vp, (enum north_reg)r, &pinned[r]);
		if (ret == 0) {
			late_record(vp, (enum north_reg)r, cur.value, want, mask, true);
			forced++;
		}
	}
	/* Descriptor tables are per CPU (each has its own GDT and TSS): lock
	 * the VP's own, as LOCK_REGS would have. */
	for (size_t i = 0; i < ARRAY_SIZE(dt_regs) && !ret; i++) {
		ret = north_get_reg(vp, dt_regs[i], &pinned[dt_regs[i]]);
		classes |= NORTH_ICPT(dt_regs[i]);
	}
	if (!ret)
		ret = north_install_intercepts(vp, classes, pol->mask[NORTH_REG_CR0],
					       pol->mask[NORTH_REG_CR4],
					       pol->mask[NORTH_REG_MISC_ENABLE]);
	if (ret) {
		if (!s->refused)
			log_error("vtlp: VP %u first entered VTL1 after end of boot and cannot be "
				  "pinned (%s); its calls are refused", vp, errno_name(ret));
		s->refused = true;
		return ret < 0 ? ret : -EIO;
	}
	memcpy(s->pinned, pinned, sizeof(pinned));
	s->locked = true;
	s->late = true;
	s->refused = false;
	vtlp_measure(VTLP_MEASURE_LOCK_REGS, vp, classes, s->pinned, sizeof(s->pinned));
	log_warn("vtlp: VP %u was not pinned at end of boot: pinned from VP %u's "
		 "LOCK_REGS snapshot (%u register%s forced back)", vp, vtlp.boot_pins_vp, forced,
		 forced == 1 ? "" : "s");
	return 0;
}

__fastpath
int vtlp_vp_entered(unsigned int vp)
{
	int ret = 0;

	if (!vtlp_end_of_boot_done() || !vtlp_vp(vp))
		return 0;
	if (__atomic_load_n(&vtlp.vp[vp].locked, __ATOMIC_ACQUIRE))
		return 0;
	north_lock(&vtlp.lock);
	if (!vtlp.vp[vp].locked)
		ret = vtlp_pin_late_vp(vp);
	north_unlock(&vtlp.lock);
	return ret;
}

/*
 * Judge a write of `val` to register `reg` on `vp`.  Returns the decision;
 * records a violation when the write breaks a pin.
 */
__fastpath
static enum north_decision judge(unsigned int vp, enum north_reg reg, bool msr,
				 uint32_t msr_nr, const struct north_reg_val *val, uint64_t rip)
{
	const struct vtlp_policy *pol = &vtlp.policy;
	struct vtlp_violation v = { .vp = vp, .rip = rip, .attempted = val->value };
	const struct vtlp_vp_state *s;
	enum vtlp_pclass pc;
	uint64_t pinned, mask;

	if (reg == NORTH_REG_NONE || !vtlp_vp(vp)) {
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

__fastpath
void vtlp_reg_intercept(struct north_event *ev)
{
	north_lock(&vtlp.lock);
	ev->decision = judge(ev->vp, ev->reg.reg, false, 0, &ev->reg.value, ev->reg.rip);
	north_unlock(&vtlp.lock);
}

__fastpath
void vtlp_msr_intercept(struct north_event *ev)
{
	struct north_reg_val val = { .value = ev->msr.value };

	north_lock(&vtlp.lock);
	ev->decision = judge(ev->vp, ev->msr.reg, true, ev->msr.msr, &val, ev->msr.rip);
	north_unlock(&vtlp.lock);
}

__fastpath
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

		/* A plain R|W page stays one the module paths may claim: audit
		 * must not make a later VALIDATE_MODULE fail (-EBUSY) where
		 * enforce lets it pass.  Text, rodata, IMMUTABLE and validated
		 * module pages keep their owner, so they stay unclaimable. */
		bool was_rw = p->owner == VTLP_OWNER_AUDIT_RW ||
			      p->attr == (HEKI_ATTR_MEM_R | HEKI_ATTR_MEM_W);
		uint32_t owner = was_rw ? VTLP_OWNER_AUDIT_RW : p->owner;

		if (vtlp_prot_apply(&r, 1, owner, true) == 0) {
			v.denied = false;
			ev->decision = NORTH_DECIDE_RETRY;
		}
	}
	north_unlock(&vtlp.lock);
	vtlp_violation(&v);
}
