// SPDX-License-Identifier: MIT
/*
 * Engine entry points: initialisation, the VSM-call dispatcher, the event
 * loop, end of boot and PROTECT_MEMORY.
 */
#include <bearssl.h>
#include <string.h>

#include "core/fmt.h"
#include "core/kmalloc.h"
#include "vtl_protect/internal.h"
#include "vtl_protect/modval_hooks.h"

__fastdata struct vtlp_state vtlp;
static const struct vtlp_modval_hooks *modval;

void vtlp_register_modval(const struct vtlp_modval_hooks *hooks)
{
	__atomic_store_n(&modval, hooks, __ATOMIC_RELEASE);
}

/*
 * Per-VP state for the n VPs the boot information names, from the VTL1
 * heap.  vtlp_init() runs once per boot (host tests reset the heap before
 * each run, so nothing is freed).  VTLP_MAX_VPS is the hard ceiling.
 */
static int vp_alloc(unsigned int n)
{
	if (n == 0 || n > VTLP_MAX_VPS) {
		log_error("vtlp: the partition has %u VPs; vtlguard serves 1..%u", n,
			  VTLP_MAX_VPS);
		return -E2BIG;
	}
	vtlp.vp = kzalloc((size_t)n * sizeof(*vtlp.vp));
	if (!vtlp.vp) {
		log_error("vtlp: no VTL1 memory for the state of %u VPs (%zu bytes)", n,
			  (size_t)n * sizeof(*vtlp.vp));
		return -ENOMEM;
	}
	vtlp.nvps = n;
	return 0;
}

int vtlp_init(const void *policy_fdt, size_t policy_len)
{
	struct vtlp_policy pol;
	int ret;

	ret = vtlp_policy_parse(policy_fdt, policy_len, &pol);
	if (ret) {
		log_error("vtlp: the policy is invalid (see above): vtlguard refuses "
			  "to start; fix the policy or boot without one for the default");
		return ret;
	}
	memset(&vtlp, 0, sizeof(vtlp));
	return vtlp_start(&pol, policy_fdt, policy_len);
}

int vtlp_start(const struct vtlp_policy *pol, const void *policy_fdt, size_t policy_len)
{
	const void *blob = policy_fdt;
	size_t len = policy_len;
	int ret;

	if (!blob)
		blob = vtlp_policy_default_blob(&len);
	vtlp.policy = *pol;
	vtlp_prot_reset();
	vtlp_violation_reset();
	vtlp_kdata_reset();
	vtlp_patch_reset();
	vtlp_ring_reset();
	vtlp_measure_reset();
	ret = north_init();
	if (ret) {
		log_error("vtlp: the VTL1 memory map is unusable: %s", errno_name(ret));
		return ret;
	}
	ret = vp_alloc(north_cpu_count());
	if (ret)
		return ret;
	if (pol->n_vtl0_ram) {
		ret = north_limit_vtl0_ram(pol->vtl0_ram, pol->n_vtl0_ram);
		if (ret) {
			log_error("vtlp: the policy's vtl0-ram cannot be applied: vtlguard refuses "
				  "to start; fix vtl0-ram (docs/policy.md)");
			return ret;
		}
	}
	vtlp_measure(VTLP_MEASURE_POLICY, policy_fdt ? 1 : 0, len, blob, len);
	vtlp.initialised = true;
	log_info("vtlp: policy engine ready (%s policy, %u CPUs)",
		 policy_fdt ? "loader" : "built-in", north_cpu_count());
	return 0;
}

__fastpath
bool vtlp_end_of_boot_done(void)
{
	return __atomic_load_n(&vtlp.end_of_boot, __ATOMIC_ACQUIRE);
}

/* Largest len (a multiple of pages, <= max) with [p, p + len) clear of VTL1. */
static uint64_t clear_run(uint64_t p, uint64_t max)
{
	uint64_t len = PAGE_SIZE, step = PAGE_SIZE;

	/* Gallop, then bisect; len <= max throughout, so max - len never wraps
	 * and step stops doubling before it could overflow (a range of 2^63
	 * bytes once made step 0 and this loop endless: found by fuzz-chain). */
	while (step <= max - len && !north_touches_vtl1(p, len + step)) {
		len += step;
		if (step > UINT64_MAX / 4)
			break;
		step *= 2;
	}
	while (step > PAGE_SIZE) {
		step /= 2;
		if (step <= max - len && !north_touches_vtl1(p, len + step))
			len += step;
	}
	return len;
}

