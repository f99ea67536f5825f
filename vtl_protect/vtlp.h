/* SPDX-License-Identifier: MIT */
/*
 * vtl_protect: the kernel-integrity policy engine.  Written only against the
 * North API (north/north.h) and core/.
 *
 * The South's main calls vtlp_init() once (with the loader's policy blob or
 * NULL for the built-in default) and then vtlp_serve() on every CPU.
 */
#ifndef VTL_PROTECT_VTLP_H
#define VTL_PROTECT_VTLP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "north/north.h"

/* LVBS VSM-call IDs (VTL0 RDI). */
#define VSM_VTL_CALL_FUNC_ID_ENABLE_APS_VTL            0x1FFE0
#define VSM_VTL_CALL_FUNC_ID_BOOT_APS                  0x1FFE1
#define VSM_VTL_CALL_FUNC_ID_LOCK_REGS                 0x1FFE2
#define VSM_VTL_CALL_FUNC_ID_SIGNAL_END_OF_BOOT        0x1FFE3
#define VSM_VTL_CALL_FUNC_ID_PROTECT_MEMORY            0x1FFE4
#define VSM_VTL_CALL_FUNC_ID_LOAD_KDATA                0x1FFE5
#define VSM_VTL_CALL_FUNC_ID_VALIDATE_MODULE           0x1FFE6
#define VSM_VTL_CALL_FUNC_ID_FREE_MODULE_INIT          0x1FFE7
#define VSM_VTL_CALL_FUNC_ID_UNLOAD_MODULE             0x1FFE8
#define VSM_VTL_CALL_FUNC_ID_COPY_SECONDARY_KEY        0x1FFE9
#define VSM_VTL_CALL_FUNC_ID_KEXEC_VALIDATE            0x1FFEA
#define VSM_VTL_CALL_FUNC_ID_PATCH_TEXT                0x1FFEB
#define VSM_VTL_CALL_FUNC_ID_ALLOCATE_RINGBUFFER_MEMORY 0x1FFEC
/* vtlguard's own calls, outside the LVBS range (docs/vtl-call-abi.md). */
#define VTLGUARD_CALL_GET_MEASUREMENTS                 0x2FFE0
#define VTLGUARD_CALL_GET_VIOLATIONS                   0x2FFE1
/*
 * Test builds only (VTLGUARD_TEST_CALLS, build/vtlguard-test.elf): a call
 * that does nothing and returns 0, so benchmarks can time the bare VTL-call
 * dispatch.  The release image does not have it: there the id is unknown
 * (-EINVAL and a bad-call record), which the VTL0 suite checks.
 */
#define VTLGUARD_CALL_TEST_NOP                         0x2FFF0

/* Range attributes (struct heki_range.attributes for PROTECT_MEMORY). */
#define HEKI_ATTR_MEM_R         0x1u
#define HEKI_ATTR_MEM_W         0x2u
#define HEKI_ATTR_MEM_X         0x4u
#define HEKI_ATTR_MEM_IMMUTABLE 0x8u
#define HEKI_ATTR_MEM_MASK      0xFu

/* Range-list page: struct heki_page (all little-endian u64). */
struct heki_range {
	uint64_t va;
	uint64_t pa;
	uint64_t epa; /* exclusive end */
	uint64_t attributes;
};
struct heki_page_hdr {
	uint64_t next_va;
	uint64_t next_pa; /* 0 ends the chain */
	uint64_t nranges;
};
#define HEKI_RANGES_PER_PAGE ((4096 - sizeof(struct heki_page_hdr)) / sizeof(struct heki_range))

/*
 * V3's PROTECT_MEMORY (LinuxVBS/linux virt/heki/main.c
 * heki_establish_initial_memory_protection, drivers/hv/hv_vsm.c
 * hv_vsm_protect_memory): RSI is the PFN of one page VTL0 zeroed and then
 * filled with `RDX` of these, at most 170; perm holds R|W|X only.
 * vtlp_protect_memory() tells this "flat page" from a heki_page chain by the
 * shape of the data (docs/compatibility.md, "PROTECT_MEMORY format").
 */
struct heki_protect_memory {
	uint64_t start_pfn;
	uint64_t end_pfn; /* exclusive */
	uint64_t perm;    /* HEKI_ATTR_MEM_R|W|X */
};
#define HEKI_FLAT_PER_PAGE  (4096 / sizeof(struct heki_protect_memory)) /* 170 */
#define HEKI_FLAT_PERM_MASK 0x7u

/*
 * Engine limits (VTL0 requests beyond them get -E2BIG).  The tables behind
 * them are allocated at need from the VTL1 heap, each bounded by a quarter
 * of it (vtlp_table_alloc), so these are ceilings, not reservations.  They
 * are 4x or more what a distribution kernel sends (docs/vtl-call-abi.md).
 */
#define VTLP_MAX_RANGES      (1u << 18) /* ranges per call: 262,144 */
#define VTLP_MAX_CHAIN_PAGES 4096       /* pages in one range chain (2x a full 127-per-page chain) */
#define VTLP_MAX_PROTS       (1u << 19) /* distinct protected extents */
#define VTLP_MAX_VPS         1024       /* ceiling; per-VP state is sized to the partition */

