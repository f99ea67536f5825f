/* SPDX-License-Identifier: MIT */
/*
 * Boot a secure kernel in VTL1 the LVBS way, from a guestlib test guest in
 * VTL0: the reusable piece for your own VTL0 program (docs/testing.md, "Your
 * own VTL0 program"; a complete example is tests/template/template.c).
 *
 *   1. the special pages and the ELF's PT_LOAD segments in the VTL1 region
 *      (tests/vtl0/lvbs_loader.c: the LVBS V3 layout, host-tested by
 *      tests/vtl0/test_loader.c);
 *   2. GetVpRegisters(VsmCodePageOffsets), EnablePartitionVtl(1, MBEC),
 *      EnableVpVtl(self, 1, the loader's context);
 *   3. the first VTL call (RDI = 0, RSI = the region's boot_params).
 *
 * Single VP (the caller's); the hypercall page, input and output pages are
 * the helper's own.  Link tests/guestlib/lvbs_boot.c and
 * tests/vtl0/lvbs_loader.c with $(GUESTLIB_OBJS).
 */
#ifndef TESTS_GUESTLIB_LVBS_BOOT_H
#define TESTS_GUESTLIB_LVBS_BOOT_H

#include <stdint.h>

#include "tests/vtl0/lvbs_loader.h"
#include "tools/hvsim/bootinfo.h"

struct gl_lvbs {
	struct lvbs_region reg;   /* where VTL1 lives */
	struct lvbs_elf_info elf; /* where its segments landed */
	uint64_t vtl_call;        /* the hypercall page's VTL-call entry */
};

/*
 * Load the ELF hvsim placed at bi->blob_gpa (tools/hvsim/run --blob) into a
 * VTL1 region of region_mb MiB at the first 2 MiB boundary at or above
 * bi->free_gpa, turn VTL1 on and make the first VTL call.  cmdline_extra is
 * appended to the secure kernel's command line (NULL: nothing).  Returns 0,
 * or -1 with *why saying which step failed.
 */
int gl_lvbs_boot(const struct hvsim_boot_info *bi, unsigned int region_mb,
		 const char *cmdline_extra, struct gl_lvbs *out, const char **why);

/*
 * The same boot into a region the caller chose: l->reg is filled in (gen,
 * pa, size, ram_size, possible_cpus, cmdline_extra; the region must be RAM
 * nothing else uses, e.g. taken out of a VTL0 kernel's e820 as
 * tests/linux/stage.c does); l->elf and l->vtl_call are set here.
 */
int gl_lvbs_boot_region(const struct hvsim_boot_info *bi, struct gl_lvbs *l, const char **why);

/* A VTL call after boot: RDI = id, RSI/RDX/R8 = a0..a2; returns R8. */
int64_t gl_lvbs_call(const struct gl_lvbs *l, uint64_t id, uint64_t a0, uint64_t a1, uint64_t a2);

#endif
