/* SPDX-License-Identifier: MIT */
/*
 * hvsim layer 1: the platform hooks the model allocates and translates
 * through (image: platform.c over core/page_alloc and arch's direct map;
 * host unit tests: fakes in tests/hvsim/test_hvsim_unit.c).
 */
#ifndef HVSIM_PLATFORM_H
#define HVSIM_PLATFORM_H

#include <stddef.h>
#include <stdint.h>

void *hv_alloc_pages(size_t npages);      /* zeroed, page aligned */
uint64_t hv_virt_to_phys(const void *p);
void *hv_phys_to_virt(uint64_t pa);

#endif
