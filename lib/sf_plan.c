/*
 * sf_plan: planning Smart Append requests from pull_configurations,
 * pull_configuration_stations and pull_station_progress, and clearing
 * progress.
 *
 * Start times are normalised through sf_time, so a pull_start_date kept
 * as a date ("1900-01-01") and one kept as an instant read the same in the
 * requests.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sf_err.h"
#include "sf_id.h"
#include "sf_mem.h"
#include "sf_plan.h"
#include "sf_sql.h"
#include "sf_time.h"
#include "sf.h"

static const char conf_sql[] =
    "SELECT id, data_type, data_strategy, pull_start_date, is_enabled, "
    "agency, source, revision_window_days FROM pull_configurations "
    "WHERE name = ?1";

static const char stations_sql[] =
    "SELECT s.station_number, p.last_successful_pull_date, "
    "coalesce(p.consecutive_failures, 0), p.last_error_at, "
    "p.last_revision_pass_at, p.created_at "
    "FROM pull_configuration_stations s "
    "LEFT JOIN pull_station_progress p "
    "ON p.config_id = s.config_id AND p.station_number = s.station_number "
    "WHERE s.config_id = ?1 AND s.is_enabled "
    "ORDER BY s.station_number";

/*
 * PostgreSQL: is_enabled is an integer, not a truth value; station
 * numbers sort bytewise (COLLATE "C") as SQLite's BINARY sorts them, so
 * the plan reads the same whatever the database's collation.
 */
static const char stations_pgsql[] =
    "SELECT s.station_number, p.last_successful_pull_date, "
    "coalesce(p.consecutive_failures, 0), p.last_error_at, "
    "p.last_revision_pass_at, p.created_at "
    "FROM pull_configuration_stations s "
    "LEFT JOIN pull_station_progress p "
    "ON p.config_id = s.config_id AND p.station_number = s.station_number "
    "WHERE s.config_id = ?1 AND s.is_enabled <> 0 "
    "ORDER BY s.station_number COLLATE \"C\"";

static const char progress_sql[] =
    "SELECT c.name, x.station_number, p.last_successful_pull_date, "
    "coalesce(p.consecutive_failures, 0), p.last_attempt_at, "
    "p.last_error_at, p.last_error "
    "FROM pull_configurations c "
    "JOIN (SELECT config_id, station_number "
    "FROM pull_configuration_stations "
    "UNION SELECT config_id, station_number FROM pull_station_progress) x "
    "ON x.config_id = c.id "
    "LEFT JOIN pull_station_progress p "
    "ON p.config_id = x.config_id AND p.station_number = x.station_number "
    "WHERE ?1 IS NULL OR c.name = ?1 "
    "ORDER BY c.name, x.station_number";

/* PostgreSQL: the name's type said, and SQLite's bytewise order. */
static const char progress_pgsql[] =
    "SELECT c.name, x.station_number, p.last_successful_pull_date, "
    "coalesce(p.consecutive_failures, 0), p.last_attempt_at, "
    "p.last_error_at, p.last_error "
    "FROM pull_configurations c "
    "JOIN (SELECT config_id, station_number "
    "FROM pull_configuration_stations "
    "UNION SELECT config_id, station_number FROM pull_station_progress) x "
    "ON x.config_id = c.id "
    "LEFT JOIN pull_station_progress p "
    "ON p.config_id = x.config_id AND p.station_number = x.station_number "
    "WHERE ?1::text IS NULL OR c.name = ?1::text "
    "ORDER BY c.name COLLATE \"C\", x.station_number COLLATE \"C\"";

static const char conf_id_sql[] =
    "SELECT id FROM pull_configurations WHERE name = ?1";

static const char has_station_sql[] =
    "SELECT 1 FROM pull_configuration_stations "
    "WHERE config_id = ?1 AND station_number = ?2 "
    "UNION ALL SELECT 1 FROM pull_station_progress "
    "WHERE config_id = ?1 AND station_number = ?2";

static const char reset_sql[] =
    "DELETE FROM pull_station_progress "
    "WHERE config_id = ?1 AND (?2 IS NULL OR station_number = ?2)";

static const char reset_pgsql[] =
    "DELETE FROM pull_station_progress "
    "WHERE config_id = ?1::integer "
    "AND (?2::text IS NULL OR station_number = ?2::text)";

static const char reset_failures_sql[] =
    "UPDATE pull_station_progress SET consecutive_failures = 0, "
    "last_error = NULL, updated_at = ?3 "
    "WHERE config_id = ?1 AND (?2 IS NULL OR station_number = ?2) "
    "AND (consecutive_failures != 0 OR last_error IS NOT NULL)";

