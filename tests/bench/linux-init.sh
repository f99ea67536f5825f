#!/bin/busybox sh
# /init of `make bench-linux`'s initramfs (tests/bench/linux-bench): runs as
# PID 1 in Debian's stock kernel, in VTL0 under hvsim (with or without
# vtlguard) or directly under QEMU TCG.  It prints a marker line before and
# after each timed loop; the host timestamps the lines as they arrive, so
# every configuration is timed by the same clock.  Linux's own uptime is
# printed too, as a cross-check.
/bin/busybox mkdir -p /bin /proc /sys /dev
/bin/busybox --install -s /bin
mount -t proc proc /proc
mount -t devtmpfs dev /dev 2>/dev/null
up() { cut -d' ' -f1 /proc/uptime; }
words=$(cat /proc/cmdline)
n_sys=200000 n_fork=200
for w in $words; do
    case $w in
    bench_syscalls=*) n_sys=${w#bench_syscalls=} ;;
    bench_forks=*) n_fork=${w#bench_forks=} ;;
    esac
done
echo "bench-init: reached init uptime=$(up)"
# Syscall-heavy: dd with 1-byte blocks is one read and one write per byte.
echo "bench-init: syscalls start n=$((2 * n_sys)) uptime=$(up)"
dd if=/dev/zero of=/dev/null bs=1 count=$n_sys 2>/dev/null
echo "bench-init: syscalls end uptime=$(up)"
# Fork/exec-heavy: each /bin/true is a fork and an exec of busybox.
echo "bench-init: forks start n=$n_fork uptime=$(up)"
i=0
while [ $i -lt $n_fork ]; do
    /bin/true
    i=$((i + 1))
done
echo "bench-init: forks end uptime=$(up)"
echo "bench-init: done"
# isa-debug-exit at port 0xF4 (hvsim's exit port; the direct-TCG run adds
# the same device): status 0 stops the machine.
printf '\000' | dd of=/dev/port bs=1 seek=244 count=1 2>/dev/null
echo "bench-init: exit port write did not stop the machine"
exec sh
