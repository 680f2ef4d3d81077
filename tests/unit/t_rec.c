/*
 * t_rec: the record kinds, the NDJSON and CSV writers, and the reader
 * with its format detection, header mapping, line numbers and recovery
 * from bad lines.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tap.h"
#include "sf_err.h"
#include "sf_rec.h"
#include "sf_str.h"
#include "sf.h"

/* A reader over the n bytes at s (which may hold NULs); see rd_close. */
static FILE *rd_fp;

static struct sf_reader *
rd_open(const char *s, size_t n, const char *name)
{
	rd_fp = tmpfile();
	if (rd_fp == NULL) {
		perror("tmpfile");
		exit(1);
	}
	if (n > 0 && fwrite(s, 1, n, rd_fp) != n) {
		perror("fwrite");
		exit(1);
	}
	rewind(rd_fp);
	return sf_reader_new(rd_fp, name);
}

static struct sf_reader *
rd_opens(const char *s)
{
	return rd_open(s, strlen(s), "in");
}

static void
rd_close(struct sf_reader *rd)
{
	sf_reader_free(rd);
	fclose(rd_fp);
}

/* A writer into memory; wr_done returns what was written (caller frees). */
static FILE *wr_fp;
static char *wr_buf;
static size_t wr_len;

static struct sf_writer *
wr_open(enum sf_format fmt)
{
	wr_fp = open_memstream(&wr_buf, &wr_len);
	if (wr_fp == NULL) {
		perror("open_memstream");
		exit(1);
	}
	return sf_writer_new(wr_fp, fmt);
}

static char *
wr_done(struct sf_writer *w)
{
	sf_writer_free(w);
	fclose(wr_fp);
	return wr_buf;
}

/* Checks that rec has kind k and fields want[0..n-1]. */
static void
is_rec(const struct sf_rec *rec, enum sf_kind k, const char *const *want,
    int n, const char *what)
{
	char w[160];
	int i;

	snprintf(w, sizeof(w), "%s: kind", what);
	is_int(rec->kind, k, w);
	for (i = 0; i < n; i++) {
		snprintf(w, sizeof(w), "%s: field %d (%s)", what, i,
		    sf_kind_info(k)->fields[i]);
		is_str(rec->f[i], want[i], w);
	}
}

/* Sets rec to kind k with fields v[0..]. */
static void
set_rec(struct sf_rec *rec, enum sf_kind k, const char *const *v)
{
	int i;

	sf_rec_clear(rec, k);
	for (i = 0; i < sf_kind_info(k)->nfields; i++)
		rec->f[i] = v[i];
}

/* Expects the next read to give rc with message msg. */
static void
next_fails(struct sf_reader *rd, int rc, const char *msg, long line,
    const char *what)
{
	struct sf_rec rec;
	struct sf_err err;
	char w[160];

	sf_err_clear(&err);
	snprintf(w, sizeof(w), "%s: returns %d", what, rc);
	is_int(sf_reader_next(rd, &rec, &err), rc, w);
	snprintf(w, sizeof(w), "%s: message", what);
	is_str(err.msg, msg, w);
	snprintf(w, sizeof(w), "%s: err line", what);
	is_int(err.line, line, w);
}

/* Expects the next read to give a record of kind k with fields want. */
static void
next_is(struct sf_reader *rd, enum sf_kind k, const char *const *want,
    long line, const char *what)
{
	struct sf_rec rec;
	struct sf_err err;
	char w[160];
	int rc;

	sf_err_clear(&err);
	rc = sf_reader_next(rd, &rec, &err);
	snprintf(w, sizeof(w), "%s: returns 1", what);
	is_int(rc, 1, w);
	if (rc != 1)
		printf("#   error: %s\n", err.msg);
	is_rec(&rec, k, want, sf_kind_info(k)->nfields, what);
	snprintf(w, sizeof(w), "%s: line", what);
	is_int(sf_reader_line(rd), line, w);
}

static void
next_end(struct sf_reader *rd, const char *what)
{
	struct sf_rec rec;
	struct sf_err err;

	is_int(sf_reader_next(rd, &rec, &err), 0, what);
}

static const char *const req_v[SF_REQ_NFIELDS] = {
	"potomac", "01646500", "USGS", "daily_mean", NULL, "1900-01-01", NULL,
	"2026-01-01T00:00:00Z", "PTTP1"
};
static const char *const obs_v[] = {
	"potomac", "01646500", "USGS", "realtime_15min",
	"2024-03-10T07:15:00Z", "12500.5", "cfs", "P:e"
};
static const char *const fc_v[] = {
	"bc-fcst", "08MF005", "EC", "PTTP1", "NWM_MEDIUM_RANGE", "member1",
	"2024-06-01T06:00:00Z", "2024-06-01T07:00:00Z", "1230", "cfs",
	"-1.25", "ft"
};
static const char *const st_v[] = {
	"01646500", "USGS", "POTOMAC RIVER NEAR WASH, DC \"LITTLE FALLS\"",
	"38.94977778", "-77.12763889", "MD", "02070008", "11560", "37.2",
	"-05:00", "true"
};
static const char *const err_v[] = {
	"potomac", "01646500", "USGS", "daily_mean", "2024-01-01", "503",
	"HTTP 503 after 5 attempts:\n\t\"busy\" \\ retry"
};

static void
test_kinds(void)
{
	struct sf_err err;
	enum sf_format f;
	struct sf_rec rec;
	int i;

	is_int(sf_kind_from_name("request"), SF_KIND_REQUEST, "kind request");
	is_int(sf_kind_from_name("obs"), SF_KIND_OBS, "kind obs");
	is_int(sf_kind_from_name("forecast"), SF_KIND_FORECAST,
	    "kind forecast");
	is_int(sf_kind_from_name("station"), SF_KIND_STATION, "kind station");
	is_int(sf_kind_from_name("error"), SF_KIND_ERROR, "kind error");
	is_int(sf_kind_from_name("OBS"), SF_KIND_NONE, "kind names are "
	    "case-sensitive");
	is_int(sf_kind_from_name("ob"), SF_KIND_NONE, "kind prefix unknown");
	is_int(sf_kind_from_name(""), SF_KIND_NONE, "kind empty unknown");

	is_int(sf_kind_info(SF_KIND_OBS)->nfields, 8, "obs has 8 fields");
	is_str(sf_kind_info(SF_KIND_OBS)->fields[SF_OBS_DISCHARGE],
	    "discharge", "obs discharge index");
	is_int(sf_kind_info(SF_KIND_OBS)->types[SF_OBS_DISCHARGE], SF_FT_NUM,
	    "obs discharge is a number");
	is_int(sf_kind_info(SF_KIND_FORECAST)->nfields, 12,
	    "forecast has 12 fields");
	is_str(sf_kind_info(SF_KIND_FORECAST)->fields[SF_FC_STAGE_UNIT],
	    "stage_unit", "forecast last field");
	is_int(sf_kind_info(SF_KIND_FORECAST)->types[SF_FC_STAGE], SF_FT_NUM,
	    "forecast stage is a number");
	is_int(sf_kind_info(SF_KIND_STATION)->types[SF_ST_USES_DST],
	    SF_FT_BOOL, "station uses_dst is a boolean");
	is_str(sf_kind_info(SF_KIND_STATION)->fields[SF_ST_UTC_OFFSET],
	    "utc_offset", "station utc_offset index");
	is_int(sf_kind_info(SF_KIND_ERROR)->types[SF_EREC_STATUS], SF_FT_NUM,
	    "error status is a number");
	is_str(sf_kind_info(SF_KIND_REQUEST)->fields[SF_REQ_TARGET_ID],
	    "target_id", "request target_id index");
	is_int(sf_kind_info(SF_KIND_REQUEST)->nfields, 9, "request fields");
	is_str(sf_kind_info(SF_KIND_REQUEST)->fields[SF_REQ_MODIFIED_SINCE],
	    "modified_since", "request modified_since index");
	is_int(sf_kind_from_name("done"), SF_KIND_DONE, "kind done");
	is_int(sf_kind_info(SF_KIND_DONE)->types[SF_DONE_ROWS], SF_FT_NUM,
	    "done rows is a number");
	ok(sf_kind_info(SF_KIND_NONE) == NULL, "no info for SF_KIND_NONE");
	ok(sf_kind_info(SF_KIND_COUNT) == NULL, "no info past the table");

	rec.f[3] = "x";
	sf_rec_clear(&rec, SF_KIND_STATION);
	is_int(rec.kind, SF_KIND_STATION, "sf_rec_clear sets the kind");
	for (i = 0; i < SF_REC_MAXF && rec.f[i] == NULL; i++)
		;
	is_int(i, SF_REC_MAXF, "sf_rec_clear empties every field");

	f = SF_FMT_NDJSON;
	is_int(sf_format_parse("csv", &f, &err), 0, "format csv");
	is_int(f, SF_FMT_CSV, "format csv value");
	is_int(sf_format_parse("ndjson", &f, &err), 0, "format ndjson");
	is_int(f, SF_FMT_NDJSON, "format ndjson value");
	f = SF_FMT_CSV;
	is_int(sf_format_parse("json", &f, &err), -1, "format json refused");
	is_str(err.msg, "format 'json': unknown", "format error message");
	is_int(f, SF_FMT_CSV, "format unchanged on error");
	is_int(sf_format_parse("CSV", &f, &err), -1, "format names are "
	    "lower case");
}

