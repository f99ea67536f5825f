# tests/fuzz: libFuzzer harnesses over every parser that reads VTL0-controlled
# bytes, run on the real code with the fake South (tests/north/fake_south.c).
#
#   make fuzz FUZZ_TIME=600     each harness for FUZZ_TIME seconds (default 60),
#                               corpus kept in build/fuzz/corpus/<harness>/
#   make suite-fuzz             regressions + seeds replayed, then each harness
#                               for FUZZ_SUITE_TIME seconds (default 12), two
#                               at a time; part of `make test`
#   make fuzz-bin               just build them (build/fuzz/fuzz-<harness>)
#
# Seeds: tests/fuzz/corpus/<harness>/ (regenerate with tests/fuzz/mkseeds.py).
# By hand, give a scratch corpus directory first: libFuzzer writes new inputs
# into the first directory it is given, e.g.
#   build/fuzz/fuzz-chain -max_total_time=60 /tmp/c tests/fuzz/corpus/chain
# Crashing inputs found so far: tests/fuzz/regress/<harness>/ (replayed by the
# suite).  Harness internals: tests/fuzz/fuzz.h.
#
# Fragments are read in path order and vtl_protect/ comes later, so sources
# and generated headers are named literally here.

FUZZ_DIR      := $(BUILD)/fuzz
FUZZ_COMMA := ,
FUZZ_TIME     ?= 60
FUZZ_SUITE_TIME ?= 12
FUZZ_HARNESSES := bootinfo synic policy chain kdata patch modcall vtlcall modval

FUZZ_GEN := $(BUILD)/include/hv/tlfs.h $(BUILD)/include/vtl_protect/default_policy.h \
	$(BUILD)/sysinc/.stamp $(BUILD)/sysinc/bearssl/bearssl.h
