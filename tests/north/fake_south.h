/* SPDX-License-Identifier: MIT */
/*
 * Fake South for host tests: an in-memory VTL0 (guest RAM array, per-page
 * permission map, per-VP register files, installed intercepts), a scripted
 * event queue, and counters, implementing north/south.h exactly so that
 * north/ and vtl_protect/ run unchanged under ASan/UBSan.
 */
#ifndef TESTS_NORTH_FAKE_SOUTH_H
#define TESTS_NORTH_FAKE_SOUTH_H

#include <stdbool.h>
#include <stdint.h>

#include "north/south.h"

#ifndef FAKE_RAM_SIZE /* tests/modtruth/build.mk builds a runner with more */
#define FAKE_RAM_SIZE    (32u << 20)          /* VTL0 GPAs [0, 32 MiB) */
#endif
#define FAKE_VTL1_START  0x800000ull          /* VTL1 owns [8 MiB, 10 MiB) */
#define FAKE_VTL1_END    0xA00000ull
#define FAKE_MAX_VPS     8
#define FAKE_MAX_EVENTS  256

struct fake_completion {
	enum north_event_type type;
	unsigned int vp;
	int64_t result;               /* VTL calls */
	enum north_decision decision; /* intercepts */
};

struct fake_vp {
	struct north_reg_val regs[NORTH_REG_COUNT];
	uint64_t icpt_classes;
	uint64_t cr0_mask, cr4_mask, misc_enable_mask;
	unsigned int icpt_installs;
	unsigned int gp_injected;     /* #GP from DENY_GP decisions */
	unsigned int exc_injected;    /* south_inject_exception calls */
	uint8_t last_vector;
};

struct fake_south {
	uint8_t *ram;
	uint8_t perms[FAKE_RAM_SIZE >> 12];
	unsigned int ncpus, cur_cpu;
	struct fake_vp vp[FAKE_MAX_VPS];
	unsigned int prot_calls;      /* south_set_vtl0_protection calls */
	unsigned int prot_pages;      /* GPFNs over all calls */
	size_t max_gpfns_seen;
	int fail_prot_call;           /* >0: that call (1-based) returns -EIO */
	int fail_install;             /* south_install_intercepts returns this */
	int fail_get_reg;             /* south_get_vtl0_reg returns this */
	unsigned int nvtl1;           /* ranges reported (default 1) */
	struct north_event queue[FAKE_MAX_EVENTS];
	unsigned int q_head, q_tail;
	struct fake_completion done[FAKE_MAX_EVENTS];
	unsigned int ndone;
	uint64_t now;
	int aps_ret;
	unsigned int enable_aps_calls, boot_aps_calls;
	unsigned int reads, writes;
	uint64_t phys_end;            /* south_vtl0_phys_end() (default 2^46) */
	struct south_range lim[SOUTH_MAX_VTL0_RAM]; /* south_limit_vtl0_ram() */
	size_t nlim;                  /* 0: not limited */
	bool map_unknown;             /* south_vtl0_map_known() false (V4) */
};

extern struct fake_south fake_south;

/* Reset everything: 2 CPUs, RAM zeroed, every page fully accessible. */
void fake_reset(void);
/* Release the RAM buffer (ASan leak check). */
void fake_release(void);

uint8_t *fake_ram(uint64_t gpa);      /* pointer into guest RAM */
uint32_t fake_perm(uint64_t gpa);     /* SOUTH_PROT_* of that page */

void fake_push_call(unsigned int vp, uint64_t id, uint64_t a0, uint64_t a1, uint64_t a2);
void fake_push_reg(unsigned int vp, enum north_reg reg, uint64_t value, uint64_t rip,
		   uint8_t insn_len);
void fake_push_msr(unsigned int vp, uint32_t msr, uint64_t value, uint64_t rip,
		   uint8_t insn_len);
void fake_push_mem(unsigned int vp, uint64_t gpa, enum north_access access, uint64_t rip);
void fake_push_raw(const struct north_event *ev);

#endif
