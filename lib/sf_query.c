/*
 * sf_query: the read side of the archive, as records.
 *
 * Observations are read series by series (obs_series x stations), each
 * series as one ordered scan of the obs primary key, so no query sorts
 * more than the list of series or runs. "As of" needs no second scan: a
 * value loaded after the instant is replaced by the revision that was
 * current then, found through obs_revisions' (series, t) index, and only
 * revised values pay for that. Daily means and gaps are computed while the
 * rows go by, one day or one step at a time.
 *
 * On PostgreSQL the same code reads the seed's tables, which are real
 * there (discharge_observations, discharge_observation_revisions,
 * forecast_runs with jsonb points), through statements of their own that
 * give the columns the SQLite ones give: instants as integer seconds, a
 * series as one integer (station id * 2, plus 1 for realtime_15min, since
 * there is no obs_series), the quality code as its text. The scans stream
 * through cursors, so memory holds a page of rows, not a series.
 */
#include <limits.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sf_buf.h"
#include "sf_err.h"
#include "sf_mem.h"
#include "sf_pg.h"
#include "sf_query.h"
#include "sf_rec.h"
#include "sf_sql.h"
#include "sf_str.h"
#include "sf_time.h"
#include "sf.h"

#define T_MIN (-62135596800LL)	/* 0001-01-01T00:00:00Z */
#define T_MAX 253402300799LL	/* 9999-12-31T23:59:59Z */
#define DAY 86400
#define CADENCE_SAMPLE 101	/* rows read to find a series' interval */

/* The series of the question, in station then type order. */
static const char series_sql[] =
    "SELECT s.id, st.station_number, st.agency, s.type, s.unit, "
    "coalesce(m.utc_offset, nullif(st.timezone, 'UTC')) "
    "FROM obs_series s JOIN stations st ON st.id = s.station_id "
    "LEFT JOIN master_stations m ON m.station_number = st.station_number "
    "WHERE (?1 IS NULL OR st.station_number = ?1) "
    "AND (?2 IS NULL OR st.agency = ?2) AND (?3 IS NULL OR s.type = ?3) "
    "AND (?4 IS NULL OR st.station_number IN (SELECT c.station_number "
    "FROM pull_configuration_stations c JOIN pull_configurations p "
    "ON p.id = c.config_id WHERE p.name = ?4)) "
    "ORDER BY st.station_number, s.type";

/*
 * The scans give the quality code's id, not its text: a series has a few
 * codes, and next_row looks each up once a change (qc_sql) rather than
 * joining quality_codes a row, which cost a b-tree search each.
 */
static const char obs_sql[] =
    "SELECT o.t, o.value, o.qc, o.loaded_at FROM obs o "
    "WHERE o.series = ?1 AND o.t >= ?2 AND o.t <= ?3 ORDER BY o.t";

static const char obs_desc_sql[] =
    "SELECT o.t, o.value, o.qc, o.loaded_at FROM obs o "
    "WHERE o.series = ?1 AND o.t >= ?2 AND o.t <= ?3 ORDER BY o.t DESC";

static const char qc_sql[] = "SELECT code FROM quality_codes WHERE id = ?1";

/* The value current at ?3 of a value loaded after it. */
static const char asof_sql[] =
    "SELECT r.value, q.code, r.loaded_at FROM obs_revisions r "
    "LEFT JOIN quality_codes q ON q.id = r.qc "
    "WHERE r.series = ?1 AND r.t = ?2 AND r.loaded_at <= ?3 "
    "AND r.replaced_at > ?3 ORDER BY r.loaded_at DESC LIMIT 1";

/* The values current at ?4 of values loaded after it, in t order. */
static const char asof_scan_sql[] =
    "SELECT r.t, r.value, q.code FROM obs_revisions r "
    "LEFT JOIN quality_codes q ON q.id = r.qc "
    "WHERE r.series = ?1 AND r.t >= ?2 AND r.t <= ?3 "
    "AND r.loaded_at <= ?4 AND r.replaced_at > ?4 ORDER BY r.t";

static const char history_sql[] =
    "SELECT r.value, q.code, r.loaded_at, r.replaced_at "
    "FROM obs_revisions r LEFT JOIN quality_codes q ON q.id = r.qc "
    "WHERE r.series = ?1 AND r.t = ?2 ORDER BY r.loaded_at, r.id";

static const char config_sql[] =
    "SELECT data_type, agency, source FROM pull_configurations "
    "WHERE name = ?1";

static const char station_sql[] =
    "SELECT station_number, agency, station_name, latitude, longitude, "
    "state_code, huc_code, drainage_area_sqmi, altitude_ft, utc_offset, "
    "uses_dst FROM master_stations "
    "WHERE (?1 IS NULL OR station_number = ?1) "
    "AND (?2 IS NULL OR agency = ?2) "
    "AND (?3 IS NULL OR station_number IN (SELECT c.station_number "
    "FROM pull_configuration_stations c JOIN pull_configurations p "
    "ON p.id = c.config_id WHERE p.name = ?3)) "
    "ORDER BY station_number";

static const char runs_sql[] =
    "SELECT f.id, st.station_number, st.agency, f.target_id, f.source, "
    "f.member, f.run_date, f.unit, f.stage_unit "
    "FROM forecast_runs f JOIN stations st ON st.id = f.station_id "
    "WHERE (?1 IS NULL OR st.station_number = ?1) "
    "AND (?2 IS NULL OR st.agency = ?2) "
    "AND (?3 IS NULL OR f.source = ?3) "
    "AND (?4 IS NULL OR st.station_number IN (SELECT c.station_number "
    "FROM pull_configuration_stations c JOIN pull_configurations p "
    "ON p.id = c.config_id WHERE p.name = ?4)) "
    "AND (?5 IS NULL OR f.member IS ?5) "
    "AND (?6 IS NULL OR f.loaded_at <= ?6) "
    "AND (?7 = 0 OR (?7 = 1 AND f.run_date = (SELECT max(g.run_date) "
    "FROM forecast_runs g WHERE g.station_id = f.station_id "
    "AND g.source = f.source AND (?6 IS NULL OR g.loaded_at <= ?6))) "
    "OR (?7 = 2 AND f.run_date = ?8)) "
    "ORDER BY st.station_number, f.source, f.run_date, "
    "ifnull(f.member, ''), f.id";

