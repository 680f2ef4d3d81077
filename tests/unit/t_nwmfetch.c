/*
 * t_nwmfetch: the NWPS side of sf-fetch-nwm (sf_nwmfetch): which series
 * and id a request asks, the URLs, the messages, and the records and
 * mappings an answer gives. The bodies are small ones written here in the
 * shape of the samples of tests/data/fixtures/noaa/nwps (t_nwps reads
 * those): only their shape matters here.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tap.h"
#include "sf_buf.h"
#include "sf_err.h"
#include "sf_http.h"
#include "sf_nwmfetch.h"
#include "sf_rec.h"
#include "sf.h"

#define BASE "http://127.0.0.1:8080/nwps/v1"

/* A request record, its fields borrowed: NULL is null. */
static struct sf_rec
req(const char *station, const char *agency, const char *type,
    const char *source, const char *target)
{
	struct sf_rec r;

	sf_rec_clear(&r, SF_KIND_REQUEST);
	r.f[SF_REQ_CONFIG] = "cfg";
	r.f[SF_REQ_STATION] = station;
	r.f[SF_REQ_AGENCY] = agency;
	r.f[SF_REQ_TYPE] = type;
	r.f[SF_REQ_SOURCE] = source;
	r.f[SF_REQ_TARGET_ID] = target;
	return r;
}

static void
test_series(void)
{
	enum sf_nwps_series s = SF_NWPS_NSERIES;

	ok(sf_nwmfetch_series_of_source("NWM_LONG_RANGE", &s) == 0 &&
	    s == SF_NWPS_LONG_RANGE, "source NWM_LONG_RANGE");
	ok(sf_nwmfetch_series_of_source("nwm_long_range", &s) == -1,
	    "a source is upper case");
	ok(sf_nwmfetch_series_of_type(NULL, &s) == 0 && s == SF_NWPS_RFC,
	    "no type: rfc");
	s = SF_NWPS_NSERIES;
	ok(sf_nwmfetch_series_of_type("realtime_15min", &s) == 0 &&
	    s == SF_NWPS_RFC, "an observation type: rfc");
	ok(sf_nwmfetch_series_of_type("NWM_MEDIUM_RANGE", &s) == 0 &&
	    s == SF_NWPS_MEDIUM_RANGE, "a type that names a source");
	ok(sf_nwmfetch_series_of_type("hourly", &s) == -1, "another type");
}

