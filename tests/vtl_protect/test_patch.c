// SPDX-License-Identifier: MIT
/* PATCH_TEXT against PatchInfo. */
#include <string.h>

#include "tests/vtl_protect/vtlp_test.h"

#define PT VSM_VTL_CALL_FUNC_ID_PATCH_TEXT
#define T0 (T_TEXT + 0x100)           /* a JMP32 site */
#define TX (T_TEXT + 0x1ffe)          /* a JMP32 site crossing into T_PAGE2 */
#define T_PAGE2 (T_TEXT + 0x5000)     /* not the next page: VA-contiguous only */
#define REQ (T_BUF + 0x800)

static const uint8_t jmp[5] = { 0xE9, 0x01, 0x02, 0x03, 0x04 };
static const uint8_t nop5[5] = { 0x0f, 0x1f, 0x44, 0x00, 0x00 };

static struct vtlp_patch mk(uint64_t pa0, uint64_t pa1, const uint8_t *code, uint8_t size)
{
	struct vtlp_patch p;

	memset(&p, 0, sizeof(p));
	p.pa[0] = pa0;
	p.pa[1] = pa1;
	p.size = size;
	memcpy(p.code, code, size > 5 ? 5 : size);
	return p;
}

static int64_t load_patchinfo(const struct vtlp_patch *p, size_t n, size_t extra)
{
	struct heki_range r = { .pa = T_BUF + 0x10000,
				.epa = T_BUF + 0x10000 + n * sizeof(*p) + extra,
				.attributes = VTLP_KDATA_PATCH_INFO };

	memcpy(fake_ram(T_BUF + 0x10000), p, n * sizeof(*p));
	vt_chain(&r, 1);
	return vt_call(VSM_VTL_CALL_FUNC_ID_LOAD_KDATA, T_CHAIN, 1, 0);
}

static int64_t request(struct vtlp_patch req)
{
	memcpy(fake_ram(REQ), &req, sizeof(req));
	return vt_call(PT, REQ, 0, 0);
}

static void setup(void)
{
	struct vtlp_patch p[2] = { mk(T0, 0, jmp, 5), mk(TX, T_PAGE2, jmp, 5) };

	vt_setup();
	CHECK_EQ(sizeof(struct vtlp_patch), 24);
	CHECK_EQ_INT(vt_protect(T_TEXT, T_TEXT + 0x6000, HEKI_ATTR_MEM_R | HEKI_ATTR_MEM_X |
			       HEKI_ATTR_MEM_IMMUTABLE), 0);
	memcpy(fake_ram(T0), nop5, 5);
	CHECK_EQ_INT(load_patchinfo(p, 2, 0), 0);
}

TEST(vtlp_patch_text_jump_label_steps)
{
	static const uint8_t int3 = 0xCC;

	setup();
	/* text_poke_bp_batch: INT3, tail bytes, first byte. */
	CHECK_EQ_INT(request(mk(T0, 0, &int3, 1)), 0);
	CHECK_EQ(*fake_ram(T0), 0xCC);
	CHECK_EQ_INT(request(mk(T0 + 1, 0, jmp + 1, 4)), 0);
	CHECK_MEM(fake_ram(T0 + 1), jmp + 1, 4);
	CHECK_EQ_INT(request(mk(T0, 0, jmp, 1)), 0);
	CHECK_MEM(fake_ram(T0), jmp, 5);
	/* And back to the NOP in one go. */
	CHECK_EQ_INT(request(mk(T0, 0, nop5, 5)), 0);
	CHECK_MEM(fake_ram(T0), nop5, 5);
	/* Still allowed after end of boot (jump labels flip at run time). */
	CHECK_EQ_INT(vt_call(VSM_VTL_CALL_FUNC_ID_SIGNAL_END_OF_BOOT, 0, 0, 0), 0);
	CHECK_EQ_INT(request(mk(T0, 0, jmp, 5)), 0);
	CHECK_MEM(fake_ram(T0), jmp, 5);
}

TEST(vtlp_patch_text_refuses_vtl0_chosen_bytes)
{
	static const uint8_t evil[5] = { 0x90, 0x90, 0x90, 0x90, 0xC3 };
	static const uint8_t int3 = 0xCC;

	setup();
	CHECK_EQ_INT(request(mk(T0, 0, evil, 5)), -EACCES);
	CHECK_MEM(fake_ram(T0), nop5, 5);
	CHECK_EQ_INT(request(mk(T0 + 1, 0, &int3, 1)), -EACCES);   /* INT3 only at byte 0 */
	CHECK_EQ_INT(request(mk(T0 + 1, 0, nop5, 5)), -ENOENT);      /* runs past the site */
	CHECK_EQ_INT(request(mk(T0 + 0x40, 0, jmp, 5)), -ENOENT);   /* nothing there */
	CHECK_EQ_INT(request(mk(T0, 0, jmp, 0)), -EINVAL);          /* size 0 */
	CHECK_EQ_INT(request(mk(T0, 0, jmp, 6)), -EINVAL);          /* size > 5 */
	CHECK_EQ_INT(request(mk(FAKE_VTL1_START, 0, jmp, 5)), -EINVAL);
	CHECK_EQ_INT(request(mk(T0, T_PAGE2, jmp, 5)), -EINVAL);    /* pa1 without crossing */
	CHECK_MEM(fake_ram(T0), nop5, 5);
	CHECK_EQ_INT(vt_call(PT, FAKE_VTL1_START, 0, 0), -EFAULT);  /* request in VTL1 */
}

