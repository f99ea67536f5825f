// SPDX-License-Identifier: MIT
/*
 * Unit tests for tools/hvsim/decode.c: hand-written encodings (checked against
 * the Intel/AMD manuals and `objdump`) for every classification hvsim relies
 * on, exact operand fields, prefix and immediate corner cases, rejection of
 * undefined or over-long instructions, and truncated input.  Every decode
 * runs on an exact-size heap copy so that ASan catches any over-read.
 */
#include <errno.h>
#include <stdlib.h>

#include "tests/unit/unit.h"
#include "tools/hvsim/decode.h"

/* Decode n bytes from an exact-size heap buffer. */
static int dec_n(const uint8_t *b, size_t n, enum x86_mode mode, struct x86_insn *in)
{
	uint8_t *buf = malloc(n ? n : 1);
	int rc;

	if (!buf)
		return -ENOMEM;
	memcpy(buf, b, n);
	rc = x86_decode(buf, n, mode, in);
	free(buf);
	return rc;
}

/* Decode a list of byte values (a compound literal) from a heap copy. */
#define DEC(mode, in, ...)                                                       \
	dec_n((const uint8_t[]){ __VA_ARGS__ }, sizeof((const uint8_t[]){ __VA_ARGS__ }), \
	      (mode), (in))

/* Decoding every proper prefix of b must ask for more bytes. */
static bool truncations_efault(const uint8_t *b, size_t n, enum x86_mode mode)
{
	struct x86_insn in = { 0 };

	for (size_t k = 0; k < n; k++)
		if (dec_n(b, k, mode, &in) != -EFAULT)
			return false;
	return true;
}

TEST(hvsim_decode_mov_to_cr)
{
	struct x86_insn in = { 0 };

	/* mov %rax,%cr3 */
	CHECK_EQ_INT(DEC(X86_MODE_64, &in, 0x0f, 0x22, 0xd8), 0);
	CHECK_EQ(in.len, 3);
	CHECK_EQ(in.op, X86_OP_MOV_TO_CR);
	CHECK_EQ(in.cr, 3);
	CHECK_EQ(in.gpr, 0);
	CHECK_EQ(in.map, X86_MAP_0F);
	CHECK_EQ(in.opcode, 0x22);
	CHECK_EQ(in.opsize, 8);
	CHECK(!in.has_mem);

	/* mov %r12,%cr4: REX.B picks the GPR */
	CHECK_EQ_INT(DEC(X86_MODE_64, &in, 0x41, 0x0f, 0x22, 0xe4), 0);
	CHECK_EQ(in.len, 4);
	CHECK_EQ(in.cr, 4);
	CHECK_EQ(in.gpr, 12);
	CHECK_EQ(in.rex, 0x41);

	/* mov %rax,%cr8: REX.R picks CR8 */
	CHECK_EQ_INT(DEC(X86_MODE_64, &in, 0x44, 0x0f, 0x22, 0xc0), 0);
	CHECK_EQ(in.cr, 8);
	CHECK_EQ(in.gpr, 0);

	/* mod is ignored: 0F 22 18 is mov %rax,%cr3 with no memory operand */
	CHECK_EQ_INT(DEC(X86_MODE_64, &in, 0x0f, 0x22, 0x18), 0);
	CHECK_EQ(in.len, 3);
	CHECK_EQ(in.cr, 3);
	CHECK_EQ(in.gpr, 0);
	CHECK(!in.has_mem);

	/* 32-bit: lock mov %eax,%cr0 is AMD's CR8 encoding; 66 is ignored */
	CHECK_EQ_INT(DEC(X86_MODE_32, &in, 0xf0, 0x0f, 0x22, 0xc0), 0);
	CHECK_EQ(in.cr, 8);
	CHECK_EQ(in.opsize, 4);
	CHECK_EQ_INT(DEC(X86_MODE_32, &in, 0x66, 0x0f, 0x22, 0xc3), 0);
	CHECK_EQ(in.len, 4);
	CHECK_EQ(in.cr, 0);
	CHECK_EQ(in.gpr, 3);
	CHECK_EQ(in.opsize, 4);
}

TEST(hvsim_decode_mov_from_cr_dr)
{
	struct x86_insn in = { 0 };

	/* mov %cr0,%rbx */
	CHECK_EQ_INT(DEC(X86_MODE_64, &in, 0x0f, 0x20, 0xc3), 0);
	CHECK_EQ(in.op, X86_OP_MOV_FROM_CR);
	CHECK_EQ(in.cr, 0);
	CHECK_EQ(in.gpr, 3);
	/* mov %cr2,%r9 */
	CHECK_EQ_INT(DEC(X86_MODE_64, &in, 0x41, 0x0f, 0x20, 0xd1), 0);
	CHECK_EQ(in.cr, 2);
	CHECK_EQ(in.gpr, 9);
	/* mov %rsi,%db7 */
	CHECK_EQ_INT(DEC(X86_MODE_64, &in, 0x0f, 0x23, 0xfe), 0);
	CHECK_EQ(in.op, X86_OP_MOV_TO_DR);
	CHECK_EQ(in.cr, 7);
	CHECK_EQ(in.gpr, 6);
}

