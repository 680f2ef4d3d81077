/*
 * sf_plot: hydrographs as SVG.
 *
 * A series is NB buckets of width w seconds starting at t0 (a multiple of
 * w). A point outside the window doubles w, merging buckets pairwise,
 * until it fits: whatever the order and number of points, a series holds
 * NB buckets, each with the minimum and maximum (and when they happened),
 * the sum and count (for ensemble means) and its first and last instant.
 * With NB above the plot's width, a bucket is never wider than a pixel
 * column, so drawing can take each column's minimum and maximum from the
 * buckets that fall in it: a lone peak among 350,000 points still reaches
 * its height.
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sf_buf.h"
#include "sf_err.h"
#include "sf_mem.h"
#include "sf_plot.h"
#include "sf_rec.h"
#include "sf_str.h"
#include "sf_time.h"
#include "sf.h"

#define NB 2048
#define CFS_PER_CMS 35.3146667
#define MAXCOL 4096

enum { S_OBS, S_RUN, S_ENS };

struct bucket {
	double min, max, sum;
	int64_t tmin, tmax, tlo, thi;
	long n;
};

struct series {
	int kind;
	char key[160];		/* kind, type or source, run date */
	char label[160];
	int64_t t0, w;
	struct bucket *b;	/* NB of them, n 0 for empty */
	long n;
	int64_t last_t, min_dt;	/* the cadence: the smallest step seen */
	double vmin, vmax;
	int64_t tlo, thi;
};

struct station {
	char id[64];
	char agency[16];
	char *name;
	char unit[8];
	struct series **s;
	size_t ns;
};

struct sf_plot {
	struct sf_plot_opts o;
	char *only;
	struct station *st;
	size_t nst;
	int sorted;
};

struct sf_plot *
sf_plot_new(const struct sf_plot_opts *o)
{
	struct sf_plot *p = sf_calloc(1, sizeof(*p));

	p->o = *o;
	if (p->o.width <= 0)
		p->o.width = 1000;
	if (p->o.height <= 0)
		p->o.height = 500;
	if (o->station != NULL)
		p->only = sf_strdup(o->station);
	p->o.station = p->only;
	return p;
}

void
sf_plot_free(struct sf_plot *p)
{
	size_t i, j;

	if (p == NULL)
		return;
	for (i = 0; i < p->nst; i++) {
		for (j = 0; j < p->st[i].ns; j++) {
			free(p->st[i].s[j]->b);
			free(p->st[i].s[j]);
		}
		free(p->st[i].s);
		free(p->st[i].name);
	}
	free(p->st);
	free(p->only);
	free(p);
}

static struct station *
station_get(struct sf_plot *p, const char *id, const char *agency)
{
	struct station *s;
	size_t i;

	for (i = 0; i < p->nst; i++) {
		if (strcmp(p->st[i].id, id) == 0)
			return &p->st[i];
	}
	p->st = sf_realloc(p->st, (p->nst + 1) * sizeof(*p->st));
	s = &p->st[p->nst++];
	memset(s, 0, sizeof(*s));
	snprintf(s->id, sizeof(s->id), "%s", id);
	snprintf(s->agency, sizeof(s->agency), "%s",
	    agency != NULL ? agency : "");
	p->sorted = 0;
	return s;
}

static struct series *
series_get(struct station *st, int kind, const char *key, const char *label)
{
	struct series *s;
	size_t i;

	for (i = 0; i < st->ns; i++) {
		if (st->s[i]->kind == kind && strcmp(st->s[i]->key, key) == 0)
			return st->s[i];
	}
	s = sf_calloc(1, sizeof(*s));
	s->kind = kind;
	snprintf(s->key, sizeof(s->key), "%s", key);
	snprintf(s->label, sizeof(s->label), "%s", label);
	s->b = sf_calloc(NB, sizeof(*s->b));
	s->w = 1;
	st->s = sf_realloc(st->s, (st->ns + 1) * sizeof(*st->s));
	st->s[st->ns++] = s;
	return s;
}

