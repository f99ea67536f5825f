# kexec (patch 0006, KEXEC_VALIDATE): VTL1 refuses a kernel that is not
# signed by a key it trusts, and the old kexec_load() (no kernel file to
# check); it validates and measures a signed one, which then unloads.  VTL0's
# own check (KEXEC_SIG) is not forced, so every refusal here is VTL1's.
# Nothing reboots into the loaded kernel.  T = /lib/lvbs-tests (init.sh).
T=/lib/lvbs-tests
ring_mark() { dmesg -c >/dev/null; }
kx() { $T/lvbs-kexec "$@" 2>&1; }
# The newest record VTL1 keeps (vtlguardctl lists them oldest first).
last_violation() { $T/vtlguardctl-static violations 2>&1 | grep '^  #' | tail -1; }
loaded() { cat /sys/kernel/kexec_loaded 2>/dev/null; }

# A refused load: the syscall fails with VTL1's errno, the kernel says VTL1
# refused, VTL1's newest record is a KEXEC_VALIDATE bad call, nothing loaded.
refused() { # case lvbs-kexec-args...
    name=$1; shift
    ring_mark
    out=$(kx "$@"); rc=$?
    k=$(dmesg | grep -m1 'hv_vsm: kexec: VTL1 refused')
    v=$(last_violation)
    ok=0
    [ $rc = 1 ] || ok=1
    [ -n "$k" ] || ok=1
    echo "$v" | grep -q 'bad-call.*rule=KEXEC_VALIDATE:E' || ok=1
    [ "$(loaded)" = 0 ] || ok=1
    check "$name" $ok "$out; kernel: ${k:-no refusal line}; VTL1: ${v:-no record}; kexec_loaded=$(loaded)"
}

refused kexec_unsigned_refused file $T/kexec-unsigned.efi
refused kexec_untrusted_refused file $T/kexec-untrusted.efi
refused kexec_old_syscall_refused old

# The signed image: loads, VTL1 measured it (a kexec entry whose size is the
# file's), and it unloads (VTL1 gives its pages back first).
ring_mark
out=$(kx file $T/kexec-signed.efi); rc=$?
k=$(dmesg | grep -m1 'hv_vsm: kexec: VTL1 validated')
size=$(printf '%#x' "$(wc -c <$T/kexec-signed.efi)")
m=$($T/vtlguardctl-static measurements 2>&1 | grep ' kexec ' | tail -1)
check kexec_file_signed_validates \
    "$([ $rc = 0 ] && [ -n "$k" ] && [ "$(loaded)" = 1 ] &&
       echo "$m" | grep -q "arg1=$size "; echo $?)" \
    "$out; kernel: ${k:-no line}; VTL1 measured: ${m:-nothing} (file $size bytes); kexec_loaded=$(loaded)"
ring_mark
out=$(kx unload); rc=$?
k=$(dmesg | grep -m1 'hv_vsm: kexec: VTL1 released')
check kexec_file_unload "$([ $rc = 0 ] && [ -n "$k" ] && [ "$(loaded)" = 0 ]; echo $?)" \
    "$out; kernel: ${k:-no release line}; kexec_loaded=$(loaded)"
