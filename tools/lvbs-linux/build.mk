# tools/lvbs-linux: an LVBS-enabled Linux for VTL0 (issue 17), built from
# Debian's linux-source-6.12 plus our patch series, booted under hvsim
# without --vtl1 (the kernel starts vtlguard from its initramfs).
#   make linux             build/linux/bzImage, test modules, initramfs
#   make run-linux-lvbs    boot it and run the in-guest suite (LVBS_VPS=N)
# Not in TEST_SUITES: see docs/linux.md for the measured times.
.PHONY: linux run-linux-lvbs
linux: $(BUILD)/vtlguard.elf
	$(Q)tools/lvbs-linux/build
run-linux-lvbs: $(BUILD)/vtlguard.elf $(BUILD)/hvsim.elf
	$(Q)tools/lvbs-linux/run
