// SPDX-License-Identifier: MIT
/*
 * Host unit tests for the hvsim model: nested page tables, VTL protection,
 * hypercall validation and effects, registers, intercept messages.  The
 * platform hooks are faked here: "physical" memory is a static arena and
 * guest RAM a static buffer (hv_virt_to_phys is the identity).
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/compiler.h"
#include "core/errno.h"
#include "tests/unit/unit.h"
#include "tools/hvsim/guestmem.h"
#include "tools/hvsim/hvif.h"
#include "tools/hvsim/log.h"
#include "tools/hvsim/platform.h"
#include "tools/hvsim/prot.h"
#include "tools/hvsim/vp.h"
#include "tools/hvsim/npt.h"

static uint8_t arena[24u << 20] __attribute__((aligned(4096)));
static size_t arena_used;
static uint8_t guest_ram[8u << 20] __attribute__((aligned(4096)));
static struct hv_partition tp;
struct hv_partition *hvp = &tp;

void *hv_alloc_pages(size_t n)
{
	if (n > (sizeof(arena) - arena_used) / 4096)
		return NULL;
	void *p = arena + arena_used;
	arena_used += n * 4096;
	memset(p, 0, n * 4096);
	return p;
}
uint64_t hv_virt_to_phys(const void *p) { return (uint64_t)(uintptr_t)p; }
void *hv_phys_to_virt(uint64_t pa) { return (void *)(uintptr_t)pa; }
void hv_console_write(const char *prefix, const char *s, size_t n) { (void)prefix; (void)s; (void)n; }
void hv_log(const char *fmt, ...) { (void)fmt; }
void hv_trace(const char *fmt, ...) { (void)fmt; }
void hv_vp_kick(struct hv_vp *vp) { vp->halted = false; }

/* A fresh partition: 8 MiB of guest RAM, one VP in VTL0. */
static struct hv_partition *mk(unsigned int nr_vps)
{
	struct hv_partition *p = &tp;

	arena_used = 0;
	memset(p, 0, sizeof(*p));
	memset(guest_ram, 0, sizeof(guest_ram));
	p->ram = guest_ram;
	p->ram_pa = (uint64_t)(uintptr_t)guest_ram;
	p->ram_size = sizeof(guest_ram);
	p->nr_vps = nr_vps;
	p->cr4_valid = 0x3707FF; /* VME..OSXMMEXCPT, FSGSBASE, PCIDE, OSXSAVE, SMEP, SMAP */
	p->iopm = hv_alloc_pages(3);
	p->iopm_pa = hv_virt_to_phys(p->iopm);
	p->npt[0] = npt_create(p->ram_pa, p->ram_size, 0xF);
	p->npt[1] = npt_create(p->ram_pa, p->ram_size, 0xF);
	prot_init(p);
	for (unsigned int i = 0; i < nr_vps; i++)
		vp_init(p, &p->vps[i], i);
	p->vps[0].started = true;
	return p;
}

static uint64_t call(struct hv_partition *p, int vtl, uint64_t ctl, uint64_t in, uint64_t out)
{
	bool sw;
	p->vps[0].active_vtl = vtl;
	return hv_hypercall(p, &p->vps[0], ctl, in, out, &sw);
}

#define IN  0x10000ull
#define OUT 0x11000ull
#define ST(r) ((r) & 0xFFFF)

TEST(hvsim_npt_perm_bits)
{
	struct hv_partition *p = mk(1);
	uint64_t pte = npt_lookup(p->npt[0], 0x5000);

	CHECK_EQ(pte & NPT_ADDR_MASK, p->ram_pa + 0x5000);
	CHECK(pte & NPT_P);
	CHECK(pte & NPT_RW);
	CHECK(!(pte & NPT_NX));
	CHECK_EQ(npt_set_perm(p->npt[0], 0x5000, HV_MAP_GPA_READABLE), 0);
	pte = npt_lookup(p->npt[0], 0x5000);
	CHECK((pte & NPT_P) && !(pte & NPT_RW) && (pte & NPT_NX));
	CHECK_EQ(npt_set_perm(p->npt[0], 0x5000, 0), 0);
	CHECK_EQ(npt_lookup(p->npt[0], 0x5000) & NPT_P, 0);
	CHECK_EQ_INT(npt_set_perm(p->npt[0], p->ram_size, 0xF), -EINVAL);
	CHECK_EQ(npt_pte_for(0x1000, HV_MAP_GPA_WRITABLE), 0); /* W without R: nothing */
}

TEST(hvsim_hc_bad_control)
{
	struct hv_partition *p = mk(1);

	CHECK_EQ(ST(call(p, 0, 0x7777, 0, 0)), HV_STATUS_INVALID_HYPERCALL_CODE);
	CHECK_EQ(ST(call(p, 0, HVCALL_ENABLE_PARTITION_VTL | (1ull << 27), IN, 0)),
		 HV_STATUS_INVALID_HYPERCALL_INPUT);
	/* rep count on a simple call, none on a rep call, start >= count */
	CHECK_EQ(ST(call(p, 0, HVCALL_ENABLE_PARTITION_VTL | (1ull << 32), IN, 0)),
		 HV_STATUS_INVALID_HYPERCALL_INPUT);
	CHECK_EQ(ST(call(p, 0, HVCALL_GET_VP_REGISTERS, IN, OUT)), HV_STATUS_INVALID_HYPERCALL_INPUT);
	CHECK_EQ(ST(call(p, 0, HVCALL_GET_VP_REGISTERS | (1ull << 32) | (1ull << 48), IN, OUT)),
		 HV_STATUS_INVALID_HYPERCALL_INPUT);
	/* GPA checks */
	CHECK_EQ(ST(call(p, 0, HVCALL_ENABLE_PARTITION_VTL, IN + 4, 0)), HV_STATUS_INVALID_ALIGNMENT);
	CHECK_EQ(ST(call(p, 0, HVCALL_ENABLE_PARTITION_VTL, IN + 4088, 0)), HV_STATUS_INVALID_ALIGNMENT);
	CHECK_EQ(ST(call(p, 0, HVCALL_ENABLE_PARTITION_VTL, p->ram_size, 0)), HV_STATUS_INVALID_ALIGNMENT);
	CHECK_EQ(ST(call(p, 0, HVCALL_ENABLE_PARTITION_VTL, ~0ull & ~7ull, 0)), HV_STATUS_INVALID_ALIGNMENT);
	/* fast on a call without a fast form */
	CHECK_EQ(ST(call(p, 0, HVCALL_ENABLE_VP_VTL | HV_HYPERCALL_FAST_BIT, 0, 0)),
		 HV_STATUS_INVALID_HYPERCALL_INPUT);
}

static void enable_vtl1(struct hv_partition *p)
{
	struct hv_input_enable_partition_vtl e = { HV_PARTITION_ID_SELF, 1, 0, { 0 } };
	struct hv_input_enable_vp_vtl v;

	memcpy(p->ram + IN, &e, sizeof(e));
	CHECK_EQ(ST(call(p, 0, HVCALL_ENABLE_PARTITION_VTL, IN, 0)), 0);
	CHECK_EQ(ST(call(p, 0, HVCALL_ENABLE_PARTITION_VTL, IN, 0)), HV_STATUS_VTL_ALREADY_ENABLED);
	memset(&v, 0, sizeof(v));
	v.partition_id = HV_PARTITION_ID_SELF;
	v.vp_index = 0;
	v.target_vtl = 1;
	v.vp_context.rip = 0x123000;
	v.vp_context.cs.attributes = 0x209B;
	memcpy(p->ram + IN, &v, sizeof(v));
	CHECK_EQ(ST(call(p, 0, HVCALL_ENABLE_VP_VTL, IN, 0)), 0);
	CHECK_EQ(ST(call(p, 0, HVCALL_ENABLE_VP_VTL, IN, 0)), HV_STATUS_VTL_ALREADY_ENABLED);
}

