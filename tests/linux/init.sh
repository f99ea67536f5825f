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
echo "linux-init: online CPUs: $(cat /sys/devices/system/cpu/online)"
ncpu=$(grep -c ^processor /proc/cpuinfo)
# one count per CPU: the local APIC timer of each
loc() { awk '/LOC:/ { s = ""; for (i = 2; i <= NF && $i ~ /^[0-9]+$/; i++) s = s " " $i; print s }' /proc/interrupts; }
echo "linux-init: LOC per CPU:$(loc)"

irqs() { awk '/timer|LOC:/ { for (i = 2; i <= NF && $i ~ /^[0-9]+$/; i++) s += $i } END { print s + 0 }' /proc/interrupts; }
t1=$(irqs); sleep 1; t2=$(irqs)
echo "linux-init: timer interrupts $t1 -> $t2"
echo "linux-init: LOC per CPU:$(loc)"
grep -E "timer|LOC:" /proc/interrupts | sed 's/^/linux-init:   /'

# NMIs: SysRq-l makes the kernel send an NMI IPI to every other CPU, which
# prints its backtrace from the NMI handler; hvsim posts each NMI and injects
# it into VTL0 (never dropped).
echo l > /proc/sysrq-trigger 2>/dev/null
sleep 1
echo "linux-init: NMI backtraces from CPUs: $(dmesg | sed -n 's/.*NMI backtrace for cpu \([0-9]*\).*/\1/p' | sort -u | tr '\n' ' ')"

# Devices VTL0 must not reach (hvsim traps the ports): PCI configuration
# (no BAR or bus-master write possible) and QEMU's fw_cfg (with its DMA).
npci=$(ls /sys/bus/pci/devices 2>/dev/null | wc -l)
pci=$(dd if=/dev/port bs=1 skip=$((0xCFC)) count=4 2>/dev/null | od -An -tx1 | tr -d ' \n')
fwc=$(dd if=/dev/port bs=1 skip=$((0x511)) count=4 2>/dev/null | od -An -tx1 | tr -d ' \n')
echo "linux-init: devices: $npci PCI devices, port 0xCFC reads $pci, fw_cfg data port 0x511 reads $fwc"
# Writes VTL0 must not get to a device: a BAR (AHCI 00:1f.2 BAR5, config
# offset 0x24) and the command register's bus-master bit through the PCI
# config ports, and a DMA descriptor address into fw_cfg's DMA register
# (0x514-0x51B; /dev/port does byte I/O).  hvsim traps the ports and logs.
outp() { printf "$2" | dd of=/dev/port bs=1 seek=$(($1)) count=$3 2>/dev/null; }
outp 0xCF8 '\044\372\000\200' 4; outp 0xCFC '\000\000\340\067' 4   # BAR5 := 0x37e00000
outp 0xCF8 '\004\372\000\200' 4; outp 0xCFC '\007\000' 2                # command: IO|MEM|BUSMASTER
outp 0x518 '\000\000\340\067' 4                                              # fw_cfg DMA address (low)
echo "linux-init: PCI config and fw_cfg DMA writes sent; 0xCFC now reads $(dd if=/dev/port bs=1 skip=$((0xCFC)) count=4 2>/dev/null | od -An -tx1 | tr -d ' \n')"
# The local APIC's MMIO page is not VTL0's (its APIC is an x2APIC whose ICR
# hvsim filters): an INIT aimed at CPU 1 through the xAPIC ICR must fault.
if devmem 0xFEE00310 32 0x01000000 2>/dev/null && devmem 0xFEE00300 32 0x00004500 2>/dev/null; then
    echo "linux-init: LAPIC ICR WRITE SUCCEEDED (INIT sent to APIC ID 1)"
else
    echo "linux-init: LAPIC ICR write refused"
fi
# The I/O APIC: program pin 8's redirection entry (IOREGSEL 0x20) with
# INIT delivery, which would reset whatever CPU it names; hvsim emulates the
# store and refuses it, so the entry reads back unchanged.
rte0=$(devmem 0xFEC00000 32 0x20 2>&1; devmem 0xFEC00010 32 2>&1)
devmem 0xFEC00000 32 0x20 2>/dev/null; devmem 0xFEC00010 32 0x00010500 2>/dev/null
rte1=$(devmem 0xFEC00000 32 0x20 2>&1; devmem 0xFEC00010 32 2>&1)
echo "linux-init: IOAPIC INIT route: pin 8 entry $rte0 -> $rte1"
sleep 1
echo "linux-init: after the APIC attack: online CPUs $(cat /sys/devices/system/cpu/online), LOC per CPU:$(loc)"
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
    # on CPU 0, where vtlguard runs in VTL1 (it judges and records), then
    # from the other CPUs (no VTL1 there with a stock kernel: hvsim refuses)
    for cpu in $(seq 0 $((ncpu - 1))); do
        sfx=""; [ "$cpu" = 0 ] || sfx=" on CPU $cpu"
        if taskset -c "$cpu" dd if=/dev/mem of=/tmp/stolen bs=4096 count=1 skip=$page 2>/tmp/err; then
            echo "linux-init: READ OF VTL1 MEMORY SUCCEEDED$sfx ($(wc -c </tmp/stolen) bytes)"
        else
            echo "linux-init: read of VTL1 memory refused$sfx: $(tail -1 /tmp/err)"
        fi
        if taskset -c "$cpu" dd if=/dev/zero of=/dev/mem bs=4096 count=1 seek=$page conv=notrunc 2>/tmp/err; then
            echo "linux-init: WRITE OF VTL1 MEMORY SUCCEEDED$sfx"
        else
            echo "linux-init: write of VTL1 memory refused$sfx: $(tail -1 /tmp/err)"
        fi
    done
fi
t3=$(irqs)
echo "linux-init: still running after the attacks; timer interrupts now $t3"
# The console line above leaves through the UART driver's interrupt-driven
# buffer; let it drain before the exit port ends QEMU, or the line is lost.
sleep 1
# hvsim's exit port 0xF4 (status 0), reached through /dev/port
printf '\000' | dd of=/dev/port bs=1 seek=244 count=1 2>/dev/null
echo "linux-init: exit port write did not stop the partition"
exec sh
