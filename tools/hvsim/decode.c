// SPDX-License-Identifier: MIT
/*
 * x86 instruction-length and operand decoder (see decode.h for the contract).
 *
 * Table driven: every opcode of the 1-byte and 0F maps has one 32-bit
 * descriptor saying whether a ModRM byte follows, which immediate follows, in
 * which modes it is defined, what it does to its memory operand and whether
 * ModRM.reg selects a row of a group table.  The tables were written from the
 * opcode maps of the Intel SDM (vol. 2, appendix A) and AMD APM (vol. 3,
 * appendix A).  Everything that does not fit the tables (VEX/EVEX/XOP,
 * 3DNow!, SSE4a EXTRQ/INSERTQ, the 0F 01 register forms, RTM) is handled in
 * code, with a comment saying why.
 */
#include "core/compiler.h"
#include "tools/hvsim/decode.h"

#include "core/errno.h"

/* ---------------------------------------------------------------- descriptors */

#define F_M       0x0001u /* a ModRM byte follows */
#define F_INV     0x0002u /* undefined opcode */
#define F_I64     0x0004u /* undefined in 64-bit mode */
#define F_D64     0x0008u /* operand size defaults to 64 bits in 64-bit mode */
#define F_REGONLY 0x0010u /* ModRM.mod is ignored, r/m is a register (MOV CR/DR) */
#define F_NOREG   0x0020u /* the register form (mod = 11) is undefined */
#define A_R       0x0080u /* the memory operand is read */
#define A_W       0x0100u /* the memory operand is written */
#define A_RMW     (A_R | A_W)
#define A_N       0x0200u /* the memory operand is only an address */

/* Immediate kinds. */
enum { I_NONE, I_B, I_W, I_Z, I_V, I_ENTER, I_MOFFS, I_PTR, I_G3, I_BB };
#define IMM(k)     ((uint32_t)(k) << 12)
#define IMM_OF(d)  (((d) >> 12) & 0xfu)

/* Memory operand size kinds. */
enum { SZ_UNK, SZ_B, SZ_W, SZ_V, SZ_D, SZ_DT, SZ_FAR };
#define SZ(k)      ((uint32_t)(k) << 16)
#define SZ_OF(d)   (((d) >> 16) & 0x7u)

/* Groups: ModRM.reg picks a row of grp_tab[]. */
enum { G_NONE, G1, G1A, G2, G3, G4, G5, G11, G6, G7, G8, G9, G15, G_X87, G_COUNT };
#define GRP(g)     ((uint32_t)(g) << 19)
#define GRP_OF(d)  (((d) >> 19) & 0x1fu)

/* Classification (enum x86_op). */
#define OP(o)      ((uint32_t)(o) << 26)
#define OP_OF(d)   (((d) >> 26) & 0x3fu)

/* Short-hands that keep the tables one row per line. */
#define INV  F_INV
#define I64  F_I64
#define ____ 0u                       /* no ModRM, no immediate */
#define MRB  (F_M | A_R | SZ(SZ_B))   /* r/m8 read */
#define MRV  (F_M | A_R | SZ(SZ_V))   /* r/mv read */
#define MWB  (F_M | A_W | SZ(SZ_B))
#define MWV  (F_M | A_W | SZ(SZ_V))
#define MXB  (F_M | A_RMW | SZ(SZ_B)) /* r/m8 read-modify-write */
#define MXV  (F_M | A_RMW | SZ(SZ_V))
#define IB   IMM(I_B)
#define IZ   IMM(I_Z)
#define MR   (F_M | A_R)              /* read, size not modelled (SSE/MMX) */
#define MW   (F_M | A_W)
#define MU   F_M                      /* access not modelled */
#define MN   (F_M | A_N)

/* ALU row: op r/m8,r8; op r/mv,rv; op r8,r/m8; op rv,r/mv; op AL,ib; op eAX,iz */
#define ALU MXB, MXV, MRB, MRV, IB, IZ

