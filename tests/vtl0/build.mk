# tests/vtl0: the VTL0 test kernel (LVBS loader, workload, attack suite) and
# its suites.  Needs tests/guestlib (runtime) and tools/hvsim (the model).
#   make suite-vtl0        run the suite (PASS/FAIL lines, "N passed, N failed")
#   make suite-vtl0-trust  the suite must FAIL when one protection is left out
#   make suite-vtl0-late   a VP unpinned at end of boot is pinned at its next call
#   make suite-vtl0-late-aps  APs whose first VTL call comes after end of boot
#   make suite-vtl0-audit  a representative set under tests/vtl0/audit-policy.dts:
#                          each attack goes through and is recorded action=audit-allow
#   make demo-vtl0         readable report: boot steps, protections, attacks, VTL1 log
# Options: VTL0_SMP (default 2), VTL0_TIMEOUT (s), VTL0_CMDLINE (guest words).
VTL0_ELF    := $(BUILD)/vtl0/vtl0-kernel.elf
VTL0_SRCS   := tests/vtl0/main.c tests/vtl0/boot.c tests/vtl0/vsm.c tests/vtl0/cpu.c \
	tests/vtl0/smp.c tests/vtl0/ring.c tests/vtl0/ring_walk.c tests/vtl0/cases.c tests/vtl0/workload.c \
	tests/vtl0/lvbs_loader.c tests/vtl0/attacks_mem.c tests/vtl0/attacks_vtl1.c \
	tests/vtl0/attacks_regs.c tests/vtl0/attacks_smp.c tests/vtl0/attacks_calls.c \
	tests/vtl0/attacks_modules.c tests/vtl0/attacks_hvsim.c tests/vtl0/attacks_pins.c tests/vtl0/attacks_patch.c \
	tests/vtl0/attacks_boot.c tests/vtl0/modules.c tests/vtl0/modload.c \
	tests/vtl0/positive.c tests/vtl0/bench.c tests/vtl0/describe.c core/errno.c
VTL0_OBJS   := $(patsubst %.c,$(BUILD)/guest/%.o,$(VTL0_SRCS)) $(BUILD)/guest/tests/vtl0/asm.o \
	$(BUILD)/guest/tests/vtl0/fpu_probe.o \
	$(BUILD)/guest/tests/vtl0/modblobs.o $(BUILD)/guest/tests/hvsim/probes.o
VTL0_POLICY_DTB := $(BUILD)/vtl0/suite-policy.dtb
VTL0_SMP     ?= 2
VTL0_TIMEOUT ?= 300
VTL0_CMDLINE ?=

$(VTL0_POLICY_DTB): tests/vtl0/suite-policy.dts
	$(call msg,DTC,$@)
	$(Q)mkdir -p $(dir $@)
	$(Q)dtc -q -I dts -O dtb -o $@ $<

$(BUILD)/guest/tests/vtl0/asm.o: $(VTL0_POLICY_DTB)
$(BUILD)/guest/tests/vtl0/asm.o: GUEST_ASFLAGS += -DVTL0_POLICY_DTB='"$(VTL0_POLICY_DTB)"'

# Keys, signed test modules and a signed kexec image, made at build time
# (tests/vtl0/mkmod.sh) and embedded by modblobs.S.
VTL0_MODDIR := $(BUILD)/vtl0/mod
$(VTL0_MODDIR)/stamp: tests/vtl0/mkmod.sh tests/vtl0/testmod.c
	$(call msg,GEN,$(VTL0_MODDIR))
	$(Q)tests/vtl0/mkmod.sh $(VTL0_MODDIR)
$(BUILD)/guest/tests/vtl0/modblobs.o: $(VTL0_MODDIR)/stamp
$(BUILD)/guest/tests/vtl0/modblobs.o: GUEST_ASFLAGS += -Wa,-I$(VTL0_MODDIR)

