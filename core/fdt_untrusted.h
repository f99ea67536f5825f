/* SPDX-License-Identifier: MIT */
/*
 * Checks a flattened device tree that came from VTL0 before any libfdt call
 * looks at it.  Debian's libfdt 1.6.1 is not safe on hostile blobs: its
 * fdt_check_full() dereferences NULL on versions 2..15 and loops forever when
 * an FDT_PROP length wraps the offset back into the structure block.  This
 * walk is bounded by the structure block's size, checks every length against
 * what is left, and only then hands the blob to fdt_check_full().
 */
#ifndef CORE_FDT_UNTRUSTED_H
#define CORE_FDT_UNTRUSTED_H

#include <stddef.h>

/* 0, or -EINVAL with *why set.  The blob must be 8-byte aligned (libfdt). */
int fdt_check_untrusted(const void *blob, size_t len, const char **why);

#endif
