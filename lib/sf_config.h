/*
 * sf_config: pull configurations, the rows of pull_configurations and
 * pull_configuration_stations; the one reader and writer of those tables.
 *
 * Functions that take a configuration by name return 1, with err saying
 * "configuration 'NAME': not defined", when there is none, so that a
 * caller can go on with the next name; -1 is a database error or a
 * refusal (err says which).
 */
#ifndef SF_CONFIG_H
#define SF_CONFIG_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "sf_db.h"
#include "sf_buf.h"
#include "sf_err.h"
#include "sf_rec.h"
#include "sf_report.h"
#include "sf_time.h"

/* The longest configuration name. */
#define SF_CONFIG_NAME_MAX	64

/* A configuration. Strings are owned (sf_config_release), NULL for NULL. */
struct sf_config {
	long long id;
	char *name, *description, *type, *strategy, *agency, *source;
	char *start;			/* pull_start_date */
	char *schedule_type;		/* "cron", "interval", "manual" */
	char *schedule;			/* schedule_value */
	int enabled;
	long long stations;		/* how many */
	char *last_run_at, *next_run_at, *created_at, *updated_at;
	long long revision_window_days;	/* 0: NULL, the default */
	long long stale_after_seconds;	/* 0: NULL, the type's default */
};

/*
 * What to write: a field left NULL (or its has_ flag 0) keeps its value
 * in sf_config_set. All borrowed. Values are checked by the caller
 * against their vocabularies; schedule is stored as given.
 */
struct sf_config_change {
	const char *description;	/* "" removes it */
	const char *type, *strategy, *agency, *source, *start;
	const char *schedule_type, *schedule;	/* both or neither */
	int has_window, has_stale;
	long long window, stale;	/* 0: back to NULL */
};

/*
 * A change read from command-line options, with the storage its strings
 * point into. Initialise with sf_config_opts_init, release with
 * sf_config_opts_release.
 */
struct sf_config_opts {
	struct sf_config_change ch;
	char start[SF_TIME_LEN];
	struct sf_buf schedule;
};

/* A station to add; id required, the others may be NULL. Borrowed. */
struct sf_config_station {
	const char *id, *name, *huc, *state;
};

/* A list of stations to add, owning its strings. Zero it to start. */
struct sf_config_stations {
	struct sf_config_station *v;
	size_t n;
	char **owned;
	size_t nowned;
};

/*
 * 1 when name can name a configuration: 1 to SF_CONFIG_NAME_MAX letters,
 * digits, '-', '_' or '.', not starting with '-' or '.' (it names lock
 * and log files and goes unquoted into crontab lines), else 0.
 */
int sf_config_name_ok(const char *name);

/*
 * The report columns of a configuration (sf_report), in the order of
 * sf_config_cells: name, description, type, strategy, agency, source,
 * start, schedule_type, schedule, enabled, stations, last_run_at,
 * next_run_at, created_at, updated_at, revision_window_days and
 * stale_after_seconds; the table shows name, type, agency, source,
 * schedule, enabled, stations and next_run_at.
 */
#define SF_CONFIG_NCOLS 17
extern const struct sf_report_col sf_config_cols[SF_CONFIG_NCOLS];

/* Room for the numbers sf_config_cells writes. */
struct sf_config_nums {
	char n[3][SF_NUM_LEN];
};

/*
 * Fills v with the cells of c for sf_report_put (NULL for NULL); the
 * numbers are written into nums. Borrowed from c and nums.
 */
void sf_config_cells(const struct sf_config *c, struct sf_config_nums *nums,
    const char *v[SF_CONFIG_NCOLS]);

void sf_config_opts_init(struct sf_config_opts *o);
void sf_config_opts_release(struct sf_config_opts *o);

/*
 * Takes the value arg of the option --opt ("type", "agency", "strategy",
 * "source", "start", "schedule", "description", "revision-window",
 * "stale-after") into o->ch: words of their vocabulary in any case
 * (stored as listed), a start date or instant, a schedule that parses and
 * runs (stored with its fields joined by one space), a description
 * without control characters of at most 1000 bytes, a window of 1 to
 * 3660 days, a duration (sf_sched_duration_parse); "default" sets the
 * last two back to NULL. Returns 0, or -1 with err ("--agency 'NOAA': not
 * USGS or EC", "schedule '61 * * * *': minute 61 out of range (0-59)").
 */
int sf_config_opt(struct sf_config_opts *o, const char *opt,
    const char *arg, struct sf_err *err);

