// SPDX-License-Identifier: MIT
/*
 * Host unit tests for hvsim's Linux-hosting pieces: the one GPA map (an MMIO
 * window can never become RAM through a protection change), the VTL0 port
 * allow-list, the MSR table, and the bzImage loader on hostile images.
 * The platform hooks (hv_alloc_pages, ...) come from test_hvsim_unit.c.
 */
#include <stdlib.h>
#include <string.h>

#include "core/compiler.h"
#include "core/errno.h"
#include "tests/unit/unit.h"
#include "tools/hvsim/bootinfo.h"
#include "tools/hvsim/gpamap.h"
#include "tools/hvsim/guestmem.h"
#include "tools/hvsim/hvif.h"
#include "tools/hvsim/platform.h"
#include "tools/hvsim/prot.h"
#include "tools/hvsim/vp.h"
#include "tools/hvsim/linux.h"
#include "tools/hvsim/msrtab.h"
#include "tools/hvsim/npt.h"

#define LAPIC 0xFEE00000ull
#define IOAPIC 0xFEC00000ull

static uint8_t small_ram[1u << 20] __attribute__((aligned(4096)));

TEST(hvsim_gpamap_kinds)
{
	uint64_t ram = 16u << 20;

	CHECK_EQ(gpamap_kind(ram, true, 0, 4096), GPA_RAM);
	CHECK_EQ(gpamap_kind(ram, true, ram - 4096, 4096), GPA_RAM);
	CHECK_EQ(gpamap_kind(ram, true, ram - 4096, 8192), GPA_NONE); /* straddles */
	CHECK_EQ(gpamap_kind(ram, true, IOAPIC, 4096), GPA_MMIO);
	CHECK_EQ(gpamap_kind(ram, false, IOAPIC, 4096), GPA_NONE);      /* test guests: RAM only */
	CHECK_EQ(gpamap_kind(ram, true, IOAPIC, 8192), GPA_NONE);
	/* the local APIC page is never mapped: VTL0's APIC is the filtered x2APIC */
	CHECK_EQ(gpamap_kind(ram, true, LAPIC, 4096), GPA_NONE);
	CHECK_EQ(gpamap_kind(ram, true, 0xFEBFF000ull, 4096), GPA_NONE); /* next to IOAPIC */
	CHECK_EQ(gpamap_kind(ram, true, ~0ull - 10, 4096), GPA_NONE);  /* wraps */
	CHECK_EQ(gpamap_kind(ram, true, 0xB0000000ull, 4096), GPA_NONE); /* PCIe ECAM: not offered */
}

/*
 * The probe's bug class: a VTL protection change rewrote a firmware/MMIO
 * identity mapping back into a RAM mapping.  npt_set_perm must refuse every
 * GPA that is not RAM, so the window keeps its identity, uncached, NX entry.
 */
TEST(hvsim_npt_set_perm_cannot_touch_mmio)
{
	struct npt *n = npt_create((uint64_t)(uintptr_t)small_ram, sizeof(small_ram), 0xF);
	unsigned int nw;
	const struct gpa_window *w = gpamap_mmio_windows(&nw);

	CHECK(n != NULL);
	if (!n)
		return;
	CHECK_EQ(npt_lookup(n, IOAPIC), 0);              /* not mapped before */
	CHECK_EQ_INT(npt_map_mmio(n), 0);
	CHECK_EQ(npt_lookup(n, LAPIC), 0);               /* never mapped */
	for (unsigned int i = 0; i < nw; i++) {
		uint64_t before = npt_lookup(n, w[i].gpa);

		CHECK_EQ(before & NPT_ADDR_MASK, w[i].gpa);  /* identity */
		/* the IOAPIC's stores are hvsim's (ioapic.c): read-only */
		CHECK_EQ(!!(before & NPT_RW), w[i].gpa != 0xFEC00000ull);
		CHECK(before & NPT_NX);
		CHECK(before & NPT_PCD);
		CHECK_EQ_INT(npt_set_perm(n, w[i].gpa, 0xF), -EINVAL);
		CHECK_EQ_INT(npt_set_perm(n, w[i].gpa, 0), -EINVAL);
		CHECK_EQ(npt_lookup(n, w[i].gpa), before);
	}
	/* RAM still changes, and only RAM */
	CHECK_EQ_INT(npt_set_perm(n, 0x3000, HV_MAP_GPA_READABLE), 0);
	CHECK(!(npt_lookup(n, 0x3000) & NPT_RW));
	CHECK_EQ_INT(npt_set_perm(n, sizeof(small_ram), 0xF), -EINVAL);
}

