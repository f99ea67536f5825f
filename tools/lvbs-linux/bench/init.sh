#!/bin/busybox sh
# /init of the bench initramfs (tools/lvbs-linux/build, make bench-lvbs-linux).
# The same script runs with vtlguard (/lib/firmware/vsm_sk present: the
# kernel starts it in VTL1) and without (no vsm_sk: request_firmware fails,
# patch 0001 logs it and the kernel runs unprotected).  It prints
#   lvbs-bench: ...
# lines that tests/bench/lvbs-linux-bench reads; the kernel command line
# passes bench_loads (module load+unload rounds) and bench_reps /
# bench_toggles (static-key repetitions and pairs per repetition) to us as
# environment variables.
/bin/busybox mkdir -p /bin /proc /sys /dev /tmp
/bin/busybox --install -s /bin
mount -t proc proc /proc
mount -t sysfs sys /sys
mount -t devtmpfs dev /dev 2>/dev/null
echo "lvbs-bench: reached init uptime=$(cut -d' ' -f1 /proc/uptime)"
B=/lib/lvbs-bench
loads=${bench_loads:-20} reps=${bench_reps:-9} toggles=${bench_toggles:-50}
mod=${bench_module:-mmc_core}  # the real-size module, $B/$mod.ko
# The kernel's own timestamp of the start of /init (PRINTK_TIME).
m=$(dmesg | grep -m1 'Run /init as init process')
echo "lvbs-bench: run-init ${m:-not found in dmesg}"
# Which configuration this is: each run must be what it claims.
m=$(dmesg | grep -m1 -E 'hv_vsm: VTL1 is up|hv_vsm: cannot load firmware vsm_sk')
echo "lvbs-bench: vtl1 ${m:-neither 'VTL1 is up' nor 'cannot load firmware' in dmesg}"
m=$(dmesg | grep -m1 'hv_vsm: end of boot signalled to VTL1')
echo "lvbs-bench: end-of-boot ${m:-none}"
# The kernel's console lines (a module's messages on every load) would cost serial
# output inside the timed calls; both configurations run quiet alike.
dmesg -n 1
dmesg -c >/dev/null

echo "lvbs-bench: module $mod $(stat -c %s $B/$mod.ko) bytes, $loads rounds"
$B/lvbs-modbench $B/$mod.ko "$mod" "$loads" || echo "lvbs-bench: FAIL modbench status $?"

if insmod $B/lvbs_bench.ko reps="$reps" toggles="$toggles" 2>/tmp/err; then
    rmmod lvbs_bench
else
    echo "lvbs-bench: FAIL lvbs_bench: $(cat /tmp/err)"
fi
dmesg | grep -E 'lvbs_bench:' | sed 's/^\[[^]]*\] */lvbs-bench: kernel: /'
dmesg | grep -m3 -E 'Oops|BUG:|Kernel panic|refused|hv_vsm: PATCH_TEXT' | sed 's/^/lvbs-bench: FAIL kernel: /'
echo "lvbs-bench: done"
# Let the UART drain before the exit port ends QEMU (tests/linux/init.sh).
sleep 1
# hvsim's exit port 0xF4 (status 0), through /dev/port
printf '\000' | dd of=/dev/port bs=1 seek=244 count=1 2>/dev/null
echo "lvbs-bench: exit port write did not stop the partition"
exec sh
