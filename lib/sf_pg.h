/*
 * sf_pg: the archive on PostgreSQL, over libpq.
 *
 * Groundwork for the PostgreSQL engine: a connection from a URI or a
 * conninfo string, statements with bound parameters, the versioned schema
 * (share/sf/schema-pg.sql) created once even when two processes start at
 * once, a lock per pull configuration that holds across machines, and the
 * set-wise observation loader (COPY into a staging table, then one
 * transaction). Nothing here prints; errors go to a struct sf_err and
 * never carry the connection string (it may hold a password).
 */
#ifndef SF_PG_H
#define SF_PG_H

#include <stdint.h>

#include "sf_buf.h"
#include "sf_err.h"

/* The schema version this sf creates and understands. */
#define SF_PG_SCHEMA_VERSION 2

struct sf_pg;

/* One observation for the loader. Strings are borrowed for the call. */
struct sf_pg_obs {
	int64_t station_id;	/* stations.id */
	int64_t observed_at;	/* seconds since 1970 UTC */
	const char *type;	/* daily_mean or realtime_15min */
	const char *unit;	/* cfs or cms */
	const char *quality_code;	/* NULL: none */
	double discharge;	/* finite; ignored when !has_discharge */
	int has_discharge;	/* 0: missing, stored as NULL */
	int is_new;		/* 1: no stored row can have this key (it is
				   newer than its series' newest row as the
				   batch began); a batch of such rows only
				   inserts, without looking for them */
};

/* What a committed batch did; the three add up to its distinct rows. */
struct sf_pg_counts {
	int64_t inserted;	/* new rows */
	int64_t updated;	/* changed rows, old values now revisions */
	int64_t unchanged;	/* rows equal to what was there: untouched */
};

/*
 * 1 if s selects PostgreSQL: a postgresql:// or postgres:// URI, or a
 * libpq key=value conninfo string ("host=/run/pg dbname=sf"); 0 for
 * anything else (a SQLite file name), NULL included.
 */
int sf_pg_is_uri(const char *s);

/*
 * Appends to out a name of the database conninfo names, for messages:
 * postgresql://USER@HOST:PORT/DBNAME with the parts it gives, never its
 * password or other options.
 */
void sf_pg_display(const char *conninfo, struct sf_buf *out);

/*
 * Connects to the database conninfo names (a URI or key=value string).
 * Returns a connection the caller closes with sf_pg_close(), or NULL with
 * err set (the message never repeats conninfo). The session runs in UTC.
 */
struct sf_pg *sf_pg_open(const char *conninfo, struct sf_err *err);

/*
 * The libpq connection of pg, for sf_sql's statements (not during a
 * load: see sf_pg_load_begin).
 */
struct pg_conn;
struct pg_conn *sf_pg_conn(struct sf_pg *pg);

/* Closes pg (may be NULL), ending a load in progress and its locks. */
void sf_pg_close(struct sf_pg *pg);

/*
 * Runs one statement sql with n text parameters $1..$n (params[i] NULL
 * is SQL NULL); sql never holds data. During a load it runs in the
 * batch's transaction (see sf_pg_query). If out is not NULL, it gets the
 * first column of the first row as an integer, and *isnull (if not NULL)
 * whether there was none or it was NULL. Returns 0, or -1 with err set.
 */
int sf_pg_exec(struct sf_pg *pg, const char *sql, int n,
    const char *const *params, int64_t *out, int *isnull,
    struct sf_err *err);

/* A row of sf_pg_query: its columns as text, NULL for SQL NULL. */
#define SF_PG_COLS 4
struct sf_pg_row {
	int found;		/* the statement returned a row */
	int64_t changed;	/* rows it inserted, updated or deleted */
	char *col[SF_PG_COLS];	/* of the first row; the caller frees them
				   with sf_pg_row_clear */
};

/*
 * Runs sql as sf_pg_exec does, filling row with the first SF_PG_COLS
 * columns of its first row and the count of rows it changed. During a
 * load (sf_pg_load_begin) the statement runs in the batch's transaction:
 * the COPY is ended first and taken up again by the next sf_pg_load_obs,
 * into the same staging table. Returns 0, or -1 with err set.
 */
int sf_pg_query(struct sf_pg *pg, const char *sql, int n,
    const char *const *params, struct sf_pg_row *row, struct sf_err *err);
void sf_pg_row_clear(struct sf_pg_row *row);

/*
 * The clock of the loader's loaded_at and replaced_at, in seconds since
 * 1970; 0 (the default) is the server's transaction time, now().
 */
void sf_pg_set_now(struct sf_pg *pg, int64_t now);

/*
 * The schema version of the database: 0 when it has no sf schema.
 * Returns 0, or -1 with err set.
 */
int sf_pg_schema_version(struct sf_pg *pg, int *version,
    struct sf_err *err);

/*
 * fn(arg) runs inside sf_pg_migrate's transaction right after it creates
 * the schema (the seed's data); when it fails the creation is undone, so
 * no one ever sees the schema without it. NULL (the default): nothing.
 */
