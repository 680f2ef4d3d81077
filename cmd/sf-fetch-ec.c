/*
 * sf-fetch-ec: Water Survey of Canada discharge from Environment and
 * Climate Change Canada: wateroffice daily means and real-time values, the
 * MSC Datamart's files of the last 30 days, and the Datamart station list.
 *
 * Requests (request records on stdin, or -s options) are normalised, cut
 * into station groups and time windows by sf_ecfetch, and fetched with
 * sf_http, at most -j requests held at once. Each window's rows are parsed
 * as they arrive (sf_ec) into a compact buffer of their own and written
 * only when the window is whole and every earlier window of its group has
 * been written: so each station's rows come out in ascending time, a
 * window that fails (a cut body, an unknown layout, HTTP 503 to the last
 * attempt) contributes nothing, and its stations get an error record and
 * no later rows. Memory is bounded by -j windows of rows, whatever the
 * span.
 */
#include <getopt.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sf_ec.h"
#include "sf_fetch.h"
#include "sf_ecfetch.h"
#include "sf_http.h"
#include "sf_id.h"
#include "sf_log.h"
#include "sf.h"

#define WATEROFFICE_URL	"https://wateroffice.ec.gc.ca/services"
#define DATAMART_URL	"https://dd.weather.gc.ca/today/hydrometric"
#define DEFAULT_JOBS	4
#define MAX_JOBS	16
#define PACE_MS		100		/* after an answer, before the next */
#define TIMEOUT_MS	300000L		/* one attempt, whole */
#define DEFAULT_DAYS	7		/* --start's default: before --end */

static const char usage_text[] =
    "usage: sf-fetch-ec [-qv] [--backoff MS] [--base-url URL] "
    "[--config NAME] [--end TIME] [-f FORMAT] [-j N] [--retries N] "
    "[--service wateroffice|datamart] [-s ID ...] [--start TIME] "
    "[--stations] [-t TYPE] [--timeout S]\n";

static const struct option longopts[] = {
	{ "backoff", required_argument, NULL, 'K' },
	{ "base-url", required_argument, NULL, 'B' },
	{ "config", required_argument, NULL, 'C' },
	{ "end", required_argument, NULL, 'E' },
	{ "format", required_argument, NULL, 'f' },
	{ "help", no_argument, NULL, 'h' },
	{ "id", required_argument, NULL, 's' },	/* an old name of --station */
	{ "jobs", required_argument, NULL, 'j' },
	{ "quiet", no_argument, NULL, 'q' },
	{ "retries", required_argument, NULL, 'R' },
	{ "service", required_argument, NULL, 'S' },
	{ "start", required_argument, NULL, 'A' },
	{ "station", required_argument, NULL, 's' },
	{ "stations", no_argument, NULL, 'L' },
	{ "timeout", required_argument, NULL, 'O' },
	{ "type", required_argument, NULL, 't' },
	{ "verbose", no_argument, NULL, 'v' },
	{ "version", no_argument, NULL, 'V' },
	{ NULL, 0, NULL, 0 }
};

/* What a group fetches: wateroffice windows, or a station's two files. */
enum { K_DAILY, K_REALTIME, K_DATAMART };
/* A Datamart group's two jobs. */
enum { DM_HOURLY, DM_DAILY };

static const char *const type_names[] = { "daily_mean", "realtime_15min" };

/* One station to fetch, as asked and then normalised. */
struct req {
	struct sf_ecfetch_req e;	/* config, station: the two below */
	char *config;
	char *station;
	char *start_text, *end_text, *mod_text;	/* as asked, or NULL */
	int skip;		/* nothing to fetch, or already failed */
};

struct reqs {
	struct req *v;
	size_t n, cap;
};

struct job;

/* Stations fetched together, window after window. */
struct group {
	int kind;
	const char *config;	/* borrowed from the first req */
	size_t n;
	const char **ids;	/* borrowed */
	int64_t *starts;	/* each station's own start */
	size_t *reqs;		/* each station's request, in fetch.rs */
	long *rows;		/* each station's rows written */
	char (*newest)[SF_TIME_LEN];	/* each station's newest row */
	const char *prov;	/* Datamart */
	int64_t start, end;	/* the group's span */
	long nwin, launched;
	int stop;		/* a job failed: launch no more */
	int dead;		/* error records written: drop the rest */
	struct job *head, *tail;	/* launched, not yet written */
};

/* One request: a window of a group, or one Datamart file. */
struct job {
	struct fetch *f;
	struct group *g;
	long win;
	int64_t ws, we;
	char (*lo)[SF_TIME_LEN];	/* per station: first time kept */
	char hi[SF_TIME_LEN];		/* last time kept */
	char (*last)[SF_TIME_LEN];	/* per station: last time seen */
	size_t cache;			/* the station of the last row */
	struct sf_ec *p;
	struct sf_buf rows;		/* see row_put */
	long nrows, foreign, outside;
	int unsorted;
	int done, failed, notfound, perr;
	long status;
	struct sf_err err;
	struct job *next;
};

struct fetch {
	struct sf_http *h;
	struct sf_writer *w;
	enum sf_format fmt;
	enum sf_ecfetch_service service;
	const char *base;		/* checked, no trailing slash */
	struct reqs *rs;		/* the requests */
	struct group *groups;
	size_t ngroups, gnext;		/* groups; the first not all launched */
	int held, maxheld;		/* jobs launched and not yet freed */
	int running;			/* inside sf_http_run */
	long failed;
	struct sf_fetch_tally tally;	/* the progress line */
	int rval;
};

