// SPDX-License-Identifier: MIT
/*
 * Reading VTL1's log ring (ALLOCATE_RINGBUFFER_MEMORY, format in
 * docs/vtl-call-abi.md) from VTL0: this is how the suite checks that VTL1
 * *recorded* each refused attack (its "VIOLATION #n class=... " line).
 * The ring is read-only for VTL0, so reading it is all VTL0 can do.
 * Records are found by walking from a remembered head (the "mark") to the
 * current head; VTL1 writes a record before it advances head.
 */
#include "tests/vtl0/vtl0.h"
#include "tests/vtl0/ring_walk.h"

#include "core/fmt.h"

#define HDR RING_HDR_BYTES

static uint64_t mark_head;
static uint64_t count_head;
static bool ring_ok;

static const volatile uint8_t *ring(void)
{
	return (const volatile uint8_t *)(uintptr_t)v0.mem.ring_pa;
}

static uint64_t rd64v(uint64_t off)
{
	uint64_t v = 0;

	for (int i = 7; i >= 0; i--)
		v = v << 8 | ring()[off + (uint64_t)i];
	return v;
}

uint64_t ring_head(void) { return ring_ok ? rd64v(24) : 0; }
uint64_t ring_records(void) { return ring_ok ? rd64v(32) : 0; }
uint64_t ring_lost(void) { return ring_ok ? rd64v(40) : 0; }
static uint64_t data_size(void) { return rd64v(16); }

int ring_setup(void)
{
	const volatile uint8_t *r = ring();
	static const char magic[8] = "VTLGRING";
	bool ok = true;

	for (int i = 0; i < 8; i++)
		ok = ok && r[i] == (uint8_t)magic[i];
	ok = ok && data_size() == v0.mem.ring_size - HDR;
	gl_check(ok, "boot_ring_header", "no VTLGRING header (version 1, data_size %#llx) at %#llx",
		 (unsigned long long)(v0.mem.ring_size - HDR), (unsigned long long)v0.mem.ring_pa);
	ring_ok = ok;
	mark_head = count_head = ring_head();
	return ok ? 0 : -1;
}

/* Before an attack: remember the ring's head and VTL1's exact counters. */
void ring_mark(void)
{
	mark_head = ring_head();
	verdict_mark();
}

static const char *find(const char *hay, const char *needle)
{
	for (; *hay; hay++) {
		const char *h = hay, *n = needle;

		while (*n && *h == *n)
			h++, n++;
		if (!*n)
			return hay;
	}
	return *needle ? NULL : hay;
}

static bool contains(const char *hay, const char *needle)
{
	return find(hay, needle) != NULL;
}

static uint64_t walk(uint64_t from, uint64_t to, int (*fn)(const char *, void *), void *ctx,
		     bool *overrun)
{
	return ring_walk(ring() + HDR, data_size(), from, to, fn, ctx, overrun);
}

struct find_ctx {
	const char *const *needles;
	char *out;
	size_t outlen;
	bool found;
	bool any;     /* any line, not only VIOLATION records */
	bool counting; /* ring_count(): visit every match */
	unsigned int count;
	const char *sub; /* ring_count(): a substring the record must hold too */
};

static int find_fn(const char *text, void *arg)
{
	struct find_ctx *c = arg;

	if (!c->any && !line_has_field(text, "VIOLATION"))
		return 0;
	if (c->sub && !contains(text, c->sub))
		return 0;
	for (const char *const *n = c->needles; *n; n++) {
		/* a phrase (log lines only) is matched as it stands; anything
		 * else must be one whole field of the line */
		bool phrase = c->any && find(*n, " ") != NULL;

		if (phrase ? !contains(text, *n) : !line_has_field(text, *n))
			return 0;
	}
	c->found = true;
	c->count++;
	if (c->counting)
		return 0; /* keep walking */
	if (c->out && c->outlen) {
		size_t i = 0;

		for (; text[i] && i + 1 < c->outlen; i++)
			c->out[i] = text[i];
		c->out[i] = 0;
	}
	return 1;
}