static const uint32_t map1[256] = {
	/* 00 */ ALU, I64, I64, ALU, I64, INV /* 0F: escape */,
	/* 10 */ ALU, I64, I64, ALU, I64, I64,
	/* 20 */ ALU, INV /* ES: prefix */, I64, ALU, INV /* CS: */, I64,
	/* 30 */ ALU, INV /* SS: */, I64,
	/* 38 CMP only reads */ MRB, MRV, MRB, MRV, IB, IZ, INV /* DS: */, I64,
	/* 40 INC/DEC r (REX in 64-bit mode, taken as prefixes before lookup) */
	____, ____, ____, ____, ____, ____, ____, ____,
	____, ____, ____, ____, ____, ____, ____, ____,
	/* 50 PUSH/POP r */
	F_D64, F_D64, F_D64, F_D64, F_D64, F_D64, F_D64, F_D64,
	F_D64, F_D64, F_D64, F_D64, F_D64, F_D64, F_D64, F_D64,
	/* 60 */ I64 /* PUSHA */, I64 /* POPA */,
	I64 | F_NOREG | MR | SZ(SZ_UNK) /* BOUND (EVEX in code) */,
	F_M | A_RMW | SZ(SZ_W) /* ARPL; MOVSXD in 64-bit mode, in code */,
	INV /* FS: */, INV /* GS: */, INV /* 66 */, INV /* 67 */,
	IZ | F_D64 /* PUSH iz */, MRV | IZ /* IMUL */, IB | F_D64 /* PUSH ib */,
	MRV | IB /* IMUL */,
	OP(X86_OP_INS) | SZ(SZ_B), OP(X86_OP_INS) | SZ(SZ_V),
	OP(X86_OP_OUTS) | SZ(SZ_B), OP(X86_OP_OUTS) | SZ(SZ_V),
	/* 70 Jcc rel8 */
	IB, IB, IB, IB, IB, IB, IB, IB, IB, IB, IB, IB, IB, IB, IB, IB,
	/* 80 */ F_M | GRP(G1) | IB | SZ(SZ_B), F_M | GRP(G1) | IZ | SZ(SZ_V),
	F_M | GRP(G1) | IB | SZ(SZ_B) | I64, F_M | GRP(G1) | IB | SZ(SZ_V),
	MRB /* TEST */, MRV, MXB /* XCHG */, MXV,
	MWB | OP(X86_OP_MOV), MWV | OP(X86_OP_MOV), MRB | OP(X86_OP_MOV), MRV | OP(X86_OP_MOV),
	F_M | A_W | SZ(SZ_W) | OP(X86_OP_MOV) /* MOV r/m16, Sreg */,
	MN | F_NOREG /* LEA */,
	F_M | A_R | SZ(SZ_W) | OP(X86_OP_MOV) /* MOV Sreg, r/m16 */,
	F_M | GRP(G1A) | F_D64 | SZ(SZ_V) /* POP r/m (XOP in code) */,
	/* 90 NOP/XCHG, CBW, CWD, CALLF, FWAIT, PUSHF, POPF, SAHF, LAHF */
	____, ____, ____, ____, ____, ____, ____, ____,
	____, ____, I64 | IMM(I_PTR), ____, F_D64, F_D64, ____, ____,
	/* A0 MOV moffs */
	IMM(I_MOFFS) | A_R | SZ(SZ_B) | OP(X86_OP_MOV), IMM(I_MOFFS) | A_R | SZ(SZ_V) | OP(X86_OP_MOV),
	IMM(I_MOFFS) | A_W | SZ(SZ_B) | OP(X86_OP_MOV), IMM(I_MOFFS) | A_W | SZ(SZ_V) | OP(X86_OP_MOV),
	OP(X86_OP_MOVS) | SZ(SZ_B), OP(X86_OP_MOVS) | SZ(SZ_V),
	OP(X86_OP_CMPS) | SZ(SZ_B), OP(X86_OP_CMPS) | SZ(SZ_V),
	IB /* TEST AL */, IZ /* TEST eAX */,
	OP(X86_OP_STOS) | SZ(SZ_B), OP(X86_OP_STOS) | SZ(SZ_V),
	OP(X86_OP_LODS) | SZ(SZ_B), OP(X86_OP_LODS) | SZ(SZ_V),
	OP(X86_OP_SCAS) | SZ(SZ_B), OP(X86_OP_SCAS) | SZ(SZ_V),
	/* B0 MOV r8, ib; B8 MOV r, iv (imm64 with REX.W) */
	IB, IB, IB, IB, IB, IB, IB, IB,
	IMM(I_V), IMM(I_V), IMM(I_V), IMM(I_V), IMM(I_V), IMM(I_V), IMM(I_V), IMM(I_V),
	/* C0 */ F_M | GRP(G2) | IB | SZ(SZ_B), F_M | GRP(G2) | IB | SZ(SZ_V),
	IMM(I_W) | F_D64 /* RET iw */, F_D64 /* RET */,
	I64 | F_NOREG | MR | SZ(SZ_FAR) /* LES (VEX in code) */,
	I64 | F_NOREG | MR | SZ(SZ_FAR) /* LDS (VEX in code) */,
	F_M | GRP(G11) | IB | SZ(SZ_B), F_M | GRP(G11) | IZ | SZ(SZ_V),
	IMM(I_ENTER) | F_D64, F_D64 /* LEAVE */, IMM(I_W) /* RETF iw */, ____ /* RETF */,
	____ /* INT3 */, IB /* INT ib */, I64 /* INTO */, ____ /* IRET */,
	/* D0 */ F_M | GRP(G2) | SZ(SZ_B), F_M | GRP(G2) | SZ(SZ_V),
	F_M | GRP(G2) | SZ(SZ_B), F_M | GRP(G2) | SZ(SZ_V),
	I64 | IB /* AAM */, I64 | IB /* AAD */, INV /* SALC: undefined */,
	OP(X86_OP_XLAT) | SZ(SZ_B),
	F_M | GRP(G_X87), F_M | GRP(G_X87), F_M | GRP(G_X87), F_M | GRP(G_X87),
	F_M | GRP(G_X87), F_M | GRP(G_X87), F_M | GRP(G_X87), F_M | GRP(G_X87),
	/* E0 LOOPcc, JrCXZ, IN/OUT ib, CALL/JMP rel, JMPF, JMP rel8, IN/OUT DX */
	IB, IB, IB, IB,
	IB | OP(X86_OP_IN), IB | OP(X86_OP_IN), IB | OP(X86_OP_OUT), IB | OP(X86_OP_OUT),
	IZ | F_D64, IZ | F_D64, I64 | IMM(I_PTR), IB,
	OP(X86_OP_IN), OP(X86_OP_IN), OP(X86_OP_OUT), OP(X86_OP_OUT),
	/* F0 */ INV /* LOCK */, ____ /* INT1 */, INV /* REPNE */, INV /* REP */,
	OP(X86_OP_HLT), ____ /* CMC */,
	F_M | GRP(G3) | SZ(SZ_B), F_M | GRP(G3) | SZ(SZ_V),
	____, ____, ____, ____, ____, ____ /* CLC STC CLI STI CLD STD */,
	F_M | GRP(G4) | SZ(SZ_B), F_M | GRP(G5) | SZ(SZ_V),
};

