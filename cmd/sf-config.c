/*
 * sf-config: pull configurations, their stations and schedules, and the
 * crontab lines that run them.
 *
 * Configurations live in the tables pull_configurations and
 * pull_configuration_stations. "sf-config crontab" turns each enabled one
 * into a crontab line running the whole pipeline with absolute paths, so
 * that it works in cron's bare environment, and --install merges those
 * lines into the user's crontab between two marker comments.
 */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include "sf_config.h"
#include "sf_crontab.h"
#include "sf_db.h"
#include "sf_id.h"
#include "sf_log.h"
#include "sf_report.h"
#include "sf_sched.h"
#include "sf_vocab.h"
#include "sf.h"

#define DESC_MAX_LEN	1000
#define WINDOW_MAX	3660	/* days: ten years */
static const char usage_text[] =
    "usage: sf-config add [-qv] [--db PATH] name --type TYPE "
    "--agency AGENCY --start DATE --schedule SCHEDULE "
    "[--strategy STRATEGY] [--source SOURCE] [--description TEXT] "
    "[--revision-window DAYS] [--stale-after DURATION]\n"
    "       sf-config set [-qv] [--db PATH] name [--type TYPE] "
    "[--agency AGENCY] [--start DATE] [--schedule SCHEDULE] "
    "[--strategy STRATEGY] [--source SOURCE] [--description TEXT] "
    "[--revision-window DAYS] [--stale-after DURATION]\n"
    "       sf-config show [-qv] [--db PATH] [-f FORMAT] name\n"
    "       sf-config list [-qv] [--db PATH] [-f FORMAT]\n"
    "       sf-config rm [-qv] [--db PATH] name ...\n"
    "       sf-config enable [-qv] [--db PATH] name ...\n"
    "       sf-config disable [-qv] [--db PATH] name ...\n"
    "       sf-config stations [-qv] [--db PATH] name add station ...\n"
    "       sf-config stations [-qv] [--db PATH] name rm station ...\n"
    "       sf-config stations [-qv] [--db PATH] [-f FORMAT] name list\n"
    "       sf-config crontab [-qv] [--db PATH] [name ...]\n"
    "       sf-config crontab [-qv] [--db PATH] --install | --uninstall\n";

static const struct option longopts[] = {
	{ "agency", required_argument, NULL, 'a' },
	{ "db", required_argument, NULL, 'd' },
	{ "description", required_argument, NULL, 'D' },
	{ "format", required_argument, NULL, 'f' },
	{ "help", no_argument, NULL, 'h' },
	{ "install", no_argument, NULL, 'I' },
	{ "quiet", no_argument, NULL, 'q' },
	{ "revision-window", required_argument, NULL, 'W' },
	{ "schedule", required_argument, NULL, 'S' },
	{ "source", required_argument, NULL, 's' },
	{ "stale-after", required_argument, NULL, 'A' },
	{ "start", required_argument, NULL, 'b' },
	{ "strategy", required_argument, NULL, 'y' },
	{ "type", required_argument, NULL, 't' },
	{ "uninstall", no_argument, NULL, 'U' },
	{ "verbose", no_argument, NULL, 'v' },
	{ "version", no_argument, NULL, 'V' },
	{ NULL, 0, NULL, 0 }
};

#define types sf_vocab_config_types
#define agencies sf_vocab_agencies
#define strategies sf_vocab_strategies
#define sources sf_vocab_sources

/*
 * What the options say about a configuration: canonical values, NULL
 * where the option was not given. description is "" to clear it.
 */
struct fields {
	const char *type, *agency, *strategy, *source, *description;
	char start[SF_TIME_LEN];	/* "" when not given */
	struct sf_buf schedule;		/* normalised, or empty */
	struct sf_sched sched;
	int has_start, has_schedule;
	/* --revision-window, --stale-after: -1 for "default" (NULL) */
	long long window, stale;
	int has_window, has_stale;
};

/*
 * A configuration as report columns. The order is the order of the
 * columns of "show" and "list -f", and of the SELECT in conf_query.
 */
enum {
	C_NAME, C_DESCRIPTION, C_TYPE, C_STRATEGY, C_AGENCY, C_SOURCE,
	C_START, C_SCHEDULE_TYPE, C_SCHEDULE, C_ENABLED, C_STATIONS,
	C_LAST_RUN, C_NEXT_RUN, C_CREATED, C_UPDATED, C_WINDOW, C_STALE,
	C_NCOLS
};

struct conf {
	long long id;
	char *v[C_NCOLS];	/* NULL for SQL NULL */
};

static const struct sf_report_col conf_cols[C_NCOLS] = {
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

static void
conf_release(struct conf *c)
{
	int i;

	for (i = 0; i < C_NCOLS; i++)
		free(c->v[i]);
	memset(c, 0, sizeof(*c));
}

static void
confs_free(struct conf *c, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		conf_release(&c[i]);
	free(c);
}

/*
 * The configuration named name, or every one (name NULL), ordered by name,
 * into a new array *out of *n (caller frees with confs_free). Returns 0,
 * or -1 with err.
 */
static int
conf_query(struct sf_db *db, const char *name, struct conf **out, size_t *n,
    struct sf_err *err)
{
	static const char sql[] =
	    "SELECT c.id, c.name, c.description, c.data_type, "
	    "c.data_strategy, c.agency, c.source, c.pull_start_date, "
	    "c.schedule_type, c.schedule_value, "
	    "CASE WHEN c.is_enabled THEN 'true' ELSE 'false' END, "
	    "(SELECT count(*) FROM pull_configuration_stations s "
	    "WHERE s.config_id = c.id), c.last_run_at, c.next_run_at, "
	    "c.created_at, c.updated_at, c.revision_window_days, "
	    "c.stale_after_seconds "
	    "FROM pull_configurations c WHERE ?1 IS NULL OR c.name = ?1 "
	    "ORDER BY c.name";
	sqlite3_stmt *st;
	struct conf *c = NULL;
	const char *s;
	size_t k = 0;
	int rc, i;

	*out = NULL;
	*n = 0;
	if ((st = sf_db_prepare(db, sql, err)) == NULL)
		return -1;
	sf_db_bind_text(st, 1, name);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		c = sf_realloc(c, (k + 1) * sizeof(*c));
		c[k].id = sqlite3_column_int64(st, 0);
		for (i = 0; i < C_NCOLS; i++) {
			s = (const char *)sqlite3_column_text(st, i + 1);
			c[k].v[i] = s ? sf_strdup(s) : NULL;
		}
		k++;
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE) {
		confs_free(c, k);
		return sf_db_fail(db, "reading pull_configurations", err);
	}
	*out = c;
	*n = k;
	return 0;
}

/*
 * The one configuration named name into *c. Returns 0; 1 when there is
 * none (reported); -1 after reporting a database error.
 */
