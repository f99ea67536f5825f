/* SPDX-License-Identifier: MIT */
/*
 * VTL0's general-purpose registers as hv_vtl_return_asm saves and loads them
 * (arch/x86_64/hypercall.S uses the HV_GPR_* offsets).  All GPRs but RSP are
 * shared between VTLs, so this is how VTL1 reads a VTL call's arguments and
 * hands back results.  This is vtlguard's own layout, not a TLFS one.
 */
#ifndef HV_VTL_GPRS_H
#define HV_VTL_GPRS_H

/* Byte offsets, in x86 register-number order (RSP's slot is unused). */
#define HV_GPR_RAX 0
#define HV_GPR_RCX 8
#define HV_GPR_RDX 16
#define HV_GPR_RBX 24
#define HV_GPR_RSP 32
#define HV_GPR_RBP 40
#define HV_GPR_RSI 48
#define HV_GPR_RDI 56
#define HV_GPR_R8  64
#define HV_GPR_R9  72
#define HV_GPR_R10 80
#define HV_GPR_R11 88
#define HV_GPR_R12 96
#define HV_GPR_R13 104
#define HV_GPR_R14 112
#define HV_GPR_R15 120
#define HV_GPRS_SIZE 128

#ifndef __ASSEMBLY__
#include <stddef.h>
#include <stdint.h>

struct hv_vtl_gprs {
	uint64_t rax, rcx, rdx, rbx, rsp_unused, rbp, rsi, rdi;
	uint64_t r8, r9, r10, r11, r12, r13, r14, r15;
};

_Static_assert(offsetof(struct hv_vtl_gprs, rax) == HV_GPR_RAX, "gprs");
_Static_assert(offsetof(struct hv_vtl_gprs, rcx) == HV_GPR_RCX, "gprs");
_Static_assert(offsetof(struct hv_vtl_gprs, rdx) == HV_GPR_RDX, "gprs");
_Static_assert(offsetof(struct hv_vtl_gprs, rbx) == HV_GPR_RBX, "gprs");
_Static_assert(offsetof(struct hv_vtl_gprs, rsp_unused) == HV_GPR_RSP, "gprs");
_Static_assert(offsetof(struct hv_vtl_gprs, rbp) == HV_GPR_RBP, "gprs");
_Static_assert(offsetof(struct hv_vtl_gprs, rsi) == HV_GPR_RSI, "gprs");
_Static_assert(offsetof(struct hv_vtl_gprs, rdi) == HV_GPR_RDI, "gprs");
_Static_assert(offsetof(struct hv_vtl_gprs, r8) == HV_GPR_R8, "gprs");
_Static_assert(offsetof(struct hv_vtl_gprs, r9) == HV_GPR_R9, "gprs");
_Static_assert(offsetof(struct hv_vtl_gprs, r10) == HV_GPR_R10, "gprs");
_Static_assert(offsetof(struct hv_vtl_gprs, r11) == HV_GPR_R11, "gprs");
_Static_assert(offsetof(struct hv_vtl_gprs, r12) == HV_GPR_R12, "gprs");
_Static_assert(offsetof(struct hv_vtl_gprs, r13) == HV_GPR_R13, "gprs");
_Static_assert(offsetof(struct hv_vtl_gprs, r14) == HV_GPR_R14, "gprs");
_Static_assert(offsetof(struct hv_vtl_gprs, r15) == HV_GPR_R15, "gprs");
_Static_assert(sizeof(struct hv_vtl_gprs) == HV_GPRS_SIZE, "gprs");
#endif

#endif
