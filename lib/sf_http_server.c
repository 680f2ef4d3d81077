/*
 * sf_http_server: the endpoints of sf-serve over libmicrohttpd.
 *
 * A request is routed and checked by sf_serve (pure), then answered by a
 * handler that reads through sf_query, sf_health or sf_plot. Handlers
 * build a struct reply: a small body in memory (errors, one station,
 * configurations, health, metrics, pages, the SVG, whose size depends on
 * pixels, not data), or the read end of a pipe for record streams.
 *
 * Streams: the query runs in a thread of its own with a pooled
 * connection, encoding records into a buffer. When the whole answer fits
 * in STREAM_INLINE bytes the thread ends and the request is answered
 * from the buffer (with a status told by the query's result, so a query
 * that fails before its first record is a clean 400 or 503); past that
 * the thread writes into a pipe that the response reads, blocking when
 * the client is slow, and gives up with EPIPE when it goes away.
 *
 * ETag: a hash of the request and of the archive's file state (size and
 * change time of the database and its WAL), which every commit changes;
 * a matching If-None-Match gets 304 without reading the database. A
 * PostgreSQL archive has no file state to hash: its answers carry no
 * ETag, and every request reads the database.
 */
#include <sys/stat.h>

#include <arpa/inet.h>
#include <errno.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sf_buf.h"
#include "sf_db.h"
#include "sf_err.h"
#include "sf_health.h"
#include "sf_http_server.h"
#include "sf_mem.h"
#include "sf_pg.h"
#include "sf_plot.h"
#include "sf_rec.h"
#include "sf_serve.h"
#include "sf_stsearch.h"
#include "sf_time.h"
#include "sf.h"

#define STREAM_INLINE (64 * 1024)	/* answers up to this: one buffer */
#define STREAM_CHUNK (32 * 1024)	/* writes into the pipe */
#define MAX_STREAMS_PER_THREAD 8	/* more at once: 503 */
#define RUNS_MAX 1000			/* rows of /runs */
#define INDEX_STATIONS_MAX 2000		/* stations listed on / */
#define POOL_MAX 64			/* idle connections kept */
#define CONNECTIONS_MAX 1000		/* clients at once; no limit per
					   address: behind a proxy all share
					   one */
#define IDLE_TIMEOUT 10			/* seconds a client may be silent */
#define CONNECTION_MEMORY (64 * 1024)	/* a client's buffers: its request
					   headers, and what MHD reads from
					   a stream's pipe at once (32 KiB
					   cost 10 % more CPU on a year of
					   15-minute values) */

struct sf_http_server {
	struct MHD_Daemon *d;
	char *db;
	char *wal;		/* db's write-ahead log, for the ETag */
	int pg;			/* db is PostgreSQL's: no ETag */
	unsigned port;
	long long max_failures;
	void (*log)(void *, int, const char *);
	void *arg;
	int access_log;
	pthread_mutex_t logmu;

	pthread_mutex_t mu;	/* guards what follows */
	pthread_cond_t idle;	/* streams fell to 0 */
	struct conn *pool[POOL_MAX];
	size_t npool;
	int streams, max_streams;
};

/* The state of one request, from its first line to its completion. */
struct ctx {
	char *uri;		/* as sent */
	char method[8];
	char version[12];
	int called;		/* the access handler saw the headers */
	int status;
	long long bytes;	/* -1: streamed */
};

struct reply {
	int status;
	const char *ctype;
	const char *cache;	/* Cache-Control */
	struct sf_buf body;
	int fd;			/* >= 0: stream the pipe's read end */
	char etag[24];		/* "" when none */
};