/*
 * Real LVBS sends every page of its direct map, and VTL1's region lies in
 * it (V3/V4 write the region through phys_to_virt): a real kernel's
 * PROTECT_MEMORY covers VTL1's own pages.  Those pages are VTL1's already
 * and VTL1 never changes them for VTL0, so they are cut out of the kernel's
 * ranges (page granular; logged once with a count) instead of failing the
 * call and leaving the whole kernel unprotected.  Malformed ranges pass
 * through unchanged for vtlp_prot_apply() to refuse.  *out: heap, kfree().
 */
static int clip_vtl1(const struct vtlp_range *in, size_t n, struct vtlp_range **out,
		     size_t *nout)
{
	struct vtlp_range *o;
	void *mem;
	size_t k = 0, nclipped = 0;
	uint64_t pages = 0;
	int ret;

	/* A VTL1 range inside a kernel range splits it once: n + that many. */
	ret = vtlp_table_alloc(&mem, n + NORTH_MAX_VTL1_RANGES, sizeof(*o), "range chain copy");
	if (ret)
		return ret;
	o = mem;
	for (size_t i = 0; i < n; i++) {
		const struct vtlp_range *r = &in[i];
		uint64_t p = r->pa;

		if (!IS_ALIGNED(r->pa, PAGE_SIZE) || !IS_ALIGNED(r->epa, PAGE_SIZE) ||
		    r->epa <= r->pa || !north_touches_vtl1(r->pa, r->epa - r->pa) ||
		    k == n + NORTH_MAX_VTL1_RANGES) {
			if (k == n + NORTH_MAX_VTL1_RANGES) {
				kfree(o);
				return -E2BIG; /* cannot happen: VTL1 has that many ranges */
			}
			o[k++] = *r;
			continue;
		}
		nclipped++;
		while (p < r->epa) {
			if (north_touches_vtl1(p, PAGE_SIZE)) {
				p += PAGE_SIZE;
				pages++;
				continue;
			}
			if (k == n + NORTH_MAX_VTL1_RANGES) {
				kfree(o);
				return -E2BIG;
			}
			o[k] = *r;
			o[k].pa = p;
			o[k].epa = p + clear_run(p, r->epa - p);
			p = o[k++].epa;
		}
	}
	if (nclipped)
		log_warn("vtlp: PROTECT_MEMORY: %zu range(s) cover VTL1's own memory; its %llu "
			 "page(s) were left out (VTL1 keeps them)", nclipped,
			 (unsigned long long)pages);
	*out = o;
	*nout = k;
	return 0;
}

int64_t vtlp_protect_memory(uint64_t pa, uint64_t nranges)
{
	struct vtlp_range *ranges, *clipped;
	br_sha256_context ctx;
	uint8_t digest[32];
	size_t n;
	int ret;

	ret = vtlp_pm_format(pa, nranges);
	if (ret < 0)
		return ret;
	ret = ret == VTLP_PM_FLAT ? vtlp_read_flat(pa, nranges, &ranges) :
				    vtlp_read_chain(pa, nranges, &ranges);
	if (ret)
		return ret;
	/* The measurement is of the ranges as VTL0 sent them, taken now so
	 * the copy is freed before the protection table's work arrays exist. */
	br_sha256_init(&ctx);
	br_sha256_update(&ctx, ranges, (size_t)nranges * sizeof(ranges[0]));
	br_sha256_out(&ctx, digest);
	ret = clip_vtl1(ranges, (size_t)nranges, &clipped, &n);
	kfree(ranges);
	if (ret)
		return ret;
	ret = vtlp_prot_apply(clipped, n, VTLP_OWNER_KERNEL, false);
	kfree(clipped);
	if (ret && ret != -EACCES)
		return ret;
	/* -EACCES: the ranges policy refused were skipped, the rest applied. */
	vtlp_measure_digest(VTLP_MEASURE_PROTECT, nranges, ret ? 1 : 0, digest);
	log_info("vtlp: PROTECT_MEMORY applied %llu ranges%s", (unsigned long long)nranges,
		 ret ? " except those refused above" : "");
	return ret;
}

