/* SPDX-License-Identifier: MIT */
/*
 * The South contract: what a platform must provide so that the North API
 * (north/north.h) and the policy engine (vtl_protect/) can run on it.
 *
 * Everything is phrased in VTL0 terms (guest-physical addresses, guest
 * registers, guest events), never in hypervisor terms.  south_lvbs/
 * implements it over Hyper-V VSM; tests/north/fake_south.c implements it over
 * an in-memory "VTL0" for host tests.  Porting vtlguard to another hypervisor
 * means implementing exactly these functions.
 *
 * Conventions for every function below:
 *   - Return 0 (or the documented non-negative value) on success and a
 *     negative errno (core/errno.h) on failure.  Never panic on bad input:
 *     the North layer has already bounded and wrap-checked what it passes,
 *     but the South still refuses what it cannot do.
 *   - "vp" is the VTL0 virtual-processor index (0 .. south_cpu_count()-1).
 *     A South may refuse an operation on a VP other than the calling CPU's
 *     own with -EOPNOTSUPP; the North layer only ever passes the VP of the
 *     event it is handling or south_current_cpu().
 *   - Functions may be called concurrently from every CPU; each CPU only
 *     ever touches its own VP's event state.  The South needs no locking for
 *     per-VP state, but must make south_set_vtl0_protection() safe when two
 *     CPUs call it at once (the North layer serialises it anyway).
 */
#ifndef NORTH_SOUTH_H
#define NORTH_SOUTH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* ------------------------------------------------------------------ CPUs */

/* Number of VTL0 VPs the partition has (from the boot information). */
unsigned int south_cpu_count(void);
/* Index of the VP whose VTL1 context is running on this CPU. */
unsigned int south_current_cpu(void);

/* -------------------------------------------------------- VTL1 memory map */

/*
 * Physical ranges VTL1 owns (image, special pages, heap, stacks, hypercall
 * and SynIC pages, ...).  The North layer refuses every VTL0-supplied GPA
 * that touches one of them (confused-deputy protection).  Fills up to `max`
 * entries of [start, end) (end exclusive, page aligned) and returns how many
 * ranges exist in total (may exceed max: the North layer then fails closed).
 */
struct south_range {
	uint64_t start;
	uint64_t end; /* exclusive */
};
size_t south_vtl1_ranges(struct south_range *out, size_t max);

/* ----------------------------------------------------- VTL0 memory extent */

/*
 * Exclusive top of the VTL0 guest-physical memory VTL1 knows: the top of
 * the partition's memory map where the boot information carries one (LVBS
 * V2/V3 e820), 1 << MAXPHYADDR where it does not (V4), lowered by
 * south_limit_vtl0_ram().  Page aligned, > 0.  The North layer sizes
 * per-request limits from it and refuses GPAs at or above it.
 */
uint64_t south_vtl0_phys_end(void);
/*
 * True when every GPA below south_vtl0_phys_end() that VTL1 does not own is
 * VTL0 memory as far as the boot information (or the policy's vtl0-ram)
 * says; false when phys_end is only the address width (LVBS V4 without
 * vtl0-ram).  The North layer then never reads an address VTL0 did not name
 * as one (no speculative reads).
 */
bool south_vtl0_map_known(void);

/*
 * Narrow VTL0 memory to the union of `n` ranges [start, end) (the policy's
 * vtl0-ram, docs/policy.md): from now on the South refuses every GPA outside
 * them (copies and protections, -EFAULT / -EINVAL) and south_vtl0_phys_end()
 * is at most the highest end.  It only ever narrows what the boot
 * information said.  Ranges are page aligned, non-empty and sorted without
 * overlap (the North layer checks); n <= SOUTH_MAX_VTL0_RAM.  Returns 0 or
 * -EINVAL; once set it cannot be changed (-EPERM).
 */
#define SOUTH_MAX_VTL0_RAM 16
int south_limit_vtl0_ram(const struct south_range *r, size_t n);

/* -------------------------------------------------------- VTL0 memory I/O */