/* The progress line on a terminal (see sf_fetch_tally_show). */
static void
show_progress(struct fetch *f, int last)
{
	sf_fetch_tally_show(&f->tally, stderr, sf_log_progname(), last);
}

static void
note_cb(void *arg, const char *msg)
{
	(void)arg;
	sf_info("%s", msg);
}

/* Error records */

/*
 * Reports that station failed: a line on stderr and, in NDJSON, an error
 * record. start (may be NULL) is the start of what failed; status 0 is
 * none. The agency is EC, unless a request said otherwise.
 */
static void
put_error_agency(struct fetch *f, const char *config, const char *station,
    const char *agency, const char *type, const char *start, long status,
    const char *msg)
{
	struct sf_rec r;
	struct sf_err err;
	char num[SF_NUM_LEN], text[SF_ERR_MAX];

	snprintf(text, sizeof(text), "%s", msg);
	sf_http_scrub(f->h, text, sizeof(text));
	msg = text;
	show_progress(f, -1);
	sf_error("station '%s': %s", station != NULL ? station : "", msg);
	f->rval = SF_EXIT_FAIL;
	f->failed++;
	if (f->fmt != SF_FMT_NDJSON)
		return;
	sf_rec_error(&r, config, station, agency != NULL ? agency : "EC", type,
	    start, status, num, msg);
	if (sf_writer_put(f->w, &r, &err) == -1)
		sf_error("%s", err.msg);
}

static void
put_error(struct fetch *f, const char *config, const char *station,
    const char *type, const char *start, long status, const char *msg)
{
	put_error_agency(f, config, station, NULL, type, start, status, msg);
}

static const char *
group_type(const struct group *g)
{
	return type_names[g->kind == K_DAILY ? SF_ECFETCH_DAILY : SF_ECFETCH_REALTIME];
}

/* Error records for every station of g, j being the job that failed. */
static void
group_errors(struct fetch *f, struct group *g, const struct job *j)
{
	char when[SF_TIME_LEN];
	size_t i;

	f->tally.done += (long)g->n;
	for (i = 0; i < g->n; i++) {
		sf_time_format(g->starts[i] > j->ws ? g->starts[i] : j->ws,
		    when);
		put_error(f, g->config, g->ids[i], group_type(g), when,
		    j->status, j->err.msg);
	}
}

/* Rows */

/*
 * A row in a job's buffer: the station's index in the group (one byte),
 * observed_at (SF_TIME_LEN - 1 bytes), then discharge and quality_code,
 * each a byte ('0' null, '1' a string) and, for a string, its bytes and a
 * NUL.
 */
static void
put_str(struct sf_buf *b, const char *s)
{
	if (s == NULL) {
		sf_buf_addc(b, '0');
		return;
	}
	sf_buf_addc(b, '1');
	sf_buf_add(b, s, strlen(s) + 1);
}

static const char *
get_str(const char **p)
{
	const char *s;

	if (*(*p)++ == '0')
		return NULL;
	s = *p;
	*p += strlen(s) + 1;
	return s;
}

static int
row_put(void *arg, const struct sf_rec *r)
{
	struct job *j = arg;
	struct group *g = j->g;
	const char *id = r->f[SF_OBS_STATION], *t = r->f[SF_OBS_OBSERVED_AT];
	size_t i = j->cache;

	if (r->kind != SF_KIND_OBS || id == NULL || t == NULL ||
	    strlen(t) != SF_TIME_LEN - 1)
		return 0;
	if (strcmp(g->ids[i], id) != 0) {
		for (i = 0; i < g->n && strcmp(g->ids[i], id) != 0; i++)
			;
		if (i == g->n) {
			j->foreign++;
			return 0;
		}
		j->cache = i;
	}
	if (strcmp(t, j->lo[i]) < 0 || strcmp(t, j->hi) > 0) {
		j->outside++;
		return 0;
	}
	if (strcmp(t, j->last[i]) < 0)
		j->unsorted = 1;
	memcpy(j->last[i], t, SF_TIME_LEN);
	sf_buf_addc(&j->rows, (int)i);
	sf_buf_add(&j->rows, t, SF_TIME_LEN - 1);
	put_str(&j->rows, r->f[SF_OBS_DISCHARGE]);
	put_str(&j->rows, r->f[SF_OBS_QUALITY_CODE]);
	j->nrows++;
	return 0;
}

/* The start of each row of j, in the order they are to be written. */
static const char *sort_base;

static int
cmprow(const void *va, const void *vb)
{
	size_t a = *(const size_t *)va, b = *(const size_t *)vb;
	const unsigned char *ra = (const unsigned char *)sort_base + a;
	const unsigned char *rb = (const unsigned char *)sort_base + b;
	int c;

	if (ra[0] != rb[0])
		return ra[0] < rb[0] ? -1 : 1;
	if ((c = memcmp(ra + 1, rb + 1, SF_TIME_LEN - 1)) != 0)
		return c;
	return a < b ? -1 : a > b;
}

static size_t *
row_order(const struct job *j)
{
	const char *p = j->rows.buf, *end = j->rows.buf + j->rows.len;
	size_t *o = sf_calloc(j->nrows > 0 ? (size_t)j->nrows : 1,
	    sizeof(*o));
	long n = 0;

	while (p < end && n < j->nrows) {
		o[n++] = (size_t)(p - j->rows.buf);
		p += SF_TIME_LEN;
		(void)get_str(&p);
		(void)get_str(&p);
	}
	if (j->unsorted) {
		sort_base = j->rows.buf;
		qsort(o, (size_t)n, sizeof(*o), cmprow);
	}
	return o;
}

