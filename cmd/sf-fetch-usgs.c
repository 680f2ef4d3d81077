/*
 * sf-fetch-usgs: USGS daily means, 15-minute values and the station
 * catalog, from the Water Data OGC API (or the legacy NWIS services).
 *
 * Requests (stdin or options) are grouped into jobs: stations of one
 * configuration and type whose start dates are close share a request (a
 * comma list, the URL kept under SF_USGSFETCH_URL_MAX bytes; see
 * sf_usgsfetch). A job runs its time windows (one for daily means, a year
 * at most for continuous values) in order and follows each window's next
 * links to the end. Each page is
 * parsed as it arrives into a buffer, and written only once it is whole:
 * a page cut short is retried from its start or fails, never half
 * written. The buffered rows are sorted by station and time (a stable
 * sort), and each station's rows must come after those already written
 * for it; a station whose rows go back in time fails. A failed request
 * fails every station of its job that has not failed yet: an error
 * record, and no rows for it afterwards.
 */
#include <getopt.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "sf_buf.h"
#include "sf_fetch.h"
#include "sf_http.h"
#include "sf_id.h"
#include "sf_log.h"
#include "sf_mem.h"
#include "sf_rec.h"
#include "sf_str.h"
#include "sf_time.h"
#include "sf_usgs.h"
#include "sf_usgsfetch.h"
#include "sf.h"

#define DEFAULT_URL	"https://api.waterdata.usgs.gov/ogcapi/v0"
#define NWIS_URL	"https://waterservices.usgs.gov/nwis"
/*
 * Pages one window may take. The most a window asks for is a batch of
 * stations as long as SF_USGSFETCH_URL_MAX allows (about 440) times a
 * year of 15-minute values (35,136): 15.5 M rows, 310 pages of 50,000; a
 * decade of 15-minute values of one station is 350,000 rows, 7 pages. A
 * window that goes on longer is a service that does not stop.
 */
#define PAGES_MAX	1000

static const char usage_text[] =
    "usage: sf-fetch-usgs [-qv] [--backoff MS] [--base-url URL] "
    "[--config NAME] [--end TIME] [-f FORMAT] [--huc HUC] [-j N] "
    "[--retries N] [-s ID ...] [--service NAME] [--site-type TYPE] [--start TIME] "
    "[--state ST] [--stations] [-t TYPE] [--timeout S]\n";

static const struct option longopts[] = {
	{ "backoff", required_argument, NULL, 'B' },
	{ "base-url", required_argument, NULL, 'u' },
	{ "config", required_argument, NULL, 'c' },
	{ "end", required_argument, NULL, 'e' },
	{ "format", required_argument, NULL, 'f' },
	{ "help", no_argument, NULL, 'h' },
	{ "id", required_argument, NULL, 's' },	/* an old name of --station */
	{ "huc", required_argument, NULL, 'H' },
	{ "jobs", required_argument, NULL, 'j' },
	{ "quiet", no_argument, NULL, 'q' },
	{ "retries", required_argument, NULL, 'R' },
	{ "service", required_argument, NULL, 'S' },
	{ "site-type", required_argument, NULL, 'Y' },
	{ "start", required_argument, NULL, 'a' },
	{ "state", required_argument, NULL, 'T' },
	{ "station", required_argument, NULL, 's' },
	{ "stations", no_argument, NULL, 'L' },
	{ "timeout", required_argument, NULL, 'O' },
	{ "type", required_argument, NULL, 't' },
	{ "verbose", no_argument, NULL, 'v' },
	{ "version", no_argument, NULL, 'V' },
	{ NULL, 0, NULL, 0 }
};

enum type { DAILY, CONTINUOUS };
static const char *const type_names[] = { "daily_mean", "realtime_15min" };

struct station {
	char *config;
	char *id;
	enum type type;
	int64_t start, end;
	char *start_text;	/* as requested, for error and done records */
	char *end_text;		/* as requested; NULL: now */
	char *mod_text;		/* modified_since as requested, or NULL */
	int64_t mod;		/* modified_since, when mod_text is set */
	char last[SF_TIME_LEN];	/* the newest observed_at written */
	long rows;		/* rows written */
	int failed;
};

/* A stored field: an offset into the page's arena, or NOFIELD. */
#define NOFIELD UINT32_MAX

struct row {
	uint32_t f[SF_REC_MAXF];
	uint32_t seq;
};

struct fetch;