/*
 * Copy `len` bytes between VTL0 guest-physical memory at `gpa` and VTL1
 * memory.  The South maps whatever windows it needs.  The range may cross
 * page boundaries.  Returns 0, or -EFAULT when any byte is not VTL0 RAM the
 * South can map (nothing is copied then, or the destination is undefined).
 * The North layer guarantees: len <= NORTH_COPY_MAX, gpa + len does not
 * wrap, and [gpa, gpa+len) does not overlap a south_vtl1_ranges() range.
 * These accesses are VTL1's own and are not subject to VTL0 protections.
 */
int south_vtl0_read(uint64_t gpa, void *dst, size_t len);
int south_vtl0_write(uint64_t gpa, const void *src, size_t len);

/* ------------------------------------------------------- VTL0 protections */

/*
 * Permission bits for VTL0 access to guest-physical pages.  With MBEC the
 * two execute bits are separate; KX means "kernel (CPL0) may execute",
 * UX "user (CPL3) may execute".  Combinations the North layer sends:
 * none, R|UX, R|W|UX, R|KX|UX, and (only for pages nobody protected)
 * R|W|KX|UX.  On Hyper-V these equal the HV_MAP_GPA_* map flags.
 */
#define SOUTH_PROT_R  0x1u
#define SOUTH_PROT_W  0x2u
#define SOUTH_PROT_KX 0x4u
#define SOUTH_PROT_UX 0x8u
#define SOUTH_PROT_ALL (SOUTH_PROT_R | SOUTH_PROT_W | SOUTH_PROT_KX | SOUTH_PROT_UX)

/* One ModifyVtlProtectionMask input page holds at most 510 GPFNs. */
#define SOUTH_MAX_GPFNS_PER_CALL 510

/*
 * Set VTL0's access to each listed guest page frame (GPA >> 12) to `perms`
 * (SOUTH_PROT_*).  1 <= count <= SOUTH_MAX_GPFNS_PER_CALL.  Exactly one
 * hypervisor protection request per call (the North layer counts on this to
 * batch).  The change must be visible to every VTL0 VP (TLB flushed) when
 * the function returns.  Returns 0 or a negative errno (-EINVAL for a bad
 * GPFN, -EIO for a hypervisor failure); on failure the South reports how
 * far it got by leaving earlier GPFNs applied (the North layer logs it).
 */
int south_set_vtl0_protection(uint32_t perms, const uint64_t *gpfns, size_t count);

/* ------------------------------------------------------- VTL0 registers */

/*
 * VTL0 registers by a hypervisor-neutral name.  The South translates to its
 * own register names (on Hyper-V: HV_X64_REGISTER_CR0 ...).
 */
enum north_reg {
	NORTH_REG_CR0 = 0,
	NORTH_REG_CR4,
	NORTH_REG_EFER,
	NORTH_REG_STAR,
	NORTH_REG_LSTAR,
	NORTH_REG_CSTAR,
	NORTH_REG_SFMASK,
	NORTH_REG_APIC_BASE,
	NORTH_REG_SYSENTER_CS,
	NORTH_REG_SYSENTER_ESP,
	NORTH_REG_SYSENTER_EIP,
	NORTH_REG_GDTR,
	NORTH_REG_IDTR,
	NORTH_REG_LDTR,
	NORTH_REG_TR,
	NORTH_REG_RIP,
	NORTH_REG_CR3,
	NORTH_REG_XCR0,
	/* The rest of the TLFS register-intercept set (CrInterceptControl
	 * bits 4, 23, 24).  One intercept bit covers all four SGX launch-
	 * control MSRs (IA32_SGXLEPUBKEYHASH0..3). */
	NORTH_REG_MISC_ENABLE,
	NORTH_REG_TSC_AUX,
	NORTH_REG_SGX_LC0,
	NORTH_REG_SGX_LC1,
	NORTH_REG_SGX_LC2,
	NORTH_REG_SGX_LC3,
	NORTH_REG_COUNT,
	NORTH_REG_NONE = NORTH_REG_COUNT
};

/*
 * A register value.  Scalar registers (CRs, MSRs, RIP) use `value` only.
 * GDTR/IDTR: `value` = base, `limit` = limit.  LDTR/TR: `value` = base,
 * `limit`, `selector`, `attributes` as in a segment register.
 */
