#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""suite-decode: check tools/hvsim/decode.c against GNU objdump.

Builds two instruction sets per CPU mode (64, 32, 16-bit):
  * "gas":    a generated .s file (many mnemonics x operand forms x random
              registers, addressing modes, prefixes and immediates) assembled
              with GNU as;
  * "random": random byte strings shaped like instructions (random legacy
              prefixes, REX, escapes, VEX/EVEX/XOP prefixes, ModRM/SIB and
              tail), each in its own 32-byte slot padded with NOPs so that
              objdump resynchronises before the next slot.
objdump -D -b binary is the independent reference.  For every instruction
the lengths must agree; where objdump shows a ModRM memory operand its base,
index, scale, displacement and FS/GS override must agree; for the classified
instructions (MOV CR/DR, LGDT/LIDT/LLDT/LTR/SGDT/SIDT/SLDT/STR/LMSW/SMSW,
WRMSR/RDMSR, CLTS, XSETBV, ...) the mnemonic and the CR/GPR operands must
agree.  The C helper (hvsim-decode-dump, built with ASan/UBSan) also re-decodes
every instruction from exact-size heap buffers of every shorter length and
must get -EFAULT each time.

Cases where objdump is known to differ from the hardware, or prints (bad), are
skipped and counted separately:
  objdump-bad               objdump prints (bad): undefined, nothing to compare;
  objdump-fwait-merge       objdump folds FWAIT (9B) into the next x87 insn;
  objdump-mov-tr            0F 24/26 (386 MOV TR) decoded in 16/32-bit mode;
  objdump-prefix-before-vex 66/F2/F3/F0/REX before VEX/EVEX/XOP (#UD, decoder
                            says -EINVAL) printed as an instruction;
  objdump-split-prefix      a REX cancelled by a later prefix printed on its
                            own, when the pieces cannot be joined safely;
  objdump-via-padlock       VIA PadLock 0F A6/A7 forms (undefined on Intel/AMD).
Any other disagreement, including the decoder rejecting something objdump
decodes, is a failure.  Ends with "N passed, N failed".

