// SPDX-License-Identifier: MIT
/* Log ring, measurement log, violation rate limiting. */
#include <bearssl.h>
#include <string.h>

#include "core/log.h"
#include "tests/vtl_protect/vtlp_test.h"

#define RA VSM_VTL_CALL_FUNC_ID_ALLOCATE_RINGBUFFER_MEMORY
#define GM VTLGUARD_CALL_GET_MEASUREMENTS

int vt_policy_blob(void *buf, size_t size, const char *audit_class, const char *action,
		   uint32_t rate);

struct ring_hdr_t {
	char magic[8];
	uint32_t version, header_size;
	uint64_t data_size, head, records, lost, reserved[2];
};

TEST(vtlp_ring_is_read_only_and_receives_lines)
{
	struct ring_hdr_t h;
	const uint8_t *rec;
	int found = 0;

	vt_setup();
	CHECK_EQ_INT(vt_call(RA, T_RING, 0x2000, 0), 0);
	/* Readable and nothing else: not KX, and not even the UX that "R"
	 * carries for VTL0's own read-only data (docs/policy.md). */
	CHECK_EQ(fake_perm(T_RING), SOUTH_PROT_R);
	CHECK_EQ(fake_perm(T_RING + 0x1000), SOUTH_PROT_R);
	log_warn("hello ring %d", 42);
	memcpy(&h, fake_ram(T_RING), sizeof(h));
	CHECK_MEM(h.magic, "VTLGRING", 8);
	CHECK_EQ(h.version, 1);
	CHECK_EQ(h.header_size, 64);
	CHECK_EQ(h.reserved[0] | h.reserved[1], 0);
	CHECK_EQ(h.data_size, 0x2000 - 64);
	CHECK(h.records >= 2); /* "log ring at ..." and our line */
	rec = fake_ram(T_RING + 64);
	for (uint64_t off = 0; off < h.head; off += *(const uint16_t *)(rec + off)) {
		CHECK(*(const uint16_t *)(rec + off) % 8 == 0);
		if (strstr((const char *)rec + off + 24, "hello ring 42"))
			found++;
	}
	CHECK_EQ(found, 1);
	/* VTL0 may not re-protect it, nor ask VTL1 to write there. */
	CHECK_EQ_INT(vt_protect(T_RING, T_RING + 0x1000, HEKI_ATTR_MEM_R | HEKI_ATTR_MEM_W),
		     -EACCES);
	CHECK_EQ_INT(vt_call(GM, T_RING, 0x1000, 0), -EACCES);
	CHECK_EQ_INT(vt_call(RA, T_RING + 0x10000, 0x1000, 0), -EBUSY);
}

TEST(vtlp_ring_rejections)
{
	vt_setup();
	CHECK_EQ_INT(vt_call(RA, T_RING + 8, 0x1000, 0), -EINVAL);
	CHECK_EQ_INT(vt_call(RA, T_RING, 0x1800, 0), -EINVAL);
	CHECK_EQ_INT(vt_call(RA, T_RING, 0, 0), -EINVAL);
	CHECK_EQ_INT(vt_call(RA, T_RING, 32u << 20, 0), -E2BIG);
	CHECK_EQ_INT(vt_call(RA, FAKE_VTL1_START, 0x1000, 0), -EFAULT);
	CHECK_EQ_INT(vt_call(RA, 0xFFFFFFFFFFFFF000ull, 0x2000, 0), -EINVAL);
	CHECK_EQ_INT(vt_protect(T_TEXT, T_TEXT + 0x1000, HEKI_ATTR_MEM_R), 0);
	CHECK_EQ_INT(vt_call(RA, T_TEXT, 0x1000, 0), -EACCES);
	CHECK_EQ(fake_perm(T_RING), SOUTH_PROT_ALL);
}

TEST(vtlp_ring_wraps)
{
	struct ring_hdr_t h;
	char msg[100];

	vt_setup();
	CHECK_EQ_INT(vt_call(RA, T_RING, 0x1000, 0), 0);
	memset(msg, 'x', sizeof(msg) - 1);
	msg[sizeof(msg) - 1] = 0;
	for (int i = 0; i < 200; i++)
		log_warn("%d %s", i, msg);
	memcpy(&h, fake_ram(T_RING), sizeof(h));
	CHECK(h.head > 4 * h.data_size);
	CHECK_EQ(h.lost, 0);
	/* The newest record is intact at its offset. */
	{
		uint64_t pos = 0, last = 0;
		const uint8_t *d = fake_ram(T_RING + 64);

		/* Walk from the start of the data area to find the last record. */
		while (pos < h.data_size && *(const uint16_t *)(d + pos) >= 24) {
			if (d[pos + 2] == 1)
				last = pos;
			pos += *(const uint16_t *)(d + pos);
			if (pos == h.head % h.data_size)
				break;
		}
		CHECK(strstr((const char *)d + last + 24, "199 xxx") != NULL);
	}
}

