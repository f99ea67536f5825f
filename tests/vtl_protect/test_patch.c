// SPDX-License-Identifier: MIT
/* PATCH_TEXT against PatchInfo (heki_patch_info blocks) and module sites. */
#include <string.h>

#include "core/compiler.h"
#include "tests/vtl_protect/vtlp_test.h"

#define PT VSM_VTL_CALL_FUNC_ID_PATCH_TEXT
#define LK VSM_VTL_CALL_FUNC_ID_LOAD_KDATA
#define T0 (T_TEXT + 0x100)           /* a JMP32 site */
#define TX (T_TEXT + 0x1ffe)          /* a JMP32 site crossing into T_PAGE2 */
#define T1 (T_TEXT + 0x2fff)          /* a JMP8 site with one byte per page */
#define T_PAGE2 (T_TEXT + 0x5000)     /* not the next page: VA-contiguous only */
#define T_PAGE3 (T_TEXT + 0x4000)
#define REQ (T_BUF + 0x800)
#define PI_AT (T_BUF + 0x10000)       /* PatchInfo bytes in VTL0 */

static const uint8_t jmp[5] = { 0xE9, 0x01, 0x02, 0x03, 0x04 };
static const uint8_t nop5[5] = { 0x0f, 0x1f, 0x44, 0x00, 0x00 };
static const uint8_t jmp8[2] = { 0xEB, 0x10 };
static const uint8_t nop2[2] = { 0x66, 0x90 };
static const uint8_t int3 = 0xCC;

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

/* One heki_patch_info header: type, list_head, mod, patch_idx, max. */
static size_t put_hdr(uint8_t *at, uint32_t type, uint64_t idx, uint64_t max)
{
	memset(at, 0, 48);
	memcpy(at, &type, 4);
	memset(at + 8, 0xAB, 16); /* list_head: VTL0 pointers, ignored */
	memcpy(at + 32, &idx, 8);
	memcpy(at + 40, &max, 8);
	return 48;
}

/* Blocks of `per` entries each (the last one shorter), as VTL0 sends them. */
static size_t build_pi(uint8_t *b, const struct vtlp_patch *p, size_t n, size_t per)
{
	size_t len = 0, done = 0;

	do {
		size_t k = n - done < per ? n - done : per;

		len += put_hdr(b + len, 0, k, per);
		memcpy(b + len, p + done, k * sizeof(*p));
		len += k * sizeof(*p);
		done += k;
	} while (done < n);
	return len;
}

/* Send `len` bytes at PI_AT as PatchInfo, cut at every page like vmalloc. */
static int64_t send_pi(size_t len)
{
	static struct heki_range r[256];
	size_t n = 0;

	for (uint64_t pa = PI_AT; pa < PI_AT + len && n < 256;) {
		uint64_t next = (pa | 0xfff) + 1, end = PI_AT + len;

		r[n++] = (struct heki_range){ 0xffffc90000000000ull + pa, pa,
					      next < end ? next : end, VTLP_KDATA_PATCH_INFO };
		pa = next;
	}
	if (!n)
		r[n++] = (struct heki_range){ 0, PI_AT, PI_AT, VTLP_KDATA_PATCH_INFO };
	vt_chain(r, n);
	return vt_call(LK, T_CHAIN, n, 0);
}

static int64_t load_patchinfo(const struct vtlp_patch *p, size_t n)
{
	return send_pi(build_pi(fake_ram(PI_AT), p, n, n ? n : 1));
}

static int64_t request(struct vtlp_patch req)
{
	memcpy(fake_ram(REQ), &req, sizeof(req));
	return vt_call(PT, REQ, 0, 0);
}

static void setup(void)
{
	struct vtlp_patch p[3] = { mk(T0, 0, jmp, 5), mk(TX, T_PAGE2, jmp, 5),
				   mk(T1, T_PAGE3, jmp8, 2) };

	vt_setup();
	CHECK_EQ(sizeof(struct vtlp_patch), 24);
	CHECK_EQ_INT(vt_protect(T_TEXT, T_TEXT + 0x6000, HEKI_ATTR_MEM_R | HEKI_ATTR_MEM_X |
			       HEKI_ATTR_MEM_IMMUTABLE), 0);
	memcpy(fake_ram(T0), nop5, 5);
	memcpy(fake_ram(TX), nop5, 2);
	memcpy(fake_ram(T_PAGE2), nop5 + 2, 3);
	*fake_ram(T1) = nop2[0];
	*fake_ram(T_PAGE3) = nop2[1];
	CHECK_EQ_INT(load_patchinfo(p, 3), 0);
}

