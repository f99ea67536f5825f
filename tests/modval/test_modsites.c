// SPDX-License-Identifier: MIT
/*
 * Host tests of the per-kind byte forms of the site-aware module rule
 * (vtl_protect/modval/modsites.c, ksite_form_ok()): for every kind, the
 * forms Linux writes are accepted and a near miss is refused.  The real
 * modules of suite-modtruth test the same code on Debian's kernels.
 */
#include <errno.h>
#include <string.h>

#include "tests/unit/unit.h"
#include "vtl_protect/modval/modsites.h"

#define SITE   0xffffffffc0001000ULL    /* the site's VA */
#define REPL   0xffffffffc0009000ULL    /* an alternative's replacement */
#define KTEXT  0xffffffff81000000ULL    /* kernel text [KTEXT, KTEXT + 16 MiB) */
#define THUNKS 0xffffffff82001000ULL    /* __x86_indirect_thunk_array */
#define ITS    0xffffffff82002000ULL    /* __x86_indirect_its_thunk_array */
#define RET    0xffffffff82003000ULL    /* __x86_return_thunk */
#define ITSRET 0xffffffff82003040ULL    /* its_return_thunk */
#define MODDATA 0xffffffffc0020000ULL   /* the module's data */

static bool text_ok(void *ctx, uint64_t va)
{
	(void)ctx;
	return va >= KTEXT && va < KTEXT + (16u << 20);
}

static const struct modelf_kernel kern = {
	.return_thunk = RET,
	.its_return_thunk = ITSRET,
	.indirect_thunk_array = THUNKS,
	.its_thunk_array = ITS,
	.call_depth_thunks = { 0xffffffff82004000ULL, 0xffffffff82005000ULL },
	.pv_nop = 0xffffffff82006000ULL,
	.pv_bug = 0xffffffff82006100ULL,
	.is_kernel_text = text_ok,
};

/* The module check's callback: kernel text via kern, or the module's text. */
static bool call_ok(void *ctx, uint64_t va)
{
	(void)ctx;
	return text_ok(NULL, va) || (va >= SITE && va < SITE + 0x8000);
}