static void
test_ndjson_write(void)
{
	static const char *const obs[] = {
		NULL, "01646500", "USGS", "daily_mean",
		"2024-01-01T00:00:00Z", "1230", "cfs", "A"
	};
	static const char *const st[] = {
		"08MF005", "EC", "FRASER RIVER AT HOPE", "49.386", "-121.451",
		"BC", NULL, "+83.5", ".5", "-08:00", "false"
	};
	struct sf_writer *w;
	struct sf_rec rec;
	struct sf_err err;
	char *out;

	w = wr_open(SF_FMT_NDJSON);
	set_rec(&rec, SF_KIND_OBS, obs);
	is_int(sf_writer_put(w, &rec, &err), 0, "ndjson put obs");
	set_rec(&rec, SF_KIND_STATION, st);
	is_int(sf_writer_put(w, &rec, &err), 0, "ndjson put station");
	out = wr_done(w);
	is_str(out,
	    "{\"kind\":\"obs\",\"config\":null,\"station\":\"01646500\","
	    "\"agency\":\"USGS\",\"type\":\"daily_mean\","
	    "\"observed_at\":\"2024-01-01T00:00:00Z\",\"discharge\":1230,"
	    "\"unit\":\"cfs\",\"quality_code\":\"A\"}\n"
	    "{\"kind\":\"station\",\"station\":\"08MF005\",\"agency\":\"EC\","
	    "\"name\":\"FRASER RIVER AT HOPE\",\"latitude\":49.386,"
	    "\"longitude\":-121.451,\"state\":\"BC\",\"huc_code\":null,"
	    "\"drainage_area_sqmi\":83.5,\"altitude_ft\":0.5,"
	    "\"utc_offset\":\"-08:00\",\"uses_dst\":false}\n",
	    "ndjson exact output (numbers JSON cannot take are rewritten)");
	free(out);

	w = wr_open(SF_FMT_NDJSON);
	set_rec(&rec, SF_KIND_ERROR, err_v);
	is_int(sf_writer_put(w, &rec, &err), 0, "ndjson put error");
	out = wr_done(w);
	is_str(out,
	    "{\"kind\":\"error\",\"config\":\"potomac\","
	    "\"station\":\"01646500\",\"agency\":\"USGS\","
	    "\"type\":\"daily_mean\",\"start\":\"2024-01-01\","
	    "\"status\":503,\"message\":\"HTTP 503 after 5 attempts:\\n\\t"
	    "\\\"busy\\\" \\\\ retry\"}\n", "ndjson error record escaped");
	free(out);

	w = wr_open(SF_FMT_NDJSON);
	set_rec(&rec, SF_KIND_OBS, obs);
	rec.f[SF_OBS_DISCHARGE] = "12 cfs";
	is_int(sf_writer_put(w, &rec, &err), -1, "ndjson refuses a bad NUM");
	is_str(err.msg, "obs field 'discharge': '12 cfs' is not a number",
	    "bad NUM message names field and value");
	rec.f[SF_OBS_DISCHARGE] = "";
	is_int(sf_writer_put(w, &rec, &err), -1, "ndjson refuses empty NUM");
	rec.f[SF_OBS_DISCHARGE] = "nan";
	is_int(sf_writer_put(w, &rec, &err), -1, "ndjson refuses nan");
	rec.f[SF_OBS_DISCHARGE] = "1e999";
	is_int(sf_writer_put(w, &rec, &err), -1, "ndjson refuses 1e999");
	set_rec(&rec, SF_KIND_STATION, st);
	rec.f[SF_ST_USES_DST] = "yes";
	is_int(sf_writer_put(w, &rec, &err), -1, "ndjson refuses a bad BOOL");
	is_str(err.msg, "station field 'uses_dst': 'yes' is not true or "
	    "false", "bad BOOL message");
	sf_rec_clear(&rec, SF_KIND_NONE);
	is_int(sf_writer_put(w, &rec, &err), -1, "ndjson refuses no kind");
	out = wr_done(w);
	is_str(out, "", "nothing written for refused records");
	free(out);
}

static void
test_csv_write(void)
{
	static const char *const obs[] = {
		NULL, "01646500", "", "a,b", "say \"hi\"", "-0.25",
		"line\nbreak", " sp "
	};
	struct sf_writer *w;
	struct sf_rec rec;
	struct sf_err err;
	char *out;

	w = wr_open(SF_FMT_CSV);
	set_rec(&rec, SF_KIND_ERROR, err_v);
	is_int(sf_writer_put(w, &rec, &err), -1, "csv refuses an error record");
	is_str(err.msg, "error records are not written as CSV",
	    "csv error record message");
	set_rec(&rec, SF_KIND_OBS, obs);
	rec.f[SF_OBS_DISCHARGE] = "x";
	is_int(sf_writer_put(w, &rec, &err), -1, "csv refuses a bad NUM");
	set_rec(&rec, SF_KIND_OBS, obs);
	is_int(sf_writer_put(w, &rec, &err), 0, "csv put obs");
	rec.f[SF_OBS_CONFIG] = "cr\r";
	rec.f[SF_OBS_DISCHARGE] = NULL;
	is_int(sf_writer_put(w, &rec, &err), 0, "csv put second obs");
	set_rec(&rec, SF_KIND_REQUEST, req_v);
	is_int(sf_writer_put(w, &rec, &err), -1, "csv refuses a second kind");
	is_str(err.msg, "request record in a CSV stream of obs records",
	    "csv second kind message");
	set_rec(&rec, SF_KIND_ERROR, err_v);
	is_int(sf_writer_put(w, &rec, &err), -1,
	    "csv refuses an error record after obs");
	out = wr_done(w);
	is_str(out,
	    "config,station,agency,type,observed_at,discharge,unit,"
	    "quality_code\n"
	    ",01646500,\"\",\"a,b\",\"say \"\"hi\"\"\",-0.25,\"line\nbreak\","
	    " sp \n"
	    "\"cr\r\",01646500,\"\",\"a,b\",\"say \"\"hi\"\"\",,"
	    "\"line\nbreak\","
	    " sp \n",
	    "csv exact output: one header, NULL empty, \"\" quoted");
	free(out);

	w = wr_open(SF_FMT_CSV);
	out = wr_done(w);
	is_str(out, "", "csv writer with no record writes nothing");
	free(out);
}

