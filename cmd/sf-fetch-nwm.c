/*
 * sf-fetch-nwm: NOAA forecasts from the National Water Prediction Service,
 * the official River Forecast Center forecast at a gauge and the National
 * Water Model guidance at a reach, as forecast records.
 *
 * Reads request records (target_id filled by sf-map) or takes NOAA ids
 * from options, asks NWPS for each, up to -j at once, and writes each
 * station's forecast whole, in the order of the requests; a station that
 * failed becomes an error record. With --mappings it asks gauges/{id}
 * instead and prints the station mappings the answers reveal, as the CSV
 * that sf-map import takes.
 *
 * Records of other kinds on the input (the error records of sf-map, say)
 * pass through in their place. The whole input is read before the first
 * request: a request list is one short record per station.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sf_cli.h"
#include "sf_fetch.h"
#include "sf_http.h"
#include "sf_id.h"
#include "sf_log.h"
#include "sf_map.h"
#include "sf_nwmfetch.h"
#include "sf_nwps.h"
#include "sf_nwsid.h"
#include "sf.h"

#define DEFAULT_URL	"https://api.water.noaa.gov/nwps/v1"
#define DEFAULT_JOBS	4
#define DEFAULT_RETRIES	4
#define DEFAULT_TIMEOUT	60
/* Pacing: no request starts within GAP_MS of an answer, about 10/s. */
#define GAP_MS		100
/* Requests fetched ahead of the output, per parallel transfer. */
#define AHEAD		4

static const char usage_text[] =
    "usage: sf-fetch-nwm [-qv] [--backoff MS] [--base-url URL] "
    "[--config NAME] "
    "[-f FORMAT] [-j N] [--reach ID ...] [--retries N] [-s LID ...] "
    "[--series SERIES] [--timeout SECONDS]\n"
    "       sf-fetch-nwm --mappings [-qv] [--backoff MS] [--base-url URL] "
    "[-j N] "
    "[--retries N] [-s ID ...] [--timeout SECONDS]\n";

static const struct option longopts[] = {
	{ "backoff", required_argument, NULL, 'K' },
	{ "base-url", required_argument, NULL, 'B' },
	{ "config", required_argument, NULL, 'c' },
	{ "format", required_argument, NULL, 'f' },
	{ "gauge", required_argument, NULL, 'g' },
	{ "help", no_argument, NULL, 'h' },
	{ "id", required_argument, NULL, 's' },	/* an old name of --station */
	{ "jobs", required_argument, NULL, 'j' },
	{ "mappings", no_argument, NULL, 'M' },
	{ "quiet", no_argument, NULL, 'q' },
	{ "reach", required_argument, NULL, 'r' },
	{ "retries", required_argument, NULL, 'R' },
	{ "series", required_argument, NULL, 'S' },
	{ "station", required_argument, NULL, 's' },
	{ "timeout", required_argument, NULL, 'T' },
	{ "verbose", no_argument, NULL, 'v' },
	{ "version", no_argument, NULL, 'V' },
	{ NULL, 0, NULL, 0 }
};

struct opts {
	const char *base;	/* --base-url, $SF_NWPS_URL or DEFAULT_URL */
	const char *config;	/* --config */
	enum sf_format fmt;
	int mappings;		/* --mappings */
	int series_set;		/* --series given */
	enum sf_nwps_series series;
	int jobs, retries, timeout;
	int backoff;		/* --backoff, ms; -1: the default */
	const char **gauges, **reaches, **ids;	/* --gauge, --reach, -s */
	int ngauges, nreaches, nids;
	const char *fmt_opt;	/* the -f given, to refuse with --mappings */
};

/* What a job is. */
enum what {
	PASS,		/* a record of another kind, written as it came */
	FORECAST,	/* a forecast to fetch */
	GAUGE		/* --mappings: gauges/{id} */
};

enum state { NEW, QUEUED, DONE };

struct fetch;

/*
 * One input record or option, in input order. The fields are the
 * record's (PASS) or the request's (FORECAST, GAUGE: config, station,
 * agency, type, start, end, target_id), all owned. The array of jobs is
 * not grown once the first request is sent: requests point at their job.
 */
