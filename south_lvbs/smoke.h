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

#endif
