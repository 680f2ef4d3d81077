/*
 * t_usgs: the USGS push parsers (sf_usgs) over every USGS fixture in
 * tests/data/fixtures/usgs (see its SOURCES.md). Each body is fed whole,
 * one byte at a time and in pseudo-random pieces, and the records (as
 * sf_writer writes them in NDJSON, which also checks every number field),
 * the result, the next link and the counts must be the same each time.
 * Bodies the recordings lack are derived in the test from a fixture, and
 * each derivation is described where it is made; the files are never
 * changed. The time-series-metadata page has no parser of its own: it is
 * fed as a daily page and must be refused at its first discharge series.
 * Last, a 50,000-feature daily page in the real layout is generated to
 * check that memory stays flat, and the parse throughput to NDJSON is
 * printed as a TAP comment (not asserted: sanitizer builds are slower).
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>

#include "tap.h"
#include "sf_buf.h"
#include "sf_err.h"
#include "sf_rec.h"
#include "sf_time.h"
#include "sf_usgs.h"
#include "sf.h"

struct res {
	int rc;
	char err[SF_ERR_MAX];
	char *text;		/* the records, NDJSON */
	char *next;		/* sf_usgs_next, or NULL */
	struct sf_usgs_stats st;
	long n;			/* records */
};

struct sink {
	struct sf_writer *w;
	long n;
	long stop_after;	/* refuse the record after this many; 0 never */
};

static int
sink_put(void *arg, const struct sf_rec *r)
{
	struct sink *k = arg;
	struct sf_err err;

	if (k->stop_after > 0 && k->n >= k->stop_after)
		return 1;
	if (sf_writer_put(k->w, r, &err) == -1) {
		printf("# sf_writer_put: %s\n", err.msg);
		return 1;
	}
	k->n++;
	return 0;
}

/*
 * Parses body with a parser of fmt, fed in pieces of step bytes (0 whole,
 * -1 pseudo-random sizes from 1 to 61); the caller frees with res_free.
 */
static struct res *
parse(enum sf_usgs_fmt fmt, const char *body, size_t len, int step,
    long stop_after)
{
	struct res *r = calloc(1, sizeof(*r));
	struct sink k = { NULL, 0, stop_after };
	struct sf_usgs *u;
	struct sf_err err;
	size_t off = 0, n, tlen;
	unsigned seed = 4242;
	FILE *fp;

	fp = open_memstream(&r->text, &tlen);
	k.w = sf_writer_new(fp, SF_FMT_NDJSON);
	u = sf_usgs_new(fmt, "cfg", sink_put, &k);
	sf_err_clear(&err);
	while (r->rc == 0 && off < len) {
		if (step == 0)
			n = len;
		else if (step > 0)
			n = (size_t)step;
		else {
			seed = seed * 1103515245u + 12345u;
			n = 1 + (seed >> 16) % 61;
		}
		if (n > len - off)
			n = len - off;
		r->rc = sf_usgs_feed(u, body + off, n, &err);
		off += n;
	}
	if (r->rc == 0)
		r->rc = sf_usgs_end(u, &err);
	if (r->rc != 0)
		snprintf(r->err, sizeof(r->err), "%s", err.msg);
	if (sf_usgs_next(u) != NULL)
		r->next = strdup(sf_usgs_next(u));
	sf_usgs_stats(u, &r->st);
	r->n = k.n;
	sf_usgs_free(u);
	sf_writer_free(k.w);
	fclose(fp);
	return r;
}

static void
res_free(struct res *r)
{
	if (r == NULL)
		return;
	free(r->text);
	free(r->next);
	free(r);
}

static int
same(const struct res *a, const struct res *b)
{
	return a->rc == b->rc && strcmp(a->err, b->err) == 0 &&
	    strcmp(a->text, b->text) == 0 &&
	    ((a->next == NULL && b->next == NULL) || (a->next && b->next &&
	    strcmp(a->next, b->next) == 0)) &&
	    a->st.items == b->st.items && a->st.records == b->st.records &&
	    a->st.skipped == b->st.skipped &&
	    a->st.returned == b->st.returned && a->st.nodata == b->st.nodata;
}

/* Parses whole, byte by byte and in odd pieces; returns the whole one. */
static struct res *
check(const char *name, enum sf_usgs_fmt fmt, const char *body, size_t len)
{
	struct res *whole = parse(fmt, body, len, 0, 0);
	struct res *bytes = parse(fmt, body, len, 1, 0);
	struct res *odd = parse(fmt, body, len, -1, 0);
	char w[200];

	snprintf(w, sizeof(w), "%s: the same fed byte by byte", name);
	ok(same(whole, bytes), w);
	snprintf(w, sizeof(w), "%s: the same fed in odd pieces", name);
	ok(same(whole, odd), w);
	if (whole->rc != 0)
		printf("# %s: %s\n", name, whole->err);
	res_free(bytes);
	res_free(odd);
	return whole;
}

/* Line i of the records (from 0; -1 is the last), or "". */
static const char *
nth(const struct res *r, long i)
{
	static char line[2048];
	const char *s = r->text, *e;
	long k;

	if (i < 0)
		i += r->n;
	for (k = 0; k < i && s != NULL; k++) {
		s = strchr(s, '\n');
		if (s != NULL)
			s++;
	}
	if (s == NULL || *s == '\0' || i < 0)
		return "";
	e = strchr(s, '\n');
	snprintf(line, sizeof(line), "%.*s", (int)(e ? e - s : (long)strlen(s)),
	    s);
	return line;
}

/* The number after "key": in line i, or NAN. */
static double
num(const struct res *r, long i, const char *key)
{
	char pat[64];
	const char *s = nth(r, i), *p;

	snprintf(pat, sizeof(pat), "\"%s\":", key);
	if ((p = strstr(s, pat)) == NULL)
		return NAN;
	p += strlen(pat);
	if (*p == 'n')
		return NAN;
	return strtod(p, NULL);
}

/* An obs record as sf_writer writes it; TYPE is defined per test. */
#define OBS(st, at, q, v)						\
    "{\"kind\":\"obs\",\"config\":\"cfg\",\"station\":\"" st		\
    "\",\"agency\":\"USGS\",\"type\":\"" TYPE "\",\"observed_at\":\""	\
    at "\",\"discharge\":" v ",\"unit\":\"cfs\",\"quality_code\":" q "}"

static const char *
fixture_path(const char *rel)
{
	static char path[1024];
	const char *top = getenv("SF_TOP");

	if (top == NULL) {
		printf("Bail out! SF_TOP is not set (run through make test)\n");
		exit(1);
	}
	snprintf(path, sizeof(path), "%s/tests/data/fixtures/usgs/%s", top,
	    rel);
	return path;
}

/* The bytes of a fixture file; caller frees with sf_buf_release. */
static struct sf_buf
load(const char *rel)
{
	struct sf_buf b = SF_BUF_INIT;
	const char *path = fixture_path(rel);
	char chunk[8192];
	size_t n;
	FILE *fp;

	if ((fp = fopen(path, "rb")) == NULL) {
		printf("Bail out! cannot open %s\n", path);
		exit(1);
	}
	while ((n = fread(chunk, 1, sizeof(chunk), fp)) > 0)
		sf_buf_add(&b, chunk, n);
	fclose(fp);
	return b;
}

/* s with every from replaced by to; caller frees. */
static char *
replace(const char *s, const char *from, const char *to, int *count)
{
	struct sf_buf b = SF_BUF_INIT;
	const char *p;
	size_t k = strlen(from);

	*count = 0;
	while ((p = strstr(s, from)) != NULL) {
		sf_buf_add(&b, s, (size_t)(p - s));
		sf_buf_adds(&b, to);
		s = p + k;
		(*count)++;
	}
	sf_buf_adds(&b, s);
	return sf_buf_detach(&b);
}

