/* t_serve: sf_serve's query-string parser, router and encoder. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tap.h"
#include "sf_buf.h"
#include "sf_err.h"
#include "sf_rec.h"
#include "sf_serve.h"
#include "sf_time.h"
#include "sf.h"

static struct sf_serve_qs qs;
static struct sf_serve_req req;

/* Parses s; returns 0 or -1 (err in msg). */
static int
qp(const char *s, struct sf_err *err)
{
	return sf_serve_qs_parse(s, strlen(s), &qs, err);
}

static void
test_qs(void)
{
	struct sf_err err;
	char big[SF_SERVE_URI_MAX + 10];
	size_t i;

	is_int(qp("", &err), 0, "empty query string");
	is_int(qs.n, 0, "no parameters");
	is_int(qp("a=1&b=two&&c", &err), 0, "pairs, an empty piece, a bare key");
	is_int(qs.n, 3, "three parameters");
	is_str(sf_serve_qs_get(&qs, "b"), "two", "value of b");
	is_str(sf_serve_qs_get(&qs, "c"), "", "a bare key has the value ''");
	ok(sf_serve_qs_get(&qs, "d") == NULL, "a missing key is NULL");
	is_int(qp("name=LITTLE+FALLS%2C%20MD", &err), 0, "escapes");
	is_str(sf_serve_qs_get(&qs, "name"), "LITTLE FALLS, MD",
	    "'+' and %XX decoded");
	is_int(qp("start=2024-01-01T00%3A00%3A00Z", &err), 0, "colons");
	is_str(sf_serve_qs_get(&qs, "start"), "2024-01-01T00:00:00Z",
	    "decoded");

	is_int(qp("a=%zz", &err), -1, "a bad escape");
	ok(strstr(err.msg, "parameter 'a'") != NULL, "names the parameter");
	is_int(qp("a=%4", &err), -1, "an escape cut short");
	is_int(qp("a=%", &err), -1, "a lone %");
	is_int(qp("a=%00", &err), -1, "a NUL byte");
	is_int(qp("a=%0a", &err), -1, "a line feed");
	is_int(qs.n, 0, "a failed parse leaves no parameters");
	is_int(qp("A=1", &err), -1, "upper case key");
	is_int(qp("=1", &err), -1, "empty key");
	is_int(qp("a%3D=1", &err), -1, "an escaped '=' in a key");
	is_int(qp("a=1&a=2", &err), -1, "a repeated key");
	ok(strstr(err.msg, "given twice") != NULL, "says so");
	is_int(qp("a&b&c&d&e&f&g&h&i&j&k&l&m&n&o&p", &err), 0,
	    "16 parameters");
	is_int(qp("a&b&c&d&e&f&g&h&i&j&k&l&m&n&o&p&q", &err), -1,
	    "17 parameters");
	memset(big, 'x', sizeof(big));
	memcpy(big, "a=", 2);
	big[SF_SERVE_VALUE_MAX + 2] = '\0';
	is_int(qp(big, &err), 0, "a value of the longest length");
	big[SF_SERVE_VALUE_MAX + 2] = 'x';
	big[SF_SERVE_VALUE_MAX + 3] = '\0';
	is_int(qp(big, &err), -1, "one byte more");
	big[sizeof(big) - 1] = '\0';
	is_int(sf_serve_qs_parse(big, strlen(big), &qs, &err), -1,
	    "longer than the URI limit");
	/* the most the buffer can hold: 15 bare keys and one long pair */
	memset(big, 0, sizeof(big));
	for (i = 0; i < 15; i++) {
		big[2 * i] = (char)('a' + i);
		big[2 * i + 1] = '&';
	}
	memcpy(big + 30, "z=", 2);
	memset(big + 32, 'x', SF_SERVE_URI_MAX - 32);
	is_int(sf_serve_qs_parse(big, SF_SERVE_URI_MAX, &qs, &err), -1,
	    "15 keys and a value as long as the limit allows: too long");
	ok(strstr(err.msg, "parameter 'z': longer than") != NULL,
	    "refused for its length");
	ok(qs.p[0].key == qs.buf && qs.p[14].key == qs.buf + 42,
	    "decoding it stayed within the buffer: the pairs after it whole");
	memset(big + 32, 'x', SF_SERVE_VALUE_MAX);
	big[32 + SF_SERVE_VALUE_MAX] = '\0';
	is_int(qp(big, &err), 0, "16 parameters, the last of the longest value");
	is_int(qs.n, 16, "all there");
	is_int(strlen(sf_serve_qs_get(&qs, "z")), SF_SERVE_VALUE_MAX,
	    "the long one whole");
	/* every byte value in a value: never a crash, controls refused */
	for (i = 1; i < 256; i++) {
		char s[8];

		snprintf(s, sizeof(s), "v=%%%02zx", i);
		if (qp(s, &err) != (i < 0x20 || i == 0x7f ? -1 : 0))
			break;
	}
	is_int(i, 256, "each escaped byte: controls refused, others kept");
}

