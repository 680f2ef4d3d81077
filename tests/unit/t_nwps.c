/*
 * t_nwps: sf_nwps on every NOAA NWPS sample of tests/data/fixtures/noaa/nwps
 * (provenance in its SOURCES.md), and on bodies derived from them in the
 * test: values <= -999, other units, the kcfs shift, NWM members, gauge
 * ids, error bodies, a body over the cap. Each derivation is described
 * where it is made; the fixture files themselves are never changed.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "tap.h"
#include "sf_buf.h"
#include "sf_err.h"
#include "sf_map.h"
#include "sf_mem.h"
#include "sf_nwps.h"
#include "sf_rec.h"
#include "sf.h"

#define AMAT2 "sample_stageflow_forecast_AMAT2_feetball.json"
#define HNFT2 "sample_stageflow_forecast_empty_HNFT2_feetball.json"
#define NRKW1 "sample_stageflow_NRKW1_trimmed_agenticraptor.json"
#define REACH "sample_reach_streamflow_short_range_2617456_flowcast.json"
#define BFOF1 "sample_gauge_BFOF1_landfall.json"

/* Who the forecasts are for: a USGS station and its NOAA ids. */
static const struct sf_nwps_who rfc_who = {
	"tx-fcst", "07227500", "USGS", "AMAT2"
};
static const struct sf_nwps_who nwm_who = {
	"delaware", "01427510", "USGS", "2617456"
};

/* The records of one parse, one line each: fields joined by '|', \N NULL. */
struct out {
	struct sf_buf text;
	long n;
	long stop_at;		/* refuse the record with this number */
};

static int
collect(void *arg, const struct sf_rec *rec)
{
	struct out *o = arg;
	int i;

	if (rec->kind != SF_KIND_FORECAST)
		return -1;
	if (++o->n == o->stop_at)
		return 1;
	for (i = 0; i < SF_FC_NFIELDS; i++) {
		if (i > 0)
			sf_buf_addc(&o->text, '|');
		sf_buf_adds(&o->text, rec->f[i] ? rec->f[i] : "\\N");
	}
	sf_buf_addc(&o->text, '\n');
	return 0;
}

/* Line i (from 0) of o's records, into buf; "" past the end. */
static const char *
line(const struct out *o, long i, char *buf, size_t size)
{
	const char *s = o->text.buf, *e;

	for (; i > 0 && (s = strchr(s, '\n')) != NULL; i--)
		s++;
	if (s == NULL || *s == '\0') {
		buf[0] = '\0';
		return buf;
	}
	e = strchr(s, '\n');
	snprintf(buf, size, "%.*s", (int)(e - s), s);
	return buf;
}

/* Field f of line i of o. */
static const char *
field(const struct out *o, long i, int f, char *buf, size_t size)
{
	char l[512], *s, *e;

	line(o, i, l, sizeof(l));
	for (s = l; f > 0 && (s = strchr(s, '|')) != NULL; f--)
		s++;
	if (s == NULL) {
		buf[0] = '\0';
		return buf;
	}
	if ((e = strchr(s, '|')) != NULL)
		*e = '\0';
	snprintf(buf, size, "%s", s);
	return buf;
}

static char *
fixture(const char *name, size_t *len)
{
	const char *top = getenv("SF_TOP");
	char path[1024];
	FILE *fp;
	char *b;
	long n;

	if (top == NULL || *top == '\0') {
		printf("Bail out! SF_TOP is not set (run through tests/run)\n");
		exit(1);
	}
	snprintf(path, sizeof(path), "%s/tests/data/fixtures/noaa/nwps/%s",
	    top, name);
	if ((fp = fopen(path, "rb")) == NULL ||
	    fseek(fp, 0, SEEK_END) != 0 || (n = ftell(fp)) < 0 ||
	    fseek(fp, 0, SEEK_SET) != 0) {
		printf("Bail out! cannot read %s\n", path);
		exit(1);
	}
	b = sf_malloc((size_t)n + 1);
	if (fread(b, 1, (size_t)n, fp) != (size_t)n) {
		printf("Bail out! cannot read %s\n", path);
		exit(1);
	}
	fclose(fp);
	b[n] = '\0';
	*len = (size_t)n;
	return b;
}

/* How a body is fed: whole, a byte at a time, or in random sizes. */
enum split { WHOLE, BYTES, RANDOM };

static unsigned long rng = 20261125;

static size_t
next_size(void)
{
	rng = rng * 6364136223846793005UL + 1442695040888963407UL;
	return (size_t)(rng >> 33) % 97 + 1;
}

static int
feed(struct sf_nwps *p, const char *body, size_t len, enum split how,
    struct sf_err *err)
{
	size_t i, n;

	if (how == WHOLE)
		return sf_nwps_feed(p, body, len, err);
	for (i = 0; i < len; i += n) {
		n = how == BYTES ? 1 : next_size();
		if (n > len - i)
			n = len - i;
		if (sf_nwps_feed(p, body + i, n, err) == -1)
			return -1;
	}
	return 0;
}

/*
 * Parses body as series s into o (emptied first); returns what
 * sf_nwps_forecast returned.
 */
static int
run(const char *body, size_t len, enum sf_nwps_series s,
    const struct sf_nwps_who *who, enum split how, struct out *o,
    struct sf_nwps_info *info, struct sf_err *err)
{
	struct sf_nwps *p = sf_nwps_new(0);
	int rc;

	sf_buf_reset(&o->text);
	o->n = 0;
	sf_err_clear(err);
	rc = feed(p, body, len, how, err);
	if (rc == 0)
		rc = sf_nwps_forecast(p, s, who, collect, o, info, err);
	sf_nwps_free(p);
	return rc;
}

static int
runs(const char *body, enum sf_nwps_series s,
    const struct sf_nwps_who *who, struct out *o, struct sf_nwps_info *info,
    struct sf_err *err)
{
	return run(body, strlen(body), s, who, WHOLE, o, info, err);
}

/* Every split of body gives the same records and info as a whole feed. */
static void
splits_agree(const char *name, const char *body, size_t len,
    enum sf_nwps_series s, const struct sf_nwps_who *who)
{
	struct out whole = { SF_BUF_INIT, 0, 0 }, part = { SF_BUF_INIT, 0, 0 };
	struct sf_nwps_info wi, pi;
	struct sf_err err;
	char w[160];
	int rc, rc2, k;
	enum split how;

