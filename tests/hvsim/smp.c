// SPDX-License-Identifier: MIT
/*
 * hvsim multi-VP guest (run with --smp 2): StartVirtualProcessor brings VP1
 * up in VTL0; VTL1 is enabled on VP0 by VTL0 and on VP1 by VTL1 itself, as
 * LVBS does for APs; VP1 then VTL-calls into its own VTL1 context.
 * VPs share one physical CPU in hvsim and switch on PAUSE and HLT, so every
 * wait loop here pauses.
 */
#include "tests/guestlib/guestlib.h"
#include "tools/hvsim/hvdefs.h"

#define PAGE __attribute__((aligned(4096)))

static uint8_t hcpage0[4096] PAGE, hcpage1[4096] PAGE;
static uint8_t in0[4096] PAGE, out0[4096] PAGE, in1[4096] PAGE;
static uint8_t idt0[4096] PAGE, idt1[4096] PAGE;
static uint8_t ap_stack[16384] PAGE, vtl1_stack[16384] PAGE, vtl1_ap_stack[16384] PAGE;
static uint64_t call_off, return_off;

static volatile unsigned int ap_alive, ap_go, ap_back, vtl1_vp0_ready, vtl1_ap_entered;
static volatile unsigned int fp_go, fp_set, fp_check, fp_done;
static volatile uint64_t ap_fp_seen;
#define FP_VP0 0x1111222233334444ull
#define FP_VP1 0x5555666677778888ull
static volatile uint64_t ap_vp_index = ~0ull, vtl1_ap_vp_index = ~0ull;
static volatile uint64_t vtl1_cmd_control, vtl1_cmd_in, vtl1_cmd_result;

#define ST(r) gl_hv_status(r)

static uint64_t gpa(const void *p)
{
	return (uint64_t)(uintptr_t)p;
}

static int wait_for(volatile unsigned int *flag)
{
	for (unsigned long i = 0; i < 2000000; i++) {
		if (*flag)
			return 1;
		gl_pause();
	}
	return 0;
}

/* VP1, VTL0: started by StartVirtualProcessor with this RIP. */
void ap_entry(void);
void ap_entry(void)
{
	uint64_t regs[16] = { 0 };

	ap_vp_index = gl_rdmsr(HV_X64_MSR_VP_INDEX);
	ap_alive = 1;
	/* each VP keeps its own SSE registers across VP switches */
	while (!fp_go)
		gl_pause();
	gl_xmm0_set(FP_VP1);
	fp_set = 1;
	while (!fp_check)
		gl_pause();
	ap_fp_seen = gl_xmm0_get();
	fp_done = 1;
	while (!ap_go)
		gl_pause();
	gl_vtl_call_regs(gpa(hcpage0) + call_off, regs);
	ap_back = 1;
	for (;;)
		gl_hlt();
}

/* VTL1 on either VP (both contexts start at gl_vtl1_start). */
void gl_vtl1_entry(void);
void gl_vtl1_entry(void)
{
	uint64_t me = gl_rdmsr(HV_X64_MSR_VP_INDEX);

	if (me != 0) {
		/* the AP's first VTL1 entry: report and go back for good */
		vtl1_ap_vp_index = me;
		vtl1_ap_entered = 1;
		for (;;)
			gl_hvcall(gpa(hcpage1) + return_off, 0, 0, 0);
	}
	gl_setup_idt(idt1);
	gl_hv_init(hcpage1);
	vtl1_vp0_ready = 1;
	for (;;) {
		static uint64_t set[16], got[16];
		gl_vtl_return_regs(gpa(hcpage1) + return_off, set, got, 0);
		gl_memcpy(set, got, sizeof(set));
		if (vtl1_cmd_control)
			vtl1_cmd_result = gl_hvcall(gpa(hcpage1), vtl1_cmd_control, vtl1_cmd_in, 0);
		vtl1_cmd_control = 0;
	}
}

static void make_vp_input(void *buf, uint32_t vp, uint8_t vtl, void (*rip)(void), void *stack_top)
{
	struct hv_input_enable_vp_vtl *v = buf; /* same layout as StartVirtualProcessor */

	gl_memset(v, 0, sizeof(*v));
	v->partition_id = HV_PARTITION_ID_SELF;
	v->vp_index = vp;
	v->target_vtl = vtl;
	gl_make_context((uint8_t *)&v->vp_context, gpa((const void *)(uintptr_t)rip), gpa(stack_top));
}