/*
 * Firmware tables (issue 16): the F-segment and the ACPI area are identity-
 * mapped READ-ONLY and NX into VTL0's view, the FACS page alone writable;
 * they are never RAM (no protection change, no hypercall GPA), even the
 * F-segment, which lies inside RAM's GPA range.
 */
TEST(hvsim_firmware_windows_read_only)
{
	const uint64_t ram = sizeof(small_ram), acpi = 0x3FFE0000ull;
	struct npt *n = npt_create((uint64_t)(uintptr_t)small_ram, ram, 0xF);

	CHECK(n != NULL);
	if (!n)
		return;
	/* the ACPI area must lie above RAM, below 4 GiB, off the MMIO windows */
	CHECK_EQ_INT(gpamap_set_acpi_area(ram, 0x8000, 0x1000), -EINVAL);
	CHECK_EQ_INT(gpamap_set_acpi_area(ram, 0xFFFFF000ull, 0x2000), -EINVAL);
	CHECK_EQ_INT(gpamap_set_acpi_area(ram, 0xFEC00000ull, 0x1000), -EINVAL); /* IOAPIC */
	CHECK_EQ_INT(gpamap_set_acpi_area(ram, acpi + 1, 0x1000), -EINVAL);
	CHECK_EQ_INT(gpamap_set_facs(acpi), -EINVAL);            /* no area yet */
	CHECK_EQ_INT(gpamap_set_acpi_area(ram, acpi, 0x20000), 0);
	CHECK_EQ_INT(gpamap_set_facs(0x1000), -EINVAL);          /* outside the area */
	CHECK_EQ_INT(gpamap_set_facs(acpi + 0x40), 0);
	CHECK_EQ(gpamap_kind(ram, true, 0xF0000, 4096), GPA_FIRMWARE); /* inside RAM's range */
	CHECK_EQ(gpamap_kind(ram, false, 0xF0000, 4096), GPA_RAM);     /* test guests: RAM */
	CHECK_EQ(gpamap_kind(ram, true, 0xEF000, 8192), GPA_NONE);     /* straddles RAM/firmware */
	CHECK_EQ(gpamap_kind(ram, true, acpi + 0x1000, 4096), GPA_FIRMWARE);
	CHECK_EQ(gpamap_kind(ram, true, acpi + 0x1F000, 8192), GPA_NONE);
	CHECK_EQ_INT(npt_map_mmio(n), 0);
	uint64_t fseg = npt_lookup(n, 0xF5000), tab = npt_lookup(n, acpi + 0x2000),
		 facs = npt_lookup(n, acpi);
	CHECK_EQ(fseg & NPT_ADDR_MASK, 0xF5000ull);              /* identity, not the RAM page */
	CHECK((fseg & NPT_P) && !(fseg & NPT_RW) && (fseg & NPT_NX));
	CHECK_EQ(tab & NPT_ADDR_MASK, acpi + 0x2000);
	CHECK((tab & NPT_P) && !(tab & NPT_RW) && (tab & NPT_NX));
	CHECK((facs & NPT_RW) && (facs & NPT_NX));
	/* a protection change cannot turn them into RAM */
	CHECK_EQ_INT(npt_set_perm(n, 0xF5000, 0xF), -EINVAL);
	CHECK_EQ_INT(npt_set_perm(n, acpi + 0x2000, 0xF), -EINVAL);
	CHECK_EQ(npt_lookup(n, 0xF5000), fseg);
	/* e820: the ACPI area is reserved (never "ACPI reclaimable") */
	unsigned int nfw;
	const struct gpa_window *fw = gpamap_firmware_windows(&nfw);
	CHECK_EQ(nfw, 3u);
	CHECK(!fw[0].writable && !fw[1].writable && fw[2].writable);
	CHECK_EQ_INT(gpamap_set_acpi_area(ram, 0, 0), 0);
	CHECK_EQ(gpamap_kind(ram, true, acpi, 4096), GPA_NONE);  /* removed, FACS too */
}

static bool traps(const uint8_t *iopm, unsigned int port)
{
	return iopm[port / 8] & (1u << (port % 8));
}

