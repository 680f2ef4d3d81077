/*
 * t_http: sf_http against the loopback replay server (tests/server), which
 * this test starts itself: streaming, gzip, keep-alive, retries and their
 * limits, Retry-After, cut bodies, resets, timeouts, redirects, the secret
 * header kept out of every message, parallel transfers; and the URL
 * builders. Never the network.
 */
#include <sys/types.h>
#include <sys/wait.h>

#include <dirent.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>

#include "tap.h"
#include "sf_buf.h"
#include "sf_err.h"
#include "sf_http.h"
#include "sf.h"

#define SECRET "SECRETKEY123"
#define BIG_LINES 6000

static char dir[] = "/tmp/t_http.XXXXXX";
static char url_base[256];
static char logpath[300];
static pid_t server = -1;
static struct sf_buf big = SF_BUF_INIT;
static struct sf_buf notes = SF_BUF_INIT;

/* What a request's callbacks saw. */
struct sink {
	struct sf_buf body;
	int begins;
	int chunks;
	int dones;
	int done_rc;
	int stop_body;		/* body callback returns 1 */
	int stop_begin;		/* begin callback returns 1 */
	char ctype[64];
};

static double
now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void
write_file(const char *name, const char *s, size_t n)
{
	char path[300];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	if ((f = fopen(path, "w")) == NULL || fwrite(s, 1, n, f) != n ||
	    fclose(f) != 0) {
		printf("Bail out! cannot write %s\n", path);
		exit(1);
	}
}

static int
read_file(const char *path, struct sf_buf *b)
{
	char tmp[8192];
	size_t n;
	FILE *f;

	sf_buf_reset(b);
	if ((f = fopen(path, "r")) == NULL)
		return -1;
	while ((n = fread(tmp, 1, sizeof(tmp), f)) > 0)
		sf_buf_add(b, tmp, n);
	fclose(f);
	return 0;
}

static void
rm_dir(void)
{
	char path[600];
	struct dirent *d;
	DIR *dp;

	if ((dp = opendir(dir)) == NULL)
		return;
	while ((d = readdir(dp)) != NULL) {
		if (strcmp(d->d_name, ".") == 0 || strcmp(d->d_name, "..") == 0)
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, d->d_name);
		unlink(path);
	}
	closedir(dp);
	rmdir(dir);
}

static void
stop_server(void)
{
	int st;

	if (server <= 0)
		return;
	kill(server, SIGTERM);
	waitpid(server, &st, 0);
	server = -1;
}

static void
start_server(const char *top)
{
	char replay[600], routes[300], urlf[300], errf[300];
	struct sf_buf b = SF_BUF_INIT;
	double deadline;
	int fd;

	snprintf(replay, sizeof(replay), "%s/tests/server/replay.py", top);
	snprintf(routes, sizeof(routes), "%s/routes", dir);
	snprintf(urlf, sizeof(urlf), "%s/url", dir);
	snprintf(errf, sizeof(errf), "%s/server.err", dir);
	snprintf(logpath, sizeof(logpath), "%s/log", dir);
	fflush(stdout);
	if ((server = fork()) == -1) {
		printf("Bail out! fork failed\n");
		exit(1);
	}
	if (server == 0) {
		fd = open(errf, O_WRONLY | O_CREAT | O_TRUNC, 0600);
		if (fd >= 0) {
			dup2(fd, 1);
			dup2(fd, 2);
			close(fd);
		}
		execlp("python3", "python3", replay, "--url-file", urlf,
		    "--log", logpath, "--watch-parent", "--max-seconds", "120",
		    routes, (char *)NULL);
		_exit(127);
	}
	deadline = now_s() + 10;
	while (now_s() < deadline) {
		if (read_file(urlf, &b) == 0 && b.len > 0)
			break;
		usleep(20000);
	}
	if (b.len == 0) {
		read_file(errf, &b);
		printf("Bail out! the replay server did not start: %s\n",
		    b.buf);
		stop_server();
		rm_dir();
		exit(1);
	}
	b.buf[strcspn(b.buf, "\r\n")] = '\0';
	snprintf(url_base, sizeof(url_base), "%s", b.buf);
	sf_buf_release(&b);
}

/* The log entries for path, in order: a new jansson array. */
static json_t *
requests(const char *path)
{
	json_t *a = json_array(), *e;
	char line[65536];
	FILE *f;

	if ((f = fopen(logpath, "r")) == NULL)
		return a;
	while (fgets(line, sizeof(line), f) != NULL) {
		if ((e = json_loads(line, 0, NULL)) == NULL)
			continue;
		if (strcmp(json_string_value(json_object_get(e, "path")),
		    path) == 0)
			json_array_append(a, e);
		json_decref(e);
	}
	fclose(f);
	return a;
}

static size_t
count(const char *path)
{
	json_t *a = requests(path);
	size_t n = json_array_size(a);

	json_decref(a);
	return n;
}

/* Request header name of entry i for path, or "" (a static copy). */
static const char *
req_header(const char *path, size_t i, const char *name)
{
	static char v[256];
	json_t *a = requests(path);
	const char *s;

	s = json_string_value(json_object_get(json_object_get(
	    json_array_get(a, i), "headers"), name));
	snprintf(v, sizeof(v), "%s", s ? s : "");
	json_decref(a);
	return v;
}

