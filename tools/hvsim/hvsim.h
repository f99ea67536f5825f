/* SPDX-License-Identifier: MIT */
/*
 * hvsim: the partition model.  One partition, up to HVSIM_MAX_VPS virtual
 * processors, each with a VTL0 and a VTL1 context.  Everything the Hyper-V
 * interface needs is a function over these structs plus the guest-memory
 * accessor in guestmem.h, so it builds both into the hvsim image and into the
 * host unit tests (where "guest RAM" is a malloc'd buffer).
 */
#ifndef HVSIM_HVSIM_H
#define HVSIM_HVSIM_H

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

extern struct hv_partition *hvp;  /* the one partition (image) */

/* --- platform hooks (image: svm/boot code; host tests: fakes) --- */
void *hv_alloc_pages(size_t npages);      /* zeroed, page aligned */
uint64_t hv_virt_to_phys(const void *p);
void hv_console_write(const char *prefix, const char *s, size_t n);
void hv_log(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void hv_trace(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void hv_vp_kick(struct hv_vp *vp);        /* an AP became runnable */

/* --- names for --trace lines only (tracenames.c) --- */
const char *hv_trace_msg_name(uint32_t type);
const char *hv_trace_reg_name(uint32_t name);
const char *hv_trace_vtl_call_name(uint64_t rdi);

/* --- guest memory (guestmem.c) --- */
void *gpa_ptr(struct hv_partition *p, uint64_t gpa, uint64_t len);
bool hv_refusal_log_due(unsigned long *count); /* rate limit for "refused:" lines */
/* THE checked path for every access at a guest-chosen GPA (guestmem.c). */
void *gpa_access(struct hv_partition *p, int vtl, uint64_t gpa, uint64_t len, bool write,
		 const char *what);
int gva_to_gpa(struct hv_partition *p, int vtl, const struct vmcb *v, uint64_t gva, bool write,
	       uint64_t *gpa);
int guest_read_virt(struct hv_partition *p, int vtl, const struct vmcb *v, uint64_t gva,
		    void *dst, size_t n);

/* --- VTL protection (prot.c) --- */
int prot_init(struct hv_partition *p);
int prot_set(struct hv_partition *p, uint64_t gfn, uint8_t mask);
uint8_t prot_get(const struct hv_partition *p, uint64_t gfn);
uint8_t prot_default_mask(const struct hv_partition *p);
void prot_reapply_default(struct hv_partition *p);
bool vtl0_may_access(const struct hv_partition *p, uint64_t gpa, uint64_t len, bool write);

/* --- per-VP state (vp.c) --- */
int vp_init(struct hv_partition *p, struct hv_vp *vp, unsigned int index);
void vp_setup_vmcb(struct hv_partition *p, struct hv_vp *vp, int vtl);
bool vp_context_valid(const struct hv_partition *p, const struct hv_initial_vp_context *c);
int vp_load_initial_context(struct hv_vp *vp, int vtl, const struct hv_initial_vp_context *ctx);
void vp_update_intercepts(struct hv_partition *p, struct hv_vp *vp);
void vtl_switch(struct hv_partition *p, struct hv_vp *vp, int to_vtl, uint32_t reason);
void vp_prepare_entry(struct hv_partition *p, struct hv_vp *vp);
void vp_inject_exception(struct hv_vp *vp, int vtl, uint8_t vector, bool has_err, uint32_t err);
/* VTL0 of vp as INIT + SIPI leave it: real mode at vector:0000. */
void vp_start_real_mode(struct hv_vp *vp, uint8_t vector);
/* An NMI for vp's VTL0: delivered at its next entry into VTL0 (held while
 * VTL1 runs); from another CPU, vp's CPU is kicked. */
void vp_post_nmi(struct hv_partition *p, struct hv_vp *vp, struct hv_vp *from);
bool vp_cr_value_ok(const struct hv_partition *p, const struct vtl_ctx *c, int cr, uint64_t val);

/* --- registers (regs.c) --- */
int vp_get_register(struct hv_partition *p, struct hv_vp *vp, int vtl, uint32_t name,
		    uint64_t val[2]);
int vp_set_register(struct hv_partition *p, struct hv_vp *vp, int vtl, uint32_t name,
		    const uint64_t val[2]);
/* The hypercall's access rule (OpenHCL's): HV status, 0 = allowed. */
int vp_register_access(int caller_vtl, int target_vtl, uint32_t name, bool set);
/* TLFS HV_X64_MSR_TSC_INVARIANT_CONTROL and its CPUID 0x40000003 EAX bit
 * AccessTscInvariantControls (absent from hv/spec): bit 0 of the MSR exposes
 * the invariant-TSC CPUID bit (0x80000007 EDX bit 8) to the partition. */
#define HVSIM_MSR_TSC_INVARIANT_CONTROL 0x40000118u
#define HVSIM_CPUID_ACCESS_TSC_INVARIANT (1u << 15)
/* TLFS HV_X64_MSR_TSC_FREQUENCY / HV_X64_MSR_APIC_FREQUENCY (absent from
 * hv/spec): read-only, Hz; offered (AccessFrequencyRegs) once hvsim has
 * measured the TSC at boot (hv_partition.tsc_hz). */
#define HVSIM_MSR_TSC_FREQUENCY  0x40000022u
#define HVSIM_MSR_APIC_FREQUENCY 0x40000023u
/* QEMU (7.2) counts its LAPIC timer in nanoseconds: a 1 GHz APIC clock */
#define HVSIM_APIC_HZ            1000000000ull
/* TLFS register names absent from hv/spec: TSC_AUX, IA32_MISC_ENABLE and
 * SgxLaunchControl0..3 (0x80080..0x80083) */
#define HVSIM_REGISTER_TSC_AUX 0x0008007Bu
#define HVSIM_REGISTER_MISC_ENABLE 0x000800A0u
#define HVSIM_REGISTER_SGX_LC0 0x00080080u
/* TLFS HvX64RegisterCrInterceptIa32MiscEnableMask (absent from hv/spec) */
#define HVSIM_REGISTER_CR_INTERCEPT_IA32_MISC_ENABLE_MASK 0x000E0003u

/* --- hypercalls (hypercall.c) --- */
uint64_t hv_hypercall(struct hv_partition *p, struct hv_vp *vp, uint64_t control,
		      uint64_t in_gpa, uint64_t out_gpa, bool *switched);

/* --- x2APIC for a real kernel in VTL0 (x2apic.c) --- */
#define HVSIM_X2APIC_FIRST 0x800u
#define HVSIM_X2APIC_LAST  0x8FFu
/* 0, or -EINVAL for a #GP (reserved register, reserved bits, read-only) */
int x2apic_msr_read(struct hv_partition *p, struct hv_vp *vp, uint32_t msr, uint64_t *val);
int x2apic_msr_write(struct hv_partition *p, struct hv_vp *vp, uint32_t msr, uint64_t val);

/* --- the I/O APIC's stores (ioapic.c) --- */
/* 0 when carried out or refused with a log line; -EINVAL (#GP) for a
 * store that is not a 32-bit write of IOREGSEL, IOWIN or EOI */
int ioapic_store(struct hv_partition *p, struct hv_vp *vp, uint32_t off, uint32_t val);

/* --- synthetic MSRs and CPUID (synth.c) --- */
int hv_msr_read(struct hv_partition *p, struct hv_vp *vp, uint32_t msr, uint64_t *val);
int hv_msr_write(struct hv_partition *p, struct hv_vp *vp, uint32_t msr, uint64_t val);
bool hv_cpuid(struct hv_vp *vp, uint32_t leaf, uint32_t sub, uint32_t r[4]);
/* Bits that depend on partition state (TSC invariant control). */
void hv_cpuid_partition(const struct hv_partition *p, uint32_t leaf, uint32_t r[4]);

/* --- intercepts to VTL1 (intercept.c) --- */
void msg_intercept_header(struct hv_vp *vp, struct hv_x64_intercept_message_header *h,
			  uint8_t insn_len, uint8_t access);
int deliver_intercept(struct hv_partition *p, struct hv_vp *vp, uint32_t type,
		      const void *payload, uint8_t payload_size);
void synic_eom(struct hv_partition *p, struct hv_vp *vp);
bool vtl1_intercepts_active(struct hv_partition *p, struct hv_vp *vp);

/*
 * hvsim-only, test-only hypercall (absent on Hyper-V; INVALID_HYPERCALL_CODE
 * unless hvsim was started with "bench"): the floor for VTL-switch
 * benchmarks.  From VTL0 it does the model's part of a VtlCall + VtlReturn
 * pair -- the VTL switch, one VMRUN of VTL1's own VMCB and its #VMEXIT, the
 * switch back -- without running a single VTL1 instruction: VTL1's VMCB
 * enters on an empty nested page table, so the first fetch exits (#NPF).
 * Simple or fast, no input or output; RAX = HV_STATUS_SUCCESS.
 */
#define HVSIM_HVCALL_BENCH_VTL_ROUND_TRIP 0xFFF0
int hvsim_bench_floor_exit(struct hv_partition *p, struct hv_vp *vp); /* hypercall.c */

/* hv_hypercall result bit: re-execute the VMMCALL with rep start = low 12 bits */
#define HVSIM_HC_RESTART_FLAG (1ull << 63)

#endif
