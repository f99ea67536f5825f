// SPDX-License-Identifier: MIT
/*
 * hvsim image: physical memory plan, console, guest loading and the VP run
 * loop.  arch/x86_64 boots the image (PVH), maps all RAM in its direct map
 * and hands it to core/page_alloc; hvsim then claims guest RAM from it.
 * Physical layout:
 *   1 MiB .. 64 MiB    hvsim image (at PVH_LOAD_PA, 16 MiB) and its pages
 *                      (VMCBs, nested page tables, MSR/IO maps, stacks)
 *   64 MiB .. RAM end  guest RAM: GPA 0 = PA 64 MiB, claimed whole from the
 *                      allocator.  hvsim never maps its own memory into a
 *                      guest (NPTs cover only this range).
 */
#include <string.h>

#include "arch/x86_64/boot.h"
#include "arch/x86_64/cpu.h"
#include "arch/x86_64/early.h"
#include "arch/x86_64/mm.h"
#include "arch/x86_64/percpu.h"
#include "arch/x86_64/sipi.h"
#include "arch/x86_64/traps.h"
#include "arch/x86_64/paging.h"
#include "arch/x86_64/smp.h"
#include "core/compiler.h"
#include "core/libc/libc.h"
#include "core/page_alloc.h"
#include "core/panic.h"
#include "tools/hvsim/bootinfo.h"
#include "tools/hvsim/exit.h"
#include "tools/hvsim/fwcfg.h"
#include "tools/hvsim/hvif.h"
#include "tools/hvsim/log.h"
#include "tools/hvsim/platform.h"
#include "tools/hvsim/prot.h"
#include "tools/hvsim/vp.h"
#include "tools/hvsim/gpamap.h"
#include "tools/hvsim/linux.h"
#include "tools/hvsim/npt.h"

#define GUEST_RAM_PA     0x4000000ull
#define GUEST_RAM_MAX    0xC0000000ull /* stay below the PCI hole */
#define COM1             0x3F8

static struct hv_partition partition;
struct hv_partition *hvp = &partition;
/* per CPU: [0] VM_HSAVE area, [1] the host's VMSAVE state around VMRUN */
static uint8_t host_save[HVSIM_MAX_VPS][2][4096] __attribute__((aligned(4096)));

static __attribute__((noreturn)) void qemu_exit(int code)
{
	arch_qemu_exit((unsigned int)code);
	halt_forever();
}

/*
 * hvsim's own refusals (no SVM, too little memory, a guest file that does
 * not load) end with HVSIM_EXIT_PANIC, and so does a CPU exception or a
 * broken invariant inside hvsim: arch's panic() prints the register dump
 * and backtrace, then reports the same status (arch_set_panic_status).
 */
__attribute__((noreturn)) void hvsim_panic(const char *why)
{
	hv_log("PANIC: %s", why);
	qemu_exit(HVSIM_EXIT_PANIC);
}

void hv_vp_kick(struct hv_vp *vp) { vp->halted = false; }


/* End of the RAM range (as arch found it) that holds GUEST_RAM_PA. */
/* CR4 bits this CPU implements (CPUID); any other is reserved: a guest
 * setting it gets #GP, and VMRUN would refuse a VMCB holding it. */
static uint64_t cr4_supported(void)
{
	uint64_t ok = 0x7FF; /* VME .. OSXMMEXCPT */
	struct cpuid_regs l1 = cpuid(1, 0);

	if (l1.ecx & (1u << 17))
		ok |= 1ull << 17; /* PCIDE */
	if (l1.ecx & (1u << 26))
		ok |= 1ull << 18; /* OSXSAVE */
	if (cpuid(0, 0).eax >= 7) {
		struct cpuid_regs l7 = cpuid(7, 0);
		ok |= (l7.ebx & 1u) ? 1ull << 16 : 0;             /* FSGSBASE */
		ok |= (l7.ebx & (1u << 7)) ? 1ull << 20 : 0;      /* SMEP */
		ok |= (l7.ebx & (1u << 20)) ? 1ull << 21 : 0;     /* SMAP */
		ok |= (l7.ecx & (1u << 2)) ? 1ull << 11 : 0;      /* UMIP */
		ok |= (l7.ecx & (1u << 16)) ? 1ull << 12 : 0;     /* LA57 */
		ok |= (l7.ecx & (1u << 3)) ? 1ull << 22 : 0;      /* PKE */
		ok |= (l7.ecx & (1u << 7)) ? 1ull << 23 : 0;      /* CET */
	}
	return ok;
}

static uint64_t guest_ram_end(const struct boot_handoff *h)
{
	if (h->kind != BOOT_PVH)
		hvsim_panic("hvsim boots only through PVH (QEMU -kernel build/hvsim.elf)");
	for (unsigned int i = 0; i < h->nram; i++) {
		const struct boot_ram_range *r = &h->ram[i];

		if (r->pa <= GUEST_RAM_PA && r->pa + r->size > GUEST_RAM_PA)
			return MIN(r->pa + r->size, GUEST_RAM_MAX);
	}
	hvsim_panic("no RAM above 64 MiB: give QEMU at least -m 128M");
}

/* Maps firmware memory read-only into hvsim's direct map (it is not RAM
 * hvsim owns, so arch left it out) and returns its address, or NULL. */
