/* SPDX-License-Identifier: MIT */
/*
 * hvsim layer 0 (data): the partition model.  One partition, up to
 * HVSIM_MAX_VPS virtual processors, each with a VTL0 and a VTL1 context.
 * Plain structs and no code: every layer above works on them (the layer
 * table is in docs/hvsim.md and tools/hvsim/check-layers).  The model builds
 * both into the hvsim image and into the host unit tests (where "guest RAM"
 * is a malloc'd buffer).
 */
#ifndef HVSIM_PARTITION_H
#define HVSIM_PARTITION_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "arch/x86_64/svm.h"
#include "tools/hvsim/hvdefs.h"
#include "tools/hvsim/vmcb.h"

#define HVSIM_MAX_VPS   8
#define HVSIM_NUM_VTLS  2

/* Hypercall page layout hvsim writes into each VTL's hypercall page. */
#define HVSIM_HCPAGE_VTL_CALL_OFF    0x100
#define HVSIM_HCPAGE_VTL_RETURN_OFF  0x110

struct hv_synic {
	uint64_t scontrol, siefp, simp;
	uint64_t sint[HV_SYNIC_SINT_COUNT];
};

/* State SVM does not keep for us, private to one VTL of one VP. */
struct vtl_ctx {
	struct vmcb *vmcb;
	uint64_t vmcb_pa;
	bool enabled;            /* EnableVpVtl done (VTL0: always) */
	uint64_t guest_os_id;
	uint64_t hypercall_msr;
	uint64_t vp_assist_msr;
	struct hv_synic synic;
	uint64_t pending_event0; /* written by a higher VTL, injected at entry */
	uint64_t guest_efer;     /* EFER as the guest sees it (SVME hidden) */
	uint64_t apic_base;      /* IA32_APIC_BASE as the guest sees it (no APIC is modelled) */
	uint64_t msr_crash[5];
	uint64_t misc_enable;    /* IA32_MISC_ENABLE as the guest sees it (a stored value) */
	uint64_t tsc_aux;        /* TSC_AUX as RDMSR sees it (a stored value; RDTSCP: the CPU's) */
	uint64_t sgx_lc[4];      /* SgxLaunchControl0..3: stored only, the model has no SGX */
	/* Intercept controls this VTL (VTL1) set up for the lower VTL. */
	uint64_t cr_intercept_ctl, cr0_mask, cr4_mask, misc_enable_mask;
	uint8_t *msrpm;          /* 8 KiB MSR permission map */
	uint64_t msrpm_pa;
	uint8_t line[128];       /* console line buffer */
	size_t line_len;
};

struct hv_vp {
	unsigned int index;
	uint64_t vtl0_secure_config; /* VsmVpSecureConfigVtl0 as VTL1 set it (MBEC, TLB lock) */
	bool started;            /* running (VP0 always; APs after StartVirtualProcessor/EnableVpVtl) */
	bool halted;
	int active_vtl;
	struct svm_gprs gprs;    /* shared across VTLs (RAX lives in the VMCB and is copied) */
	struct vtl_ctx vtl[HVSIM_NUM_VTLS];
	/* x87/SSE/AVX state and XCR0 are per VP (shared by its VTLs); VPs take
	 * turns on one physical CPU, so hvsim swaps them at each VP switch. */
	void *fpu;
	uint64_t xcr0;
	bool msg_queued;         /* an intercept message waiting for a free SIM slot */
	struct hv_message queued_msg;
	uint64_t nr_exits, nr_hypercalls, nr_vtl_switches;
	/*
	 * SMP in Linux mode (each VP on its own physical CPU, main.c).  Set
	 * from other CPUs, hence read and written with __atomic builtins.
	 */
	bool in_guest;           /* between entry and #VMEXIT: quiesce waits for false */
	uint8_t tlb_flush;       /* bit per VTL: flush that ASID at the next entry */
	bool nmi_pending;        /* an NMI for VTL0, injected once VTL0 runs (x2apic.c) */
	bool nmi_in_service;     /* injected, VTL0's IRET not seen yet (IRET intercepted) */
	bool doorbell;           /* hvsim's own NMI (a kick), not a guest NMI */
	bool wait_for_sipi;      /* VTL0 after INIT: the next SIPI starts it */
	uint64_t x2apic_icr;     /* the last ICR value VTL0 wrote (reads return it) */
	/* --bench only (see HVSIM_HVCALL_BENCH_VTL_ROUND_TRIP) */
	bool bench_floor;         /* VTL1's VMCB is on the empty NPT: next exit ends the floor */
	uint64_t bench_saved_ncr3;
	uint64_t bench_boot_t0;   /* TSC at this VP's first VtlCall, 0 once reported */
	bool bench_boot_done;
};

