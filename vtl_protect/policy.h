/* SPDX-License-Identifier: MIT */
/*
 * Policy: which protection classes are enforced or only audited, which
 * registers and bits are pinned, and what a violation costs VTL0.  Loaded
 * from a flattened device tree (docs/policy.md); vtl_protect/policy/
 * default.dts is built in and matches LVBS behaviour.
 */
#ifndef VTL_PROTECT_POLICY_H
#define VTL_PROTECT_POLICY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "north/north.h"

enum vtlp_mode { VTLP_ENFORCE = 0, VTLP_AUDIT = 1 };
enum vtlp_action { VTLP_ACTION_GP = 0, VTLP_ACTION_GP_REPORT = 1 };

/* Policy classes (the "classes" node). */
enum vtlp_pclass { VTLP_P_MEMORY = 0, VTLP_P_CR, VTLP_P_MSR, VTLP_P_DT, VTLP_P_COUNT };

struct vtlp_policy {
	enum vtlp_mode mode[VTLP_P_COUNT];
	enum vtlp_action action;
	uint32_t report_rate;  /* console reports per second per class */
	uint64_t pinned_regs;  /* NORTH_ICPT() bits of pinned CRs/MSRs */
	uint64_t mask[NORTH_REG_COUNT]; /* pinned bits per register */
	/* vtl0-ram: VTL0's RAM as the operator states it (V4 passes no memory
	 * map); n_vtl0_ram 0 = not given.  Sorted, disjoint, page aligned. */
	struct south_range vtl0_ram[SOUTH_MAX_VTL0_RAM];
	size_t n_vtl0_ram;
};

#define VTLP_CR0_PIN_DEFAULT 0x80010001ull          /* PG | WP | PE */
#define VTLP_CR4_PIN_DEFAULT 0xFFFFFFFFFFFFDE3Full  /* all but MCE PGE PCE VMXE */

/*
 * Parse `fdt` (len bytes) into *out.  NULL selects the built-in default.
 * Returns 0 or -EINVAL after logging exactly what is wrong and where.
 */
int vtlp_policy_parse(const void *fdt, size_t len, struct vtlp_policy *out);
/* The built-in default policy blob (compiled from default.dts). */
const void *vtlp_policy_default_blob(size_t *len);

#endif
