/* SPDX-License-Identifier: MIT */
/*
 * The VTL0 test kernel (tests/vtl0): an LVBS-style normal-world kernel that
 * loads vtlguard into VTL1 under hvsim, turns every protection on, keeps a
 * workload running, and then attacks itself.  See docs/testing.md.
 */
#ifndef TESTS_VTL0_VTL0_H
#define TESTS_VTL0_VTL0_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "tests/guestlib/guestlib.h"
#include "tests/vtl0/lvbs_loader.h"
#include "tests/vtl0/ring_walk.h"

#define VTL0_MAX_VPS 8 /* hvsim HVSIM_MAX_VPS: the profile suite boots 8 */
#define PAGE_SIZE 4096ull
#define MIB (1ull << 20)

/* LVBS VSM-call ids (docs/vtl-call-abi.md). */
#define VSM_ENABLE_APS_VTL       0x1FFE0ull
#define VSM_BOOT_APS             0x1FFE1ull
#define VSM_LOCK_REGS            0x1FFE2ull
#define VSM_SIGNAL_END_OF_BOOT   0x1FFE3ull
#define VSM_PROTECT_MEMORY       0x1FFE4ull
#define VSM_LOAD_KDATA           0x1FFE5ull
#define VSM_VALIDATE_MODULE      0x1FFE6ull
#define VSM_FREE_MODULE_INIT     0x1FFE7ull
#define VSM_UNLOAD_MODULE        0x1FFE8ull
#define VSM_COPY_SECONDARY_KEY   0x1FFE9ull
#define VSM_KEXEC_VALIDATE       0x1FFEAull
#define VSM_PATCH_TEXT           0x1FFEBull
#define VSM_ALLOC_RINGBUFFER     0x1FFECull
#define VTLG_GET_MEASUREMENTS    0x2FFE0ull
#define VTLG_GET_VIOLATIONS      0x2FFE1ull
#define VTLG_TEST_NOP            0x2FFF0ull /* test image only (vtl_protect/vtlp.h) */

#define ATTR_R 1ull
#define ATTR_W 2ull
#define ATTR_X 4ull
#define ATTR_IMMUTABLE 8ull

/* Linux errno values VTL1 answers with. */
#define E_PERM 1
#define E_NOENT 2
#define E_2BIG 7
#define E_ACCES 13
#define E_FAULT 14
#define E_BUSY 16
#define E_NODEV 19
#define E_INVAL 22
#define E_NOSPC 28
#define E_LOOP 40
#define E_NODATA 61
#define E_BADMSG 74
#define E_OPNOTSUPP 95
#define E_NOKEY 126
#define E_KEYREVOKED 128
#define E_KEYREJECTED 129

/* ---- guest memory plan (all identity mapped) ---- */
struct vtl0_mem {
	uint64_t region_pa, region_size; /* VTL1 */
	uint64_t scratch_pa, scratch_size; /* unprotected: call buffers, chains */
	uint64_t heap_pa, heap_size;       /* protected R|W: "heap" for attacks */
	uint64_t ring_pa, ring_size;       /* ALLOCATE_RINGBUFFER_MEMORY */
	uint64_t victim_pa;                /* unprotected pages used as range targets */
	uint64_t mod_pa, mod_size;         /* module/kexec load area (modules.c) */
};

struct vtl0_opts {
	char only[160];       /* run this case alone, or a list of names/prefixes */
	char skip[48];        /* trust test: leave out one protection step */
	unsigned long flood;  /* violations in the flood case */
	unsigned int vtl1_mb; /* VTL1 region size */
	bool default_policy;  /* do not pass tests/vtl0/suite-policy.dts */
	unsigned int late_ap; /* this AP skips LOCK_REGS before end of boot (0: none) */
	bool late_aps;        /* bring the APs into VTL1 only after end of boot */
	unsigned int lvbs;    /* lvbs=v2|v3|v4: the VTL0 generation imitated (default 3) */
	char firstcall[16];   /* firstcall=v1a|v1b|mixed|v4size|v3rsi: a first call vtlguard
			       * must refuse with an error in R8 (then -ENODEV), never hang */
	bool aps_late;        /* aps=late: PROTECT_MEMORY and the ring before BOOT_APS, and
			       * the RT5 signal-page attacks on the first BOOT_APS */
	bool vtl0_ram_known;  /* vtl0_ram=known: vtlguard's built-in policy names VTL0's
			       * RAM (vtl0-ram), so even lvbs=v4 has a memory map */
	bool verbose;
	bool list;            /* only=list: print the case names and descriptions, run nothing */
	unsigned int bad_words; /* words refused by parse_cmdline(): nothing runs */
	uint64_t policy_at;   /* policy=at:OFF: the policy DTB sits at blob + OFF (tests/vtl0/run --policy) */
	unsigned int audit;   /* audit=...: the policy classes that audit (VTL0_AUDIT_*) */
};
#define VTL0_AUDIT_MEM 1u
#define VTL0_AUDIT_CR  2u
#define VTL0_AUDIT_MSR 4u
#define VTL0_AUDIT_DT  8u

