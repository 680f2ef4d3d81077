/*
 * sf_ecfetch: how sf-fetch-ec cuts its requests for the Environment
 * Canada services: which stations share a request, which time windows
 * each request covers, and the URLs that ask for them.
 *
 * wateroffice daily means (daily_data): several stations per request,
 * windows of SF_ECFETCH_DAILY_YEARS years. Real-time values (real_time_data):
 * several stations per request, windows of SF_ECFETCH_RT_MONTHS month, and no
 * start further back than SF_ECFETCH_RT_REACH months before now (the service
 * keeps about 18 months). Windows are cut from the group's start by
 * calendar arithmetic (a start on the 31st steps to the last day of
 * shorter months, and back to the 31st after), so they neither overlap
 * nor leave a gap: window k is [start + k steps, start + (k+1) steps - 1
 * unit], the unit being a day for daily means and a second for real-time
 * values; the last window ends at the group's end, and takes it even when
 * the end is the next step's first instant (no window of one instant).
 *
 * Also here, what else is EC's own in a fetch: fitting a request to what
 * the service holds (sf_ecfetch_fit), the Datamart's province of each
 * station (its files are filed by province), the station list held for
 * --stations, and the line of an error body worth quoting.
 *
 * Nothing here does I/O; everything is in UTC seconds (sf_time).
 */
#ifndef SF_ECFETCH_H
#define SF_ECFETCH_H

#include <stddef.h>
#include <stdint.h>

#include "sf_buf.h"
#include "sf_err.h"
#include "sf_rec.h"

enum sf_ecfetch_kind {
	SF_ECFETCH_DAILY,	/* wateroffice daily_data: daily_mean */
	SF_ECFETCH_REALTIME	/* wateroffice real_time_data: realtime_15min */
};

#define SF_ECFETCH_DAILY_YEARS	10	/* daily window: a decade */
#define SF_ECFETCH_RT_MONTHS	1	/* real-time window: a month */
#define SF_ECFETCH_RT_REACH	18	/* real-time service's reach, months */
#define SF_ECFETCH_DAILY_GROUP	20	/* stations per daily request */
#define SF_ECFETCH_RT_GROUP	10	/* stations per real-time request */
#define SF_ECFETCH_DAILY_SLACK	(31 * 86400L)	/* starts this close share */
#define SF_ECFETCH_RT_SLACK	86400L
#define SF_ECFETCH_URL_MAX	2000	/* bytes in a request's URL */
#define SF_ECFETCH_DATAMART_DAYS 30	/* what the Datamart keeps */
#define SF_ECFETCH_PROV_LEN	8	/* a province code and its NUL */

/* Where the requests go. */
enum sf_ecfetch_service {
	SF_ECFETCH_WATEROFFICE,	/* wateroffice daily_data, real_time_data */
	SF_ECFETCH_DATAMART	/* MSC Datamart: per-station files, 30 days */
};

/* One station's part of the work, as the caller normalised it. */
struct sf_ecfetch_req {
	const char *config;	/* borrowed; may be NULL */
	const char *station;	/* borrowed */
	enum sf_ecfetch_kind kind;
	int64_t start;		/* daily: midnight of the first day */
	int64_t end;		/* last instant (daily: midnight of last day) */
	size_t order;		/* the caller's index, kept through the sort */
	size_t group;		/* set by sf_ecfetch_group */
	char prov[SF_ECFETCH_PROV_LEN];	/* Datamart: sf_ecfetch_prov_take */
};

/* What sf_ecfetch_fit made of a request. */
enum sf_ecfetch_fit {
	SF_ECFETCH_FETCH,	/* fetch it; a message in why is a warning */
	SF_ECFETCH_SKIP,	/* nothing to fetch; why says so (a warning) */
	SF_ECFETCH_EMPTY,	/* nothing to fetch: its start is after its end */
	SF_ECFETCH_REFUSE	/* the service has no such data: an error */
};

/*
 * Fits r to what service svc holds at now, changing r->start and r->end:
 * the end no later than now; wateroffice daily means by whole days
 * (midnight of each end's day); wateroffice real-time values from no
 * earlier than SF_ECFETCH_RT_REACH months before now: a start before it
 * is clipped to it (FETCH, with a warning), an end before it leaves
 * nothing (SKIP); the Datamart has real-time values only (REFUSE for
 * daily means) and keeps SF_ECFETCH_DATAMART_DAYS days: an earlier start
 * is said (FETCH with a warning), not clipped, since the files hold what
 * they hold. Then a start after the end is EMPTY. why->msg is set for
 * every outcome but a plain FETCH (where it is ""), without the station:
 * "start '2024-01-01T00:00:00Z' is beyond the 18 months of real-time
 * data: clipped to '2025-05-25T12:00:00Z'".
 */
enum sf_ecfetch_fit sf_ecfetch_fit(struct sf_ecfetch_req *r,
    enum sf_ecfetch_service svc, int64_t now, struct sf_err *why);

/*
 * Whether a and b ask for the same thing: the same station, kind and
 * config (NULL being a config of its own). The caller fetches one.
 */
int sf_ecfetch_same(const struct sf_ecfetch_req *a,
    const struct sf_ecfetch_req *b);

