// SPDX-License-Identifier: MIT
/* Host tests of the VTL0 suite's log-ring walker (tests/vtl0/ring_walk.c). */
#include "tests/unit/unit.h"
#include "tests/vtl0/ring_walk.h"

#define DS 256

struct seen {
	unsigned int n;
	char text[8][64];
	unsigned int stop_after;
};

static int collect(const char *text, void *ctx)
{
	struct seen *s = ctx;

	if (s->n < 8)
		snprintf(s->text[s->n], sizeof(s->text[0]), "%s", text);
	s->n++;
	return s->stop_after && s->n == s->stop_after;
}

/* Append a record like vtlguard's writer does; returns the new head. */
static uint64_t put(uint8_t *data, uint64_t head, const char *text)
{
	size_t tl = strlen(text), len = (24 + tl + 1 + 7) & ~(size_t)7;
	uint64_t pos = head % DS, room = DS - pos;

	if (room < len) {
		if (room >= 3) {
			memset(data + pos, 0, room < 24 ? room : 24);
			data[pos] = (uint8_t)room;
			data[pos + 2] = 2; /* pad */
		}
		head += room;
		pos = 0;
	}
	memset(data + pos, 0, len);
	data[pos] = (uint8_t)len;
	data[pos + 1] = (uint8_t)(len >> 8);
	data[pos + 2] = 1;
	memcpy(data + pos + 24, text, tl);
	return head + len;
}

TEST(vtl0_ring_walk_records_and_wrap)
{
	uint8_t data[DS];
	struct seen s = { 0 };
	uint64_t head = 0, mark;
	bool over;

	memset(data, 0xEE, sizeof(data));
	head = put(data, head, "one");
	head = put(data, head, "VIOLATION #0 class=cr");
	CHECK_EQ(ring_walk(data, DS, 0, head, collect, &s, &over), head);
	CHECK(!over);
	CHECK_EQ(s.n, 2);
	CHECK_STR(s.text[1], "VIOLATION #0 class=cr");

	/* fill until the writer pads and wraps; walk from a mark across it */
	mark = head;
	head = put(data, head, "three, a longer line that needs room");
	head = put(data, head, "four, another longer line to force the pad");
	head = put(data, head, "five after the wrap");
	CHECK(head > DS);
	memset(&s, 0, sizeof(s));
	CHECK_EQ(ring_walk(data, DS, mark, head, collect, &s, &over), head);
	CHECK(!over);
	CHECK_EQ(s.n, 3);
	CHECK_STR(s.text[0], "three, a longer line that needs room");
	CHECK_STR(s.text[2], "five after the wrap");
}

TEST(vtl0_ring_walk_overrun_stop_and_corruption)
{
	uint8_t data[DS];
	struct seen s = { 0 };
	uint64_t head = 0;
	bool over;

	memset(data, 0, sizeof(data));
	head = put(data, head, "a");
	head = put(data, head, "b");
	head = put(data, head, "c");
	/* more than one data area between mark and head: boundaries lost */
	CHECK_EQ(ring_walk(data, DS, 0, DS + 8, collect, &s, &over), DS + 8);
	CHECK(over);
	CHECK_EQ(s.n, 0);
	CHECK(ring_walk(data, DS, 16, 8, collect, &s, &over) == 8 && over); /* to < from */
	/* the callback can stop the walk */
	s.stop_after = 2;
	CHECK_EQ(ring_walk(data, DS, 0, head, collect, &s, &over), 64);
	CHECK_EQ(s.n, 2);
	/* a torn record (bad kind, odd length) stops the walk where it is */
	memset(&s, 0, sizeof(s));
	data[32 + 2] = 7;
	CHECK_EQ(ring_walk(data, DS, 0, head, collect, &s, &over), 32);
	CHECK_EQ(s.n, 1);
	data[32 + 2] = 1;
	data[32] = 30; /* not a multiple of 8 */
	memset(&s, 0, sizeof(s));
	CHECK_EQ(ring_walk(data, DS, 0, head, collect, &s, &over), 32);
	/* text without NUL is bounded by the record length */
	memset(data, 'x', sizeof(data));
	data[0] = 32;
	data[1] = 0;
	data[2] = 1;
	memset(&s, 0, sizeof(s));
	CHECK_EQ(ring_walk(data, DS, 0, 32, collect, &s, &over), 32);
	CHECK_STR(s.text[0], "xxxxxxxx");
}

/* Needles match whole fields, never a prefix of a longer one (issue 19). */
TEST(vtl0_ring_needles_match_whole_fields)
{
	const char *l = "WARN : VIOLATION #12 class=mem-write vp=10 rip=0x20d49d "
			"gpa=0x10000 attr=0x5 rule=protected-write action=deny";

	CHECK(line_has_field(l, "VIOLATION"));
	CHECK(line_has_field(l, "#12"));
	CHECK(!line_has_field(l, "#1"));
	CHECK(line_has_field(l, "vp=10"));
	CHECK(!line_has_field(l, "vp=1"));
	CHECK(line_has_field(l, "gpa=0x10000"));
	CHECK(!line_has_field(l, "gpa=0x1000"));
	CHECK(!line_has_field(l, "class=mem"));
	CHECK(!line_has_field(l, "rule=protected"));
	CHECK(!line_has_field(l, "write"));
	CHECK(!line_has_field(l, "=mem-write"));
	CHECK(line_has_field(l, "action=deny"));
	CHECK(line_has_field(l, "vp=10 rip=0x20d49d"));
	CHECK(!line_has_field(l, ""));
	CHECK(line_has_field("modval: VP 0: module validated, token 5", "module validated"));
	CHECK(line_has_field("modval: VP 0: module validated, token 5", "token 5"));
	CHECK(!line_has_field("modval: VP 0: module validated, token 51", "token 5"));
	CHECK(!line_has_field("x subclass=cr", "class=cr"));
}
