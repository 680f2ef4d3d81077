/*
 * sf.h: everything a program or a libsf module includes, in one place,
 * with the banned functions last.
 */
#ifndef SF_H
#define SF_H

#include "sf_buf.h"
#include "sf_err.h"
#include "sf_mem.h"
#include "sf_rec.h"
#include "sf_str.h"
#include "sf_time.h"

/* The build passes SF_VERSION, config.mk's VERSION: one place. */
#ifndef SF_VERSION
#error "SF_VERSION is not defined: build with make (config.mk VERSION)"
#endif

#include "sf_banned.h"

#endif
