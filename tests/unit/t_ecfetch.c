/*
 * t_ecfetch: sf-fetch-ec's request plan (sf_ecfetch): calendar steps,
 * windows that neither overlap nor leave gaps, station groups, URLs; and
 * what else is EC's own: fitting requests to the services, the Datamart
 * provinces, the station list held for --stations, error-body snippets.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tap.h"
#include "tap_time.h"
#include "sf_buf.h"
#include "sf_ecfetch.h"
#include "sf_err.h"
#include "sf_rec.h"
#include "sf.h"

static void
test_months(void)
{
	is_str(S(sf_ecfetch_add_months(T("2024-01-31T06:30:00Z"), 1)),
	    "2024-02-29T06:30:00Z", "31 Jan + 1 month: 29 Feb (leap)");
	is_str(S(sf_ecfetch_add_months(T("2023-01-31T00:00:00Z"), 1)),
	    "2023-02-28T00:00:00Z", "31 Jan + 1 month: 28 Feb");
	is_str(S(sf_ecfetch_add_months(T("2024-01-31T00:00:00Z"), 3)),
	    "2024-04-30T00:00:00Z", "31 Jan + 3 months: 30 Apr");
	is_str(S(sf_ecfetch_add_months(T("2026-11-25T12:00:00Z"), -18)),
	    "2025-05-25T12:00:00Z", "18 months back");
	is_str(S(sf_ecfetch_add_months(T("2024-02-29T00:00:00Z"), 120)),
	    "2034-02-28T00:00:00Z", "a decade from 29 Feb");
	is_str(S(sf_ecfetch_add_months(T("1900-01-01T00:00:00Z"), -12)),
	    "1899-01-01T00:00:00Z", "before 1970");
	is_str(S(sf_ecfetch_add_months(T("0001-03-01T00:00:00Z"), -24)),
	    "0001-01-01T00:00:00Z", "clamped at year 1");
	is_str(S(sf_ecfetch_day(T("1969-12-31T23:59:59Z"))),
	    "1969-12-31T00:00:00Z", "day of an instant before 1970");
	is_str(S(sf_ecfetch_day(T("2024-06-01T00:00:00Z"))),
	    "2024-06-01T00:00:00Z", "day of midnight");
}

/* The windows of a group as "ws..we ws..we ...". */
static const char *
windows(enum sf_ecfetch_kind kind, const char *a, const char *b)
{
	static char out[4096];
	int64_t ws, we;
	size_t o = 0;
	long k;

	out[0] = '\0';
	for (k = 0; sf_ecfetch_window(kind, T(a), T(b), k, &ws, &we); k++)
		o += snprintf(out + o, sizeof(out) - o, "%s%s..%s",
		    k ? " " : "", S(ws), S(we));
	return out;
}

static void
test_windows(void)
{
	is_str(windows(SF_ECFETCH_REALTIME, "2026-11-25T11:45:00Z",
	    "2026-11-25T12:00:00Z"),
	    "2026-11-25T11:45:00Z..2026-11-25T12:00:00Z",
	    "a short real-time span is one window");
	is_str(windows(SF_ECFETCH_REALTIME, "2026-01-31T00:00:00Z",
	    "2026-04-02T00:00:00Z"),
	    "2026-01-31T00:00:00Z..2026-02-27T23:59:59Z "
	    "2026-02-28T00:00:00Z..2026-03-30T23:59:59Z "
	    "2026-03-31T00:00:00Z..2026-04-02T00:00:00Z",
	    "monthly windows from the 31st: no gap, no overlap, no drift");
	is_int(sf_ecfetch_nwindows(SF_ECFETCH_REALTIME,
	    T("2025-05-25T12:00:00Z"), T("2026-11-25T12:00:00Z")), 18,
	    "18 months and an instant: 18 windows, the last one longer");
	is_int(sf_ecfetch_nwindows(SF_ECFETCH_REALTIME,
	    T("2025-05-25T12:00:00Z"), T("2026-11-25T11:59:59Z")), 18,
	    "18 months to the second: 18 windows");
	is_str(windows(SF_ECFETCH_REALTIME, "2026-09-25T12:00:00Z",
	    "2026-11-25T12:00:00Z"),
	    "2026-09-25T12:00:00Z..2026-10-25T11:59:59Z "
	    "2026-10-25T12:00:00Z..2026-11-25T12:00:00Z",
	    "the last window takes the end's instant");
	is_str(windows(SF_ECFETCH_REALTIME, "2026-10-25T12:00:00Z",
	    "2026-11-25T12:00:01Z"),
	    "2026-10-25T12:00:00Z..2026-11-25T11:59:59Z "
	    "2026-11-25T12:00:00Z..2026-11-25T12:00:01Z",
	    "a second more is a window of its own");
	is_str(windows(SF_ECFETCH_DAILY, "1950-01-01", "1975-06-30"),
	    "1950-01-01T00:00:00Z..1959-12-31T00:00:00Z "
	    "1960-01-01T00:00:00Z..1969-12-31T00:00:00Z "
	    "1970-01-01T00:00:00Z..1975-06-30T00:00:00Z",
	    "daily windows are decades");
	is_str(windows(SF_ECFETCH_DAILY, "2023-01-01", "2023-01-01"),
	    "2023-01-01T00:00:00Z..2023-01-01T00:00:00Z", "a single day");
	is_str(windows(SF_ECFETCH_DAILY, "2023-01-02", "2023-01-01"), "",
	    "start after end: no window");
	is_int(sf_ecfetch_nwindows(SF_ECFETCH_DAILY, T("2023-01-02"),
	    T("2023-01-01")), 0, "start after end: 0 windows");
	is_int(sf_ecfetch_nwindows(SF_ECFETCH_DAILY, T("1900-01-01"),
	    T("2026-11-25")), 13, "1900 to 2026: 13 decades");
}

