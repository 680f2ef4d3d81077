/*
 * t_fetchrun: the fetch engine (sf_fetchrun) with a fake driver against
 * the loopback replay server (tests/server), which this test starts
 * itself: windows all or nothing, pages sorted by station and time, a
 * station going back in time, error and done records, page_whole, the
 * ordered output and the intake; and the row store and the options on
 * their own. Never the network.
 */
#include <sys/types.h>
#include <sys/wait.h>

#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "tap.h"
#include "tap_time.h"
#include "sf_buf.h"
#include "sf_err.h"
#include "sf_fetchrun.h"
#include "sf_rec.h"
#include "sf_time.h"
#include "sf.h"

static char dir[] = "/tmp/t_fetchrun.XXXXXX";
static int jobs = 4;			/* run's -j */
static size_t ahead_peak;		/* run's sf_fetchrun_ahead_peak */
static char base[256];
static pid_t server = -1;

/* Files */

static void
write_file(const char *name, const char *s)
{
	char path[300];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	if ((f = fopen(path, "w")) == NULL || fputs(s, f) == EOF ||
	    fclose(f) != 0) {
		printf("Bail out! cannot write %s\n", path);
		exit(1);
	}
}

static void
slurp(FILE *f, struct sf_buf *b)
{
	char tmp[4096];
	size_t n;

	sf_buf_reset(b);
	rewind(f);
	while ((n = fread(tmp, 1, sizeof(tmp), f)) > 0)
		sf_buf_add(b, tmp, n);
	if (b->buf == NULL)
		sf_buf_adds(b, "");
}

static void
start_server(const char *top)
{
	char replay[600], routes[300], urlf[300];
	struct sf_buf b = SF_BUF_INIT;
	int i, fd;
	FILE *f;

	snprintf(replay, sizeof(replay), "%s/tests/server/replay.py", top);
	snprintf(routes, sizeof(routes), "%s/routes", dir);
	snprintf(urlf, sizeof(urlf), "%s/url", dir);
	fflush(stdout);
	if ((server = fork()) == -1) {
		printf("Bail out! fork failed\n");
		exit(1);
	}
	if (server == 0) {
		if ((fd = open("/dev/null", O_WRONLY)) >= 0) {
			dup2(fd, 1);
			dup2(fd, 2);
		}
		execlp("python3", "python3", replay, "--url-file", urlf,
		    "--watch-parent", "--max-seconds", "120", routes,
		    (char *)NULL);
		_exit(127);
	}
	for (i = 0; i < 500 && b.len == 0; i++) {
		if ((f = fopen(urlf, "r")) != NULL) {
			slurp(f, &b);
			fclose(f);
		}
		if (b.len == 0)
			usleep(20000);
	}
	if (b.len == 0) {
		printf("Bail out! the replay server did not start\n");
		exit(1);
	}
	b.buf[strcspn(b.buf, "\r\n")] = '\0';
	snprintf(base, sizeof(base), "%s", b.buf);
	sf_buf_release(&b);
}

static void
stop_server(void)
{
	int st;

	if (server > 0) {
		kill(server, SIGTERM);
		waitpid(server, &st, 0);
	}
	server = -1;
}

static void
rm_dir(void)
{
	static const char *const names[] = { "routes", "url", "a0", "a1",
	    "b0", "b1", "c0", "c1", "d0", "d1", "bad", "slow", "fast",
	    "r0", "r1", "m0", "n0", "f0", "x9", "big0", "big1", "big2",
	    NULL };
	char path[300];
	int i;

	for (i = 0; names[i] != NULL; i++) {
		snprintf(path, sizeof(path), "%s/%s", dir, names[i]);
		unlink(path);
	}
	rmdir(dir);
}

/*
 * The fake driver. A body is lines: "obs STATION TIME VALUE" (VALUE "-"
 * for null), "next PATH" (the next page), "bad" (a parse error), "peek
 * PATH" (nothing to the parser; see fake_peek), "# ..." (nothing).
 */

struct fake {
	int one_per_station;		/* a job per station, else one job */
	const char *const *windows;	/* the one job's window paths */
	const char *const *per_station;	/* one_per_station: its path */
	int64_t t0;			/* window k starts at t0 + 4k days */
};

struct fparser {
	sf_fetch_emit_fn *emit;
	void *arg;
	struct sf_buf line, next;
	int has_next;
};

static int
fake_take(void *ctx, struct sf_fetch_station *s, struct sf_err *err)
{
	(void)ctx;
	if (strcmp(s->id, "BAD") == 0)
		return sf_err_set(err, "not a station this driver knows");
	return 0;
}

static int
fake_plan(void *ctx, struct sf_fetchrun *e, struct sf_fetch_station **st,
    size_t n, struct sf_err *err)
{
	const struct fake *f = ctx;
	size_t i;

	(void)err;
	if (!f->one_per_station) {
		(void)sf_fetchrun_job(e, st, n, NULL);
		return 0;
	}
	for (i = 0; i < n; i++)
		(void)sf_fetchrun_job(e, &st[i], 1,
		    (void *)f->per_station[st[i]->index]);
	return 0;
}

static int
fake_window(void *ctx, struct sf_fetch_job *j, struct sf_buf *url,
    struct sf_err *err)
{
	const struct fake *f = ctx;
	const char *path;

	(void)err;
	if (f->one_per_station)
		path = j->win == 0 ? j->data : NULL;
	else
		path = f->windows[j->win];
	if (path == NULL)
		return 0;
	j->ws = f->t0 + j->win * 4 * 86400;
	j->we = j->ws + 4 * 86400 - 1;
	sf_buf_addf(url, "%s/%s", base, path);
	return 1;
}

static void *
fake_parser_new(void *ctx, struct sf_fetch_job *j, sf_fetch_emit_fn *emit,
    void *arg)
{
	struct fparser *p = calloc(1, sizeof(*p));

	(void)ctx;
	(void)j;
	p->emit = emit;
	p->arg = arg;
	sf_buf_init(&p->line);
	sf_buf_init(&p->next);
	return p;
}

