// SPDX-License-Identifier: MIT
/*
 * gl_lvbs_boot(): the LVBS boot from VTL0 for guestlib guests (the contract
 * is tests/guestlib/lvbs_boot.h).  tests/linux/stage.c boots through
 * gl_lvbs_boot_region() after its e820 surgery for Linux; tests/vtl0/boot.c
 * does the same steps with the suite's generations, APs and checks.
 */
#include "tests/guestlib/lvbs_boot.h"

#include "hv/tlfs.h"
#include "tests/guestlib/guestlib.h"

#define MIB (1ull << 20)

static uint8_t hcpage[4096] __attribute__((aligned(4096)));
static uint8_t in_pg[4096] __attribute__((aligned(4096)));
static uint8_t out_pg[4096] __attribute__((aligned(4096)));

static uint64_t pa(const void *p)
{
	return (uint64_t)(uintptr_t)p; /* guestlib guests are identity mapped */
}

/* The input page's common head: partition self, VP self, target VTL. */
static void head(uint8_t vtl)
{
	uint32_t self = 0xFFFFFFFEu;

	gl_memset(in_pg, 0, sizeof(in_pg));
	lvbs_put64(in_pg, ~0ull);
	gl_memcpy(in_pg + 8, &self, 4);
	in_pg[12] = vtl;
}

int gl_lvbs_boot(const struct hvsim_boot_info *bi, unsigned int region_mb,
		 const char *cmdline_extra, struct gl_lvbs *out, const char **why)
{
	gl_memset(out, 0, sizeof(*out));
	out->reg.gen = LVBS_GEN_V3;
	out->reg.pa = (bi->free_gpa + LVBS_SEG_ALIGN - 1) & ~(LVBS_SEG_ALIGN - 1);
	out->reg.size = (uint64_t)region_mb * MIB;
	out->reg.ram_size = bi->ram_size;
	out->reg.possible_cpus = bi->nr_vps ? bi->nr_vps : 1;
	out->reg.cmdline_extra = cmdline_extra;
	if (out->reg.pa + out->reg.size > bi->ram_size) {
		*why = "guest RAM too small for the VTL1 region (raise tools/hvsim/run -m)";
		return -1;
	}
	return gl_lvbs_boot_region(bi, out, why);
}

int gl_lvbs_boot_region(const struct hvsim_boot_info *bi, struct gl_lvbs *out, const char **why)
{
	uint8_t ctx[LVBS_CTX_SIZE];
	uint64_t r[16] = { 0 };
	uint32_t reg = HV_REGISTER_VSM_CODE_PAGE_OFFSETS;

	if (!bi->blob_gpa || !bi->blob_size) {
		*why = "no blob in the boot info: run tools/hvsim/run --blob build/vtlguard.elf";
		return -1;
	}

	/* 1. special pages and segments */
	if (lvbs_build_special_pages((uint8_t *)(uintptr_t)out->reg.pa, &out->reg, ctx)) {
		*why = "the special pages were refused by the builder (region misplaced)";
		return -1;
	}
	if (lvbs_load_elf((const uint8_t *)(uintptr_t)bi->blob_gpa, bi->blob_size,
			  (uint8_t *)(uintptr_t)out->reg.pa, &out->reg, &out->elf, why))
		return -1;
	lvbs_put64(ctx + LVBS_CTX_RIP, out->elf.entry_pa);

	/* 2. VTL1 on */
	if (gl_hv_init(hcpage)) {
		*why = "no Hyper-V interface (CPUID 0x40000001 is not Hv#1)";
		return -1;
	}
	head(0);
	gl_memcpy(in_pg + 16, &reg, 4);
	if (gl_hv_status(gl_hvcall_rep(pa(hcpage), HVCALL_GET_VP_REGISTERS, 1, in_pg, out_pg))) {
		*why = "GetVpRegisters(VsmCodePageOffsets) failed";
		return -1;
	}
	out->vtl_call = pa(hcpage) + (lvbs_get64(out_pg) & 0xFFF);
	gl_memset(in_pg, 0, sizeof(in_pg));
	lvbs_put64(in_pg, ~0ull);
	in_pg[8] = 1; /* VTL1 */
	in_pg[9] = 1; /* MBEC */
	if (gl_hv_status(gl_hvcall(pa(hcpage), HVCALL_ENABLE_PARTITION_VTL, pa(in_pg), 0))) {
		*why = "EnablePartitionVtl(1, MBEC) failed";
		return -1;
	}
	head(1);
	gl_memcpy(in_pg + 16, ctx, LVBS_CTX_SIZE);
	if (gl_hv_status(gl_hvcall(pa(hcpage), HVCALL_ENABLE_VP_VTL, pa(in_pg), 0))) {
		*why = "EnableVpVtl(self, 1) failed";
		return -1;
	}

	/* 3. the first VTL call */
	r[7] = 0;                                                   /* RDI */
	r[6] = out->reg.pa + LVBS_PG_BOOT_PARAMS * LVBS_PAGE_SIZE;  /* RSI */
	gl_vtl_call_regs(out->vtl_call, r);
	if (r[8]) {
		*why = "the secure kernel refused the first VTL call (R8 != 0; its ERROR lines say why)";
		return -1;
	}
	return 0;
}

int64_t gl_lvbs_call(const struct gl_lvbs *l, uint64_t id, uint64_t a0, uint64_t a1, uint64_t a2)
{
	uint64_t r[16] = { 0 };

	r[7] = id; /* RDI */
	r[6] = a0; /* RSI */
	r[2] = a1; /* RDX */
	r[8] = a2; /* R8 */
	gl_vtl_call_regs(l->vtl_call, r);
	return (int64_t)r[8];
}