static int
conf_get(struct sf_db *db, const char *name, struct conf *c)
{
	struct sf_err err;
	struct conf *all;
	size_t n;

	if (conf_query(db, name, &all, &n, &err) == -1) {
		sf_error("%s", err.msg);
		return -1;
	}
	if (n == 0) {
		sf_error("configuration '%s': not defined", name);
		free(all);
		return 1;
	}
	*c = all[0];
	free(all);
	return 0;
}

/* Option values */

/* The entry of list equal to s, ignoring case, or NULL. */
static const char *
pick(const char *s, const char *const *list)
{
	for (; *list != NULL; list++)
		if (sf_str_eq_ci(s, *list))
			return *list;
	return NULL;
}

/* Exits with a usage error: "--OPT 'VALUE': not A, B or C". */
static void
bad_choice(const char *opt, const char *val, const char *const *list)
{
	struct sf_buf b = SF_BUF_INIT;
	int i, n;

	for (n = 0; list[n] != NULL; n++)
		;
	for (i = 0; i < n; i++)
		sf_buf_addf(&b, "%s%s", i == 0 ? "" : i == n - 1 ? " or " :
		    ", ", list[i]);
	sf_error("--%s '%s': not %s", opt, val, b.buf);
	sf_buf_release(&b);
	sf_usage_die();
}

static void
check_name(const char *name)
{
	if (!sf_config_name_ok(name)) {
		sf_error("configuration name '%s': use 1 to %d letters, "
		    "digits, '-', '_' or '.', not starting with '-' or '.'",
		    name, SF_CONFIG_NAME_MAX);
		sf_usage_die();
	}
}

/*
 * Writes the schedule s to out the way it is stored: cron fields joined
 * by one space, or the interval alone.
 */
static void
schedule_norm(const char *s, struct sf_buf *out)
{
	size_t l;

	sf_buf_reset(out);
	for (;;) {
		s += strspn(s, " \t");
		if (*s == '\0')
			break;
		l = strcspn(s, " \t");
		if (out->len > 0)
			sf_buf_addc(out, ' ');
		sf_buf_add(out, s, l);
		s += l;
	}
}

/* Parses the value of a configuration option into f; exits on errors. */
static void
field_opt(struct fields *f, int c, const char *arg)
{
	struct sf_err err;
	const unsigned char *p;
	int64_t t;

	switch (c) {
	case 'A':
		f->has_stale = 1;
		f->stale = -1;
		if (strcmp(arg, "default") != 0 &&
		    sf_sched_duration_parse(arg, &t, &err) == -1) {
			sf_error("--stale-after: %s", err.msg);
			sf_usage_die();
		} else if (strcmp(arg, "default") != 0)
			f->stale = t;
		break;
	case 'W':
		f->has_window = 1;
		f->window = -1;
		if (strcmp(arg, "default") != 0 && sf_str_toll(arg, 1,
		    WINDOW_MAX, &f->window, &err) == -1) {
			sf_error("--revision-window: %s", err.msg);
			sf_usage_die();
		}
		break;
	case 'a':
		if ((f->agency = pick(arg, agencies)) == NULL)
			bad_choice("agency", arg, agencies);
		break;
	case 'b':
		if (sf_time_parse(arg, &t, &err) == -1) {
			sf_error("--start: %s", err.msg);
			sf_usage_die();
		}
		sf_time_format(t, f->start);
		f->has_start = 1;
		break;
	case 'D':
		for (p = (const unsigned char *)arg; *p != '\0'; p++)
			if (*p < 0x20 || *p == 0x7f) {
				sf_error("--description: control characters "
				    "are not allowed");
				sf_usage_die();
			}
		if (strlen(arg) > DESC_MAX_LEN) {
			sf_error("--description: longer than %d bytes",
			    DESC_MAX_LEN);
			sf_usage_die();
		}
		f->description = arg;
		break;
	case 'S':
		if (sf_sched_parse(arg, &f->sched, &err) == -1) {
			sf_error("%s", err.msg);
			sf_usage_die();
		}
		/* a schedule that runs at all runs within any 8 years */
		if (sf_sched_next(&f->sched, 0) == -1) {
			sf_error("schedule '%s': never runs", arg);
			sf_usage_die();
		}
		schedule_norm(arg, &f->schedule);
		f->has_schedule = 1;
		break;
	case 's':
		if ((f->source = pick(arg, sources)) == NULL)
			bad_choice("source", arg, sources);
		break;
	case 't':
		if ((f->type = pick(arg, types)) == NULL)
			bad_choice("type", arg, types);
		break;
	case 'y':
		if ((f->strategy = pick(arg, strategies)) == NULL)
			bad_choice("strategy", arg, strategies);
		break;
	}
}

/* The next run after now as text into buf, or NULL when there is none. */
static const char *
next_run(const char *type, const char *value, int64_t now,
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

/* add, set */

static int
cmd_add(struct sf_db *db, const char *name, struct fields *f, int64_t now)
{
	static const char sql[] =
	    "INSERT INTO pull_configurations (name, description, data_type, "
	    "data_strategy, pull_start_date, is_enabled, schedule_type, "
	    "schedule_value, next_run_at, created_at, updated_at, agency, "
	    "source, revision_window_days, stale_after_seconds) VALUES (?1, "
	    "?2, ?3, ?4, ?5, 1, ?6, ?7, ?8, ?9, ?9, ?10, ?11, ?12, ?13)";
	char nowbuf[SF_TIME_LEN], nextbuf[SF_TIME_LEN];
	struct sf_err err;
	sqlite3_stmt *st;
	int rc;

	sf_time_format(now, nowbuf);
	sf_time_format(sf_sched_next(&f->sched, now), nextbuf);
	if ((st = sf_db_prepare(db, sql, &err)) == NULL) {
		sf_error("%s", err.msg);
		return SF_EXIT_FAIL;
	}
	sf_db_bind_text(st, 1, name);
	sf_db_bind_text(st, 2, f->description && *f->description ?
	    f->description : NULL);
	sf_db_bind_text(st, 3, f->type);
	sf_db_bind_text(st, 4, f->strategy ? f->strategy : "append");
	sf_db_bind_text(st, 5, f->start);
	sf_db_bind_text(st, 6, sf_sched_type(&f->sched));
	sf_db_bind_text(st, 7, f->schedule.buf);
	sf_db_bind_text(st, 8, nextbuf);
	sf_db_bind_text(st, 9, nowbuf);
	sf_db_bind_text(st, 10, f->agency);
	sf_db_bind_text(st, 11, f->source);
	if (f->has_window && f->window > 0)
		sqlite3_bind_int64(st, 12, f->window);
	if (f->has_stale && f->stale > 0)
		sqlite3_bind_int64(st, 13, f->stale);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if (rc == SQLITE_CONSTRAINT_UNIQUE) {
		sf_error("configuration '%s': already defined", name);
		return SF_EXIT_FAIL;
	}
	if (rc != SQLITE_DONE) {
		sf_db_fail(db, "adding a configuration", &err);
		sf_error("%s", err.msg);
		return SF_EXIT_FAIL;
	}
	sf_info("configuration '%s': added, next run %s", name, nextbuf);
	return 0;
}

/*
 * Checks that every station of configuration id fits agency. Returns 0,
 * 1 when one does not (reported), -1 after a database error.
 */
static int
stations_fit(struct sf_db *db, long long id, const char *name,
    const char *agency)
{
	struct sf_err err;
	sqlite3_stmt *st;
	const char *s;
	int rc, r = 0;

	st = sf_db_prepare(db, "SELECT station_number FROM "
	    "pull_configuration_stations WHERE config_id = ?1 "
	    "ORDER BY station_number", &err);
	if (st == NULL) {
		sf_error("%s", err.msg);
		return -1;
	}
	sqlite3_bind_int64(st, 1, id);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		s = (const char *)sqlite3_column_text(st, 0);
		if (sf_id_check(agency, s, &err) == -1) {
			sf_error("configuration '%s': %s; remove it first "
			    "(sf-config stations %s rm %s)", name, err.msg,
			    name, s);
			r = 1;
		}
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE) {
		sf_db_fail(db, "reading stations", &err);
		sf_error("%s", err.msg);
		return -1;
	}
	return r;
}

