// SPDX-License-Identifier: MIT
#include "arch/x86_64/reloc.h"

/*
 * Runs before the image is relocated, so it must not use any absolute
 * address itself: no global pointers, no switch tables.  Two passes: check
 * everything first so a bad table leaves the image untouched.
 */
size_t reloc_apply(uint8_t *image, size_t size, const struct elf64_rela *rela, size_t count,
		   uint64_t bias)
{
	for (size_t i = 0; i < count; i++) {
		uint32_t type = (uint32_t)rela[i].r_info;

		if (type == R_X86_64_NONE)
			continue;
		if (type != R_X86_64_RELATIVE || size < 8 || rela[i].r_offset > size - 8 ||
		    (rela[i].r_offset & 7))
			return i + 1;
	}
	for (size_t i = 0; i < count; i++) {
		if ((uint32_t)rela[i].r_info != R_X86_64_RELATIVE)
			continue;
		uint64_t v = bias + (uint64_t)rela[i].r_addend;

		__builtin_memcpy(image + rela[i].r_offset, &v, sizeof(v));
	}
	return 0;
}
