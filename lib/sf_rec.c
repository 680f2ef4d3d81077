/*
 * sf_rec: the record kinds, and reading and writing them as NDJSON or CSV.
 *
 * The reader takes one line at a time with getline(), so memory follows
 * the longest record. A record's field texts are copied, NUL-separated,
 * into one buffer that is reused for every record: no allocation per field
 * or per row once the buffers have grown. NDJSON lines go through jansson;
 * CSV lines are fed to libcsv until a row completes, which is at the end
 * of a line unless a quoted field holds a line break.
 *
 * The writer builds each line in a buffer and writes it with one fwrite.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <csv.h>
#include <jansson.h>

#include "sf.h"

#define S SF_FT_STR
#define N SF_FT_NUM
#define B SF_FT_BOOL

static const char *const req_fields[SF_REQ_NFIELDS] = {
	"config", "station", "agency", "type", "start", "end", "target_id"
};
static const enum sf_ftype req_types[SF_REQ_NFIELDS] = {
	S, S, S, S, S, S, S
};
static const char *const obs_fields[SF_OBS_NFIELDS] = {
	"config", "station", "agency", "type", "observed_at", "discharge",
	"unit", "quality_code"
};
static const enum sf_ftype obs_types[SF_OBS_NFIELDS] = {
	S, S, S, S, S, N, S, S
};
static const char *const fc_fields[SF_FC_NFIELDS] = {
	"config", "station", "agency", "target_id", "source", "member",
	"run_date", "valid_at", "discharge", "unit", "stage", "stage_unit"
};
static const enum sf_ftype fc_types[SF_FC_NFIELDS] = {
	S, S, S, S, S, S, S, S, N, S, N, S
};
static const char *const st_fields[SF_ST_NFIELDS] = {
	"station", "agency", "name", "latitude", "longitude", "state",
	"huc_code", "drainage_area_sqmi", "altitude_ft", "utc_offset",
	"uses_dst"
};
static const enum sf_ftype st_types[SF_ST_NFIELDS] = {
	S, S, S, N, N, S, S, N, N, S, B
};
static const char *const err_fields[SF_EREC_NFIELDS] = {
	"config", "station", "agency", "type", "start", "status", "message"
};
static const enum sf_ftype err_types[SF_EREC_NFIELDS] = {
	S, S, S, S, S, N, S
};

#undef S
#undef N
#undef B

static const struct sf_kind_info kinds[SF_KIND_COUNT] = {
	[SF_KIND_REQUEST] = { "request", SF_REQ_NFIELDS, req_fields,
	    req_types },
	[SF_KIND_OBS] = { "obs", SF_OBS_NFIELDS, obs_fields, obs_types },
	[SF_KIND_FORECAST] = { "forecast", SF_FC_NFIELDS, fc_fields,
	    fc_types },
	[SF_KIND_STATION] = { "station", SF_ST_NFIELDS, st_fields,
	    st_types },
	[SF_KIND_ERROR] = { "error", SF_EREC_NFIELDS, err_fields,
	    err_types }
};

const struct sf_kind_info *
sf_kind_info(enum sf_kind k)
{
	if (k < 0 || k >= SF_KIND_COUNT)
		return NULL;
	return &kinds[k];
}

enum sf_kind
sf_kind_from_name(const char *name)
{
	int k;

	if (name == NULL)
		return SF_KIND_NONE;
	for (k = 0; k < SF_KIND_COUNT; k++) {
		if (strcmp(name, kinds[k].name) == 0)
			return (enum sf_kind)k;
	}
	return SF_KIND_NONE;
}

void
sf_rec_clear(struct sf_rec *r, enum sf_kind k)
{
	int i;

	r->kind = k;
	for (i = 0; i < SF_REC_MAXF; i++)
		r->f[i] = NULL;
}

int
sf_format_parse(const char *s, enum sf_format *f, struct sf_err *err)
{
	if (strcmp(s, "ndjson") == 0)
		*f = SF_FMT_NDJSON;
	else if (strcmp(s, "csv") == 0)
		*f = SF_FMT_CSV;
	else
		return sf_err_set(err, "format '%s': unknown", s);
	return 0;
}

/*
 * Reader.
 */