/*
 * The multi-collection fixture is one object keyed by collection name,
 * each value a real items response (pretty-printed upstream): a
 * collection's value, re-serialized compactly by jansson, is its body
 * (with 16 significant digits, so its numbers keep the fixture's text).
 */
static char *
collection(const char *name)
{
	json_error_t je;
	json_t *root, *v;
	char *s;

	root = json_load_file(fixture_path("waterdata/multi_collection_"
	    "fixtures_TRIMMED_dataretrieval.json"), 0, &je);
	if (root == NULL || (v = json_object_get(root, name)) == NULL) {
		printf("Bail out! multi_collection fixture: no '%s'\n", name);
		exit(1);
	}
	s = json_dumps(v, JSON_COMPACT | JSON_REAL_PRECISION(16));
	json_decref(root);
	return s;
}

#define TYPE "daily_mean"

static void
test_daily(void)
{
	char *body = collection("daily"), *v;
	struct res *r;
	int c;

	r = check("daily", SF_USGS_DAILY, body, strlen(body));
	is_int(r->rc, 0, "daily: parsed");
	is_int(r->n, 2, "daily: 2 records");
	is_int(r->st.items, 2, "daily: 2 features");
	is_int(r->st.skipped, 0, "daily: none skipped");
	is_int(r->st.returned, 2, "daily: numberReturned");
	ok(r->next == NULL, "daily: no next link (links were trimmed)");
	is_str(nth(r, 0), OBS("05427718", "2025-12-26T00:00:00Z", "\"P\"",
	    "20.2"), "daily: first row: local date at T00:00:00Z, value "
	    "string kept, Provisional is P");
	is_str(nth(r, -1), OBS("05427718", "2026-03-19T00:00:00Z", "\"P\"",
	    "27.1"), "daily: last row");
	res_free(r);

	/*
	 * Derived: the first feature's qualifier null made ["ICE",
	 * "ESTIMATED"] and its approval Approved; the second's value made
	 * null.
	 */
	v = replace(body, "\"qualifier\":null", "\"qualifier\":[\"ICE\","
	    "\"ESTIMATED\"]", &c);
	free(body);
	body = v;
	v = replace(body, "\"Provisional\",\"last_modified\":"
	    "\"2026-07-30T15:43:16.002990+00:00\",\"monitoring_location_id\":"
	    "\"USGS-05427718\",\"parameter_code\":\"00060\",\"qualifier\":"
	    "[\"ICE\",\"ESTIMATED\"],\"statistic_id\":\"00003\",\"time\":"
	    "\"2025-12-26\"", "\"Approved\",\"last_modified\":"
	    "\"2026-07-30T15:43:16.002990+00:00\",\"monitoring_location_id\":"
	    "\"USGS-05427718\",\"parameter_code\":\"00060\",\"qualifier\":"
	    "[\"ICE\",\"ESTIMATED\"],\"statistic_id\":\"00003\",\"time\":"
	    "\"2025-12-26\"", &c);
	is_int(c, 1, "daily variant: derived (approval)");
	free(body);
	body = replace(v, "\"value\":\"27.1\"", "\"value\":null", &c);
	free(v);
	is_int(c, 1, "daily variant: derived (null value)");
	r = check("daily variant", SF_USGS_DAILY, body, strlen(body));
	is_str(nth(r, 0), OBS("05427718", "2025-12-26T00:00:00Z",
	    "\"A:ICE:ESTIMATED\"", "20.2"),
	    "daily variant: approval then qualifiers, joined with ':'");
	is_str(nth(r, 1), OBS("05427718", "2026-03-19T00:00:00Z",
	    "\"P:ICE:ESTIMATED\"", "null"),
	    "daily variant: null value stays null");
	res_free(r);

	/* Derived: a value that is not a number. */
	v = replace(body, "\"value\":null", "\"value\":\"abc\"", &c);
	r = check("daily bad value", SF_USGS_DAILY, v, strlen(v));
	is_int(r->rc, -1, "daily bad value: an error");
	is_str(r->err, "feature 2: value 'abc': not a number",
	    "daily bad value: names the feature and the value");
	is_int(r->n, 1, "daily bad value: the feature before it was emitted");
	res_free(r);
	free(v);

	/* Derived: the same page refused by the caller after one record. */
	r = parse(SF_USGS_DAILY, body, strlen(body), 0, 1);
	is_int(r->rc, -1, "daily: a non-zero emit stops the parse");
	is_str(r->err, "feature 2: stopped by the caller",
	    "daily: and says where");
	res_free(r);

	/* Derived: a daily time that is not a date. */
	v = replace(body, "\"time\":\"2026-03-19\"",
	    "\"time\":\"2026-03-19T00:00:00+00:00\"", &c);
	r = parse(SF_USGS_DAILY, v, strlen(v), 0, 0);
	is_str(r->err, "feature 2: date '2026-03-19T00:00:00+00:00': "
	    "trailing characters", "daily: time must be a date");
	res_free(r);
	free(v);
	free(body);
}

#undef TYPE
#define TYPE "realtime_15min"

static void
test_continuous(void)
{
	char *body = collection("continuous"), *v, *w;
	struct res *r;
	int c;

	r = check("continuous", SF_USGS_CONTINUOUS, body, strlen(body));
	is_int(r->rc, 0, "continuous: parsed");
	is_int(r->st.items, 2, "continuous: 2 features");
	is_int(r->n, 0, "continuous: gage height (00065, ft) is no discharge");
	is_int(r->st.skipped, 2, "continuous: both counted as skipped");
	res_free(r);

	/* Derived: parameter 00065 made 00060 and unit ft made ft^3/s. */
	v = replace(body, "\"parameter_code\":\"00065\"",
	    "\"parameter_code\":\"00060\"", &c);
	is_int(c, 2, "continuous 00060: derived (parameter)");
	w = replace(v, "\"unit_of_measure\":\"ft\"",
	    "\"unit_of_measure\":\"ft^3/s\"", &c);
	is_int(c, 2, "continuous 00060: derived (unit)");
	r = check("continuous 00060", SF_USGS_CONTINUOUS, w, strlen(w));
	is_int(r->n, 2, "continuous 00060: 2 records");
	is_str(nth(r, 0), OBS("06904500", "2025-01-01T00:00:00Z", "\"A\"",
	    "1.76"), "continuous 00060: first row, +00:00 to Z, Approved A");
	is_str(nth(r, 1), OBS("06904500", "2025-01-01T00:15:00Z", "\"A\"",
	    "1.76"), "continuous 00060: last row");
	res_free(r);
	free(w);

	/* Derived: an offset other than +00:00 is converted. */
	w = replace(v, "2025-01-01T00:15:00+00:00", "2024-12-31T19:15:00-05:00",
	    &c);
	free(v);
	v = replace(w, "\"unit_of_measure\":\"ft\"",
	    "\"unit_of_measure\":\"ft3/s\"", &c);
	free(w);
	r = check("continuous offset", SF_USGS_CONTINUOUS, v, strlen(v));
	is_str(nth(r, 1), OBS("06904500", "2025-01-01T00:15:00Z", "\"A\"",
	    "1.76"), "continuous: -05:00 converted to UTC");
	res_free(r);
	free(v);

	/* Derived: 00060 in feet is an error, not a discharge. */
	v = replace(body, "\"parameter_code\":\"00065\"",
	    "\"parameter_code\":\"00060\"", &c);
	r = check("continuous 00060 ft", SF_USGS_CONTINUOUS, v, strlen(v));
	is_int(r->rc, -1, "continuous 00060 in ft: an error");
	is_str(r->err, "feature 1: unit_of_measure 'ft': not cubic feet per "
	    "second", "continuous 00060 in ft: says so");
	res_free(r);
	free(v);
	free(body);
}

