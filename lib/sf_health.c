/*
 * sf_health: reads pull_configurations, pull_configuration_stations,
 * pull_station_progress, data_pull_logs and the archive, and judges each
 * station against its configuration's schedule (sf_sched).
 *
 * Times are read with sf_time_parse, so a time kept as a date or with an
 * offset compares right; one that does not parse counts as missing.
 */
#include <stdlib.h>
#include <string.h>

#include "sf_err.h"
#include "sf_health.h"
#include "sf_mem.h"
#include "sf_plan.h"
#include "sf_sched.h"
#include "sf_sql.h"
#include "sf_time.h"
#include "sf.h"

static const char names_sql[] =
    "SELECT name FROM pull_configurations ORDER BY name";

/*
 * PostgreSQL sorts names and station numbers bytewise (COLLATE "C"), as
 * SQLite's BINARY does, so the report reads the same on both engines
 * whatever the database's collation.
 */
static const char names_pgsql[] =
    "SELECT name FROM pull_configurations ORDER BY name COLLATE \"C\"";

static const char conf_sql[] =
    "SELECT id, data_type, source, is_enabled, schedule_type, "
    "schedule_value, created_at, stale_after_seconds "
    "FROM pull_configurations WHERE name = ?1";

static const char stations_sql[] =
    "SELECT s.station_number, s.is_enabled, p.last_successful_pull_date, "
    "coalesce(p.consecutive_failures, 0), p.last_attempt_at, "
    "p.last_error, p.last_error_at, p.last_success_at "
    "FROM pull_configuration_stations s "
    "LEFT JOIN pull_station_progress p "
    "ON p.config_id = s.config_id AND p.station_number = s.station_number "
    "WHERE s.config_id = ?1 ORDER BY s.station_number";

static const char stations_pgsql[] =
    "SELECT s.station_number, s.is_enabled, p.last_successful_pull_date, "
    "coalesce(p.consecutive_failures, 0), p.last_attempt_at, "
    "p.last_error, p.last_error_at, p.last_success_at "
    "FROM pull_configuration_stations s "
    "LEFT JOIN pull_station_progress p "
    "ON p.config_id = s.config_id AND p.station_number = s.station_number "
    "WHERE s.config_id = ?1 ORDER BY s.station_number COLLATE \"C\"";

static const char obs_sql[] =
    "SELECT max(o.t), count(o.t) FROM stations s "
    "JOIN obs_series r ON r.station_id = s.id "
    "JOIN obs o ON o.series = r.id "
    "WHERE s.station_number = ?1 AND r.type = ?2";

/* PostgreSQL keeps the seed's table; its newest value as seconds. */
static const char obs_pgsql[] =
    "SELECT extract(epoch FROM max(o.observed_at))::bigint, "
    "count(o.observed_at) FROM stations s "
    "JOIN discharge_observations o ON o.station_id = s.id "
    "WHERE s.station_number = ?1 AND o.type = ?2";

static const char fcst_sql[] =
    "SELECT max(f.run_date), count(f.id) FROM stations s "
    "JOIN forecast_runs f ON f.station_id = s.id "
    "WHERE s.station_number = ?1 AND (?2 IS NULL OR f.source = ?2)";

static const char fcst_pgsql[] =
    "SELECT max(f.run_date), count(f.id) FROM stations s "
    "JOIN forecast_runs f ON f.station_id = s.id "
    "WHERE s.station_number = ?1 "
    "AND (?2::text IS NULL OR f.source = ?2::text)";

/* The first failure of the station's current run of failures. */
static const char streak_sql[] =
    "SELECT start_time FROM data_pull_logs "
    "WHERE config_id = ?1 AND station_number = ?2 AND status = 'failed' "
    "ORDER BY start_time DESC, id DESC LIMIT 1 OFFSET ?3";

/*
 * PostgreSQL: the time as the server writes it, fractions of a second
 * and all, so that success_sql compares it with the rows it came from.
 */