	rc = run(body, len, s, who, WHOLE, &whole, &wi, &err);
	for (k = 0; k < 4; k++) {
		how = k == 0 ? BYTES : RANDOM;
		rc2 = run(body, len, s, who, how, &part, &pi, &err);
		snprintf(w, sizeof(w), "%s: %s feed %d equals whole", name,
		    how == BYTES ? "1-byte" : "random-size", k);
		ok(rc == rc2 && strcmp(whole.text.buf, part.text.buf) == 0 &&
		    memcmp(&wi, &pi, sizeof(wi)) == 0 && whole.n == part.n, w);
	}
	sf_buf_release(&whole.text);
	sf_buf_release(&part.text);
}

/* Replaces the first from in *body (malloc'd) by to. */
static void
subst(char **body, const char *from, const char *to)
{
	char *s = strstr(*body, from), *n;
	size_t a, b, c;

	if (s == NULL) {
		printf("Bail out! '%s' is not in the fixture\n", from);
		exit(1);
	}
	a = (size_t)(s - *body);
	b = strlen(from);
	c = strlen(to);
	n = sf_malloc(strlen(*body) - b + c + 1);
	memcpy(n, *body, a);
	memcpy(n + a, to, c);
	snprintf(n + a + c, strlen(*body + a + b) + 1, "%s", *body + a + b);
	free(*body);
	*body = n;
}

static void
test_series_names(void)
{
	enum sf_nwps_series s;
	struct sf_err err;

	is_int(sf_nwps_series_parse("medium_range", &s, &err), 0,
	    "series: medium_range parses");
	is_int(s, SF_NWPS_MEDIUM_RANGE, "series: medium_range");
	is_int(sf_nwps_series_parse("rfc", &s, &err), 0, "series: rfc");
	is_int(s, SF_NWPS_RFC, "series: rfc value");
	is_int(sf_nwps_series_parse("Short_Range", &s, &err), -1,
	    "series: case matters");
	is_str(err.msg, "series 'Short_Range': unknown (rfc, short_range, "
	    "medium_range, medium_range_blend, long_range)",
	    "series: unknown message");
	is_str(sf_nwps_series_source(SF_NWPS_RFC), "NOAA_RFC",
	    "source: rfc");
	is_str(sf_nwps_series_source(SF_NWPS_SHORT_RANGE), "NWM_SHORT_RANGE",
	    "source: short range");
	is_str(sf_nwps_series_source(SF_NWPS_MEDIUM_RANGE),
	    "NWM_MEDIUM_RANGE", "source: medium range");
	is_str(sf_nwps_series_source(SF_NWPS_LONG_RANGE), "NWM_LONG_RANGE",
	    "source: long range");
	is_str(sf_nwps_series_name(SF_NWPS_LONG_RANGE), "long_range",
	    "name: long range");
}

static void
test_amat2(void)
{
	static const char *const cfs[20] = {
		"1210", "2200", "3190", "3590", "2710", "1370", "1010", "921",
		"877", "834", "792", "751", "672", "632", "594", "555", "555",
		"518", "482", "482"
	};
	struct out o = { SF_BUF_INIT, 0, 0 };
	struct sf_nwps_info info;
	struct sf_err err;
	char body_l[512], f[64], w[96];
	size_t len;
	char *body = fixture(AMAT2, &len);
	int i, all;

	is_int(run(body, len, SF_NWPS_RFC, &rfc_who, WHOLE, &o, &info, &err),
	    0, "AMAT2: parses");
	is_int(o.n, 20, "AMAT2: 20 records");
	is_int(info.records, 20, "AMAT2: info records");
	is_int(info.no_forecast, 0, "AMAT2: a forecast");
	is_int(info.members, 1, "AMAT2: one run");
	is_int(info.missing, 0, "AMAT2: nothing missing");
	is_int(info.flow_dropped, 0, "AMAT2: no flow dropped");
	is_str(info.run_date, "2026-10-02T07:13:00Z", "AMAT2: info run_date");
	is_str(line(&o, 0, body_l, sizeof(body_l)),
	    "tx-fcst|07227500|USGS|AMAT2|NOAA_RFC|\\N|2026-10-02T07:13:00Z|"
	    "2026-10-02T12:00:00Z|1210|cfs|4.5|ft",
	    "AMAT2: first record (1.21 kcfs is 1210 cfs)");
	is_str(line(&o, 19, body_l, sizeof(body_l)),
	    "tx-fcst|07227500|USGS|AMAT2|NOAA_RFC|\\N|2026-10-02T07:13:00Z|"
	    "2026-10-07T06:00:00Z|482|cfs|2.8|ft", "AMAT2: last record");
	is_str(field(&o, 1, SF_FC_STAGE, f, sizeof(f)), "6",
	    "AMAT2: an integer stage (6)");
	for (all = 1, i = 0; i < 20; i++)
		if (strcmp(field(&o, i, SF_FC_DISCHARGE, f, sizeof(f)),
		    cfs[i]) != 0) {
			snprintf(w, sizeof(w), "# record %d: %s, want %s",
			    i, f, cfs[i]);
			puts(w);
			all = 0;
		}
	ok(all, "AMAT2: every kcfs value times 1000, exactly");
	splits_agree("AMAT2", body, len, SF_NWPS_RFC, &rfc_who);

	/* The same body as a reach series is not one. */
	is_int(run(body, len, SF_NWPS_SHORT_RANGE, &nwm_who, WHOLE, &o, &info,
	    &err), -1, "AMAT2 as short_range: refused");
	is_str(err.msg, "nwps: no 'shortRange' in the body",
	    "AMAT2 as short_range: message");
	free(body);
	sf_buf_release(&o.text);
}

/*
 * The kcfs shift on values whose product in binary is not the decimal
 * one (0.0457 * 1000 is 45.699999999999996, 1.005 * 1000 is
 * 1004.9999999999999), and exponents: a body made up in the AMAT2 shape.
 */
