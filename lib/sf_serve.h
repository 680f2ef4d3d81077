/*
 * sf_serve: the HTTP face of the archive, without the HTTP library.
 *
 * Pure functions: a request line (method, raw URI, Accept) becomes a
 * validated struct sf_serve_req, or an HTTP status with a message naming
 * what was wrong; a request becomes a struct sf_query; records become
 * JSON, CSV or NDJSON text. sf_http_server puts these on the wire.
 */
#ifndef SF_SERVE_H
#define SF_SERVE_H

#include <stddef.h>

#include "sf_buf.h"
#include "sf_err.h"
#include "sf_query.h"
#include "sf_rec.h"

#define SF_SERVE_URI_MAX 2048	/* longer request targets: 414 */
#define SF_SERVE_NPARAM 16	/* more parameters: 400 */
#define SF_SERVE_KEY_MAX 32
#define SF_SERVE_VALUE_MAX 256
#define SF_SERVE_ID_MAX 64	/* station numbers, configuration names */

struct sf_serve_param {
	const char *key;	/* point into sf_serve_qs.buf */
	const char *value;
};

struct sf_serve_qs {
	/* decoded pairs: each no longer than its raw text, plus two NULs */
	char buf[SF_SERVE_URI_MAX + 2 * SF_SERVE_NPARAM + 2];
	struct sf_serve_param p[SF_SERVE_NPARAM];
	size_t n;
};

/*
 * Parses the query string s (len bytes, without the '?') into qs: pairs
 * split on '&' (empty pieces skipped), "key=value" or "key" (value ""),
 * '+' read as a space and %XX decoded. A key is 1 to SF_SERVE_KEY_MAX of
 * [a-z_]; a decoded value at most SF_SERVE_VALUE_MAX bytes of printable
 * ASCII or UTF-8 (no control bytes). A repeated key, a bad escape, more
 * than SF_SERVE_NPARAM pairs or more than SF_SERVE_URI_MAX bytes is an
 * error. Returns 0, or -1 with err ("parameter 'k': ...") and qs empty.
 */
int sf_serve_qs_parse(const char *s, size_t len, struct sf_serve_qs *qs,
    struct sf_err *err);

/* The value of key in qs (borrowed from qs), or NULL. */
const char *sf_serve_qs_get(const struct sf_serve_qs *qs, const char *key);

enum sf_serve_ep {
	SF_EP_INDEX,		/* / */
	SF_EP_STATIONS,		/* /stations */
	SF_EP_STATION,		/* /stations/{id} */
	SF_EP_STATION_HTML,	/* /stations/{id}.html */
	SF_EP_OBS,		/* /stations/{id}/observations */
	SF_EP_FORECASTS,	/* /stations/{id}/forecasts */
	SF_EP_SVG,		/* /stations/{id}/hydrograph.svg */
	SF_EP_CONFIGS,		/* /configs */
	SF_EP_CONFIG,		/* /configs/{name} */
	SF_EP_RUNS,		/* /runs */
	SF_EP_HEALTH,		/* /health */
	SF_EP_METRICS		/* /metrics */
};

enum sf_serve_fmt { SF_SERVE_JSON, SF_SERVE_CSV, SF_SERVE_NDJSON };

struct sf_serve_req {
	enum sf_serve_ep ep;
	enum sf_serve_fmt fmt;
	char id[SF_SERVE_ID_MAX + 1];	/* station or configuration */
	struct sf_serve_qs qs;
};

/*
 * Routes a request: method, the raw request target uri (path and query
 * string, as sent) and the Accept header (NULL when none). Checks the
 * method (GET and HEAD), the length, the path against the routes, the id
 * in it, and that every parameter is one the endpoint takes and that
 * format= is json, csv or ndjson (else Accept: text/csv,
 * application/x-ndjson; else JSON). Returns 0 with r filled, or the HTTP
 * status to answer (400, 404, 405, 414) with err saying why.
 */
int sf_serve_route(const char *method, const char *uri, const char *accept,
    struct sf_serve_req *r, struct sf_err *err);

/*
 * Fills q (zeroed first) with the question of an observations, forecasts,
 * station, stations or hydrograph request; station is an array of one the
 * caller provides, which q->stations points to. Strings of q are borrowed
 * from r. Checks each value: times (a bare date as end= means the end of
 * that day), type, units, agency, run, member, daily. Returns 0, or -1
 * with err "parameter 'NAME': reason".
 */
int sf_serve_query(const struct sf_serve_req *r, struct sf_query *q,
    const char *station[1], struct sf_err *err);

/* Whether s can be a station number: 1 to 32 of [A-Za-z0-9]. */
int sf_serve_valid_station(const char *s);
/* Whether s can name a configuration (as sf-config's names). */
int sf_serve_valid_config(const char *s);

/*
 * Appends rec to b in fmt; n is the number of records appended before
 * (JSON opens the array at 0, CSV writes the header at 0). Returns 0, or
 * -1 when rec's kind is unknown.
 */
int sf_serve_encode(struct sf_buf *b, enum sf_serve_fmt fmt,
    const struct sf_rec *rec, size_t n);
/* Appends the end of a response of n records ("]" for JSON). */
void sf_serve_encode_end(struct sf_buf *b, enum sf_serve_fmt fmt, size_t n);

/* The Content-Type of fmt. */
const char *sf_serve_ctype(enum sf_serve_fmt fmt);

/* Appends {"error":msg,"status":status} and a newline. */
void sf_serve_error_json(struct sf_buf *b, int status, const char *msg);

#endif