static int64_t
floor_to(int64_t t, int64_t w)
{
	int64_t q = t / w;

	if (t % w != 0 && t < 0)
		q--;
	return q * w;
}

static void
merge(struct bucket *a, const struct bucket *b)
{
	if (b->n == 0)
		return;
	if (a->n == 0) {
		*a = *b;
		return;
	}
	if (b->min < a->min) {
		a->min = b->min;
		a->tmin = b->tmin;
	}
	if (b->max > a->max) {
		a->max = b->max;
		a->tmax = b->tmax;
	}
	a->sum += b->sum;
	a->n += b->n;
	if (b->tlo < a->tlo)
		a->tlo = b->tlo;
	if (b->thi > a->thi)
		a->thi = b->thi;
}

/* Doubles the width of s's buckets, keeping every bucket's content. */
static void
widen(struct series *s)
{
	struct bucket *nb = sf_calloc(NB, sizeof(*nb));
	int64_t w2 = s->w * 2, t0 = floor_to(s->t0, w2), i, k;

	for (i = 0; i < NB; i++) {
		if (s->b[i].n == 0)
			continue;
		k = (s->t0 + i * s->w - t0) / w2;
		merge(&nb[k], &s->b[i]);
	}
	free(s->b);
	s->b = nb;
	s->w = w2;
	s->t0 = t0;
}

static void
series_add(struct series *s, int64_t t, double v)
{
	struct bucket *b, one;
	int64_t dt;

	if (s->n == 0) {
		s->t0 = t;
		s->vmin = s->vmax = v;
		s->tlo = s->thi = t;
	} else {
		while (t < s->t0 || t >= s->t0 + NB * s->w)
			widen(s);
		dt = t > s->last_t ? t - s->last_t : s->last_t - t;
		if (dt > 0 && (s->min_dt == 0 || dt < s->min_dt))
			s->min_dt = dt;
	}
	s->last_t = t;
	s->n++;
	if (v < s->vmin)
		s->vmin = v;
	if (v > s->vmax)
		s->vmax = v;
	if (t < s->tlo)
		s->tlo = t;
	if (t > s->thi)
		s->thi = t;
	b = &s->b[(t - s->t0) / s->w];
	one.min = one.max = one.sum = v;
	one.tmin = one.tmax = one.tlo = one.thi = t;
	one.n = 1;
	merge(b, &one);
}

/* v in unit, as the station's unit (the first seen). */
static double
convert(struct station *st, const char *unit, double v)
{
	if (unit == NULL)
		return v;
	if (st->unit[0] == '\0') {
		snprintf(st->unit, sizeof(st->unit), "%s", unit);
		return v;
	}
	if (strcmp(unit, "cms") == 0 && strcmp(st->unit, "cfs") == 0)
		return v * CFS_PER_CMS;
	if (strcmp(unit, "cfs") == 0 && strcmp(st->unit, "cms") == 0)
		return v / CFS_PER_CMS;
	return v;
}

