#!/usr/bin/env bash
# Suite modtruth (issue 15 step 5): boot Debian's own 6.1 kernel in QEMU TCG
# under four CPU/mitigation settings (and its 6.12 kernel under `max` with a
# few modules), load the modules of tools/modtruth/modules.txt (with their
# dependencies), dump them as loaded and run VTL1's rule, modelf_check(),
# on every dump (modtruth-check): complete, sizes as in the ELF, every byte
# that differs from ELF+RELA inside a site of the module's own tables and in
# a form Linux writes there (or a re-sorted table holding the same entries).
# Then negative variants of one real dump, each of which must be refused for
# the reason the case names.
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
# Debian's 6.12 (14-byte alternatives, sealed ENDBRs, no paravirt table): a
# few modules under `max` (~30 s).  SKIPped like 6.1 if it cannot be fetched.
k612=1
if [ -z "${MODTRUTH_REUSE:-}" ]; then
	"$MT" fetch --kernel 6.12 >/dev/null; r=$?
	if [ $r -eq 3 ]; then
		echo "SKIP modtruth 6.12: Debian's 6.12 package cannot be fetched"; k612=0
	elif ! "$MT" run --kernel 6.12 --setting max --modules dm_mod,minix,virtio_net --out "$W/k612"; then
		bad "modtruth run 6.12 max: no dump, or a required module did not load"
	fi
fi
if [ $k612 -eq 1 ] && [ -f "$W/k612/max/loaded.txt" ]; then
	"$CHECK" -q "$W/k612/max" >"$W/k612/max/check.log" 2>&1
	n=$(wc -l <"$W/k612/max/loaded.txt"); nf=$(grep -c '^FAIL ' "$W/k612/max/check.log")
	grep -E '^(FAIL|  )' "$W/k612/max/check.log" | head -n 20
	pass=$((pass + n - nf)); fail=$((fail + nf))
	[ "$nf" -eq 0 ] && echo "PASS 6.12 max: all $n loaded modules accepted by modelf_check()"
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
	[ "$nf" -eq 0 ] && echo "PASS $s: all $n loaded modules accepted by modelf_check() ($(tail -n 1 "$W/$s/check.log"))"
	grep -q '^dm_mod$' "$W/$s/loaded.txt" && grep -q '^fuse$' "$W/$s/loaded.txt" && ok "$s: dm_mod and fuse loaded and checked" ||
		bad "$s: dm_mod or fuse missing"
done

# --- negative variants: each one must be refused, for the reason named
base=$W/${list[0]}/dm_mod
MUT=$T/mutate
neg() { # NAME 'EXPECTED REGEX' COMMAND...: mutate a copy of $base, expect that refusal
	local name=$1 want=$2; shift 2
	local d=$W/neg-$name
	rm -rf "$d"; cp -r "${NEG_BASE:-$base}" "$d"
	( cd "$d" && "$@" ) || { bad "negative $name: could not build the variant"; return; }
	if "$CHECK" "$d" >"$d.log" 2>&1; then
		bad "negative $name: accepted"; cat "$d.log"
	elif ! grep -qE -- "$want" "$d.log"; then
		bad "negative $name: refused, but not for the expected reason ($want)"; cat "$d.log"
	else
		ok "negative $name refused: $(grep -m1 -E -- "$want" "$d.log" | sed 's/^ *//')"
	fi
}
flip() { # FILE OFFSET: invert one byte
	python3 -c 'import sys; p, o = sys.argv[1], int(sys.argv[2], 0); b = bytearray(open(p, "rb").read()); b[o] ^= 0xff; open(p, "wb").write(b)' "$1" "$2"
}
site() { # KIND: "OFFSET LEN AUX_SECTION AUX_OFFSET" of the first KIND site in dm_mod's .text
	"$CHECK" --site "$1" .text "$base" | awk '$1 == "site" { print $4, $5, $6, $7; exit }'
}
if [ -d "$base" ]; then
	off=$("$CHECK" --free-byte .text "$base" | sed -n 's/^free-byte .text //p')
	neg text-byte-outside-sites 'site=none' flip .text.bin "$off"
	neg rodata-byte '\.rodata\+0x10 site=none' flip .rodata.bin 0x10
	read -r ro _ <<<"$(site return)"
	neg return-to-non-thunk 'site=return: return site is neither' \
		"$MUT" branch . .text "$ro" e9 __x86_return_thunk+1
	read -r rp _ <<<"$(site retpoline)"
	neg retpoline-call-rsp 'site=retpoline' "$MUT" put . .text "$rp" ffd40f1f00
	read -r ao al _ <<<"$(site alternative)"
	neg alternative-neither-form 'site=alternative: alternative is neither its original nor its replacement' \
		"$MUT" put . .text "$ao" "$(printf 'cc%.0s' $(seq "$al"))"
	read -r jo jl _ jt <<<"$(site jump-label)"
	if [ "$jl" = 2 ]; then jop=eb; else jop=e9; fi
	neg jump-label-elsewhere 'site=jump-label: jump label is neither' \
		"$MUT" branch . .text "$jo" "$jop" "@.text+$((jt + 1))"
	read -r so _ <<<"$(site static-call)"
	neg static-call-to-module-data 'site=static-call: static call aimed at' \
		"$MUT" branch . .text "$so" e8 @.data+0x10
	read -r po _ <<<"$(site paravirt)"
	neg paravirt-other-instruction 'site=(paravirt|alternative)' "$MUT" put . .text "$po" 0f090f1f4000
	read -r lo _ <<<"$(site lock-prefix)"
	neg lock-prefix-nop 'site=lock-prefix' "$MUT" put . .text "$lo" 90
	read -r fo _ <<<"$(site ftrace)"
	neg ftrace-call-elsewhere 'site=ftrace: ftrace site is not NOP5' \
		"$MUT" branch . .text "$fo" e8 __fentry__+1
	neg jump-table-entry-changed '__jump_table is not the kernel.s sort' flip __jump_table.bin 0x1
	neg mcount-entry-changed '__mcount_loc is not the kernel.s sort' flip __mcount_loc.bin 0x8
	neg orc-entry-changed '\.orc_unwind_ip is not the kernel.s sort' flip .orc_unwind.bin 0x2
	neg extable-entry-changed '__ex_table is not the kernel.s sort' flip __ex_table.bin 0x4
	# a per-CPU reference that disagrees with the base the first one gives
	if [ -d "$W/${list[0]}/zsmalloc" ]; then
		NEG_BASE=$W/${list[0]}/zsmalloc neg percpu-base-disagrees '\.text\+0x[0-9a-f]+ site=none' "$MUT" percpu .
	else
		bad "negative percpu-base-disagrees: no zsmalloc dump in ${list[0]}"
	fi
	neg missing-text-bin '\.text\.bin missing' rm .text.bin
	neg truncated-rodata 'rodata\.bin has the wrong size' truncate -s -1 .rodata.bin
	neg wrong-section-address 'is not where Linux.s layout puts it' sed -i 's/^\(\.rodata \)0x\(.*\)0$/\10x\21/' sections.txt
	neg unknown-kernel-version 'layouts are pinned only for Linux 6.1, 6.6 and 6.12' python3 -c 'b = open("module.ko", "rb").read(); open("module.ko", "wb").write(b.replace(b"vermagic=6.1.", b"vermagic=5.9."))'
else
	bad "negative variants: no dm_mod dump in ${list[0]}"
fi
echo "modtruth: suite took $(( $(date +%s) - start )) s"
echo "modtruth: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
