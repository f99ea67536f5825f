# tools/modcheck: offline module signature checker, built from the same
# validation code as VTL1 (vtl_protect/modval/) plus core's formatter/logger.
# (Fragments are read in path order, so this one cannot use MODVAL_SRCS.)
# .ko.xz/.ko.zst/.ko.gz inputs are read with Debian's liblzma, libzstd, zlib.
MODCHECK := $(BUILD)/host/modcheck
# The validation code without the VSM-call glue (hooks.c needs the engine).
MODVAL_PORTABLE_SRCS := $(filter-out vtl_protect/modval/hooks.c,$(sort $(wildcard vtl_protect/modval/*.c)))
MODCHECK_SRCS := tools/modcheck/modcheck.c tools/modcheck/decompress.c tools/modcheck/loaded.c \
	$(MODVAL_PORTABLE_SRCS) \
	core/fmt.c core/log.c core/errno.c
MODCHECK_OBJS := $(patsubst %.c,$(BUILD)/host-tool/%.o,$(MODCHECK_SRCS))
HOST_TOOLS += $(MODCHECK)

# MODCHECK_CFLAGS / MODCHECK_LDFLAGS: extra flags for a distribution build
# (debian/rules passes dpkg-buildflags' hardening flags).
MODCHECK_CFLAGS ?=
MODCHECK_LDFLAGS ?=
$(BUILD)/host-tool/%.o: %.c | $(GEN_HEADERS)
	$(call msg,HOSTCC,$<)
	$(Q)mkdir -p $(dir $@)
	$(Q)$(HOSTCC) $(HOST_CFLAGS) -O2 $(MODCHECK_CFLAGS) -c $< -o $@

$(MODCHECK): $(MODCHECK_OBJS)
	$(call msg,HOSTLD,$@)
	$(Q)mkdir -p $(dir $@)
	$(Q)$(HOSTCC) $(MODCHECK_LDFLAGS) -o $@ $^ -lbearssl -llzma -lzstd -lz
