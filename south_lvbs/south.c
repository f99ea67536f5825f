// SPDX-License-Identifier: MIT
/*
 * The North API's South contract (north/south.h) over Hyper-V VSM.
 *
 * Each CPU runs one loop: VTL-return to VTL0, get re-entered by a VTL call or
 * an intercept, hand the event to the North layer, apply its answer, repeat.
 * VTL0's general registers are shared between the VTLs; they are captured at
 * every entry into lvbs_this_cpu()->gprs and written back on return, so VTL1
 * code never sees or clobbers them by accident.
 *
 * How the contract maps onto Hyper-V VSM:
 *   south_set_vtl0_protection  one HvCallModifyVtlProtectionMask rep call (the
 *                              hv/ layer re-issues it from reps completed),
 *                              TargetVtl = VTL1 (the VTL that owns the
 *                              protection), map flags = perms: SOUTH_PROT_*
 *                              equal HV_MAP_GPA_READABLE/WRITABLE/
 *                              KERNEL_EXECUTABLE/USER_EXECUTABLE.
 *   south_get/set_vtl0_reg     HvCallGet/SetVpRegisters with input VTL0;
 *                              GDTR/IDTR are table registers, LDTR/TR segment
 *                              registers (south_lvbs/regmap.c).
 *   south_install_intercepts   HV_X64_REGISTER_CR_INTERCEPT_CONTROL bits and
 *                              the CR0/CR4 (and, when pinned, IA32_MISC_ENABLE)
 *                              masks (VTL1's own registers).
 *   DENY_GP, inject_exception  HV_REGISTER_PENDING_EVENT0 of VTL0: pending,
 *                              type exception, vector, error code; RIP kept.
 *   EMULATE                    one SetVpRegisters: the value, then RIP +=
 *                              insn_len (XCR0: two calls, see emulate_write).
 *   south_next_event           VTL return (R8 = result for calls); entry
 *                              reason VTL call -> RDI/RSI/RDX/R8; reason
 *                              interrupt -> the SINT0 message, decoded,
 *                              consumed and EOM'd (hv/, regmap.c).
 */
#include <string.h>
#include "arch/x86_64/cpu.h"
#include "arch/x86_64/fpu.h"
#include "arch/x86_64/percpu.h"
#include "arch/x86_64/smp.h"
#include "core/compiler.h"
#include "core/cpu_table.h"
#include "core/errno.h"
#include "core/log.h"
#include "core/panic.h"
#include "hv/hv.h"
#include "north/south.h"
#include "south_lvbs/lvbs.h"
#include "south_lvbs/regmap.h"

__fastdata static struct lvbs_cpu lvbs_cpu_boot;
__fastdata static struct cpu_table lvbs_cpus = CPU_TABLE_INIT("VTL entry state", lvbs_cpu_boot);

int lvbs_cpus_alloc(unsigned int n)
{
	int r = arch_cpus_alloc(n);

	if (r == 0)
		r = hv_cpus_alloc(n);
	if (r == 0)
		r = cpu_table_alloc(&lvbs_cpus, n);
	if (r == 0)
		log_info("per-CPU state for %u CPUs: %zu bytes of heap (arch %zu, hv %zu, "
			 "South %zu)", n, arch_cpus_heap_bytes() + hv_cpus_heap_bytes() +
			 cpu_table_heap_bytes(&lvbs_cpus), arch_cpus_heap_bytes(),
			 hv_cpus_heap_bytes(), cpu_table_heap_bytes(&lvbs_cpus));
	return r;
}

__fastpath
struct lvbs_cpu *lvbs_cpu_of(unsigned int cpu)
{
	return cpu_table_get(&lvbs_cpus, cpu);
}

/* The calling CPU's entry: it runs VTL1, so arch_prepare_ap found its
 * block, which the same count sized. */
__fastpath
struct lvbs_cpu *lvbs_this_cpu(void)
{
	struct lvbs_cpu *c = lvbs_cpu_of(this_cpu_id());

	BUG_ON(!c);
	return c;
}
__fastdata static uint64_t tsc_hz;

__fastpath
unsigned int south_cpu_count(void)
{
	return lvbs_boot.possible_cpus;
}

__fastpath
unsigned int south_current_cpu(void)
{
	return this_cpu_id();
}

size_t south_vtl1_ranges(struct south_range *out, size_t max)
{
	/* The whole region: image, special pages, heap, stacks and every page
	 * hv/ allocated come from it. */
	if (max >= 1) {
		out[0].start = lvbs_boot.vtl1_start;
		out[0].end = lvbs_boot.vtl1_end;
	}
	return 1;
}