TEST(hvsim_decode_descriptor_tables)
{
	struct x86_insn in = { 0 };

	/* lgdt 0x12345678(%rip) */
	CHECK_EQ_INT(DEC(X86_MODE_64, &in, 0x0f, 0x01, 0x15, 0x78, 0x56, 0x34, 0x12), 0);
	CHECK_EQ(in.len, 7);
	CHECK_EQ(in.op, X86_OP_LGDT);
	CHECK(in.has_mem);
	CHECK_EQ(in.mem.base, X86_REG_RIP);
	CHECK_EQ(in.mem.index, X86_REG_NONE);
	CHECK_EQ(in.mem.disp, 0x12345678);
	CHECK_EQ(in.mem.disp_size, 4);
	CHECK_EQ(in.disp_off, 3);
	CHECK_EQ(in.access, X86_ACC_READ);
	CHECK_EQ(in.mem_size, 10);

	/* lidt (%rax); in 32-bit mode lidt (%eax) reads 6 bytes */
	CHECK_EQ_INT(DEC(X86_MODE_64, &in, 0x0f, 0x01, 0x18), 0);
	CHECK_EQ(in.op, X86_OP_LIDT);
	CHECK_EQ(in.mem.base, 0);
	CHECK_EQ(in.mem.disp_size, 0);
	CHECK_EQ_INT(DEC(X86_MODE_32, &in, 0x0f, 0x01, 0x18), 0);
	CHECK_EQ(in.mem_size, 6);
	CHECK_EQ(in.mem.addr_size, 4);

	/* sgdt -8(%rsp) writes */
	CHECK_EQ_INT(DEC(X86_MODE_64, &in, 0x0f, 0x01, 0x44, 0x24, 0xf8), 0);
	CHECK_EQ(in.op, X86_OP_SGDT);
	CHECK_EQ(in.access, X86_ACC_WRITE);
	CHECK_EQ(in.mem.base, 4);
	CHECK_EQ(in.mem.disp, -8);
	CHECK_EQ(in.mem.seg, X86_SEG_SS);

	/* lldt %ax / lldt (%rax) / ltr %r9w / ltr 0x8(%rbp) */
	CHECK_EQ_INT(DEC(X86_MODE_64, &in, 0x0f, 0x00, 0xd0), 0);
	CHECK_EQ(in.op, X86_OP_LLDT);
	CHECK_EQ(in.gpr, 0);
	CHECK(!in.has_mem);
	CHECK_EQ_INT(DEC(X86_MODE_64, &in, 0x0f, 0x00, 0x10), 0);
	CHECK_EQ(in.op, X86_OP_LLDT);
	CHECK(in.has_mem);
	CHECK_EQ(in.gpr, X86_REG_NONE);
	CHECK_EQ(in.mem_size, 2);
	CHECK_EQ_INT(DEC(X86_MODE_64, &in, 0x41, 0x0f, 0x00, 0xd9), 0);
	CHECK_EQ(in.op, X86_OP_LTR);
	CHECK_EQ(in.gpr, 9);
	CHECK_EQ_INT(DEC(X86_MODE_64, &in, 0x0f, 0x00, 0x5d, 0x08), 0);
	CHECK_EQ(in.op, X86_OP_LTR);
	CHECK_EQ(in.len, 4);
	CHECK_EQ(in.mem.base, 5);
	CHECK_EQ(in.mem.disp, 8);
	CHECK_EQ(in.mem.disp_size, 1);
	CHECK_EQ(in.access, X86_ACC_READ);

	/* 0F 00 /6 is undefined; lgdt has no register form but 0F 01 D0.. are
	 * other instructions (XGETBV) */
	CHECK_EQ_INT(DEC(X86_MODE_64, &in, 0x0f, 0x00, 0x30), -EINVAL);
	CHECK_EQ_INT(DEC(X86_MODE_64, &in, 0x0f, 0x01, 0xd0), 0);
	CHECK_EQ(in.op, X86_OP_XGETBV);
}

TEST(hvsim_decode_msr_clts_lmsw_xsetbv)
{
	struct x86_insn in = { 0 };

	CHECK_EQ_INT(DEC(X86_MODE_64, &in, 0x0f, 0x30), 0);
	CHECK_EQ(in.op, X86_OP_WRMSR);
	CHECK_EQ(in.len, 2);
	CHECK_EQ_INT(DEC(X86_MODE_64, &in, 0x0f, 0x32), 0);
	CHECK_EQ(in.op, X86_OP_RDMSR);
	/* prefixes count towards the length that RIP must skip */
	CHECK_EQ_INT(DEC(X86_MODE_64, &in, 0x2e, 0x48, 0x0f, 0x30), 0);
	CHECK_EQ(in.op, X86_OP_WRMSR);
	CHECK_EQ(in.len, 4);
	CHECK_EQ(in.nprefixes, 1);
	CHECK_EQ_INT(DEC(X86_MODE_64, &in, 0x0f, 0x06), 0);
	CHECK_EQ(in.op, X86_OP_CLTS);
	CHECK_EQ_INT(DEC(X86_MODE_64, &in, 0x0f, 0x01, 0xd1), 0);
	CHECK_EQ(in.op, X86_OP_XSETBV);
	CHECK_EQ(in.len, 3);
	/* lmsw %dx */
	CHECK_EQ_INT(DEC(X86_MODE_64, &in, 0x0f, 0x01, 0xf2), 0);
	CHECK_EQ(in.op, X86_OP_LMSW);
	CHECK_EQ(in.gpr, 2);
	CHECK(!in.has_mem);
	/* lmsw (%rbx) */
	CHECK_EQ_INT(DEC(X86_MODE_64, &in, 0x0f, 0x01, 0x33), 0);
	CHECK_EQ(in.op, X86_OP_LMSW);
	CHECK(in.has_mem);
	CHECK_EQ(in.mem.base, 3);
	CHECK_EQ(in.mem_size, 2);
	CHECK_EQ(in.access, X86_ACC_READ);
	CHECK_EQ(in.gpr, X86_REG_NONE);
	/* vmmcall, cpuid, hlt */
	CHECK_EQ_INT(DEC(X86_MODE_64, &in, 0x0f, 0x01, 0xd9), 0);
	CHECK_EQ(in.op, X86_OP_VMMCALL);
	CHECK_EQ_INT(DEC(X86_MODE_64, &in, 0x0f, 0xa2), 0);
	CHECK_EQ(in.op, X86_OP_CPUID);
	CHECK_EQ_INT(DEC(X86_MODE_64, &in, 0xf4), 0);
	CHECK_EQ(in.op, X86_OP_HLT);
}