static int
cmd_set(struct sf_db *db, const char *name, struct fields *f, int64_t now)
{
	static const char sql[] =
	    "UPDATE pull_configurations SET description = ?2, data_type = ?3, "
	    "data_strategy = ?4, pull_start_date = ?5, schedule_type = ?6, "
	    "schedule_value = ?7, next_run_at = ?8, updated_at = ?9, "
	    "agency = ?10, source = ?11, "
	    "revision_window_days = CASE WHEN ?12 THEN ?13 "
	    "ELSE revision_window_days END, "
	    "stale_after_seconds = CASE WHEN ?14 THEN ?15 "
	    "ELSE stale_after_seconds END WHERE id = ?1";
	char nowbuf[SF_TIME_LEN], nextbuf[SF_TIME_LEN];
	const char *type, *agency, *source, *desc, *stype, *sval, *next;
	struct sf_err err;
	struct conf c;
	sqlite3_stmt *st;
	int rc, rval = SF_EXIT_FAIL;

	if (sf_db_begin(db, &err) == -1) {
		sf_error("%s", err.msg);
		return SF_EXIT_FAIL;
	}
	if ((rc = conf_get(db, name, &c)) != 0) {
		sf_db_rollback(db);
		return SF_EXIT_FAIL;
	}
	type = f->type ? f->type : c.v[C_TYPE];
	agency = f->agency ? f->agency : c.v[C_AGENCY];
	source = f->source ? f->source : c.v[C_SOURCE];
	if (type == NULL || strcmp(type, "forecast") != 0) {
		if (f->source != NULL) {
			sf_error("configuration '%s': --source is only for "
			    "forecast configurations", name);
			rval = SF_EXIT_USAGE;
			goto out;
		}
		if (source != NULL)
			sf_info("configuration '%s': source %s dropped: not a "
			    "forecast configuration", name, source);
		source = NULL;
	} else if (source == NULL) {
		sf_error("configuration '%s': a forecast configuration needs "
		    "--source", name);
		rval = SF_EXIT_USAGE;
		goto out;
	}
	if (agency == NULL) {
		sf_error("configuration '%s': no agency: give --agency", name);
		rval = SF_EXIT_USAGE;
		goto out;
	}
	if (f->agency != NULL && (rc = stations_fit(db, c.id, name,
	    agency)) != 0)
		goto out;
	desc = f->description ? (*f->description ? f->description : NULL) :
	    c.v[C_DESCRIPTION];
	stype = f->has_schedule ? sf_sched_type(&f->sched) :
	    c.v[C_SCHEDULE_TYPE];
	sval = f->has_schedule ? f->schedule.buf : c.v[C_SCHEDULE];
	next = NULL;
	if (strcmp(c.v[C_ENABLED], "true") == 0)
		next = next_run(stype, sval, now, nextbuf);
	sf_time_format(now, nowbuf);
	if ((st = sf_db_prepare(db, sql, &err)) == NULL) {
		sf_error("%s", err.msg);
		goto out;
	}
	sqlite3_bind_int64(st, 1, c.id);
	sf_db_bind_text(st, 2, desc);
	sf_db_bind_text(st, 3, type);
	sf_db_bind_text(st, 4, f->strategy ? f->strategy :
	    c.v[C_STRATEGY]);
	sf_db_bind_text(st, 5, f->has_start ? f->start : c.v[C_START]);
	sf_db_bind_text(st, 6, stype);
	sf_db_bind_text(st, 7, sval);
	sf_db_bind_text(st, 8, next);
	sf_db_bind_text(st, 9, nowbuf);
	sf_db_bind_text(st, 10, agency);
	sf_db_bind_text(st, 11, source);
	sqlite3_bind_int(st, 12, f->has_window);
	if (f->has_window && f->window > 0)
		sqlite3_bind_int64(st, 13, f->window);
	sqlite3_bind_int(st, 14, f->has_stale);
	if (f->has_stale && f->stale > 0)
		sqlite3_bind_int64(st, 15, f->stale);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE) {
		sf_db_fail(db, "changing a configuration", &err);
		sf_error("%s", err.msg);
		goto out;
	}
	if (sf_db_commit(db, &err) == -1) {
		sf_error("%s", err.msg);
		goto out;
	}
	sf_info("configuration '%s': changed", name);
	rval = 0;
out:
	sf_db_rollback(db);
	conf_release(&c);
	return rval;
}

/* show, list */

static int
cmd_show(struct sf_db *db, const char *name, enum sf_report_format fmt)
{
	struct sf_report rep;
	struct sf_err err;
	struct conf *c;
	size_t n, i;

	if (conf_query(db, name, &c, &n, &err) == -1) {
		sf_error("%s", err.msg);
		return SF_EXIT_FAIL;
	}
	if (name != NULL && n == 0) {
		sf_error("configuration '%s': not defined", name);
		free(c);
		return SF_EXIT_FAIL;
	}
	sf_report_init(&rep, stdout, fmt, "config", conf_cols, C_NCOLS);
	for (i = 0; i < n; i++)
		sf_report_put(&rep, (const char *const *)c[i].v);
	sf_report_finish(&rep);
	sf_report_release(&rep);
	confs_free(c, n);
	return 0;
}

/* rm, enable, disable */

