// SPDX-License-Identifier: MIT
/*
 * Policy parser (flattened device tree through libfdt).  Strict: unknown
 * nodes, properties or values are errors, because a typo in a security
 * policy must not silently fall back to something weaker.  Format:
 * docs/policy.md; the built-in default is vtl_protect/policy/default.dts.
 */
#include <libfdt.h>

#include "core/fdt_untrusted.h"
#include <string.h>

#include "vtl_protect/default_policy.h" /* generated from default.dts */
#include "vtl_protect/internal.h"

#define POLICY_MAX_SIZE (64u << 10) /* = south_lvbs BOOT_POLICY_MAX */
#define POLICY_COMPAT   "vtlguard,policy-v1"

static uint8_t blob_copy[POLICY_MAX_SIZE] __aligned(8);

const void *vtlp_policy_default_blob(size_t *len)
{
	*len = sizeof(vtlp_default_policy_dtb);
	return vtlp_default_policy_dtb;
}

/*
 * Names in /pinned/msrs, each pinned in full.  "sgx-launch-control" names
 * the four IA32_SGXLEPUBKEYHASH MSRs, which share one hypervisor intercept
 * (rows with the same name are pinned together).
 */
static const struct {
	const char *name;
	enum north_reg reg;
} msr_names[] = {
	{ "efer", NORTH_REG_EFER },
	{ "star", NORTH_REG_STAR },
	{ "lstar", NORTH_REG_LSTAR },
	{ "cstar", NORTH_REG_CSTAR },
	{ "sfmask", NORTH_REG_SFMASK },
	{ "apic-base", NORTH_REG_APIC_BASE },
	{ "sysenter-cs", NORTH_REG_SYSENTER_CS },
	{ "sysenter-esp", NORTH_REG_SYSENTER_ESP },
	{ "sysenter-eip", NORTH_REG_SYSENTER_EIP },
	{ "tsc-aux", NORTH_REG_TSC_AUX },
	{ "sgx-launch-control", NORTH_REG_SGX_LC0 },
	{ "sgx-launch-control", NORTH_REG_SGX_LC1 },
	{ "sgx-launch-control", NORTH_REG_SGX_LC2 },
	{ "sgx-launch-control", NORTH_REG_SGX_LC3 },
};
#define MSR_NAMES_KNOWN "efer star lstar cstar sfmask apic-base sysenter-cs sysenter-esp " \
			"sysenter-eip tsc-aux sgx-launch-control"

/*
 * Optional masked pins beside cr0-mask/cr4-mask: XCR0 (XSETBV) and
 * IA32_MISC_ENABLE (the hypervisor filters its writes by this mask, like
 * CR0/CR4).  Absent or 0: not pinned.
 */
static const struct {
	const char *prop;
	enum north_reg reg;
} optional_masks[] = {
	{ "xcr0-mask", NORTH_REG_XCR0 },
	{ "misc-enable-mask", NORTH_REG_MISC_ENABLE },
};

static const char *const class_props[VTLP_P_COUNT] = {
	[VTLP_P_MEMORY] = "memory",
	[VTLP_P_CR] = "control-registers",
	[VTLP_P_MSR] = "msrs",
	[VTLP_P_DT] = "descriptor-tables",
};

static bool one_of(const char *name, const char *const *list, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(name, list[i]) == 0)
			return true;
	return false;
}

/* Every property and subnode of `node` must be in the allowed lists. */
static int check_names(const void *fdt, int node, const char *where,
		       const char *const *props, size_t nprops,
		       const char *const *subs, size_t nsubs)
{
	int off, sub;

	fdt_for_each_property_offset(off, fdt, node) {
		const char *name;

		if (!fdt_getprop_by_offset(fdt, off, &name, NULL))
			return -EINVAL;
		if (!one_of(name, props, nprops)) {
			log_error("policy: unknown property '%s' in %s", name, where);
			return -EINVAL;
		}
	}
	fdt_for_each_subnode(sub, fdt, node) {
		const char *name = fdt_get_name(fdt, sub, NULL);

		if (!name || !one_of(name, subs, nsubs)) {
			log_error("policy: unknown node '%s' in %s", name ? name : "?", where);
			return -EINVAL;
		}
	}
	return 0;
}

/* A NUL-terminated string property, or NULL (logged) when absent/bad. */
static const char *get_string(const void *fdt, int node, const char *where, const char *prop)
{
	int len;
	const char *s = fdt_getprop(fdt, node, prop, &len);

	if (!s) {
		log_error("policy: %s is missing required property '%s'", where, prop);
		return NULL;
	}
	if (len < 1 || s[len - 1] != '\0' || (int)strlen(s) != len - 1) {
		log_error("policy: %s/%s must be a single string", where, prop);
		return NULL;
	}
	return s;
}

