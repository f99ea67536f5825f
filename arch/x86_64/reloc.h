/* SPDX-License-Identifier: MIT */
/*
 * Self-relocation of the position-independent image.  The image is linked at
 * virtual address 0; before it can run at its final virtual base it adds that
 * base to every R_X86_64_RELATIVE slot.  Any other relocation type means the
 * image was linked wrongly, so it is reported rather than guessed at.
 */
#ifndef ARCH_X86_64_RELOC_H
#define ARCH_X86_64_RELOC_H

#include <stddef.h>
#include <stdint.h>

struct elf64_rela {
	uint64_t r_offset;
	uint64_t r_info;
	int64_t r_addend;
};

#define R_X86_64_NONE     0
#define R_X86_64_RELATIVE 8

/*
 * Apply relocations to the image whose first byte is at `image` (size bytes).
 * Slots are patched through `image` (where the image is mapped now); values
 * use `bias` (where it will run). Returns 0, or the index+1 of the first bad
 * entry (unknown type or slot outside the image) without patching anything.
 */
size_t reloc_apply(uint8_t *image, size_t size, const struct elf64_rela *rela, size_t count,
		   uint64_t bias);

#endif
