/*
 * sf_http_server: sf-serve's HTTP server, libmicrohttpd over the archive.
 *
 * Read-only: each request borrows a connection opened with
 * SF_DB_READONLY from a pool (one per thread at a time), so the server
 * never creates, migrates or writes the archive and reads beside a
 * running sf-load. Record responses are streamed: a query runs in a
 * thread of its own that writes the encoded records into a pipe the
 * response reads, so memory does not grow with the answer. Routes and
 * parameters are checked by sf_serve before any query runs.
 *
 * The caller must ignore SIGPIPE (a client that goes away mid-stream
 * ends the query with EPIPE).
 */
#ifndef SF_HTTP_SERVER_H
#define SF_HTTP_SERVER_H

#include "sf_err.h"

struct sf_http_server_opts {
	const char *db;		/* the archive's path (borrowed, copied) */
	const char *addr;	/* an IPv4 or IPv6 address to bind */
	unsigned port;		/* 0: any free port */
	int threads;		/* the thread pool; 0: 2 */
	long long max_failures;	/* the circuit breaker's limit */
	/*
	 * Called with each line to log, from any thread (serialized):
	 * level 0 the access log (common log format), 1 details of
	 * failures that the client is not told. May be NULL.
	 */
	void (*log)(void *arg, int level, const char *line);
	void *arg;
	/* 1: no access log lines at all (log would drop them: -q). */
	int no_access_log;
};

struct sf_http_server;

/*
 * Binds and starts serving; returns the server, which the caller stops
 * with sf_http_server_stop, or NULL with err (the address is taken ...).
 */
struct sf_http_server *sf_http_server_start(
    const struct sf_http_server_opts *o, struct sf_err *err);

/* The port bound (the one chosen, when o->port was 0). */
unsigned sf_http_server_port(const struct sf_http_server *s);

/*
 * Closes the listening socket and every connection, waits for the
 * queries still running, closes the database connections and frees s.
 */
void sf_http_server_stop(struct sf_http_server *s);

#endif
