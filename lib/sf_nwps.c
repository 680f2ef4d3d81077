/*
 * sf_nwps: NWPS bodies into forecast records and gauge ids.
 *
 * The body is collected whole and handed to jansson: NWPS answers are
 * small, and their shape (units given once, before or after the points;
 * members as object keys) is easier to read from a tree than from a
 * stream. The cap keeps a runaway or hostile body from taking the
 * machine: it is checked as bytes arrive, before anything is parsed.
 *
 * kcfs to cfs is done on the decimal text, not by multiplying: jansson
 * gives the double nearest the served text, sf_str_fmt_double gives that
 * text back (the shortest form that reads as the same double), and its
 * exponent is moved by three before it is read again. The result is the
 * double nearest the exact decimal product, so 1.21 kcfs is 1210 and not
 * 1209.9999999999998, as 1.21 * 1000 would be.
 */
#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <jansson.h>

#include "sf_buf.h"
#include "sf_err.h"
#include "sf_maprow.h"
#include "sf_mem.h"
#include "sf_nwps.h"
#include "sf_rec.h"
#include "sf_str.h"
#include "sf_time.h"
#include "sf.h"

_Static_assert(SF_NWPS_ID_MAX == SF_MAP_ID_MAX,
    "a gauge id must fit a mapping");

/* Values at or below this are the service's missing-value markers. */
#define MISSING_AT (-999.0)

struct sf_nwps {
	struct sf_buf body;
	size_t cap;
	int over;		/* the body went past cap */
};

static const struct {
	const char *name;	/* as sf_nwps_series_parse takes it */
	const char *source;	/* the records' source */
	const char *key;	/* the object holding it in the body */
} series_tab[SF_NWPS_NSERIES] = {
	{ "rfc", "NOAA_RFC", NULL },
	{ "short_range", "NWM_SHORT_RANGE", "shortRange" },
	{ "medium_range", "NWM_MEDIUM_RANGE", "mediumRange" },
	{ "medium_range_blend", "NWM_MEDIUM_RANGE_BLEND", "mediumRangeBlend" },
	{ "long_range", "NWM_LONG_RANGE", "longRange" },
};

/* Flow units the records can carry, and the power of ten to get there. */
static const struct {
	const char *name;
	const char *unit;
	int shift;
} unit_tab[] = {
	{ "kcfs", "cfs", 3 },
	{ "cfs", "cfs", 0 },
	{ "ft\xc2\xb3/s", "cfs", 0 },
	{ "ft3/s", "cfs", 0 },
	{ "ft^3/s", "cfs", 0 },
	{ "kcms", "cms", 3 },
	{ "cms", "cms", 0 },
	{ "m\xc2\xb3/s", "cms", 0 },
	{ "m3/s", "cms", 0 },
	{ "m^3/s", "cms", 0 },
};

/* One forecast parse. */
struct fc {
	enum sf_nwps_series s;
	const struct sf_nwps_who *who;
	int (*emit)(void *, const struct sf_rec *);
	void *arg;
	struct sf_nwps_info *info;
	int64_t latest;		/* the latest run_date, when info->members */
};

/* The points of one run: what every record of it shares. */
struct run {
	const char *path;	/* "data", "mediumRange.mean.data" */
	const char *member;	/* NULL for deterministic */
	char run_date[SF_TIME_LEN];
	const char *flow_key;	/* "secondary" or "flow" */
	const char *stage_key;	/* "primary" or NULL */
	const char *served;	/* the flow unit as the body names it */
	const char *unit;	/* the flow unit of the records, or NULL */
	int shift;		/* power of ten from the served flow to unit */
	int flow_known;		/* the served unit is one of unit_tab */
	const char *stage_unit;	/* NULL when unknown */
};

int
sf_nwps_series_parse(const char *s, enum sf_nwps_series *out,
    struct sf_err *err)
{
	int i;

	for (i = 0; i < SF_NWPS_NSERIES; i++)
		if (strcmp(s, series_tab[i].name) == 0) {
			*out = (enum sf_nwps_series)i;
			return 0;
		}
	return sf_err_set(err, "series '%s': unknown (rfc, short_range, "
	    "medium_range, medium_range_blend, long_range)", s);
}