static int
on_begin(void *arg, const struct sf_http_res *res)
{
	struct sink *s = arg;
	const char *ct = sf_http_res_header(res, "content-type");

	s->begins++;
	sf_buf_reset(&s->body);
	snprintf(s->ctype, sizeof(s->ctype), "%s", ct ? ct : "");
	return s->stop_begin;
}

static int
on_body(void *arg, const char *p, size_t n)
{
	struct sink *s = arg;

	s->chunks++;
	sf_buf_add(&s->body, p, n);
	return s->stop_body;
}

static int
on_done(void *arg, const struct sf_http_res *res)
{
	struct sink *s = arg;

	s->dones++;
	s->done_rc = res->rc;
	return 0;
}

static void
on_note(void *arg, const char *msg)
{
	(void)arg;
	sf_buf_adds(&notes, msg);
	sf_buf_addc(&notes, '\n');
}

/* Empties s, which must be zeroed or initialised before. */
static void
sink_init(struct sink *s)
{
	sf_buf_release(&s->body);
	memset(s, 0, sizeof(*s));
	sf_buf_init(&s->body);
}

static struct sf_http_opts
fast_opts(int attempts)
{
	struct sf_http_opts o = { 0 };

	o.max_attempts = attempts;
	o.backoff_ms = 10;
	o.backoff_max_ms = 40;
	o.connect_timeout_ms = 2000;
	o.low_speed_time = 5;
	o.note = on_note;
	return o;
}

static struct sf_http *
client(const struct sf_http_opts *o)
{
	struct sf_err err;
	struct sf_http *h = sf_http_new(o, &err);

	if (h == NULL) {
		printf("Bail out! sf_http_new: %s\n", err.msg);
		exit(1);
	}
	return h;
}

static char *
url(const char *path)
{
	static char u[4][512];
	static int i;

	i = (i + 1) % 4;
	snprintf(u[i], sizeof(u[i]), "%s%s", url_base, path);
	return u[i];
}

/* GETs path on h into s; returns the rc, *res and err filled. */
static int
get(struct sf_http *h, const char *path, struct sink *s, int restart,
    const struct sf_http_res **res, struct sf_err *err)
{
	struct sf_http_req r = { 0 };

	r.url = url(path);
	r.begin = on_begin;
	r.body = on_body;
	r.done = on_done;
	r.arg = s;
	r.restart = restart;
	sf_err_clear(err);
	return sf_http_get(h, &r, res, err);
}

static void
test_escape(void)
{
	static const char *table[][2] = {
		{ "abcXYZ019-._~", "abcXYZ019-._~" },
		{ "", "" },
		{ "a b", "a%20b" },
		{ "2025-10-22 00:00:00", "2025-10-22%2000%3A00%3A00" },
		{ "stations[]", "stations%5B%5D" },
		{ "USGS-01646500,USGS-01647000",
		    "USGS-01646500%2CUSGS-01647000" },
		{ "2020-01-01/2020-12-31", "2020-01-01%2F2020-12-31" },
		{ "a+b=c&d", "a%2Bb%3Dc%26d" },
		{ "100%", "100%25" },
		{ "?#@:", "%3F%23%40%3A" },
		{ "*'()!$;", "%2A%27%28%29%21%24%3B" },
		{ "\"<>\\^`{|}", "%22%3C%3E%5C%5E%60%7B%7C%7D" },
		{ "\xc3\xa9t\xc3\xa9", "%C3%A9t%C3%A9" },
		{ "\x01\x1f\x7f\xff", "%01%1F%7F%FF" },
		{ "\r\n", "%0D%0A" },
	};
	struct sf_buf b = SF_BUF_INIT;
	char what[128];
	size_t i;

	for (i = 0; i < sizeof(table) / sizeof(table[0]); i++) {
		sf_buf_reset(&b);
		sf_http_escape(&b, table[i][0]);
		snprintf(what, sizeof(what), "escape row %zu", i + 1);
		is_str(b.buf, table[i][1], what);
	}
	sf_buf_release(&b);
}

static void
base_rejects(const char *base, const char *msg)
{
	struct sf_buf b = SF_BUF_INIT;
	struct sf_err err;
	char what[160];

	sf_buf_adds(&b, "unchanged");
	snprintf(what, sizeof(what), "url_base rejects '%s'", base);
	is_int(sf_http_url_base(&b, base, &err), -1, what);
	is_str(err.msg, msg, what);
	is_str(b.buf, "unchanged", "url_base: buffer unchanged on error");
	sf_buf_release(&b);
}

