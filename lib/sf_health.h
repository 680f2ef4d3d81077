/*
 * sf_health: the health of pull configurations and their stations, as
 * sf-status reports it: last success, last attempt, failures and the
 * circuit breaker, the newest data, and staleness against the schedule.
 * Also the pruning of data_pull_logs.
 *
 * The last success of a station is when sf-load last committed rows of it
 * for the configuration. sf-load stamps last_attempt_at on every success
 * and every failure, and last_error_at on failures only, so when the last
 * attempt was not a failure (no last_error_at, or last_attempt_at after
 * it) the last success is last_attempt_at. When it was a failure, the
 * schema keeps no success time; it is taken from data_pull_logs: the
 * newest run of the configuration (status success or partial) that began
 * before the station's current run of failures (its consecutive_failures
 * newest failed rows; the newest one, after a reset of failures only) and
 * in which the station did not fail. A station whose last_successful_pull_
 * date is NULL has no success.
 *
 * A station is stale when its configuration has a schedule and its last
 * success is earlier than the third scheduled run before now: no success
 * within three schedule intervals. A station without a success is stale
 * once its configuration was created before that run; one whose success
 * time was pruned from the logs is stale.
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
	SF_HEALTH_FAILING,	/* failing; breaker closed, not stale */
	SF_HEALTH_STALE,	/* no success within three intervals */
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
	int64_t due;		/* third run before now; -1: not judged */
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