TEST(hvsim_hc_enable_vtl)
{
	struct hv_partition *p = mk(1);
	struct hv_input_enable_vp_vtl v = { 0 };

	/* EnableVpVtl before the partition has VTL1 */
	v.partition_id = HV_PARTITION_ID_SELF;
	v.target_vtl = 1;
	memcpy(p->ram + IN, &v, sizeof(v));
	CHECK_EQ(ST(call(p, 0, HVCALL_ENABLE_VP_VTL, IN, 0)), HV_STATUS_INVALID_VTL_STATE);
	v.vp_index = 5;
	memcpy(p->ram + IN, &v, sizeof(v));
	CHECK_EQ(ST(call(p, 0, HVCALL_ENABLE_VP_VTL, IN, 0)), HV_STATUS_INVALID_VP_INDEX);
	/* a context VMRUN would refuse is refused by the hypercall */
	struct hv_input_enable_partition_vtl pe = { HV_PARTITION_ID_SELF, 1, 0, { 0 } };
	memcpy(p->ram + IN, &pe, sizeof(pe));
	CHECK_EQ(ST(call(p, 0, HVCALL_ENABLE_PARTITION_VTL, IN, 0)), 0);
	v.vp_index = 0;
	v.vp_context.cr0 = 1ull << 31; /* PG without PE */
	memcpy(p->ram + IN, &v, sizeof(v));
	CHECK_EQ(ST(call(p, 0, HVCALL_ENABLE_VP_VTL, IN, 0)), HV_STATUS_INVALID_PARAMETER);
	v.vp_context.cr0 = 0;
	v.vp_context.cs.attributes = (1u << 13) | (1u << 14); /* L and D */
	memcpy(p->ram + IN, &v, sizeof(v));
	CHECK_EQ(ST(call(p, 0, HVCALL_ENABLE_VP_VTL, IN, 0)), HV_STATUS_INVALID_PARAMETER);
	v.vp_context.cs.attributes = 0;
	v.vp_context.efer = 1ull << 12; /* SVME is hvsim's */
	memcpy(p->ram + IN, &v, sizeof(v));
	CHECK_EQ(ST(call(p, 0, HVCALL_ENABLE_VP_VTL, IN, 0)), HV_STATUS_INVALID_PARAMETER);
	CHECK(!p->vps[0].vtl[1].enabled);
	p->vtl1_enabled = false;
	enable_vtl1(p);
	CHECK(p->vps[0].vtl[1].enabled);
	CHECK_EQ(p->vps[0].vtl[1].vmcb->save.rip, 0x123000);
	CHECK_EQ(p->vps[0].vtl[1].vmcb->save.cs.attr, 0x29B); /* L bit moved to SVM form */
	CHECK_EQ(p->vps[0].active_vtl, 0);
}

static uint64_t protect(struct hv_partition *p, uint32_t flags, const uint64_t *gfns, unsigned int n,
			int vtl)
{
	struct hv_input_modify_vtl_protection_mask m = { HV_PARTITION_ID_SELF, flags, 1, { 0 } };
	memcpy(p->ram + IN, &m, sizeof(m));
	memcpy(p->ram + IN + sizeof(m), gfns, n * 8);
	return call(p, vtl, HVCALL_MODIFY_VTL_PROTECTION_MASK | ((uint64_t)n << 32), IN, 0);
}

TEST(hvsim_hc_modify_protection)
{
	struct hv_partition *p = mk(1);
	uint64_t gfns[3] = { 0x20, 0x21, 0x7FFFF };
	uint64_t r;

	enable_vtl1(p);
	CHECK_EQ(ST(protect(p, HV_MAP_GPA_READABLE, gfns, 2, 0)), HV_STATUS_ACCESS_DENIED);
	r = protect(p, HV_MAP_GPA_READABLE, gfns, 2, 1);
	CHECK_EQ(ST(r), 0);
	CHECK_EQ((r >> 32) & 0xFFF, 2);
	CHECK_EQ(prot_get(p, 0x20), HV_MAP_GPA_READABLE);
	CHECK(!(npt_lookup(p->npt[0], 0x20000) & NPT_RW));
	CHECK(npt_lookup(p->npt[1], 0x20000) & NPT_RW); /* VTL1 unaffected */
	/* bad flags and a GFN outside RAM (partial completion reported) */
	CHECK_EQ(ST(protect(p, HV_MAP_GPA_WRITABLE, gfns, 1, 1)), HV_STATUS_INVALID_PARAMETER);
	CHECK_EQ(ST(protect(p, 0x10, gfns, 1, 1)), HV_STATUS_INVALID_PARAMETER);
	r = protect(p, 0, gfns, 3, 1);
	CHECK_EQ(ST(r), HV_STATUS_INVALID_PARAMETER);
	CHECK_EQ((r >> 32) & 0xFFF, 2);
	/* VTL0 may no longer pass the protected page as hypercall output */
	CHECK(!vtl0_may_access(p, 0x20000, 8, false));
	CHECK_EQ(ST(call(p, 0, HVCALL_GET_VP_REGISTERS | (1ull << 32), IN, 0x20000)),
		 HV_STATUS_ACCESS_DENIED);
}

TEST(hvsim_hc_rep_continuation)
{
	struct hv_partition *p = mk(1);
	uint64_t gfns[300];
	uint64_t r;

	enable_vtl1(p);
	for (int i = 0; i < 300; i++)
		gfns[i] = 0x100 + (uint64_t)i;
	r = protect(p, HV_MAP_GPA_READABLE, gfns, 300, 1);
	CHECK(r & HVSIM_HC_RESTART_FLAG);
	CHECK_EQ(r & 0xFFF, 128);
	CHECK_EQ(prot_get(p, 0x100 + 127), HV_MAP_GPA_READABLE);
	CHECK_EQ(prot_get(p, 0x100 + 128), HV_MAP_GPA_PERMISSIONS_MASK);
}

static uint64_t get_reg(struct hv_partition *p, int caller, uint8_t in_vtl, uint32_t name, uint64_t *val)
{
	struct hv_input_get_set_vp_registers g = { HV_PARTITION_ID_SELF, HV_VP_INDEX_SELF, in_vtl, { 0 } };
	memcpy(p->ram + IN, &g, sizeof(g));
	memcpy(p->ram + IN + sizeof(g), &name, 4);
	uint64_t r = call(p, caller, HVCALL_GET_VP_REGISTERS | (1ull << 32), IN, OUT);
	memcpy(val, p->ram + OUT, 8);
	return r;
}

static uint64_t set_reg(struct hv_partition *p, int caller, uint8_t in_vtl, uint32_t name, uint64_t v)
{
	struct hv_input_get_set_vp_registers g = { HV_PARTITION_ID_SELF, HV_VP_INDEX_SELF, in_vtl, { 0 } };
	struct hv_register_assoc a = { name, { 0 }, { v, 0 } };
	memcpy(p->ram + IN, &g, sizeof(g));
	memcpy(p->ram + IN + sizeof(g), &a, sizeof(a));
	return call(p, caller, HVCALL_SET_VP_REGISTERS | (1ull << 32), IN, 0);
}

TEST(hvsim_hc_vp_registers)
{
	struct hv_partition *p = mk(1);
	uint64_t v = 0;

	enable_vtl1(p);
	p->vps[0].vtl[0].vmcb->save.rip = 0x4444;
	p->vps[0].vtl[1].vmcb->save.rip = 0x5555;
	CHECK_EQ(ST(get_reg(p, 1, 0x10, HV_X64_REGISTER_RIP, &v)), 0);
	CHECK_EQ(v, 0x4444);
	/* a VTL's own architectural registers: not through the hypercall */
	CHECK_EQ(ST(get_reg(p, 1, 0, HV_X64_REGISTER_RIP, &v)), HV_STATUS_ACCESS_DENIED);
	/* VTL0 may not name VTL1 */
	CHECK_EQ(ST(get_reg(p, 0, 0x11, HV_X64_REGISTER_RIP, &v)), HV_STATUS_ACCESS_DENIED);
	CHECK_EQ(ST(get_reg(p, 0, 0x20, HV_X64_REGISTER_RIP, &v)), HV_STATUS_INVALID_PARAMETER);
	CHECK_EQ(ST(get_reg(p, 1, 0x10, 0x7FFFFFFF, &v)), HV_STATUS_INVALID_PARAMETER);
	CHECK_EQ(ST(set_reg(p, 1, 0x10, HV_X64_REGISTER_RIP, 0x4447)), 0);
	CHECK_EQ(p->vps[0].vtl[0].vmcb->save.rip, 0x4447);
	/* PendingEvent0: only from the higher VTL, only exceptions */
	CHECK_EQ(ST(set_reg(p, 0, 0, HV_REGISTER_PENDING_EVENT0, 1 | (13u << 16))), HV_STATUS_ACCESS_DENIED);
	CHECK_EQ(ST(set_reg(p, 1, 0x10, HV_REGISTER_PENDING_EVENT0, 1 | (2u << 1))), HV_STATUS_INVALID_PARAMETER);
	CHECK_EQ(ST(set_reg(p, 1, 0x10, HV_REGISTER_PENDING_EVENT0, 1 | (1u << 8) | (13u << 16))), 0);
	p->vps[0].active_vtl = 0;
	vp_prepare_entry(p, &p->vps[0]);
	CHECK_EQ(p->vps[0].vtl[0].vmcb->ctl.event_inj & 0xFFFFFFFFull,
		 13 | SVM_EVTINJ_TYPE_EXC | SVM_EVTINJ_VALID | SVM_EVTINJ_EV);
	CHECK_EQ(p->vps[0].vtl[0].pending_event0, 0);
	/* VSM config registers are VTL1's */
	CHECK_EQ(ST(set_reg(p, 0, 0, HV_X64_REGISTER_CR_INTERCEPT_CONTROL, 1)), HV_STATUS_ACCESS_DENIED);
	CHECK_EQ(ST(set_reg(p, 1, 0, HV_X64_REGISTER_CR_INTERCEPT_CONTROL, HV_CR_INTERCEPT_CR0)), 0);
	CHECK(p->vps[0].vtl[0].vmcb->ctl.intercept_cr & (1u << 16));
	CHECK_EQ(ST(get_reg(p, 1, 0, HV_REGISTER_VSM_CODE_PAGE_OFFSETS, &v)), 0);
	CHECK_EQ(v, HVSIM_HCPAGE_VTL_CALL_OFF | (HVSIM_HCPAGE_VTL_RETURN_OFF << 12));
}