static const uint32_t map0f[256] = {
	/* 00 */ F_M | GRP(G6), F_M | GRP(G7), MR | SZ(SZ_W) /* LAR */, MR | SZ(SZ_W) /* LSL */,
	INV, ____ /* SYSCALL */, OP(X86_OP_CLTS), ____ /* SYSRET */,
	____ /* INVD */, ____ /* WBINVD */, INV, ____ /* UD2 */,
	INV, MN /* PREFETCH group */, ____ /* FEMMS */, INV /* 3DNow!, in code */,
	/* 10 SSE moves: 11, 13, 17 store */
	MR, MW, MR, MW, MR, MR, MR, MW,
	/* 18 prefetch hints, 19-1E hint space (MPX, CET), 1F NOP r/m */
	MN, MU, MU, MU, MU, MU, MU, MN,
	/* 20 MOV CR/DR */
	F_M | F_REGONLY | OP(X86_OP_MOV_FROM_CR), F_M | F_REGONLY | OP(X86_OP_MOV_FROM_DR),
	F_M | F_REGONLY | OP(X86_OP_MOV_TO_CR), F_M | F_REGONLY | OP(X86_OP_MOV_TO_DR),
	INV, INV, INV, INV /* 24/26 were MOV TR on the 386 */,
	/* 28: 29, 2B store */
	MR, MW, MR, MW, MR, MR, MR, MR,
	/* 30 */ OP(X86_OP_WRMSR), ____ /* RDTSC */, OP(X86_OP_RDMSR), ____ /* RDPMC */,
	____ /* SYSENTER */, ____ /* SYSEXIT */, INV, ____ /* GETSEC */,
	INV /* 0F 38 escape */, INV, INV /* 0F 3A escape */, INV, INV, INV, INV, INV,
	/* 40 CMOVcc */
	MRV, MRV, MRV, MRV, MRV, MRV, MRV, MRV, MRV, MRV, MRV, MRV, MRV, MRV, MRV, MRV,
	/* 50 SSE arithmetic */
	MR, MR, MR, MR, MR, MR, MR, MR, MR, MR, MR, MR, MR, MR, MR, MR,
	/* 60 MMX/SSE2 */
	MR, MR, MR, MR, MR, MR, MR, MR, MR, MR, MR, MR, MR, MR, MR, MR,
	/* 70 PSHUF, shift groups 12-14, PCMPEQ, EMMS, VMREAD/VMWRITE (in code) */
	MR | IB, MU | IB, MU | IB, MU | IB, MR, MR, MR, ____,
	MW | SZ(SZ_V) /* VMREAD */, MR | SZ(SZ_V) /* VMWRITE */, INV, INV,
	MR, MR, MW /* MOVD/MOVQ store, F3 form in code */, MW,
	/* 80 Jcc rel16/32 */
	IZ | F_D64, IZ | F_D64, IZ | F_D64, IZ | F_D64, IZ | F_D64, IZ | F_D64, IZ | F_D64, IZ | F_D64,
	IZ | F_D64, IZ | F_D64, IZ | F_D64, IZ | F_D64, IZ | F_D64, IZ | F_D64, IZ | F_D64, IZ | F_D64,
	/* 90 SETcc */
	MWB, MWB, MWB, MWB, MWB, MWB, MWB, MWB, MWB, MWB, MWB, MWB, MWB, MWB, MWB, MWB,
	/* A0 */ F_D64 /* PUSH FS */, F_D64 /* POP FS */, OP(X86_OP_CPUID), MRV /* BT */,
	MXV | IB /* SHLD */, MXV /* SHLD CL */, INV, INV,
	F_D64 /* PUSH GS */, F_D64 /* POP GS */, ____ /* RSM */, MXV /* BTS */,
	MXV | IB /* SHRD */, MXV /* SHRD CL */, F_M | GRP(G15), MRV /* IMUL */,
	/* B0 */ MXB /* CMPXCHG */, MXV, MR | SZ(SZ_FAR) | F_NOREG /* LSS */, MXV /* BTR */,
	MR | SZ(SZ_FAR) | F_NOREG /* LFS */, MR | SZ(SZ_FAR) | F_NOREG /* LGS */,
	MRB /* MOVZX */, MR | SZ(SZ_W),
	MRV /* POPCNT (F3 only, in code) */, MU /* UD1 */, F_M | GRP(G8) | IB, MXV /* BTC */,
	MRV /* BSF/TZCNT */, MRV /* BSR/LZCNT */, MRB /* MOVSX */, MR | SZ(SZ_W),
	/* C0 */ MXB /* XADD */, MXV, MR | IB /* CMPPS */, MWV | F_NOREG /* MOVNTI */,
	MR | IB /* PINSRW */, MU | IB /* PEXTRW */, MR | IB /* SHUFPS */, F_M | GRP(G9),
	____, ____, ____, ____, ____, ____, ____, ____ /* BSWAP */,
	/* D0: D6 MOVQ store */
	MR, MR, MR, MR, MR, MR, MW, MR, MR, MR, MR, MR, MR, MR, MR, MR,
	/* E0: E7 MOVNTQ/MOVNTDQ store */
	MR, MR, MR, MR, MR, MR, MR, MW, MR, MR, MR, MR, MR, MR, MR, MR,
	/* F0: F7 MASKMOVQ writes DS:rDI, FF is UD0 */
	MR, MR, MR, MR, MR, MR, MR, MU, MR, MR, MR, MR, MR, MR, MR, MU,
};

/*
 * Group rows, indexed by ModRM.reg.  An entry's flags are OR-ed into the
 * opcode's; its access, size and classification replace the opcode's when
 * set.  Register forms with extra meaning (0F 01 /x mod = 11, C6/C7 /7) are
 * resolved in code before this table.
 */
static const uint32_t grp_tab[G_COUNT][8] = {
	[G1] = { A_RMW, A_RMW, A_RMW, A_RMW, A_RMW, A_RMW, A_RMW, A_R /* CMP */ },
	[G1A] = { A_W /* POP */, INV, INV, INV, INV, INV, INV, INV },
	[G2] = { A_RMW, A_RMW, A_RMW, A_RMW, A_RMW, A_RMW, A_RMW /* SAL alias */, A_RMW },
	[G3] = { A_R | IMM(I_G3) /* TEST */, A_R | IMM(I_G3) /* TEST alias */, A_RMW /* NOT */,
		 A_RMW /* NEG */, A_R, A_R, A_R, A_R /* MUL IMUL DIV IDIV */ },
	[G4] = { A_RMW, A_RMW, INV, INV, INV, INV, INV, INV },
	[G5] = { A_RMW /* INC */, A_RMW /* DEC */, A_R | F_D64 /* CALL */,
		 A_R | F_NOREG | SZ(SZ_FAR) /* CALLF */, A_R | F_D64 /* JMP */,
		 A_R | F_NOREG | SZ(SZ_FAR) /* JMPF */, A_R | F_D64 /* PUSH */, INV },
	[G11] = { A_W | OP(X86_OP_MOV), INV, INV, INV, INV, INV, INV, INV },
	[G6] = { A_W | SZ(SZ_W) | OP(X86_OP_SLDT), A_W | SZ(SZ_W) | OP(X86_OP_STR),
		 A_R | SZ(SZ_W) | OP(X86_OP_LLDT), A_R | SZ(SZ_W) | OP(X86_OP_LTR),
		 A_R | SZ(SZ_W) /* VERR */, A_R | SZ(SZ_W) /* VERW */, INV, INV },
	[G7] = { A_W | SZ(SZ_DT) | OP(X86_OP_SGDT), A_W | SZ(SZ_DT) | OP(X86_OP_SIDT),
		 A_R | SZ(SZ_DT) | OP(X86_OP_LGDT), A_R | SZ(SZ_DT) | OP(X86_OP_LIDT),
		 A_W | SZ(SZ_W) | OP(X86_OP_SMSW), 0 /* RSTORSSP et al. */,
		 A_R | SZ(SZ_W) | OP(X86_OP_LMSW), A_N | OP(X86_OP_INVLPG) },
	[G8] = { INV, INV, INV, INV, A_R /* BT */, A_RMW, A_RMW, A_RMW /* BTS BTR BTC */ },
	[G9] = { INV, A_RMW | F_NOREG /* CMPXCHG8B/16B */, INV, A_R /* XRSTORS */,
		 A_W /* XSAVEC */, A_W /* XSAVES */, 0 /* RDRAND, VMPTRLD.. */,
		 0 /* RDSEED, VMPTRST.. */ },
	[G15] = { A_W /* FXSAVE */, A_R /* FXRSTOR */, A_R | SZ(SZ_D) /* LDMXCSR */,
		  A_W | SZ(SZ_D) /* STMXCSR */, A_W /* XSAVE */, A_R /* XRSTOR */,
		  A_W /* XSAVEOPT, CLWB */, A_N /* CLFLUSH(OPT) */ },
};

