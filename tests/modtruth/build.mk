# tests/modtruth: PROTECT_MEMORY with a real Debian kernel's range list.
# A Debian kernel image spans ~52 MiB, more than the unit runner's 32 MiB fake
# RAM, so this test gets its own runner: the unit runner's sources of
# (core, North, the engine, the fake South) rebuilt with FAKE_RAM_SIZE = 128 MiB.  The
# prerequisites use second expansion because fragments read later (tools/,
# vtl_protect/) still add to HOST_UNIT_SRCS.
KPROT_RUNNER := $(BUILD)/host/tests/modtruth/kernel-protect
KPROT_SRCS = tests/modtruth/test_kernel_protect.c tests/unit/main.c tests/north/fake_south.c \
	tests/vtl_protect/vtlp_test.c tests/vtl_protect/policy_blob.c tests/core/host_support.c \
	$(filter core/% north/% vtl_protect/%,$(sort $(HOST_UNIT_SRCS)))
KPROT_CFLAGS := -DFAKE_RAM_SIZE='(128u << 20)'

$(BUILD)/host-kprot/%.o: %.c | $(GEN_HEADERS)
	$(call msg,HOSTCC,$<)
	$(Q)mkdir -p $(dir $@)
	$(Q)$(HOSTCC) $(HOST_CFLAGS) $(KPROT_CFLAGS) $(SAN_FLAGS) -c $< -o $@

.SECONDEXPANSION:
$(KPROT_RUNNER): $$(patsubst %.c,$(BUILD)/host-kprot/%.o,$$(KPROT_SRCS)) $$(HOST_UNIT_EXTRA_OBJS)
	$(call msg,HOSTLD,$@)
	$(Q)mkdir -p $(dir $@)
	$(Q)$(HOSTCC) $(SAN_FLAGS) -o $@ $^ $(sort $(HOST_UNIT_LIBS))

TEST_SUITES += kernel-protect
.PHONY: suite-kernel-protect
suite-kernel-protect: $(KPROT_RUNNER)
	$(Q)ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 $(KPROT_RUNNER)
