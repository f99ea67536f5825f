// SPDX-License-Identifier: MIT
/*
 * The machine-facing part of hv/: CPUID, synthetic MSRs, the hypercall page,
 * per-CPU argument pages, VP assist page, SynIC and the VTL return.  Kept
 * thin; the logic it relies on lives in the portable, host-tested files.
 */
#include <string.h>
#include "arch/x86_64/cpu.h"
#include "arch/x86_64/mm.h"
#include "arch/x86_64/percpu.h"
#include "core/compiler.h"
#include "core/cpu_table.h"
#include "core/errno.h"
#include "core/log.h"
#include "core/page_alloc.h"
#include "core/panic.h"
#include "hv/hv.h"

/* What we report in HV_X64_MSR_GUEST_OS_ID: an open-source guest of the
 * Linux type (it serves a Linux VTL0), os id 0, vtlguard version 0.1. */
#define VTLGUARD_GUEST_OS_VERSION 0x000100u

struct hv_cpu {
	struct hv_io_pages io;
	struct hv_vp_assist_page *assist;
	struct hv_message_page *sim;
};

/* CPU 0's pages are set up before the boot information names the VP
 * count; the other CPUs' entries come from the heap (hv_cpus_alloc). */
__fastdata static struct hv_cpu hv_cpu_boot;
__fastdata static struct cpu_table hv_cpus = CPU_TABLE_INIT("hypercall pages", hv_cpu_boot);

int hv_cpus_alloc(unsigned int n)
{
	return cpu_table_alloc(&hv_cpus, n);
}

size_t hv_cpus_heap_bytes(void)
{
	return cpu_table_heap_bytes(&hv_cpus);
}

/* The calling CPU's entry: a CPU runs VTL1 only once arch/ found its
 * per-CPU block, which the same VP count sized. */
static struct hv_cpu *this_hv_cpu(void)
{
	struct hv_cpu *c = cpu_table_get(&hv_cpus, this_cpu_id());

	BUG_ON(!c);
	return c;
}
__fastdata static uint32_t vtl_call_offset, vtl_return_offset;
__fastdata static bool code_page_known;

__fastpath
static uint64_t page_hypercall(uint64_t control, uint64_t in, uint64_t out)
{
	return hv_hypercall_page_call(control, in, out, hv_hypercall_page);
}

static void msr_write(uint32_t msr, uint64_t val)
{
	wrmsr(msr, val);
}

__fastpath
static struct hv_io_pages *this_io_pages(void)
{
	return &this_hv_cpu()->io;
}

static const struct hv_platform page_platform = {
	.hypercall = page_hypercall,
	.wrmsr = msr_write,
	.io_pages = this_io_pages,
};

static struct hv_cpuid_leaf leaf(uint32_t n)
{
	struct cpuid_regs r = cpuid(n, 0);
	struct hv_cpuid_leaf l = { r.eax, r.ebx, r.ecx, r.edx };

	return l;
}

/* GPFN of one of our pages; 0 (never a page we own) if it is unmapped. */
static uint64_t gpfn_of(const void *va)
{
	uint64_t pa = virt_to_phys(va);

	return pa == ~0ULL ? 0 : pa >> HV_HYP_PAGE_SHIFT;
}

