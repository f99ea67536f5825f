// SPDX-License-Identifier: MIT
/*
 * hv/ hypercall layer against a hvfake hypervisor: control words, simple/fast
 * calls, rep continuation (1, 7 or 0 reps per call, errors midway, bogus
 * progress), status mapping, register batching and SynIC message
 * consumption.  No Hyper-V needed.
 */
#include <string.h>
#include "core/compiler.h"
#include "core/errno.h"
#include "core/log.h"
#include "hv/hv.h"
#include "tests/hv/fake_hv.h"
#include "tests/unit/unit.h"

/* ------------------------------------------------------------ log capture */

static char logbuf[8192];

static void capture(enum log_level lvl, const char *line, size_t len)
{
	size_t used = strlen(logbuf);

	(void)lvl;
	if (used + len + 2 < sizeof(logbuf)) {
		memcpy(logbuf + used, line, len);
		logbuf[used + len] = '\n';
		logbuf[used + len + 1] = 0;
	}
}

static void log_start(void)
{
	logbuf[0] = 0;
	log_add_sink(capture);
}

static void log_stop(void)
{
	log_remove_sink(capture);
}

/* ---------------------------------------------------------- control words */

static uint64_t field(uint64_t v, uint64_t mask, unsigned int shift)
{
	return (v & mask) >> shift;
}

TEST(hv_control_encodes_every_field)
{
	uint64_t c = 0;

	CHECK_EQ_INT(hv_control(HVCALL_GET_VP_REGISTERS, false, 0, 0, 0, &c), 0);
	CHECK_EQ(c, HVCALL_GET_VP_REGISTERS);

	CHECK_EQ_INT(hv_control(HVCALL_FLUSH_VIRTUAL_ADDRESS_SPACE, true, 0, 0, 0, &c), 0);
	CHECK_EQ(c, HVCALL_FLUSH_VIRTUAL_ADDRESS_SPACE | HV_HYPERCALL_INPUT_FAST_MASK);

	CHECK_EQ_INT(hv_control(HVCALL_FLUSH_VIRTUAL_ADDRESS_LIST_EX, false, 3, 0, 0, &c), 0);
	CHECK_EQ(field(c, HV_HYPERCALL_INPUT_VARHEAD_SIZE_MASK,
		       HV_HYPERCALL_INPUT_VARHEAD_SIZE_SHIFT), 3);
	CHECK_EQ(c & ~HV_HYPERCALL_INPUT_VARHEAD_SIZE_MASK, HVCALL_FLUSH_VIRTUAL_ADDRESS_LIST_EX);

	CHECK_EQ_INT(hv_control(HVCALL_MODIFY_VTL_PROTECTION_MASK, false, 0, 510, 17, &c), 0);
	CHECK_EQ(field(c, HV_HYPERCALL_INPUT_REP_COUNT_MASK, HV_HYPERCALL_INPUT_REP_COUNT_SHIFT),
		 510);
	CHECK_EQ(field(c, HV_HYPERCALL_INPUT_REP_START_MASK, HV_HYPERCALL_INPUT_REP_START_SHIFT),
		 17);
	CHECK_EQ(field(c, HV_HYPERCALL_INPUT_CODE_MASK, 0), HVCALL_MODIFY_VTL_PROTECTION_MASK);
	CHECK_EQ(c & HV_HYPERCALL_INPUT_FAST_MASK, 0);
	CHECK_EQ(c & HV_HYPERCALL_INPUT_NESTED_MASK, 0);
	CHECK_EQ(c & HV_HYPERCALL_INPUT_RESERVED_MASK, 0);

	/* Largest legal values land in their fields and nowhere else. */
	CHECK_EQ_INT(hv_control(0xFFFF, true, 1023, HV_HYPERCALL_REP_MAX,
				HV_HYPERCALL_REP_MAX - 1, &c), 0);
	CHECK_EQ(c & (HV_HYPERCALL_INPUT_RESERVED_MASK | HV_HYPERCALL_INPUT_NESTED_MASK), 0);
	CHECK_EQ(hv_hypercall_input_get_varhead_size(c), 1023);
	CHECK_EQ(hv_hypercall_input_get_rep_count(c), HV_HYPERCALL_REP_MAX);
	CHECK_EQ(hv_hypercall_input_get_rep_start(c), HV_HYPERCALL_REP_MAX - 1);
	CHECK_EQ(hv_hypercall_input_get_code(c), 0xFFFF);
}