TEST(hvsim_vtl_call_return_and_intercept)
{
	struct hv_partition *p = mk(1);
	struct hv_vp *vp = &p->vps[0];
	uint64_t r;

	enable_vtl1(p);
	/* VtlReturn from VTL0 and VtlCall from VTL1 are refused */
	CHECK_EQ(ST(call(p, 0, HVCALL_VTL_RETURN, 0, 0)), HV_STATUS_INVALID_VTL_STATE);
	CHECK_EQ(ST(call(p, 1, HVCALL_VTL_CALL, 0, 0)), HV_STATUS_INVALID_VTL_STATE);
	/* VTL1 sets up its assist page and SIMP */
	vp->active_vtl = 1;
	CHECK_EQ(hv_msr_write(p, vp, HV_X64_MSR_VP_ASSIST_PAGE, 0x30000 | 1), 0);
	CHECK_EQ(hv_msr_write(p, vp, HV_X64_MSR_SIMP, 0x31000 | 1), 0);
	CHECK_EQ(hv_msr_write(p, vp, HV_X64_MSR_SCONTROL, 1), 0);
	CHECK_EQ(hv_msr_write(p, vp, HV_X64_MSR_SINT0, 0x50), 0);
	CHECK_EQ_INT(hv_msr_write(p, vp, HV_X64_MSR_SINT0, 1ull << 40), -EINVAL);
	CHECK_EQ_INT(hv_msr_write(p, vp, HV_X64_MSR_VP_INDEX, 1), -EINVAL);
	/* VTL0 calls: entry reason 1 in VTL1's assist page */
	vp->vtl[0].vmcb->save.rax = 0xAA;
	r = call(p, 0, HVCALL_VTL_CALL, 0, 0);
	(void)r;
	CHECK_EQ(vp->active_vtl, 1);
	CHECK_EQ(((struct hv_vp_assist_page *)(p->ram + 0x30000))->vtl_entry_reason, 1);
	CHECK_EQ(vp->vtl[1].vmcb->save.rax, 0xAA); /* shared */
	/* normal return restores RAX/RCX from the assist page */
	((struct hv_vp_assist_page *)(p->ram + 0x30000))->vtl_ret_x64rax = 0x1234;
	((struct hv_vp_assist_page *)(p->ram + 0x30000))->vtl_ret_x64rcx = 0x5678;
	vp->vtl[1].vmcb->save.rax = 0; /* stub put RCX=0 (normal) into RAX */
	call(p, 1, HVCALL_VTL_RETURN, 0, 0);
	p->vps[0].active_vtl = vp->active_vtl;
	CHECK_EQ(vp->active_vtl, 0);
	CHECK_EQ(vp->vtl[0].vmcb->save.rax, 0x1234);
	CHECK_EQ(vp->gprs.rcx, 0x5678);
	/* an intercept lands in SIM slot 0 and raises SINT0's vector */
	struct hv_x64_memory_intercept_message m = { 0 };
	vp->vtl[0].vmcb->save.rip = 0x2000;
	msg_intercept_header(vp, &m.header, 3, HV_INTERCEPT_ACCESS_WRITE);
	m.guest_physical_address = 0x20008;
	CHECK_EQ(deliver_intercept(p, vp, HVMSG_GPA_INTERCEPT, &m, sizeof(m)), 0);
	struct hv_message *slot = (struct hv_message *)(p->ram + 0x31000);
	CHECK_EQ(slot->header.message_type, HVMSG_GPA_INTERCEPT);
	CHECK_EQ(slot->header.payload_size, sizeof(m));
	struct hv_x64_memory_intercept_message got;
	memcpy(&got, slot->payload, sizeof(got));
	CHECK_EQ(got.header.rip, 0x2000);
	CHECK_EQ(got.header.instruction_length, 3);
	CHECK_EQ(got.guest_physical_address, 0x20008);
	CHECK_EQ(vp->active_vtl, 1);
	CHECK_EQ(((struct hv_vp_assist_page *)(p->ram + 0x30000))->vtl_entry_reason, 2);
	CHECK((vp->vtl[1].vmcb->ctl.int_ctl & VMCB_V_IRQ) && ((vp->vtl[1].vmcb->ctl.int_ctl >> 32) & 0xFF) == 0x50);
	/* second message while the slot is busy: pending flag, queued until EOM */
	vp->active_vtl = 0;
	CHECK_EQ(deliver_intercept(p, vp, HVMSG_X64_MSR_INTERCEPT, &m, 64), 0);
	CHECK(slot->header.message_flags & HV_MESSAGE_FLAG_PENDING);
	CHECK(vp->msg_queued);
	slot->header.message_type = 0;
	vp->active_vtl = 1;
	hv_msr_write(p, vp, HV_X64_MSR_EOM, 0);
	CHECK_EQ(slot->header.message_type, HVMSG_X64_MSR_INTERCEPT);
	CHECK(!vp->msg_queued);
}

TEST(hvsim_guest_page_walk)
{
	struct hv_partition *p = mk(1);
	struct vmcb *v = p->vps[0].vtl[0].vmcb;
	uint64_t *pml4 = (uint64_t *)(p->ram + 0x1000), *pdpt = (uint64_t *)(p->ram + 0x2000),
		 *pd = (uint64_t *)(p->ram + 0x3000), gpa = 0;

	pml4[0] = 0x2000 | 3;
	pdpt[0] = 0x3000 | 3;
	pd[1] = 0x400000 | 0x83; /* GVA 2 MiB -> GPA 4 MiB */
	v->save.cr3 = 0x1000;
	v->save.cr0 = 0x80000001;
	v->save.efer = EFER_LMA;
	CHECK_EQ(gva_to_gpa(p, 0, v, 0x200123, false, &gpa), 0);
	CHECK_EQ(gpa, 0x400123);
	CHECK_EQ_INT(gva_to_gpa(p, 0, v, 0x600000, false, &gpa), -EFAULT);
	pml4[0] = 0x7FFFFFF000ull | 3; /* table outside RAM */
	CHECK_EQ_INT(gva_to_gpa(p, 0, v, 0x200000, false, &gpa), -ERANGE);
	CHECK(gpa_ptr(p, p->ram_size - 8, 8) != NULL);
	CHECK(gpa_ptr(p, p->ram_size - 8, 9) == NULL);
	CHECK(gpa_ptr(p, ~0ull, 2) == NULL);
}

