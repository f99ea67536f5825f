#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Generate vtlguard's Hyper-V TLFS C headers from hv/spec/*.spec.

The spec format is described in docs/hv.md.  In short, one declaration per
line, '#' starts a comment, and every top-level entry ends with '@ <TLFS
reference>':

    const NAME WIDTH VALUE @ ref          one constant
    enum NAME WIDTH @ ref                 a group of constants of one width
        MEMBER VALUE [@ ref]
    end
    bitfield NAME WIDTH @ ref             a register / word split into bits
        HI:LO FIELD  |  BIT FIELD  |  HI:LO reserved
    end
    struct NAME SIZE @ ref                a byte layout, every byte accounted
        OFFSET TYPE FIELD  |  OFFSET reserved LEN  |  OFFSET TYPE[] FIELD
    end
    check NAME VALUE @ ref                cross-check: NAME must equal VALUE
    check STRUCT.FIELD @OFFSET @ ref      cross-check of a field offset
    check BITFIELD.FIELD HI:LO @ ref      cross-check of a field's bit range

WIDTH is u8/u16/u32/u64.  TYPE is u8..u64, a bitfield or struct declared
earlier, optionally with [N] (array) or [] (flexible trailing array).

The generator refuses a spec with overlapping fields, gaps not declared
reserved, duplicate names, values that do not fit their width, fields past
the end, unknown types or missing references.  Every error is reported as
"file:line: error: ..." and the exit status is 1.

Usage: gen_headers.py --out DIR SPEC...     writes DIR/hv/tlfs.h and friends
       gen_headers.py --check SPEC...       only validates
