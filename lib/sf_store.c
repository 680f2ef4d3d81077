/*
 * sf_store: the write side of the archive.
 *
 * Hot path: an observation costs at most one write. Series (station,
 * type) are cached with the newest time stored, read once per transaction:
 * a row newer than that cannot exist yet and is inserted without a look,
 * which is what an append looks like. Older rows are compared against a
 * window of the stored rows read in time order (one range query per
 * WINDOW rows, instead of one B-tree probe per row), which is what a
 * reload or an overlap looks like. Caches that could hold ids created by
 * an uncommitted transaction are dropped on rollback; the newest times and
 * the window are dropped at every transaction start, since another process
 * may have written in between.
 */
#include <limits.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "sf_buf.h"
#include "sf_err.h"
#include "sf_id.h"
#include "sf_mem.h"
#include "sf_pgstore.h"
#include "sf_quality.h"
#include "sf_rec.h"
#include "sf_store.h"
#include "sf_str.h"
#include "sf_time.h"
#include "sf.h"

#define SERIES_CACHE	256	/* series remembered */
#define PROGRESS_MAX	1024	/* pending progress entries before a commit */
#define FUTURE_SLACK	86400	/* an observation may be a day ahead */
#define LOG_ERRORS	5	/* station errors quoted in a log row */
#define WINDOW		4096	/* stored rows read at a time for comparing */

enum { T_DAILY, T_REALTIME };
enum { U_CFS, U_CMS };

static const char *const type_names[] = { "daily_mean", "realtime_15min" };
static const char *const unit_names[] = { "cfs", "cms" };

struct series {
	char *station;
	int ec;			/* the station is EC's, else USGS's */
	int type;
	int unit;
	int64_t id;
	int have_max;		/* max_t is known for this transaction */
	int64_t max_t;		/* newest t stored, INT64_MIN when none */
};

struct conf {
	char *name;
	int64_t id;		/* 0: not in pull_configurations */
	int64_t first;		/* its pull start date; INT64_MIN if none */
	struct sf_store_counts n;	/* committed, and rejected/failed */
	struct sf_store_counts t;	/* in the open transaction */
	long done;		/* done records: requests that succeeded */
	char **failed;		/* stations that failed in this run */
	size_t nfailed;
	int nerrors;
	struct sf_buf errors;	/* "station 'X': message; ..." */
};

struct progress {
	size_t conf;
	char *station;
	int64_t t;
};

struct point {
	int64_t t;
	double value, stage;
	int has_value, has_stage;
};

/* The forecast run being gathered: consecutive rows with one key. */
struct run {
	int active;
	size_t conf;
	char *station, *agency, *source, *member, *target_id;
	char *unit, *stage_unit;
	int64_t sid;		/* stations.id */
	int64_t run_date;
	struct point *pts;
	size_t npts, cap;
};

struct qc {
	char *code;
	int64_t id;
};

struct wrow {
	int64_t t;
	double value;
	int64_t qc;		/* 0 for NULL */
	int has_value;
};

/*
 * Stored rows of one series with lo <= t <= hi, in time order: every such
 * row is here. series 0 means no window.
 */
struct window {
	int64_t series;
	int64_t lo, hi;
	struct wrow *rows;
	size_t n, pos;
};

struct sf_store {
	struct sf_db *db;
	struct sf_pgstore *pg;		/* PostgreSQL: its writes; else NULL */
	int obs_open;			/* PostgreSQL: the open batch has
					   observations, all of obs_conf */
	int obs_hasconf;
	size_t obs_conf;
	struct sf_store_opts o;
	int in_txn;
	long rows;			/* records in the open transaction */
	struct sf_store_counts all;	/* committed */
	struct sf_store_counts txn;	/* in the open transaction */

	struct series series[SERIES_CACHE];
	size_t nseries;
	struct qc *qcs;
	size_t nqcs;
	struct conf *confs;
	size_t nconfs;
	struct progress *prog;
	size_t nprog;
	struct run run;
	struct window win;
	struct sf_buf qcbuf;		/* the quality code, mapped */

	sqlite3_stmt *window_get, *station_get, *station_add, *series_get, *series_add,
	    *series_max, *obs_add, *obs_keep, *obs_set, *qc_get,
	    *qc_add, *conf_get, *prog_ok, *prog_done, *prog_fail, *log_add,
	    *conf_ran,
	    *master_has, *master_put, *station_upd, *run_get, *run_add,
	    *run_set;
};

static const struct {
	size_t off;
	const char *sql;
} stmts[] = {
#define S(f) offsetof(struct sf_store, f)
	{ S(station_get), "SELECT id, agency FROM stations "
	    "WHERE station_number = ?1" },
	{ S(station_add), "INSERT INTO stations (station_number, name, agency,"
	    " latitude, longitude, timezone, huc_code, state) "
	    "SELECT ?1, coalesce(m.station_name, ?1), ?2, m.latitude, "
	    "m.longitude, coalesce(m.utc_offset, 'UTC'), m.huc_code, "
	    "m.state_code FROM (SELECT 1) "
	    "LEFT JOIN master_stations m ON m.station_number = ?1" },
	{ S(series_get), "SELECT id, unit FROM obs_series "
	    "WHERE station_id = ?1 AND type = ?2" },
	{ S(series_add), "INSERT INTO obs_series (station_id, type, unit) "
	    "VALUES (?1, ?2, ?3)" },
	{ S(series_max), "SELECT max(t) FROM obs WHERE series = ?1" },
	{ S(window_get), "SELECT t, value, qc FROM obs WHERE series = ?1 "
	    "AND t >= ?2 ORDER BY t LIMIT ?3" },
	{ S(obs_add), "INSERT INTO obs (series, t, value, qc, loaded_at) "
	    "VALUES (?1, ?2, ?3, ?4, ?5)" },
	{ S(obs_keep), "INSERT INTO obs_revisions (series, t, value, qc, "
	    "loaded_at, replaced_at) SELECT series, t, value, qc, loaded_at, ?3 "
	    "FROM obs WHERE series = ?1 AND t = ?2" },
	{ S(obs_set), "UPDATE obs SET value = ?3, qc = ?4, loaded_at = ?5 "
	    "WHERE series = ?1 AND t = ?2" },
	{ S(qc_get), "SELECT id FROM quality_codes WHERE code = ?1" },
	{ S(qc_add), "INSERT INTO quality_codes (code) VALUES (?1)" },
	{ S(conf_get), "SELECT id, pull_start_date FROM pull_configurations "
	    "WHERE name = ?1" },
	{ S(prog_ok), "INSERT INTO pull_station_progress (config_id, "
	    "station_number, last_successful_pull_date, consecutive_failures, "
	    "last_attempt_at, last_success_at, created_at, updated_at) "
	    "VALUES (?1, ?2, ?3, 0, ?4, ?4, ?4, ?4) "
	    "ON CONFLICT (config_id, station_number) DO UPDATE SET "
	    "last_successful_pull_date = CASE "
	    "WHEN last_successful_pull_date IS NULL OR "
	    "excluded.last_successful_pull_date > last_successful_pull_date "
	    "THEN excluded.last_successful_pull_date "
	    "ELSE last_successful_pull_date END, "
	    "consecutive_failures = 0, last_attempt_at = ?4, "
	    "last_success_at = ?4, updated_at = ?4" },
	{ S(prog_done), "INSERT INTO pull_station_progress (config_id, "
	    "station_number, consecutive_failures, last_attempt_at, "
	    "last_success_at, last_revision_pass_at, created_at, updated_at) "
	    "VALUES (?1, ?2, 0, ?3, ?3, ?4, ?3, ?3) "
	    "ON CONFLICT (config_id, station_number) DO UPDATE SET "
	    "consecutive_failures = 0, last_attempt_at = ?3, "
	    "last_success_at = ?3, updated_at = ?3, "
	    "last_revision_pass_at = CASE WHEN ?4 IS NOT NULL AND "
	    "(last_revision_pass_at IS NULL OR ?4 > last_revision_pass_at) "
	    "THEN ?4 ELSE last_revision_pass_at END" },
	{ S(prog_fail), "INSERT INTO pull_station_progress (config_id, "
	    "station_number, consecutive_failures, last_error, last_error_at, "
	    "last_attempt_at, created_at, updated_at) "
	    "VALUES (?1, ?2, 1, ?3, ?4, ?4, ?4, ?4) "
	    "ON CONFLICT (config_id, station_number) DO UPDATE SET "
	    "consecutive_failures = consecutive_failures + 1, "
	    "last_error = ?3, last_error_at = ?4, last_attempt_at = ?4, "
	    "updated_at = ?4" },
	{ S(log_add), "INSERT INTO data_pull_logs (config_id, status, "
	    "records_processed, start_time, end_time, error_message, "
	    "station_number, inserted, updated, unchanged, rejected) "
	    "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)" },
	{ S(conf_ran), "UPDATE pull_configurations SET last_run_at = ?2 "
	    "WHERE id = ?1" },
	{ S(master_has), "SELECT 1 FROM master_stations "
	    "WHERE station_number = ?1" },
	{ S(master_put), "INSERT INTO master_stations (station_number, "
	    "agency, station_name, latitude, longitude, state_code, huc_code, "
	    "drainage_area_sqmi, altitude_ft, utc_offset, uses_dst) "
	    "VALUES (?1, ?2, coalesce(?3, ?1), ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11) "
	    "ON CONFLICT (station_number) DO UPDATE SET agency = ?2, "
	    "station_name = coalesce(?3, ?1), latitude = ?4, longitude = ?5, "
	    "state_code = ?6, huc_code = ?7, drainage_area_sqmi = ?8, "
	    "altitude_ft = ?9, utc_offset = ?10, uses_dst = ?11 "
	    "WHERE agency IS NOT ?2 OR station_name IS NOT coalesce(?3, ?1) "
	    "OR latitude IS NOT ?4 OR longitude IS NOT ?5 "
	    "OR state_code IS NOT ?6 OR huc_code IS NOT ?7 "
	    "OR drainage_area_sqmi IS NOT ?8 OR altitude_ft IS NOT ?9 "
	    "OR utc_offset IS NOT ?10 OR uses_dst IS NOT ?11" },
	{ S(station_upd), "UPDATE stations SET name = coalesce(?3, ?1), "
	    "latitude = ?4, longitude = ?5, state = ?6, huc_code = ?7, "
	    "timezone = coalesce(?10, timezone), "
	    "last_updated = strftime('%Y-%m-%dT%H:%M:%SZ', 'now') "
	    "WHERE station_number = ?1 AND (name IS NOT coalesce(?3, ?1) "
	    "OR latitude IS NOT ?4 OR longitude IS NOT ?5 OR state IS NOT ?6 "
	    "OR huc_code IS NOT ?7 OR timezone IS NOT coalesce(?10, timezone))" },
	{ S(run_get), "SELECT id, data FROM forecast_runs WHERE station_id = ?1 "
	    "AND source = ?2 AND run_date = ?3 AND ifnull(member, '') = "
	    "ifnull(?4, '')" },
	{ S(run_add), "INSERT INTO forecast_runs (station_id, source, "
	    "run_date, data, member, target_id, unit, stage_unit, loaded_at) "
	    "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)" },
	{ S(run_set), "UPDATE forecast_runs SET data = ?2, "
	    "target_id = coalesce(?3, target_id), unit = coalesce(?4, unit), "
	    "stage_unit = coalesce(?5, stage_unit), loaded_at = ?6 "
	    "WHERE id = ?1" },
#undef S
};

