# tools/vtlguardctl: prints vtlguard's violations and measurement log in a
# Linux VTL0 (securityfs files of tools/lvbs-linux).  Two builds: the host
# one (tested by tools/vtlguardctl/test.sh in suite-vtlguardctl) and a static
# one for the LVBS suite's initramfs.
VTLGUARDCTL := $(BUILD)/host/vtlguardctl
HOST_TOOLS += $(VTLGUARDCTL)
$(VTLGUARDCTL): tools/vtlguardctl/vtlguardctl.c | $(GEN_HEADERS)
	$(call msg,HOSTCC,$@)
	$(Q)mkdir -p $(dir $@)
	$(Q)$(HOSTCC) $(HOST_CFLAGS) $(SAN_FLAGS) -o $@ $<
$(BUILD)/host/vtlguardctl-static: tools/vtlguardctl/vtlguardctl.c | $(GEN_HEADERS)
	$(call msg,HOSTCC,$@)
	$(Q)mkdir -p $(dir $@)
	$(Q)$(HOSTCC) $(HOST_CFLAGS) -O2 -static -o $@ $<
TEST_SUITES += vtlguardctl
.PHONY: suite-vtlguardctl
suite-vtlguardctl: $(VTLGUARDCTL)
	$(Q)tools/vtlguardctl/test.sh $(VTLGUARDCTL)
