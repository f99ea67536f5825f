// SPDX-License-Identifier: MIT
/*
 * Names for --trace lines: synthetic message (intercept) types, intercepted
 * register names, and the VTL-call function IDs LVBS kernels put in RDI.
 * Only the trace reads these: hvsim's behaviour never depends on a VTL-call
 * ID (what a call means is VTL1's business), so the table is a debugging
 * aid and an unknown ID is simply shown as a number.
 */
#include "tools/hvsim/hvdefs.h"
#include "tools/hvsim/log.h"

#include "core/compiler.h"

const char *hv_trace_msg_name(uint32_t type)
{
	switch (type) {
	case HVMSG_UNMAPPED_GPA: return "UNMAPPED_GPA";
	case HVMSG_GPA_INTERCEPT: return "GPA_INTERCEPT";
	case HVMSG_TIMER_EXPIRED: return "TIMER_EXPIRED";
	case HVMSG_INVALID_VP_REGISTER_VALUE: return "INVALID_VP_REGISTER_VALUE";
	case HVMSG_UNRECOVERABLE_EXCEPTION: return "UNRECOVERABLE_EXCEPTION";
	case HVMSG_UNSUPPORTED_FEATURE: return "UNSUPPORTED_FEATURE";
	case HVMSG_HYPERCALL_INTERCEPT: return "HYPERCALL_INTERCEPT";
	case HVMSG_X64_IO_PORT_INTERCEPT: return "IO_PORT_INTERCEPT";
	case HVMSG_X64_MSR_INTERCEPT: return "MSR_INTERCEPT";
	case HVMSG_X64_CPUID_INTERCEPT: return "CPUID_INTERCEPT";
	case HVMSG_X64_EXCEPTION_INTERCEPT: return "EXCEPTION_INTERCEPT";
	case HVMSG_X64_REGISTER_INTERCEPT: return "REGISTER_INTERCEPT";
	default: return "message";
	}
}

const char *hv_trace_reg_name(uint32_t name)
{
	switch (name) {
	case HV_X64_REGISTER_CR0: return "CR0";
	case HV_X64_REGISTER_CR4: return "CR4";
	case HV_X64_REGISTER_LDTR: return "LDTR";
	case HV_X64_REGISTER_TR: return "TR";
	case HV_X64_REGISTER_IDTR: return "IDTR";
	case HV_X64_REGISTER_GDTR: return "GDTR";
	default: return "register";
	}
}

/* LVBS VSM-call IDs (heki/LVBS kernels, docs/vtl-call-abi.md) and vtlguard's two own. */
const char *hv_trace_vtl_call_name(uint64_t rdi)
{
	static const char *const lvbs[] = {
		"ENABLE_APS_VTL", "BOOT_APS", "LOCK_REGS", "SIGNAL_END_OF_BOOT", "PROTECT_MEMORY",
		"LOAD_KDATA", "VALIDATE_MODULE", "FREE_MODULE_INIT", "UNLOAD_MODULE",
		"COPY_SECONDARY_KEY", "KEXEC_VALIDATE", "PATCH_TEXT", "ALLOCATE_RINGBUFFER_MEMORY",
	};

	if (rdi >= 0x1FFE0 && rdi < 0x1FFE0 + ARRAY_SIZE(lvbs))
		return lvbs[rdi - 0x1FFE0];
	if (rdi == 0x2FFE0)
		return "GET_MEASUREMENTS";
	if (rdi == 0x2FFE1)
		return "GET_VIOLATIONS";
	return "call";
}
