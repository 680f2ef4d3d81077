/*
 * sf_usgsfetch: the windows and URLs of sf-fetch-usgs (see
 * sf_usgsfetch.h).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sf_http.h"
#include "sf_mem.h"
#include "sf_time.h"
#include "sf_usgs.h"
#include "sf_usgsfetch.h"

static int
req_cmp(const void *a, const void *b)
{
	const struct sf_usgsfetch_req *x = a, *y = b;
	int c;

	if ((c = strcmp(x->config ? x->config : "",
	    y->config ? y->config : "")) != 0)
		return c;
	if (x->kind != y->kind)
		return x->kind < y->kind ? -1 : 1;
	if (x->revision != y->revision)
		return x->revision < y->revision ? -1 : 1;
	if (x->end != y->end)
		return x->end < y->end ? -1 : 1;
	if (x->start != y->start)
		return x->start < y->start ? -1 : 1;
	if ((c = strcmp(x->station, y->station)) != 0)
		return c;
	return x->order < y->order ? -1 : x->order > y->order;
}

/* Whether b may join the batch that a opened. */
static int
same_batch(const struct sf_usgsfetch_req *a, const struct sf_usgsfetch_req *b)
{
	int64_t slack = a->kind == SF_USGSFETCH_DAILY ?
	    SF_USGSFETCH_DAILY_SLACK : SF_USGSFETCH_CONT_SLACK;

	return strcmp(a->config ? a->config : "",
	    b->config ? b->config : "") == 0 && a->kind == b->kind &&
	    a->revision == b->revision && a->end == b->end &&
	    b->start - a->start <= slack;
}

/*
 * The bytes of a batch's URL besides its base and its stations: the
 * longest form of r's kind, revision pass included.
 */
static size_t
fixed_len(const struct sf_usgsfetch_req *r)
{
	static const char *const none[] = { NULL };
	struct sf_usgsfetch_query q = { 0 };
	struct sf_buf b = SF_BUF_INIT;
	size_t n;

	q.kind = r->kind;
	q.stations = none;
	q.ws = q.we = q.mod = 0;	/* every instant is as long */
	q.revision = r->revision;
	sf_usgsfetch_url(&b, "", &q);
	n = b.len;
	sf_buf_release(&b);
	return n;
}

/* A station's bytes in the list: "USGS-", the id encoded, "%2C". */
static size_t
station_len(struct sf_buf *scratch, const char *station)
{
	sf_buf_reset(scratch);
	sf_http_escape(scratch, station);
	return scratch->len + 8;
}

/*
 * The requests k batches of m stations, cut as evenly as counts go, ask
 * for when each station has rows rows in each window of the run from
 * start to end (0: unknown, as in a revision pass). A window is one
 * request per page of SF_USGSFETCH_PAGE_ROWS rows, and one when empty.
 */
static int64_t
cost(const struct sf_usgsfetch_req *r, int64_t start, size_t m, size_t k)
{
	int64_t ws, we, rows, hi = (int64_t)((m + k - 1) / k);
	int64_t lo = (int64_t)(m / k), nhi = (int64_t)(m % k), n = 0;
	int64_t unit = r->kind == SF_USGSFETCH_DAILY ? 86400 : 900;
	int64_t lim = SF_USGSFETCH_PAGE_ROWS;

	if (nhi == 0)
		nhi = (int64_t)k;
	sf_usgsfetch_first(r->kind, start, r->end, &ws, &we);
	do {
		rows = r->revision ? 0 : (we - ws) / unit + 1;
		n += nhi * ((hi * rows + lim - 1) / lim);
		if (lo > 0 && lo < hi)
			n += ((int64_t)k - nhi) * ((lo * rows + lim - 1) / lim);
		n += (int64_t)k * (rows == 0);
	} while (sf_usgsfetch_next(r->kind, r->end, &ws, &we));
	return n;
}