static const uint8_t *fw_view(uint64_t pa, uint64_t size)
{
	uint64_t lo = pa & ~0xFFFull, hi = ALIGN_UP(pa + size, 4096);

	for (uint64_t a = lo; a < hi; a += 4096) {
		uint64_t pte, psz;
		if (!mm_lookup(DIRECT_MAP_BASE + a, &pte, &psz) &&
		    mm_map(DIRECT_MAP_BASE + a, a, 4096, MAP_R))
			return NULL;
	}
	return (const uint8_t *)(uintptr_t)(DIRECT_MAP_BASE + pa);
}

static uint32_t rd32(const uint8_t *b)
{
	uint32_t v;
	memcpy(&v, b, 4);
	return v;
}

/*
 * The ACPI FACS, whose page the guest may write (gpamap.c): RSDP in the
 * F-segment -> RSDT -> FACP -> FIRMWARE_CTRL.  Every pointer read here is
 * checked to stay inside the ACPI area before it is followed.
 */
static void find_facs(uint64_t area, uint64_t size)
{
	const uint8_t *f = fw_view(0xF0000, 0x10000), *acpi = fw_view(area, size);
	uint64_t facs = 0;

	if (!f || !acpi)
		return;
	for (uint32_t off = 0; off + 20 <= 0x10000 && !facs; off += 16) {
		if (memcmp(f + off, "RSD PTR ", 8) != 0)
			continue;
		uint64_t rsdt = rd32(f + off + 16);
		if (rsdt < area || rsdt + 36 > area + size)
			break;
		uint32_t len = rd32(acpi + (rsdt - area) + 4);
		if (len < 36 || len > size - (rsdt - area))
			break;
		for (uint32_t e = 36; e + 4 <= len; e += 4) {
			uint64_t t = rd32(acpi + (rsdt - area) + e);
			if (t < area || t + 40 > area + size || memcmp(acpi + (t - area), "FACP", 4) != 0)
				continue;
			facs = rd32(acpi + (t - area) + 36);
			break;
		}
	}
	if (facs && gpamap_set_facs(facs) == 0)
		hv_log("ACPI FACS at %#llx: its page is writable (the ACPI global lock)",
		       (unsigned long long)facs);
	else
		hv_log("no ACPI FACS found: AML that takes the global lock will fault");
}

/*
 * The ACPI tables' area from the host's e820 (QEMU's firmware reports it as
 * ACPI data, NVS or reserved right after low RAM): the one range above guest
 * RAM, below the PCI hole, that is not RAM.  Mapped read-only into a Linux
 * guest's view (gpamap.h); 0 size when there is none.
 */
static void find_acpi_area(const struct boot_handoff *h, uint64_t ram_end, uint64_t ram_size)
{
	uint32_t n;

	if (h->raw_size < PVH_RAW_MEMMAP_OFF)
		return;
	memcpy(&n, h->raw + 48, 4);
	for (uint32_t i = 0; i < n && i < PVH_RAW_MAX_MEMMAP; i++) {
		const uint8_t *e = h->raw + PVH_RAW_MEMMAP_OFF + 24u * i;
		uint64_t addr, size;
		uint32_t type;

		memcpy(&addr, e, 8);
		memcpy(&size, e + 8, 8);
		memcpy(&type, e + 16, 4);
		if (type < 2 || type > 4 || addr < ram_end || addr + size > GUEST_RAM_MAX)
			continue;
		uint64_t lo = addr & ~0xFFFull, hi = ALIGN_UP(addr + size, 4096);
		if (gpamap_set_acpi_area(ram_size, lo, hi - lo) == 0) {
			hv_log("ACPI tables at %#llx-%#llx (e820 type %u): read-only in VTL0's view",
			       (unsigned long long)lo, (unsigned long long)hi - 1, type);
			find_facs(lo, hi - lo);
			return;
		}
	}
	hv_log("no ACPI area in the host's e820: Linux must boot with acpi=off");
}

/* Test-only (tests/hvsim/run-suite.sh): a page fault inside hvsim itself. */
static bool inject_fault;

static void cmdline_opts(const char *cl)
{
	for (const char *s = cl; *s; s++)
		if (strncmp(s, "inject=fault", 12) == 0)
			inject_fault = true;
		else if (strncmp(s, "trace", 5) == 0)
			hvp->trace = true;
		else if (strncmp(s, "fastcon", 7) == 0)
			hvp->fast_console = true;
		else if (strncmp(s, "bench", 5) == 0)
			hvp->bench = true;
}

/* ------------------------------------------------------------ loading */
/* ELF64 (System V gABI) field offsets: header and program header. */
#define EH_TYPE 16
#define EH_MACHINE 18
#define EH_VERSION 20
#define EH_ENTRY 24
#define EH_PHOFF 32
#define EH_PHENTSIZE 54
#define EH_PHNUM 56
#define EH_SIZE 64
#define PH_TYPE 0
#define PH_OFFSET 8
#define PH_PADDR 24
#define PH_FILESZ 32
#define PH_MEMSZ 40
#define PH_SIZE 56

static uint64_t rdn(const uint8_t *b, unsigned int n)
{
	uint64_t v = 0;
	memcpy(&v, b, n);
	return v;
}

/* Loads the ELF staged at file[0..size) into guest RAM; hostile-input checks
 * because the file comes from the user's command line. */
