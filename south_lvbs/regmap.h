/* SPDX-License-Identifier: MIT */
/*
 * Translation between the North layer's hypervisor-neutral names and
 * Hyper-V's: VTL0 registers, intercept classes and protection flags, and the
 * decoding of SynIC intercept messages into North events.  Pure functions,
 * unit-tested on the host and fuzzed with hostile messages.
 */
#ifndef SOUTH_LVBS_REGMAP_H
#define SOUTH_LVBS_REGMAP_H

#include <hv/tlfs.h>
#include <stdbool.h>
#include <stdint.h>
#include "north/south.h"

/* HV_X64_REGISTER_* for a North register, 0 when Hyper-V has none. */
uint32_t lvbs_hv_reg(enum north_reg reg);
/* North register for an HV register name, NORTH_REG_NONE when unknown. */
enum north_reg lvbs_north_reg(uint32_t hv_name);
/* North register for an MSR number, NORTH_REG_NONE when not interceptable. */
enum north_reg lvbs_north_reg_of_msr(uint32_t msr);
/* How a register's 128-bit Hyper-V value encodes it. */
bool lvbs_reg_is_table(enum north_reg reg);   /* GDTR, IDTR */
bool lvbs_reg_is_segment(enum north_reg reg); /* LDTR, TR */
void lvbs_reg_to_hv(enum north_reg reg, const struct north_reg_val *v, struct hv_u128 *out);
void lvbs_reg_from_hv(enum north_reg reg, const struct hv_u128 *in, struct north_reg_val *v);

/* CrInterceptControl bits for a set of NORTH_ICPT() classes; -EINVAL in
 * *err for classes Hyper-V cannot intercept. */
uint64_t lvbs_cr_intercept_control(uint64_t classes, int *err);

/* PendingEvent0 value that injects exception `vector` (error code optional). */
uint64_t lvbs_pending_exception(uint8_t vector, bool has_error_code, uint32_t error_code);

/*
 * Decode one SynIC message into a North event for VP `vp` (the VP whose
 * SIM page it came from).  Returns 0 and fills *ev; -EBADMSG for a message
 * that is malformed (payload too short, VP index not ours, impossible
 * instruction length, unknown register); -ENOENT for a type vtlguard does
 * not handle.  *why explains a failure.
 */
int lvbs_decode_message(const struct hv_message *m, unsigned int vp, struct north_event *ev,
			const char **why);

#endif