static const char points_sql[] =
    "SELECT json_extract(j.value, '$.date'), "
    "json_extract(j.value, '$.value'), json_extract(j.value, '$.stage') "
    "FROM forecast_runs f, json_each(f.data) j WHERE f.id = ?1 "
    "AND (?2 IS NULL OR json_extract(j.value, '$.date') >= ?2) "
    "AND (?3 IS NULL OR json_extract(j.value, '$.date') <= ?3)";

/*
 * PostgreSQL. The parameters are sent as text, so each says its type;
 * text is ordered COLLATE "C", as SQLite orders it (bytes), whatever the
 * database's collation.
 */
#define PG_CONFIG_STATIONS(n) \
    "(?" n "::text IS NULL OR st.station_number IN (SELECT " \
    "c.station_number FROM pull_configuration_stations c " \
    "JOIN pull_configurations p ON p.id = c.config_id " \
    "WHERE p.name = ?" n "::text)) "

/* The series ?1 (station id * 2 + 1 for realtime_15min) as columns. */
#define PG_SERIES(a) \
    a ".station_id = ?1::bigint / 2 AND " a ".type = CASE ?1::bigint % 2 " \
    "WHEN 1 THEN 'realtime_15min' ELSE 'daily_mean' END "

#define PG_EPOCH(c) "floor(extract(epoch FROM " c "))::bigint"

/* The series are the (station, type) pairs with a row, found by key. */
static const char pg_series_sql[] =
    "SELECT st.id * 2 + CASE ty.type WHEN 'realtime_15min' THEN 1 ELSE 0 "
    "END, st.station_number, st.agency, ty.type, o.unit, "
    "coalesce(m.utc_offset, nullif(st.timezone, 'UTC')) "
    "FROM stations st "
    "CROSS JOIN (VALUES ('daily_mean'), ('realtime_15min')) ty(type) "
    "CROSS JOIN LATERAL (SELECT d.unit FROM discharge_observations d "
    "WHERE d.station_id = st.id AND d.type = ty.type LIMIT 1) o "
    "LEFT JOIN master_stations m ON m.station_number = st.station_number "
    "WHERE (?1::text IS NULL OR st.station_number = ?1::text) "
    "AND (?2::text IS NULL OR st.agency = ?2::text) "
    "AND (?3::text IS NULL OR ty.type = ?3::text) AND "
    PG_CONFIG_STATIONS("4")
    "ORDER BY st.station_number COLLATE \"C\", ty.type COLLATE \"C\"";

/*
 * The same on a Citus cluster, which cannot run the LATERAL probe on a
 * distributed table: each worker groups its own rows by series.
 */
static const char citus_series_sql[] =
    "SELECT st.id * 2 + CASE o.type WHEN 'realtime_15min' THEN 1 ELSE 0 "
    "END, st.station_number, st.agency, o.type, o.unit, "
    "coalesce(m.utc_offset, nullif(st.timezone, 'UTC')) "
    "FROM (SELECT station_id, type, min(unit) AS unit "
    "FROM discharge_observations GROUP BY station_id, type) o "
    "JOIN stations st ON st.id = o.station_id "
    "LEFT JOIN master_stations m ON m.station_number = st.station_number "
    "WHERE (?1::text IS NULL OR st.station_number = ?1::text) "
    "AND (?2::text IS NULL OR st.agency = ?2::text) "
    "AND (?3::text IS NULL OR o.type = ?3::text) AND "
    PG_CONFIG_STATIONS("4")
    "ORDER BY st.station_number COLLATE \"C\", o.type COLLATE \"C\"";

static const char pg_obs_sql[] =
    "SELECT " PG_EPOCH("o.observed_at") ", o.discharge, o.quality_code, "
    PG_EPOCH("o.loaded_at") " FROM discharge_observations o WHERE "
    PG_SERIES("o") "AND o.observed_at >= to_timestamp(?2::bigint) "
    "AND o.observed_at <= to_timestamp(?3::bigint) ORDER BY o.observed_at";

static const char pg_obs_desc_sql[] =
    "SELECT " PG_EPOCH("o.observed_at") ", o.discharge, o.quality_code, "
    PG_EPOCH("o.loaded_at") " FROM discharge_observations o WHERE "
    PG_SERIES("o") "AND o.observed_at >= to_timestamp(?2::bigint) "
    "AND o.observed_at <= to_timestamp(?3::bigint) "
    "ORDER BY o.observed_at DESC";

static const char pg_asof_sql[] =
    "SELECT r.discharge, r.quality_code, " PG_EPOCH("r.loaded_at") " "
    "FROM discharge_observation_revisions r WHERE " PG_SERIES("r")
    "AND r.observed_at = to_timestamp(?2::bigint) "
    "AND " PG_EPOCH("r.loaded_at") " <= ?3::bigint "
    "AND " PG_EPOCH("r.replaced_at") " > ?3::bigint "
    "ORDER BY r.loaded_at DESC LIMIT 1";

static const char pg_asof_scan_sql[] =
    "SELECT " PG_EPOCH("r.observed_at") ", r.discharge, r.quality_code "
    "FROM discharge_observation_revisions r WHERE " PG_SERIES("r")
    "AND r.observed_at >= to_timestamp(?2::bigint) "
    "AND r.observed_at <= to_timestamp(?3::bigint) "
    "AND " PG_EPOCH("r.loaded_at") " <= ?4::bigint "
    "AND " PG_EPOCH("r.replaced_at") " > ?4::bigint "
    "ORDER BY r.observed_at";

static const char pg_history_sql[] =
    "SELECT r.discharge, r.quality_code, " PG_EPOCH("r.loaded_at") ", "
    PG_EPOCH("r.replaced_at") " FROM discharge_observation_revisions r "
    "WHERE " PG_SERIES("r") "AND r.observed_at = to_timestamp(?2::bigint) "
    "ORDER BY r.loaded_at, r.id";

/* Every revision of the series in a range, for a merge with its scan. */
static const char pg_history_scan_sql[] =
    "SELECT " PG_EPOCH("r.observed_at") ", r.discharge, r.quality_code, "
    PG_EPOCH("r.loaded_at") ", " PG_EPOCH("r.replaced_at") " "
    "FROM discharge_observation_revisions r WHERE " PG_SERIES("r")
    "AND r.observed_at >= to_timestamp(?2::bigint) "
    "AND r.observed_at <= to_timestamp(?3::bigint) "
    "ORDER BY r.observed_at, r.loaded_at, r.id";

