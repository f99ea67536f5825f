// SPDX-License-Identifier: MIT
/*
 * North API over the South contract: range checks, copy-in/out, protection
 * batching, registers, intercepts and events.
 */
#include <string.h>

#include "core/compiler.h"
#include "core/errno.h"
#include "core/log.h"
#include "north/north.h"

static struct south_range vtl1_ranges[NORTH_MAX_VTL1_RANGES];
static size_t nr_vtl1_ranges;
static bool north_ready;

int north_init(void)
{
	size_t n = south_vtl1_ranges(vtl1_ranges, ARRAY_SIZE(vtl1_ranges));

	if (n > ARRAY_SIZE(vtl1_ranges)) {
		log_error("north: South reports %zu VTL1 ranges, max %zu: raise "
			  "NORTH_MAX_VTL1_RANGES", n, ARRAY_SIZE(vtl1_ranges));
		north_ready = false;
		nr_vtl1_ranges = 0;
		return -E2BIG;
	}
	for (size_t i = 0; i < n; i++) {
		if (vtl1_ranges[i].end <= vtl1_ranges[i].start) {
			log_error("north: VTL1 range %zu [%#llx, %#llx) is empty or "
				  "inverted: fix the South's memory map", i,
				  (unsigned long long)vtl1_ranges[i].start,
				  (unsigned long long)vtl1_ranges[i].end);
			north_ready = false;
			return -EINVAL;
		}
	}
	nr_vtl1_ranges = n;
	north_ready = true;
	return 0;
}

unsigned int north_cpu_count(void)
{
	return south_cpu_count();
}

__fastpath
unsigned int north_current_cpu(void)
{
	return south_current_cpu();
}

bool north_touches_vtl1(uint64_t gpa, uint64_t len)
{
	uint64_t end;

	if (add_overflows_u64(gpa, len, &end))
		return true;
	/* Until the map is known, every address is suspect: fail closed. */
	if (!north_ready)
		return true;
	if (len == 0)
		return false;
	for (size_t i = 0; i < nr_vtl1_ranges; i++)
		if (gpa < vtl1_ranges[i].end && end > vtl1_ranges[i].start)
			return true;
	return false;
}

uint64_t north_vtl0_phys_end(void)
{
	return south_vtl0_phys_end();
}

bool north_vtl0_map_known(void)
{
	return south_vtl0_map_known();
}

int north_limit_vtl0_ram(const struct south_range *r, size_t n)
{
	int ret;

	if (n == 0 || n > SOUTH_MAX_VTL0_RAM) {
		log_error("north: %zu VTL0 RAM ranges (1..%u allowed)", n, SOUTH_MAX_VTL0_RAM);
		return -EINVAL;
	}
	for (size_t i = 0; i < n; i++) {
		if (!IS_ALIGNED(r[i].start, PAGE_SIZE) || !IS_ALIGNED(r[i].end, PAGE_SIZE) ||
		    r[i].end <= r[i].start || (i && r[i].start < r[i - 1].end)) {
			log_error("north: VTL0 RAM range %zu [%#llx, %#llx) is not page aligned, "
				  "is empty, or is not above the one before it", i,
				  (unsigned long long)r[i].start, (unsigned long long)r[i].end);
			return -EINVAL;
		}
	}
	ret = south_limit_vtl0_ram(r, n);
	if (ret)
		log_error("north: the South refused the VTL0 RAM ranges: %s", errno_name(ret));
	return ret;
}

int north_check_range(uint64_t gpa, uint64_t len)
{
	uint64_t end;

	if (add_overflows_u64(gpa, len, &end)) {
		log_warn("north: range %#llx+%#llx wraps around: refused",
			 (unsigned long long)gpa, (unsigned long long)len);
		return -EINVAL;
	}
	if (north_touches_vtl1(gpa, len)) {
		log_warn("north: range [%#llx, %#llx) overlaps VTL1 memory: refused",
			 (unsigned long long)gpa, (unsigned long long)end);
		return -EFAULT;
	}
	return 0;
}

static int copy_check(uint64_t gpa, size_t len)
{
	if (len > NORTH_COPY_MAX) {
		log_warn("north: copy of %zu bytes at %#llx exceeds %u: refused", len,
			 (unsigned long long)gpa, NORTH_COPY_MAX);
		return -E2BIG;
	}
	return north_check_range(gpa, len);
}

int north_copy_in(void *dst, uint64_t gpa, size_t len)
{
	int ret = copy_check(gpa, len);

	if (ret || len == 0)
		return ret;
	ret = south_vtl0_read(gpa, dst, len);
	return ret ? -EFAULT : 0;
}

int north_copy_out(uint64_t gpa, const void *src, size_t len)
{
	int ret = copy_check(gpa, len);

	if (ret || len == 0)
		return ret;
	ret = south_vtl0_write(gpa, src, len);
	return ret ? -EFAULT : 0;
}

