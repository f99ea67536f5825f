#!/usr/bin/env bash
# Suite modtruth (issue 15 step 5, first half): boot Debian's own 6.1 kernel
# in QEMU TCG under four CPU/mitigation settings, load the modules of
# tools/modtruth/modules.txt (with their dependencies), dump them as loaded
# and check every dump with modtruth-check: complete, sizes as in the ELF,
# and every byte that differs from ELF+RELA inside a site of the module's own
# tables (or a re-sorted table holding the same entries).  Then negative
# variants of one real dump, each of which the checker must refuse.
#
#   tests/modtruth/run-suite.sh WORKDIR MODTRUTH_CHECK
#
# Environment: MODTRUTH_REUSE=1 (check existing dumps), MODTRUTH_SETTINGS (default: all four), MODTRUTH_MODULES (list
# file), MODTRUTH_CACHE (package cache).  SKIPs, not fails, only when Debian's
# packages cannot be fetched (no apt source, no network, pin gone).
set -u
W=$1
CHECK=$(realpath "$2")
T=$(dirname "$(realpath "$0")")
MT=$T/../../tools/modtruth/modtruth
pass=0; fail=0
ok()  { echo "PASS $1"; pass=$((pass + 1)); }
bad() { echo "FAIL $1"; fail=$((fail + 1)); }

start=$(date +%s)
"$MT" fetch --kernel 6.1 >/dev/null
rc=$?
if [ $rc -eq 3 ]; then
	echo "SKIP modtruth: Debian's kernel packages cannot be fetched with apt-get (see tools/modtruth/modtruth fetch)"
	echo "modtruth: 0 passed, 0 failed"
	exit 0
elif [ $rc -ne 0 ]; then
	bad "fetch: modtruth fetch exited $rc"
	echo "modtruth: $pass passed, $fail failed"
	exit 1
fi

# CI time: the whole list (132 modules with dependencies, amdgpu the largest)
# under `max`; under the other three settings the list without amdgpu and
# the DRM stack it pulls in (~120 modules), which saves ~30 s per boot.
mods=${MODTRUTH_MODULES:-$T/../../tools/modtruth/modules.txt}
settings=${MODTRUTH_SETTINGS:-max,qemu64-1cpu,icelake,max-nospectre}
mkdir -p "$W"
grep -v '^amdgpu' "$mods" >"$W/modules-small.txt"
first=${settings%%,*}
rest=${settings#"$first"}; rest=${rest#,}
# MODTRUTH_REUSE=1: check the dumps already in WORKDIR (while developing).
if [ -z "${MODTRUTH_REUSE:-}" ]; then
"$MT" run --kernel 6.1 --setting "$first" --modules "$mods" --out "$W" ||
	bad "modtruth run $first: no dump, or a required module did not load"
fi
if [ -n "$rest" ] && [ -z "${MODTRUTH_REUSE:-}" ]; then
	"$MT" run --kernel 6.1 --setting "$rest" --modules "$W/modules-small.txt" --out "$W" ||
		bad "modtruth run $rest: no dump, or a required module did not load"
fi

# --- every module of every setting through the oracle
IFS=, read -r -a list <<<"$settings"
for s in "${list[@]}"; do
	[ -f "$W/$s/loaded.txt" ] || { bad "$s: no dumps"; continue; }
	"$CHECK" -q "$W/$s" >"$W/$s/check.log" 2>&1
	n=$(wc -l <"$W/$s/loaded.txt")
	nf=$(grep -c '^FAIL ' "$W/$s/check.log")
	grep -E '^(FAIL|  )' "$W/$s/check.log" | head -n 40
	pass=$((pass + n - nf)); fail=$((fail + nf))
	[ "$nf" -eq 0 ] && echo "PASS $s: all $n loaded modules match ELF+RELA outside their sites ($(tail -n 1 "$W/$s/check.log"))"
	grep -q '^dm_mod$' "$W/$s/loaded.txt" && grep -q '^fuse$' "$W/$s/loaded.txt" && ok "$s: dm_mod and fuse loaded and checked" ||
		bad "$s: dm_mod or fuse missing"
done

# --- negative variants: each one must be refused
base=$W/${list[0]}/dm_mod
neg() { # NAME: mutate a copy of $base with the commands after it, expect FAIL
	local name=$1; shift
	local d=$W/neg-$name
	rm -rf "$d"; cp -r "$base" "$d"
	( cd "$d" && "$@" )
	if "$CHECK" "$d" >"$d.log" 2>&1; then
		bad "negative $name: accepted"; cat "$d.log"
	else
		ok "negative $name refused: $(grep -m1 -E 'REFUSED|FAIL|missing|wrong size|cannot' "$d.log" | sed 's/^ *//')"
	fi
}
flip() { # FILE OFFSET: invert one byte
	python3 -c 'import sys; p, o = sys.argv[1], int(sys.argv[2], 0); b = bytearray(open(p, "rb").read()); b[o] ^= 0xff; open(p, "wb").write(b)' "$1" "$2"
}
if [ -d "$base" ]; then
	off=$("$CHECK" --free-byte .text "$base" | sed -n 's/^free-byte .text //p')
	neg text-byte-outside-sites flip .text.bin "$off"
	neg rodata-byte flip .rodata.bin 0x10
	neg jump-table-entry-changed flip __jump_table.bin 0x1
	neg mcount-entry-changed flip __mcount_loc.bin 0x8
	neg orc-entry-changed flip .orc_unwind.bin 0x2
	neg missing-text-bin rm .text.bin
	neg truncated-rodata truncate -s -1 .rodata.bin
	neg wrong-section-address sed -i 's/^\(\.rodata \)0x\(.*\)0$/\10x\21/' sections.txt
	neg unknown-kernel-version python3 -c 'b = open("module.ko", "rb").read(); open("module.ko", "wb").write(b.replace(b"vermagic=6.1.", b"vermagic=5.9."))'
else
	bad "negative variants: no dm_mod dump in ${list[0]}"
fi
echo "modtruth: suite took $(( $(date +%s) - start )) s"
echo "modtruth: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