static void put_rel(uint8_t *p, uint64_t at_end, uint64_t target)
{
	uint32_t v = (uint32_t)(target - at_end);

	for (int i = 0; i < 4; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

/* "op rel32" at va (5 bytes) to target. */
static void br(uint8_t *b, uint8_t op, uint64_t va, uint64_t target)
{
	b[0] = op;
	put_rel(b + 1, va + 5, target);
}

static int form_k(unsigned int kind, const uint8_t *e, const uint8_t *g, uint32_t len,
		  const struct modelf_kernel *k, const uint8_t *repl, uint32_t repl_len,
		  uint64_t target)
{
	struct ksite s = { 1, len, 0x1000, kind, 0, repl_len, 0, 0 };
	struct ksite_view v = { &s, e, g, SITE, repl, REPL, target, call_ok, NULL };
	const char *why = NULL;
	int err = ksite_form_ok(&v, k, &why);

	CHECK(err == 0 || why != NULL);
	return err;
}

static int form(unsigned int kind, const uint8_t *e, const uint8_t *g, uint32_t len)
{
	return form_k(kind, e, g, len, &kern, NULL, 0, 0);
}

static const uint8_t nop5[5] = { 0x0f, 0x1f, 0x44, 0x00, 0x00 };

TEST(modsites_unchanged_always_accepted)
{
	uint8_t e[6] = { 0xe9, 1, 2, 3, 4, 0xcc };

	for (unsigned int k = 0; k < KSITE_NKINDS; k++)
		CHECK_EQ_INT(form_k(k, e, e, 5, NULL, NULL, 0, 0), 0);
}

TEST(modsites_ftrace_nop5_only)
{
	uint8_t e[5], g[5];

	br(e, 0xe8, SITE, KTEXT + 0x100);     /* call __fentry__ */
	CHECK_EQ_INT(form(KSITE_FTRACE, e, nop5, 5), 0);
	memcpy(g, "\x0f\x1f\x40\x00\x90", 5);  /* NOP4 + NOP1 is not what ftrace writes */
	CHECK_EQ_INT(form(KSITE_FTRACE, e, g, 5), -EKEYREJECTED);
	br(g, 0xe8, SITE, KTEXT + 0x200);
	CHECK_EQ_INT(form(KSITE_FTRACE, e, g, 5), -EKEYREJECTED);
}

TEST(modsites_return_forms)
{
	uint8_t e[5], g[5];

	br(e, 0xe9, SITE, RET);
	CHECK_EQ_INT(form(KSITE_RETURN, e, (const uint8_t *)"\xc3\xcc\xcc\xcc\xcc", 5), 0);
	br(g, 0xe9, SITE, ITSRET);
	CHECK_EQ_INT(form(KSITE_RETURN, e, g, 5), 0);
	/* ITS thunk only in the lower half of a 64-byte line (SITE + 0x20: upper) */
	{
		struct ksite s = { 1, 5, 0x1020, KSITE_RETURN, 0, 0, 0, 0 };
		uint8_t e2[5], g2[5];
		const char *why;

		br(e2, 0xe9, SITE + 0x20, RET);
		br(g2, 0xe9, SITE + 0x20, ITSRET);
		struct ksite_view v = { &s, e2, g2, SITE + 0x20, NULL, 0, 0, call_ok, NULL };
		CHECK_EQ_INT(ksite_form_ok(&v, &kern, &why), -EKEYREJECTED);
		br(g2, 0xe9, SITE + 0x20, RET);
		CHECK_EQ_INT(ksite_form_ok(&v, &kern, &why), 0);
	}
	/* not a trusted thunk, or no kernel data at all: refused */
	br(g, 0xe9, SITE, RET + 1);
	CHECK_EQ_INT(form(KSITE_RETURN, e, g, 5), -EKEYREJECTED);
	br(g, 0xe9, SITE, ITSRET);
	CHECK_EQ_INT(form_k(KSITE_RETURN, e, g, 5, NULL, NULL, 0, 0), -EKEYREJECTED);
	/* ret followed by anything but INT3 */
	CHECK_EQ_INT(form(KSITE_RETURN, e, (const uint8_t *)"\xc3\x90\x90\x90\x90", 5),
		     -EKEYREJECTED);
	/* a call is not a return */
	br(g, 0xe8, SITE, RET);
	CHECK_EQ_INT(form(KSITE_RETURN, e, g, 5), -EKEYREJECTED);
}

TEST(modsites_retpoline_forms)
{
	uint8_t e[6], g[6];

	br(e, 0xe8, SITE, THUNKS + 11 * 32);                 /* call __x86_indirect_thunk_r11 */
	CHECK_EQ_INT(form(KSITE_RETPOLINE, e, (const uint8_t *)"\x41\xff\xd3\x66\x90", 5), 0);
	br(g, 0xe8, SITE, ITS + 11 * 64);
	CHECK_EQ_INT(form(KSITE_RETPOLINE, e, g, 5), 0);
	/* another register, a jmp instead of a call, the wrong ITS thunk */
	CHECK_EQ_INT(form(KSITE_RETPOLINE, e, (const uint8_t *)"\x41\xff\xd2\x66\x90", 5),
		     -EKEYREJECTED);
	CHECK_EQ_INT(form(KSITE_RETPOLINE, e, (const uint8_t *)"\x41\xff\xe3\x66\x90", 5),
		     -EKEYREJECTED);
	br(g, 0xe8, SITE, ITS + 10 * 64);
	CHECK_EQ_INT(form(KSITE_RETPOLINE, e, g, 5), -EKEYREJECTED);
	/* rax: "lfence; call *%rax", and "jmp *%rax; int3" for a jmp */
	br(e, 0xe8, SITE, THUNKS);
	CHECK_EQ_INT(form(KSITE_RETPOLINE, e, (const uint8_t *)"\x0f\xae\xe8\xff\xd0", 5), 0);
	br(e, 0xe9, SITE, THUNKS);
	CHECK_EQ_INT(form(KSITE_RETPOLINE, e, (const uint8_t *)"\xff\xe0\xcc\x66\x90", 5), 0);
	/* no kernel data: the register cannot be known */
	CHECK_EQ_INT(form_k(KSITE_RETPOLINE, e, (const uint8_t *)"\xff\xe0\xcc\x66\x90", 5, NULL,
			    NULL, 0, 0), -EKEYREJECTED);
	/* %rsp has no thunk */
	br(e, 0xe8, SITE, THUNKS + 4 * 32);
	CHECK_EQ_INT(form(KSITE_RETPOLINE, e, (const uint8_t *)"\xff\xd4\x0f\x1f\x00", 5),
		     -EKEYREJECTED);
}

TEST(modsites_lock_prefix)
{
	CHECK_EQ_INT(form(KSITE_LOCK, (const uint8_t *)"\xf0", (const uint8_t *)"\x3e", 1), 0);
	CHECK_EQ_INT(form(KSITE_LOCK, (const uint8_t *)"\xf0", (const uint8_t *)"\x90", 1),
		     -EKEYREJECTED);
}

TEST(modsites_jump_label)
{
	uint8_t g[5];

	CHECK_EQ_INT(form_k(KSITE_JUMP_LABEL, nop5, nop5, 5, &kern, NULL, 0, SITE + 0x40), 0);
	br(g, 0xe9, SITE, SITE + 0x40);
	CHECK_EQ_INT(form_k(KSITE_JUMP_LABEL, nop5, g, 5, &kern, NULL, 0, SITE + 0x40), 0);
	br(g, 0xe9, SITE, SITE + 0x41);
	CHECK_EQ_INT(form_k(KSITE_JUMP_LABEL, nop5, g, 5, &kern, NULL, 0, SITE + 0x40),
		     -EKEYREJECTED);
	/* 2-byte form: jmp8 to the target, or NOP2 */
	CHECK_EQ_INT(form_k(KSITE_JUMP_LABEL, (const uint8_t *)"\x66\x90",
			    (const uint8_t *)"\xeb\x3e", 2, &kern, NULL, 0, SITE + 0x40), 0);
	CHECK_EQ_INT(form_k(KSITE_JUMP_LABEL, (const uint8_t *)"\xeb\x3e",
			    (const uint8_t *)"\x66\x90", 2, &kern, NULL, 0, SITE + 0x40), 0);
	CHECK_EQ_INT(form_k(KSITE_JUMP_LABEL, (const uint8_t *)"\x66\x90",
			    (const uint8_t *)"\xeb\x3f", 2, &kern, NULL, 0, SITE + 0x40),
		     -EKEYREJECTED);
}

TEST(modsites_static_call)
{
	uint8_t e[5], g[5];

	br(e, 0xe8, SITE, KTEXT + 0x5000);         /* call __SCT__foo */
	br(g, 0xe8, SITE, KTEXT + 0x9000);
	CHECK_EQ_INT(form(KSITE_STATIC_CALL, e, g, 5), 0);
	br(g, 0xe8, SITE, SITE + 0x200);           /* the module's own text */
	CHECK_EQ_INT(form(KSITE_STATIC_CALL, e, g, 5), 0);
	CHECK_EQ_INT(form(KSITE_STATIC_CALL, e, nop5, 5), 0);
	br(g, 0xe8, SITE, MODDATA);
	CHECK_EQ_INT(form(KSITE_STATIC_CALL, e, g, 5), -EKEYREJECTED);
	br(g, 0xe9, SITE, KTEXT + 0x9000);         /* a call may not become a jmp */
	CHECK_EQ_INT(form(KSITE_STATIC_CALL, e, g, 5), -EKEYREJECTED);
	CHECK_EQ_INT(form(KSITE_STATIC_CALL, e, (const uint8_t *)"\xc3\xcc\xcc\xcc\xcc", 5),
		     -EKEYREJECTED);
	/* a tail call may return */
	br(e, 0xe9, SITE, KTEXT + 0x5000);
	CHECK_EQ_INT(form(KSITE_STATIC_CALL, e, (const uint8_t *)"\xc3\xcc\xcc\xcc\xcc", 5), 0);
	br(g, 0xe9, SITE, RET);
	CHECK_EQ_INT(form(KSITE_STATIC_CALL, e, g, 5), 0);
}

TEST(modsites_endbr_seal)
{
	const uint8_t *e = (const uint8_t *)"\xf3\x0f\x1e\xfa";

	CHECK_EQ_INT(form(KSITE_ENDBR_SEAL, e, (const uint8_t *)"\x66\x0f\x1f\x00", 4), 0);
	CHECK_EQ_INT(form(KSITE_ENDBR_SEAL, e, (const uint8_t *)"\x90\x90\x90\x90", 4),
		     -EKEYREJECTED);
}

TEST(modsites_paravirt)
{
	uint8_t e[6] = { 0xff, 0x15, 1, 2, 3, 4 }, g[6];

	br(g, 0xe8, SITE, KTEXT + 0x7000);
	g[5] = 0x90;
	CHECK_EQ_INT(form(KSITE_PARAVIRT, e, g, 6), 0);
	CHECK_EQ_INT(form(KSITE_PARAVIRT, e, (const uint8_t *)"\x66\x0f\x1f\x44\x00\x00", 6), 0);
	br(g, 0xe8, SITE, MODDATA);
	CHECK_EQ_INT(form(KSITE_PARAVIRT, e, g, 6), -EKEYREJECTED);
	/* natives come from the ALTERNATIVE on the same bytes, not from here */
	CHECK_EQ_INT(form(KSITE_PARAVIRT, e, (const uint8_t *)"\xfa\x0f\x1f\x44\x00\x00", 6),
		     -EKEYREJECTED);
}

TEST(modsites_call_depth)
{
	uint8_t e[5], g[5];

	br(e, 0xe8, SITE, KTEXT + 0x100);
	br(g, 0xe8, SITE, 0xffffffff82004100ULL);
	CHECK_EQ_INT(form(KSITE_CALL_DEPTH, e, g, 5), 0);
	br(g, 0xe8, SITE, KTEXT + 0x200);
	CHECK_EQ_INT(form(KSITE_CALL_DEPTH, e, g, 5), -EKEYREJECTED);
}

TEST(modsites_alternative_forms)
{
	uint8_t e[8], r[5], g[8];

	/* original: 5-byte call + NOP3 padding as 0x90s; replacement: call elsewhere */
	br(e, 0xe8, SITE, KTEXT + 0x100);
	memcpy(e + 5, "\x90\x90\x90", 3);
	br(r, 0xe8, REPL, KTEXT + 0x300);
	/* NOP-optimised original */
	memcpy(g, e, 5);
	memcpy(g + 5, "\x0f\x1f\x00", 3);
	CHECK_EQ_INT(form_k(KSITE_ALTERNATIVE, e, g, 8, &kern, r, 5, 0), 0);
	/* the replacement, its call re-targeted, padded */
	br(g, 0xe8, SITE, KTEXT + 0x300);
	CHECK_EQ_INT(form_k(KSITE_ALTERNATIVE, e, g, 8, &kern, r, 5, 0), 0);
	/* re-targeted one byte off: neither form */
	br(g, 0xe8, SITE, KTEXT + 0x301);
	CHECK_EQ_INT(form_k(KSITE_ALTERNATIVE, e, g, 8, &kern, r, 5, 0), -EKEYREJECTED);
	/* the replacement copied verbatim (not re-targeted) points elsewhere */
	memcpy(g, r, 5);
	CHECK_EQ_INT(form_k(KSITE_ALTERNATIVE, e, g, 8, &kern, r, 5, 0), -EKEYREJECTED);
	/* padding that is not NOPs */
	br(g, 0xe8, SITE, KTEXT + 0x300);
	memcpy(g + 5, "\xcc\xcc\xcc", 3);
	CHECK_EQ_INT(form_k(KSITE_ALTERNATIVE, e, g, 8, &kern, r, 5, 0), -EKEYREJECTED);
	/* a jmp rel32 replacement shortened to jmp rel8 + NOP3 */
	br(r, 0xe9, REPL, SITE + 0x20);
	memcpy(g, "\xeb\x1e\x0f\x1f\x00\x0f\x1f\x00", 8);
	CHECK_EQ_INT(form_k(KSITE_ALTERNATIVE, e, g, 8, &kern, r, 5, 0), 0);
	g[1] = 0x1f;
	CHECK_EQ_INT(form_k(KSITE_ALTERNATIVE, e, g, 8, &kern, r, 5, 0), -EKEYREJECTED);
	/* an empty replacement: NOPs only */
	CHECK_EQ_INT(form_k(KSITE_ALTERNATIVE, e, (const uint8_t *)"\x0f\x1f\x84\x00\x00\x00\x00\x00",
			    8, &kern, r, 0, 0), 0);
	/* no replacement bytes loaded: only the original */
	br(g, 0xe8, SITE, KTEXT + 0x300);
	memcpy(g + 5, "\x0f\x1f\x00", 3);
	CHECK_EQ_INT(form_k(KSITE_ALTERNATIVE, e, g, 8, &kern, NULL, 5, 0), -EKEYREJECTED);
}

TEST(modsites_fill)
{
	CHECK(ksite_fill_ok((const uint8_t *)"\x0f\x1f\x00\x66\x90\x90", 6));
	CHECK(ksite_fill_ok((const uint8_t *)"\xeb\x08\xcc\xcc\xcc\xcc\xcc\xcc\xcc\xcc", 10));
	CHECK(!ksite_fill_ok((const uint8_t *)"\xcc\xcc", 2));
	CHECK(!ksite_fill_ok((const uint8_t *)"\x0f\x1f\x01", 3));
	CHECK(!ksite_fill_ok((const uint8_t *)"\xeb\x07\xcc\xcc\xcc\xcc\xcc\xcc\xcc\xcc", 10));
}

TEST(modsites_versions_pinned)
{
	struct ksites_ver v;

	CHECK_EQ_INT(ksites_version("6.1.0-57-amd64 SMP preempt mod_unload modversions ", &v), 0);
	CHECK_EQ(v.alt_entsize, 12);
	CHECK_EQ_INT(ksites_version("6.12.118+deb12-amd64 SMP preempt mod_unload", &v), 0);
	CHECK_EQ(v.alt_entsize, 14);
	CHECK_EQ_INT(ksites_version("6.6.57.mshv1 SMP mod_unload", &v), 0);
	CHECK_EQ(v.alt_entsize, 14);
	CHECK_EQ_INT(ksites_version("5.15.90.mshv1 SMP", &v), -EOPNOTSUPP);
	CHECK_EQ_INT(ksites_version("6.10.0 SMP", &v), -EOPNOTSUPP);
	CHECK_EQ_INT(ksites_version("6.13.0", &v), -EOPNOTSUPP);
	CHECK_EQ_INT(ksites_version(NULL, &v), -EOPNOTSUPP);
}
