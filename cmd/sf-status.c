/*
 * sf-status: the health of the pull configurations and their stations,
 * as a table, CSV or NDJSON; --check for monitoring (exit 1 when a
 * station is stale or its circuit breaker is open); --prune to keep
 * data_pull_logs from growing without end.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sf_db.h"
#include "sf_health.h"
#include "sf_log.h"
#include "sf_plan.h"
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

/*
 * A report: rows of strings printed as an aligned table, CSV or NDJSON
 * (objects with "kind" first, as sf(7) streams have, numbers unquoted).
 */
enum outfmt { OUT_TABLE, OUT_CSV, OUT_NDJSON };

struct col {
	const char *name;	/* CSV column, NDJSON key */
	const char *head;	/* table heading; NULL: not in the table */
	int num;		/* number or boolean: unquoted, right-aligned */
};

struct report {
	enum outfmt fmt;
	const char *kind;
	const struct col *cols;
	int ncols;
	char **cells;		/* the table, row by row */
	size_t nrows;		/* rows kept or written */
	struct sf_buf line;
};

static void
report_row(struct report *r, const char *const *v)
{
	int i;

	if (r->fmt == OUT_TABLE) {
		r->cells = sf_realloc(r->cells, (r->nrows + 1) * r->ncols *
		    sizeof(*r->cells));
		for (i = 0; i < r->ncols; i++)
			r->cells[r->nrows * r->ncols + i] =
			    sf_strdup(v[i] == NULL ? "-" : v[i]);
		r->nrows++;
		return;
	}
	sf_buf_reset(&r->line);
	if (r->fmt == OUT_CSV) {
		if (r->nrows++ == 0) {
			for (i = 0; i < r->ncols; i++) {
				if (i > 0)
					sf_buf_addc(&r->line, ',');
				sf_buf_adds(&r->line, r->cols[i].name);
			}
			sf_buf_addc(&r->line, '\n');
		}
		for (i = 0; i < r->ncols; i++) {
			if (i > 0)
				sf_buf_addc(&r->line, ',');
			if (v[i] != NULL)
				sf_buf_add_csv_field(&r->line, v[i]);
		}
	} else {
		sf_buf_addf(&r->line, "{\"kind\":\"%s\"", r->kind);
		for (i = 0; i < r->ncols; i++) {
			sf_buf_addf(&r->line, ",\"%s\":", r->cols[i].name);
			if (v[i] == NULL)
				sf_buf_adds(&r->line, "null");
			else if (r->cols[i].num)
				sf_buf_adds(&r->line, v[i]);
			else
				sf_buf_add_json_str(&r->line, v[i]);
		}
		sf_buf_addc(&r->line, '}');
	}
	sf_buf_addc(&r->line, '\n');
	fwrite(r->line.buf, 1, r->line.len, stdout);
}

/* Prints the table, if that is the format, and frees the report. */
static void
report_end(struct report *r)
{
	size_t *w;
	size_t j, n;
	int i, last = -1;

	sf_buf_release(&r->line);
	if (r->fmt != OUT_TABLE)
		return;
	w = sf_calloc(r->ncols, sizeof(*w));
	for (i = 0; i < r->ncols; i++)
		if (r->cols[i].head != NULL) {
			w[i] = strlen(r->cols[i].head);
			last = i;
		}
	for (j = 0; j < r->nrows; j++)
		for (i = 0; i < r->ncols; i++)
			if ((n = strlen(r->cells[j * r->ncols + i])) > w[i])
				w[i] = n;
	for (j = 0; r->nrows > 0 && j <= r->nrows; j++) {
		for (i = 0; i < r->ncols; i++) {
			const char *s = j == 0 ? r->cols[i].head :
			    r->cells[(j - 1) * r->ncols + i];

			if (r->cols[i].head == NULL)
				continue;
			if (r->cols[i].num)
				printf("%*s%s", (int)w[i], s,
				    i == last ? "" : "  ");
			else if (i == last)
				fputs(s, stdout);
			else
				printf("%-*s  ", (int)w[i], s);
		}
		putchar('\n');
	}
	for (j = 0; j < r->nrows * r->ncols; j++)
		free(r->cells[j]);
	free(r->cells);
	free(w);
}