static void
fake_parser_free(void *vp)
{
	struct fparser *p = vp;

	sf_buf_release(&p->line);
	sf_buf_release(&p->next);
	free(p);
}

static void
fake_begin(void *vp, const struct sf_http_res *res)
{
	struct fparser *p = vp;

	(void)res;
	sf_buf_reset(&p->line);
	p->has_next = 0;
}

static int
fake_line(struct fparser *p, struct sf_err *err)
{
	char st[32], t[32], v[32];
	struct sf_rec r;

	if (sscanf(p->line.buf, "obs %31s %31s %31s", st, t, v) == 3) {
		sf_rec_clear(&r, SF_KIND_OBS);
		r.f[SF_OBS_CONFIG] = "c";
		r.f[SF_OBS_STATION] = st;
		r.f[SF_OBS_AGENCY] = "USGS";
		r.f[SF_OBS_TYPE] = "daily_mean";
		r.f[SF_OBS_OBSERVED_AT] = t;
		r.f[SF_OBS_DISCHARGE] = strcmp(v, "-") == 0 ? NULL : v;
		r.f[SF_OBS_UNIT] = "cfs";
		r.f[SF_OBS_QUALITY_CODE] = "P";
		return p->emit(p->arg, &r) == 0 ? 0 :
		    sf_err_set(err, "stopped by the caller");
	}
	if (strncmp(p->line.buf, "peek ", 5) == 0 || p->line.buf[0] == '#')
		return 0;	/* for fake_peek; filler */
	if (sscanf(p->line.buf, "next %31s", t) == 1) {
		sf_buf_reset(&p->next);
		sf_buf_addf(&p->next, "%s/%s", base, t);
		p->has_next = 1;
		return 0;
	}
	return sf_err_set(err, "line '%s': unknown", p->line.buf);
}

static int
fake_feed(void *vp, const char *buf, size_t n, struct sf_err *err)
{
	struct fparser *p = vp;
	size_t i;

	for (i = 0; i < n; i++) {
		if (buf[i] != '\n') {
			sf_buf_addc(&p->line, buf[i]);
			continue;
		}
		if (p->line.len > 0 && fake_line(p, err) == -1)
			return -1;
		sf_buf_reset(&p->line);
	}
	return 0;
}

static int
fake_finish(void *vp, const char **next, struct sf_err *err)
{
	struct fparser *p = vp;

	(void)err;
	*next = p->has_next ? p->next.buf : NULL;
	return 0;
}

/* fake_feed at 32 MB/s at most: a parser slower than its transfers */
static int
slow_feed(void *vp, const char *buf, size_t n, struct sf_err *err)
{
	struct timespec ts = { 0, 2000000 };

	nanosleep(&ts, NULL);
	return fake_feed(vp, buf, n, err);
}

static const struct sf_fetch_driver fake_driver = {
	.agency = "USGS",
	.observations = 1,
	.take = fake_take,
	.plan = fake_plan,
	.window = fake_window,
	.parser_new = fake_parser_new,
	.parser_free = fake_parser_free,
	.begin = fake_begin,
	.feed = fake_feed,
	.finish = fake_finish,
};

/*
 * The fake driver reading ahead: peek_next reads the last "peek PATH"
 * line of the tail (what the body claims its next page is), which the
 * body's "next" line may contradict.
 */
static int
fake_peek(void *ctx, const char *tail, size_t n, struct sf_buf *next)
{
	const char *p = NULL;
	size_t i, k;

	(void)ctx;
	for (i = 0; i + 5 <= n; i++)
		if ((i == 0 || tail[i - 1] == '\n') &&
		    memcmp(tail + i, "peek ", 5) == 0)
			p = tail + i + 5;
	if (p == NULL)
		return 0;
	k = strcspn(p, "\n");
	sf_buf_reset(next);
	sf_buf_addf(next, "%s/%.*s", base, (int)k, p);
	return 1;
}

/* Replaces the server's base URL in b with "URL". */
static void
unbase(struct sf_buf *b)
{
	struct sf_buf r = SF_BUF_INIT;
	size_t n = strlen(base);
	const char *p = b->buf, *q;

	while ((q = strstr(p, base)) != NULL) {
		sf_buf_add(&r, p, (size_t)(q - p));
		sf_buf_adds(&r, "URL");
		p = q + n;
	}
	sf_buf_adds(&r, p);
	sf_buf_reset(b);
	sf_buf_adds(b, r.buf);
	sf_buf_release(&r);
}

/* Runs the engine on input with driver d and ctx f; out and notes. */
static int
run(const struct sf_fetch_driver *d, struct fake *f, const char *input,
    struct sf_buf *out, struct sf_buf *notes)
{
	struct sf_fetchrun_conf c = { 0 };
	struct sf_fetchrun_opts o;
	struct sf_fetchrun *e;
	struct sf_err err;
	FILE *in, *fo;
	int rval;

	sf_fetchrun_opts_init(&o);
	o.jobs = jobs;
	o.retries = 0;
	o.backoff = 1;
	in = tmpfile();
	fo = tmpfile();
	fputs(input, in);
	rewind(in);
	c.drv = d;
	c.ctx = f;
	c.opts = &o;
	c.base = base;
	c.out = fo;
	c.note = sf_note_buf;
	c.note_arg = notes;
	c.progname = "t";
	c.now = T("2024-02-01T00:00:00Z");
	sf_buf_reset(notes);
	if ((e = sf_fetchrun_new(&c, &err)) == NULL) {
		printf("Bail out! %s\n", err.msg);
		exit(1);
	}
	(void)sf_fetchrun_read(e, in, "stdin");
	rval = sf_fetchrun_run(e);
	ahead_peak = sf_fetchrun_ahead_peak(e);
	sf_fetchrun_free(e);
	fflush(fo);
	slurp(fo, out);
	unbase(out);
	fclose(in);
	fclose(fo);
	if (notes->buf == NULL)
		sf_buf_adds(notes, "");
	return rval;
}

