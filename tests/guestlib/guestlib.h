/* SPDX-License-Identifier: MIT */
/*
 * gl_*: a tiny runtime for freestanding 64-bit test guests of hvsim (and of
 * Hyper-V): console output, PASS/FAIL accounting, exception catching, the
 * Hyper-V hypercall page and VTL call/return helpers, and the exit channel.
 *
 * A guest provides  int gl_main(const struct hvsim_boot_info *bi);  (VTL0)
 * and, when it enables VTL1, void gl_vtl1_main(void) (VTL1 entry via
 * gl_vtl1_start).  The return value of gl_main is the exit status.
 */
#ifndef TESTS_GUESTLIB_GUESTLIB_H
#define TESTS_GUESTLIB_GUESTLIB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "tools/hvsim/bootinfo.h"

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

/* ---- console and results ---- */
void gl_printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void gl_check(bool ok, const char *name, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* Called with each verdict's name before it is printed (NULL: none); the
 * VTL0 test kernel checks that every verdict has a description. */
extern void (*gl_check_hook)(const char *name);
#define GL_CHECK(cond, name) gl_check((cond), (name), "%s", #cond)
#define GL_CHECK_EQ(a, b, name)                                                     \
	do {                                                                        \
		unsigned long long a_ = (unsigned long long)(a), b_ = (unsigned long long)(b); \
		gl_check(a_ == b_, (name), "%s == %s (%#llx vs %#llx)", #a, #b, a_, b_); \
	} while (0)
struct gl_results {
	unsigned int passed, failed;
};
extern struct gl_results gl_results;
int gl_summary(void);                     /* prints "N passed, N failed"; 0 if none failed */
__attribute__((noreturn)) void gl_exit(int code);

/* ---- exceptions ---- */
struct gl_frame {
	uint64_t r11, r10, r9, r8, rdi, rsi, rdx, rcx, rax, rbx;
	uint64_t vector, error, rip, cs, rflags, rsp, ss;
};
struct gl_fault {
	uint64_t vector, error, rip;
	unsigned int count;
};
extern struct gl_fault gl_last_fault;
extern volatile unsigned int gl_irq_count;
extern volatile uint64_t gl_irq_last_vector;
void gl_setup_idt(void *idt_page);        /* 4 KiB page for this VTL's IDT */

/* probes: return 0 if the instruction completed, 1 if it faulted */
int gl_probe_write64(volatile void *p, uint64_t v);
int gl_probe_write8(volatile void *p, uint8_t v);  /* writes p+8 */
int gl_probe_read64(const volatile void *p, uint64_t *out);
int gl_probe_exec(void (*fn)(void));
int gl_probe_wrmsr(uint32_t msr, uint64_t v);
int gl_probe_rdmsr(uint32_t msr, uint64_t *out);
int gl_probe_xsetbv(uint64_t xcr0);
int gl_probe_xgetbv(uint64_t *out);
int gl_probe_mov_cr0(uint64_t v);
int gl_probe_mov_cr4(uint64_t v);
int gl_probe_lgdt(const void *desc);
int gl_probe_lidt(const void *desc);
int gl_probe_ltr(uint16_t sel);
int gl_probe_vmmcall(void);
int gl_probe_ud2(void);
extern char gl_probe_write64_insn[], gl_probe_write8_insn[], gl_probe_read64_insn[],
	gl_probe_wrmsr_insn[], gl_probe_mov_cr0_insn[], gl_probe_mov_cr4_insn[],
	gl_probe_lgdt_insn[], gl_probe_lidt_insn[], gl_probe_ltr_insn[];

/* ---- CPU accessors ---- */
void gl_outb(uint16_t port, uint8_t v);
uint8_t gl_inb(uint16_t port);
uint64_t gl_rdmsr(uint32_t msr);
void gl_wrmsr(uint32_t msr, uint64_t v);
void gl_cpuid(uint32_t leaf, uint32_t sub, uint32_t out[4]);
void gl_lidt(const void *desc);
void gl_lgdt(const void *desc);
void gl_sidt(void *desc);
void gl_sgdt(void *desc);
uint64_t gl_read_cr0(void), gl_read_cr3(void), gl_read_cr4(void);
void gl_sti_nop_cli(void);
void gl_pause(void);   /* PAUSE: under hvsim with several VPs, lets another VP run */
void gl_hlt(void);
void gl_xmm0_set(uint64_t v); /* SSE register probes (per-VP FPU state) */
uint64_t gl_xmm0_get(void);

/* ---- Hyper-V ---- */
/* Sets the guest OS id and enables the hypercall page at page (4 KiB, in
 * guest RAM, identity mapped); returns 0 or -1 when no Hyper-V is present. */
int gl_hv_init(void *page);
uint64_t gl_hvcall(uint64_t page, uint64_t control, uint64_t in, uint64_t out);
/* Rep call that re-issues on partial completion like Linux does. */
uint64_t gl_hvcall_rep(uint64_t page, uint16_t code, unsigned int reps, void *in, void *out);
void gl_vtl_call_regs(uint64_t entry, uint64_t regs[16]);
void gl_vtl_return_regs(uint64_t entry, const uint64_t set[16], uint64_t got[16], uint64_t rcx);
void gl_vtl1_start(void);

/* HV_INITIAL_VP_CONTEXT for a flat 64-bit context like hvsim's VTL0 one. */
void gl_make_context(uint8_t ctx[224], uint64_t rip, uint64_t rsp);

static inline uint64_t gl_hv_status(uint64_t r) { return r & 0xFFFF; }
static inline unsigned int gl_hv_reps(uint64_t r) { return (unsigned)((r >> 32) & 0xFFF); }

/* tiny PRNG for fuzzing */
uint64_t gl_rand(void);
void gl_srand(uint64_t seed);

void *gl_memset(void *d, int c, size_t n);
void *gl_memcpy(void *d, const void *s, size_t n);

#endif
