/* SPDX-License-Identifier: MIT */
/*
 * The generated TLFS structs must have exactly the offsets and sizes written
 * in hv/spec/.  The generator emits a table with the spec's numbers next to
 * offsetof()/sizeof() of the generated structs, so this test checks what the
 * compiler actually laid out (the _Static_asserts in the headers check the
 * same at compile time; this runs them as a test and counts them).
 */
#include <hv/tlfs.h>
#include <hv/tlfs_layout_table.h>

#include "core/compiler.h"
#include "tests/unit/unit.h"

TEST(hv_tlfs_layout_matches_spec)
{
	size_t i;

	CHECK(ARRAY_SIZE(hv_layout_table) > 50);
	for (i = 0; i < ARRAY_SIZE(hv_layout_table); i++) {
		const struct hv_layout_entry *e = &hv_layout_table[i];

		if (e->c_off != e->spec_off || e->c_size != e->spec_size)
			unit_fail(__FILE__, __LINE__, "%s.%s: spec @%zu/%zu, C @%zu/%zu", e->strct,
				  e->field ? e->field : "(size)", e->spec_off, e->spec_size,
				  e->c_off, e->c_size);
	}
}

TEST(hv_tlfs_constants_match_spec)
{
	size_t i;

	CHECK(ARRAY_SIZE(hv_const_table) > 100);
	for (i = 0; i < ARRAY_SIZE(hv_const_table); i++)
		if (hv_const_table[i].c_value != hv_const_table[i].spec_value)
			unit_fail(__FILE__, __LINE__, "%s: spec 0x%llx, C 0x%llx",
				  hv_const_table[i].name, hv_const_table[i].spec_value,
				  hv_const_table[i].c_value);
}

/* Bitfield helpers: set/get round-trip, truncation to the field, neighbours kept. */
TEST(hv_tlfs_bitfield_helpers)
{
	uint64_t v = ~0ULL;

	v = hv_hypercall_input_set_rep_count(v, 0);
	CHECK_EQ(hv_hypercall_input_get_rep_count(v), 0);
	CHECK_EQ(v | HV_HYPERCALL_INPUT_REP_COUNT_MASK, ~0ULL);
	v = hv_hypercall_input_set_rep_count(v, 0x1FFF); /* 13 bits into a 12-bit field */
	CHECK_EQ(hv_hypercall_input_get_rep_count(v), 0xFFF);
	CHECK_EQ(v, ~0ULL);
	CHECK_EQ(HV_HYPERCALL_INPUT_REP_COUNT_SHIFT + HV_HYPERCALL_INPUT_REP_COUNT_WIDTH, 44);

	uint8_t vtl = hv_input_vtl_set_use_target_vtl(hv_input_vtl_set_target_vtl(0, 1), 1);
	CHECK_EQ(vtl, 0x11);
	CHECK_EQ(hv_input_vtl_get_target_vtl(0xFF), 0xF);
	CHECK_EQ(HV_INPUT_VTL_RESERVED_MASK, 0xE0);

	uint64_t sint = hv_synic_sint_set_vector(0, 0xF3);
	sint = hv_synic_sint_set_auto_eoi(sint, 1);
	CHECK_EQ(sint, 0x200F3);
	CHECK_EQ(hv_synic_sint_get_masked(sint), 0);
}
