// SPDX-License-Identifier: MIT
/*
 * PATCH_TEXT(pa0, pa1): VTL0 asks VTL1 to write a few bytes into protected
 * kernel text, the way text_poke_bp_batch() flips a jump label from its
 * old instruction to the new one (both the same length L, 2 or 5):
 *   step 1: INT3 (0xCC) over byte 0                 old -> CC + old[1..L)
 *   step 2: new[1..L) at byte 1 (L - 1 bytes)        -> CC + new[1..L)
 *   step 3: new[0] at byte 0                         -> new
 * (plus the whole new instruction over a whole old one in one request).
 * The request is a struct heki_patch {u64 pa[2]; u8 size; u8 code[5];
 * u8 pad[2]} (24 bytes) at VTL0 GPA pa0, continued at page pa1 when it
 * crosses a page.  Its own pa[0] is where the bytes go, pa[1] the page the
 * rest goes to when the target crosses a page.
 *
 * VTL1 only writes bytes it already knows, and only as one of the steps
 * above FROM THE SITE'S CURRENT CONTENTS.  Each jump-label site (from
 * PatchInfo loaded before end of boot, or a validated module's Patch
 * ranges) has two forms, the JMP (EB rel8 / E9 rel32) and the NOP of its
 * size, and VTL1 keeps the site's bytes as it last left them.  A request
 * is accepted only when it is a step from those bytes; so the site only
 * ever holds one of: a form, or INT3 followed by a form's tail.  Checking
 * each request alone (is this byte the JMP's, the NOP's or INT3 at this
 * offset?) is not enough: mixing steps of both forms leaves bytes that are
 * neither instruction (issue 13 RT4).  Before each write VTL1 re-reads the
 * site and refuses when it no longer holds what VTL1 left there.
 *
 * The bytes written always come from VTL1's tables, never from the request,
 * and only into memory VTL1 protects as executable.
 *
 * Sites are indexed by the physical bytes they cover (a site crossing a page
 * is two pieces), sorted, so a request is found by binary search whatever
 * the table's size, and overlapping sites are refused when registered.
 *
 * Static calls (issue 15 section 3): a validated module's `.static_call_sites`
 * and its own `__SCT__` trampolines are sites too, registered by the module
 * validator.  Their forms are not two fixed byte strings but a set, as
 * arch_static_call_transform() writes them:
 *   call site:             E8 rel32 (call a target) | NOP5 | 2e 2e 2e 31 c0
 *                          (xor %eax,%eax: __static_call_return0)
 *   tail site, trampoline: E9 rel32 (jmp a target)  | c3 cc cc cc cc (ret)
 *                          | c3 cc 90 90 90 (a NULL trampoline as built)
 *   ftrace site:           E8 rel32 (call a target) | NOP5
 *                          (ftrace_replace_code: __fentry__ NOPed, or a call
 *                          to ftrace_caller / ftrace_regs_caller)
 * where a target must be validated text: kernel text VTL1 protects X, or
 * the text of a module VTL1 validated (text_target_ok()).  The same
 * text_poke_bp steps apply, with "a form" meaning a member of the set and
 * "a form's tail" the tail of some member: call_step().
 */
#include <string.h>

#include "core/kmalloc.h"

#include "vtl_protect/internal.h"

#define INT3       0xCC
#define PI_HDR_LEN 48u /* struct heki_patch_info before its entries */
#define PI_TYPE_JUMP_LABEL 0u

enum { SITE_JUMP_LABEL = 0, SITE_SC_CALL = 1, SITE_SC_TAIL = 2, SITE_FTRACE = 3 };

struct site {
	struct vtlp_patch p; /* the JMP form (jump labels); pa/size (static calls) */
	uint64_t va;         /* VTL0 VA of byte 0 (static calls: rel32 base) */
	uint8_t kind;        /* SITE_* */
	int64_t owner;       /* 0: the kernel (PatchInfo); else a module token */
	bool init;           /* in the module's init text */
	bool dead;           /* dropped; compacted at the next rebuild */
	bool known;          /* cur[] holds the bytes VTL1 last left there */
	uint8_t cur[5];
};

/* Physical bytes [start, start + len) are bytes [k, k + len) of a site. */
struct piece {
	uint64_t start;
	uint32_t site;
	uint8_t len;
	uint8_t k;
};

static struct site *sites;
static size_t nsites;
static struct piece *pieces;
static size_t npieces;