TEST(vtlp_patch_text_jump_label_steps)
{
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
	/* A 2-byte site whose bytes sit on two pages: its tail is one byte. */
	CHECK_EQ_INT(request(mk(T1, 0, &int3, 1)), 0);
	CHECK_EQ_INT(request(mk(T_PAGE3, 0, jmp8 + 1, 1)), 0);
	CHECK_EQ_INT(request(mk(T1, 0, jmp8, 1)), 0);
	CHECK_EQ(*fake_ram(T1), 0xEB);
	CHECK_EQ(*fake_ram(T_PAGE3), 0x10);
}

TEST(vtlp_patch_text_refuses_vtl0_chosen_bytes)
{
	static const uint8_t evil[5] = { 0x90, 0x90, 0x90, 0x90, 0xC3 };

	setup();
	CHECK_EQ_INT(request(mk(T0, 0, evil, 5)), -EACCES);
	CHECK_MEM(fake_ram(T0), nop5, 5);
	CHECK_EQ_INT(request(mk(T0 + 1, 0, &int3, 1)), -EACCES);   /* INT3 only at byte 0 */
	/* No site there, and VTL0 could not write protected text itself:
	 * -EACCES (LVBS would fault in __text_poke after -ENOENT). */
	CHECK_EQ_INT(request(mk(T0 + 1, 0, nop5, 5)), -EACCES);      /* runs past the site */
	CHECK_EQ_INT(request(mk(T0 + 0x40, 0, jmp, 5)), -EACCES);   /* nothing there */
	CHECK(vt_lines("VTL1 write-protects them") >= 2);
	CHECK_EQ_INT(request(mk(T0, 0, jmp, 0)), -EINVAL);          /* size 0 */
	CHECK_EQ_INT(request(mk(T0, 0, jmp, 6)), -EINVAL);          /* size > 5 */
	CHECK_EQ_INT(request(mk(FAKE_VTL1_START, 0, jmp, 5)), -EINVAL);
	CHECK_EQ_INT(request(mk(T0, T_PAGE2, jmp, 5)), -EINVAL);    /* pa1 without crossing */
	CHECK_MEM(fake_ram(T0), nop5, 5);
	CHECK_EQ_INT(vt_call(PT, FAKE_VTL1_START, 0, 0), -EFAULT);  /* request in VTL1 */
}

/* Issue 13 RT4: the two mixed sequences; each must leave a valid site. */
TEST(vtlp_patch_text_rt4_mixed_sequences)
{
	setup();
	/* JMP bytes 1..4, then the NOP's byte 0: would leave 0f 01 02 03 04. */
	CHECK_EQ_INT(request(mk(T0 + 1, 0, jmp + 1, 4)), -EACCES);
	CHECK_EQ_INT(request(mk(T0, 0, nop5, 1)), -EACCES);
	CHECK_MEM(fake_ram(T0), nop5, 5);
	/* INT3, NOP bytes 2..4, JMP byte 1: would leave cc 01 44 00 00. */
	CHECK_EQ_INT(request(mk(T0, 0, &int3, 1)), 0);
	CHECK_EQ_INT(request(mk(T0 + 2, 0, nop5 + 2, 3)), -EACCES);
	CHECK_EQ_INT(request(mk(T0 + 1, 0, jmp + 1, 1)), -EACCES);
	CHECK_EQ(*fake_ram(T0), 0xCC);
	CHECK_MEM(fake_ram(T0 + 1), nop5 + 1, 4);
	/* From INT3 + old tail the only ways on are the real ones. */
	CHECK_EQ_INT(request(mk(T0, 0, jmp, 1)), -EACCES); /* JMP's byte 0 on the NOP tail */
	CHECK_EQ_INT(request(mk(T0, 0, jmp, 5)), -EACCES); /* whole form over INT3 */
	CHECK_EQ_INT(request(mk(T0 + 1, 0, jmp + 1, 4)), 0);
	CHECK_EQ_INT(request(mk(T0, 0, nop5, 1)), -EACCES); /* NOP's byte 0 on the JMP tail */
	CHECK_EQ_INT(request(mk(T0, 0, jmp, 1)), 0);
	CHECK_MEM(fake_ram(T0), jmp, 5);
	CHECK(vt_lines("not a text_poke_bp step") >= 5);
}

