/*
 * sf_ec: push parsers for Environment Canada's CSV bodies.
 *
 * One byte-driven CSV tokenizer collects a record's fields, NUL-separated,
 * in a buffer reused for every record; when a record ends it is checked
 * for UTF-8 (and decoded from Windows-1252 into a second buffer if it is
 * not), trimmed, and handed to the header or row code of the layout. The
 * tokenizer keeps its state between feeds, so a body can be split
 * anywhere. Nothing is allocated per row once the buffers have grown.
 *
 * The wateroffice layouts are mapped by header name because ECCC added
 * and moved columns in 2025; the Datamart file repeats its names, so it
 * goes by position after a check that the header is the one we know.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sf_buf.h"
#include "sf_ec.h"
#include "sf_err.h"
#include "sf_id.h"
#include "sf_mem.h"
#include "sf_rec.h"
#include "sf_str.h"
#include "sf_time.h"
#include "sf.h"

/* Tokenizer states. */
enum {
	T_START,	/* at the start of a field */
	T_PLAIN,	/* in an unquoted field */
	T_QUOTED,	/* in a quoted field */
	T_QUOTE,	/* a quote in a quoted field: its end, or "" */
	T_CR		/* after the CR ending a record or a blank line */
};

/* Columns known by name (wateroffice and the station list). */
enum {
	C_ID, C_DATE, C_PARAM, C_VALUE, C_SYMBOL, C_QUALIFIER, C_QUALIFIERS,
	C_APPROVAL, C_NAME, C_LAT, C_LON, C_PROV, C_TZ, C_N
};

static const char *const colnames[C_N] = {
	"ID", "Date", "Parameter", "Value", "Symbol", "Qualifier",
	"Qualifiers", "Approval", "Name", "Latitude", "Longitude", "Prov",
	"Timezone"
};

/* Datamart columns, by position. */
enum {
	DM_ID, DM_DATE, DM_LEVEL, DM_LGRADE, DM_LSYMBOL, DM_LQA,
	DM_Q, DM_QGRADE, DM_QSYMBOL, DM_QQA, DM_N
};

struct sf_ec {
	enum sf_ec_layout layout;
	char *config;
	int (*emit)(void *, const struct sf_rec *);
	void *arg;

	/* tokenizer */
	int state;
	int open;			/* a record is in progress */
	long line;			/* the line being read, from 1 */
	long recline;			/* the line the record began on */
	struct sf_buf row;		/* the record's fields, NUL-ended */
	size_t fstart[SF_EC_MAXF];
	int nf;
	int nrec;			/* records seen, blanks excluded */

	/* the record being handed out */
	struct sf_buf conv;		/* row decoded from Windows-1252 */
	char *fld[SF_EC_MAXF];

	/* header */
	int header;			/* seen */
	int ncols;
	int col[C_N];			/* index of each known column, or -1 */

	struct sf_buf qc;		/* quality_code */
	struct sf_ec_stats st;
	int dead;
	struct sf_err deaderr;
};

/* Windows-1252 0x80 to 0x9F (WHATWG's table: the holes are C1 codes). */
static const unsigned short cp1252[32] = {
	0x20AC, 0x0081, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021,
	0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0x008D, 0x017D, 0x008F,
	0x0090, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014,
	0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0x009D, 0x017E, 0x0178
};

const char *
sf_ec_layout_name(enum sf_ec_layout layout)
{
	switch (layout) {
	case SF_EC_DAILY:
		return "daily_data";
	case SF_EC_REALTIME:
		return "real_time_data";
	case SF_EC_DATAMART:
		return "datamart";
	case SF_EC_STATIONS:
		return "station list";
	}
	return "ec";
}

struct sf_ec *
sf_ec_new(enum sf_ec_layout layout, const char *config,
    int (*emit)(void *, const struct sf_rec *), void *arg)
{
	struct sf_ec *p;
	int i;

	p = sf_calloc(1, sizeof(*p));
	p->layout = layout;
	p->config = config != NULL ? sf_strdup(config) : NULL;
	p->emit = emit;
	p->arg = arg;
	p->state = T_START;
	p->line = 1;
	sf_buf_init(&p->row);
	sf_buf_init(&p->conv);
	sf_buf_init(&p->qc);
	for (i = 0; i < C_N; i++)
		p->col[i] = -1;
	return p;
}