struct north_reg_val {
	uint64_t value;
	uint32_t limit;
	uint16_t selector;
	uint16_t attributes;
};

int south_get_vtl0_reg(unsigned int vp, enum north_reg reg, struct north_reg_val *out);
int south_set_vtl0_reg(unsigned int vp, enum north_reg reg, const struct north_reg_val *val);

/* ------------------------------------------------------------ intercepts */

/* Intercept class bit for a register: a write to `reg` traps to VTL1. */
#define NORTH_ICPT(reg) (1ull << (reg))
/* Classes a South must support (Hyper-V CrInterceptControl covers them). */
#define NORTH_ICPT_SUPPORTED                                                    \
	(NORTH_ICPT(NORTH_REG_CR0) | NORTH_ICPT(NORTH_REG_CR4) |                \
	 NORTH_ICPT(NORTH_REG_XCR0) | NORTH_ICPT(NORTH_REG_LSTAR) |             \
	 NORTH_ICPT(NORTH_REG_STAR) | NORTH_ICPT(NORTH_REG_CSTAR) |             \
	 NORTH_ICPT(NORTH_REG_APIC_BASE) | NORTH_ICPT(NORTH_REG_EFER) |         \
	 NORTH_ICPT(NORTH_REG_GDTR) | NORTH_ICPT(NORTH_REG_IDTR) |              \
	 NORTH_ICPT(NORTH_REG_LDTR) | NORTH_ICPT(NORTH_REG_TR) |                \
	 NORTH_ICPT(NORTH_REG_SYSENTER_CS) | NORTH_ICPT(NORTH_REG_SYSENTER_EIP) | \
	 NORTH_ICPT(NORTH_REG_SYSENTER_ESP) | NORTH_ICPT(NORTH_REG_SFMASK) |   \
	 NORTH_ICPT(NORTH_REG_MISC_ENABLE) | NORTH_ICPT(NORTH_REG_TSC_AUX) |    \
	 NORTH_ICPT(NORTH_REG_SGX_LC0) | NORTH_ICPT(NORTH_REG_SGX_LC1) |        \
	 NORTH_ICPT(NORTH_REG_SGX_LC2) | NORTH_ICPT(NORTH_REG_SGX_LC3))

/*
 * Install write intercepts on VP `vp`: every class in `classes` (a set of
 * NORTH_ICPT() bits, a subset of NORTH_ICPT_SUPPORTED) traps; for CR0, CR4
 * and IA32_MISC_ENABLE only writes that change a bit set in cr0_mask /
 * cr4_mask / misc_enable_mask trap (the hypervisor filters; every other
 * class traps on every write).  The SGX launch-control registers are one
 * hypervisor intercept: a South may require all four classes or none.
 * Replaces any earlier set.  -EINVAL for unsupported classes.
 */
int south_install_intercepts(unsigned int vp, uint64_t classes, uint64_t cr0_mask,
			     uint64_t cr4_mask, uint64_t misc_enable_mask);

/*
 * Make VTL0 on VP `vp` take exception `vector` (0..31) when it next runs;
 * `has_error_code` selects whether `error_code` is pushed.  Does not move
 * RIP.  Used for asynchronous reports only; intercept refusals go through
 * NORTH_DECIDE_DENY_GP which the South applies itself.
 */
int south_inject_exception(unsigned int vp, uint8_t vector, bool has_error_code,
			   uint32_t error_code);

/* ---------------------------------------------------------------- events */

enum north_event_type {
	NORTH_EV_NONE = 0,     /* "no previous event": first call on a CPU */
	NORTH_EV_VTL_CALL,     /* VTL0 made a VTL call */
	NORTH_EV_MEM_INTERCEPT, /* VTL0 accessed a page its permissions refuse */
	NORTH_EV_REG_INTERCEPT, /* VTL0 wrote an intercepted register (CR, DT) */
	NORTH_EV_MSR_INTERCEPT, /* VTL0 wrote an intercepted MSR */
	NORTH_EV_COUNT
};

/* Access kinds of a memory intercept. */
enum north_access { NORTH_ACCESS_READ = 0, NORTH_ACCESS_WRITE = 1, NORTH_ACCESS_EXEC = 2 };