static void
test_locations(void)
{
	struct sf_buf b = load("waterdata/monitoring_locations_10features_"
	    "with_next_cursor_2025_etl_project_02.json");
	char *body = collection("monitoring-locations"), *v;
	struct res *r;
	int c;

	r = check("monitoring-locations", SF_USGS_LOCATIONS, body,
	    strlen(body));
	is_int(r->rc, 0, "locations: parsed");
	is_int(r->n, 2, "locations: 2 station records");
	is_str(nth(r, 0), "{\"kind\":\"station\",\"station\":"
	    "\"410252073314801\",\"agency\":\"USGS\",\"name\":\"CT-STM    2\","
	    "\"latitude\":41.04777271320483,\"longitude\":-73.52955169969904,"
	    "\"state\":\"CT\",\"huc_code\":\"011000060404\","
	    "\"drainage_area_sqmi\":null,\"altitude_ft\":9.0,"
	    "\"utc_offset\":\"-05:00\",\"uses_dst\":false}",
	    "locations: first: number, name as given, lat/lon from the "
	    "geometry, FIPS 09 is CT, EST is -05:00, N is false");
	ok(num(r, -1, "latitude") == 41.04916115609651 &&
	    num(r, -1, "longitude") == -73.41899256198708,
	    "locations: last: coordinates");
	ok(strstr(nth(r, -1), "\"station\":\"410257073251001\"") != NULL &&
	    strstr(nth(r, -1), "\"altitude_ft\":7.0") != NULL,
	    "locations: last: number and altitude");
	res_free(r);

	r = check("10 locations", SF_USGS_LOCATIONS, b.buf, b.len);
	is_int(r->rc, 0, "10 locations: parsed");
	is_int(r->st.items, 10, "10 locations: 10 features");
	is_int(r->n, 0, "10 locations: agency AL012 is not USGS: no records");
	is_int(r->st.skipped, 10, "10 locations: all counted as skipped");
	is_int(r->st.returned, 10, "10 locations: numberReturned");
	is_str(r->next, "https://api.waterdata.usgs.gov/ogcapi/v0/collections/"
	    "monitoring-locations/items?cursor=QUwwMTItOTAxMDAzMDAwMDY&lang="
	    "en-US&limit=10&skipGeometry=false",
	    "10 locations: the next link, verbatim");
	res_free(r);

	/* Derived: the page cut in its last bytes, after the links. */
	r = check("10 locations cut", SF_USGS_LOCATIONS, b.buf, b.len - 3);
	is_int(r->rc, -1, "10 locations cut: an error");
	ok(r->next == NULL, "10 locations cut: no next link to follow");
	res_free(r);

	/* Derived: agency_code AL012 made USGS, to read every field. */
	v = replace(b.buf, "\"agency_code\": \"AL012\"",
	    "\"agency_code\": \"USGS\"", &c);
	is_int(c, 10, "10 USGS locations: derived");
	r = check("10 USGS locations", SF_USGS_LOCATIONS, v, strlen(v));
	is_int(r->n, 10, "10 USGS locations: 10 records");
	is_str(nth(r, 0), "{\"kind\":\"station\",\"station\":\"90100100001\","
	    "\"agency\":\"USGS\",\"name\":\"Autauga County Water Authority\","
	    "\"latitude\":null,\"longitude\":null,\"state\":\"AL\","
	    "\"huc_code\":null,\"drainage_area_sqmi\":null,"
	    "\"altitude_ft\":null,\"utc_offset\":\"-06:00\","
	    "\"uses_dst\":true}", "10 USGS locations: first: null geometry, "
	    "FIPS 01 is AL, CST is -06:00, Y is true");
	ok(strstr(nth(r, -1), "\"station\":\"90100300006\",\"agency\":"
	    "\"USGS\",\"name\":\"Fairhope Water Department\"") != NULL,
	    "10 USGS locations: last");
	ok(r->next != NULL, "10 USGS locations: next link still there");
	res_free(r);
	free(v);
	free(body);
	sf_buf_release(&b);
}

static void
test_empty_and_errors(void)
{
	struct sf_buf b = load("waterdata/daily_items_EMPTY_2024-04_"
	    "basin3d.json");
	struct sf_buf t = load("waterdata/time_series_metadata_bbox_daily_"
	    "basin3d.json");
	struct res *r;
	const char *s;
	char msg[200];

	r = check("empty daily", SF_USGS_DAILY, b.buf, b.len);
	is_int(r->rc, 0, "empty daily: parsed");
	is_int(r->n, 0, "empty daily: no records");
	is_int(r->st.items, 0, "empty daily: no features (the end of paging)");
	is_int(r->st.returned, 0, "empty daily: numberReturned 0");
	ok(r->next == NULL, "empty daily: no next link (self and alternates "
	    "ignored)");
	res_free(r);

	/*
	 * time-series-metadata is not an items page sf_usgs reads: taken as
	 * daily, its two discharge series (the 8th and 10th features) have
	 * no time, which is an error naming the feature.
	 */
	r = check("time-series-metadata", SF_USGS_DAILY, t.buf, t.len);
	is_int(r->rc, -1, "time-series-metadata as daily: refused");
	is_str(r->err, "feature 8: no time",
	    "time-series-metadata as daily: at the first 00060/00003 series");
	is_int(r->st.skipped, 7, "time-series-metadata: other parameters "
	    "skipped before it");
	res_free(r);

	s = "{\"code\":\"InvalidParameterValue\",\"description\":\"Invalid "
	    "value for parameter limit\"}";
	r = check("error body", SF_USGS_DAILY, s, strlen(s));
	is_str(r->err, "not a FeatureCollection: InvalidParameterValue: "
	    "Invalid value for parameter limit", "an API error body as a page");
	res_free(r);
	s = "<!DOCTYPE html>\n<html><head><title>502 Bad Gateway</title>";
	r = check("html page", SF_USGS_CONTINUOUS, s, strlen(s));
	is_str(r->err, "an HTML page, not JSON", "an HTML page as a page");
	res_free(r);
	s = "{\"type\":\"FeatureCollection\",\"features\":[{\"type\":";
	r = check("cut page", SF_USGS_DAILY, s, strlen(s));
	is_str(r->err, "byte 48: the text ends inside an object",
	    "a page cut short is an error");
	res_free(r);
	s = "{\"type\":\"FeatureCollection\",\"features\":[1]}";
	r = check("bad feature", SF_USGS_DAILY, s, strlen(s));
	is_str(r->err, "feature 1: not an object", "a feature not an object");
	res_free(r);

	s = "{\"code\":\"InvalidParameterValue\",\"description\":\"Invalid "
	    "value for parameter limit\"}";
	is_str(sf_usgs_error_message(s, strlen(s), msg, sizeof(msg)),
	    "InvalidParameterValue: Invalid value for parameter limit",
	    "error message: {code, description}");
	s = "{\"error\":{\"code\":\"OVER_RATE_LIMIT\",\"message\":\"You have "
	    "exceeded your rate limit.\"}}";
	is_str(sf_usgs_error_message(s, strlen(s), msg, sizeof(msg)),
	    "OVER_RATE_LIMIT: You have exceeded your rate limit.",
	    "error message: {error: {code, message}}");
	s = "<html>\n<head><title>503 Service\nUnavailable</title></head>";
	is_str(sf_usgs_error_message(s, strlen(s), msg, sizeof(msg)),
	    "503 Service Unavailable", "error message: an HTML title");
	s = "<html><body>x</body></html>";
	is_str(sf_usgs_error_message(s, strlen(s), msg, sizeof(msg)),
	    "an HTML page", "error message: HTML without a title");
	s = "\n  No sites/data found using the selection criteria specified "
	    "\r\nmore";
	is_str(sf_usgs_error_message(s, strlen(s), msg, sizeof(msg)),
	    "No sites/data found using the selection criteria specified",
	    "error message: the first line of text");
	s = "{\"error\":{\"code\":\"API_KEY_INVALID\",\"message\":\"An "
	    "invalid api_key was supplied. Get one at https://api.data.gov\"}}";
	is_str(sf_usgs_error_message(s, strlen(s), msg, 20),
	    "API_KEY_INVALID:...", "error message: cut to fit");
	is_str(sf_usgs_error_message("", 0, msg, sizeof(msg)), "",
	    "error message: empty body");
	sf_buf_release(&b);
	sf_buf_release(&t);
}