#define NSTMTS (sizeof(stmts) / sizeof(stmts[0]))

static sqlite3_stmt **
stmt_slot(struct sf_store *s, size_t i)
{
	return (sqlite3_stmt **)(void *)((char *)s + stmts[i].off);
}

/* Fills err from the database's message; returns -2. */
static int
dberr(struct sf_store *s, const char *what, struct sf_err *err)
{
	sf_db_fail(s->db, what, err);
	return -2;
}

/* Steps st to completion (or to its first row); resets it after. */
static int
run_stmt(struct sf_store *s, sqlite3_stmt *st, const char *what,
    struct sf_err *err)
{
	int rc = sqlite3_step(st);

	sqlite3_reset(st);
	if (rc != SQLITE_DONE && rc != SQLITE_ROW)
		return dberr(s, what, err);
	return 0;
}

static void
iso(int64_t t, char buf[SF_TIME_LEN])
{
	sf_time_format(t, buf);
}

static void
warn(struct sf_store *s, const char *msg)
{
	if (s->o.warn != NULL)
		s->o.warn(s->o.warn_arg, msg);
}

static void
add_counts(struct sf_store_counts *to, const struct sf_store_counts *n)
{
	to->inserted += n->inserted;
	to->updated += n->updated;
	to->unchanged += n->unchanged;
	to->rejected += n->rejected;
	to->failed += n->failed;
}

enum { C_INS, C_UPD, C_SAME };

/*
 * Counts a row written (or found unchanged) in the open transaction: the
 * count becomes final at commit and is dropped at rollback.
 */
static void
bump(struct sf_store *s, size_t conf, int hasconf, int what)
{
	struct sf_store_counts *c[2] = { &s->txn, NULL };
	int i;

	if (hasconf)
		c[1] = &s->confs[conf].t;
	for (i = 0; i < 2 && c[i] != NULL; i++) {
		if (what == C_INS)
			c[i]->inserted++;
		else if (what == C_UPD)
			c[i]->updated++;
		else
			c[i]->unchanged++;
	}
}

/* Configurations */

static size_t
conf_find(struct sf_store *s, const char *name, struct sf_err *err,
    int *fail)
{
	struct conf *c;
	size_t i;
	int rc;

	*fail = 0;
	for (i = 0; i < s->nconfs; i++)
		if (strcmp(s->confs[i].name, name) == 0)
			return i;
	s->confs = sf_realloc(s->confs, (s->nconfs + 1) * sizeof(*s->confs));
	c = &s->confs[s->nconfs];
	memset(c, 0, sizeof(*c));
	c->name = sf_strdup(name);
	sf_buf_init(&c->errors);
	c->first = INT64_MIN;
	if (s->pg != NULL) {
		if (sf_pgstore_conf(s->pg, name, &c->id, &c->first,
		    err) == -2) {
			*fail = -2;
			sf_buf_release(&c->errors);
			free(c->name);
			return 0;
		}
		goto found;
	}
	sqlite3_bind_text(s->conf_get, 1, name, -1, SQLITE_STATIC);
	rc = sqlite3_step(s->conf_get);
	c->first = INT64_MIN;
	if (rc == SQLITE_ROW) {
		const char *f;
		struct sf_err e;

		c->id = sqlite3_column_int64(s->conf_get, 0);
		f = (const char *)sqlite3_column_text(s->conf_get, 1);
		if (f == NULL || sf_time_parse(f, &c->first, &e) == -1)
			c->first = INT64_MIN;
	}
	sqlite3_reset(s->conf_get);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
		*fail = sf_db_fail(s->db, "reading configurations", err);
		sf_buf_release(&c->errors);
		free(c->name);
		return 0;
	}
found:
	if (c->id == 0) {
		struct sf_buf m = SF_BUF_INIT;

		sf_buf_addf(&m, "configuration '%s' is not defined "
		    "(see sf-config): its progress is not recorded", name);
		warn(s, m.buf);
		sf_buf_release(&m);
	}
	return s->nconfs++;
}

/* Progress */

static int
progress_write(struct sf_store *s, struct progress *p, struct sf_err *err)
{
	char t[SF_TIME_LEN], now[SF_TIME_LEN];

	if (s->pg != NULL)
		return sf_pgstore_progress(s->pg, s->confs[p->conf].id,
		    p->station, p->t, err);
	iso(p->t, t);
	iso(s->o.now, now);
	sqlite3_bind_int64(s->prog_ok, 1, s->confs[p->conf].id);
	sqlite3_bind_text(s->prog_ok, 2, p->station, -1, SQLITE_STATIC);
	sqlite3_bind_text(s->prog_ok, 3, t, -1, SQLITE_STATIC);
	sqlite3_bind_text(s->prog_ok, 4, now, -1, SQLITE_STATIC);
	return run_stmt(s, s->prog_ok, "recording progress", err);
}

static void
progress_drop(struct sf_store *s, size_t i)
{
	free(s->prog[i].station);
	s->prog[i] = s->prog[--s->nprog];
}

/* Writes the pending progress of (conf, station), or all when station is
 * NULL. */
static int
progress_flush(struct sf_store *s, size_t conf, const char *station,
    struct sf_err *err)
{
	size_t i = s->nprog;

	while (i-- > 0) {
		struct progress *p = &s->prog[i];

		if (station != NULL &&
		    (p->conf != conf || strcmp(p->station, station) != 0))
			continue;
		if (progress_write(s, p, err) == -2)
			return -2;
		progress_drop(s, i);
	}
	return 0;
}

static void
progress_note(struct sf_store *s, size_t conf, const char *station,
    int64_t t)
{
	size_t i = s->nprog;

	if (s->confs[conf].id == 0)
		return;
	while (i-- > 0) {
		struct progress *p = &s->prog[i];

		if (p->conf == conf && strcmp(p->station, station) == 0) {
			if (t > p->t)
				p->t = t;
			return;
		}
	}
	s->prog = sf_realloc(s->prog, (s->nprog + 1) * sizeof(*s->prog));
	s->prog[s->nprog].conf = conf;
	s->prog[s->nprog].station = sf_strdup(station);
	s->prog[s->nprog].t = t;
	s->nprog++;
}

