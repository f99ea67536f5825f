/* SPDX-License-Identifier: MIT */
/*
 * hvsim's view of one decoded guest instruction: what intercept handling
 * needs (length, classification, the register operand of MOV CR/LLDT/LTR and
 * the memory operand's linear address).  Backed by tools/hvsim/decode.c.
 */
#ifndef HVSIM_INSN_H
#define HVSIM_INSN_H

#include <stdbool.h>
#include <stdint.h>

struct hv_insn {
	uint8_t len;
	uint8_t op;           /* enum x86_op (decode.h) */
	uint8_t cr;           /* MOV CR: control register number */
	uint8_t gpr;          /* MOV CR / LLDT / LTR register operand or X86_REG_NONE */
	bool has_mem;
	uint64_t ea;          /* linear address of the memory operand */
	/* for emulating a plain store (MMIO): the one-byte opcode, ModRM.reg
	 * with REX.R, operand size, immediate and its size, whether it
	 * writes its memory operand and has a prefix beyond operand size */
	uint8_t opcode, reg, opsize, imm_size;
	uint64_t imm;
	bool mem_write, other_prefix;
};

/* regs[16] in x86 order rax..r15; rip is the instruction's RIP.  Returns 0
 * or -1 when the bytes are not a complete 64-bit instruction. */
int hv_insn_decode(const uint8_t *b, unsigned int avail, const uint64_t regs[16], uint64_t rip,
		   uint64_t seg_base, struct hv_insn *out);

#endif
