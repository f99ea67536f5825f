/* SPDX-License-Identifier: MIT */
/*
 * A hvfake hypervisor backend for the hv/ host tests: records every hypercall,
 * completes rep calls a configurable number of reps at a time, can fail at a
 * chosen rep, and implements Get/SetVpRegisters over a small register file.
 */
#ifndef TESTS_HV_FAKE_HV_H
#define TESTS_HV_FAKE_HV_H

#include <stdint.h>
#include "hv/hv.h"

#define FAKE_MAX_CALLS 4096
#define FAKE_REGS 64

struct hvfake_state {
	/* behaviour */
	unsigned int reps_per_call;   /* reps completed per call (0 = none) */
	unsigned int stall_calls;     /* first N calls complete nothing */
	int fail_at_rep;              /* -1: never; else fail when reaching it */
	unsigned int fail_call;       /* ...but only from this call number on */
	uint16_t fail_status;
	int bogus_reps;               /* report this many reps done (if >= 0) */
	uint16_t simple_status;       /* status for non-rep calls */
	/* record */
	unsigned int ncalls;
	uint64_t control[FAKE_MAX_CALLS];
	uint64_t in[FAKE_MAX_CALLS], out[FAKE_MAX_CALLS];
	uint8_t hdr_vtl[FAKE_MAX_CALLS];
	unsigned int eom_writes;
	/* ModifyVtlProtectionMask: every GPFN processed, with its call's header */
	uint64_t gpfn[2048];
	uint32_t gpfn_flags[2048];
	uint8_t gpfn_vtl[2048];
	unsigned int ngpfn;
	/* input page as seen by the last non-rep call */
	uint8_t last_in[256];
	/* register file: name -> value (low quadword) */
	uint32_t reg_name[FAKE_REGS];
	uint64_t reg_val[FAKE_REGS];
	unsigned int nregs;
};

extern struct hvfake_state hvfake;

void hvfake_install(void);    /* reset state and install the hvfake platform */
void hvfake_uninstall(void);  /* hv_set_platform(NULL) */

#endif