/* Is b one of: NOP, JMP, CC + NOP tail, CC + JMP tail? */
static bool valid5(const uint8_t *b)
{
	for (int f = 0; f < 2; f++) {
		const uint8_t *y = f ? jmp : nop5;

		if (memcmp(b + 1, y + 1, 4) == 0 && (b[0] == y[0] || b[0] == 0xCC))
			return true;
	}
	return false;
}

/* Every partial step VTL0 could ask for at T0: any offset, length, source. */
struct step {
	uint8_t k, n;
	const uint8_t *src; /* bytes src[k..k+n) */
};

static size_t all_steps(struct step *s)
{
	static const uint8_t cc5[5] = { 0xCC, 0xCC, 0xCC, 0xCC, 0xCC };
	const uint8_t *srcs[3] = { jmp, nop5, cc5 };
	size_t n = 0;

	for (int f = 0; f < 3; f++)
		for (uint8_t k = 0; k < 5; k++)
			for (uint8_t len = 1; k + len <= 5; len++)
				s[n++] = (struct step){ k, len, srcs[f] };
	return n;
}

static int64_t do_step(const struct step *s)
{
	return request(mk(T0 + s->k, 0, s->src + s->k, s->n));
}

/*
 * The sweep: from each of the four valid states, every possible partial
 * step leaves a valid state (so by induction every ordering of steps does),
 * plus long random walks over all steps.
 */
TEST(vtlp_patch_text_sequence_sweep)
{
	static struct step st[64];
	size_t ns = all_steps(st);
	/* Reach each state from a fresh site with the real steps. */
	static const struct step to_state[4][3] = {
		{ { 0, 0, NULL } },                                     /* NOP */
		{ { 0, 1, NULL } },                                     /* CC + NOP tail */
		{ { 0, 1, NULL }, { 1, 4, jmp } },                      /* CC + JMP tail */
		{ { 0, 5, jmp } },                                      /* JMP */
	};
	static const uint8_t cc1[5] = { 0xCC };
	unsigned int accepted = 0;
	uint32_t rnd = 12345;

	for (int state = 0; state < 4; state++) {
		for (size_t i = 0; i < ns; i++) {
			setup();
			for (int j = 0; j < 3 && to_state[state][j].n; j++) {
				struct step s = to_state[state][j];

				if (!s.src)
					s.src = cc1;
				CHECK_EQ_INT(do_step(&s), 0);
			}
			if (do_step(&st[i]) == 0)
				accepted++;
			if (!valid5(fake_ram(T0))) {
				fprintf(stderr, "state %d step k=%u n=%u src=%02x: site %02x %02x "
					"%02x %02x %02x\n", state, st[i].k, st[i].n, st[i].src[0],
					fake_ram(T0)[0], fake_ram(T0)[1], fake_ram(T0)[2],
					fake_ram(T0)[3], fake_ram(T0)[4]);
				CHECK(false);
				return;
			}
		}
	}
	/* Exactly the real steps are accepted: from a whole form INT3 and the
	 * two whole forms; from INT3 + a tail the two tails and the first
	 * byte of the form whose tail is there: 4 x 3. */
	CHECK_EQ(accepted, 12);
	setup();
	for (int i = 0; i < 20000; i++) {
		rnd = rnd * 1103515245u + 12345u;
		(void)do_step(&st[(rnd >> 16) % ns]);
		if (!valid5(fake_ram(T0))) {
			CHECK(false);
			return;
		}
	}
}

TEST(vtlp_patch_text_site_changed_behind_vtl1)
{
	setup();
	CHECK_EQ_INT(request(mk(T0, 0, &int3, 1)), 0);
	/* Memory no longer holds what VTL1 left (as if rewritten while RW). */
	*fake_ram(T0) = 0x0f;
	CHECK_EQ_INT(request(mk(T0 + 1, 0, jmp + 1, 4)), -EACCES);
	CHECK(vt_lines("not what VTL1 left there") == 1);
	/* A site that never held a form is never touched. */
	setup();
	memcpy(fake_ram(T0), "\x0f\x01\x02\x03\x04", 5);
	CHECK_EQ_INT(request(mk(T0, 0, &int3, 1)), -EACCES);
	CHECK_MEM(fake_ram(T0), "\x0f\x01\x02\x03\x04", 5);
}

