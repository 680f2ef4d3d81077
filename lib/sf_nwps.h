/*
 * sf_nwps: responses of NOAA's National Water Prediction Service
 * (api.water.noaa.gov/nwps/v1) into forecast records and id mappings.
 *
 * Three endpoints:
 * - gauges/{lid}/stageflow/forecast, the official River Forecast Center
 *   forecast: {issuedTime, primaryUnits, secondaryUnits, data:[{validTime,
 *   primary, secondary}]}; stage is primary, flow secondary.
 * - reaches/{id}/streamflow?series=..., National Water Model guidance:
 *   {shortRange: {series: {referenceTime, units, data:[{validTime,
 *   flow}]}}}; medium and long range hold one such object per member
 *   ({mediumRange: {mean: {...}, member1: {...}, ...}}).
 * - gauges/{id}, a gauge's metadata: its lid, usgsId and reachId.
 *
 * Unlike the other parsers of libsf this one is not a streaming parser:
 * the bodies are small (a forecast is at most a few thousand points), so
 * the bytes are collected, as they arrive, into a buffer capped at a size
 * given at creation (SF_NWPS_MAX_BODY by default; a body above it is an
 * error, never a silent cut), and parsed whole with jansson when the body
 * is complete. Memory is the body plus its jansson tree.
 *
 * Values the service marks as missing (any number <= -999: both -999 and
 * -9999 occur, sometimes in one response) are NULL in the records.
 */
#ifndef SF_NWPS_H
#define SF_NWPS_H

#include <stddef.h>

#include "sf_err.h"
#include "sf_rec.h"
#include "sf_time.h"

/* The default cap on a body, in bytes: 16 MiB. */
#define SF_NWPS_MAX_BODY ((size_t)16 * 1024 * 1024)

/* Longest id (lid, usgsId, reachId) sf_nwps_gauge takes, in bytes. */
#define SF_NWPS_ID_MAX 64	/* SF_MAP_ID_MAX: sf_nwps.c checks they agree */

/* The forecast series; the order of the table in sf_nwps.c. */
enum sf_nwps_series {
	SF_NWPS_RFC,			/* gauges/{lid}/stageflow/forecast */
	SF_NWPS_SHORT_RANGE,		/* reaches/{id}/streamflow?series= */
	SF_NWPS_MEDIUM_RANGE,
	SF_NWPS_MEDIUM_RANGE_BLEND,
	SF_NWPS_LONG_RANGE,
	SF_NWPS_NSERIES
};

/*
 * The series named s: "rfc", "short_range", "medium_range",
 * "medium_range_blend" or "long_range" (case-sensitive). Returns 0, or -1
 * with err "series 'S': unknown (rfc, short_range, ...)".
 */
int sf_nwps_series_parse(const char *s, enum sf_nwps_series *out,
    struct sf_err *err);
/* The name of s as sf_nwps_series_parse takes it ("short_range"). */
const char *sf_nwps_series_name(enum sf_nwps_series s);
/*
 * The forecast records' source for s: NOAA_RFC, NWM_SHORT_RANGE,
 * NWM_MEDIUM_RANGE, NWM_MEDIUM_RANGE_BLEND, NWM_LONG_RANGE.
 */
const char *sf_nwps_series_source(enum sf_nwps_series s);

/*
 * One response body being received. Create one per request (or reuse it
 * after sf_nwps_reset); feed it the bytes of the body as they arrive, in
 * any split; when the body is complete, read it with sf_nwps_forecast,
 * sf_nwps_gauge or (for a failed request) sf_nwps_error_message.
 */
struct sf_nwps;

/* cap is the largest body taken, in bytes; 0 is SF_NWPS_MAX_BODY. */
struct sf_nwps *sf_nwps_new(size_t cap);
void sf_nwps_free(struct sf_nwps *p);
/* Empties p for the next body, keeping its memory. */
void sf_nwps_reset(struct sf_nwps *p);

/*
 * Appends the n bytes at buf to the body. Returns 0, or -1 once the body
 * is over the cap, with err "nwps: body larger than CAP bytes"; the bytes
 * up to the cap are kept (for sf_nwps_error_message), the rest dropped,
 * and every later feed and sf_nwps_forecast / sf_nwps_gauge fails alike
 * until sf_nwps_reset.
 */
int sf_nwps_feed(struct sf_nwps *p, const void *buf, size_t n,
    struct sf_err *err);

/* The body so far (NUL-terminated, *len its length); borrowed from p. */
const char *sf_nwps_body(const struct sf_nwps *p, size_t *len);

/*
 * Who a forecast is for: the caller's ids, copied into every record.
 * station and agency are the station the request was made for (the
 * original USGS or EC id), target_id the id asked of NWPS (the lid, or
 * the reach id); config may be NULL. All borrowed for the call.
 */
struct sf_nwps_who {
	const char *config;
	const char *station;
	const char *agency;
	const char *target_id;
};

