// SPDX-License-Identifier: MIT
/*
 * Intercept delivery to VTL1: build the message, post it to VTL1's SIM slot
 * for SINT0, raise the SINT0 vector (as a virtual interrupt, so VTL1's IF is
 * honoured) and switch the VP to VTL1 with entry reason "interrupt".  VTL0
 * stays at the intercepted instruction until VTL1 changes its state.
 */
#include <string.h>

#include "core/compiler.h"
#include "core/errno.h"
#include "tools/hvsim/guestmem.h"
#include "tools/hvsim/hvif.h"
#include "tools/hvsim/log.h"
#include "tools/hvsim/vp.h"

__fastpath
void msg_intercept_header(struct hv_vp *vp, struct hv_x64_intercept_message_header *h,
			  uint8_t insn_len, uint8_t access)
{
	const struct vmcb *v = vp->vtl[0].vmcb;
	uint16_t es = (uint16_t)((v->save.cpl << HV_X64_VP_EXECUTION_STATE_CPL_SHIFT) &
				 HV_X64_VP_EXECUTION_STATE_CPL_MASK);

	if (v->save.cr0 & 1)
		es |= HV_X64_VP_EXECUTION_STATE_CR0_PE_MASK;
	if (v->save.cr0 & (1ull << 18))
		es |= HV_X64_VP_EXECUTION_STATE_CR0_AM_MASK;
	if (vp->vtl[0].guest_efer & EFER_LMA)
		es |= HV_X64_VP_EXECUTION_STATE_EFER_LMA_MASK;
	/* the intercepted VTL is always VTL0 here: VTL field 0 */
	h->vp_index = vp->index;
	h->instruction_length = insn_len & 0xF; /* Cr8 nibble left 0 */
	h->intercept_access_type = access;
	h->execution_state = es;
	h->cs_segment.base = v->save.cs.base;
	h->cs_segment.limit = v->save.cs.limit;
	h->cs_segment.selector = v->save.cs.sel;
	h->cs_segment.attributes = vmcb_attr_to_hv(v->save.cs.attr);
	h->rip = v->save.rip;
	h->rflags = v->save.rflags;
}

__fastpath
static struct hv_message *sim_slot(struct hv_partition *p, struct hv_vp *vp, unsigned int sint)
{
	uint64_t simp = vp->vtl[1].synic.simp;

	if (!(simp & HV_SYNIC_SIMP_ENABLE_MASK))
		return NULL;
	return gpa_access(p, 1, (simp & HV_SYNIC_SIMP_BASE_GPFN_MASK) + sint * HV_MESSAGE_SIZE,
			  HV_MESSAGE_SIZE, true, "SIM message slot");
}

__fastpath
static void raise_sint0(struct hv_vp *vp)
{
	uint64_t sint = vp->vtl[1].synic.sint[0];
	struct vmcb *v = vp->vtl[1].vmcb;
	uint8_t vec = (uint8_t)sint;

	if ((sint & HV_SYNIC_SINT_MASKED) || vec < 16 ||
	    !(vp->vtl[1].synic.scontrol & HV_SYNIC_SCONTROL_ENABLE_MASK))
		return;
	v->ctl.int_ctl &= ~(0xFFull << 32);
	v->ctl.int_ctl |= VMCB_V_IRQ | VMCB_V_IGN_TPR | (0xFull << 16) | ((uint64_t)vec << 32);
}

__fastpath
static void post(struct hv_partition *p, struct hv_vp *vp, struct hv_message *slot,
		 const struct hv_message *msg)
{
	slot->header.payload_size = msg->header.payload_size;
	slot->header.message_flags = msg->header.message_flags;
	slot->header.sender = msg->header.sender;
	memcpy(slot->payload, msg->payload, sizeof(slot->payload));
	/* the type goes last: VTL1 polls it */
	__atomic_store_n(&slot->header.message_type, msg->header.message_type, __ATOMIC_RELEASE);
	/* a copy for VTL1 kernels that read the intercept from the assist page */
	uint64_t assist = vp->vtl[1].vp_assist_msr;
	if (assist & HV_X64_MSR_VP_ASSIST_PAGE_ENABLE_MASK) {
		struct hv_vp_assist_page *a =
			gpa_access(p, 1, assist & HV_X64_MSR_VP_ASSIST_PAGE_GPFN_MASK, sizeof(*a),
				   true, "VP assist page (intercept message copy)");
		if (a)
			memcpy(a->intercept_message, msg, sizeof(a->intercept_message));
	}
	raise_sint0(vp);
}

__fastpath
int deliver_intercept(struct hv_partition *p, struct hv_vp *vp, uint32_t type,
		      const void *payload, uint8_t payload_size)
{
	struct hv_message msg;
	struct hv_message *slot;

	if (!vp->vtl[1].enabled)
		return -ENODEV;
	slot = sim_slot(p, vp, 0);
	if (!slot)
		return -ENODEV;
	memset(&msg, 0, sizeof(msg));
	msg.header.message_type = type;
	msg.header.payload_size = (uint8_t)MIN(payload_size, HV_MESSAGE_PAYLOAD_BYTE_COUNT);
	memcpy(msg.payload, payload, msg.header.payload_size);
	if (__atomic_load_n(&slot->header.message_type, __ATOMIC_ACQUIRE) != HVMSG_NONE) {
		/* slot busy: flag it, keep ours until VTL1 writes EOM */
		slot->header.message_flags |= HV_MESSAGE_FLAG_PENDING;
		memcpy(&vp->queued_msg, &msg, sizeof(msg));
		vp->msg_queued = true;
	} else {
		post(p, vp, slot, &msg);
	}
	/* only with --trace: the name lookup is not free on every intercept */
	if (p->trace)
		hv_trace("vp%u: intercept %s (%#x) to VTL1 (rip %#llx)", vp->index,
			 hv_trace_msg_name(type), type, (unsigned long long)vp->vtl[0].vmcb->save.rip);
	if (vp->active_vtl == 0)
		vtl_switch(p, vp, 1, HV_VTL_ENTRY_REASON_INTERRUPT);
	return 0;
}

void synic_eom(struct hv_partition *p, struct hv_vp *vp)
{
	struct hv_message *slot;

	if (vp->active_vtl != 1 || !vp->msg_queued)
		return;
	slot = sim_slot(p, vp, 0);
	if (slot && __atomic_load_n(&slot->header.message_type, __ATOMIC_ACQUIRE) == HVMSG_NONE) {
		vp->msg_queued = false;
		post(p, vp, slot, &vp->queued_msg);
	}
}