static int
cmd_rm(struct sf_db *db, int argc, char **argv)
{
	struct sf_err err;
	sqlite3_stmt *st;
	int i, rc, rval = 0;

	st = sf_db_prepare(db, "DELETE FROM pull_configurations "
	    "WHERE name = ?1", &err);
	if (st == NULL) {
		sf_error("%s", err.msg);
		return SF_EXIT_FAIL;
	}
	for (i = 0; i < argc; i++) {
		sqlite3_reset(st);
		sf_db_bind_text(st, 1, argv[i]);
		if ((rc = sqlite3_step(st)) != SQLITE_DONE) {
			sf_db_fail(db, "removing a configuration", &err);
			sf_error("%s", err.msg);
			rval = SF_EXIT_FAIL;
			break;
		}
		if (sqlite3_changes(db->h) == 0) {
			sf_error("configuration '%s': not defined", argv[i]);
			rval = SF_EXIT_FAIL;
		} else
			sf_info("configuration '%s': removed", argv[i]);
	}
	sqlite3_finalize(st);
	return rval;
}

static int
cmd_enable(struct sf_db *db, int argc, char **argv, int on, int64_t now)
{
	char nowbuf[SF_TIME_LEN], nextbuf[SF_TIME_LEN];
	struct sf_err err;
	sqlite3_stmt *st;
	struct conf c;
	int i, rc, rval = 0;

	sf_time_format(now, nowbuf);
	st = sf_db_prepare(db, "UPDATE pull_configurations SET is_enabled = "
	    "?2, next_run_at = ?3, updated_at = ?4 WHERE id = ?1", &err);
	if (st == NULL) {
		sf_error("%s", err.msg);
		return SF_EXIT_FAIL;
	}
	for (i = 0; i < argc; i++) {
		if ((rc = conf_get(db, argv[i], &c)) != 0) {
			rval = SF_EXIT_FAIL;
			if (rc == -1)
				break;
			continue;
		}
		sqlite3_reset(st);
		sqlite3_bind_int64(st, 1, c.id);
		sqlite3_bind_int(st, 2, on);
		sf_db_bind_text(st, 3, on ? next_run(c.v[C_SCHEDULE_TYPE],
		    c.v[C_SCHEDULE], now, nextbuf) : NULL);
		sf_db_bind_text(st, 4, nowbuf);
		rc = sqlite3_step(st);
		conf_release(&c);
		if (rc != SQLITE_DONE) {
			sf_db_fail(db, "changing a configuration", &err);
			sf_error("%s", err.msg);
			rval = SF_EXIT_FAIL;
			break;
		}
		sf_info("configuration '%s': %s", argv[i],
		    on ? "enabled" : "disabled");
	}
	sqlite3_finalize(st);
	return rval;
}

/* stations */

/* A station to add; name, huc and state may be NULL. */
struct station {
	char *id, *name, *huc, *state;
};

static void
stations_free(struct station *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		free(s[i].id);
		free(s[i].name);
		free(s[i].huc);
		free(s[i].state);
	}
	free(s);
}

static char *
dup_or_null(const char *s)
{
	return s != NULL && *s != '\0' ? sf_strdup(s) : NULL;
}

/*
 * Reads station records from stdin, checked against the configuration
 * (name, agency), onto *list. Returns the number of bad records, or -1
 * when the input could not be read to the end.
 */
static long
read_stations(const char *name, const char *agency, struct station **list,
    size_t *n)
{
	struct sf_reader *rd = sf_reader_new(stdin, "-");
	const char *id, *ag;
	struct sf_rec rec;
	struct sf_err err;
	long bad = 0, nrec = 0;
	int rc;

	while ((rc = sf_reader_next(rd, &rec, &err)) != 0) {
		if (rc == -2) {
			sf_error("%s", err.msg);
			bad = -1;
			break;
		}
		if (rc == -1) {
			sf_error("%s", err.msg);
			bad++;
			continue;
		}
		nrec++;
		if (rec.kind != SF_KIND_STATION) {
			sf_error("stdin:%ld: a %s record, not a station "
			    "record", sf_reader_line(rd),
			    sf_kind_info(rec.kind)->name);
			bad++;
			continue;
		}
		id = rec.f[SF_ST_STATION];
		ag = rec.f[SF_ST_AGENCY];
		if (id == NULL || *id == '\0') {
			sf_error("stdin:%ld: station record without a "
			    "station", sf_reader_line(rd));
			bad++;
			continue;
		}
		if (ag != NULL && strcmp(ag, agency) != 0) {
			sf_error("stdin:%ld: station '%s': agency %s, but "
			    "configuration '%s' is %s", sf_reader_line(rd),
			    id, ag, name, agency);
			bad++;
			continue;
		}
		if (sf_id_check(agency, id, &err) == -1) {
			sf_error("stdin:%ld: %s", sf_reader_line(rd),
			    err.msg);
			bad++;
			continue;
		}
		*list = sf_realloc(*list, (*n + 1) * sizeof(**list));
		(*list)[*n].id = sf_strdup(id);
		(*list)[*n].name = dup_or_null(rec.f[SF_ST_NAME]);
		(*list)[*n].huc = dup_or_null(rec.f[SF_ST_HUC_CODE]);
		(*list)[*n].state = dup_or_null(rec.f[SF_ST_STATE]);
		(*n)++;
	}
	sf_reader_free(rd);
	if (bad == 0 && nrec == 0)
		sf_warn("configuration '%s': no station records on stdin",
		    name);
	return bad;
}

