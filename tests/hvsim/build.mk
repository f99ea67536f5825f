# tests/hvsim: hvsim conformance guests, their host unit tests and the
# `hvsim` suite (QEMU TCG; each guest run is bounded by a timeout).
HVSIM_GUESTS := smoke conform smp fault
HVSIM_GUEST_ELFS := $(patsubst %,$(BUILD)/guest/hvsim-%.elf,$(HVSIM_GUESTS))

HVSIM_PROBES_OBJ := $(BUILD)/guest/tests/hvsim/probes.o
$(BUILD)/guest/hvsim-%.elf: $(BUILD)/guest/tests/hvsim/%.o $(HVSIM_PROBES_OBJ) $(GUESTLIB_OBJS) \
		tests/guestlib/guest.ld
	$(call msg,LD,$@)
	$(Q)$(GUEST_LINK) -o $@ $< $(HVSIM_PROBES_OBJ) $(GUESTLIB_OBJS)

.SECONDARY: $(patsubst %,$(BUILD)/guest/tests/hvsim/%.o,$(HVSIM_GUESTS)) $(HVSIM_PROBES_OBJ)
ALL_TARGETS += $(HVSIM_GUEST_ELFS)

# Host unit tests of the model (tools/hvsim core files are added by tools/hvsim/build.mk).
HOST_UNIT_SRCS += tests/hvsim/test_hvsim_unit.c

TEST_SUITES += hvsim
.PHONY: suite-hvsim
suite-hvsim: $(HVSIM_ELF) $(HVSIM_GUEST_ELFS)
	$(Q)tests/hvsim/run-suite.sh $(HVSIM_ELF) $(BUILD)/guest/hvsim-smoke.elf \
		$(BUILD)/guest/hvsim-conform.elf $(BUILD)/guest/hvsim-smp.elf:--smp,2
