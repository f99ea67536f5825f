#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Find hand-written copies of TLFS numbers outside hv/spec/.

Takes every constant of 0x10000 or more from the spec (MSRs, register names,
message types, CPUID leaves and signatures: numbers too specific to appear by
accident) and greps C/assembly sources for them as literals.  Hits in the
paths given with --own fail the run; hits elsewhere are listed as warnings so
the owning layer can switch to <hv/tlfs.h>.

Usage: tlfs_literals.py --own PATH... -- SPEC...
"""
import os
import re
import sys


def spec_values(specs):
    vals = {}
    for path in specs:
        with open(path, encoding="utf-8") as f:
            for line in f:
                line = line.split("#", 1)[0].split(" @ ", 1)[0].split()
                if not line or line[0] in ("check", "end", "bitfield", "struct", "enum"):
                    continue
                tok = line[-1]
                if not re.match(r"^(0x[0-9a-fA-F]+|\d+)$", tok):
                    continue
                v = int(tok, 0)
                if v >= 0x10000 and v != 0xFFFFFFFFFFFFFFFF:
                    vals.setdefault(v, line[1] if line[0] == "const" else line[0])
    return vals


def main(argv):
    sep = argv.index("--")
    own = argv[argv.index("--own") + 1:sep]
    specs = argv[sep + 1:]
    vals = spec_values(specs)
    lit = re.compile(r"\b0[xX]0*([0-9a-fA-F]+)(?:[uUlL]*)\b")
    bad = warn = 0
    others = {}
    for root, dirs, files in os.walk("."):
        dirs[:] = [d for d in dirs if not d.startswith(".") and d != "build"]
        if root.startswith("./hv/spec") or root.startswith("./tests/gen_headers"):
            continue
        for name in files:
            if not name.endswith((".c", ".h", ".S")):
                continue
            path = os.path.join(root, name)[2:]
            with open(path, encoding="utf-8", errors="replace") as f:
                for no, text in enumerate(f, 1):
                    for m in lit.finditer(text):
                        v = int(m.group(1), 16)
                        if v in vals:
                            mine = any(path == o or path.startswith(o.rstrip("/") + "/")
                                       for o in own)
                            if mine:
                                print(f"{path}:{no}: error: literal {m.group(0)} duplicates "
                                      f"{vals[v]} from hv/spec; use <hv/tlfs.h>")
                                bad += 1
                            else:
                                others[path] = others.get(path, 0) + 1
                                warn += 1
    for path, n in sorted(others.items()):
        print(f"  note: {path}: {n} literal(s) equal to spec values (may be coincidence)")
    print(f"tlfs literals: {bad} in hv-owned code, {warn} elsewhere")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
