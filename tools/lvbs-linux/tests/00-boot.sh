# Boot: the kernel started vtlguard in VTL1 itself (V4 boot, patch 0001).
m=$(dmesg | grep -m1 'hv_vsm: VTL1 is up')
check vtl1_booted_by_linux "$([ -n "$m" ]; echo $?)" "${m:-no 'hv_vsm: VTL1 is up' in dmesg}"
r=$(grep -m1 'hv_vsm' /proc/iomem 2>/dev/null)