int
sf_plot_add(struct sf_plot *p, const struct sf_rec *r, struct sf_err *err)
{
	struct station *st;
	struct series *s;
	const char *id, *tf, *vf, *unit;
	char key[160], label[160];
	int64_t t;
	double v;
	int kind;

	switch (r->kind) {
	case SF_KIND_STATION:
		id = r->f[SF_ST_STATION];
		if (id == NULL || (p->only && strcmp(id, p->only) != 0))
			return 0;
		st = station_get(p, id, r->f[SF_ST_AGENCY]);
		if (r->f[SF_ST_NAME] != NULL) {
			free(st->name);
			st->name = sf_strdup(r->f[SF_ST_NAME]);
		}
		return 0;
	case SF_KIND_OBS:
		id = r->f[SF_OBS_STATION];
		tf = r->f[SF_OBS_OBSERVED_AT];
		vf = r->f[SF_OBS_DISCHARGE];
		unit = r->f[SF_OBS_UNIT];
		break;
	case SF_KIND_FORECAST:
		id = r->f[SF_FC_STATION];
		tf = r->f[SF_FC_VALID_AT];
		vf = r->f[SF_FC_DISCHARGE];
		unit = r->f[SF_FC_UNIT];
		break;
	default:
		return 0;
	}
	if (id == NULL || (p->only && strcmp(id, p->only) != 0) ||
	    vf == NULL)
		return 0;
	if (tf == NULL)
		return sf_err_set(err, "station '%s': a point without a time",
		    id);
	if (sf_time_parse(tf, &t, err) == -1 ||
	    sf_str_todouble(vf, &v, err) == -1)
		return -1;
	if (r->kind == SF_KIND_OBS) {
		st = station_get(p, id, r->f[SF_OBS_AGENCY]);
		kind = S_OBS;
		snprintf(key, sizeof(key), "%s", r->f[SF_OBS_TYPE] ?
		    r->f[SF_OBS_TYPE] : "");
		snprintf(label, sizeof(label), "observed%s%s",
		    r->f[SF_OBS_TYPE] ? ", " : "",
		    r->f[SF_OBS_TYPE] ? r->f[SF_OBS_TYPE] : "");
	} else {
		const char *src = r->f[SF_FC_SOURCE] ? r->f[SF_FC_SOURCE] : "";
		const char *run = r->f[SF_FC_RUN_DATE] ?
		    r->f[SF_FC_RUN_DATE] : "";

		st = station_get(p, id, r->f[SF_FC_AGENCY]);
		kind = r->f[SF_FC_MEMBER] != NULL ? S_ENS : S_RUN;
		snprintf(key, sizeof(key), "%s %s", src, run);
		snprintf(label, sizeof(label), "%s %s%s", src, run,
		    kind == S_ENS ? " members" : "");
	}
	v = convert(st, unit, v);
	s = series_get(st, kind, key, label);
	series_add(s, t, v);
	return 0;
}

static int
station_cmp(const void *a, const void *b)
{
	return strcmp(((const struct station *)a)->id,
	    ((const struct station *)b)->id);
}

static int
series_cmp(const void *a, const void *b)
{
	const struct series *x = *(const struct series *const *)a;
	const struct series *y = *(const struct series *const *)b;

	if (x->kind != y->kind)
		return x->kind == S_OBS ? -1 : y->kind == S_OBS ? 1 : 0;
	return strcmp(x->key, y->key);
}

static void
sort(struct sf_plot *p)
{
	size_t i, n;

	if (p->sorted)
		return;
	/* stations with points only */
	for (i = 0, n = 0; i < p->nst; i++) {
		if (p->st[i].ns > 0)
			p->st[n++] = p->st[i];
		else {
			free(p->st[i].name);
			free(p->st[i].s);
		}
	}
	p->nst = n;
	/* qsort's array must not be NULL, even for no element */
	if (p->nst > 0)
		qsort(p->st, p->nst, sizeof(*p->st), station_cmp);
	for (i = 0; i < p->nst; i++)
		qsort(p->st[i].s, p->st[i].ns, sizeof(*p->st[i].s),
		    series_cmp);
	p->sorted = 1;
}

size_t
sf_plot_count(struct sf_plot *p)
{
	sort(p);
	return p->nst;
}

const char *
sf_plot_station(struct sf_plot *p, size_t i)
{
	sort(p);
	return i < p->nst ? p->st[i].id : NULL;
}

/* Drawing. */

struct svg {
	struct sf_buf b;
	int (*write)(void *arg, const char *s, size_t n);
	void *arg;
	int failed;
	/* the plot area and its ranges */
	double x, y, w, h;
	double t0, t1, v0, v1;
	int log;
};

static void
flush(struct svg *g, int force)
{
	if (g->b.len == 0 || (!force && g->b.len < 65536))
		return;
	if (!g->failed && g->write(g->arg, g->b.buf, g->b.len) != 0)
		g->failed = 1;
	sf_buf_reset(&g->b);
}

static double
px(const struct svg *g, double t)
{
	return g->x + (t - g->t0) / (g->t1 - g->t0) * g->w;
}

static double
py(const struct svg *g, double v)
{
	if (g->log)
		v = v > 0 ? log10(v) : g->v0;
	if (v < g->v0)
		v = g->v0;
	if (v > g->v1)
		v = g->v1;
	return g->y + g->h - (v - g->v0) / (g->v1 - g->v0) * g->h;
}

