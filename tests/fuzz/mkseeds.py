#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Write the fuzz harnesses' seed inputs into tests/fuzz/corpus/<harness>/.

Seeds are small, valid (or nearly valid) inputs in each harness's input
format (see the comment at the top of each tests/fuzz/fuzz_*.c) so that
libFuzzer starts from inputs that reach deep into the parsers.  Run from the
repository root: python3 tests/fuzz/mkseeds.py [--dtc dtc] [--openssl openssl]
"""
import os
import shutil
import struct
import subprocess
import sys
import tempfile

OUT = "tests/fuzz/corpus"
BASE = 0x100000          # FZ_BASE: where input data lands in VTL0 RAM
PAGE = 0x1000
VTL1 = 0x800000          # fake South VTL1 region [8 MiB, 10 MiB)

# fuzz_vtlcall.c call selectors
PROTECT, KDATA, PATCH, RING, EOB, LOCK, MEAS, VALIDATE, FREEINIT, UNLOAD, SECKEY, KEXEC, RAW = range(13)
# harness -> allowed call indexes (must match FZ_CALLS in build.mk)
CALLS = {
    "chain": [PROTECT, EOB],
    "kdata": [PROTECT, KDATA],
    "patch": [PROTECT, KDATA, PATCH, EOB],
    "modcall": [PROTECT, KDATA, VALIDATE, FREEINIT, UNLOAD, SECKEY, KEXEC],
    "vtlcall": list(range(13)),
}
R, W, X, IMM = 1, 2, 4, 8


def write(harness, name, data):
    d = os.path.join(OUT, harness)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, name), "wb") as f:
        f.write(data)


def chain_page(ranges, next_pa=0):
    b = struct.pack("<QQQ", 0, next_pa, len(ranges))
    for va, pa, epa, attr in ranges:
        b += struct.pack("<QQQQ", va, pa, epa, attr)
    return b.ljust(PAGE, b"\0")


def vtlcall(harness, ops, data):
    """ops: (call index, vp, a0, a1, a2); data: bytes placed at BASE."""
    allowed = CALLS[harness]
    b = bytes([len(ops) - 1])
    for call, vp, a0, a1, a2 in ops:
        b += struct.pack("<BBHIQQQ", allowed.index(call), vp, 0, 0, a0, a1, a2)
    # RAM past the input is zero anyway: trailing zeros would only be bulk.
    return b + data.rstrip(b"\0")


def patch_entry(pa0, pa1, code):
    return struct.pack("<QQB", pa0, pa1, len(code)) + code.ljust(5, b"\0") + b"\0\0"


def patch_info(entries):
    """One heki_patch_info block: type 0 (jump label), list_head, mod,
    patch_idx, max_patch_count, then the 24-byte entries."""
    return struct.pack("<IIQQQQQ", 0, 0, 0xFFFFC90000001000, 0xFFFFC90000001000, 0,
                       len(entries), len(entries)) + b"".join(entries)


NOP5 = bytes([0x0F, 0x1F, 0x44, 0x00, 0x00])
JMP5 = bytes([0xE9, 0x10, 0x00, 0x00, 0x00])


def vtl_seeds():
    # jump-label sites live in "kernel text" inside the data area, so the
    # seeds can put the NOP there that PATCH_TEXT expects to find
    text = BASE + 0x30000
    kernel = [(0, text, text + 0x10000, R | X | IMM), (0, 0x300000, 0x310000, R),
              (0, 0x400000, 0x410000, R | W)]
    p0 = chain_page(kernel)
    for h in ("chain", "kdata", "patch", "modcall", "vtlcall"):
        write(h, "protect-kernel", vtlcall(h, [(PROTECT, 0, BASE, 3, 0)], p0))
    # chain: multi-page, W+X, relax IMMUTABLE, VTL1, end of boot
    many = [(0, 0x200000 + i * PAGE, 0x200000 + (i + 1) * PAGE, R | (X if i % 2 else W))
            for i in range(127)]
    more = [(0, 0x300000 + i * PAGE, 0x300000 + (i + 1) * PAGE, R) for i in range(40)]
    two = chain_page(many, BASE + PAGE) + chain_page(more)
    write("chain", "two-pages", vtlcall("chain", [(PROTECT, 0, BASE, 167, 0)], two))
    loop = chain_page(many, BASE + PAGE) + chain_page(more, BASE)
    write("chain", "loop", vtlcall("chain", [(PROTECT, 0, BASE, 4000, 0)], loop))
    wx = chain_page([(0, 0x500000, 0x502000, R | W | X), (0, 0x503000, 0x504000, R)])
    write("chain", "wx", vtlcall("chain", [(PROTECT, 0, BASE, 2, 0)], wx))
    relax = chain_page(kernel) + chain_page([(0, text, text + PAGE, R | W)])
    write("chain", "relax-immutable", vtlcall("chain", [(PROTECT, 0, BASE, 3, 0),
                                                        (PROTECT, 1, BASE + PAGE, 1, 0)], relax))
    v1 = chain_page([(0, VTL1 - PAGE, VTL1 + PAGE, R)])
    write("chain", "vtl1", vtlcall("chain", [(PROTECT, 0, BASE, 1, 0)], v1))
    write("chain", "after-eob", vtlcall("chain", [(EOB, 0, 0, 0, 0), (PROTECT, 0, BASE, 3, 0)], p0))
    big = chain_page([(0, 0, 0x1000000 + 0x10000, R)])
    write("chain", "big", vtlcall("chain", [(PROTECT, 0, BASE, 1, 0)], big))

    # kdata: certs + blocklist + kinfo + patchinfo in one chain
    certs = bytes(range(256)) * 2
    pinfo = patch_info([patch_entry(text + 0x10, 0, JMP5),
                        patch_entry(text + 0xFFE, text + PAGE, JMP5)])
    blobs = BASE + 2 * PAGE
    kd = chain_page([(0, blobs, blobs + len(certs), 0),
                     (0, blobs + 0x400, blobs + 0x400 + 64, 2),
                     (0, blobs + 0x800, blobs + 0x800 + 32, 3),
                     (0, blobs + 0xC00, blobs + 0xC00 + len(pinfo), 5),
                     (0, blobs + 0x1000, blobs + 0x3000, 4)])
    data = p0 + kd + certs.ljust(0x400, b"\0") + bytes(64).ljust(0x400, b"\1") + \
        bytes(32).ljust(0x400, b"\0") + pinfo
    sites = bytearray(0x1100)
    sites[0x10:0x15] = NOP5
    sites[0xFFE:0x1003] = NOP5
    data = data.ljust(0x30000, b"\0") + bytes(sites)
    for h in ("kdata", "patch", "vtlcall"):
        write(h, "load-kdata", vtlcall(h, [(PROTECT, 0, BASE, 3, 0), (KDATA, 0, BASE + PAGE, 5, 0)],
                                     data))
    # patch: requests matching the PatchInfo above (INT3, tail, jump, NOP)
    req = BASE + 6 * PAGE
    reqs = (patch_entry(text + 0x10, 0, b"\xCC") + patch_entry(text + 0x11, 0, JMP5[1:]) +
            patch_entry(text + 0x10, 0, JMP5) + patch_entry(text + 0x10, 0, NOP5) +
            patch_entry(text + 0xFFE, text + PAGE, JMP5))
    pdata = bytearray(data)
    pdata[6 * PAGE:6 * PAGE + len(reqs)] = reqs
    pdata = bytes(pdata)
    for i, name in enumerate(("int3", "tail", "jmp", "nop", "cross")):
        write("patch", "patch-" + name, vtlcall("patch", [
            (PROTECT, 0, BASE, 3, 0), (KDATA, 0, BASE + PAGE, 5, 0),
            (PATCH, 0, req + 24 * i, 0, 0), (PATCH, 1, req + 24 * ((i + 1) % 5), 0, 0)], pdata))
    edge = bytearray(data)
    edge[7 * PAGE - 10:7 * PAGE + 14] = patch_entry(text + 0x10, 0, b"\xCC")
    edge = bytes(edge)
    write("patch", "patch-split-request", vtlcall("patch", [
        (PROTECT, 0, BASE, 3, 0), (KDATA, 0, BASE + PAGE, 5, 0),
        (PATCH, 0, BASE + 7 * PAGE - 10, BASE + 7 * PAGE, 0)], edge))

    # vtlcall: ring, measurements, lock regs, end of boot, raw ids
    write("vtlcall", "ring-meas", vtlcall("vtlcall", [
        (RING, 0, 0x600000, 0x4000, 0), (PROTECT, 0, BASE, 3, 0),
        (MEAS, 0, BASE + 0x8000, 0x2000, 0), (EOB, 1, 0, 0, 0)], p0))
    write("vtlcall", "lock-eob", vtlcall("vtlcall", [
        (LOCK, 0, 0, 0, 0), (LOCK, 1, 0, 0, 0), (EOB, 0, 0, 0, 0), (LOCK, 0, 0, 0, 0)], b""))
    write("vtlcall", "raw-ids", vtlcall("vtlcall", [
        (RAW, 0, 0, 0, 0x1FFE0 << 32), (RAW, 0, 0, 0, 0x1FFED << 32),
        (RAW, 0, BASE, 1, 0x1FFE4 << 32)], p0))
    return kd, certs


def module_seeds(tmp, openssl):
    """modcall: VALIDATE_MODULE / KEXEC_VALIDATE / COPY_SECONDARY_KEY chains."""
    cert = b""
    if openssl:
        try:
            subprocess.run([openssl, "req", "-x509", "-newkey", "ec", "-pkeyopt",
                            "ec_paramgen_curve:P-256", "-nodes", "-subj", "/CN=fuzz seed",
                            "-days", "3650", "-keyout", os.path.join(tmp, "k.pem"),
                            "-outform", "DER", "-out", os.path.join(tmp, "c.der")],
                           check=True, capture_output=True)
            cert = open(os.path.join(tmp, "c.der"), "rb").read()
        except (OSError, subprocess.CalledProcessError):
            cert = b""
    blob = BASE + 2 * PAGE
    # module memory types: Text 0, Data 1, RoData 2, ..., ElfBuffer 7
    elf = b"\x7fELF\x02\x01\x01" + bytes(57)
    mod = chain_page([(0xffffffffc0000000, 0x200000, 0x201000, 0),
                      (0xffffffffc0002000, 0x300000, 0x301000, 2),
                      (0xffffffffc0004000, 0x400000, 0x401000, 1),
                      (0, blob, blob + len(elf), 7)])
    write("modcall", "validate", vtlcall("modcall", [(VALIDATE, 0, BASE, 4, 0),
                                                     (FREEINIT, 0, 1, 0, 0), (UNLOAD, 0, 1, 0, 0)],
                                         mod + bytes(PAGE) + elf))
    if cert:
        ck = chain_page([(0, blob, blob + len(cert), 0)])
        write("modcall", "secondary-key", vtlcall("modcall", [(SECKEY, 0, BASE, 1, 0)],
                                                  ck + bytes(PAGE) + cert))
        write("modcall", "kdata-certs", vtlcall("modcall", [(KDATA, 0, BASE, 1, 0)],
                                                ck + bytes(PAGE) + cert))
    pe = b"MZ" + bytes(0x3A) + struct.pack("<I", 0x40) + b"PE\0\0" + bytes(200)
    kx = chain_page([(0, 0x500000, 0x501000, 0), (0, blob, blob + len(pe), 1),
                     (0, 0x502000, 0x503000, 2)])
    write("modcall", "kexec", vtlcall("modcall", [(KEXEC, 0, BASE, 3, 0)], kx + bytes(PAGE) + pe))
    return cert


def c_array(text, name):
    """Bytes of `static const uint8_t NAME[n] = { 0x.., ... };` in a C header."""
    import re
    m = re.search(r"\b" + name + r"\[\d+\]\s*=\s*\{([^}]*)\}", text)
    return bytes(int(x, 16) for x in re.findall(r"0x([0-9a-fA-F]{2})", m.group(1))) if m else b""


def signed_module_seeds():
    """modcall: the modval suite's signed module (tests/modval/hooks_vectors.h)
    loaded the way LVBS Linux hands it over, so fuzzing starts from a
    VALIDATE_MODULE that succeeds (and makes text executable)."""
    try:
        text = open("tests/modval/hooks_vectors.h").read()
    except OSError:
        return
    ko, cert = c_array(text, "hooks_ko"), c_array(text, "hooks_cert")
    mtext, rodata, init = (c_array(text, n) for n in ("hooks_text", "hooks_rodata",
                                                      "hooks_init_text"))
    if not (ko and cert and mtext and len(ko) <= PAGE):
        return
    va = lambda t: 0xFFFFFFFFC0000000 + t * 0x100000
    cert_pa, elf_pa, t_pa, d_pa, r_pa, i_pa = (BASE + k * PAGE for k in (2, 3, 4, 5, 6, 7))
    kd = chain_page([(0, cert_pa, cert_pa + len(cert), 0)])
    mod = chain_page([(0xFFFFC90000000000, elf_pa, elf_pa + len(ko), 7),
                      (va(0), t_pa, t_pa + len(mtext), 0), (va(1), d_pa, d_pa + 0x40, 1),
                      (va(2), r_pa, r_pa + len(rodata), 2), (va(4), i_pa, i_pa + len(init), 4)])
    data = (kd + mod + cert.ljust(PAGE, b"\0") + ko.ljust(PAGE, b"\0") +
            mtext.ljust(PAGE, b"\0") + bytes(PAGE) + rodata.ljust(PAGE, b"\0") + init)
    write("modcall", "signed-module", vtlcall("modcall", [
        (KDATA, 0, BASE, 1, 0), (VALIDATE, 0, BASE + PAGE, 5, 0), (FREEINIT, 0, 1, 0, 0),
        (UNLOAD, 1, 1, 0, 0)], data))
    write("vtlcall", "signed-module", vtlcall("vtlcall", [
        (KDATA, 0, BASE, 1, 0), (VALIDATE, 0, BASE + PAGE, 5, 0), (PATCH, 0, t_pa, 0, 0),
        (EOB, 1, 0, 0, 0)], data))
    pe = c_array(text, "hooks_pe")
    if pe:
        pe_pa = BASE + 3 * PAGE
        kx = chain_page([(0, BASE + 9 * PAGE, BASE + 10 * PAGE, 0),
                         (0, pe_pa, pe_pa + len(pe), 1)])
        write("modcall", "signed-kexec", vtlcall("modcall", [
            (KDATA, 0, BASE, 1, 0), (KEXEC, 0, BASE + PAGE, 2, 0)],
            kd + kx + cert.ljust(PAGE, b"\0") + pe))


def boot_seeds(tmp, dtc):
    img_pa, img_size = 0x4200000, 0x600000
    hdr = lambda sel: struct.pack("<BQQ", sel, img_pa, img_size)
    bp = bytearray(PAGE)
    e820 = [(0, 0x9FC00, 1), (0x100000, 0x3F00000, 1), (0x4000000, 0x4000000, 1),
            (0x8000000, 0x8000000, 2)]
    bp[0x1E8] = len(e820)
    for i, (a, s, t) in enumerate(e820):
        struct.pack_into("<QQI", bp, 0x2D0 + 20 * i, a, s, t)
    cmd = b"console=ttyS0 possible_cpus=4 vtlguard.policy=0x7000000,0x1000"
    write("bootinfo", "boot-params", hdr(0) + bytes(bp) + cmd)
    write("bootinfo", "cmdline", hdr(3) + cmd)
    write("bootinfo", "cmdline-bad", hdr(3) + b"possible_cpus=65 vtlguard.policy=0x1,0xffffffffffffffff")
    if dtc:
        dts = """/dts-v1/;
