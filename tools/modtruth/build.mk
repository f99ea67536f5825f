# tools/modtruth: ground truth from Debian's own kernels (issue 15 step 5).
# modtruth-check is the host oracle over the dumps `tools/modtruth/modtruth`
# writes; kelf.c and sites.c are portable C meant to be shared with VTL1.
MODTRUTH_CHECK := $(BUILD)/host/modtruth-check
MODTRUTH_CHECK_SRCS := tools/modtruth/check.c tools/modtruth/kelf.c tools/modtruth/sites.c
HOST_TOOLS += $(MODTRUTH_CHECK)

$(MODTRUTH_CHECK): $(patsubst %.c,$(BUILD)/host/%.o,$(MODTRUTH_CHECK_SRCS))
	$(call msg,HOSTLD,$@)
	$(Q)$(HOSTCC) $(SAN_FLAGS) -o $@ $^

# The guest-side dumper is built by modtruth itself (static, host libc).
TEST_SUITES += modtruth
.PHONY: suite-modtruth
suite-modtruth: $(MODTRUTH_CHECK)
	$(Q)tests/modtruth/run-suite.sh $(BUILD)/test-modtruth $(MODTRUTH_CHECK)