Usage: check.py DUMP_BINARY WORKDIR [--seed N] [--scale F] [--max-show N]
Set DECODE_SHOW_AS_ERRORS=1 to list generated lines that gas refused.
"""
import argparse
import os
import random
import re
import subprocess
import sys

MODES = {64: "i386:x86-64", 32: "i386", 16: "i8086"}

# ------------------------------------------------------------------ registers
GPR64 = ["rax", "rcx", "rdx", "rbx", "rsp", "rbp", "rsi", "rdi"] + ["r%d" % i for i in range(8, 16)]
GPR32 = ["eax", "ecx", "edx", "ebx", "esp", "ebp", "esi", "edi"] + ["r%dd" % i for i in range(8, 16)]
GPR16 = ["ax", "cx", "dx", "bx", "sp", "bp", "si", "di"] + ["r%dw" % i for i in range(8, 16)]
GPR8 = ["al", "cl", "dl", "bl", "spl", "bpl", "sil", "dil"] + ["r%db" % i for i in range(8, 16)]
GPR8_LEGACY = ["al", "cl", "dl", "bl", "ah", "ch", "dh", "bh"]
REGNUM = {}
for tab in (GPR64, GPR32, GPR16, GPR8):
    for i, n in enumerate(tab):
        REGNUM[n] = i
for i, n in enumerate(GPR8_LEGACY):
    REGNUM.setdefault(n, i)
REGNUM.update({"rip": 16, "eip": 16, "riz": 255, "eiz": 255})
SEGNUM = {"es": 0, "cs": 1, "ss": 2, "ds": 3, "fs": 4, "gs": 5}

OP_NAMES = ["other", "mov_to_cr", "mov_from_cr", "mov_to_dr", "mov_from_dr", "lgdt", "lidt",
            "lldt", "ltr", "sgdt", "sidt", "sldt", "str", "lmsw", "smsw", "clts", "wrmsr",
            "rdmsr", "xsetbv", "xgetbv", "cpuid", "vmmcall", "vmcall", "hlt", "invlpg", "in",
            "out", "mov", "movs", "cmps", "stos", "lods", "scas", "ins", "outs", "xlat"]
# Classified ops whose mnemonic objdump must print (prefix of the text).
OP_MNEMONIC = {"lgdt": "lgdt", "lidt": "lidt", "lldt": "lldt", "ltr": "ltr", "sgdt": "sgdt",
               "sidt": "sidt", "sldt": "sldt", "str": "str", "lmsw": "lmsw", "smsw": "smsw",
               "clts": "clts", "wrmsr": "wrmsr", "rdmsr": "rdmsr", "xsetbv": "xsetbv",
               "xgetbv": "xgetbv", "cpuid": "cpuid", "vmmcall": "vmmcall", "vmcall": "vmcall",
               "hlt": "hlt", "invlpg": "invlpg"}


# ------------------------------------------------------------ gas generator
class Gen:
    def __init__(self, rng, mode):
        self.r = rng
        self.mode = mode

    def gpr(self, size):
        r = self.r
        if self.mode == 64:
            tab = {8: GPR64, 4: GPR32, 2: GPR16, 1: GPR8}[size]
            return "%" + r.choice(tab)
        tab = {4: GPR32[:8], 2: GPR16[:8], 1: GPR8_LEGACY}[size]
        return "%" + r.choice(tab)

    def imm(self, bits, signed=True):
        r = self.r
        k = r.random()
        if k < 0.3:
            v = r.randint(-128, 127) if signed else r.randint(0, 127)
        else:
            v = r.randint(-(1 << (bits - 1)), (1 << (bits - 1)) - 1) if signed else r.randint(0, (1 << bits) - 1)
        return "$%d" % v

    def disp(self, big):
        r = self.r
        k = r.random()
        if k < 0.25:
            return ""
        if k < 0.6 or not big:
            return "%d" % r.randint(-128, 127)
        return "%d" % r.randint(-(1 << 31), (1 << 31) - 1)

    def mem(self):
        """A random memory operand valid for the mode (AT&T)."""
        r = self.r
        seg = ""
        if r.random() < 0.15:
            seg = "%%%s:" % r.choice(["fs", "gs", "es", "cs", "ss", "ds"])
        if self.mode == 16 or (self.mode == 32 and r.random() < 0.15):
            if r.random() < 0.15:
                return seg + "%d" % r.randint(0, 0xffff)
            base, idx = r.choice([("bx", "si"), ("bx", "di"), ("bp", "si"), ("bp", "di"),
                                   ("si", None), ("di", None), ("bp", None), ("bx", None)])
            d = "" if r.random() < 0.3 else "%d" % r.choice([r.randint(-128, 127), r.randint(-32768, 32767)])
            return seg + d + "(%" + base + (",%" + idx if idx else "") + ")"
        if self.mode == 64 and r.random() < 0.12:
            return seg + "%d(%%rip)" % r.randint(-(1 << 31), (1 << 31) - 1)
        if self.mode == 64:
            regs = GPR64 if r.random() < 0.85 else GPR32
        else:
            regs = GPR32[:8]
        k = r.random()
        if k < 0.07:
            return seg + "%d" % r.randint(0, 0x7fffffff)
        base = "%" + r.choice(regs)
        if k < 0.55:
            return seg + self.disp(True) + "(" + base + ")"
        idx = r.choice([x for x in regs if x not in ("rsp", "esp")])
        sc = r.choice([1, 2, 4, 8])
        if k < 0.62:
            return seg + "%d(,%%%s,%d)" % (r.randint(-(1 << 31), (1 << 31) - 1), idx, sc)
        return seg + self.disp(True) + "(%s,%%%s,%d)" % (base, idx, sc)

    def expand(self, tmpl):
        r = self.r
        out = []
        for tok in re.split(r"(\{[a-z0-9]+\})", tmpl):
            if not tok.startswith("{"):
                out.append(tok)
                continue
            t = tok[1:-1]
            if t == "m":
                out.append(self.mem())
            elif t in ("r8", "r16", "r32", "r64"):
                out.append(self.gpr(int(t[1:]) // 8))
            elif t == "rv":
                out.append(self.gpr(8 if self.mode == 64 else 4))
            elif t == "i8":
                out.append(self.imm(8))
            elif t == "u8":
                out.append(self.imm(8, False))
            elif t == "i16":
                out.append(self.imm(16))
            elif t == "i32":
                out.append(self.imm(32))
            elif t == "i64":
                out.append("$%d" % r.randint(-(1 << 63), (1 << 63) - 1))
            elif t == "x":
                out.append("%%xmm%d" % r.randrange(16 if self.mode == 64 else 8))
            elif t == "y":
                out.append("%%ymm%d" % r.randrange(16 if self.mode == 64 else 8))
            elif t == "z":
                out.append("%%zmm%d" % r.randrange(32 if self.mode == 64 else 8))
            elif t == "xe":
                out.append("%%xmm%d" % r.randrange(32 if self.mode == 64 else 8))
            elif t == "mm":
                out.append("%%mm%d" % r.randrange(8))
            elif t == "k":
                out.append("%%k%d" % r.randrange(1, 8))
            elif t == "cr":
                crs = [0, 2, 3, 4, 8] if self.mode == 64 else [0, 2, 3, 4]
                out.append("%%cr%d" % r.choice(crs))
            elif t == "dr":
                out.append("%%db%d" % r.randrange(8))
            elif t == "st":
                out.append("%%st(%d)" % r.randrange(8))
            elif t == "sreg":
                out.append("%%%s" % r.choice(["es", "ss", "ds", "fs", "gs"]))
            elif t == "mask":
                out.append("{%%k%d}" % r.randrange(1, 8))
            elif t == "zero":
                out.append("{z}")
            elif t == "rnsae":
                out.append("{rn-sae}")
            elif t == "bcst":
                out.append("{1to16}")
            elif t == "rel":
                out.append(".%+d" % r.choice([r.randint(-100, 100), r.randint(-100000, 100000)]))
            elif t == "abs":
                out.append("0x%x" % r.randint(0, 0xffffffff))
            else:
                raise ValueError(tok)
        return "".join(out)


def templates(mode):
    """Instruction templates for a mode (AT&T syntax, operand placeholders)."""
    t = []
    sfx = [("b", "{r8}", "{i8}"), ("w", "{r16}", "{i16}"), ("l", "{r32}", "{i32}")]
    if mode == 64:
        sfx.append(("q", "{r64}", "{i32}"))
    for op in ["add", "or", "adc", "sbb", "and", "sub", "xor", "cmp", "test", "mov", "xchg"]:
        for s, r, i in sfx:
            t += ["%s%s %s,%s" % (op, s, r, r), "%s%s %s,{m}" % (op, s, r)]
            if op != "xchg":
                t += ["%s%s %s,%s" % (op, s, i, r), "%s%s %s,{m}" % (op, s, i)]
            if op not in ("test", "xchg"):
                t.append("%s%s {m},%s" % (op, s, r))
            if s != "b" and op not in ("test", "mov", "xchg"):
                t.append("%s%s {i8},{m}" % (op, s))
    for op in ["inc", "dec", "not", "neg", "mul", "imul", "div", "idiv"]:
        for s, r, i in sfx:
            t += ["%s%s %s" % (op, s, r), "%s%s {m}" % (op, s)]
    for op in ["rol", "ror", "rcl", "rcr", "shl", "shr", "sar"]:
        for s, r, i in sfx:
            t += ["%s%s %s" % (op, s, r), "%s%s {m}" % (op, s), "%s%s {u8},{m}" % (op, s),
                  "%s%s %%cl,{m}" % (op, s), "%s%s {u8},%s" % (op, s, r)]
    for s, r, i in sfx[1:]:
        t += ["imul%s {m},%s" % (s, r), "imul%s {i8},{m},%s" % (s, r),
              "imul%s %s,{m},%s" % (s, i, r), "bsf%s {m},%s" % (s, r), "bsr%s {m},%s" % (s, r),
              "popcnt%s {m},%s" % (s, r), "lzcnt%s {m},%s" % (s, r), "tzcnt%s {m},%s" % (s, r),
              "bt%s %s,{m}" % (s, r), "bts%s %s,{m}" % (s, r), "btr%s %s,{m}" % (s, r),
              "btc%s %s,{m}" % (s, r), "bt%s {u8},{m}" % s, "bts%s {u8},{m}" % s,
              "btr%s {u8},{m}" % s, "btc%s {u8},{m}" % s, "shld%s {u8},%s,{m}" % (s, r),
              "shrd%s %%cl,%s,{m}" % (s, r), "cmpxchg%s %s,{m}" % (s, r),
              "xadd%s %s,{m}" % (s, r), "lock xadd%s %s,{m}" % (s, r),
              "lock cmpxchg%s %s,{m}" % (s, r), "lock add%s %s,{m}" % (s, r),
              "cmovne %s,%s" % (r, r) if s != "w" else "cmovnew {m},%s" % r,
              "cmovg%s {m},%s" % (s, r), "lea%s {m},%s" % (s, r), "push%s {m}" % s if s != "l" or mode != 64 else "pushq {m}",
              "movzb%s {m},%s" % (s, r) if s != "w" else "movzbw {m},%s" % r,
              "movsb%s {m},%s" % (s, r) if s != "w" else "movsbw {m},%s" % r]
    t += ["cmpxchgb {r8},{m}", "xaddb {r8},{m}", "movzwl {m},{r32}", "movswl {m},{r32}",
          "sete {m}", "setne {r8}", "setg {m}", "movw {sreg},{m}", "movw {m},{sreg}",
          "mov {sreg},{r32}", "nop", "pause", "hlt", "cpuid", "rdtsc", "rdtscp", "rdpmc",
          "wrmsr", "rdmsr", "clts", "xsetbv", "xgetbv", "vmmcall", "vmcall", "cli", "sti",
          "cld", "std", "clc", "stc", "cmc", "int3", "int $0x80", "ud2", "leave", "ret",
          "ret $16", "lret", "lret $8", "iret", "sahf", "lahf", "pushf", "popf",
          "enter $16,$0", "enter {u8},{u8}", "in {u8},%al", "in {u8},%eax", "out %al,{u8}",
          "out %eax,{u8}", "in (%dx),%al", "out %ax,(%dx)", "inl (%dx),%eax",
          "movsb", "movsw", "movsl", "rep movsb", "rep movsl", "rep stosb", "rep stosl",
          "stosw", "lodsb", "lodsl", "scasb", "repne scasb", "cmpsb", "repe cmpsl", "insb",
          "outsl", "rep insw", "xlat", "fs movsb", "gs lodsl", "addr16 rep movsb" if mode == 32 else "addr32 rep movsb",
          "data32 rep stosb" if mode == 16 else "data16 rep stosb",
          "lgdt {m}", "lidt {m}", "sgdt {m}", "sidt {m}", "lldt {m}", "lldt {r16}",
          "ltr {m}", "ltr {r16}", "sldt {m}", "str {m}", "lmsw {m}", "lmsw {r16}",
          "smsw {m}", "invlpg {m}", "verr {m}", "verw {r16}", "lar {m},{r32}",
          "lsl {m},{r32}", "clflush {m}", "clflushopt {m}", "clwb {m}", "prefetcht0 {m}",
          "prefetchw {m}", "prefetchnta {m}", "nopl {m}", "nopw {m}", "fxsave {m}",
          "fxrstor {m}", "xsave {m}", "xrstor {m}", "xsaveopt {m}", "xsavec {m}",
          "ldmxcsr {m}", "stmxcsr {m}", "rdrand {r32}", "rdseed {r16}",
          "cmpxchg8b {m}", "lock cmpxchg8b {m}", "bswap {r32}", "lfence", "mfence", "sfence",
          "monitor", "mwait", "swapgs" if mode == 64 else "nop", "syscall", "sysenter",
          "invd", "wbinvd", "rsm", "stac", "clac", "rdpid {rv}", "vmrun", "vmload",
          "vmsave", "stgi", "clgi", "skinit", "invlpga", "vmread {rv},{m}", "vmwrite {m},{rv}",
          "vmptrld {m}", "vmptrst {m}", "vmclear {m}", "vmxon {m}", "vmlaunch", "vmresume",
          "vmxoff", "invept {m},{rv}", "invpcid {m},{rv}", "movbe {m},{r32}", "movbe {r16},{m}",
          "crc32b {m},{r32}", "crc32l {m},{r32}", "adcx {m},{r32}", "adox {m},{r32}",
          "movnti {r32},{m}", "xabort {u8}", "xbegin .+100", "xend", "xtest", "endbr64",
          "endbr32", "wrpkru", "rdpkru", "serialize", "clzero", "monitorx", "mwaitx",
          "ud1 {m},{r32}", "ud0 {m},{r32}", "lss {m},{r32}", "lfs {m},{r16}", "lgs {m},{r32}",
          "ljmp *{m}", "lcall *{m}", "jmp *{m}", "call *{m}", "jmp {rel}", "call {rel}",
          "je {rel}", "jne {rel}", "jb {rel}", "jrcxz .+20" if mode == 64 else "jecxz .+20",
          "movd {m},{mm}", "movq {mm},{m}", "movd {r32},{x}", "movq {m},{x}", "movq {x},{m}",
          "paddb {m},{mm}", "pshufw {u8},{m},{mm}", "psllw {u8},{mm}", "emms", "femms",
          "pfadd {m},{mm}", "pfmul {mm},{mm}", "pi2fd {m},{mm}", "pswapd {m},{mm}",
          "extrq {u8},{u8},{x}", "insertq {u8},{u8},{x},{x}", "extrq {x},{x}",
          "fadds {m}", "faddl {m}", "fiaddl {m}", "fiadds {m}", "flds {m}", "fldl {m}",
          "fldt {m}", "fstps {m}", "fstpl {m}", "fstpt {m}", "fistl {m}", "fistpll {m}",
          "fisttpl {m}", "fnstcw {m}", "fldcw {m}", "fnstenv {m}", "fldenv {m}", "fnsave {m}",
          "frstor {m}", "fnstsw {m}", "fnstsw %ax", "fbld {m}", "fbstp {m}", "fadd {st},%st",
          "fxch {st}", "fucomip {st},%st", "fsin", "fcos", "fld1", "fldz", "fwait", "fnclex",
          "fninit"]
    if mode == 64:
        t += ["movabsq {i64},{r64}", "movabs {abs},%al", "movabs %eax,{abs}",
              "movabs {abs},%rax", "movabs %ax,{abs}", "movslq {m},{r64}", "movslq {r32},{r64}",
              "cmpxchg16b {m}", "pushq {i32}", "pushq {i8}", "pushw {i16}", "push {r64}",
              "pop {r64}", "popq {m}", "popw {m}", "data16 call {rel}", "data16 jmp {rel}",
              "rex.W nop", "wrfsbase {r64}", "rdgsbase {r32}",
              "sysretq", "iretq", "lretq", "movq {r64},{x}", "movq {x},{r64}",
              "mov %fs:{abs},%eax", "addr32 mov {abs},%eax", "mov {abs},%al"]
    else:
        t += ["pusha", "popa", "pushl {i32}", "pushw {i16}", "push {r32}", "pop {r16}",
              "popl {m}", "push %es", "pop %ds", "push %cs", "daa", "das", "aaa", "aas",
              "aam", "aad $10", "into", "bound {r32},{m}", "les {m},{r32}", "lds {m},{r16}",
              "arpl {r16},{m}", "ljmp $0x10,$0x1000", "lcall $0x8,$0x1234" if mode == 16 else "lcall $0x8,$0x12345678",
              "inc {r32}", "dec {r16}", "mov {abs},%al", "mov %eax,{abs}", "mov {abs},%ax",
              "data32 call .+1000" if mode == 16 else "data16 call .+1000"]
    # MOV CR/DR
    rv = "{r64}" if mode == 64 else "{r32}"
    t += ["mov %s,{cr}" % rv, "mov {cr},%s" % rv, "mov %s,{dr}" % rv, "mov {dr},%s" % rv] * 6
    # SSE / SSE2..4
    for op in ["movups", "movaps", "movupd", "movapd", "movdqa", "movdqu", "movss", "movsd",
               "addps", "mulpd", "subss", "divsd", "sqrtps", "andps", "xorpd", "orps",
               "cvtdq2ps", "cvtps2pd", "unpcklps", "paddd", "psubq", "pmaddwd", "pcmpeqb",
               "punpcklbw", "pshufb", "phaddw", "pmulld", "pminsd", "packusdw", "ptest",
               "pmovzxbw", "aesenc", "aesdeclast", "sha1msg1", "pavgb",
               "comiss", "ucomisd", "haddps", "lddqu", "movntdqa", "minps", "maxsd",
               "rcpps", "rsqrtss", "movshdup", "movddup", "pabsd", "psignw"]:
        if op in ("lddqu", "movntdqa"):
            t.append("%s {m},{x}" % op)
            continue
        t += ["%s {m},{x}" % op, "%s {x},{x}" % op]
    for op in ["movups", "movaps", "movdqa", "movdqu", "movss", "movsd", "movntps", "movntdq",
               "movlps", "movhps", "movlpd", "movhpd"]:
        t.append("%s {x},{m}" % op)
    for op in ["pshufd", "pshuflw", "pshufhw", "cmpps", "cmpsd", "shufps", "roundps", "roundsd",
               "blendps", "pblendw", "palignr", "pclmulqdq", "mpsadbw", "dpps", "pcmpestri",
               "pcmpistrm", "insertps", "aeskeygenassist", "pinsrw", "pinsrb" if mode == 64 else "pinsrd"]:
        t += ["%s {u8},{m},{x}" % op]
    t += ["pextrb {u8},{x},{m}", "pextrd {u8},{x},{r32}", "extractps {u8},{x},{m}",
          "pextrw {u8},{x},{r32}", "psrldq {u8},{x}", "pslld {u8},{x}", "psraw {u8},{x}",
          "maskmovdqu {x},{x}", "movmskps {x},{r32}", "cvtsi2sdl {m},{x}", "cvttsd2si {m},{r32}",
          "pmovmskb {x},{r32}", "blendvps %xmm0,{m},{x}", "pblendvb %xmm0,{m},{x}"]
    # AVX / AVX2 / FMA / BMI (VEX)
    for op in ["vaddps", "vmulpd", "vsubss", "vandps", "vxorps", "vpaddd", "vpsubb", "vpcmpeqq",
               "vpunpcklbw", "vpshufb", "vpmaddwd", "vpermps", "vpermd", "vfmadd132ps",
               "vfmadd231sd", "vfnmadd213pd", "vaesenc", "vpmulld", "vpminud", "vpsllvd",
               "vpsravd", "vpsrlvq", "vmaxps", "vunpckhpd", "vhaddps"]:
        if op in ("vsubss", "vfmadd231sd"):
            t += ["%s {m},{x},{x}" % op, "%s {x},{x},{x}" % op]
        elif op in ("vpermps", "vpermd"):
            t += ["%s {m},{y},{y}" % op, "%s {y},{y},{y}" % op]
        else:
            t += ["%s {m},{x},{x}" % op, "%s {m},{y},{y}" % op, "%s {y},{y},{y}" % op]
    for op in ["vmovups", "vmovaps", "vmovdqa", "vmovdqu", "vmovntdq", "vmovntps"]:
        t += ["%s {y},{m}" % op, "%s {x},{m}" % op]
        if "nt" not in op:
            t += ["%s {m},{y}" % op, "%s {m},{x}" % op]
    t += ["vmovss {m},{x}", "vmovsd {x},{m}", "vmovq {m},{x}", "vmovd {x},{m}", "vzeroupper",
          "vzeroall", "vbroadcastss {m},{y}", "vpbroadcastd {m},{y}", "vinsertf128 {u8},{m},{y},{y}",
          "vextractf128 {u8},{y},{m}", "vperm2f128 {u8},{m},{y},{y}", "vpermq {u8},{m},{y}",
          "vpshufd {u8},{m},{y}", "vpsrldq {u8},{y},{y}", "vpslld {u8},{x},{x}",
          "vcmpps {u8},{m},{y},{y}", "vshufps {u8},{m},{x},{x}", "vpextrw {u8},{x},{r32}",
          "vpinsrw {u8},{m},{x},{x}", "vblendvps {x},{m},{x},{x}", "vpblendvb {y},{m},{y},{y}",
          "vroundpd {u8},{m},{y}", "vmaskmovps {m},{y},{y}", "vmaskmovps {y},{y},{m}",
          "vpmaskmovd {m},{x},{x}", "vgatherdps {x},(%rax,{x},4),{x}" if mode == 64 else "nop",
          "vpgatherdd {y},(%rax,{y},2),{y}" if mode == 64 else "nop", "vcvtph2ps {m},{y}",
          "vcvtps2ph {u8},{y},{m}", "vldmxcsr {m}", "vstmxcsr {m}", "vptest {m},{y}",
          "vtestps {m},{x}", "vpclmulqdq {u8},{m},{y},{y}", "vaeskeygenassist {u8},{m},{x}",
          "andn {m},{r32},{r32}", "bextr {r32},{m},{r32}", "blsi {m},{r32}", "blsr {r32},{r32}",
          "bzhi {r32},{m},{r32}", "pdep {m},{r32},{r32}", "pext {m},{r32},{r32}",
          "mulx {m},{r32},{r32}", "rorx {u8},{m},{r32}", "sarx {r32},{m},{r32}",
          "shlx {r32},{m},{r32}", "shrx {r32},{m},{r32}"]
    if mode == 64:
        t += ["andn {m},{r64},{r64}", "rorx {u8},{m},{r64}", "vpextrq {u8},{x},{m}",
              "vpinsrq {u8},{m},{x},{x}", "kmovw {m},{k}", "kmovq {k},{m}", "kandw {k},{k},{k}",
              "korq {k},{k},{k}", "kshiftlw {u8},{k},{k}"]
    # AVX-512 (EVEX)
    for op in ["vaddps", "vmulpd", "vpaddd", "vpandq", "vpxord", "vpternlogd", "vpermt2d",
               "vfmadd231ps", "vpminsq", "vpsravq", "vrcp14ps", "vrsqrt14pd", "vscalefps",
               "vpmullq", "vpconflictd", "vplzcntq", "vpopcntd", "vpdpbusd", "vcvtps2qq",
               "vgetexpps", "vpermi2q", "vpshldvd", "vaddph", "vfmadd132ph"]:
        if op == "vpternlogd":
            t += ["vpternlogd {u8},{m},{z},{z}", "vpternlogd {u8},{m}{bcst},{z},{z}"]
            continue
        if op in ("vrcp14ps", "vrsqrt14pd", "vpconflictd", "vplzcntq", "vpopcntd", "vcvtps2qq", "vgetexpps"):
            if op == "vcvtps2qq":
                t += ["%s {m},{z}" % op, "%s {m},{y}{mask}{zero}" % op]
            else:
                t += ["%s {m},{z}" % op, "%s {z},{z}{mask}" % op, "%s {m},{y}{mask}{zero}" % op]
            continue
        t += ["%s {m},{z},{z}" % op, "%s {z},{z},{z}{mask}" % op, "%s {m},{xe},{xe}" % op,
              "%s {m},{y},{y}{mask}{zero}" % op, "%s {z},{z},{z}{mask}{zero}" % op]
    t += ["vmovdqu64 {z},{m}", "vmovdqu32 {m},{z}", "vmovdqa64 {m},{z}{mask}",
          "vmovups {z},{m}{mask}", "vbroadcastss {m},{z}", "vpbroadcastq {r64},{z}" if mode == 64 else "nop",
          "vpcmpd {u8},{m},{z},{k}", "vcmpps {u8},{z},{z},{k}{mask}", "vpcmpeqd {m},{z},{k}",
          "vextracti64x4 {u8},{z},{m}", "vinserti32x8 {u8},{m},{z},{z}",
          "vpshufd {u8},{m},{z}", "vpsrlq {u8},{m},{z}", "vpslldq {u8},{z},{z}",
          "vcvtsi2sd {r32},{xe},{xe}", "vaddps {rnsae},{z},{z},{z}",
          "vpgatherdd (%rax,{z},4),{z}{mask}" if mode == 64 else "nop",
          "vpscatterdd {z},(%rax,{z},4){mask}" if mode == 64 else "nop",
          "vcompressps {z},{m}{mask}", "vexpandps {m},{z}", "vpmovqd {z},{m}",
          "vfpclasspsz {u8},{m},{k}", "vreduceph {u8},{m},{z}", "vcmpph {u8},{m},{z},{k}",
          "vcvtph2psx {m},{z}", "vmovsh {m},{xe}"]
    return t


def gen_gas(mode, rng, n):
    g = Gen(rng, mode)
    tmpls = templates(mode)
    if mode != 64:
        # Drop templates that only exist in 64-bit mode.
        tmpls = [x for x in tmpls if "{z}" not in x and "{k}" not in x and "{xe}" not in x
                 and "kmov" not in x and not x.startswith(("vaddph", "vfmadd132ph", "vcvtph2psx",
                                                             "vmovsh", "vreduceph", "vcmpph",
                                                             "swapgs", "cmpxchg16b", "rdpid"))]
    lines = [".code%d" % mode] if mode != 64 else [".code64"]
    for _ in range(n):
        tm = rng.choice(tmpls)
        line = g.expand(tm)
        lines.append("\t" + line)
    return lines


# -------------------------------------------------------- random generator
LEGACY_PFX = [0x66, 0x67, 0xf0, 0xf2, 0xf3, 0x2e, 0x3e, 0x26, 0x36, 0x64, 0x65]


def gen_random(mode, rng, n):
    """n slots of 32 bytes: a random instruction-shaped string, then NOPs."""
    out = bytearray()
    for _ in range(n):
        b = bytearray()
        k = rng.random()
        npfx = rng.choice([0, 0, 0, 1, 1, 2, 3])
        for _ in range(npfx):
            b.append(rng.choice(LEGACY_PFX))
        if mode == 64 and rng.random() < 0.4:
            b.append(0x40 | rng.randrange(16))
        if k < 0.35:
            b.append(rng.randrange(256))
        elif k < 0.7:
            b += bytes([0x0f, rng.randrange(256)])
        elif k < 0.78:
            b += bytes([0x0f, rng.choice([0x38, 0x3a]), rng.randrange(256)])
        elif k < 0.86:
            b.append(0xc5)
            b.append(rng.randrange(256) | (0xc0 if mode != 64 else 0))
        elif k < 0.93:
            b.append(0xc4)
            b.append((rng.randrange(8) << 5 | rng.randrange(1, 4)) | (0xc0 if mode != 64 else 0))
            b.append(rng.randrange(256))
        elif k < 0.97:
            b.append(0x62)
            b.append((rng.randrange(16) << 4) | rng.choice([1, 2, 3, 5, 6]) | (0xc0 if mode != 64 else 0))
            b.append(rng.randrange(256) | 4)
            b.append(rng.randrange(256))
        else:
            b += bytes([0x8f, (rng.randrange(8) << 5) | rng.choice([8, 9, 10]), rng.randrange(256)])
        while len(b) < 15:
            b.append(rng.randrange(256))
        b = b[:15]
        out += b + bytes([0x90] * 17)
    return bytes(out), [32 * i for i in range(n)]


# ------------------------------------------------------------------ objdump
LINE_RE = re.compile(r"^\s*([0-9a-f]+):\t([0-9a-f ]+?)\s*\t(.*)$")
LINE_NOTEXT_RE = re.compile(r"^\s*([0-9a-f]+):\t([0-9a-f ]+?)\s*$")


def objdump(path, mode):
    out = subprocess.run(["objdump", "-D", "-z", "-w", "--insn-width=16", "-b", "binary",
                          "-m", MODES[mode], path], check=True, capture_output=True,
                         text=True).stdout
    res = {}
    for line in out.splitlines():
        m = LINE_RE.match(line)
        if not m:
            m = LINE_NOTEXT_RE.match(line)
            if not m:
                continue
            text = ""
        else:
            text = m.group(3).strip()
        addr = int(m.group(1), 16)
        nbytes = len(m.group(2).split())
        res[addr] = (nbytes, text)
    return res


def run_dump(dump, mode, path, offsets, workdir):
    offp = os.path.join(workdir, "offsets-%d.txt" % mode)
    with open(offp, "w") as f:
        f.write("".join("%d\n" % o for o in offsets))
    env = dict(os.environ, ASAN_OPTIONS="detect_leaks=1")
    with open(offp) as f:
        out = subprocess.run([dump, str(mode), path], stdin=f, check=True, capture_output=True,
                             text=True, env=env).stdout
    res = {}
    for line in out.splitlines():
        p = line.split()
        if len(p) < 16:
            res[int(p[0])] = None
            continue
        v = [int(x) for x in p[:15]]
        res[v[0]] = dict(rc=v[1], len=v[2], op=OP_NAMES[v[3]] if v[3] < len(OP_NAMES) else "?",
                         cr=v[4], gpr=v[5], has_mem=v[6], base=v[7], index=v[8], scale=v[9],
                         disp=v[10], dsize=v[11], seg=v[12], mflags=v[13], enc=v[14], trunc=p[15])
    return res


# --------------------------------------------------------------- comparison
PREFIX_WORDS = {"rex", "data16", "data32", "addr16", "addr32", "lock", "rep", "repz", "repnz",
                "repe", "repne", "cs", "ds", "es", "ss", "fs", "gs", "bnd", "notrack",
                "xacquire", "xrelease", "{vex}", "{vex3}", "{evex}"}
MEM_RE = re.compile(r"(?:%([a-z]s):)?(-?0x[0-9a-f]+)?\((%[a-z0-9]+)?(?:,(%[a-z0-9]+)(?:,(\d))?)?\)")


def strip_prefixes(text):
    """objdump's words with the leading prefix names removed."""
    words = text.split()
    while words and (words[0].startswith("rex") or words[0] in PREFIX_WORDS):
        words = words[1:]
    return words