/* The earliest time among j's rows into t; returns 0 if it has none. */
static int
rows_first(const struct job *j, char t[SF_TIME_LEN])
{
	const char *p = j->rows.buf, *end = j->rows.buf + j->rows.len;
	int any = 0;

	for (; p < end; ) {
		if (!any || memcmp(p + 1, t, SF_TIME_LEN - 1) < 0) {
			memcpy(t, p + 1, SF_TIME_LEN - 1);
			t[SF_TIME_LEN - 1] = '\0';
			any = 1;
		}
		p += SF_TIME_LEN;
		(void)get_str(&p);
		(void)get_str(&p);
	}
	return any;
}

/* Writes j's rows, in order; with before, only those earlier than it. */
static void
rows_write(struct fetch *f, const struct job *j, const char *before)
{
	const struct group *g = j->g;
	struct sf_rec r;
	struct sf_err err;
	char t[SF_TIME_LEN];
	const char *p;
	size_t *o;
	long i;
	unsigned char k;

	if (j->nrows == 0)
		return;
	o = row_order(j);
	sf_rec_clear(&r, SF_KIND_OBS);
	r.f[SF_OBS_CONFIG] = g->config;
	r.f[SF_OBS_AGENCY] = "EC";
	r.f[SF_OBS_TYPE] = group_type(g);
	r.f[SF_OBS_UNIT] = "cms";
	r.f[SF_OBS_OBSERVED_AT] = t;
	for (i = 0; i < j->nrows; i++) {
		p = j->rows.buf + o[i];
		memcpy(t, p + 1, SF_TIME_LEN - 1);
		t[SF_TIME_LEN - 1] = '\0';
		if (before != NULL && strcmp(t, before) >= 0)
			continue;
		k = (unsigned char)p[0];
		r.f[SF_OBS_STATION] = g->ids[k];
		p += SF_TIME_LEN;
		r.f[SF_OBS_DISCHARGE] = get_str(&p);
		r.f[SF_OBS_QUALITY_CODE] = get_str(&p);
		if (sf_writer_put(f->w, &r, &err) == -1) {
			sf_error("%s", err.msg);
			f->rval = SF_EXIT_FAIL;
			continue;
		}
		f->tally.rows++;
		g->rows[k]++;
		if (strcmp(t, g->newest[k]) > 0)
			memcpy(g->newest[k], t, SF_TIME_LEN);
	}
	free(o);
}

/*
 * g is over and did not fail: a done record for each of its stations (in
 * NDJSON; a CSV stream holds one kind).
 */
static void
group_done(struct fetch *f, const struct group *g)
{
	const struct req *q;
	struct sf_rec r;
	struct sf_err err;
	char num[SF_NUM_LEN];
	size_t i;

	f->tally.done += (long)g->n;
	if (f->fmt != SF_FMT_NDJSON)
		return;
	for (i = 0; i < g->n; i++) {
		q = &f->rs->v[g->reqs[i]];
		sf_fetch_done(&r, q->config, q->station, "EC",
		    type_names[q->e.kind], q->start_text, q->end_text,
		    q->mod_text, g->rows[i], num,
		    g->rows[i] > 0 ? g->newest[i] : NULL);
		if (sf_writer_put(f->w, &r, &err) == -1)
			sf_error("%s", err.msg);
	}
}

/* Jobs */

static enum sf_ec_layout
job_layout(const struct job *j)
{
	switch (j->g->kind) {
	case K_DAILY:
		return SF_EC_DAILY;
	case K_REALTIME:
		return SF_EC_REALTIME;
	}
	return SF_EC_DATAMART;
}

static void
job_free(struct fetch *f, struct job *j)
{
	sf_ec_free(j->p);
	sf_buf_release(&j->rows);
	free(j->lo);
	free(j->last);
	free(j);
	f->held--;
}

/* Forgets what an attempt delivered: a retried body starts over. */
static int
job_begin(void *arg, const struct sf_http_res *res)
{
	struct job *j = arg;
	size_t i;
	long n;

	if ((n = sf_fetch_pace(j->f->h, res)) >= 0)
		sf_info("X-RateLimit-Remaining %ld: slowing down", n);
	sf_ec_free(j->p);
	j->p = sf_ec_new(job_layout(j), NULL, row_put, j);
	sf_buf_reset(&j->rows);
	j->nrows = j->foreign = j->outside = 0;
	j->unsorted = j->perr = 0;
	j->cache = 0;
	for (i = 0; i < j->g->n; i++)
		j->last[i][0] = '\0';
	return 0;
}

static int
job_body(void *arg, const char *p, size_t n)
{
	struct job *j = arg;

	if (sf_ec_feed(j->p, p, n, &j->err) == -1) {
		j->perr = 1;
		return 1;
	}
	return 0;
}

static void flush(struct fetch *, struct group *);
static void pump(struct fetch *);

static int
job_done(void *arg, const struct sf_http_res *res)
{
	struct job *j = arg;
	struct fetch *f = j->f;

	j->status = sf_http_error_status(res);
	if (res->rc == 0) {
		if (sf_ec_finish(j->p, &j->err) == -1)
			j->failed = 1;
	} else if (j->perr) {
		j->failed = 1;	/* j->err holds the parser's message */
	} else if (j->g->kind == K_DATAMART && res->status == 404) {
		j->notfound = 1;
		sf_buf_reset(&j->rows);
		j->nrows = 0;
	} else {
		j->failed = 1;
		j->err = res->err;
		sf_ecfetch_snippet(&j->err, res->errbody);
	}
	if (!j->failed && (j->foreign > 0 || j->outside > 0))
		sf_info("%s: %ld rows of other stations, %ld outside the "
		    "window, left out", res->url, j->foreign, j->outside);
	sf_ec_free(j->p);
	j->p = NULL;
	j->done = 1;
	/* a Datamart station's two files are wanted whatever happens */
	if (j->failed && j->g->kind != K_DATAMART)
		j->g->stop = 1;
	flush(f, j->g);
	pump(f);
	return 0;
}

