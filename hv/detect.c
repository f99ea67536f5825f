// SPDX-License-Identifier: MIT
/*
 * Hyper-V detection from CPUID values (read by hv_init.c on the machine, made
 * up by the host tests).  Each missing piece gets its own message naming the
 * TLFS privilege, because "hv_init failed" alone tells an operator nothing
 * about which partition setting to change.
 */
#include "core/compiler.h"
#include "core/errno.h"
#include "core/log.h"
#include "hv/hv.h"

struct priv_name {
	bool ebx;
	uint32_t mask;
	const char *name;
};

#define EAXP(f, n) { false, HV_CPUID_FEATURES_EAX_##f##_MASK, n }
#define EBXP(f, n) { true, HV_CPUID_FEATURES_EBX_##f##_MASK, n }
static const struct priv_name priv_names[] = {
	EAXP(ACCESS_VP_RUNTIME_REG, "AccessVpRunTimeReg"),
	EAXP(ACCESS_PARTITION_REFERENCE_COUNTER, "AccessPartitionReferenceCounter"),
	EAXP(ACCESS_SYNIC_REGS, "AccessSynicRegs"),
	EAXP(ACCESS_SYNTHETIC_TIMER_REGS, "AccessSyntheticTimerRegs"),
	EAXP(ACCESS_INTR_CTRL_REGS, "AccessIntrCtrlRegs"),
	EAXP(ACCESS_HYPERCALL_MSRS, "AccessHypercallMsrs"),
	EAXP(ACCESS_VP_INDEX, "AccessVpIndex"),
	EAXP(ACCESS_RESET_REG, "AccessResetReg"),
	EAXP(ACCESS_STATS_REG, "AccessStatsReg"),
	EAXP(ACCESS_PARTITION_REFERENCE_TSC, "AccessPartitionReferenceTsc"),
	EAXP(ACCESS_GUEST_IDLE_REG, "AccessGuestIdleReg"),
	EAXP(ACCESS_FREQUENCY_REGS, "AccessFrequencyRegs"),
	EAXP(ACCESS_DEBUG_REGS, "AccessDebugRegs"),
	EAXP(ACCESS_REENLIGHTENMENT_CONTROLS, "AccessReenlightenmentControls"),
	EBXP(CREATE_PARTITIONS, "CreatePartitions"),
	EBXP(ACCESS_PARTITION_ID, "AccessPartitionId"),
	EBXP(ACCESS_MEMORY_POOL, "AccessMemoryPool"),
	EBXP(POST_MESSAGES, "PostMessages"),
	EBXP(SIGNAL_EVENTS, "SignalEvents"),
	EBXP(CREATE_PORT, "CreatePort"),
	EBXP(CONNECT_PORT, "ConnectPort"),
	EBXP(ACCESS_STATS, "AccessStats"),
	EBXP(DEBUGGING, "Debugging"),
	EBXP(CPU_MANAGEMENT, "CpuManagement"),
	EBXP(ACCESS_VSM, "AccessVsm"),
	EBXP(ACCESS_VP_REGISTERS, "AccessVpRegisters"),
	EBXP(ENABLE_EXTENDED_HYPERCALLS, "EnableExtendedHypercalls"),
	EBXP(START_VIRTUAL_PROCESSOR, "StartVirtualProcessor"),
};
#undef EAXP
#undef EBXP

const char *hv_privilege_name(bool ebx, unsigned int bit)
{
	if (bit >= 32)
		return NULL;
	for (size_t i = 0; i < ARRAY_SIZE(priv_names); i++)
		if (priv_names[i].ebx == ebx && priv_names[i].mask == (1u << bit))
			return priv_names[i].name;
	return NULL;
}

/* Log every missing privilege in one register; returns how many. */
static int report_missing(bool ebx, uint32_t have, uint32_t need)
{
	uint32_t missing = need & ~have;
	int n = 0;

	for (unsigned int bit = 0; bit < 32; bit++) {
		const char *name;

		if (!(missing & (1u << bit)))
			continue;
		name = hv_privilege_name(ebx, bit);
		log_error("hv: partition lacks the %s privilege (CPUID 0x%x %s bit %u); "
			  "enable it for this VTL in the partition's privilege mask",
			  name ? name : "(unnamed)", HYPERV_CPUID_FEATURES, ebx ? "EBX" : "EAX",
			  bit);
		n++;
	}
	return n;
}

int hv_check_cpuid(const struct hv_cpuid_view *c, uint32_t need_eax, uint32_t need_ebx,
		   struct hv_features *f)
{
	if (!(c->std1.ecx & HYPERV_CPUID_LEAF1_ECX_HYPERVISOR_PRESENT)) {
		log_error("hv: no hypervisor (CPUID.1:ECX bit 31 clear); vtlguard runs only "
			  "under Hyper-V or hvsim");
		return -ENODEV;
	}
	if (c->vendor.ebx != HYPERV_CPUID_SIGNATURE_EBX ||
	    c->vendor.ecx != HYPERV_CPUID_SIGNATURE_ECX ||
	    c->vendor.edx != HYPERV_CPUID_SIGNATURE_EDX) {
		log_error("hv: hypervisor vendor is not \"Microsoft Hv\" (0x%x 0x%x 0x%x)",
			  c->vendor.ebx, c->vendor.ecx, c->vendor.edx);
		return -ENODEV;
	}
	if (c->vendor.eax < HYPERV_CPUID_IMPLEMENT_LIMITS) {
		log_error("hv: hypervisor reports max CPUID leaf 0x%x, need at least 0x%x",
			  c->vendor.eax, HYPERV_CPUID_IMPLEMENT_LIMITS);
		return -ENODEV;
	}
	if (c->interface.eax != HYPERV_CPUID_INTERFACE_SIGNATURE) {
		log_error("hv: hypervisor interface is 0x%x, not \"Hv#1\" (0x%x)",
			  c->interface.eax, HYPERV_CPUID_INTERFACE_SIGNATURE);
		return -ENODEV;
	}
	if (report_missing(false, c->features.eax, need_eax) +
	    report_missing(true, c->features.ebx, need_ebx))
		return -ENODEV;
	if (f) {
		f->max_leaf = c->vendor.eax;
		f->priv_eax = c->features.eax;
		f->priv_ebx = c->features.ebx;
		f->feat_edx = c->features.edx;
	}
	return 0;
}