Python 3 standard library only.
"""

import argparse
import os
import re
import sys

WIDTHS = {"u8": 8, "u16": 16, "u32": 32, "u64": 64}
CTYPE = {"u8": "uint8_t", "u16": "uint16_t", "u32": "uint32_t", "u64": "uint64_t"}
NAME_RE = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


class SpecError(Exception):
    def __init__(self, where, msg):
        super().__init__(f"{where[0]}:{where[1]}: error: {msg}")


def parse_int(tok, where):
    try:
        return int(tok, 0)
    except ValueError:
        raise SpecError(where, f"'{tok}' is not a number")


def split_ref(line, where, required):
    """Split 'decl ... @ reference' into (decl tokens, reference)."""
    if " @ " in line or line.endswith(" @"):
        decl, ref = line.split(" @ ", 1) if " @ " in line else (line[:-2], "")
        ref = ref.strip()
    else:
        decl, ref = line, ""
    if required and not ref:
        raise SpecError(where, "missing TLFS reference ('@ <section>') on this entry")
    return decl.split(), ref


class Const:
    def __init__(self, name, width, value, ref, where):
        self.name, self.width, self.value, self.ref, self.where = name, width, value, ref, where


class Field:
    def __init__(self, name, lo, hi, where):
        self.name, self.lo, self.hi, self.where = name, lo, hi, where


class Bitfield:
    def __init__(self, name, width, ref, where):
        self.name, self.width, self.ref, self.where = name, width, ref, where
        self.fields = []      # named fields
        self.reserved = []    # (lo, hi)


class Member:
    def __init__(self, name, offset, size, ctype, count, where, reserved=False):
        self.name, self.offset, self.size = name, offset, size
        self.ctype, self.count, self.where, self.reserved = ctype, count, where, reserved


class Struct:
    def __init__(self, name, size, ref, where):
        self.name, self.size, self.ref, self.where = name, size, ref, where
        self.members = []
        self.flex = None


class Spec:
    def __init__(self):
        self.consts = []        # (file, Const)
        self.bitfields = {}
        self.structs = {}
        self.order = []         # (file, kind, obj) in declaration order
        self.checks = []        # (where, lhs, expected-kind, value)
        self.names = {}         # every declared/generated name -> where
        self.files = []

    def claim(self, name, where):
        if not NAME_RE.match(name):
            raise SpecError(where, f"'{name}' is not a valid C identifier")
        prev = self.names.get(name)
        if prev is not None:
            raise SpecError(where, f"duplicate name '{name}' (first defined at {prev[0]}:{prev[1]})")
        self.names[name] = where

    def type_info(self, tname, where):
        """(C type, size in bytes) of a field type name."""
        if tname in CTYPE:
            return CTYPE[tname], WIDTHS[tname] // 8
        if tname in self.bitfields:
            bf = self.bitfields[tname]
            return CTYPE[bf.width], WIDTHS[bf.width] // 8
        if tname in self.structs:
            return f"struct {tname}", self.structs[tname].size
        raise SpecError(where, f"unknown type '{tname}' (declare it earlier)")


def fits(value, width):
    return 0 <= value < (1 << WIDTHS[width])


def parse_file(spec, path):
    spec.files.append(path)
    with open(path, encoding="utf-8") as f:
        lines = f.readlines()
    block = None            # current enum/bitfield/struct
    for no, raw in enumerate(lines, 1):
        where = (path, no)
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        if block is None:
            toks, ref = split_ref(line, where, required=True)
            kw = toks[0]
            if kw == "const":
                if len(toks) != 4:
                    raise SpecError(where, "expected 'const NAME WIDTH VALUE @ ref'")
                _, name, width, val = toks
                if width not in WIDTHS:
                    raise SpecError(where, f"unknown width '{width}' (u8/u16/u32/u64)")
                value = parse_int(val, where)
                if not fits(value, width):
                    raise SpecError(where, f"value {val} of '{name}' does not fit in {width}")
                spec.claim(name, where)
                c = Const(name, width, value, ref, where)
                spec.consts.append(c)
                spec.order.append((path, "const", c))
            elif kw == "enum":
                if len(toks) != 3 or toks[2] not in WIDTHS:
                    raise SpecError(where, "expected 'enum NAME WIDTH @ ref' (WIDTH u8/u16/u32/u64)")
                block = ("enum", toks[1], toks[2], ref, where)
                spec.order.append((path, "comment", f"{toks[1]}: {ref}"))
            elif kw == "bitfield":
                if len(toks) != 3 or toks[2] not in WIDTHS:
                    raise SpecError(where, "expected 'bitfield NAME WIDTH @ ref' (WIDTH u8/u16/u32/u64)")
                spec.claim(toks[1], where)
                bf = Bitfield(toks[1], toks[2], ref, where)
                block = ("bitfield", bf)
            elif kw == "struct":
                if len(toks) != 3:
                    raise SpecError(where, "expected 'struct NAME SIZE @ ref'")
                spec.claim(toks[1], where)
                size = parse_int(toks[2], where)
                if size <= 0:
                    raise SpecError(where, f"struct '{toks[1]}' must have a positive size")
                block = ("struct", Struct(toks[1], size, ref, where))
            elif kw == "check":
                if len(toks) != 3:
                    raise SpecError(where, "expected 'check NAME VALUE @ ref' or 'check S.F @OFF @ ref'")
                if toks[2].startswith("@"):
                    spec.checks.append((where, toks[1], "offset", parse_int(toks[2][1:], where)))
                elif ":" in toks[2]:
                    hi, lo = (parse_int(t, where) for t in toks[2].split(":", 1))
                    spec.checks.append((where, toks[1], "bits", (hi, lo)))
                else:
                    spec.checks.append((where, toks[1], "value", parse_int(toks[2], where)))
            elif kw == "end":
                raise SpecError(where, "'end' without an open block")
            else:
                raise SpecError(where, f"unknown keyword '{kw}'")
            continue

        if line == "end":
            finish_block(spec, block, path)
            block = None
            continue
        toks, ref = split_ref(line, where, required=False)
        kind = block[0]
        if kind == "enum":
            if len(toks) != 2:
                raise SpecError(where, "expected 'NAME VALUE [@ ref]' inside enum")
            name, val = toks
            value = parse_int(val, where)
            if not fits(value, block[2]):
                raise SpecError(where, f"value {val} of '{name}' does not fit in {block[2]}")
            spec.claim(name, where)
            c = Const(name, block[2], value, ref, where)
            spec.consts.append(c)
            spec.order.append((path, "const", c))
        elif kind == "bitfield":
            parse_bit_line(block[1], toks, where)
        else:
            parse_struct_line(spec, block[1], toks, where)
    if block is not None:
        raise SpecError((path, len(lines)), "missing 'end' at end of file")


def parse_bit_line(bf, toks, where):
    if len(toks) != 2:
        raise SpecError(where, "expected 'HI:LO NAME' or 'BIT NAME' inside bitfield")
    rng, name = toks
    if ":" in rng:
        hi, lo = (parse_int(t, where) for t in rng.split(":", 1))
    else:
        hi = lo = parse_int(rng, where)
    width = WIDTHS[bf.width]
    if lo > hi:
        raise SpecError(where, f"bit range {rng} is reversed (write HI:LO)")
    if hi >= width:
        raise SpecError(where, f"bits {rng} of '{name}' do not fit in {bf.width}")
    for other in bf.fields + [Field("reserved", a, b, w) for a, b, w in bf.reserved]:
        if lo <= other.hi and other.lo <= hi:
            raise SpecError(where, f"bits {rng} of '{name}' overlap '{other.name}' "
                            f"({other.hi}:{other.lo}, line {other.where[1]})")
    if name == "reserved":
        bf.reserved.append((lo, hi, where))
        return
    if not NAME_RE.match(name):
        raise SpecError(where, f"'{name}' is not a valid C identifier")
    if any(f.name == name for f in bf.fields):
        raise SpecError(where, f"duplicate field name '{name}' in bitfield '{bf.name}'")
    bf.fields.append(Field(name, lo, hi, where))


def parse_struct_line(spec, st, toks, where):
    if len(toks) != 3:
        raise SpecError(where, "expected 'OFFSET TYPE NAME' or 'OFFSET reserved LEN' inside struct")
    off = parse_int(toks[0], where)
    if toks[1] == "reserved":
        length = parse_int(toks[2], where)
        if length <= 0:
            raise SpecError(where, "reserved length must be positive")
        m = Member(f"rsvd_{off}", off, length, "uint8_t", length, where, reserved=True)
    else:
        tname, name = toks[1], toks[2]
        m_arr = re.match(r"^([A-Za-z_0-9]+)\[(\d*|0x[0-9a-fA-F]+)\]$", tname)
        count = None
        if m_arr:
            tname = m_arr.group(1)
            count = parse_int(m_arr.group(2), where) if m_arr.group(2) else 0
            if m_arr.group(2) and count <= 0:
                raise SpecError(where, "array length must be positive")
        ctype, esize = spec.type_info(tname, where)
        if not NAME_RE.match(name):
            raise SpecError(where, f"'{name}' is not a valid C identifier")
        if any(x.name == name for x in st.members) or (st.flex and st.flex.name == name):
            raise SpecError(where, f"duplicate field name '{name}' in struct '{st.name}'")
        if count == 0:
            if st.flex is not None:
                raise SpecError(where, "only one flexible array per struct")
            if off != st.size:
                raise SpecError(where, f"flexible array '{name}' must start at the struct size ({st.size})")
            st.flex = Member(name, off, esize, ctype, 0, where)
            return
        m = Member(name, off, esize * (count or 1), ctype, count, where)
    if st.flex is not None:
        raise SpecError(where, "flexible array must be the last field")
    if m.offset + m.size > st.size:
        raise SpecError(where, f"field '{m.name}' ({m.offset}..{m.offset + m.size - 1}) "
                        f"extends past the end of struct '{st.name}' (size {st.size})")
    for o in st.members:
        if m.offset < o.offset + o.size and o.offset < m.offset + m.size:
            raise SpecError(where, f"field '{m.name}' (bytes {m.offset}..{m.offset + m.size - 1}) "
                            f"overlaps '{o.name}' (bytes {o.offset}..{o.offset + o.size - 1}, "
                            f"line {o.where[1]})")
    st.members.append(m)


def finish_block(spec, block, path):
    kind = block[0]
    if kind == "enum":
        return
    if kind == "bitfield":
        bf = block[1]
        covered = sorted([(f.lo, f.hi) for f in bf.fields] + [(a, b) for a, b, _ in bf.reserved])
        nxt = 0
        for lo, hi in covered:
            if lo > nxt:
                raise SpecError(bf.where, f"bits {lo - 1}:{nxt} of bitfield '{bf.name}' are "
                                "neither a field nor declared reserved")
            nxt = hi + 1
        if nxt < WIDTHS[bf.width]:
            raise SpecError(bf.where, f"bits {WIDTHS[bf.width] - 1}:{nxt} of bitfield '{bf.name}' "
                            "are neither a field nor declared reserved")
        if not bf.fields:
            raise SpecError(bf.where, f"bitfield '{bf.name}' has no fields")
        pre = bf.name.upper()
        for f in bf.fields:
            for suf in ("SHIFT", "WIDTH", "MASK"):
                spec.claim(f"{pre}_{f.name.upper()}_{suf}", f.where)
            spec.claim(f"{bf.name}_get_{f.name.lower()}", f.where)
            spec.claim(f"{bf.name}_set_{f.name.lower()}", f.where)
        spec.claim(f"{pre}_RESERVED_MASK", bf.where)
        spec.bitfields[bf.name] = bf
        spec.order.append((path, "bitfield", bf))
        return
    st = block[1]
    ms = sorted(st.members, key=lambda m: m.offset)
    nxt = 0
    for m in ms:
        if m.offset > nxt:
            raise SpecError(m.where, f"undeclared gap at bytes {nxt}..{m.offset - 1} of struct "
                            f"'{st.name}' (declare it: '{nxt} reserved {m.offset - nxt}')")
        nxt = m.offset + m.size
    if nxt < st.size:
        raise SpecError(st.where, f"undeclared gap at bytes {nxt}..{st.size - 1} at the end of "
                        f"struct '{st.name}'")
    st.members = ms
    spec.structs[st.name] = st
    spec.order.append((path, "struct", st))


def run_checks(spec):
    consts = {c.name: c.value for c in spec.consts}
    for where, lhs, kind, want in spec.checks:
        if kind == "value":
            if lhs in consts:
                got = consts[lhs]
            elif lhs in spec.structs:
                got = spec.structs[lhs].size
            else:
                raise SpecError(where, f"check of unknown constant or struct '{lhs}'")
            if got != want:
                raise SpecError(where, f"check failed: {lhs} is {got:#x}, expected {want:#x}")
        elif kind == "bits":
            bname, _, fname = lhs.partition(".")
            bf = spec.bitfields.get(bname)
            fld = [f for f in bf.fields if f.name == fname] if bf else []
            if not fld:
                raise SpecError(where, f"check of unknown bitfield field '{lhs}'")
            if (fld[0].hi, fld[0].lo) != want:
                raise SpecError(where, f"check failed: {lhs} is bits {fld[0].hi}:{fld[0].lo}, "
                                f"expected {want[0]}:{want[1]}")
        else:
            if "." not in lhs:
                raise SpecError(where, "offset checks are written STRUCT.FIELD @OFFSET")
            sname, fname = lhs.split(".", 1)
            st = spec.structs.get(sname)
            if st is None:
                raise SpecError(where, f"check of unknown struct '{sname}'")
            mem = [m for m in st.members + ([st.flex] if st.flex else []) if m.name == fname]
            if not mem:
                raise SpecError(where, f"check of unknown field '{fname}' in '{sname}'")
            if mem[0].offset != want:
                raise SpecError(where, f"check failed: {lhs} is at {mem[0].offset}, expected {want}")


# ------------------------------------------------------------------ output

def lit(value, width):
    if width == "u64":
        return f"HV_ULL({value:#x})"
    return f"HV_U({value:#x})"


PRELUDE = """/* Generated by tools/gen_headers/gen_headers.py from {src}. Do not edit. */
#ifndef {guard}
#define {guard}