static int get_u64(const void *fdt, int node, const char *prop, uint64_t *out, bool optional)
{
	int len;
	const uint8_t *p = fdt_getprop(fdt, node, prop, &len);

	if (!p && optional && len == -FDT_ERR_NOTFOUND) {
		*out = 0;
		return 0;
	}
	if (!p) {
		log_error("policy: /pinned is missing required property '%s'", prop);
		return -EINVAL;
	}
	if (len != 8) {
		log_error("policy: /pinned/%s must be one 64-bit value (/bits/ 64 <...>), "
			  "not %d bytes", prop, len);
		return -EINVAL;
	}
	*out = 0;
	for (int i = 0; i < 8; i++)
		*out = (*out << 8) | p[i];
	return 0;
}

static int parse_classes(const void *fdt, int node, struct vtlp_policy *pol)
{
	int ret = check_names(fdt, node, "/classes", class_props, VTLP_P_COUNT, NULL, 0);

	if (ret)
		return ret;
	for (int c = 0; c < VTLP_P_COUNT; c++) {
		const char *v = get_string(fdt, node, "/classes", class_props[c]);

		if (!v)
			return -EINVAL;
		if (strcmp(v, "enforce") == 0) {
			pol->mode[c] = VTLP_ENFORCE;
		} else if (strcmp(v, "audit") == 0) {
			pol->mode[c] = VTLP_AUDIT;
		} else {
			log_error("policy: /classes/%s = \"%s\": use \"enforce\" or \"audit\"",
				  class_props[c], v);
			return -EINVAL;
		}
	}
	return 0;
}

static int parse_pinned(const void *fdt, int node, struct vtlp_policy *pol)
{
	static const char *const props[] = { "cr0-mask", "cr4-mask", "xcr0-mask",
					     "misc-enable-mask", "msrs" };
	const char *list;
	int len, ret;

	ret = check_names(fdt, node, "/pinned", props, ARRAY_SIZE(props), NULL, 0);
	if (ret)
		return ret;
	if (get_u64(fdt, node, "cr0-mask", &pol->mask[NORTH_REG_CR0], false) ||
	    get_u64(fdt, node, "cr4-mask", &pol->mask[NORTH_REG_CR4], false))
		return -EINVAL;
	for (size_t i = 0; i < ARRAY_SIZE(optional_masks); i++)
		if (get_u64(fdt, node, optional_masks[i].prop,
			    &pol->mask[optional_masks[i].reg], true))
			return -EINVAL;
	for (unsigned int r = 0; r < NORTH_REG_COUNT; r++)
		if (pol->mask[r])
			pol->pinned_regs |= NORTH_ICPT(r);

	list = fdt_getprop(fdt, node, "msrs", &len);
	if (!list)
		return 0; /* no MSR pinned */
	if (len < 1 || list[len - 1] != '\0') {
		log_error("policy: /pinned/msrs must be a list of strings");
		return -EINVAL;
	}
	for (int off = 0; off < len;) {
		const char *name = list + off;
		bool known = false;

		for (size_t i = 0; i < ARRAY_SIZE(msr_names); i++) {
			if (strcmp(name, msr_names[i].name) != 0)
				continue;
			pol->pinned_regs |= NORTH_ICPT(msr_names[i].reg);
			pol->mask[msr_names[i].reg] = ~0ull;
			known = true;
		}
		if (!known) {
			log_error("policy: /pinned/msrs: unknown MSR \"%s\" (known: "
				  MSR_NAMES_KNOWN ")", name);
			return -EINVAL;
		}
		off += (int)strlen(name) + 1;
	}
	return 0;
}

static uint64_t be64(const uint8_t *p)
{
	uint64_t v = 0;

	for (int i = 0; i < 8; i++)
		v = (v << 8) | p[i];
	return v;
}

/*
 * vtl0-ram = /bits/ 64 <base size ...>: VTL0's RAM, for a VTL0 that passes
 * no memory map (LVBS V4).  Optional; 1..SOUTH_MAX_VTL0_RAM pairs, each page
 * aligned, non-empty, not wrapping, above the one before.
 */
