/* SPDX-License-Identifier: MIT */
/*
 * modcheck's input reader: a whole file into memory, decompressed when it is
 * an xz, zstd or gzip stream (how distributions ship .ko.xz, .ko.zst and
 * .ko.gz).  The format is told by the magic bytes, not by the file name.
 *
 * Every read is bounded: the file itself and its decompressed content must
 * each fit in `max` bytes, and decompression stops as soon as it would
 * produce more, so a decompression bomb costs at most `max` bytes of memory.
 */
#ifndef TOOLS_MODCHECK_DECOMPRESS_H
#define TOOLS_MODCHECK_DECOMPRESS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum mc_format { MC_RAW, MC_XZ, MC_ZSTD, MC_GZIP };

/* "raw", "xz", "zstd", "gzip". */
const char *mc_format_name(enum mc_format f);

/*
 * Read `path` (at most `max` bytes after decompression).  Returns a malloc'd
 * buffer and its length, or NULL with *why set: *io_error true when the
 * file could not be read at all (*why is then strerror's text, to complete
 * "cannot read FILE: ..."), false when its content is refused ("file larger
 * than the validation limit", "xz stream is corrupt ...").  *fmt is set
 * whenever the magic was recognised.
 */
uint8_t *mc_read_input(const char *path, size_t max, size_t *len, enum mc_format *fmt,
		       const char **why, bool *io_error);

#endif
