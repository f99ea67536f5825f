// SPDX-License-Identifier: MIT
/*
 * The test module the VTL0 test kernel loads through VALIDATE_MODULE
 * (tests/vtl0/modules.c).  Built by tests/vtl0/mkmod.sh like a Linux module
 * (-mcmodel=kernel, relocatable, no PIC), so it carries PLT32/PC32/32S and
 * R_X86_64_64 relocations the guest must apply at the addresses it reports.
 * TESTMOD_VARIANT makes a second, differently hashed module for the
 * blocklist case; TESTMOD_JUMP adds a __jump_table (jump.ko).
 */
#ifndef TESTMOD_VARIANT
#define TESTMOD_VARIANT 0
#endif
#ifndef TESTMOD_JUMP
#define TESTMOD_JUMP 0
#endif

int testmod_run(void);
/* VTL1 checks a module's site tables (.static_call_sites, __jump_table) only
 * for pinned kernel versions; without a vermagic it refuses (-EOPNOTSUPP). */
static const char testmod_vermagic[] __attribute__((used, section(".modinfo"))) =
	"vermagic=6.12.0 SMP preempt mod_unload ";
static const char testmod_msg[] = "vtl0 test module";    /* .rodata */
int testmod_calls;                                        /* .bss: Data */
int testmod_scale = 3 + TESTMOD_VARIANT;                  /* .data: Data */
int (*const testmod_table[2])(void) = { testmod_run, 0 }; /* .rodata, R_X86_64_64 */

/* noipa: real calls (PLT32) and real loads (PC32), not folded constants */
__attribute__((noipa)) static int testmod_helper(int x, const char *msg)
{
	return x * testmod_scale + msg[1];               /* 't' */
}

/* 0x5e00 + 3 * 7 + 't' when every relocation was applied right */
__attribute__((noipa)) int testmod_run(void)
{
	int (*const volatile *slot)(void) = &testmod_table[0]; /* mov $sym: 32S */

	testmod_calls++;
	if (*slot != testmod_run)
		return -1;
	return 0x5e00 + testmod_helper(7, testmod_msg);
}

__attribute__((section(".init.rodata"))) const int testmod_init_table[4] = { 1, 2, 3, 4 };

/* 1000 + 3 * 10 + 1 */
__attribute__((section(".init.text"))) int testmod_init(void)
{
	const volatile int *t = testmod_init_table;

	return 1000 + t[2] * 10 + testmod_run() / 0x5e00;
}

/*
 * Jump-label sites (tests/vtl0/attacks_patch.c): a 5-byte NOP that VTL1 may
 * turn into a JMP32 to the "on" branch through PATCH_TEXT, once the module's
 * Patch(8) PatchInfo registered it.  One in the core text, one in init text.
 * Each returns 0 while it is the NOP, 1 when patched.
 */
__asm__(".text\n"
	".globl testmod_jl, testmod_jl_on\n"
	"testmod_jl:\n"
	"	.byte 0x0f, 0x1f, 0x44, 0x00, 0x00\n"
	"	xor %eax, %eax\n"
	"	ret\n"
	"testmod_jl_on:\n"
	"	mov $1, %eax\n"
	"	ret\n"
	".section .init.text, \"ax\", @progbits\n"
	".globl testmod_init_jl, testmod_init_jl_on\n"
	"testmod_init_jl:\n"
	"	.byte 0x0f, 0x1f, 0x44, 0x00, 0x00\n"
	"	xor %eax, %eax\n"
	"	ret\n"
	"testmod_init_jl_on:\n"
	"	mov $1, %eax\n"
	"	ret\n"
	".text\n");

/*
 * A static-call site (issue 15 section 3; tests/vtl0/attacks_patch.c): a
 * 5-byte call listed in .static_call_sites as Linux's objtool lists one
 * ({s32 site - ., s32 key - .}), so VTL1 registers it at VALIDATE_MODULE.
 * testmod_sc returns what the function it calls returns: 0xa, 0xb.
 */
int testmod_sc_key;
__asm__(".text\n"
	".globl testmod_sc, testmod_sc_a, testmod_sc_b\n"
	"testmod_sc:\n"
	"1:	call testmod_sc_a\n"
	"	ret\n"
	"testmod_sc_a:\n"
	"	mov $0xa, %eax\n"
	"	ret\n"
	"testmod_sc_b:\n"
	"	mov $0xb, %eax\n"
	"	ret\n"
	".section .static_call_sites, \"aw\", @progbits\n"
	"	.long 1b - .\n"
	"	.long testmod_sc_key - .\n"
	".text\n");

/* NOP bytes in .rodata: a Patch(8) entry naming them must refuse the module. */
const unsigned char testmod_rodata_nop[8] = { 0x0f, 0x1f, 0x44, 0x00, 0x00 };

#if TESTMOD_JUMP
/*
 * jump.ko (tests/vtl0/modules.c, module_ro_after_init_*): a __jump_table,
 * which Linux puts in RoAfterInit, with two entries in descending key order
 * so that the kernel's sort (jump_label_sort_entries(), at
 * MODULE_STATE_COMING) swaps them; a .data..ro_after_init word that module
 * init may write.
 */
long testmod_keys[2];
int testmod_roai __attribute__((section(".data..ro_after_init"))) = 1;
__asm__(".text\n"
	"testmod_jk1:\n"
	"	.byte 0x0f, 0x1f, 0x44, 0x00, 0x00\n"
	"	xor %eax, %eax\n"
	"	ret\n"
	"testmod_jk1_on:\n"
	"	mov $1, %eax\n"
	"	ret\n"
	"testmod_jk2:\n"
	"	.byte 0x0f, 0x1f, 0x44, 0x00, 0x00\n"
	"	xor %eax, %eax\n"
	"	ret\n"
	"testmod_jk2_on:\n"
	"	mov $1, %eax\n"
	"	ret\n"
	".pushsection __jump_table, \"aw\"\n"
	"	.balign 8\n"
	".globl testmod_jt\n"
	"testmod_jt:\n"
	"	.long testmod_jk1 - .\n"
	"	.long testmod_jk1_on - .\n"
	"	.quad testmod_keys + 8 - .\n"
	"	.long testmod_jk2 - .\n"
	"	.long testmod_jk2_on - .\n"
	"	.quad testmod_keys - .\n"
	".popsection\n");
#endif
