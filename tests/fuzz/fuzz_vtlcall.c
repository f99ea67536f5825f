// SPDX-License-Identifier: MIT
/*
 * libFuzzer harness: VSM calls from a hostile VTL0, on the real engine
 * (vtl_protect/, north/) over the fake South.  Built several times with a
 * different FZ_CALLS set so each binary concentrates on one parser:
 *   fuzz-chain    PROTECT_MEMORY range-page chains
 *   fuzz-kdata    LOAD_KDATA blobs (and the PatchInfo table they carry)
 *   fuzz-patch    PATCH_TEXT requests against loaded PatchInfo
 *   fuzz-modcall  VALIDATE_MODULE / KEXEC_VALIDATE / COPY_SECONDARY_KEY ...
 *   fuzz-vtlcall  every call, in any order
 *
 * Input: u8 nops (1 + n % 4), then nops x 32-byte ops
 *   { u8 call selector, u8 vp, u16 pad, u32 pad, u64 a0, u64 a1, u64 a2 },
 * then up to FZ_MAX_DATA bytes copied into VTL0 RAM at FZ_BASE (range
 * pages, blobs, "kernel text" ...).  Arguments are raw: seeds name GPAs in
 * the data area (tests/fuzz/mkseeds.py).
 */
#include <stddef.h>
#include <stdint.h>

#include "tests/fuzz/fuzz.h"
#include "vtl_protect/internal.h"

struct call {
	uint64_t id;
	const char *name;
};

static const struct call calls[] = {
	{ VSM_VTL_CALL_FUNC_ID_PROTECT_MEMORY, "PROTECT_MEMORY" },       /* 0 */
	{ VSM_VTL_CALL_FUNC_ID_LOAD_KDATA, "LOAD_KDATA" },               /* 1 */
	{ VSM_VTL_CALL_FUNC_ID_PATCH_TEXT, "PATCH_TEXT" },               /* 2 */
	{ VSM_VTL_CALL_FUNC_ID_ALLOCATE_RINGBUFFER_MEMORY, "RING" },     /* 3 */
	{ VSM_VTL_CALL_FUNC_ID_SIGNAL_END_OF_BOOT, "END_OF_BOOT" },      /* 4 */
	{ VSM_VTL_CALL_FUNC_ID_LOCK_REGS, "LOCK_REGS" },                 /* 5 */
	{ VTLGUARD_CALL_GET_MEASUREMENTS, "GET_MEASUREMENTS" },          /* 6 */
	{ VSM_VTL_CALL_FUNC_ID_VALIDATE_MODULE, "VALIDATE_MODULE" },     /* 7 */
	{ VSM_VTL_CALL_FUNC_ID_FREE_MODULE_INIT, "FREE_MODULE_INIT" },   /* 8 */
	{ VSM_VTL_CALL_FUNC_ID_UNLOAD_MODULE, "UNLOAD_MODULE" },         /* 9 */
	{ VSM_VTL_CALL_FUNC_ID_COPY_SECONDARY_KEY, "COPY_SECONDARY_KEY" }, /* 10 */
	{ VSM_VTL_CALL_FUNC_ID_KEXEC_VALIDATE, "KEXEC_VALIDATE" },       /* 11 */
	{ 0, "raw id (a2 >> 32)" },                                      /* 12 */
};

/* Bit i: calls[i] may be selected.  Selector byte % popcount picks one. */
#ifndef FZ_CALLS
#define FZ_CALLS 0x1FFFu
#endif

#define OP_SIZE 32
#define MAX_OPS 4

static unsigned int allowed[ARRAY_SIZE(calls)];
static unsigned int nallowed;

static void init_allowed(void)
{
	for (unsigned int i = 0; i < ARRAY_SIZE(calls); i++)
		if (FZ_CALLS & (1u << i))
			allowed[nallowed++] = i;
	/* Raw ids (12) and the validator's calls (7..11) need its hooks. */
	fz_want_hooks = (FZ_CALLS & 0x1F80u) != 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fz_in in = { data, size };
	unsigned int nops;
	size_t hdr;
	int ret;

	if (!nallowed)
		init_allowed();
	if (size < 1 + OP_SIZE)
		return 0;
	nops = 1 + fz_u8(&in) % MAX_OPS;
	hdr = 1 + (size_t)nops * OP_SIZE;
	if (size < hdr)
		return 0;
	ret = fz_engine_reset(NULL, 0);
	FZ_ASSERT(ret == 0, "engine start with the default policy failed: %d", ret);
	fz_place(data + hdr, size - hdr);

	for (unsigned int i = 0; i < nops; i++) {
		const struct call *c = &calls[allowed[fz_u8(&in) % nallowed]];
		unsigned int vp = fz_u8(&in) % 2;
		uint64_t a0, a1, a2, id;
		int64_t r;

		fz_u8(&in);
		fz_u8(&in);
		fz_u32(&in);
		a0 = fz_u64(&in);
		a1 = fz_u64(&in);
		a2 = fz_u64(&in);
		id = c->id ? c->id : a2 >> 32;
		fz_set_step(c->name, id == VSM_VTL_CALL_FUNC_ID_PATCH_TEXT);
		r = vtlp_vtl_call(vp, id, a0, a1, a2);
		fz_check_result(c->name, r);
		if (id == VSM_VTL_CALL_FUNC_ID_PATCH_TEXT || id == VSM_VTL_CALL_FUNC_ID_PROTECT_MEMORY ||
		    id == VSM_VTL_CALL_FUNC_ID_LOAD_KDATA || id == VSM_VTL_CALL_FUNC_ID_LOCK_REGS)
			FZ_ASSERT(r <= 0, "%s returned positive %lld", c->name, (long long)r);
		if (vtlp_end_of_boot_done() &&
		    (id == VSM_VTL_CALL_FUNC_ID_PROTECT_MEMORY || id == VSM_VTL_CALL_FUNC_ID_LOAD_KDATA ||
		     id == VSM_VTL_CALL_FUNC_ID_LOCK_REGS) && r != -EPERM) {
			/* The call that ended boot is not one of these three. */
			fz_fail("%s after end of boot returned %lld, not -EPERM", c->name,
				(long long)r);
		}
		if (id == VSM_VTL_CALL_FUNC_ID_PATCH_TEXT) {
			uint64_t bad = 0;

			/* issue 13 RT4: no order of steps leaves a mixed site */
			FZ_ASSERT(vtlp_patch_sites_valid(&bad), "jump-label site %#llx holds "
				  "neither a form nor INT3 + a form's tail", (unsigned long long)bad);
		}
		fz_check_memory();
	}
	fz_set_step("done", false);
	fz_check_map();
	return 0;
}
