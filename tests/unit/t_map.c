/*
 * t_map: sf_map's line parsers (the HADS crosswalk and the mapping CSV),
 * its checks, and an import and lookups against an in-memory database;
 * sf_mapop's import, filter and listing.
 */
#include <stdio.h>
#include <string.h>

#include "tap.h"
#include "sf_buf.h"
#include "sf_db.h"
#include "sf_err.h"
#include "sf_map.h"
#include "sf_mapop.h"
#include "sf_rec.h"
#include "sf.h"

/* A real row of the crosswalk (ALL_USGS-HADS_SITES.txt), padding kept. */
#define COOA2 "COOA2|15258000       |1731446A|AFC|60 29 34   |149 48 28   " \
    "|KENAI R AT COOPER LANDING AK"

static void
hads_is(const char *line, const char *usgs, const char *nwsli,
    const char *what)
{
	struct sf_map_row r = { 0 };
	struct sf_err err;
	char buf[256], w[160];
	int rc;

	snprintf(buf, sizeof(buf), "%s", line);
	sf_err_clear(&err);
	rc = sf_map_parse_hads(buf, &r, &err);
	snprintf(w, sizeof(w), "hads %s: parsed", what);
	is_int(rc, 0, w);
	if (rc != 0) {
		printf("#   error: %s\n", err.msg);
		return;
	}
	snprintf(w, sizeof(w), "hads %s: source", what);
	is_str(r.source_agency, "USGS", w);
	is_str(r.source_id, usgs, w);
	snprintf(w, sizeof(w), "hads %s: target", what);
	is_str(r.target_agency, "NOAA-HADS", w);
	is_str(r.target_id, nwsli, w);
}

static void
hads_rejects(const char *line, const char *msg, const char *what)
{
	struct sf_map_row r;
	struct sf_err err;
	char buf[256], w[160];

	snprintf(buf, sizeof(buf), "%s", line);
	sf_err_clear(&err);
	snprintf(w, sizeof(w), "hads rejects %s", what);
	is_int(sf_map_parse_hads(buf, &r, &err), -1, w);
	snprintf(w, sizeof(w), "hads rejects %s: message", what);
	is_str(err.msg, msg, w);
}

static void
test_hads(void)
{
	hads_is(COOA2, "15258000", "COOA2", "a padded row");
	hads_is("BLEA1|323539085101101|DDEA4062|BMX|32 35 39   |085 10 11   "
	    "|BLEECKER PRECIPITATION STATION NEAR SALEM AL", "323539085101101",
	    "BLEA1", "a 15-digit number");
	hads_is("  X1  |\t01646500\t|||||", "01646500", "X1",
	    "spaces and tabs on both sides, empty other fields");
	hads_rejects("COOA2|15258000       |1731446A|AFC|60 29 34   |149 48 28",
	    "expected 7 fields, found 6", "a row without its name field");
	hads_rejects("COOA2|15258000", "expected 7 fields, found 2",
	    "a row cut short");
	hads_rejects("COOA2", "expected 7 fields, found 1", "one field");
	hads_rejects("", "expected 7 fields, found 1", "an empty line");
	hads_rejects(COOA2 "|extra", "expected 7 fields, found 8",
	    "an eighth field");
	hads_rejects("     |15258000       |||||x", "empty NWSLI",
	    "a blank NWSLI");
	hads_rejects("COOA2|               |||||x", "empty USGS number",
	    "a blank USGS number");
}

static void
csv_is(const char *line, const char *a, const char *b, const char *c,
    const char *d, const char *what)
{
	struct sf_map_row r = { 0 };
	struct sf_err err;
	char buf[256], w[160];
	int rc;

	snprintf(buf, sizeof(buf), "%s", line);
	sf_err_clear(&err);
	rc = sf_map_parse_csv(buf, &r, &err);
	snprintf(w, sizeof(w), "csv %s: parsed", what);
	is_int(rc, 0, w);
	if (rc != 0) {
		printf("#   error: %s\n", err.msg);
		return;
	}
	snprintf(w, sizeof(w), "csv %s: fields", what);
	is_str(r.source_agency, a, w);
	is_str(r.source_id, b, w);
	is_str(r.target_agency, c, w);
	is_str(r.target_id, d, w);
}

