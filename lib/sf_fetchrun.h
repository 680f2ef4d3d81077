/*
 * sf_fetchrun: the one fetch engine of sf-fetch-usgs, sf-fetch-ec and
 * sf-fetch-nwm, and the driver interface a source plugs into it.
 *
 * The engine holds the policy, a driver only what differs (STYLE.md, "One
 * interface, several engines"):
 *
 *   engine                              driver (struct sf_fetch_driver)
 *   ------                              ------
 *   the options (-j, --retries, ...)    take: check and normalise a request
 *   request intake from stdin           plan: cut stations into jobs
 *   pass-through of what is not ours    window: the URL of a job's window
 *   the job queue over one sf_http      parser: begin / feed / finish
 *   pages, next links, their checks     answer: a failed answer that is
 *   the per-window row store                    no failure (NWIS 404)
 *   error and done records
 *   pacing, progress on a terminal
 *
 * A run:
 *   1. Intake. Each request record of stdin that is the driver's (mine,
 *      by default sf_fetch_obs_mine with the driver's agency) becomes a
 *      struct sf_fetch_station: the engine reads its type, start, end and
 *      modified_since with sf_fetch_span (drivers of observations) and
 *      hands it to take. Other records pass through untouched
 *      (sf_fetch_pass): at once, or in their place among the output when
 *      the driver is ordered (in CSV they are left out: "warning:
 *      stdin:N: KIND record left out: CSV output holds obs records
 *      only"; an error record is said on stderr as the run's are,
 *      "station 'ID': MESSAGE" (nwmdrv)). A line that is no record is
 *      "stdin:N: MESSAGE" (the reader's). A request of the driver's
 *      without a station is "stdin:N: request without a station" and no
 *      record; one the span or take refuses is "stdin:N: station 'ID': MESSAGE"
 *      and an error record. For drivers of observations the engine sets the
 *      station's type to daily_mean or realtime_15min (none given is
 *      daily_mean) and its agency to the driver's when none was given. Stations
 *      given as options (-s) are requests too, built from --config, --type,
 *      --start and --end (their errors are usage errors).
 *   2. Plan. The driver cuts the taken stations into jobs
 *      (sf_fetchrun_job), each a set of stations fetched together.
 *   3. Fetch. Jobs run up to -j at once over one sf_http client. A job
 *      walks its windows in order (window 0, 1, ... until the driver's
 *      window says there is none) and each window's pages in order
 *      (finish's next link, checked: same origin as the base URL, no loop,
 *      SF_FETCHRUN_PAGES_MAX at most).
 *   4. Write. A window is all or nothing: its rows are held in the row
 *      store (compact, see below) until its last page is in, then
 *      written: each page's rows sorted by station and time (stable),
 *      the pages in order. A station whose rows go back in time (a row at
 *      or before the station's last row, of this window or written
 *      before) fails there: its rows before it are written, then its
 *      error record, and none of its rows after. (A driver with
 *      page_whole set makes each page its own unit: a page is written
 *      once whole, as soon as the next page's request is sent (so that
 *      the writing overlaps the server's latency), and a failure loses
 *      only the page that failed; the window's next links are still
 *      checked as one.) A page
 *      that fails (the transfer, the parser, a check) fails the window:
 *      nothing of it is written, and every station of the job that has
 *      not failed yet gets its error record and nothing afterwards.
 *   5. Close. A station that did not fail gets its done record (rows
 *      written, newest time) when its job is over.
 * With an ordered driver, a job writes (its windows, error and done
 * records) only once every job planned before it is over, and the records
 * passed through or refused at intake come out before the first job of a
 * later station; 4 x -j jobs are held at most.
 * Records of another kind than obs a parser emits (forecasts, stations)
 * are held in the same store as text, in the order they came (after the
 * page's obs rows), unchecked; they count toward the job's station
 * when it has one.
 *
 * The one rule for error records: an error names the station of the request it
 * fails, with that request's agency (the driver's when the request gave none),
 * its type, and as start the request's start as asked for the job's first
 * window, the failed window's start (an instant) for a later one when it is
 * after the station's start; status is sf_http_error_status, 0 (null) when no
 * answer is to blame. So a failure always counts toward the breaker of the
 * station whose request failed, never toward another's. In CSV an error is
 * only the line on stderr ("station 'ID': message").
 *
 * Reading ahead (drivers with peek_next): each running job has a thread
 * that feeds its parser, so that the bytes of a page are taken in as fast
 * as they come and the jobs' pages are parsed at once, while this thread
 * only moves bytes (up to SF_FETCHRUN_AHEAD bytes not parsed yet, every
 * job's; a transfer past that waits for its parser). When a body is
 * whole before its parser is through it, the next page is asked for at
 * once, from the link peek_next reads in the body's tail, and the page
 * ends while the server is busy with the next. The parser has the last
 * word: when the link it finds is another, or none, the early request is
 * dropped (a request more in -v's count) and the parser's link followed;
 * when the page fails, the window fails as it would have, once the early
 * request is over. The records, their order and the messages are the
 * same as without reading ahead, but for -v's "GET URL" lines, which may
 * come earlier.
 *
 * Memory: one job's window of rows in the store (about 32 bytes a row,
 * plus the text of values that are no plain decimal), one page of
 * the parser, -j jobs at once, and SF_FETCHRUN_AHEAD bytes of bodies
 * read ahead at most: never whole bodies beyond that, never the whole
 * run. A
 * driver keeps its windows to a size it can afford to hold (a batch of
 * hundreds of stations of 15-minute values is cut into windows of days).
 *
 * Messages the engine says (besides the intake's): "station 'ID':
 * MESSAGE" for a failure, where MESSAGE is "GET URL: WHAT" for a page
 * the parser or a check refused, the driver's answer or sf_http's message
 * for a failed transfer, "rows out of order: T after T" for a station
 * going back in time; "warning: station 'ID': not asked for; rows
 * dropped"; with -v "GET URL" for each request and a last line "N
 * stations, N requests, N rows, N failed" (none with own_summary).
 *
 * The engine prints nothing itself but the progress line (a terminal's
 * stderr, when asked): messages go to the note callback (sf_note.h).
 */
