// SPDX-License-Identifier: MIT
/*
 * Hyper-V hypercall dispatcher.  Order of checks follows the TLFS "common
 * hypercall status codes": unknown code, then the input value (reserved
 * bits, rep count/start, fast and variable-header use), then the parameter
 * GPAs (alignment, page crossing, bounds), then the caller's right to read
 * the input / write the output page (VTL0 is held to VTL1's protections so
 * hvsim can never be used as a confused deputy), then the call itself.
 * Inputs are copied into hvsim memory before they are checked.
 */
#include <string.h>

#include "core/compiler.h"
#include "core/errno.h"
#include "tools/hvsim/guestmem.h"
#include "tools/hvsim/hvif.h"
#include "tools/hvsim/log.h"
#include "tools/hvsim/prot.h"
#include "tools/hvsim/vp.h"

/* Reps processed per exit; the rest continue transparently (RIP is left on
 * the VMMCALL and the rep start in RCX updated, as Hyper-V does). */
#define HVSIM_REPS_PER_EXIT 128

/* nested calls are not modelled: treated as a reserved bit */
#define CTL_RSVD_MASK (HV_HYPERCALL_INPUT_RESERVED_MASK | HV_HYPERCALL_INPUT_NESTED_MASK)

struct hc_desc {
	const char *name;  /* for --trace */
	uint16_t code;
	bool rep;
	bool varhead;      /* variable header allowed */
	bool fast;         /* fast form supported */
	uint16_t in_size;  /* fixed header bytes */
	uint16_t in_rep;   /* bytes per input rep element */
	uint16_t out_size; /* fixed output bytes */
	uint16_t out_rep;  /* bytes per output rep element */
};

#define FLUSH_SPACE_SZ sizeof(struct hv_input_flush_virtual_address_space)
static const struct hc_desc calls[] = {
	{ "FlushVirtualAddressSpace", HVCALL_FLUSH_VIRTUAL_ADDRESS_SPACE, false, false, true, FLUSH_SPACE_SZ, 0, 0, 0 },
	{ "FlushVirtualAddressList", HVCALL_FLUSH_VIRTUAL_ADDRESS_LIST, true, false, false, FLUSH_SPACE_SZ, 8, 0, 0 },
	{ "ModifyVtlProtectionMask", HVCALL_MODIFY_VTL_PROTECTION_MASK, true, false, false,
	  sizeof(struct hv_input_modify_vtl_protection_mask), 8, 0, 0 },
	{ "EnablePartitionVtl", HVCALL_ENABLE_PARTITION_VTL, false, false, true,
	  sizeof(struct hv_input_enable_partition_vtl), 0, 0, 0 },
	{ "EnableVpVtl", HVCALL_ENABLE_VP_VTL, false, false, false, sizeof(struct hv_input_enable_vp_vtl), 0, 0, 0 },
	{ "VtlCall", HVCALL_VTL_CALL, false, false, true, 0, 0, 0, 0 },
	{ "VtlReturn", HVCALL_VTL_RETURN, false, false, true, 0, 0, 0, 0 },
	{ "FlushVirtualAddressSpaceEx", HVCALL_FLUSH_VIRTUAL_ADDRESS_SPACE_EX, false, true, false, FLUSH_SPACE_SZ, 0, 0, 0 },
	{ "FlushVirtualAddressListEx", HVCALL_FLUSH_VIRTUAL_ADDRESS_LIST_EX, true, true, false, FLUSH_SPACE_SZ, 8, 0, 0 },
	{ "GetVpRegisters", HVCALL_GET_VP_REGISTERS, true, false, false, sizeof(struct hv_input_get_set_vp_registers),
	  4, 0, sizeof(struct hv_u128) },
	{ "SetVpRegisters", HVCALL_SET_VP_REGISTERS, true, false, false, sizeof(struct hv_input_get_set_vp_registers),
	  sizeof(struct hv_register_assoc), 0, 0 },
	{ "TranslateVirtualAddress", HVCALL_TRANSLATE_VIRTUAL_ADDRESS, false, false, false,
	  sizeof(struct hv_input_translate_virtual_address), 0,
	  sizeof(struct hv_output_translate_virtual_address), 0 },
	{ "StartVirtualProcessor", HVCALL_START_VP, false, false, false, sizeof(struct hv_input_start_virtual_processor), 0, 0, 0 },
	/* hvsim-only, and only with "bench" (see hvif.h) */
	{ "HvsimBenchVtlRoundTrip", HVSIM_HVCALL_BENCH_VTL_ROUND_TRIP, false, false, true, 0, 0, 0, 0 },
};