static void
csv_rejects(const char *line, const char *msg, const char *what)
{
	struct sf_map_row r;
	struct sf_err err;
	char buf[256], w[160];

	snprintf(buf, sizeof(buf), "%s", line);
	sf_err_clear(&err);
	snprintf(w, sizeof(w), "csv rejects %s", what);
	is_int(sf_map_parse_csv(buf, &r, &err), -1, w);
	snprintf(w, sizeof(w), "csv rejects %s: message", what);
	is_str(err.msg, msg, w);
}

static void
test_csv(void)
{
	csv_is("USGS,15258000,NOAA-HADS,COOA2", "USGS", "15258000",
	    "NOAA-HADS", "COOA2", "a plain row");
	csv_is("\"USGS\",\"15258000\",NWM,\"a,\"\"b\"\"\"", "USGS",
	    "15258000", "NWM", "a,\"b\"", "quoted fields, commas and quotes");
	csv_is(",,,", "", "", "", "", "empty fields");
	csv_is("USGS,1, x ,\"\"", "USGS", "1", " x ", "",
	    "spaces kept, a quoted empty field");
	csv_rejects("USGS,15258000,NOAA-HADS", "expected 4 fields, found 3",
	    "three fields");
	csv_rejects("USGS,15258000,NOAA-HADS,COOA2,", "expected 4 fields, "
	    "found 5", "five fields");
	csv_rejects("USGS,15258000,NOAA-HADS,\"COOA2", "quoted field not "
	    "closed", "an open quote");
	csv_rejects("USGS,15258000,NOAA-HADS,\"COO\"A2", "misplaced quote",
	    "text after a closing quote");
	csv_rejects("USGS,15258000,NOAA-HADS,CO\"OA2", "misplaced quote",
	    "a quote inside an unquoted field");
}

static void
check_is(const char *a, const char *b, const char *c, const char *d,
    const char *msg, const char *what)
{
	struct sf_map_row r = { a, b, c, d };
	struct sf_err err;
	char w[160];

	sf_err_clear(&err);
	snprintf(w, sizeof(w), "check %s", what);
	is_int(sf_map_check(&r, &err), msg == NULL ? 0 : -1, w);
	if (msg != NULL) {
		snprintf(w, sizeof(w), "check %s: message", what);
		is_str(err.msg, msg, w);
	}
}