static const char pg_config_sql[] =
    "SELECT data_type, agency, source FROM pull_configurations "
    "WHERE name = ?1::text";

static const char pg_station_sql[] =
    "SELECT station_number, agency, station_name, latitude, longitude, "
    "state_code, huc_code, drainage_area_sqmi, altitude_ft, utc_offset, "
    "uses_dst FROM master_stations st "
    "WHERE (?1::text IS NULL OR station_number = ?1::text) "
    "AND (?2::text IS NULL OR agency = ?2::text) AND "
    PG_CONFIG_STATIONS("3")
    "ORDER BY station_number COLLATE \"C\"";

static const char pg_runs_sql[] =
    "SELECT f.id, st.station_number, st.agency, f.target_id, f.source, "
    "f.member, f.run_date, f.unit, f.stage_unit "
    "FROM forecast_runs f JOIN stations st ON st.id = f.station_id "
    "WHERE (?1::text IS NULL OR st.station_number = ?1::text) "
    "AND (?2::text IS NULL OR st.agency = ?2::text) "
    "AND (?3::text IS NULL OR f.source = ?3::text) AND "
    PG_CONFIG_STATIONS("4")
    "AND (?5::text IS NULL OR f.member IS NOT DISTINCT FROM ?5::text) "
    "AND (?6::timestamptz IS NULL OR f.loaded_at <= ?6::timestamptz) "
    "AND (?7::int = 0 OR (?7::int = 1 AND f.run_date = "
    "(SELECT max(g.run_date) FROM forecast_runs g "
    "WHERE g.station_id = f.station_id AND g.source = f.source "
    "AND (?6::timestamptz IS NULL OR g.loaded_at <= ?6::timestamptz))) "
    "OR (?7::int = 2 AND f.run_date = ?8::timestamptz)) "
    "ORDER BY st.station_number COLLATE \"C\", f.source COLLATE \"C\", "
    "f.run_date, coalesce(f.member, '') COLLATE \"C\", f.id";

static const char pg_points_sql[] =
    "SELECT j.value->>'date', j.value->>'value', j.value->>'stage' "
    "FROM forecast_runs f, jsonb_array_elements(f.data) WITH ORDINALITY "
    "j(value, n) WHERE f.id = ?1::bigint "
    "AND (?2::text IS NULL OR j.value->>'date' >= ?2::text) "
    "AND (?3::text IS NULL OR j.value->>'date' <= ?3::text) ORDER BY j.n";

enum { ST_SERIES, ST_OBS, ST_OBS_DESC, ST_ASOF, ST_ASOF_SCAN, ST_HISTORY,
    ST_HISTORY_SCAN, ST_STATION, ST_RUNS, ST_POINTS, ST_CONFIG, ST_QC,
    ST_COUNT };

static const struct {
	const char *sql, *pgsql;	/* one NULL: the other engine's only */
	int flags;
} sqls[ST_COUNT] = {
	{ series_sql, pg_series_sql, 0 },
	{ obs_sql, pg_obs_sql, SF_SQL_STREAM },
	{ obs_desc_sql, pg_obs_desc_sql, SF_SQL_STREAM },
	{ asof_sql, pg_asof_sql, 0 },
	{ asof_scan_sql, pg_asof_scan_sql, SF_SQL_STREAM },
	{ history_sql, pg_history_sql, 0 },
	{ NULL, pg_history_scan_sql, SF_SQL_STREAM },
	{ station_sql, pg_station_sql, 0 },
	{ runs_sql, pg_runs_sql, 0 },
	{ points_sql, pg_points_sql, 0 },
	{ config_sql, pg_config_sql, 0 },
	{ qc_sql, NULL, 0 }
};

struct sf_query_stmts {
	struct sf_sql *st[ST_COUNT];
};

/* One series, as series_sql gives it (strings copied). */
struct series {
	int64_t id;
	char station[64];
	char agency[16];
	char type[32];
	char unit[8];
	int offset;		/* seconds east of UTC, for local days */
	double factor;		/* stored unit to output unit */
	const char *out_unit;
};

/* One value of a series as the question sees it. */
struct row {
	int64_t t;
	int has_value;
	double value;
	const char *qc;		/* borrowed until the next row */
};

struct q {
	struct sf_db *db;
	const struct sf_query *q;
	struct sf_err *err;
	struct sf_sql **st;	/* own[], or the kept q->stmts */
	struct sf_sql *own[ST_COUNT];
	int pg;			/* a PostgreSQL archive */
	const char *config_out;	/* the config field of obs records */
	const char *type;	/* q->type, or the configuration's */
	const char *source;
	int stopped;
	/*
	 * An ascending scan "as of" reads the revisions current then beside
	 * it, in the same order (a merge), rather than one lookup a value.
	 */
	int merge, rev_state;	/* rev_state: 0 not read, 1 row, 2 done */
	int64_t rev_t;
	/*
	 * On PostgreSQL the history of a scan is read beside it too (a
	 * statement a value would cost a round trip each).
	 */
	int hmerge, hist_state;	/* as merge and rev_state */
	int64_t hist_t;
	int64_t day;		/* the day whose date is in tbuf */
	char tbuf[SF_TIME_LEN];
	char qcbuf[64];
	int qc_known;		/* qc_id's code is in qc (NULL: none) */
	int64_t qc_id;
	const char *qc;
	struct sf_buf qcb;
	char srcbuf[64];
};

static int
dbfail(struct q *x, const char *what)
{
	sf_db_fail(x->db, what, x->err);
	return -2;
}

static struct sf_sql *
stmt(struct q *x, int i)
{
	const char *pgsql = sqls[i].pgsql;
	int citus;

	if (x->st[i] == NULL) {
		if (i == ST_SERIES && sf_db_engine(x->db) == SF_DB_POSTGRESQL) {
			if ((citus = sf_pg_citus(sf_db_pg(x->db), x->err)) == -1)
				return NULL;
			if (citus)
				pgsql = citus_series_sql;
		}
		x->st[i] = sf_sql_prepare(x->db, sqls[i].sql, pgsql,
		    sqls[i].flags, x->err);
	} else {
		sf_sql_reset(x->st[i]);
		sf_sql_clear(x->st[i]);
	}
	return x->st[i];
}

static void
warn(struct q *x, const char *fmt, const char *a, const char *b)
{
	char msg[2 * SF_ERR_MAX];

	if (x->q->warn == NULL)
		return;
	snprintf(msg, sizeof(msg), fmt, a, b);
	x->q->warn(x->q->arg, msg);
}

