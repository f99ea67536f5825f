# core/: the portable library-OS core (also compiled for host unit tests).
CORE_SRCS := core/fmt.c core/log.c core/errno.c core/page_alloc.c core/kmalloc.c
VTL1_SRCS += $(CORE_SRCS) core/libc/string.c
HOST_UNIT_SRCS += $(CORE_SRCS) core/libc/string.c \
	tests/core/test_fmt.c tests/core/test_string.c tests/core/test_alloc.c \
	tests/core/test_log.c tests/core/host_support.c
