/*
 * sf_serve: routing, parameter checking and record encoding for sf-serve.
 *
 * Nothing here talks to the network or the database, so all of it can be
 * tested (and fuzzed) as plain functions. The query-string parser works
 * in a fixed buffer inside the request: a request costs no allocation
 * and no input can make it grow.
 */
#include <string.h>

#include "sf_serve.h"
#include "sf_str.h"
#include "sf_time.h"

static int
hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/*
 * Decodes s[0..n) into out (room for n + 1); returns the decoded length,
 * or -1 for a bad escape or a control byte.
 */
static long
decode(const char *s, size_t n, char *out)
{
	size_t i, o = 0;
	int c, h, l;

	for (i = 0; i < n; i++) {
		c = (unsigned char)s[i];
		if (c == '+')
			c = ' ';
		else if (c == '%') {
			if (i + 2 >= n)
				return -1;
			if ((h = hexval((unsigned char)s[i + 1])) < 0 ||
			    (l = hexval((unsigned char)s[i + 2])) < 0)
				return -1;
			c = h * 16 + l;
			i += 2;
		}
		if (c < 0x20 || c == 0x7f)
			return -1;
		out[o++] = (char)c;
	}
	out[o] = '\0';
	return (long)o;
}

static int
valid_key(const char *k)
{
	size_t n = strlen(k);

	return n >= 1 && n <= SF_SERVE_KEY_MAX &&
	    strspn(k, "abcdefghijklmnopqrstuvwxyz_") == n;
}

int
sf_serve_qs_parse(const char *s, size_t len, struct sf_serve_qs *qs,
    struct sf_err *err)
{
	size_t i = 0, j, eq, used = 0;
	long kn, vn;
	char *k, *v;

	qs->n = 0;
	qs->buf[0] = '\0';
	if (len > SF_SERVE_URI_MAX)
		return sf_err_set(err, "query string: longer than %d bytes",
		    SF_SERVE_URI_MAX);
	while (i < len) {
		for (j = i; j < len && s[j] != '&'; j++)
			;
		if (j == i) {
			i++;
			continue;
		}
		for (eq = i; eq < j && s[eq] != '='; eq++)
			;
		if (qs->n == SF_SERVE_NPARAM) {
			qs->n = 0;
			return sf_err_set(err, "query string: more than %d "
			    "parameters", SF_SERVE_NPARAM);
		}
		/* each piece decodes to no more than its length, plus NULs */
		if (used + (j - i) + 2 > sizeof(qs->buf)) {
			qs->n = 0;
			return sf_err_set(err, "query string: too long");
		}
		k = qs->buf + used;
		kn = decode(s + i, eq - i, k);
		if (kn < 0 || !valid_key(k)) {
			qs->n = 0;
			return sf_err_set(err, "parameter name: not 1 to %d "
			    "of a-z and _", SF_SERVE_KEY_MAX);
		}
		used += (size_t)kn + 1;
		v = qs->buf + used;
		vn = eq < j ? decode(s + eq + 1, j - eq - 1, v) :
		    (v[0] = '\0', 0);
		if (vn < 0) {
			qs->n = 0;
			return sf_err_set(err, "parameter '%s': bad escape or "
			    "control character", k);
		}
		if (vn > SF_SERVE_VALUE_MAX) {
			qs->n = 0;
			return sf_err_set(err, "parameter '%s': longer than "
			    "%d bytes", k, SF_SERVE_VALUE_MAX);
		}
		used += (size_t)vn + 1;
		if (sf_serve_qs_get(qs, k) != NULL) {
			qs->n = 0;
			return sf_err_set(err, "parameter '%s': given twice",
			    k);
		}
		qs->p[qs->n].key = k;
		qs->p[qs->n].value = v;
		qs->n++;
		i = j + 1;
	}
	return 0;
}

const char *
sf_serve_qs_get(const struct sf_serve_qs *qs, const char *key)
{
	size_t i;

	for (i = 0; i < qs->n; i++)
		if (strcmp(qs->p[i].key, key) == 0)
			return qs->p[i].value;
	return NULL;
}

int
sf_serve_valid_station(const char *s)
{
	size_t n = strlen(s);

	return n >= 1 && n <= 32 && strspn(s, "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
	    "abcdefghijklmnopqrstuvwxyz0123456789") == n;
}

