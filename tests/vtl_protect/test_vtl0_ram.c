// SPDX-License-Identifier: MIT
/*
 * The policy's vtl0-ram (docs/policy.md): an operator names VTL0's RAM for
 * a VTL0 that passes no memory map (LVBS V4).  Parsed strictly; once in
 * force, every VTL0 address outside it is refused and the per-request page
 * limit follows it.
 */
#include <libfdt.h>
#include <string.h>

#include "tests/vtl_protect/vtlp_test.h"
#include "vtl_protect/internal.h"

#define R HEKI_ATTR_MEM_R
#define W HEKI_ATTR_MEM_W
#define PM VSM_VTL_CALL_FUNC_ID_PROTECT_MEMORY
#define MIB (1ull << 20)

int vt_policy_blob(void *buf, size_t size, const char *audit_class, const char *action,
		   uint32_t rate);

static uint8_t blob[8192];

/* The test policy plus vtl0-ram = the n (base, size) pairs in v[] (BE). */
static int ram_blob(const uint64_t *v, size_t n, int len)
{
	uint8_t cells[8 * 2 * 20];

	for (size_t i = 0; i < 2 * n && i < 40; i++)
		for (int b = 0; b < 8; b++)
			cells[8 * i + (size_t)b] = (uint8_t)(v[i] >> (56 - 8 * b));
	if (vt_policy_blob(blob, 4096, NULL, "gp", 10) || fdt_open_into(blob, blob, sizeof(blob)))
		return -1;
	return fdt_setprop(blob, 0, "vtl0-ram", cells, len < 0 ? (int)(16 * n) : len);
}

static int parse_ram(const uint64_t *v, size_t n, int len, struct vtlp_policy *p)
{
	CHECK_EQ_INT(ram_blob(v, n, len), 0);
	return vtlp_policy_parse(blob, fdt_totalsize(blob), p);
}

TEST(vtlp_policy_vtl0_ram_parsed)
{
	const uint64_t two[4] = { 0, 6 * MIB, 10 * MIB, 6 * MIB };
	struct vtlp_policy p;

	CHECK_EQ_INT(parse_ram(two, 2, -1, &p), 0);
	CHECK_EQ(p.n_vtl0_ram, 2);
	CHECK_EQ(p.vtl0_ram[0].start, 0);
	CHECK_EQ(p.vtl0_ram[0].end, 6 * MIB);
	CHECK_EQ(p.vtl0_ram[1].start, 10 * MIB);
	CHECK_EQ(p.vtl0_ram[1].end, 16 * MIB);
	/* absent: not limited */
	CHECK_EQ_INT(vt_policy_blob(blob, 4096, NULL, "gp", 10), 0);
	CHECK_EQ_INT(vtlp_policy_parse(blob, 4096, &p), 0);
	CHECK_EQ(p.n_vtl0_ram, 0);
}

TEST(vtlp_policy_vtl0_ram_rejections)
{
	const uint64_t ok[2] = { 0, 4 * MIB };
	const uint64_t unaligned[2] = { 0x1800, 4 * MIB };
	const uint64_t odd_size[2] = { 0, 4 * MIB + 8 };
	const uint64_t empty[2] = { 4 * MIB, 0 };
	const uint64_t wraps[2] = { 0xFFFFFFFFFFFFF000ull, 0x2000 };
	const uint64_t descending[4] = { 10 * MIB, MIB, 0, MIB };
	const uint64_t overlap[4] = { 0, 4 * MIB, 3 * MIB, MIB };
	uint64_t many[2 * 17];
	struct vtlp_policy p;

	CHECK_EQ_INT(parse_ram(ok, 1, 8, &p), -EINVAL);   /* half a pair */
	CHECK_EQ_INT(parse_ram(ok, 1, 0, &p), -EINVAL);   /* empty property */
	CHECK_EQ_INT(parse_ram(unaligned, 1, -1, &p), -EINVAL);
	CHECK_EQ_INT(parse_ram(odd_size, 1, -1, &p), -EINVAL);
	CHECK_EQ_INT(parse_ram(empty, 1, -1, &p), -EINVAL);
	CHECK_EQ_INT(parse_ram(wraps, 1, -1, &p), -EINVAL);
	CHECK_EQ_INT(parse_ram(descending, 2, -1, &p), -EINVAL);
	CHECK_EQ_INT(parse_ram(overlap, 2, -1, &p), -EINVAL);
	for (size_t i = 0; i < 17; i++) {
		many[2 * i] = i * 2 * MIB;
		many[2 * i + 1] = MIB;
	}
	CHECK_EQ_INT(parse_ram(many, 16, -1, &p), 0);
	CHECK_EQ_INT(parse_ram(many, 17, -1, &p), -EINVAL);
	/* an invalid vtl0-ram refuses the start, like any bad policy */
	CHECK_EQ_INT(ram_blob(unaligned, 1, -1), 0);
	CHECK_EQ_INT(vt_setup_policy(blob, fdt_totalsize(blob)), -EINVAL);
	vt_teardown();
}