const char *
sf_nwps_series_name(enum sf_nwps_series s)
{
	return s >= 0 && s < SF_NWPS_NSERIES ? series_tab[s].name : NULL;
}

const char *
sf_nwps_series_source(enum sf_nwps_series s)
{
	return s >= 0 && s < SF_NWPS_NSERIES ? series_tab[s].source : NULL;
}

struct sf_nwps *
sf_nwps_new(size_t cap)
{
	struct sf_nwps *p = sf_calloc(1, sizeof(*p));

	sf_buf_init(&p->body);
	p->cap = cap ? cap : SF_NWPS_MAX_BODY;
	return p;
}

void
sf_nwps_free(struct sf_nwps *p)
{
	if (p == NULL)
		return;
	sf_buf_release(&p->body);
	free(p);
}

void
sf_nwps_reset(struct sf_nwps *p)
{
	sf_buf_reset(&p->body);
	p->over = 0;
}

static int
over_cap(const struct sf_nwps *p, struct sf_err *err)
{
	return sf_err_set(err, "nwps: body larger than %zu bytes", p->cap);
}

int
sf_nwps_feed(struct sf_nwps *p, const void *buf, size_t n,
    struct sf_err *err)
{
	size_t room;

	if (p->over)
		return over_cap(p, err);
	room = p->cap - p->body.len;
	if (n > room) {
		sf_buf_add(&p->body, buf, room);
		p->over = 1;
		return over_cap(p, err);
	}
	sf_buf_add(&p->body, buf, n);
	return 0;
}

const char *
sf_nwps_body(const struct sf_nwps *p, size_t *len)
{
	if (len != NULL)
		*len = p->body.len;
	return p->body.buf;
}

/* The first byte of the body that is not white space, or NULL. */
static const char *
body_start(const struct sf_nwps *p)
{
	const char *s = p->body.buf, *e = s + p->body.len;

	while (s < e && (*s == ' ' || *s == '\t' || *s == '\r' ||
	    *s == '\n'))
		s++;
	return s < e ? s : NULL;
}

/* The body as a JSON object (new reference), or NULL with err. */
static json_t *
load(const struct sf_nwps *p, struct sf_err *err)
{
	const char *s;
	json_error_t je;
	json_t *root;

	if (p->over)
		return over_cap(p, err), NULL;
	if ((s = body_start(p)) == NULL)
		return sf_err_set(err, "nwps: empty body"), NULL;
	if (*s == '<')
		return sf_err_set(err, "nwps: an HTML page, not JSON"), NULL;
	root = json_loadb(p->body.buf, p->body.len, 0, &je);
	if (root == NULL)
		return sf_err_set(err, "nwps: line %d column %d: %s", je.line,
		    je.column, je.text), NULL;
	if (!json_is_object(root)) {
		json_decref(root);
		return sf_err_set(err, "nwps: not a JSON object"), NULL;
	}
	return root;
}

/*
 * The string member key of o into *out (borrowed from o): "" when absent
 * or null. Returns 0, or -1 with err when it is something else.
 */
static int
get_str(json_t *o, const char *path, const char *key, const char **out,
    struct sf_err *err)
{
	json_t *v = json_object_get(o, key);

	*out = "";
	if (v == NULL || json_is_null(v))
		return 0;
	if (!json_is_string(v))
		return sf_err_set(err, "nwps: %s%s%s: not a string", path,
		    *path ? "." : "", key);
	*out = json_string_value(v);
	return 0;
}

/*
 * Parses the time s into *t and buf. Returns 0, or -1 with err "nwps:
 * PATH: time 'S': reason".
 */
static int
get_time(const char *s, const char *path, int64_t *t, char buf[SF_TIME_LEN],
    struct sf_err *err)
{
	struct sf_err e;

	if (sf_time_parse(s, t, &e) == -1)
		return sf_err_set(err, "nwps: %s: %s", path, e.msg);
	sf_time_format(*t, buf);
	return 0;
}

/* 1 when t is in the year 1: NWPS's "no time" (0001-01-01T00:00:00Z). */
static int
no_time(int64_t t)
{
	struct sf_civil c;

	sf_time_to_civil(t, &c);
	return c.year <= 1;
}

