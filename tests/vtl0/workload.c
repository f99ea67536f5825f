// SPDX-License-Identifier: MIT
/*
 * The normal-world workload: what a kernel keeps doing while VTL1 guards it.
 * Between every two cases the BSP ticks it once: it writes its own data
 * (a rolling buffer and a checksum), enters its syscall path through LSTAR,
 * calls into its (protected) text and reads its rodata and ro_after_init
 * data.  The APs count in their idle loops.  At the end everything must add
 * up: protection must not have broken legitimate work.
 */
#include "tests/vtl0/vtl0.h"

static const uint64_t rodata_magic = 0x524F444154412121ull; /* "RODATA!!" */
static uint64_t roai_value __ro_after_init;
static uint64_t buf[512];
static uint64_t ticks, checksum, syscall_ok, text_ok;
static uint64_t ap_ticks_start[VTL0_MAX_VPS];

void workload_init(void)
{
	roai_value = 0x524F41495F56414Cull; /* set during init, frozen afterwards */
	for (unsigned int i = 0; i < 512; i++)
		buf[i] = i;
}

void workload_tick(void)
{
	uint64_t i = ticks % 512;

	buf[i] = buf[i] * 6364136223846793005ull + 1442695040888963407ull;
	checksum ^= buf[i];
	if (vtl0_syscall(ticks) == ticks + 1)
		syscall_ok++;
	if (vtl0_victim_fn() == 42 && *(volatile const uint64_t *)&rodata_magic == 0x524F444154412121ull &&
	    *(volatile uint64_t *)&roai_value == 0x524F41495F56414Cull)
		text_ok++;
	ticks++;
}

void workload_mark_aps(void)
{
	for (unsigned int vp = 1; vp < v0.nr_vps; vp++)
		ap_ticks_start[vp] = ap_ticks[vp];
}

static void nop_job(void *arg)
{
	(void)arg;
}

void workload_check(void)
{
	uint64_t sum = 0;

	/* recompute the checksum from the buffer history: replay the LCG */
	uint64_t b[512];

	for (unsigned int i = 0; i < 512; i++)
		b[i] = i;
	for (uint64_t t = 0; t < ticks; t++) {
		b[t % 512] = b[t % 512] * 6364136223846793005ull + 1442695040888963407ull;
		sum ^= b[t % 512];
	}
	gl_check(ticks > 0 && sum == checksum, "workload_data_writes",
		 "%llu ticks, checksum %#llx, expected %#llx", (unsigned long long)ticks,
		 (unsigned long long)checksum, (unsigned long long)sum);
	gl_check(syscall_ok == ticks && vtl0_syscall_count >= ticks, "workload_syscall_path",
		 "%llu of %llu syscalls returned correctly (%llu entries via LSTAR)",
		 (unsigned long long)syscall_ok, (unsigned long long)ticks,
		 (unsigned long long)vtl0_syscall_count);
	gl_check(text_ok == ticks, "workload_text_rodata_intact",
		 "%llu of %llu ticks saw text, rodata and ro_after_init intact",
		 (unsigned long long)text_ok, (unsigned long long)ticks);
	for (unsigned int vp = 1; vp < v0.nr_vps; vp++) {
		/* hvsim runs VPs on one CPU: wait for the AP to answer a no-op job */
		smp_run_on(vp, nop_job, NULL);
		gl_check(ap_ticks[vp] > ap_ticks_start[vp], ndl("workload_ap%u_alive", vp),
			 "VP %u idle counter stuck at %llu", vp, (unsigned long long)ap_ticks[vp]);
	}
	gl_printf("INFO workload: %llu ticks, %llu syscalls, checksum %#llx\n",
		  (unsigned long long)ticks, (unsigned long long)vtl0_syscall_count,
		  (unsigned long long)checksum);
}

const uint64_t *workload_rodata(void);
const uint64_t *workload_rodata(void)
{
	return &rodata_magic;
}

uint64_t *workload_roai(void);
uint64_t *workload_roai(void)
{
	return &roai_value;
}