TEST(hvsim_cpuid_and_msrs)
{
	struct hv_partition *p = mk(1);
	uint32_t r[4] = { 0, 0, 0, 0 };
	uint64_t v;

	CHECK(hv_cpuid(&p->vps[0], HYPERV_CPUID_VENDOR_AND_MAX_FUNCTIONS, 0, r));
	CHECK_EQ(r[1], HYPERV_CPUID_SIGNATURE_EBX);
	CHECK(hv_cpuid(&p->vps[0], HYPERV_CPUID_FEATURES, 0, r));
	CHECK(r[1] & HV_ACCESS_VSM);
	CHECK(!hv_cpuid(&p->vps[0], 0, 0, r));
	/* hypercall page only with a guest OS id */
	CHECK_EQ(hv_msr_write(p, &p->vps[0], HV_X64_MSR_HYPERCALL, 0x40000 | 1), 0);
	CHECK_EQ(hv_msr_read(p, &p->vps[0], HV_X64_MSR_HYPERCALL, &v), 0);
	CHECK_EQ(v & 1, 0);
	hv_msr_write(p, &p->vps[0], HV_X64_MSR_GUEST_OS_ID, 1);
	CHECK_EQ(hv_msr_write(p, &p->vps[0], HV_X64_MSR_HYPERCALL, 0x40000 | 1), 0);
	CHECK_EQ(p->ram[0x40000], 0x0F); /* VMMCALL stub */
	CHECK_EQ(p->ram[0x40000 + HVSIM_HCPAGE_VTL_CALL_OFF + 4], HVCALL_VTL_CALL);
	CHECK_EQ_INT(hv_msr_write(p, &p->vps[0], HV_X64_MSR_HYPERCALL, p->ram_size | 1), -EINVAL);
	CHECK_EQ_INT(hv_msr_read(p, &p->vps[0], 0x40000FFF, &v), -EINVAL);
}

/* Random control words, GPAs and input bytes from both VTLs: every call
 * returns a status, nothing outside guest RAM or hvsim's state is touched
 * (ASan/UBSan watch), and VTL0 never gains VTL1 rights. */
TEST(hvsim_hc_fuzz_host)
{
	struct hv_partition *p = mk(2);
	uint64_t x = 0x2545F4914F6CDD1Dull;
	static const uint16_t codes[] = { 0x2, 0x3, 0xC, 0xD, 0xF, 0x11, 0x12, 0x13, 0x14,
					  0x50, 0x51, 0x52, 0x99 };

	enable_vtl1(p);
	for (int i = 0; i < 200000; i++) {
		x ^= x << 13, x ^= x >> 7, x ^= x << 17;
		uint64_t ctl = x, in, out;
		int vtl = (int)(x >> 63);
		if (i & 1)
			ctl = (ctl & ~0xFFFFull) | codes[(x >> 20) % ARRAY_SIZE(codes)];
		if (i & 2)
			ctl &= ~(HV_HYPERCALL_INPUT_RESERVED_MASK | HV_HYPERCALL_INPUT_NESTED_MASK);
		x ^= x << 13, x ^= x >> 7, x ^= x << 17;
		in = (x & 3) ? IN + ((x >> 8) & 0xFF8) : x;
		out = (x & 12) ? OUT + ((x >> 20) & 0xFF8) : x >> 3;
		p->ram[IN + ((x >> 32) & 0xFFF)] = (uint8_t)x;
		if ((x & 0x70) == 0) /* a valid partition id now and then */
			memcpy(p->ram + IN, &(uint64_t){ HV_PARTITION_ID_SELF }, 8);
		/* keep VP0's own execution state out of reach: the fuzz is about
		 * hvsim surviving, not about what a VTL does to itself */
		uint64_t r = call(p, vtl, ctl, in, out);
		CHECK((r & 0xFFFF) <= 0xFF || (r & HVSIM_HC_RESTART_FLAG));
		if ((uint16_t)ctl == HVCALL_MODIFY_VTL_PROTECTION_MASK && vtl == 0)
			CHECK((r & 0xFFFF) != 0);
		p->vps[0].active_vtl = 0;
	}
	CHECK(p->vps[0].vtl[1].enabled);
}

/* ---- issue 13: hvsim's isolation of its guests (RT2, RT3, RT7) ---- */

#define SECRET_GFN 0x40ull   /* VTL1 memory: no access for VTL0 */
#define RO_GFN     0x41ull   /* VTL1 made it read-only (kernel text) */
#define RX_GFN     0x42ull   /* read + kernel execute */
#define FREE_GFN   0x43ull   /* VTL0's own */

static void canaries(struct hv_partition *p)
{
	uint64_t g;

	enable_vtl1(p);
	g = SECRET_GFN;
	CHECK_EQ(ST(protect(p, 0, &g, 1, 1)), 0);
	g = RO_GFN;
	CHECK_EQ(ST(protect(p, HV_MAP_GPA_READABLE, &g, 1, 1)), 0);
	g = RX_GFN;
	CHECK_EQ(ST(protect(p, HV_MAP_GPA_READABLE | HV_MAP_GPA_KERNEL_EXECUTABLE, &g, 1, 1)), 0);
	for (g = SECRET_GFN; g <= RX_GFN; g++)
		memset(p->ram + (g << 12), 0xA5, 4096);
	p->vps[0].active_vtl = 0;
}

static bool canaries_intact(struct hv_partition *p)
{
	for (uint64_t g = SECRET_GFN; g <= RX_GFN; g++)
		for (size_t i = 0; i < 4096; i++)
			if (p->ram[(g << 12) + i] != 0xA5)
				return false;
	return true;
}

/* RT2: no overlay lands on a page VTL0 cannot write, by MSR or by register */
TEST(hvsim_overlay_refused_on_protected_pages)
{
	struct hv_partition *p = mk(1);
	struct hv_vp *vp = &p->vps[0];
	static const uint32_t msrs[] = { HV_X64_MSR_VP_ASSIST_PAGE, HV_X64_MSR_HYPERCALL,
					 HV_X64_MSR_SIMP, HV_X64_MSR_SIEFP };
	static const uint32_t regs[] = { HV_REGISTER_VP_ASSIST_PAGE, HV_REGISTER_HYPERCALL,
					 HV_REGISTER_SIMP, HV_REGISTER_SIEFP };
	uint64_t v;

	canaries(p);
	hv_msr_write(p, vp, HV_X64_MSR_GUEST_OS_ID, 1);
	for (size_t i = 0; i < ARRAY_SIZE(msrs); i++) {
		for (uint64_t g = SECRET_GFN; g <= RX_GFN; g++) {
			vp->active_vtl = 0;
			CHECK_EQ_INT(hv_msr_write(p, vp, msrs[i], (g << 12) | 1), -EACCES);
			CHECK_EQ(hv_msr_read(p, vp, msrs[i], &v), 0);
			CHECK((v & ~0xFFFull) != (g << 12)); /* the MSR kept its old value */
			/* the same through SetVpRegisters, from VTL0 and from VTL1
			 * naming VTL0: the overlay is VTL0's, so VTL0's rights */
			CHECK_EQ(ST(set_reg(p, 0, 0, regs[i], (g << 12) | 1)), HV_STATUS_ACCESS_DENIED);
			CHECK_EQ(ST(set_reg(p, 1, 0x10, regs[i], (g << 12) | 1)), HV_STATUS_ACCESS_DENIED);
		}
	}
	CHECK(canaries_intact(p));
	/* disabling never writes, so any GFN in RAM is fine */
	vp->active_vtl = 0;
	CHECK_EQ(hv_msr_write(p, vp, HV_X64_MSR_VP_ASSIST_PAGE, SECRET_GFN << 12), 0);
	/* VTL0's own page: placed, and the assist page is zeroed */
	memset(p->ram + (FREE_GFN << 12), 0x5A, 4096);
	CHECK_EQ(hv_msr_write(p, vp, HV_X64_MSR_VP_ASSIST_PAGE, (FREE_GFN << 12) | 1), 0);
	CHECK_EQ(p->ram[(FREE_GFN << 12) + 100], 0);
	CHECK_EQ(hv_msr_write(p, vp, HV_X64_MSR_HYPERCALL, (FREE_GFN << 12) | 1), 0);
	CHECK_EQ(p->ram[FREE_GFN << 12], 0x0F);
	/* VTL1 may place its own overlays anywhere in RAM */
	vp->active_vtl = 1;
	CHECK_EQ(hv_msr_write(p, vp, HV_X64_MSR_SIMP, (SECRET_GFN << 12) | 1), 0);
	CHECK_EQ_INT(hv_msr_write(p, vp, HV_X64_MSR_SIMP, p->ram_size | 1), -EINVAL);
	CHECK(canaries_intact(p));
}

