/*
 * sf_http: GET requests over libcurl's multi interface, with retries,
 * streaming bodies and a secret header kept out of every message.
 *
 * Each request is a struct xfer on the client's list, either queued (new,
 * or waiting for its retry time) or active (its easy handle in the multi
 * handle). sf_http_run starts queued transfers whose time has come while
 * fewer than opts.parallel are active, lets curl work, and decides the fate
 * of each finished attempt in finish(): follow a redirect, retry later, or
 * call done. Connections live in the multi handle's cache, so consecutive
 * requests to a host reuse one; easy handles are per request.
 *
 * Redirects are followed here rather than by curl so that a secret header
 * never follows one to another host (curl sends custom headers wherever it
 * is redirected).
 */
#include <ctype.h>
#include <stdarg.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include <curl/curl.h>

#include "sf_buf.h"
#include "sf_err.h"
#include "sf_http.h"
#include "sf_mem.h"
#include "sf.h"

#define SCRUB_MIN	6	/* a beginning of the secret this long goes */
#define URL_SHOW_MAX	200	/* longer URLs are cut in messages */
#define HDRS_MAX	32768	/* response header bytes kept */
#define REDIRECTS_MAX	5

enum { QUEUED, ACTIVE };

struct xfer {
	struct sf_http_res res;		/* first: res_header casts */
	struct sf_http *h;
	struct sf_http_req req;
	char *url;			/* as asked, owned */
	char *cur;			/* this attempt's, after redirects */
	CURL *easy;
	int state;
	struct sf_buf errbody;		/* non-2xx body, capped */
	struct sf_buf hdrs;		/* "name\0value\0"..., last reply */
	long long got;			/* body bytes, this attempt */
	int redirects;
	int began;			/* begin called, this attempt */
	int stopped;			/* a callback said stop */
	int truncated;			/* errbody was capped */
	int keep;			/* sf_http_get's: kept after done */
	int64_t not_before;		/* monotonic ms */
	struct xfer *prev, *next;
	char errbuf[CURL_ERROR_SIZE];
};

struct sf_http {
	CURLM *multi;
	struct curl_slist *slist;	/* extra and secret headers */
	char *secret;			/* the secret header's value */
	int parallel;
	int max_attempts;
	long connect_timeout_ms;
	long timeout_ms;
	long low_speed_time;
	long backoff_ms;
	long backoff_max_ms;
	long retry_after_max_ms;
	void (*note)(void *, const char *);
	void *note_arg;
	int (*idle)(void *);
	void *idle_arg;
	struct xfer *head, *tail;	/* every request not yet done */
	int active;
	struct xfer *kept;		/* sf_http_get's last */
	int running;
	int stop;
	int64_t hold_until;
	uint64_t rng;
	struct sf_http_stats stats;
};

static int global_done;

static int64_t
mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static uint64_t
rnd(struct sf_http *h)
{
	/* xorshift64*: jitter needs spread, not quality */
	h->rng ^= h->rng >> 12;
	h->rng ^= h->rng << 25;
	h->rng ^= h->rng >> 27;
	return h->rng * 0x2545F4914F6CDD1DULL;
}

/* Writes url into out for a message: control bytes as '?', long ones cut. */
static void
show_url(char *out, size_t outsz, const char *url)
{
	size_t n = strlen(url), i, o = 0;

	for (i = 0; i < n && o + 1 < outsz; i++) {
		if (n > URL_SHOW_MAX && i == URL_SHOW_MAX - 50) {
			if (o + 4 >= outsz)
				break;
			memcpy(out + o, "...", 3);
			o += 3;
			i = n - 47;
		}
		out[o++] = (unsigned char)url[i] <= ' ' ||
		    (unsigned char)url[i] >= 0x7f ? '?' : url[i];
	}
	out[o] = '\0';
}

/*
 * The length of the longest beginning of the secret (n bytes) at p, of
 * the len bytes there.
 */
static size_t
secret_at(const char *p, size_t len, const char *secret, size_t n)
{
	size_t k;

	for (k = 0; k < len && k < n && p[k] == secret[k]; k++)
		;
	return k;
}

/*
 * Appends the len bytes at in to out with the secret scrubbed: each
 * occurrence of its value, and of any beginning of it SCRUB_MIN bytes or
 * longer (what a message cut in the middle of the value keeps), becomes
 * "***"; cut says in was truncated, so a trailing beginning of any length
 * is dropped. The one scrubber every message path goes through.
 */
