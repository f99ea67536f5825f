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
	uint64_t entries;        /* VTL entries, for statistics */
};

extern struct boot_info lvbs_boot;
extern struct lvbs_cpu lvbs_cpus[];

/* VTL0 memory windows (window.c). */
int lvbs_window_copy(uint64_t gpa, void *buf, size_t len, bool write);

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