struct job {
	enum what what;
	enum sf_kind kind;
	char *f[SF_REC_MAXF];
	long line;			/* input line; 0 for an option */
	struct sf_nwmfetch_job q;	/* what to ask; q.id borrows f[] */
	char *fail;			/* why it was not asked, or NULL */
	/* the request */
	struct fetch *fx;
	enum state state;
	char *url;
	struct sf_nwps *body;
	int rc;				/* 0: a 2xx body came whole */
	long status;			/* the last answer's status; 0 none */
	char *msg;			/* rc -1: what went wrong */
	char *cap_msg;			/* the body was over the cap */
};

struct fetch {
	const struct opts *o;
	struct sf_http *h;
	struct sf_writer *w;
	struct sf_buf base;		/* the checked base URL */
	struct job *jobs;
	size_t n, cap;
	size_t next_add;		/* the next job to ask */
	size_t next_out;		/* the next job to write */
	size_t ahead;			/* at most asked and not written */
	long records, stations, empty, failed, mapped;
	struct sf_fetch_tally tally;	/* the progress line */
	int rval;
};

/* The progress line on a terminal (see sf_fetch_tally_show). */
static void
show_progress(struct fetch *fx, int last)
{
	sf_fetch_tally_show(&fx->tally, stderr, sf_log_progname(), last);
}

static char *
dup_or_null(const char *s)
{
	return s == NULL ? NULL : sf_strdup(s);
}

static struct job *
new_job(struct fetch *fx, enum what what, enum sf_kind kind, long line)
{
	struct job *j;

	if (fx->n == fx->cap) {
		fx->cap = fx->cap ? fx->cap * 2 : 64;
		fx->jobs = sf_realloc(fx->jobs, fx->cap * sizeof(*fx->jobs));
	}
	j = &fx->jobs[fx->n++];
	memset(j, 0, sizeof(*j));
	j->what = what;
	j->kind = kind;
	j->line = line;
	j->fx = fx;
	return j;
}

/* Frees what j holds once it is written. */
static void
job_release(struct job *j)
{
	int i;

	for (i = 0; i < SF_REC_MAXF; i++) {
		free(j->f[i]);
		j->f[i] = NULL;
	}
	free(j->fail);
	free(j->url);
	free(j->msg);
	free(j->cap_msg);
	sf_nwps_free(j->body);
	j->fail = j->url = j->msg = j->cap_msg = NULL;
	j->body = NULL;
}

static void add_pass(struct fetch *fx, const struct sf_rec *rec, long line);

/* A job for --mappings: the station (or gauge) id to ask about. */
static void
add_gauge_job(struct fetch *fx, const char *id, long line)
{
	struct job *j = new_job(fx, GAUGE, SF_KIND_REQUEST, line);

	j->f[SF_REQ_STATION] = sf_strdup(id);
	j->f[SF_REQ_TARGET_ID] = sf_strdup(id);
	j->q.kind = SF_NWMFETCH_GAUGE;
	j->q.id = j->f[SF_REQ_TARGET_ID];
}

/* A job for a forecast request (of the input or of an option). */
static void
add_forecast(struct fetch *fx, const struct sf_rec *rec, long line)
{
	const struct opts *o = fx->o;
	const char *agency;
	struct sf_rec r = *rec;
	struct sf_err err;
	struct job *j;
	int i;

	j = new_job(fx, FORECAST, SF_KIND_REQUEST, line);
	for (i = 0; i < SF_REQ_NFIELDS; i++)
		j->f[i] = dup_or_null(rec->f[i]);
	if (j->f[SF_REQ_CONFIG] == NULL && o->config != NULL)
		j->f[SF_REQ_CONFIG] = sf_strdup(o->config);
	if (j->f[SF_REQ_AGENCY] == NULL &&
	    (agency = sf_id_agency_guess(j->f[SF_REQ_STATION])) != NULL)
		j->f[SF_REQ_AGENCY] = sf_strdup(agency);
	for (i = 0; i < SF_REQ_NFIELDS; i++)
		r.f[i] = j->f[i];
	if (sf_nwmfetch_request(&r, o->series_set ? &o->series : NULL,
	    &j->q, &err) == -1)
		j->fail = sf_strdup(err.msg);
}