/* A point of a polyline, 0.1 pixel, "x,y ". */
static void
pt(struct svg *g, double x, double y)
{
	sf_buf_addf(&g->b, "%.1f,%.1f ", x, y);
}


static const char *const palette[] = {
	"#d62728", "#ff7f0e", "#2ca02c", "#9467bd", "#8c564b", "#e377c2",
	"#17becf", "#bcbd22"
};

/* One pixel column's reduction of a series. */
struct col {
	int c;			/* column, -1 none */
	struct bucket b;
};

static int
col_of(const struct svg *g, int64_t t)
{
	int c = (int)floor((double)(t - g->t0) / (g->t1 - g->t0) * g->w);

	if (c < 0)
		c = 0;
	if (c >= (int)g->w)
		c = (int)g->w - 1;
	return c;
}

/*
 * Calls emit with each column's reduction of s in time order, and with
 * NULL where the line must break (a step longer than 1.5 cadences:
 * a missing value).
 */
static void
columns(struct svg *g, const struct series *s,
    void (*emit)(struct svg *, const struct series *, const struct bucket *,
    void *), void *arg)
{
	struct col cur = { -1, { 0, 0, 0, 0, 0, 0, 0, 0 } };
	int64_t prev_thi = 0, lim;
	int i, c, have = 0;

	lim = s->min_dt > 0 ? s->min_dt * 3 / 2 : 0;
	for (i = 0; i < NB; i++) {
		const struct bucket *b = &s->b[i];

		if (b->n == 0)
			continue;
		if (have && lim > 0 && b->tlo - prev_thi > lim) {
			if (cur.c >= 0)
				emit(g, s, &cur.b, arg);
			emit(g, s, NULL, arg);
			cur.c = -1;
		}
		c = col_of(g, b->tlo);
		if (cur.c >= 0 && c != cur.c) {
			emit(g, s, &cur.b, arg);
			cur.c = -1;
		}
		if (cur.c < 0) {
			cur.c = c;
			cur.b = *b;
		} else
			merge(&cur.b, b);
		prev_thi = b->thi;
		have = 1;
	}
	if (cur.c >= 0)
		emit(g, s, &cur.b, arg);
}

struct line {
	int open;
	long npts;
	int seg;		/* points in the open polyline */
	double lx, ly;		/* its last point */
	const char *colour;
	double width;
	int mean;		/* draw sum / n at the column's middle */
};

static void
lpt(struct svg *g, struct line *l, double x, double y)
{
	pt(g, x, y);
	l->lx = x;
	l->ly = y;
	l->seg++;
}

static void
line_end(struct svg *g, struct line *l)
{
	if (!l->open)
		return;
	sf_buf_adds(&g->b, "\"/>\n");
	if (l->seg == 1)	/* a lone value: a dot, or nothing shows */
		sf_buf_addf(&g->b, "<circle cx=\"%.1f\" cy=\"%.1f\" "
		    "r=\"%.1f\" fill=\"%s\"/>\n", l->lx, l->ly, l->width,
		    l->colour);
	l->open = 0;
	l->seg = 0;
	flush(g, 0);
}

static void
line_emit(struct svg *g, const struct series *s, const struct bucket *b,
    void *arg)
{
	struct line *l = arg;

	(void)s;
	if (b == NULL) {
		line_end(g, l);
		return;
	}
	if (!l->open) {
		sf_buf_addf(&g->b, "<polyline fill=\"none\" stroke=\"%s\" "
		    "stroke-width=\"%.1f\" stroke-linejoin=\"round\" "
		    "points=\"", l->colour, l->width);
		l->open = 1;
	}
	if (l->mean)
		lpt(g, l, px(g, (double)(b->tlo + b->thi) / 2),
		    py(g, b->sum / (double)b->n));
	else if (b->tmin == b->tmax)
		lpt(g, l, px(g, (double)b->tmin), py(g, b->min));
	else if (b->tmin < b->tmax) {
		lpt(g, l, px(g, (double)b->tmin), py(g, b->min));
		lpt(g, l, px(g, (double)b->tmax), py(g, b->max));
	} else {
		lpt(g, l, px(g, (double)b->tmax), py(g, b->max));
		lpt(g, l, px(g, (double)b->tmin), py(g, b->min));
	}
	l->npts++;
}