TEST(vtlp_patch_text_page_crossing)
{
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
	CHECK_EQ_INT(request(mk(TX + 1, T_PAGE2 + 0x1000, jmp + 1, 4)), -EACCES);
	CHECK_EQ_INT(request(mk(TX, 0, nop5, 1)), 0);
	CHECK_MEM(fake_ram(TX), nop5, 2);
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
	struct vtlp_patch p[2];
	uint8_t *b = fake_ram(PI_AT);
	size_t len;

	vt_setup();
	p[0] = mk(T0, 0, not_jump, 5);
	CHECK_EQ_INT(load_patchinfo(p, 1), -EINVAL);
	p[0] = mk(T0, 0, nop5, 5);                /* the NOP form: PatchInfo sends the JMP */
	CHECK_EQ_INT(load_patchinfo(p, 1), -EINVAL);
	p[0] = mk(T0, 0, jmp, 3);                 /* neither 2 nor 5 bytes */
	CHECK_EQ_INT(load_patchinfo(p, 1), -EINVAL);
	p[0] = mk(FAKE_VTL1_START, 0, jmp, 5);    /* target in VTL1 */
	CHECK_EQ_INT(load_patchinfo(p, 1), -EINVAL);
	p[0] = mk(T0, 0, jmp, 5);
	p[1] = mk(T0 + 3, 0, jmp8, 2);            /* overlapping sites */
	CHECK_EQ_INT(load_patchinfo(p, 2), -EINVAL);
	/* Framing: truncated entries, short header, unknown type, idx > max. */
	len = build_pi(b, p, 1, 1);
	CHECK_EQ_INT(send_pi(len - 1), -EINVAL);
	CHECK_EQ_INT(send_pi(len + 20), -EINVAL);
	put_hdr(b, 1, 1, 1);
	CHECK_EQ_INT(send_pi(len), -EINVAL);
	put_hdr(b, 0, 2, 1);
	CHECK_EQ_INT(send_pi(len + 24), -EINVAL);
	CHECK(vt_lines("PatchInfo block 0 has patch type 1") == 1);
	CHECK_EQ_INT(request(mk(T0, 0, jmp, 5)), -ENOENT); /* nothing was loaded */
	CHECK_EQ_INT(load_patchinfo(p, 1), 0);
	CHECK_EQ_INT(request(mk(T0, 0, jmp, 5)), -EACCES); /* text not protected yet */
	CHECK_EQ_INT(vt_protect(T_TEXT, T_TEXT + 0x1000, HEKI_ATTR_MEM_R | HEKI_ATTR_MEM_X), 0);
	memcpy(fake_ram(T0), nop5, 5);
	CHECK_EQ_INT(request(mk(T0, 0, jmp, 5)), 0);
}

/* Real framing: several blocks, one with patch_idx 0, split over pages. */
TEST(vtlp_patchinfo_blocks_across_pages)
{
	static struct vtlp_patch p[400];
	uint8_t *b = fake_ram(PI_AT);
	size_t len = 0;

	vt_setup();
	for (size_t i = 0; i < 400; i++)
		p[i] = mk(T_TEXT + 0x10 * i, 0, jmp, 5);
	len += put_hdr(b + len, 0, 0, 16);         /* an empty block is legal */
	len += build_pi(b + len, p, 150, 150);
	len += put_hdr(b + len, 0, 0, 0);
	len += build_pi(b + len, p + 150, 250, 100); /* three blocks, max 100 */
	CHECK(len > 2 * 4096);
	CHECK_EQ_INT(send_pi(len), 0);
	CHECK(vt_lines("PatchInfo: 400 jump-label sites") == 1);
	CHECK_EQ_INT(vt_protect(T_TEXT, T_TEXT + 0x2000, HEKI_ATTR_MEM_R | HEKI_ATTR_MEM_X), 0);
	for (size_t i = 0; i < 400; i += 37) {
		memcpy(fake_ram(p[i].pa[0]), nop5, 5);
		CHECK_EQ_INT(request(mk(p[i].pa[0], 0, jmp, 5)), 0);
	}
	/* PatchInfo with no bytes at all: the kernel's sites are gone. */
	CHECK_EQ_INT(send_pi(0), 0);
	CHECK_EQ_INT(request(mk(p[0].pa[0], 0, nop5, 5)), -EACCES);
}

