/*
 * sf_fetch: what the three fetchers share beyond HTTP: the done record
 * that closes a request, and the USGS API key.
 */
#ifndef SF_FETCH_H
#define SF_FETCH_H

#include <stdint.h>
#include <stdio.h>
#include <time.h>

#include "sf_buf.h"
#include "sf_err.h"
#include "sf_http.h"
#include "sf_rec.h"
#include "sf_str.h"

/*
 * Makes r the done record of a request that succeeded: config, station,
 * agency, type, start, end and modified_since as in the request (borrowed;
 * NULL is null), rows the records it brought (written into num, which must
 * live as long as r), newest the newest instant the agency returned for it
 * (NULL when none).
 */
void sf_fetch_done(struct sf_rec *r, const char *config, const char *station,
    const char *agency, const char *type, const char *start, const char *end,
    const char *modified_since, long rows, char num[SF_NUM_LEN],
    const char *newest);

/*
 * Passes r, a record that is not this fetcher's to fetch (another kind,
 * or a request of another agency), through to w untouched. Returns 0 when
 * written, 1 when not (fmt is CSV: a CSV stream holds one kind; the
 * caller says so), or -1 with err set (the writer failed).
 */
int sf_fetch_pass(struct sf_writer *w, enum sf_format fmt,
    const struct sf_rec *r, struct sf_err *err);

/*
 * The one rule of which fetcher a record is for. Returns SF_FETCH_NONE
 * for a record that is no request, SF_FETCH_FORECAST for a request of
 * sf-fetch-nwm (it names a source or carries a target_id, or its type is
 * no observation type), SF_FETCH_OBS for a request of observations (its
 * agency, when given, says whose: sf-fetch-usgs takes USGS or none,
 * sf-fetch-ec EC or none).
 */
enum sf_fetch_route { SF_FETCH_NONE, SF_FETCH_OBS, SF_FETCH_FORECAST };

enum sf_fetch_route sf_fetch_route(const struct sf_rec *r);

/*
 * Whether r is a request an observation fetcher of agency takes: no
 * source, no target_id, of that agency or none (of any type: an unknown
 * one becomes its error record). Everything else passes through.
 */
int sf_fetch_obs_mine(const struct sf_rec *r, const char *agency);

/*
 * Parses s, an end time, into *t: a date without a time is the end of that
 * day (23:59:59). Returns 0, or -1 with err set (sf_time_parse's message).
 */
int sf_fetch_end(const char *s, int64_t *t, struct sf_err *err);

/* What an observation request asks for, read by sf_fetch_span. */
struct sf_fetch_span {
	int realtime;		/* 0: daily_mean, 1: realtime_15min */
	int64_t start, end;	/* UTC seconds, both included */
	int has_mod;		/* modified_since given */
	int64_t mod;		/* modified_since */
};

/*
 * The one reading of an observation request's type, start, end and
 * modified_since (NULL or "" is not given), for the requests on the input
 * and for the options alike. type: daily_mean (also when not given) or
 * realtime_15min. end: not given is now; a date without a time is the end
 * of that day (23:59:59), so that --end 2024-04-10 takes that day's values
 * in every fetcher. start: not given is back seconds before the end, or an
 * error ("no start") when back is 0. Returns 0 with sp set, or -1 with err:
 * "type 'X': not daily_mean or realtime_15min", "end: ...", "start: ...",
 * "modified_since: ...". A start after the end is not an error here.
 */
int sf_fetch_span(const char *type, const char *start, const char *end,
    const char *mod, int64_t now, int64_t back, struct sf_fetch_span *sp,
    struct sf_err *err);

/*
 * What a fetch has done so far, for the progress line the three fetchers
 * keep on a terminal: stations finished (fetched or failed) of total, HTTP
 * requests sent, records written, seconds since t0.
 */
struct sf_fetch_tally {
	size_t total;
	long done, requests, rows;
	time_t t0;
	int on;			/* show the line at all */
};

/*
 * Starts t at now with total stations. The line is on only when on is
 * set and fd is a terminal: the caller passes stderr's descriptor and
 * whether warnings are wanted (not -q), so that cron never gets it.
 */
void sf_fetch_tally_start(struct sf_fetch_tally *t, size_t total, int fd,
    int on);

/*
 * When t is on, rewrites the line on fp (the caller's stderr):
 * "\rPROG: D/N stations, R requests, K rows, Ss", ended by a newline when
 * last is set; with last -1, only ends the line (before a message).
 */
void sf_fetch_tally_show(const struct sf_fetch_tally *t, FILE *fp,
    const char *prog, int last);

#define SF_FETCH_RATE_LOW	20	/* X-RateLimit-Remaining to slow at */

/*
 * Paces h by the rate limit res (a response whose headers are in)
 * announces: when its X-RateLimit-Remaining falls under
 * SF_FETCH_RATE_LOW, holds every request half a second for each request
 * under it. Returns the remaining count when it slowed down (the caller
 * may say so), else -1.
 */
long sf_fetch_pace(struct sf_http *h, const struct sf_http_res *res);

/*
 * Reads the USGS API key into key (reset first): $API_USGS_PAT when set
 * and not empty, else the first line of the file
 * $XDG_CONFIG_HOME/sf/usgs.key ($HOME/.config/sf/usgs.key when
 * XDG_CONFIG_HOME is unset or empty). Returns 1 with the key, 0 when there
 * is none (no variable, no file), or -1 with err set: the file is readable
 * or writable by group or others ("key file 'PATH': readable or writable
 * by others (chmod 600 PATH)"), is not a regular file, cannot be read, or
 * holds no key or a key with a space or control character. No message
 * ever holds the key.
 */
int sf_fetch_usgs_key(struct sf_buf *key, struct sf_err *err);

#endif
