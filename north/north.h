/* SPDX-License-Identifier: MIT */
/*
 * The North API: the only interface the policy engine (vtl_protect/) uses to
 * reach VTL0.  Small, typed, nix-like, hypervisor-neutral.  It sits on the
 * South contract (north/south.h) and adds what every policy needs and no
 * South should have to get right twice: bounds and wrap checks on every
 * VTL0-supplied address, refusal of anything that touches VTL1 memory,
 * coalescing and batching of protection changes, and event sanity checks.
 *
 * Errors are negative errnos (core/errno.h).  VTL0 is hostile: every gpa and
 * length passed here may come straight from VTL0.
 */
#ifndef NORTH_NORTH_H
#define NORTH_NORTH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/spinlock.h"
#include "north/south.h"

/* Largest single copy between VTL0 and VTL1 (one request, one buffer). */
#define NORTH_COPY_MAX (1u << 20)
/* Largest number of VTL1 ranges the North layer tracks. */
#define NORTH_MAX_VTL1_RANGES 32

/* North permissions for a VTL0 range (what a policy means, not map flags). */
#define NORTH_PERM_R 0x1u /* read (and user execute, as LVBS does) */
#define NORTH_PERM_W 0x2u /* write */
#define NORTH_PERM_X 0x4u /* kernel execute (MBEC KX) */
/*
 * Modifier: no execute of any kind, not even the user execute that R
 * otherwise carries.  For pages VTL0 may only read and nothing may ever run
 * from: data VTL1 writes for VTL0 (the log ring).  See docs/policy.md
 * "What R means".
 */
#define NORTH_PERM_NO_UX 0x8u
/* "Not protected by anyone": full access, the state VTL0 boots with. */
#define NORTH_PERM_UNPROTECTED 0x80u

/* Lock for shared state (a core/spinlock.h ticket lock: FIFO across CPUs). */
struct north_lock {
	struct spinlock sl;
};
#define NORTH_LOCK_INIT { SPINLOCK_INIT }
static inline void north_lock(struct north_lock *l)
{
	spin_lock(&l->sl);
}
static inline void north_unlock(struct north_lock *l)
{
	spin_unlock(&l->sl);
}

/*
 * Read the VTL1 memory map from the South.  Must run once before anything
 * else (and again after the South's map changes).  -E2BIG when the South
 * reports more ranges than the North layer can track: fail closed.
 */
int north_init(void);

unsigned int north_cpu_count(void);
unsigned int north_current_cpu(void);

/*
 * Check a VTL0-supplied range [gpa, gpa+len): 0 when it is usable;
 * -EINVAL when it wraps around the address space, -EFAULT when it overlaps
 * VTL1 memory (logged).  len == 0 is usable.
 */
int north_check_range(uint64_t gpa, uint64_t len);
/* True when [gpa, gpa+len) touches VTL1 memory or wraps. */
bool north_touches_vtl1(uint64_t gpa, uint64_t len);
/* Exclusive top of VTL0 memory as VTL1 knows it (south_vtl0_phys_end()). */
uint64_t north_vtl0_phys_end(void);
/* south_vtl0_map_known(): false when only MAXPHYADDR bounds VTL0 memory. */
bool north_vtl0_map_known(void);
/*
 * Narrow VTL0 memory to these ranges (the policy's vtl0-ram): checks they
 * are page aligned, non-empty, sorted and disjoint, then hands them to the
 * South.  -EINVAL (logged) otherwise.
 */
int north_limit_vtl0_ram(const struct south_range *r, size_t n);

/*
 * Copy from VTL0 into VTL1 (copy_in) or back (copy_out).  -E2BIG for
 * len > NORTH_COPY_MAX, -EINVAL for wrap-around, -EFAULT for VTL1 overlap or
 * unmappable memory.  The policy engine must itself refuse copy_out into
 * VTL0 memory it protects (VTL1 writes ignore VTL0 protections).
 */
int north_copy_in(void *dst, uint64_t gpa, size_t len);
int north_copy_out(uint64_t gpa, const void *src, size_t len);

/* Map NORTH_PERM_* to SOUTH_PROT_* (LVBS: R -> R|UX, X -> KX|UX;
 * R|NO_UX -> R alone). */
uint32_t north_perm_to_prot(uint32_t perms);

/*
 * Set VTL0's access to the page-aligned range [pa, pa+len) to `perms`
 * (NORTH_PERM_*).  Contiguous pages of one permission are sent in batches of
 * at most SOUTH_MAX_GPFNS_PER_CALL GPFNs: N pages cost ceil(N/510) South
 * calls.  -EINVAL for misalignment or wrap, -EFAULT for VTL1 overlap, the
 * South's error otherwise.  len == 0 does nothing.
 */
int north_protect(uint64_t pa, uint64_t len, uint32_t perms);

struct north_prot_range {
	uint64_t pa;
	uint64_t len;
	uint32_t perms;
};
/*
 * Apply many ranges.  All are checked before any is applied; GPFNs of
 * consecutive ranges with equal permissions share South calls.
 */
int north_protect_many(const struct north_prot_range *r, size_t n);

/* VTL0 registers of VP `vp`. -EINVAL for a bad vp or register. */
int north_get_reg(unsigned int vp, enum north_reg reg, struct north_reg_val *out);
int north_set_reg(unsigned int vp, enum north_reg reg, const struct north_reg_val *val);
const char *north_reg_name(enum north_reg reg);
/* NORTH_REG_* for an MSR number, NORTH_REG_NONE if the North layer has none. */
enum north_reg north_reg_from_msr(uint32_t msr);

/* Install write intercepts (NORTH_ICPT() classes; see south.h). */
int north_install_intercepts(unsigned int vp, uint64_t classes, uint64_t cr0_mask,
			     uint64_t cr4_mask, uint64_t misc_enable_mask);

/* Inject an exception into VTL0 on `vp` (vector 0..31). */
int north_inject(unsigned int vp, uint8_t vector, bool has_error_code, uint32_t error_code);

/*
 * Complete *ev (see south_next_event) and wait for the next event.  Events
 * the South hands over are sanity-checked (type, vp, register); MSR events
 * get msr.reg filled in.  Returns 0 or the South's negative errno.
 */
int north_next_event(struct north_event *ev);

/* AP bring-up is the South's job; these forward a VTL call's arguments. */
int north_enable_aps_vtl(uint64_t a0, uint64_t a1, uint64_t a2);
int north_boot_aps(uint64_t a0, uint64_t a1, uint64_t a2);

/* Monotonic time. */
uint64_t north_now(void);
uint64_t north_ticks_per_sec(void);

#endif