/* Takes a request record of the input. */
static void
add_request(struct fetch *fx, const struct sf_rec *rec, long line)
{
	const char *st = rec->f[SF_REQ_STATION];
	struct sf_nwmfetch_job q;
	struct sf_err err;

	if (st == NULL || *st == '\0') {
		sf_error("stdin:%ld: request without a station", line);
		fx->rval = SF_EXIT_FAIL;
		return;
	}
	if (fx->o->mappings) {
		if (sf_nwmfetch_gauge_request(rec, &q, &err) == -1) {
			sf_error("stdin:%ld: %s", line, err.msg);
			fx->rval = SF_EXIT_FAIL;
		} else
			add_gauge_job(fx, st, line);
	} else if (sf_fetch_route(rec) == SF_FETCH_OBS)
		/* not mapped to a NOAA id: another fetcher's request */
		add_pass(fx, rec, line);
	else
		add_forecast(fx, rec, line);
}

/* Takes a record of another kind, to pass along. */
static void
add_pass(struct fetch *fx, const struct sf_rec *rec, long line)
{
	const struct sf_kind_info *ki = sf_kind_info(rec->kind);
	struct job *j = new_job(fx, PASS, rec->kind, line);
	int i;

	for (i = 0; i < ki->nfields; i++)
		j->f[i] = dup_or_null(rec->f[i]);
	j->state = DONE;
}

/* Reads the standard input into jobs. */
static void
read_input(struct fetch *fx)
{
	struct sf_reader *rd = sf_reader_new(stdin, "-");
	struct sf_rec rec;
	struct sf_err err;
	int rc;

	while ((rc = sf_reader_next(rd, &rec, &err)) != 0) {
		if (rc < 0) {
			sf_error("%s", err.msg);
			fx->rval = SF_EXIT_FAIL;
			if (rc == -2)
				break;
			continue;
		}
		if (rec.kind == SF_KIND_REQUEST)
			add_request(fx, &rec, sf_reader_line(rd));
		else if (fx->o->mappings)
			sf_warn("stdin:%ld: %s record skipped: --mappings "
			    "takes requests", sf_reader_line(rd),
			    sf_kind_info(rec.kind)->name);
		else
			add_pass(fx, &rec, sf_reader_line(rd));
	}
	sf_reader_free(rd);
}

/*
 * Writes rec; an error record in CSV goes to stderr. Returns 0, or -1
 * when the writer refused it (reported).
 */
static int
put(struct fetch *fx, const struct sf_rec *rec, long line)
{
	const char *st, *msg;
	struct sf_err err;

	if (rec->kind == SF_KIND_ERROR && fx->o->fmt == SF_FMT_CSV) {
		st = rec->f[SF_EREC_STATION];
		msg = rec->f[SF_EREC_MESSAGE] ? rec->f[SF_EREC_MESSAGE] :
		    "error record without a message";
		if (st != NULL)
			sf_error("station '%s': %s", st, msg);
		else
			sf_error("%s", msg);
		return 0;
	}
	if (sf_writer_put(fx->w, rec, &err) == -1) {
		if (line > 0)
			sf_error("stdin:%ld: %s", line, err.msg);
		else
			sf_error("%s", err.msg);
		fx->rval = SF_EXIT_FAIL;
		return -1;
	}
	return 0;
}

/*
 * Reports the failure of j: a line on stderr ("station 'S': msg" when the
 * station is not the NOAA id itself) and, in NDJSON, an error record with
 * status (0 for none).
 */
static void
fail_job(struct fetch *fx, struct job *j, long status, const char *msg)
{
	const char *st = j->f[SF_REQ_STATION];
	char num[SF_NUM_LEN], text[SF_ERR_MAX];
	struct sf_buf b = SF_BUF_INIT;
	struct sf_rec e;

	snprintf(text, sizeof(text), "%s", msg);
	sf_http_scrub(fx->h, text, sizeof(text));
	msg = text;
	show_progress(fx, -1);
	sf_nwmfetch_station(&b, st, j->q.id);
	sf_error("%s%s", b.buf, msg);
	sf_buf_release(&b);
	fx->failed++;
	fx->rval = SF_EXIT_FAIL;
	if (j->what != FORECAST || fx->o->fmt == SF_FMT_CSV)
		return;
	sf_rec_error(&e, j->f[SF_REQ_CONFIG], st, j->f[SF_REQ_AGENCY],
	    j->f[SF_REQ_TYPE], j->f[SF_REQ_START], status, num, msg);
	put(fx, &e, j->line);
}