/* What a forecast body held, beyond its records. */
struct sf_nwps_info {
	int no_forecast;	/* 1: nothing forecast (see sf_nwps_forecast) */
	long records;		/* records emitted */
	long members;		/* series members that had points */
	long missing;		/* values (stage or flow) <= -999, made NULL */
	long flow_dropped;	/* flows left out: their unit is unknown */
	char flow_unit[32];	/* that unit as served ("" when empty) */
	char run_date[SF_TIME_LEN];	/* the latest run, "" when none */
};

/*
 * Parses the body of p as a forecast of series s and passes one forecast
 * record per point to emit, in the body's order (members in the order
 * the body lists them, each member's points in order). The record's
 * strings are borrowed for the duration of the call; a non-zero return
 * from emit stops the parse: -1 with err "nwps: stopped by the output at
 * record N".
 *
 * Fields: config, station, agency and target_id from who; source from s;
 * run_date the issuedTime (RFC) or the member's referenceTime (NWM);
 * valid_at the point's validTime; both written "YYYY-MM-DDTHH:MM:SSZ".
 * member is NULL for deterministic series (RFC, and the NWM member named
 * "series", as in short_range), else the member's name ("mean",
 * "member1", ...).
 *
 * Flow: RFC secondary, NWM flow, in the unit the body names (RFC
 * secondaryUnits, NWM units): kcfs is multiplied by 1000 into cfs as a
 * shift of the decimal text (1.21 kcfs is "1210", 0.0457 is "45.7", not
 * 1209.9999999999998); cfs, ft3/s (ft\u00b3/s) stay cfs; kcms, cms and
 * m3/s (m\u00b3/s) give cms (ASCII case ignored). A flow in another unit,
 * or in an empty unit string (unknown), is left out (NULL), counted in
 * info->flow_dropped with the unit in info->flow_unit, so the caller can
 * warn: a record loader could not store it. Stage: RFC primary, as
 * served, with stage_unit primaryUnits (NULL when empty); NWM has none.
 * Numbers are written in sf_str_fmt_double's shortest form. A value that
 * is null or absent in the body is NULL too; a point with neither value
 * is still emitted (the forecast had that time).
 *
 * No forecast, which the service answers with HTTP 200: an RFC body with
 * issuedTime in the year 1 ("0001-01-01T00:00:00Z") and no points, any
 * body with an empty data array, or an NWM body whose series is null or
 * {} (or whose members have no points). That is zero records, a return
 * of 0 and info->no_forecast set: a note for the caller, not an error.
 *
 * info may be NULL; it is filled also on failure (what was emitted
 * before it). Returns 0, or -1 with err naming the place: "nwps: data[3]:
 * time '...': month out of range", "nwps: mediumRange.member2: no
 * referenceTime"; a body that is not JSON names line and column, or says
 * it is an HTML page. The combined gauges/{lid}/stageflow body (observed
 * and forecast in one) is refused for RFC: its forecast can be cut
 * short, so ask stageflow/forecast.
 */
int sf_nwps_forecast(struct sf_nwps *p, enum sf_nwps_series s,
    const struct sf_nwps_who *who,
    int (*emit)(void *arg, const struct sf_rec *rec), void *arg,
    struct sf_nwps_info *info, struct sf_err *err);

/* A gauge's ids; "" where the service has none. */
struct sf_nwps_gauge {
	char lid[SF_NWPS_ID_MAX + 1];		/* the NWS location id */
	char usgs_id[SF_NWPS_ID_MAX + 1];	/* the USGS station number */
	char reach_id[SF_NWPS_ID_MAX + 1];	/* the NWM reach id */
};

/*
 * Parses the body of p as gauges/{id} into g. lid must be a non-empty
 * string; usgsId and reachId are strings, "" when absent or null (an
 * integer is taken as its digits); space around an id is removed.
 * Returns 0, or -1 with err ("nwps: no lid", "nwps: reachId: longer than
 * 64 bytes", a JSON error) and g emptied.
 */
int sf_nwps_gauge(struct sf_nwps *p, struct sf_nwps_gauge *g,
    struct sf_err *err);

/*
 * The mappings g reveals, into rows[0..1] (struct sf_map_row of
 * sf_maprow.h): USGS usgsId -> NOAA-HADS lid, then
 * USGS usgsId -> NWM reachId, each only when both of its ids are not
 * empty. Returns the number of rows, 0 to 2. The rows' strings are
 * borrowed from g (agency names are static); they are not checked
 * (sf_map_check does that).
 */
struct sf_map_row;
int sf_nwps_gauge_mappings(const struct sf_nwps_gauge *g,
    struct sf_map_row *rows);

/*
 * A short text saying what the body of a failed request says, for an
 * error message, into buf (always NUL-terminated, truncated with "..."
 * to size): the "message" of a JSON body ({"code":5,"message":"..."},
 * the 404 of an unknown id); "HTML page: TITLE" (or "HTML page") for an
 * HTML body, as proxies send with 502 and 504; "empty body"; else the
 * first line of the body. Control characters and bytes that are not
 * printable ASCII become '?', white space runs one space.
 */
void sf_nwps_error_message(const struct sf_nwps *p, char *buf,
    size_t size);

#endif
