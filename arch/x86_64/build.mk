# arch/x86_64: CPU bring-up shared by every freestanding image.
ARCH_SRCS := arch/x86_64/entry.S arch/x86_64/idt.S arch/x86_64/early.c \
	arch/x86_64/setup.c arch/x86_64/mm.c arch/x86_64/paging.c arch/x86_64/reloc.c \
	arch/x86_64/traps.c arch/x86_64/serial.c arch/x86_64/panic.c arch/x86_64/smp.c arch/x86_64/fpu.c
VTL1_SRCS += $(ARCH_SRCS)
HOST_UNIT_SRCS += arch/x86_64/paging.c arch/x86_64/reloc.c \
	tests/arch/test_paging.c tests/arch/test_reloc.c
