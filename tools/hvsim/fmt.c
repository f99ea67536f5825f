// SPDX-License-Identifier: MIT
/*
 * A small vsnprintf for hvsim and the test guests (used until core/fmt.c is
 * available to them): %d %i %u %x %X %p %s %c %%, flags '#' '0' '-', width,
 * length modifiers l, ll, z, h, hh.
 */
#include "tools/hvsim/fmt.h"

struct out {
	char *buf;
	size_t size, len;
};

static void put(struct out *o, char c)
{
	if (o->len + 1 < o->size)
		o->buf[o->len] = c;
	o->len++;
}

static void put_num(struct out *o, unsigned long long v, unsigned int base, bool upper,
		    bool neg, int width, bool zero, bool left, const char *prefix)
{
	char tmp[24];
	int n = 0, plen = 0;
	const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";

	do {
		tmp[n++] = digits[v % base];
		v /= base;
	} while (v);
	while (prefix && prefix[plen])
		plen++;
	int total = n + plen + (neg ? 1 : 0);
	if (!left && !zero)
		for (; width > total; width--)
			put(o, ' ');
	if (neg)
		put(o, '-');
	for (int i = 0; i < plen; i++)
		put(o, prefix[i]);
	if (!left && zero)
		for (; width > total; width--)
			put(o, '0');
	while (n)
		put(o, tmp[--n]);
	if (left)
		for (; width > total; width--)
			put(o, ' ');
}

int hv_vsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
	struct out o = { buf, size, 0 };

	for (; *fmt; fmt++) {
		if (*fmt != '%') {
			put(&o, *fmt);
			continue;
		}
		bool alt = false, zero = false, left = false;
		int width = 0, lng = 0;
		for (;; fmt++) {
			if (fmt[1] == '#') alt = true;
			else if (fmt[1] == '0') zero = true;
			else if (fmt[1] == '-') left = true;
			else break;
		}
		fmt++;
		while (*fmt >= '0' && *fmt <= '9')
			width = width * 10 + (*fmt++ - '0');
		while (*fmt == 'l' || *fmt == 'z' || *fmt == 'h') {
			if (*fmt != 'h')
				lng++;
			fmt++;
		}
		unsigned long long u;
		long long s;
		switch (*fmt) {
		case 'd': case 'i':
			s = lng ? va_arg(ap, long long) : va_arg(ap, int);
			put_num(&o, s < 0 ? 0ull - (unsigned long long)s : (unsigned long long)s, 10,
				false, s < 0, width, zero, left, NULL);
			break;
		case 'u': case 'x': case 'X':
			u = lng ? va_arg(ap, unsigned long long) : va_arg(ap, unsigned int);
			put_num(&o, u, *fmt == 'u' ? 10 : 16, *fmt == 'X', false, width, zero, left,
				alt && *fmt != 'u' ? "0x" : NULL);
			break;
		case 'p':
			u = (unsigned long long)(uintptr_t)va_arg(ap, void *);
			put_num(&o, u, 16, false, false, width, zero, left, "0x");
			break;
		case 'c':
			put(&o, (char)va_arg(ap, int));
			break;
		case 's': {
			const char *str = va_arg(ap, const char *);
			int n = 0;
			if (!str)
				str = "(null)";
			while (str[n])
				n++;
			if (!left)
				for (; width > n; width--)
					put(&o, ' ');
			for (int i = 0; i < n; i++)
				put(&o, str[i]);
			for (; width > n; width--)
				put(&o, ' ');
			break;
		}
		case '%':
			put(&o, '%');
			break;
		default:
			put(&o, '%');
			if (*fmt)
				put(&o, *fmt);
			else
				fmt--;
			break;
		}
	}
	if (size)
		buf[o.len < size ? o.len : size - 1] = 0;
	return (int)o.len;
}

int hv_snprintf(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = hv_vsnprintf(buf, size, fmt, ap);
	va_end(ap);
	return n;
}