TEST(hvsim_decode_general_memory)
{
	struct x86_insn in = { 0 };

	/* mov %rax,0x10(%rbx,%rcx,4) */
	CHECK_EQ_INT(DEC(X86_MODE_64, &in, 0x48, 0x89, 0x44, 0x8b, 0x10), 0);
	CHECK_EQ(in.len, 5);
	CHECK_EQ(in.op, X86_OP_MOV);
	CHECK(in.has_sib);
	CHECK_EQ(in.mem.base, 3);
	CHECK_EQ(in.mem.index, 1);
	CHECK_EQ(in.mem.scale, 4);
	CHECK_EQ(in.mem.disp, 0x10);
	CHECK_EQ(in.mem.seg, X86_SEG_DS);
	CHECK_EQ(in.access, X86_ACC_WRITE);
	CHECK_EQ(in.mem_size, 8);
	CHECK_EQ(in.reg, 0);

	/* mov 0x1000(%rip),%r10d */
	CHECK_EQ_INT(DEC(X86_MODE_64, &in, 0x44, 0x8b, 0x15, 0x00, 0x10, 0x00, 0x00), 0);
	CHECK_EQ(in.len, 7);
	CHECK_EQ(in.access, X86_ACC_READ);
	CHECK_EQ(in.mem.base, X86_REG_RIP);
	CHECK_EQ(in.reg, 10);
	CHECK_EQ(in.mem_size, 4);

	/* mov %fs:0x28,%rax (SIB without base or index); ES/DS/CS/SS before
	 * FS are null prefixes in 64-bit mode */
	CHECK_EQ_INT(DEC(X86_MODE_64, &in, 0x64, 0x2e, 0x48, 0x8b, 0x04, 0x25, 0x28, 0, 0, 0), 0);
	CHECK_EQ(in.len, 10);
	CHECK_EQ(in.mem.base, X86_REG_NONE);
	CHECK_EQ(in.mem.index, X86_REG_NONE);
	CHECK_EQ(in.mem.disp, 0x28);
	CHECK_EQ(in.mem.seg, X86_SEG_FS);

	/* movb $1,(%r8,%r9,8) with REX.X and REX.B */
	CHECK_EQ_INT(DEC(X86_MODE_64, &in, 0x43, 0xc6, 0x04, 0xc8, 0x01), 0);
	CHECK_EQ(in.len, 5);
	CHECK_EQ(in.mem.base, 8);
	CHECK_EQ(in.mem.index, 9);
	CHECK_EQ(in.mem.scale, 8);
	CHECK_EQ(in.imm, 1);
	CHECK_EQ(in.imm_size, 1);
	CHECK_EQ(in.imm_off, 4);
	CHECK_EQ(in.access, X86_ACC_WRITE);
	CHECK_EQ(in.mem_size, 1);

	/* lock cmpxchg %rcx,(%rdx); xchg %eax,(%rbx); orl $1,(%rbx); cmp */
	CHECK_EQ_INT(DEC(X86_MODE_64, &in, 0xf0, 0x48, 0x0f, 0xb1, 0x0a), 0);
	CHECK_EQ(in.access, X86_ACC_RMW);
	CHECK(in.prefixes & X86_PFX_LOCK);
	CHECK_EQ(in.mem_size, 8);
	CHECK_EQ_INT(DEC(X86_MODE_64, &in, 0x87, 0x03), 0);
	CHECK_EQ(in.access, X86_ACC_RMW);
	CHECK_EQ_INT(DEC(X86_MODE_64, &in, 0x83, 0x0b, 0x01), 0);
	CHECK_EQ(in.access, X86_ACC_RMW);
	CHECK_EQ(in.len, 3);
	CHECK_EQ_INT(DEC(X86_MODE_64, &in, 0x39, 0x03), 0);
	CHECK_EQ(in.access, X86_ACC_READ);
	/* lea does not touch memory */
	CHECK_EQ_INT(DEC(X86_MODE_64, &in, 0x48, 0x8d, 0x43, 0x08), 0);
	CHECK_EQ(in.access, X86_ACC_NONE);
	/* push (%rax): 8 bytes read; pop 0x8(%rax) in 32-bit: 4 */
	CHECK_EQ_INT(DEC(X86_MODE_64, &in, 0xff, 0x30), 0);
	CHECK_EQ(in.access, X86_ACC_READ);
	CHECK_EQ(in.mem_size, 8);
	CHECK_EQ_INT(DEC(X86_MODE_32, &in, 0x8f, 0x40, 0x08), 0);
	CHECK_EQ(in.access, X86_ACC_WRITE);
	CHECK_EQ(in.mem_size, 4);
	/* fstpl (%rax) writes 8 bytes; fldcw (%rax) reads 2 */
	CHECK_EQ_INT(DEC(X86_MODE_64, &in, 0xdd, 0x18), 0);
	CHECK_EQ(in.access, X86_ACC_WRITE);
	CHECK_EQ(in.mem_size, 8);
	CHECK_EQ_INT(DEC(X86_MODE_64, &in, 0xd9, 0x28), 0);
	CHECK_EQ(in.access, X86_ACC_READ);
	CHECK_EQ(in.mem_size, 2);
	/* movups %xmm1,(%rdi) store; movups (%rdi),%xmm1 load */
	CHECK_EQ_INT(DEC(X86_MODE_64, &in, 0x0f, 0x11, 0x0f), 0);
	CHECK_EQ(in.access, X86_ACC_WRITE);
	CHECK_EQ_INT(DEC(X86_MODE_64, &in, 0x0f, 0x10, 0x0f), 0);
	CHECK_EQ(in.access, X86_ACC_READ);
	/* setne (%rax) */
	CHECK_EQ_INT(DEC(X86_MODE_64, &in, 0x0f, 0x95, 0x00), 0);
	CHECK_EQ(in.access, X86_ACC_WRITE);
	CHECK_EQ(in.mem_size, 1);
}