static const char streak_pgsql[] =
    "SELECT start_time::text FROM data_pull_logs "
    "WHERE config_id = ?1 AND station_number = ?2 AND status = 'failed' "
    "ORDER BY start_time DESC, id DESC LIMIT 1 OFFSET ?3::bigint";

/* The newest run before it in which the station did not fail. */
static const char success_sql[] =
    "SELECT max(l.start_time) FROM data_pull_logs l "
    "WHERE l.config_id = ?1 AND l.station_number IS NULL "
    "AND l.status IN ('success', 'partial') AND l.start_time < ?3 "
    "AND NOT EXISTS (SELECT 1 FROM data_pull_logs f "
    "WHERE f.config_id = ?1 AND f.station_number = ?2 "
    "AND f.start_time = l.start_time)";

static const char success_pgsql[] =
    "SELECT max(l.start_time) FROM data_pull_logs l "
    "WHERE l.config_id = ?1::integer AND l.station_number IS NULL "
    "AND l.status IN ('success', 'partial') "
    "AND l.start_time < ?3::timestamptz "
    "AND NOT EXISTS (SELECT 1 FROM data_pull_logs f "
    "WHERE f.config_id = ?1::integer AND f.station_number = ?2::text "
    "AND f.start_time = l.start_time)";

static const char prune_sql[] =
    "DELETE FROM data_pull_logs WHERE start_time < ?1";

static const char prune_pgsql[] =
    "DELETE FROM data_pull_logs WHERE start_time < ?1::timestamptz";

static const char *const state_names[] = {
	"ok", "never", "stale", "failing", "broken", "disabled"
};

const char *
sf_health_state_name(enum sf_health_state s)
{
	return state_names[s];
}

/* Column i of st as a time, or -1 when NULL or not a time. */
static int64_t
column_time(struct sf_sql *st, int i)
{
	const char *s = sf_sql_text(st, i);
	int64_t t;

	if (s == NULL || sf_time_parse(s, &t, NULL) == -1)
		return -1;
	return t;
}

static char *
column_dup(struct sf_sql *st, int i)
{
	const char *s = sf_sql_text(st, i);

	return s == NULL ? NULL : sf_strdup(s);
}

int
sf_health_names(struct sf_db *db, char ***names, size_t *n,
    struct sf_err *err)
{
	struct sf_sql *st;
	int rc;

	*names = NULL;
	*n = 0;
	if ((st = sf_sql_prepare(db, names_sql, names_pgsql, 0, err)) == NULL)
		return -1;
	while ((rc = sf_sql_step(st)) == SF_SQL_ROW) {
		*names = sf_realloc(*names, (*n + 1) * sizeof(**names));
		(*names)[(*n)++] = column_dup(st, 0);
	}
	sf_sql_finalize(st);
	if (rc != SF_SQL_DONE)
		return sf_db_fail(db, "reading configurations", err);
	return 0;
}

/*
 * The last success of s from data_pull_logs (see sf_health.h) into *t,
 * -1 when the logs no longer hold it. Returns 0, or -1 with err.
 */
static int
success_from_logs(struct sf_db *db, int64_t id,
    const struct sf_health_station *s, int64_t *t, struct sf_err *err)
{
	struct sf_sql *st;
	char *first = NULL;
	int rc;

	*t = -1;
	if ((st = sf_sql_prepare(db, streak_sql, streak_pgsql, 0,
	    err)) == NULL)
		return -1;
	sf_sql_bind_int(st, 1, id);
	sf_sql_bind_text(st, 2, s->station);
	sf_sql_bind_int(st, 3, s->failures > 0 ? s->failures - 1 : 0);
	rc = sf_sql_step(st);
	if (rc == SF_SQL_ROW)
		first = column_dup(st, 0);
	sf_sql_finalize(st);
	if (rc != SF_SQL_ROW && rc != SF_SQL_DONE)
		return sf_db_fail(db, "reading data_pull_logs", err);
	if (first == NULL)
		return 0;
	if ((st = sf_sql_prepare(db, success_sql, success_pgsql, 0,
	    err)) == NULL) {
		free(first);
		return -1;
	}
	sf_sql_bind_int(st, 1, id);
	sf_sql_bind_text(st, 2, s->station);
	sf_sql_bind_text(st, 3, first);
	rc = sf_sql_step(st);
	if (rc == SF_SQL_ROW)
		*t = column_time(st, 0);
	sf_sql_finalize(st);
	free(first);
	if (rc != SF_SQL_ROW)
		return sf_db_fail(db, "reading data_pull_logs", err);
	return 0;
}