/*
 * x87 (D8-DF) memory forms by [opcode - D8][ModRM.reg]: R, W or '-' for an
 * undefined slot, and the operand size in bytes (0: environment/state image,
 * whose size depends on the mode).  The register forms are all accepted.
 */
static const char x87_acc[8][9] = {
	"RRRRRRRR", /* D8: arithmetic on m32fp */
	"R-WWRRWW", /* D9: FLD FST FSTP m32fp, FLDENV FLDCW FNSTENV FNSTCW */
	"RRRRRRRR", /* DA: arithmetic on m32int */
	"RWWW-R-W", /* DB: FILD FISTTP FIST FISTP m32int, FLD/FSTP m80fp */
	"RRRRRRRR", /* DC: arithmetic on m64fp */
	"RWWWR-WW", /* DD: FLD FISTTP FST FSTP m64, FRSTOR FNSAVE FNSTSW */
	"RRRRRRRR", /* DE: arithmetic on m16int */
	"RWWWRRWW", /* DF: FILD FISTTP FIST FISTP m16int, FBLD FILD m64 FBSTP FISTP m64 */
};
static const uint8_t x87_size[8][8] = {
	{ 4, 4, 4, 4, 4, 4, 4, 4 }, { 4, 0, 4, 4, 0, 2, 0, 2 },
	{ 4, 4, 4, 4, 4, 4, 4, 4 }, { 4, 4, 4, 4, 0, 10, 0, 10 },
	{ 8, 8, 8, 8, 8, 8, 8, 8 }, { 8, 8, 8, 8, 0, 0, 0, 2 },
	{ 2, 2, 2, 2, 2, 2, 2, 2 }, { 2, 2, 2, 2, 10, 8, 10, 8 },
};

/* 16-bit addressing: ModRM.rm -> base, index. */
static const uint8_t rm16_base[8] = { 3, 3, 5, 5, 6, 7, 5, 3 };          /* BX BX BP BP SI DI BP BX */
static const uint8_t rm16_index[8] = { 6, 7, 6, 7, X86_REG_NONE, X86_REG_NONE, X86_REG_NONE,
				       X86_REG_NONE }; /* SI DI SI DI */

/* ------------------------------------------------------------------- cursor */

struct cursor {
	const uint8_t *bytes;
	size_t avail;
	unsigned int pos;
};

/* Next byte without consuming it.  The 15-byte limit wins over a short buffer
 * so that an over-long instruction is -EINVAL however much was fetched. */
static int peek(const struct cursor *c, uint8_t *v)
{
	if (c->pos >= X86_MAX_INSN_LEN)
		return -EINVAL;
	if (c->pos >= c->avail)
		return -EFAULT;
	*v = c->bytes[c->pos];
	return 0;
}

static int next(struct cursor *c, uint8_t *v)
{
	int rc = peek(c, v);

	if (rc == 0)
		c->pos++;
	return rc;
}

/* n little-endian bytes, zero-extended. */
static int next_n(struct cursor *c, unsigned int n, uint64_t *v)
{
	uint64_t val = 0;

	for (unsigned int i = 0; i < n; i++) {
		uint8_t b;
		int rc = next(c, &b);

		if (rc)
			return rc;
		val |= (uint64_t)b << (8 * i);
	}
	*v = val;
	return 0;
}

static int64_t sign_extend(uint64_t v, unsigned int bytes)
{
	unsigned int shift = 64 - 8 * bytes;

	if (bytes >= 8)
		return (int64_t)v;
	/* Portable: no implementation-defined right shift of negative values. */
	v <<= shift;
	return (v >> 63) ? -(int64_t)((~v >> shift) + 1) : (int64_t)(v >> shift);
}

/* ------------------------------------------------------------------ helpers */

static void zero_insn(struct x86_insn *in)
{
	/* Byte loop: freestanding, and no padding left uninitialised. */
	volatile uint8_t *p = (volatile uint8_t *)in;

	for (size_t i = 0; i < sizeof(*in); i++)
		p[i] = 0;
}

static uint8_t operand_size(enum x86_mode mode, const struct x86_insn *in, bool d64)
{
	bool o16 = in->prefixes & X86_PFX_OPSIZE;

	if (mode == X86_MODE_64) {
		if (in->rex_w)
			return 8;
		if (o16)
			return 2;
		return d64 ? 8 : 4;
	}
	if (mode == X86_MODE_32)
		return o16 ? 2 : 4;
	return o16 ? 4 : 2;
}

static uint8_t address_size(enum x86_mode mode, bool a16)
{
	if (mode == X86_MODE_64)
		return a16 ? 4 : 8;
	if (mode == X86_MODE_32)
		return a16 ? 2 : 4;
	return a16 ? 4 : 2;
}

/* The segment used when the default is def: in 64-bit mode only FS and GS
 * overrides have an effect. */
static uint8_t effective_seg(const struct x86_insn *in, uint8_t def)
{
	uint8_t o = in->seg_override;

	if (o == X86_SEG_NONE)
		return def;
	if (in->mode == X86_MODE_64 && o != X86_SEG_FS && o != X86_SEG_GS)
		return def;
	return o;
}

static uint8_t mem_size(unsigned int kind, const struct x86_insn *in)
{
	switch (kind) {
	case SZ_B:
		return 1;
	case SZ_W:
		return 2;
	case SZ_V:
		return in->opsize;
	case SZ_D:
		return 4;
	case SZ_DT:
		return in->mode == X86_MODE_64 ? 10 : 6;
	case SZ_FAR:
		return (uint8_t)(in->opsize + 2);
	default:
		return 0;
	}
}

