/*
 * sf_ecfetch: the request plan of sf-fetch-ec (station groups, windows,
 * URLs). Windows are stepped from the group's start rather than from the
 * previous window's end, so a start on the 31st does not drift to the
 * 28th for good after February.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sf_buf.h"
#include "sf_ecfetch.h"
#include "sf_err.h"
#include "sf_http.h"
#include "sf_mem.h"
#include "sf_rec.h"
#include "sf_time.h"
#include "sf.h"

/* A URL's bytes besides the stations (path, parameter, dates). */
#define URL_FIXED	160
/* "&stations%5B%5D=" before each station. */
#define URL_PER_STATION	16

int64_t
sf_ecfetch_add_months(int64_t t, long months)
{
	struct sf_civil c;
	long m;

	sf_time_to_civil(t, &c);
	m = (long)c.year * 12 + (c.mon - 1) + months;
	if (m < 12)
		m = 12;			/* 0001-01 */
	if (m > 9999L * 12 + 11)
		m = 9999L * 12 + 11;	/* 9999-12 */
	c.year = (int)(m / 12);
	c.mon = (int)(m % 12) + 1;
	if (c.day > sf_time_days_in_month(c.year, c.mon))
		c.day = sf_time_days_in_month(c.year, c.mon);
	return sf_time_from_civil(&c);
}

int64_t
sf_ecfetch_day(int64_t t)
{
	int64_t r = t % 86400;

	return r < 0 ? t - r - 86400 : t - r;
}

static int
cmpstr(const char *a, const char *b)
{
	if (a == NULL || b == NULL)
		return (a != NULL) - (b != NULL);
	return strcmp(a, b);
}

static int
cmpreq(const void *va, const void *vb)
{
	const struct sf_ecfetch_req *a = va, *b = vb;
	int c;

	if (a->kind != b->kind)
		return a->kind < b->kind ? -1 : 1;
	if ((c = cmpstr(a->config, b->config)) != 0)
		return c;
	if (a->end != b->end)
		return a->end < b->end ? -1 : 1;
	if (a->start != b->start)
		return a->start < b->start ? -1 : 1;
	if ((c = strcmp(a->station, b->station)) != 0)
		return c;
	return a->order < b->order ? -1 : a->order > b->order;
}

size_t
sf_ecfetch_group(struct sf_ecfetch_req *r, size_t n, size_t base_len)
{
	size_t i, j, first = 0, ngroups = 0, url = 0, max;
	long slack;
	int same;

	if (n == 0)
		return 0;
	qsort(r, n, sizeof(*r), cmpreq);
	for (i = 0; i < n; i++) {
		max = r[i].kind == SF_ECFETCH_DAILY ? SF_ECFETCH_DAILY_GROUP :
		    SF_ECFETCH_RT_GROUP;
		slack = r[i].kind == SF_ECFETCH_DAILY ?
		    SF_ECFETCH_DAILY_SLACK : SF_ECFETCH_RT_SLACK;
		same = i > 0 && r[i].kind == r[first].kind &&
		    cmpstr(r[i].config, r[first].config) == 0 &&
		    r[i].end == r[first].end &&
		    r[i].start - r[first].start <= slack &&
		    i - first < max &&
		    url + URL_PER_STATION + strlen(r[i].station) <=
		    SF_ECFETCH_URL_MAX;
		for (j = first; same && j < i; j++)
			if (strcmp(r[j].station, r[i].station) == 0)
				same = 0;
		if (!same) {
			if (i > 0)
				ngroups++;
			first = i;
			url = base_len + URL_FIXED;
		}
		url += URL_PER_STATION + strlen(r[i].station);
		r[i].group = ngroups;
	}
	return ngroups + 1;
}

int
sf_ecfetch_window(enum sf_ecfetch_kind kind, int64_t start, int64_t end,
    long k, int64_t *ws, int64_t *we)
{
	long step = kind == SF_ECFETCH_DAILY ? SF_ECFETCH_DAILY_YEARS * 12 :
	    SF_ECFETCH_RT_MONTHS;
	int64_t unit = kind == SF_ECFETCH_DAILY ? 86400 : 1, a, b;

	if (k < 0 || start > end)
		return 0;
	a = k == 0 ? start : sf_ecfetch_add_months(start, k * step);
	/* from the second window on, one that starts at the end has none */
	if (a > end || (k > 0 && (a >= end || a <= start)))
		return 0;
	b = sf_ecfetch_add_months(start, (k + 1) * step);
	/* a window reaching the end takes it whole, not a lone instant */
	b = b >= end || b <= a ? end : b - unit;
	*ws = a;
	*we = b;
	return 1;
}