struct vtl0 {
	const struct hvsim_boot_info *bi;
	struct vtl0_opts opt;
	struct vtl0_mem mem;
	unsigned int nr_vps;
	uint64_t vtl_call_entry;    /* hypercall page + VTL-call offset */
	struct lvbs_elf_info elf;
	bool vtl1_up;               /* first VTL call returned 0 */
	bool aps_in_vtl1;
	bool protected_mem, locked, end_of_boot;
};
extern struct vtl0 v0;
extern int late_aps_result; /* vtl0_boot_aps_vtl1() after end of boot (late_aps) */

/* ---- linker symbols ---- */
extern char __vtl0_text_start[], __vtl0_text_end[], __vtl0_rodata_start[],
	__vtl0_rodata_end[], __vtl0_roai_start[], __vtl0_roai_end[], __vtl0_data_start[],
	__vtl0_data_end[], __vtl0_hcpage[];
#define __ro_after_init __attribute__((section(".data.ro_after_init")))

/* ---- asm.S ---- */
struct vtl_args {
	uint64_t rdi, rsi, rdx, r8;
};
void vtl0_vtl_call_raw(uint64_t entry, struct vtl_args *a);
void vtl0_ap_entry(void);
/* Probes guestlib lacks (gl_probe_* in tests/guestlib/guestlib.h has the rest:
 * write64, wrmsr, mov_cr0/cr4, lgdt/lidt, ltr). */
int probe_store8(volatile void *p, uint8_t v);
int probe_rep_movsb(volatile void *dst, const void *src, uint64_t n);
int probe_load8(const volatile void *p, uint8_t *out);
int probe_call(uint64_t target);
int probe_lldt(uint16_t sel);
extern char probe_store8_insn[], probe_rep_movsb_insn[], probe_load8_insn[], probe_lldt_insn[];
uint16_t vtl0_str(void);
uint16_t vtl0_sldt(void);
void vtl0_ltr(uint16_t sel);
void vtl0_invlpg(uint64_t va);
void vtl0_write_cr3(uint64_t v);
void vtl0_pause(void);
uint64_t vtl0_rdtsc(void);
uint64_t vtl0_syscall(uint64_t nr);
void vtl0_syscall_entry(void);
extern volatile uint64_t vtl0_syscall_count;
int vtl0_victim_fn(void);           /* in text: returns 42 */
extern char vtl0_victim_text[];     /* 64 bytes of text nobody executes */
int vtl0_static_key(void);          /* 0 while the jump-label site is a NOP, 1 when patched */
extern char vtl0_jl_site[], vtl0_jl_target[];
extern const char vtl0_policy_dtb[], vtl0_policy_dtb_end[];
/* modblobs.S: what tests/vtl0/mkmod.sh generated at build time */
extern const uint8_t vtl0_mod_good[], vtl0_mod_good_end[], vtl0_mod_other[], vtl0_mod_other_end[],
	vtl0_mod_revoked[], vtl0_mod_revoked_end[], vtl0_mod_blocked[], vtl0_mod_blocked_end[],
	vtl0_mod_certs[], vtl0_mod_certs_end[], vtl0_mod_revoked_cert[], vtl0_mod_revoked_cert_end[],
	vtl0_mod_blocklist[], vtl0_mod_blocklist_end[], vtl0_mod_kexec[], vtl0_mod_kexec_end[],
	vtl0_mod_jump[], vtl0_mod_jump_end[];
static inline uint64_t vtl0_policy_len(void)
{
	return (uint64_t)(uintptr_t)vtl0_policy_dtb_end - (uint64_t)(uintptr_t)vtl0_policy_dtb;
}