void sf_config_release(struct sf_config *c);
/* Releases the n configurations of the array c and frees it. */
void sf_config_free(struct sf_config *c, size_t n);

/*
 * The configuration named name, or every one (name NULL), ordered by
 * name, into a new array *out of *n (caller frees with sf_config_free).
 * Returns 0, or -1 with err.
 */
int sf_config_list(struct sf_db *db, const char *name,
    struct sf_config **out, size_t *n, struct sf_err *err);

/* The configuration named name into *c (caller releases). 0, 1, -1. */
int sf_config_get(struct sf_db *db, const char *name, struct sf_config *c,
    struct sf_err *err);

/*
 * The first run of schedule (of schedule_type) after now, as text into
 * buf; NULL when it has none (manual, unparsable, never runs).
 */
const char *sf_config_next_run(const char *schedule_type,
    const char *schedule, int64_t now, char buf[SF_TIME_LEN]);

/*
 * Adds the configuration name, enabled, with the fields of ch (type,
 * agency, start and schedule required; strategy "append" by default) and
 * its next run after now. Returns 0, or -1 with err ("configuration
 * 'NAME': already defined", or a database error).
 */
int sf_config_add(struct sf_db *db, const char *name,
    const struct sf_config_change *ch, int64_t now, struct sf_err *err);

/*
 * Changes the fields ch gives, in one transaction, with updated_at and
 * the next run (for an enabled configuration). An observation type drops
 * the source (*dropped, when not NULL, is then the dropped source, valid
 * until the next call; else NULL). A new agency must fit every station.
 * Returns 0; 1 (not defined); -1 with err for a database error or a
 * station that does not fit the agency; -2 with err for a change that
 * does not make sense (a source on observations, a forecast without a
 * source).
 */
int sf_config_set(struct sf_db *db, const char *name,
    const struct sf_config_change *ch, int64_t now, const char **dropped,
    struct sf_err *err);

/* Removes a configuration with its stations, progress and logs. 0, 1, -1. */
int sf_config_rm(struct sf_db *db, const char *name, struct sf_err *err);

/*
 * Enables (on 1, with the next run after now) or disables (no next run) a
 * configuration. Returns 0, 1 or -1.
 */
int sf_config_enable(struct sf_db *db, const char *name, int on,
    int64_t now, struct sf_err *err);

/* Appends a station to s, copying the strings ("" is taken as NULL). */
void sf_config_stations_push(struct sf_config_stations *s, const char *id,
    const char *name, const char *huc, const char *state);
void sf_config_stations_release(struct sf_config_stations *s);

/*
 * Reads station records (NDJSON or CSV) from fp, "stdin" in messages,
 * onto s: each must be a station record with a station of c's agency
 * whose id fits it. Calls bad(arg, msg) for each that is not, and for
 * each line that is not a record. *nrec is the number of records read.
 * Returns the number of bad ones, or -1 when fp could not be read to the
 * end (bad was called with the reason).
 */
long sf_config_stations_read(FILE *fp, const struct sf_config *c,
    struct sf_config_stations *s, void (*bad)(void *arg, const char *msg),
    void *arg, long *nrec);

/*
 * Adds the n stations of list to c in one transaction (ids already
 * checked against c's agency); a station already there keeps the name,
 * state and code that list does not give, and a missing one takes them
 * from master_stations. *nnew is how many were new. Returns 0, or -1.
 */
int sf_config_stations_add(struct sf_db *db, const struct sf_config *c,
    const struct sf_config_station *list, size_t n, int64_t now,
    size_t *nnew, struct sf_err *err);

/*
 * Removes the n stations ids from c, with their progress, in one
 * transaction; gone[i] (caller allocated) says whether ids[i] was a
 * station of c. Returns 0, or -1 with err.
 */
int sf_config_stations_rm(struct sf_db *db, const struct sf_config *c,
    const char *const *ids, size_t n, int64_t now, unsigned char *gone,
    struct sf_err *err);

/*
 * Calls fn with a station record for each station of c, ordered by id,
 * with what master_stations adds (position, area, altitude, UTC offset);
 * the record's strings are valid during the call. Stops when fn returns
 * nonzero. Returns 0, or -1 with err (a database error).
 */
int sf_config_stations_each(struct sf_db *db, const struct sf_config *c,
    int (*fn)(const struct sf_rec *rec, void *arg), void *arg,
    struct sf_err *err);

#endif