/* Violation classes (counters, records, policy modes). */
enum vtlp_class {
	VTLP_CLASS_MEM_READ = 0,
	VTLP_CLASS_MEM_WRITE,
	VTLP_CLASS_MEM_EXEC,
	VTLP_CLASS_CR,
	VTLP_CLASS_MSR,
	VTLP_CLASS_DT,
	VTLP_CLASS_BAD_CALL,
	VTLP_CLASS_COUNT
};

/* One violation, as kept in the record ring and printed on the console. */
struct vtlp_violation {
	uint64_t seq;
	uint64_t time;
	enum vtlp_class cls;
	unsigned int vp;
	uint64_t rip;
	uint64_t addr;      /* GPA, MSR number, register index or call id */
	uint64_t attempted; /* value VTL0 tried to write / access kind */
	uint64_t expected;  /* pinned value / protection attributes */
	uint64_t mask;      /* pinned bits, when a register */
	bool denied;        /* false in audit mode */
	char rule[40];
};

/*
 * Start the engine: parse and check the policy (NULL: the built-in default),
 * reset all state and read the VTL1 memory map through north_init().
 * Returns 0, or a negative errno after logging why; the caller must then
 * refuse to start.
 */
int vtlp_init(const void *policy_fdt, size_t policy_len);

/*
 * A VP entered VTL1 (its first event, or the South is about to return to
 * VTL0 on it for the first time).  Before end of boot: nothing.  After end
 * of boot, a VP that never ran LOCK_REGS is pinned here from the boot CPU's
 * snapshot before VTL1 returns to it; when that is impossible the VP is
 * refused service (its calls get -EPERM) and it is recorded.  Idempotent and
 * cheap; vtlp_serve() and vtlp_handle_event() call it themselves, a South
 * that returns to a new VP's VTL0 any other way must call it first.
 * Returns 0 when the VP is pinned (or need not be yet), else a -errno.
 */
int vtlp_vp_entered(unsigned int vp);

/* Handle one event; fills ev->call.result / ev->decision. */
void vtlp_handle_event(struct north_event *ev);

/* Serve events on this CPU until the North layer reports none will come. */
int vtlp_serve(void);

/* Handle a VTL call directly (what vtlp_handle_event does for calls). */
int64_t vtlp_vtl_call(unsigned int vp, uint64_t id, uint64_t a0, uint64_t a1, uint64_t a2);

bool vtlp_end_of_boot_done(void);
uint64_t vtlp_violation_count(enum vtlp_class cls);
/* Most recent violation records; returns how many were copied (newest last). */
size_t vtlp_violations(struct vtlp_violation *out, size_t max);
const char *vtlp_class_name(enum vtlp_class cls);

/*
 * Protect [pa, epa) with HEKI_ATTR_MEM_* under the same rules as
 * PROTECT_MEMORY (W^X, IMMUTABLE, VTL1 overlap) but regardless of end of
 * boot: for the module/kexec paths, which apply their own rules first.
 */
int vtlp_protect_range(uint64_t pa, uint64_t epa, uint32_t attr, const char *why);
/* Attributes VTL1 applied to the page holding gpa, or -ENOENT if none. */
int vtlp_protection_of(uint64_t gpa, uint32_t *attr);
/*
 * May the module/kexec paths claim the page holding gpa?  True when VTL1
 * protects nothing there, holds it plain R|W, or an audited access opened a
 * plain R|W page (docs/policy.md, audit); false for anything else VTL1
 * guards (kernel text/rodata, IMMUTABLE, the ring, module or kexec pages).
 */
bool vtlp_claimable_page(uint64_t gpa);

/*
 * Copy a VTL0 range chain (struct heki_page pages) into `out` (room for `max`
 * ranges) with every chain check PROTECT_MEMORY makes (alignment, counts,
 * length, loops, VTL1 overlap).  The ranges themselves are not checked.
 * For the module/kexec validator.  -E2BIG when nranges > max.
 */
int vtlp_read_range_chain(uint64_t pa, uint64_t nranges, struct heki_range *out, size_t max);

/* Log one line with every violation counter (for reports and make run). */
void vtlp_log_summary(void);

/* Append an entry to the measurement log (see measure.c for types). */
enum vtlp_measure_type {
	VTLP_MEASURE_POLICY = 1,
	VTLP_MEASURE_PROTECT = 2,
	VTLP_MEASURE_KDATA = 3,
	VTLP_MEASURE_MODULE = 4,
	VTLP_MEASURE_KEXEC = 5,
	VTLP_MEASURE_LOCK_REGS = 6,
	VTLP_MEASURE_END_OF_BOOT = 7,
};
int vtlp_measure(enum vtlp_measure_type type, uint64_t arg0, uint64_t arg1, const void *data,
		 size_t len);
/* Current aggregate (hash-chain head), 32 bytes. */
void vtlp_measure_aggregate(uint8_t out[32]);

/*
 * May VTL1 write [gpa, gpa + len) on VTL0's behalf?  False for VTL1 memory,
 * memory VTL1 protects (not writable for VTL0, or IMMUTABLE) and the log
 * ring.  Takes the engine lock: for callers outside a locked call (the
 * South's BOOT_APS signal write).
 */
bool vtlp_vtl0_write_allowed(uint64_t gpa, uint64_t len);

#endif
