/* SPDX-License-Identifier: MIT */
/*
 * Walking the records of vtlguard's log ring (format: docs/vtl-call-abi.md,
 * "ALLOCATE_RINGBUFFER_MEMORY").  Portable, so tests/vtl0/test_ring.c checks
 * it on the host; tests/vtl0/ring.c uses it on the live ring.
 */
#ifndef TESTS_VTL0_RING_WALK_H
#define TESTS_VTL0_RING_WALK_H

#include <stdbool.h>
#include <stdint.h>

#define RING_HDR_BYTES 64
#define RING_REC_HDR_BYTES 24
#define RING_TEXT_MAX 240

/*
 * Call fn(text, ctx) for each log record between byte positions from and to
 * ("head" values) of the data area `data` (data_size bytes).  Pad records
 * and a tail too short for a record header continue at offset 0.  fn
 * returning non-zero stops the walk.  Returns the position reached.  When
 * to - from exceeds data_size, records were overwritten and their
 * boundaries are lost: *overrun is set and nothing is walked.  A torn or
 * corrupt record stops the walk there.
 */
uint64_t ring_walk(const volatile uint8_t *data, uint64_t data_size, uint64_t from, uint64_t to,
		   int (*fn)(const char *text, void *ctx), void *ctx, bool *overrun);

/*
 * Whether needle is one whole field of line: it must start at the line's
 * start or after a character that cannot continue a field (space, comma,
 * quote ...), and end at the line's end or before one.  So "vp=1" never
 * matches "vp=10", "gpa=0x1000" never "gpa=0x10000", "class=cr" never
 * "subclass=cr"; multi-word needles ("module validated") work too.
 */
bool line_has_field(const char *line, const char *needle);

#endif