def only_prefixes(text):
    words = text.replace(",pn", "").replace(",pt", "").split()
    return words and all(w.startswith("rex") or w in PREFIX_WORDS for w in words)


def parse_hex(s):
    return int(s, 16) if not s.startswith("-") else -int(s[1:], 16)


def skip_reason(mode, raw, text, mine):
    """Why objdump's answer is not a usable reference here, or None."""
    if "(bad)" in text:
        return "objdump-bad"
    if text.startswith(".byte") or text == "":
        return "objdump-data"
    if text == "prefixes" or only_prefixes(text):
        return "objdump-split-prefix"
    # objdump folds FWAIT into the following x87 instruction (fstsw = 9B DF E0).
    i = 0
    while i < len(raw) and (raw[i] in LEGACY_PFX or (mode == 64 and 0x40 <= raw[i] <= 0x4f)):
        i += 1
    if i < len(raw) and raw[i] == 0x9b and mine and mine["rc"] == 0 and mine["len"] == i + 1:
        return "objdump-fwait-merge"
    # 0F 24/0F 26 (386 MOV TR) are undefined on every later CPU.
    if mode != 64 and "%tr" in text:
        return "objdump-mov-tr"
    # VIA PadLock (0F A6 /r, 0F A7 /r reg forms) is undefined on Intel and AMD.
    if strip_prefixes(text)[:1] and re.match(r"(montmul|xsha|xstore|xcrypt)",
                                              strip_prefixes(text)[0]):
        return "objdump-via-padlock"
    if mine and mine["rc"] == -22:
        # 66/F2/F3/F0/REX before VEX/EVEX/XOP raise #UD; objdump prints them.
        i = 0
        while i < len(raw) and (raw[i] in LEGACY_PFX or (mode == 64 and 0x40 <= raw[i] <= 0x4f)):
            i += 1
        if 0 < i < len(raw) and raw[i] in (0xc4, 0xc5, 0x62, 0x8f) and (
                mode == 64 or (i + 1 < len(raw) and raw[i + 1] >= 0xc0) or raw[i] == 0x8f):
            return "objdump-prefix-before-vex"
        # objdump decodes 15-byte-overflowing prefix runs and JMPE-less 0F B8.
    return None