static int load_elf(struct hv_partition *p, const uint8_t *file, uint64_t size, uint64_t *entry,
		    uint64_t *lo, uint64_t *hi)
{
	if (size < EH_SIZE || memcmp(file, "\x7f" "ELF\x02\x01", 6) != 0 || rdn(file + EH_MACHINE, 2) != 62 ||
	    rdn(file + EH_TYPE, 2) != 2 /* ET_EXEC */ || rdn(file + EH_VERSION, 4) != 1 ||
	    rdn(file + EH_PHENTSIZE, 2) != PH_SIZE)
		return -1;
	uint64_t phoff = rdn(file + EH_PHOFF, 8), phnum = rdn(file + EH_PHNUM, 2);
	if (phoff > size || phnum > (size - phoff) / PH_SIZE)
		return -1;
	*lo = ~0ull;
	*hi = 0;
	for (unsigned int i = 0; i < phnum; i++) {
		const uint8_t *ph = file + phoff + (uint64_t)i * PH_SIZE;
		uint64_t off = rdn(ph + PH_OFFSET, 8), pa = rdn(ph + PH_PADDR, 8);
		uint64_t filesz = rdn(ph + PH_FILESZ, 8), memsz = rdn(ph + PH_MEMSZ, 8), end;
		if (rdn(ph + PH_TYPE, 4) != 1 /* PT_LOAD */ || !memsz)
			continue;
		if (filesz > memsz || off > size || filesz > size - off || pa < HVSIM_GUEST_LOAD_MIN ||
		    add_overflows_u64(pa, memsz, &end) || end > p->ram_size)
			return -1;
		memmove(p->ram + pa, file + off, filesz);
		memset(p->ram + pa + filesz, 0, memsz - filesz);
		*lo = MIN(*lo, pa);
		*hi = MAX(*hi, end);
	}
	*entry = rdn(file + EH_ENTRY, 8);
	return *hi ? 0 : -1;
}

static uint64_t stage_file(struct hv_partition *p, const char *name, uint64_t *size)
{
	uint16_t key;
	uint32_t sz;

	if (fwcfg_find(name, &key, &sz))
		return 0;
	if (!sz || sz > p->ram_size / 2) {
		hv_log("%s is %u bytes: empty or more than half of guest RAM; raise -m", name, sz);
		hvsim_panic("guest file does not fit");
	}
	uint64_t at = (p->ram_size - ALIGN_UP((uint64_t)sz, 4096)) & ~0xFFFull;
	if (fwcfg_read(key, p->ram + at, sz))
		hvsim_panic("fw_cfg read failed");
	*size = sz;
	return at;
}

static void setup_guest_memory(struct hv_partition *p, uint64_t entry, uint64_t lo, uint64_t hi,
			       uint64_t blob, uint64_t blob_size, unsigned int nr_vps)
{
	struct hvsim_boot_info *bi = (void *)(p->ram + HVSIM_BOOTINFO_GPA);
	uint64_t *gdt = (void *)(p->ram + HVSIM_GUEST_GDT_GPA);
	uint64_t *pml4 = (void *)(p->ram + HVSIM_GUEST_PML4_GPA);
	uint64_t *pdpt = (void *)(p->ram + HVSIM_GUEST_PDPT_GPA);
	uint64_t *pd = (void *)(p->ram + HVSIM_GUEST_PD_GPA);

	gdt[0] = 0;
	gdt[1] = 0x00AF9B000000FFFFull;
	gdt[2] = 0x00CF93000000FFFFull;
	if (p->linux) {
		/* the 64-bit boot protocol's __BOOT_CS 0x10 and __BOOT_DS 0x18 */
		gdt[2] = 0x00AF9B000000FFFFull;
		gdt[3] = 0x00CF93000000FFFFull;
	}
	pml4[0] = HVSIM_GUEST_PDPT_GPA | 3;
	for (int i = 0; i < 4; i++)
		pdpt[i] = (HVSIM_GUEST_PD_GPA + 4096ull * i) | 3;
	for (uint64_t i = 0; i < 2048; i++)
		pd[i] = (i << 21) | 0x83;
	memset(bi, 0, sizeof(*bi));
	bi->magic = HVSIM_BOOT_MAGIC;
	bi->version = HVSIM_BOOT_VERSION;
	bi->size = sizeof(*bi);
	bi->ram_size = p->ram_size;
	bi->nr_vps = nr_vps;
	bi->flags = p->trace ? HVSIM_BOOT_TRACE : 0;
	bi->image_start = lo;
	bi->image_end = hi;
	bi->blob_gpa = blob;
	bi->blob_size = blob_size;
	bi->free_gpa = ALIGN_UP(blob ? blob + blob_size : hi, 0x200000ull);

	struct vmcb *v = p->vps[0].vtl[0].vmcb;
	v->save.cs = (struct vmcb_seg){ 0x08, 0x29B, 0xFFFFFFFF, 0 };
	v->save.ds = v->save.es = v->save.ss = (struct vmcb_seg){ 0x10, 0xC93, 0xFFFFFFFF, 0 };
	v->save.fs = v->save.gs = v->save.ds;
	v->save.tr = (struct vmcb_seg){ 0, 0x8B, 0x67, 0 };
	v->save.ldtr = (struct vmcb_seg){ 0, 0x82, 0, 0 };
	v->save.gdtr = (struct vmcb_seg){ 0, 0, p->linux ? 31 : 23, HVSIM_GUEST_GDT_GPA };
	if (p->linux) {
		v->save.ds = v->save.es = v->save.ss = (struct vmcb_seg){ HVSIM_GUEST_DS_LINUX, 0xC93,
									    0xFFFFFFFF, 0 };
		v->save.fs = v->save.gs = v->save.ds;
		bi->flags |= HVSIM_BOOT_LINUX;
	}
	v->save.idtr = (struct vmcb_seg){ 0, 0, 0, 0 };
	v->save.cr0 = 0x80010033;
	v->save.cr3 = HVSIM_GUEST_PML4_GPA;
	v->save.cr4 = 0x6A0;
	p->vps[0].vtl[0].guest_efer = EFER_LME | EFER_LMA | EFER_NXE | EFER_SCE;
	v->save.efer = p->vps[0].vtl[0].guest_efer | EFER_SVME;
	v->save.rip = entry;
	v->save.rsp = HVSIM_GUEST_STACK_TOP;
	v->save.rflags = 2;
	p->vps[0].gprs.rdi = HVSIM_BOOTINFO_GPA;
	p->vps[0].gprs.rsi = HVSIM_BOOTINFO_GPA;
}

