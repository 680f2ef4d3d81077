/*
 * t_fetch: what the three fetchers share (sf_fetch): whose a request is,
 * and the one reading of a request's type, start and end.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tap.h"
#include "tap_time.h"
#include "sf_err.h"
#include "sf_fetch.h"
#include "sf_rec.h"
#include "sf.h"

static void
req(struct sf_rec *r, const char *agency, const char *type,
    const char *source, const char *target)
{
	sf_rec_clear(r, SF_KIND_REQUEST);
	r->f[SF_REQ_STATION] = "01646500";
	r->f[SF_REQ_AGENCY] = agency;
	r->f[SF_REQ_TYPE] = type;
	r->f[SF_REQ_SOURCE] = source;
	r->f[SF_REQ_TARGET_ID] = target;
}

static void
test_route(void)
{
	struct sf_rec r;

	req(&r, "USGS", "daily_mean", NULL, NULL);
	is_int(sf_fetch_route(&r), SF_FETCH_OBS, "daily_mean: observations");
	ok(sf_fetch_obs_mine(&r, "USGS"), "a USGS one is sf-fetch-usgs's");
	ok(!sf_fetch_obs_mine(&r, "EC"), "and not sf-fetch-ec's");
	req(&r, NULL, "realtime_15min", "", "");
	is_int(sf_fetch_route(&r), SF_FETCH_OBS, "empty source and target");
	ok(sf_fetch_obs_mine(&r, "EC") && sf_fetch_obs_mine(&r, "USGS"),
	    "no agency: either observation fetcher's");
	req(&r, "USGS", "daily_mean", NULL, "AMAT2");
	is_int(sf_fetch_route(&r), SF_FETCH_FORECAST, "a target_id: forecast");
	ok(!sf_fetch_obs_mine(&r, "USGS"), "not sf-fetch-usgs's");
	req(&r, "USGS", "forecast", "NOAA_RFC", NULL);
	is_int(sf_fetch_route(&r), SF_FETCH_FORECAST, "a source: forecast");
	req(&r, "USGS", "NOAA_RFC", NULL, NULL);
	is_int(sf_fetch_route(&r), SF_FETCH_FORECAST,
	    "a forecast type: sf-fetch-nwm's (its error record)");
	ok(sf_fetch_obs_mine(&r, "USGS"),
	    "yet sf-fetch-usgs takes it too: an unknown type of its own");
	sf_rec_clear(&r, SF_KIND_ERROR);
	is_int(sf_fetch_route(&r), SF_FETCH_NONE, "another kind: nobody's");
	ok(!sf_fetch_obs_mine(&r, "USGS"), "passed through");
}

static void
test_span(void)
{
	struct sf_fetch_span sp;
	struct sf_err err;
	int64_t now = T("2024-05-01T12:00:00Z");

	ok(sf_fetch_span(NULL, "2024-04-01", "2024-04-10", NULL, now, 0, &sp,
	    &err) == 0, "a date range");
	ok(sp.realtime == 0 && sp.start == T("2024-04-01") &&
	    sp.end == T("2024-04-10T23:59:59Z") && !sp.has_mod,
	    "no type: daily; a date-only end: the end of that day");
	ok(sf_fetch_span("realtime_15min", "2024-04-01T06:00:00Z",
	    "2024-04-10T06:00:00Z", "2024-04-20T00:00:00Z", now, 0, &sp,
	    &err) == 0 && sp.realtime && sp.end == T("2024-04-10T06:00:00Z") &&
	    sp.has_mod && sp.mod == T("2024-04-20T00:00:00Z"),
	    "an instant is kept; modified_since read");
	ok(sf_fetch_span("daily_mean", "2024-04-01", "", NULL, now, 0, &sp,
	    &err) == 0 && sp.end == now, "no end: now");
	ok(sf_fetch_span("daily_mean", NULL, NULL, NULL, now, 7 * 86400L, &sp,
	    &err) == 0 && sp.start == now - 7 * 86400L,
	    "no start: back seconds before the end");
	is_int(sf_fetch_span("daily_mean", NULL, NULL, NULL, now, 0, &sp,
	    &err), -1, "no start, no default: refused");
	is_str(err.msg, "no start", "said so");
	is_int(sf_fetch_span("hourly", "2024-04-01", NULL, NULL, now, 0, &sp,
	    &err), -1, "an unknown type: refused");
	is_str(err.msg, "type 'hourly': not daily_mean or realtime_15min",
	    "said so");
	is_int(sf_fetch_span(NULL, "2024-02-30", NULL, NULL, now, 0, &sp,
	    &err), -1, "a bad start: refused");
	ok(strncmp(err.msg, "start: ", 7) == 0, "named start");
	is_int(sf_fetch_span(NULL, "2024-02-01", "x", NULL, now, 0, &sp,
	    &err), -1, "a bad end: refused");
	ok(strncmp(err.msg, "end: ", 5) == 0, "named end");
}

int
main(void)
{
	test_route();
	test_span();
	return tap_done();
}
