# tests/template: a template VTL0 program on tests/guestlib that boots
# vtlguard with the LVBS loader (tests/guestlib/lvbs_boot.c) and runs under
# hvsim.  Built by `make` and run by `make suite-template` (part of `make
# test`, ~3 s), so the template cannot rot.  docs/testing.md, "Your own VTL0
# program".
TEMPLATE_ELF  := $(BUILD)/template/template.elf
TEMPLATE_OBJS := $(BUILD)/guest/tests/template/template.o $(BUILD)/guest/tests/guestlib/lvbs_boot.o \
	$(BUILD)/guest/tests/vtl0/lvbs_loader.o

$(TEMPLATE_ELF): $(TEMPLATE_OBJS) $(GUESTLIB_OBJS) tests/guestlib/guest.ld
	$(call msg,LD,$@)
	$(Q)mkdir -p $(dir $@)
	$(Q)$(GUEST_LINK) -o $@ $(TEMPLATE_OBJS) $(GUESTLIB_OBJS)

ALL_TARGETS += $(TEMPLATE_ELF)
TEST_SUITES += template
.PHONY: suite-template
# the guest's PASS/FAIL lines and closing count; a run that ends without it
# (or with a non-zero status) is one more failure
suite-template: $(TEMPLATE_ELF) $(BUILD)/vtlguard.elf $(BUILD)/hvsim.elf
	$(Q)out=$$(tools/hvsim/run --timeout $(VTL0_TIMEOUT) --blob $(BUILD)/vtlguard.elf $(TEMPLATE_ELF) 2>&1); st=$$?; \
	printf '%s\n' "$$out" | sed -E 's/\r$$//' | sed -n 's/^\[vtl0\/vp0\] //p' | grep -E '^(PASS|FAIL|template:)'; \
	line=$$(printf '%s\n' "$$out" | sed -E 's/\r$$//' | sed -n 's/^\[vtl0\/vp0\] \([0-9]* passed, [0-9]* failed\)$$/\1/p' | tail -n 1); \
	if [ -z "$$line" ] || [ $$st -ne 0 ]; then \
		printf '%s\n' "$$out" | sed -E 's/\r$$//' | grep -E '^vtl1 ERROR|^\[hvsim\]' | head -n 10; \
		echo "FAIL template_run: status $$st, closing line \"$$line\""; \
		p=$${line%% passed*}; echo "$${p:-0} passed, $$(( $$(echo "$${line:-0 passed, 0 failed}" | sed -E 's/.* ([0-9]+) failed/\1/') + 1 )) failed"; exit 1; fi; \
	echo "$$line"