TEST(hv_control_rejects_out_of_range)
{
	uint64_t c = 0x1234;

	CHECK_EQ_INT(hv_control(1, false, 1024, 0, 0, &c), -EINVAL);
	CHECK_EQ_INT(hv_control(1, false, 0, HV_HYPERCALL_REP_MAX + 1, 0, &c), -EINVAL);
	CHECK_EQ_INT(hv_control(1, false, 0, 5, 5, &c), -EINVAL);  /* start past the end */
	CHECK_EQ_INT(hv_control(1, false, 0, 0, 1, &c), -EINVAL);  /* start without reps */
	CHECK_EQ(c, 0x1234); /* untouched on error */
}

TEST(hv_result_decoding)
{
	uint64_t r = hv_hypercall_output_set_rep_comp(
		hv_hypercall_output_set_status(0, HV_STATUS_INVALID_VTL_STATE), 42);

	CHECK_EQ(hv_result_status(r), HV_STATUS_INVALID_VTL_STATE);
	CHECK_EQ(hv_result_reps(r), 42);
}

/* ----------------------------------------------------- simple/fast calls */

TEST(hv_simple_and_fast_calls)
{
	hvfake_install();
	CHECK_EQ_INT(hv_do_hypercall(HVCALL_ENABLE_PARTITION_VTL, 0x1000, 0x2000), 0);
	CHECK_EQ(hvfake.ncalls, 1);
	CHECK_EQ(hvfake.control[0], HVCALL_ENABLE_PARTITION_VTL);
	CHECK_EQ(hvfake.in[0], 0x1000);
	CHECK_EQ(hvfake.out[0], 0x2000);

	CHECK_EQ_INT(hv_do_fast_hypercall(HVCALL_FLUSH_VIRTUAL_ADDRESS_SPACE, 7, 9), 0);
	CHECK_EQ(hvfake.control[1], HVCALL_FLUSH_VIRTUAL_ADDRESS_SPACE | HV_HYPERCALL_INPUT_FAST_MASK);
	CHECK_EQ(hvfake.in[1], 7);
	CHECK_EQ(hvfake.out[1], 9);

	hvfake.simple_status = HV_STATUS_VTL_ALREADY_ENABLED;
	CHECK_EQ_INT(hv_do_hypercall(HVCALL_ENABLE_VP_VTL, 0x1000, 0), -EEXIST);
	hvfake.simple_status = HV_STATUS_ACCESS_DENIED;
	CHECK_EQ_INT(hv_do_fast_hypercall(HVCALL_VTL_CALL, 0, 0), -EACCES);
	hvfake_uninstall();
}

TEST(hv_calls_without_platform_fail_cleanly)
{
	unsigned int reps = 99;

	hvfake_uninstall();
	log_start();
	CHECK_EQ_INT(hv_do_hypercall(HVCALL_ENABLE_PARTITION_VTL, 0, 0), -ENODEV);
	CHECK_EQ_INT(hv_do_rep_hypercall(HVCALL_MODIFY_VTL_PROTECTION_MASK, 0, 3, 0, 0, &reps),
		     -ENODEV);
	CHECK_EQ(reps, 0);
	log_stop();
	CHECK(strstr(logbuf, "before hv_init") != NULL);
}

/* ------------------------------------------------------ rep continuation */

static void check_rep_starts(unsigned int calls, unsigned int count, unsigned int step)
{
	for (unsigned int i = 0; i < calls; i++) {
		CHECK_EQ(hv_hypercall_input_get_rep_start(hvfake.control[i]), i * step);
		CHECK_EQ(hv_hypercall_input_get_rep_count(hvfake.control[i]), count);
		CHECK_EQ(hv_hypercall_input_get_code(hvfake.control[i]),
			 HVCALL_MODIFY_VTL_PROTECTION_MASK);
	}
}

TEST(hv_rep_one_at_a_time)
{
	unsigned int reps = 0;

	hvfake_install();
	hvfake.reps_per_call = 1;
	CHECK_EQ_INT(hv_do_rep_hypercall(HVCALL_MODIFY_VTL_PROTECTION_MASK, 0, 10, 0x100000, 0,
					 &reps), 0);
	CHECK_EQ(reps, 10);
	CHECK_EQ(hvfake.ncalls, 10);
	check_rep_starts(10, 10, 1);
	hvfake_uninstall();
}