static void
test_groups(void)
{
	struct sf_ecfetch_req r[40];
	char ids[40][8];
	size_t i, n, ng;
	int64_t now = T("2026-11-25T12:00:00Z");

	memset(r, 0, sizeof(r));
	for (i = 0; i < 25; i++) {
		snprintf(ids[i], sizeof(ids[i]), "08MF%03zu", 100 - i);
		r[i].station = ids[i];
		r[i].config = "c";
		r[i].kind = SF_ECFETCH_REALTIME;
		r[i].start = now - 3600;
		r[i].end = now;
		r[i].order = i;
	}
	/* a start two days earlier, another config, a duplicate station */
	r[3].start = now - 3 * 86400;
	r[4].config = NULL;
	snprintf(ids[5], sizeof(ids[5]), "%s", ids[6]);
	n = 25;
	ng = sf_ecfetch_group(r, n, 30);
	is_str(r[0].config, NULL, "sorted: the NULL config first");
	is_int(r[0].group, 0, "alone in its group");
	is_str(r[1].station, ids[3], "then the early start");
	is_int(r[1].group, 1, "which is a group of its own");
	is_int(r[2].group, 2, "the next ten start a group");
	is_int(r[11].group, 2, "ten in a group");
	is_int(r[12].group, 3, "the eleventh starts another");
	for (i = 1; i < n; i++)
		if (r[i].group == r[i - 1].group &&
		    strcmp(r[i].station, r[i - 1].station) == 0)
			break;
	is_int(i, n, "a station is never twice in a group");
	is_int(ng, r[n - 1].group + 1, "the count of groups");
	is_int(ng, 5, "five groups");

	/* daily: starts within a month share, the group of 20, long ids */
	for (i = 0; i < 25; i++) {
		r[i].kind = SF_ECFETCH_DAILY;
		r[i].config = "d";
		r[i].start = T("1990-01-01") + (int64_t)i * 86400;
		r[i].end = T("2026-11-25");
		snprintf(ids[i], sizeof(ids[i]), "01AB%03zu", i);
		r[i].station = ids[i];
	}
	r[24].start = T("1990-03-01");
	ng = sf_ecfetch_group(r, 25, 30);
	is_int(ng, 3, "daily: 20, 4 and a late start");
	is_int(r[19].group, 0, "twenty share the first");
	is_int(r[20].group, 1, "the 21st starts the next");
	is_int(r[24].group, 2, "a start 2 months on is apart");
	ng = sf_ecfetch_group(r, 25, SF_ECFETCH_URL_MAX - 160 - 2 * 23);
	is_int(ng, 13, "a long base URL: two stations a request");
}

static void
test_urls(void)
{
	struct sf_buf b = SF_BUF_INIT;
	const char *st[] = { "08MF005", "08HB048" };

	sf_ecfetch_url(&b, "http://h/services", SF_ECFETCH_DAILY, st, 2,
	    T("2023-01-01"), T("2023-12-31"));
	is_str(b.buf, "http://h/services/daily_data/csv/inline?"
	    "stations%5B%5D=08MF005&stations%5B%5D=08HB048&"
	    "parameters%5B%5D=flow&start_date=2023-01-01&"
	    "end_date=2023-12-31", "daily URL");
	sf_ecfetch_url(&b, "http://h/services", SF_ECFETCH_REALTIME, st, 1,
	    T("2025-10-22T00:00:00Z"), T("2025-10-22T23:59:59Z"));
	is_str(b.buf, "http://h/services/real_time_data/csv/inline?"
	    "stations%5B%5D=08MF005&parameters%5B%5D=47&"
	    "start_date=2025-10-22%2000%3A00%3A00&"
	    "end_date=2025-10-22%2023%3A59%3A59", "real-time URL");
	ok(b.len < 160 + 30, "the fixed part fits the allowance");
	sf_ecfetch_datamart_url(&b, "http://h/today/hydrometric", "BC",
	    "08MF005", "hourly");
	is_str(b.buf, "http://h/today/hydrometric/csv/BC/hourly/"
	    "BC_08MF005_hourly_hydrometric.csv", "Datamart URL");
	sf_buf_release(&b);
}