/*
 * VTL0 RAM [0, 6 MiB) and [10 MiB, 16 MiB) (VTL1 is [8, 10) MiB): copies
 * and protections outside it are refused, the page limit is 16 MiB, and
 * with no memory map otherwise (V4) the map counts as known.
 */
TEST(vtlp_vtl0_ram_bounds_vtl0_memory)
{
	const uint64_t two[4] = { 0, 6 * MIB, 10 * MIB, 6 * MIB };
	struct heki_range r = { .pa = T_TEXT, .epa = T_TEXT + 0x1000, .attributes = R };

	CHECK_EQ_INT(ram_blob(two, 2, -1), 0);
	fake_reset();
	CHECK_EQ_INT(vt_setup_policy(blob, fdt_totalsize(blob)), 0);
	CHECK_EQ(north_vtl0_phys_end(), 16 * MIB);
	CHECK_EQ(vtlp_max_request_pages(), 16 * MIB >> 12);
	CHECK(north_vtl0_map_known());
	CHECK_EQ_INT(vt_protect(T_TEXT, T_TEXT + 0x1000, R), 0);
	/* past the top: refused before the South is asked */
	CHECK_EQ_INT(vt_protect(12 * MIB, 17 * MIB, R | W), -EFAULT);
	CHECK_EQ(vt_lines("past the end of VTL0 memory"), 1);
	/* in the hole [6, 8) MiB: the South refuses, nothing changes */
	CHECK_EQ_INT(vt_protect(T_BUF, T_BUF + 0x1000, R), -EINVAL);
	CHECK_EQ(fake_perm(T_BUF), SOUTH_PROT_ALL);
	/* a range chain in the hole cannot be read */
	memcpy(fake_ram(T_BUF), &(struct heki_page_hdr){ 0, 0, 1 }, sizeof(struct heki_page_hdr));
	memcpy(fake_ram(T_BUF + sizeof(struct heki_page_hdr)), &r, sizeof(r));
	CHECK_EQ_INT(vt_call(PM, T_BUF, 1, 0), -EFAULT);
	/* set once */
	CHECK_EQ_INT(north_limit_vtl0_ram((const struct south_range[]){ { 0, 32 * MIB } }, 1),
		     -EPERM);
	CHECK_EQ(north_vtl0_phys_end(), 16 * MIB);
	/* the North layer checks what it hands down */
	fake_south.nlim = 0;
	CHECK_EQ_INT(north_limit_vtl0_ram((const struct south_range[]){ { 0x800, 4 * MIB } }, 1),
		     -EINVAL);
	CHECK_EQ_INT(north_limit_vtl0_ram((const struct south_range[]){ { 4 * MIB, 5 * MIB },
									{ 0, MIB } }, 2),
		     -EINVAL);
	/* V4: no memory map until vtl0-ram names one */
	fake_south.map_unknown = true;
	CHECK(!north_vtl0_map_known());
	CHECK_EQ_INT(north_limit_vtl0_ram((const struct south_range[]){ { 0, 16 * MIB } }, 1), 0);
	CHECK(north_vtl0_map_known());
}
