/*
 * sf_pgstore: sf_store's writes on a PostgreSQL archive (internal to
 * libsf; sf_store validates the records and keeps the bookkeeping, this
 * module only writes).
 *
 * A transaction is one sf_pg load batch: observations stream into the
 * staging table with COPY, and every other statement (stations, forecast
 * runs, progress, failures, logs) runs in the same transaction, so a
 * batch's data and its progress commit together or not at all. Times are
 * seconds since 1970 and go to the server as ISO 8601 text.
 *
 * Return values: 0 done; -1 the record is rejected (err says why, nothing
 * written); -2 the database failed (err says how): the caller rolls back.
 */
#ifndef SF_PGSTORE_H
#define SF_PGSTORE_H

#include <stdint.h>

#include "sf_db.h"
#include "sf_err.h"
#include "sf_pg.h"

struct sf_pgstore;

/* The writer of db (a PostgreSQL archive); now is loaded_at. */
struct sf_pgstore *sf_pgstore_new(struct sf_db *db, int64_t now);
void sf_pgstore_free(struct sf_pgstore *p);

int sf_pgstore_begin(struct sf_pgstore *p, struct sf_err *err);
/* Applies the observations and commits; c gets what they did. */
int sf_pgstore_commit(struct sf_pgstore *p, struct sf_pg_counts *c,
    struct sf_err *err);
/* Undoes the open transaction and forgets what it may have created. */
void sf_pgstore_rollback(struct sf_pgstore *p);

/*
 * The configuration name: *id (0 when not defined) and its pull start
 * date *first (INT64_MIN when none). A defined configuration's advisory
 * lock is taken for the session (sf_pg_lock_config); when another
 * session holds it, -2 with err saying so.
 */
int sf_pgstore_conf(struct sf_pgstore *p, const char *name, int64_t *id,
    int64_t *first, struct sf_err *err);

/* The stations.id of station, created from master_stations if new. */
int sf_pgstore_station_id(struct sf_pgstore *p, const char *station,
    const char *agency, int64_t *id, struct sf_err *err);

/*
 * Stages one observation (type and unit as sf_store checked them; qc
 * NULL for none). A unit other than that of the station's series is
 * rejected, as on SQLite.
 */
int sf_pgstore_obs(struct sf_pgstore *p, const char *station,
    const char *agency, const char *type, const char *unit, int64_t t,
    int has, double v, const char *qc, struct sf_err *err);

/* Progress: rows up to t committed; a done request; a failed one. */
int sf_pgstore_progress(struct sf_pgstore *p, int64_t conf,
    const char *station, int64_t t, struct sf_err *err);
int sf_pgstore_done(struct sf_pgstore *p, int64_t conf, const char *station,
    const char *pass, struct sf_err *err);
int sf_pgstore_fail(struct sf_pgstore *p, int64_t conf, const char *station,
    const char *msg, struct sf_err *err);

/*
 * A data_pull_logs row. station NULL: the run's row, with the counts
 * n[0..4] (processed, inserted, updated, unchanged, rejected), and the
 * configuration's last_run_at is set; else a failed station's row.
 */
int sf_pgstore_log(struct sf_pgstore *p, int64_t conf, const char *status,
    const long long *n, const char *msg, const char *station,
    struct sf_err *err);

/*
 * A station record, its 11 fields as text (NULL: none) in the order of
 * master_stations' statement in sf_pgstore.c; *what is 0 inserted,
 * 1 updated, 2 unchanged.
 */
int sf_pgstore_station(struct sf_pgstore *p, const char *const f[11],
    int *what, struct sf_err *err);

/* A stored forecast run: *id 0 when none, else its data in *data. */
int sf_pgstore_run_get(struct sf_pgstore *p, int64_t sid, const char *source,
    int64_t run_date, const char *member, int64_t *id, char **data,
    struct sf_err *err);
/* Replaces run id's data if it differs: *changed 1 if it did. */
int sf_pgstore_run_set(struct sf_pgstore *p, int64_t id, const char *data,
    const char *target_id, const char *unit, const char *stage_unit,
    int *changed, struct sf_err *err);
int sf_pgstore_run_add(struct sf_pgstore *p, int64_t sid, const char *source,
    int64_t run_date, const char *data, const char *member,
    const char *target_id, const char *unit, const char *stage_unit,
    struct sf_err *err);

#endif
