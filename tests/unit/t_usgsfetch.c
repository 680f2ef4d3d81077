/*
 * t_usgsfetch: sf-fetch-usgs's request plan (sf_usgsfetch): windows that
 * neither overlap nor leave gaps, and the URLs of both services.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tap.h"
#include "tap_time.h"
#include "sf_buf.h"
#include "sf_usgsfetch.h"
#include "sf.h"

#define BASE "http://h/ogc"

static void
test_windows(void)
{
	int64_t ws, we, start, end, prev;
	int n;

	sf_usgsfetch_first(SF_USGSFETCH_DAILY, T("2000-01-01"), T("2024-12-31"),
	    &ws, &we);
	is_str(S(ws), "2000-01-01T00:00:00Z", "daily: one window from start");
	is_str(S(we), "2024-12-31T00:00:00Z", "daily: to the end");
	ok(!sf_usgsfetch_next(SF_USGSFETCH_DAILY, T("2024-12-31"), &ws, &we),
	    "daily: no second window");

	start = T("2022-01-01T00:00:00Z");
	end = T("2024-06-30T23:59:59Z");
	sf_usgsfetch_first(SF_USGSFETCH_CONTINUOUS, start, end, &ws, &we);
	is_str(S(we), "2022-12-31T23:59:59Z", "continuous: a year at most");
	n = 1;
	prev = we;
	while (sf_usgsfetch_next(SF_USGSFETCH_CONTINUOUS, end, &ws, &we)) {
		if (ws != prev + 1)
			break;
		prev = we;
		n++;
	}
	is_int(n, 3, "continuous: three windows, each after the last");
	is_str(S(we), "2024-06-30T23:59:59Z", "the last ends at the end");

	sf_usgsfetch_first(SF_USGSFETCH_CONTINUOUS, start, start + 3600, &ws,
	    &we);
	is_str(S(we), "2022-01-01T01:00:00Z", "a short range: one window");
	sf_usgsfetch_first(SF_USGSFETCH_LOCATIONS, 0, 5, &ws, &we);
	ok(ws == 0 && we == 5, "the catalog: one window");
}

static void
test_urls(void)
{
	static const char *const two[] = { "01646500", "01638500" };
	struct sf_usgsfetch_query q;
	struct sf_buf b = SF_BUF_INIT;

	memset(&q, 0, sizeof(q));
	q.kind = SF_USGSFETCH_DAILY;
	q.stations = two;
	q.nstations = 2;
	q.ws = T("2024-01-01");
	q.we = T("2024-12-31");
	sf_usgsfetch_url(&b, BASE, &q);
	is_str(b.buf, BASE "/collections/daily/items?monitoring_location_id="
	    "USGS-01646500%2CUSGS-01638500&parameter_code=00060"
	    "&statistic_id=00003&time=2024-01-01%2F2024-12-31"
	    "&properties=monitoring_location_id%2Ctime%2Cvalue%2Cunit_of_measure"
	    "%2Capproval_status%2Cqualifier"
	    "&sortby=time&limit=50000&skipGeometry=true&f=json",
	    "daily, OGC API: only the properties sf stores");

	q.kind = SF_USGSFETCH_CONTINUOUS;
	q.nstations = 1;
	q.ws = T("2024-04-01T00:00:00Z");
	q.we = T("2024-04-01T23:59:59Z");
	q.revision = 1;
	q.mod = T("2024-05-01T12:00:00Z");
	sf_usgsfetch_url(&b, BASE, &q);
	is_str(b.buf, BASE "/collections/continuous/items?"
	    "monitoring_location_id=USGS-01646500&parameter_code=00060"
	    "&time=2024-04-01T00%3A00%3A00Z%2F2024-04-01T23%3A59%3A59Z"
	    "&last_modified=2024-05-01T12%3A00%3A00Z%2F.."
	    "&properties=monitoring_location_id%2Ctime%2Cvalue%2Cunit_of_measure"
	    "%2Capproval_status%2Cqualifier"
	    "&sortby=time&limit=50000&skipGeometry=true&f=json",
	    "continuous, a revision pass");

	q.nwis = 1;
	q.revision = 0;
	sf_usgsfetch_url(&b, "http://h/nwis", &q);
	is_str(b.buf, "http://h/nwis/iv/?format=rdb&sites=01646500"
	    "&parameterCd=00060&startDT=2024-04-01T00%3A00Z"
	    "&endDT=2024-04-01T23%3A59Z", "continuous, NWIS: minutes");
	q.kind = SF_USGSFETCH_DAILY;
	q.nstations = 2;
	sf_usgsfetch_url(&b, "http://h/nwis", &q);
	is_str(b.buf, "http://h/nwis/dv/?format=rdb&sites=01646500%2C01638500"
	    "&parameterCd=00060&statCd=00003&startDT=2024-04-01"
	    "&endDT=2024-04-01", "daily, NWIS");

	memset(&q, 0, sizeof(q));
	q.kind = SF_USGSFETCH_LOCATIONS;
	q.state = "MD";
	q.huc = "0207";
	q.site_type = "ST";
	sf_usgsfetch_url(&b, BASE, &q);
	is_str(b.buf, BASE "/collections/monitoring-locations/items?"
	    "agency_code=USGS&state_code=24&hydrologic_unit_code=0207"
	    "&site_type_code=ST&limit=10000&f=json",
	    "the catalog: the state as its FIPS code");
	q.nwis = 1;
	q.huc = NULL;
	sf_usgsfetch_url(&b, "http://h/nwis", &q);
	is_str(b.buf, "http://h/nwis/site/?format=rdb&stateCd=MD&siteType=ST"
	    "&siteOutput=expanded", "the catalog, NWIS");

	memset(&q, 0, sizeof(q));
	q.kind = SF_USGSFETCH_DAILY;
	q.stations = (const char *const[]){ "0164&f=x" };
	q.nstations = 1;
	sf_usgsfetch_url(&b, BASE, &q);
	ok(strstr(b.buf, "USGS-0164%26f%3Dx&") != NULL,
	    "a station's bytes are percent-encoded");
	sf_buf_release(&b);
}

static int urls_fit(const struct sf_usgsfetch_req *, size_t, size_t,
    size_t);

static void
test_groups(void)
{
	struct sf_usgsfetch_req r[600];
	char ids[600][16];
	size_t i, n, ng;

	memset(r, 0, sizeof(r));
	for (i = 0; i < 4; i++) {
		snprintf(ids[i], sizeof(ids[i]), "0164650%zu", 3 - i);
		r[i].station = ids[i];
		r[i].kind = SF_USGSFETCH_DAILY;
		r[i].start = T("2024-01-01") + (int64_t)i * 86400;
		r[i].end = T("2024-12-31");
		r[i].order = i;
	}
	r[2].start = T("2024-03-01");	/* too far from the others */
	r[3].revision = 1;		/* a revision pass: a batch alone */
	ng = sf_usgsfetch_group(r, 4, 20);
	is_int(ng, 3, "the same end and near starts share a batch");
	ok(r[0].group == 0 && r[1].group == 0 && r[0].order == 0 &&
	    r[1].order == 1, "by start, the caller's index kept");
	ok(r[2].order == 2 && r[2].group == 1, "a start 59 days on: alone");
	ok(r[3].order == 3 && r[3].group == 2, "the revision pass last");

	n = 600;
	for (i = 0; i < n; i++) {
		snprintf(ids[i], sizeof(ids[i]), "%08zu", 10000000 + i);
		r[i].config = "c";
		r[i].station = ids[i];
		r[i].kind = SF_USGSFETCH_CONTINUOUS;
		r[i].revision = 1;
		r[i].start = T("2024-01-01T00:00:00Z");
		r[i].end = T("2024-01-31T00:00:00Z");
		r[i].order = i;
	}
	ng = sf_usgsfetch_group(r, n, 40);
	ok(ng == 2 && r[n - 1].group == 1 && r[0].group == 0 &&
	    r[299].group == 0 && r[300].group == 1,
	    "600 stations, a revision pass: two even batches");
	ok(urls_fit(r, n, ng, 40), "each URL under the limit");
}

