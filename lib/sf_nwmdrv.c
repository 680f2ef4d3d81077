/*
 * sf_nwmdrv: sf_nwmfetch on the fetch engine. A forecast is small and
 * parsed whole (sf_nwps collects the body), so a job is one station, one
 * window, one page; the engine keeps the jobs in request order.
 */
#include <stdlib.h>
#include <string.h>

#include "sf_buf.h"
#include "sf_err.h"
#include "sf_id.h"
#include "sf_mem.h"
#include "sf_nwmdrv.h"
#include "sf_nwmfetch.h"
#include "sf_rec.h"
#include "sf.h"

/* What the driver keeps with a station (s->data). */
struct station {
	struct sf_nwmfetch_job q;	/* q.id borrows the station's */
	char *fail;			/* why it is not asked, or NULL */
	struct sf_buf rows;		/* mappings: its mapping CSV rows */
};

/* A job's parser: the body of its one page. */
struct parser {
	struct sf_nwmdrv *d;
	struct sf_fetch_job *j;
	struct sf_nwps *body;
	sf_fetch_emit_fn *emit;
	void *arg;
};

static int
mine(void *ctx, const struct sf_rec *r)
{
	(void)ctx;
	return sf_fetch_route(r) == SF_FETCH_FORECAST;
}

/* The request s stands for, its fields borrowed from s. */
static void
request_of(const struct sf_fetch_station *s, struct sf_rec *r)
{
	sf_rec_clear(r, SF_KIND_REQUEST);
	r->f[SF_REQ_CONFIG] = s->config;
	r->f[SF_REQ_STATION] = s->id;
	r->f[SF_REQ_AGENCY] = s->agency;
	r->f[SF_REQ_TYPE] = s->type;
	r->f[SF_REQ_SOURCE] = s->source;
	r->f[SF_REQ_START] = s->start;
	r->f[SF_REQ_END] = s->end;
	r->f[SF_REQ_MODIFIED_SINCE] = s->mod;
	r->f[SF_REQ_TARGET_ID] = s->target_id;
}

/*
 * Takes every request: one that cannot be asked keeps its reason, and its
 * window fails with it, in its place among the output.
 */
static int
take(void *ctx, struct sf_fetch_station *s, struct sf_err *err)
{
	struct sf_nwmdrv *d = ctx;
	struct station *ds = sf_calloc(1, sizeof(*ds));
	struct sf_rec r;
	struct sf_err why;

	(void)err;
	s->data = ds;
	sf_buf_init(&ds->rows);
	if (d->mappings) {
		ds->q.kind = SF_NWMFETCH_GAUGE;
		ds->q.id = s->id;
	} else {
		/* d->config lives as long as the engine (argv) */
		if (s->config == NULL || *s->config == '\0')
			s->config = d->config;
		if (s->agency == NULL || *s->agency == '\0')
			s->agency = sf_id_agency_guess(s->id);
		request_of(s, &r);
		if (sf_nwmfetch_request(&r, d->series, &ds->q, &why) == -1)
			ds->fail = sf_strdup(why.msg);
	}
	if (d->nst == d->capst) {
		d->capst = d->capst ? 2 * d->capst : 64;
		d->st = sf_realloc(d->st, d->capst * sizeof(*d->st));
	}
	d->st[d->nst++] = s;
	return 0;
}

static void
station_free(void *ctx, struct sf_fetch_station *s)
{
	struct station *ds = s->data;

	(void)ctx;
	free(ds->fail);
	sf_buf_release(&ds->rows);
	free(ds);
	s->data = NULL;
}

/* One job per station, in request order. */
static int
plan(void *ctx, struct sf_fetchrun *e, struct sf_fetch_station **st,
    size_t n, struct sf_err *err)
{
	size_t i;

	(void)ctx;
	(void)err;
	for (i = 0; i < n; i++)
		sf_fetchrun_job(e, &st[i], 1, NULL);
	return 0;
}

static int
window(void *ctx, struct sf_fetch_job *j, struct sf_buf *url,
    struct sf_err *err)
{
	struct sf_nwmdrv *d = ctx;
	struct station *ds = j->st[0]->data;

	if (j->win > 0)
		return 0;
	if (ds->fail != NULL)
		return sf_err_set(err, "%s", ds->fail);
	sf_nwmfetch_url(url, d->base, &ds->q);
	return 1;
}

static void *
parser_new(void *ctx, struct sf_fetch_job *j, sf_fetch_emit_fn *emit,
    void *arg)
{
	struct parser *p = sf_calloc(1, sizeof(*p));

	p->d = ctx;
	p->j = j;
	p->body = sf_nwps_new(0);
	p->emit = emit;
	p->arg = arg;
	return p;
}

static void
parser_free(void *vp)
{
	struct parser *p = vp;

	sf_nwps_free(p->body);
	free(p);
}

static void
begin(void *vp, const struct sf_http_res *res)
{
	struct parser *p = vp;

	(void)res;
	sf_nwps_reset(p->body);
}

