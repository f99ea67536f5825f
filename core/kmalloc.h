/* SPDX-License-Identifier: MIT */
/*
 * Small-object allocator on top of the page allocator: power-of-two size
 * classes from 16 to 2048 bytes, one class per page; larger requests get
 * contiguous pages.  Every page starts with a header that records what it is,
 * so kfree() needs no size and rejects pointers it never handed out.
 */
#ifndef CORE_KMALLOC_H
#define CORE_KMALLOC_H

#include <stddef.h>

void *kmalloc(size_t n);
void *kzalloc(size_t n);
void kfree(void *p);
void kmalloc_reset(void); /* host tests only: drop every free list */

#endif