/* Caches */

static void
series_forget(struct sf_store *s)
{
	size_t i;

	for (i = 0; i < s->nseries; i++)
		free(s->series[i].station);
	s->nseries = 0;
}

static void
qc_forget(struct sf_store *s)
{
	size_t i;

	for (i = 0; i < s->nqcs; i++)
		free(s->qcs[i].code);
	free(s->qcs);
	s->qcs = NULL;
	s->nqcs = 0;
}

/* Transactions */

static int
txn_open(struct sf_store *s, struct sf_err *err)
{
	size_t i;

	if (s->in_txn)
		return 0;
	if (s->pg != NULL) {
		if (sf_pgstore_begin(s->pg, err) == -2)
			return -2;
	} else if (sf_db_begin(s->db, err) == -1)
		return -2;
	s->obs_open = 0;
	for (i = 0; i < s->nseries; i++)
		s->series[i].have_max = 0;
	s->win.series = 0;
	s->in_txn = 1;
	s->rows = 0;
	return 0;
}

static void
run_clear(struct run *r)
{
	free(r->station);
	free(r->agency);
	free(r->source);
	free(r->member);
	free(r->target_id);
	free(r->unit);
	free(r->stage_unit);
	r->station = r->agency = r->source = r->member = r->target_id = NULL;
	r->unit = r->stage_unit = NULL;
	r->npts = 0;
	r->active = 0;
}

void
sf_store_rollback(struct sf_store *s)
{
	size_t i;

	if (s->pg != NULL)
		sf_pgstore_rollback(s->pg);
	else
		sf_db_rollback(s->db);
	s->in_txn = 0;
	s->obs_open = 0;
	s->rows = 0;
	for (i = 0; i < s->nconfs; i++)
		memset(&s->confs[i].t, 0, sizeof(s->confs[i].t));
	memset(&s->txn, 0, sizeof(s->txn));
	while (s->nprog > 0)
		progress_drop(s, s->nprog - 1);
	run_clear(&s->run);
	s->win.series = 0;
	series_forget(s);
	qc_forget(s);
}

/* Stations and series */

/* The stations.id of station, created from master_stations if new. */
static int
station_id(struct sf_store *s, const char *station, const char *agency,
    int64_t *id, struct sf_err *err)
{
	int rc;

	if (s->pg != NULL)
		return sf_pgstore_station_id(s->pg, station, agency, id, err);
	sqlite3_bind_text(s->station_get, 1, station, -1, SQLITE_STATIC);
	rc = sqlite3_step(s->station_get);
	if (rc == SQLITE_ROW) {
		const char *a;
		int same;

		*id = sqlite3_column_int64(s->station_get, 0);
		a = (const char *)sqlite3_column_text(s->station_get, 1);
		same = a != NULL && strcmp(a, agency) == 0;
		if (!same)
			sf_err_set(err, "station '%s' is a %s station, not %s",
			    station, a ? a : "(null)", agency);
		sqlite3_reset(s->station_get);
		return same ? 0 : -1;
	}
	sqlite3_reset(s->station_get);
	if (rc != SQLITE_DONE)
		return dberr(s, "reading stations", err);
	sqlite3_bind_text(s->station_add, 1, station, -1, SQLITE_STATIC);
	sqlite3_bind_text(s->station_add, 2, agency, -1, SQLITE_STATIC);
	if (run_stmt(s, s->station_add, "adding a station", err) == -2)
		return -2;
	*id = sqlite3_last_insert_rowid(sf_db_sqlite(s->db));
	return 0;
}

static int
series_find(struct sf_store *s, const char *station, const char *agency,
    int type, int unit, struct series **out, struct sf_err *err)
{
	struct series *e;
	int64_t sid;
	size_t i;
	int rc, r;

	for (i = s->nseries; i-- > 0;) {
		e = &s->series[i];
		if (e->type == type && strcmp(e->station, station) == 0) {
			/* The agency check station_id made once. */
			if (e->ec != (strcmp(agency, "EC") == 0))
				return sf_err_set(err, "station '%s' is a %s "
				    "station, not %s", station, e->ec ? "EC" :
				    "USGS", agency);
			goto found;
		}
	}
	if ((r = station_id(s, station, agency, &sid, err)) != 0)
		return r;
	if (s->nseries == SERIES_CACHE) {
		for (i = 0; i < SERIES_CACHE / 2; i++)
			free(s->series[i].station);
		memmove(s->series, s->series + SERIES_CACHE / 2,
		    (SERIES_CACHE / 2) * sizeof(s->series[0]));
		s->nseries -= SERIES_CACHE / 2;
	}
	e = &s->series[s->nseries];
	memset(e, 0, sizeof(*e));
	e->type = type;
	e->ec = strcmp(agency, "EC") == 0;
	sqlite3_bind_int64(s->series_get, 1, sid);
	sqlite3_bind_text(s->series_get, 2, type_names[type], -1,
	    SQLITE_STATIC);
	rc = sqlite3_step(s->series_get);
	if (rc == SQLITE_ROW) {
		const char *u;

		e->id = sqlite3_column_int64(s->series_get, 0);
		u = (const char *)sqlite3_column_text(s->series_get, 1);
		e->unit = u != NULL && strcmp(u, "cms") == 0 ? U_CMS : U_CFS;
	}
	sqlite3_reset(s->series_get);
	if (rc == SQLITE_DONE) {
		sqlite3_bind_int64(s->series_add, 1, sid);
		sqlite3_bind_text(s->series_add, 2, type_names[type], -1,
		    SQLITE_STATIC);
		sqlite3_bind_text(s->series_add, 3, unit_names[unit], -1,
		    SQLITE_STATIC);
		if (run_stmt(s, s->series_add, "adding a series", err) == -2)
			return -2;
		e->id = sqlite3_last_insert_rowid(sf_db_sqlite(s->db));
		e->unit = unit;
		e->have_max = 1;
		e->max_t = INT64_MIN;
	} else if (rc != SQLITE_ROW)
		return dberr(s, "reading series", err);
	e->station = sf_strdup(station);
	s->nseries++;
found:
	if (e->unit != unit)
		return sf_err_set(err, "station '%s': unit '%s' differs from "
		    "the unit of its %s series ('%s')", station,
		    unit_names[unit], type_names[type], unit_names[e->unit]);
	if (!e->have_max) {
		sqlite3_bind_int64(s->series_max, 1, e->id);
		rc = sqlite3_step(s->series_max);
		e->max_t = rc == SQLITE_ROW &&
		    sqlite3_column_type(s->series_max, 0) != SQLITE_NULL ?
		    sqlite3_column_int64(s->series_max, 0) : INT64_MIN;
		sqlite3_reset(s->series_max);
		if (rc != SQLITE_ROW)
			return dberr(s, "reading series", err);
		e->have_max = 1;
	}
	*out = e;
	return 0;
}

/* The quality_codes.id of code (0 for NULL), added if new. */
static int
qc_id(struct sf_store *s, const char *code, int64_t *id, struct sf_err *err)
{
	size_t i;
	int rc;

	*id = 0;
	if (code == NULL)
		return 0;
	for (i = 0; i < s->nqcs; i++)
		if (strcmp(s->qcs[i].code, code) == 0) {
			*id = s->qcs[i].id;
			return 0;
		}
	sqlite3_bind_text(s->qc_get, 1, code, -1, SQLITE_STATIC);
	rc = sqlite3_step(s->qc_get);
	if (rc == SQLITE_ROW)
		*id = sqlite3_column_int64(s->qc_get, 0);
	sqlite3_reset(s->qc_get);
	if (rc == SQLITE_DONE) {
		sqlite3_bind_text(s->qc_add, 1, code, -1, SQLITE_STATIC);
		if (run_stmt(s, s->qc_add, "adding a quality code", err) == -2)
			return -2;
		*id = sqlite3_last_insert_rowid(sf_db_sqlite(s->db));
	} else if (rc != SQLITE_ROW)
		return dberr(s, "reading quality codes", err);
	s->qcs = sf_realloc(s->qcs, (s->nqcs + 1) * sizeof(*s->qcs));
	s->qcs[s->nqcs].code = sf_strdup(code);
	s->qcs[s->nqcs].id = *id;
	s->nqcs++;
	return 0;
}

/* Validation */

static int
need(const struct sf_rec *r, int f, struct sf_err *err)
{
	const struct sf_kind_info *k = sf_kind_info(r->kind);

	if (r->f[f] == NULL || r->f[f][0] == '\0')
		return sf_err_set(err, "%s record: '%s' is missing", k->name,
		    k->fields[f]);
	return 0;
}