#define REQ(st) "{\"kind\":\"request\",\"config\":\"c\",\"station\":\"" \
	st "\",\"agency\":\"USGS\",\"type\":\"daily_mean\",\"source\":null," \
	"\"start\":\"2024-01-01\",\"end\":\"2024-01-20\"," \
	"\"modified_since\":null,\"target_id\":null}\n"
#define OBS(st, t, v) "{\"kind\":\"obs\",\"config\":\"c\",\"station\":\"" \
	st "\",\"agency\":\"USGS\",\"type\":\"daily_mean\",\"observed_at\":\"" \
	t "T00:00:00Z\",\"discharge\":" v ",\"unit\":\"cfs\"," \
	"\"quality_code\":\"P\"}\n"
#define DONE(st, n, t) "{\"kind\":\"done\",\"config\":\"c\",\"station\":\"" \
	st "\",\"agency\":\"USGS\",\"type\":\"daily_mean\",\"start\":" \
	"\"2024-01-01\",\"end\":\"2024-01-20\",\"modified_since\":null," \
	"\"rows\":" n ",\"newest\":" t "}\n"
#define ERR(st, start, status, msg) "{\"kind\":\"error\",\"config\":\"c\"," \
	"\"station\":\"" st "\",\"agency\":\"USGS\",\"type\":\"daily_mean\"," \
	"\"start\":" start ",\"status\":" status ",\"message\":\"" msg "\"}\n"

static void
test_windows(void)
{
	static const char *const w[] = { "a0", "a1", NULL };
	struct fake f = { 0, w, NULL, 0 };
	struct sf_buf out = SF_BUF_INIT, notes = SF_BUF_INIT;

	f.t0 = T("2024-01-01T00:00:00Z");
	is_int(run(&fake_driver, &f, REQ("A") REQ("B"), &out, &notes), 0,
	    "two windows: exit 0");
	is_str(out.buf,
	    OBS("A", "2024-01-01", "1.50")
	    OBS("A", "2024-01-02", "1")
	    OBS("B", "2024-01-01", "null")
	    OBS("B", "2024-01-02", "2.25")
	    OBS("A", "2024-01-05", "3e2")
	    DONE("A", "3", "\"2024-01-05T00:00:00Z\"")
	    DONE("B", "2", "\"2024-01-02T00:00:00Z\""),
	    "a page sorted by station and time, the windows in order, the "
	    "values as written, one done record each");
	sf_buf_release(&out);
	sf_buf_release(&notes);
}

static void
test_window_fails(void)
{
	static const char *const w[] = { "a0", "b1", NULL };
	struct fake f = { 0, w, NULL, 0 };
	struct sf_buf out = SF_BUF_INIT, notes = SF_BUF_INIT;
	struct sf_fetch_driver d = fake_driver;

	f.t0 = T("2024-01-01T00:00:00Z");
	is_int(run(&fake_driver, &f, REQ("A") REQ("B"), &out, &notes), 1,
	    "a window failing on its second page: exit 1");
	is_str(out.buf,
	    OBS("A", "2024-01-01", "1.50")
	    OBS("A", "2024-01-02", "1")
	    OBS("B", "2024-01-01", "null")
	    OBS("B", "2024-01-02", "2.25")
	    ERR("A", "\"2024-01-05T00:00:00Z\"", "503", "GET URL/fail: HTTP 503")
	    ERR("B", "\"2024-01-05T00:00:00Z\"", "503", "GET URL/fail: HTTP 503"),
	    "nothing of the failed window; each station's error record, "
	    "from the window's start");
	ok(strstr(notes.buf, "station 'A': GET ") != NULL,
	    "the failure said on stderr");

	d.page_whole = 1;
	is_int(run(&d, &f, REQ("A") REQ("B"), &out, &notes), 1,
	    "page_whole: exit 1");
	ok(strstr(out.buf, OBS("A", "2024-01-05", "5")) != NULL &&
	    strstr(out.buf, "\"kind\":\"error\"") >
	    strstr(out.buf, "2024-01-05"),
	    "page_whole: the first page of the failed window is written, "
	    "then the errors");
	sf_buf_release(&out);
	sf_buf_release(&notes);
}

static void
test_back_in_time(void)
{
	static const char *const w[] = { "c0", "c1", NULL };
	struct fake f = { 0, w, NULL, 0 };
	struct sf_buf out = SF_BUF_INIT, notes = SF_BUF_INIT;

	f.t0 = T("2024-01-01T00:00:00Z");
	is_int(run(&fake_driver, &f, REQ("A") REQ("B"), &out, &notes), 1,
	    "a station going back in time: exit 1");
	is_str(out.buf,
	    OBS("A", "2024-01-05", "5")
	    ERR("A", "\"2024-01-05T00:00:00Z\"", "null",
	    "rows out of order: 2024-01-03T00:00:00Z after "
	    "2024-01-05T00:00:00Z")
	    OBS("B", "2024-01-03", "3")
	    DONE("B", "1", "\"2024-01-03T00:00:00Z\""),
	    "it fails there, the other station goes on");
	sf_buf_release(&out);
	sf_buf_release(&notes);
}