int
sf_serve_valid_config(const char *s)
{
	size_t n = strlen(s);

	return n >= 1 && n <= SF_SERVE_ID_MAX && s[0] != '-' &&
	    s[0] != '.' && strspn(s, "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
	    "abcdefghijklmnopqrstuvwxyz0123456789-_.") == n;
}

/* The parameters each endpoint takes, space separated and bracketed. */
static const char *const ep_params[] = {
	[SF_EP_INDEX] = " ",
	[SF_EP_STATIONS] = " format state huc name agency ",
	[SF_EP_STATION] = " format ",
	[SF_EP_STATION_HTML] = " ",
	[SF_EP_OBS] = " format type start end as_of units daily ",
	[SF_EP_FORECASTS] = " format source run member start end units ",
	[SF_EP_SVG] = " start end forecast type ",
	[SF_EP_CONFIGS] = " ",
	[SF_EP_CONFIG] = " ",
	[SF_EP_RUNS] = " since config ",
	[SF_EP_HEALTH] = " ",
	[SF_EP_METRICS] = " "
};

static int
takes(enum sf_serve_ep ep, const char *key)
{
	const char *p = ep_params[ep];
	size_t n = strlen(key);

	while ((p = strstr(p, key)) != NULL) {
		if (p[-1] == ' ' && p[n] == ' ')
			return 1;
		p += n;
	}
	return 0;
}

/* Copies the path segment s[0..n) into id, or returns -1. */
static int
segment(const char *s, size_t n, char id[SF_SERVE_ID_MAX + 1])
{
	if (n == 0 || n > SF_SERVE_ID_MAX)
		return -1;
	memcpy(id, s, n);
	id[n] = '\0';
	return 0;
}

/* Routes path (no query) into r; returns 0 or 404. */
static int
route_path(const char *path, size_t n, struct sf_serve_req *r,
    struct sf_err *err)
{
	static const struct {
		const char *path;
		enum sf_serve_ep ep;
	} fixed[] = {
		{ "/", SF_EP_INDEX },
		{ "/stations", SF_EP_STATIONS },
		{ "/configs", SF_EP_CONFIGS },
		{ "/runs", SF_EP_RUNS },
		{ "/health", SF_EP_HEALTH },
		{ "/metrics", SF_EP_METRICS }
	};
	static const struct {
		const char *suffix;
		enum sf_serve_ep ep;
	} sub[] = {
		{ "/observations", SF_EP_OBS },
		{ "/forecasts", SF_EP_FORECASTS },
		{ "/hydrograph.svg", SF_EP_SVG },
		{ ".html", SF_EP_STATION_HTML },
		{ "", SF_EP_STATION }
	};
	size_t i, sl;
	const char *rest;

	r->id[0] = '\0';
	for (i = 0; i < sizeof(fixed) / sizeof(fixed[0]); i++)
		if (strlen(fixed[i].path) == n &&
		    memcmp(fixed[i].path, path, n) == 0) {
			r->ep = fixed[i].ep;
			return 0;
		}
	if (n > 9 && memcmp(path, "/configs/", 9) == 0) {
		if (segment(path + 9, n - 9, r->id) == -1 ||
		    !sf_serve_valid_config(r->id))
			goto notfound;
		r->ep = SF_EP_CONFIG;
		return 0;
	}
	if (n > 10 && memcmp(path, "/stations/", 10) == 0) {
		rest = path + 10;
		n -= 10;
		for (i = 0; i < sizeof(sub) / sizeof(sub[0]); i++) {
			sl = strlen(sub[i].suffix);
			if (n <= sl || memcmp(rest + n - sl, sub[i].suffix,
			    sl) != 0)
				continue;
			if (segment(rest, n - sl, r->id) == -1 ||
			    !sf_serve_valid_station(r->id))
				goto notfound;
			r->ep = sub[i].ep;
			return 0;
		}
	}
notfound:
	r->id[0] = '\0';
	sf_err_set(err, "no such path");
	return 404;
}

int
sf_serve_route(const char *method, const char *uri, const char *accept,
    struct sf_serve_req *r, struct sf_err *err)
{
	const char *q, *f;
	size_t n, i;
	int st;

