HOST_UNIT_SRCS += tests/unit/main.c
