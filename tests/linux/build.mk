# tests/linux: a stock Debian Linux kernel in VTL0 under hvsim, next to
# vtlguard in VTL1 (issue 16), on 2 VPs (LINUX_SMP=N for another count).
#   make suite-linux   boot, attack the VTL1 region through /dev/mem, check
#   make run-linux     the same as a readable report for a researcher
# The kernel and busybox-static come from Debian's archive (apt-get download
# + dpkg-deb -x into ~/.cache/vtlguard-debian, tests/linux/fetch-debian);
# the initramfs is built at test time (tests/linux/mkinitramfs).
LINUX_STAGE_ELF := $(BUILD)/linux/linux-stage.elf
LINUX_STAGE_OBJS := $(BUILD)/guest/tests/linux/stage.o $(BUILD)/guest/tests/linux/stage_jump.o \
	$(BUILD)/guest/tests/guestlib/lvbs_boot.o $(BUILD)/guest/tests/vtl0/lvbs_loader.o

$(LINUX_STAGE_ELF): $(LINUX_STAGE_OBJS) $(GUESTLIB_OBJS) tests/guestlib/guest.ld
	$(call msg,LD,$@)
	$(Q)mkdir -p $(dir $@)
	$(Q)$(GUEST_LINK) -o $@ $(LINUX_STAGE_OBJS) $(GUESTLIB_OBJS)

ALL_TARGETS += $(LINUX_STAGE_ELF)
TEST_SUITES += linux
LINUX_DEPS := $(LINUX_STAGE_ELF) $(BUILD)/vtlguard.elf $(BUILD)/hvsim.elf
.PHONY: suite-linux run-linux
suite-linux: $(LINUX_DEPS)
	$(Q)tests/linux/run-suite.sh
run-linux: $(LINUX_DEPS)
	$(Q)tests/linux/run-suite.sh --demo