static bool all_zero(const uint8_t *b, size_t n)
{
	while (n--)
		if (*b++)
			return false;
	return true;
}

struct hc {
	struct hv_partition *p;
	struct hv_vp *vp;
	const struct hc_desc *d;
	uint64_t control;
	bool fast;
	unsigned int rep_count, rep_start, varhead_bytes;
	size_t in_len, out_len;
	unsigned int reps_done;   /* absolute index reached */
	bool switched;            /* VTL changed: RAX is not a status */
	bool restart;             /* continue later: RIP stays, RCX updated */
	/* buffers last: only the fields above are reset per call.  8-byte
	 * aligned: the input is copied in and its fields and rep elements out
	 * with memcpy, which goes a word at a time only on aligned pointers
	 * (unaligned, a SetVpRegisters of one register cost ~500 byte moves) */
	uint8_t in[4096] __aligned(8);
	uint8_t out[4096] __aligned(8);
};

static uint64_t rd64(const uint8_t *b) { uint64_t v; memcpy(&v, b, 8); return v; }

__fastpath
static const struct hc_desc *find_call(uint16_t code)
{
	for (size_t i = 0; i < ARRAY_SIZE(calls); i++)
		if (calls[i].code == code)
			return &calls[i];
	return NULL;
}

__fastpath
static int check_gpa(struct hv_partition *p, uint64_t gpa, size_t len)
{
	uint64_t end;

	if (!len)
		return 0;
	if (gpa & 7)
		return HV_STATUS_INVALID_ALIGNMENT;
	if ((gpa & 0xFFF) + len > 4096)
		return HV_STATUS_INVALID_ALIGNMENT;
	if (add_overflows_u64(gpa, len, &end) || end > p->ram_size)
		return HV_STATUS_INVALID_ALIGNMENT;
	return 0;
}

/* Resolve HV_INPUT_VTL against the caller: -1 when not allowed. */
__fastpath
static int input_vtl(const struct hv_vp *vp, uint8_t in)
{
	unsigned int target = (in & HV_INPUT_VTL_TARGET_VTL_MASK) >> HV_INPUT_VTL_TARGET_VTL_SHIFT;

	if (in & HV_INPUT_VTL_RESERVED_MASK)
		return -2;
	if (!(in & HV_INPUT_VTL_USE_TARGET_VTL_MASK))
		return vp->active_vtl;
	if (target > (unsigned)vp->active_vtl)
		return -1;
	return (int)target;
}

__fastpath
static struct hv_vp *target_vp(struct hc *h, uint32_t idx)
{
	if (idx == HV_VP_INDEX_SELF)
		return h->vp;
	if (idx >= h->p->nr_vps)
		return NULL;
	/* another VP's state is about to be read or changed: with VPs on
	 * their own CPUs, it must not be in guest mode meanwhile */
	if (&h->p->vps[idx] != h->vp && h->p->quiesce)
		h->p->quiesce(h->p, &h->p->vps[idx]);
	return &h->p->vps[idx];
}

