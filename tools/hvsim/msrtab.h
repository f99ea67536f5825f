/* SPDX-License-Identifier: MIT */
/*
 * hvsim's explicit MSR table: what happens to a guest RDMSR/WRMSR of an MSR
 * that is neither a Hyper-V synthetic MSR nor one of the few emulated in
 * exit.c (EFER, APIC_BASE, MISC_ENABLE) nor served from the VMCB.  An MSR
 * absent from the table is refused (#GP): hvsim never passes an unknown MSR
 * access to the physical CPU.  docs/hvsim.md ("MSRs") lists the same table.
 */
#ifndef HVSIM_MSRTAB_H
#define HVSIM_MSRTAB_H

#include <stdint.h>

enum msr_kind {
	MSR_REFUSE,   /* #GP (also: absent from the table) */
	MSR_PASS,     /* the access reaches the CPU without an exit (MSR map) */
	MSR_EMULATED, /* exit.c / synth.c computes or stores it */
	MSR_IGNORED,  /* reads give `value`, writes are dropped */
	MSR_READONLY, /* reads give `value`, writes #GP */
};

struct msr_rule {
	uint32_t lo, hi;      /* inclusive range */
	enum msr_kind kind;
	uint64_t value;       /* MSR_IGNORED / MSR_READONLY: what a read returns */
	const char *what;
};

/* The rule for msr: never NULL (the refusing default for unknown MSRs). */
const struct msr_rule *msrtab_lookup(uint32_t msr);

#endif
