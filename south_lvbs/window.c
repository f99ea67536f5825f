// SPDX-License-Identifier: MIT
/*
 * Windows onto VTL0 memory.  VTL1 maps none of VTL0's RAM permanently: each
 * copy maps one page at a time at this CPU's window address, copies, and
 * unmaps again, so a bug elsewhere in VTL1 cannot reach VTL0 memory through
 * a stale mapping, and no two CPUs ever share a window (no TLB shootdowns).
 * Windows are never executable.
 */
#include <string.h>
#include "arch/x86_64/boot.h"
#include "arch/x86_64/mm.h"
#include "arch/x86_64/percpu.h"
#include "core/compiler.h"
#include "core/errno.h"
#include "core/log.h"
#include "south_lvbs/lvbs.h"

static uint64_t window_va(void)
{
	return WINDOWS_VBASE + (uint64_t)this_cpu_id() * 2 * PAGE_SIZE;
}


int lvbs_window_copy(uint64_t gpa, void *buf, size_t len, bool write)
{
	uint64_t va = window_va();
	uint8_t *p = buf;

	while (len) {
		uint64_t page = ALIGN_DOWN(gpa, PAGE_SIZE);
		size_t off = gpa - page, n = MIN(len, PAGE_SIZE - off);
		int r;

		if (!lvbs_vtl0_page_ok(page)) {
			log_warn("VTL0 memory access refused: GPA %#lx is not VTL0 RAM", gpa);
			return -EFAULT;
		}
		r = mm_map(va, page, PAGE_SIZE, write ? MAP_W : MAP_R);
		if (r) {
			log_error("cannot map a VTL0 window for GPA %#lx: %d", gpa, r);
			return -EFAULT;
		}
		if (write)
			memcpy((void *)(uintptr_t)(va + off), p, n);
		else
			memcpy(p, (const void *)(uintptr_t)(va + off), n);
		mm_unmap(va, PAGE_SIZE);
		gpa += n;
		p += n;
		len -= n;
	}
	return 0;
}

/*
 * The policy's answer to "may VTL1 write [gpa, gpa + len) for VTL0?": false
 * for VTL1 memory, memory VTL1 protects (read-only or immutable for VTL0,
 * kernel text) and the log ring.  Installed once the policy engine runs;
 * until then every such write is refused (fail closed).
 */
static bool (*write_policy)(uint64_t gpa, uint64_t len);

void lvbs_set_vtl0_write_policy(bool (*fn)(uint64_t gpa, uint64_t len))
{
	write_policy = fn;
}

int lvbs_vtl0_check_write(uint64_t gpa, uint64_t len)
{
	uint64_t end;

	if (len == 0)
		return 0;
	if (add_overflows_u64(gpa, len, &end) || end > lvbs_boot.ram_end)
		return -EINVAL;
	if (gpa < lvbs_boot.vtl1_end && end > lvbs_boot.vtl1_start) {
		log_warn("VTL1 write for VTL0 at [%#lx, +%#lx) refused: VTL1 memory", gpa, len);
		return -EFAULT;
	}
	if (!write_policy || !write_policy(gpa, len)) {
		log_warn("VTL1 write for VTL0 at [%#lx, +%#lx) refused: memory VTL1 protects "
			 "(or no policy yet)", gpa, len);
		return -EACCES;
	}
	return 0;
}

int lvbs_vtl0_access(uint64_t gpa, void *buf, size_t len, bool write)
{
	uint64_t end;

	if (len == 0)
		return 0;
	if (add_overflows_u64(gpa, len, &end))
		return -EINVAL;
	if (write) {
		int r = lvbs_vtl0_check_write(gpa, len);

		if (r)
			return r;
	}
	/* lvbs_window_copy refuses VTL1 pages and pages past the memory map. */
	return lvbs_window_copy(gpa, buf, len, write);
}