static int hc_enable_partition_vtl(struct hc *h)
{
	struct hv_input_enable_partition_vtl in;
	uint8_t vtl, flags;

	memcpy(&in, h->in, sizeof(in));
	vtl = in.target_vtl;
	flags = in.flags;
	if (in.partition_id != HV_PARTITION_ID_SELF)
		return HV_STATUS_INVALID_PARTITION_ID;
	if ((flags & ~HV_ENABLE_PARTITION_VTL_FLAGS_ENABLE_MBEC_MASK) ||
	    !all_zero(in.rsvd_10, sizeof(in.rsvd_10)))
		return HV_STATUS_INVALID_PARAMETER;
	if (vtl >= HVSIM_NUM_VTLS)
		return HV_STATUS_INVALID_PARAMETER;
	if (vtl == 0 || h->p->vtl1_enabled) /* vtl is 0 or 1 here */
		return HV_STATUS_VTL_ALREADY_ENABLED;
	/* only the highest enabled VTL below the target may enable it */
	if (h->vp->active_vtl != 0)
		return HV_STATUS_ACCESS_DENIED;
	h->p->vtl1_enabled = true;
	h->p->mbec = flags & HV_ENABLE_PARTITION_VTL_FLAGS_ENABLE_MBEC_MASK;
	hv_trace("EnablePartitionVtl(1, mbec=%d)", h->p->mbec);
	return 0;
}

static int hc_enable_vp_vtl(struct hc *h)
{
	struct hv_input_enable_vp_vtl in;
	uint8_t vtl;
	struct hv_vp *t;

	memcpy(&in, h->in, sizeof(in));
	vtl = in.target_vtl;
	if (in.partition_id != HV_PARTITION_ID_SELF)
		return HV_STATUS_INVALID_PARTITION_ID;
	if (!all_zero(in.rsvd_13, sizeof(in.rsvd_13)))
		return HV_STATUS_INVALID_PARAMETER;
	t = target_vp(h, in.vp_index);
	if (!t)
		return HV_STATUS_INVALID_VP_INDEX;
	if (vtl >= HVSIM_NUM_VTLS)
		return HV_STATUS_INVALID_PARAMETER;
	if (vtl == 0 || t->vtl[vtl].enabled)
		return HV_STATUS_VTL_ALREADY_ENABLED;
	if (!h->p->vtl1_enabled)
		return HV_STATUS_INVALID_VTL_STATE;
	if (!vp_context_valid(h->p, &in.vp_context))
		return HV_STATUS_INVALID_PARAMETER;
	/* After any VP has VTL1, only VTL1 may enable it on others (TLFS). */
	if (h->vp->active_vtl < 1)
		for (unsigned int i = 0; i < h->p->nr_vps; i++)
			if (h->p->vps[i].vtl[1].enabled)
				return HV_STATUS_ACCESS_DENIED;
	vp_setup_vmcb(h->p, t, 1);
	vp_load_initial_context(t, 1, &in.vp_context);
	t->vtl[1].enabled = true;
	hv_trace("EnableVpVtl(vp%u, VTL1, rip %#llx)", t->index,
		 (unsigned long long)t->vtl[1].vmcb->save.rip);
	return 0;
}

static int hc_start_vp(struct hc *h)
{
	struct hv_input_start_virtual_processor in;
	uint8_t vtl;
	struct hv_vp *t;

	memcpy(&in, h->in, sizeof(in));
	vtl = in.target_vtl;
	if (in.partition_id != HV_PARTITION_ID_SELF)
		return HV_STATUS_INVALID_PARTITION_ID;
	t = target_vp(h, in.vp_index);
	if (!t)
		return HV_STATUS_INVALID_VP_INDEX;
	if (vtl >= HVSIM_NUM_VTLS || !all_zero(in.rsvd_13, sizeof(in.rsvd_13)))
		return HV_STATUS_INVALID_PARAMETER;
	if (!t->vtl[vtl].enabled)
		return HV_STATUS_INVALID_VTL_STATE;
	if (vtl > (unsigned)h->vp->active_vtl)
		return HV_STATUS_ACCESS_DENIED;
	if (h->vp->active_vtl == 0 &&
	    (h->p->vsm_partition_config & HV_REGISTER_VSM_PARTITION_CONFIG_DENY_LOWER_VTL_STARTUP_MASK))
		return HV_STATUS_ACCESS_DENIED; /* DenyLowerVtlStartup */
	if (t->started)
		return HV_STATUS_INVALID_VP_STATE;
	if (!vp_context_valid(h->p, &in.vp_context))
		return HV_STATUS_INVALID_PARAMETER;
	vp_setup_vmcb(h->p, t, vtl);
	vp_update_intercepts(h->p, t);
	vp_load_initial_context(t, vtl, &in.vp_context);
	t->active_vtl = vtl;
	t->started = true;
	hv_vp_kick(t);
	hv_trace("StartVirtualProcessor(vp%u, VTL%u)", t->index, vtl);
	return 0;
}