static const struct col status_cols[] = {
	{ "config", "CONFIG", 0 },
	{ "station", "STATION", 0 },
	{ "type", NULL, 0 },
	{ "state", "STATE", 0 },
	{ "last_success", "LAST_SUCCESS", 0 },
	{ "last_attempt", "LAST_ATTEMPT", 0 },
	{ "consecutive_failures", "FAILURES", 1 },
	{ "breaker", NULL, 0 },
	{ "stale", NULL, 1 },
	{ "newest", "NEWEST", 0 },
	{ "rows", "ROWS", 1 },
};
#define NCOLS ((int)(sizeof(status_cols) / sizeof(status_cols[0])))

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
put_rows(struct report *rep, const struct sf_health *h)
{
	char succ[SF_TIME_LEN], att[SF_TIME_LEN], newest[SF_TIME_LEN];
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
		report_row(rep, v);
	}
}

/* Reports each problem of h on stderr; returns their number. */
static int
problems(const struct sf_health *h)
{
	char t[SF_TIME_LEN], last[64];
	struct sf_buf exp = SF_BUF_INIT;
	size_t j;
	int n = 0;

	if (h->bad_schedule) {
		sf_error("configuration '%s': %s", h->config,
		    h->sched_err.msg);
		n++;
	}
	if (h->interval)
		sf_buf_addf(&exp, "expected every %s", h->schedule);
	else if (h->schedule != NULL)
		sf_buf_addf(&exp, "expected by the schedule '%s'",
		    h->schedule);
	for (j = 0; j < h->nst; j++) {
		const struct sf_health_station *s = &h->st[j];

		if (s->state == SF_HEALTH_BROKEN) {
			sf_error("configuration '%s' station '%s': circuit "
			    "breaker open (%lld consecutive failure%s, last "
			    "error %s: %s); 'sf-progress reset %s %s' closes "
			    "it", h->config, s->station, s->failures,
			    s->failures == 1 ? "" : "s",
			    when(s->last_error_at, t) ? t : "at an unknown "
			    "time", s->last_error ? s->last_error : "unknown",
			    h->config, s->station);
			n++;
		} else if (s->state == SF_HEALTH_STALE) {
			if (s->last_success >= 0) {
				sf_time_format(s->last_success, t);
				snprintf(last, sizeof(last), "last success %s",
				    t);
			} else
				snprintf(last, sizeof(last), "%s",
				    s->failures > 0 || s->last_attempt >= 0 ?
				    "no success on record" : "never pulled");
			sf_error("configuration '%s' station '%s': stale "
			    "(%s, %s)", h->config, s->station, last, exp.buf);
			n++;
		}
	}
	sf_buf_release(&exp);
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
	struct report rep = { 0 };
	struct sf_health h;
	struct sf_db *db;
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
		case 'h':
			fputs(usage_text, stdout);
			return sf_fshut(stdout, "stdout") ? SF_EXIT_FAIL : 0;
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
		case 'q':
			sf_log_set_level(-1);
			break;
		case 'v':
			sf_log_set_level(1);
			break;
		case 'V':
			puts("sf-status " SF_VERSION);
			return sf_fshut(stdout, "stdout") ? SF_EXIT_FAIL : 0;
		default:
			sf_usage_die();
		}
	}
	argc -= optind;
	argv += optind;

	rep.fmt = OUT_TABLE;
	if (format == NULL)
		;
	else if (strcmp(format, "table") == 0)
		rep.fmt = OUT_TABLE;
	else if (strcmp(format, "csv") == 0)
		rep.fmt = OUT_CSV;
	else if (strcmp(format, "ndjson") == 0)
		rep.fmt = OUT_NDJSON;
	else {
		sf_error("format '%s': unknown (table, csv or ndjson)",
		    format);
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
	if ((db = sf_db_open_opt(dbpath, 0, &err)) == NULL)
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
	rep.kind = "status";
	rep.cols = status_cols;
	rep.ncols = NCOLS;
	sf_buf_init(&rep.line);
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
			nprob += problems(&h);
			nst += h.nst;
		} else {
			if (h.bad_schedule)
				sf_warn("configuration '%s': %s: staleness "
				    "not judged", name, h.sched_err.msg);
			put_rows(&rep, &h);
		}
		sf_health_release(&h);
	}
	report_end(&rep);
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
