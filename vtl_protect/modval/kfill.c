// SPDX-License-Identifier: MIT
/* struct modelf_kernel from symbol names (see kfill.h). */
#include <stddef.h>
#include <string.h>

#include "core/errno.h"
#include "core/log.h"
#include "vtl_protect/modval/kfill.h"

/*
 * Per field: the names to try, in order.  __x86_indirect_thunk_array is a
 * local label in most configs; its first thunk (rax) is what 6.1/6.12
 * export, and the array starts there.
 */
static const struct {
	const char *field;
	size_t off;
	const char *names[2];
} fields[MODVAL_KERNEL_NFIELDS] = {
	{ "return_thunk", offsetof(struct modelf_kernel, return_thunk),
	  { "__x86_return_thunk", NULL } },
	{ "its_return_thunk", offsetof(struct modelf_kernel, its_return_thunk),
	  { "its_return_thunk", NULL } },
	{ "indirect_thunk_array", offsetof(struct modelf_kernel, indirect_thunk_array),
	  { "__x86_indirect_thunk_array", "__x86_indirect_thunk_rax" } },
	{ "its_thunk_array", offsetof(struct modelf_kernel, its_thunk_array),
	  { "__x86_indirect_its_thunk_array", "__x86_indirect_its_thunk_rax" } },
	{ "call_depth_thunks", offsetof(struct modelf_kernel, call_depth_thunks),
	  { NULL, NULL } }, /* a range: no single symbol gives both ends */
	{ "pv_nop", offsetof(struct modelf_kernel, pv_nop), { "_paravirt_nop", NULL } },
	{ "pv_bug", offsetof(struct modelf_kernel, pv_bug), { "paravirt_BUG", NULL } },
};

const char *modval_kernel_field(struct modelf_kernel *k, unsigned int i, uint64_t **slot)
{
	if (i >= MODVAL_KERNEL_NFIELDS)
		return NULL;
	*slot = (uint64_t *)(void *)((uint8_t *)k + fields[i].off);
	return fields[i].field;
}

int modval_kernel_fill(struct modelf_kernel *k, modelf_resolve_fn look, void *ctx)
{
	int found = 0;

	for (unsigned int i = 0; i < MODVAL_KERNEL_NFIELDS; i++) {
		uint64_t *slot, va = 0;

		(void)modval_kernel_field(k, i, &slot);
		*slot = 0;
		for (unsigned int n = 0; n < 2 && fields[i].names[n]; n++) {
			if (look(ctx, fields[i].names[n], &va) == 0 && va) {
				*slot = va;
				found++;
				break;
			}
		}
	}
	return found;
}

int modval_kernel_vet(struct modelf_kernel *k)
{
	int dropped = 0;

	for (unsigned int i = 0; i < MODVAL_KERNEL_NFIELDS; i++) {
		uint64_t *slot;
		const char *name = modval_kernel_field(k, i, &slot);

		/* call_depth_thunks is [lo, hi): both ends in text, lo < hi */
		if (i == 4) {
			if ((slot[0] || slot[1]) &&
			    (slot[0] >= slot[1] || !k->is_kernel_text ||
			     !k->is_kernel_text(k->ctx, slot[0]) ||
			     !k->is_kernel_text(k->ctx, slot[1] - 1))) {
				log_warn("modval: kernel target %s [%#llx, %#llx) is not kernel "
					 "text: dropped, sites branching there will be refused",
					 name, (unsigned long long)slot[0],
					 (unsigned long long)slot[1]);
				slot[0] = slot[1] = 0;
				dropped++;
			}
			continue;
		}
		if (*slot && (!k->is_kernel_text || !k->is_kernel_text(k->ctx, *slot))) {
			log_warn("modval: kernel target %s %#llx is not kernel text: dropped, "
				 "sites branching there will be refused", name,
				 (unsigned long long)*slot);
			*slot = 0;
			dropped++;
		}
	}
	return dropped;
}
