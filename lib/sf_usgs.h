/*
 * sf_usgs: push parsers for the USGS's responses, into sf records.
 *
 * One parser object reads one response body in one format: the Water
 * Data OGC API's items pages (GeoJSON FeatureCollections of the daily,
 * continuous and monitoring-locations collections), the legacy NWIS RDB
 * (dv, iv and the site service). The
 * caller feeds the body as it arrives, split anywhere, and gets each obs
 * or station record through its emit callback as soon as the feature,
 * row or value holding it is complete. Memory is bounded by one feature
 * or one line (at most SF_JSONPUSH_MAXTOK per JSON string,
 * SF_USGS_MAXLINE per RDB line), never by the size of the body; geometry
 * and unknown properties are skipped without being stored.
 *
 * What comes out (DESIGN.md, "Record streams"):
 *   obs: config as given, station without its "USGS-" prefix, agency
 *   "USGS", type daily_mean (DAILY, RDB_DV) or realtime_15min
 *   (CONTINUOUS, RDB_IV), observed_at in UTC (a daily value's
 *   calendar day at T00:00:00Z, not shifted; an iv RDB time is read in
 *   its row's tz_cd, so the repeated fall-back hour comes out right),
 *   discharge as the agency wrote it (null when missing), unit "cfs",
 *   quality_code the approval (Approved A, Provisional P, else the word)
 *   then the qualifiers, joined with ':' ("P:ICE"), NULL when neither.
 *   station: from LOCATIONS and RDB_SITE.
 *
 * Decisions where the contract is silent:
 *   - Only discharge is taken: parameter 00060, and statistic 00003 for
 *     daily values. A feature of another parameter or statistic, or an
 *     RDB block without such a column, is skipped and counted in stats.skipped, so a gage height never becomes a
 *     discharge. A 00060 feature whose unit_of_measure is not cubic feet
 *     per second (ft^3/s, ft3/s, cfs) is an error; without a
 *     parameter_code the unit alone decides (another unit is skipped).
 *   - Missing values: an RDB word ("Ice", "Eqp", "***") gives null with
 *     the word after the code ("P:Ice"); an empty RDB cell with a code
 *     gives null with that code; an empty cell with no code is no
 *     observation (skipped); -999999 (NWIS) is null. A Water Data value
 *     null or "" is null; any other value that is not a number is an
 *     error ("feature 12: value 'abc': not a number").
 *   - Station records are for USGS sites only: a monitoring location or
 *     site row of another agency (agency_code "AL012") is skipped and
 *     counted, as DESIGN's station agencies are USGS and EC.
 *   - state is the postal code ("CT"), mapped from the FIPS state_code
 *     ("09"); an unknown code gives NULL. utc_offset is the standard-time
 *     offset of time_zone_abbreviation / tz_cd ("EST" gives "-05:00"),
 *     NULL when unknown; uses_dst "true"/"false" from "Y"/"N", else NULL.
 *     A station's number field that does not parse is NULL: the catalog
 *     is descriptive, and a bad drainage area must not lose the station.
 *   - One observation per time: RDB_IV reads the first column named
 *     <TSID>_00060, RDB_DV the first <TSID>_00060_00003 (the old form
 *     01_00060_00003 included).
 *   - An RDB body with no data block (empty, comments only, "No
 *     sites/data found ...") is no records and no error; an HTML page is
 *     an error, in RDB and in JSON.
 *
 * Errors name the subject: "feature 12: ...", "line 40: tz_cd: zone 'XST':
 * unknown", "byte 3042: unexpected ']',
 * expected a value"; the caller adds the page, the URL or the stations.
 * A body cut at a line end is a complete RDB body: truncation must be
 * caught by the transfer (Content-Length, chunked encoding).
 */
#ifndef SF_USGS_H
#define SF_USGS_H

#include <stddef.h>

#include "sf_buf.h"
#include "sf_err.h"
#include "sf_rec.h"

/* The longest RDB line accepted; longer is an error. */
#define SF_USGS_MAXLINE (64 * 1024)

enum sf_usgs_fmt {
	SF_USGS_DAILY,		/* ogcapi collections/daily/items */
	SF_USGS_CONTINUOUS,	/* ogcapi collections/continuous/items */
	SF_USGS_LOCATIONS,	/* ogcapi collections/monitoring-locations */
	SF_USGS_RDB_DV,		/* nwis/dv/?format=rdb */
	SF_USGS_RDB_IV,		/* nwis/iv/?format=rdb */
	SF_USGS_RDB_SITE	/* nwis/site/?format=rdb */
};