static void
test_route(void)
{
	struct sf_err err;

	is_int(sf_serve_route("GET", "/", NULL, &req, &err), 0, "/");
	is_int(req.ep, SF_EP_INDEX, "the index");
	is_int(sf_serve_route("GET", "/stations/01646500/observations"
	    "?type=daily_mean&format=csv", NULL, &req, &err), 0,
	    "observations");
	is_int(req.ep, SF_EP_OBS, "endpoint");
	is_str(req.id, "01646500", "station");
	is_int(req.fmt, SF_SERVE_CSV, "format=csv");
	is_int(sf_serve_route("GET", "/stations/08MF005", "text/csv", &req,
	    &err), 0, "a station");
	is_int(req.ep, SF_EP_STATION, "endpoint");
	is_int(req.fmt, SF_SERVE_CSV, "Accept: text/csv");
	is_int(sf_serve_route("GET", "/stations/08MF005.html", NULL, &req,
	    &err), 0, "a station page");
	is_int(req.ep, SF_EP_STATION_HTML, "endpoint");
	is_str(req.id, "08MF005", "its station");
	is_int(sf_serve_route("HEAD", "/stations/X1/hydrograph.svg?forecast=1",
	    NULL, &req, &err), 0, "HEAD of a hydrograph");
	is_int(req.ep, SF_EP_SVG, "endpoint");
	is_int(sf_serve_route("GET", "/configs/usgs-daily.v2", NULL, &req,
	    &err), 0, "a configuration");
	is_str(req.id, "usgs-daily.v2", "its name");
	is_int(sf_serve_route("GET", "/metrics", "application/x-ndjson", &req,
	    &err), 0, "metrics");
	is_int(req.fmt, SF_SERVE_JSON, "Accept ignored where no format");

	is_int(sf_serve_route("POST", "/", NULL, &req, &err), 405, "POST");
	is_int(sf_serve_route("DELETE", "/stations", NULL, &req, &err), 405,
	    "DELETE");
	is_int(sf_serve_route("GET", "/nope", NULL, &req, &err), 404,
	    "unknown path");
	is_int(sf_serve_route("GET", "/stations/", NULL, &req, &err), 404,
	    "no station");
	is_int(sf_serve_route("GET", "/stations/../etc/passwd", NULL, &req,
	    &err), 404, "dots");
	is_int(sf_serve_route("GET", "/stations/a%2Fb", NULL, &req, &err), 404,
	    "an escaped slash");
	is_int(sf_serve_route("GET", "/stations/x/observations/more", NULL,
	    &req, &err), 404, "past the route");
	is_int(sf_serve_route("GET", "/configs/.hidden", NULL, &req, &err),
	    404, "a configuration name starting with a dot");
	is_int(sf_serve_route("GET", "//stations", NULL, &req, &err), 404,
	    "a double slash");
	is_int(sf_serve_route("GET", "stations", NULL, &req, &err), 400,
	    "not a path");
	is_int(sf_serve_route("GET", "/stations?bogus=1", NULL, &req, &err),
	    400, "a parameter the endpoint does not take");
	ok(strstr(err.msg, "'bogus'") != NULL, "names it");
	is_int(sf_serve_route("GET", "/health?format=csv", NULL, &req, &err),
	    400, "format where there is none");
	is_int(sf_serve_route("GET", "/stations?format=xml", NULL, &req,
	    &err), 400, "an unknown format");
	ok(strstr(err.msg, "'format'") != NULL, "names it");
	{
		char u[SF_SERVE_URI_MAX + 20];

		memset(u, 'a', sizeof(u));
		memcpy(u, "/stations?name=", 15);
		u[sizeof(u) - 1] = '\0';
		is_int(sf_serve_route("GET", u, NULL, &req, &err), 414,
		    "a long request target");
	}
}