/*
 * The policy's vtl0-ram (docs/policy.md): V4 passes no memory map, so the
 * operator may name VTL0's RAM.  Empty: only ram_end bounds VTL0 GPAs.
 */
static struct south_range vtl0_ram[SOUTH_MAX_VTL0_RAM];
__fastdata static size_t n_vtl0_ram;

uint64_t south_vtl0_phys_end(void)
{
	return lvbs_boot.ram_end;
}

bool south_vtl0_map_known(void)
{
	return lvbs_boot.gen != BOOT_GEN_V4 || n_vtl0_ram;
}

int south_limit_vtl0_ram(const struct south_range *r, size_t n)
{
	if (n_vtl0_ram)
		return -EPERM;
	if (n == 0 || n > SOUTH_MAX_VTL0_RAM)
		return -EINVAL;
	memcpy(vtl0_ram, r, n * sizeof(*r));
	n_vtl0_ram = n;
	/* Only ever lower the top: the boot information still bounds it. */
	if (r[n - 1].end < lvbs_boot.ram_end)
		lvbs_boot.ram_end = r[n - 1].end;
	log_info("VTL0 memory limited to %zu range(s) from the policy (vtl0-ram), top %#lx", n,
		 lvbs_boot.ram_end);
	return 0;
}

bool lvbs_vtl0_page_ok(uint64_t page)
{
	if (page >= lvbs_boot.ram_end)
		return false;
	if (page >= lvbs_boot.vtl1_start && page < lvbs_boot.vtl1_end)
		return false;
	if (!n_vtl0_ram)
		return true;
	for (size_t i = 0; i < n_vtl0_ram; i++)
		if (page >= vtl0_ram[i].start && page < vtl0_ram[i].end)
			return true;
	return false;
}

int south_vtl0_read(uint64_t gpa, void *dst, size_t len)
{
	return lvbs_window_copy(gpa, dst, len, false);
}

int south_vtl0_write(uint64_t gpa, const void *src, size_t len)
{
	return lvbs_window_copy(gpa, (void *)(uintptr_t)src, len, true);
}

int south_set_vtl0_protection(uint32_t perms, const uint64_t *gpfns, size_t count)
{
	size_t done = 0;
	int r;

	if (count == 0 || count > SOUTH_MAX_GPFNS_PER_CALL || (perms & ~SOUTH_PROT_ALL))
		return -EINVAL;
	for (size_t i = 0; i < count; i++) {
		uint64_t pa = gpfns[i] << PAGE_SHIFT;

		if (gpfns[i] >> (64 - PAGE_SHIFT) || !lvbs_vtl0_page_ok(pa))
			return -EINVAL;
	}
	/* SOUTH_PROT_* equal the HV_MAP_GPA_* flags (north/south.h). */
	r = hv_modify_vtl_protection_mask(LVBS_PROTECTION_TARGET, perms, gpfns, count, &done);
	if (r)
		log_error("ModifyVtlProtectionMask(%#x) failed after %zu of %zu pages: %d", perms,
			  done, count, r);
	return r ? -EIO : 0;
}

__fastpath
static int vp_ok(unsigned int vp)
{
	return vp < lvbs_boot.possible_cpus ? 0 : -EINVAL;
}

__fastpath
int south_get_vtl0_reg(unsigned int vp, enum north_reg reg, struct north_reg_val *out)
{
	uint32_t name = lvbs_hv_reg(reg);
	struct hv_u128 v;
	int r;

	if (vp_ok(vp) || !name)
		return -EINVAL;
	r = hv_get_vp_registers(vp == this_cpu_id() ? HV_VP_INDEX_SELF : vp,
				hv_input_vtl_of(HV_VTL0), 1, &name, &v);
	if (r)
		return r;
	lvbs_reg_from_hv(reg, &v, out);
	return 0;
}

__fastpath
int south_set_vtl0_reg(unsigned int vp, enum north_reg reg, const struct north_reg_val *val)
{
	struct hv_register_assoc a;

	memset(&a, 0, sizeof(a));
	a.name = lvbs_hv_reg(reg);
	if (vp_ok(vp) || !a.name)
		return -EINVAL;
	lvbs_reg_to_hv(reg, val, &a.value);
	return hv_set_vp_registers(vp == this_cpu_id() ? HV_VP_INDEX_SELF : vp,
				   hv_input_vtl_of(HV_VTL0), 1, &a);
}

