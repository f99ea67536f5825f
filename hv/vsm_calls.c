// SPDX-License-Identifier: MIT
/*
 * The VSM hypercalls with fixed input layouts: ModifyVtlProtectionMask
 * (batched, at most one input page per rep call), EnablePartitionVtl,
 * EnableVpVtl and StartVirtualProcessor.  Portable; inputs are built in this
 * CPU's hypercall input page.
 */
#include <string.h>
#include "core/compiler.h"
#include "core/errno.h"
#include "core/log.h"
#include "hv/hv.h"

static struct hv_io_pages *input_page(const char *what)
{
	const struct hv_platform *p = hv_get_platform();
	struct hv_io_pages *io = p && p->io_pages ? p->io_pages() : NULL;

	if (!io || !io->in) {
		log_error("hv: %s without a hypercall input page on this CPU", what);
		return NULL;
	}
	return io;
}

int hv_modify_vtl_protection_mask(uint8_t target_vtl, uint32_t map_flags, const uint64_t *gpfns,
				  size_t count, size_t *done)
{
	struct hv_io_pages *io;
	size_t n_done = 0;
	int err = 0;

	if (done)
		*done = 0;
	if ((target_vtl & HV_INPUT_VTL_RESERVED_MASK) || (map_flags & HV_MAP_GPA_FLAGS_RESERVED_MASK)) {
		log_error("hv: ModifyVtlProtectionMask: reserved bits in VTL 0x%x or flags 0x%x",
			  target_vtl, map_flags);
		return -EINVAL;
	}
	if (!count)
		return 0;
	if (!gpfns)
		return -EINVAL;
	io = input_page("ModifyVtlProtectionMask");
	if (!io)
		return -ENODEV;
	while (n_done < count) {
		struct hv_input_modify_vtl_protection_mask *in = io->in;
		size_t n = count - n_done;
		unsigned int reps = 0;

		if (n > HV_MODIFY_VTL_PROTECTION_MASK_MAX_PAGES)
			n = HV_MODIFY_VTL_PROTECTION_MASK_MAX_PAGES;
		memset(in, 0, sizeof(*in));
		in->partition_id = HV_PARTITION_ID_SELF;
		in->map_flags = map_flags;
		in->target_vtl = target_vtl;
		memcpy(in->gpa_page_list, gpfns + n_done, n * sizeof(*gpfns));
		err = hv_do_rep_hypercall(HVCALL_MODIFY_VTL_PROTECTION_MASK, 0, (unsigned int)n,
					  io->in_gpa, 0, &reps);
		n_done += reps;
		if (err) {
			log_error("hv: ModifyVtlProtectionMask(flags 0x%x) failed at GPFN 0x%llx "
				  "(%zu of %zu done): %d", map_flags,
				  (unsigned long long)gpfns[n_done < count ? n_done : count - 1],
				  n_done, count, err);
			break;
		}
	}
	if (done)
		*done = n_done;
	return err;
}

int hv_enable_partition_vtl(uint8_t target_vtl, uint8_t flags)
{
	struct hv_io_pages *io = input_page("EnablePartitionVtl");
	struct hv_input_enable_partition_vtl *in;

	if (!io)
		return -ENODEV;
	if (target_vtl >= HV_NUM_VTLS || (flags & HV_ENABLE_PARTITION_VTL_FLAGS_RESERVED_MASK))
		return -EINVAL;
	in = io->in;
	memset(in, 0, sizeof(*in));
	in->partition_id = HV_PARTITION_ID_SELF;
	in->target_vtl = target_vtl;
	in->flags = flags;
	return hv_do_hypercall(HVCALL_ENABLE_PARTITION_VTL, io->in_gpa, 0);
}

/* EnableVpVtl and StartVirtualProcessor share one input layout. */
static int vp_context_call(uint16_t code, const char *what, uint32_t vp_index,
			   uint8_t target_vtl, const struct hv_initial_vp_context *ctx)
{
	struct hv_io_pages *io = input_page(what);
	struct hv_input_enable_vp_vtl *in;

	_Static_assert(sizeof(struct hv_input_enable_vp_vtl) ==
			       sizeof(struct hv_input_start_virtual_processor),
		       "EnableVpVtl and StartVirtualProcessor inputs differ");
	if (!io)
		return -ENODEV;
	if (!ctx || target_vtl >= HV_NUM_VTLS)
		return -EINVAL;
	in = io->in;
	memset(in, 0, sizeof(*in));
	in->partition_id = HV_PARTITION_ID_SELF;
	in->vp_index = vp_index;
	in->target_vtl = target_vtl;
	memcpy(&in->vp_context, ctx, sizeof(*ctx));
	return hv_do_hypercall(code, io->in_gpa, 0);
}

int hv_enable_vp_vtl(uint32_t vp_index, uint8_t target_vtl, const struct hv_initial_vp_context *ctx)
{
	return vp_context_call(HVCALL_ENABLE_VP_VTL, "EnableVpVtl", vp_index, target_vtl, ctx);
}

int hv_start_virtual_processor(uint32_t vp_index, uint8_t target_vtl,
			       const struct hv_initial_vp_context *ctx)
{
	return vp_context_call(HVCALL_START_VIRTUAL_PROCESSOR, "StartVirtualProcessor", vp_index,
			       target_vtl, ctx);
}
