/*
 * sf_fetchstore: the engine's row store (see sf_fetchrun.h).
 *
 * Why compact: a window of a batch of 440 stations holds up to a few hundred
 * thousand rows until its last page is in, and -j windows run at once. As
 * sf_rec strings (eight fields, most repeating) a row costs a few hundred
 * bytes; packed it costs 32: the time as seconds, the value as a decimal
 * (digits and a scale), the station as an index into the job's list, and the
 * fields that repeat (config, agency, type, unit, quality_code) as an index
 * into a small table of their combinations. A value or time whose text the
 * packed form would not give back exactly keeps its text aside, so that what
 * is written is what the agency said.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sf_fetchrun.h"
#include "sf_mem.h"
#include "sf_rec.h"
#include "sf_time.h"

#define OTHER	UINT32_MAX	/* st of a record of another kind */
#define TUPLE_N	5		/* config, agency, type, unit, quality */
#define RECENT	4		/* tuples compared before the hash */

static const int tuple_f[TUPLE_N] = { SF_OBS_CONFIG, SF_OBS_AGENCY,
    SF_OBS_TYPE, SF_OBS_UNIT, SF_OBS_QUALITY_CODE };

/* Flags at the head of a row's text. */
#define TX_VALUE	1	/* the value's text follows */
#define TX_NULL		2	/* the value is null */
#define TX_TIME		4	/* the time's text follows */

/*
 * The value is a decimal: digits v and the number of them after the
 * point, so that "1.50" comes back "1.50" without a printf (a double
 * would need one, and would lose the trailing zero).
 */
struct row {
	int64_t t;
	int64_t v;		/* the digits, signed */
	uint32_t st;		/* station index, or OTHER */
	uint32_t tup : 24;	/* obs: the tuple's index */
	uint32_t scale : 8;	/* digits of v after the point */
	uint32_t txt;		/* 0, or offset of its text */
	uint32_t seq;		/* arrival, for a stable sort */
};

#define TUPLES_MAX	(1u << 24)
#define DIGITS_MAX	18	/* an int64 holds any 18 digits */

struct sf_fetch_store {
	const char *const *ids;
	size_t nids;
	size_t *byid;		/* station indexes sorted by id */
	struct row *rows;
	size_t nrows, cap;
	size_t sealed;		/* rows before this are sealed */
	size_t tmark;		/* text length at the last seal */
	struct sf_buf text;	/* rows' texts, other kinds' records */
	struct sf_buf tups;	/* tuples: packed fields, one after another */
	uint32_t *toff;		/* tuple index -> offset in tups */
	size_t ntups, captups;
	uint32_t *hash;		/* open addressing: 1 + tuple index, 0 free */
	size_t hcap;
	struct sf_buf key;	/* scratch */
	size_t last;		/* the station of the last row */
	char tlast[SF_TIME_LEN + 8];	/* the last observed_at read */
	int64_t tlast_t;
	int tlast_flag;		/* its TX_TIME, or -1: none yet */
	/*
	 * The tuples of the last rows, the latest first: a page's rows take
	 * turns among a few (approved, provisional), and comparing a row's
	 * fields with them costs less than packing and hashing its key.
	 */
	uint32_t recent[RECENT];
	int nrecent;
	struct tcache *tc;	/* times formatted, for the walk */
	/* sf_fetch_store_walk_lines: */
	struct tpl *tpl;	/* per tuple, its line */
	size_t ntpl, captpl;
	struct sf_buf tpltext;
	size_t *idoff;		/* station i: its id as JSON */
	struct sf_buf idtext;
	int ids_done;		/* idoff is for ids */
	struct sf_buf line;
};

/*
 * An obs line of a tuple, from sf_writer_template: the station, the
 * time and the value go at offsets st, at and v of its len bytes, at off
 * in tpltext; len 0: none (the writer refused the tuple: its rows take
 * the slow way, which says why).
 */
