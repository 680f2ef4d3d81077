/*
 * sf_config: pull configurations, read and written with prepared
 * statements. Programs call these instead of SQL, so that the tables can
 * change (or move to another engine) behind one module.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sf_buf.h"
#include "sf_config.h"
#include "sf_err.h"
#include "sf_mem.h"
#include "sf_rec.h"
#include "sf_sched.h"
#include "sf_sql.h"
#include "sf_id.h"
#include "sf_str.h"
#include "sf_time.h"
#include "sf_vocab.h"
#include "sf.h"

int
sf_config_name_ok(const char *name)
{
	size_t n = strlen(name);

	return n >= 1 && n <= SF_CONFIG_NAME_MAX && name[0] != '-' &&
	    name[0] != '.' && strspn(name, "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
	    "abcdefghijklmnopqrstuvwxyz0123456789-_.") == n;
}

#define DESC_MAX_LEN	1000	/* bytes of a description */
#define WINDOW_MAX	3660	/* days of a revision window: ten years */

void
sf_config_opts_init(struct sf_config_opts *o)
{
	memset(o, 0, sizeof(*o));
	sf_buf_init(&o->schedule);
}

void
sf_config_opts_release(struct sf_config_opts *o)
{
	sf_buf_release(&o->schedule);
}

/* The word of list equal to s ignoring case, or NULL with err. */
static const char *
pick(const char *opt, const char *s, const char *const *list,
    struct sf_err *err)
{
	struct sf_buf b = SF_BUF_INIT;
	int i, n;

	for (n = 0; list[n] != NULL; n++)
		if (sf_str_eq_ci(s, list[n]))
			return list[n];
	for (i = 0; i < n; i++)
		sf_buf_addf(&b, "%s%s", i == 0 ? "" : i == n - 1 ? " or " :
		    ", ", list[i]);
	sf_err_set(err, "--%s '%s': not %s", opt, s, b.buf);
	sf_buf_release(&b);
	return NULL;
}

/* Sets *p to the word of list s is, or returns -1 with err. */
static int
word(const char *opt, const char *s, const char *const *list,
    const char **p, struct sf_err *err)
{
	return (*p = pick(opt, s, list, err)) == NULL ? -1 : 0;
}

static int
schedule_opt(struct sf_config_opts *o, const char *arg, struct sf_err *err)
{
	struct sf_sched sc;
	const char *s = arg;
	size_t l;

	if (sf_sched_parse(arg, &sc, err) == -1)
		return -1;
	/* sf_sched_next says -1 only of a schedule that never runs */
	if (sf_sched_next(&sc, 0) == -1)
		return sf_err_set(err, "schedule '%s': never runs", arg);
	sf_buf_reset(&o->schedule);
	for (;; s += l) {
		s += strspn(s, " \t");
		if (*s == '\0')
			break;
		l = strcspn(s, " \t");
		if (o->schedule.len > 0)
			sf_buf_addc(&o->schedule, ' ');
		sf_buf_add(&o->schedule, s, l);
	}
	o->ch.schedule = o->schedule.buf;
	o->ch.schedule_type = sf_sched_type(&sc);
	return 0;
}

int
sf_config_opt(struct sf_config_opts *o, const char *opt, const char *arg,
    struct sf_err *err)
{
	struct sf_config_change *ch = &o->ch;
	const unsigned char *p;
	struct sf_err e2;
	int64_t t;
	int dflt = strcmp(arg, "default") == 0;

