/* SPDX-License-Identifier: MIT */
/*
 * x86 instruction-length and operand decoder for hvsim.
 *
 * QEMU TCG gives an SVM guest no NRIP-save and no decode assists, so hvsim has
 * to decode the instruction at the guest's RIP itself: to report the
 * instruction length in intercept messages, to step RIP past an emulated
 * instruction, and to find the operands of intercepted register writes.
 *
 * The decoder is pure and portable (no libc beyond <stdint.h>, <stddef.h>,
 * <stdbool.h>), it never reads past the bytes it is given, and it keeps no
 * state.  Its opcode tables were written from the Intel SDM volume 2 appendix A
 * and the AMD APM volume 3 opcode maps.
 *
 * Coverage:
 *   - lengths of every instruction of the 1-byte, 0F, 0F38 and 0F3A maps,
 *     3DNow! (0F 0F), VEX (C4/C5), EVEX (62) and AMD XOP (8F) encodings, in
 *     64-bit, 32-bit (compat/protected) and 16-bit modes, with all legacy
 *     prefixes, REX, operand- and address-size overrides.  Near branches with
 *     66h in 64-bit mode take a 16-bit displacement (AMD behaviour, which QEMU
 *     and SVM hardware follow).
 *   - undefined opcodes of the 1-byte and 0F maps and undefined slots of the
 *     groups hvsim cares about return -EINVAL.  In the 0F38/0F3A maps and the
 *     VEX/EVEX/XOP spaces every opcode has the map's uniform shape, so lengths
 *     are exact for every defined instruction, but an undefined opcode there is
 *     NOT rejected (the CPU raised #UD before any intercept could happen).
 *   - operands: ModRM/SIB/displacement/immediates and the effective-address
 *     components of the memory operand; the read/write kind of the memory
 *     access for integer instructions, descriptor-table instructions, x87 and
 *     the common SSE loads/stores (X86_ACC_UNKNOWN elsewhere, e.g. VEX/EVEX).
 *   - EVEX memory operands with an 8-bit displacement use the compressed
 *     disp8*N form; N depends on the instruction, which is not modelled:
 *     mem.disp then holds the raw disp8, mem.flags has X86_MEM_DISP8N and
 *     x86_effective_address() returns -EOPNOTSUPP.
 *   - validity that depends on a mandatory prefix (66/F2/F3 on SSE/MMX
 *     opcodes) or on the register-vs-memory form of SSE/MMX instructions is
 *     not checked; such undefined forms still get their structural length.
 *   - VSIB (gather/scatter) memory operands have a vector index register;
 *     mem.index then holds its number and x86_effective_address() is wrong
 *     for them.  Bit-string instructions (BT/BTS/BTR/BTC with a register bit
 *     offset) may access memory beyond mem: the offset is not applied.
 *   - implicit stack accesses (PUSH reg, CALL, RET, ...) are not reported as
 *     memory operands; PUSH/POP with an r/m operand report that operand.
 *   - 64-bit mode: ES/CS/SS/DS prefixes are null prefixes (AMD APM vol. 3
 *     1.2.4), so "64 2E mov" still uses FS.  mem.seg is the segment whose base
 *     applies (FS/GS, or DS/SS which have base 0 in 64-bit mode).
 */
#ifndef TOOLS_HVSIM_DECODE_H
#define TOOLS_HVSIM_DECODE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define X86_MAX_INSN_LEN 15

enum x86_mode {
	X86_MODE_64 = 0, /* 64-bit long mode (CS.L = 1) */
	X86_MODE_32 = 1, /* compat / protected mode, CS.D = 1 */
	X86_MODE_16 = 2, /* real, vm86 or protected mode with CS.D = 0 */
};

/*
 * Decode mode of a vCPU from its state (SVM: EFER.LMA, and CS attribute bits
 * L and D/B of the VMCB).  In virtual-8086 mode pass cs_d = false.
 */
