/*
 * sf_http: the HTTP client the fetchers share, over libcurl's multi
 * interface.
 *
 * A client sends GET requests with "User-Agent: sf/VERSION" and
 * "Accept-Encoding: gzip" (bodies arrive decoded), keeps connections alive
 * from one request to the next, runs up to opts.parallel transfers at once
 * and retries what is worth retrying: 429, 5xx, timeouts, refused or reset
 * connections, empty replies and bodies cut short. Retries wait an
 * exponential backoff with jitter, or the response's Retry-After when that
 * is longer (seconds or an HTTP date, capped by opts.retry_after_max_ms);
 * a Retry-After holds every request of the client, not only the one that
 * got it. Any other status is an answer: a 4xx is never retried.
 * Redirects (301, 302, 303, 307, 308) are followed, five at most, to
 * http(s) URLs only, and never to another host while a secret header is
 * set.
 *
 * Bodies stream: a 2xx body goes to the request's body callback chunk by
 * chunk as it arrives and is never held whole. A non-2xx body is kept for
 * the error message, its first SF_HTTP_ERRBODY_MAX bytes only. An attempt
 * that fails after body bytes were delivered (a body cut short) is not
 * retried, since the caller's parser has seen those bytes, unless the
 * request sets restart: then begin is called again before the new attempt's
 * first byte and the caller starts over.
 *
 * The secret header (the USGS API key) goes with every request and into no
 * message: errors and notes never quote headers, a URL holding the secret's
 * value is refused, and wherever the value could still show (an error body
 * that echoes it) it is replaced by "***".
 *
 * Error messages read "GET URL: what", and "GET URL: what after N
 * attempts" when retries were given up: "GET http://h/x: HTTP 404",
 * "GET http://h/x: HTTP 503 after 5 attempts", "GET http://h/x: transfer
 * closed with 9 bytes remaining to read" (curl's words for what went
 * wrong), "GET http://h/x: stopped by the caller". A URL longer than 200
 * bytes is shortened in the middle.
 *
 * A client is used by one thread at a time. Callbacks run inside
 * sf_http_run (or sf_http_get) and may call sf_http_add to queue more
 * requests (the next page of a paged answer), but not sf_http_run,
 * sf_http_get or sf_http_free.
 */
#ifndef SF_HTTP_H
#define SF_HTTP_H

#include <stddef.h>

#include "sf_buf.h"
#include "sf_err.h"

#define SF_HTTP_ERRBODY_MAX 4096

/* Zero means the default for every number. Copied by sf_http_new. */
struct sf_http_opts {
	const char *const *headers;	/* "Name: value", NULL-terminated */
	const char *secret_header;	/* "Name: value", never shown */
	int parallel;			/* transfers at once; default 1 */
	int max_attempts;		/* attempts per request; default 5 */
	long connect_timeout_ms;	/* default 30000 */
	long timeout_ms;		/* whole attempt; default none */
	long low_speed_time;		/* s under 1 byte/s; default 60 */
	long backoff_ms;		/* first backoff; default 1000 */
	long backoff_max_ms;		/* backoff cap; default 30000 */
	long retry_after_max_ms;	/* Retry-After cap; default 120000 */
	/*
	 * Called with a line on each retry ("GET URL: HTTP 503; attempt 2
	 * of 5 in 1.2 s"), for a verbose program; may be NULL.
	 */
	void (*note)(void *arg, const char *msg);
	void *note_arg;
	/*
	 * Called after each round of transfers (the requests started are
	 * sent, the bytes that came are read), outside any request's
	 * callbacks; may be NULL. Work that may wait a
	 * little goes here (a page of records to write), so that it runs
	 * while the server is busy with the next request, not before the
	 * request is sent. It returns non-zero while work of its own is
	 * under way elsewhere (another thread's, which calls
	 * sf_http_wakeup when it is through): sf_http_run then does not
	 * return, even with no request left, until idle returns 0.
	 */
	int (*idle)(void *arg);
	void *idle_arg;
};

/*
 * What came back. Owned by the client; borrowed by callbacks for the
 * duration of the call, and after sf_http_get until the next call on the
 * client.
 */
struct sf_http_res {
	const char *url;	/* the URL asked for, before any redirect */
	long status;		/* last response's status; 0: none came */
	int attempts;		/* attempts so far, 1 for the first */
	int rc;			/* in done: 0 success, -1 failure */
	struct sf_err err;	/* in done, when rc is -1 */
	/*
	 * A non-2xx body: its first SF_HTTP_ERRBODY_MAX bytes, NUL-terminated,
	 * the secret scrubbed; "" after a 2xx or when no response came.
	 */
	const char *errbody;
	size_t errbody_len;
};

/*
 * One GET. Every callback may be NULL and gets arg first; a non-zero
 * return from begin or body fails the request at once, without retry,
 * with "stopped by the caller" (the caller's own error says why).
 */