#ifndef SF_FETCHRUN_H
#define SF_FETCHRUN_H

#include <getopt.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "sf_buf.h"
#include "sf_err.h"
#include "sf_fetch.h"
#include "sf_http.h"
#include "sf_note.h"
#include "sf_rec.h"

/*
 * The options every fetcher shares, one set of limits:
 *   -j, --jobs N          transfers at once, 1..64; default 4
 *   --retries N           retries after a failed attempt, 0..10; default 4
 *   --timeout S           one attempt's whole time, seconds, decimal,
 *                         0 < S <= 86400; default none (a stalled transfer
 *                         still ends after 60 s under 1 byte/s)
 *   --backoff MS          the first wait before a retry, milliseconds,
 *                         0..600000; default 1000 (doubling, 30x at most)
 *   --start TIME          a date or an instant (sf_time)
 *   --end TIME            a date is the end of that day; default now
 *   -s, --station ID      a station to fetch (repeatable); old names --id
 *                         and --gauge
 *   -c, --config NAME     the config of the records made from -s
 *   -t, --type TYPE       the type of the requests made from -s
 *   -f, --format FORMAT   ndjson (default) or csv
 *   --base-url URL        the service's base URL
 *   -q, -v, -h, -V        quiet, verbose, help, version (sf_common_opt)
 * A program puts SF_FETCHRUN_LONGOPTS in its getopt_long table (its own
 * options after them, codes below SF_FETCHRUN_OPT_BASE), passes
 * SF_FETCHRUN_SHORTOPTS (plus its own) as the short options, and hands
 * each option it gets to sf_fetchrun_opt first.
 */
#define SF_FETCHRUN_JOBS_MAX	64
#define SF_FETCHRUN_RETRIES_MAX	10
#define SF_FETCHRUN_TIMEOUT_MAX	86400.0
#define SF_FETCHRUN_BACKOFF_MAX	600000L
#define SF_FETCHRUN_PAGES_MAX	1000	/* pages in one window */
#define SF_FETCHRUN_AHEAD	(16L * 1024 * 1024)	/* bytes read ahead */

enum {
	SF_FETCHRUN_OPT_BASE = 0x1000,
	SF_FETCHRUN_OPT_BACKOFF = SF_FETCHRUN_OPT_BASE,
	SF_FETCHRUN_OPT_BASE_URL,
	SF_FETCHRUN_OPT_END,
	SF_FETCHRUN_OPT_RETRIES,
	SF_FETCHRUN_OPT_START,
	SF_FETCHRUN_OPT_TIMEOUT
};