struct hv_partition {
	uint8_t *ram;            /* host pointer to GPA 0 */
	uint64_t ram_pa;         /* host physical address of GPA 0 */
	uint64_t ram_size;
	unsigned int nr_vps;
	bool vtl1_enabled;
	bool mbec;
	uint64_t vsm_partition_config;   /* set by VTL1 */
	uint64_t tsc_invariant_control;  /* HVSIM_MSR_TSC_INVARIANT_CONTROL (partition-wide) */
	uint64_t tsc_hz;         /* measured at boot against the PIT; 0 = unknown (no frequency MSRs) */
	bool linux;              /* VTL0 is a real kernel: MMIO windows, device ports, direct interrupts */
	uint8_t *vtl0_prot;      /* VTL1's mask for VTL0, one byte per 4 KiB page */
	struct npt *npt[HVSIM_NUM_VTLS];
	uint8_t *iopm;
	uint64_t iopm_pa;
	uint8_t *iopm_vtl1;      /* VTL1's map: COM1 data/LSR pass through with fast_console */
	uint64_t iopm_vtl1_pa;
	uint8_t *iopm_linux;     /* VTL0's map when it hosts a real kernel: the device allow-list */
	uint64_t iopm_linux_pa;
	bool fast_console;       /* VTL1 writes COM1 directly (no exits, no prefix) */
	bool trace;
	bool bench;              /* hvsim-only test hooks for tests/vtl0/bench.c (cmdline "bench") */
	uint64_t bench_npt_root_pa; /* an all-not-present NPT root (bench floor) */
	/* The XCR0 of a VP (XFEM): the CPU's for the VP on it (main.c); NULL
	 * (host tests): hv_vp.xcr0 */
	uint64_t (*xcr0_of)(const struct hv_partition *p, const struct hv_vp *vp);
	uint8_t uart_lcr;         /* the console UART's line control (DLAB) */
	/*
	 * SMP hooks (image, Linux mode: main.c; NULL in host tests and for ELF
	 * guests, whose VPs time-share one CPU).  quiesce returns once vp is
	 * out of guest mode; the caller holds the partition lock, so vp then
	 * waits for it before it runs again.  doorbell makes vp's CPU leave
	 * guest mode (an NMI hvsim tells apart through hv_vp.doorbell).
	 */
	void (*quiesce)(struct hv_partition *p, struct hv_vp *vp);
	void (*doorbell)(struct hv_partition *p, struct hv_vp *vp);
	/* The local xAPIC of the CPU the calling VP runs on (x2apic.c):
	 * register offset in bytes; send_ipi writes its ICR (dest = a VP's
	 * APIC ID; icr_lo a fixed-mode command hvsim built) */
	uint32_t (*lapic_read)(unsigned int off);
	void (*lapic_write)(unsigned int off, uint32_t val);
	void (*send_ipi)(uint32_t dest, uint32_t icr_lo);
	/* the I/O APIC (ioapic.c): a 32-bit store at offset off of its page */
	void (*ioapic_write)(unsigned int off, uint32_t val);
	uint32_t ioapic_sel;      /* IOREGSEL as hvsim last wrote it */
	uint64_t cr4_valid;       /* CR4 bits the CPU supports (CPUID): the rest are reserved */
	int exit_code;           /* set when a guest asks hvsim to stop */
	bool stop;
	struct hv_vp vps[HVSIM_MAX_VPS];
};

extern struct hv_partition *hvp;  /* the one partition (image: main.c) */

#endif
