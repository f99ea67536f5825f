// SPDX-License-Identifier: MIT
/*
 * Template: your own VTL0 program under hvsim, with vtlguard in VTL1.
 * Copy this directory, rename, and replace the steps after the boot with
 * your experiment (docs/testing.md, "Your own VTL0 program").
 *
 *   make build/template/template.elf
 *   tools/hvsim/run --blob build/vtlguard.elf build/template/template.elf
 *
 * gl_main() is called in VTL0 on VP 0, identity mapped, with hvsim's boot
 * information; its return value is the exit status.  gl_check() prints
 * PASS/FAIL lines and gl_summary() the closing "N passed, N failed".
 * `make suite-template` builds and runs this file, so it cannot rot.
 */
#include "tests/guestlib/guestlib.h"
#include "tests/guestlib/lvbs_boot.h"

/* VTL-call IDs (docs/vtl-call-abi.md) */
#define SIGNAL_END_OF_BOOT 0x1FFE3
#define PROTECT_MEMORY     0x1FFE4
#define GET_VIOLATIONS     0x2FFE1 /* vtlguard's own */
#define EPERM 1

static uint8_t buf[2 * 4096] __attribute__((aligned(4096)));

/* GET_VIOLATIONS: the total count (header offset 24), or -1 */
static int64_t violations(const struct gl_lvbs *l)
{
	int64_t r = gl_lvbs_call(l, GET_VIOLATIONS, (uint64_t)(uintptr_t)buf, sizeof(buf), 0);

	if (r < 96 || buf[0] != 'V' || buf[4] != 'V')
		return -1;
	return (int64_t)lvbs_get64(buf + 24);
}

int gl_main(const struct hvsim_boot_info *bi)
{
	struct gl_lvbs l;
	const char *why = "";
	int64_t r, before, after;

	gl_printf("template: %u VP(s), %llu MiB RAM\n", bi->nr_vps,
		  (unsigned long long)(bi->ram_size >> 20));

	/* 1. vtlguard into VTL1, the LVBS way (64 MiB region) */
	r = gl_lvbs_boot(bi, 64, NULL, &l, &why);
	gl_check(r == 0, "template_boot", "%s", why);
	if (r)
		return gl_summary();
	gl_printf("template: vtlguard up, region %#llx+%llu MiB, entry %#llx\n",
		  (unsigned long long)l.reg.pa, (unsigned long long)(l.reg.size >> 20),
		  (unsigned long long)l.elf.entry_pa);

	/* 2. your experiment; here: end of boot, then a boot-only call that
	 * vtlguard must refuse, and see it counted */
	before = violations(&l);
	gl_check(before >= 0, "template_get_violations", "GET_VIOLATIONS failed");
	r = gl_lvbs_call(&l, SIGNAL_END_OF_BOOT, 0, 0, 0);
	gl_check(r == 0, "template_end_of_boot", "SIGNAL_END_OF_BOOT: R8=%lld", (long long)r);
	gl_memset(buf, 0, sizeof(buf));
	r = gl_lvbs_call(&l, PROTECT_MEMORY, (uint64_t)(uintptr_t)buf, 1, 0);
	gl_check(r == -EPERM, "template_protect_after_eob_refused",
		 "PROTECT_MEMORY after end of boot: R8=%lld, expected -EPERM", (long long)r);
	after = violations(&l);
	gl_check(after == before + 1, "template_refusal_counted",
		 "vtlguard's violation total went %lld -> %lld, expected +1 (a bad-call)",
		 (long long)before, (long long)after);
	return gl_summary();
}
