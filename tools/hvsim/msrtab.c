// SPDX-License-Identifier: MIT
/*
 * The MSR table (msrtab.h).  Entries are what a stock Linux kernel touches on
 * QEMU's qemu64 (AMD) CPU model; each says why it is safe.  Nothing here
 * reaches the CPU: MSR_PASS rows only document what vp.c's MSR permission
 * map lets through (state that lives in the VMCB or is read-only).
 */
#include "tools/hvsim/msrtab.h"

#include "core/compiler.h"

static const struct msr_rule rules[] = {
	{ 0x00000010, 0x00000010, MSR_PASS, 0, "TSC: reads pass, writes #GP (one TSC per CPU)" },
	{ 0x0000001B, 0x0000001B, MSR_EMULATED, 0, "APIC_BASE: stored per VTL, the LAPIC never moves" },
	{ 0x0000008B, 0x0000008B, MSR_IGNORED, 0, "microcode revision: 0, writes dropped" },
	{ 0x000000FE, 0x000000FE, MSR_PASS, 0, "MTRRCAP: read-only" },
	{ 0x00000174, 0x00000176, MSR_PASS, 0, "SYSENTER_*: VMCB state of the VTL" },
	/* Machine check: no banks.  A #GP on MCG_STATUS makes Linux panic. */
	{ 0x00000179, 0x00000179, MSR_READONLY, 0, "MCG_CAP: 0 banks" },
	{ 0x0000017A, 0x0000017B, MSR_IGNORED, 0, "MCG_STATUS, MCG_CTL: 0" },
	{ 0x000001A0, 0x000001A0, MSR_EMULATED, 0, "MISC_ENABLE: stored per VTL" },
	{ 0x00000277, 0x00000277, MSR_PASS, 0, "PAT: VMCB state of the VTL" },
	{ 0x00000200, 0x000002FE, MSR_IGNORED, 0, "MTRRs: memory types are the host's" },
	{ 0x000002FF, 0x000002FF, MSR_PASS, 0, "MTRR_DEF_TYPE: reads pass, writes dropped" },
	{ 0x00000400, 0x00000427, MSR_IGNORED, 0, "MC0..MC9 banks: none exist" },
	{ 0x00000800, 0x000008FF, MSR_EMULATED, 0, "x2APIC, Linux mode VTL0: the VP's own xAPIC, ICR filtered (x2apic.c); else #GP" },
	{ 0x40000000, 0x400000FF, MSR_EMULATED, 0, "Hyper-V synthetic MSRs (synth.c)" },
	{ 0x40000118, 0x40000118, MSR_EMULATED, 0, "TSC_INVARIANT_CONTROL (synth.c)" },
	{ 0xC0000080, 0xC0000080, MSR_EMULATED, 0, "EFER: SVME hidden" },
	{ 0xC0000081, 0xC0000084, MSR_PASS, 0, "STAR/LSTAR/CSTAR/SFMASK: VMCB state" },
	{ 0xC0000100, 0xC0000102, MSR_PASS, 0, "FS/GS/KERNEL_GS base: VMCB state" },
	{ 0xC0000103, 0xC0000103, MSR_EMULATED, 0, "TSC_AUX: stored per VTL (exit.c), writes #GP" },
	{ 0xC0010000, 0xC0010007, MSR_IGNORED, 0, "K7 perf counters: absent (Linux falls back to software events)" },
	{ 0xC0010010, 0xC0010010, MSR_IGNORED, 0, "SYSCFG: 0 (no SME)" },
	{ 0xC0010015, 0xC0010015, MSR_IGNORED, 0, "HWCR: 0" },
	{ 0xC001001F, 0xC001001F, MSR_IGNORED, 0, "NB_CFG: 0" },
	{ 0xC0010055, 0xC0010055, MSR_IGNORED, 0, "interrupt pending message (C1E): 0" },
	/* The host's SVM state: never visible, never writable. */
	{ 0xC0010114, 0xC0010114, MSR_REFUSE, 0, "VM_CR: the host's SVM control" },
	{ 0xC0010117, 0xC0010117, MSR_REFUSE, 0, "VM_HSAVE_PA: the host's save area" },
	{ 0xC0010140, 0xC0010141, MSR_IGNORED, 0, "OSVW: no errata" },
	{ 0xC0011029, 0xC0011029, MSR_IGNORED, 0, "DE_CFG: 0" },
};

static const struct msr_rule refuse = { 0, 0xFFFFFFFFu, MSR_REFUSE, 0, "not in hvsim's MSR table" };

const struct msr_rule *msrtab_lookup(uint32_t msr)
{
	for (unsigned int i = 0; i < ARRAY_SIZE(rules); i++)
		if (msr >= rules[i].lo && msr <= rules[i].hi)
			return &rules[i];
	return &refuse;
}