/*
 * A job for window win of g (a Datamart group's file win), with the
 * times each station's rows must fall within.
 */
static struct job *
job_new(struct fetch *f, struct group *g, long win)
{
	struct job *j = sf_calloc(1, sizeof(*j));
	size_t i;

	j->f = f;
	j->g = g;
	j->win = win;
	j->lo = sf_calloc(g->n, sizeof(*j->lo));
	j->last = sf_calloc(g->n, sizeof(*j->last));
	sf_buf_init(&j->rows);
	if (g->kind == K_DATAMART) {
		j->ws = g->start;
		j->we = g->end;
	} else if (!sf_ecfetch_window(g->kind == K_DAILY ? SF_ECFETCH_DAILY :
	    SF_ECFETCH_REALTIME, g->start, g->end, win, &j->ws, &j->we)) {
		j->ws = j->we = g->end;	/* not reached: win < nwin */
	}
	for (i = 0; i < g->n; i++)
		sf_time_format(g->starts[i] > j->ws ? g->starts[i] : j->ws,
		    j->lo[i]);
	sf_time_format(j->we, j->hi);
	f->held++;
	return j;
}

/* Starts window win of g. */
static void
launch(struct fetch *f, struct group *g, long win)
{
	struct sf_http_req rq = { 0 };
	struct sf_buf url = SF_BUF_INIT;
	struct job *j = job_new(f, g, win);

	if (g->kind == K_DATAMART)
		sf_ecfetch_datamart_url(&url, f->base, g->prov, g->ids[0],
		    win == DM_HOURLY ? "hourly" : "daily");
	else
		sf_ecfetch_url(&url, f->base, g->kind == K_DAILY ?
		    SF_ECFETCH_DAILY : SF_ECFETCH_REALTIME, g->ids, g->n,
		    j->ws, j->we);
	if (g->tail != NULL)
		g->tail->next = j;
	else
		g->head = j;
	g->tail = j;
	g->launched++;
	rq.url = url.buf;
	rq.begin = job_begin;
	rq.body = job_body;
	rq.done = job_done;
	rq.arg = j;
	rq.restart = 1;
	sf_info("GET %s", url.buf);
	if (f->running)
		sf_http_hold(f->h, PACE_MS);
	f->tally.requests++;
	if (sf_http_add(f->h, &rq, &j->err) == -1) {
		j->done = j->failed = 1;
		if (g->kind != K_DATAMART)
			g->stop = 1;
		flush(f, g);
	}
	sf_buf_release(&url);
}

/* Launches windows, group after group, while fewer than -j are held. */
static void
pump(struct fetch *f)
{
	struct group *g;

	while (f->held < f->maxheld && f->gnext < f->ngroups) {
		g = &f->groups[f->gnext];
		if (g->stop || g->launched >= g->nwin) {
			f->gnext++;
			continue;
		}
		launch(f, g, g->launched);
	}
}

/* A Datamart station: both files in, daily rows before hourly ones. */
static void
flush_datamart(struct fetch *f, struct group *g)
{
	struct job *hr = g->head, *dy = hr != NULL ? hr->next : NULL;
	char first[SF_TIME_LEN];

	if (hr == NULL || dy == NULL || !hr->done || !dy->done)
		return;
	if (hr->failed || dy->failed)
		group_errors(f, g, hr->failed ? hr : dy);
	else {
		if (hr->notfound && dy->notfound)
			sf_warn("station '%s': no Datamart file (HTTP 404): "
			    "no data", g->ids[0]);
		rows_write(f, dy, rows_first(hr, first) ? first : NULL);
		rows_write(f, hr, NULL);
		group_done(f, g);
	}
	g->dead = 1;
	g->head = g->tail = NULL;
	job_free(f, hr);
	job_free(f, dy);
	show_progress(f, 0);
}

/* Writes what g's finished jobs hold, in window order. */
static void
flush(struct fetch *f, struct group *g)
{
	struct job *j;

	if (g->kind == K_DATAMART) {
		flush_datamart(f, g);
		return;
	}
	while ((j = g->head) != NULL && j->done) {
		g->head = j->next;
		if (g->head == NULL)
			g->tail = NULL;
		if (!g->dead) {
			if (j->failed) {
				group_errors(f, g, j);
				g->dead = 1;
			} else {
				rows_write(f, j, NULL);
				if (j->win == g->nwin - 1)
					group_done(f, g);
			}
		}
		job_free(f, j);
	}
	show_progress(f, 0);
}

/* Requests */

static int
parse_type(const char *s, int *type)
{
	if (s == NULL)
		return -1;
	if (strcmp(s, "daily_mean") == 0)
		*type = SF_ECFETCH_DAILY;
	else if (strcmp(s, "realtime_15min") == 0)
		*type = SF_ECFETCH_REALTIME;
	else
		return -1;
	return 0;
}

/* A copy of s, or NULL for NULL or "". */
static char *
dup_text(const char *s)
{
	return s != NULL && *s != '\0' ? sf_strdup(s) : NULL;
}

