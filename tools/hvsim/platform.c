// SPDX-License-Identifier: MIT
/*
 * hvsim layer 1: the platform hooks of platform.h over core's page
 * allocator and arch's direct map (the host unit tests have fakes).
 */
#include "tools/hvsim/platform.h"

#include "arch/x86_64/mm.h"
#include "core/page_alloc.h"

void *hv_alloc_pages(size_t npages)
{
	return page_alloc_contig(npages);
}

uint64_t hv_virt_to_phys(const void *p) { return virt_to_phys(p); }
void *hv_phys_to_virt(uint64_t pa) { return phys_to_virt(pa); }
