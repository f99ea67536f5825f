// SPDX-License-Identifier: MIT
/*
 * hvsim's instruction view on top of the project decoder (decode.c): the
 * length, the MOV-to-CR / LLDT / LTR register operand, and the memory
 * operand's linear address, for a guest in 64-bit mode.
 */
#include "core/compiler.h"
#include "tools/hvsim/insn.h"

#include "tools/hvsim/decode.h"

__fastpath
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
	o->opcode = in.map == X86_MAP_1B && in.encoding == X86_ENC_LEGACY ? in.opcode : 0;
	o->reg = in.reg;
	o->opsize = in.opsize;
	o->imm = in.imm;
	o->imm_size = in.imm_size;
	o->mem_write = in.access == X86_ACC_WRITE;
	o->other_prefix = in.nprefixes > ((in.prefixes & X86_PFX_OPSIZE) ? 1 : 0);
	if (in.has_mem && x86_effective_address(&in, regs, rip + in.len, seg_base, &o->ea) == 0)
		o->has_mem = true;
	return 0;
}