struct mhdr {
	char magic[8];
	uint32_t version, entry_size, count, dropped;
	uint64_t total_size;
	uint8_t aggregate[32];
};
struct mentry {
	uint32_t type, reserved;
	uint64_t arg0, arg1;
	uint8_t digest[32];
};

TEST(vtlp_measurement_log_replays)
{
	struct mhdr h;
	uint8_t agg[32] = { 0 }, cur[32];
	int64_t n;

	vt_setup();
	CHECK_EQ_INT(vt_protect(T_TEXT, T_TEXT + 0x1000, HEKI_ATTR_MEM_R | HEKI_ATTR_MEM_X), 0);
	CHECK_EQ_INT(vt_call(VSM_VTL_CALL_FUNC_ID_LOCK_REGS, 0, 0, 0), 0);
	CHECK_EQ_INT(vt_call(GM, T_BUF, 0, 0), -ENOSPC);
	CHECK_EQ_INT(vt_call(GM, T_BUF, 64, 0), -ENOSPC);
	memcpy(&h, fake_ram(T_BUF), sizeof(h));
	CHECK_MEM(h.magic, "VTLGMLOG", 8);
	CHECK_EQ(h.count, 3); /* policy, protect, lock-regs */
	n = vt_call(GM, T_BUF, 0x10000, 0);
	CHECK_EQ_INT(n, (int64_t)h.total_size);
	CHECK_EQ(h.total_size, sizeof(h) + 3 * sizeof(struct mentry));
	CHECK_EQ(h.entry_size, sizeof(struct mentry));
	CHECK_EQ(h.version, 1);
	CHECK_EQ(h.dropped, 0);
	for (uint32_t i = 0; i < h.count; i++) {
		br_sha256_context c;

		br_sha256_init(&c);
		br_sha256_update(&c, agg, 32);
		br_sha256_update(&c, fake_ram(T_BUF + sizeof(h) + i * sizeof(struct mentry)),
				 sizeof(struct mentry));
		br_sha256_out(&c, agg);
	}
	CHECK_MEM(agg, h.aggregate, 32);
	vtlp_measure_aggregate(cur);
	CHECK_MEM(agg, cur, 32);
	CHECK_EQ(((struct mentry *)fake_ram(T_BUF + sizeof(h)))->type, VTLP_MEASURE_POLICY);
	CHECK_EQ(((struct mentry *)fake_ram(T_BUF + sizeof(h)) + 1)->type, VTLP_MEASURE_PROTECT);
	/* Not into protected or VTL1 memory. */
	CHECK_EQ_INT(vt_call(GM, T_TEXT, 0x1000, 0), -EACCES);
	CHECK_EQ_INT(vt_call(GM, FAKE_VTL1_START, 0x1000, 0), -EACCES);
}

TEST(vtlp_violation_reports_are_rate_limited)
{
	static uint8_t blob[4096];
	uint64_t cr4;

	CHECK_EQ_INT(vt_policy_blob(blob, sizeof(blob), NULL, "gp-report", 2), 0);
	CHECK_EQ_INT(vt_setup_policy(blob, sizeof(blob)), 0);
	cr4 = fake_south.vp[0].regs[NORTH_REG_CR4].value;
	CHECK_EQ_INT(vt_call(VSM_VTL_CALL_FUNC_ID_LOCK_REGS, 0, 0, 0), 0);
	for (int i = 0; i < 5; i++)
		fake_push_reg(0, NORTH_REG_CR4, 0, 0x1000, 3);
	CHECK_EQ_INT(vtlp_serve(), -ENODATA);
	CHECK_EQ(vtlp_violation_count(VTLP_CLASS_CR), 5);
	CHECK_EQ(vt_lines("VIOLATION"), 2);
	CHECK_EQ(fake_south.vp[0].gp_injected, 5); /* every one refused */
	fake_south.now += 1000000000ull;
	fake_push_reg(0, NORTH_REG_CR4, cr4 & ~(1ull << 20), 0x1000, 3);
	CHECK_EQ_INT(vtlp_serve(), -ENODATA);
	CHECK_EQ(vt_lines("VIOLATION"), 3);
	CHECK_EQ(vt_lines("3 cr violation reports were rate-limited"), 1);
	vtlp_log_summary();
	CHECK_EQ(vt_lines("mem-exec=0 cr=6 msr=0 descriptor-table=0 bad-call=0"), 1);
}