/* The band of an ensemble: its columns' maxima, then minima backwards. */
static void
band(struct svg *g, const struct series *s, const char *colour)
{
	struct bucket *cb = sf_calloc(MAXCOL, sizeof(*cb));
	int i, c, n = 0;

	for (i = 0; i < NB; i++) {
		if (s->b[i].n == 0)
			continue;
		c = col_of(g, s->b[i].tlo);
		merge(&cb[c < MAXCOL ? c : MAXCOL - 1], &s->b[i]);
	}
	sf_buf_addf(&g->b, "<polygon fill=\"%s\" fill-opacity=\"0.25\" "
	    "stroke=\"none\" points=\"", colour);
	for (i = 0; i < MAXCOL; i++) {
		if (cb[i].n == 0)
			continue;
		pt(g, px(g, (double)(cb[i].tlo + cb[i].thi) / 2),
		    py(g, cb[i].max));
		n++;
	}
	for (i = MAXCOL - 1; i >= 0; i--) {
		if (cb[i].n == 0)
			continue;
		pt(g, px(g, (double)(cb[i].tlo + cb[i].thi) / 2),
		    py(g, cb[i].min));
	}
	sf_buf_adds(&g->b, "\"/>\n");
	(void)n;
	free(cb);
	flush(g, 0);
}

/* A "nice" step (1, 2 or 5 times a power of ten) near span / n. */
static double
nice_step(double span, int n)
{
	double raw = span / n, mag = pow(10, floor(log10(raw))), f = raw / mag;

	if (f <= 1 + 1e-9)
		return mag;
	if (f <= 2 + 1e-9)
		return 2 * mag;
	if (f <= 5 + 1e-9)
		return 5 * mag;
	return 10 * mag;
}

static void
fmt_num(char *buf, size_t n, double v)
{
	if (fabs(v) >= 1e6 || (fabs(v) < 1e-3 && v != 0))
		snprintf(buf, n, "%.3g", v);
	else
		snprintf(buf, n, "%.10g", v);
}

/* Time ticks: steps in seconds, or months (negative: -months). */
static const int64_t tsteps[] = {
	60, 300, 900, 1800, 3600, 2 * 3600, 3 * 3600, 6 * 3600, 12 * 3600,
	86400, 2 * 86400, 7 * 86400, 14 * 86400, -1, -2, -3, -6, -12, -24,
	-60, -120, -240, -600, -1200
};

static int64_t
months_after(int64_t t, int months)
{
	struct sf_civil c;
	int m;

	sf_time_to_civil(t, &c);
	m = c.year * 12 + (c.mon - 1) + months;
	c.year = m / 12;
	c.mon = m % 12 + 1;
	c.day = 1;
	c.hour = c.min = c.sec = 0;
	return sf_time_from_civil(&c);
}

static void
tick_label(int64_t t, int64_t step, char *buf, size_t n)
{
	struct sf_civil c;

	sf_time_to_civil(t, &c);
	if (step > 0 && step < 86400)
		snprintf(buf, n, "%02d-%02d %02d:%02d", c.mon, c.day, c.hour,
		    c.min);
	else if (step > 0)
		snprintf(buf, n, "%04d-%02d-%02d", c.year, c.mon, c.day);
	else if (step > -12)
		snprintf(buf, n, "%04d-%02d", c.year, c.mon);
	else
		snprintf(buf, n, "%04d", c.year);
}