static void
scrub_into(const char *secret, const char *in, size_t len, int cut,
    struct sf_buf *out)
{
	size_t n = strlen(secret), i = 0, k, min;

	min = n < SCRUB_MIN ? n : SCRUB_MIN;
	while (i < len) {
		k = n > 0 && in[i] == secret[0] ?
		    secret_at(in + i, len - i, secret, n) : 0;
		if (k > 0 && cut && i + k == len)
			break;		/* the cut tail: dropped */
		if (k > 0 && k >= min) {
			sf_buf_adds(out, "***");
			i += k;
			continue;
		}
		sf_buf_addc(out, in[i++]);
	}
}

/* Scrubs the secret from b (see scrub_into). */
static void
scrub(const struct sf_http *h, struct sf_buf *b, int cut)
{
	struct sf_buf out = SF_BUF_INIT;

	if (h->secret == NULL || h->secret[0] == '\0')
		return;
	scrub_into(h->secret, b->buf, b->len, cut, &out);
	sf_buf_release(b);
	*b = out;
}

void
sf_http_scrub(const struct sf_http *h, char *msg, size_t size)
{
	struct sf_buf out = SF_BUF_INIT;
	size_t len;

	if (h == NULL || h->secret == NULL || h->secret[0] == '\0' ||
	    size == 0)
		return;
	len = strlen(msg);
	scrub_into(h->secret, msg, len, len + 1 >= size, &out);
	snprintf(msg, size, "%s", out.buf != NULL ? out.buf : "");
	sf_buf_release(&out);
}

long
sf_http_error_status(const struct sf_http_res *res)
{
	if (res->status >= 200 && res->status < 300)
		return 0;
	return res->status > 0 ? res->status : 0;
}

static void
vmsg(const struct sf_http *h, struct sf_buf *b, const char *fmt, va_list ap)
{
	char tmp[SF_ERR_MAX * 2];

	vsnprintf(tmp, sizeof(tmp), fmt, ap);
	sf_buf_adds(b, tmp);
	scrub(h, b, 0);
}