/* Reports the failure of the request of j, from what came back. */
static void
fail_request(struct fetch *fx, struct job *j, const char *what)
{
	struct sf_buf b = SF_BUF_INIT;

	sf_nwmfetch_subject(&b, &j->q);
	sf_buf_addf(&b, ": %s", what);
	fail_job(fx, j, j->status, b.buf);
	sf_buf_release(&b);
}

static int
write_rec(void *arg, const struct sf_rec *rec)
{
	struct fetch *fx = arg;

	return put(fx, rec, 0) == -1 ? -1 : 0;
}

/*
 * The request of j succeeded: its done record (in NDJSON; a CSV stream
 * holds one kind), with the records it brought and the run they are of.
 */
static void
put_done(struct fetch *fx, struct job *j, long rows, const char *run)
{
	struct sf_rec r;
	char num[SF_NUM_LEN];

	if (fx->o->fmt != SF_FMT_NDJSON)
		return;
	sf_fetch_done(&r, j->f[SF_REQ_CONFIG], j->f[SF_REQ_STATION],
	    j->f[SF_REQ_AGENCY], j->f[SF_REQ_TYPE], j->f[SF_REQ_START],
	    j->f[SF_REQ_END], j->f[SF_REQ_MODIFIED_SINCE], rows, num,
	    run != NULL && *run != '\0' ? run : NULL);
	put(fx, &r, j->line);
}

/* Writes the forecast of j, or its error. */
static void
out_forecast(struct fetch *fx, struct job *j)
{
	struct sf_nwps_info info;
	struct sf_rec r;
	struct sf_err err;
	int i, rc;

	fx->stations++;
	if (j->fail != NULL) {
		fail_job(fx, j, 0, j->fail);
		return;
	}
	if (j->rc == -1) {
		fail_request(fx, j, j->msg);
		return;
	}
	sf_rec_clear(&r, SF_KIND_REQUEST);
	for (i = 0; i < SF_REQ_NFIELDS; i++)
		r.f[i] = j->f[i];
	rc = sf_nwmfetch_forecast(j->body, &j->q, &r, j->url, write_rec, fx,
	    sf_cli_note, NULL, &info, &err);
	if (rc == -1)
		fail_request(fx, j, err.msg);
	if (rc != 0)
		return;		/* -2: only the output can fail; put said */
	if (info.no_forecast)
		fx->empty++;
	fx->records += info.records;
	put_done(fx, j, info.records, info.no_forecast ? NULL : info.run_date);
}

/* Writes the mappings gauges/{id} of j revealed. */
static void
out_gauge(struct fetch *fx, struct job *j)
{
	struct sf_buf csv = SF_BUF_INIT;
	struct sf_err err;
	int n;

	fx->stations++;
	if (j->rc == -1) {
		fail_request(fx, j, j->msg);
		return;
	}
	n = sf_nwmfetch_gauge(j->body, &j->q, j->url, &csv, sf_cli_note, NULL,
	    &err);
	if (n == -1)
		fail_request(fx, j, err.msg);
	else {
		fwrite(csv.buf, 1, csv.len, stdout);
		fx->mapped += n;
	}
	sf_buf_release(&csv);
}

static void
out_job(struct fetch *fx, struct job *j)
{
	struct sf_rec rec;
	int i;

	switch (j->what) {
	case PASS:
		sf_rec_clear(&rec, j->kind);
		for (i = 0; i < SF_REC_MAXF; i++)
			rec.f[i] = j->f[i];
		put(fx, &rec, j->line);
		break;
	case FORECAST:
		out_forecast(fx, j);
		break;
	case GAUGE:
		out_gauge(fx, j);
		break;
	}
	if (j->what != PASS) {
		fx->tally.done++;
		fx->tally.rows = fx->o->mappings ? fx->mapped : fx->records;
		show_progress(fx, 0);
	}
	job_release(j);
}

