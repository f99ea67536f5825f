/* SPDX-License-Identifier: MIT */
/*
 * Error numbers.  vtlguard returns negative Linux errno values to VTL0, so the
 * numbers are Linux's x86_64 ones.  Host builds use the C library's <errno.h>,
 * which has the same values on Linux.
 */
#ifndef CORE_ERRNO_H
#define CORE_ERRNO_H

#if __STDC_HOSTED__
#include <errno.h>
#else
#define EPERM        1
#define ENOENT       2
#define EIO          5
#define E2BIG        7
#define EAGAIN       11
#define ENOMEM       12
#define EACCES       13
#define EFAULT       14
#define EBUSY        16
#define EEXIST       17
#define ENODEV       19
#define EINVAL       22
#define ENOSPC       28
#define ERANGE       34
#define ENOSYS       38
#define ELOOP        40
#define ENODATA      61
#define ETIME        62
#define EBADMSG      74
#define EOVERFLOW    75
#define EMSGSIZE     90
#define EOPNOTSUPP   95
#define ETIMEDOUT    110
#define ENOKEY       126
#define EKEYEXPIRED  127
#define EKEYREVOKED  128
#define EKEYREJECTED 129
#endif

const char *errno_name(int err); /* "EINVAL" for 22 or -22; "E?" if unknown */

#endif