struct tpl {
	uint32_t off, len, st, at, v;
};

/*
 * A page holds few distinct times (153 days of daily means) over many
 * rows: the walk formats each once.
 */
#define TCACHE_BITS	9
#define TCACHE_N	(1 << TCACHE_BITS)
struct tcache {
	int64_t t;
	char s[SF_TIME_LEN];
};

static const struct sf_fetch_store *sort_store;

static int
byid_cmp(const void *a, const void *b)
{
	const size_t *x = a, *y = b;

	return strcmp(sort_store->ids[*x], sort_store->ids[*y]);
}

struct sf_fetch_store *
sf_fetch_store_new(const char *const *ids, size_t n)
{
	struct sf_fetch_store *s = sf_calloc(1, sizeof(*s));
	size_t i;

	s->ids = ids;
	s->nids = n;
	s->byid = sf_calloc(n + 1, sizeof(*s->byid));
	for (i = 0; i < n; i++)
		s->byid[i] = i;
	sort_store = s;
	qsort(s->byid, n, sizeof(*s->byid), byid_cmp);
	sf_buf_init(&s->text);
	sf_buf_init(&s->tups);
	sf_buf_init(&s->key);
	sf_buf_init(&s->tpltext);
	sf_buf_init(&s->idtext);
	sf_buf_init(&s->line);
	s->tlast_flag = -1;
	return s;
}

void
sf_fetch_store_retarget(struct sf_fetch_store *s, const char *const *ids,
    size_t n)
{
	size_t i;

	s->ids = ids;
	s->nids = n;
	s->byid = sf_realloc(s->byid, (n + 1) * sizeof(*s->byid));
	for (i = 0; i < n; i++)
		s->byid[i] = i;
	sort_store = s;
	qsort(s->byid, n, sizeof(*s->byid), byid_cmp);
	s->ntups = 0;
	s->ntpl = 0;
	sf_buf_reset(&s->tpltext);
	s->ids_done = 0;
	sf_buf_reset(&s->tups);
	s->nrecent = 0;
	s->last = 0;
	if (s->hash != NULL)
		memset(s->hash, 0, s->hcap * sizeof(*s->hash));
	sf_fetch_store_reset(s);
}

void
sf_fetch_store_free(struct sf_fetch_store *s)
{
	if (s == NULL)
		return;
	free(s->byid);
	free(s->rows);
	free(s->toff);
	free(s->hash);
	sf_buf_release(&s->text);
	sf_buf_release(&s->tups);
	sf_buf_release(&s->key);
	free(s->tc);
	free(s->tpl);
	sf_buf_release(&s->tpltext);
	free(s->idoff);
	sf_buf_release(&s->idtext);
	sf_buf_release(&s->line);
	free(s);
}

void
sf_fetch_store_reset(struct sf_fetch_store *s)
{
	s->nrows = s->sealed = 0;
	s->tmark = 0;
	sf_buf_reset(&s->text);
	/* a text offset of 0 means none: keep offset 0 taken */
	sf_buf_addc(&s->text, 0);
}

/*
 * The index of station id, or -1. A page sorted by time names the
 * stations in turn: the last one's, or the next, is tried first.
 */