/* The agency, and the station id by its agency's pattern (sf_id). */
static int
check_agency(const char *a, const char *station, struct sf_err *err)
{
	const char *other;

	if (strcmp(a, "USGS") != 0 && strcmp(a, "EC") != 0)
		return sf_err_set(err, "agency '%s': not USGS or EC", a);
	if ((other = sf_id_agency_guess(station)) != NULL &&
	    strcmp(other, a) != 0)
		return sf_err_set(err, "station '%s' is %s %s station, not %s",
		    station, strcmp(other, "EC") == 0 ? "an" : "a", other, a);
	return sf_id_check(a, station, err);
}

static int
parse_unit(const char *u, int *unit, struct sf_err *err)
{
	if (strcmp(u, "cfs") == 0)
		*unit = U_CFS;
	else if (strcmp(u, "cms") == 0)
		*unit = U_CMS;
	else
		return sf_err_set(err, "unit '%s': not cfs or cms", u);
	return 0;
}

/*
 * A number as records carry it: JSON's grammar (RFC 8259), whatever the
 * encoding, so "12000." (a cut line) is not taken for 12000.
 */
static int
number(const char *v, double *out, struct sf_err *err)
{
	if (!sf_str_is_json_number(v))
		return sf_err_set(err, "'%s': not a number", v);
	return sf_str_todouble(v, out, err);
}

/* A discharge: NULL (then flag must say why), or a number >= 0. */
static int
parse_flow(struct sf_store *s, const char *v, const char *flag,
    double *out, int *has, struct sf_err *err)
{
	*has = 0;
	if (v == NULL || *v == '\0') {
		if (flag == NULL || *flag == '\0')
			return sf_err_set(err, "discharge is missing and no "
			    "quality_code says why");
		return 0;
	}
	if (number(v, out, err) == -1)
		return sf_err_set(err, "discharge '%s': not a number", v);
	if (*out < 0 && !s->o.allow_negative)
		return sf_err_set(err, "discharge '%s' is negative (use "
		    "--allow-negative for tidal stations)", v);
	*has = 1;
	return 0;
}

static int
parse_time(const char *name, const char *v, int64_t *t, struct sf_err *err)
{
	struct sf_err e;

	if (sf_time_parse(v, t, &e) == -1)
		return sf_err_set(err, "%s '%s': not an ISO 8601 time", name,
		    v);
	return 0;
}

/* Observations */

/* Reads the stored rows of series from t on, WINDOW of them at most. */
static int
window_load(struct sf_store *s, int64_t series, int64_t t,
    struct sf_err *err)
{
	struct window *w = &s->win;
	sqlite3_stmt *st = s->window_get;
	int rc;

	if (w->rows == NULL)
		w->rows = sf_malloc(WINDOW * sizeof(*w->rows));
	w->series = 0;
	w->n = w->pos = 0;
	sqlite3_bind_int64(st, 1, series);
	sqlite3_bind_int64(st, 2, t);
	sqlite3_bind_int(st, 3, WINDOW);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct wrow *r = &w->rows[w->n++];

		r->t = sqlite3_column_int64(st, 0);
		r->has_value = sqlite3_column_type(st, 1) != SQLITE_NULL;
		r->value = r->has_value ? sqlite3_column_double(st, 1) : 0;
		r->qc = sqlite3_column_type(st, 2) == SQLITE_NULL ? 0 :
		    sqlite3_column_int64(st, 2);
	}
	sqlite3_reset(st);
	if (rc != SQLITE_DONE)
		return dberr(s, "reading observations", err);
	w->series = series;
	w->lo = t;
	/* A short read saw every row from t on. */
	w->hi = w->n == WINDOW ? w->rows[w->n - 1].t : INT64_MAX;
	return 0;
}

/*
 * Finds the stored row (series, t): *row is it, or NULL when there is none.
 * Rows usually come in time order, so the search starts where the last one
 * ended.
 */
static int
window_find(struct sf_store *s, int64_t series, int64_t t,
    struct wrow **row, struct sf_err *err)
{
	struct window *w = &s->win;
	size_t lo, hi, mid;

	if (w->series != series || t < w->lo || t > w->hi) {
		if (window_load(s, series, t, err) != 0)
			return -2;
	}
	if (w->pos >= w->n || w->rows[w->pos].t > t)
		w->pos = 0;
	lo = w->pos;
	hi = w->n;
	while (lo < hi && w->rows[lo].t < t) {
		/* A few linear steps, then halve. */
		if (lo - w->pos < 8) {
			lo++;
			continue;
		}
		mid = lo + (hi - lo) / 2;
		if (w->rows[mid].t < t)
			lo = mid + 1;
		else
			hi = mid;
	}
	w->pos = lo;
	*row = lo < w->n && w->rows[lo].t == t ? &w->rows[lo] : NULL;
	return 0;
}

static int
same_value(const struct wrow *r, int has, double v, int64_t qc)
{
	if (r->qc != qc || r->has_value != has)
		return 0;
	return !has || r->value == v;
}

static void
bind_obs(struct sf_store *s, sqlite3_stmt *st, struct series *e, int64_t t,
    int has, double v, int64_t qc)
{
	sqlite3_bind_int64(st, 1, e->id);
	sqlite3_bind_int64(st, 2, t);
	if (has)
		sqlite3_bind_double(st, 3, v);
	else
		sqlite3_bind_null(st, 3);
	if (qc)
		sqlite3_bind_int64(st, 4, qc);
	else
		sqlite3_bind_null(st, 4);
	sqlite3_bind_int64(st, 5, s->o.now);
}

/*
 * An observation on PostgreSQL: staged for the batch's set-wise apply,
 * which counts it only at commit; so a batch holds the observations of
 * one configuration, and a record of another commits the batch first.
 */
static int
pg_obs(struct sf_store *s, const struct sf_rec *r, size_t conf, int hasconf,
    int type, int unit, int64_t t, int has, double v, const char *qc,
    struct sf_err *err)
{
	const char *st = r->f[SF_OBS_STATION];
	int rc;

	if (s->in_txn && s->obs_open && (s->obs_hasconf != hasconf ||
	    (hasconf && s->obs_conf != conf)) &&
	    sf_store_commit(s, err) == -2)
		return -2;
	if ((rc = txn_open(s, err)) != 0)
		return rc;
	if ((rc = sf_pgstore_obs(s->pg, st, r->f[SF_OBS_AGENCY],
	    type_names[type], unit_names[unit], t, has, v, qc, err)) != 0)
		return rc;
	s->obs_open = 1;
	s->obs_hasconf = hasconf;
	s->obs_conf = conf;
	if (hasconf)
		progress_note(s, conf, st, t);
	return 0;
}

static int
put_obs(struct sf_store *s, const struct sf_rec *r, size_t conf, int hasconf,
    struct sf_err *err)
{
	const char *st = r->f[SF_OBS_STATION], *qc = r->f[SF_OBS_QUALITY_CODE];
	struct series *e = NULL;
	int64_t t, qcid;
	double v = 0;
	int type, unit = U_CFS, has, rc;

	if (need(r, SF_OBS_STATION, err) || need(r, SF_OBS_AGENCY, err) ||
	    need(r, SF_OBS_TYPE, err) || need(r, SF_OBS_OBSERVED_AT, err) ||
	    need(r, SF_OBS_UNIT, err))
		return -1;
	if (check_agency(r->f[SF_OBS_AGENCY], st, err) == -1)
		return -1;
	if (strcmp(r->f[SF_OBS_TYPE], "daily_mean") == 0)
		type = T_DAILY;
	else if (strcmp(r->f[SF_OBS_TYPE], "realtime_15min") == 0)
		type = T_REALTIME;
	else
		return sf_err_set(err, "type '%s': not daily_mean or "
		    "realtime_15min", r->f[SF_OBS_TYPE]);
	if (parse_time("observed_at", r->f[SF_OBS_OBSERVED_AT], &t, err) == -1)
		return -1;
	if (t > s->o.now + FUTURE_SLACK)
		return sf_err_set(err, "observed_at '%s' is more than a day in "
		    "the future", r->f[SF_OBS_OBSERVED_AT]);
	if (parse_unit(r->f[SF_OBS_UNIT], &unit, err) == -1)
		return -1;
	if (qc != NULL && *qc == '\0')
		qc = NULL;
	if (qc != NULL && sf_quality_check(qc, err) == -1)
		return -1;
	/* One vocabulary, whichever agency and fetcher wrote it. */
	if (qc != NULL) {
		sf_quality_map(r->f[SF_OBS_AGENCY], qc, &s->qcbuf);
		qc = s->qcbuf.buf;
	}
	if (parse_flow(s, r->f[SF_OBS_DISCHARGE], qc, &v, &has, err) == -1)
		return -1;
	if (s->pg != NULL)
		return pg_obs(s, r, conf, hasconf, type, unit, t, has, v, qc,
		    err);

