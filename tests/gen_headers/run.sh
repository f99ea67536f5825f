#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Suite gen_headers: the TLFS header generator must reject every bad spec in
# bad/ with the "file:line: error: ..." message named on the spec's first line
# ("# expect LINE: TEXT"), accept good.spec and the real hv/spec/, and its
# output for good.spec must compile on the host and freestanding.
# Usage: run.sh GENERATOR WORKDIR CC FREESTANDING_GCC_INCLUDE_DIR
set -u
gen=$1; work=$2; cc=$3; gccinc=$4
pass=0; fail=0
ok()  { pass=$((pass + 1)); echo "  ok    $1"; }
bad() { fail=$((fail + 1)); echo "  FAIL  $1: $2"; }
here=$(dirname "$0")
rm -rf "$work"; mkdir -p "$work"

for spec in "$here"/bad/*.spec; do
    name=$(basename "$spec")
    first=$(head -n 1 "$spec")
    if [[ ! $first =~ ^#\ expect\ ([0-9]+):\ (.*)$ ]]; then
        bad "$name" "first line must be '# expect LINE: TEXT'"; continue
    fi
    want="$spec:${BASH_REMATCH[1]}: error: ${BASH_REMATCH[2]}"
    err=$(python3 "$gen" --check "$spec" 2>&1 >/dev/null); rc=$?
    if [ $rc -eq 0 ]; then
        bad "$name" "accepted (exit 0), expected: $want"
    elif [[ $err != *"$want"* ]]; then
        bad "$name" "exit $rc with '$err', expected '$want'"
    else
        ok "$name rejected: ${err#*error: }"
    fi
done

# A good spec is accepted and its headers compile everywhere we use them.
if python3 "$gen" --out "$work/inc" "$here/good.spec" 2>"$work/good.err"; then
    ok "good.spec accepted"
    printf '#include <hv/tlfs.h>\nint f(void);\nint f(void) { struct hv_t_outer o = {0}; o.in[1].b = hv_t_bits_set_hi(0, 0xAB);\n  return (int)hv_t_bits_get_hi(o.in[1].b) + (int)sizeof(o); }\n' > "$work/use.c"
    if $cc -std=c11 -Wall -Wextra -Werror -pedantic -I"$work/inc" -c "$work/use.c" -o "$work/host.o" 2>"$work/host.err"; then
        ok "good.spec headers compile on the host"
    else
        bad "good.spec host compile" "$(head -5 "$work/host.err")"
    fi
    if $cc -std=c11 -Wall -Wextra -Werror -ffreestanding -nostdinc -isystem "$gccinc" -mgeneral-regs-only \
        -I"$work/inc" -c "$work/use.c" -o "$work/fs.o" 2>"$work/fs.err"; then
        ok "good.spec headers compile freestanding (-nostdinc)"
    else
        bad "good.spec freestanding compile" "$(head -5 "$work/fs.err")"
    fi
else
    bad "good.spec" "rejected: $(cat "$work/good.err")"
fi

# A layout the compiler disagrees with must fail the build: tamper with one
# generated static assert and expect the compile to fail.
sed 's/offsetof(struct hv_t_outer, tail) == 12/offsetof(struct hv_t_outer, tail) == 13/' \
    "$work/inc/hv/tlfs_good.h" > "$work/tampered.h"
mkdir -p "$work/inc2/hv"; cp "$work/inc/hv/"*.h "$work/inc2/hv/"; cp "$work/tampered.h" "$work/inc2/hv/tlfs_good.h"
if $cc -std=c11 -I"$work/inc2" -c "$work/use.c" -o "$work/t.o" 2>/dev/null; then
    bad "static asserts" "a wrong offset compiled"
else
    ok "a wrong generated offset fails the compile (static assert)"
fi

# The real spec passes every check.
if err=$(python3 "$gen" --check hv/spec/*.spec 2>&1); then
    ok "hv/spec/*.spec accepted (including the brief cross-checks)"
else
    bad "hv/spec" "$err"
fi

# No hand-written copy of a TLFS number in hv-owned code (grep check).
if out=$(python3 "$here/tlfs_literals.py" --own hv arch/x86_64/hypercall.S tests/hv -- hv/spec/*.spec); then
    ok "no TLFS literals outside hv/spec in hv-owned code ($(echo "$out" | tail -1))"
else
    bad "TLFS literals" "$(echo "$out" | grep error)"
fi

echo "gen_headers: $pass passed, $fail failed"
[ $fail -eq 0 ]
