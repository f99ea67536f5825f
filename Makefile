# vtlguard top-level Makefile.
#
# One entry point for everything: `make` (VTL1 image + host tools), `make test`,
# `make run`, `make bench`, `make qemu`, `make lint`, `make clean`.  V=1 prints
# full commands.
#
# Layers contribute through a build.mk fragment in their own folder so that a
# layer can be added without touching this file.  A fragment appends to:
#   VTL1_SRCS        .c/.S files linked into build/vtlguard.elf
#   HOST_UNIT_SRCS   .c files linked into the host unit-test runner (tests and
#                    the portable code they exercise); built with ASan+UBSan
#   GEN_HEADERS      generated headers every compile waits for
#   HOST_TOOLS       extra host programs `make` builds
#   TEST_SUITES      suite names; suite X has a phony target `suite-X` that
#                    prints a closing "N passed, N failed" line and exits
#                    non-zero when anything failed
#   ALL_TARGETS      extra things `make` builds by default

BUILD      := build
V          ?= 0
ifeq ($(V),1)
Q :=
else
Q := @
endif
msg = @printf '  %-8s %s\n' "$(1)" "$(2)"

# ---------------------------------------------------------------- toolchains
CC         ?= gcc
ifeq ($(origin CC),default)
CC := gcc
endif
LD         := ld
OBJCOPY    := objcopy
HOSTCC     ?= gcc
CLANG      ?= clang
PYTHON     ?= python3

GCC_INC    := $(shell $(CC) -print-file-name=include)

# Flags shared by every freestanding image (vtlguard, hvsim, VTL0 test guests).
FREESTANDING_CFLAGS := -std=c11 -Wall -Wextra -Werror -O2 -g \
	-ffreestanding -fno-builtin -nostdlib -nostdinc -fno-common \
	-isystem core/libc/include -isystem $(GCC_INC) -isystem $(BUILD)/sysinc \
	-I. -I$(BUILD)/include \
	-mno-red-zone -fno-omit-frame-pointer -fstack-protector-strong \
	-mcmodel=small -fPIE -fno-plt -fno-asynchronous-unwind-tables \
	-fcf-protection=none -mgeneral-regs-only -MMD -MP \
	-D__VTLGUARD_FREESTANDING__=1

# The VTL1 image may use SSE (BearSSL does) but our own code stays in general
# registers so that intercept and VTL-call paths never touch vector state.
VTL1_CFLAGS := $(FREESTANDING_CFLAGS) $(EXTRA_CFLAGS)
VTL1_ASFLAGS := $(filter-out -std=c11 -mgeneral-regs-only,$(FREESTANDING_CFLAGS)) -D__ASSEMBLY__

HOST_CFLAGS := -std=c11 -Wall -Wextra -Werror -O1 -g -fno-omit-frame-pointer \
	-D_GNU_SOURCE -I. -I$(BUILD)/include -MMD -MP -DVTLGUARD_HOST=1
SAN_FLAGS := -fsanitize=address,undefined -fno-sanitize-recover=all

VTL1_SRCS      :=
VTL1_EXTRA_OBJS :=
HOST_UNIT_SRCS :=
HOST_UNIT_EXTRA_OBJS :=
HOST_UNIT_LIBS :=
GEN_HEADERS    :=
HOST_TOOLS     :=
TEST_SUITES    :=
ALL_TARGETS    :=

.PHONY: all test run bench qemu lint lint-cppcheck clean fuzz FORCE
all: all-targets

# Images (vtlguard, hvsim): PIEs linked at 0 (linker/image.ld) that relocate
# themselves to IMAGE_VBASE.
# libfdt and BearSSL come from Debian's static libraries, never from copies.
LIBDIR      := /usr/lib/x86_64-linux-gnu
IMAGE_LIBS  := $(LIBDIR)/libbearssl.a $(LIBDIR)/libfdt.a
IMAGE_LDFLAGS := -pie --no-dynamic-linker -z text -z max-page-size=0x200000 \
	-z noexecstack -z norelro --gc-sections -T linker/image.ld
obj_of = $(patsubst %,$(BUILD)/$(1)/%.o,$(basename $(2)))

