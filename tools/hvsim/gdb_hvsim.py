# SPDX-License-Identifier: MIT
"""
gdb helper for guests under hvsim (docs/testing.md, "Debugging with gdb").

QEMU's gdb stub sees the one physical CPU.  Stopped inside a guest of hvsim
(VTL0 or VTL1), gdb's own memory reads walk the guest's page tables as if
guest-physical were host-physical, so `x/2i $pc`, `bt` and `p *ev` fail
("Cannot access memory").  This helper reads guest memory the way the CPU
does: guest virtual -> guest physical through the guest's page tables (CR3),
each table and the data guest physical -> host physical through hvsim's
nested page table (the VMCB's nCR3 of that VP and VTL), and the bytes
through QEMU's physical-memory mode (`maint packet Qqemu.PhyMemMode:1`).
hvsim's own state (where each VMCB is) is found from build/hvsim.elf:
its symbol `hvp` and the layout of struct hv_partition / hv_vp / vtl_ctx.

    source tools/hvsim/gdb_hvsim.py     (after `target remote :PORT`)
    hvsim-ctx [VP VTL]   show or choose the VP and VTL (default: the one whose
                         VMCB CR3 is the CPU's CR3, preferring its active VTL)
    hvsim-v2p VA         VA -> GPA -> HPA of the current context
    hvsim-x FMT VA       gdb's x/FMT at VA, read through the translation
                         (hvsim-x 2i $pc, hvsim-x 4gx $rsp); addresses shown
                         are host-physical, the header names the VA
    hvsim-p EXPR         print an lvalue whose address gdb can compute from
                         registers (hvsim-p *ev, hvsim-p ev->mem)
    hvsim-bt [N]         backtrace through the frame-pointer chain

Environment: HVSIM_ELF (default build/hvsim.elf relative to the current
directory).  Reads only: the helper never writes guest or hvsim memory.
"""

import os
import struct
import subprocess

import gdb

IMAGE_VBASE = 0xFFFFFFFF80000000   # arch/x86_64/boot.h: where hvsim's image runs
VMCB_NCR3 = 0x0B0                  # struct vmcb_control.n_cr3 (AMD APM, vmcb.h)
VMCB_SAVE = 0x400                  # struct vmcb_save (AMD APM)
SAVE_CR3 = 0x150
ADDR = 0x000FFFFFFFFFF000
PAGE = 4096


class HvsimError(Exception):
    pass


def _elf_layout(path):
    """(min p_paddr, image size) of the hvsim ELF's PT_LOAD segments."""
    with open(path, "rb") as f:
        data = f.read()
    if data[:4] != b"\x7fELF" or data[4] != 2:
        raise HvsimError("%s is not a 64-bit ELF" % path)
    phoff, = struct.unpack_from("<Q", data, 0x20)
    phentsize, phnum = struct.unpack_from("<HH", data, 0x36)
    paddr, end = None, 0
    for i in range(phnum):
        p_type, _, _, p_vaddr, p_paddr, _, p_memsz, _ = struct.unpack_from(
            "<IIQQQQQQ", data, phoff + i * phentsize)
        if p_type != 1:
            continue
        paddr = p_paddr if paddr is None else min(paddr, p_paddr)
        end = max(end, p_vaddr + p_memsz)
    if paddr is None:
        raise HvsimError("%s has no PT_LOAD segment" % path)
    return paddr, end


def _layout(path):
    """Offsets of the hvsim structures the helper walks, from its DWARF
    (a separate gdb, so hvsim's symbols do not mix with the guest's)."""
    exprs = [
        "(unsigned long)&hvp",
        "(unsigned long)&early_cr3",
        "(unsigned long)&((struct hv_partition *)0)->vps",
        "(unsigned long)&((struct hv_partition *)0)->nr_vps",
        "sizeof(struct hv_vp)",
        "(unsigned long)&((struct hv_vp *)0)->vtl",
        "(unsigned long)&((struct hv_vp *)0)->active_vtl",
        "sizeof(struct vtl_ctx)",
        "(unsigned long)&((struct vtl_ctx *)0)->vmcb_pa",
    ]
    cmd = ["gdb", "-nx", "-q", "-batch", path]
    for e in exprs:
        cmd += ["-ex", "printf \"%%lu\\n\", %s" % e]
    out = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                         text=True, check=False).stdout.split()
    try:
        vals = [int(x) for x in out[-len(exprs):]]
    except ValueError:
        raise HvsimError("cannot read hvsim's structure layout from %s: %s"
                         % (path, " ".join(out)[:200]))
    keys = ["hvp", "early_cr3", "vps", "nr_vps", "vp_size", "vtl", "active_vtl",
            "vtl_size", "vmcb_pa"]
    return dict(zip(keys, vals))