uint32_t north_perm_to_prot(uint32_t perms)
{
	uint32_t p = 0;

	if (perms & NORTH_PERM_UNPROTECTED)
		return SOUTH_PROT_ALL;
	if (perms & NORTH_PERM_R)
		p |= SOUTH_PROT_R | ((perms & NORTH_PERM_NO_UX) ? 0 : SOUTH_PROT_UX);
	if (perms & NORTH_PERM_W)
		p |= SOUTH_PROT_W;
	if (perms & NORTH_PERM_X)
		p |= SOUTH_PROT_KX | SOUTH_PROT_UX;
	return p;
}

/*
 * The GPFN batch.  One static buffer (4 KiB, exactly one hypercall input
 * page's worth) shared by all CPUs under a lock: protection changes are rare
 * and must be serialised anyway so that two CPUs never interleave batches.
 */
static struct north_lock batch_lock = NORTH_LOCK_INIT;
static uint64_t batch[SOUTH_MAX_GPFNS_PER_CALL];
static size_t batch_n;
static uint32_t batch_prot;

static int batch_flush(void)
{
	int ret;

	if (batch_n == 0)
		return 0;
	ret = south_set_vtl0_protection(batch_prot, batch, batch_n);
	if (ret)
		log_error("north: South refused protection %#x for %zu pages from "
			  "GPFN %#llx: %s", batch_prot, batch_n,
			  (unsigned long long)batch[0], errno_name(ret));
	batch_n = 0;
	return ret;
}

static int batch_add(uint64_t pa, uint64_t len, uint32_t prot)
{
	int ret;

	if (batch_n && prot != batch_prot) {
		ret = batch_flush();
		if (ret)
			return ret;
	}
	batch_prot = prot;
	for (uint64_t off = 0; off < len; off += PAGE_SIZE) {
		batch[batch_n++] = (pa + off) >> PAGE_SHIFT;
		if (batch_n == SOUTH_MAX_GPFNS_PER_CALL) {
			ret = batch_flush();
			if (ret)
				return ret;
		}
	}
	return 0;
}

static int prot_range_check(const struct north_prot_range *r)
{
	if (!IS_ALIGNED(r->pa, PAGE_SIZE) || !IS_ALIGNED(r->len, PAGE_SIZE)) {
		log_warn("north: protect [%#llx, +%#llx) is not page aligned",
			 (unsigned long long)r->pa, (unsigned long long)r->len);
		return -EINVAL;
	}
	if (r->perms & ~(NORTH_PERM_R | NORTH_PERM_W | NORTH_PERM_X | NORTH_PERM_NO_UX |
			 NORTH_PERM_UNPROTECTED)) {
		log_warn("north: unknown permission bits %#x", r->perms);
		return -EINVAL;
	}
	if ((r->perms & NORTH_PERM_NO_UX) && (r->perms & (NORTH_PERM_X | NORTH_PERM_UNPROTECTED))) {
		log_warn("north: permissions %#x ask for execute and for none at once", r->perms);
		return -EINVAL;
	}
	return north_check_range(r->pa, r->len);
}

int north_protect_many(const struct north_prot_range *r, size_t n)
{
	int ret = 0;

	for (size_t i = 0; i < n; i++) {
		ret = prot_range_check(&r[i]);
		if (ret)
			return ret;
	}
	north_lock(&batch_lock);
	batch_n = 0;
	for (size_t i = 0; i < n && !ret; i++)
		ret = batch_add(r[i].pa, r[i].len, north_perm_to_prot(r[i].perms));
	if (!ret)
		ret = batch_flush();
	batch_n = 0;
	north_unlock(&batch_lock);
	return ret;
}

int north_protect(uint64_t pa, uint64_t len, uint32_t perms)
{
	struct north_prot_range r = { .pa = pa, .len = len, .perms = perms };

	return north_protect_many(&r, 1);
}

static bool vp_ok(unsigned int vp)
{
	return vp < south_cpu_count();
}

int north_get_reg(unsigned int vp, enum north_reg reg, struct north_reg_val *out)
{
	if (!vp_ok(vp) || (unsigned int)reg >= NORTH_REG_COUNT)
		return -EINVAL;
	memset(out, 0, sizeof(*out));
	return south_get_vtl0_reg(vp, reg, out);
}

int north_set_reg(unsigned int vp, enum north_reg reg, const struct north_reg_val *val)
{
	if (!vp_ok(vp) || (unsigned int)reg >= NORTH_REG_COUNT)
		return -EINVAL;
	return south_set_vtl0_reg(vp, reg, val);
}

