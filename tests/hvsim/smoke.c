// SPDX-License-Identifier: MIT
/* Smallest hvsim guest: boot info, console, CPUID, exit status. */
#include "tests/guestlib/guestlib.h"

int gl_main(const struct hvsim_boot_info *bi)
{
	uint32_t r[4];

	gl_printf("hello from VTL0, ram %llu MiB\n", (unsigned long long)(bi->ram_size >> 20));
	GL_CHECK_EQ(bi->magic, HVSIM_BOOT_MAGIC, "smoke_bootinfo_magic");
	gl_cpuid(0x40000000, 0, r);
	GL_CHECK_EQ(r[1], 0x7263694D, "smoke_cpuid_vendor");
	return gl_summary();
}
