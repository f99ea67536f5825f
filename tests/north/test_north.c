// SPDX-License-Identifier: MIT
/* North API over the fake South: bounds, batching, registers, events. */
#include <string.h>

#include "core/errno.h"
#include "north/north.h"
#include "tests/north/fake_south.h"
#include "tests/unit/unit.h"

static void setup(void)
{
	fake_reset();
	CHECK_EQ_INT(north_init(), 0);
}

TEST(north_init_too_many_vtl1_ranges_fails_closed)
{
	fake_reset();
	fake_south.nvtl1 = NORTH_MAX_VTL1_RANGES + 1;
	CHECK_EQ_INT(north_init(), -E2BIG);
	/* Fail closed: nothing is usable until the map is known. */
	CHECK(north_touches_vtl1(0x1000, 0x1000));
	CHECK_EQ_INT(north_copy_in(&(char){ 0 }, 0x1000, 1), -EFAULT);
	fake_south.nvtl1 = NORTH_MAX_VTL1_RANGES;
	CHECK_EQ_INT(north_init(), 0);
	CHECK(!north_touches_vtl1(0x1000, 0x1000));
	CHECK(north_touches_vtl1(FAKE_VTL1_END + 0x10000, 1)); /* extra range 1 */
}

TEST(north_check_range_rejects_wrap_and_vtl1)
{
	setup();
	CHECK_EQ_INT(north_check_range(0x1000, 0x1000), 0);
	CHECK_EQ_INT(north_check_range(0x1000, 0), 0);
	CHECK_EQ_INT(north_check_range(~0ull - 10, 20), -EINVAL);
	CHECK_EQ_INT(north_check_range(~0ull, 1), -EINVAL);
	CHECK_EQ_INT(north_check_range(FAKE_VTL1_START, 1), -EFAULT);
	CHECK_EQ_INT(north_check_range(FAKE_VTL1_END - 1, 1), -EFAULT);
	CHECK_EQ_INT(north_check_range(FAKE_VTL1_START - 0x1000, 0x1001), -EFAULT);
	/* Touching but not overlapping is fine on both sides. */
	CHECK_EQ_INT(north_check_range(FAKE_VTL1_START - 0x1000, 0x1000), 0);
	CHECK_EQ_INT(north_check_range(FAKE_VTL1_END, 0x1000), 0);
	/* A range that covers VTL1 entirely. */
	CHECK_EQ_INT(north_check_range(0, FAKE_RAM_SIZE), -EFAULT);
}

TEST(north_copy_in_bounds)
{
	uint8_t buf[64];
	static uint8_t big[NORTH_COPY_MAX + 1];

	setup();
	memset(fake_ram(0x5000), 0xAB, 64);
	CHECK_EQ_INT(north_copy_in(buf, 0x5000, sizeof(buf)), 0);
	CHECK_EQ(buf[0], 0xAB);
	CHECK_EQ(buf[63], 0xAB);
	CHECK_EQ_INT(north_copy_in(big, 0x5000, sizeof(big)), -E2BIG);
	CHECK_EQ_INT(north_copy_in(big, 0x5000, NORTH_COPY_MAX), 0);
	CHECK_EQ_INT(north_copy_in(buf, ~0ull - 8, 16), -EINVAL);
	CHECK_EQ_INT(north_copy_in(buf, FAKE_VTL1_START + 8, 8), -EFAULT);
	CHECK_EQ_INT(north_copy_in(buf, FAKE_RAM_SIZE - 8, 16), -EFAULT); /* not RAM */
	CHECK_EQ_INT(north_copy_in(buf, 0x5000, 0), 0);
	fake_south.reads = 0;
	CHECK_EQ_INT(north_copy_in(buf, FAKE_VTL1_START, 8), -EFAULT);
	CHECK_EQ(fake_south.reads, 0); /* refused before the South was asked */
}

TEST(north_copy_out_bounds)
{
	const uint8_t src[8] = { 1, 2, 3, 4, 5, 6, 7, 8 };

	setup();
	CHECK_EQ_INT(north_copy_out(0x6000, src, sizeof(src)), 0);
	CHECK_MEM(fake_ram(0x6000), src, sizeof(src));
	CHECK_EQ_INT(north_copy_out(FAKE_VTL1_END - 4, src, 8), -EFAULT);
	CHECK_EQ_INT(north_copy_out(~0ull - 3, src, 8), -EINVAL);
	CHECK_EQ(fake_south.writes, 1);
}