/* Sets x's error to "GET URL: " and the formatted rest, scrubbed. */
static void
fail(struct xfer *x, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void
fail(struct xfer *x, const char *fmt, ...)
{
	struct sf_buf b = SF_BUF_INIT;
	char url[URL_SHOW_MAX + 8];
	va_list ap;

	show_url(url, sizeof(url), x->url);
	sf_buf_addf(&b, "GET %s: ", url);
	va_start(ap, fmt);
	vmsg(x->h, &b, fmt, ap);
	va_end(ap);
	sf_err_set(&x->res.err, "%s", b.buf);
	sf_buf_release(&b);
	x->res.rc = -1;
}

static void
note(struct xfer *x, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void
note(struct xfer *x, const char *fmt, ...)
{
	struct sf_buf b = SF_BUF_INIT;
	char url[URL_SHOW_MAX + 8];
	va_list ap;

	if (x->h->note == NULL)
		return;
	show_url(url, sizeof(url), x->url);
	sf_buf_addf(&b, "GET %s: ", url);
	va_start(ap, fmt);
	vmsg(x->h, &b, fmt, ap);
	va_end(ap);
	x->h->note(x->h->note_arg, b.buf);
	sf_buf_release(&b);
}

/*
 * Checks url; base also refuses a query and a fragment. Returns NULL, or
 * why not.
 */
static const char *
check_url(const char *url, int base)
{
	CURLU *u;
	char *part = NULL;
	const char *why = NULL;
	const unsigned char *p;

	for (p = (const unsigned char *)url; *p; p++)
		if (*p <= ' ' || *p >= 0x7f)
			return "a space, a control or a non-ASCII character";
	if ((u = curl_url()) == NULL)
		return "out of memory";
	if (curl_url_set(u, CURLUPART_URL, url, 0) != CURLUE_OK ||
	    curl_url_get(u, CURLUPART_SCHEME, &part, 0) != CURLUE_OK ||
	    (strcasecmp(part, "http") != 0 && strcasecmp(part, "https") != 0))
		why = "not an http(s) URL";
	curl_free(part);
	part = NULL;
	if (why == NULL && (curl_url_get(u, CURLUPART_HOST, &part, 0) !=
	    CURLUE_OK || part[0] == '\0'))
		why = "no host";
	curl_free(part);
	part = NULL;
	if (why == NULL && curl_url_get(u, CURLUPART_USER, &part, 0) ==
	    CURLUE_OK)
		why = "a user name (credentials go in headers)";
	curl_free(part);
	part = NULL;
	if (why == NULL && base && (strchr(url, '?') != NULL ||
	    strchr(url, '#') != NULL))
		why = "a query or a fragment";
	curl_url_cleanup(u);
	return why;
}

int
sf_http_same_origin(const char *a, const char *b)
{
	CURLUPart parts[] = { CURLUPART_SCHEME, CURLUPART_HOST,
	    CURLUPART_PORT };
	CURLU *ua = curl_url(), *ub = curl_url();
	char *pa, *pb;
	size_t i;
	int same = ua != NULL && ub != NULL &&
	    curl_url_set(ua, CURLUPART_URL, a, 0) == CURLUE_OK &&
	    curl_url_set(ub, CURLUPART_URL, b, 0) == CURLUE_OK;

	for (i = 0; same && i < sizeof(parts) / sizeof(parts[0]); i++) {
		pa = pb = NULL;
		same = curl_url_get(ua, parts[i], &pa, CURLU_DEFAULT_PORT) ==
		    CURLUE_OK && curl_url_get(ub, parts[i], &pb,
		    CURLU_DEFAULT_PORT) == CURLUE_OK &&
		    strcasecmp(pa, pb) == 0;
		curl_free(pa);
		curl_free(pb);
	}
	curl_url_cleanup(ua);
	curl_url_cleanup(ub);
	return same;
}

/* Checks "Name: value" on one line; returns the value, or NULL. */
static const char *
header_value(const char *line)
{
	const char *p = line;

	while (*p && (isalnum((unsigned char)*p) || strchr("!#$%&'*+-.^_`|~",
	    *p) != NULL))
		p++;
	if (p == line || *p != ':' || strpbrk(line, "\r\n") != NULL)
		return NULL;
	for (p++; *p == ' ' || *p == '\t'; p++)
		;
	return p;
}

int
sf_http_global_init(struct sf_err *err)
{
	if (global_done)
		return 0;
	if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
		return sf_err_set(err, "http: libcurl failed to initialise");
	global_done = 1;
	return 0;
}

void
sf_http_global_cleanup(void)
{
	if (!global_done)
		return;
	curl_global_cleanup();
	global_done = 0;
}

struct sf_http *
sf_http_new(const struct sf_http_opts *opts, struct sf_err *err)
{
	static const struct sf_http_opts none;
	struct sf_http *h;
	struct curl_slist *l;
	const char *v;
	size_t i;

	if (opts == NULL)
		opts = &none;
	if (sf_http_global_init(err) == -1)
		return NULL;
	h = sf_calloc(1, sizeof(*h));
	h->parallel = opts->parallel > 0 ? opts->parallel : 1;
	h->max_attempts = opts->max_attempts > 0 ? opts->max_attempts : 5;
	h->connect_timeout_ms = opts->connect_timeout_ms > 0 ?
	    opts->connect_timeout_ms : 30000;
	h->timeout_ms = opts->timeout_ms > 0 ? opts->timeout_ms : 0;
	h->low_speed_time = opts->low_speed_time > 0 ?
	    opts->low_speed_time : 60;
	h->backoff_ms = opts->backoff_ms > 0 ? opts->backoff_ms : 1000;
	h->backoff_max_ms = opts->backoff_max_ms > 0 ?
	    opts->backoff_max_ms : 30000;
	h->retry_after_max_ms = opts->retry_after_max_ms > 0 ?
	    opts->retry_after_max_ms : 120000;
	h->note = opts->note;
	h->note_arg = opts->note_arg;
	h->idle = opts->idle;
	h->idle_arg = opts->idle_arg;
	h->rng = ((uint64_t)mono_ms() << 20) ^ (uint64_t)getpid() ^
	    (uint64_t)(uintptr_t)h;
	if (h->rng == 0)
		h->rng = 1;
	for (i = 0; opts->headers != NULL && opts->headers[i] != NULL; i++) {
		if (header_value(opts->headers[i]) == NULL) {
			/* not quoted: it could be a misplaced secret */
			sf_err_set(err, "http: header %zu: not 'Name: value' "
			    "on one line", i + 1);
			goto bad;
		}
		if ((l = curl_slist_append(h->slist, opts->headers[i])) ==
		    NULL)
			goto oom;
		h->slist = l;
	}
	if (opts->secret_header != NULL) {
		v = header_value(opts->secret_header);
		if (v == NULL || *v == '\0') {
			sf_err_set(err, "http: secret header: not "
			    "'Name: value' on one line");
			goto bad;
		}
		h->secret = sf_strdup(v);
		if ((l = curl_slist_append(h->slist, opts->secret_header)) ==
		    NULL)
			goto oom;
		h->slist = l;
	}
	if ((h->multi = curl_multi_init()) == NULL)
		goto oom;
	return h;
oom:
	sf_err_set(err, "http: libcurl: out of memory");
bad:
	sf_http_free(h);
	return NULL;
}

static void
xfer_free(struct xfer *x)
{
	if (x == NULL)
		return;
	if (x->easy != NULL) {
		if (x->state == ACTIVE)
			curl_multi_remove_handle(x->h->multi, x->easy);
		curl_easy_cleanup(x->easy);
	}
	free(x->url);
	free(x->cur);
	sf_buf_release(&x->errbody);
	sf_buf_release(&x->hdrs);
	free(x);
}

static void
unlink_xfer(struct sf_http *h, struct xfer *x)
{
	if (x->state == ACTIVE) {
		curl_multi_remove_handle(h->multi, x->easy);
		h->active--;
		x->state = QUEUED;
	}
	if (x->prev != NULL)
		x->prev->next = x->next;
	else
		h->head = x->next;
	if (x->next != NULL)
		x->next->prev = x->prev;
	else
		h->tail = x->prev;
	x->prev = x->next = NULL;
}

static void
drop_all(struct sf_http *h)
{
	struct xfer *x;

	while ((x = h->head) != NULL) {
		unlink_xfer(h, x);
		xfer_free(x);
	}
}

void
sf_http_free(struct sf_http *h)
{
	if (h == NULL)
		return;
	drop_all(h);
	xfer_free(h->kept);
	if (h->multi != NULL)
		curl_multi_cleanup(h->multi);
	curl_slist_free_all(h->slist);
	free(h->secret);
	free(h);
}

static struct xfer *
queue(struct sf_http *h, const struct sf_http_req *req, struct sf_err *err)
{
	struct xfer *x;
	char url[URL_SHOW_MAX + 8];
	const char *why;

	if (req->url == NULL)
		return sf_err_set(err, "GET: no URL"), NULL;
	if (h->secret != NULL && strstr(req->url, h->secret) != NULL)
		return sf_err_set(err, "GET: the URL holds the secret header's "
		    "value"), NULL;
	if ((why = check_url(req->url, 0)) != NULL) {
		show_url(url, sizeof(url), req->url);
		return sf_err_set(err, "GET %s: %s", url, why), NULL;
	}
	x = sf_calloc(1, sizeof(*x));
	x->h = h;
	x->req = *req;
	x->url = sf_strdup(req->url);
	x->cur = sf_strdup(req->url);
	x->req.url = x->url;
	x->res.url = x->url;
	x->res.errbody = "";
	sf_buf_init(&x->errbody);
	sf_buf_init(&x->hdrs);
	x->state = QUEUED;
	x->not_before = 0;
	x->prev = h->tail;
	if (h->tail != NULL)
		h->tail->next = x;
	else
		h->head = x;
	h->tail = x;
	return x;
}

int
sf_http_add(struct sf_http *h, const struct sf_http_req *req,
    struct sf_err *err)
{
	if (!h->running) {
		xfer_free(h->kept);
		h->kept = NULL;
	}
	return queue(h, req, err) != NULL ? 0 : -1;
}

/* curl's header callback: keeps the headers, calls begin at their end. */
static size_t
on_header(char *p, size_t size, size_t nmemb, void *arg)
{
	struct xfer *x = arg;
	size_t n = size * nmemb, name, v, e;
	long status = 0;

	if (n >= 5 && memcmp(p, "HTTP/", 5) == 0) {
		sf_buf_reset(&x->hdrs);
		return n;
	}
	if (n <= 2 && (p[0] == '\r' || p[0] == '\n')) {
		curl_easy_getinfo(x->easy, CURLINFO_RESPONSE_CODE, &status);
		x->res.status = status;
		if (status >= 200 && status < 300 && !x->began) {
			x->began = 1;
			if (x->req.begin != NULL &&
			    x->req.begin(x->req.arg, &x->res) != 0) {
				x->stopped = 1;
				return 0;
			}
		}
		return n;
	}
	for (name = 0; name < n && p[name] != ':'; name++)
		;
	if (name == 0 || name == n || x->hdrs.len + n + 2 > HDRS_MAX)
		return n;
	for (v = name + 1; v < n && (p[v] == ' ' || p[v] == '\t'); v++)
		;
	for (e = n; e > v && isspace((unsigned char)p[e - 1]); e--)
		;
	sf_buf_add(&x->hdrs, p, name);
	sf_buf_addc(&x->hdrs, '\0');
	sf_buf_add(&x->hdrs, p + v, e - v);
	sf_buf_addc(&x->hdrs, '\0');
	return n;
}

/* curl's write callback: 2xx bodies to the caller, others kept, capped. */
static size_t
on_body(char *p, size_t size, size_t nmemb, void *arg)
{
	struct xfer *x = arg;
	size_t n = size * nmemb, room;

	if (x->res.status >= 200 && x->res.status < 300) {
		if (n == 0)
			return 0;
		x->got += n;
		x->h->stats.bytes += n;
		if (x->req.body != NULL && x->req.body(x->req.arg, p, n) != 0) {
			x->stopped = 1;
			return 0;
		}
		return n;
	}
	room = SF_HTTP_ERRBODY_MAX - x->errbody.len;
	if (n > room)
		x->truncated = 1;
	sf_buf_add(&x->errbody, p, n < room ? n : room);
	return n;
}

static CURL *
new_easy(struct sf_http *h, struct xfer *x)
{
	CURL *e = curl_easy_init();

	if (e == NULL)
		return NULL;
	curl_easy_setopt(e, CURLOPT_PRIVATE, x);
	curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(e, CURLOPT_ERRORBUFFER, x->errbuf);
	curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, on_body);
	curl_easy_setopt(e, CURLOPT_WRITEDATA, x);
	curl_easy_setopt(e, CURLOPT_HEADERFUNCTION, on_header);
	curl_easy_setopt(e, CURLOPT_HEADERDATA, x);
	curl_easy_setopt(e, CURLOPT_USERAGENT, "sf/" SF_VERSION);
	curl_easy_setopt(e, CURLOPT_ACCEPT_ENCODING, "gzip");
	if (h->slist != NULL)
		curl_easy_setopt(e, CURLOPT_HTTPHEADER, h->slist);
	curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT_MS, h->connect_timeout_ms);
	if (h->timeout_ms > 0)
		curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, h->timeout_ms);
	curl_easy_setopt(e, CURLOPT_LOW_SPEED_LIMIT, 1L);
	curl_easy_setopt(e, CURLOPT_LOW_SPEED_TIME, h->low_speed_time);
	curl_easy_setopt(e, CURLOPT_FOLLOWLOCATION, 0L);
	curl_easy_setopt(e, CURLOPT_TCP_KEEPALIVE, 1L);
