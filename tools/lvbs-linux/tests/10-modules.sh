# Modules: a signed module loads, runs (toggling its own static key through
# PATCH_TEXT) and unloads; unsigned, untrusted-key and tampered ones are
# refused.  T = /lib/lvbs-tests (init.sh).
T=/lib/lvbs-tests
ring_mark() { dmesg -c >/dev/null; }
ring_mark
if insmod $T/lvbs_hello.ko 2>/tmp/err; then
    m=$(dmesg | grep -m1 'lvbs_hello: loaded')
    check module_signed_loads "$(echo "$m" | grep -q 'toggles work'; echo $?)" "${m:-no line from lvbs_hello}"
    check static_key_patch_text "$(echo "$m" | grep -q 'toggles work'; echo $?)" "${m:-no line}"
    rmmod lvbs_hello 2>/tmp/err
    m=$(dmesg | grep -m1 'lvbs_hello: unloaded')
    check module_signed_unloads "$([ -n "$m" ]; echo $?)" "${m:-rmmod: $(cat /tmp/err)}"
else
    check module_signed_loads 1 "insmod failed: $(cat /tmp/err); $(dmesg | grep -m2 -E 'hv_vsm|vtl1' | tr '\n' ' ')"
fi
for v in unsigned untrusted; do
    ring_mark
    if insmod $T/lvbs_$v.ko 2>/tmp/err; then
        rmmod lvbs_hello 2>/dev/null
        check module_${v}_refused 1 "the $v module LOADED"
    else
        m=$(dmesg | grep -m1 -E 'VTL1 refused the module|Loading of module with unavailable key|verification failed|Key was rejected' )
        check module_${v}_refused 0 "insmod: $(cat /tmp/err | tail -1); kernel: ${m:-nothing logged}"
    fi
done
# A flipped .text byte under a SHA-256 signature: VTL0's own check refuses it
# (a bad signature is fatal even when not enforced), so VTL1 is never asked.
ring_mark
if insmod $T/lvbs_tampered.ko 2>/tmp/err; then
    rmmod lvbs_hello 2>/dev/null
    check module_tampered_refused_by_vtl0 1 "the tampered module LOADED"
else
    m=$(dmesg | grep -m1 'VTL1 refused the module')
    check module_tampered_refused_by_vtl0 "$([ -z "$m" ]; echo $?)" \
        "insmod: $(tail -1 /tmp/err); ${m:-VTL1 was not asked}"
fi
# VTL0 fooled: signed with SHA-512, which this kernel cannot compute, so its
# own check answers -ENOPKG (not fatal) and VALIDATE_MODULE decides.  The
# untampered module must load (VTL1 checked SHA-512); the tampered one must be
# refused by VTL1 and recorded (a bad-call VALIDATE_MODULE:EKEYREJECTED).
viol() { $T/vtlguardctl-static violations 2>/dev/null; }
badcalls() { viol | awk '$1 == "bad-call" { print $2; exit }'; }
ring_mark
if insmod $T/lvbs_sha512.ko 2>/tmp/err; then
    m=$(dmesg | grep -m1 'lvbs_hello: loaded')
    rmmod lvbs_hello 2>/dev/null
    check module_sha512_validated_by_vtl1 "$(echo "$m" | grep -q 'toggles work'; echo $?)" "${m:-no line from lvbs_hello}"
else
    check module_sha512_validated_by_vtl1 1 "insmod: $(tail -1 /tmp/err); $(dmesg | grep -m1 'VTL1 refused')"
fi
before=$(badcalls)
ring_mark
if insmod $T/lvbs_tampered_vtl1.ko 2>/tmp/err; then
    m=$(dmesg | grep -m1 'lvbs_hello: loaded')
    rmmod lvbs_hello 2>/dev/null
    check module_tampered_refused_by_vtl1 1 "the tampered module LOADED: ${m:-no line}"
else
    m=$(dmesg | grep -m1 'VTL1 refused the module')
    rec=$(viol | grep 'rule=VALIDATE_MODULE:' | tail -1)
    after=$(badcalls)
    check module_tampered_refused_by_vtl1 \
        "$([ -n "$m" ] && echo "$rec" | grep -q 'rule=VALIDATE_MODULE:EKEYREJECTED' &&
           [ "${after:-0}" -gt "${before:-0}" ]; echo $?)" \
        "insmod: $(tail -1 /tmp/err); ${m:-VTL1 was not asked}; bad-call $before -> $after; last: ${rec# *}"
fi
# Attacks from a validated (signed) module; each load fails on purpose.
# execdata runs its own rodata (made R by VALIDATE_MODULE), execkdata a byte
# of the kernel's .data (sent R|W at end of boot).  execheap (a page_alloc
# page) is left out: other RAM is not sent by default (docs/linux.md), so it
# stays executable under hvsim and that attack succeeds.
# Each must be refused in VTL0's view AND recorded by VTL1: the counter of
# the violation class it provokes grows (a fault raised by the CPU or hvsim
# alone, e.g. a CR4 bit the CPU does not have, would not count).
vcount() { viol | awk -v c="$1" '$1 == c { print $2; exit }'; }
for a in text rodata modtext cr0_wp cr4_smep lstar protect execdata execkdata; do
    case $a in
    text|rodata|modtext) cls=mem-write ;; cr0_wp|cr4_smep) cls=cr ;; lstar) cls=msr ;;
    protect) cls=bad-call ;; execdata|execkdata) cls=mem-exec ;;
    esac
    ring_mark
    c0=$(vcount $cls)
    insmod $T/lvbs_rogue.ko attack=$a 2>/dev/null
    c1=$(vcount $cls)
    m=$(dmesg | grep -m1 "lvbs_rogue: $a: ")
    check rogue_$a "$(echo "$m" | grep -q ": $a: refused" && [ "${c1:-0}" -gt "${c0:-0}" ]; echo $?)" \
        "${m:-no result line from lvbs_rogue ($(dmesg | tail -3 | tr '\n' ' '))}; VTL1 $cls count ${c0:-?} -> ${c1:-?}"
done
ring_mark
insmod $T/lvbs_rogue.ko attack=protect 2>/dev/null
m=$(dmesg | grep -m1 "lvbs_rogue: protect-then-write: ")
check protect_memory_after_boot_write "$(echo "$m" | grep -q 'refused'; echo $?)" "${m:-no line}"