/* Implied string operand: seg:rSI (overridable) or ES:rDI. */
static void string_operand(const struct x86_insn *in, struct x86_mem *m, bool rdi)
{
	m->base = rdi ? 7 : 6;
	m->index = X86_REG_NONE;
	m->scale = 1;
	m->seg = rdi ? X86_SEG_ES : effective_seg(in, X86_SEG_DS);
	m->addr_size = in->addrsize;
	m->disp_size = 0;
	m->flags = X86_MEM_IMPLIED;
	m->disp = 0;
}

/* ModRM memory operand (mod != 3): SIB and displacement. */
__fastpath
static int decode_modrm_mem(struct cursor *c, struct x86_insn *in, bool rex_x, bool rex_b)
{
	struct x86_mem *m = &in->mem;
	unsigned int rm = in->modrm & 7, dsize = 0;
	uint8_t def_seg = X86_SEG_DS;
	uint64_t raw;
	int rc;

	m->index = X86_REG_NONE;
	m->scale = 1;
	m->addr_size = in->addrsize;

	if (in->addrsize == 2) {
		if (in->mod == 0 && rm == 6) {
			m->base = X86_REG_NONE;
			dsize = 2;
		} else {
			m->base = rm16_base[rm];
			m->index = rm16_index[rm];
			dsize = in->mod == 1 ? 1 : in->mod == 2 ? 2 : 0;
			if (m->base == 5) /* [BP...] defaults to SS */
				def_seg = X86_SEG_SS;
		}
	} else {
		unsigned int base = rm;

		if (rm == 4) {
			unsigned int idx;

			rc = next(c, &in->sib);
			if (rc)
				return rc;
			in->has_sib = true;
			m->scale = (uint8_t)(1u << (in->sib >> 6));
			idx = ((in->sib >> 3) & 7) | (rex_x ? 8 : 0);
			m->index = idx == 4 ? X86_REG_NONE : (uint8_t)idx;
			base = in->sib & 7;
		}
		if (base == 5 && in->mod == 0) {
			/* No base: disp32, or RIP-relative for ModRM without SIB. */
			m->base = (rm == 5 && in->mode == X86_MODE_64) ? X86_REG_RIP : X86_REG_NONE;
			dsize = 4;
		} else {
			m->base = (uint8_t)(base | (rex_b ? 8 : 0));
			if (base == 4 || base == 5) /* rSP/rBP based: SS */
				def_seg = X86_SEG_SS;
		}
		if (in->mod == 1)
			dsize = 1;
		else if (in->mod == 2)
			dsize = 4;
	}
	m->seg = effective_seg(in, def_seg);
	if (dsize) {
		in->disp_off = (uint8_t)c->pos;
		rc = next_n(c, dsize, &raw);
		if (rc)
			return rc;
		m->disp = sign_extend(raw, dsize);
		m->disp_size = (uint8_t)dsize;
		if (dsize == 1 && in->encoding == X86_ENC_EVEX)
			m->flags |= X86_MEM_DISP8N;
	}
	in->has_mem = true;
	return 0;
}

/* Immediate of the given kind. */
__fastpath
static int decode_imm(struct cursor *c, struct x86_insn *in, unsigned int kind)
{
	unsigned int n = 0, n2 = 0;
	int rc;

	switch (kind) {
	case I_NONE:
		return 0;
	case I_B:
		n = 1;
		break;
	case I_W:
		n = 2;
		break;
	case I_Z:
		n = in->opsize == 2 ? 2 : 4;
		break;
	case I_V:
		n = in->opsize;
		break;
	case I_ENTER:
		n = 2;
		n2 = 1;
		break;
	case I_PTR: /* far pointer: offset, then selector */
		n = in->opsize == 2 ? 2 : 4;
		n2 = 2;
		break;
	case I_BB:
		n = 1;
		n2 = 1;
		break;
	default:
		return -EINVAL;
	}
	in->imm_off = (uint8_t)c->pos;
	rc = next_n(c, n, &in->imm);
	if (rc)
		return rc;
	in->imm_size = (uint8_t)n;
	if (n2) {
		rc = next_n(c, n2, &in->imm2);
		if (rc)
			return rc;
		in->imm2_size = (uint8_t)n2;
	}
	return 0;
}

/* -------------------------------------------------------- VEX / EVEX / XOP */

/* Opcodes of VEX/EVEX map 1 that take an imm8 (the rest of map 1 has none,
 * all of map 3 has one, maps 2, 5 and 6 have none). */
static bool vex_map1_imm8(uint8_t op)
{
	return (op >= 0x70 && op <= 0x73) || op == 0xc2 || op == 0xc4 || op == 0xc5 || op == 0xc6;
}

/*
 * After C4/C5/62/8F (at c->pos): the rest of the prefix, the opcode, ModRM
 * and immediate.  Legacy 66/F2/F3/LOCK or REX before these prefixes is #UD.
 */
