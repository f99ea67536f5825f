/* SPDX-License-Identifier: MIT */
/*
 * The AMD SVM Virtual Machine Control Block (AMD64 APM vol. 2, appendix B):
 * a 0x400-byte control area followed by the state-save area.  Offsets are
 * checked with _Static_assert so a typo cannot silently shift a field.
 */
#ifndef HVSIM_VMCB_H
#define HVSIM_VMCB_H

#include <stddef.h>
#include <stdint.h>

struct vmcb_seg {
	uint16_t sel;
	uint16_t attr;   /* SVM compressed form: type/S/DPL/P in 7:0, AVL/L/DB/G in 11:8 */
	uint32_t limit;
	uint64_t base;
};

struct vmcb_control {
	uint32_t intercept_cr;          /* 0x000: reads 15:0, writes 31:16 */
	uint32_t intercept_dr;          /* 0x004 */
	uint32_t intercept_exc;         /* 0x008 */
	uint32_t intercept_misc1;       /* 0x00C */
	uint32_t intercept_misc2;       /* 0x010 */
	uint32_t intercept_misc3;       /* 0x014 */
	uint8_t rsvd1[0x03C - 0x018];
	uint16_t pause_filter_thresh;   /* 0x03C */
	uint16_t pause_filter_count;    /* 0x03E */
	uint64_t iopm_base_pa;          /* 0x040 */
	uint64_t msrpm_base_pa;         /* 0x048 */
	uint64_t tsc_offset;            /* 0x050 */
	uint32_t asid;                  /* 0x058 */
	uint8_t tlb_control;            /* 0x05C */
	uint8_t rsvd2[3];
	uint64_t int_ctl;               /* 0x060: V_TPR, V_IRQ(8), prio 19:16, IGN_TPR(20), MASKING(24), vector 39:32 */
	uint64_t int_state;             /* 0x068: interrupt shadow bit 0 */
	uint64_t exit_code;             /* 0x070 */
	uint64_t exit_info1;            /* 0x078 */
	uint64_t exit_info2;            /* 0x080 */
	uint64_t exit_int_info;         /* 0x088 */
	uint64_t np_enable;             /* 0x090 */
	uint64_t avic_apic_bar;         /* 0x098 */
	uint64_t ghcb_pa;               /* 0x0A0 */
	uint64_t event_inj;             /* 0x0A8 */
	uint64_t n_cr3;                 /* 0x0B0 */
	uint64_t lbr_virt;              /* 0x0B8 */
	uint32_t clean;                 /* 0x0C0 */
	uint32_t rsvd3;
	uint64_t next_rip;              /* 0x0C8 */
	uint8_t insn_len;               /* 0x0D0 */
	uint8_t insn_bytes[15];         /* 0x0D1 */
	uint8_t rsvd4[0x400 - 0x0E0];
};

struct vmcb_save {
	struct vmcb_seg es, cs, ss, ds, fs, gs;   /* 0x000 .. 0x050 */
	struct vmcb_seg gdtr, ldtr, idtr, tr;     /* 0x060 .. 0x090 */
	uint8_t rsvd1[0x0CB - 0x0A0];
	uint8_t cpl;                    /* 0x0CB */
	uint32_t rsvd2;
	uint64_t efer;                  /* 0x0D0 */
	uint8_t rsvd3[0x148 - 0x0D8];
	uint64_t cr4;                   /* 0x148 */
	uint64_t cr3;                   /* 0x150 */
	uint64_t cr0;                   /* 0x158 */
	uint64_t dr7;                   /* 0x160 */
	uint64_t dr6;                   /* 0x168 */
	uint64_t rflags;                /* 0x170 */
	uint64_t rip;                   /* 0x178 */
	uint8_t rsvd4[0x1D8 - 0x180];
	uint64_t rsp;                   /* 0x1D8 */
	uint8_t rsvd5[0x1F8 - 0x1E0];
	uint64_t rax;                   /* 0x1F8 */
	uint64_t star;                  /* 0x200 */
	uint64_t lstar;                 /* 0x208 */
	uint64_t cstar;                 /* 0x210 */
	uint64_t sfmask;                /* 0x218 */
	uint64_t kernel_gs_base;        /* 0x220 */
	uint64_t sysenter_cs;           /* 0x228 */
	uint64_t sysenter_esp;          /* 0x230 */
	uint64_t sysenter_eip;          /* 0x238 */
	uint64_t cr2;                   /* 0x240 */
	uint8_t rsvd6[0x268 - 0x248];
	uint64_t g_pat;                 /* 0x268 */
	uint64_t dbgctl;                /* 0x270 */
	uint8_t rsvd7[0xC00 - 0x278];
};