struct job {
	struct fetch *fx;
	struct station **st;
	size_t nst;
	enum type type;
	int locations;		/* the catalog */
	int64_t start, end;	/* the whole range */
	int64_t wstart, wend;	/* the current window */
	int revision;		/* a revision pass: values modified since mod */
	int64_t mod;
	struct sf_usgs *parser;
	struct sf_buf arena;
	struct row *rows;
	size_t nrows, caprows;
	struct sf_err perr;	/* the parser's error */
	int pfailed;
	int nodata;		/* NWIS 404: no data */
	char **seen;		/* the window's URLs so far, for loops */
	size_t nseen;
};

struct fetch {
	struct sf_http *h;
	struct sf_writer *w;
	enum sf_format fmt;
	int nwis;
	const char *base;
	const char *state, *huc, *site_type;
	long failed;
	struct sf_fetch_tally tally;	/* the progress line */
	int rval;
};

/* What the job asks the service for. */
static enum sf_usgsfetch_kind
job_kind(const struct job *j)
{
	if (j->locations)
		return SF_USGSFETCH_LOCATIONS;
	return j->type == DAILY ? SF_USGSFETCH_DAILY : SF_USGSFETCH_CONTINUOUS;
}

static void
note_cb(void *arg, const char *msg)
{
	(void)arg;
	sf_info("%s", msg);
}

static void
show_progress(struct fetch *fx, int last)
{
	sf_fetch_tally_show(&fx->tally, stderr, sf_log_progname(), last);
}

/* Reports station s failed: a line on stderr and an error record. */
static void
fail_station(struct fetch *fx, struct station *s, long status,
    const char *msg)
{
	struct sf_rec r;
	struct sf_err err;
	char num[SF_NUM_LEN], text[SF_ERR_MAX];

	if (s->failed)
		return;
	snprintf(text, sizeof(text), "%s", msg);
	sf_http_scrub(fx->h, text, sizeof(text));
	msg = text;
	s->failed = 1;
	fx->failed++;
	fx->rval = SF_EXIT_FAIL;
	show_progress(fx, -1);
	sf_error("station '%s': %s", s->id, msg);
	if (fx->fmt != SF_FMT_NDJSON)
		return;
	sf_rec_error(&r, s->config, s->id, "USGS", type_names[s->type],
	    s->start_text, status, num, msg);
	if (sf_writer_put(fx->w, &r, &err) == -1)
		sf_error("%s", err.msg);
}

static void
fail_job(struct job *j, long status, const char *msg)
{
	size_t i;

	char text[SF_ERR_MAX];

	if (j->locations) {
		snprintf(text, sizeof(text), "%s", msg);
		sf_http_scrub(j->fx->h, text, sizeof(text));
		sf_error("%s", text);
		j->fx->failed++;
		j->fx->rval = SF_EXIT_FAIL;
		return;
	}
	for (i = 0; i < j->nst; i++)
		fail_station(j->fx, j->st[i], status, msg);
}

/* The parser's callback: keeps the record in the page buffer. */
static int
emit_cb(void *arg, const struct sf_rec *rec)
{
	struct job *j = arg;
	struct row *r;
	int i, n;

	n = sf_kind_info(rec->kind)->nfields;
	if (j->arena.len > UINT32_MAX / 2 || j->nrows > UINT32_MAX / 2)
		return -1;	/* no page is that large */
	if (j->nrows == j->caprows) {
		j->caprows = j->caprows ? j->caprows * 2 : 1024;
		j->rows = sf_realloc(j->rows, j->caprows * sizeof(*j->rows));
	}
	r = &j->rows[j->nrows];
	r->seq = (uint32_t)j->nrows++;
	for (i = 0; i < n; i++) {
		if (rec->f[i] == NULL) {
			r->f[i] = NOFIELD;
			continue;
		}
		r->f[i] = (uint32_t)j->arena.len;
		sf_buf_add(&j->arena, rec->f[i], strlen(rec->f[i]) + 1);
	}
	return 0;
}

static const char *
fld(const struct job *j, const struct row *r, int i)
{
	return r->f[i] == NOFIELD ? NULL : j->arena.buf + r->f[i];
}

static const struct job *sort_job;

