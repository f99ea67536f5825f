#!/usr/bin/env bash
# Cross-check modelf (Linux layout + relocation) against GNU ld on one signed
# module: lay the module out with `modelf_harness script`, let ld relocate it
# there (every undefined symbol at a made-up kernel address), and require
# `modelf_harness check` to find ld's bytes identical to its own.
# usage: relocheck.sh HARNESS MODULE.ko WORKDIR   (prints one OK/FAIL line)
set -u
export ASAN_OPTIONS=detect_leaks=0   # the harness is a short-lived test tool
H=$1
K=$2
W=$3
mkdir -p "$W"
python3 - "$K" "$W/m.o" <<'PY'
import sys
d = open(sys.argv[1], "rb").read()
n = int.from_bytes(d[-32:-28], "big") if d.endswith(b"~Module signature appended~\n") else -40
open(sys.argv[2], "wb").write(d[:len(d) - 40 - n])
PY
# GNU ld regenerates build-id notes and merges SHF_MERGE strings; Linux's
# loader does neither, so neutralise both before letting ld relocate.
ARGS=(--rename-section .note.gnu.build-id=.note.bid)
while read -r name flags; do
	f=alloc,load,contents
	case "$flags" in *W*) f=$f,data ;; *X*) f=$f,code,readonly ;; *) f=$f,data,readonly ;; esac
	ARGS+=(--set-section-flags "$name=$f")
done < <(readelf -SW "$W/m.o" | sed -n 's/^ *\[ *[0-9]*\] *\([^ ]*\) *[A-Z_]* *[0-9a-f]* *[0-9a-f]* *[0-9a-f]* *[0-9a-f]* *\([A-Za-z]*M[A-Za-z]*\) .*/\1 \2/p')
objcopy "${ARGS[@]}" "$W/m.o" "$W/m2.o" || { echo "FAIL objcopy"; exit 1; }
"$H" script "$W/m2.o" > "$W/m.ld" || { echo "FAIL script"; exit 1; }
i=0; DEFS=(); SYMS=()
for s in $(nm -u "$W/m2.o" | awk '{print $2}'); do
	a=$(printf "0x%x" $((0xffffffff81000000 + i * 64))); i=$((i + 1))
	DEFS+=(--defsym "$s=$a"); SYMS+=(--sym "$s=$a")
done
ld -e 0 -T "$W/m.ld" -o "$W/m.elf" "$W/m2.o" "${DEFS[@]}" 2>"$W/ld.err" || { echo "FAIL ld $(head -c 200 $W/ld.err)"; exit 1; }
"$H" check "$W/m2.o" "$W/m.elf" "${SYMS[@]}" 2>&1 | tail -1
