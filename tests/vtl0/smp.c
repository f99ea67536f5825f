// SPDX-License-Identifier: MIT
/*
 * The VTL0 kernel's APs.  Each starts in VTL0 (StartVirtualProcessor), loads
 * the kernel's GDT/IDT/TSS/page tables, and then behaves like LVBS Linux's
 * per-CPU VTL1 boot thread: spin until VTL1 writes 0xDC into its byte of the
 * boot-signal page, then make its VTL call (all arguments 0).  Afterwards it
 * runs the workload (a per-VP counter) and, when asked, one function for the
 * BSP (smp_run_on) - attacks "on another VP" run that way, one at a time.
 */
#include "tests/vtl0/vtl0.h"

volatile uint64_t ap_ticks[VTL0_MAX_VPS];
volatile uint32_t ap_online[VTL0_MAX_VPS];
volatile uint8_t *volatile ap_boot_signal;
volatile uint32_t ap_vtl1_done[VTL0_MAX_VPS];
volatile int64_t ap_vtl1_result[VTL0_MAX_VPS];
volatile uint32_t ap_go[VTL0_MAX_VPS];
volatile uint32_t ap_boot_stop;
volatile uint64_t ap_vp_status[VTL0_MAX_VPS];

struct mailbox {
	vtl0_ap_fn fn;
	void *arg;
	volatile uint32_t req, done;
};
static struct mailbox mbox[VTL0_MAX_VPS];

void smp_run_on(unsigned int vp, vtl0_ap_fn fn, void *arg)
{
	struct mailbox *m = &mbox[vp];
	uint32_t want;

	if (vp == 0 || vp >= v0.nr_vps) {
		fn(arg);
		return;
	}
	m->fn = fn;
	m->arg = arg;
	want = m->req + 1;
	__atomic_store_n(&m->req, want, __ATOMIC_RELEASE);
	while (__atomic_load_n(&m->done, __ATOMIC_ACQUIRE) != want)
		vtl0_pause();
}

void smp_start_on(unsigned int vp, vtl0_ap_fn fn, void *arg)
{
	struct mailbox *m = &mbox[vp];

	m->fn = fn;
	m->arg = arg;
	__atomic_store_n(&m->req, m->req + 1, __ATOMIC_RELEASE);
}

void smp_wait(unsigned int vp)
{
	struct mailbox *m = &mbox[vp];

	while (__atomic_load_n(&m->done, __ATOMIC_ACQUIRE) != m->req)
		vtl0_pause();
}

void vtl0_ap_main(void)
{
	unsigned int vp = vtl0_vp_index();
	struct mailbox *m = &mbox[vp];

	cpu_init_ap(vp);
	__atomic_store_n(&ap_online[vp], 1, __ATOMIC_RELEASE);

	/* V1-V3 hv_vsm_boot_sec_vp_thread_fn: wait for VTL1's signal; V4: wait
	 * until the BSP lets this AP make its call (one AP at a time). */
	for (;;) {
		const volatile uint8_t *sig = ap_boot_signal;

		/* hv_vsm_boot_ap_vtl: once BOOT_APS has returned, kthread_stop()
		 * ends the threads still spinning; they never make a call. */
		if (__atomic_load_n(&ap_boot_stop, __ATOMIC_ACQUIRE))
			goto serve;

		if (v0.opt.lvbs != 4 && sig && sig[vp] == 0xDC)
			break;
		if (v0.opt.lvbs == 4 && __atomic_load_n(&ap_go[vp], __ATOMIC_ACQUIRE))
			break;
		ap_ticks[vp]++;
		vtl0_pause();
	}
	ap_vtl1_result[vp] = v0.opt.lvbs == 4 ? vtl_call(0, 0, 0, 0) : (int32_t)vtl_call(0, 0, 0, 0);
	/* Every generation reads VsmVpStatus.ActiveMbecEnabled after the call
	 * (facts §9): VTL1 must have set MBEC for this VP by now. */
	vsm_get_reg(0x000D0003u /* VsmVpStatus */, (uint64_t *)&ap_vp_status[vp]);
	__atomic_store_n(&ap_vtl1_done[vp], 1, __ATOMIC_RELEASE);
serve:
	for (;;) {
		uint32_t req = __atomic_load_n(&m->req, __ATOMIC_ACQUIRE);

		if (req != m->done) {
			m->fn(m->arg);
			__atomic_store_n(&m->done, req, __ATOMIC_RELEASE);
		}
		ap_ticks[vp]++; /* the AP's share of the workload */
		vtl0_pause();
	}
}