	if (strcmp(opt, "type") == 0)
		return word(opt, arg, sf_vocab_config_types, &ch->type, err);
	if (strcmp(opt, "agency") == 0)
		return word(opt, arg, sf_vocab_agencies, &ch->agency, err);
	if (strcmp(opt, "strategy") == 0)
		return word(opt, arg, sf_vocab_strategies, &ch->strategy,
		    err);
	if (strcmp(opt, "source") == 0)
		return word(opt, arg, sf_vocab_sources, &ch->source, err);
	if (strcmp(opt, "schedule") == 0)
		return schedule_opt(o, arg, err);
	if (strcmp(opt, "start") == 0) {
		if (sf_time_parse(arg, &t, &e2) == -1)
			return sf_err_set(err, "--start: %s", e2.msg);
		sf_time_format(t, o->start);
		ch->start = o->start;
		return 0;
	}
	if (strcmp(opt, "description") == 0) {
		for (p = (const unsigned char *)arg; *p != '\0'; p++)
			if (*p < 0x20 || *p == 0x7f)
				return sf_err_set(err, "--description: control "
				    "characters are not allowed");
		if (strlen(arg) > DESC_MAX_LEN)
			return sf_err_set(err, "--description: longer than %d "
			    "bytes", DESC_MAX_LEN);
		ch->description = arg;
		return 0;
	}
	if (strcmp(opt, "revision-window") == 0) {
		ch->has_window = 1;
		ch->window = 0;
		if (!dflt && sf_str_toll(arg, 1, WINDOW_MAX, &ch->window,
		    &e2) == -1)
			return sf_err_set(err, "--revision-window: %s", e2.msg);
		return 0;
	}
	if (strcmp(opt, "stale-after") == 0) {
		ch->has_stale = 1;
		ch->stale = 0;
		if (!dflt && sf_sched_duration_parse(arg, &t, &e2) == -1)
			return sf_err_set(err, "--stale-after: %s", e2.msg);
		if (!dflt)
			ch->stale = t;
		return 0;
	}
	return sf_err_set(err, "--%s: not an option of a configuration", opt);
}

const struct sf_report_col sf_config_cols[SF_CONFIG_NCOLS] = {
	{ "name", "NAME", SF_REPORT_STR },
	{ "description", NULL, SF_REPORT_STR },
	{ "type", "TYPE", SF_REPORT_STR },
	{ "strategy", NULL, SF_REPORT_STR },
	{ "agency", "AGENCY", SF_REPORT_STR },
	{ "source", "SOURCE", SF_REPORT_STR },
	{ "start", NULL, SF_REPORT_STR },
	{ "schedule_type", NULL, SF_REPORT_STR },
	{ "schedule", "SCHEDULE", SF_REPORT_STR },
	{ "enabled", "ENABLED", SF_REPORT_BOOL },
	{ "stations", "STATIONS", SF_REPORT_NUM },
	{ "last_run_at", NULL, SF_REPORT_STR },
	{ "next_run_at", "NEXT_RUN", SF_REPORT_STR },
	{ "created_at", NULL, SF_REPORT_STR },
	{ "updated_at", NULL, SF_REPORT_STR },
	{ "revision_window_days", NULL, SF_REPORT_NUM },
	{ "stale_after_seconds", NULL, SF_REPORT_NUM },
};

/* Writes ll into buf and returns it; NULL for 0 unless zero_ok. */
static const char *
num(long long ll, char buf[SF_NUM_LEN], int zero_ok)
{
	if (ll == 0 && !zero_ok)
		return NULL;
	snprintf(buf, SF_NUM_LEN, "%lld", ll);
	return buf;
}

void
sf_config_cells(const struct sf_config *c, struct sf_config_nums *nums,
    const char *v[SF_CONFIG_NCOLS])
{
	const char *const cells[SF_CONFIG_NCOLS] = {
		c->name, c->description, c->type, c->strategy, c->agency,
		c->source, c->start, c->schedule_type, c->schedule,
		c->enabled ? "true" : "false",
		num(c->stations, nums->n[0], 1),
		c->last_run_at, c->next_run_at, c->created_at, c->updated_at,
		num(c->revision_window_days, nums->n[1], 0),
		num(c->stale_after_seconds, nums->n[2], 0)
	};

	memcpy(v, cells, sizeof(cells));
}

void
sf_config_release(struct sf_config *c)
{
	free(c->name);
	free(c->description);
	free(c->type);
	free(c->strategy);
	free(c->agency);
	free(c->source);
	free(c->start);
	free(c->schedule_type);
	free(c->schedule);
	free(c->last_run_at);
	free(c->next_run_at);
	free(c->created_at);
	free(c->updated_at);
	memset(c, 0, sizeof(*c));
}

void
sf_config_free(struct sf_config *c, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		sf_config_release(&c[i]);
	free(c);
}

/* Column i of st as a new string, or NULL. */
static char *
col(struct sf_sql *st, int i)
{
	const char *s = sf_sql_text(st, i);

	return s != NULL ? sf_strdup(s) : NULL;
}

