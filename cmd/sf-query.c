/*
 * sf-query: the archive back out as records.
 *
 * Options become a struct sf_query; sf_query_run does the reading and
 * hands each record to the writer, so the output streams.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sf_db.h"
#include "sf_err.h"
#include "sf_log.h"
#include "sf_mem.h"
#include "sf_query.h"
#include "sf_rec.h"
#include "sf_str.h"
#include "sf_time.h"
#include "sf.h"

static const char usage_text[] =
    "usage: sf-query [-qv] [--agency A] [--as-of TIME] [--config NAME] "
    "[--daily | --gaps | --latest] [--db PATH] [--end TIME] "
    "[-f ndjson|csv] [--kind obs|forecast|station|revision] [--member M] "
    "[--run latest|all|TIME] [-s STATION] [--source S] [--start TIME] "
    "[-t TYPE] [--units cfs|cms]\n";

static const struct option longopts[] = {
	{ "agency", required_argument, NULL, 'a' },
	{ "as-of", required_argument, NULL, 'A' },
	{ "config", required_argument, NULL, 'c' },
	{ "daily", no_argument, NULL, 'D' },
	{ "db", required_argument, NULL, 'd' },
	{ "end", required_argument, NULL, 'e' },
	{ "format", required_argument, NULL, 'f' },
	{ "gaps", no_argument, NULL, 'G' },
	{ "help", no_argument, NULL, 'h' },
	{ "kind", required_argument, NULL, 'k' },
	{ "latest", no_argument, NULL, 'L' },
	{ "member", required_argument, NULL, 'm' },
	{ "quiet", no_argument, NULL, 'q' },
	{ "run", required_argument, NULL, 'r' },
	{ "source", required_argument, NULL, 'S' },
	{ "start", required_argument, NULL, 'b' },
	{ "station", required_argument, NULL, 's' },
	{ "type", required_argument, NULL, 't' },
	{ "units", required_argument, NULL, 'u' },
	{ "verbose", no_argument, NULL, 'v' },
	{ "version", no_argument, NULL, 'V' },
	{ NULL, 0, NULL, 0 }
};

struct stations {
	char **v;
	size_t n, cap;
};

struct out {
	struct sf_writer *w;
	int bad;
};

static void
add_station(struct stations *s, const char *id)
{
	if (s->n == s->cap) {
		s->cap = s->cap ? 2 * s->cap : 16;
		s->v = sf_realloc(s->v, s->cap * sizeof(*s->v));
	}
	s->v[s->n++] = sf_strdup(id);
}

/* Adds the stations of the station and request records on stdin. */
static int
read_stations(struct stations *s)
{
	struct sf_reader *rd;
	struct sf_rec rec;
	struct sf_err err;
	const char *id;
	int rc, r = 0;

	rd = sf_reader_new(stdin, "-");
	while ((rc = sf_reader_next(rd, &rec, &err)) != 0) {
		if (rc < 0) {
			sf_error("%s", err.msg);
			r = -1;
			if (rc == -2)
				break;
			continue;
		}
		if (rec.kind == SF_KIND_STATION)
			id = rec.f[SF_ST_STATION];
		else if (rec.kind == SF_KIND_REQUEST)
			id = rec.f[SF_REQ_STATION];
		else if (rec.kind == SF_KIND_OBS)
			id = rec.f[SF_OBS_STATION];
		else
			continue;
		if (id != NULL && *id != '\0')
			add_station(s, id);
	}
	sf_reader_free(rd);
	return r;
}

static int
put_cb(void *arg, const struct sf_rec *rec)
{
	struct out *o = arg;
	struct sf_err err;

	if (sf_writer_put(o->w, rec, &err) == -1) {
		sf_error("%s", err.msg);
		o->bad = 1;
	}
	return ferror(stdout) ? -1 : 0;
}

static void
warn_cb(void *arg, const char *msg)
{
	(void)arg;
	sf_warn("%s", msg);
}

/*
 * Parses a time option; a bare date given to --end means through the end
 * of that day.
 */
static void
time_opt(const char *opt, const char *s, int64_t *t, int end)
{
	struct sf_err err;

	if (sf_time_parse(s, t, &err) == -1) {
		sf_error("--%s: %s", opt, err.msg);
		sf_usage_die();
	}
	if (end && strlen(s) == 10)
		*t += 86400 - 1;
}

static void
one_of(const char *opt, const char *v, const char *a, const char *b,
    const char **out)
{
	if (strcmp(v, a) == 0)
		*out = a;
	else if (strcmp(v, b) == 0)
		*out = b;
	else {
		sf_error("--%s '%s': not %s or %s", opt, v, a, b);
		sf_usage_die();
	}
}