typedef int sf_pg_create_fn(void *arg, struct sf_err *err);
void sf_pg_on_create(struct sf_pg *pg, sf_pg_create_fn *fn, void *arg);

/*
 * Creates the schema if the database has none, in one transaction under
 * a transaction-level advisory lock, so of two processes starting at once
 * one creates it and the other waits and finds it. *created (may be NULL)
 * is 1 if this call created it. Fails on a version newer than
 * SF_PG_SCHEMA_VERSION. Returns 0, or -1 with err set.
 */
int sf_pg_migrate(struct sf_pg *pg, int *created, struct sf_err *err);

/*
 * Citus. When the database sf connects to has the citus extension (the
 * coordinator of a cluster), the observation, revision and forecast
 * tables are distributed by station and co-located, so one station's
 * rows, their revisions and its forecasts sit on one worker and the
 * loader's set-wise statements run there; the small tables (stations,
 * configurations, progress, the run log, mappings, the schema version)
 * become reference tables, copied to every node. Every unique and
 * foreign key of the distributed tables includes station_id, which is
 * what Citus requires. sf_pg_migrate does this when it creates the
 * schema or finds it not yet distributed; without the extension nothing
 * changes. A batch of the loader then moves from the session's temporary
 * table into the distributed staging table sf_obs_stage_d under its
 * transaction id, beside the rows of its stations, and the revision
 * history, the update of changed rows and the insert of new rows each run
 * there as one co-located statement.
 */
/*
 * Distributes the archive's tables when the database has the citus
 * extension and they are not distributed yet; runs inside the caller's
 * transaction (sf_pg_migrate's, right after the schema is created or
 * found). *done (may be NULL) is 1 when this call distributed them.
 * Returns 0 (also without Citus, or when already distributed), or -1 with
 * err set.
 */
int sf_pg_citus_distribute(struct sf_pg *pg, int *done, struct sf_err *err);

/*
 * 1 when the archive is distributed by Citus (sf_pg_citus_distribute
 * did it), 0 when not, -1 with err set; asked once per connection. For
 * readers whose best statement on one server is one Citus cannot run.
 */
int sf_pg_citus(struct sf_pg *pg, struct sf_err *err);

/*
 * TimescaleDB. When the database has the timescaledb extension,
 * discharge_observations becomes a hypertable on observed_at (chunks of
 * 30 days) with compression, segmented by station and type, of chunks
 * older than 90 days; sf_pg_migrate does it once, as for Citus. Not
 * tested here (Debian does not package TimescaleDB): sf-schema(5) gives
 * the commands a user runs to check it. Returns 0 (also without the
 * extension), or -1 with err set; *done (may be NULL) as for Citus.
 */
int sf_pg_timescale(struct sf_pg *pg, int *done, struct sf_err *err);

/* The advisory lock key of configuration name (FNV-1a, 32 bits). */
int32_t sf_pg_config_key(const char *name);

/*
 * Takes the session-level advisory lock of configuration name without
 * waiting. Returns 0 when taken, 1 when another session (on any machine)
 * holds it, -1 with err set on error. The lock lasts until
 * sf_pg_unlock_config() or the end of the session.
 */
int sf_pg_lock_config(struct sf_pg *pg, const char *name,
    struct sf_err *err);

/* Releases the lock of name; -1 with err set if this session held none. */
int sf_pg_unlock_config(struct sf_pg *pg, const char *name,
    struct sf_err *err);

/*
 * Starts a batch of observations: a transaction and a COPY into a
 * temporary staging table. Then sf_pg_load_obs() for each row, and
 * sf_pg_load_commit() or sf_pg_load_abort(). Memory stays that of the
 * COPY buffer whatever the size of the batch. Returns 0, or -1.
 */
int sf_pg_load_begin(struct sf_pg *pg, struct sf_err *err);

/*
 * Adds o to the batch. When one key (station, type, time) comes twice,
 * the later row wins. Returns 0, or -1 with err set (the batch is then
 * aborted).
 */
int sf_pg_load_obs(struct sf_pg *pg, const struct sf_pg_obs *o,
    struct sf_err *err);

/*
 * Applies the batch set-wise in its transaction: inserts new rows, writes
 * the replaced values of changed rows to discharge_observation_revisions,
 * updates the changed rows, and leaves unchanged rows untouched (no dead
 * tuples). Fills c (may be NULL). Returns 0, or -1 with err set and
 * nothing applied.
 */
int sf_pg_load_commit(struct sf_pg *pg, struct sf_pg_counts *c,
    struct sf_err *err);

/* Drops the batch in progress, if any: nothing of it is applied. */
void sf_pg_load_abort(struct sf_pg *pg);

/*
 * Appends o to b as one line of COPY text format with row number n.
 * Returns 0, or -1 with err set (b unchanged) for a row the loader
 * refuses: no type or unit, a discharge that is not finite.
 */
int sf_pg_copy_obs(struct sf_buf *b, int64_t n, const struct sf_pg_obs *o,
    struct sf_err *err);

/* Appends s (NULL: \N) to b escaped as a COPY text field. */
void sf_pg_copy_field(struct sf_buf *b, const char *s);

#endif