#define SF_FETCHRUN_SHORTOPTS "c:f:hj:qs:t:vV"

#define SF_FETCHRUN_LONGOPTS \
	{ "backoff", required_argument, NULL, SF_FETCHRUN_OPT_BACKOFF }, \
	{ "base-url", required_argument, NULL, SF_FETCHRUN_OPT_BASE_URL }, \
	{ "config", required_argument, NULL, 'c' }, \
	{ "end", required_argument, NULL, SF_FETCHRUN_OPT_END }, \
	{ "format", required_argument, NULL, 'f' }, \
	{ "gauge", required_argument, NULL, 's' }, \
	{ "help", no_argument, NULL, 'h' }, \
	{ "id", required_argument, NULL, 's' }, \
	{ "jobs", required_argument, NULL, 'j' }, \
	{ "quiet", no_argument, NULL, 'q' }, \
	{ "retries", required_argument, NULL, SF_FETCHRUN_OPT_RETRIES }, \
	{ "start", required_argument, NULL, SF_FETCHRUN_OPT_START }, \
	{ "station", required_argument, NULL, 's' }, \
	{ "timeout", required_argument, NULL, SF_FETCHRUN_OPT_TIMEOUT }, \
	{ "type", required_argument, NULL, 't' }, \
	{ "verbose", no_argument, NULL, 'v' }, \
	{ "version", no_argument, NULL, 'V' }

/* The shared options as given; sf_fetchrun_opts_init sets the defaults. */
struct sf_fetchrun_opts {
	int jobs;			/* -j */
	int retries;			/* --retries */
	double timeout;			/* --timeout, s; 0: none */
	long backoff;			/* --backoff, ms */
	const char *start, *end;	/* --start, --end; NULL: not given */
	const char **stations;		/* -s, in order; NULL-terminated */
	size_t nstations;
	const char *config;		/* -c */
	const char *type;		/* -t; NULL: not given */
	enum sf_format fmt;		/* -f */
	const char *base;		/* --base-url; NULL: not given */
};

void sf_fetchrun_opts_init(struct sf_fetchrun_opts *o);
/* Frees what sf_fetchrun_opt allocated (the station list). */
void sf_fetchrun_opts_release(struct sf_fetchrun_opts *o);

/*
 * Takes option c (as getopt_long returned it) with its argument arg into
 * o. Returns 1 when c is a shared option (checked: "-j: ...", "--timeout:
 * 'x': not a number of seconds (0 < S <= 86400)", ...), 0 when it is not
 * (the program's own, or -q -v -h -V: sf_common_opt's), or -1 with err
 * set: a usage error. Options keep borrowing argv's strings.
 */
int sf_fetchrun_opt(struct sf_fetchrun_opts *o, int c, const char *arg,
    struct sf_err *err);

/*
 * The base URL into b (reset first), checked by sf_http_url_base: opt (the
 * --base-url given, or NULL), else the environment variable env when set
 * and not empty, else def. Returns 0, or -1 with err ("base URL 'x':
 * ..."): a usage error.
 */
int sf_fetchrun_base_url(struct sf_buf *b, const char *opt, const char *env,
    const char *def, struct sf_err *err);

/*
 * One station's request, owned by the engine. The text fields are the
 * request's as asked (NULL or "": not given), copied; in take the driver
 * may narrow span, point config, agency or type at a string of its own
 * (static, or living as long as the engine) and hang its own data on
 * data.
 */
struct sf_fetch_station {
	const char *config, *id, *agency, *type, *source, *target_id;
	const char *start, *end, *mod;	/* as asked */
	struct sf_fetch_span span;	/* drivers of observations; may narrow */
	long line;			/* input line; 0 for an option */
	size_t index;			/* in intake order, from 0 */
	void *data;			/* the driver's; it frees it */
	/* the engine's, read-only for drivers */
	long rows;			/* rows written */
	int64_t newest;			/* newest row written (rows > 0) */
	int failed;			/* an error record was written */
};

/*
 * A job: stations fetched together, window after window. The driver
 * reads it and keeps its own state in data (freed by the driver's
 * job_free, if any); win is the current window, from 0; ws and we are
 * the driver's to set in window (the current window's bounds, UTC
 * seconds, both included), read by the engine for error records.
 */
struct sf_fetch_job {
	struct sf_fetch_station **st;	/* borrowed, in the order given */
	size_t nst;
	void *data;
	long win;
	int64_t ws, we;
	struct sf_fetchrun_job *priv;	/* the engine's */
};

