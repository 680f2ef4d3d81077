/*
 * sf_usgs: the USGS's bodies, pushed through small state machines.
 *
 * JSON (the OGC pages) goes through sf_jsonpush. The parser
 * knows where it is by what each open container is (ctx, by depth) and
 * what the value after the last key will be (want); everything it does
 * not need is skipped by the tokenizer, so neither geometry nor unknown
 * properties are stored. The scalars of one feature are kept in fbuf,
 * located by slots, and the record is built and emitted when the
 * feature's object closes: property order does not matter, and memory is
 * one feature. The features of a daily or continuous page, nearly all of
 * its bytes, are read here without the tokenizer while they keep to the
 * JSON the API writes (FAST, below), a few times faster; the tokenizer
 * takes over at anything else.
 *
 * RDB is read a line at a time: comments, a header, a format row, data,
 * and again for the next site's block, whose columns may differ. The
 * columns are found by name in each header.
 */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#ifdef __SSE2__
#include <emmintrin.h>		/* every x86-64 has SSE2 */
#endif

#include "sf_buf.h"
#include "sf_err.h"
#include "sf_jsonpush.h"
#include "sf_mem.h"
#include "sf_rec.h"
#include "sf_str.h"
#include "sf_time.h"
#include "sf_usgs.h"
#include "sf.h"

/* The scalars a feature may give, by slot. */
enum {
	F_MLID,		/* monitoring_location_id */
	F_TIME,
	F_VALUE,
	F_APPROVAL,	/* approval_status */
	F_PARAM,	/* parameter_code */
	F_STAT,		/* statistic_id */
	F_UNIT,		/* unit_of_measure */
	F_NUMBER,	/* monitoring_location_number */
	F_NAME,
	F_AGENCY,
	F_STATE,
	F_HUC,
	F_DRAIN,
	F_ALT,
	F_TZ,
	F_DST,
	F_ID,		/* the feature's id */
	F_LON,
	F_LAT,
	F_N
};

/* What a slot holds. */
enum { T_ABSENT, T_NULL, T_STR, T_NUM, T_BOOL };

struct slot {
	int type;
	size_t off;		/* into fbuf */
};

/* What an open JSON container is. */
enum {
	C_SKIP,
	C_TOP,
	C_FEATURES, C_FEATURE, C_PROPS, C_GEOM, C_COORDS, C_QUAL,
	C_LINKS, C_LINK, C_ERROR
};

/* What the value after the last key is. */
enum {
	W_NONE,
	W_FEATURES, W_LINKS, W_NUMRET, W_CODE, W_DESC, W_ERROR, W_ERRCODE,
	W_ERRMSG, W_PROPS, W_GEOM, W_COORDS, W_QUAL, W_REL, W_HREF,
	W_SLOT			/* W_SLOT + i: a scalar kept in slot i */
};

#define MAXCTX 16
#define NBUFS 10

/*
 * How the JSON goes in: to the tokenizer up to each '[' (WATCH), so that
 * the features array is seen as it opens; its features read here (FAST);
 * everything to the tokenizer (SLOW), from what FAST does not read on.
 */
enum { M_WATCH, M_FAST, M_SLOW };

/*
 * The longest feature FAST holds back for the next bytes, and how often
 * it reads one again (at each '}' that comes: a few in a real feature).
 */
#define FAST_MAX (64 * 1024)
#define FAST_TRIES 16

/*
 * The features of a page name the same keys in the same order: FAST
 * keeps the key it read at each place of a feature (pk[0]) and of its
 * properties (pk[1]), with what it wants of it, and a key that is the
 * same as the last one there is neither scanned nor looked up again.
 */
#define PK_N 16
#define PK_LEN 32
struct pkey {
	size_t len;		/* 0: none */
	int want;
	char key[PK_LEN];
};

/*
 * The features of a page are mostly byte for byte alike but for their
 * string values: FAST learns a feature's shape (its bytes as literal
 * runs, each but the last followed by a string value, and what fobject
 * wants of that value) and reads a feature of the same shape by comparing
 * the runs and scanning the strings, with no key read or looked up. A
 * feature of another shape (a null value, a qualifier array) is read by
 * fobject, as every feature is before a shape is learnt.
 */
#define SHAPE_RUNS 24
#define SHAPE_LIT 1024
#define SHAPE_TRIES 8		/* features to learn from, at most */
struct shape {
	int nrun;		/* 0: none learnt */
	int tries;
	size_t off[SHAPE_RUNS + 2];	/* run i: lit[off[i]..off[i + 1]) */
	int want[SHAPE_RUNS];	/* of the value after run i */
	char lit[SHAPE_LIT];
};

/* Line-reading states of RDB. */
enum { R_HEAD, R_FORMAT, R_DATA, R_NODATA };

struct sf_usgs {
	enum sf_usgs_fmt fmt;
	char *config;
	int (*emit)(void *, const struct sf_rec *);
	void *arg;
	struct sf_err *err;	/* the caller's, during a call */
	int failed;
	int ended;		/* sf_usgs_end returned 0 */
	struct sf_err fail;	/* the failure, for later calls */
	struct sf_usgs_stats st;
	struct sf_buf qbuf;	/* a quality code being built */
	const char *what;	/* where we are: "feature", "line" or NULL */
	long num;		/* and its number: "feature 12", "line 40" */

	/* JSON */
	struct sf_jsonpush *jp;
	int started;		/* a byte other than white space came */
	int ctx[MAXCTX];
	int want;
	struct slot slot[F_N];
	struct sf_buf fbuf;	/* the feature's scalars, NUL-separated */
	struct sf_buf qual;	/* its qualifiers, joined with ':' */
	int ncoord;
	int saw_features;
	struct sf_buf next;
	int has_next;
	struct sf_buf rel, href;	/* of the link being read */
	struct sf_buf ecode, emsg;	/* an error body's */
	int mode;		/* M_WATCH, M_FAST, M_SLOW */
	int feat_open;		/* the features array just opened */
	struct sf_buf carry;	/* FAST: the bytes after the last feature */
	long long fastoff;	/* FAST: bytes read, not told the tokenizer */
	long nfast;		/* FAST: features read */
	int tries;		/* FAST: reads of the feature held back */
	struct pkey pk[2][PK_N];	/* FAST: the keys last seen, by place */
	struct shape shape;	/* FAST: the features' shape */

	/* RDB */
	struct sf_buf line;
	long lineno;
	int rst;
	int ncols;
	char **fields;
	int fcap;
	int c_agency, c_site, c_dt, c_tz, c_val, c_cd;
	int c_name, c_lat, c_lon, c_alt, c_huc, c_state, c_drain, c_dst;
};

static int ogc_cb(void *, enum sf_jsonpush_ev, const char *, size_t);

static int
is_json(enum sf_usgs_fmt fmt)
{
	return fmt == SF_USGS_DAILY || fmt == SF_USGS_CONTINUOUS ||
	    fmt == SF_USGS_LOCATIONS;
}

/* Puts the parser's buffers into b; returns how many. */
static size_t
buffers(struct sf_usgs *u, struct sf_buf *b[NBUFS])
{
	struct sf_buf *all[NBUFS] = {
		&u->qbuf, &u->fbuf, &u->qual, &u->next, &u->rel, &u->href,
		&u->ecode, &u->emsg, &u->line, &u->carry
	};

	memcpy(b, all, sizeof(all));
	return NBUFS;
}

struct sf_usgs *
sf_usgs_new(enum sf_usgs_fmt fmt, const char *config,
    int (*emit)(void *, const struct sf_rec *), void *arg)
{
	struct sf_usgs *u = sf_calloc(1, sizeof(*u));
	struct sf_buf *b[NBUFS];
	size_t i, n = buffers(u, b);

	for (i = 0; i < n; i++)
		sf_buf_init(b[i]);
	u->fmt = fmt;
	u->config = config ? sf_strdup(config) : NULL;
	u->emit = emit;
	u->arg = arg;
	if (is_json(fmt))
		u->jp = sf_jsonpush_new(ogc_cb, u);
	sf_usgs_reset(u);
	return u;
}

void
sf_usgs_free(struct sf_usgs *u)
{
	struct sf_buf *b[NBUFS];
	size_t i, n;

	if (u == NULL)
		return;
	n = buffers(u, b);
	for (i = 0; i < n; i++)
		sf_buf_release(b[i]);
	sf_jsonpush_free(u->jp);
	free(u->fields);
	free(u->config);
	free(u);
}

void
sf_usgs_reset(struct sf_usgs *u)
{
	u->failed = 0;
	u->ended = 0;
	sf_err_clear(&u->fail);
	memset(&u->st, 0, sizeof(u->st));
	u->st.returned = -1;
	u->what = NULL;
	if (u->jp)
		sf_jsonpush_reset(u->jp);
	u->started = 0;
	u->want = W_NONE;
	u->saw_features = 0;
	u->mode = M_WATCH;
	u->feat_open = 0;
	sf_buf_reset(&u->carry);
	u->fastoff = 0;
	u->nfast = 0;
	u->tries = 0;
	u->has_next = 0;
	sf_buf_reset(&u->next);
	sf_buf_reset(&u->ecode);
	sf_buf_reset(&u->emsg);
	sf_buf_reset(&u->line);
	u->lineno = 0;
	u->rst = R_HEAD;
	u->ncols = 0;
}

const char *
sf_usgs_next(const struct sf_usgs *u)
{
	return u->ended && u->has_next ? u->next.buf : NULL;
}

/* A key of length len is literal lit (keys hold no NUL: sf_jsonpush). */
#define IS(s, len, lit) ((len) == sizeof(lit) - 1 && \
	memcmp((s), (lit), sizeof(lit) - 1) == 0)

