/* SPDX-License-Identifier: MIT */
/*
 * Boot self-tests of the two Debian libraries linked into the image: they
 * prove libfdt and BearSSL were linked correctly and work in the freestanding
 * environment (stack protector, fortify, SSE state) before VTL1 trusts them.
 */
#ifndef CORE_SELFTEST_H
#define CORE_SELFTEST_H

#include <stddef.h>

/* 0 on success, or a negative errno with *why set to a reason. */
int selftest_fdt(const void *dtb, size_t size, const char **why);
int selftest_sha256(const char **why);

extern const unsigned char selftest_dtb[];
extern const unsigned char selftest_dtb_end[];

#endif