static int
stations_add(struct sf_db *db, const struct conf *c, int argc, char **argv,
    int64_t now)
{
	static const char sql[] =
	    "INSERT INTO pull_configuration_stations (config_id, "
	    "station_number, station_name, huc_code, state) VALUES (?1, ?2, "
	    "coalesce(?3, (SELECT station_name FROM master_stations WHERE "
	    "station_number = ?2)), coalesce(?4, (SELECT huc_code FROM "
	    "master_stations WHERE station_number = ?2)), coalesce(?5, "
	    "(SELECT state_code FROM master_stations WHERE station_number = "
	    "?2))) ON CONFLICT (config_id, station_number) DO UPDATE SET "
	    "station_name = coalesce(excluded.station_name, station_name), "
	    "huc_code = coalesce(excluded.huc_code, huc_code), "
	    "state = coalesce(excluded.state, state)";
	const char *name = c->v[C_NAME], *agency = c->v[C_AGENCY];
	char nowbuf[SF_TIME_LEN];
	struct station *list = NULL;
	struct sf_err err;
	sqlite3_stmt *st = NULL, *old = NULL, *upd = NULL;
	size_t n = 0, i, nnew = 0;
	long bad = 0, b;
	int k, rc, stdin_read = 0, rval = SF_EXIT_FAIL;

	if (agency == NULL) {
		sf_error("configuration '%s': no agency (sf-config set %s "
		    "--agency USGS|EC)", name, name);
		return SF_EXIT_FAIL;
	}
	for (k = 0; k < argc; k++) {
		if (strcmp(argv[k], "-") == 0) {
			if (stdin_read++)
				continue;
			if ((b = read_stations(name, agency, &list, &n)) < 0)
				goto out;
			bad += b;
			continue;
		}
		if (sf_id_check(agency, argv[k], &err) == -1) {
			sf_error("%s", err.msg);
			bad++;
			continue;
		}
		list = sf_realloc(list, (n + 1) * sizeof(*list));
		memset(&list[n], 0, sizeof(*list));
		list[n++].id = sf_strdup(argv[k]);
	}
	if (bad > 0) {
		sf_error("configuration '%s': nothing added (%ld bad "
		    "station%s)", name, bad, bad == 1 ? "" : "s");
		goto out;
	}
	if (sf_db_begin(db, &err) == -1)
		goto dberr;
	st = sf_db_prepare(db, sql, &err);
	old = sf_db_prepare(db, "SELECT 1 FROM pull_configuration_stations "
	    "WHERE config_id = ?1 AND station_number = ?2", &err);
	upd = sf_db_prepare(db, "UPDATE pull_configurations SET updated_at = "
	    "?2 WHERE id = ?1", &err);
	if (st == NULL || old == NULL || upd == NULL)
		goto dberr;
	for (i = 0; i < n; i++) {
		sqlite3_reset(old);
		sqlite3_bind_int64(old, 1, c->id);
		sf_db_bind_text(old, 2, list[i].id);
		if ((rc = sqlite3_step(old)) == SQLITE_DONE)
			nnew++;
		else if (rc != SQLITE_ROW)
			goto dbfail;
		sqlite3_reset(st);
		sqlite3_bind_int64(st, 1, c->id);
		sf_db_bind_text(st, 2, list[i].id);
		sf_db_bind_text(st, 3, list[i].name);
		sf_db_bind_text(st, 4, list[i].huc);
		sf_db_bind_text(st, 5, list[i].state);
		if (sqlite3_step(st) != SQLITE_DONE)
			goto dbfail;
	}
	sf_time_format(now, nowbuf);
	sqlite3_bind_int64(upd, 1, c->id);
	sf_db_bind_text(upd, 2, nowbuf);
	if (n > 0 && sqlite3_step(upd) != SQLITE_DONE)
		goto dbfail;
	if (sf_db_commit(db, &err) == -1)
		goto dberr;
	sf_info("configuration '%s': %zu station%s added, %zu already there",
	    name, nnew, nnew == 1 ? "" : "s", n - nnew);
	rval = 0;
	goto out;
dbfail:
	sf_db_fail(db, "adding stations", &err);
dberr:
	sf_error("%s", err.msg);
out:
	sqlite3_finalize(st);
	sqlite3_finalize(old);
	sqlite3_finalize(upd);
	sf_db_rollback(db);
	stations_free(list, n);
	return rval;
}

static int
stations_rm(struct sf_db *db, const struct conf *c, int argc, char **argv,
    int64_t now)
{
	const char *name = c->v[C_NAME];
	char nowbuf[SF_TIME_LEN];
	sqlite3_stmt *st = NULL, *prog = NULL, *upd = NULL;
	struct sf_err err;
	int i, removed = 0, rval = 0;

	if (sf_db_begin(db, &err) == -1)
		goto dberr;
	st = sf_db_prepare(db, "DELETE FROM pull_configuration_stations "
	    "WHERE config_id = ?1 AND station_number = ?2", &err);
	prog = sf_db_prepare(db, "DELETE FROM pull_station_progress "
	    "WHERE config_id = ?1 AND station_number = ?2", &err);
	upd = sf_db_prepare(db, "UPDATE pull_configurations SET updated_at = "
	    "?2 WHERE id = ?1", &err);
	if (st == NULL || prog == NULL || upd == NULL)
		goto dberr;
	for (i = 0; i < argc; i++) {
		sqlite3_reset(st);
		sqlite3_bind_int64(st, 1, c->id);
		sf_db_bind_text(st, 2, argv[i]);
		if (sqlite3_step(st) != SQLITE_DONE)
			goto dbfail;
		if (sqlite3_changes(db->h) == 0) {
			sf_error("configuration '%s': station '%s': not a "
			    "station of the configuration", name, argv[i]);
			rval = SF_EXIT_FAIL;
			continue;
		}
		removed++;
		sqlite3_reset(prog);
		sqlite3_bind_int64(prog, 1, c->id);
		sf_db_bind_text(prog, 2, argv[i]);
		if (sqlite3_step(prog) != SQLITE_DONE)
			goto dbfail;
	}
	sf_time_format(now, nowbuf);
	sqlite3_bind_int64(upd, 1, c->id);
	sf_db_bind_text(upd, 2, nowbuf);
	if (removed > 0 && sqlite3_step(upd) != SQLITE_DONE)
		goto dbfail;
	if (sf_db_commit(db, &err) == -1)
		goto dberr;
	sf_info("configuration '%s': %d station%s removed", name, removed,
	    removed == 1 ? "" : "s");
	goto out;
dbfail:
	sf_db_fail(db, "removing stations", &err);
dberr:
	sf_error("%s", err.msg);
	rval = SF_EXIT_FAIL;
out:
	sqlite3_finalize(st);
	sqlite3_finalize(prog);
	sqlite3_finalize(upd);
	sf_db_rollback(db);
	return rval;
}

/* Writes the stations of c as station records. */
static int
stations_list(struct sf_db *db, const struct conf *c, enum sf_format fmt)
{
	static const char sql[] =
	    "SELECT s.station_number, s.station_name, m.latitude, "
	    "m.longitude, s.state, s.huc_code, m.drainage_area_sqmi, "
	    "m.altitude_ft, m.utc_offset, CASE m.uses_dst WHEN 1 THEN 'true' "
	    "WHEN 0 THEN 'false' END "
	    "FROM pull_configuration_stations s LEFT JOIN master_stations m "
	    "ON m.station_number = s.station_number "
	    "WHERE s.config_id = ?1 ORDER BY s.station_number";
	static const int field[] = {
		SF_ST_STATION, SF_ST_NAME, SF_ST_LATITUDE, SF_ST_LONGITUDE,
		SF_ST_STATE, SF_ST_HUC_CODE, SF_ST_DRAINAGE_AREA_SQMI,
		SF_ST_ALTITUDE_FT, SF_ST_UTC_OFFSET, SF_ST_USES_DST
	};
	char num[sizeof(field) / sizeof(field[0])][SF_NUM_LEN];
	struct sf_writer *w;
	struct sf_rec rec;
	struct sf_err err;
	sqlite3_stmt *st;
	size_t i;
	int rc, rval = 0;

	if ((st = sf_db_prepare(db, sql, &err)) == NULL) {
		sf_error("%s", err.msg);
		return SF_EXIT_FAIL;
	}
	sqlite3_bind_int64(st, 1, c->id);
	w = sf_writer_new(stdout, fmt);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		sf_rec_clear(&rec, SF_KIND_STATION);
		rec.f[SF_ST_AGENCY] = c->v[C_AGENCY];
		for (i = 0; i < sizeof(field) / sizeof(field[0]); i++) {
			/* sqlite writes 11560.0: use the shortest form */
			if (sqlite3_column_type(st, (int)i) == SQLITE_FLOAT) {
				sf_str_fmt_double(sqlite3_column_double(st,
				    (int)i), num[i]);
				rec.f[field[i]] = num[i];
			} else
				rec.f[field[i]] = (const char *)
				    sqlite3_column_text(st, (int)i);
		}
		if (sf_writer_put(w, &rec, &err) == -1) {
			sf_error("%s", err.msg);
			rval = SF_EXIT_FAIL;
		}
	}
	if (rc != SQLITE_DONE) {
		sf_db_fail(db, "reading stations", &err);
		sf_error("%s", err.msg);
		rval = SF_EXIT_FAIL;
	}
	sf_writer_free(w);
	sqlite3_finalize(st);
	return rval;
}

