// SPDX-License-Identifier: MIT
#include <stdint.h>
#include <stdlib.h>
#include "core/compiler.h"
#include "core/cpu_table.h"
#include "core/errno.h"
#include "core/kmalloc.h"
#include "core/log.h"
#include "core/page_alloc.h"
#include "tests/unit/unit.h"

struct entry {
	uint64_t v[30]; /* 240 bytes, the size of arch's struct percpu */
};

static char last[256];

static void capture(enum log_level lvl, const char *line, size_t len)
{
	(void)lvl;
	if (len >= sizeof(last))
		len = sizeof(last) - 1;
	memcpy(last, line, len);
	last[len] = 0;
}

static void *heap(size_t pages)
{
	void *mem = aligned_alloc(PAGE_SIZE, pages * PAGE_SIZE);

	page_alloc_reset();
	kmalloc_reset();
	CHECK_EQ_INT(page_alloc_add_range(mem, 0x400000, pages * PAGE_SIZE), 0);
	return mem;
}

static void unheap(void *mem)
{
	kmalloc_reset();
	page_alloc_reset();
	free(mem);
}

/* Before sizing only CPU 0 (the static entry) exists. */
TEST(core_cpu_table_boot_only)
{
	static struct entry boot;
	struct cpu_table t = CPU_TABLE_INIT("test", boot);

	CHECK(cpu_table_get(&t, 0) == &boot);
	CHECK(cpu_table_get(&t, 1) == NULL);
	CHECK(cpu_table_get(&t, CPU_TABLE_MAX) == NULL);
	CHECK_EQ(cpu_table_count(&t), 1);
	CHECK_EQ(cpu_table_heap_bytes(&t), 0);
}

/* Sized for 2, 8 and 1024 VPs: distinct, zeroed entries, nothing beyond n,
 * and the heap pays for n - 1 entries only. */
TEST(core_cpu_table_sizes)
{
	static const unsigned int counts[] = { 1, 2, 8, CPU_TABLE_MAX };
	void *mem = heap(128);

	for (size_t k = 0; k < ARRAY_SIZE(counts); k++) {
		static struct entry boot;
		struct cpu_table t = CPU_TABLE_INIT("test", boot);
		unsigned int n = counts[k];
		size_t free0 = page_alloc_free_pages();

		CHECK_EQ_INT(cpu_table_alloc(&t, n), 0);
		CHECK_EQ(cpu_table_count(&t), n);
		CHECK_EQ(cpu_table_heap_bytes(&t), (size_t)(n - 1) * sizeof(struct entry));
		CHECK(cpu_table_get(&t, 0) == &boot);
		for (unsigned int cpu = 1; cpu < n; cpu++) {
			struct entry *e = cpu_table_get(&t, cpu);

			CHECK(e != NULL);
			if (!e)
				break;
			CHECK(e != &boot);
			CHECK(((uintptr_t)e & 15) == 0);
			CHECK_EQ(e->v[0] | e->v[29], 0);
			e->v[0] = cpu; /* every entry its own memory */
			e->v[29] = cpu;
		}
		for (unsigned int cpu = 1; cpu < n; cpu++) {
			const struct entry *e = cpu_table_get(&t, cpu);

			CHECK(e != NULL && e->v[29] == cpu);
		}
		CHECK(cpu_table_get(&t, n) == NULL);
		CHECK(cpu_table_get(&t, n + 1) == NULL);
		if (n > 1)
			CHECK(page_alloc_free_pages() < free0);
		kfree(t.aps);
	}
	unheap(mem);
}

/* Counts outside 1..CPU_TABLE_MAX, a second sizing and a full heap are
 * refused with a log line, and leave the table as it was. */
TEST(core_cpu_table_refusals)
{
	static struct entry boot;
	struct cpu_table t = CPU_TABLE_INIT("test", boot);
	void *mem = heap(16);

	CHECK_EQ_INT(log_add_sink(capture), 0);
	last[0] = 0;
	CHECK_EQ_INT(cpu_table_alloc(&t, CPU_TABLE_MAX + 1), -EINVAL);
	CHECK(strstr(last, "1025 CPUs refused (1..1024 supported)") != NULL);
	CHECK_EQ_INT(cpu_table_alloc(&t, 0), -EINVAL);
	CHECK_EQ_INT(cpu_table_alloc(&t, 0xffffffffu), -EINVAL);
	CHECK_EQ(cpu_table_count(&t), 1);
	CHECK(t.aps == NULL);
	/* 1023 * 240 bytes do not fit in 15 pages. */
	CHECK_EQ_INT(cpu_table_alloc(&t, CPU_TABLE_MAX), -ENOMEM);
	CHECK(strstr(last, "no heap for 1024 CPUs") != NULL);
	CHECK_EQ(cpu_table_count(&t), 1);
	CHECK(cpu_table_get(&t, 1) == NULL);
	CHECK_EQ_INT(cpu_table_alloc(&t, 4), 0);
	CHECK_EQ_INT(cpu_table_alloc(&t, 8), -EBUSY);
	CHECK_EQ(cpu_table_count(&t), 4);
	CHECK(cpu_table_get(&t, 4) == NULL);
	log_remove_sink(capture);
	kfree(t.aps);
	unheap(mem);
}