TEST(hvsim_vtl0_port_allow_list)
{
	static uint8_t iopm[3 * 4096];
	/* never reachable without hvsim: PCI config (BARs, bus master),
	 * fw_cfg and its DMA interface, reset, hvsim's exit port, COM2 */
	static const unsigned int denied[] = { 0xCF8, 0xCF9, 0xCFA, 0xCFB, 0xCFC, 0xCFD, 0xCFE, 0xCFF,
					       0x510, 0x511, 0x514, 0x518, 0x51B, 0x92, 0xF4, 0x2F8,
					       0x1F0, 0x170, 0x3F7, 0xFFFF };
	unsigned int n;
	const struct port_window *w = gpamap_vtl0_ports(&n);

	gpamap_fill_vtl0_iopm(iopm);
	for (unsigned int i = 0; i < ARRAY_SIZE(denied); i++)
		if (!traps(iopm, denied[i]))
			unit_fail(__FILE__, __LINE__, "port %#x reaches the device without hvsim", denied[i]);
	for (unsigned int i = 0; i < n; i++)
		for (unsigned int port = w[i].lo; port <= w[i].hi; port++)
			CHECK(!traps(iopm, port));
	CHECK(!traps(iopm, 0x40) && !traps(iopm, 0x20) && !traps(iopm, 0x3F8));
}

TEST(hvsim_msr_table)
{
	CHECK_EQ(msrtab_lookup(0xC0010114)->kind, MSR_REFUSE); /* VM_CR */
	CHECK_EQ(msrtab_lookup(0xC0010117)->kind, MSR_REFUSE); /* VM_HSAVE_PA */
	CHECK_EQ(msrtab_lookup(0x17A)->kind, MSR_IGNORED);     /* MCG_STATUS: #GP panics Linux */
	CHECK_EQ(msrtab_lookup(0x179)->kind, MSR_READONLY);
	CHECK_EQ(msrtab_lookup(0x179)->value, 0);              /* no banks */
	CHECK_EQ(msrtab_lookup(0x427)->kind, MSR_IGNORED);
	CHECK_EQ(msrtab_lookup(0x428)->kind, MSR_REFUSE);
	CHECK_EQ(msrtab_lookup(0x277)->kind, MSR_PASS);        /* PAT before the MTRR range */
	CHECK_EQ(msrtab_lookup(0x250)->kind, MSR_IGNORED);
	CHECK_EQ(msrtab_lookup(0x12345)->kind, MSR_REFUSE);    /* unknown: never the CPU's */
	CHECK_EQ(msrtab_lookup(0xC0011028)->kind, MSR_REFUSE);
}

/* ------------------------------------------------------------ bzImage */
#define BZ_RAM (24u << 20)
static uint8_t big_ram[BZ_RAM] __attribute__((aligned(4096)));
static uint8_t bz[64 * 1024];

static void put32(uint8_t *b, uint32_t v) { memcpy(b, &v, 4); }

/* A minimal well-formed bzImage: 4 setup sectors, header 2.15, 64-bit entry,
 * relocatable, 2 MiB alignment, init_size 1 MiB. */
static void mk_bz(void)
{
	memset(bz, 0, sizeof(bz));
	bz[BP_SETUP_SECTS] = 4;
	bz[0x201] = 0x6A;                          /* header ends at 0x26C */
	put32(bz + BP_HDR_MAGIC, 0x53726448u);
	bz[BP_HDR_VERSION] = 0x0F; bz[BP_HDR_VERSION + 1] = 0x02;
	put32(bz + BP_KERNEL_ALIGN, 2u << 20);
	bz[BP_RELOCATABLE] = 1;
	bz[BP_XLOADFLAGS] = 1;
	put32(bz + BP_CMDLINE_SIZE, 255);
	put32(bz + BP_INIT_SIZE, 1u << 20);
	memset(bz + 5 * 512, 0xCC, 512);           /* the "kernel" */
}

static struct hv_partition *mk_p(void)
{
	static struct hv_partition lp;

	memset(&lp, 0, sizeof(lp));
	memset(big_ram, 0, sizeof(big_ram));
	lp.ram = big_ram;
	lp.ram_size = BZ_RAM;
	return &lp;
}

