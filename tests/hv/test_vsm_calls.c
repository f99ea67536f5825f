// SPDX-License-Identifier: MIT
/* VSM hypercall wrappers: input layouts, ModifyVtlProtectionMask batching. */
#include <string.h>
#include "core/compiler.h"
#include "core/errno.h"
#include "hv/hv.h"
#include "tests/hv/fake_hv.h"
#include "tests/unit/unit.h"

static uint64_t gpfns[1200];

TEST(hv_modify_vtl_protection_mask_batches_per_page)
{
	const uint32_t flags = HV_MAP_GPA_READABLE | HV_MAP_GPA_USER_EXECUTABLE;
	const uint8_t vtl = hv_input_vtl_of(HV_VTL0);
	size_t done = 0;

	hvfake_install();
	for (unsigned int i = 0; i < ARRAY_SIZE(gpfns); i++)
		gpfns[i] = 0x100000 + i * 3;
	CHECK_EQ_INT(hv_modify_vtl_protection_mask(vtl, flags, gpfns, 1200, &done), 0);
	CHECK_EQ(done, 1200);
	/* ceil(1200 / 510) = 3 calls: 510, 510, 180 */
	CHECK_EQ(hvfake.ncalls, 3);
	CHECK_EQ(hv_hypercall_input_get_rep_count(hvfake.control[0]),
		 HV_MODIFY_VTL_PROTECTION_MASK_MAX_PAGES);
	CHECK_EQ(hv_hypercall_input_get_rep_count(hvfake.control[2]),
		 1200 - 2 * HV_MODIFY_VTL_PROTECTION_MASK_MAX_PAGES);
	CHECK_EQ(hvfake.ngpfn, 1200);
	for (unsigned int i = 0; i < 1200; i++) {
		CHECK_EQ(hvfake.gpfn[i], gpfns[i]);
		CHECK_EQ(hvfake.gpfn_flags[i], flags);
		CHECK_EQ(hvfake.gpfn_vtl[i], vtl);
	}
	hvfake_uninstall();
}

TEST(hv_modify_vtl_protection_mask_partial_and_errors)
{
	size_t done = 99;

	hvfake_install();
	hvfake.reps_per_call = 7;
	for (unsigned int i = 0; i < 600; i++)
		gpfns[i] = i;
	CHECK_EQ_INT(hv_modify_vtl_protection_mask(0, HV_MAP_GPA_READABLE, gpfns, 600, &done), 0);
	CHECK_EQ(done, 600);
	CHECK_EQ(hvfake.ngpfn, 600); /* each page exactly once despite early returns */
	for (unsigned int i = 0; i < 600; i++)
		CHECK_EQ(hvfake.gpfn[i], i);

	hvfake_install();
	hvfake.fail_at_rep = 100;
	hvfake.fail_status = HV_STATUS_ACCESS_DENIED;
	CHECK_EQ_INT(hv_modify_vtl_protection_mask(0, HV_MAP_GPA_READABLE, gpfns, 600, &done),
		     -EACCES);
	CHECK_EQ(done, 100);
	CHECK_EQ(hvfake.ncalls, 1);

	/* A failure in the second batch: done counts the first batch too. */
	hvfake_install();
	hvfake.fail_at_rep = 20; /* rep index within the failing call */
	hvfake.fail_status = HV_STATUS_INVALID_PARAMETER;
	hvfake.fail_call = 1;
	CHECK_EQ_INT(hv_modify_vtl_protection_mask(0, HV_MAP_GPA_READABLE, gpfns, 600, &done),
		     -EINVAL);
	CHECK_EQ(done, HV_MODIFY_VTL_PROTECTION_MASK_MAX_PAGES + 20);
	CHECK_EQ(hvfake.ncalls, 2);

	unsigned int before = hvfake.ncalls;

	CHECK_EQ_INT(hv_modify_vtl_protection_mask(0x20, 0, gpfns, 1, &done), -EINVAL);
	CHECK_EQ_INT(hv_modify_vtl_protection_mask(0, 0x10, gpfns, 1, &done), -EINVAL);
	CHECK_EQ_INT(hv_modify_vtl_protection_mask(0, 0, NULL, 1, &done), -EINVAL);
	CHECK_EQ_INT(hv_modify_vtl_protection_mask(0, 0, NULL, 0, &done), 0);
	CHECK_EQ(done, 0);
	CHECK_EQ(hvfake.ncalls, before);
	hvfake_uninstall();
}

TEST(hv_enable_partition_vtl_input)
{
	const struct hv_input_enable_partition_vtl *in = (const void *)hvfake.last_in;

	hvfake_install();
	CHECK_EQ_INT(hv_enable_partition_vtl(HV_VTL1, HV_ENABLE_PARTITION_VTL_FLAGS_ENABLE_MBEC_MASK),
		     0);
	CHECK_EQ(hvfake.ncalls, 1);
	CHECK_EQ(hvfake.control[0], HVCALL_ENABLE_PARTITION_VTL);
	CHECK_EQ(in->partition_id, HV_PARTITION_ID_SELF);
	CHECK_EQ(in->target_vtl, HV_VTL1);
	CHECK_EQ(in->flags, HV_ENABLE_PARTITION_VTL_FLAGS_ENABLE_MBEC_MASK);
	for (unsigned int i = 0; i < sizeof(in->rsvd_10); i++)
		CHECK_EQ(in->rsvd_10[i], 0);

	hvfake.simple_status = HV_STATUS_VTL_ALREADY_ENABLED;
	CHECK_EQ_INT(hv_enable_partition_vtl(HV_VTL1, 0), -EEXIST);
	CHECK_EQ_INT(hv_enable_partition_vtl(HV_NUM_VTLS, 0), -EINVAL);
	CHECK_EQ_INT(hv_enable_partition_vtl(HV_VTL1, 0x80), -EINVAL);
	CHECK_EQ(hvfake.ncalls, 2);
	hvfake_uninstall();
}

TEST(hv_enable_vp_vtl_and_start_vp_inputs)
{
	struct hv_initial_vp_context ctx;
	const struct hv_input_enable_vp_vtl *in = (const void *)hvfake.last_in;

	memset(&ctx, 0, sizeof(ctx));
	ctx.rip = 0xffffffff81000000ULL;
	ctx.rsp = 0x7000;
	ctx.cs.selector = 8;
	ctx.gdtr.limit = 0x1f;
	ctx.gdtr.base = 0x12340000;
	ctx.msr_cr_pat = 0x0007040600070406ULL;

	hvfake_install();
	CHECK_EQ_INT(hv_enable_vp_vtl(3, HV_VTL1, &ctx), 0);
	CHECK_EQ(hvfake.control[0], HVCALL_ENABLE_VP_VTL);
	CHECK_EQ(in->partition_id, HV_PARTITION_ID_SELF);
	CHECK_EQ(in->vp_index, 3);
	CHECK_EQ(in->target_vtl, HV_VTL1);
	CHECK_MEM(&in->vp_context, &ctx, sizeof(ctx));

	CHECK_EQ_INT(hv_start_virtual_processor(5, HV_VTL0, &ctx), 0);
	CHECK_EQ(hvfake.control[1], HVCALL_START_VIRTUAL_PROCESSOR);
	CHECK_EQ(in->vp_index, 5);
	CHECK_EQ(in->target_vtl, HV_VTL0);

	CHECK_EQ_INT(hv_enable_vp_vtl(1, HV_VTL1, NULL), -EINVAL);
	CHECK_EQ(hvfake.ncalls, 2);
	hvfake_uninstall();
}
