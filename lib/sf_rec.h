/*
 * sf_rec: the record kinds of DESIGN.md and their two encodings.
 *
 * A record is a kind and an array of fields, each a string or NULL (the
 * missing value). Fields are stored in the order of the kind's table,
 * which is also the order of NDJSON keys and CSV columns. Readers hand out
 * borrowed strings, valid until the next read; parsing a field into a time
 * or a number is the consumer's job (sf_time, sf_str).
 *
 * NDJSON: one compact object per line, "kind" first, then every field in
 * order, null for NULL; number fields unquoted, booleans true/false.
 * CSV: RFC 4180, a header naming the columns, LF line ends, an empty field
 * for NULL; one kind per stream and no kind column.
 */
#ifndef SF_REC_H
#define SF_REC_H

#include <stdio.h>

#include "sf_buf.h"
#include "sf_err.h"
#include "sf_str.h"

enum sf_kind {
	SF_KIND_NONE = -1,
	SF_KIND_REQUEST,
	SF_KIND_OBS,
	SF_KIND_FORECAST,
	SF_KIND_STATION,
	SF_KIND_ERROR,
	SF_KIND_DONE,
	SF_KIND_REVISION,
	SF_KIND_DAILY,
	SF_KIND_GAP,
	SF_KIND_COUNT
};

enum {
	SF_REQ_CONFIG, SF_REQ_STATION, SF_REQ_AGENCY, SF_REQ_TYPE,
	SF_REQ_SOURCE, SF_REQ_START, SF_REQ_END, SF_REQ_MODIFIED_SINCE,
	SF_REQ_TARGET_ID, SF_REQ_NFIELDS
};
enum {
	SF_OBS_CONFIG, SF_OBS_STATION, SF_OBS_AGENCY, SF_OBS_TYPE,
	SF_OBS_OBSERVED_AT, SF_OBS_DISCHARGE, SF_OBS_UNIT, SF_OBS_QUALITY_CODE,
	SF_OBS_NFIELDS
};
enum {
	SF_FC_CONFIG, SF_FC_STATION, SF_FC_AGENCY, SF_FC_TARGET_ID,
	SF_FC_SOURCE, SF_FC_MEMBER, SF_FC_RUN_DATE, SF_FC_VALID_AT,
	SF_FC_DISCHARGE, SF_FC_UNIT, SF_FC_STAGE, SF_FC_STAGE_UNIT,
	SF_FC_NFIELDS
};
enum {
	SF_ST_STATION, SF_ST_AGENCY, SF_ST_NAME, SF_ST_LATITUDE,
	SF_ST_LONGITUDE, SF_ST_STATE, SF_ST_HUC_CODE, SF_ST_DRAINAGE_AREA_SQMI,
	SF_ST_ALTITUDE_FT, SF_ST_UTC_OFFSET, SF_ST_USES_DST, SF_ST_NFIELDS
};
enum {
	SF_EREC_CONFIG, SF_EREC_STATION, SF_EREC_AGENCY, SF_EREC_TYPE,
	SF_EREC_START, SF_EREC_STATUS, SF_EREC_MESSAGE, SF_EREC_NFIELDS
};
/* done: one request succeeded (rows it brought, the newest instant) */
enum {
	SF_DONE_CONFIG, SF_DONE_STATION, SF_DONE_AGENCY, SF_DONE_TYPE,
	SF_DONE_START, SF_DONE_END, SF_DONE_MODIFIED_SINCE, SF_DONE_ROWS,
	SF_DONE_NEWEST, SF_DONE_NFIELDS
};
/*
 * revision: one value an observation held, from loaded_at until
 * replaced_at (null for the value it holds now). "value", not
 * "discharge", so that no obs CSV header also fits this kind.
 */