/* Finds the flow unit u in unit_tab and sets r's flow fields from it. */
static void
set_unit(struct run *r, const char *u)
{
	size_t i;

	r->served = u;
	for (i = 0; i < sizeof(unit_tab) / sizeof(unit_tab[0]); i++)
		if (sf_str_eq_ci(u, unit_tab[i].name)) {
			r->unit = unit_tab[i].unit;
			r->shift = unit_tab[i].shift;
			r->flow_known = 1;
			return;
		}
	r->unit = NULL;
	r->shift = 0;
	r->flow_known = 0;
}

/*
 * Writes v times ten to the power shift into out, in sf_str_fmt_double's
 * form, by moving the exponent of v's shortest text (see the top of the
 * file). Returns 0, or -1 when the product is not finite.
 */
static int
fmt_scaled(double v, int shift, char out[SF_NUM_LEN])
{
	char t[SF_NUM_LEN + 16], *e;
	long x = 0;
	double d;

	sf_str_fmt_double(v, out);
	if (shift == 0)
		return 0;
	if ((e = strchr(out, 'e')) != NULL) {
		x = strtol(e + 1, NULL, 10);
		*e = '\0';
	}
	snprintf(t, sizeof(t), "%se%ld", out, x + shift);
	d = strtod(t, NULL);
	if (!isfinite(d))
		return -1;
	sf_str_fmt_double(d, out);
	return 0;
}

/*
 * The number at key of point pt into out; *val set to out, or to NULL
 * when absent, null or a missing marker (counted). Returns 0, or -1 with
 * err.
 */
static int
get_num(json_t *pt, const char *key, int shift, const char *path, size_t i,
    char out[SF_NUM_LEN], const char **val, struct sf_nwps_info *info,
    struct sf_err *err)
{
	json_t *v = json_object_get(pt, key);
	double d;

	*val = NULL;
	if (v == NULL || json_is_null(v))
		return 0;
	if (!json_is_number(v))
		return sf_err_set(err, "nwps: %s[%zu].%s: not a number", path,
		    i, key);
	d = json_number_value(v);
	if (d <= MISSING_AT) {
		info->missing++;
		return 0;
	}
	if (fmt_scaled(d, shift, out) == -1)
		return sf_err_set(err, "nwps: %s[%zu].%s: out of range", path,
		    i, key);
	*val = out;
	return 0;
}

/* Emits the points of the array data, all of run r. */
static int
points(struct fc *c, const struct run *r, json_t *data, struct sf_err *err)
{
	char at[SF_TIME_LEN], flow[SF_NUM_LEN], stage[SF_NUM_LEN], where[208];
	const char *vt;
	struct sf_rec rec;
	json_t *pt;
	int64_t t;
	size_t i;

	json_array_foreach(data, i, pt) {
		if (!json_is_object(pt))
			return sf_err_set(err, "nwps: %s[%zu]: not an object",
			    r->path, i);
		snprintf(where, sizeof(where), "%s[%zu]", r->path, i);
		if (get_str(pt, where, "validTime", &vt, err) == -1)
			return -1;
		if (*vt == '\0')
			return sf_err_set(err, "nwps: %s: no validTime",
			    where);
		if (get_time(vt, where, &t, at, err) == -1)
			return -1;
		sf_rec_clear(&rec, SF_KIND_FORECAST);
		rec.f[SF_FC_CONFIG] = c->who->config;
		rec.f[SF_FC_STATION] = c->who->station;
		rec.f[SF_FC_AGENCY] = c->who->agency;
		rec.f[SF_FC_TARGET_ID] = c->who->target_id;
		rec.f[SF_FC_SOURCE] = series_tab[c->s].source;
		rec.f[SF_FC_MEMBER] = r->member;
		rec.f[SF_FC_RUN_DATE] = r->run_date;
		rec.f[SF_FC_VALID_AT] = at;
		if (get_num(pt, r->flow_key, r->shift, r->path, i, flow,
		    &rec.f[SF_FC_DISCHARGE], c->info, err) == -1)
			return -1;
		if (rec.f[SF_FC_DISCHARGE] != NULL && !r->flow_known) {
			if (c->info->flow_dropped++ == 0)
				snprintf(c->info->flow_unit,
				    sizeof(c->info->flow_unit), "%s",
				    r->served);
			rec.f[SF_FC_DISCHARGE] = NULL;
		}
		rec.f[SF_FC_UNIT] = r->unit;
		if (r->stage_key != NULL) {
			if (get_num(pt, r->stage_key, 0, r->path, i, stage,
			    &rec.f[SF_FC_STAGE], c->info, err) == -1)
				return -1;
			rec.f[SF_FC_STAGE_UNIT] = r->stage_unit;
		}
		if (c->emit(c->arg, &rec) != 0)
			return sf_err_set(err, "nwps: stopped by the output "
			    "at record %ld", c->info->records + 1);
		c->info->records++;
	}
	return 0;
}