TEST(hvsim_decode_string_ops)
{
	struct x86_insn in = { 0 };

	/* rep movsq */
	CHECK_EQ_INT(DEC(X86_MODE_64, &in, 0xf3, 0x48, 0xa5), 0);
	CHECK_EQ(in.len, 3);
	CHECK_EQ(in.op, X86_OP_MOVS);
	CHECK_EQ(in.last_rep, 0xf3);
	CHECK(in.has_mem && in.has_mem2);
	CHECK_EQ(in.mem.base, 7);
	CHECK_EQ(in.mem.seg, X86_SEG_ES);
	CHECK_EQ(in.access, X86_ACC_WRITE);
	CHECK_EQ(in.mem2.base, 6);
	CHECK_EQ(in.mem2.seg, X86_SEG_DS);
	CHECK_EQ(in.access2, X86_ACC_READ);
	CHECK_EQ(in.mem_size, 8);
	CHECK(in.mem.flags & X86_MEM_IMPLIED);

	/* rep stosb with a 32-bit address size; fs lodsl */
	CHECK_EQ_INT(DEC(X86_MODE_64, &in, 0x67, 0xf3, 0xaa), 0);
	CHECK_EQ(in.op, X86_OP_STOS);
	CHECK_EQ(in.mem.addr_size, 4);
	CHECK_EQ(in.mem_size, 1);
	CHECK_EQ(in.access, X86_ACC_WRITE);
	CHECK(!in.has_mem2);
	CHECK_EQ_INT(DEC(X86_MODE_64, &in, 0x64, 0xad), 0);
	CHECK_EQ(in.op, X86_OP_LODS);
	CHECK_EQ(in.mem.seg, X86_SEG_FS);
	CHECK_EQ(in.mem.base, 6);
	CHECK_EQ(in.access, X86_ACC_READ);
	CHECK_EQ(in.mem_size, 4);
	/* repne scasb, cmpsw, insb, outsl */
	CHECK_EQ_INT(DEC(X86_MODE_64, &in, 0xf2, 0xae), 0);
	CHECK_EQ(in.op, X86_OP_SCAS);
	CHECK_EQ(in.last_rep, 0xf2);
	CHECK_EQ(in.mem.base, 7);
	CHECK_EQ_INT(DEC(X86_MODE_64, &in, 0x66, 0xa7), 0);
	CHECK_EQ(in.op, X86_OP_CMPS);
	CHECK_EQ(in.mem_size, 2);
	CHECK_EQ(in.mem.base, 6);
	CHECK_EQ(in.mem2.base, 7);
	CHECK_EQ_INT(DEC(X86_MODE_64, &in, 0x6c), 0);
	CHECK_EQ(in.op, X86_OP_INS);
	CHECK_EQ(in.access, X86_ACC_WRITE);
	CHECK_EQ_INT(DEC(X86_MODE_64, &in, 0x6f), 0);
	CHECK_EQ(in.op, X86_OP_OUTS);
	CHECK_EQ(in.access, X86_ACC_READ);
}

