// SPDX-License-Identifier: MIT
#include "core/compiler.h"
#include "core/cpu_table.h"
#include "core/errno.h"
#include "core/kmalloc.h"
#include "core/log.h"

int cpu_table_alloc(struct cpu_table *t, unsigned int n)
{
	void *aps = NULL;

	if (n == 0 || n > CPU_TABLE_MAX) {
		log_error("per-CPU %s: %u CPUs refused (1..%u supported)", t->what, n,
			  CPU_TABLE_MAX);
		return -EINVAL;
	}
	if (__atomic_load_n(&t->n, __ATOMIC_ACQUIRE) != 1 || t->aps) {
		log_error("per-CPU %s: already sized for %u CPUs", t->what, t->n);
		return -EBUSY;
	}
	if (n > 1) {
		/* n <= 1024 and size is a struct: the product cannot wrap. */
		aps = kzalloc((size_t)(n - 1) * t->size);
		if (!aps) {
			log_error("per-CPU %s: no heap for %u CPUs (%zu bytes)", t->what, n,
				  (size_t)(n - 1) * t->size);
			return -ENOMEM;
		}
	}
	t->aps = aps;
	/* Publish the entries before the count an AP checks against. */
	__atomic_store_n(&t->n, n, __ATOMIC_RELEASE);
	return 0;
}

__fastpath
void *cpu_table_get(const struct cpu_table *t, unsigned int cpu)
{
	if (cpu >= __atomic_load_n(&t->n, __ATOMIC_ACQUIRE))
		return NULL;
	if (cpu == 0)
		return t->boot;
	return (char *)t->aps + (size_t)(cpu - 1) * t->size;
}

unsigned int cpu_table_count(const struct cpu_table *t)
{
	return __atomic_load_n(&t->n, __ATOMIC_ACQUIRE);
}

size_t cpu_table_heap_bytes(const struct cpu_table *t)
{
	unsigned int n = cpu_table_count(t);

	return n > 1 ? (size_t)(n - 1) * t->size : 0;
}
