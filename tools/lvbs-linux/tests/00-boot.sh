# Boot: the kernel started vtlguard in VTL1 itself (V4 boot, patch 0001)
# and made the end-of-boot calls (patch 0002).
m=$(grep -m1 'hv_vsm: VTL1 is up' /tmp/boot.log)
check vtl1_booted_by_linux "$([ -n "$m" ]; echo $?)" "${m:-no 'hv_vsm: VTL1 is up' in dmesg}"
m=$(grep -m1 'hv_vsm: PROTECT_MEMORY:.*: 0$' /tmp/boot.log)
check protect_memory_at_boot "$([ -n "$m" ]; echo $?)" "${m:-PROTECT_MEMORY not accepted (dmesg: $(grep -m1 'PROTECT_MEMORY'))}"
m=$(grep -m1 'hv_vsm: LOAD_KDATA:.*: 0$' /tmp/boot.log)
check load_kdata_at_boot "$([ -n "$m" ]; echo $?)" "${m:-LOAD_KDATA not accepted (dmesg: $(grep -m1 'LOAD_KDATA'))}"
m=$(grep -m1 'hv_vsm: end of boot signalled to VTL1: 0' /tmp/boot.log)
check end_of_boot "$([ -n "$m" ]; echo $?)" "${m:-SIGNAL_END_OF_BOOT not accepted}"