static long
station_index(struct sf_fetch_store *s, const char *id)
{
	size_t lo = 0, hi = s->nids, mid;
	int c;

	if (s->last < s->nids && strcmp(id, s->ids[s->last]) == 0)
		return (long)s->last;
	if (s->last + 1 < s->nids && strcmp(id, s->ids[s->last + 1]) == 0)
		return (long)++s->last;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		c = strcmp(id, s->ids[s->byid[mid]]);
		if (c == 0)
			return (long)(s->last = s->byid[mid]);
		if (c < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return -1;
}

/* Appends field f to b: '0' for null, or '1', its bytes and a NUL. */
static void
put_field(struct sf_buf *b, const char *f)
{
	if (f == NULL) {
		sf_buf_addc(b, '0');
		return;
	}
	sf_buf_addc(b, '1');
	sf_buf_add(b, f, strlen(f) + 1);
}

/* Reads a field put_field wrote at *p, moving *p past it. */
static const char *
get_field(const char **p)
{
	const char *f;

	if (*(*p)++ == '0')
		return NULL;
	f = *p;
	*p += strlen(f) + 1;
	return f;
}

static uint32_t
hash_bytes(const char *p, size_t n)
{
	uint32_t h = 2166136261u;

	while (n-- > 0)
		h = (h ^ (unsigned char)*p++) * 16777619u;
	return h;
}

/* The length of the packed tuple at p. */
static size_t
tuple_len(const char *p)
{
	const char *q = p;
	int i;

	for (i = 0; i < TUPLE_N; i++)
		(void)get_field(&q);
	return (size_t)(q - p);
}

static void
rehash(struct sf_fetch_store *s)
{
	size_t i, k, n = s->hcap ? s->hcap * 2 : 64;
	const char *p;

	free(s->hash);
	s->hash = sf_calloc(n, sizeof(*s->hash));
	s->hcap = n;
	for (i = 0; i < s->ntups; i++) {
		p = s->tups.buf + s->toff[i];
		k = hash_bytes(p, tuple_len(p)) & (n - 1);
		while (s->hash[k] != 0)
			k = (k + 1) & (n - 1);
		s->hash[k] = (uint32_t)i + 1;
	}
}

/* The index of the tuple packed in s->key, added when new. */
static uint32_t
tuple_index(struct sf_fetch_store *s)
{
	const char *k = s->key.buf, *p;
	size_t n = s->key.len, h;
	uint32_t i;

	if (2 * (s->ntups + 1) > s->hcap)
		rehash(s);
	h = hash_bytes(k, n) & (s->hcap - 1);
	while ((i = s->hash[h]) != 0) {
		p = s->tups.buf + s->toff[i - 1];
		if (tuple_len(p) == n && memcmp(p, k, n) == 0)
			return i - 1;
		h = (h + 1) & (s->hcap - 1);
	}
	if (s->ntups == s->captups) {
		s->captups = s->captups ? 2 * s->captups : 16;
		s->toff = sf_realloc(s->toff, s->captups * sizeof(*s->toff));
	}
	s->toff[s->ntups] = (uint32_t)s->tups.len;
	sf_buf_add(&s->tups, k, n);
	s->hash[h] = (uint32_t)s->ntups + 1;
	return (uint32_t)s->ntups++;
}

static struct row *
new_row(struct sf_fetch_store *s)
{
	struct row *r;

	if (s->nrows == s->cap) {
		s->cap = s->cap ? s->cap + s->cap / 2 : 1024;
		s->rows = sf_realloc(s->rows, s->cap * sizeof(*s->rows));
	}
	r = &s->rows[s->nrows];
	memset(r, 0, sizeof(*r));
	r->seq = (uint32_t)s->nrows++;
	return r;
}

/*
 * Reads d, a plain decimal ("-12.30": no exponent, no plus, no leading
 * zero but one before the point, 18 digits at most), into *v and *scale.
 * Returns 1, or 0 when d is not one (its text is kept instead).
 */
static int
decimal(const char *d, int64_t *v, int *scale)
{
	const char *p = d;
	int64_t n = 0;
	int digits = 0, neg = 0, point = -1;

	if (*p == '-') {
		neg = 1;
		p++;
	}
	if (*p == '0' && p[1] >= '0' && p[1] <= '9')
		return 0;
	for (; *p != '\0'; p++) {
		if (*p == '.' && point < 0 && digits > 0) {
			point = digits;
			continue;
		}
		if (*p < '0' || *p > '9' || ++digits > DIGITS_MAX)
			return 0;
		n = n * 10 + (*p - '0');
	}
	if (digits == 0 || point == digits || (neg && n == 0))
		return 0;	/* "", "1.", "-0": keep the text */
	*v = neg ? -n : n;
	*scale = point < 0 ? 0 : digits - point;
	return 1;
}

/* "00" to "99": two digits at a step */
static const char digit_pairs[] =
	    "0001020304050607080910111213141516171819"
	    "2021222324252627282930313233343536373839"
	    "4041424344454647484950515253545556575859"
	    "6061626364656667686970717273747576777879"
	    "8081828384858687888990919293949596979899";

/*
 * Writes the decimal v, scale into buf (at least 24 bytes); returns its
 * length.
 */
static size_t
format_decimal(int64_t v, int scale, char *buf)
{
	char tmp[24], *end = tmp + sizeof(tmp), *q = end;
	uint64_t n = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
	size_t k, i = 0;

	for (; n >= 100; n /= 100)
		memcpy(q -= 2, digit_pairs + 2 * (n % 100), 2);
	if (n >= 10)
		memcpy(q -= 2, digit_pairs + 2 * n, 2);
	else
		*--q = (char)('0' + n);
	while (end - q <= scale)	/* "0.05", never ".05" */
		*--q = '0';
	k = (size_t)(end - q) - (size_t)scale;
	if (v < 0)
		buf[i++] = '-';
	memcpy(buf + i, q, k);
	i += k;
	if (scale > 0) {
		buf[i++] = '.';
		memcpy(buf + i, q + k, (size_t)scale);
		i += (size_t)scale;
	}
	buf[i] = '\0';
	return i;
}

/* Whether the tuple packed at p holds rec's fields. */
static int
tuple_is(const char *p, const struct sf_rec *rec)
{
	const char *f;
	int i;

	for (i = 0; i < TUPLE_N; i++) {
		if ((f = rec->f[tuple_f[i]]) == NULL) {
			if (*p++ != '0')
				return 0;
			continue;
		}
		if (*p++ != '1')
			return 0;
		for (; *f != '\0' && *f == *p; f++)
			p++;
		if (*p++ != *f)
			return 0;
	}
	return 1;
}

/*
 * The index of rec's tuple, found among the recent ones or by its packed
 * key (added when new); it becomes the latest.
 */
static uint32_t
rec_tuple(struct sf_fetch_store *s, const struct sf_rec *rec)
{
	uint32_t tup;
	int i, k;

	for (k = 0; k < s->nrecent; k++)
		if (tuple_is(s->tups.buf + s->toff[s->recent[k]], rec))
			break;
	if (k < s->nrecent)
		tup = s->recent[k];
	else {
		sf_buf_reset(&s->key);
		for (i = 0; i < TUPLE_N; i++)
			put_field(&s->key, rec->f[tuple_f[i]]);
		tup = tuple_index(s);
		if (s->nrecent < RECENT)
			s->nrecent++;
		k = s->nrecent - 1;
	}
	for (; k > 0; k--)
		s->recent[k] = s->recent[k - 1];
	s->recent[0] = tup;
	return tup;
}

static int
add_obs(struct sf_fetch_store *s, const struct sf_rec *rec, long st,
    struct sf_err *err)
{
	const char *at = rec->f[SF_OBS_OBSERVED_AT];
	const char *d = rec->f[SF_OBS_DISCHARGE];
	char canon[SF_TIME_LEN];
	struct sf_err e;
	struct row *r;
	int64_t t, v = 0;
	int flags = 0, scale = 0;
	uint32_t tup;

	if (at == NULL)
		return sf_err_set(err, "station '%s': a row without a time",
		    rec->f[SF_OBS_STATION]);
	if (s->tlast_flag >= 0 && strcmp(at, s->tlast) == 0) {
		t = s->tlast_t;		/* most rows repeat the last time */
		flags |= s->tlast_flag;
	} else {
		if (sf_time_parse(at, &t, &e) == -1)
			return sf_err_set(err, "station '%s': observed_at: %s",
			    rec->f[SF_OBS_STATION], e.msg);
		sf_time_format(t, canon);
		if (strcmp(canon, at) != 0)
			flags |= TX_TIME;
		if (strlen(at) < sizeof(s->tlast)) {
			memcpy(s->tlast, at, strlen(at) + 1);
			s->tlast_t = t;
			s->tlast_flag = flags & TX_TIME;
		} else
			s->tlast_flag = -1;
	}
	if (d == NULL)
		flags |= TX_NULL;
	else if (!decimal(d, &v, &scale))
		flags |= TX_VALUE;
	if (s->text.len > UINT32_MAX / 2 || s->nrows >= UINT32_MAX / 2 ||
	    s->tups.len > UINT32_MAX / 2 || s->ntups >= TUPLES_MAX - 1)
		return sf_err_set(err, "more rows than a window may hold");
	tup = rec_tuple(s, rec);
	r = new_row(s);
	r->t = t;
	r->v = v;
	r->scale = (uint32_t)scale;
	r->st = (uint32_t)st;
	r->tup = tup;
	if (flags != 0) {
		r->txt = (uint32_t)s->text.len;
		sf_buf_addc(&s->text, flags);
		if (flags & TX_VALUE)
			sf_buf_add(&s->text, d, strlen(d) + 1);
		if (flags & TX_TIME)
			sf_buf_add(&s->text, at, strlen(at) + 1);
	}
	return 0;
}

int
sf_fetch_store_add(struct sf_fetch_store *s, const struct sf_rec *rec,
    struct sf_err *err)
{
	const struct sf_kind_info *ki;
	struct row *r;
	long st;
	int i;

	if (s->text.len == 0)
		sf_buf_addc(&s->text, 0);
	if (rec->kind == SF_KIND_OBS) {
		if (rec->f[SF_OBS_STATION] == NULL ||
		    (st = station_index(s, rec->f[SF_OBS_STATION])) < 0)
			return 1;
		return add_obs(s, rec, st, err);
	}
	if (s->text.len > UINT32_MAX / 2 || s->nrows >= UINT32_MAX / 2)
		return sf_err_set(err, "more rows than a window may hold");
	ki = sf_kind_info(rec->kind);
	r = new_row(s);
	r->st = OTHER;
	r->txt = (uint32_t)s->text.len;
	sf_buf_addc(&s->text, (int)rec->kind);
	for (i = 0; i < ki->nfields; i++)
		put_field(&s->text, rec->f[i]);
	return 0;
}

static int
row_cmp(const void *a, const void *b)
{
	const struct row *x = a, *y = b;

	if (x->st != y->st)
		return x->st < y->st ? -1 : 1;
	if (x->st != OTHER && x->t != y->t)
		return x->t < y->t ? -1 : 1;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

/*
 * Sorts the n rows at r as row_cmp does. A page sorted by time (the
 * usual answer) holds each station's rows in time order already, so a
 * counting sort by station (stable: arrival order within a station) does
 * nearly all of it in two passes; a station whose rows are not in time
 * order after it is sorted on its own. OTHER rows (st UINT32_MAX) come
 * last, in arrival order.
 */
static void
sort_rows(struct sf_fetch_store *s, struct row *r, size_t n)
{
	size_t *at = sf_calloc(s->nids + 2, sizeof(*at));
	struct row *tmp = sf_calloc(n, sizeof(*tmp));
	size_t i, k, b, st, sum = 0;

	for (i = 0; i < n; i++)
		at[r[i].st == OTHER ? s->nids : r[i].st]++;
	for (k = 0; k <= s->nids; k++) {
		b = at[k];
		at[k] = sum;
		sum += b;
	}
	at[s->nids + 1] = sum;
	for (i = 0; i < n; i++) {
		st = r[i].st == OTHER ? s->nids : r[i].st;
		tmp[at[st]++] = r[i];
	}
	memcpy(r, tmp, n * sizeof(*r));
	free(tmp);
	/* at[k] is now where station k's rows end */
	for (k = 0, b = 0; k < s->nids; b = at[k++]) {
		for (i = b + 1; i < at[k]; i++)
			if (r[i - 1].t > r[i].t)
				break;
		if (i < at[k])
			qsort(r + b, at[k] - b, sizeof(*r), row_cmp);
	}
	free(at);
}

void
sf_fetch_store_seal(struct sf_fetch_store *s)
{
	size_t i, n = s->nrows - s->sealed;
	int sorted = 1;

	for (i = s->sealed + 1; i < s->nrows && sorted; i++)
		sorted = row_cmp(&s->rows[i - 1], &s->rows[i]) < 0;
	if (!sorted)
		sort_rows(s, s->rows + s->sealed, n);
	s->sealed = s->nrows;
	s->tmark = s->text.len;
}

void
sf_fetch_store_sort(struct sf_fetch_store *s)
{
	size_t i;

	/* most windows are one page, sorted by its seal already */
	for (i = 1; i < s->sealed; i++)
		if (row_cmp(&s->rows[i - 1], &s->rows[i]) > 0)
			break;
	if (i < s->sealed)
		qsort(s->rows, s->sealed, sizeof(*s->rows), row_cmp);
}

void
sf_fetch_store_rollback(struct sf_fetch_store *s)
{
	s->nrows = s->sealed;
	if (s->text.len > s->tmark)
		s->text.len = s->tmark;
}

size_t
sf_fetch_store_rows(const struct sf_fetch_store *s)
{
	return s->nrows;
}

size_t
sf_fetch_store_mem(const struct sf_fetch_store *s)
{
	return sizeof(*s) + s->cap * sizeof(*s->rows) + s->text.cap +
	    s->captpl * sizeof(*s->tpl) + s->tpltext.cap + s->idtext.cap +
	    (s->idoff != NULL ? (s->nids + 1) * sizeof(*s->idoff) : 0) +
	    s->line.cap +
	    s->tups.cap + s->captups * sizeof(*s->toff) +
	    s->hcap * sizeof(*s->hash) + s->key.cap +
	    (s->tc != NULL ? TCACHE_N * sizeof(*s->tc) : 0) +
	    (s->nids + 1) * sizeof(*s->byid);
}

/* t as sf_time_format writes it, from the cache when it is there. */
static const char *
time_text(const struct sf_fetch_store *s, int64_t t, char buf[SF_TIME_LEN])
{
	struct tcache *c;

	if (s->tc == NULL) {
		sf_time_format(t, buf);
		return buf;
	}
	/* hashed: the days of daily means, t / 60 a multiple of 1440, would
	 * share 16 of 512 slots */
	c = &s->tc[(uint64_t)t * 0x9e3779b97f4a7c15ull >> (64 - TCACHE_BITS)];
	if (c->s[0] == '\0' || c->t != t) {
		c->t = t;
		sf_time_format(t, c->s);
	}
	return c->s;
}

/* Makes rec the obs row r; t and v are its buffers. */
static void
obs_of(const struct sf_fetch_store *s, const struct row *r,
    struct sf_rec *rec, char t[SF_TIME_LEN], char v[40])
{
	const char *p = s->tups.buf + s->toff[r->tup], *q;
	int flags = 0;

	sf_rec_clear(rec, SF_KIND_OBS);
	rec->f[SF_OBS_CONFIG] = get_field(&p);
	rec->f[SF_OBS_AGENCY] = get_field(&p);
	rec->f[SF_OBS_TYPE] = get_field(&p);
	rec->f[SF_OBS_UNIT] = get_field(&p);
	rec->f[SF_OBS_QUALITY_CODE] = get_field(&p);
	rec->f[SF_OBS_STATION] = s->ids[r->st];
	q = s->text.buf + r->txt;
	if (r->txt != 0)
		flags = (unsigned char)*q++;
	if (flags & TX_VALUE) {
		rec->f[SF_OBS_DISCHARGE] = q;
		q += strlen(q) + 1;
	} else if (!(flags & TX_NULL)) {
		format_decimal(r->v, (int)r->scale, v);
		rec->f[SF_OBS_DISCHARGE] = v;
	}
	if (flags & TX_TIME)
		rec->f[SF_OBS_OBSERVED_AT] = q;
	else
		rec->f[SF_OBS_OBSERVED_AT] = time_text(s, r->t, t);
}

int
sf_fetch_store_walk(struct sf_fetch_store *s,
    int (*put)(void *arg, const struct sf_rec *rec, long st, int64_t t),
    void *arg)
{
	const struct sf_kind_info *ki;
	const struct row *r;
	struct sf_rec rec;
	char t[SF_TIME_LEN], v[40];
	const char *p;
	size_t i;
	int k, rc;

	if (s->tc == NULL)
		s->tc = sf_calloc(TCACHE_N, sizeof(*s->tc));
	for (i = 0; i < s->sealed; i++) {
		r = &s->rows[i];
		if (r->st != OTHER) {
			obs_of(s, r, &rec, t, v);
			rc = put(arg, &rec, (long)r->st, r->t);
		} else {
			p = s->text.buf + r->txt;
			sf_rec_clear(&rec, (enum sf_kind)*p++);
			ki = sf_kind_info(rec.kind);
			for (k = 0; k < ki->nfields; k++)
				rec.f[k] = get_field(&p);
			rc = put(arg, &rec, -1, 0);
		}
		if (rc != 0)
			return rc;
	}
	return 0;
}

/* The stations' ids as JSON strings, once per set of stations. */
static void
ids_json(struct sf_fetch_store *s)
{
	size_t i;

	if (s->ids_done)
		return;
	free(s->idoff);
	s->idoff = sf_calloc(s->nids + 1, sizeof(*s->idoff));
	sf_buf_reset(&s->idtext);
	for (i = 0; i < s->nids; i++) {
		s->idoff[i] = s->idtext.len;
		sf_buf_add_json_str(&s->idtext, s->ids[i]);
	}
	s->idoff[s->nids] = s->idtext.len;
	s->ids_done = 1;
}

/* The lines of the tuples added since the last call. */
static void
templates(struct sf_fetch_store *s)
{
	const char *p;
	struct sf_buf b = SF_BUF_INIT;
	size_t off[SF_OBS_NFIELDS];
	struct sf_rec rec;
	struct sf_err err;
	struct tpl *t;

	if (s->ntpl == s->ntups)
		return;
	if (s->captpl < s->ntups) {
		s->captpl = s->ntups;
		s->tpl = sf_realloc(s->tpl, s->captpl * sizeof(*s->tpl));
	}
	for (; s->ntpl < s->ntups; s->ntpl++) {
		t = &s->tpl[s->ntpl];
		memset(t, 0, sizeof(*t));
		p = s->tups.buf + s->toff[s->ntpl];
		sf_rec_clear(&rec, SF_KIND_OBS);
		rec.f[SF_OBS_CONFIG] = get_field(&p);
		rec.f[SF_OBS_AGENCY] = get_field(&p);
		rec.f[SF_OBS_TYPE] = get_field(&p);
		rec.f[SF_OBS_UNIT] = get_field(&p);
		rec.f[SF_OBS_QUALITY_CODE] = get_field(&p);
		if (sf_writer_template(&rec, 1u << SF_OBS_STATION |
		    1u << SF_OBS_OBSERVED_AT | 1u << SF_OBS_DISCHARGE, &b, off,
		    &err) == -1 || s->tpltext.len + b.len > UINT32_MAX / 2)
			continue;
		t->off = (uint32_t)s->tpltext.len;
		t->len = (uint32_t)b.len;
		t->st = (uint32_t)off[SF_OBS_STATION];
		t->at = (uint32_t)off[SF_OBS_OBSERVED_AT];
		t->v = (uint32_t)off[SF_OBS_DISCHARGE];
		sf_buf_add(&s->tpltext, b.buf, b.len);
	}
	sf_buf_release(&b);
}

/*
 * Row r's NDJSON line into s->line, as sf_writer_put would write it;
 * returns 0, or -1 when the row is not for this way (a text kept aside,
 * a tuple without its line).
 */
static int
obs_line(struct sf_fetch_store *s, const struct row *r)
{
	const struct tpl *tp = &s->tpl[r->tup];
	const char *tx, *at, *id;
	char v[40], tbuf[SF_TIME_LEN];
	size_t nid, nat, nv;
	char *q;
	int flags = 0;

	if (r->txt != 0)
		flags = (unsigned char)s->text.buf[r->txt];
	if ((flags & (TX_VALUE | TX_TIME)) || tp->len == 0)
		return -1;
	tx = s->tpltext.buf + tp->off;
	id = s->idtext.buf + s->idoff[r->st];
	nid = s->idoff[r->st + 1] - s->idoff[r->st];
	at = time_text(s, r->t, tbuf);
	nat = strlen(at);
	if (flags & TX_NULL) {
		memcpy(v, "null", 5);
		nv = 4;
	} else
		nv = format_decimal(r->v, (int)r->scale, v);
	sf_buf_reset(&s->line);
	sf_buf_grow(&s->line, tp->len + nid + nat + 2 + nv);
	q = s->line.buf;
	memcpy(q, tx, tp->st);
	q += tp->st;
	memcpy(q, id, nid);
	q += nid;
	memcpy(q, tx + tp->st, tp->at - tp->st);
	q += tp->at - tp->st;
	*q++ = '"';		/* sf_time's text needs no escape */
	memcpy(q, at, nat);
	q += nat;
	*q++ = '"';
	memcpy(q, tx + tp->at, tp->v - tp->at);
	q += tp->v - tp->at;
	memcpy(q, v, nv);
	q += nv;
	memcpy(q, tx + tp->v, tp->len - tp->v);
	q += tp->len - tp->v;
	*q = '\0';
	s->line.len = (size_t)(q - s->line.buf);
	return 0;
}

int
sf_fetch_store_walk_lines(struct sf_fetch_store *s,
    int (*put)(void *arg, const struct sf_rec *rec, const char *line,
    size_t len, long st, int64_t t), void *arg)
{
	const struct sf_kind_info *ki;
	const struct row *r;
	struct sf_rec rec;
	char t[SF_TIME_LEN], v[40];
	const char *p;
	size_t i;
	int k, rc;

	if (s->tc == NULL)
		s->tc = sf_calloc(TCACHE_N, sizeof(*s->tc));
	ids_json(s);
	templates(s);
	for (i = 0; i < s->sealed; i++) {
		r = &s->rows[i];
		if (r->st != OTHER && obs_line(s, r) == 0) {
			rc = put(arg, NULL, s->line.buf, s->line.len,
			    (long)r->st, r->t);
		} else if (r->st != OTHER) {
			obs_of(s, r, &rec, t, v);
			rc = put(arg, &rec, NULL, 0, (long)r->st, r->t);
		} else {
			p = s->text.buf + r->txt;
			sf_rec_clear(&rec, (enum sf_kind)*p++);
			ki = sf_kind_info(rec.kind);
			for (k = 0; k < ki->nfields; k++)
				rec.f[k] = get_field(&p);
			rc = put(arg, &rec, NULL, 0, -1, 0);
		}
		if (rc != 0)
			return rc;
	}
	return 0;
}
