/*
 * sf_pgstore: sf_store's writes on PostgreSQL (see sf_pgstore.h).
 *
 * Observations never cost a statement each: they go into the batch's
 * COPY, and sf_pg applies the batch set-wise at commit. What is looked up
 * per station (its id, the unit of its series) is cached, so a batch of
 * one station's rows runs two or three statements besides the COPY. The
 * cache holds ids a rolled-back transaction may have created, so a
 * rollback empties it.
 */
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sf_err.h"
#include "sf_mem.h"
#include "sf_pgstore.h"
#include "sf_time.h"
#include "sf.h"

#define CACHE	256	/* stations remembered */

/* The column types follow each statement's $n casts. */
#define TS "::timestamptz"

struct st {
	char *station;
	int ec;			/* EC's, else USGS's */
	int64_t id;
	char unit[2][4];	/* of its daily_mean, realtime_15min series:
				   "" while none is known */
	int have_max[2];	/* max_t is known in this transaction */
	int64_t max_t[2];	/* the series' newest stored time */
};

struct sf_pgstore {
	struct sf_db *db;
	struct sf_pg *pg;
	int64_t now;
	char nows[SF_TIME_LEN];
	struct st st[CACHE];
	size_t nst;
	int64_t sent;		/* observations in the open batch */
};

/* fail: err "database 'NAME': WHAT: the server's message"; returns -2 */
static int
fail(struct sf_pgstore *p, const char *what, const struct sf_err *e,
    struct sf_err *err)
{
	const char *m = e->msg;

	if (strncmp(m, "postgresql: statement: ", 23) == 0)
		m += 23;
	sf_err_set(err, "database '%s': %s: %s", sf_db_path_of(p->db), what,
	    m);
	return -2;
}

/* run: one statement; row (may be NULL) gets its first row */
static int
run(struct sf_pgstore *p, const char *what, const char *sql, int n,
    const char *const *params, struct sf_pg_row *row, struct sf_err *err)
{
	struct sf_pg_row tmp;
	struct sf_err e;

	if (sf_pg_query(p->pg, sql, n, params, row != NULL ? row : &tmp,
	    &e) == -1)
		return fail(p, what, &e, err);
	if (row == NULL)
		sf_pg_row_clear(&tmp);
	return 0;
}

static void
num(int64_t v, char buf[24])
{
	snprintf(buf, 24, "%" PRId64, v);
}

struct sf_pgstore *
sf_pgstore_new(struct sf_db *db, int64_t now)
{
	struct sf_pgstore *p = sf_calloc(1, sizeof(*p));

	p->db = db;
	p->pg = sf_db_pg(db);
	p->now = now;
	sf_time_format(now, p->nows);
	sf_pg_set_now(p->pg, now);
	return p;
}

static void
forget(struct sf_pgstore *p)
{
	size_t i;

	for (i = 0; i < p->nst; i++)
		free(p->st[i].station);
	p->nst = 0;
}

void
sf_pgstore_free(struct sf_pgstore *p)
{
	if (p == NULL)
		return;
	sf_pgstore_rollback(p);
	free(p);
}

int
sf_pgstore_begin(struct sf_pgstore *p, struct sf_err *err)
{
	struct sf_err e;
	size_t i;

	/* another process may have written since */
	for (i = 0; i < p->nst; i++)
		p->st[i].have_max[0] = p->st[i].have_max[1] = 0;
	if (sf_pg_load_begin(p->pg, &e) == -1)
		return fail(p, "starting a transaction", &e, err);
	p->sent = 0;
	return 0;
}

int
sf_pgstore_commit(struct sf_pgstore *p, struct sf_pg_counts *c,
    struct sf_err *err)
{
	struct sf_err e;

	if (sf_pg_load_commit(p->pg, c, &e) == -1) {
		forget(p);
		return fail(p, "committing", &e, err);
	}
	/*
	 * sf_pg counts distinct keys; a row given again in the batch is
	 * counted unchanged, as the SQLite archive counts it, so the summary
	 * is the same on both engines.
	 */
	c->unchanged += p->sent - (c->inserted + c->updated + c->unchanged);
	return 0;
}

void
sf_pgstore_rollback(struct sf_pgstore *p)
{
	sf_pg_load_abort(p->pg);
	forget(p);
}

