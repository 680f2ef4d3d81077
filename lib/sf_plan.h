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

struct sf_plan_item {
	char *station;
	char *start;		/* "YYYY-MM-DDTHH:MM:SSZ" */
	long long failures;	/* consecutive failures */
};

struct sf_plan {
	char *config;		/* the configuration's name */
	char *agency;		/* USGS, EC, or NULL when not set */
	char *type;		/* data_type, or for forecasts the source */
	int enabled;		/* 0: disabled, and nothing is planned */
	struct sf_plan_item *items;	/* requests, by station */
	size_t nitems;
	struct sf_plan_item *skipped;	/* breaker open, by station */
	size_t nskipped;
};

/*
 * Fills p (which the caller releases with sf_plan_release, whatever the
 * result) with the plan of the configuration called name: one item per
 * enabled station, in order of station number, starting at the station's
 * last_successful_pull_date, or at the configuration's pull_start_date
 * when it has none or the strategy is overwrite. Stations with at least
 * max_failures consecutive failures go to p->skipped instead. A disabled
 * configuration has p->enabled 0 and no items.
 * Returns 0; 1 when no configuration is called name; -1 with err for a
 * database failure or a configuration that cannot be planned (a forecast
 * without a source, a start date that is not a date).
 */
int sf_plan_make(struct sf_db *db, const char *name, long long max_failures,
    struct sf_plan *p, struct sf_err *err);

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
 * Clears the progress of station of the configuration called name (of
 * every station when station is NULL): its row goes, so that the next
 * plan starts at the pull start date again. With failures_only, only
 * consecutive_failures (to 0) and last_error (to NULL) are cleared;
 * last_error_at stays as the time of the last failure. Sets *n to the
 * number of progress rows changed.
 * Returns 0; 1 when no configuration is called name; 2 when station is
 * neither a station of the configuration nor has progress in it; -1 with
 * err for a database failure.
 */
int sf_plan_reset(struct sf_db *db, const char *name, const char *station,
    int failures_only, int64_t now, long long *n, struct sf_err *err);

#endif