static uint64_t bench_tsc(void)
{
	return __builtin_ia32_rdtsc();
}

__fastpath
static int hc_vtl_call(struct hc *h)
{
	if (h->vp->active_vtl != 0 || !h->vp->vtl[1].enabled)
		return HV_STATUS_INVALID_VTL_STATE;
	/* --bench: VTL1's boot-to-ready time is its first VtlCall -> VtlReturn */
	if (h->p->bench && !h->vp->bench_boot_done && !h->vp->bench_boot_t0)
		h->vp->bench_boot_t0 = bench_tsc();
	vtl_switch(h->p, h->vp, 1, HV_VTL_ENTRY_REASON_VTL_CALL);
	h->switched = true;
	return 0;
}

__fastpath
static int hc_vtl_return(struct hc *h)
{
	struct hv_vp *vp = h->vp;
	struct vmcb *v1 = vp->vtl[1].vmcb;
	/* fast return: the stub put the caller's RCX (bit 0 = fast) in RAX */
	bool fast = h->fast || (v1->save.rax & HV_VTL_RETURN_INPUT_FAST);

	if (vp->active_vtl != 1)
		return HV_STATUS_INVALID_VTL_STATE;
	if (h->p->bench && vp->bench_boot_t0 && !vp->bench_boot_done) {
		hv_log("bench: vp%u VTL1 boot-to-ready %llu TSC cycles (first VtlCall -> first VtlReturn)",
		       vp->index, (unsigned long long)(bench_tsc() - vp->bench_boot_t0));
		vp->bench_boot_done = true;
	}
	vtl_switch(h->p, vp, 0, 0);
	if (!fast) {
		uint64_t a = vp->vtl[1].vp_assist_msr;
		const struct hv_vp_assist_page *pg = NULL;
		if (a & HV_X64_MSR_VP_ASSIST_PAGE_ENABLE_MASK)
			pg = gpa_access(h->p, 1, a & HV_X64_MSR_VP_ASSIST_PAGE_GPFN_MASK, sizeof(*pg),
					false, "VP assist page (VtlReturn)");
		if (pg) {
			vp->vtl[0].vmcb->save.rax = pg->vtl_ret_x64rax;
			vp->gprs.rcx = pg->vtl_ret_x64rcx;
		}
	}
	h->switched = true;
	return 0;
}

/*
 * HVSIM_HVCALL_BENCH_VTL_ROUND_TRIP (hvif.h): the bare world-switch floor.
 * The VP switches to VTL1 as for a VtlCall, and VTL1's own VMCB is run with
 * the empty nested root instead of VTL1's NPT and its ASID flushed, so the
 * CPU loads all of VTL1's state and exits (#NPF) before VTL1's first
 * instruction.  hvsim_bench_floor_exit() then switches back as a fast
 * VtlReturn would.  Refused (INVALID_VTL_STATE) while VTL1 has an event
 * that entering it would deliver.
 */
__fastpath
static int hc_bench_round_trip(struct hc *h)
{
	struct hv_vp *vp = h->vp;
	struct vtl_ctx *c1 = &vp->vtl[1];

	if (vp->active_vtl != 0 || !c1->enabled || !h->p->bench_npt_root_pa)
		return HV_STATUS_INVALID_VTL_STATE;
	/* a SINT0 interrupt VTL1 left pending with IF clear (vtlguard polls
	 * its entry reason) is not delivered at entry, so it does not count */
	if ((c1->vmcb->ctl.event_inj & SVM_EVTINJ_VALID) || c1->pending_event0 ||
	    ((c1->vmcb->ctl.int_ctl & VMCB_V_IRQ) && (c1->vmcb->save.rflags & (1u << 9))))
		return HV_STATUS_INVALID_VTL_STATE;
	vtl_switch(h->p, vp, 1, HV_VTL_ENTRY_REASON_VTL_CALL);
	vp->bench_saved_ncr3 = c1->vmcb->ctl.n_cr3;
	c1->vmcb->ctl.n_cr3 = h->p->bench_npt_root_pa;
	c1->vmcb->ctl.tlb_control = 3; /* no cached VTL1 translation may let it run */
	c1->vmcb->ctl.clean = 0;
	vp->bench_floor = true;
	h->switched = true;
	return 0;
}