int gl_main(const struct hvsim_boot_info *bi)
{
	uint64_t v = 0, r;
	uint64_t regs[16] = { 0 };

	gl_setup_idt(idt0);
	GL_CHECK_EQ(bi->nr_vps, 2, "smp_boot_info_two_vps");
	gl_hv_init(hcpage0);
	struct hv_input_get_set_vp_registers *h = (void *)in0;
	uint32_t name = HV_REGISTER_VSM_CODE_PAGE_OFFSETS;
	gl_memset(in0, 0, 64);
	h->partition_id = HV_PARTITION_ID_SELF;
	h->vp_index = HV_VP_INDEX_SELF;
	gl_memcpy(in0 + sizeof(*h), &name, 4);
	gl_hvcall(gpa(hcpage0), HVCALL_GET_VP_REGISTERS | (1ull << 32), gpa(in0), gpa(out0));
	gl_memcpy(&v, out0, 8);
	call_off = v & HV_REGISTER_VSM_CODE_PAGE_OFFSETS_VTL_CALL_OFFSET_MASK;
	return_off = (v & HV_REGISTER_VSM_CODE_PAGE_OFFSETS_VTL_RETURN_OFFSET_MASK) >>
		     HV_REGISTER_VSM_CODE_PAGE_OFFSETS_VTL_RETURN_OFFSET_SHIFT;

	/* StartVirtualProcessor: VP1 in VTL0 */
	make_vp_input(in0, 5, 0, ap_entry, ap_stack + sizeof(ap_stack));
	GL_CHECK_EQ(ST(gl_hvcall(gpa(hcpage0), HVCALL_START_VIRTUAL_PROCESSOR, gpa(in0), 0)),
		    HV_STATUS_INVALID_VP_INDEX, "start_vp_bad_index");
	make_vp_input(in0, 1, 1, ap_entry, ap_stack + sizeof(ap_stack));
	GL_CHECK_EQ(ST(gl_hvcall(gpa(hcpage0), HVCALL_START_VIRTUAL_PROCESSOR, gpa(in0), 0)),
		    HV_STATUS_INVALID_VTL_STATE, "start_vp_in_disabled_vtl1");
	make_vp_input(in0, 1, 0, ap_entry, ap_stack + sizeof(ap_stack));
	GL_CHECK_EQ(ST(gl_hvcall(gpa(hcpage0), HVCALL_START_VIRTUAL_PROCESSOR, gpa(in0), 0)), 0,
		    "start_vp");
	GL_CHECK(wait_for(&ap_alive), "ap_runs_in_vtl0");
	GL_CHECK_EQ(ap_vp_index, 1, "ap_vp_index_msr");
	gl_xmm0_set(FP_VP0);
	fp_go = 1;
	GL_CHECK(wait_for(&fp_set) && gl_xmm0_get() == FP_VP0, "fpu_state_private_to_vp0");
	fp_check = 1;
	GL_CHECK(wait_for(&fp_done) && ap_fp_seen == FP_VP1, "fpu_state_private_to_vp1");
	GL_CHECK_EQ(ST(gl_hvcall(gpa(hcpage0), HVCALL_START_VIRTUAL_PROCESSOR, gpa(in0), 0)),
		    HV_STATUS_INVALID_VP_STATE, "start_vp_twice");

	/* VTL1 on VP0, enabled by VTL0 */
	struct hv_input_enable_partition_vtl *e = (void *)in0;
	gl_memset(in0, 0, 64);
	e->partition_id = HV_PARTITION_ID_SELF;
	e->target_vtl = 1;
	gl_hvcall(gpa(hcpage0), HVCALL_ENABLE_PARTITION_VTL, gpa(in0), 0);
	make_vp_input(in0, 0, 1, gl_vtl1_start, vtl1_stack + sizeof(vtl1_stack));
	GL_CHECK_EQ(ST(gl_hvcall(gpa(hcpage0), HVCALL_ENABLE_VP_VTL, gpa(in0), 0)), 0, "enable_vp_vtl_vp0");
	gl_vtl_call_regs(gpa(hcpage0) + call_off, regs);
	GL_CHECK(vtl1_vp0_ready, "vtl1_up_on_vp0");
	/* once a VP has VTL1, VTL0 may not enable it elsewhere */
	make_vp_input(in0, 1, 1, gl_vtl1_start, vtl1_ap_stack + sizeof(vtl1_ap_stack));
	GL_CHECK_EQ(ST(gl_hvcall(gpa(hcpage0), HVCALL_ENABLE_VP_VTL, gpa(in0), 0)),
		    HV_STATUS_ACCESS_DENIED, "enable_vp_vtl_ap_from_vtl0_denied");
	/* VTL1 enables itself on VP1 */
	make_vp_input(in1, 1, 1, gl_vtl1_start, vtl1_ap_stack + sizeof(vtl1_ap_stack));
	vtl1_cmd_in = gpa(in1);
	vtl1_cmd_control = HVCALL_ENABLE_VP_VTL;
	gl_vtl_call_regs(gpa(hcpage0) + call_off, regs);
	r = vtl1_cmd_result;
	GL_CHECK_EQ(ST(r), 0, "enable_vp_vtl_ap_from_vtl1");
	/* the AP VTL-calls into its own VTL1 */
	ap_go = 1;
	GL_CHECK(wait_for(&ap_back), "ap_vtl_call_returns");
	GL_CHECK(vtl1_ap_entered && vtl1_ap_vp_index == 1, "ap_entered_vtl1_on_vp1");
	return gl_summary();
}