/* Writes every record of kinds with values v in fmt, reads them back. */
static void
round_trip(enum sf_format fmt, const enum sf_kind *k,
    const char *const *const *v, int n, const char *what)
{
	struct sf_reader *rd;
	struct sf_writer *w;
	struct sf_rec rec;
	struct sf_err err;
	char *out, wh[128];
	int i;

	w = wr_open(fmt);
	for (i = 0; i < n; i++) {
		set_rec(&rec, k[i], v[i]);
		snprintf(wh, sizeof(wh), "%s: put %d", what, i);
		is_int(sf_writer_put(w, &rec, &err), 0, wh);
	}
	out = wr_done(w);
	rd = rd_opens(out);
	for (i = 0; i < n; i++) {
		snprintf(wh, sizeof(wh), "%s: record %d", what, i);
		next_is(rd, k[i], v[i], sf_reader_line(rd) + 1 +
		    (fmt == SF_FMT_CSV && i == 0), wh);
	}
	snprintf(wh, sizeof(wh), "%s: end", what);
	next_end(rd, wh);
	rd_close(rd);
	free(out);
}

static void
test_round_trips(void)
{
	static const char *const obs2[] = {
		"", NULL, " lead", "trail ", "\"q\"", "-7.5e-05", "a\r\nb",
		"\xc3\xa9"
	};
	static const char *const st_null[SF_ST_NFIELDS];
	static const enum sf_kind all[] = {
		SF_KIND_REQUEST, SF_KIND_OBS, SF_KIND_FORECAST,
		SF_KIND_STATION, SF_KIND_ERROR, SF_KIND_OBS, SF_KIND_STATION
	};
	static const char *const *const allv[] = {
		req_v, obs_v, fc_v, st_v, err_v, obs2, st_null
	};
	enum sf_kind k[2];
	const char *const *v[2];

	round_trip(SF_FMT_NDJSON, all, allv, 7, "ndjson round trip");
	k[0] = k[1] = SF_KIND_REQUEST;
	v[0] = v[1] = req_v;
	round_trip(SF_FMT_CSV, k, v, 2, "csv round trip request");
	k[0] = k[1] = SF_KIND_OBS;
	v[0] = obs_v;
	v[1] = obs2;
	round_trip(SF_FMT_CSV, k, v, 2, "csv round trip obs");
	k[0] = k[1] = SF_KIND_FORECAST;
	v[0] = v[1] = fc_v;
	round_trip(SF_FMT_CSV, k, v, 2, "csv round trip forecast");
	k[0] = k[1] = SF_KIND_STATION;
	v[0] = st_v;
	v[1] = st_null;
	round_trip(SF_FMT_CSV, k, v, 2, "csv round trip station");
}

static void
test_csv_read(void)
{
	struct sf_rec rec;
	struct sf_err err;
	static const char *const r1[] = {
		"p", "a,b", "say \"hi\"", "two\nlines", NULL, "", NULL,
		NULL, NULL
	};
	static const char *const r2[] = {
		"q", "3", NULL, NULL, NULL, NULL, NULL, NULL, "x y"
	};
	static const char *const ec[] = {
		NULL, "08MF005", "EC", NULL, "2024-01-01T00:00:00Z", "1230",
		NULL, NULL
	};
	static const char *const ec2[] = {
		NULL, "08MF005", "EC", NULL, "2024-01-02T00:00:00Z", NULL,
		NULL, NULL
	};
	static const char *const ord[] = {
		"c", "s", "USGS", NULL, NULL, "12", NULL, "A"
	};
	static const char nul[] = "station,agency,name\ns,a,n\0x\ns,a,n\n";
	struct sf_reader *rd;

	rd = rd_opens("config,station,agency,type,start,end,target_id\n"
	    "p,\"a,b\",\"say \"\"hi\"\"\",\"two\nlines\",\"\",,\n"
	    "\n"
	    "   \n"
	    "q,3,,,,,x y\n");
	next_is(rd, SF_KIND_REQUEST, r1, 2, "csv quoted fields");
	next_is(rd, SF_KIND_REQUEST, r2, 6, "csv record after a 2-line one");
	next_end(rd, "csv end");
	next_end(rd, "csv end again");
	rd_close(rd);

	rd = rd_opens("\xef\xbb\xbf station,agency ,observed_at,discharge\r\n"
	    "08MF005,EC,2024-01-01T00:00:00Z,1230\r\n"
	    "08MF005,EC,2024-01-02T00:00:00Z,");
	next_is(rd, SF_KIND_OBS, ec, 2, "csv BOM, space, CRLF");
	next_is(rd, SF_KIND_OBS, ec2, 3, "csv no final newline");
	next_end(rd, "csv BOM end");
	rd_close(rd);

	rd = rd_opens("\xef\xbb\xbf  \"station\",agency,observed_at,discharge\n"
	    "08MF005,EC,2024-01-01T00:00:00Z,1230\n");
	next_is(rd, SF_KIND_OBS, ec, 2, "csv BOM, spaces, quoted name");
	next_end(rd, "csv BOM, spaces, quoted name end");
	rd_close(rd);

	rd = rd_opens("\xef\xbb\xbf ID,Date\r\n");
	next_fails(rd, -2, "in:1: unknown column 'ID'", 1,
	    "csv EC header is not a record stream");
	next_end(rd, "csv after a header fault");
	rd_close(rd);

	rd = rd_opens("config,station,agency,type,observed_at,discharge,unit,"
	    "quality_code\n");
	next_end(rd, "csv header only: no records");
	rd_close(rd);

	rd = rd_opens("quality_code,discharge,agency,station,observed_at,"
	    "config\r\n"
	    "A,12,USGS,s,,c\r\n"
	    "\r\n");
	next_is(rd, SF_KIND_OBS, ord, 2, "csv columns in another order");
	next_end(rd, "csv other order end");
	rd_close(rd);

	rd = rd_opens("\n\nkind,station,discharge,observed_at\n"
	    "obs,s,12,t\n"
	    "forecast,s,13,t\n"
	    ",s,14,t\n"
	    "obs,s,15,t\n");
	{
		static const char *const k1[] = {
			NULL, "s", NULL, NULL, "t", "12", NULL, NULL
		};
		static const char *const k4[] = {
			NULL, "s", NULL, NULL, "t", "15", NULL, NULL
		};

		next_is(rd, SF_KIND_OBS, k1, 4, "csv kind column");
		next_fails(rd, -1, "in:5: kind 'forecast' in a stream of 'obs'",
		    5, "csv kind column of another kind");
		next_fails(rd, -1, "in:6: kind '' in a stream of 'obs'",
		    6, "csv empty kind column");
		next_is(rd, SF_KIND_OBS, k4, 7, "csv after bad kind rows");
	}
	next_end(rd, "csv kind column end");
	rd_close(rd);

	rd = rd_opens("config,statoin\n");
	next_fails(rd, -2, "in:1: unknown column 'statoin'", 1,
	    "csv unknown column");
	next_end(rd, "csv unknown column ends the stream");
	rd_close(rd);

	rd = rd_opens("config,station\na,b\n");
	next_fails(rd, -2, "in:1: cannot tell the record kind from the header",
	    1, "csv ambiguous header");
	next_end(rd, "csv ambiguous header ends the stream");
	rd_close(rd);

	rd = rd_opens("config,station,end\na,b,\n");
	ok(sf_reader_next(rd, &rec, &err) == 1 && rec.kind == SF_KIND_REQUEST,
	    "csv header of request and done columns is a request");
	rd_close(rd);

	rd = rd_opens("config,station,rows\na,b,3\n");
	ok(sf_reader_next(rd, &rec, &err) == 1 && rec.kind == SF_KIND_DONE &&
	    strcmp(rec.f[SF_DONE_ROWS], "3") == 0, "csv done header");
	rd_close(rd);

	rd = rd_opens("station,name,discharge\n");
	next_fails(rd, -2, "in:1: cannot tell the record kind from the header",
	    1, "csv header of no kind");
	rd_close(rd);

	rd = rd_opens("sta\"tion,name\nstation,name\n");
	next_fails(rd, -2, "in:1: misplaced quote", 1, "csv header quote");
	next_end(rd, "csv header quote ends the stream");
	rd_close(rd);

	rd = rd_opens("\"station,name\nx,y\n");
	next_fails(rd, -2, "in:1: quoted field not closed", 1,
	    "csv header quote not closed");
	next_end(rd, "csv header quote not closed: end");
	rd_close(rd);

	rd = rd_opens("station,name,station\n");
	next_fails(rd, -2, "in:1: duplicate column 'station'", 1,
	    "csv duplicate column");
	rd_close(rd);

	rd = rd_opens("station,name,,agency\n");
	next_fails(rd, -2, "in:1: unknown column ''", 1,
	    "csv empty column name");
	rd_close(rd);

	rd = rd_opens("config,station,agency,type,observed_at,discharge,unit,"
	    "quality_code\n"
	    "c,s,a,t,o,1,u\n"
	    "c,s,a,t,o,1,u,q,extra\n"
	    "c,s,a,t,o,\"1\"x,u,q\n"
	    "c,s,a,t,o,1,u,q\n"
	    "c,\"s\n"
	    "a,t,o,1,u,q\n");
	{
		static const char *const good[] = {
			"c", "s", "a", "t", "o", "1", "u", "q"
		};

		next_fails(rd, -1, "in:2: expected 8 fields, found 7", 2,
		    "csv short row");
		next_fails(rd, -1, "in:3: expected 8 fields, found 9", 3,
		    "csv long row");
		next_fails(rd, -1, "in:4: misplaced quote", 4,
		    "csv text after a closing quote");
		next_is(rd, SF_KIND_OBS, good, 5, "csv good row after bad");
		next_fails(rd, -1, "in:6: quoted field not closed", 6,
		    "csv quote open at the end");
		next_end(rd, "csv end after unclosed quote");
	}
	rd_close(rd);

	rd = rd_open(nul, sizeof(nul) - 1, "-");
	{
		static const char *const san[] = {
			"s", "a", "n", NULL, NULL, NULL, NULL, NULL, NULL,
			NULL, NULL
		};

		next_fails(rd, -1, "stdin:2: NUL byte in a field", 2,
		    "csv NUL byte; - is stdin");
		next_is(rd, SF_KIND_STATION, san, 3, "csv after a NUL byte");
	}
	rd_close(rd);
}

