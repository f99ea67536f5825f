#!/usr/bin/env bash
# Suite modcheck-loaded (issue 15 section 4): `modcheck --loaded` runs VTL1's
# VALIDATE_MODULE decision on modules as Debian's own kernel loaded them, and
# must give the same verdict as the ground-truth oracle (modtruth-check) on
# every real dump and every negative variant.
#
#   tests/modval/loaded-suite.sh WORKDIR MODCHECK MODTRUTH_CHECK [DUMPS]
#
# DUMPS is a tools/modtruth output directory (one subdirectory per setting,
# plus the neg-* variants suite-modtruth leaves); by default
# build/test-modtruth when `make suite-modtruth` already filled it, else this
# suite boots Debian's 6.1 kernel once (`max`, the module list without
# amdgpu) into WORKDIR.  The certificate is the kernel's own built-in key,
# cut out of its bzImage (tests/modval/kernel-cert).  SKIPs only when
# Debian's packages cannot be fetched.
#
# Until VTL1's rule is site-aware (modelf.c, issue 15 section 1) the oracle
# accepts every real dump and VTL1 refuses it at its first patched site: the
# verdicts differ and this suite says so, one FAIL per module.
set -u
W=$1
MC=$(realpath "$2")
CHECK=$(realpath "$3")
T=$(dirname "$(realpath "$0")")
MT=$T/../../tools/modtruth/modtruth
D=${4:-$T/../../build/test-modtruth}
pass=0; fail=0
ok()  { echo "PASS $1"; pass=$((pass + 1)); }
bad() { echo "FAIL $1"; fail=$((fail + 1)); }
start=$(date +%s)
mkdir -p "$W"

"$MT" fetch --kernel 6.1 >/dev/null
rc=$?
if [ $rc -eq 3 ]; then
	echo "SKIP modcheck-loaded: Debian's kernel packages cannot be fetched"
	echo "modcheck-loaded: 0 passed, 0 failed"
	exit 0
fi
root=$("$MT" path --kernel 6.1)
vmlinuz=$(ls "$root"/boot/vmlinuz-* | head -n 1)
if ! "$T/kernel-cert" "$vmlinuz" "$W/kernel.der"; then
	bad "no certificate in $vmlinuz"
	echo "modcheck-loaded: $pass passed, $fail failed"
	exit 1
fi

if [ ! -f "$D/max/loaded.txt" ]; then
	D=$W/dumps
	grep -v '^amdgpu' "$T/../../tools/modtruth/modules.txt" >"$W/modules-small.txt"
	"$MT" run --kernel 6.1 --setting max --modules "$W/modules-small.txt" --out "$D" >"$W/run.log" 2>&1 ||
		bad "modtruth run max: no dump (see $W/run.log)"
fi

# verdict DIR: "accept" or "refuse" from each checker, and the lines to show
same() { # NAME DIR
	local name=$1 d=$2 a b
	"$MC" --exports --cert "$W/kernel.der" --loaded "$d" --kallsyms "$d/kallsyms" \
		"$d/module.ko" >"$d.modcheck" 2>&1 && a=accept || a=refuse
	"$CHECK" -q "$d" >"$d.oracle" 2>&1 && b=accept || b=refuse
	if [ "$a" = "$b" ]; then
		ok "$name: both $a"
	else
		bad "$name: modcheck --loaded would $a, modtruth-check would $b: $(grep -m1 -E ': (FAIL|OK) ' "$d.modcheck" | head -c 300)"
	fi
}