static void
test_url(void)
{
	struct sf_buf b = SF_BUF_INIT;
	struct sf_err err;

	is_int(sf_http_url_base(&b, "https://api.waterdata.usgs.gov/ogcapi/v0/",
	    &err), 0, "url_base: https with a path");
	is_str(b.buf, "https://api.waterdata.usgs.gov/ogcapi/v0",
	    "url_base: trailing slash dropped");
	sf_http_url_path(&b, "collections/daily/items");
	sf_http_url_param(&b, "monitoring_location_id",
	    "USGS-01646500,USGS-01647000");
	sf_http_url_param(&b, "time", "2020-01-01/2020-12-31");
	sf_http_url_param(&b, "f", "json");
	is_str(b.buf, "https://api.waterdata.usgs.gov/ogcapi/v0/collections/"
	    "daily/items?monitoring_location_id=USGS-01646500%2CUSGS-01647000"
	    "&time=2020-01-01%2F2020-12-31&f=json", "url: USGS daily");

	is_int(sf_http_url_base(&b, "HTTP://127.0.0.1:8080", &err), 0,
	    "url_base: upper-case scheme, port");
	sf_http_url_path(&b, "/gauges");
	sf_http_url_seg(&b, "AB/C D");
	sf_http_url_path(&b, "stageflow/forecast x");
	is_str(b.buf, "HTTP://127.0.0.1:8080/gauges/AB%2FC%20D/"
	    "stageflow/forecast%20x", "url: path and segment");
	sf_http_url_param(&b, "stations[]", "08MF005");
	sf_http_url_param(&b, "", "");
	is_str(b.buf, "HTTP://127.0.0.1:8080/gauges/AB%2FC%20D/"
	    "stageflow/forecast%20x?stations%5B%5D=08MF005&=",
	    "url: params after a path");
	sf_buf_release(&b);

	base_rejects("ftp://example.org/x", "base URL 'ftp://example.org/x': "
	    "not an http(s) URL");
	base_rejects("file:///etc/passwd", "base URL 'file:///etc/passwd': "
	    "not an http(s) URL");
	base_rejects("api.water.noaa.gov/nwps/v1",
	    "base URL 'api.water.noaa.gov/nwps/v1': not an http(s) URL");
	base_rejects("", "base URL '': not an http(s) URL");
	base_rejects("http://a b/", "base URL 'http://a b/': a space, a "
	    "control or a non-ASCII character");
	base_rejects("http://h/x?y=1", "base URL 'http://h/x?y=1': a query "
	    "or a fragment");
	base_rejects("http://h/x#y", "base URL 'http://h/x#y': a query or a "
	    "fragment");
	base_rejects("http://u:p@h/", "base URL 'http://u:p@h/': a user name "
	    "(credentials go in headers)");
}

static void
test_stream(void)
{
	struct sf_http_opts o = fast_opts(3);
	const struct sf_http_res *res;
	struct sf_http *h = client(&o);
	struct sf_err err;
	struct sink s = { 0 };
	json_t *a;

	sink_init(&s);
	is_int(get(h, "/big", &s, 0, &res, &err), 0, "200: rc");
	is_int(res->status, 200, "200: status");
	is_int(res->attempts, 1, "200: one attempt");
	is_int(res->rc, 0, "200: res rc");
	ok(s.body.len == big.len && memcmp(s.body.buf, big.buf, big.len) == 0,
	    "200: the chunks make the file");
	ok(s.chunks > 1, "200: body came in several chunks");
	is_int(s.begins, 1, "200: begin called once");
	is_int(s.dones, 1, "200: done called once");
	is_str(s.ctype, "application/octet-stream",
	    "200: Content-Type readable in begin");
	is_str(res->errbody, "", "200: no error body");
	ok(atol(sf_http_res_header(res, "CONTENT-LENGTH")) == (long)big.len,
	    "200: header lookup ignores case");
	ok(sf_http_res_header(res, "X-Nothing") == NULL,
	    "200: absent header is NULL");
	is_str(req_header("/big", 0, "User-Agent"), "sf/" SF_VERSION,
	    "request: User-Agent");
	is_str(req_header("/big", 0, "Accept-Encoding"), "gzip",
	    "request: Accept-Encoding");
	ok(sf_http_stats(h)->bytes == (long long)big.len, "stats: bytes");

	sink_init(&s);
	is_int(get(h, "/gz", &s, 0, &res, &err), 0, "gzip: rc");
	ok(s.body.len == big.len && memcmp(s.body.buf, big.buf, big.len) == 0,
	    "gzip: decoded body equals the file");
	is_str(sf_http_res_header(res, "Content-Encoding"), "gzip",
	    "gzip: the server did compress");
	ok(atol(sf_http_res_header(res, "Content-Length")) < (long)big.len / 4,
	    "gzip: fewer bytes on the wire");
	sf_buf_release(&s.body);

	sink_init(&s);
	is_int(get(h, "/hdr", &s, 0, &res, &err), 0, "headers: rc");
	is_str(sf_http_res_header(res, "x-ratelimit-remaining"), "42",
	    "headers: X-RateLimit-Remaining");
	is_str(s.ctype, "text/plain", "headers: Content-Type from .txt");
	is_str(s.body.buf, "hello world\n", "headers: body");
	sf_buf_release(&s.body);
	sf_http_free(h);

	/* keep-alive: three requests, one connection */
	h = client(&o);
	sink_init(&s);
	get(h, "/ka", &s, 0, &res, &err);
	get(h, "/ka", &s, 0, &res, &err);
	get(h, "/ka", &s, 0, &res, &err);
	a = requests("/ka");
	is_int(json_array_size(a), 3, "keep-alive: three requests");
	ok(json_integer_value(json_object_get(json_array_get(a, 0), "conn")) ==
	    json_integer_value(json_object_get(json_array_get(a, 2), "conn")) &&
	    json_integer_value(json_object_get(json_array_get(a, 1), "conn")) ==
	    json_integer_value(json_object_get(json_array_get(a, 2), "conn")),
	    "keep-alive: one connection");
	json_decref(a);
	is_int(sf_http_stats(h)->requests, 3, "stats: requests");
	sf_buf_release(&s.body);
	sf_http_free(h);
}