TEST(hvsim_decode_immediates)
{
	struct x86_insn in = { 0 };

	/* movabs $0x1122334455667788,%rax */
	CHECK_EQ_INT(DEC(X86_MODE_64, &in, 0x48, 0xb8, 0x88, 0x77, 0x66, 0x55, 0x44, 0x33, 0x22, 0x11),
		     0);
	CHECK_EQ(in.len, 10);
	CHECK_EQ(in.imm, 0x1122334455667788ull);
	CHECK_EQ(in.imm_size, 8);
	/* mov $imm32,%eax; mov $imm16,%ax */
	CHECK_EQ_INT(DEC(X86_MODE_64, &in, 0xb8, 1, 2, 3, 4), 0);
	CHECK_EQ(in.len, 5);
	CHECK_EQ_INT(DEC(X86_MODE_64, &in, 0x66, 0xb8, 1, 2), 0);
	CHECK_EQ(in.len, 4);
	/* movq $-1,(%rax): imm32 sign-extended, not imm64 */
	CHECK_EQ_INT(DEC(X86_MODE_64, &in, 0x48, 0xc7, 0x00, 0xff, 0xff, 0xff, 0xff), 0);
	CHECK_EQ(in.len, 7);
	CHECK_EQ(in.mem_size, 8);
	/* movabs 0x1122334455667788,%eax (moffs64) and addr32 moffs32 */
	CHECK_EQ_INT(DEC(X86_MODE_64, &in, 0xa1, 0x88, 0x77, 0x66, 0x55, 0x44, 0x33, 0x22, 0x11), 0);
	CHECK_EQ(in.len, 9);
	CHECK_EQ(in.op, X86_OP_MOV);
	CHECK_EQ(in.access, X86_ACC_READ);
	CHECK_EQ(in.mem.base, X86_REG_NONE);
	CHECK_EQ((uint64_t)in.mem.disp, 0x1122334455667788ull);
	CHECK_EQ_INT(DEC(X86_MODE_64, &in, 0x67, 0xa3, 0x44, 0x33, 0x22, 0x11), 0);
	CHECK_EQ(in.len, 6);
	CHECK_EQ(in.access, X86_ACC_WRITE);
	CHECK_EQ(in.mem.disp, 0x11223344);
	/* 16-bit mode moffs16, and with 67 moffs32 */
	CHECK_EQ_INT(DEC(X86_MODE_16, &in, 0xa0, 0x34, 0x12), 0);
	CHECK_EQ(in.len, 3);
	CHECK_EQ(in.mem.disp, 0x1234);
	CHECK_EQ_INT(DEC(X86_MODE_16, &in, 0x67, 0xa0, 0x34, 0x12, 0, 0), 0);
	CHECK_EQ(in.len, 6);
	/* enter $0x10,$1; ret $8; retf $8 */
	CHECK_EQ_INT(DEC(X86_MODE_64, &in, 0xc8, 0x10, 0x00, 0x01), 0);
	CHECK_EQ(in.len, 4);
	CHECK_EQ(in.imm, 0x10);
	CHECK_EQ(in.imm2, 1);
	CHECK_EQ_INT(DEC(X86_MODE_64, &in, 0xc2, 0x08, 0x00), 0);
	CHECK_EQ(in.len, 3);
	CHECK_EQ_INT(DEC(X86_MODE_64, &in, 0xca, 0x08, 0x00), 0);
	CHECK_EQ(in.len, 3);
	/* group 3: test has an immediate, not/neg/mul do not */
	CHECK_EQ_INT(DEC(X86_MODE_64, &in, 0xf6, 0x03, 0x01), 0);
	CHECK_EQ(in.len, 3);
	CHECK_EQ(in.access, X86_ACC_READ);
	CHECK_EQ_INT(DEC(X86_MODE_64, &in, 0xf7, 0x03, 1, 0, 0, 0), 0);
	CHECK_EQ(in.len, 6);
	CHECK_EQ_INT(DEC(X86_MODE_64, &in, 0x66, 0xf7, 0xc8, 1, 0), 0); /* test /1 alias */
	CHECK_EQ(in.len, 5);
	CHECK_EQ_INT(DEC(X86_MODE_64, &in, 0xf7, 0x13), 0); /* notl (%rbx) */
	CHECK_EQ(in.len, 2);
	CHECK_EQ(in.access, X86_ACC_RMW);
	/* call/jmp rel: 66 gives rel16 in 64-bit mode (AMD, QEMU), REX.W wins */
	CHECK_EQ_INT(DEC(X86_MODE_64, &in, 0xe8, 0, 0, 0, 0), 0);
	CHECK_EQ(in.len, 5);
	CHECK_EQ_INT(DEC(X86_MODE_64, &in, 0x66, 0xe8, 0, 0), 0);
	CHECK_EQ(in.len, 4);
	CHECK_EQ_INT(DEC(X86_MODE_64, &in, 0x66, 0x48, 0xe9, 0, 0, 0, 0), 0);
	CHECK_EQ(in.len, 7);
	CHECK_EQ_INT(DEC(X86_MODE_16, &in, 0x0f, 0x84, 0, 0), 0);
	CHECK_EQ(in.len, 4);
	/* push $imm8 / push $imm32; far jmp ptr16:32 in 32-bit mode */
	CHECK_EQ_INT(DEC(X86_MODE_64, &in, 0x6a, 0x01), 0);
	CHECK_EQ(in.len, 2);
	CHECK_EQ_INT(DEC(X86_MODE_64, &in, 0x68, 1, 0, 0, 0), 0);
	CHECK_EQ(in.len, 5);
	CHECK_EQ_INT(DEC(X86_MODE_32, &in, 0xea, 0x78, 0x56, 0x34, 0x12, 0x08, 0x00), 0);
	CHECK_EQ(in.len, 7);
	CHECK_EQ(in.imm, 0x12345678);
	CHECK_EQ(in.imm2, 8);
	/* RTM: xabort $1, xbegin rel32; SSE4a extrq $1,$2,%xmm0 */
	CHECK_EQ_INT(DEC(X86_MODE_64, &in, 0xc6, 0xf8, 0x01), 0);
	CHECK_EQ(in.len, 3);
	CHECK_EQ_INT(DEC(X86_MODE_64, &in, 0xc7, 0xf8, 0, 0, 0, 0), 0);
	CHECK_EQ(in.len, 6);
	CHECK_EQ_INT(DEC(X86_MODE_64, &in, 0x66, 0x0f, 0x78, 0xc0, 0x01, 0x02), 0);
	CHECK_EQ(in.len, 6);
	CHECK_EQ(in.imm, 1);
	CHECK_EQ(in.imm2, 2);
	/* vmread %rax,%rax has no immediate */
	CHECK_EQ_INT(DEC(X86_MODE_64, &in, 0x0f, 0x78, 0xc0), 0);
	CHECK_EQ(in.len, 3);
}

