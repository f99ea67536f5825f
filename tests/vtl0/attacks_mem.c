// SPDX-License-Identifier: MIT
/*
 * Memory attacks after end of boot: writes into protected text (plain
 * store, rep movs, through a writable alias mapping), rodata and
 * ro_after_init, the VTL1 log ring, and execution of data, stack, heap and
 * a freshly written page.  Every write stores the byte that is already
 * there, so a protection that fails corrupts nothing and the suite can go on
 * to report it.
 */
#include "tests/vtl0/vtl0.h"

const uint64_t *workload_rodata(void);
uint64_t *workload_roai(void);

static uint8_t data_code[64] __attribute__((aligned(64))) = { 0xC3 }; /* ret, in .data */

static void refused(const struct vtl0_case *c, int faulted, const char *cls, uint64_t gpa,
		    const char *rule)
{
	const char *n[] = { ndl("class=%s", cls), ndl("gpa=%#llx", (unsigned long long)gpa),
			    rule ? ndl("rule=%s", rule) : NULL, NULL };

	expect_refused(c->name, faulted, n);
}

static void text_store(const struct vtl0_case *c)
{
	volatile uint8_t *p = (volatile uint8_t *)vtl0_victim_text + 8;

	ring_mark();
	refused(c, probe_store8(p, *p), "mem-write", pa_of(p), "protected-write");
}

static void text_rep_movs(const struct vtl0_case *c)
{
	uint8_t copy[16];

	gl_memcpy(copy, vtl0_victim_text + 16, sizeof(copy));
	ring_mark();
	refused(c, probe_rep_movsb(vtl0_victim_text + 16, copy, sizeof(copy)), "mem-write",
		pa_of(vtl0_victim_text + 16), "protected-write");
}

static void text_alias(const struct vtl0_case *c)
{
	uint64_t pa = pa_of(vtl0_victim_text + 24);
	volatile uint8_t *alias = (volatile uint8_t *)(uintptr_t)cpu_alias_map(pa);

	ring_mark();
	refused(c, probe_store8(alias, *alias), "mem-write", pa, "protected-write");
}

static void text_patch_function(const struct vtl0_case *c)
{
	/* the classic: overwrite a live function's first bytes */
	volatile uint8_t *p = (volatile uint8_t *)(uintptr_t)vtl0_victim_fn;

	ring_mark();
	refused(c, probe_store8(p, *p), "mem-write", pa_of(p), "protected-write");
}

static void rodata_write(const struct vtl0_case *c)
{
	volatile uint64_t *p = (volatile uint64_t *)(uintptr_t)workload_rodata();

	ring_mark();
	refused(c, gl_probe_write64(p, *p), "mem-write", pa_of(p), "protected-write");
}

static void roai_write(const struct vtl0_case *c)
{
	volatile uint64_t *p = workload_roai();

	ring_mark();
	refused(c, gl_probe_write64(p, *p), "mem-write", pa_of(p), "immutable-write");
}

static void roai_alias_write(const struct vtl0_case *c)
{
	uint64_t pa = pa_of(workload_roai());
	volatile uint64_t *alias = (volatile uint64_t *)(uintptr_t)cpu_alias_map(pa);

	ring_mark();
	refused(c, gl_probe_write64(alias, *alias), "mem-write", pa, "immutable-write");
}

static void ring_write(const struct vtl0_case *c)
{
	volatile uint8_t *p = (volatile uint8_t *)(uintptr_t)(v0.mem.ring_pa + 24); /* head */

	ring_mark();
	refused(c, probe_store8(p, *p), "mem-write", pa_of(p), "ring-immutable-write");
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
	{ "exec_data", exec_data, CASE_RUN, "execute .data" },
	{ "exec_stack", exec_stack, CASE_RUN, "execute the stack" },
	{ "exec_heap", exec_heap, CASE_RUN, "execute the heap" },
	{ "exec_fresh_page", exec_fresh_page, CASE_RUN, "write code into a page, then run it" },
	{ "exec_copied_text", exec_copied_text, CASE_RUN, "copy a function into writable memory and run it" },
	{ NULL, NULL, 0, NULL },
};
