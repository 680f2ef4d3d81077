/*
 * sf-progress: Smart Append. Plans the request each station of a pull
 * configuration needs next, shows the progress sf-load has recorded, and
 * clears it (the circuit breaker's reset).
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sf_db.h"
#include "sf_log.h"
#include "sf_plan.h"
#include "sf.h"

static const char usage_text[] =
    "usage: sf-progress plan [-qv] [--db PATH] [-f FORMAT] "
    "[--max-failures N] name ...\n"
    "       sf-progress show [-qv] [--db PATH] [-f FORMAT] [name]\n"
    "       sf-progress reset [-qv] [--db PATH] [--failures-only] name "
    "[station ...]\n";

static const struct option longopts[] = {
	{ "db", required_argument, NULL, 'd' },
	{ "failures-only", no_argument, NULL, 'F' },
	{ "format", required_argument, NULL, 'f' },
	{ "help", no_argument, NULL, 'h' },
	{ "max-failures", required_argument, NULL, 'm' },
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
	const char *head;	/* table heading */
	int num;		/* a number: unquoted, right-aligned */
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
	int i;

	sf_buf_release(&r->line);
	if (r->fmt != OUT_TABLE)
		return;
	w = sf_calloc(r->ncols, sizeof(*w));
	for (i = 0; i < r->ncols; i++)
		w[i] = strlen(r->cols[i].head);
	for (j = 0; j < r->nrows; j++)
		for (i = 0; i < r->ncols; i++)
			if ((n = strlen(r->cells[j * r->ncols + i])) > w[i])
				w[i] = n;
	for (j = 0; r->nrows > 0 && j <= r->nrows; j++) {
		for (i = 0; i < r->ncols; i++) {
			const char *s = j == 0 ? r->cols[i].head :
			    r->cells[(j - 1) * r->ncols + i];
			int last = i == r->ncols - 1;

			if (r->cols[i].num)
				printf("%*s%s", (int)w[i], s, last ? "" : "  ");
			else if (last)
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

/* plan */

static int
plan(struct sf_db *db, int argc, char **argv, enum sf_format fmt,
    long long max_failures)
{
	struct sf_writer *w = sf_writer_new(stdout, fmt);
	struct sf_plan p;
	struct sf_rec rec;
	struct sf_err err;
	size_t j;
	int i, r, rval = 0;

	for (i = 0; i < argc; i++) {
		r = sf_plan_make(db, argv[i], max_failures, &p, &err);
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
			    "skipped (sf-progress reset %s %s)", argv[i],
			    p.skipped[j].station, p.skipped[j].failures,
			    p.skipped[j].failures == 1 ? "" : "s", argv[i],
			    p.skipped[j].station);
		for (j = 0; r == 0 && j < p.nitems; j++) {
			sf_rec_clear(&rec, SF_KIND_REQUEST);
			rec.f[SF_REQ_CONFIG] = p.config;
			rec.f[SF_REQ_STATION] = p.items[j].station;
			rec.f[SF_REQ_AGENCY] = p.agency;
			rec.f[SF_REQ_TYPE] = p.type;
			rec.f[SF_REQ_START] = p.items[j].start;
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

static const struct col show_cols[] = {
	{ "config", "CONFIG", 0 },
	{ "station", "STATION", 0 },
	{ "last_successful_pull_date", "LAST_PULL", 0 },
	{ "consecutive_failures", "FAILURES", 1 },
	{ "last_attempt_at", "LAST_ATTEMPT", 0 },
	{ "last_error_at", "LAST_ERROR_AT", 0 },
	{ "last_error", "LAST_ERROR", 0 },
};

static int
show_row(void *arg, const struct sf_plan_progress *row)
{
	char failures[24];
	const char *v[7];

	snprintf(failures, sizeof(failures), "%lld", row->failures);
	v[0] = row->config;
	v[1] = row->station;
	v[2] = row->last_pull;
	v[3] = failures;
	v[4] = row->last_attempt;
	v[5] = row->last_error_at;
	v[6] = row->last_error;
	report_row(arg, v);
	return 0;
}

static int
show(struct sf_db *db, const char *name, enum outfmt fmt)
{
	struct report rep = { 0 };
	struct sf_err err;
	int r;

	rep.fmt = fmt;
	rep.kind = "progress";
	rep.cols = show_cols;
	rep.ncols = sizeof(show_cols) / sizeof(show_cols[0]);
	sf_buf_init(&rep.line);
	r = sf_plan_progress(db, name, show_row, &rep, &err);
	report_end(&rep);
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
    int failures_only, int64_t now)
{
	const char *what = failures_only ? "failures" : "progress";
	struct sf_err err;
	long long n;
	int i, r, rval = 0;

	for (i = 0; i < nst || (i == 0 && nst == 0); i++) {
		const char *st = nst > 0 ? stations[i] : NULL;

		r = sf_plan_reset(db, name, st, failures_only, now, &n, &err);
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
	enum outfmt ofmt = OUT_NDJSON;
	const char *dbpath = NULL, *format = NULL;
	long long max_failures = SF_PLAN_MAX_FAILURES;
	int64_t now;
	int c, failures_only = 0, has_max = 0, rval;

	sf_log_init(argv[0]);
	argv[0] = (char *)sf_log_progname();	/* for getopt's messages */
	while ((c = getopt_long(argc, argv, "f:hqvV", longopts, NULL)) != -1) {
		switch (c) {
		case 'd':
			dbpath = optarg;
			break;
		case 'F':
			failures_only = 1;
			break;
		case 'f':
			format = optarg;
			break;
		case 'h':
			fputs(usage_text, stdout);
			return sf_fshut(stdout, "stdout") ? SF_EXIT_FAIL : 0;
		case 'm':
			if (sf_str_toll(optarg, 1, 1000000, &max_failures,
			    &err)) {
				sf_error("--max-failures: %s", err.msg);
				sf_usage_die();
			}
			has_max = 1;
			break;
		case 'q':
			sf_log_set_level(-1);
			break;
		case 'v':
			sf_log_set_level(1);
			break;
		case 'V':
			puts("sf-progress " SF_VERSION);
			return sf_fshut(stdout, "stdout") ? SF_EXIT_FAIL : 0;
		default:
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
		if (strcmp(format, "ndjson") == 0)
			ofmt = OUT_NDJSON;
		else if (strcmp(format, "csv") == 0)
			ofmt = OUT_CSV;
		else if (strcmp(format, "table") == 0 && cmd == SHOW)
			ofmt = OUT_TABLE;
		else {
			sf_error("format '%s': unknown (%s)", format,
			    cmd == SHOW ? "table, csv or ndjson" :
			    "csv or ndjson");
			sf_usage_die();
		}
	} else if (cmd == SHOW)
		ofmt = OUT_TABLE;
	if (cmd == RESET && format != NULL) {
		sf_error("reset: -f is not an option of reset");
		sf_usage_die();
	}
	if (cmd != RESET && failures_only) {
		sf_error("--failures-only is an option of reset");
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
	if ((db = sf_db_open_opt(dbpath, 0, &err)) == NULL)
		sf_die(SF_EXIT_FAIL, "%s", err.msg);
	if (cmd == PLAN)
		rval = plan(db, argc, argv, ofmt == OUT_CSV ? SF_FMT_CSV :
		    SF_FMT_NDJSON, max_failures);
	else if (cmd == SHOW)
		rval = show(db, argc ? argv[0] : NULL, ofmt);
	else
		rval = reset(db, argv[0], argc - 1, argv + 1, failures_only,
		    now);
	sf_db_close(db);
	if (sf_fshut(stdout, "stdout"))
		rval = SF_EXIT_FAIL;
	return rval;
}