static const char reset_failures_pgsql[] =
    "UPDATE pull_station_progress SET consecutive_failures = 0, "
    "last_error = NULL, updated_at = ?3::timestamptz "
    "WHERE config_id = ?1::integer "
    "AND (?2::text IS NULL OR station_number = ?2::text) "
    "AND (consecutive_failures <> 0 OR last_error IS NOT NULL)";

/* A copy of column i of st, or NULL. */
static char *
column_dup(struct sf_sql *st, int i)
{
	const char *s = sf_sql_text(st, i);

	return s == NULL ? NULL : sf_strdup(s);
}

/* s, a date or an instant, as an instant into out; 0 or -1. */
static int
start_of(const char *s, char out[SF_TIME_LEN], struct sf_err *err)
{
	int64_t t;

	if (s == NULL || sf_time_parse(s, &t, err) == -1)
		return -1;
	sf_time_format(t, out);
	return 0;
}

static struct sf_plan_item *
item_add(struct sf_plan_item **v, size_t *n, const char *station,
    const char *agency, const char *start, long long failures)
{
	struct sf_plan_item *it;

	*v = sf_realloc(*v, (*n + 1) * sizeof(**v));
	it = &(*v)[(*n)++];
	memset(it, 0, sizeof(*it));
	it->station = sf_strdup(station);
	it->agency = agency == NULL ? NULL : sf_strdup(agency);
	it->start = sf_strdup(start);
	it->failures = failures;
	return it;
}

int64_t
sf_plan_cooldown(long long failures, long long max_failures)
{
	int64_t t = SF_PLAN_COOLDOWN;
	long long i;

	for (i = max_failures; i < failures && t < SF_PLAN_COOLDOWN_MAX; i++)
		t *= 2;
	return t < SF_PLAN_COOLDOWN_MAX ? t : SF_PLAN_COOLDOWN_MAX;
}

/*
 * Reads the configuration's row into p. Returns 0, 1 when there is none,
 * -1 with err. *id, *first (the pull start as an instant) and *overwrite
 * are set on 0.
 */
static int
conf_read(struct sf_db *db, const char *name, struct sf_plan *p,
    int64_t *id, char first[SF_TIME_LEN], int *overwrite,
    int *forecast, long long *window, struct sf_err *err)
{
	struct sf_sql *st;
	const char *dtype, *strategy, *start;
	struct sf_err e;
	int rc, r = 0;

	if ((st = sf_sql_prepare(db, conf_sql, NULL, 0, err)) == NULL)
		return -1;
	sf_sql_bind_text(st, 1, name);
	rc = sf_sql_step(st);
	if (rc == SF_SQL_DONE) {
		r = 1;
		goto out;
	}
	if (rc != SF_SQL_ROW) {
		r = sf_db_fail(db, "reading configurations", err);
		goto out;
	}
	*id = sf_sql_int(st, 0);
	dtype = sf_sql_text(st, 1);
	strategy = sf_sql_text(st, 2);
	start = sf_sql_text(st, 3);
	p->enabled = sf_sql_int(st, 4) != 0;
	p->agency = column_dup(st, 5);
	*overwrite = strategy != NULL && strcmp(strategy, "overwrite") == 0;
	*forecast = dtype != NULL && strcmp(dtype, "forecast") == 0;
	*window = sf_sql_isnull(st, 7) ? SF_PLAN_REVISION_DAYS :
	    sf_sql_int(st, 7);
	if (*window < 0)
		*window = 0;
	if (*forecast) {
		if (sf_sql_isnull(st, 6)) {
			r = sf_err_set(err, "configuration '%s': a forecast "
			    "configuration without a source", name);
			goto out;
		}
		p->type = column_dup(st, 6);
	} else
		p->type = dtype == NULL ? NULL : sf_strdup(dtype);
	if (start_of(start, first, &e) == -1)
		r = sf_err_set(err, "configuration '%s': pull start date: %s",
		    name, start == NULL ? "missing" : e.msg);
out:
	sf_sql_finalize(st);
	return r;
}

/*
 * Adds the revision item of station to p, if it needs one (see
 * sf_plan_make); start is the ordinary request's start, pass the
 * station's last_revision_pass_at, created when its progress began.
 */