/* Notes run_date t as a run of the body. */
static void
note_run(struct fc *c, int64_t t)
{
	if (c->info->members == 0 || t > c->latest) {
		c->latest = t;
		sf_time_format(t, c->info->run_date);
	}
	c->info->members++;
}

/* gauges/{lid}/stageflow/forecast */
static int
rfc(struct fc *c, json_t *root, struct sf_err *err)
{
	json_t *data = json_object_get(root, "data");
	const char *issued, *pu, *su;
	struct run r;
	int64_t t;

	if (json_object_get(root, "issuedTime") == NULL &&
	    json_is_object(json_object_get(root, "forecast")) &&
	    json_object_get(root, "observed") != NULL)
		return sf_err_set(err, "nwps: a combined stageflow body "
		    "(observed and forecast): ask stageflow/forecast");
	/* Both must be there: a body without them is no forecast body. */
	if (json_object_get(root, "issuedTime") == NULL)
		return sf_err_set(err, "nwps: no issuedTime");
	if (data == NULL)
		return sf_err_set(err, "nwps: no data");
	if (!json_is_null(data) && !json_is_array(data))
		return sf_err_set(err, "nwps: data: not an array");
	if (get_str(root, "", "issuedTime", &issued, err) == -1 ||
	    get_str(root, "", "primaryUnits", &pu, err) == -1 ||
	    get_str(root, "", "secondaryUnits", &su, err) == -1)
		return -1;
	if (json_array_size(data) == 0) {
		c->info->no_forecast = 1;
		return 0;
	}
	if (*issued == '\0')
		return sf_err_set(err, "nwps: empty issuedTime");
	memset(&r, 0, sizeof(r));
	if (get_time(issued, "issuedTime", &t, r.run_date, err) == -1)
		return -1;
	if (no_time(t))
		return sf_err_set(err, "nwps: issuedTime '%s' (no issuance) "
		    "with %zu points", issued, json_array_size(data));
	r.path = "data";
	r.member = NULL;
	r.flow_key = "secondary";
	r.stage_key = "primary";
	r.stage_unit = *pu != '\0' ? pu : NULL;
	set_unit(&r, su);
	note_run(c, t);
	return points(c, &r, data, err);
}

/* One member of an NWM series: {referenceTime, units, data}. */
static int
member(struct fc *c, const char *key, const char *name, json_t *m,
    struct sf_err *err)
{
	char path[160], dpath[176];
	const char *ref, *units;
	json_t *data;
	struct run r;
	int64_t t;

	snprintf(path, sizeof(path), "%s.%s", key, name);
	if (json_is_null(m))
		return 0;
	if (!json_is_object(m))
		return sf_err_set(err, "nwps: %s: not an object", path);
	data = json_object_get(m, "data");
	if (data != NULL && !json_is_null(data) && !json_is_array(data))
		return sf_err_set(err, "nwps: %s.data: not an array", path);
	if (json_array_size(data) == 0)
		return 0;
	if (get_str(m, path, "referenceTime", &ref, err) == -1 ||
	    get_str(m, path, "units", &units, err) == -1)
		return -1;
	if (*ref == '\0')
		return sf_err_set(err, "nwps: %s: no referenceTime", path);
	memset(&r, 0, sizeof(r));
	snprintf(dpath, sizeof(dpath), "%s.referenceTime", path);
	if (get_time(ref, dpath, &t, r.run_date, err) == -1)
		return -1;
	if (no_time(t))
		return sf_err_set(err, "nwps: %s: referenceTime '%s' (no run) "
		    "with %zu points", path, ref, json_array_size(data));
	snprintf(dpath, sizeof(dpath), "%s.data", path);
	r.path = dpath;
	r.member = strcmp(name, "series") == 0 ? NULL : name;
	r.flow_key = "flow";
	r.stage_key = NULL;
	r.stage_unit = NULL;
	set_unit(&r, units);
	note_run(c, t);
	return points(c, &r, data, err);
}

