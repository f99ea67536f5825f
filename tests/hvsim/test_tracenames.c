// SPDX-License-Identifier: MIT
/*
 * hvsim's --trace names (tools/hvsim/tracenames.c): the VTL-call table must
 * agree with the IDs vtlguard serves (vtl_protect/vtlp.h), and intercept
 * and register names with the TLFS values hvsim posts.
 */
#include "tests/unit/unit.h"
#include "tools/hvsim/hvdefs.h"
#include "tools/hvsim/log.h"
#include "vtl_protect/vtlp.h"

TEST(hvsim_trace_vtl_call_names)
{
	CHECK_STR(hv_trace_vtl_call_name(VSM_VTL_CALL_FUNC_ID_ENABLE_APS_VTL), "ENABLE_APS_VTL");
	CHECK_STR(hv_trace_vtl_call_name(VSM_VTL_CALL_FUNC_ID_BOOT_APS), "BOOT_APS");
	CHECK_STR(hv_trace_vtl_call_name(VSM_VTL_CALL_FUNC_ID_LOCK_REGS), "LOCK_REGS");
	CHECK_STR(hv_trace_vtl_call_name(VSM_VTL_CALL_FUNC_ID_SIGNAL_END_OF_BOOT),
		  "SIGNAL_END_OF_BOOT");
	CHECK_STR(hv_trace_vtl_call_name(VSM_VTL_CALL_FUNC_ID_PROTECT_MEMORY), "PROTECT_MEMORY");
	CHECK_STR(hv_trace_vtl_call_name(VSM_VTL_CALL_FUNC_ID_LOAD_KDATA), "LOAD_KDATA");
	CHECK_STR(hv_trace_vtl_call_name(VSM_VTL_CALL_FUNC_ID_VALIDATE_MODULE), "VALIDATE_MODULE");
	CHECK_STR(hv_trace_vtl_call_name(VSM_VTL_CALL_FUNC_ID_FREE_MODULE_INIT), "FREE_MODULE_INIT");
	CHECK_STR(hv_trace_vtl_call_name(VSM_VTL_CALL_FUNC_ID_UNLOAD_MODULE), "UNLOAD_MODULE");
	CHECK_STR(hv_trace_vtl_call_name(VSM_VTL_CALL_FUNC_ID_COPY_SECONDARY_KEY),
		  "COPY_SECONDARY_KEY");
	CHECK_STR(hv_trace_vtl_call_name(VSM_VTL_CALL_FUNC_ID_KEXEC_VALIDATE), "KEXEC_VALIDATE");
	CHECK_STR(hv_trace_vtl_call_name(VSM_VTL_CALL_FUNC_ID_PATCH_TEXT), "PATCH_TEXT");
	CHECK_STR(hv_trace_vtl_call_name(VSM_VTL_CALL_FUNC_ID_ALLOCATE_RINGBUFFER_MEMORY),
		  "ALLOCATE_RINGBUFFER_MEMORY");
	CHECK_STR(hv_trace_vtl_call_name(VTLGUARD_CALL_GET_MEASUREMENTS), "GET_MEASUREMENTS");
	CHECK_STR(hv_trace_vtl_call_name(VTLGUARD_CALL_GET_VIOLATIONS), "GET_VIOLATIONS");
	/* unknown IDs are shown as numbers by the caller */
	CHECK_STR(hv_trace_vtl_call_name(VSM_VTL_CALL_FUNC_ID_ALLOCATE_RINGBUFFER_MEMORY + 1), "call");
	CHECK_STR(hv_trace_vtl_call_name(0x1FFDF), "call");
}

TEST(hvsim_trace_intercept_names)
{
	CHECK_STR(hv_trace_msg_name(HVMSG_GPA_INTERCEPT), "GPA_INTERCEPT");
	CHECK_STR(hv_trace_msg_name(HVMSG_X64_MSR_INTERCEPT), "MSR_INTERCEPT");
	CHECK_STR(hv_trace_msg_name(HVMSG_X64_REGISTER_INTERCEPT), "REGISTER_INTERCEPT");
	CHECK_STR(hv_trace_msg_name(0x12345), "message");
	CHECK_STR(hv_trace_reg_name(HV_X64_REGISTER_CR4), "CR4");
	CHECK_STR(hv_trace_reg_name(HV_X64_REGISTER_GDTR), "GDTR");
}
