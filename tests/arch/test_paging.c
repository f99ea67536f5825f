// SPDX-License-Identifier: MIT
#include <stdlib.h>
#include "arch/x86_64/paging.h"
#include "core/compiler.h"
#include "core/errno.h"
#include "tests/unit/unit.h"

/* Fake physical memory: table "physical addresses" are offsets into a pool. */
#define POOL_PAGES 64
struct fake_mem {
	uint8_t *pool;
	unsigned used;
};

static void *fm_ptr(uint64_t pa, void *arg)
{
	struct fake_mem *m = arg;

	return m->pool + (pa - 0x1000);
}

static uint64_t fm_alloc(void *arg)
{
	struct fake_mem *m = arg;

	if (m->used == POOL_PAGES)
		return 0;
	memset(m->pool + m->used * PAGE_SIZE, 0, PAGE_SIZE);
	return 0x1000 + (m->used++) * PAGE_SIZE;
}

static struct pt_ctx fresh(struct fake_mem *m)
{
	struct pt_ctx c = { .table_ptr = fm_ptr, .alloc_table = fm_alloc, .arg = m };

	m->pool = aligned_alloc(PAGE_SIZE, POOL_PAGES * PAGE_SIZE);
	m->used = 0;
	CHECK_EQ_INT(pt_init(&c), 0);
	return c;
}

#define VB 0xffffffff80000000ULL

TEST(arch_paging_wx_refused)
{
	struct fake_mem m;
	struct pt_ctx c = fresh(&m);

	CHECK_EQ_INT(pt_map(&c, VB, 0x200000, PAGE_SIZE, MAP_W | MAP_X), -EINVAL);
	CHECK(!pt_lookup(&c, VB, NULL, NULL));
	free(m.pool);
}

TEST(arch_paging_section_permissions)
{
	struct fake_mem m;
	struct pt_ctx c = fresh(&m);
	uint64_t pte, sz;

	CHECK_EQ_INT(pt_map(&c, VB, 0x200000, 2 * PAGE_SIZE, MAP_X), 0);           /* text */
	CHECK_EQ_INT(pt_map(&c, VB + 0x200000, 0x400000, PAGE_SIZE, MAP_R), 0);    /* rodata */
	CHECK_EQ_INT(pt_map(&c, VB + 0x400000, 0x600000, PAGE_SIZE, MAP_W), 0);    /* data */
	CHECK(pt_lookup(&c, VB + 0x1000, &pte, &sz));
	CHECK(!(pte & PTE_W) && !(pte & PTE_NX) && sz == PAGE_SIZE);
	CHECK(pt_lookup(&c, VB + 0x200000, &pte, NULL));
	CHECK(!(pte & PTE_W) && (pte & PTE_NX));
	CHECK(pt_lookup(&c, VB + 0x400000, &pte, NULL));
	CHECK((pte & PTE_W) && (pte & PTE_NX));
	CHECK_EQ(pt_translate(&c, VB + 0x1234), 0x201234);
	CHECK_EQ(pt_translate(&c, VB + 0x2000), ~0ULL); /* guard: unmapped */
	CHECK_EQ_INT(pt_map(&c, VB, 0x900000, PAGE_SIZE, MAP_R), -EEXIST);
	free(m.pool);
}

TEST(arch_paging_every_mapping_is_wx_safe)
{
	struct fake_mem m;
	struct pt_ctx c = fresh(&m);
	unsigned perms[] = { MAP_R, MAP_W, MAP_X, MAP_W | MAP_LARGE, MAP_R | MAP_UC };

	for (unsigned i = 0; i < ARRAY_SIZE(perms); i++)
		CHECK_EQ_INT(pt_map(&c, VB + i * 0x400000ULL, 0x1000000 + i * 0x400000ULL,
				    0x400000, perms[i]), 0);
	/* Walk every mapped page: no leaf is writable and executable. */
	for (uint64_t va = VB; va < VB + 5 * 0x400000ULL; va += PAGE_SIZE) {
		uint64_t pte;

		CHECK(pt_lookup(&c, va, &pte, NULL));
		CHECK(!((pte & PTE_W) && !(pte & PTE_NX)));
	}
	free(m.pool);
}

TEST(arch_paging_large_pages_and_unmap)
{
	struct fake_mem m;
	struct pt_ctx c = fresh(&m);
	uint64_t pte, sz;
	uint64_t dm = 0xffff888000000000ULL;

	CHECK_EQ_INT(pt_map(&c, dm + 0x100000, 0x100000, 0x500000, MAP_W | MAP_LARGE), 0);
	CHECK(pt_lookup(&c, dm + 0x100000, &pte, &sz) && sz == PAGE_SIZE); /* unaligned head */
	CHECK(pt_lookup(&c, dm + 0x200000, &pte, &sz) && sz == 0x200000);
	CHECK(pte & PTE_PS);
	CHECK_EQ(pt_translate(&c, dm + 0x3fffff), 0x3fffff);
	CHECK_EQ(pt_unmap(&c, dm + 0x200000, PAGE_SIZE), -EINVAL); /* cannot split */
	CHECK_EQ(pt_unmap(&c, dm + 0x200000, 0x200000), 512);
	CHECK(!pt_lookup(&c, dm + 0x200000, NULL, NULL));
	CHECK_EQ(pt_unmap(&c, dm + 0x100000, PAGE_SIZE), 1);
	CHECK_EQ(pt_unmap(&c, dm + 0x100000, PAGE_SIZE), 0);
	free(m.pool);
}

TEST(arch_paging_bad_arguments)
{
	struct fake_mem m;
	struct pt_ctx c = fresh(&m);

	CHECK_EQ_INT(pt_map(&c, VB + 1, 0, PAGE_SIZE, MAP_R), -EINVAL);
	CHECK_EQ_INT(pt_map(&c, VB, 1, PAGE_SIZE, MAP_R), -EINVAL);
	CHECK_EQ_INT(pt_map(&c, VB, 0, 0, MAP_R), -EINVAL);
	CHECK_EQ_INT(pt_map(&c, 0x0000800000000000ULL, 0, PAGE_SIZE, MAP_R), -EINVAL);
	CHECK_EQ_INT(pt_map(&c, ~0xfffULL, 0, 2 * PAGE_SIZE, MAP_R), -EINVAL); /* wraps */
	CHECK_EQ_INT(pt_map(&c, VB, 0x000ffffffffff000ULL, 2 * PAGE_SIZE, MAP_R), -EINVAL);
	/* Pool exhaustion is an error, not a crash. */
	int r = 0;
	for (uint64_t i = 0; i < 200 && r == 0; i++)
		r = pt_map(&c, (i << 30) + 0x1000, 0x1000, PAGE_SIZE, MAP_R);
	CHECK_EQ_INT(r, -ENOMEM);
	free(m.pool);
}
