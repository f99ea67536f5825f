/* SPDX-License-Identifier: MIT */
#ifndef HVSIM_FWCFG_H
#define HVSIM_FWCFG_H
#include <stdbool.h>
#include <stdint.h>
bool fwcfg_present(void);
unsigned int fwcfg_nr_cpus(void);
int fwcfg_find(const char *name, uint16_t *key, uint32_t *size);
int fwcfg_read(uint16_t key, void *dst, uint32_t n);
#endif