static int decode_vex(struct cursor *c, struct x86_insn *in, uint8_t esc)
{
	bool r, x, b;
	uint8_t p0, p1, p2 = 0, op;
	unsigned int map, imm = I_NONE;
	int rc;

	if (in->rex || (in->prefixes & (X86_PFX_OPSIZE | X86_PFX_LOCK | X86_PFX_REP | X86_PFX_REPNE)))
		return -EINVAL;
	rc = next(c, &p0);
	if (rc)
		return rc;
	if (esc == 0xc5) {
		in->encoding = X86_ENC_VEX;
		r = !(p0 & 0x80);
		x = b = false;
		map = X86_MAP_0F;
		p1 = p0; /* W vvvv L pp live in the same places as in byte 2 of C4 */
		in->rex_w = false;
	} else {
		rc = next(c, &p1);
		if (rc)
			return rc;
		r = !(p0 & 0x80);
		x = !(p0 & 0x40);
		b = !(p0 & 0x20);
		in->rex_w = p1 & 0x80;
		if (esc == 0xc4) {
			in->encoding = X86_ENC_VEX;
			map = p0 & 0x1f;
			if (map < 1 || map > 3)
				return -EINVAL;
		} else if (esc == 0x8f) {
			in->encoding = X86_ENC_XOP;
			map = p0 & 0x1f;
			if (map < 8 || map > 10)
				return -EINVAL;
		} else {
			in->encoding = X86_ENC_EVEX;
			map = p0 & 7;
			/* P0 bit 3 is reserved (0) and P1 bit 2 is fixed (1). */
			if ((p0 & 0x08) || !(p1 & 0x04) || map == 0 || map == 4 || map == 7)
				return -EINVAL;
			rc = next(c, &p2);
			if (rc)
				return rc;
		}
	}
	if (in->mode != X86_MODE_64)
		r = x = b = false; /* outside 64-bit mode the bits are ignored */
	in->vex_vvvv = (uint8_t)((~p1 >> 3) & 0xf);
	in->vex_pp = p1 & 3;
	if (in->encoding == X86_ENC_EVEX) {
		in->vex_vvvv |= (p2 & 0x08) ? 0 : 0x10;
		in->vex_l = (p2 >> 5) & 3;
	} else {
		in->vex_l = (p1 >> 2) & 1;
	}
	in->map = (uint8_t)map;
	rc = next(c, &op);
	if (rc)
		return rc;
	in->opcode = op;
	in->opsize = operand_size(in->mode, in, false);

	/* VZEROUPPER/VZEROALL (VEX 0F 77) are the only ones without ModRM. */
	if (!(in->encoding == X86_ENC_VEX && map == X86_MAP_0F && op == 0x77)) {
		rc = next(c, &in->modrm);
		if (rc)
			return rc;
		in->has_modrm = true;
		in->mod = in->modrm >> 6;
		in->reg = (uint8_t)(((in->modrm >> 3) & 7) | (r ? 8 : 0));
		in->rm = (uint8_t)((in->modrm & 7) | (b ? 8 : 0));
		if (in->mod != 3) {
			rc = decode_modrm_mem(c, in, x, b);
			if (rc)
				return rc;
			in->rm = 0;
		}
	}
	if (map == X86_MAP_0F3A || map == X86_MAP_XOP8)
		imm = I_B;
	else if (map == X86_MAP_0F && vex_map1_imm8(op) && in->encoding != X86_ENC_XOP)
		imm = I_B;
	else if (map == X86_MAP_XOPA)
		imm = I_Z; /* BEXTR / LWPINS / LWPVAL take imm32 */
	if (imm == I_Z)
		in->opsize = 4;
	return decode_imm(c, in, imm);
}

/* ------------------------------------------------------------------ decoder */

/* Which legacy prefix a byte is, or 0. */
static uint16_t legacy_prefix(uint8_t b, uint8_t *seg)
{
	switch (b) {
	case 0x26: *seg = X86_SEG_ES; return X86_PFX_SEG;
	case 0x2e: *seg = X86_SEG_CS; return X86_PFX_SEG;
	case 0x36: *seg = X86_SEG_SS; return X86_PFX_SEG;
	case 0x3e: *seg = X86_SEG_DS; return X86_PFX_SEG;
	case 0x64: *seg = X86_SEG_FS; return X86_PFX_SEG;
	case 0x65: *seg = X86_SEG_GS; return X86_PFX_SEG;
	case 0x66: return X86_PFX_OPSIZE;
	case 0x67: return X86_PFX_ADSIZE;
	case 0xf0: return X86_PFX_LOCK;
	case 0xf2: return X86_PFX_REPNE;
	case 0xf3: return X86_PFX_REP;
	default: return 0;
	}
}

/* 0F 01 with mod = 11: one-byte system instructions. */
static void grp7_register_form(struct x86_insn *in)
{
	switch (in->modrm) {
	case 0xc1: in->op = X86_OP_VMCALL; break;
	case 0xd0: in->op = X86_OP_XGETBV; break;
	case 0xd1: in->op = X86_OP_XSETBV; break;
	case 0xd9: in->op = X86_OP_VMMCALL; break;
	default:
		if (in->reg % 8 == 4) {
			in->op = X86_OP_SMSW;
			in->gpr = in->rm;
		} else if (in->reg % 8 == 6) {
			in->op = X86_OP_LMSW;
			in->gpr = in->rm;
		}
		break;
	}
}

/* Fill the implied memory operands of the string instructions and XLAT. */
static void implied_operands(struct x86_insn *in, uint8_t size)
{
	bool rdi_first = false, two = false;
	uint8_t acc = X86_ACC_READ, acc2 = X86_ACC_READ;

	switch (in->op) {
	case X86_OP_MOVS:
		rdi_first = true;
		two = true;
		acc = X86_ACC_WRITE;
		break;
	case X86_OP_CMPS:
		two = true;
		break;
	case X86_OP_STOS:
	case X86_OP_INS:
		rdi_first = true;
		acc = X86_ACC_WRITE;
		break;
	case X86_OP_SCAS:
		rdi_first = true;
		break;
	case X86_OP_LODS:
	case X86_OP_OUTS:
		break;
	case X86_OP_XLAT:
		string_operand(in, &in->mem, false);
		in->mem.base = 3; /* rBX + AL */
		in->mem.flags = X86_MEM_XLAT | X86_MEM_IMPLIED;
		in->has_mem = true;
		in->access = X86_ACC_READ;
		in->mem_size = 1;
		return;
	default:
		return;
	}
	string_operand(in, &in->mem, rdi_first);
	in->has_mem = true;
	in->access = acc;
	in->mem_size = size;
	if (two) {
		string_operand(in, &in->mem2, !rdi_first);
		in->has_mem2 = true;
		in->access2 = acc2;
	}
}