int
sf_pgstore_conf(struct sf_pgstore *p, const char *name, int64_t *id,
    int64_t *first, struct sf_err *err)
{
	const char *a[] = { name };
	struct sf_pg_row r;
	struct sf_err e;
	int rc;

	*id = 0;
	*first = INT64_MIN;
	if (run(p, "reading configurations", "SELECT id, extract(epoch FROM "
	    "pull_start_date)::bigint FROM pull_configurations WHERE name = $1",
	    1, a, &r, err) == -2)
		return -2;
	if (r.found && r.col[0] != NULL)
		*id = strtoll(r.col[0], NULL, 10);
	if (r.found && r.col[1] != NULL)
		*first = strtoll(r.col[1], NULL, 10);
	sf_pg_row_clear(&r);
	if (*id == 0)
		return 0;
	/* one run of a configuration at a time, on every machine */
	if ((rc = sf_pg_lock_config(p->pg, name, &e)) == -1)
		return fail(p, "locking a configuration", &e, err);
	if (rc == 1) {
		sf_err_set(err, "configuration '%s' is being loaded by another "
		    "run (its PostgreSQL advisory lock is held): stopping",
		    name);
		return -2;
	}
	return 0;
}

static struct st *
cached(struct sf_pgstore *p, const char *station)
{
	size_t i;

	for (i = p->nst; i-- > 0;)
		if (strcmp(p->st[i].station, station) == 0)
			return &p->st[i];
	return NULL;
}

static const char station_add_sql[] =
    "INSERT INTO stations (station_number, name, agency, latitude, "
    "longitude, timezone, huc_code, state) "
    "SELECT $1, coalesce(m.station_name, $1), $2, m.latitude, m.longitude, "
    "coalesce(m.utc_offset, 'UTC'), m.huc_code, m.state_code "
    "FROM (SELECT 1) x LEFT JOIN master_stations m ON m.station_number = $1 "
    "ON CONFLICT (station_number) DO NOTHING RETURNING id, agency";

int
sf_pgstore_station_id(struct sf_pgstore *p, const char *station,
    const char *agency, int64_t *id, struct sf_err *err)
{
	const char *a[] = { station, agency };
	struct sf_pg_row r;
	struct st *e;
	int same, i;

	if ((e = cached(p, station)) != NULL) {
		if (e->ec != (strcmp(agency, "EC") == 0))
			return sf_err_set(err, "station '%s' is a %s station, "
			    "not %s", station, e->ec ? "EC" : "USGS", agency);
		*id = e->id;
		return 0;
	}
	/* a station another session adds meanwhile is found the 2nd time */
	for (i = 0; i < 2; i++) {
		if (run(p, "reading stations", "SELECT id, agency FROM stations "
		    "WHERE station_number = $1", 1, a, &r, err) == -2)
			return -2;
		if (r.found)
			break;
		if (run(p, "adding a station", station_add_sql, 2, a, &r,
		    err) == -2)
			return -2;
		if (r.found)
			break;
	}
	if (!r.found || r.col[0] == NULL) {
		sf_pg_row_clear(&r);
		sf_err_set(err, "database '%s': adding a station '%s': no id",
		    sf_db_path_of(p->db), station);
		return -2;
	}
	same = r.col[1] != NULL && strcmp(r.col[1], agency) == 0;
	if (!same) {
		sf_err_set(err, "station '%s' is a %s station, not %s", station,
		    r.col[1] != NULL ? r.col[1] : "(null)", agency);
		sf_pg_row_clear(&r);
		return -1;
	}
	*id = strtoll(r.col[0], NULL, 10);
	sf_pg_row_clear(&r);
	if (p->nst == CACHE)
		forget(p);
	e = &p->st[p->nst++];
	memset(e, 0, sizeof(*e));
	e->station = sf_strdup(station);
	e->ec = strcmp(agency, "EC") == 0;
	e->id = *id;
	return 0;
}