static const uint8_t nop2[2] = { 0x66, 0x90 };
static const uint8_t nop5[5] = { 0x0f, 0x1f, 0x44, 0x00, 0x00 };
static const uint8_t xor5rax[5] = { 0x2e, 0x2e, 0x2e, 0x31, 0xc0 };
static const uint8_t ret5[5] = { 0xc3, 0xcc, 0xcc, 0xcc, 0xcc };
/* a NULL trampoline as built without CONFIG_RETHUNK: ret; int3; nop x3 */
static const uint8_t ret5_built[5] = { 0xc3, 0xcc, 0x90, 0x90, 0x90 };

/*
 * Validated text, for static-call targets: the kernel image (VA -> PA by
 * its linear map, the page protected X) and validated modules' Text.
 */
struct text_range {
	uint64_t va, end;
	int64_t owner;
};
static struct text_range *texts;
static size_t ntexts;
static bool ktext_known;
static uint64_t ktext_rodata_va, ktext_delta;

/* Once per boot (vtlp_init): drop, never free (see prot.c). */
void vtlp_patch_reset(void)
{
	sites = NULL;
	nsites = 0;
	pieces = NULL;
	npieces = 0;
	texts = NULL;
	ntexts = 0;
	ktext_known = false;
}

static size_t first_page_bytes(const struct vtlp_patch *p)
{
	size_t room = PAGE_SIZE - (size_t)(p->pa[0] & (PAGE_SIZE - 1));

	return p->size < room ? p->size : room;
}

static uint64_t byte_pa(const struct vtlp_patch *p, size_t i)
{
	size_t n0 = first_page_bytes(p);

	return i < n0 ? p->pa[0] + i : p->pa[1] + (i - n0);
}

/* Shape checks shared by requests and precomputed patches. */
static bool patch_well_formed(const struct vtlp_patch *p)
{
	size_t n0;

	if (p->size == 0 || p->size > sizeof(p->code) || p->pa[0] == 0)
		return false;
	n0 = first_page_bytes(p);
	if (n0 < p->size) {
		if (p->pa[1] == 0 || !IS_ALIGNED(p->pa[1], PAGE_SIZE) ||
		    p->pa[1] == ALIGN_DOWN(p->pa[0], PAGE_SIZE))
			return false;
		if (north_touches_vtl1(p->pa[1], p->size - n0))
			return false;
	} else if (p->pa[1] != 0) {
		return false;
	}
	return !north_touches_vtl1(p->pa[0], n0);
}

/* The NOP form of a site (sizes are 2 or 5 once precomputed_ok passed). */
static const uint8_t *nop_for(uint8_t size)
{
	return size == 2 ? nop2 : nop5;
}

/* A precomputed patch must be a jump label's JMP form: EB rel8 or E9 rel32. */
static bool precomputed_ok(const struct vtlp_patch *p)
{
	if (!patch_well_formed(p))
		return false;
	return (p->size == 2 && p->code[0] == 0xEB) || (p->size == 5 && p->code[0] == 0xE9);
}

/* ------------------------------------------------------------ the index */

static void sift(struct piece *a, size_t root, size_t n)
{
	for (;;) {
		size_t c = 2 * root + 1;
		struct piece t;

		if (c >= n)
			return;
		if (c + 1 < n && a[c + 1].start > a[c].start)
			c++;
		if (a[root].start >= a[c].start)
			return;
		t = a[root];
		a[root] = a[c];
		a[c] = t;
		root = c;
	}
}

/* Heapsort by start: O(n log n) on a few hundred thousand pieces, no heap. */
static void sort_pieces(struct piece *a, size_t n)
{
	for (size_t i = n / 2; i-- > 0;)
		sift(a, i, n);
	for (size_t i = n; i-- > 1;) {
		struct piece t = a[0];

		a[0] = a[i];
		a[i] = t;
		sift(a, 0, i);
	}
}

/*
 * Make `ns` new sites the table: drop dead ones, index, refuse overlaps.
 * On success the old arrays are freed; on error `ns_sites` is freed and the
 * table is unchanged.
 */
