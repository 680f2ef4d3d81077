/*
 * sf_report: rows of strings written as a report, in one of four formats:
 *
 * - SF_REPORT_TABLE, for people: a heading line, then one line a row,
 *   columns padded to their widest cell (counted in UTF-8 characters)
 *   and two spaces apart; numbers right-aligned, the last column not
 *   padded; NULL cells "-". Only columns with a heading are shown. The
 *   rows are kept until sf_report_finish, which writes the table; a
 *   report without rows writes nothing, not even the heading.
 * - SF_REPORT_KEYS, for people: "name: value" lines, every column, NULL
 *   cells empty; a blank line between rows.
 *
 * In these two, control characters in cells (a newline in an error
 * message) are written as '?', so that a row stays on its line.
 * - SF_REPORT_CSV: a header row of the column names, written with the
 *   first row (a report without rows writes nothing), then RFC 4180 rows;
 *   NULL cells are empty fields.
 * - SF_REPORT_NDJSON: one object a row, "kind" first as in every sf(7)
 *   stream, then every column by name; NULL cells null, numbers and
 *   booleans unquoted, strings JSON strings.
 *
 * Every format but the table writes each row as it comes, with one fwrite.
 * The stream is borrowed; write errors show at the caller's fflush.
 */
#ifndef SF_REPORT_H
#define SF_REPORT_H

#include <stddef.h>
#include <stdio.h>

#include "sf_buf.h"
#include "sf_err.h"

enum sf_report_format {
	SF_REPORT_TABLE, SF_REPORT_KEYS, SF_REPORT_CSV, SF_REPORT_NDJSON
};

/*
 * What a column's cells hold. A NUM cell must be a number as JSON writes
 * it ("12", "-0.5"), a BOOL cell "true" or "false": NDJSON gets them as
 * given, unquoted.
 */
enum sf_report_type { SF_REPORT_STR, SF_REPORT_NUM, SF_REPORT_BOOL };

struct sf_report_col {
	const char *name;	/* CSV column, NDJSON and KEYS key */
	const char *head;	/* table heading; NULL: not in the table */
	enum sf_report_type type;	/* NUM: right-aligned in the table */
};

/* Set up by sf_report_init; the members are the module's own. */
struct sf_report {
	FILE *fp;
	enum sf_report_format fmt;
	const char *kind;
	const struct sf_report_col *cols;
	size_t ncols;
	char **cells;		/* TABLE: the rows so far, ncols a row */
	size_t nrows;		/* rows put */
	struct sf_buf line;
};

/*
 * "table", "csv" or "ndjson" into *fmt (KEYS has no name: it is a
 * program's default, not a choice). Returns 0, or -1 with err "format
 * 'S': unknown (table, csv or ndjson)" and *fmt untouched.
 */
int sf_report_format_parse(const char *s, enum sf_report_format *fmt,
    struct sf_err *err);

/*
 * Starts a report of ncols columns cols to fp in format fmt; kind names
 * the rows in NDJSON. fp, kind and cols are borrowed and must stay valid
 * until sf_report_release; kind must not be NULL when fmt is NDJSON.
 */
void sf_report_init(struct sf_report *r, FILE *fp, enum sf_report_format fmt,
    const char *kind, const struct sf_report_col *cols, size_t ncols);

/*
 * Adds a row: v holds ncols cells, in the order of the columns, NULL for
 * a missing value. v is borrowed for the call only (the table keeps
 * copies). Not to be called after sf_report_finish.
 */
void sf_report_put(struct sf_report *r, const char *const *v);

/* Writes the table, when that is the format; nothing otherwise. */
void sf_report_finish(struct sf_report *r);

/*
 * Frees what r holds, rows not yet written included; r may then be
 * initialised again. Harmless twice, and on a report set to { 0 }.
 */
void sf_report_release(struct sf_report *r);

#endif
