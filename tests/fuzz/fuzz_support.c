// SPDX-License-Identifier: MIT
/* Shared harness support: see fuzz.h. */
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/compiler.h"
#include "core/errno.h"
#include "core/log.h"
#include "tests/fuzz/fuzz.h"
#include "vtl_protect/internal.h"
#include "vtl_protect/modval/trust.h"
#include "vtl_protect/modval_hooks.h"

#ifdef FZ_HAVE_HOOKS
#include "core/kmalloc.h"
#include "core/page_alloc.h"
#include "vtl_protect/modval/hooks.h"
#endif

#define RAM_PAGES (FAKE_RAM_SIZE >> PAGE_SHIFT)

unsigned long fz_prot_calls, fz_prot_pages, fz_vtl0_writes;
bool fz_want_hooks;

static struct fake_south pristine;
static bool have_pristine;
static uint8_t dirty[RAM_PAGES];
static uint32_t dirty_list[RAM_PAGES];
static size_t ndirty;
/* Pages whose permission the engine changed since the last reset. */
static uint8_t perm_dirty[RAM_PAGES];
static uint32_t perm_dirty_list[RAM_PAGES];
static size_t nperm_dirty;
static unsigned long map_checks;
static const char *step = "setup";
static bool step_patch;

/*
 * FUZZ_SELFTEST=wx|vtl1|errno|write makes the interposers misbehave on
 * purpose (grant W+X, name a VTL1 page, turn a result into -200, write into
 * protected memory) so tests/fuzz/run.sh can show each invariant fires.
 */
static const char *selftest = "";

bool fz_selftest(const char *what)
{
	return strcmp(selftest, what) == 0;
}

/* The core freestanding libc reports fortify failures here (host build). */
void libc_fortify_fail(const char *what)
{
	fz_fail("fortify failure in %s", what);
}

void fz_fail(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "\nFUZZ INVARIANT BROKEN (step %s): ", step);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\n");
	abort();
}

/* FUZZ_LOG=1 shows the engine's log lines (slow; for reproducing). */
static void stderr_sink(enum log_level lvl, const char *line, size_t len)
{
	(void)lvl;
	fprintf(stderr, "%.*s\n", (int)len, line);
}

static void mark_dirty(uint64_t gpa, size_t len)
{
	uint64_t end = gpa + len;

	if (len == 0 || gpa >= FAKE_RAM_SIZE)
		return;
	if (end > FAKE_RAM_SIZE || end < gpa)
		end = FAKE_RAM_SIZE;
	for (uint64_t p = gpa >> PAGE_SHIFT; p <= (end - 1) >> PAGE_SHIFT; p++) {
		if (!dirty[p])
			dirty_list[ndirty++] = (uint32_t)p;
		dirty[p] = 1;
	}
}

void fz_south_reset(void)
{
	uint8_t *ram;

	if (!have_pristine) {
		fake_reset();
		for (uint64_t p = 0; p < RAM_PAGES; p++)
			fake_south.perms[p] = (p << PAGE_SHIFT) >= FAKE_VTL1_START &&
						      (p << PAGE_SHIFT) < FAKE_VTL1_END ?
					      FZ_PERM_VTL1 : FZ_PERM_UNTOUCHED;
		pristine = fake_south;
		have_pristine = true;
		if (getenv("FUZZ_LOG"))
			log_add_sink(stderr_sink);
		if (getenv("FUZZ_SELFTEST"))
			selftest = getenv("FUZZ_SELFTEST");
	}
	ram = fake_south.ram;
	fake_south = pristine;
	fake_south.ram = ram;
	for (size_t i = 0; i < ndirty; i++) {
		memset(ram + ((uint64_t)dirty_list[i] << PAGE_SHIFT), 0, PAGE_SIZE);
		dirty[dirty_list[i]] = 0;
	}
	ndirty = 0;
	for (size_t i = 0; i < nperm_dirty; i++)
		perm_dirty[perm_dirty_list[i]] = 0;
	nperm_dirty = 0;
	fz_prot_calls = fz_prot_pages = fz_vtl0_writes = 0;
	step = "setup";
	step_patch = false;
}

