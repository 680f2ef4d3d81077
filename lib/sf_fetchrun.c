/*
 * sf_fetchrun: the fetch engine (see sf_fetchrun.h for the contract).
 *
 * A job goes NEW -> RUNNING (one request of its current window in
 * flight) -> OVER. An ordered driver's job whose window is complete but
 * whose turn has not come (an earlier job is not over) waits PARKED with
 * the window's rows, or its failure, held; when its turn comes the window
 * is written and the job goes on. At most -j jobs are held at once (4 x -j
 * when ordered, so that a slow head does not stall the transfers), and a
 * job's store and parser live only while it is held: memory follows -j,
 * never the number of stations.
 *
 * Reading ahead, a running job's thread (struct ahead) feeds its parser
 * the bytes this thread puts in its blocks. Whenever this thread touches
 * the parser or the store (a page begins or ends, rows are written, the
 * job fails) it first waits until the job's thread has fed everything
 * (settle): the two never use them at once, and the mutex orders what
 * each wrote before.
 */
#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sf_fetchrun.h"
#include "sf_mem.h"
#include "sf_str.h"
#include "sf_time.h"

#define EXIT_FAIL	1	/* sf_log's SF_EXIT_FAIL: libsf has no sf_log */
#define AHEAD		4	/* ordered: jobs held per transfer */
#define OUTBUF		(64 * 1024)	/* bytes written at once */
#define ABLK		(64 * 1024)	/* a block of bytes read ahead */
#define TAIL		(64 * 1024)	/* a body's last bytes, for peek_next */

enum state { NEW, RUNNING, PARKED, OVER };

struct ablk {
	struct ablk *next;
	size_t len;
	char b[ABLK];
};

/* A job's thread and the bytes it has to feed; see the top. */
struct ahead {
	pthread_t thr;
	pthread_mutex_t mu;
	pthread_cond_t more;	/* to the thread: bytes, or quit */
	pthread_cond_t fed;	/* to this one: bytes fed */
	/*
	 * The thread feeds from head, this one fills tail; a block fed goes
	 * to spare, and is filled again only after the one filled since,
	 * so prev (the block before tail) keeps its bytes too.
	 */
	struct ablk *head, *tail, *prev, *spare;
	size_t pos;		/* fed of head */
	size_t bytes;		/* not fed yet */
	size_t cap;		/* most bytes not fed before on_body waits */
	size_t body;		/* bytes of the body so far */
	int feeding;		/* the thread feeds, the lock released */
	int waiting;		/* this thread waits for fed */
	int failed;		/* feed returned -1 */
	int wake;		/* wake sf_http when everything is fed */
	int quit;
};

/* What an ordered run holds to write in its place. */
struct held {
	struct sf_buf rec;	/* the record, packed like the store's */
	size_t before;		/* written before station index before */
};

struct sf_fetchrun_job {
	struct sf_fetch_job pub;
	struct sf_fetchrun *e;
	enum state state;
	void *parser;
	struct sf_fetch_store *store;
	const char **ids;
	int pfailed;		/* the parser failed: perr says why */
	struct sf_err perr;
	int efailed;		/* the store refused a row: eerr says why */
	struct sf_err eerr;
	const char *foreign;	/* the last station not asked for */
	char *foreign_buf;
	char **seen;		/* the window's URLs, for loops */
	size_t nseen;
	int parked_fail;	/* PARKED with a failure, not rows */
	int parked_end;		/* PARKED at its end: no window left */
	int pending;		/* page_whole: a page sealed, to write */
	long fail_status;
	char *fail_msg;
	char **newest;		/* sf_fetchrun_newest, per station */
	struct ahead *ah;	/* reading ahead: the job's thread */
	struct sf_buf fnotes;	/* its foreign stations, to say (NUL-ended) */
	int adone;		/* a page is in, the next asked for early */
	char *early;		/* the link asked for */
	char *aurl;		/* the page's URL */
	int doomed;		/* the window fails when early's request ends */
	long doom_status;
	char *doom_msg;
	int redo;		/* early was not the link: follow renext */
	char *renext;		/* the parser's link, NULL: none */
};

struct sf_fetchrun {
	struct sf_fetchrun_conf c;
	const struct sf_fetch_driver *d;
	struct sf_http *h;
	struct sf_writer *w;
	struct sf_fetch_station **st;
	size_t nst, capst;
	struct sf_fetchrun_job **jobs;
	size_t njobs, capjobs;
	size_t next;		/* the next job to start */
	size_t head;		/* ordered: the first job not over */
	int held, maxheld;
	int advancing;		/* inside advance() */
	long npending;		/* jobs with a page pending */
	long nadone;		/* jobs with a page read ahead (adone) */
	atomic_size_t abytes;	/* bytes read ahead not fed yet, all jobs */
	size_t apeak;		/* the most abytes has been (this thread) */
	struct held *hl;	/* ordered: records held in place */
	struct sf_fetch_store **pool;	/* stores of jobs over, for reuse */
	size_t npool;
	char **str;		/* intern's table */
	size_t nstr, capstr;
	size_t nhl, caphl, hlnext;
	struct sf_fetch_tally tally;
	long failed;
	int rval;
};

/* Options */

void
sf_fetchrun_opts_init(struct sf_fetchrun_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->jobs = 4;
	o->retries = 4;
	o->backoff = 1000;
	o->fmt = SF_FMT_NDJSON;
}

void
sf_fetchrun_opts_release(struct sf_fetchrun_opts *o)
{
	free(o->stations);
	o->stations = NULL;
	o->nstations = 0;
}

int
sf_fetchrun_opt(struct sf_fetchrun_opts *o, int c, const char *arg,
    struct sf_err *err)
{
	struct sf_err e;
	long long n;
	double d;

	switch (c) {
	case 'c':
		o->config = arg;
		return 1;
	case 'f':
		if (sf_format_parse(arg, &o->fmt, err) == -1)
			return -1;
		return 1;
	case 'j':
		if (sf_str_toll(arg, 1, SF_FETCHRUN_JOBS_MAX, &n, &e) == -1)
			return sf_err_set(err, "-j: %s", e.msg);
		o->jobs = (int)n;
		return 1;
	case 's':
		o->stations = sf_realloc(o->stations,
		    (o->nstations + 2) * sizeof(*o->stations));
		o->stations[o->nstations++] = arg;
		o->stations[o->nstations] = NULL;
		return 1;
	case 't':
		o->type = arg;
		return 1;
	case SF_FETCHRUN_OPT_BACKOFF:
		if (sf_str_toll(arg, 0, SF_FETCHRUN_BACKOFF_MAX, &n, &e) == -1)
			return sf_err_set(err, "--backoff: %s", e.msg);
		o->backoff = (long)n;
		return 1;
	case SF_FETCHRUN_OPT_BASE_URL:
		o->base = arg;
		return 1;
	case SF_FETCHRUN_OPT_END:
		o->end = arg;
		return 1;
	case SF_FETCHRUN_OPT_RETRIES:
		if (sf_str_toll(arg, 0, SF_FETCHRUN_RETRIES_MAX, &n, &e) == -1)
			return sf_err_set(err, "--retries: %s", e.msg);
		o->retries = (int)n;
		return 1;
	case SF_FETCHRUN_OPT_START:
		o->start = arg;
		return 1;
	case SF_FETCHRUN_OPT_TIMEOUT:
		if (sf_str_todouble(arg, &d, &e) == -1 || !(d > 0) ||
		    d > SF_FETCHRUN_TIMEOUT_MAX)
			return sf_err_set(err, "--timeout: '%s': not a number "
			    "of seconds (0 < S <= 86400)", arg);
		o->timeout = d;
		return 1;
	}
	return 0;
}

