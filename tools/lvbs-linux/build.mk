# tools/lvbs-linux: an LVBS-enabled Linux for VTL0 (issue 17), built from
# Debian's linux-source-6.12 plus our patch series, booted under hvsim
# without --vtl1 (the kernel starts vtlguard from its initramfs).
#   make linux             build/linux/bzImage, test modules, initramfs
#   make run-linux-lvbs    boot it and run the in-guest suite (LVBS_VPS=N)
#   make suite-lvbs-linux  both, as a suite of make test (CI): a cold build
#                          takes 4-15 minutes, see docs/linux.md
.PHONY: linux run-linux-lvbs suite-lvbs-linux
linux: $(BUILD)/vtlguard.elf
	$(Q)tools/lvbs-linux/build
run-linux-lvbs: $(BUILD)/vtlguard.elf $(BUILD)/hvsim.elf
	$(Q)tools/lvbs-linux/run
# A failed build must not let the run test a kernel left from an earlier
# build, so the suite stops there with one failed check naming the cause.
TEST_SUITES += lvbs-linux
suite-lvbs-linux: $(BUILD)/vtlguard.elf $(BUILD)/hvsim.elf
	$(Q)if tools/lvbs-linux/build; then tools/lvbs-linux/run; else \
	  echo "FAIL lvbs_kernel_built: tools/lvbs-linux/build failed (its output is above)"; \
	  echo "lvbs-linux: 0 passed, 1 failed"; exit 1; fi