static int
cmd_stations(struct sf_db *db, int argc, char **argv, enum sf_format fmt,
    int64_t now)
{
	struct conf c;
	int r;

	if ((r = conf_get(db, argv[0], &c)) != 0)
		return SF_EXIT_FAIL;
	if (strcmp(argv[1], "add") == 0)
		r = stations_add(db, &c, argc - 2, argv + 2, now);
	else if (strcmp(argv[1], "rm") == 0)
		r = stations_rm(db, &c, argc - 2, argv + 2, now);
	else
		r = stations_list(db, &c, fmt);
	conf_release(&c);
	return r;
}

/* crontab */

/* Where the crontab lines point: all absolute. */
struct paths {
	char *bin;	/* the directory of this sf-config */
	char *db;	/* the database */
	char *dir;	/* its directory: lock and log files */
};

static void
paths_release(struct paths *p)
{
	free(p->bin);
	free(p->db);
	free(p->dir);
}

/* The directory part of path ("." when it has none); caller frees. */
static char *
dir_of(const char *path)
{
	const char *slash = strrchr(path, '/');

	if (slash == NULL)
		return sf_strdup(".");
	if (slash == path)
		return sf_strdup("/");
	return sf_strndup(path, (size_t)(slash - path));
}

/* Fills p for the database at dbpath. Returns 0, or -1 after reporting. */
static int
paths_find(const char *dbpath, struct paths *p)
{
	char buf[PATH_MAX], *d, *real;
	const char *base;
	ssize_t n;

	memset(p, 0, sizeof(*p));
	if ((n = readlink("/proc/self/exe", buf, sizeof(buf) - 1)) < 0) {
		sf_error("cannot find this program's directory: "
		    "/proc/self/exe: %s", strerror(errno));
		return -1;
	}
	buf[n] = '\0';
	p->bin = dir_of(buf);
	d = dir_of(dbpath);
	real = realpath(d, NULL);
	if (real == NULL) {
		sf_error("database directory '%s': %s", d, strerror(errno));
		free(d);
		paths_release(p);
		return -1;
	}
	free(d);
	base = strrchr(dbpath, '/');
	base = base ? base + 1 : dbpath;
	p->dir = sf_strdup(real);
	p->db = sf_malloc(strlen(real) + strlen(base) + 2);
	snprintf(p->db, strlen(real) + strlen(base) + 2, "%s%s%s", real,
	    strcmp(real, "/") == 0 ? "" : "/", base);
	free(real);
	return 0;
}

/* Appends the lines of c to out. Returns 0, 1 for none, -1 (reported). */
static int
cron_line(const struct conf *c, const struct paths *p, struct sf_buf *out)
{
	struct sf_crontab_conf cc;
	struct sf_crontab_env e;
	struct sf_err err;
	int rc;

	cc.name = c->v[C_NAME];
	cc.type = c->v[C_TYPE];
	cc.agency = c->v[C_AGENCY];
	cc.source = c->v[C_SOURCE];
	cc.schedule_type = c->v[C_SCHEDULE_TYPE];
	cc.schedule = c->v[C_SCHEDULE];
	e.bin = p->bin;
	e.db = p->db;
	e.dir = p->dir;
	e.xdg_config_home = getenv("XDG_CONFIG_HOME");
	if ((rc = sf_crontab_line(&cc, &e, out, &err)) == 1)
		sf_warn("%s", err.msg);
	else if (rc == -1)
		sf_error("%s", err.msg);
	return rc;
}

/*
 * The lines of the named configurations (all enabled ones when argc is
 * 0) into out; *nlines counts the configurations that got one. Returns 0,
 * or 1 after reporting a configuration that got no line because of an
 * error.
 */
static int
cron_lines(struct sf_db *db, const struct paths *p, int argc, char **argv,
    struct sf_buf *out, int *nlines)
{
	struct sf_err err;
	struct conf *c = NULL, *one;
	size_t n = 0, k, i;
	int rval = 0, rc;

	*nlines = 0;
	if (argc == 0) {
		if (conf_query(db, NULL, &c, &n, &err) == -1) {
			sf_error("%s", err.msg);
			return SF_EXIT_FAIL;
		}
	}
	for (i = 0; i < (size_t)argc; i++) {
		if (conf_query(db, argv[i], &one, &k, &err) == -1) {
			sf_error("%s", err.msg);
			rval = SF_EXIT_FAIL;
			break;
		}
		if (k == 0) {
			sf_error("configuration '%s': not defined", argv[i]);
			rval = SF_EXIT_FAIL;
			free(one);
			continue;
		}
		if (strcmp(one[0].v[C_ENABLED], "true") != 0)
			sf_warn("configuration '%s' is disabled: no crontab "
			    "line", argv[i]);
		c = sf_realloc(c, (n + 1) * sizeof(*c));
		c[n++] = one[0];
		free(one);
	}
	for (i = 0; i < n; i++) {
		if (strcmp(c[i].v[C_ENABLED], "true") != 0)
			continue;
		if ((rc = cron_line(&c[i], p, out)) == -1)
			rval = SF_EXIT_FAIL;
		else if (rc == 0)
			++*nlines;
	}
	confs_free(c, n);
	return rval;
}

/* The crontab command: $SF_CRONTAB, else crontab. */
static const char *
crontab_cmd(void)
{
	const char *s = getenv("SF_CRONTAB");

	return s != NULL && *s != '\0' ? s : "crontab";
}

/*
 * Runs "CRONTAB arg", feeding it in (when not NULL) and collecting its
 * standard output into out (when not NULL) and its standard error into
 * errtext. Returns its exit status (128 + N for signal N), or -1 after
 * reporting a failure to run it.
 */
