// SPDX-License-Identifier: MIT
/* Fake South: see fake_south.h. */
#include <stdlib.h>
#include <string.h>

#include "core/errno.h"
#include "tests/north/fake_south.h"

struct fake_south fake_south;

void fake_release(void)
{
	free(fake_south.ram);
	fake_south.ram = NULL;
}

void fake_reset(void)
{
	uint8_t *ram = fake_south.ram;

	memset(&fake_south, 0, sizeof(fake_south));
	fake_south.ram = ram ? ram : malloc(FAKE_RAM_SIZE);
	if (!fake_south.ram)
		abort();
	memset(fake_south.ram, 0, FAKE_RAM_SIZE);
	memset(fake_south.perms, SOUTH_PROT_ALL, sizeof(fake_south.perms));
	fake_south.ncpus = 2;
	fake_south.nvtl1 = 1;
	fake_south.now = 1000;
	fake_south.phys_end = 1ull << 46; /* a MAXPHYADDR: nothing tighter known */
	for (unsigned int i = 0; i < FAKE_MAX_VPS; i++) {
		fake_south.vp[i].regs[NORTH_REG_CR0].value = 0x80050033;
		fake_south.vp[i].regs[NORTH_REG_CR4].value = 0x3606f0; /* SMEP|SMAP|PGE.. */
		fake_south.vp[i].regs[NORTH_REG_EFER].value = 0xd01;
		fake_south.vp[i].regs[NORTH_REG_LSTAR].value = 0xffffffff81a00000ull;
		fake_south.vp[i].regs[NORTH_REG_STAR].value = 0x0023001000000000ull;
		fake_south.vp[i].regs[NORTH_REG_GDTR].value = 0xfffffe0000001000ull;
		fake_south.vp[i].regs[NORTH_REG_GDTR].limit = 0x7f;
		fake_south.vp[i].regs[NORTH_REG_RIP].value = 0xffffffff81000000ull;
	}
}

uint8_t *fake_ram(uint64_t gpa)
{
	return fake_south.ram + gpa;
}

uint32_t fake_perm(uint64_t gpa)
{
	return fake_south.perms[gpa >> 12];
}

unsigned int south_cpu_count(void)
{
	return fake_south.ncpus;
}

unsigned int south_current_cpu(void)
{
	return fake_south.cur_cpu;
}

size_t south_vtl1_ranges(struct south_range *out, size_t max)
{
	for (size_t i = 0; i < fake_south.nvtl1 && i < max; i++) {
		/* Range 0 is the real one; extra ones are 4 KiB each above it. */
		out[i].start = i ? FAKE_VTL1_END + i * 0x10000 : FAKE_VTL1_START;
		out[i].end = i ? out[i].start + 0x1000 : FAKE_VTL1_END;
	}
	return fake_south.nvtl1;
}

uint64_t south_vtl0_phys_end(void)
{
	uint64_t end = fake_south.phys_end;

	if (fake_south.nlim && fake_south.lim[fake_south.nlim - 1].end < end)
		end = fake_south.lim[fake_south.nlim - 1].end;
	return end;
}

bool south_vtl0_map_known(void)
{
	return !fake_south.map_unknown || fake_south.nlim;
}

int south_limit_vtl0_ram(const struct south_range *r, size_t n)
{
	if (fake_south.nlim)
		return -EPERM;
	if (n == 0 || n > SOUTH_MAX_VTL0_RAM)
		return -EINVAL;
	memcpy(fake_south.lim, r, n * sizeof(*r));
	fake_south.nlim = n;
	return 0;
}

/* Inside the policy's vtl0-ram ranges (when set), like the LVBS South. */
static bool in_limits(uint64_t gpa, uint64_t len)
{
	if (!fake_south.nlim)
		return true;
	for (size_t i = 0; i < fake_south.nlim; i++)
		if (gpa >= fake_south.lim[i].start && gpa < fake_south.lim[i].end &&
		    len <= fake_south.lim[i].end - gpa)
			return true;
	return false;
}

static bool in_ram(uint64_t gpa, size_t len)
{
	return gpa <= FAKE_RAM_SIZE && len <= FAKE_RAM_SIZE - gpa && in_limits(gpa, len);
}

/* The real South never maps VTL1 memory for VTL0 copies: model that too. */
static bool hits_vtl1(uint64_t gpa, size_t len)
{
	return gpa < FAKE_VTL1_END && gpa + len > FAKE_VTL1_START;
}