static int
put(struct q *x, const struct sf_rec *r)
{
	if (x->q->put(x->q->arg, r) != 0) {
		x->stopped = 1;
		return 1;
	}
	return 0;
}

static void
copy(char *dst, size_t n, const char *s)
{
	snprintf(dst, n, "%s", s != NULL ? s : "");
}

/* The conversion of a value in unit to the question's unit. */
static void
units_of(const struct sf_query *q, const char *unit, double *factor,
    const char **out)
{
	*factor = 1;
	*out = unit;
	if (q->units == NULL || unit == NULL || strcmp(unit, q->units) == 0)
		return;
	if (strcmp(unit, "cms") == 0 && strcmp(q->units, "cfs") == 0) {
		*factor = SF_CFS_PER_CMS;
		*out = "cfs";
	} else if (strcmp(unit, "cfs") == 0 && strcmp(q->units, "cms") == 0) {
		*factor = 1 / SF_CFS_PER_CMS;
		*out = "cms";
	}
}

static int64_t
floordiv(int64_t a, int64_t b)
{
	int64_t d = a / b;

	if ((a % b != 0) && ((a < 0) != (b < 0)))
		d--;
	return d;
}

/*
 * A computed value (converted, or a mean) to ten significant digits, so
 * 4215.5 cms reads 148868.9775 cfs rather than 148868.97747384998.
 */
static void
fmt_derived(double v, double factor, char nb[SF_NUM_LEN])
{
	if (factor == 1)
		sf_str_fmt_double(v, nb);
	else
		snprintf(nb, SF_NUM_LEN, "%.10g", v * factor);
}

/* t as sf_time_format writes it, into x->tbuf, reusing its date. */
static const char *
fmt_time(struct q *x, int64_t t)
{
	int64_t d = floordiv(t, DAY);
	int sec = (int)(t - d * DAY);
	char *p;

	if (x->tbuf[0] == '\0' || d != x->day) {
		sf_time_format(t, x->tbuf);
		x->day = d;
		return x->tbuf;
	}
	p = x->tbuf + 11;
	p[0] = (char)('0' + sec / 36000);
	p[1] = (char)('0' + sec / 3600 % 10);
	p[3] = (char)('0' + sec % 3600 / 600);
	p[4] = (char)('0' + sec % 600 / 60);
	p[6] = (char)('0' + sec % 60 / 10);
	p[7] = (char)('0' + sec % 10);
	return x->tbuf;
}

/*
 * The code of column c of st, a quality_codes id, as the LEFT JOIN gave
 * it: NULL for a NULL id or one not in the table. On PostgreSQL the
 * column is the code (borrowed until st's next step). Returns 0, or -2.
 */
static int
qc_of(struct q *x, struct sf_sql *st, int c, const char **out)
{
	struct sf_sql *a;
	const char *t;
	int rc;

	if (sf_sql_isnull(st, c)) {
		*out = NULL;
		return 0;
	}
	if (x->pg) {
		*out = sf_sql_text(st, c);
		return 0;
	}
	if (x->qc_known && sf_sql_int(st, c) == x->qc_id) {
		*out = x->qc;
		return 0;
	}
	x->qc_known = 0;
	x->qc_id = sf_sql_int(st, c);
	if ((a = stmt(x, ST_QC)) == NULL)
		return -2;
	sf_sql_bind_int(a, 1, x->qc_id);
	rc = sf_sql_step(a);
	if (rc == SF_SQL_ERROR)
		return dbfail(x, "reading quality_codes");
	x->qc = NULL;
	if (rc == SF_SQL_ROW && (t = sf_sql_text(a, 0)) != NULL) {
		sf_buf_reset(&x->qcb);
		sf_buf_adds(&x->qcb, t);
		x->qc = x->qcb.buf;
	}
	sf_sql_reset(a);
	x->qc_known = 1;
	*out = x->qc;
	return 0;
}

/*
 * Reads the next value of the scan st of series s into r, as the archive
 * held it at q->as_of when that is set. Returns 1, 0 at the end, -2.
 */
static int
next_row(struct q *x, struct sf_sql *st, const struct series *s,
    struct row *r)
{
	struct sf_sql *a;
	const char *c;
	int rc;

	for (;;) {
		if ((rc = sf_sql_step(st)) == SF_SQL_DONE)
			return 0;
		if (rc != SF_SQL_ROW)
			return dbfail(x, "reading obs");
		r->t = sf_sql_int(st, 0);
		if (!x->q->has_as_of || sf_sql_int(st, 3) <= x->q->as_of) {
			r->has_value = !sf_sql_isnull(st, 1);
			r->value = sf_sql_double(st, 1);
			return qc_of(x, st, 2, &r->qc) == 0 ? 1 : -2;
		}
		/* loaded after the instant: what did it replace? */
		if (x->merge) {
			a = x->st[ST_ASOF_SCAN];
			while (x->rev_state != 2 &&
			    (x->rev_state == 0 || x->rev_t < r->t)) {
				rc = sf_sql_step(a);
				if (rc == SF_SQL_DONE)
					x->rev_state = 2;
				else if (rc != SF_SQL_ROW)
					return dbfail(x, "reading obs_revisions");
				else {
					x->rev_state = 1;
					x->rev_t = sf_sql_int(a, 0);
				}
			}
			if (x->rev_state != 1 || x->rev_t != r->t)
				continue;	/* not in the archive yet */
			r->has_value = !sf_sql_isnull(a, 1);
			r->value = sf_sql_double(a, 1);
			r->qc = sf_sql_text(a, 2);
			return 1;
		}
		if ((a = stmt(x, ST_ASOF)) == NULL)
			return -2;
		sf_sql_bind_int(a, 1, s->id);
		sf_sql_bind_int(a, 2, r->t);
		sf_sql_bind_int(a, 3, x->q->as_of);
		rc = sf_sql_step(a);
		if (rc == SF_SQL_DONE)
			continue;	/* not in the archive yet */
		if (rc != SF_SQL_ROW)
			return dbfail(x, "reading obs_revisions");
		r->has_value = !sf_sql_isnull(a, 0);
		r->value = sf_sql_double(a, 0);
		c = sf_sql_text(a, 1);
		copy(x->qcbuf, sizeof(x->qcbuf), c);
		r->qc = c != NULL ? x->qcbuf : NULL;
		sf_sql_reset(a);
		return 1;
	}
}

