/* SPDX-License-Identifier: MIT */
/*
 * hvsim layer 2: VTL protections (prot.c): VTL1's per-page mask for VTL0,
 * kept in VTL0's nested page table.
 */
#ifndef HVSIM_PROT_H
#define HVSIM_PROT_H

#include <stdbool.h>
#include <stdint.h>

#include "tools/hvsim/partition.h"

/* --- VTL protection (prot.c) --- */
int prot_init(struct hv_partition *p);
int prot_set(struct hv_partition *p, uint64_t gfn, uint8_t mask);
uint8_t prot_get(const struct hv_partition *p, uint64_t gfn);
uint8_t prot_default_mask(const struct hv_partition *p);
void prot_reapply_default(struct hv_partition *p);
bool vtl0_may_access(const struct hv_partition *p, uint64_t gpa, uint64_t len, bool write);

#endif
