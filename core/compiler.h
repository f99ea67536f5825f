/* SPDX-License-Identifier: MIT */
/* Small compiler helpers shared by every layer (host and freestanding). */
#ifndef CORE_COMPILER_H
#define CORE_COMPILER_H

#include <stddef.h>
#include <stdint.h>

#define ARRAY_SIZE(a)     (sizeof(a) / sizeof((a)[0]))
#define likely(x)         __builtin_expect(!!(x), 1)
#define unlikely(x)       __builtin_expect(!!(x), 0)
#define __packed          __attribute__((packed))
#define __aligned(n)      __attribute__((aligned(n)))
#define __noreturn        __attribute__((noreturn))
#define __unused          __attribute__((unused))
#define __printf(a, b)    __attribute__((format(printf, a, b)))
#define __section(s)      __attribute__((section(s)))
#define __must_check      __attribute__((warn_unused_result))
/*
 * Code on a world-switch path (an intercept, a VTL call, a hypercall, from
 * the entry to the return) of vtlguard and hvsim.  linker/image.ld puts it
 * all in one place of .text, so that a path runs from a few code pages and
 * not one or two per source file: under QEMU TCG every VMRUN and #VMEXIT
 * flushes the TLB, and each distinct page touched after it costs a page walk
 * (a two-dimensional one for a guest under NPT).  docs/performance.md.
 */
#define __fastpath        __section(".text.hot")
/* The small variables those paths read and write, for the same reason: one
 * page of .data (linker/image.ld) instead of one per source file. */
#define __fastdata        __section(".data.hot")
#define READ_ONCE(x)      (*(const volatile __typeof__(x) *)&(x))
#define WRITE_ONCE(x, v)  (*(volatile __typeof__(x) *)&(x) = (v))
#define barrier()         __atomic_signal_fence(__ATOMIC_SEQ_CST)

#define PAGE_SHIFT        12
#define PAGE_SIZE         (1UL << PAGE_SHIFT)
#define PAGE_MASK         (~(PAGE_SIZE - 1))
#define ALIGN_DOWN(x, a)  ((x) & ~((__typeof__(x))(a) - 1))
#define ALIGN_UP(x, a)    ALIGN_DOWN((x) + (a) - 1, (a))
#define IS_ALIGNED(x, a)  (((x) & ((__typeof__(x))(a) - 1)) == 0)
#define MIN(a, b)         ((a) < (b) ? (a) : (b))
#define MAX(a, b)         ((a) > (b) ? (a) : (b))

/* a + b without wrap-around: returns 0 and stores the sum, or -1 on wrap. */
static inline int add_overflows_u64(uint64_t a, uint64_t b, uint64_t *sum)
{
	return __builtin_add_overflow(a, b, sum) ? -1 : 0;
}

#endif