/* Starts the scan of series s in the question's range. */
static struct sf_sql *
scan(struct q *x, const struct series *s, int desc)
{
	struct sf_sql *st;

	int64_t lo = x->q->has_start ? x->q->start : T_MIN;
	int64_t hi = x->q->has_end ? x->q->end : T_MAX;

	x->merge = 0;
	if (x->q->has_as_of && !desc) {
		if ((st = stmt(x, ST_ASOF_SCAN)) == NULL)
			return NULL;
		sf_sql_bind_int(st, 1, s->id);
		sf_sql_bind_int(st, 2, lo);
		sf_sql_bind_int(st, 3, hi);
		sf_sql_bind_int(st, 4, x->q->as_of);
		x->merge = 1;
		x->rev_state = 0;
	}
	if ((st = stmt(x, desc ? ST_OBS_DESC : ST_OBS)) == NULL)
		return NULL;
	sf_sql_bind_int(st, 1, s->id);
	sf_sql_bind_int(st, 2, lo);
	sf_sql_bind_int(st, 3, hi);
	return st;
}

/*
 * Ends the scan st: the revisions read beside it first, since on
 * PostgreSQL the scan that opened the read transaction ends it.
 */
static void
scan_end(struct q *x, struct sf_sql *st)
{
	if (x->merge) {
		sf_sql_reset(x->st[ST_ASOF_SCAN]);
		x->merge = 0;
	}
	if (x->hmerge) {
		sf_sql_reset(x->st[ST_HISTORY_SCAN]);
		x->hmerge = 0;
	}
	sf_sql_reset(st);
}

static void
obs_rec(struct q *x, const struct series *s, const struct row *r,
    struct sf_rec *rec, char nb[SF_NUM_LEN])
{
	sf_rec_clear(rec, SF_KIND_OBS);
	rec->f[SF_OBS_CONFIG] = x->config_out;
	rec->f[SF_OBS_STATION] = s->station;
	rec->f[SF_OBS_AGENCY] = s->agency;
	rec->f[SF_OBS_TYPE] = s->type;
	rec->f[SF_OBS_OBSERVED_AT] = fmt_time(x, r->t);
	if (r->has_value) {
		fmt_derived(r->value, s->factor, nb);
		rec->f[SF_OBS_DISCHARGE] = nb;
	}
	rec->f[SF_OBS_UNIT] = s->out_unit;
	rec->f[SF_OBS_QUALITY_CODE] = r->qc;
}

static int
do_obs(struct q *x, const struct series *s, int latest)
{
	char nb[SF_NUM_LEN];
	struct sf_rec rec;
	struct row r;
	struct sf_sql *st;
	int rc;

	if ((st = scan(x, s, latest)) == NULL)
		return -2;
	while ((rc = next_row(x, st, s, &r)) == 1) {
		obs_rec(x, s, &r, &rec, nb);
		if (put(x, &rec))
			break;
		if (latest)
			break;
	}
	scan_end(x, st);
	return rc < 0 ? rc : 0;
}

/* Puts the revision of rec's value whose columns start at c of h. */
static int
put_revision(struct q *x, const struct series *s, struct sf_sql *h, int c,
    struct sf_rec *rec)
{
	char lb[SF_TIME_LEN], rb[SF_TIME_LEN], nb[SF_NUM_LEN];

	rec->f[SF_REV_VALUE] = NULL;
	if (!sf_sql_isnull(h, c)) {
		fmt_derived(sf_sql_double(h, c), s->factor, nb);
		rec->f[SF_REV_VALUE] = nb;
	}
	rec->f[SF_REV_QUALITY_CODE] = sf_sql_text(h, c + 1);
	sf_time_format(sf_sql_int(h, c + 2), lb);
	sf_time_format(sf_sql_int(h, c + 3), rb);
	rec->f[SF_REV_LOADED_AT] = lb;
	rec->f[SF_REV_REPLACED_AT] = rb;
	return put(x, rec);
}

/* Moves the history scan h to its next row. Returns 0, or -2. */
static int
hist_step(struct q *x, struct sf_sql *h)
{
	int hc = sf_sql_step(h);

	if (hc == SF_SQL_ERROR)
		return dbfail(x, "reading obs_revisions");
	x->hist_state = hc == SF_SQL_ROW ? 1 : 2;
	if (hc == SF_SQL_ROW)
		x->hist_t = sf_sql_int(h, 0);
	return 0;
}

/*
 * Puts the replaced values of time t of series s. Returns 0, 1 when put
 * asked to stop, -2.
 */
static int
history_of(struct q *x, const struct series *s, int64_t t,
    struct sf_rec *rec)
{
	struct sf_sql *h;
	int hc;

	if (x->pg) {
		h = x->st[ST_HISTORY_SCAN];
		for (;;) {
			if (x->hist_state == 0 ||
			    (x->hist_state == 1 && x->hist_t < t)) {
				/* skips revisions of values not in the scan */
				if (hist_step(x, h) < 0)
					return -2;
				continue;
			}
			if (x->hist_state != 1 || x->hist_t != t)
				return 0;
			if (put_revision(x, s, h, 1, rec))
				return 1;
			if (hist_step(x, h) < 0)
				return -2;
		}
	}
	if ((h = stmt(x, ST_HISTORY)) == NULL)
		return -2;
	sf_sql_bind_int(h, 1, s->id);
	sf_sql_bind_int(h, 2, t);
	while ((hc = sf_sql_step(h)) == SF_SQL_ROW) {
		if (put_revision(x, s, h, 0, rec)) {
			sf_sql_reset(h);
			return 1;
		}
	}
	sf_sql_reset(h);
	return hc == SF_SQL_DONE ? 0 : dbfail(x, "reading obs_revisions");
}

