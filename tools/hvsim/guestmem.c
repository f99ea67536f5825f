// SPDX-License-Identifier: MIT
/*
 * Guest memory access for hvsim.  Every guest address is bounds- and
 * wrap-checked before it becomes a host pointer; guest RAM is the only thing a
 * guest address can ever reach (hvsim's own memory is outside [ram, ram+size)).
 */
#include <string.h>

#include "core/compiler.h"
#include "core/errno.h"
#include "tools/hvsim/hvsim.h"

void *gpa_ptr(struct hv_partition *p, uint64_t gpa, uint64_t len)
{
	uint64_t end;

	if (len == 0 || add_overflows_u64(gpa, len, &end) || end > p->ram_size)
		return NULL;
	return p->ram + gpa;
}

static int read_pte(struct hv_partition *p, uint64_t table_gpa, unsigned int idx, uint64_t *pte)
{
	const uint64_t *t = gpa_ptr(p, (table_gpa & 0x000FFFFFFFFFF000ull) + idx * 8ull, 8);

	if (!t)
		return -EFAULT;
	*pte = *t;
	return 0;
}

/*
 * Walks the guest's own 4-level page tables (long mode only; with paging off
 * GVA == GPA).  Returns -EFAULT when a level is not present or the access
 * is not allowed for a write.
 */
int gva_to_gpa(struct hv_partition *p, const struct vmcb *v, uint64_t gva, bool write,
	       uint64_t *gpa)
{
	uint64_t table = v->save.cr3, pte = 0;

	if (!(v->save.cr0 & (1ull << 31))) {
		*gpa = gva;
		return 0;
	}
	if (!(v->save.efer & EFER_LMA))
		return -EOPNOTSUPP;
	for (int level = 4; level >= 1; level--) {
		unsigned int shift = 12 + 9 * (level - 1);
		if (read_pte(p, table, (gva >> shift) & 511, &pte))
			return -EFAULT;
		if (!(pte & 1))
			return -EFAULT;
		if (write && !(pte & 2) && (v->save.cr0 & (1ull << 16)))
			return -EFAULT;
		if ((level == 3 || level == 2) && (pte & 0x80)) {
			uint64_t size = 1ull << shift;
			*gpa = (pte & 0x000FFFFFFFFFF000ull & ~(size - 1)) | (gva & (size - 1));
			return 0;
		}
		table = pte;
	}
	*gpa = (pte & 0x000FFFFFFFFFF000ull) | (gva & 0xFFF);
	return 0;
}

int guest_read_virt(struct hv_partition *p, const struct vmcb *v, uint64_t gva, void *dst,
		    size_t n)
{
	uint8_t *d = dst;

	while (n) {
		uint64_t gpa;
		size_t chunk = MIN(n, 4096 - (gva & 0xFFF));
		if (gva_to_gpa(p, v, gva, false, &gpa))
			return -EFAULT;
		const void *s = gpa_ptr(p, gpa, chunk);
		if (!s)
			return -EFAULT;
		memcpy(d, s, chunk);
		d += chunk;
		gva += chunk;
		n -= chunk;
	}
	return 0;
}
