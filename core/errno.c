// SPDX-License-Identifier: MIT
#include "core/compiler.h"
#include "core/errno.h"

static const struct {
	int err;
	const char *name;
} names[] = {
	{ EPERM, "EPERM" },     { ENOENT, "ENOENT" },   { EIO, "EIO" },
	{ E2BIG, "E2BIG" },     { EAGAIN, "EAGAIN" },   { ENOMEM, "ENOMEM" },
	{ EACCES, "EACCES" },   { EFAULT, "EFAULT" },   { EBUSY, "EBUSY" },
	{ EEXIST, "EEXIST" },   { ENODEV, "ENODEV" },   { EINVAL, "EINVAL" },
	{ ENOSPC, "ENOSPC" },   { ERANGE, "ERANGE" },   { ENOSYS, "ENOSYS" },
	{ ELOOP, "ELOOP" },     { ENODATA, "ENODATA" }, { ETIME, "ETIME" },
	{ EBADMSG, "EBADMSG" }, { EOVERFLOW, "EOVERFLOW" }, { EMSGSIZE, "EMSGSIZE" },
	{ EOPNOTSUPP, "EOPNOTSUPP" }, { ETIMEDOUT, "ETIMEDOUT" }, { ENOKEY, "ENOKEY" },
	{ EKEYEXPIRED, "EKEYEXPIRED" }, { EKEYREVOKED, "EKEYREVOKED" },
	{ EKEYREJECTED, "EKEYREJECTED" },
};

const char *errno_name(int err)
{
	if (err < 0)
		err = -err;
	for (unsigned i = 0; i < ARRAY_SIZE(names); i++)
		if (names[i].err == err)
			return names[i].name;
	return "E?";
}
