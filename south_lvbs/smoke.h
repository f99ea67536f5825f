/* SPDX-License-Identifier: MIT */
#ifndef SOUTH_LVBS_SMOKE_H
#define SOUTH_LVBS_SMOKE_H

#include <stddef.h>
#include <string.h>
#include "arch/x86_64/boot.h"

/*
 * Exit codes for stock QEMU's isa-debug-exit (QEMU exits with code*2+1).
 * Only PVH boots use them; under Hyper-V nothing is written.
 */
#define SMOKE_EXIT_NO_VSM           0x10 /* QEMU status 33: booted fine, no VSM */
#define SMOKE_EXIT_SELFTEST_FAILED  0x11 /* 35 */
#define SMOKE_EXIT_PANIC            0x12 /* 37 (arch/x86_64/panic.c) */

void lvbs_main(const struct boot_handoff *h);

static inline const char *strstr_simple(const char *hay, const char *needle)
{
	size_t n = strlen(needle);

	for (; *hay; hay++)
		if (strncmp(hay, needle, n) == 0)
			return hay;
	return NULL;
}

#endif