static unsigned int ceil510(unsigned int n)
{
	return (n + 509) / 510;
}

TEST(north_protect_batches_ceil_n_over_510)
{
	static const unsigned int counts[] = { 1, 2, 509, 510, 511, 1020, 1021, 1530, 2040 };

	for (size_t i = 0; i < sizeof(counts) / sizeof(counts[0]); i++) {
		unsigned int n = counts[i];

		setup();
		CHECK_EQ_INT(north_protect(0x1000, (uint64_t)n << 12, NORTH_PERM_R | NORTH_PERM_X), 0);
		CHECK_EQ(fake_south.prot_calls, ceil510(n));
		CHECK_EQ(fake_south.prot_pages, n);
		CHECK(fake_south.max_gpfns_seen <= SOUTH_MAX_GPFNS_PER_CALL);
		CHECK_EQ(fake_perm(0x1000), SOUTH_PROT_R | SOUTH_PROT_KX | SOUTH_PROT_UX);
		CHECK_EQ(fake_perm(0x1000 + ((uint64_t)(n - 1) << 12)),
			 SOUTH_PROT_R | SOUTH_PROT_KX | SOUTH_PROT_UX);
		CHECK_EQ(fake_perm(0x1000 + ((uint64_t)n << 12)), SOUTH_PROT_ALL);
	}
}

TEST(north_protect_perm_mapping)
{
	setup();
	CHECK_EQ(north_perm_to_prot(NORTH_PERM_R), SOUTH_PROT_R | SOUTH_PROT_UX);
	CHECK_EQ(north_perm_to_prot(NORTH_PERM_R | NORTH_PERM_W),
		 SOUTH_PROT_R | SOUTH_PROT_W | SOUTH_PROT_UX);
	CHECK_EQ(north_perm_to_prot(NORTH_PERM_R | NORTH_PERM_X),
		 SOUTH_PROT_R | SOUTH_PROT_KX | SOUTH_PROT_UX);
	CHECK_EQ(north_perm_to_prot(0), 0);
	CHECK_EQ(north_perm_to_prot(NORTH_PERM_UNPROTECTED), SOUTH_PROT_ALL);
	/* R|NO_UX: readable, executable by nobody (the log ring). */
	CHECK_EQ(north_perm_to_prot(NORTH_PERM_R | NORTH_PERM_NO_UX), SOUTH_PROT_R);
	CHECK_EQ_INT(north_protect(0x3000, 0x1000, 0), 0);
	CHECK_EQ(fake_perm(0x3000), 0);
	CHECK_EQ_INT(north_protect(0x3000, 0x1000, NORTH_PERM_R | NORTH_PERM_NO_UX), 0);
	CHECK_EQ(fake_perm(0x3000), SOUTH_PROT_R);
	/* "execute" and "no execute" at once is a caller bug, refused. */
	CHECK_EQ_INT(north_protect(0x3000, 0x1000, NORTH_PERM_R | NORTH_PERM_X | NORTH_PERM_NO_UX),
		     -EINVAL);
	CHECK_EQ_INT(north_protect(0x3000, 0x1000, NORTH_PERM_UNPROTECTED | NORTH_PERM_NO_UX),
		     -EINVAL);
	CHECK_EQ(fake_perm(0x3000), SOUTH_PROT_R);
}