int south_install_intercepts(unsigned int vp, uint64_t classes, uint64_t cr0_mask,
			     uint64_t cr4_mask, uint64_t misc_enable_mask)
{
	struct hv_register_assoc a[4];
	int err;
	uint64_t ctl = lvbs_cr_intercept_control(classes, &err);

	if (err || vp_ok(vp))
		return -EINVAL;
	memset(a, 0, sizeof(a));
	/* Masks first, so the control word never enables a half-set filter. */
	a[0].name = HV_X64_REGISTER_CR_INTERCEPT_CR0_MASK;
	a[0].value.low_part = cr0_mask;
	a[1].name = HV_X64_REGISTER_CR_INTERCEPT_CR4_MASK;
	a[1].value.low_part = cr4_mask;
	a[2].name = HV_X64_REGISTER_CR_INTERCEPT_IA32_MISC_ENABLE_MASK;
	a[2].value.low_part = misc_enable_mask;
	a[3].name = HV_X64_REGISTER_CR_INTERCEPT_CONTROL;
	a[3].value.low_part = ctl;
	/* CR intercept registers are VTL1's own: they configure what VTL0 may do.
	 * The MISC_ENABLE mask is only sent when that intercept is wanted, so a
	 * hypervisor without the register still serves every other policy. */
	if (!(classes & NORTH_ICPT(NORTH_REG_MISC_ENABLE))) {
		a[2] = a[3];
		return hv_set_vp_registers(vp == this_cpu_id() ? HV_VP_INDEX_SELF : vp,
					   HV_INPUT_VTL_CURRENT, 3, a);
	}
	return hv_set_vp_registers(vp == this_cpu_id() ? HV_VP_INDEX_SELF : vp,
				   HV_INPUT_VTL_CURRENT, 4, a);
}

__fastpath
int south_inject_exception(unsigned int vp, uint8_t vector, bool has_error_code,
			   uint32_t error_code)
{
	struct hv_register_assoc a;

	if (vp_ok(vp) || vector > 31)
		return -EINVAL;
	memset(&a, 0, sizeof(a));
	a.name = HV_REGISTER_PENDING_EVENT0;
	a.value.low_part = lvbs_pending_exception(vector, has_error_code, error_code);
	return hv_set_vp_registers(vp == this_cpu_id() ? HV_VP_INDEX_SELF : vp,
				   hv_input_vtl_of(HV_VTL0), 1, &a);
}

/*
 * Write a register on behalf of VTL0 and step over the instruction: one
 * SetVpRegisters with two elements, the register then RIP.  The hypervisor
 * processes the elements in order and stops at the first it refuses, so a
 * refused value leaves RIP where it was (and complete() injects #GP), as
 * two calls did; it is one world switch fewer on every emulated write.
 */
__fastpath
static int emulate_write(unsigned int vp, enum north_reg reg, const struct north_reg_val *val,
			 uint64_t rip, uint8_t len)
{
	struct north_reg_val next = { .value = rip + len };
	struct hv_register_assoc a[2];

	/*
	 * XCR0 is shared between the VTLs and VTL1's exit path restores the
	 * XCR0 VTL0 had on entry (arch/x86_64/fpu.c): tell it about the new
	 * value, or the allowed XSETBV would be undone on the way out.  It
	 * checks the value against what XSETBV accepts (VTL0 chose it), and
	 * only after the hypervisor took it, so it keeps its own two calls.
	 */
	if (reg == NORTH_REG_XCR0) {
		int r = south_set_vtl0_reg(vp, reg, val);

		if (r == 0)
			r = fpu_set_guest_xcr0(val->value);
		if (r == 0)
			r = south_set_vtl0_reg(vp, NORTH_REG_RIP, &next);
		return r;
	}
	memset(a, 0, sizeof(a));
	a[0].name = lvbs_hv_reg(reg);
	a[1].name = lvbs_hv_reg(NORTH_REG_RIP);
	if (vp_ok(vp) || !a[0].name || !a[1].name)
		return -EINVAL;
	lvbs_reg_to_hv(reg, val, &a[0].value);
	lvbs_reg_to_hv(NORTH_REG_RIP, &next, &a[1].value);
	return hv_set_vp_registers(vp == this_cpu_id() ? HV_VP_INDEX_SELF : vp,
				   hv_input_vtl_of(HV_VTL0), 2, a);
}

