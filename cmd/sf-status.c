/*
 * sf-status: the health of the pull configurations and their stations,
 * as a table, CSV or NDJSON; --check for monitoring (exit 1 when a
 * station's data are stale or its circuit breaker is open); --prune to keep
 * data_pull_logs from growing without end.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>

#include "sf_db.h"
#include "sf_err.h"
#include "sf_health.h"
#include "sf_log.h"
#include "sf_plan.h"
#include "sf_report.h"
#include "sf_str.h"
#include "sf_time.h"
#include "sf.h"

#define DEFAULT_KEEP_DAYS 90

static const char usage_text[] =
    "usage: sf-status [-qv] [--check] [--db PATH] [-f FORMAT] "
    "[--max-failures N] [name ...]\n"
    "       sf-status --prune [-qv] [--db PATH] [--keep-days N]\n";

static const struct option longopts[] = {
	{ "check", no_argument, NULL, 'c' },
	{ "db", required_argument, NULL, 'd' },
	{ "format", required_argument, NULL, 'f' },
	{ "help", no_argument, NULL, 'h' },
	{ "keep-days", required_argument, NULL, 'k' },
	{ "max-failures", required_argument, NULL, 'm' },
	{ "prune", no_argument, NULL, 'P' },
	{ "quiet", no_argument, NULL, 'q' },
	{ "verbose", no_argument, NULL, 'v' },
	{ "version", no_argument, NULL, 'V' },
	{ NULL, 0, NULL, 0 }
};

static const struct sf_report_col status_cols[] = {
	{ "config", "CONFIG", SF_REPORT_STR },
	{ "station", "STATION", SF_REPORT_STR },
	{ "type", NULL, SF_REPORT_STR },
	{ "state", "STATE", SF_REPORT_STR },
	{ "last_success", "LAST_SUCCESS", SF_REPORT_STR },
	{ "last_attempt", "LAST_ATTEMPT", SF_REPORT_STR },
	{ "consecutive_failures", "FAILURES", SF_REPORT_NUM },
	{ "breaker", NULL, SF_REPORT_STR },
	{ "stale", NULL, SF_REPORT_BOOL },
	{ "newest", "NEWEST", SF_REPORT_STR },
	{ "rows", "ROWS", SF_REPORT_NUM },
	{ "next_probe", "NEXT_PROBE", SF_REPORT_STR },
};
#define NCOLS (sizeof(status_cols) / sizeof(status_cols[0]))

/* t as an instant into buf, or NULL when t is -1. */
static const char *
when(int64_t t, char buf[SF_TIME_LEN])
{
	if (t < 0)
		return NULL;
	sf_time_format(t, buf);
	return buf;
}

static void
put_rows(struct sf_report *rep, const struct sf_health *h)
{
	char succ[SF_TIME_LEN], att[SF_TIME_LEN], newest[SF_TIME_LEN];
	char probe[SF_TIME_LEN];
	char fails[24], rows[24];
	const char *v[NCOLS];
	size_t j;

	for (j = 0; j < h->nst; j++) {
		const struct sf_health_station *s = &h->st[j];

		snprintf(fails, sizeof(fails), "%lld", s->failures);
		snprintf(rows, sizeof(rows), "%lld", s->rows);
		v[0] = h->config;
		v[1] = s->station;
		v[2] = h->type;
		v[3] = sf_health_state_name(s->state);
		v[4] = when(s->last_success, succ);
		v[5] = when(s->last_attempt, att);
		v[6] = fails;
		v[7] = s->breaker_open ? "open" : "closed";
		v[8] = s->stale ? "true" : "false";
		v[9] = when(s->newest, newest);
		v[10] = rows;
		v[11] = when(s->next_probe, probe);
		sf_report_put(rep, v);
	}
}

/* An age in seconds, for people: "4 days", "7 hours", "12 minutes". */
static void
age(int64_t sec, char *buf, size_t n)
{
	if (sec >= 2 * 86400)
		snprintf(buf, n, "%lld days", (long long)(sec / 86400));
	else if (sec >= 2 * 3600)
		snprintf(buf, n, "%lld hours", (long long)(sec / 3600));
	else
		snprintf(buf, n, "%lld minute%s", (long long)(sec / 60),
		    sec / 60 == 1 ? "" : "s");
}

/* Reports each problem of h on stderr; returns their number. */
static int
problems(const struct sf_health *h, int64_t now)
{
	char t[SF_TIME_LEN], p[SF_TIME_LEN], old[32], allow[32];
	size_t j;
	int n = 0;

	if (h->bad_schedule) {
		sf_error("configuration '%s': %s", h->config,
		    h->sched_err.msg);
		n++;
	}
	age(h->allowance, allow, sizeof(allow));
	for (j = 0; j < h->nst; j++) {
		const struct sf_health_station *s = &h->st[j];

		if (s->state == SF_HEALTH_BROKEN) {
			sf_error("configuration '%s' station '%s': circuit "
			    "breaker open (%lld consecutive failure%s, last "
			    "error %s: %s); next probe at %s; 'sf-progress "
			    "reset %s %s' closes it now, keeping progress",
			    h->config, s->station, s->failures,
			    s->failures == 1 ? "" : "s",
			    when(s->last_error_at, t) ? t : "at an unknown "
			    "time", s->last_error ? s->last_error : "unknown",
			    when(s->next_probe, p), h->config, s->station);
			n++;
		} else if (s->state == SF_HEALTH_STALE && s->newest >= 0) {
			sf_time_format(s->newest, t);
			age(now - s->newest, old, sizeof(old));
			sf_error("configuration '%s' station '%s': stale "
			    "(newest value %s, %s old; %s allows %s)",
			    h->config, s->station, t, old, h->type, allow);
			n++;
		} else if (s->state == SF_HEALTH_STALE) {
			sf_error("configuration '%s' station '%s': stale (no "
			    "data%s; %s allows %s)", h->config, s->station,
			    s->last_success >= 0 ? "" : ", never pulled",
			    h->type, allow);
			n++;
		}
	}
	return n;
}