int
sf_fetchrun_base_url(struct sf_buf *b, const char *opt, const char *env,
    const char *def, struct sf_err *err)
{
	const char *base = opt;

	if (base == NULL && env != NULL && (base = getenv(env)) != NULL &&
	    *base == '\0')
		base = NULL;
	if (base == NULL)
		base = def;
	sf_buf_reset(b);
	return sf_http_url_base(b, base, err);
}

/* Messages and records */

void
sf_fetchrun_note(struct sf_fetchrun *e, int level, const char *fmt, ...)
{
	char msg[SF_ERR_MAX + 256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (level != SF_NOTE_INFO)
		sf_fetch_tally_show(&e->tally, stderr, e->c.progname, -1);
	if (e->c.note != NULL)
		e->c.note(e->c.note_arg, level, msg);
}

static void
show_progress(struct sf_fetchrun *e, int last)
{
	sf_fetch_tally_show(&e->tally, stderr, e->c.progname, last);
}

/* Writes rec; returns 0, or -1 (said; the run fails). */
static int
put(struct sf_fetchrun *e, const struct sf_rec *rec)
{
	struct sf_err err;

	if (sf_writer_put(e->w, rec, &err) == -1) {
		sf_fetchrun_note(e, SF_NOTE_ERROR, "%s", err.msg);
		e->rval = EXIT_FAIL;
		return -1;
	}
	return 0;
}

/* Packs rec into b (kind, then put_field's form of each field). */
static void
pack(struct sf_buf *b, const struct sf_rec *rec)
{
	const struct sf_kind_info *ki = sf_kind_info(rec->kind);
	int i;

	sf_buf_addc(b, (int)rec->kind);
	for (i = 0; i < ki->nfields; i++) {
		if (rec->f[i] == NULL) {
			sf_buf_addc(b, '0');
			continue;
		}
		sf_buf_addc(b, '1');
		sf_buf_add(b, rec->f[i], strlen(rec->f[i]) + 1);
	}
}

static void
unpack(const char *p, struct sf_rec *rec)
{
	const struct sf_kind_info *ki;
	int i;

	sf_rec_clear(rec, (enum sf_kind)*p++);
	ki = sf_kind_info(rec->kind);
	for (i = 0; i < ki->nfields; i++) {
		if (*p++ == '0')
			continue;
		rec->f[i] = p;
		p += strlen(p) + 1;
	}
}

/* Ordered: keeps rec to write before station index e->nst. */
static void
hold(struct sf_fetchrun *e, const struct sf_rec *rec)
{
	struct held *h;

	if (e->nhl == e->caphl) {
		e->caphl = e->caphl ? 2 * e->caphl : 16;
		e->hl = sf_realloc(e->hl, e->caphl * sizeof(*e->hl));
	}
	h = &e->hl[e->nhl++];
	sf_buf_init(&h->rec);
	pack(&h->rec, rec);
	h->before = e->nst;
}

/* Ordered: writes the records held before station index before. */
static void
write_held(struct sf_fetchrun *e, size_t before)
{
	struct sf_rec rec;
	struct held *h;

	while (e->hlnext < e->nhl && e->hl[e->hlnext].before <= before) {
		h = &e->hl[e->hlnext++];
		unpack(h->rec.buf, &rec);
		(void)put(e, &rec);
		sf_buf_release(&h->rec);
	}
}

/* Writes rec now, or in its place when the driver is ordered. */
static void
put_in_place(struct sf_fetchrun *e, const struct sf_rec *rec)
{
	if (e->d->ordered)
		hold(e, rec);
	else
		(void)put(e, rec);
}

/*
 * Station s failed (see the rule in sf_fetchrun.h): a line on stderr and,
 * in NDJSON, its error record. ws is the failed window's start, -1 for a
 * request refused.
 */
static void
fail_station(struct sf_fetchrun *e, struct sf_fetch_station *s, int first,
    int64_t ws, long status, const char *msg)
{
	char text[SF_ERR_MAX], num[SF_NUM_LEN], when[SF_TIME_LEN];
	const char *start = s->start;
	struct sf_buf rec = SF_BUF_INIT, line = SF_BUF_INIT;
	char ltext[SF_ERR_MAX + 128];
	struct sf_rec r;

	if (s->failed)
		return;
	if (e->d->failure != NULL) {		/* (nwmdrv) */
		e->d->failure(e->c.ctx, s, msg, &rec, &line);
		msg = rec.buf;
	}
	snprintf(text, sizeof(text), "%s", msg);
	sf_http_scrub(e->h, text, sizeof(text));
	s->failed = 1;
	e->failed++;
	e->rval = EXIT_FAIL;
	if (e->d->failure != NULL) {
		snprintf(ltext, sizeof(ltext), "%s", line.buf);
		sf_http_scrub(e->h, ltext, sizeof(ltext));
		sf_fetchrun_note(e, SF_NOTE_ERROR, "%s", ltext);
	} else
		sf_fetchrun_note(e, SF_NOTE_ERROR, "station '%s': %s", s->id,
		    text);
	sf_buf_release(&rec);
	sf_buf_release(&line);
	if (e->c.opts->fmt != SF_FMT_NDJSON)
		return;
	if (!first && ws > s->span.start) {
		sf_time_format(ws, when);
		start = when;
	}
	sf_rec_error(&r, s->config, s->id, s->agency, s->type, start, status,
	    num, text);
	(void)put(e, &r);
}

/* Intake */

/* A copy of s, or NULL for NULL or "" (not given). */
static char *
dup_text(const char *s)
{
	return s != NULL && *s != '\0' ? sf_strdup(s) : NULL;
}

static void
station_free(struct sf_fetch_station *s)
{
	free((char *)s->id);
	free((char *)s->target_id);
	free(s);
}

static uint32_t
hash_str(const char *p)
{
	uint32_t h = 2166136261u;

	while (*p != '\0')
		h = (h ^ (unsigned char)*p++) * 16777619u;
	return h;
}

/*
 * The engine's one copy of s (NULL for NULL or ""): the fields requests
 * share (config, agency, type, start, end) are held once, not once per
 * station, so that 10,000 requests cost little more than their ids.
 */
static const char *
intern(struct sf_fetchrun *e, const char *s)
{
	size_t i, k, n;
	char **old;

	if (s == NULL || *s == '\0')
		return NULL;
	if (2 * (e->nstr + 1) > e->capstr) {
		old = e->str;
		n = e->capstr;
		e->capstr = n ? 2 * n : 64;
		e->str = sf_calloc(e->capstr, sizeof(*e->str));
		for (i = 0; i < n; i++) {
			if (old[i] == NULL)
				continue;
			k = hash_str(old[i]) & (e->capstr - 1);
			while (e->str[k] != NULL)
				k = (k + 1) & (e->capstr - 1);
			e->str[k] = old[i];
		}
		free(old);
	}
	k = hash_str(s) & (e->capstr - 1);
	while (e->str[k] != NULL) {
		if (strcmp(e->str[k], s) == 0)
			return e->str[k];
		k = (k + 1) & (e->capstr - 1);
	}
	e->nstr++;
	return e->str[k] = sf_strdup(s);
}

/*
 * Takes request rec (line 0: an option). Returns 0 when taken, 1 when
 * there is nothing to fetch, -1 with err when refused (the error record
 * is written unless noerr).
 */
static int
take(struct sf_fetchrun *e, const struct sf_rec *rec, long line,
    struct sf_err *err)
{
	const struct sf_fetch_driver *d = e->d;
	struct sf_fetch_station *s = sf_calloc(1, sizeof(*s));
	int rc = 0;

	s->config = intern(e, rec->f[SF_REQ_CONFIG]);
	s->id = dup_text(rec->f[SF_REQ_STATION]);
	s->agency = intern(e, rec->f[SF_REQ_AGENCY]);
	s->type = intern(e, rec->f[SF_REQ_TYPE]);
	s->source = intern(e, rec->f[SF_REQ_SOURCE]);
	s->start = intern(e, rec->f[SF_REQ_START]);
	s->end = intern(e, rec->f[SF_REQ_END]);
	s->mod = intern(e, rec->f[SF_REQ_MODIFIED_SINCE]);
	s->target_id = dup_text(rec->f[SF_REQ_TARGET_ID]);
	s->line = line;
	if (s->agency == NULL || *s->agency == '\0')
		s->agency = d->agency;
	if (d->observations) {
		if (sf_fetch_span(s->type, s->start, s->end, s->mod,
		    e->c.now, d->back, &s->span, err) == -1)
			rc = -1;
		else
			s->type = s->span.realtime ? "realtime_15min" :
			    "daily_mean";
	}
	if (rc == 0)
		rc = d->take(e->c.ctx, s, err);
	if (rc != 0) {
		if (rc == -1 && line > 0 && e->c.opts->fmt == SF_FMT_NDJSON) {
			char num[SF_NUM_LEN];
			struct sf_rec r;

			sf_rec_error(&r, s->config, s->id, s->agency, s->type,
			    s->start, 0, num, err->msg);
			put_in_place(e, &r);
		}
		if (s->data != NULL && d->station_free != NULL)
			d->station_free(e->c.ctx, s);
		station_free(s);
		return rc;
	}
	if (e->nst == e->capst) {
		e->capst = e->capst ? 2 * e->capst : 64;
		e->st = sf_realloc(e->st, e->capst * sizeof(*e->st));
	}
	s->index = e->nst;
	e->st[e->nst++] = s;
	return 0;
}

int
sf_fetchrun_options(struct sf_fetchrun *e, struct sf_err *err)
{
	const struct sf_fetchrun_opts *o = e->c.opts;
	struct sf_rec r;
	size_t i;

	if (o->nstations > 0 && o->start == NULL && e->d->observations &&
	    e->d->back == 0)
		return sf_err_set(err, "-s needs --start");
	for (i = 0; i < o->nstations; i++) {
		sf_rec_clear(&r, SF_KIND_REQUEST);
		r.f[SF_REQ_CONFIG] = o->config;
		r.f[SF_REQ_STATION] = o->stations[i];
		r.f[SF_REQ_TYPE] = o->type;
		r.f[SF_REQ_START] = o->start;
		r.f[SF_REQ_END] = o->end;
		if (take(e, &r, 0, err) != 0)
			return -1;	/* nothing to fetch is an error here */
	}
	return 0;
}

/* (nwmdrv) */
int
sf_fetchrun_request(struct sf_fetchrun *e, const struct sf_rec *r, long line,
    struct sf_err *err)
{
	return take(e, r, line, err);
}

/* Passes rec, not the driver's, through. */
static void
pass(struct sf_fetchrun *e, const struct sf_rec *rec, const char *name,
    long line)
{
	if (e->c.opts->fmt != SF_FMT_NDJSON && rec->kind == SF_KIND_ERROR) {
		/* (nwmdrv) an upstream failure must not vanish: said as ours */
		sf_note_rec(e->c.note, e->c.note_arg, rec);
		return;
	}
	if (e->c.opts->fmt != SF_FMT_NDJSON) {
		sf_fetchrun_note(e, SF_NOTE_WARN, "%s:%ld: %s record left out: "
		    "CSV output holds obs records only", name, line,
		    sf_kind_info(rec->kind)->name);
		return;
	}
	put_in_place(e, rec);
}

int
sf_fetchrun_read(struct sf_fetchrun *e, FILE *fp, const char *name)
{
	const struct sf_fetch_driver *d = e->d;
	struct sf_reader *rd = sf_reader_new(fp, name);
	const char *id;
	struct sf_rec rec;
	struct sf_err err;
	int rc, bad = 0, mine;
	long line;

	while ((rc = sf_reader_next(rd, &rec, &err)) != 0) {
		line = sf_reader_line(rd);
		if (rc < 0) {
			sf_fetchrun_note(e, SF_NOTE_ERROR, "%s", err.msg);
			bad = 1;
			if (rc == -2)
				break;
			continue;
		}
		mine = d->mine != NULL ? d->mine(e->c.ctx, &rec) :
		    sf_fetch_obs_mine(&rec, d->agency);
		if (!mine) {
			pass(e, &rec, name, line);
			continue;
		}
		id = rec.f[SF_REQ_STATION];
		if (id == NULL || *id == '\0') {
			sf_fetchrun_note(e, SF_NOTE_ERROR, "%s:%ld: request "
			    "without a station", name, line);
			bad = 1;
			continue;
		}
		rc = take(e, &rec, line, &err);
		if (rc == 1)
			sf_fetchrun_note(e, SF_NOTE_INFO, "%s:%ld: %s", name,
			    line, err.msg);
		else if (rc == -1) {
			if (strncmp(err.msg, "station '", 9) == 0)
				sf_fetchrun_note(e, SF_NOTE_ERROR, "%s:%ld: %s",
				    name, line, err.msg);
			else
				sf_fetchrun_note(e, SF_NOTE_ERROR, "%s:%ld: "
				    "station '%s': %s", name, line, id,
				    err.msg);
			bad = 1;
		}
	}
	sf_reader_free(rd);
	if (bad)
		e->rval = EXIT_FAIL;
	return bad;
}

/* Jobs */

struct sf_fetch_job *
sf_fetchrun_job(struct sf_fetchrun *e, struct sf_fetch_station **st,
    size_t n, void *data)
{
	struct sf_fetchrun_job *j = sf_calloc(1, sizeof(*j));
	size_t i;

	j->e = e;
	sf_buf_init(&j->fnotes);
	j->pub.st = sf_calloc(n + 1, sizeof(*j->pub.st));
	if (n > 0)
		memcpy(j->pub.st, st, n * sizeof(*st));
	j->pub.nst = n;
	j->pub.data = data;
	j->pub.priv = j;
	j->ids = sf_calloc(n + 1, sizeof(*j->ids));
	for (i = 0; i < n; i++)
		j->ids[i] = st[i]->id;
	if (e->njobs == e->capjobs) {
		e->capjobs = e->capjobs ? 2 * e->capjobs : 16;
		e->jobs = sf_realloc(e->jobs, e->capjobs * sizeof(*e->jobs));
	}
	e->jobs[e->njobs++] = j;
	return &j->pub;
}

void
sf_fetchrun_newest(struct sf_fetch_job *pj, size_t i, const char *newest)
{
	struct sf_fetchrun_job *j = pj->priv;

	if (i >= pj->nst)
		return;
	if (j->newest == NULL)
		j->newest = sf_calloc(pj->nst, sizeof(*j->newest));
	free(j->newest[i]);
	j->newest[i] = dup_text(newest);
}

static void
forget_seen(struct sf_fetchrun_job *j)
{
	while (j->nseen > 0)
		free(j->seen[--j->nseen]);
}

/* Reading ahead */

/* The job's thread: feeds the parser what comes, block by block. */
static void *
ahead_main(void *arg)
{
	struct sf_fetchrun_job *j = arg;
	struct ahead *a = j->ah;
	struct ablk *b;
	size_t from, to;
	int rc;

	pthread_mutex_lock(&a->mu);
	for (;;) {
		while (!a->quit && a->bytes == 0)
			pthread_cond_wait(&a->more, &a->mu);
		if (a->quit)
			break;
		while (a->pos == a->head->len) {	/* bytes: a next */
			b = a->head;
			a->head = b->next;
			b->next = a->spare;
			a->spare = b;
			a->pos = 0;
		}
		b = a->head;
		from = a->pos;
		to = b->len;
		a->feeding = 1;
		pthread_mutex_unlock(&a->mu);
		rc = 0;
		if (!a->failed)
			rc = j->e->d->feed(j->parser, b->b + from, to - from,
			    &j->perr);
		pthread_mutex_lock(&a->mu);
		a->feeding = 0;
		if (rc == -1)
			a->failed = 1;
		a->pos = to;
		a->bytes -= to - from;
		atomic_fetch_sub(&j->e->abytes, to - from);
		if (a->waiting)
			pthread_cond_signal(&a->fed);
		if (a->bytes == 0 && a->wake)
			sf_http_wakeup(j->e->h);
	}
	pthread_mutex_unlock(&a->mu);
	return NULL;
}

/* Frees a, its thread not running. */
static void
ahead_free(struct ahead *a)
{
	pthread_mutex_destroy(&a->mu);
	pthread_cond_destroy(&a->more);
	pthread_cond_destroy(&a->fed);
	free(a);
}

/* Starts j's thread when its driver reads ahead; else j has none. */
static void
ahead_start(struct sf_fetchrun_job *j)
{
	struct sf_fetchrun *e = j->e;
	struct ahead *a;
	size_t running = e->njobs < (size_t)e->c.opts->jobs ? e->njobs :
	    (size_t)e->c.opts->jobs;

	if (e->d->peek_next == NULL)
		return;
	a = sf_calloc(1, sizeof(*a));
	a->cap = SF_FETCHRUN_AHEAD / (running > 0 ? running : 1);
	pthread_mutex_init(&a->mu, NULL);
	pthread_cond_init(&a->more, NULL);
	pthread_cond_init(&a->fed, NULL);
	j->ah = a;
	if (pthread_create(&a->thr, NULL, ahead_main, j) != 0) {
		ahead_free(a);		/* the job reads inline */
		j->ah = NULL;
	}
}

static void
blocks_free(struct ablk *b)
{
	struct ablk *n;

	for (; b != NULL; b = n) {
		n = b->next;
		free(b);
	}
}

/* Stops j's thread and frees what it held. */
static void
ahead_stop(struct sf_fetchrun_job *j)
{
	struct ahead *a = j->ah;

	if (a == NULL)
		return;
	pthread_mutex_lock(&a->mu);
	a->quit = 1;
	pthread_cond_signal(&a->more);
	pthread_mutex_unlock(&a->mu);
	pthread_join(a->thr, NULL);
	atomic_fetch_sub(&j->e->abytes, a->bytes);	/* never fed */
	blocks_free(a->head);
	blocks_free(a->spare);
	ahead_free(a);
	j->ah = NULL;
}

/* Hands the n bytes at p to j's thread. Returns -1 once its feed failed. */
static int
ahead_put(struct sf_fetchrun_job *j, const char *p, size_t n)
{
	struct ahead *a = j->ah;
	struct ablk *b;
	size_t k, m;

	a->body += n;
	pthread_mutex_lock(&a->mu);
	while (n > 0 && !a->failed) {
		while (a->bytes >= a->cap && !a->failed) {
			a->waiting = 1;
			pthread_cond_wait(&a->fed, &a->mu);
			a->waiting = 0;
		}
		if (a->failed)
			break;
		if ((b = a->tail) == NULL || b->len == ABLK) {
			if ((b = a->spare) != NULL)
				a->spare = b->next;
			else
				b = sf_malloc(sizeof(*b));
			b->next = NULL;
			b->len = 0;
			if (a->tail != NULL)
				a->tail->next = b;
			else
				a->head = b;
			a->prev = a->tail;
			a->tail = b;
		}
		k = ABLK - b->len < n ? ABLK - b->len : n;
		if (k > a->cap - a->bytes)	/* never past cap */
			k = a->cap - a->bytes;
		pthread_mutex_unlock(&a->mu);	/* the thread reads below len */
		memcpy(b->b + b->len, p, k);
		pthread_mutex_lock(&a->mu);
		b->len += k;
		if ((a->bytes += k) == k)	/* it may wait */
			pthread_cond_signal(&a->more);
		if ((m = atomic_fetch_add(&j->e->abytes, k) + k) > j->e->apeak)
			j->e->apeak = m;
		p += k;
		n -= k;
	}
	k = a->failed;
	pthread_mutex_unlock(&a->mu);
	return k ? -1 : 0;
}

/*
 * Whether j's thread has fed everything it was given; when not, it wakes
 * sf_http once it has.
 */
static int
ahead_idle(struct ahead *a)
{
	int idle;

	pthread_mutex_lock(&a->mu);
	idle = a->bytes == 0 && !a->feeding;
	a->wake = !idle;
	pthread_mutex_unlock(&a->mu);
	return idle;
}

/*
 * Waits until j's thread has fed everything, then says the stations not
 * asked for that it met. Afterwards the parser and the store are this
 * thread's until more bytes are put. Returns -1 when the feed failed.
 */
static int
settle(struct sf_fetchrun_job *j)
{
	struct ahead *a = j->ah;
	const char *id;
	int failed;

	if (a == NULL)
		return j->pfailed ? -1 : 0;
	pthread_mutex_lock(&a->mu);
	a->waiting = 1;
	while (a->bytes > 0 || a->feeding)
		pthread_cond_wait(&a->fed, &a->mu);
	a->waiting = 0;
	failed = a->failed;
	a->wake = 0;
	pthread_mutex_unlock(&a->mu);
	for (id = j->fnotes.buf; id < j->fnotes.buf + j->fnotes.len;
	    id += strlen(id) + 1)
		sf_fetchrun_note(j->e, SF_NOTE_WARN, "station '%s': not "
		    "asked for; rows dropped", id);
	sf_buf_reset(&j->fnotes);
	if (failed)
		j->pfailed = 1;
	return failed ? -1 : 0;
}

/* A new body begins (j settled): forget the last one's bytes. */
static void
ahead_begin(struct sf_fetchrun_job *j)
{
	struct ahead *a = j->ah;

	if (a == NULL)
		return;
	pthread_mutex_lock(&a->mu);
	a->failed = 0;
	pthread_mutex_unlock(&a->mu);
	a->body = 0;
}

/*
 * The last bytes of the body, up to TAIL, into b: from tail, and prev
 * when tail holds fewer (a block holds more than TAIL). The thread may
 * read them too; nobody writes them.
 */
static void
ahead_tail(const struct ahead *a, struct sf_buf *b)
{
	size_t n = a->body < TAIL ? a->body : TAIL, k;

	sf_buf_reset(b);
	if (a->tail == NULL)
		return;
	k = a->tail->len < n ? n - a->tail->len : 0;
	if (k > 0 && a->prev != NULL)
		sf_buf_add(b, a->prev->b + ABLK - k, k);
	sf_buf_add(b, a->tail->b + a->tail->len - (n - k), n - k);
}

/* Frees what a job holds while it runs. */
static void
job_release(struct sf_fetchrun_job *j)
{
	size_t i;

	ahead_stop(j);
	sf_buf_release(&j->fnotes);
	free(j->early);
	free(j->aurl);
	free(j->doom_msg);
	free(j->renext);
	j->early = j->aurl = j->doom_msg = j->renext = NULL;
	j->e->nadone -= j->adone;
	j->adone = j->doomed = j->redo = 0;
	if (j->parser != NULL)
		j->e->d->parser_free(j->parser);
	j->parser = NULL;
	if (j->store != NULL) {		/* kept for the next job */
		if (j->e->npool < (size_t)j->e->maxheld)
			j->e->pool[j->e->npool++] = j->store;
		else
			sf_fetch_store_free(j->store);
	}
	j->store = NULL;
	forget_seen(j);
	free(j->seen);
	j->seen = NULL;
	free(j->fail_msg);
	j->fail_msg = NULL;
	if (j->newest != NULL)
		for (i = 0; i < j->pub.nst; i++)
			free(j->newest[i]);
	free(j->newest);
	j->newest = NULL;
}

static void advance(struct sf_fetchrun *e);
static void page_end(struct sf_fetchrun_job *j);
static void done_page(struct sf_fetchrun_job *j, const char *url,
    long status, const struct sf_http_res *failed);
static int my_turn(const struct sf_fetchrun_job *j);
static void pump(struct sf_fetchrun *e);
static void open_window(struct sf_fetchrun_job *j);

/* The job is over: done records for its stations that did not fail. */
static void
job_over(struct sf_fetchrun_job *j)
{
	struct sf_fetchrun *e = j->e;
	struct sf_fetch_station *s;
	char num[SF_NUM_LEN], when[SF_TIME_LEN];
	const char *newest;
	struct sf_rec r;
	size_t i;

	for (i = 0; i < j->pub.nst && e->c.opts->fmt == SF_FMT_NDJSON; i++) {
		s = j->pub.st[i];
		if (s->failed)
			continue;
		newest = NULL;
		if (j->newest != NULL && j->newest[i] != NULL)
			newest = j->newest[i];
		else if (s->rows > 0) {
			sf_time_format(s->newest, when);
			newest = when;
		}
		sf_fetch_done(&r, s->config, s->id, s->agency, s->type,
		    s->start, s->end, s->mod, s->rows, num, newest);
		(void)put(e, &r);
	}
	e->tally.done += (long)j->pub.nst;
	j->state = OVER;
	job_release(j);
	if (e->d->job_free != NULL)
		e->d->job_free(e->c.ctx, &j->pub);
	j->pub.data = NULL;
	e->held--;
	advance(e);
}

/* Whether j may write now: unordered, or the first job not over. */
static int
my_turn(const struct sf_fetchrun_job *j)
{
	return !j->e->d->ordered || j->e->jobs[j->e->head] == j;
}

/* The window failed: every station of j that has not failed fails. */
static void
window_fail(struct sf_fetchrun_job *j, long status, const char *msg)
{
	struct sf_fetchrun *e = j->e;
	size_t i;

	if (j->store != NULL)
		sf_fetch_store_reset(j->store);
	if (!my_turn(j)) {
		free(j->fail_msg);
		j->fail_msg = sf_strdup(msg);
		j->fail_status = status;
		j->parked_fail = 1;
		j->state = PARKED;
		return;
	}
	if (j->pub.nst == 0) {		/* a job of no station: the catalog */
		char text[SF_ERR_MAX];

		snprintf(text, sizeof(text), "%s", msg);
		sf_http_scrub(e->h, text, sizeof(text));
		sf_fetchrun_note(e, SF_NOTE_ERROR, "%s", text);
		e->failed++;
		e->rval = EXIT_FAIL;
	}
	for (i = 0; i < j->pub.nst; i++)
		fail_station(e, j->pub.st[i], j->pub.win == 0, j->pub.ws,
		    status, msg);
	job_over(j);
}

/*
 * The store's walk: writes a row, checking its station's order; the row
 * is rec, or its NDJSON line when rec is NULL.
 */
static int
put_row(void *arg, const struct sf_rec *rec, const char *line, size_t len,
    long st, int64_t t)
{
	struct sf_fetchrun_job *j = arg;
	struct sf_fetchrun *e = j->e;
	struct sf_fetch_station *s = NULL;
	char a[SF_TIME_LEN], b[SF_TIME_LEN], msg[96];

	if (st >= 0)
		s = j->pub.st[st];
	else if (j->pub.nst == 1)
		s = j->pub.st[0];
	if (s != NULL && s->failed)
		return 0;
	if (st >= 0 && s->rows > 0 && t <= s->newest) {
		sf_time_format(t, a);
		sf_time_format(s->newest, b);
		snprintf(msg, sizeof(msg), "rows out of order: %s after %s", a,
		    b);
		fail_station(e, s, j->pub.win == 0, j->pub.ws, 0, msg);
		return 0;
	}
	if (rec == NULL)
		sf_writer_raw(e->w, line, len);
	else if (put(e, rec) == -1)
		return 0;
	e->tally.rows++;
	if (s != NULL) {
		s->rows++;
		if (st >= 0)
			s->newest = t;
	}
	return 0;
}

/* put_row for sf_fetch_store_walk (CSV). */
static int
put_rec(void *arg, const struct sf_rec *rec, long st, int64_t t)
{
	return put_row(arg, rec, NULL, 0, st, t);
}

/* Writes the rows of j's store, and empties it. */
static void
write_rows(struct sf_fetchrun_job *j)
{
	if (j->e->c.opts->fmt == SF_FMT_NDJSON)
		(void)sf_fetch_store_walk_lines(j->store, put_row, j);
	else
		(void)sf_fetch_store_walk(j->store, put_rec, j);
	sf_fetch_store_reset(j->store);
}

/* Writes j's complete window and goes on to the next. */
static void
window_write(struct sf_fetchrun_job *j)
{
	if (j->parked_end) {
		j->parked_end = 0;
		job_over(j);
		return;
	}
	if (j->parked_fail) {
		j->parked_fail = 0;
		window_fail(j, j->fail_status, j->fail_msg);
		return;
	}
	if (j->e->d->sort_window)
		sf_fetch_store_sort(j->store);
	write_rows(j);
	j->pub.win++;
	open_window(j);
}

static void
window_complete(struct sf_fetchrun_job *j)
{
	if (!my_turn(j)) {
		j->state = PARKED;
		return;
	}
	window_write(j);
}

/* Whether every station of j has failed (and it has some). */
static int
job_failed(const struct sf_fetchrun_job *j)
{
	size_t i;

	for (i = 0; i < j->pub.nst; i++)
		if (!j->pub.st[i]->failed)
			return 0;
	return j->pub.nst > 0;
}

/*
 * (page_whole) Writes j's page pending. A page is written after the next
 * page's request is sent (sf_http's idle), not before, so that the
 * server's latency hides the writing; and at the latest before anything
 * else happens to j (its next answer begins or fails).
 */
static void
flush_page(struct sf_fetchrun_job *j)
{
	if (!j->pending)
		return;
	j->pending = 0;
	j->e->npending--;
	write_rows(j);
}

/*
 * sf_http's idle: the pages read ahead whose thread is through, the pages
 * pending. Returns whether pages read ahead are left (sf_http_run goes
 * on: their thread wakes it).
 */
static int
http_idle(void *arg)
{
	struct sf_fetchrun *e = arg;
	struct sf_fetchrun_job *j;
	size_t i;

	for (i = e->head; i < e->next && e->nadone > 0; i++) {
		j = e->jobs[i];
		if (j->adone && ahead_idle(j->ah)) {
			page_end(j);
			show_progress(e, 0);
			pump(e);	/* as on_done: the job may be over */
		}
	}
	for (i = e->head; i < e->next && e->npending > 0; i++)
		flush_page(e->jobs[i]);
	return e->nadone > 0;
}

static int on_begin(void *arg, const struct sf_http_res *res);
static int on_body(void *arg, const char *p, size_t n);
static int on_done(void *arg, const struct sf_http_res *res);

/* Adds the request of url for j. Returns 0, or -1 with err. */
static int
request(struct sf_fetchrun_job *j, const char *url, struct sf_err *err)
{
	struct sf_http_req req = { 0 };

	req.url = url;
	req.begin = on_begin;
	req.body = on_body;
	req.done = on_done;
	req.arg = j;
	req.restart = 1;
	if (sf_http_add(j->e->h, &req, err) == -1)
		return -1;
	j->state = RUNNING;
	j->seen = sf_realloc(j->seen, (j->nseen + 1) * sizeof(*j->seen));
	j->seen[j->nseen++] = sf_strdup(url);
	j->e->tally.requests++;
	sf_fetchrun_note(j->e, SF_NOTE_INFO, "GET %s", url);
	return 0;
}

/* Sends the request of url for j (settled), a page of its own. */
static void
queue(struct sf_fetchrun_job *j, const char *url)
{
	struct sf_err err;

	sf_fetch_store_rollback(j->store);
	j->e->d->begin(j->parser, NULL);
	j->pfailed = j->efailed = 0;
	j->foreign = NULL;
	if (request(j, url, &err) == -1) {
		flush_page(j);
		window_fail(j, 0, err.msg);
	}
}

/* Starts window j->pub.win of j, or ends j when there is none. */
static void
open_window(struct sf_fetchrun_job *j)
{
	struct sf_buf url = SF_BUF_INIT;
	struct sf_err err;
	int rc;

	if (job_failed(j)) {
		job_over(j);
		return;
	}
	forget_seen(j);
	rc = j->e->d->window(j->e->c.ctx, &j->pub, &url, &err);
	if (rc == 0 && !my_turn(j)) {
		j->parked_end = 1;
		j->state = PARKED;
	} else if (rc == 0)
		job_over(j);
	else if (rc == -1)
		window_fail(j, 0, err.msg);
	else
		queue(j, url.buf);
	sf_buf_release(&url);
}

/* The parser's emit: keeps the record in the job's store. */
static int
on_emit(void *arg, const struct sf_rec *rec)
{
	struct sf_fetchrun_job *j = arg;
	const char *id;
	int rc;

	rc = sf_fetch_store_add(j->store, rec, &j->eerr);
	if (rc == -1) {
		j->efailed = 1;
		return -1;
	}
	if (rc == 1) {
		id = rec->f[SF_OBS_STATION] != NULL ? rec->f[SF_OBS_STATION] :
		    "";
		if (j->foreign == NULL || strcmp(j->foreign, id) != 0) {
			if (j->ah != NULL)	/* the job's thread: settle says */
				sf_buf_add(&j->fnotes, id, strlen(id) + 1);
			else
				sf_fetchrun_note(j->e, SF_NOTE_WARN, "station "
				    "'%s': not asked for; rows dropped", id);
			free(j->foreign_buf);
			j->foreign_buf = sf_strdup(id);
			j->foreign = j->foreign_buf;
		}
	}
	return 0;
}

static int
on_begin(void *arg, const struct sf_http_res *res)
{
	struct sf_fetchrun_job *j = arg;
	long n;

	if (j->adone)
		page_end(j);
	if (j->doomed || j->redo)
		return -1;	/* on_done goes on */
	(void)settle(j);	/* a failed attempt's bytes */
	ahead_begin(j);
	flush_page(j);
	if ((n = sf_fetch_pace(j->e->h, res)) >= 0)
		sf_fetchrun_note(j->e, SF_NOTE_INFO, "X-RateLimit-Remaining "
		    "%ld: slowing down", n);
	sf_fetch_store_rollback(j->store);
	j->e->d->begin(j->parser, res);
	j->pfailed = j->efailed = 0;
	return 0;
}

static int
on_body(void *arg, const char *p, size_t n)
{
	struct sf_fetchrun_job *j = arg;

	if (j->ah != NULL)
		return ahead_put(j, p, n);
	if (j->e->d->feed(j->parser, p, n, &j->perr) == -1) {
		j->pfailed = 1;
		return -1;
	}
	return 0;
}

/* "GET URL: what", a long URL shortened in the middle, into m. */
static void
get_msg(struct sf_buf *m, const char *url, const char *what)
{
	size_t n = strlen(url);

	if (n <= 200)
		sf_buf_addf(m, "GET %s: %s", url, what);
	else
		sf_buf_addf(m, "GET %.120s...%s: %s", url, url + n - 60, what);
}

/* What a page the parser refused says: "GET URL: what", or bare what. */
static void
parse_msg(const struct sf_fetchrun_job *j, struct sf_buf *m, const char *url,
    const char *what)
{
	if (j->e->d->bare_errors)
		sf_buf_adds(m, what);
	else
		get_msg(m, url, what);
}

/*
 * Checks next, the link to the window's next page: on the base URL's
 * origin (the key goes with it), not seen before in the window, under
 * SF_FETCHRUN_PAGES_MAX pages. Returns 0, or -1 with the reason in m.
 */
static int
check_next(struct sf_fetchrun_job *j, const char *next, struct sf_buf *m)
{
	size_t i;

	if (!sf_http_same_origin(next, j->e->c.base)) {
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
	if (j->nseen >= SF_FETCHRUN_PAGES_MAX) {
		sf_buf_addf(m, "more than %d pages in one request: stopped",
		    SF_FETCHRUN_PAGES_MAX);
		return -1;
	}
	return 0;
}

/*
 * The window of j fails when the request in flight (the next page's,
 * asked for early) is over: page_end found the page bad.
 */
static void
doom(struct sf_fetchrun_job *j, long status, const char *msg)
{
	j->doomed = 1;
	j->doom_status = status;
	free(j->doom_msg);
	j->doom_msg = sf_strdup(msg);
}

/*
 * The page of j that is in (adone) is fed whole (settle) and ends. With
 * its next page asked for early, its rows are sealed while that request
 * is under way, or the window is doomed; else (the last page, or no link
 * could be read ahead) it is done as on_done would have done it.
 */
static void
page_end(struct sf_fetchrun_job *j)
{
	const struct sf_fetch_driver *d = j->e->d;
	struct sf_buf m = SF_BUF_INIT;
	const char *next = NULL;
	struct sf_err err;
	char *url;

	j->adone = 0;
	j->e->nadone--;
	if (j->early == NULL) {		/* the last page: nothing in flight */
		url = j->aurl;
		j->aurl = NULL;
		(void)settle(j);
		done_page(j, url, 0, NULL);
		free(url);
		return;
	}
	if (settle(j) == -1 || j->efailed)
		parse_msg(j, &m, j->aurl, j->efailed ? j->eerr.msg :
		    j->perr.msg);
	else if (d->finish(j->parser, &next, &err) == -1 || j->efailed)
		parse_msg(j, &m, j->aurl, j->efailed ? j->eerr.msg :
		    err.msg);
	if (m.len > 0)
		doom(j, 0, m.buf);
	else {
		sf_fetch_store_seal(j->store);
		if (d->page_whole && my_turn(j)) {
			j->pending = 1;		/* flush_page */
			j->e->npending++;
		}
		if (next == NULL || strcmp(next, j->early) != 0) {
			j->redo = 1;	/* the parser's link wins */
			j->renext = next != NULL ? sf_strdup(next) : NULL;
		}
		j->foreign = NULL;	/* a page begins, as in queue */
	}
	free(j->early);
	free(j->aurl);
	j->early = j->aurl = NULL;
	sf_buf_release(&m);
}

/*
 * The body of j's page is whole (res): when peek_next reads the next link
 * in its tail, the next page is asked for now; the page ends (page_end)
 * now if j's thread is through it, else from http_idle once it is.
 * Returns 1, or 0 when j reads inline (on_done ends the page).
 */
static int
read_ahead(struct sf_fetchrun_job *j, const struct sf_http_res *res)
{
	struct sf_fetchrun *e = j->e;
	struct sf_buf tail = SF_BUF_INIT, next = SF_BUF_INIT;
	struct sf_buf m = SF_BUF_INIT;
	struct sf_err err;

	if (j->ah == NULL)
		return 0;
	ahead_tail(j->ah, &tail);
	if (e->d->peek_next(e->c.ctx, tail.buf, tail.len, &next) == 1 &&
	    check_next(j, next.buf, &m) == 0 &&
	    request(j, next.buf, &err) == 0)
		j->early = sf_strdup(next.buf);
	j->adone = 1;
	e->nadone++;
	j->aurl = sf_strdup(res->url);
	sf_buf_release(&tail);
	sf_buf_release(&next);
	sf_buf_release(&m);
	if (ahead_idle(j->ah))
		page_end(j);
	return 1;
}

/* After a page of j: its next page, or the window is complete. */
static void
follow(struct sf_fetchrun_job *j, const char *next)
{
	struct sf_buf m = SF_BUF_INIT;
	char *url;

	if (next == NULL || job_failed(j)) {
		window_complete(j);
		return;
	}
	url = sf_strdup(next);		/* next may go with the parser */
	if (check_next(j, url, &m) == -1) {
		flush_page(j);
		window_fail(j, 0, m.buf);
	} else
		queue(j, url);
	free(url);
	sf_buf_release(&m);
}

/*
 * A page is whole (pageurl; status: sf_http_error_status): the next page,
 * or the window is complete.
 */
static void
page_done(struct sf_fetchrun_job *j, const char *pageurl, long status)
{
	const struct sf_fetch_driver *d = j->e->d;
	struct sf_buf m = SF_BUF_INIT;
	const char *next = NULL;
	struct sf_err err;

	if (d->finish(j->parser, &next, &err) == -1) {
		parse_msg(j, &m, pageurl, j->efailed ? j->eerr.msg :
		    err.msg);
		window_fail(j, status, m.buf);
	} else if (j->efailed) {
		parse_msg(j, &m, pageurl, j->eerr.msg);
		window_fail(j, status, m.buf);
	} else {
		sf_fetch_store_seal(j->store);
		if (next != NULL && !job_failed(j) && d->page_whole &&
		    my_turn(j)) {
			j->pending = 1;		/* flush_page */
			j->e->npending++;
		}
		follow(j, next);
	}
	sf_buf_release(&m);
}

/*
 * The request of j for url is over, j settled: the page, or its failure.
 * failed is the answer when the transfer failed (rc -1), else NULL;
 * status is sf_http_error_status of the answer.
 */
static void
done_page(struct sf_fetchrun_job *j, const char *url, long status,
    const struct sf_http_res *failed)
{
	const struct sf_fetch_driver *d = j->e->d;
	struct sf_buf m = SF_BUF_INIT;
	struct sf_err err;

	if (failed == NULL && !j->pfailed)
		page_done(j, url, status);
	else if (j->pfailed || j->efailed) {
		parse_msg(j, &m, url, j->efailed ? j->eerr.msg :
		    j->perr.msg);
		window_fail(j, status, m.buf);
	} else {
		err.msg[0] = '\0';
		if (d->answer != NULL &&
		    d->answer(j->parser, failed, &err) == 1) {
			sf_fetch_store_rollback(j->store);
			d->begin(j->parser, NULL);
			page_done(j, url, status);
		} else
			window_fail(j, status, err.msg[0] != '\0' ? err.msg :
			    failed->err.msg);
	}
	sf_buf_release(&m);
}

static int
on_done(void *arg, const struct sf_http_res *res)
{
	struct sf_fetchrun_job *j = arg;
	struct sf_fetchrun *e = j->e;
	const struct sf_fetch_driver *d = e->d;
	char *url;

	if (j->adone)
		page_end(j);
	if (j->doomed) {
		j->doomed = 0;
		window_fail(j, j->doom_status, j->doom_msg);
	} else if (j->redo) {
		j->redo = 0;		/* the early request is dropped */
		url = j->renext;
		j->renext = NULL;
		flush_page(j);
		follow(j, url);
		free(url);
	} else if (res->rc == 0 && read_ahead(j, res))
		;	/* the page ends in read_ahead, http_idle or on_begin */
	else {
		(void)settle(j);
		flush_page(j);
		done_page(j, res->url, sf_http_error_status(res),
		    res->rc == 0 ? NULL : res);
	}
	if (d->gap_ms > 0)
		sf_http_hold(e->h, d->gap_ms);
	show_progress(e, 0);
	pump(e);
	return 0;
}

/* sf_http's retry lines, for -v. */
static void
http_note(void *arg, const char *msg)
{
	sf_fetchrun_note(arg, SF_NOTE_INFO, "%s", msg);
}

/* Starts job j: its parser, its store, its first window. */
static void
job_start(struct sf_fetchrun_job *j)
{
	struct sf_fetchrun *e = j->e;

	e->held++;
	if (e->npool > 0) {
		j->store = e->pool[--e->npool];
		sf_fetch_store_retarget(j->store, j->ids, j->pub.nst);
	} else
		j->store = sf_fetch_store_new(j->ids, j->pub.nst);
	sf_fetch_store_reset(j->store);
	j->parser = e->d->parser_new(e->c.ctx, &j->pub, on_emit, j);
	ahead_start(j);
	j->pub.win = 0;
	j->state = RUNNING;
	open_window(j);
}

static void
pump(struct sf_fetchrun *e)
{
	while (e->held < e->maxheld && e->next < e->njobs)
		job_start(e->jobs[e->next++]);
}

/* The first station index of job i, for the records held before it. */
static size_t
job_first(const struct sf_fetchrun *e, size_t i)
{
	const struct sf_fetchrun_job *j = e->jobs[i];

	return j->pub.nst > 0 ? j->pub.st[0]->index : 0;
}

/*
 * Ordered: moves the head past the jobs over, writing what was held
 * before each, and lets a parked head write.
 */
static void
advance(struct sf_fetchrun *e)
{
	struct sf_fetchrun_job *j;

	if (!e->d->ordered || e->advancing)
		return;
	e->advancing = 1;
	while (e->head < e->njobs) {
		j = e->jobs[e->head];
		if (j->state == OVER) {
			e->head++;
			if (e->head < e->njobs)
				write_held(e, job_first(e, e->head));
			continue;
		}
		if (j->state != PARKED)
			break;
		j->state = RUNNING;
		window_write(j);
	}
	e->advancing = 0;
}

/* Whether every job is over. */
static int
all_over(const struct sf_fetchrun *e)
{
	size_t i;

	for (i = 0; i < e->njobs; i++)
		if (e->jobs[i]->state != OVER)
			return 0;
	return 1;
}

/* sf_http_run gave up: the jobs not over fail with its message. */
static void
run_failed(struct sf_fetchrun *e, const struct sf_err *err)
{
	struct sf_fetchrun_job *j;
	size_t i, k;

	sf_fetchrun_note(e, SF_NOTE_ERROR, "%s", err->msg);
	e->rval = EXIT_FAIL;
	for (i = 0; i < e->njobs; i++) {
		j = e->jobs[i];
		if (j->state == OVER)
			continue;
		for (k = 0; k < j->pub.nst; k++)
			fail_station(e, j->pub.st[k], j->pub.win == 0,
			    j->pub.ws, 0, err->msg);
		j->state = OVER;
		job_release(j);
		if (e->d->job_free != NULL)
			e->d->job_free(e->c.ctx, &j->pub);
	}
}

int
sf_fetchrun_run(struct sf_fetchrun *e)
{
	struct sf_err err;

	sf_fetch_tally_start(&e->tally, e->nst, 2, e->c.progress);
	if (e->d->plan(e->c.ctx, e, e->st, e->nst, &err) == -1) {
		sf_fetchrun_note(e, SF_NOTE_ERROR, "%s", err.msg);
		e->rval = EXIT_FAIL;
		return e->rval;
	}
	if (e->d->ordered && e->njobs > 0)
		write_held(e, job_first(e, 0));
	pump(e);
	if (sf_http_run(e->h, &err) == -1) {
		(void)http_idle(e);
		run_failed(e, &err);
	} else if (e->next < e->njobs || !all_over(e)) {
		/* never a job's rows lost with exit 0, were sf wrong */
		sf_err_set(&err, "the run ended before its jobs did (a bug)");
		run_failed(e, &err);
	}
	write_held(e, SIZE_MAX);
	sf_writer_flush(e->w);
	show_progress(e, 1);
	if (!e->d->own_summary)
		sf_fetchrun_note(e, SF_NOTE_INFO, "%zu stations, %ld requests, "
		    "%ld rows, %ld failed", e->nst, e->tally.requests,
		    e->tally.rows, e->failed);
	return e->rval;
}

void
sf_fetchrun_fail(struct sf_fetchrun *e, struct sf_fetch_station *s,
    long status, const char *msg)
{
	const char *start = s->start;

	s->start = NULL;	/* no window of it was asked for */
	fail_station(e, s, 1, 0, status, msg);
	s->start = start;
	e->tally.done++;
}

struct sf_http *
sf_fetchrun_http(struct sf_fetchrun *e)
{
	return e->h;
}

const struct sf_fetch_tally *
sf_fetchrun_tally(const struct sf_fetchrun *e)
{
	return &e->tally;
}

size_t
sf_fetchrun_ahead_peak(const struct sf_fetchrun *e)
{
	return e->apeak;
}

/* (nwmdrv) */
const struct sf_http_stats *
sf_fetchrun_http_stats(const struct sf_fetchrun *e)
{
	return sf_http_stats(e->h);
}

struct sf_fetchrun *
sf_fetchrun_new(const struct sf_fetchrun_conf *c, struct sf_err *err)
{
	const struct sf_fetchrun_opts *o = c->opts;
	struct sf_http_opts ho = { 0 };
	struct sf_fetchrun *e = sf_calloc(1, sizeof(*e));

	e->c = *c;
	e->d = c->drv;
	ho.headers = c->headers;
	ho.secret_header = c->secret_header;
	ho.parallel = o->jobs;
	ho.max_attempts = o->retries + 1;
	ho.backoff_ms = o->backoff > 0 ? o->backoff : 1;
	ho.backoff_max_ms = o->backoff > 0 ? 30 * o->backoff : 1;
	if (o->timeout > 0) {
		ho.timeout_ms = (long)(o->timeout * 1000);
		ho.low_speed_time = o->timeout < 1 ? 1 : (long)o->timeout;
	}
	ho.note = http_note;
	ho.note_arg = e;
	ho.idle = http_idle;
	ho.idle_arg = e;
	if ((e->h = sf_http_new(&ho, err)) == NULL) {
		free(e);
		return NULL;
	}
	e->w = sf_writer_new(c->out, o->fmt);
	sf_writer_buffer(e->w, OUTBUF);
	e->maxheld = e->d->ordered ? AHEAD * o->jobs : o->jobs;
	e->pool = sf_calloc((size_t)e->maxheld, sizeof(*e->pool));
	return e;
}

void
sf_fetchrun_free(struct sf_fetchrun *e)
{
	struct sf_fetchrun_job *j;
	size_t i;

	if (e == NULL)
		return;
	for (i = 0; i < e->njobs; i++) {
		j = e->jobs[i];
		if (j->state != OVER) {
			job_release(j);
			if (e->d->job_free != NULL)
				e->d->job_free(e->c.ctx, &j->pub);
		}
		free(j->foreign_buf);
		free(j->pub.st);
		free(j->ids);
		free(j);
	}
	free(e->jobs);
	while (e->npool > 0)
		sf_fetch_store_free(e->pool[--e->npool]);
	free(e->pool);
	for (i = 0; i < e->nst; i++) {
		if (e->st[i]->data != NULL && e->d->station_free != NULL)
			e->d->station_free(e->c.ctx, e->st[i]);
		station_free(e->st[i]);
	}
	free(e->st);
	for (i = 0; i < e->capstr; i++)
		free(e->str[i]);
	free(e->str);
	for (i = e->hlnext; i < e->nhl; i++)
		sf_buf_release(&e->hl[i].rec);
	free(e->hl);
	sf_writer_free(e->w);
	sf_http_free(e->h);
	free(e);
}
