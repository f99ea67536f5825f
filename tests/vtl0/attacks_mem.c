// SPDX-License-Identifier: MIT
/*
 * Memory attacks after end of boot: writes into protected text (plain
 * store, rep movs, through a writable alias mapping), rodata and
 * ro_after_init, the VTL1 log ring, and execution of data, stack, heap and
 * a freshly written page.  Every write stores a value different from the
 * one there and re-reads it: a write that landed is put back and FAILs.
 */
#include "tests/vtl0/vtl0.h"

const uint64_t *workload_rodata(void);
uint64_t *workload_roai(void);

static struct viol_snap flood_snap; /* too big for the stack */
static uint8_t data_code[64] __attribute__((aligned(64))) = { 0xC3 }; /* ret, in .data */

static void refused(const struct vtl0_case *c, int faulted, const char *cls, uint64_t gpa,
		    const char *rule)
{
	const char *n[] = { ndl("class=%s", cls), ndl("gpa=%#llx", (unsigned long long)gpa),
			    rule ? ndl("rule=%s", rule) : NULL, NULL };

	expect_refused(c->name, faulted, n);
}

/*
 * A write attack: store a value different from what is there (through
 * `at`, which may be an alias), re-read it through the kernel's own mapping
 * (`check`), and restore only if the write went through -- then FAIL.
 */
static void store8_case(const struct vtl0_case *c, volatile uint8_t *at,
			const volatile uint8_t *check,
			uint64_t gpa, const char *rule)
{
	uint8_t old = *check, now;
	const char *n[] = { "class=mem-write", ndl("gpa=%#llx", (unsigned long long)gpa),
			    ndl("rule=%s", rule), NULL };
	int f;

	ring_mark();
	f = probe_store8(at, (uint8_t)(old ^ 0xFF));
	now = *check;
	if (now != old)
		probe_store8(at, old);
	expect_refused_unchanged(c->name, f, now == old,
				 ndl("the byte at %#llx (%#x -> %#x)", (unsigned long long)gpa, old, now),
				 n);
}

static void store64_case(const struct vtl0_case *c, volatile uint64_t *at,
			 const volatile uint64_t *check, uint64_t gpa, const char *rule)
{
	uint64_t old = *check, now;
	const char *n[] = { "class=mem-write", ndl("gpa=%#llx", (unsigned long long)gpa),
			    ndl("rule=%s", rule), NULL };
	int f;

	ring_mark();
	f = gl_probe_write64(at, old ^ 0x5A5A5A5A5A5A5A5Aull);
	now = *check;
	if (now != old)
		gl_probe_write64(at, old);
	expect_refused_unchanged(c->name, f, now == old,
				 ndl("the word at %#llx (%#llx -> %#llx)", (unsigned long long)gpa,
				     (unsigned long long)old, (unsigned long long)now), n);
}

static void text_store(const struct vtl0_case *c)
{
	volatile uint8_t *p = (volatile uint8_t *)vtl0_victim_text + 8;

	store8_case(c, p, p, pa_of(p), "protected-write");
}

static void text_rep_movs(const struct vtl0_case *c)
{
	uint8_t orig[16], evil[16], now[16];
	const char *n[] = { "class=mem-write", ndl("gpa=%#llx",
			    (unsigned long long)pa_of(vtl0_victim_text + 16)),
			    "rule=protected-write", NULL };
	bool same = true;
	int f;

	gl_memcpy(orig, vtl0_victim_text + 16, sizeof(orig));
	for (unsigned int i = 0; i < sizeof(evil); i++)
		evil[i] = (uint8_t)(orig[i] ^ 0xFF);
	ring_mark();
	f = probe_rep_movsb(vtl0_victim_text + 16, evil, sizeof(evil));
	gl_memcpy(now, vtl0_victim_text + 16, sizeof(now));
	for (unsigned int i = 0; i < sizeof(now); i++)
		same = same && now[i] == orig[i];
	if (!same)
		probe_rep_movsb(vtl0_victim_text + 16, orig, sizeof(orig));
	expect_refused_unchanged(c->name, f, same, "the text bytes", n);
}

static void text_alias(const struct vtl0_case *c)
{
	volatile uint8_t *p = (volatile uint8_t *)vtl0_victim_text + 24;
	uint64_t pa = pa_of(p);

	store8_case(c, (volatile uint8_t *)(uintptr_t)cpu_alias_map(pa), p, pa, "protected-write");
}

static void text_patch_function(const struct vtl0_case *c)
{
	/* the classic: overwrite a live function's first bytes */
	volatile uint8_t *p = (volatile uint8_t *)(uintptr_t)vtl0_victim_fn;

	store8_case(c, p, p, pa_of(p), "protected-write");
}

static void rodata_write(const struct vtl0_case *c)
{
	volatile uint64_t *p = (volatile uint64_t *)(uintptr_t)workload_rodata();

	store64_case(c, p, p, pa_of(p), "protected-write");
}

/* ro_after_init is R|IMMUTABLE, or plain R under lvbs=v3 (V3's flat
 * PROTECT_MEMORY has no IMMUTABLE): the rule VTL1 names differs. */
static const char *roai_rule(void)
{
	return v0.opt.lvbs == 3 ? "protected-write" : "immutable-write";
}

static void roai_write(const struct vtl0_case *c)
{
	volatile uint64_t *p = workload_roai();

	store64_case(c, p, p, pa_of(p), roai_rule());
}

static void roai_alias_write(const struct vtl0_case *c)
{
	volatile uint64_t *p = workload_roai();
	uint64_t pa = pa_of(p);

	store64_case(c, (volatile uint64_t *)(uintptr_t)cpu_alias_map(pa), p, pa, roai_rule());
}