/*
 * Linux mode: the bzImage (opt/hvsim/kernel), the initrd (opt/hvsim/initrd,
 * left where it is staged: at the top of guest RAM) and the command line
 * (opt/hvsim/append).  `low` is the end of what is already loaded (the
 * boot stage and its blob) and must stay below the kernel.
 */
static uint64_t load_linux(struct hv_partition *p, uint64_t low)
{
	static char cmdline[HVSIM_LINUX_CMDLINE_MAX];
	struct linux_image li = { .cmdline = cmdline };
	uint64_t ksize = 0, entry;
	uint16_t key;
	uint32_t csz;
	const char *why;

	if (low > HVSIM_LINUX_LOAD_GPA)
		hvsim_panic("the VTL0 boot stage and its blob reach past 16 MiB, where Linux loads");
	uint64_t kat = stage_file(p, "opt/hvsim/kernel", &ksize);
	li.limit = kat;
	if (!fwcfg_find("opt/hvsim/append", &key, &csz)) {
		if (csz >= sizeof(cmdline))
			hvsim_panic("opt/hvsim/append: command line longer than 4095 bytes");
		fwcfg_read(key, cmdline, csz);
	}
	if (linux_load(p, p->ram + kat, ksize, &li, &entry, &why)) {
		hv_log("opt/hvsim/kernel: %s", why);
		hvsim_panic("the kernel is not a loadable x86-64 bzImage");
	}
	memset(p->ram + kat, 0, ALIGN_UP(ksize, 4096));
	uint64_t iat = stage_file(p, "opt/hvsim/initrd", &li.initrd_size);
	if (iat) {
		uint8_t *bp = p->ram + HVSIM_LINUX_BP_GPA;
		uint64_t kend = HVSIM_LINUX_LOAD_GPA +
				MAX((uint64_t)*(uint32_t *)(bp + BP_INIT_SIZE), ksize);
		if (iat < kend)
			hvsim_panic("guest RAM too small for kernel and initrd: raise -m");
		*(uint32_t *)(bp + BP_RAMDISK_IMAGE) = (uint32_t)iat;
		*(uint32_t *)(bp + BP_RAMDISK_SIZE) = (uint32_t)li.initrd_size;
	}
	hv_log("Linux: bzImage %llu KiB at %#llx, entry %#llx, initrd %#llx+%llu KiB, cmdline \"%s\"",
	       (unsigned long long)(ksize >> 10), (unsigned long long)HVSIM_LINUX_LOAD_GPA,
	       (unsigned long long)entry, (unsigned long long)iat,
	       (unsigned long long)(li.initrd_size >> 10), cmdline);
	return entry;
}

static void load_guests(struct hv_partition *p, unsigned int nr_vps)
{
	uint64_t size = 0, bsize = 0, entry, lo, hi, blob = 0;
	uint64_t at = stage_file(p, "opt/hvsim/vtl0", &size);

	if (!at && p->linux) {
		/* Linux alone in VTL0: VP0 starts at its 64-bit entry */
		entry = load_linux(p, HVSIM_GUEST_LOAD_MIN);
		setup_guest_memory(p, entry, 0, 0, 0, 0, nr_vps);
		struct vmcb *v = p->vps[0].vtl[0].vmcb;
		v->save.cs.sel = HVSIM_GUEST_CS64_LINUX;
		p->vps[0].gprs.rdi = 0;
		p->vps[0].gprs.rsi = HVSIM_LINUX_BP_GPA;
		return;
	}
	if (!at)
		hvsim_panic("no VTL0 guest: pass -fw_cfg name=opt/hvsim/vtl0,file=<elf> (tools/hvsim/run does)");
	if (load_elf(p, p->ram + at, size, &entry, &lo, &hi) || hi > at)
		hvsim_panic("opt/hvsim/vtl0 is not a loadable x86_64 ELF inside guest RAM above 1 MiB");
	memset(p->ram + at, 0, ALIGN_UP(size, 4096));
	uint64_t bat = stage_file(p, "opt/hvsim/blob", &bsize);
	if (bat) {
		blob = ALIGN_UP(hi, 0x200000ull);
		if (blob + bsize > bat) /* must not overlap its staging copy */
			hvsim_panic("guest RAM too small for the blob: raise -m");
		memmove(p->ram + blob, p->ram + bat, bsize);
		memset(p->ram + bat, 0, ALIGN_UP(bsize, 4096)); /* staging copy */
	}
	if (p->linux)
		load_linux(p, blob ? blob + bsize : hi);
	setup_guest_memory(p, entry, lo, hi, blob, bsize, nr_vps);
	uint16_t key;
	uint32_t csz;
	if (!fwcfg_find("opt/hvsim/cmdline", &key, &csz)) {
		struct hvsim_boot_info *bi = (void *)(p->ram + HVSIM_BOOTINFO_GPA);
		fwcfg_read(key, bi->cmdline, MIN(csz, (uint32_t)sizeof(bi->cmdline) - 1));
	}
	hv_log("VTL0 image %#llx-%#llx entry %#llx, blob %#llx+%#llx, guest RAM %llu MiB, %u VP(s)",
	       (unsigned long long)lo, (unsigned long long)hi, (unsigned long long)entry,
	       (unsigned long long)blob, (unsigned long long)bsize,
	       (unsigned long long)(p->ram_size >> 20), nr_vps);
}