/* The #VMEXIT of a floor entry into VTL1 (exit.c calls this before anything
 * else): back to VTL0 with status SUCCESS.  -EINVAL, nothing changed, when
 * the exit is not the expected nested page fault. */
__fastpath
int hvsim_bench_floor_exit(struct hv_partition *p, struct hv_vp *vp)
{
	struct vmcb *v1 = vp->vtl[1].vmcb;

	if (v1->ctl.exit_code != SVM_EXIT_NPF)
		return -EINVAL;
	v1->ctl.n_cr3 = vp->bench_saved_ncr3;
	v1->ctl.tlb_control = 3;
	v1->ctl.clean = 0;
	vp->bench_floor = false;
	vtl_switch(p, vp, 0, 0);
	vp->vtl[0].vmcb->save.rax = HV_STATUS_SUCCESS;
	return 0;
}

/*
 * A protection change takes effect on every VP before the hypercall
 * returns: each VP flushes the VTL's ASID at its next entry, and with VPs on
 * their own CPUs (quiesce), every other VP is first taken out of guest mode,
 * so none goes on with a stale translation.
 */
static void flush_vtl(struct hv_partition *p, int vtl)
{
	for (unsigned int i = 0; i < p->nr_vps; i++) {
		p->vps[i].vtl[vtl].vmcb->ctl.tlb_control = 3; /* flush this ASID */
		__atomic_fetch_or(&p->vps[i].tlb_flush, (uint8_t)(1u << vtl), __ATOMIC_ACQ_REL);
	}
	if (p->quiesce)
		for (unsigned int i = 0; i < p->nr_vps; i++)
			p->quiesce(p, &p->vps[i]);
}

static int hc_modify_protection(struct hc *h)
{
	struct hv_input_modify_vtl_protection_mask in;
	unsigned int end = MIN(h->rep_count, h->rep_start + HVSIM_REPS_PER_EXIT);
	uint32_t flags;
	uint8_t tvtl;

	memcpy(&in, h->in, sizeof(in));
	flags = in.map_flags;
	/* LVBS and LiteBox pass 1 without the use-target bit: honour the
	 * target field either way. */
	tvtl = (in.target_vtl & HV_INPUT_VTL_TARGET_VTL_MASK) >> HV_INPUT_VTL_TARGET_VTL_SHIFT;
	if (in.partition_id != HV_PARTITION_ID_SELF)
		return HV_STATUS_INVALID_PARTITION_ID;
	if ((in.target_vtl & HV_INPUT_VTL_RESERVED_MASK) || !all_zero(in.rsvd_13, sizeof(in.rsvd_13)))
		return HV_STATUS_INVALID_PARAMETER;
	/* The target VTL is the VTL whose protections (on lower VTLs) change. */
	if (tvtl == 0 || tvtl >= HVSIM_NUM_VTLS)
		return HV_STATUS_INVALID_PARAMETER;
	if (tvtl > h->vp->active_vtl)
		return HV_STATUS_ACCESS_DENIED;
	if (flags & HV_MAP_GPA_FLAGS_RESERVED_MASK)
		return HV_STATUS_INVALID_PARAMETER;
	if (flags && !(flags & HV_MAP_GPA_READABLE))
		return HV_STATUS_INVALID_PARAMETER; /* no write/exec-only */
	for (unsigned int i = h->rep_start; i < end; i++) {
		uint64_t gfn = rd64(h->in + sizeof(in) + 8 * (size_t)i);
		if (prot_set(h->p, gfn, (uint8_t)flags)) {
			flush_vtl(h->p, 0);
			return HV_STATUS_INVALID_PARAMETER;
		}
		h->reps_done = i + 1;
	}
	flush_vtl(h->p, 0);
	if (h->reps_done < h->rep_count)
		h->restart = true;
	return 0;
}

