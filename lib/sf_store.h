/*
 * sf_store: loading records into the archive, as sf-load does.
 *
 * Records are validated, then written in transactions of a batch of rows;
 * in the same transaction each (configuration, station) moves its
 * last_successful_pull_date to the newest time committed for it, so
 * progress never runs ahead of the data. Observations are upserted: an
 * unchanged row writes nothing, a changed one keeps the value it replaces
 * in obs_revisions. Forecast points are grouped into forecast_runs rows.
 * Station records fill master_stations. Error records count a station's
 * consecutive failures and are logged in data_pull_logs.
 *
 * Both engines take the same records, with the same checks and messages.
 * On PostgreSQL (sf_pgstore) observations are applied set-wise at each
 * commit, so their counts move at commit; a batch holds the observations
 * of one configuration; and the first record of a configuration that
 * exists takes its session advisory lock, a -2 failure when another run
 * holds it.
 */
#ifndef SF_STORE_H
#define SF_STORE_H

#include <stdint.h>

#include "sf_db.h"
#include "sf_err.h"
#include "sf_rec.h"

struct sf_store_opts {
	int allow_negative;	/* accept discharge < 0 (tidal stations) */
	long batch;		/* rows per transaction; 0: one for all */
	int64_t now;		/* the clock: loaded_at, future check, logs */
	/* Called with each warning (unknown configuration ...); may be NULL. */
	void (*warn)(void *arg, const char *msg);
	void *warn_arg;
};

struct sf_store_counts {
	long inserted;		/* new rows (observations, runs, stations) */
	long updated;		/* rows whose value changed */
	long unchanged;		/* rows already there, identical */
	long rejected;		/* invalid records, not loaded */
	long failed;		/* error records (failed stations) */
};

struct sf_store;

/* Prepares the statements; returns a store to free, or NULL. */
struct sf_store *sf_store_new(struct sf_db *db,
    const struct sf_store_opts *opts, struct sf_err *err);
void sf_store_free(struct sf_store *s);

/*
 * Loads one record. Returns 0 when it was taken (stored, unchanged, or an
 * error record counted); -1 when it was rejected (err says why; nothing of
 * it was written); -2 when the database failed (err says how): the open
 * transaction has been rolled back and the caller should stop.
 */
int sf_store_put(struct sf_store *s, const struct sf_rec *r,
    struct sf_err *err);

/* Writes what is pending and commits. Returns 0 or -2 (rolled back). */
int sf_store_commit(struct sf_store *s, struct sf_err *err);

/* Discards everything not yet committed. */
void sf_store_rollback(struct sf_store *s);

/*
 * Writes one data_pull_logs row per configuration seen since
 * sf_store_new, and sets its last_run_at; rolled_back says that the load
 * was undone (--strict). Returns 0 or -2.
 */
int sf_store_log(struct sf_store *s, int rolled_back, struct sf_err *err);

/* All records so far; after a rollback, what had been committed. */
const struct sf_store_counts *sf_store_counts(const struct sf_store *s);

#endif