void fz_place(const uint8_t *data, size_t len)
{
	if (len > FZ_MAX_DATA)
		len = FZ_MAX_DATA;
	memcpy(fake_ram(FZ_BASE), data, len);
	mark_dirty(FZ_BASE, len);
}

/*
 * The engine's cheap restart for the built-in policy.  vtlp_init() parses
 * the policy on every call, which was most of a VTL-call input's time.  The
 * default policy parses the same every time, so it is parsed once; `vtlp`
 * itself is small (the per-VP states are a heap array that vtlp_start()
 * allocates afresh from the heap fz_engine_reset() just reset), so it is
 * zeroed whole.  Every other module's state is reset by vtlp_start().
 *
 * FUZZ_RESET_CHECK=1 proves it: after each cheap restart the whole of
 * `vtlp` must equal the snapshot taken after the first full one (suite-fuzz
 * runs every VTL-call harness so); FUZZ_SELFTEST=reset skips the zeroing to
 * show the check fails.
 */
static struct vtlp_policy default_pol;
static struct vtlp_state *pristine_vtlp;
static bool reset_check;

static int engine_restart_default(void)
{
	int ret;

	if (!pristine_vtlp) {
		ret = vtlp_policy_parse(NULL, 0, &default_pol);
		if (ret)
			return ret;
		memset(&vtlp, 0, sizeof(vtlp));
		ret = vtlp_start(&default_pol, NULL, 0);
		if (ret)
			return ret;
		reset_check = getenv("FUZZ_RESET_CHECK") != NULL;
		pristine_vtlp = malloc(sizeof(*pristine_vtlp));
		if (!pristine_vtlp)
			abort();
		memcpy(pristine_vtlp, &vtlp, sizeof(vtlp));
		return 0;
	}
	if (!fz_selftest("reset"))
		memset(&vtlp, 0, sizeof(vtlp));
	ret = vtlp_start(&default_pol, NULL, 0);
	/*
	 * Bytes, padding included, on purpose: both states were zeroed whole
	 * (memset) before vtlp_start() stored its fields, so a padding byte
	 * that differs is a stale byte too.
	 */
	if (ret == 0 && reset_check) {
		const uint8_t *now = (const uint8_t *)&vtlp, *want = (const uint8_t *)pristine_vtlp;
		size_t off = 0;

		while (off < sizeof(vtlp) && now[off] == want[off])
			off++;
		if (off == sizeof(vtlp))
			return 0;
		fz_fail("cheap engine restart differs from a fresh start at byte %zu of vtlp",
			off);
	}
	return ret;
}

int fz_engine_reset(const void *policy, size_t len)
{
	int ret;

	fz_south_reset();
	/* VTL1's heap: the engine's tables (range copies, protection and
	 * jump-label tables, kernel data) live there, each within a quarter. */
	{
		static void *arena;

		if (!arena)
			arena = aligned_alloc(PAGE_SIZE, 8u << 20);
		if (!arena)
			abort();
		page_alloc_reset();
		kmalloc_reset();
		if (page_alloc_add_range(arena, 0x40000000, 8u << 20))
			abort();
	}
	vtlp_register_modval(NULL);
	ret = policy ? vtlp_init(policy, len) : engine_restart_default();
#ifdef FZ_HAVE_HOOKS
	if (fz_want_hooks) {
		modval_hooks_reset();
		if (ret == 0)
			modval_hooks_install();
	}
#endif
	return ret;
}

void fz_set_step(const char *what, bool patch_text)
{
	step = what;
	step_patch = patch_text;
}

/*
 * A Linux errno value (1..133, EPERM..EHWPOISON).  Not every one has a name
 * in core/errno.c (modval's ENOKEY does not), so the range is the test.
 */
static bool known_errno(int64_t ret)
{
	return ret < 0 && ret >= -133;
}

void fz_check_result(const char *what, int64_t ret)
{
	if (fz_selftest("errno"))
		ret = -200;
	FZ_ASSERT(ret >= 0 || known_errno(ret), "%s returned %lld: not 0/token and not a "
		  "known negative errno", what, (long long)ret);
}

void fz_check_errno(const char *what, int ret, const int *allowed)
{
	if (ret == 0)
		return;
	for (; allowed && *allowed; allowed++)
		if (ret == *allowed)
			return;
	fz_fail("%s returned %d (%s): not 0 nor an errno it documents", what, ret,
		errno_name(ret));
}