static inline enum x86_mode x86_mode_of(bool efer_lma, bool cs_l, bool cs_d)
{
	if (efer_lma && cs_l)
		return X86_MODE_64;
	return cs_d ? X86_MODE_32 : X86_MODE_16;
}

/* Legacy prefixes seen (x86_insn.prefixes). */
#define X86_PFX_OPSIZE 0x0001 /* 66 */
#define X86_PFX_ADSIZE 0x0002 /* 67 */
#define X86_PFX_LOCK   0x0004 /* F0 */
#define X86_PFX_REPNE  0x0008 /* F2 */
#define X86_PFX_REP    0x0010 /* F3 */
#define X86_PFX_SEG    0x0020 /* any of 26 2E 36 3E 64 65 */

/* Segment registers, numbered as in ModRM.reg of MOV Sreg. */
enum x86_seg {
	X86_SEG_ES = 0,
	X86_SEG_CS = 1,
	X86_SEG_SS = 2,
	X86_SEG_DS = 3,
	X86_SEG_FS = 4,
	X86_SEG_GS = 5,
	X86_SEG_NONE = 0xff,
};

/* General registers: 0..15 = rAX, rCX, rDX, rBX, rSP, rBP, rSI, rDI, r8..r15. */
#define X86_REG_NONE 0xff
#define X86_REG_RIP  16 /* only as x86_mem.base: RIP-relative */

enum x86_encoding {
	X86_ENC_LEGACY = 0, /* legacy prefixes / REX */
	X86_ENC_VEX = 1,    /* C4 / C5 */
	X86_ENC_EVEX = 2,   /* 62 (64-bit mode, or 32-bit with mod = 11) */
	X86_ENC_XOP = 3,    /* AMD 8F with map select >= 8 */
};

enum x86_map {
	X86_MAP_1B = 0,    /* one-byte opcodes */
	X86_MAP_0F = 1,    /* 0F xx; VEX/EVEX mmmmm = 1 */
	X86_MAP_0F38 = 2,  /* 0F 38 xx; VEX/EVEX mmmmm = 2 */
	X86_MAP_0F3A = 3,  /* 0F 3A xx; VEX/EVEX mmmmm = 3 */
	X86_MAP_3DNOW = 4, /* 0F 0F modrm imm8: opcode = the trailing imm8 */
	X86_MAP_EVEX5 = 5, /* EVEX map 5 (AVX512-FP16) */
	X86_MAP_EVEX6 = 6, /* EVEX map 6 (AVX512-FP16) */
	X86_MAP_XOP8 = 8,  /* XOP maps 8, 9, 0Ah */
	X86_MAP_XOP9 = 9,
	X86_MAP_XOPA = 10,
};

