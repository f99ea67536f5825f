# south_lvbs/: the LVBS South platform (image entry for vtlguard).
VTL1_SRCS += south_lvbs/main.c south_lvbs/lvbs_main.c