/* A refused PatchInfo fails its call and keeps what was loaded before. */
TEST(vtlp_patchinfo_refusal_keeps_earlier_kdata)
{
	struct heki_range r[2] = {
		{ 0, T_BUF, T_BUF + 0x100, VTLP_KDATA_SYSTEM_CERTS },
		{ 0, PI_AT, PI_AT + 48 + 24, VTLP_KDATA_PATCH_INFO },
	};
	struct vtlp_patch p = mk(T0, 0, jmp, 5);
	const uint8_t *d;
	size_t len;

	vt_setup();
	memset(fake_ram(T_BUF), 0x5a, 0x100);
	build_pi(fake_ram(PI_AT), &p, 1, 1);
	vt_chain(r, 2);
	CHECK_EQ_INT(vt_call(LK, T_CHAIN, 2, 0), 0);
	/* Same call again with a bad entry and other certs. */
	memset(fake_ram(T_BUF), 0x77, 0x100);
	fake_ram(PI_AT + 48 + 17)[0] = 0x90;
	CHECK_EQ_INT(vt_call(LK, T_CHAIN, 2, 0), -EINVAL);
	CHECK(vt_lines("kernel data loaded before is kept") == 1);
	CHECK_EQ_INT(vtlp_kdata_get(VTLP_KDATA_SYSTEM_CERTS, &d, &len), 0);
	CHECK_EQ(len, 0x100);
	CHECK_EQ(d[0], 0x5a);
	CHECK_EQ_INT(vt_protect(T_TEXT, T_TEXT + 0x1000, HEKI_ATTR_MEM_R | HEKI_ATTR_MEM_X), 0);
	memcpy(fake_ram(T0), nop5, 5);
	CHECK_EQ_INT(request(mk(T0, 0, jmp, 5)), 0); /* the old PatchInfo still serves */
}

/* Sized for distribution kernels: 64k sites in one PatchInfo. */
TEST(vtlp_patchinfo_64k_sites)
{
	enum { N = 65536 };
	static struct vtlp_patch p[N];
	uint8_t *b = fake_ram(0xB00000);
	size_t len = 0, done = 0;
	static struct heki_range r[1024];
	size_t nr = 0;

	vt_setup();
	for (size_t i = 0; i < N; i++)
		p[i] = mk(0x1000000 + 8 * i, 0, jmp, 5);
	while (done < N) {
		len += build_pi(b + len, p + done, 4096, 4096);
		done += 4096;
	}
	for (uint64_t pa = 0xB00000; pa < 0xB00000 + len; pa += 0x1000)
		r[nr++] = (struct heki_range){ 0, pa, MIN(pa + 0x1000, 0xB00000 + len),
					       VTLP_KDATA_PATCH_INFO };
	vt_chain(r, nr);
	CHECK_EQ_INT(vt_call(LK, T_CHAIN, nr, 0), 0);
	CHECK(vt_lines("PatchInfo: 65536 jump-label sites") == 1);
	CHECK_EQ_INT(vt_protect(0x1000000, 0x1000000 + 8 * N, HEKI_ATTR_MEM_R | HEKI_ATTR_MEM_X),
		     0);
	memcpy(fake_ram(p[N - 1].pa[0]), nop5, 5);
	CHECK_EQ_INT(request(mk(p[N - 1].pa[0], 0, &int3, 1)), 0);
}