/*
 * Whether the m stations from r, cut into k even batches, each keep their
 * URL under SF_USGSFETCH_URL_MAX; sum[i] is the bytes of the first i
 * stations' list, room the bytes a list may take.
 */
static int
fits(const size_t *sum, size_t m, size_t k, size_t room)
{
	size_t i, a = 0, b;

	for (i = 0; i < k; i++, a = b) {
		b = a + m / k + (i < m % k);
		if (sum[b] - sum[a] > room)
			return 0;
	}
	return 1;
}

/*
 * Numbers the batches of the run of m requests from r (sorted, one
 * config, kind, revision and end, starts within the slack) from *ng: the
 * fewest requests by cost(), and of those the fewest batches, cut evenly.
 */
static void
split_run(struct sf_usgsfetch_req *r, size_t m, size_t base_len,
    size_t *ng)
{
	struct sf_buf scratch = SF_BUF_INIT;
	size_t *sum = sf_calloc(m + 1, sizeof(*sum));
	size_t i, k, best = 0, room, fixed = base_len + fixed_len(r);
	int64_t c, least = INT64_MAX;

	room = fixed < SF_USGSFETCH_URL_MAX ? SF_USGSFETCH_URL_MAX - fixed : 0;
	for (i = 0; i < m; i++)
		sum[i + 1] = sum[i] + station_len(&scratch, r[i].station);
	sf_buf_release(&scratch);
	/* Each batch is one request at least: past least, none is better. */
	for (k = 1; k <= m && (int64_t)k < least; k++) {
		c = cost(r, r[0].start, m, k);
		if (c < least && (k == m || fits(sum, m, k, room))) {
			least = c;
			best = k;
		}
	}
	/* The cut of fits(): the first m % best batches one longer. */
	for (i = 0, k = 0; k < best; k++) {
		c = (int64_t)(m / best + (k < m % best));
		for (; c > 0; c--)
			r[i++].group = *ng + k;
	}
	*ng += best;
	free(sum);
}

size_t
sf_usgsfetch_group(struct sf_usgsfetch_req *r, size_t n, size_t base_len)
{
	size_t i, first = 0, ng = 0;

	if (n > 1)
		qsort(r, n, sizeof(*r), req_cmp);
	for (i = 1; i <= n; i++) {
		if (i == n || !same_batch(&r[first], &r[i])) {
			split_run(r + first, i - first, base_len, &ng);
			first = i;
		}
	}
	return ng;
}

void
sf_usgsfetch_first(enum sf_usgsfetch_kind kind, int64_t start, int64_t end,
    int64_t *ws, int64_t *we)
{
	*ws = start;
	*we = kind != SF_USGSFETCH_CONTINUOUS ? end :
	    start + SF_USGSFETCH_WINDOW - 1;
	if (*we > end)
		*we = end;
}

int
sf_usgsfetch_next(enum sf_usgsfetch_kind kind, int64_t end, int64_t *ws,
    int64_t *we)
{
	if (*we >= end)
		return 0;
	*ws = *we + (kind == SF_USGSFETCH_DAILY ? 86400 : 1);
	*we = kind == SF_USGSFETCH_DAILY ? end : *ws + SF_USGSFETCH_WINDOW - 1;
	if (*we > end)
		*we = end;
	return 1;
}

/* Appends the comma list of q's stations, "USGS-" prefixed or not. */
static void
add_sites(struct sf_buf *b, const char *name,
    const struct sf_usgsfetch_query *q, int prefix)
{
	struct sf_buf v = SF_BUF_INIT;
	size_t i;

	for (i = 0; i < q->nstations; i++) {
		if (i > 0)
			sf_buf_addc(&v, ',');
		if (prefix)
			sf_buf_adds(&v, "USGS-");
		sf_buf_adds(&v, q->stations[i]);
	}
	sf_http_url_param(b, name, v.buf);
	sf_buf_release(&v);
}

