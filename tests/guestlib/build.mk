# tests/guestlib: runtime for freestanding 64-bit hvsim/Hyper-V test guests.
# A guest links $(GUESTLIB_OBJS) with its own objects using $(GUEST_LINK).
GUEST_CFLAGS := $(filter-out -fPIE -fstack-protector-strong,$(FREESTANDING_CFLAGS)) \
	-fno-pie -fno-stack-protector
GUEST_ASFLAGS := $(filter-out -std=c11 -mgeneral-regs-only -fPIE,$(FREESTANDING_CFLAGS)) \
	-fno-pie -D__ASSEMBLY__
GUESTLIB_SRCS := tests/guestlib/guestlib.c core/fmt.c core/libc/string.c
GUESTLIB_OBJS := $(patsubst %.c,$(BUILD)/guest/%.o,$(GUESTLIB_SRCS)) \
	$(BUILD)/guest/tests/guestlib/entry.o
GUEST_LINK = $(LD) -nostdlib -static -no-pie -z max-page-size=4096 -z noexecstack \
	--no-warn-rwx-segments -T tests/guestlib/guest.ld

$(BUILD)/guest/%.o: %.c | $(GEN_HEADERS)
	$(call msg,CC,$<)
	$(Q)mkdir -p $(dir $@)
	$(Q)$(CC) $(GUEST_CFLAGS) -c $< -o $@

$(BUILD)/guest/%.o: %.S | $(GEN_HEADERS)
	$(call msg,AS,$<)
	$(Q)mkdir -p $(dir $@)
	$(Q)$(CC) $(GUEST_ASFLAGS) -c $< -o $@
.SECONDARY: $(GUESTLIB_OBJS)