static void
test_ndjson_read(void)
{
	static const char *const o1[] = {
		NULL, "01646500", NULL, NULL, NULL, "1.5", NULL, NULL
	};
	static const char *const o2[] = {
		"", NULL, NULL, NULL, NULL, "12", NULL, "A"
	};
	static const char *const o3[] = {
		NULL, NULL, NULL, NULL, NULL, "-0.25", NULL, NULL
	};
	static const char *const o4[] = {
		NULL, NULL, NULL, NULL, NULL, "1000", NULL, NULL
	};
	static const char *const s1[] = {
		"123", NULL, NULL, "45.5", NULL, NULL, NULL, NULL, NULL, NULL,
		"true"
	};
	static const char *const s2[] = {
		NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
		"false"
	};
	struct sf_reader *rd;

	rd = rd_opens("\xef\xbb\xbf{\"kind\":\"obs\",\"station\":\"01646500\","
	    "\"discharge\":1.5}\r\n"
	    "{\"kind\":\"obs\", \"config\": \"\", \"discharge\": 12, "
	    "\"quality_code\": \"A\", \"extra\": [1], \"x\": {}}\r\n"
	    "  \t\r\n"
	    "{\"discharge\":-0.25,\"kind\":\"obs\",\"unit\":null}\n"
	    "\n"
	    "{\"kind\":\"obs\",\"discharge\":1e3}\n"
	    "{\"kind\":\"station\",\"station\":123,\"latitude\":45.5,"
	    "\"uses_dst\":true}\n"
	    "{\"kind\":\"station\",\"uses_dst\":false}");
	next_is(rd, SF_KIND_OBS, o1, 1, "ndjson BOM, CRLF, 1.5");
	next_is(rd, SF_KIND_OBS, o2, 2, "ndjson 12, unknown keys ignored");
	next_is(rd, SF_KIND_OBS, o3, 4, "ndjson -0.25, keys in any order");
	next_is(rd, SF_KIND_OBS, o4, 6, "ndjson 1e3");
	next_is(rd, SF_KIND_STATION, s1, 7, "ndjson number as id, true");
	next_is(rd, SF_KIND_STATION, s2, 8, "ndjson false, no final newline");
	next_end(rd, "ndjson end");
	rd_close(rd);

	rd = rd_opens("{\"kind\":\"obs\",\"discharge\":1}\n"
	    "not json\n"
	    "{\"kind\":\"obs\",\"discharge\":2}\n"
	    "{\"station\":\"x\"}\n"
	    "{\"kind\":\"obs\",\"discharge\":3}\n"
	    "{\"kind\":\"observation\"}\n"
	    "{\"kind\":\"obs\",\"discharge\":[4]}\n"
	    "{\"kind\":\"obs\",\"station\":{\"id\":1}}\n"
	    "[1,2]\n"
	    "{\"kind\":7}\n"
	    "{\"kind\":\"obs\",\"station\":\"a\\u0000b\"}\n"
	    "{\"kind\":\"obs\"} x\n"
	    "{\"kind\":\"obs\",\"discharge\":5}\n");
	{
		static const char *const d[][8] = {
			{ NULL, NULL, NULL, NULL, NULL, "1", NULL, NULL },
			{ NULL, NULL, NULL, NULL, NULL, "2", NULL, NULL },
			{ NULL, NULL, NULL, NULL, NULL, "3", NULL, NULL },
			{ NULL, NULL, NULL, NULL, NULL, "5", NULL, NULL }
		};

		next_is(rd, SF_KIND_OBS, d[0], 1, "ndjson good line 1");
		next_fails(rd, -1, "in:2: invalid JSON: '[' or '{' expected "
		    "near 'not'", 2, "ndjson not JSON");
		next_is(rd, SF_KIND_OBS, d[1], 3, "ndjson good line 3");
		next_fails(rd, -1, "in:4: no \"kind\"", 4,
		    "ndjson missing kind");
		next_is(rd, SF_KIND_OBS, d[2], 5, "ndjson good line 5");
		next_fails(rd, -1, "in:6: unknown kind 'observation'", 6,
		    "ndjson unknown kind");
		next_fails(rd, -1, "in:7: key 'discharge': an array is not a "
		    "field value", 7, "ndjson array value");
		next_fails(rd, -1, "in:8: key 'station': an object is not a "
		    "field value", 8, "ndjson object value");
		next_fails(rd, -1, "in:9: not a JSON object", 9,
		    "ndjson array line");
		next_fails(rd, -1, "in:10: \"kind\" is not a string", 10,
		    "ndjson kind not a string");
		next_fails(rd, -1, "in:11: invalid JSON: \\u0000 is not "
		    "allowed without JSON_ALLOW_NUL near '\"a\\u0000b\"'", 11,
		    "ndjson NUL in a string");
		next_fails(rd, -1, "in:12: invalid JSON: end of file expected "
		    "near 'x'", 12, "ndjson trailing text");
		next_is(rd, SF_KIND_OBS, d[3], 13, "ndjson good line 13");
		next_end(rd, "ndjson end after bad lines");
	}
	rd_close(rd);

	rd_fp = fopen(".", "r");
	if (rd_fp != NULL) {
		rd = sf_reader_new(rd_fp, "dir");
		next_fails(rd, -2, "dir:1: read error: Is a directory", 1,
		    "read error ends the stream");
		next_end(rd, "read error: then the end");
		rd_close(rd);
	} else
		ok(0, "fopen(\".\")");

	rd = rd_opens("");
	next_end(rd, "empty input");
	rd_close(rd);
	rd = rd_opens("\xef\xbb\xbf \r\n\n  \n");
	next_end(rd, "blank input");
	rd_close(rd);
}

/*
 * The NDJSON parser, one line at a time: each line is read as line 2, after
 * {"kind":"obs"}, so that it is NDJSON whatever its first byte.
 */
