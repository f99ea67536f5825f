/* SPDX-License-Identifier: MIT */
/* Old names for core/fmt.h; tests/vtl0 still uses them. */
#ifndef HVSIM_FMT_H
#define HVSIM_FMT_H

#include "core/fmt.h"

#define hv_vsnprintf vsnprintk
#define hv_snprintf  snprintk

#endif
