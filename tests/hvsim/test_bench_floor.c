// SPDX-License-Identifier: MIT
/*
 * Host unit tests for hvsim's test-only bench floor hypercall
 * (HVSIM_HVCALL_BENCH_VTL_ROUND_TRIP, docs/hvsim.md "Bench mode"): absent
 * unless hvsim runs with "bench", VTL0 only, refused while VTL1 has an event
 * to deliver, and the switch there and back leaves VTL1's nested root and
 * VTL0's state as they were.  The platform hooks (hv_alloc_pages, ...) are
 * the fakes of test_hvsim_unit.c, linked into the same runner.
 */
#include <string.h>

#include "core/errno.h"
#include "tests/unit/unit.h"
#include "tools/hvsim/hvif.h"
#include "tools/hvsim/platform.h"
#include "tools/hvsim/prot.h"
#include "tools/hvsim/vp.h"
#include "tools/hvsim/npt.h"

static uint8_t ram[2u << 20] __attribute__((aligned(4096)));
static struct hv_partition part;

#define FLOOR (HVSIM_HVCALL_BENCH_VTL_ROUND_TRIP | HV_HYPERCALL_FAST_BIT)
#define ST(r) ((r) & 0xFFFF)

static struct hv_partition *mk(bool bench)
{
	struct hv_partition *p = &part;

	memset(p, 0, sizeof(*p));
	memset(ram, 0, sizeof(ram));
	p->ram = ram;
	p->ram_pa = (uint64_t)(uintptr_t)ram;
	p->ram_size = sizeof(ram);
	p->nr_vps = 1;
	p->bench = bench;
	p->iopm = hv_alloc_pages(3);
	p->iopm_pa = hv_virt_to_phys(p->iopm);
	p->npt[0] = npt_create(p->ram_pa, p->ram_size, 0xF);
	p->npt[1] = npt_create(p->ram_pa, p->ram_size, 0xF);
	prot_init(p);
	vp_init(p, &p->vps[0], 0);
	p->vps[0].started = true;
	if (bench)
		p->bench_npt_root_pa = hv_virt_to_phys(hv_alloc_pages(1));
	return p;
}

static uint64_t call(struct hv_partition *p, uint64_t ctl, bool *sw)
{
	return hv_hypercall(p, &p->vps[0], ctl, 0, 0, sw);
}

static void enable_vtl1(struct hv_partition *p)
{
	struct hv_input_enable_partition_vtl e = { HV_PARTITION_ID_SELF, 1, 0, { 0 } };
	struct hv_input_enable_vp_vtl v = { 0 };
	bool sw;

	v.partition_id = HV_PARTITION_ID_SELF;
	v.target_vtl = 1;
	memcpy(p->ram + 0x10000, &e, sizeof(e));
	hv_hypercall(p, &p->vps[0], HVCALL_ENABLE_PARTITION_VTL, 0x10000, 0, &sw);
	memcpy(p->ram + 0x10000, &v, sizeof(v));
	hv_hypercall(p, &p->vps[0], HVCALL_ENABLE_VP_VTL, 0x10000, 0, &sw);
}

TEST(hvsim_bench_floor_absent_without_bench)
{
	struct hv_partition *p = mk(false);
	bool sw;

	enable_vtl1(p);
	CHECK(p->vps[0].vtl[1].enabled);
	CHECK_EQ(ST(call(p, FLOOR, &sw)), HV_STATUS_INVALID_HYPERCALL_CODE);
	CHECK_EQ(ST(call(p, HVSIM_HVCALL_BENCH_VTL_ROUND_TRIP, &sw)), HV_STATUS_INVALID_HYPERCALL_CODE);
	CHECK(!sw);
	CHECK_EQ(p->vps[0].active_vtl, 0);
}

TEST(hvsim_bench_floor_round_trip)
{
	struct hv_partition *p = mk(true);
	struct hv_vp *vp = &p->vps[0];
	struct vmcb *v1;
	bool sw;

	CHECK_EQ(ST(call(p, FLOOR, &sw)), HV_STATUS_INVALID_VTL_STATE); /* no VTL1 yet */
	enable_vtl1(p);
	v1 = vp->vtl[1].vmcb;
	vp->vtl[0].vmcb->save.rax = 0xAA;
	vp->gprs.rcx = 0xCC;

	/* there: VTL1's VMCB on the empty root, its ASID flushed */
	call(p, FLOOR, &sw);
	CHECK(sw);
	CHECK_EQ(vp->active_vtl, 1);
	CHECK(vp->bench_floor);
	CHECK_EQ(v1->ctl.n_cr3, p->bench_npt_root_pa);
	CHECK_EQ(v1->ctl.tlb_control, 3);

	/* an exit other than #NPF means VTL1 did something: nothing changes */
	v1->ctl.exit_code = SVM_EXIT_VMMCALL;
	CHECK_EQ_INT(hvsim_bench_floor_exit(p, vp), -EINVAL);
	CHECK_EQ(vp->active_vtl, 1);
	CHECK(vp->bench_floor);

	/* and back: real nested root, VTL0's registers but RAX = SUCCESS */
	v1->ctl.exit_code = SVM_EXIT_NPF;
	CHECK_EQ_INT(hvsim_bench_floor_exit(p, vp), 0);
	CHECK_EQ(vp->active_vtl, 0);
	CHECK(!vp->bench_floor);
	CHECK_EQ(v1->ctl.n_cr3, p->npt[1]->root_pa);
	CHECK_EQ(vp->vtl[0].vmcb->save.rax, HV_STATUS_SUCCESS);
	CHECK_EQ(vp->gprs.rcx, 0xCC);

	/* from VTL1 it does not exist as a floor */
	vp->active_vtl = 1;
	CHECK_EQ(ST(call(p, FLOOR, &sw)), HV_STATUS_INVALID_VTL_STATE);
	vp->active_vtl = 0;
}

TEST(hvsim_bench_floor_refused_with_pending_vtl1_event)
{
	struct hv_partition *p = mk(true);
	struct hv_vp *vp = &p->vps[0];
	struct vmcb *v1;
	bool sw;

	enable_vtl1(p);
	v1 = vp->vtl[1].vmcb;
	vp->vtl[1].pending_event0 = 1;
	CHECK_EQ(ST(call(p, FLOOR, &sw)), HV_STATUS_INVALID_VTL_STATE);
	vp->vtl[1].pending_event0 = 0;
	v1->ctl.event_inj = 13 | SVM_EVTINJ_TYPE_EXC | SVM_EVTINJ_VALID;
	CHECK_EQ(ST(call(p, FLOOR, &sw)), HV_STATUS_INVALID_VTL_STATE);
	v1->ctl.event_inj = 0;
	/* SINT0 pending: refused only when VTL1's IF would take it */
	v1->ctl.int_ctl |= VMCB_V_IRQ;
	v1->save.rflags = 0x202;
	CHECK_EQ(ST(call(p, FLOOR, &sw)), HV_STATUS_INVALID_VTL_STATE);
	CHECK_EQ(vp->active_vtl, 0);
	v1->save.rflags = 0x2;
	call(p, FLOOR, &sw);
	CHECK(sw && vp->bench_floor);
}