static void
test_retries(void)
{
	struct sf_http_opts o = fast_opts(4);
	const struct sf_http_res *res;
	struct sf_http *h = client(&o);
	struct sf_err err;
	char want[600];
	struct sink s = { 0 };
	json_t *a;
	double t0, gap;

	sink_init(&s);
	sf_buf_reset(&notes);
	is_int(get(h, "/r503", &s, 0, &res, &err), 0, "503,503,200: success");
	is_int(res->attempts, 3, "503,503,200: three attempts");
	is_int(count("/r503"), 3, "503,503,200: three requests seen");
	is_str(s.body.buf, "hello world\n", "503,503,200: the body");
	is_int(s.begins, 1, "503,503,200: begin only for the 200");
	is_int(sf_http_stats(h)->retries, 2, "stats: retries");
	snprintf(want, sizeof(want), "GET %s: HTTP 503; attempt 2 of 4 in ",
	    url("/r503"));
	ok(strstr(notes.buf, want) != NULL, "503: a note for the retry");
	if (strstr(notes.buf, want) == NULL)
		printf("#   notes: %s\n", notes.buf);

	sink_init(&s);
	t0 = now_s();
	is_int(get(h, "/r429", &s, 0, &res, &err), 0, "429: success");
	ok(now_s() - t0 >= 0.95, "429: waited Retry-After: 1");
	a = requests("/r429");
	is_int(json_array_size(a), 2, "429: two requests");
	gap = json_real_value(json_object_get(json_array_get(a, 1), "t")) -
	    json_real_value(json_object_get(json_array_get(a, 0), "t"));
	ok(gap >= 0.95, "429: the server saw the retry a second later");
	json_decref(a);

	sink_init(&s);
	o.retry_after_max_ms = 200;
	sf_http_free(h);
	h = client(&o);
	t0 = now_s();
	is_int(get(h, "/r429long", &s, 0, &res, &err), 0,
	    "Retry-After 30 capped: success");
	ok(now_s() - t0 < 2, "Retry-After 30 capped: short wait");
	ok(now_s() - t0 >= 0.19, "Retry-After 30 capped: waited the cap");
	t0 = now_s();
	is_int(get(h, "/r503date", &s, 0, &res, &err), 0,
	    "Retry-After date in the past: success");
	ok(now_s() - t0 < 1, "Retry-After date in the past: no long wait");

	sink_init(&s);
	is_int(get(h, "/r404", &s, 0, &res, &err), -1, "404: failure");
	snprintf(want, sizeof(want), "GET %s: HTTP 404", url("/r404"));
	is_str(err.msg, want, "404: message");
	is_str(res->err.msg, want, "404: res->err");
	is_int(res->status, 404, "404: status");
	is_int(res->attempts, 1, "404: one attempt");
	is_int(count("/r404"), 1, "404: not retried");
	is_str(res->errbody, "{\"code\":5,\"message\":\"gauge not found\"}",
	    "404: error body kept");
	is_int(res->errbody_len, 38, "404: error body length");
	is_int(s.begins + s.chunks, 0, "404: nothing to the body callbacks");
	is_int(s.dones, 1, "404: done called");
	is_int(s.done_rc, -1, "404: done saw rc -1");

	is_int(get(h, "/always503", &s, 0, &res, &err), -1, "503 x4: failure");
	snprintf(want, sizeof(want), "GET %s: HTTP 503 after 4 attempts",
	    url("/always503"));
	is_str(err.msg, want, "503 x4: message");
	is_int(count("/always503"), 4, "503 x4: four requests");
	is_str(res->errbody, "{\"code\":503,\"description\":\"injected by "
	    "replay.py\"}", "503 x4: the last error body");
	sf_http_free(h);
	sf_buf_release(&s.body);
}