int
sf_config_list(struct sf_db *db, const char *name, struct sf_config **out,
    size_t *n, struct sf_err *err)
{
	static const char sql[] =
	    "SELECT c.id, c.name, c.description, c.data_type, "
	    "c.data_strategy, c.agency, c.source, c.pull_start_date, "
	    "c.schedule_type, c.schedule_value, c.is_enabled, "
	    "(SELECT count(*) FROM pull_configuration_stations s "
	    "WHERE s.config_id = c.id), c.last_run_at, c.next_run_at, "
	    "c.created_at, c.updated_at, c.revision_window_days, "
	    "c.stale_after_seconds "
	    "FROM pull_configurations c WHERE ?1 IS NULL OR c.name = ?1 "
	    "ORDER BY c.name";
	/* names in byte order, as SQLite sorts them, whatever the locale */
	static const char pgsql[] =
	    "SELECT c.id, c.name, c.description, c.data_type, "
	    "c.data_strategy, c.agency, c.source, c.pull_start_date, "
	    "c.schedule_type, c.schedule_value, c.is_enabled, "
	    "(SELECT count(*) FROM pull_configuration_stations s "
	    "WHERE s.config_id = c.id), c.last_run_at, c.next_run_at, "
	    "c.created_at, c.updated_at, c.revision_window_days, "
	    "c.stale_after_seconds "
	    "FROM pull_configurations c WHERE ?1::text IS NULL OR c.name = ?1 "
	    "ORDER BY c.name COLLATE \"C\"";
	struct sf_config *c = NULL, *p;
	struct sf_sql *st;
	size_t k = 0;
	int rc;

	*out = NULL;
	*n = 0;
	if ((st = sf_sql_prepare(db, sql, pgsql, 0, err)) == NULL)
		return -1;
	sf_sql_bind_text(st, 1, name);
	while ((rc = sf_sql_step(st)) == SF_SQL_ROW) {
		c = sf_realloc(c, (k + 1) * sizeof(*c));
		p = &c[k++];
		p->id = sf_sql_int(st, 0);
		p->name = col(st, 1);
		p->description = col(st, 2);
		p->type = col(st, 3);
		p->strategy = col(st, 4);
		p->agency = col(st, 5);
		p->source = col(st, 6);
		p->start = col(st, 7);
		p->schedule_type = col(st, 8);
		p->schedule = col(st, 9);
		p->enabled = sf_sql_int(st, 10) != 0;
		p->stations = sf_sql_int(st, 11);
		p->last_run_at = col(st, 12);
		p->next_run_at = col(st, 13);
		p->created_at = col(st, 14);
		p->updated_at = col(st, 15);
		p->revision_window_days = sf_sql_int(st, 16);
		p->stale_after_seconds = sf_sql_int(st, 17);
	}
	sf_sql_finalize(st);
	if (rc != SF_SQL_DONE) {
		sf_config_free(c, k);
		return sf_db_fail(db, "reading pull_configurations", err);
	}
	*out = c;
	*n = k;
	return 0;
}

int
sf_config_get(struct sf_db *db, const char *name, struct sf_config *c,
    struct sf_err *err)
{
	struct sf_config *all;
	size_t n;

	memset(c, 0, sizeof(*c));
	if (sf_config_list(db, name, &all, &n, err) == -1)
		return -1;
	if (n == 0) {
		sf_err_set(err, "configuration '%s': not defined", name);
		return 1;
	}
	*c = all[0];
	free(all);
	return 0;
}

const char *
sf_config_next_run(const char *type, const char *value, int64_t now,
    char buf[SF_TIME_LEN])
{
	struct sf_sched sc;
	struct sf_err err;
	int64_t t;

	if (type == NULL || value == NULL ||
	    (strcmp(type, "cron") != 0 && strcmp(type, "interval") != 0) ||
	    sf_sched_parse(value, &sc, &err) == -1 ||
	    (t = sf_sched_next(&sc, now)) == -1)
		return NULL;
	sf_time_format(t, buf);
	return buf;
}

/* Binds v to i, or NULL when v is 0. */
static void
bind_pos(struct sf_sql *st, int i, long long v)
{
	if (v > 0)
		sf_sql_bind_int(st, i, v);
	else
		sf_sql_bind_null(st, i);
}

