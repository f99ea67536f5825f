// SPDX-License-Identifier: MIT
/*
 * libFuzzer harness: SynIC intercept messages (south_lvbs/regmap.c
 * lvbs_decode_message).  The hypervisor writes these, but every field in
 * them describes what VTL0 did (addresses, values, RIP), so the decoder is
 * fuzzed like VTL0 input.  A decoded event then goes to the real engine on
 * a booted fake kernel and its decision is checked against the policy.
 *
 * Input: u8 vp selector (vp = b % 3: VP 2 does not exist), then the 256-byte
 * message (shorter inputs are zero padded).
 */
#include <string.h>

#include "core/errno.h"
#include "south_lvbs/regmap.h"
#include "tests/fuzz/fuzz.h"
#include "tests/fuzz/fuzz_engine_events.h"
#include "vtl_protect/vtlp.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const int allowed[] = { -EBADMSG, -ENOENT, 0 };
	struct hv_message m;
	struct north_event ev;
	const char *why = NULL;
	unsigned int vp;
	int ret;

	if (size < 1)
		return 0;
	vp = data[0] % 3;
	memset(&m, 0, sizeof(m));
	memcpy(&m, data + 1, size - 1 < sizeof(m) ? size - 1 : sizeof(m));

	ret = lvbs_decode_message(&m, vp, &ev, &why);
	fz_check_errno("lvbs_decode_message", ret, allowed);
	if (ret) {
		FZ_ASSERT(why && *why, "decode failed (%d) without a reason", ret);
		return 0;
	}
	FZ_ASSERT(ev.vp == vp, "event for VP %u decoded on VP %u", ev.vp, vp);
	FZ_ASSERT(ev.decision == NORTH_DECIDE_DENY_GP, "decoded event not preset to DENY_GP");
	switch (ev.type) {
	case NORTH_EV_MEM_INTERCEPT:
		FZ_ASSERT((unsigned int)ev.mem.access <= NORTH_ACCESS_EXEC, "access %d",
			  (int)ev.mem.access);
		FZ_ASSERT(ev.mem.insn_len <= 15 && ev.mem.cpl <= 3, "insn_len %u cpl %u",
			  ev.mem.insn_len, ev.mem.cpl);
		break;
	case NORTH_EV_REG_INTERCEPT:
		FZ_ASSERT((unsigned int)ev.reg.reg < NORTH_REG_COUNT && ev.reg.reg != NORTH_REG_RIP &&
				  ev.reg.reg != NORTH_REG_CR3,
			  "register %d", (int)ev.reg.reg);
		FZ_ASSERT(ev.reg.insn_len >= 1 && ev.reg.insn_len <= 15, "insn_len %u",
			  ev.reg.insn_len);
		break;
	case NORTH_EV_MSR_INTERCEPT:
		FZ_ASSERT(ev.msr.insn_len >= 1 && ev.msr.insn_len <= 15, "insn_len %u",
			  ev.msr.insn_len);
		FZ_ASSERT(ev.msr.reg == NORTH_REG_NONE || (unsigned int)ev.msr.reg < NORTH_REG_COUNT,
			  "msr reg %d", (int)ev.msr.reg);
		break;
	default:
		fz_fail("decode returned 0 with event type %d", (int)ev.type);
	}
	if (vp >= 2)
		return 0; /* the fake partition has 2 VPs; the South never delivers others */
	ret = fz_engine_reset(NULL, 0);
	FZ_ASSERT(ret == 0, "engine start failed: %d", ret);
	fz_boot_kernel();
	fz_event(&ev);
	return 0;
}