__fastpath
static int regs_common(struct hc *h, struct hv_vp **t, int *vtl)
{
	struct hv_input_get_set_vp_registers in;

	memcpy(&in, h->in, sizeof(in));
	if (in.partition_id != HV_PARTITION_ID_SELF)
		return HV_STATUS_INVALID_PARTITION_ID;
	*t = target_vp(h, in.vp_index);
	if (!*t)
		return HV_STATUS_INVALID_VP_INDEX;
	if (!all_zero(in.rsvd_13, sizeof(in.rsvd_13)))
		return HV_STATUS_INVALID_PARAMETER;
	*vtl = input_vtl(h->vp, in.input_vtl);
	if (*vtl == -2)
		return HV_STATUS_INVALID_PARAMETER;
	if (*vtl < 0)
		return HV_STATUS_ACCESS_DENIED;
	if (!(*t)->vtl[*vtl].enabled)
		return HV_STATUS_INVALID_VTL_STATE;
	return 0;
}

__fastpath
static int hc_get_regs(struct hc *h)
{
	struct hv_vp *t;
	int vtl, st = regs_common(h, &t, &vtl);

	if (st)
		return st;
	for (unsigned int i = h->rep_start; i < h->rep_count; i++) {
		uint64_t val[2];
		uint32_t name;
		memcpy(&name, h->in + sizeof(struct hv_input_get_set_vp_registers) + 4 * (size_t)i, 4);
		st = vp_register_access(h->vp->active_vtl, vtl, name, false);
		if (st) {
			static unsigned long nr;
			if (hv_refusal_log_due(&nr))
				hv_log("refused: VTL%d GetVpRegisters %#x of VTL%d: only a higher VTL may "
				       "read it (refusal #%lu)", h->vp->active_vtl, name, vtl, nr);
			return st;
		}
		st = vp_get_register(h->p, t, vtl, name, val);
		if (st)
			return st;
		memcpy(h->out + sizeof(struct hv_u128) * (size_t)i, val, sizeof(struct hv_u128));
		h->reps_done = i + 1;
	}
	return 0;
}

__fastpath
static int hc_set_regs(struct hc *h)
{
	struct hv_vp *t;
	int vtl, st = regs_common(h, &t, &vtl);

	if (st)
		return st;
	for (unsigned int i = h->rep_start; i < h->rep_count; i++) {
		struct hv_register_assoc e;
		memcpy(&e, h->in + sizeof(struct hv_input_get_set_vp_registers) + sizeof(e) * (size_t)i,
		       sizeof(e));
		uint64_t val[2] = { e.value.low_part, e.value.high_part };
		if (!all_zero(e.rsvd_4, sizeof(e.rsvd_4)))
			return HV_STATUS_INVALID_PARAMETER;
		st = vp_register_access(h->vp->active_vtl, vtl, e.name, true);
		if (st) {
			static unsigned long nr;
			if (hv_refusal_log_due(&nr))
				hv_log("refused: VTL%d SetVpRegisters %#x of VTL%d to %#llx: only a higher "
				       "VTL may set it; a VTL changes its own architectural registers by "
				       "instructions, under VTL1's intercepts (refusal #%lu)",
				       h->vp->active_vtl, e.name, vtl, (unsigned long long)val[0], nr);
			return st;
		}
		st = vp_set_register(h->p, t, vtl, e.name, val);
		if (st)
			return st;
		h->reps_done = i + 1;
	}
	return 0;
}

static int hc_flush(struct hc *h)
{
	struct hv_input_flush_virtual_address_space in;

	memcpy(&in, h->in, sizeof(in));
	if (in.flags & HV_FLUSH_FLAGS_RESERVED_MASK)
		return HV_STATUS_INVALID_PARAMETER;
	flush_vtl(h->p, h->vp->active_vtl);
	if (h->d->rep)
		h->reps_done = h->rep_count;
	return 0;
}

