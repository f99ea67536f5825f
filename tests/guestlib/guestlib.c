// SPDX-License-Identifier: MIT
/* Test-guest runtime, C half (see guestlib.h). */
#include "tests/guestlib/guestlib.h"

#include <stdarg.h>

#include "core/fmt.h"
#include "core/libc/libc.h"
#include "tools/hvsim/hvdefs.h"

struct gl_results gl_results;
struct gl_fault gl_last_fault;
volatile unsigned int gl_irq_count;
volatile uint64_t gl_irq_last_vector;
extern uint64_t gl_catch_rip;
extern char gl_exc_stubs[];

void *gl_memset(void *d, int c, size_t n)
{
	volatile uint8_t *p = d;
	while (n--)
		*p++ = (uint8_t)c;
	return d;
}

void *gl_memcpy(void *d, const void *s, size_t n)
{
	uint8_t *dd = d;
	const uint8_t *ss = s;
	while (n--)
		*dd++ = *ss++;
	return d;
}

static void puts_raw(const char *s)
{
	while (*s)
		gl_outb(HVSIM_CONSOLE_PORT, (uint8_t)*s++);
}

void gl_printf(const char *fmt, ...)
{
	char buf[256];
	size_t flen = strlen(fmt);
	int n;
	va_list ap;
	va_start(ap, fmt);
	n = vsnprintk(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	/* A cut line must still end where the caller ended it: the runner
	 * reads the console line by line, and a lost newline glues the next
	 * PASS/FAIL line onto this one. */
	if (n >= (int)sizeof(buf) && flen && fmt[flen - 1] == '\n')
		memcpy(buf + sizeof(buf) - 5, "...\n", 5);
	puts_raw(buf);
}

void (*gl_check_hook)(const char *name);

void gl_check(bool ok, const char *name, const char *fmt, ...)
{
	char buf[200];
	va_list ap;
	if (gl_check_hook)
		gl_check_hook(name);
	va_start(ap, fmt);
	vsnprintk(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (ok)
		gl_results.passed++;
	else
		gl_results.failed++;
	gl_printf("%s %s%s%s\n", ok ? "PASS" : "FAIL", name, ok ? "" : ": ", ok ? "" : buf);
}

int gl_summary(void)
{
	gl_printf("%u passed, %u failed\n", gl_results.passed, gl_results.failed);
	return gl_results.failed ? 1 : 0;
}

void gl_exit(int code)
{
	for (;;)
		gl_outb(HVSIM_EXIT_PORT, (uint8_t)code);
}

/* ---- exceptions ---- */
void gl_exception(struct gl_frame *f);
void gl_exception(struct gl_frame *f)
{
	if (f->vector >= 32) {
		gl_irq_count++;
		gl_irq_last_vector = f->vector;
		return;
	}
	gl_last_fault.vector = f->vector;
	gl_last_fault.error = f->error;
	gl_last_fault.rip = f->rip;
	gl_last_fault.count++;
	if (gl_catch_rip) {
		f->rip = gl_catch_rip;
		gl_catch_rip = 0;
		return;
	}
	gl_printf("FAIL unexpected exception %llu err %#llx at %#llx\n",
		  (unsigned long long)f->vector, (unsigned long long)f->error,
		  (unsigned long long)f->rip);
	gl_results.failed++;
	gl_summary();
	gl_exit(3);
}

void gl_setup_idt(void *idt_page)
{
	uint64_t *idt = idt_page;
	struct __attribute__((packed)) { uint16_t limit; uint64_t base; } d;

	for (int v = 0; v < 256; v++) {
		uint64_t h = (uint64_t)(uintptr_t)gl_exc_stubs + 16 * (uint64_t)(v < 32 ? v : 32);
		idt[2 * v] = (h & 0xFFFF) | (0x08ull << 16) | (0x8E00ull << 32) |
			     ((h >> 16) & 0xFFFF) << 48;
		idt[2 * v + 1] = h >> 32;
	}
	d.limit = 256 * 16 - 1;
	d.base = (uint64_t)(uintptr_t)idt;
	gl_lidt(&d);
}

/* ---- Hyper-V ---- */
int gl_hv_init(void *page)
{
	uint32_t r[4];

	gl_cpuid(HYPERV_CPUID_INTERFACE, 0, r);
	if (r[0] != 0x31237648)
		return -1;
	gl_wrmsr(HV_X64_MSR_GUEST_OS_ID, 0x8100000000000001ull); /* open source, "vtlguard tests" */
	gl_wrmsr(HV_X64_MSR_HYPERCALL, (uint64_t)(uintptr_t)page | 1);
	return 0;
}

uint64_t gl_hvcall_rep(uint64_t page, uint16_t code, unsigned int reps, void *in, void *out)
{
	unsigned int done = 0;
	uint64_t r;

	do {
		uint64_t ctl = code | ((uint64_t)reps << 32) | ((uint64_t)done << 48);
		r = gl_hvcall(page, ctl, (uint64_t)(uintptr_t)in, (uint64_t)(uintptr_t)out);
		done = gl_hv_reps(r);
	} while (gl_hv_status(r) == 0 && done < reps);
	return r;
}

static void put_seg(uint8_t *c, uint64_t base, uint32_t limit, uint16_t sel, uint16_t attr)
{
	gl_memcpy(c, &base, 8);
	gl_memcpy(c + 8, &limit, 4);
	gl_memcpy(c + 12, &sel, 2);
	gl_memcpy(c + 14, &attr, 2);
}

void gl_make_context(uint8_t ctx[224], uint64_t rip, uint64_t rsp)
{
	struct __attribute__((packed)) { uint16_t limit; uint64_t base; } gdt;
	uint64_t v;

	gl_memset(ctx, 0, 224);
	gl_sgdt(&gdt);
	gl_memcpy(ctx, &rip, 8);
	gl_memcpy(ctx + 8, &rsp, 8);
	v = 2;
	gl_memcpy(ctx + 16, &v, 8);
	put_seg(ctx + 24, 0, 0xFFFFFFFF, 0x08, 0xA09B);     /* cs */
	for (int i = 1; i < 6; i++)                          /* ds es fs gs ss */
		put_seg(ctx + 24 + 16 * i, 0, 0xFFFFFFFF, 0x10, 0xC093);
	put_seg(ctx + 24 + 16 * 6, 0, 0x67, 0, 0x8B);        /* tr */
	put_seg(ctx + 24 + 16 * 7, 0, 0, 0, 0x82);           /* ldtr */
	/* idtr left empty: VTL1 loads its own */
	gl_memcpy(ctx + 168 + 6, &gdt.limit, 2);
	gl_memcpy(ctx + 176, &gdt.base, 8);
	v = (1ull << 8) | (1ull << 10) | (1ull << 11) | 1;   /* LME LMA NXE SCE */
	gl_memcpy(ctx + 184, &v, 8);
	v = gl_read_cr0();
	gl_memcpy(ctx + 192, &v, 8);
	v = gl_read_cr3();
	gl_memcpy(ctx + 200, &v, 8);
	v = gl_read_cr4();
	gl_memcpy(ctx + 208, &v, 8);
	v = 0x0007040600070406ull;
	gl_memcpy(ctx + 216, &v, 8);
}

static uint64_t rng = 0x9E3779B97F4A7C15ull;
void gl_srand(uint64_t seed) { rng = seed ? seed : 1; }
uint64_t gl_rand(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

/* ---- entry ---- */
int gl_main(const struct hvsim_boot_info *bi);
void gl_start(const struct hvsim_boot_info *bi);
void gl_start(const struct hvsim_boot_info *bi)
{
	gl_exit(gl_main(bi));
}

/* Guests that enable VTL1 define gl_vtl1_entry (called on VTL1's stack). */
__attribute__((weak)) void gl_vtl1_entry(void);
__attribute__((weak)) void gl_vtl1_entry(void)
{
	gl_printf("FAIL VTL1 entered but this guest has no VTL1 code\n");
	gl_exit(126);
}

/* core/libc's fortified copies report overflows here. */
void libc_fortify_fail(const char *what)
{
	gl_printf("guest: buffer overflow in %s\n", what);
	gl_exit(99);
}