static struct sf_reader *
nd_open(const char *s, size_t n)
{
	static const char head[] = "{\"kind\":\"obs\"}\n";
	struct sf_reader *rd;
	struct sf_rec rec;
	struct sf_err err;
	char *in;

	in = malloc(sizeof(head) - 1 + n);
	if (in == NULL) {
		perror("malloc");
		exit(1);
	}
	memcpy(in, head, sizeof(head) - 1);
	memcpy(in + sizeof(head) - 1, s, n);
	rd = rd_open(in, sizeof(head) - 1 + n, "in");
	free(in);
	if (sf_reader_next(rd, &rec, &err) != 1) {
		printf("# the first line did not read: %s\n", err.msg);
		exit(1);
	}
	return rd;
}

/* Expects line s to give a record of kind k whose field i is want. */
static void
nd_field(const char *s, enum sf_kind k, int i, const char *want,
    const char *what)
{
	struct sf_reader *rd = nd_open(s, strlen(s));
	struct sf_rec rec;
	struct sf_err err;
	char w[160];
	int rc;

	sf_err_clear(&err);
	rc = sf_reader_next(rd, &rec, &err);
	snprintf(w, sizeof(w), "%s: returns 1", what);
	is_int(rc, 1, w);
	if (rc != 1)
		printf("#   error: %s\n", err.msg);
	snprintf(w, sizeof(w), "%s: kind", what);
	is_int(rec.kind, k, w);
	snprintf(w, sizeof(w), "%s: value", what);
	is_str(rc == 1 ? rec.f[i] : "(no record)", want, w);
	rd_close(rd);
}

/* Expects line s, n bytes that may hold NULs, to be a bad line 2. */
static void
nd_failsn(const char *s, size_t n, const char *msg, const char *what)
{
	struct sf_reader *rd = nd_open(s, n);

	next_fails(rd, -1, msg, 2, what);
	rd_close(rd);
}

/* Expects line s to be a bad line 2 with message msg. */
static void
nd_fails(const char *s, const char *msg, const char *what)
{
	nd_failsn(s, strlen(s), msg, what);
}

static void
test_ndjson_strings(void)
{
	static const char *const ok_utf8[] = {
		"\xc2\x80", "\xdf\xbf", "\xe0\xa0\x80", "\xed\x9f\xbf",
		"\xee\x80\x80", "\xef\xbf\xbf", "\xf0\x90\x80\x80",
		"\xf4\x8f\xbf\xbf", "a\x7f" "b"
	};
	static const struct {
		const char *in;
		int bad;	/* the byte reported */
	} bad_utf8[] = {
		{ "\x80", 0x80 },		/* a stray continuation */
		{ "\xbf", 0xbf },
		{ "\xc0\x80", 0xc0 },		/* overlong NUL */
		{ "\xc1\xbf", 0xc1 },		/* overlong */
		{ "\xe0\x80\x80", 0xe0 },	/* overlong */
		{ "\xe0\x9f\xbf", 0xe0 },	/* overlong */
		{ "\xf0\x8f\xbf\xbf", 0xf0 },	/* overlong */
		{ "\xed\xa0\x80", 0xed },	/* U+D800 */
		{ "\xed\xbf\xbf", 0xed },	/* U+DFFF */
		{ "\xf4\x90\x80\x80", 0xf4 },	/* U+110000 */
		{ "\xf5\x80\x80\x80", 0xf5 },
		{ "\xff", 0xff },
		{ "\xc3", 0xc3 },		/* cut by the quote */
		{ "\xe2\x82", 0xe2 },
		{ "\xf0\x9f\x98", 0xf0 },
		{ "\xe2" "a" "\x82", 0xe2 }
	};
	char line[128], want[128], what[64];
	size_t i;

	nd_field("{\"kind\":\"obs\",\"config\":\"q\\\" b\\\\ s\\/ \\b\\f\\n\\r"
	    "\\t end\"}\n", SF_KIND_OBS, SF_OBS_CONFIG,
	    "q\" b\\ s/ \b\f\n\r\t end", "ndjson every short escape");
	nd_field("{\"kind\":\"obs\",\"config\":\"\\u0041\\u00e9\\u20AC"
	    "\\u007f\\u0080\\u07ff\\u0800\\uffff\"}\n", SF_KIND_OBS,
	    SF_OBS_CONFIG, "A\xc3\xa9\xe2\x82\xac\x7f\xc2\x80\xdf\xbf"
	    "\xe0\xa0\x80\xef\xbf\xbf", "ndjson \\u escapes, 1 to 3 bytes");
	nd_field("{\"kind\":\"obs\",\"config\":\"\\ud83d\\ude00\"}\n",
	    SF_KIND_OBS, SF_OBS_CONFIG, "\xf0\x9f\x98\x80",
	    "ndjson surrogate pair");
	nd_field("{\"kind\":\"obs\",\"config\":\"<\\uD83D\\uDE00>"
	    "\\uD800\\uDC00\\uDBFF\\uDFFF\"}\n", SF_KIND_OBS, SF_OBS_CONFIG,
	    "<\xf0\x9f\x98\x80>\xf0\x90\x80\x80\xf4\x8f\xbf\xbf",
	    "ndjson surrogate pairs, upper case, first and last");
	nd_field("{\"kind\":\"obs\",\"st\\u0061tion\":\"s\","
	    "\"station\\u0020\":\"x\"}\n", SF_KIND_OBS, SF_OBS_STATION, "s",
	    "ndjson escapes in keys");
	nd_field("{\"kind\":\"o\\u0062s\",\"unit\":\"\"}\n", SF_KIND_OBS,
	    SF_OBS_UNIT, "", "ndjson escaped kind, empty string");
	nd_field("{\"kind\":\"obs\",\"config\":\"a\\\"},{\\\"\",\"unit\":"
	    "\"u\"}\n", SF_KIND_OBS, SF_OBS_UNIT, "u",
	    "ndjson quote and braces inside a string");

	nd_fails("{\"kind\":\"obs\",\"config\":\"\\ud800\"}\n",
	    "in:2: invalid JSON: invalid Unicode '\\uD800' near "
	    "'\"\\ud800\"'", "ndjson lone high surrogate");
	nd_fails("{\"kind\":\"obs\",\"config\":\"\\udc00x\"}\n",
	    "in:2: invalid JSON: invalid Unicode '\\uDC00' near "
	    "'\"\\udc00x\"'", "ndjson lone low surrogate");
	nd_fails("{\"kind\":\"obs\",\"config\":\"\\ud800\\u0041\"}\n",
	    "in:2: invalid JSON: invalid Unicode '\\uD800\\u0041' near "
	    "'\"\\ud800\\u0041\"'", "ndjson high surrogate, then not low");
	nd_fails("{\"kind\":\"obs\",\"config\":\"\\ude00\\ud83d\"}\n",
	    "in:2: invalid JSON: invalid Unicode '\\uDE00' near "
	    "'\"\\ude00\\ud83d\"'", "ndjson surrogates the wrong way round");
	nd_fails("{\"kind\":\"obs\",\"config\":\"\\udc00\\udc00\"}\n",
	    "in:2: invalid JSON: invalid Unicode '\\uDC00' near "
	    "'\"\\udc00\\udc00\"'", "ndjson two low surrogates");
	nd_fails("{\"kind\":\"obs\",\"x\":[\"\\ud83d\\n\"]}\n",
	    "in:2: invalid JSON: invalid Unicode '\\uD83D' near "
	    "'\"\\ud83d\\n\"'", "ndjson lone surrogate under an unknown key");
	nd_fails("{\"kind\":\"obs\",\"config\":\"\\ud800\\u12\"}\n",
	    "in:2: invalid JSON: invalid escape near '\"\\ud800\\u12\"'",
	    "ndjson a bad escape is told before a lone surrogate");
	nd_fails("{\"kind\":\"obs\",\"config\":\"\\x\"}\n",
	    "in:2: invalid JSON: invalid escape near '\"\\x'",
	    "ndjson unknown escape");
	nd_fails("{\"kind\":\"obs\",\"config\":\"\\u00G0\"}\n",
	    "in:2: invalid JSON: invalid escape near '\"\\u00G'",
	    "ndjson \\u with a bad hex digit");
	nd_fails("{\"kind\":\"obs\",\"config\":\"\\U0041\"}\n",
	    "in:2: invalid JSON: invalid escape near '\"\\U'",
	    "ndjson \\U is not \\u");
	nd_fails("{\"kind\":\"obs\",\"config\":\"a\tb\"}\n",
	    "in:2: invalid JSON: control character 0x9 near '\"a'",
	    "ndjson raw tab in a string");
	nd_fails("{\"kind\":\"obs\",\"x\":\"\x01\"}\n",
	    "in:2: invalid JSON: control character 0x1 near '\"'",
	    "ndjson raw control character under an unknown key");
	nd_failsn("{\"kind\":\"obs\",\"config\":\"a\0b\"}\n", 30,
	    "in:2: invalid JSON: control character 0x0 near '\"a'",
	    "ndjson raw NUL in a string");
	nd_fails("{\"kind\":\"obs\",\"config\":\"abc\n",
	    "in:2: invalid JSON: unexpected newline near '\"abc'",
	    "ndjson string cut by the line end");
	nd_fails("{\"kind\":\"obs\",\"config\":\"abc",
	    "in:2: invalid JSON: premature end of input near '\"abc'",
	    "ndjson string cut by the end of input");
	nd_fails("{\"kind\":\"obs\",\"config\":\"abc\\",
	    "in:2: invalid JSON: invalid escape near '\"abc\\'",
	    "ndjson backslash at the end of input");
	nd_fails("{\"kind\":\"obs\",\"st\\u0000\":1}\n",
	    "in:2: invalid JSON: NUL byte in object key not supported near "
	    "'\"st\\u0000\"'", "ndjson \\u0000 in a key");
	nd_fails("{\"kind\":\"obs\",\"x\":[\"\\u0000\"]}\n",
	    "in:2: invalid JSON: \\u0000 is not allowed without "
	    "JSON_ALLOW_NUL near '\"\\u0000\"'",
	    "ndjson \\u0000 under an unknown key");

	for (i = 0; i < sizeof(ok_utf8) / sizeof(ok_utf8[0]); i++) {
		snprintf(line, sizeof(line), "{\"kind\":\"obs\",\"config\":"
		    "\"%s\"}\n", ok_utf8[i]);
		snprintf(want, sizeof(want), "ndjson valid UTF-8 %zu", i);
		nd_field(line, SF_KIND_OBS, SF_OBS_CONFIG, ok_utf8[i], want);
	}
	for (i = 0; i < sizeof(bad_utf8) / sizeof(bad_utf8[0]); i++) {
		snprintf(line, sizeof(line), "{\"kind\":\"obs\",\"config\":"
		    "\"%s\"}\n", bad_utf8[i].in);
		snprintf(want, sizeof(want), "in:2: invalid JSON: invalid "
		    "UTF-8 byte 0x%02x at column 25", bad_utf8[i].bad);
		snprintf(what, sizeof(what), "ndjson bad UTF-8 %zu", i);
		nd_fails(line, want, what);
	}
	nd_fails("{\"kind\":\"obs\",\"x\":\"\xc3\"}\n",
	    "in:2: invalid JSON: invalid UTF-8 byte 0xc3 at column 20",
	    "ndjson bad UTF-8 under an unknown key");
	nd_fails("{\"kind\":\"obs\",\"x\xff\":1}\n",
	    "in:2: invalid JSON: invalid UTF-8 byte 0xff at column 17",
	    "ndjson bad UTF-8 in a key");
	nd_fails("{\"kind\":\"obs\",\"discharge\":1\xe9}\n",
	    "in:2: invalid JSON: invalid UTF-8 byte 0xe9 at column 28",
	    "ndjson bad UTF-8 after a number");
	nd_fails("{\"kind\":\"obs\",\xc3\xa9:1}\n",
	    "in:2: invalid JSON: string or '}' expected near '\xc3\xa9'",
	    "ndjson UTF-8 outside a string");
	nd_fails("\xef\xbb\xbf{\"kind\":\"obs\"}\n",
	    "in:2: invalid JSON: '[' or '{' expected near '\xef\xbb\xbf'",
	    "ndjson a BOM is only taken on line 1");
}

