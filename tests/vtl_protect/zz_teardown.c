// SPDX-License-Identifier: MIT
/*
 * Runs after the other vtl_protect tests (link order is path order): leave
 * no log sink of ours behind for the tests of other layers that follow.
 */
#include "core/log.h"
#include "tests/vtl_protect/vtlp_test.h"

TEST(vtlp_zz_teardown)
{
	vt_teardown();
	CHECK_EQ(vt_lines("anything"), 0);
}