"""


def gen_header(spec, path, deps_out):
    base = os.path.splitext(os.path.basename(path))[0]
    guard = f"HV_TLFS_{re.sub(r'[^A-Za-z0-9]', '_', base).upper()}_H"
    out = [PRELUDE.format(src=path, guard=guard), '#include <hv/tlfs_base.h>\n']
    deps = set()
    body = []
    for fpath, kind, obj in spec.order:
        if fpath != path:
            continue
        if kind == "comment":
            body.append(f"\n/* {obj} */\n")
        elif kind == "const":
            ref = f" /* {obj.ref} */" if obj.ref else ""
            body.append(f"#define {obj.name} {lit(obj.value, obj.width)}{ref}\n")
        elif kind == "bitfield":
            body.append(gen_bitfield(obj))
        else:
            body.append(gen_struct(spec, obj, deps))
    for d in sorted(deps):
        if d != path:
            dbase = os.path.splitext(os.path.basename(d))[0]
            out.append(f"#include <hv/tlfs_{dbase}.h>\n")
    out += body
    out.append(f"\n#endif /* {guard} */\n")
    deps_out[path] = f"tlfs_{base}.h"
    return "".join(out)


def gen_bitfield(bf):
    pre = bf.name.upper()
    ct = CTYPE[bf.width]
    lines = [f"\n/* {bf.name} ({bf.width}): {bf.ref} */\n"]
    rmask = 0
    for lo, hi, _ in bf.reserved:
        rmask |= ((1 << (hi - lo + 1)) - 1) << lo
    for f in bf.fields:
        n = f"{pre}_{f.name.upper()}"
        width = f.hi - f.lo + 1
        mask = ((1 << width) - 1) << f.lo
        lines.append(f"#define {n}_SHIFT {f.lo}\n#define {n}_WIDTH {width}\n"
                     f"#define {n}_MASK {lit(mask, bf.width)}\n")
    lines.append(f"#define {pre}_RESERVED_MASK {lit(rmask, bf.width)}\n")
    lines.append("#ifndef __ASSEMBLY__\n")
    for f in bf.fields:
        n = f"{pre}_{f.name.upper()}"
        fn = f"{bf.name}_%s_{f.name.lower()}"
        lines.append(
            f"static inline {ct} {fn % 'get'}({ct} v)\n{{\n"
            f"\treturn ({ct})((v & {n}_MASK) >> {n}_SHIFT);\n}}\n"
            f"static inline {ct} {fn % 'set'}({ct} v, {ct} x)\n{{\n"
            f"\treturn ({ct})((v & ({ct})~{n}_MASK) | (({ct})(x << {n}_SHIFT) & {n}_MASK));\n}}\n")
    lines.append("#endif\n")
    return "".join(lines)


def gen_struct(spec, st, deps):
    lines = [f"\n/* {st.name}: {st.size} bytes. {st.ref} */\n#ifndef __ASSEMBLY__\n"
             f"struct {st.name} {{\n"]
    for m in st.members + ([st.flex] if st.flex else []):
        if m.ctype.startswith("struct "):
            dep = spec.structs[m.ctype[7:]]
            deps.add(dep.where[0])
        arr = "" if m.count is None else ("[]" if m.count == 0 else f"[{m.count}]")
        note = " /* reserved, zero */" if m.reserved else ""
        lines.append(f"\t{m.ctype} {m.name}{arr}; /* @{m.offset} */{note}\n")
    lines.append("} __attribute__((packed));\n")
    lines.append(f"_Static_assert(sizeof(struct {st.name}) == {st.size}, \"{st.name} size\");\n")
    for m in st.members + ([st.flex] if st.flex else []):
        lines.append(f"_Static_assert(offsetof(struct {st.name}, {m.name}) == {m.offset}, "
                     f"\"{st.name}.{m.name} offset\");\n")
        if m.count != 0:
            lines.append(f"_Static_assert(sizeof(((struct {st.name} *)0)->{m.name}) == {m.size}, "
                         f"\"{st.name}.{m.name} size\");\n")
    lines.append("#endif\n")
    return "".join(lines)


BASE_H = """/* Generated by tools/gen_headers/gen_headers.py. Do not edit. */
#ifndef HV_TLFS_BASE_H
#define HV_TLFS_BASE_H
/*
 * Constants carry a C suffix so that they have the spec's width in C; in
 * assembly files (__ASSEMBLY__) the suffix is dropped.
 */