TEST(vtlp_patch_text_page_crossing)
{
	static const uint8_t int3 = 0xCC;

	setup();
	/* TX = page end - 2: two bytes there, three at T_PAGE2. */
	CHECK_EQ_INT(request(mk(TX, T_PAGE2, jmp, 5)), 0);
	CHECK_MEM(fake_ram(TX), jmp, 2);
	CHECK_MEM(fake_ram(T_PAGE2), jmp + 2, 3);
	CHECK_EQ_INT(request(mk(TX, 0, &int3, 1)), 0);
	/* Step 2 from byte 1: one byte on the first page, three on the second. */
	CHECK_EQ_INT(request(mk(TX + 1, T_PAGE2, nop5 + 1, 4)), 0);
	CHECK_EQ(*fake_ram(TX + 1), nop5[1]);
	CHECK_MEM(fake_ram(T_PAGE2), nop5 + 2, 3);
	/* Step 2 with the wrong second page. */
	CHECK_EQ_INT(request(mk(TX + 1, T_PAGE2 + 0x1000, jmp + 1, 4)), -ENOENT);
	/* A request straddling two pages of its own, continued at pa1. */
	{
		struct vtlp_patch req = mk(T0, 0, jmp, 5);
		uint64_t at = T_BUF + 0x1000 - 10;

		memcpy(fake_ram(at), &req, 10);
		memcpy(fake_ram(T_BUF + 0x4000), (uint8_t *)&req + 10, sizeof(req) - 10);
		CHECK_EQ_INT(vt_call(PT, at, T_BUF + 0x4000, 0), 0);
		CHECK_MEM(fake_ram(T0), jmp, 5);
		CHECK_EQ_INT(vt_call(PT, at, T_BUF + 0x4008, 0), -EINVAL);
		CHECK_EQ_INT(vt_call(PT, at, 0, 0), -EINVAL);
	}
}

TEST(vtlp_patchinfo_validation)
{
	static const uint8_t not_jump[5] = { 0x48, 0x31, 0xc0, 0x90, 0x90 };
	struct vtlp_patch p[1];

	vt_setup();
	p[0] = mk(T0, 0, not_jump, 5);
	CHECK_EQ_INT(load_patchinfo(p, 1, 0), -EINVAL);
	p[0] = mk(T0, 0, jmp, 3);                 /* neither 2 nor 5 bytes */
	CHECK_EQ_INT(load_patchinfo(p, 1, 0), -EINVAL);
	p[0] = mk(FAKE_VTL1_START, 0, jmp, 5);    /* target in VTL1 */
	CHECK_EQ_INT(load_patchinfo(p, 1, 0), -EINVAL);
	p[0] = mk(T0, 0, jmp, 5);
	CHECK_EQ_INT(load_patchinfo(p, 1, 5), -EINVAL); /* not a multiple of 24 */
	CHECK_EQ_INT(request(mk(T0, 0, jmp, 5)), -ENOENT); /* nothing was loaded */
	CHECK_EQ_INT(load_patchinfo(p, 1, 0), 0);
	CHECK_EQ_INT(request(mk(T0, 0, jmp, 5)), -EACCES); /* text not protected yet */
	CHECK_EQ_INT(vt_protect(T_TEXT, T_TEXT + 0x1000, HEKI_ATTR_MEM_R | HEKI_ATTR_MEM_X), 0);
	CHECK_EQ_INT(request(mk(T0, 0, jmp, 5)), 0);
}

TEST(vtlp_patch_module_entries)
{
	static const uint8_t jmp8[2] = { 0xEB, 0x10 };
	static const uint8_t nop2[2] = { 0x66, 0x90 };
	struct vtlp_patch m = mk(T_TEXT + 0x3000, 0, jmp8, 2);

	setup();
	CHECK_EQ_INT(vtlp_patch_add(&m), 0);
	CHECK_EQ_INT(request(mk(T_TEXT + 0x3000, 0, nop2, 2)), 0);
	CHECK_MEM(fake_ram(T_TEXT + 0x3000), nop2, 2);
	vtlp_patch_forget(T_TEXT + 0x3000, T_TEXT + 0x4000);
	CHECK_EQ_INT(request(mk(T_TEXT + 0x3000, 0, jmp8, 2)), -ENOENT);
	CHECK_EQ_INT(request(mk(T0, 0, jmp, 5)), 0); /* kernel entries stay */
	m.code[0] = 0x90;
	CHECK_EQ_INT(vtlp_patch_add(&m), -EINVAL);
	/* A precomputed site outside protected text is never written. */
	m = mk(T_DATA + 0x10, 0, jmp8, 2);
	CHECK_EQ_INT(vtlp_patch_add(&m), 0);
	CHECK_EQ_INT(request(mk(T_DATA + 0x10, 0, jmp8, 2)), -EACCES);
	CHECK_EQ_INT(vt_protect(T_DATA, T_DATA + 0x1000, HEKI_ATTR_MEM_R), 0);
	CHECK_EQ_INT(request(mk(T_DATA + 0x10, 0, jmp8, 2)), -EACCES);
	CHECK_EQ(*fake_ram(T_DATA + 0x10), 0);
}