/* reaches/{id}/streamflow?series=... */
static int
nwm(struct fc *c, json_t *root, struct sf_err *err)
{
	const char *key = series_tab[c->s].key, *name;
	json_t *ser, *m;

	ser = json_object_get(root, key);
	if (ser == NULL)
		return sf_err_set(err, "nwps: no '%s' in the body", key);
	if (json_is_null(ser)) {
		c->info->no_forecast = 1;
		return 0;
	}
	if (!json_is_object(ser))
		return sf_err_set(err, "nwps: %s: not an object", key);
	json_object_foreach(ser, name, m) {
		if (member(c, key, name, m, err) == -1)
			return -1;
	}
	if (c->info->records == 0)
		c->info->no_forecast = 1;
	return 0;
}

int
sf_nwps_forecast(struct sf_nwps *p, enum sf_nwps_series s,
    const struct sf_nwps_who *who,
    int (*emit)(void *arg, const struct sf_rec *rec), void *arg,
    struct sf_nwps_info *info, struct sf_err *err)
{
	struct sf_nwps_info scratch;
	struct fc c;
	json_t *root;
	int rc;

	if (info == NULL)
		info = &scratch;
	memset(info, 0, sizeof(*info));
	if (s < 0 || s >= SF_NWPS_NSERIES)
		return sf_err_set(err, "nwps: series %d: unknown", (int)s);
	if ((root = load(p, err)) == NULL)
		return -1;
	c.s = s;
	c.who = who;
	c.emit = emit;
	c.arg = arg;
	c.info = info;
	c.latest = 0;
	rc = s == SF_NWPS_RFC ? rfc(&c, root, err) : nwm(&c, root, err);
	json_decref(root);
	return rc;
}

/*
 * The id at key of the gauge object o into out: "" when absent or null,
 * digits for an integer, a trimmed string. Returns 0, or -1 with err.
 */
static int
gauge_id(json_t *o, const char *key, char out[SF_NWPS_ID_MAX + 1],
    struct sf_err *err)
{
	json_t *v = json_object_get(o, key);
	char t[SF_NWPS_ID_MAX + 2];
	const char *s;

	out[0] = '\0';
	if (v == NULL || json_is_null(v))
		return 0;
	if (json_is_integer(v)) {
		snprintf(out, SF_NWPS_ID_MAX + 1, "%" JSON_INTEGER_FORMAT,
		    json_integer_value(v));
		return 0;
	}
	if (!json_is_string(v))
		return sf_err_set(err, "nwps: %s: not a string", key);
	s = json_string_value(v);
	while (*s == ' ' || *s == '\t')
		s++;
	/* One byte more than an id may have, to tell a long one. */
	snprintf(t, sizeof(t), "%s", s);
	sf_str_trim(t);
	if (strlen(t) > SF_NWPS_ID_MAX)
		return sf_err_set(err, "nwps: %s: longer than %d bytes", key,
		    SF_NWPS_ID_MAX);
	snprintf(out, SF_NWPS_ID_MAX + 1, "%s", t);
	return 0;
}

int
sf_nwps_gauge(struct sf_nwps *p, struct sf_nwps_gauge *g,
    struct sf_err *err)
{
	json_t *root;
	int rc = 0;

	memset(g, 0, sizeof(*g));
	if ((root = load(p, err)) == NULL)
		return -1;
	if (gauge_id(root, "lid", g->lid, err) == -1 ||
	    gauge_id(root, "usgsId", g->usgs_id, err) == -1 ||
	    gauge_id(root, "reachId", g->reach_id, err) == -1)
		rc = -1;
	else if (g->lid[0] == '\0')
		rc = sf_err_set(err, "nwps: no lid");
	json_decref(root);
	if (rc == -1)
		memset(g, 0, sizeof(*g));
	return rc;
}