/ { vtlguard {
    vtl1-memory = /bits/ 64 <0x4000000 0x4000000>;
    memory-end = /bits/ 64 <0x10000000>;
    possible-cpus = <2>;
    policy = /bits/ 64 <0x7000000 0x800>;
}; };
"""
        p = os.path.join(tmp, "boot.dts")
        open(p, "w").write(dts)
        fdt = subprocess.run([dtc, "-q", "-I", "dts", "-O", "dtb", p], check=True,
                             capture_output=True).stdout
        write("bootinfo", "fdt", hdr(1) + fdt)
        write("bootinfo", "fdt-page", hdr(2) + fdt)


def policy_seeds(tmp, dtc):
    if not dtc:
        return
    base = open("vtl_protect/policy/default.dts").read()
    variants = {
        "default": base,
        "audit": base.replace('memory = "enforce"', 'memory = "audit"')
                     .replace('control-registers = "enforce"', 'control-registers = "audit"'),
        "dt-audit": base.replace('descriptor-tables = "enforce"', 'descriptor-tables = "audit"'),
        "gp-only": base.replace('"gp-report"', '"gp"'),
    }
    for name, text in variants.items():
        p = os.path.join(tmp, name + ".dts")
        open(p, "w").write(text)
        dtb = subprocess.run([dtc, "-q", "-I", "dts", "-O", "dtb", p], check=True,
                             capture_output=True).stdout
        # Trailing 16 bytes: the CR4 and LSTAR values the harness writes.
        write("policy", name, dtb + struct.pack("<QQ", 0x3606F0, 0xFFFFFFFF81A00000))


def synic_seeds():
    def msg(mtype, payload, vp=0):
        return bytes([vp]) + struct.pack("<IBBHQ", mtype, len(payload), 0, 0, 0) + payload

    def hdr(vp, ilen, acc, rip=0xFFFFFFFF81000000):
        return struct.pack("<IBBH", vp, ilen, acc, 0) + bytes(16) + struct.pack("<QQ", rip, 2)

    mem = hdr(0, 3, 1) + struct.pack("<IBBBB", 0, 0, 0, 0, 0) + \
        struct.pack("<QQ", 0xFFFFFFFF81000000, 0x200010) + bytes(16)
    write("synic", "mem-write-text", msg(0x80000001, mem))
    mem2 = hdr(1, 3, 2) + bytes(8) + struct.pack("<QQ", 0, 0x400000) + bytes(16)
    write("synic", "mem-exec-data", msg(0x80000001, mem2, 1))
    msr = hdr(0, 2, 1) + struct.pack("<I", 0xC0000082) + bytes(4) + struct.pack("<QQ", 0xFFFFFFFF, 0x81A00000)
    write("synic", "msr-lstar", msg(0x80010001, msr))
    for name, reg, val in (("cr4", 0x00040003, 0x3606F0), ("cr4-smep-off", 0x00040003, 0x3604F0),
                           ("cr0", 0x00040000, 0x80050033), ("idtr", 0x00070000, 0x1000)):
        r = hdr(0, 3, 1) + bytes(4) + struct.pack("<I", reg) + struct.pack("<QQ", val, 0)
        write("synic", "reg-" + name, msg(0x80010006, r))
    write("synic", "unknown", msg(0x80000021, bytes(40)))


def modval_seeds(cert, tmp, openssl):
    """tests/modval/fuzz_modval.c: first byte selects the parser."""
    if cert:
        write("modval", "cert", b"\x06" + cert)
        write("modval", "certs", b"\x02" + cert)
        if openssl:
            try:
                content = os.path.join(tmp, "content")
                open(content, "wb").write(b"fuzz seed module\n" * 4)
                sig = subprocess.run([openssl, "cms", "-sign", "-binary", "-noattr", "-nocerts",
                                      "-outform", "DER", "-in", content, "-signer",
                                      os.path.join(tmp, "c.der"), "-inkey",
                                      os.path.join(tmp, "k.pem"), "-md", "sha256"],
                                     check=True, capture_output=True).stdout
                write("modval", "pkcs7", b"\x01" + sig)
                trailer = struct.pack(">BBBBBBBI", 0, 0, 2, 0, 0, 0, 0, len(sig))[:8] + \
                    struct.pack(">I", len(sig))
                write("modval", "module", b"\x00" + open(content, "rb").read() + sig +
                      bytes([0, 0, 2, 0, 0, 0, 0, 0]) + struct.pack(">I", len(sig)) +
                      b"~Module signature appended~\n")
            except (OSError, subprocess.CalledProcessError):
                pass
    write("modval", "elf", b"\x03\x7fELF\x02\x01\x01" + bytes(57))
    write("modval", "pe", b"\x05MZ" + bytes(0x3A) + struct.pack("<I", 0x40) + b"PE\0\0" + bytes(200))


def main():
    dtc = shutil.which("dtc")
    openssl = shutil.which("openssl")
    for h in ("bootinfo", "synic", "policy", "chain", "kdata", "patch", "modcall", "vtlcall",
              "modval"):
        shutil.rmtree(os.path.join(OUT, h), ignore_errors=True)
    with tempfile.TemporaryDirectory() as tmp:
        vtl_seeds()
        cert = module_seeds(tmp, openssl)
        signed_module_seeds()
        boot_seeds(tmp, dtc)
        policy_seeds(tmp, dtc)
        synic_seeds()
        modval_seeds(cert, tmp, openssl)
    return 0


if __name__ == "__main__":
    sys.exit(main())