int hv_init(uint32_t need_eax, uint32_t need_ebx)
{
	struct hv_cpuid_view v;
	struct hv_features f;
	uint64_t id = 0, msr;
	int err;

	v.std1 = leaf(1);
	v.vendor = leaf(HYPERV_CPUID_VENDOR_AND_MAX_FUNCTIONS);
	v.interface = leaf(HYPERV_CPUID_INTERFACE);
	v.features = leaf(HYPERV_CPUID_FEATURES);
	err = hv_check_cpuid(&v, need_eax, need_ebx, &f);
	if (err)
		return err;

	/* The hypervisor refuses to enable the hypercall page until a guest
	 * OS id is set. */
	id = hv_guest_os_id_set_open_source(id, 1);
	id = hv_guest_os_id_set_os_type(id, HV_GUEST_OS_TYPE_LINUX);
	id = hv_guest_os_id_set_version(id, VTLGUARD_GUEST_OS_VERSION);
	wrmsr(HV_X64_MSR_GUEST_OS_ID, id);

	if (!gpfn_of(hv_hypercall_page)) {
		log_error("hv: hypercall page %p has no physical address; check the image mapping",
			  (void *)hv_hypercall_page);
		return -EFAULT;
	}
	msr = rdmsr(HV_X64_MSR_HYPERCALL);
	if (hv_x64_msr_hypercall_get_locked(msr) &&
	    hv_x64_msr_hypercall_get_gpfn(msr) != gpfn_of(hv_hypercall_page)) {
		log_error("hv: hypercall MSR is locked at GPFN 0x%llx, not our page; cannot "
			  "make hypercalls", (unsigned long long)hv_x64_msr_hypercall_get_gpfn(msr));
		return -EBUSY;
	}
	msr = hv_x64_msr_hypercall_set_gpfn(msr, gpfn_of(hv_hypercall_page));
	msr = hv_x64_msr_hypercall_set_enable(msr, 1);
	wrmsr(HV_X64_MSR_HYPERCALL, msr);
	if (!hv_x64_msr_hypercall_get_enable(rdmsr(HV_X64_MSR_HYPERCALL))) {
		log_error("hv: hypervisor did not enable the hypercall page at GPA 0x%llx",
			  (unsigned long long)virt_to_phys(hv_hypercall_page));
		return -EIO;
	}
	hv_set_platform(&page_platform);
	log_info("hv: Hyper-V detected (max leaf 0x%x, privileges 0x%x:0x%x), hypercall page "
		 "at GPA 0x%llx", f.max_leaf, f.priv_ebx, f.priv_eax,
		 (unsigned long long)virt_to_phys(hv_hypercall_page));
	return 0;
}

static void *alloc_page_logged(const char *what)
{
	void *p = page_alloc();

	if (!p)
		log_error("hv: out of pages for the %s of CPU %u", what, this_cpu_id());
	return p;
}

static int read_code_page_offsets(void)
{
	uint64_t v;
	int err;

	if (code_page_known)
		return 0;
	err = hv_get_vp_register(HV_INPUT_VTL_CURRENT, HV_REGISTER_VSM_CODE_PAGE_OFFSETS, &v);
	if (err) {
		log_error("hv: cannot read VsmCodePageOffsets (%d); VTL call/return unavailable",
			  err);
		return err;
	}
	vtl_call_offset = (uint32_t)hv_register_vsm_code_page_offsets_get_vtl_call_offset(v);
	vtl_return_offset = (uint32_t)hv_register_vsm_code_page_offsets_get_vtl_return_offset(v);
	code_page_known = true;
	return 0;
}