enum {
	SF_REV_STATION, SF_REV_AGENCY, SF_REV_TYPE, SF_REV_OBSERVED_AT,
	SF_REV_VALUE, SF_REV_UNIT, SF_REV_QUALITY_CODE, SF_REV_LOADED_AT,
	SF_REV_REPLACED_AT, SF_REV_NFIELDS
};
/* daily: the mean of a series' values over one local standard day */
enum {
	SF_DAY_STATION, SF_DAY_AGENCY, SF_DAY_TYPE, SF_DAY_DATE, SF_DAY_MEAN,
	SF_DAY_UNIT, SF_DAY_COUNT, SF_DAY_NFIELDS
};
/* gap: instants a series' cadence expects, first to last, missing */
enum {
	SF_GAP_STATION, SF_GAP_AGENCY, SF_GAP_TYPE, SF_GAP_FIRST_MISSING,
	SF_GAP_LAST_MISSING, SF_GAP_MISSING, SF_GAP_NFIELDS
};

#define SF_REC_MAXF 12

/* How a field is written in NDJSON. */
enum sf_ftype {
	SF_FT_STR,	/* a JSON string */
	SF_FT_NUM,	/* a JSON number: the field must parse as one */
	SF_FT_BOOL	/* true or false: the field is "true" or "false" */
};

struct sf_kind_info {
	const char *name;		/* "request", "obs", ... */
	int nfields;
	const char *const *fields;	/* column / key names, in order */
	const enum sf_ftype *types;
};

/* The table entry of kind k (SF_KIND_REQUEST .. SF_KIND_GAP), else NULL. */
const struct sf_kind_info *sf_kind_info(enum sf_kind k);
/* The kind named name (case-sensitive), or SF_KIND_NONE. */
enum sf_kind sf_kind_from_name(const char *name);

struct sf_rec {
	enum sf_kind kind;
	const char *f[SF_REC_MAXF];	/* NULL is the missing value */
};

/* Sets r to kind k with every field NULL. */
void sf_rec_clear(struct sf_rec *r, enum sf_kind k);

/*
 * Makes r the error record of a failed station: the strings are borrowed
 * (NULL is null); status is the HTTP status, 0 for none, written into num,
 * which must live as long as r.
 */
void sf_rec_error(struct sf_rec *r, const char *config, const char *station,
    const char *agency, const char *type, const char *start, long status,
    char num[SF_NUM_LEN], const char *message);

enum sf_format { SF_FMT_NDJSON, SF_FMT_CSV };

/* "ndjson" or "csv" into *f; returns 0 or -1 ("format 'S': unknown"). */
int sf_format_parse(const char *s, enum sf_format *f, struct sf_err *err);

/*
 * Reader: records from a stream, NDJSON or CSV told by the first byte
 * ('{' is NDJSON) of the first line that is not blank, after an optional
 * UTF-8 BOM and spaces. CRLF and a last line without a line end are
 * accepted; blank and white-space-only lines are skipped. Memory is
 * bounded by the longest record, not the stream.
 *
 * NDJSON: "kind" is required, must be a string and must be known; missing
 * keys are NULL; unknown keys are ignored, whatever their value (nested
 * at most 64 deep); string
 * values are taken as they are (a \u0000 in one makes the line bad),
 * integers as "%lld", other numbers as sf_str_fmt_double's shortest text
 * (1e3 reads "1000"), true/false as "true"/"false"; an array or an object
 * as the value of a field is an error.
 * CSV: RFC 4180. The header names the columns, in any order, optionally
 * with a kind column; names are compared case-sensitively after trimming
 * spaces and tabs; the kind is the one whose fields include every column
 * (an unknown or duplicate column, or a header that fits no kind or more
 * than one, is an error that ends the stream; a header that fits both
 * request and done is a request). With a kind column, a row
 * whose kind is not the header's is a bad line. Missing columns are NULL;
 * an unquoted empty field is NULL, a quoted empty field ("") is the empty
 * string; spaces in fields are kept. A quoted field may hold line breaks:
 * the record's line is the one it starts on. A row with another number of
 * fields than the header, a stray quote, a NUL byte, a quote still open
 * at the end of input, or a number field that is not a number in JSON's
 * grammar (RFC 8259: not "12000.", "+1" or ".5") makes a bad line.
 */
