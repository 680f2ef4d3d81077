/*
 * sf_id: station ids, checked against their agency's pattern.
 *
 * USGS station numbers are 8 to 15 digits ("01646500", "394220106431500").
 * Water Survey of Canada (EC) ids are 2 digits, 2 upper-case letters and 3
 * upper-case letters or digits ("05BH004", "08HDX03").
 */
#ifndef SF_ID_H
#define SF_ID_H

#include "sf_err.h"

/*
 * Returns 0 if id is a station id of agency ("USGS" or "EC", as written),
 * else -1 with err "station 'ID': not a USGS station number (8 to 15
 * digits)", its EC counterpart, or "agency 'A': unknown (USGS or EC)" (a
 * NULL agency reads as unknown). The id is shown cut to 32 bytes, with
 * '?' for each byte that is not printable ASCII.
 */
int sf_id_check(const char *agency, const char *id, struct sf_err *err);

/*
 * The agency whose pattern id fits: "USGS", "EC", or NULL for neither.
 * The string is static.
 */
const char *sf_id_agency_guess(const char *id);

#endif