static int
feed(void *vp, const char *buf, size_t n, struct sf_err *err)
{
	struct parser *p = vp;

	return sf_nwps_feed(p->body, buf, n, err);
}

/* The notes of a parse, through the engine. */
static void
note(void *arg, int level, const char *msg)
{
	sf_fetchrun_note(arg, level, "%s", msg);
}

static int
finish(void *vp, const char **next, struct sf_err *err)
{
	struct parser *p = vp;
	struct sf_fetch_station *s = p->j->st[0];
	struct station *ds = s->data;
	struct sf_nwps_info info;
	struct sf_rec r;
	int n;

	*next = NULL;
	if (p->d->mappings) {
		sf_buf_reset(&ds->rows);
		n = sf_nwmfetch_gauge(p->body, &ds->q, &ds->rows, note,
		    p->d->e, err);
		if (n == -1)
			return -1;
		p->d->mapped += n;
		return 0;
	}
	request_of(s, &r);
	if (sf_nwmfetch_forecast(p->body, &ds->q, &r, p->emit, p->arg, note,
	    p->d->e, &info, err) != 0)
		return -1;
	if (info.no_forecast)
		p->d->empty++;
	else
		sf_fetchrun_newest(p->j, 0, info.run_date);
	return 0;
}

/* What the error body of a failed answer says, after sf_http's message. */
static int
answer(void *vp, const struct sf_http_res *res, struct sf_err *err)
{
	struct parser *p = vp;
	struct sf_buf b = SF_BUF_INIT;

	sf_nwmfetch_failure(&b, res, p->body);
	sf_err_set(err, "%s", b.buf);
	sf_buf_release(&b);
	return 0;
}

static void
failure(void *ctx, const struct sf_fetch_station *s, const char *msg,
    struct sf_buf *rec, struct sf_buf *line)
{
	const struct station *ds = s->data;

	(void)ctx;
	sf_nwmfetch_words(s->id, &ds->q, msg, rec, line);
}

const struct sf_fetch_driver sf_nwmdrv = {
	.agency = NULL,
	.observations = 0,
	.ordered = 1,
	.own_summary = 1,	/* sf-fetch-nwm's summary() */
	.gap_ms = SF_NWMDRV_GAP_MS,
	.mine = mine,
	.take = take,
	.plan = plan,
	.window = window,
	.station_free = station_free,
	.parser_new = parser_new,
	.parser_free = parser_free,
	.begin = begin,
	.feed = feed,
	.finish = finish,
	.answer = answer,
	.failure = failure,
};

void
sf_nwmdrv_release(struct sf_nwmdrv *d)
{
	free(d->st);
	d->st = NULL;
	d->nst = d->capst = 0;
}

long
sf_nwmdrv_failed(const struct sf_nwmdrv *d)
{
	long n = 0;
	size_t i;

	for (i = 0; i < d->nst; i++)
		n += d->st[i]->failed != 0;
	return n;
}

int
sf_nwmdrv_read_gauges(struct sf_nwmdrv *d, FILE *fp, const char *name)
{
	struct sf_reader *rd = sf_reader_new(fp, name);
	struct sf_nwmfetch_job q;
	const char *st;
	struct sf_rec rec;
	struct sf_err err;
	int rc, bad = 0;
	long line;

	while ((rc = sf_reader_next(rd, &rec, &err)) != 0) {
		line = sf_reader_line(rd);
		if (rc < 0) {
			sf_fetchrun_note(d->e, SF_NOTE_ERROR, "%s", err.msg);
			bad = 1;
			if (rc == -2)
				break;
			continue;
		}
		st = rec.f[SF_REQ_STATION];
		if (rec.kind != SF_KIND_REQUEST)
			sf_fetchrun_note(d->e, SF_NOTE_WARN, "%s:%ld: %s record "
			    "skipped: --mappings takes requests", name, line,
			    sf_kind_info(rec.kind)->name);
		else if (st == NULL || *st == '\0') {
			sf_fetchrun_note(d->e, SF_NOTE_ERROR, "%s:%ld: request "
			    "without a station", name, line);
			bad = 1;
		} else if (sf_nwmfetch_gauge_request(&rec, &q, &err) == -1 ||
		    sf_fetchrun_request(d->e, &rec, line, &err) == -1) {
			sf_fetchrun_note(d->e, SF_NOTE_ERROR, "%s:%ld: %s",
			    name, line, err.msg);
			bad = 1;
		}
	}
	sf_reader_free(rd);
	return bad;
}

void
sf_nwmdrv_mappings(const struct sf_nwmdrv *d, FILE *fp)
{
	const struct station *ds;
	size_t i;

	for (i = 0; i < d->nst; i++) {
		ds = d->st[i]->data;
		if (!d->st[i]->failed)
			fwrite(ds->rows.buf, 1, ds->rows.len, fp);
	}
}