struct vmcb {
	struct vmcb_control ctl;
	struct vmcb_save save;
};

_Static_assert(offsetof(struct vmcb_control, intercept_misc1) == 0x00C, "vmcb");
_Static_assert(offsetof(struct vmcb_control, iopm_base_pa) == 0x040, "vmcb");
_Static_assert(offsetof(struct vmcb_control, asid) == 0x058, "vmcb");
_Static_assert(offsetof(struct vmcb_control, tlb_control) == 0x05C, "vmcb");
_Static_assert(offsetof(struct vmcb_control, int_ctl) == 0x060, "vmcb");
_Static_assert(offsetof(struct vmcb_control, exit_code) == 0x070, "vmcb");
_Static_assert(offsetof(struct vmcb_control, exit_int_info) == 0x088, "vmcb");
_Static_assert(offsetof(struct vmcb_control, np_enable) == 0x090, "vmcb");
_Static_assert(offsetof(struct vmcb_control, event_inj) == 0x0A8, "vmcb");
_Static_assert(offsetof(struct vmcb_control, n_cr3) == 0x0B0, "vmcb");
_Static_assert(offsetof(struct vmcb_control, clean) == 0x0C0, "vmcb");
_Static_assert(offsetof(struct vmcb_control, next_rip) == 0x0C8, "vmcb");
_Static_assert(offsetof(struct vmcb_control, insn_bytes) == 0x0D1, "vmcb");
_Static_assert(sizeof(struct vmcb_control) == 0x400, "vmcb");
_Static_assert(offsetof(struct vmcb_save, gdtr) == 0x060, "vmcb");
_Static_assert(offsetof(struct vmcb_save, tr) == 0x090, "vmcb");
_Static_assert(offsetof(struct vmcb_save, cpl) == 0x0CB, "vmcb");
_Static_assert(offsetof(struct vmcb_save, efer) == 0x0D0, "vmcb");
_Static_assert(offsetof(struct vmcb_save, cr4) == 0x148, "vmcb");
_Static_assert(offsetof(struct vmcb_save, rip) == 0x178, "vmcb");
_Static_assert(offsetof(struct vmcb_save, rsp) == 0x1D8, "vmcb");
_Static_assert(offsetof(struct vmcb_save, rax) == 0x1F8, "vmcb");
_Static_assert(offsetof(struct vmcb_save, sysenter_eip) == 0x238, "vmcb");
_Static_assert(offsetof(struct vmcb_save, cr2) == 0x240, "vmcb");
_Static_assert(offsetof(struct vmcb_save, g_pat) == 0x268, "vmcb");
_Static_assert(sizeof(struct vmcb) == 4096, "vmcb");