static int
prune(struct sf_db *db, int64_t now, long long days)
{
	char t[SF_TIME_LEN];
	struct sf_err err;
	int64_t before = now - days * 86400;
	long long n;

	if (sf_health_prune(db, before, &n, &err) == -1) {
		sf_error("%s", err.msg);
		return SF_EXIT_FAIL;
	}
	sf_time_format(before, t);
	sf_info("pruned %lld data_pull_logs row%s older than %s", n,
	    n == 1 ? "" : "s", t);
	return 0;
}

int
main(int argc, char *argv[])
{
	struct sf_health_opts o = { 0 };
	struct sf_report rep;
	struct sf_health h;
	struct sf_db *db;
	enum sf_report_format ofmt = SF_REPORT_TABLE;
	struct sf_err err;
	const char *dbpath = NULL, *format = NULL;
	char **names = NULL;
	size_t i, nnames = 0, nst = 0;
	long long keep_days = DEFAULT_KEEP_DAYS;
	int c, r, check = 0, do_prune = 0, has_keep = 0, has_max = 0;
	int nprob = 0, rval = 0;

	sf_log_init(argv[0]);
	argv[0] = (char *)sf_log_progname();	/* for getopt's messages */
	o.max_failures = SF_PLAN_MAX_FAILURES;
	while ((c = getopt_long(argc, argv, "f:hqvV", longopts, NULL)) != -1) {
		switch (c) {
		case 'c':
			check = 1;
			break;
		case 'd':
			dbpath = optarg;
			break;
		case 'f':
			format = optarg;
			break;
		case 'k':
			if (sf_str_toll(optarg, 0, 36500, &keep_days, &err)) {
				sf_error("--keep-days: %s", err.msg);
				sf_usage_die();
			}
			has_keep = 1;
			break;
		case 'm':
			if (sf_str_toll(optarg, 1, 1000000, &o.max_failures,
			    &err)) {
				sf_error("--max-failures: %s", err.msg);
				sf_usage_die();
			}
			has_max = 1;
			break;
		case 'P':
			do_prune = 1;
			break;
		default:
			if (!sf_common_opt(c, usage_text, SF_VERSION))
				sf_usage_die();
		}
	}
	argc -= optind;
	argv += optind;

	if (format != NULL && sf_report_format_parse(format, &ofmt,
	    &err) == -1) {
		sf_error("%s", err.msg);
		sf_usage_die();
	}
	if (do_prune && (check || format || has_max || argc > 0)) {
		sf_error("--prune takes no names and no other option but "
		    "--keep-days");
		sf_usage_die();
	}
	if (has_keep && !do_prune) {
		sf_error("--keep-days goes with --prune");
		sf_usage_die();
	}
	if (check && format != NULL) {
		sf_error("--check prints no report: -f does not apply");
		sf_usage_die();
	}

	if (sf_time_now(&o.now, &err) == -1)
		sf_die(SF_EXIT_USAGE, "%s", err.msg);
	/* Only --prune writes: the report works on an archive it cannot. */
	if ((db = sf_db_open_opt(dbpath, SF_DB_PG |
	    (do_prune ? 0 : SF_DB_READONLY), &err)) == NULL)
		sf_die(SF_EXIT_FAIL, "%s", err.msg);
	if (do_prune) {
		rval = prune(db, o.now, keep_days);
		sf_db_close(db);
		return rval;
	}

	if (argc == 0 && sf_health_names(db, &names, &nnames, &err) == -1) {
		sf_error("%s", err.msg);
		rval = SF_EXIT_FAIL;
	}
	sf_report_init(&rep, stdout, ofmt, "status", status_cols, NCOLS);
	for (i = 0; i < (argc > 0 ? (size_t)argc : nnames); i++) {
		const char *name = argc > 0 ? argv[i] : names[i];

		r = sf_health_get(db, name, &o, &h, &err);
		if (r == 1) {
			sf_error("configuration '%s': not defined "
			    "(see sf-config)", name);
			rval = SF_EXIT_FAIL;
		} else if (r == -1) {
			sf_error("%s", err.msg);
			rval = SF_EXIT_FAIL;
		} else if (check) {
			nprob += problems(&h, o.now);
			nst += h.nst;
		} else {
			if (h.bad_schedule)
				sf_warn("configuration '%s': %s", name,
				    h.sched_err.msg);
			put_rows(&rep, &h);
		}
		sf_health_release(&h);
	}
	sf_report_finish(&rep);
	sf_report_release(&rep);
	for (i = 0; i < nnames; i++)
		free(names[i]);
	free(names);
	sf_db_close(db);

	if (check && nprob > 0)
		rval = SF_EXIT_FAIL;
	else if (check && rval == 0)
		sf_info("%zu station%s checked: none stale or broken", nst,
		    nst == 1 ? "" : "s");
	if (sf_fshut(stdout, "stdout"))
		rval = SF_EXIT_FAIL;
	return rval;
}