static int
on_begin(void *arg, const struct sf_http_res *res)
{
	struct job *j = arg;
	long n;

	if ((n = sf_fetch_pace(j->fx->h, res)) >= 0)
		sf_info("X-RateLimit-Remaining %ld: slowing down", n);
	sf_nwps_reset(j->body);
	return 0;
}

static int
on_body(void *arg, const char *p, size_t n)
{
	struct job *j = arg;
	struct sf_err err;

	if (sf_nwps_feed(j->body, p, n, &err) == -1) {
		free(j->cap_msg);
		j->cap_msg = sf_strdup(err.msg);
		return 1;
	}
	return 0;
}

static void pump(struct fetch *fx);

static int
on_done(void *arg, const struct sf_http_res *res)
{
	struct job *j = arg;
	struct sf_buf b = SF_BUF_INIT;

	j->rc = res->rc;
	j->status = sf_http_error_status(res);
	if (res->rc == -1) {
		sf_nwmfetch_failure(&b, j->url, j->cap_msg, res, j->body);
		j->msg = sf_buf_detach(&b);
	}
	j->state = DONE;
	sf_http_hold(j->fx->h, GAP_MS);
	pump(j->fx);
	return 0;
}

/* Sends the request of j, or marks j done when it cannot be sent. */
static void
ask(struct fetch *fx, struct job *j)
{
	struct sf_buf u = SF_BUF_INIT;
	struct sf_http_req req;
	struct sf_err err;

	if (j->what == PASS || j->fail != NULL) {
		j->state = DONE;
		return;
	}
	sf_nwmfetch_url(&u, fx->base.buf, &j->q);
	j->url = sf_buf_detach(&u);
	j->body = sf_nwps_new(0);
	memset(&req, 0, sizeof(req));
	req.url = j->url;
	req.begin = on_begin;
	req.body = on_body;
	req.done = on_done;
	req.arg = j;
	/* The body is collected whole: a cut one may start over. */
	req.restart = 1;
	j->state = QUEUED;
	if (sf_http_add(fx->h, &req, &err) == -1) {
		j->rc = -1;
		j->msg = sf_strdup(err.msg);
		j->state = DONE;
	} else
		fx->tally.requests++;
}

/*
 * Writes the jobs that are done, in order, and asks the next ones while
 * fewer than fx->ahead are asked and not written.
 */
static void
pump(struct fetch *fx)
{
	for (;;) {
		while (fx->next_out < fx->next_add &&
		    fx->jobs[fx->next_out].state == DONE)
			out_job(fx, &fx->jobs[fx->next_out++]);
		if (fx->next_add == fx->n ||
		    fx->next_add - fx->next_out >= fx->ahead)
			break;
		ask(fx, &fx->jobs[fx->next_add++]);
	}
}

static void
note_cb(void *arg, const char *msg)
{
	(void)arg;
	sf_info("%s", msg);
}

