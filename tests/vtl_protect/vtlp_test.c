// SPDX-License-Identifier: MIT
#include <string.h>

#include <stdlib.h>

#include "core/kmalloc.h"
#include "core/log.h"
#include "core/page_alloc.h"
#include "tests/vtl_protect/vtlp_test.h"

#define VT_MAX_LINES 512
static char lines[VT_MAX_LINES][160];
static unsigned int nlines;

static void vt_sink(enum log_level lvl, const char *line, size_t len)
{
	(void)len;
	(void)lvl;
	if (nlines >= VT_MAX_LINES)
		return;
	snprintf(lines[nlines++], sizeof(lines[0]), "%s", line);
}

unsigned int vt_lines(const char *needle)
{
	unsigned int n = 0;

	for (unsigned int i = 0; i < nlines; i++)
		if (strstr(lines[i], needle))
			n++;
	return n;
}

void vt_teardown(void)
{
	fake_reset();
	vtlp_init(NULL, 0); /* drops the ring sink */
	log_remove_sink(vt_sink);
	nlines = 0;
}

/*
 * VTL1's heap for the engine's tables: 64 MiB, as the smallest VTL1 region
 * the suites run with, at the PA the other host tests use.  Reset on every
 * setup so no test sees another's allocations.
 */
#define VT_HEAP_SIZE (64u << 20)

static size_t heap_size = VT_HEAP_SIZE;

void vt_setup_heap(size_t bytes)
{
	heap_size = bytes;
	vt_setup();
	heap_size = VT_HEAP_SIZE;
}

int vt_setup_policy(const void *fdt, size_t len)
{
	static void *heap;

	if (!heap)
		heap = aligned_alloc(PAGE_SIZE, VT_HEAP_SIZE);
	page_alloc_reset();
	kmalloc_reset();
	if (!heap || page_alloc_add_range(heap, 0x40000000, heap_size))
		return -ENOMEM;
	fake_reset();
	nlines = 0;
	log_add_sink(vt_sink);
	vtlp_register_modval(NULL);
	return vtlp_init(fdt, len);
}

void vt_setup(void)
{
	int ret = vt_setup_policy(NULL, 0);

	CHECK_EQ_INT(ret, 0);
}

void vt_chain_at(uint64_t base, const struct heki_range *r, size_t n, size_t per_page)
{
	size_t done = 0;
	uint64_t page = base;

	while (done < n) {
		struct heki_page_hdr h;
		size_t k = n - done < per_page ? n - done : per_page;

		h.next_va = 0xffff888000000000ull + page + 0x1000;
		h.nranges = k;
		h.next_pa = done + k < n ? page + 0x1000 : 0;
		memcpy(fake_ram(page), &h, sizeof(h));
		memcpy(fake_ram(page + sizeof(h)), r + done, k * sizeof(*r));
		done += k;
		page += 0x1000;
	}
}

void vt_chain(const struct heki_range *r, size_t n)
{
	vt_chain_at(T_CHAIN, r, n, HEKI_RANGES_PER_PAGE);
}

int64_t vt_call(uint64_t id, uint64_t a0, uint64_t a1, uint64_t a2)
{
	return vtlp_vtl_call(0, id, a0, a1, a2);
}

int64_t vt_protect(uint64_t pa, uint64_t epa, uint64_t attr)
{
	struct heki_range r = { .va = 0, .pa = pa, .epa = epa, .attributes = attr };

	vt_chain(&r, 1);
	return vt_call(VSM_VTL_CALL_FUNC_ID_PROTECT_MEMORY, T_CHAIN, 1, 0);
}

enum north_decision vt_run_intercept(void)
{
	unsigned int before = fake_south.ndone;

	CHECK_EQ_INT(vtlp_serve(), -ENODATA);
	CHECK_EQ(fake_south.ndone, before + 1);
	return fake_south.done[fake_south.ndone - 1].decision;
}

enum north_decision vt_reg_write(unsigned int vp, enum north_reg reg, uint64_t v)
{
	fake_push_reg(vp, reg, v, T_RIP0, 3);
	return vt_run_intercept();
}

enum north_decision vt_msr_write(unsigned int vp, uint32_t msr, uint64_t v)
{
	fake_push_msr(vp, msr, v, T_RIP0, 2);
	return vt_run_intercept();
}
