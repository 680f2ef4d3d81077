/*
 * sf_quality: the quality_code of an observation, in the one vocabulary
 * of sf(7) ("Quality codes").
 *
 * A code is the approval first, then qualifiers, joined with ':' ("P",
 * "A:e", "P:ice:e"). Every part is non-empty and holds no control
 * character; the whole is at most SF_QUALITY_MAX bytes.
 */
#ifndef SF_QUALITY_H
#define SF_QUALITY_H

#include "sf_err.h"

#define SF_QUALITY_MAX 200

/*
 * Returns 0 when code is a well-formed quality code, else -1 with err
 * "quality_code 'C': ..." saying what is wrong (an empty part, a control
 * character, too long). NULL is not a code: the caller decides on it.
 */
int sf_quality_check(const char *code, struct sf_err *err);

#endif
