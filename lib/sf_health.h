/*
 * sf_health: the health of pull configurations and their stations, as
 * sf-status reports it: last success, last attempt, failures and the
 * circuit breaker, the newest data, and staleness against the schedule.
 * Also the pruning of data_pull_logs.
 *
 * The last success of a station is its last_success_at, which sf-load
 * writes with every success (rows committed, a done record). An archive
 * from before that column has none for a station until its next success:
 * then, when the last attempt was not a failure (no last_error_at, or
 * last_attempt_at after it) it is last_attempt_at; when it was a failure,
 * it is taken from data_pull_logs: the newest run of the configuration
 * (success or partial) that began before the station's current run of
 * failures and in which the station did not fail.
 *
 * Staleness is about the data, not the runs: a station is stale when its
 * newest value (observation, or forecast run_date) is older than its
 * configuration allows: stale_after_seconds, else the type's allowance
 * (sf_health_allowance). A station without data is stale once its
 * configuration is older than the allowance. A failing station (failures
 * above 0, breaker open or not) is reported as failing, not also as stale.
 * The schedule is still read, to report one that does not parse.
 */
#ifndef SF_HEALTH_H
#define SF_HEALTH_H

#include <stddef.h>
#include <stdint.h>

#include "sf_db.h"
#include "sf_err.h"

/* Worst last: a station's state is the worst that applies. */
enum sf_health_state {
	SF_HEALTH_OK,		/* succeeded within the schedule */
	SF_HEALTH_NEVER,	/* no success yet, not stale yet */
	SF_HEALTH_STALE,	/* newest value older than allowed */
	SF_HEALTH_FAILING,	/* failing; breaker closed */
	SF_HEALTH_BROKEN,	/* circuit breaker open */
	SF_HEALTH_DISABLED	/* station or configuration disabled */
};

/* "ok", "never", "failing", "stale", "broken", "disabled". */
const char *sf_health_state_name(enum sf_health_state s);

struct sf_health_station {
	char *station;
	int enabled;		/* in the configuration */
	int64_t last_success;	/* -1: none known */
	int64_t last_attempt;	/* -1: none */
	long long failures;	/* consecutive failures */
	char *last_error;	/* NULL when none */
	int64_t last_error_at;	/* -1: none */
	int breaker_open;	/* failures reached the limit */
	int64_t next_probe;	/* breaker open: when the plan probes; -1 */
	int stale;
	enum sf_health_state state;
	int64_t newest;		/* newest observed_at, run_date; or -1 */
	long long rows;		/* observations, or forecast runs */
};

struct sf_health {
	char *config;
	char *type;		/* data_type; for forecasts the source */
	char *schedule;		/* schedule_value; NULL when manual */
	int interval;		/* the schedule is an interval ("15m") */
	int enabled;
	int bad_schedule;	/* the schedule does not parse: sched_err */
	struct sf_err sched_err;
	int64_t due;		/* third run before now; -1: none */
	int64_t allowance;	/* seconds the newest value may be old */
	struct sf_health_station *st;	/* by station number */
	size_t nst;
};

struct sf_health_opts {
	int64_t now;
	long long max_failures;	/* the circuit breaker's limit */
};

/*
 * Sets *names to the names of every configuration, sorted, and *n to
 * their number; the caller frees each name and the array. Returns 0, or
 * -1 with err.
 */
int sf_health_names(struct sf_db *db, char ***names, size_t *n,
    struct sf_err *err);

/*
 * Fills h with the health of the configuration called name and each of
 * its stations (enabled or not). The caller releases h with
 * sf_health_release, whatever the result. A schedule that does not parse
 * is not an error: h->bad_schedule is set and staleness is not judged.
 * Returns 0; 1 when no configuration is called name; -1 with err.
 */
int sf_health_get(struct sf_db *db, const char *name,
    const struct sf_health_opts *o, struct sf_health *h, struct sf_err *err);

void sf_health_release(struct sf_health *h);

/*
 * How old the newest value of a data type may be: daily_mean 3 days,
 * realtime_15min 6 hours, anything else (forecasts) 2 days, in seconds.
 */
int64_t sf_health_allowance(const char *type);

/*
 * Deletes the rows of data_pull_logs that started before before; sets *n
 * to their number. Returns 0, or -1 with err.
 */
int sf_health_prune(struct sf_db *db, int64_t before, long long *n,
    struct sf_err *err);

/* One row of data_pull_logs. Strings are NULL when the column is. */
struct sf_health_run {
	const char *config;
	const char *status;	/* success, partial, failed */
	const char *start, *end;
	const char *station;	/* NULL: the configuration's row */
	const char *error;
	long long records, inserted, updated, unchanged, rejected;
				/* -1 when NULL */
};

/*
 * Calls put with each row of data_pull_logs whose start_time is at or
 * after since (NULL: any) and whose configuration is config (NULL: any),
 * newest first, at most limit rows. The run's strings are borrowed for
 * the call; put returns 0 to go on. Returns 0, 1 when put stopped, or -1
 * with err.
 */
int sf_health_runs(struct sf_db *db, const char *config, int64_t since,
    int has_since, long long limit,
    int (*put)(void *arg, const struct sf_health_run *r), void *arg,
    struct sf_err *err);

#endif
