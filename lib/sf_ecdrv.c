/*
 * sf_ecdrv: the Environment Canada driver (see sf_ecdrv.h). What the
 * services hold, how stations are grouped and windows cut is sf_ecfetch's;
 * the bodies are sf_ec's; this file joins them to the engine.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sf_ec.h"
#include "sf_ecdrv.h"
#include "sf_id.h"
#include "sf_mem.h"
#include "sf_time.h"

/* A job: a group of stations, or a Datamart station. */
struct group {
	enum sf_ecfetch_kind kind;
	int64_t start, end;	/* the group's span (the earliest start) */
	const char *prov;	/* Datamart */
};

/* A job's parser: sf_ec's, behind a filter of the rows it makes. */
struct parser {
	struct sf_ecdrv *d;
	struct sf_fetch_job *j;
	sf_fetch_emit_fn *emit;
	void *arg;
	struct sf_ec *p;	/* this attempt's; NULL for an empty page */
	long win;		/* the window lo and hi are for, -1 none */
	char (*lo)[SF_TIME_LEN];	/* per station: first time kept */
	char hi[SF_TIME_LEN];		/* last time kept */
	size_t cache;		/* the station of the last row */
	long foreign, outside;
	struct sf_buf url;	/* this attempt's */
	int page;		/* Datamart: 0 the hourly file, 1 the daily */
	int notfound;		/* Datamart: files that were not there */
	char first[SF_TIME_LEN];	/* Datamart: the hourly file's first */
	struct sf_buf next;	/* Datamart: the daily file's URL */
};

static int
take(void *ctx, struct sf_fetch_station *s, struct sf_err *err)
{
	struct sf_ecfetch_req *r;

	(void)ctx;
	if (sf_id_check("EC", s->id, err) == -1)
		return -1;
	r = sf_calloc(1, sizeof(*r));
	r->config = s->config;
	r->station = s->id;
	r->kind = s->span.realtime ? SF_ECFETCH_REALTIME : SF_ECFETCH_DAILY;
	r->start = s->span.start;
	r->end = s->span.end;
	s->data = r;
	return 0;
}

static void
station_free(void *ctx, struct sf_fetch_station *s)
{
	(void)ctx;
	free(s->data);
	s->data = NULL;
}

static struct sf_ecfetch_req *
req_of(struct sf_fetch_station *s)
{
	return s->data;
}

/*
 * Fits the requests to the service, leaves out what is asked twice;
 * returns how many of st remain to fetch (kept in order at its head).
 */
static size_t
fit(struct sf_ecdrv *d, struct sf_fetchrun *e, struct sf_fetch_station **st,
    size_t n, int64_t now)
{
	struct sf_ecfetch_req *r;
	struct sf_err why;
	size_t i, k, m = 0;

	for (i = 0; i < n; i++) {
		r = req_of(st[i]);
		for (k = 0; k < m; k++)
			if (sf_ecfetch_same(req_of(st[k]), r))
				break;
		if (k < m) {
			sf_fetchrun_note(e, SF_NOTE_WARN, "station '%s': "
			    "requested twice, the second request left out",
			    r->station);
			continue;
		}
		switch (sf_ecfetch_fit(r, d->service, now, &why)) {
		case SF_ECFETCH_FETCH:
			if (why.msg[0] != '\0')
				sf_fetchrun_note(e, SF_NOTE_WARN,
				    "station '%s': %s", r->station, why.msg);
			/* the engine's error records go by the fitted span */
			st[i]->span.start = r->start;
			st[i]->span.end = r->end;
			st[m++] = st[i];
			break;
		case SF_ECFETCH_SKIP:
			sf_fetchrun_note(e, SF_NOTE_WARN, "station '%s': %s",
			    r->station, why.msg);
			break;
		case SF_ECFETCH_EMPTY:
			sf_fetchrun_note(e, SF_NOTE_INFO, "station '%s': %s",
			    r->station, why.msg);
			break;
		case SF_ECFETCH_REFUSE:
			sf_fetchrun_fail(e, st[i], 0, why.msg);
			break;
		}
	}
	return m;
}

/* The Datamart station list's reading, for the provinces. */
struct list {
	struct sf_ec *p;
	struct sf_ecfetch_req **v;
	size_t n;
	struct sf_err err;
	int perr;
};