static void
test_kcfs(void)
{
	static const struct {
		const char *kcfs, *cfs;
	} t[] = {
		{ "1.21", "1210" }, { "0.0457", "45.7" }, { "1.005", "1005" },
		{ "0.001", "1" }, { "123.456789", "123456.789" },
		{ "1e-07", "0.0001" }, { "2", "2000" }, { "0", "0" },
		{ "-0.5", "-500" }, { "1.5e300", "1.5e+303" },
		{ "-998.9", "-998900" },
	};
	struct out o = { SF_BUF_INIT, 0, 0 };
	struct sf_nwps_info info;
	struct sf_err err;
	char body[512], f[64], w[96];
	size_t i;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		snprintf(body, sizeof(body), "{\"issuedTime\":"
		    "\"2026-10-02T07:13:00Z\",\"primaryUnits\":\"ft\","
		    "\"secondaryUnits\":\"kcfs\",\"data\":[{\"validTime\":"
		    "\"2026-10-02T12:00:00Z\",\"primary\":1,"
		    "\"secondary\":%s}]}",
		    t[i].kcfs);
		snprintf(w, sizeof(w), "kcfs %s is %s cfs", t[i].kcfs,
		    t[i].cfs);
		if (runs(body, SF_NWPS_RFC, &rfc_who, &o, &info, &err) != 0) {
			ok(0, w);
			printf("#   %s\n", err.msg);
			continue;
		}
		is_str(field(&o, 0, SF_FC_DISCHARGE, f, sizeof(f)), t[i].cfs,
		    w);
	}
	snprintf(body, sizeof(body), "{\"issuedTime\":\"2026-10-02T07:13:00Z\","
	    "\"secondaryUnits\":\"kcfs\",\"data\":[{\"validTime\":"
	    "\"2026-10-02T12:00:00Z\",\"secondary\":1.7e306}]}");
	is_int(runs(body, SF_NWPS_RFC, &rfc_who, &o, &info, &err), -1,
	    "kcfs 1.7e306: refused");
	is_str(err.msg, "nwps: data[0].secondary: out of range",
	    "kcfs 1.7e306: message");
	sf_buf_release(&o.text);
}

/*
 * Values <= -999 are missing: AMAT2 with its second flow made -999 and
 * its third point's stage and flow -9999 (both markers in one response,
 * as NWPS sends them), and -999.5 on the sixth stage.
 */
static void
test_missing(void)
{
	struct out o = { SF_BUF_INIT, 0, 0 };
	struct sf_nwps_info info;
	struct sf_err err;
	char l[512];
	size_t len;
	char *body = fixture(AMAT2, &len);

	subst(&body, "\"primary\":6,\"secondary\":2.2",
	    "\"primary\":6,\"secondary\":-999");
	subst(&body, "\"primary\":7.1,\"secondary\":3.19",
	    "\"primary\":-9999,\"secondary\":-9999");
	subst(&body, "\"primary\":4.8,", "\"primary\":-999.5,");
	is_int(runs(body, SF_NWPS_RFC, &rfc_who, &o, &info, &err), 0,
	    "missing: parses");
	is_int(o.n, 20, "missing: still 20 records");
	is_int(info.missing, 4, "missing: 4 values counted");
	is_str(line(&o, 1, l, sizeof(l)),
	    "tx-fcst|07227500|USGS|AMAT2|NOAA_RFC|\\N|2026-10-02T07:13:00Z|"
	    "2026-10-02T18:00:00Z|\\N|cfs|6|ft", "missing: -999 flow is null");
	is_str(line(&o, 2, l, sizeof(l)),
	    "tx-fcst|07227500|USGS|AMAT2|NOAA_RFC|\\N|2026-10-02T07:13:00Z|"
	    "2026-10-03T00:00:00Z|\\N|cfs|\\N|ft",
	    "missing: -9999 stage and flow are null, the point is kept");
	is_str(line(&o, 5, l, sizeof(l)),
	    "tx-fcst|07227500|USGS|AMAT2|NOAA_RFC|\\N|2026-10-02T07:13:00Z|"
	    "2026-10-03T18:00:00Z|1370|cfs|\\N|ft", "missing: -999.5 stage");
	free(body);

	/* null and absent values are NULL too, but not counted missing. */
	is_int(runs("{\"issuedTime\":\"2026-10-02T07:13:00Z\",\"primaryUnits\":"
	    "\"ft\",\"secondaryUnits\":\"kcfs\",\"data\":[{\"validTime\":"
	    "\"2026-10-02T12:00:00Z\",\"primary\":null},{\"validTime\":"
	    "\"2026-10-02T18:00:00+00:00\",\"secondary\":-998}]}",
	    SF_NWPS_RFC, &rfc_who, &o, &info, &err), 0, "null: parses");
	is_str(line(&o, 0, l, sizeof(l)),
	    "tx-fcst|07227500|USGS|AMAT2|NOAA_RFC|\\N|2026-10-02T07:13:00Z|"
	    "2026-10-02T12:00:00Z|\\N|cfs|\\N|ft", "null: null and absent");
	is_str(line(&o, 1, l, sizeof(l)),
	    "tx-fcst|07227500|USGS|AMAT2|NOAA_RFC|\\N|2026-10-02T07:13:00Z|"
	    "2026-10-02T18:00:00Z|-998000|cfs|\\N|ft",
	    "null: -998 is a value; an offset time comes out in UTC");
	is_int(info.missing, 0, "null: nothing counted missing");
	sf_buf_release(&o.text);
}