TEST(hvsim_decode_maps_and_vex)
{
	struct x86_insn in = { 0 };

	/* 3DNow! pfmul %mm1,%mm0: opcode is the trailing byte */
	CHECK_EQ_INT(DEC(X86_MODE_64, &in, 0x0f, 0x0f, 0xc1, 0xb4), 0);
	CHECK_EQ(in.len, 4);
	CHECK_EQ(in.map, X86_MAP_3DNOW);
	CHECK_EQ(in.opcode, 0xb4);
	/* pshufb %xmm1,%xmm0 (0F 38), palignr $8 (0F 3A) */
	CHECK_EQ_INT(DEC(X86_MODE_64, &in, 0x66, 0x0f, 0x38, 0x00, 0xc1), 0);
	CHECK_EQ(in.len, 5);
	CHECK_EQ(in.map, X86_MAP_0F38);
	CHECK_EQ_INT(DEC(X86_MODE_64, &in, 0x66, 0x0f, 0x3a, 0x0f, 0xc1, 0x08), 0);
	CHECK_EQ(in.len, 6);
	CHECK_EQ(in.map, X86_MAP_0F3A);
	CHECK_EQ(in.imm, 8);
	/* vzeroupper (no ModRM), vbroadcastss (%rax),%ymm0 */
	CHECK_EQ_INT(DEC(X86_MODE_64, &in, 0xc5, 0xf8, 0x77), 0);
	CHECK_EQ(in.len, 3);
	CHECK_EQ(in.encoding, X86_ENC_VEX);
	CHECK(!in.has_modrm);
	CHECK_EQ_INT(DEC(X86_MODE_64, &in, 0xc4, 0xe2, 0x7d, 0x18, 0x00), 0);
	CHECK_EQ(in.len, 5);
	CHECK_EQ(in.map, X86_MAP_0F38);
	CHECK_EQ(in.vex_l, 1);
	CHECK_EQ(in.vex_pp, 1);
	CHECK(in.has_mem);
	/* vpshufd $0x1b,(%r9),%ymm2: VEX.B extends the base */
	CHECK_EQ_INT(DEC(X86_MODE_64, &in, 0xc4, 0xc1, 0x7d, 0x70, 0x11, 0x1b), 0);
	CHECK_EQ(in.len, 6);
	CHECK_EQ(in.mem.base, 9);
	CHECK_EQ(in.imm, 0x1b);
	/* vaddps 0x40(%rax),%zmm0,%zmm0: EVEX disp8*64 is not scaled here */
	CHECK_EQ_INT(DEC(X86_MODE_64, &in, 0x62, 0xf1, 0x7c, 0x48, 0x58, 0x40, 0x01), 0);
	CHECK_EQ(in.len, 7);
	CHECK_EQ(in.encoding, X86_ENC_EVEX);
	CHECK_EQ(in.vex_l, 2);
	CHECK_EQ(in.mem.disp, 1);
	CHECK(in.mem.flags & X86_MEM_DISP8N);
	{
		uint64_t gpr[16] = { 0 }, ea = 0;

		CHECK_EQ_INT(x86_effective_address(&in, gpr, 0, 0, &ea), -EOPNOTSUPP);
	}
	/* XOP vpcmov (AMD, map 8 has imm8) */
	CHECK_EQ_INT(DEC(X86_MODE_64, &in, 0x8f, 0xe8, 0x78, 0xa2, 0xc0, 0x00), 0);
	CHECK_EQ(in.len, 6);
	CHECK_EQ(in.encoding, X86_ENC_XOP);
	/* 32-bit mode: C4 with mod != 11 is LES, 62 is BOUND, C5 C0.. is VEX */
	CHECK_EQ_INT(DEC(X86_MODE_32, &in, 0xc4, 0x00), 0);
	CHECK_EQ(in.len, 2);
	CHECK_EQ(in.encoding, X86_ENC_LEGACY);
	CHECK_EQ(in.mem_size, 6);
	CHECK_EQ_INT(DEC(X86_MODE_32, &in, 0x62, 0x00), 0);
	CHECK_EQ(in.len, 2);
	CHECK_EQ_INT(DEC(X86_MODE_32, &in, 0xc5, 0xf8, 0x77), 0);
	CHECK_EQ(in.encoding, X86_ENC_VEX);
	/* 66/REX before VEX is #UD */
	CHECK_EQ_INT(DEC(X86_MODE_64, &in, 0x66, 0xc5, 0xf8, 0x77), -EINVAL);
	CHECK_EQ_INT(DEC(X86_MODE_64, &in, 0x48, 0xc5, 0xf8, 0x77), -EINVAL);
	/* VEX map 4 and EVEX with the fixed bit clear are undefined */
	CHECK_EQ_INT(DEC(X86_MODE_64, &in, 0xc4, 0xe4, 0x7d, 0x18, 0x00), -EINVAL);
	CHECK_EQ_INT(DEC(X86_MODE_64, &in, 0x62, 0xf1, 0x78, 0x48, 0x58, 0x40, 0x01), -EINVAL);
}

TEST(hvsim_decode_16bit_addressing)
{
	struct x86_insn in = { 0 };

	/* mov 2(%bp),%ax: SS default */
	CHECK_EQ_INT(DEC(X86_MODE_16, &in, 0x8b, 0x46, 0x02), 0);
	CHECK_EQ(in.len, 3);
	CHECK_EQ(in.mem.base, 5);
	CHECK_EQ(in.mem.index, X86_REG_NONE);
	CHECK_EQ(in.mem.seg, X86_SEG_SS);
	CHECK_EQ(in.mem.addr_size, 2);
	CHECK_EQ(in.opsize, 2);
	/* mov 0x1234(%bx,%si),%eax (66) */
	CHECK_EQ_INT(DEC(X86_MODE_16, &in, 0x66, 0x8b, 0x80, 0x34, 0x12), 0);
	CHECK_EQ(in.len, 5);
	CHECK_EQ(in.mem.base, 3);
	CHECK_EQ(in.mem.index, 6);
	CHECK_EQ(in.mem.disp, 0x1234);
	CHECK_EQ(in.opsize, 4);
	CHECK_EQ(in.mem_size, 4);
	/* mov 0x1234,%ax: mod 00 rm 110 is disp16 */
	CHECK_EQ_INT(DEC(X86_MODE_16, &in, 0x8b, 0x06, 0x34, 0x12), 0);
	CHECK_EQ(in.len, 4);
	CHECK_EQ(in.mem.base, X86_REG_NONE);
	/* 32-bit mode with 67: 16-bit addressing; 16-bit mode with 67: SIB */
	CHECK_EQ_INT(DEC(X86_MODE_32, &in, 0x67, 0x8b, 0x06, 0x34, 0x12), 0);
	CHECK_EQ(in.len, 5);
	CHECK_EQ_INT(DEC(X86_MODE_16, &in, 0x67, 0x8b, 0x04, 0x88), 0);
	CHECK_EQ(in.len, 4);
	CHECK_EQ(in.mem.base, 0);
	CHECK_EQ(in.mem.index, 1);
	CHECK_EQ(in.mem.scale, 4);
	/* 32-bit mode: mod 00 rm 101 is an absolute disp32, not RIP-relative */
	CHECK_EQ_INT(DEC(X86_MODE_32, &in, 0x8b, 0x05, 0x78, 0x56, 0x34, 0x12), 0);
	CHECK_EQ(in.mem.base, X86_REG_NONE);
	CHECK_EQ(in.mem.disp, 0x12345678);
	/* 40-4F are INC/DEC outside 64-bit mode */
	CHECK_EQ_INT(DEC(X86_MODE_32, &in, 0x48), 0);
	CHECK_EQ(in.len, 1);
}