def check_operands(mode, text, mine):
    """Extra checks; returns an error string or None."""
    words = strip_prefixes(text)
    mnem = words[0] if words else ""
    ops = " ".join(words[1:])
    op = mine["op"]
    if op in OP_MNEMONIC:
        want = OP_MNEMONIC[op]
        if not mnem.startswith(want):
            return "classified as %s but objdump says %s" % (op, mnem)
        if op in ("lldt", "ltr", "lmsw", "smsw", "sldt", "str") and ops.startswith("%") and ":" not in ops:
            reg = ops.split(",")[0].strip().lstrip("%")
            if REGNUM.get(reg) != mine["gpr"]:
                return "gpr %d, objdump %s" % (mine["gpr"], reg)
    if op in ("mov_to_cr", "mov_from_cr", "mov_to_dr", "mov_from_dr"):
        parts = [p.strip().lstrip("%") for p in ops.split(",")]
        if mnem != "mov" or len(parts) != 2:
            return "classified %s but objdump says %s" % (op, text)
        src, dst = parts
        ctl, gp = (dst, src) if op.endswith("to_cr") or op.endswith("to_dr") else (src, dst)
        kind = "cr" if op.endswith("cr") else "db"
        want_cr = int(ctl[2:]) if ctl.startswith(kind) and ctl[2:].isdigit() else -1
        if kind == "cr" and "lock" in text.split():
            want_cr |= 8  # AMD alternate encoding of CR8, not modelled by objdump
        if want_cr != mine["cr"] or REGNUM.get(gp) != mine["gpr"]:
            return "%s cr/dr=%d gpr=%d, objdump %s" % (op, mine["cr"], mine["gpr"], ops)
    # Mnemonics that must be classified.
    for name, want in (("lgdt", "lgdt"), ("lidt", "lidt"), ("lldt", "lldt"), ("ltr", "ltr"),
                       ("wrmsr", "wrmsr"), ("rdmsr", "rdmsr"), ("clts", "clts"),
                       ("xsetbv", "xsetbv"), ("lmsw", "lmsw")):
        if mnem == name and op != want:
            return "objdump %s but classified %s" % (mnem, op)
    if mnem == "mov" and "%cr" in ops and not op.endswith("cr"):
        return "objdump mov cr but classified %s" % op
    # ModRM memory operand.
    m = MEM_RE.search(ops)
    if m and mine["has_mem"] and not (mine["mflags"] & 4) and "(%dx)" not in ops:
        seg, disp, base, index, scale = m.groups()
        if index and index[1:4] in ("xmm", "ymm", "zmm"):
            index = None  # VSIB: vector index, not modelled
            vsib = True
        else:
            vsib = False
        b = REGNUM.get(base[1:]) if base else 255
        if b is None:
            return "unknown base %s" % base
        if b != mine["base"]:
            return "base %d, objdump %s" % (mine["base"], base)
        if not vsib:
            ix = REGNUM.get(index[1:]) if index else 255
            if ix != mine["index"]:
                return "index %d, objdump %s" % (mine["index"], index)
            sc = int(scale) if scale else 1
            if index and sc != mine["scale"]:
                return "scale %d, objdump %s" % (mine["scale"], scale)
        d = parse_hex(disp) if disp else 0
        if mine["mflags"] & 1:
            if mine["disp"] and d % mine["disp"] != 0:
                return "disp8*N %d, objdump %d" % (mine["disp"], d)
        elif base and b != 16:
            # objdump prints the displacement as the address-size value.
            mask = (1 << (8 * {2: 2, 4: 4, 8: 8}.get(addr_size(mode, text, mine), 8))) - 1
            if (d & mask) != (mine["disp"] & mask):
                return "disp %d, objdump %s" % (mine["disp"], disp)
        elif b == 16 and d != mine["disp"]:
            return "rip disp %d, objdump %s" % (mine["disp"], disp)
        if seg in ("fs", "gs") and SEGNUM[seg] != mine["seg"]:
            return "segment %d, objdump %s" % (mine["seg"], seg)
    return None


