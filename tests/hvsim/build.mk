# tests/hvsim: hvsim conformance guests and the `hvsim` suite.
HVSIM_GUESTS := smoke
HVSIM_GUEST_ELFS := $(patsubst %,$(BUILD)/guest/hvsim-%.elf,$(HVSIM_GUESTS))

$(BUILD)/guest/hvsim-%.elf: $(BUILD)/guest/tests/hvsim/%.o $(GUESTLIB_OBJS) tests/guestlib/guest.ld
	$(call msg,LD,$@)
	$(Q)$(GUEST_LINK) -o $@ $< $(GUESTLIB_OBJS)

ALL_TARGETS += $(HVSIM_GUEST_ELFS)
.SECONDARY: $(patsubst %,$(BUILD)/guest/tests/hvsim/%.o,$(HVSIM_GUESTS))

# Host unit tests of the model (tools/hvsim core files are added by tools/hvsim/build.mk).
HOST_UNIT_SRCS += tests/hvsim/test_hvsim_unit.c