struct sf_http_req {
	const char *url;	/* http or https; copied */
	/*
	 * Called when a 2xx response's headers are in, before its first body
	 * byte (also for an empty body); res->status and sf_http_res_header
	 * are ready. Called once per attempt that gets a 2xx.
	 */
	int (*begin)(void *arg, const struct sf_http_res *res);
	/* A chunk of a 2xx body, decoded; p is borrowed during the call. */
	int (*body)(void *arg, const char *p, size_t n);
	/*
	 * Called once when the request is over: res->rc 0 when a 2xx body was
	 * delivered whole, -1 with res->err otherwise. A non-zero return
	 * stops sf_http_run, dropping every other request.
	 */
	int (*done)(void *arg, const struct sf_http_res *res);
	void *arg;
	/*
	 * Non-zero: an attempt may be retried after delivering body bytes;
	 * begin must then discard what the failed attempt delivered.
	 */
	int restart;
};

/* Counters of a client since sf_http_new. */
struct sf_http_stats {
	long requests;		/* requests sent, retries, redirects */
	long retries;		/* attempts after the first */
	long failed;		/* requests that ended with rc -1 */
	long long bytes;	/* 2xx body bytes delivered */
};

struct sf_http;

/*
 * Initialises libcurl (curl_global_init) once; sf_http_new calls it.
 * Returns 0, or -1 with err set.
 */
int sf_http_global_init(struct sf_err *err);
/* Undoes sf_http_global_init; call after freeing every client, or never. */
void sf_http_global_cleanup(void);

/*
 * Returns a new client to free with sf_http_free, or NULL with err set (a
 * header that is not "Name: value" on one line, libcurl failing).
 * opts may be NULL for the defaults.
 */
struct sf_http *sf_http_new(const struct sf_http_opts *opts,
    struct sf_err *err);
/* Frees h, dropping queued requests without calling them back. */
void sf_http_free(struct sf_http *h);

/*
 * Queues req (copied; arg and the callbacks must stay valid until done is
 * called). Returns 0, or -1 with err set (not an http(s) URL, a URL holding
 * the secret's value): such a request is not queued and done is not
 * called.
 */
int sf_http_add(struct sf_http *h, const struct sf_http_req *req,
    struct sf_err *err);

/*
 * Runs every queued request, and those the callbacks queue, to the end,
 * calling each one's done. Returns 0 (each request's fate went to its
 * done), or -1 with err set when a done callback stopped the run or
 * libcurl failed.
 */
int sf_http_run(struct sf_http *h, struct sf_err *err);

/*
 * Runs req alone (nothing else may be queued; req->done, if set, is
 * called too). Returns 0 on success, or -1 with err set; *res (if res is
 * not NULL) is borrowed until the next call on h.
 */
int sf_http_get(struct sf_http *h, const struct sf_http_req *req,
    const struct sf_http_res **res, struct sf_err *err);

/*
 * The value of response header name (any case) of the last response, the
 * first if it came several times, or NULL. Borrowed like res.
 */
const char *sf_http_res_header(const struct sf_http_res *res,
    const char *name);

/*
 * Scrubs h's secret from msg, a string in a buffer of size bytes, in
 * place: its value and any beginning of it 6 bytes or longer become
 * "***"; when msg fills the buffer (it was cut), a trailing beginning of
 * any length is dropped. Every message that can carry response text (a
 * parse error, an error body) goes through it before it is shown or
 * written; sf_http's own messages already have. Nothing to do without a
 * secret (h may be NULL).
 */
void sf_http_scrub(const struct sf_http *h, char *msg, size_t size);

/*
 * The status an error record gives a failed request: res->status when
 * the service answered with an error status, 0 (none) when no answer came
 * or a 2xx answer failed (cut short, timed out, unparsable): a 200 there
 * would read like success.
 */
long sf_http_error_status(const struct sf_http_res *res);

/*
 * Whether URLs a and b have the same scheme, host and port (a default port
 * spelled out or not). A next link that does not is not followed: the
 * secret header would go with it.
 */
int sf_http_same_origin(const char *a, const char *b);

/* Starts no attempt on h for ms milliseconds from now (pacing). */
void sf_http_hold(struct sf_http *h, long ms);

/*
 * Makes sf_http_run, waiting for the network, go round its loop at once
 * (its idle is called). The one call on h that another thread may make,
 * at any time during h's life.
 */
void sf_http_wakeup(struct sf_http *h);

/* h's counters; borrowed until h is freed. */
const struct sf_http_stats *sf_http_stats(const struct sf_http *h);

/*
 * Building URLs: every value is percent-encoded, all but the RFC 3986
 * unreserved characters (A-Z a-z 0-9 - . _ ~) becoming %XX (upper case).
 */

/* Appends s to b, percent-encoded. */
void sf_http_escape(struct sf_buf *b, const char *s);

/*
 * Sets b to base, without its trailing slashes, after checking that base is
 * an http(s) URL with a host, no query, no fragment, no space or control
 * character. Returns 0, or -1 with err set ("base URL 'x': ...") and b
 * unchanged.
 */
int sf_http_url_base(struct sf_buf *b, const char *base, struct sf_err *err);

/* Appends "/" and path, percent-encoded except for its slashes. */
void sf_http_url_path(struct sf_buf *b, const char *path);

/* Appends "/" and seg, percent-encoded, slashes included. */
void sf_http_url_seg(struct sf_buf *b, const char *seg);

/* Appends "?name=value", or "&name=value" after a query, both encoded. */
void sf_http_url_param(struct sf_buf *b, const char *name, const char *value);

#endif
