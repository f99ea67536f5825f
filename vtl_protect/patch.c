// SPDX-License-Identifier: MIT
/*
 * PATCH_TEXT(pa0, pa1): VTL0 asks VTL1 to write a few bytes into protected
 * kernel text, the way text_poke_bp_batch() flips a jump label:
 *   step 1: INT3 (0xCC) over the first byte,
 *   step 2: the remaining bytes of the new instruction,
 *   step 3: the new first byte.
 * The request is a struct heki_patch {u64 pa[2]; u8 size; u8 code[5];
 * u8 pad[2]} (24 bytes) at VTL0 GPA pa0, continued at page pa1 when it
 * crosses a page.  Its own pa[0] is where the bytes go, pa[1] the page the
 * rest goes to when the target crosses a page.
 *
 * VTL1 only writes bytes it already knows: every request must match a
 * precomputed patch (from PatchInfo loaded before end of boot, or registered
 * by the module validator) covering exactly the same target bytes, and its
 * bytes must equal, at the same offsets, either the precomputed instruction
 * (a JMP8 0xEB or JMP32 0xE9), the NOP of that size, or INT3 on the first
 * byte.  The bytes written come from VTL1's tables, never from the request,
 * and only into memory VTL1 protects as executable.
 *
 * PatchInfo format (vtlguard's, documented in docs/vtl-call-abi.md): an
 * array of struct heki_patch, 24 bytes each, nothing else.
 */
#include <string.h>

#include "vtl_protect/internal.h"

#define INT3 0xCC

struct patch_entry {
	struct vtlp_patch p;
	bool module;
};

static struct patch_entry table[VTLP_PATCH_MAX];
static size_t npatches;

static const uint8_t nop2[2] = { 0x66, 0x90 };
static const uint8_t nop5[5] = { 0x0f, 0x1f, 0x44, 0x00, 0x00 };

void vtlp_patch_reset(void)
{
	npatches = 0;
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

static const uint8_t *nop_for(uint8_t size)
{
	return size == 2 ? nop2 : size == 5 ? nop5 : NULL;
}

/* A precomputed patch must be a jump label: JMP8/JMP32 or its NOP. */
static bool precomputed_ok(const struct vtlp_patch *p)
{
	const uint8_t *nop = nop_for(p->size);

	if (!patch_well_formed(p) || !nop)
		return false;
	if (p->size == 2 && p->code[0] == 0xEB)
		return true;
	if (p->size == 5 && p->code[0] == 0xE9)
		return true;
	return memcmp(p->code, nop, p->size) == 0;
}

int vtlp_patch_load_info(const uint8_t *data, size_t len)
{
	size_t n = len / sizeof(struct vtlp_patch), kept = 0;

	if (len % sizeof(struct vtlp_patch)) {
		log_warn("vtlp: PatchInfo is %zu bytes, not a multiple of %zu", len,
			 sizeof(struct vtlp_patch));
		return -EINVAL;
	}
	for (size_t i = 0; i < n; i++) {
		struct vtlp_patch p;

		memcpy(&p, data + i * sizeof(p), sizeof(p));
		if (!precomputed_ok(&p)) {
			log_warn("vtlp: PatchInfo entry %zu (pa %#llx size %u) is not a valid "
				 "jump-label patch: PatchInfo refused", i,
				 (unsigned long long)p.pa[0], p.size);
			return -EINVAL;
		}
	}
	/* Replace the kernel's entries, keep the modules'. */
	for (size_t i = 0; i < npatches; i++)
		if (table[i].module)
			table[kept++] = table[i];
	if (kept + n > VTLP_PATCH_MAX) {
		npatches = kept;
		return -E2BIG;
	}
	for (size_t i = 0; i < n; i++) {
		memcpy(&table[kept + i].p, data + i * sizeof(struct vtlp_patch),
		       sizeof(struct vtlp_patch));
		table[kept + i].module = false;
	}
	npatches = kept + n;
	log_info("vtlp: PatchInfo: %zu jump-label patches", n);
	return 0;
}

int vtlp_patch_add(const struct vtlp_patch *p)
{
	int ret = 0;

	if (!precomputed_ok(p))
		return -EINVAL;
	north_lock(&vtlp.lock);
	if (npatches == VTLP_PATCH_MAX) {
		ret = -ENOSPC;
	} else {
		table[npatches].p = *p;
		table[npatches].module = true;
		npatches++;
	}
	north_unlock(&vtlp.lock);
	return ret;
}

void vtlp_patch_forget(uint64_t pa, uint64_t epa)
{
	size_t kept = 0;

	north_lock(&vtlp.lock);
	for (size_t i = 0; i < npatches; i++)
		if (!(table[i].p.pa[0] >= pa && table[i].p.pa[0] < epa))
			table[kept++] = table[i];
	npatches = kept;
	north_unlock(&vtlp.lock);
}

/*
 * Offset of req's first byte within e, when every byte of req maps to the
 * same physical byte of e; -1 otherwise.
 */
static int match_offset(const struct vtlp_patch *e, const struct vtlp_patch *req)
{
	for (size_t k = 0; k < e->size; k++) {
		if (byte_pa(e, k) != req->pa[0])
			continue;
		if (k + req->size > e->size)
			return -1;
		for (size_t i = 0; i < req->size; i++)
			if (byte_pa(e, k + i) != byte_pa(req, i))
				return -1;
		return (int)k;
	}
	return -1;
}

/* VTL1's own copy of the bytes req asks for, or NULL when not allowed. */
static const uint8_t *allowed_bytes(const struct vtlp_patch *e, size_t k,
				    const struct vtlp_patch *req)
{
	static const uint8_t int3[1] = { INT3 };
	const uint8_t *nop = nop_for(e->size);

	if (memcmp(req->code, e->code + k, req->size) == 0)
		return e->code + k;
	if (nop && memcmp(req->code, nop + k, req->size) == 0)
		return nop + k;
	if (k == 0 && req->size == 1 && req->code[0] == INT3)
		return int3;
	return NULL;
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

/* Called with vtlp.lock held. */
int64_t vtlp_patch_text(uint64_t pa0, uint64_t pa1)
{
	struct vtlp_patch req;
	const struct vtlp_patch *e = NULL;
	const uint8_t *bytes = NULL;
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
	for (size_t i = 0; i < npatches && !bytes; i++) {
		int off = match_offset(&table[i].p, &req);

		if (off < 0)
			continue;
		e = &table[i].p;
		k = (size_t)off;
		bytes = allowed_bytes(e, k, &req);
	}
	if (!e) {
		log_warn("vtlp: PATCH_TEXT at %#llx: no precomputed patch covers it: refused",
			 (unsigned long long)req.pa[0]);
		return -ENOENT;
	}
	if (!bytes) {
		log_warn("vtlp: PATCH_TEXT at %#llx: bytes are neither the jump, its NOP nor "
			 "INT3: refused", (unsigned long long)req.pa[0]);
		return -EACCES;
	}
	n0 = first_page_bytes(&req);
	if (!in_protected_text(req.pa[0], n0) ||
	    (n0 < req.size && !in_protected_text(req.pa[1], req.size - n0))) {
		log_warn("vtlp: PATCH_TEXT at %#llx: target is not protected kernel text: "
			 "refused", (unsigned long long)req.pa[0]);
		return -EACCES;
	}
	ret = north_copy_out(req.pa[0], bytes, n0);
	if (!ret && n0 < req.size)
		ret = north_copy_out(req.pa[1], bytes + n0, req.size - n0);
	return ret;
}