TEST(hv_rep_seven_at_a_time)
{
	unsigned int reps = 0;

	hvfake_install();
	hvfake.reps_per_call = 7;
	CHECK_EQ_INT(hv_do_rep_hypercall(HVCALL_MODIFY_VTL_PROTECTION_MASK, 0, 20, 0x100000, 0,
					 &reps), 0);
	CHECK_EQ(reps, 20);
	CHECK_EQ(hvfake.ncalls, 3); /* 0..6, 7..13, 14..19 */
	check_rep_starts(3, 20, 7);
	hvfake_uninstall();
}

TEST(hv_rep_zero_progress_then_done)
{
	unsigned int reps = 0;

	hvfake_install();
	hvfake.stall_calls = 5;
	CHECK_EQ_INT(hv_do_rep_hypercall(HVCALL_MODIFY_VTL_PROTECTION_MASK, 0, 4, 0x100000, 0,
					 &reps), 0);
	CHECK_EQ(reps, 4);
	CHECK_EQ(hvfake.ncalls, 6);
	check_rep_starts(5, 4, 0);
	hvfake_uninstall();
}

TEST(hv_rep_no_progress_ever_times_out)
{
	unsigned int reps = 99;

	hvfake_install();
	hvfake.reps_per_call = 0;
	log_start();
	CHECK_EQ_INT(hv_do_rep_hypercall(HVCALL_MODIFY_VTL_PROTECTION_MASK, 0, 4, 0x100000, 0,
					 &reps), -ETIMEDOUT);
	log_stop();
	CHECK_EQ(reps, 0);
	CHECK_EQ(hvfake.ncalls, HV_REP_MAX_STALLS);
	CHECK(strstr(logbuf, "no progress") != NULL);
	hvfake_uninstall();
}

TEST(hv_rep_error_midway)
{
	unsigned int reps = 0;

	hvfake_install();
	hvfake.reps_per_call = 7;
	hvfake.fail_at_rep = 9;
	hvfake.fail_status = HV_STATUS_ACCESS_DENIED;
	CHECK_EQ_INT(hv_do_rep_hypercall(HVCALL_MODIFY_VTL_PROTECTION_MASK, 0, 20, 0x100000, 0,
					 &reps), -EACCES);
	CHECK_EQ(reps, 9);
	CHECK_EQ(hvfake.ncalls, 2); /* no retry after a failure */

	hvfake_install();
	hvfake.reps_per_call = 1;
	hvfake.fail_at_rep = 0;
	hvfake.fail_status = HV_STATUS_INVALID_PARAMETER;
	CHECK_EQ_INT(hv_do_rep_hypercall(HVCALL_MODIFY_VTL_PROTECTION_MASK, 0, 3, 0x100000, 0,
					 &reps), -EINVAL);
	CHECK_EQ(reps, 0);
	CHECK_EQ(hvfake.ncalls, 1);
	hvfake_uninstall();
}

TEST(hv_rep_bogus_progress_is_rejected)
{
	unsigned int reps = 0;

	hvfake_install();
	hvfake.bogus_reps = 50; /* more than asked for */
	log_start();
	CHECK_EQ_INT(hv_do_rep_hypercall(HVCALL_MODIFY_VTL_PROTECTION_MASK, 0, 20, 0x100000, 0,
					 &reps), -EIO);
	log_stop();
	CHECK_EQ(hvfake.ncalls, 1);
	CHECK(strstr(logbuf, "invalid") != NULL);
	CHECK_EQ_INT(hv_do_rep_hypercall(HVCALL_MODIFY_VTL_PROTECTION_MASK, 0, 0, 0x100000, 0,
					 &reps), -EINVAL);
	CHECK_EQ_INT(hv_do_rep_hypercall(HVCALL_MODIFY_VTL_PROTECTION_MASK, 0,
					 HV_HYPERCALL_REP_MAX + 1, 0x100000, 0, &reps), -EINVAL);
	hvfake_uninstall();
}

/* --------------------------------------------------------------- status */