FUZZ_HAVE_HOOKS := $(wildcard vtl_protect/modval/hooks.c)
FUZZ_LIB_SRCS := core/fmt.c core/log.c core/errno.c core/kmalloc.c core/page_alloc.c core/fdt_untrusted.c \
	north/north.c tests/north/fake_south.c south_lvbs/bootinfo.c south_lvbs/regmap.c \
	$(sort $(wildcard vtl_protect/*.c) $(wildcard vtl_protect/modval/*.c)) \
	tests/fuzz/fuzz_support.c tests/fuzz/fuzz_engine_events.c

# Other layers' code is warning-clean under gcc (the real build); clang has
# other warnings, so -Werror only applies to the harnesses themselves.
FUZZ_CFLAGS := -std=c11 -g -O1 -Wall -Wextra -fno-omit-frame-pointer \
	-I. -I$(BUILD)/include -DVTLGUARD_HOST=1 -D_GNU_SOURCE -MMD -MP \
	-fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=all \
	$(if $(FUZZ_HAVE_HOOKS),-DFZ_HAVE_HOOKS=1)
FUZZ_LDFLAGS := -fsanitize=fuzzer,address,undefined \
	-Wl,--wrap=south_vtl0_write -Wl,--wrap=south_set_vtl0_protection \
	-Wl,--wrap=modval_selftest
FUZZ_LIBS := -lfdt -lbearssl

FUZZ_LIB_OBJS := $(patsubst %.c,$(FUZZ_DIR)/obj/%.o,$(FUZZ_LIB_SRCS))

# The invariant checks scan the whole fake RAM map after every step: keep
# them out of libFuzzer's coverage/comparison tracing (they are not under test
# and would dominate the run time), but under ASan/UBSan.
FUZZ_SUPPORT_OBJS := $(FUZZ_DIR)/obj/tests/fuzz/fuzz_support.o \
	$(FUZZ_DIR)/obj/tests/fuzz/fuzz_engine_events.o
$(FUZZ_SUPPORT_OBJS): FUZZ_CFLAGS := $(subst fuzzer-no-link$(FUZZ_COMMA),,$(FUZZ_CFLAGS)) -Werror
# Likewise the log formatter: every rejected VTL0 request logs a line, and
# tracing each character's comparisons took a third of the VTL-call
# harnesses' time.  It parses no VTL0 bytes (only format strings of ours);
# it stays under ASan/UBSan.
FUZZ_QUIET_OBJS := $(FUZZ_DIR)/obj/core/fmt.o $(FUZZ_DIR)/obj/core/log.o
$(FUZZ_QUIET_OBJS): FUZZ_CFLAGS := $(subst fuzzer-no-link$(FUZZ_COMMA),,$(FUZZ_CFLAGS))
$(FUZZ_DIR)/obj/north/north.o: FUZZ_CFLAGS += -fsanitize-coverage-ignorelist=tests/fuzz/cov-ignore.txt
$(FUZZ_DIR)/obj/north/north.o: tests/fuzz/cov-ignore.txt
$(FUZZ_DIR)/obj/tests/fuzz/fuzz_bootinfo.o $(FUZZ_DIR)/obj/tests/fuzz/fuzz_synic.o \
	$(FUZZ_DIR)/obj/tests/fuzz/fuzz_policy.o: FUZZ_CFLAGS += -Werror

# build.mk is a prerequisite: per-object flags set here must reach old objects.
$(FUZZ_DIR)/obj/%.o: %.c tests/fuzz/build.mk | $(FUZZ_GEN)
	$(call msg,CLANG,$<)
	$(Q)mkdir -p $(dir $@)
	$(Q)$(CLANG) $(FUZZ_CFLAGS) -c $< -o $@

# The VSM-call harness built once per call set (FZ_CALLS bit i = calls[i]
# in fuzz_vtlcall.c).
fuzz_calls_chain   := 0x11
fuzz_calls_kdata   := 0x03
fuzz_calls_patch   := 0x17
fuzz_calls_modcall := 0xF83
fuzz_calls_vtlcall := 0x1FFF
# Explicit rules, not a pattern: a pattern would also match the .d files'
# remake attempts (vtlcall-chain.d.o).
define fuzz_vtlcall_obj
$(FUZZ_DIR)/obj/vtlcall-$(1).o: tests/fuzz/fuzz_vtlcall.c tests/fuzz/build.mk | $(FUZZ_GEN)
	$$(call msg,CLANG,$$< [$(1)])
	$$(Q)mkdir -p $$(dir $$@)
	$$(Q)$$(CLANG) $$(FUZZ_CFLAGS) -Werror -DFZ_CALLS=$(fuzz_calls_$(1)) -c $$< -o $$@
endef
$(foreach h,chain kdata patch modcall vtlcall,$(eval $(call fuzz_vtlcall_obj,$(h))))

fuzz_main_bootinfo := $(FUZZ_DIR)/obj/tests/fuzz/fuzz_bootinfo.o
fuzz_main_synic    := $(FUZZ_DIR)/obj/tests/fuzz/fuzz_synic.o
fuzz_main_policy   := $(FUZZ_DIR)/obj/tests/fuzz/fuzz_policy.o
fuzz_main_modval   := $(FUZZ_DIR)/obj/tests/modval/fuzz_modval.o
fuzz_main_chain    := $(FUZZ_DIR)/obj/vtlcall-chain.o
fuzz_main_kdata    := $(FUZZ_DIR)/obj/vtlcall-kdata.o
fuzz_main_patch    := $(FUZZ_DIR)/obj/vtlcall-patch.o
fuzz_main_modcall  := $(FUZZ_DIR)/obj/vtlcall-modcall.o
fuzz_main_vtlcall  := $(FUZZ_DIR)/obj/vtlcall-vtlcall.o

FUZZ_BINS := $(patsubst %,$(FUZZ_DIR)/fuzz-%,$(FUZZ_HARNESSES))

define fuzz_link
$(FUZZ_DIR)/fuzz-$(1): $(fuzz_main_$(1)) $(FUZZ_LIB_OBJS)
	$$(call msg,FUZZLD,$$@)
	$$(Q)$$(CLANG) $$(FUZZ_LDFLAGS) -o $$@ $$^ $$(FUZZ_LIBS)
endef
$(foreach h,$(FUZZ_HARNESSES),$(eval $(call fuzz_link,$(h))))
.SECONDARY: $(FUZZ_LIB_OBJS) $(foreach h,$(FUZZ_HARNESSES),$(fuzz_main_$(h)))

.PHONY: fuzz-bin suite-fuzz
fuzz-bin: $(FUZZ_BINS)

fuzz: $(FUZZ_BINS)
	$(Q)tests/fuzz/run.sh fuzz $(FUZZ_TIME) $(FUZZ_DIR) $(FUZZ_HARNESSES)

TEST_SUITES += fuzz
suite-fuzz: $(FUZZ_BINS)
	$(Q)tests/fuzz/run.sh suite $(FUZZ_SUITE_TIME) $(FUZZ_DIR) $(FUZZ_HARNESSES)