static void
test_sort_window(void)
{
	static const char *const w[] = { "d0", NULL };
	static const char *const wb[] = { "bad", NULL };
	struct fake f = { 0, w, NULL, 0 };
	struct sf_buf out = SF_BUF_INIT, notes = SF_BUF_INIT;
	struct sf_fetch_driver d = fake_driver;

	f.t0 = T("2024-01-01T00:00:00Z");
	is_int(run(&d, &f, REQ("A"), &out, &notes), 1,
	    "two pages, the second earlier: exit 1");
	ok(strstr(out.buf, "rows out of order") != NULL,
	    "page by page, the second page goes back in time");
	d.sort_window = 1;
	is_int(run(&d, &f, REQ("A"), &out, &notes), 0,
	    "sort_window: exit 0");
	is_str(out.buf,
	    OBS("A", "2024-01-03", "3")
	    OBS("A", "2024-01-05", "5")
	    DONE("A", "2", "\"2024-01-05T00:00:00Z\""),
	    "sort_window: the window's pages sorted together");

	f.windows = wb;
	(void)run(&d, &f, REQ("A"), &out, &notes);
	ok(strstr(out.buf, "\"message\":\"GET URL/bad: line 'bad': "
	    "unknown\"") != NULL, "a page the parser refuses: GET URL: what");
	d.bare_errors = 1;
	(void)run(&d, &f, REQ("A"), &out, &notes);
	ok(strstr(out.buf, "\"message\":\"line 'bad': unknown\"") != NULL,
	    "bare_errors: the parser's words alone");
	sf_buf_release(&out);
	sf_buf_release(&notes);
}

static void
test_ordered(void)
{
	static const char *const per[] = { "slow", "fast", NULL };
	struct fake f = { 1, NULL, per, 0 };
	struct sf_buf out = SF_BUF_INIT, notes = SF_BUF_INIT;
	struct sf_fetch_driver d = fake_driver;
	const char *foreign = "{\"kind\":\"station\",\"station\":\"X\","
	    "\"agency\":\"USGS\",\"name\":null,\"latitude\":null,"
	    "\"longitude\":null,\"state\":null,\"huc_code\":null,"
	    "\"drainage_area_sqmi\":null,\"altitude_ft\":null,"
	    "\"utc_offset\":null,\"uses_dst\":null}\n";
	struct sf_buf in = SF_BUF_INIT, want = SF_BUF_INIT;

	f.t0 = T("2024-01-01T00:00:00Z");
	sf_buf_adds(&in, REQ("S1"));
	sf_buf_adds(&in, foreign);
	sf_buf_adds(&in, "{\"kind\":\"request\",\"station\":null}\n");
	sf_buf_adds(&in, REQ("BAD"));
	sf_buf_adds(&in, REQ("S2"));
	sf_buf_adds(&in, "not json\n");
	d.ordered = 1;
	is_int(run(&d, &f, in.buf, &out, &notes), 1,
	    "ordered, with bad lines: exit 1");
	sf_buf_adds(&want, OBS("S1", "2024-01-01", "1"));
	sf_buf_adds(&want, DONE("S1", "1", "\"2024-01-01T00:00:00Z\""));
	sf_buf_adds(&want, foreign);
	sf_buf_adds(&want, ERR("BAD", "\"2024-01-01\"", "null",
	    "not a station this driver knows"));
	sf_buf_adds(&want, OBS("S2", "2024-01-02", "2"));
	sf_buf_adds(&want, DONE("S2", "1", "\"2024-01-02T00:00:00Z\""));
	is_str(out.buf, want.buf, "the slow first station's output first, "
	    "the records passed and refused in their place");
	ok(strstr(notes.buf, "stdin:3: request without a station\n") != NULL,
	    "a request without a station is said, with its line");
	ok(strstr(notes.buf, "stdin:4: station 'BAD': not a station") != NULL,
	    "a refused request is said, with its line");
	ok(strstr(notes.buf, "stdin:6: ") != NULL, "a line that is no record");

	d.ordered = 0;
	(void)run(&d, &f, in.buf, &out, &notes);
	ok(strncmp(out.buf, foreign, strlen(foreign)) == 0,
	    "unordered: what passes through comes first");
	ok(strstr(out.buf, "S2") < strstr(out.buf, "\"S1\",\"agency\""),
	    "unordered: the fast station is written before the slow one");
	sf_buf_release(&in);
	sf_buf_release(&want);
	sf_buf_release(&out);
	sf_buf_release(&notes);
}

/* The row store on its own */

static int
collect(void *arg, const struct sf_rec *rec, long st, int64_t t)
{
	struct sf_buf *b = arg;
	char tm[SF_TIME_LEN];

	(void)t;
	if (st < 0) {
		sf_buf_addf(b, "%s;", sf_kind_info(rec->kind)->name);
		return 0;
	}
	sf_time_format(t, tm);
	sf_buf_addf(b, "%ld %s %s %s %s;", st, rec->f[SF_OBS_OBSERVED_AT],
	    rec->f[SF_OBS_DISCHARGE] ? rec->f[SF_OBS_DISCHARGE] : "null",
	    rec->f[SF_OBS_QUALITY_CODE] ? rec->f[SF_OBS_QUALITY_CODE] : "-",
	    strcmp(tm, rec->f[SF_OBS_OBSERVED_AT]) == 0 ? "=" : tm);
	return 0;
}

static long bad_rows;

/* The walk of the 100,000 rows: times and stations as added. */
static int
check_row(void *arg, const struct sf_rec *rec, long st, int64_t t)
{
	static const char *const ids[] = { "B", "A" };
	char want[SF_TIME_LEN];
	long *bad = arg;

	sf_time_format(t, want);
	if (strcmp(rec->f[SF_OBS_OBSERVED_AT], want) != 0 ||
	    strcmp(rec->f[SF_OBS_STATION], ids[st]) != 0 ||
	    (t - T("2000-01-01T00:00:00Z")) / 900 % 2 != (st == 1))
		(*bad)++;
	return 0;
}

static void
add(struct sf_fetch_store *s, const char *st, const char *t, const char *v,
    const char *q)
{
	struct sf_rec r;

	sf_rec_clear(&r, SF_KIND_OBS);
	r.f[SF_OBS_STATION] = st;
	r.f[SF_OBS_OBSERVED_AT] = t;
	r.f[SF_OBS_DISCHARGE] = v;
	r.f[SF_OBS_QUALITY_CODE] = q;
	r.f[SF_OBS_UNIT] = "cfs";
	(void)sf_fetch_store_add(s, &r, NULL);
}

