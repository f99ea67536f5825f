/* SPDX-License-Identifier: MIT */
/* Internal interfaces of the LVBS South (image only). */
#ifndef SOUTH_LVBS_LVBS_H
#define SOUTH_LVBS_LVBS_H

#include <stdbool.h>
#include <stdint.h>
#include "hv/vtl_gprs.h"
#include "south_lvbs/bootinfo.h"

#define LVBS_SINT0_VECTOR 0x40

/*
 * ModifyVtlProtectionMask's TargetVtl names the VTL that owns the protection
 * (it applies to every lower VTL), as LVBS's and LiteBox's VTL1 pass it: VTL1,
 * here stated explicitly with the use-target-VTL bit.
 */
#define LVBS_PROTECTION_TARGET hv_input_vtl_of(HV_VTL1)


struct lvbs_cpu {
	struct hv_vtl_gprs gprs; /* VTL0's registers at the last entry */
	bool online;             /* this CPU serves VTL0 */
	bool enabled;            /* VTL1 enabled on this VP (smp.c, under its lock) */
	uint64_t entries;        /* VTL entries, for statistics */
};

extern struct boot_info lvbs_boot;

/*
 * Per-VP entry state: CPU 0's is static (the first call is served before
 * the boot information names the VP count); lvbs_cpus_alloc takes the rest,
 * and arch/'s and hv/'s per-CPU state, from the heap for that count, once,
 * before any AP is enabled.  lvbs_cpu_of is NULL beyond the count.
 */
int lvbs_cpus_alloc(unsigned int n);
struct lvbs_cpu *lvbs_cpu_of(unsigned int cpu);
struct lvbs_cpu *lvbs_this_cpu(void);

/* The page is VTL0 memory: below ram_end, not VTL1's, inside the policy's
 * vtl0-ram when it has one (south.c). */
bool lvbs_vtl0_page_ok(uint64_t page);

/* VTL0 memory windows (window.c). */
int lvbs_window_copy(uint64_t gpa, void *buf, size_t len, bool write);

/*
 * The one checked path for every South access at a VTL0-chosen address
 * (boot signal, CPU masks, the loader's policy DTB): reads refuse VTL1
 * memory; writes also refuse memory VTL1 protects and the log ring
 * (-EFAULT VTL1, -EACCES protected, -EINVAL wrap / past the memory map).
 */
int lvbs_vtl0_access(uint64_t gpa, void *buf, size_t len, bool write);
int lvbs_vtl0_check_write(uint64_t gpa, uint64_t len);
/* The policy engine's write check (takes its lock), set once it runs. */
void lvbs_set_vtl0_write_policy(bool (*fn)(uint64_t gpa, uint64_t len));

/* Self-protection (selfprotect.c): VTL0 loses all access to VTL1 memory. */
int lvbs_protect_self(void);
int lvbs_secure_config_vp(void);

/* APs (smp.c). */
void lvbs_ap_main(unsigned int cpu);

/* VTL return with VTL0's extended state restored; saved again on entry. */
uint32_t lvbs_vtl_return(struct lvbs_cpu *c);

/* Serve events on this CPU forever (the policy engine's loop). */
__attribute__((noreturn)) void lvbs_serve(void);

#endif
