#!/bin/busybox sh
# /init of the suite's initramfs (tests/linux/mkinitramfs): runs as PID 1 in
# the stock Debian kernel in VTL0.  Every line it prints starts with
# "linux-init:" so tests/linux/run-suite.sh can check them.
/bin/busybox mkdir -p /bin /proc /sys /dev
/bin/busybox --install -s /bin
mount -t proc proc /proc
mount -t sysfs sys /sys
mount -t devtmpfs dev /dev 2>/dev/null || mknod /dev/mem c 1 1
echo "linux-init: reached init: $(uname -r), $(grep -c ^processor /proc/cpuinfo) CPU(s) online"

irqs() { awk '/timer|LOC:/ { for (i = 2; i <= NF && $i ~ /^[0-9]+$/; i++) s += $i } END { print s + 0 }' /proc/interrupts; }
t1=$(irqs); sleep 1; t2=$(irqs)
echo "linux-init: timer interrupts $t1 -> $t2"
grep -E "timer|LOC:" /proc/interrupts | sed 's/^/linux-init:   /'

# Devices VTL0 must not reach (hvsim traps the ports): PCI configuration
# (no BAR or bus-master write possible) and QEMU's fw_cfg (with its DMA).
npci=$(ls /sys/bus/pci/devices 2>/dev/null | wc -l)
pci=$(dd if=/dev/port bs=1 skip=$((0xCFC)) count=4 2>/dev/null | od -An -tx1 | tr -d ' \n')
fwc=$(dd if=/dev/port bs=1 skip=$((0x511)) count=4 2>/dev/null | od -An -tx1 | tr -d ' \n')
echo "linux-init: devices: $npci PCI devices, port 0xCFC reads $pci, fw_cfg data port 0x511 reads $fwc"
# PCIe ECAM (q35: 0xB0000000) is not one of hvsim's MMIO windows: through it
# VTL0 could rewrite BARs and bus-master bits.  The load must fault.
if devmem 0xB0000000 32 >/tmp/ecam 2>&1; then
    echo "linux-init: PCIe ECAM READ SUCCEEDED: $(cat /tmp/ecam)"
else
    echo "linux-init: PCIe ECAM read refused"
fi

# Firmware tables (hvsim maps the F-segment and the ACPI area read-only so
# the kernel finds its MADT, IOAPIC, HPET and PM timer): readable, and a
# store into them faults and leaves the bytes as they were.  /dev/mem's
# read/write reach only below the end of RAM, so the F-segment stands for
# both (the ACPI area above RAM: tests/hvsim/test_linux_unit.c).
echo "linux-init: ACPI tables: $(ls /sys/firmware/acpi/tables 2>/dev/null | tr '\n' ' ')"
rd4() { dd if=/dev/mem bs=1 skip=$(($1)) count=4 2>/dev/null | od -An -tx1 | tr -d ' \n'; }
for a in 0xF0000; do
    before=$(rd4 "$a")
    if printf 'ZZZZ' | dd of=/dev/mem bs=1 seek=$(($a)) count=4 conv=notrunc 2>/dev/null; then
        r="SUCCEEDED"
    else
        r="refused"
    fi
    echo "linux-init: firmware write at $a $r ($before -> $(rd4 "$a"))"
done

region=$(sed -n 's/.*vtl1_region=\(0x[0-9a-f]*\),\([0-9]*\).*/\1 \2/p' /proc/cmdline)
set -- $region
if [ -z "${1:-}" ]; then
    echo "linux-init: no vtl1_region= on the command line (booted without --vtl1?)"
else
    page=$(( $1 / 4096 + 512 ))   # vtlguard's image, 2 MiB into the region
    echo "linux-init: VTL1 region $1 ($2 bytes); attacking page $page through /dev/mem"
    if dd if=/dev/mem of=/tmp/stolen bs=4096 count=1 skip=$page 2>/tmp/err; then
        echo "linux-init: READ OF VTL1 MEMORY SUCCEEDED ($(wc -c </tmp/stolen) bytes)"
    else
        echo "linux-init: read of VTL1 memory refused: $(tail -1 /tmp/err)"
    fi
    if dd if=/dev/zero of=/dev/mem bs=4096 count=1 seek=$page conv=notrunc 2>/tmp/err; then
        echo "linux-init: WRITE OF VTL1 MEMORY SUCCEEDED"
    else
        echo "linux-init: write of VTL1 memory refused: $(tail -1 /tmp/err)"
    fi
fi
t3=$(irqs)
echo "linux-init: still running after the attacks; timer interrupts now $t3"
# hvsim's exit port 0xF4 (status 0), reached through /dev/port
printf '\000' | dd of=/dev/port bs=1 seek=244 count=1 2>/dev/null
echo "linux-init: exit port write did not stop the partition"
exec sh