int south_vtl0_read(uint64_t gpa, void *dst, size_t len)
{
	if (!in_ram(gpa, len) || hits_vtl1(gpa, len))
		return -EFAULT;
	__atomic_fetch_add(&fake_south.reads, 1, __ATOMIC_RELAXED);
	memcpy(dst, fake_south.ram + gpa, len);
	return 0;
}

int south_vtl0_write(uint64_t gpa, const void *src, size_t len)
{
	if (!in_ram(gpa, len) || hits_vtl1(gpa, len))
		return -EFAULT;
	__atomic_fetch_add(&fake_south.writes, 1, __ATOMIC_RELAXED);
	memcpy(fake_south.ram + gpa, src, len);
	return 0;
}

int south_set_vtl0_protection(uint32_t perms, const uint64_t *gpfns, size_t count)
{
	if (count == 0 || count > SOUTH_MAX_GPFNS_PER_CALL || (perms & ~SOUTH_PROT_ALL))
		return -EINVAL;
	fake_south.prot_calls++;
	if (fake_south.fail_prot_call && (int)fake_south.prot_calls == fake_south.fail_prot_call)
		return -EIO;
	if (count > fake_south.max_gpfns_seen)
		fake_south.max_gpfns_seen = count;
	for (size_t i = 0; i < count; i++) {
		if (gpfns[i] >= (FAKE_RAM_SIZE >> 12) || !in_limits(gpfns[i] << 12, 4096))
			return -EINVAL;
		fake_south.perms[gpfns[i]] = (uint8_t)perms;
		fake_south.prot_pages++;
	}
	return 0;
}

int south_get_vtl0_reg(unsigned int vp, enum north_reg reg, struct north_reg_val *out)
{
	if (vp >= fake_south.ncpus || (unsigned int)reg >= NORTH_REG_COUNT)
		return -EINVAL;
	if (fake_south.fail_get_reg)
		return fake_south.fail_get_reg;
	*out = fake_south.vp[vp].regs[reg];
	return 0;
}

int south_set_vtl0_reg(unsigned int vp, enum north_reg reg, const struct north_reg_val *val)
{
	if (vp >= fake_south.ncpus || (unsigned int)reg >= NORTH_REG_COUNT)
		return -EINVAL;
	fake_south.vp[vp].regs[reg] = *val;
	return 0;
}

int south_install_intercepts(unsigned int vp, uint64_t classes, uint64_t cr0_mask,
			     uint64_t cr4_mask, uint64_t misc_enable_mask)
{
	if (vp >= fake_south.ncpus || (classes & ~(uint64_t)NORTH_ICPT_SUPPORTED))
		return -EINVAL;
	if (fake_south.fail_install)
		return fake_south.fail_install;
	fake_south.vp[vp].icpt_classes = classes;
	fake_south.vp[vp].cr0_mask = cr0_mask;
	fake_south.vp[vp].cr4_mask = cr4_mask;
	fake_south.vp[vp].misc_enable_mask = misc_enable_mask;
	fake_south.vp[vp].icpt_installs++;
	return 0;
}

int south_inject_exception(unsigned int vp, uint8_t vector, bool has_error_code,
			   uint32_t error_code)
{
	(void)has_error_code;
	(void)error_code;
	if (vp >= fake_south.ncpus || vector > 31)
		return -EINVAL;
	fake_south.vp[vp].exc_injected++;
	fake_south.vp[vp].last_vector = vector;
	return 0;
}

/* Apply the handler's answer the way a real South does. */
static void complete(const struct north_event *ev)
{
	struct fake_completion *c;
	struct fake_vp *v;

	if (ev->type == NORTH_EV_NONE || fake_south.ndone >= FAKE_MAX_EVENTS)
		return;
	c = &fake_south.done[fake_south.ndone++];
	c->type = ev->type;
	c->vp = ev->vp;
	c->result = ev->type == NORTH_EV_VTL_CALL ? ev->call.result : 0;
	c->decision = ev->decision;
	if (ev->type == NORTH_EV_VTL_CALL || ev->vp >= FAKE_MAX_VPS)
		return;
	v = &fake_south.vp[ev->vp];
	switch (ev->decision) {
	case NORTH_DECIDE_DENY_GP:
		v->gp_injected++;
		v->last_vector = 13;
		break;
	case NORTH_DECIDE_EMULATE:
		if (ev->type == NORTH_EV_REG_INTERCEPT) {
			v->regs[ev->reg.reg] = ev->reg.value;
			v->regs[NORTH_REG_RIP].value = ev->reg.rip + ev->reg.insn_len;
		} else if (ev->type == NORTH_EV_MSR_INTERCEPT) {
			if (ev->msr.reg != NORTH_REG_NONE)
				v->regs[ev->msr.reg].value = ev->msr.value;
			v->regs[NORTH_REG_RIP].value = ev->msr.rip + ev->msr.insn_len;
		} else {
			v->gp_injected++; /* EMULATE on memory: treated as DENY */
		}
		break;
	case NORTH_DECIDE_RETRY:
		break;
	}
}