static int parse_vtl0_ram(const void *fdt, struct vtlp_policy *pol)
{
	int len;
	const uint8_t *p = fdt_getprop(fdt, 0, "vtl0-ram", &len);
	size_t n;

	pol->n_vtl0_ram = 0;
	if (!p)
		return len == -FDT_ERR_NOTFOUND ? 0 : -EINVAL;
	if (len <= 0 || len % 16 || (size_t)len / 16 > SOUTH_MAX_VTL0_RAM) {
		log_error("policy: vtl0-ram must be 1..%u pairs of 64-bit <base size> "
			  "(/bits/ 64), not %d bytes", SOUTH_MAX_VTL0_RAM, len);
		return -EINVAL;
	}
	n = (size_t)len / 16;
	for (size_t i = 0; i < n; i++) {
		uint64_t base = be64(p + 16 * i), size = be64(p + 16 * i + 8), end;

		if (!IS_ALIGNED(base, PAGE_SIZE) || !IS_ALIGNED(size, PAGE_SIZE) || size == 0 ||
		    add_overflows_u64(base, size, &end) ||
		    (i && base < pol->vtl0_ram[i - 1].end)) {
			log_error("policy: vtl0-ram pair %zu <%#llx %#llx> must be page aligned, "
				  "non-empty, not wrap, and lie above the pair before it", i,
				  (unsigned long long)base, (unsigned long long)size);
			return -EINVAL;
		}
		pol->vtl0_ram[i].start = base;
		pol->vtl0_ram[i].end = end;
	}
	pol->n_vtl0_ram = n;
	return 0;
}

static int parse(const void *fdt, struct vtlp_policy *pol)
{
	static const char *const root_props[] = { "compatible", "violation-action",
						  "report-rate", "vtl0-ram" };
	static const char *const root_subs[] = { "classes", "pinned" };
	const char *action;
	const uint8_t *rate;
	int node, len, ret;

	if (fdt_node_check_compatible(fdt, 0, POLICY_COMPAT) != 0) {
		log_error("policy: root node is not compatible with \"%s\"", POLICY_COMPAT);
		return -EINVAL;
	}
	ret = check_names(fdt, 0, "/", root_props, ARRAY_SIZE(root_props), root_subs,
			  ARRAY_SIZE(root_subs));
	if (ret)
		return ret;

	action = get_string(fdt, 0, "/", "violation-action");
	if (!action)
		return -EINVAL;
	if (strcmp(action, "gp") == 0) {
		pol->action = VTLP_ACTION_GP;
	} else if (strcmp(action, "gp-report") == 0) {
		pol->action = VTLP_ACTION_GP_REPORT;
	} else {
		log_error("policy: violation-action = \"%s\": use \"gp\" or \"gp-report\"", action);
		return -EINVAL;
	}

	pol->report_rate = 10;
	rate = fdt_getprop(fdt, 0, "report-rate", &len);
	if (rate) {
		if (len != 4) {
			log_error("policy: report-rate must be one 32-bit cell");
			return -EINVAL;
		}
		pol->report_rate = (uint32_t)rate[0] << 24 | (uint32_t)rate[1] << 16 |
				   (uint32_t)rate[2] << 8 | rate[3];
		if (pol->report_rate < 1 || pol->report_rate > 1000) {
			log_error("policy: report-rate %u is outside 1..1000", pol->report_rate);
			return -EINVAL;
		}
	}

	ret = parse_vtl0_ram(fdt, pol);
	if (ret)
		return ret;
	node = fdt_subnode_offset(fdt, 0, "classes");
	if (node < 0) {
		log_error("policy: required node /classes is missing");
		return -EINVAL;
	}
	ret = parse_classes(fdt, node, pol);
	if (ret)
		return ret;
	node = fdt_subnode_offset(fdt, 0, "pinned");
	if (node < 0) {
		log_error("policy: required node /pinned is missing");
		return -EINVAL;
	}
	return parse_pinned(fdt, node, pol);
}

int vtlp_policy_parse(const void *fdt, size_t len, struct vtlp_policy *out)
{
	struct vtlp_policy pol;
	const char *why = "";
	int ret;

	if (!fdt)
		fdt = vtlp_policy_default_blob(&len);
	if (len < sizeof(struct fdt_header) || len > sizeof(blob_copy)) {
		log_error("policy: blob of %zu bytes is not a device tree (limit %zu)", len,
			  sizeof(blob_copy));
		return -EINVAL;
	}
	/* libfdt wants an aligned blob, and we want it out of the loader's reach. */
	memcpy(blob_copy, fdt, len);
	if (fdt_check_untrusted(blob_copy, len, &why)) {
		log_error("policy: not a valid flattened device tree: %s (compile the .dts "
			  "with dtc -O dtb)", why);
		return -EINVAL;
	}
	memset(&pol, 0, sizeof(pol));
	ret = parse(blob_copy, &pol);
	if (ret)
		return ret;
	*out = pol;
	return 0;
}