/* RT2 sweep: every hvsim write at a guest GPA goes through gpa_access() */
TEST(hvsim_gpa_access_is_the_checked_path)
{
	struct hv_partition *p = mk(1);

	canaries(p);
	CHECK(gpa_access(p, 0, FREE_GFN << 12, 4096, true, "test") != NULL);
	CHECK(gpa_access(p, 0, SECRET_GFN << 12, 8, false, "test") == NULL);
	CHECK(gpa_access(p, 0, RO_GFN << 12, 8, false, "test") != NULL);
	CHECK(gpa_access(p, 0, RO_GFN << 12, 8, true, "test") == NULL);
	CHECK(gpa_access(p, 0, (RO_GFN << 12) - 4, 8, true, "test") == NULL); /* straddles */
	CHECK(gpa_access(p, 1, SECRET_GFN << 12, 4096, true, "test") != NULL);
	CHECK(gpa_access(p, 1, p->ram_size - 4, 8, false, "test") == NULL);
	CHECK(gpa_access(p, 0, ~0ull - 2, 8, false, "test") == NULL);
	/* hypercall input from VTL1 memory and output into it: refused */
	CHECK_EQ(ST(call(p, 0, HVCALL_GET_VP_REGISTERS | (1ull << 32), SECRET_GFN << 12, OUT)),
		 HV_STATUS_ACCESS_DENIED);
	CHECK_EQ(ST(call(p, 0, HVCALL_GET_VP_REGISTERS | (1ull << 32), IN, RO_GFN << 12)),
		 HV_STATUS_ACCESS_DENIED);
	CHECK(canaries_intact(p));
}

/* RT3: architectural registers only from a higher VTL; VTL1's registers
 * only from VTL1, whatever VP is named */
TEST(hvsim_hc_arch_registers_need_higher_vtl)
{
	struct hv_partition *p = mk(2);
	struct vmcb *v0 = p->vps[0].vtl[0].vmcb;
	static const uint32_t names[] = {
		HV_X64_REGISTER_CR0, HV_X64_REGISTER_CR3, HV_X64_REGISTER_CR4, HV_X64_REGISTER_EFER,
		HV_X64_REGISTER_LSTAR, HV_X64_REGISTER_STAR, HV_X64_REGISTER_CSTAR,
		HV_X64_REGISTER_SFMASK, HV_X64_REGISTER_SYSENTER_CS, HV_X64_REGISTER_SYSENTER_EIP,
		HV_X64_REGISTER_SYSENTER_ESP, HV_X64_REGISTER_KERNEL_GS_BASE, HV_X64_REGISTER_PAT,
		HV_X64_REGISTER_APIC_BASE, HV_X64_REGISTER_GDTR, HV_X64_REGISTER_IDTR,
		HV_X64_REGISTER_TR, HV_X64_REGISTER_LDTR, HV_X64_REGISTER_CS, HV_X64_REGISTER_RIP,
		HV_X64_REGISTER_RFLAGS, HV_X64_REGISTER_RAX, HV_X64_REGISTER_RSP, HV_X64_REGISTER_R15,
		HV_X64_REGISTER_XFEM, HV_X64_REGISTER_DR7, HVSIM_REGISTER_TSC_AUX,
		HVSIM_REGISTER_MISC_ENABLE, HVSIM_REGISTER_SGX_LC0, HVSIM_REGISTER_SGX_LC0 + 3,
	};
	uint64_t v = 0;

	enable_vtl1(p);
	v0->save.cr0 = 0x80010033;
	v0->save.lstar = 0xFFFFFFFF81000000ull;
	for (size_t i = 0; i < ARRAY_SIZE(names); i++) {
		CHECK_EQ(ST(set_reg(p, 0, 0, names[i], 0)), HV_STATUS_ACCESS_DENIED);
		CHECK_EQ(ST(set_reg(p, 0, 0x10, names[i], 0)), HV_STATUS_ACCESS_DENIED);
		CHECK_EQ(ST(get_reg(p, 0, 0, names[i], &v)), HV_STATUS_ACCESS_DENIED);
		CHECK_EQ(ST(set_reg(p, 1, 0x11, names[i], 0)), HV_STATUS_ACCESS_DENIED);
	}
	CHECK_EQ(v0->save.cr0, 0x80010033);
	CHECK_EQ(v0->save.lstar, 0xFFFFFFFF81000000ull);
	/* VTL1 sets and reads VTL0's */
	CHECK_EQ(ST(set_reg(p, 1, 0x10, HV_X64_REGISTER_LSTAR, 0x1234)), 0);
	CHECK_EQ(ST(get_reg(p, 1, 0x10, HV_X64_REGISTER_LSTAR, &v)), 0);
	CHECK_EQ(v, 0x1234);
	/* non-architectural registers of its own stay open to VTL0 */
	CHECK_EQ(ST(get_reg(p, 0, 0, HV_REGISTER_VSM_VP_STATUS, &v)), 0);
	CHECK_EQ(ST(set_reg(p, 0, 0, HV_REGISTER_GUEST_OS_ID, 5)), 0);
	CHECK_EQ(ST(get_reg(p, 0, 0, HV_REGISTER_PENDING_EVENT0, &v)), HV_STATUS_ACCESS_DENIED);
	/* VTL1's registers: the caller's VTL decides, not the named VP's.
	 * VP1 is busy in VTL1; VTL0 on VP0 names it. */
	p->vps[1].vtl[1].enabled = true;
	p->vps[1].active_vtl = 1;
	p->vps[1].vtl[1].cr_intercept_ctl = HV_CR_INTERCEPT_CR0;
	struct hv_input_get_set_vp_registers g = { HV_PARTITION_ID_SELF, 1, 0, { 0 } };
	struct hv_register_assoc a = { HV_X64_REGISTER_CR_INTERCEPT_CONTROL, { 0 }, { 0, 0 } };
	memcpy(p->ram + IN, &g, sizeof(g));
	memcpy(p->ram + IN + sizeof(g), &a, sizeof(a));
	CHECK_EQ(ST(call(p, 0, HVCALL_SET_VP_REGISTERS | (1ull << 32), IN, 0)), HV_STATUS_ACCESS_DENIED);
	CHECK_EQ(p->vps[1].vtl[1].cr_intercept_ctl, HV_CR_INTERCEPT_CR0);
	a.name = HV_REGISTER_VSM_PARTITION_CONFIG;
	a.value.low_part = 0;
	memcpy(p->ram + IN + sizeof(g), &a, sizeof(a));
	p->vsm_partition_config = HV_REGISTER_VSM_PARTITION_CONFIG_ENABLE_VTL_PROTECTION_MASK;
	CHECK_EQ(ST(call(p, 0, HVCALL_SET_VP_REGISTERS | (1ull << 32), IN, 0)), HV_STATUS_ACCESS_DENIED);
	CHECK_EQ(p->vsm_partition_config, HV_REGISTER_VSM_PARTITION_CONFIG_ENABLE_VTL_PROTECTION_MASK);
	/* CrInterceptControl bits 63:25 are RsvdZ */
	CHECK_EQ(ST(set_reg(p, 1, 0, HV_X64_REGISTER_CR_INTERCEPT_CONTROL, 1ull << 25)),
		 HV_STATUS_INVALID_PARAMETER);
}

/* The registers LOCK_REGS pins beyond LVBS's set: VTL1 gets and sets
 * VTL0's MISC_ENABLE, TSC_AUX, SgxLaunchControl0..3 and XFEM (the VP's
 * XCR0); VTL0 is refused, for its own and through an explicit input VTL. */
