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
 * Nothing here does I/O; everything is in UTC seconds (sf_time).
 */
#ifndef SF_ECFETCH_H
#define SF_ECFETCH_H

#include <stddef.h>
#include <stdint.h>

#include "sf_buf.h"

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

/* One station's part of the work, as the caller normalised it. */
struct sf_ecfetch_req {
	const char *config;	/* borrowed; may be NULL */
	const char *station;	/* borrowed */
	enum sf_ecfetch_kind kind;
	int64_t start;		/* daily: midnight of the first day */
	int64_t end;		/* last instant (daily: midnight of last day) */
	size_t order;		/* the caller's index, kept through the sort */
	size_t group;		/* set by sf_ecfetch_group */
};

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

#endif
