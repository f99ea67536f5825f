# hvsim instruction decoder (tools/hvsim/decode.c): host unit tests, the
# objdump cross-check suite (suite-decode) and a freestanding compile check.
# The decoder itself is linked into the hvsim image by tools/hvsim's fragment.

HOST_UNIT_SRCS += tests/hvsim_decode/test_decode_unit.c tools/hvsim/decode.c

# Host helper used by tests/hvsim_decode/check.py (ASan/UBSan like the unit runner).
HVSIM_DECODE_DUMP := $(BUILD)/host/hvsim-decode-dump
$(HVSIM_DECODE_DUMP): $(BUILD)/host/tests/hvsim_decode/dump.o $(BUILD)/host/tools/hvsim/decode.o
	$(call msg,HOSTLD,$@)
	$(Q)$(HOSTCC) $(SAN_FLAGS) -o $@ $^
HOST_TOOLS += $(HVSIM_DECODE_DUMP)

# The decoder must build with the freestanding image flags.
ALL_TARGETS += $(BUILD)/vtl1/tools/hvsim/decode.o

TEST_SUITES += decode
.PHONY: suite-decode
suite-decode: $(HVSIM_DECODE_DUMP)
	$(Q)ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 \
		$(PYTHON) tests/hvsim_decode/check.py $(HVSIM_DECODE_DUMP) $(BUILD)/hvsim_decode
