/*
 * fuzz_usgs: one USGS body through a parser of format fmt, whole and in
 * chunks (fuzz_usgs.c); fuzz_usgs_json and fuzz_usgs_rdb call it for
 * each format of their family.
 */
#ifndef FUZZ_USGS_H
#define FUZZ_USGS_H

#include <stddef.h>
#include <stdint.h>

#include "sf_usgs.h"

void fuzz_usgs(enum sf_usgs_fmt fmt, const uint8_t *data, size_t size);

#endif
