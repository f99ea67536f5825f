// SPDX-License-Identifier: MIT
/*
 * Host helper for suite-decode: decodes the instruction at each offset read
 * from stdin (one decimal offset per line) in FILE and prints one line per
 * offset for tests/hvsim_decode/check.py to compare with objdump:
 *
 *   OFF RC LEN OP CR GPR HAS_MEM BASE INDEX SCALE DISP DISP_SIZE SEG MEMFLAGS ENC TRUNC
 *
 * (numbers in decimal, DISP signed).  TRUNC is "ok" when decoding the same
 * bytes from exact-size heap buffers of every shorter length returned -EFAULT
 * and the exact length gave the same result (so, under ASan, no over-read),
 * otherwise it names what went wrong.
 *
 * Usage: hvsim-decode-dump 64|32|16 FILE < offsets
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tools/hvsim/decode.h"

static const char *check_truncation(const uint8_t *p, size_t len, enum x86_mode mode,
				    const struct x86_insn *ref)
{
	struct x86_insn t;

	for (size_t k = 0; k <= len; k++) {
		uint8_t *buf = malloc(k ? k : 1);
		int rc;

		if (!buf)
			return "oom";
		memcpy(buf, p, k);
		rc = x86_decode(buf, k, mode, &t);
		free(buf);
		if (k < len && rc != -EFAULT)
			return "short-not-efault";
		if (k == len && (rc != 0 || t.len != ref->len || t.op != ref->op))
			return "exact-differs";
	}
	return "ok";
}

int main(int argc, char **argv)
{
	enum x86_mode mode;
	unsigned char *data;
	long size;
	FILE *f;
	char line[64];

	if (argc != 3) {
		fprintf(stderr, "usage: %s 64|32|16 FILE < offsets\n", argv[0]);
		return 2;
	}
	mode = !strcmp(argv[1], "64") ? X86_MODE_64 : !strcmp(argv[1], "32") ? X86_MODE_32 : X86_MODE_16;
	f = fopen(argv[2], "rb");
	if (!f) {
		perror(argv[2]);
		return 2;
	}
	data = NULL;
	if (fseek(f, 0, SEEK_END) || (size = ftell(f)) < 0 || fseek(f, 0, SEEK_SET) ||
	    !(data = malloc((size_t)size + 1)) || fread(data, 1, (size_t)size, f) != (size_t)size) {
		perror(argv[2]);
		fclose(f);
		free(data);
		return 2;
	}
	fclose(f);

	while (fgets(line, sizeof(line), stdin)) {
		long off = strtol(line, NULL, 10);
		struct x86_insn in;
		const char *trunc = "-";
		size_t avail;
		int rc;

		if (off < 0 || off >= size) {
			printf("%ld bad-offset\n", off);
			continue;
		}
		avail = (size_t)(size - off);
		rc = x86_decode(data + off, avail, mode, &in);
		if (rc) {
			printf("%ld %d 0 0 0 0 0 0 0 0 0 0 0 0 0 -\n", off, rc);
			continue;
		}
		trunc = check_truncation(data + off, in.len, mode, &in);
		printf("%ld 0 %u %u %u %u %u %u %u %u %lld %u %u %u %u %s\n", off, in.len, in.op, in.cr,
		       in.gpr, in.has_mem, in.mem.base, in.mem.index, in.mem.scale,
		       (long long)in.mem.disp, in.mem.disp_size, in.mem.seg, in.mem.flags, in.encoding,
		       trunc);
	}
	free(data);
	return 0;
}