/* A clean daily feature of station 0164650N on day D of January 2024. */
#define FEAT(n, d) "{\"type\":\"Feature\",\"id\":\"f" #n "\"," \
	"\"geometry\":null,\"properties\":{\"approval_status\":\"Approved\"," \
	"\"monitoring_location_id\":\"USGS-0164650" #n "\",\"qualifier\":null," \
	"\"time\":\"2024-01-" #d "\",\"unit_of_measure\":\"ft^3/s\"," \
	"\"value\":\"1" #n "." #d "\"}}"
#define PAGE(feats) "{\"type\":\"FeatureCollection\",\"features\":[" \
	feats "],\"numberReturned\":5,\"links\":[]}"

/* The obs record of a daily value, config cfg. */
#define FOBS(st, day, v, q) "{\"kind\":\"obs\",\"config\":\"cfg\"," \
	"\"station\":\"" st "\",\"agency\":\"USGS\",\"type\":" \
	"\"daily_mean\",\"observed_at\":\"" day "T00:00:00Z\"," \
	"\"discharge\":" v ",\"unit\":\"cfs\",\"quality_code\":" q "}"

/* Where needle is in s, from 0. */
static long
at(const char *s, const char *needle)
{
	const char *p = strstr(s, needle);

	return p != NULL ? (long)(p - s) : -1;
}

/*
 * sf_usgs reads the features of a page itself while they are in the
 * subset of JSON the API writes, and leaves the rest to sf_jsonpush:
 * whichever reads a feature, the records and the messages (their byte
 * offsets too) are the same.
 */
static void
test_fast_features(void)
{
	static const char esc[] = PAGE(FEAT(1, 11) "," FEAT(2, 12) ","
	    "{\"type\":\"Feature\",\"properties\":{\"approval_status\":"
	    "\"Provisional\",\"monitoring_location_id\":\"USGS-01646503\","
	    "\"qualifier\":[\"IC\\u00c9\",\"EQP\"],\"time\":\"2024-01-13\","
	    "\"value\":13.5}}," FEAT(4, 14) " , " FEAT(5, 15));
	static const char colon[] = PAGE(FEAT(1, 11) "," FEAT(2, 12) ","
	    FEAT(3, 13) ",{\"type\";\"Feature\"}");
	static const char comma[] = PAGE(FEAT(1, 11) "," FEAT(2, 12) ",");
	static const char raw[] = PAGE(FEAT(1, 11) ",{\"properties\":"
	    "{\"approval_status\":\"\xc3\x28\"}}");
	static const char cut[] = "{\"type\":\"FeatureCollection\","
	    "\"features\":[" FEAT(1, 11) "," FEAT(2, 12) ",{\"type\":\"Fea";
	static const char head[] = "{\"type\":\"FeatureCollection\","
	    "\"features\":[" FEAT(1, 11) ",{\"type\":\"Feature\",\"x\":\"";
	static const char braces[] = PAGE(FEAT(1, 11) ",{\"x\":\""
	    "}}}}}}}}}}}}}}}}}}}}}}}}}}}}}}}}}}}}}}}}\",\"properties\":{"
	    "\"monitoring_location_id\":\"USGS-01646502\",\"time\":"
	    "\"2024-01-12\",\"value\":null}}," FEAT(3, 13));
	static const char moved[] = PAGE("{\"type\":\"Feature\","
	    "\"properties\":{\"time\":\"2024-01-11\",\"value\":\"11\","
	    "\"monitoring_location_id\":\"USGS-01646501\","
	    "\"approval_status\":\"Approved\"}},{\"type\":\"Feature\","
	    "\"properties\":{\"time_series_id\":\"x\",\"value\":\"12\","
	    "\"time\":\"2024-01-12\",\"monitoring_location_id\":"
	    "\"USGS-01646502\"}},{\"properties\":{\"monitoring_location_id\":"
	    "\"USGS-01646503\",\"time\":\"2024-01-13\",\"value\":\"13\","
	    "\"approval_status\":\"Provisional\"},\"type\":\"Feature\"},"
	    "{\"properties\":{\"monitoring_location\":\"x\",\"tim\":\"y\","
	    "\"monitoring_location_id\":\"USGS-01646504\",\"time\":"
	    "\"2024-01-14\",\"value\":\"14\"}}");
	static char big[100 * 1024];
	struct res *r;
	char want[80];

	r = check("fast: an escape and a number midway", SF_USGS_DAILY, esc,
	    strlen(esc));
	ok(r->rc == 0 && r->n == 5, "fast: five records");
	ok(strstr(nth(r, 2), "\"discharge\":13.5,\"unit\":\"cfs\","
	    "\"quality_code\":\"P:IC\xc3\x89:EQP\"") != NULL,
	    "fast: the feature out of the subset read by the tokenizer");
	ok(strstr(nth(r, 4), "\"01646505\"") != NULL, "fast: and the rest");
	res_free(r);

	r = check("fast: bad syntax after three", SF_USGS_DAILY, colon,
	    strlen(colon));
	snprintf(want, sizeof(want), "byte %ld: unexpected ';', expected ':'",
	    at(colon, ";"));
	ok(r->n == 3, "fast: three records before bad syntax");
	is_str(r->err, want, "fast: its byte offset counts what was read");
	res_free(r);

	r = check("fast: a trailing comma", SF_USGS_DAILY, comma,
	    strlen(comma));
	snprintf(want, sizeof(want), "byte %ld: unexpected ']', expected a "
	    "value", at(comma, ",]") + 1);
	is_str(r->err, want, "fast: a comma before ']' is bad JSON");
	res_free(r);

	r = check("fast: bad UTF-8", SF_USGS_DAILY, raw, strlen(raw));
	snprintf(want, sizeof(want), "byte %ld: invalid UTF-8 in a string",
	    at(raw, "\xc3") + 2);
	is_str(r->err, want, "fast: invalid UTF-8 after a feature read");
	res_free(r);

	/* A feature longer than sf_usgs holds back: the tokenizer's. */
	memset(big, 'x', sizeof(big));
	memcpy(big, head, strlen(head));
	snprintf(big + sizeof(big) - 512, 512, "\",\"properties\":{"
	    "\"monitoring_location_id\":\"USGS-01646502\",\"time\":"
	    "\"2024-01-12\",\"value\":null}}," FEAT(3, 13) "]}");
	r = check("fast: a long feature", SF_USGS_DAILY, big, strlen(big));
	ok(r->rc == 0 && r->n == 3 && strstr(nth(r, 1), "\"01646502\"") &&
	    strstr(nth(r, 2), "\"01646503\""), "fast: a 100 kB feature");
	res_free(r);

	/* '}' in a string: the feature is read again at each, 16 times. */
	r = check("fast: braces", SF_USGS_DAILY, braces, strlen(braces));
	ok(r->rc == 0 && r->n == 3, "fast: a string of 40 '}'");
	res_free(r);

	/*
	 * The keys of the last feature are tried first at each place: keys
	 * in another order, a longer key where a shorter one was, a key
	 * that stops short of where the last one ended.
	 */
	r = check("fast: keys moved", SF_USGS_DAILY, moved, strlen(moved));
	ok(r->rc == 0 && r->n == 4, "fast: keys moved: four records");
	is_str(nth(r, 0), FOBS("01646501", "2024-01-11", "11", "\"A\""),
	    "fast: keys moved: the first");
	is_str(nth(r, 1), FOBS("01646502", "2024-01-12", "12", "null"),
	    "fast: keys moved: a longer key where a shorter one was");
	is_str(nth(r, 2), FOBS("01646503", "2024-01-13", "13", "\"P\""),
	    "fast: keys moved: the properties before the type");
	is_str(nth(r, 3), FOBS("01646504", "2024-01-14", "14", "null"),
	    "fast: keys moved: a key cut short");
	res_free(r);

	r = check("fast: cut", SF_USGS_DAILY, cut, strlen(cut));
	snprintf(want, sizeof(want), "byte %zu: the text ends inside a "
	    "string", strlen(cut));
	ok(r->n == 2, "fast: two records before the cut");
	is_str(r->err, want, "fast: a page cut in a feature");
	res_free(r);
}

