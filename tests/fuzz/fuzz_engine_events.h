/* SPDX-License-Identifier: MIT */
/*
 * Shared by fuzz-synic and fuzz-policy: a small "booted kernel" on the
 * fake South (text RX+IMMUTABLE, rodata R, data RW, registers locked on both
 * VPs) and the checks on the engine's answer to one intercept event.
 */
#ifndef TESTS_FUZZ_FUZZ_ENGINE_EVENTS_H
#define TESTS_FUZZ_FUZZ_ENGINE_EVENTS_H

#include "north/south.h"

#define FZ_TEXT   0x200000ull /* 64 KiB RX IMMUTABLE */
#define FZ_RODATA 0x300000ull /* 64 KiB R */
#define FZ_DATA   0x400000ull /* 64 KiB RW */

/* Protect the three areas and LOCK_REGS on VP 0 and 1 (engine already up). */
void fz_boot_kernel(void);
/* Hand `ev` to the engine and check its decision against the policy. */
void fz_event(struct north_event *ev);

#endif