/* The time range of q's window in the service's form. */
static void
add_range(struct sf_buf *b, const struct sf_usgsfetch_query *q)
{
	struct sf_buf v = SF_BUF_INIT;
	char s[SF_TIME_LEN], t[SF_TIME_LEN];

	if (q->kind == SF_USGSFETCH_DAILY) {
		sf_time_format_date(q->ws, s);
		sf_time_format_date(q->we, t);
	} else {
		sf_time_format(q->ws, s);
		sf_time_format(q->we, t);
		if (q->nwis) {		/* YYYY-MM-DDTHH:MMZ */
			memmove(s + 16, s + 19, 2);
			memmove(t + 16, t + 19, 2);
		}
	}
	if (q->nwis) {
		sf_http_url_param(b, "startDT", s);
		sf_http_url_param(b, "endDT", t);
	} else {
		sf_buf_addf(&v, "%s/%s", s, t);
		sf_http_url_param(b, "time", v.buf);
	}
	sf_buf_release(&v);
}

/* The catalog's URL. */
static void
locations_url(struct sf_buf *b, const struct sf_usgsfetch_query *q)
{
	const char *fips;

	if (q->nwis) {
		sf_http_url_path(b, "site/");
		sf_http_url_param(b, "format", "rdb");
		if (q->state != NULL)
			sf_http_url_param(b, "stateCd", q->state);
		if (q->huc != NULL)
			sf_http_url_param(b, "huc", q->huc);
		sf_http_url_param(b, "siteType", q->site_type);
		sf_http_url_param(b, "siteOutput", "expanded");
		return;
	}
	sf_http_url_path(b, "collections/monitoring-locations/items");
	sf_http_url_param(b, "agency_code", "USGS");
	if (q->state != NULL) {
		fips = sf_usgs_state_fips(q->state);
		sf_http_url_param(b, "state_code", fips != NULL ? fips :
		    q->state);
	}
	if (q->huc != NULL)
		sf_http_url_param(b, "hydrologic_unit_code", q->huc);
	sf_http_url_param(b, "site_type_code", q->site_type);
	sf_http_url_param(b, "limit", "10000");
	sf_http_url_param(b, "f", "json");
}

void
sf_usgsfetch_url(struct sf_buf *b, const char *base,
    const struct sf_usgsfetch_query *q)
{
	struct sf_buf v = SF_BUF_INIT;
	char t[SF_TIME_LEN];
	int daily = q->kind == SF_USGSFETCH_DAILY;

	sf_buf_reset(b);
	sf_buf_adds(b, base);
	if (q->kind == SF_USGSFETCH_LOCATIONS) {
		locations_url(b, q);
		return;
	}
	if (q->nwis) {
		sf_http_url_path(b, daily ? "dv/" : "iv/");
		sf_http_url_param(b, "format", "rdb");
		add_sites(b, "sites", q, 0);
		sf_http_url_param(b, "parameterCd", "00060");
		if (daily)
			sf_http_url_param(b, "statCd", "00003");
		add_range(b, q);
		return;
	}
	sf_http_url_path(b, daily ? "collections/daily/items" :
	    "collections/continuous/items");
	add_sites(b, "monitoring_location_id", q, 1);
	sf_http_url_param(b, "parameter_code", "00060");
	if (daily)
		sf_http_url_param(b, "statistic_id", "00003");
	add_range(b, q);
	if (q->revision) {	/* changed at or after mod */
		sf_time_format(q->mod, t);
		sf_buf_addf(&v, "%s/..", t);
		sf_http_url_param(b, "last_modified", v.buf);
		sf_buf_release(&v);
	}
	sf_http_url_param(b, "properties", SF_USGSFETCH_PROPERTIES);
	sf_http_url_param(b, "sortby", "time");
	sf_http_url_param(b, "limit", SF_USGSFETCH_PAGE_LIMIT);
	sf_http_url_param(b, "skipGeometry", "true");
	sf_http_url_param(b, "f", "json");
}