static struct req *
req_add(struct reqs *rs)
{
	struct req *r;

	if (rs->n == rs->cap) {
		rs->cap = rs->cap ? rs->cap * 2 : 16;
		rs->v = sf_realloc(rs->v, rs->cap * sizeof(*rs->v));
	}
	r = &rs->v[rs->n++];
	memset(r, 0, sizeof(*r));
	return r;
}

/*
 * Passes rec, not ours to fetch (another kind, another agency), through
 * untouched.
 */
static void
pass(struct fetch *f, const struct sf_rec *rec, long line)
{
	struct sf_err err;

	switch (sf_fetch_pass(f->w, f->fmt, rec, &err)) {
	case 1:
		sf_warn("stdin:%ld: %s record left out: CSV output holds obs "
		    "records only", line, sf_kind_info(rec->kind)->name);
		break;
	case -1:
		sf_error("%s", err.msg);
		f->rval = SF_EXIT_FAIL;
		break;
	}
}

/*
 * Takes request record rec into rs, or reports why not (an error record
 * when it names a station). Returns 0 or -1.
 */
static int
take_request(struct fetch *f, struct reqs *rs, const struct sf_rec *rec,
    int64_t now, long line)
{
	const char *config = rec->f[SF_REQ_CONFIG];
	const char *station = rec->f[SF_REQ_STATION];
	const char *agency = rec->f[SF_REQ_AGENCY];
	const char *type = rec->f[SF_REQ_TYPE];
	struct sf_err err;
	struct sf_fetch_span sp;
	struct req *r;
	char why[SF_ERR_MAX + 16];

	why[0] = '\0';
	if (!sf_fetch_obs_mine(rec, "EC")) {
		pass(f, rec, line);
		return -1;
	}
	if (station == NULL || *station == '\0')
		snprintf(why, sizeof(why), "no station");
	else if (sf_id_check("EC", station, &err) == -1)
		snprintf(why, sizeof(why), "%s", err.msg);
	else if (sf_fetch_span(type, rec->f[SF_REQ_START], rec->f[SF_REQ_END],
	    NULL, now, DEFAULT_DAYS * 86400L, &sp, &err) == -1)
		snprintf(why, sizeof(why), "%s", err.msg);
	if (why[0] != '\0') {
		if (station == NULL || *station == '\0') {
			sf_error("stdin:%ld: request: %s", line, why);
			f->rval = SF_EXIT_FAIL;
		} else
			put_error_agency(f, config, station, agency, type,
			    rec->f[SF_REQ_START], 0, why);
		return -1;
	}
	r = req_add(rs);
	r->config = config != NULL ? sf_strdup(config) : NULL;
	r->station = sf_strdup(station);
	r->e.kind = sp.realtime ? SF_ECFETCH_REALTIME : SF_ECFETCH_DAILY;
	r->e.start = sp.start;
	r->e.end = sp.end;
	r->start_text = dup_text(rec->f[SF_REQ_START]);
	r->end_text = dup_text(rec->f[SF_REQ_END]);
	r->mod_text = dup_text(rec->f[SF_REQ_MODIFIED_SINCE]);
	return 0;
}

static void
read_requests(struct fetch *f, struct reqs *rs, int64_t now)
{
	struct sf_reader *rd = sf_reader_new(stdin, "stdin");
	struct sf_rec rec;
	struct sf_err err;
	int rc;

	while ((rc = sf_reader_next(rd, &rec, &err)) != 0) {
		if (rc == -1 || rc == -2) {
			sf_error("%s", err.msg);
			f->rval = SF_EXIT_FAIL;
			if (rc == -2)
				break;
			continue;
		}
		if (rec.kind != SF_KIND_REQUEST) {
			pass(f, &rec, sf_reader_line(rd));
			continue;
		}
		take_request(f, rs, &rec, now, sf_reader_line(rd));
	}
	sf_reader_free(rd);
}

/*
 * Fits each request to what the service holds (sf_ecfetch_fit) and marks
 * the ones with nothing to fetch, or asked for twice.
 */
static void
normalise(struct fetch *f, struct reqs *rs, int64_t now)
{
	struct sf_err why;
	struct req *r;
	size_t i, k;

	for (i = 0; i < rs->n; i++) {
		r = &rs->v[i];
		r->e.config = r->config;
		r->e.station = r->station;
		for (k = 0; k < i; k++)
			if (!rs->v[k].skip && sf_ecfetch_same(&rs->v[k].e, &r->e))
				break;
		if (k < i) {
			sf_warn("station '%s': requested twice, the second "
			    "request left out", r->station);
			r->skip = 1;
			continue;
		}
		switch (sf_ecfetch_fit(&r->e, f->service, now, &why)) {
		case SF_ECFETCH_FETCH:
			if (why.msg[0] != '\0')
				sf_warn("station '%s': %s", r->station,
				    why.msg);
			break;
		case SF_ECFETCH_SKIP:
			sf_warn("station '%s': %s", r->station, why.msg);
			r->skip = 1;
			break;
		case SF_ECFETCH_EMPTY:
			sf_info("station '%s': %s", r->station, why.msg);
			r->skip = 1;
			break;
		case SF_ECFETCH_REFUSE:
			put_error(f, r->config, r->station,
			    type_names[r->e.kind], NULL, 0, why.msg);
			r->skip = 1;
			break;
		}
	}
}

/* Groups */

