// SPDX-License-Identifier: MIT
/* VALIDATE_MODULE / KEXEC_VALIDATE decisions (see modval.h). */
#include <string.h>

#include "core/errno.h"
#include "core/log.h"
#include "vtl_protect/modval/modval.h"

/* The refusal record as one log line: where, what kind of site, which bytes. */
static void log_refusal(const struct modelf_refusal *r)
{
	char exp[2 * MODELF_REFUSAL_BYTES + 1], got[2 * MODELF_REFUSAL_BYTES + 1];
	static const char digits[] = "0123456789abcdef";
	unsigned int n = r->len <= MODELF_REFUSAL_BYTES ? r->len : MODELF_REFUSAL_BYTES;

	/* cppcheck sees the record zeroed before modelf_check() fills it */
	// cppcheck-suppress knownConditionTrueFalse
	for (unsigned int i = 0; i < n; i++) {
		exp[2 * i] = digits[r->expected[i] >> 4];
		exp[2 * i + 1] = digits[r->expected[i] & 15];
		got[2 * i] = digits[r->found[i] >> 4];
		got[2 * i + 1] = digits[r->found[i] & 15];
	}
	exp[2 * n] = got[2 * n] = 0;
	log_warn("modval: refusal: region %u section '%s' offset %#llx site %s: expected %s, "
		 "found %s", r->region, r->section[0] ? r->section : "?",
		 (unsigned long long)r->offset, r->site ? r->site : "none", exp, got);
}

/*
 * The module's layout, then the site-aware check of its ELF (its first
 * elf_len bytes) against its memory.  A refusal is always recorded, and
 * logged, even when the caller did not ask for the record.  absent: the
 * regions VTL0 sent no bytes of.
 */
static int check_elf(const struct modval_module_input *in, size_t elf_len, unsigned int absent,
		     const char **why)
{
	struct modelf_input ei;
	struct modelf_refusal local = { 0 };
	int err = modelf_layout(in->file, elf_len, in->layout, why);

	if (err)
		return err;
	memset(&ei, 0, sizeof(ei));
	ei.elf = in->file;
	ei.elf_len = elf_len;
	memcpy(ei.mem, in->mem, sizeof(ei.mem));
	ei.resolve = in->resolve;
	ei.resolve_ctx = in->resolve_ctx;
	ei.kernel = in->kernel;
	ei.refusal = in->refusal ? in->refusal : &local;
	memset(ei.refusal, 0, sizeof(*ei.refusal));
	ei.absent = absent;
	ei.scratch = in->scratch;
	ei.scratch_len = in->scratch_len;
	err = modelf_check(&ei, in->layout, why);
	if (err == -EKEYREJECTED)
		log_refusal(ei.refusal);
	return err;
}

int modval_validate_module(const struct modval_trust *t, const struct modval_module_input *in,
			   struct modsig_result *res)
{
	int err;

	err = modsig_verify(t, in->file, in->file_len, res);
	if (err) {
		log_warn("modval: module refused: %s (%d); the module stays non-executable",
			 res->reason, err);
		return err;
	}
	/* Only the signed bytes are trusted from here on: the ELF check reads
	 * the content the signature covers, never the appended signature. */
	err = check_elf(in, res->content_len, 0, &res->reason);
	if (err) {
		log_warn("modval: module signed by '%s' refused: %s (%d)", res->signer->cn,
			 res->reason, err);
		res->signer = NULL;
		return err;
	}
	log_info("modval: module accepted: signer '%s', %s, %zu bytes", res->signer->cn,
		 modval_hash_name(res->hash), res->content_len);
	return 0;
}

int modval_check_ro_after_init(const struct modval_module_input *in, const char **why)
{
	/* Only RoAfterInit: the caller sends no bytes of the others. */
	return check_elf(in, in->file_len,
			 ((1u << MODELF_NREGIONS) - 1) & ~(1u << MODVAL_MOD_RO_AFTER_INIT), why);
}

int modval_validate_kexec(const struct modval_trust *t, const uint8_t *img, size_t len,
			  struct authenticode_result *res)
{
	int err = authenticode_verify(t, img, len, res);

	if (err)
		log_warn("modval: kexec image refused: %s (%d)", res->reason, err);
	else
		log_info("modval: kexec image accepted: signer '%s', %s", res->signer->cn,
			 modval_hash_name(res->hash));
	return err;
}