/* The engine's callback a parser emits records through (sf_usgs_new's). */
typedef int sf_fetch_emit_fn(void *arg, const struct sf_rec *rec);

struct sf_fetchrun;

/*
 * What a source supplies. ctx (sf_fetchrun_conf.ctx) is passed first to
 * the driver's functions; a parser's functions get the parser. Functions
 * marked optional may be NULL.
 */
struct sf_fetch_driver {
	const char *agency;	/* of its requests ("USGS", "EC"); NULL: any */
	int observations;	/* its requests are read by sf_fetch_span */
	int ordered;		/* output in request order, passes in place */
	int page_whole;		/* each page is all or nothing, not the
				 * window: a page is written when whole */
	long gap_ms;		/* no request starts within this of an answer */
	int64_t back;		/* sf_fetch_span's back: no start is now-back;
				 * 0: a start is required */
	/*
	 * (ecdrv) sort_window: a window's rows are sorted by station and
	 * time across its pages (stable), not page by page: pages that
	 * are parts of one series (the Datamart's hourly and daily files).
	 * bare_errors: a page the parser refused fails with the parser's
	 * message as it is, without "GET URL: " (it names its layout and
	 * line).
	 */
	int sort_window;
	int bare_errors;
	/*
	 * (nwmdrv) own_summary: the program says its own -v summary (its
	 * counts are not the engine's): the engine's last line is left out.
	 */
	int own_summary;

	/*
	 * Optional: whether request r is the driver's; NULL is
	 * sf_fetch_obs_mine(r, agency). Not the driver's: passed through.
	 */
	int (*mine)(void *ctx, const struct sf_rec *r);
	/*
	 * Checks and normalises request s (its span read already when
	 * observations is set). Returns 0 to fetch it, 1 when there is
	 * nothing to fetch (err says why: an info note, no record), or -1
	 * with err: the request is refused (an error record for it).
	 */
	int (*take)(void *ctx, struct sf_fetch_station *s, struct sf_err *err);
	/*
	 * Cuts the n stations taken (in intake order) into jobs, calling
	 * sf_fetchrun_job for each in the order they are to run. Returns 0,
	 * or -1 with err (the run fails).
	 */
	int (*plan)(void *ctx, struct sf_fetchrun *e,
	    struct sf_fetch_station **st, size_t n, struct sf_err *err);
	/*
	 * Sets url to the first page of window j->win of job j (and j->ws,
	 * j->we). Returns 1, 0 when the job has no such window (it is over),
	 * or -1 with err (the window fails).
	 */
	int (*window)(void *ctx, struct sf_fetch_job *j, struct sf_buf *url,
	    struct sf_err *err);
	/* Optional: frees j->data. */
	void (*job_free)(void *ctx, struct sf_fetch_job *j);
	/* Optional: frees s->data (set by take). */
	void (*station_free)(void *ctx, struct sf_fetch_station *s);

	/*
	 * The parser of job j's pages: every record it makes goes to
	 * emit(arg, rec), during feed or finish; a non-zero return from emit
	 * must stop it. Returns the parser (never NULL; out of memory
	 * aborts).
	 */
	void *(*parser_new)(void *ctx, struct sf_fetch_job *j,
	    sf_fetch_emit_fn *emit, void *arg);
	void (*parser_free)(void *p);
	/*
	 * A new attempt at a page begins (also before a retry that restarts a
	 * body): forget the last one. res is the 2xx answer whose body
	 * follows, or NULL before an empty page (answer returned 1).
	 */
	void (*begin)(void *p, const struct sf_http_res *res);
	/* The next n bytes of the body. Returns 0, or -1 with err. */
	int (*feed)(void *p, const char *buf, size_t n, struct sf_err *err);
	/*
	 * The body is whole. Emits what is left and sets *next to the next
	 * page's URL (borrowed until begin or parser_free) or NULL when the
	 * window has no more pages. Returns 0, or -1 with err.
	 */
	int (*finish)(void *p, const char **next, struct sf_err *err);
	/*
	 * Optional: the link finish will give, read from tail, the last n
	 * bytes of a body whose transfer is over, before the parser is
	 * through it (the parser, busy on another thread, is not at hand).
	 * Returns 1 with next set (the href, decoded), or 0 when it cannot
	 * tell. A driver with it has its pages parsed on a thread of their
	 * own, and its next pages asked for early (see "Reading ahead").
	 */
	int (*peek_next)(void *ctx, const char *tail, size_t n,
	    struct sf_buf *next);
	/*
	 * Optional: a request of the parser's failed without a parse error
	 * (res->rc -1). Returns 1 when the answer is an empty page (NWIS's
	 * 404 for no data; begin(NULL) and finish follow), or 0 with err set
	 * to the message of the failure (res->err.msg when NULL, or when it
	 * leaves err empty; it may add what the error body says).
	 */
	int (*answer)(void *p, const struct sf_http_res *res,
	    struct sf_err *err);
	/*
	 * (nwmdrv) Optional: words the failure of station s, msg as the
	 * engine says it ("GET URL: WHAT", the answer's, the window's), into
	 * rec (the error record's message) and line (the line on stderr,
	 * without the program's name). NULL: rec is msg, line "station 'ID':
	 * msg".
	 */
	void (*failure)(void *ctx, const struct sf_fetch_station *s,
	    const char *msg, struct sf_buf *rec, struct sf_buf *line);
};