void
sf_ec_free(struct sf_ec *p)
{
	if (p == NULL)
		return;
	free(p->config);
	sf_buf_release(&p->row);
	sf_buf_release(&p->conv);
	sf_buf_release(&p->qc);
	free(p);
}

const struct sf_ec_stats *
sf_ec_stats(const struct sf_ec *p)
{
	return &p->st;
}

/*
 * 1 when the n bytes at s are valid UTF-8 (no overlong form, surrogate
 * or code point past U+10FFFF), else 0.
 */
static int
utf8_valid(const unsigned char *s, size_t n)
{
	size_t i = 0, k, len;
	unsigned long cp;
	unsigned char c;

	while (i < n) {
		c = s[i];
		if (c < 0x80) {
			i++;
			continue;
		}
		if (c >= 0xC2 && c <= 0xDF) {
			len = 2;
			cp = c & 0x1F;
		} else if (c >= 0xE0 && c <= 0xEF) {
			len = 3;
			cp = c & 0x0F;
		} else if (c >= 0xF0 && c <= 0xF4) {
			len = 4;
			cp = c & 0x07;
		} else
			return 0;
		if (n - i < len)
			return 0;
		for (k = 1; k < len; k++) {
			if ((s[i + k] & 0xC0) != 0x80)
				return 0;
			cp = cp << 6 | (s[i + k] & 0x3F);
		}
		if ((len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) ||
		    (cp >= 0xD800 && cp <= 0xDFFF) || cp > 0x10FFFF)
			return 0;
		i += len;
	}
	return 1;
}

/* Appends code point cp (below U+10000) to b as UTF-8. */
static void
add_utf8(struct sf_buf *b, unsigned cp)
{
	if (cp < 0x80)
		sf_buf_addc(b, (int)cp);
	else if (cp < 0x800) {
		sf_buf_addc(b, (int)(0xC0 | cp >> 6));
		sf_buf_addc(b, (int)(0x80 | (cp & 0x3F)));
	} else {
		sf_buf_addc(b, (int)(0xE0 | cp >> 12));
		sf_buf_addc(b, (int)(0x80 | (cp >> 6 & 0x3F)));
		sf_buf_addc(b, (int)(0x80 | (cp & 0x3F)));
	}
}

/*
 * Points p->fld at the record's fields: in p->row when it is UTF-8, else
 * decoded from Windows-1252 into p->conv (and every later record too).
 * The first record loses its BOM; every field is trimmed.
 */
static void
split_fields(struct sf_ec *p)
{
	const unsigned char *s = (const unsigned char *)p->row.buf;
	size_t skip = 0, i;
	char *base;
	int k;

	if (p->nrec == 1 && p->row.len >= 3 && s[0] == 0xEF &&
	    s[1] == 0xBB && s[2] == 0xBF)
		skip = 3;
	if (!p->st.cp1252 &&
	    !utf8_valid(s + skip, p->row.len - skip))
		p->st.cp1252 = 1;
	if (!p->st.cp1252) {
		p->fstart[0] += skip;
		for (k = 0; k < p->nf; k++)
			p->fld[k] = p->row.buf + p->fstart[k];
	} else {
		sf_buf_reset(&p->conv);
		k = 0;
		for (i = skip; i < p->row.len; i++) {
			if (k < p->nf && i >= p->fstart[k]) {
				p->fstart[k] = p->conv.len;
				k++;
			}
			if (s[i] < 0x80)
				sf_buf_addc(&p->conv, s[i]);
			else if (s[i] < 0xA0)
				add_utf8(&p->conv, cp1252[s[i] - 0x80]);
			else
				add_utf8(&p->conv, s[i]);
		}
		base = p->conv.buf;
		for (k = 0; k < p->nf; k++)
			p->fld[k] = base + p->fstart[k];
	}
	for (k = 0; k < p->nf; k++)
		p->fld[k] = sf_str_trim(p->fld[k]);
}

/*
 * The English part of header name s into out (size n): before the first
 * '/', without a trailing "(...)", trimmed.
 */
static void
english(const char *s, char *out, size_t n)
{
	size_t len;
	char *q;

	len = strcspn(s, "/");
	if (len >= n)
		len = n - 1;
	memcpy(out, s, len);
	out[len] = '\0';
	sf_str_trim(out);
	len = strlen(out);
	if (len > 0 && out[len - 1] == ')' && (q = strrchr(out, '(')) != NULL)
		*q = '\0';
	sf_str_trim(out);
}

