// SPDX-License-Identifier: MIT
/* Host tests for kernel export lookup (vtl_protect/modval/ksym.c). */
#include <errno.h>

#include "tests/unit/unit.h"
#include "vtl_protect/modval/ksym.h"

#define KVA 0xffffffff82000000ULL

static uint8_t kdata[0x400];
static uint8_t kinfo[40];

static void put32(uint8_t *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

static void put64(uint8_t *p, uint64_t v)
{
	for (int i = 0; i < 8; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

/* ksymtab at 0x100 (3 entries, sorted), gpl table at 0x180 (1 entry),
 * names at 0x200.. ; values are arbitrary kernel addresses. */
static void build(void)
{
	static const char *const names[4] = { "alpha", "printk", "zeta", "gpl_only" };
	static const uint64_t values[4] = { 0xffffffff81000010ULL, 0xffffffff81234560ULL,
					    0xffffffff81fff000ULL, 0xffffffff81500000ULL };

	memset(kdata, 0, sizeof(kdata));
	for (int i = 0; i < 4; i++) {
		uint64_t e = KVA + (i < 3 ? 0x100 + 12 * i : 0x180);
		uint64_t name = KVA + 0x200 + 0x20 * i;
		uint8_t *p = kdata + (e - KVA);

		strcpy((char *)kdata + (name - KVA), names[i]);
		put32(p, (uint32_t)(values[i] - e));
		put32(p + 4, (uint32_t)(name - (e + 4)));
	}
	put64(kinfo, KVA + 0x100);
	put64(kinfo + 8, KVA + 0x100 + 36);
	put64(kinfo + 16, KVA + 0x180);
	put64(kinfo + 24, KVA + 0x180 + 12);
}

TEST(modval_ksym_resolves_exports)
{
	struct modval_ksyms k;
	const char *why = NULL;
	uint64_t a = 0;

	build();
	CHECK_EQ_INT(modval_ksyms_init(&k, kinfo, sizeof(kinfo), kdata, sizeof(kdata), KVA, &why), 0);
	CHECK_EQ_INT(modval_ksyms_resolve(&k, "printk", &a), 0);
	CHECK_EQ(a, 0xffffffff81234560ULL);
	CHECK_EQ_INT(modval_ksyms_resolve(&k, "alpha", &a), 0);
	CHECK_EQ(a, 0xffffffff81000010ULL);
	CHECK_EQ_INT(modval_ksyms_resolve(&k, "zeta", &a), 0);
	CHECK_EQ_INT(modval_ksyms_resolve(&k, "gpl_only", &a), 0);
	CHECK_EQ(a, 0xffffffff81500000ULL);
	CHECK_EQ_INT(modval_ksyms_resolve(&k, "missing", &a), -ENOENT);
	CHECK_EQ_INT(modval_ksyms_resolve(NULL, "printk", &a), -ENOENT);
}

TEST(modval_ksym_refuses_bad_tables)
{
	struct modval_ksyms k;
	const char *why = NULL;
	uint64_t a;

	build();
	put64(kinfo + 8, KVA + 0x100 + 35);              /* not whole entries */
	CHECK_EQ_INT(modval_ksyms_init(&k, kinfo, sizeof(kinfo), kdata, sizeof(kdata), KVA, &why),
		     -EINVAL);
	build();
	put64(kinfo + 24, KVA + 0x1000);                 /* past KernelData */
	CHECK_EQ_INT(modval_ksyms_init(&k, kinfo, sizeof(kinfo), kdata, sizeof(kdata), KVA, &why),
		     -EINVAL);
	build();
	put64(kinfo, KVA - 12);                          /* before KernelData */
	CHECK_EQ_INT(modval_ksyms_init(&k, kinfo, sizeof(kinfo), kdata, sizeof(kdata), KVA, &why),
		     -EINVAL);
	CHECK_EQ_INT(modval_ksyms_init(&k, kinfo, 16, kdata, sizeof(kdata), KVA, &why), -EINVAL);
	build();
	/* A name pointer out of KernelData fails the lookup closed. */
	put32(kdata + 0x100 + 12 + 4, 0x7fffffff);
	CHECK_EQ_INT(modval_ksyms_init(&k, kinfo, sizeof(kinfo), kdata, sizeof(kdata), KVA, &why), 0);
	CHECK_EQ_INT(modval_ksyms_resolve(&k, "printk", &a), -ENOENT);
	/* A name without NUL before the end of KernelData too. */
	build();
	memset(kdata + 0x3f0, 'x', 0x10);
	put32(kdata + 0x100 + 12 + 4, (uint32_t)(0x3f0 - (0x100 + 12 + 4)));
	CHECK_EQ_INT(modval_ksyms_init(&k, kinfo, sizeof(kinfo), kdata, sizeof(kdata), KVA, &why), 0);
	CHECK_EQ_INT(modval_ksyms_resolve(&k, "printk", &a), -ENOENT);
}