TEST(north_protect_many_coalesces_and_checks_all_first)
{
	struct north_prot_range r[3] = {
		{ 0x10000, 300 << 12, NORTH_PERM_R },
		{ 0x200000, 300 << 12, NORTH_PERM_R }, /* not contiguous, same perms */
		{ 0x400000, 10 << 12, NORTH_PERM_R | NORTH_PERM_W },
	};

	setup();
	CHECK_EQ_INT(north_protect_many(r, 3), 0);
	/* 600 R pages share batches (2 calls), the RW range needs its own. */
	CHECK_EQ(fake_south.prot_calls, 3);
	CHECK_EQ(fake_perm(0x200000), SOUTH_PROT_R | SOUTH_PROT_UX);
	CHECK_EQ(fake_perm(0x400000), SOUTH_PROT_R | SOUTH_PROT_W | SOUTH_PROT_UX);

	setup();
	r[2].pa = FAKE_VTL1_START; /* last one is bad: nothing may be applied */
	CHECK_EQ_INT(north_protect_many(r, 3), -EFAULT);
	CHECK_EQ(fake_south.prot_calls, 0);
	r[2].pa = 0x400800;        /* misaligned */
	CHECK_EQ_INT(north_protect_many(r, 3), -EINVAL);
	r[2].pa = 0x400000;
	r[2].len = 0x800;
	CHECK_EQ_INT(north_protect_many(r, 3), -EINVAL);
	r[2].len = 0x1000;
	r[2].perms = 0x10;         /* unknown bit */
	CHECK_EQ_INT(north_protect_many(r, 3), -EINVAL);
	CHECK_EQ_INT(north_protect(0xFFFFFFFFFFFFF000ull, 0x2000, NORTH_PERM_R), -EINVAL);
	CHECK_EQ(fake_south.prot_calls, 0);
	CHECK_EQ_INT(north_protect(0x1000, 0, NORTH_PERM_R), 0);
	CHECK_EQ(fake_south.prot_calls, 0);
}

TEST(north_protect_reports_south_failure)
{
	setup();
	fake_south.fail_prot_call = 2;
	CHECK_EQ_INT(north_protect(0x1000, 1000 << 12, NORTH_PERM_R), -EIO);
	CHECK_EQ(fake_south.prot_calls, 2);
	/* The next request starts a fresh batch. */
	fake_south.fail_prot_call = 0;
	CHECK_EQ_INT(north_protect(0x1000, 1 << 12, NORTH_PERM_R), 0);
	CHECK_EQ(fake_south.prot_calls, 3);
}

TEST(north_registers_and_intercepts)
{
	struct north_reg_val v;

	setup();
	CHECK_EQ_INT(north_get_reg(1, NORTH_REG_CR4, &v), 0);
	CHECK_EQ(v.value, 0x3606f0);
	v.value = 0x1234;
	CHECK_EQ_INT(north_set_reg(1, NORTH_REG_LSTAR, &v), 0);
	CHECK_EQ(fake_south.vp[1].regs[NORTH_REG_LSTAR].value, 0x1234);
	CHECK_EQ_INT(north_get_reg(2, NORTH_REG_CR4, &v), -EINVAL); /* only 2 VPs */
	CHECK_EQ_INT(north_get_reg(0, NORTH_REG_COUNT, &v), -EINVAL);
	CHECK_EQ_INT(north_set_reg(5, NORTH_REG_CR0, &v), -EINVAL);
	CHECK_EQ_INT(north_install_intercepts(0, NORTH_ICPT(NORTH_REG_CR0), 1, 2, 3), 0);
	CHECK_EQ(fake_south.vp[0].icpt_classes, NORTH_ICPT(NORTH_REG_CR0));
	CHECK_EQ(fake_south.vp[0].cr4_mask, 2);
	CHECK_EQ_INT(north_install_intercepts(0, NORTH_ICPT(NORTH_REG_RIP), 0, 0, 0), -EINVAL);
	CHECK_EQ_INT(north_install_intercepts(3, NORTH_ICPT(NORTH_REG_CR0), 0, 0, 0), -EINVAL);
	CHECK_EQ_INT(north_inject(0, 14, true, 2), 0);
	CHECK_EQ(fake_south.vp[0].last_vector, 14);
	CHECK_EQ_INT(north_inject(0, 32, false, 0), -EINVAL);
	CHECK_STR(north_reg_name(NORTH_REG_SYSENTER_EIP), "SYSENTER_EIP");
	CHECK_STR(north_reg_name(NORTH_REG_COUNT), "?");
	CHECK_EQ(north_reg_from_msr(0xC0000082), NORTH_REG_LSTAR);
	CHECK_EQ(north_reg_from_msr(0x176), NORTH_REG_SYSENTER_EIP);
	CHECK_EQ(north_reg_from_msr(0x10), NORTH_REG_NONE);
}