class Hvsim:
    def __init__(self):
        self.path = os.environ.get("HVSIM_ELF", "build/hvsim.elf")
        self.load_pa, self.image_size = _elf_layout(self.path)
        self.off = _layout(self.path)
        self.vp = None
        self.vtl = None

    # ---- host-physical reads (QEMU's physical-memory mode)
    def phys(self, pa, n):
        gdb.execute("maint packet Qqemu.PhyMemMode:1", to_string=True)
        try:
            return bytes(gdb.selected_inferior().read_memory(pa, n))
        except gdb.MemoryError:
            raise HvsimError("host-physical %#x+%d is not readable" % (pa, n))
        finally:
            gdb.execute("maint packet Qqemu.PhyMemMode:0", to_string=True)

    def phys64(self, pa):
        return struct.unpack("<Q", self.phys(pa, 8))[0]

    @staticmethod
    def walk(va, root, read64, what):
        """x86-64 4-level walk (4 KiB, 2 MiB, 1 GiB pages) of va from the
        table at root; read64 reads one entry at a table address."""
        table = root & ADDR
        for level, shift in enumerate((39, 30, 21, 12)):
            e = read64(table + ((va >> shift) & 0x1FF) * 8)
            if not e & 1:
                raise HvsimError("%s: %#x not present at level %d (entry %#x)"
                                 % (what, va, 4 - level, e))
            if shift in (30, 21) and e & 0x80:
                mask = (1 << shift) - 1
                return (e & ADDR & ~mask) | (va & mask)
            table = e & ADDR
        return table | (va & 0xFFF)

    # ---- hvsim's own memory
    def hvsim_pa(self, va):
        if IMAGE_VBASE <= va < IMAGE_VBASE + self.image_size:
            return self.load_pa + (va - IMAGE_VBASE)
        cr3 = self.phys64(self.load_pa + self.off["early_cr3"])
        return self.walk(va, cr3, self.phys64, "hvsim's page tables")

    def partition_pa(self):
        hvp = self.phys64(self.load_pa + self.off["hvp"])
        if not hvp:
            raise HvsimError("hvsim has no partition yet (hvp is NULL): stop later")
        return self.hvsim_pa(hvp)

    def vtl_ctx_pa(self, vp, vtl):
        return (self.partition_pa() + self.off["vps"] + vp * self.off["vp_size"]
                + self.off["vtl"] + vtl * self.off["vtl_size"])

    def vmcb_pa(self, vp, vtl):
        pa = self.phys64(self.vtl_ctx_pa(vp, vtl) + self.off["vmcb_pa"])
        if not pa:
            raise HvsimError("VP %d has no VTL%d VMCB" % (vp, vtl))
        return pa

    def nr_vps(self):
        return struct.unpack("<I", self.phys(self.partition_pa() + self.off["nr_vps"], 4))[0]

    def active_vtl(self, vp):
        pa = self.partition_pa() + self.off["vps"] + vp * self.off["vp_size"]
        return struct.unpack("<i", self.phys(pa + self.off["active_vtl"], 4))[0]

    # ---- the guest
    def context(self):
        if self.vp is not None:
            return self.vp, self.vtl
        cr3 = int(gdb.parse_and_eval("$cr3")) & ADDR
        hits = []
        for vp in range(self.nr_vps()):
            for vtl in (0, 1):
                try:
                    if self.phys64(self.vmcb_pa(vp, vtl) + VMCB_SAVE + SAVE_CR3) & ADDR == cr3:
                        hits.append((vp, vtl))
                except HvsimError:
                    pass
        if not hits:
            raise HvsimError("no VP's VMCB has CR3 %#x: choose with hvsim-ctx VP VTL" % cr3)
        for vp, vtl in hits:
            if self.active_vtl(vp) == vtl:
                return vp, vtl
        return hits[0]

    def npt(self, vp, vtl, gpa):
        ncr3 = self.phys64(self.vmcb_pa(vp, vtl) + VMCB_NCR3)
        return self.walk(gpa, ncr3, self.phys64, "hvsim's NPT (VP %d VTL%d)" % (vp, vtl))

    def v2p(self, va):
        vp, vtl = self.context()
        cr3 = int(gdb.parse_and_eval("$cr3"))
        gpa = self.walk(va, cr3, lambda a: self.phys64(self.npt(vp, vtl, a)),
                        "VTL%d page tables" % vtl)
        return gpa, self.npt(vp, vtl, gpa)

    def read(self, va, n):
        out = b""
        while n:
            chunk = min(n, PAGE - (va & 0xFFF))
            out += self.phys(self.v2p(va)[1], chunk)
            va += chunk
            n -= chunk
        return out