static int
q_of(const char *uri, struct sf_query *q, struct sf_err *err)
{
	static const char *st[1];

	if (sf_serve_route("GET", uri, NULL, &req, err) != 0)
		return -2;
	return sf_serve_query(&req, q, st, err);
}

static void
test_query(void)
{
	struct sf_query q;
	struct sf_err err;
	char t[SF_TIME_LEN];

	is_int(q_of("/stations/01646500/observations?type=daily_mean"
	    "&start=2024-01-01&end=2024-01-31&units=cms", &q, &err), 0,
	    "a month of daily values");
	is_int(q.what, SF_QUERY_OBS, "observations");
	is_int(q.nstations, 1, "one station");
	is_str(q.stations[0], "01646500", "the station");
	is_str(q.type, "daily_mean", "type");
	is_str(q.units, "cms", "units");
	sf_time_format(q.end, t);
	is_str(t, "2024-01-31T23:59:59Z", "a bare end date is the whole day");
	is_int(q_of("/stations/X/observations?daily=1", &q, &err), 0, "daily");
	is_int(q.what, SF_QUERY_DAILY, "daily means");
	is_int(q_of("/stations/X/forecasts?run=all&source=NOAA_RFC", &q, &err),
	    0, "forecasts");
	is_int(q.what, SF_QUERY_FORECAST, "forecast records");
	is_int(q.run, SF_QUERY_RUN_ALL, "every run");
	is_int(q_of("/stations/X/forecasts?run=2026-11-25T06:00:00Z", &q,
	    &err), 0, "one run");
	is_int(q.run, SF_QUERY_RUN_AT, "run at");

	is_int(q_of("/stations/X/observations?type=hourly", &q, &err), -1,
	    "unknown type");
	ok(strstr(err.msg, "parameter 'type'") != NULL, "names it");
	is_int(q_of("/stations/X/observations?start=2024-13-01", &q, &err), -1,
	    "bad start");
	ok(strstr(err.msg, "parameter 'start'") != NULL, "names it");
	is_int(q_of("/stations/X/observations?start=2024-02-01&end=2024-01-01",
	    &q, &err), -1, "end before start");
	is_int(q_of("/stations/X/observations?units=m3", &q, &err), -1,
	    "bad units");
	is_int(q_of("/stations/X/observations?daily=yes", &q, &err), -1,
	    "bad daily");
	is_int(q_of("/stations/X/forecasts?run=soon", &q, &err), -1,
	    "bad run");
	ok(strstr(err.msg, "parameter 'run'") != NULL, "names it");
	is_int(q_of("/stations/X/forecasts?source=nwm%27%3B", &q, &err), -1,
	    "bad source");
	is_int(q_of("/stations/X/forecasts?member=a%20b", &q, &err), -1,
	    "bad member");
	is_int(q_of("/stations?agency=NOAA", &q, &err), -1, "bad agency");
}

