// SPDX-License-Identifier: MIT
/*
 * Host unit tests for the x2APIC a real kernel in VTL0 sees (x2apic.c) and
 * for NMI delivery to VTL0 (vp.c): no INIT, SIPI, SMI or NMI a guest writes
 * into its ICR ever reaches a physical CPU; INIT/SIPI become a VP start under
 * hvsim's control; NMIs wait while VTL1 runs and are never dropped.
 * The platform hooks are fakes that record what would reach the hardware.
 */
#include <string.h>

#include "core/errno.h"
#include "tests/unit/unit.h"
#include "tools/hvsim/apic.h"
#include "tools/hvsim/hvif.h"
#include "tools/hvsim/platform.h"
#include "tools/hvsim/vp.h"

#define ICR 0x830u
#define NVPS 4

static uint8_t xram[2u << 20] __attribute__((aligned(4096)));
static struct hv_partition xp;
static unsigned int nr_ipis, last_dest, last_vec, nr_doorbells, nr_lapic_writes;
static uint32_t lapic_regs[1024];

static void fake_ipi(uint32_t dest, uint32_t vec) { nr_ipis++; last_dest = dest; last_vec = vec; }
static void fake_doorbell(struct hv_partition *p, struct hv_vp *vp) { (void)p; (void)vp; nr_doorbells++; }
static uint32_t fake_rd(unsigned int off) { return lapic_regs[off / 4]; }
static void fake_wr(unsigned int off, uint32_t v) { nr_lapic_writes++; lapic_regs[off / 4] = v; }

/* One partition, its VPs allocated once (the fake allocator is a bump
 * arena) and reset for every case. */
static struct hv_partition *mkx(void)
{
	static bool made;
	struct hv_partition *p = &xp;

	if (!made) {
		memset(p, 0, sizeof(*p));
		p->ram = xram;
		p->ram_pa = (uint64_t)(uintptr_t)xram;
		p->ram_size = sizeof(xram);
		p->nr_vps = NVPS;
		p->linux = true;
		p->cr4_valid = 0x3707FF;
		for (unsigned int i = 0; i < NVPS; i++)
			CHECK_EQ_INT(vp_init(p, &p->vps[i], i), 0);
		made = true;
	}
	for (unsigned int i = 0; i < NVPS; i++) {
		struct hv_vp *vp = &p->vps[i];
		vp->started = i == 0;
		vp->wait_for_sipi = i != 0;
		vp->nmi_pending = vp->nmi_in_service = vp->doorbell = false;
		vp->active_vtl = 0;
		vp->vtl[1].enabled = false;
		vp->x2apic_icr = 0;
		for (int vtl = 0; vtl < HVSIM_NUM_VTLS; vtl++) {
			vp->vtl[vtl].vmcb->ctl.event_inj = 0;
			vp->vtl[vtl].vmcb->ctl.intercept_misc1 &= ~VMCB_I1_IRET;
		}
	}
	p->send_ipi = fake_ipi;
	p->doorbell = fake_doorbell;
	p->lapic_read = fake_rd;
	p->lapic_write = fake_wr;
	nr_ipis = nr_doorbells = nr_lapic_writes = 0;
	return p;
}

static int icr(struct hv_partition *p, unsigned int from, uint32_t dest, uint32_t lo)
{
	return x2apic_msr_write(p, &p->vps[from], ICR, ((uint64_t)dest << 32) | lo);
}

TEST(hvsim_x2apic_init_sipi_start_a_vp)
{
	struct hv_partition *p = mkx();
	struct hv_vp *t = &p->vps[1];

	/* Linux's wakeup: INIT assert, INIT de-assert, SIPI, SIPI */
	CHECK_EQ_INT(icr(p, 0, 1, 0xC500), 0);
	CHECK_EQ_INT(icr(p, 0, 1, 0x8500), 0);
	CHECK(!t->started && t->wait_for_sipi);
	CHECK_EQ_INT(icr(p, 0, 1, 0x0699), 0);
	CHECK(t->started && !t->wait_for_sipi);
	CHECK_EQ_INT(t->active_vtl, 0);
	CHECK_EQ(t->vtl[0].vmcb->save.cs.base, 0x99000ull);
	CHECK_EQ(t->vtl[0].vmcb->save.cs.sel, 0x9900u);
	CHECK_EQ(t->vtl[0].vmcb->save.rip, 0ull);
	CHECK(!(t->vtl[0].vmcb->save.cr0 & 1));               /* real mode */
	CHECK_EQ(t->vtl[0].vmcb->save.efer, EFER_SVME);        /* guest EFER 0 */
	t->vtl[0].vmcb->save.rip = 0x1234;
	CHECK_EQ_INT(icr(p, 0, 1, 0x0688), 0);                 /* running: ignored */
	CHECK_EQ(t->vtl[0].vmcb->save.rip, 0x1234ull);
	/* nothing of it went to a physical CPU */
	CHECK_EQ_INT(nr_ipis, 0);
}

