// SPDX-License-Identifier: MIT
/*
 * The measurement log: a SHA-256 hash chain over everything VTL1 accepted
 * (the policy, protected ranges, kernel data, locked registers, end of
 * boot, and what the module/kexec validator adds).  Each entry is
 *   digest    = SHA-256(data)
 *   aggregate = SHA-256(aggregate || type:u32le || 0:u32 || arg0:u64le ||
 *                       arg1:u64le || digest)
 * starting from 32 zero bytes, so VTL0 (or a verifier it reports to) can
 * replay the entries and must arrive at the aggregate.  VTL0 reads the log
 * with VTLGUARD_CALL_GET_MEASUREMENTS (docs/vtl-call-abi.md).
 */
#include <bearssl.h>
#include <string.h>

#include "vtl_protect/internal.h"

#define MEASURE_MAX_ENTRIES 256

struct measure_entry {
	uint32_t type;
	uint32_t reserved;
	uint64_t arg0;
	uint64_t arg1;
	uint8_t digest[32];
};

/* VTL0-visible layout: every member is part of the ABI. */
struct measure_hdr {
	char magic[8]; /* "VTLGMLOG" */
	uint32_t version;
	uint32_t entry_size;
	uint32_t count;    /* entries in this copy */
	uint32_t dropped;  /* entries chained but not kept (log full) */
	uint64_t total_size;
	uint8_t aggregate[32];
};

static struct north_lock mlock = NORTH_LOCK_INIT;
static struct measure_entry entries[MEASURE_MAX_ENTRIES];
static uint32_t nentries, ndropped;
static uint8_t aggregate[32];

void vtlp_measure_reset(void)
{
	north_lock(&mlock);
	nentries = ndropped = 0;
	memset(aggregate, 0, sizeof(aggregate));
	north_unlock(&mlock);
}

int vtlp_measure_digest(enum vtlp_measure_type type, uint64_t arg0, uint64_t arg1,
		   const uint8_t digest[32])
{
	struct measure_entry e = { .type = (uint32_t)type, .arg0 = arg0, .arg1 = arg1 };
	br_sha256_context ctx;

	memcpy(e.digest, digest, 32);
	north_lock(&mlock);
	br_sha256_init(&ctx);
	br_sha256_update(&ctx, aggregate, sizeof(aggregate));
	br_sha256_update(&ctx, &e, sizeof(e));
	br_sha256_out(&ctx, aggregate);
	if (nentries < MEASURE_MAX_ENTRIES)
		entries[nentries++] = e;
	else
		ndropped++;
	north_unlock(&mlock);
	return 0;
}

int vtlp_measure(enum vtlp_measure_type type, uint64_t arg0, uint64_t arg1, const void *data,
		 size_t len)
{
	br_sha256_context ctx;
	uint8_t digest[32];

	br_sha256_init(&ctx);
	if (len)
		br_sha256_update(&ctx, data, len);
	br_sha256_out(&ctx, digest);
	return vtlp_measure_digest(type, arg0, arg1, digest);
}

void vtlp_measure_aggregate(uint8_t out[32])
{
	north_lock(&mlock);
	memcpy(out, aggregate, 32);
	north_unlock(&mlock);
}

/*
 * GET_MEASUREMENTS(pa, size): copy the header and entries to VTL0 memory.
 * Returns the bytes written; with size too small (e.g. 0) returns -ENOSPC
 * and writes nothing, except the header when size allows it, so VTL0 can
 * learn total_size.  Called with vtlp.lock held.
 */
int64_t vtlp_get_measurements(uint64_t pa, uint64_t size)
{
	static struct measure_entry snap[MEASURE_MAX_ENTRIES];
	struct measure_hdr h = { 0 };
	uint64_t need;
	int ret;

	h.version = 1;
	h.entry_size = sizeof(struct measure_entry);
	north_lock(&mlock);
	h.count = nentries;
	h.dropped = ndropped;
	memcpy(h.aggregate, aggregate, 32);
	memcpy(snap, entries, nentries * sizeof(entries[0]));
	north_unlock(&mlock);
	memcpy(h.magic, "VTLGMLOG", 8);
	need = sizeof(h) + (uint64_t)h.count * sizeof(snap[0]);
	h.total_size = need;

	if (size > NORTH_COPY_MAX)
		size = NORTH_COPY_MAX;
	if (size < sizeof(h) && size)
		return -ENOSPC;
	if (size && !vtlp_may_write_for_vtl0(pa, MIN(size, need))) {
		log_warn("vtlp: GET_MEASUREMENTS target [%#llx, +%#llx) is VTL1 or protected "
			 "memory: refused", (unsigned long long)pa,
			 (unsigned long long)MIN(size, need));
		return -EACCES;
	}
	if (size < need) {
		if (size >= sizeof(h))
			north_copy_out(pa, &h, sizeof(h));
		return -ENOSPC;
	}
	ret = north_copy_out(pa, &h, sizeof(h));
	if (!ret)
		ret = north_copy_out(pa + sizeof(h), snap, (size_t)(need - sizeof(h)));
	return ret ? ret : (int64_t)need;
}