/*
 * Whether the URL of each of the ng batches of r (sorted by group), with a
 * base of base_len bytes, stays under SF_USGSFETCH_URL_MAX.
 */
static int
urls_fit(const struct sf_usgsfetch_req *r, size_t n, size_t ng,
    size_t base_len)
{
	static const char *st[2000];
	struct sf_usgsfetch_query q;
	struct sf_buf b = SF_BUF_INIT;
	char base[256];
	size_t i, k, m;
	int fit = 1;

	memset(base, 'h', sizeof(base));
	memcpy(base, "http://", 7);
	base[base_len] = '\0';
	for (i = 0, k = 0; k < ng; k++) {
		for (m = 0; i < n && r[i].group == k; i++)
			st[m++] = r[i].station;
		memset(&q, 0, sizeof(q));
		q.kind = r[i - 1].kind;
		q.revision = r[i - 1].revision;
		q.stations = st;
		q.nstations = m;
		q.ws = r[i - 1].start;
		q.we = r[i - 1].end;
		sf_usgsfetch_url(&b, base, &q);
		if (m == 0 || b.len >= SF_USGSFETCH_URL_MAX) {
			printf("# batch %zu: %zu stations, %zu bytes\n", k, m,
			    b.len);
			fit = 0;
		}
	}
	sf_buf_release(&b);
	return fit && i == n;
}

