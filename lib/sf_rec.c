/*
 * sf_rec: the record kinds, and reading and writing them as NDJSON or CSV.
 *
 * The reader takes one line at a time, at most SF_REC_LINE_MAX bytes, so
 * memory follows the longest record, and allocates nothing per field or per row once its
 * buffers have grown. NDJSON lines go through the parser below, which
 * decodes the line in place and points the fields into it. CSV lines are
 * fed to libcsv until a row completes, which is at the end of a line
 * unless a quoted field holds a line break; the fields are copied,
 * NUL-separated, into one buffer reused for every record.
 *
 * The writer builds each line in a buffer and writes it with one fwrite.
 */
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <csv.h>

#include "sf_buf.h"
#include "sf_err.h"
#include "sf_mem.h"
#include "sf_rec.h"
#include "sf_str.h"
#include "sf.h"

#define S SF_FT_STR
#define N SF_FT_NUM
#define B SF_FT_BOOL

static const char *const req_fields[SF_REQ_NFIELDS] = {
	"config", "station", "agency", "type", "source", "start", "end",
	"modified_since", "target_id"
};
static const enum sf_ftype req_types[SF_REQ_NFIELDS] = {
	S, S, S, S, S, S, S, S, S
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
static const char *const done_fields[SF_DONE_NFIELDS] = {
	"config", "station", "agency", "type", "start", "end",
	"modified_since", "rows", "newest"
};
static const enum sf_ftype done_types[SF_DONE_NFIELDS] = {
	S, S, S, S, S, S, S, N, S
};

static const char *const rev_fields[SF_REV_NFIELDS] = {
	"station", "agency", "type", "observed_at", "value", "unit",
	"quality_code", "loaded_at", "replaced_at"
};
static const enum sf_ftype rev_types[SF_REV_NFIELDS] = {
	S, S, S, S, N, S, S, S, S
};
static const char *const day_fields[SF_DAY_NFIELDS] = {
	"station", "agency", "type", "date", "mean", "unit", "count"
};
static const enum sf_ftype day_types[SF_DAY_NFIELDS] = {
	S, S, S, S, N, S, N
};
static const char *const gap_fields[SF_GAP_NFIELDS] = {
	"station", "agency", "type", "first_missing", "last_missing",
	"missing"
};
static const enum sf_ftype gap_types[SF_GAP_NFIELDS] = {
	S, S, S, S, S, N
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
	    err_types },
	[SF_KIND_DONE] = { "done", SF_DONE_NFIELDS, done_fields, done_types },
	[SF_KIND_REVISION] = { "revision", SF_REV_NFIELDS, rev_fields,
	    rev_types },
	[SF_KIND_DAILY] = { "daily", SF_DAY_NFIELDS, day_fields, day_types },
	[SF_KIND_GAP] = { "gap", SF_GAP_NFIELDS, gap_fields, gap_types }
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

void
sf_rec_error(struct sf_rec *r, const char *config, const char *station,
    const char *agency, const char *type, const char *start, long status,
    char num[SF_NUM_LEN], const char *message)
{
	sf_rec_clear(r, SF_KIND_ERROR);
	r->f[SF_EREC_CONFIG] = config;
	r->f[SF_EREC_STATION] = station;
	r->f[SF_EREC_AGENCY] = agency;
	r->f[SF_EREC_TYPE] = type;
	r->f[SF_EREC_START] = start;
	if (status > 0) {
		snprintf(num, SF_NUM_LEN, "%ld", status);
		r->f[SF_EREC_STATUS] = num;
	}
	r->f[SF_EREC_MESSAGE] = message;
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
	int toolong;		/* the line was longer than SF_REC_LINE_MAX */
	size_t reclen;		/* CSV: bytes of the record so far */
	long lineno;		/* lines read so far */
	long recline;		/* first line of the last record */
	int fmt;
	int dead;		/* a -2 was returned: the stream is over */

	/* The fields of the current record. */
	struct sf_buf text;	/* NUL-separated field texts */
	size_t off[MAXCOL];	/* where each starts in text, or NOFF */

	/* NDJSON */
	struct nd_mem *mem;	/* the members of the line's object */
	size_t nmem;
	size_t memcap;
	char num[SF_REC_MAXF][SF_NUM_LEN];	/* numbers rewritten ("1000") */
	size_t flen[SF_KIND_COUNT][SF_REC_MAXF];	/* strlen of names */

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
	int i, k;

	rd->fp = fp;
	rd->name = sf_strdup(name == NULL || strcmp(name, "-") == 0 ?
	    "stdin" : name);
	sf_buf_init(&rd->text);
	rd->kind = SF_KIND_NONE;
	for (k = 0; k < SF_KIND_COUNT; k++) {
		for (i = 0; i < kinds[k].nfields; i++)
			rd->flen[k][i] = strlen(kinds[k].fields[i]);
	}
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
	free(rd->mem);
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
 * A line longer than SF_REC_LINE_MAX is read to its end but only its
 * first SF_REC_LINE_MAX bytes are kept, and rd->toolong is set. Returns 1, 0 at the end of input, -1
 * on a read error (errno set).
 */
static int
next_line(struct sf_reader *rd)
{
	size_t n = 0;
	int c;

	if (rd->have) {
		rd->have = 0;
		return 1;
	}
	rd->toolong = 0;
	errno = 0;
	while ((c = getc_unlocked(rd->fp)) != EOF) {
		if (n == SF_REC_LINE_MAX)
			rd->toolong = 1;
		if (!rd->toolong) {
			if (n + 1 >= rd->linecap) {
				rd->linecap = rd->linecap ? rd->linecap * 2 :
				    256;
				rd->line = sf_realloc(rd->line, rd->linecap);
			}
			rd->line[n++] = (char)c;
		}
		if (c == '\n')
			break;
	}
	if (c == EOF && ferror(rd->fp)) {
		if (errno == 0)
			errno = EIO;
		return -1;
	}
	if (c == EOF && n == 0 && !rd->toolong)
		return 0;
	rd->lineno++;
	rd->line[n] = '\0';
	rd->p = rd->line;
	rd->n = n;
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
 *
 * A strict RFC 8259 parser for one object per line, made for flat
 * records: one pass over the line, no allocation once the member array has
 * grown. Strings are decoded in place (an escape is never shorter than the
 * bytes it stands for) and numbers are handed out as their own text when
 * that is already the text the record should hold, so most fields point
 * into getline's buffer.
 *
 * It takes and refuses what jansson's json_loadb (flags 0) did, with
 * jansson's messages ("'}' expected near ','"), which users and tests
 * know; on purpose it also refuses a NUL byte outside a string (jansson
 * drops one after a number or a literal) and values nested more than
 * ND_MAXDEPTH deep (jansson allows 2048). The whole line is checked before
 * the kind is looked at, so "kind" may come anywhere and, as in jansson,
 * the last of two equal keys wins.
 */

#define ND_MAXDEPTH 64
/* Longest token text quoted in a message, as in jansson. */
#define ND_NEAR 20

/* Token types: one of "{}[]:," as itself, or one of these. */
enum {
	T_EOF = 256, T_STR, T_NUM, T_TRUE, T_FALSE, T_NULL, T_INVALID,
	T_ERR		/* a lexical error, already reported */
};

struct nd_tok {
	int type;
	char *s, *e;		/* the token's text, for messages */
	char *val;		/* T_STR: the text inside the quotes */
	size_t len;
	char *esc;		/* T_STR: its first backslash, or NULL */
	int nul;		/* T_STR: holds \u0000 */
	int real;		/* T_NUM: has a fraction or an exponent */
};

/* A key of the line's object and its value, kept until the line is read. */
struct nd_mem {
	char *key;
	size_t klen;
	char *val;
	size_t vlen;
	int type;		/* a token type; '{' or '[' if nested */
	int real;		/* as in struct nd_tok */
};

struct nd {
	struct sf_reader *rd;
	struct sf_err *err;
	char *line;		/* for columns */
	char *p;		/* next byte */
	char *end;		/* *end is getline's NUL */
};

/*
 * Reports "invalid JSON: why" near the text [s, e) of the token, as
 * jansson did; by its column when the text is long or holds a control
 * character, which would not read well in a message.
 */
static int
nd_err(struct nd *x, const char *s, const char *e, const char *why)
{
	const char *p;

	for (p = s; p < e && p - s <= ND_NEAR; p++) {
		if ((unsigned char)*p < 0x20)
			break;
	}
	if (p == e && e > s)
		return bad(x->rd, x->err, "invalid JSON: %s near '%.*s'", why,
		    (int)(e - s), s);
	if (s >= x->end)
		return bad(x->rd, x->err, "invalid JSON: %s near end of file",
		    why);
	return bad(x->rd, x->err, "invalid JSON: %s at column %ld", why,
	    (long)(s - x->line) + 1);
}

static int
nd_tok_err(struct nd *x, const struct nd_tok *t, const char *why)
{
	return nd_err(x, t->s, t->e, why);
}

static int
nd_utf8_err(struct nd *x, const char *p)
{
	return bad(x->rd, x->err, "invalid JSON: invalid UTF-8 byte 0x%02x "
	    "at column %ld", (unsigned char)*p, (long)(p - x->line) + 1);
}

/*
 * The length of the UTF-8 sequence of two to four bytes at s, or 0 if it
 * is not one (a stray continuation byte, an overlong form, a surrogate,
 * past U+10FFFF, cut short). Reads no further than the first byte that is
 * not a continuation, so the NUL after the line stops it.
 */
static int
utf8_len(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	unsigned long cp;

	if (p[0] < 0xc2 || p[0] > 0xf4 || (p[1] & 0xc0) != 0x80)
		return 0;
	if (p[0] < 0xe0)
		return 2;
	if ((p[2] & 0xc0) != 0x80)
		return 0;
	if (p[0] < 0xf0) {
		cp = (p[0] & 0x0fUL) << 12 | (p[1] & 0x3fUL) << 6;
		if (cp < 0x800 || (cp >= 0xd800 && cp <= 0xdfff))
			return 0;
		return 3;
	}
	if ((p[3] & 0xc0) != 0x80)
		return 0;
	cp = (p[0] & 0x07UL) << 18 | (p[1] & 0x3fUL) << 12;
	if (cp < 0x10000 || cp > 0x10ffff)
		return 0;
	return 4;
}

/*
 * Whether bad UTF-8 starts at p. jansson reads the byte after a number or
 * a word, and finds bad UTF-8 there before anything else.
 */
static int
bad_utf8_at(const char *p)
{
	return (unsigned char)*p >= 0x80 && utf8_len(p) == 0;
}

static int
hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* The four hex digits at p, already checked. */
static unsigned
hex4(const char *p)
{
	return (unsigned)(hexval(p[0]) << 12 | hexval(p[1]) << 8 |
	    hexval(p[2]) << 4 | hexval(p[3]));
}

/* Writes code point cp as UTF-8 at q; returns the byte after. */
static char *
utf8_put(char *q, unsigned long cp)
{
	if (cp < 0x80) {
		*q++ = (char)cp;
	} else if (cp < 0x800) {
		*q++ = (char)(0xc0 | cp >> 6);
		*q++ = (char)(0x80 | (cp & 0x3f));
	} else if (cp < 0x10000) {
		*q++ = (char)(0xe0 | cp >> 12);
		*q++ = (char)(0x80 | (cp >> 6 & 0x3f));
		*q++ = (char)(0x80 | (cp & 0x3f));
	} else {
		*q++ = (char)(0xf0 | cp >> 18);
		*q++ = (char)(0x80 | (cp >> 12 & 0x3f));
		*q++ = (char)(0x80 | (cp >> 6 & 0x3f));
		*q++ = (char)(0x80 | (cp & 0x3f));
	}
	return q;
}

/*
 * Decodes the escapes of the string body [p, e) in place, from its first
 * backslash at p; they have been checked. Returns the new end.
 */
static char *
nd_unescape(char *p, const char *e)
{
	char *q = p;
	unsigned long cp;

	while (p < e) {
		if (*p != '\\') {
			*q++ = *p++;
			continue;
		}
		switch (p[1]) {
		case 'b':
			*q++ = '\b';
			break;
		case 'f':
			*q++ = '\f';
			break;
		case 'n':
			*q++ = '\n';
			break;
		case 'r':
			*q++ = '\r';
			break;
		case 't':
			*q++ = '\t';
			break;
		case 'u':
			cp = hex4(p + 2);
			if (cp >= 0xd800 && cp <= 0xdbff) {
				cp = 0x10000 + ((cp - 0xd800) << 10) +
				    (hex4(p + 8) - 0xdc00);
				p += 6;
			}
			q = utf8_put(q, cp);
			p += 6;
			continue;
		default:	/* " \ / */
			*q++ = p[1];
			break;
		}
		p += 2;
	}
	return q;
}

/*
 * Reports what is wrong with the text of the string [p, q), q at its
 * first bad byte: no closing quote, a control character, a bad escape.
 */
static int
nd_string_err(struct nd *x, char *p, char *q)
{
	char why[32];
	int c = (unsigned char)*q, i;

	if (c >= 0x80)
		return nd_utf8_err(x, q);
	if (c == '\\') {
		/* jansson quotes the bad character, when it has one. */
		i = q[1] == 'u' ? 2 : 1;
		while (i > 1 && i < 6 && hexval((unsigned char)q[i]) >= 0)
			i++;
		c = (unsigned char)q[i];
		if (bad_utf8_at(q + i))
			return nd_utf8_err(x, q + i);
		return nd_err(x, p, q + i + (c >= 0x20 && c < 0x7f),
		    "invalid escape");
	}
	if (q == x->end)
		return nd_err(x, p, q, "premature end of input");
	if (c == '\n')
		return nd_err(x, p, q, "unexpected newline");
	snprintf(why, sizeof(why), "control character 0x%x", (unsigned)c);
	return nd_err(x, p, q, why);
}

/*
 * Reports the lone surrogate of the valid string token [p, e) whose \u
 * escape is at u.
 */
static int
nd_surrogate_err(struct nd *x, char *p, char *e, const char *u)
{
	char why[48];
	unsigned cp = hex4(u + 2);

	if (cp <= 0xdbff && u[6] == '\\' && u[7] == 'u')
		snprintf(why, sizeof(why), "invalid Unicode '\\u%04X\\u%04X'",
		    cp, hex4(u + 8));
	else
		snprintf(why, sizeof(why), "invalid Unicode '\\u%04X'", cp);
	return nd_err(x, p, e, why);
}

/*
 * Scans and checks the string at p (its opening quote) into t; nd_keep
 * decodes the ones it keeps. Like jansson, reports what is wrong with the
 * text as such (a control character, a bad escape, bad UTF-8, no closing
 * quote) before what is wrong with the escapes' values (a lone
 * surrogate); a \u0000 is for the caller to refuse.
 */
static int
nd_string(struct nd *x, struct nd_tok *t, char *p)
{
	char *q = p + 1, *e, *lone = NULL;
	unsigned cp;
	int c, i, n;

	t->esc = NULL;
	t->nul = 0;
	for (;;) {
		c = (unsigned char)*q;
		if (c >= 0x20 && c < 0x80 && c != '"' && c != '\\') {
			q++;
			continue;
		}
		if (c == '"')
			break;
		if (c >= 0x80) {
			if ((n = utf8_len(q)) == 0)
				goto bad;
			q += n;
			continue;
		}
		if (c != '\\')
			goto bad;
		if (t->esc == NULL)
			t->esc = q;
		c = (unsigned char)q[1];
		if (c != 'u') {
			if (c == '\0' || strchr("\"\\/bfnrt", c) == NULL)
				goto bad;
			q += 2;
			continue;
		}
		for (i = 2; i < 6; i++) {
			if (hexval((unsigned char)q[i]) < 0)
				goto bad;
		}
		cp = hex4(q + 2);
		if (cp == 0)
			t->nul = 1;
		else if (cp >= 0xd800 && cp <= 0xdfff && lone == NULL) {
			/* A high half must have a low one right after it. */
			if (cp >= 0xdc00 || q[6] != '\\' || q[7] != 'u')
				lone = q;
			else {
				for (i = 8; i < 12; i++) {
					if (hexval((unsigned char)q[i]) < 0)
						break;
				}
				if (i == 12 && (hex4(q + 8) < 0xdc00 ||
				    hex4(q + 8) > 0xdfff))
					lone = q;
				else if (i == 12)
					q += 6;
			}
		}
		q += 6;
	}
	e = q + 1;
	t->type = T_STR;
	t->s = p;
	t->e = x->p = e;
	if (lone != NULL) {
		nd_surrogate_err(x, p, e, lone);
		return t->type = T_ERR;
	}
	t->val = p + 1;
	t->len = (size_t)(q - t->val);
	return T_STR;
bad:
	nd_string_err(x, p, q);
	return t->type = T_ERR;
}

static int
is_digit(int c)
{
	return c >= '0' && c <= '9';
}

/*
 * Runs strto* on the number [s, e) of the line, NUL-terminated for the
 * time of the call; returns whether it overflows.
 */
static int
nd_overflow(char *s, char *e, int real)
{
	char save = *e;
	double d;
	long long ll;
	int over;

	*e = '\0';
	errno = 0;
	if (real) {
		d = strtod(s, NULL);
		over = errno == ERANGE && (d == HUGE_VAL || d == -HUGE_VAL);
	} else {
		ll = strtoll(s, NULL, 10);
		over = errno == ERANGE && (ll == LLONG_MAX || ll == LLONG_MIN);
	}
	*e = save;
	return over;
}

/*
 * Scans the number at p, in RFC 8259's grammar. What is not one is a
 * T_INVALID token of the text jansson would quote: "-", "0" of "01",
 * "1." of "1.x", "1e" of "1ex".
 */
static int
nd_number(struct nd *x, struct nd_tok *t, char *p)
{
	char *q = p;
	long ndig;

	t->s = p;
	t->real = 0;
	if (*q == '-')
		q++;
	if (*q == '0') {
		q++;
		if (is_digit(*q))
			goto invalid;
	} else if (is_digit(*q)) {
		while (is_digit(*q))
			q++;
	} else
		goto invalid;
	ndig = (long)(q - p) - (*p == '-');
	if (*q == '.') {
		t->real = 1;
		q++;
		if (!is_digit(*q))
			goto invalid;
		while (is_digit(*q))
			q++;
	}
	if (*q == 'e' || *q == 'E') {
		t->real = 1;
		q++;
		if (*q == '+' || *q == '-')
			q++;
		if (!is_digit(*q))
			goto invalid;
		while (is_digit(*q))
			q++;
		ndig = LONG_MAX;
	}
	t->e = q;
	x->p = q;
	if (bad_utf8_at(q)) {
		nd_utf8_err(x, q);
		return t->type = T_ERR;
	}
	/* Fewer digits cannot overflow: save the strto* call. */
	if (t->real ? ndig > 300 : ndig > 18) {
		if (nd_overflow(p, q, t->real)) {
			if (t->real)
				nd_tok_err(x, t, "real number overflow");
			else if (*p == '-')
				nd_tok_err(x, t, "too big negative integer");
			else
				nd_tok_err(x, t, "too big integer");
			return t->type = T_ERR;
		}
	}
	t->val = p;
	t->len = (size_t)(q - p);
	return t->type = T_NUM;
invalid:
	t->e = q;
	x->p = q;
	if (bad_utf8_at(q)) {
		nd_utf8_err(x, q);
		return t->type = T_ERR;
	}
	return t->type = T_INVALID;
}

static int
is_alpha(int c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

/* Reads the next token into t; returns its type. */
static int
nd_lex(struct nd *x, struct nd_tok *t)
{
	char *p = x->p, *q;
	int n;

	while (*p == ' ' || *p == '\n' || *p == '\r' || *p == '\t')
		p++;
	t->s = p;
	if (p == x->end) {
		t->e = x->p = p;
		return t->type = T_EOF;
	}
	switch (*p) {
	case '{':
	case '}':
	case '[':
	case ']':
	case ':':
	case ',':
		t->e = x->p = p + 1;
		return t->type = *p;
	case '"':
		return nd_string(x, t, p);
	case '-':
	case '0': case '1': case '2': case '3': case '4':
	case '5': case '6': case '7': case '8': case '9':
		return nd_number(x, t, p);
	}
	t->type = T_INVALID;
	if (is_alpha(*p)) {
		for (q = p; is_alpha(*q); q++)
			;
		n = (int)(q - p);
		if (n == 4 && memcmp(p, "true", 4) == 0)
			t->type = T_TRUE;
		else if (n == 5 && memcmp(p, "false", 5) == 0)
			t->type = T_FALSE;
		else if (n == 4 && memcmp(p, "null", 4) == 0)
			t->type = T_NULL;
		if (bad_utf8_at(q)) {
			nd_utf8_err(x, q);
			return t->type = T_ERR;
		}
	} else if ((unsigned char)*p >= 0x80) {
		if ((n = utf8_len(p)) == 0) {
			nd_utf8_err(x, p);
			return t->type = T_ERR;
		}
		q = p + n;
	} else
		q = p + 1;
	t->e = x->p = q;
	return t->type;
}

static int nd_object(struct nd *, int, int);
static int nd_array(struct nd *, int);

/* Checks the value that begins with token t, at nesting depth depth. */
static int
nd_value(struct nd *x, const struct nd_tok *t, int depth)
{
	char why[48];

	if (depth > ND_MAXDEPTH) {
		snprintf(why, sizeof(why), "values nested too deep (more "
		    "than %d levels)", ND_MAXDEPTH);
		return nd_tok_err(x, t, why);
	}
	switch (t->type) {
	case T_STR:
		/* jansson's words, which users have seen. */
		if (t->nul)
			return nd_tok_err(x, t, "\\u0000 is not allowed "
			    "without JSON_ALLOW_NUL");
		return 0;
	case T_NUM:
	case T_TRUE:
	case T_FALSE:
	case T_NULL:
		return 0;
	case '{':
		return nd_object(x, depth, 0);
	case '[':
		return nd_array(x, depth);
	case T_INVALID:
		return nd_tok_err(x, t, "invalid token");
	default:
		return nd_tok_err(x, t, "unexpected token");
	}
}

/*
 * Keeps key k and value v of the line's object, decoding their strings in
 * place: the checks are done and no message will quote them.
 */
static void
nd_keep(struct sf_reader *rd, const struct nd_tok *k, const struct nd_tok *v)
{
	struct nd_mem *m;

	if (rd->nmem == rd->memcap) {
		rd->memcap = rd->memcap ? 2 * rd->memcap : 16;
		rd->mem = sf_realloc(rd->mem, rd->memcap * sizeof(*rd->mem));
	}
	m = &rd->mem[rd->nmem++];
	m->key = k->val;
	m->klen = k->len;
	if (k->esc != NULL)
		m->klen = (size_t)(nd_unescape(k->esc, k->val + k->len) -
		    k->val);
	m->type = v->type;
	m->val = NULL;
	m->vlen = 0;
	m->real = 0;
	if (v->type == T_STR || v->type == T_NUM) {
		m->val = v->val;
		m->vlen = v->len;
		m->real = v->type == T_NUM && v->real;
	}
	if (v->type == T_STR && v->esc != NULL)
		m->vlen = (size_t)(nd_unescape(v->esc, v->val + v->len) -
		    v->val);
}

/*
 * Whether the next byte past white space is c; if so, moves past it.
 * Saves a call to nd_lex for the punctuation between members.
 */
static int
nd_eat(struct nd *x, int c)
{
	char *p = x->p;

	while (*p == ' ' || *p == '\n' || *p == '\r' || *p == '\t')
		p++;
	x->p = p;
	if (*p != c)
		return 0;
	x->p = p + 1;
	return 1;
}

/* Reports why as the error near the next token. */
static int
nd_next_err(struct nd *x, const char *why)
{
	struct nd_tok t;

	if (nd_lex(x, &t) == T_ERR)
		return -1;
	return nd_tok_err(x, &t, why);
}

/* The object after its '{'; keep says to keep its members in x->rd. */
static int
nd_object(struct nd *x, int depth, int keep)
{
	struct nd_tok k, v;

	if (nd_lex(x, &k) == T_ERR)
		return -1;
	if (k.type == '}')
		return 0;
	for (;;) {
		if (k.type != T_STR)
			return nd_tok_err(x, &k, "string or '}' expected");
		if (k.nul)
			return nd_tok_err(x, &k, "NUL byte in object key not "
			    "supported");
		if (!nd_eat(x, ':'))
			return nd_next_err(x, "':' expected");
		if (nd_lex(x, &v) == T_ERR || nd_value(x, &v, depth + 1) != 0)
			return -1;
		if (keep)
			nd_keep(x->rd, &k, &v);
		if (!nd_eat(x, ','))
			break;
		if (nd_lex(x, &k) == T_ERR)
			return -1;
	}
	if (!nd_eat(x, '}'))
		return nd_next_err(x, "'}' expected");
	return 0;
}

/* The array after its '['. */
static int
nd_array(struct nd *x, int depth)
{
	struct nd_tok t;

	if (nd_lex(x, &t) == T_ERR)
		return -1;
	if (t.type == ']')
		return 0;
	while (t.type != T_EOF) {
		if (nd_value(x, &t, depth + 1) != 0 || nd_lex(x, &t) == T_ERR)
			return -1;
		if (t.type != ',')
			break;
		if (nd_lex(x, &t) == T_ERR)
			return -1;
	}
	if (t.type != ']')
		return nd_tok_err(x, &t, "']' expected");
	return 0;
}

/*
 * Whether the JSON number [s, s + n) with a fraction or an exponent is
 * already what sf_str_fmt_double makes of it: no exponent, no trailing
 * zero, at most 15 significant digits (DBL_DIG, so %.15g gives them back)
 * and not below 0.0001, where %g turns to an exponent.
 */
static int
nd_real_is_short(const char *s, size_t n)
{
	const char *p = s, *e = s + n, *dot = NULL, *sig;

	if (*p == '-')
		p++;
	for (sig = p; sig < e; sig++) {
		if (*sig == '.')
			dot = sig;
		else if (!is_digit(*sig))
			return 0;
	}
	if (dot == NULL || e[-1] == '0')
		return 0;
	if (dot - p == 1 && *p == '0') {
		for (sig = dot + 1; *sig == '0'; sig++)
			;
		return sig - dot <= 4 && e - sig <= 15;
	}
	return e - p - 1 <= 15;
}

/*
 * The text of member m as field i: a string as decoded, an integer as
 * "%lld" would print it, another number as sf_str_fmt_double does, true
 * and false as words, null as NULL. NUL-terminates it in the line.
 */
static const char *
nd_text(struct sf_reader *rd, int i, const struct nd_mem *m)
{
	switch (m->type) {
	case T_STR:
		m->val[m->vlen] = '\0';
		return m->val;
	case T_NUM:
		m->val[m->vlen] = '\0';
		if (!m->real)
			return strcmp(m->val, "-0") == 0 ? "0" : m->val;
		if (nd_real_is_short(m->val, m->vlen))
			return m->val;
		sf_str_fmt_double(strtod(m->val, NULL), rd->num[i]);
		return rd->num[i];
	case T_TRUE:
		return "true";
	case T_FALSE:
		return "false";
	case T_NULL:
	default:
		return NULL;
	}
}

/* Whether member m is field i of kind k. */
static int
is_field(const struct sf_reader *rd, enum sf_kind k, int i,
    const struct nd_mem *m)
{
	return m->klen == rd->flen[k][i] &&
	    memcmp(m->key, kinds[k].fields[i], m->klen) == 0;
}

/* Parses the JSON object in the n bytes at s into rec. */
static int
nd_record(struct sf_reader *rd, char *s, size_t n, struct sf_rec *rec,
    struct sf_err *err)
{
	const struct sf_kind_info *ki;
	const struct nd_mem *m, *kind = NULL;
	const struct nd_mem *f[SF_REC_MAXF];
	struct nd_tok t;
	struct nd x;
	enum sf_kind k;
	size_t j;
	int i, next, top;

	x.rd = rd;
	x.err = err;
	x.line = x.p = s;
	x.end = s + n;
	rd->nmem = 0;
	if (nd_lex(&x, &t) == T_ERR)
		return -1;
	if (t.type != '{' && t.type != '[')
		return nd_tok_err(&x, &t, "'[' or '{' expected");
	top = t.type;
	if ((top == '{' ? nd_object(&x, 1, 1) : nd_array(&x, 1)) != 0 ||
	    nd_lex(&x, &t) == T_ERR)
		return -1;
	if (t.type != T_EOF)
		return nd_tok_err(&x, &t, "end of file expected");
	if (top != '{')
		return bad(rd, err, "not a JSON object");

	for (j = rd->nmem; j-- > 0; ) {
		if (rd->mem[j].klen == 4 &&
		    memcmp(rd->mem[j].key, "kind", 4) == 0) {
			kind = &rd->mem[j];
			break;
		}
	}
	if (kind == NULL)
		return bad(rd, err, "no \"kind\"");
	if (kind->type != T_STR)
		return bad(rd, err, "\"kind\" is not a string");
	kind->val[kind->vlen] = '\0';
	if ((k = sf_kind_from_name(kind->val)) == SF_KIND_NONE)
		return bad(rd, err, "unknown kind '%s'", kind->val);
	ki = &kinds[k];

	/* Members to fields; keys mostly come in the table's order. */
	for (i = 0; i < ki->nfields; i++)
		f[i] = NULL;
	next = 0;
	for (m = rd->mem; m < rd->mem + rd->nmem; m++) {
		i = next;
		if (i >= ki->nfields || !is_field(rd, k, i, m)) {
			for (i = 0; i < ki->nfields; i++) {
				if (is_field(rd, k, i, m))
					break;
			}
			if (i == ki->nfields)
				continue;
		}
		f[i] = m;
		next = i + 1;
	}
	for (i = 0; i < ki->nfields; i++) {
		if (f[i] != NULL && f[i]->type == '[')
			return bad(rd, err, "key '%s': an array is not a field "
			    "value", ki->fields[i]);
		if (f[i] != NULL && f[i]->type == '{')
			return bad(rd, err, "key '%s': an object is not a "
			    "field value", ki->fields[i]);
	}
	sf_rec_clear(rec, k);
	for (i = 0; i < ki->nfields; i++) {
		if (f[i] != NULL)
			rec->f[i] = nd_text(rd, i, f[i]);
	}
	return 1;
}

static int
nd_next(struct sf_reader *rd, struct sf_rec *rec, struct sf_err *err)
{
	int r;

	for (;;) {
		if ((r = next_line(rd)) <= 0)
			return r == 0 ? 0 : read_fault(rd, err);
		if (rd->toolong) {
			rd->recline = rd->lineno;
			return bad(rd, err, "line longer than %d bytes",
			    SF_REC_LINE_MAX);
		}
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
	/* Every column of a request's that a done record also has. */
	if (fit == (1u << SF_KIND_REQUEST | 1u << SF_KIND_DONE))
		fit = 1u << SF_KIND_REQUEST;
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
		if (rd->map[i] >= 0 && s != NULL &&
		    kinds[rd->kind].types[rd->map[i]] == SF_FT_NUM &&
		    !sf_str_is_json_number(s)) {
			sf_rec_clear(rec, SF_KIND_NONE);
			return bad(rd, err, "%s '%s': not a number",
			    kinds[rd->kind].fields[rd->map[i]], s);
		}
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
			if (is_blank(rd->p, rd->n) && !rd->toolong)
				continue;
			rd->recline = rd->lineno;
			rd->hasnul = 0;
			rd->reclen = 0;
			fields_reset(rd);
		}
		rd->reclen += rd->n;
		if (rd->toolong || rd->reclen > SF_REC_LINE_MAX) {
			/* A quote open across the cap: drop to the line end. */
			csv_drop(rd);
			return csv_bad(rd, err, "record longer than "
			    SF_REC_LINE_MAX_STR " bytes");
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
	size_t hold;		/* sf_writer_buffer's size; 0: none */
	struct sf_buf out;	/* the bytes held */
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
	sf_writer_flush(w);
	sf_buf_release(&w->line);
	sf_buf_release(&w->out);
	free(w);
}

/*
 * Whether s is a JSON number without an exponent and under 300 bytes,
 * which sf_str_todouble takes (it cannot overflow): nearly every value,
 * told without strtod.
 */
static int
plain_number(const char *s)
{
	const char *p = s;

	if (*p == '-')
		p++;
	if (*p == '0')
		p++;
	else if (*p >= '1' && *p <= '9')
		while (*p >= '0' && *p <= '9')
			p++;
	else
		return 0;
	if (*p == '.') {
		if (*++p < '0' || *p > '9')
			return 0;
		while (*p >= '0' && *p <= '9')
			p++;
	}
	return *p == '\0' && p - s < 300;
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
		if (plain_number(s))
			return 0;
		if (sf_str_todouble(s, &d, &e) != 0)
			return sf_err_set(err, "%s field '%s': '%s' is not "
			    "a number", ki->name, ki->fields[i], s);
		if (sf_str_is_json_number(s))
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

/*
 * rec as an NDJSON line into b; the fields of holes (bit i for field i)
 * are left out, their values' places in off[i].
 */
static int
ndjson(struct sf_buf *b, const struct sf_rec *rec, unsigned holes,
    size_t off[], struct sf_err *err)
{
	const struct sf_kind_info *ki = &kinds[rec->kind];
	char num[SF_NUM_LEN];
	int i, r;

	sf_buf_add(b, "{\"kind\":\"", 9);
	sf_buf_adds(b, ki->name);
	sf_buf_addc(b, '"');
	for (i = 0; i < ki->nfields; i++) {
		sf_buf_add(b, ",\"", 2);
		sf_buf_adds(b, ki->fields[i]);
		sf_buf_add(b, "\":", 2);
		if (holes & 1u << i) {
			off[i] = b->len;
			continue;
		}
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

int
sf_writer_template(const struct sf_rec *rec, unsigned holes,
    struct sf_buf *b, size_t off[], struct sf_err *err)
{
	if (rec->kind < 0 || rec->kind >= SF_KIND_COUNT)
		return sf_err_set(err, "record of no kind");
	sf_buf_reset(b);
	return ndjson(b, rec, holes, off, err);
}

static int
put_csv(struct sf_writer *w, const struct sf_rec *rec, struct sf_err *err)
{
	const struct sf_kind_info *ki = &kinds[rec->kind];
	struct sf_buf *b = &w->line;
	char num[SF_NUM_LEN];
	int i, r;

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
		if ((r = check_field(rec, i, num, err)) < 0)
			return -1;
		if (i > 0)
			sf_buf_addc(b, ',');
		if (rec->f[i] == NULL)
			continue;
		if (r == 1)
			sf_buf_adds(b, num);
		else if (rec->f[i][0] == '\0')
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
		r = ndjson(&w->line, rec, 0, NULL, err);
	if (r != 0)
		return -1;
	if (w->fmt == SF_FMT_CSV)
		w->kind = rec->kind;
	sf_writer_raw(w, w->line.buf, w->line.len);
	return 0;
}

void
sf_writer_buffer(struct sf_writer *w, size_t size)
{
	sf_writer_flush(w);
	w->hold = size;
}

void
sf_writer_raw(struct sf_writer *w, const char *p, size_t n)
{
	if (w->hold == 0) {
		fwrite(p, 1, n, w->fp);
		return;
	}
	sf_buf_add(&w->out, p, n);
	if (w->out.len >= w->hold)
		sf_writer_flush(w);
}

void
sf_writer_flush(struct sf_writer *w)
{
	if (w->out.len == 0)
		return;
	fwrite(w->out.buf, 1, w->out.len, w->fp);
	sf_buf_reset(&w->out);
}
