/*
 * sf_stsearch: searching the master station list (table master_stations)
 * by state, hydrologic unit code prefix, name substring, station id and
 * agency, as sf-stations does.
 *
 * The values of one filter are alternatives (OR); different filters must
 * all match (AND). Every value is bound, never written into the SQL.
 * Matches are handed to a callback one at a time, in order of station
 * number: nothing is collected, so memory stays flat.
 */
#ifndef SF_STSEARCH_H
#define SF_STSEARCH_H

#include <stddef.h>

#include "sf_db.h"
#include "sf_err.h"
#include "sf_rec.h"

enum sf_stsearch_filter {
	SF_STS_STATE,		/* state_code, case folded */
	SF_STS_HUC,		/* huc_code prefix; digits only */
	SF_STS_NAME,		/* substring of station_name, case folded */
	SF_STS_ID,		/* station_number */
	SF_STS_AGENCY,		/* USGS or EC */
	SF_STS_NFILTERS
};

/*
 * The search. v[k] holds the n[k] values of filter k (borrowed for the
 * call); n[k] == 0 means the filter is not used. A HUC value must be
 * digits only (it would otherwise be a GLOB pattern).
 */
struct sf_stsearch {
	const char *const *v[SF_STS_NFILTERS];
	size_t n[SF_STS_NFILTERS];

	/*
	 * Called with each station (borrowed: valid during the call).
	 * Returns 0, or -1 with err filled when it could not take it.
	 */
	int (*put)(void *arg, const struct sf_rec *rec, struct sf_err *err);
	/*
	 * Called for each station that could not be put: a row a station
	 * record cannot carry (uses_dst not 0 or 1), or put failed. station
	 * is the station number, msg says why. The search goes on.
	 */
	void (*bad)(void *arg, const char *station, const char *msg);
	void *arg;
};

/*
 * Runs s over db. *nput is set to how many stations were put, also on
 * failure. Returns 0 when every match was put; 1 when some were bad (see
 * s->bad); -1 when the database failed (err says how; the stations put
 * before stay put).
 */
int sf_stsearch_run(struct sf_db *db, const struct sf_stsearch *s,
    long *nput, struct sf_err *err);

#endif