/* sf_ecfetch_fit on a request of kind from a to b: "VERDICT start..end msg". */
static const char *
fit(enum sf_ecfetch_service svc, enum sf_ecfetch_kind kind, const char *a,
    const char *b)
{
	static const char *const v[] = { "fetch", "skip", "empty", "refuse" };
	static char out[1024];
	struct sf_ecfetch_req r = { 0 };
	struct sf_err why;
	enum sf_ecfetch_fit f;

	r.station = "08MF005";
	r.kind = kind;
	r.start = T(a);
	r.end = T(b);
	f = sf_ecfetch_fit(&r, svc, T("2026-11-25T12:00:00Z"), &why);
	snprintf(out, sizeof(out), "%s %s..%s%s%s", v[f], S(r.start),
	    S(r.end), why.msg[0] != '\0' ? " " : "", why.msg);
	return out;
}

static void
test_fit(void)
{
	is_str(fit(SF_ECFETCH_WATEROFFICE, SF_ECFETCH_DAILY,
	    "2020-01-01T06:00:00Z", "2030-01-01"),
	    "fetch 2020-01-01T00:00:00Z..2026-11-25T00:00:00Z",
	    "daily: whole days, the end no later than today");
	is_str(fit(SF_ECFETCH_WATEROFFICE, SF_ECFETCH_DAILY,
	    "2026-11-26", "2026-12-01"),
	    "empty 2026-11-26T00:00:00Z..2026-11-25T00:00:00Z "
	    "nothing to fetch (start after end)",
	    "daily: a start in the future is empty");
	is_str(fit(SF_ECFETCH_WATEROFFICE, SF_ECFETCH_REALTIME,
	    "2026-11-25T06:00:00Z", "2026-11-25T11:00:00Z"),
	    "fetch 2026-11-25T06:00:00Z..2026-11-25T11:00:00Z",
	    "real-time: kept as asked");
	is_str(fit(SF_ECFETCH_WATEROFFICE, SF_ECFETCH_REALTIME,
	    "2024-01-01", "2026-11-25T11:00:00Z"),
	    "fetch 2025-05-25T12:00:00Z..2026-11-25T11:00:00Z "
	    "start '2024-01-01T00:00:00Z' is beyond the 18 months of "
	    "real-time data: clipped to '2025-05-25T12:00:00Z'",
	    "real-time: a start beyond reach is clipped, and said");
	is_str(fit(SF_ECFETCH_WATEROFFICE, SF_ECFETCH_REALTIME,
	    "2024-01-01", "2024-02-01"),
	    "skip 2024-01-01T00:00:00Z..2024-02-01T00:00:00Z "
	    "end '2024-02-01T00:00:00Z' is beyond the 18 months of "
	    "real-time data (from '2025-05-25T12:00:00Z'): nothing to fetch",
	    "real-time: an end beyond reach leaves nothing");
	is_str(fit(SF_ECFETCH_DATAMART, SF_ECFETCH_DAILY,
	    "2026-11-20", "2026-11-25"),
	    "refuse 2026-11-20T00:00:00Z..2026-11-25T00:00:00Z "
	    "type 'daily_mean': the Datamart has realtime_15min only",
	    "Datamart: no daily means");
	is_str(fit(SF_ECFETCH_DATAMART, SF_ECFETCH_REALTIME,
	    "2026-10-01T00:00:00Z", "2026-12-25T00:00:00Z"),
	    "fetch 2026-10-01T00:00:00Z..2026-11-25T12:00:00Z "
	    "start '2026-10-01T00:00:00Z': the Datamart keeps 30 days, "
	    "nothing before '2026-10-26T12:00:00Z'",
	    "Datamart: an early start is said, not clipped");
	is_str(fit(SF_ECFETCH_DATAMART, SF_ECFETCH_REALTIME,
	    "2026-11-25T13:00:00Z", "2026-11-26T00:00:00Z"),
	    "empty 2026-11-25T13:00:00Z..2026-11-25T12:00:00Z "
	    "nothing to fetch (start after end)",
	    "Datamart: a start after now is empty");
}

static void
test_same(void)
{
	struct sf_ecfetch_req a = { 0 }, b = { 0 };

	a.station = b.station = "08MF005";
	a.config = "c";
	ok(!sf_ecfetch_same(&a, &b), "a config and none differ");
	b.config = "c";
	ok(sf_ecfetch_same(&a, &b), "same station, kind and config");
	b.kind = SF_ECFETCH_REALTIME;
	ok(!sf_ecfetch_same(&a, &b), "another kind differs");
	b.kind = a.kind;
	b.station = "08MF006";
	ok(!sf_ecfetch_same(&a, &b), "another station differs");
}

