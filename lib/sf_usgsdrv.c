/*
 * sf_usgsdrv: the USGS driver (see sf_usgsdrv.h).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sf_id.h"
#include "sf_mem.h"
#include "sf_usgs.h"
#include "sf_usgsdrv.h"
#include "sf_usgsfetch.h"

#define DAY	86400LL

/* A batch. */
struct batch {
	enum sf_usgsfetch_kind kind;
	int revision;		/* values modified since mod only */
	int64_t mod;
	int64_t start, end;	/* the whole range */
};

struct parser {
	struct sf_usgs *u;
	int nwis;
};

static int64_t
floor_day(int64_t t)
{
	return t - ((t % DAY) + DAY) % DAY;
}

static int
take(void *ctx, struct sf_fetch_station *s, struct sf_err *err)
{
	(void)ctx;
	if (sf_id_check("USGS", s->id, err) == -1)
		return -1;
	if (!s->span.realtime) {	/* whole days */
		s->span.start = floor_day(s->span.start);
		s->span.end = floor_day(s->span.end);
	}
	if (s->span.end < s->span.start) {
		sf_err_set(err, "station '%s': start after the end: nothing to "
		    "fetch", s->id);
		return 1;
	}
	return 0;
}

static struct batch *
batch_new(const struct sf_usgsdrv *d, const struct sf_fetch_station *s)
{
	struct batch *b = sf_calloc(1, sizeof(*b));

	b->kind = s->span.realtime ? SF_USGSFETCH_CONTINUOUS :
	    SF_USGSFETCH_DAILY;
	b->revision = s->span.has_mod && !d->nwis;
	b->mod = s->span.mod;
	b->start = s->span.start;
	b->end = s->span.end;
	return b;
}

static int
plan(void *ctx, struct sf_fetchrun *e, struct sf_fetch_station **st,
    size_t n, struct sf_err *err)
{
	const struct sf_usgsdrv *d = ctx;
	struct sf_usgsfetch_req *r;
	struct sf_fetch_station **list;
	struct batch *b;
	size_t i, k, m;

	(void)err;
	if (d->catalog) {
		b = sf_calloc(1, sizeof(*b));
		b->kind = SF_USGSFETCH_LOCATIONS;
		(void)sf_fetchrun_job(e, NULL, 0, b);
		return 0;
	}
	r = sf_calloc(n + 1, sizeof(*r));
	list = sf_calloc(n + 1, sizeof(*list));
	for (i = 0; i < n; i++) {
		r[i].config = st[i]->config;
		r[i].station = st[i]->id;
		r[i].kind = st[i]->span.realtime ? SF_USGSFETCH_CONTINUOUS :
		    SF_USGSFETCH_DAILY;
		r[i].revision = st[i]->span.has_mod;
		r[i].start = st[i]->span.start;
		r[i].end = st[i]->span.end;
		r[i].order = i;
	}
	(void)sf_usgsfetch_group(r, n, strlen(d->base));
	for (i = 0; i < n; i = k) {
		b = batch_new(d, st[r[i].order]);
		for (k = i, m = 0; k < n && r[k].group == r[i].group; k++) {
			list[m++] = st[r[k].order];
			if (st[r[k].order]->span.has_mod &&
			    st[r[k].order]->span.mod < b->mod)
				b->mod = st[r[k].order]->span.mod;
		}
		(void)sf_fetchrun_job(e, list, m, b);
	}
	free(list);
	free(r);
	return 0;
}

static int
window(void *ctx, struct sf_fetch_job *j, struct sf_buf *url,
    struct sf_err *err)
{
	const struct sf_usgsdrv *d = ctx;
	const struct batch *b = j->data;
	struct sf_usgsfetch_query q;
	const char **ids;
	size_t i;

