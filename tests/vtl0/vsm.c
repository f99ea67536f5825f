// SPDX-License-Identifier: MIT
/*
 * Hypercalls the VTL0 kernel makes (as LVBS Linux does: GetVpRegisters for
 * VsmCodePageOffsets / VsmPartitionStatus / VsmVpStatus, EnablePartitionVtl,
 * EnableVpVtl, StartVirtualProcessor for its own APs) and the VTL call.
 * Layouts are the TLFS ones from ../shared BRIEF; every VP has its own
 * input/output pages so APs can call at the same time.
 */
#include "tests/vtl0/vtl0.h"

#define HVCALL_ENABLE_PARTITION_VTL 0x000D
#define HVCALL_ENABLE_VP_VTL 0x000F
#define HVCALL_GET_VP_REGISTERS 0x0050
#define HVCALL_START_VP 0x0099
#define HV_MSR_VP_INDEX 0x40000002

static uint8_t io_pages[VTL0_MAX_VPS][2][4096] __attribute__((aligned(4096)));

static uint64_t hcpage(void)
{
	return (uint64_t)(uintptr_t)__vtl0_hcpage;
}

unsigned int vtl0_vp_index(void)
{
	uint64_t v = gl_rdmsr(HV_MSR_VP_INDEX);

	return v < VTL0_MAX_VPS ? (unsigned int)v : 0;
}

int vsm_hv_init(void)
{
	return gl_hv_init(__vtl0_hcpage);
}

static uint8_t *in_page(void)
{
	uint8_t *p = io_pages[vtl0_vp_index()][0];

	gl_memset(p, 0, 4096);
	return p;
}

static uint8_t *out_page(void)
{
	return io_pages[vtl0_vp_index()][1];
}

uint64_t vsm_get_reg(uint32_t name, uint64_t *val)
{
	uint8_t *in = in_page(), *out = out_page();
	uint64_t r;

	lvbs_put64(in, ~0ull);                 /* partition self */
	gl_memcpy(in + 8, &(uint32_t){ 0xFFFFFFFEu }, 4); /* VP self */
	in[12] = 0;                            /* input VTL: current */
	gl_memcpy(in + 16, &name, 4);
	r = gl_hvcall_rep(hcpage(), HVCALL_GET_VP_REGISTERS, 1, in, out);
	*val = lvbs_get64(out);
	return gl_hv_status(r);
}

uint16_t vsm_enable_partition_vtl1(void)
{
	uint8_t *in = in_page();

	lvbs_put64(in, ~0ull);
	in[8] = 1;  /* target VTL1 */
	in[9] = 1;  /* enable MBEC */
	return (uint16_t)gl_hv_status(gl_hvcall(hcpage(), HVCALL_ENABLE_PARTITION_VTL,
						pa_of(in), 0));
}

static uint16_t vp_ctx_call(uint16_t code, uint32_t vp, uint8_t vtl,
			    const uint8_t ctx[LVBS_CTX_SIZE])
{
	uint8_t *in = in_page();

	lvbs_put64(in, ~0ull);
	gl_memcpy(in + 8, &vp, 4);
	in[12] = vtl;
	gl_memcpy(in + 16, ctx, LVBS_CTX_SIZE);
	return (uint16_t)gl_hv_status(gl_hvcall(hcpage(), code, pa_of(in), 0));
}

uint16_t vsm_enable_vp_vtl1(const uint8_t ctx[LVBS_CTX_SIZE])
{
	return vp_ctx_call(HVCALL_ENABLE_VP_VTL, 0xFFFFFFFEu, 1, ctx);
}

uint16_t vsm_start_vp(unsigned int vp, const uint8_t ctx[LVBS_CTX_SIZE])
{
	return vp_ctx_call(HVCALL_START_VP, vp, 0, ctx);
}

int64_t vtl_call(uint64_t id, uint64_t a0, uint64_t a1, uint64_t a2)
{
	struct vtl_args a = { .rdi = id, .rsi = a0, .rdx = a1, .r8 = a2 };

	vtl0_vtl_call_raw(v0.vtl_call_entry, &a);
	return (int64_t)a.r8;
}

uint64_t pa_of(const volatile void *p)
{
	return (uint64_t)(uintptr_t)p; /* the kernel is identity mapped */
}