static void
revision_add(struct sf_plan *p, const char *station, const char *agency,
    const char *first, const char *start, const char *pass,
    const char *created, int64_t now, long long window)
{
	struct sf_plan_item *it;
	char since[SF_TIME_LEN], nows[SF_TIME_LEN], from[SF_TIME_LEN];
	struct sf_err e;
	int64_t t, f, base;
	int usgs, haspass;

	usgs = agency != NULL && strcmp(agency, "USGS") == 0;
	if (!usgs && (agency == NULL || strcmp(agency, "EC") != 0))
		return;
	/* Once a day since the last pass, or since the progress began. */
	haspass = pass != NULL && sf_time_parse(pass, &base, &e) == 0;
	if (!haspass && (created == NULL || sf_time_parse(created, &base,
	    &e) == -1))
		base = INT64_MIN;
	if (base != INT64_MIN && now - base < SF_PLAN_REVISION_EVERY)
		return;
	sf_time_format(now, nows);
	if (usgs) {
		/* No pass yet: an archive from before the pass, one full. */
		if (haspass)
			sf_time_format(base, since);
		else
			memcpy(since, first, sizeof(since));
		memcpy(from, first, sizeof(from));
	} else {
		t = now - (int64_t)window * 86400;
		if (sf_time_parse(first, &f, &e) == 0 && f > t)
			t = f;
		sf_time_format(t, from);
		/* The ordinary request may already reach that far back. */
		if (strcmp(start, from) <= 0)
			return;
		sf_time_format(base == INT64_MIN ? t : base, since);
	}
	it = item_add(&p->items, &p->nitems, station, agency, from, 0);
	it->modified_since = sf_strdup(since);
	it->end = sf_strdup(nows);
	it->revision = 1;
}

/* The columns of a station row that the revision pass needs. */
struct later {
	char *station, *agency, *start, *pass, *created;
};

int
sf_plan_make(struct sf_db *db, const char *name, long long max_failures,
    int64_t now, struct sf_plan *p, struct sf_err *err)
{
	struct sf_sql *st;
	int64_t id = 0;
	char first[SF_TIME_LEN], start[SF_TIME_LEN], nows[SF_TIME_LEN];
	struct later *rev = NULL;
	size_t nrev = 0, i;
	struct sf_err e;
	long long window = SF_PLAN_REVISION_DAYS;
	int overwrite = 0, forecast = 0, rc, r;

	memset(p, 0, sizeof(*p));
	p->config = sf_strdup(name);
	sf_time_format(now, nows);
	if ((r = conf_read(db, name, p, &id, first, &overwrite, &forecast,
	    &window, err)) != 0)
		return r;
	if (!p->enabled)
		return 0;
	if ((st = sf_sql_prepare(db, stations_sql, stations_pgsql, 0,
	    err)) == NULL)
		return -1;
	sf_sql_bind_int(st, 1, id);
	while ((rc = sf_sql_step(st)) == SF_SQL_ROW) {
		const char *station = sf_sql_text(st, 0);
		const char *last = sf_sql_text(st, 1);
		long long failures = sf_sql_int(st, 2);
		const char *errat = sf_sql_text(st, 3);
		const char *pass = sf_sql_text(st, 4);
		const char *created = sf_sql_text(st, 5);
		const char *agency = p->agency != NULL ? p->agency :
		    sf_id_agency_guess(station);
		struct sf_plan_item *it;
		int64_t due = 0;

		if (overwrite || last == NULL)
			memcpy(start, first, sizeof(start));
		else if (start_of(last, start, &e) == -1) {
			r = sf_err_set(err, "configuration '%s' station '%s': "
			    "last successful pull date: %s", name, station,
			    e.msg);
			break;
		}
		if (failures >= max_failures) {
			if (errat != NULL && sf_time_parse(errat, &due,
			    &e) == 0)
				due += sf_plan_cooldown(failures,
				    max_failures);
			else
				due = now;
			if (due > now) {
				it = item_add(&p->skipped, &p->nskipped,
				    station, agency, start, failures);
				sf_time_format(due, it->next_probe);
				continue;
			}
			it = item_add(&p->items, &p->nitems, station, agency,
			    start, failures);
			it->probe = 1;
			continue;
		}
		it = item_add(&p->items, &p->nitems, station, agency, start,
		    failures);
		if (overwrite || forecast || window == 0)
			continue;
		if (last == NULL) {
			/*
			 * The first pull asks for everything up to now: it
			 * is the station's first revision pass as well.
			 */
			it->end = sf_strdup(nows);
			continue;
		}
		rev = sf_realloc(rev, (nrev + 1) * sizeof(*rev));
		rev[nrev].station = sf_strdup(station);
		rev[nrev].agency = agency == NULL ? NULL : sf_strdup(agency);
		rev[nrev].start = sf_strdup(start);
		rev[nrev].pass = pass == NULL ? NULL : sf_strdup(pass);
		rev[nrev].created = created == NULL ? NULL :
		    sf_strdup(created);
		nrev++;
	}
	if (r == 0 && rc != SF_SQL_DONE)
		r = sf_db_fail(db, "reading stations", err);
	sf_sql_finalize(st);
	for (i = 0; i < nrev; i++) {
		if (r == 0)
			revision_add(p, rev[i].station, rev[i].agency, first,
			    rev[i].start, rev[i].pass, rev[i].created, now,
			    window);
		free(rev[i].created);
		free(rev[i].station);
		free(rev[i].agency);
		free(rev[i].start);
		free(rev[i].pass);
	}
	free(rev);
	return r;
}