static void linux_devices(struct hv_partition *p)
{
	p->iopm_linux = hv_alloc_pages(3);
	if (!p->iopm_linux)
		hvsim_panic("out of hvsim memory (iopm)");
	gpamap_fill_vtl0_iopm(p->iopm_linux);
	p->iopm_linux_pa = hv_virt_to_phys(p->iopm_linux);
	/*
	 * ACPI mode on (PM1_CNT.SCI_EN at q35's PMBASE 0x600 + 4), as the
	 * firmware of a VM hands over: otherwise the kernel writes ACPI_ENABLE
	 * to the SMI command port 0xB2, whose SMI would run the firmware's SMM
	 * code outside hvsim's control (0xB2 traps and is dropped).
	 */
	outw(0x604, (uint16_t)(inw(0x604) | 1));
}

/*
 * The TSC rate, for the frequency MSRs: TSC cycles during 50 ms of PIT
 * channel 2 (gate on, speaker off, mode 0), the classic method.  Under TCG
 * both clocks follow the host, so one window is enough.  0 when the PIT
 * never counted down (the MSRs are then not offered).
 */
static uint64_t measure_tsc_hz(void)
{
	const uint16_t latch = 1193182 / 20;
	uint64_t t0, t1, spins = 0;

	outb(0x61, (uint8_t)((inb(0x61) & ~0x02) | 0x01));
	outb(0x43, 0xB0);
	outb(0x42, latch & 0xFF);
	outb(0x42, latch >> 8);
	t0 = rdtsc();
	while (!(inb(0x61) & 0x20))
		if (++spins > 100000000ull)
			return 0;
	t1 = rdtsc();
	return (t1 - t0) * 20;
}

/* ------------------------------------------------------------ SVM */
static void svm_init(unsigned int cpu)
{
	if (!(cpuid(0x80000001, 0).ecx & (1u << 2)))
		hvsim_panic("CPU has no SVM: run QEMU with -cpu qemu64,+svm,+npt (or -cpu max)");
	if (!(cpuid(0x8000000A, 0).edx & 1))
		hvsim_panic("CPU has no nested paging: add +npt to -cpu");
	if (rdmsr(MSR_VM_CR) & (1ull << 4))
		hvsim_panic("SVM disabled by VM_CR.SVMDIS");
	wrmsr(MSR_EFER, rdmsr(MSR_EFER) | EFER_SVME | EFER_NXE);
	wrmsr(MSR_VM_HSAVE_PA, hv_virt_to_phys(host_save[cpu][0]));
	/* guests may use SSE/AVX; their state is the CPU's (shared by VTLs) */
	write_cr4(read_cr4() | X86_CR4_OSFXSR | X86_CR4_OSXMMEXCPT);
}

/* Extended state of VPs that are not on the CPU (only used with > 1 VP). */
static bool use_xsave;
static uint64_t xcr0_all; /* every component the CPU supports (bits 62:0 of leaf 0xD.0) */

static void fpu_init(struct hv_partition *p)
{
	if (p->nr_vps < 2)
		return;
	/* QEMU 7.2 refuses CR4.OSXSAVE unless a leaf 0xD.1 feature exists */
	use_xsave = (cpuid(1, 0).ecx & (1u << 26)) && cpuid(0xD, 1).eax;
	if (use_xsave) {
		struct cpuid_regs d = cpuid(0xD, 0);

		write_cr4(read_cr4() | X86_CR4_OSXSAVE);
		xcr0_all = (((uint64_t)d.edx << 32) | d.eax) & ~(1ull << 63);
		if (d.ecx > 4 * 4096)
			hvsim_panic("XSAVE area larger than 16 KiB");
	}
	for (unsigned int i = 0; i < p->nr_vps; i++) {
		struct hv_vp *vp = &p->vps[i];
		vp->fpu = hv_alloc_pages(4); /* zeroed: XSTATE_BV 0 = init state */
		if (!vp->fpu)
			hvsim_panic("out of hvsim memory (FPU areas)");
		uint32_t mxcsr = 0x1F80;        /* default: exceptions masked */
		memcpy((uint8_t *)vp->fpu + 24, &mxcsr, 4);
		vp->xcr0 = 1;                   /* x87 only, the reset value */
	}
	/* VP0 runs first with the CPU's state; save it on the first switch */
}