#if LIBCURL_VERSION_NUM >= 0x075500
	curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "http,https");
#else
	curl_easy_setopt(e, CURLOPT_PROTOCOLS,
	    (long)(CURLPROTO_HTTP | CURLPROTO_HTTPS));
#endif
	return e;
}

static void finish(struct sf_http *, struct xfer *, CURLcode);

/* Starts an attempt (or, redirect set, the next leg of one). */
static void
start(struct sf_http *h, struct xfer *x, int redirect)
{
	if (!redirect) {
		x->res.attempts++;
		if (x->res.attempts > 1)
			h->stats.retries++;
	}
	x->res.status = 0;
	x->got = 0;
	x->began = 0;
	x->truncated = 0;
	x->errbuf[0] = '\0';
	sf_buf_reset(&x->errbody);
	sf_buf_reset(&x->hdrs);
	if (x->easy == NULL && (x->easy = new_easy(h, x)) == NULL) {
		snprintf(x->errbuf, sizeof(x->errbuf), "out of memory");
		finish(h, x, CURLE_OUT_OF_MEMORY);
		return;
	}
	curl_easy_setopt(x->easy, CURLOPT_URL, x->cur);
	if (curl_multi_add_handle(h->multi, x->easy) != CURLM_OK) {
		snprintf(x->errbuf, sizeof(x->errbuf), "libcurl refused the "
		    "transfer");
		finish(h, x, CURLE_FAILED_INIT);
		return;
	}
	x->state = ACTIVE;
	h->active++;
	h->stats.requests++;
}