int
sf_config_add(struct sf_db *db, const char *name,
    const struct sf_config_change *ch, int64_t now, struct sf_err *err)
{
	static const char sql[] =
	    "INSERT INTO pull_configurations (name, description, data_type, "
	    "data_strategy, pull_start_date, is_enabled, schedule_type, "
	    "schedule_value, next_run_at, created_at, updated_at, agency, "
	    "source, revision_window_days, stale_after_seconds) VALUES (?1, "
	    "?2, ?3, ?4, ?5, 1, ?6, ?7, ?8, ?9, ?9, ?10, ?11, ?12, ?13)";
	char nowbuf[SF_TIME_LEN], nextbuf[SF_TIME_LEN];
	struct sf_sql *st;
	int rc, dup;

	sf_time_format(now, nowbuf);
	if ((st = sf_sql_prepare(db, sql, NULL, 0, err)) == NULL)
		return -1;
	sf_sql_bind_text(st, 1, name);
	sf_sql_bind_text(st, 2, ch->description && *ch->description ?
	    ch->description : NULL);
	sf_sql_bind_text(st, 3, ch->type);
	sf_sql_bind_text(st, 4, ch->strategy ? ch->strategy : "append");
	sf_sql_bind_text(st, 5, ch->start);
	sf_sql_bind_text(st, 6, ch->schedule_type);
	sf_sql_bind_text(st, 7, ch->schedule);
	sf_sql_bind_text(st, 8, sf_config_next_run(ch->schedule_type,
	    ch->schedule, now, nextbuf));
	sf_sql_bind_text(st, 9, nowbuf);
	sf_sql_bind_text(st, 10, ch->agency);
	sf_sql_bind_text(st, 11, ch->source);
	bind_pos(st, 12, ch->has_window ? ch->window : 0);
	bind_pos(st, 13, ch->has_stale ? ch->stale : 0);
	rc = sf_sql_step(st);
	dup = rc == SF_SQL_ERROR && sf_sql_errkind(db) == SF_SQL_EUNIQUE;
	sf_sql_finalize(st);
	if (dup)
		return sf_err_set(err, "configuration '%s': already defined",
		    name);
	if (rc != SF_SQL_DONE)
		return sf_db_fail(db, "adding a configuration", err);
	return 0;
}

/*
 * Checks that every station of configuration c fits agency. Returns 0,
 * or -1 with err naming the first that does not, or a database error.
 */
static int
stations_fit(struct sf_db *db, const struct sf_config *c,
    const char *agency, struct sf_err *err)
{
	struct sf_err e2;
	struct sf_sql *st;
	const char *s;
	int rc, r = 0;

	st = sf_sql_prepare(db, "SELECT station_number FROM "
	    "pull_configuration_stations WHERE config_id = ?1 "
	    "ORDER BY station_number", "SELECT station_number FROM "
	    "pull_configuration_stations WHERE config_id = ?1 "
	    "ORDER BY station_number COLLATE \"C\"", 0, err);
	if (st == NULL)
		return -1;
	sf_sql_bind_int(st, 1, c->id);
	while ((rc = sf_sql_step(st)) == SF_SQL_ROW) {
		s = sf_sql_text(st, 0);
		if (sf_id_check(agency, s, &e2) == -1) {
			r = sf_err_set(err, "configuration '%s': %s; remove "
			    "it first (sf-config stations %s rm %s)", c->name,
			    e2.msg, c->name, s);
			break;
		}
	}
	sf_sql_finalize(st);
	if (r == 0 && rc != SF_SQL_DONE)
		return sf_db_fail(db, "reading stations", err);
	return r;
}

int
sf_config_set(struct sf_db *db, const char *name,
    const struct sf_config_change *ch, int64_t now, const char **dropped,
    struct sf_err *err)
{
	static const char sql[] =
	    "UPDATE pull_configurations SET description = ?2, data_type = ?3, "
	    "data_strategy = ?4, pull_start_date = ?5, schedule_type = ?6, "
	    "schedule_value = ?7, next_run_at = ?8, updated_at = ?9, "
	    "agency = ?10, source = ?11, "
	    "revision_window_days = CASE WHEN ?12 = 1 THEN ?13 "
	    "ELSE revision_window_days END, "
	    "stale_after_seconds = CASE WHEN ?14 = 1 THEN ?15 "
	    "ELSE stale_after_seconds END WHERE id = ?1";
	static char drop[64];
	char nowbuf[SF_TIME_LEN], nextbuf[SF_TIME_LEN];
	const char *type, *agency, *source, *desc, *stype, *sval, *next;
	struct sf_config c;
	struct sf_sql *st;
	int rc, r = -1;