static void
test_store(void)
{
	static const char *const ids[] = { "B", "A" };
	struct sf_fetch_store *s = sf_fetch_store_new(ids, 2);
	struct sf_buf b = SF_BUF_INIT;
	struct sf_rec r;
	struct sf_err err;
	size_t i, mem;
	char t[SF_TIME_LEN], v[32];

	sf_fetch_store_reset(s);
	add(s, "A", "2024-01-02T00:00:00Z", "2", "P");
	add(s, "B", "2024-01-02T00:00:00Z", "0.10", "A");
	add(s, "A", "2024-01-01T00:00:00Z", NULL, "P:Ice");
	add(s, "A", "2024-01-01T00:00:00Z", "7", NULL);
	sf_rec_clear(&r, SF_KIND_STATION);
	r.f[SF_ST_STATION] = "A";
	is_int(sf_fetch_store_add(s, &r, &err), 0, "another kind is kept");
	sf_fetch_store_seal(s);
	add(s, "B", "2024-01-01T00:00:00Z", "1", "A");
	sf_fetch_store_seal(s);
	add(s, "A", "2024-01-09T00:00:00Z", "9", "A");
	sf_fetch_store_rollback(s);
	is_int(sf_fetch_store_rows(s), 6, "a rollback drops the page begun");
	(void)sf_fetch_store_walk(s, collect, &b);
	is_str(b.buf, "0 2024-01-02T00:00:00Z 0.10 A =;"
	    "1 2024-01-01T00:00:00Z null P:Ice =;"
	    "1 2024-01-01T00:00:00Z 7 - =;"
	    "1 2024-01-02T00:00:00Z 2 P =;"
	    "station;"
	    "0 2024-01-01T00:00:00Z 1 A =;",
	    "each page sorted by station index and time, stable, other kinds "
	    "after; pages in order; values and codes as given");
	add(s, "C", "2024-01-01T00:00:00Z", "1", "A");
	sf_rec_clear(&r, SF_KIND_OBS);
	r.f[SF_OBS_STATION] = "C";
	r.f[SF_OBS_OBSERVED_AT] = "2024-01-01";
	is_int(sf_fetch_store_add(s, &r, &err), 1, "a station not asked for");
	r.f[SF_OBS_STATION] = "A";
	r.f[SF_OBS_OBSERVED_AT] = "soon";
	is_int(sf_fetch_store_add(s, &r, &err), -1, "a time that is none");
	r.f[SF_OBS_OBSERVED_AT] = "2024-01-03";
	is_int(sf_fetch_store_add(s, &r, &err), 0, "a date");
	sf_fetch_store_seal(s);
	sf_buf_reset(&b);
	sf_fetch_store_reset(s);
	add(s, "A", "2024-01-03", "1e3", "A");
	sf_fetch_store_seal(s);
	(void)sf_fetch_store_walk(s, collect, &b);
	is_str(b.buf, "1 2024-01-03 1e3 A 2024-01-03T00:00:00Z;",
	    "a time and a value not in canonical form come back as written");

	/* every value comes back as written, decimal or not */
	{
		static const char *const vals[] = { "0", "0.5", "-3.25",
		    "1.50", "120", "007", "1.", ".5", "-0", "-0.0", "1e3",
		    "123456789012345678", "1234567890123456789", "-", "nan",
		    "9.000000000000000001", "0.05", "-0.007", "10.00",
		    "-120.5", "99", "100.001", NULL };
		struct sf_buf want = SF_BUF_INIT;

		sf_buf_reset(&b);
		sf_fetch_store_reset(s);
		for (i = 0; vals[i] != NULL; i++) {
			sf_time_format(T("2024-01-01T00:00:00Z") +
			    (int64_t)i * 60, t);
			add(s, "A", t, vals[i], "A");
			sf_buf_addf(&want, "1 %s %s A =;", t, vals[i]);
		}
		sf_fetch_store_seal(s);
		(void)sf_fetch_store_walk(s, collect, &b);
		is_str(b.buf, want.buf, "values come back as written: "
		    "decimals, leading zeros, exponents, 19 digits, words");
		sf_buf_release(&want);
	}

	/* rows taking turns among more tuples than are compared first */
	{
		static const char *const qs[] = { "A", "P", NULL, "A:e", "P",
		    "", "A:", "e", "0", "A", NULL, "P:Ice" };
		struct sf_buf want = SF_BUF_INIT;
		size_t nq = sizeof(qs) / sizeof(*qs);

		sf_buf_reset(&b);
		sf_fetch_store_reset(s);
		for (i = 0; i < 5 * nq; i++) {
			sf_time_format(T("2024-01-01T00:00:00Z") +
			    (int64_t)i * 60, t);
			add(s, "A", t, "1", qs[(i * 7) % nq]);
			sf_buf_addf(&want, "1 %s 1 %s =;", t,
			    qs[(i * 7) % nq] ? qs[(i * 7) % nq] : "-");
		}
		sf_fetch_store_seal(s);
		(void)sf_fetch_store_walk(s, collect, &b);
		is_str(b.buf, want.buf, "each row keeps its own quality code: "
		    "null, empty, prefixes of one another");
		sf_buf_release(&want);
	}

	/* item 7: the size of a row */
	sf_fetch_store_reset(s);
	for (i = 0; i < 100000; i++) {
		sf_time_format(T("2000-01-01T00:00:00Z") + (int64_t)i * 900,
		    t);
		snprintf(v, sizeof(v), "%zu.%zu", i % 5000, i % 10);
		add(s, i % 2 ? "A" : "B", t, v, i % 3 ? "A" : "P");
	}
	mem = sf_fetch_store_mem(s);
	ok(mem < 100000 * 48, "100,000 rows in under 48 bytes a row");
	printf("# %zu bytes for 100000 rows\n", mem);
	sf_fetch_store_seal(s);
	bad_rows = 0;
	(void)sf_fetch_store_walk(s, check_row, &bad_rows);
	is_int(bad_rows, 0, "each of them comes back with its time and "
	    "station, through the caches");
	sf_fetch_store_free(s);
	sf_buf_release(&b);
}