static bool enforcing_memory(void)
{
	return vtlp.policy.mode[VTLP_P_MEMORY] == VTLP_ENFORCE;
}

static bool in_vtl1(uint64_t start, uint64_t end)
{
	return start < FAKE_VTL1_END && end > FAKE_VTL1_START;
}

static void check_page(uint64_t p)
{
	uint8_t perm = fake_south.perms[p];
	uint64_t gpa = p << PAGE_SHIFT;

	if (in_vtl1(gpa, gpa + PAGE_SIZE)) {
		FZ_ASSERT(perm == FZ_PERM_VTL1, "VTL1 page %#llx got VTL0 permission %#x",
			  (unsigned long long)gpa, perm);
		return;
	}
	if (perm == FZ_PERM_UNTOUCHED || !enforcing_memory())
		return;
	FZ_ASSERT(!((perm & SOUTH_PROT_W) && (perm & SOUTH_PROT_KX)),
		  "page %#llx is writable and executable (%#x)", (unsigned long long)gpa, perm);
}

/*
 * The permission map, once per input (the interposer checks each call as
 * it is made).  Scanning all 8192 pages every input cost an eighth of the
 * run time, so each input checks the VTL1 pages plus every page whose
 * permission went through the interposer, and every 256th input (and the
 * first) the whole map, in case something changed a permission without it.
 */
void fz_check_map(void)
{
	if (map_checks++ % 256 == 0) {
		for (uint64_t p = 0; p < RAM_PAGES; p++)
			check_page(p);
	} else {
		for (uint64_t p = FAKE_VTL1_START >> PAGE_SHIFT; p < FAKE_VTL1_END >> PAGE_SHIFT; p++)
			check_page(p);
		for (size_t i = 0; i < nperm_dirty; i++)
			check_page(perm_dirty_list[i]);
	}
	fz_check_memory();
}

void fz_check_memory(void)
{
	for (size_t i = 0; i < vtlp.nprots; i++) {
		const struct vtlp_prot *e = &vtlp.prots[i];

		FZ_ASSERT(e->start < e->end && IS_ALIGNED(e->start | e->end, PAGE_SIZE),
			  "protection extent %zu [%#llx, %#llx) empty or unaligned", i,
			  (unsigned long long)e->start, (unsigned long long)e->end);
		FZ_ASSERT(i == 0 || vtlp.prots[i - 1].end <= e->start,
			  "protection extents %zu and %zu overlap or are unsorted", i - 1, i);
		FZ_ASSERT(!in_vtl1(e->start, e->end), "protection extent [%#llx, %#llx) covers VTL1",
			  (unsigned long long)e->start, (unsigned long long)e->end);
		FZ_ASSERT(e->end <= FAKE_RAM_SIZE,
			  "protection extent [%#llx, %#llx) is beyond RAM yet recorded",
			  (unsigned long long)e->start, (unsigned long long)e->end);
		FZ_ASSERT(!enforcing_memory() || !((e->attr & HEKI_ATTR_MEM_W) &&
						   (e->attr & HEKI_ATTR_MEM_X)),
			  "protection extent [%#llx, %#llx) is W+X (attr %#x)",
			  (unsigned long long)e->start, (unsigned long long)e->end, e->attr);
	}
}

/* ------------------------------------------------ the South interposers */

int __real_south_vtl0_write(uint64_t gpa, const void *src, size_t len);
int __wrap_south_vtl0_write(uint64_t gpa, const void *src, size_t len);
int __real_south_set_vtl0_protection(uint32_t perms, const uint64_t *gpfns, size_t count);
int __wrap_south_set_vtl0_protection(uint32_t perms, const uint64_t *gpfns, size_t count);

