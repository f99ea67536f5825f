// SPDX-License-Identifier: MIT
#include <libfdt.h>
#include <stdint.h>
#include "core/compiler.h"
#include "core/errno.h"
#include "core/fdt_untrusted.h"

static int fail(const char **why, const char *msg)
{
	*why = msg;
	return -EINVAL;
}

static uint32_t be32_at(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* Walk the structure block [0, size): every tag and length in bounds. */
static int walk(const uint8_t *s, uint32_t size, uint32_t strings_size, const char **why)
{
	uint32_t off = 0;
	int depth = 0;

	while (off <= size - 4) {
		uint32_t tag = be32_at(s + off);

		off += 4;
		switch (tag) {
		case FDT_BEGIN_NODE: {
			uint32_t n = 0;

			while (off + n < size && s[off + n])
				n++;
			if (off + n >= size)
				return fail(why, "FDT node name runs past the structure block");
			off += ALIGN_UP(n + 1, 4u);
			if (++depth > 64)
				return fail(why, "FDT nests deeper than 64 nodes");
			break;
		}
		case FDT_END_NODE:
			if (--depth < 0)
				return fail(why, "FDT closes a node it never opened");
			break;
		case FDT_PROP: {
			uint32_t len, nameoff;

			if (size - off < 8)
				return fail(why, "FDT property header runs past the structure block");
			len = be32_at(s + off);
			nameoff = be32_at(s + off + 4);
			off += 8;
			if (len > size - off)
				return fail(why, "FDT property length runs past the structure block");
			if (nameoff >= strings_size)
				return fail(why, "FDT property name is outside the strings block");
			off += ALIGN_UP(len, 4u);
			break;
		}
		case FDT_NOP:
			break;
		case FDT_END:
			return depth == 0 ? 0 : fail(why, "FDT ends inside a node");
		default:
			return fail(why, "FDT has an unknown structure tag");
		}
		if (off > size)
			return fail(why, "FDT structure runs past its block");
	}
	return fail(why, "FDT structure block has no FDT_END");
}

int fdt_check_untrusted(const void *blob, size_t len, const char **why)
{
	const uint8_t *b = blob;
	uint32_t total, off_struct, size_struct, off_strings, size_strings;

	if (((uintptr_t)blob & 7) != 0)
		return fail(why, "FDT is not 8-byte aligned");
	if (len < sizeof(struct fdt_header) || len > INT32_MAX)
		return fail(why, "FDT is smaller than its header or larger than 2 GiB");
	if (fdt_magic(blob) != FDT_MAGIC)
		return fail(why, "not a flattened device tree (bad magic)");
	if (fdt_version(blob) < 17 || fdt_last_comp_version(blob) > 17)
		return fail(why, "FDT version is not 17 (compile with dtc -O dtb)");
	total = fdt_totalsize(blob);
	off_struct = fdt_off_dt_struct(blob);
	size_struct = fdt_size_dt_struct(blob);
	off_strings = fdt_off_dt_strings(blob);
	size_strings = fdt_size_dt_strings(blob);
	if (total > len || total < sizeof(struct fdt_header))
		return fail(why, "FDT totalsize is larger than the blob");
	if (off_struct > total || size_struct > total - off_struct || (off_struct & 3) ||
	    (size_struct & 3) || size_struct < 4)
		return fail(why, "FDT structure block is outside the blob or misaligned");
	if (off_strings > total || size_strings > total - off_strings)
		return fail(why, "FDT strings block is outside the blob");
	if (walk(b + off_struct, size_struct, size_strings, why))
		return -EINVAL;
	if (fdt_check_full(blob, total) != 0)
		return fail(why, "FDT fails fdt_check_full");
	*why = "ok";
	return 0;
}