long
sf_ecfetch_nwindows(enum sf_ecfetch_kind kind, int64_t start, int64_t end)
{
	int64_t ws, we;
	long k = 0;

	while (sf_ecfetch_window(kind, start, end, k, &ws, &we) && we < end)
		k++;
	return start > end ? 0 : k + 1;
}

/* "YYYY-MM-DD" or "YYYY-MM-DD HH:MM:SS" of t. */
static void
service_time(enum sf_ecfetch_kind kind, int64_t t, char buf[SF_TIME_LEN])
{
	sf_time_format(t, buf);
	if (kind == SF_ECFETCH_DAILY)
		buf[10] = '\0';
	else {
		buf[10] = ' ';
		buf[19] = '\0';
	}
}

void
sf_ecfetch_url(struct sf_buf *b, const char *base,
    enum sf_ecfetch_kind kind, const char *const *stations, size_t n,
    int64_t ws, int64_t we)
{
	char t[SF_TIME_LEN];
	size_t i;

	sf_buf_reset(b);
	sf_buf_adds(b, base);
	sf_http_url_path(b, kind == SF_ECFETCH_DAILY ?
	    "daily_data/csv/inline" : "real_time_data/csv/inline");
	for (i = 0; i < n; i++)
		sf_http_url_param(b, "stations[]", stations[i]);
	sf_http_url_param(b, "parameters[]",
	    kind == SF_ECFETCH_DAILY ? "flow" : "47");
	service_time(kind, ws, t);
	sf_http_url_param(b, "start_date", t);
	service_time(kind, we, t);
	sf_http_url_param(b, "end_date", t);
}

void
sf_ecfetch_datamart_url(struct sf_buf *b, const char *base,
    const char *prov, const char *station, const char *which)
{
	struct sf_buf file = SF_BUF_INIT;

	sf_buf_reset(b);
	sf_buf_adds(b, base);
	sf_http_url_path(b, "csv");
	sf_http_url_seg(b, prov);
	sf_http_url_seg(b, which);
	sf_buf_addf(&file, "%s_%s_%s_hydrometric.csv", prov, station, which);
	sf_http_url_seg(b, file.buf);
	sf_buf_release(&file);
}

enum sf_ecfetch_fit
sf_ecfetch_fit(struct sf_ecfetch_req *r, enum sf_ecfetch_service svc,
    int64_t now, struct sf_err *why)
{
	char a[SF_TIME_LEN], b[SF_TIME_LEN];
	int64_t reach;

	sf_err_clear(why);
	if (r->end > now)
		r->end = now;
	if (svc == SF_ECFETCH_DATAMART) {
		if (r->kind == SF_ECFETCH_DAILY) {
			sf_err_set(why, "type 'daily_mean': the Datamart has "
			    "realtime_15min only");
			return SF_ECFETCH_REFUSE;
		}
		/* the files hold what they hold: said, not clipped */
		reach = now - SF_ECFETCH_DATAMART_DAYS * 86400L;
		if (r->start < reach && r->start <= r->end) {
			sf_time_format(r->start, a);
			sf_time_format(reach, b);
			sf_err_set(why, "start '%s': the Datamart keeps %d "
			    "days, nothing before '%s'", a,
			    SF_ECFETCH_DATAMART_DAYS, b);
		}
	} else if (r->kind == SF_ECFETCH_DAILY) {
		r->start = sf_ecfetch_day(r->start);
		r->end = sf_ecfetch_day(r->end);
	} else {
		reach = sf_ecfetch_add_months(now, -SF_ECFETCH_RT_REACH);
		if (r->end < reach) {
			sf_time_format(r->end, a);
			sf_time_format(reach, b);
			sf_err_set(why, "end '%s' is beyond the %d months of "
			    "real-time data (from '%s'): nothing to fetch", a,
			    SF_ECFETCH_RT_REACH, b);
			return SF_ECFETCH_SKIP;
		}
		if (r->start < reach) {
			sf_time_format(r->start, a);
			sf_time_format(reach, b);
			sf_err_set(why, "start '%s' is beyond the %d months of "
			    "real-time data: clipped to '%s'", a,
			    SF_ECFETCH_RT_REACH, b);
			r->start = reach;
		}
	}
	if (r->start > r->end) {
		sf_err_set(why, "nothing to fetch (start after end)");
		return SF_ECFETCH_EMPTY;
	}
	return SF_ECFETCH_FETCH;
}

int
sf_ecfetch_same(const struct sf_ecfetch_req *a, const struct sf_ecfetch_req *b)
{
	return a->kind == b->kind && strcmp(a->station, b->station) == 0 &&
	    cmpstr(a->config, b->config) == 0;
}

void
sf_ecfetch_list_url(struct sf_buf *b, const char *base)
{
	sf_buf_reset(b);
	sf_buf_adds(b, base);
	sf_http_url_path(b, "doc/hydrometric_StationList.csv");
}