__fastpath
int x86_decode(const uint8_t *bytes, size_t avail, enum x86_mode mode, struct x86_insn *out)
{
	struct cursor c = { bytes, avail, 0 };
	struct x86_insn *in = out;
	uint32_t d;
	uint8_t b, rep = 0;
	unsigned int imm, size;
	int rc;

	if (!bytes || !out || (mode != X86_MODE_64 && mode != X86_MODE_32 && mode != X86_MODE_16))
		return -EINVAL;
	zero_insn(in);
	in->mode = (uint8_t)mode;
	in->seg_override = X86_SEG_NONE;
	in->gpr = X86_REG_NONE;
	in->mem.base = in->mem.index = X86_REG_NONE;
	in->mem2.base = in->mem2.index = X86_REG_NONE;

	/* Prefixes.  A REX counts only directly before the opcode. */
	for (;;) {
		uint16_t p;
		uint8_t seg = X86_SEG_NONE;

		rc = peek(&c, &b);
		if (rc)
			return rc;
		if (mode == X86_MODE_64 && (b & 0xf0) == 0x40) {
			in->rex = b;
			c.pos++;
			continue;
		}
		p = legacy_prefix(b, &seg);
		if (!p)
			break;
		in->prefixes |= p;
		in->nprefixes++;
		in->rex = 0;
		/* In 64-bit mode ES/CS/SS/DS prefixes are null prefixes (AMD APM
		 * 3, 1.2.4): they neither select a segment nor cancel FS/GS. */
		if (p == X86_PFX_SEG && (mode != X86_MODE_64 || seg == X86_SEG_FS || seg == X86_SEG_GS))
			in->seg_override = seg;
		if (p == X86_PFX_REP || p == X86_PFX_REPNE)
			rep = b;
		c.pos++;
	}
	in->last_rep = rep;
	in->rex_w = in->rex & 8;
	in->addrsize = address_size(mode, in->prefixes & X86_PFX_ADSIZE);

	rc = next(&c, &b);
	if (rc)
		return rc;

	/* VEX, EVEX and XOP escapes; in 16/32-bit mode C4/C5/62 are LES/LDS/
	 * BOUND unless the next byte has mod = 11, and 8F is POP unless the map
	 * field is >= 8. */
	if (b == 0xc4 || b == 0xc5 || b == 0x62 || b == 0x8f) {
		uint8_t nb;

		rc = peek(&c, &nb);
		if (rc)
			return rc;
		if ((b == 0x8f && (nb & 0x1f) >= 8) ||
		    (b != 0x8f && (mode == X86_MODE_64 || (nb & 0xc0) == 0xc0))) {
			rc = decode_vex(&c, in, b);
			if (rc)
				return rc;
			in->len = (uint8_t)c.pos;
			return 0;
		}
	}

	in->encoding = X86_ENC_LEGACY;
	if (b == 0x0f) {
		rc = next(&c, &b);
		if (rc)
			return rc;
		if (b == 0x38 || b == 0x3a) {
			/* Uniform maps: ModRM, and imm8 in 0F 3A. */
			in->map = b == 0x38 ? X86_MAP_0F38 : X86_MAP_0F3A;
			rc = next(&c, &in->opcode);
			if (rc)
				return rc;
			d = MU | (b == 0x3a ? IB : 0);
			if (in->map == X86_MAP_0F38 && (in->opcode & 0xf0) == 0xf0 &&
			    in->last_rep != 0xf2) {
				/* MOVBE load/store (F2: CRC32), MOVDIRI store. */
				if (in->opcode == 0xf0)
					d |= A_R;
				else if (in->opcode == 0xf1 || in->opcode == 0xf9)
					d |= A_W;
			}
		} else if (b == 0x0f) {
			/* 3DNow!: ModRM, then the real opcode as an imm8. */
			in->map = X86_MAP_3DNOW;
			d = MR | IB;
		} else {
			in->map = X86_MAP_0F;
			in->opcode = b;
			d = map0f[b];
			if (b == 0x78 && (in->last_rep == 0xf2 ||
					  (!in->last_rep && (in->prefixes & X86_PFX_OPSIZE))))
				d = F_M | IMM(I_BB); /* SSE4a EXTRQ/INSERTQ xmm, ib, ib */
			else if (b == 0x7e && in->last_rep == 0xf3)
				d = MR; /* MOVQ xmm, xmm/m64 is a load */
			else if (b == 0xb8 && in->last_rep != 0xf3)
				d = INV; /* JMPE: IA-64 only; F3 0F B8 is POPCNT */
		}
	} else {
		in->map = X86_MAP_1B;
		in->opcode = b;
		d = map1[b];
		if (b == 0x63 && mode == X86_MODE_64)
			d = F_M | A_R | SZ(SZ_D); /* MOVSXD */
	}
	if (in->map == X86_MAP_3DNOW)
		in->opcode = 0; /* filled from the trailing byte below */

	if ((d & F_INV) || ((d & F_I64) && mode == X86_MODE_64))
		return -EINVAL;

	if (d & F_M) {
		bool rex_r = in->rex & 4, rex_x = in->rex & 2, rex_b = in->rex & 1;
		unsigned int grp;

		rc = next(&c, &in->modrm);
		if (rc)
			return rc;
		in->has_modrm = true;
		in->mod = (d & F_REGONLY) ? 3 : in->modrm >> 6;
		in->reg = (uint8_t)(((in->modrm >> 3) & 7) | (rex_r ? 8 : 0));
		grp = GRP_OF(d);

		if (grp == G_X87) {
			unsigned int row = in->opcode - 0xd8, r = in->reg & 7;

			d &= ~GRP(G_X87);
			if (in->mod != 3) {
				char a = x87_acc[row][r];

				if (a == '-')
					return -EINVAL;
				d |= a == 'R' ? A_R : A_W;
				size = x87_size[row][r];
				in->mem_size = (uint8_t)size;
			}
		} else if (grp == G7 && in->mod == 3) {
			d &= ~GRP(G7);
		} else if (grp == G11 && (in->reg & 7) == 7) {
			/* C6 F8 ib = XABORT, C7 F8 rel = XBEGIN; rest of /7 undefined. */
			if (in->modrm != 0xf8)
				return -EINVAL;
			d &= ~(GRP(G11) | SZ(7u));
		} else if (grp) {
			uint32_t g = grp_tab[grp][in->reg & 7];

			if (g & F_INV)
				return -EINVAL;
			d |= g & (F_D64 | F_NOREG);
			if (g & (A_R | A_W | A_N))
				d = (d & ~(A_R | A_W | A_N)) | (g & (A_R | A_W | A_N));
			if (SZ_OF(g))
				d = (d & ~SZ(7u)) | (g & SZ(7u));
			if (IMM_OF(g))
				d = (d & ~IMM(0xfu)) | (g & IMM(0xfu));
			if (OP_OF(g))
				d |= g & OP(0x3fu);
		}
		if (in->mod == 3 && (d & F_NOREG))
			return -EINVAL;

		if (in->mod == 3) {
			in->rm = (uint8_t)((in->modrm & 7) | (rex_b ? 8 : 0));
		} else {
			rc = decode_modrm_mem(&c, in, rex_x, rex_b);
			if (rc)
				return rc;
		}
		if (grp == G7 && in->mod == 3)
			grp7_register_form(in);
	}

	/* Operand size (needs the group's D64) and classification. */
	in->opsize = operand_size(mode, in, d & F_D64);
	if (!in->op)
		in->op = (uint8_t)OP_OF(d);
	switch (in->op) {
	case X86_OP_MOV_TO_CR:
	case X86_OP_MOV_FROM_CR:
	case X86_OP_MOV_TO_DR:
	case X86_OP_MOV_FROM_DR:
		in->opsize = mode == X86_MODE_64 ? 8 : 4;
		in->cr = in->reg;
		in->gpr = in->rm;
		/* AMD: LOCK MOV CR0 is the alternate encoding of CR8. */
		if ((in->prefixes & X86_PFX_LOCK) && in->op <= X86_OP_MOV_FROM_CR)
			in->cr |= 8;
		break;
	case X86_OP_LLDT:
	case X86_OP_LTR:
	case X86_OP_SLDT:
	case X86_OP_STR:
	case X86_OP_LMSW:
	case X86_OP_SMSW:
		if (in->mod == 3)
			in->gpr = in->rm;
		break;
	default:
		break;
	}

	/* Memory operand: access kind and size. */
	size = SZ_OF(d) == SZ_UNK ? in->mem_size : mem_size(SZ_OF(d), in);
	if (in->has_mem) {
		if (d & A_N)
			in->access = X86_ACC_NONE;
		else
			in->access = (uint8_t)(((d & A_R) ? X86_ACC_READ : 0) |
					       ((d & A_W) ? X86_ACC_WRITE : 0));
		in->mem_size = (uint8_t)size;
	}
	implied_operands(in, (uint8_t)size);

	/* Immediates. */
	imm = IMM_OF(d);
	if (imm == I_G3)
		imm = in->opcode == 0xf6 ? I_B : I_Z;
	if (imm == I_MOFFS) {
		uint64_t raw;

		in->disp_off = (uint8_t)c.pos;
		rc = next_n(&c, in->addrsize, &raw);
		if (rc)
			return rc;
		in->has_mem = true;
		in->access = (d & A_W) ? X86_ACC_WRITE : X86_ACC_READ;
		in->mem_size = (uint8_t)size;
		in->mem.base = X86_REG_NONE;
		in->mem.index = X86_REG_NONE;
		in->mem.scale = 1;
		in->mem.seg = effective_seg(in, X86_SEG_DS);
		in->mem.addr_size = in->addrsize;
		in->mem.disp_size = in->addrsize;
		in->mem.disp = (int64_t)raw;
	} else {
		rc = decode_imm(&c, in, imm);
		if (rc)
			return rc;
	}
	if (in->map == X86_MAP_3DNOW)
		in->opcode = (uint8_t)in->imm;
	in->len = (uint8_t)c.pos;
	return 0;
}