/* The newest data and the row count of s into it. Returns 0 or -1. */
static int
data_of(struct sf_db *db, struct sf_sql *st, int forecast,
    struct sf_health_station *s, struct sf_err *err)
{
	int rc;

	sf_sql_bind_text(st, 1, s->station);
	rc = sf_sql_step(st);
	if (rc == SF_SQL_ROW) {
		if (forecast)
			s->newest = column_time(st, 0);
		else if (sf_sql_isnull(st, 0))
			s->newest = -1;
		else
			s->newest = sf_sql_int(st, 0);
		s->rows = sf_sql_int(st, 1);
	}
	sf_sql_reset(st);
	if (rc != SF_SQL_ROW)
		return sf_db_fail(db, "reading the archive", err);
	return 0;
}

static void
judge(const struct sf_health *h, const struct sf_health_opts *o,
    int64_t created, struct sf_health_station *s)
{
	int64_t limit = o->now - h->allowance;

	s->breaker_open = s->failures >= o->max_failures;
	if (s->breaker_open)
		s->next_probe = (s->last_error_at >= 0 ? s->last_error_at :
		    o->now) + sf_plan_cooldown(s->failures, o->max_failures);
	/* Failing or broken is said as such, not also as stale. */
	if (h->enabled && s->enabled && s->failures == 0) {
		if (s->newest >= 0)
			s->stale = s->newest < limit;
		else
			s->stale = created < 0 || created < limit;
	}
	if (!h->enabled || !s->enabled)
		s->state = SF_HEALTH_DISABLED;
	else if (s->breaker_open)
		s->state = SF_HEALTH_BROKEN;
	else if (s->failures > 0)
		s->state = SF_HEALTH_FAILING;
	else if (s->stale)
		s->state = SF_HEALTH_STALE;
	else if (s->last_success < 0)
		s->state = SF_HEALTH_NEVER;
	else
		s->state = SF_HEALTH_OK;
}

int64_t
sf_health_allowance(const char *type)
{
	if (type != NULL && strcmp(type, "daily_mean") == 0)
		return 3 * 86400;
	if (type != NULL && strcmp(type, "realtime_15min") == 0)
		return 6 * 3600;
	return 2 * 86400;	/* forecasts: the newest run */
}

/* The third run of sc before now, or -1. */
static int64_t
third_run_before(const struct sf_sched *sc, int64_t now)
{
	int64_t t = now;
	int i;

	for (i = 0; i < 3 && t != -1; i++)
		t = sf_sched_prev(sc, t);
	return t;
}

/*
 * Reads the configuration's row into h. Returns 0, 1 when there is none,
 * -1 with err; sets *id, *created and *forecast.
 */