TEST(vtlp_patch_module_entries)
{
	struct vtlp_patch m[2] = { mk(T_TEXT + 0x3000, 0, jmp8, 2),
				   mk(T_TEXT + 0x3010, 0, jmp8, 2) };
	bool init[2] = { false, true };

	setup();
	memcpy(fake_ram(T_TEXT + 0x3000), nop2, 2);
	memcpy(fake_ram(T_TEXT + 0x3010), nop2, 2);
	CHECK_EQ_INT(vtlp_patch_add_module(7, m, init, 2), 0);
	CHECK_EQ_INT(request(mk(T_TEXT + 0x3000, 0, jmp8, 2)), 0);
	CHECK_MEM(fake_ram(T_TEXT + 0x3000), jmp8, 2);
	/* A new kernel PatchInfo keeps the module's sites. */
	{
		struct vtlp_patch k = mk(T0, 0, jmp, 5);

		CHECK_EQ_INT(load_patchinfo(&k, 1), 0);
	}
	CHECK_EQ_INT(request(mk(T_TEXT + 0x3010, 0, jmp8, 2)), 0);
	/* FREE_MODULE_INIT drops the init site only. */
	vtlp_patch_drop_module(7, true);
	CHECK_EQ_INT(request(mk(T_TEXT + 0x3010, 0, nop2, 2)), -EACCES);
	CHECK_EQ_INT(request(mk(T_TEXT + 0x3000, 0, nop2, 2)), 0);
	/* UNLOAD_MODULE drops the rest. */
	vtlp_patch_drop_module(7, false);
	CHECK_EQ_INT(request(mk(T_TEXT + 0x3000, 0, jmp8, 2)), -EACCES);
	CHECK_EQ_INT(request(mk(T0, 0, jmp, 5)), 0); /* kernel entries stay */
	/* Malformed or overlapping module sites are refused, all or nothing. */
	m[1].code[0] = 0x90;
	CHECK_EQ_INT(vtlp_patch_add_module(8, m, NULL, 2), -EINVAL);
	m[1] = mk(T0 + 2, 0, jmp8, 2);
	CHECK_EQ_INT(vtlp_patch_add_module(8, m, NULL, 2), -EINVAL);
	CHECK_EQ_INT(request(mk(T_TEXT + 0x3000, 0, jmp8, 2)), -EACCES);
	/* A precomputed site outside protected text is never written. */
	m[0] = mk(T_DATA + 0x10, 0, jmp8, 2);
	CHECK_EQ_INT(vtlp_patch_add_module(9, m, NULL, 1), 0);
	CHECK_EQ_INT(request(mk(T_DATA + 0x10, 0, jmp8, 2)), -EACCES);
	CHECK_EQ_INT(vt_protect(T_DATA, T_DATA + 0x1000, HEKI_ATTR_MEM_R), 0);
	CHECK_EQ_INT(request(mk(T_DATA + 0x10, 0, jmp8, 2)), -EACCES);
	CHECK_EQ(*fake_ram(T_DATA + 0x10), 0);
}

/*
 * An unknown site: -ENOENT ("VTL0 writes it itself") only where VTL1 lets
 * VTL0 write; in write-protected memory -EACCES with a log line, because
 * LVBS's own write there would fault in the middle of text_poke.
 */
TEST(vtlp_patch_text_unknown_site_result)
{
	setup();
	/* unprotected VTL0 memory: harmless, VTL0 writes itself */
	CHECK_EQ_INT(request(mk(T_DATA + 0x20, 0, jmp, 5)), -ENOENT);
	CHECK(vt_lines("VTL0 writes them itself (-ENOENT)") >= 1);
	/* protected but writable (what module pages go back to): still -ENOENT */
	CHECK_EQ_INT(vt_protect(T_DATA, T_DATA + 0x1000, HEKI_ATTR_MEM_R | HEKI_ATTR_MEM_W), 0);
	CHECK_EQ_INT(request(mk(T_DATA + 0x20, 0, jmp, 5)), -ENOENT);
	/* read-only data or text without a site: -EACCES, nothing written */
	CHECK_EQ_INT(vt_protect(T_DATA, T_DATA + 0x1000, HEKI_ATTR_MEM_R), 0);
	CHECK_EQ_INT(request(mk(T_DATA + 0x20, 0, jmp, 5)), -EACCES);
	CHECK_EQ_INT(request(mk(T0 + 0x80, 0, jmp, 5)), -EACCES);
	CHECK_EQ(*fake_ram(T_DATA + 0x20), 0);
}

/*
 * Static calls (issue 15 section 3): a module's call site toggles between
 * legal targets with text_poke_bp's three steps, to NOP5 and back; a target
 * outside validated text (module data, unprotected memory) is refused at
 * the step that would introduce it, the site keeps VTL1's bytes.
 */
#define SC_PA   (T_TEXT + 0x3100)                 /* the call site */
#define SC_VA   0xffffffffc0003100ull             /* its VA */
#define MTEXT_VA 0xffffffffc0000000ull            /* module Text [VA, +16 KiB) */
#define KVA_RO  0xffffffff82000000ull              /* kernel __start_rodata */
#define KDELTA  (0xffffffff81000000ull - T_TEXT)   /* kernel VA - PA */