static void
time_axis(struct svg *g)
{
	int64_t t0 = (int64_t)ceil(g->t0), t1 = (int64_t)floor(g->t1);
	int64_t step = tsteps[0], t, span = t1 - t0;
	int maxticks = (int)(g->w / 110), k, m;
	size_t i;
	char lab[32];
	struct sf_civil c;

	if (maxticks < 2)
		maxticks = 2;
	for (i = 0; i < sizeof(tsteps) / sizeof(tsteps[0]); i++) {
		step = tsteps[i];
		if (step > 0 && span / step <= maxticks)
			break;
		if (step < 0 && span / (-step * 2629746LL) <= maxticks)
			break;
	}
	if (step > 0) {
		/* weeks start on Monday: 1970-01-05 was one */
		int64_t base = step >= 7 * 86400 ? 4 * 86400 : 0;

		t = floor_to(t0 - base, step) + base;
		if (t < t0)
			t += step;
	} else {
		m = (int)-step;
		sf_time_to_civil(t0, &c);
		c.day = 1;
		c.hour = c.min = c.sec = 0;
		k = c.year * 12 + c.mon - 1;
		k = (k + m - 1) / m * m;
		c.year = k / 12;
		c.mon = k % 12 + 1;
		t = sf_time_from_civil(&c);
		if (t < t0)
			t = months_after(t, m);
	}
	for (; t <= t1; t = step > 0 ? t + step : months_after(t, (int)-step)) {
		double x = px(g, (double)t);

		tick_label(t, step, lab, sizeof(lab));
		sf_buf_addf(&g->b, "<line class=\"grid\" x1=\"%.1f\" "
		    "y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#dddddd\"/>\n"
		    "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">%s"
		    "</text>\n", x, g->y, x, g->y + g->h, x, g->y + g->h + 18,
		    lab);
	}
}

static void
value_axis(struct svg *g)
{
	char lab[32];
	double v, step;
	int e, k;
	static const int mant[] = { 1, 2, 5 };

	if (g->log) {
		for (e = (int)floor(g->v0); e <= (int)ceil(g->v1); e++) {
			for (k = 0; k < 3; k++) {
				v = log10(mant[k]) + e;
				if (v < g->v0 - 1e-9 || v > g->v1 + 1e-9)
					continue;
				fmt_num(lab, sizeof(lab), mant[k] * pow(10, e));
				sf_buf_addf(&g->b, "<line class=\"grid\" "
				    "x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" "
				    "y2=\"%.1f\" stroke=\"#dddddd\"/>\n<text "
				    "x=\"%.1f\" y=\"%.1f\" text-anchor=\"end\">"
				    "%s</text>\n", g->x, py(g, pow(10, v)),
				    g->x + g->w, py(g, pow(10, v)), g->x - 6,
				    py(g, pow(10, v)) + 4, lab);
			}
		}
		return;
	}
	step = nice_step(g->v1 - g->v0, 6);
	for (v = ceil(g->v0 / step) * step; v <= g->v1 + step * 1e-9;
	    v += step) {
		fmt_num(lab, sizeof(lab), fabs(v) < step * 1e-9 ? 0 : v);
		sf_buf_addf(&g->b, "<line class=\"grid\" x1=\"%.1f\" "
		    "y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#dddddd\"/>\n"
		    "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"end\">%s"
		    "</text>\n", g->x, py(g, v), g->x + g->w, py(g, v),
		    g->x - 6, py(g, v) + 4, lab);
	}
}

int
sf_plot_svg(struct sf_plot *p, size_t idx,
    int (*write)(void *arg, const char *s, size_t n), void *arg,
    struct sf_err *err)
{
	struct svg g;
	struct station *st;
	struct line l;
	double vmin = 0, vmax = 0, lx, ly, pad;
	int64_t tlo = 0, thi = 0;
	size_t i, lw;
	int first = 1, ncol = 0, W = p->o.width, H = p->o.height;
	const char *unit;