/* intercept_misc1 */
#define VMCB_I1_INTR        (1u << 0)
#define VMCB_I1_NMI         (1u << 1)
#define VMCB_I1_SMI         (1u << 2)
#define VMCB_I1_INIT        (1u << 3)
#define VMCB_I1_IDTR_WRITE  (1u << 10)
#define VMCB_I1_GDTR_WRITE  (1u << 11)
#define VMCB_I1_LDTR_WRITE  (1u << 12)
#define VMCB_I1_TR_WRITE    (1u << 13)
#define VMCB_I1_CPUID       (1u << 18)
#define VMCB_I1_IRET        (1u << 20)
#define VMCB_I1_INVD        (1u << 22)
#define VMCB_I1_PAUSE       (1u << 23)
#define VMCB_I1_HLT         (1u << 24)
#define VMCB_I1_IOIO        (1u << 27)
#define VMCB_I1_MSR         (1u << 28)
#define VMCB_I1_SHUTDOWN    (1u << 31)
/* intercept_misc2 */
#define VMCB_I2_VMRUN       (1u << 0)
#define VMCB_I2_VMMCALL     (1u << 1)
#define VMCB_I2_VMLOAD      (1u << 2)
#define VMCB_I2_VMSAVE      (1u << 3)
#define VMCB_I2_STGI        (1u << 4)
#define VMCB_I2_CLGI        (1u << 5)
#define VMCB_I2_SKINIT      (1u << 6)
#define VMCB_I2_MONITOR     (1u << 10)
#define VMCB_I2_MWAIT       (1u << 11)
#define VMCB_I2_MWAIT_COND  (1u << 12)
#define VMCB_I2_XSETBV      (1u << 13)

/* exit codes */
#define SVM_EXIT_CR0_WRITE   0x010
#define SVM_EXIT_CR4_WRITE   0x014
#define SVM_EXIT_EXC_BASE    0x040
#define SVM_EXIT_INTR        0x060
#define SVM_EXIT_NMI         0x061
#define SVM_EXIT_IRET        0x074
#define SVM_EXIT_VINTR       0x064
#define SVM_EXIT_IDTR_WRITE  0x06A
#define SVM_EXIT_GDTR_WRITE  0x06B
#define SVM_EXIT_LDTR_WRITE  0x06C
#define SVM_EXIT_TR_WRITE    0x06D
#define SVM_EXIT_CPUID       0x072
#define SVM_EXIT_PAUSE       0x077
#define SVM_EXIT_HLT         0x078
#define SVM_EXIT_IOIO        0x07B
#define SVM_EXIT_MSR         0x07C
#define SVM_EXIT_SHUTDOWN    0x07F
#define SVM_EXIT_VMRUN       0x080
#define SVM_EXIT_VMMCALL     0x081
#define SVM_EXIT_MONITOR     0x08A
#define SVM_EXIT_MWAIT       0x08B
#define SVM_EXIT_MWAIT_COND  0x08C
#define SVM_EXIT_XSETBV      0x08D
#define SVM_EXIT_NPF         0x400
#define SVM_EXIT_INVALID     ((uint64_t)-1)

/* EVENTINJ */
#define SVM_EVTINJ_VALID     (1ull << 31)
#define SVM_EVTINJ_EV        (1ull << 11)
#define SVM_EVTINJ_TYPE_EXC  (3ull << 8)
#define SVM_EVTINJ_TYPE_INTR (0ull << 8)
#define SVM_EVTINJ_TYPE_NMI  (2ull << 8)

/* int_ctl */
#define VMCB_V_IRQ           (1ull << 8)
#define VMCB_V_IGN_TPR       (1ull << 20)
#define VMCB_V_INTR_MASKING  (1ull << 24)

/* NPF exit_info1 */
#define NPF_P      (1ull << 0)
#define NPF_W      (1ull << 1)
#define NPF_U      (1ull << 2)
#define NPF_ID     (1ull << 4)
#define NPF_FINAL  (1ull << 32)
#define NPF_WALK   (1ull << 33)

/* Convert between the VMX-style "access rights" (Hyper-V attributes: AVL/L/
 * DB/G at 15:12) and SVM's compressed 12-bit form (11:8). */
static inline uint16_t vmcb_attr_from_hv(uint16_t a)
{
	return (uint16_t)((a & 0xFF) | ((a >> 4) & 0xF00));
}

static inline uint16_t vmcb_attr_to_hv(uint16_t a)
{
	return (uint16_t)((a & 0xFF) | ((a & 0xF00) << 4));
}

#endif