static void
test_ndjson_numbers(void)
{
	static const struct {
		const char *in, *out;
	} good[] = {
		{ "0", "0" }, { "-0", "0" }, { "7", "7" }, { "-7", "-7" },
		{ "1230", "1230" },
		{ "9223372036854775807", "9223372036854775807" },
		{ "-9223372036854775808", "-9223372036854775808" },
		{ "1.5", "1.5" }, { "-0.25", "-0.25" }, { "1.50", "1.5" },
		{ "1.0", "1" }, { "-0.0", "0" }, { "0.0", "0" },
		{ "123.45", "123.45" }, { "0.1", "0.1" },
		{ "0.0001", "0.0001" }, { "0.00001", "1e-05" },
		{ "0.000123", "0.000123" }, { "0.0000123", "1.23e-05" },
		{ "1e3", "1000" }, { "1E3", "1000" }, { "1e+3", "1000" },
		{ "1e-3", "0.001" }, { "-1.25e2", "-125" }, { "0e0", "0" },
		{ "1e21", "1e+21" },
		{ "12345678901234.5", "12345678901234.5" },
		{ "123456789012345.6", "123456789012345.6" },
		{ "1234567890123456.7", "1234567890123456.8" },
		{ "0.30000000000000004", "0.30000000000000004" },
		{ "0.6999999999999999", "0.6999999999999998" },
		{ "0.5000007963307283", "0.5000007963307282" },
		{ "8.000066360894025", "8.000066360894024" },
		{ "1.7976931348623157e308", "1.7976931348623157e+308" },
		{ "4.9e-324", "4.94065645841247e-324" },
		{ "1e-400", "0" },
		{ "12345678901234567890.5", "1.2345678901234567e+19" }
	};
	static const struct {
		const char *in, *msg;
	} bad_num[] = {
		{ "01", "invalid token near '0'" },
		{ "-01", "invalid token near '-0'" },
		{ "00", "invalid token near '0'" },
		{ "+1", "invalid token near '+'" },
		{ ".5", "invalid token near '.'" },
		{ "-.5", "invalid token near '-'" },
		{ "1.", "invalid token near '1.'" },
		{ "1.e5", "invalid token near '1.'" },
		{ "-", "invalid token near '-'" },
		{ "--1", "invalid token near '-'" },
		{ "1e", "invalid token near '1e'" },
		{ "1e+", "invalid token near '1e+'" },
		{ "1E-x", "invalid token near '1E-'" },
		{ "0x10", "'}' expected near 'x'" },
		{ "1.2.3", "'}' expected near '.'" },
		{ "NaN", "invalid token near 'NaN'" },
		{ "Infinity", "invalid token near 'Infinity'" },
		{ "-Infinity", "invalid token near '-'" },
		{ "9223372036854775808", "too big integer near "
		    "'9223372036854775808'" },
		{ "-9223372036854775809", "too big negative integer near "
		    "'-9223372036854775809'" },
		{ "1e309", "real number overflow near '1e309'" },
		{ "-1e309", "real number overflow near '-1e309'" },
		{ "1e400000000000000000000", "real number overflow at "
		    "column 27" }
	};
	char line[128], want[160], what[160];
	size_t i;

	for (i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		snprintf(line, sizeof(line), "{\"kind\":\"obs\",\"discharge\":"
		    "%s}\n", good[i].in);
		snprintf(what, sizeof(what), "ndjson number %s", good[i].in);
		nd_field(line, SF_KIND_OBS, SF_OBS_DISCHARGE, good[i].out,
		    what);
	}
	for (i = 0; i < sizeof(bad_num) / sizeof(bad_num[0]); i++) {
		snprintf(line, sizeof(line), "{\"kind\":\"obs\",\"discharge\":"
		    "%s}\n", bad_num[i].in);
		snprintf(want, sizeof(want), "in:2: invalid JSON: %s",
		    bad_num[i].msg);
		snprintf(what, sizeof(what), "ndjson not a number: %s",
		    bad_num[i].in);
		nd_fails(line, want, what);
	}
	nd_fails("{\"kind\":\"obs\",\"x\":[99999999999999999999]}\n",
	    "in:2: invalid JSON: too big integer near "
	    "'99999999999999999999'", "ndjson too big under an unknown key");
	nd_field("{\"kind\":\"station\",\"name\":12.50,\"huc_code\":-0,"
	    "\"uses_dst\":1}\n", SF_KIND_STATION, SF_ST_NAME, "12.5",
	    "ndjson a number as a string field");
}