static int
run_crontab(const char *arg, const struct sf_buf *in, struct sf_buf *out,
    struct sf_buf *errtext)
{
	const char *cmd = crontab_cmd();
	char buf[4096];
	FILE *ef;
	pid_t pid;
	ssize_t k;
	size_t off;
	int fd[2], status;

	if ((ef = tmpfile()) == NULL) {
		sf_error("cannot make a temporary file: %s", strerror(errno));
		return -1;
	}
	if (pipe(fd) == -1) {
		sf_error("cannot make a pipe: %s", strerror(errno));
		fclose(ef);
		return -1;
	}
	fflush(stdout);
	if ((pid = fork()) == -1) {
		sf_error("cannot fork: %s", strerror(errno));
		close(fd[0]);
		close(fd[1]);
		fclose(ef);
		return -1;
	}
	if (pid == 0) {
		signal(SIGPIPE, SIG_DFL);
		if (in != NULL)
			dup2(fd[0], 0);
		else
			dup2(fd[1], 1);
		dup2(fileno(ef), 2);
		close(fd[0]);
		close(fd[1]);
		execlp(cmd, cmd, arg, (char *)NULL);
		fprintf(stderr, "cannot run '%s': %s\n", cmd,
		    strerror(errno));
		_exit(127);
	}
	if (in != NULL) {
		close(fd[0]);
		for (off = 0; off < in->len; off += (size_t)k) {
			k = write(fd[1], in->buf + off, in->len - off);
			if (k < 0 && errno == EINTR) {
				k = 0;
				continue;
			}
			if (k < 0)
				break;	/* its exit status tells */
		}
		close(fd[1]);
	} else {
		close(fd[1]);
		while ((k = read(fd[0], buf, sizeof(buf))) != 0) {
			if (k < 0 && errno == EINTR)
				continue;
			if (k < 0)
				break;
			sf_buf_add(out, buf, (size_t)k);
		}
		close(fd[0]);
	}
	while (waitpid(pid, &status, 0) == -1)
		if (errno != EINTR) {
			sf_error("waiting for '%s': %s", cmd, strerror(errno));
			fclose(ef);
			return -1;
		}
	rewind(ef);
	while ((off = fread(buf, 1, sizeof(buf), ef)) > 0)
		sf_buf_add(errtext, buf, off);
	fclose(ef);
	while (errtext->len > 0 && errtext->buf[errtext->len - 1] == '\n')
		errtext->buf[--errtext->len] = '\0';
	if (WIFSIGNALED(status))
		return 128 + WTERMSIG(status);
	return WEXITSTATUS(status);
}

/*
 * Replaces the block of the database db in the user's crontab by lines
 * (removes it when lines is empty). Returns 0, or 1 after reporting.
 */
static int
install(const char *db, const struct sf_buf *lines)
{
	struct sf_buf old = SF_BUF_INIT, new = SF_BUF_INIT;
	struct sf_buf errtext = SF_BUF_INIT;
	const char *cmd = crontab_cmd();
	struct sf_err err;
	int rc, rval = SF_EXIT_FAIL;

	rc = run_crontab("-l", NULL, &old, &errtext);
	if (rc == -1)
		goto out;
	if (rc != 0) {
		if (strstr(errtext.buf, "no crontab for") == NULL) {
			sf_error("'%s -l' failed (exit %d)%s%s", cmd, rc,
			    errtext.len ? ": " : "", errtext.buf);
			goto out;
		}
		sf_buf_reset(&old);
	}
	if (sf_crontab_merge(old.buf, old.len, db, lines->buf, &new,
	    &err) == -1) {
		sf_error("crontab: %s", err.msg);
		goto out;
	}
	if (new.len == old.len && memcmp(new.buf, old.buf, new.len) == 0) {
		sf_info("crontab unchanged");
		rval = 0;
		goto out;
	}
	sf_buf_reset(&errtext);
	signal(SIGPIPE, SIG_IGN);
	rc = run_crontab("-", &new, NULL, &errtext);
	signal(SIGPIPE, SIG_DFL);
	if (rc == -1)
		goto out;
	if (rc != 0) {
		sf_error("'%s -' failed (exit %d)%s%s", cmd, rc,
		    errtext.len ? ": " : "", errtext.buf);
		goto out;
	}
	sf_info(lines->len > 0 ? "crontab installed" :
	    "crontab: block of '%s' removed", db);
	rval = 0;
out:
	sf_buf_release(&old);
	sf_buf_release(&new);
	sf_buf_release(&errtext);
	return rval;
}

static int
cmd_crontab(struct sf_db *db, int argc, char **argv, int do_install)
{
	struct sf_buf lines = SF_BUF_INIT;
	struct paths p;
	int rval, n;

	if (paths_find(db->path, &p) == -1)
		return SF_EXIT_FAIL;
	rval = cron_lines(db, &p, argc, argv, &lines, &n);
	if (do_install) {
		if (rval == 0 && n == 0) {
			sf_error("database '%s': no enabled configuration to "
			    "run (sf-config crontab --uninstall removes its "
			    "block)", p.db);
			rval = SF_EXIT_FAIL;
		}
		if (rval != 0)
			sf_error("crontab not changed");
		else
			rval = install(p.db, &lines);
	} else
		fwrite(lines.buf, 1, lines.len, stdout);
	sf_buf_release(&lines);
	paths_release(&p);
	return rval;
}

/* Removes the block of the database dbopt names from the crontab. */
static int
cmd_uninstall(const char *dbopt)
{
	struct sf_buf path = SF_BUF_INIT, none = SF_BUF_INIT;
	struct paths p;
	struct sf_err err;
	int is_default, rval;

	if (sf_db_path(dbopt, &path, &is_default, &err) == -1) {
		sf_error("%s", err.msg);
		return SF_EXIT_FAIL;
	}
	if (paths_find(path.buf, &p) == -1) {
		sf_buf_release(&path);
		return SF_EXIT_FAIL;
	}
	rval = install(p.db, &none);
	paths_release(&p);
	sf_buf_release(&path);
	return rval;
}

/* main */

enum cmd {
	ADD, SET, SHOW, LIST, RM, ENABLE, DISABLE, STATIONS, CRONTAB, NCMDS
};

static const char *const cmd_names[NCMDS] = {
	"add", "set", "show", "list", "rm", "enable", "disable", "stations",
	"crontab"
};

/* Exits with a usage error for an option cmd does not take. */
static void
not_an_option(const char *cmd, const char *dashes, const char *opt)
{
	sf_error("%s: %s%s is not one of its options", cmd, dashes, opt);
	sf_usage_die();
}