static void
items_free(struct sf_plan_item *v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		free(v[i].station);
		free(v[i].agency);
		free(v[i].start);
		free(v[i].end);
		free(v[i].modified_since);
	}
	free(v);
}

void
sf_plan_release(struct sf_plan *p)
{
	items_free(p->items, p->nitems);
	items_free(p->skipped, p->nskipped);
	free(p->config);
	free(p->agency);
	free(p->type);
	memset(p, 0, sizeof(*p));
}

/* The id of the configuration called name into *id: 0, 1 none, -1. */
static int
conf_id(struct sf_db *db, const char *name, int64_t *id,
    struct sf_err *err)
{
	struct sf_sql *st;
	int rc, r = 0;

	if ((st = sf_sql_prepare(db, conf_id_sql, NULL, 0, err)) == NULL)
		return -1;
	sf_sql_bind_text(st, 1, name);
	rc = sf_sql_step(st);
	if (rc == SF_SQL_ROW)
		*id = sf_sql_int(st, 0);
	else if (rc == SF_SQL_DONE)
		r = 1;
	else
		r = sf_db_fail(db, "reading configurations", err);
	sf_sql_finalize(st);
	return r;
}

int
sf_plan_progress(struct sf_db *db, const char *name,
    int (*fn)(void *arg, const struct sf_plan_progress *row), void *arg,
    struct sf_err *err)
{
	struct sf_plan_progress row;
	struct sf_sql *st;
	int64_t id;
	int rc, r;

	if (name != NULL && (r = conf_id(db, name, &id, err)) != 0)
		return r;
	if ((st = sf_sql_prepare(db, progress_sql, progress_pgsql, 0,
	    err)) == NULL)
		return -1;
	sf_sql_bind_text(st, 1, name);
	r = 0;
	while ((rc = sf_sql_step(st)) == SF_SQL_ROW) {
		row.config = sf_sql_text(st, 0);
		row.station = sf_sql_text(st, 1);
		row.last_pull = sf_sql_text(st, 2);
		row.failures = sf_sql_int(st, 3);
		row.last_attempt = sf_sql_text(st, 4);
		row.last_error_at = sf_sql_text(st, 5);
		row.last_error = sf_sql_text(st, 6);
		if (fn(arg, &row) == -1) {
			r = -1;
			break;
		}
	}
	if (r == 0 && rc != SF_SQL_DONE)
		r = sf_db_fail(db, "reading progress", err);
	sf_sql_finalize(st);
	return r;
}

/*
 * 1 when station is one of the configuration's stations or has progress
 * in it, 0 when not, -1 with err.
 */
static int
has_station(struct sf_db *db, int64_t id, const char *station,
    struct sf_err *err)
{
	struct sf_sql *st;
	int rc, r;

	if ((st = sf_sql_prepare(db, has_station_sql, NULL, 0, err)) == NULL)
		return -1;
	sf_sql_bind_int(st, 1, id);
	sf_sql_bind_text(st, 2, station);
	rc = sf_sql_step(st);
	if (rc == SF_SQL_ROW)
		r = 1;
	else if (rc == SF_SQL_DONE)
		r = 0;
	else
		r = sf_db_fail(db, "reading stations", err);
	sf_sql_finalize(st);
	return r;
}

int
sf_plan_reset(struct sf_db *db, const char *name, const char *station,
    int from_start, int64_t now, long long *n, struct sf_err *err)
{
	struct sf_sql *st;
	int64_t id;
	char ts[SF_TIME_LEN];
	int r;

	*n = 0;
	if ((r = conf_id(db, name, &id, err)) != 0)
		return r;
	if (from_start)
		st = sf_sql_prepare(db, reset_sql, reset_pgsql, 0, err);
	else
		st = sf_sql_prepare(db, reset_failures_sql,
		    reset_failures_pgsql, 0, err);
	if (st == NULL)
		return -1;
	sf_time_format(now, ts);
	sf_sql_bind_int(st, 1, id);
	sf_sql_bind_text(st, 2, station);
	if (!from_start)
		sf_sql_bind_text(st, 3, ts);
	if (sf_sql_step(st) != SF_SQL_DONE)
		r = sf_db_fail(db, "clearing progress", err);
	else
		*n = sf_sql_changes(st);
	sf_sql_finalize(st);
	if (r == 0 && *n == 0 && station != NULL) {
		/* Nothing to clear: fine for a station of the configuration. */
		if ((r = has_station(db, id, station, err)) == 1)
			r = 0;
		else if (r == 0)
			r = 2;
	}
	return r;
}
