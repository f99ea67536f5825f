/* SPDX-License-Identifier: MIT */
#ifndef VTL_PROTECT_MODVAL_SELFTEST_H
#define VTL_PROTECT_MODVAL_SELFTEST_H

#include "vtl_protect/modval/trust.h"

/*
 * Known-answer test of signature validation in the running environment.
 * `scratch` is a trust store the test may use (it is left empty).  Returns 0,
 * or -EIO after logging what failed; callers should then refuse every
 * VALIDATE_MODULE / KEXEC_VALIDATE.
 */
int modval_selftest(struct modval_trust *scratch);

#endif
