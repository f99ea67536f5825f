# vtl_protect/: the policy engine (vtl_protect/modval/ has its own fragment).
VTLP_SRCS := vtl_protect/dispatch.c vtl_protect/chain.c vtl_protect/prot.c \
	vtl_protect/lock_regs.c vtl_protect/violation.c vtl_protect/kdata.c \
	vtl_protect/patch.c vtl_protect/ringbuf.c vtl_protect/measure.c \
	vtl_protect/policy.c

VTL1_SRCS      += $(VTLP_SRCS)
HOST_UNIT_SRCS += $(VTLP_SRCS) $(wildcard tests/vtl_protect/*.c)
HOST_UNIT_LIBS += -lfdt -lbearssl

# The built-in default policy: default.dts -> dtb -> C array header.
VTLP_POLICY_DTB := $(BUILD)/vtl_protect/default.dtb
VTLP_POLICY_H   := $(BUILD)/include/vtl_protect/default_policy.h
GEN_HEADERS     += $(VTLP_POLICY_H)

$(VTLP_POLICY_DTB): vtl_protect/policy/default.dts
	$(call msg,DTC,$<)
	$(Q)mkdir -p $(dir $@)
	$(Q)dtc -q -I dts -O dtb -o $@ $<

$(VTLP_POLICY_H): $(VTLP_POLICY_DTB)
	$(call msg,GEN,$@)
	$(Q)mkdir -p $(dir $@)
	$(Q){ echo '/* Generated from vtl_protect/policy/default.dts by vtl_protect/build.mk. */'; \
	  echo 'static const unsigned char vtlp_default_policy_dtb[] __attribute__((aligned(8))) = {'; \
	  od -An -v -tx1 $< | sed -e 's/ *\([0-9a-f][0-9a-f]\)/0x\1, /g'; \
	  echo '};'; } > $@.tmp && mv $@.tmp $@