static int
cmpreqp(const void *a, const void *b)
{
	return strcmp((*(struct sf_ecfetch_req *const *)a)->station,
	    (*(struct sf_ecfetch_req *const *)b)->station);
}

void
sf_ecfetch_prov_sort(struct sf_ecfetch_req **v, size_t n)
{
	if (n > 0)
		qsort(v, n, sizeof(*v), cmpreqp);
}

void
sf_ecfetch_prov_take(struct sf_ecfetch_req **v, size_t n,
    const struct sf_rec *rec)
{
	const char *id = rec->f[SF_ST_STATION], *st = rec->f[SF_ST_STATE];
	size_t lo = 0, hi = n, mid;
	int c;

	if (rec->kind != SF_KIND_STATION || id == NULL || st == NULL)
		return;
	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if ((c = strcmp(id, v[mid]->station)) < 0)
			hi = mid;
		else if (c > 0)
			lo = mid + 1;
		else {
			/* every request of the station, before and after */
			for (lo = mid; lo > 0 &&
			    strcmp(v[lo - 1]->station, id) == 0; lo--)
				;
			for (; lo < n && strcmp(v[lo]->station, id) == 0; lo++)
				snprintf(v[lo]->prov, sizeof(v[lo]->prov),
				    "%s", st);
			return;
		}
	}
}

void
sf_ecfetch_prov_reset(struct sf_ecfetch_req **v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		v[i]->prov[0] = '\0';
}

/*
 * A held record is its SF_ST_NFIELDS fields, each a byte ('0' null, '1'
 * a string) and, for a string, its bytes and a NUL.
 */
static void
put_str(struct sf_buf *b, const char *s)
{
	if (s == NULL) {
		sf_buf_addc(b, '0');
		return;
	}
	sf_buf_addc(b, '1');
	sf_buf_add(b, s, strlen(s) + 1);
}

static const char *
get_str(const char **p)
{
	const char *s;

	if (*(*p)++ == '0')
		return NULL;
	s = *p;
	*p += strlen(s) + 1;
	return s;
}

void
sf_ecfetch_list_init(struct sf_ecfetch_list *l, const char *const *only,
    size_t nonly)
{
	memset(l, 0, sizeof(*l));
	sf_buf_init(&l->recs);
	l->only = only;
	l->nonly = nonly;
	l->seen = sf_calloc(nonly + 1, 1);
}

int
sf_ecfetch_list_take(void *arg, const struct sf_rec *rec)
{
	struct sf_ecfetch_list *l = arg;
	const char *id = rec->f[SF_ST_STATION];
	size_t i;
	int k;

	if (rec->kind != SF_KIND_STATION || id == NULL)
		return 0;
	if (l->nonly > 0) {
		for (i = 0; i < l->nonly && strcmp(l->only[i], id) != 0; i++)
			;
		if (i == l->nonly)
			return 0;
		l->seen[i] = 1;
	}
	for (k = 0; k < SF_ST_NFIELDS; k++)
		put_str(&l->recs, rec->f[k]);
	l->n++;
	return 0;
}

void
sf_ecfetch_list_reset(struct sf_ecfetch_list *l)
{
	sf_buf_reset(&l->recs);
	l->n = 0;
	memset(l->seen, 0, l->nonly);
}

int
sf_ecfetch_list_next(const struct sf_ecfetch_list *l, size_t *pos,
    struct sf_rec *r)
{
	const char *p;
	int k;

	if (*pos >= l->recs.len)
		return 0;
	p = l->recs.buf + *pos;
	sf_rec_clear(r, SF_KIND_STATION);
	for (k = 0; k < SF_ST_NFIELDS; k++)
		r->f[k] = get_str(&p);
	*pos = (size_t)(p - l->recs.buf);
	return 1;
}

void
sf_ecfetch_list_release(struct sf_ecfetch_list *l)
{
	sf_buf_release(&l->recs);
	free(l->seen);
	l->seen = NULL;
	l->n = 0;
}

void
sf_ecfetch_snippet(struct sf_err *err, const char *body)
{
	char s[SF_ECFETCH_SNIPPET_MAX + 1];
	size_t n = 0, len = strlen(err->msg);

	if (body == NULL)
		return;
	while (*body == ' ' || *body == '\t' || *body == '\r' ||
	    *body == '\n')
		body++;
	if (*body == '\0' || *body == '<')
		return;		/* nothing, or an HTML page */
	while (body[n] != '\0' && body[n] != '\r' && body[n] != '\n' &&
	    n < SF_ECFETCH_SNIPPET_MAX) {
		s[n] = (unsigned char)body[n] < ' ' ? '?' : body[n];
		n++;
	}
	s[n] = '\0';
	snprintf(err->msg + len, sizeof(err->msg) - len, ": %s", s);
}