/* AMAT2 with its units changed (the derivation is in each subst). */
static void
test_units(void)
{
	struct out o = { SF_BUF_INIT, 0, 0 };
	struct sf_nwps_info info;
	struct sf_err err;
	char l[512];
	size_t len;
	char *body = fixture(AMAT2, &len), *b2;

	/* cfs: no conversion. */
	b2 = sf_strdup(body);
	subst(&b2, "\"secondaryUnits\":\"kcfs\"", "\"secondaryUnits\":\"cfs\"");
	is_int(runs(b2, SF_NWPS_RFC, &rfc_who, &o, &info, &err), 0,
	    "cfs: parses");
	is_str(line(&o, 0, l, sizeof(l)),
	    "tx-fcst|07227500|USGS|AMAT2|NOAA_RFC|\\N|2026-10-02T07:13:00Z|"
	    "2026-10-02T12:00:00Z|1.21|cfs|4.5|ft", "cfs: kept as served");
	free(b2);

	/* Empty units: unknown; the flow is left out, the stage kept. */
	b2 = sf_strdup(body);
	subst(&b2, "\"primaryUnits\":\"ft\"", "\"primaryUnits\":\"\"");
	subst(&b2, "\"secondaryUnits\":\"kcfs\"", "\"secondaryUnits\":\"\"");
	is_int(runs(b2, SF_NWPS_RFC, &rfc_who, &o, &info, &err), 0,
	    "empty units: parses");
	is_int(o.n, 20, "empty units: 20 records");
	is_str(line(&o, 0, l, sizeof(l)),
	    "tx-fcst|07227500|USGS|AMAT2|NOAA_RFC|\\N|2026-10-02T07:13:00Z|"
	    "2026-10-02T12:00:00Z|\\N|\\N|4.5|\\N",
	    "empty units: flow and both units null");
	is_int(info.flow_dropped, 20, "empty units: 20 flows dropped");
	is_str(info.flow_unit, "", "empty units: the unit named");
	free(b2);

	/* A unit that is not flow (storage at a lake gauge). */
	b2 = sf_strdup(body);
	subst(&b2, "\"secondaryUnits\":\"kcfs\"", "\"secondaryUnits\":\"kaf\"");
	is_int(runs(b2, SF_NWPS_RFC, &rfc_who, &o, &info, &err), 0,
	    "kaf: parses");
	is_str(field(&o, 3, SF_FC_DISCHARGE, l, sizeof(l)), "\\N",
	    "kaf: flow left out");
	is_int(info.flow_dropped, 20, "kaf: 20 flows dropped");
	is_str(info.flow_unit, "kaf", "kaf: the unit named");
	free(b2);

	/* kcms: to cms, case ignored. */
	b2 = sf_strdup(body);
	subst(&b2, "\"secondaryUnits\":\"kcfs\"",
	    "\"secondaryUnits\":\"KCMS\"");
	is_int(runs(b2, SF_NWPS_RFC, &rfc_who, &o, &info, &err), 0,
	    "KCMS: parses");
	is_str(field(&o, 0, SF_FC_DISCHARGE, l, sizeof(l)), "1210",
	    "KCMS: times 1000");
	is_str(field(&o, 0, SF_FC_UNIT, l, sizeof(l)), "cms", "KCMS: cms");
	free(b2);
	free(body);
	sf_buf_release(&o.text);
}

static void
test_empty(void)
{
	struct out o = { SF_BUF_INIT, 0, 0 };
	struct sf_nwps_info info;
	struct sf_err err;
	size_t len;
	char *body = fixture(HNFT2, &len);

	is_int(run(body, len, SF_NWPS_RFC, &rfc_who, WHOLE, &o, &info, &err),
	    0, "HNFT2: no forecast is not an error");
	is_int(o.n, 0, "HNFT2: no records");
	is_int(info.no_forecast, 1, "HNFT2: no_forecast set");
	is_int(info.records, 0, "HNFT2: info records 0");
	is_int(info.members, 0, "HNFT2: no run");
	is_str(info.run_date, "", "HNFT2: no run_date");
	splits_agree("HNFT2", body, len, SF_NWPS_RFC, &rfc_who);
	free(body);

	/* Points with issuedTime 0001-01-01: no run to file them under. */
	is_int(runs("{\"issuedTime\":\"0001-01-01T00:00:00Z\",\"data\":"
	    "[{\"validTime\":\"2026-10-02T12:00:00Z\",\"primary\":1}]}",
	    SF_NWPS_RFC, &rfc_who, &o, &info, &err), -1,
	    "year 1 with points: refused");
	is_str(err.msg, "nwps: issuedTime '0001-01-01T00:00:00Z' (no "
	    "issuance) with 1 points", "year 1 with points: message");

	/* A real issuance with no points, and data null: nothing, noted. */
	is_int(runs("{\"issuedTime\":\"2026-10-02T07:13:00Z\",\"data\":null}",
	    SF_NWPS_RFC, &rfc_who, &o, &info, &err), 0, "data null: ok");
	is_int(info.no_forecast, 1, "data null: no_forecast");
	sf_buf_release(&o.text);
}

/*
 * The combined gauges/NRKW1/stageflow body is refused; its "forecast"
 * object, cut out of it with jansson, has the stageflow/forecast shape
 * and parses; so does "observed" (never used for forecasts).
 */
static void
test_nrkw1(void)
{
	struct out o = { SF_BUF_INIT, 0, 0 };
	struct sf_nwps_who who = { NULL, "12194000", "USGS", "NRKW1" };
	struct sf_nwps_info info;
	struct sf_err err;
	json_t *root;
	char l[512], *sub;
	size_t len;
	char *body = fixture(NRKW1, &len);

	is_int(run(body, len, SF_NWPS_RFC, &who, WHOLE, &o, &info, &err), -1,
	    "NRKW1 combined: refused");
	is_str(err.msg, "nwps: a combined stageflow body (observed and "
	    "forecast): ask stageflow/forecast", "NRKW1 combined: message");
	is_int(o.n, 0, "NRKW1 combined: no records");
	splits_agree("NRKW1", body, len, SF_NWPS_RFC, &who);

	root = json_loadb(body, len, 0, NULL);
	ok(root != NULL, "NRKW1: jansson reads it");
	sub = json_dumps(json_object_get(root, "forecast"), JSON_COMPACT);
	is_int(runs(sub, SF_NWPS_RFC, &who, &o, &info, &err), 0,
	    "NRKW1 forecast object: parses");
	is_int(o.n, 4, "NRKW1 forecast object: 4 records");
	is_str(line(&o, 0, l, sizeof(l)),
	    "\\N|12194000|USGS|NRKW1|NOAA_RFC|\\N|2026-10-07T15:36:00Z|"
	    "2026-10-07T18:00:00Z|734|cfs|138.05|ft",
	    "NRKW1 forecast object: first (config NULL)");
	is_str(line(&o, 3, l, sizeof(l)),
	    "\\N|12194000|USGS|NRKW1|NOAA_RFC|\\N|2026-10-07T15:36:00Z|"
	    "2026-10-08T12:00:00Z|689|cfs|138.01|ft",
	    "NRKW1 forecast object: last");
	free(sub);
	sub = json_dumps(json_object_get(root, "observed"), JSON_COMPACT);
	is_int(runs(sub, SF_NWPS_RFC, &who, &o, &info, &err), 0,
	    "NRKW1 observed object: same shape");
	is_int(o.n, 3, "NRKW1 observed object: 3 points");
	is_str(field(&o, 2, SF_FC_DISCHARGE, l, sizeof(l)), "700",
	    "NRKW1 observed object: 0.7 kcfs");
	free(sub);
	json_decref(root);
	free(body);
	sf_buf_release(&o.text);
}

