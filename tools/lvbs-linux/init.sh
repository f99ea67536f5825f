#!/bin/busybox sh
# /init of the LVBS in-guest suite (tools/lvbs-linux/mkinitramfs).  Runs as
# PID 1 in our LVBS-enabled Linux in VTL0, with vtlguard in VTL1 (started by
# the kernel itself from /lib/firmware/vsm_sk).  Each case prints one line
#   lvbs-test: PASS|FAIL <case>: <detail>
# tools/lvbs-linux/run counts them and cross-checks vtlguard's own lines.
/bin/busybox mkdir -p /bin /proc /sys /dev /tmp
/bin/busybox --install -s /bin
mount -t proc proc /proc
mount -t sysfs sys /sys
mount -t devtmpfs dev /dev 2>/dev/null
mount -t securityfs securityfs /sys/kernel/security 2>/dev/null
echo "lvbs-test: reached init: $(uname -r), $(grep -c ^processor /proc/cpuinfo) CPU(s) online"

ok() { echo "lvbs-test: PASS $1: $2"; }
bad() { echo "lvbs-test: FAIL $1: $2"; }
check() { # case cond-exit-status detail
    if [ "$2" = 0 ]; then ok "$1" "$3"; else bad "$1" "$3"; fi
}

dmesg >/tmp/boot.log  # the cases clear the ring (dmesg -c)
for t in /lib/lvbs-tests/[0-9]*.sh; do
    [ -r "$t" ] && . "$t"
done

echo "lvbs-test: still running after the attacks"
echo "lvbs-test: done"
# hvsim's exit port 0xF4 (status 0), through /dev/port
printf '\000' | dd of=/dev/port bs=1 seek=244 count=1 2>/dev/null
echo "lvbs-test: exit port write did not stop the partition"
exec sh