static int
conf_read(struct sf_db *db, const char *name,
    const struct sf_health_opts *o, struct sf_health *h, int64_t *id,
    int64_t *created, int *forecast, struct sf_err *err)
{
	struct sf_sched sc;
	struct sf_sql *st;
	const char *dtype, *stype;
	int rc, r = 0;

	if ((st = sf_sql_prepare(db, conf_sql, NULL, 0, err)) == NULL)
		return -1;
	sf_sql_bind_text(st, 1, name);
	rc = sf_sql_step(st);
	if (rc != SF_SQL_ROW) {
		r = rc == SF_SQL_DONE ? 1 :
		    sf_db_fail(db, "reading configurations", err);
		sf_sql_finalize(st);
		return r;
	}
	*id = sf_sql_int(st, 0);
	dtype = sf_sql_text(st, 1);
	*forecast = dtype != NULL && strcmp(dtype, "forecast") == 0;
	if (*forecast && !sf_sql_isnull(st, 2))
		h->type = column_dup(st, 2);
	else
		h->type = column_dup(st, 1);
	h->enabled = sf_sql_int(st, 3) != 0;
	stype = sf_sql_text(st, 4);
	if (stype == NULL || strcmp(stype, "manual") != 0)
		h->schedule = column_dup(st, 5);
	*created = column_time(st, 6);
	h->allowance = sf_health_allowance(*forecast ? "forecast" : dtype);
	if (!sf_sql_isnull(st, 7) && sf_sql_int(st, 7) > 0)
		h->allowance = sf_sql_int(st, 7);
	sf_sql_finalize(st);
	h->due = -1;
	if (h->schedule != NULL) {
		if (sf_sched_parse(h->schedule, &sc, &h->sched_err) == -1)
			h->bad_schedule = 1;
		else {
			h->interval = sc.kind == SF_SCHED_INTERVAL;
			h->due = third_run_before(&sc, o->now);
		}
	}
	return 0;
}

int
sf_health_get(struct sf_db *db, const char *name,
    const struct sf_health_opts *o, struct sf_health *h, struct sf_err *err)
{
	struct sf_health_station *s;
	struct sf_sql *st, *data = NULL;
	int64_t id = 0;
	int64_t created = -1;
	int forecast = 0, rc, r;

	memset(h, 0, sizeof(*h));
	h->config = sf_strdup(name);
	if ((r = conf_read(db, name, o, h, &id, &created, &forecast,
	    err)) != 0)
		return r;
	if (forecast)
		data = sf_sql_prepare(db, fcst_sql, fcst_pgsql, 0, err);
	else
		data = sf_sql_prepare(db, obs_sql, obs_pgsql, 0, err);
	if (data == NULL)
		return -1;
	if (forecast && strcmp(h->type, "forecast") == 0)
		sf_sql_bind_null(data, 2);
	else
		sf_sql_bind_text(data, 2, h->type);
	if ((st = sf_sql_prepare(db, stations_sql, stations_pgsql, 0,
	    err)) == NULL) {
		sf_sql_finalize(data);
		return -1;
	}
	sf_sql_bind_int(st, 1, id);
	while ((rc = sf_sql_step(st)) == SF_SQL_ROW) {
		h->st = sf_realloc(h->st, (h->nst + 1) * sizeof(*h->st));
		s = &h->st[h->nst++];
		memset(s, 0, sizeof(*s));
		s->station = column_dup(st, 0);
		s->enabled = sf_sql_int(st, 1) != 0;
		s->failures = sf_sql_int(st, 3);
		s->last_attempt = column_time(st, 4);
		s->last_error = column_dup(st, 5);
		s->last_error_at = column_time(st, 6);
		s->last_success = -1;
		s->next_probe = -1;
		if (!sf_sql_isnull(st, 7))
			s->last_success = column_time(st, 7);
		else if (sf_sql_isnull(st, 2))
			;	/* no success yet */
		else if (s->last_error_at < 0 ||
		    s->last_attempt > s->last_error_at)
			s->last_success = s->last_attempt;
		else if ((r = success_from_logs(db, id, s, &s->last_success,
		    err)) == -1)
			break;
		if ((r = data_of(db, data, forecast, s, err)) == -1)
			break;
		judge(h, o, created, s);
	}
	if (r == 0 && rc != SF_SQL_DONE)
		r = sf_db_fail(db, "reading stations", err);
	sf_sql_finalize(st);
	sf_sql_finalize(data);
	return r;
}

