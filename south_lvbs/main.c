// SPDX-License-Identifier: MIT
/*
 * vtlguard's image_main: the first code of the VTL1 kernel proper, after
 * arch/ has built the address space.  It runs the library self-tests, then
 * looks for the Hyper-V VSM interface.  Without it (for instance a smoke boot
 * in stock QEMU) there is nothing to protect, and it says so and stops.
 */
#include <stdbool.h>
#include <string.h>
#include "arch/x86_64/boot.h"
#include "arch/x86_64/cpu.h"
#include "arch/x86_64/features.h"
#include "arch/x86_64/fpu.h"
#include "core/log.h"
#include "core/page_alloc.h"
#include "core/panic.h"
#include "core/selftest.h"
#include "south_lvbs/bootinfo.h"
#include "south_lvbs/smoke.h"

#ifndef VTLGUARD_VERSION
#define VTLGUARD_VERSION "0.1.0"
#endif

static int run_selftests(const struct boot_handoff *h)
{
	const char *why;
	int failed = 0;
	bool inject = h->kind == BOOT_PVH && boot_cmdline_has(h->cmdline, "vtlguard.inject=selftest");

	if (selftest_fdt(selftest_dtb, (size_t)((uintptr_t)selftest_dtb_end - (uintptr_t)selftest_dtb), &why) == 0 &&
	    !inject) {
		log_info("selftest libfdt: PASS (fdt_check_full on the embedded DTB)");
	} else {
		log_error("selftest libfdt: FAIL: %s", inject ? "failure injected by vtlguard.inject=selftest" : why);
		failed++;
	}
	if (selftest_sha256(&why) == 0) {
		log_info("selftest bearssl: PASS (SHA-256 known answer)");
	} else {
		log_error("selftest bearssl: FAIL: %s", why);
		failed++;
	}
	return failed;
}

void image_main(const struct boot_handoff *h)
{
	/* Under a VTL1 loader, VTL0's vector registers and XCR0 are live:
	 * keep them out of reach of anything VTL1 does (arch/x86_64/fpu.h). */
	if (h->kind == BOOT_LVBS) {
		if (fpu_init_cpu())
			panic("no memory for the extended-state save area");
		fpu_save_guest();
	}
	log_set_prefix("vtl1");
	log_info("vtlguard " VTLGUARD_VERSION " (%s entry), image at %#lx, %lu KiB, %lu KiB free",
		 h->kind == BOOT_PVH ? "PVH" : "LVBS", h->load_pa, h->image_size >> 10,
		 (unsigned long)(page_alloc_free_pages() * 4));
	log_info("cpu: smep=%d smap=%d umip=%d xsave=%d xcr0=%#lx", cpu_features.smep,
		 cpu_features.smap, cpu_features.umip, cpu_features.xsave, cpu_features.xcr0);

	if (run_selftests(h)) {
		log_error("self-tests failed: the image is broken, refusing to run");
		arch_qemu_exit(SMOKE_EXIT_SELFTEST_FAILED);
		halt_forever();
	}
	if (h->kind == BOOT_PVH && boot_cmdline_has(h->cmdline, "vtlguard.inject=fault")) {
		log_warn("injecting a page fault (vtlguard.inject=fault)");
		*(volatile uint64_t *)0xffffc7fffffff000UL = 1; /* unmapped: #PF */
	}

	lvbs_main(h);
}