static void
logf_(struct sf_http_server *s, int level, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void
logf_(struct sf_http_server *s, int level, const char *fmt, ...)
{
	char line[2048];
	va_list ap;

	if (s->log == NULL)
		return;
	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	pthread_mutex_lock(&s->logmu);
	s->log(s->arg, level, line);
	pthread_mutex_unlock(&s->logmu);
}

/*
 * A pooled connection with the statements sf_query keeps on it: a small
 * answer costs less to run than its statements cost to prepare.
 */
struct conn {
	struct sf_db *db;
	struct sf_query_stmts *qs;
};

static void
conn_close(struct conn *cn)
{
	if (cn == NULL)
		return;
	sf_query_stmts_free(cn->qs);	/* before the connection closes */
	sf_db_close(cn->db);
	free(cn);
}

static struct conn *
pool_get(struct sf_http_server *s, struct sf_err *err)
{
	struct conn *cn = NULL;
	struct sf_db *db;

	pthread_mutex_lock(&s->mu);
	if (s->npool > 0)
		cn = s->pool[--s->npool];
	pthread_mutex_unlock(&s->mu);
	if (cn != NULL)
		return cn;
	if ((db = sf_db_open(s->db, SF_DB_READONLY | SF_DB_PG, err)) ==
	    NULL)
		return NULL;
	cn = sf_malloc(sizeof(*cn));
	cn->db = db;
	cn->qs = sf_query_stmts_new();
	return cn;
}

/* Returns cn to the pool; a connection that failed (bad) is closed. */
static void
pool_put(struct sf_http_server *s, struct conn *cn, int bad)
{
	if (cn == NULL)
		return;
	pthread_mutex_lock(&s->mu);
	if (!bad && s->npool < POOL_MAX) {
		s->pool[s->npool++] = cn;
		cn = NULL;
	}
	pthread_mutex_unlock(&s->mu);
	conn_close(cn);
}

/* sf_query_run on cn, with its kept statements. */
static int
run(struct conn *cn, struct sf_query *q, struct sf_err *err)
{
	q->stmts = cn->qs;
	return sf_query_run(cn->db, q, err);
}

static void
reply_error(struct reply *rp, int status, const char *msg)
{
	sf_buf_reset(&rp->body);
	rp->status = status;
	rp->ctype = "application/json";
	rp->cache = "no-store";
	rp->etag[0] = '\0';
	sf_serve_error_json(&rp->body, status, msg);
}

/* The database cannot be read: 503, the details to the log only. */
static void
reply_db(struct sf_http_server *s, struct reply *rp, const char *detail)
{
	logf_(s, 1, "database: %s", detail);
	reply_error(rp, 503, "database unreadable");
}

static uint64_t
fnv(uint64_t h, const void *p, size_t n)
{
	const unsigned char *c = p;
	size_t i;

	for (i = 0; i < n; i++) {
		h ^= c[i];
		h *= 1099511628211ULL;
	}
	return h;
}

static uint64_t
fnv_stat(uint64_t h, const char *path)
{
	struct stat st;
	long long v[4] = { 0, 0, 0, 0 };

	if (stat(path, &st) == 0) {
		v[0] = (long long)st.st_size;
		v[1] = (long long)st.st_ctim.tv_sec;
		v[2] = (long long)st.st_ctim.tv_nsec;
		v[3] = (long long)st.st_ino;
	}
	return fnv(h, v, sizeof(v));
}

/*
 * The ETag of request uri in format fmt: the archive's file state and,
 * for answers that age (health states), the minute.
 */
static void
make_etag(struct sf_http_server *s, const char *uri, int fmt, int ages,
    char out[24])
{
	uint64_t h = 14695981039346656037ULL;
	int64_t now;

	h = fnv_stat(h, s->db);
	h = fnv_stat(h, s->wal);
	h = fnv(h, uri, strlen(uri));
	h = fnv(h, &fmt, sizeof(fmt));
	if (ages && sf_time_now(&now, NULL) == 0) {
		now /= 60;
		h = fnv(h, &now, sizeof(now));
	}
	snprintf(out, 24, "\"%016llx\"", (unsigned long long)h);
}

/* Whether the If-None-Match header inm holds etag (or is "*"). */
static int
etag_match(const char *inm, const char *etag)
{
	const char *p;
	size_t n = strlen(etag);

	if (inm == NULL)
		return 0;
	if (strcmp(inm, "*") == 0)
		return 1;
	for (p = inm; (p = strstr(p, etag)) != NULL; p += n)
		if ((p == inm || p[-1] == ' ' || p[-1] == ',' ||
		    p[-1] == '/') && (p[n] == '\0' || p[n] == ',' ||
		    p[n] == ' '))
			return 1;
	return 0;
}

/* --- record streams --- */

struct stream {
	struct sf_http_server *s;
	struct sf_serve_req req;
	struct sf_query q;
	const char *station[1];
	int search;		/* /stations: sf_stsearch, not q */
	struct sf_stsearch ss;
	const char *sv[SF_STS_NFILTERS];
	struct conn *cn;
	struct sf_buf buf;
	size_t n;		/* records encoded */
	int wfd;
	int inline_only;	/* stop at STREAM_INLINE: no pipe */
	int piping;		/* past STREAM_INLINE: writing the pipe */
	int broken;		/* the pipe's reader went away */
	int rc;			/* sf_query_run's result */
	struct sf_err err;

	pthread_mutex_t mu;
	pthread_cond_t cv;
	int started, done, refs;
};

static void
stream_unref(struct stream *st)
{
	int last;

	pthread_mutex_lock(&st->mu);
	last = --st->refs == 0;
	pthread_mutex_unlock(&st->mu);
	if (!last)
		return;
	pthread_mutex_destroy(&st->mu);
	pthread_cond_destroy(&st->cv);
	sf_buf_release(&st->buf);
	free(st);
}

static int
write_all(int fd, const char *p, size_t n)
{
	ssize_t w;

	while (n > 0) {
		if ((w = write(fd, p, n)) < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

/* Hands the buffer to the pipe once it is past the inline size. */
static int
stream_flush(struct stream *st, size_t at_least)
{
	if (st->buf.len < at_least)
		return 0;
	if (!st->piping) {
		pthread_mutex_lock(&st->mu);
		st->piping = st->started = 1;
		pthread_cond_signal(&st->cv);
		pthread_mutex_unlock(&st->mu);
	}
	if (write_all(st->wfd, st->buf.buf, st->buf.len) == -1) {
		st->broken = 1;
		return -1;
	}
	sf_buf_reset(&st->buf);
	return 0;
}

static int
stream_put(void *arg, const struct sf_rec *rec)
{
	struct stream *st = arg;

	if (st->broken)
		return 1;
	if (sf_serve_encode(&st->buf, st->req.fmt, rec, st->n) == -1)
		return 0;
	st->n++;
	if (st->inline_only)
		return st->buf.len >= STREAM_INLINE;
	return stream_flush(st, st->piping ? STREAM_CHUNK : STREAM_INLINE);
}

static void
stream_warn(void *arg, const char *msg)
{
	struct stream *st = arg;

	logf_(st->s, 1, "%s", msg);
}

static int
search_put(void *arg, const struct sf_rec *rec, struct sf_err *err)
{
	if (stream_put(arg, rec) != 0)
		return sf_err_set(err, "the client went away");
	return 0;
}

static void
search_bad(void *arg, const char *station, const char *msg)
{
	struct stream *st = arg;

	if (!st->broken)
		logf_(st->s, 1, "station '%s': %s", station ? station : "?",
		    msg);
}

/*
 * Sets up the question of st: /stations searches as sf-stations does
 * (sf_stsearch: one implementation of the filters), the other record
 * endpoints ask sf_query. Returns 0, or -1 with err (a bad parameter).
 */
static int
stream_setup(struct stream *st, struct sf_err *err)
{
	static const struct {
		const char *key;
		enum sf_stsearch_filter k;
	} keys[] = { { "state", SF_STS_STATE }, { "huc", SF_STS_HUC },
	    { "name", SF_STS_NAME }, { "agency", SF_STS_AGENCY } };
	const char *v;
	size_t i;

	if (sf_serve_query(&st->req, &st->q, st->station, err) == -1)
		return -1;
	st->q.put = stream_put;
	st->q.warn = stream_warn;
	st->q.arg = st;
	if (st->req.ep != SF_EP_STATIONS)
		return 0;
	st->search = 1;
	memset(&st->ss, 0, sizeof(st->ss));
	for (i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		if ((v = sf_serve_qs_get(&st->req.qs, keys[i].key)) == NULL)
			continue;
		if (keys[i].k == SF_STS_HUC && strspn(v, "0123456789") !=
		    strlen(v))
			return sf_err_set(err, "parameter 'huc': not digits");
		st->sv[keys[i].k] = v;
		st->ss.v[keys[i].k] = &st->sv[keys[i].k];
		st->ss.n[keys[i].k] = 1;
	}
	st->ss.put = search_put;
	st->ss.bad = search_bad;
	st->ss.arg = st;
	return 0;
}

/* Runs the question of st; returns sf_query_run's codes (-2: the db). */
static int
stream_run(struct stream *st)
{
	long n;

	if (!st->search)
		return run(st->cn, &st->q, &st->err);
	return sf_stsearch_run(st->cn->db, &st->ss, &n, &st->err) == -1 ?
	    -2 : 0;
}

static void *
stream_main(void *arg)
{
	struct stream *st = arg;
	struct sf_http_server *s = st->s;

	st->rc = stream_run(st);
	if (st->rc == -2)
		logf_(s, 1, "%s", st->err.msg);
	if (st->piping && !st->broken) {
		if (st->rc >= 0)
			sf_serve_encode_end(&st->buf, st->req.fmt, st->n);
		stream_flush(st, 0);
	}
	pool_put(s, st->cn, st->rc == -2);
	st->cn = NULL;
	close(st->wfd);
	pthread_mutex_lock(&st->mu);
	st->done = 1;
	pthread_cond_signal(&st->cv);
	pthread_mutex_unlock(&st->mu);
	stream_unref(st);
	pthread_mutex_lock(&s->mu);
	if (--s->streams == 0)
		pthread_cond_broadcast(&s->idle);
	pthread_mutex_unlock(&s->mu);
	return NULL;
}

/* Answers r with the records of its query, streamed when large. */
static void
reply_stream(struct sf_http_server *s, const struct sf_serve_req *r,
    struct conn *cn, struct reply *rp)
{
	struct stream *st;
	struct sf_err err;
	pthread_attr_t at;
	pthread_t tid;
	int fds[2], busy;

	pthread_mutex_lock(&s->mu);
	if ((busy = s->streams >= s->max_streams) == 0)
		s->streams++;
	pthread_mutex_unlock(&s->mu);
	if (busy) {
		pool_put(s, cn, 0);
		reply_error(rp, 503, "busy: too many answers streaming");
		return;
	}
	st = sf_calloc(1, sizeof(*st));
	st->s = s;
	st->req = *r;
	st->cn = cn;
	sf_buf_init(&st->buf);
	if (stream_setup(st, &err) == -1) {
		reply_error(rp, 400, err.msg);
		goto undo;
	}
	if (pipe(fds) == -1) {
		reply_error(rp, 503, "out of file descriptors");
		goto undo;
	}
	st->wfd = fds[1];
	st->refs = 2;
	pthread_mutex_init(&st->mu, NULL);
	pthread_cond_init(&st->cv, NULL);
	pthread_attr_init(&at);
	pthread_attr_setdetachstate(&at, PTHREAD_CREATE_DETACHED);
	if (pthread_create(&tid, &at, stream_main, st) != 0) {
		pthread_attr_destroy(&at);
		close(fds[0]);
		close(fds[1]);
		pthread_mutex_destroy(&st->mu);
		pthread_cond_destroy(&st->cv);
		reply_error(rp, 503, "out of threads");
		goto undo;
	}
	pthread_attr_destroy(&at);

	pthread_mutex_lock(&st->mu);
	while (!st->started && !st->done)
		pthread_cond_wait(&st->cv, &st->mu);
	pthread_mutex_unlock(&st->mu);
	rp->ctype = sf_serve_ctype(r->fmt);
	if (st->piping) {
		rp->status = 200;
		rp->fd = fds[0];
	} else {
		close(fds[0]);
		if (st->rc == -1)
			reply_error(rp, 400, st->err.msg);
		else if (st->rc == -2)
			reply_error(rp, 503, "database unreadable");
		else {
			sf_serve_encode_end(&st->buf, r->fmt, st->n);
			rp->status = 200;
			sf_buf_add(&rp->body, st->buf.buf, st->buf.len);
		}
	}
	stream_unref(st);
	return;
undo:
	pool_put(s, cn, 0);
	sf_buf_release(&st->buf);
	free(st);
	pthread_mutex_lock(&s->mu);
	if (--s->streams == 0)
		pthread_cond_broadcast(&s->idle);
	pthread_mutex_unlock(&s->mu);
}

/* --- queries answered in memory --- */

/* Collects the first record of a query (a station, the latest values). */
struct collect {
	struct sf_rec rec;
	char *f[SF_REC_MAXF];
	size_t n, max;
	struct sf_buf *html;	/* latest values: table rows */
};

static int
collect_put(void *arg, const struct sf_rec *rec)
{
	struct collect *c = arg;
	int i;

	if (c->html != NULL && rec->kind == SF_KIND_OBS) {
		sf_buf_adds(c->html, "<tr><td>");
		sf_buf_add_xml(c->html, rec->f[SF_OBS_TYPE]);
		sf_buf_adds(c->html, "</td><td>");
		sf_buf_add_xml(c->html, rec->f[SF_OBS_OBSERVED_AT]);
		sf_buf_adds(c->html, "</td><td class=\"num\">");
		sf_buf_add_xml(c->html, rec->f[SF_OBS_DISCHARGE] ?
		    rec->f[SF_OBS_DISCHARGE] : "-");
		sf_buf_adds(c->html, " ");
		sf_buf_add_xml(c->html, rec->f[SF_OBS_UNIT]);
		sf_buf_adds(c->html, "</td><td>");
		sf_buf_add_xml(c->html, rec->f[SF_OBS_QUALITY_CODE]);
		sf_buf_adds(c->html, "</td></tr>\n");
	}
	if (c->n++ == 0) {
		c->rec.kind = rec->kind;
		for (i = 0; i < SF_REC_MAXF; i++) {
			c->f[i] = rec->f[i] ? sf_strdup(rec->f[i]) : NULL;
			c->rec.f[i] = c->f[i];
		}
	}
	return c->max > 0 && c->n >= c->max;
}

static void
collect_release(struct collect *c)
{
	int i;

	if (c->n == 0)
		return;
	for (i = 0; i < SF_REC_MAXF; i++)
		free(c->f[i]);
}

/* Runs q into c; returns sf_query_run's result. */
static int
collect_run(struct conn *cn, struct sf_query *q, struct collect *c,
    struct sf_err *err)
{
	q->put = collect_put;
	q->arg = c;
	return run(cn, q, err);
}

/*
 * Whether the archive knows station id: a station record, or values.
 * Returns 1, 0, or -1 with err (the database).
 */
static int
station_known(struct conn *cn, const char *id, struct collect *c,
    struct sf_err *err)
{
	struct sf_query q;
	const char *v[1] = { id };
	int rc;

	memset(&q, 0, sizeof(q));
	memset(c, 0, sizeof(*c));
	q.what = SF_QUERY_STATION;
	q.stations = v;
	q.nstations = 1;
	c->max = 1;
	if ((rc = collect_run(cn, &q, c, err)) < 0)
		return -1;
	if (c->n > 0)
		return 1;
	q.what = SF_QUERY_LATEST;
	if ((rc = collect_run(cn, &q, c, err)) < 0)
		return -1;
	collect_release(c);
	c->n = 0;
	return rc == 1;
}

/*
 * Answers r from a buffer when the whole answer fits in STREAM_INLINE,
 * running the query in this thread: no thread, no pipe, for the common
 * small answer. Returns 1 when it answered (or failed: rp says how), 0
 * when the answer is larger, to be streamed.
 */
static int
reply_inline(struct sf_http_server *s, const struct sf_serve_req *r,
    struct conn *cn, struct reply *rp)
{
	struct stream *st;
	struct sf_err err;
	int rc, done = 1;

	st = sf_calloc(1, sizeof(*st));
	st->s = s;
	st->req = *r;
	st->inline_only = 1;
	sf_buf_init(&st->buf);
	if (sf_serve_query(&st->req, &st->q, st->station, &err) == -1) {
		reply_error(rp, 400, err.msg);
		goto out;
	}
	st->q.put = stream_put;
	st->q.warn = stream_warn;
	st->q.arg = st;
	rc = run(cn, &st->q, &st->err);
	if (rc == 1) {
		done = 0;
		goto out;
	}
	if (rc == -1) {
		reply_error(rp, 400, st->err.msg);
		goto out;
	}
	if (rc == -2) {
		reply_db(s, rp, st->err.msg);
		goto out;
	}
	if (st->n == 0 && r->ep != SF_EP_STATIONS) {
		/* nothing: an unknown station, or none in the range */
		struct collect k;
		int known = station_known(cn, r->id, &k, &err);

		collect_release(&k);
		if (known == -1) {
			reply_db(s, rp, err.msg);
			goto out;
		}
		if (known == 0) {
			reply_error(rp, 404, "station: not in the archive");
			goto out;
		}
	}
	sf_serve_encode_end(&st->buf, r->fmt, st->n);
	rp->status = 200;
	rp->ctype = sf_serve_ctype(r->fmt);
	sf_buf_release(&rp->body);
	rp->body = st->buf;	/* handed over, not copied */
	sf_buf_init(&st->buf);
out:
	sf_buf_release(&st->buf);
	free(st);
	return done;
}

static void
reply_station(struct sf_http_server *s, const struct sf_serve_req *r,
    struct conn *cn, struct reply *rp)
{
	struct collect c;
	struct sf_err err;
	int k;

	if ((k = station_known(cn, r->id, &c, &err)) == -1) {
		reply_db(s, rp, err.msg);
		return;
	}
	if (k == 0 || c.n == 0) {
		reply_error(rp, 404, "station: not in the archive");
		collect_release(&c);
		return;
	}
	rp->status = 200;
	rp->ctype = sf_serve_ctype(r->fmt);
	sf_serve_encode(&rp->body, r->fmt == SF_SERVE_JSON ?
	    SF_SERVE_NDJSON : r->fmt, &c.rec, 0);
	collect_release(&c);
}

/* --- hydrograph --- */

struct plot_in {
	struct sf_plot *p;
	long long points;	/* obs and forecast points added */
};

static int
plot_put(void *arg, const struct sf_rec *rec)
{
	struct plot_in *in = arg;

	/* a point with a discharge makes sf_plot keep its station */
	if (sf_plot_add(in->p, rec, NULL) == 0 &&
	    ((rec->kind == SF_KIND_OBS && rec->f[SF_OBS_DISCHARGE] != NULL) ||
	    (rec->kind == SF_KIND_FORECAST &&
	    rec->f[SF_FC_DISCHARGE] != NULL)))
		in->points++;
	return 0;
}

static int
svg_write(void *arg, const char *p, size_t n)
{
	sf_buf_add(arg, p, n);
	return 0;
}

static void
reply_svg(struct sf_http_server *s, const struct sf_serve_req *r,
    struct conn *cn, struct reply *rp)
{
	struct sf_plot_opts po;
	struct plot_in in;
	struct sf_plot *p;
	struct sf_query q;
	struct sf_err err;
	const char *station[1], *fc;
	int rc;

	memset(&po, 0, sizeof(po));
	po.station = r->id;
	if (sf_time_now(&po.now, NULL) == 0)
		po.has_now = 1;
	if ((fc = sf_serve_qs_get(&r->qs, "forecast")) != NULL &&
	    strcmp(fc, "0") != 0 && strcmp(fc, "1") != 0 &&
	    strcmp(fc, "true") != 0 && strcmp(fc, "false") != 0) {
		reply_error(rp, 400, "parameter 'forecast': not 0, 1, true "
		    "or false");
		return;
	}
	if (sf_serve_query(r, &q, station, &err) == -1) {
		reply_error(rp, 400, err.msg);
		return;
	}
	p = sf_plot_new(&po);
	in.p = p;
	in.points = 0;
	q.put = plot_put;
	q.arg = &in;
	q.what = SF_QUERY_STATION;	/* its name, for the title */
	rc = run(cn, &q, &err);
	q.what = SF_QUERY_OBS;
	if (rc >= 0)
		rc = run(cn, &q, &err);
	if (rc >= 0 && fc != NULL && (fc[0] == '1' || fc[0] == 't')) {
		q.what = SF_QUERY_FORECAST;
		q.type = NULL;
		q.run = SF_QUERY_RUN_LATEST;
		rc = run(cn, &q, &err);
	}
	if (rc == -1)
		reply_error(rp, 400, err.msg);
	else if (rc < 0)
		reply_db(s, rp, err.msg);
	else if (in.points == 0 || sf_plot_count(p) == 0)
		reply_error(rp, 404, "station: no values to draw");
	else if (sf_plot_svg(p, 0, svg_write, &rp->body, &err) == -1)
		reply_error(rp, 500, "drawing the hydrograph");
	else {
		rp->status = 200;
		rp->ctype = "image/svg+xml";
	}
	sf_plot_free(p);
}

/* --- configurations, health, metrics --- */

static void
json_time(struct sf_buf *b, const char *key, int64_t t)
{
	char ts[SF_TIME_LEN];

	sf_buf_addf(b, ",\"%s\":", key);
	if (t < 0)
		sf_buf_adds(b, "null");
	else {
		sf_time_format(t, ts);
		sf_buf_add_json_str(b, ts);
	}
}

static void
json_str(struct sf_buf *b, const char *key, const char *v)
{
	sf_buf_addf(b, ",\"%s\":", key);
	if (v == NULL)
		sf_buf_adds(b, "null");
	else
		sf_buf_add_json_str(b, v);
}

/* The worst state of h's stations (ok when it has none). */
static enum sf_health_state
worst(const struct sf_health *h)
{
	enum sf_health_state w = SF_HEALTH_OK;
	size_t i;

	for (i = 0; i < h->nst; i++)
		if (h->st[i].state > w && h->st[i].state !=
		    SF_HEALTH_DISABLED)
			w = h->st[i].state;
	return w;
}

static void
config_json(struct sf_buf *b, const struct sf_health *h, int stations)
{
	size_t i;

	sf_buf_adds(b, "{\"name\":");
	sf_buf_add_json_str(b, h->config);
	json_str(b, "type", h->type);
	json_str(b, "schedule", h->schedule);
	sf_buf_addf(b, ",\"enabled\":%s", h->enabled ? "true" : "false");
	json_str(b, "state", sf_health_state_name(worst(h)));
	if (!stations) {
		sf_buf_addf(b, ",\"stations\":%zu}", h->nst);
		return;
	}
	json_time(b, "due", h->due);
	sf_buf_adds(b, ",\"stations\":[");
	for (i = 0; i < h->nst; i++) {
		const struct sf_health_station *t = &h->st[i];

		sf_buf_adds(b, i ? ",\n{\"station\":" : "\n{\"station\":");
		sf_buf_add_json_str(b, t->station);
		sf_buf_addf(b, ",\"enabled\":%s", t->enabled ? "true" :
		    "false");
		json_str(b, "state", sf_health_state_name(t->state));
		json_time(b, "last_success", t->last_success);
		json_time(b, "last_attempt", t->last_attempt);
		sf_buf_addf(b, ",\"consecutive_failures\":%lld", t->failures);
		json_str(b, "last_error", t->last_error);
		json_time(b, "last_error_at", t->last_error_at);
		sf_buf_addf(b, ",\"breaker\":\"%s\",\"stale\":%s",
		    t->breaker_open ? "open" : "closed", t->stale ? "true" :
		    "false");
		json_time(b, "newest", t->newest);
		sf_buf_addf(b, ",\"rows\":%lld}", t->rows);
	}
	sf_buf_adds(b, "]}");
}

/*
 * Fills *hs with the health of every configuration; returns their
 * number, or -1 with err. The caller releases each and frees *hs.
 */
static long
health_all(struct sf_http_server *s, struct sf_db *db,
    struct sf_health **hs, struct sf_err *err)
{
	struct sf_health_opts o;
	char **names = NULL;
	size_t i, n = 0, got = 0;
	int rc = 0;

	*hs = NULL;
	o.max_failures = s->max_failures;
	if (sf_time_now(&o.now, err) == -1)
		return -1;
	if (sf_health_names(db, &names, &n, err) == -1)
		return -1;
	*hs = sf_calloc(n ? n : 1, sizeof(**hs));
	for (i = 0; i < n; i++) {
		rc = sf_health_get(db, names[i], &o, &(*hs)[got], err);
		if (rc == 0)
			got++;
		else
			sf_health_release(&(*hs)[got]);
		free(names[i]);
		if (rc == -1) {
			while (++i < n)
				free(names[i]);
			break;
		}
	}
	free(names);
	if (rc == -1) {
		while (got > 0)
			sf_health_release(&(*hs)[--got]);
		free(*hs);
		*hs = NULL;
		return -1;
	}
	return (long)got;
}

static void
health_free(struct sf_health *hs, long n)
{
	while (n > 0)
		sf_health_release(&hs[--n]);
	free(hs);
}

static void
reply_configs(struct sf_http_server *s, const struct sf_serve_req *r,
    struct conn *cn, struct reply *rp)
{
	struct sf_health_opts o;
	struct sf_health h, *hs;
	struct sf_err err;
	long i, n;
	int rc;

	rp->ctype = "application/json";
	if (r->ep == SF_EP_CONFIG) {
		o.max_failures = s->max_failures;
		if (sf_time_now(&o.now, &err) == -1) {
			reply_error(rp, 500, err.msg);
			return;
		}
		rc = sf_health_get(cn->db, r->id, &o, &h, &err);
		if (rc == 1)
			reply_error(rp, 404, "configuration: not defined");
		else if (rc == -1)
			reply_db(s, rp, err.msg);
		else {
			rp->status = 200;
			config_json(&rp->body, &h, 1);
			sf_buf_addc(&rp->body, '\n');
		}
		sf_health_release(&h);
		return;
	}
	if ((n = health_all(s, cn->db, &hs, &err)) < 0) {
		reply_db(s, rp, err.msg);
		return;
	}
	rp->status = 200;
	sf_buf_adds(&rp->body, "[");
	for (i = 0; i < n; i++) {
		sf_buf_adds(&rp->body, i ? ",\n" : "\n");
		config_json(&rp->body, &hs[i], 0);
	}
	sf_buf_adds(&rp->body, n ? "\n]\n" : "]\n");
	health_free(hs, n);
}

struct runs_out {
	struct sf_buf *b;
	size_t n;
};

static void
json_ll(struct sf_buf *b, const char *key, long long v)
{
	if (v < 0)
		sf_buf_addf(b, ",\"%s\":null", key);
	else
		sf_buf_addf(b, ",\"%s\":%lld", key, v);
}

static int
runs_put(void *arg, const struct sf_health_run *r)
{
	struct runs_out *o = arg;

	sf_buf_adds(o->b, o->n++ ? ",\n{\"config\":" : "\n{\"config\":");
	sf_buf_add_json_str(o->b, r->config ? r->config : "");
	json_str(o->b, "status", r->status);
	json_str(o->b, "start", r->start);
	json_str(o->b, "end", r->end);
	json_str(o->b, "station", r->station);
	json_str(o->b, "error", r->error);
	json_ll(o->b, "records", r->records);
	json_ll(o->b, "inserted", r->inserted);
	json_ll(o->b, "updated", r->updated);
	json_ll(o->b, "unchanged", r->unchanged);
	json_ll(o->b, "rejected", r->rejected);
	sf_buf_addc(o->b, '}');
	return 0;
}

static void
reply_runs(struct sf_http_server *s, const struct sf_serve_req *r,
    struct conn *cn, struct reply *rp)
{
	struct runs_out o = { &rp->body, 0 };
	const char *since, *conf;
	struct sf_err err, e;
	int64_t t = 0;

	since = sf_serve_qs_get(&r->qs, "since");
	conf = sf_serve_qs_get(&r->qs, "config");
	if (since != NULL && sf_time_parse(since, &t, &e) == -1) {
		sf_err_set(&err, "parameter 'since': %.400s", e.msg);
		reply_error(rp, 400, err.msg);
		return;
	}
	if (conf != NULL && !sf_serve_valid_config(conf)) {
		reply_error(rp, 400, "parameter 'config': not a "
		    "configuration name");
		return;
	}
	sf_buf_adds(&rp->body, "[");
	if (sf_health_runs(cn->db, conf, t, since != NULL, RUNS_MAX, runs_put,
	    &o, &err) == -1) {
		reply_db(s, rp, err.msg);
		return;
	}
	sf_buf_adds(&rp->body, o.n ? "\n]\n" : "]\n");
	rp->status = 200;
	rp->ctype = "application/json";
}

static void
reply_health(struct sf_http_server *s, struct conn *cn, struct reply *rp)
{
	struct sf_health *hs;
	struct sf_buf msg = SF_BUF_INIT;
	struct sf_err err;
	long i, n;
	size_t j, nprob = 0, nst = 0;

	if ((n = health_all(s, cn->db, &hs, &err)) < 0) {
		reply_db(s, rp, err.msg);
		return;
	}
	sf_buf_adds(&rp->body, "{\"problems\":[");
	for (i = 0; i < n; i++) {
		const struct sf_health *h = &hs[i];

		nst += h->nst;
		if (h->bad_schedule) {
			sf_buf_reset(&msg);
			sf_buf_addf(&msg, "configuration '%s': %s", h->config,
			    h->sched_err.msg);
			sf_buf_adds(&rp->body, nprob++ ? ",\n" : "\n");
			sf_buf_add_json_str(&rp->body, msg.buf);
		}
		for (j = 0; j < h->nst; j++) {
			const struct sf_health_station *t = &h->st[j];

			if (t->state != SF_HEALTH_BROKEN &&
			    t->state != SF_HEALTH_STALE)
				continue;
			sf_buf_reset(&msg);
			sf_buf_addf(&msg, "configuration '%s' station '%s': "
			    "%s", h->config, t->station, t->state ==
			    SF_HEALTH_BROKEN ? "circuit breaker open" :
			    "stale");
			sf_buf_adds(&rp->body, nprob++ ? ",\n" : "\n");
			sf_buf_add_json_str(&rp->body, msg.buf);
		}
	}
	sf_buf_addf(&rp->body, "%s],\"configs\":%ld,\"stations\":%zu,"
	    "\"status\":\"%s\"}\n", nprob ? "\n" : "", n, nst,
	    nprob ? "failing" : "ok");
	rp->status = nprob ? 503 : 200;
	rp->ctype = "application/json";
	sf_buf_release(&msg);
	health_free(hs, n);
}

/* Appends a label value, escaped as the exposition format wants. */
static void
prom_label(struct sf_buf *b, const char *v)
{
	for (; v != NULL && *v != '\0'; v++) {
		if (*v == '\\' || *v == '"')
			sf_buf_addc(b, '\\');
		if (*v == '\n')
			sf_buf_adds(b, "\\n");
		else
			sf_buf_addc(b, *v);
	}
}

enum { M_SUCCESS_AGE, M_FAILURES, M_BREAKER, M_NEWEST_AGE, M_ROWS,
	M_STALE, M_NSTATION };

static const char *const station_metrics[M_NSTATION][2] = {
	{ "sf_station_last_success_age_seconds",
	  "Seconds since the station's last success (absent: none)." },
	{ "sf_station_consecutive_failures",
	  "Consecutive failed pulls of the station." },
	{ "sf_station_breaker_open",
	  "1 when the station's circuit breaker is open." },
	{ "sf_station_newest_age_seconds",
	  "Seconds since the newest value of the station (absent: none)." },
	{ "sf_station_rows",
	  "Observations (forecast runs) of the station in the archive." },
	{ "sf_station_stale",
	  "1 when the station had no success within three intervals." }
};

/* The newest configuration row of data_pull_logs: its figures. */
struct run_metric {
	long long v[6];		/* duration, records ... rejected; -1 */
	int found;
};

static const char *const run_metrics[6][2] = {
	{ "sf_run_duration_seconds",
	  "Duration of the configuration's last sf-load run." },
	{ "sf_run_records", "Records processed by the last run." },
	{ "sf_run_inserted", "Values inserted by the last run." },
	{ "sf_run_updated", "Values revised by the last run." },
	{ "sf_run_unchanged", "Values unchanged in the last run." },
	{ "sf_run_rejected", "Records rejected by the last run." }
};

static int
run_put(void *arg, const struct sf_health_run *r)
{
	struct run_metric *m = arg;
	int64_t a, e;

	if (r->station != NULL)
		return 0;
	m->found = 1;
	m->v[0] = -1;
	if (r->start != NULL && r->end != NULL &&
	    sf_time_parse(r->start, &a, NULL) == 0 &&
	    sf_time_parse(r->end, &e, NULL) == 0)
		m->v[0] = e - a;
	m->v[1] = r->records;
	m->v[2] = r->inserted;
	m->v[3] = r->updated;
	m->v[4] = r->unchanged;
	m->v[5] = r->rejected;
	return 1;
}

static void
reply_metrics(struct sf_http_server *s, struct conn *cn, struct reply *rp)
{
	struct sf_health *hs;
	struct run_metric *rm;
	struct sf_err err;
	struct sf_buf *b = &rp->body;
	int64_t now;
	long i, n;
	size_t j;
	int m;

	if (sf_time_now(&now, &err) == -1 ||
	    (n = health_all(s, cn->db, &hs, &err)) < 0) {
		reply_db(s, rp, err.msg);
		return;
	}
	for (m = 0; m < M_NSTATION; m++) {
		sf_buf_addf(b, "# HELP %s %s\n# TYPE %s gauge\n",
		    station_metrics[m][0], station_metrics[m][1],
		    station_metrics[m][0]);
		for (i = 0; i < n; i++)
			for (j = 0; j < hs[i].nst; j++) {
				const struct sf_health_station *t =
				    &hs[i].st[j];
				long long v;

				switch (m) {
				case M_SUCCESS_AGE:
					if (t->last_success < 0)
						continue;
					v = now - t->last_success;
					break;
				case M_FAILURES:
					v = t->failures;
					break;
				case M_BREAKER:
					v = t->breaker_open;
					break;
				case M_NEWEST_AGE:
					if (t->newest < 0)
						continue;
					v = now - t->newest;
					break;
				case M_ROWS:
					v = t->rows;
					break;
				default:
					v = t->stale;
				}
				sf_buf_addf(b, "%s{config=\"",
				    station_metrics[m][0]);
				prom_label(b, hs[i].config);
				sf_buf_adds(b, "\",station=\"");
				prom_label(b, t->station);
				sf_buf_addf(b, "\"} %lld\n", v);
			}
	}
	rm = sf_calloc(n ? (size_t)n : 1, sizeof(*rm));
	for (i = 0; i < n; i++)
		if (sf_health_runs(cn->db, hs[i].config, 0, 0, 100, run_put,
		    &rm[i], &err) == -1) {
			free(rm);
			health_free(hs, n);
			sf_buf_reset(b);
			reply_db(s, rp, err.msg);
			return;
		}
	for (m = 0; m < 6; m++) {
		sf_buf_addf(b, "# HELP %s %s\n# TYPE %s gauge\n",
		    run_metrics[m][0], run_metrics[m][1], run_metrics[m][0]);
		for (i = 0; i < n; i++) {
			if (!rm[i].found || rm[i].v[m] < 0)
				continue;
			sf_buf_addf(b, "%s{config=\"", run_metrics[m][0]);
			prom_label(b, hs[i].config);
			sf_buf_addf(b, "\"} %lld\n", rm[i].v[m]);
		}
	}
	free(rm);
	health_free(hs, n);
	rp->status = 200;
	rp->ctype = "text/plain; version=0.0.4; charset=utf-8";
}

/* --- pages --- */

static const char page_head[] =
    "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n"
    "<title>%s</title>\n<style>\n"
    "body{font-family:sans-serif;margin:1.5em;color:#222;background:#fff}\n"
    "table{border-collapse:collapse;margin:0.5em 0 1.5em}\n"
    "td,th{border:1px solid #bbb;padding:0.25em 0.6em;text-align:left}\n"
    "th{background:#e8eef5}.num{text-align:right}\n"
    ".ok{background:#d8f0d8}.never{background:#eee}"
    ".failing{background:#fbe9c0}.stale{background:#f8d0a0}"
    ".broken{background:#f4b0b0}.disabled{color:#888}\n"
    "</style></head><body>\n";

struct index_list {
	struct sf_buf *b;
	int n;
};

static int
index_put(void *arg, const struct sf_rec *rec)
{
	struct index_list *il = arg;
	struct sf_buf *b = il->b;

	if (il->n++ >= INDEX_STATIONS_MAX)
		return 1;
	sf_buf_adds(b, "<tr><td><a href=\"/stations/");
	sf_buf_add_xml(b, rec->f[SF_ST_STATION]);
	sf_buf_adds(b, ".html\">");
	sf_buf_add_xml(b, rec->f[SF_ST_STATION]);
	sf_buf_adds(b, "</a></td><td>");
	sf_buf_add_xml(b, rec->f[SF_ST_AGENCY]);
	sf_buf_adds(b, "</td><td>");
	sf_buf_add_xml(b, rec->f[SF_ST_NAME]);
	sf_buf_adds(b, "</td><td>");
	sf_buf_add_xml(b, rec->f[SF_ST_STATE]);
	sf_buf_adds(b, "</td></tr>\n");
	return 0;
}

static void
reply_index(struct sf_http_server *s, struct conn *cn, struct reply *rp)
{
	struct sf_health *hs;
	struct sf_query q;
	struct index_list il;
	struct sf_err err;
	struct sf_buf *b = &rp->body;
	long i, n;
	size_t j;

	if ((n = health_all(s, cn->db, &hs, &err)) < 0) {
		reply_db(s, rp, err.msg);
		return;
	}
	sf_buf_addf(b, page_head, "sf: the archive");
	sf_buf_adds(b, "<h1>sf archive</h1>\n<h2>Configurations</h2>\n");
	for (i = 0; i < n; i++) {
		const struct sf_health *h = &hs[i];

		sf_buf_adds(b, "<h3>");
		sf_buf_add_xml(b, h->config);
		sf_buf_adds(b, "</h3>\n<p>");
		sf_buf_add_xml(b, h->type);
		sf_buf_adds(b, h->schedule ? ", schedule " : ", manual");
		sf_buf_add_xml(b, h->schedule);
		sf_buf_adds(b, h->enabled ? "" : ", disabled");
		sf_buf_adds(b, "</p>\n<table><tr><th>station</th><th>state"
		    "</th><th>failures</th><th>rows</th></tr>\n");
		for (j = 0; j < h->nst; j++) {
			const struct sf_health_station *t = &h->st[j];
			const char *sn = sf_health_state_name(t->state);

			sf_buf_addf(b, "<tr class=\"%s\"><td><a href=\""
			    "/stations/", sn);
			sf_buf_add_xml(b, t->station);
			sf_buf_adds(b, ".html\">");
			sf_buf_add_xml(b, t->station);
			sf_buf_addf(b, "</a></td><td>%s</td><td class=\"num\">"
			    "%lld</td><td class=\"num\">%lld</td></tr>\n", sn,
			    t->failures, t->rows);
		}
		sf_buf_adds(b, "</table>\n");
	}
	if (n == 0)
		sf_buf_adds(b, "<p>None defined (see sf-config).</p>\n");
	health_free(hs, n);

	/* the stations, straight into the page */
	sf_buf_adds(b, "<h2>Stations</h2>\n<table><tr><th>station</th>"
	    "<th>agency</th><th>name</th><th>state</th></tr>\n");
	memset(&q, 0, sizeof(q));
	memset(&il, 0, sizeof(il));
	il.b = b;
	q.what = SF_QUERY_STATION;
	q.put = index_put;
	q.arg = &il;
	if (run(cn, &q, &err) < 0) {
		sf_buf_reset(b);
		reply_db(s, rp, err.msg);
		return;
	}
	sf_buf_adds(b, "</table>\n");
	if (il.n >= INDEX_STATIONS_MAX)
		sf_buf_addf(b, "<p>The first %d; all at <a href=\"/stations"
		    "\">/stations</a>.</p>\n", INDEX_STATIONS_MAX);
	sf_buf_adds(b, "<p><a href=\"/health\">health</a> "
	    "<a href=\"/metrics\">metrics</a> <a href=\"/runs\">runs</a>"
	    "</p>\n</body></html>\n");
	rp->status = 200;
	rp->ctype = "text/html; charset=utf-8";
}

static void
reply_station_html(struct sf_http_server *s, const struct sf_serve_req *r,
    struct conn *cn, struct reply *rp)
{
	struct sf_buf rows = SF_BUF_INIT;
	struct collect c, l;
	struct sf_query q;
	struct sf_err err;
	const char *v[1] = { r->id };
	int k;

	if ((k = station_known(cn, r->id, &c, &err)) == -1) {
		reply_db(s, rp, err.msg);
		return;
	}
	if (k == 0) {
		reply_error(rp, 404, "station: not in the archive");
		return;
	}
	memset(&q, 0, sizeof(q));
	memset(&l, 0, sizeof(l));
	q.what = SF_QUERY_LATEST;
	q.stations = v;
	q.nstations = 1;
	l.html = &rows;
	if (collect_run(cn, &q, &l, &err) < 0) {
		collect_release(&c);
		sf_buf_release(&rows);
		reply_db(s, rp, err.msg);
		return;
	}
	collect_release(&l);
	sf_buf_addf(&rp->body, page_head, r->id);
	sf_buf_addf(&rp->body, "<p><a href=\"/\">sf archive</a></p>\n"
	    "<h1>%s ", r->id);
	if (c.n > 0) {
		sf_buf_add_xml(&rp->body, c.rec.f[SF_ST_NAME]);
		sf_buf_adds(&rp->body, "</h1>\n<p>");
		sf_buf_add_xml(&rp->body, c.rec.f[SF_ST_AGENCY]);
		sf_buf_adds(&rp->body, ", ");
		sf_buf_add_xml(&rp->body, c.rec.f[SF_ST_STATE]);
		sf_buf_adds(&rp->body, ", latitude ");
		sf_buf_add_xml(&rp->body, c.rec.f[SF_ST_LATITUDE]);
		sf_buf_adds(&rp->body, ", longitude ");
		sf_buf_add_xml(&rp->body, c.rec.f[SF_ST_LONGITUDE]);
		sf_buf_adds(&rp->body, "</p>\n");
	} else
		sf_buf_adds(&rp->body, "</h1>\n");
	sf_buf_addf(&rp->body, "<p><img src=\"/stations/%s/hydrograph.svg"
	    "?forecast=1\" width=\"1000\" height=\"500\" alt=\"hydrograph "
	    "of %s\"></p>\n<h2>Latest values</h2>\n<table><tr><th>type</th>"
	    "<th>observed at</th><th>discharge</th><th>quality</th></tr>\n",
	    r->id, r->id);
	sf_buf_add(&rp->body, rows.buf, rows.len);
	sf_buf_addf(&rp->body, "</table>\n<p>Records: <a href=\"/stations/"
	    "%s/observations\">JSON</a>, <a href=\"/stations/%s/"
	    "observations?format=csv\">CSV</a></p>\n</body></html>\n",
	    r->id, r->id);
	collect_release(&c);
	sf_buf_release(&rows);
	rp->status = 200;
	rp->ctype = "text/html; charset=utf-8";
}

/* --- the request --- */

static int
is_data(enum sf_serve_ep ep)
{
	return ep != SF_EP_HEALTH && ep != SF_EP_METRICS;
}

static void
handle(struct sf_http_server *s, struct MHD_Connection *con,
    struct ctx *c, struct reply *rp)
{
	struct sf_serve_req *r;
	struct conn *cn;
	struct sf_err err;
	int st, ages;

	r = sf_malloc(sizeof(*r));
	st = sf_serve_route(c->method, c->uri ? c->uri : "",
	    MHD_lookup_connection_value(con, MHD_HEADER_KIND,
	    MHD_HTTP_HEADER_ACCEPT), r, &err);
	if (st != 0) {
		reply_error(rp, st, err.msg);
		free(r);
		return;
	}
	rp->cache = "no-cache";
	if (is_data(r->ep) && !s->pg) {
		/* states and the "now" marker change with the clock */
		ages = r->ep == SF_EP_CONFIGS || r->ep == SF_EP_CONFIG ||
		    r->ep == SF_EP_INDEX || r->ep == SF_EP_SVG ||
		    r->ep == SF_EP_STATION_HTML;
		make_etag(s, c->uri, r->fmt, ages, rp->etag);
		if (etag_match(MHD_lookup_connection_value(con,
		    MHD_HEADER_KIND, MHD_HTTP_HEADER_IF_NONE_MATCH),
		    rp->etag)) {
			rp->status = 304;
			free(r);
			return;
		}
	} else if (!is_data(r->ep))
		rp->cache = "no-store";
	if ((cn = pool_get(s, &err)) == NULL) {
		reply_db(s, rp, err.msg);
		free(r);
		return;
	}
	switch (r->ep) {
	case SF_EP_OBS:
	case SF_EP_FORECASTS:
		/* small answers here; large ones again, streamed */
		if (reply_inline(s, r, cn, rp))
			break;
		/* FALLTHROUGH */
	case SF_EP_STATIONS:	/* a search runs once: streamed */
		reply_stream(s, r, cn, rp);
		cn = NULL;	/* the stream returned it */
		break;
	case SF_EP_STATION:
		reply_station(s, r, cn, rp);
		break;
	case SF_EP_STATION_HTML:
		reply_station_html(s, r, cn, rp);
		break;
	case SF_EP_SVG:
		reply_svg(s, r, cn, rp);
		break;
	case SF_EP_CONFIGS:
	case SF_EP_CONFIG:
		reply_configs(s, r, cn, rp);
		break;
	case SF_EP_RUNS:
		reply_runs(s, r, cn, rp);
		break;
	case SF_EP_HEALTH:
		reply_health(s, cn, rp);
		break;
	case SF_EP_METRICS:
		reply_metrics(s, cn, rp);
		break;
	case SF_EP_INDEX:
		reply_index(s, cn, rp);
		break;
	}
	pool_put(s, cn, rp->status == 503);
	if (rp->status != 200)
		rp->etag[0] = '\0';
	free(r);
}

static enum MHD_Result
on_request(void *cls, struct MHD_Connection *con, const char *url,
    const char *method, const char *version, const char *upload_data,
    size_t *upload_data_size, void **req_cls)
{
	struct sf_http_server *s = cls;
	struct ctx *c = *req_cls;
	struct MHD_Response *res;
	struct reply rp;
	enum MHD_Result ret;

	if (c == NULL)	/* the URI log callback always sets it */
		return MHD_NO;
	/*
	 * A GET is answered on the second call, once the request is whole:
	 * a response queued on the first call closes the connection. Other
	 * methods get their 405 at once, without reading a body.
	 */
	if (!c->called && (strcmp(method, "GET") == 0 ||
	    strcmp(method, "HEAD") == 0)) {
		c->called = 1;
		return MHD_YES;
	}
	if (*upload_data_size > 0) {
		*upload_data_size = 0;	/* a body on a GET: ignored */
		return MHD_YES;
	}
	snprintf(c->method, sizeof(c->method), "%s", method);
	snprintf(c->version, sizeof(c->version), "%s", version);
	memset(&rp, 0, sizeof(rp));
	sf_buf_init(&rp.body);
	rp.fd = -1;
	handle(s, con, c, &rp);
	if (rp.fd >= 0) {
		res = MHD_create_response_from_pipe(rp.fd);
		c->bytes = -1;
		sf_buf_release(&rp.body);
	} else {
		/* the body is handed over: MHD frees it */
		size_t len = rp.body.len;
		char *body = sf_buf_detach(&rp.body);

		c->bytes = (long long)len;
		res = MHD_create_response_from_buffer(len, body,
		    MHD_RESPMEM_MUST_FREE);
		if (res == NULL)
			free(body);
	}
	if (res == NULL) {
		if (rp.fd >= 0)
			close(rp.fd);
		return MHD_NO;
	}
	if (rp.status != 304 && rp.ctype != NULL)
		MHD_add_response_header(res, MHD_HTTP_HEADER_CONTENT_TYPE,
		    rp.ctype);
	if (rp.cache != NULL)
		MHD_add_response_header(res, MHD_HTTP_HEADER_CACHE_CONTROL,
		    rp.cache);
	if (rp.etag[0] != '\0')
		MHD_add_response_header(res, MHD_HTTP_HEADER_ETAG, rp.etag);
	MHD_add_response_header(res, "X-Content-Type-Options", "nosniff");
	if (rp.status == 405)
		MHD_add_response_header(res, MHD_HTTP_HEADER_ALLOW,
		    "GET, HEAD");
	c->status = rp.status;
	ret = MHD_queue_response(con, (unsigned)rp.status, res);
	MHD_destroy_response(res);
	(void)url;
	(void)version;
	(void)upload_data;
	(void)upload_data_size;
	return ret;
}

static void *
on_uri(void *cls, const char *uri, struct MHD_Connection *con)
{
	struct ctx *c = sf_calloc(1, sizeof(*c));

	(void)cls;
	(void)con;
	c->uri = sf_strdup(uri);
	snprintf(c->method, sizeof(c->method), "-");
	return c;
}

static const char *const months[] = { "Jan", "Feb", "Mar", "Apr", "May",
	"Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec" };

/* Logs the request in common log format and frees its state. */
static void
on_completed(void *cls, struct MHD_Connection *con, void **req_cls,
    enum MHD_RequestTerminationCode toe)
{
	struct sf_http_server *s = cls;
	struct ctx *c = *req_cls;
	const union MHD_ConnectionInfo *ci;
	struct sf_civil cv;
	char host[INET6_ADDRSTRLEN] = "-", bytes[32] = "-", status[16] = "-";
	struct sf_buf uri = SF_BUF_INIT;
	const char *p;
	int64_t now = 0;

	if (c == NULL)
		return;
	if (!s->access_log)
		goto out;
	ci = MHD_get_connection_info(con, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	if (ci != NULL && ci->client_addr != NULL) {
		if (ci->client_addr->sa_family == AF_INET)
			inet_ntop(AF_INET, &((const struct sockaddr_in *)
			    (const void *)ci->client_addr)->sin_addr, host,
			    sizeof(host));
		else if (ci->client_addr->sa_family == AF_INET6)
			inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)
			    (const void *)ci->client_addr)->sin6_addr, host,
			    sizeof(host));
	}
	/* the request target as sent, minus what would break the line */
	for (p = c->uri ? c->uri : "-"; *p != '\0' && uri.len < 512; p++)
		if ((unsigned char)*p < 0x20 || *p == '"' || *p == 0x7f)
			sf_buf_addf(&uri, "\\x%02x", (unsigned char)*p);
		else
			sf_buf_addc(&uri, *p);
	if (c->status > 0)
		snprintf(status, sizeof(status), "%d", c->status);
	if (c->bytes >= 0 && c->status > 0)
		snprintf(bytes, sizeof(bytes), "%lld", c->bytes);
	sf_time_now(&now, NULL);
	sf_time_to_civil(now, &cv);
	logf_(s, 0, "%s - - [%02d/%s/%04d:%02d:%02d:%02d +0000] \"%s %s%s%s\" "
	    "%s %s%s", host, cv.day, months[(cv.mon - 1) % 12], cv.year,
	    cv.hour, cv.min, cv.sec, c->method, uri.buf,
	    c->version[0] ? " " : "", c->version, status, bytes,
	    toe == MHD_REQUEST_TERMINATED_COMPLETED_OK ? "" :
	    " (not completed)");
	sf_buf_release(&uri);
out:
	free(c->uri);
	free(c);
	*req_cls = NULL;
}

struct sf_http_server *
sf_http_server_start(const struct sf_http_server_opts *o,
    struct sf_err *err)
{
	struct sf_http_server *s;
	struct sockaddr_in sa4;
	struct sockaddr_in6 sa6;
	const struct sockaddr *sa;
	const union MHD_DaemonInfo *di;
	struct sf_buf wal = SF_BUF_INIT;
	unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_AUTO;
	int threads = o->threads > 0 ? o->threads : 2;

	memset(&sa4, 0, sizeof(sa4));
	memset(&sa6, 0, sizeof(sa6));
	if (inet_pton(AF_INET, o->addr, &sa4.sin_addr) == 1) {
		sa4.sin_family = AF_INET;
		sa4.sin_port = htons((uint16_t)o->port);
		sa = (const struct sockaddr *)(const void *)&sa4;
	} else if (inet_pton(AF_INET6, o->addr, &sa6.sin6_addr) == 1) {
		sa6.sin6_family = AF_INET6;
		sa6.sin6_port = htons((uint16_t)o->port);
		sa = (const struct sockaddr *)(const void *)&sa6;
		flags |= MHD_USE_IPv6;
	} else {
		sf_err_set(err, "address '%s': not an IPv4 or IPv6 address",
		    o->addr);
		return NULL;
	}
	s = sf_calloc(1, sizeof(*s));
	s->db = sf_strdup(o->db);
	sf_buf_addf(&wal, "%s-wal", o->db);
	s->wal = sf_buf_detach(&wal);
	s->pg = sf_pg_is_uri(o->db);
	s->log = o->log;
	s->arg = o->arg;
	s->access_log = o->log != NULL && !o->no_access_log;
	s->max_failures = o->max_failures > 0 ? o->max_failures : 5;
	s->max_streams = MAX_STREAMS_PER_THREAD * threads;
	pthread_mutex_init(&s->mu, NULL);
	pthread_mutex_init(&s->logmu, NULL);
	pthread_cond_init(&s->idle, NULL);
	s->d = MHD_start_daemon(flags, (uint16_t)o->port, NULL, NULL,
	    on_request, s,
	    MHD_OPTION_SOCK_ADDR, sa,
	    MHD_OPTION_THREAD_POOL_SIZE, (unsigned)threads,
	    MHD_OPTION_CONNECTION_LIMIT, (unsigned)CONNECTIONS_MAX,
	    MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)IDLE_TIMEOUT,
	    MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)CONNECTION_MEMORY,
	    MHD_OPTION_URI_LOG_CALLBACK, on_uri, s,
	    MHD_OPTION_NOTIFY_COMPLETED, on_completed, s,
	    MHD_OPTION_END);
	if (s->d == NULL) {
		sf_err_set(err, "listening on '%s' port %u: %s", o->addr,
		    o->port, errno ? strerror(errno) : "failed");
		sf_http_server_stop(s);
		return NULL;
	}
	di = MHD_get_daemon_info(s->d, MHD_DAEMON_INFO_BIND_PORT);
	s->port = di != NULL ? di->port : o->port;
	return s;
}

unsigned
sf_http_server_port(const struct sf_http_server *s)
{
	return s->port;
}

void
sf_http_server_stop(struct sf_http_server *s)
{
	if (s == NULL)
		return;
	if (s->d != NULL)
		MHD_stop_daemon(s->d);
	pthread_mutex_lock(&s->mu);
	while (s->streams > 0)
		pthread_cond_wait(&s->idle, &s->mu);
	while (s->npool > 0)
		conn_close(s->pool[--s->npool]);
	pthread_mutex_unlock(&s->mu);
	pthread_mutex_destroy(&s->mu);
	pthread_mutex_destroy(&s->logmu);
	pthread_cond_destroy(&s->idle);
	free(s->db);
	free(s->wal);
	free(s);
}
