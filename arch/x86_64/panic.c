// SPDX-License-Identifier: MIT
/*
 * panic(), the stack-protector and fortify failure hooks.  A panic prints
 * the message and a frame-pointer backtrace on the raw console (no locks: the
 * CPU that panicked may hold the console lock), tells stock QEMU to exit with
 * a distinct status, and stops the CPU.
 */
#include <stdarg.h>
#include "arch/x86_64/boot.h"
#include "arch/x86_64/cpu.h"
#include "arch/x86_64/percpu.h"
#include "arch/x86_64/serial.h"
#include "core/fmt.h"
#include "core/libc/libc.h"
#include "core/panic.h"

#define QEMU_EXIT_PANIC 0x12

static int panicking;
static unsigned int panic_status = QEMU_EXIT_PANIC;

void arch_set_panic_status(unsigned int code)
{
	panic_status = code;
}

static void raw_printf(const char *fmt, ...)
{
	char buf[256];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintk(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	serial_write_raw(buf, n < (int)sizeof(buf) ? (size_t)n : sizeof(buf) - 1);
}

static int plausible_frame(uint64_t fp)
{
	/* Only follow frames inside the image's high half and 8-aligned, so a
	 * corrupted chain ends the trace instead of faulting again. */
	return fp >= 0xffff800000000000ULL && !(fp & 7) && fp < ~0xfffULL;
}

static void backtrace(void)
{
	uint64_t fp = (uint64_t)(uintptr_t)read_frame_pointer();

	raw_printf("backtrace (resolve with: addr2line -f -e build/<image>.elf OFFSET):\n");
	for (int depth = 0; depth < 24 && plausible_frame(fp); depth++) {
		const uint64_t *frame = (const uint64_t *)(uintptr_t)fp;
		uint64_t ret = frame[1];

		if (!ret)
			break;
		raw_printf("  #%-2d %016lx  offset %#lx\n", depth, ret, ret - IMAGE_VBASE);
		if (frame[0] <= fp)
			break; /* the stack grows down: callers are above */
		fp = frame[0];
	}
}

__noreturn void panic(const char *fmt, ...)
{
	char buf[256];
	va_list ap;
	int n;

	irq_disable();
	if (__atomic_fetch_add(&panicking, 1, __ATOMIC_SEQ_CST) > 2)
		halt_forever(); /* a panic inside a panic: just stop */
	va_start(ap, fmt);
	n = vsnprintk(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	raw_printf("\nPANIC on CPU %u: ", this_cpu_id());
	serial_write_raw(buf, n < (int)sizeof(buf) ? (size_t)n : sizeof(buf) - 1);
	raw_printf("\n");
	backtrace();
	raw_printf("system halted\n");
	arch_qemu_exit(panic_status);
	halt_forever();
}

void __stack_chk_fail(void);
__attribute__((optimize("no-stack-protector"))) void __stack_chk_fail(void)
{
	panic("stack smashing detected (canary at %%fs:0x28 overwritten)");
}

void libc_fortify_fail(const char *what)
{
	panic("buffer overflow detected in %s (fortify check)", what);
}