/* Orders obs rows by station, then time, then arrival. */
static int
row_cmp(const void *a, const void *b)
{
	const struct row *x = a, *y = b;
	const char *s, *t;
	int c;

	s = fld(sort_job, x, SF_OBS_STATION);
	t = fld(sort_job, y, SF_OBS_STATION);
	if ((c = strcmp(s != NULL ? s : "", t != NULL ? t : "")) != 0)
		return c;
	s = fld(sort_job, x, SF_OBS_OBSERVED_AT);
	t = fld(sort_job, y, SF_OBS_OBSERVED_AT);
	if ((c = strcmp(s != NULL ? s : "", t != NULL ? t : "")) != 0)
		return c;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

static struct station *
job_station(struct job *j, const char *id)
{
	size_t i;

	for (i = 0; id != NULL && i < j->nst; i++)
		if (strcmp(j->st[i]->id, id) == 0)
			return j->st[i];
	return NULL;
}

/* Writes the page's rows: each station's in ascending time. */
static void
flush_page(struct job *j)
{
	struct fetch *fx = j->fx;
	struct station *s = NULL;
	const char *prev = NULL, *id, *at;
	struct sf_rec rec;
	struct sf_err err;
	size_t i;
	int k, n;
	char msg[SF_ERR_MAX];

	if (!j->locations && j->nrows > 1) {
		sort_job = j;
		qsort(j->rows, j->nrows, sizeof(*j->rows), row_cmp);
	}
	for (i = 0; i < j->nrows; i++) {
		struct row *r = &j->rows[i];

		if (j->locations) {
			sf_rec_clear(&rec, SF_KIND_STATION);
			n = SF_ST_NFIELDS;
		} else {
			id = fld(j, r, SF_OBS_STATION);
			if (prev == NULL || id == NULL || strcmp(prev, id)) {
				s = job_station(j, id);
				if (s == NULL)
					sf_warn("station '%s': not asked "
					    "for; rows dropped",
					    id != NULL ? id : "");
			}
			prev = id;
			if (s == NULL || s->failed)
				continue;
			at = fld(j, r, SF_OBS_OBSERVED_AT);
			if (at == NULL || strcmp(at, s->last) <= 0) {
				snprintf(msg, sizeof(msg), "rows out of "
				    "order: %s after %s", at ? at : "null",
				    s->last);
				fail_station(fx, s, 0, msg);
				continue;
			}
			snprintf(s->last, sizeof(s->last), "%s", at);
			sf_rec_clear(&rec, SF_KIND_OBS);
			n = SF_OBS_NFIELDS;
		}
		for (k = 0; k < n; k++)
			rec.f[k] = fld(j, r, k);
		if (sf_writer_put(fx->w, &rec, &err) == -1)
			sf_error("%s", err.msg);
		else {
			fx->tally.rows++;
			if (s != NULL && !j->locations)
				s->rows++;
		}
	}
	j->nrows = 0;
	sf_buf_reset(&j->arena);
}

/* Builds the URL of the job's current window (b[0]; b[1] is unused). */
static void
job_url(struct job *j, struct sf_buf *b)
{
	struct fetch *fx = j->fx;
	struct sf_usgsfetch_query q;
	const char **ids = sf_calloc(j->nst + 1, sizeof(*ids));
	size_t i;

	for (i = 0; i < j->nst; i++)
		ids[i] = j->st[i]->id;
	memset(&q, 0, sizeof(q));
	q.kind = job_kind(j);
	q.nwis = fx->nwis;
	q.stations = ids;
	q.nstations = j->nst;
	q.ws = j->wstart;
	q.we = j->wend;
	q.revision = j->revision;
	q.mod = j->mod;
	q.state = fx->state;
	q.huc = fx->huc;
	q.site_type = fx->site_type;
	sf_usgsfetch_url(&b[0], fx->base, &q);
	free(ids);
}

/* Whether every station of j has failed. */
static int
job_failed(const struct job *j)
{
	size_t i;

	for (i = 0; i < j->nst; i++)
		if (!j->st[i]->failed)
			return 0;
	return 1;
}

/* Appends "GET URL: what", a long URL shortened in the middle. */
static void
get_msg(struct sf_buf *m, const char *url, const char *what)
{
	size_t n = strlen(url);

	if (n <= 200)
		sf_buf_addf(m, "GET %s: %s", url, what);
	else
		sf_buf_addf(m, "GET %.120s...%s: %s", url, url + n - 60, what);
}

static int begin_cb(void *arg, const struct sf_http_res *res);
static int body_cb(void *arg, const char *p, size_t n);
static int done_cb(void *arg, const struct sf_http_res *res);

/* Forgets the URLs of the job's window. */
static void
forget_seen(struct job *j)
{
	while (j->nseen > 0)
		free(j->seen[--j->nseen]);
}

/*
 * Checks the next link of the job's window: on the base URL's origin (the
 * key goes with it), not seen before in the window (a loop), and under
 * PAGES_MAX pages. Returns 0, or -1 with the reason in m.
 */
static int
check_next(struct job *j, const char *next, struct sf_buf *m)
{
	size_t i;

	if (!sf_http_same_origin(next, j->fx->base)) {
		sf_buf_adds(m, "next link to another origin than the base URL "
		    "not followed (the API key would go with it)");
		return -1;
	}
	for (i = 0; i < j->nseen; i++)
		if (strcmp(j->seen[i], next) == 0) {
			sf_buf_addf(m, "next link seen before in this request, "
			    "after %zu pages: stopped", j->nseen);
			return -1;
		}
	if (j->nseen >= PAGES_MAX) {
		sf_buf_addf(m, "more than %d pages in one request: stopped",
		    PAGES_MAX);
		return -1;
	}
	return 0;
}

static int
queue(struct job *j, const char *url)
{
	struct sf_http_req req = { 0 };
	struct sf_err err;

	req.url = url;
	req.begin = begin_cb;
	req.body = body_cb;
	req.done = done_cb;
	req.arg = j;
	req.restart = 1;
	sf_usgs_reset(j->parser);
	j->nrows = 0;
	sf_buf_reset(&j->arena);
	j->pfailed = 0;
	j->nodata = 0;
	if (sf_http_add(j->fx->h, &req, &err) == -1) {
		fail_job(j, 0, err.msg);
		return -1;
	}
	j->seen = sf_realloc(j->seen, (j->nseen + 1) * sizeof(*j->seen));
	j->seen[j->nseen++] = sf_strdup(url);
	j->fx->tally.requests++;
	return 0;
}

/*
 * The job is over: a done record for each station that did not fail (in
 * NDJSON; a CSV stream holds one kind).
 */
static void
job_done(struct job *j)
{
	struct fetch *fx = j->fx;
	struct station *s;
	struct sf_rec r;
	struct sf_err err;
	char num[SF_NUM_LEN];
	size_t i;

	fx->tally.done += (long)j->nst;
	if (fx->fmt != SF_FMT_NDJSON)
		return;
	for (i = 0; i < j->nst; i++) {
		s = j->st[i];
		if (s->failed)
			continue;
		sf_fetch_done(&r, s->config, s->id, "USGS",
		    type_names[s->type], s->start_text, s->end_text,
		    s->mod_text, s->rows, num,
		    s->rows > 0 ? s->last : NULL);
		if (sf_writer_put(fx->w, &r, &err) == -1)
			sf_error("%s", err.msg);
	}
}

/* Queues the job's next window, if any. */
static void
next_window(struct job *j)
{
	struct sf_buf b[2] = { SF_BUF_INIT, SF_BUF_INIT };

	if (!sf_usgsfetch_next(job_kind(j), j->end, &j->wstart, &j->wend)) {
		job_done(j);
		return;
	}
	job_url(j, b);
	forget_seen(j);
	(void)queue(j, b[0].buf);
	sf_buf_release(&b[0]);
	sf_buf_release(&b[1]);
}

/* Paces the requests by the rate limit the API announces. */
static void
slow_down(struct fetch *fx, const struct sf_http_res *res)
{
	long n;

	if ((n = sf_fetch_pace(fx->h, res)) >= 0)
		sf_info("X-RateLimit-Remaining %ld: slowing down", n);
}

static int
begin_cb(void *arg, const struct sf_http_res *res)
{
	struct job *j = arg;

	slow_down(j->fx, res);
	sf_usgs_reset(j->parser);
	j->nrows = 0;
	sf_buf_reset(&j->arena);
	j->pfailed = 0;
	return 0;
}

static int
body_cb(void *arg, const char *p, size_t n)
{
	struct job *j = arg;

	if (sf_usgs_feed(j->parser, p, n, &j->perr) == -1) {
		j->pfailed = 1;
		return -1;
	}
	return 0;
}

static int
done_cb(void *arg, const struct sf_http_res *res)
{
	struct job *j = arg;
	struct fetch *fx = j->fx;
	struct sf_usgs_stats st;
	struct sf_buf m = SF_BUF_INIT;
	const char *next;
	char ebuf[256];
	char *url;

	if (res->rc == -1 && fx->nwis && res->status == 404) {
		/* NWIS: no data for these sites and dates */
		j->nrows = 0;
		next_window(j);
		show_progress(fx, 0);
		return 0;
	}
	if (res->rc == -1) {
		if (j->pfailed)
			get_msg(&m, res->url, j->perr.msg);
		else if (res->errbody != NULL && res->errbody_len > 0 &&
		    *sf_usgs_error_message(res->errbody, res->errbody_len,
		    ebuf, sizeof(ebuf)) != '\0')
			sf_buf_addf(&m, "%s: %s", res->err.msg, ebuf);
		else
			sf_buf_adds(&m, res->err.msg);
		fail_job(j, sf_http_error_status(res), m.buf);
		sf_buf_release(&m);
		show_progress(fx, 0);
		return 0;
	}
	if (sf_usgs_end(j->parser, &j->perr) == -1) {
		get_msg(&m, res->url, j->perr.msg);
		fail_job(j, sf_http_error_status(res), m.buf);
		sf_buf_release(&m);
		show_progress(fx, 0);
		return 0;
	}
	sf_usgs_stats(j->parser, &st);
	flush_page(j);
	next = sf_usgs_next(j->parser);
	if (!j->locations && job_failed(j))	/* nothing to go on */
		j->fx->tally.done += (long)j->nst;
	else if (next != NULL && st.items > 0) {
		url = sf_strdup(next);
		if (check_next(j, url, &m) == -1) {
			fail_job(j, 0, m.buf);
			sf_buf_release(&m);
			j->fx->tally.done += (long)j->nst;
		} else
			(void)queue(j, url);
		free(url);
	} else
		next_window(j);
	show_progress(fx, 0);
	return 0;
}

static struct job *
job_new(struct fetch *fx, enum sf_usgs_fmt fmt, const char *config)
{
	struct job *j;

	j = sf_calloc(1, sizeof(*j));
	j->fx = fx;
	sf_buf_init(&j->arena);
	j->parser = sf_usgs_new(fmt, config, emit_cb, j);
	return j;
}

static void
job_free(struct job *j)
{
	sf_usgs_free(j->parser);
	forget_seen(j);
	free(j->seen);
	sf_buf_release(&j->arena);
	free(j->rows);
	free(j->st);
	free(j);
}

/* Starts the job's first window. */
static void
job_start(struct job *j)
{
	struct sf_buf b[2] = { SF_BUF_INIT, SF_BUF_INIT };

	sf_usgsfetch_first(job_kind(j), j->start, j->end, &j->wstart,
	    &j->wend);
	job_url(j, b);
	(void)queue(j, b[0].buf);
	sf_buf_release(&b[0]);
	sf_buf_release(&b[1]);
}

/* Splits the stations into jobs (sf_usgsfetch_group); returns how many. */
static size_t
make_jobs(struct fetch *fx, struct station **st, size_t n,
    struct job ***jobsp)
{
	struct sf_usgsfetch_req *r = sf_calloc(n + 1, sizeof(*r));
	struct job **jobs, *j = NULL;
	struct station *s;
	size_t i, nj;

	for (i = 0; i < n; i++) {
		r[i].config = st[i]->config;
		r[i].station = st[i]->id;
		r[i].kind = st[i]->type == DAILY ? SF_USGSFETCH_DAILY :
		    SF_USGSFETCH_CONTINUOUS;
		r[i].revision = st[i]->mod_text != NULL;
		r[i].start = st[i]->start;
		r[i].end = st[i]->end;
		r[i].order = i;
	}
	nj = sf_usgsfetch_group(r, n, strlen(fx->base));
	jobs = sf_calloc(nj + 1, sizeof(*jobs));
	for (i = 0; i < n; i++) {
		s = st[r[i].order];
		if (jobs[r[i].group] == NULL) {
			j = job_new(fx, fx->nwis ? (s->type == DAILY ?
			    SF_USGS_RDB_DV : SF_USGS_RDB_IV) :
			    (s->type == DAILY ? SF_USGS_DAILY :
			    SF_USGS_CONTINUOUS), s->config);
			j->st = sf_calloc(n - i, sizeof(*j->st));
			j->type = s->type;
			j->start = s->start;
			j->end = s->end;
			j->revision = s->mod_text != NULL && !fx->nwis;
			j->mod = s->mod;
			jobs[r[i].group] = j;
		}
		if (s->mod_text != NULL && s->mod < j->mod)
			j->mod = s->mod;	/* the earliest of the batch */
		j->st[j->nst++] = s;
	}
	free(r);
	*jobsp = jobs;
	return nj;
}

/* Parses TIME (a date or an instant) into *t; exits 2 when it does not. */
static int64_t
opt_time(const char *name, const char *s)
{
	struct sf_err err;
	int64_t t;

	if (sf_time_parse(s, &t, &err) == -1) {
		sf_error("%s: %s", name, err.msg);
		sf_usage_die();
	}
	return t;
}

static int
parse_type(const char *s, enum type *t)
{
	if (s == NULL || strcmp(s, "daily_mean") == 0)
		*t = DAILY;
	else if (strcmp(s, "realtime_15min") == 0)
		*t = CONTINUOUS;
	else
		return -1;
	return 0;
}

struct stlist {
	struct station **v;
	size_t n, cap;
};

/*
 * Adds a station request; returns 0, 1 with err when it asks for nothing
 * (its start is after its end), or -1 with err (a bad id, type or time).
 */
static int
add_station(struct stlist *l, const char *config, const char *id,
    const char *type, const char *start, const char *end, const char *mod,
    int64_t now, struct sf_err *err)
{
	struct station *s;
	struct sf_fetch_span sp;
	enum type t;
	int64_t a, e;

	if (id == NULL)
		return sf_err_set(err, "no station");
	if (sf_id_check("USGS", id, err) == -1)
		return -1;
	if (sf_fetch_span(type, start, end, mod, now, 0, &sp, err) == -1)
		return -1;
	t = sp.realtime ? CONTINUOUS : DAILY;
	a = sp.start;
	e = sp.end;
	if (!sp.has_mod)
		mod = NULL;
	if (t == DAILY) {	/* whole days */
		a -= ((a % 86400) + 86400) % 86400;
		e -= ((e % 86400) + 86400) % 86400;
	}
	if (e < a) {
		sf_err_set(err, "station '%s': start after the end: nothing to "
		    "fetch", id);
		return 1;
	}
	s = sf_calloc(1, sizeof(*s));
	s->config = config != NULL ? sf_strdup(config) : NULL;
	s->id = sf_strdup(id);
	s->type = t;
	s->start = a;
	s->end = e;
	s->start_text = sf_strdup(start);
	s->end_text = end != NULL && *end != '\0' ? sf_strdup(end) : NULL;
	s->mod_text = mod != NULL ? sf_strdup(mod) : NULL;
	s->mod = sp.mod;
	if (l->n == l->cap) {
		l->cap = l->cap ? l->cap * 2 : 64;
		l->v = sf_realloc(l->v, l->cap * sizeof(*l->v));
	}
	l->v[l->n++] = s;
	return 0;
}

/*
 * Passes rec, not ours to fetch, through; returns 0, or 1 when it could
 * not be written.
 */
static int
pass(struct fetch *fx, const struct sf_rec *rec, long line)
{
	struct sf_err err;

	switch (sf_fetch_pass(fx->w, fx->fmt, rec, &err)) {
	case 1:
		sf_warn("-:%ld: %s record left out: CSV output holds obs "
		    "records only", line, sf_kind_info(rec->kind)->name);
		return 0;
	case -1:
		sf_error("%s", err.msg);
		return 1;
	}
	return 0;
}

/*
 * Reads request records from stdin; passes records of another kind or
 * agency through. Returns 0, or 1 after bad ones (a malformed request of
 * a station is an error record).
 */
static int
read_requests(struct fetch *fx, struct stlist *l, int64_t now)
{
	struct sf_reader *rd;
	struct sf_rec rec, e;
	struct sf_err err;
	char num[SF_NUM_LEN];
	int rc, r = 0;

	rd = sf_reader_new(stdin, "-");
	while ((rc = sf_reader_next(rd, &rec, &err)) != 0) {
		if (rc < 0) {
			sf_error("%s", err.msg);
			r = 1;
			if (rc == -2)
				break;
			continue;
		}
		if (!sf_fetch_obs_mine(&rec, "USGS")) {
			r |= pass(fx, &rec, sf_reader_line(rd));
			continue;
		}
		rc = add_station(l, rec.f[SF_REQ_CONFIG], rec.f[SF_REQ_STATION],
		    rec.f[SF_REQ_TYPE], rec.f[SF_REQ_START], rec.f[SF_REQ_END],
		    rec.f[SF_REQ_MODIFIED_SINCE], now, &err);
		if (rc == 1)
			sf_info("-:%ld: %s", sf_reader_line(rd), err.msg);
		else if (rc == -1) {
			sf_error("-:%ld: %s", sf_reader_line(rd), err.msg);
			r = 1;
			if (rec.f[SF_REQ_STATION] == NULL ||
			    fx->fmt != SF_FMT_NDJSON)
				continue;
			sf_rec_error(&e, rec.f[SF_REQ_CONFIG],
			    rec.f[SF_REQ_STATION], "USGS", rec.f[SF_REQ_TYPE],
			    rec.f[SF_REQ_START], 0, num, err.msg);
			if (sf_writer_put(fx->w, &e, &err) == -1)
				sf_error("%s", err.msg);
		}
	}
	sf_reader_free(rd);
	return r;
}

int
main(int argc, char *argv[])
{
	struct sf_http_opts ho = { 0 };
	struct fetch fx = { 0 };
	struct stlist l = { 0 };
	struct job **jobs = NULL, *loc = NULL;
	struct sf_err err;
	struct sf_buf key = SF_BUF_INIT;
	const char *config = NULL, *type = NULL, *start = NULL, *end = NULL;
	const char *service = "waterdata", *base = NULL;
	struct sf_buf pat = SF_BUF_INIT;
	const char *headers[] = { "Accept: application/json", NULL };
	long long jn = 4, backoff = 1000, retries = 4;
	double timeout = 0;
	char **ids = NULL;
	size_t nids = 0, nj = 0, i;
	int c, stations = 0;
	int64_t now, tend;

	sf_log_init(argv[0]);
	argv[0] = (char *)sf_log_progname();	/* for getopt's messages */
	fx.fmt = SF_FMT_NDJSON;
	fx.site_type = "ST";
	ids = sf_calloc((size_t)argc + 1, sizeof(*ids));
	while ((c = getopt_long(argc, argv, "f:hj:qs:t:vV", longopts,
	    NULL)) != -1) {
		switch (c) {
		case 'B':
			if (sf_str_toll(optarg, 0, 600000, &backoff,
			    &err) == -1) {
				sf_error("--backoff: %s", err.msg);
				sf_usage_die();
			}
			break;
		case 'H':
			fx.huc = optarg;
			break;
		case 'L':
			stations = 1;
			break;
		case 'O':
			if (sf_str_todouble(optarg, &timeout, &err) == -1 ||
			    timeout <= 0 || timeout > 86400) {
				sf_error("--timeout: '%s': not a number of "
				    "seconds", optarg);
				sf_usage_die();
			}
			break;
		case 'R':
			if (sf_str_toll(optarg, 0, 10, &retries, &err) == -1) {
				sf_error("--retries: %s", err.msg);
				sf_usage_die();
			}
			break;
		case 'S':
			service = optarg;
			break;
		case 'T':
			fx.state = optarg;
			break;
		case 'Y':
			fx.site_type = optarg;
			break;
		case 'a':
			start = optarg;
			break;
		case 'c':
			config = optarg;
			break;
		case 'e':
			end = optarg;
			break;
		case 'f':
			if (sf_format_parse(optarg, &fx.fmt, &err) == -1) {
				sf_error("%s", err.msg);
				sf_usage_die();
			}
			break;
		case 'j':
			if (sf_str_toll(optarg, 1, 64, &jn, &err) == -1) {
				sf_error("-j: %s", err.msg);
				sf_usage_die();
			}
			break;
		case 's':
			ids[nids++] = optarg;
			break;
		case 't':
			type = optarg;
			break;
		case 'u':
			base = optarg;
			break;
		default:
			if (!sf_common_opt(c, usage_text, SF_VERSION))
				sf_usage_die();
		}
	}
	if (optind < argc) {
		sf_error("unexpected argument '%s'", argv[optind]);
		sf_usage_die();
	}
	if (strcmp(service, "waterdata") == 0)
		fx.nwis = 0;
	else if (strcmp(service, "nwis") == 0)
		fx.nwis = 1;
	else {
		sf_error("--service: '%s': unknown (waterdata or nwis)",
		    service);
		sf_usage_die();
	}
	if (sf_time_now(&now, &err) == -1)
		sf_die(SF_EXIT_USAGE, "%s", err.msg);
	if (start != NULL)
		(void)opt_time("--start", start);
	if (end != NULL && sf_fetch_end(end, &tend, &err) == -1) {
		sf_error("--end: %s", err.msg);
		sf_usage_die();
	}
	if (type != NULL) {
		enum type t;

		if (parse_type(type, &t) == -1) {
			sf_error("-t: type '%s': unknown (daily_mean or "
			    "realtime_15min)", type);
			sf_usage_die();
		}
	}
	if (stations && nids > 0) {
		sf_error("--stations takes no -s");
		sf_usage_die();
	}
	if (stations && fx.state != NULL &&
	    sf_usgs_state_fips(fx.state) == NULL) {
		sf_error("--state: '%s': not a state's postal code",
		    fx.state);
		sf_usage_die();
	}
	if (!stations && (fx.state != NULL || fx.huc != NULL)) {
		sf_error("--state and --huc go with --stations");
		sf_usage_die();
	}
	if (base == NULL && (base = getenv("SF_USGS_URL")) != NULL &&
	    *base == '\0')
		base = NULL;
	if (base == NULL)
		base = fx.nwis ? NWIS_URL : DEFAULT_URL;
	{
		struct sf_buf b = SF_BUF_INIT;

		if (sf_http_url_base(&b, base, &err) == -1)
			sf_die(SF_EXIT_USAGE, "%s", err.msg);
		fx.base = sf_buf_detach(&b);
	}

	if (!stations) {
		if (nids > 0) {
			if (start == NULL)
				sf_die(SF_EXIT_USAGE, "-s needs --start");
			for (i = 0; i < nids; i++)
				if (add_station(&l, config, ids[i], type,
				    start, end, NULL, now, &err) != 0) {
					sf_error("%s", err.msg);
					sf_usage_die();
				}
		}
	}

	ho.headers = headers;
	switch (sf_fetch_usgs_key(&pat, &err)) {
	case -1:
		sf_die(SF_EXIT_FAIL, "%s", err.msg);
		break;
	case 1:
		sf_buf_addf(&key, "X-Api-Key: %s", pat.buf);
		ho.secret_header = key.buf;
		break;
	}
	sf_buf_release(&pat);
	ho.parallel = (int)jn;
	ho.max_attempts = (int)retries + 1;
	ho.backoff_ms = backoff > 0 ? (long)backoff : 1;
	ho.backoff_max_ms = backoff > 0 ? 30 * (long)backoff : 1;
	if (timeout > 0) {
		ho.timeout_ms = (long)(timeout * 1000);
		ho.low_speed_time = timeout < 1 ? 1 : (long)timeout;
	}
	ho.note = note_cb;
	if ((fx.h = sf_http_new(&ho, &err)) == NULL)
		sf_die(SF_EXIT_FAIL, "%s", err.msg);
	fx.w = sf_writer_new(stdout, fx.fmt);
	if (!stations && nids == 0 && read_requests(&fx, &l, now) != 0)
		fx.rval = SF_EXIT_FAIL;
	sf_fetch_tally_start(&fx.tally, l.n, 2, sf_log_level() >= 0);

	if (stations) {
		loc = job_new(&fx, fx.nwis ? SF_USGS_RDB_SITE :
		    SF_USGS_LOCATIONS, NULL);
		loc->locations = 1;
		job_start(loc);
	} else {
		nj = make_jobs(&fx, l.v, l.n, &jobs);
		for (i = 0; i < nj; i++)
			job_start(jobs[i]);
	}
	if (sf_http_run(fx.h, &err) == -1) {
		sf_error("%s", err.msg);
		fx.rval = SF_EXIT_FAIL;
	}
	show_progress(&fx, 1);
	sf_info("%zu stations, %ld requests, %ld rows, %ld failed", l.n,
	    fx.tally.requests, fx.tally.rows, fx.failed);

	for (i = 0; i < nj; i++)
		job_free(jobs[i]);
	free(jobs);
	if (loc != NULL)
		job_free(loc);
	for (i = 0; i < l.n; i++) {
		free(l.v[i]->config);
		free(l.v[i]->id);
		free(l.v[i]->start_text);
		free(l.v[i]->end_text);
		free(l.v[i]->mod_text);
		free(l.v[i]);
	}
	free(l.v);
	free(ids);
	sf_writer_free(fx.w);
	sf_http_free(fx.h);
	sf_buf_release(&key);
	free((char *)fx.base);
	if (sf_fshut(stdout, "stdout") == -1)
		fx.rval = SF_EXIT_FAIL;
	return fx.rval;
}
