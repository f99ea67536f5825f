// SPDX-License-Identifier: MIT
/*
 * Consuming SynIC messages from the SIM page.  The hypervisor owns a slot
 * while its type is HVMSG_NONE and we own it otherwise.  Protocol (TLFS
 * "SIM page", Linux vmbus_signal_eom): copy the message out, set the type to
 * HVMSG_NONE, then — only after that store is visible — look at the
 * msg_pending flag; if the hypervisor queued another message meanwhile it set
 * that flag, and writing EOM makes it deliver the next one.  Reading the flag
 * before freeing the slot could miss a message queued in between.
 */
#include <string.h>
#include "core/compiler.h"
#include "core/errno.h"
#include "core/log.h"
#include "hv/hv.h"

__fastpath
int hv_synic_take_message(struct hv_message *slot, struct hv_message *out)
{
	const struct hv_platform *p = hv_get_platform();
	/* The hypervisor writes the slot behind the compiler's back. */
	volatile struct hv_message *vslot = slot;
	uint32_t type = vslot->header.message_type;
	int ret = 1;

	if (type == HVMSG_NONE)
		return 0;
	/* Read the body only after seeing the type the hypervisor wrote last. */
	__atomic_thread_fence(__ATOMIC_ACQUIRE);
	memcpy(out, slot, sizeof(*out));
	out->header.message_type = type;
	if (out->header.payload_size > HV_MESSAGE_PAYLOAD_BYTE_COUNT) {
		log_error("hv: SynIC message 0x%x claims %u payload bytes (max %u); dropped",
			  type, out->header.payload_size, HV_MESSAGE_PAYLOAD_BYTE_COUNT);
		ret = -EBADMSG;
	}

	vslot->header.message_type = HVMSG_NONE;
	/* The type store must be globally visible before we read the flag. */
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	if (hv_message_flags_get_msg_pending(vslot->header.message_flags)) {
		if (p && p->wrmsr)
			p->wrmsr(HV_X64_MSR_EOM, 0);
		else
			log_error("hv: SynIC message pending but no EOM writer installed");
	}
	return ret;
}

__fastpath
int hv_synic_take_sint(struct hv_message_page *sim, unsigned int sint, struct hv_message *out)
{
	if (!sim || !out || sint >= HV_SYNIC_SINT_COUNT)
		return -EINVAL;
	return hv_synic_take_message(&sim->sint_message[sint], out);
}