/* What hvsim needs to know about the instruction (x86_insn.op). */
enum x86_op {
	X86_OP_OTHER = 0,
	X86_OP_MOV_TO_CR,   /* 0F 22: cr <- gpr */
	X86_OP_MOV_FROM_CR, /* 0F 20: gpr <- cr */
	X86_OP_MOV_TO_DR,   /* 0F 23: dr (in .cr) <- gpr */
	X86_OP_MOV_FROM_DR, /* 0F 21: gpr <- dr (in .cr) */
	X86_OP_LGDT,        /* 0F 01 /2, memory only */
	X86_OP_LIDT,        /* 0F 01 /3, memory only */
	X86_OP_LLDT,        /* 0F 00 /2: memory or .gpr */
	X86_OP_LTR,         /* 0F 00 /3: memory or .gpr */
	X86_OP_SGDT,        /* 0F 01 /0 */
	X86_OP_SIDT,        /* 0F 01 /1 */
	X86_OP_SLDT,        /* 0F 00 /0 */
	X86_OP_STR,         /* 0F 00 /1 */
	X86_OP_LMSW,        /* 0F 01 /6: memory or .gpr (16-bit source) */
	X86_OP_SMSW,        /* 0F 01 /4 */
	X86_OP_CLTS,        /* 0F 06 */
	X86_OP_WRMSR,       /* 0F 30 */
	X86_OP_RDMSR,       /* 0F 32 */
	X86_OP_XSETBV,      /* 0F 01 D1 */
	X86_OP_XGETBV,      /* 0F 01 D0 */
	X86_OP_CPUID,       /* 0F A2 */
	X86_OP_VMMCALL,     /* 0F 01 D9 */
	X86_OP_VMCALL,      /* 0F 01 C1 */
	X86_OP_HLT,         /* F4 */
	X86_OP_INVLPG,      /* 0F 01 /7 memory */
	X86_OP_IN,          /* E4 E5 EC ED */
	X86_OP_OUT,         /* E6 E7 EE EF */
	X86_OP_MOV,         /* 88-8B, 8C, 8E, A0-A3, C6/C7 /0: plain moves */
	X86_OP_MOVS,        /* A4/A5: mem = ES:rDI (write), mem2 = seg:rSI (read) */
	X86_OP_CMPS,        /* A6/A7: mem = seg:rSI, mem2 = ES:rDI, both read */
	X86_OP_STOS,        /* AA/AB: mem = ES:rDI (write) */
	X86_OP_LODS,        /* AC/AD: mem = seg:rSI (read) */
	X86_OP_SCAS,        /* AE/AF: mem = ES:rDI (read) */
	X86_OP_INS,         /* 6C/6D: mem = ES:rDI (write) */
	X86_OP_OUTS,        /* 6E/6F: mem = seg:rSI (read) */
	X86_OP_XLAT,        /* D7: mem = seg:[rBX + AL] (read) */
};

/* Kind of access to a memory operand. */
enum x86_access {
	X86_ACC_UNKNOWN = 0, /* there is a memory operand, access not modelled */
	X86_ACC_READ = 1,
	X86_ACC_WRITE = 2,
	X86_ACC_RMW = 3,     /* READ | WRITE */
	X86_ACC_NONE = 4,    /* address only: LEA, NOP, prefetch, INVLPG, CLFLUSH */
};

/* x86_mem.flags */
#define X86_MEM_DISP8N 0x01 /* EVEX compressed disp8: scale unknown */
#define X86_MEM_XLAT   0x02 /* add zero-extended AL to the address */
#define X86_MEM_IMPLIED 0x04 /* string instruction operand (no ModRM) */

/* One memory operand: seg:[base + index * scale + disp], truncated to
 * addr_size bytes (RIP-relative: next RIP + disp). */
struct x86_mem {
	uint8_t base;      /* 0..15, X86_REG_RIP or X86_REG_NONE */
	uint8_t index;     /* 0..15 or X86_REG_NONE (SIB index 100b without REX.X) */
	uint8_t scale;     /* 1, 2, 4 or 8 */
	uint8_t seg;       /* effective segment (override or default), enum x86_seg */
	uint8_t addr_size; /* 2, 4 or 8 bytes */
	uint8_t disp_size; /* bytes of displacement encoded: 0, 1, 2, 4 or 8 */
	uint8_t flags;     /* X86_MEM_* */
	int64_t disp;      /* sign-extended; moffs (A0-A3) zero-extended */
};

struct x86_insn {
	uint8_t len;          /* total length, 1..15 */
	uint8_t mode;         /* enum x86_mode used */
	uint8_t encoding;     /* enum x86_encoding */
	uint8_t map;          /* enum x86_map */
	uint8_t opcode;       /* opcode byte within the map */
	uint8_t nprefixes;    /* legacy prefix bytes (REX, VEX etc. not counted) */
	uint16_t prefixes;    /* X86_PFX_* seen */
	uint8_t seg_override; /* last segment prefix (64-bit: last FS/GS), or NONE */
	uint8_t last_rep;     /* 0, 0xF2 or 0xF3: the last of F2/F3 seen */
	uint8_t rex;          /* effective REX byte (0x40-0x4F) or 0 */
	bool rex_w;           /* REX.W, VEX.W, EVEX.W or XOP.W */
	uint8_t opsize;       /* effective operand size in bytes: 2, 4 or 8 */
	uint8_t addrsize;     /* effective address size in bytes: 2, 4 or 8 */

