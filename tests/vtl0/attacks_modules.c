// SPDX-License-Identifier: MIT
/*
 * Module and kexec validation cases (VALIDATE_MODULE, FREE_MODULE_INIT,
 * UNLOAD_MODULE, KEXEC_VALIDATE) that need no signed module: forged tokens
 * and an unsigned blob must be refused and recorded.  Signed, tampered and
 * TOCTOU modules, and signed/tampered kexec images, are in modules.c.
 */
#include "tests/vtl0/vtl0.h"

static void token_case(const struct vtl0_case *c, uint64_t id, uint64_t token)
{
	int64_t r;

	ring_mark();
	r = vtl_call(id, token, 0, 0);
	if (unbuilt_call(c->name, r, id))
		return;
	if (r >= 0) {
		gl_check(false, c->name, "a forged token %#llx was accepted (R8=%lld)",
			 (unsigned long long)token, (long long)r);
		return;
	}
	/* the exact errno is the validator's choice (docs/module-validation.md) */
	expect_call_err(c->name, r, (int)-r, id);
}

static void free_init_forged(const struct vtl0_case *c)
{
	token_case(c, VSM_FREE_MODULE_INIT, 0x4141414141414141ull);
}

static void unload_forged(const struct vtl0_case *c)
{
	token_case(c, VSM_UNLOAD_MODULE, 0x4242424242424242ull);
}

static void unload_token_zero(const struct vtl0_case *c)
{
	token_case(c, VSM_UNLOAD_MODULE, 0);
}

static void validate_garbage(const struct vtl0_case *c)
{
	/* a "module" that is one page of zeroes: no ELF, no signature */
	uint8_t *p = scratch_page(30);
	int64_t r;

	gl_memset(p, 0, 4096);
	lvbs_put64(p + 16, 1);
	lvbs_put64(p + 24, v0.mem.victim_pa + 16 * PAGE_SIZE);
	lvbs_put64(p + 32, v0.mem.victim_pa + 16 * PAGE_SIZE);
	lvbs_put64(p + 40, v0.mem.victim_pa + 17 * PAGE_SIZE);
	lvbs_put64(p + 48, 7); /* ElfBuffer */
	ring_mark();
	r = vtl_call(VSM_VALIDATE_MODULE, pa_of(p), 1, 0);
	if (unbuilt_call(c->name, r, VSM_VALIDATE_MODULE))
		return;
	if (r >= 0) {
		gl_check(false, c->name, "an unsigned all-zero module was accepted (token %lld)",
			 (long long)r);
		return;
	}
	expect_call_err(c->name, r, (int)-r, VSM_VALIDATE_MODULE);
}

const struct vtl0_case vtl0_cases_modules[] = {
	{ "module_free_init_forged_token", free_init_forged, CASE_RUN, "FREE_MODULE_INIT with a forged token" },
	{ "module_unload_forged_token", unload_forged, CASE_RUN, "UNLOAD_MODULE with a forged token" },
	{ "module_unload_token_zero", unload_token_zero, CASE_RUN, "UNLOAD_MODULE with token 0" },
	{ "module_validate_unsigned", validate_garbage, CASE_RUN, "VALIDATE_MODULE on an unsigned blob" },
	{ NULL, NULL, 0, NULL },
};