TEST(hvsim_hc_pin_registers_vtl1_gets_vtl0s)
{
	struct hv_partition *p = mk(1);
	struct vtl_ctx *c0 = &p->vps[0].vtl[0];
	static const uint32_t names[] = {
		HVSIM_REGISTER_MISC_ENABLE, HVSIM_REGISTER_TSC_AUX, HVSIM_REGISTER_SGX_LC0,
		HVSIM_REGISTER_SGX_LC0 + 1, HVSIM_REGISTER_SGX_LC0 + 2, HVSIM_REGISTER_SGX_LC0 + 3,
		HV_X64_REGISTER_XFEM,
	};
	uint64_t v = 0;

	enable_vtl1(p);
	c0->misc_enable = 0x1;
	c0->tsc_aux = 0x7;
	c0->sgx_lc[2] = 0xABCD;
	p->vps[0].xcr0 = 0x3;
	CHECK_EQ(ST(get_reg(p, 1, 0x10, HVSIM_REGISTER_MISC_ENABLE, &v)), 0);
	CHECK_EQ(v, 0x1);
	CHECK_EQ(ST(get_reg(p, 1, 0x10, HVSIM_REGISTER_TSC_AUX, &v)), 0);
	CHECK_EQ(v, 0x7);
	CHECK_EQ(ST(get_reg(p, 1, 0x10, HVSIM_REGISTER_SGX_LC0 + 2, &v)), 0);
	CHECK_EQ(v, 0xABCD);
	CHECK_EQ(ST(get_reg(p, 1, 0x10, HV_X64_REGISTER_XFEM, &v)), 0);
	CHECK_EQ(v, 0x3);
	/* VTL1 sets VTL0's */
	CHECK_EQ(ST(set_reg(p, 1, 0x10, HVSIM_REGISTER_MISC_ENABLE, 0x400000001ull)), 0);
	CHECK_EQ(c0->misc_enable, 0x400000001ull);
	CHECK_EQ(ST(set_reg(p, 1, 0x10, HVSIM_REGISTER_TSC_AUX, 0x55)), 0);
	CHECK_EQ(c0->tsc_aux, 0x55);
	CHECK_EQ(ST(set_reg(p, 1, 0x10, HVSIM_REGISTER_TSC_AUX, 1ull << 32)),
		 HV_STATUS_INVALID_PARAMETER); /* TSC_AUX is 32 bits */
	CHECK_EQ(c0->tsc_aux, 0x55);
	CHECK_EQ(ST(set_reg(p, 1, 0x10, HVSIM_REGISTER_SGX_LC0 + 3, 0x99)), 0);
	CHECK_EQ(c0->sgx_lc[3], 0x99);
	/* XFEM: hvsim does not write the real XCR0 for a guest, so only the
	 * value in force is accepted */
	CHECK_EQ(ST(set_reg(p, 1, 0x10, HV_X64_REGISTER_XFEM, 0x3)), 0);
	CHECK_EQ(ST(set_reg(p, 1, 0x10, HV_X64_REGISTER_XFEM, 0x1)), HV_STATUS_INVALID_PARAMETER);
	/* VTL0: neither its own nor through input VTL 0, read or write */
	for (size_t i = 0; i < ARRAY_SIZE(names); i++) {
		CHECK_EQ(ST(get_reg(p, 0, 0, names[i], &v)), HV_STATUS_ACCESS_DENIED);
		CHECK_EQ(ST(get_reg(p, 0, 0x10, names[i], &v)), HV_STATUS_ACCESS_DENIED);
		CHECK_EQ(ST(set_reg(p, 0, 0, names[i], 0)), HV_STATUS_ACCESS_DENIED);
		CHECK_EQ(ST(set_reg(p, 0, 0x10, names[i], 0)), HV_STATUS_ACCESS_DENIED);
		/* nor VTL1 its own */
		CHECK_EQ(ST(get_reg(p, 1, 0, names[i], &v)), HV_STATUS_ACCESS_DENIED);
	}
	CHECK_EQ(c0->misc_enable, 0x400000001ull);
	CHECK_EQ(c0->tsc_aux, 0x55);
	CHECK_EQ(c0->sgx_lc[3], 0x99);
}

/* RT7: a VTL0 page walk never reads VTL1 memory as a page table */
TEST(hvsim_translate_walk_obeys_vtl0_read_rights)
{
	struct hv_partition *p = mk(1);
	struct vmcb *v = p->vps[0].vtl[0].vmcb;
	uint64_t *pml4 = (uint64_t *)(p->ram + 0x1000), gpa = 0;
	struct hv_input_translate_virtual_address in = { 0 };
	struct hv_output_translate_virtual_address out;

	canaries(p);
	/* VTL1's secret page holds what a PDPT entry would look like: a
	 * 1 GiB page whose frame bits are VTL1's secret */
	*(uint64_t *)(p->ram + (SECRET_GFN << 12)) = 0x40000000ull | 0x83;
	pml4[0] = (SECRET_GFN << 12) | 3;
	v->save.cr3 = 0x1000;
	v->save.cr0 = 0x80000001;
	v->save.efer = EFER_LMA;
	CHECK_EQ_INT(gva_to_gpa(p, 0, v, 0x1000, false, &gpa), -EACCES);
	CHECK_EQ(gva_to_gpa(p, 1, v, 0x1000, false, &gpa), 0); /* VTL1 may */
	in.partition_id = HV_PARTITION_ID_SELF;
	in.vp_index = HV_VP_INDEX_SELF;
	in.gva_page = 1;
	memcpy(p->ram + IN, &in, sizeof(in));
	memset(p->ram + OUT, 0xEE, sizeof(out));
	CHECK_EQ(ST(call(p, 0, HVCALL_TRANSLATE_VIRTUAL_ADDRESS, IN, OUT)), 0);
	memcpy(&out, p->ram + OUT, sizeof(out));
	CHECK_EQ(out.translation_result & 0xFFFFFFFFu, HV_TRANSLATE_GVA_GPA_NO_READ_ACCESS);
	CHECK_EQ(out.gpa_page, 0);
	/* guest_read_virt on VTL0's behalf (LGDT operands, instruction bytes) */
	uint8_t b[8];
	CHECK(guest_read_virt(p, 0, v, 0x1000, b, 8) != 0);
	/* a leaf that maps the secret page: the walk is fine, the read is not */
	pml4[0] = 0x2000 | 3;
	*(uint64_t *)(p->ram + 0x2000) = 0x3000 | 3;
	*(uint64_t *)(p->ram + 0x3000) = 0x4000 | 3;
	*(uint64_t *)(p->ram + 0x4000) = (SECRET_GFN << 12) | 3;
	CHECK_EQ(gva_to_gpa(p, 0, v, 0x0, false, &gpa), 0);
	CHECK_EQ(gpa, SECRET_GFN << 12);
	CHECK(guest_read_virt(p, 0, v, 0x0, b, 8) != 0);
}

/* Class 2/5 sweep: VTL0 throws everything at hvsim's write paths (hypercall
 * in/out pages, SetVpRegisters of overlays and VTL1's registers on any VP,
 * the overlay MSRs) aimed at VTL1's pages: none of their bytes changes,
 * neither do VTL1's controls nor VTL0's pinned registers. */