TEST(north_event_decoding_and_completion)
{
	struct north_event ev = { .type = NORTH_EV_NONE };

	setup();
	fake_push_call(1, 0x1FFE4, 0x1000, 3, 0);
	fake_push_msr(0, 0xC0000082, 0xdead, 0xffffffff81000100ull, 3);
	fake_push_reg(1, NORTH_REG_CR4, 0x1000, 0xffffffff81000200ull, 3);
	fake_push_mem(0, 0x200010, NORTH_ACCESS_WRITE, 0xffffffff81000300ull);

	CHECK_EQ_INT(north_next_event(&ev), 0);
	CHECK_EQ(ev.type, NORTH_EV_VTL_CALL);
	CHECK_EQ(ev.vp, 1);
	CHECK_EQ(ev.call.id, 0x1FFE4);
	CHECK_EQ(ev.call.args[0], 0x1000);
	CHECK_EQ(ev.call.args[1], 3);
	CHECK_EQ_INT(ev.call.result, -EINVAL); /* preset answer */
	ev.call.result = 0;

	CHECK_EQ_INT(north_next_event(&ev), 0);
	CHECK_EQ(ev.type, NORTH_EV_MSR_INTERCEPT);
	CHECK_EQ(ev.msr.reg, NORTH_REG_LSTAR);
	CHECK_EQ(ev.msr.value, 0xdead);
	CHECK_EQ(ev.decision, NORTH_DECIDE_DENY_GP);
	ev.decision = NORTH_DECIDE_EMULATE;

	CHECK_EQ_INT(north_next_event(&ev), 0);
	CHECK_EQ(ev.type, NORTH_EV_REG_INTERCEPT);
	CHECK_EQ(ev.reg.reg, NORTH_REG_CR4);
	CHECK_EQ(ev.reg.value.value, 0x1000);
	/* leave DENY_GP */

	CHECK_EQ_INT(north_next_event(&ev), 0);
	CHECK_EQ(ev.type, NORTH_EV_MEM_INTERCEPT);
	CHECK_EQ(ev.mem.gpa, 0x200010);
	CHECK_EQ(ev.mem.access, NORTH_ACCESS_WRITE);
	ev.decision = NORTH_DECIDE_RETRY;

	CHECK_EQ_INT(north_next_event(&ev), -ENODATA);
	CHECK_EQ(fake_south.ndone, 4);
	CHECK_EQ_INT(fake_south.done[0].result, 0);
	CHECK_EQ(fake_south.done[1].decision, NORTH_DECIDE_EMULATE);
	CHECK_EQ(fake_south.vp[0].regs[NORTH_REG_LSTAR].value, 0xdead);
	CHECK_EQ(fake_south.vp[0].regs[NORTH_REG_RIP].value, 0xffffffff81000300ull); /* RETRY */
	CHECK_EQ(fake_south.done[2].decision, NORTH_DECIDE_DENY_GP);
	CHECK_EQ(fake_south.vp[1].gp_injected, 1);
	CHECK_EQ(fake_south.vp[1].regs[NORTH_REG_CR4].value, 0x3606f0);    /* not written */
	CHECK_EQ(fake_south.vp[1].regs[NORTH_REG_RIP].value, 0xffffffff81000200ull);
}

TEST(north_event_malformed_is_refused_not_returned)
{
	struct north_event ev = { .type = NORTH_EV_NONE }, bad = { .type = NORTH_EV_REG_INTERCEPT };

	setup();
	bad.vp = 1;
	bad.reg.reg = NORTH_REG_COUNT; /* no such register */
	fake_push_raw(&bad);
	fake_push_call(7, 1, 0, 0, 0); /* no such VP */
	fake_push_call(0, 2, 0, 0, 0);
	CHECK_EQ_INT(north_next_event(&ev), 0);
	CHECK_EQ(ev.type, NORTH_EV_VTL_CALL);
	CHECK_EQ(ev.call.id, 2);
	CHECK_EQ(fake_south.ndone, 2); /* both bad ones completed with refusals */
	CHECK_EQ(fake_south.done[0].decision, NORTH_DECIDE_DENY_GP);
	CHECK_EQ_INT(fake_south.done[1].result, -EINVAL);
}