static int
retryable(CURLcode cc, long status)
{
	switch (cc) {
	case CURLE_OK:
		return status == 429 || (status >= 500 && status <= 599);
	case CURLE_COULDNT_RESOLVE_HOST:
	case CURLE_COULDNT_CONNECT:
	case CURLE_OPERATION_TIMEDOUT:
	case CURLE_SEND_ERROR:
	case CURLE_RECV_ERROR:
	case CURLE_GOT_NOTHING:
	case CURLE_PARTIAL_FILE:
	case CURLE_SSL_CONNECT_ERROR:
	case CURLE_HTTP2:
	case CURLE_HTTP2_STREAM:
		return 1;
	default:
		return 0;
	}
}

/* Retry-After of the last response in ms, or -1 when absent or bad. */
static long
retry_after(struct xfer *x)
{
	const char *v = sf_http_res_header(&x->res, "Retry-After");
	long long s;
	time_t t;
	char *end;

	if (v == NULL || *v == '\0')
		return -1;
	if (isdigit((unsigned char)*v)) {
		s = strtoll(v, &end, 10);
		if (*end != '\0')
			return -1;
	} else {
		if ((t = curl_getdate(v, NULL)) == -1)
			return -1;
		s = (long long)(t - time(NULL));
		if (s < 0)
			s = 0;
	}
	if (s > 86400)
		s = 86400;
	return (long)(s * 1000);
}

