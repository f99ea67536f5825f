// SPDX-License-Identifier: MIT
#include <stdint.h>
#include "arch/x86_64/cpu.h"
#include "arch/x86_64/percpu.h"
#include "arch/x86_64/traps.h"
#include "core/compiler.h"
#include "core/fmt.h"
#include "core/log.h"
#include "core/panic.h"

struct idt_entry {
	uint16_t off_lo;
	uint16_t sel;
	uint8_t ist;
	uint8_t type;
	uint16_t off_mid;
	uint32_t off_hi;
	uint32_t zero;
} __packed;

static struct idt_entry idt[256] __aligned(16);
static trap_handler_fn handlers[256];
extern const uint8_t trap_stubs[];

static const char *const exc_names[32] = {
	"#DE divide error", "#DB debug", "NMI", "#BP breakpoint", "#OF overflow",
	"#BR bound range", "#UD invalid opcode", "#NM device not available",
	"#DF double fault", "coprocessor overrun", "#TS invalid TSS", "#NP segment not present",
	"#SS stack fault", "#GP general protection", "#PF page fault", "reserved",
	"#MF x87 error", "#AC alignment check", "#MC machine check", "#XM SIMD error",
	"#VE virtualization", "#CP control protection", "reserved", "reserved",
	"reserved", "reserved", "reserved", "reserved", "#HV hypervisor injection",
	"#VC VMM communication", "#SX security", "reserved",
};

void idt_init(void)
{
	for (unsigned v = 0; v < 256; v++) {
		uint64_t a = (uint64_t)(uintptr_t)(trap_stubs + v * 16);

		idt[v].off_lo = (uint16_t)a;
		idt[v].sel = 0x08;
		idt[v].ist = v == 8 ? IST_DF : v == 2 ? IST_NMI : v == 18 ? IST_MC : 0;
		idt[v].type = 0x8E; /* present, DPL 0, interrupt gate */
		idt[v].off_mid = (uint16_t)(a >> 16);
		idt[v].off_hi = (uint32_t)(a >> 32);
		idt[v].zero = 0;
	}
}

void idt_load(void)
{
	struct {
		uint16_t limit;
		uint64_t base;
	} __packed d = { sizeof(idt) - 1, (uint64_t)(uintptr_t)idt };

	__asm__ __volatile__("lidt %0" ::"m"(d));
}

void idt_describe(uint64_t *base, uint16_t *limit);
void idt_describe(uint64_t *base, uint16_t *limit)
{
	*base = (uint64_t)(uintptr_t)idt;
	*limit = sizeof(idt) - 1;
}

void trap_set_handler(unsigned int vector, trap_handler_fn fn)
{
	if (vector < 256)
		__atomic_store_n(&handlers[vector], fn, __ATOMIC_RELEASE);
}

static void describe_pf(uint64_t err, char *buf, size_t n)
{
	snprintk(buf, n, "%s %s in %s mode%s%s%s",
		 err & 1 ? "protection violation" : "page not present",
		 err & 16 ? "on instruction fetch" : err & 2 ? "on write" : "on read",
		 err & 4 ? "user" : "supervisor", err & 8 ? ", reserved bit set" : "",
		 err & 32 ? ", protection key" : "", err & (1UL << 15) ? ", SGX" : "");
}

void trap_dump(const struct trap_frame *f)
{
	unsigned v = (unsigned)f->vector;

	log_error("CPU %u: exception %lu (%s), error code %#lx", this_cpu_id(), f->vector,
		  v < 32 ? exc_names[v] : "interrupt", f->error_code);
	if (v == 14) {
		char why[96];

		describe_pf(f->error_code, why, sizeof(why));
		log_error("  CR2 %016lx: %s", read_cr2(), why);
	}
	log_error("  RIP %04lx:%016lx RFLAGS %016lx RSP %04lx:%016lx", f->cs, f->rip,
		  f->rflags, f->ss, f->rsp);
	log_error("  RAX %016lx RBX %016lx RCX %016lx RDX %016lx", f->rax, f->rbx, f->rcx, f->rdx);
	log_error("  RSI %016lx RDI %016lx RBP %016lx R8  %016lx", f->rsi, f->rdi, f->rbp, f->r8);
	log_error("  R9  %016lx R10 %016lx R11 %016lx R12 %016lx", f->r9, f->r10, f->r11, f->r12);
	log_error("  R13 %016lx R14 %016lx R15 %016lx", f->r13, f->r14, f->r15);
	log_error("  CR0 %016lx CR3 %016lx CR4 %016lx", read_cr0(), read_cr3(), read_cr4());
}

void trap_dispatch(struct trap_frame *f);
void trap_dispatch(struct trap_frame *f)
{
	trap_handler_fn fn = __atomic_load_n(&handlers[f->vector & 255], __ATOMIC_ACQUIRE);

	if (fn) {
		fn(f);
		return;
	}
	trap_dump(f);
	panic("unhandled %s at RIP %#lx",
	      f->vector < 32 ? exc_names[f->vector] : "interrupt", f->rip);
}
