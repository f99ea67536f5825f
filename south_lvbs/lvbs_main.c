// SPDX-License-Identifier: MIT
/*
 * LVBS platform start, on the boot CPU, inside VTL0's first VTL call.
 *
 * Order (docs/boot-protocol.md): detect Hyper-V VSM; parse and check the boot
 * information; set up this CPU's hypercall, assist and SynIC pages; hide all
 * of VTL1's memory from VTL0 and lock VTL0's VP configuration; start the
 * policy engine; only then return to VTL0 (result 0 in R8) and serve calls.
 * If anything fails, VTL1 never serves a request: the boot call and every
 * later call return an error, so VTL0 can see it and nothing runs half set up.
 */
#include <string.h>
#include "core/compiler.h"
#include "arch/x86_64/cpu.h"
#include "arch/x86_64/fpu.h"
#include "arch/x86_64/percpu.h"
#include "arch/x86_64/smp.h"
#include "arch/x86_64/traps.h"
#include "core/errno.h"
#include "core/kmalloc.h"
#include "core/log.h"
#include "core/panic.h"
#include "hv/hv.h"
#include "north/south.h"
#include "south_lvbs/lvbs.h"
#include "south_lvbs/smoke.h"
#include "vtl_protect/modval/hooks.h"
#include "vtl_protect/vtlp.h"

__fastdata struct boot_info lvbs_boot;

/* SINT0 arrives while VTL1 waits in its VTL return; the message itself is
 * read from the SIM page by the event loop, so the vector has nothing to do. */
static void sint0_interrupt(struct trap_frame *f)
{
	(void)f;
}

/* Answer the pending VTL call with err, and every later one with -ENODEV
 * (the line says both, so an operator reading a later -19 knows why). */
static __attribute__((noreturn)) void refuse_forever(int err)
{
	struct lvbs_cpu *c = lvbs_this_cpu();

	if (err == -ENODEV)
		log_error("vtlguard is NOT protecting this system: every VTL call returns %d (%s)",
			  err, errno_name(err));
	else
		log_error("vtlguard is NOT protecting this system: this VTL call returns %d (%s), "
			  "every later one %d (%s)", err, errno_name(err), -ENODEV,
			  errno_name(-ENODEV));
	for (;;) {
		c->gprs.r8 = (uint64_t)(int64_t)err;
		if (lvbs_vtl_return(c) == HV_VTL_ENTRY_REASON_RESERVED)
			halt_forever(); /* cannot even return to VTL0 */
		err = -ENODEV;
	}
}

static int start_policy(void)
{
	void *buf = NULL;
	int r;

	if (lvbs_boot.policy_pa) {
		buf = kmalloc(lvbs_boot.policy_len);
		if (!buf)
			return -ENOMEM;
		r = lvbs_vtl0_access(lvbs_boot.policy_pa, buf, lvbs_boot.policy_len, false);
		if (r) {
			log_error("cannot read the policy DTB at %#lx+%#lx from VTL0: %d",
				  lvbs_boot.policy_pa, lvbs_boot.policy_len, r);
			kfree(buf);
			return r;
		}
	}
	r = vtlp_init(buf, buf ? lvbs_boot.policy_len : 0);
	kfree(buf); /* the engine keeps what it needs */
	if (r == 0) {
		modval_hooks_install(); /* VALIDATE_MODULE, KEXEC_VALIDATE, ... */
		lvbs_set_vtl0_write_policy(vtlp_vtl0_write_allowed);
	}
	return r;
}

__attribute__((noreturn)) void lvbs_serve(void)
{
	int r = vtlp_serve();

	panic("policy engine stopped serving on CPU %u: %d", this_cpu_id(), r);
}

/* Top of guest-physical space (CPUID 0x80000008 MAXPHYADDR): V4 does not
 * say where partition memory ends, so this bounds VTL0 GPAs instead. */
static uint64_t phys_limit(void)
{
	unsigned int bits = 36;

	if (cpuid(0x80000000, 0).eax >= 0x80000008)
		bits = cpuid(0x80000008, 0).eax & 0xff;
	if (bits < 32 || bits > 52)
		bits = 36;
	return 1ULL << bits;
}

