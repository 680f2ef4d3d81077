/*
 * sf_usgsfetch: how sf-fetch-usgs cuts its requests for the USGS
 * services: the time windows of a batch of stations, and the URLs that ask
 * for them, of the Water Data OGC API (the default) or of the legacy NWIS
 * web services.
 *
 * Daily means are asked in one window per batch; 15-minute values in
 * windows of SF_USGSFETCH_WINDOW seconds at most, cut from the batch's start
 * so they neither overlap nor leave a gap: window k is [start + k *
 * WINDOW, start + (k+1) * WINDOW - 1], the last one ending at the batch's
 * end. A batch's URL stays under SF_USGSFETCH_URL_MAX bytes (the API
 * refuses about 8,000).
 *
 * Nothing here does I/O; everything is in UTC seconds (sf_time).
 */
#ifndef SF_USGSFETCH_H
#define SF_USGSFETCH_H

#include <stddef.h>
#include <stdint.h>

#include "sf_buf.h"

#define SF_USGSFETCH_URL_MAX	7500		/* bytes in a request's URL */
#define SF_USGSFETCH_PAGE_LIMIT	"50000"		/* rows per page asked */
#define SF_USGSFETCH_PAGE_ROWS	50000		/* the same, a number */
#define SF_USGSFETCH_WINDOW	(365LL * 86400)	/* continuous: a year */

/*
 * The properties asked of the daily and continuous collections: those
 * sf_usgs reads and sf stores, nothing more (half the bytes of a whole
 * feature). parameter_code and statistic_id are left out: the query
 * already pins them.
 */
#define SF_USGSFETCH_PROPERTIES "monitoring_location_id,time,value," \
	"unit_of_measure,approval_status,qualifier"

enum sf_usgsfetch_kind {
	SF_USGSFETCH_DAILY,	/* daily means (daily, dv/) */
	SF_USGSFETCH_CONTINUOUS,	/* 15-minute values (continuous, iv/) */
	SF_USGSFETCH_LOCATIONS	/* the catalog (monitoring-locations, site/) */
};

/* What one request asks for; every pointer borrowed. */
struct sf_usgsfetch_query {
	enum sf_usgsfetch_kind kind;
	int nwis;		/* the NWIS services, not the OGC API */
	const char *const *stations;	/* USGS station numbers */
	size_t nstations;
	int64_t ws, we;		/* the window, both included */
	int revision;		/* only values modified at or after mod */
	int64_t mod;		/* (OGC API only) */
	const char *state;	/* LOCATIONS: a postal code or NULL */
	const char *huc;	/* LOCATIONS: a hydrologic unit or NULL */
	const char *site_type;	/* LOCATIONS: the site type code */
};

#define SF_USGSFETCH_DAILY_SLACK	(31LL * 86400)	/* starts this close share */
#define SF_USGSFETCH_CONT_SLACK	86400LL		/* the same, continuous */

/* One station's part of the work, as the caller normalised it. */
struct sf_usgsfetch_req {
	const char *config;	/* borrowed; may be NULL */
	const char *station;	/* borrowed */
	enum sf_usgsfetch_kind kind;	/* DAILY or CONTINUOUS */
	int revision;		/* asks only values modified since */
	int64_t start, end;	/* both included */
	size_t order;		/* the caller's index, kept through the sort */
	size_t group;		/* set by sf_usgsfetch_group */
};

/*
 * Sorts r by config, kind, revision, end, start and station, and numbers
 * the batches in r[i].group from 0. Consecutive requests may share a
 * batch when they have the same config, kind, revision and end and their
 * starts are within the kind's slack of the first (earliest) start: such
 * a run is cut into the fewest batches whose URLs (base_len bytes of base
 * URL) stay under SF_USGSFETCH_URL_MAX, or into more when that asks for
 * fewer pages of SF_USGSFETCH_PAGE_ROWS rows in all, counting every
 * station as holding every day (every 15 minutes) of the windows from the
 * run's start (a revision pass as a page per window: its rows are
 * unknown); of cuts asking for as few pages, the one with the fewest
 * batches, the stations shared out evenly in order. 500 stations x 366
 * daily means are two batches of 250, four pages. Returns the number of
 * batches.
 */
size_t sf_usgsfetch_group(struct sf_usgsfetch_req *r, size_t n,
    size_t base_len);

/*
 * The first window of a batch of kind from start to end (both included)
 * into *ws and *we: the whole range for daily means and the catalog, at
 * most SF_USGSFETCH_WINDOW seconds of 15-minute values.
 */
void sf_usgsfetch_first(enum sf_usgsfetch_kind kind, int64_t start,
    int64_t end, int64_t *ws, int64_t *we);

/*
 * Moves *ws and *we to the window after them, up to end. Returns 1, or 0
 * when the window was the last (*we at or after end; nothing changed).
 */
int sf_usgsfetch_next(enum sf_usgsfetch_kind kind, int64_t end, int64_t *ws,
    int64_t *we);

/*
 * Sets b to the URL asking base (checked, without its trailing slash) for
 * q, every value percent-encoded (sf_http_url_param):
 *   BASE/collections/daily/items?monitoring_location_id=USGS-A,USGS-B
 *       &parameter_code=00060&statistic_id=00003&time=DATE/DATE
 *       [&last_modified=INSTANT/..]&properties=SF_USGSFETCH_PROPERTIES
 *       &sortby=time&limit=50000&skipGeometry=true&f=json
 *   BASE/collections/continuous/items?... &time=INSTANT/INSTANT ...
 *   BASE/collections/monitoring-locations/items?agency_code=USGS
 *       [&state_code=FIPS][&hydrologic_unit_code=HUC]&site_type_code=T
 *       &limit=10000&f=json
 *   BASE/dv/?format=rdb&sites=A,B&parameterCd=00060&statCd=00003
 *       &startDT=DATE&endDT=DATE
 *   BASE/iv/?format=rdb&sites=A,B&parameterCd=00060
 *       &startDT=YYYY-MM-DDTHH:MMZ&endDT=YYYY-MM-DDTHH:MMZ
 *   BASE/site/?format=rdb[&stateCd=ST][&huc=HUC]&siteType=T
 *       &siteOutput=expanded
 */
void sf_usgsfetch_url(struct sf_buf *b, const char *base,
    const struct sf_usgsfetch_query *q);

#endif