	memset(r, 0, sizeof(*r));
	if (strcmp(method, "GET") != 0 && strcmp(method, "HEAD") != 0) {
		sf_err_set(err, "method '%.16s': only GET and HEAD", method);
		return 405;
	}
	n = strlen(uri);
	if (n > SF_SERVE_URI_MAX) {
		sf_err_set(err, "request target: longer than %d bytes",
		    SF_SERVE_URI_MAX);
		return 414;
	}
	if (uri[0] != '/') {
		sf_err_set(err, "request target: not a path");
		return 400;
	}
	q = strchr(uri, '?');
	if ((st = route_path(uri, q ? (size_t)(q - uri) : n, r, err)) != 0)
		return st;
	if (q != NULL && sf_serve_qs_parse(q + 1, strlen(q + 1), &r->qs,
	    err) == -1)
		return 400;
	for (i = 0; i < r->qs.n; i++)
		if (!takes(r->ep, r->qs.p[i].key)) {
			sf_err_set(err, "parameter '%s': not taken here",
			    r->qs.p[i].key);
			return 400;
		}
	r->fmt = SF_SERVE_JSON;
	if ((f = sf_serve_qs_get(&r->qs, "format")) != NULL) {
		if (strcmp(f, "json") == 0)
			r->fmt = SF_SERVE_JSON;
		else if (strcmp(f, "csv") == 0)
			r->fmt = SF_SERVE_CSV;
		else if (strcmp(f, "ndjson") == 0)
			r->fmt = SF_SERVE_NDJSON;
		else {
			sf_err_set(err, "parameter 'format': not json, csv "
			    "or ndjson");
			return 400;
		}
	} else if (accept != NULL && takes(r->ep, "format")) {
		if (strstr(accept, "text/csv") != NULL)
			r->fmt = SF_SERVE_CSV;
		else if (strstr(accept, "application/x-ndjson") != NULL)
			r->fmt = SF_SERVE_NDJSON;
	}
	return 0;
}

static int
time_param(const struct sf_serve_req *r, const char *name, int end,
    int *has, int64_t *t, struct sf_err *err)
{
	const char *s = sf_serve_qs_get(&r->qs, name);
	struct sf_err e;

	if (s == NULL)
		return 0;
	if (sf_time_parse(s, t, &e) == -1)
		return sf_err_set(err, "parameter '%s': %s", name, e.msg);
	if (end && strlen(s) == 10)
		*t += 86400 - 1;
	*has = 1;
	return 0;
}

/* Sets *out to the one of the NULL-ended names equal to s; or -1. */
static int
one_of(const char *name, const char *s, const char *const *names,
    const char **out, struct sf_err *err)
{
	size_t i;

	if (s == NULL)
		return 0;
	for (i = 0; names[i] != NULL; i++)
		if (strcmp(s, names[i]) == 0) {
			*out = names[i];
			return 0;
		}
	return sf_err_set(err, "parameter '%s': not one of the values "
	    "taken", name);
}

