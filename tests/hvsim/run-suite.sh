#!/usr/bin/env bash
# suite-hvsim: boots each hvsim conformance guest under QEMU TCG through
# tools/hvsim/run, shows its output, and adds up the guests' closing
# "N passed, N failed" lines.  A guest that exits non-zero, times out or
# prints no closing line counts as a failure.
set -u
hvsim=$1; shift
timeout=${HVSIM_TIMEOUT:-240}
tp=0; tf=0
for spec in "$@"; do
    elf=${spec%%:*}; opts=""
    [ "$spec" != "$elf" ] && opts=${spec#*:}
    name=$(basename "$elf" .elf)
    log=$(mktemp)
    echo "--- $name ${opts//,/ }"
    # shellcheck disable=SC2086
    tools/hvsim/run --hvsim "$hvsim" --timeout "$timeout" ${opts//,/ } "$elf" 2>&1 | tee "$log"
    rc=${PIPESTATUS[0]}
    line=$(grep -aoE '[0-9]+ passed, [0-9]+ failed' "$log" | tail -n 1)
    if [ -z "$line" ]; then
        p=0; f=1; echo "FAIL $name: no result line (exit $rc)"
    else
        p=${line%% passed*}; f=${line#*, }; f=${f%% failed*}
        if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then f=1; echo "FAIL $name: exit status $rc"; fi
    fi
    tp=$((tp + p)); tf=$((tf + f))
    rm -f "$log"
done
echo "hvsim: $tp passed, $tf failed"
[ "$tf" -eq 0 ]
