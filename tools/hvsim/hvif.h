/* SPDX-License-Identifier: MIT */
/*
 * hvsim layer 5: the Hyper-V interface the guests see: hypercalls
 * (hypercall.c), VP registers (regs.c), synthetic MSRs and CPUID (synth.c),
 * intercept messages to VTL1 through its SynIC (intercept.c).
 */
#ifndef HVSIM_HVIF_H
#define HVSIM_HVIF_H

#include <stdbool.h>
#include <stdint.h>

#include "tools/hvsim/partition.h"

/* --- registers (regs.c) --- */
int vp_get_register(struct hv_partition *p, struct hv_vp *vp, int vtl, uint32_t name,
		    uint64_t val[2]);
int vp_set_register(struct hv_partition *p, struct hv_vp *vp, int vtl, uint32_t name,
		    const uint64_t val[2]);
/* The hypercall's access rule (OpenHCL's): HV status, 0 = allowed. */
int vp_register_access(int caller_vtl, int target_vtl, uint32_t name, bool set);
/* TLFS HV_X64_MSR_TSC_INVARIANT_CONTROL and its CPUID 0x40000003 EAX bit
 * AccessTscInvariantControls (absent from hv/spec): bit 0 of the MSR exposes
 * the invariant-TSC CPUID bit (0x80000007 EDX bit 8) to the partition. */
#define HVSIM_MSR_TSC_INVARIANT_CONTROL 0x40000118u
#define HVSIM_CPUID_ACCESS_TSC_INVARIANT (1u << 15)
/* TLFS HV_X64_MSR_TSC_FREQUENCY / HV_X64_MSR_APIC_FREQUENCY (absent from
 * hv/spec): read-only, Hz; offered (AccessFrequencyRegs) once hvsim has
 * measured the TSC at boot (hv_partition.tsc_hz). */
#define HVSIM_MSR_TSC_FREQUENCY  0x40000022u
#define HVSIM_MSR_APIC_FREQUENCY 0x40000023u
/* QEMU (7.2) counts its LAPIC timer in nanoseconds: a 1 GHz APIC clock */
#define HVSIM_APIC_HZ            1000000000ull
/* TLFS register names absent from hv/spec: TSC_AUX, IA32_MISC_ENABLE and
 * SgxLaunchControl0..3 (0x80080..0x80083) */
#define HVSIM_REGISTER_TSC_AUX 0x0008007Bu
#define HVSIM_REGISTER_MISC_ENABLE 0x000800A0u
#define HVSIM_REGISTER_SGX_LC0 0x00080080u
/* TLFS HvX64RegisterCrInterceptIa32MiscEnableMask (absent from hv/spec) */
#define HVSIM_REGISTER_CR_INTERCEPT_IA32_MISC_ENABLE_MASK 0x000E0003u

/* --- hypercalls (hypercall.c) --- */
uint64_t hv_hypercall(struct hv_partition *p, struct hv_vp *vp, uint64_t control,
		      uint64_t in_gpa, uint64_t out_gpa, bool *switched);

/* --- synthetic MSRs and CPUID (synth.c) --- */
int hv_msr_read(struct hv_partition *p, struct hv_vp *vp, uint32_t msr, uint64_t *val);
int hv_msr_write(struct hv_partition *p, struct hv_vp *vp, uint32_t msr, uint64_t val);
bool hv_cpuid(struct hv_vp *vp, uint32_t leaf, uint32_t sub, uint32_t r[4]);
/* Bits that depend on partition state (TSC invariant control). */
void hv_cpuid_partition(const struct hv_partition *p, uint32_t leaf, uint32_t r[4]);

/* --- intercepts to VTL1 (intercept.c) --- */
void msg_intercept_header(struct hv_vp *vp, struct hv_x64_intercept_message_header *h,
			  uint8_t insn_len, uint8_t access);
int deliver_intercept(struct hv_partition *p, struct hv_vp *vp, uint32_t type,
		      const void *payload, uint8_t payload_size);
void synic_eom(struct hv_partition *p, struct hv_vp *vp);
bool vtl1_intercepts_active(struct hv_partition *p, struct hv_vp *vp);

/*
 * hvsim-only, test-only hypercall (absent on Hyper-V; INVALID_HYPERCALL_CODE
 * unless hvsim was started with "bench"): the floor for VTL-switch
 * benchmarks.  From VTL0 it does the model's part of a VtlCall + VtlReturn
 * pair -- the VTL switch, one VMRUN of VTL1's own VMCB and its #VMEXIT, the
 * switch back -- without running a single VTL1 instruction: VTL1's VMCB
 * enters on an empty nested page table, so the first fetch exits (#NPF).
 * Simple or fast, no input or output; RAX = HV_STATUS_SUCCESS.
 */
#define HVSIM_HVCALL_BENCH_VTL_ROUND_TRIP 0xFFF0
int hvsim_bench_floor_exit(struct hv_partition *p, struct hv_vp *vp); /* hypercall.c */

/* hv_hypercall result bit: re-execute the VMMCALL with rep start = low 12 bits */
#define HVSIM_HC_RESTART_FLAG (1ull << 63)

#endif