static int install(struct site *ns_sites, size_t ns)
{
	struct piece *pc;
	void *mem = NULL;
	size_t n = 0, k = 0;
	int ret;

	for (size_t i = 0; i < ns; i++)
		if (!ns_sites[i].dead)
			ns_sites[k++] = ns_sites[i];
	ns = k;
	ret = vtlp_table_alloc(&mem, 2 * ns, sizeof(*pc), "jump-label index");
	if (ret) {
		kfree(ns_sites);
		return ret;
	}
	pc = mem;
	for (size_t i = 0; i < ns; i++) {
		const struct vtlp_patch *p = &ns_sites[i].p;
		size_t n0 = first_page_bytes(p);

		pc[n++] = (struct piece){ p->pa[0], (uint32_t)i, (uint8_t)n0, 0 };
		if (n0 < p->size)
			pc[n++] = (struct piece){ p->pa[1], (uint32_t)i, (uint8_t)(p->size - n0),
						  (uint8_t)n0 };
	}
	sort_pieces(pc, n);
	for (size_t i = 1; i < n; i++) {
		if (pc[i].start < pc[i - 1].start + pc[i - 1].len) {
			log_warn("vtlp: jump-label sites at %#llx and %#llx overlap: refused",
				 (unsigned long long)ns_sites[pc[i - 1].site].p.pa[0],
				 (unsigned long long)ns_sites[pc[i].site].p.pa[0]);
			kfree(pc);
			kfree(ns_sites);
			return -EINVAL;
		}
	}
	kfree(sites);
	kfree(pieces);
	sites = ns_sites;
	nsites = ns;
	pieces = pc;
	npieces = n;
	return 0;
}

/* A copy of the live sites not matching `drop`, with room for `extra` more. */
static int copy_sites(bool (*drop)(const struct site *s, const void *arg), const void *arg,
		      size_t extra, struct site **out, size_t *n)
{
	size_t live = 0;
	void *mem;
	int ret;

	for (size_t i = 0; i < nsites; i++)
		if (!sites[i].dead && !drop(&sites[i], arg))
			live++;
	if (extra > VTLP_PATCH_MAX || live + extra > VTLP_PATCH_MAX) {
		log_warn("vtlp: %zu jump-label sites would exceed the table's %u: refused",
			 live + extra, VTLP_PATCH_MAX);
		return -E2BIG;
	}
	ret = vtlp_table_alloc(&mem, (live + extra) ? (live + extra) : 1, sizeof(struct site),
			       "jump-label table");
	if (ret)
		return ret;
	*out = mem;
	*n = 0;
	for (size_t i = 0; i < nsites; i++)
		if (!sites[i].dead && !drop(&sites[i], arg))
			(*out)[(*n)++] = sites[i];
	return 0;
}

static bool is_kernel_site(const struct site *s, const void *arg)
{
	(void)arg;
	return s->owner == 0;
}

static bool no_site(const struct site *s, const void *arg)
{
	(void)s;
	(void)arg;
	return false;
}

/* ------------------------------------------------------------ PatchInfo */

static uint64_t rd64(const uint8_t *p)
{
	uint64_t v;

	memcpy(&v, p, sizeof(v));
	return v;
}

long vtlp_patch_parse(const uint8_t *data, size_t len, struct vtlp_patch *out, size_t max)
{
	size_t off = 0, n = 0;

	for (size_t blk = 0; off < len; blk++) {
		uint32_t type;
		uint64_t idx, maxc;

		if (len - off < PI_HDR_LEN) {
			log_warn("vtlp: PatchInfo block %zu at byte %zu: %zu bytes left, its "
				 "header needs %u: refused", blk, off, len - off, PI_HDR_LEN);
			return -EINVAL;
		}
		memcpy(&type, data + off, sizeof(type));
		idx = rd64(data + off + 32);
		maxc = rd64(data + off + 40);
		if (type != PI_TYPE_JUMP_LABEL) {
			log_warn("vtlp: PatchInfo block %zu has patch type %u (only 0, jump "
				 "labels, is known): refused", blk, type);
			return -EINVAL;
		}
		if (idx > maxc || idx > (len - off - PI_HDR_LEN) / sizeof(struct vtlp_patch)) {
			log_warn("vtlp: PatchInfo block %zu claims %llu entries (max %llu) but "
				 "%zu bytes follow: refused", blk, (unsigned long long)idx,
				 (unsigned long long)maxc, len - off - PI_HDR_LEN);
			return -EINVAL;
		}
		off += PI_HDR_LEN;
		for (uint64_t i = 0; i < idx; i++, off += sizeof(struct vtlp_patch)) {
			struct vtlp_patch p;

			memcpy(&p, data + off, sizeof(p));
			if (!precomputed_ok(&p)) {
				log_warn("vtlp: PatchInfo block %zu entry %llu (pa %#llx/%#llx "
					 "size %u code %02x) is not a jump label's JMP: refused",
					 blk, (unsigned long long)i, (unsigned long long)p.pa[0],
					 (unsigned long long)p.pa[1], p.size, p.code[0]);
				return -EINVAL;
			}
			if (n == max) {
				log_warn("vtlp: PatchInfo holds more than %zu entries: refused",
					 max);
				return -E2BIG;
			}
			if (out)
				out[n] = p;
			n++;
		}
	}
	return (long)n;
}