/* 1 when header name s reads name (its English part, ignoring case). */
static int
named(const char *s, const char *name)
{
	char e[64];

	english(s, e, sizeof(e));
	return sf_str_eq_ci(e, name);
}

/* The header, fields joined by commas and cut short, for messages. */
static void
header_text(const struct sf_ec *p, char *out, size_t n)
{
	size_t len = 0, m;
	int k;

	out[0] = '\0';
	for (k = 0; k < p->nf && len + 1 < n; k++) {
		if (k > 0)
			out[len++] = ',';
		m = strlen(p->fld[k]);
		if (m > n - 1 - len)
			m = n - 1 - len;
		memcpy(out + len, p->fld[k], m);
		len += m;
		out[len] = '\0';
	}
	if (len == n - 1 && n > 4)
		memcpy(out + n - 4, "...", 3);
}

static int fail(struct sf_ec *, struct sf_err *, long, const char *, ...)
    __attribute__((format(printf, 4, 5)));

/*
 * Stops the parser: err (and every later call) gets "LAYOUT: line N: "
 * and the formatted message (no line part when line is 0). Returns -1.
 */
static int
fail(struct sf_ec *p, struct sf_err *err, long line, const char *fmt, ...)
{
	const char *name = sf_ec_layout_name(p->layout);
	char msg[SF_ERR_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (line > 0)
		sf_err_setl(&p->deaderr, line, "%s: line %ld: %s", name, line,
		    msg);
	else
		sf_err_set(&p->deaderr, "%s: %s", name, msg);
	p->dead = 1;
	if (err != NULL)
		*err = p->deaderr;
	return -1;
}

static int
header_named(struct sf_ec *p, struct sf_err *err)
{
	static const int need_obs[] = { C_ID, C_DATE, C_PARAM, C_VALUE };
	static const int need_st[] = { C_ID };
	const int *need;
	char e[64], hdr[160], missing[96];
	size_t nneed, i;
	int k, c;

	for (k = 0; k < p->nf; k++) {
		english(p->fld[k], e, sizeof(e));
		for (c = 0; c < C_N; c++) {
			if (!sf_str_eq_ci(e, colnames[c]))
				continue;
			if (p->col[c] != -1) {
				header_text(p, hdr, sizeof(hdr));
				return fail(p, err, p->recline, "header '%s': "
				    "column '%s' twice", hdr, colnames[c]);
			}
			p->col[c] = k;
		}
	}
	if (p->layout == SF_EC_STATIONS) {
		need = need_st;
		nneed = sizeof(need_st) / sizeof(need_st[0]);
	} else {
		need = need_obs;
		nneed = sizeof(need_obs) / sizeof(need_obs[0]);
	}
	missing[0] = '\0';
	for (i = 0; i < nneed; i++) {
		if (p->col[need[i]] != -1)
			continue;
		snprintf(missing + strlen(missing),
		    sizeof(missing) - strlen(missing), "%s%s",
		    missing[0] != '\0' ? ", " : "", colnames[need[i]]);
	}
	if (missing[0] != '\0') {
		header_text(p, hdr, sizeof(hdr));
		return fail(p, err, p->recline, "header '%s': unknown layout "
		    "(no %s column)", hdr, missing);
	}
	return 0;
}

static int
header_datamart(struct sf_ec *p, struct sf_err *err)
{
	char e[64], hdr[160];
	int good;

	good = p->nf >= DM_N && named(p->fld[DM_ID], "ID") &&
	    named(p->fld[DM_DATE], "Date");
	if (good) {
		english(p->fld[DM_LEVEL], e, sizeof(e));
		good = strncmp(e, "Water Level", 11) == 0;
	}
	if (good) {
		english(p->fld[DM_Q], e, sizeof(e));
		good = strncmp(e, "Discharge", 9) == 0;
	}
	if (!good) {
		header_text(p, hdr, sizeof(hdr));
		return fail(p, err, p->recline, "header '%s': unknown layout "
		    "(want ID, Date, Water Level, Grade, Symbol, QA/QC, "
		    "Discharge, Grade, Symbol, QA/QC)", hdr);
	}
	return 0;
}

static int
header(struct sf_ec *p, struct sf_err *err)
{
	int rc;

	if (p->layout == SF_EC_DATAMART)
		rc = header_datamart(p, err);
	else
		rc = header_named(p, err);
	p->header = 1;
	p->ncols = p->nf;
	return rc;
}

/* The field of known column c, or "" when the body has no such column. */
static const char *
colval(const struct sf_ec *p, int c)
{
	return p->col[c] != -1 ? p->fld[p->col[c]] : "";
}

/*
 * Appends part to the quality code after a ':', unless it is empty or is
 * already one of the parts after the approval (the first nappr bytes).
 */
static void
qc_add(struct sf_ec *p, const char *part, size_t nappr)
{
	size_t len = strlen(part);
	const char *q;

	if (len == 0)
		return;
	for (q = p->qc.buf + nappr; (q = strstr(q, part)) != NULL; q++) {
		if (q[-1] == ':' && (q[len] == ':' || q[len] == '\0'))
			return;
	}
	sf_buf_addc(&p->qc, ':');
	sf_buf_adds(&p->qc, part);
}

/* Starts the quality code with the approval read from word. */
static void
qc_approval(struct sf_ec *p, const char *word)
{
	char e[64];

	sf_buf_reset(&p->qc);
	english(word, e, sizeof(e));
	if (e[0] == '\0' || sf_str_eq_ci(e, "Provisional"))
		sf_buf_addc(&p->qc, 'P');
	else if (sf_str_eq_ci(e, "Final") || sf_str_eq_ci(e, "Approved"))
		sf_buf_addc(&p->qc, 'A');
	else {
		sf_buf_adds(&p->qc, "P:");
		sf_buf_adds(&p->qc, e);
	}
}

/* 1 when parameter s is discharge. */
static int
is_discharge(const char *s)
{
	char e[64];

	english(s, e, sizeof(e));
	return sf_str_eq_ci(e, "discharge") || sf_str_eq_ci(e, "flow") ||
	    strcmp(e, "47") == 0;
}

static int
check_id(struct sf_ec *p, const char *id, struct sf_err *err)
{
	struct sf_err e;

	if (sf_id_check("EC", id, &e) == -1)
		return fail(p, err, p->recline, "%s", e.msg);
	return 0;
}

static int
check_num(struct sf_ec *p, const char *what, const char *s,
    struct sf_err *err)
{
	struct sf_err e;
	double d;

	if (sf_str_todouble(s, &d, &e) == -1)
		return fail(p, err, p->recline, "%s %s", what, e.msg);
	return 0;
}

static int
put(struct sf_ec *p, const struct sf_rec *r, struct sf_err *err)
{
	if (p->emit(p->arg, r) != 0)
		return fail(p, err, p->recline, "stopped by the caller");
	p->st.records++;
	return 0;
}

/*
 * Emits an obs: value may be empty (null discharge, if the quality code
 * says more than the approval, else the row is skipped); nappr is the
 * length of the approval part of p->qc.
 */
static int
put_obs(struct sf_ec *p, const char *id, const char *type, int64_t t,
    const char *value, size_t nappr, struct sf_err *err)
{
	char when[SF_TIME_LEN];
	struct sf_rec r;

	if (value[0] == '\0' && p->qc.len <= nappr) {
		p->st.empty++;
		return 0;
	}
	if (value[0] != '\0' && check_num(p, "value", value, err) == -1)
		return -1;
	sf_time_format(t, when);
	sf_rec_clear(&r, SF_KIND_OBS);
	r.f[SF_OBS_CONFIG] = p->config;
	r.f[SF_OBS_STATION] = id;
	r.f[SF_OBS_AGENCY] = "EC";
	r.f[SF_OBS_TYPE] = type;
	r.f[SF_OBS_OBSERVED_AT] = when;
	r.f[SF_OBS_DISCHARGE] = value[0] != '\0' ? value : NULL;
	r.f[SF_OBS_UNIT] = "cms";
	r.f[SF_OBS_QUALITY_CODE] = p->qc.buf;
	return put(p, &r, err);
}

static int
time_fail(struct sf_ec *p, const struct sf_err *e, struct sf_err *err)
{
	return fail(p, err, p->recline, "%s", e->msg);
}

static int
row_wateroffice(struct sf_ec *p, struct sf_err *err)
{
	const char *id, *date;
	struct sf_err e;
	size_t nappr;
	int64_t t;

	id = colval(p, C_ID);
	if (!is_discharge(colval(p, C_PARAM))) {
		p->st.other++;
		return 0;
	}
	if (check_id(p, id, err) == -1)
		return -1;
	date = colval(p, C_DATE);
	if (p->layout == SF_EC_DAILY) {
		if (sf_time_parse_date(date, &t, &e) == -1)
			return time_fail(p, &e, err);
	} else {
		if (strlen(date) <= 10) {
			sf_err_set(&e, "time '%s': no time of day", date);
			return time_fail(p, &e, err);
		}
		if (sf_time_parse(date, &t, &e) == -1)
			return time_fail(p, &e, err);
	}
	qc_approval(p, colval(p, C_APPROVAL));
	nappr = p->qc.len;
	qc_add(p, colval(p, C_QUALIFIER), nappr);
	qc_add(p, colval(p, C_SYMBOL), nappr);
	qc_add(p, colval(p, C_QUALIFIERS), nappr);
	return put_obs(p, id, p->layout == SF_EC_DAILY ? "daily_mean" :
	    "realtime_15min", t, colval(p, C_VALUE), nappr, err);
}

static int
row_datamart(struct sf_ec *p, struct sf_err *err)
{
	const char *id = p->fld[DM_ID], *date = p->fld[DM_DATE];
	struct sf_err e;
	int64_t t;

	if (check_id(p, id, err) == -1)
		return -1;
	if (strlen(date) <= 10 || strpbrk(date + 10, "Z+-") == NULL) {
		sf_err_set(&e, "time '%s': no UTC offset", date);
		return time_fail(p, &e, err);
	}
	if (sf_time_parse(date, &t, &e) == -1)
		return time_fail(p, &e, err);
	sf_buf_reset(&p->qc);
	sf_buf_addc(&p->qc, strcmp(p->fld[DM_QQA], "4") == 0 ? 'A' : 'P');
	qc_add(p, p->fld[DM_QSYMBOL], 1);
	return put_obs(p, id, "realtime_15min", t, p->fld[DM_Q], 1, err);
}

static int
row_station(struct sf_ec *p, struct sf_err *err)
{
	const char *id = colval(p, C_ID), *lat, *lon, *tz;
	char off[8];
	struct sf_err e;
	struct sf_rec r;
	int v, a;

	if (check_id(p, id, err) == -1)
		return -1;
	lat = colval(p, C_LAT);
	lon = colval(p, C_LON);
	tz = colval(p, C_TZ);
	if (lat[0] != '\0' && check_num(p, "latitude", lat, err) == -1)
		return -1;
	if (lon[0] != '\0' && check_num(p, "longitude", lon, err) == -1)
		return -1;
	if (tz[0] != '\0') {
		if (sf_time_zone(tz, &v, &e) == -1)
			return fail(p, err, p->recline, "%s", e.msg);
		a = v < 0 ? -v : v;
		snprintf(off, sizeof(off), "%c%02d:%02d", v < 0 ? '-' : '+',
		    a / 3600 % 100, a / 60 % 60);
	}
	sf_rec_clear(&r, SF_KIND_STATION);
	r.f[SF_ST_STATION] = id;
	r.f[SF_ST_AGENCY] = "EC";
	r.f[SF_ST_NAME] = colval(p, C_NAME)[0] != '\0' ?
	    colval(p, C_NAME) : NULL;
	r.f[SF_ST_LATITUDE] = lat[0] != '\0' ? lat : NULL;
	r.f[SF_ST_LONGITUDE] = lon[0] != '\0' ? lon : NULL;
	r.f[SF_ST_STATE] = colval(p, C_PROV)[0] != '\0' ?
	    colval(p, C_PROV) : NULL;
	r.f[SF_ST_UTC_OFFSET] = tz[0] != '\0' ? off : NULL;
	return put(p, &r, err);
}

/* A record is complete: its fields are in p->row. */
static int
record(struct sf_ec *p, struct sf_err *err)
{
	p->nrec++;
	split_fields(p);
	if (p->nf == 1 && p->fld[0][0] == '\0') {
		p->nrec--;	/* a line of spaces */
		return 0;
	}
	if (!p->header)
		return header(p, err);
	p->st.rows++;
	if (p->nf != p->ncols) {
		return fail(p, err, p->recline, "%d fields, the header has %d",
		    p->nf, p->ncols);
	}
	switch (p->layout) {
	case SF_EC_DAILY:
	case SF_EC_REALTIME:
		return row_wateroffice(p, err);
	case SF_EC_DATAMART:
		return row_datamart(p, err);
	case SF_EC_STATIONS:
		return row_station(p, err);
	}
	return 0;
}

static int
field_begin(struct sf_ec *p, struct sf_err *err)
{
	if (p->nf == SF_EC_MAXF)
		return fail(p, err, p->recline, "more than %d fields",
		    SF_EC_MAXF);
	p->fstart[p->nf++] = p->row.len;
	return 0;
}

/* Ends the field, and the record with it; c is the line end. */
static int
record_end(struct sf_ec *p, int c, struct sf_err *err)
{
	sf_buf_addc(&p->row, '\0');
	p->open = 0;
	p->line++;
	p->state = c == '\r' ? T_CR : T_START;
	return record(p, err);
}

static int
too_long(struct sf_ec *p, struct sf_err *err)
{
	return fail(p, err, p->recline, "row longer than %d bytes",
	    SF_EC_ROWMAX);
}

int
sf_ec_feed(struct sf_ec *p, const void *buf, size_t n, struct sf_err *err)
{
	const unsigned char *s = buf, *end = s + n, *q;
	int c;

	if (p->dead) {
		if (err != NULL)
			*err = p->deaderr;
		return -1;
	}
	while (s < end) {
		c = *s++;
		if (c == '\0')
			return fail(p, err, p->line, "NUL byte");
		switch (p->state) {
		case T_CR:
			p->state = T_START;
			if (c == '\n')
				break;
			/* FALLTHROUGH */
		case T_START:
			if (!p->open) {
				if (c == '\r' || c == '\n') {
					p->line++;
					p->state = c == '\r' ? T_CR : T_START;
					break;
				}
				p->open = 1;
				p->recline = p->line;
				p->nf = 0;
				sf_buf_reset(&p->row);
				if (field_begin(p, err) == -1)
					return -1;
			}
			if (c == '"') {
				p->state = T_QUOTED;
				break;
			}
			p->state = T_PLAIN;
			/* FALLTHROUGH */
		case T_PLAIN:
			if (c == ',') {
				sf_buf_addc(&p->row, '\0');
				if (field_begin(p, err) == -1)
					return -1;
				p->state = T_START;
			} else if (c == '\r' || c == '\n') {
				if (record_end(p, c, err) == -1)
					return -1;
			} else {
				/* the run of plain bytes, in one go */
				q = s;
				while (q < end && q - s < SF_EC_ROWMAX &&
				    *q != ',' && *q != '\r' && *q != '\n' &&
				    *q != '\0')
					q++;
				sf_buf_addc(&p->row, c);
				sf_buf_add(&p->row, s, (size_t)(q - s));
				s = q;
			}
			break;
		case T_QUOTED:
			if (c == '"') {
				p->state = T_QUOTE;
				break;
			}
			if (c == '\n')
				p->line++;
			sf_buf_addc(&p->row, c);
			break;
		case T_QUOTE:
			if (c == '"') {
				sf_buf_addc(&p->row, '"');
				p->state = T_QUOTED;
			} else if (c == ',') {
				sf_buf_addc(&p->row, '\0');
				if (field_begin(p, err) == -1)
					return -1;
				p->state = T_START;
			} else if (c == '\r' || c == '\n') {
				if (record_end(p, c, err) == -1)
					return -1;
			} else
				return fail(p, err, p->line,
				    "text after a closing quote");
			break;
		}
		if (p->row.len > SF_EC_ROWMAX)
			return too_long(p, err);
	}
	return 0;
}

int
sf_ec_finish(struct sf_ec *p, struct sf_err *err)
{
	if (p->dead) {
		if (err != NULL)
			*err = p->deaderr;
		return -1;
	}
	if (p->state == T_QUOTED)
		return fail(p, err, p->recline, "quote not closed at the end");
	if (p->open) {
		sf_buf_addc(&p->row, '\0');
		p->open = 0;
		p->state = T_START;
		if (record(p, err) == -1)
			return -1;
	}
	if (!p->header)
		return fail(p, err, 0, "empty body: no header");
	p->dead = 1;
	sf_err_set(&p->deaderr, "%s: body already finished",
	    sf_ec_layout_name(p->layout));
	return 0;
}
