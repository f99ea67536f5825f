/* SPDX-License-Identifier: MIT */
/*
 * Shared pieces of the libFuzzer harnesses (tests/fuzz/): a fast reset of
 * the fake South and the policy engine between inputs, and the invariants
 * every harness asserts after every input.  A broken invariant prints what
 * broke and aborts, which libFuzzer records as a crash with the input.
 */
#ifndef TESTS_FUZZ_FUZZ_H
#define TESTS_FUZZ_FUZZ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "tests/north/fake_south.h"

/* Where harnesses put fuzzer bytes in fake VTL0 RAM (below VTL1). */
#define FZ_BASE     0x100000ull
#define FZ_MAX_DATA (256u << 10)

/*
 * Fake-South permission-map sentinels: values south_set_vtl0_protection()
 * can never store (it refuses perms above 0xF), so any page the engine
 * changed is visible.  VTL0 pages start "untouched" (full access, as at
 * boot); VTL1 pages start "vtl1" and must keep it.
 */
#define FZ_PERM_UNTOUCHED 0x20u
#define FZ_PERM_VTL1      0x40u

/* printf-style report, then abort(): an invariant broke. */
void fz_fail(const char *fmt, ...) __attribute__((noreturn, format(printf, 1, 2)));
#define FZ_ASSERT(cond, ...)            \
	do {                            \
		if (!(cond))            \
			fz_fail(__VA_ARGS__); \
	} while (0)

/*
 * Reset the fake South (sentinel permission map, registers, counters) and
 * clear the VTL0 RAM the previous input dirtied; cheap enough per input.
 */
void fz_south_reset(void);
/* Copy `len` fuzzer bytes into VTL0 RAM at FZ_BASE (len <= FZ_MAX_DATA). */
void fz_place(const uint8_t *data, size_t len);

/*
 * fz_south_reset() + vtlp_init(policy) (NULL = built-in default) + the
 * module validator's hooks when built in and fz_want_hooks is set (they
 * re-run the validator's self-test on every reset, which is slow).
 * Returns vtlp_init's result.
 */
extern bool fz_want_hooks;
int fz_engine_reset(const void *policy, size_t len);

/* A VTL call's result: >= 0, or a known negative errno. */
void fz_check_result(const char *what, int64_t ret);
/* Same for a plain int return that must be 0 or one of `allowed` (0-ended). */
void fz_check_errno(const char *what, int ret, const int *allowed);

/*
 * The protection-table invariants: sorted, disjoint, page aligned, inside
 * RAM, never covering VTL1, and (enforce mode) no W+X extent.
 */
void fz_check_memory(void);
/*
 * fz_check_memory() plus the whole fake permission map: no VTL1 page's
 * permission changed, and in enforce mode no page is write+kernel-execute.
 */
void fz_check_map(void);

/*
 * The harnesses link with -Wl,--wrap for south_vtl0_write and
 * south_set_vtl0_protection, so every VTL1 write into VTL0 RAM and every
 * protection change is checked the moment it happens:
 *   - a write must not touch VTL1, and must land in memory VTL0 may write
 *     itself, in the log ring, or, during PATCH_TEXT only, in protected
 *     executable text (at most 5 bytes);
 *   - a protection change must not name a VTL1 page nor, in enforce mode,
 *     grant write and kernel-execute together.
 * fz_set_step() names the step in progress for those checks and reports.
 */
void fz_set_step(const char *what, bool patch_text);
/* FUZZ_SELFTEST=what is set: an interposer misbehaves on purpose. */
bool fz_selftest(const char *what);
/* South calls and pages seen since the last reset (bench and seeds). */
extern unsigned long fz_prot_calls, fz_prot_pages, fz_vtl0_writes;

/* Little-endian readers over a cursor; past the end they read zeros. */
struct fz_in {
	const uint8_t *p;
	size_t left;
};
uint8_t fz_u8(struct fz_in *in);
uint32_t fz_u32(struct fz_in *in);
uint64_t fz_u64(struct fz_in *in);

#endif
