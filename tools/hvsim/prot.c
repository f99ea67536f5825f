// SPDX-License-Identifier: MIT
/*
 * VTL1's protection of VTL0 memory.  One byte per guest page records the mask
 * VTL1 set with ModifyVtlProtectionMask (bit 7 = "explicitly set"); pages never
 * touched follow the default mask from VsmPartitionConfig.  VTL0's NPT is kept
 * equal to this table; VTL1's NPT always maps all guest RAM RWX.
 */
#include "core/compiler.h"
#include "core/errno.h"
#include "tools/hvsim/platform.h"
#include "tools/hvsim/prot.h"
#include "tools/hvsim/npt.h"

#define PROT_SET 0x80
#define PROT_ALL HV_MAP_GPA_PERMISSIONS_MASK

int prot_init(struct hv_partition *p)
{
	uint64_t pages = p->ram_size >> 12;

	p->vtl0_prot = hv_alloc_pages((pages + 4095) / 4096);
	return p->vtl0_prot ? 0 : -ENOMEM;
}

uint8_t prot_default_mask(const struct hv_partition *p)
{
	uint64_t c = p->vsm_partition_config;

	if (!(c & HV_REGISTER_VSM_PARTITION_CONFIG_ENABLE_VTL_PROTECTION_MASK))
		return PROT_ALL;
	return (uint8_t)((c & HV_REGISTER_VSM_PARTITION_CONFIG_DEFAULT_VTL_PROTECTION_MASK_MASK) >>
			 HV_REGISTER_VSM_PARTITION_CONFIG_DEFAULT_VTL_PROTECTION_MASK_SHIFT);
}

__fastpath
uint8_t prot_get(const struct hv_partition *p, uint64_t gfn)
{
	if (gfn >= (p->ram_size >> 12))
		return 0;
	uint8_t b = p->vtl0_prot[gfn];
	return (b & PROT_SET) ? (b & 0xF) : prot_default_mask(p);
}

int prot_set(struct hv_partition *p, uint64_t gfn, uint8_t mask)
{
	if (gfn >= (p->ram_size >> 12))
		return -EINVAL;
	/* a firmware page inside RAM's range has no VTL rights (gpamap.h):
	 * refused before anything is recorded */
	int rc = npt_set_perm(p->npt[0], gfn << 12, mask);
	if (rc == 0)
		p->vtl0_prot[gfn] = PROT_SET | (mask & 0xF);
	return rc;
}

/* Re-apply the default mask to every page VTL1 never set explicitly. */
void prot_reapply_default(struct hv_partition *p)
{
	uint8_t def = prot_default_mask(p);

	for (uint64_t gfn = 0; gfn < (p->ram_size >> 12); gfn++)
		if (!(p->vtl0_prot[gfn] & PROT_SET))
			npt_set_perm(p->npt[0], gfn << 12, def);
}

__fastpath
bool vtl0_may_access(const struct hv_partition *p, uint64_t gpa, uint64_t len, bool write)
{
	uint64_t end;

	if (len == 0 || add_overflows_u64(gpa, len - 1, &end) || end >= p->ram_size)
		return false;
	for (uint64_t g = gpa & ~0xFFFull; g <= end; g += 4096) {
		uint8_t m = prot_get(p, g >> 12);
		if (!(m & HV_MAP_GPA_READABLE))
			return false;
		if (write && !(m & HV_MAP_GPA_WRITABLE))
			return false;
	}
	return true;
}