/* A row as sf_writer_put writes it, into the FILE at arg. */
static int
put_rec(void *arg, const struct sf_rec *rec, long st, int64_t t)
{
	struct sf_writer *w = sf_writer_new(arg, SF_FMT_NDJSON);
	struct sf_err err;

	(void)st;
	(void)t;
	if (sf_writer_put(w, rec, &err) == -1)
		fprintf(arg, "refused: %s\n", err.msg);
	sf_writer_free(w);
	return 0;
}

/* A row of sf_fetch_store_walk_lines: its line, or its record put. */
static int
put_line(void *arg, const struct sf_rec *rec, const char *line, size_t len,
    long st, int64_t t)
{
	if (rec != NULL)
		return put_rec(arg, rec, st, t);
	fwrite(line, 1, len, arg);
	return 0;
}

/* The store's own lines are the writer's, byte for byte. */
static void
test_store_lines(void)
{
	static const char *const ids[] = { "B", "A\"\\\x01" };
	static const char *const vals[] = { "0", "0.5", "-3.25", "1.50",
	    "120", NULL, "007", "1e3", "-0", "123456789012345678" };
	static const char *const codes[] = { "A", NULL, "P:Ice", "x\"y" };
	struct sf_fetch_store *s = sf_fetch_store_new(ids, 2);
	char *a = NULL, *b = NULL, t[SF_TIME_LEN];
	size_t na, nb, i;
	FILE *fa = open_memstream(&a, &na), *fb = open_memstream(&b, &nb);
	struct sf_rec r;

	sf_fetch_store_reset(s);
	for (i = 0; i < 40; i++) {
		sf_time_format(T("1969-12-31T00:00:00Z") + (int64_t)i * 86399,
		    t);
		sf_rec_clear(&r, SF_KIND_OBS);
		r.f[SF_OBS_CONFIG] = i % 3 ? "c\tg" : NULL;
		r.f[SF_OBS_STATION] = ids[i % 2];
		r.f[SF_OBS_AGENCY] = "USGS";
		r.f[SF_OBS_TYPE] = "daily_mean";
		r.f[SF_OBS_OBSERVED_AT] = i == 7 ? "2024-01-01" : t;
		r.f[SF_OBS_DISCHARGE] = vals[i % 10];
		r.f[SF_OBS_UNIT] = "cfs";
		r.f[SF_OBS_QUALITY_CODE] = codes[i % 4];
		(void)sf_fetch_store_add(s, &r, NULL);
	}
	sf_rec_clear(&r, SF_KIND_STATION);
	r.f[SF_ST_STATION] = "A";
	(void)sf_fetch_store_add(s, &r, NULL);
	sf_fetch_store_seal(s);
	(void)sf_fetch_store_walk(s, put_rec, fa);
	(void)sf_fetch_store_walk_lines(s, put_line, fb);
	fclose(fa);
	fclose(fb);
	ok(na > 0 && strstr(a, "refused") == NULL, "the records are "
	    "written");
	is_str(b, a, "sf_fetch_store_walk_lines: the lines sf_writer_put "
	    "writes: escapes, nulls, texts kept aside, other kinds");
	free(a);
	free(b);
	sf_fetch_store_free(s);
}

static void
test_opts(void)
{
	struct sf_fetchrun_opts o;
	struct sf_err err;

	sf_fetchrun_opts_init(&o);
	is_int(o.jobs, 4, "-j defaults to 4");
	is_int(sf_fetchrun_opt(&o, 'j', "64", &err), 1, "-j 64");
	is_int(sf_fetchrun_opt(&o, 'j', "65", &err), -1, "-j 65 refused");
	is_int(sf_fetchrun_opt(&o, 'j', "0", &err), -1, "-j 0 refused");
	is_int(sf_fetchrun_opt(&o, SF_FETCHRUN_OPT_TIMEOUT, "0.5", &err), 1,
	    "--timeout 0.5");
	ok(o.timeout == 0.5, "in seconds");
	is_int(sf_fetchrun_opt(&o, SF_FETCHRUN_OPT_TIMEOUT, "0", &err), -1,
	    "--timeout 0 refused");
	is_str(err.msg, "--timeout: '0': not a number of seconds "
	    "(0 < S <= 86400)", "and said so");
	is_int(sf_fetchrun_opt(&o, SF_FETCHRUN_OPT_TIMEOUT, "86401", &err),
	    -1, "--timeout over a day refused");
	is_int(sf_fetchrun_opt(&o, SF_FETCHRUN_OPT_RETRIES, "11", &err), -1,
	    "--retries 11 refused");
	is_int(sf_fetchrun_opt(&o, SF_FETCHRUN_OPT_BACKOFF, "600001", &err),
	    -1, "--backoff over 10 minutes refused");
	is_int(sf_fetchrun_opt(&o, 's', "A", &err), 1, "-s A");
	is_int(sf_fetchrun_opt(&o, 's', "B", &err), 1, "-s B");
	ok(o.nstations == 2 && strcmp(o.stations[1], "B") == 0 &&
	    o.stations[2] == NULL, "the stations in order");
	is_int(sf_fetchrun_opt(&o, 'x', NULL, &err), 0, "not a shared one");
	sf_fetchrun_opts_release(&o);
}

/*
 * notes ("LEVEL MSG" lines) without the line of the request to path, and
 * with one request less in the summary. Returns whether that line was
 * there.
 */
