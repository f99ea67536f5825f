/* SPDX-License-Identifier: MIT */
/*
 * hvsim layer 3: per-VP state and the world switch (vp.c): VMCB set-up,
 * initial contexts, the VTL switch, what is injected at the next entry.
 */
#ifndef HVSIM_VP_H
#define HVSIM_VP_H

#include <stdbool.h>
#include <stdint.h>

#include "tools/hvsim/partition.h"

/* --- per-VP state (vp.c) --- */
int vp_init(struct hv_partition *p, struct hv_vp *vp, unsigned int index);
void vp_setup_vmcb(struct hv_partition *p, struct hv_vp *vp, int vtl);
bool vp_context_valid(const struct hv_partition *p, const struct hv_initial_vp_context *c);
int vp_load_initial_context(struct hv_vp *vp, int vtl, const struct hv_initial_vp_context *ctx);
void vp_update_intercepts(struct hv_partition *p, struct hv_vp *vp);
void vtl_switch(struct hv_partition *p, struct hv_vp *vp, int to_vtl, uint32_t reason);
void vp_prepare_entry(struct hv_partition *p, struct hv_vp *vp);
void vp_inject_exception(struct hv_vp *vp, int vtl, uint8_t vector, bool has_err, uint32_t err);
/* VTL0 of vp as INIT + SIPI leave it: real mode at vector:0000. */
void vp_start_real_mode(struct hv_vp *vp, uint8_t vector);
/* An NMI for vp's VTL0: delivered at its next entry into VTL0 (held while
 * VTL1 runs); from another CPU, vp's CPU is kicked. */
void vp_post_nmi(struct hv_partition *p, struct hv_vp *vp, struct hv_vp *from);
bool vp_cr_value_ok(const struct hv_partition *p, const struct vtl_ctx *c, int cr, uint64_t val);


/* An AP became runnable (image: main.c's scheduler; host tests: a fake). */
void hv_vp_kick(struct hv_vp *vp);

#endif