static void
test_short_range(void)
{
	struct out o = { SF_BUF_INIT, 0, 0 };
	struct sf_nwps_info info;
	struct sf_err err;
	char l[512];
	size_t len;
	char *body = fixture(REACH, &len);

	is_int(run(body, len, SF_NWPS_SHORT_RANGE, &nwm_who, WHOLE, &o, &info,
	    &err), 0, "2617456 short_range: parses");
	is_int(o.n, 18, "2617456 short_range: 18 records");
	is_int(info.members, 1, "2617456 short_range: one series");
	is_int(info.no_forecast, 0, "2617456 short_range: a forecast");
	is_int(info.flow_dropped, 0, "2617456 short_range: ft\\u00b3/s known");
	is_str(info.run_date, "2026-09-25T23:00:00Z",
	    "2617456 short_range: info run_date");
	is_str(line(&o, 0, l, sizeof(l)),
	    "delaware|01427510|USGS|2617456|NWM_SHORT_RANGE|\\N|"
	    "2026-09-25T23:00:00Z|2026-09-26T00:00:00Z|1280.8599853515625|"
	    "cfs|\\N|\\N", "2617456 short_range: first record");
	is_str(line(&o, 12, l, sizeof(l)),
	    "delaware|01427510|USGS|2617456|NWM_SHORT_RANGE|\\N|"
	    "2026-09-25T23:00:00Z|2026-09-26T12:00:00Z|1369.5|cfs|\\N|\\N",
	    "2617456 short_range: 13th record");
	is_str(line(&o, 17, l, sizeof(l)),
	    "delaware|01427510|USGS|2617456|NWM_SHORT_RANGE|\\N|"
	    "2026-09-25T23:00:00Z|2026-09-26T17:00:00Z|1439.429931640625|"
	    "cfs|\\N|\\N", "2617456 short_range: last record");
	splits_agree("2617456", body, len, SF_NWPS_SHORT_RANGE, &nwm_who);

	/* The same body holds the other series empty: {}. */
	is_int(run(body, len, SF_NWPS_MEDIUM_RANGE, &nwm_who, WHOLE, &o,
	    &info, &err), 0, "2617456 medium_range {}: ok");
	ok(o.n == 0 && info.no_forecast == 1,
	    "2617456 medium_range {}: no forecast");
	is_int(run(body, len, SF_NWPS_LONG_RANGE, &nwm_who, WHOLE, &o,
	    &info, &err), 0, "2617456 long_range {}: ok");
	ok(o.n == 0 && info.no_forecast == 1,
	    "2617456 long_range {}: no forecast");
	is_int(run(body, len, SF_NWPS_MEDIUM_RANGE_BLEND, &nwm_who, WHOLE, &o,
	    &info, &err), 0, "2617456 medium_range_blend {}: ok");
	ok(o.n == 0 && info.no_forecast == 1,
	    "2617456 medium_range_blend {}: no forecast");
	/* And is no RFC forecast. */
	is_int(run(body, len, SF_NWPS_RFC, &nwm_who, WHOLE, &o, &info, &err),
	    -1, "2617456 as rfc: refused");
	is_str(err.msg, "nwps: no issuedTime", "2617456 as rfc: message");
	free(body);
	sf_buf_release(&o.text);
}

/*
 * Medium and long range, in the documented shape ({mediumRange: {mean:
 * {referenceTime, units, data}, member1: {...}}}), derived from the
 * short_range sample with jansson: its shortRange.series object is
 * copied under "mean", "member1" and "member2" of the series' key, and
 * shortRange made {}. member2's copy gets referenceTime six hours later
 * (long-range members are lagged so) and its first flow -9999; "member3"
 * is an object with empty data, as a member that has nothing.
 */
static char *
ensemble(const char *key)
{
	json_t *root, *ser, *m2, *ens, *m3;
	size_t len;
	char *body = fixture(REACH, &len), *out;

	root = json_loadb(body, len, 0, NULL);
	free(body);
	ser = json_object_get(json_object_get(root, "shortRange"), "series");
	m2 = json_deep_copy(ser);
	json_object_set_new(m2, "referenceTime",
	    json_string("2026-09-26T05:00:00Z"));
	json_object_set_new(json_array_get(json_object_get(m2, "data"), 0),
	    "flow", json_integer(-9999));
	m3 = json_pack("{s:s, s:s, s:[]}", "referenceTime",
	    "2026-09-25T18:00:00Z", "units", "ft\xc2\xb3/s", "data");
	ens = json_object();
	json_object_set_new(ens, "mean", json_deep_copy(ser));
	json_object_set_new(ens, "member1", json_deep_copy(ser));
	json_object_set_new(ens, "member2", m2);
	json_object_set_new(ens, "member3", m3);
	json_object_set_new(root, key, ens);
	json_object_set_new(root, "shortRange", json_object());
	out = json_dumps(root, 0);
	json_decref(root);
	return out;
}