TEST(hv_status_mapping)
{
	CHECK_EQ_INT(hv_status_to_errno(HV_STATUS_SUCCESS), 0);
	CHECK_EQ_INT(hv_status_to_errno(HV_STATUS_INVALID_HYPERCALL_CODE), -EOPNOTSUPP);
	CHECK_EQ_INT(hv_status_to_errno(HV_STATUS_INVALID_HYPERCALL_INPUT), -EINVAL);
	CHECK_EQ_INT(hv_status_to_errno(HV_STATUS_INVALID_ALIGNMENT), -EINVAL);
	CHECK_EQ_INT(hv_status_to_errno(HV_STATUS_INVALID_PARAMETER), -EINVAL);
	CHECK_EQ_INT(hv_status_to_errno(HV_STATUS_ACCESS_DENIED), -EACCES);
	CHECK_EQ_INT(hv_status_to_errno(HV_STATUS_INSUFFICIENT_MEMORY), -ENOMEM);
	CHECK_EQ_INT(hv_status_to_errno(HV_STATUS_INVALID_VTL_STATE), -EIO);
	CHECK_EQ_INT(hv_status_to_errno(HV_STATUS_VTL_ALREADY_ENABLED), -EEXIST);
	CHECK_EQ_INT(hv_status_to_errno(HV_STATUS_TIME_OUT), -ETIMEDOUT);
	CHECK_EQ_INT(hv_status_to_errno(0xFFFF), -EIO);
	CHECK_EQ_INT(hv_status_to_errno(0x0001), -EIO); /* undefined code */

	CHECK_STR(hv_status_str(HV_STATUS_SUCCESS), "SUCCESS");
	CHECK_STR(hv_status_str(HV_STATUS_INVALID_PARAMETER), "INVALID_PARAMETER");
	CHECK_STR(hv_status_str(HV_STATUS_INVALID_VTL_STATE), "INVALID_VTL_STATE");
	CHECK_STR(hv_status_str(HV_STATUS_VTL_ALREADY_ENABLED), "VTL_ALREADY_ENABLED");
	CHECK_STR(hv_status_str(0xFFFF), "unknown");

	/* Every failure maps to a negative errno, never to success. */
	for (unsigned int s = 1; s <= 0xFFFF; s++)
		if (hv_status_to_errno((uint16_t)s) >= 0)
			unit_fail(__FILE__, __LINE__, "status 0x%x maps to success", s);
}

/* ------------------------------------------------------- register batching */

static void add_regs(unsigned int n)
{
	for (unsigned int i = 0; i < n; i++) {
		hvfake.reg_name[i] = HV_X64_REGISTER_RAX + i;
		hvfake.reg_val[i] = 0x1000 + i;
	}
	hvfake.nregs = n;
}

TEST(hv_get_vp_registers_batches)
{
	static uint32_t names[300];
	static struct hv_u128 vals[300];

	hvfake_install();
	add_regs(FAKE_REGS);
	for (unsigned int i = 0; i < 300; i++)
		names[i] = HV_X64_REGISTER_RAX + (i * 7) % FAKE_REGS;
	CHECK_EQ_INT(hv_get_vp_registers(HV_VP_INDEX_SELF, hv_input_vtl_of(HV_VTL0), 300, names,
					 vals), 0);
	/* 300 = 256 + 44: two rep calls, each within one output page. */
	CHECK_EQ(hvfake.ncalls, 2);
	CHECK_EQ(hv_hypercall_input_get_rep_count(hvfake.control[0]),
		 HV_GET_VP_REGISTERS_BATCH_MAX);
	CHECK_EQ(hv_hypercall_input_get_rep_count(hvfake.control[1]),
		 300 - HV_GET_VP_REGISTERS_BATCH_MAX);
	CHECK_EQ(hv_hypercall_input_get_code(hvfake.control[0]), HVCALL_GET_VP_REGISTERS);
	CHECK_EQ(hvfake.hdr_vtl[0], hv_input_vtl_of(HV_VTL0));
	CHECK_EQ(hvfake.hdr_vtl[0] & HV_INPUT_VTL_USE_TARGET_VTL_MASK,
		 HV_INPUT_VTL_USE_TARGET_VTL_MASK);
	for (unsigned int i = 0; i < 300; i++) {
		CHECK_EQ(vals[i].low_part, 0x1000 + (i * 7) % FAKE_REGS);
		CHECK_EQ(vals[i].high_part, 0);
	}
	hvfake_uninstall();
}

TEST(hv_get_vp_registers_with_partial_completion)
{
	uint32_t names[20];
	struct hv_u128 vals[20];

	hvfake_install();
	hvfake.reps_per_call = 7;
	add_regs(20);
	for (unsigned int i = 0; i < 20; i++)
		names[i] = HV_X64_REGISTER_RAX + 19 - i;
	CHECK_EQ_INT(hv_get_vp_registers(HV_VP_INDEX_SELF, HV_INPUT_VTL_CURRENT, 20, names, vals),
		     0);
	CHECK_EQ(hvfake.ncalls, 3);
	for (unsigned int i = 0; i < 20; i++)
		CHECK_EQ(vals[i].low_part, 0x1000 + 19 - i);
	hvfake_uninstall();
}