static int
do_history(struct q *x, const struct series *s)
{
	char tb[SF_TIME_LEN], lb[SF_TIME_LEN];
	char nb[SF_NUM_LEN];
	struct sf_rec rec;
	struct sf_sql *st, *h;
	int64_t t;
	int rc, hc;

	if ((st = scan(x, s, 0)) == NULL)
		return -2;
	if (x->pg) {
		if ((h = stmt(x, ST_HISTORY_SCAN)) == NULL) {
			scan_end(x, st);
			return -2;
		}
		sf_sql_bind_int(h, 1, s->id);
		sf_sql_bind_int(h, 2, x->q->has_start ? x->q->start : T_MIN);
		sf_sql_bind_int(h, 3, x->q->has_end ? x->q->end : T_MAX);
		x->hmerge = 1;
		x->hist_state = 0;
	}
	while ((rc = sf_sql_step(st)) == SF_SQL_ROW) {
		t = sf_sql_int(st, 0);
		sf_rec_clear(&rec, SF_KIND_REVISION);
		sf_time_format(t, tb);
		rec.f[SF_REV_STATION] = s->station;
		rec.f[SF_REV_AGENCY] = s->agency;
		rec.f[SF_REV_TYPE] = s->type;
		rec.f[SF_REV_OBSERVED_AT] = tb;
		rec.f[SF_REV_UNIT] = s->out_unit;
		if ((hc = history_of(x, s, t, &rec)) == 1)
			goto out;
		if (hc < 0)
			goto fail;
		rec.f[SF_REV_VALUE] = NULL;
		if (!sf_sql_isnull(st, 1)) {
			fmt_derived(sf_sql_double(st, 1), s->factor, nb);
			rec.f[SF_REV_VALUE] = nb;
		}
		if (qc_of(x, st, 2, &rec.f[SF_REV_QUALITY_CODE]) != 0)
			goto fail;
		sf_time_format(sf_sql_int(st, 3), lb);
		rec.f[SF_REV_LOADED_AT] = lb;
		rec.f[SF_REV_REPLACED_AT] = NULL;
		if (put(x, &rec))
			goto out;
	}
	if (rc != SF_SQL_DONE) {
		dbfail(x, "reading obs");
		goto fail;
	}
out:
	scan_end(x, st);
	return 0;
fail:
	scan_end(x, st);
	return -2;
}

/* Puts the daily record of day d (days since 1970, local). */
static int
put_day(struct q *x, const struct series *s, int64_t d, double sum, long n)
{
	char db[SF_DATE_LEN], nb[SF_NUM_LEN], cb[SF_NUM_LEN];
	struct sf_rec rec;

	sf_rec_clear(&rec, SF_KIND_DAILY);
	sf_time_format_date(d * DAY, db);
	rec.f[SF_DAY_STATION] = s->station;
	rec.f[SF_DAY_AGENCY] = s->agency;
	rec.f[SF_DAY_TYPE] = s->type;
	rec.f[SF_DAY_DATE] = db;
	if (n > 0) {
		snprintf(nb, SF_NUM_LEN, "%.10g", sum / (double)n * s->factor);
		rec.f[SF_DAY_MEAN] = nb;
	}
	rec.f[SF_DAY_UNIT] = s->out_unit;
	snprintf(cb, sizeof(cb), "%ld", n);
	rec.f[SF_DAY_COUNT] = cb;
	return put(x, &rec);
}

/*
 * Daily means. A daily_mean series is already one value a day, stored at
 * midnight UTC of its date; instantaneous values are grouped by the
 * station's local standard day (t + offset).
 */
static int
do_daily(struct q *x, const struct series *s)
{
	struct row r;
	struct sf_sql *st;
	int64_t day = 0, d;
	double sum = 0;
	long n = 0;
	int rc, have = 0, off;

	off = strcmp(s->type, "daily_mean") == 0 ? 0 : s->offset;
	if ((st = scan(x, s, 0)) == NULL)
		return -2;
	while ((rc = next_row(x, st, s, &r)) == 1) {
		d = floordiv(r.t + off, DAY);
		if (have && d != day) {
			if (put_day(x, s, day, sum, n))
				break;
			sum = 0;
			n = 0;
		}
		day = d;
		have = 1;
		if (r.has_value) {
			sum += r.value;
			n++;
		}
	}
	scan_end(x, st);
	if (rc < 0)
		return rc;
	if (have && !x->stopped)
		put_day(x, s, day, sum, n);
	return 0;
}

static int
put_gap(struct q *x, const struct series *s, int64_t first, int64_t last,
    int64_t n)
{
	char fb[SF_TIME_LEN], lb[SF_TIME_LEN], nb[SF_NUM_LEN];
	struct sf_rec rec;

	sf_rec_clear(&rec, SF_KIND_GAP);
	sf_time_format(first, fb);
	sf_time_format(last, lb);
	snprintf(nb, sizeof(nb), "%lld", (long long)n);
	rec.f[SF_GAP_STATION] = s->station;
	rec.f[SF_GAP_AGENCY] = s->agency;
	rec.f[SF_GAP_TYPE] = s->type;
	rec.f[SF_GAP_FIRST_MISSING] = fb;
	rec.f[SF_GAP_LAST_MISSING] = lb;
	rec.f[SF_GAP_MISSING] = nb;
	return put(x, &rec);
}

/*
 * The interval of series s: a day for daily means, else the most common
 * step between the first values of the range (ties: the shorter).
 * Returns 0 with *step (0 when fewer than two values), or -2.
 */
static int
cadence(struct q *x, const struct series *s, int64_t *step)
{
	int64_t d[CADENCE_SAMPLE], prev = 0, best = 0;
	struct row r;
	struct sf_sql *st;
	int i, j, n = 0, have = 0, rc, cnt, bestcnt = 0;

	*step = 0;
	if (strcmp(s->type, "daily_mean") == 0) {
		*step = DAY;
		return 0;
	}
	if ((st = scan(x, s, 0)) == NULL)
		return -2;
	while (n < CADENCE_SAMPLE && (rc = next_row(x, st, s, &r)) == 1) {
		if (!r.has_value)
			continue;
		if (have)
			d[n++] = r.t - prev;
		prev = r.t;
		have = 1;
	}
	scan_end(x, st);
	if (n < CADENCE_SAMPLE && rc < 0)
		return rc;
	for (i = 0; i < n; i++) {
		for (cnt = 0, j = 0; j < n; j++)
			cnt += d[j] == d[i];
		if (cnt > bestcnt || (cnt == bestcnt && d[i] < best)) {
			best = d[i];
			bestcnt = cnt;
		}
	}
	*step = best;
	return 0;
}

