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

struct sf_buf;

/*
 * Returns 0 when code is a well-formed quality code, else -1 with err
 * "quality_code 'C': ..." saying what is wrong (an empty part, a control
 * character, too long). NULL is not a code: the caller decides on it.
 */
int sf_quality_check(const char *code, struct sf_err *err);

/*
 * Writes code, an agency's quality code ("USGS" or "EC"; another agency
 * maps the approval only), into out (reset first) in the one vocabulary
 * of sf(7): the approval "A" (A, Approved, Final) or "P" (P, Provisional),
 * then each qualifier mapped by the agency's table, case-insensitively
 * (USGS e/ESTIMATED -> e, Ice/ICE -> ice, Eqp/EQUIPMENT -> eqp, ...; EC
 * E -> e, B -> ice, A -> partial, D -> dry, R -> revised), a word not in
 * the table kept verbatim; a qualifier already there is not repeated.
 * An approval that is not one keeps its place, verbatim.
 */
void sf_quality_map(const char *agency, const char *code, struct sf_buf *out);

#endif