#undef TYPE
#define TYPE "daily_mean"

static void
test_rdb_dv(void)
{
	struct sf_buf a = load("nwis/dv_rdb_02177000_00060_2014_"
	    "dataRetrieval_RDB1Example.rdb");
	struct sf_buf m = load("nwis/dv_rdb_03451500_multiparam_2022_"
	    "tstool.rdb");
	struct sf_buf both = SF_BUF_INIT;
	struct res *r;

	r = check("dv 02177000", SF_USGS_RDB_DV, a.buf, a.len);
	is_int(r->rc, 0, "dv 02177000: parsed");
	is_int(r->n, 31, "dv 02177000: 31 records");
	is_str(nth(r, 0), OBS("02177000", "2012-09-01T00:00:00Z", "\"A\"",
	    "191"), "dv 02177000: first row (old 01_00060_00003 naming)");
	is_str(nth(r, -1), OBS("02177000", "2012-10-01T00:00:00Z", "\"P\"",
	    "365"), "dv 02177000: last row, provisional");
	res_free(r);

	r = check("dv 03451500", SF_USGS_RDB_DV, m.buf, m.len);
	is_int(r->rc, 0, "dv 03451500: parsed");
	is_int(r->n, 4018, "dv 03451500: 4018 daily means (00060_00003 only)");
	is_str(nth(r, 0), OBS("03451500", "2000-01-01T00:00:00Z", "\"A\"",
	    "1040"), "dv 03451500: first row: the mean, not the max or "
	    "precipitation");
	is_str(nth(r, 26), OBS("03451500", "2000-01-27T00:00:00Z", "\"A:e\"",
	    "1160"), "dv 03451500: an estimated value keeps A:e");
	is_str(nth(r, -1), OBS("03451500", "2010-12-31T00:00:00Z", "\"A\"",
	    "1040"), "dv 03451500: last row");
	res_free(r);

	/*
	 * Derived: a two-site response, as NWIS sends it: the two files one
	 * after the other, so the comment, header and format block repeats
	 * with other columns.
	 */
	sf_buf_add(&both, a.buf, a.len);
	sf_buf_add(&both, m.buf, m.len);
	r = check("dv two sites", SF_USGS_RDB_DV, both.buf, both.len);
	is_int(r->n, 31 + 4018, "dv two sites: both blocks read");
	is_str(nth(r, 30), OBS("02177000", "2012-10-01T00:00:00Z", "\"P\"",
	    "365"), "dv two sites: the first block's last row");
	is_str(nth(r, 31), OBS("03451500", "2000-01-01T00:00:00Z", "\"A\"",
	    "1040"), "dv two sites: the second block's first row");
	res_free(r);

	/* Derived: the first file without its last line end, then cut. */
	r = check("dv no last newline", SF_USGS_RDB_DV, a.buf, a.len - 1);
	is_int(r->n, 31, "dv: a last line without its line end is read");
	res_free(r);
	r = check("dv cut row", SF_USGS_RDB_DV, a.buf, a.len - 8);
	is_str(r->err, "line 55: 3 fields, the header has 5",
	    "dv: a row cut short is an error");
	res_free(r);
	/* Derived: the file cut right after its header line. */
	r = check("dv cut header", SF_USGS_RDB_DV, a.buf,
	    (size_t)(strstr(a.buf, "\n5s\t") + 1 - a.buf));
	is_str(r->err, "the body ends before the format row",
	    "dv: a body cut before its format row is an error");
	sf_buf_release(&a);
	sf_buf_release(&m);
	sf_buf_release(&both);
	res_free(r);
}

#undef TYPE
#define TYPE "realtime_15min"

/*
 * Derived: the iv fixture's comment, header and format lines (up to and
 * including the "5s\t15s..." row), followed by rows written here for
 * 2016-11-06, when the eastern zone fell back from EDT to EST: 01:00 to
 * 01:45 happen twice and only tz_cd tells them apart. The rows also hold
 * the agency's words, empty cells and -999999.
 */
static char *
fall_back_body(const struct sf_buf *iv)
{
	static const char *rows =
	    "USGS\t01646500\t2016-11-06 00:45\tEDT\t100\tP\n"
	    "USGS\t01646500\t2016-11-06 01:00\tEDT\t101\tP\n"
	    "USGS\t01646500\t2016-11-06 01:30\tEDT\t102\tP\n"
	    "USGS\t01646500\t2016-11-06 01:45\tEDT\tIce\tP\n"
	    "USGS\t01646500\t2016-11-06 01:00\tEST\t104\tP\n"
	    "USGS\t01646500\t2016-11-06 01:30\tEST\t\tA\n"
	    "USGS\t01646500\t2016-11-06 01:45\tEST\t\t\n"
	    "USGS\t01646500\t2016-11-06 02:00\tEST\t***\t\n"
	    "USGS\t01646500\t2016-11-06 02:15\tEST\tEqp\tP\n"
	    "USGS\t01646500\t2016-11-06 02:30\tEST\t-999999\tP\n"
	    "USGS\t01646500\t2016-11-06 02:45\tEST\t 98.5 \tP:e\n";
	struct sf_buf b = SF_BUF_INIT;
	const char *fmt = strstr(iv->buf, "\n5s\t");

	if (fmt == NULL) {
		printf("Bail out! iv fixture: no format row\n");
		exit(1);
	}
	fmt = strchr(fmt + 1, '\n') + 1;
	sf_buf_add(&b, iv->buf, (size_t)(fmt - iv->buf));
	sf_buf_adds(&b, rows);
	return sf_buf_detach(&b);
}