static void
test_faults(void)
{
	struct sf_http_opts o = fast_opts(3);
	const struct sf_http_res *res;
	struct sf_http *h;
	struct sf_err err;
	char want[600];
	struct sink s = { 0 };
	double t0;

	h = client(&o);
	sink_init(&s);
	is_int(get(h, "/cut", &s, 0, &res, &err), -1, "cut body: failure");
	snprintf(want, sizeof(want), "GET %s: transfer closed with %zu bytes "
	    "remaining to read", url("/cut"), big.len - 1000);
	is_str(err.msg, want, "cut body: message");
	is_int(count("/cut"), 1, "cut body: not retried after bytes");
	is_int(s.body.len, 1000, "cut body: the caller saw the 1000 bytes");
	is_int(s.done_rc, -1, "cut body: done saw the failure");

	sink_init(&s);
	is_int(get(h, "/cutrestart", &s, 1, &res, &err), 0,
	    "cut body, restart: success");
	is_int(s.begins, 2, "cut body, restart: begin twice");
	ok(s.body.len == big.len && memcmp(s.body.buf, big.buf, big.len) == 0,
	    "cut body, restart: the whole body after begin");
	is_int(count("/cutrestart"), 2, "cut body, restart: two requests");

	sink_init(&s);
	is_int(get(h, "/cut0", &s, 0, &res, &err), 0,
	    "cut before any byte: retried, success");
	is_int(count("/cut0"), 2, "cut before any byte: two requests");
	is_str(s.body.buf, "hello world\n", "cut before any byte: body");
	sf_http_free(h);

	/* fresh clients: curl itself retries once on a reused connection */
	h = client(&o);
	sink_init(&s);
	is_int(get(h, "/reset", &s, 0, &res, &err), 0, "reset, 200: success");
	is_int(count("/reset"), 2, "reset, 200: two requests");
	sf_http_free(h);
	h = client(&o);
	is_int(get(h, "/resetall", &s, 0, &res, &err), -1, "reset x3: failure");
	ok(strstr(err.msg, "after 3 attempts") != NULL &&
	    strncmp(err.msg, "GET ", 4) == 0, "reset x3: message");
	printf("# %s\n", err.msg);
	is_int(res->status, 0, "reset x3: no status");
	is_int(count("/resetall"), 3, "reset x3: three requests");
	sf_http_free(h);
	h = client(&o);
	is_int(get(h, "/close", &s, 0, &res, &err), 0, "empty reply, 200: "
	    "success");
	is_int(count("/close"), 2, "empty reply, 200: two requests");
	sf_http_free(h);

	o = fast_opts(2);
	o.timeout_ms = 300;
	h = client(&o);
	t0 = now_s();
	is_int(get(h, "/slow", &s, 0, &res, &err), -1, "slow: failure");
	ok(now_s() - t0 < 2.5, "slow: gave up early");
	ok(strstr(err.msg, "timed out") != NULL &&
	    strstr(err.msg, "after 2 attempts") != NULL, "slow: message");
	printf("# %s\n", err.msg);
	is_int(count("/slow"), 2, "slow: two requests");
	sf_http_free(h);

	o = fast_opts(1);
	o.low_speed_time = 1;
	h = client(&o);
	t0 = now_s();
	is_int(get(h, "/slow2", &s, 0, &res, &err), -1, "too slow: failure");
	ok(now_s() - t0 < 2.9, "too slow: gave up before the answer");
	snprintf(want, sizeof(want), "GET %s: operation too slow",
	    url("/slow2"));
	ok(strncmp(err.msg, want, strlen(want)) == 0, "too slow: message");
	printf("# %s\n", err.msg);
	sf_http_free(h);

	/* nothing listens on a port just closed */
	{
		struct sockaddr_in sa = { 0 };
		socklen_t len = sizeof(sa);
		int fd = socket(AF_INET, SOCK_STREAM, 0);
		char u[100];
		struct sf_http_req r = { 0 };

		sa.sin_family = AF_INET;
		sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
		bind(fd, (struct sockaddr *)&sa, sizeof(sa));
		getsockname(fd, (struct sockaddr *)&sa, &len);
		close(fd);
		snprintf(u, sizeof(u), "http://127.0.0.1:%d/x",
		    ntohs(sa.sin_port));
		o = fast_opts(3);
		h = client(&o);
		r.url = u;
		is_int(sf_http_get(h, &r, &res, &err), -1, "refused: failure");
		ok(strstr(err.msg, "after 3 attempts") != NULL,
		    "refused: retried");
		printf("# %s\n", err.msg);
		is_int(sf_http_stats(h)->requests, 3, "refused: three tries");
		is_int(sf_http_stats(h)->failed, 1, "stats: failed");
		sf_http_free(h);
	}

	/* the caller stops */
	o = fast_opts(3);
	h = client(&o);
	sink_init(&s);
	s.stop_body = 1;
	is_int(get(h, "/big", &s, 0, &res, &err), -1, "body stops: failure");
	snprintf(want, sizeof(want), "GET %s: stopped by the caller",
	    url("/big"));
	is_str(err.msg, want, "body stops: message");
	is_int(s.chunks, 1, "body stops: no chunk after the stop");
	sink_init(&s);
	s.stop_begin = 1;
	is_int(get(h, "/r503b", &s, 0, &res, &err), -1, "begin stops: failure");
	snprintf(want, sizeof(want), "GET %s: stopped by the caller",
	    url("/r503b"));
	is_str(err.msg, want, "begin stops: message");
	is_int(count("/r503b"), 2, "begin stops: not retried");
	is_int(s.chunks, 0, "begin stops: no body");
	sf_http_free(h);
	sf_buf_release(&s.body);
}

