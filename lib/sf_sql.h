/*
 * sf_sql: a prepared statement on either engine of the archive.
 *
 * The calls follow sqlite3's own (prepare, bind, step, column, reset,
 * finalize), so a module written against them runs unchanged on a SQLite
 * file and on PostgreSQL. One SQL text serves both engines where it can;
 * where the dialects differ the module gives PostgreSQL its own text.
 * Parameters are written '?' or '?N' in either text: for PostgreSQL they
 * become $1..$n (outside quotes and comments), and are sent as text, so
 * a text that needs a type says so with a cast ("?::bigint").
 *
 * Columns are read as text, integers or doubles. On PostgreSQL a
 * timestamptz column reads as sf's ISO 8601 text, "2026-05-01T00:00:00Z"
 * (fractions of a second dropped), as SQLite archives store instants, and
 * a boolean as 1 or 0; a column read as an integer or a double is parsed
 * from its text. Integer seconds from a timestamptz are the statement's
 * job: extract(epoch FROM x)::bigint.
 *
 * A statement holds its whole result on PostgreSQL, which suits the small
 * ones; SF_SQL_STREAM reads a large one through a cursor, a page of rows
 * at a time, inside a transaction it opens when none is (and ends when
 * the statement is reset or finalized). Several statements may be stepped
 * at once, as on SQLite.
 *
 * Errors: sf_sql_step returns SF_SQL_ERROR; sf_db_fail(db, what, err)
 * then names the database, what was being done and the engine's message,
 * and sf_sql_errkind tells a duplicate key from a missing reference.
 */
#ifndef SF_SQL_H
#define SF_SQL_H

#include <stdint.h>

#include "sf_db.h"
#include "sf_err.h"

struct sf_sql;

enum {
	SF_SQL_STREAM = 1	/* a large result: read it through a cursor */
};

enum {
	SF_SQL_ERROR = -1,
	SF_SQL_DONE = 0,
	SF_SQL_ROW = 1
};

/* What the last failed statement of db broke. */
enum sf_sql_errkind {
	SF_SQL_EOTHER,
	SF_SQL_EUNIQUE,		/* a unique or primary key */
	SF_SQL_EFOREIGN,	/* a foreign key */
	SF_SQL_ECHECK		/* a CHECK or NOT NULL constraint */
};

/*
 * Prepares sql, or on a PostgreSQL archive pgsql when it is not NULL.
 * flags: SF_SQL_STREAM. Returns the statement (sf_sql_finalize frees it),
 * or NULL with err "database 'PATH': preparing a statement: MESSAGE".
 */
struct sf_sql *sf_sql_prepare(struct sf_db *db, const char *sql,
    const char *pgsql, int flags, struct sf_err *err);

/* Parameters count from 1, as in sqlite3; a NULL text binds NULL. */
int sf_sql_bind_text(struct sf_sql *st, int i, const char *s);
int sf_sql_bind_int(struct sf_sql *st, int i, int64_t v);
int sf_sql_bind_double(struct sf_sql *st, int i, double v);
int sf_sql_bind_null(struct sf_sql *st, int i);
/* Every parameter back to NULL. */
void sf_sql_clear(struct sf_sql *st);

/*
 * Runs the statement (on the first call) and moves to its next row:
 * SF_SQL_ROW, SF_SQL_DONE, or SF_SQL_ERROR (see sf_db_fail).
 */
int sf_sql_step(struct sf_sql *st);

/* Columns of the current row, from 0. NULL reads as NULL, 0 and 0.0. */
int sf_sql_isnull(struct sf_sql *st, int col);
const char *sf_sql_text(struct sf_sql *st, int col);
int64_t sf_sql_int(struct sf_sql *st, int col);
double sf_sql_double(struct sf_sql *st, int col);
int sf_sql_columns(struct sf_sql *st);

/* Rows the last INSERT, UPDATE or DELETE changed. */
int64_t sf_sql_changes(struct sf_sql *st);

/* Ready to run again; the bindings stay. */
void sf_sql_reset(struct sf_sql *st);
void sf_sql_finalize(struct sf_sql *st);

/* What the last failed statement of db broke. */
enum sf_sql_errkind sf_sql_errkind(struct sf_db *db);

/*
 * Rewrites sql's '?' and '?N' parameters as $N (outside quotes and
 * comments) into out. Returns the highest parameter number.
 */
int sf_sql_dollar(const char *sql, struct sf_buf *out);

#endif
