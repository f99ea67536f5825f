/* SPDX-License-Identifier: MIT */
/*
 * hvsim layer 4: device models for a real kernel in VTL0: its x2APIC
 * (x2apic.c) and the I/O APIC's stores (ioapic.c).
 */
#ifndef HVSIM_APIC_H
#define HVSIM_APIC_H

#include <stdint.h>

#include "tools/hvsim/partition.h"

/* --- x2APIC for a real kernel in VTL0 (x2apic.c) --- */
#define HVSIM_X2APIC_FIRST 0x800u
#define HVSIM_X2APIC_LAST  0x8FFu
/* 0, or -EINVAL for a #GP (reserved register, reserved bits, read-only) */
int x2apic_msr_read(struct hv_partition *p, struct hv_vp *vp, uint32_t msr, uint64_t *val);
int x2apic_msr_write(struct hv_partition *p, struct hv_vp *vp, uint32_t msr, uint64_t val);

/* --- the I/O APIC's stores (ioapic.c) --- */
/* 0 when carried out or refused with a log line; -EINVAL (#GP) for a
 * store that is not a 32-bit write of IOREGSEL, IOWIN or EOI */
int ioapic_store(struct hv_partition *p, struct hv_vp *vp, uint32_t off, uint32_t val);

#endif