int south_next_event(struct north_event *ev)
{
	complete(ev);
	if (fake_south.q_head == fake_south.q_tail) {
		ev->type = NORTH_EV_NONE;
		return -ENODATA;
	}
	*ev = fake_south.queue[fake_south.q_head++ % FAKE_MAX_EVENTS];
	fake_south.cur_cpu = ev->vp;
	ev->decision = NORTH_DECIDE_DENY_GP;
	if (ev->type == NORTH_EV_VTL_CALL)
		ev->call.result = -EINVAL;
	if (ev->vp < FAKE_MAX_VPS) {
		uint64_t rip = ev->type == NORTH_EV_REG_INTERCEPT ? ev->reg.rip :
			       ev->type == NORTH_EV_MSR_INTERCEPT ? ev->msr.rip :
			       ev->type == NORTH_EV_MEM_INTERCEPT ? ev->mem.rip :
			       fake_south.vp[ev->vp].regs[NORTH_REG_RIP].value;
		fake_south.vp[ev->vp].regs[NORTH_REG_RIP].value = rip;
	}
	return 0;
}

void fake_push_raw(const struct north_event *ev)
{
	if (fake_south.q_tail - fake_south.q_head >= FAKE_MAX_EVENTS)
		abort();
	fake_south.queue[fake_south.q_tail++ % FAKE_MAX_EVENTS] = *ev;
}

void fake_push_call(unsigned int vp, uint64_t id, uint64_t a0, uint64_t a1, uint64_t a2)
{
	struct north_event ev = { .type = NORTH_EV_VTL_CALL, .vp = vp };

	ev.call.id = id;
	ev.call.args[0] = a0;
	ev.call.args[1] = a1;
	ev.call.args[2] = a2;
	fake_push_raw(&ev);
}

void fake_push_reg(unsigned int vp, enum north_reg reg, uint64_t value, uint64_t rip,
		   uint8_t insn_len)
{
	struct north_event ev = { .type = NORTH_EV_REG_INTERCEPT, .vp = vp };

	ev.reg.reg = reg;
	ev.reg.value.value = value;
	ev.reg.rip = rip;
	ev.reg.insn_len = insn_len;
	fake_push_raw(&ev);
}

void fake_push_msr(unsigned int vp, uint32_t msr, uint64_t value, uint64_t rip,
		   uint8_t insn_len)
{
	struct north_event ev = { .type = NORTH_EV_MSR_INTERCEPT, .vp = vp };

	ev.msr.msr = msr;
	ev.msr.value = value;
	ev.msr.rip = rip;
	ev.msr.insn_len = insn_len;
	fake_push_raw(&ev);
}

void fake_push_mem(unsigned int vp, uint64_t gpa, enum north_access access, uint64_t rip)
{
	struct north_event ev = { .type = NORTH_EV_MEM_INTERCEPT, .vp = vp };

	ev.mem.gpa = gpa;
	ev.mem.gva = 0xffff888000000000ull + gpa;
	ev.mem.access = access;
	ev.mem.rip = rip;
	ev.mem.insn_len = 3;
	fake_push_raw(&ev);
}

int south_enable_aps_vtl(uint64_t arg0, uint64_t arg1, uint64_t arg2)
{
	(void)arg0;
	(void)arg1;
	(void)arg2;
	fake_south.enable_aps_calls++;
	return fake_south.aps_ret;
}

int south_boot_aps(uint64_t cpu_online_mask_pfn, uint64_t boot_signal_pfn, uint64_t arg2)
{
	(void)cpu_online_mask_pfn;
	(void)boot_signal_pfn;
	(void)arg2;
	fake_south.boot_aps_calls++;
	return fake_south.aps_ret;
}

uint64_t south_now(void)
{
	return fake_south.now;
}

uint64_t south_ticks_per_sec(void)
{
	return 1000000000ull;
}
