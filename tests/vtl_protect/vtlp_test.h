/* SPDX-License-Identifier: MIT */
/* Shared helpers for the vtl_protect host tests (fake South underneath). */
#ifndef TESTS_VTL_PROTECT_VTLP_TEST_H
#define TESTS_VTL_PROTECT_VTLP_TEST_H

#include <stddef.h>
#include <stdint.h>

#include "core/errno.h"
#include "tests/north/fake_south.h"
#include "tests/unit/unit.h"
#include "vtl_protect/kdata.h"
#include "vtl_protect/modval_hooks.h"
#include "vtl_protect/vtlp.h"

/* Test memory map (VTL0 GPAs; VTL1 is [8 MiB, 10 MiB)). */
#define T_CHAIN   0x100000ull /* range-list pages */
#define T_TEXT    0x200000ull /* "kernel text" */
#define T_RODATA  0x300000ull
#define T_DATA    0x400000ull
#define T_RING    0x600000ull
#define T_BUF     0x700000ull /* scratch VTL0 buffers */
#define T_RIP0    0xffffffff81001000ull /* VTL0 RIP of injected intercepts */

/* Reset the fake South and start the engine with the default policy. */
void vt_setup(void);
/* Same with a VTL1 heap of `bytes` (default 64 MiB), for the table budgets. */
void vt_setup_heap(size_t bytes);
/* Same with a policy blob. */
int vt_setup_policy(const void *fdt, size_t len);

/*
 * Write `n` ranges as a chain of pages starting at T_CHAIN (or `base`),
 * `per_page` ranges per page (<= 127), pages one after another.
 */
void vt_chain_at(uint64_t base, const struct heki_range *r, size_t n, size_t per_page);
void vt_chain(const struct heki_range *r, size_t n);

int64_t vt_call(uint64_t id, uint64_t a0, uint64_t a1, uint64_t a2);
int64_t vt_protect(uint64_t pa, uint64_t epa, uint64_t attr);
/* Run the one pending intercept through the engine's event loop and return
 * its decision; vt_reg_write/vt_msr_write queue a register (3-byte) or MSR
 * (2-byte) write at T_RIP0 on VP vp first. */
enum north_decision vt_run_intercept(void);
enum north_decision vt_reg_write(unsigned int vp, enum north_reg reg, uint64_t v);
enum north_decision vt_msr_write(unsigned int vp, uint32_t msr, uint64_t v);

/* Remove our log sinks (the test one and the engine's ring). */
void vt_teardown(void);

/* Count log lines containing `needle` seen since the last vt_setup(). */
unsigned int vt_lines(const char *needle);

#endif
