# vtlguardctl shows what VTL1 recorded: the classes the attacks above provoke
# (mem-write: text/rodata/modtext/protect; mem-exec: execdata/execkdata;
# cr: CR0/CR4; msr: LSTAR).
T=/lib/lvbs-tests
out=$($T/vtlguardctl-static 2>&1); rc=$?
echo "$out" | sed 's/^/lvbs-ctl: /'
cnt() { echo "$out" | awk -v c="$1" '$1 == c { print $2; exit }'; }
ok=0
for c in mem-write mem-exec cr msr; do [ "$(cnt $c)" -gt 0 ] 2>/dev/null || ok=1; done
check vtlguardctl_shows_violations "$([ $rc = 0 ] && [ $ok = 0 ]; echo $?)" \
    "rc=$rc mem-write=$(cnt mem-write) mem-exec=$(cnt mem-exec) cr=$(cnt cr) msr=$(cnt msr) mem-read=$(cnt mem-read) bad-call=$(cnt bad-call)"
j=$($T/vtlguardctl-static --json 2>&1); rc=$?
check vtlguardctl_json "$([ $rc = 0 ] && echo "$j" | grep -q '"measurements":{"count":'; echo $?)" "rc=$rc $(echo "$j" | head -c 200)"