int __wrap_south_vtl0_write(uint64_t gpa, const void *src, size_t len)
{
	uint64_t end = gpa + len;

	fz_vtl0_writes++;
	if (fz_selftest("write") && vtlp.nprots) {
		gpa = vtlp.prots[0].start; /* as if VTL1 wrote into protected memory */
		end = gpa + len;
	}
	FZ_ASSERT(end >= gpa, "VTL1 write at %#llx+%zu wraps", (unsigned long long)gpa, len);
	FZ_ASSERT(!in_vtl1(gpa, end), "VTL1 wrote into its own memory for VTL0 at %#llx+%zu",
		  (unsigned long long)gpa, len);
	if (!vtlp_ring_contains(gpa, len)) {
		for (size_t i = 0; i < vtlp.nprots; i++) {
			const struct vtlp_prot *e = &vtlp.prots[i];

			if (!(gpa < e->end && end > e->start))
				continue;
			if ((e->attr & HEKI_ATTR_MEM_W) && !(e->attr & HEKI_ATTR_MEM_IMMUTABLE))
				continue;
			/* The ring is VTL1's to write (header first, before it is live). */
			if (e->owner == VTLP_OWNER_RING)
				continue;
			FZ_ASSERT(step_patch && (e->attr & HEKI_ATTR_MEM_X) && len <= 5,
				  "VTL1 wrote %zu bytes at %#llx into protected memory "
				  "[%#llx, %#llx) attr %#x", len, (unsigned long long)gpa,
				  (unsigned long long)e->start, (unsigned long long)e->end, e->attr);
		}
	}
	mark_dirty(gpa, len);
	return __real_south_vtl0_write(gpa, src, len);
}

int __wrap_south_set_vtl0_protection(uint32_t perms, const uint64_t *gpfns, size_t count)
{
	uint64_t bad[1] = { FAKE_VTL1_START >> PAGE_SHIFT };

	if (fz_selftest("wx"))
		perms |= SOUTH_PROT_W | SOUTH_PROT_KX;
	if (fz_selftest("vtl1")) {
		gpfns = bad;
		count = 1;
	}
	fz_prot_calls++;
	fz_prot_pages += count;
	FZ_ASSERT(count >= 1 && count <= SOUTH_MAX_GPFNS_PER_CALL,
		  "protection call with %zu GPFNs", count);
	FZ_ASSERT(!enforcing_memory() || !((perms & SOUTH_PROT_W) && (perms & SOUTH_PROT_KX)),
		  "protection call grants write+execute (%#x) to %zu pages from GPFN %#llx",
		  perms, count, (unsigned long long)gpfns[0]);
	for (size_t i = 0; i < count; i++) {
		uint64_t gpa = gpfns[i] << PAGE_SHIFT;

		FZ_ASSERT(gpfns[i] < (1ull << 52) && !in_vtl1(gpa, gpa + PAGE_SIZE),
			  "protection call names VTL1 page GPFN %#llx",
			  (unsigned long long)gpfns[i]);
		if (gpfns[i] < RAM_PAGES && !perm_dirty[gpfns[i]]) {
			perm_dirty[gpfns[i]] = 1;
			perm_dirty_list[nperm_dirty++] = (uint32_t)gpfns[i];
		}
	}
	return __real_south_set_vtl0_protection(perms, gpfns, count);
}

/*
 * The validator runs its boot self-test (RSA and ECDSA verifications) the
 * first time it needs the trust store after modval_hooks_reset(), i.e. once
 * per input here, which made fuzz-modcall ~100 executions/s.  The self-test
 * reads no input and ends by re-initialising the store it used, so after
 * the first real run the result is replayed with the same final state.
 */
int __real_modval_selftest(struct modval_trust *t);
int __wrap_modval_selftest(struct modval_trust *t);

int __wrap_modval_selftest(struct modval_trust *t)
{
	static bool done;
	static int result;

	if (!done) {
		result = __real_modval_selftest(t);
		done = true;
		return result;
	}
	modval_trust_init(t);
	return result;
}

/* --------------------------------------------------------------- input */

uint8_t fz_u8(struct fz_in *in)
{
	uint8_t v = 0;

	if (in->left) {
		v = *in->p++;
		in->left--;
	}
	return v;
}

uint32_t fz_u32(struct fz_in *in)
{
	uint32_t v = 0;

	for (unsigned int i = 0; i < 4; i++)
		v |= (uint32_t)fz_u8(in) << (8 * i);
	return v;
}

uint64_t fz_u64(struct fz_in *in)
{
	uint64_t lo = fz_u32(in);

	return lo | (uint64_t)fz_u32(in) << 32;
}
