/*
 * sf-stations: search the master station list (table master_stations).
 *
 * Filters by state, hydrologic unit code prefix, name substring, station
 * id and agency, and writes the stations that match as station records,
 * sorted by station number, so that they can be fed to sf-config or back
 * to sf-load. Each filter may be given more than once: the values of one
 * filter are alternatives, different filters must all match.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sf_db.h"
#include "sf_err.h"
#include "sf_log.h"
#include "sf_mem.h"
#include "sf_rec.h"
#include "sf_str.h"
#include "sf_stsearch.h"
#include "sf.h"

static const char usage_text[] =
    "usage: sf-stations [-qv] [--agency A] [--db PATH] [-f ndjson|csv] "
    "[--huc NN] [--name TEXT] [-s ID ...] [--state XX]\n";

static const struct option longopts[] = {
	{ "agency", required_argument, NULL, 'a' },
	{ "db", required_argument, NULL, 'd' },
	{ "format", required_argument, NULL, 'f' },
	{ "help", no_argument, NULL, 'h' },
	{ "huc", required_argument, NULL, 'u' },
	{ "id", required_argument, NULL, 'i' },	/* an old name of --station */
	{ "name", required_argument, NULL, 'n' },
	{ "quiet", no_argument, NULL, 'q' },
	{ "state", required_argument, NULL, 'S' },
	{ "station", required_argument, NULL, 'i' },
	{ "verbose", no_argument, NULL, 'v' },
	{ "version", no_argument, NULL, 'V' },
	{ NULL, 0, NULL, 0 }
};

struct filter {
	const char **v;		/* borrowed from argv, or static */
	size_t n;
};

static void
filter_add(struct filter *f, const char *v, int max)
{
	if (f->v == NULL)
		f->v = sf_calloc((size_t)max, sizeof(*f->v));
	f->v[f->n++] = v;
}

/* Dies with a usage error unless v is a value worth searching for. */
static void
need_value(const char *opt, const char *v)
{
	if (*v == '\0') {
		sf_error("--%s: empty value", opt);
		sf_usage_die();
	}
}

static int
is_digits(const char *s)
{
	if (*s == '\0')
		return 0;
	for (; *s != '\0'; s++) {
		if (*s < '0' || *s > '9')
			return 0;
	}
	return 1;
}

static int
put(void *arg, const struct sf_rec *rec, struct sf_err *err)
{
	return sf_writer_put(arg, rec, err);
}

static void
bad(void *arg, const char *station, const char *msg)
{
	(void)arg;
	sf_error("station '%s': %s", station, msg);
}

int
main(int argc, char *argv[])
{
	static const char *const optname[SF_STS_NFILTERS] = {
		[SF_STS_STATE] = "state", [SF_STS_HUC] = "huc",
		[SF_STS_NAME] = "name", [SF_STS_ID] = "station",
		[SF_STS_AGENCY] = "agency"
	};
	struct filter f[SF_STS_NFILTERS] = { { NULL, 0 } };
	struct sf_stsearch s = { .put = put, .bad = bad };
	enum sf_format fmt = SF_FMT_NDJSON;
	struct sf_writer *w;
	struct sf_db *db;
	struct sf_err err;
	const char *dbpath = NULL;
	long n;
	size_t k;
	int c, rval;

	sf_log_init(argv[0]);
	argv[0] = (char *)sf_log_progname();	/* for getopt's messages */
	while ((c = getopt_long(argc, argv, "f:hqs:vV", longopts, NULL)) != -1) {
		switch (c) {
		case 'a':
			need_value(optname[SF_STS_AGENCY], optarg);
			if (sf_str_eq_ci(optarg, "USGS"))
				filter_add(&f[SF_STS_AGENCY], "USGS", argc);
			else if (sf_str_eq_ci(optarg, "EC"))
				filter_add(&f[SF_STS_AGENCY], "EC", argc);
			else {
				sf_error("--agency '%s': not USGS or EC",
				    optarg);
				sf_usage_die();
			}
			break;
		case 'd':
			dbpath = optarg;
			break;
		case 'f':
			if (sf_format_parse(optarg, &fmt, &err) == -1) {
				sf_error("%s", err.msg);
				sf_usage_die();
			}
			break;
		case 'i':
		case 's':
			need_value(optname[SF_STS_ID], optarg);
			filter_add(&f[SF_STS_ID], optarg, argc);
			break;
		case 'n':
			need_value(optname[SF_STS_NAME], optarg);
			filter_add(&f[SF_STS_NAME], optarg, argc);
			break;
		case 'S':
			need_value(optname[SF_STS_STATE], optarg);
			filter_add(&f[SF_STS_STATE], optarg, argc);
			break;
		case 'u':
			if (!is_digits(optarg)) {
				sf_error("--huc '%s': not a hydrologic unit "
				    "code (digits)", optarg);
				sf_usage_die();
			}
			filter_add(&f[SF_STS_HUC], optarg, argc);
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

	for (k = 0; k < SF_STS_NFILTERS; k++) {
		s.v[k] = f[k].v;
		s.n[k] = f[k].n;
	}
	rval = 0;
	if ((db = sf_db_open_opt(dbpath, SF_DB_READONLY | SF_DB_PG,
	    &err)) == NULL) {
		sf_error("%s", err.msg);
		rval = SF_EXIT_FAIL;
	} else {
		w = sf_writer_new(stdout, fmt);
		s.arg = w;
		switch (sf_stsearch_run(db, &s, &n, &err)) {
		case -1:
			sf_error("%s", err.msg);
			/* FALLTHROUGH */
		case 1:
			rval = SF_EXIT_FAIL;
		}
		sf_info("%ld station%s", n, n == 1 ? "" : "s");
		sf_writer_free(w);
	}
	sf_db_close(db);
	for (k = 0; k < SF_STS_NFILTERS; k++)
		free(f[k].v);
	if (sf_fshut(stdout, "stdout"))
		rval = SF_EXIT_FAIL;
	return rval;
}
