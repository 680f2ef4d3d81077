/*
 * sf_plan: Smart Append. What each station of a pull configuration needs
 * next (the requests sf-progress plan emits), the progress sf-load has
 * recorded, and clearing it.
 *
 * Progress lives in pull_station_progress, one row per configuration and
 * station; sf-load writes it, these read it and sf_plan_reset clears it.
 */
#ifndef SF_PLAN_H
#define SF_PLAN_H

#include <stddef.h>
#include <stdint.h>

#include "sf_db.h"
#include "sf_err.h"

/* The circuit breaker: failures after which a station is skipped. */
#define SF_PLAN_MAX_FAILURES 5
/* Its cool-down: 1 h after the last failure, doubling, at most 24 h. */
#define SF_PLAN_COOLDOWN 3600
#define SF_PLAN_COOLDOWN_MAX 86400
/* The trailing window re-asked where there is no last_modified filter. */
#define SF_PLAN_REVISION_DAYS 120
/* How often the revision pass asks. */
#define SF_PLAN_REVISION_EVERY 86400

struct sf_plan_item {
	char *station;
	char *agency;		/* the configuration's, else told by the id */
	char *start;		/* "YYYY-MM-DDTHH:MM:SSZ" */
	char *end;		/* NULL: now */
	char *modified_since;	/* NULL: not a last_modified pass */
	long long failures;	/* consecutive failures */
	int revision;		/* a request of the revision pass */
	int probe;		/* the open breaker's one probe */
	char next_probe[24];	/* skipped: when the next probe is due */
};

struct sf_plan {
	char *config;		/* the configuration's name */
	char *agency;		/* USGS, EC, or NULL when not set */
	char *type;		/* data_type, or for forecasts the source */
	int enabled;		/* 0: disabled, and nothing is planned */
	struct sf_plan_item *items;	/* requests: by station, then the
					   revision pass by station */
	size_t nitems;
	struct sf_plan_item *skipped;	/* breaker open, by station */
	size_t nskipped;
};

/*
 * The cool-down after the failures-th consecutive failure, once the
 * breaker is open (failures >= max_failures): SF_PLAN_COOLDOWN seconds,
 * doubled per failure after max_failures, at most SF_PLAN_COOLDOWN_MAX.
 */
int64_t sf_plan_cooldown(long long failures, long long max_failures);

/*
 * Fills p (which the caller releases with sf_plan_release, whatever the
 * result) with the plan of the configuration called name at the instant
 * now: one item per enabled station, in order of station number, starting
 * at the station's last_successful_pull_date, or at the configuration's
 * pull_start_date when it has none or the strategy is overwrite.
 *
 * A station with at least max_failures consecutive failures has an open
 * breaker: it goes to p->skipped (with next_probe) until the cool-down
 * since its last_error_at has passed, and then has one item, its probe.
 *
 * Then, for an append configuration of observations, the revision pass
 * (agency: the configuration's, else told by the station id):
 * - A station without progress: its request has end now, so that it is
 *   the station's first revision pass too (sf-load records a done record
 *   of a request from the pull start date as a pass).
 * - Then, once every SF_PLAN_REVISION_EVERY seconds (a day) since the
 *   station's last_revision_pass_at (or, without one, since its progress
 *   began), one more item (revision set), with end now:
 * - USGS (the Water Data API's last_modified filter): start the pull
 *   start date, modified_since the last pass (none: the pull start date,
 *   so the first plan after an upgrade asks for one full pass). The done
 *   record of that request carries end back to sf-load, which makes it
 *   last_revision_pass_at: a change made while the pass runs is asked for
 *   again by the next one. A fetcher without such a filter (NWIS)
 *   re-asks its trailing window instead.
 * - EC (no filter): start now - revision_window_days (NULL: 120 days; not
 *   before the pull start date), modified_since the last pass; none when
 *   the ordinary request already starts that early.
 * A revision_window_days of 0 turns the revision pass off.
 * A disabled configuration has p->enabled 0 and no items.
 * Returns 0; 1 when no configuration is called name; -1 with err for a
 * database failure or a configuration that cannot be planned (a forecast
 * without a source, a start date that is not a date).
 */
int sf_plan_make(struct sf_db *db, const char *name, long long max_failures,
    int64_t now, struct sf_plan *p, struct sf_err *err);

void sf_plan_release(struct sf_plan *p);

/* One row of sf_plan_progress; strings borrowed for the callback only. */
struct sf_plan_progress {
	const char *config;
	const char *station;
	const char *last_pull;		/* last_successful_pull_date */
	long long failures;		/* consecutive_failures */
	const char *last_attempt;	/* last_attempt_at */
	const char *last_error_at;
	const char *last_error;
};

/*
 * Calls fn for every station of the configuration called name (every
 * configuration when name is NULL), by configuration name and station
 * number: the stations of pull_configuration_stations and those with a
 * row in pull_station_progress. Times are as stored; missing values are
 * NULL (failures 0). fn returns 0 to go on, -1 to stop (then -1 is
 * returned with err untouched).
 * Returns 0; 1 when name is not NULL and no configuration is called name;
 * -1 with err for a database failure.
 */
int sf_plan_progress(struct sf_db *db, const char *name,
    int (*fn)(void *arg, const struct sf_plan_progress *row), void *arg,
    struct sf_err *err);

/*
 * Closes the breaker of station of the configuration called name (of
 * every station when station is NULL): consecutive_failures to 0 and
 * last_error to NULL (last_error_at stays as the time of the last
 * failure); progress is kept. With from_start, the progress row goes
 * instead, so that the next plan starts at the pull start date again.
 * Sets *n to the number of progress rows changed.
 * Returns 0; 1 when no configuration is called name; 2 when station is
 * neither a station of the configuration nor has progress in it; -1 with
 * err for a database failure.
 */
int sf_plan_reset(struct sf_db *db, const char *name, const char *station,
    int from_start, int64_t now, long long *n, struct sf_err *err);

#endif