static void
test_rdb_iv(void)
{
	struct sf_buf iv = load("nwis/iv_rdb_09512500_00060_2016-05_"
	    "tstool.rdb");
	char *fb = fall_back_body(&iv), *v;
	struct res *r;
	int c;

	r = check("iv 09512500", SF_USGS_RDB_IV, iv.buf, iv.len);
	is_int(r->rc, 0, "iv 09512500: parsed");
	is_int(r->n, 714, "iv 09512500: 714 records");
	is_str(nth(r, 0), OBS("09512500", "2016-05-09T07:00:00Z", "\"P\"",
	    "1.0"), "iv 09512500: 2016-05-09 00:00 MST is 07:00Z");
	is_str(nth(r, 5), OBS("09512500", "2016-05-09T08:15:00Z", "\"P\"",
	    "1.1"), "iv 09512500: sixth row");
	is_str(nth(r, -1), OBS("09512500", "2016-05-16T17:30:00Z", "\"P\"",
	    "0.82"), "iv 09512500: last row, 10:30 MST");
	res_free(r);

	r = check("iv fall-back", SF_USGS_RDB_IV, fb, strlen(fb));
	is_int(r->rc, 0, "iv fall-back: parsed");
	is_int(r->n, 10, "iv fall-back: 10 records (an empty cell without a "
	    "code skipped)");
	is_int(r->st.skipped, 1, "iv fall-back: 1 skipped");
	is_str(nth(r, 0), OBS("01646500", "2016-11-06T04:45:00Z", "\"P\"",
	    "100"), "iv fall-back: 00:45 EDT");
	is_str(nth(r, 1), OBS("01646500", "2016-11-06T05:00:00Z", "\"P\"",
	    "101"), "iv fall-back: 01:00 EDT");
	is_str(nth(r, 2), OBS("01646500", "2016-11-06T05:30:00Z", "\"P\"",
	    "102"), "iv fall-back: 01:30 EDT is 05:30Z");
	is_str(nth(r, 3), OBS("01646500", "2016-11-06T05:45:00Z",
	    "\"P:Ice\"", "null"), "iv fall-back: Ice is null, word kept");
	is_str(nth(r, 4), OBS("01646500", "2016-11-06T06:00:00Z", "\"P\"",
	    "104"), "iv fall-back: 01:00 EST, an hour after 01:00 EDT");
	is_str(nth(r, 5), OBS("01646500", "2016-11-06T06:30:00Z", "\"A\"",
	    "null"), "iv fall-back: 01:30 EST; an empty cell with code A is "
	    "null with A");
	is_str(nth(r, 6), OBS("01646500", "2016-11-06T07:00:00Z", "\"***\"",
	    "null"), "iv fall-back: *** without a code");
	is_str(nth(r, 7), OBS("01646500", "2016-11-06T07:15:00Z",
	    "\"P:Eqp\"", "null"), "iv fall-back: Eqp");
	is_str(nth(r, 8), OBS("01646500", "2016-11-06T07:30:00Z", "\"P\"",
	    "null"), "iv fall-back: -999999 is null");
	is_str(nth(r, 9), OBS("01646500", "2016-11-06T07:45:00Z", "\"P:e\"",
	    "98.5"), "iv fall-back: a padded value is trimmed");
	res_free(r);

	/* Derived: the fall-back body with an unknown zone code. */
	v = replace(fb, "01:30\tEST\t\tA", "01:30\tXST\t\tA", &c);
	r = check("iv bad zone", SF_USGS_RDB_IV, v, strlen(v));
	is_str(r->err, "line 32: tz_cd: zone 'XST': unknown",
	    "iv: an unknown tz_cd is an error naming the line");
	is_int(r->n, 5, "iv: the rows before it were emitted");
	res_free(r);
	free(v);

	/* Derived: Puerto Rico's AST, which sf_time does not know. */
	v = replace(fb, "02:30\tEST", "02:30\tAST", &c);
	r = check("iv AST", SF_USGS_RDB_IV, v, strlen(v));
	is_str(nth(r, 8), OBS("01646500", "2016-11-06T06:30:00Z", "\"P\"",
	    "null"), "iv: AST is UTC-4");
	res_free(r);
	free(v);

	/* The dv parser does not take an iv body's values as daily. */
	r = check("iv as dv", SF_USGS_RDB_DV, iv.buf, iv.len);
	is_int(r->n, 0, "iv as dv: no 00060_00003 column, no records");
	is_int(r->st.skipped, 714, "iv as dv: every row skipped");
	res_free(r);
	free(fb);
	sf_buf_release(&iv);
}

static void
test_rdb_nodata(void)
{
	const char *s;
	struct res *r;

	s = "No sites/data found using the selection criteria specified \n";
	r = check("no sites", SF_USGS_RDB_IV, s, strlen(s));
	is_int(r->rc, 0, "No sites/data found: not an error");
	is_int(r->n, 0, "No sites/data found: no records");
	is_int(r->st.nodata, 1, "No sites/data found: said so");
	res_free(r);

	/* Derived: the dv fixture's first 22 lines, its comments only. */
	s = "# ---------------------------------- WARNING ----\n"
	    "# Provisional data are subject to revision. Go to\n#\n";
	r = check("comments only", SF_USGS_RDB_DV, s, strlen(s));
	is_int(r->rc, 0, "comment-only RDB: not an error");
	is_int(r->n, 0, "comment-only RDB: no records");
	res_free(r);
	r = check("empty body", SF_USGS_RDB_DV, "", 0);
	is_int(r->rc, 0, "empty RDB body: no records, not an error");
	res_free(r);

	s = "<!DOCTYPE html>\n<html><head><title>Error</title></head>\n";
	r = check("html rdb", SF_USGS_RDB_DV, s, strlen(s));
	is_int(r->rc, -1, "HTML page: an error");
	is_str(r->err, "line 1: an HTML page, not RDB", "HTML page: says so");
	res_free(r);
	s = "#\n\n  <HTML>\n";
	r = check("html rdb 2", SF_USGS_RDB_DV, s, strlen(s));
	is_str(r->err, "line 3: an HTML page, not RDB",
	    "HTML after a comment line");
	res_free(r);
	s = "#\nagency_cd\tsite_no\tdatetime\n5s\t15s\tjunk\n";
	r = check("bad format", SF_USGS_RDB_DV, s, strlen(s));
	is_str(r->err, "line 3: not an RDB format row: 'junk'",
	    "a bad format row");
	res_free(r);
	s = "Service unavailable\n";
	r = check("text", SF_USGS_RDB_DV, s, strlen(s));
	is_str(r->err, "line 1: not an RDB header (no site_no column): "
	    "'Service unavailable'", "text that is no RDB");
	res_free(r);
}

static void
test_rdb_site(void)
{
	struct sf_buf b = load("nwis/site_rdb_basic_many_2020_"
	    "dataretrieval.rdb");
	struct res *r;
	char *v;
	int c;

	r = check("site", SF_USGS_RDB_SITE, b.buf, b.len);
	is_int(r->rc, 0, "site: parsed");
	is_int(r->n, 206, "site: 206 stations");
	is_str(nth(r, 0), "{\"kind\":\"station\",\"station\":\"03161500\","
	    "\"agency\":\"USGS\",\"name\":\"SOUTH FORK NEW RIVER NR CRUMPLER, "
	    "NC\",\"latitude\":36.53484707,\"longitude\":-81.3428766,"
	    "\"state\":null,\"huc_code\":\"05050001\","
	    "\"drainage_area_sqmi\":null,\"altitude_ft\":2550.00,"
	    "\"utc_offset\":null,\"uses_dst\":null}",
	    "site: first (padded altitude trimmed; basic output has no "
	    "state, area or zone)");
	ok(strstr(nth(r, 7), "\"station\":\"03178500\"") != NULL &&
	    strstr(nth(r, 7), "\"altitude_ft\":null") != NULL,
	    "site: an empty altitude is null");
	ok(strstr(nth(r, -1), "\"station\":\"03531000\",\"agency\":\"USGS\","
	    "\"name\":\"POWELL RIVER NEAR PENNINGTON GAP, VA\"") != NULL,
	    "site: last");
	res_free(r);

	/*
	 * Derived: expanded output's columns, as the site service sends with
	 * siteOutput=expanded: state_cd, drain_area_va, tz_cd and
	 * local_time_fg added to a header and one row written here.
	 */
	v = "#\nagency_cd\tsite_no\tstation_nm\tdec_lat_va\tdec_long_va\t"
	    "state_cd\tdrain_area_va\ttz_cd\tlocal_time_fg\talt_va\thuc_cd\n"
	    "5s\t15s\t50s\t16s\t16s\t2s\t8s\t6s\t1s\t8s\t16s\n"
	    "USGS\t01646500\tPOTOMAC RIVER NEAR WASH, DC LITTLE FALLS PUMP STA"
	    "\t38.94977778\t-77.12763889\t24\t11560\tEST\tY\t  37.20\t"
	    "02070008\n"
	    "USCE\t12345678\tNOT USGS\t\t\t\t\t\t\t\t\n"
	    "USGS\t50010500\tRIO GUAJATACA AT LARES, PR\t18.3\t-66.9\t72\t"
	    "x\tAST\tN\t\t\n";
	r = check("site expanded", SF_USGS_RDB_SITE, v, strlen(v));
	is_int(r->n, 2, "site expanded: 2 USGS stations");
	is_int(r->st.skipped, 1, "site expanded: the USCE site skipped");
	is_str(nth(r, 0), "{\"kind\":\"station\",\"station\":\"01646500\","
	    "\"agency\":\"USGS\",\"name\":\"POTOMAC RIVER NEAR WASH, DC LITTLE "
	    "FALLS PUMP STA\",\"latitude\":38.94977778,\"longitude\":"
	    "-77.12763889,\"state\":\"MD\",\"huc_code\":\"02070008\","
	    "\"drainage_area_sqmi\":11560,\"altitude_ft\":37.20,"
	    "\"utc_offset\":\"-05:00\",\"uses_dst\":true}",
	    "site expanded: state 24 is MD, EST, local_time_fg Y");
	ok(strstr(nth(r, 1), "\"state\":\"PR\"") != NULL &&
	    strstr(nth(r, 1), "\"drainage_area_sqmi\":null") != NULL &&
	    strstr(nth(r, 1), "\"utc_offset\":\"-04:00\",\"uses_dst\":false")
	    != NULL, "site expanded: PR, a bad area is null, AST, N");
	res_free(r);
	(void)c;
	sf_buf_release(&b);
}


