/* SPDX-License-Identifier: MIT */
#ifndef HVSIM_EXIT_H
#define HVSIM_EXIT_H
#include <stdbool.h>

#include "tools/hvsim/partition.h"
bool hvsim_handle_exit(struct hv_partition *p, struct hv_vp *vp);
void hvsim_dump_vmcb(struct hv_vp *vp, int vtl, const char *why);
#endif
