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
#include "sf_log.h"
#include "sf.h"

static const char usage_text[] =
    "usage: sf-stations [-qv] [--agency A] [--db PATH] [-f ndjson|csv] "
    "[--huc NN] [--id ID] [--name TEXT] [--state XX]\n";

static const struct option longopts[] = {
	{ "agency", required_argument, NULL, 'a' },
	{ "db", required_argument, NULL, 'd' },
	{ "format", required_argument, NULL, 'f' },
	{ "help", no_argument, NULL, 'h' },
	{ "huc", required_argument, NULL, 'u' },
	{ "id", required_argument, NULL, 'i' },
	{ "name", required_argument, NULL, 'n' },
	{ "quiet", no_argument, NULL, 'q' },
	{ "state", required_argument, NULL, 's' },
	{ "verbose", no_argument, NULL, 'v' },
	{ "version", no_argument, NULL, 'V' },
	{ NULL, 0, NULL, 0 }
};

/*
 * The filters, in the order their clauses are written. Each test has one
 * parameter; the values of a filter are joined with OR, the filters with
 * AND. Only these fixed fragments and placeholders make up the SQL: every
 * value is bound.
 */
enum { F_STATE, F_HUC, F_NAME, F_ID, F_AGENCY, F_COUNT };

static const char *const filter_sql[F_COUNT] = {
	/*
	 * lower() on both sides, not "= ? COLLATE NOCASE": SQLite 3.40
	 * turns an OR of those into an IN on the column's binary index
	 * and loses the case folding.
	 */
	[F_STATE] = "lower(state_code) = lower(?)",
	/* the value is digits only, so it holds no GLOB wildcard */
	[F_HUC] = "huc_code GLOB ? || '*'",
	/* instr, not LIKE: % and _ in a name are plain characters */
	[F_NAME] = "instr(lower(station_name), lower(?)) > 0",
	[F_ID] = "station_number = ?",
	[F_AGENCY] = "agency = ?"
};

struct filter {
	const char **v;		/* borrowed from argv, or static */
	size_t n;
};

/* The columns in the order of the station record's fields. */
static const char select_sql[] =
    "SELECT station_number, agency, station_name, latitude, longitude, "
    "state_code, huc_code, drainage_area_sqmi, altitude_ft, utc_offset, "
    "uses_dst FROM master_stations";

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

/* The query for filters f: SELECT ... WHERE ... ORDER BY station_number. */
static void
build_query(struct sf_buf *q, const struct filter *f)
{
	const char *glue = " WHERE ";
	size_t i, k;

	sf_buf_adds(q, select_sql);
	for (k = 0; k < F_COUNT; k++) {
		if (f[k].n == 0)
			continue;
		sf_buf_adds(q, glue);
		sf_buf_addc(q, '(');
		for (i = 0; i < f[k].n; i++) {
			if (i > 0)
				sf_buf_adds(q, " OR ");
			sf_buf_adds(q, filter_sql[k]);
		}
		sf_buf_addc(q, ')');
		glue = " AND ";
	}
	sf_buf_adds(q, " ORDER BY station_number");
}

/*
 * Fills rec from the current row of st; numbers are written in their
 * shortest form into num. Returns 0, or -1 with err when the row holds
 * what a station record cannot carry.
 */
static int
row_to_rec(sqlite3_stmt *st, struct sf_rec *rec,
    char num[SF_ST_NFIELDS][SF_NUM_LEN], struct sf_err *err)
{
	const struct sf_kind_info *ki = sf_kind_info(SF_KIND_STATION);
	int i, t;

	sf_rec_clear(rec, SF_KIND_STATION);
	for (i = 0; i < ki->nfields; i++) {
		t = sqlite3_column_type(st, i);
		if (t == SQLITE_NULL)
			continue;
		if (ki->types[i] == SF_FT_BOOL) {
			if (t != SQLITE_INTEGER)
				return sf_err_set(err, "uses_dst '%s': not 0 "
				    "or 1", sqlite3_column_text(st, i));
			rec->f[i] = sqlite3_column_int64(st, i) != 0 ?
			    "true" : "false";
		} else if (ki->types[i] == SF_FT_NUM &&
		    (t == SQLITE_FLOAT || t == SQLITE_INTEGER)) {
			sf_str_fmt_double(sqlite3_column_double(st, i), num[i]);
			rec->f[i] = num[i];
		} else
			rec->f[i] = (const char *)sqlite3_column_text(st, i);
	}
	return 0;
}

