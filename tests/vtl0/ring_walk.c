// SPDX-License-Identifier: MIT
/* Walking vtlguard's log ring; see ring_walk.h. */
#include "tests/vtl0/ring_walk.h"

#include <stddef.h>

uint64_t ring_walk(const volatile uint8_t *data, uint64_t data_size, uint64_t from, uint64_t to,
		   int (*fn)(const char *text, void *ctx), void *ctx, bool *overrun)
{
	uint64_t p = from;
	char text[RING_TEXT_MAX];

	*overrun = to < from || to - from > data_size;
	if (*overrun || data_size < RING_REC_HDR_BYTES || data_size % 8)
		return to;
	while (p < to) {
		uint64_t pos = p % data_size, room = data_size - pos, len;
		const volatile uint8_t *rec = data + pos;
		size_t n = 0;

		if (room < RING_REC_HDR_BYTES || rec[2] == 2) { /* pad: continue at offset 0 */
			p += room;
			continue;
		}
		len = (uint64_t)rec[0] | (uint64_t)rec[1] << 8;
		if (rec[2] != 1 || len < RING_REC_HDR_BYTES || len % 8 || len > room)
			break; /* torn or corrupt: stop here */
		while (n + 1 < sizeof(text) && RING_REC_HDR_BYTES + n < len &&
		       rec[RING_REC_HDR_BYTES + n]) {
			text[n] = (char)rec[RING_REC_HDR_BYTES + n];
			n++;
		}
		text[n] = 0;
		p += len;
		if (fn(text, ctx))
			return p;
	}
	return p;
}

/* Characters that continue a field: "vp=1" must not match inside "vp=10". */
static bool field_char(char ch)
{
	return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
	       ch == '_' || ch == '-' || ch == '.' || ch == ':' || ch == '=' || ch == '/' ||
	       ch == '#';
}

bool line_has_field(const char *line, const char *needle)
{
	size_t nl = 0;

	while (needle[nl])
		nl++;
	if (!nl)
		return false;
	for (const char *h = line; *h; h++) {
		size_t i = 0;

		while (i < nl && h[i] == needle[i])
			i++;
		if (i == nl && (h == line || !field_char(h[-1])) && !field_char(h[nl]))
			return true;
	}
	return false;
}
