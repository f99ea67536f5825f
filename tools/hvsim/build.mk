# tools/hvsim: the Hyper-V VSM model (its own freestanding image) and its
# host-testable core.  hvsim is linked at a fixed 1 MiB (not PIE): it is a
# hypervisor that identity-maps and owns all physical memory.
HVSIM_ELF := $(BUILD)/hvsim.elf

# Portable model code: also built into the host unit-test runner.
HVSIM_CORE_SRCS := tools/hvsim/npt.c tools/hvsim/prot.c tools/hvsim/guestmem.c \
	tools/hvsim/hypercall.c tools/hvsim/regs.c tools/hvsim/vp.c tools/hvsim/synth.c \
	tools/hvsim/intercept.c tools/hvsim/insn.c
HVSIM_SRCS := $(HVSIM_CORE_SRCS) tools/hvsim/exit.c tools/hvsim/main.c tools/hvsim/fwcfg.c \
	tools/hvsim/decode.c core/fmt.c core/libc/string.c
HVSIM_ASRCS := tools/hvsim/boot/entry.S arch/x86_64/svm.S

HVSIM_CFLAGS := $(filter-out -fPIE,$(FREESTANDING_CFLAGS)) -fno-pie \
	-mstack-protector-guard=global
HVSIM_ASFLAGS := $(filter-out -std=c11 -mgeneral-regs-only -fPIE,$(FREESTANDING_CFLAGS)) \
	-fno-pie -D__ASSEMBLY__

HVSIM_OBJS := $(patsubst %.c,$(BUILD)/hvsim/%.o,$(HVSIM_SRCS)) \
	$(patsubst %.S,$(BUILD)/hvsim/%.o,$(HVSIM_ASRCS))

$(BUILD)/hvsim/%.o: %.c | $(GEN_HEADERS)
	$(call msg,CC,$<)
	$(Q)mkdir -p $(dir $@)
	$(Q)$(CC) $(HVSIM_CFLAGS) -c $< -o $@

$(BUILD)/hvsim/%.o: %.S | $(GEN_HEADERS)
	$(call msg,AS,$<)
	$(Q)mkdir -p $(dir $@)
	$(Q)$(CC) $(HVSIM_ASFLAGS) -c $< -o $@

$(HVSIM_ELF): $(HVSIM_OBJS) tools/hvsim/boot/hvsim.ld
	$(call msg,LD,$@)
	$(Q)$(LD) -nostdlib -static -no-pie -z max-page-size=4096 -z noexecstack --no-warn-rwx-segments \
		-T tools/hvsim/boot/hvsim.ld -o $@ $(HVSIM_OBJS)

ALL_TARGETS += $(HVSIM_ELF)
HOST_UNIT_SRCS += $(HVSIM_CORE_SRCS) tests/hvsim/test_bench_floor.c

# In-guest benchmarks: vtlguard's VTL-switch paths timed by the VTL0 test
# kernel in bench mode, against hvsim's test-only floor hypercall (--bench).
# Prints a table and writes build/bench-guest.json (docs/performance.md).
#   make bench-guest [BENCH_GUEST_REPS=20] [BENCH_GUEST_ITERS=1000]
BENCH_GUEST_REPS ?= 20
BENCH_GUEST_ITERS ?= 1000
.PHONY: bench-guest
bench-guest: $(BUILD)/vtl0/vtl0-kernel.elf $(BUILD)/vtlguard.elf $(HVSIM_ELF)
	$(Q)tests/vtl0/bench-run --reps $(BENCH_GUEST_REPS) --iters $(BENCH_GUEST_ITERS)

# make test: a short bench-guest run (a few seconds of figures) checks that
# the floor hypercall and the guest's bench mode still work end to end.
TEST_SUITES += bench-guest
.PHONY: suite-bench-guest
suite-bench-guest: $(BUILD)/vtl0/vtl0-kernel.elf $(BUILD)/vtlguard.elf $(HVSIM_ELF)
	$(Q)tests/vtl0/bench-run --reps 2 --iters 20 --boots 1 --out $(BUILD)/bench-guest-smoke.json \
		--log $(BUILD)/vtl0/bench-smoke.log
