#!/usr/bin/env bash
# suite-linux / run-linux: Debian's stock kernel in VTL0 under hvsim, with
# vtlguard in VTL1 (tools/hvsim/run --kernel ... --vtl1 --smp 2: one VP per
# QEMU CPU under multi-threaded TCG).  The
# initramfs (tests/linux/init.sh) reads and writes vtlguard's memory through
# /dev/mem; vtlguard must refuse both and log them, and Linux must go on.
#   tests/linux/run-suite.sh [--demo] [--timeout SECS]
# Env: LINUX_PKG (default linux-image-6.1.0-57-amd64, Debian 12's kernel),
#      LINUX_KERNEL=path (use this bzImage instead of the package).
# Prints PASS/FAIL lines and "N passed, N failed"; the full console log is
# build/linux/suite.log.
set -u
here=$(cd "$(dirname "$0")/../.." && pwd)
demo="" timeout=${LINUX_TIMEOUT:-240}
while [ $# -gt 0 ]; do
    case "$1" in
    --demo) demo=1; shift ;;
    --timeout) timeout=$2; shift 2 ;;
    *) echo "usage: $0 [--demo] [--timeout SECS]" >&2; exit 2 ;;
    esac
done
out="$here/build/linux"; mkdir -p "$out"
log="$out/suite.log"
pass=0 fail=0
check() { # name ok detail
    if [ "$2" = 1 ]; then pass=$((pass + 1)); echo "PASS $1: $3"
    else fail=$((fail + 1)); echo "FAIL $1: $3"; fi
}
say() { echo "linux-suite: $*"; }

pkg=${LINUX_PKG:-linux-image-6.1.0-57-amd64}
kernel=${LINUX_KERNEL:-}
if [ -z "$kernel" ]; then
    say "fetching $pkg from Debian (cached in ~/.cache/vtlguard-debian)"
    root=$("$here/tests/linux/fetch-debian" "$pkg") || { check linux_kernel_fetch 0 "cannot get $pkg"; echo "$pass passed, $fail failed"; exit 1; }
    kernel=$(ls "$root"/boot/vmlinuz-* 2>/dev/null | head -1)
fi
[ -r "$kernel" ] || { check linux_kernel_fetch 0 "no bzImage at '$kernel'"; echo "$pass passed, $fail failed"; exit 1; }
say "building the busybox-static initramfs"
"$here/tests/linux/mkinitramfs" "$out/initramfs.gz" || { check linux_initramfs 0 "mkinitramfs failed"; echo "$pass passed, $fail failed"; exit 1; }
smp=${LINUX_SMP:-2}
say "booting $(basename "$kernel") in VTL0 with vtlguard in VTL1 ($smp VPs, TCG; about 40 s)"
start=$(date +%s)
# Progress: hvsim, the boot stage, vtlguard's warnings and the init script.
"$here/tools/hvsim/run" --timeout "$timeout" --smp "$smp" --kernel "$kernel" --initrd "$out/initramfs.gz" \
    --append "iomem=relaxed" --vtl1 "$here/build/vtlguard.elf" >"$log" 2>&1 &
qpid=$!
tail -n +1 -F --pid=$qpid "$log" 2>/dev/null | grep -a --line-buffered -E '^\[hvsim\]|^linux-(stage|init)|^vtl1 (WARN|ERROR)|Kernel panic|Oops' | \
    { if [ -n "$demo" ]; then cat; else sed -u 's/^/  /'; fi; }
wait $qpid; rc=$?
secs=$(( $(date +%s) - start ))
say "QEMU ended with status $rc after ${secs}s"
tr -d '\r' <"$log" >"$log.tmp" && mv "$log.tmp" "$log"  # the console's CRLF

g() { grep -a -m1 -E "$1" "$log"; }
region=$(sed -n 's/.*VTL1 region \(0x[0-9a-f]*\) (\([0-9]*\) bytes).*/\1 \2/p' "$log" | head -1)
set -- $region
rpa=${1:-0}; rsize=${2:-0}
target=$(printf '%#x' $(( rpa + 0x200000 )))

check linux_stage_vtl1_up "$([ -n "$(g '^linux-stage: vtlguard is up in VTL1')" ] && echo 1)" \
    "the LVBS boot stage started vtlguard in VTL1 before Linux"
e820=$(printf 'BIOS-e820: \\[mem 0x%016x-0x%016x\\] reserved' "$rpa" $(( rpa + rsize - 1 )))
check linux_e820_reserved "$([ "$rpa" != 0 ] && [ -n "$(g "$e820")" ] && echo 1)" \
    "Linux's e820 shows the VTL1 region $rpa+$rsize as reserved"