	if (dropped != NULL)
		*dropped = NULL;
	if (sf_db_begin(db, err) == -1)
		return -1;
	if ((rc = sf_config_get(db, name, &c, err)) != 0) {
		sf_db_rollback(db);
		return rc;
	}
	type = ch->type ? ch->type : c.type;
	agency = ch->agency ? ch->agency : c.agency;
	source = ch->source ? ch->source : c.source;
	if (type == NULL || strcmp(type, "forecast") != 0) {
		if (ch->source != NULL) {
			r = -2;
			sf_err_set(err, "configuration '%s': --source is only "
			    "for forecast configurations", name);
			goto out;
		}
		if (source != NULL && dropped != NULL) {
			snprintf(drop, sizeof(drop), "%s", source);
			*dropped = drop;
		}
		source = NULL;
	} else if (source == NULL) {
		r = -2;
		sf_err_set(err, "configuration '%s': a forecast configuration "
		    "needs --source", name);
		goto out;
	}
	if (agency == NULL) {
		r = -2;
		sf_err_set(err, "configuration '%s': no agency: give --agency",
		    name);
		goto out;
	}
	if (ch->agency != NULL && stations_fit(db, &c, agency, err) == -1)
		goto out;
	desc = ch->description ? (*ch->description ? ch->description :
	    NULL) : c.description;
	stype = ch->schedule ? ch->schedule_type : c.schedule_type;
	sval = ch->schedule ? ch->schedule : c.schedule;
	next = c.enabled ? sf_config_next_run(stype, sval, now, nextbuf) :
	    NULL;
	sf_time_format(now, nowbuf);
	if ((st = sf_sql_prepare(db, sql, NULL, 0, err)) == NULL)
		goto out;
	sf_sql_bind_int(st, 1, c.id);
	sf_sql_bind_text(st, 2, desc);
	sf_sql_bind_text(st, 3, type);
	sf_sql_bind_text(st, 4, ch->strategy ? ch->strategy : c.strategy);
	sf_sql_bind_text(st, 5, ch->start ? ch->start : c.start);
	sf_sql_bind_text(st, 6, stype);
	sf_sql_bind_text(st, 7, sval);
	sf_sql_bind_text(st, 8, next);
	sf_sql_bind_text(st, 9, nowbuf);
	sf_sql_bind_text(st, 10, agency);
	sf_sql_bind_text(st, 11, source);
	sf_sql_bind_int(st, 12, ch->has_window);
	bind_pos(st, 13, ch->has_window ? ch->window : 0);
	sf_sql_bind_int(st, 14, ch->has_stale);
	bind_pos(st, 15, ch->has_stale ? ch->stale : 0);
	rc = sf_sql_step(st);
	sf_sql_finalize(st);
	if (rc != SF_SQL_DONE) {
		sf_db_fail(db, "changing a configuration", err);
		goto out;
	}
	if (sf_db_commit(db, err) == -1)
		goto out;
	r = 0;
out:
	sf_db_rollback(db);
	sf_config_release(&c);
	return r;
}

int
sf_config_rm(struct sf_db *db, const char *name, struct sf_err *err)
{
	struct sf_sql *st;
	int64_t changed;
	int rc;

	st = sf_sql_prepare(db, "DELETE FROM pull_configurations "
	    "WHERE name = ?1", NULL, 0, err);
	if (st == NULL)
		return -1;
	sf_sql_bind_text(st, 1, name);
	rc = sf_sql_step(st);
	changed = sf_sql_changes(st);
	sf_sql_finalize(st);
	if (rc != SF_SQL_DONE)
		return sf_db_fail(db, "removing a configuration", err);
	if (changed == 0) {
		sf_err_set(err, "configuration '%s': not defined", name);
		return 1;
	}
	return 0;
}

int
sf_config_enable(struct sf_db *db, const char *name, int on, int64_t now,
    struct sf_err *err)
{
	char nowbuf[SF_TIME_LEN], nextbuf[SF_TIME_LEN];
	struct sf_config c;
	struct sf_sql *st;
	int rc;