static void
test_request(void)
{
	struct sf_nwmfetch_job q;
	struct sf_err err;
	struct sf_rec r;
	enum sf_nwps_series forced = SF_NWPS_MEDIUM_RANGE;

	r = req("01427510", "USGS", "NWM_SHORT_RANGE", NULL, "2617456");
	ok(sf_nwmfetch_request(&r, NULL, &q, &err) == 0 &&
	    q.kind == SF_NWMFETCH_FORECAST &&
	    q.series == SF_NWPS_SHORT_RANGE && sf_nwmfetch_is_reach(&q),
	    "the type names the series");
	is_str(q.id, "2617456", "the id is the target_id");

	r = req("01427510", "USGS", "daily_mean", "NWM_LONG_RANGE", "2617456");
	ok(sf_nwmfetch_request(&r, NULL, &q, &err) == 0 &&
	    q.series == SF_NWPS_LONG_RANGE, "the source wins over the type");
	ok(sf_nwmfetch_request(&r, &forced, &q, &err) == 0 &&
	    q.series == SF_NWPS_MEDIUM_RANGE, "--series wins over both");

	r = req("07227500", "USGS", NULL, NULL, "AMAT2");
	ok(sf_nwmfetch_request(&r, NULL, &q, &err) == 0 &&
	    q.series == SF_NWPS_RFC && !sf_nwmfetch_is_reach(&q),
	    "no type, no source: the RFC forecast at a gauge");

	r = req("07227500", "USGS", NULL, "NWM_TINY", "AMAT2");
	ok(sf_nwmfetch_request(&r, NULL, &q, &err) == -1, "unknown source");
	is_str(err.msg, "source 'NWM_TINY': not a forecast source (NOAA_RFC, "
	    "NWM_SHORT_RANGE, NWM_MEDIUM_RANGE, NWM_LONG_RANGE)",
	    "its message");
	r = req("07227500", "USGS", "hourly", NULL, "AMAT2");
	ok(sf_nwmfetch_request(&r, NULL, &q, &err) == -1, "unknown type");
	is_str(err.msg, "type 'hourly': not a forecast source (NOAA_RFC, "
	    "NWM_SHORT_RANGE, NWM_MEDIUM_RANGE, NWM_LONG_RANGE) nor an "
	    "observation type", "its message");

	r = req("01427510", "USGS", "NWM_SHORT_RANGE", NULL, "");
	ok(sf_nwmfetch_request(&r, NULL, &q, &err) == -1 && q.id == NULL,
	    "an empty target_id");
	is_str(err.msg, "no target_id: put 'sf-map --to NWM' before "
	    "sf-fetch-nwm", "says which mapping is missing");
	r = req("15258000", "USGS", NULL, NULL, NULL);
	ok(sf_nwmfetch_request(&r, NULL, &q, &err) == -1, "no target_id");
	is_str(err.msg, "no target_id: put 'sf-map --to NOAA-HADS' before "
	    "sf-fetch-nwm", "a gauge's mapping");

	r = req("08010000", "USGS", NULL, NULL, "AMAT2/x");
	ok(sf_nwmfetch_request(&r, NULL, &q, &err) == -1 && q.id == NULL,
	    "a lid outside its grammar is not asked, nor kept");
	ok(strstr(err.msg, "not an NWS location id") != NULL, "its message");
	r = req("08010000", "USGS", "NWM_SHORT_RANGE", NULL, "AMAT2");
	ok(sf_nwmfetch_request(&r, NULL, &q, &err) == -1 && q.id == NULL,
	    "a lid is no reach id");
	ok(strstr(err.msg, "not an NWM reach id") != NULL, "its message");
}

static void
test_gauge_request(void)
{
	struct sf_nwmfetch_job q;
	struct sf_err err;
	struct sf_rec r;

	r = req("15258000", NULL, NULL, NULL, NULL);
	ok(sf_nwmfetch_gauge_request(&r, &q, &err) == 0 &&
	    q.kind == SF_NWMFETCH_GAUGE, "a USGS number by its look");
	is_str(q.id, "15258000", "asked as itself");
	r = req("08MF005", NULL, NULL, NULL, NULL);
	ok(sf_nwmfetch_gauge_request(&r, &q, &err) == -1,
	    "an EC number by its look");
	is_str(err.msg, "station '08MF005': not a USGS station (NWPS knows "
	    "USGS numbers only)", "its message");
	r = req("15258000", "EC", NULL, NULL, NULL);
	ok(sf_nwmfetch_gauge_request(&r, &q, &err) == -1,
	    "the agency given wins over the look");
}

static void
test_option_request(void)
{
	struct sf_nwmfetch_job q;
	struct sf_err err;
	struct sf_rec r;

	sf_nwmfetch_option_request(&r, NULL, "2617456", 1,
	    SF_NWPS_LONG_RANGE);
	is_str(r.f[SF_REQ_AGENCY], "NWM", "--reach: agency NWM");
	is_str(r.f[SF_REQ_SOURCE], "NWM_LONG_RANGE", "source of the series");
	is_str(r.f[SF_REQ_STATION], "2617456", "the station is the id");
	ok(r.f[SF_REQ_CONFIG] == NULL, "no config");
	ok(sf_nwmfetch_request(&r, NULL, &q, &err) == 0 &&
	    q.series == SF_NWPS_LONG_RANGE, "asks the series");
	sf_nwmfetch_option_request(&r, "c", "AMAT2", 0, SF_NWPS_LONG_RANGE);
	is_str(r.f[SF_REQ_AGENCY], "NOAA-HADS", "--gauge: agency NOAA-HADS");
	is_str(r.f[SF_REQ_TYPE], "NOAA_RFC", "a gauge asks rfc");
	is_str(r.f[SF_REQ_CONFIG], "c", "the config");
}