/* Called with vtlp.lock held (LOAD_KDATA). */
int vtlp_patch_load_info(const uint8_t *data, size_t len)
{
	struct site *ns;
	size_t n, off = 0;
	long cnt = vtlp_patch_parse(data, len, NULL, VTLP_PATCH_MAX);
	int ret;

	if (cnt < 0)
		return (int)cnt;
	/* The modules' sites stay; the kernel's are replaced. */
	ret = copy_sites(is_kernel_site, NULL, (size_t)cnt, &ns, &n);
	if (ret)
		return ret;
	/* Second walk over blocks the parse above accepted: cannot fail. */
	while (off < len) {
		uint64_t idx = rd64(data + off + 32);

		off += PI_HDR_LEN;
		for (uint64_t i = 0; i < idx; i++, off += sizeof(struct vtlp_patch)) {
			memset(&ns[n], 0, sizeof(ns[n]));
			memcpy(&ns[n].p, data + off, sizeof(ns[n].p));
			n++;
		}
	}
	ret = install(ns, n);
	if (!ret)
		log_info("vtlp: PatchInfo: %ld jump-label sites", cnt);
	return ret;
}

/* -------------------------------------------------------------- modules */

/* The bytes at a precomputed patch's target, from VTL0 memory. */
static int site_io_raw(const struct vtlp_patch *p, uint8_t *out)
{
	size_t n0 = first_page_bytes(p);
	int ret = north_copy_in(out, p->pa[0], n0);

	if (!ret && n0 < p->size)
		ret = north_copy_in(out + n0, p->pa[1], p->size - n0);
	return ret;
}

int vtlp_patch_add_module(int64_t token, const struct vtlp_patch *p, const bool *init,
			  size_t n)
{
	struct site *ns;
	size_t cnt;
	int ret;

	if (token <= 0)
		return -EINVAL;
	for (size_t i = 0; i < n; i++) {
		if (!precomputed_ok(&p[i])) {
			log_warn("vtlp: module jump-label site %zu (pa %#llx size %u code %02x) "
				 "is not a jump label's JMP: refused", i,
				 (unsigned long long)p[i].pa[0], p[i].size, p[i].code[0]);
			return -EINVAL;
		}
	}
	north_lock(&vtlp.lock);
	ret = copy_sites(no_site, NULL, n, &ns, &cnt);
	if (!ret) {
		for (size_t i = 0; i < n; i++) {
			memset(&ns[cnt], 0, sizeof(ns[cnt]));
			ns[cnt].p = p[i];
			ns[cnt].owner = token;
			ns[cnt].init = init && init[i];
			cnt++;
		}
		ret = install(ns, cnt);
	}
	north_unlock(&vtlp.lock);
	return ret;
}

/* Which of r[] (type text_type or init_type) holds physical byte pa; -1 if none. */
static long text_range_of(uint64_t pa, const struct heki_range *r, size_t n, uint64_t text_type,
			  uint64_t init_type)
{
	for (size_t i = 0; i < n; i++)
		if ((r[i].attributes == text_type || r[i].attributes == init_type) &&
		    pa >= r[i].pa && pa < r[i].epa)
			return (long)i;
	return -1;
}

