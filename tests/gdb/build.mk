# tests/gdb: the gdb recipe of docs/testing.md run in batch mode against a
# real stop in VTL0 and in VTL1 (tools/hvsim/gdb_hvsim.py must read the
# right bytes).  About 5 s; needs gdb (tools/setup-debian).
TEST_SUITES += gdb
.PHONY: suite-gdb
suite-gdb: $(BUILD)/vtl0/vtl0-kernel.elf $(BUILD)/vtlguard.elf $(BUILD)/hvsim.elf
	$(Q)tests/gdb/run-test
