// SPDX-License-Identifier: MIT
/* Host stand-ins for the few things the freestanding core gets from arch/. */
#include <stdio.h>
#include <stdlib.h>
#include "core/libc/libc.h"

void libc_fortify_fail(const char *what)
{
	fprintf(stderr, "fortify failure in %s\n", what);
	abort();
}