static int
drop_get(struct sf_buf *notes, const char *path)
{
	struct sf_buf r = SF_BUF_INIT;
	char line[300];
	const char *p = notes->buf, *q;
	long st, n;
	int found = 0;

	snprintf(line, sizeof(line), "0 GET %s/%s\n", base, path);
	for (; *p != '\0'; p = q) {
		q = strchr(p, '\n');
		q = q != NULL ? q + 1 : p + strlen(p);
		if ((size_t)(q - p) == strlen(line) &&
		    memcmp(p, line, strlen(line)) == 0)
			found = 1;
		else if (sscanf(p, "0 %ld stations, %ld requests,", &st,
		    &n) == 2)
			sf_buf_addf(&r, "0 %ld stations, %ld requests,%s", st,
			    n - 1, strstr(p, "requests,") + 9);
		else
			sf_buf_add(&r, p, (size_t)(q - p));
	}
	sf_buf_reset(notes);
	sf_buf_adds(notes, r.buf);
	sf_buf_release(&r);
	return found;
}

/* notes without -v's "GET URL" lines, which reading ahead says earlier. */
static void
drop_gets(struct sf_buf *notes)
{
	struct sf_buf r = SF_BUF_INIT;
	const char *p = notes->buf, *q;

	for (; *p != '\0'; p = q) {
		q = strchr(p, '\n');
		q = q != NULL ? q + 1 : p + strlen(p);
		if (strncmp(p, "0 GET ", 6) != 0)
			sf_buf_add(&r, p, (size_t)(q - p));
	}
	sf_buf_reset(notes);
	sf_buf_adds(notes, r.buf);
	sf_buf_release(&r);
}

/*
 * Reading ahead: for each window, the engine with the fake driver and
 * with it reading ahead (peek_next, so a thread per job feeds the parser)
 * writes the same records and says the same things (the early request to
 * x9 aside, and -v's GET lines, which come earlier), page_whole or not.
 */
static void
test_read_ahead(void)
{
	static const struct {
		const char *const w[3];
		const char *what;
		int rval;
		const char *early;	/* requested, then dropped */
	} c[] = {
		{ { "r0", "a1", NULL }, "the next link read ahead", 0, NULL },
		{ { "m0", NULL }, "a tail that says another link", 0, "x9" },
		{ { "n0", NULL }, "a link in the tail of the last page", 0,
		    "x9" },
		{ { "f0", NULL }, "a page that fails after its next link "
		    "was read", 1, "r1" },
		{ { "r0", "b1", NULL }, "a window failing on a page asked "
		    "for early", 1, NULL },
	};
	struct sf_buf out = SF_BUF_INIT, notes = SF_BUF_INIT;
	struct sf_buf out2 = SF_BUF_INIT, notes2 = SF_BUF_INIT;
	struct sf_fetch_driver plain = fake_driver, ahead = fake_driver;
	static const char *const per[] = { "r0", "m0", "c0" };
	struct fake f = { 0, NULL, NULL, 0 };
	char what[300];
	size_t i;
	int whole, r1, r2;

	ahead.peek_next = fake_peek;
	f.t0 = T("2024-01-01T00:00:00Z");
	for (i = 0; i < sizeof(c) / sizeof(c[0]); i++)
		for (whole = 0; whole <= 1; whole++) {
			f.windows = c[i].w;
			plain.page_whole = ahead.page_whole = whole;
			r1 = run(&plain, &f, REQ("A") REQ("B"), &out, &notes);
			r2 = run(&ahead, &f, REQ("A") REQ("B"), &out2,
			    &notes2);
			snprintf(what, sizeof(what), "%s%s", c[i].what,
			    whole ? " (page_whole)" : "");
			is_int(r2, c[i].rval, what);
			is_int(r1, r2, "  the same exit status as inline");
			is_str(out2.buf, out.buf, "  the same records");
			if (c[i].early != NULL)
				ok(drop_get(&notes2, c[i].early),
				    "  the link read ahead was asked for");
			drop_gets(&notes);
			drop_gets(&notes2);
			is_str(notes2.buf, notes.buf, "  the same notes");
		}
	/* a job per station, one at a time: each next job starts when the
	 * last one's page ends on its thread */
	f.one_per_station = 1;
	f.per_station = per;
	jobs = 1;
	r1 = run(&plain, &f, REQ("A") REQ("B") REQ("C"), &out, &notes);
	r2 = run(&ahead, &f, REQ("A") REQ("B") REQ("C"), &out2, &notes2);
	jobs = 4;
	is_int(r2, 0, "-j 1, a job per station: exit 0");
	ok(strstr(out2.buf, "\"station\":\"C\",\"agency\":\"USGS\","
	    "\"type\":\"daily_mean\",\"start\"") != NULL,
	    "  the last job's done record");
	is_str(out2.buf, out.buf, "  the same records as inline");
	ok(drop_get(&notes2, "x9"), "  the link read ahead was asked for");
	drop_gets(&notes);
	drop_gets(&notes2);
	is_str(notes2.buf, notes.buf, "  the same notes");
	sf_buf_release(&out);
	sf_buf_release(&notes);
	sf_buf_release(&out2);
	sf_buf_release(&notes2);
}

/*
 * The bound on bytes read ahead (sf-fetch-usgs(1): "at most 16 MiB wait
 * to be parsed"): bodies larger than it, read by a parser slower than
 * their transfer, one job, then two at once (half of it each).
 */