static void
groups_plan(struct fetch *f, struct reqs *rs)
{
	struct sf_ecfetch_req *e;
	struct group *g;
	size_t i, n = 0, ng, k, m;

	e = sf_calloc(rs->n + 1, sizeof(*e));
	for (i = 0; i < rs->n; i++) {
		if (rs->v[i].skip)
			continue;
		e[n] = rs->v[i].e;
		e[n].order = i;
		n++;
	}
	if (f->service == SF_ECFETCH_DATAMART) {
		/* one group per station, in the order asked */
		f->groups = sf_calloc(n + 1, sizeof(*f->groups));
		for (i = 0; i < n; i++) {
			g = &f->groups[i];
			g->kind = K_DATAMART;
			g->config = e[i].config;
			g->n = 1;
			g->ids = sf_calloc(1, sizeof(*g->ids));
			g->starts = sf_calloc(1, sizeof(*g->starts));
			g->reqs = sf_calloc(1, sizeof(*g->reqs));
			g->rows = sf_calloc(1, sizeof(*g->rows));
			g->newest = sf_calloc(1, sizeof(*g->newest));
			g->reqs[0] = e[i].order;
			g->ids[0] = e[i].station;
			g->starts[0] = g->start = e[i].start;
			g->end = e[i].end;
			g->prov = rs->v[e[i].order].e.prov;
			g->nwin = 2;
		}
		f->ngroups = n;
		free(e);
		return;
	}
	ng = sf_ecfetch_group(e, n, strlen(f->base));
	f->groups = sf_calloc(ng + 1, sizeof(*f->groups));
	for (i = 0; i < n; i = k) {
		for (k = i; k < n && e[k].group == e[i].group; k++)
			;
		g = &f->groups[e[i].group];
		g->kind = e[i].kind == SF_ECFETCH_DAILY ? K_DAILY : K_REALTIME;
		g->config = e[i].config;
		g->n = k - i;
		g->ids = sf_calloc(g->n, sizeof(*g->ids));
		g->starts = sf_calloc(g->n, sizeof(*g->starts));
		g->reqs = sf_calloc(g->n, sizeof(*g->reqs));
		g->rows = sf_calloc(g->n, sizeof(*g->rows));
		g->newest = sf_calloc(g->n, sizeof(*g->newest));
		for (m = i; m < k; m++) {
			g->reqs[m - i] = e[m].order;
			g->ids[m - i] = e[m].station;
			g->starts[m - i] = e[m].start;
		}
		g->start = e[i].start;	/* the earliest: they are sorted */
		g->end = e[i].end;
		g->nwin = sf_ecfetch_nwindows(e[i].kind, g->start, g->end);
	}
	f->ngroups = ng;
	free(e);
}

/*
 * sf_http_run gave up (libcurl failed): the groups it left unfinished
 * fail with its message, after what they had written.
 */
static void
run_failed(struct fetch *f, const struct sf_err *err)
{
	struct group *g;
	struct job *j, *next;
	size_t i;

	sf_error("%s", err->msg);
	f->rval = SF_EXIT_FAIL;
	for (i = 0; i < f->ngroups; i++) {
		g = &f->groups[i];
		if (!g->dead && (g->head != NULL || g->launched < g->nwin)) {
			j = job_new(f, g, g->launched > 0 ?
			    g->launched - 1 : 0);
			j->err = *err;
			group_errors(f, g, j);
			job_free(f, j);
			g->dead = 1;
		}
		for (j = g->head; j != NULL; j = next) {
			next = j->next;
			job_free(f, j);
		}
		g->head = g->tail = NULL;
	}
}

static void
groups_free(struct fetch *f)
{
	size_t i;

	for (i = 0; i < f->ngroups; i++) {
		free(f->groups[i].ids);
		free(f->groups[i].starts);
		free(f->groups[i].reqs);
		free(f->groups[i].rows);
		free(f->groups[i].newest);
	}
	free(f->groups);
}

/* The station list */

struct list {
	struct sf_ec *p;
	int (*take)(void *, const struct sf_rec *);
	void *arg;
	void (*reset)(void *);
	struct sf_err err;
	int perr;
};

static int
list_begin(void *arg, const struct sf_http_res *res)
{
	struct list *l = arg;

	(void)res;
	sf_ec_free(l->p);
	l->p = sf_ec_new(SF_EC_STATIONS, NULL, l->take, l->arg);
	l->perr = 0;
	l->reset(l->arg);
	return 0;
}

static int
list_body(void *arg, const char *p, size_t n)
{
	struct list *l = arg;

	if (sf_ec_feed(l->p, p, n, &l->err) == -1) {
		l->perr = 1;
		return 1;
	}
	return 0;
}

/*
 * Fetches the Datamart station list from base, handing each station
 * record to take (reset is called before each attempt). Returns 0, or -1
 * with err set.
 */
static int
list_fetch(struct fetch *f, const char *base,
    int (*take)(void *, const struct sf_rec *), void (*reset)(void *),
    void *arg, long *status, struct sf_err *err)
{
	struct sf_http_req rq = { 0 };
	struct sf_buf url = SF_BUF_INIT;
	const struct sf_http_res *res = NULL;
	struct list l = { 0 };
	int rc;

	l.take = take;
	l.reset = reset;
	l.arg = arg;
	sf_ecfetch_list_url(&url, base);
	rq.url = url.buf;
	rq.begin = list_begin;
	rq.body = list_body;
	rq.arg = &l;
	rq.restart = 1;
	sf_info("GET %s", url.buf);
	f->tally.requests++;
	rc = sf_http_get(f->h, &rq, &res, err);
	*status = res != NULL ? sf_http_error_status(res) : 0;
	if (rc == 0 && sf_ec_finish(l.p, err) == -1)
		rc = -1;
	else if (rc == -1 && l.perr)
		*err = l.err;
	else if (rc == -1 && res != NULL)
		sf_ecfetch_snippet(err, res->errbody);
	sf_ec_free(l.p);
	sf_buf_release(&url);
	return rc;
}