static void
test_url(void)
{
	struct sf_nwmfetch_job q;
	struct sf_buf b = SF_BUF_INIT;

	memset(&q, 0, sizeof(q));
	q.kind = SF_NWMFETCH_FORECAST;
	q.series = SF_NWPS_RFC;
	q.id = "AMAT2";
	sf_nwmfetch_url(&b, BASE, &q);
	is_str(b.buf, BASE "/gauges/AMAT2/stageflow/forecast", "rfc");
	q.series = SF_NWPS_MEDIUM_RANGE_BLEND;
	q.id = "2617456";
	sf_nwmfetch_url(&b, BASE, &q);
	is_str(b.buf, BASE "/reaches/2617456/streamflow?"
	    "series=medium_range_blend", "a reach, reset first");
	q.kind = SF_NWMFETCH_GAUGE;
	q.id = "a/b c";
	sf_nwmfetch_url(&b, BASE, &q);
	is_str(b.buf, BASE "/gauges/a%2Fb%20c", "a gauge, its id one segment");
	sf_buf_release(&b);
}

static void
test_messages(void)
{
	struct sf_nwmfetch_job q;
	struct sf_buf b = SF_BUF_INIT;

	memset(&q, 0, sizeof(q));
	q.kind = SF_NWMFETCH_FORECAST;
	q.id = "AMAT2";
	sf_nwmfetch_station(&b, "07227500", q.id);
	sf_nwmfetch_subject(&b, &q);
	is_str(b.buf, "station '07227500': gauge 'AMAT2'", "station, gauge");
	sf_buf_reset(&b);
	sf_nwmfetch_station(&b, "AMAT2", q.id);
	sf_nwmfetch_subject(&b, &q);
	is_str(b.buf, "gauge 'AMAT2'", "no station when it is the id");
	sf_buf_reset(&b);
	sf_nwmfetch_station(&b, "AMAT2", NULL);
	is_str(b.buf, "station 'AMAT2': ", "the station when no id");
	sf_buf_reset(&b);
	q.series = SF_NWPS_SHORT_RANGE;
	q.id = "2617456";
	sf_nwmfetch_subject(&b, &q);
	is_str(b.buf, "reach '2617456'", "a reach");
	sf_buf_reset(&b);
	q.kind = SF_NWMFETCH_GAUGE;
	q.id = "01646500";
	sf_nwmfetch_subject(&b, &q);
	is_str(b.buf, "station '01646500'", "--mappings: a USGS number");
	sf_buf_reset(&b);
	q.id = "BFOF1";
	sf_nwmfetch_subject(&b, &q);
	is_str(b.buf, "gauge 'BFOF1'", "--mappings: a lid");
	sf_buf_release(&b);
}

static void
test_failure(void)
{
	static const char json[] = "{\"code\":5,\"message\":\"gauge not "
	    "found\"}";
	struct sf_nwps *body = sf_nwps_new(0);
	struct sf_http_res res;
	struct sf_buf b = SF_BUF_INIT;

	memset(&res, 0, sizeof(res));
	snprintf(res.err.msg, sizeof(res.err.msg), "GET U: HTTP 404");
	res.rc = -1;
	res.errbody = json;
	res.errbody_len = strlen(json);
	sf_nwps_feed(body, "stale", 5, NULL);
	sf_nwmfetch_failure(&b, &res, body);
	is_str(b.buf, "GET U: HTTP 404: gauge not found",
	    "what the error body says");
	sf_buf_reset(&b);
	res.errbody = "";
	res.errbody_len = 0;
	sf_nwmfetch_failure(&b, &res, body);
	is_str(b.buf, "GET U: HTTP 404", "no error body");
	sf_buf_release(&b);
	sf_nwps_free(body);
}