int
sf_serve_query(const struct sf_serve_req *r, struct sf_query *q,
    const char *station[1], struct sf_err *err)
{
	static const char *const types[] = { "daily_mean", "realtime_15min",
		NULL };
	static const char *const units[] = { "cfs", "cms", NULL };
	static const char *const agencies[] = { "USGS", "EC", NULL };
	static const char *const flags[] = { "0", "1", "true", "false",
		NULL };
	const char *s, *daily = NULL;
	struct sf_err e;

	memset(q, 0, sizeof(*q));
	q->run = SF_QUERY_RUN_LATEST;
	if (r->id[0] != '\0') {
		station[0] = r->id;
		q->stations = station;
		q->nstations = 1;
	}
	switch (r->ep) {
	case SF_EP_STATIONS:
	case SF_EP_STATION:
		q->what = SF_QUERY_STATION;
		break;
	case SF_EP_FORECASTS:
		q->what = SF_QUERY_FORECAST;
		break;
	default:
		q->what = SF_QUERY_OBS;
	}
	if (time_param(r, "start", 0, &q->has_start, &q->start, err) ||
	    time_param(r, "end", 1, &q->has_end, &q->end, err) ||
	    time_param(r, "as_of", 0, &q->has_as_of, &q->as_of, err))
		return -1;
	if (one_of("type", sf_serve_qs_get(&r->qs, "type"), types, &q->type,
	    err) || one_of("units", sf_serve_qs_get(&r->qs, "units"), units,
	    &q->units, err) || one_of("agency", sf_serve_qs_get(&r->qs,
	    "agency"), agencies, &q->agency, err) || one_of("daily",
	    sf_serve_qs_get(&r->qs, "daily"), flags, &daily, err))
		return -1;
	if (daily != NULL && (daily[0] == '1' || daily[0] == 't'))
		q->what = SF_QUERY_DAILY;
	if ((s = sf_serve_qs_get(&r->qs, "source")) != NULL) {
		if (*s == '\0' || strlen(s) > 64 || strspn(s,
		    "ABCDEFGHIJKLMNOPQRSTUVWXYZ_0123456789") != strlen(s))
			return sf_err_set(err, "parameter 'source': not a "
			    "source name (NOAA_RFC, NWM_...)");
		q->source = s;
	}
	if ((s = sf_serve_qs_get(&r->qs, "member")) != NULL) {
		if (*s == '\0' || strlen(s) > 64 || strspn(s,
		    "abcdefghijklmnopqrstuvwxyz0123456789_") != strlen(s))
			return sf_err_set(err, "parameter 'member': not a "
			    "member name");
		q->member = s;
	}
	if ((s = sf_serve_qs_get(&r->qs, "run")) != NULL) {
		if (strcmp(s, "latest") == 0)
			q->run = SF_QUERY_RUN_LATEST;
		else if (strcmp(s, "all") == 0)
			q->run = SF_QUERY_RUN_ALL;
		else if (sf_time_parse(s, &q->run_at, &e) == 0)
			q->run = SF_QUERY_RUN_AT;
		else
			return sf_err_set(err, "parameter 'run': not latest, "
			    "all or a time: %s", e.msg);
	}
	if (q->has_start && q->has_end && q->start > q->end)
		return sf_err_set(err, "parameter 'end': before start");
	return 0;
}

/*
 * Records are written straight into room reserved once a record: calling
 * sf_buf_add_json_str and sf_buf_addc byte by byte was the largest cost
 * of a small answer. The escaping is theirs and sf_buf_add_csv_field's,
 * byte for byte: JSON escapes '"', '\\' and the control bytes, CSV quotes
 * a field holding ',', '"', CR or LF and doubles its quotes.
 */

/* Writes s as a JSON string at p; returns the end. Room: 6 a byte + 2. */
static char *
put_json_str(char *p, const char *s)
{
	static const char hex[] = "0123456789abcdef";
	const unsigned char *c;

	*p++ = '"';
	for (c = (const unsigned char *)s; *c != '\0'; c++) {
		if (*c >= 0x20 && *c != '"' && *c != '\\') {
			*p++ = (char)*c;
			continue;
		}
		*p++ = '\\';
		switch (*c) {
		case '"':
		case '\\':
			*p++ = (char)*c;
			break;
		case '\n':
			*p++ = 'n';
			break;
		case '\r':
			*p++ = 'r';
			break;
		case '\t':
			*p++ = 't';
			break;
		default:
			*p++ = 'u';
			*p++ = '0';
			*p++ = '0';
			*p++ = hex[*c >> 4];
			*p++ = hex[*c & 15];
		}
	}
	*p++ = '"';
	return p;
}

/* Writes s (n bytes) as a CSV field at p; returns the end. Room: 2n + 2. */
static char *
put_csv(char *p, const char *s, size_t n)
{
	char *start = p;
	size_t i;

	for (i = 0; i < n; i++) {
		if (s[i] == ',' || s[i] == '"' || s[i] == '\r' ||
		    s[i] == '\n')
			break;
		*p++ = s[i];
	}
	if (i == n)
		return p;
	p = start;
	*p++ = '"';
	for (i = 0; i < n; i++) {
		if (s[i] == '"')
			*p++ = '"';
		*p++ = s[i];
	}
	*p++ = '"';
	return p;
}

static char *
put_raw(char *p, const char *s)
{
	size_t n = strlen(s);

	memcpy(p, s, n);
	return p + n;
}

