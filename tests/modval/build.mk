# tests/modval: host unit tests of the DER walker and trust store, and the
# `modval` suite (keys, certificates and modules generated at test time with
# openssl and gcc, checked with modcheck and the modelf harness).
HOST_UNIT_SRCS += tests/modval/test_der.c tests/modval/test_modval.c tests/modval/test_hooks.c \
	tests/modval/test_ksym.c tests/modval/test_modsites.c
HOST_UNIT_LIBS += -lbearssl

# Fragments are read in path order: tools/ and vtl_protect/ come later, so
# name their outputs literally here.
MODVAL_HARNESS := $(BUILD)/host/tests/modval/modelf_harness
MODVAL_HARNESS_OBJS := $(patsubst %.c,$(BUILD)/host/%.o,tests/modval/modelf_harness.c \
	$(filter-out vtl_protect/modval/hooks.c,$(sort $(wildcard vtl_protect/modval/*.c))) core/fmt.c core/log.c core/errno.c)

$(MODVAL_HARNESS): $(MODVAL_HARNESS_OBJS)
	$(call msg,HOSTLD,$@)
	$(Q)$(HOSTCC) $(SAN_FLAGS) -o $@ $^ -lbearssl

TEST_SUITES += modval
.PHONY: suite-modval
suite-modval: $(BUILD)/host/modcheck $(MODVAL_HARNESS)
	$(Q)tests/modval/run-suite.sh $(BUILD)/test-modval $(BUILD)/host/modcheck $(MODVAL_HARNESS)

# libFuzzer harness over every modval parser (clang).  Seeds come from the
# modval suite's work directory; FUZZ_TIME (the top-level Makefile's one
# name for it; FUZZ_SECONDS is a deprecated alias) bounds the run.
FUZZ_TIME ?= 60
MODVAL_FUZZER := $(BUILD)/fuzz/modval
$(MODVAL_FUZZER): tests/modval/fuzz_modval.c $(wildcard vtl_protect/modval/*.c) | $(GEN_HEADERS)
	$(call msg,CLANG,$@)
	$(Q)mkdir -p $(dir $@)
	$(Q)$(CLANG) -std=c11 -g -O1 -I. -I$(BUILD)/include -DVTLGUARD_HOST=1 -D_GNU_SOURCE \
		-fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all \
		-o $@ tests/modval/fuzz_modval.c $(filter-out vtl_protect/modval/hooks.c,$(sort $(wildcard vtl_protect/modval/*.c))) \
		core/fmt.c core/log.c core/errno.c -lbearssl

.PHONY: fuzz-modval
fuzz-modval: $(MODVAL_FUZZER) suite-modval
	$(Q)mkdir -p $(BUILD)/fuzz/modval-corpus $(BUILD)/fuzz/modval-seeds
	$(Q)for f in $(BUILD)/test-modval/*.ko $(BUILD)/test-modval/*.efi; do \
		printf '\000' | cat - $$f > $(BUILD)/fuzz/modval-seeds/m-$$(basename $$f); \
		printf '\001' | cat - $(BUILD)/test-modval/rsa2048.p7s > $(BUILD)/fuzz/modval-seeds/p7; \
		printf '\002' | cat - $(BUILD)/test-modval/bundle.der > $(BUILD)/fuzz/modval-seeds/certs; \
		printf '\003' | cat - $(BUILD)/test-modval/mod.o > $(BUILD)/fuzz/modval-seeds/elf; \
		printf '\005' | cat - $$f > $(BUILD)/fuzz/modval-seeds/pe-$$(basename $$f); \
	done
	$(Q)# real Debian modules (site tables, sorted tables) when suite-modtruth left dumps
	$(Q)for m in minix virtio crc32c_generic; do \
		f=$(BUILD)/test-modtruth/max/$$m/module.ko; \
		[ -f $$f ] && printf '\003' | cat - $$f > $(BUILD)/fuzz/modval-seeds/ko-$$m || true; \
	done
	$(Q)$(MODVAL_FUZZER) -max_total_time=$(FUZZ_TIME) -max_len=131072 -print_final_stats=1 \
		$(BUILD)/fuzz/modval-corpus $(BUILD)/fuzz/modval-seeds

# `make bench-modval`: 1 MiB module validation time next to openssl's
# (objects come from tools/modcheck/build.mk's optimised host-tool rule).
MODVAL_BENCH := $(BUILD)/host/tests/modval/bench_modval
$(MODVAL_BENCH): $(patsubst %.c,$(BUILD)/host-tool/%.o,tests/modval/bench_modval.c \
		$(filter-out vtl_protect/modval/hooks.c,$(sort $(wildcard vtl_protect/modval/*.c))) core/fmt.c core/log.c core/errno.c)
	$(call msg,HOSTLD,$@)
	$(Q)mkdir -p $(dir $@)
	$(Q)$(HOSTCC) -o $@ $^ -lbearssl

.PHONY: bench-modval
bench-modval: $(MODVAL_BENCH)
	$(Q)tests/modval/bench.sh $(BUILD)/bench-modval $(MODVAL_BENCH)

# `modcheck --loaded` against the ground-truth oracle over real Debian dumps
# (issue 15 section 4).  Reuses suite-modtruth's dumps when present.
TEST_SUITES += modcheck-loaded
.PHONY: suite-modcheck-loaded
suite-modcheck-loaded: $(BUILD)/host/modcheck $(BUILD)/host/modtruth-check
	$(Q)tests/modval/loaded-suite.sh $(BUILD)/test-modcheck-loaded $(BUILD)/host/modcheck \
		$(BUILD)/host/modtruth-check $(BUILD)/test-modtruth

# `make bench` row: dm-mod's whole validation (signature + loaded-bytes rule)
# in-process, against openssl verifying the same signature (tests/modval/
# bench-loaded).  Optimised, no sanitizers, like modcheck.
MODVAL_LOADED_BENCH := $(BUILD)/host/tests/modval/bench_loaded
$(MODVAL_LOADED_BENCH): $(patsubst %.c,$(BUILD)/host-tool/%.o,tests/modval/bench_loaded.c \
		tools/modcheck/loaded.c \
		$(filter-out vtl_protect/modval/hooks.c,$(sort $(wildcard vtl_protect/modval/*.c))) core/fmt.c core/log.c core/errno.c)
	$(call msg,HOSTLD,$@)
	$(Q)mkdir -p $(dir $@)
	$(Q)$(HOSTCC) -o $@ $^ -lbearssl

.PHONY: bench-loaded
bench-loaded: $(MODVAL_LOADED_BENCH)
	$(Q)tests/modval/bench-loaded $(BUILD)/bench-loaded $(MODVAL_LOADED_BENCH) $(BUILD)/test-modtruth