int
main(int argc, char *argv[])
{
	struct fields f;
	struct sf_db *db;
	struct sf_err err;
	enum cmd cmd;
	enum sf_report_format ofmt;
	const char *dbpath = NULL, *format = NULL, *fieldopt = NULL;
	const char *cname;
	int64_t now;
	int c, i, do_install = 0, do_uninstall = 0, rval = 0;

	sf_log_init(argv[0]);
	argv[0] = (char *)sf_log_progname();	/* for getopt's messages */
	memset(&f, 0, sizeof(f));
	sf_buf_init(&f.schedule);
	while ((c = getopt_long(argc, argv, "f:hqvV", longopts, NULL)) != -1) {
		switch (c) {
		case 'A':
		case 'a':
		case 'b':
		case 'D':
		case 'S':
		case 's':
		case 't':
		case 'W':
		case 'y':
			for (i = 0; longopts[i].name != NULL; i++)
				if (longopts[i].val == c)
					fieldopt = longopts[i].name;
			field_opt(&f, c, optarg);
			break;
		case 'd':
			dbpath = optarg;
			break;
		case 'f':
			format = optarg;
			break;
		case 'I':
			do_install = 1;
			break;
		case 'U':
			do_uninstall = 1;
			break;
		default:
			if (!sf_common_opt(c, usage_text, SF_VERSION))
				sf_usage_die();
		}
	}
	argc -= optind;
	argv += optind;

	if (argc == 0) {
		sf_error("no command: add, set, show, list, rm, enable, "
		    "disable, stations or crontab");
		sf_usage_die();
	}
	for (cmd = 0; cmd < NCMDS; cmd++)
		if (strcmp(argv[0], cmd_names[cmd]) == 0)
			break;
	if (cmd == NCMDS) {
		sf_error("command '%s': unknown (add, set, show, list, rm, "
		    "enable, disable, stations or crontab)", argv[0]);
		sf_usage_die();
	}
	cname = argv[0];
	argc--;
	argv++;

	/* which options and arguments each command takes */
	if (fieldopt != NULL && cmd != ADD && cmd != SET)
		not_an_option(cname, "--", fieldopt);
	if (do_install && cmd != CRONTAB)
		not_an_option(cname, "--", "install");
	if (do_uninstall && cmd != CRONTAB)
		not_an_option(cname, "--", "uninstall");
	if (format != NULL && cmd != SHOW && cmd != LIST &&
	    !(cmd == STATIONS && argc >= 2 && strcmp(argv[1], "list") == 0))
		not_an_option(cname, "-", "f");
	ofmt = cmd == SHOW ? SF_REPORT_KEYS : cmd == LIST ? SF_REPORT_TABLE :
	    SF_REPORT_NDJSON;
	if (format != NULL) {
		if (sf_report_format_parse(format, &ofmt, &err) == -1 ||
		    (ofmt == SF_REPORT_TABLE && cmd != LIST)) {
			sf_error("format '%s': unknown (%s)", format,
			    cmd == LIST ? "table, csv or ndjson" :
			    "csv or ndjson");
			sf_usage_die();
		}
	}
	switch (cmd) {
	case ADD:
	case SET:
	case SHOW:
		if (argc != 1) {
			sf_error("%s: %s", cname, argc == 0 ?
			    "no configuration named" :
			    "one configuration only");
			sf_usage_die();
		}
		if (cmd == ADD)
			check_name(argv[0]);
		break;
	case LIST:
		if (argc != 0) {
			sf_error("list: no arguments (sf-config show NAME "
			    "shows one)");
			sf_usage_die();
		}
		break;
	case RM:
	case ENABLE:
	case DISABLE:
		if (argc == 0) {
			sf_error("%s: no configuration named", cname);
			sf_usage_die();
		}
		break;
	case STATIONS:
		if (argc < 2 || (strcmp(argv[1], "add") != 0 &&
		    strcmp(argv[1], "rm") != 0 &&
		    strcmp(argv[1], "list") != 0)) {
			sf_error("stations: give a configuration and add, rm "
			    "or list");
			sf_usage_die();
		}
		if (strcmp(argv[1], "list") == 0 ? argc != 2 : argc < 3) {
			sf_error("stations %s: %s", argv[1],
			    argc == 2 ? "no station named" : "no arguments");
			sf_usage_die();
		}
		break;
	case CRONTAB:
		if (do_install && do_uninstall) {
			sf_error("crontab: --install or --uninstall, not both");
			sf_usage_die();
		}
		if ((do_install || do_uninstall) && argc > 0) {
			sf_error("crontab %s: no names (the crontab gets "
			    "every enabled configuration)", do_install ?
			    "--install" : "--uninstall");
			sf_usage_die();
		}
		break;
	default:
		break;
	}
	if (cmd == ADD) {
		if (f.type == NULL || f.agency == NULL || !f.has_start ||
		    !f.has_schedule) {
			sf_error("add: %s is required", f.type == NULL ?
			    "--type" : f.agency == NULL ? "--agency" :
			    !f.has_start ? "--start" : "--schedule");
			sf_usage_die();
		}
		if (strcmp(f.type, "forecast") == 0 && f.source == NULL) {
			sf_error("add: a forecast configuration needs "
			    "--source");
			sf_usage_die();
		}
		if (strcmp(f.type, "forecast") != 0 && f.source != NULL) {
			sf_error("add: --source is only for forecast "
			    "configurations");
			sf_usage_die();
		}
	}

	if (sf_time_now(&now, &err) == -1)
		sf_die(SF_EXIT_USAGE, "%s", err.msg);
	if (cmd == CRONTAB && do_uninstall) {
		rval = cmd_uninstall(dbpath);
		goto done;
	}
	/* only add creates a database: a typo elsewhere is an error */
	if ((db = sf_db_open_opt(dbpath, cmd == ADD ? SF_DB_CREATE :
	    cmd == SHOW || cmd == LIST || cmd == CRONTAB || (cmd == STATIONS &&
	    strcmp(argv[1], "list") == 0) ? SF_DB_READONLY : 0, &err)) == NULL)
		sf_die(SF_EXIT_FAIL, "%s", err.msg);
	switch (cmd) {
	case ADD:
		rval = cmd_add(db, argv[0], &f, now);
		break;
	case SET:
		rval = cmd_set(db, argv[0], &f, now);
		break;
	case SHOW:
		rval = cmd_show(db, argv[0], ofmt);
		break;
	case LIST:
		rval = cmd_show(db, NULL, ofmt);
		break;
	case RM:
		rval = cmd_rm(db, argc, argv);
		break;
	case ENABLE:
	case DISABLE:
		rval = cmd_enable(db, argc, argv, cmd == ENABLE, now);
		break;
	case STATIONS:
		rval = cmd_stations(db, argc, argv, ofmt == SF_REPORT_CSV ?
		    SF_FMT_CSV : SF_FMT_NDJSON, now);
		break;
	case CRONTAB:
		rval = cmd_crontab(db, argc, argv, do_install);
		break;
	default:
		break;
	}
	sf_db_close(db);
done:
	sf_buf_release(&f.schedule);
	if (sf_fshut(stdout, "stdout"))
		rval = SF_EXIT_FAIL;
	return rval;
}