/*
 * t moved by months calendar months (negative goes back), the day of the
 * month clamped to the length of the month reached (2024-03-31 - 1 month
 * is 2024-02-29), the time of day kept.
 */
int64_t sf_ecfetch_add_months(int64_t t, long months);

/* Midnight UTC of the day of t. */
int64_t sf_ecfetch_day(int64_t t);

/*
 * Sorts r by kind, config, end, start and station, and numbers the groups
 * in r[i].group from 0: consecutive requests share a group when they have
 * the same kind, config and end, their starts are within the kind's slack
 * of the group's first (earliest) start, the group is under the kind's
 * size, its URL (base_len bytes of base URL) stays under SF_ECFETCH_URL_MAX,
 * and the station is not in the group already. Returns the number of
 * groups.
 */
size_t sf_ecfetch_group(struct sf_ecfetch_req *r, size_t n, size_t base_len);

/*
 * Window k (from 0) of a group of kind that starts at start and ends at
 * end (both included): sets *ws and *we and returns 1, or returns 0 when
 * the group has no window k (start after end has none).
 */
int sf_ecfetch_window(enum sf_ecfetch_kind kind, int64_t start, int64_t end,
    long k, int64_t *ws, int64_t *we);

/* How many windows the group has (0 when start is after end). */
long sf_ecfetch_nwindows(enum sf_ecfetch_kind kind, int64_t start, int64_t end);

/*
 * Sets b to the URL asking base (checked, without its trailing slash) for
 * the discharge of the n stations from ws to we:
 *   BASE/daily_data/csv/inline?stations[]=A&...&parameters[]=flow
 *       &start_date=YYYY-MM-DD&end_date=YYYY-MM-DD
 *   BASE/real_time_data/csv/inline?stations[]=A&...&parameters[]=47
 *       &start_date=YYYY-MM-DD HH:MM:SS&end_date=YYYY-MM-DD HH:MM:SS
 * with every value percent-encoded (sf_http_url_param).
 */
void sf_ecfetch_url(struct sf_buf *b, const char *base,
    enum sf_ecfetch_kind kind, const char *const *stations, size_t n,
    int64_t ws, int64_t we);

/*
 * Sets b to the URL of a station's Datamart file: which is "hourly" or
 * "daily": BASE/csv/PROV/hourly/PROV_STN_hourly_hydrometric.csv.
 */
void sf_ecfetch_datamart_url(struct sf_buf *b, const char *base,
    const char *prov, const char *station, const char *which);

/* Sets b to the URL of the Datamart station list under base. */
void sf_ecfetch_list_url(struct sf_buf *b, const char *base);

/*
 * The Datamart files its stations by province, which only the station
 * list says. sf_ecfetch_prov_sort sorts the n requests of v (pointers,
 * not owned) by station; sf_ecfetch_prov_take then reads one record of
 * the list (a station record of sf_ec's SF_EC_STATIONS) and sets the
 * prov of every request in v of its station to its state (a record
 * without both is ignored; a state too long for prov is cut).
 * sf_ecfetch_prov_reset empties every prov (before a retried body).
 */
void sf_ecfetch_prov_sort(struct sf_ecfetch_req **v, size_t n);
void sf_ecfetch_prov_take(struct sf_ecfetch_req **v, size_t n,
    const struct sf_rec *rec);
void sf_ecfetch_prov_reset(struct sf_ecfetch_req **v, size_t n);

/*
 * The station list, held whole until its body is in (a retried body
 * starts over, and nothing may be written twice), then read back. With
 * only (nonly ids, borrowed for the life of l), only those stations are
 * kept, and l->seen[k] tells whether only[k] was found.
 */
struct sf_ecfetch_list {
	struct sf_buf recs;		/* each record's fields, packed */
	long n;				/* records held */
	const char *const *only;
	size_t nonly;
	char *seen;			/* nonly flags */
};

/* Inits l (release with sf_ecfetch_list_release). */
void sf_ecfetch_list_init(struct sf_ecfetch_list *l, const char *const *only,
    size_t nonly);

/*
 * Holds rec (a station record; copied) when it is one of only, or only is
 * empty. Returns 0: a callback for sf_ec_new, arg being l.
 */
int sf_ecfetch_list_take(void *l, const struct sf_rec *rec);

/* Forgets every record held and every station seen. */
void sf_ecfetch_list_reset(struct sf_ecfetch_list *l);

/*
 * Sets r to the next record held, from *pos (0 for the first; advanced).
 * Returns 1, or 0 past the last. r's strings are borrowed from l.
 */
int sf_ecfetch_list_next(const struct sf_ecfetch_list *l, size_t *pos,
    struct sf_rec *r);

void sf_ecfetch_list_release(struct sf_ecfetch_list *l);

#define SF_ECFETCH_SNIPPET_MAX	120	/* bytes of an error body quoted */

/*
 * Appends ": " and the first line of body (a non-2xx body, NUL-terminated,
 * may be NULL) to err->msg when it is worth quoting: not empty, not an
 * HTML page; at most SF_ECFETCH_SNIPPET_MAX bytes of it, control
 * characters shown as '?'.
 */
void sf_ecfetch_snippet(struct sf_err *err, const char *body);

#endif
