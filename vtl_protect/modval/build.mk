# vtl_protect/modval/: module and kexec signature validation (portable C over
# BearSSL).  The same sources go into the VTL1 image, the host unit tests and
# the modcheck host tool.
MODVAL_SRCS := vtl_protect/modval/der.c vtl_protect/modval/crypto.c \
	vtl_protect/modval/trust.c vtl_protect/modval/pkcs7.c \
	vtl_protect/modval/modsig.c vtl_protect/modval/modelf.c \
	vtl_protect/modval/kelf.c vtl_protect/modval/modsites.c \
	vtl_protect/modval/authenticode.c vtl_protect/modval/modval.c \
	vtl_protect/modval/selftest.c vtl_protect/modval/ksym.c vtl_protect/modval/kfill.c vtl_protect/modval/scsites.c \
	vtl_protect/modval/hooks.c
VTL1_SRCS += $(MODVAL_SRCS)
HOST_UNIT_SRCS += $(MODVAL_SRCS)
HOST_UNIT_LIBS += -lbearssl

# Debian installs BearSSL's headers under /usr/include/bearssl/ and
# <bearssl.h> includes "bearssl/bearssl.h"; the freestanding build only sees
# build/sysinc, so that directory needs a bearssl/ link too.
MODVAL_SYSINC := $(BUILD)/sysinc/bearssl/bearssl.h
$(MODVAL_SYSINC):
	$(Q)mkdir -p $(BUILD)/sysinc
	$(Q)[ -e $(BUILD)/sysinc/bearssl ] || ln -sfn /usr/include/bearssl $(BUILD)/sysinc/bearssl
GEN_HEADERS += $(MODVAL_SYSINC)

# Compile-only check of the freestanding objects (the image link is owned by
# the boot layer): `make modval-vtl1`.
.PHONY: modval-vtl1
modval-vtl1: $(patsubst %.c,$(BUILD)/vtl1/%.o,$(MODVAL_SRCS))