/* ---- vsm.c: hypercalls and VTL calls ---- */
int vsm_hv_init(void);                          /* hypercall page, per-VP io pages */
uint64_t vsm_get_reg(uint32_t name, uint64_t *val); /* HV status */
uint16_t vsm_enable_partition_vtl1(void);
uint16_t vsm_enable_vp_vtl1(const uint8_t ctx[LVBS_CTX_SIZE]);
uint16_t vsm_start_vp(unsigned int vp, const uint8_t ctx[LVBS_CTX_SIZE]);
int64_t vtl_call(uint64_t id, uint64_t a0, uint64_t a1, uint64_t a2);
unsigned int vtl0_vp_index(void);

/* ---- cpu.c: the normal-world kernel's own CPU state ---- */
void cpu_init_bsp(void);
void cpu_init_ap(unsigned int vp);
uint64_t cpu_alias_map(uint64_t pa);            /* writable alias VA of a page */
extern uint64_t cpu_gdt_desc_base;
extern uint16_t cpu_gdt_desc_limit;
#define SEL_CODE 0x08
#define SEL_DATA 0x10
#define SEL_TSS(vp) (0x18 + 16 * (vp))
#define SEL_TSS_SPARE SEL_TSS(VTL0_MAX_VPS)

/* ---- boot.c: the LVBS loader and boot sequence ---- */
int vtl0_plan_memory(void);
int vtl0_boot_vtl1(void);
int vtl0_start_aps(void);
int vtl0_boot_aps_vtl1(void);
/* firstcall=...: the refused-boot contract (boot.c); true when it ran. */
bool vtl0_refused_boot(void);
int vtl0_protect_kernel(void);
/* Entry i of a V3 PROTECT_MEMORY page: {pa >> 12, epa >> 12, perm}. */
void v3_entry_put(uint8_t *pg, unsigned int i, uint64_t pa, uint64_t epa, uint64_t perm);
int64_t vtl0_load_kdata(void);
int vtl0_lock_and_end_boot(void);
void *scratch_page(unsigned int idx);           /* page idx of the scratch area */
uint64_t pa_of(const volatile void *p);

/* ---- smp.c ---- */
typedef void (*vtl0_ap_fn)(void *arg);
void smp_run_on(unsigned int vp, vtl0_ap_fn fn, void *arg);
/* Start fn on VP vp (vp >= 1) without waiting; smp_wait() waits for it. */
void smp_start_on(unsigned int vp, vtl0_ap_fn fn, void *arg);
void smp_wait(unsigned int vp);
extern volatile uint64_t ap_ticks[VTL0_MAX_VPS];
extern volatile uint32_t ap_online[VTL0_MAX_VPS];
extern volatile uint8_t *volatile ap_boot_signal;
extern volatile uint32_t ap_vtl1_done[VTL0_MAX_VPS];
extern volatile uint32_t ap_go[VTL0_MAX_VPS]; /* V4: this AP may make its VTL call now */
extern volatile uint32_t ap_boot_stop;       /* BOOT_APS failed: spinning APs give up */
extern volatile uint64_t ap_vp_status[VTL0_MAX_VPS]; /* VsmVpStatus after its first call */
extern volatile int64_t ap_vtl1_result[VTL0_MAX_VPS];
void vtl0_ap_main(void);

/* ---- ring.c: VTL1's log ring and violation records ---- */
int ring_setup(void);
void ring_mark(void);
/* Finds a VIOLATION line newer than the mark containing every needle
 * (NULL-terminated list); copies it to out.  1 found, 0 not. */
int ring_find(char *out, size_t outlen, const char *const *needles);
unsigned int ring_count_records(const char *const *needles, const char *sub);
/* Needles match whole fields (line_has_field() in ring_walk.h). */
/* The log-ring line of violation record #seq since the mark; 1 found. */
int ring_find_record(uint64_t seq, char *out, size_t outlen);
/* The same for any log line (not only VIOLATION records). */
int ring_find_line(char *out, size_t outlen, const char *const *needles);
/* Every log line since the mark, printed (for the demo). */
void ring_dump_since(uint64_t head_from, const char *prefix);
void ring_dump_range(uint64_t from, uint64_t to, const char *prefix);
extern uint64_t flood_ring_from, flood_ring_to; /* the flood's part of the ring */
uint64_t ring_head(void);
uint64_t ring_records(void);
uint64_t ring_lost(void);
void ring_count_reset(void);
/* Sum over lines since the mark: VIOLATION lines with needle, and N from
 * "N <cls> violation reports were rate-limited". */
