// SPDX-License-Identifier: MIT
/* 16550 UART on COM1 (port 0x3f8), 115200 8N1, polled. */
#include "arch/x86_64/cpu.h"
#include "arch/x86_64/serial.h"
#include "core/spinlock.h"

#define COM1 0x3f8
#define LSR_THRE 0x20

static struct spinlock lock = SPINLOCK_INIT;

void serial_init(void)
{
	outb(COM1 + 1, 0x00); /* no interrupts */
	outb(COM1 + 3, 0x80); /* DLAB */
	outb(COM1 + 0, 0x01); /* divisor 1: 115200 */
	outb(COM1 + 1, 0x00);
	outb(COM1 + 3, 0x03); /* 8N1 */
	outb(COM1 + 2, 0xC7); /* FIFO on, cleared */
	outb(COM1 + 4, 0x03); /* DTR RTS */
}

static void putc_raw(char c)
{
	/* Bounded wait: a missing UART must not hang VTL1. */
	for (int i = 0; i < 100000 && !(inb(COM1 + 5) & LSR_THRE); i++)
		cpu_relax();
	outb(COM1, (uint8_t)c);
}

void serial_write_raw(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '\n')
			putc_raw('\r');
		putc_raw(s[i]);
	}
}

void serial_write(const char *s, size_t n)
{
	spin_lock(&lock);
	serial_write_raw(s, n);
	spin_unlock(&lock);
}

void serial_log_sink(enum log_level lvl, const char *line, size_t len)
{
	(void)lvl;
	spin_lock(&lock);
	serial_write_raw(line, len);
	serial_write_raw("\n", 1);
	spin_unlock(&lock);
}