static void
test_secret(void)
{
	static const char *const extra[] = { "Accept: application/json", NULL };
	struct sf_http_opts o = fast_opts(2);
	const struct sf_http_res *res;
	struct sf_http_req r = { 0 };
	struct sf_http *h;
	struct sf_err err;
	char u[600];
	struct sink s = { 0 };

	h = client(&o);
	sink_init(&s);
	is_int(get(h, "/keyed", &s, 0, &res, &err), -1, "no key: 403");
	is_int(res->status, 403, "no key: status");
	sf_http_free(h);

	o.secret_header = "X-Api-Key: " SECRET;
	o.headers = extra;
	sf_buf_reset(&notes);
	h = client(&o);
	is_int(get(h, "/keyed", &s, 0, &res, &err), 0, "key: 200");
	is_str(req_header("/keyed", 1, "X-Api-Key"), SECRET, "key: sent");
	is_str(req_header("/keyed", 1, "Accept"), "application/json",
	    "extra header: sent");

	is_int(get(h, "/always503k", &s, 0, &res, &err), -1,
	    "key, 503: failure");
	ok(strstr(err.msg, "HTTP 503 after 2 attempts") != NULL,
	    "key, 503: message");
	ok(strstr(err.msg, SECRET) == NULL, "key, 503: key not in the error");
	is_str(req_header("/always503k", 0, "X-Api-Key"), SECRET,
	    "key, 503: key was sent");

	is_int(get(h, "/echo403", &s, 0, &res, &err), -1, "echo: failure");
	ok(strstr(err.msg, SECRET) == NULL, "echo: key not in the error");
	is_str(res->errbody, "{\"error\":\"key *** is not valid (***)\"}",
	    "echo: key scrubbed from the error body");

	is_int(get(h, "/errbig", &s, 0, &res, &err), -1, "long echo: failure");
	is_int(res->errbody_len, 4090, "long echo: the key's start cut");
	ok(strstr(res->errbody, "SECRE") == NULL,
	    "long echo: no piece of the key");

	is_int(get(h, "/redirfar", &s, 0, &res, &err), -1,
	    "key, redirect elsewhere: refused");
	ok(strstr(err.msg, "redirect to another host refused") != NULL,
	    "key, redirect elsewhere: message");
	ok(strstr(notes.buf, SECRET) == NULL && notes.len > 0,
	    "notes: the key never shows");

	snprintf(u, sizeof(u), "value '%s': not a number", SECRET);
	sf_http_scrub(h, u, sizeof(u));
	is_str(u, "value '***': not a number", "scrub: the key");
	snprintf(u, sizeof(u), "value '%.8s...': cut", SECRET);
	sf_http_scrub(h, u, sizeof(u));
	is_str(u, "value '***...': cut", "scrub: a beginning of the key");
	{
		char m[20];

		memcpy(m, "0123456789abcd" SECRET, sizeof(m) - 1);
		m[sizeof(m) - 1] = '\0';
		sf_http_scrub(h, m, sizeof(m));
		is_str(m, "0123456789abcd", "scrub: a cut message's tail");
		snprintf(m, sizeof(m), "%.2s", SECRET);
		sf_http_scrub(h, m, sizeof(m));
		is_str(m, "SE", "scrub: a short piece of an uncut message");
	}
	sf_http_scrub(NULL, u, sizeof(u));

	snprintf(u, sizeof(u), "%s/x?key=%s", url_base, SECRET);
	r.url = u;
	is_int(sf_http_add(h, &r, &err), -1, "key in the URL: refused");
	is_str(err.msg, "GET: the URL holds the secret header's value",
	    "key in the URL: message without the URL");
	sf_http_free(h);

	o.secret_header = "X-Api-Key:";
	ok(sf_http_new(&o, &err) == NULL, "empty secret: refused");
	o.secret_header = "X-Api-Key: a\r\nHost: evil";
	ok(sf_http_new(&o, &err) == NULL, "secret with CRLF: refused");
	ok(strstr(err.msg, "evil") == NULL, "bad secret: not quoted");
	sf_buf_release(&s.body);
}

static void
test_redirect(void)
{
	struct sf_http_opts o = fast_opts(1);
	const struct sf_http_res *res;
	struct sf_http *h = client(&o);
	struct sf_http_req r = { 0 };
	struct sf_err err;
	struct sink s = { 0 };

	sink_init(&s);
	is_int(get(h, "/redir", &s, 0, &res, &err), 0, "redirect: followed");
	is_str(s.body.buf, "hello world\n", "redirect: the target's body");
	is_int(res->attempts, 1, "redirect: one attempt");
	is_str(res->url, url("/redir"), "redirect: res->url is the asked one");
	is_int(count("/redir2"), 1, "redirect: target requested");
	is_int(get(h, "/loop", &s, 0, &res, &err), -1, "redirect loop: error");
	ok(strstr(err.msg, "more than 5 redirects") != NULL,
	    "redirect loop: message");
	is_int(count("/loop"), 6, "redirect loop: six requests");
	is_int(get(h, "/redirfar", &s, 0, &res, &err), -1,
	    "redirect elsewhere, no key: followed (port 1 refuses)");
	ok(strstr(err.msg, "port 1") != NULL, "redirect elsewhere: message");
	printf("# %s\n", err.msg);
	r.url = "ftp://127.0.0.1/x";
	is_int(sf_http_add(h, &r, &err), -1, "ftp URL: refused");
	is_str(err.msg, "GET ftp://127.0.0.1/x: not an http(s) URL",
	    "ftp URL: message");
	sf_http_free(h);
	sf_buf_release(&s.body);
}

struct page {
	struct sf_http *h;
	int n;
	char order[16];
};

static int
page_done(void *arg, const struct sf_http_res *res)
{
	struct page *p = arg;
	struct sf_http_req r = { 0 };
	char u[300];

	p->order[strlen(p->order)] = res->url[strlen(res->url) - 1];
	if (++p->n < 3) {
		snprintf(u, sizeof(u), "%s/page%d", url_base, p->n + 1);
		r.url = u;
		r.done = page_done;
		r.arg = p;
		return sf_http_add(p->h, &r, NULL);
	}
	return 0;
}

static int
stop_done(void *arg, const struct sf_http_res *res)
{
	(*(int *)arg)++;
	return 1;
}