int vtlp_patch_module_info(int64_t token, const uint8_t *pi, size_t len,
			   const struct heki_range *r, size_t nr, uint64_t text_type,
			   uint64_t init_type)
{
	struct vtlp_patch *p = NULL;
	bool *init = NULL;
	void *mem;
	long cnt;
	int ret;

	cnt = vtlp_patch_parse(pi, len, NULL, VTLP_PATCH_MAX);
	if (cnt <= 0)
		return (int)cnt; /* 0: no jump labels, nothing to do */
	ret = vtlp_table_alloc(&mem, (size_t)cnt, sizeof(*p), "module jump labels");
	if (ret)
		return ret;
	p = mem;
	init = kmalloc((size_t)cnt);
	if (!init) {
		kfree(p);
		return -ENOMEM;
	}
	(void)vtlp_patch_parse(pi, len, p, (size_t)cnt);
	for (long i = 0; i < cnt && !ret; i++) {
		long first = -1;
		bool ok = true;

		/* Every byte in the module's own Text or InitText, all in one kind. */
		for (size_t b = 0; b < p[i].size && ok; b++) {
			long at = text_range_of(byte_pa(&p[i], b), r, nr, text_type, init_type);

			if (at < 0 || (first >= 0 && r[at].attributes != r[first].attributes))
				ok = false;
			if (first < 0)
				first = at;
		}
		/* and it holds one of its two forms now (the text was just verified
		 * and is write-protected, so this is the signed, relocated byte). */
		if (ok) {
			uint8_t cur[5] = { 0 };

			ok = site_io_raw(&p[i], cur) == 0 &&
			     (memcmp(cur, p[i].code, p[i].size) == 0 ||
			      memcmp(cur, nop_for(p[i].size), p[i].size) == 0);
		}
		if (!ok) {
			log_warn("vtlp: module jump-label site %ld at %#llx (size %u) is not a "
				 "jump or NOP inside the module's own text: module refused", i,
				 (unsigned long long)p[i].pa[0], p[i].size);
			ret = -EINVAL;
			break;
		}
		init[i] = r[first].attributes == init_type;
	}
	if (!ret)
		ret = vtlp_patch_add_module(token, p, init, (size_t)cnt);
	if (!ret)
		log_info("vtlp: module token %lld: %ld jump-label sites", (long long)token, cnt);
	kfree(init);
	kfree(p);
	return ret;
}

void vtlp_patch_drop_module(int64_t token, bool init_only)
{
	north_lock(&vtlp.lock);
	for (size_t i = 0; i < nsites; i++)
		if (sites[i].owner == token && token != 0 && (!init_only || sites[i].init))
			sites[i].dead = true; /* the index skips it; no allocation here */
	if (!init_only)
		for (size_t i = 0; i < ntexts; i++)
			if (texts[i].owner == token)
				texts[i].end = texts[i].va; /* empty: no target any more */
	north_unlock(&vtlp.lock);
}

/* ------------------------------------------------------------ PATCH_TEXT */

/* The live site whose bytes include physical byte pa, and which byte. */
static struct site *site_at(uint64_t pa, size_t *k)
{
	size_t lo = 0, hi = npieces;

	while (lo < hi) { /* first piece starting after pa */
		size_t mid = lo + (hi - lo) / 2;

		if (pieces[mid].start <= pa)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo == 0)
		return NULL;
	{
		const struct piece *pc = &pieces[lo - 1];
		struct site *s = &sites[pc->site];

		if (pa >= pc->start + pc->len || s->dead)
			return NULL;
		*k = pc->k + (size_t)(pa - pc->start);
		return s;
	}
}

/*
 * The site after request bytes req[0..n) at byte k, from cur[]; false when
 * that is not one of text_poke_bp's steps from cur[].  next[] is built from
 * VTL1's copies of the two forms only.
 */
static bool poke_step(const struct site *s, const uint8_t *cur, size_t k, size_t n,
		      const uint8_t *req, uint8_t *next)
{
	const uint8_t *form[2] = { s->p.code, nop_for(s->p.size) };
	size_t len = s->p.size;
	bool whole = false;

	for (int f = 0; f < 2; f++)
		whole |= memcmp(cur, form[f], len) == 0;
	memcpy(next, cur, len);
	if (k == 0 && n == 1 && req[0] == INT3) { /* step 1 */
		if (!whole)
			return false;
		next[0] = INT3;
		return true;
	}
	for (int f = 0; f < 2; f++) {
		const uint8_t *y = form[f];

		if (k == 1 && n == len - 1 && memcmp(req, y + 1, len - 1) == 0) { /* step 2 */
			bool bp = false;

			for (int g = 0; g < 2; g++)
				bp |= cur[0] == INT3 && memcmp(cur + 1, form[g] + 1, len - 1) == 0;
			if (!bp)
				continue;
			memcpy(next + 1, y + 1, len - 1);
			return true;
		}
		if (k == 0 && n == 1 && req[0] == y[0]) { /* step 3 */
			if (cur[0] != INT3 || memcmp(cur + 1, y + 1, len - 1) != 0)
				continue;
			next[0] = y[0];
			return true;
		}
		if (k == 0 && n == len && memcmp(req, y, len) == 0) { /* whole */
			if (!whole)
				continue;
			memcpy(next, y, len);
			return true;
		}
	}
	return false;
}

/* ------------------------------------------------------- static calls */

