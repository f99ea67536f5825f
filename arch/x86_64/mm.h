/* SPDX-License-Identifier: MIT */
/*
 * The image's own address space: the image at IMAGE_VBASE, a direct map of
 * the RAM the image owns at DIRECT_MAP_BASE (never aliasing the image, so
 * text stays unwritable), stacks with guard pages at STACKS_VBASE, and
 * on-demand windows at WINDOWS_VBASE.
 */
#ifndef ARCH_X86_64_MM_H
#define ARCH_X86_64_MM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "arch/x86_64/paging.h"

uint64_t virt_to_phys(const void *va); /* ~0 if unmapped */
void *phys_to_virt(uint64_t pa);       /* direct map or image; NULL if neither */
bool phys_is_image(uint64_t pa, uint64_t size);

/* Map/unmap in the live address space (flushes the TLB as needed). */
int mm_map(uint64_t va, uint64_t pa, uint64_t size, unsigned perm);
long mm_unmap(uint64_t va, uint64_t size);
bool mm_lookup(uint64_t va, uint64_t *pte, uint64_t *page_size);

/* A fresh stack of `pages` pages between two unmapped guard pages. Returns
 * the stack top (16-byte aligned) or 0. */
uint64_t mm_alloc_stack(size_t pages);

/* Image layout (virtual). */
uint64_t mm_image_load_pa(void);
uint64_t mm_image_size(void);
uint64_t mm_cr3(void);

#endif