static void fpu_switch(struct hv_vp *from, struct hv_vp *to)
{
	if (!from->fpu || from == to)
		return;
	if (use_xsave) {
		/* SSE registers are live whatever XCR0 says: save and restore
		 * with every component enabled, then give the VP its XCR0 */
		from->xcr0 = xgetbv(0);
		xsetbv(0, xcr0_all);
		svm_xsave(from->fpu);
		svm_xrstor(to->fpu);
		xsetbv(0, to->xcr0);
	} else {
		svm_fxsave(from->fpu);
		svm_fxrstor(to->fpu);
	}
}

/* The VP whose XCR0 is in the CPU (fpu_switch swaps the others'). */
static const struct hv_vp *vp_on_cpu;

static uint64_t xcr0_of(const struct hv_partition *p, const struct hv_vp *vp)
{
	(void)p;
	if (vp != vp_on_cpu)
		return vp->xcr0;
	/* without CR4.OSXSAVE XCR0 cannot be read (or changed): x87 only */
	return (read_cr4() & X86_CR4_OSXSAVE) ? xgetbv(0) : 1;
}

static struct hv_vp *next_vp(struct hv_partition *p, unsigned int after)
{
	for (unsigned int k = 1; k <= p->nr_vps; k++) {
		struct hv_vp *vp = &p->vps[(after + k) % p->nr_vps];
		if (vp->started && !vp->halted)
			return vp;
	}
	return NULL;
}

/* ------------------------------------------------------------ SMP (Linux mode) */
/*
 * A real kernel gets one VP per QEMU CPU: VP i runs on physical CPU i (APIC
 * ID i), which hvsim starts itself with INIT/SIPI (arch/x86_64/sipi.c).
 * Each CPU runs its own loop; everything that touches partition state (exit
 * handling, hypercalls, protections, the GPA map, SynIC) runs under one
 * partition lock, and a VP enters the guest only after its entry state was
 * prepared under that lock.  A CPU that must act on another VP (a protection
 * change, a hypercall aimed at it, INIT/SIPI) "quiesces" it: an NMI doorbell
 * makes that CPU leave guest mode, after which it waits for the lock.
 * ELF test guests keep time-sharing CPU 0 (the loop in image_main).
 */
static int part_lock;
static volatile uint32_t *lapic;
static unsigned int ap_up[HVSIM_MAX_VPS];

static void plock(void)
{
	while (__atomic_exchange_n(&part_lock, 1, __ATOMIC_ACQUIRE))
		while (__atomic_load_n(&part_lock, __ATOMIC_RELAXED))
			cpu_relax();
}

static void punlock(void)
{
	__atomic_store_n(&part_lock, 0, __ATOMIC_RELEASE);
}

static uint32_t lapic_read(unsigned int off) { return lapic[off / 4]; }
static void lapic_write(unsigned int off, uint32_t val) { lapic[off / 4] = val; }

/* One command through this CPU's ICR (physical destination). */
static void lapic_icr(uint32_t dest, uint32_t lo)
{
	for (unsigned long n = 0; (lapic[0x300 / 4] & (1u << 12)) && n < 10000000ul; n++)
		cpu_relax();
	lapic[0x310 / 4] = dest << 24;
	lapic[0x300 / 4] = lo;
}

static void ioapic_write(unsigned int off, uint32_t val)
{
	*(volatile uint32_t *)(uintptr_t)(DIRECT_MAP_BASE + GPAMAP_IOAPIC + off) = val;
}

static void send_ipi(uint32_t dest, uint32_t vector)
{
	lapic_icr(dest, vector & 0xFF); /* fixed, physical, edge */
}

/*
 * At most one doorbell NMI is in flight per VP: the flag says one was sent
 * and not yet taken.  Every NMI that finds the flag set is taken as that
 * doorbell, so a second doorbell NMI sent before the first is taken would
 * find the flag clear and be injected into VTL0 as a machine NMI ("NMI
 * received for unknown reason"; a loaded host made quiesce() resend often
 * enough for Linux to hang in NMI handling).
 */
static void doorbell(struct hv_partition *p, struct hv_vp *vp)
{
	(void)p;
	if (!__atomic_exchange_n(&vp->doorbell, true, __ATOMIC_ACQ_REL))
		lapic_icr(vp->index, 0x400); /* NMI */
}

static void quiesce(struct hv_partition *p, struct hv_vp *vp)
{
	if (vp->index == this_cpu_id())
		return;
	for (unsigned long n = 0; __atomic_load_n(&vp->in_guest, __ATOMIC_ACQUIRE); n++) {
		/* again now and then: a doorbell that came just before that
		 * CPU's VMRUN was taken by hvsim's own NMI handler (doorbell()
		 * sends nothing while the last one is still in flight) */
		if ((n & 0xFFFF) == 0)
			doorbell(p, vp);
		cpu_relax();
	}
}

/* An NMI while hvsim itself runs on this CPU (GIF=1 between VMRUNs). */
static void host_nmi(struct trap_frame *f)
{
	struct hv_vp *vp = &hvp->vps[this_cpu_id() % HVSIM_MAX_VPS];

	(void)f;
	if (!__atomic_exchange_n(&vp->doorbell, false, __ATOMIC_ACQ_REL))
		vp_post_nmi(hvp, vp, vp);
}