/*
 * peek's walk of "{" and a tail from its last "numberReturned" or "links"
 * key, whichever comes first: the count, and the first entry with rel
 * "next" of links, as ogc_end takes it.
 */
struct peek {
	struct sf_buf *next, rel, href;
	int depth;		/* containers open */
	int member;		/* of depth 1 now: 1 numberReturned, 2 links */
	int key;		/* of a link: 1 rel, 2 href, 0 another */
	int some;		/* numberReturned is above 0 */
	int found;
};

static int
peek_cb(void *arg, enum sf_jsonpush_ev ev, const char *s, size_t len)
{
	struct peek *pk = arg;
	int key = pk->key;

	pk->key = 0;
	switch (ev) {
	case SF_JSONPUSH_BEGIN_OBJ:
	case SF_JSONPUSH_BEGIN_ARR:
		if (++pk->depth == 3 && pk->member == 2) {
			sf_buf_reset(&pk->rel);
			sf_buf_reset(&pk->href);
		}
		break;
	case SF_JSONPUSH_END_OBJ:
		if (pk->depth == 3 && pk->member == 2 && !pk->found &&
		    strcmp(pk->rel.buf, "next") == 0 && pk->href.len > 0) {
			sf_buf_add(pk->next, pk->href.buf, pk->href.len);
			pk->found = 1;
		}
		/* FALLTHROUGH */
	case SF_JSONPUSH_END_ARR:
		pk->depth--;
		break;
	case SF_JSONPUSH_KEY:
		if (pk->depth == 1)
			pk->member = IS(s, len, "numberReturned") ? 1 :
			    IS(s, len, "links") ? 2 : 0;
		else if (pk->depth == 3 && pk->member == 2)
			pk->key = IS(s, len, "rel") ? 1 :
			    IS(s, len, "href") ? 2 : 0;
		break;
	case SF_JSONPUSH_NUM:
		if (pk->depth == 1 && pk->member == 1)
			pk->some = strtol(s, NULL, 10) > 0;
		break;
	case SF_JSONPUSH_STR:
		if (key != 0)
			sf_buf_add(key == 1 ? &pk->rel : &pk->href, s, len);
		break;
	default:
		break;
	}
	return 0;
}

/* The last key k (with its quotes) in the n bytes at s, or NULL. */
static const char *
last_key(const char *s, size_t n, const char *k)
{
	size_t i, klen = strlen(k);

	for (i = n >= klen ? n - klen + 1 : 0; i-- > 0; )
		if (s[i] == '"' && memcmp(s + i, k, klen) == 0)
			return s + i;
	return NULL;
}

int
sf_usgs_peek_next(const char *tail, size_t n, struct sf_buf *next)
{
	struct peek pk = { 0 };
	struct sf_jsonpush *jp;
	struct sf_err err;
	const char *p, *q;
	int ok;

	p = last_key(tail, n, "\"links\"");
	q = last_key(tail, n, "\"numberReturned\"");
	if (p == NULL || q == NULL)
		return 0;
	if (q < p)
		p = q;
	pk.next = next;
	sf_buf_init(&pk.rel);
	sf_buf_init(&pk.href);
	sf_buf_reset(next);
	jp = sf_jsonpush_new(peek_cb, &pk);
	ok = sf_jsonpush_feed(jp, "{", 1, &err) == 0 &&
	    sf_jsonpush_feed(jp, p, n - (size_t)(p - tail), &err) == 0 &&
	    sf_jsonpush_end(jp, &err) == 0 && pk.some && pk.found;
	sf_jsonpush_free(jp);
	sf_buf_release(&pk.rel);
	sf_buf_release(&pk.href);
	if (!ok)
		sf_buf_reset(next);
	return ok;
}

void
sf_usgs_stats(const struct sf_usgs *u, struct sf_usgs_stats *st)
{
	*st = u->st;
}

size_t
sf_usgs_mem(const struct sf_usgs *u)
{
	struct sf_buf *b[NBUFS];
	size_t i, k = buffers((struct sf_usgs *)u, b);
	size_t n = sizeof(*u) + (size_t)u->fcap * sizeof(char *);

	for (i = 0; i < k; i++)
		n += b[i]->cap;
	if (u->jp)
		n += sf_jsonpush_mem(u->jp);
	return n;
}

const char *
sf_usgs_collection(enum sf_usgs_fmt fmt)
{
	switch (fmt) {
	case SF_USGS_DAILY:
		return "daily";
	case SF_USGS_CONTINUOUS:
		return "continuous";
	case SF_USGS_LOCATIONS:
		return "monitoring-locations";
	default:
		return NULL;
	}
}

/*
 * Common helpers.
 */