	if ((rc = txn_open(s, err)) != 0)
		return rc;
	if ((rc = series_find(s, st, r->f[SF_OBS_AGENCY], type, unit, &e,
	    err)) != 0)
		return rc;
	if ((rc = qc_id(s, qc, &qcid, err)) != 0)
		return rc;

	if (t <= e->max_t) {
		struct wrow *old;

		if (window_find(s, e->id, t, &old, err) != 0)
			return -2;
		if (old != NULL && same_value(old, has, v, qcid)) {
			bump(s, conf, hasconf, C_SAME);
			goto progress;
		}
		if (old != NULL) {
			sqlite3_bind_int64(s->obs_keep, 1, e->id);
			sqlite3_bind_int64(s->obs_keep, 2, t);
			sqlite3_bind_int64(s->obs_keep, 3, s->o.now);
			if (run_stmt(s, s->obs_keep, "keeping a revision",
			    err) == -2)
				return -2;
			bind_obs(s, s->obs_set, e, t, has, v, qcid);
			if (run_stmt(s, s->obs_set, "updating an observation",
			    err) == -2)
				return -2;
			old->has_value = has;
			old->value = v;
			old->qc = qcid;
			bump(s, conf, hasconf, C_UPD);
			goto progress;
		}
	}
	/* The window no longer holds every row of its range. */
	if (s->win.series == e->id && t >= s->win.lo && t <= s->win.hi)
		s->win.series = 0;
	bind_obs(s, s->obs_add, e, t, has, v, qcid);
	if (run_stmt(s, s->obs_add, "adding an observation", err) == -2)
		return -2;
	if (t > e->max_t)
		e->max_t = t;
	bump(s, conf, hasconf, C_INS);
progress:
	if (hasconf)
		progress_note(s, conf, st, t);
	return 0;
}

/* Forecasts */

static int
point_cmp(const void *a, const void *b)
{
	const struct point *p = a, *q = b;

	return (p->t > q->t) - (p->t < q->t);
}

static void
add_num(struct sf_buf *b, int has, double v)
{
	char num[SF_NUM_LEN];

	if (!has) {
		sf_buf_adds(b, "null");
		return;
	}
	sf_str_fmt_double(v, num);
	sf_buf_adds(b, num);
}

/* The seed's data array, in time order, one entry per time. */
static void
run_json(struct point *pts, size_t n, struct sf_buf *b)
{
	char t[SF_TIME_LEN];
	size_t i;

	sf_buf_addc(b, '[');
	for (i = 0; i < n; i++) {
		if (i > 0)
			sf_buf_addc(b, ',');
		iso(pts[i].t, t);
		sf_buf_addf(b, "{\"date\":\"%s\",\"value\":", t);
		add_num(b, pts[i].has_value, pts[i].value);
		if (pts[i].has_stage) {
			sf_buf_adds(b, ",\"stage\":");
			add_num(b, 1, pts[i].stage);
		}
		sf_buf_addc(b, '}');
	}
	sf_buf_addc(b, ']');
}

static void
run_point(struct run *r, const struct point *p)
{
	if (r->npts == r->cap) {
		r->cap = r->cap ? 2 * r->cap : 64;
		r->pts = sf_realloc(r->pts, r->cap * sizeof(*r->pts));
	}
	r->pts[r->npts++] = *p;
}

/*
 * Adds the points of a stored data array that the new points lack, so a
 * run delivered in parts, or again, merges instead of shrinking.
 */
static void
run_merge_stored(struct run *r, const char *data)
{
	json_t *a = json_loads(data, 0, NULL), *e;
	size_t i, n = r->npts, j;

	if (!json_is_array(a)) {
		json_decref(a);
		return;
	}
	json_array_foreach(a, i, e) {
		struct point p;
		json_t *v = json_object_get(e, "value");
		json_t *st = json_object_get(e, "stage");
		const char *d = json_string_value(json_object_get(e, "date"));
		int dup = 0;

		if (d == NULL || sf_time_parse(d, &p.t, NULL) == -1)
			continue;
		for (j = 0; j < n; j++)
			if (r->pts[j].t == p.t)
				dup = 1;
		if (dup)
			continue;
		p.has_value = json_is_number(v);
		p.value = p.has_value ? json_number_value(v) : 0;
		p.has_stage = json_is_number(st);
		p.stage = p.has_stage ? json_number_value(st) : 0;
		run_point(r, &p);
	}
	json_decref(a);
}

/* Later points for the same time replace earlier ones. */
static void
run_dedup(struct run *r)
{
	size_t i, j;

	qsort(r->pts, r->npts, sizeof(*r->pts), point_cmp);
	for (i = j = 0; i < r->npts; i++) {
		if (j > 0 && r->pts[j - 1].t == r->pts[i].t)
			r->pts[j - 1] = r->pts[i];
		else
			r->pts[j++] = r->pts[i];
	}
	r->npts = j;
}

/* run_flush on PostgreSQL: the same merge, compared by the server. */
static int
pg_run_flush(struct sf_store *s, struct run *r, int hasconf,
    struct sf_err *err)
{
	struct sf_buf data = SF_BUF_INIT;
	char *old = NULL;
	int64_t id;
	int ret, changed = 0;

	if ((ret = sf_pgstore_run_get(s->pg, r->sid, r->source, r->run_date,
	    r->member, &id, &old, err)) != 0)
		return ret;
	if (old != NULL)
		run_merge_stored(r, old);
	run_dedup(r);
	run_json(r->pts, r->npts, &data);
	if (id != 0)
		ret = sf_pgstore_run_set(s->pg, id, data.buf, r->target_id,
		    r->unit, r->stage_unit, &changed, err);
	else
		ret = sf_pgstore_run_add(s->pg, r->sid, r->source, r->run_date,
		    data.buf, r->member, r->target_id, r->unit, r->stage_unit,
		    err);
	if (ret == 0) {
		bump(s, r->conf, hasconf, id == 0 ? C_INS : changed ? C_UPD :
		    C_SAME);
		if (hasconf)
			progress_note(s, r->conf, r->station, r->run_date);
	}
	free(old);
	sf_buf_release(&data);
	return ret;
}

static int
run_flush(struct sf_store *s, struct sf_err *err)
{
	struct run *r = &s->run;
	struct sf_buf data = SF_BUF_INIT;
	char rd[SF_TIME_LEN], now[SF_TIME_LEN];
	int64_t sid, id = 0;
	char *old = NULL;
	int rc, ret = 0, hasconf = r->conf != (size_t)-1;

	if (!r->active)
		return 0;
	sid = r->sid;
	iso(r->run_date, rd);
	iso(s->o.now, now);
	if (s->pg != NULL) {
		ret = pg_run_flush(s, r, hasconf, err);
		goto out;
	}
	sqlite3_bind_int64(s->run_get, 1, sid);
	sqlite3_bind_text(s->run_get, 2, r->source, -1, SQLITE_STATIC);
	sqlite3_bind_text(s->run_get, 3, rd, -1, SQLITE_STATIC);
	sf_db_bind_text(s->run_get, 4, r->member);
	rc = sqlite3_step(s->run_get);
	if (rc == SQLITE_ROW) {
		id = sqlite3_column_int64(s->run_get, 0);
		old = sf_strdup((const char *)sqlite3_column_text(s->run_get,
		    1));
		run_merge_stored(r, old);
	}
	sqlite3_reset(s->run_get);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
		ret = dberr(s, "reading forecast runs", err);
		goto out;
	}
	run_dedup(r);
	run_json(r->pts, r->npts, &data);
	if (old != NULL && strcmp(old, data.buf) == 0) {
		bump(s, r->conf, hasconf, C_SAME);
	} else if (old != NULL) {
		sqlite3_bind_int64(s->run_set, 1, id);
		sqlite3_bind_text(s->run_set, 2, data.buf, -1, SQLITE_STATIC);
		sf_db_bind_text(s->run_set, 3, r->target_id);
		sf_db_bind_text(s->run_set, 4, r->unit);
		sf_db_bind_text(s->run_set, 5, r->stage_unit);
		sqlite3_bind_text(s->run_set, 6, now, -1, SQLITE_STATIC);
		if ((ret = run_stmt(s, s->run_set, "updating a forecast run",
		    err)) != 0)
			goto out;
		bump(s, r->conf, hasconf, C_UPD);
	} else {
		sqlite3_bind_int64(s->run_add, 1, sid);
		sqlite3_bind_text(s->run_add, 2, r->source, -1, SQLITE_STATIC);
		sqlite3_bind_text(s->run_add, 3, rd, -1, SQLITE_STATIC);
		sqlite3_bind_text(s->run_add, 4, data.buf, -1, SQLITE_STATIC);
		sf_db_bind_text(s->run_add, 5, r->member);
		sf_db_bind_text(s->run_add, 6, r->target_id);
		sf_db_bind_text(s->run_add, 7, r->unit);
		sf_db_bind_text(s->run_add, 8, r->stage_unit);
		sqlite3_bind_text(s->run_add, 9, now, -1, SQLITE_STATIC);
		if ((ret = run_stmt(s, s->run_add, "adding a forecast run",
		    err)) != 0)
			goto out;
		bump(s, r->conf, hasconf, C_INS);
	}
	if (hasconf)
		progress_note(s, r->conf, r->station, r->run_date);