static int hc_translate(struct hc *h)
{
	struct hv_input_translate_virtual_address in;
	struct hv_output_translate_virtual_address out = { 0 };
	uint64_t gpa = 0;
	struct hv_vp *t;
	int vtl, rc;

	memcpy(&in, h->in, sizeof(in));
	if (in.partition_id != HV_PARTITION_ID_SELF)
		return HV_STATUS_INVALID_PARTITION_ID;
	t = target_vp(h, in.vp_index);
	if (!t)
		return HV_STATUS_INVALID_VP_INDEX;
	if (in.control_flags & HV_TRANSLATE_GVA_CONTROL_FLAGS_RESERVED_MASK)
		return HV_STATUS_INVALID_PARAMETER;
	vtl = input_vtl(h->vp, (uint8_t)((in.control_flags & HV_TRANSLATE_GVA_CONTROL_FLAGS_INPUT_VTL_MASK) >>
					 HV_TRANSLATE_GVA_CONTROL_FLAGS_INPUT_VTL_SHIFT));
	if (vtl < 0)
		return vtl == -2 ? HV_STATUS_INVALID_PARAMETER : HV_STATUS_ACCESS_DENIED;
	if (!t->vtl[vtl].enabled)
		return HV_STATUS_INVALID_VTL_STATE;
	/* the walk reads the tables with the target VTL's rights (RT7) */
	rc = gva_to_gpa(h->p, vtl, t->vtl[vtl].vmcb, in.gva_page << 12,
			in.control_flags & HV_TRANSLATE_GVA_CONTROL_FLAGS_VALIDATE_WRITE_MASK, &gpa);
	out.translation_result = rc == 0 ? HV_TRANSLATE_GVA_SUCCESS :
				 rc == -EACCES ? HV_TRANSLATE_GVA_GPA_NO_READ_ACCESS :
				 rc == -ERANGE ? HV_TRANSLATE_GVA_GPA_UNMAPPED :
						 HV_TRANSLATE_GVA_PAGE_NOT_PRESENT;
	out.gpa_page = rc ? 0 : gpa >> 12;
	if (rc == -EACCES || rc == -ERANGE) {
		static unsigned long nr;
		if (hv_refusal_log_due(&nr))
			hv_log("refused: VTL%d TranslateVirtualAddress of GVA %#llx: a page table of VTL%d "
			       "is %s (refusal #%lu)", h->vp->active_vtl,
			       (unsigned long long)in.gva_page << 12, vtl,
			       rc == -EACCES ? "in memory that VTL may not read" : "outside RAM", nr);
	}
	memcpy(h->out, &out, sizeof(out));
	return 0;
}

__fastpath
static int dispatch(struct hc *h)
{
	switch (h->d->code) {
	case HVCALL_ENABLE_PARTITION_VTL: return hc_enable_partition_vtl(h);
	case HVCALL_ENABLE_VP_VTL: return hc_enable_vp_vtl(h);
	case HVCALL_START_VP: return hc_start_vp(h);
	case HVCALL_VTL_CALL: return hc_vtl_call(h);
	case HVCALL_VTL_RETURN: return hc_vtl_return(h);
	case HVCALL_MODIFY_VTL_PROTECTION_MASK: return hc_modify_protection(h);
	case HVCALL_GET_VP_REGISTERS: return hc_get_regs(h);
	case HVCALL_SET_VP_REGISTERS: return hc_set_regs(h);
	case HVCALL_TRANSLATE_VIRTUAL_ADDRESS: return hc_translate(h);
	case HVSIM_HVCALL_BENCH_VTL_ROUND_TRIP: return hc_bench_round_trip(h);
	default: return hc_flush(h);
	}
}

static struct hc hc_scratch; /* one exit at a time (TCG serialises) */

/*
 * Returns the value for RAX.  *switched tells the caller the VP changed VTL
 * (RAX belongs to the guest then) or, with HVSIM_HC_RESTART in the return,
 * that RIP must stay on the VMMCALL.
 */
