// SPDX-License-Identifier: MIT
/*
 * modcheck's bounded file reader and decompressors (decompress.h).  Uses
 * Debian's liblzma, libzstd and zlib.  Output grows in steps and is never
 * allowed past max + 1 bytes: one byte beyond the limit proves "too large"
 * without inflating the rest of a bomb.
 */
#include "tools/modcheck/decompress.h"

#include <errno.h>
#include <lzma.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>
#include <zstd.h>

static char why_buf[160];

const char *mc_format_name(enum mc_format f)
{
	switch (f) {
	case MC_XZ:
		return "xz";
	case MC_ZSTD:
		return "zstd";
	case MC_GZIP:
		return "gzip";
	default:
		return "raw";
	}
}

static enum mc_format sniff(const uint8_t *b, size_t n)
{
	static const uint8_t xz[6] = { 0xfd, '7', 'z', 'X', 'Z', 0 };
	static const uint8_t zst[4] = { 0x28, 0xb5, 0x2f, 0xfd };

	if (n >= sizeof(xz) && !memcmp(b, xz, sizeof(xz)))
		return MC_XZ;
	if (n >= sizeof(zst) && !memcmp(b, zst, sizeof(zst)))
		return MC_ZSTD;
	if (n >= 3 && b[0] == 0x1f && b[1] == 0x8b && b[2] == 8)
		return MC_GZIP;
	return MC_RAW;
}

/* Output buffer that grows up to cap bytes. */
struct outbuf {
	uint8_t *p;
	size_t len, size, cap;
};

/* Room for more output; false (with *why) when cap is reached or OOM. */
static bool out_grow(struct outbuf *o, const char **why)
{
	size_t n = o->size ? o->size * 2 : 1u << 20;
	uint8_t *p;

	if (o->size >= o->cap) {
		*why = "decompressed content is larger than the validation limit (a module "
		       "this size is refused; a decompression bomb stops here)";
		return false;
	}
	if (n > o->cap)
		n = o->cap;
	p = realloc(o->p, n);
	if (!p) {
		*why = "out of memory while decompressing";
		return false;
	}
	o->p = p;
	o->size = n;
	return true;
}

static bool unxz(const uint8_t *in, size_t n, struct outbuf *o, const char **why)
{
	lzma_stream s = LZMA_STREAM_INIT;
	lzma_ret r;

	/* 256 MiB of decoder memory is far above what kernel modules need
	 * (Linux uses a 1 MiB dictionary); corrupt headers asking for more fail. */
	if (lzma_stream_decoder(&s, 256u << 20, LZMA_CONCATENATED) != LZMA_OK) {
		*why = "xz decoder could not start";
		return false;
	}
	s.next_in = in;
	s.avail_in = n;
	for (;;) {
		if (o->len == o->size && !out_grow(o, why)) {
			lzma_end(&s);
			return false;
		}
		s.next_out = o->p + o->len;
		s.avail_out = o->size - o->len;
		r = lzma_code(&s, LZMA_FINISH);
		o->len = o->size - s.avail_out;
		if (r == LZMA_STREAM_END)
			break;
		if (r != LZMA_OK && r != LZMA_BUF_ERROR) {
			snprintf(why_buf, sizeof(why_buf), "xz stream is corrupt (liblzma error %d)",
				 (int)r);
			*why = why_buf;
			lzma_end(&s);
			return false;
		}
		if (r == LZMA_BUF_ERROR && s.avail_out) {
			*why = "xz stream is truncated";
			lzma_end(&s);
			return false;
		}
	}
	lzma_end(&s);
	return true;
}

static bool unzstd(const uint8_t *in, size_t n, struct outbuf *o, const char **why)
{
	ZSTD_DStream *d = ZSTD_createDStream();
	ZSTD_inBuffer ib = { in, n, 0 };
	size_t r = 1;

	if (!d || ZSTD_isError(ZSTD_initDStream(d))) {
		ZSTD_freeDStream(d);
		*why = "zstd decoder could not start";
		return false;
	}
	/* Frames may not ask for a window above 128 MiB (zstd's default limit
	 * is the same; said here so the bound is visible). */
	ZSTD_DCtx_setParameter(d, ZSTD_d_windowLogMax, 27);
	while (ib.pos < ib.size || r != 0) {
		ZSTD_outBuffer ob;

		if (o->len == o->size && !out_grow(o, why)) {
			ZSTD_freeDStream(d);
			return false;
		}
		ob.dst = o->p;
		ob.size = o->size;
		ob.pos = o->len;
		r = ZSTD_decompressStream(d, &ob, &ib);
		o->len = ob.pos;
		if (ZSTD_isError(r)) {
			snprintf(why_buf, sizeof(why_buf), "zstd stream is corrupt: %s",
				 ZSTD_getErrorName(r));
			*why = why_buf;
			ZSTD_freeDStream(d);
			return false;
		}
		if (ib.pos == ib.size && r != 0 && ob.pos < ob.size) {
			*why = "zstd stream is truncated";
			ZSTD_freeDStream(d);
			return false;
		}
	}
	ZSTD_freeDStream(d);
	return true;
}

