/*
 * t_report: sf_report's four formats, byte for byte: the table's
 * alignment, NULL cells, CSV quoting, NDJSON types, empty reports.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tap.h"
#include "sf_err.h"
#include "sf_report.h"
#include "sf.h"

static const struct sf_report_col cols[] = {
	{ "name", "NAME", SF_REPORT_STR },
	{ "note", NULL, SF_REPORT_STR },
	{ "count", "N", SF_REPORT_NUM },
	{ "on", "ENABLED", SF_REPORT_BOOL },
	{ "where", "WHERE", SF_REPORT_STR },
};
#define NCOLS (sizeof(cols) / sizeof(cols[0]))

static const char *const rows[][NCOLS] = {
	{ "potomac", "a, \"b\"", "12345", "true", "Little Falls" },
	{ "ec", NULL, "-0.5", "false", NULL },
	{ "x", "line\none", "0", NULL, "Zürich" },
};
#define NROWS (sizeof(rows) / sizeof(rows[0]))

/* Writes n rows of rows as a report in fmt; returns the output (free it). */
static char *
report(enum sf_report_format fmt, size_t n)
{
	struct sf_report r;
	char *out = NULL;
	size_t len = 0, i;
	FILE *fp;

	if ((fp = open_memstream(&out, &len)) == NULL) {
		perror("open_memstream");
		exit(1);
	}
	sf_report_init(&r, fp, fmt, "thing", cols, NCOLS);
	for (i = 0; i < n; i++)
		sf_report_put(&r, rows[i]);
	sf_report_finish(&r);
	sf_report_release(&r);
	fclose(fp);
	return out;
}

static void
test_table(void)
{
	char *s = report(SF_REPORT_TABLE, NROWS);

	is_str(s,
	    "NAME         N  ENABLED  WHERE\n"
	    "potomac  12345  true     Little Falls\n"
	    "ec        -0.5  false    -\n"
	    "x            0  -        Zürich\n",
	    "table: headings, left and right alignment, NULL as '-', hidden "
	    "column left out, last column not padded");
	free(s);
}

static void
test_table_width(void)
{
	static const struct sf_report_col c[] = {
		{ "a", "A", SF_REPORT_STR },
		{ "b", "B", SF_REPORT_NUM },
		{ "c", "C", SF_REPORT_STR },
		{ "d", NULL, SF_REPORT_STR },
	};
	static const char *const v[][4] = {
		{ "Zürich", "1", "x", "hidden" },
		{ "Montréal", "22", "tab\there", NULL },
		{ "ab", "333", "", "y" },
	};
	struct sf_report r;
	char *out = NULL;
	size_t len = 0, i;
	FILE *fp = open_memstream(&out, &len);

	sf_report_init(&r, fp, SF_REPORT_TABLE, NULL, c, 4);
	for (i = 0; i < 3; i++)
		sf_report_put(&r, v[i]);
	fflush(fp);
	is_int(len, 0, "table: nothing written before finish");
	sf_report_finish(&r);
	sf_report_release(&r);
	fclose(fp);
	is_str(out,
	    "A           B  C\n"
	    "Zürich      1  x\n"
	    "Montréal   22  tab?here\n"
	    "ab        333  \n",
	    "table: widths in UTF-8 characters, control characters as '?', "
	    "last shown column decides where lines end");
	free(out);
}

static void
test_keys(void)
{
	char *s = report(SF_REPORT_KEYS, 2);

	is_str(s,
	    "name: potomac\nnote: a, \"b\"\ncount: 12345\non: true\n"
	    "where: Little Falls\n"
	    "\n"
	    "name: ec\nnote: \ncount: -0.5\non: false\nwhere: \n",
	    "keys: every column, NULL empty, a blank line between rows");
	free(s);
	s = report(SF_REPORT_KEYS, NROWS);
	ok(strstr(s, "note: line?one\n") != NULL,
	    "keys: a newline in a cell shows as '?'");
	free(s);
}

static void
test_csv(void)
{
	char *s = report(SF_REPORT_CSV, NROWS);

	is_str(s,
	    "name,note,count,on,where\n"
	    "potomac,\"a, \"\"b\"\"\",12345,true,Little Falls\n"
	    "ec,,-0.5,false,\n"
	    "x,\"line\none\",0,,Zürich\n",
	    "csv: header with the first row, quoting, NULL empty, every "
	    "column");
	free(s);
}

