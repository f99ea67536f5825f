// SPDX-License-Identifier: MIT
/*
 * Guest memory access for hvsim.  Every guest address is bounds- and
 * wrap-checked before it becomes a host pointer; guest RAM is the only thing a
 * guest address can ever reach (hvsim's own memory is outside [ram, ram+size)).
 *
 * gpa_access() is the one path for every access hvsim makes at a GPA a guest
 * chose (overlay pages, hypercall parameter pages, VP assist fields, SynIC
 * messages, guest page-table walks): it also holds the VTL the access is made
 * for to VTL1's protections, so hvsim never reads or writes on a VTL's behalf
 * what that VTL itself could not.  gpa_ptr() is only for addresses hvsim
 * itself chose (boot info, loading the images) and for that check.
 */
#include <string.h>

#include "core/compiler.h"
#include "core/errno.h"
#include "tools/hvsim/gpamap.h"
#include "tools/hvsim/guestmem.h"
#include "tools/hvsim/log.h"
#include "tools/hvsim/prot.h"

void *gpa_ptr(struct hv_partition *p, uint64_t gpa, uint64_t len)
{
	/* RAM only, per the one GPA map: never an MMIO window (gpamap.h) */
	if (gpamap_kind(p->ram_size, false, gpa, len) != GPA_RAM)
		return NULL;
	return p->ram + gpa;
}

/* Counts one more refusal of a kind (the caller's counter); true when it
 * should be logged.  A guest can ask for refusals in a loop (the
 * conformance fuzz does): the first 32 of each kind are logged, then every
 * power of two, each line with its number. */
bool hv_refusal_log_due(unsigned long *count)
{
	++*count;
	return *count <= 32 || !(*count & (*count - 1));
}

/*
 * Returns the host pointer for [gpa, gpa+len) when it is guest RAM and the
 * given VTL may make this access itself (VTL0: VTL1's mask for every page
 * touched; VTL1: all RAM), else NULL with a log line naming what was refused.
 * "what" names the access in that line; NULL keeps it quiet, for callers that
 * report the refusal in their own answer (a page walk's result code, the
 * instruction-fetch retry in exit.c).  The check is made at the moment of the
 * access: a page VTL1 protects after an overlay was enabled is never written
 * through the overlay.
 */
__fastpath
void *gpa_access(struct hv_partition *p, int vtl, uint64_t gpa, uint64_t len, bool write,
		 const char *what)
{
	void *ptr = gpa_ptr(p, gpa, len);
	const char *why = NULL;

	if (!ptr)
		why = "not guest RAM (no MMIO is modelled)";
	else if (p->linux && gpamap_kind(p->ram_size, true, gpa, len) != GPA_RAM)
		why = "a firmware window (read-only, VTL0's view only; gpamap.h)";
	else if (vtl == 0 && !vtl0_may_access(p, gpa, len, write))
		why = write ? "VTL1's protection does not let VTL0 write it" :
			      "VTL1's protection does not let VTL0 read it";
	if (!why)
		return ptr;
	static unsigned long nr;
	if (what && hv_refusal_log_due(&nr))
		hv_log("refused: %s %s for VTL%d at GPA %#llx (+%#llx): %s (mask %#x; refusal #%lu)",
		       what, write ? "write" : "read", vtl, (unsigned long long)gpa,
		       (unsigned long long)len, why, ptr ? prot_get(p, gpa >> 12) : 0u, nr);
	return NULL;
}

/* Page-table reads obey the walking VTL's read permission: a VTL0 table
 * whose entry points into VTL1 memory must not turn VTL1's bytes into a
 * translation result (-EACCES), a table outside RAM is -ERANGE. */
static int read_pte(struct hv_partition *p, int vtl, uint64_t table_gpa, unsigned int idx,
		    uint64_t *pte)
{
	uint64_t gpa = (table_gpa & 0x000FFFFFFFFFF000ull) + idx * 8ull;
	const uint64_t *t = gpa_access(p, vtl, gpa, 8, false, NULL);

	if (!t)
		return gpa_ptr(p, gpa, 8) ? -EACCES : -ERANGE;
	*pte = *t;
	return 0;
}

/*
 * Walks the page tables of VTL vtl (long mode only; with paging off
 * GVA == GPA).  Returns -EFAULT when a level is not present or the access
 * is not allowed for a write, -EACCES when a table page is one the VTL may
 * not read, -ERANGE when a table is outside guest RAM.
 */
__fastpath
int gva_to_gpa(struct hv_partition *p, int vtl, const struct vmcb *v, uint64_t gva, bool write,
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
		int rc = read_pte(p, vtl, table, (gva >> shift) & 511, &pte);
		if (rc)
			return rc;
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

/* Reads guest-virtual memory of VTL vtl with that VTL's rights (tables and
 * data): what the guest could not read itself, hvsim does not read for it. */
__fastpath
int guest_read_virt(struct hv_partition *p, int vtl, const struct vmcb *v, uint64_t gva,
		    void *dst, size_t n)
{
	uint8_t *d = dst;

	while (n) {
		uint64_t gpa;
		size_t chunk = MIN(n, 4096 - (gva & 0xFFF));
		if (gva_to_gpa(p, vtl, v, gva, false, &gpa))
			return -EFAULT;
		const void *s = gpa_access(p, vtl, gpa, chunk, false, NULL);
		if (!s)
			return -EFAULT;
		memcpy(d, s, chunk);
		d += chunk;
		gva += chunk;
		n -= chunk;
	}
	return 0;
}