out:
	free(old);
	sf_buf_release(&data);
	run_clear(r);
	return ret;
}

static int
same_str(const char *a, const char *b)
{
	if (a == NULL || b == NULL)
		return a == b;
	return strcmp(a, b) == 0;
}

static char *
dup_or_null(const char *s)
{
	return s != NULL && *s != '\0' ? sf_strdup(s) : NULL;
}

static int
put_forecast(struct sf_store *s, const struct sf_rec *r, size_t conf,
    int hasconf, struct sf_err *err)
{
	const char *member = r->f[SF_FC_MEMBER];
	struct run *run = &s->run;
	struct point p;
	int64_t rd;
	int unit = U_CFS, rc;

	if (need(r, SF_FC_STATION, err) || need(r, SF_FC_AGENCY, err) ||
	    need(r, SF_FC_SOURCE, err) || need(r, SF_FC_RUN_DATE, err) ||
	    need(r, SF_FC_VALID_AT, err))
		return -1;
	if (check_agency(r->f[SF_FC_AGENCY], r->f[SF_FC_STATION], err) == -1)
		return -1;
	if (parse_time("run_date", r->f[SF_FC_RUN_DATE], &rd, err) == -1 ||
	    parse_time("valid_at", r->f[SF_FC_VALID_AT], &p.t, err) == -1)
		return -1;
	if (rd > s->o.now + FUTURE_SLACK)
		return sf_err_set(err, "run_date '%s' is more than a day in "
		    "the future", r->f[SF_FC_RUN_DATE]);
	p.has_value = 0;
	p.value = 0;
	if (r->f[SF_FC_DISCHARGE] != NULL && *r->f[SF_FC_DISCHARGE] != '\0') {
		if (need(r, SF_FC_UNIT, err) ||
		    parse_unit(r->f[SF_FC_UNIT], &unit, err) == -1)
			return -1;
		if (parse_flow(s, r->f[SF_FC_DISCHARGE], "", &p.value,
		    &p.has_value, err) == -1)
			return -1;
	}
	p.has_stage = 0;
	p.stage = 0;
	if (r->f[SF_FC_STAGE] != NULL && *r->f[SF_FC_STAGE] != '\0') {
		if (number(r->f[SF_FC_STAGE], &p.stage, err) == -1)
			return sf_err_set(err, "stage '%s': not a number",
			    r->f[SF_FC_STAGE]);
		p.has_stage = 1;
	}
	if (member != NULL && *member == '\0')
		member = NULL;

	if ((rc = txn_open(s, err)) != 0)
		return rc;
	if (run->active && (run->run_date != rd ||
	    run->conf != (hasconf ? conf : (size_t)-1) ||
	    strcmp(run->station, r->f[SF_FC_STATION]) != 0 ||
	    strcmp(run->source, r->f[SF_FC_SOURCE]) != 0 ||
	    !same_str(run->member, member)) &&
	    (rc = run_flush(s, err)) != 0)
		return rc;
	if (!run->active) {
		if ((rc = station_id(s, r->f[SF_FC_STATION], r->f[SF_FC_AGENCY],
		    &run->sid, err)) != 0)
			return rc;
		run->active = 1;
		run->conf = hasconf ? conf : (size_t)-1;
		run->station = sf_strdup(r->f[SF_FC_STATION]);
		run->agency = sf_strdup(r->f[SF_FC_AGENCY]);
		run->source = sf_strdup(r->f[SF_FC_SOURCE]);
		run->member = dup_or_null(member);
		run->run_date = rd;
	}
	/* Units and ids are the run's: the first one given stays. */
	if (run->target_id == NULL)
		run->target_id = dup_or_null(r->f[SF_FC_TARGET_ID]);
	if (run->unit == NULL && p.has_value)
		run->unit = dup_or_null(r->f[SF_FC_UNIT]);
	if (run->stage_unit == NULL && p.has_stage)
		run->stage_unit = dup_or_null(r->f[SF_FC_STAGE_UNIT]);
	run_point(run, &p);
	return 0;
}

/* Stations */

static int
bind_num(sqlite3_stmt *st, int i, const char *v, const char *name,
    double lo, double hi, struct sf_err *err)
{
	double d;

	if (v == NULL || *v == '\0')
		return sqlite3_bind_null(st, i), 0;
	if (number(v, &d, err) == -1 || d < lo || d > hi)
		return sf_err_set(err, "%s '%s': not a number from %g to %g",
		    name, v, lo, hi);
	sqlite3_bind_double(st, i, d);
	return 0;
}

static int
bind_station(sqlite3_stmt *st, const struct sf_rec *r, struct sf_err *err)
{
	const char *dst = r->f[SF_ST_USES_DST], *off = r->f[SF_ST_UTC_OFFSET];
	int secs;

	sqlite3_clear_bindings(st);
	sqlite3_bind_text(st, 1, r->f[SF_ST_STATION], -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, r->f[SF_ST_AGENCY], -1, SQLITE_STATIC);
	sf_db_bind_text(st, 3, r->f[SF_ST_NAME] && *r->f[SF_ST_NAME] ?
	    r->f[SF_ST_NAME] : NULL);
	if (bind_num(st, 4, r->f[SF_ST_LATITUDE], "latitude", -90, 90, err) ||
	    bind_num(st, 5, r->f[SF_ST_LONGITUDE], "longitude", -180, 180,
	    err) ||
	    bind_num(st, 8, r->f[SF_ST_DRAINAGE_AREA_SQMI],
	    "drainage_area_sqmi", 0, 1e8, err) ||
	    bind_num(st, 9, r->f[SF_ST_ALTITUDE_FT], "altitude_ft", -2000,
	    30000, err))
		return -1;
	sf_db_bind_text(st, 6, r->f[SF_ST_STATE]);
	sf_db_bind_text(st, 7, r->f[SF_ST_HUC_CODE]);
	if (off != NULL && *off != '\0' && sf_time_zone(off, &secs, err) == -1)
		return sf_err_set(err, "utc_offset '%s': not an offset", off);
	sf_db_bind_text(st, 10, off && *off ? off : NULL);
	if (dst == NULL || *dst == '\0')
		sqlite3_bind_null(st, 11);
	else if (strcmp(dst, "true") == 0 || strcmp(dst, "false") == 0)
		sqlite3_bind_int(st, 11, strcmp(dst, "true") == 0);
	else
		return sf_err_set(err, "uses_dst '%s': not true or false", dst);
	return 0;
}

/*
 * A station record's values as text for PostgreSQL, checked as
 * bind_station checks them; numbers in their shortest exact form.
 */
static int
pg_station(struct sf_store *s, const struct sf_rec *r, struct sf_err *err)
{
	static const struct {
		int f, col;
		const char *name;
		double lo, hi;
	} nums[] = {
		{ SF_ST_LATITUDE, 3, "latitude", -90, 90 },
		{ SF_ST_LONGITUDE, 4, "longitude", -180, 180 },
		{ SF_ST_DRAINAGE_AREA_SQMI, 7, "drainage_area_sqmi", 0, 1e8 },
		{ SF_ST_ALTITUDE_FT, 8, "altitude_ft", -2000, 30000 }
	};
	const char *dst = r->f[SF_ST_USES_DST], *off = r->f[SF_ST_UTC_OFFSET];
	const char *f[11] = { 0 };
	char buf[4][SF_NUM_LEN];
	size_t i;
	double d;
	int secs, what, rc;

	f[0] = r->f[SF_ST_STATION];
	f[1] = r->f[SF_ST_AGENCY];
	f[2] = r->f[SF_ST_NAME] && *r->f[SF_ST_NAME] ? r->f[SF_ST_NAME] : NULL;
	for (i = 0; i < sizeof(nums) / sizeof(nums[0]); i++) {
		const char *v = r->f[nums[i].f];

		if (v == NULL || *v == '\0')
			continue;
		if (number(v, &d, err) == -1 || d < nums[i].lo ||
		    d > nums[i].hi)
			return sf_err_set(err, "%s '%s': not a number from %g "
			    "to %g", nums[i].name, v, nums[i].lo, nums[i].hi);
		snprintf(buf[i], sizeof(buf[i]), "%.17g", d);
		f[nums[i].col] = buf[i];
	}
	f[5] = r->f[SF_ST_STATE];
	f[6] = r->f[SF_ST_HUC_CODE];
	if (off != NULL && *off != '\0' && sf_time_zone(off, &secs, err) == -1)
		return sf_err_set(err, "utc_offset '%s': not an offset", off);
	f[9] = off && *off ? off : NULL;
	if (dst != NULL && *dst != '\0') {
		if (strcmp(dst, "true") != 0 && strcmp(dst, "false") != 0)
			return sf_err_set(err, "uses_dst '%s': not true or "
			    "false", dst);
		f[10] = strcmp(dst, "true") == 0 ? "1" : "0";
	}
	if ((rc = txn_open(s, err)) != 0)
		return rc;
	if ((rc = sf_pgstore_station(s->pg, f, &what, err)) != 0)
		return rc;
	bump(s, 0, 0, what == 0 ? C_INS : what == 1 ? C_UPD : C_SAME);
	return 0;
}