TEST(hv_set_vp_registers_batches)
{
	static struct hv_register_assoc regs[300];

	hvfake_install();
	add_regs(FAKE_REGS);
	for (unsigned int i = 0; i < 300; i++) {
		memset(&regs[i], 0xEE, sizeof(regs[i])); /* junk in reserved bytes */
		regs[i].name = HV_X64_REGISTER_RAX + i % FAKE_REGS;
		regs[i].value.low_part = 0xB000 + i;
		regs[i].value.high_part = 0;
	}
	CHECK_EQ_INT(hv_set_vp_registers(HV_VP_INDEX_SELF, hv_input_vtl_of(HV_VTL0), 300, regs),
		     0);
	/* 127 + 127 + 46 */
	CHECK_EQ(hvfake.ncalls, 3);
	CHECK_EQ(hv_hypercall_input_get_rep_count(hvfake.control[0]),
		 HV_SET_VP_REGISTERS_BATCH_MAX);
	CHECK_EQ(hv_hypercall_input_get_rep_count(hvfake.control[2]),
		 300 - 2 * HV_SET_VP_REGISTERS_BATCH_MAX);
	CHECK_EQ(hv_hypercall_input_get_code(hvfake.control[0]), HVCALL_SET_VP_REGISTERS);
	/* The last write to each register wins. */
	for (unsigned int r = 0; r < FAKE_REGS; r++) {
		unsigned int last = r + ((299 - r) / FAKE_REGS) * FAKE_REGS;

		CHECK_EQ(hvfake.reg_val[r], 0xB000 + last);
	}
	hvfake_uninstall();
}

TEST(hv_vp_register_helpers_and_errors)
{
	uint64_t v = 0;
	uint32_t name = HV_X64_REGISTER_CR0;
	struct hv_u128 val;
	struct hv_register_assoc ra;

	hvfake_install();
	add_regs(4);
	CHECK_EQ_INT(hv_set_vp_register(HV_INPUT_VTL_CURRENT, HV_X64_REGISTER_RCX, 77), 0);
	CHECK_EQ_INT(hv_get_vp_register(HV_INPUT_VTL_CURRENT, HV_X64_REGISTER_RCX, &v), 0);
	CHECK_EQ(v, 77);

	/* Unknown register: error names it. */
	log_start();
	CHECK_EQ_INT(hv_get_vp_register(HV_INPUT_VTL_CURRENT, HV_X64_REGISTER_CR0, &v), -EINVAL);
	log_stop();
	char want[64];

	snprintf(want, sizeof(want), "register 0x%x", HV_X64_REGISTER_CR0);
	CHECK(strstr(logbuf, want) != NULL);

	/* Reserved bits in the input VTL: refused before any call. */
	unsigned int before = hvfake.ncalls;

	CHECK_EQ_INT(hv_get_vp_registers(HV_VP_INDEX_SELF, 0x20, 1, &name, &val), -EINVAL);
	memset(&ra, 0, sizeof(ra));
	CHECK_EQ_INT(hv_set_vp_registers(HV_VP_INDEX_SELF, 0x80, 1, &ra), -EINVAL);
	CHECK_EQ_INT(hv_get_vp_registers(HV_VP_INDEX_SELF, 0, 1, NULL, &val), -EINVAL);
	CHECK_EQ_INT(hv_set_vp_registers(HV_VP_INDEX_SELF, 0, 1, NULL), -EINVAL);
	CHECK_EQ_INT(hv_get_vp_registers(HV_VP_INDEX_SELF, 0, 0, NULL, NULL), 0);
	CHECK_EQ(hvfake.ncalls, before);

	/* A failure in the second batch stops there and is reported. */
	static uint32_t names[300];
	static struct hv_u128 vals[300];

	for (unsigned int i = 0; i < 300; i++)
		names[i] = HV_X64_REGISTER_RAX;
	names[280] = HV_X64_REGISTER_CR0; /* unknown to the hvfake */
	before = hvfake.ncalls;
	log_start();
	CHECK_EQ_INT(hv_get_vp_registers(HV_VP_INDEX_SELF, 0, 300, names, vals), -EINVAL);
	log_stop();
	CHECK_EQ(hvfake.ncalls, before + 2);
	CHECK(strstr(logbuf, want) != NULL);
	hvfake_uninstall();
}
