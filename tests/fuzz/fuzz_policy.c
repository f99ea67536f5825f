// SPDX-License-Identifier: MIT
/*
 * libFuzzer harness: the policy DTB (vtl_protect/policy.c).  The loader
 * takes it from VTL0 memory at boot (vtlguard.policy=PA,LEN), so its bytes
 * are hostile.  Parse it; when accepted, start the engine with it, boot a
 * fake kernel and run a few intercepts, checking every decision against the
 * parsed policy.
 *
 * Input: the DTB.  The last 16 bytes double as two events' values (CR4 and
 * LSTAR writes) so the fuzzer can reach both allowed and refused writes.
 */
#include <string.h>

#include "core/errno.h"
#include "tests/fuzz/fuzz.h"
#include "tests/fuzz/fuzz_engine_events.h"
#include "vtl_protect/internal.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const int allowed[] = { -EINVAL, 0 };
	static const enum north_access acc[] = { NORTH_ACCESS_READ, NORTH_ACCESS_WRITE,
						 NORTH_ACCESS_EXEC };
	struct vtlp_policy pol;
	struct north_event ev;
	uint64_t v1 = 0, v2 = 0;
	int ret;

	ret = vtlp_policy_parse(data, size, &pol);
	fz_check_errno("vtlp_policy_parse", ret, allowed);
	if (ret)
		return 0;
	for (unsigned int c = 0; c < VTLP_P_COUNT; c++)
		FZ_ASSERT(pol.mode[c] == VTLP_ENFORCE || pol.mode[c] == VTLP_AUDIT,
			  "class %u mode %d", c, (int)pol.mode[c]);
	FZ_ASSERT(pol.action == VTLP_ACTION_GP || pol.action == VTLP_ACTION_GP_REPORT,
		  "action %d", (int)pol.action);
	FZ_ASSERT(!(pol.pinned_regs & ~(uint64_t)NORTH_ICPT_SUPPORTED),
		  "pinned classes %#llx not interceptable", (unsigned long long)pol.pinned_regs);

	ret = fz_engine_reset(data, size);
	FZ_ASSERT(ret == 0, "vtlp_init refused a policy vtlp_policy_parse accepted: %d", ret);
	FZ_ASSERT(memcmp(&vtlp.policy, &pol, sizeof(pol)) == 0,
		  "vtlp_init's policy differs from vtlp_policy_parse's");
	fz_boot_kernel();

	if (size >= 16) {
		memcpy(&v1, data + size - 16, 8);
		memcpy(&v2, data + size - 8, 8);
	}
	memset(&ev, 0, sizeof(ev));
	ev.type = NORTH_EV_REG_INTERCEPT;
	ev.reg.reg = NORTH_REG_CR4;
	ev.reg.value.value = v1;
	ev.reg.insn_len = 3;
	fz_event(&ev);

	memset(&ev, 0, sizeof(ev));
	ev.type = NORTH_EV_MSR_INTERCEPT;
	ev.vp = 1;
	ev.msr.msr = 0xC0000082; /* LSTAR */
	ev.msr.reg = NORTH_REG_LSTAR;
	ev.msr.value = v2;
	ev.msr.insn_len = 2;
	fz_event(&ev);

	memset(&ev, 0, sizeof(ev));
	ev.type = NORTH_EV_REG_INTERCEPT;
	ev.reg.reg = NORTH_REG_IDTR;
	ev.reg.value.value = v1;
	ev.reg.insn_len = 3;
	fz_event(&ev);

	for (unsigned int i = 0; i < 3; i++) {
		memset(&ev, 0, sizeof(ev));
		ev.type = NORTH_EV_MEM_INTERCEPT;
		ev.mem.gpa = (i == 0 ? FZ_TEXT : i == 1 ? FZ_RODATA : FZ_DATA) + 0x10 * i;
		ev.mem.access = acc[(v2 >> (2 * i)) % 3];
		ev.mem.insn_len = 3;
		fz_event(&ev);
	}
	return 0;
}
