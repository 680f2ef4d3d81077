/*
 * sf-progress: Smart Append. Plans the request each station of a pull
 * configuration needs next (and what its revision pass re-asks), shows
 * the progress sf-load has recorded, closes a station's circuit breaker,
 * and starts a station over.
 */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "sf_db.h"
#include "sf_err.h"
#include "sf_log.h"
#include "sf_plan.h"
#include "sf_rec.h"
#include "sf_report.h"
#include "sf_str.h"
#include "sf_time.h"
#include "sf.h"

static const char usage_text[] =
    "usage: sf-progress plan [-qv] [--db PATH] [-f FORMAT] "
    "[--max-failures N] name ...\n"
    "       sf-progress show [-qv] [--db PATH] [-f FORMAT] [name]\n"
    "       sf-progress reset [-qv] [--db PATH] [--from-start] name "
    "[station ...]\n";

static const struct option longopts[] = {
	{ "db", required_argument, NULL, 'd' },
	{ "failures-only", no_argument, NULL, 'F' },
	{ "format", required_argument, NULL, 'f' },
	{ "from-start", no_argument, NULL, 'R' },
	{ "help", no_argument, NULL, 'h' },
	{ "max-failures", required_argument, NULL, 'm' },
	{ "quiet", no_argument, NULL, 'q' },
	{ "verbose", no_argument, NULL, 'v' },
	{ "version", no_argument, NULL, 'V' },
	{ NULL, 0, NULL, 0 }
};

/* plan */

static int
plan(struct sf_db *db, int argc, char **argv, enum sf_format fmt,
    long long max_failures, int64_t now)
{
	struct sf_writer *w = sf_writer_new(stdout, fmt);
	struct sf_plan p;
	struct sf_rec rec;
	struct sf_err err;
	size_t j;
	int i, r, rval = 0;

	for (i = 0; i < argc; i++) {
		r = sf_plan_make(db, argv[i], max_failures, now, &p, &err);
		if (r == 1) {
			sf_error("configuration '%s': not defined "
			    "(see sf-config)", argv[i]);
			rval = SF_EXIT_FAIL;
		} else if (r == -1) {
			sf_error("%s", err.msg);
			rval = SF_EXIT_FAIL;
		} else if (!p.enabled)
			sf_warn("configuration '%s' is disabled: nothing "
			    "planned", argv[i]);
		else if (p.nitems + p.nskipped == 0)
			sf_warn("configuration '%s' has no enabled stations",
			    argv[i]);
		for (j = 0; r == 0 && j < p.nskipped; j++)
			sf_warn("configuration '%s' station '%s': circuit "
			    "breaker open after %lld consecutive failure%s, "
			    "next probe at %s (sf-progress reset %s %s "
			    "closes it now, keeping progress)", argv[i],
			    p.skipped[j].station, p.skipped[j].failures,
			    p.skipped[j].failures == 1 ? "" : "s",
			    p.skipped[j].next_probe, argv[i],
			    p.skipped[j].station);
		for (j = 0; r == 0 && j < p.nitems; j++) {
			if (p.items[j].probe)
				sf_info("configuration '%s' station '%s': "
				    "circuit breaker half-open after %lld "
				    "consecutive failures: one probe request",
				    argv[i], p.items[j].station,
				    p.items[j].failures);
			sf_rec_clear(&rec, SF_KIND_REQUEST);
			rec.f[SF_REQ_CONFIG] = p.config;
			rec.f[SF_REQ_STATION] = p.items[j].station;
			rec.f[SF_REQ_AGENCY] = p.items[j].agency;
			rec.f[SF_REQ_TYPE] = p.type;
			rec.f[SF_REQ_START] = p.items[j].start;
			rec.f[SF_REQ_END] = p.items[j].end;
			rec.f[SF_REQ_MODIFIED_SINCE] =
			    p.items[j].modified_since;
			if (sf_writer_put(w, &rec, &err) == -1) {
				sf_error("%s", err.msg);
				rval = SF_EXIT_FAIL;
			}
		}
		sf_plan_release(&p);
	}
	sf_writer_free(w);
	return rval;
}

/* show */

static const struct sf_report_col show_cols[] = {
	{ "config", "CONFIG", SF_REPORT_STR },
	{ "station", "STATION", SF_REPORT_STR },
	{ "last_successful_pull_date", "LAST_PULL", SF_REPORT_STR },
	{ "consecutive_failures", "FAILURES", SF_REPORT_NUM },
	{ "last_attempt_at", "LAST_ATTEMPT", SF_REPORT_STR },
	{ "last_error_at", "LAST_ERROR_AT", SF_REPORT_STR },
	{ "last_error", "LAST_ERROR", SF_REPORT_STR },
};
#define NSHOW (sizeof(show_cols) / sizeof(show_cols[0]))

static int
show_row(void *arg, const struct sf_plan_progress *row)
{
	char failures[24];
	const char *v[NSHOW];

	snprintf(failures, sizeof(failures), "%lld", row->failures);
	v[0] = row->config;
	v[1] = row->station;
	v[2] = row->last_pull;
	v[3] = failures;
	v[4] = row->last_attempt;
	v[5] = row->last_error_at;
	v[6] = row->last_error;
	sf_report_put(arg, v);
	return 0;
}

static int
show(struct sf_db *db, const char *name, enum sf_report_format fmt)
{
	struct sf_report rep;
	struct sf_err err;
	int r;

	sf_report_init(&rep, stdout, fmt, "progress", show_cols, NSHOW);
	r = sf_plan_progress(db, name, show_row, &rep, &err);
	sf_report_finish(&rep);
	sf_report_release(&rep);
	if (r == 1) {
		sf_error("configuration '%s': not defined (see sf-config)",
		    name);
		return SF_EXIT_FAIL;
	}
	if (r == -1) {
		sf_error("%s", err.msg);
		return SF_EXIT_FAIL;
	}
	return 0;
}