/* The pages a batch of m stations x rows rows takes, one at least. */
static size_t
pages(size_t m, size_t rows)
{
	size_t n = (m * rows + SF_USGSFETCH_PAGE_ROWS - 1) /
	    SF_USGSFETCH_PAGE_ROWS;

	return n > 0 ? n : 1;
}

/*
 * n daily requests of one config from 01000000 up, from start to end,
 * grouped; returns the pages the batches ask for, *ng the batches, the
 * smallest and largest in *lo and *hi.
 */
static size_t
daily(struct sf_usgsfetch_req *r, char (*ids)[16], size_t n,
    const char *start, const char *end, size_t *ng, size_t *lo, size_t *hi)
{
	size_t i, k, m, np = 0, days;

	memset(r, 0, n * sizeof(*r));
	for (i = 0; i < n; i++) {
		snprintf(ids[i], 16, "%08zu", 1000000 + i);
		r[i].config = "bench";
		r[i].station = ids[i];
		r[i].kind = SF_USGSFETCH_DAILY;
		r[i].start = T(start);
		r[i].end = T(end);
		r[i].order = i;
	}
	days = (size_t)((T(end) - T(start)) / 86400 + 1);
	*ng = sf_usgsfetch_group(r, n, 40);
	*lo = n;
	*hi = 0;
	for (i = 0, k = 0; k < *ng; k++) {
		for (m = 0; i < n && r[i].group == k; i++)
			m++;
		np += pages(m, days);
		*lo = m < *lo ? m : *lo;
		*hi = m > *hi ? m : *hi;
	}
	return np;
}

static void
test_balance(void)
{
	static struct sf_usgsfetch_req r[2000];
	static char ids[2000][16];
	size_t ng, lo, hi, np, i;

	/* Greedy: 448 + 52 stations, 4 + 1 pages. */
	np = daily(r, ids, 500, "2024-01-01", "2024-12-31", &ng, &lo, &hi);
	is_int((long)np, 4, "500 stations x 366 days: 4 requests, the least "
	    "50,000-row pages allow");
	ok(ng == 2 && lo == 250 && hi == 250, "in two even batches");
	ok(urls_fit(r, 500, ng, 40), "each URL under the limit");

	/* Two batches would take 3 pages each; five of 120 one each. */
	np = daily(r, ids, 600, "2024-01-01", "2024-12-31", &ng, &lo, &hi);
	ok(np == 5 && ng == 5 && lo == 120 && hi == 120,
	    "600 stations x 366 days: 5 batches of 120, 5 requests");

	/* A year fits one page with 136 stations: one batch, 3 pages. */
	np = daily(r, ids, 300, "2024-01-01", "2024-12-31", &ng, &lo, &hi);
	ok(np == 3 && ng == 1, "300 stations x 366 days: one batch, 3 pages");

	/* A short range: as few batches as the URL allows, all full. */
	np = daily(r, ids, 2000, "2024-12-01", "2024-12-31", &ng, &lo, &hi);
	ok(ng == np && ng == 5 && hi - lo <= 1,
	    "2000 stations x 31 days: 5 even batches of a page each");
	ok(urls_fit(r, 2000, ng, 40), "each URL under the limit");

	/* Long ids: the URL still decides, evenly. */
	for (i = 0; i < 900; i++) {
		snprintf(ids[i], sizeof(ids[i]), "4012%011zu", i);
		r[i].station = ids[i];
	}
	ng = sf_usgsfetch_group(r, 900, 200);
	ok(ng == 3 && urls_fit(r, 900, ng, 200),
	    "900 15-digit stations: three batches, each URL under the limit");

	/* Continuous: a window per year; 10 stations x a year a page. */
	memset(r, 0, 40 * sizeof(*r));
	for (i = 0; i < 40; i++) {
		snprintf(ids[i], sizeof(ids[i]), "%08zu", 1000000 + i);
		r[i].station = ids[i];
		r[i].kind = SF_USGSFETCH_CONTINUOUS;
		r[i].start = T("2023-01-01T00:00:00Z");
		r[i].end = T("2024-12-30T23:59:59Z");
	}
	ng = sf_usgsfetch_group(r, 40, 40);
	is_int(ng, 1, "40 stations x two years of 15-minute values: one batch");
}

int
main(void)
{
	test_windows();
	test_groups();
	test_balance();
	test_urls();
	return tap_done();
}