	(void)err;
	if (j->win == 0)
		sf_usgsfetch_first(b->kind, b->start, b->end, &j->ws, &j->we);
	else if (b->kind == SF_USGSFETCH_LOCATIONS ||
	    !sf_usgsfetch_next(b->kind, b->end, &j->ws, &j->we))
		return 0;
	ids = sf_calloc(j->nst + 1, sizeof(*ids));
	for (i = 0; i < j->nst; i++)
		ids[i] = j->st[i]->id;
	memset(&q, 0, sizeof(q));
	q.kind = b->kind;
	q.nwis = d->nwis;
	q.stations = ids;
	q.nstations = j->nst;
	q.ws = j->ws;
	q.we = j->we;
	q.revision = b->revision;
	q.mod = b->mod;
	q.state = d->state;
	q.huc = d->huc;
	q.site_type = d->site_type;
	sf_usgsfetch_url(url, d->base, &q);
	free(ids);
	return 1;
}

static void
job_free(void *ctx, struct sf_fetch_job *j)
{
	(void)ctx;
	free(j->data);
}

static void *
parser_new(void *ctx, struct sf_fetch_job *j, sf_fetch_emit_fn *emit,
    void *arg)
{
	const struct sf_usgsdrv *d = ctx;
	const struct batch *b = j->data;
	struct parser *p = sf_calloc(1, sizeof(*p));
	enum sf_usgs_fmt fmt;

	switch (b->kind) {
	case SF_USGSFETCH_DAILY:
		fmt = d->nwis ? SF_USGS_RDB_DV : SF_USGS_DAILY;
		break;
	case SF_USGSFETCH_CONTINUOUS:
		fmt = d->nwis ? SF_USGS_RDB_IV : SF_USGS_CONTINUOUS;
		break;
	default:
		fmt = d->nwis ? SF_USGS_RDB_SITE : SF_USGS_LOCATIONS;
		break;
	}
	p->nwis = d->nwis;
	p->u = sf_usgs_new(fmt, j->nst > 0 ? j->st[0]->config : NULL, emit,
	    arg);
	return p;
}

static void
parser_free(void *vp)
{
	struct parser *p = vp;

	sf_usgs_free(p->u);
	free(p);
}

static void
begin(void *vp, const struct sf_http_res *res)
{
	struct parser *p = vp;

	(void)res;
	sf_usgs_reset(p->u);
}

static int
feed(void *vp, const char *buf, size_t n, struct sf_err *err)
{
	struct parser *p = vp;

	return sf_usgs_feed(p->u, buf, n, err);
}

static int
finish(void *vp, const char **next, struct sf_err *err)
{
	struct parser *p = vp;
	struct sf_usgs_stats st;

	*next = NULL;
	if (sf_usgs_end(p->u, err) == -1)
		return -1;
	sf_usgs_stats(p->u, &st);
	if (st.items > 0)	/* an empty page ends the window */
		*next = sf_usgs_next(p->u);
	return 0;
}

static int
peek_next(void *ctx, const char *tail, size_t n, struct sf_buf *next)
{
	const struct sf_usgsdrv *d = ctx;

	return d->nwis ? 0 : sf_usgs_peek_next(tail, n, next);
}

static int
answer(void *vp, const struct sf_http_res *res, struct sf_err *err)
{
	struct parser *p = vp;
	char said[256];

	if (p->nwis && res->status == 404)
		return 1;	/* NWIS: no data for these sites and dates */
	if (res->errbody != NULL && res->errbody_len > 0 &&
	    *sf_usgs_error_message(res->errbody, res->errbody_len, said,
	    sizeof(said)) != '\0')
		sf_err_set(err, "%s: %s", res->err.msg, said);
	return 0;
}

const struct sf_fetch_driver sf_usgsdrv = {
	.agency = "USGS",
	.observations = 1,
	.page_whole = 1,
	.take = take,
	.plan = plan,
	.window = window,
	.job_free = job_free,
	.parser_new = parser_new,
	.parser_free = parser_free,
	.begin = begin,
	.feed = feed,
	.finish = finish,
	.peek_next = peek_next,
	.answer = answer,
};
