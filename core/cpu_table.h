/* SPDX-License-Identifier: MIT */
/*
 * Per-CPU tables sized to the partition's VP count.
 *
 * Each layer that keeps state per CPU (arch's per-CPU blocks and FPU save
 * pointers, hv/'s hypercall pages, the South's entry state) holds CPU 0's
 * entry statically, because the boot CPU needs it before the heap exists,
 * and takes the entries of CPUs 1..n-1 from the VTL1 heap once the boot
 * information names n.  So a 2-VP guest pays for 2 entries, not for the
 * ceiling.  cpu_table_alloc runs once, on the boot CPU, before any AP can
 * enter VTL1 (the APs are enabled only later, by BOOT_APS/ENABLE_APS_VTL).
 */
#ifndef CORE_CPU_TABLE_H
#define CORE_CPU_TABLE_H

#include <stddef.h>

/* The hard ceiling: every VP VTL0 can name (south_lvbs BOOT_MAX_CPUS). */
#define CPU_TABLE_MAX 1024

struct cpu_table {
	const char *what;   /* for log lines */
	void *boot;         /* CPU 0's static entry */
	size_t size;        /* bytes per entry */
	void *aps;          /* CPUs 1..n-1, from the heap; NULL until allocated */
	unsigned int n;     /* entries usable, CPU 0 included */
};

#define CPU_TABLE_INIT(what_, boot_)                                           \
	{ .what = (what_), .boot = &(boot_), .size = sizeof(boot_), .aps = NULL, .n = 1 }

/*
 * Size the table for n CPUs: zeroed heap entries for CPUs 1..n-1.  Once
 * only.  -EINVAL (and a log line) for n == 0 or n > CPU_TABLE_MAX, -EBUSY
 * when already sized, -ENOMEM when the heap cannot hold it; the table is
 * left unchanged on failure.
 */
int cpu_table_alloc(struct cpu_table *t, unsigned int n);

/* CPU `cpu`'s entry, or NULL when cpu is not below the sized count. */
void *cpu_table_get(const struct cpu_table *t, unsigned int cpu);

/* Entries usable (1 until sized) and the heap bytes the table took. */
unsigned int cpu_table_count(const struct cpu_table *t);
size_t cpu_table_heap_bytes(const struct cpu_table *t);

#endif