#ifdef __ASSEMBLY__
#define HV_U(x) x
#define HV_ULL(x) x
#else
#define HV__CAT(a, b) a##b
#define HV_U(x) HV__CAT(x, U)
#define HV_ULL(x) HV__CAT(x, ULL)
#include <stddef.h>
#include <stdint.h>
#endif
#endif
"""


def gen_layout_table(spec):
    """A table for host tests: every struct field with its spec offset/size,
    next to what the compiler computed for the generated struct."""
    out = ["/* Generated by tools/gen_headers/gen_headers.py. Do not edit. */\n",
           "/* Host-test table: spec offsets/sizes next to compiler-computed ones. */\n",
           "#ifndef HV_TLFS_LAYOUT_TABLE_H\n#define HV_TLFS_LAYOUT_TABLE_H\n",
           "#include <hv/tlfs.h>\n\n",
           "struct hv_layout_entry {\n\tconst char *strct, *field;\n"
           "\tsize_t spec_off, spec_size, c_off, c_size;\n};\n\n",
           "static const struct hv_layout_entry hv_layout_table[] = {\n"]
    for _, kind, st in spec.order:
        if kind != "struct":
            continue
        out.append(f"\t{{ \"{st.name}\", NULL, 0, {st.size}, 0, sizeof(struct {st.name}) }},\n")
        for m in st.members:
            out.append(f"\t{{ \"{st.name}\", \"{m.name}\", {m.offset}, {m.size}, "
                       f"offsetof(struct {st.name}, {m.name}), "
                       f"sizeof(((struct {st.name} *)0)->{m.name}) }},\n")
        if st.flex:
            out.append(f"\t{{ \"{st.name}\", \"{st.flex.name}\", {st.flex.offset}, 0, "
                       f"offsetof(struct {st.name}, {st.flex.name}), 0 }},\n")
    out.append("};\n\n")
    out.append("struct hv_const_entry {\n\tconst char *name;\n\tunsigned long long spec_value, c_value;\n};\n\n")
    out.append("static const struct hv_const_entry hv_const_table[] = {\n")
    for c in spec.consts:
        out.append(f"\t{{ \"{c.name}\", {c.value:#x}ULL, {c.name} }},\n")
    out.append("};\n\n#endif\n")
    return "".join(out)


def write_if_changed(path, text):
    try:
        with open(path, encoding="utf-8") as f:
            if f.read() == text:
                return
    except FileNotFoundError:
        pass
    tmp = path + ".tmp"
    with open(tmp, "w", encoding="utf-8") as f:
        f.write(text)
    os.replace(tmp, path)


def main(argv):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--out", help="output include directory (headers go to OUT/hv/)")
    ap.add_argument("--check", action="store_true", help="validate only")
    ap.add_argument("specs", nargs="+")
    args = ap.parse_args(argv)
    if not args.out and not args.check:
        ap.error("need --out DIR or --check")
    spec = Spec()
    try:
        for p in args.specs:
            parse_file(spec, p)
        run_checks(spec)
    except SpecError as e:
        print(e, file=sys.stderr)
        return 1
    except OSError as e:
        print(f"gen_headers: {e}", file=sys.stderr)
        return 1
    if args.check:
        return 0
    outdir = os.path.join(args.out, "hv")
    os.makedirs(outdir, exist_ok=True)
    names = {}
    for p in args.specs:
        text = gen_header(spec, p, names)
        write_if_changed(os.path.join(outdir, names[p]), text)
    write_if_changed(os.path.join(outdir, "tlfs_base.h"), BASE_H)
    umb = ["/* Generated by tools/gen_headers/gen_headers.py. Do not edit. */\n",
           "/* Hyper-V TLFS definitions for vtlguard; the source is hv/spec/. */\n",
           "#ifndef HV_TLFS_H\n#define HV_TLFS_H\n#include <hv/tlfs_base.h>\n"]
    umb += [f"#include <hv/{names[p]}>\n" for p in args.specs]
    umb.append("#endif\n")
    write_if_changed(os.path.join(outdir, "tlfs_layout_table.h"), gen_layout_table(spec))
    # The umbrella is written last: make uses it as the target of the rule.
    write_if_changed(os.path.join(outdir, "tlfs.h"), "".join(umb))
    os.utime(os.path.join(outdir, "tlfs.h"))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