/* How to run. Everything borrowed for the engine's life. */
struct sf_fetchrun_conf {
	const struct sf_fetch_driver *drv;
	void *ctx;			/* the driver's context */
	const struct sf_fetchrun_opts *opts;
	const char *base;		/* checked base URL, no trailing slash */
	const char *const *headers;	/* sf_http_opts.headers */
	const char *secret_header;	/* sf_http_opts.secret_header */
	FILE *out;			/* records go here (stdout) */
	sf_note_fn *note;		/* messages (sf_cli_note) */
	void *note_arg;
	int progress;			/* the progress line: not -q */
	const char *progname;		/* its prefix */
	int64_t now;			/* the run's now, UTC seconds */
};

/*
 * Returns a new engine (free with sf_fetchrun_free), or NULL with err set
 * (sf_http_new failed).
 */
struct sf_fetchrun *sf_fetchrun_new(const struct sf_fetchrun_conf *c,
    struct sf_err *err);
void sf_fetchrun_free(struct sf_fetchrun *e);

/*
 * Takes the stations of the options (opts->stations) as requests, with
 * opts' config, type, start and end. Returns 0, or -1 with err (a usage
 * error: a bad id, type or time; "-s needs --start" when the driver has
 * no back and --start is missing).
 */
int sf_fetchrun_options(struct sf_fetchrun *e, struct sf_err *err);

/*
 * Reads request records from fp (named name in messages: "stdin"), as in
 * 1. above. Returns 0, or 1 when something was bad (said, and recorded for
 * the exit status).
 */
int sf_fetchrun_read(struct sf_fetchrun *e, FILE *fp, const char *name);

/*
 * (nwmdrv) Takes r, a request the program made (line 0, as the options' are) or
 * read itself (its input line), as sf_fetchrun_read takes the driver's
 * requests: returns 0 when taken, 1 when there is nothing to fetch, -1
 * with err when refused (with a line, its error record is written in
 * NDJSON). The station must not be empty.
 */
int sf_fetchrun_request(struct sf_fetchrun *e, const struct sf_rec *r,
    long line, struct sf_err *err);

/*
 * Plans, fetches and writes everything taken so far, as in 2.-5. above.
 * Returns the exit status: SF_EXIT_OK (0), or 1 when a station failed, a
 * request was bad or the output could not be written.
 */
int sf_fetchrun_run(struct sf_fetchrun *e);

/*
 * In plan: adds a job of the n stations st (borrowed, copied as a list)
 * with the driver's data. Returns the job, owned by the engine.
 */
struct sf_fetch_job *sf_fetchrun_job(struct sf_fetchrun *e,
    struct sf_fetch_station **st, size_t n, void *data);

/*
 * In finish: the done record of station i of job j gives newest as its
 * newest (copied; a forecast's run), not its newest row's time.
 */
void sf_fetchrun_newest(struct sf_fetch_job *j, size_t i,
    const char *newest);

/* A note through the conf's note callback; for drivers. */
void sf_fetchrun_note(struct sf_fetchrun *e, int level, const char *fmt,
    ...) __attribute__((format(printf, 3, 4)));

/*
 * (ecdrv) In plan: fails station s before any job of it (a station the
 * driver cannot fetch: its error record, with status (0: null) and msg,
 * and start null, since no window of it was asked for).
 */