/* ----------------------------------------------------------------- address */

__fastpath
int x86_mem_address(const struct x86_mem *m, enum x86_mode mode, const uint64_t gpr[16],
		    uint64_t rip_next, uint64_t seg_base, uint64_t *ea)
{
	uint64_t off = 0, mask;

	if (!m || !gpr || !ea || (m->addr_size != 2 && m->addr_size != 4 && m->addr_size != 8))
		return -EINVAL;
	if ((m->flags & X86_MEM_DISP8N) && m->disp_size == 1)
		return -EOPNOTSUPP;
	if (m->base == X86_REG_RIP)
		off = rip_next;
	else if (m->base < 16)
		off = gpr[m->base];
	else if (m->base != X86_REG_NONE)
		return -EINVAL;
	if (m->index < 16)
		off += gpr[m->index] * m->scale;
	else if (m->index != X86_REG_NONE)
		return -EINVAL;
	if (m->flags & X86_MEM_XLAT)
		off += gpr[0] & 0xff;
	off += (uint64_t)m->disp;
	mask = m->addr_size == 8 ? ~0ull : (1ull << (8 * m->addr_size)) - 1;
	off &= mask;
	off += seg_base;
	if (mode != X86_MODE_64)
		off &= 0xffffffffull;
	*ea = off;
	return 0;
}

__fastpath
int x86_effective_address(const struct x86_insn *insn, const uint64_t gpr[16], uint64_t rip_next,
			  uint64_t seg_base, uint64_t *ea)
{
	if (!insn || !insn->has_mem)
		return -EINVAL;
	return x86_mem_address(&insn->mem, (enum x86_mode)insn->mode, gpr, rip_next, seg_base, ea);
}

const char *x86_op_name(unsigned int op)
{
	static const char *const names[] = {
		[X86_OP_OTHER] = "other",         [X86_OP_MOV_TO_CR] = "mov_to_cr",
		[X86_OP_MOV_FROM_CR] = "mov_from_cr", [X86_OP_MOV_TO_DR] = "mov_to_dr",
		[X86_OP_MOV_FROM_DR] = "mov_from_dr", [X86_OP_LGDT] = "lgdt",
		[X86_OP_LIDT] = "lidt",           [X86_OP_LLDT] = "lldt",
		[X86_OP_LTR] = "ltr",             [X86_OP_SGDT] = "sgdt",
		[X86_OP_SIDT] = "sidt",           [X86_OP_SLDT] = "sldt",
		[X86_OP_STR] = "str",             [X86_OP_LMSW] = "lmsw",
		[X86_OP_SMSW] = "smsw",           [X86_OP_CLTS] = "clts",
		[X86_OP_WRMSR] = "wrmsr",         [X86_OP_RDMSR] = "rdmsr",
		[X86_OP_XSETBV] = "xsetbv",       [X86_OP_XGETBV] = "xgetbv",
		[X86_OP_CPUID] = "cpuid",         [X86_OP_VMMCALL] = "vmmcall",
		[X86_OP_VMCALL] = "vmcall",       [X86_OP_HLT] = "hlt",
		[X86_OP_INVLPG] = "invlpg",       [X86_OP_IN] = "in",
		[X86_OP_OUT] = "out",             [X86_OP_MOV] = "mov",
		[X86_OP_MOVS] = "movs",           [X86_OP_CMPS] = "cmps",
		[X86_OP_STOS] = "stos",           [X86_OP_LODS] = "lods",
		[X86_OP_SCAS] = "scas",           [X86_OP_INS] = "ins",
		[X86_OP_OUTS] = "outs",           [X86_OP_XLAT] = "xlat",
	};

	if (op >= sizeof(names) / sizeof(names[0]) || !names[op])
		return "?";
	return names[op];
}