static const char *const reg_names[NORTH_REG_COUNT] = {
	[NORTH_REG_CR0] = "CR0",
	[NORTH_REG_CR4] = "CR4",
	[NORTH_REG_EFER] = "EFER",
	[NORTH_REG_STAR] = "STAR",
	[NORTH_REG_LSTAR] = "LSTAR",
	[NORTH_REG_CSTAR] = "CSTAR",
	[NORTH_REG_SFMASK] = "SFMASK",
	[NORTH_REG_APIC_BASE] = "APIC_BASE",
	[NORTH_REG_SYSENTER_CS] = "SYSENTER_CS",
	[NORTH_REG_SYSENTER_ESP] = "SYSENTER_ESP",
	[NORTH_REG_SYSENTER_EIP] = "SYSENTER_EIP",
	[NORTH_REG_GDTR] = "GDTR",
	[NORTH_REG_IDTR] = "IDTR",
	[NORTH_REG_LDTR] = "LDTR",
	[NORTH_REG_TR] = "TR",
	[NORTH_REG_RIP] = "RIP",
	[NORTH_REG_CR3] = "CR3",
	[NORTH_REG_XCR0] = "XCR0",
	[NORTH_REG_MISC_ENABLE] = "MISC_ENABLE",
	[NORTH_REG_TSC_AUX] = "TSC_AUX",
	[NORTH_REG_SGX_LC0] = "SGXLEPUBKEYHASH0",
	[NORTH_REG_SGX_LC1] = "SGXLEPUBKEYHASH1",
	[NORTH_REG_SGX_LC2] = "SGXLEPUBKEYHASH2",
	[NORTH_REG_SGX_LC3] = "SGXLEPUBKEYHASH3",
};

__fastpath
const char *north_reg_name(enum north_reg reg)
{
	if ((unsigned int)reg >= NORTH_REG_COUNT)
		return "?";
	return reg_names[reg];
}

enum north_reg north_reg_from_msr(uint32_t msr)
{
	switch (msr) {
	case 0xC0000080: return NORTH_REG_EFER;
	case 0xC0000081: return NORTH_REG_STAR;
	case 0xC0000082: return NORTH_REG_LSTAR;
	case 0xC0000083: return NORTH_REG_CSTAR;
	case 0xC0000084: return NORTH_REG_SFMASK;
	case 0x0000001B: return NORTH_REG_APIC_BASE;
	case 0x00000174: return NORTH_REG_SYSENTER_CS;
	case 0x00000175: return NORTH_REG_SYSENTER_ESP;
	case 0x00000176: return NORTH_REG_SYSENTER_EIP;
	case 0x000001A0: return NORTH_REG_MISC_ENABLE;
	case 0xC0000103: return NORTH_REG_TSC_AUX;
	case 0x0000008C: return NORTH_REG_SGX_LC0;
	case 0x0000008D: return NORTH_REG_SGX_LC1;
	case 0x0000008E: return NORTH_REG_SGX_LC2;
	case 0x0000008F: return NORTH_REG_SGX_LC3;
	default: return NORTH_REG_NONE;
	}
}

int north_install_intercepts(unsigned int vp, uint64_t classes, uint64_t cr0_mask,
			     uint64_t cr4_mask, uint64_t misc_enable_mask)
{
	if (!vp_ok(vp) || (classes & ~(uint64_t)NORTH_ICPT_SUPPORTED))
		return -EINVAL;
	return south_install_intercepts(vp, classes, cr0_mask, cr4_mask, misc_enable_mask);
}

int north_inject(unsigned int vp, uint8_t vector, bool has_error_code, uint32_t error_code)
{
	if (!vp_ok(vp) || vector > 31)
		return -EINVAL;
	return south_inject_exception(vp, vector, has_error_code, error_code);
}

/* True when the South handed over something the North layer can use. */
static bool event_sane(struct north_event *ev)
{
	if (!vp_ok(ev->vp))
		return false;
	switch (ev->type) {
	case NORTH_EV_VTL_CALL:
		return true;
	case NORTH_EV_MEM_INTERCEPT:
		return (unsigned int)ev->mem.access <= NORTH_ACCESS_EXEC;
	case NORTH_EV_REG_INTERCEPT:
		return (unsigned int)ev->reg.reg < NORTH_REG_COUNT;
	case NORTH_EV_MSR_INTERCEPT:
		ev->msr.reg = north_reg_from_msr(ev->msr.msr);
		return true;
	default:
		return false;
	}
}

__fastpath
int north_next_event(struct north_event *ev)
{
	for (;;) {
		int ret = south_next_event(ev);

		if (ret)
			return ret;
		if (event_sane(ev))
			return 0;
		/*
		 * A South bug, not VTL0's doing; refuse whatever it was (the
		 * preset answers are -EINVAL / #GP) and keep serving.
		 */
		log_error("north: South delivered a malformed event (type %d, vp %u): "
			  "refused", (int)ev->type, ev->vp);
		if (ev->type != NORTH_EV_VTL_CALL && ev->type != NORTH_EV_MEM_INTERCEPT &&
		    ev->type != NORTH_EV_REG_INTERCEPT && ev->type != NORTH_EV_MSR_INTERCEPT)
			ev->type = NORTH_EV_NONE;
		ev->decision = NORTH_DECIDE_DENY_GP;
		if (ev->type == NORTH_EV_VTL_CALL)
			ev->call.result = -EINVAL;
	}
}

int north_enable_aps_vtl(uint64_t a0, uint64_t a1, uint64_t a2)
{
	return south_enable_aps_vtl(a0, a1, a2);
}

int north_boot_aps(uint64_t a0, uint64_t a1, uint64_t a2)
{
	return south_boot_aps(a0, a1, a2);
}

__fastpath
uint64_t north_now(void)
{
	return south_now();
}

__fastpath
uint64_t north_ticks_per_sec(void)
{
	uint64_t t = south_ticks_per_sec();

	return t ? t : 1;
}
