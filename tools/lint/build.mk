# tools/lint: static analysis beyond the Makefile's cppcheck `lint` target.
#
#   make lint-tidy      clang-tidy (checked-in .clang-tidy) over our C sources:
#                       portable code and host tools with host flags, the
#                       image-only VTL1 code and the hvsim model with their
#                       freestanding flags
#   make lint-analyzer  gcc -fanalyzer over every VTL1 and hvsim image source,
#                       with the images' own flags (-Werror: any finding fails)
#
# Source lists are expanded when the recipe runs, after every fragment has
# added its files.  LINT_JOBS sets clang-tidy's parallelism.
CLANG_TIDY    ?= clang-tidy
CLANG_RES_INC := $(shell $(CLANG) -print-resource-dir 2>/dev/null)/include

LINT_HOST_FLAGS := -std=c11 -I. -I$(BUILD)/include -DVTLGUARD_HOST=1 -D_GNU_SOURCE
# The image's flags for clang: gcc-only options and dependency output dropped,
# clang's own freestanding headers instead of gcc's.
LINT_FS_FLAGS := -std=c11 -ffreestanding -fno-builtin -nostdinc -isystem core/libc/include \
	-isystem $(CLANG_RES_INC) -isystem $(BUILD)/sysinc -I. -I$(BUILD)/include \
	-mno-red-zone -mgeneral-regs-only -D__VTLGUARD_FREESTANDING__=1
LINT_HVSIM_FLAGS := $(LINT_FS_FLAGS)

# Recursive (=) so they see every fragment's additions.
LINT_VTL1_C     = $(sort $(filter %.c,$(VTL1_SRCS)))
LINT_IMAGE_ONLY = $(filter-out $(HOST_UNIT_SRCS),$(LINT_VTL1_C))
LINT_PORTABLE   = $(filter $(HOST_UNIT_SRCS),$(LINT_VTL1_C))
LINT_HOST_TOOLS = $(sort $(wildcard tools/modcheck/*.c tools/vtlguardctl/*.c tests/fuzz/*.c tests/bench/*.c))
LINT_HVSIM      = $(sort $(wildcard tools/hvsim/*.c))

.PHONY: lint-tidy lint-analyzer
lint-tidy: | $(GEN_HEADERS)
	$(call msg,TIDY,portable + host tools / VTL1 image-only / hvsim)
	$(Q)fail=0; export CLANG_TIDY=$(CLANG_TIDY); \
	tools/lint/run-tidy host "$(LINT_HOST_FLAGS)" $(LINT_PORTABLE) $(LINT_HOST_TOOLS) || fail=1; \
	tools/lint/run-tidy vtl1 "$(LINT_FS_FLAGS)" $(LINT_IMAGE_ONLY) || fail=1; \
	tools/lint/run-tidy hvsim "$(LINT_HVSIM_FLAGS)" $(LINT_HVSIM) || fail=1; \
	exit $$fail

# -fanalyzer needs code generation (not -fsyntax-only); objects go nowhere.
LINT_ANALYZER_FLAGS = $(filter-out -MMD -MP,$(VTL1_CFLAGS)) -fanalyzer
LINT_ANALYZE_C = $(sort $(LINT_VTL1_C) $(filter %.c,$(HVSIM_SRCS)))
lint-analyzer: | $(GEN_HEADERS)
	$(call msg,ANALYZE,$(words $(LINT_ANALYZE_C)) VTL1 and hvsim sources)
	$(Q)fail=0; for f in $(LINT_ANALYZE_C); do \
		$(CC) $(LINT_ANALYZER_FLAGS) -c $$f -o /dev/null || { echo "  ANALYZER: $$f"; fail=1; }; \
	done; \
	if [ $$fail -ne 0 ]; then echo "gcc -fanalyzer: findings above"; exit 1; fi; \
	echo "gcc -fanalyzer: $(words $(LINT_ANALYZE_C)) VTL1 and hvsim sources clean"