static void
test_ensemble(const char *key, enum sf_nwps_series s, const char *source)
{
	struct out o = { SF_BUF_INIT, 0, 0 };
	struct sf_nwps_info info;
	struct sf_err err;
	char l[512], want[512], w[96];
	char *body = ensemble(key);

	snprintf(w, sizeof(w), "%s: parses", key);
	is_int(runs(body, s, &nwm_who, &o, &info, &err), 0, w);
	snprintf(w, sizeof(w), "%s: 3 members of 18 points", key);
	is_int(o.n, 54, w);
	snprintf(w, sizeof(w), "%s: members with points", key);
	is_int(info.members, 3, w);
	snprintf(w, sizeof(w), "%s: one value missing", key);
	is_int(info.missing, 1, w);
	snprintf(w, sizeof(w), "%s: the latest run", key);
	is_str(info.run_date, "2026-09-26T05:00:00Z", w);

	snprintf(want, sizeof(want), "delaware|01427510|USGS|2617456|%s|mean|"
	    "2026-09-25T23:00:00Z|2026-09-26T00:00:00Z|1280.8599853515625|"
	    "cfs|\\N|\\N", source);
	snprintf(w, sizeof(w), "%s: mean first", key);
	is_str(line(&o, 0, l, sizeof(l)), want, w);
	snprintf(want, sizeof(want), "delaware|01427510|USGS|2617456|%s|"
	    "member1|2026-09-25T23:00:00Z|2026-09-26T00:00:00Z|"
	    "1280.8599853515625|cfs|\\N|\\N", source);
	snprintf(w, sizeof(w), "%s: member1 after it", key);
	is_str(line(&o, 18, l, sizeof(l)), want, w);
	snprintf(want, sizeof(want), "delaware|01427510|USGS|2617456|%s|"
	    "member2|2026-09-26T05:00:00Z|2026-09-26T00:00:00Z|\\N|cfs|\\N|"
	    "\\N", source);
	snprintf(w, sizeof(w), "%s: member2, its own run, -9999 null", key);
	is_str(line(&o, 36, l, sizeof(l)), want, w);
	snprintf(want, sizeof(want), "delaware|01427510|USGS|2617456|%s|"
	    "member2|2026-09-26T05:00:00Z|2026-09-26T17:00:00Z|"
	    "1439.429931640625|cfs|\\N|\\N", source);
	snprintf(w, sizeof(w), "%s: member2 last", key);
	is_str(line(&o, 53, l, sizeof(l)), want, w);
	splits_agree(key, body, strlen(body), s, &nwm_who);

	/* Asked as short_range, the same body has nothing. */
	snprintf(w, sizeof(w), "%s body as short_range: no forecast", key);
	ok(runs(body, SF_NWPS_SHORT_RANGE, &nwm_who, &o, &info, &err) == 0 &&
	    o.n == 0 && info.no_forecast == 1, w);
	free(body);
	sf_buf_release(&o.text);
}

static void
test_nwm_errors(void)
{
	struct out o = { SF_BUF_INIT, 0, 0 };
	struct sf_nwps_info info;
	struct sf_err err;

	is_int(runs("{\"longRange\":{\"mean\":{\"units\":\"ft\xc2\xb3/s\","
	    "\"data\":[{\"validTime\":\"2026-09-26T00:00:00Z\",\"flow\":1}]}}}",
	    SF_NWPS_LONG_RANGE, &nwm_who, &o, &info, &err), -1,
	    "nwm: no referenceTime");
	is_str(err.msg, "nwps: longRange.mean: no referenceTime",
	    "nwm: no referenceTime message");
	is_int(runs("{\"longRange\":{\"mean\":{\"referenceTime\":"
	    "\"2026-09-26T00:00:00Z\",\"units\":\"cfs\",\"data\":[{"
	    "\"validTime\":\"2026-09-26T06:00:00Z\",\"flow\":1},{"
	    "\"validTime\":\"2026-09-31T06:00:00Z\",\"flow\":2}]}}}",
	    SF_NWPS_LONG_RANGE, &nwm_who, &o, &info, &err), -1,
	    "nwm: bad validTime");
	is_str(err.msg, "nwps: longRange.mean.data[1]: time "
	    "'2026-09-31T06:00:00Z': day out of range",
	    "nwm: bad validTime message");
	is_int(info.records, 1, "nwm: the record before it was emitted");
	is_int(runs("{\"shortRange\":{\"series\":{\"referenceTime\":"
	    "\"2026-09-26T00:00:00Z\",\"units\":\"cfs\",\"data\":[{"
	    "\"validTime\":\"2026-09-26T06:00:00Z\",\"flow\":\"12\"}]}}}",
	    SF_NWPS_SHORT_RANGE, &nwm_who, &o, &info, &err), -1,
	    "nwm: a string flow");
	is_str(err.msg, "nwps: shortRange.series.data[0].flow: not a number",
	    "nwm: a string flow message");
	is_int(runs("{\"shortRange\":[]}", SF_NWPS_SHORT_RANGE, &nwm_who, &o,
	    &info, &err), -1, "nwm: series not an object");
	is_str(err.msg, "nwps: shortRange: not an object",
	    "nwm: series not an object message");
	is_int(runs("{\"shortRange\":null}", SF_NWPS_SHORT_RANGE, &nwm_who,
	    &o, &info, &err), 0, "nwm: series null");
	is_int(info.no_forecast, 1, "nwm: series null is no forecast");
	sf_buf_release(&o.text);
}