static uint64_t xcr0_of_smp(const struct hv_partition *p, const struct hv_vp *vp)
{
	(void)p;
	if (vp->index != this_cpu_id())
		return vp->xcr0;
	return (read_cr4() & X86_CR4_OSXSAVE) ? xgetbv(0) : 1;
}

static __attribute__((noreturn)) void finish(struct hv_partition *p)
{
	for (unsigned int i = 0; i < p->nr_vps; i++)
		hv_trace("vp%u: %llu exits, %llu hypercalls, %llu VTL switches", i,
			 (unsigned long long)p->vps[i].nr_exits,
			 (unsigned long long)p->vps[i].nr_hypercalls,
			 (unsigned long long)p->vps[i].nr_vtl_switches);
	hv_log("guest requested exit status %d", p->exit_code);
	qemu_exit(p->exit_code);
}

/* The run loop of one CPU and its VP; never returns. */
static __attribute__((noreturn)) void run_cpu(struct hv_partition *p, struct hv_vp *vp)
{
	const uint64_t vmsave_pa = hv_virt_to_phys(host_save[vp->index][1]);

	for (;;) {
		while (!__atomic_load_n(&vp->started, __ATOMIC_ACQUIRE) ||
		       __atomic_load_n(&vp->halted, __ATOMIC_ACQUIRE)) {
			if (__atomic_load_n(&p->stop, __ATOMIC_ACQUIRE))
				break;
			cpu_relax();
		}
		plock();
		if (p->stop) {
			punlock();
			finish(p);
		}
		if (!vp->started || vp->halted) {
			punlock();
			continue;
		}
		vp_prepare_entry(p, vp);
		struct vtl_ctx *c = &vp->vtl[vp->active_vtl];
		__atomic_store_n(&vp->in_guest, true, __ATOMIC_RELEASE);
		punlock();
		svm_vmrun(&vp->gprs, c->vmcb_pa, vmsave_pa);
		__atomic_store_n(&vp->in_guest, false, __ATOMIC_RELEASE);
		plock();
		hvsim_handle_exit(p, vp);
		bool stop = p->stop;
		punlock();
		if (stop)
			finish(p);
	}
}

void image_ap_main(unsigned int cpu)
{
	struct hv_partition *p = hvp;

	if (cpu >= p->nr_vps || !p->linux)
		panic("CPU %u entered hvsim, which did not start it", cpu);
	svm_init(cpu);
	if (read_cr4() & X86_CR4_OSXSAVE)
		xsetbv(0, 1); /* the VP's reset XCR0 */
	__atomic_store_n(&ap_up[cpu], 1, __ATOMIC_RELEASE);
	run_cpu(p, &p->vps[cpu]);
}

/* Linux mode: hooks, then every other CPU started and parked on its VP. */
static void smp_start(struct hv_partition *p)
{
	lapic = arch_lapic_regs();
	if (!lapic)
		hvsim_panic("cannot map the local APIC");
	p->lapic_read = lapic_read;
	p->lapic_write = lapic_write;
	p->send_ipi = send_ipi;
	if (mm_map(DIRECT_MAP_BASE + GPAMAP_IOAPIC, GPAMAP_IOAPIC, 4096, MAP_W | MAP_UC))
		hvsim_panic("cannot map the I/O APIC");
	p->ioapic_write = ioapic_write;
	p->xcr0_of = xcr0_of_smp;
	trap_set_handler(2, host_nmi);
	if ((lapic[0x20 / 4] >> 24) != 0)
		hvsim_panic("the boot CPU's APIC ID is not 0");
	for (unsigned int i = 1; i < p->nr_vps; i++)
		p->vps[i].wait_for_sipi = true; /* as after power-on: VTL0 waits for SIPI */
	if (p->nr_vps < 2)
		return;
	p->quiesce = quiesce;
	p->doorbell = doorbell;
	/* arch/'s per-CPU blocks of CPUs 1..n-1 come from the heap. */
	if (arch_cpus_alloc(p->nr_vps))
		hvsim_panic("no per-CPU state for the CPUs QEMU has (-smp)");
	for (unsigned int cpu = 1; cpu < p->nr_vps; cpu++) {
		int r = arch_sipi_start_ap(cpu, cpu);
		unsigned long n = 0;

		while (r == 0 && !__atomic_load_n(&ap_up[cpu], __ATOMIC_ACQUIRE) && ++n < 2000000000ul)
			cpu_relax();
		if (r || !ap_up[cpu]) {
			hv_log("CPU %u (APIC ID %u) did not start: %d", cpu, cpu, r);
			hvsim_panic("cannot start every CPU QEMU has (-smp)");
		}
	}
	hv_log("SMP: %u CPUs, VP i on CPU i; VTL0 gets an x2APIC with a filtered ICR", p->nr_vps);
}