static int
put_station(struct sf_store *s, const struct sf_rec *r, struct sf_err *err)
{
	int rc, existed;

	if (need(r, SF_ST_STATION, err) || need(r, SF_ST_AGENCY, err) ||
	    check_agency(r->f[SF_ST_AGENCY], r->f[SF_ST_STATION],
	    err) == -1)
		return -1;
	if (s->pg != NULL)
		return pg_station(s, r, err);
	if (bind_station(s->master_put, r, err) == -1 ||
	    bind_station(s->station_upd, r, err) == -1)
		return -1;
	if ((rc = txn_open(s, err)) != 0)
		return rc;
	sqlite3_bind_text(s->master_has, 1, r->f[SF_ST_STATION], -1,
	    SQLITE_STATIC);
	rc = sqlite3_step(s->master_has);
	existed = rc == SQLITE_ROW;
	sqlite3_reset(s->master_has);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return dberr(s, "reading master_stations", err);
	if (run_stmt(s, s->master_put, "adding a station", err) == -2)
		return -2;
	bump(s, 0, 0, sqlite3_changes(sf_db_sqlite(s->db)) == 0 ? C_SAME :
	    existed ? C_UPD : C_INS);
	return run_stmt(s, s->station_upd, "updating a station", err);
}

/* Error records */

static int
put_error(struct sf_store *s, const struct sf_rec *r, size_t conf,
    int hasconf, struct sf_err *err)
{
	const char *st = r->f[SF_EREC_STATION];
	const char *msg = r->f[SF_EREC_MESSAGE];
	struct conf *c = hasconf ? &s->confs[conf] : NULL;
	char now[SF_TIME_LEN];
	size_t i;
	int rc;

	if (msg == NULL || *msg == '\0')
		msg = "failed (no message)";
	/* The id goes into logs: only one of an agency's pattern. */
	if (st != NULL && *st != '\0' && sf_id_agency_guess(st) == NULL)
		return sf_err_set(err, "station '%s': not a USGS or EC "
		    "station id", st);
	s->all.failed++;
	if (c == NULL)
		return 0;
	c->n.failed++;
	if (c->nerrors++ < LOG_ERRORS)
		sf_buf_addf(&c->errors, "%sstation '%s': %s",
		    c->errors.len ? "; " : "", st ? st : "(none)", msg);
	if (c->id == 0 || st == NULL || *st == '\0')
		return 0;
	/*
	 * One failure per station and run, however many of its requests
	 * failed (the ordinary one and the revision pass): the breaker
	 * counts failed runs.
	 */
	for (i = 0; i < c->nfailed; i++)
		if (strcmp(c->failed[i], st) == 0)
			return 0;
	c->failed = sf_realloc(c->failed, (c->nfailed + 1) *
	    sizeof(*c->failed));
	c->failed[c->nfailed++] = sf_strdup(st);
	if ((rc = txn_open(s, err)) != 0)
		return rc;
	/* Rows before the failure count first: they were a success. */
	if (progress_flush(s, conf, st, err) == -2)
		return -2;
	if (s->pg != NULL) {
		if (sf_pgstore_fail(s->pg, c->id, st, msg, err) == -2)
			return -2;
		return sf_pgstore_log(s->pg, c->id, "failed", NULL, msg, st,
		    err);
	}
	iso(s->o.now, now);
	sqlite3_bind_int64(s->prog_fail, 1, c->id);
	sqlite3_bind_text(s->prog_fail, 2, st, -1, SQLITE_STATIC);
	sqlite3_bind_text(s->prog_fail, 3, msg, -1, SQLITE_STATIC);
	sqlite3_bind_text(s->prog_fail, 4, now, -1, SQLITE_STATIC);
	if (run_stmt(s, s->prog_fail, "counting a failure", err) == -2)
		return -2;
	sqlite3_clear_bindings(s->log_add);
	sqlite3_bind_int64(s->log_add, 1, c->id);
	sqlite3_bind_text(s->log_add, 2, "failed", -1, SQLITE_STATIC);
	sqlite3_bind_int(s->log_add, 3, 0);
	sqlite3_bind_text(s->log_add, 4, now, -1, SQLITE_STATIC);
	sqlite3_bind_text(s->log_add, 5, now, -1, SQLITE_STATIC);
	sqlite3_bind_text(s->log_add, 6, msg, -1, SQLITE_STATIC);
	sqlite3_bind_text(s->log_add, 7, st, -1, SQLITE_STATIC);
	return run_stmt(s, s->log_add, "logging a failure", err);
}

/* Done records */

/*
 * A request succeeded: the station's failures are over, and it was a
 * success now. A done record of a revision pass (modified_since set), or
 * of a request from the pull start date (everything), also records when
 * that pass began: the request's end, which the plan sets to the instant
 * it was made, so that nothing changed while the pass ran is skipped by
 * the next one.
 */
static int
put_done(struct sf_store *s, const struct sf_rec *r, size_t conf,
    int hasconf, struct sf_err *err)
{
	const char *st = r->f[SF_DONE_STATION];
	const char *since = r->f[SF_DONE_MODIFIED_SINCE];
	const char *end = r->f[SF_DONE_END];
	struct conf *c = hasconf ? &s->confs[conf] : NULL;
	char now[SF_TIME_LEN], pass[SF_TIME_LEN];
	long long rows;
	int64_t t, start = 0;
	size_t i;
	int rc, haspass = 0;

	if (need(r, SF_DONE_STATION, err) || need(r, SF_DONE_AGENCY, err) ||
	    check_agency(r->f[SF_DONE_AGENCY], st, err) == -1)
		return -1;
	if (r->f[SF_DONE_ROWS] != NULL && sf_str_toll(r->f[SF_DONE_ROWS], 0,
	    LLONG_MAX, &rows, err) == -1)
		return sf_err_set(err, "rows '%s': not a count",
		    r->f[SF_DONE_ROWS]);
	if (r->f[SF_DONE_NEWEST] != NULL && *r->f[SF_DONE_NEWEST] != '\0' &&
	    parse_time("newest", r->f[SF_DONE_NEWEST], &t, err) == -1)
		return -1;
	if (since != NULL && *since != '\0' &&
	    parse_time("modified_since", since, &t, err) == -1)
		return -1;
	if (r->f[SF_DONE_START] != NULL && *r->f[SF_DONE_START] != '\0' &&
	    parse_time("start", r->f[SF_DONE_START], &start, err) == -1)
		return -1;
	if (end != NULL && *end != '\0') {
		if (parse_time("end", end, &t, err) == -1)
			return -1;
		iso(t, pass);
		/* A pass, or a pull of everything: as good as a full pass. */
		haspass = (since != NULL && *since != '\0') || (c != NULL &&
		    r->f[SF_DONE_START] != NULL && c->first != INT64_MIN &&
		    start <= c->first);
	}
	if (c == NULL)
		return 0;
	c->done++;
	if (c->id == 0)
		return 0;
	/* Another request of the station failed in this run: a failed run. */
	for (i = 0; i < c->nfailed; i++)
		if (strcmp(c->failed[i], st) == 0)
			return 0;
	if ((rc = txn_open(s, err)) != 0)
		return rc;
	/* Its rows first: they belong to the success. */
	if (progress_flush(s, conf, st, err) == -2)
		return -2;
	if (s->pg != NULL)
		return sf_pgstore_done(s->pg, c->id, st, haspass ? pass : NULL,
		    err);
	iso(s->o.now, now);
	sqlite3_bind_int64(s->prog_done, 1, c->id);
	sqlite3_bind_text(s->prog_done, 2, st, -1, SQLITE_STATIC);
	sqlite3_bind_text(s->prog_done, 3, now, -1, SQLITE_STATIC);
	if (haspass)
		sqlite3_bind_text(s->prog_done, 4, pass, -1, SQLITE_STATIC);
	else
		sqlite3_bind_null(s->prog_done, 4);
	return run_stmt(s, s->prog_done, "recording a success", err);
}