nmod=0
for sd in "$D"/*/; do
	s=$(basename "$sd")
	[ -f "$sd/loaded.txt" ] || continue
	while read -r m; do
		[ -d "$sd/$m" ] || continue
		same "$s/$m" "$sd/$m"
		nmod=$((nmod + 1))
	done <"$sd/loaded.txt"
done
[ "$nmod" -ge 50 ] && ok "$nmod real dumps compared (at least 50)" || bad "only $nmod real dumps"

# Module-to-module imports: every symbol a module imports from another
# module (kallsyms "[A]") must be in the exports VTL1 keeps for A (read from
# A's loaded __ksymtab by the same code, modcheck --exports), at the same
# address: then VTL1 resolves it as Linux did.
for sd in "$D"/*/; do
	[ -f "$sd/loaded.txt" ] || continue
	s=$(basename "$sd")
	r=$(python3 - "$sd" <<'PY'
import os, re, sys
sd = sys.argv[1]
mods = [m.strip() for m in open(os.path.join(sd, "loaded.txt")) if m.strip()]
exp = {}
for m in mods:
    p = os.path.join(sd, m.rstrip("/") + ".modcheck")
    if os.path.exists(p):
        exp[m] = {l.split()[1]: l.split()[2] for l in open(p) if l.startswith("EXPORT ")}
n = bad = 0
for m in mods:
    ks = os.path.join(sd, m, "kallsyms")
    if not os.path.exists(ks):
        continue
    for l in open(ks):
        t = re.match(r"([0-9a-f]+) \S (\S+)\s+\[(\S+)\]", l)
        if not t:
            continue
        n += 1
        a, name, dep = t.groups()
        if int(exp.get(dep, {}).get(name, "0x0"), 16) != int(a, 16):
            bad += 1
            if bad <= 3:
                print(f"MISS {m} imports {name} from {dep} at {a}: exports say {exp.get(dep, {}).get(name)}")
print(f"{n} {bad}")
PY
)
	last=$(tail -n 1 <<<"$r")
	imp=${last% *}; miss=${last#* }
	if [ "$miss" = 0 ] && [ "$imp" -gt 0 ]; then
		ok "$s: all $imp module-to-module imports found in the exporting module's kept __ksymtab, same address"
	else
		bad "$s: $miss of $imp module-to-module imports not in the exporter's kept exports: $(head -n 3 <<<"$r")"
	fi
done

# Negative variants: suite-modtruth's, or made here from dm_mod.
base=$(ls -d "$D"/max/dm_mod 2>/dev/null)
neg() { # NAME: mutate a copy of dm_mod, then both must refuse
	local name=$1; shift
	local d=$W/neg-$name
	rm -rf "$d"; cp -r "$base" "$d"
	( cd "$d" && "$@" )
	same "negative $name" "$d"
	grep -q ': FAIL ' "$d.modcheck" && ok "negative $name: modcheck --loaded says why: $(grep -o 'FAIL.*' "$d.modcheck" | head -c 200)" ||
		bad "negative $name: modcheck --loaded did not refuse"
}
flip() { python3 -c 'import sys; p, o = sys.argv[1], int(sys.argv[2], 0); b = bytearray(open(p, "rb").read()); b[o] ^= 0xff; open(p, "wb").write(b)' "$1" "$2"; }
if [ -n "$base" ]; then
	neg rodata-byte flip .rodata.bin 0x10
	neg text-last-byte python3 -c 'import os; p=".text.bin"; b=bytearray(open(p,"rb").read()); b[-1]^=0xff; open(p,"wb").write(b)'
	neg missing-text-bin rm .text.bin
	neg truncated-rodata truncate -s -1 .rodata.bin
	neg wrong-section-address sed -i 's/^\(\.rodata \)0x\(.*\)0$/\10x\21/' sections.txt
	# The oracle does not check signatures: here only modcheck must refuse.
	d=$W/neg-signature-byte
	rm -rf "$d"; cp -r "$base" "$d"
	python3 -c 'import sys; p = sys.argv[1]; b = bytearray(open(p, "rb").read()); b[-100] ^= 1; open(p, "wb").write(b)' "$d/module.ko"
	if "$MC" --cert "$W/kernel.der" --loaded "$d" --kallsyms "$d/kallsyms" "$d/module.ko" >"$d.modcheck" 2>&1; then
		bad "negative signature-byte: modcheck --loaded accepted a module whose signature was changed"
	else
		ok "negative signature-byte: $(grep -o 'FAIL.*' "$d.modcheck" | head -c 200)"
	fi
else
	bad "no dm_mod dump under $D/max"
fi
echo "modcheck-loaded: took $(( $(date +%s) - start )) s"
echo "modcheck-loaded: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
