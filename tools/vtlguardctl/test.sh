#!/usr/bin/env bash
# suite-vtlguardctl: vtlguardctl on crafted GET_VIOLATIONS/GET_MEASUREMENTS
# answers (good ones, and malformed ones it must refuse with exit 1).
#   tools/vtlguardctl/test.sh build/host/vtlguardctl
set -u
ctl=$1
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
pass=0 fail=0
check() { if [ "$2" = 1 ]; then pass=$((pass + 1)); echo "PASS $1"; else fail=$((fail + 1)); echo "FAIL $1: $3"; fi; }
gen() { # DIR NRECORDS_CLAIMED NRECORDS_PRESENT MAGIC
python3 - "$@" <<'PY'
import struct, sys, os
d, claim, have, magic = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4].encode()
os.makedirs(d, exist_ok=True)
counts = [0, 2, 1, 1, 1, 0, 0]
h = magic + struct.pack('<III I Q', 1, 112, 7, claim, sum(counts)) + struct.pack('<7Q', *counts) + bytes(8)
recs = b''
for i, (cls, addr, rule) in enumerate([(1, 0x1000000, b'kernel-text'), (3, 0, b'CR0'), (4, 0xc0000082, b'LSTAR')][:have]):
    recs += struct.pack('<QQIIQQQQQ', i + 1, 12345, cls, 0, 0xffffffff81000000, addr, 1, 2, 3) + b'\x01' + bytes(7) + rule.ljust(40, b'\0')
open(d + '/violations', 'wb').write(h + recs)
m = b'VTLGMLOG' + struct.pack('<IIIIQ', 1, 56, 2, 0, 2 * 56 + 64) + bytes(range(32))
for t in (2, 7):
    m += struct.pack('<IIQQ', t, 0, 5, 0) + bytes([t]) * 32
open(d + '/measurements', 'wb').write(m)
PY
}
gen "$tmp/good" 3 3 VTLGVIOL
out=$("$ctl" --dir "$tmp/good"); rc=$?
check vtlguardctl_text "$([ $rc = 0 ] && echo "$out" | grep -q 'mem-write *2' && echo "$out" | grep -q 'rule=LSTAR' && echo "$out" | grep -q 'end-of-boot' && echo 1)" "rc=$rc: $out"
out=$("$ctl" --json --dir "$tmp/good"); rc=$?
check vtlguardctl_json "$([ $rc = 0 ] && echo "$out" | python3 -c 'import json,sys; j=json.load(sys.stdin); assert j["violations"]["counts"]["msr"]==1 and len(j["violations"]["records"])==3 and j["measurements"]["entries"][1]["name"]=="end-of-boot"' && echo 1)" "rc=$rc: $out"
gen "$tmp/short" 9 3 VTLGVIOL
"$ctl" --dir "$tmp/short" violations >/dev/null 2>"$tmp/err"; rc=$?
check vtlguardctl_refuses_overlong_count "$([ $rc = 1 ] && grep -q '9 records announced' "$tmp/err" && echo 1)" "rc=$rc $(cat "$tmp/err")"
gen "$tmp/magic" 3 3 XXXXXXXX
"$ctl" --dir "$tmp/magic" violations >/dev/null 2>"$tmp/err"; rc=$?
check vtlguardctl_refuses_bad_magic "$([ $rc = 1 ] && echo 1)" "rc=$rc"
# The counts are VTL1's counters, not a tally of the records: 70 violations,
# only the 64 most recent kept (all mem-write), cr=2 with no cr record left.
python3 - "$tmp/ring" <<'PY'
import struct, sys, os
d = sys.argv[1]; os.makedirs(d, exist_ok=True)
counts = [0, 60, 0, 2, 3, 0, 5]
h = b'VTLGVIOL' + struct.pack('<IIIIQ', 1, 112, 7, 64, sum(counts)) + struct.pack('<7Q', *counts) + bytes(8)
recs = b''.join(struct.pack('<QQIIQQQQQ', 6 + i, 1, 1, 0, 0xffffffff81000000, 0x1000000 + 4096 * i, 0, 1, 0)
                + b'\x01' + bytes(7) + b'protected-write'.ljust(40, b'\0') for i in range(64))
open(d + '/violations', 'wb').write(h + recs)
PY
out=$("$ctl" --dir "$tmp/ring" violations); rc=$?
check vtlguardctl_counts_are_vtl1_counters "$([ $rc = 0 ] && echo "$out" | grep -q '70 in total' && echo "$out" | grep -qE '^  cr +2$' && echo "$out" | grep -qE '^  mem-write +60$' && echo "$out" | grep -qE '^  bad-call +5$' && echo "$out" | grep -q 'most recent 64 record' && echo 1)" "rc=$rc: $(echo "$out" | head -9 | tr '\n' '|')"
"$ctl" --help | grep -q "VTL1's own counters"
check vtlguardctl_help_says_what_counts "$([ $? = 0 ] && echo 1)" "--help does not explain the counts"
"$ctl" --dir "$tmp/none" >/dev/null 2>&1; rc=$?
check vtlguardctl_missing_files "$([ $rc = 1 ] && echo 1)" "rc=$rc"
"$ctl" --bogus >/dev/null 2>&1; rc=$?
check vtlguardctl_usage "$([ $rc = 2 ] && "$ctl" --help | grep -q usage && "$ctl" --version | grep -q vtlguardctl && echo 1)" "rc=$rc"
echo "vtlguardctl: $pass passed, $fail failed"
[ "$fail" = 0 ]