/* What VTL0 gets after an intercept. */
enum north_decision {
	/* Refuse: inject #GP(0) into VTL0, RIP not advanced. The default. */
	NORTH_DECIDE_DENY_GP = 0,
	/* Register/MSR intercepts only: write the new value into VTL0's
	 * register on behalf of VTL0 and advance RIP by insn_len. */
	NORTH_DECIDE_EMULATE,
	/* Resume VTL0 at the same RIP without injecting anything (it retries
	 * the access; used after VTL1 relaxed a protection in audit mode). */
	NORTH_DECIDE_RETRY,
};

struct north_event {
	enum north_event_type type;
	unsigned int vp;
	union {
		struct {
			uint64_t id;      /* VTL0 RDI */
			uint64_t args[3]; /* VTL0 RSI, RDX, R8 */
			int64_t result;   /* set by the handler: written to VTL0 R8 */
		} call;
		struct {
			uint64_t gpa;
			uint64_t gva;
			uint64_t rip;
			enum north_access access;
			uint8_t insn_len;
			uint8_t cpl;
		} mem;
		struct {
			enum north_reg reg;        /* never NORTH_REG_NONE */
			struct north_reg_val value; /* the value VTL0 tried to write */
			uint64_t rip;
			uint8_t insn_len;
		} reg;
		struct {
			uint32_t msr;   /* ECX */
			uint64_t value; /* EDX:EAX */
			uint64_t rip;
			uint8_t insn_len;
			enum north_reg reg; /* filled by the North layer, may be NONE */
		} msr;
	};
	/* Set by the handler for intercept events (default DENY_GP). */
	enum north_decision decision;
};

/*
 * Complete the previous event of this CPU and wait for the next one.
 *
 * On entry *ev is either the event this function last returned on this CPU,
 * with the handler's answer filled in (call.result for a VTL call, decision
 * for an intercept), or has type NORTH_EV_NONE (first call on this CPU).
 * The South first completes it:
 *   VTL_CALL:      write call.result into VTL0's R8, return to VTL0;
 *   *_INTERCEPT:   apply ev->decision (DENY_GP: inject #GP(0), RIP kept;
 *                  EMULATE: set the register to reg.value / the MSR to
 *                  msr.value and advance RIP by insn_len; RETRY: resume
 *                  with nothing changed).  A South may treat EMULATE on a
 *                  memory intercept as DENY_GP.
 * then lets VTL0 run and returns when VTL0 next enters VTL1 on this CPU
 * with a call or a decoded intercept, which it stores in *ev (all fields of
 * the union member for that type; decision preset to DENY_GP, call.result
 * preset to -EINVAL).  Anything it cannot decode it logs and handles itself
 * (e.g. by injecting #GP) without returning.
 *
 * Only writes are delivered as register/MSR intercepts.  An intercepted MSR
 * write may come as NORTH_EV_MSR_INTERCEPT (msr number) or, when the
 * hypervisor reports it by register name (Hyper-V RegisterIntercept for
 * LSTAR ...), as NORTH_EV_REG_INTERCEPT with the matching NORTH_REG_*: the
 * policy engine treats both the same.
 *
 * Returns 0 with a new event, or a negative errno when no more events will
 * come on this CPU (the fake South's script ran out; a real South never
 * returns).
 */
int south_next_event(struct north_event *ev);

/* ------------------------------------------------------------ AP bring-up */

/*
 * ENABLE_APS_VTL and BOOT_APS are carried out by the South (EnableVpVtl with
 * VTL1's own initial context, per-AP stacks, the 0xDC boot signal): the
 * policy engine only forwards the VTL call's arguments.  Return 0 or a
 * negative errno that goes back to VTL0 unchanged.  A South without SMP
 * support returns -EOPNOTSUPP.
 */
int south_enable_aps_vtl(uint64_t arg0, uint64_t arg1, uint64_t arg2);
int south_boot_aps(uint64_t cpu_online_mask_pfn, uint64_t boot_signal_pfn, uint64_t arg2);

/* ------------------------------------------------------------------ time */

/* A monotonic, per-partition counter (the TSC) and its frequency in Hz. */
uint64_t south_now(void);
uint64_t south_ticks_per_sec(void);

#endif
