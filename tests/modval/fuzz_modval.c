// SPDX-License-Identifier: MIT
/*
 * libFuzzer harness for everything in vtl_protect/modval/ that parses
 * hostile bytes.  The first input byte picks the parser; the rest is the
 * input.  `make fuzz-modval` builds it with clang and runs it on seeds made by
 * the modval suite.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "vtl_protect/modval/modval.h"
#include "vtl_protect/modval/pkcs7.h"

static struct modval_trust trust;
static struct modelf_layout lay;
static uint8_t scratch[1 << 20];
static uint8_t zeros[1 << 20];

static int resolve_any(void *ctx, const char *name, uint64_t *addr)
{
	(void)ctx;
	*addr = 0xffffffff81000000ULL + (uint8_t)name[0] * 16;
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *why;
	uint8_t sel;

	if (size < 1)
		return 0;
	sel = data[0] % 7;
	data++;
	size--;
	switch (sel) {
	case 0: {
		struct modsig_result r;

		modsig_verify(&trust, data, size, &r);
		break;
	}
	case 1: {
		struct pkcs7_signed s;

		pkcs7_parse(data, size, &s, &why);
		break;
	}
	case 2: {
		static struct modval_trust t;

		modval_trust_init(&t);
		if (modval_trust_add_certs(&t, data, size, &why) == 0)
			modval_trust_add_secondary(&t, data, size, &why);
		modval_trust_add_blocklist_slots(&t, data, size, &why);
		break;
	}
	case 3:
	case 4: {
		/* trusted targets and a refusal record, so the site rule's
		 * per-kind form checks and refusal lookup run too */
		static const struct modelf_kernel kern = {
			.return_thunk = 0xffffffff82003000ULL,
			.its_return_thunk = 0xffffffff82003040ULL,
			.indirect_thunk_array = 0xffffffff82001000ULL,
			.its_thunk_array = 0xffffffff82002000ULL,
			.call_depth_thunks = { 0xffffffff82004000ULL, 0xffffffff82005000ULL },
		};
		struct modelf_refusal ref;
		struct modelf_input in;

		if (modelf_layout(data, size, &lay, &why))
			break;
		memset(&in, 0, sizeof(in));
		in.elf = data;
		in.elf_len = size;
		for (unsigned int t = 0; t < MODELF_NREGIONS; t++) {
			in.mem[t].va = 0xffffffffc0000000ULL + t * 0x100000;
			in.mem[t].bytes = zeros;
			in.mem[t].len = lay.size[t] <= sizeof(zeros) ? lay.size[t] : 0;
		}
		in.resolve = resolve_any;
		in.kernel = &kern;
		in.refusal = &ref;
		in.scratch = scratch;
		in.scratch_len = sizeof(scratch);
		modelf_check(&in, &lay, &why);
		break;
	}
	case 5: {
		struct authenticode_result r;

		authenticode_verify(&trust, data, size, &r);
		break;
	}
	default: {
		struct der_cursor c;
		struct der_tlv t;
		struct modval_cert cert;

		der_init(&c, data, size);
		while (der_next(&c, &t) == 0) {
			struct der_cursor in;

			if (der_enter(&t, &in) == 0)
				while (der_next(&in, &t) == 0)
					;
		}
		modval_cert_parse(&cert, data, size, &why);
		break;
	}
	}
	return 0;
}