static void
test_parallel(void)
{
	struct sf_http_opts o = fast_opts(2);
	struct sf_http_req r = { 0 };
	struct sink s[4];
	struct page pg = { 0 };
	struct sf_http *h;
	struct sf_err err;
	char u[4][300], what[64];
	double t0, t;
	json_t *a;
	int i, stopped = 0;

	memset(s, 0, sizeof(s));
	o.parallel = 4;
	h = client(&o);
	for (i = 0; i < 4; i++) {
		sink_init(&s[i]);
		snprintf(u[i], sizeof(u[i]), "%s/par%d", url_base, i);
		r.url = u[i];
		r.body = on_body;
		r.done = on_done;
		r.arg = &s[i];
		sf_http_add(h, &r, &err);
	}
	t0 = now_s();
	is_int(sf_http_run(h, &err), 0, "parallel 4: run");
	t = now_s() - t0;
	ok(t < 1.4, "parallel 4: four 0.5 s answers at once");
	printf("# %.2f s\n", t);
	for (i = 0; i < 4; i++) {
		snprintf(what, sizeof(what), "parallel 4: request %d done", i);
		ok(s[i].dones == 1 && s[i].done_rc == 0 &&
		    strcmp(s[i].body.buf, "hello world\n") == 0, what);
		sf_buf_release(&s[i].body);
	}
	sf_http_free(h);

	o.parallel = 2;
	h = client(&o);
	for (i = 0; i < 4; i++) {
		sink_init(&s[i]);
		snprintf(u[i], sizeof(u[i]), "%s/par%d", url_base, 4 + i);
		r.url = u[i];
		r.arg = &s[i];
		sf_http_add(h, &r, &err);
	}
	t0 = now_s();
	is_int(sf_http_run(h, &err), 0, "parallel 2: run");
	t = now_s() - t0;
	ok(t >= 0.95 && t < 1.9, "parallel 2: two rounds");
	printf("# %.2f s\n", t);
	for (i = 0; i < 4; i++)
		sf_buf_release(&s[i].body);

	/* done queues the next page */
	pg.h = h;
	memset(&r, 0, sizeof(r));
	snprintf(u[0], sizeof(u[0]), "%s/page1", url_base);
	r.url = u[0];
	r.done = page_done;
	r.arg = &pg;
	sf_http_add(h, &r, &err);
	is_int(sf_http_run(h, &err), 0, "pages: run");
	is_str(pg.order, "123", "pages: each queued by the previous done");
	a = requests("/page3");
	is_int(json_array_size(a), 1, "pages: the third was fetched");
	json_decref(a);

	/* sf_http_get refuses to run beside queued requests */
	r.url = url("/small");
	r.done = stop_done;
	r.arg = &stopped;
	sf_http_add(h, &r, &err);
	sf_http_add(h, &r, &err);
	is_int(sf_http_get(h, &r, NULL, &err), -1, "get with queue: refused");
	is_str(err.msg, "http: sf_http_get with requests queued",
	    "get with queue: message");
	is_int(sf_http_run(h, &err), -1, "done stops the run");
	is_int(stopped, 1, "done stops: the other request dropped");

	/* hold */
	sf_http_hold(h, 300);
	t0 = now_s();
	memset(&r, 0, sizeof(r));
	r.url = url("/small");
	is_int(sf_http_get(h, &r, NULL, &err), 0, "hold: get");
	ok(now_s() - t0 >= 0.29, "hold: waited");
	sf_http_free(h);
}

static void
make_files(const char *top)
{
	struct sf_buf b = SF_BUF_INIT;
	int i;

	for (i = 0; i < BIG_LINES; i++)
		sf_buf_addf(&big, "%06d,2024-01-01T00:15:00Z,%d.%02d,A:e\n",
		    i, i * 7 % 10000, i % 100);
	write_file("big.bin", big.buf, big.len);
	write_file("big.txt", big.buf, big.len);
	write_file("small.txt", "hello world\n", 12);
	for (i = 0; i < 4090; i++)
		sf_buf_addc(&b, 'x');
	sf_buf_adds(&b, SECRET " and more");
	write_file("errbig.txt", b.buf, b.len);
	sf_buf_reset(&b);
	sf_buf_adds(&b,
	    "GET /big -> 200 big.bin\n"
	    "GET /gz -> 200 big.txt gzip\n"
	    "GET /hdr -> 200 small.txt X-RateLimit-Remaining: 42\n"
	    "GET /ka -> 200 small.txt\n"
	    "GET /small -> 200 small.txt\n"
	    "GET /r503 -> 503 times=2\n  -> 200 small.txt\n"
	    "GET /r503b -> 503\n  -> 200 small.txt\n"
	    "GET /r429 -> 429 Retry-After: 1\n  -> 200 small.txt\n"
	    "GET /r429long -> 429 Retry-After: 30\n  -> 200 small.txt\n"
	    "GET /r503date -> 503 "
	    "'Retry-After: Wed, 21 Oct 2015 07:28:00 GMT'\n"
	    "  -> 200 small.txt\n"
	    "GET /r404 -> 404 text='{\"code\":5,\"message\":\"gauge not "
	    "found\"}'\n"
	    "GET /always503 -> 503\n"
	    "GET /always503k -> 503\n"
	    "GET /cut -> 200 big.bin cut=1000\n"
	    "GET /cutrestart -> 200 big.bin cut=5000\n  -> 200 big.bin\n"
	    "GET /cut0 -> 200 small.txt cut=0\n  -> 200 small.txt\n"
	    "GET /reset -> reset\n  -> 200 small.txt\n"
	    "GET /resetall -> reset\n"
	    "GET /close -> close\n  -> 200 small.txt\n"
	    "GET /slow -> 200 small.txt delay=2\n"
	    "GET /slow2 -> 200 small.txt delay=3\n"
	    "GET /keyed @X-Api-Key=" SECRET " -> 200 small.txt\n"
	    "GET /keyed -> 403 text='{\"code\":\"403\",\"description\":\"API "
	    "key missing\"}'\n"
	    "GET /echo403 -> 403 text='{\"error\":\"key " SECRET " is not "
	    "valid (" SECRET ")\"}'\n"
	    "GET /errbig -> 403 errbig.txt\n"
	    "GET /redir -> 302 Location: /redir2\n"
	    "GET /redir2 -> 200 small.txt\n"
	    "GET /loop -> 302 Location: /loop\n"
	    "GET /redirfar -> 302 Location: http://127.0.0.1:1/small\n"
	    "GET ~^/par[0-9]$ -> 200 small.txt delay=0.5\n"
	    "GET ~^/page[0-9]$ -> 200 small.txt\n"
	    "GET /params -> 200 small.txt\n");
	write_file("routes", b.buf, b.len);
	sf_buf_release(&b);
	(void)top;
}