static void
test_ndjson(void)
{
	static const struct sf_report_col c[] = {
		{ "s", "S", SF_REPORT_STR },
		{ "n", "N", SF_REPORT_NUM },
		{ "b", "B", SF_REPORT_BOOL },
	};
	static const char *const v[][3] = {
		{ "q\"b\\s/\x01\t\r\n", "1e3", "true" },
		{ "", "-0", "false" },
		{ NULL, NULL, NULL },
		{ "12", "7", "true" },
	};
	struct sf_report r;
	char *out = NULL;
	size_t len = 0, i;
	FILE *fp = open_memstream(&out, &len);

	sf_report_init(&r, fp, SF_REPORT_NDJSON, "k", c, 3);
	sf_report_put(&r, v[0]);
	fflush(fp);
	is_str(out, "{\"kind\":\"k\",\"s\":\"q\\\"b\\\\s/\\u0001\\t\\r\\n\","
	    "\"n\":1e3,\"b\":true}\n",
	    "ndjson: a row goes out at once; strings escaped, numbers and "
	    "booleans bare");
	for (i = 1; i < 4; i++)
		sf_report_put(&r, v[i]);
	sf_report_finish(&r);
	sf_report_release(&r);
	fclose(fp);
	is_str(out,
	    "{\"kind\":\"k\",\"s\":\"q\\\"b\\\\s/\\u0001\\t\\r\\n\","
	    "\"n\":1e3,\"b\":true}\n"
	    "{\"kind\":\"k\",\"s\":\"\",\"n\":-0,\"b\":false}\n"
	    "{\"kind\":\"k\",\"s\":null,\"n\":null,\"b\":null}\n"
	    "{\"kind\":\"k\",\"s\":\"12\",\"n\":7,\"b\":true}\n",
	    "ndjson: the empty string, null, a number-like string quoted");
	free(out);
	out = report(SF_REPORT_NDJSON, 1);
	is_str(out, "{\"kind\":\"thing\",\"name\":\"potomac\","
	    "\"note\":\"a, \\\"b\\\"\",\"count\":12345,\"on\":true,"
	    "\"where\":\"Little Falls\"}\n",
	    "ndjson: hidden table columns are there too");
	free(out);
}

static void
test_empty(void)
{
	static const enum sf_report_format f[] = {
		SF_REPORT_TABLE, SF_REPORT_KEYS, SF_REPORT_CSV,
		SF_REPORT_NDJSON
	};
	static const char *const name[] = { "table", "keys", "csv", "ndjson" };
	static const struct sf_report_col hidden[] = {
		{ "a", NULL, SF_REPORT_STR },
	};
	static const char *const v[] = { "x" };
	struct sf_report r;
	char what[64], *s;
	size_t i, len = 0;
	FILE *fp;

	for (i = 0; i < 4; i++) {
		s = report(f[i], 0);
		snprintf(what, sizeof(what), "empty report, %s: nothing "
		    "written, not even a header", name[i]);
		is_str(s, "", what);
		free(s);
	}
	s = NULL;
	fp = open_memstream(&s, &len);
	sf_report_init(&r, fp, SF_REPORT_TABLE, NULL, hidden, 1);
	sf_report_put(&r, v);
	sf_report_finish(&r);
	sf_report_release(&r);
	fclose(fp);
	is_str(s, "", "table without a shown column: nothing written");
	free(s);

	s = NULL;
	fp = open_memstream(&s, &len);
	sf_report_init(&r, fp, SF_REPORT_TABLE, NULL, cols, NCOLS);
	sf_report_put(&r, rows[0]);
	sf_report_release(&r);
	sf_report_release(&r);
	fclose(fp);
	is_str(s, "", "release without finish drops the table; twice is "
	    "harmless");
	free(s);
	memset(&r, 0, sizeof(r));
	sf_report_release(&r);
	ok(1, "release of a zeroed report is harmless");
}

static void
test_parse(void)
{
	static const char *const bad[] = { "keys", "TABLE", "", "json" };
	enum sf_report_format f = SF_REPORT_KEYS;
	struct sf_err err;
	size_t i;

	ok(sf_report_format_parse("table", &f, &err) == 0 &&
	    f == SF_REPORT_TABLE, "parse: table");
	ok(sf_report_format_parse("csv", &f, &err) == 0 &&
	    f == SF_REPORT_CSV, "parse: csv");
	ok(sf_report_format_parse("ndjson", &f, &err) == 0 &&
	    f == SF_REPORT_NDJSON, "parse: ndjson");
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		f = SF_REPORT_KEYS;
		ok(sf_report_format_parse(bad[i], &f, &err) == -1 &&
		    f == SF_REPORT_KEYS, "parse: refused, *fmt untouched");
	}
	is_str(err.msg, "format 'json': unknown (table, csv or ndjson)",
	    "parse: the message names the format and the choices");
}

int
main(void)
{
	test_table();
	test_table_width();
	test_keys();
	test_csv();
	test_ndjson();
	test_empty();
	test_parse();
	return tap_done();
}