static void
test_words(void)
{
	struct sf_nwmfetch_job q;
	struct sf_buf rec = SF_BUF_INIT, line = SF_BUF_INIT;

	memset(&q, 0, sizeof(q));
	q.kind = SF_NWMFETCH_FORECAST;
	q.id = "XXXX1";
	sf_nwmfetch_words("15258000", &q, "GET U: HTTP 404", &rec, &line);
	is_str(rec.buf, "gauge 'XXXX1': GET U: HTTP 404",
	    "the record names the gauge");
	is_str(line.buf, "station '15258000': gauge 'XXXX1': GET U: HTTP 404",
	    "the line the station too");
	sf_buf_reset(&rec);
	sf_buf_reset(&line);
	sf_nwmfetch_words("XXXX1", &q, "GET U: HTTP 404", &rec, &line);
	is_str(line.buf, "gauge 'XXXX1': GET U: HTTP 404",
	    "not the station when it is the gauge");
	sf_buf_reset(&rec);
	sf_buf_reset(&line);
	q.id = NULL;
	sf_nwmfetch_words("15258000", &q, "no target_id", &rec, &line);
	is_str(rec.buf, "no target_id", "a refused request: the reason");
	is_str(line.buf, "station '15258000': no target_id",
	    "after the station");
	sf_buf_release(&rec);
	sf_buf_release(&line);
}

/* What emit got: one line per record, "station|target_id|valid_at|flow". */
struct out {
	struct sf_buf text;
	int refuse;		/* fail at the first record */
};

static int
collect(void *arg, const struct sf_rec *rec)
{
	struct out *o = arg;

	if (o->refuse)
		return -1;
	sf_buf_addf(&o->text, "%s|%s|%s|%s\n", rec->f[SF_FC_STATION],
	    rec->f[SF_FC_TARGET_ID], rec->f[SF_FC_VALID_AT],
	    rec->f[SF_FC_DISCHARGE] ? rec->f[SF_FC_DISCHARGE] : "\\N");
	return 0;
}

/* Feeds s to a new parser. */
static struct sf_nwps *
body_of(const char *s)
{
	struct sf_nwps *p = sf_nwps_new(0);

	sf_nwps_feed(p, s, strlen(s), NULL);
	return p;
}

static void
test_forecast(void)
{
	static const char rfc[] = "{\"issuedTime\":\"2026-10-02T07:13:00Z\","
	    "\"primaryUnits\":\"ft\",\"secondaryUnits\":\"kcfs\",\"data\":["
	    "{\"validTime\":\"2026-10-02T12:00:00Z\",\"primary\":3.1,"
	    "\"secondary\":1.21},"
	    "{\"validTime\":\"2026-10-02T18:00:00Z\",\"primary\":3.2,"
	    "\"secondary\":-999}]}";
	static const char none[] = "{\"issuedTime\":\"0001-01-01T00:00:00Z\","
	    "\"primaryUnits\":\"\",\"secondaryUnits\":\"\",\"data\":[]}";
	static const char cut[] = "{\"issuedTime\":\"2026-10-02T07:13:00Z\","
	    "\"primaryUnits\":\"ft\",\"secondaryUnits\":\"kcfs\",\"data\":["
	    "{\"validTime\":\"2026-10-02T12:00:00Z\",\"secondary\":1},"
	    "{\"validTime\":\"2026-13-02T18:00:00Z\",\"secondary\":2}]}";
	struct sf_nwmfetch_job q;
	struct sf_nwps_info info;
	struct sf_buf notes = SF_BUF_INIT;
	struct out o = { SF_BUF_INIT, 0 };
	struct sf_nwps *p;
	struct sf_err err;
	struct sf_rec r;

	r = req("07227500", "USGS", NULL, NULL, "AMAT2");
	ok(sf_nwmfetch_request(&r, NULL, &q, &err) == 0, "an RFC request");
	p = body_of(rfc);
	ok(sf_nwmfetch_forecast(p, &q, &r, collect, &o, sf_note_buf,
	    &notes, &info, &err) == 0, "a forecast");
	is_str(o.text.buf, "07227500|AMAT2|2026-10-02T12:00:00Z|1210\n"
	    "07227500|AMAT2|2026-10-02T18:00:00Z|\\N\n", "its records");
	is_int(info.records, 2, "counted");
	is_str(notes.buf, "0 station '07227500': gauge 'AMAT2': 2 records, "
	    "run 2026-10-02T07:13:00Z, 1 missing values\n", "its note");
	sf_nwps_free(p);

	sf_buf_reset(&o.text);
	sf_buf_reset(&notes);
	p = body_of(none);
	ok(sf_nwmfetch_forecast(p, &q, &r, collect, &o, sf_note_buf,
	    &notes, &info, &err) == 0 && info.no_forecast,
	    "no forecast issued: not an error");
	is_str(o.text.buf, "", "no record");
	is_str(notes.buf, "2 station '07227500': gauge 'AMAT2': no NOAA_RFC "
	    "forecast issued\n", "a warning");
	sf_nwps_free(p);

	sf_buf_reset(&notes);
	p = body_of(cut);
	ok(sf_nwmfetch_forecast(p, &q, &r, collect, &o, sf_note_buf,
	    &notes, &info, &err) == -1, "a body bad half way");
	is_str(o.text.buf, "", "gives no record at all");
	is_str(notes.buf, "", "and no note");
	ok(strncmp(err.msg, "nwps: data[1]", 13) == 0,
	    "the error names the place");
	sf_nwps_free(p);

	o.refuse = 1;
	p = body_of(rfc);
	ok(sf_nwmfetch_forecast(p, &q, &r, collect, &o, sf_note_buf,
	    &notes, &info, &err) == -2, "the output fails: -2");
	sf_nwps_free(p);
	sf_buf_release(&o.text);
	sf_buf_release(&notes);
}