/* A flood of one class cannot hide a refusal at another address (issue 19). */
TEST(vtlp_first_refusal_per_address_beats_the_rate_limit)
{
	static uint8_t blob[4096];

	CHECK_EQ_INT(vt_policy_blob(blob, sizeof(blob), NULL, "gp-report", 2), 0);
	CHECK_EQ_INT(vt_setup_policy(blob, sizeof(blob)), 0);
	CHECK_EQ_INT(vt_call(VSM_VTL_CALL_FUNC_ID_LOCK_REGS, 0, 0, 0), 0);
	for (int i = 0; i < 20; i++) /* the flood: one register, one second */
		fake_push_reg(0, NORTH_REG_CR4, 0, 0x1000, 3);
	fake_push_reg(0, NORTH_REG_CR0, 0, 0x2000, 3); /* the attack */
	CHECK_EQ_INT(vtlp_serve(), -ENODATA);
	CHECK_EQ(vtlp_violation_count(VTLP_CLASS_CR), 21);
	CHECK_EQ(vt_lines("VIOLATION"), 3);
	CHECK_EQ(vt_lines("reg=CR0"), 1);
	/* a second refusal at the same address is rate-limited again */
	fake_push_reg(0, NORTH_REG_CR0, 0, 0x2000, 3);
	CHECK_EQ_INT(vtlp_serve(), -ENODATA);
	CHECK_EQ(vt_lines("reg=CR0"), 1);
}

TEST(vtlp_violation_action_gp_is_silent)
{
	static uint8_t blob[4096];

	CHECK_EQ_INT(vt_policy_blob(blob, sizeof(blob), NULL, "gp", 10), 0);
	CHECK_EQ_INT(vt_setup_policy(blob, sizeof(blob)), 0);
	CHECK_EQ_INT(vt_call(VSM_VTL_CALL_FUNC_ID_LOCK_REGS, 0, 0, 0), 0);
	fake_push_reg(0, NORTH_REG_IDTR, 0, 0x1000, 3);
	CHECK_EQ_INT(vtlp_serve(), -ENODATA);
	CHECK_EQ(vtlp_violation_count(VTLP_CLASS_DT), 1);
	CHECK_EQ(fake_south.vp[0].gp_injected, 1);
	CHECK_EQ(vt_lines("VIOLATION"), 0);
}

TEST(vtlp_get_violations_reports_counts_and_records)
{
	const uint8_t *p = fake_ram(T_BUF);
	uint64_t total, cr, bad;
	uint32_t nrec, recsz;

	vt_setup();
	CHECK_EQ_INT(vt_call(VSM_VTL_CALL_FUNC_ID_LOCK_REGS, 0, 0, 0), 0);
	for (int i = 0; i < 3; i++)
		fake_push_reg(0, NORTH_REG_CR4, 0, 0x1000 + i, 3);
	CHECK_EQ_INT(vtlp_serve(), -ENODATA);
	CHECK_EQ_INT(vt_call(0x1ffdf, 7, 0, 0), -EINVAL); /* one bad call */

	CHECK_EQ_INT(vt_call(VTLGUARD_CALL_GET_VIOLATIONS, T_BUF, 4096, 0), 96 + 4 * 112);
	CHECK_MEM(p, "VTLGVIOL", 8);
	memcpy(&recsz, p + 12, 4);
	memcpy(&nrec, p + 20, 4);
	memcpy(&total, p + 24, 8);
	memcpy(&cr, p + 32 + 8 * VTLP_CLASS_CR, 8);
	memcpy(&bad, p + 32 + 8 * VTLP_CLASS_BAD_CALL, 8);
	CHECK_EQ(recsz, 112);
	CHECK_EQ(nrec, 4);
	CHECK_EQ(cr, 3);
	CHECK_EQ(bad, 1);
	CHECK_EQ(total, 4);
	/* The last record is the bad call, with its rule. */
	CHECK_EQ(*(const uint32_t *)(const void *)(p + 96 + 3 * 112 + 16), VTLP_CLASS_BAD_CALL);
	CHECK(strstr((const char *)p + 96 + 3 * 112 + 72, "unknown") != NULL);

	/* A short buffer gets the header and the newest records that fit. */
	CHECK_EQ_INT(vt_call(VTLGUARD_CALL_GET_VIOLATIONS, T_BUF, 96 + 112 + 5, 0), 96 + 112);
	memcpy(&nrec, p + 20, 4);
	CHECK_EQ(nrec, 1);
	/* Refusals: too small, VTL1 memory, protected memory. */
	CHECK_EQ_INT(vt_call(VTLGUARD_CALL_GET_VIOLATIONS, T_BUF, 95, 0), -ENOSPC);
	CHECK_EQ_INT(vt_call(VTLGUARD_CALL_GET_VIOLATIONS, 0x800000, 4096, 0), -EACCES);
	CHECK_EQ_INT(vt_protect(T_TEXT, T_TEXT + 0x1000, HEKI_ATTR_MEM_R | HEKI_ATTR_MEM_X), 0);
	CHECK_EQ_INT(vt_call(VTLGUARD_CALL_GET_VIOLATIONS, T_TEXT, 4096, 0), -EACCES);
	vt_teardown();
}
