// SPDX-License-Identifier: MIT
/*
 * VTL0 touching VTL1 memory: read and write every kind of page in the VTL1
 * region (the loader's special pages, the image's text and data, free VTL1
 * RAM) and try to run vtlguard's own code.  VTL1 must have made all of it
 * inaccessible to VTL0 at boot (self-protection).  Writes store a byte
 * different from the one there (0xA5 ^ what a read returned, 0 if refused).
 */
#include "tests/vtl0/vtl0.h"

static uint64_t special(unsigned int pg) { return v0.mem.region_pa + pg * PAGE_SIZE + 16; }
static uint64_t t_gdt(void) { return special(LVBS_PG_GDT); }
static uint64_t t_pml4(void) { return special(LVBS_PG_PML4); }
static uint64_t t_pt(void) { return special(LVBS_PG_PT0 + 1); }
static uint64_t t_stack(void) { return special(LVBS_PG_STACK); }
static uint64_t t_bootparams(void) { return special(LVBS_PG_BOOT_PARAMS); }
static uint64_t t_cmdline(void) { return special(LVBS_PG_CMDLINE); }
static uint64_t t_image_text(void) { return v0.elf.entry_pa; }
static uint64_t t_image_data(void) { return (v0.elf.end_pa - PAGE_SIZE) & ~(PAGE_SIZE - 1); }
static uint64_t t_free(void) { return v0.mem.region_pa + v0.mem.region_size - PAGE_SIZE; }

static void read_case(const struct vtl0_case *c, uint64_t pa)
{
	uint8_t b = 0;
	const char *n[] = { "class=mem-read", ndl("gpa=%#llx", (unsigned long long)pa),
			    "rule=vtl1-memory-read", NULL };

	ring_mark();
	expect_refused(c->name, probe_load8((const volatile void *)(uintptr_t)pa, &b), n);
}

/*
 * Store a value different from what is there.  The read before it is
 * normally refused too (its mem-read is accounted); if the read works (read
 * protection broken), the write is verified by reading back and undone.
 */
static void write_case(const struct vtl0_case *c, uint64_t pa)
{
	volatile uint8_t *p = (volatile uint8_t *)(uintptr_t)pa;
	uint8_t b = 0, now = 0;
	const char *n[] = { "class=mem-write", ndl("gpa=%#llx", (unsigned long long)pa),
			    "rule=vtl1-memory-write", NULL };
	bool readable = !probe_load8(p, &b), unchanged = true;
	int f;

	if (!readable)
		expect_violations("mem-read", 1);
	ring_mark();
	f = probe_store8(p, (uint8_t)(b ^ 0xA5));
	if (readable && !probe_load8(p, &now) && now != b) {
		unchanged = false;
		probe_store8(p, b);
	}
	expect_refused_unchanged(c->name, f, unchanged, ndl("VTL1's byte at %#llx", (unsigned long long)pa), n);
}

#define RW_CASES(tag, fn)                                                              \
	static void read_##tag(const struct vtl0_case *c) { read_case(c, fn()); }      \
	static void write_##tag(const struct vtl0_case *c) { write_case(c, fn()); }
RW_CASES(gdt, t_gdt)
RW_CASES(pml4, t_pml4)
RW_CASES(pt, t_pt)
RW_CASES(stack, t_stack)
RW_CASES(bootparams, t_bootparams)
RW_CASES(cmdline, t_cmdline)
RW_CASES(image_text, t_image_text)
RW_CASES(image_data, t_image_data)
RW_CASES(free, t_free)

static void exec_image(const struct vtl0_case *c)
{
	uint64_t pa = v0.elf.entry_pa;
	const char *n[] = { "class=mem-exec", ndl("gpa=%#llx", (unsigned long long)pa),
			    "rule=vtl1-memory-exec", NULL };

	ring_mark();
	expect_refused(c->name, probe_call(pa), n);
}

const struct vtl0_case vtl0_cases_vtl1[] = {
	{ "vtl1_read_gdt_page", read_gdt, CASE_RUN, "read VTL1's GDT page" },
	{ "vtl1_write_gdt_page", write_gdt, CASE_RUN, "write VTL1's GDT page" },
	{ "vtl1_read_pml4", read_pml4, CASE_RUN, "read VTL1's boot PML4" },
	{ "vtl1_write_pml4", write_pml4, CASE_RUN, "write VTL1's boot PML4" },
	{ "vtl1_read_page_table", read_pt, CASE_RUN, "read a VTL1 boot page table" },
	{ "vtl1_write_page_table", write_pt, CASE_RUN, "write a VTL1 boot page table" },
	{ "vtl1_read_boot_stack", read_stack, CASE_RUN, "read VTL1's boot stack" },
	{ "vtl1_write_boot_stack", write_stack, CASE_RUN, "write VTL1's boot stack" },
	{ "vtl1_read_boot_params", read_bootparams, CASE_RUN, "read VTL1's boot_params" },
	{ "vtl1_write_boot_params", write_bootparams, CASE_RUN, "write VTL1's boot_params" },
	{ "vtl1_read_cmdline", read_cmdline, CASE_RUN, "read VTL1's command line page" },
	{ "vtl1_write_cmdline", write_cmdline, CASE_RUN, "write VTL1's command line page" },
	{ "vtl1_read_image_text", read_image_text, CASE_RUN, "read vtlguard's text" },
	{ "vtl1_write_image_text", write_image_text, CASE_RUN, "write vtlguard's text" },
	{ "vtl1_read_image_data", read_image_data, CASE_RUN, "read vtlguard's data" },
	{ "vtl1_write_image_data", write_image_data, CASE_RUN, "write vtlguard's data" },
	{ "vtl1_read_free_ram", read_free, CASE_RUN, "read VTL1's free RAM" },
	{ "vtl1_write_free_ram", write_free, CASE_RUN, "write VTL1's free RAM" },
	{ "vtl1_exec_image", exec_image, CASE_RUN, "jump into vtlguard's code" },
	{ NULL, NULL, 0, NULL },
};