struct sf_usgs_stats {
	long items;		/* features, RDB data rows */
	long records;		/* records emitted */
	long skipped;		/* items giving no record */
	long long returned;	/* OGC numberReturned, -1 when absent */
	int nodata;		/* RDB: a "No sites/data found" answer */
};

struct sf_usgs;

/*
 * Returns a parser of format fmt; free with sf_usgs_free. config (may be
 * NULL) is copied into each obs record's config field. emit gets each
 * record, borrowed for the call; it returns 0 to go on, anything else to
 * stop: the feed then fails with err "WHERE: stopped by the caller".
 */
struct sf_usgs *sf_usgs_new(enum sf_usgs_fmt fmt, const char *config,
    int (*emit)(void *arg, const struct sf_rec *rec), void *arg);
void sf_usgs_free(struct sf_usgs *u);

/* Starts over for the next body (the next page), keeping the memory. */
void sf_usgs_reset(struct sf_usgs *u);

/*
 * Takes the next n bytes of the body. Returns 0, or -1 with err: bad
 * syntax, a value that cannot be read, an HTML page ("an HTML page, not
 * JSON" / "line 1: an HTML page, not RDB"), the caller's stop. After -1
 * the body is done for: later calls return -1.
 */
int sf_usgs_feed(struct sf_usgs *u, const void *p, size_t n,
    struct sf_err *err);

/*
 * Says the body is complete (the RDB's last line may lack its line end).
 * Returns 0, or -1 with err: the body ends early, an OGC body that is no
 * FeatureCollection ("not a FeatureCollection: CODE: DESCRIPTION" when it
 * is an API error), an earlier failure. An RDB body with no data block
 * (comments only, empty, "No sites/data found") is 0 records, not an
 * error.
 */
int sf_usgs_end(struct sf_usgs *u, struct sf_err *err);

/*
 * The href of the page's first links entry with rel "next", verbatim,
 * once sf_usgs_end has returned 0; NULL before, after a failure, when
 * there is none (the last page) and for the NWIS formats. Borrowed until
 * sf_usgs_reset or sf_usgs_free.
 */
const char *sf_usgs_next(const struct sf_usgs *u);

/*
 * The link sf_usgs_next will give for an OGC body, read from its last n
 * bytes (tail) alone, before the body is parsed: tail must hold the
 * body's last "numberReturned" and "links" members, which run from there
 * to its end. Returns 1 with the href of the first links entry with rel
 * "next" in next, when numberReturned is above 0 (an empty page has no
 * next page); else 0 (it cannot tell), next empty.
 */
int sf_usgs_peek_next(const char *tail, size_t n, struct sf_buf *next);

/* Copies the counts of the current body into *st. */
void sf_usgs_stats(const struct sf_usgs *u, struct sf_usgs_stats *st);

/* The bytes the parser holds now, for tests that memory stays flat. */
size_t sf_usgs_mem(const struct sf_usgs *u);

/*
 * The collection of an OGC format ("daily", "continuous",
 * "monitoring-locations"), NULL for the NWIS formats.
 */
const char *sf_usgs_collection(enum sf_usgs_fmt fmt);

/*
 * A one-line message from an error body (a 4xx or 5xx answer's, n bytes
 * at body, not NUL-terminated), into buf of size len:
 *   {"code":C,"description":D}            "C: D"
 *   {"error":{"code":C,"message":M}}      "C: M"
 *   an HTML page                          its <title>, else "an HTML page"
 *   anything else                         its first non-blank line
 * Control characters become spaces; long messages are cut (with "...").
 * Returns buf, "" when the body says nothing.
 */
char *sf_usgs_error_message(const void *body, size_t n, char *buf,
    size_t len);

/*
 * The postal code of a state or territory FIPS code ("09" gives "CT",
 * "72" "PR"), or NULL; sf_usgs_state_fips is the reverse ("ct" gives
 * "09"). Static strings.
 */
const char *sf_usgs_state_postal(const char *fips);
const char *sf_usgs_state_fips(const char *postal);

/*
 * The offset from UTC, in seconds, of a USGS time-zone code: those of
 * sf_time_zone and also AST, ADT (Puerto Rico, Virgin Islands), ChST
 * (Guam) and SST (Samoa). Returns 0, or -1 with err "zone 'Z': unknown".
 */
int sf_usgs_zone(const char *code, int *offset, struct sf_err *err);

#endif
