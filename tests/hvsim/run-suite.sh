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

# Exit paths: the status tools/hvsim/run returns for each way a run can end.
fault=$(dirname "$1")/hvsim-fault.elf
expect() {  # name expected-status grep-pattern run-args...
    local name=$1 want=$2 pat=$3; shift 3
    local out rc
    out=$(tools/hvsim/run --hvsim "$hvsim" --timeout 60 "$@" 2>&1); rc=$?
    if [ "$rc" -eq "$want" ] && grep -aq -- "$pat" <<<"$out"; then
        echo "PASS exit_$name (status $rc)"; tp=$((tp + 1))
    else
        echo "FAIL exit_$name: status $rc, wanted $want and '$pat' in:"; tail -n 15 <<<"$out"
        tf=$((tf + 1))
    fi
}
if [ -r "$fault" ]; then
    echo "--- exit paths"
    expect guest_status 42 "fault guest" --cmdline exit42 "$fault"
    expect triple_fault 124 "guest triple fault" --cmdline triple "$fault"
    expect vmcb_dump 124 "cr0 0x" --cmdline triple "$fault"
    expect mmio_outside_ram 120 "outside RAM" --cmdline mmio "$fault"
    expect crash_msr 122 "reported a crash" --cmdline crash "$fault"
    expect blob_loaded 0 "3 passed, 0 failed" --cmdline blob --blob "$1" "$fault"
    expect not_an_elf 121 "not a loadable" "$0"
    expect too_little_ram 121 "no RAM above 64 MiB" -m 64M "$fault"
    expect hvsim_page_fault 121 "PANIC on CPU 0: unhandled #PF" --inject-fault "$fault"
    # the wrapper's own refusal (no /dev/kvm or no SVM); only checkable
    # where the host lacks SVM
    if ! grep -qw svm /proc/cpuinfo; then
        expect kvm_without_svm 2 "use --accel tcg" --accel kvm "$fault"
    fi
fi
echo "hvsim: $tp passed, $tf failed"
[ "$tf" -eq 0 ]
