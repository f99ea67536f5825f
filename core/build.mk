# core/: the portable library-OS core (also compiled for host unit tests).
CORE_SRCS := core/fmt.c core/log.c core/errno.c core/page_alloc.c core/kmalloc.c \
	core/fdt_untrusted.c core/cpu_table.c
VTL1_SRCS += $(CORE_SRCS) core/libc/string.c
HOST_UNIT_SRCS += $(CORE_SRCS) core/libc/string.c \
	tests/core/test_fmt.c tests/core/test_string.c tests/core/test_alloc.c \
	tests/core/test_log.c tests/core/host_support.c tests/core/test_fdt_untrusted.c \
	tests/core/test_cpu_table.c
VTL1_SRCS += core/selftest.c
VTL1_EXTRA_OBJS += $(BUILD)/vtl1/core/selftest_dtb.o
HOST_UNIT_SRCS += core/selftest.c tests/core/test_selftest.c
HOST_UNIT_EXTRA_OBJS += $(BUILD)/host/core/selftest_dtb.o
HOST_UNIT_LIBS += -lfdt -lbearssl

# The self-test DTB is compiled with dtc and linked in as read-only data.
$(BUILD)/selftest.dtb: core/selftest.dts
	$(call msg,DTC,$<)
	$(Q)mkdir -p $(dir $@)
	$(Q)dtc -q -I dts -O dtb -o $@ $<

$(BUILD)/vtl1/core/selftest_dtb.o $(BUILD)/host/core/selftest_dtb.o: $(BUILD)/selftest.dtb
	$(call msg,BIN2O,$@)
	$(Q)mkdir -p $(dir $@)
	$(Q)cd $(BUILD) && $(LD) -r -b binary -z noexecstack -o $(abspath $@) selftest.dtb
	$(Q)$(OBJCOPY) --rename-section .data=.rodata,alloc,load,readonly,data,contents \
		--set-section-alignment .data=8 \
		--redefine-sym _binary_selftest_dtb_start=selftest_dtb \
		--redefine-sym _binary_selftest_dtb_end=selftest_dtb_end $@