TEST(hvsim_linux_load_valid)
{
	struct hv_partition *p = mk_p();
	struct linux_image li = { .initrd_gpa = 20u << 20, .initrd_size = 4096, .cmdline = "console=ttyS0",
				  .limit = BZ_RAM };
	uint64_t entry = 0;
	const char *why = NULL;

	mk_bz();
	CHECK_EQ_INT(linux_load(p, bz, sizeof(bz), &li, &entry, &why), 0);
	CHECK_EQ(entry, HVSIM_LINUX_LOAD_GPA + 0x200);
	CHECK_EQ(big_ram[HVSIM_LINUX_LOAD_GPA], 0xCC);
	uint8_t *bp = big_ram + HVSIM_LINUX_BP_GPA;
	CHECK_EQ(bp[BP_E820_NR], 3);
	CHECK_EQ(bp[BP_LOADER_TYPE], 0xFF);
	uint32_t v;
	memcpy(&v, bp + BP_RAMDISK_IMAGE, 4);
	CHECK_EQ(v, 20u << 20);
	memcpy(&v, bp + BP_CMDLINE_PTR, 4);
	CHECK_EQ(v, HVSIM_LINUX_CMDLINE_GPA);
	CHECK(strcmp((char *)big_ram + HVSIM_LINUX_CMDLINE_GPA, "console=ttyS0") == 0);
}

TEST(hvsim_linux_load_hostile)
{
	struct hv_partition *p = mk_p();
	struct linux_image li = { .cmdline = "", .limit = BZ_RAM };
	uint64_t entry;
	const char *why;
	char longcl[300];

	mk_bz(); bz[BP_HDR_MAGIC] = 'X';
	CHECK_EQ_INT(linux_load(p, bz, sizeof(bz), &li, &entry, &why), -EINVAL);
	mk_bz(); bz[BP_HDR_VERSION] = 0x0B;                     /* 2.11: no 64-bit entry */
	CHECK_EQ_INT(linux_load(p, bz, sizeof(bz), &li, &entry, &why), -EINVAL);
	mk_bz(); bz[BP_XLOADFLAGS] = 0;
	CHECK_EQ_INT(linux_load(p, bz, sizeof(bz), &li, &entry, &why), -EINVAL);
	mk_bz(); bz[BP_SETUP_SECTS] = 200;                      /* setup past the file */
	CHECK_EQ_INT(linux_load(p, bz, sizeof(bz), &li, &entry, &why), -EINVAL);
	mk_bz(); bz[0x201] = 0x10;                             /* header ends before init_size */
	CHECK_EQ_INT(linux_load(p, bz, sizeof(bz), &li, &entry, &why), -EINVAL);
	mk_bz(); bz[BP_RELOCATABLE] = 0;
	CHECK_EQ_INT(linux_load(p, bz, sizeof(bz), &li, &entry, &why), -EINVAL);
	mk_bz(); put32(bz + BP_KERNEL_ALIGN, 3);
	CHECK_EQ_INT(linux_load(p, bz, sizeof(bz), &li, &entry, &why), -EINVAL);
	mk_bz(); put32(bz + BP_INIT_SIZE, 0xFFFFFFFFu);         /* past guest RAM */
	CHECK_EQ_INT(linux_load(p, bz, sizeof(bz), &li, &entry, &why), -EINVAL);
	mk_bz(); li.limit = HVSIM_LINUX_LOAD_GPA + 4096;        /* would overwrite staging */
	CHECK_EQ_INT(linux_load(p, bz, sizeof(bz), &li, &entry, &why), -EINVAL);
	li.limit = BZ_RAM;
	memset(longcl, 'a', sizeof(longcl) - 1);
	longcl[sizeof(longcl) - 1] = 0;
	li.cmdline = longcl;                                    /* > cmdline_size 255 */
	CHECK_EQ_INT(linux_load(p, bz, sizeof(bz), &li, &entry, &why), -EINVAL);
	li.cmdline = "";
	li.initrd_gpa = 16u << 20; li.initrd_size = 4096;        /* inside the kernel */
	CHECK_EQ_INT(linux_load(p, bz, sizeof(bz), &li, &entry, &why), -EINVAL);
	li.initrd_gpa = BZ_RAM - 4096; li.initrd_size = 8192;    /* past RAM */
	CHECK_EQ_INT(linux_load(p, bz, sizeof(bz), &li, &entry, &why), -EINVAL);
	CHECK_EQ_INT(linux_load(p, bz, 0x100, &li, &entry, &why), -EINVAL); /* truncated */
	/* nothing was loaded by any refused image */
	CHECK_EQ(big_ram[HVSIM_LINUX_LOAD_GPA], 0);
}