void ring_count(const char *needle, const char *cls, uint64_t *reported, uint64_t *limited);

/* ---- GET_VIOLATIONS (cases.c): VTL1's exact counters and newest records ---- */
#define VTL0_VIOL_CLASSES 7u /* mem-read mem-write mem-exec cr msr descriptor-table bad-call */
struct viol_rec {
	uint64_t seq, rip, addr, attempted;
	uint32_t cls, vp;
	uint8_t denied;
	char rule[40];
};
struct viol_snap {
	bool ok;
	uint64_t total, counts[VTL0_VIOL_CLASSES];
	uint32_t nrec;
	struct viol_rec rec[64]; /* oldest first */
};
bool viol_snapshot(struct viol_snap *s, const char **why);
int viol_class_index(const char *name);   /* "mem-write" -> 1, -1 if unknown */

/* ---- case helpers (cases.c) ---- */
struct vtl0_case {
	const char *name;
	void (*fn)(const struct vtl0_case *c);
	int phase;   /* CASE_BOOT: before end of boot, CASE_RUN: after */
	const char *what; /* one line for the demo report */
};
/* describe.c: descriptions of verdicts that are not cases (sub-checks) */
struct vtl0_desc {
	const char *pattern; /* "name", "*_suffix" or "prefix*" */
	const char *what;
	const char *doc;
};
extern const struct vtl0_desc vtl0_subchecks[];
const struct vtl0_desc *vtl0_subcheck_desc(const char *name);
#define CASE_BOOT 1
#define CASE_RUN 2

/*
 * Check an attack made since the last ring_mark(): it must have faulted with
 * #GP, and GET_VIOLATIONS must hold a new record of exactly this attempt:
 * the class needle ("class=.."), the VP (needle "vp=N", else the calling
 * VP), the faulting RIP (gl_last_fault.rip), and "gpa=/msr=/call=",
 * "attempted=", "rule=" when given; the class counter must have moved.  If
 * the record's line is in VTL1's log ring, every needle must be one of its
 * whole fields; needles GET_VIOLATIONS cannot show ("reg=CR4") require the
 * line.  faulted: the probe's return value.  Accounts one violation of the
 * class (see case_end()).
 */
void expect_refused(const char *name, int faulted, const char *const *needles);
/* The same, for an attack that tried to change something: unchanged is the
 * re-read after the attempt ("CR4 still holds its value"); a change FAILs
 * first, whatever VTL1 recorded.  Prefer this one in new cases: the caller
 * must write a value different from the current one, re-read, and restore
 * only when the write went through. */
void expect_refused_unchanged(const char *name, int faulted, bool unchanged, const char *what,
			      const char *const *needles);
/* After PROTECT_MEMORY asked R|W|X for the page at pa (answer r, `what` for
 * the message): the call succeeded, the page stays writable for VTL0, and
 * running it is refused and recorded (W+X is granted R|W, never X). */
void expect_wx_granted_rw_nx(const char *name, uint64_t pa, int64_t r, const char *what);
/* Check a VTL call answer: exactly -err, and (err != EOPNOTSUPP) a new
 * bad-call record with call=<id>, rule=<NAME>:<ERRNO>, from this VP. */
void expect_call_err(const char *name, int64_t got, int err, uint64_t id);
/* A case that checks violations by its own means declares them here
 * (class name, count), so the per-case and final accounting agree. */
void expect_violations(const char *cls, uint64_t n);
/* Snapshot VTL1's counters: the "mark" the verdicts compare against.
 * ring_mark() calls it; run_phase() calls case_begin()/case_end() around
 * each case and verdict_totals() at the end. */
void verdict_mark(void);
void case_begin(void);
void case_end(const char *name);
void verdict_totals(void);
void case_skip(const char *name, const char *why);
/* r == -EOPNOTSUPP: SKIP when VTL1 logged that call id is not built in, FAIL
 * otherwise (any other -EOPNOTSUPP is a refusal).  True: the case is over. */
bool unbuilt_call(const char *name, int64_t r, uint64_t id);
extern bool case_tentative, case_retry;
const char *errname(int64_t e);
void workload_tick(void);
void workload_init(void);
void workload_check(void);
void workload_mark_aps(void);

/* Needle helpers: formatted into a small static pool. */
const char *ndl(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void ndl_reset(void);

#endif
