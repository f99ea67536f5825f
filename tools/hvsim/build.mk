# tools/hvsim: the Hyper-V VSM model (its own freestanding image) and its
# host-testable core.  hvsim boots on the project's arch/x86_64 (PVH entry,
# relocation, W^X page tables, direct map, GDT/IDT/TSS, traps, console) and
# core/ (formatter, logging, page allocator), like vtlguard: the same PIE
# layout (linker/image.ld) and the same checks (tools/check-image).
HVSIM_ELF := $(BUILD)/hvsim.elf

# Portable model code: also built into the host unit-test runner.
HVSIM_CORE_SRCS := tools/hvsim/npt.c tools/hvsim/prot.c tools/hvsim/guestmem.c \
	tools/hvsim/hypercall.c tools/hvsim/regs.c tools/hvsim/vp.c tools/hvsim/synth.c \
	tools/hvsim/intercept.c tools/hvsim/insn.c \
	tools/hvsim/gpamap.c tools/hvsim/msrtab.c tools/hvsim/linux.c tools/hvsim/x2apic.c tools/hvsim/ioapic.c \
	tools/hvsim/tracenames.c
HVSIM_SRCS := $(HVSIM_CORE_SRCS) tools/hvsim/log.c tools/hvsim/platform.c tools/hvsim/exit.c tools/hvsim/main.c tools/hvsim/fwcfg.c \
	tools/hvsim/decode.c
# Shared with vtlguard and compiled with the same flags: its objects are used.
HVSIM_SHARED_SRCS := $(ARCH_SRCS) arch/x86_64/svm.S arch/x86_64/sipi_tramp.S arch/x86_64/sipi.c core/fmt.c core/log.c core/errno.c \
	core/page_alloc.c core/kmalloc.c core/cpu_table.c core/libc/string.c

HVSIM_OBJS := $(call obj_of,hvsim,$(HVSIM_SRCS)) $(call obj_of,vtl1,$(HVSIM_SHARED_SRCS))

# build.mk is a prerequisite so a change of flags here rebuilds the objects
# (an old non-PIE object would otherwise break the PIE link).
$(BUILD)/hvsim/%.o: %.c tools/hvsim/build.mk | $(GEN_HEADERS)
	$(call msg,CC,$<)
	$(Q)mkdir -p $(dir $@)
	$(Q)$(CC) $(VTL1_CFLAGS) -c $< -o $@

$(HVSIM_ELF): $(HVSIM_OBJS) linker/image.ld
	$(call msg,LD,$@)
	$(Q)$(LD) $(IMAGE_LDFLAGS) -Map=$(BUILD)/hvsim.map -o $@ $(HVSIM_OBJS)
	$(Q)tools/check-image $@

ALL_TARGETS += $(HVSIM_ELF)
HOST_UNIT_SRCS += $(HVSIM_CORE_SRCS) tests/hvsim/test_bench_floor.c tests/hvsim/test_linux_unit.c \
	tests/hvsim/test_x2apic.c tests/hvsim/test_tracenames.c

# In-guest benchmarks: vtlguard's VTL-switch paths timed by the VTL0 test
# kernel in bench mode, against hvsim's test-only floor hypercall (--bench).
# Prints a table and writes build/bench-guest.json (docs/performance.md).
#   make bench-guest [BENCH_GUEST_REPS=20] [BENCH_GUEST_ITERS=1000]
BENCH_GUEST_REPS ?= 20
BENCH_GUEST_ITERS ?= 1000
.PHONY: bench-guest
bench-guest: $(BUILD)/vtl0/vtl0-kernel.elf $(BUILD)/vtlguard.elf $(BUILD)/vtlguard-test.elf $(HVSIM_ELF)
	$(Q)tests/vtl0/bench-run --reps $(BENCH_GUEST_REPS) --iters $(BENCH_GUEST_ITERS)

# make test: a short bench-guest run (a few seconds of figures) checks that
# the floor hypercall and the guest's bench mode still work end to end.
TEST_SUITES += bench-guest
.PHONY: suite-bench-guest
suite-bench-guest: $(BUILD)/vtl0/vtl0-kernel.elf $(BUILD)/vtlguard.elf $(BUILD)/vtlguard-test.elf $(HVSIM_ELF)
	$(Q)tests/vtl0/bench-run --reps 2 --iters 20 --boots 1 --out $(BUILD)/bench-guest-smoke.json \
		--log $(BUILD)/vtl0/bench-smoke.log

# hvsim's layers only look down (docs/hvsim.md "Layers"): the include check
# and its selftest (an upward include it must catch).  Cheap, so it runs with
# make lint and ahead of suite-unit.
.PHONY: lint-hvsim-layers
lint-hvsim-layers:
	$(Q)tools/hvsim/check-layers
	$(Q)tools/hvsim/check-layers --selftest
lint: lint-hvsim-layers
suite-unit: lint-hvsim-layers
