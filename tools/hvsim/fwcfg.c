// SPDX-License-Identifier: MIT
/*
 * QEMU fw_cfg: how guest images reach hvsim.  `-fw_cfg name=opt/hvsim/vtl0,
 * file=guest.elf` and friends; files are read with the DMA interface into
 * memory hvsim chooses.
 */
#include <string.h>

#include "core/errno.h"
#include "tools/hvsim/fwcfg.h"
#include "arch/x86_64/cpu.h"
#include "arch/x86_64/mm.h"

#define FW_CFG_PORT_SEL   0x510
#define FW_CFG_PORT_DATA  0x511
#define FW_CFG_PORT_DMA   0x514
#define FW_CFG_SIGNATURE  0x00
#define FW_CFG_ID         0x01
#define FW_CFG_NB_CPUS    0x05
#define FW_CFG_FILE_DIR   0x19

struct fw_cfg_dma {
	uint32_t control, length;
	uint64_t address;
} __attribute__((packed, aligned(16)));

static uint32_t be32(uint32_t v) { return __builtin_bswap32(v); }

static void select_key(uint16_t key) { outw(FW_CFG_PORT_SEL, key); }

static void read_bytes(void *dst, uint32_t n)
{
	uint8_t *d = dst;
	while (n--)
		*d++ = inb(FW_CFG_PORT_DATA);
}

bool fwcfg_present(void)
{
	char sig[4];
	select_key(FW_CFG_SIGNATURE);
	read_bytes(sig, 4);
	return memcmp(sig, "QEMU", 4) == 0;
}

unsigned int fwcfg_nr_cpus(void)
{
	uint16_t n = 0;
	select_key(FW_CFG_NB_CPUS);
	read_bytes(&n, 2);
	return n ? n : 1;
}

int fwcfg_find(const char *name, uint16_t *key, uint32_t *size)
{
	uint32_t count;

	select_key(FW_CFG_FILE_DIR);
	read_bytes(&count, 4);
	count = be32(count);
	for (uint32_t i = 0; i < count && i < 4096; i++) {
		uint8_t f[64]; /* FWCfgFile: be32 size, be16 select, u16 reserved, name[56] */
		read_bytes(f, sizeof(f));
		f[63] = 0;
		if (strncmp((const char *)f + 8, name, 56) == 0) {
			uint32_t sz;
			uint16_t sel;
			memcpy(&sz, f, 4);
			memcpy(&sel, f + 4, 2);
			*size = be32(sz);
			*key = __builtin_bswap16(sel);
			return 0;
		}
	}
	return -ENOENT;
}

/* Read n bytes of item key into dst (physically contiguous: guest RAM or
 * the image).  The DMA engine sees physical addresses. */
int fwcfg_read(uint16_t key, void *dst, uint32_t n)
{
	static struct fw_cfg_dma dma;
	uint32_t id;

	select_key(FW_CFG_ID);
	read_bytes(&id, 4);
	if (!(id & 2)) { /* no DMA: byte by byte */
		select_key(key);
		read_bytes(dst, n);
		return 0;
	}
	dma.control = be32(((uint32_t)key << 16) | 0x8 | 0x2); /* select + read */
	dma.length = be32(n);
	dma.address = __builtin_bswap64(virt_to_phys(dst));
	uint64_t a = virt_to_phys(&dma);
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	outl(FW_CFG_PORT_DMA, be32((uint32_t)(a >> 32)));
	outl(FW_CFG_PORT_DMA + 4, be32((uint32_t)a));
	while (be32(__atomic_load_n(&dma.control, __ATOMIC_SEQ_CST)) & ~1u)
		;
	return (be32(dma.control) & 1) ? -EIO : 0;
}
