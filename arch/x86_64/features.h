/* SPDX-License-Identifier: MIT */
#ifndef ARCH_X86_64_FEATURES_H
#define ARCH_X86_64_FEATURES_H

#include <stdbool.h>
#include <stdint.h>

struct cpu_features {
	bool xsave, rdrand, hypervisor, smep, smap, umip, svm;
	uint64_t xcr0;
	uint32_t xsave_size;
};

extern struct cpu_features cpu_features;
void cpu_features_enable(void); /* on each CPU as it starts */

#endif