/* The backoff after failed attempt n (1 for the first), with jitter. */
static long
backoff(struct sf_http *h, int n)
{
	long d = h->backoff_ms;

	while (--n > 0 && d < h->backoff_max_ms)
		d = d > LONG_MAX / 2 ? LONG_MAX : d * 2;
	if (d > h->backoff_max_ms)
		d = h->backoff_max_ms;
	/* "equal jitter": half fixed, half random */
	return d - d / 2 + (long)(rnd(h) % (uint64_t)(d / 2 + 1));
}

/* What went wrong with an attempt, for a message. */
static void
describe(struct xfer *x, CURLcode cc, char *out, size_t outsz)
{
	const char *s = x->errbuf[0] ? x->errbuf : curl_easy_strerror(cc);

	if (cc == CURLE_OK) {
		snprintf(out, outsz, "HTTP %ld", x->res.status);
		return;
	}
	if (x->stopped) {
		snprintf(out, outsz, "stopped by the caller");
		return;
	}
	snprintf(out, outsz, "%s", s);
	/* "Empty reply" -> "empty reply", but "HTTP/2 ..." stays */
	if (isupper((unsigned char)out[0]) && islower((unsigned char)out[1]))
		out[0] = tolower((unsigned char)out[0]);
	out[strcspn(out, "\r\n")] = '\0';
}

/* Follows a redirect if the response is one; returns 1 if it did. */
static int
redirect(struct sf_http *h, struct xfer *x)
{
	char *loc = NULL;
	const char *why;
	long s = x->res.status;

	if (s != 301 && s != 302 && s != 303 && s != 307 && s != 308)
		return 0;
	if (curl_easy_getinfo(x->easy, CURLINFO_REDIRECT_URL, &loc) !=
	    CURLE_OK || loc == NULL)
		return 0;
	if (++x->redirects > REDIRECTS_MAX) {
		fail(x, "HTTP %ld: more than %d redirects", s, REDIRECTS_MAX);
		return -1;
	}
	if ((why = check_url(loc, 0)) != NULL) {
		fail(x, "HTTP %ld: redirect to %s", s, why);
		return -1;
	}
	if (h->secret != NULL && !sf_http_same_origin(x->cur, loc)) {
		fail(x, "HTTP %ld: redirect to another host refused (the "
		    "secret header would go with it)", s);
		return -1;
	}
	free(x->cur);
	x->cur = sf_strdup(loc);
	return 1;
}

static void
complete(struct sf_http *h, struct xfer *x)
{
	if (x->res.rc == -1)
		h->stats.failed++;
	scrub(h, &x->errbody, x->truncated);
	x->res.errbody = x->errbody.buf;
	x->res.errbody_len = x->errbody.len;
	unlink_xfer(h, x);
	if (x->req.done != NULL && x->req.done(x->req.arg, &x->res) != 0)
		h->stop = 1;
	if (x->keep) {
		xfer_free(h->kept);
		h->kept = x;
	} else
		xfer_free(x);
}

