/*
 * sf_ecfetch: the request plan of sf-fetch-ec (station groups, windows,
 * URLs). Windows are stepped from the group's start rather than from the
 * previous window's end, so a start on the 31st does not drift to the
 * 28th for good after February.
 */
#include <stdlib.h>
#include <string.h>

#include "sf_ecfetch.h"
#include "sf_http.h"
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