TEST(hvsim_decode_rejects)
{
	struct x86_insn in = { 0 };
	uint8_t b[16];

	/* invalid in 64-bit mode, undefined, undefined group slots */
	CHECK_EQ_INT(DEC(X86_MODE_64, &in, 0x06), -EINVAL);
	CHECK_EQ_INT(DEC(X86_MODE_64, &in, 0xea, 0, 0, 0, 0, 0, 0), -EINVAL);
	CHECK_EQ_INT(DEC(X86_MODE_32, &in, 0x06), 0);
	CHECK_EQ_INT(DEC(X86_MODE_64, &in, 0x0f, 0x04), -EINVAL);
	CHECK_EQ_INT(DEC(X86_MODE_64, &in, 0x0f, 0x0b), 0); /* ud2 is defined */
	CHECK_EQ_INT(DEC(X86_MODE_64, &in, 0xd6), -EINVAL);
	CHECK_EQ_INT(DEC(X86_MODE_64, &in, 0xfe, 0x10), -EINVAL); /* FE /2 */
	CHECK_EQ_INT(DEC(X86_MODE_64, &in, 0xff, 0x38), -EINVAL); /* FF /7 */
	CHECK_EQ_INT(DEC(X86_MODE_64, &in, 0xff, 0xd8), -EINVAL); /* callf reg */
	CHECK_EQ_INT(DEC(X86_MODE_64, &in, 0x8d, 0xc0), -EINVAL); /* lea reg */
	CHECK_EQ_INT(DEC(X86_MODE_64, &in, 0xc7, 0x08, 0, 0, 0, 0), -EINVAL); /* C7 /1 */
	CHECK_EQ_INT(DEC(X86_MODE_64, &in, 0xc6, 0xf9, 0), -EINVAL);
	CHECK_EQ_INT(DEC(X86_MODE_64, &in, 0xdd, 0x28), -EINVAL); /* DD /5 mem */
	CHECK_EQ_INT(DEC(X86_MODE_64, &in, 0x0f, 0xb8, 0xc0), -EINVAL); /* JMPE */
	CHECK_EQ_INT(DEC(X86_MODE_64, &in, 0xf3, 0x0f, 0xb8, 0xc0), 0);  /* POPCNT */
	/* 14 prefixes + NOP = 15 bytes is fine; one more is too long, even
	 * when fewer bytes are available than that */
	memset(b, 0x66, sizeof(b));
	b[14] = 0x90;
	CHECK_EQ_INT(dec_n(b, 15, X86_MODE_64, &in), 0);
	CHECK_EQ(in.len, 15);
	b[14] = 0x66;
	b[15] = 0x90;
	CHECK_EQ_INT(dec_n(b, 16, X86_MODE_64, &in), -EINVAL);
	CHECK_EQ_INT(dec_n(b, 15, X86_MODE_64, &in), -EINVAL);
	/* a 15-byte instruction whose immediate would be byte 16 */
	{
		static const uint8_t l16[] = { 0x66, 0x66, 0x66, 0x66, 0x66, 0x2e, 0x2e, 0x2e,
					       0x48, 0xc7, 0x84, 0x24, 1, 2, 3, 4, 5, 6, 7, 8 };

		CHECK_EQ_INT(dec_n(l16, sizeof(l16), X86_MODE_64, &in), -EINVAL);
	}
	/* bad arguments */
	CHECK_EQ_INT(x86_decode(NULL, 1, X86_MODE_64, &in), -EINVAL);
	CHECK_EQ_INT(x86_decode(b, 1, (enum x86_mode)7, &in), -EINVAL);
	CHECK_EQ_INT(x86_decode(b, 1, X86_MODE_64, NULL), -EINVAL);
}

TEST(hvsim_decode_truncated_input)
{
	static const uint8_t *const cases[] = {
		(const uint8_t *)"\x0f\x22\xd8",
		(const uint8_t *)"\x0f\x01\x15\x78\x56\x34\x12",
		(const uint8_t *)"\x48\xb8\x88\x77\x66\x55\x44\x33\x22\x11",
		(const uint8_t *)"\x64\x48\x8b\x04\x25\x28\x00\x00\x00",
		(const uint8_t *)"\x66\x2e\x48\xc7\x84\x88\x10\x00\x00\x00\x01\x00\x00\x00",
		(const uint8_t *)"\x62\xf1\x7c\x48\x58\x40\x01",
		(const uint8_t *)"\xc4\xe3\x7d\x18\x44\x24\x10\x01",
		(const uint8_t *)"\x8f\xea\x78\x10\xc0\x01\x00\x00\x00",
		(const uint8_t *)"\xc8\x10\x00\x01",
		(const uint8_t *)"\x66\x0f\x78\xc0\x01\x02",
	};
	static const size_t lens[] = { 3, 7, 10, 9, 14, 7, 8, 9, 4, 6 };
	struct x86_insn in = { 0 };

	for (size_t i = 0; i < sizeof(lens) / sizeof(lens[0]); i++) {
		CHECK_EQ_INT(dec_n(cases[i], lens[i], X86_MODE_64, &in), 0);
		CHECK_EQ(in.len, lens[i]);
		CHECK(truncations_efault(cases[i], lens[i], X86_MODE_64));
	}
	/* VEX/LES choice needs the second byte in 32-bit mode too */
	CHECK_EQ_INT(DEC(X86_MODE_32, &in, 0xc4), -EFAULT);
}