/* Runs every job; returns the exit status. */
static int
run(struct fetch *fx)
{
	static const char *const headers[] = { "Accept: application/json",
	    NULL };
	const struct opts *o = fx->o;
	const struct sf_http_stats *hs;
	struct sf_http_opts ho;
	struct sf_err err;
	size_t i;

	memset(&ho, 0, sizeof(ho));
	ho.headers = headers;
	ho.parallel = o->jobs;
	ho.max_attempts = o->retries + 1;
	ho.timeout_ms = (long)o->timeout * 1000;
	if (o->backoff >= 0)
		ho.backoff_ms = o->backoff > 0 ? o->backoff : 1;
	ho.note = note_cb;
	if ((fx->h = sf_http_new(&ho, &err)) == NULL) {
		sf_error("%s", err.msg);
		for (i = 0; i < fx->n; i++)
			job_release(&fx->jobs[i]);
		return SF_EXIT_FAIL;
	}
	fx->ahead = (size_t)o->jobs * AHEAD;
	if (o->mappings)
		fputs(SF_MAP_CSV_HEADER "\n", stdout);
	else
		fx->w = sf_writer_new(stdout, o->fmt);
	sf_fetch_tally_start(&fx->tally, 0, 2, sf_log_level() >= 0);
	for (i = 0; i < fx->n; i++)
		if (fx->jobs[i].what != PASS)
			fx->tally.total++;
	pump(fx);
	if (sf_http_run(fx->h, &err) == -1) {
		sf_error("%s", err.msg);
		fx->rval = SF_EXIT_FAIL;
	}
	show_progress(fx, 1);
	/* Whatever a failed run left unwritten. */
	for (i = fx->next_out; i < fx->n; i++)
		job_release(&fx->jobs[i]);
	hs = sf_http_stats(fx->h);
	if (o->mappings)
		sf_info("%ld stations, %ld mappings, %ld failed; %ld requests, "
		    "%ld retries", fx->stations, fx->mapped, fx->failed,
		    hs->requests, hs->retries);
	else
		sf_info("%ld stations, %ld records, %ld without a forecast, "
		    "%ld failed; %ld requests, %ld retries", fx->stations,
		    fx->records, fx->empty, fx->failed, hs->requests,
		    hs->retries);
	sf_writer_free(fx->w);
	sf_http_free(fx->h);
	sf_http_global_cleanup();
	return fx->rval;
}

/* Parses the number of option opt within [min, max], or dies. */
static int
number(const char *opt, const char *arg, long long min, long long max)
{
	struct sf_err err;
	long long v;

	if (sf_str_toll(arg, min, max, &v, &err) == -1) {
		sf_error("%s: %s", opt, err.msg);
		sf_usage_die();
	}
	return (int)v;
}

/* Checks a NOAA or station id given as an option, or dies. */
static void
check_id(const char *opt, const char *id)
{
	const char *p;

	if (*id == '\0' || strlen(id) > SF_MAP_ID_MAX) {
		sf_error("%s: '%s': not an id (1 to %d characters)", opt, id,
		    SF_MAP_ID_MAX);
		sf_usage_die();
	}
	for (p = id; *p != '\0'; p++)
		if (*p <= ' ' || *p >= 0x7f) {
			sf_error("%s: '%s': not an id (a space or a byte that "
			    "is not printable ASCII)", opt, id);
			sf_usage_die();
		}
}

static void
free_opts(struct opts *o)
{
	free(o->gauges);
	free(o->reaches);
	free(o->ids);
}