/* unit_check: the unit of the station's series of type, or the first */
static int
unit_check(struct sf_pgstore *p, struct st *e, const char *type,
    const char *unit, struct sf_err *err)
{
	int k = strcmp(type, "daily_mean") == 0 ? 0 : 1;
	char id[24];
	const char *a[] = { id, type };
	struct sf_pg_row r;

	if (e->unit[k][0] == '\0') {
		num(e->id, id);
		if (run(p, "reading series", "SELECT unit FROM "
		    "discharge_observations WHERE station_id = $1 AND "
		    "type = $2 LIMIT 1", 2, a, &r, err) == -2)
			return -2;
		snprintf(e->unit[k], sizeof(e->unit[k]), "%s",
		    r.found && r.col[0] != NULL ? r.col[0] : unit);
		sf_pg_row_clear(&r);
	}
	if (strcmp(e->unit[k], unit) != 0)
		return sf_err_set(err, "station '%s': unit '%s' differs from "
		    "the unit of its %s series ('%s')", e->station, unit, type,
		    e->unit[k]);
	return 0;
}

/*
 * newer: *is_new when t is past the newest stored row of the station's
 * series of type, as this transaction began (one look per series and
 * transaction): an append, which the batch inserts without looking
 */
static int
newer(struct sf_pgstore *p, struct st *e, const char *type, int64_t t,
    int *is_new, struct sf_err *err)
{
	int k = strcmp(type, "daily_mean") == 0 ? 0 : 1;
	char id[24];
	const char *a[] = { id, type };
	struct sf_pg_row r;

	if (!e->have_max[k]) {
		num(e->id, id);
		if (run(p, "reading series", "SELECT extract(epoch FROM"
		    " max(observed_at))::bigint FROM discharge_observations"
		    " WHERE station_id = $1 AND type = $2", 2, a, &r,
		    err) == -2)
			return -2;
		e->max_t[k] = r.found && r.col[0] != NULL ?
		    strtoll(r.col[0], NULL, 10) : INT64_MIN;
		e->have_max[k] = 1;
		sf_pg_row_clear(&r);
	}
	*is_new = t > e->max_t[k];
	return 0;
}

int
sf_pgstore_obs(struct sf_pgstore *p, const char *station,
    const char *agency, const char *type, const char *unit, int64_t t,
    int has, double v, const char *qc, struct sf_err *err)
{
	struct sf_pg_obs o;
	struct sf_err e;
	int64_t id;
	int rc;

	if ((rc = sf_pgstore_station_id(p, station, agency, &id, err)) != 0)
		return rc;
	if ((rc = unit_check(p, cached(p, station), type, unit, err)) != 0 ||
	    (rc = newer(p, cached(p, station), type, t, &o.is_new, err)) != 0)
		return rc;
	o.station_id = id;
	o.observed_at = t;
	o.type = type;
	o.unit = unit;
	o.quality_code = qc;
	o.discharge = v;
	o.has_discharge = has;
	if (sf_pg_load_obs(p->pg, &o, &e) == -1) {
		forget(p);
		return fail(p, "adding an observation", &e, err);
	}
	p->sent++;
	return 0;
}

int
sf_pgstore_progress(struct sf_pgstore *p, int64_t conf, const char *station,
    int64_t t, struct sf_err *err)
{
	char id[24], ts[SF_TIME_LEN];
	const char *a[] = { id, station, ts, p->nows };

	num(conf, id);
	sf_time_format(t, ts);
	return run(p, "recording progress", "INSERT INTO pull_station_progress"
	    " AS p (config_id, station_number, last_successful_pull_date,"
	    " consecutive_failures, last_attempt_at, last_success_at,"
	    " created_at, updated_at)"
	    " VALUES ($1, $2, $3" TS ", 0, $4" TS ", $4" TS ", $4" TS ", $4" TS
	    ") ON CONFLICT (config_id, station_number) DO UPDATE SET"
	    " last_successful_pull_date = greatest(p.last_successful_pull_date,"
	    " excluded.last_successful_pull_date), consecutive_failures = 0,"
	    " last_attempt_at = $4" TS ", last_success_at = $4" TS ","
	    " updated_at = $4" TS, 4, a, NULL, err);
}