/* reset */

static int
reset(struct sf_db *db, const char *name, int nst, char **stations,
    int from_start, int64_t now)
{
	const char *what = from_start ? "progress" : "failures";
	struct sf_err err;
	long long n;
	int i, r, rval = 0;

	for (i = 0; i < nst || (i == 0 && nst == 0); i++) {
		const char *st = nst > 0 ? stations[i] : NULL;

		r = sf_plan_reset(db, name, st, from_start, now, &n, &err);
		if (r == 1) {
			sf_error("configuration '%s': not defined "
			    "(see sf-config)", name);
			return SF_EXIT_FAIL;
		}
		if (r == -1) {
			sf_error("%s", err.msg);
			return SF_EXIT_FAIL;
		}
		if (r == 2) {
			sf_error("configuration '%s' station '%s': not a "
			    "station of the configuration", name, st);
			rval = SF_EXIT_FAIL;
		} else if (st == NULL)
			sf_info("configuration '%s': %s of %lld station%s "
			    "cleared", name, what, n, n == 1 ? "" : "s");
		else if (n == 0)
			sf_info("configuration '%s' station '%s': nothing to "
			    "clear", name, st);
		else
			sf_info("configuration '%s' station '%s': %s cleared",
			    name, st, what);
	}
	return rval;
}

int
main(int argc, char *argv[])
{
	struct sf_db *db;
	struct sf_err err;
	enum { PLAN, SHOW, RESET } cmd;
	enum sf_report_format ofmt = SF_REPORT_NDJSON;
	const char *dbpath = NULL, *format = NULL;
	long long max_failures = SF_PLAN_MAX_FAILURES;
	int64_t now;
	int c, failures_only = 0, from_start = 0, has_max = 0, rval;

	sf_log_init(argv[0]);
	argv[0] = (char *)sf_log_progname();	/* for getopt's messages */
	while ((c = getopt_long(argc, argv, "f:hqvV", longopts, NULL)) != -1) {
		switch (c) {
		case 'd':
			dbpath = optarg;
			break;
		case 'F':
			failures_only = 1;	/* the default; kept for scripts */
			break;
		case 'R':
			from_start = 1;
			break;
		case 'f':
			format = optarg;
			break;
		case 'm':
			if (sf_str_toll(optarg, 1, 1000000, &max_failures,
			    &err)) {
				sf_error("--max-failures: %s", err.msg);
				sf_usage_die();
			}
			has_max = 1;
			break;
		default:
			if (!sf_common_opt(c, usage_text, SF_VERSION))
				sf_usage_die();
		}
	}
	argc -= optind;
	argv += optind;

	if (argc == 0) {
		sf_error("no command: plan, show or reset");
		sf_usage_die();
	}
	if (strcmp(argv[0], "plan") == 0)
		cmd = PLAN;
	else if (strcmp(argv[0], "show") == 0)
		cmd = SHOW;
	else if (strcmp(argv[0], "reset") == 0)
		cmd = RESET;
	else {
		sf_error("command '%s': unknown (plan, show or reset)",
		    argv[0]);
		sf_usage_die();
	}
	argc--;
	argv++;
	if (format != NULL) {
		if (sf_report_format_parse(format, &ofmt, &err) == -1 ||
		    (ofmt == SF_REPORT_TABLE && cmd != SHOW)) {
			sf_error("format '%s': unknown (%s)", format,
			    cmd == SHOW ? "table, csv or ndjson" :
			    "csv or ndjson");
			sf_usage_die();
		}
	} else if (cmd == SHOW)
		ofmt = SF_REPORT_TABLE;
	if (cmd == RESET && format != NULL) {
		sf_error("reset: -f is not an option of reset");
		sf_usage_die();
	}
	if (cmd != RESET && (failures_only || from_start)) {
		sf_error("--%s is an option of reset", from_start ?
		    "from-start" : "failures-only");
		sf_usage_die();
	}
	if (failures_only && from_start) {
		sf_error("reset: --failures-only and --from-start exclude "
		    "each other");
		sf_usage_die();
	}
	if (cmd != PLAN && has_max) {
		sf_error("--max-failures is an option of plan");
		sf_usage_die();
	}
	if ((cmd == PLAN || cmd == RESET) && argc == 0) {
		sf_error("%s: no configuration named",
		    cmd == PLAN ? "plan" : "reset");
		sf_usage_die();
	}
	if (cmd == SHOW && argc > 1) {
		sf_error("show: one configuration at most");
		sf_usage_die();
	}

	if (sf_time_now(&now, &err) == -1)
		sf_die(SF_EXIT_USAGE, "%s", err.msg);
	/* plan and show only read, so they work on an archive they cannot. */
	if ((db = sf_db_open_opt(dbpath, SF_DB_PG |
	    (cmd == RESET ? 0 : SF_DB_READONLY), &err)) == NULL)
		sf_die(SF_EXIT_FAIL, "%s", err.msg);
	if (cmd == PLAN)
		rval = plan(db, argc, argv, ofmt == SF_REPORT_CSV ? SF_FMT_CSV :
		    SF_FMT_NDJSON, max_failures, now);
	else if (cmd == SHOW)
		rval = show(db, argc ? argv[0] : NULL, ofmt);
	else
		rval = reset(db, argv[0], argc - 1, argv + 1, from_start,
		    now);
	sf_db_close(db);
	if (sf_fshut(stdout, "stdout"))
		rval = SF_EXIT_FAIL;
	return rval;
}