static int find_common(char *out, size_t outlen, const char *const *needles, bool any)
{
	struct find_ctx c = { needles, out, outlen, false, any, false, 0, NULL };
	bool overrun;

	if (!ring_ok)
		return 0;
	walk(mark_head, ring_head(), find_fn, &c, &overrun);
	return c.found ? 1 : 0;
}

/* VIOLATION records since ring_mark() with every field in needles whose
 * text also holds the substring sub (e.g. "-late-vp-forced"). */
unsigned int ring_count_records(const char *const *needles, const char *sub)
{
	struct find_ctx c = { needles, NULL, 0, false, false, true, 0, sub };
	bool overrun;

	if (!ring_ok)
		return 0;
	walk(mark_head, ring_head(), find_fn, &c, &overrun);
	return c.count;
}

int ring_find(char *out, size_t outlen, const char *const *needles)
{
	return find_common(out, outlen, needles, false);
}

int ring_find_line(char *out, size_t outlen, const char *const *needles)
{
	return find_common(out, outlen, needles, true);
}

int ring_find_record(uint64_t seq, char *out, size_t outlen)
{
	char tag[24];
	const char *needles[] = { tag, NULL };

	snprintk(tag, sizeof(tag), "VIOLATION #%llu", (unsigned long long)seq);
	return find_common(out, outlen, needles, false);
}

struct count_ctx {
	const char *needle, *cls;
	uint64_t reported, limited;
};

static uint64_t leading_number(const char *s, const char **end)
{
	uint64_t v = 0;

	while (*s == ' ')
		s++;
	if (*s < '0' || *s > '9') {
		*end = NULL;
		return 0;
	}
	while (*s >= '0' && *s <= '9')
		v = v * 10 + (uint64_t)(*s++ - '0');
	*end = s;
	return v;
}

static int count_fn(const char *text, void *arg)
{
	struct count_ctx *c = arg;
	const char *p;

	if (line_has_field(text, "VIOLATION") && line_has_field(text, c->needle)) {
		c->reported++;
		return 0;
	}
	/* "vtlp: N mem-write violation reports were rate-limited" */
	p = find(text, "vtlp: ");
	if (p && contains(text, "violation reports were rate-limited") && contains(text, c->cls)) {
		const char *end;
		uint64_t n = leading_number(p + 6, &end);

		if (end)
			c->limited += n;
	}
	return 0;
}

void ring_count(const char *needle, const char *cls, uint64_t *reported, uint64_t *limited)
{
	struct count_ctx c = { needle, cls, 0, 0 };
	bool overrun;
	uint64_t to = ring_head();

	if (!ring_ok)
		return;
	count_head = walk(count_head == 0 ? mark_head : count_head, to, count_fn, &c, &overrun);
	if (overrun) {
		gl_printf("NOTE log ring overran while counting (read it more often)\n");
		count_head = to;
	}
	*reported += c.reported;
	*limited += c.limited;
}

void ring_count_reset(void)
{
	count_head = ring_head();
}

static int dump_fn(const char *text, void *arg)
{
	gl_printf("%s%s\n", (const char *)arg, text);
	return 0;
}

void ring_dump_range(uint64_t from, uint64_t to, const char *prefix)
{
	bool overrun;

	if (ring_ok)
		walk(from, to, dump_fn, (void *)prefix, &overrun);
	if (ring_ok && overrun)
		gl_printf("%s(lines %#llx..%#llx were overwritten)\n", prefix,
			  (unsigned long long)from, (unsigned long long)to);
}

void ring_dump_since(uint64_t head_from, const char *prefix)
{
	bool overrun;

	if (!ring_ok)
		return;
	walk(head_from, ring_head(), dump_fn, (void *)prefix, &overrun);
	if (overrun) {
		gl_printf("%s(older lines were overwritten; the newest follow)\n", prefix);
		walk(count_head, ring_head(), dump_fn, (void *)prefix, &overrun);
	}
}