int
sf_pgstore_done(struct sf_pgstore *p, int64_t conf, const char *station,
    const char *pass, struct sf_err *err)
{
	char id[24];
	const char *a[] = { id, station, p->nows, pass };

	num(conf, id);
	return run(p, "recording a success", "INSERT INTO pull_station_progress"
	    " AS p (config_id, station_number, consecutive_failures,"
	    " last_attempt_at, last_success_at, last_revision_pass_at,"
	    " created_at, updated_at)"
	    " VALUES ($1, $2, 0, $3" TS ", $3" TS ", $4" TS ", $3" TS ", $3" TS
	    ") ON CONFLICT (config_id, station_number) DO UPDATE SET"
	    " consecutive_failures = 0, last_attempt_at = $3" TS ","
	    " last_success_at = $3" TS ", updated_at = $3" TS ","
	    " last_revision_pass_at = greatest(p.last_revision_pass_at, $4" TS
	    ")", 4, a, NULL, err);
}

int
sf_pgstore_fail(struct sf_pgstore *p, int64_t conf, const char *station,
    const char *msg, struct sf_err *err)
{
	char id[24];
	const char *a[] = { id, station, msg, p->nows };

	num(conf, id);
	return run(p, "counting a failure", "INSERT INTO pull_station_progress"
	    " AS p (config_id, station_number, consecutive_failures,"
	    " last_error, last_error_at, last_attempt_at, created_at,"
	    " updated_at)"
	    " VALUES ($1, $2, 1, $3, $4" TS ", $4" TS ", $4" TS ", $4" TS ")"
	    " ON CONFLICT (config_id, station_number) DO UPDATE SET"
	    " consecutive_failures = p.consecutive_failures + 1,"
	    " last_error = $3, last_error_at = $4" TS ","
	    " last_attempt_at = $4" TS ", updated_at = $4" TS, 4, a, NULL, err);
}

int
sf_pgstore_log(struct sf_pgstore *p, int64_t conf, const char *status,
    const long long *n, const char *msg, const char *station,
    struct sf_err *err)
{
	char id[24], c[5][24];
	const char *a[11] = { id, status, NULL, p->nows, p->nows, msg,
	    station };
	int i;

	num(conf, id);
	for (i = 0; i < 5 && n != NULL; i++) {
		num(n[i], c[i]);
		a[i == 0 ? 2 : 6 + i] = c[i];
	}
	if (n == NULL)
		a[2] = "0";
	if (run(p, station == NULL ? "logging the run" : "logging a failure",
	    "INSERT INTO data_pull_logs (config_id, status, records_processed,"
	    " start_time, end_time, error_message, station_number, inserted,"
	    " updated, unchanged, rejected) VALUES ($1, $2, $3, $4" TS
	    ", $5" TS ", $6, $7, $8, $9, $10, $11)", 11, a, NULL, err) == -2)
		return -2;
	if (station != NULL)
		return 0;
	return run(p, "logging the run", "UPDATE pull_configurations SET"
	    " last_run_at = $2" TS " WHERE id = $1", 2,
	    (const char *const[]){ id, p->nows }, NULL, err);
}

/* $1 station, $2 agency, $3 name, $4 latitude, $5 longitude, $6 state,
 * $7 huc_code, $8 drainage_area_sqmi, $9 altitude_ft, $10 utc_offset,
 * $11 uses_dst */
#define ST_COLS " $1, $2, coalesce($3, $1), $4::float8, $5::float8, $6, $7," \
    " $8::float8, $9::float8, $10, $11::int"

int
sf_pgstore_station(struct sf_pgstore *p, const char *const f[11], int *what,
    struct sf_err *err)
{
	const char *u[7];
	struct sf_pg_row r;
	int existed;

