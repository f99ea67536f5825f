// SPDX-License-Identifier: MIT
/*
 * hvsim's instruction view on top of the project decoder (decode.c): the
 * length, the MOV-to-CR / LLDT / LTR register operand, and the memory
 * operand's linear address, for a guest in 64-bit mode.
 */
#include "tools/hvsim/insn.h"

#include "tools/hvsim/decode.h"

int hv_insn_decode(const uint8_t *b, unsigned int avail, const uint64_t regs[16], uint64_t rip,
		   uint64_t seg_base, struct hv_insn *o)
{
	struct x86_insn in;

	*o = (struct hv_insn){ 0 };
	if (x86_decode(b, avail, X86_MODE_64, &in))
		return -1;
	o->len = in.len;
	o->op = in.op;
	o->cr = in.cr;
	o->gpr = in.gpr;
	if (in.has_mem && x86_effective_address(&in, regs, rip + in.len, seg_base, &o->ea) == 0)
		o->has_mem = true;
	return 0;
}
