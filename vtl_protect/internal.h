/* SPDX-License-Identifier: MIT */
/* vtl_protect internals shared by its files (not for other layers). */
#ifndef VTL_PROTECT_INTERNAL_H
#define VTL_PROTECT_INTERNAL_H

#include "core/compiler.h"
#include "core/errno.h"
#include "core/log.h"
#include "vtl_protect/kdata.h"
#include "vtl_protect/policy.h"
#include "vtl_protect/vtlp.h"

/* One protected extent [start, end) with HEKI_ATTR_MEM_* attributes. */
struct vtlp_prot {
	uint64_t start;
	uint64_t end;
	uint32_t attr;
	uint32_t owner; /* VTLP_OWNER_* */
};
#define VTLP_OWNER_KERNEL 0 /* PROTECT_MEMORY */
#define VTLP_OWNER_RING   1 /* the log ring */
#define VTLP_OWNER_MODULE 2 /* module/kexec paths */
/* A plain R|W kernel page an audited access opened (lock_regs.c): still
 * a page VALIDATE_MODULE / KEXEC_VALIDATE may claim, as it was before. */
#define VTLP_OWNER_AUDIT_RW 3

struct vtlp_vp_state {
	bool locked;
	bool late;      /* pinned from the boot snapshot after end of boot */
	bool refused;   /* came after end of boot and could not be pinned (or,
			 * with no boot snapshot at all, was warned about) */
	struct north_reg_val pinned[NORTH_REG_COUNT];
};

/*
 * Global engine state.  `lock` guards everything below it; VTL calls from
 * different CPUs serialise on it (they are rare and short compared with a
 * VTL switch).  Per-VP entries are only written by that VP but read under
 * the lock too.
 */
struct vtlp_state {
	struct north_lock lock;
	bool initialised;
	bool end_of_boot;
	struct vtlp_policy policy;
	/* One entry per VP the boot information names (north_cpu_count(),
	 * 1..VTLP_MAX_VPS), from the VTL1 heap at vtlp_init(): VTL1 pays for
	 * the VPs the partition has, not for the largest partition. */
	struct vtlp_vp_state *vp;
	unsigned int nvps;
	/* The first VP whose LOCK_REGS succeeded: VPs that first show up after
	 * end of boot are pinned from its snapshot (lock_regs.c). */
	bool have_boot_pins;
	unsigned int boot_pins_vp;
	size_t nprots;
	struct vtlp_prot *prots; /* VTL1 heap, sorted, disjoint (prot.c) */
};

extern struct vtlp_state vtlp;

/* VP vp's state, or NULL when the partition has no such VP. */
static inline struct vtlp_vp_state *vtlp_vp(unsigned int vp)
{
	return vp < vtlp.nvps ? &vtlp.vp[vp] : NULL;
}

/*
 * vtlp_init() after the parse: start the engine with `pol` (parsed from
 * `policy_fdt`, NULL = the built-in default, whose blob is measured) on a
 * `vtlp` that is all zero.  vtlp_init() zeroes it; the fuzz harnesses
 * (tests/fuzz/fuzz_support.c) zero only what an input can have touched and
 * keep the parsed default policy, so a reset costs microseconds.
 */
int vtlp_start(const struct vtlp_policy *pol, const void *policy_fdt, size_t policy_len);

/* A VTL0 range list flattened into VTL1 memory. */
struct vtlp_range {
	uint64_t va;
	uint64_t pa;
	uint64_t epa;
	uint64_t attr;
};

/*
 * Copy in a chain of range pages starting at `pa` holding `nranges` ranges
 * in total.  Checks page alignment, per-page counts, the total, chain
 * length and loops.  On success *out is a heap copy the caller kfree()s.
 * Does not check the ranges themselves.  Caller holds vtlp.lock.
 */
int vtlp_read_chain(uint64_t pa, uint64_t nranges, struct vtlp_range **out);

/*
 * PROTECT_MEMORY's two formats (docs/compatibility.md): a heki_page chain at
 * PA `rsi` with `rdx` ranges (CBL / V2), or V3's flat page at PFN `rsi`
 * with `rdx` entries.  vtlp_pm_format() decides from the shape of the data:
 * the one reading that is well formed wins; both -> -EINVAL (ambiguous,
 * logged); neither -> the reading the address allows (a PA is page
 * aligned), so its parser logs why it is refused.  Without a memory map
 * (north_vtl0_map_known() false: V4 without vtl0-ram) nothing is read on a
 * guess: a page-aligned RSI is a chain, any other is refused (-EINVAL).  vtlp_read_flat() copies
 * and checks a V3 page like vtlp_read_chain() (entries: end > start, inside
 * VTL0 memory, perm R|W|X only).  Caller holds vtlp.lock.
 */
