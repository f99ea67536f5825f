// SPDX-License-Identifier: MIT
/*
 * Hypercall primitives: control-word encoding and the simple, fast and rep
 * calling conventions.  Portable: the machine is reached only through
 * struct hv_platform, so the host tests drive this file with a fake backend.
 */
#include "core/compiler.h"
#include "core/errno.h"
#include "core/log.h"
#include "hv/hv.h"

__fastdata static const struct hv_platform *platform;

void hv_set_platform(const struct hv_platform *p)
{
	platform = p;
}

__fastpath
const struct hv_platform *hv_get_platform(void)
{
	return platform;
}

/* Largest value an N-bit control-word field holds. */
#define FIELD_MAX(width) ((1u << (width)) - 1u)

int hv_control(uint16_t code, bool fast, unsigned int varhead_qwords, unsigned int rep_count,
	       unsigned int rep_start, uint64_t *control)
{
	uint64_t c = 0;

	if (varhead_qwords > FIELD_MAX(HV_HYPERCALL_INPUT_VARHEAD_SIZE_WIDTH) ||
	    rep_count > FIELD_MAX(HV_HYPERCALL_INPUT_REP_COUNT_WIDTH) ||
	    rep_start > FIELD_MAX(HV_HYPERCALL_INPUT_REP_START_WIDTH) ||
	    (rep_count && rep_start >= rep_count) || (!rep_count && rep_start))
		return -EINVAL;
	c = hv_hypercall_input_set_code(c, code);
	c = hv_hypercall_input_set_fast(c, fast ? 1 : 0);
	c = hv_hypercall_input_set_varhead_size(c, varhead_qwords);
	c = hv_hypercall_input_set_rep_count(c, rep_count);
	c = hv_hypercall_input_set_rep_start(c, rep_start);
	*control = c;
	return 0;
}

static int issue(uint64_t control, uint64_t in, uint64_t out, uint64_t *result)
{
	if (!platform || !platform->hypercall) {
		log_error("hv: hypercall 0x%x before hv_init set up the hypercall page",
			  (unsigned int)hv_hypercall_input_get_code(control));
		return -ENODEV;
	}
	*result = platform->hypercall(control, in, out);
	return 0;
}

static int finish(uint16_t code, uint64_t result)
{
	uint16_t status = hv_result_status(result);

	if (status != HV_STATUS_SUCCESS)
		log_debug("hv: hypercall 0x%x failed: %s", code, hv_status_str(status));
	return hv_status_to_errno(status);
}

int hv_do_hypercall(uint16_t code, uint64_t in_gpa, uint64_t out_gpa)
{
	uint64_t control, result;
	int err = hv_control(code, false, 0, 0, 0, &control);

	if (!err)
		err = issue(control, in_gpa, out_gpa, &result);
	return err ? err : finish(code, result);
}

int hv_do_fast_hypercall(uint16_t code, uint64_t in1, uint64_t in2)
{
	uint64_t control, result;
	int err = hv_control(code, true, 0, 0, 0, &control);

	if (!err)
		err = issue(control, in1, in2, &result);
	return err ? err : finish(code, result);
}

__fastpath
int hv_do_rep_hypercall(uint16_t code, unsigned int varhead_qwords, unsigned int rep_count,
			uint64_t in_gpa, uint64_t out_gpa, unsigned int *reps_done)
{
	unsigned int start = 0, stalls = 0;
	int err = 0;

	if (rep_count == 0) {
		err = -EINVAL;
		goto out;
	}
	for (;;) {
		uint64_t control, result;
		unsigned int done;
		uint16_t status;

		err = hv_control(code, false, varhead_qwords, rep_count, start, &control);
		if (!err)
			err = issue(control, in_gpa, out_gpa, &result);
		if (err)
			goto out;
		status = hv_result_status(result);
		done = hv_result_reps(result);
		/* Reps completed counts from element 0 and can only grow. */
		if (done < start || done > rep_count) {
			log_error("hv: rep hypercall 0x%x reported %u of %u reps done after %u; "
				  "treating the hypervisor's answer as invalid",
				  code, done, rep_count, start);
			err = -EIO;
			goto out;
		}
		stalls = done == start ? stalls + 1 : 0;
		start = done;
		if (status != HV_STATUS_SUCCESS) {
			err = finish(code, result);
			goto out;
		}
		if (done == rep_count)
			goto out;
		/* An early return lets the hypervisor deliver interrupts: go on,
		 * but not forever if it never gets anywhere. */
		if (stalls >= HV_REP_MAX_STALLS) {
			log_error("hv: rep hypercall 0x%x made no progress in %u tries at rep %u of %u",
				  code, HV_REP_MAX_STALLS, start, rep_count);
			err = -ETIMEDOUT;
			goto out;
		}
	}
out:
	if (reps_done)
		*reps_done = start;
	return err;
}