static void
test_rfc_errors(void)
{
	struct out o = { SF_BUF_INIT, 0, 0 };
	struct sf_nwps_info info;
	struct sf_err err;
	size_t len;
	char *body = fixture(AMAT2, &len);

	/* A stop from the output: the third record refused. */
	o.stop_at = 3;
	is_int(runs(body, SF_NWPS_RFC, &rfc_who, &o, &info, &err), -1,
	    "stop: the output refuses");
	is_str(err.msg, "nwps: stopped by the output at record 3",
	    "stop: message");
	is_int(info.records, 2, "stop: 2 records before it");
	o.stop_at = 0;

	subst(&body, "\"validTime\":\"2026-10-02T18:00:00Z\"",
	    "\"validTime\":\"2026-10-02T25:00:00Z\"");
	is_int(runs(body, SF_NWPS_RFC, &rfc_who, &o, &info, &err), -1,
	    "bad validTime: refused");
	is_str(err.msg, "nwps: data[1]: time '2026-10-02T25:00:00Z': hour "
	    "out of range", "bad validTime: message");
	free(body);

	is_int(runs("{\"issuedTime\":\"2026-10-02T07:13:00Z\",\"data\":[{"
	    "\"validTime\":\"2026-10-02T12:00:00Z\",\"secondary\":\"1.2\"}]}",
	    SF_NWPS_RFC, &rfc_who, &o, &info, &err), -1, "string flow");
	is_str(err.msg, "nwps: data[0].secondary: not a number",
	    "string flow: message");
	is_int(runs("{\"issuedTime\":\"2026-10-02T07:13:00Z\",\"data\":[{"
	    "\"primary\":1}]}", SF_NWPS_RFC, &rfc_who, &o, &info, &err), -1,
	    "no validTime");
	is_str(err.msg, "nwps: data[0]: no validTime", "no validTime: message");
	is_int(runs("{\"issuedTime\":7,\"data\":[]}", SF_NWPS_RFC, &rfc_who,
	    &o, &info, &err), -1, "issuedTime a number");
	is_str(err.msg, "nwps: issuedTime: not a string",
	    "issuedTime a number: message");
	is_int(runs("{\"issuedTime\":\"x\"}", SF_NWPS_RFC, &rfc_who, &o, &info,
	    &err), -1, "no data");
	is_str(err.msg, "nwps: no data", "no data: message");
	is_int(runs("{\"code\":5,\"message\":\"gauge not found\"}", SF_NWPS_RFC,
	    &rfc_who, &o, &info, &err), -1, "a 404 body is no forecast");
	is_str(err.msg, "nwps: no issuedTime", "a 404 body: message");
	is_int(runs("<html><body>502 Bad Gateway</body></html>", SF_NWPS_RFC,
	    &rfc_who, &o, &info, &err), -1, "HTML");
	is_str(err.msg, "nwps: an HTML page, not JSON", "HTML: message");
	is_int(runs("{\"issuedTime\": \"x\",\n \"data\": [}", SF_NWPS_RFC,
	    &rfc_who, &o, &info, &err), -1, "bad JSON");
	is_str(err.msg, "nwps: line 2 column 11: unexpected token near '}'",
	    "bad JSON: message");
	is_int(runs("[1]", SF_NWPS_RFC, &rfc_who, &o, &info, &err), -1,
	    "an array");
	is_str(err.msg, "nwps: not a JSON object", "an array: message");
	is_int(runs(" \r\n", SF_NWPS_RFC, &rfc_who, &o, &info, &err), -1,
	    "empty body");
	is_str(err.msg, "nwps: empty body", "empty body: message");
	sf_buf_release(&o.text);
}

/* A body over the cap is an error, however it is fed. */
static void
test_cap(void)
{
	struct out o = { SF_BUF_INIT, 0, 0 };
	struct sf_nwps_info info;
	struct sf_nwps *p;
	struct sf_err err;
	size_t len, n;
	char *body = fixture(AMAT2, &len);
	const char *b;

	p = sf_nwps_new(100);
	is_int(feed(p, body, len, BYTES, &err), -1, "cap: 1-byte feed fails");
	is_str(err.msg, "nwps: body larger than 100 bytes", "cap: message");
	b = sf_nwps_body(p, &n);
	ok(n == 100 && memcmp(b, body, 100) == 0 && b[100] == '\0',
	    "cap: the first 100 bytes kept");
	sf_err_clear(&err);
	is_int(sf_nwps_feed(p, "x", 1, &err), -1, "cap: later feeds fail");
	is_int(sf_nwps_forecast(p, SF_NWPS_RFC, &rfc_who, collect, &o, &info,
	    &err), -1, "cap: the forecast fails");
	is_str(err.msg, "nwps: body larger than 100 bytes",
	    "cap: the forecast says why");
	is_int(o.n, 0, "cap: no records");
	sf_nwps_reset(p);
	is_int(sf_nwps_feed(p, "{\"a\":1}", 7, &err), 0, "cap: reset clears");
	sf_nwps_free(p);

	p = sf_nwps_new(len);
	is_int(sf_nwps_feed(p, body, len, &err), 0, "cap: a body at the cap");
	is_int(sf_nwps_forecast(p, SF_NWPS_RFC, &rfc_who, collect, &o, NULL,
	    &err), 0, "cap: parses (info NULL)");
	is_int(o.n, 20, "cap: 20 records");
	sf_nwps_reset(p);
	is_int(sf_nwps_feed(p, body, len - 1, &err), 0, "cap: reuse");
	is_int(sf_nwps_feed(p, body + len - 1, 2, &err), -1,
	    "cap: one byte over");
	sf_nwps_free(p);

	p = sf_nwps_new(0);
	ok(sf_nwps_feed(p, body, len, &err) == 0, "cap: default");
	sf_nwps_free(p);
	free(body);
	sf_buf_release(&o.text);
}

static int
gauge(const char *body, struct sf_nwps_gauge *g, struct sf_err *err)
{
	struct sf_nwps *p = sf_nwps_new(0);
	int rc;

	sf_nwps_feed(p, body, strlen(body), err);
	rc = sf_nwps_gauge(p, g, err);
	sf_nwps_free(p);
	return rc;
}

/*
 * gauges/{id}: BFOF1 (a tide gauge: no USGS or reach id), then BFOF1's
 * body with its ids set with jansson, to show the mappings.
 */
