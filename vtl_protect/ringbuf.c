// SPDX-License-Identifier: MIT
/*
 * ALLOCATE_RINGBUFFER_MEMORY(pa, size): VTL0 donates page-aligned memory for
 * a log ring.  VTL1 makes it read-only (and not executable) for VTL0, marks
 * it IMMUTABLE, and from then on appends every log line (including the
 * violation reports) to it.  Format in docs/vtl-call-abi.md:
 *
 *   header (64 bytes at pa):
 *     0  char  magic[8] = "VTLGRING"     8  u32 version = 1
 *     12 u32   header_size = 64          16 u64 data_size (= size - 64)
 *     24 u64   head: bytes ever appended (record offset = pos % data_size)
 *     32 u64   records: records ever appended
 *     40 u64   lost: lines that could not be written
 *   records (8-byte aligned, never straddling the end of the data area):
 *     0  u16 len (multiple of 8, header included)   2 u8 kind (1 log, 2 pad)
 *     3  u8  level (0 error .. 3 debug)             4 u32 cpu
 *     8  u64 seq                                    16 u64 time (TSC)
 *     24 char text[] NUL-terminated, zero padded
 * The writer writes a record before it advances head.
 */
#include <string.h>

#include "vtl_protect/internal.h"

#define RING_HDR_SIZE 64
#define RING_REC_HDR  24
#define RING_MAX_SIZE (16u << 20)
#define RING_KIND_LOG 1
#define RING_KIND_PAD 2

struct ring_hdr {
	char magic[8];
	uint32_t version;
	uint32_t header_size;
	uint64_t data_size;
	uint64_t head;
	uint64_t records;
	uint64_t lost;
	uint64_t reserved[2]; /* zero; VTL0-visible layout */
};

struct ring_rec {
	uint16_t len;
	uint8_t kind;
	uint8_t level;
	uint32_t cpu;
	uint64_t seq;
	uint64_t time;
};

static struct north_lock ring_lock = NORTH_LOCK_INIT;
static bool ring_on;
static uint64_t ring_pa, ring_size;
static struct ring_hdr hdr;
static bool busy[VTLP_MAX_VPS];

bool vtlp_ring_contains(uint64_t gpa, uint64_t len)
{
	uint64_t end;

	if (!ring_on)
		return false;
	if (add_overflows_u64(gpa, len, &end))
		return true;
	return gpa < ring_pa + ring_size && end > ring_pa && len;
}

/* Append one record; called with ring_lock held. */
static void ring_append(uint8_t level, const char *text, size_t tlen)
{
	uint8_t buf[RING_REC_HDR + 232];
	struct ring_rec rec = { 0 };
	uint64_t pos, room;
	size_t len;

	if (tlen > sizeof(buf) - RING_REC_HDR - 1)
		tlen = sizeof(buf) - RING_REC_HDR - 1;
	len = ALIGN_UP(RING_REC_HDR + tlen + 1, (size_t)8);
	pos = hdr.head % hdr.data_size;
	room = hdr.data_size - pos;
	if (room < len) {
		struct ring_rec pad = { .len = (uint16_t)MIN(room, 0xFFF8u), .kind = RING_KIND_PAD };

		if (north_copy_out(ring_pa + RING_HDR_SIZE + pos, &pad, MIN(room, sizeof(pad)))) {
			hdr.lost++;
			return;
		}
		hdr.head += room;
		pos = 0;
	}
	rec.len = (uint16_t)len;
	rec.kind = RING_KIND_LOG;
	rec.level = level;
	rec.cpu = north_current_cpu();
	rec.seq = hdr.records;
	rec.time = north_now();
	memset(buf, 0, len);
	memcpy(buf, &rec, sizeof(rec));
	memcpy(buf + RING_REC_HDR, text, tlen);
	if (north_copy_out(ring_pa + RING_HDR_SIZE + pos, buf, len)) {
		hdr.lost++;
		return;
	}
	hdr.head += len;
	hdr.records++;
	north_copy_out(ring_pa, &hdr, sizeof(hdr));
}

static void ring_sink(enum log_level lvl, const char *line, size_t len)
{
	unsigned int cpu = north_current_cpu();

	/* A failing VTL0 write may itself log: never recurse into the ring. */
	if (cpu >= VTLP_MAX_VPS || busy[cpu])
		return;
	busy[cpu] = true;
	north_lock(&ring_lock);
	if (ring_on)
		ring_append((uint8_t)lvl, line, len);
	north_unlock(&ring_lock);
	busy[cpu] = false;
}

void vtlp_ring_reset(void)
{
	log_remove_sink(ring_sink);
	north_lock(&ring_lock);
	ring_on = false;
	ring_pa = ring_size = 0;
	memset(&hdr, 0, sizeof(hdr));
	memset(busy, 0, sizeof(busy));
	north_unlock(&ring_lock);
}

/* Called with vtlp.lock held. */
int64_t vtlp_ring_alloc(uint64_t pa, uint64_t size)
{
	struct vtlp_range r = { .pa = pa, .epa = pa + size,
				.attr = HEKI_ATTR_MEM_R | HEKI_ATTR_MEM_IMMUTABLE };
	int ret;

	if (ring_on) {
		log_warn("vtlp: ALLOCATE_RINGBUFFER_MEMORY: a ring already exists at %#llx",
			 (unsigned long long)ring_pa);
		return -EBUSY;
	}
	if (!IS_ALIGNED(pa, PAGE_SIZE) || !IS_ALIGNED(size, PAGE_SIZE) || size == 0 ||
	    size > RING_MAX_SIZE) {
		log_warn("vtlp: ALLOCATE_RINGBUFFER_MEMORY(%#llx, %#llx): need page-aligned "
			 "pa and size, 4 KiB..16 MiB", (unsigned long long)pa,
			 (unsigned long long)size);
		return size > RING_MAX_SIZE ? -E2BIG : -EINVAL;
	}
	ret = north_check_range(pa, size);
	if (ret)
		return ret;
	if (vtlp_prot_overlaps(pa, pa + size)) {
		log_warn("vtlp: ALLOCATE_RINGBUFFER_MEMORY: [%#llx, %#llx) overlaps protected "
			 "memory: refused", (unsigned long long)pa,
			 (unsigned long long)(pa + size));
		return -EACCES;
	}
	ret = vtlp_prot_apply(&r, 1, VTLP_OWNER_RING, false);
	if (ret)
		return ret;
	north_lock(&ring_lock);
	memset(&hdr, 0, sizeof(hdr));
	memcpy(hdr.magic, "VTLGRING", 8);
	hdr.version = 1;
	hdr.header_size = RING_HDR_SIZE;
	hdr.data_size = size - RING_HDR_SIZE;
	hdr.reserved[0] = hdr.reserved[1] = 0;
	ring_pa = pa;
	ring_size = size;
	ret = north_copy_out(pa, &hdr, sizeof(hdr));
	ring_on = ret == 0;
	north_unlock(&ring_lock);
	if (ret)
		return ret;
	if (log_add_sink(ring_sink))
		log_warn("vtlp: no free log sink: the ring will stay empty");
	log_info("vtlp: log ring at %#llx, %llu bytes, read-only for VTL0",
		 (unsigned long long)pa, (unsigned long long)size);
	return 0;
}
