// SPDX-License-Identifier: MIT
/* Build test policies with libfdt's sequential-write API. */
#include <libfdt.h>
#include <string.h>

#include "tests/vtl_protect/vtlp_test.h"

int vt_policy_blob(void *buf, size_t size, const char *audit_class, const char *action,
		   uint32_t rate);

/* A valid policy; `audit_class` (memory, control-registers, ...) is audited. */
int vt_policy_blob(void *buf, size_t size, const char *audit_class, const char *action,
		   uint32_t rate)
{
	static const char *const classes[] = { "memory", "control-registers", "msrs",
					       "descriptor-tables" };
	static const char msrs[] = "efer\0star\0lstar\0cstar\0sfmask\0apic-base\0"
				   "sysenter-cs\0sysenter-esp\0sysenter-eip";
	int err = fdt_create(buf, (int)size);

	err |= fdt_finish_reservemap(buf);
	err |= fdt_begin_node(buf, "");
	err |= fdt_property_string(buf, "compatible", "vtlguard,policy-v1");
	err |= fdt_property_string(buf, "violation-action", action);
	err |= fdt_property_u32(buf, "report-rate", rate);
	err |= fdt_begin_node(buf, "classes");
	for (int i = 0; i < 4; i++)
		err |= fdt_property_string(buf, classes[i],
					   audit_class && !strcmp(audit_class, classes[i]) ?
						   "audit" : "enforce");
	err |= fdt_end_node(buf);
	err |= fdt_begin_node(buf, "pinned");
	err |= fdt_property_u64(buf, "cr0-mask", 0x80010001ull);
	err |= fdt_property_u64(buf, "cr4-mask", 0xFFFFFFFFFFFFDE3Full);
	err |= fdt_property(buf, "msrs", msrs, sizeof(msrs));
	err |= fdt_end_node(buf);
	err |= fdt_end_node(buf);
	err |= fdt_finish(buf);
	return err ? -EINVAL : 0;
}
