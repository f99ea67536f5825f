# tests/bench: host-side benchmarks and the `make bench` driver.
#
#   make bench     build/bench/bench (optimised, no sanitizers) and the VTL1
#                  image, then tests/bench/run.py prints one table and writes
#                  build/bench.json.  BENCH_REPS sets the repetitions.
#
# Fragments are read in path order (vtl_protect/ comes later), so sources are
# named literally.
BENCH_DIR  := $(BUILD)/bench
BENCH_BIN  := $(BENCH_DIR)/bench
BENCH_REPS ?= 9
BENCH_SRCS := tests/bench/bench.c north/north.c tests/north/fake_south.c \
	core/fmt.c core/log.c core/errno.c \
	$(filter-out vtl_protect/modval/hooks.c vtl_protect/modval/selftest.c, \
		$(sort $(wildcard vtl_protect/modval/*.c)))
BENCH_OBJS := $(patsubst %.c,$(BENCH_DIR)/obj/%.o,$(BENCH_SRCS))
BENCH_GEN  := $(BUILD)/include/hv/tlfs.h $(BUILD)/sysinc/.stamp $(BUILD)/sysinc/bearssl/bearssl.h

$(BENCH_DIR)/obj/%.o: %.c | $(BENCH_GEN)
	$(call msg,HOSTCC,$<)
	$(Q)mkdir -p $(dir $@)
	$(Q)$(HOSTCC) $(filter-out -O1,$(HOST_CFLAGS)) -O2 -c $< -o $@

$(BENCH_BIN): $(BENCH_OBJS)
	$(call msg,HOSTLD,$@)
	$(Q)$(HOSTCC) -o $@ $^ -Wl,--wrap=south_set_vtl0_protection -lbearssl

.PHONY: bench-host
bench-host: $(BENCH_BIN)

# BENCH_GUEST=1 (default) first runs `make bench-guest` (tools/hvsim's
# in-guest figures, build/bench-guest.json) and merges it; BENCH_GUEST=0
# gives the host-side figures only.  BENCH_LINUX=1 (default) also runs
# `make bench-linux` (Debian's kernel booted directly under TCG, under hvsim
# and under hvsim with vtlguard; a syscall and a fork/exec loop in each;
# several minutes under TCG); BENCH_LINUX=0 leaves it out.
# BENCH_LVBS_LINUX=1 (default) also runs `make bench-lvbs-linux`: our LVBS
# Linux (tools/lvbs-linux, built by `make linux` when needed) with and
# without vtlguard: module load, static-key toggle, boot to /init.
BENCH_GUEST ?= 1
BENCH_LINUX ?= 1
BENCH_LINUX_RUNS ?= 1
BENCH_LVBS_LINUX ?= 1
BENCH_LVBS_LINUX_RUNS ?= 1
LVBS_VPS ?= 2
bench: $(BENCH_BIN) $(BUILD)/vtlguard.elf $(BUILD)/host/tests/modval/bench_loaded
	$(Q)if [ "$(BENCH_GUEST)" = 1 ]; then $(MAKE) --no-print-directory bench-guest; fi
	$(Q)if [ "$(BENCH_LINUX)" = 1 ]; then $(MAKE) --no-print-directory bench-linux; fi
	$(Q)if [ "$(BENCH_LVBS_LINUX)" = 1 ]; then $(MAKE) --no-print-directory bench-lvbs-linux; fi
	$(Q)$(PYTHON) tests/bench/run.py $(BENCH_BIN) $(BUILD)/vtlguard.elf $(BENCH_DIR)/work \
		$(BUILD)/bench.json --reps $(BENCH_REPS) \
		--loaded $(BUILD)/host/tests/modval/bench_loaded $(BUILD)/test-modtruth \
		$(if $(filter 1,$(BENCH_GUEST)),--guest $(BUILD)/bench-guest.json) \
		$(if $(filter 1,$(BENCH_LINUX)),--linux $(BUILD)/bench-linux.json) \
		$(if $(filter 1,$(BENCH_LVBS_LINUX)),--lvbs-linux $(BUILD)/bench-lvbs-linux.json \
			--lvbs-linux $(BUILD)/bench-lvbs-linux-tcg.json)

.PHONY: bench-linux
bench-linux: $(BUILD)/vtlguard.elf $(BUILD)/hvsim.elf
	$(Q)tests/bench/linux-bench --runs $(BENCH_LINUX_RUNS) --out $(BUILD)/bench-linux.json

# Our LVBS Linux with vtlguard against the same kernel without it
# (tests/bench/lvbs-linux-bench, docs/performance.md), twice: guest clock =
# instruction count (-icount: exact, the headline) and plain TCG (the
# host's clock, moves with its load).  `make linux` first: nothing to do
# when the kernel is built, minutes when it is not.
.PHONY: bench-lvbs-linux
bench-lvbs-linux: $(BUILD)/vtlguard.elf $(BUILD)/hvsim.elf
	$(Q)echo "bench-lvbs-linux: make linux (a cold kernel build takes minutes: 4 idle, 15 loaded)"
	$(Q)$(MAKE) --no-print-directory linux
	$(Q)tests/bench/lvbs-linux-bench --icount --runs $(BENCH_LVBS_LINUX_RUNS) --vps $(LVBS_VPS) \
		--out $(BUILD)/bench-lvbs-linux.json
	$(Q)tests/bench/lvbs-linux-bench --runs $(BENCH_LVBS_LINUX_RUNS) --vps $(LVBS_VPS) \
		--out $(BUILD)/bench-lvbs-linux-tcg.json