struct sf_reader;

/*
 * The longest line (or CSV record, over its lines) a reader takes: a
 * longer one is read to its end, not kept, and reported as a bad line
 * ("line longer than 1048576 bytes"), so a runaway field costs no memory.
 */
#define SF_REC_LINE_MAX 1048576
#define SF_REC_LINE_MAX_STR "1048576"

/*
 * name is copied and used in messages ("-" or NULL reads as "stdin"); fp
 * is borrowed. Free with sf_reader_free, which does not close fp.
 */
struct sf_reader *sf_reader_new(FILE *fp, const char *name);
void sf_reader_free(struct sf_reader *rd);

/*
 * Reads the next record into rec; its strings are borrowed from rd until
 * the next call or sf_reader_free. Returns 1 for a record; 0 at the end of
 * input; -1 for a bad line (a bad record, in CSV), with err->line its line
 * number and err->msg "NAME:LINE: reason" — the line is skipped, and the
 * next call goes on after it; -2 for a fault that ends the stream (read
 * error, unusable CSV header), err filled likewise, and every later call
 * returns 0. Unless 1 is returned, rec is cleared to SF_KIND_NONE.
 */
int sf_reader_next(struct sf_reader *rd, struct sf_rec *rec,
    struct sf_err *err);

/* The line on which the last record (or bad line) returned began. */
long sf_reader_line(const struct sf_reader *rd);

/*
 * Writer: records to a stream in one format, one fwrite per record. In CSV
 * the first record's kind fixes the header, written with that record (a
 * stream with no record stays empty, header included); a later record of
 * another kind is refused (-1), and so is an error record: in CSV mode the
 * caller reports those on stderr. NULL is null in NDJSON, an empty field
 * in CSV; the empty string is "" in both. fp is borrowed; write errors
 * show at the caller's fflush.
 */
struct sf_writer;

struct sf_writer *sf_writer_new(FILE *fp, enum sf_format fmt);
void sf_writer_free(struct sf_writer *w);
/*
 * Returns 0, or -1 with err and nothing written: no kind, wrong kind for
 * CSV, a NUM field that sf_str_todouble refuses, a BOOL field that is not
 * "true" or "false". A NUM field is written as given, except that NDJSON
 * gets the shortest form of one JSON would not take as written ("+1",
 * ".5", "007").
 */
int sf_writer_put(struct sf_writer *w, const struct sf_rec *rec,
    struct sf_err *err);

/*
 * Holds up to size bytes of output before writing them to fp in one go
 * (a large write costs a system call where stdio's buffer costs many);
 * 0, the default, writes each record to fp at once. What is held goes to
 * fp at sf_writer_flush and sf_writer_free: the caller flushes before it
 * writes to fp another way.
 */
void sf_writer_buffer(struct sf_writer *w, size_t size);
void sf_writer_flush(struct sf_writer *w);

/*
 * Writes the n bytes at p, a line in w's format that the caller made
 * (with sf_writer_template), as a record.
 */
void sf_writer_raw(struct sf_writer *w, const char *p, size_t n);

/*
 * For a caller that writes many records alike but for a few fields:
 * rec's NDJSON line, as sf_writer_put would write it, into b (reset
 * first), with the values of the fields in holes (bit i for field i)
 * left out: off[i] is where field i's value goes. Those values are the
 * caller's to write as sf_writer_put would (a STR field a JSON string, a
 * NUM field a JSON number). Returns 0, or -1 with err as sf_writer_put.
 */
int sf_writer_template(const struct sf_rec *rec, unsigned holes,
    struct sf_buf *b, size_t off[], struct sf_err *err);

#endif