static void
test_encode(void)
{
	struct sf_buf b = SF_BUF_INIT;
	struct sf_rec r;

	sf_rec_clear(&r, SF_KIND_OBS);
	r.f[SF_OBS_STATION] = "01646500";
	r.f[SF_OBS_AGENCY] = "USGS";
	r.f[SF_OBS_TYPE] = "daily_mean";
	r.f[SF_OBS_OBSERVED_AT] = "2024-01-01T00:00:00Z";
	r.f[SF_OBS_DISCHARGE] = "12300";
	r.f[SF_OBS_UNIT] = "cfs";
	r.f[SF_OBS_QUALITY_CODE] = "P, e";
	sf_serve_encode(&b, SF_SERVE_CSV, &r, 0);
	sf_serve_encode(&b, SF_SERVE_CSV, &r, 1);
	is_str(b.buf, "config,station,agency,type,observed_at,discharge,unit,"
	    "quality_code\n"
	    ",01646500,USGS,daily_mean,2024-01-01T00:00:00Z,12300,cfs,"
	    "\"P, e\"\n"
	    ",01646500,USGS,daily_mean,2024-01-01T00:00:00Z,12300,cfs,"
	    "\"P, e\"\n", "CSV: a header, then rows");
	sf_buf_reset(&b);
	r.f[SF_OBS_DISCHARGE] = "+1.50";
	sf_serve_encode(&b, SF_SERVE_JSON, &r, 0);
	r.f[SF_OBS_DISCHARGE] = NULL;
	sf_serve_encode(&b, SF_SERVE_JSON, &r, 1);
	sf_serve_encode_end(&b, SF_SERVE_JSON, 2);
	is_str(b.buf, "[\n"
	    "{\"kind\":\"obs\",\"config\":null,\"station\":\"01646500\","
	    "\"agency\":\"USGS\",\"type\":\"daily_mean\",\"observed_at\":"
	    "\"2024-01-01T00:00:00Z\",\"discharge\":1.5,\"unit\":\"cfs\","
	    "\"quality_code\":\"P, e\"},\n"
	    "{\"kind\":\"obs\",\"config\":null,\"station\":\"01646500\","
	    "\"agency\":\"USGS\",\"type\":\"daily_mean\",\"observed_at\":"
	    "\"2024-01-01T00:00:00Z\",\"discharge\":null,\"unit\":\"cfs\","
	    "\"quality_code\":\"P, e\"}\n]\n", "JSON: an array, numbers as JSON");
	sf_buf_reset(&b);
	sf_serve_encode_end(&b, SF_SERVE_JSON, 0);
	is_str(b.buf, "[]\n", "JSON: no records, an empty array");
	sf_buf_reset(&b);
	sf_serve_error_json(&b, 400, "parameter 'x': \"bad\"");
	is_str(b.buf, "{\"error\":\"parameter 'x': \\\"bad\\\"\",\"status\":"
	    "400}\n", "an error body");
	sf_buf_release(&b);
}

/*
 * The encoder writes strings itself: every byte escaped as sf_buf's
 * JSON and CSV escapers do, station names with quotes, commas, control
 * bytes, DEL and UTF-8 included.
 */
static void
test_encode_escapes(void)
{
	static const char *const names[] = { "", "plain", "a \"quoted\" one",
	    "back\\slash", "tab\there", "line\nbreak\r\n", "x\001\037\177y",
	    "comma, and \"quote\"", "caf\303\251 \342\200\250" };
	struct sf_buf got = SF_BUF_INIT, want = SF_BUF_INIT;
	struct sf_rec r;
	size_t i;
	int bad = 0;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		sf_rec_clear(&r, SF_KIND_STATION);
		r.f[SF_ST_STATION] = "01646500";
		r.f[SF_ST_NAME] = names[i];
		r.f[SF_ST_LATITUDE] = "38.9";
		sf_buf_reset(&got);
		sf_serve_encode(&got, SF_SERVE_NDJSON, &r, 0);
		sf_buf_reset(&want);
		sf_buf_adds(&want, "{\"kind\":\"station\",\"station\":"
		    "\"01646500\",\"agency\":null,\"name\":");
		sf_buf_add_json_str(&want, names[i]);
		sf_buf_adds(&want, ",\"latitude\":38.9,");
		bad += strncmp(got.buf, want.buf, want.len) != 0;
		sf_buf_reset(&got);
		sf_serve_encode(&got, SF_SERVE_CSV, &r, 1);
		sf_buf_reset(&want);
		sf_buf_adds(&want, "01646500,,");
		sf_buf_add_csv_field(&want, names[i]);
		sf_buf_adds(&want, ",38.9,");
		bad += strncmp(got.buf, want.buf, want.len) != 0;
	}
	is_int(bad, 0, "encoder: strings escaped as sf_buf escapes them");
	sf_buf_release(&got);
	sf_buf_release(&want);
}

int
main(void)
{
	test_encode_escapes();
	test_qs();
	test_route();
	test_query();
	test_encode();
	return tap_done();
}