$(VTL0_ELF): $(VTL0_OBJS) $(GUESTLIB_OBJS) tests/vtl0/vtl0.ld
	$(call msg,LD,$@)
	$(Q)mkdir -p $(dir $@)
	$(Q)$(LD) -nostdlib -static -no-pie -z max-page-size=4096 -z noexecstack \
		--no-warn-rwx-segments -T tests/vtl0/vtl0.ld -o $@ $(VTL0_OBJS) $(GUESTLIB_OBJS)

ALL_TARGETS += $(VTL0_ELF)
TEST_SUITES += vtl0 vtl0-trust vtl0-report vtl0-late vtl0-late-aps vtl0-audit profiles
HOST_UNIT_SRCS += tests/vtl0/test_loader.c tests/vtl0/lvbs_loader.c \
	tests/vtl0/test_ring.c tests/vtl0/ring_walk.c
.SECONDARY: $(VTL0_OBJS)

VTL0_DEPS := $(VTL0_ELF) $(BUILD)/vtlguard.elf $(BUILD)/hvsim.elf
.PHONY: suite-vtl0 suite-vtl0-trust suite-vtl0-report suite-vtl0-late suite-vtl0-late-aps \
	suite-vtl0-audit demo-vtl0 suite-profiles
# tests/vtl0/run's own checks (what VTL0 cannot forge) on doctored logs
suite-vtl0-report:
	$(Q)tests/vtl0/test-run-report
# Every LVBS generation's boot and AP protocol, 2 and 8 VPs, refused boots.
suite-profiles: $(VTL0_DEPS)
	$(Q)VTL0_TIMEOUT=$(VTL0_TIMEOUT) tests/vtl0/profiles
suite-vtl0: $(VTL0_DEPS)
	$(Q)tests/vtl0/run --no-build $(VTL0_RUN_POLICY) --smp $(VTL0_SMP) --timeout $(VTL0_TIMEOUT) \
		--cmdline "$(VTL0_CMDLINE)"
suite-vtl0-trust: $(VTL0_DEPS)
	$(Q)tests/vtl0/run --no-build --trust --smp $(VTL0_SMP) --timeout $(VTL0_TIMEOUT)
# RT6: AP 1 reaches end of boot without LOCK_REGS (attacks_pins.c).
suite-vtl0-late: $(VTL0_DEPS)
	$(Q)tests/vtl0/run --no-build --smp 2 --timeout $(VTL0_TIMEOUT) --log $(BUILD)/vtl0/late.log \
		--cmdline "late_ap=1 only=late_vp_pinned_at_first_call"
# RT6: the APs make their first VTL call after end of boot.
suite-vtl0-late-aps: $(VTL0_DEPS)
	$(Q)tests/vtl0/run --no-build --smp 2 --timeout $(VTL0_TIMEOUT) --log $(BUILD)/vtl0/late-aps.log \
		--cmdline "late_aps only=late_boot_ap_pinned"
# Audit mode (issue 18): one attack per protected page or register class,
# since an audited access opens its page for good (docs/policy.md), and
# VTL1 memory (refused in every mode).  About 5 s.
VTL0_AUDIT_CASES := text_write_store,ro_after_init_write,exec_*,vtl1_w*,cr*,msr_*,dt_*,ap_c*,ap_lidt
suite-vtl0-audit: $(VTL0_DEPS)
	$(Q)tests/vtl0/run --no-build --policy tests/vtl0/audit-policy.dts --smp 2 --timeout $(VTL0_TIMEOUT) \
		--log $(BUILD)/vtl0/audit.log --cmdline "only=$(VTL0_AUDIT_CASES)"
demo-vtl0: $(VTL0_DEPS)
	$(Q)tests/vtl0/run --no-build $(VTL0_RUN_POLICY) --demo --smp $(VTL0_SMP) --timeout $(VTL0_TIMEOUT) \
		--cmdline "$(VTL0_CMDLINE)"

# docs/policy.md lists exactly the rule= formats and action= words the code
# makes (tools/check-policy-doc; a second).
TEST_SUITES += policy-doc
.PHONY: suite-policy-doc
suite-policy-doc:
	$(Q)tools/check-policy-doc