/* Sets the caller's error to "WHERE: message"; returns -1. */
static int
failw(struct sf_usgs *u, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static int
failw(struct sf_usgs *u, const char *fmt, ...)
{
	char msg[SF_ERR_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (u->what != NULL)
		return sf_err_set(u->err, "%s %ld: %s", u->what, u->num, msg);
	return sf_err_set(u->err, "%s", msg);
}

static int
put(struct sf_usgs *u, const struct sf_rec *r)
{
	if (u->emit(u->arg, r) != 0)
		return failw(u, "stopped by the caller");
	u->st.records++;
	return 0;
}

/* The position of needle in the n bytes at s, in any case, or NULL. */
static const char *
find_ci(const char *s, size_t n, const char *needle)
{
	size_t i, k = strlen(needle);

	for (i = 0; i + k <= n; i++) {
		size_t j;

		for (j = 0; j < k; j++) {
			int a = s[i + j], b = needle[j];

			if (a >= 'A' && a <= 'Z')
				a += 'a' - 'A';
			if (a != b)
				break;
		}
		if (j == k)
			return s + i;
	}
	return NULL;
}

/*
 * Whether s is a number sf_writer takes (sf_str_todouble's). Plain
 * decimals are told by their syntax alone; strtod is left for exponents
 * and very long strings, which could overflow.
 */
static int
is_num(const char *s)
{
	const char *p = s;
	double d;
	int n = 0;

	if (s == NULL)
		return 0;
	if (*p == '+' || *p == '-')
		p++;
	for (; *p >= '0' && *p <= '9'; p++)
		n++;
	if (*p == '.')
		for (p++; *p >= '0' && *p <= '9'; p++)
			n++;
	if (*p == '\0' && n > 0 && n < 300)
		return 1;
	return sf_str_todouble(s, &d, NULL) == 0;
}

/* Whether a unit means cubic feet per second. */
static int
is_cfs(const char *unit)
{
	return strcmp(unit, "ft^3/s") == 0 || strcmp(unit, "ft3/s") == 0 ||
	    strcmp(unit, "ft\xc2\xb3/s") == 0 || sf_str_eq_ci(unit, "cfs");
}

/* Whether v is the number nodata (which may be ""). */
static int
is_missing(const char *v, const char *nodata)
{
	double a, b;

	return sf_str_todouble(v, &a, NULL) == 0 &&
	    sf_str_todouble(nodata, &b, NULL) == 0 && a == b;
}

/* Whether v is NWIS's -999999, its missing value. */
static int
is_nwis_missing(const char *v)
{
	return is_missing(v, "-999999");
}

/* Starts the quality code with the approval (Approved gives A). */
static void
quality_begin(struct sf_usgs *u, const char *approval)
{
	sf_buf_reset(&u->qbuf);
	if (approval == NULL || *approval == '\0')
		return;
	if (strcmp(approval, "Approved") == 0)
		sf_buf_addc(&u->qbuf, 'A');
	else if (strcmp(approval, "Provisional") == 0)
		sf_buf_addc(&u->qbuf, 'P');
	else
		sf_buf_adds(&u->qbuf, approval);
}

/* Appends a code or a ':'-joined list of them to the quality code. */
static void
quality_add(struct sf_usgs *u, const char *q)
{
	if (q == NULL || *q == '\0')
		return;
	if (u->qbuf.len > 0)
		sf_buf_addc(&u->qbuf, ':');
	sf_buf_adds(&u->qbuf, q);
}

static const char *
quality(struct sf_usgs *u)
{
	return u->qbuf.len > 0 ? u->qbuf.buf : NULL;
}

static int
put_obs(struct sf_usgs *u, const char *station, const char *at,
    const char *discharge)
{
	struct sf_rec r;

	sf_rec_clear(&r, SF_KIND_OBS);
	r.f[SF_OBS_CONFIG] = u->config;
	r.f[SF_OBS_STATION] = station;
	r.f[SF_OBS_AGENCY] = "USGS";
	r.f[SF_OBS_TYPE] = (u->fmt == SF_USGS_DAILY ||
	    u->fmt == SF_USGS_RDB_DV) ?
	    "daily_mean" : "realtime_15min";
	r.f[SF_OBS_OBSERVED_AT] = at;
	r.f[SF_OBS_DISCHARGE] = discharge;
	r.f[SF_OBS_UNIT] = "cfs";
	r.f[SF_OBS_QUALITY_CODE] = quality(u);
	return put(u, &r);
}

/* The n digits at s as a number, or -1 when one is not a digit. */
static int
digits(const char *s, int n)
{
	int v = 0;

	for (; n > 0; n--, s++) {
		if (*s < '0' || *s > '9')
			return -1;
		v = v * 10 + (*s - '0');
	}
	return v;
}

/*
 * Whether s begins with a day "YYYY-MM-DD" that sf_time_parse takes
 * (years 1 to 9999, the month's length; s holds 10 bytes at least): such
 * a feature's time is copied, not parsed and formatted again.
 */
static int
is_day(const char *s)
{
	int y = digits(s, 4), m = digits(s + 5, 2), d = digits(s + 8, 2);

	return s[4] == '-' && s[7] == '-' && y >= 1 && m >= 1 && m <= 12 &&
	    d >= 1 && d <= sf_time_days_in_month(y, m);
}

/* A daily value's day, "YYYY-MM-DD", as "YYYY-MM-DDT00:00:00Z". */
static int
day_at(struct sf_usgs *u, const char *day, char at[SF_TIME_LEN])
{
	struct sf_err e;
	int64_t t;

	if (strlen(day) == 10 && is_day(day)) {
		memcpy(at, day, 10);
		memcpy(at + 10, "T00:00:00Z", 11);
		return 0;
	}
	if (sf_time_parse_date(day, &t, &e) == -1)
		return failw(u, "%s", e.msg);
	sf_time_format(t, at);
	return 0;
}

/* An instant with its own offset (or Z), in UTC. */
static int
instant_at(struct sf_usgs *u, const char *s, char at[SF_TIME_LEN])
{
	struct sf_err e;
	size_t n = strlen(s);
	int64_t t;

	/* Already UTC, to the second: copied, as in day_at. */
	if (((n == 20 && s[19] == 'Z') ||
	    (n == 25 && strcmp(s + 19, "+00:00") == 0)) && is_day(s) &&
	    s[10] == 'T' && s[13] == ':' && s[16] == ':' &&
	    digits(s + 11, 2) >= 0 && digits(s + 11, 2) <= 23 &&
	    digits(s + 14, 2) >= 0 && digits(s + 14, 2) <= 59 &&
	    digits(s + 17, 2) >= 0 && digits(s + 17, 2) <= 59) {
		memcpy(at, s, 19);
		memcpy(at + 19, "Z", 2);
		return 0;
	}
	if (sf_time_parse(s, &t, &e) == -1)
		return failw(u, "%s", e.msg);
	sf_time_format(t, at);
	return 0;
}

static const struct {
	const char *name;
	int hours, mins;
} extra_zones[] = {
	{ "AST", -4, 0 }, { "ADT", -3, 0 }, { "ChST", 10, 0 },
	{ "SST", -11, 0 }
};

int
sf_usgs_zone(const char *code, int *offset, struct sf_err *err)
{
	size_t i;

	for (i = 0; i < sizeof(extra_zones) / sizeof(extra_zones[0]); i++) {
		if (sf_str_eq_ci(code, extra_zones[i].name)) {
			*offset = extra_zones[i].hours * 3600 +
			    extra_zones[i].mins * 60;
			return 0;
		}
	}
	return sf_time_zone(code, offset, err);
}

/* Writes an offset in seconds as "-05:00". */
static void
fmt_offset(int off, char buf[8])
{
	int a = off < 0 ? -off : off;

	snprintf(buf, 8, "%c%02d:%02d", off < 0 ? '-' : '+', a / 3600 % 100,
	    a / 60 % 60);
}

/* A zone code's offset as "-05:00" into buf, or NULL when unknown. */
static const char *
zone_offset(const char *code, char buf[8])
{
	int off;

	if (code == NULL || *code == '\0' ||
	    sf_usgs_zone(code, &off, NULL) == -1)
		return NULL;
	fmt_offset(off, buf);
	return buf;
}

static const char *const states[][2] = {
	{ "01", "AL" }, { "02", "AK" }, { "04", "AZ" }, { "05", "AR" },
	{ "06", "CA" }, { "08", "CO" }, { "09", "CT" }, { "10", "DE" },
	{ "11", "DC" }, { "12", "FL" }, { "13", "GA" }, { "15", "HI" },
	{ "16", "ID" }, { "17", "IL" }, { "18", "IN" }, { "19", "IA" },
	{ "20", "KS" }, { "21", "KY" }, { "22", "LA" }, { "23", "ME" },
	{ "24", "MD" }, { "25", "MA" }, { "26", "MI" }, { "27", "MN" },
	{ "28", "MS" }, { "29", "MO" }, { "30", "MT" }, { "31", "NE" },
	{ "32", "NV" }, { "33", "NH" }, { "34", "NJ" }, { "35", "NM" },
	{ "36", "NY" }, { "37", "NC" }, { "38", "ND" }, { "39", "OH" },
	{ "40", "OK" }, { "41", "OR" }, { "42", "PA" }, { "44", "RI" },
	{ "45", "SC" }, { "46", "SD" }, { "47", "TN" }, { "48", "TX" },
	{ "49", "UT" }, { "50", "VT" }, { "51", "VA" }, { "53", "WA" },
	{ "54", "WV" }, { "55", "WI" }, { "56", "WY" }, { "60", "AS" },
	{ "64", "FM" }, { "66", "GU" }, { "68", "MH" }, { "69", "MP" },
	{ "70", "PW" }, { "72", "PR" }, { "74", "UM" }, { "78", "VI" }
};

const char *
sf_usgs_state_postal(const char *fips)
{
	size_t i;

	if (fips == NULL)
		return NULL;
	for (i = 0; i < sizeof(states) / sizeof(states[0]); i++) {
		if (strcmp(fips, states[i][0]) == 0)
			return states[i][1];
	}
	return NULL;
}

const char *
sf_usgs_state_fips(const char *postal)
{
	size_t i;

	if (postal == NULL)
		return NULL;
	for (i = 0; i < sizeof(states) / sizeof(states[0]); i++) {
		if (sf_str_eq_ci(postal, states[i][1]))
			return states[i][0];
	}
	return NULL;
}

/* The state of a station: a FIPS code mapped, a postal code kept. */
static const char *
state_of(const char *s)
{
	const char *fips;
	char two[3];

	if (s == NULL)
		return NULL;
	if (s[0] >= '0' && s[0] <= '9' && s[1] == '\0') {
		two[0] = '0';
		two[1] = s[0];
		two[2] = '\0';
		return sf_usgs_state_postal(two);
	}
	if ((fips = sf_usgs_state_fips(s)) != NULL)
		return sf_usgs_state_postal(fips);
	return sf_usgs_state_postal(s);
}

static const char *
yes_no(const char *s)
{
	if (s == NULL)
		return NULL;
	if (sf_str_eq_ci(s, "Y") || strcmp(s, "true") == 0)
		return "true";
	if (sf_str_eq_ci(s, "N") || strcmp(s, "false") == 0)
		return "false";
	return NULL;
}

static int
put_station(struct sf_usgs *u, const char *f[SF_ST_NFIELDS])
{
	static const int nums[4] = {
		SF_ST_LATITUDE, SF_ST_LONGITUDE, SF_ST_DRAINAGE_AREA_SQMI,
		SF_ST_ALTITUDE_FT
	};
	struct sf_rec r;
	int i;

	sf_rec_clear(&r, SF_KIND_STATION);
	for (i = 0; i < SF_ST_NFIELDS; i++)
		r.f[i] = f[i];
	r.f[SF_ST_AGENCY] = "USGS";
	/* The numbers sf_writer would refuse are dropped, not the station. */
	for (i = 0; i < 4; i++) {
		if (r.f[nums[i]] != NULL && !is_num(r.f[nums[i]]))
			r.f[nums[i]] = NULL;
	}
	return put(u, &r);
}

/*
 * JSON: the OGC items pages.
 */

#define K(name, want) { name, sizeof(name) - 1, want }

static const struct key {
	const char *name;
	size_t len;
	int want;
} obs_keys[] = {
	K("monitoring_location_id", W_SLOT + F_MLID),
	K("time", W_SLOT + F_TIME),
	K("value", W_SLOT + F_VALUE),
	K("approval_status", W_SLOT + F_APPROVAL),
	K("qualifier", W_QUAL),
	K("parameter_code", W_SLOT + F_PARAM),
	K("statistic_id", W_SLOT + F_STAT),
	K("unit_of_measure", W_SLOT + F_UNIT),
	{ NULL, 0, 0 }
}, loc_keys[] = {
	K("monitoring_location_number", W_SLOT + F_NUMBER),
	K("monitoring_location_name", W_SLOT + F_NAME),
	K("agency_code", W_SLOT + F_AGENCY),
	K("state_code", W_SLOT + F_STATE),
	K("hydrologic_unit_code", W_SLOT + F_HUC),
	K("drainage_area", W_SLOT + F_DRAIN),
	K("altitude", W_SLOT + F_ALT),
	K("time_zone_abbreviation", W_SLOT + F_TZ),
	K("uses_daylight_savings", W_SLOT + F_DST),
	K("id", W_SLOT + F_ID),
	{ NULL, 0, 0 }
}, top_keys[] = {
	K("features", W_FEATURES),
	K("links", W_LINKS),
	K("numberReturned", W_NUMRET),
	K("code", W_CODE),
	K("description", W_DESC),
	K("error", W_ERROR),
	{ NULL, 0, 0 }
};

/* The want of key s (len bytes) in table k, or W_NONE. */
static int
lookup(const struct key *k, const char *s, size_t len)
{
	for (; k->name != NULL; k++) {
		if (k->len == len && k->name[0] == s[0] &&
		    memcmp(k->name, s, len) == 0)
			return k->want;
	}
	return W_NONE;
}

static void
slot_set(struct sf_usgs *u, int i, enum sf_jsonpush_ev ev, const char *s,
    size_t len)
{
	struct slot *sl = &u->slot[i];

	switch (ev) {
	case SF_JSONPUSH_STR:
		sl->type = T_STR;
		break;
	case SF_JSONPUSH_NUM:
		sl->type = T_NUM;
		break;
	case SF_JSONPUSH_TRUE:
	case SF_JSONPUSH_FALSE:
		sl->type = T_BOOL;
		break;
	default:
		sl->type = T_NULL;
		return;
	}
	sl->off = u->fbuf.len;
	sf_buf_add(&u->fbuf, s, len + 1);
}

/* A slot's text, NULL when absent or null. */
static const char *
slot_str(struct sf_usgs *u, int i)
{
	const struct slot *sl = &u->slot[i];

	if (sl->type == T_ABSENT || sl->type == T_NULL)
		return NULL;
	return u->fbuf.buf + sl->off;
}

static void
item_begin(struct sf_usgs *u, const char *what)
{
	int i;

	for (i = 0; i < F_N; i++)
		u->slot[i].type = T_ABSENT;
	sf_buf_reset(&u->fbuf);
	sf_buf_reset(&u->qual);
	u->ncoord = 0;
	u->st.items++;
	u->what = what;		/* formatted only on failure: per feature */
	u->num = u->st.items;
}

static void
qual_add(struct sf_usgs *u, const char *s)
{
	if (u->qual.len > 0)
		sf_buf_addc(&u->qual, ':');
	sf_buf_adds(&u->qual, s);
}

/* A feature of the daily or continuous collection is complete. */
static int
obs_feature(struct sf_usgs *u)
{
	const char *param = slot_str(u, F_PARAM);
	const char *stat = slot_str(u, F_STAT);
	const char *unit = slot_str(u, F_UNIT);
	const char *id = slot_str(u, F_MLID);
	const char *tm = slot_str(u, F_TIME);
	const char *v = slot_str(u, F_VALUE);
	char at[SF_TIME_LEN];
	int vt = u->slot[F_VALUE].type, cfs = unit == NULL || is_cfs(unit);

	if ((param != NULL && strcmp(param, "00060") != 0) ||
	    (u->fmt == SF_USGS_DAILY && stat != NULL &&
	    strcmp(stat, "00003") != 0) || (param == NULL && !cfs)) {
		u->st.skipped++;
		return 0;
	}
	if (!cfs)
		return failw(u, "unit_of_measure '%s': not cubic feet per "
		    "second", unit);
	if (id == NULL)
		return failw(u, "no monitoring_location_id");
	if (strncmp(id, "USGS-", 5) != 0 || id[5] == '\0')
		return failw(u, "monitoring_location_id '%s': not a USGS id",
		    id);
	if (tm == NULL)
		return failw(u, "no time");
	if ((u->fmt == SF_USGS_DAILY ? day_at(u, tm, at) :
	    instant_at(u, tm, at)) == -1)
		return -1;
	if (vt == T_ABSENT)
		return failw(u, "no value");
	if (vt == T_BOOL || (v != NULL && *v != '\0' && !is_num(v)))
		return failw(u, "value '%s': not a number", v);
	if (v != NULL && *v == '\0')
		v = NULL;
	quality_begin(u, slot_str(u, F_APPROVAL));
	quality_add(u, u->qual.len > 0 ? u->qual.buf : NULL);
	return put_obs(u, id + 5, at, v);
}

/* A feature of monitoring-locations is complete. */
static int
location_feature(struct sf_usgs *u)
{
	const char *agency = slot_str(u, F_AGENCY);
	const char *number = slot_str(u, F_NUMBER);
	const char *id = slot_str(u, F_ID);
	const char *f[SF_ST_NFIELDS] = { NULL };
	char off[8];

	/* No agency_code: the id's prefix ("AL012-9010...") tells. */
	if (agency == NULL && id != NULL && strchr(id, '-') != NULL &&
	    strncmp(id, "USGS-", 5) != 0)
		agency = id;
	if (agency != NULL && strcmp(agency, "USGS") != 0) {
		u->st.skipped++;
		return 0;
	}
	if (number == NULL && id != NULL && strncmp(id, "USGS-", 5) == 0 &&
	    id[5] != '\0')
		number = id + 5;
	if (number == NULL || *number == '\0')
		return failw(u, "no monitoring_location_number");
	f[SF_ST_STATION] = number;
	f[SF_ST_NAME] = slot_str(u, F_NAME);
	if (u->ncoord >= 2) {
		f[SF_ST_LATITUDE] = slot_str(u, F_LAT);
		f[SF_ST_LONGITUDE] = slot_str(u, F_LON);
	}
	f[SF_ST_STATE] = state_of(slot_str(u, F_STATE));
	f[SF_ST_HUC_CODE] = slot_str(u, F_HUC);
	f[SF_ST_DRAINAGE_AREA_SQMI] = slot_str(u, F_DRAIN);
	f[SF_ST_ALTITUDE_FT] = slot_str(u, F_ALT);
	f[SF_ST_UTC_OFFSET] = zone_offset(slot_str(u, F_TZ), off);
	f[SF_ST_USES_DST] = yes_no(slot_str(u, F_DST));
	return put_station(u, f);
}

static int
ogc_begin(struct sf_usgs *u, int obj, int d)
{
	int want = u->want;

	u->want = W_NONE;
	if (d >= MAXCTX)
		return SF_JSONPUSH_SKIP;
	u->ctx[d] = C_SKIP;
	if (d == 1) {
		if (!obj)
			return failw(u, "not a FeatureCollection: an array");
		u->ctx[d] = C_TOP;
		return 0;
	}
	switch (u->ctx[d - 1]) {
	case C_TOP:
		if (want == W_FEATURES && !obj) {
			u->ctx[d] = C_FEATURES;
			u->saw_features = 1;
			u->feat_open = 1;
		} else if (want == W_LINKS && !obj) {
			u->ctx[d] = C_LINKS;
		} else if (want == W_ERROR && obj) {
			u->ctx[d] = C_ERROR;
		}
		break;
	case C_FEATURES:
		item_begin(u, "feature");
		if (!obj)
			return failw(u, "not an object");
		u->ctx[d] = C_FEATURE;
		break;
	case C_FEATURE:
		if (want == W_PROPS && obj)
			u->ctx[d] = C_PROPS;
		else if (want == W_GEOM && obj)
			u->ctx[d] = C_GEOM;
		break;
	case C_PROPS:
		if (want == W_QUAL && !obj)
			u->ctx[d] = C_QUAL;
		break;
	case C_GEOM:
		if (want == W_COORDS && !obj) {
			u->ctx[d] = C_COORDS;
			u->ncoord = 0;
		}
		break;
	case C_LINKS:
		if (obj) {
			u->ctx[d] = C_LINK;
			sf_buf_reset(&u->rel);
			sf_buf_reset(&u->href);
		}
		break;
	}
	return u->ctx[d] == C_SKIP ? SF_JSONPUSH_SKIP : 0;
}

static int
ogc_end(struct sf_usgs *u, int d)
{
	switch (u->ctx[d]) {
	case C_FEATURE:
		if ((u->fmt == SF_USGS_LOCATIONS ? location_feature(u) :
		    obs_feature(u)) == -1)
			return -1;
		u->what = NULL;
		break;
	case C_LINK:
		if (!u->has_next && strcmp(u->rel.buf, "next") == 0 &&
		    u->href.len > 0) {
			sf_buf_reset(&u->next);
			sf_buf_add(&u->next, u->href.buf, u->href.len);
			u->has_next = 1;
		}
		break;
	}
	return 0;
}

static int
ogc_key(struct sf_usgs *u, int d, const char *s, size_t len)
{
	int w = W_NONE;

	switch (u->ctx[d]) {
	case C_TOP:
		w = lookup(top_keys, s, len);
		break;
	case C_FEATURE:
		if (IS(s, len, "properties"))
			w = W_PROPS;
		else if (u->fmt == SF_USGS_LOCATIONS &&
		    IS(s, len, "geometry"))
			w = W_GEOM;
		else if (u->fmt == SF_USGS_LOCATIONS && IS(s, len, "id"))
			w = W_SLOT + F_ID;
		break;
	case C_PROPS:
		w = lookup(u->fmt == SF_USGS_LOCATIONS ? loc_keys : obs_keys,
		    s, len);
		/* properties.id wins over the feature's id: same value. */
		break;
	case C_GEOM:
		if (IS(s, len, "coordinates"))
			w = W_COORDS;
		break;
	case C_LINK:
		if (IS(s, len, "rel"))
			w = W_REL;
		else if (IS(s, len, "href"))
			w = W_HREF;
		break;
	case C_ERROR:
		if (IS(s, len, "code"))
			w = W_ERRCODE;
		else if (IS(s, len, "message"))
			w = W_ERRMSG;
		break;
	}
	u->want = w;
	return w == W_NONE ? SF_JSONPUSH_SKIP : 0;
}

static void
set_buf(struct sf_buf *b, const char *s, size_t len)
{
	sf_buf_reset(b);
	sf_buf_add(b, s, len);
}

static int
ogc_scalar(struct sf_usgs *u, enum sf_jsonpush_ev ev, const char *s, size_t len,
    int d)
{
	int want = u->want;
	int text = ev == SF_JSONPUSH_STR || ev == SF_JSONPUSH_NUM;
	long long n;

	u->want = W_NONE;
	if (d >= MAXCTX)
		return 0;
	switch (u->ctx[d]) {
	case C_TOP:
		if (want == W_NUMRET && ev == SF_JSONPUSH_NUM &&
		    sf_str_toll(s, 0, 1000000000000LL, &n, NULL) == 0)
			u->st.returned = n;
		else if (want == W_CODE && text)
			set_buf(&u->ecode, s, len);
		else if (want == W_DESC && text)
			set_buf(&u->emsg, s, len);
		break;
	case C_FEATURES:
		item_begin(u, "feature");
		return failw(u, "not an object");
	case C_FEATURE:
	case C_PROPS:
		if (want >= W_SLOT)
			slot_set(u, want - W_SLOT, ev, s, len);
		else if (want == W_QUAL && text)
			qual_add(u, s);
		break;
	case C_QUAL:
		if (text)
			qual_add(u, s);
		break;
	case C_COORDS:
		if (ev == SF_JSONPUSH_NUM && u->ncoord < 2)
			slot_set(u, u->ncoord == 0 ? F_LON : F_LAT, ev, s, len);
		u->ncoord++;
		break;
	case C_LINK:
		if (want == W_REL && ev == SF_JSONPUSH_STR)
			set_buf(&u->rel, s, len);
		else if (want == W_HREF && ev == SF_JSONPUSH_STR)
			set_buf(&u->href, s, len);
		break;
	case C_ERROR:
		if (want == W_ERRCODE && text)
			set_buf(&u->ecode, s, len);
		else if (want == W_ERRMSG && text)
			set_buf(&u->emsg, s, len);
		break;
	}
	return 0;
}

static int
ogc_cb(void *arg, enum sf_jsonpush_ev ev, const char *s, size_t len)
{
	struct sf_usgs *u = arg;
	int d = sf_jsonpush_depth(u->jp);

	switch (ev) {
	case SF_JSONPUSH_BEGIN_OBJ:
	case SF_JSONPUSH_BEGIN_ARR:
		return ogc_begin(u, ev == SF_JSONPUSH_BEGIN_OBJ, d);
	case SF_JSONPUSH_END_OBJ:
	case SF_JSONPUSH_END_ARR:
		return ogc_end(u, d + 1);
	case SF_JSONPUSH_KEY:
		return ogc_key(u, d, s, len);
	default:
		return ogc_scalar(u, ev, s, len, d);
	}
}

/*
 * FAST: the features of the daily and continuous pages, read straight
 * from the bytes, a tenth of the tokenizer's work, in the subset of JSON
 * they are written in: strings of printable ASCII without escapes, null,
 * true, false, and the feature's properties object (with the qualifier
 * array). Anything else (a number, an escape, a geometry, bad syntax) is
 * left to the tokenizer from the feature it is in, which then reads the
 * rest of the body: the records, the counts and the messages are the
 * same either way.
 */

/* A cursor over the bytes; need: they end too soon; bad: not the subset. */
struct fcur {
	const char *p, *e;
};

enum { F_OK = 1, F_NEED = 0, F_BAD = -2 };	/* -1: a failure */

static void
fws(struct fcur *c)
{
	while (c->p < c->e && (*c->p == ' ' || *c->p == '\n' ||
	    *c->p == '\t' || *c->p == '\r'))
		c->p++;
}

/* The next byte after white space, or -1 at the end. */
static inline int
fpeek(struct fcur *c)
{
	/* the API writes no white space between tokens */
	if (c->p < c->e && (unsigned char)*c->p > ' ')
		return (unsigned char)*c->p;
	fws(c);
	return c->p < c->e ? (unsigned char)*c->p : -1;
}

/* The bytes that end a string of the subset ('"') or leave it (1). */
#define ONE16 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1
static const unsigned char fstop[256] = {
	ONE16, ONE16, ['"'] = 2, ['\\'] = 1,
	[0x80] = ONE16, ONE16, ONE16, ONE16, ONE16, ONE16, ONE16, ONE16
};

#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
#define ONES	0x0101010101010101ull
#define HIGHS	0x8080808080808080ull

/*
 * The bytes of x (8 of a string, the first at the lowest address) that
 * fstop stops at, as their high bits: '"', '\\', below 0x20, from 0x80.
 * A byte after the first such may be marked wrongly (a borrow), never
 * the first: only the lowest mark is used.
 */
static inline uint64_t
fstop8(uint64_t x)
{
	uint64_t q = x ^ (ONES * '"'), b = x ^ (ONES * '\\');

	return (((x - ONES * 0x20) & ~x) | ((q - ONES) & ~q) |
	    ((b - ONES) & ~b) | x) & HIGHS;
}
#endif

/* The first byte from q on that fstop stops at, or e. */
static inline const unsigned char *
fstop_at(const unsigned char *q, const unsigned char *e)
{
#ifdef __SSE2__
	/* sixteen bytes a step; below 0x20 as signed bytes is also 0x80 up */
	const __m128i quote = _mm_set1_epi8('"'), bs = _mm_set1_epi8('\\');
	const __m128i ctl = _mm_set1_epi8(0x20);
	__m128i v;
	int m16;

	for (; e - q >= 16; q += 16) {
		v = _mm_loadu_si128((const void *)q);
		m16 = _mm_movemask_epi8(_mm_or_si128(_mm_or_si128(
		    _mm_cmpeq_epi8(v, quote), _mm_cmpeq_epi8(v, bs)),
		    _mm_cmplt_epi8(v, ctl)));
		if (m16 != 0)
			return q + __builtin_ctz((unsigned)m16);
	}
#endif
#ifdef HIGHS
	uint64_t x, m;

	/* eight bytes a step: the strings of a feature run 4 to 40 */
	for (; e - q >= 8; q += 8) {
		memcpy(&x, q, 8);
		if ((m = fstop8(x)) != 0)
			return q + __builtin_ctzll(m) / 8;
	}
#endif
	while (q < e && !fstop[*q])
		q++;
	return q;
}

/* A string at c->p ('"'): its bytes in *s and *len. */
static int
fstr(struct fcur *c, const char **s, size_t *len)
{
	const unsigned char *q;

	q = fstop_at((const unsigned char *)++c->p,
	    (const unsigned char *)c->e);
	if (q == (const unsigned char *)c->e)
		return F_NEED;
	if (fstop[*q] != 2)
		return F_BAD;
	*s = c->p;
	*len = (size_t)((const char *)q - c->p);
	c->p = (const char *)q + 1;
	return F_OK;
}

/*
 * A scalar at c->p: a string, null, true or false, as the tokenizer's
 * event in *ev and its text in *s and *len.
 */
static int
fscalar(struct fcur *c, enum sf_jsonpush_ev *ev, const char **s, size_t *len)
{
	static const struct {
		const char *lit;
		enum sf_jsonpush_ev ev;
	} lits[] = {
		{ "null", SF_JSONPUSH_NULL }, { "true", SF_JSONPUSH_TRUE },
		{ "false", SF_JSONPUSH_FALSE }
	};
	size_t i, k, have;

	if (*c->p == '"') {
		*ev = SF_JSONPUSH_STR;
		return fstr(c, s, len);
	}
	if (c->e - c->p >= 4 && memcmp(c->p, "null", 4) == 0) {
		*ev = SF_JSONPUSH_NULL;		/* the usual literal */
		*s = "null";
		*len = 4;
		c->p += 4;
		return F_OK;
	}
	for (i = 0; i < sizeof(lits) / sizeof(lits[0]); i++) {
		if (*c->p != lits[i].lit[0])
			continue;
		k = strlen(lits[i].lit);
		have = (size_t)(c->e - c->p) < k ? (size_t)(c->e - c->p) : k;
		if (memcmp(c->p, lits[i].lit, have) != 0)
			return F_BAD;
		if (have < k)
			return F_NEED;
		*ev = lits[i].ev;
		*s = lits[i].lit;
		*len = k;
		c->p += k;
		return F_OK;
	}
	return F_BAD;
}

/* slot_set for text not NUL-terminated. */
static void
fslot(struct sf_usgs *u, int i, enum sf_jsonpush_ev ev, const char *s,
    size_t len)
{
	if (ev == SF_JSONPUSH_NULL) {
		u->slot[i].type = T_NULL;
		return;
	}
	u->slot[i].type = ev == SF_JSONPUSH_STR ? T_STR : T_BOOL;
	u->slot[i].off = u->fbuf.len;
	sf_buf_add(&u->fbuf, s, len);
	sf_buf_addc(&u->fbuf, '\0');
}

/* qual_add for text not NUL-terminated. */
static void
fqual(struct sf_usgs *u, const char *s, size_t len)
{
	if (u->qual.len > 0)
		sf_buf_addc(&u->qual, ':');
	sf_buf_add(&u->qual, s, len);
}

/* The qualifier array at c->p: its strings kept; null, true, false not. */
static int
fqualifiers(struct sf_usgs *u, struct fcur *c)
{
	enum sf_jsonpush_ev ev;
	const char *s;
	size_t len;
	int r, ch;

	c->p++;
	if ((ch = fpeek(c)) == ']') {
		c->p++;
		return F_OK;
	}
	for (;;) {
		if (ch == -1)
			return F_NEED;
		if ((r = fscalar(c, &ev, &s, &len)) != F_OK)
			return r;
		if (ev == SF_JSONPUSH_STR)
			fqual(u, s, len);
		if ((ch = fpeek(c)) == ']') {
			c->p++;
			return F_OK;
		}
		if (ch != ',')
			return ch == -1 ? F_NEED : F_BAD;
		c->p++;
		ch = fpeek(c);
	}
}

/*
 * An object at c->p ('{'): the feature (props 0) or its properties
 * (props 1), each member as ogc_key and ogc_scalar would take it.
 */
static int
fobject(struct sf_usgs *u, struct fcur *c, int props)
{
	enum sf_jsonpush_ev ev;
	const char *k, *s;
	struct pkey *pk;
	size_t klen, len;
	int r, ch, w = W_NONE, m;

	c->p++;
	if ((ch = fpeek(c)) == '}') {
		c->p++;
		return F_OK;
	}
	for (m = 0;; m++) {
		if (ch != '"')
			return ch == -1 ? F_NEED : F_BAD;
		pk = m < PK_N ? &u->pk[props][m] : NULL;
		if (pk != NULL && pk->len > 0 &&
		    (size_t)(c->e - c->p) > pk->len + 1 &&
		    c->p[pk->len + 1] == '"' &&
		    memcmp(c->p + 1, pk->key, pk->len) == 0) {
			k = c->p + 1;		/* as the last feature's */
			klen = pk->len;
			w = pk->want;
			c->p += klen + 2;
		} else {
			if ((r = fstr(c, &k, &klen)) != F_OK)
				return r;
			pk = pk != NULL && klen > 0 && klen <= PK_LEN ? pk :
			    NULL;
			w = props ? lookup(obs_keys, k, klen) :
			    IS(k, klen, "properties") ? W_PROPS : W_NONE;
			if (pk != NULL) {
				memcpy(pk->key, k, klen);
				pk->len = klen;
				pk->want = w;
			}
		}
		if ((ch = fpeek(c)) != ':')
			return ch == -1 ? F_NEED : F_BAD;
		c->p++;
		if ((ch = fpeek(c)) == -1)
			return F_NEED;
		if (w == W_PROPS && ch == '{')
			r = fobject(u, c, 1);
		else if (w == W_QUAL && ch == '[')
			r = fqualifiers(u, c);
		else if ((r = fscalar(c, &ev, &s, &len)) == F_OK) {
			if (w >= W_SLOT)
				fslot(u, w - W_SLOT, ev, s, len);
			else if (w == W_QUAL && ev == SF_JSONPUSH_STR)
				fqual(u, s, len);
		}
		if (r != F_OK)
			return r;
		if ((ch = fpeek(c)) == '}') {
			c->p++;
			return F_OK;
		}
		if (ch != ',')
			return ch == -1 ? F_NEED : F_BAD;
		c->p++;
		ch = fpeek(c);
	}
}

/*
 * Whether the n bytes at a and b are the same (n is short): by words, the
 * last one overlapping the one before it.
 */
static inline int
same(const char *a, const char *b, size_t n)
{
	uint64_t x, y;
	uint32_t u, v;

#ifdef __SSE2__
	if (n >= 16) {
		for (; n > 16; a += 16, b += 16, n -= 16)
			if (_mm_movemask_epi8(_mm_cmpeq_epi8(
			    _mm_loadu_si128((const void *)a),
			    _mm_loadu_si128((const void *)b))) != 0xffff)
				return 0;
		return _mm_movemask_epi8(_mm_cmpeq_epi8(
		    _mm_loadu_si128((const void *)(a + n - 16)),
		    _mm_loadu_si128((const void *)(b + n - 16)))) == 0xffff;
	}
#endif
	if (n >= 8) {
		for (; n > 8; a += 8, b += 8, n -= 8) {
			memcpy(&x, a, 8);
			memcpy(&y, b, 8);
			if (x != y)
				return 0;
		}
		memcpy(&x, a + n - 8, 8);
		memcpy(&y, b + n - 8, 8);
		return x == y;
	}
	if (n >= 4) {
		memcpy(&u, a, 4);
		memcpy(&v, b, 4);
		if (u != v)
			return 0;
		memcpy(&u, a + n - 4, 4);
		memcpy(&v, b + n - 4, 4);
		return u == v;
	}
	for (; n > 0; n--)
		if (*a++ != *b++)
			return 0;
	return 1;
}

/*
 * Learns the shape of the feature fobject read in the n bytes at f:
 * strings of the subset (no escape), null, true, false, objects, and
 * string values only as members of the feature or of its properties; a
 * property kept in a slot is a string (its null would be a run, and
 * shape_read keeps nothing of runs). Leaves the shape unlearnt when the
 * feature is not so.
 */
static void
shape_learn(struct sf_usgs *u, const char *f, size_t n)
{
	struct shape *sh = &u->shape;
	const char *key[3] = { NULL, NULL, NULL }, *q, *e = f + n;
	size_t klen[3] = { 0, 0, 0 }, run = 0, at = 0;
	int depth = 0, nrun = 0, props = 0, ch;
	struct fcur w;
	const char *p;

	sh->tries++;
	for (p = f; p < e; p++) {
		if (*p == '{' || *p == '[') {
			if (*p == '[' || ++depth > 2)
				return;
			props = depth == 2 && key[1] != NULL &&
			    IS(key[1], klen[1], "properties");
			continue;
		}
		if (*p == '}') {
			depth--;
			continue;
		}
		if (*p != '"')
			continue;
		for (q = p + 1; q < e && *q != '"'; q++)
			if (*q == '\\' || (unsigned char)*q < ' ' ||
			    (unsigned char)*q >= 0x80)
				return;
		if (q == e)
			return;
		w.p = q + 1;
		w.e = e;
		if (fpeek(&w) == ':') {		/* a key */
			key[depth] = p + 1;
			klen[depth] = (size_t)(q - p - 1);
			/* null, true or false kept in a slot: not a run */
			w.p++;
			ch = fpeek(&w);
			if ((ch == 'n' || ch == 't' || ch == 'f') && depth == 2 &&
			    props &&
			    lookup(obs_keys, p + 1, klen[2]) >= W_SLOT)
				return;
			p = q;
			continue;
		}
		/* a value: the run so far ends with its opening quote */
		if (nrun == SHAPE_RUNS || depth < 1 ||
		    at + (size_t)(p + 1 - f) - run > SHAPE_LIT)
			return;
		sh->off[nrun] = at;
		memcpy(sh->lit + at, f + run, (size_t)(p + 1 - f) - run);
		at += (size_t)(p + 1 - f) - run;
		sh->want[nrun++] = depth == 2 && props ?
		    lookup(obs_keys, key[2], klen[2]) : W_NONE;
		run = (size_t)(q - f);		/* from the closing quote */
		p = q;
	}
	if (depth != 0 || at + n - run > SHAPE_LIT)
		return;
	sh->off[nrun] = at;
	memcpy(sh->lit + at, f + run, n - run);
	sh->off[nrun + 1] = at + n - run;
	sh->nrun = nrun + 1;
}

/*
 * Reads the feature at c->p ('{') when it has the shape learnt, as
 * fobject would. Returns F_OK, or 0 when it has not (or its bytes end
 * too soon): fobject reads it then, as if this had not been called.
 */
static int
shape_read(struct sf_usgs *u, struct fcur *c)
{
	const struct shape *sh = &u->shape;
	const unsigned char *q, *e = (const unsigned char *)c->e;
	const char *p = c->p, *v[SHAPE_RUNS];
	size_t len[SHAPE_RUNS], n;
	int i, last = sh->nrun - 1;

	for (i = 0; i <= last; i++) {
		n = sh->off[i + 1] - sh->off[i];
		if ((size_t)(c->e - p) < n || !same(p, sh->lit + sh->off[i], n))
			return 0;
		p += n;
		if (i == last)
			break;
		q = fstop_at((const unsigned char *)p, e);
		if (q == e || *q != '"')
			return 0;
		v[i] = p;
		len[i] = (size_t)((const char *)q - p);
		p = (const char *)q;	/* the next run opens with it */
	}
	for (i = 0; i < last; i++) {
		if (sh->want[i] >= W_SLOT)
			fslot(u, sh->want[i] - W_SLOT, SF_JSONPUSH_STR, v[i],
			    len[i]);
		else if (sh->want[i] == W_QUAL)
			fqual(u, v[i], len[i]);
	}
	c->p = p;
	return F_OK;
}

/*
 * Hands the bytes of the features not read (a, then b) on to the
 * tokenizer, for good.
 */
static int
fast_done(struct sf_usgs *u, const char *a, size_t na, const char *b,
    size_t nb)
{
	int rc;

	sf_jsonpush_resume(u->jp, u->fastoff);
	u->fastoff = 0;
	u->mode = M_SLOW;
	rc = sf_jsonpush_feed(u->jp, a, na, u->err);
	if (rc == 0 && nb > 0)
		rc = sf_jsonpush_feed(u->jp, b, nb, u->err);
	sf_buf_reset(&u->carry);
	return rc;
}

/*
 * Reads the features of the len bytes at b, each after a ',' but the
 * first of the array; *used: the bytes read, through the last feature's
 * '}'. Returns F_NEED when the rest may be a feature yet to end, F_BAD
 * when it is something else (the array's end, another value, JSON out of
 * the subset), -1 when a feature fails (obs_feature).
 */
static int
fast_scan(struct sf_usgs *u, const char *b, size_t len, size_t *used)
{
	struct fcur c;
	const char *x = b, *f;
	long items;
	int r;

	for (;;) {
		c.p = x;
		c.e = b + len;
		if (u->nfast > 0) {
			if ((r = fpeek(&c)) != ',') {
				r = r == -1 ? F_NEED : F_BAD;
				break;
			}
			c.p++;
		}
		if ((r = fpeek(&c)) != '{') {
			r = r == -1 ? F_NEED : F_BAD;
			break;
		}
		items = u->st.items;
		item_begin(u, "feature");
		f = c.p;
		if ((u->shape.nrun == 0 || shape_read(u, &c) != F_OK) &&
		    (r = fobject(u, &c, 0)) != F_OK) {
			u->st.items = items;	/* the tokenizer counts it */
			u->what = NULL;
			break;
		}
		if (u->shape.nrun == 0 && u->shape.tries < SHAPE_TRIES)
			shape_learn(u, f, (size_t)(c.p - f));
		if (obs_feature(u) == -1)
			return -1;
		u->what = NULL;
		u->fastoff += c.p - x;
		u->nfast++;
		x = c.p;
	}
	*used = (size_t)(x - b);
	return r;
}

/*
 * FAST: the tokenizer stands after the features array's '[' and fastoff
 * more bytes, where carry begins: a feature cut by the end of the last
 * bytes, which the next complete, '}' by '}' (it is read again at each,
 * up to FAST_MAX bytes); the features of p are read where they lie, and
 * the start of the last one, cut, is kept in carry.
 */
static int
fast_feed(struct sf_usgs *u, const char *p, size_t n)
{
	const char *q;
	size_t k, used;
	int r;

	while (u->carry.len > 0 && n > 0) {
		q = memchr(p, '}', n);
		k = q != NULL ? (size_t)(q - p) + 1 : n;
		if (u->carry.len + k > FAST_MAX + 1)	/* too long: */
			k = FAST_MAX + 1 - u->carry.len;	/* handed on */
		sf_buf_add(&u->carry, p, k);
		p += k;
		n -= k;
		if (q == NULL && u->carry.len <= FAST_MAX)
			break;		/* a feature ends at a '}' */
		r = fast_scan(u, u->carry.buf, u->carry.len, &used);
		if (r == -1)
			return -1;
		u->tries = used > 0 ? 0 : u->tries + 1;
		if (r == F_BAD || u->carry.len - used > FAST_MAX ||
		    u->tries > FAST_TRIES)
			return fast_done(u, u->carry.buf + used,
			    u->carry.len - used, p, n);
		memmove(u->carry.buf, u->carry.buf + used,
		    u->carry.len - used);
		u->carry.len -= used;
		u->carry.buf[u->carry.len] = '\0';
	}
	if (n == 0)
		return 0;
	r = fast_scan(u, p, n, &used);
	if (r == -1)
		return -1;
	if (r == F_BAD || n - used > FAST_MAX)
		return fast_done(u, p + used, n - used, NULL, 0);
	sf_buf_add(&u->carry, p + used, n - used);
	u->tries = 0;
	return 0;
}

static int
json_feed(struct sf_usgs *u, const char *p, size_t n)
{
	const char *b;
	size_t i = 0, k;

	if (!u->started) {
		while (i < n && (p[i] == ' ' || p[i] == '\t' || p[i] == '\r' ||
		    p[i] == '\n'))
			i++;
		if (i == n)
			return 0;
		if (p[i] == '<')
			return sf_err_set(u->err, "an HTML page, not JSON");
		u->started = 1;
	}
	p += i;
	n -= i;
	if (u->fmt == SF_USGS_LOCATIONS)
		u->mode = M_SLOW;
	while (u->mode == M_WATCH && n > 0) {
		b = memchr(p, '[', n);
		k = b != NULL ? (size_t)(b - p) + 1 : n;
		if (sf_jsonpush_feed(u->jp, p, k, u->err) == -1)
			return -1;
		p += k;
		n -= k;
		if (u->feat_open)
			u->mode = M_FAST;
	}
	if (u->mode == M_FAST)
		return fast_feed(u, p, n);
	return n > 0 ? sf_jsonpush_feed(u->jp, p, n, u->err) : 0;
}

static int
json_end(struct sf_usgs *u)
{
	const char *what = "a FeatureCollection";

	if (!u->started)
		return sf_err_set(u->err, "an empty body, not JSON");
	if (u->mode == M_FAST &&
	    fast_done(u, u->carry.buf, u->carry.len, NULL, 0) == -1)
		return -1;
	if (sf_jsonpush_end(u->jp, u->err) == -1)
		return -1;
	if (u->saw_features)
		return 0;
	if (u->ecode.len > 0 || u->emsg.len > 0)
		return sf_err_set(u->err, "not %s: %s%s%s", what, u->ecode.buf,
		    u->ecode.len > 0 && u->emsg.len > 0 ? ": " : "",
		    u->emsg.buf);
	return sf_err_set(u->err, "not %s: no features array", what);
}

/*
 * RDB.
 */

/* Splits the line at tabs into u->fields; returns the number of fields. */
static int
split(struct sf_usgs *u, char *s)
{
	int n = 0;

	for (;;) {
		if (n == u->fcap) {
			u->fcap = u->fcap ? u->fcap * 2 : 32;
			u->fields = sf_realloc(u->fields,
			    (size_t)u->fcap * sizeof(char *));
		}
		u->fields[n++] = s;
		if ((s = strchr(s, '\t')) == NULL)
			break;
		*s++ = '\0';
	}
	return n;
}

/* Whether name is <digits>_00060 (iv) or <digits>_00060_00003 (dv). */
static int
is_flow_column(const char *name, int dv)
{
	const char *p = name;

	if (*p < '0' || *p > '9')
		return 0;
	while (*p >= '0' && *p <= '9')
		p++;
	return strcmp(p, dv ? "_00060_00003" : "_00060") == 0;
}

/* Whether the line starts with '<' or holds "<html", in any case. */
static int
is_html(const char *s)
{
	return s[strspn(s, " \t")] == '<' ||
	    find_ci(s, strlen(s), "<html") != NULL;
}

/* Whether s starts with prefix, ignoring ASCII case. */
static int
has_prefix_ci(const char *s, const char *prefix)
{
	for (; *prefix != '\0'; s++, prefix++) {
		int a = *s, b = *prefix;

		if (a >= 'A' && a <= 'Z')
			a += 'a' - 'A';
		if (b >= 'A' && b <= 'Z')
			b += 'a' - 'A';
		if (a != b)
			return 0;
	}
	return 1;
}

static int
rdb_header(struct sf_usgs *u, char *s)
{
	int i, n, dv = u->fmt == SF_USGS_RDB_DV;
	char *name;

	if (is_html(s))
		return failw(u, "an HTML page, not RDB");
	if (has_prefix_ci(s, "No sites") || has_prefix_ci(s, "No data")) {
		u->st.nodata = 1;
		u->rst = R_NODATA;
		return 0;
	}
	n = split(u, s);
	u->c_agency = u->c_site = u->c_dt = u->c_tz = u->c_val = -1;
	u->c_cd = u->c_name = u->c_lat = u->c_lon = u->c_alt = -1;
	u->c_huc = u->c_state = u->c_drain = u->c_dst = -1;
	for (i = 0; i < n; i++) {
		name = sf_str_trim(u->fields[i]);
		if (strcmp(name, "agency_cd") == 0)
			u->c_agency = i;
		else if (strcmp(name, "site_no") == 0)
			u->c_site = i;
		else if (strcmp(name, "datetime") == 0)
			u->c_dt = i;
		else if (strcmp(name, "tz_cd") == 0)
			u->c_tz = i;
		else if (strcmp(name, "station_nm") == 0)
			u->c_name = i;
		else if (strcmp(name, "dec_lat_va") == 0)
			u->c_lat = i;
		else if (strcmp(name, "dec_long_va") == 0)
			u->c_lon = i;
		else if (strcmp(name, "alt_va") == 0)
			u->c_alt = i;
		else if (strcmp(name, "huc_cd") == 0)
			u->c_huc = i;
		else if (strcmp(name, "state_cd") == 0)
			u->c_state = i;
		else if (strcmp(name, "drain_area_va") == 0)
			u->c_drain = i;
		else if (strcmp(name, "local_time_fg") == 0)
			u->c_dst = i;
		else if (u->c_val < 0 && is_flow_column(name, dv))
			u->c_val = i;
	}
	/* The qualifier column is the value column's name with _cd. */
	if (u->c_val >= 0) {
		size_t len = strlen(u->fields[u->c_val]);

		for (i = 0; i < n; i++) {
			if (strncmp(u->fields[i], u->fields[u->c_val], len) ==
			    0 && strcmp(u->fields[i] + len, "_cd") == 0)
				u->c_cd = i;
		}
	}
	if (u->c_site < 0)
		return failw(u, "not an RDB header (no site_no column): "
		    "'%.60s'", u->fields[0]);
	if (u->fmt != SF_USGS_RDB_SITE && u->c_dt < 0)
		return failw(u, "no datetime column");
	if (u->fmt == SF_USGS_RDB_IV && u->c_tz < 0)
		return failw(u, "no tz_cd column");
	u->ncols = n;
	u->rst = R_FORMAT;
	return 0;
}

/* Whether every field of the row is a format: digits and s, d or n. */
static int
rdb_format(struct sf_usgs *u, char *s)
{
	int i, n = split(u, s);
	const char *p;

	if (n != u->ncols)
		return failw(u, "not an RDB format row: %d fields, the header "
		    "has %d", n, u->ncols);
	for (i = 0; i < n; i++) {
		p = sf_str_trim(u->fields[i]);
		while (*p >= '0' && *p <= '9')
			p++;
		if (p == u->fields[i] || (*p != 's' && *p != 'd' &&
		    *p != 'n' && *p != 'S' && *p != 'D' && *p != 'N') ||
		    p[1] != '\0')
			return failw(u, "not an RDB format row: '%.40s'",
			    u->fields[i]);
	}
	u->rst = R_DATA;
	return 0;
}

/* A field of the row, trimmed, or "" when the column is absent. */
static char *
col(struct sf_usgs *u, int c)
{
	return c < 0 ? (char *)"" : sf_str_trim(u->fields[c]);
}

/* A field of the row, trimmed, or NULL when empty or absent. */
static char *
colv(struct sf_usgs *u, int c)
{
	char *s = col(u, c);

	return *s == '\0' ? NULL : s;
}

static int
rdb_obs(struct sf_usgs *u)
{
	const char *site = col(u, u->c_site), *agency = col(u, u->c_agency);
	const char *dt = col(u, u->c_dt), *v, *cd, *discharge = NULL;
	char at[SF_TIME_LEN], zone[8];
	struct sf_err e;
	int64_t t;
	int off;

	if (u->c_val < 0 || (*agency != '\0' && strcmp(agency, "USGS") != 0)) {
		u->st.skipped++;
		return 0;
	}
	if (*site == '\0')
		return failw(u, "no site_no");
	if (u->fmt == SF_USGS_RDB_DV) {
		if (day_at(u, dt, at) == -1)
			return -1;
	} else {
		const char *tz = col(u, u->c_tz);

		if (sf_usgs_zone(tz, &off, &e) == -1)
			return failw(u, "tz_cd: %s", e.msg);
		fmt_offset(off, zone);
		if (sf_time_parse_local(dt, zone, &t, &e) == -1)
			return failw(u, "%s", e.msg);
		sf_time_format(t, at);
	}
	v = col(u, u->c_val);
	cd = col(u, u->c_cd);
	sf_buf_reset(&u->qbuf);
	quality_add(u, cd);
	if (*v == '\0') {
		if (*cd == '\0') {
			u->st.skipped++;
			return 0;
		}
	} else if (is_num(v)) {
		if (!is_nwis_missing(v))
			discharge = v;
	} else {
		quality_add(u, v);
	}
	return put_obs(u, site, at, discharge);
}

static int
rdb_site(struct sf_usgs *u)
{
	const char *agency = col(u, u->c_agency);
	const char *f[SF_ST_NFIELDS] = { NULL };
	char off[8];

	if (*agency != '\0' && strcmp(agency, "USGS") != 0) {
		u->st.skipped++;
		return 0;
	}
	if ((f[SF_ST_STATION] = colv(u, u->c_site)) == NULL)
		return failw(u, "no site_no");
	f[SF_ST_NAME] = colv(u, u->c_name);
	f[SF_ST_LATITUDE] = colv(u, u->c_lat);
	f[SF_ST_LONGITUDE] = colv(u, u->c_lon);
	f[SF_ST_STATE] = state_of(colv(u, u->c_state));
	f[SF_ST_HUC_CODE] = colv(u, u->c_huc);
	f[SF_ST_DRAINAGE_AREA_SQMI] = colv(u, u->c_drain);
	f[SF_ST_ALTITUDE_FT] = colv(u, u->c_alt);
	f[SF_ST_UTC_OFFSET] = zone_offset(colv(u, u->c_tz), off);
	f[SF_ST_USES_DST] = yes_no(colv(u, u->c_dst));
	return put_station(u, f);
}

static int
rdb_line(struct sf_usgs *u, char *s, size_t len)
{
	int n;

	u->lineno++;
	u->what = "line";
	u->num = u->lineno;
	if (len > 0 && s[len - 1] == '\r')
		s[--len] = '\0';
	if (u->rst == R_NODATA)
		return 0;
	if (s[0] == '#') {
		if (u->rst == R_FORMAT)
			return failw(u, "a comment where the format row should "
			    "be");
		u->rst = R_HEAD;
		return 0;
	}
	if (s[strspn(s, " \t")] == '\0')
		return 0;
	if (u->rst == R_HEAD || (u->rst == R_DATA &&
	    strncmp(s, "agency_cd\t", 10) == 0))
		return rdb_header(u, s);
	if (u->rst == R_FORMAT)
		return rdb_format(u, s);
	n = split(u, s);
	if (n != u->ncols)
		return failw(u, "%d fields, the header has %d", n, u->ncols);
	u->st.items++;
	return u->fmt == SF_USGS_RDB_SITE ? rdb_site(u) : rdb_obs(u);
}

static int
rdb_feed(struct sf_usgs *u, const char *p, size_t n)
{
	const char *nl, *e = p + n;
	size_t k;

	while (p < e) {
		nl = memchr(p, '\n', (size_t)(e - p));
		k = nl ? (size_t)(nl - p) : (size_t)(e - p);
		if (u->line.len + k > SF_USGS_MAXLINE) {
			u->what = "line";
			u->num = u->lineno + 1;
			return failw(u, "longer than %d bytes",
			    SF_USGS_MAXLINE);
		}
		if (memchr(p, '\0', k) != NULL) {
			u->what = "line";
			u->num = u->lineno + 1;
			return failw(u, "a NUL byte");
		}
		sf_buf_add(&u->line, p, k);
		if (nl == NULL)
			break;
		if (rdb_line(u, u->line.buf, u->line.len) == -1)
			return -1;
		sf_buf_reset(&u->line);
		p = nl + 1;
	}
	return 0;
}

static int
rdb_end(struct sf_usgs *u)
{
	if (u->line.len > 0) {
		if (rdb_line(u, u->line.buf, u->line.len) == -1)
			return -1;
		sf_buf_reset(&u->line);
	}
	if (u->rst == R_FORMAT)
		return failw(u, "the body ends before the format row");
	return 0;
}

/*
 * The calls.
 */

int
sf_usgs_feed(struct sf_usgs *u, const void *p, size_t n, struct sf_err *err)
{
	int rc;

	if (u->failed)
		return sf_err_set(err, "%s", u->fail.msg);
	u->err = err;
	rc = is_json(u->fmt) ? json_feed(u, (const char *)p, n) :
	    rdb_feed(u, (const char *)p, n);
	if (rc == -1) {
		u->failed = 1;
		sf_err_set(&u->fail, "%s", err ? err->msg : "failed");
	}
	u->err = NULL;
	return rc;
}

int
sf_usgs_end(struct sf_usgs *u, struct sf_err *err)
{
	int rc;

	if (u->failed)
		return sf_err_set(err, "%s", u->fail.msg);
	u->err = err;
	u->what = NULL;
	rc = is_json(u->fmt) ? json_end(u) : rdb_end(u);
	if (rc == -1) {
		u->failed = 1;
		sf_err_set(&u->fail, "%s", err ? err->msg : "failed");
	} else
		u->ended = 1;
	u->err = NULL;
	return rc;
}

/*
 * Error bodies.
 */

struct emsg {
	struct sf_jsonpush *jp;
	int in_error;		/* inside the top-level "error" object */
	int want;		/* 1 code, 2 description or message */
	struct sf_buf code, msg;
};

static int
emsg_cb(void *arg, enum sf_jsonpush_ev ev, const char *s, size_t len)
{
	struct emsg *m = arg;
	int d = sf_jsonpush_depth(m->jp), want = m->want;

	m->want = 0;
	switch (ev) {
	case SF_JSONPUSH_BEGIN_OBJ:
		if (d == 2 && want == 3) {
			m->in_error = 1;
			return 0;
		}
		return d == 1 ? 0 : SF_JSONPUSH_SKIP;
	case SF_JSONPUSH_BEGIN_ARR:
		return SF_JSONPUSH_SKIP;
	case SF_JSONPUSH_END_OBJ:
		m->in_error = 0;
		return 0;
	case SF_JSONPUSH_KEY:
		if (d == 1 && strcmp(s, "error") == 0)
			m->want = 3;
		else if ((d == 1 || m->in_error) && strcmp(s, "code") == 0)
			m->want = 1;
		else if ((d == 1 && strcmp(s, "description") == 0) ||
		    ((d == 1 || m->in_error) && strcmp(s, "message") == 0))
			m->want = 2;
		return m->want ? 0 : SF_JSONPUSH_SKIP;
	case SF_JSONPUSH_STR:
	case SF_JSONPUSH_NUM:
		if (want == 1)
			set_buf(&m->code, s, len);
		else if (want == 2 && (m->msg.len == 0 || m->in_error))
			set_buf(&m->msg, s, len);
		return 0;
	default:
		return 0;
	}
}

/* Copies n bytes of s into buf, controls as spaces, trimmed, cut. */
static char *
clean_copy(char *buf, size_t len, const char *s, size_t n)
{
	size_t i, k = 0;

	if (len == 0)
		return buf;
	while (n > 0 && (unsigned char)*s <= ' ') {
		s++;
		n--;
	}
	while (n > 0 && (unsigned char)s[n - 1] <= ' ')
		n--;
	for (i = 0; i < n && k + 1 < len; i++) {
		unsigned char c = (unsigned char)s[i];

		buf[k++] = c < 0x20 || c == 0x7f ? ' ' : (char)c;
	}
	buf[k] = '\0';
	if (i < n && len > 4)
		memcpy(buf + len - 4, "...", 4);
	return buf;
}

char *
sf_usgs_error_message(const void *body, size_t n, char *buf, size_t len)
{
	const char *s = body, *t, *e;
	struct emsg m;
	size_t i = 0;

	if (len == 0)
		return buf;
	buf[0] = '\0';
	while (i < n && (unsigned char)s[i] <= ' ')
		i++;
	if (i < n && s[i] == '{') {
		memset(&m, 0, sizeof(m));
		sf_buf_init(&m.code);
		sf_buf_init(&m.msg);
		m.jp = sf_jsonpush_new(emsg_cb, &m);
		if (sf_jsonpush_feed(m.jp, s, n, NULL) == 0)
			sf_jsonpush_end(m.jp, NULL);
		sf_jsonpush_free(m.jp);
		if (m.code.len > 0 || m.msg.len > 0) {
			struct sf_buf b = SF_BUF_INIT;

			sf_buf_adds(&b, m.code.buf);
			if (m.code.len > 0 && m.msg.len > 0)
				sf_buf_adds(&b, ": ");
			sf_buf_adds(&b, m.msg.buf);
			clean_copy(buf, len, b.buf, b.len);
			sf_buf_release(&b);
		}
		sf_buf_release(&m.code);
		sf_buf_release(&m.msg);
		if (buf[0] != '\0')
			return buf;
	}
	if (i < n && (s[i] == '<' || find_ci(s, n, "<html") != NULL)) {
		if ((t = find_ci(s, n, "<title>")) != NULL) {
			t += 7;
			e = find_ci(t, n - (size_t)(t - s), "</title>");
			clean_copy(buf, len, t, e ? (size_t)(e - t) :
			    n - (size_t)(t - s));
		}
		if (buf[0] == '\0')
			clean_copy(buf, len, "an HTML page", 12);
		return buf;
	}
	s += i;
	n -= i;
	e = memchr(s, '\n', n);
	return clean_copy(buf, len, s, e ? (size_t)(e - s) : n);
}
