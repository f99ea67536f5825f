# tools/modtruth: ground truth from Debian's own kernels (issue 15 step 5).
# modtruth-check runs VTL1's module rule (modelf_check() and the site tables
# of vtl_protect/modval/) over the dumps `tools/modtruth/modtruth` writes.
MODTRUTH_CHECK := $(BUILD)/host/modtruth-check
MODTRUTH_CHECK_SRCS := tools/modtruth/check.c vtl_protect/modval/modelf.c \
	vtl_protect/modval/kelf.c vtl_protect/modval/modsites.c core/fmt.c core/log.c core/errno.c
HOST_TOOLS += $(MODTRUTH_CHECK)

$(MODTRUTH_CHECK): $(patsubst %.c,$(BUILD)/host/%.o,$(MODTRUTH_CHECK_SRCS))
	$(call msg,HOSTLD,$@)
	$(Q)$(HOSTCC) $(SAN_FLAGS) -o $@ $^

# The guest-side dumper is built by modtruth itself (static, host libc).
TEST_SUITES += modtruth
.PHONY: suite-modtruth
suite-modtruth: $(MODTRUTH_CHECK)
	$(Q)tests/modtruth/run-suite.sh $(BUILD)/test-modtruth $(MODTRUTH_CHECK)
