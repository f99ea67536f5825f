// SPDX-License-Identifier: MIT
/* Fake hypervisor backend for hv/ host tests (see fake_hv.h). */
#include <string.h>
#include "core/compiler.h"
#include "tests/hv/fake_hv.h"

struct hvfake_state hvfake;

#define FAKE_IN_GPA  0x100000ULL
#define FAKE_OUT_GPA 0x200000ULL

static _Alignas(4096) uint8_t in_page[4096];
static _Alignas(4096) uint8_t out_page[4096];
static struct hv_io_pages io = { in_page, out_page, FAKE_IN_GPA, FAKE_OUT_GPA };

static struct hv_io_pages *fake_io(void)
{
	return &io;
}

static void fake_wrmsr(uint32_t msr, uint64_t val)
{
	(void)val;
	if (msr == HV_X64_MSR_EOM)
		hvfake.eom_writes++;
}

static int find_reg(uint32_t name)
{
	for (unsigned int i = 0; i < hvfake.nregs; i++)
		if (hvfake.reg_name[i] == name)
			return (int)i;
	return -1;
}

/* Process one rep element of Get/SetVpRegisters; returns a status. */
static uint16_t do_element(uint16_t code, unsigned int i)
{
	const size_t hdr = sizeof(struct hv_input_get_set_vp_registers);

	if (code == HVCALL_GET_VP_REGISTERS) {
		uint32_t name;
		struct hv_u128 v = { 0, 0 };
		int r;

		memcpy(&name, in_page + hdr + i * sizeof(uint32_t), sizeof(name));
		r = find_reg(name);
		if (r < 0)
			return HV_STATUS_INVALID_PARAMETER;
		v.low_part = hvfake.reg_val[r];
		memcpy(out_page + i * sizeof(v), &v, sizeof(v));
	} else if (code == HVCALL_SET_VP_REGISTERS) {
		struct hv_register_assoc a;
		int r;

		memcpy(&a, in_page + hdr + i * sizeof(a), sizeof(a));
		r = find_reg(a.name);
		if (r < 0)
			return HV_STATUS_INVALID_PARAMETER;
		/* Reserved bytes must arrive zeroed. */
		for (unsigned int k = 0; k < sizeof(a.rsvd_4); k++)
			if (a.rsvd_4[k])
				return HV_STATUS_INVALID_HYPERCALL_INPUT;
		hvfake.reg_val[r] = a.value.low_part;
	} else if (code == HVCALL_MODIFY_VTL_PROTECTION_MASK) {
		const struct hv_input_modify_vtl_protection_mask *h = (const void *)in_page;

		if (hvfake.ngpfn >= ARRAY_SIZE(hvfake.gpfn))
			return HV_STATUS_INSUFFICIENT_MEMORY;
		memcpy(&hvfake.gpfn[hvfake.ngpfn], in_page + sizeof(*h) + i * sizeof(uint64_t),
		       sizeof(uint64_t));
		hvfake.gpfn_flags[hvfake.ngpfn] = h->map_flags;
		hvfake.gpfn_vtl[hvfake.ngpfn] = h->target_vtl;
		hvfake.ngpfn++;
	}
	return HV_STATUS_SUCCESS;
}

static uint64_t result(uint16_t status, unsigned int reps)
{
	uint64_t r = hv_hypercall_output_set_status(0, status);

	return hv_hypercall_output_set_rep_comp(r, reps);
}

static uint64_t fake_hypercall(uint64_t control, uint64_t in, uint64_t out)
{
	unsigned int n = hvfake.ncalls++;
	uint16_t code = (uint16_t)hv_hypercall_input_get_code(control);
	unsigned int count = (unsigned int)hv_hypercall_input_get_rep_count(control);
	unsigned int start = (unsigned int)hv_hypercall_input_get_rep_start(control);
	unsigned int done, stop;

	if (n < FAKE_MAX_CALLS) {
		hvfake.control[n] = control;
		hvfake.in[n] = in;
		hvfake.out[n] = out;
		hvfake.hdr_vtl[n] = ((struct hv_input_get_set_vp_registers *)in_page)->input_vtl;
	}
	if (!count) {
		memcpy(hvfake.last_in, in_page, sizeof(hvfake.last_in));
		return result(hvfake.simple_status, 0);
	}
	if (hvfake.bogus_reps >= 0)
		return result(HV_STATUS_SUCCESS, (unsigned int)hvfake.bogus_reps);
	if (in != FAKE_IN_GPA)
		return result(HV_STATUS_INVALID_ALIGNMENT, start);
	if (n < hvfake.stall_calls)
		return result(HV_STATUS_SUCCESS, start);
	stop = hvfake.reps_per_call ? start + hvfake.reps_per_call : start;
	if (stop > count)
		stop = count;
	for (done = start; done < stop; done++) {
		uint16_t st;

		if (hvfake.fail_at_rep >= 0 && n >= hvfake.fail_call &&
		    done == (unsigned int)hvfake.fail_at_rep)
			return result(hvfake.fail_status, done);
		st = do_element(code, done);
		if (st != HV_STATUS_SUCCESS)
			return result(st, done);
	}
	return result(HV_STATUS_SUCCESS, done);
}

static const struct hv_platform fake_platform = {
	.hypercall = fake_hypercall,
	.wrmsr = fake_wrmsr,
	.io_pages = fake_io,
};

void hvfake_install(void)
{
	memset(&hvfake, 0, sizeof(hvfake));
	memset(in_page, 0xA5, sizeof(in_page)); /* catch unset header bytes */
	memset(out_page, 0, sizeof(out_page));
	hvfake.reps_per_call = 1000000;
	hvfake.fail_at_rep = -1;
	hvfake.bogus_reps = -1;
	hv_set_platform(&fake_platform);
}

void hvfake_uninstall(void)
{
	hv_set_platform(NULL);
}