/* Decides what follows an attempt that ended with cc. */
static void
finish(struct sf_http *h, struct xfer *x, CURLcode cc)
{
	char what[CURL_ERROR_SIZE + 64];
	long status = 0, ra, wait;
	int64_t now;
	int r;

	if (x->state == ACTIVE) {
		curl_multi_remove_handle(h->multi, x->easy);
		x->state = QUEUED;
		h->active--;
		curl_easy_getinfo(x->easy, CURLINFO_RESPONSE_CODE, &status);
		x->res.status = status;
	}
	if (cc == CURLE_OK && (r = redirect(h, x)) != 0) {
		if (r == 1)
			start(h, x, 1);
		else
			complete(h, x);
		return;
	}
	if (cc == CURLE_OK && x->res.status >= 200 && x->res.status < 300) {
		x->res.rc = 0;
		sf_err_clear(&x->res.err);
		complete(h, x);
		return;
	}
	describe(x, cc, what, sizeof(what));
	if (x->stopped || !retryable(cc, x->res.status) ||
	    (x->got > 0 && !x->req.restart) ||
	    x->res.attempts >= h->max_attempts) {
		/* "after N attempts" when it is giving up on retries */
		if (x->res.attempts > 1 && !x->stopped &&
		    retryable(cc, x->res.status))
			fail(x, "%s after %d attempts", what, x->res.attempts);
		else
			fail(x, "%s", what);
		complete(h, x);
		return;
	}
	now = mono_ms();
	wait = backoff(h, x->res.attempts);
	if ((ra = retry_after(x)) >= 0) {
		if (ra > h->retry_after_max_ms)
			ra = h->retry_after_max_ms;
		if (now + ra > h->hold_until)
			h->hold_until = now + ra;
		if (ra > wait)
			wait = ra;
	}
	x->not_before = now + wait;
	note(x, "%s; attempt %d of %d in %.1f s", what, x->res.attempts + 1,
	    h->max_attempts, wait / 1000.0);
}

/* When the next queued request may start: -1 if none is queued. */
static int64_t
next_start(const struct sf_http *h)
{
	const struct xfer *x;
	int64_t t = -1;

	for (x = h->head; x != NULL; x = x->next)
		if (x->state == QUEUED && (t == -1 || x->not_before < t))
			t = x->not_before;
	if (t != -1 && t < h->hold_until)
		t = h->hold_until;
	return t;
}

static void
start_ready(struct sf_http *h)
{
	struct xfer *x, *next;
	int64_t now = mono_ms();

	if (now < h->hold_until)
		return;
	for (x = h->head; x != NULL && h->active < h->parallel && !h->stop;
	    x = next) {
		next = x->next;
		if (x->state == QUEUED && x->not_before <= now)
			start(h, x, 0);
	}
}

int
sf_http_run(struct sf_http *h, struct sf_err *err)
{
	struct CURLMsg *msg;
	struct xfer *x;
	CURLMcode mc;
	int64_t t, now;
	long tmo;
	int still, left, busy, rc = 0;

	if (h->running)
		return sf_err_set(err, "http: sf_http_run called from a "
		    "callback");
	xfer_free(h->kept);
	h->kept = NULL;
	h->running = 1;
	h->stop = 0;
	busy = h->idle != NULL;		/* until idle has said */
	for (;;) {
		start_ready(h);
		if (h->stop || (h->head == NULL && !busy))
			break;
		if ((mc = curl_multi_perform(h->multi, &still)) != CURLM_OK) {
			rc = sf_err_set(err, "http: %s",
			    curl_multi_strerror(mc));
			break;
		}
		/* after perform: the requests just started are on the wire */
		busy = h->idle != NULL && h->idle(h->idle_arg);
		while (!h->stop &&
		    (msg = curl_multi_info_read(h->multi, &left)) != NULL) {
			if (msg->msg != CURLMSG_DONE)
				continue;
			curl_easy_getinfo(msg->easy_handle, CURLINFO_PRIVATE,
			    (char **)&x);
			finish(h, x, msg->data.result);
		}
		if (h->stop)
			break;
		/* the callbacks may have handed idle work, idle requests */
		if (h->head == NULL) {
			busy = h->idle != NULL && h->idle(h->idle_arg);
			if (!busy && h->head == NULL)
				break;
		}
		tmo = -1;
		curl_multi_timeout(h->multi, &tmo);
		if (tmo < 0 || tmo > 1000)
			tmo = 1000;
		if (h->active < h->parallel && (t = next_start(h)) != -1) {
			now = mono_ms();
			if (t - now < tmo)
				tmo = t > now ? (long)(t - now) : 0;
		}
		if (tmo > 0 && (mc = curl_multi_poll(h->multi, NULL, 0,
		    (int)tmo, NULL)) != CURLM_OK) {
			rc = sf_err_set(err, "http: %s",
			    curl_multi_strerror(mc));
			break;
		}
	}
	if (h->stop && rc == 0)
		rc = sf_err_set(err, "http: stopped by a done callback");
	if (rc != 0)
		drop_all(h);
	h->running = 0;
	return rc;
}