static int
prov_take(void *arg, const struct sf_rec *rec)
{
	struct list *l = arg;

	sf_ecfetch_prov_take(l->v, l->n, rec);
	return 0;
}

static int
list_begin(void *arg, const struct sf_http_res *res)
{
	struct list *l = arg;

	(void)res;
	sf_ec_free(l->p);
	l->p = sf_ec_new(SF_EC_STATIONS, NULL, prov_take, l);
	l->perr = 0;
	sf_ecfetch_prov_reset(l->v, l->n);
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
 * Sets the province of each of the n stations st from the station list.
 * Returns 0, or -1 with err and *status (the list could not be read).
 */
static int
provinces(struct sf_ecdrv *d, struct sf_fetchrun *e,
    struct sf_fetch_station **st, size_t n, long *status, struct sf_err *err)
{
	struct sf_http_req rq = { 0 };
	const struct sf_http_res *res = NULL;
	struct sf_buf url = SF_BUF_INIT;
	struct list l = { 0 };
	size_t i;
	int rc;

	l.v = sf_calloc(n + 1, sizeof(*l.v));
	for (i = 0; i < n; i++)
		l.v[l.n++] = req_of(st[i]);
	sf_ecfetch_prov_sort(l.v, l.n);
	sf_ecfetch_list_url(&url, d->base);
	rq.url = url.buf;
	rq.begin = list_begin;
	rq.body = list_body;
	rq.arg = &l;
	rq.restart = 1;
	sf_fetchrun_note(e, SF_NOTE_INFO, "GET %s", url.buf);
	rc = sf_http_get(sf_fetchrun_http(e), &rq, &res, err);
	*status = res != NULL ? sf_http_error_status(res) : 0;
	if (rc == 0 && sf_ec_finish(l.p, err) == -1)
		rc = -1;
	else if (rc == -1 && l.perr)
		*err = l.err;
	else if (rc == -1 && res != NULL)
		sf_ecfetch_snippet(err, res->errbody);
	if (rc == -1)
		sf_ecfetch_prov_reset(l.v, l.n);
	sf_ec_free(l.p);
	sf_buf_release(&url);
	free(l.v);
	return rc;
}

static struct group *
group_new(enum sf_ecfetch_kind kind, int64_t start, int64_t end,
    const char *prov)
{
	struct group *g = sf_calloc(1, sizeof(*g));

	g->kind = kind;
	g->start = start;
	g->end = end;
	g->prov = prov;
	return g;
}

/* Datamart: the province, then a job a station, in the order asked. */
static void
plan_datamart(struct sf_ecdrv *d, struct sf_fetchrun *e,
    struct sf_fetch_station **st, size_t n)
{
	struct sf_ecfetch_req *r;
	struct sf_err err;
	long status;
	size_t i;
	int rc;

	if (n == 0)
		return;
	rc = provinces(d, e, st, n, &status, &err);
	for (i = 0; i < n; i++) {
		r = req_of(st[i]);
		if (rc == -1)
			sf_fetchrun_fail(e, st[i], status, err.msg);
		else if (r->prov[0] == '\0')
			sf_fetchrun_fail(e, st[i], 0,
			    "not in the Datamart station list");
		else
			(void)sf_fetchrun_job(e, &st[i], 1,
			    group_new(r->kind, r->start, r->end, r->prov));
	}
}

static int
plan(void *ctx, struct sf_fetchrun *e, struct sf_fetch_station **st,
    size_t n, struct sf_err *err)
{
	struct sf_ecdrv *d = ctx;
	struct sf_fetch_station **v, **w, *none = NULL;
	struct sf_ecfetch_req *q;
	size_t i, k;

	(void)err;
	d->e = e;
	if (d->catalog) {
		(void)sf_fetchrun_job(e, &none, 0, NULL);	/* no station */
		return 0;
	}
	/* fit works on a copy: the engine's list stays as it was */
	v = sf_calloc(n + 1, sizeof(*v));
	for (i = 0; i < n; i++)
		v[i] = st[i];
	n = fit(d, e, v, n, d->now);
	if (d->service == SF_ECFETCH_DATAMART) {
		plan_datamart(d, e, v, n);
		free(v);
		return 0;
	}
	q = sf_calloc(n + 1, sizeof(*q));
	for (i = 0; i < n; i++) {
		q[i] = *req_of(v[i]);
		q[i].order = i;
	}
	(void)sf_ecfetch_group(q, n, strlen(d->base));
	w = sf_calloc(n + 1, sizeof(*w));
	for (i = 0; i < n; i++)
		w[i] = v[q[i].order];	/* in the groups' order */
	for (i = 0; i < n; i = k) {
		for (k = i; k < n && q[k].group == q[i].group; k++)
			;
		/* the group's span: the earliest start, as they are sorted */
		(void)sf_fetchrun_job(e, &w[i], k - i,
		    group_new(q[i].kind, q[i].start, q[i].end, NULL));
	}
	free(w);
	free(q);
	free(v);
	return 0;
}

static int
window(void *ctx, struct sf_fetch_job *j, struct sf_buf *url,
    struct sf_err *err)
{
	struct sf_ecdrv *d = ctx;
	struct group *g = j->data;
	const char **ids;
	size_t i;

	(void)err;
	if (d->catalog) {
		if (j->win > 0)
			return 0;
		sf_ecfetch_list_url(url, d->base);
		return 1;
	}
	if (d->service == SF_ECFETCH_DATAMART) {
		if (j->win > 0)
			return 0;
		j->ws = g->start;
		j->we = g->end;
		sf_ecfetch_datamart_url(url, d->base, g->prov, j->st[0]->id,
		    "hourly");
		return 1;
	}
	if (!sf_ecfetch_window(g->kind, g->start, g->end, j->win, &j->ws,
	    &j->we))
		return 0;
	ids = sf_calloc(j->nst + 1, sizeof(*ids));
	for (i = 0; i < j->nst; i++)
		ids[i] = j->st[i]->id;
	sf_ecfetch_url(url, d->base, g->kind, ids, j->nst, j->ws, j->we);
	free(ids);
	return 1;
}

static void
job_free(void *ctx, struct sf_fetch_job *j)
{
	(void)ctx;
	free(j->data);
	j->data = NULL;
}

/* The catalog: the station records of the list, of only's stations. */
static int
catalog_emit(void *arg, const struct sf_rec *rec)
{
	struct parser *p = arg;
	struct sf_ecdrv *d = p->d;
	const char *id = rec->f[SF_ST_STATION];
	size_t i;

	if (d->nonly > 0) {
		for (i = 0; i < d->nonly && strcmp(d->only[i], id) != 0; i++)
			;
		if (i == d->nonly)
			return 0;
		d->seen[i] = 1;
	}
	return p->emit(p->arg, rec);
}

/*
 * A row of the job's: kept when it is an obs of one of the job's
 * stations within its part of the window (and, from a Datamart daily
 * file, before the hourly file's first row).
 */
static int
row_emit(void *arg, const struct sf_rec *rec)
{
	struct parser *p = arg;
	struct sf_fetch_job *j = p->j;
	const char *id = rec->f[SF_OBS_STATION], *t = rec->f[SF_OBS_OBSERVED_AT];
	size_t i = p->cache;

	if (rec->kind != SF_KIND_OBS || id == NULL || t == NULL ||
	    strlen(t) != SF_TIME_LEN - 1)
		return 0;
	if (strcmp(j->st[i]->id, id) != 0) {
		for (i = 0; i < j->nst && strcmp(j->st[i]->id, id) != 0; i++)
			;
		if (i == j->nst) {
			p->foreign++;
			return 0;
		}
		p->cache = i;
	}
	if (strcmp(t, p->lo[i]) < 0 || strcmp(t, p->hi) > 0) {
		p->outside++;
		return 0;
	}
	if (p->d->service == SF_ECFETCH_DATAMART) {
		if (p->page == 1 && p->first[0] != '\0' &&
		    strcmp(t, p->first) >= 0)
			return 0;	/* the hourly file has it */
		if (p->page == 0 && (p->first[0] == '\0' ||
		    strcmp(t, p->first) < 0))
			memcpy(p->first, t, SF_TIME_LEN);
	}
	return p->emit(p->arg, rec);
}

static void *
parser_new(void *ctx, struct sf_fetch_job *j, sf_fetch_emit_fn *emit,
    void *arg)
{
	struct parser *p = sf_calloc(1, sizeof(*p));

	p->d = ctx;
	p->j = j;
	p->emit = emit;
	p->arg = arg;
	p->win = -1;
	p->lo = sf_calloc(j->nst + 1, sizeof(*p->lo));
	sf_buf_init(&p->url);
	sf_buf_init(&p->next);
	return p;
}

static void
parser_free(void *vp)
{
	struct parser *p = vp;

	sf_ec_free(p->p);
	free(p->lo);
	sf_buf_release(&p->url);
	sf_buf_release(&p->next);
	free(p);
}

/* The bounds of the job's current window, for each station. */
static void
bounds(struct parser *p)
{
	struct sf_fetch_job *j = p->j;
	int64_t s;
	size_t i;

	for (i = 0; i < j->nst; i++) {
		s = req_of(j->st[i])->start;
		sf_time_format(s > j->ws ? s : j->ws, p->lo[i]);
	}
	sf_time_format(j->we, p->hi);
	p->win = j->win;
	p->page = 0;
	p->notfound = 0;
	p->first[0] = '\0';
}

static enum sf_ec_layout
layout(const struct parser *p)
{
	const struct group *g = p->j->data;

	if (p->d->catalog)
		return SF_EC_STATIONS;
	if (p->d->service == SF_ECFETCH_DATAMART)
		return SF_EC_DATAMART;
	return g->kind == SF_ECFETCH_DAILY ? SF_EC_DAILY : SF_EC_REALTIME;
}

static void
begin(void *vp, const struct sf_http_res *res)
{
	struct parser *p = vp;
	size_t i;

	if (p->win != p->j->win)
		bounds(p);
	sf_ec_free(p->p);
	p->p = NULL;
	p->cache = 0;
	p->foreign = p->outside = 0;
	if (p->page == 0)
		p->first[0] = '\0';	/* the hourly file starts over */
	if (p->d->catalog)
		for (i = 0; i < p->d->nonly; i++)
			p->d->seen[i] = 0;
	if (res == NULL)
		return;
	sf_buf_reset(&p->url);
	sf_buf_adds(&p->url, res->url);
	/* a group is of one config (sf_ecfetch_group) */
	p->p = sf_ec_new(layout(p), p->j->nst > 0 ? p->j->st[0]->config :
	    NULL, p->d->catalog ? catalog_emit : row_emit, p);
}

static int
feed(void *vp, const char *buf, size_t n, struct sf_err *err)
{
	struct parser *p = vp;

	return sf_ec_feed(p->p, buf, n, err);
}

static int
finish(void *vp, const char **next, struct sf_err *err)
{
	struct parser *p = vp;
	const struct group *g = p->j->data;

	*next = NULL;
	if (p->p == NULL)
		p->notfound++;		/* a Datamart file that is not there */
	else if (sf_ec_finish(p->p, err) == -1)
		return -1;
	if (p->foreign > 0 || p->outside > 0)
		sf_fetchrun_note(p->d->e, SF_NOTE_INFO, "%s: %ld rows of other "
		    "stations, %ld outside the window, left out", p->url.buf,
		    p->foreign, p->outside);
	if (p->d->catalog)
		p->d->listed = 1;
	if (p->d->catalog || p->d->service != SF_ECFETCH_DATAMART)
		return 0;
	if (p->page == 0) {
		p->page = 1;
		sf_ecfetch_datamart_url(&p->next, p->d->base, g->prov,
		    p->j->st[0]->id, "daily");
		*next = p->next.buf;
	} else if (p->notfound == 2)
		sf_fetchrun_note(p->d->e, SF_NOTE_WARN, "station '%s': no "
		    "Datamart file (HTTP 404): no data", p->j->st[0]->id);
	return 0;
}

static int
answer(void *vp, const struct sf_http_res *res, struct sf_err *err)
{
	struct parser *p = vp;

	if (!p->d->catalog && p->d->service == SF_ECFETCH_DATAMART &&
	    res->status == 404)
		return 1;
	*err = res->err;
	sf_ecfetch_snippet(err, res->errbody);
	return 0;
}

const struct sf_fetch_driver sf_ecdrv = {
	.agency = "EC",
	.observations = 1,
	.gap_ms = SF_ECDRV_GAP_MS,
	.back = SF_ECDRV_BACK_DAYS * 86400LL,
	.sort_window = 1,
	.take = take,
	.plan = plan,
	.window = window,
	.job_free = job_free,
	.station_free = station_free,
	.parser_new = parser_new,
	.parser_free = parser_free,
	.begin = begin,
	.feed = feed,
	.finish = finish,
	.answer = answer,
	.bare_errors = 1
};