	if ((rc = sf_config_get(db, name, &c, err)) != 0)
		return rc;
	sf_time_format(now, nowbuf);
	st = sf_sql_prepare(db, "UPDATE pull_configurations SET is_enabled = "
	    "?2, next_run_at = ?3, updated_at = ?4 WHERE id = ?1", NULL, 0, err);
	if (st == NULL) {
		sf_config_release(&c);
		return -1;
	}
	sf_sql_bind_int(st, 1, c.id);
	sf_sql_bind_int(st, 2, on);
	sf_sql_bind_text(st, 3, on ? sf_config_next_run(c.schedule_type,
	    c.schedule, now, nextbuf) : NULL);
	sf_sql_bind_text(st, 4, nowbuf);
	rc = sf_sql_step(st);
	sf_sql_finalize(st);
	sf_config_release(&c);
	if (rc != SF_SQL_DONE)
		return sf_db_fail(db, "changing a configuration", err);
	return 0;
}

/* Sets updated_at of configuration id to now. */
static int
touch(struct sf_db *db, long long id, int64_t now)
{
	char nowbuf[SF_TIME_LEN];
	struct sf_err err;
	struct sf_sql *st;
	int rc;

	st = sf_sql_prepare(db, "UPDATE pull_configurations SET updated_at = "
	    "?2 WHERE id = ?1", NULL, 0, &err);
	if (st == NULL)
		return -1;
	sf_time_format(now, nowbuf);
	sf_sql_bind_int(st, 1, id);
	sf_sql_bind_text(st, 2, nowbuf);
	rc = sf_sql_step(st);
	sf_sql_finalize(st);
	return rc == SF_SQL_DONE ? 0 : -1;
}

int
sf_config_stations_add(struct sf_db *db, const struct sf_config *c,
    const struct sf_config_station *list, size_t n, int64_t now,
    size_t *nnew, struct sf_err *err)
{
	/*
	 * What the station record leaves out comes from the catalog, read
	 * first: an INSERT with subqueries is one Citus refuses. The old
	 * row's columns are qualified: PostgreSQL finds a bare one
	 * ambiguous beside excluded's.
	 */
	static const char sql[] =
	    "INSERT INTO pull_configuration_stations AS p (config_id, "
	    "station_number, station_name, huc_code, state) VALUES (?1, ?2, "
	    "?3, ?4, ?5) ON CONFLICT (config_id, station_number) DO UPDATE SET "
	    "station_name = coalesce(excluded.station_name, p.station_name), "
	    "huc_code = coalesce(excluded.huc_code, p.huc_code), "
	    "state = coalesce(excluded.state, p.state)";
	struct sf_sql *st = NULL, *old = NULL, *cat = NULL;
	size_t i;
	int rc, r = -1;

	*nnew = 0;
	if (sf_db_begin(db, err) == -1)
		return -1;
	st = sf_sql_prepare(db, sql, NULL, 0, err);
	old = sf_sql_prepare(db, "SELECT 1 FROM pull_configuration_stations "
	    "WHERE config_id = ?1 AND station_number = ?2", NULL, 0, err);
	cat = sf_sql_prepare(db, "SELECT station_name, huc_code, state_code "
	    "FROM master_stations WHERE station_number = ?1", NULL, 0, err);
	if (st == NULL || old == NULL || cat == NULL)
		goto out;
	for (i = 0; i < n; i++) {
		sf_sql_reset(old);
		sf_sql_bind_int(old, 1, c->id);
		sf_sql_bind_text(old, 2, list[i].id);
		if ((rc = sf_sql_step(old)) == SF_SQL_DONE)
			++*nnew;
		else if (rc != SF_SQL_ROW)
			goto fail;
		sf_sql_reset(cat);
		sf_sql_bind_text(cat, 1, list[i].id);
		if ((rc = sf_sql_step(cat)) == SF_SQL_ERROR)
			goto fail;
		sf_sql_reset(st);
		sf_sql_bind_int(st, 1, c->id);
		sf_sql_bind_text(st, 2, list[i].id);
		sf_sql_bind_text(st, 3, list[i].name != NULL ? list[i].name :
		    rc == SF_SQL_ROW ? sf_sql_text(cat, 0) : NULL);
		sf_sql_bind_text(st, 4, list[i].huc != NULL ? list[i].huc :
		    rc == SF_SQL_ROW ? sf_sql_text(cat, 1) : NULL);
		sf_sql_bind_text(st, 5, list[i].state != NULL ? list[i].state :
		    rc == SF_SQL_ROW ? sf_sql_text(cat, 2) : NULL);
		if (sf_sql_step(st) != SF_SQL_DONE)
			goto fail;
	}
	if (n > 0 && touch(db, c->id, now) == -1)
		goto fail;
	if (sf_db_commit(db, err) == 0)
		r = 0;
	goto out;
fail:
	sf_db_fail(db, "adding stations", err);
out:
	sf_sql_finalize(st);
	sf_sql_finalize(old);
	sf_sql_finalize(cat);
	sf_db_rollback(db);
	return r;
}

