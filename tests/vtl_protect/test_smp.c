// SPDX-License-Identifier: MIT
/* Several CPUs making VTL calls at once: the engine lock keeps state sane. */
#include <pthread.h>
#include <string.h>

#include "tests/vtl_protect/vtlp_test.h"

#define NTHREADS 4
#define ROUNDS 50

struct worker {
	unsigned int vp;
	uint64_t chain;  /* this thread's range page */
	uint64_t base;   /* this thread's first page */
	int failures;
};

static void *work(void *arg)
{
	struct worker *w = arg;

	for (int i = 0; i < ROUNDS; i++) {
		int64_t ret;

		ret = vtlp_vtl_call(w->vp, VSM_VTL_CALL_FUNC_ID_PROTECT_MEMORY, w->chain, 1, 0);
		if (ret)
			w->failures++;
		ret = vtlp_vtl_call(w->vp, VTLGUARD_CALL_GET_MEASUREMENTS, T_BUF, 0, 0);
		if (ret != -ENOSPC)
			w->failures++;
	}
	return NULL;
}

TEST(vtlp_concurrent_calls_keep_state_consistent)
{
	pthread_t t[NTHREADS];
	struct worker w[NTHREADS];
	uint32_t attr;

	vt_setup();
	fake_south.ncpus = NTHREADS;
	for (unsigned int i = 0; i < NTHREADS; i++) {
		struct heki_range r = { .pa = T_TEXT + i * 0x10000,
					.epa = T_TEXT + i * 0x10000 + 0x4000,
					.attributes = HEKI_ATTR_MEM_R |
						      ((i & 1) ? HEKI_ATTR_MEM_X : HEKI_ATTR_MEM_W) };

		w[i] = (struct worker){ .vp = i, .chain = T_CHAIN + i * 0x1000,
					.base = r.pa };
		vt_chain_at(w[i].chain, &r, 1, 1);
	}
	for (unsigned int i = 0; i < NTHREADS; i++)
		CHECK_EQ_INT(pthread_create(&t[i], NULL, work, &w[i]), 0);
	for (unsigned int i = 0; i < NTHREADS; i++) {
		pthread_join(t[i], NULL);
		CHECK_EQ_INT(w[i].failures, 0);
		CHECK_EQ_INT(vtlp_protection_of(w[i].base + 0x3000, &attr), 0);
		CHECK_EQ(attr, HEKI_ATTR_MEM_R | ((i & 1) ? HEKI_ATTR_MEM_X : HEKI_ATTR_MEM_W));
		CHECK_EQ(fake_perm(w[i].base), (i & 1) ? SOUTH_PROT_R | SOUTH_PROT_KX | SOUTH_PROT_UX :
							 SOUTH_PROT_R | SOUTH_PROT_W | SOUTH_PROT_UX);
	}
	/* Every call was measured once: 1 policy + NTHREADS * ROUNDS protects. */
	CHECK_EQ_INT(vtlp_vtl_call(0, VTLGUARD_CALL_GET_MEASUREMENTS, T_BUF, 64, 0), -ENOSPC);
	CHECK_EQ(*(uint32_t *)fake_ram(T_BUF + 16), 1 + NTHREADS * ROUNDS > 256 ? 256 :
						     1 + NTHREADS * ROUNDS);
	CHECK_EQ(*(uint32_t *)fake_ram(T_BUF + 20), 1 + NTHREADS * ROUNDS > 256 ?
						     1 + NTHREADS * ROUNDS - 256 : 0);
	CHECK_EQ(fake_south.prot_calls, NTHREADS * ROUNDS);
}