/* The interface */

struct sf_store *
sf_store_new(struct sf_db *db, const struct sf_store_opts *opts,
    struct sf_err *err)
{
	struct sf_store *s = sf_calloc(1, sizeof(*s));
	size_t i;

	s->db = db;
	s->o = *opts;
	sf_buf_init(&s->qcbuf);
	if (sf_db_engine(db) == SF_DB_POSTGRESQL) {
		s->pg = sf_pgstore_new(db, s->o.now);
		return s;
	}
	for (i = 0; i < NSTMTS; i++) {
		*stmt_slot(s, i) = sf_db_prepare(db, stmts[i].sql, err);
		if (*stmt_slot(s, i) == NULL) {
			sf_store_free(s);
			return NULL;
		}
	}
	return s;
}

void
sf_store_free(struct sf_store *s)
{
	size_t i;

	if (s == NULL)
		return;
	if (s->in_txn)
		sf_store_rollback(s);
	for (i = 0; i < NSTMTS; i++)
		sqlite3_finalize(*stmt_slot(s, i));
	sf_pgstore_free(s->pg);
	series_forget(s);
	qc_forget(s);
	for (i = 0; i < s->nconfs; i++) {
		size_t j;

		free(s->confs[i].name);
		sf_buf_release(&s->confs[i].errors);
		for (j = 0; j < s->confs[i].nfailed; j++)
			free(s->confs[i].failed[j]);
		free(s->confs[i].failed);
	}
	free(s->confs);
	while (s->nprog > 0)
		progress_drop(s, s->nprog - 1);
	free(s->prog);
	run_clear(&s->run);
	free(s->run.pts);
	free(s->win.rows);
	sf_buf_release(&s->qcbuf);
	free(s);
}

int
sf_store_commit(struct sf_store *s, struct sf_err *err)
{
	size_t i;

	if (!s->in_txn)
		return 0;
	if (run_flush(s, err) == -2 || progress_flush(s, 0, NULL, err) == -2)
		goto fail;
	if (s->pg != NULL) {
		struct sf_pg_counts k;
		struct sf_store_counts *c = s->obs_open && s->obs_hasconf ?
		    &s->confs[s->obs_conf].t : NULL;

		if (sf_pgstore_commit(s->pg, &k, err) == -2)
			goto fail;
		s->txn.inserted += k.inserted;
		s->txn.updated += k.updated;
		s->txn.unchanged += k.unchanged;
		if (c != NULL) {
			c->inserted += k.inserted;
			c->updated += k.updated;
			c->unchanged += k.unchanged;
		}
		s->obs_open = 0;
	} else if (sf_db_commit(s->db, err) == -1)
		goto fail;
	s->in_txn = 0;
	s->rows = 0;
	add_counts(&s->all, &s->txn);
	memset(&s->txn, 0, sizeof(s->txn));
	for (i = 0; i < s->nconfs; i++) {
		add_counts(&s->confs[i].n, &s->confs[i].t);
		memset(&s->confs[i].t, 0, sizeof(s->confs[i].t));
	}
	return 0;
fail:
	sf_store_rollback(s);
	return -2;
}

int
sf_store_put(struct sf_store *s, const struct sf_rec *r, struct sf_err *err)
{
	const char *cname;
	size_t conf = 0;
	int hasconf = 0, fail, rc;

	cname = r->kind == SF_KIND_OBS ? r->f[SF_OBS_CONFIG] :
	    r->kind == SF_KIND_FORECAST ? r->f[SF_FC_CONFIG] :
	    r->kind == SF_KIND_ERROR ? r->f[SF_EREC_CONFIG] :
	    r->kind == SF_KIND_DONE ? r->f[SF_DONE_CONFIG] :
	    r->kind == SF_KIND_REQUEST ? r->f[SF_REQ_CONFIG] : NULL;
	if (cname != NULL && *cname != '\0') {
		conf = conf_find(s, cname, err, &fail);
		if (fail)
			return -2;
		hasconf = 1;
	}
	switch (r->kind) {
	case SF_KIND_OBS:
		rc = put_obs(s, r, conf, hasconf, err);
		break;
	case SF_KIND_FORECAST:
		rc = put_forecast(s, r, conf, hasconf, err);
		break;
	case SF_KIND_STATION:
		rc = put_station(s, r, err);
		break;
	case SF_KIND_ERROR:
		rc = put_error(s, r, conf, hasconf, err);
		break;
	case SF_KIND_DONE:
		rc = put_done(s, r, conf, hasconf, err);
		break;
	default:
		rc = sf_err_set(err, "%s records are not loaded (is a fetcher "
		    "missing from the pipeline?)",
		    r->kind == SF_KIND_REQUEST ? "request" : "unknown");
	}
	if (rc == -1) {
		s->all.rejected++;
		if (hasconf)
			s->confs[conf].n.rejected++;
		return -1;
	}
	if (rc == -2) {
		sf_store_rollback(s);
		return -2;
	}
	if (s->in_txn && ++s->rows >= s->o.batch && s->o.batch > 0 &&
	    sf_store_commit(s, err) == -2)
		return -2;
	if (s->nprog >= PROGRESS_MAX && sf_store_commit(s, err) == -2)
		return -2;
	return 0;
}

int
sf_store_log(struct sf_store *s, int rolled_back, struct sf_err *err)
{
	char now[SF_TIME_LEN];
	size_t i;
	int rc = 0;

	iso(s->o.now, now);
	for (i = 0; i < s->nconfs && rc == 0; i++) {
		struct conf *c = &s->confs[i];
		long ok = c->n.inserted + c->n.updated + c->n.unchanged;
		const char *status;
		struct sf_buf msg = SF_BUF_INIT;

		if (c->id == 0)
			continue;
		if (rolled_back)
			status = "failed";
		else if (c->n.failed || c->n.rejected)
			status = ok > 0 ? "partial" : "failed";
		else
			status = "success";
		if (rolled_back)
			sf_buf_addf(&msg, "rolled back (--strict): %ld "
			    "rejected", c->n.rejected);
		else if (c->n.rejected)
			sf_buf_addf(&msg, "%ld rejected", c->n.rejected);
		if (c->errors.len)
			sf_buf_addf(&msg, "%s%s%s", msg.len ? "; " : "",
			    c->errors.buf, c->nerrors > LOG_ERRORS ?
			    "; ..." : "");
		if ((rc = txn_open(s, err)) != 0) {
			sf_buf_release(&msg);
			break;
		}
		if (s->pg != NULL) {
			long long n[5] = { rolled_back ? 0 : ok,
			    rolled_back ? 0 : c->n.inserted,
			    rolled_back ? 0 : c->n.updated,
			    rolled_back ? 0 : c->n.unchanged, c->n.rejected };

			rc = sf_pgstore_log(s->pg, c->id, status, n,
			    msg.len ? msg.buf : NULL, NULL, err);
			sf_buf_release(&msg);
			continue;
		}
		sqlite3_clear_bindings(s->log_add);
		sqlite3_bind_int64(s->log_add, 1, c->id);
		sqlite3_bind_text(s->log_add, 2, status, -1, SQLITE_STATIC);
		sqlite3_bind_int64(s->log_add, 3, rolled_back ? 0 : ok);
		sqlite3_bind_text(s->log_add, 4, now, -1, SQLITE_STATIC);
		sqlite3_bind_text(s->log_add, 5, now, -1, SQLITE_STATIC);
		sf_db_bind_text(s->log_add, 6, msg.len ? msg.buf : NULL);
		sqlite3_bind_int64(s->log_add, 8, rolled_back ? 0 :
		    c->n.inserted);
		sqlite3_bind_int64(s->log_add, 9, rolled_back ? 0 :
		    c->n.updated);
		sqlite3_bind_int64(s->log_add, 10, rolled_back ? 0 :
		    c->n.unchanged);
		sqlite3_bind_int64(s->log_add, 11, c->n.rejected);
		rc = run_stmt(s, s->log_add, "logging the run", err);
		sf_buf_release(&msg);
		if (rc == 0) {
			sqlite3_bind_int64(s->conf_ran, 1, c->id);
			sqlite3_bind_text(s->conf_ran, 2, now, -1,
			    SQLITE_STATIC);
			rc = run_stmt(s, s->conf_ran, "logging the run", err);
		}
	}
	if (rc == 0)
		return sf_store_commit(s, err);
	sf_store_rollback(s);
	return -2;
}

const struct sf_store_counts *
sf_store_counts(const struct sf_store *s)
{
	static struct sf_store_counts n;

	n = s->all;
	add_counts(&n, &s->txn);
	return &n;
}