void
sf_health_release(struct sf_health *h)
{
	size_t i;

	for (i = 0; i < h->nst; i++) {
		free(h->st[i].station);
		free(h->st[i].last_error);
	}
	free(h->st);
	free(h->config);
	free(h->type);
	free(h->schedule);
	memset(h, 0, sizeof(*h));
}

int
sf_health_prune(struct sf_db *db, int64_t before, long long *n,
    struct sf_err *err)
{
	struct sf_sql *st;
	char t[SF_TIME_LEN];
	int r = 0;

	*n = 0;
	if ((st = sf_sql_prepare(db, prune_sql, prune_pgsql, 0, err)) == NULL)
		return -1;
	sf_time_format(before, t);
	sf_sql_bind_text(st, 1, t);
	if (sf_sql_step(st) != SF_SQL_DONE)
		r = sf_db_fail(db, "pruning data_pull_logs", err);
	else
		*n = sf_sql_changes(st);
	sf_sql_finalize(st);
	return r;
}

static const char runs_sql[] =
    "SELECT c.name, l.status, l.start_time, l.end_time, l.station_number, "
    "l.error_message, l.records_processed, l.inserted, l.updated, "
    "l.unchanged, l.rejected FROM data_pull_logs l "
    "JOIN pull_configurations c ON c.id = l.config_id "
    "WHERE (?1 IS NULL OR c.name = ?1) AND (?2 IS NULL OR l.start_time >= ?2) "
    "ORDER BY l.start_time DESC, l.id DESC LIMIT ?3";

static const char runs_pgsql[] =
    "SELECT c.name, l.status, l.start_time, l.end_time, l.station_number, "
    "l.error_message, l.records_processed, l.inserted, l.updated, "
    "l.unchanged, l.rejected FROM data_pull_logs l "
    "JOIN pull_configurations c ON c.id = l.config_id "
    "WHERE (?1::text IS NULL OR c.name = ?1::text) "
    "AND (?2::timestamptz IS NULL OR l.start_time >= ?2::timestamptz) "
    "ORDER BY l.start_time DESC, l.id DESC LIMIT ?3::bigint";

static long long
column_ll(struct sf_sql *st, int i)
{
	return sf_sql_isnull(st, i) ? -1 : sf_sql_int(st, i);
}

int
sf_health_runs(struct sf_db *db, const char *config, int64_t since,
    int has_since, long long limit,
    int (*put)(void *arg, const struct sf_health_run *r), void *arg,
    struct sf_err *err)
{
	struct sf_health_run r;
	char t[SF_TIME_LEN];
	struct sf_sql *st;
	int rc, stop = 0;

	if ((st = sf_sql_prepare(db, runs_sql, runs_pgsql, 0, err)) == NULL)
		return -1;
	if (has_since)
		sf_time_format(since, t);
	if (sf_sql_bind_text(st, 1, config) != 0 ||
	    sf_sql_bind_text(st, 2, has_since ? t : NULL) != 0 ||
	    sf_sql_bind_int(st, 3, limit) != 0) {
		sf_sql_finalize(st);
		return sf_db_fail(db, "reading data_pull_logs", err);
	}
	while ((rc = sf_sql_step(st)) == SF_SQL_ROW) {
		r.config = sf_sql_text(st, 0);
		r.status = sf_sql_text(st, 1);
		r.start = sf_sql_text(st, 2);
		r.end = sf_sql_text(st, 3);
		r.station = sf_sql_text(st, 4);
		r.error = sf_sql_text(st, 5);
		r.records = column_ll(st, 6);
		r.inserted = column_ll(st, 7);
		r.updated = column_ll(st, 8);
		r.unchanged = column_ll(st, 9);
		r.rejected = column_ll(st, 10);
		if (put(arg, &r) != 0) {
			stop = 1;
			break;
		}
	}
	if (!stop && rc != SF_SQL_DONE) {
		sf_db_fail(db, "reading data_pull_logs", err);
		sf_sql_finalize(st);
		return -1;
	}
	sf_sql_finalize(st);
	return stop;
}