_hv = None


def hv():
    global _hv
    if _hv is None:
        _hv = Hvsim()
    return _hv


def _addr(arg):
    return int(gdb.parse_and_eval(arg).cast(gdb.lookup_type("unsigned long")))


class _Cmd(gdb.Command):
    def invoke(self, arg, from_tty):
        try:
            self.run(arg)
        except HvsimError as e:
            raise gdb.GdbError("%s: %s" % (self.name, e))

    def __init__(self, name):
        self.name = name
        super().__init__(name, gdb.COMMAND_DATA)


class Ctx(_Cmd):
    """hvsim-ctx [VP VTL]: show or choose the VP and VTL whose memory is read."""
    def __init__(self):
        super().__init__("hvsim-ctx")

    def run(self, arg):
        a = arg.split()
        if len(a) == 2:
            hv().vp, hv().vtl = int(a[0]), int(a[1])
        elif a == ["auto"]:
            hv().vp = hv().vtl = None
        vp, vtl = hv().context()
        print("hvsim: VP %d VTL%d (VMCB at host-physical %#x)" % (vp, vtl, hv().vmcb_pa(vp, vtl)))


class V2p(_Cmd):
    """hvsim-v2p VA: guest virtual -> guest physical -> host physical."""
    def __init__(self):
        super().__init__("hvsim-v2p")

    def run(self, arg):
        va = _addr(arg)
        gpa, hpa = hv().v2p(va)
        print("VA %#x -> GPA %#x -> HPA %#x" % (va, gpa, hpa))


class X(_Cmd):
    """hvsim-x FMT VA: x/FMT at guest virtual VA (e.g. hvsim-x 2i $pc)."""
    def __init__(self):
        super().__init__("hvsim-x")

    def run(self, arg):
        fmt, _, expr = arg.strip().partition(" ")
        if not expr:
            raise HvsimError("usage: hvsim-x FMT VA (hvsim-x 2i $pc)")
        va = _addr(expr)
        _, hpa = hv().v2p(va)
        print("VA %#x (HPA %#x):" % (va, hpa))
        gdb.execute("maint packet Qqemu.PhyMemMode:1", to_string=True)
        try:
            gdb.execute("x/%s %#x" % (fmt, hpa))
        finally:
            gdb.execute("maint packet Qqemu.PhyMemMode:0", to_string=True)


class P(_Cmd):
    """hvsim-p EXPR: print an lvalue read through the translation (hvsim-p *ev)."""
    def __init__(self):
        super().__init__("hvsim-p")

    def run(self, arg):
        v = gdb.parse_and_eval(arg)
        if v.address is None:
            raise HvsimError("%s is not in memory (print it with p)" % arg)
        t = v.type
        buf = hv().read(int(v.address), t.sizeof)
        print("%s = %s" % (arg, gdb.Value(buf, t).format_string(pretty_structs=True)))


class Bt(_Cmd):
    """hvsim-bt [N]: backtrace through the frame-pointer chain (RBP)."""
    def __init__(self):
        super().__init__("hvsim-bt")

    def run(self, arg):
        n = int(arg) if arg.strip() else 16
        rd = lambda a: struct.unpack("<Q", hv().read(a, 8))[0]
        pc = int(gdb.parse_and_eval("$pc"))
        rbp = int(gdb.parse_and_eval("$rbp"))
        rsp = int(gdb.parse_and_eval("$rsp"))
        for i in range(n):
            sal = gdb.find_pc_line(pc)
            blk = gdb.block_for_pc(pc)
            while blk is not None and blk.function is None:
                blk = blk.superblock
            fn = blk.function if blk is not None else None
            where = "%s:%d" % (sal.symtab.filename, sal.line) if sal.symtab else "??"
            print("#%-2d %#018x in %s (%s)" % (i, pc, fn.name if fn else "??", where))
            # at a function's first instruction RBP is still the caller's:
            # the return address is at RSP, not RBP + 8
            if i == 0 and fn is not None and blk.start == pc:
                pc = rd(rsp)
                continue
            if not rbp:
                break
            try:
                pc, rbp = rd(rbp + 8), rd(rbp)
            except HvsimError:
                break
            if not pc:
                break


for c in (Ctx, V2p, X, P, Bt):
    c()
# gdb's memory caches would mix reads made in physical mode with virtual ones
gdb.execute("set stack-cache off")
gdb.execute("set code-cache off")