int vtlp_protect_range(uint64_t pa, uint64_t epa, uint32_t attr, const char *why)
{
	struct vtlp_range r = { .va = 0, .pa = pa, .epa = epa, .attr = attr };
	int ret;

	north_lock(&vtlp.lock);
	ret = vtlp_prot_apply(&r, 1, VTLP_OWNER_MODULE, false);
	north_unlock(&vtlp.lock);
	if (ret)
		log_warn("vtlp: protecting [%#llx, %#llx) attr %#x for %s failed: %s",
			 (unsigned long long)pa, (unsigned long long)epa, attr,
			 why ? why : "?", errno_name(ret));
	return ret;
}

int vtlp_protection_of(uint64_t gpa, uint32_t *attr)
{
	const struct vtlp_prot *p;
	int ret = -ENOENT;

	north_lock(&vtlp.lock);
	p = vtlp_prot_find(gpa);
	if (p) {
		*attr = p->attr;
		ret = 0;
	}
	north_unlock(&vtlp.lock);
	return ret;
}

bool vtlp_claimable_page(uint64_t gpa)
{
	const struct vtlp_prot *p;
	bool ok;

	north_lock(&vtlp.lock);
	p = vtlp_prot_find(gpa);
	ok = !p || p->attr == (HEKI_ATTR_MEM_R | HEKI_ATTR_MEM_W) ||
	     p->owner == VTLP_OWNER_AUDIT_RW;
	north_unlock(&vtlp.lock);
	return ok;
}

bool vtlp_may_write_for_vtl0(uint64_t gpa, uint64_t len)
{
	uint64_t end;

	if (add_overflows_u64(gpa, len, &end) || north_touches_vtl1(gpa, len))
		return false;
	if (vtlp_ring_contains(gpa, len))
		return false;
	for (size_t i = 0; i < vtlp.nprots; i++) {
		const struct vtlp_prot *p = &vtlp.prots[i];

		if (gpa < p->end && end > p->start &&
		    (!(p->attr & HEKI_ATTR_MEM_W) || (p->attr & HEKI_ATTR_MEM_IMMUTABLE)))
			return false;
	}
	return true;
}

bool vtlp_vtl0_write_allowed(uint64_t gpa, uint64_t len)
{
	bool ok;

	north_lock(&vtlp.lock);
	ok = vtlp_may_write_for_vtl0(gpa, len);
	north_unlock(&vtlp.lock);
	return ok;
}

/* ENABLE_APS_VTL and BOOT_APS belong to boot: closed after end of boot. */
static bool ap_calls_closed(uint64_t id)
{
	bool closed;

	north_lock(&vtlp.lock);
	closed = vtlp.end_of_boot;
	north_unlock(&vtlp.lock);
	if (closed)
		log_warn("vtlp: %s after end of boot: refused",
			 id == VSM_VTL_CALL_FUNC_ID_BOOT_APS ? "BOOT_APS" : "ENABLE_APS_VTL");
	return closed;
}

static int64_t end_of_boot(unsigned int vp)
{
	unsigned int n = north_cpu_count();

	if (vtlp.end_of_boot)
		return 0;
	for (unsigned int i = 0; i < n && i < vtlp.nvps; i++)
		if (!vtlp.vp[i].locked)
			log_warn("vtlp: end of boot: VP %u never called LOCK_REGS; %s", i,
				 vtlp.have_boot_pins ?
					 "it is pinned from the boot snapshot when it next enters VTL1" :
					 "no VP did, so nothing is pinned");
	__atomic_store_n(&vtlp.end_of_boot, true, __ATOMIC_RELEASE);
	vtlp_measure(VTLP_MEASURE_END_OF_BOOT, vp, 0, NULL, 0);
	log_info("vtlp: end of boot signalled on VP %u: LOCK_REGS, PROTECT_MEMORY and "
		 "LOAD_KDATA are closed", vp);
	return 0;
}

static int64_t call_hook(unsigned int vp, uint64_t id, uint64_t a0, uint64_t a1, uint64_t a2)
{
	const struct vtlp_modval_hooks *h = __atomic_load_n(&modval, __ATOMIC_ACQUIRE);

	switch (id) {
	case VSM_VTL_CALL_FUNC_ID_VALIDATE_MODULE:
		if (h && h->validate_module)
			return h->validate_module(vp, a0, a1, a2);
		break;
	case VSM_VTL_CALL_FUNC_ID_FREE_MODULE_INIT:
		if (h && h->free_module_init)
			return h->free_module_init(vp, a0);
		break;
	case VSM_VTL_CALL_FUNC_ID_UNLOAD_MODULE:
		if (h && h->unload_module)
			return h->unload_module(vp, a0);
		break;
	case VSM_VTL_CALL_FUNC_ID_COPY_SECONDARY_KEY:
		if (h && h->copy_secondary_key)
			return h->copy_secondary_key(vp, a0, a1);
		break;
	case VSM_VTL_CALL_FUNC_ID_KEXEC_VALIDATE:
		if (h && h->kexec_validate)
			return h->kexec_validate(vp, a0, a1, a2);
		break;
	default:
		break;
	}
	log_info("vtlp: VTL call %#llx is not built into this vtlguard: -EOPNOTSUPP",
		 (unsigned long long)id);
	return -EOPNOTSUPP;
}

