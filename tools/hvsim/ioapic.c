// SPDX-License-Identifier: MIT
/*
 * The I/O APIC a real kernel in VTL0 programs (Linux mode).  Its page is
 * mapped read-only (gpamap.c), so reads go straight to QEMU's device and
 * every store exits; hvsim carries the store out itself unless it programs a
 * redirection entry with SMI or INIT delivery (or a reserved mode), which
 * would let a device pin send those to any physical CPU: SMI runs firmware
 * code outside hvsim, INIT resets a CPU hvsim runs on.  Those are refused
 * with a log line and the entry keeps its old value.  Fixed, lowest
 * priority, NMI (posted to VTL0 by the receiving CPU) and ExtINT stay.
 */
#include "core/errno.h"
#include "tools/hvsim/apic.h"
#include "tools/hvsim/guestmem.h"
#include "tools/hvsim/log.h"

#define IOREGSEL 0x00u
#define IOWIN    0x10u
#define IOAPIC_EOI 0x40u
#define RTE_FIRST 0x10u
#define RTE_LAST  0x3Fu

int ioapic_store(struct hv_partition *p, struct hv_vp *vp, uint32_t off, uint32_t val)
{
	static unsigned long refused;

	if (!p->ioapic_write || (off != IOREGSEL && off != IOWIN && off != IOAPIC_EOI))
		return -EINVAL;
	if (off == IOREGSEL) {
		p->ioapic_sel = val & 0xFF;
	} else if (off == IOWIN && p->ioapic_sel >= RTE_FIRST && p->ioapic_sel <= RTE_LAST &&
		   !(p->ioapic_sel & 1)) {
		unsigned int mode = (val >> 8) & 7u;

		/* 2 SMI, 3 and 6 reserved, 5 INIT */
		if (mode == 2 || mode == 3 || mode == 5 || mode == 6) {
			if (hv_refusal_log_due(&refused))
				hv_log("refused: vp%u VTL0 IOAPIC redirection entry %u with %s delivery "
				       "(%#x): never programmed (ioapic.c) [%lu]", vp->index,
				       (p->ioapic_sel - RTE_FIRST) / 2,
				       mode == 2 ? "SMI" : mode == 5 ? "INIT" : "reserved", val, refused);
			return 0;
		}
	}
	p->ioapic_write(off, val);
	return 0;
}