/* Writes every station of st; returns the exit status. */
static int
list(struct sf_db *db, sqlite3_stmt *st, struct sf_writer *w)
{
	char num[SF_ST_NFIELDS][SF_NUM_LEN];
	struct sf_rec rec;
	struct sf_err err;
	long n = 0;
	int rc, rval = 0;

	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (row_to_rec(st, &rec, num, &err) == -1 ||
		    sf_writer_put(w, &rec, &err) == -1) {
			sf_error("station '%s': %s",
			    sqlite3_column_text(st, 0), err.msg);
			rval = SF_EXIT_FAIL;
			continue;
		}
		n++;
	}
	if (rc != SQLITE_DONE) {
		sf_db_fail(db, "reading master_stations", &err);
		sf_error("%s", err.msg);
		rval = SF_EXIT_FAIL;
	}
	sf_info("%ld station%s", n, n == 1 ? "" : "s");
	return rval;
}

int
main(int argc, char *argv[])
{
	static const char *const optname[F_COUNT] = {
		[F_STATE] = "state", [F_HUC] = "huc", [F_NAME] = "name",
		[F_ID] = "id", [F_AGENCY] = "agency"
	};
	struct filter f[F_COUNT] = { { NULL, 0 } };
	struct sf_buf q = SF_BUF_INIT;
	enum sf_format fmt = SF_FMT_NDJSON;
	struct sf_writer *w;
	struct sf_db *db;
	sqlite3_stmt *st;
	struct sf_err err;
	const char *dbpath = NULL;
	size_t i, k;
	int c, p, rval;

	sf_log_init(argv[0]);
	argv[0] = (char *)sf_log_progname();	/* for getopt's messages */
	while ((c = getopt_long(argc, argv, "f:hqvV", longopts, NULL)) != -1) {
		switch (c) {
		case 'a':
			need_value(optname[F_AGENCY], optarg);
			if (sf_str_eq_ci(optarg, "USGS"))
				filter_add(&f[F_AGENCY], "USGS", argc);
			else if (sf_str_eq_ci(optarg, "EC"))
				filter_add(&f[F_AGENCY], "EC", argc);
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
			need_value(optname[F_ID], optarg);
			filter_add(&f[F_ID], optarg, argc);
			break;
		case 'n':
			need_value(optname[F_NAME], optarg);
			filter_add(&f[F_NAME], optarg, argc);
			break;
		case 's':
			need_value(optname[F_STATE], optarg);
			filter_add(&f[F_STATE], optarg, argc);
			break;
		case 'u':
			if (!is_digits(optarg)) {
				sf_error("--huc '%s': not a hydrologic unit "
				    "code (digits)", optarg);
				sf_usage_die();
			}
			filter_add(&f[F_HUC], optarg, argc);
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

	build_query(&q, f);
	st = NULL;
	if ((db = sf_db_open_opt(dbpath, SF_DB_READONLY, &err)) == NULL ||
	    (st = sf_db_prepare(db, q.buf, &err)) == NULL) {
		sf_error("%s", err.msg);
		rval = SF_EXIT_FAIL;
	} else {
		for (p = 1, k = 0; k < F_COUNT; k++) {
			for (i = 0; i < f[k].n; i++)
				sqlite3_bind_text(st, p++, f[k].v[i], -1,
				    SQLITE_STATIC);
		}
		w = sf_writer_new(stdout, fmt);
		rval = list(db, st, w);
		sf_writer_free(w);
	}
	sqlite3_finalize(st);
	sf_db_close(db);
	sf_buf_release(&q);
	for (k = 0; k < F_COUNT; k++)
		free(f[k].v);
	if (sf_fshut(stdout, "stdout"))
		rval = SF_EXIT_FAIL;
	return rval;
}