static void
station(struct sf_rec *r, const char *id, const char *prov)
{
	sf_rec_clear(r, SF_KIND_STATION);
	r->f[SF_ST_STATION] = id;
	r->f[SF_ST_AGENCY] = "EC";
	r->f[SF_ST_STATE] = prov;
}

static void
test_provinces(void)
{
	struct sf_ecfetch_req q[4] = { { 0 } }, *v[4];
	struct sf_rec r;
	size_t i;

	q[0].station = "08MF005";
	q[1].station = "02HA003";
	q[2].station = "08MF005";	/* the same station, another config */
	q[3].station = "05BB001";
	for (i = 0; i < 4; i++)
		v[i] = &q[i];
	sf_ecfetch_prov_sort(v, 4);
	is_str(v[0]->station, "02HA003", "sorted by station");
	station(&r, "08MF005", "BC");
	sf_ecfetch_prov_take(v, 4, &r);
	station(&r, "02HA003", "ON");
	sf_ecfetch_prov_take(v, 4, &r);
	station(&r, "01AA002", "NB");
	sf_ecfetch_prov_take(v, 4, &r);
	station(&r, "05BB001", NULL);
	sf_ecfetch_prov_take(v, 4, &r);
	is_str(q[0].prov, "BC", "the province of a station");
	is_str(q[2].prov, "BC", "every request of the station gets it");
	is_str(q[1].prov, "ON", "another station");
	is_str(q[3].prov, "", "no state: none");
	station(&r, "08MF005", "BRITISH COLUMBIA");
	sf_ecfetch_prov_take(v, 4, &r);
	is_str(q[0].prov, "BRITISH", "a long state is cut to fit");
	sf_ecfetch_prov_reset(v, 4);
	is_str(q[0].prov, "", "reset before a retried body");
}

static void
test_list(void)
{
	const char *only[] = { "08MF005", "99ZZ999" };
	struct sf_ecfetch_list l;
	struct sf_rec r;
	size_t pos = 0;

	sf_ecfetch_list_init(&l, only, 2);
	station(&r, "08MF005", "BC");
	sf_ecfetch_list_take(&l, &r);
	sf_ecfetch_list_reset(&l);
	ok(l.n == 0 && !l.seen[0], "reset forgets what an attempt brought");
	station(&r, "02HA003", "ON");
	sf_ecfetch_list_take(&l, &r);
	station(&r, "08MF005", "BC");
	r.f[SF_ST_NAME] = "FRASER RIVER AT HOPE";
	sf_ecfetch_list_take(&l, &r);
	is_int(l.n, 1, "only the stations asked for are held");
	ok(l.seen[0] && !l.seen[1], "and which were seen");
	r.f[SF_ST_NAME] = "changed";
	ok(sf_ecfetch_list_next(&l, &pos, &r), "a record held");
	is_str(r.f[SF_ST_STATION], "08MF005", "its station");
	is_str(r.f[SF_ST_NAME], "FRASER RIVER AT HOPE", "a copy of its name");
	is_str(r.f[SF_ST_LATITUDE], NULL, "a null stays null");
	ok(r.kind == SF_KIND_STATION, "a station record");
	ok(!sf_ecfetch_list_next(&l, &pos, &r), "no more");
	sf_ecfetch_list_release(&l);

	sf_ecfetch_list_init(&l, NULL, 0);
	station(&r, "02HA003", "ON");
	sf_ecfetch_list_take(&l, &r);
	station(&r, "08MF005", "BC");
	sf_ecfetch_list_take(&l, &r);
	is_int(l.n, 2, "without -s, every station");
	sf_ecfetch_list_release(&l);
}

static void
test_snippet(void)
{
	struct sf_err e;

	sf_err_set(&e, "HTTP 400");
	sf_ecfetch_snippet(&e, "\r\n  Bad station\x01 list\nsecond line");
	is_str(e.msg, "HTTP 400: Bad station? list", "the first line, cleaned");
	sf_err_set(&e, "HTTP 500");
	sf_ecfetch_snippet(&e, " <html><body>oops</body></html>");
	is_str(e.msg, "HTTP 500", "an HTML page is not quoted");
	sf_ecfetch_snippet(&e, NULL);
	sf_ecfetch_snippet(&e, "\n\n");
	is_str(e.msg, "HTTP 500", "nor an empty body");
}

int
main(void)
{
	test_months();
	test_windows();
	test_groups();
	test_urls();
	test_fit();
	test_same();
	test_provinces();
	test_list();
	test_snippet();
	return tap_done();
}