static void
test_gauge(void)
{
	struct sf_nwmfetch_job q;
	struct sf_buf csv = SF_BUF_INIT, notes = SF_BUF_INIT;
	struct sf_nwps *p;
	struct sf_err err;

	memset(&q, 0, sizeof(q));
	q.kind = SF_NWMFETCH_GAUGE;
	q.id = "15258000";
	p = body_of("{\"lid\":\"SWDA2\",\"usgsId\":\"15258000\","
	    "\"reachId\":\"81007000\"}");
	is_int(sf_nwmfetch_gauge(p, &q, &csv, sf_note_buf, &notes, &err),
	    2, "a gauge with both ids: two mappings");
	is_str(csv.buf, "USGS,15258000,NOAA-HADS,SWDA2\n"
	    "USGS,15258000,NWM,81007000\n", "as mapping CSV");
	is_str(notes.buf, "", "nothing to say");
	sf_nwps_free(p);

	sf_buf_reset(&csv);
	p = body_of("{\"lid\":\"SWDA2\",\"usgsId\":\"15258000\"}");
	is_int(sf_nwmfetch_gauge(p, &q, &csv, sf_note_buf, &notes, &err),
	    1, "no reach: one mapping");
	is_str(notes.buf, "0 station '15258000': gauge 'SWDA2' has no NWM "
	    "reach\n", "noted");
	sf_nwps_free(p);

	sf_buf_reset(&csv);
	sf_buf_reset(&notes);
	q.id = "BFOF1";
	p = body_of("{\"lid\":\"BFOF1\",\"usgsId\":\"\",\"reachId\":\"\"}");
	is_int(sf_nwmfetch_gauge(p, &q, &csv, sf_note_buf, &notes, &err),
	    0, "no USGS number: no mapping");
	is_str(notes.buf, "2 gauge 'BFOF1': no USGS station number: no "
	    "mapping\n", "a warning");
	sf_nwps_free(p);

	p = body_of("[]");
	is_int(sf_nwmfetch_gauge(p, &q, &csv, sf_note_buf, &notes, &err),
	    -1, "not a gauge");
	ok(strncmp(err.msg, "nwps: ", 6) == 0, "sf_nwps's error");
	sf_nwps_free(p);
	sf_buf_release(&csv);
	sf_buf_release(&notes);
}

int
main(void)
{
	test_series();
	test_request();
	test_gauge_request();
	test_option_request();
	test_url();
	test_messages();
	test_failure();
	test_words();
	test_forecast();
	test_gauge();
	return tap_done();
}