static void
test_check(void)
{
	char longid[SF_MAP_ID_MAX + 2];

	check_is("USGS", "15258000", "NOAA-HADS", "COOA2", NULL, "a HADS row");
	check_is("EC", "08MF005", "NWM", "2617456", NULL, "an EC station");
	check_is("USGS", "15258000", "NOAA-HADS", "x'); DROP TABLE t;--\"",
	    NULL, "a hostile target id, taken as it is");
	check_is("usgs", "15258000", "NOAA-HADS", "COOA2",
	    "source agency 'usgs': unknown (USGS or EC)",
	    "a lower-case agency");
	check_is("", "15258000", "NOAA-HADS", "COOA2", "empty source agency",
	    "no source agency");
	check_is("USGS", "", "NOAA-HADS", "COOA2", "empty source id",
	    "no source id");
	check_is("USGS", "1525800", "NOAA-HADS", "COOA2", "station '1525800': "
	    "not a USGS station number (8 to 15 digits)", "7 digits");
	check_is("EC", "15258000", "NWM", "1", "station '15258000': not an EC "
	    "station id (2 digits, 2 upper-case letters, 3 upper-case letters "
	    "or digits, such as 05BH004)", "a USGS number as EC");
	check_is("USGS", "15258000", "HADS", "COOA2", "target agency 'HADS': "
	    "unknown (NOAA-HADS or NWM)", "an unknown target agency");
	check_is("USGS", "15258000", "NWM", "", "empty target id",
	    "no target id");
	check_is("USGS", "15258000", "NWM", " 1", "NWM id ' 1': space at an "
	    "end", "a leading space");
	check_is("USGS", "15258000", "NWM", "1 ", "NWM id '1 ': space at an "
	    "end", "a trailing space");
	check_is("USGS", "15258000", "NWM", "1\t2", "NWM id: not printable "
	    "ASCII", "a tab");
	check_is("USGS", "15258000", "NWM", "\xc3\xa9", "NWM id: not "
	    "printable ASCII", "UTF-8");
	memset(longid, 'A', sizeof(longid) - 1);
	longid[SF_MAP_ID_MAX] = '\0';
	check_is("USGS", "15258000", "NWM", longid, NULL, "64 characters");
	longid[SF_MAP_ID_MAX] = 'A';
	longid[SF_MAP_ID_MAX + 1] = '\0';
	check_is("USGS", "15258000", "NWM", longid, "NWM id "
	    "'AAAAAAAAAAAAAAAAAAAA...': longer than 64 characters",
	    "65 characters");
}