void sf_fetchrun_fail(struct sf_fetchrun *e, struct sf_fetch_station *s,
    long status, const char *msg);

/*
 * (ecdrv) The engine's HTTP client, for a request of the driver's own in
 * plan (sf_http_get: the Datamart station list before the stations'
 * files); borrowed.
 */
struct sf_http *sf_fetchrun_http(struct sf_fetchrun *e);

/* The run's counters (the progress line's), read after sf_fetchrun_run. */
const struct sf_fetch_tally *sf_fetchrun_tally(const struct sf_fetchrun *e);

/*
 * The most bytes of bodies read ahead and not parsed yet at one time, all
 * jobs together (never above SF_FETCHRUN_AHEAD), read after
 * sf_fetchrun_run: for the tests.
 */
size_t sf_fetchrun_ahead_peak(const struct sf_fetchrun *e);
/*
 * (nwmdrv) The HTTP client's counters (retries), read after
 * sf_fetchrun_run. (ecdrv's sf_fetchrun_http gives the same.)
 */
const struct sf_http_stats *sf_fetchrun_http_stats(
    const struct sf_fetchrun *e);

/*
 * The row store: a window's obs rows in a compact form, one arena of packed
 * rows {station index, observed_at as int64, discharge as a decimal (int64
 * digits and a scale: "1.50" stays "1.50"), index of its (config, agency,
 * type, unit, quality_code) in a small table}, 32 bytes; a value that is no
 * plain decimal ("1e3") keeps its text, and so does a time that is not
 * sf_time's canonical form. Records of other kinds are kept as text, in
 * arrival order. The engine keeps one per running job; it is here for the
 * tests.
 */
struct sf_fetch_store;

/*
 * A store for rows of the n stations ids (borrowed: station index i is
 * ids[i]).
 */
struct sf_fetch_store *sf_fetch_store_new(const char *const *ids, size_t n);
void sf_fetch_store_free(struct sf_fetch_store *s);
/*
 * Empties s for rows of the n stations ids, keeping its memory: the
 * engine hands the store of a job that is over to the next one, so that
 * a long run does not allocate and free a window's worth per job.
 */
void sf_fetch_store_retarget(struct sf_fetch_store *s,
    const char *const *ids, size_t n);
/* Empties s, keeping its memory. */
void sf_fetch_store_reset(struct sf_fetch_store *s);

/*
 * Keeps rec (copied). Returns 0, 1 when it is an obs of no station of the
 * store (not kept), or -1 with err: an obs without a valid observed_at.
 */
int sf_fetch_store_add(struct sf_fetch_store *s, const struct sf_rec *rec,
    struct sf_err *err);

/*
 * Ends a page: sorts the rows added since the last seal by station
 * index, then time, then arrival (obs rows of another station than the
 * store's never get in). Rows of a page come after those of the pages
 * sealed before it.
 */
void sf_fetch_store_seal(struct sf_fetch_store *s);
/* (ecdrv) Sorts every row sealed as one page (sort_window). */
void sf_fetch_store_sort(struct sf_fetch_store *s);
/* Drops what was added since the last seal (a page's failed attempt). */
void sf_fetch_store_rollback(struct sf_fetch_store *s);

/* Rows held, and the bytes the store holds (for tests). */
size_t sf_fetch_store_rows(const struct sf_fetch_store *s);
size_t sf_fetch_store_mem(const struct sf_fetch_store *s);

/*
 * Calls put(arg, rec, station index, time) for each row sealed, in the
 * order of the seals (each page as sealed), with put(arg, rec, -1, 0) for
 * a record of another kind than obs. rec and its strings are borrowed
 * for the call. A non-zero return from put stops the walk and is
 * returned; 0 otherwise.
 */
int sf_fetch_store_walk(struct sf_fetch_store *s,
    int (*put)(void *arg, const struct sf_rec *rec, long st, int64_t t),
    void *arg);
/*
 * As sf_fetch_store_walk, for NDJSON output: an obs row comes as its
 * line (len bytes, as sf_writer_put would write the record, newline
 * included; borrowed for the call) with rec NULL, when the store can
 * make it from its packed form (nearly always); else, and for records of
 * another kind, as rec with line NULL.
 */
int sf_fetch_store_walk_lines(struct sf_fetch_store *s,
    int (*put)(void *arg, const struct sf_rec *rec, const char *line,
    size_t len, long st, int64_t t), void *arg);

#endif
