/* SPDX-License-Identifier: MIT */
/*
 * The hypercall layer: everything vtlguard (and the hvsim conformance guests)
 * say to the hypervisor goes through here.  TLFS numbers and layouts come from
 * the generated <hv/tlfs.h> (source: hv/spec/); nothing in hv/ writes a TLFS
 * number by hand.
 *
 * Split (see docs/hv.md):
 *   portable, host-tested   hv/hypercall.c  control words, simple/fast/rep calls
 *                           hv/status.c     HV_STATUS -> -errno and names
 *                           hv/vp_regs.c    Get/SetVpRegisters batching
 *                           hv/synic_msg.c  SIM slot consumption
 *                           hv/detect.c     CPUID interpretation, privileges
 *                           hv/vsm_calls.c  ModifyVtlProtectionMask, Enable*Vtl
 *   image only              hv/hv_init.c    MSRs, pages, SynIC, VTL return
 *                           arch/x86_64/hypercall.S
 * The portable files reach the machine only through struct hv_platform, which
 * the image fills with the real hypercall page and MSR accessors and the host
 * tests fill with fakes.
 */
#ifndef HV_HV_H
#define HV_HV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <hv/tlfs.h>
#include "hv/vtl_gprs.h"

/* ------------------------------------------------------------ platform */

/* One CPU's hypercall argument pages: page-sized, page-aligned, private. */
struct hv_io_pages {
	void *in;
	void *out;
	uint64_t in_gpa;
	uint64_t out_gpa;
};

struct hv_platform {
	/* Issue one hypercall (RCX = control, RDX = input, R8 = output; for a
	 * fast call RDX and R8 are the input values). Returns RAX. */
	uint64_t (*hypercall)(uint64_t control, uint64_t input, uint64_t output);
	void (*wrmsr)(uint32_t msr, uint64_t val);
	/* The calling CPU's argument pages. Callers must not be preempted by
	 * another hypercall user on the same CPU (VTL1 runs with IRQs off). */
	struct hv_io_pages *(*io_pages)(void);
};

void hv_set_platform(const struct hv_platform *p);
const struct hv_platform *hv_get_platform(void);

/* ------------------------------------------------------ control words */

/*
 * Encode a hypercall input value (RCX). Returns 0 and stores it, or -EINVAL
 * when a field does not fit (varhead > 1023 qwords, rep count/start > 4095,
 * rep start beyond rep count).
 */
int hv_control(uint16_t code, bool fast, unsigned int varhead_qwords, unsigned int rep_count,
	       unsigned int rep_start, uint64_t *control);

static inline uint16_t hv_result_status(uint64_t result)
{
	return (uint16_t)hv_hypercall_output_get_status(result);
}

static inline unsigned int hv_result_reps(uint64_t result)
{
	return (unsigned int)hv_hypercall_output_get_rep_comp(result);
}

/* ---------------------------------------------------------- hypercalls */

/* Memory-based call: input/output are GPAs (8-byte aligned, within one page). */
int hv_do_hypercall(uint16_t code, uint64_t in_gpa, uint64_t out_gpa);
/* Register-based ("fast") call with two 8-byte inputs and no output. */
int hv_do_fast_hypercall(uint16_t code, uint64_t in1, uint64_t in2);
/*
 * Rep call: issues the call and, while the hypervisor returns early (success
 * with fewer reps done), re-issues it with rep start = reps completed until
 * all reps are done or one fails.  *reps_done (may be NULL) gets the number
 * completed either way.  Returns 0 or -errno; a hypervisor that reports
 * impossible progress gives -EIO, one that makes no progress for
 * HV_REP_MAX_STALLS calls in a row gives -ETIMEDOUT.
 */
#define HV_REP_MAX_STALLS 1000
int hv_do_rep_hypercall(uint16_t code, unsigned int varhead_qwords, unsigned int rep_count,
			uint64_t in_gpa, uint64_t out_gpa, unsigned int *reps_done);

/* ------------------------------------------------------------- status */

int hv_status_to_errno(uint16_t status);   /* 0 for success, else -errno */
const char *hv_status_str(uint16_t status); /* "INVALID_PARAMETER"; "unknown" */