int
sf_nwps_gauge_mappings(const struct sf_nwps_gauge *g,
    struct sf_map_row *rows)
{
	int n = 0;

	if (g->usgs_id[0] == '\0')
		return 0;
	if (g->lid[0] != '\0') {
		rows[n].source_agency = "USGS";
		rows[n].source_id = g->usgs_id;
		rows[n].target_agency = "NOAA-HADS";
		rows[n].target_id = g->lid;
		n++;
	}
	if (g->reach_id[0] != '\0') {
		rows[n].source_agency = "USGS";
		rows[n].source_id = g->usgs_id;
		rows[n].target_agency = "NWM";
		rows[n].target_id = g->reach_id;
		n++;
	}
	return n;
}

/*
 * Copies the n bytes at s into buf of size (size > 0) as one clean line:
 * runs of white space as one space, none at either end, other bytes
 * outside printable ASCII as '?'; "..." ends it when cut.
 */
static void
clean(char *buf, size_t size, const char *s, size_t n)
{
	size_t i, len = 0;
	int sp = 0;

	for (i = 0; i < n; i++) {
		unsigned char ch = (unsigned char)s[i];

		if (ch == ' ' || ch == '\t' || ch == '\r' || ch == '\n' ||
		    ch == '\f' || ch == '\v') {
			sp = 1;
			continue;
		}
		if (len + (sp && len > 0) + 1 >= size)
			break;
		if (sp && len > 0)
			buf[len++] = ' ';
		sp = 0;
		buf[len++] = ch >= 0x20 && ch < 0x7f ? (char)ch : '?';
	}
	buf[len] = '\0';
	if (i < n && size > 4) {
		/* Cut: "..." in place of the last bytes. */
		len = len > size - 4 ? size - 4 : len;
		memcpy(buf + len, "...", 4);
	}
}

/* A message in the JSON error body root (borrowed), or NULL. */
static const char *
json_message(json_t *root)
{
	static const char *const keys[] = { "message", "description",
	    "detail", "error" };
	const char *s;
	json_t *v;
	size_t i;

	if (!json_is_object(root))
		return NULL;
	for (i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		v = json_object_get(root, keys[i]);
		if (json_is_object(v))
			v = json_object_get(v, "message");
		if (json_is_string(v) && *(s = json_string_value(v)) != '\0')
			return s;
	}
	return NULL;
}

/* The text of the first <title> in the NUL-terminated html, or NULL. */
static const char *
html_title(const char *html, size_t *n)
{
	const char *s, *e;

	for (s = html; (s = strchr(s, '<')) != NULL; s++)
		if (strncasecmp(s, "<title", 6) == 0 &&
		    (s[6] == '>' || isspace((unsigned char)s[6])))
			break;
	if (s == NULL || (s = strchr(s, '>')) == NULL)
		return NULL;
	s++;
	if ((e = strchr(s, '<')) == NULL)
		return NULL;
	*n = (size_t)(e - s);
	return s;
}

void
sf_nwps_error_message(const struct sf_nwps *p, char *buf, size_t size)
{
	const char *s = body_start(p), *t, *end;
	char title[80];
	json_t *root;
	size_t n;

	if (size == 0)
		return;
	if (s == NULL) {
		snprintf(buf, size, "empty body");
		return;
	}
	end = p->body.buf + p->body.len;
	if (*s == '{' && (root = json_loadb(p->body.buf, p->body.len, 0,
	    NULL)) != NULL) {
		t = json_message(root);
		if (t != NULL)
			clean(buf, size, t, strlen(t));
		json_decref(root);
		if (t != NULL)
			return;
	}
	if (*s == '<') {
		title[0] = '\0';
		if ((t = html_title(s, &n)) != NULL)
			clean(title, sizeof(title), t, n);
		if (title[0] != '\0')
			snprintf(buf, size, "HTML page: %s", title);
		else
			snprintf(buf, size, "HTML page");
		return;
	}
	for (t = s; t < end && *t != '\n' && *t != '\r'; t++)
		;
	clean(buf, size, s, (size_t)(t - s));
}