static int
count(struct sf_db *db)
{
	sqlite3_stmt *st = sf_db_prepare(db, "SELECT count(*) FROM "
	    "station_mappings", NULL);
	int v = -1;

	if (st != NULL && sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	return v;
}

/* Feeds s to im, a line at a time, the last one possibly unended. */
static void
feed(struct sf_map_import *im, const char *s, int *rcs, int max)
{
	struct sf_err err;
	const char *nl;
	size_t n;
	int i = 0, rc;

	while (*s != '\0') {
		nl = strchr(s, '\n');
		n = nl != NULL ? (size_t)(nl - s + 1) : strlen(s);
		rc = sf_map_import_line(im, s, n, &err);
		if (i < max)
			rcs[i++] = rc;
		if (rc < 0 || rc == 2)
			printf("# line %d: %s\n", i, err.msg);
		s += n;
	}
}

static void
test_import(void)
{
	struct sf_map_import *im;
	const struct sf_map_counts *n;
	struct sf_map *m;
	struct sf_db *db;
	struct sf_err err;
	const char *t;
	int rcs[8] = { 0 }, shipped, i;

	sf_db_set_seed(sf_map_import_shipped);
	db = sf_db_open(":memory:", SF_DB_CREATE, &err);
	ok(db != NULL, "an in-memory database");
	if (db == NULL) {
		printf("#   %s\n", err.msg);
		return;
	}
	for (i = shipped = 0; sf_hads_csv[i] != NULL; i++)
		if (sf_hads_csv[i][0] != '#')
			shipped++;
	ok(shipped > 1, "the shipped CSV is compiled in");
	is_int(count(db), shipped - 1,
	    "a new database holds every shipped mapping");

	m = sf_map_new(db, &err);
	is_int(sf_map_get(m, "USGS", "15258000", "NOAA-HADS", &t, &err), 1,
	    "a shipped mapping is found");
	is_str(t, "COOA2", "with its NWSLI");
	is_int(sf_map_get(m, "USGS", "15258000", "NWM", &t, &err), 0,
	    "not at another target agency");
	ok(t == NULL, "which leaves the id NULL");
	is_int(sf_map_get(m, "EC", "15258000", "NOAA-HADS", &t, &err), 0,
	    "nor for another source agency");

	sf_db_begin(db, &err);
	im = sf_map_import_new(db, SF_MAP_HADS, "x.txt", 0, &err);
	/* header lines, a new row, a shipped row, a cut row, no line end */
	feed(im, "NWS  |USGS           |        |   |           |  |\n"
	    "5 CHR|STATION        |GOES    |NWS|LATITUDE   |  |LOCATION\r\n"
	    "IDENT|NUMBER         |IDENTIFR|HSA|dd mm ss   |  |NAME\n"
	    "-----|---------------|--------|---|-----------|--|-------\n"
	    "NEWA1|99999999       |x|x|x|x|NEW\n"
	    COOA2 "\n"
	    "CUTA1|1234\n"
	    "LASA1|88888888       |x|x|x|x|LAST", rcs, 8);
	is_int(rcs[0] + rcs[1] + rcs[2] + rcs[3], 0, "4 header lines skipped");
	is_int(rcs[4], 1, "a new row is taken");
	is_int(rcs[5], 1, "a stored row too");
	is_int(rcs[6], -1, "a cut row is a bad line");
	is_int(rcs[7], 1, "a last row without a line end is taken");
	n = sf_map_import_counts(im);
	is_int(n->inserted, 2, "inserted");
	is_int(n->unchanged, 1, "unchanged");
	is_int(n->bad, 1, "bad");
	sf_map_import_free(im);
	sf_db_commit(db, &err);
	is_int(sf_map_get(m, "USGS", "88888888", "NOAA-HADS", &t, &err), 1,
	    "the last row is stored");
	is_str(t, "LASA1", "whole");

	sf_db_begin(db, &err);
	im = sf_map_import_new(db, SF_MAP_HADS, "y.txt", 0, &err);
	memset(rcs, 0, sizeof(rcs));
	feed(im, "AAAA1|77777777|x|x|x|x|x\nNWS|USGS|||||\n", rcs, 8);
	is_int(rcs[1], -1, "a header line after a row is a bad line");
	sf_map_import_free(im);

	im = sf_map_import_new(db, SF_MAP_CSV, "z.csv", 0, &err);
	memset(rcs, 0, sizeof(rcs));
	feed(im, "\xef\xbb\xbf# a comment\n" SF_MAP_CSV_HEADER "\r\n\n"
	    "USGS,15258000,NOAA-HADS,OTHER\n"
	    SF_MAP_CSV_HEADER "\n"
	    "EC,08MF005,NWM,\"x,'y\"\n", rcs, 8);
	is_int(rcs[0] + rcs[1] + rcs[2], 0,
	    "BOM and comment, header, blank line skipped");
	is_int(rcs[3], -1, "another target id is a conflict");
	is_int(rcs[4], 0, "the header again is skipped");
	is_int(rcs[5], 1, "a quoted target id is taken");
	is_int(sf_map_import_counts(im)->conflicts, 1, "counted as one");
	sf_map_import_free(im);
	is_int(sf_map_get(m, "USGS", "15258000", "NOAA-HADS", &t, &err), 1,
	    "after a conflict");
	is_str(t, "COOA2", "the stored id is kept");
	is_int(sf_map_get(m, "EC", "08MF005", "NWM", &t, &err), 1,
	    "the quoted id");
	is_str(t, "x,'y", "is stored as it is");

	im = sf_map_import_new(db, SF_MAP_CSV, "r.csv", 1, &err);
	memset(rcs, 0, sizeof(rcs));
	feed(im, SF_MAP_CSV_HEADER "\nUSGS,15258000,NOAA-HADS,OTHER\n", rcs,
	    8);
	is_int(rcs[1], 2, "with replace, a conflict replaces");
	is_int(sf_map_import_counts(im)->replaced, 1, "counted as replaced");
	sf_map_import_free(im);
	is_int(sf_map_get(m, "USGS", "15258000", "NOAA-HADS", &t, &err), 1,
	    "after replace");
	is_str(t, "OTHER", "the new id is stored");

	im = sf_map_import_new(db, SF_MAP_CSV, "h.csv", 0, &err);
	memset(rcs, 0, sizeof(rcs));
	feed(im, "# no header\nUSGS,15258000,NOAA-HADS,X\n", rcs, 8);
	is_int(rcs[1], -2, "a CSV without its header cannot go on");
	sf_map_import_free(im);
	sf_db_rollback(db);

	sf_map_free(m);
	sf_db_close(db);
}

/* What the notes said: sf_note_buf's lines. */
static struct sf_buf said = SF_BUF_INIT;

/* Reads back what was written to fp, into buf. */
static const char *
contents(FILE *fp, char *buf, size_t size)
{
	size_t len;

	rewind(fp);
	len = fread(buf, 1, size - 1, fp);
	buf[len] = '\0';
	fclose(fp);
	return buf;
}

static void
test_mapop(void)
{
	struct sf_mapop_filter *f;
	struct sf_db *db;
	struct sf_err err;
	char buf[2048];
	FILE *in, *out;

	db = sf_db_open(":memory:", SF_DB_CREATE, &err);
	ok(db != NULL, "mapop: an in-memory database");
	if (db == NULL)
		return;
	in = tmpfile();
	fputs(SF_MAP_CSV_HEADER "\nUSGS,09999990,NWM,123\nUSGS,x,NWM,1\n",
	    in);
	rewind(in);
	sf_buf_reset(&said);
	is_int(sf_mapop_import(db, in, "m.csv", 0, 0, sf_note_buf, &said),
	    -1, "mapop import with a bad line: a failure");
	fclose(in);
	ok(strstr(said.buf, "1 m.csv:3: ") != NULL,
	    "mapop import: the bad line");
	ok(strstr(said.buf, "0 1 inserted, 0 unchanged, 0 replaced, "
	    "0 conflicts, 1 bad lines\n") != NULL, "mapop import: the counts");

	out = tmpfile();
	sf_buf_reset(&said);
	f = sf_mapop_filter_new(db, out, SF_FMT_NDJSON, "NWM", NULL,
	    sf_note_buf, &said);
	ok(f != NULL, "mapop filter: made");
	is_int(sf_mapop_filter_station(f, "09999990"), 0, "filter -s: mapped");
	is_int(sf_mapop_filter_station(f, "09999991"), 0,
	    "filter -s: not mapped");
	is_int(sf_mapop_filter_free(f), -1, "filter: one failed");
	contents(out, buf, sizeof(buf));
	ok(strstr(buf, "\"target_id\":\"123\"") != NULL,
	    "filter: the request with its target id");
	ok(strstr(buf, "\"kind\":\"error\"") != NULL &&
	    strstr(buf, "09999991") != NULL, "filter: an error record in its "
	    "place");
	is_str(said.buf, "", "filter NDJSON: no notes");

	out = tmpfile();
	in = tmpfile();
	fputs("{\"kind\":\"request\",\"station\":\"09999991\"}\n", in);
	rewind(in);
	f = sf_mapop_filter_new(db, out, SF_FMT_CSV, "NWM", NULL,
	    sf_note_buf, &said);
	is_int(sf_mapop_filter_stream(f, in, "r.csv"), 0, "filter stream");
	is_int(sf_mapop_filter_free(f), -1, "filter stream: one failed");
	fclose(in);
	ok(strstr(said.buf, "1 ") == said.buf &&
	    strstr(said.buf, "09999991") != NULL,
	    "filter CSV: the failure as an error note");
	is_str(contents(out, buf, sizeof(buf)), "",
	    "filter CSV: no record for it");

	out = tmpfile();
	is_int(sf_mapop_list(db, "USGS", "NWM", out, SF_FMT_CSV,
	    sf_note_buf, &said), 0, "mapop list");
	is_str(contents(out, buf, sizeof(buf)), SF_MAP_CSV_HEADER
	    "\nUSGS,09999990,NWM,123\n", "mapop list: header and mapping");
	sf_db_close(db);
}

int
main(void)
{
	test_hads();
	test_csv();
	test_check();
	test_import();
	test_mapop();
	sf_buf_release(&said);
	return tap_done();
}