	/* VEX/EVEX/XOP fields (decoded, not inverted); 0 for legacy. */
	uint8_t vex_vvvv;     /* 0..31 (EVEX includes V') */
	uint8_t vex_l;        /* vector length: 0 = 128, 1 = 256, 2 = 512 */
	uint8_t vex_pp;       /* 0 none, 1 = 66, 2 = F3, 3 = F2 */

	bool has_modrm;
	uint8_t modrm;
	uint8_t mod;          /* ModRM.mod (3 for register forms and MOV CR/DR) */
	uint8_t reg;          /* ModRM.reg | REX.R << 3 (| EVEX.R' << 4 not applied) */
	uint8_t rm;           /* ModRM.rm | REX.B << 3 (register forms only) */
	bool has_sib;
	uint8_t sib;

	uint8_t disp_off;     /* offset of the displacement (valid if mem.disp_size) */
	uint8_t imm_off;      /* offset of the first immediate (valid if imm_size) */
	uint8_t imm_size;     /* bytes: 0, 1, 2, 4 or 8 */
	uint8_t imm2_size;    /* second immediate (ENTER ib, EXTRQ/INSERTQ): 0 or 1 */
	uint64_t imm;         /* zero-extended raw value (far pointer: offset) */
	uint64_t imm2;        /* second immediate (far pointer: selector) */

	/* Classification. */
	uint8_t op;           /* enum x86_op */
	uint8_t cr;           /* CR/DR number for MOV CR/DR (LOCK MOV CR0 = CR8) */
	uint8_t gpr;          /* GPR operand of MOV CR/DR, and of LLDT/LTR/LMSW/
				 SLDT/STR/SMSW register forms; else X86_REG_NONE */

	/* The memory operand, if any. */
	bool has_mem;
	uint8_t access;       /* enum x86_access */
	uint8_t mem_size;     /* bytes accessed when known (LGDT: 6 or 10), else 0 */
	struct x86_mem mem;
	/* Second memory operand of MOVS and CMPS. */
	bool has_mem2;
	uint8_t access2;
	struct x86_mem mem2;
};

/*
 * Decode the instruction at bytes[0..avail).  Returns 0 and fills *out, or
 *   -EFAULT  when the instruction needs more than avail bytes (fetch more and
 *            call again; at most X86_MAX_INSN_LEN bytes are ever needed);
 *   -EINVAL  for an undefined opcode, a prefix combination that raises #UD
 *            (e.g. 66/F2/F3/LOCK/REX before VEX), a longer-than-15-byte
 *            instruction, a bad mode, or NULL arguments.
 * Never reads bytes[avail] or beyond.  *out is fully written on success and
 * unspecified on failure.
 */
int x86_decode(const uint8_t *bytes, size_t avail, enum x86_mode mode, struct x86_insn *out);

/*
 * Linear address of a memory operand: seg_base + offset, where offset is
 * base + index * scale + disp (or rip_next + disp when RIP-relative) truncated
 * to the address size.  rip_next is the address of the next instruction
 * (RIP + len).  In 16/32-bit modes the linear address is truncated to 32 bits.
 * gpr[] is indexed like X86_REG (rAX..r15).  Returns 0, -EINVAL for bad
 * arguments or no memory operand, -EOPNOTSUPP for EVEX compressed disp8.
 */
int x86_mem_address(const struct x86_mem *mem, enum x86_mode mode, const uint64_t gpr[16],
		    uint64_t rip_next, uint64_t seg_base, uint64_t *ea);

/* x86_mem_address() of insn->mem. */
int x86_effective_address(const struct x86_insn *insn, const uint64_t gpr[16], uint64_t rip_next,
			  uint64_t seg_base, uint64_t *ea);

/* Short name of an enum x86_op ("mov_to_cr", ...), for logs. */
const char *x86_op_name(unsigned int op);

#endif