int
main(int argc, char *argv[])
{
	struct sf_query q;
	struct stations st = { NULL, 0, 0 };
	enum sf_format fmt = SF_FMT_NDJSON;
	struct out o = { NULL, 0 };
	struct sf_db *db;
	struct sf_err err;
	const char *dbpath = NULL, *kind = NULL, *agency;
	int c, rval = 0, r, from_stdin = 0, mode = 0, fc_opt = 0;
	size_t i;

	memset(&q, 0, sizeof(q));
	q.run = SF_QUERY_RUN_LATEST;
	sf_log_init(argv[0]);
	argv[0] = (char *)sf_log_progname();	/* for getopt's messages */
	while ((c = getopt_long(argc, argv, "f:hqs:t:vV", longopts,
	    NULL)) != -1) {
		switch (c) {
		case 'a':
			if (sf_str_eq_ci(optarg, "USGS"))
				agency = "USGS";
			else if (sf_str_eq_ci(optarg, "EC"))
				agency = "EC";
			else {
				sf_error("--agency '%s': not USGS or EC",
				    optarg);
				sf_usage_die();
			}
			q.agency = agency;
			break;
		case 'A':
			time_opt("as-of", optarg, &q.as_of, 0);
			q.has_as_of = 1;
			break;
		case 'b':
			time_opt("start", optarg, &q.start, 0);
			q.has_start = 1;
			break;
		case 'c':
			q.config = optarg;
			break;
		case 'd':
			dbpath = optarg;
			break;
		case 'D':
		case 'G':
		case 'L':
			if (mode != 0 && mode != c) {
				sf_error("--daily, --gaps and --latest "
				    "exclude each other");
				sf_usage_die();
			}
			mode = c;
			break;
		case 'e':
			time_opt("end", optarg, &q.end, 1);
			q.has_end = 1;
			break;
		case 'f':
			if (sf_format_parse(optarg, &fmt, &err) == -1) {
				sf_error("%s", err.msg);
				sf_usage_die();
			}
			break;
		case 'k':
			kind = optarg;
			break;
		case 'm':
			q.member = optarg;
			fc_opt = 1;
			break;
		case 'r':
			fc_opt = 1;
			if (strcmp(optarg, "latest") == 0)
				q.run = SF_QUERY_RUN_LATEST;
			else if (strcmp(optarg, "all") == 0)
				q.run = SF_QUERY_RUN_ALL;
			else {
				time_opt("run", optarg, &q.run_at, 0);
				q.run = SF_QUERY_RUN_AT;
			}
			break;
		case 's':
			if (strcmp(optarg, "-") == 0)
				from_stdin = 1;
			else if (*optarg == '\0') {
				sf_error("--station: empty value");
				sf_usage_die();
			} else
				add_station(&st, optarg);
			break;
		case 'S':
			q.source = optarg;
			fc_opt = 1;
			break;
		case 't':
			one_of("type", optarg, "daily_mean", "realtime_15min",
			    &q.type);
			break;
		case 'u':
			one_of("units", optarg, "cfs", "cms", &q.units);
			break;
		default:
			if (!sf_common_opt(c, usage_text, SF_VERSION))
				sf_usage_die();
		}
	}
	if (optind < argc) {
		sf_error("unexpected argument '%s'", argv[optind]);
		sf_usage_die();
	}
	if (kind == NULL)
		kind = fc_opt ? "forecast" : "obs";
	if (strcmp(kind, "obs") == 0)
		q.what = mode == 'D' ? SF_QUERY_DAILY : mode == 'G' ?
		    SF_QUERY_GAPS : mode == 'L' ? SF_QUERY_LATEST :
		    SF_QUERY_OBS;
	else if (strcmp(kind, "forecast") == 0)
		q.what = SF_QUERY_FORECAST;
	else if (strcmp(kind, "station") == 0)
		q.what = SF_QUERY_STATION;
	else if (strcmp(kind, "revision") == 0)
		q.what = SF_QUERY_REVISION;
	else {
		sf_error("--kind '%s': not obs, forecast, station or "
		    "revision", kind);
		sf_usage_die();
	}
	if (mode != 0 && strcmp(kind, "obs") != 0) {
		sf_error("--daily, --gaps and --latest are for --kind obs");
		sf_usage_die();
	}
	if (fc_opt && q.what != SF_QUERY_FORECAST) {
		sf_error("--source, --run and --member are for --kind "
		    "forecast");
		sf_usage_die();
	}
	if (from_stdin) {
		if (read_stations(&st) == -1)
			rval = SF_EXIT_FAIL;
		if (st.n == 0) {
			sf_warn("no station on stdin: nothing to do");
			goto done;
		}
	}
	q.stations = (const char *const *)st.v;
	q.nstations = st.n;
	q.put = put_cb;
	q.warn = warn_cb;
	q.arg = &o;

	if ((db = sf_db_open_opt(dbpath, SF_DB_READONLY | SF_DB_PG,
	    &err)) == NULL) {
		sf_error("%s", err.msg);
		rval = SF_EXIT_FAIL;
		goto done;
	}
	o.w = sf_writer_new(stdout, fmt);
	r = sf_query_run(db, &q, &err);
	if (r == -1) {
		sf_error("%s", err.msg);
		rval = SF_EXIT_USAGE;
	} else if (r == -2) {
		sf_error("%s", err.msg);
		rval = SF_EXIT_FAIL;
	}
	if (o.bad)
		rval = SF_EXIT_FAIL;
	sf_writer_free(o.w);
	sf_db_close(db);
done:
	for (i = 0; i < st.n; i++)
		free(st.v[i]);
	free(st.v);
	if (sf_fshut(stdout, "stdout"))
		rval = SF_EXIT_FAIL;
	return rval;
}