/* A number field as a JSON number: as stored when it is one. */
static char *
put_num(char *p, const char *s)
{
	char num[SF_NUM_LEN];
	double d;

	if (sf_str_is_json_number(s))
		return put_raw(p, s);
	if (sf_str_todouble(s, &d, NULL) == 0) {
		sf_str_fmt_double(d, num);
		return put_raw(p, num);
	}
	return put_raw(p, "null");
}

/*
 * The room rec takes at most in fmt, every byte escaped, the header of
 * the first CSV row included; the fields' lengths into len.
 */
static size_t
rec_room(enum sf_serve_fmt fmt, const struct sf_kind_info *ki,
    const struct sf_rec *rec, size_t n, size_t len[SF_REC_MAXF])
{
	size_t room = 16;
	int i, keys = fmt != SF_SERVE_CSV || n == 0;

	if (keys)
		room += 6 * strlen(ki->name);
	for (i = 0; i < ki->nfields; i++) {
		len[i] = rec->f[i] != NULL ? strlen(rec->f[i]) : 0;
		room += 6 * len[i] + 8 + SF_NUM_LEN;
		if (keys)
			room += 6 * strlen(ki->fields[i]);
	}
	return room;
}

static char *
csv_rec(char *p, const struct sf_kind_info *ki, const struct sf_rec *rec,
    const size_t len[SF_REC_MAXF], size_t n)
{
	int i;

	if (n == 0) {
		for (i = 0; i < ki->nfields; i++) {
			if (i > 0)
				*p++ = ',';
			p = put_raw(p, ki->fields[i]);
		}
		*p++ = '\n';
	}
	for (i = 0; i < ki->nfields; i++) {
		if (i > 0)
			*p++ = ',';
		if (rec->f[i] != NULL)
			p = put_csv(p, rec->f[i], len[i]);
	}
	*p++ = '\n';
	return p;
}

static char *
json_rec(char *p, enum sf_serve_fmt fmt, const struct sf_kind_info *ki,
    const struct sf_rec *rec, size_t n)
{
	const char *v;
	int i;

	if (fmt == SF_SERVE_JSON)
		p = put_raw(p, n == 0 ? "[\n" : ",\n");
	p = put_raw(p, "{\"kind\":");
	p = put_json_str(p, ki->name);
	for (i = 0; i < ki->nfields; i++) {
		*p++ = ',';
		p = put_json_str(p, ki->fields[i]);
		*p++ = ':';
		v = rec->f[i];
		if (v == NULL)
			p = put_raw(p, "null");
		else if (ki->types[i] == SF_FT_NUM)
			p = put_num(p, v);
		else if (ki->types[i] == SF_FT_BOOL)
			p = put_raw(p, strcmp(v, "true") == 0 ? "true" :
			    "false");
		else
			p = put_json_str(p, v);
	}
	*p++ = '}';
	if (fmt == SF_SERVE_NDJSON)
		*p++ = '\n';
	return p;
}

int
sf_serve_encode(struct sf_buf *b, enum sf_serve_fmt fmt,
    const struct sf_rec *rec, size_t n)
{
	const struct sf_kind_info *ki = sf_kind_info(rec->kind);
	size_t len[SF_REC_MAXF];
	char *p;

	if (ki == NULL)
		return -1;
	sf_buf_grow(b, rec_room(fmt, ki, rec, n, len));
	p = b->buf + b->len;
	if (fmt == SF_SERVE_CSV)
		p = csv_rec(p, ki, rec, len, n);
	else
		p = json_rec(p, fmt, ki, rec, n);
	b->len = (size_t)(p - b->buf);
	b->buf[b->len] = '\0';
	return 0;
}

void
sf_serve_encode_end(struct sf_buf *b, enum sf_serve_fmt fmt, size_t n)
{
	if (fmt == SF_SERVE_JSON)
		sf_buf_adds(b, n == 0 ? "[]\n" : "\n]\n");
}

const char *
sf_serve_ctype(enum sf_serve_fmt fmt)
{
	switch (fmt) {
	case SF_SERVE_CSV:
		return "text/csv; charset=utf-8";
	case SF_SERVE_NDJSON:
		return "application/x-ndjson";
	default:
		return "application/json";
	}
}

void
sf_serve_error_json(struct sf_buf *b, int status, const char *msg)
{
	sf_buf_adds(b, "{\"error\":");
	sf_buf_add_json_str(b, msg);
	sf_buf_addf(b, ",\"status\":%d}\n", status);
}
