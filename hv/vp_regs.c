// SPDX-License-Identifier: MIT
/*
 * HvCallGetVpRegisters / HvCallSetVpRegisters with batching: callers pass any
 * number of registers; we send as many per rep call as fit in this CPU's
 * input and output pages and let hv_do_rep_hypercall() resume early returns.
 */
#include <string.h>
#include "core/compiler.h"
#include "core/errno.h"
#include "core/log.h"
#include "hv/hv.h"

__fastpath
static struct hv_io_pages *io_pages(const char *what)
{
	const struct hv_platform *p = hv_get_platform();
	struct hv_io_pages *io = p && p->io_pages ? p->io_pages() : NULL;

	if (!io || !io->in || !io->out)
		log_error("hv: %s without hypercall argument pages on this CPU (hv_init_cpu not run?)",
			  what);
	return io;
}

__fastpath
static int check_input_vtl(uint8_t input_vtl, const char *what)
{
	if (input_vtl & HV_INPUT_VTL_RESERVED_MASK) {
		log_error("hv: %s: input VTL 0x%x has reserved bits set", what, input_vtl);
		return -EINVAL;
	}
	return 0;
}

__fastpath
static void fill_header(void *page, uint32_t vp_index, uint8_t input_vtl)
{
	struct hv_input_get_set_vp_registers *h = page;

	memset(h, 0, sizeof(*h));
	h->partition_id = HV_PARTITION_ID_SELF;
	h->vp_index = vp_index;
	h->input_vtl = input_vtl;
}

__fastpath
int hv_get_vp_registers(uint32_t vp_index, uint8_t input_vtl, size_t count,
			const uint32_t *names, struct hv_u128 *values)
{
	struct hv_io_pages *io;
	size_t done = 0;
	int err = check_input_vtl(input_vtl, "GetVpRegisters");

	if (err)
		return err;
	if (count && (!names || !values))
		return -EINVAL;
	if (!count)
		return 0;
	io = io_pages("GetVpRegisters");
	if (!io || !io->in || !io->out)
		return -ENODEV;
	while (done < count) {
		size_t n = count - done;
		uint32_t *in_names = (uint32_t *)((uint8_t *)io->in +
						  sizeof(struct hv_input_get_set_vp_registers));
		unsigned int reps = 0;

		if (n > HV_GET_VP_REGISTERS_BATCH_MAX)
			n = HV_GET_VP_REGISTERS_BATCH_MAX;
		fill_header(io->in, vp_index, input_vtl);
		memcpy(in_names, names + done, n * sizeof(*names));
		err = hv_do_rep_hypercall(HVCALL_GET_VP_REGISTERS, 0, (unsigned int)n, io->in_gpa,
					  io->out_gpa, &reps);
		if (err) {
			log_error("hv: GetVpRegisters of register 0x%x (VP 0x%x, input VTL 0x%x) "
				  "failed: %d", reps < n ? names[done + reps] : 0, vp_index,
				  input_vtl, err);
			return err;
		}
		memcpy(values + done, io->out, n * sizeof(*values));
		done += n;
	}
	return 0;
}

__fastpath
int hv_set_vp_registers(uint32_t vp_index, uint8_t input_vtl, size_t count,
			const struct hv_register_assoc *regs)
{
	struct hv_io_pages *io;
	size_t done = 0;
	int err = check_input_vtl(input_vtl, "SetVpRegisters");

	if (err)
		return err;
	if (count && !regs)
		return -EINVAL;
	if (!count)
		return 0;
	io = io_pages("SetVpRegisters");
	if (!io || !io->in || !io->out)
		return -ENODEV;
	while (done < count) {
		size_t n = count - done;
		struct hv_register_assoc *in_regs =
			(struct hv_register_assoc *)((uint8_t *)io->in +
						     sizeof(struct hv_input_get_set_vp_registers));
		unsigned int reps = 0;

		if (n > HV_SET_VP_REGISTERS_BATCH_MAX)
			n = HV_SET_VP_REGISTERS_BATCH_MAX;
		fill_header(io->in, vp_index, input_vtl);
		for (size_t i = 0; i < n; i++) {
			/* Reserved bytes must be zero whatever the caller left there. */
			memset(&in_regs[i], 0, sizeof(in_regs[i]));
			in_regs[i].name = regs[done + i].name;
			in_regs[i].value = regs[done + i].value;
		}
		err = hv_do_rep_hypercall(HVCALL_SET_VP_REGISTERS, 0, (unsigned int)n, io->in_gpa,
					  0, &reps);
		if (err) {
			log_error("hv: SetVpRegisters of register 0x%x (VP 0x%x, input VTL 0x%x) "
				  "failed: %d", reps < n ? regs[done + reps].name : 0, vp_index,
				  input_vtl, err);
			return err;
		}
		done += n;
	}
	return 0;
}

int hv_get_vp_register(uint8_t input_vtl, uint32_t name, uint64_t *value)
{
	struct hv_u128 v;
	int err = hv_get_vp_registers(HV_VP_INDEX_SELF, input_vtl, 1, &name, &v);

	if (!err)
		*value = v.low_part;
	return err;
}

int hv_set_vp_register(uint8_t input_vtl, uint32_t name, uint64_t value)
{
	struct hv_register_assoc r;

	memset(&r, 0, sizeof(r));
	r.name = name;
	r.value.low_part = value;
	return hv_set_vp_registers(HV_VP_INDEX_SELF, input_vtl, 1, &r);
}
