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
#include "tools/hvsim/hvsim.h"
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
	CHECK_EQ(ST(get_reg(p, 1, 0, HV_X64_REGISTER_RIP, &v)), 0);
	CHECK_EQ(v, 0x5555);
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
	CHECK_EQ(gva_to_gpa(p, v, 0x200123, false, &gpa), 0);
	CHECK_EQ(gpa, 0x400123);
	CHECK_EQ_INT(gva_to_gpa(p, v, 0x600000, false, &gpa), -EFAULT);
	pml4[0] = 0x7FFFFFF000ull | 3; /* table outside RAM */
	CHECK_EQ_INT(gva_to_gpa(p, v, 0x200000, false, &gpa), -EFAULT);
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

/*
 * MBEC status (issue 14): LVBS VTL0 panics unless VsmPartitionStatus shows
 * MbecEnabledVtlSet after EnablePartitionVtl(MBEC), and reads
 * VsmVpStatus.ActiveMbecEnabled after each first call: it turns on once VTL1
 * set MbecEnabled in that VP's VsmVpSecureConfigVtl0.
 */
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