TEST(hvsim_decode_effective_address)
{
	struct x86_insn in = { 0 };
	uint64_t gpr[16] = { 0 }, ea = 0;

	/* mov %rax,0x10(%rbx,%rcx,4) with rbx=0x1000, rcx=2, FS base 0x7000 */
	gpr[3] = 0x1000;
	gpr[1] = 2;
	CHECK_EQ_INT(DEC(X86_MODE_64, &in, 0x48, 0x89, 0x44, 0x8b, 0x10), 0);
	CHECK_EQ_INT(x86_effective_address(&in, gpr, 0, 0x7000, &ea), 0);
	CHECK_EQ(ea, 0x8018);
	/* lgdt -0x10(%rip) with next RIP 0xffffffff81000007 */
	CHECK_EQ_INT(DEC(X86_MODE_64, &in, 0x0f, 0x01, 0x15, 0xf0, 0xff, 0xff, 0xff), 0);
	CHECK_EQ_INT(x86_effective_address(&in, gpr, 0xffffffff81000007ull, 0, &ea), 0);
	CHECK_EQ(ea, 0xffffffff80fffff7ull);
	/* addr32 mov -1(%eax),%eax with eax=0 wraps at 4 GiB */
	gpr[0] = 0xffffffff00000000ull;
	CHECK_EQ_INT(DEC(X86_MODE_64, &in, 0x67, 0x8b, 0x40, 0xff), 0);
	CHECK_EQ_INT(x86_effective_address(&in, gpr, 0, 0, &ea), 0);
	CHECK_EQ(ea, 0xffffffffull);
	/* 16-bit: mov -1(%bx),%ax with bx=0 wraps at 64 KiB, plus the base */
	gpr[3] = 0;
	CHECK_EQ_INT(DEC(X86_MODE_16, &in, 0x8b, 0x47, 0xff), 0);
	CHECK_EQ_INT(x86_effective_address(&in, gpr, 0, 0x10000, &ea), 0);
	CHECK_EQ(ea, 0x1ffff);
	/* xlat: rBX + AL */
	gpr[3] = 0x100;
	gpr[0] = 0x1234;
	CHECK_EQ_INT(DEC(X86_MODE_64, &in, 0xd7), 0);
	CHECK_EQ(in.op, X86_OP_XLAT);
	CHECK_EQ_INT(x86_effective_address(&in, gpr, 0, 0, &ea), 0);
	CHECK_EQ(ea, 0x134);
	/* rep movsb: destination ES:rDI, source rSI via x86_mem_address */
	gpr[7] = 0x5000;
	gpr[6] = 0x6000;
	CHECK_EQ_INT(DEC(X86_MODE_64, &in, 0xf3, 0xa4), 0);
	CHECK_EQ_INT(x86_effective_address(&in, gpr, 0, 0, &ea), 0);
	CHECK_EQ(ea, 0x5000);
	CHECK_EQ_INT(x86_mem_address(&in.mem2, X86_MODE_64, gpr, 0, 0, &ea), 0);
	CHECK_EQ(ea, 0x6000);
	/* 32-bit mode: linear address wraps at 4 GiB */
	gpr[0] = 0xfffffff0;
	CHECK_EQ_INT(DEC(X86_MODE_32, &in, 0x8b, 0x00), 0);
	CHECK_EQ_INT(x86_effective_address(&in, gpr, 0, 0x20, &ea), 0);
	CHECK_EQ(ea, 0x10);
	/* no memory operand */
	CHECK_EQ_INT(DEC(X86_MODE_64, &in, 0x0f, 0x22, 0xd8), 0);
	CHECK_EQ_INT(x86_effective_address(&in, gpr, 0, 0, &ea), -EINVAL);
	CHECK_EQ(x86_mode_of(true, true, false), X86_MODE_64);
	CHECK_EQ(x86_mode_of(true, false, true), X86_MODE_32);
	CHECK_EQ(x86_mode_of(false, true, false), X86_MODE_16);
	CHECK_STR(x86_op_name(X86_OP_MOV_TO_CR), "mov_to_cr");
	CHECK_STR(x86_op_name(999), "?");
}

/* xorshift64*: deterministic bytes for the robustness test. */
static uint64_t fuzz_next(uint64_t *s)
{
	*s ^= *s >> 12;
	*s ^= *s << 25;
	*s ^= *s >> 27;
	return *s * 0x2545f4914f6cdd1dull;
}

/*
 * The bytes come from VTL0, so the decoder must hold its contract on any
 * input: only 0, -EINVAL or -EFAULT; 1 <= len <= min(avail, 15); the same
 * answer from exactly len bytes; -EFAULT for every shorter buffer.  ASan
 * watches the exact-size heap copies.
 */
TEST(hvsim_decode_random_bytes_contract)
{
	static const uint8_t hot[] = { 0x66, 0x67, 0xf0, 0xf2, 0xf3, 0x2e, 0x64, 0x48,
				       0x0f, 0x0f, 0x38, 0x3a, 0xc4, 0xc5, 0x62, 0x8f };
	uint64_t seed = 0x9e3779b97f4a7c15ull;
	unsigned int bad = 0, ok = 0;

	for (int iter = 0; iter < 20000 && bad < 5; iter++) {
		uint8_t b[16];
		struct x86_insn in = { 0 }, again = { 0 };
		enum x86_mode mode = (enum x86_mode)(iter % 3);
		size_t avail;
		int rc;

		for (size_t i = 0; i < sizeof(b); i++) {
			uint64_t r = fuzz_next(&seed);

			/* Bias towards prefixes and escapes so that deep paths run. */
			b[i] = (r & 3) == 0 ? hot[(r >> 8) % sizeof(hot)] : (uint8_t)(r >> 16);
		}
		avail = 1 + fuzz_next(&seed) % sizeof(b);
		rc = dec_n(b, avail, mode, &in);
		if (rc != 0 && rc != -EINVAL && rc != -EFAULT) {
			bad++;
			CHECK_EQ_INT(rc, 0);
			continue;
		}
		if (rc)
			continue;
		ok++;
		if (in.len < 1 || in.len > avail || in.len > X86_MAX_INSN_LEN) {
			bad++;
			CHECK_EQ(in.len, 0);
			continue;
		}
		if (dec_n(b, in.len, mode, &again) != 0 || again.len != in.len ||
		    again.op != in.op || again.has_mem != in.has_mem ||
		    !truncations_efault(b, in.len, mode)) {
			bad++;
			CHECK(!"exact-length or truncated re-decode differs");
		}
	}
	CHECK_EQ(bad, 0);
	CHECK(ok > 5000); /* the generator really reaches valid instructions */
}