int hv_init_cpu(uint8_t sint0_vector)
{
	struct hv_cpu *c = this_hv_cpu();
	uint64_t msr;

	/* Vectors 0..31 are CPU exceptions and cannot carry SynIC interrupts. */
	if (sint0_vector < 32)
		return -EINVAL;
	if (!c->io.in || !c->io.out || !c->assist || !c->sim) {
		/* Allocate only what is missing, so a retry after -ENOMEM works. */
		if (!c->io.in)
			c->io.in = alloc_page_logged("hypercall input page");
		if (!c->io.out)
			c->io.out = alloc_page_logged("hypercall output page");
		if (!c->assist)
			c->assist = alloc_page_logged("VP assist page");
		if (!c->sim)
			c->sim = alloc_page_logged("SynIC message page");
		if (!c->io.in || !c->io.out || !c->assist || !c->sim)
			return -ENOMEM;
		c->io.in_gpa = gpfn_of(c->io.in) << HV_HYP_PAGE_SHIFT;
		c->io.out_gpa = gpfn_of(c->io.out) << HV_HYP_PAGE_SHIFT;
		if (!c->io.in_gpa || !c->io.out_gpa || !gpfn_of(c->assist) || !gpfn_of(c->sim)) {
			log_error("hv: a page from page_alloc has no physical address (CPU %u)",
				  this_cpu_id());
			return -EFAULT;
		}
	}

	msr = rdmsr(HV_X64_MSR_VP_ASSIST_PAGE);
	msr = hv_x64_msr_vp_assist_page_set_gpfn(msr, gpfn_of(c->assist));
	wrmsr(HV_X64_MSR_VP_ASSIST_PAGE, hv_x64_msr_vp_assist_page_set_enable(msr, 1));

	msr = rdmsr(HV_X64_MSR_SIMP);
	msr = hv_synic_simp_set_base_gpfn(msr, gpfn_of(c->sim));
	wrmsr(HV_X64_MSR_SIMP, hv_synic_simp_set_enable(msr, 1));

	msr = rdmsr(HV_X64_MSR_SINT0);
	msr = hv_synic_sint_set_vector(msr, sint0_vector);
	msr = hv_synic_sint_set_masked(msr, 0);
	msr = hv_synic_sint_set_auto_eoi(msr, 1);
	wrmsr(HV_X64_MSR_SINT0, msr);

	msr = rdmsr(HV_X64_MSR_SCONTROL);
	wrmsr(HV_X64_MSR_SCONTROL, hv_synic_scontrol_set_enable(msr, 1));

	return read_code_page_offsets();
}

size_t hv_owned_pages(uint64_t *gpfns, size_t max)
{
	size_t n = 0;

	/* The hypercall page first, then each CPU's four pages. */
	if (n < max)
		gpfns[n] = gpfn_of(hv_hypercall_page);
	n++;
	for (unsigned int cpu = 0; cpu < cpu_table_count(&hv_cpus); cpu++) {
		const struct hv_cpu *c = cpu_table_get(&hv_cpus, cpu);
		const void *pages[4] = { c->io.in, c->io.out, c->assist, c->sim };

		for (unsigned int i = 0; i < ARRAY_SIZE(pages); i++) {
			if (!pages[i])
				continue;
			if (n < max)
				gpfns[n] = gpfn_of(pages[i]);
			n++;
		}
	}
	return n;
}

struct hv_vp_assist_page *hv_this_assist_page(void)
{
	return this_hv_cpu()->assist;
}

struct hv_message_page *hv_this_sim_page(void)
{
	return this_hv_cpu()->sim;
}

__fastpath
int hv_synic_take_sint0(struct hv_message *out)
{
	struct hv_message_page *sim = hv_this_sim_page();

	return sim ? hv_synic_take_sint(sim, 0, out) : -ENODEV;
}

__fastpath
uint32_t hv_vtl_return(struct hv_vtl_gprs *gprs)
{
	volatile struct hv_vp_assist_page *a = hv_this_assist_page();

	if (!a || !code_page_known) {
		log_error("hv: VTL return before hv_init_cpu on CPU %u", this_cpu_id());
		return HV_VTL_ENTRY_REASON_RESERVED;
	}
	/* A normal return reloads VTL0's RAX and RCX from the assist page. */
	a->vtl_ret_x64rax = gprs->rax;
	a->vtl_ret_x64rcx = gprs->rcx;
	hv_vtl_return_asm(gprs, hv_hypercall_page + vtl_return_offset);
	return a->vtl_entry_reason;
}

uint64_t hv_vtl_call(uint64_t rdi, uint64_t rsi, uint64_t rdx, uint64_t r8)
{
	if (!code_page_known) {
		log_error("hv: VTL call before hv_init_cpu read the VSM code page offsets");
		return (uint64_t)-ENODEV;
	}
	return hv_vtl_call_asm(rdi, rsi, rdx, hv_hypercall_page + vtl_call_offset, r8);
}