void lvbs_main(const struct boot_handoff *h)
{
	const struct boot_regs regs = { .rdi = h->entry_rdi, .rsi = h->info_pa,
					.rdx = h->entry_rdx, .r8 = h->entry_r8 };
	struct lvbs_cpu *boot_cpu = lvbs_this_cpu(); /* CPU 0: static, no heap needed */
	const char *why = "";
	int r;

	r = hv_init(HV_NEED_PRIV_EAX, HV_NEED_PRIV_EBX);
	if (r) {
		log_error("no Hyper-V VSM (see the line above for what is missing); nothing to "
			  "protect, halting. Run vtlguard as LVBS's secure kernel on Hyper-V, or "
			  "under tools/hvsim.");
		arch_qemu_exit(SMOKE_EXIT_NO_VSM);
		halt_forever();
	}
	if (h->kind != BOOT_LVBS) {
		log_error("Hyper-V VSM is present but vtlguard was not entered by a VTL1 loader "
			  "(PVH boot); halting");
		halt_forever();
	}
	/* The boot CPU's VTL0 registers as the first VTL call left them. */
	boot_cpu->gprs.rdi = h->entry_rdi;
	boot_cpu->gprs.rsi = h->info_pa;
	boot_cpu->gprs.rdx = h->entry_rdx;
	boot_cpu->gprs.r8 = h->entry_r8;

	r = hv_init_cpu(LVBS_SINT0_VECTOR);
	if (r) {
		log_error("cannot set up hypercall/assist/SynIC pages on CPU 0: %d; halting", r);
		halt_forever();
	}
	trap_set_handler(LVBS_SINT0_VECTOR, sint0_interrupt);

	r = boot_info_from_first_call(&regs, h->raw, h->raw_size, h->cmdline, h->load_pa,
				      h->image_size, phys_limit(), &lvbs_boot, &why);
	if (r == 0 && h->emergency_pool) {
		why = "arch/ found no VTL1 region in the boot information";
		r = -EINVAL;
	}
	if (r) {
		log_error("boot information refused (first call RDI=%#lx RSI=%#lx RDX=%#lx R8=%#lx): "
			  "%s. Check that the VTL0 kernel is an LVBS generation vtlguard supports "
			  "(docs/compatibility.md)", regs.rdi, regs.rsi, regs.rdx, regs.r8, why);
		refuse_forever(r);
	}
	log_info("boot: %s, VTL1 memory %#lx-%#lx, partition memory ends at %#lx, %u possible "
		 "CPUs", lvbs_boot.gen == BOOT_GEN_V4 ? "V4 (registers)" : "V2/V3 (boot_params)",
		 lvbs_boot.vtl1_start, lvbs_boot.vtl1_end - 1, lvbs_boot.ram_end,
		 lvbs_boot.possible_cpus);

	/* Before anything can enable an AP (BOOT_APS comes later). */
	r = lvbs_cpus_alloc(lvbs_boot.possible_cpus);
	if (r) {
		log_error("no per-CPU state for %u CPUs: %d", lvbs_boot.possible_cpus, r);
		refuse_forever(r);
	}

	r = lvbs_protect_self();
	if (r == 0)
		r = lvbs_secure_config_vp();
	if (r) {
		log_error("self-protection failed: %d", r);
		refuse_forever(r);
	}
	r = start_policy();
	if (r) {
		log_error("policy engine refused to start: %d", r);
		refuse_forever(r);
	}
	if (!south_vtl0_map_known())
		log_warn("boot: V4 passes no memory map and the policy has no vtl0-ram: VTL0 "
			 "addresses are bounded only by MAXPHYADDR (%#lx); name VTL0's RAM with "
			 "vtl0-ram in the policy (docs/policy.md)", lvbs_boot.ram_end);
	__atomic_store_n(&boot_cpu->online, true, __ATOMIC_RELEASE);
	log_info("vtlguard ready on CPU 0; returning to VTL0");
	boot_cpu->gprs.r8 = 0;
	lvbs_serve();
}

void image_ap_main(unsigned int cpu)
{
	int r = fpu_init_cpu();

	if (r)
		panic("CPU %u: no memory for the extended-state save area", cpu);
	fpu_save_guest();
	r = hv_init_cpu(LVBS_SINT0_VECTOR);

	if (r == 0)
		r = lvbs_secure_config_vp();
	if (r) {
		log_error("CPU %u: VTL1 setup failed: %d", cpu, r);
		refuse_forever(r);
	}
	memset(&lvbs_this_cpu()->gprs, 0, sizeof(lvbs_this_cpu()->gprs));
	__atomic_store_n(&lvbs_this_cpu()->online, true, __ATOMIC_RELEASE);
	log_info("vtlguard ready on CPU %u", cpu);
	lvbs_serve();
}