/* Datamart: each station's province, from the station list. */
struct provs {
	struct sf_ecfetch_req **v;
	size_t n;
};

static int
prov_take(void *arg, const struct sf_rec *rec)
{
	struct provs *p = arg;

	sf_ecfetch_prov_take(p->v, p->n, rec);
	return 0;
}

static void
prov_reset(void *arg)
{
	struct provs *p = arg;

	sf_ecfetch_prov_reset(p->v, p->n);
}

static void
provinces(struct fetch *f, struct reqs *rs)
{
	struct provs p = { 0 };
	struct sf_err err;
	long status;
	size_t i;

	p.v = sf_calloc(rs->n + 1, sizeof(*p.v));
	for (i = 0; i < rs->n; i++)
		if (!rs->v[i].skip)
			p.v[p.n++] = &rs->v[i].e;
	if (p.n == 0) {
		free(p.v);
		return;
	}
	sf_ecfetch_prov_sort(p.v, p.n);
	if (list_fetch(f, f->base, prov_take, prov_reset, &p, &status,
	    &err) == -1) {
		for (i = 0; i < p.n; i++)
			put_error(f, p.v[i]->config, p.v[i]->station,
			    type_names[p.v[i]->kind], NULL, status, err.msg);
		sf_ecfetch_prov_reset(p.v, p.n);
	} else {
		for (i = 0; i < p.n; i++)
			if (p.v[i]->prov[0] == '\0')
				put_error(f, p.v[i]->config, p.v[i]->station,
				    type_names[p.v[i]->kind], NULL, 0,
				    "not in the Datamart station list");
	}
	/* a request with no province is skipped: mark it in rs */
	for (i = 0; i < rs->n; i++)
		if (rs->v[i].e.prov[0] == '\0')
			rs->v[i].skip = 1;
	free(p.v);
}

static void
list_reset(void *arg)
{
	sf_ecfetch_list_reset(arg);
}

/* --stations: the list, kept whole until it is in, then written. */
static void
run_stations(struct fetch *f, char **only, size_t nonly)
{
	struct sf_ecfetch_list l;
	struct sf_rec r;
	struct sf_err err;
	long status;
	size_t k, pos = 0;

	sf_ecfetch_list_init(&l, (const char *const *)only, nonly);
	if (list_fetch(f, f->base, sf_ecfetch_list_take, list_reset, &l,
	    &status, &err) == -1) {
		sf_error("station list: %s", err.msg);
		f->rval = SF_EXIT_FAIL;
	} else {
		while (sf_ecfetch_list_next(&l, &pos, &r)) {
			if (sf_writer_put(f->w, &r, &err) == -1) {
				sf_error("%s", err.msg);
				f->rval = SF_EXIT_FAIL;
			} else
				f->tally.rows++;
		}
		for (k = 0; k < nonly; k++)
			if (!l.seen[k]) {
				sf_error("station '%s': not in the station "
				    "list", only[k]);
				f->rval = SF_EXIT_FAIL;
			}
	}
	sf_ecfetch_list_release(&l);
}

/* Options and the environment */

static long
env_ms(const char *name, long def)
{
	const char *v = getenv(name);
	struct sf_err err;
	long long n;

	if (v == NULL || *v == '\0')
		return def;
	if (sf_str_toll(v, 1, 86400000, &n, &err) == -1)
		sf_die(SF_EXIT_USAGE, "%s: %s", name, err.msg);
	return (long)n;
}

static int64_t
opt_time(const char *name, const char *s, int end)
{
	struct sf_err err;
	int64_t t;

	if ((end ? sf_fetch_end(s, &t, &err) : sf_time_parse(s, &t, &err)) ==
	    -1) {
		sf_error("%s: %s", name, err.msg);
		sf_usage_die();
	}
	return t;
}