TEST(hvsim_hc_fuzz_vtl0_write_paths)
{
	struct hv_partition *p = mk(2);
	uint64_t x = 0x9E3779B97F4A7C15ull;
	static const uint16_t codes[] = { 0x2, 0x3, 0xC, 0xD, 0xF, 0x11, 0x13, 0x14,
					  0x50, 0x51, 0x52, 0x99 };
	static const uint32_t names[] = {
		HV_REGISTER_VP_ASSIST_PAGE, HV_REGISTER_HYPERCALL, HV_REGISTER_SIMP,
		HV_REGISTER_SIEFP, HV_X64_REGISTER_CR_INTERCEPT_CONTROL,
		HV_X64_REGISTER_CR_INTERCEPT_CR0_MASK, HV_REGISTER_VSM_PARTITION_CONFIG,
		HV_REGISTER_PENDING_EVENT0, HV_X64_REGISTER_CR0, HV_X64_REGISTER_LSTAR,
		HV_X64_REGISTER_GDTR, HV_X64_REGISTER_EFER, HV_X64_REGISTER_CR4,
	};
	static const uint32_t msrs[] = { HV_X64_MSR_VP_ASSIST_PAGE, HV_X64_MSR_HYPERCALL,
					 HV_X64_MSR_SIMP, HV_X64_MSR_SIEFP, HV_X64_MSR_GUEST_OS_ID };
	const uint64_t targets[] = { SECRET_GFN << 12, RO_GFN << 12, RX_GFN << 12, IN, OUT };

	canaries(p);
	p->vps[1].vtl[1].enabled = true;
	p->vps[1].active_vtl = 1; /* VP1 busy in VTL1 while VP0's VTL0 attacks */
	for (int i = 0; i < 2; i++)
		p->vps[i].vtl[1].cr_intercept_ctl = HV_CR_INTERCEPT_CR0 | HV_CR_INTERCEPT_LSTAR;
	uint64_t cfg = p->vsm_partition_config, cr0 = p->vps[0].vtl[0].vmcb->save.cr0 = 0x80010033;
	for (int i = 0; i < 100000; i++) {
		x ^= x << 13, x ^= x >> 7, x ^= x << 17;
		uint64_t tgt = targets[(x >> 40) % ARRAY_SIZE(targets)] + ((x >> 8) & 0xFF8);
		if (i % 4 == 0) {
			p->vps[0].active_vtl = 0;
			hv_msr_write(p, &p->vps[0], msrs[(x >> 20) % ARRAY_SIZE(msrs)],
				     (tgt & ~0xFFFull) | (x & 1));
			continue;
		}
		uint64_t ctl = codes[(x >> 20) % ARRAY_SIZE(codes)] | (((x >> 24) & 3) << 32);
		uint64_t in = IN, out = (x & 2) ? tgt : OUT;
		struct hv_input_get_set_vp_registers g = { HV_PARTITION_ID_SELF,
			(x & 4) ? 1u : HV_VP_INDEX_SELF, (uint8_t)((x & 8) ? 0x10 : 0), { 0 } };
		struct hv_register_assoc a = { names[(x >> 32) % ARRAY_SIZE(names)], { 0 },
					       { (tgt & ~0xFFFull) | 1, 0 } };
		x ^= x << 13, x ^= x >> 7, x ^= x << 17;
		if (x & 1) {
			memcpy(p->ram + IN, &g, sizeof(g));
			for (int k = 0; k < 3; k++)
				memcpy(p->ram + IN + sizeof(g) + k * sizeof(a), &a, sizeof(a));
		} else {
			in = (x & 2) ? tgt : IN;
			p->ram[IN + ((x >> 32) & 0xFFF)] = (uint8_t)(x >> 16);
		}
		uint64_t r = call(p, 0, ctl, in, out);
		CHECK((r & 0xFFFF) <= 0xFF || (r & HVSIM_HC_RESTART_FLAG));
		p->vps[0].active_vtl = 0;
	}
	CHECK(canaries_intact(p));
	CHECK_EQ(p->vsm_partition_config, cfg);
	for (int i = 0; i < 2; i++)
		CHECK_EQ(p->vps[i].vtl[1].cr_intercept_ctl, HV_CR_INTERCEPT_CR0 | HV_CR_INTERCEPT_LSTAR);
	CHECK_EQ(p->vps[0].vtl[0].vmcb->save.cr0, cr0);
	CHECK_EQ(p->vps[1].vtl[1].pending_event0, 0);
}

/* msrpm read/write intercept bits of one MSR (APM vol. 2 15.11) */
static void msrpm_get(const uint8_t *pm, uint32_t msr, bool *rd, bool *wr)
{
	uint32_t base = 0;

	if (msr >= 0xC0000000u) {
		base = 0x800;
		msr -= 0xC0000000u;
	}
	uint32_t bit = msr * 2;
	*rd = pm[base + bit / 8] & (1u << (bit % 8));
	*wr = pm[base + bit / 8] & (1u << (bit % 8 + 1));
}

/* hvsim arms exactly what CrInterceptControl names, nothing else */
TEST(hvsim_intercept_bits_arm_exactly_the_tlfs_set)
{
	struct hv_partition *p = mk(1);
	struct vmcb *v = p->vps[0].vtl[0].vmcb;
	const uint8_t *pm = p->vps[0].vtl[0].msrpm;
	bool rd, wr;

	enable_vtl1(p);
	CHECK_EQ(ST(set_reg(p, 1, 0, HV_X64_REGISTER_CR_INTERCEPT_CONTROL, 0)), 0);
	CHECK_EQ(v->ctl.intercept_cr, 0);
	CHECK(!(v->ctl.intercept_misc2 & VMCB_I2_XSETBV));
	msrpm_get(pm, 0xC0000082, &rd, &wr); /* LSTAR */
	CHECK(!rd && !wr);
	CHECK_EQ(ST(set_reg(p, 1, 0, HV_X64_REGISTER_CR_INTERCEPT_CONTROL, (1ull << 25) - 1)), 0);
	CHECK_EQ(v->ctl.intercept_cr, (1u << 16) | (1u << 20)); /* CR0 and CR4 writes only */
	CHECK(v->ctl.intercept_misc2 & VMCB_I2_XSETBV);
	CHECK((v->ctl.intercept_misc1 & (VMCB_I1_IDTR_WRITE | VMCB_I1_GDTR_WRITE | VMCB_I1_LDTR_WRITE |
					 VMCB_I1_TR_WRITE)) ==
	      (VMCB_I1_IDTR_WRITE | VMCB_I1_GDTR_WRITE | VMCB_I1_LDTR_WRITE | VMCB_I1_TR_WRITE));
	static const uint32_t rw[] = { 0xC0000081, 0xC0000082, 0xC0000083 };       /* STAR LSTAR CSTAR */
	static const uint32_t wonly[] = { 0x174, 0x175, 0x176, 0xC0000084 };       /* SYSENTER_*, SFMASK */
	static const uint32_t never[] = { 0xC0000100, 0xC0000101, 0xC0000102, 0x277 }; /* FS/GS/KGS base, PAT */
	for (size_t i = 0; i < ARRAY_SIZE(rw); i++) {
		msrpm_get(pm, rw[i], &rd, &wr);
		CHECK(rd && wr);
	}
	for (size_t i = 0; i < ARRAY_SIZE(wonly); i++) {
		msrpm_get(pm, wonly[i], &rd, &wr);
		CHECK(!rd && wr);
	}
	for (size_t i = 0; i < ARRAY_SIZE(never); i++) {
		msrpm_get(pm, never[i], &rd, &wr);
		CHECK(!rd && !wr);
	}
	/* bits 63:25 are RsvdZ; the misc-enable mask is VTL1's register */
	CHECK_EQ(ST(set_reg(p, 1, 0, HV_X64_REGISTER_CR_INTERCEPT_CONTROL, 1ull << 25)),
		 HV_STATUS_INVALID_PARAMETER);
	CHECK_EQ(ST(set_reg(p, 0, 0, HVSIM_REGISTER_CR_INTERCEPT_IA32_MISC_ENABLE_MASK, 1)),
		 HV_STATUS_ACCESS_DENIED);
	CHECK_EQ(ST(set_reg(p, 1, 0, HVSIM_REGISTER_CR_INTERCEPT_IA32_MISC_ENABLE_MASK, 1)), 0);
	CHECK_EQ(p->vps[0].vtl[1].misc_enable_mask, 1);
}

/* The architectural #GP conditions hvsim applies to CR writes it carries out
 * itself and to VTL1's SetVpRegisters: nothing VMRUN would refuse (which
 * would stop the whole model) reaches a VMCB. */
TEST(hvsim_cr_values_checked)
{
	struct hv_partition *p = mk(1);
	struct vtl_ctx *c = &p->vps[0].vtl[0];
	struct vmcb *v = c->vmcb;

	enable_vtl1(p);
	v->save.cr0 = 0x80050033;
	v->save.cr4 = 0x6A0;            /* PAE | PGE | OSFXSR | OSXMMEXCPT */
	v->save.cr3 = 0x1000;
	v->save.cs.attr = 0x29B;        /* 64-bit code */
	c->guest_efer = EFER_LME | EFER_LMA | EFER_NXE;
	CHECK(vp_cr_value_ok(p, c, 0, 0x80050033));
	CHECK(!vp_cr_value_ok(p, c, 0, 0x80050033 | (1ull << 40)));         /* high half */
	CHECK(!vp_cr_value_ok(p, c, 0, 0x80050032));                        /* PG without PE */
	CHECK(!vp_cr_value_ok(p, c, 0, 0x80050033 | (1ull << 29)));         /* NW without CD */
	CHECK(!vp_cr_value_ok(p, c, 0, 0x00050033));                        /* paging off in 64-bit code */
	CHECK(vp_cr_value_ok(p, c, 4, 0x6A0 | (1ull << 20)));               /* SMEP: supported */
	CHECK(!vp_cr_value_ok(p, c, 4, 0x6A0 | (1ull << 23)));              /* CET: not on this CPU */
	CHECK(!vp_cr_value_ok(p, c, 4, 0x6A0 | (1ull << 63)));
	CHECK(!vp_cr_value_ok(p, c, 4, 0x680));                             /* PAE off in long mode */
	v->save.cr3 = 0x1008;
	CHECK(!vp_cr_value_ok(p, c, 4, 0x6A0 | (1ull << 17)));              /* PCIDE with CR3[11:0] != 0 */
	v->save.cr3 = 0x1000;
	CHECK(vp_cr_value_ok(p, c, 4, 0x6A0 | (1ull << 17)));               /* ... 0: fine */
	/* VTL1's SetVpRegisters is held to the same */
	CHECK_EQ(ST(set_reg(p, 1, 0x10, HV_X64_REGISTER_CR4, 0x6A0 | (1ull << 63))),
		 HV_STATUS_INVALID_PARAMETER);
	CHECK_EQ(ST(set_reg(p, 1, 0x10, HV_X64_REGISTER_EFER, EFER_SVME)), HV_STATUS_INVALID_PARAMETER);
	CHECK_EQ(v->save.cr4, 0x6A0);
	CHECK_EQ(ST(set_reg(p, 1, 0x10, HV_X64_REGISTER_CR4, 0x6A0 | (1ull << 7))), 0);
}