static void
test_params_roundtrip(void)
{
	struct sf_buf b = SF_BUF_INIT;
	struct sf_http_req r = { 0 };
	struct sf_http *h = client(NULL);
	struct sf_err err;
	json_t *a, *p;

	sf_http_url_base(&b, url_base, &err);
	sf_http_url_path(&b, "params");
	sf_http_url_param(&b, "stations[]", "08MF005");
	sf_http_url_param(&b, "start_date", "2025-10-22 00:00:00");
	sf_http_url_param(&b, "q", "a&b=c+d%e/f,g");
	r.url = b.buf;
	is_int(sf_http_get(h, &r, NULL, &err), 0, "params: get");
	a = requests("/params");
	p = json_object_get(json_array_get(a, 0), "params");
	is_str(json_string_value(json_array_get(json_object_get(p,
	    "stations[]"), 0)), "08MF005", "params: stations[] decoded");
	is_str(json_string_value(json_array_get(json_object_get(p,
	    "start_date"), 0)), "2025-10-22 00:00:00",
	    "params: start_date decoded");
	is_str(json_string_value(json_array_get(json_object_get(p, "q"), 0)),
	    "a&b=c+d%e/f,g", "params: reserved characters survive");
	json_decref(a);
	sf_http_free(h);
	sf_buf_release(&b);
}

/* test_idle: a thread whose work idle waits for. */
struct idle_work {
	pthread_mutex_t mu;
	int through;		/* the thread's work is done */
	int calls;		/* idle's calls */
	int after;		/* of them after it was done */
	struct sf_http *h;
};

static void *
idle_thread(void *arg)
{
	struct idle_work *w = arg;
	struct timespec ts = { 0, 200 * 1000 * 1000 };

	nanosleep(&ts, NULL);
	pthread_mutex_lock(&w->mu);
	w->through = 1;
	pthread_mutex_unlock(&w->mu);
	sf_http_wakeup(w->h);
	return NULL;
}

static int
idle_busy(void *arg)
{
	struct idle_work *w = arg;
	int through;

	pthread_mutex_lock(&w->mu);
	through = w->through;
	w->calls++;
	w->after += through;
	pthread_mutex_unlock(&w->mu);
	return !through;
}

/*
 * An idle that says work is under way keeps sf_http_run going with no
 * request left, waiting (not spinning) until the other thread's
 * sf_http_wakeup; then idle says 0 and the run returns.
 */
static void
test_idle(void)
{
	struct idle_work w = { PTHREAD_MUTEX_INITIALIZER, 0, 0, 0, NULL };
	struct sf_http_opts o = { 0 };
	struct sf_err err;
	pthread_t t;
	double t0;
	int rc;

	o.idle = idle_busy;
	o.idle_arg = &w;
	if ((w.h = sf_http_new(&o, &err)) == NULL) {
		printf("Bail out! sf_http_new: %s\n", err.msg);
		exit(1);
	}
	pthread_create(&t, NULL, idle_thread, &w);
	t0 = now_s();
	rc = sf_http_run(w.h, &err);
	pthread_join(t, NULL);
	is_int(rc, 0, "idle busy, no request: sf_http_run returns 0");
	ok(w.through && w.after >= 1, "  once the thread is through, not "
	    "before");
	/* the thread is through at 0.2 s; the poll alone waits 1 s */
	ok(now_s() - t0 < 0.95, "  woken by sf_http_wakeup, not the "
	    "poll's 1 s timeout");
	ok(w.calls < 20, "  waiting, not spinning");
	sf_http_free(w.h);
}

int
main(void)
{
	const char *top = getenv("SF_TOP");
	double t0 = now_s();

	if (top == NULL) {
		printf("Bail out! SF_TOP is not set (run through make test)\n");
		return 1;
	}
	signal(SIGPIPE, SIG_IGN);
	test_escape();
	test_url();
	if (mkdtemp(dir) == NULL) {
		printf("Bail out! mkdtemp failed\n");
		return 1;
	}
	make_files(top);
	start_server(top);
	test_stream();
	test_retries();
	test_faults();
	test_secret();
	test_redirect();
	test_parallel();
	test_params_roundtrip();
	test_idle();
	stop_server();
	rm_dir();
	sf_buf_release(&big);
	sf_buf_release(&notes);
	sf_http_global_cleanup();
	printf("# %.1f s\n", now_s() - t0);
	return tap_done();
}
