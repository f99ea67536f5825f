/* SPDX-License-Identifier: MIT */
/*
 * Starting a physical CPU with INIT/SIPI (arch/x86_64/sipi_tramp.S): used by
 * tools/hvsim, which runs on bare QEMU and brings up its own CPUs.
 */
#ifndef ARCH_X86_64_SIPI_H
#define ARCH_X86_64_SIPI_H

#define SIPI_TRAMP_PA    0x8000 /* the trampoline page: SIPI vector 0x08 */

/* Data block in the trampoline page (offsets from the page start). */
#define SIPI_DATA        0xE00
#define SIPI_GDT         0xE00   /* null, 0x08 code32, 0x10 data, 0x18 code64 */
#define SIPI_GDTR        0xE20   /* limit, base (linear) */
#define SIPI_FAR32       0xE30   /* offset32, selector 0x08 */
#define SIPI_FAR64       0xE38   /* offset32, selector 0x18 */
#define SIPI_TCR3        0xE40   /* the temporary PML4 (below 4 GiB) */
#define SIPI_HIGH        0xE48   /* address of sipi_high */
#define SIPI_CTX_CR0     0xE50
#define SIPI_CTX_CR3     0xE58
#define SIPI_CTX_CR4     0xE60
#define SIPI_CTX_EFER    0xE68
#define SIPI_CTX_PAT     0xE70
#define SIPI_CTX_RSP     0xE78
#define SIPI_CTX_RIP     0xE80
#define SIPI_CTX_PERCPU  0xE88
#define SIPI_ALIVE       0xE90   /* the AP sets 1 before leaving the page */

#ifndef __ASSEMBLY__
#include <stdint.h>

/*
 * Start physical CPU `cpu` (local APIC ID apic_id) with INIT-SIPI-SIPI; it
 * enters image_ap_main(cpu).  Returns 0 once the AP has left the trampoline,
 * -ENOMEM, -EINVAL, or -ETIMEDOUT when it never arrived.  Called on the BSP,
 * one AP at a time.
 */
int arch_sipi_start_ap(unsigned int cpu, uint32_t apic_id);
/* The BSP's local APIC registers (xAPIC MMIO, mapped uncached), NULL
 * when it cannot be mapped. */
volatile uint32_t *arch_lapic_regs(void);
#endif

#endif