int
sf_config_stations_rm(struct sf_db *db, const struct sf_config *c,
    const char *const *ids, size_t n, int64_t now, unsigned char *gone,
    struct sf_err *err)
{
	struct sf_sql *st = NULL, *prog = NULL;
	size_t i, removed = 0;
	int r = -1;

	if (sf_db_begin(db, err) == -1)
		return -1;
	st = sf_sql_prepare(db, "DELETE FROM pull_configuration_stations "
	    "WHERE config_id = ?1 AND station_number = ?2", NULL, 0, err);
	prog = sf_sql_prepare(db, "DELETE FROM pull_station_progress "
	    "WHERE config_id = ?1 AND station_number = ?2", NULL, 0, err);
	if (st == NULL || prog == NULL)
		goto out;
	for (i = 0; i < n; i++) {
		sf_sql_reset(st);
		sf_sql_bind_int(st, 1, c->id);
		sf_sql_bind_text(st, 2, ids[i]);
		if (sf_sql_step(st) != SF_SQL_DONE)
			goto fail;
		if ((gone[i] = sf_sql_changes(st) != 0) == 0)
			continue;
		removed++;
		sf_sql_reset(prog);
		sf_sql_bind_int(prog, 1, c->id);
		sf_sql_bind_text(prog, 2, ids[i]);
		if (sf_sql_step(prog) != SF_SQL_DONE)
			goto fail;
	}
	if (removed > 0 && touch(db, c->id, now) == -1)
		goto fail;
	if (sf_db_commit(db, err) == 0)
		r = 0;
	goto out;
fail:
	sf_db_fail(db, "removing stations", err);
out:
	sf_sql_finalize(st);
	sf_sql_finalize(prog);
	sf_db_rollback(db);
	return r;
}

int
sf_config_stations_each(struct sf_db *db, const struct sf_config *c,
    int (*fn)(const struct sf_rec *rec, void *arg), void *arg,
    struct sf_err *err)
{
	/*
	 * Then the storage class of each REAL column, which SQLite keeps
	 * as given (text included); PostgreSQL's hold doubles.
	 */
	static const char sql[] =
	    "SELECT s.station_number, s.station_name, m.latitude, "
	    "m.longitude, s.state, s.huc_code, m.drainage_area_sqmi, "
	    "m.altitude_ft, m.utc_offset, CASE m.uses_dst WHEN 1 THEN 'true' "
	    "WHEN 0 THEN 'false' END, typeof(m.latitude), "
	    "typeof(m.longitude), typeof(m.drainage_area_sqmi), "
	    "typeof(m.altitude_ft) "
	    "FROM pull_configuration_stations s LEFT JOIN master_stations m "
	    "ON m.station_number = s.station_number "
	    "WHERE s.config_id = ?1 ORDER BY s.station_number";
	static const char pgsql[] =
	    "SELECT s.station_number, s.station_name, m.latitude, "
	    "m.longitude, s.state, s.huc_code, m.drainage_area_sqmi, "
	    "m.altitude_ft, m.utc_offset, CASE m.uses_dst WHEN 1 THEN 'true' "
	    "WHEN 0 THEN 'false' END, 'real', 'real', 'real', 'real' "
	    "FROM pull_configuration_stations s LEFT JOIN master_stations m "
	    "ON m.station_number = s.station_number "
	    "WHERE s.config_id = ?1 ORDER BY s.station_number COLLATE \"C\"";
	static const int field[] = {
		SF_ST_STATION, SF_ST_NAME, SF_ST_LATITUDE, SF_ST_LONGITUDE,
		SF_ST_STATE, SF_ST_HUC_CODE, SF_ST_DRAINAGE_AREA_SQMI,
		SF_ST_ALTITUDE_FT, SF_ST_UTC_OFFSET, SF_ST_USES_DST
	};
	/* the REAL columns of master_stations: the column of their class */
	static const char isnum[] = { 0, 0, 10, 11, 0, 0, 12, 13, 0, 0 };
	char num[sizeof(field) / sizeof(field[0])][SF_NUM_LEN];
	struct sf_rec rec;
	struct sf_sql *st;
	const char *t;
	size_t i;
	int rc;