	sort(p);
	if (idx >= p->nst)
		return sf_err_set(err, "no station %zu to draw", idx);
	st = &p->st[idx];
	memset(&g, 0, sizeof(g));
	sf_buf_init(&g.b);
	g.write = write;
	g.arg = arg;
	g.log = p->o.log;
	for (i = 0; i < st->ns; i++) {
		struct series *s = st->s[i];

		if (first || s->vmin < vmin)
			vmin = s->vmin;
		if (first || s->vmax > vmax)
			vmax = s->vmax;
		if (first || s->tlo < tlo)
			tlo = s->tlo;
		if (first || s->thi > thi)
			thi = s->thi;
		first = 0;
	}
	if (thi == tlo) {
		tlo -= 3600;
		thi += 3600;
	}
	g.x = 80;
	g.y = 50;
	g.w = W - 80 - 30;
	g.h = H - 50 - 60;
	if (g.w > MAXCOL)
		g.w = MAXCOL;
	g.t0 = (double)tlo;
	g.t1 = (double)thi;
	if (g.log) {
		double lo = vmin > 0 ? vmin : vmax > 0 ? vmax / 1000 : 1;

		g.v0 = floor(log10(lo));
		g.v1 = ceil(log10(vmax > 0 ? vmax : 10));
		if (g.v1 <= g.v0)
			g.v1 = g.v0 + 1;
	} else {
		double step;

		g.v0 = vmin >= 0 ? 0 : vmin;
		/* room above the highest value, so it does not touch the edge */
		g.v1 = vmax > g.v0 ? vmax + (vmax - g.v0) * 0.04 : g.v0 + 1;
		step = nice_step(g.v1 - g.v0, 6);
		g.v1 = ceil(g.v1 / step) * step;
		g.v0 = floor(g.v0 / step) * step;
	}
	unit = st->unit[0] != '\0' ? st->unit : "?";

	sf_buf_addf(&g.b, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
	    "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" "
	    "height=\"%d\" viewBox=\"0 0 %d %d\" font-family=\"sans-serif\" "
	    "font-size=\"12\">\n<title>", W, H, W, H);
	sf_buf_add_xml(&g.b, st->name != NULL ? st->name : st->id);
	sf_buf_adds(&g.b, "</title>\n");
	sf_buf_addf(&g.b, "<rect width=\"%d\" height=\"%d\" "
	    "fill=\"#ffffff\"/>\n", W, H);
	sf_buf_addf(&g.b, "<text x=\"%d\" y=\"24\" text-anchor=\"middle\" "
	    "font-size=\"16\" font-weight=\"bold\">", W / 2);
	sf_buf_add_xml(&g.b, st->name != NULL ? st->name : "");
	sf_buf_adds(&g.b, st->name != NULL ? " (" : "");
	sf_buf_add_xml(&g.b, st->agency);
	sf_buf_adds(&g.b, " ");
	sf_buf_add_xml(&g.b, st->id);
	sf_buf_adds(&g.b, st->name != NULL ? ")" : "");
	sf_buf_adds(&g.b, "</text>\n");
	sf_buf_addf(&g.b, "<rect class=\"area\" x=\"%.0f\" y=\"%.0f\" "
	    "width=\"%.0f\" height=\"%.0f\" fill=\"#fbfbfb\" "
	    "stroke=\"#888888\" data-t0=\"%lld\" data-t1=\"%lld\" "
	    "data-v0=\"%.17g\" data-v1=\"%.17g\"/>\n", g.x, g.y, g.w, g.h,
	    (long long)tlo, (long long)thi, g.v0, g.v1);
	time_axis(&g);
	value_axis(&g);
	sf_buf_addf(&g.b, "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">"
	    "Time (UTC)</text>\n", g.x + g.w / 2, H - 14);
	sf_buf_addf(&g.b, "<text transform=\"translate(18 %.1f) rotate(-90)\" "
	    "text-anchor=\"middle\">Discharge (%s)%s</text>\n",
	    g.y + g.h / 2, unit, g.log ? ", log scale" : "");
	flush(&g, 0);