static bool text_target_ok(uint64_t t)
{
	for (size_t i = 0; i < ntexts; i++)
		if (t >= texts[i].va && t < texts[i].end)
			return true;
	if (ktext_known && t < ktext_rodata_va && ktext_rodata_va - t <= (1ull << 30) &&
	    t >= ktext_delta) {
		const struct vtlp_prot *p = vtlp_prot_find(t - ktext_delta);

		return p && (p->attr & HEKI_ATTR_MEM_X);
	}
	return false;
}

/* Is b (5 bytes) one of static-call site s's forms? */
static bool call_form_ok(const struct site *s, const uint8_t *b)
{
	uint8_t op = s->kind == SITE_SC_TAIL ? 0xE9 : 0xE8;
	int32_t rel;

	if (s->kind != SITE_SC_TAIL && !memcmp(b, nop5, 5))
		return true;
	if (s->kind == SITE_SC_CALL && !memcmp(b, xor5rax, 5))
		return true;
	if (s->kind == SITE_SC_TAIL && (!memcmp(b, ret5, 5) || !memcmp(b, ret5_built, 5)))
		return true;
	if (b[0] != op)
		return false;
	memcpy(&rel, b + 1, 4);
	return text_target_ok(s->va + 5 + (uint64_t)(int64_t)rel);
}

/* Is t (4 bytes) the tail of one of s's forms? */
static bool call_tail_ok(const struct site *s, const uint8_t *t)
{
	static const uint8_t ops[4] = { 0xE8, 0xE9, 0x0f, 0x2e };
	uint8_t b[5];

	if (s->kind == SITE_SC_TAIL && (!memcmp(t, ret5 + 1, 4) || !memcmp(t, ret5_built + 1, 4)))
		return true;
	memcpy(b + 1, t, 4);
	for (int i = 0; i < 4; i++) {
		b[0] = ops[i];
		if (call_form_ok(s, b))
			return true;
	}
	return false;
}

/* poke_step() for a static-call site: the same steps, over its form set. */
static bool call_step(const struct site *s, const uint8_t *cur, size_t k, size_t n,
		      const uint8_t *req, uint8_t *next)
{
	memcpy(next, cur, 5);
	if (k == 0 && n == 1 && req[0] == INT3) { /* step 1 */
		if (!call_form_ok(s, cur))
			return false;
		next[0] = INT3;
		return true;
	}
	if (k == 1 && n == 4) { /* step 2 */
		if (cur[0] != INT3 || !call_tail_ok(s, cur + 1) || !call_tail_ok(s, req))
			return false;
		memcpy(next + 1, req, 4);
		return true;
	}
	if (k == 0 && n == 1) { /* step 3 */
		uint8_t b[5];

		b[0] = req[0];
		memcpy(b + 1, cur + 1, 4);
		if (cur[0] != INT3 || !call_form_ok(s, b))
			return false;
		next[0] = req[0];
		return true;
	}
	if (k == 0 && n == 5) { /* whole */
		if (!call_form_ok(s, cur) || !call_form_ok(s, req))
			return false;
		memcpy(next, req, 5);
		return true;
	}
	return false;
}

int vtlp_patch_set_kernel_map(uint64_t rodata_va, uint64_t delta)
{
	north_lock(&vtlp.lock);
	ktext_known = rodata_va > delta;
	ktext_rodata_va = rodata_va;
	ktext_delta = delta;
	north_unlock(&vtlp.lock);
	return 0;
}

