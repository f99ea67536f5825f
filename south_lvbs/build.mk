# south_lvbs/: the LVBS South platform (image entry for vtlguard).
SOUTH_PORTABLE := south_lvbs/bootinfo.c south_lvbs/regmap.c
VTL1_SRCS += south_lvbs/main.c south_lvbs/lvbs_main.c south_lvbs/south.c \
	south_lvbs/window.c south_lvbs/selfprotect.c south_lvbs/smp.c south_lvbs/version.c \
	$(SOUTH_PORTABLE)
HOST_UNIT_SRCS += $(SOUTH_PORTABLE) tests/south/test_bootinfo.c tests/south/test_regmap.c
