// SPDX-License-Identifier: MIT
/*
 * HV_STATUS -> negative errno and a readable name.  The errno choices follow
 * Linux's hv_result_to_errno() where it has one, so callers can treat "bad
 * input" (-EINVAL), "not allowed" (-EACCES), "no memory" (-ENOMEM) and
 * "already enabled" (-EEXIST) differently; everything else is -EIO.
 */
#include "core/compiler.h"
#include "core/errno.h"
#include "hv/hv.h"

struct hv_status_info {
	uint16_t status;
	int err;
	const char *name;
};

#define S(st, e) { HV_STATUS_##st, e, #st }
static const struct hv_status_info status_table[] = {
	S(SUCCESS, 0),
	S(INVALID_HYPERCALL_CODE, -EOPNOTSUPP),
	S(INVALID_HYPERCALL_INPUT, -EINVAL),
	S(INVALID_ALIGNMENT, -EINVAL),
	S(INVALID_PARAMETER, -EINVAL),
	S(ACCESS_DENIED, -EACCES),
	S(INVALID_PARTITION_STATE, -EIO),
	S(OPERATION_DENIED, -EACCES),
	S(UNKNOWN_PROPERTY, -EINVAL),
	S(PROPERTY_VALUE_OUT_OF_RANGE, -EINVAL),
	S(INSUFFICIENT_MEMORY, -ENOMEM),
	S(PARTITION_TOO_DEEP, -EIO),
	S(INVALID_PARTITION_ID, -EINVAL),
	S(INVALID_VP_INDEX, -EINVAL),
	S(NOT_FOUND, -ENOENT),
	S(INVALID_PORT_ID, -EINVAL),
	S(INVALID_CONNECTION_ID, -EINVAL),
	S(INSUFFICIENT_BUFFERS, -ENOSPC),
	S(NOT_ACKNOWLEDGED, -EIO),
	S(INVALID_VP_STATE, -EIO),
	S(ACKNOWLEDGED, -EIO),
	S(INVALID_SAVE_RESTORE_STATE, -EIO),
	S(INVALID_SYNIC_STATE, -EIO),
	S(OBJECT_IN_USE, -EBUSY),
	S(INVALID_PROXIMITY_DOMAIN_INFO, -EINVAL),
	S(NO_DATA, -ENODATA),
	S(INACTIVE, -EIO),
	S(NO_RESOURCES, -ENOSPC),
	S(FEATURE_UNAVAILABLE, -EOPNOTSUPP),
	S(PARTIAL_PACKET, -EIO),
	S(PROCESSOR_FEATURE_NOT_SUPPORTED, -EOPNOTSUPP),
	S(PROCESSOR_CACHE_LINE_FLUSH_SIZE_INCOMPATIBLE, -EIO),
	S(INSUFFICIENT_BUFFER, -ENOSPC),
	S(INCOMPATIBLE_PROCESSOR, -EOPNOTSUPP),
	S(INSUFFICIENT_DEVICE_DOMAINS, -ENOSPC),
	S(CPUID_FEATURE_VALIDATION_ERROR, -EIO),
	S(CPUID_XSAVE_FEATURE_VALIDATION_ERROR, -EIO),
	S(PROCESSOR_STARTUP_TIMEOUT, -ETIMEDOUT),
	S(SMX_ENABLED, -EIO),
	S(INVALID_LP_INDEX, -EINVAL),
	S(INVALID_REGISTER_VALUE, -EINVAL),
	S(INVALID_VTL_STATE, -EIO),
	S(NX_NOT_DETECTED, -EOPNOTSUPP),
	S(INVALID_DEVICE_ID, -EINVAL),
	S(INVALID_DEVICE_STATE, -EIO),
	S(PENDING_PAGE_REQUESTS, -EBUSY),
	S(PAGE_REQUEST_INVALID, -EINVAL),
	S(KEY_ALREADY_EXISTS, -EEXIST),
	S(DEVICE_ALREADY_IN_DOMAIN, -EEXIST),
	S(INVALID_CPU_GROUP_ID, -EINVAL),
	S(INVALID_CPU_GROUP_STATE, -EIO),
	S(OPERATION_FAILED, -EIO),
	S(NOT_ALLOWED_WITH_NESTED_VIRT_ACTIVE, -EOPNOTSUPP),
	S(INSUFFICIENT_ROOT_MEMORY, -ENOMEM),
	S(EVENT_BUFFER_ALREADY_FREED, -EIO),
	S(TIME_OUT, -ETIMEDOUT),
	S(CALL_PENDING, -EAGAIN),
	S(VTL_ALREADY_ENABLED, -EEXIST),
	S(UNKNOWN_REGISTER_NAME, -EINVAL),
};
#undef S

static const struct hv_status_info *lookup(uint16_t status)
{
	for (size_t i = 0; i < ARRAY_SIZE(status_table); i++)
		if (status_table[i].status == status)
			return &status_table[i];
	return NULL;
}

int hv_status_to_errno(uint16_t status)
{
	const struct hv_status_info *s = lookup(status);

	return s ? s->err : -EIO;
}

const char *hv_status_str(uint16_t status)
{
	const struct hv_status_info *s = lookup(status);

	return s ? s->name : "unknown";
}