int
main(int argc, char *argv[])
{
	struct opts o;
	struct fetch fx;
	struct sf_rec rec;
	struct sf_err err;
	const char *env;
	int c, i, rval;

	sf_log_init(argv[0]);
	argv[0] = (char *)sf_log_progname();	/* for getopt's messages */
	memset(&o, 0, sizeof(o));
	o.fmt = SF_FMT_NDJSON;
	o.series = SF_NWPS_RFC;
	o.jobs = DEFAULT_JOBS;
	o.retries = DEFAULT_RETRIES;
	o.backoff = -1;
	o.timeout = DEFAULT_TIMEOUT;
	o.gauges = sf_calloc((size_t)argc, sizeof(*o.gauges));
	o.reaches = sf_calloc((size_t)argc, sizeof(*o.reaches));
	o.ids = sf_calloc((size_t)argc, sizeof(*o.ids));
	while ((c = getopt_long(argc, argv, "f:hj:qs:vV", longopts, NULL)) !=
	    -1) {
		switch (c) {
		case 'B':
			o.base = optarg;
			break;
		case 'c':
			if (*optarg == '\0') {
				sf_error("--config: empty name");
				sf_usage_die();
			}
			o.config = optarg;
			break;
		case 'f':
			if (sf_format_parse(optarg, &o.fmt, &err) == -1) {
				sf_error("--format: %s", err.msg);
				sf_usage_die();
			}
			o.fmt_opt = optarg;
			break;
		case 'K':
			o.backoff = number("--backoff", optarg, 0, 600000);
			break;
		case 'g':
			if (sf_nwsid_check_lid(optarg, &err) == -1) {
				sf_error("--gauge: %s", err.msg);
				sf_usage_die();
			}
			o.gauges[o.ngauges++] = optarg;
			break;
		case 'j':
			o.jobs = number("-j", optarg, 1, 32);
			break;
		case 'M':
			o.mappings = 1;
			break;
		case 'r':
			if (sf_nwsid_check_reach(optarg, &err) == -1) {
				sf_error("--reach: %s", err.msg);
				sf_usage_die();
			}
			o.reaches[o.nreaches++] = optarg;
			break;
		case 'R':
			o.retries = number("--retries", optarg, 0, 10);
			break;
		case 'S':
			if (sf_nwps_series_parse(optarg, &o.series, &err)) {
				sf_error("--series: %s", err.msg);
				sf_usage_die();
			}
			o.series_set = 1;
			break;
		case 's':
			check_id("--station", optarg);
			o.ids[o.nids++] = optarg;
			break;
		case 'T':
			o.timeout = number("--timeout", optarg, 1, 3600);
			break;
		default:
			if (c == 'h' || c == 'V')
				free_opts(&o);
			if (!sf_common_opt(c, usage_text, SF_VERSION))
				sf_usage_die();
		}
	}
	argc -= optind;
	argv += optind;

	if (argc > 0) {
		sf_error("'%s': no operands (requests come on the standard "
		    "input)", argv[0]);
		sf_usage_die();
	}
	if (o.mappings && (o.ngauges || o.nreaches || o.series_set ||
	    o.config || o.fmt_opt)) {
		sf_error("--mappings writes mapping CSV: %s is not one of its "
		    "options", o.ngauges ? "--gauge" : o.nreaches ? "--reach" :
		    o.series_set ? "--series" : o.config ? "--config" :
		    "--format");
		sf_usage_die();
	}
	/* without --mappings, -s names a gauge as --gauge (its old name) */
	for (i = 0; !o.mappings && i < o.nids; i++) {
		if (sf_nwsid_check_lid(o.ids[i], &err) == -1) {
			sf_error("-s: %s (for a station, give its NOAA id: "
			    "sf-map --to NOAA-HADS -s ID | sf-fetch-nwm)",
			    err.msg);
			free_opts(&o);
			sf_usage_die();
		}
		o.gauges[o.ngauges++] = o.ids[i];
	}
	if (!o.mappings)
		o.nids = 0;
	if (o.ngauges > 0 && o.series_set && o.series != SF_NWPS_RFC) {
		sf_error("--gauge asks the rfc series; --series %s is for "
		    "--reach", sf_nwps_series_name(o.series));
		sf_usage_die();
	}
	if (o.nreaches > 0 && o.series_set && o.series == SF_NWPS_RFC) {
		sf_error("--reach asks an NWM series: --series rfc is for "
		    "gauges");
		sf_usage_die();
	}
	if (o.base == NULL && (env = getenv("SF_NWPS_URL")) != NULL &&
	    *env != '\0')
		o.base = env;
	if (o.base == NULL)
		o.base = DEFAULT_URL;

	memset(&fx, 0, sizeof(fx));
	fx.o = &o;
	sf_buf_init(&fx.base);
	if (sf_http_url_base(&fx.base, o.base, &err) == -1) {
		sf_error("%s", err.msg);
		free_opts(&o);
		sf_usage_die();
	}
	for (i = 0; i < o.nids; i++)
		add_gauge_job(&fx, o.ids[i], 0);
	for (i = 0; i < o.ngauges; i++) {
		sf_nwmfetch_option_request(&rec, o.config, o.gauges[i], 0,
		    o.series);
		add_forecast(&fx, &rec, 0);
	}
	for (i = 0; i < o.nreaches; i++) {
		sf_nwmfetch_option_request(&rec, o.config, o.reaches[i], 1,
		    o.series_set ? o.series : SF_NWPS_SHORT_RANGE);
		add_forecast(&fx, &rec, 0);
	}
	if (o.nids == 0 && o.ngauges == 0 && o.nreaches == 0)
		read_input(&fx);

	rval = run(&fx);
	free(fx.jobs);
	sf_buf_release(&fx.base);
	free_opts(&o);
	if (sf_fshut(stdout, "stdout") == -1)
		rval = SF_EXIT_FAIL;
	return rval;
}