/* ----------------------------------------------------- VP registers */

/* HV_INPUT_VTL values: the caller's own VTL, or an explicit (lower) one. */
#define HV_INPUT_VTL_CURRENT ((uint8_t)0)
static inline uint8_t hv_input_vtl_of(unsigned int vtl)
{
	return hv_input_vtl_set_use_target_vtl(hv_input_vtl_set_target_vtl(0, (uint8_t)vtl), 1);
}

/*
 * Read count registers of VP vp_index (HV_VP_INDEX_SELF for the caller) as
 * seen by input_vtl.  Batches up to HV_GET_VP_REGISTERS_BATCH_MAX names per
 * rep call.  values[i] gets names[i].  Returns 0 or -errno (logged with the
 * failing register).
 */
int hv_get_vp_registers(uint32_t vp_index, uint8_t input_vtl, size_t count,
			const uint32_t *names, struct hv_u128 *values);
/* Write count registers; batches up to HV_SET_VP_REGISTERS_BATCH_MAX. */
int hv_set_vp_registers(uint32_t vp_index, uint8_t input_vtl, size_t count,
			const struct hv_register_assoc *regs);
/* One 64-bit register of the calling VP. */
int hv_get_vp_register(uint8_t input_vtl, uint32_t name, uint64_t *value);
int hv_set_vp_register(uint8_t input_vtl, uint32_t name, uint64_t value);

/* -------------------------------------------------------- VSM hypercalls */

/*
 * HvCallModifyVtlProtectionMask for count GPA page numbers, at most
 * HV_MODIFY_VTL_PROTECTION_MASK_MAX_PAGES per rep call (one input page).
 * target_vtl is an HV_INPUT_VTL value (hv_input_vtl_of(HV_VTL0) for VTL0),
 * map_flags HV_MAP_GPA_*.  *done (may be NULL) gets the pages processed.
 */
int hv_modify_vtl_protection_mask(uint8_t target_vtl, uint32_t map_flags, const uint64_t *gpfns,
				  size_t count, size_t *done);
/* flags: hv_enable_partition_vtl_flags (e.g. ..._ENABLE_MBEC_MASK). */
int hv_enable_partition_vtl(uint8_t target_vtl, uint8_t flags);
int hv_enable_vp_vtl(uint32_t vp_index, uint8_t target_vtl, const struct hv_initial_vp_context *ctx);
int hv_start_virtual_processor(uint32_t vp_index, uint8_t target_vtl,
			       const struct hv_initial_vp_context *ctx);

/* --------------------------------------------------------------- SynIC */

/*
 * Take the message in one SIM slot: copy it to *out, free the slot (type =
 * HVMSG_NONE) and, if the hypervisor flagged another message pending, write
 * EOM so it redelivers.  Returns 1 when a message was taken, 0 when the slot
 * was empty, -EBADMSG when its payload size is impossible (the slot is still
 * freed so delivery does not stall).
 */
int hv_synic_take_message(struct hv_message *slot, struct hv_message *out);
int hv_synic_take_sint(struct hv_message_page *sim, unsigned int sint, struct hv_message *out);

/* --------------------------------------------------------------- CPUID */

struct hv_cpuid_leaf {
	uint32_t eax, ebx, ecx, edx;
};

/* The CPUID leaves detection looks at, as read by the caller. */
struct hv_cpuid_view {
	struct hv_cpuid_leaf std1;      /* leaf 1 */
	struct hv_cpuid_leaf vendor;    /* HYPERV_CPUID_VENDOR_AND_MAX_FUNCTIONS */
	struct hv_cpuid_leaf interface; /* HYPERV_CPUID_INTERFACE */
	struct hv_cpuid_leaf features;  /* HYPERV_CPUID_FEATURES */
};

struct hv_features {
	uint32_t max_leaf;
	uint32_t priv_eax; /* hv_cpuid_features_eax */
	uint32_t priv_ebx; /* hv_cpuid_features_ebx */
	uint32_t feat_edx; /* hv_cpuid_features_edx */
};