static void call_to(uint64_t site_va, uint64_t target, uint8_t op, uint8_t out[5])
{
	int32_t rel = (int32_t)(target - (site_va + 5));

	out[0] = op;
	memcpy(out + 1, &rel, 4);
}

static int64_t step3(uint64_t pa, const uint8_t *want)
{
	int64_t r = request(mk(pa, 0, &int3, 1));

	if (r)
		return r;
	r = request(mk(pa + 1, 0, want + 1, 4));
	if (r)
		return r;
	return request(mk(pa, 0, want, 1));
}

TEST(vtlp_patch_static_call_sites)
{
	struct vtlp_call_site cs = { SC_VA, { SC_PA, 0 }, 1, false };
	uint8_t a[5], b[5], data[5], kern[5], kdata[5], tail[5];

	setup();
	call_to(SC_VA, MTEXT_VA + 0x200, 0xE8, a);    /* module's own function */
	call_to(SC_VA, MTEXT_VA + 0x3f00, 0xE8, b);   /* another one */
	call_to(SC_VA, MTEXT_VA + 0x8000, 0xE8, data); /* past its Text: data */
	call_to(SC_VA, 0xffffffff81000000ull + 0x10, 0xE8, kern);   /* kernel text (X) */
	call_to(SC_VA, 0xffffffff81000000ull + 0x200010, 0xE8, kdata); /* T_DATA: not X */
	call_to(SC_VA, MTEXT_VA + 0x200, 0xE9, tail); /* a jmp at a call site */
	memcpy(fake_ram(SC_PA), a, 5);
	CHECK_EQ_INT(vtlp_patch_add_calls(9, &cs, 1, MTEXT_VA, 0x4000), 0);

	/* toggled between two legal targets, and to NOP5 and back */
	CHECK_EQ_INT(step3(SC_PA, b), 0);
	CHECK_MEM(fake_ram(SC_PA), b, 5);
	CHECK_EQ_INT(step3(SC_PA, nop5), 0);
	CHECK_MEM(fake_ram(SC_PA), nop5, 5);
	CHECK_EQ_INT(step3(SC_PA, a), 0);
	CHECK_MEM(fake_ram(SC_PA), a, 5);

	/* aimed at module data: the tail step is refused, INT3 + a's tail stays */
	CHECK_EQ_INT(request(mk(SC_PA, 0, &int3, 1)), 0);
	CHECK_EQ_INT(request(mk(SC_PA + 1, 0, data + 1, 4)), -EACCES);
	CHECK_EQ_INT(request(mk(SC_PA, 0, data, 5)), -EACCES);
	CHECK_EQ(*fake_ram(SC_PA), 0xCC);
	CHECK_MEM(fake_ram(SC_PA + 1), a + 1, 4);
	CHECK_EQ_INT(request(mk(SC_PA, 0, a, 1)), 0);  /* put back */
	CHECK_MEM(fake_ram(SC_PA), a, 5);
	/* a whole write of module data or a jmp at a call site: refused */
	CHECK_EQ_INT(request(mk(SC_PA, 0, data, 5)), -EACCES);
	CHECK_EQ_INT(request(mk(SC_PA, 0, tail, 5)), -EACCES);
	CHECK_MEM(fake_ram(SC_PA), a, 5);

	/* kernel text is a target once VTL1 knows the image's map */
	CHECK_EQ_INT(step3(SC_PA, kern), -EACCES);
	CHECK_EQ_INT(request(mk(SC_PA, 0, a, 1)), 0); /* INT3 + a's tail -> a */
	CHECK_EQ_INT(vtlp_patch_set_kernel_map(KVA_RO, KDELTA), 0);
	CHECK_EQ_INT(step3(SC_PA, kern), 0);
	CHECK_MEM(fake_ram(SC_PA), kern, 5);
	CHECK_EQ_INT(request(mk(SC_PA, 0, kdata, 5)), -EACCES); /* protected? not X */
	CHECK_EQ_INT(request(mk(SC_PA, 0, a, 5)), 0);

	/* unloaded: the site and the module's text as a target are gone */
	vtlp_patch_drop_module(9, false);
	CHECK_EQ_INT(request(mk(SC_PA, 0, b, 5)), -EACCES); /* protected text, no site */
	CHECK_MEM(fake_ram(SC_PA), a, 5);
}

