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

#define SF_VERSION "0.1.0"

#include "sf_banned.h"

#endif