int vtlp_patch_add_calls(int64_t token, const struct vtlp_call_site *cs, size_t n,
			 uint64_t text_va, uint64_t text_len)
{
	struct text_range *nt;
	struct site *ns;
	size_t cnt, tcount = 0;
	int ret;

	if (token <= 0 || text_va + text_len < text_va)
		return -EINVAL;
	for (size_t i = 0; i < n; i++) {
		struct vtlp_patch p = { { cs[i].pa[0], cs[i].pa[1] }, 5, { 0 }, { 0 } };

		if (!patch_well_formed(&p) || cs[i].kind < SITE_SC_CALL || cs[i].kind > SITE_FTRACE) {
			log_warn("vtlp: module static-call site %zu (pa %#llx) is malformed: "
				 "refused", i, (unsigned long long)cs[i].pa[0]);
			return -EINVAL;
		}
	}
	north_lock(&vtlp.lock);
	/* the module's Text becomes a target first: its own trampolines */
	for (size_t i = 0; i < ntexts; i++)
		if (texts[i].end > texts[i].va)
			tcount++;
	nt = kmalloc((tcount + 1) * sizeof(*nt));
	if (!nt) {
		north_unlock(&vtlp.lock);
		return -ENOMEM;
	}
	tcount = 0;
	for (size_t i = 0; i < ntexts; i++)
		if (texts[i].end > texts[i].va)
			nt[tcount++] = texts[i];
	nt[tcount++] = (struct text_range){ text_va, text_va + text_len, token };
	kfree(texts);
	texts = nt;
	ntexts = tcount;
	ret = n ? copy_sites(no_site, NULL, n, &ns, &cnt) : 0;
	if (!ret && n) {
		for (size_t i = 0; i < n; i++) {
			struct site *x = &ns[cnt];
			uint8_t cur[5];

			memset(x, 0, sizeof(*x));
			x->p.pa[0] = cs[i].pa[0];
			x->p.pa[1] = cs[i].pa[1];
			x->p.size = 5;
			x->va = cs[i].va;
			x->kind = cs[i].kind;
			x->owner = token;
			x->init = cs[i].init;
			/* it holds one of its forms now (verified, write-protected) */
			if (site_io_raw(&x->p, cur) || !call_form_ok(x, cur)) {
				log_warn("vtlp: module static-call site at VA %#llx (pa %#llx) "
					 "holds %02x %02x %02x %02x %02x, not a call/jmp to "
					 "validated text, NOP5 or ret: module refused",
					 (unsigned long long)cs[i].va,
					 (unsigned long long)cs[i].pa[0], cur[0], cur[1], cur[2],
					 cur[3], cur[4]);
				kfree(ns);
				ret = -EINVAL;
				break;
			}
			cnt++;
		}
		if (!ret)
			ret = install(ns, cnt);
	}
	if (ret)
		texts[ntexts - 1].end = texts[ntexts - 1].va;
	north_unlock(&vtlp.lock);
	if (!ret)
		log_info("vtlp: module token %lld: %zu static-call sites", (long long)token, n);
	return ret;
}

/* A site may hold a form or INT3 + a form's tail; nothing else. */
static bool site_bytes_valid(const struct site *s, const uint8_t *b)
{
	if (s->kind != SITE_JUMP_LABEL)
		return call_form_ok(s, b) || (b[0] == INT3 && call_tail_ok(s, b + 1));

	const uint8_t *form[2] = { s->p.code, nop_for(s->p.size) };

	for (int f = 0; f < 2; f++)
		if (memcmp(b + 1, form[f] + 1, s->p.size - 1U) == 0 &&
		    (b[0] == form[f][0] || b[0] == INT3))
			return true;
	return false;
}

static int copy_request(uint64_t pa0, uint64_t pa1, struct vtlp_patch *req)
{
	size_t room = PAGE_SIZE - (size_t)(pa0 & (PAGE_SIZE - 1));
	size_t n0 = room < sizeof(*req) ? room : sizeof(*req);
	int ret;

	ret = north_copy_in(req, pa0, n0);
	if (ret || n0 == sizeof(*req))
		return ret;
	if (pa1 == 0 || !IS_ALIGNED(pa1, PAGE_SIZE)) {
		log_warn("vtlp: PATCH_TEXT request crosses a page but pa1 %#llx is not a page",
			 (unsigned long long)pa1);
		return -EINVAL;
	}
	return north_copy_in((uint8_t *)req + n0, pa1, sizeof(*req) - n0);
}

/*
 * Every target byte must lie in memory VTL1 protects as kernel text (X):
 * PATCH_TEXT exists to change protected code, and must never become a way to
 * put jump bytes into protected data.
 */
static bool in_protected_text(uint64_t pa, size_t n)
{
	const struct vtlp_prot *p = vtlp_prot_find(pa);

	return p && (p->attr & HEKI_ATTR_MEM_X) && pa + n <= p->end;
}

/* May VTL0 write every target byte of request p itself (no protection, or
 * a protection that keeps W)? */
static bool vtl0_may_write(const struct vtlp_patch *p)
{
	for (size_t i = 0; i < p->size; i++) {
		const struct vtlp_prot *r = vtlp_prot_find(byte_pa(p, i));

		if (r && !(r->attr & HEKI_ATTR_MEM_W))
			return false;
	}
	return true;
}

/* Read (write) bytes [k, k + n) of site s from (to) VTL0 memory. */
static int site_io(const struct site *s, size_t k, size_t n, uint8_t *buf, bool write)
{
	size_t n0 = first_page_bytes(&s->p);

	for (size_t i = k; i < k + n;) {
		size_t run = i < n0 ? MIN(k + n, n0) - i : k + n - i;
		uint64_t pa = byte_pa(&s->p, i);
		int ret = write ? north_copy_out(pa, buf + i, run) : north_copy_in(buf + i, pa, run);

		if (ret)
			return ret;
		i += run;
	}
	return 0;
}