TEST(vtlp_patch_static_call_registration)
{
	struct vtlp_call_site cs = { SC_VA, { SC_PA, 0 }, 1, false };
	uint8_t data[5];

	setup();
	/* a site that does not hold a legal form refuses the module's sites */
	call_to(SC_VA, MTEXT_VA + 0x8000, 0xE8, data);
	memcpy(fake_ram(SC_PA), data, 5);
	CHECK_EQ_INT(vtlp_patch_add_calls(9, &cs, 1, MTEXT_VA, 0x4000), -EINVAL);
	CHECK(vt_lines("not a call/jmp to validated text") >= 1);
	/* a tail site / trampoline: jmp or ret, never call */
	cs.kind = 2;
	memcpy(fake_ram(SC_PA), "\xc3\xcc\xcc\xcc\xcc", 5);
	CHECK_EQ_INT(vtlp_patch_add_calls(10, &cs, 1, MTEXT_VA, 0x4000), 0);
	{
		uint8_t j[5], c[5];

		call_to(SC_VA, MTEXT_VA + 0x10, 0xE9, j);
		call_to(SC_VA, MTEXT_VA + 0x10, 0xE8, c);
		CHECK_EQ_INT(request(mk(SC_PA, 0, c, 5)), -EACCES);
		CHECK_EQ_INT(step3(SC_PA, j), 0);
		CHECK_MEM(fake_ram(SC_PA), j, 5);
		/* back to ret, in either of its forms */
		CHECK_EQ_INT(step3(SC_PA, (const uint8_t *)"\xc3\xcc\x90\x90\x90"), 0);
		CHECK_EQ_INT(step3(SC_PA, (const uint8_t *)"\xc3\xcc\xcc\xcc\xcc"), 0);
		/* not a nop-padded call or anything else */
		CHECK_EQ_INT(request(mk(SC_PA, 0, (const uint8_t *)"\xc3\x90\x90\x90\x90", 5)),
			     -EACCES);
	}
	/* malformed: unknown kind */
	cs.kind = 7;
	CHECK_EQ_INT(vtlp_patch_add_calls(11, &cs, 1, MTEXT_VA, 0x4000), -EINVAL);
}

/*
 * ftrace sites (__mcount_loc) of a validated module: NOP5 <-> a call to
 * validated text (ftrace_caller in kernel text), through the three steps;
 * a call into unvalidated memory or another form (xor5rax, a jmp) refused.
 */
TEST(vtlp_patch_ftrace_sites)
{
	struct vtlp_call_site cs = { SC_VA, { SC_PA, 0 }, 3, false };
	uint8_t caller[5], data[5], jmpk[5];

	setup();
	memcpy(fake_ram(SC_PA), nop5, 5);
	CHECK_EQ_INT(vtlp_patch_set_kernel_map(KVA_RO, KDELTA), 0);
	CHECK_EQ_INT(vtlp_patch_add_calls(12, &cs, 1, MTEXT_VA, 0x4000), 0);
	call_to(SC_VA, 0xffffffff81000000ull + 0x40, 0xE8, caller); /* kernel text */
	call_to(SC_VA, 0xffffffff81000000ull + 0x200040, 0xE8, data); /* not X */
	call_to(SC_VA, 0xffffffff81000000ull + 0x40, 0xE9, jmpk);
	CHECK_EQ_INT(step3(SC_PA, caller), 0);                       /* enable */
	CHECK_MEM(fake_ram(SC_PA), caller, 5);
	CHECK_EQ_INT(step3(SC_PA, nop5), 0);                         /* disable */
	CHECK_MEM(fake_ram(SC_PA), nop5, 5);
	CHECK_EQ_INT(request(mk(SC_PA, 0, data, 5)), -EACCES);
	CHECK_EQ_INT(request(mk(SC_PA, 0, jmpk, 5)), -EACCES);
	CHECK_EQ_INT(request(mk(SC_PA, 0, (const uint8_t *)"\x2e\x2e\x2e\x31\xc0", 5)), -EACCES);
	CHECK_MEM(fake_ram(SC_PA), nop5, 5);
}