/* Gaps: runs of instants the cadence expects between two values. */
static int
do_gaps(struct q *x, const struct series *s)
{
	struct row r;
	struct sf_sql *st;
	int64_t step, prev = 0, n;
	int rc, have = 0;

	if ((rc = cadence(x, s, &step)) < 0)
		return rc;
	if (step <= 0)
		return 0;
	if ((st = scan(x, s, 0)) == NULL)
		return -2;
	while ((rc = next_row(x, st, s, &r)) == 1) {
		if (!r.has_value)
			continue;	/* a missing value is a gap */
		if (have && r.t - prev > step) {
			n = (r.t - prev - 1) / step;
			if (put_gap(x, s, prev + step, prev + n * step, n))
				break;
		}
		prev = r.t;
		have = 1;
	}
	scan_end(x, st);
	return rc < 0 ? rc : 0;
}

static int
do_series(struct q *x, const char *station)
{
	struct series s;
	struct sf_err zerr;
	struct sf_sql *st;
	const char *tz;
	int rc = SF_SQL_DONE, r = 0, seen = 0;

	if ((st = stmt(x, ST_SERIES)) == NULL)
		return -2;
	sf_sql_bind_text(st, 1, station);
	sf_sql_bind_text(st, 2, x->q->agency);
	sf_sql_bind_text(st, 3, x->type);
	sf_sql_bind_text(st, 4, x->q->config);
	while (r == 0 && !x->stopped &&
	    (rc = sf_sql_step(st)) == SF_SQL_ROW) {
		seen = 1;
		memset(&s, 0, sizeof(s));
		s.id = sf_sql_int(st, 0);
		copy(s.station, sizeof(s.station), sf_sql_text(st, 1));
		copy(s.agency, sizeof(s.agency), sf_sql_text(st, 2));
		copy(s.type, sizeof(s.type), sf_sql_text(st, 3));
		copy(s.unit, sizeof(s.unit), sf_sql_text(st, 4));
		tz = sf_sql_text(st, 5);
		units_of(x->q, s.unit, &s.factor, &s.out_unit);
		if (x->q->what == SF_QUERY_DAILY &&
		    strcmp(s.type, "daily_mean") != 0) {
			if (tz == NULL)
				warn(x, "station '%s': no UTC offset known "
				    "(load its station record): daily means "
				    "are over UTC days%s", s.station, "");
			else if (sf_time_zone(tz, &s.offset, &zerr) == -1)
				warn(x, "station '%s': %s: daily means are "
				    "over UTC days", s.station, zerr.msg);
		}
		/*
		 * The series statement stays open while the series is read:
		 * SQLite allows that on one connection, and on PostgreSQL
		 * sf_sql holds its whole (small) result.
		 */
		switch (x->q->what) {
		case SF_QUERY_OBS:
			r = do_obs(x, &s, 0);
			break;
		case SF_QUERY_LATEST:
			r = do_obs(x, &s, 1);
			break;
		case SF_QUERY_REVISION:
			r = do_history(x, &s);
			break;
		case SF_QUERY_DAILY:
			r = do_daily(x, &s);
			break;
		case SF_QUERY_GAPS:
			r = do_gaps(x, &s);
			break;
		default:
			break;
		}
	}
	if (r == 0 && !x->stopped && rc != SF_SQL_DONE)
		r = dbfail(x, "reading obs_series");
	sf_sql_reset(st);
	if (r == 0 && !seen && station != NULL)
		warn(x, "station '%s': no observations in the archive%s",
		    station, "");
	return r;
}

/* 1 if s is a number as a REAL column's text reads (strtod, all of it). */
static int
is_number(const char *s)
{
	char *end;

	if (*s == '\0')
		return 0;
	(void)strtod(s, &end);
	return *end == '\0';
}

/*
 * Fills rec from a master_stations row (the columns of station_sql). A
 * numeric field holding something else (SQLite keeps text in a REAL
 * column when it is not a number) is written as it is.
 */
static void
station_rec(struct sf_sql *st, struct sf_rec *rec,
    char num[SF_ST_NFIELDS][SF_NUM_LEN])
{
	const struct sf_kind_info *ki = sf_kind_info(SF_KIND_STATION);
	const char *v;
	int i;

	sf_rec_clear(rec, SF_KIND_STATION);
	for (i = 0; i < ki->nfields; i++) {
		if ((v = sf_sql_text(st, i)) == NULL)
			continue;
		if (ki->types[i] == SF_FT_BOOL)
			rec->f[i] = sf_sql_int(st, i) != 0 ? "true" : "false";
		else if (ki->types[i] == SF_FT_NUM && is_number(v)) {
			sf_str_fmt_double(sf_sql_double(st, i), num[i]);
			rec->f[i] = num[i];
		} else
			rec->f[i] = v;
	}
}

static int
do_stations(struct q *x, const char *station)
{
	char num[SF_ST_NFIELDS][SF_NUM_LEN];
	struct sf_rec rec;
	struct sf_sql *st;
	int rc;

	if ((st = stmt(x, ST_STATION)) == NULL)
		return -2;
	sf_sql_bind_text(st, 1, station);
	sf_sql_bind_text(st, 2, x->q->agency);
	sf_sql_bind_text(st, 3, x->q->config);
	while ((rc = sf_sql_step(st)) == SF_SQL_ROW) {
		station_rec(st, &rec, num);
		if (put(x, &rec))
			break;
	}
	if (!x->stopped && rc != SF_SQL_DONE)
		return dbfail(x, "reading master_stations");
	sf_sql_reset(st);
	return 0;
}

/* The points of forecast run id (the current row of runs). */
static int
do_points(struct q *x, struct sf_sql *runs)
{
	char sb[SF_TIME_LEN], eb[SF_TIME_LEN];
	char nb[SF_NUM_LEN], gb[SF_NUM_LEN];
	const char *out_unit;
	struct sf_rec rec;
	struct sf_sql *st;
	double factor;
	int i, rc;

	if ((st = stmt(x, ST_POINTS)) == NULL)
		return -2;
	sf_sql_bind_int(st, 1, sf_sql_int(runs, 0));
	if (x->q->has_start) {
		sf_time_format(x->q->start, sb);
		sf_sql_bind_text(st, 2, sb);
	}
	if (x->q->has_end) {
		sf_time_format(x->q->end, eb);
		sf_sql_bind_text(st, 3, eb);
	}
	units_of(x->q, sf_sql_text(runs, 7), &factor, &out_unit);
	sf_rec_clear(&rec, SF_KIND_FORECAST);
	rec.f[SF_FC_CONFIG] = x->config_out;
	for (i = 0; i < 6; i++)
		rec.f[SF_FC_STATION + i] = sf_sql_text(runs, 1 + i);
	rec.f[SF_FC_UNIT] = out_unit;
	rec.f[SF_FC_STAGE_UNIT] = sf_sql_text(runs, 8);
	while ((rc = sf_sql_step(st)) == SF_SQL_ROW) {
		rec.f[SF_FC_VALID_AT] = sf_sql_text(st, 0);
		rec.f[SF_FC_DISCHARGE] = NULL;
		rec.f[SF_FC_STAGE] = NULL;
		if (!sf_sql_isnull(st, 1)) {
			fmt_derived(sf_sql_double(st, 1), factor, nb);
			rec.f[SF_FC_DISCHARGE] = nb;
		}
		if (!sf_sql_isnull(st, 2)) {
			sf_str_fmt_double(sf_sql_double(st, 2), gb);
			rec.f[SF_FC_STAGE] = gb;
		}
		if (put(x, &rec))
			break;
	}
	if (!x->stopped && rc != SF_SQL_DONE)
		return dbfail(x, "reading forecast_runs");
	sf_sql_reset(st);
	return 0;
}