/*
 * Decimals read as sf_str_fmt_double writes what strtod makes of them,
 * whether the reader takes its shortcut (the text already is that) or not.
 */
static void
test_ndjson_number_texts(void)
{
	enum { N = 20000 };
	struct sf_reader *rd;
	struct sf_rec rec;
	struct sf_err err;
	char *in, num[64], (*want)[SF_NUM_LEN];
	const char *got = NULL;
	unsigned long long x = 12345;
	size_t len = 0, cap = 1 << 21;
	int i, j, n, bad = -1;

	in = malloc(cap);
	want = malloc(N * sizeof(*want));
	if (in == NULL || want == NULL) {
		perror("malloc");
		exit(1);
	}
	for (i = 0; i < N; i++) {
		/* 0 to 15 digits (0 is "0"), a point, 1 to 16 digits. */
		x = x * 6364136223846793005ULL + 1442695040888963407ULL;
		n = 0;
		if (x >> 63)
			num[n++] = '-';
		j = (int)(x >> 40 & 15);
		if (j == 0)
			num[n++] = '0';
		else
			num[n++] = (char)('1' + (x >> 20) % 9);
		while (--j > 0)
			num[n++] = (char)('0' + (x >> (j * 3)) % 10);
		num[n++] = '.';
		for (j = 1 + (int)(x >> 50 & 15); j > 0; j--) {
			/* Now and then, end in zeros. */
			if (j < 4 && (x >> 56 & 1))
				num[n++] = '0';
			else
				num[n++] = (char)('0' +
				    (x >> (j * 2 + 7)) % 10);
		}
		num[n] = '\0';
		sf_str_fmt_double(strtod(num, NULL), want[i]);
		len += (size_t)snprintf(in + len, cap - len,
		    "{\"kind\":\"obs\",\"discharge\":%s}\n", num);
	}
	rd = rd_open(in, len, "in");
	for (i = 0; i < N; i++) {
		if (sf_reader_next(rd, &rec, &err) != 1) {
			got = err.msg;
			bad = i;
			break;
		}
		got = rec.f[SF_OBS_DISCHARGE];
		if (strcmp(got, want[i]) != 0) {
			bad = i;
			break;
		}
	}
	if (!ok(bad < 0, "ndjson 20000 decimals read as sf_str_fmt_double "
	    "writes them"))
		printf("#   line %d: got '%s', want '%s'\n", bad + 1, got,
		    want[bad]);
	rd_close(rd);
	free(want);
	free(in);
}