/* What vtlguard needs in VTL1. */
#define HV_NEED_PRIV_EAX                                                    \
	(HV_CPUID_FEATURES_EAX_ACCESS_SYNIC_REGS_MASK |                     \
	 HV_CPUID_FEATURES_EAX_ACCESS_HYPERCALL_MSRS_MASK |                 \
	 HV_CPUID_FEATURES_EAX_ACCESS_VP_INDEX_MASK)
#define HV_NEED_PRIV_EBX                                                    \
	(HV_CPUID_FEATURES_EBX_ACCESS_VSM_MASK |                            \
	 HV_CPUID_FEATURES_EBX_ACCESS_VP_REGISTERS_MASK |                   \
	 HV_CPUID_FEATURES_EBX_START_VIRTUAL_PROCESSOR_MASK)

/*
 * Decide from CPUID whether we run on Hyper-V with the privileges in
 * need_eax/need_ebx.  Returns 0 and fills *f, or -ENODEV with a log line that
 * names what is missing (no hypervisor, not Microsoft Hv, not Hv#1, or the
 * first missing privilege by its TLFS name).
 */
int hv_check_cpuid(const struct hv_cpuid_view *c, uint32_t need_eax, uint32_t need_ebx,
		   struct hv_features *f);
/* TLFS name of one privilege bit ("AccessVsm"), or NULL. */
const char *hv_privilege_name(bool ebx, unsigned int bit);

/* ------------------------------------------------- image only (hv_init.c) */

/* The hypercall page (arch/x86_64/hypercall.S, section .text.hvcall_page). */
extern uint8_t hv_hypercall_page[];

/* Detect Hyper-V, set the guest OS id and enable the hypercall page (BSP, once). */
int hv_init(uint32_t need_eax, uint32_t need_ebx);
/* Per CPU (BSP included, after hv_init): argument pages, VP assist page,
 * SynIC (SIMP, SINT0 = vector with auto-EOI, SCONTROL). */
int hv_init_cpu(uint8_t sint0_vector);
/* Size the per-CPU page table for n CPUs (CPU 0's entry is static and may be
 * set up before); once, before any other CPU runs hv_init_cpu.  0, -EINVAL
 * (n == 0 or above 1024), -EBUSY or -ENOMEM, each with a log line. */
int hv_cpus_alloc(unsigned int n);
size_t hv_cpus_heap_bytes(void);
struct hv_vp_assist_page *hv_this_assist_page(void);
/*
 * GPFNs of every page hv/ owns (hypercall page, and each initialised CPU's
 * argument, assist and SIM pages), for VTL1 self-protection.  Stores up to
 * max and returns the total, so a caller can size its buffer.
 */
size_t hv_owned_pages(uint64_t *gpfns, size_t max);
struct hv_message_page *hv_this_sim_page(void);
/* Take the next message from this CPU's SINT0 slot (see hv_synic_take_message). */
int hv_synic_take_sint0(struct hv_message *out);

/*
 * Normal VTL return to VTL0 through the VSM code page: VTL0's RAX/RCX are
 * restored by the hypervisor from the assist page (taken from gprs->rax/rcx),
 * the other GPRs from *gprs.  Returns when VTL1 is entered again, with *gprs
 * holding VTL0's registers at that entry, and the entry reason
 * (HV_VTL_ENTRY_REASON_*) from the assist page.
 */
uint32_t hv_vtl_return(struct hv_vtl_gprs *gprs);
/* From a lower VTL (hvsim guests): VTL call with RDI/RSI/RDX/R8; returns R8. */
uint64_t hv_vtl_call(uint64_t rdi, uint64_t rsi, uint64_t rdx, uint64_t r8);

/* Assembly (arch/x86_64/hypercall.S). */
uint64_t hv_hypercall_page_call(uint64_t control, uint64_t input, uint64_t output,
				const void *page);
void hv_vtl_return_asm(struct hv_vtl_gprs *gprs, const void *target);
uint64_t hv_vtl_call_asm(uint64_t rdi, uint64_t rsi, uint64_t rdx, const void *target,
			 uint64_t r8);

#endif