static void
test_gauge(void)
{
	struct sf_map_row rows[2];
	struct sf_nwps_gauge g;
	struct sf_nwps *p;
	struct sf_err err;
	json_t *root;
	size_t len;
	char *body = fixture(BFOF1, &len), *b2;

	p = sf_nwps_new(0);
	is_int(feed(p, body, len, RANDOM, &err), 0, "BFOF1: fed");
	is_int(sf_nwps_gauge(p, &g, &err), 0, "BFOF1: parses");
	is_str(g.lid, "BFOF1", "BFOF1: lid");
	is_str(g.usgs_id, "", "BFOF1: no usgsId");
	is_str(g.reach_id, "", "BFOF1: no reachId");
	is_int(sf_nwps_gauge_mappings(&g, rows), 0, "BFOF1: no mappings");
	/* And it is no forecast. */
	is_int(sf_nwps_forecast(p, SF_NWPS_RFC, &rfc_who, collect, NULL, NULL,
	    &err), -1, "BFOF1 as rfc: refused");
	sf_nwps_free(p);

	root = json_loadb(body, len, 0, NULL);
	json_object_set_new(root, "usgsId", json_string("02301000"));
	json_object_set_new(root, "reachId", json_string(" 16928862 "));
	b2 = json_dumps(root, 0);
	is_int(gauge(b2, &g, &err), 0, "BFOF1 with ids: parses");
	is_str(g.reach_id, "16928862", "BFOF1 with ids: reachId trimmed");
	is_int(sf_nwps_gauge_mappings(&g, rows), 2, "BFOF1 with ids: 2 rows");
	ok(strcmp(rows[0].source_agency, "USGS") == 0 &&
	    strcmp(rows[0].source_id, "02301000") == 0 &&
	    strcmp(rows[0].target_agency, "NOAA-HADS") == 0 &&
	    strcmp(rows[0].target_id, "BFOF1") == 0,
	    "BFOF1 with ids: USGS,02301000,NOAA-HADS,BFOF1");
	ok(strcmp(rows[1].source_agency, "USGS") == 0 &&
	    strcmp(rows[1].source_id, "02301000") == 0 &&
	    strcmp(rows[1].target_agency, "NWM") == 0 &&
	    strcmp(rows[1].target_id, "16928862") == 0,
	    "BFOF1 with ids: USGS,02301000,NWM,16928862");
	is_int(sf_map_check(&rows[0], &err), 0, "BFOF1 with ids: row 1 valid");
	is_int(sf_map_check(&rows[1], &err), 0, "BFOF1 with ids: row 2 valid");
	free(b2);

	json_object_set_new(root, "reachId", json_integer(16928862));
	json_object_set_new(root, "usgsId", json_null());
	b2 = json_dumps(root, 0);
	is_int(gauge(b2, &g, &err), 0, "integer reachId: parses");
	is_str(g.reach_id, "16928862", "integer reachId: its digits");
	is_int(sf_nwps_gauge_mappings(&g, rows), 0,
	    "no usgsId: no mappings, whatever the reach");
	free(b2);

	json_object_set_new(root, "usgsId", json_string("02301000"));
	json_object_set_new(root, "reachId", json_string(""));
	b2 = json_dumps(root, 0);
	is_int(gauge(b2, &g, &err), 0, "no reachId: parses");
	is_int(sf_nwps_gauge_mappings(&g, rows), 1, "no reachId: one row");
	is_str(rows[0].target_agency, "NOAA-HADS", "no reachId: the HADS one");
	free(b2);

	json_object_set_new(root, "reachId", json_string("1234567890"
	    "1234567890123456789012345678901234567890123456789012345"));
	b2 = json_dumps(root, 0);
	is_int(gauge(b2, &g, &err), -1, "long reachId: refused");
	is_str(err.msg, "nwps: reachId: longer than 64 bytes",
	    "long reachId: message");
	is_str(g.lid, "", "long reachId: g emptied");
	free(b2);

	json_object_set_new(root, "reachId", json_string(""));
	json_object_del(root, "lid");
	b2 = json_dumps(root, 0);
	is_int(gauge(b2, &g, &err), -1, "no lid: refused");
	is_str(err.msg, "nwps: no lid", "no lid: message");
	free(b2);
	json_object_set_new(root, "lid", json_array());
	b2 = json_dumps(root, 0);
	is_int(gauge(b2, &g, &err), -1, "lid an array: refused");
	is_str(err.msg, "nwps: lid: not a string", "lid an array: message");
	free(b2);
	json_decref(root);
	free(body);
}

static void
errmsg_is(const char *body, size_t size, const char *want, const char *what)
{
	struct sf_nwps *p = sf_nwps_new(0);
	char buf[256];
	struct sf_err err;

	sf_nwps_feed(p, body, strlen(body), &err);
	memset(buf, 'z', sizeof(buf));
	sf_nwps_error_message(p, buf, size);
	is_str(buf, want, what);
	sf_nwps_free(p);
}

static void
test_error_message(void)
{
	errmsg_is("{\"code\":5,\"message\":\"gauge XYZZ1 not found\","
	    "\"details\":[]}", 256, "gauge XYZZ1 not found", "404 JSON body");
	errmsg_is("{\"error\":{\"code\":\"OVER_RATE_LIMIT\",\"message\":"
	    "\"slow down\"}}", 256, "slow down", "gateway JSON body");
	errmsg_is("{\"code\":5,\"message\":"
	    "\"line\\none\\ttab \\u00e9\\u0001\"}", 256,
	    "line one tab ???", "message cleaned");
	errmsg_is("{\"code\":5,\"message\":\"abcdefghijklmnop\"}", 10,
	    "abcdef...", "message cut");
	errmsg_is("{\"code\":5}", 256, "{\"code\":5}", "JSON without message");
	errmsg_is("<!DOCTYPE html>\n<html><head>\n<TITLE>502 Bad Gateway"
	    "</TITLE></head><body><h1>Bad Gateway</h1></body></html>", 256,
	    "HTML page: 502 Bad Gateway", "HTML 502 with a title");
	errmsg_is("<html><title>\n  504   Gateway\tTime-out\n</title></html>",
	    256, "HTML page: 504 Gateway Time-out", "HTML 504, spaces");
	errmsg_is("<html><body><h1>504 Gateway Time-out</h1></body></html>",
	    256, "HTML page", "HTML without a title");
	errmsg_is("<html><title> </title></html>", 256, "HTML page",
	    "HTML with an empty title");
	errmsg_is("", 256, "empty body", "empty body");
	errmsg_is("\r\n  upstream connect error\r\nreset", 256,
	    "upstream connect error", "text: its first line");
	errmsg_is("{\"code\":5,\"message\":\"abcdef\"}", 1, "", "size 1");
}

int
main(void)
{
	test_series_names();
	test_amat2();
	test_kcfs();
	test_missing();
	test_units();
	test_empty();
	test_nrkw1();
	test_short_range();
	test_ensemble("mediumRange", SF_NWPS_MEDIUM_RANGE, "NWM_MEDIUM_RANGE");
	test_ensemble("longRange", SF_NWPS_LONG_RANGE, "NWM_LONG_RANGE");
	test_ensemble("mediumRangeBlend", SF_NWPS_MEDIUM_RANGE_BLEND,
	    "NWM_MEDIUM_RANGE_BLEND");
	test_nwm_errors();
	test_rfc_errors();
	test_cap();
	test_gauge();
	test_error_message();
	return tap_done();
}