	if (run(p, "reading master_stations", "SELECT 1 FROM master_stations"
	    " WHERE station_number = $1", 1, f, &r, err) == -2)
		return -2;
	existed = r.found;
	sf_pg_row_clear(&r);
	if (run(p, "adding a station", "INSERT INTO master_stations AS m"
	    " (station_number, agency, station_name, latitude, longitude,"
	    " state_code, huc_code, drainage_area_sqmi, altitude_ft,"
	    " utc_offset, uses_dst) VALUES (" ST_COLS ")"
	    " ON CONFLICT (station_number) DO UPDATE SET agency = $2,"
	    " station_name = coalesce($3, $1), latitude = $4::float8,"
	    " longitude = $5::float8, state_code = $6, huc_code = $7,"
	    " drainage_area_sqmi = $8::float8, altitude_ft = $9::float8,"
	    " utc_offset = $10, uses_dst = $11::int"
	    " WHERE (m.agency, m.station_name, m.latitude, m.longitude,"
	    " m.state_code, m.huc_code, m.drainage_area_sqmi, m.altitude_ft,"
	    " m.utc_offset, m.uses_dst) IS DISTINCT FROM ($2, coalesce($3, $1),"
	    " $4::float8, $5::float8, $6, $7, $8::float8, $9::float8, $10,"
	    " $11::int)",
	    11, f, &r, err) == -2)
		return -2;
	*what = r.changed == 0 ? 2 : existed ? 1 : 0;
	sf_pg_row_clear(&r);
	/* stations keeps fewer columns: only those are passed */
	u[0] = f[0];
	u[1] = f[2];
	u[2] = f[3];
	u[3] = f[4];
	u[4] = f[5];
	u[5] = f[6];
	u[6] = f[9];
	return run(p, "updating a station", "UPDATE stations SET"
	    " name = coalesce($2, $1), latitude = $3::float8,"
	    " longitude = $4::float8, state = $5, huc_code = $6,"
	    " timezone = coalesce($7, timezone), last_updated = now()"
	    " WHERE station_number = $1 AND (name, latitude, longitude, state,"
	    " huc_code, timezone) IS DISTINCT FROM (coalesce($2, $1),"
	    " $3::float8, $4::float8, $5, $6, coalesce($7, timezone))",
	    7, u, NULL, err);
}

int
sf_pgstore_run_get(struct sf_pgstore *p, int64_t sid, const char *source,
    int64_t run_date, const char *member, int64_t *id, char **data,
    struct sf_err *err)
{
	char s[24], rd[SF_TIME_LEN];
	const char *a[] = { s, source, rd, member };
	struct sf_pg_row r;

	num(sid, s);
	sf_time_format(run_date, rd);
	*id = 0;
	*data = NULL;
	if (run(p, "reading forecast runs", "SELECT id, data::text FROM"
	    " forecast_runs WHERE station_id = $1 AND source = $2 AND"
	    " run_date = $3" TS " AND member IS NOT DISTINCT FROM $4::text",
	    4, a, &r, err) == -2)
		return -2;
	if (r.found && r.col[0] != NULL) {
		*id = strtoll(r.col[0], NULL, 10);
		*data = r.col[1];
		r.col[1] = NULL;
	}
	sf_pg_row_clear(&r);
	return 0;
}

int
sf_pgstore_run_set(struct sf_pgstore *p, int64_t id, const char *data,
    const char *target_id, const char *unit, const char *stage_unit,
    int *changed, struct sf_err *err)
{
	char s[24];
	const char *a[] = { s, data, target_id, unit, stage_unit, p->nows };
	struct sf_pg_row r;

	num(id, s);
	if (run(p, "updating a forecast run", "UPDATE forecast_runs SET"
	    " data = $2::jsonb, target_id = coalesce($3, target_id),"
	    " unit = coalesce($4, unit), stage_unit = coalesce($5, stage_unit),"
	    " loaded_at = $6" TS " WHERE id = $1 AND data IS DISTINCT FROM"
	    " $2::jsonb", 6, a, &r, err) == -2)
		return -2;
	*changed = r.changed > 0;
	sf_pg_row_clear(&r);
	return 0;
}

int
sf_pgstore_run_add(struct sf_pgstore *p, int64_t sid, const char *source,
    int64_t run_date, const char *data, const char *member,
    const char *target_id, const char *unit, const char *stage_unit,
    struct sf_err *err)
{
	char s[24], rd[SF_TIME_LEN];
	const char *a[] = { s, source, rd, data, member, target_id, unit,
	    stage_unit, p->nows };

	num(sid, s);
	sf_time_format(run_date, rd);
	return run(p, "adding a forecast run", "INSERT INTO forecast_runs"
	    " (station_id, source, run_date, data, member, target_id, unit,"
	    " stage_unit, loaded_at) VALUES ($1, $2, $3" TS ", $4::jsonb, $5,"
	    " $6, $7, $8, $9" TS ")", 9, a, NULL, err);
}