def addr_size(mode, text, mine):
    regs = re.findall(r"\(%([a-z0-9]+)", text)
    if regs and regs[0] in REGNUM:
        r = regs[0]
        if r in GPR16 or r in ("bx", "bp", "si", "di"):
            return 2
        if r in GPR32 or r == "eip":
            return 4
        return 8
    return 8


def join_prefix_pieces(od, off, blob, mode):
    total, cur = 0, off
    while cur in od and only_prefixes(od[cur][1]) and total < 15:
        total += od[cur][0]
        cur += od[cur][0]
    neutral = all(b in (0x26, 0x2e, 0x36, 0x3e, 0x64, 0x65, 0xf0) or
                  (mode == 64 and 0x40 <= b <= 0x4f) for b in blob[off:off + total])
    if cur not in od or not neutral:
        return od[off][0], "prefixes"
    n, text = od[cur]
    if total + n > 15:
        return total + n, "(bad) longer than 15 bytes once joined"
    return total + n, text


def compare(mode, blob, offsets, od, mine, label, stats, maxshow=40):
    for off in offsets:
        ref = od.get(off)
        me = mine.get(off)
        raw = blob[off:off + 15]
        if ref is None:
            stats["fail"] += 1
            report(stats, maxshow, "%s/%d @%#x: objdump has no instruction here (%s)"
                   % (label, mode, off, raw.hex(" ")))
            continue
        olen, text = ref
        if only_prefixes(text):
            # objdump prints a REX that a later prefix cancels as an
            # instruction of its own (with the prefixes before it); the CPU
            # ignores that REX and decodes on.  When the split-off bytes do
            # not change the length of the rest (REX, segment, LOCK), join
            # objdump's pieces and compare the total.
            olen, text = join_prefix_pieces(od, off, blob, mode)
        reason = skip_reason(mode, raw, text, me)
        if reason:
            stats["skip"][reason] = stats["skip"].get(reason, 0) + 1
            continue
        if me is None or me["rc"] != 0:
            stats["fail"] += 1
            report(stats, maxshow, "%s/%d @%#x: bytes %s objdump '%s' len %d, decoder rc %s"
                   % (label, mode, off, raw[:olen].hex(" "), text, olen,
                      me["rc"] if me else "?"))
            continue
        if me["len"] != olen:
            stats["fail"] += 1
            report(stats, maxshow, "%s/%d @%#x: bytes %s objdump '%s' len %d, decoder len %d"
                   % (label, mode, off, raw.hex(" "), text, olen, me["len"]))
            continue
        if me["trunc"] != "ok":
            stats["fail"] += 1
            report(stats, maxshow, "%s/%d @%#x: bytes %s truncation check: %s"
                   % (label, mode, off, raw[:olen].hex(" "), me["trunc"]))
            continue
        err = check_operands(mode, text, me)
        if err:
            stats["fail"] += 1
            report(stats, maxshow, "%s/%d @%#x: bytes %s objdump '%s': %s"
                   % (label, mode, off, raw[:olen].hex(" "), text, err))
            continue
        stats["pass"] += 1
        if me["op"] != "other":
            stats["classified"] += 1


