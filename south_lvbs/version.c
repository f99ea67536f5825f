// SPDX-License-Identifier: MIT
/*
 * The image's identity as an ELF note, so that an installed image can be
 * identified without booting it: `readelf -n /usr/lib/firmware/vsm_sk`.
 *
 * It uses the freedesktop.org "package metadata" note (owner "FDO", type
 * 0xcafe1a7e, a NUL-terminated JSON object; https://systemd.io/ELF_PACKAGE_METADATA/)
 * because binutils' readelf prints that one as text.  The loader never reads
 * it; it lives in the read-only segment (linker/image.ld, .note.*).
 */
#include <stdint.h>

#include "vtlguard/policy_id.h" /* generated: built-in policy name, SHA-256 */
#include "vtlguard/version.h"   /* generated from VERSION and git */

#define NOTE_JSON "{\"type\":\"vtlguard\",\"name\":\"vtlguard\",\"version\":\"" VTLGUARD_VERSION \
	"\",\"revision\":\"" VTLGUARD_REVISION "\",\"policy\":\"" VTLGUARD_POLICY_NAME \
	"\",\"policySha256\":\"" VTLGUARD_POLICY_SHA256 "\"}"
#define NT_FDO_PACKAGING_METADATA 0xcafe1a7eu

/* Read by readelf, never by C code: cppcheck's unused-member warning is moot. */
static const struct {
	/* cppcheck-suppress unusedStructMember */
	uint32_t namesz, descsz, type;
	/* cppcheck-suppress unusedStructMember */
	char name[4];
	/* cppcheck-suppress unusedStructMember */
	char desc[(sizeof(NOTE_JSON) + 3) & ~3u];
} vtlguard_note __attribute__((section(".note.package"), aligned(4), used)) = {
	.namesz = 4,
	.descsz = sizeof(NOTE_JSON),
	.type = NT_FDO_PACKAGING_METADATA,
	.name = "FDO",
	.desc = NOTE_JSON,
};
