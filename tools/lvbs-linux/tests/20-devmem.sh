# /dev/mem reads and writes of VTL1's region (2 MiB in: vtlguard's image).
r=$(sed -n 's/.*hv_vsm: reserved VTL1 region \(0x[0-9a-f]*\).*/\1/p' /tmp/boot.log | head -1)
if [ -z "$r" ]; then
    check devmem_vtl1_read 1 "no VTL1 region in dmesg"
else
    page=$(( r / 4096 + 512 ))
    if dd if=/dev/mem of=/tmp/stolen bs=4096 count=1 skip=$page 2>/tmp/err; then
        check devmem_vtl1_read 1 "read of VTL1 page $page SUCCEEDED"
    else
        check devmem_vtl1_read 0 "read of VTL1 page $page refused: $(tail -1 /tmp/err)"
    fi
fi
