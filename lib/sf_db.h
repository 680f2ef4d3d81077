/*
 * sf_db: the archive: finding it, opening, creating and migrating it, and
 * the few calls every user of it needs.
 *
 * An archive is a SQLite file, or a PostgreSQL database named by a
 * postgresql:// or postgres:// URI or a libpq key=value string (sf_pg).
 * The handle is opaque: modules write their statements with sf_sql,
 * which runs them on either engine. sf_db_prepare and sf_db_bind_text are
 * SQLite's only (on a PostgreSQL archive prepare fails with an error);
 * sf_db_exec, sf_db_int and the transactions work on both.
 *
 * Every statement is prepared with bound parameters; nothing here builds
 * SQL from data.
 */
#ifndef SF_DB_H
#define SF_DB_H

#include <sqlite3.h>

#include "sf_buf.h"
#include "sf_err.h"

/* The schema version this sf writes (PRAGMA user_version). */
#define SF_DB_SCHEMA_VERSION 3

struct sf_db;
struct sf_pg;

enum sf_db_engine {
	SF_DB_SQLITE,
	SF_DB_POSTGRESQL
};

enum {
	SF_DB_CREATE = 1,	/* create the file (and, for the default path,
				   its directory) when missing */
	SF_DB_READONLY = 2,	/* open for reading; never create or migrate;
				   works without write access to the file or
				   its directory (see sf_db_open); on
				   PostgreSQL a read-only session */
	SF_DB_PG = 4		/* the caller handles PostgreSQL archives;
				   without it a PostgreSQL name is refused:
				   "PostgreSQL archives are not supported
				   by PROG yet" */
};

/*
 * The seed's data that modules above this one own (sf_map's shipped
 * station mappings): run once, inside the creating transaction, when
 * sf_db_open creates an archive (SQLite, or PostgreSQL through
 * sf_pg_on_create, under the creators' lock). Programs that create it set
 * it before opening (sf_db_set_seed(sf_map_import_shipped)); NULL, the
 * default, seeds nothing. A failing seed undoes the creation.
 */
typedef int sf_db_seed_fn(struct sf_db *db, struct sf_err *err);
void sf_db_set_seed(sf_db_seed_fn *fn);

/*
 * Fills path with the database to use: opt when not NULL, else $SF_DB,
 * else $XDG_DATA_HOME/sf/sf.db, else $HOME/.local/share/sf/sf.db. Sets
 * *is_default when the path came from XDG_DATA_HOME or HOME. Returns 0, or
 * -1 when none can be found (no HOME).
 */
int sf_db_path(const char *opt, struct sf_buf *path, int *is_default,
    struct sf_err *err);

/*
 * Opens the database at path. A PostgreSQL name (sf_pg_is_uri) needs
 * SF_DB_PG: it is connected to, and with SF_DB_CREATE its schema is
 * created or migrated under an advisory lock (sf_pg_migrate); without
 * SF_DB_CREATE a database without the sf schema is an error. Otherwise
 * path is a SQLite file: WAL mode, a busy timeout (so an overlapping
 * run waits rather than fails), foreign keys on. With SF_DB_CREATE a
 * missing file is created; an empty file gets the schema; an older schema
 * is migrated. A file that is not an sf database, or has a newer schema,
 * is refused. Without SF_DB_CREATE a missing file is an error naming it.
 * With SF_DB_READONLY nothing is written: when sqlite cannot use the WAL
 * index (a WAL archive in a directory the user cannot write), the file is
 * opened again as immutable, and read as it is; an older schema is an
 * error that says to migrate it by running sf-load.
 * Returns a handle the caller closes with sf_db_close, or NULL.
 */
struct sf_db *sf_db_open(const char *path, int flags, struct sf_err *err);

/*
 * -1 with err "PostgreSQL archives are not supported by PROG yet" when
 * path names a PostgreSQL archive and flags lack SF_DB_PG; else 0. For
 * callers that use the archive's name without opening it.
 */
int sf_db_supported(const char *path, int flags, struct sf_err *err);

/* Opens the database named by opt (see sf_db_path). */
struct sf_db *sf_db_open_opt(const char *opt, int flags, struct sf_err *err);

/* Finalizes nothing: callers finalize their statements first. */
void sf_db_close(struct sf_db *db);

/* The engine of db. */
enum sf_db_engine sf_db_engine(const struct sf_db *db);

/*
 * The name db was opened by, for messages: the file's path, or for
 * PostgreSQL the URI without its password.
 */
const char *sf_db_path_of(const struct sf_db *db);

/* The SQLite handle of db; NULL for a PostgreSQL archive. */
sqlite3 *sf_db_sqlite(struct sf_db *db);

/* The PostgreSQL connection of db; NULL for a SQLite archive. */
struct sf_pg *sf_db_pg(struct sf_db *db);

/* Prepares sql; returns the statement (caller finalizes) or NULL. */
sqlite3_stmt *sf_db_prepare(struct sf_db *db, const char *sql,
    struct sf_err *err);

/* Runs sql, which takes no parameters (may hold several statements). */
int sf_db_exec(struct sf_db *db, const char *sql, struct sf_err *err);

/* BEGIN IMMEDIATE: takes the write lock now, waiting for it if needed. */
int sf_db_begin(struct sf_db *db, struct sf_err *err);
int sf_db_commit(struct sf_db *db, struct sf_err *err);
/* Rolls back if a transaction is open; never fails. */
void sf_db_rollback(struct sf_db *db);

/*
 * Fills err with "database 'PATH': WHAT: MESSAGE", the engine's message
 * for the last error (on PostgreSQL, the one sf_db_set_error kept);
 * returns -1.
 */
int sf_db_fail(struct sf_db *db, const char *what, struct sf_err *err);

/* PostgreSQL: keeps the first line of msg and its SQLSTATE (may be NULL)
 * as db's last error (sf_sql does, for sf_db_fail). */
void sf_db_set_error(struct sf_db *db, const char *msg, const char *state);
/* The SQLSTATE of db's last PostgreSQL error; "" when none. */
const char *sf_db_error_state(struct sf_db *db);

/*
 * Runs sql, a query without parameters whose first row's first column is
 * an integer, into *v (0 when that column is NULL). Returns 0, or -1 when
 * the query fails or returns no row.
 */
int sf_db_int(struct sf_db *db, const char *sql, long long *v,
    struct sf_err *err);

/* Binds s as text, or NULL when s is NULL. */
int sf_db_bind_text(sqlite3_stmt *st, int i, const char *s);

#endif