# ------------------------------------------------------------------ fragments
FRAGMENTS := $(sort $(wildcard */build.mk */*/build.mk */*/*/build.mk))
include $(FRAGMENTS)

# ------------------------------------------------------- sysinc (ext headers)
# The freestanding builds cannot see /usr/include (glibc headers would leak
# in), so the two Debian libraries' headers are linked into build/sysinc.
SYSINC_STAMP := $(BUILD)/sysinc/.stamp
$(SYSINC_STAMP):
	$(Q)mkdir -p $(BUILD)/sysinc
	$(Q)for h in libfdt.h libfdt_env.h fdt.h bearssl.h; do ln -sf /usr/include/$$h $(BUILD)/sysinc/$$h; done
	$(Q)for h in /usr/include/bearssl_*.h; do [ -e "$$h" ] && ln -sf $$h $(BUILD)/sysinc/; done; true
	$(Q)touch $@
GEN_HEADERS += $(SYSINC_STAMP)

# ------------------------------------------------------------- pattern rules
$(BUILD)/vtl1/%.o: %.c | $(GEN_HEADERS)
	$(call msg,CC,$<)
	$(Q)mkdir -p $(dir $@)
	$(Q)$(CC) $(VTL1_CFLAGS) -c $< -o $@

$(BUILD)/vtl1/%.o: %.S | $(GEN_HEADERS)
	$(call msg,AS,$<)
	$(Q)mkdir -p $(dir $@)
	$(Q)$(CC) $(VTL1_ASFLAGS) -c $< -o $@

$(BUILD)/host/%.o: %.c | $(GEN_HEADERS)
	$(call msg,HOSTCC,$<)
	$(Q)mkdir -p $(dir $@)
	$(Q)$(HOSTCC) $(HOST_CFLAGS) $(SAN_FLAGS) -c $< -o $@

# ----------------------------------------------------------- host unit tests
HOST_UNIT_OBJS := $(patsubst %.c,$(BUILD)/host/%.o,$(sort $(HOST_UNIT_SRCS)))
UNIT_RUNNER := $(BUILD)/host/unit-tests
$(UNIT_RUNNER): $(HOST_UNIT_OBJS) $(HOST_UNIT_EXTRA_OBJS)
	$(call msg,HOSTLD,$@)
	$(Q)$(HOSTCC) $(SAN_FLAGS) -o $@ $^ $(sort $(HOST_UNIT_LIBS))

TEST_SUITES := unit $(TEST_SUITES)
.PHONY: suite-unit
suite-unit: $(UNIT_RUNNER)
	$(Q)ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 $(UNIT_RUNNER)

# ------------------------------------------------------------ the VTL1 image
VTL1_OBJS := $(call obj_of,vtl1,$(sort $(VTL1_SRCS)))

$(BUILD)/vtlguard.elf: $(VTL1_OBJS) $(VTL1_EXTRA_OBJS) linker/image.ld
	$(call msg,LD,$@)
	$(Q)$(LD) $(IMAGE_LDFLAGS) -Map=$(BUILD)/vtlguard.map -o $@ $(VTL1_OBJS) $(VTL1_EXTRA_OBJS) $(IMAGE_LIBS)
	$(Q)tools/check-image $@

$(BUILD)/vtlguard.stripped.elf: $(BUILD)/vtlguard.elf
	$(call msg,STRIP,$@)
	$(Q)$(OBJCOPY) --strip-all $< $@

ALL_TARGETS += $(BUILD)/vtlguard.elf $(BUILD)/vtlguard.stripped.elf

# -------------------------------------------------- stock QEMU smoke boot
QEMU       ?= qemu-system-x86_64
QEMU_ACCEL ?= auto
QEMU_APPEND ?=
# The main demo: vtlguard protecting the VTL0 test kernel under hvsim, with a
# readable report (tests/vtl0/run --demo). Exits 0 only if every case passed.
run: demo-vtl0

qemu: $(BUILD)/vtlguard.elf
	$(Q)tools/qemu-smoke --accel $(QEMU_ACCEL) --append "$(QEMU_APPEND)" $(BUILD)/vtlguard.elf; \
	st=$$?; if [ $$st -eq 33 ]; then echo "make qemu: booted, self-tests passed, no VSM reported (QEMU status 33): OK"; \
	else echo "make qemu: unexpected QEMU status $$st (33 = clean boot without VSM, 35 = self-test failed, 37 = panic)"; exit 1; fi

TEST_SUITES += smoke
.PHONY: suite-smoke
suite-smoke: $(BUILD)/vtlguard.elf
	$(Q)tests/smoke/run $(BUILD)/vtlguard.elf

all-targets: $(ALL_TARGETS) $(HOST_TOOLS) $(UNIT_RUNNER)

# -------------------------------------------------------------- test driver
# Every suite runs even when an earlier one failed; tools/run-suites prints one
# line per suite and the grand total "N passed, N failed".
test: all-targets
	$(Q)tools/run-suites $(BUILD)/test-logs $(TEST_SUITES)

# ------------------------------------------------------------------- lint
# cppcheck over every C file we own (generated headers included via -I).
LINT_DIRS ?= arch core hv south_lvbs north vtl_protect tools tests
CPPCHECK_FLAGS := --enable=warning,style,performance,portability --std=c11 \
	--error-exitcode=1 --inline-suppr --quiet -I. -I$(BUILD)/include \
	-D__x86_64__ -D__GNUC__ --suppress=missingIncludeSystem \
	--suppress=unusedFunction --suppress=*:/usr/include/*
# clang-tidy (.clang-tidy) and gcc -fanalyzer on the VTL1 sources come from
# tools/lint/build.mk as lint-tidy and lint-analyzer.
lint: lint-cppcheck lint-tidy lint-analyzer
lint-cppcheck: | $(GEN_HEADERS)
	$(call msg,CPPCHECK,$(LINT_DIRS))
	$(Q)cppcheck $(CPPCHECK_FLAGS) $(wildcard $(LINT_DIRS))

# ----------------------------------------------------------------- cleaning
clean:
	rm -rf $(BUILD)

-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)