init=$(g '^linux-init: reached init')
check linux_reached_init "$([ -n "$init" ] && echo 1)" "${init:-Linux never ran /init}"
online=$(sed -n 's/^linux-init: online CPUs: //p' "$log" | head -1)
want=$([ "$smp" -gt 1 ] && echo "0-$((smp - 1))" || echo 0)
check linux_smp_online "$([ "$online" = "$want" ] && [ -n "$(g "^linux-init: reached init: .*, $smp CPU\(s\) online")" ] && [ -n "$(g "^\[hvsim\] SMP: $smp CPUs")$([ "$smp" = 1 ] && echo 1)" ] && echo 1)" \
    "Linux reached init with CPUs $online online (want $want; hvsim started $smp CPUs, one VP each)"
# LOC per CPU: at init, 1 s later, after the APIC attack; each must grow
locs=$(sed -n 's/^linux-init: \(after the APIC attack.*\)\{0,1\}.*LOC per CPU: *//p' "$log")
locok=$(echo "$locs" | awk -v n="$smp" 'NR == 1 { for (i = 1; i <= NF; i++) a[i] = $i } END { ok = (NR >= 3 && NF == n); for (i = 1; i <= NF; i++) if ($i <= a[i]) ok = 0; print ok }')
check linux_timer_every_cpu "$([ "$locok" = 1 ] && echo 1)" \
    "local APIC timer interrupts advance on every CPU: $(echo "$locs" | tr '\n' '|')"