static int
do_forecasts(struct q *x, const char *station)
{
	char ab[SF_TIME_LEN], rb[SF_TIME_LEN];
	struct sf_sql *st;
	int rc = SF_SQL_DONE, r = 0;

	if ((st = stmt(x, ST_RUNS)) == NULL)
		return -2;
	sf_sql_bind_text(st, 1, station);
	sf_sql_bind_text(st, 2, x->q->agency);
	sf_sql_bind_text(st, 3, x->source);
	sf_sql_bind_text(st, 4, x->q->config);
	sf_sql_bind_text(st, 5, x->q->member);
	if (x->q->has_as_of) {
		sf_time_format(x->q->as_of, ab);
		sf_sql_bind_text(st, 6, ab);
	}
	sf_sql_bind_int(st, 7, x->q->run == SF_QUERY_RUN_ALL ? 0 :
	    x->q->run == SF_QUERY_RUN_LATEST ? 1 : 2);
	sf_time_format(x->q->run_at, rb);
	sf_sql_bind_text(st, 8, rb);
	while (r == 0 && !x->stopped && (rc = sf_sql_step(st)) == SF_SQL_ROW)
		r = do_points(x, st);
	if (r == 0 && !x->stopped && rc != SF_SQL_DONE)
		r = dbfail(x, "reading forecast_runs");
	sf_sql_reset(st);
	return r;
}

/* Checks the question; takes the configuration's type and source. */
static int
check(struct q *x)
{
	const struct sf_query *q = x->q;
	struct sf_sql *st;
	const char *t;
	int rc;

	if (q->put == NULL)
		return sf_err_set(x->err, "no callback for the records");
	if (q->agency != NULL && strcmp(q->agency, "USGS") != 0 &&
	    strcmp(q->agency, "EC") != 0)
		return sf_err_set(x->err, "agency '%s': not USGS or EC",
		    q->agency);
	if (q->type != NULL && strcmp(q->type, "daily_mean") != 0 &&
	    strcmp(q->type, "realtime_15min") != 0)
		return sf_err_set(x->err, "type '%s': not daily_mean or "
		    "realtime_15min", q->type);
	if (q->units != NULL && strcmp(q->units, "cfs") != 0 &&
	    strcmp(q->units, "cms") != 0)
		return sf_err_set(x->err, "units '%s': not cfs or cms",
		    q->units);
	if (q->has_start && q->has_end && q->start > q->end)
		return sf_err_set(x->err, "start is after end");
	if (q->config == NULL)
		return 0;
	if ((st = stmt(x, ST_CONFIG)) == NULL)
		return -2;
	sf_sql_bind_text(st, 1, q->config);
	rc = sf_sql_step(st);
	if (rc == SF_SQL_DONE)
		return sf_err_set(x->err, "configuration '%s': not defined",
		    q->config);
	if (rc != SF_SQL_ROW)
		return dbfail(x, "reading pull_configurations");
	t = sf_sql_text(st, 0);
	if (x->type == NULL && t != NULL && strcmp(t, "daily_mean") == 0)
		x->type = "daily_mean";
	else if (x->type == NULL && t != NULL &&
	    strcmp(t, "realtime_15min") == 0)
		x->type = "realtime_15min";
	t = sf_sql_text(st, 2);
	if (x->source == NULL && t != NULL) {
		snprintf(x->srcbuf, sizeof(x->srcbuf), "%s", t);
		x->source = x->srcbuf;
	}
	sf_sql_reset(st);
	return 0;
}

int
sf_query_run(struct sf_db *db, const struct sf_query *q, struct sf_err *err)
{
	struct q x;
	size_t i, n;
	int r, k;

	memset(&x, 0, sizeof(x));
	x.db = db;
	x.q = q;
	x.err = err;
	x.pg = sf_db_engine(db) == SF_DB_POSTGRESQL;
	x.config_out = q->config;
	x.type = q->type;
	x.source = q->source;
	x.st = q->stmts != NULL ? q->stmts->st : x.own;
	sf_buf_init(&x.qcb);
	if ((r = check(&x)) != 0)
		goto out;
	n = q->nstations > 0 ? q->nstations : 1;
	for (r = 0, i = 0; r == 0 && !x.stopped && i < n; i++) {
		const char *s = q->nstations > 0 ? q->stations[i] : NULL;

		switch (q->what) {
		case SF_QUERY_STATION:
			r = do_stations(&x, s);
			break;
		case SF_QUERY_FORECAST:
			r = do_forecasts(&x, s);
			break;
		default:
			r = do_series(&x, s);
		}
	}
	if (r != 0)
		r = -2;
	else if (x.stopped)
		r = 1;
out:
	sf_buf_release(&x.qcb);
	for (k = 0; k < ST_COUNT; k++) {
		if (q->stmts == NULL) {
			sf_sql_finalize(x.own[k]);
		} else if (x.st[k] != NULL) {
			sf_sql_reset(x.st[k]);
			sf_sql_clear(x.st[k]);
		}
	}
	return r;
}

struct sf_query_stmts *
sf_query_stmts_new(void)
{
	return sf_calloc(1, sizeof(struct sf_query_stmts));
}

void
sf_query_stmts_free(struct sf_query_stmts *qs)
{
	int k;

	if (qs == NULL)
		return;
	for (k = 0; k < ST_COUNT; k++)
		sf_sql_finalize(qs->st[k]);
	free(qs);
}