/* Calls that are closed after SIGNAL_END_OF_BOOT. */
static bool boot_only(uint64_t id)
{
	return id == VSM_VTL_CALL_FUNC_ID_LOCK_REGS || id == VSM_VTL_CALL_FUNC_ID_PROTECT_MEMORY ||
	       id == VSM_VTL_CALL_FUNC_ID_LOAD_KDATA;
}

static const char *call_name(uint64_t id)
{
	static const char *const names[] = {
		"ENABLE_APS_VTL", "BOOT_APS", "LOCK_REGS", "SIGNAL_END_OF_BOOT",
		"PROTECT_MEMORY", "LOAD_KDATA", "VALIDATE_MODULE", "FREE_MODULE_INIT",
		"UNLOAD_MODULE", "COPY_SECONDARY_KEY", "KEXEC_VALIDATE", "PATCH_TEXT",
		"ALLOCATE_RINGBUFFER_MEMORY",
	};

	if (id >= VSM_VTL_CALL_FUNC_ID_ENABLE_APS_VTL &&
	    id <= VSM_VTL_CALL_FUNC_ID_ALLOCATE_RINGBUFFER_MEMORY)
		return names[id - VSM_VTL_CALL_FUNC_ID_ENABLE_APS_VTL];
	if (id == VTLGUARD_CALL_GET_MEASUREMENTS)
		return "GET_MEASUREMENTS";
	if (id == VTLGUARD_CALL_GET_VIOLATIONS)
		return "GET_VIOLATIONS";
	return "unknown";
}

static int64_t dispatch_locked(unsigned int vp, uint64_t id, uint64_t a0, uint64_t a1)
{
	if (boot_only(id) && vtlp.end_of_boot) {
		log_warn("vtlp: %s after end of boot (VP %u): -EPERM", call_name(id), vp);
		return -EPERM;
	}
	switch (id) {
	case VSM_VTL_CALL_FUNC_ID_LOCK_REGS:
		return vtlp_lock_regs(vp);
	case VSM_VTL_CALL_FUNC_ID_SIGNAL_END_OF_BOOT:
		return end_of_boot(vp);
	case VSM_VTL_CALL_FUNC_ID_PROTECT_MEMORY:
		return vtlp_protect_memory(a0, a1);
	case VSM_VTL_CALL_FUNC_ID_LOAD_KDATA:
		return vtlp_load_kdata(a0, a1);
	case VSM_VTL_CALL_FUNC_ID_PATCH_TEXT:
		return vtlp_patch_text(a0, a1);
	case VSM_VTL_CALL_FUNC_ID_ALLOCATE_RINGBUFFER_MEMORY:
		return vtlp_ring_alloc(a0, a1);
	case VTLGUARD_CALL_GET_MEASUREMENTS:
		return vtlp_get_measurements(a0, a1);
	case VTLGUARD_CALL_GET_VIOLATIONS:
		return vtlp_get_violations(a0, a1);
	default:
		return -EINVAL;
	}
}