static void
test_ahead_bound(void)
{
	static const char *const one[] = { "big0", NULL };
	static const char *const per[] = { "big1", "big2" };
	struct sf_fetch_driver slow = fake_driver;
	struct fake f = { 0, one, NULL, 0 };
	struct sf_buf out = SF_BUF_INIT, notes = SF_BUF_INIT;
	int r;

	slow.peek_next = fake_peek;
	slow.feed = slow_feed;
	f.t0 = T("2024-01-01T00:00:00Z");
	r = run(&slow, &f, REQ("A"), &out, &notes);
	is_int(r, 0, "a 24 MiB body, a slow parser: exit 0");
	ok(strstr(out.buf, "\"observed_at\":\"2024-01-02T00:00:00Z\"")
	    != NULL, "  its last row written");
	ok(ahead_peak <= SF_FETCHRUN_AHEAD, "  at most SF_FETCHRUN_AHEAD "
	    "bytes waited to be parsed");
	ok(ahead_peak > SF_FETCHRUN_AHEAD / 4 * 3, "  and the transfer did "
	    "get ahead of the parser");
	printf("# peak %zu bytes read ahead\n", ahead_peak);
	f.one_per_station = 1;
	f.per_station = per;
	jobs = 2;
	r = run(&slow, &f, REQ("A") REQ("B"), &out, &notes);
	jobs = 4;
	is_int(r, 0, "two 12 MiB bodies at once: exit 0");
	ok(strstr(out.buf, "\"station\":\"B\",\"agency\":\"USGS\","
	    "\"type\":\"daily_mean\",\"observed_at\":\"2024-01-02") != NULL,
	    "  the last row of each written");
	ok(ahead_peak <= SF_FETCHRUN_AHEAD, "  at most SF_FETCHRUN_AHEAD "
	    "bytes waited, the two jobs' together");
	printf("# peak %zu bytes read ahead\n", ahead_peak);
	sf_buf_release(&out);
	sf_buf_release(&notes);
}

/* A body of about mib MiB: a row, filler, a last row. */
static void
write_big(const char *name, const char *st, int mib)
{
	struct sf_buf b = SF_BUF_INIT;

	sf_buf_addf(&b, "obs %s 2024-01-01T00:00:00Z 1\n", st);
	while (b.len < (size_t)mib << 20)
		sf_buf_adds(&b, "# filler filler filler filler filler filler "
		    "filler filler\n");
	sf_buf_addf(&b, "obs %s 2024-01-02T00:00:00Z 2\n", st);
	write_file(name, b.buf);
	sf_buf_release(&b);
}

static void
make_files(void)
{
	char routes[2400];

	write_file("a0", "obs B 2024-01-02T00:00:00Z 2.25\n"
	    "obs A 2024-01-02T00:00:00Z 1\n"
	    "obs A 2024-01-01T00:00:00Z 1.50\n"
	    "obs B 2024-01-01T00:00:00Z -\n");
	write_file("a1", "obs A 2024-01-05T00:00:00Z 3e2\n");
	write_file("b1", "obs A 2024-01-05T00:00:00Z 5\nnext fail\n");
	write_file("c0", "obs A 2024-01-05T00:00:00Z 5\n");
	write_file("c1", "obs A 2024-01-03T00:00:00Z 3\n"
	    "obs B 2024-01-03T00:00:00Z 3\n");
	write_file("d0", "obs A 2024-01-05T00:00:00Z 5\nnext d1\n");
	write_file("d1", "obs A 2024-01-03T00:00:00Z 3\n");
	write_file("bad", "obs A 2024-01-05T00:00:00Z 5\nbad\n");
	write_file("slow", "obs S1 2024-01-01T00:00:00Z 1\n");
	write_file("fast", "obs S2 2024-01-02T00:00:00Z 2\n");
	write_file("r0", "obs B 2024-01-02T00:00:00Z 2\n"
	    "obs A 2024-01-01T00:00:00Z 1\nnext r1\npeek r1\n");
	write_file("r1", "obs A 2024-01-03T00:00:00Z 3\n"
	    "obs B 2024-01-04T00:00:00Z 4\n");
	write_file("m0", "obs A 2024-01-01T00:00:00Z 1\nnext r1\n"
	    "peek x9\n");
	write_file("n0", "obs A 2024-01-01T00:00:00Z 1\npeek x9\n");
	write_file("f0", "obs A 2024-01-01T00:00:00Z 1\nbad\nnext r1\n"
	    "peek r1\n");
	write_file("x9", "obs A 2024-01-09T00:00:00Z 99\n");
	write_big("big0", "A", 24);
	write_big("big1", "A", 12);
	write_big("big2", "B", 12);
	snprintf(routes, sizeof(routes),
	    "GET /a0 -> 200 a0 type=text/plain\n"
	    "GET /a1 -> 200 a1 type=text/plain\n"
	    "GET /b1 -> 200 b1 type=text/plain\n"
	    "GET /c0 -> 200 c0 type=text/plain\n"
	    "GET /c1 -> 200 c1 type=text/plain\n"
	    "GET /d0 -> 200 d0 type=text/plain\n"
	    "GET /d1 -> 200 d1 type=text/plain\n"
	    "GET /bad -> 200 bad type=text/plain\n"
	    "GET /fail -> 503 text=down\n"
	    "GET /slow -> 200 slow type=text/plain delay=0.6\n"
	    "GET /fast -> 200 fast type=text/plain\n"
	    "GET /r0 -> 200 r0 type=text/plain\n"
	    "GET /r1 -> 200 r1 type=text/plain\n"
	    "GET /m0 -> 200 m0 type=text/plain\n"
	    "GET /n0 -> 200 n0 type=text/plain\n"
	    "GET /f0 -> 200 f0 type=text/plain\n"
	    "GET /x9 -> 200 x9 type=text/plain\n"
	    "GET /big0 -> 200 big0 type=text/plain\n"
	    "GET /big1 -> 200 big1 type=text/plain\n"
	    "GET /big2 -> 200 big2 type=text/plain\n");
	write_file("routes", routes);
}

int
main(void)
{
	const char *top = getenv("SF_TOP");

	if (top == NULL) {
		printf("Bail out! SF_TOP is not set (run through make test)\n");
		return 1;
	}
	signal(SIGPIPE, SIG_IGN);
	test_opts();
	test_store();
	test_store_lines();
	if (mkdtemp(dir) == NULL) {
		printf("Bail out! mkdtemp failed\n");
		return 1;
	}
	make_files();
	start_server(top);
	test_windows();
	test_window_fails();
	test_back_in_time();
	test_sort_window();
	test_ordered();
	test_read_ahead();
	test_ahead_bound();
	stop_server();
	rm_dir();
	sf_http_global_cleanup();
	return tap_done();
}
