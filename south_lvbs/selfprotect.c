// SPDX-License-Identifier: MIT
/*
 * VTL1 protects itself before VTL0 runs again: VTL protection is switched on
 * for the partition, MBEC and the TLB lock for VTL0 on every VP, and VTL0
 * loses every access to every page of the VTL1 region — image, special pages,
 * heap, stacks, hypercall, assist and SynIC pages all come from that region.
 */
#include "core/compiler.h"
#include "core/errno.h"
#include "core/log.h"
#include "hv/hv.h"
#include "south_lvbs/lvbs.h"

static uint64_t batch[HV_MODIFY_VTL_PROTECTION_MASK_MAX_PAGES];

int lvbs_protect_self(void)
{
	uint64_t cfg = 0, start = lvbs_boot.vtl1_start >> PAGE_SHIFT;
	uint64_t end = lvbs_boot.vtl1_end >> PAGE_SHIFT, calls = 0;
	int r;

	r = hv_get_vp_register(HV_INPUT_VTL_CURRENT, HV_REGISTER_VSM_PARTITION_CONFIG, &cfg);
	if (r)
		return r;
	cfg = hv_register_vsm_partition_config_set_enable_vtl_protection(cfg, 1);
	/* VTL0 keeps full access to its own memory until the policy says otherwise. */
	cfg = hv_register_vsm_partition_config_set_default_vtl_protection_mask(
		cfg, HV_MAP_GPA_READABLE | HV_MAP_GPA_WRITABLE | HV_MAP_GPA_KERNEL_EXECUTABLE |
			     HV_MAP_GPA_USER_EXECUTABLE);
	r = hv_set_vp_register(HV_INPUT_VTL_CURRENT, HV_REGISTER_VSM_PARTITION_CONFIG, cfg);
	if (r)
		return r;

	for (uint64_t pfn = start; pfn < end;) {
		size_t n = 0, done = 0;

		while (n < ARRAY_SIZE(batch) && pfn < end)
			batch[n++] = pfn++;
		r = hv_modify_vtl_protection_mask(LVBS_PROTECTION_TARGET,
						  HV_MAP_GPA_PERMISSIONS_NONE, batch, n, &done);
		calls++;
		if (r) {
			log_error("self-protection: hiding GPFN %#lx.. from VTL0 failed: %d",
				  batch[0], r);
			return r;
		}
	}
	log_info("self-protection: VTL0 has no access to VTL1 memory %#lx-%#lx (%lu pages, %lu "
		 "hypercalls)",
		 lvbs_boot.vtl1_start, lvbs_boot.vtl1_end - 1, end - start, calls);
	return 0;
}

int lvbs_secure_config_vp(void)
{
	uint64_t v = 0;

	v = hv_register_vsm_vp_secure_vtl_config_set_mbec_enabled(v, 1);
	v = hv_register_vsm_vp_secure_vtl_config_set_tlb_locked(v, 1);
	return hv_set_vp_register(HV_INPUT_VTL_CURRENT, HV_REGISTER_VSM_VP_SECURE_CONFIG_VTL0, v);
}