static void ring_write(const struct vtl0_case *c)
{
	/* a byte of the header's reserved tail: VTL1 never changes it, so a
	 * difference can only be this write */
	volatile uint8_t *p = (volatile uint8_t *)(uintptr_t)(v0.mem.ring_pa + 56);

	store8_case(c, p, p, pa_of(p), "ring-immutable-write");
}

/*
 * Flood one address with refused writes (past the per-class report rate)
 * and attack another within the same second: VTL1 reports the first
 * refusal per (class, address) whatever the rate limit says, so the
 * attack's line must be in the log ring ("action=deny" is checked on the
 * line itself, so the verdict requires it).
 */
static void flood_then_attack(const struct vtl0_case *c)
{
	volatile uint8_t *fl = (volatile uint8_t *)vtl0_victim_text + 48;
	volatile uint8_t *p = (volatile uint8_t *)vtl0_victim_text + 56;
	uint8_t fo = *fl, old = *p, now;
	const char *n[] = { "class=mem-write", ndl("gpa=%#llx", (unsigned long long)pa_of(p)),
			    "rule=protected-write", "action=deny", NULL };
	struct viol_snap *s = &flood_snap;
	const char *why;
	char line[240];
	uint64_t faults = 0;
	int f;

	for (int i = 0; i < 60; i++)
		faults += (uint64_t)probe_store8(fl, (uint8_t)(fo ^ 0xFF));
	if (*fl != fo) {
		probe_store8(fl, fo);
		gl_check(false, c->name, "the flood's writes into protected text went through");
		return;
	}
	expect_violations("mem-write", faults); /* the flood: counted, not each checked */
	if (!viol_snapshot(s, &why) || !s->nrec ||
	    ring_find_record(s->rec[s->nrec - 1].seq, line, sizeof(line))) {
		gl_check(false, c->name, "the flood's last refusal was reported (%s): the rate "
			 "limit never applied, so this case proves nothing", why ? why : "ok");
		return;
	}
	ring_mark();
	f = probe_store8(p, (uint8_t)(old ^ 0xFF));
	now = *p;
	if (now != old)
		probe_store8(p, old);
	expect_refused_unchanged(c->name, f, now == old, "the text byte", n);
}

static void exec_data(const struct vtl0_case *c)
{
	ring_mark();
	refused(c, probe_call(pa_of(data_code)), "mem-exec", pa_of(data_code), "protected-exec");
}

static void exec_stack(const struct vtl0_case *c)
{
	volatile uint8_t code[32];

	code[0] = 0xC3;
	ring_mark();
	refused(c, probe_call(pa_of(code)), "mem-exec", pa_of(code), "protected-exec");
}

static void exec_heap(const struct vtl0_case *c)
{
	volatile uint8_t *h = (volatile uint8_t *)(uintptr_t)(v0.mem.heap_pa + 64);

	h[0] = 0xC3;
	ring_mark();
	refused(c, probe_call(pa_of(h)), "mem-exec", pa_of(h), "protected-exec");
}

static void exec_fresh_page(const struct vtl0_case *c)
{
	/* write code (mov $1,%eax; ret) into a new page, then jump to it */
	static const uint8_t code[] = { 0xB8, 0x01, 0x00, 0x00, 0x00, 0xC3 };
	volatile uint8_t *h = (volatile uint8_t *)(uintptr_t)(v0.mem.heap_pa + 5 * PAGE_SIZE);

	for (unsigned int i = 0; i < sizeof(code); i++)
		h[i] = code[i];
	ring_mark();
	refused(c, probe_call(pa_of(h)), "mem-exec", pa_of(h), "protected-exec");
}

static void exec_copied_text(const struct vtl0_case *c)
{
	/* copy a real function into writable memory and run the copy */
	volatile uint8_t *h = (volatile uint8_t *)(uintptr_t)(v0.mem.heap_pa + 6 * PAGE_SIZE);

	for (unsigned int i = 0; i < 16; i++)
		h[i] = ((const uint8_t *)(uintptr_t)vtl0_victim_fn)[i];
	ring_mark();
	refused(c, probe_call(pa_of(h)), "mem-exec", pa_of(h), "protected-exec");
}

const struct vtl0_case vtl0_cases_mem[] = {
	{ "text_write_store", text_store, CASE_RUN, "plain store into protected text" },
	{ "text_write_rep_movs", text_rep_movs, CASE_RUN, "rep movsb into protected text" },
	{ "text_write_alias", text_alias, CASE_RUN, "store through a writable alias mapping of text" },
	{ "text_overwrite_function", text_patch_function, CASE_RUN, "overwrite a live function's first byte" },
	{ "rodata_write", rodata_write, CASE_RUN, "modify rodata after end of boot" },
	{ "ro_after_init_write", roai_write, CASE_RUN, "modify ro_after_init after end of boot" },
	{ "ro_after_init_write_alias", roai_alias_write, CASE_RUN, "modify ro_after_init through an alias" },
	{ "log_ring_write", ring_write, CASE_RUN, "rewrite VTL1's log ring (read-only for VTL0)" },
	{ "ratelimit_flood_then_attack", flood_then_attack, CASE_RUN,
	  "flood refused writes at one address, then attack another in the same second" },
	{ "exec_data", exec_data, CASE_RUN, "execute .data" },
	{ "exec_stack", exec_stack, CASE_RUN, "execute the stack" },
	{ "exec_heap", exec_heap, CASE_RUN, "execute the heap" },
	{ "exec_fresh_page", exec_fresh_page, CASE_RUN, "write code into a page, then run it" },
	{ "exec_copied_text", exec_copied_text, CASE_RUN, "copy a function into writable memory and run it" },
	{ NULL, NULL, 0, NULL },
};