__fastpath
static void complete(struct north_event *ev, struct lvbs_cpu *c)
{
	unsigned int vp = this_cpu_id();
	int r = 0;

	switch (ev->type) {
	case NORTH_EV_VTL_CALL:
		c->gprs.r8 = (uint64_t)ev->call.result;
		return;
	case NORTH_EV_NONE:
	case NORTH_EV_COUNT:
		return;
	case NORTH_EV_MEM_INTERCEPT:
		if (ev->decision == NORTH_DECIDE_RETRY)
			return;
		break; /* EMULATE on memory is DENY (south.h) */
	case NORTH_EV_REG_INTERCEPT:
		if (ev->decision == NORTH_DECIDE_EMULATE) {
			r = emulate_write(vp, ev->reg.reg, &ev->reg.value, ev->reg.rip,
					  ev->reg.insn_len);
			if (r == 0)
				return;
		} else if (ev->decision == NORTH_DECIDE_RETRY) {
			return;
		}
		break;
	case NORTH_EV_MSR_INTERCEPT:
		if (ev->decision == NORTH_DECIDE_EMULATE && ev->msr.reg != NORTH_REG_NONE) {
			struct north_reg_val v = { .value = ev->msr.value };

			r = emulate_write(vp, ev->msr.reg, &v, ev->msr.rip, ev->msr.insn_len);
			if (r == 0)
				return;
		} else if (ev->decision == NORTH_DECIDE_RETRY) {
			return;
		}
		break;
	}
	if (r)
		log_error("CPU %u: emulating VTL0's write failed (%d); injecting #GP instead", vp, r);
	r = south_inject_exception(vp, 13, true, 0);
	if (r)
		log_error("CPU %u: cannot inject #GP into VTL0: %d", vp, r);
}

__fastpath
uint32_t lvbs_vtl_return(struct lvbs_cpu *c)
{
	uint32_t reason;

	/* Restores VTL0's vector state if VTL1 used (and so saved) it and
	 * arms the lazy save for the next entry (arch/x86_64/fpu.h). */
	fpu_restore_guest();
	reason = hv_vtl_return(&c->gprs);
	return reason;
}

/* Drain SINT0: returns 0 with an event, or -ENOENT when nothing usable came. */
__fastpath
static int take_intercept(struct north_event *ev)
{
	struct hv_message m;
	const char *why = "";

	for (int i = 0; i < 16; i++) {
		int r = hv_synic_take_sint0(&m);

		if (r <= 0)
			return -ENOENT;
		r = lvbs_decode_message(&m, this_cpu_id(), ev, &why);
		if (r == 0)
			return 0;
		log_warn("CPU %u: SynIC message %#x ignored: %s", this_cpu_id(),
			 m.header.message_type, why);
	}
	return -ENOENT;
}

__fastpath
int south_next_event(struct north_event *ev)
{
	struct lvbs_cpu *c = lvbs_this_cpu();

	complete(ev, c);
	for (;;) {
		uint32_t reason = lvbs_vtl_return(c);

		c->entries++;
		if (reason == HV_VTL_ENTRY_REASON_VTL_CALL) {
			memset(ev, 0, sizeof(*ev));
			ev->type = NORTH_EV_VTL_CALL;
			ev->vp = this_cpu_id();
			ev->call.id = c->gprs.rdi;
			ev->call.args[0] = c->gprs.rsi;
			ev->call.args[1] = c->gprs.rdx;
			ev->call.args[2] = c->gprs.r8;
			ev->call.result = -EINVAL;
			return 0;
		}
		if (reason == HV_VTL_ENTRY_REASON_INTERRUPT ||
		    reason == HV_VTL_ENTRY_REASON_INTERCEPT) {
			if (take_intercept(ev) == 0)
				return 0;
			continue; /* nothing to do: VTL0 resumes where it was */
		}
		log_warn("CPU %u: VTL entry with unknown reason %u ignored", this_cpu_id(), reason);
	}
}

__fastpath
uint64_t south_now(void)
{
	return rdtsc();
}

__fastpath
uint64_t south_ticks_per_sec(void)
{
	if (!tsc_hz) {
		/* CPUID 0x15 when the CPU reports it; else a documented guess. */
		struct cpuid_regs r = cpuid(0, 0);

		tsc_hz = 2000000000ULL;
		if (r.eax >= 0x15) {
			struct cpuid_regs t = cpuid(0x15, 0);

			if (t.eax && t.ebx && t.ecx)
				tsc_hz = (uint64_t)t.ecx * t.ebx / t.eax;
		}
	}
	return tsc_hz;
}