static void
test_ndjson_structure(void)
{
	static const char *const o5[] = {
		NULL, "s", NULL, NULL, NULL, "5", NULL, NULL
	};
	struct sf_reader *rd;
	struct sf_rec rec;
	struct sf_err err;
	char *big;
	size_t i, n;

	nd_field("{\"kind\":\"obs\",\"x\":{\"a\":[\"}\",\"]\",\"{\",\"[\","
	    "{\"b\":\"\\\"}\"}],\"c\":{}},\"discharge\":5}\n", SF_KIND_OBS,
	    SF_OBS_DISCHARGE, "5", "ndjson nested value skipped, brackets "
	    "in strings");
	nd_field("{\"kind\":\"obs\",\"x\":[[[]],{},[1,-2.5e3,true,false,"
	    "null,\"s\",{\"k\":[]}]],\"y\":{\"kind\":\"station\"},"
	    "\"discharge\":6}\n", SF_KIND_OBS, SF_OBS_DISCHARGE, "6",
	    "ndjson nested values of every type skipped");
	nd_field("{\"kind\":\"obs\",\"latitude\":[1],\"uses_dst\":{},"
	    "\"discharge\":7}\n", SF_KIND_OBS, SF_OBS_DISCHARGE, "7",
	    "ndjson another kind's field is an unknown key");
	nd_fails("{\"station\":[1],\"kind\":\"obs\"}\n",
	    "in:2: key 'station': an array is not a field value",
	    "ndjson array field before the kind");
	nd_fails("{\"kind\":\"forecast\",\"stage\":{\"a\":1}}\n",
	    "in:2: key 'stage': an object is not a field value",
	    "ndjson object field");
	nd_fails("{\"kind\":\"obs\",\"x\":[01]}\n",
	    "in:2: invalid JSON: invalid token near '0'",
	    "ndjson a nested value must be valid JSON");
	nd_fails("{\"kind\":\"obs\",\"x\":{\"a\" 1}}\n",
	    "in:2: invalid JSON: ':' expected near '1'",
	    "ndjson nested object without a colon");
	nd_fails("{\"kind\":\"obs\",\"x\":[1,]}\n",
	    "in:2: invalid JSON: unexpected token near ']'",
	    "ndjson trailing comma in an array");
	nd_fails("{\"kind\":\"obs\",\"x\":[1 2]}\n",
	    "in:2: invalid JSON: ']' expected near '2'",
	    "ndjson array without a comma");
	nd_fails("{\"kind\":\"obs\",\"x\":[1,\n",
	    "in:2: invalid JSON: ']' expected near end of file",
	    "ndjson array cut short");
	nd_fails("{\"kind\":\"obs\",\"x\":{\"a\":1,}}\n",
	    "in:2: invalid JSON: string or '}' expected near '}'",
	    "ndjson trailing comma in a nested object");
	nd_fails("{\"kind\":\"obs\",}\n",
	    "in:2: invalid JSON: string or '}' expected near '}'",
	    "ndjson trailing comma");
	nd_fails("{\"kind\":\"obs\" \"unit\":\"cfs\"}\n",
	    "in:2: invalid JSON: '}' expected near '\"unit\"'",
	    "ndjson missing comma");
	nd_fails("{\"kind\"=\"obs\"}\n",
	    "in:2: invalid JSON: ':' expected near '='",
	    "ndjson = for :");
	nd_fails("{kind:\"obs\"}\n",
	    "in:2: invalid JSON: string or '}' expected near 'kind'",
	    "ndjson unquoted key");
	nd_fails("{'kind':'obs'}\n",
	    "in:2: invalid JSON: string or '}' expected near '''",
	    "ndjson single quotes");
	nd_fails("{\"kind\":\"obs\",\"unit\":tru}\n",
	    "in:2: invalid JSON: invalid token near 'tru'",
	    "ndjson bad literal");
	nd_fails("{\"kind\":\"obs\",\"unit\":True}\n",
	    "in:2: invalid JSON: invalid token near 'True'",
	    "ndjson literals are lower case");
	nd_fails("{\"kind\":\"obs\",\"unit\":nullx}\n",
	    "in:2: invalid JSON: invalid token near 'nullx'",
	    "ndjson literal run on");

	/* Depth: the object is 1 deep, "x"'s value 2, and so on to 64. */
	big = malloc(256);
	if (big == NULL) {
		perror("malloc");
		exit(1);
	}
	for (n = 63; n <= 64; n++) {
		i = (size_t)snprintf(big, 256, "{\"kind\":\"obs\",\"x\":");
		memset(big + i, '[', n);
		memset(big + i + n, ']', n);
		snprintf(big + i + 2 * n, 256 - i - 2 * n,
		    ",\"unit\":\"u\"}\n");
		if (n == 63)
			nd_field(big, SF_KIND_OBS, SF_OBS_UNIT, "u",
			    "ndjson arrays nested 64 deep");
		else
			nd_fails(big, "in:2: invalid JSON: values nested too "
			    "deep (more than 64 levels) near '['",
			    "ndjson arrays nested 65 deep");
	}
	free(big);

	nd_field(" \t{ \"kind\" : \"obs\" ,\r\"unit\"\t:\t\"u\" , "
	    "\"discharge\" :1 } \t\r\n", SF_KIND_OBS, SF_OBS_UNIT, "u",
	    "ndjson white space everywhere");
	nd_fails("{\"kind\":\"obs\",\f\"unit\":\"u\"}\n",
	    "in:2: invalid JSON: string or '}' expected at column 15",
	    "ndjson form feed is not white space");
	nd_fails("{\"kind\":\"obs\",\"unit\":\"u\\\n",
	    "in:2: invalid JSON: invalid escape near '\"u\\'",
	    "ndjson no control character in a message");
	nd_field("{\"discharge\":2,\"station\":\"s\",\"x\":[{}],"
	    "\"kind\":\"obs\"}\n", SF_KIND_OBS, SF_OBS_STATION, "s",
	    "ndjson kind last");
	nd_fails("{\"kind\":\"obs\"}x\n",
	    "in:2: invalid JSON: end of file expected near 'x'",
	    "ndjson trailing garbage");
	nd_fails("{\"kind\":\"obs\"},\n",
	    "in:2: invalid JSON: end of file expected near ','",
	    "ndjson trailing comma after the object");
	nd_fails("{\"kind\":\"obs\"} {\"kind\":\"obs\"}\n",
	    "in:2: invalid JSON: end of file expected near '{'",
	    "ndjson two objects on a line");
	nd_fails("{\"kind\":\"obs\"}}\n",
	    "in:2: invalid JSON: end of file expected near '}'",
	    "ndjson one brace too many");
	nd_failsn("{\"kind\":\"obs\",\"discharge\":1\0}\n", 30,
	    "in:2: invalid JSON: '}' expected at column 28",
	    "ndjson NUL byte after a number");
	nd_fails("{\"kind\":\"obs\"",
	    "in:2: invalid JSON: '}' expected near end of file",
	    "ndjson truncated line");
	nd_fails("{\"kind\":\"obs\",\"discharge\":\n",
	    "in:2: invalid JSON: unexpected token near end of file",
	    "ndjson truncated before a value");
	nd_fails("{\"kind\":\"obs\",\n",
	    "in:2: invalid JSON: string or '}' expected near end of file",
	    "ndjson truncated after a comma");
	nd_fails("{\"kind\"\n",
	    "in:2: invalid JSON: ':' expected near end of file",
	    "ndjson truncated after a key");
	nd_fails("{\n",
	    "in:2: invalid JSON: string or '}' expected near end of file",
	    "ndjson a lone brace");
	nd_fails("[1,2\n",
	    "in:2: invalid JSON: ']' expected near end of file",
	    "ndjson truncated array line");
	nd_fails("\"kind\"\n",
	    "in:2: invalid JSON: '[' or '{' expected near '\"kind\"'",
	    "ndjson a string line");
	nd_fails("{}\n", "in:2: no \"kind\"", "ndjson empty object");
	nd_fails(" { } \n", "in:2: no \"kind\"",
	    "ndjson empty object, spaces");
	nd_fails("{\"kind\":null}\n", "in:2: \"kind\" is not a string",
	    "ndjson kind null");
	nd_fails("{\"kind\":[\"obs\"]}\n", "in:2: \"kind\" is not a string",
	    "ndjson kind an array");
	nd_fails("{\"kind\":\"obs \"}\n", "in:2: unknown kind 'obs '",
	    "ndjson kind with a space");
	nd_fails("{\"Kind\":\"obs\"}\n", "in:2: no \"kind\"",
	    "ndjson keys are case-sensitive");

	/* Duplicate keys: the last wins, as in jansson. */
	nd_field("{\"kind\":\"obs\",\"discharge\":1,\"discharge\":2}\n",
	    SF_KIND_OBS, SF_OBS_DISCHARGE, "2", "ndjson duplicate key");
	nd_field("{\"kind\":\"obs\",\"discharge\":[1],\"discharge\":3}\n",
	    SF_KIND_OBS, SF_OBS_DISCHARGE, "3",
	    "ndjson duplicate key: an array replaced");
	nd_fails("{\"kind\":\"obs\",\"discharge\":3,\"discharge\":[1]}\n",
	    "in:2: key 'discharge': an array is not a field value",
	    "ndjson duplicate key: an array last");
	nd_field("{\"kind\":\"station\",\"station\":\"s\",\"kind\":\"obs\"}\n",
	    SF_KIND_OBS, SF_OBS_STATION, "s", "ndjson duplicate kind");
	nd_field("{\"kind\":7,\"kind\":\"obs\",\"unit\":null,\"unit\":\"u\"}\n",
	    SF_KIND_OBS, SF_OBS_UNIT, "u",
	    "ndjson duplicate kind, the first not a string");
	nd_field("{\"kind\":\"obs\",\"unit\":\"u\",\"unit\":null}\n",
	    SF_KIND_OBS, SF_OBS_UNIT, NULL, "ndjson duplicate key, null last");
	nd_field("{\"kind\":\"station\",\"station\":true,\"name\":false,"
	    "\"state\":null,\"uses_dst\":true}\n", SF_KIND_STATION,
	    SF_ST_STATION, "true", "ndjson true as a string field");

	/* A long line, then one of many members, then a short one. */
	n = 200000;
	big = malloc(n + 128);
	if (big == NULL) {
		perror("malloc");
		exit(1);
	}
	i = (size_t)snprintf(big, 64, "{\"kind\":\"obs\",\"config\":\"");
	memset(big + i, 'a', n - i);
	i = n;
	i += (size_t)snprintf(big + i, 64, "\",\"station\":\"s\","
	    "\"discharge\":5}\n");
	rd = nd_open(big, i);
	is_int(sf_reader_next(rd, &rec, &err), 1, "ndjson long line");
	is_int(strlen(rec.f[SF_OBS_CONFIG]), n - 24,
	    "ndjson long line: the long field");
	rd_close(rd);
	i = (size_t)snprintf(big, 64, "{\"kind\":\"obs\"");
	while (i < n)
		i += (size_t)snprintf(big + i, 32, ",\"k%zu\":%zu", i, i);
	i += (size_t)snprintf(big + i, 128, ",\"station\":\"s\","
	    "\"discharge\":5}\n{\"kind\":\"obs\",\"station\":\"s\","
	    "\"discharge\":5}\n");
	rd = nd_open(big, i);
	next_is(rd, SF_KIND_OBS, o5, 2, "ndjson many members");
	next_is(rd, SF_KIND_OBS, o5, 3, "ndjson a short line after");
	next_end(rd, "ndjson many members: end");
	rd_close(rd);
	free(big);
}

static void
test_rec_error(void)
{
	char num[SF_NUM_LEN];
	struct sf_rec r;

	sf_rec_error(&r, "c", "01646500", "USGS", "daily_mean", "2024-01-01",
	    503, num, "HTTP 503 after 5 attempts");
	is_int(r.kind, SF_KIND_ERROR, "sf_rec_error: an error record");
	is_str(r.f[SF_EREC_STATION], "01646500", "sf_rec_error: station");
	is_str(r.f[SF_EREC_STATUS], "503", "sf_rec_error: status as text");
	is_str(r.f[SF_EREC_MESSAGE], "HTTP 503 after 5 attempts",
	    "sf_rec_error: message");
	sf_rec_error(&r, NULL, "x", "EC", NULL, NULL, 0, num, "m");
	ok(r.f[SF_EREC_STATUS] == NULL, "sf_rec_error: status 0 is null");
	ok(r.f[SF_EREC_CONFIG] == NULL && r.f[SF_EREC_TYPE] == NULL,
	    "sf_rec_error: NULL fields stay null");
}

int
main(void)
{
	test_kinds();
	test_ndjson_write();
	test_csv_write();
	test_round_trips();
	test_csv_read();
	test_ndjson_read();
	test_ndjson_strings();
	test_ndjson_numbers();
	test_ndjson_number_texts();
	test_ndjson_structure();
	test_rec_error();
	return tap_done();
}