__fastpath
uint64_t hv_hypercall(struct hv_partition *p, struct hv_vp *vp, uint64_t control,
		      uint64_t in_gpa, uint64_t out_gpa, bool *switched)
{
	struct hc *h = &hc_scratch;
	int st;

	memset(h, 0, offsetof(struct hc, in));
	h->p = p;
	h->vp = vp;
	h->control = control;
	h->d = find_call((uint16_t)control);
	if (h->d && h->d->code == HVSIM_HVCALL_BENCH_VTL_ROUND_TRIP && !p->bench)
		h->d = NULL; /* test-only: does not exist unless asked for */
	*switched = false;
	vp->nr_hypercalls++;
	if (!h->d) {
		st = HV_STATUS_INVALID_HYPERCALL_CODE;
		goto out;
	}
	h->fast = control & HV_HYPERCALL_FAST_BIT;
	h->rep_count = (control & HV_HYPERCALL_REP_COMP_MASK) >> HV_HYPERCALL_REP_COMP_SHIFT;
	h->rep_start = (control & HV_HYPERCALL_REP_START_MASK) >> HV_HYPERCALL_REP_START_SHIFT;
	h->varhead_bytes = (unsigned)((control & HV_HYPERCALL_VARHEAD_MASK) >> HV_HYPERCALL_VARHEAD_SHIFT) * 8;
	h->reps_done = h->rep_start;
	st = HV_STATUS_INVALID_HYPERCALL_INPUT;
	if (control & CTL_RSVD_MASK)
		goto out;
	if (h->d->rep ? (h->rep_count == 0 || h->rep_start >= h->rep_count)
		      : (h->rep_count || h->rep_start))
		goto out;
	if (h->varhead_bytes && !h->d->varhead)
		goto out;
	if (h->fast && !h->d->fast)
		goto out;
	h->in_len = h->d->in_size + h->varhead_bytes + (size_t)h->d->in_rep * h->rep_count;
	h->out_len = h->d->out_size + (size_t)h->d->out_rep * h->rep_count;
	if (h->fast) {
		if (h->in_len > 16)
			goto out;
		memcpy(h->in, &in_gpa, 8);
		memcpy(h->in + 8, &out_gpa, 8);
	} else {
		const void *src = NULL;
		if ((st = check_gpa(p, in_gpa, h->in_len)) || (st = check_gpa(p, out_gpa, h->out_len)))
			goto out;
		/* the caller must be able to read the input and write the
		 * output itself (gpa_access: VTL1's protections for VTL0) */
		if ((h->in_len && !(src = gpa_access(p, vp->active_vtl, in_gpa, h->in_len, false,
						     "hypercall input page"))) ||
		    (h->out_len && !gpa_access(p, vp->active_vtl, out_gpa, h->out_len, true,
					       "hypercall output page"))) {
			st = HV_STATUS_ACCESS_DENIED;
			goto out;
		}
		if (src)
			memcpy(h->in, src, h->in_len);
	}
	memset(h->out, 0, MIN(h->out_len, sizeof(h->out)));
	st = dispatch(h);
	/* output rep elements completed are written even on a later error */
	if (!h->fast && h->out_len && (st == 0 || h->d->rep)) {
		/* checked again at the write: the call may have changed the
		 * protections (never VTL0's own output page today) */
		uint8_t *dst = gpa_access(p, vp->active_vtl, out_gpa, h->out_len, true,
					  "hypercall output page");
		size_t from = 0, to = h->out_len;
		if (h->d->rep) {
			from = h->d->out_size + (size_t)h->d->out_rep * h->rep_start;
			to = h->d->out_size + (size_t)h->d->out_rep * h->reps_done;
		}
		if (!dst)
			st = HV_STATUS_ACCESS_DENIED;
		else if (to > from)
			memcpy(dst + from, h->out + from, to - from);
	}
out:
	*switched = h->switched;
	if (p->trace && !h->switched)
		hv_trace("vp%u VTL%d hypercall %#x %s%s in %#llx out %#llx reps %u..%u -> status %#x done %u",
			 vp->index, vp->active_vtl, (unsigned)(uint16_t)control,
			 h->d ? h->d->name : "(unknown)", h->fast ? " fast" : "",
			 (unsigned long long)in_gpa, (unsigned long long)out_gpa, h->rep_start,
			 h->rep_count, (unsigned)st, h->reps_done);
	if (st == 0 && h->restart)
		return HVSIM_HC_RESTART_FLAG | h->reps_done;
	return (uint64_t)st | ((uint64_t)h->reps_done << 32);
}
