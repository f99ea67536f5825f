/* SPDX-License-Identifier: MIT */
/*
 * hvsim layer 2: guest memory (guestmem.c), the one checked path from a
 * guest-chosen address to hvsim's pointer.
 */
#ifndef HVSIM_GUESTMEM_H
#define HVSIM_GUESTMEM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "tools/hvsim/partition.h"

/* --- guest memory (guestmem.c) --- */
void *gpa_ptr(struct hv_partition *p, uint64_t gpa, uint64_t len);
bool hv_refusal_log_due(unsigned long *count); /* rate limit for "refused:" lines */
/* THE checked path for every access at a guest-chosen GPA (guestmem.c). */
void *gpa_access(struct hv_partition *p, int vtl, uint64_t gpa, uint64_t len, bool write,
		 const char *what);
int gva_to_gpa(struct hv_partition *p, int vtl, const struct vmcb *v, uint64_t gva, bool write,
	       uint64_t *gpa);
int guest_read_virt(struct hv_partition *p, int vtl, const struct vmcb *v, uint64_t gva,
		    void *dst, size_t n);

#endif