/* CSV columns we keep: every field of a kind, and a kind column. */
#define MAXCOL (SF_REC_MAXF + 1)
/* off[] of a NULL field. */
#define NOFF ((size_t)-1)

enum { FMT_UNKNOWN, FMT_NDJSON, FMT_CSV };

struct sf_reader {
	FILE *fp;
	char *name;		/* for messages */
	char *line;		/* getline's buffer */
	size_t linecap;
	char *p;		/* the current line, past a BOM */
	size_t n;		/* its length, with the '\n' if any */
	int have;		/* p holds a line not yet consumed */
	long lineno;		/* lines read so far */
	long recline;		/* first line of the last record */
	int fmt;
	int dead;		/* a -2 was returned: the stream is over */

	/* The fields of the current record. */
	struct sf_buf text;	/* NUL-separated field texts */
	size_t off[MAXCOL];	/* where each starts in text, or NOFF */

	/* CSV */
	struct csv_parser csv;
	int csvinit;
	int nf;			/* fields seen in the current row */
	int rowdone;		/* libcsv ended a row */
	int discard;		/* callbacks ignore what they get */
	int pending;		/* a row is open across lines */
	int hasnul;		/* the row holds a NUL byte */
	int ncols;		/* header columns; 0 before the header */
	enum sf_kind kind;	/* the header's kind */
	int map[MAXCOL];	/* column -> field index, -1 for "kind" */
};

struct sf_reader *
sf_reader_new(FILE *fp, const char *name)
{
	struct sf_reader *rd = sf_calloc(1, sizeof(*rd));

	rd->fp = fp;
	rd->name = sf_strdup(name == NULL || strcmp(name, "-") == 0 ?
	    "stdin" : name);
	sf_buf_init(&rd->text);
	rd->kind = SF_KIND_NONE;
	return rd;
}

void
sf_reader_free(struct sf_reader *rd)
{
	if (rd == NULL)
		return;
	if (rd->csvinit)
		csv_free(&rd->csv);
	sf_buf_release(&rd->text);
	free(rd->line);
	free(rd->name);
	free(rd);
}

long
sf_reader_line(const struct sf_reader *rd)
{
	return rd->recline;
}

/*
 * Makes rd->p, rd->n the next line, its '\n' included when there is one.
 * Returns 1, 0 at the end of input, -1 on a read error (errno set).
 */
static int
next_line(struct sf_reader *rd)
{
	ssize_t n;

	if (rd->have) {
		rd->have = 0;
		return 1;
	}
	errno = 0;
	n = getline(&rd->line, &rd->linecap, rd->fp);
	if (n < 0) {
		if (ferror(rd->fp)) {
			if (errno == 0)
				errno = EIO;
			return -1;
		}
		return 0;
	}
	rd->lineno++;
	rd->p = rd->line;
	rd->n = (size_t)n;
	if (rd->lineno == 1 && rd->n >= 3 &&
	    memcmp(rd->p, "\xef\xbb\xbf", 3) == 0) {
		rd->p += 3;
		rd->n -= 3;
	}
	return 1;
}

static int
is_blank(const char *p, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (p[i] != ' ' && p[i] != '\t' && p[i] != '\r' &&
		    p[i] != '\n')
			return 0;
	}
	return 1;
}