int
sf_http_get(struct sf_http *h, const struct sf_http_req *req,
    const struct sf_http_res **res, struct sf_err *err)
{
	struct xfer *x;

	if (res != NULL)
		*res = NULL;
	if (h->running)
		return sf_err_set(err, "http: sf_http_get called from a "
		    "callback");
	if (h->head != NULL)
		return sf_err_set(err, "http: sf_http_get with requests "
		    "queued");
	xfer_free(h->kept);
	h->kept = NULL;
	if ((x = queue(h, req, err)) == NULL)
		return -1;
	x->keep = 1;
	if (sf_http_run(h, err) == -1 && h->kept == NULL)
		return -1;
	x = h->kept;
	if (res != NULL)
		*res = &x->res;
	if (x->res.rc != 0)
		return sf_err_set(err, "%s", x->res.err.msg);
	return 0;
}

const char *
sf_http_res_header(const struct sf_http_res *res, const char *name)
{
	const struct xfer *x = (const struct xfer *)res;
	const char *p = x->hdrs.buf, *end = x->hdrs.buf + x->hdrs.len, *v;

	while (p < end) {
		v = p + strlen(p) + 1;
		if (strcasecmp(p, name) == 0)
			return v;
		p = v + strlen(v) + 1;
	}
	return NULL;
}

void
sf_http_hold(struct sf_http *h, long ms)
{
	int64_t t = mono_ms() + (ms > 0 ? ms : 0);

	if (t > h->hold_until)
		h->hold_until = t;
}

void
sf_http_wakeup(struct sf_http *h)
{
	(void)curl_multi_wakeup(h->multi);
}

const struct sf_http_stats *
sf_http_stats(const struct sf_http *h)
{
	return &h->stats;
}

static int
unreserved(int c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
	    (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_' ||
	    c == '~';
}

static void
encode(struct sf_buf *b, const char *s, int keep_slash)
{
	static const char hex[] = "0123456789ABCDEF";
	const unsigned char *p;

	for (p = (const unsigned char *)s; *p; p++) {
		if (unreserved(*p) || (keep_slash && *p == '/')) {
			sf_buf_addc(b, *p);
		} else {
			sf_buf_addc(b, '%');
			sf_buf_addc(b, hex[*p >> 4]);
			sf_buf_addc(b, hex[*p & 15]);
		}
	}
}

void
sf_http_escape(struct sf_buf *b, const char *s)
{
	encode(b, s, 0);
}

int
sf_http_url_base(struct sf_buf *b, const char *base, struct sf_err *err)
{
	const char *why;
	size_t n;

	if ((why = check_url(base, 1)) != NULL)
		return sf_err_set(err, "base URL '%s': %s", base, why);
	n = strlen(base);
	while (n > 0 && base[n - 1] == '/')
		n--;
	sf_buf_reset(b);
	sf_buf_add(b, base, n);
	return 0;
}

void
sf_http_url_path(struct sf_buf *b, const char *path)
{
	while (*path == '/')
		path++;
	sf_buf_addc(b, '/');
	encode(b, path, 1);
}

void
sf_http_url_seg(struct sf_buf *b, const char *seg)
{
	sf_buf_addc(b, '/');
	encode(b, seg, 0);
}

void
sf_http_url_param(struct sf_buf *b, const char *name, const char *value)
{
	if (strchr(b->buf, '?') == NULL)
		sf_buf_addc(b, '?');
	else if (b->len > 0 && b->buf[b->len - 1] != '?' &&
	    b->buf[b->len - 1] != '&')
		sf_buf_addc(b, '&');
	encode(b, name, 0);
	sf_buf_addc(b, '=');
	encode(b, value, 0);
}