__fastpath
int64_t vtlp_vtl_call(unsigned int vp, uint64_t id, uint64_t a0, uint64_t a1, uint64_t a2)
{
	int64_t ret = vtlp_vp_entered(vp);
	bool refused = ret != 0;

	/* A VP that came after end of boot and cannot be pinned is not served. */
	if (refused)
		log_warn("vtlp: VP %u is not pinned (it came after end of boot): call %s refused",
			 vp, call_name(id));
	else switch (id) {
	case VSM_VTL_CALL_FUNC_ID_ENABLE_APS_VTL:
		ret = ap_calls_closed(id) ? -EPERM : north_enable_aps_vtl(a0, a1, a2);
		break;
	case VSM_VTL_CALL_FUNC_ID_BOOT_APS:
		ret = ap_calls_closed(id) ? -EPERM : north_boot_aps(a0, a1, a2);
		break;
	case VSM_VTL_CALL_FUNC_ID_VALIDATE_MODULE:
	case VSM_VTL_CALL_FUNC_ID_FREE_MODULE_INIT:
	case VSM_VTL_CALL_FUNC_ID_UNLOAD_MODULE:
	case VSM_VTL_CALL_FUNC_ID_COPY_SECONDARY_KEY:
	case VSM_VTL_CALL_FUNC_ID_KEXEC_VALIDATE:
		ret = call_hook(vp, id, a0, a1, a2);
		break;
	case VSM_VTL_CALL_FUNC_ID_LOCK_REGS:
	case VSM_VTL_CALL_FUNC_ID_SIGNAL_END_OF_BOOT:
	case VSM_VTL_CALL_FUNC_ID_PROTECT_MEMORY:
	case VSM_VTL_CALL_FUNC_ID_LOAD_KDATA:
	case VSM_VTL_CALL_FUNC_ID_PATCH_TEXT:
	case VSM_VTL_CALL_FUNC_ID_ALLOCATE_RINGBUFFER_MEMORY:
	case VTLGUARD_CALL_GET_MEASUREMENTS:
	case VTLGUARD_CALL_GET_VIOLATIONS:
		north_lock(&vtlp.lock);
		ret = dispatch_locked(vp, id, a0, a1);
		north_unlock(&vtlp.lock);
		break;
#ifdef VTLGUARD_TEST_CALLS
	case VTLGUARD_CALL_TEST_NOP:
		ret = 0; /* test image only (vtlp.h): times the dispatch itself */
		break;
#endif
	default:
		log_warn("vtlp: unknown VTL call id %#llx from VP %u: -EINVAL",
			 (unsigned long long)id, vp);
		ret = -EINVAL;
		break;
	}
	/* GET_VIOLATIONS flag 1: also log the totals line, so a test runner can
	 * compare VTL1's own count with what its VTL0 side expected. */
	if (id == VTLGUARD_CALL_GET_VIOLATIONS && ret >= 0 && (a2 & 1))
		vtlp_log_summary();
	/* Every refused request is a bad-call record (unbuilt ones are not). */
	if (ret < 0 && ret != -EOPNOTSUPP) {
		struct vtlp_violation v = {
			.cls = VTLP_CLASS_BAD_CALL, .vp = vp, .addr = id,
			.attempted = a0, .expected = (uint64_t)-ret, .denied = true,
		};

		struct north_reg_val rip;

		if (north_get_reg(vp, NORTH_REG_RIP, &rip) == 0)
			v.rip = rip.value;
		snprintk(v.rule, sizeof(v.rule), "%s:%s", refused ? "late-VP-unpinned" : call_name(id),
			 errno_name((int)ret));
		vtlp_violation(&v);
	}
	return ret;
}

__fastpath
void vtlp_handle_event(struct north_event *ev)
{
	/* Calls do this in vtlp_vtl_call; an intercept may be a late VP's
	 * first entry too (it is judged as usual either way). */
	if (ev->type != NORTH_EV_VTL_CALL)
		(void)vtlp_vp_entered(ev->vp);
	switch (ev->type) {
	case NORTH_EV_VTL_CALL:
		ev->call.result = vtlp_vtl_call(ev->vp, ev->call.id, ev->call.args[0],
						ev->call.args[1], ev->call.args[2]);
		break;
	case NORTH_EV_MEM_INTERCEPT:
		vtlp_mem_intercept(ev);
		break;
	case NORTH_EV_REG_INTERCEPT:
		vtlp_reg_intercept(ev);
		break;
	case NORTH_EV_MSR_INTERCEPT:
		vtlp_msr_intercept(ev);
		break;
	default:
		ev->decision = NORTH_DECIDE_DENY_GP;
		break;
	}
}

__fastpath
int vtlp_serve(void)
{
	struct north_event ev;

	memset(&ev, 0, sizeof(ev));
	ev.type = NORTH_EV_NONE;
	/* The first north_next_event() returns to VTL0 on this CPU: a VP that
	 * shows up after end of boot must be pinned before that. */
	(void)vtlp_vp_entered(north_current_cpu());
	for (;;) {
		int ret = north_next_event(&ev);

		if (ret)
			return ret;
		vtlp_handle_event(&ev);
	}
}