void image_main(const struct boot_handoff *h)
{
	struct hv_partition *p = hvp;
	uint64_t ram_end;

	arch_set_panic_status(HVSIM_EXIT_PANIC);
	cmdline_opts(h->cmdline);
	hv_log("hvsim: Hyper-V VSM model on AMD SVM + NPT (trace %s%s)", p->trace ? "on" : "off",
	       p->fast_console ? ", VTL1 console direct" : "");
	if (inject_fault) {
		hv_log("injecting a page fault inside hvsim (inject=fault)");
		*(volatile uint64_t *)0xffffc7fffffff000UL = 1; /* unmapped: #PF */
	}
	ram_end = guest_ram_end(h);
	svm_init(0);
	if (!fwcfg_present())
		hvsim_panic("QEMU fw_cfg not found");
	p->ram_pa = GUEST_RAM_PA;
	p->ram_size = (ram_end - GUEST_RAM_PA) & ~0x1FFFFFull;
	p->nr_vps = MIN(fwcfg_nr_cpus(), (unsigned)HVSIM_MAX_VPS);
	p->cr4_valid = cr4_supported();
	/* Guest RAM leaves the allocator for good (zeroed); hvsim reaches it
	 * through the direct map. */
	p->ram = page_alloc_claim(p->ram_pa, p->ram_size / 4096);
	if (!p->ram)
		hvsim_panic("guest RAM at 64 MiB is not free RAM: give QEMU at least -m 128M");
	p->iopm = hv_alloc_pages(3);
	if (!p->iopm)
		hvsim_panic("out of hvsim memory (iopm)");
	memset(p->iopm, 0xFF, 3 * 4096);  /* every port traps */
	p->iopm_pa = hv_virt_to_phys(p->iopm);
	if (p->fast_console) {
		/* VTL1 (a chatty secure kernel) writes the UART itself: only the
		 * data port and LSR pass through; LCR stays emulated, so the
		 * real UART never enters DLAB and every data write is a byte. */
		p->iopm_vtl1 = hv_alloc_pages(3);
		if (!p->iopm_vtl1)
			hvsim_panic("out of hvsim memory (iopm)");
		memset(p->iopm_vtl1, 0xFF, 3 * 4096);
		p->iopm_vtl1[COM1 / 8] &= (uint8_t)~(1u << (COM1 % 8));
		p->iopm_vtl1[(COM1 + 5) / 8] &= (uint8_t)~(1u << ((COM1 + 5) % 8));
		p->iopm_vtl1_pa = hv_virt_to_phys(p->iopm_vtl1);
	}
	uint16_t kkey;
	uint32_t ksz;
	p->linux = fwcfg_find("opt/hvsim/kernel", &kkey, &ksz) == 0;
	if (p->linux) {
		find_acpi_area(h, ram_end, p->ram_size);
		linux_devices(p);
		p->tsc_hz = measure_tsc_hz();
		hv_log("TSC %llu kHz (measured against the PIT)%s", (unsigned long long)(p->tsc_hz / 1000),
		       p->tsc_hz ? "" : ": no frequency MSRs");
	}
	p->npt[0] = npt_create(p->ram_pa, p->ram_size, 0xF);
	p->npt[1] = npt_create(p->ram_pa, p->ram_size, 0xF);
	if (p->npt[0] && p->linux && npt_map_mmio(p->npt[0]))
		hvsim_panic("out of hvsim memory (MMIO windows)");
	if (!p->npt[0] || !p->npt[1] || prot_init(p))
		hvsim_panic("out of hvsim memory (nested page tables)");
	if (p->bench) {
		/* the bench floor's nested root: nothing present, so a VMRUN on
		 * it exits at VTL1's first fetch (HVSIM_HVCALL_BENCH_VTL_ROUND_TRIP) */
		void *root = hv_alloc_pages(1);
		if (!root)
			hvsim_panic("out of hvsim memory (bench NPT root)");
		p->bench_npt_root_pa = hv_virt_to_phys(root);
		hv_log("bench mode: test-only hypercall %#x (bare VTL round trip) enabled",
		       HVSIM_HVCALL_BENCH_VTL_ROUND_TRIP);
	}
	for (unsigned int i = 0; i < p->nr_vps; i++) {
		if (vp_init(p, &p->vps[i], i))
			hvsim_panic("out of hvsim memory (VPs)");
	}
	if (!p->linux)
		fpu_init(p); /* VPs time-share CPU 0 only for ELF guests */
	/* arch enabled SSE in XCR0 for itself; VPs start with the reset value
	 * (x87 only), as on a freshly started processor. */
	if (read_cr4() & X86_CR4_OSXSAVE)
		xsetbv(0, 1);
	load_guests(p, p->nr_vps);
	p->vps[0].started = true;
	if (p->linux) {
		smp_start(p);
		run_cpu(p, &p->vps[0]);
	}

	struct hv_vp *vp = &p->vps[0];
	vp_on_cpu = vp;
	p->xcr0_of = xcr0_of;
	const uint64_t host_vmsave_pa = hv_virt_to_phys(host_save[0][1]);
	while (!p->stop) {
		struct vtl_ctx *c = &vp->vtl[vp->active_vtl];
		vp_prepare_entry(p, vp);
		svm_vmrun(&vp->gprs, c->vmcb_pa, host_vmsave_pa);
		bool yield = hvsim_handle_exit(p, vp);
		if (yield || vp->halted || !vp->started) {
			struct hv_vp *n = next_vp(p, vp->index);
			if (!n) {
				hv_log("every VP halted with nothing to wake it (last rip %#llx)",
				       (unsigned long long)vp->vtl[vp->active_vtl].vmcb->save.rip);
				p->exit_code = HVSIM_EXIT_ALL_HALTED;
				break;
			}
			if (n != vp)
				hv_trace("switch vp%u -> vp%u (rip %#llx)", vp->index, n->index,
					 (unsigned long long)n->vtl[n->active_vtl].vmcb->save.rip);
			fpu_switch(vp, n);
			vp = n;
			vp_on_cpu = vp;
		}
	}
	finish(p);
}