static bool ungzip(const uint8_t *in, size_t n, struct outbuf *o, const char **why)
{
	z_stream s;

	memset(&s, 0, sizeof(s));
	if (n > UINT32_MAX || inflateInit2(&s, 16 + MAX_WBITS) != Z_OK) {
		*why = "gzip decoder could not start";
		return false;
	}
	s.next_in = (Bytef *)(uintptr_t)in;
	s.avail_in = (uInt)n;
	for (;;) {
		size_t room;
		int r;

		if (o->len == o->size && !out_grow(o, why)) {
			inflateEnd(&s);
			return false;
		}
		room = o->size - o->len;
		if (room > UINT32_MAX)
			room = UINT32_MAX;
		s.next_out = o->p + o->len;
		s.avail_out = (uInt)room;
		r = inflate(&s, Z_NO_FLUSH);
		o->len += room - s.avail_out;
		if (r == Z_STREAM_END) {
			/* Linux decompresses one gzip member; so do we, and say so
			 * rather than ignore what follows it. */
			if (s.avail_in) {
				*why = "data after the end of the gzip stream";
				inflateEnd(&s);
				return false;
			}
			break;
		}
		if (r == Z_BUF_ERROR && s.avail_out) {
			*why = "gzip stream is truncated";
			inflateEnd(&s);
			return false;
		}
		if (r != Z_OK && r != Z_BUF_ERROR) {
			snprintf(why_buf, sizeof(why_buf), "gzip stream is corrupt: %s",
				 s.msg ? s.msg : "zlib error");
			*why = why_buf;
			inflateEnd(&s);
			return false;
		}
	}
	inflateEnd(&s);
	return true;
}

static uint8_t *read_raw(const char *path, size_t max, size_t *len, const char **why,
			 bool *io_error)
{
	FILE *f = fopen(path, "rb");
	uint8_t *buf;
	long n;

	if (!f) {
		*why = strerror(errno);
		return NULL;
	}
	if (fseek(f, 0, SEEK_END) || (n = ftell(f)) < 0 || fseek(f, 0, SEEK_SET)) {
		*why = strerror(errno ? errno : EIO);
		fclose(f);
		return NULL;
	}
	if ((unsigned long)n > max) {
		*io_error = false;
		*why = "file larger than the validation limit";
		fclose(f);
		return NULL;
	}
	buf = malloc((size_t)n ? (size_t)n : 1);
	if (!buf) {
		*why = "out of memory";
		fclose(f);
		return NULL;
	}
	if (fread(buf, 1, (size_t)n, f) != (size_t)n) {
		*why = ferror(f) ? strerror(errno ? errno : EIO) : "file shrank while being read";
		free(buf);
		fclose(f);
		return NULL;
	}
	fclose(f);
	*len = (size_t)n;
	return buf;
}

uint8_t *mc_read_input(const char *path, size_t max, size_t *len, enum mc_format *fmt,
		       const char **why, bool *io_error)
{
	size_t n;
	uint8_t *raw;
	struct outbuf o = { NULL, 0, 0, max + 1 };
	bool ok;

	*fmt = MC_RAW;
	*io_error = true;
	raw = read_raw(path, max, &n, why, io_error);
	if (!raw)
		return NULL;
	*io_error = false;
	*fmt = sniff(raw, n);
	if (*fmt == MC_RAW) {
		*len = n;
		return raw;
	}
	if (*fmt == MC_XZ)
		ok = unxz(raw, n, &o, why);
	else if (*fmt == MC_ZSTD)
		ok = unzstd(raw, n, &o, why);
	else
		ok = ungzip(raw, n, &o, why);
	free(raw);
	if (ok && o.len > max) {
		*why = "decompressed content is larger than the validation limit (a module "
		       "this size is refused; a decompression bomb stops here)";
		ok = false;
	}
	if (!ok) {
		free(o.p);
		return NULL;
	}
	*len = o.len;
	return o.p ? o.p : calloc(1, 1);
}