	if ((st = sf_sql_prepare(db, sql, pgsql, 0, err)) == NULL)
		return -1;
	sf_sql_bind_int(st, 1, c->id);
	while ((rc = sf_sql_step(st)) == SF_SQL_ROW) {
		sf_rec_clear(&rec, SF_KIND_STATION);
		rec.f[SF_ST_AGENCY] = c->agency;
		for (i = 0; i < sizeof(field) / sizeof(field[0]); i++) {
			/* sqlite writes 11560.0: use the shortest form */
			if (isnum[i] && (t = sf_sql_text(st, isnum[i])) != NULL &&
			    strcmp(t, "real") == 0 && !sf_sql_isnull(st, (int)i)) {
				sf_str_fmt_double(sf_sql_double(st, (int)i),
				    num[i]);
				rec.f[field[i]] = num[i];
			} else
				rec.f[field[i]] = sf_sql_text(st, (int)i);
		}
		if (fn(&rec, arg) != 0) {
			rc = SF_SQL_DONE;
			break;
		}
	}
	sf_sql_finalize(st);
	if (rc != SF_SQL_DONE)
		return sf_db_fail(db, "reading stations", err);
	return 0;
}

static const char *
keep(struct sf_config_stations *s, const char *v)
{
	if (v == NULL || *v == '\0')
		return NULL;
	s->owned = sf_realloc(s->owned, (s->nowned + 1) * sizeof(char *));
	return s->owned[s->nowned++] = sf_strdup(v);
}

void
sf_config_stations_push(struct sf_config_stations *s, const char *id,
    const char *name, const char *huc, const char *state)
{
	struct sf_config_station *st;

	s->v = sf_realloc(s->v, (s->n + 1) * sizeof(*s->v));
	st = &s->v[s->n++];
	st->id = keep(s, id);
	st->name = keep(s, name);
	st->huc = keep(s, huc);
	st->state = keep(s, state);
}

void
sf_config_stations_release(struct sf_config_stations *s)
{
	size_t i;

	for (i = 0; i < s->nowned; i++)
		free(s->owned[i]);
	free(s->owned);
	free(s->v);
	memset(s, 0, sizeof(*s));
}

long
sf_config_stations_read(FILE *fp, const struct sf_config *c,
    struct sf_config_stations *s, void (*bad)(void *arg, const char *msg),
    void *arg, long *nrec)
{
	struct sf_reader *rd = sf_reader_new(fp, "-");
	struct sf_buf msg = SF_BUF_INIT;
	const char *id, *ag;
	struct sf_rec rec;
	struct sf_err err;
	long nbad = 0, line;
	int rc;

	*nrec = 0;
	while ((rc = sf_reader_next(rd, &rec, &err)) != 0) {
		if (rc < 0) {
			bad(arg, err.msg);
			if (rc == -2) {
				nbad = -1;
				break;
			}
			nbad++;
			continue;
		}
		++*nrec;
		line = sf_reader_line(rd);
		id = rec.f[SF_ST_STATION];
		ag = rec.f[SF_ST_AGENCY];
		sf_buf_reset(&msg);
		if (rec.kind != SF_KIND_STATION)
			sf_buf_addf(&msg, "stdin:%ld: a %s record, not a "
			    "station record", line,
			    sf_kind_info(rec.kind)->name);
		else if (id == NULL || *id == '\0')
			sf_buf_addf(&msg, "stdin:%ld: station record without "
			    "a station", line);
		else if (ag != NULL && strcmp(ag, c->agency) != 0)
			sf_buf_addf(&msg, "stdin:%ld: station '%s': agency "
			    "%s, but configuration '%s' is %s", line, id, ag,
			    c->name, c->agency);
		else if (sf_id_check(c->agency, id, &err) == -1)
			sf_buf_addf(&msg, "stdin:%ld: %s", line, err.msg);
		else {
			sf_config_stations_push(s, id, rec.f[SF_ST_NAME],
			    rec.f[SF_ST_HUC_CODE], rec.f[SF_ST_STATE]);
			continue;
		}
		bad(arg, msg.buf);
		nbad++;
	}
	sf_buf_release(&msg);
	sf_reader_free(rd);
	return nbad;
}