def report(stats, maxshow, msg):
    stats["shown"] += 1
    if stats["shown"] <= maxshow:
        print("MISMATCH " + msg)


def assemble(lines, s, o, mode, stats):
    """Assemble; random operands occasionally hit a form gas refuses (e.g. a
    16-bit jump out of range), so such lines are dropped and counted."""
    for _ in range(3):
        with open(s, "w") as f:
            f.write("\n".join(lines) + "\n")
        r = subprocess.run(["as", "--64" if mode == 64 else "--32", "-o", o, s],
                           capture_output=True, text=True)
        if r.returncode == 0:
            return True
        bad = set(int(m) for m in re.findall(r"\.s:(\d+): Error", r.stderr))
        if not bad:
            break
        stats["dropped"] += len(bad)
        if os.environ.get("DECODE_SHOW_AS_ERRORS"):
            for ln in sorted(bad):
                print("as dropped: %s" % lines[ln - 1].strip())
        lines = [x for i, x in enumerate(lines, 1) if i not in bad]
    print(r.stderr[:3000])
    print("as failed for mode %d" % mode)
    stats["fail"] += 1
    return False


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("dump")
    ap.add_argument("workdir")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--scale", type=float, default=1.0)
    ap.add_argument("--max-show", type=int, default=40)
    a = ap.parse_args()
    os.makedirs(a.workdir, exist_ok=True)
    rng = random.Random(a.seed)
    stats = {"pass": 0, "fail": 0, "skip": {}, "shown": 0, "classified": 0, "dropped": 0}
    counts = {64: (60000, 60000), 32: (25000, 25000), 16: (15000, 15000)}
    for mode, (ngas, nrand) in counts.items():
        ngas, nrand = int(ngas * a.scale), int(nrand * a.scale)
        # gas set
        s = os.path.join(a.workdir, "gas%d.s" % mode)
        o = os.path.join(a.workdir, "gas%d.o" % mode)
        binp = os.path.join(a.workdir, "gas%d.bin" % mode)
        lines = gen_gas(mode, rng, ngas)
        if not assemble(lines, s, o, mode, stats):
            continue
        subprocess.run(["objcopy", "-O", "binary", "-j", ".text", o, binp], check=True)
        blob = open(binp, "rb").read()
        od = objdump(binp, mode)
        offs = sorted(od)
        mine = run_dump(a.dump, mode, binp, offs, a.workdir)
        compare(mode, blob, offs, od, mine, "gas", stats, a.max_show)
        print("gas/%d: %d instructions checked" % (mode, len(offs)))
        # random set
        binp = os.path.join(a.workdir, "rand%d.bin" % mode)
        blob, offs = gen_random(mode, rng, nrand)
        with open(binp, "wb") as f:
            f.write(blob)
        od = objdump(binp, mode)
        mine = run_dump(a.dump, mode, binp, offs, a.workdir)
        compare(mode, blob, offs, od, mine, "random", stats, a.max_show)
        print("random/%d: %d byte strings checked" % (mode, len(offs)))
    skipped = sum(stats["skip"].values())
    print("skipped %d (%s)" % (skipped, ", ".join("%s %d" % kv for kv in sorted(stats["skip"].items()))))
    print("classified instructions checked: %d; generated lines gas refused: %d"
          % (stats["classified"], stats["dropped"]))
    if stats["shown"] > a.max_show:
        print("(%d more mismatches not shown)" % (stats["shown"] - a.max_show))
    print("%d passed, %d failed" % (stats["pass"], stats["fail"]))
    return 1 if stats["fail"] else 0


if __name__ == "__main__":
    sys.exit(main())
