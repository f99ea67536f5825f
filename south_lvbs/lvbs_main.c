// SPDX-License-Identifier: MIT
/*
 * LVBS platform start.  For now: detect the Hyper-V VSM interface and stop
 * cleanly without it.  The VTL call loop follows in this layer.
 */
#include "arch/x86_64/cpu.h"
#include "core/log.h"
#include "south_lvbs/smoke.h"

void lvbs_main(const struct boot_handoff *h)
{
	struct cpuid_regs r = cpuid(1, 0);
	char vendor[13] = "";

	if (r.ecx >> 31 & 1) {
		struct cpuid_regs v = cpuid(0x40000000, 0);

		__builtin_memcpy(vendor, &v.ebx, 4);
		__builtin_memcpy(vendor + 4, &v.ecx, 4);
		__builtin_memcpy(vendor + 8, &v.edx, 4);
		vendor[12] = 0;
	}
	log_error("no Hyper-V VSM: hypervisor vendor is \"%s\" (need \"Microsoft Hv\" with "
		  "AccessVsm); nothing to protect, halting. Run vtlguard as LVBS's secure kernel "
		  "on Hyper-V, or under tools/hvsim.", vendor[0] ? vendor : "none");
	(void)h;
	arch_qemu_exit(SMOKE_EXIT_NO_VSM);
	halt_forever();
}