int
main(int argc, char *argv[])
{
	struct sf_http_opts ho = { 0 };
	struct fetch f = { 0 };
	struct reqs rs = { 0 };
	struct sf_err err;
	struct sf_buf base = SF_BUF_INIT;
	const char *base_opt = NULL, *config = NULL, *start_opt = NULL;
	const char *end_opt = NULL, *type_opt = NULL;
	char **only = NULL;
	size_t nonly = 0, i, gi;
	long long jobs = DEFAULT_JOBS, backoff = -1, retries = 4;
	double timeout = 0;
	int c, stations = 0, type = -1;
	int64_t now, start, end;
	struct req *r;

	sf_log_init(argv[0]);
	argv[0] = (char *)sf_log_progname();	/* for getopt's messages */
	f.fmt = SF_FMT_NDJSON;
	only = sf_calloc((size_t)argc + 1, sizeof(*only));
	while ((c = getopt_long(argc, argv, "f:hj:qs:t:vV", longopts,
	    NULL)) != -1) {
		switch (c) {
		case 'A':
			start_opt = optarg;
			break;
		case 'B':
			base_opt = optarg;
			break;
		case 'K':
			if (sf_str_toll(optarg, 0, 600000, &backoff, &err)) {
				sf_error("--backoff: %s", err.msg);
				sf_usage_die();
			}
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
			if (sf_str_toll(optarg, 0, 10, &retries, &err)) {
				sf_error("--retries: %s", err.msg);
				sf_usage_die();
			}
			break;
		case 'C':
			config = optarg;
			break;
		case 'E':
			end_opt = optarg;
			break;
		case 'L':
			stations = 1;
			break;
		case 'S':
			if (strcmp(optarg, "wateroffice") == 0)
				f.service = SF_ECFETCH_WATEROFFICE;
			else if (strcmp(optarg, "datamart") == 0)
				f.service = SF_ECFETCH_DATAMART;
			else {
				sf_error("--service: '%s': not wateroffice or "
				    "datamart", optarg);
				sf_usage_die();
			}
			break;
		case 'f':
			if (sf_format_parse(optarg, &f.fmt, &err) == -1) {
				sf_error("%s", err.msg);
				sf_usage_die();
			}
			break;
		case 'j':
			if (sf_str_toll(optarg, 1, MAX_JOBS, &jobs, &err)) {
				sf_error("-j: %s", err.msg);
				sf_usage_die();
			}
			break;
		case 's':
			if (sf_id_check("EC", optarg, &err) == -1) {
				sf_error("%s", err.msg);
				sf_usage_die();
			}
			only[nonly++] = optarg;
			break;
		case 't':
			if (parse_type(optarg, &type) == -1) {
				sf_error("type '%s': not daily_mean or "
				    "realtime_15min", optarg);
				sf_usage_die();
			}
			type_opt = optarg;
			break;
		default:
			if (!sf_common_opt(c, usage_text, SF_VERSION))
				sf_usage_die();
		}
	}
	if (optind < argc) {
		sf_error("'%s': unexpected argument", argv[optind]);
		sf_usage_die();
	}
	if ((start_opt || end_opt || type_opt || config) &&
	    (nonly == 0 || stations)) {
		sf_error("--start, --end, --type and --config go with "
		    "--station, for requests made here");
		sf_usage_die();
	}
	if (stations)
		f.service = SF_ECFETCH_DATAMART;	/* the list is the Datamart's */
	if (sf_time_now(&now, &err) == -1)
		sf_die(SF_EXIT_USAGE, "%s", err.msg);
	if (base_opt == NULL)
		base_opt = getenv(f.service == SF_ECFETCH_DATAMART ?
		    "SF_EC_DATAMART_URL" : "SF_EC_URL");
	if (base_opt == NULL || *base_opt == '\0')
		base_opt = f.service == SF_ECFETCH_DATAMART ? DATAMART_URL :
		    WATEROFFICE_URL;
	if (sf_http_url_base(&base, base_opt, &err) == -1) {
		sf_error("%s", err.msg);
		sf_usage_die();
	}
	f.base = base.buf;
	if (type == -1)
		type = f.service == SF_ECFETCH_DATAMART ? SF_ECFETCH_REALTIME : SF_ECFETCH_DAILY;
	end = end_opt != NULL ? opt_time("--end", end_opt, 1) : now;
	start = start_opt != NULL ? opt_time("--start", start_opt, 0) :
	    end - DEFAULT_DAYS * 86400L;

	ho.parallel = (int)jobs;
	ho.backoff_ms = backoff >= 0 ? (backoff > 0 ? (long)backoff : 1) :
	    env_ms("SF_HTTP_BACKOFF_MS", 1000);
	ho.timeout_ms = timeout > 0 ? (long)(timeout * 1000) :
	    env_ms("SF_HTTP_TIMEOUT_MS", TIMEOUT_MS);
	ho.max_attempts = (int)retries + 1;
	ho.note = note_cb;
	if ((f.h = sf_http_new(&ho, &err)) == NULL)
		sf_die(SF_EXIT_FAIL, "%s", err.msg);
	f.w = sf_writer_new(stdout, f.fmt);
	f.maxheld = (int)jobs;

	if (stations) {
		run_stations(&f, only, nonly);
		goto out;
	}
	if (nonly > 0) {
		for (i = 0; i < nonly; i++) {
			r = req_add(&rs);
			r->config = config != NULL ? sf_strdup(config) : NULL;
			r->station = sf_strdup(only[i]);
			r->e.kind = type;
			r->e.start = start;
			r->e.end = end;
			r->start_text = dup_text(start_opt);
			r->end_text = dup_text(end_opt);
		}
	} else
		read_requests(&f, &rs, now);
	f.rs = &rs;
	normalise(&f, &rs, now);
	sf_fetch_tally_start(&f.tally, 0, 2, sf_log_level() >= 0);
	if (f.service == SF_ECFETCH_DATAMART)
		provinces(&f, &rs);
	groups_plan(&f, &rs);
	for (gi = 0; gi < f.ngroups; gi++)
		f.tally.total += f.groups[gi].n;
	pump(&f);
	f.running = 1;
	if (sf_http_run(f.h, &err) == -1)
		run_failed(&f, &err);
	f.running = 0;
	show_progress(&f, 1);

out:
	sf_info("%ld requests, %ld records, %ld stations failed",
	    f.tally.requests, f.tally.rows, f.failed);
	sf_writer_free(f.w);
	sf_http_free(f.h);
	sf_http_global_cleanup();
	groups_free(&f);
	for (i = 0; i < rs.n; i++) {
		free(rs.v[i].config);
		free(rs.v[i].station);
		free(rs.v[i].start_text);
		free(rs.v[i].end_text);
		free(rs.v[i].mod_text);
	}
	free(rs.v);
	free(only);
	sf_buf_release(&base);
	if (sf_fshut(stdout, "stdout"))
		f.rval = SF_EXIT_FAIL;
	return f.rval;
}
