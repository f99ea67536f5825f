# tests/modval: host unit tests of the DER walker and trust store, and the
# `modval` suite (keys, certificates and modules generated at test time with
# openssl and gcc, checked with modcheck and the modelf harness).
HOST_UNIT_SRCS += tests/modval/test_der.c tests/modval/test_modval.c
HOST_UNIT_LIBS += -lbearssl

# Fragments are read in path order: tools/ and vtl_protect/ come later, so
# name their outputs literally here.
MODVAL_HARNESS := $(BUILD)/host/tests/modval/modelf_harness
MODVAL_HARNESS_OBJS := $(patsubst %.c,$(BUILD)/host/%.o,tests/modval/modelf_harness.c \
	$(sort $(wildcard vtl_protect/modval/*.c)) core/fmt.c core/log.c core/errno.c)

$(MODVAL_HARNESS): $(MODVAL_HARNESS_OBJS)
	$(call msg,HOSTLD,$@)
	$(Q)$(HOSTCC) $(SAN_FLAGS) -o $@ $^ -lbearssl

TEST_SUITES += modval
.PHONY: suite-modval
suite-modval: $(BUILD)/host/modcheck $(MODVAL_HARNESS)
	$(Q)tests/modval/run-suite.sh $(BUILD)/test-modval $(BUILD)/host/modcheck $(MODVAL_HARNESS)