static void
test_states(void)
{
	is_str(sf_usgs_state_postal("09"), "CT", "FIPS 09 is CT");
	is_str(sf_usgs_state_postal("72"), "PR", "FIPS 72 is PR");
	ok(sf_usgs_state_postal("03") == NULL, "FIPS 03 is none");
	is_str(sf_usgs_state_fips("va"), "51", "va is FIPS 51");
	ok(sf_usgs_state_fips("XX") == NULL, "XX is none");
	is_str(sf_usgs_collection(SF_USGS_LOCATIONS), "monitoring-locations",
	    "collection names");
	ok(sf_usgs_collection(SF_USGS_RDB_DV) == NULL, "no collection for "
	    "NWIS");
}

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/*
 * A daily page of n features in the layout of the fixture's (every
 * property, a point geometry, compact), for one station on consecutive
 * days from 1900-01-01; with a next link.
 */
static char *
big_daily(long n)
{
	struct sf_buf b = SF_BUF_INIT;
	char day[SF_DATE_LEN];
	int64_t t0;
	long i;

	sf_time_parse_date("1900-01-01", &t0, NULL);
	sf_buf_adds(&b, "{\"type\":\"FeatureCollection\",\"features\":[");
	for (i = 0; i < n; i++) {
		sf_time_format_date(t0 + (int64_t)i * 86400, day);
		sf_buf_addf(&b, "%s{\"geometry\":{\"coordinates\":"
		    "[-89.35249999999999,43.20888888888889],"
		    "\"type\":\"Point\"},"
		    "\"id\":\"%08lx-9ef8-468d-b436-a55022d254e6\","
		    "\"properties\":{\"approval_status\":\"%s\","
		    "\"last_modified\":\"2026-07-30T15:43:16.002990+00:00\","
		    "\"monitoring_location_id\":\"USGS-05427718\","
		    "\"parameter_code\":\"00060\",\"qualifier\":%s,"
		    "\"statistic_id\":\"00003\",\"time\":\"%s\","
		    "\"time_series_id\":\"90a0ea0b6d99431e9f3d91da1aa49564\","
		    "\"unit_of_measure\":\"ft^3/s\",\"value\":\"%ld.%ld\"},"
		    "\"type\":\"Feature\"}", i ? "," : "", i,
		    i % 3 ? "Approved" : "Provisional",
		    i % 10 ? "null" : "[\"ICE\"]", day, 10 + i % 900, i % 10);
	}
	sf_buf_addf(&b, "],\"numberReturned\":%ld,\"links\":[{\"rel\":"
	    "\"next\",\"href\":\"https://example.org/?cursor=abc\"}]}", n);
	return sf_buf_detach(&b);
}

struct count {
	struct sf_writer *w;
	long n;
	struct sf_usgs *u;
	long total;
	size_t mem_at_1000, mem_at_last;
};

static int
count_put(void *arg, const struct sf_rec *r)
{
	struct count *k = arg;

	if (k->w && sf_writer_put(k->w, r, NULL) == -1)
		return 1;
	if (++k->n == 1000)
		k->mem_at_1000 = sf_usgs_mem(k->u);
	if (k->n == k->total)
		k->mem_at_last = sf_usgs_mem(k->u);
	return 0;
}

static void
test_big_page(void)
{
	long n = 50000;
	char *body = big_daily(n);
	size_t len = strlen(body), off, k;
	struct count c = { NULL, 0, NULL, 50000, 0, 0 };
	struct sf_err err;
	FILE *devnull = fopen("/dev/null", "w");
	double t;
	int rc = 0;

	c.w = sf_writer_new(devnull, SF_FMT_NDJSON);
	c.u = sf_usgs_new(SF_USGS_DAILY, "cfg", count_put, &c);
	t = now();
	for (off = 0; rc == 0 && off < len; off += k) {
		k = len - off < 65536 ? len - off : 65536;
		rc = sf_usgs_feed(c.u, body + off, k, &err);
	}
	if (rc == 0)
		rc = sf_usgs_end(c.u, &err);
	t = now() - t;
	is_int(rc, 0, "big page: parsed");
	is_int(c.n, n, "big page: 50,000 records");
	is_str(sf_usgs_next(c.u), "https://example.org/?cursor=abc",
	    "big page: next link after 50,000 features");
	ok(c.mem_at_1000 > 0 && c.mem_at_last == c.mem_at_1000,
	    "big page: memory at the 50,000th feature is what it was at the "
	    "1,000th");
	ok(sf_usgs_mem(c.u) < 16384, "big page: and it is small");
	printf("# big daily page: %ld features, %.1f MB, %.3f s, %.0f rows/s "
	    "to NDJSON, parser memory %zu bytes\n", n, len / 1e6, t,
	    t > 0 ? n / t : 0.0, sf_usgs_mem(c.u));
	sf_usgs_free(c.u);
	sf_writer_free(c.w);
	fclose(devnull);
	free(body);
}

/*
 * FAST reads features of the shape it learnt without reading their keys:
 * a page of features of that shape and of others (a null value, a
 * qualifier array, an escape, the keys in another order, ...) must give
 * the records each feature gives alone in a page, where no shape is
 * learnt before it.
 */