TEST(hvsim_x2apic_sipi_outside_ram_refused)
{
	struct hv_partition *p = mkx();

	CHECK_EQ_INT(icr(p, 0, 2, 0x06F0), 0);  /* vector 0xF0: the BIOS F-segment */
	CHECK(!p->vps[2].started && p->vps[2].wait_for_sipi);
	CHECK_EQ_INT(nr_ipis, 0);
}

TEST(hvsim_x2apic_init_cannot_reset_vtl1_or_self)
{
	struct hv_partition *p = mkx();

	p->vps[1].started = true;
	p->vps[1].wait_for_sipi = false;
	p->vps[1].vtl[1].enabled = true;
	CHECK_EQ_INT(icr(p, 0, 1, 0x4500), 0);
	CHECK(p->vps[1].started && !p->vps[1].wait_for_sipi);
	CHECK_EQ_INT(icr(p, 0, 0, 0x4500), 0);                 /* itself */
	CHECK(p->vps[0].started && !p->vps[0].wait_for_sipi);
	CHECK_EQ_INT(icr(p, 0, 0, 0x4500 | (1u << 18)), 0);    /* self shorthand */
	CHECK(p->vps[0].started);
	/* VTL1 enabled on an AP before its VTL0 ever ran (LVBS V1b/V2's
	 * ENABLE_APS_VTL): the kernel's INIT + SIPI still start its VTL0 */
	p->vps[2].vtl[1].enabled = true;
	CHECK_EQ_INT(icr(p, 0, 2, 0x4500), 0);
	CHECK_EQ_INT(icr(p, 0, 2, 0x0699), 0);
	CHECK(p->vps[2].started && p->vps[2].active_vtl == 0);
	CHECK_EQ_INT(nr_ipis, 0);
}

/* Every delivery mode, shorthand and destination: only fixed IPIs with a
 * legal vector to a running VP ever reach the (fake) hardware. */
TEST(hvsim_x2apic_icr_never_sends_init_sipi_nmi_smi)
{
	static const uint32_t dests[] = { 0, 1, 3, 4, 0xFF, 0xFFFFFFFFu };

	for (uint32_t mode = 0; mode < 8; mode++)
		for (uint32_t sh = 0; sh < 4; sh++)
			for (unsigned int d = 0; d < sizeof(dests) / sizeof(dests[0]); d++)
				for (uint32_t logical = 0; logical < 2; logical++) {
					struct hv_partition *p = mkx();
					uint32_t lo = 0x41 | mode << 8 | logical << 11 | 1u << 14 | sh << 18;

					p->vps[1].started = true; /* vp0, vp1 run */
					p->vps[1].wait_for_sipi = false;
					CHECK_EQ_INT(icr(p, 0, dests[d], lo), 0);
					if (mode > 1)
						CHECK_EQ_INT(nr_ipis, 0);
					if (nr_ipis)
						CHECK(last_dest < 2 && last_vec == 0x41);
					if (mode == 4) /* NMI: posted, never raw */
						CHECK(nr_ipis == 0);
				}
	/* fixed: to the target VP's CPU, as a fixed vector */
	struct hv_partition *p = mkx();
	p->vps[2].started = true;
	CHECK_EQ_INT(icr(p, 0, 2, 0x40), 0);
	CHECK(nr_ipis == 1 && last_dest == 2 && last_vec == 0x40);
	CHECK_EQ_INT(icr(p, 0, 9, 0x40), 0);                   /* no such APIC ID */
	CHECK_EQ_INT(icr(p, 0, 2, 0x05), 0);                   /* illegal vector */
	CHECK_EQ_INT(icr(p, 0, 3, 0x40), 0);                   /* a VP waiting for SIPI */
	CHECK_EQ_INT(nr_ipis, 1);
	CHECK_EQ_INT(icr(p, 0, 2, 0x40 | (1u << 12)), -EINVAL); /* reserved bit: #GP */
	CHECK_EQ_INT(x2apic_msr_write(p, &p->vps[0], 0x802, 5), -EINVAL); /* ID read-only */
}