#define VTLP_PM_CHAIN 0
#define VTLP_PM_FLAT  1
int vtlp_pm_format(uint64_t rsi, uint64_t rdx);
int vtlp_read_flat(uint64_t pfn, uint64_t n, struct vtlp_range **out);

/*
 * The engine's big tables (range copies, the protection table, the patch
 * table, kernel data) are sized to what VTL0 sends and come from the VTL1
 * heap.  One table may take at most 1/VTLP_TABLE_SHARE of the pages VTL1's
 * allocator manages: beyond that the call fails with -E2BIG and a log line,
 * so no single VTL0 request can starve VTL1.  -ENOMEM when the heap is short.
 * *out is NULL for n == 0.
 */
#define VTLP_TABLE_SHARE 4u
int vtlp_table_alloc(void **out, size_t n, size_t size, const char *what);

/* Protection table (prot.c); callers hold vtlp.lock. */
const struct vtlp_prot *vtlp_prot_find(uint64_t gpa);
int vtlp_prot_apply(const struct vtlp_range *r, size_t n, uint32_t owner, bool force);
bool vtlp_prot_overlaps(uint64_t start, uint64_t end);
/*
 * Pages one request may change: every page of VTL0 memory as VTL1 knows it
 * (north_vtl0_phys_end(): the e820 top, or the policy's vtl0-ram, or
 * 1 << MAXPHYADDR).  Derived, not a constant, because the CBL call side
 * sends all of RAM above the kernel image in one range.
 */
uint64_t vtlp_max_request_pages(void);
void vtlp_prot_reset(void);

/* Violations (violation.c). */
void vtlp_violation(const struct vtlp_violation *v);
void vtlp_violation_reset(void);

/* Register pinning (lock_regs.c). */
int64_t vtlp_lock_regs(unsigned int vp);
/* Pin a VP that first enters VTL1 after end of boot; vtlp.lock held. */
int vtlp_pin_late_vp(unsigned int vp);
void vtlp_reg_intercept(struct north_event *ev);
void vtlp_msr_intercept(struct north_event *ev);
void vtlp_mem_intercept(struct north_event *ev);

/* Calls in their own files. */
int64_t vtlp_protect_memory(uint64_t pa, uint64_t nranges);
int64_t vtlp_load_kdata(uint64_t pa, uint64_t nranges);
int64_t vtlp_patch_text(uint64_t pa0, uint64_t pa1);
int64_t vtlp_ring_alloc(uint64_t pa, uint64_t size);
int64_t vtlp_get_measurements(uint64_t pa, uint64_t size);
int64_t vtlp_get_violations(uint64_t pa, uint64_t size);
void vtlp_kdata_reset(void);
void vtlp_patch_reset(void);
void vtlp_ring_reset(void);
void vtlp_measure_reset(void);

/* Measurement entry from a digest computed by the caller (measure.c). */
int vtlp_measure_digest(enum vtlp_measure_type type, uint64_t arg0, uint64_t arg1,
		   const uint8_t digest[32]);
/*
 * Check PatchInfo (heki_patch_info blocks) and, when all of it is valid,
 * replace the kernel's jump-label sites with it (patch.c).  On an error
 * nothing changes.
 */
int vtlp_patch_load_info(const uint8_t *data, size_t len);
/*
 * For the fuzz harnesses: every jump-label site VTL1 has written holds what
 * VTL1 left there, and that is a form or INT3 + a form's tail.  false with
 * *bad = the first site's PA otherwise.  Caller holds vtlp.lock or is alone.
 */
bool vtlp_patch_sites_valid(uint64_t *bad);

/* Log ring (ringbuf.c): true when gpa lies in it. */
bool vtlp_ring_contains(uint64_t gpa, uint64_t len);

/* True when VTL1 may write [gpa, gpa+len) on VTL0's behalf. */
bool vtlp_may_write_for_vtl0(uint64_t gpa, uint64_t len);

#endif