/*
 * MBEC status (issue 14): LVBS VTL0 panics unless VsmPartitionStatus shows
 * MbecEnabledVtlSet after EnablePartitionVtl(MBEC), and reads
 * VsmVpStatus.ActiveMbecEnabled after each first call: it turns on once VTL1
 * set MbecEnabled in that VP's VsmVpSecureConfigVtl0.
 */
/* VsmCapabilities.MbecVtlMask names VTL1, as the MBEC status hvsim reports. */
TEST(hvsim_vsm_capabilities_mbec_mask)
{
	struct hv_partition *p = mk(1);
	uint64_t v = 0;

	CHECK_EQ(ST(get_reg(p, 0, 0, HV_REGISTER_VSM_CAPABILITIES, &v)), 0);
	CHECK_EQ((v & HV_REGISTER_VSM_CAPABILITIES_MBEC_VTL_MASK_MASK) >>
			 HV_REGISTER_VSM_CAPABILITIES_MBEC_VTL_MASK_SHIFT,
		 2); /* VTL1 */
	CHECK_EQ(v & HV_REGISTER_VSM_CAPABILITIES_DR6_SHARED_MASK, 0);
}

TEST(hvsim_vsm_status_mbec)
{
	struct hv_partition *p = mk(1);
	struct hv_input_enable_partition_vtl e = { HV_PARTITION_ID_SELF, 1,
						   HV_ENABLE_PARTITION_VTL_FLAGS_ENABLE_MBEC_MASK,
						   { 0 } };
	uint64_t v = 0;

	CHECK_EQ(ST(get_reg(p, 0, 0, HV_REGISTER_VSM_PARTITION_STATUS, &v)), 0);
	CHECK_EQ(v & HV_REGISTER_VSM_PARTITION_STATUS_MBEC_ENABLED_VTL_SET_MASK, 0);
	struct hv_input_enable_vp_vtl vv;

	memcpy(p->ram + IN, &e, sizeof(e));
	CHECK_EQ(ST(call(p, 0, HVCALL_ENABLE_PARTITION_VTL, IN, 0)), 0);
	memset(&vv, 0, sizeof(vv));
	vv.partition_id = HV_PARTITION_ID_SELF;
	vv.target_vtl = 1;
	vv.vp_context.rip = 0x123000;
	vv.vp_context.cs.attributes = 0x209B;
	memcpy(p->ram + IN, &vv, sizeof(vv));
	CHECK_EQ(ST(call(p, 0, HVCALL_ENABLE_VP_VTL, IN, 0)), 0);
	CHECK_EQ(ST(get_reg(p, 0, 0, HV_REGISTER_VSM_PARTITION_STATUS, &v)), 0);
	CHECK_EQ((v & HV_REGISTER_VSM_PARTITION_STATUS_MBEC_ENABLED_VTL_SET_MASK) >>
			 HV_REGISTER_VSM_PARTITION_STATUS_MBEC_ENABLED_VTL_SET_SHIFT,
		 2); /* VTL1 */
	/* VTL0's view before VTL1 configured the VP: not active */
	CHECK_EQ(ST(get_reg(p, 0, 0, HV_REGISTER_VSM_VP_STATUS, &v)), 0);
	CHECK_EQ(v & HV_REGISTER_VSM_VP_STATUS_ACTIVE_MBEC_ENABLED_MASK, 0);
	/* only VTL1 may set it; reserved bits refused */
	CHECK_EQ(ST(set_reg(p, 0, 0, HV_REGISTER_VSM_VP_SECURE_CONFIG_VTL0, 1)),
		 HV_STATUS_ACCESS_DENIED);
	CHECK_EQ(ST(set_reg(p, 1, 0, HV_REGISTER_VSM_VP_SECURE_CONFIG_VTL0, 4)),
		 HV_STATUS_INVALID_PARAMETER);
	CHECK_EQ(ST(set_reg(p, 1, 0, HV_REGISTER_VSM_VP_SECURE_CONFIG_VTL0,
			    HV_REGISTER_VSM_VP_SECURE_VTL_CONFIG_MBEC_ENABLED_MASK |
				    HV_REGISTER_VSM_VP_SECURE_VTL_CONFIG_TLB_LOCKED_MASK)),
		 0);
	CHECK_EQ(ST(get_reg(p, 1, 0, HV_REGISTER_VSM_VP_SECURE_CONFIG_VTL0, &v)), 0);
	CHECK_EQ(v, 3);
	CHECK_EQ(ST(get_reg(p, 0, 0, HV_REGISTER_VSM_VP_STATUS, &v)), 0);
	CHECK(v & HV_REGISTER_VSM_VP_STATUS_ACTIVE_MBEC_ENABLED_MASK);
}

/* Without MBEC in EnablePartitionVtl, no MBEC anywhere. */
TEST(hvsim_vsm_status_no_mbec)
{
	struct hv_partition *p = mk(1);
	uint64_t v = 0;

	enable_vtl1(p); /* flags 0 */
	CHECK_EQ(ST(get_reg(p, 0, 0, HV_REGISTER_VSM_PARTITION_STATUS, &v)), 0);
	CHECK_EQ(v & HV_REGISTER_VSM_PARTITION_STATUS_MBEC_ENABLED_VTL_SET_MASK, 0);
	CHECK_EQ(ST(set_reg(p, 1, 0, HV_REGISTER_VSM_VP_SECURE_CONFIG_VTL0,
			    HV_REGISTER_VSM_VP_SECURE_VTL_CONFIG_MBEC_ENABLED_MASK)),
		 HV_STATUS_INVALID_PARAMETER);
	CHECK_EQ(ST(get_reg(p, 0, 0, HV_REGISTER_VSM_VP_STATUS, &v)), 0);
	CHECK_EQ(v & HV_REGISTER_VSM_VP_STATUS_ACTIVE_MBEC_ENABLED_MASK, 0);
}

/*
 * An AP's initial context is checked against the CPU's own CR4 bits, as
 * VMRUN checks it: a CR4 bit the CPU lacks (VMXE on the model's AMD CPU) in
 * EnableVpVtl or StartVirtualProcessor gets INVALID_PARAMETER instead of a
 * VMRUN failure that would stop the whole model.
 */
TEST(hvsim_initial_context_cr4_checked_against_cpu)
{
	struct hv_partition *p = mk(2);
	struct hv_input_enable_vp_vtl v;

	enable_vtl1(p);
	memset(&v, 0, sizeof(v));
	v.partition_id = HV_PARTITION_ID_SELF;
	v.vp_index = 1;
	v.target_vtl = 1;
	v.vp_context.rip = 0x123000;
	v.vp_context.cs.attributes = 0x209B;
	v.vp_context.cr4 = 0xB0 | (1ull << 13); /* PSE|PGE|PAE + VMXE */
	memcpy(p->ram + IN, &v, sizeof(v));
	CHECK_EQ(ST(call(p, 1, HVCALL_ENABLE_VP_VTL, IN, 0)), HV_STATUS_INVALID_PARAMETER);
	CHECK(!p->vps[1].vtl[1].enabled);
	v.vp_context.cr4 = 0xB0;
	memcpy(p->ram + IN, &v, sizeof(v));
	CHECK_EQ(ST(call(p, 1, HVCALL_ENABLE_VP_VTL, IN, 0)), 0);
	CHECK(p->vps[1].vtl[1].enabled);
}
