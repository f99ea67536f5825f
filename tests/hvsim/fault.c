// SPDX-License-Identifier: MIT
/*
 * hvsim exit-path guest: the boot-info command line picks what to do, and
 * tests/hvsim/run-suite.sh checks the exit status tools/hvsim/run returns.
 *   exit42  -> status 42 through the exit port
 *   triple  -> triple fault: hvsim prints a VMCB dump, status 124
 *   mmio    -> touch a GPA outside guest RAM: dump, status 120
 *   crash   -> Hyper-V crash MSRs: status 122
 *   blob    -> check the blob (an ELF) is where boot info says: status 0
 */
#include "tests/guestlib/guestlib.h"
#include "tools/hvsim/hvdefs.h"

static int is(const char *a, const char *b)
{
	while (*a && *a == *b)
		a++, b++;
	return *a == *b;
}

int gl_main(const struct hvsim_boot_info *bi)
{
	const char *c = bi->cmdline;

	gl_printf("fault guest: '%s'\n", c);
	if (is(c, "exit42"))
		return 42;
	if (is(c, "triple")) {
		static const uint8_t none[10]; /* IDTR: limit 0, base 0 */
		gl_lidt(none);
		gl_probe_ud2(); /* #UD -> #DF -> shutdown: no IDT */
		return 1;
	}
	if (is(c, "mmio")) {
		volatile uint32_t *apic = (volatile uint32_t *)(uintptr_t)0xFEE00030ull;
		return (int)*apic;
	}
	if (is(c, "crash")) {
		gl_wrmsr(HV_X64_MSR_GUEST_CRASH_P0, 0x1234);
		gl_wrmsr(HV_X64_MSR_GUEST_CRASH_CTL, HV_CRASH_CTL_CRASH_NOTIFY_MASK);
		return 1;
	}
	if (is(c, "blob")) {
		const uint8_t *b = (const uint8_t *)(uintptr_t)bi->blob_gpa;
		GL_CHECK(bi->blob_gpa && (bi->blob_gpa & 0x1FFFFF) == 0 && bi->blob_gpa >= bi->image_end,
			 "blob_gpa_aligned_above_image");
		GL_CHECK(bi->blob_size > 64 && b[0] == 0x7F && b[1] == 'E' && b[2] == 'L' && b[3] == 'F',
			 "blob_is_the_file");
		GL_CHECK(bi->free_gpa >= bi->blob_gpa + bi->blob_size && (bi->free_gpa & 0x1FFFFF) == 0,
			 "free_gpa_above_blob");
		return gl_summary();
	}
	gl_printf("unknown command line\n");
	return 99;
}