nmi=$(g '^linux-init: NMI backtraces from CPUs:')
nmiwant=$(seq 0 $((smp - 1)) | tr '\n' ' ')
check linux_nmi_delivered "$([ "${nmi#linux-init: NMI backtraces from CPUs: }" = "$nmiwant" ] && [ -z "$(g 'Watchdog detected|timed out waiting')" ] && echo 1)" \
    "SysRq-l: every CPU printed its backtrace ('${nmi#linux-init: }', want $nmiwant); the CPU that sent them, and the others from the NMI hvsim injected (a line "skipped: idling" is printed by the NMI handler too)"
t=$(sed -n 's/^linux-init: timer interrupts \([0-9]*\) -> \([0-9]*\)/\1 \2/p' "$log" | head -1)
t3=$(sed -n 's/.*timer interrupts now \([0-9]*\).*/\1/p' "$log" | head -1)
set -- $t
check linux_timer_advances "$([ -n "${2:-}" ] && [ "$2" -gt "$1" ] && [ "${t3:-0}" -gt "$2" ] && echo 1)" \
    "timer interrupts ${1:-?} -> ${2:-?} -> ${t3:-?} (/proc/interrupts, 1 s apart and after the attacks)"
rd=$(g '^linux-init: read of VTL1 memory refused')
vr=$(g "^vtl1 WARN .*class=mem-read .*gpa=$target")
check linux_devmem_read_refused "$([ -n "$rd" ] && [ -n "$vr" ] && echo 1)" \
    "user space read of $target: '${rd#linux-init: }'; vtlguard: '${vr:-no mem-read violation logged}'"
wr=$(g '^linux-init: write of VTL1 memory refused')
vw=$(g "^vtl1 WARN .*class=mem-write .*gpa=$target")
check linux_devmem_write_refused "$([ -n "$wr" ] && [ -n "$vw" ] && echo 1)" \
    "user space write of $target: '${wr#linux-init: }'; vtlguard: '${vw:-no mem-write violation logged}'"
dev=$(g '^linux-init: devices:')
check linux_no_pci_no_fwcfg "$([ -n "$(grep -a -E '^linux-init: devices: 0 PCI devices, port 0xCFC reads ffffffff, fw_cfg data port 0x511 reads ffffffff' "$log")" ] && echo 1)" \
    "PCI config and fw_cfg unreachable from VTL0: '${dev#linux-init: devices: }'"
icr=$(g '^linux-init: LAPIC ICR')
hi=$(g '^\[hvsim\] refused: vp[0-9]+ VTL0 (wrote|touched) GPA 0xfee003[01]0 .*not RAM and not an allowed MMIO window')
after=$(g '^linux-init: after the APIC attack: online CPUs')
check linux_lapic_init_refused "$([ "$icr" = "linux-init: LAPIC ICR write refused" ] && [ -n "$hi" ] && echo "$after" | grep -q "online CPUs $want," && echo 1)" \
    "an INIT aimed at APIC ID 1 through the xAPIC ICR: '${icr#linux-init: }'; hvsim: '${hi:-no refusal logged}'; '${after#linux-init: }'"
io=$(g '^linux-init: IOAPIC INIT route')
hio=$(g '^\[hvsim\] refused: vp[0-9]+ VTL0 IOAPIC redirection entry 8 with INIT delivery')
check linux_ioapic_init_route_refused "$(echo "$io" | grep -qE 'entry (0x[0-9A-F]+) -> \1$' && [ -n "$hio" ] && echo 1)" \
    "an IOAPIC redirection entry with INIT delivery: '${io#linux-init: }'; hvsim: '${hio:-no refusal logged}'"
pw=$(grep -a -c -E '^\[hvsim\] refused: vp[0-9]+ VTL0 out 0xcf[c-f], .*PCI configuration data' "$log")
fd=$(grep -a -c -E '^\[hvsim\] refused: vp[0-9]+ VTL0 out 0x51[89ab], .*fw_cfg \(DMA interface\)' "$log")
pr=$(g '^linux-init: PCI config and fw_cfg DMA writes sent')
check linux_pci_fwcfg_writes_refused "$([ "$pw" -ge 6 ] && [ "$fd" -ge 4 ] && echo "$pr" | grep -q 'reads ffffffff$' && echo 1)" \
    "BAR5 and bus-master writes through 0xCF8/0xCFC ($pw data byte writes refused) and a fw_cfg DMA address ($fd refused) never reach a device; '${pr#linux-init: }'"
if [ "$smp" -gt 1 ]; then
    r1=$(g '^linux-init: read of VTL1 memory refused on CPU 1')
    w1=$(g '^linux-init: write of VTL1 memory refused on CPU 1')
    h1=$(g "^\[hvsim\] refused: vp1 VTL0 read GPA $target .*VTL1's protection")
    check linux_devmem_other_cpu_refused "$([ -n "$r1" ] && [ -n "$w1" ] && [ -n "$h1" ] && echo 1)" \
        "the same /dev/mem read and write from CPU 1 (no VTL1 there): '${r1#linux-init: }', '${w1#linux-init: }'; hvsim: '${h1:-no refusal logged}'"
fi
ecam=$(g '^linux-init: PCIe ECAM')
hr=$(g '^\[hvsim\] refused: vp[0-9]+ VTL0 touched GPA 0xb0000000')
check linux_ecam_refused "$([ "$ecam" = "linux-init: PCIe ECAM read refused" ] && [ -n "$hr" ] && echo 1)" \
    "user space load from PCIe ECAM: '${ecam#linux-init: }'; hvsim: '${hr:-no refusal logged}'"
acpi=$(g '^linux-init: ACPI tables:')
check linux_acpi_tables "$([ -n "$(g 'ACPI: Using ACPI \(MADT\)')" ] && [ -n "$(g 'IOAPIC\[0\]: apic_id')" ] && [ -n "$(g 'clocksource: hpet')" ] && [ -n "$(g 'clocksource: acpi_pm')" ] && [ -z "$(g 'acpi=off|ACPI: Interpreter disabled|Unable to enable ACPI')" ] && echo 1)" \
    "Linux booted with ACPI: MADT, IOAPIC, HPET and PM timer found ('${acpi#linux-init: }')"
fw=$(grep -a -E '^linux-init: firmware write at 0xF0000 refused \(([0-9a-f]{8}) -> \1\)' "$log")
hf=$(g '^\[hvsim\] refused: vp[0-9]+ VTL0 wrote GPA 0xf0000 .*a firmware table, mapped read-only')
check linux_firmware_write_refused "$([ -n "$fw" ] && [ -n "$hf" ] && echo 1)" \
    "a store into the F-segment faults and changes nothing: '${fw#linux-init: }'; hvsim: '${hf:-no refusal logged}'"
ok=$(g '^linux-init: still running after the attacks')
# hvsim's own NMIs (doorbells that stop the other VP) must never reach VTL0.
check linux_no_spurious_nmi "$([ -n "$init" ] && [ -z "$(g 'NMI received for unknown reason')" ] && echo 1)" "$(g 'NMI received for unknown reason' || echo 'no NMI of unknown reason in VTL0')"
check linux_keeps_running "$([ -n "$ok" ] && echo 1)" "${ok:-Linux did not get past the attacks}"
check linux_clean_exit "$([ "$rc" = 0 ] && echo 1)" "the init script stopped the partition through port 0xF4 (status $rc)"
if [ -n "$demo" ]; then
    echo
    echo "=== report: a stock Linux kernel beside vtlguard"
    echo "kernel          $(basename "$kernel") ($(g 'Linux version' | sed 's/.*Linux version \([^ ]*\).*/\1/'))"
    echo "CPUs            $online online; VP i runs on QEMU CPU i, started by hvsim (INIT/SIPI filtered)"
    echo "firmware        ACPI on: MADT, IOAPIC (stores made by hvsim), HPET, PM timer; tables read-only"
    echo "VTL1 region     $rpa, $((rsize >> 20)) MiB, reserved in Linux's e820"
    echo "run time        ${secs}s wall clock, boot to exit, under TCG (shared machine)"
    echo "MSRs refused    $(grep -ac 'unchecked MSR access' "$log") unchecked MSR faults seen by Linux"
    echo "hvsim refusals  $(grep -ac '^\[hvsim\] refused' "$log")"
    echo "full log        $log"
fi
echo "linux: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