/* Called with vtlp.lock held. */
int64_t vtlp_patch_text(uint64_t pa0, uint64_t pa1)
{
	struct vtlp_patch req;
	struct site *s;
	uint8_t mem[5] = { 0 }, next[5] = { 0 };
	size_t k = 0, n0;
	int ret;

	ret = copy_request(pa0, pa1, &req);
	if (ret)
		return ret;
	if (!patch_well_formed(&req)) {
		log_warn("vtlp: PATCH_TEXT: malformed request (pa %#llx/%#llx size %u)",
			 (unsigned long long)req.pa[0], (unsigned long long)req.pa[1], req.size);
		return -EINVAL;
	}
	s = site_at(req.pa[0], &k);
	if (s && k + req.size > s->p.size)
		s = NULL;
	for (size_t i = 0; s && i < req.size; i++)
		if (byte_pa(&s->p, k + i) != byte_pa(&req, i))
			s = NULL; /* same first byte, other continuation page */
	if (!s) {
		/*
		 * Unknown site.  LVBS reads -ENOENT as "write it yourself"
		 * (__text_poke), anything else as fatal (BUG()).  VTL0's own write
		 * is harmless only where VTL1 lets it write: there -ENOENT.  Into
		 * memory VTL1 write-protects it would fault anyway (a violation and
		 * a #GP in the middle of text_poke), so say so now: -EACCES.
		 */
		if (!vtl0_may_write(&req)) {
			log_warn("vtlp: PATCH_TEXT at %#llx (%u bytes): no site VTL1 knows covers "
				 "these bytes and VTL1 write-protects them, so VTL0 cannot write "
				 "them itself either: refused (-EACCES)",
				 (unsigned long long)req.pa[0], req.size);
			return -EACCES;
		}
		log_warn("vtlp: PATCH_TEXT at %#llx (%u bytes): no site VTL1 knows covers "
			 "exactly these bytes; they are not write-protected: VTL0 writes them "
			 "itself (-ENOENT)", (unsigned long long)req.pa[0], req.size);
		return -ENOENT;
	}
	n0 = first_page_bytes(&s->p);
	if (!in_protected_text(s->p.pa[0], n0) ||
	    (n0 < s->p.size && !in_protected_text(s->p.pa[1], s->p.size - n0))) {
		log_warn("vtlp: PATCH_TEXT at %#llx: site is not protected kernel text: "
			 "refused", (unsigned long long)s->p.pa[0]);
		return -EACCES;
	}
	ret = site_io(s, 0, s->p.size, mem, false);
	if (ret)
		return ret;
	if (s->known ? memcmp(mem, s->cur, s->p.size) != 0 : !site_bytes_valid(s, mem)) {
		log_error("vtlp: PATCH_TEXT at %#llx: the site holds %02x %02x.., not what "
			  "VTL1 left there or a form of its jump: refused",
			  (unsigned long long)s->p.pa[0], mem[0], mem[1]);
		return -EACCES;
	}
	if (!(s->kind == SITE_JUMP_LABEL ? poke_step(s, mem, k, req.size, req.code, next) :
	      call_step(s, mem, k, req.size, req.code, next))) {
		log_warn("vtlp: PATCH_TEXT at %#llx+%zu (%u bytes %02x..): not a text_poke_bp "
			 "step from the site's bytes %02x %02x..: refused",
			 (unsigned long long)s->p.pa[0], k, req.size, req.code[0], mem[0],
			 mem[1]);
		return -EACCES;
	}
	ret = site_io(s, k, req.size, next, true);
	if (ret) {
		s->known = false; /* re-read next time */
		return ret;
	}
	memcpy(s->cur, next, s->p.size);
	s->known = true;
	return 0;
}

bool vtlp_patch_sites_valid(uint64_t *bad)
{
	for (size_t i = 0; i < nsites; i++) {
		const struct site *s = &sites[i];
		uint8_t mem[5] = { 0 };

		if (s->dead || !s->known)
			continue;
		if (site_io(s, 0, s->p.size, mem, false) || memcmp(mem, s->cur, s->p.size) != 0 ||
		    !site_bytes_valid(s, mem)) {
			*bad = s->p.pa[0];
			return false;
		}
	}
	return true;
}