static void
test_shape(void)
{
#define SF(mlid, q, t, v) "{\"type\":\"Feature\",\"id\":\"x\"," \
	"\"geometry\":null,\"properties\":{\"approval_status\":" \
	"\"Approved\",\"monitoring_location_id\":\"" mlid "\"," \
	"\"qualifier\":" q ",\"time\":\"2024-01-" t "\"," \
	"\"unit_of_measure\":\"ft^3/s\",\"value\":" v "}}"
	static const char *const feats[] = {
		SF("USGS-01", "null", "01", "\"1.5\""),
		SF("USGS-01", "null", "02", "\"2\""),
		SF("USGS-02", "null", "03", "\"3.25\""),
		SF("USGS-02", "null", "04", "null"),
		SF("USGS-02", "[\"ICE\"]", "05", "\"5\""),
		SF("USGS-03", "\"EQP\"", "06", "\"6\""),
		SF("USGS-03", "null", "07", "\"\""),
		SF("USGS-03", "null", "08", "\"8e2\""),
		SF("USGS-0\\u0034", "null", "09", "\"9\""),
		"{\"type\":\"Feature\",\"properties\":{\"value\":\"11\","
		    "\"time\":\"2024-01-11\",\"monitoring_location_id\":"
		    "\"USGS-04\"}}",
		SF("USGS-04", "null", "12", "\"12\""),
		SF("USGS-05", "null", "13", "\"13\""),
		SF("USGS-05", "null", "14", "\"x\""),	/* fails the page */
		SF("USGS-05", "null", "15", "\"15\""),
	};
	struct sf_buf page = SF_BUF_INIT, one = SF_BUF_INIT;
	struct sf_buf want = SF_BUF_INIT;
	struct res *r;
	size_t i, n = sizeof(feats) / sizeof(feats[0]);
	long recs = 0;
	int failed = 0;

	sf_buf_adds(&page, "{\"type\":\"FeatureCollection\",\"features\":[");
	for (i = 0; i < n; i++) {
		if (i > 0)
			sf_buf_addc(&page, ',');
		sf_buf_adds(&page, feats[i]);
		sf_buf_reset(&one);
		sf_buf_addf(&one, "{\"type\":\"FeatureCollection\","
		    "\"features\":[%s],\"numberReturned\":1,\"links\":[]}",
		    feats[i]);
		r = parse(SF_USGS_DAILY, one.buf, one.len, 0, 0);
		if (r->rc != 0)		/* the big page stops at it */
			failed = 1;
		else if (!failed) {
			sf_buf_adds(&want, r->text);
			recs += r->n;
		}
		res_free(r);
	}
	sf_buf_addf(&page, "],\"numberReturned\":%zu,\"links\":[]}", n);
	r = check("shape: features of the shape learnt and of others",
	    SF_USGS_DAILY, page.buf, page.len);
	is_int(r->n, recs, "shape: the records of the features alone");
	is_str(r->text, want.buf, "  the same records");
	ok(strstr(r->text, "\"observed_at\":\"2024-01-04T00:00:00Z\","
	    "\"discharge\":null") != NULL, "  a null value is null");
	ok(strstr(r->text, "\"station\":\"04\",\"agency\":\"USGS\","
	    "\"type\":\"daily_mean\",\"observed_at\":\"2024-01-09") != NULL,
	    "  an escaped station is decoded");
	ok(r->rc != 0 && strstr(r->err, "'x'") != NULL && recs == 12,
	    "  the bad value fails the page where it is");
	res_free(r);
	sf_buf_release(&page);
	sf_buf_release(&one);
	sf_buf_release(&want);
#undef SF
}

/*
 * sf_usgs_peek_next(body's tail) against sf_usgs_next after the parse:
 * the recorded page with a next link as it was written (pretty-printed)
 * and compact, its tail alone, and bodies derived from it.
 */
static void
test_peek_next(void)
{
	static const char *const tails[] = {
		/* an escaped href is decoded as the parser decodes it */
		"{\"type\":\"FeatureCollection\",\"features\":[{\"type\":"
		"\"Feature\",\"properties\":{\"monitoring_location_id\":"
		"\"USGS-01\",\"time\":\"2024-01-01\",\"value\":\"1\","
		"\"unit_of_measure\":\"ft^3/s\"}}],\"numberReturned\":1,"
		"\"links\":[{\"rel\":\"self\",\"href\":\"http:\\/\\/h\\/a\"},"
		"{\"href\":\"http:\\/\\/h\\/a?c=1\\u0026d=2\",\"rel\":"
		"\"next\"}],\"timeStamp\":\"2026-01-01T00:00:00Z\"}",
	};
	static const struct {
		const char *from, *to, *what;
	} cant[] = {
		{ "\"numberReturned\":10", "\"numberReturned\":0",
		    "peek: numberReturned 0 (an empty page ends the window)" },
		{ "\"rel\":\"next\"", "\"rel\":\"prev\"",
		    "peek: no next link (the last page)" },
		{ "\"numberReturned\"", "\"numberMatched\"",
		    "peek: no numberReturned: cannot tell" },
	};
	struct sf_buf b = load("waterdata/monitoring_locations_10features_"
	    "with_next_cursor_2025_etl_project_02.json");
	struct sf_buf next = SF_BUF_INIT;
	struct res *r;
	json_error_t je;
	json_t *v;
	char *compact, *s, *t;
	size_t i, n;
	int count, count2;

	r = parse(SF_USGS_LOCATIONS, b.buf, b.len, 0, 0);
	ok(r->rc == 0 && r->next != NULL, "the recorded page has a next link");
	is_int(sf_usgs_peek_next(b.buf, b.len, &next), 1,
	    "peek: the recorded page, as written");
	is_str(next.buf, r->next ? r->next : "", "  the parser's next link");
	n = b.len > 2000 ? 2000 : b.len;
	is_int(sf_usgs_peek_next(b.buf + b.len - n, n, &next), 1,
	    "peek: its last 2,000 bytes alone");
	is_str(next.buf, r->next ? r->next : "", "  the same link");
	v = json_loadb(b.buf, b.len, 0, &je);
	compact = json_dumps(v, JSON_COMPACT | JSON_PRESERVE_ORDER);
	json_decref(v);
	is_int(sf_usgs_peek_next(compact, strlen(compact), &next), 1,
	    "peek: the page compact");
	is_str(next.buf, r->next ? r->next : "", "  the same link");
	is_int(sf_usgs_peek_next(compact, strlen(compact) - 300, &next), 0,
	    "peek: a tail cut short: cannot tell");
	ok(next.len == 0, "  and no link");
	for (i = 0; i < sizeof(cant) / sizeof(cant[0]); i++) {
		s = replace(compact, cant[i].from, cant[i].to, &count);
		is_int(count == 1 && sf_usgs_peek_next(s, strlen(s), &next),
		    0, cant[i].what);
		free(s);
	}
	/* numberReturned and a second links array after the first: the
	 * parser keeps the first's next link, peek reads from the last
	 * numberReturned on; sf_fetchrun follows the parser's when they
	 * differ */
	t = replace(compact, "\"numberReturned\":10,", "", &count);
	s = replace(t, "\"timeStamp\"", "\"numberReturned\":10,\"links\":"
	    "[{\"rel\":\"next\",\"href\":\"http://h/other\"}],\"timeStamp\"",
	    &count2);
	count = count == 1 && count2 == 1;
	free(t);
	res_free(r);
	r = parse(SF_USGS_LOCATIONS, s, strlen(s), 0, 0);
	is_int(count && sf_usgs_peek_next(s, strlen(s), &next), 1,
	    "peek: two links arrays");
	ok(r->next != NULL && strcmp(next.buf, "http://h/other") == 0 &&
	    strcmp(r->next, next.buf) != 0, "  peek reads the last, the "
	    "parser keeps the first");
	free(s);
	res_free(r);
	r = parse(SF_USGS_DAILY, tails[0], strlen(tails[0]), 0, 0);
	is_int(sf_usgs_peek_next(tails[0], strlen(tails[0]), &next), 1,
	    "peek: an escaped href");
	is_str(next.buf, "http://h/a?c=1&d=2", "  decoded");
	is_str(r->next ? r->next : "", next.buf, "  as the parser has it");
	res_free(r);
	free(compact);
	sf_buf_release(&next);
	sf_buf_release(&b);
}

int
main(void)
{
	test_daily();
	test_continuous();
	test_locations();
	test_empty_and_errors();
	test_fast_features();
	test_rdb_dv();
	test_rdb_iv();
	test_rdb_nodata();
	test_rdb_site();
	test_states();
	test_big_page();
	test_shape();
	test_peek_next();
	return tap_done();
}