TEST(hvsim_x2apic_nmi_posted_and_injected_once_vtl0_runs)
{
	struct hv_partition *p = mkx();
	struct hv_vp *t = &p->vps[1];
	struct vmcb *v0 = t->vtl[0].vmcb;

	t->started = true;
	t->wait_for_sipi = false;
	CHECK_EQ_INT(icr(p, 0, 1, 0x400), 0);
	CHECK(t->nmi_pending);
	CHECK_EQ_INT(nr_doorbells, 1);
	CHECK_EQ_INT(nr_ipis, 0);
	/* held while VTL1 runs */
	t->active_vtl = 1;
	vp_prepare_entry(p, t);
	CHECK(t->nmi_pending);
	CHECK(!(t->vtl[1].vmcb->ctl.event_inj & SVM_EVTINJ_VALID));
	/* delivered on return to VTL0, IRET watched */
	t->active_vtl = 0;
	vp_prepare_entry(p, t);
	CHECK(!t->nmi_pending && t->nmi_in_service);
	CHECK_EQ(v0->ctl.event_inj, 2 | SVM_EVTINJ_TYPE_NMI | SVM_EVTINJ_VALID);
	CHECK(v0->ctl.intercept_misc1 & VMCB_I1_IRET);
	/* a second NMI waits for the handler's IRET */
	v0->ctl.event_inj = 0;
	vp_post_nmi(p, t, t);
	vp_prepare_entry(p, t);
	CHECK(t->nmi_pending && !(v0->ctl.event_inj & SVM_EVTINJ_VALID));
}

TEST(hvsim_x2apic_lvt_no_smi_init)
{
	struct hv_partition *p = mkx();

	CHECK_EQ_INT(x2apic_msr_write(p, &p->vps[0], 0x835, 0x200), 0); /* LINT0 SMI */
	CHECK_EQ_INT(x2apic_msr_write(p, &p->vps[0], 0x832, 0x500), 0); /* timer INIT */
	CHECK_EQ_INT(nr_lapic_writes, 0);
	CHECK_EQ_INT(x2apic_msr_write(p, &p->vps[0], 0x832, 0x200EF), 0); /* periodic, vector EF */
	CHECK_EQ_INT(nr_lapic_writes, 1);
	CHECK_EQ(lapic_regs[0x320 / 4], 0x200EFu);
	uint64_t v = 0;
	CHECK_EQ_INT(x2apic_msr_read(p, &p->vps[3], 0x802, &v), 0);
	CHECK_EQ(v, 3ull);
	CHECK_EQ_INT(x2apic_msr_read(p, &p->vps[0], 0x80B, &v), -EINVAL); /* EOI write-only */
	CHECK_EQ_INT(x2apic_msr_write(p, &p->vps[0], 0x80B, 1), -EINVAL); /* EOI must be 0 */
}

static unsigned int nr_ioapic_writes;
static uint32_t ioapic_last_off, ioapic_last_val;
static void fake_ioapic(unsigned int off, uint32_t val)
{
	nr_ioapic_writes++;
	ioapic_last_off = off;
	ioapic_last_val = val;
}

/* A redirection entry with SMI or INIT delivery is never programmed: a
 * device pin would otherwise reset or SMI any physical CPU. */
TEST(hvsim_ioapic_no_smi_init_routes)
{
	struct hv_partition *p = mkx();
	struct hv_vp *vp = &p->vps[0];

	p->ioapic_write = fake_ioapic;
	nr_ioapic_writes = 0;
	CHECK_EQ_INT(ioapic_store(p, vp, 0x00, 0x12), 0);     /* IOREGSEL: RTE 1 low */
	CHECK_EQ_INT(ioapic_store(p, vp, 0x10, 0x0500), 0);   /* INIT */
	CHECK_EQ_INT(ioapic_store(p, vp, 0x10, 0x0200), 0);   /* SMI */
	CHECK_EQ_INT(ioapic_store(p, vp, 0x10, 0x0600), 0);   /* reserved */
	CHECK_EQ_INT(nr_ioapic_writes, 1);                    /* only IOREGSEL went */
	CHECK_EQ_INT(ioapic_store(p, vp, 0x10, 0x10031), 0);  /* fixed, masked, vector 0x31 */
	CHECK(nr_ioapic_writes == 2 && ioapic_last_off == 0x10 && ioapic_last_val == 0x10031);
	CHECK_EQ_INT(ioapic_store(p, vp, 0x10, 0x0400), 0);   /* NMI: posted by the CPU */
	CHECK_EQ_INT(ioapic_store(p, vp, 0x00, 0x13), 0);     /* RTE 1 high: destination */
	CHECK_EQ_INT(ioapic_store(p, vp, 0x10, 0x0500), 0);   /* any value */
	CHECK_EQ_INT(nr_ioapic_writes, 5);
	CHECK_EQ_INT(ioapic_store(p, vp, 0x40, 0x31), 0);     /* EOI */
	CHECK_EQ_INT(ioapic_store(p, vp, 0x20, 0), -EINVAL);  /* no register there */
	p->ioapic_write = NULL;
}