/* Sets err to "NAME:LINE: reason" for the current record; returns -1. */
static int
bad(struct sf_reader *rd, struct sf_err *err, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int
bad(struct sf_reader *rd, struct sf_err *err, const char *fmt, ...)
{
	char why[SF_ERR_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why, sizeof(why), fmt, ap);
	va_end(ap);
	return sf_err_setl(err, rd->recline, "%s:%ld: %s", rd->name,
	    rd->recline, why);
}

/* The end of the stream on a read error; returns -2. */
static int
read_fault(struct sf_reader *rd, struct sf_err *err)
{
	rd->dead = 1;
	rd->recline = rd->lineno + 1;
	bad(rd, err, "read error: %s", strerror(errno));
	return -2;
}

/* Starts a new record in rd->text. */
static void
fields_reset(struct sf_reader *rd)
{
	sf_buf_reset(&rd->text);
	rd->nf = 0;
}

/* Appends the n bytes at s as field i; s NULL for the missing value. */
static void
field_add(struct sf_reader *rd, int i, const char *s, size_t n)
{
	if (s == NULL) {
		rd->off[i] = NOFF;
		return;
	}
	rd->off[i] = rd->text.len;
	sf_buf_grow(&rd->text, n + 1);
	memcpy(rd->text.buf + rd->text.len, s, n);
	rd->text.len += n;
	rd->text.buf[rd->text.len++] = '\0';
	rd->text.buf[rd->text.len] = '\0';
}

static const char *
field_str(const struct sf_reader *rd, int i)
{
	return rd->off[i] == NOFF ? NULL : rd->text.buf + rd->off[i];
}

/*
 * NDJSON
 */

/* Stores the value v of key name as field i; returns 0 or -1. */
static int
nd_field(struct sf_reader *rd, int i, const char *name, json_t *v,
    struct sf_err *err)
{
	char num[SF_NUM_LEN];
	int n;

	switch (json_typeof(v)) {
	case JSON_STRING:
		field_add(rd, i, json_string_value(v), json_string_length(v));
		return 0;
	case JSON_INTEGER:
		n = snprintf(num, sizeof(num), "%" JSON_INTEGER_FORMAT,
		    json_integer_value(v));
		field_add(rd, i, num, (size_t)n);
		return 0;
	case JSON_REAL:
		sf_str_fmt_double(json_real_value(v), num);
		field_add(rd, i, num, strlen(num));
		return 0;
	case JSON_TRUE:
		field_add(rd, i, "true", 4);
		return 0;
	case JSON_FALSE:
		field_add(rd, i, "false", 5);
		return 0;
	case JSON_NULL:
		field_add(rd, i, NULL, 0);
		return 0;
	case JSON_ARRAY:
		return bad(rd, err, "key '%s': an array is not a field value",
		    name);
	case JSON_OBJECT:
	default:
		return bad(rd, err, "key '%s': an object is not a field value",
		    name);
	}
}

/* Parses the JSON object in the n bytes at s into rec. */
static int
nd_record(struct sf_reader *rd, const char *s, size_t n, struct sf_rec *rec,
    struct sf_err *err)
{
	const struct sf_kind_info *ki;
	json_error_t je;
	json_t *o, *v;
	enum sf_kind k;
	int i, rc = -1;

	o = json_loadb(s, n, 0, &je);
	if (o == NULL)
		return bad(rd, err, "invalid JSON: %s", je.text);
	if (!json_is_object(o)) {
		bad(rd, err, "not a JSON object");
		goto out;
	}
	v = json_object_get(o, "kind");
	if (v == NULL) {
		bad(rd, err, "no \"kind\"");
		goto out;
	}
	if (!json_is_string(v)) {
		bad(rd, err, "\"kind\" is not a string");
		goto out;
	}
	if ((k = sf_kind_from_name(json_string_value(v))) == SF_KIND_NONE) {
		bad(rd, err, "unknown kind '%s'", json_string_value(v));
		goto out;
	}
	ki = &kinds[k];
	fields_reset(rd);
	for (i = 0; i < ki->nfields; i++) {
		v = json_object_get(o, ki->fields[i]);
		if (v == NULL)
			rd->off[i] = NOFF;
		else if (nd_field(rd, i, ki->fields[i], v, err) != 0)
			goto out;
	}
	sf_rec_clear(rec, k);
	for (i = 0; i < ki->nfields; i++)
		rec->f[i] = field_str(rd, i);
	rc = 1;
out:
	json_decref(o);
	return rc;
}

static int
nd_next(struct sf_reader *rd, struct sf_rec *rec, struct sf_err *err)
{
	int r;

	/* A CR or LF at the end is white space to jansson. */
	for (;;) {
		if ((r = next_line(rd)) <= 0)
			return r == 0 ? 0 : read_fault(rd, err);
		if (is_blank(rd->p, rd->n))
			continue;
		rd->recline = rd->lineno;
		return nd_record(rd, rd->p, rd->n, rec, err);
	}
}

/*
 * CSV
 */

/*
 * libcsv's notion of space: what it drops around unquoted fields and
 * after a closing quote. Only CR, so that a CRLF line end goes away while
 * spaces in fields are kept as they are.
 */
static int
csv_space(unsigned char c)
{
	return c == '\r';
}

/* Rows end at LF only; a line ends at most one row. */
static int
csv_term(unsigned char c)
{
	return c == '\n';
}

static void
csv_field_cb(void *s, size_t n, void *data)
{
	struct sf_reader *rd = data;

	if (rd->discard)
		return;
	if (rd->nf < MAXCOL)
		field_add(rd, rd->nf, s, n);
	rd->nf++;
}

static void
csv_row_cb(int c, void *data)
{
	struct sf_reader *rd = data;

	if (!rd->discard)
		rd->rowdone = 1;
}

/* Drops whatever libcsv holds of an unfinished row. */
static void
csv_drop(struct sf_reader *rd)
{
	rd->discard = 1;
	csv_fini(&rd->csv, csv_field_cb, csv_row_cb, rd);
	rd->discard = 0;
	rd->pending = 0;
	rd->rowdone = 0;
}

/* The header row is in the fields: choose the kind, map the columns. */
static int
csv_header(struct sf_reader *rd, struct sf_err *err)
{
	const char *name[MAXCOL];
	unsigned fit = (1u << SF_KIND_COUNT) - 1, m;
	int i, j, k, nk = 0;

	rd->dead = 1;
	if (rd->nf > MAXCOL) {
		bad(rd, err, "too many columns (%d)", rd->nf);
		return -2;
	}
	for (i = 0; i < rd->nf; i++) {
		name[i] = rd->off[i] == NOFF ? "" :
		    sf_str_trim(rd->text.buf + rd->off[i]);
		for (j = 0; j < i; j++) {
			if (strcmp(name[i], name[j]) == 0) {
				bad(rd, err, "duplicate column '%s'", name[i]);
				return -2;
			}
		}
		if (strcmp(name[i], "kind") == 0)
			continue;
		m = 0;
		for (k = 0; k < SF_KIND_COUNT; k++) {
			for (j = 0; j < kinds[k].nfields; j++) {
				if (strcmp(name[i], kinds[k].fields[j]) == 0)
					m |= 1u << k;
			}
		}
		if (m == 0) {
			bad(rd, err, "unknown column '%s'", name[i]);
			return -2;
		}
		fit &= m;
	}
	for (k = 0; k < SF_KIND_COUNT; k++) {
		if (fit & (1u << k)) {
			rd->kind = (enum sf_kind)k;
			nk++;
		}
	}
	if (nk != 1) {
		bad(rd, err, "cannot tell the record kind from the header");
		return -2;
	}
	for (i = 0; i < rd->nf; i++) {
		rd->map[i] = -1;
		for (j = 0; j < kinds[rd->kind].nfields; j++) {
			if (strcmp(name[i], kinds[rd->kind].fields[j]) == 0)
				rd->map[i] = j;
		}
	}
	rd->ncols = rd->nf;
	rd->dead = 0;
	return 0;
}

/* A data row is in the fields: check it and hand it out in rec. */
static int
csv_record(struct sf_reader *rd, struct sf_rec *rec, struct sf_err *err)
{
	const char *s;
	int i;

	if (rd->hasnul)
		return bad(rd, err, "NUL byte in a field");
	if (rd->nf != rd->ncols)
		return bad(rd, err, "expected %d fields, found %d", rd->ncols,
		    rd->nf);
	sf_rec_clear(rec, rd->kind);
	for (i = 0; i < rd->ncols; i++) {
		s = field_str(rd, i);
		if (rd->map[i] >= 0)
			rec->f[rd->map[i]] = s;
		else if (s == NULL || strcmp(s, kinds[rd->kind].name) != 0) {
			sf_rec_clear(rec, SF_KIND_NONE);
			return bad(rd, err, "kind '%s' in a stream of '%s'",
			    s ? s : "", kinds[rd->kind].name);
		}
	}
	return 1;
}

/* A row libcsv could not read: a bad line, or the end if the header. */
static int
csv_bad(struct sf_reader *rd, struct sf_err *err, const char *why)
{
	bad(rd, err, "%s", why);
	if (rd->ncols > 0)
		return -1;
	rd->dead = 1;
	return -2;
}

static int
csv_next(struct sf_reader *rd, struct sf_rec *rec, struct sf_err *err)
{
	int r;

	for (;;) {
		if ((r = next_line(rd)) < 0)
			return read_fault(rd, err);
		if (r == 0) {
			if (!rd->pending)
				return 0;
			csv_drop(rd);
			return csv_bad(rd, err, "quoted field not closed");
		}
		if (!rd->pending) {
			if (is_blank(rd->p, rd->n))
				continue;
			rd->recline = rd->lineno;
			rd->hasnul = 0;
			fields_reset(rd);
		}
		if (memchr(rd->p, '\0', rd->n) != NULL)
			rd->hasnul = 1;
		if (csv_parse(&rd->csv, rd->p, rd->n, csv_field_cb,
		    csv_row_cb, rd) != rd->n ||
		    ((rd->n == 0 || rd->p[rd->n - 1] != '\n') &&
		    csv_parse(&rd->csv, "\n", 1, csv_field_cb, csv_row_cb,
		    rd) != 1)) {
			csv_drop(rd);
			return csv_bad(rd, err, "misplaced quote");
		}
		if (!rd->rowdone) {
			rd->pending = 1;
			continue;
		}
		rd->pending = 0;
		rd->rowdone = 0;
		if (rd->ncols > 0)
			return csv_record(rd, rec, err);
		if (csv_header(rd, err) != 0)
			return -2;
	}
}

/* Tells the format by the first byte of the first line that is not blank. */
static int
detect(struct sf_reader *rd, struct sf_err *err)
{
	int r;

	for (;;) {
		if ((r = next_line(rd)) <= 0)
			return r == 0 ? 0 : read_fault(rd, err);
		if (!is_blank(rd->p, rd->n))
			break;
	}
	while (*rd->p == ' ' || *rd->p == '\t') {
		rd->p++;
		rd->n--;
	}
	rd->have = 1;
	if (*rd->p == '{') {
		rd->fmt = FMT_NDJSON;
		return 1;
	}
	rd->fmt = FMT_CSV;
	csv_init(&rd->csv, CSV_STRICT | CSV_APPEND_NULL | CSV_EMPTY_IS_NULL);
	csv_set_space_func(&rd->csv, csv_space);
	csv_set_term_func(&rd->csv, csv_term);
	csv_set_realloc_func(&rd->csv, sf_realloc);
	csv_set_free_func(&rd->csv, free);
	csv_set_blk_size(&rd->csv, 1024);
	rd->csvinit = 1;
	return 1;
}

int
sf_reader_next(struct sf_reader *rd, struct sf_rec *rec, struct sf_err *err)
{
	int r;

	sf_rec_clear(rec, SF_KIND_NONE);
	if (rd->dead)
		return 0;
	if (rd->fmt == FMT_UNKNOWN && (r = detect(rd, err)) <= 0)
		return r;
	if (rd->fmt == FMT_NDJSON)
		return nd_next(rd, rec, err);
	return csv_next(rd, rec, err);
}

/*
 * Writer.
 */

struct sf_writer {
	FILE *fp;
	enum sf_format fmt;
	enum sf_kind kind;	/* CSV: the kind of the header written */
	struct sf_buf line;
};

struct sf_writer *
sf_writer_new(FILE *fp, enum sf_format fmt)
{
	struct sf_writer *w = sf_calloc(1, sizeof(*w));

	w->fp = fp;
	w->fmt = fmt;
	w->kind = SF_KIND_NONE;
	sf_buf_init(&w->line);
	return w;
}

void
sf_writer_free(struct sf_writer *w)
{
	if (w == NULL)
		return;
	sf_buf_release(&w->line);
	free(w);
}

static int
is_digit(int c)
{
	return c >= '0' && c <= '9';
}

/* Whether s is a number in JSON's grammar (no '+', '.5', '1.' or '007'). */
static int
is_json_number(const char *s)
{
	const char *p = s;

	if (*p == '-')
		p++;
	if (*p == '0')
		p++;
	else if (is_digit((unsigned char)*p)) {
		while (is_digit((unsigned char)*p))
			p++;
	} else
		return 0;
	if (*p == '.') {
		p++;
		if (!is_digit((unsigned char)*p))
			return 0;
		while (is_digit((unsigned char)*p))
			p++;
	}
	if (*p == 'e' || *p == 'E') {
		p++;
		if (*p == '+' || *p == '-')
			p++;
		if (!is_digit((unsigned char)*p))
			return 0;
		while (is_digit((unsigned char)*p))
			p++;
	}
	return *p == '\0';
}

/*
 * Checks field i of rec against its type. For a number that JSON would
 * not take as written ("+1", ".5"), puts its shortest form in num and
 * returns 1; else returns 0, or -1 with err.
 */
static int
check_field(const struct sf_rec *rec, int i, char num[SF_NUM_LEN],
    struct sf_err *err)
{
	const struct sf_kind_info *ki = &kinds[rec->kind];
	const char *s = rec->f[i];
	struct sf_err e;
	double d;

	if (s == NULL)
		return 0;
	switch (ki->types[i]) {
	case SF_FT_NUM:
		if (sf_str_todouble(s, &d, &e) != 0)
			return sf_err_set(err, "%s field '%s': '%s' is not "
			    "a number", ki->name, ki->fields[i], s);
		if (is_json_number(s))
			return 0;
		sf_str_fmt_double(d, num);
		return 1;
	case SF_FT_BOOL:
		if (strcmp(s, "true") != 0 && strcmp(s, "false") != 0)
			return sf_err_set(err, "%s field '%s': '%s' is not "
			    "true or false", ki->name, ki->fields[i], s);
		return 0;
	case SF_FT_STR:
	default:
		return 0;
	}
}

static int
put_ndjson(struct sf_writer *w, const struct sf_rec *rec, struct sf_err *err)
{
	const struct sf_kind_info *ki = &kinds[rec->kind];
	struct sf_buf *b = &w->line;
	char num[SF_NUM_LEN];
	int i, r;

	sf_buf_add(b, "{\"kind\":\"", 9);
	sf_buf_adds(b, ki->name);
	sf_buf_addc(b, '"');
	for (i = 0; i < ki->nfields; i++) {
		sf_buf_add(b, ",\"", 2);
		sf_buf_adds(b, ki->fields[i]);
		sf_buf_add(b, "\":", 2);
		if ((r = check_field(rec, i, num, err)) < 0)
			return -1;
		if (rec->f[i] == NULL)
			sf_buf_add(b, "null", 4);
		else if (r == 1)
			sf_buf_adds(b, num);
		else if (ki->types[i] == SF_FT_STR)
			sf_buf_add_json_str(b, rec->f[i]);
		else
			sf_buf_adds(b, rec->f[i]);
	}
	sf_buf_add(b, "}\n", 2);
	return 0;
}

static int
put_csv(struct sf_writer *w, const struct sf_rec *rec, struct sf_err *err)
{
	const struct sf_kind_info *ki = &kinds[rec->kind];
	struct sf_buf *b = &w->line;
	char num[SF_NUM_LEN];
	int i;

	if (rec->kind == SF_KIND_ERROR)
		return sf_err_set(err, "error records are not written as CSV");
	if (w->kind != SF_KIND_NONE && rec->kind != w->kind)
		return sf_err_set(err, "%s record in a CSV stream of %s "
		    "records", ki->name, kinds[w->kind].name);
	if (w->kind == SF_KIND_NONE) {
		for (i = 0; i < ki->nfields; i++) {
			if (i > 0)
				sf_buf_addc(b, ',');
			sf_buf_adds(b, ki->fields[i]);
		}
		sf_buf_addc(b, '\n');
	}
	for (i = 0; i < ki->nfields; i++) {
		if (check_field(rec, i, num, err) < 0)
			return -1;
		if (i > 0)
			sf_buf_addc(b, ',');
		if (rec->f[i] == NULL)
			continue;
		if (rec->f[i][0] == '\0')
			sf_buf_add(b, "\"\"", 2);
		else
			sf_buf_add_csv_field(b, rec->f[i]);
	}
	sf_buf_addc(b, '\n');
	return 0;
}

int
sf_writer_put(struct sf_writer *w, const struct sf_rec *rec,
    struct sf_err *err)
{
	int r;

	if (rec->kind < 0 || rec->kind >= SF_KIND_COUNT)
		return sf_err_set(err, "record of no kind");
	sf_buf_reset(&w->line);
	if (w->fmt == SF_FMT_CSV)
		r = put_csv(w, rec, err);
	else
		r = put_ndjson(w, rec, err);
	if (r != 0)
		return -1;
	if (w->fmt == SF_FMT_CSV)
		w->kind = rec->kind;
	fwrite(w->line.buf, 1, w->line.len, w->fp);
	return 0;
}