	/* ensembles' bands first, under every line */
	for (i = 0; i < st->ns; i++) {
		if (st->s[i]->kind == S_ENS)
			band(&g, st->s[i], palette[i % 8]);
	}
	for (i = 0; i < st->ns; i++) {
		struct series *s = st->s[i];

		memset(&l, 0, sizeof(l));
		l.colour = s->kind == S_OBS ? (i == 0 ? "#1f4e79" : "#4a90c2") :
		    palette[i % 8];
		l.width = s->kind == S_OBS ? 1.5 : 2;
		l.mean = s->kind == S_ENS;
		sf_buf_addf(&g.b, "<g class=\"series\" data-kind=\"%s\" "
		    "data-label=\"", s->kind == S_OBS ? "obs" :
		    s->kind == S_RUN ? "forecast" : "ensemble");
		sf_buf_add_xml(&g.b, s->label);
		sf_buf_adds(&g.b, "\">\n");
		if (s->n == 1) {
			sf_buf_addf(&g.b, "<circle cx=\"%.1f\" cy=\"%.1f\" "
			    "r=\"3\" fill=\"%s\"/>\n", px(&g, (double)s->tlo),
			    py(&g, s->vmin), l.colour);
		} else {
			if (s->kind == S_RUN)
				sf_buf_adds(&g.b, "<g stroke-dasharray=\"6 3\">\n");
			columns(&g, s, line_emit, &l);
			line_end(&g, &l);
			if (s->kind == S_RUN)
				sf_buf_adds(&g.b, "</g>\n");
		}
		sf_buf_adds(&g.b, "</g>\n");
		ncol++;
	}
	if (p->o.has_now && (double)p->o.now >= g.t0 &&
	    (double)p->o.now <= g.t1) {
		double x = px(&g, (double)p->o.now);

		sf_buf_addf(&g.b, "<line class=\"now\" x1=\"%.1f\" y1=\"%.1f\" "
		    "x2=\"%.1f\" y2=\"%.1f\" stroke=\"#555555\" "
		    "stroke-dasharray=\"2 3\"/>\n<text x=\"%.1f\" y=\"%.1f\" "
		    "text-anchor=\"middle\" fill=\"#555555\">now</text>\n",
		    x, g.y, x, g.y + g.h, x, g.y - 4);
	}
	/* the legend, top left inside the area */
	lx = g.x + 10;
	ly = g.y + 10;
	pad = 18;
	for (i = 0, lw = 0; i < st->ns; i++) {
		size_t k = strlen(st->s[i]->label) +
		    (st->s[i]->kind == S_ENS ? 15 : 0);

		if (k > lw)
			lw = k;
	}
	sf_buf_addf(&g.b, "<g class=\"legend\">\n<rect x=\"%.1f\" y=\"%.1f\" "
	    "width=\"%.1f\" height=\"%.1f\" fill=\"#ffffff\" "
	    "fill-opacity=\"0.85\" stroke=\"#cccccc\"/>\n", lx, ly,
	    50 + 7.0 * (double)lw, pad * (double)st->ns + 8);
	for (i = 0; i < st->ns; i++) {
		struct series *s = st->s[i];
		const char *c = s->kind == S_OBS ?
		    (i == 0 ? "#1f4e79" : "#4a90c2") : palette[i % 8];
		double yy = ly + 16 + pad * (double)i;

		if (s->kind == S_ENS)
			sf_buf_addf(&g.b, "<rect x=\"%.1f\" y=\"%.1f\" "
			    "width=\"24\" height=\"10\" fill=\"%s\" "
			    "fill-opacity=\"0.25\"/>\n", lx + 8, yy - 9, c);
		sf_buf_addf(&g.b, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" "
		    "y2=\"%.1f\" stroke=\"%s\" stroke-width=\"2\"%s/>\n"
		    "<text x=\"%.1f\" y=\"%.1f\">", lx + 8, yy - 4, lx + 32,
		    yy - 4, c, s->kind == S_RUN ?
		    " stroke-dasharray=\"6 3\"" : "", lx + 40, yy);
		sf_buf_add_xml(&g.b, s->label);
		if (s->kind == S_ENS)
			sf_buf_adds(&g.b, ": min-max, mean");
		sf_buf_adds(&g.b, "</text>\n");
	}
	sf_buf_adds(&g.b, "</g>\n</svg>\n");
	(void)ncol;
	flush(&g, 1);
	sf_buf_release(&g.b);
	if (g.failed)
		return sf_err_set(err, "writing the SVG");
	return 0;
}
