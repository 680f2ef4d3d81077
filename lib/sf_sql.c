/*
 * sf_sql: one prepared statement over sqlite3 or libpq (see sf_sql.h).
 *
 * On SQLite it is the sqlite3_stmt and nothing more. On PostgreSQL a
 * plain statement is prepared on the server once and its whole result is
 * kept until the next reset; a streaming one is a cursor (DECLARE with
 * the parameters, then FETCH a page at a time), so memory holds one page
 * whatever the size of the result.
 */
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libpq-fe.h>
#include <sqlite3.h>

#include "sf_buf.h"
#include "sf_db.h"
#include "sf_mem.h"
#include "sf_pg.h"
#include "sf_sql.h"

#define PAGE_ROWS 1000		/* rows of a cursor fetched at a time */
#define TIMESTAMPTZOID 1184
#define TIMESTAMPOID 1114
#define BOOLOID 16

struct sf_sql {
	struct sf_db *db;
	sqlite3_stmt *lite;
	/* PostgreSQL */
	PGconn *conn;
	char name[24];		/* the prepared statement or cursor */
	int stream;		/* a cursor */
	int nparam;
	struct sf_buf *param;	/* nparam values */
	const char **val;	/* as libpq takes them: param[i].buf, or
				   NULL for a NULL */
	struct sf_buf sql;	/* the statement with $N */
	PGresult *res;		/* the current result or page */
	int row, nrows;		/* row in res; rows in res */
	int ran;		/* executed since the last reset */
	int open;		/* the cursor is declared */
	int began;		/* this statement opened the transaction */
	int end;		/* the cursor has no more pages */
	int64_t changes;
	int *conv;		/* per column: 1 timestamptz, 2 boolean */
	struct sf_buf *cell;	/* per column: its converted text, valid
				   until the next step, as in sqlite3 */
	int ncell;
};

/*
 * Names of statements and cursors. Atomic: sf-serve's threads prepare
 * statements at once, each on its own connection.
 */
static atomic_uint counter;

int
sf_sql_dollar(const char *sql, struct sf_buf *out)
{
	const char *p;
	int next = 0, max = 0, n;
	char q;

	for (p = sql; *p != '\0'; p++) {
		if (*p == '\'' || *p == '"') {
			q = *p;
			sf_buf_addc(out, *p);
			while (p[1] != '\0' && p[1] != q)
				sf_buf_addc(out, *++p);
			if (p[1] != '\0')
				sf_buf_addc(out, *++p);
			continue;
		}
		if (p[0] == '-' && p[1] == '-') {
			while (*p != '\0' && *p != '\n')
				sf_buf_addc(out, *p++);
			if (*p == '\0')
				break;
			sf_buf_addc(out, *p);
			continue;
		}
		if (*p != '?') {
			sf_buf_addc(out, *p);
			continue;
		}
		if (p[1] >= '0' && p[1] <= '9') {
			n = 0;
			while (p[1] >= '0' && p[1] <= '9' && n < 10000)
				n = n * 10 + (*++p - '0');
		} else {
			n = next + 1;
		}
		next = n;
		if (n > max)
			max = n;
		sf_buf_addf(out, "$%d", n);
	}
	return max;
}

static void
pg_error(struct sf_sql *st, PGresult *r)
{
	const char *m = r != NULL ? PQresultErrorMessage(r) : "";
	const char *state = r != NULL ?
	    PQresultErrorField(r, PG_DIAG_SQLSTATE) : NULL;

	if (*m == '\0')
		m = PQerrorMessage(st->conn);
	sf_db_set_error(st->db, m, state);
}

struct sf_sql *
sf_sql_prepare(struct sf_db *db, const char *sql, const char *pgsql,
    int flags, struct sf_err *err)
{
	struct sf_sql *st;
	struct sf_pg *pg;
	PGresult *r;

	st = sf_calloc(1, sizeof(*st));
	st->db = db;
	sf_buf_init(&st->sql);
	if (sf_db_engine(db) == SF_DB_SQLITE) {
		if ((st->lite = sf_db_prepare(db, sql, err)) == NULL) {
			sf_sql_finalize(st);
			return NULL;
		}
		return st;
	}
	pg = sf_db_pg(db);
	st->conn = (PGconn *)sf_pg_conn(pg);
	st->stream = (flags & SF_SQL_STREAM) != 0;
	st->nparam = sf_sql_dollar(pgsql != NULL ? pgsql : sql, &st->sql);
	if (st->nparam > 0) {
		st->param = sf_calloc((size_t)st->nparam, sizeof(*st->param));
		st->val = sf_calloc((size_t)st->nparam, sizeof(*st->val));
		for (int i = 0; i < st->nparam; i++)
			sf_buf_init(&st->param[i]);
	}
	snprintf(st->name, sizeof(st->name), "sf_%s%u",
	    st->stream ? "c" : "s", atomic_fetch_add(&counter, 1) + 1);
	if (st->stream)
		return st;	/* declared when run */
	r = PQprepare(st->conn, st->name, st->sql.buf, 0, NULL);
	if (PQresultStatus(r) != PGRES_COMMAND_OK) {
		pg_error(st, r);
		PQclear(r);
		sf_db_fail(db, "preparing a statement", err);
		sf_sql_finalize(st);
		return NULL;
	}
	PQclear(r);
	return st;
}

static struct sf_buf *
param(struct sf_sql *st, int i)
{
	if (i < 1 || i > st->nparam)
		return NULL;
	sf_buf_reset(&st->param[i - 1]);
	return &st->param[i - 1];
}

/* bound: parameter i holds its new text (which may have moved) */
static int
bound(struct sf_sql *st, int i)
{
	st->val[i - 1] = st->param[i - 1].buf;
	return 0;
}

int
sf_sql_bind_text(struct sf_sql *st, int i, const char *s)
{
	struct sf_buf *b;

	if (st->lite != NULL)
		return sf_db_bind_text(st->lite, i, s) == SQLITE_OK ? 0 : -1;
	if (s == NULL)
		return sf_sql_bind_null(st, i);
	if ((b = param(st, i)) == NULL)
		return -1;
	sf_buf_adds(b, s);
	return bound(st, i);
}

int
sf_sql_bind_int(struct sf_sql *st, int i, int64_t v)
{
	struct sf_buf *b;

	if (st->lite != NULL)
		return sqlite3_bind_int64(st->lite, i, v) == SQLITE_OK ? 0 : -1;
	if ((b = param(st, i)) == NULL)
		return -1;
	sf_buf_addf(b, "%" PRId64, v);
	return bound(st, i);
}

int
sf_sql_bind_double(struct sf_sql *st, int i, double v)
{
	struct sf_buf *b;

	if (st->lite != NULL)
		return sqlite3_bind_double(st->lite, i, v) == SQLITE_OK ? 0 :
		    -1;
	if (!isfinite(v))
		return sf_sql_bind_null(st, i);
	if ((b = param(st, i)) == NULL)
		return -1;
	sf_buf_addf(b, "%.17g", v);
	return bound(st, i);
}

int
sf_sql_bind_null(struct sf_sql *st, int i)
{
	if (st->lite != NULL)
		return sqlite3_bind_null(st->lite, i) == SQLITE_OK ? 0 : -1;
	if (i < 1 || i > st->nparam)
		return -1;
	st->val[i - 1] = NULL;
	return 0;
}

void
sf_sql_clear(struct sf_sql *st)
{
	if (st->lite != NULL) {
		sqlite3_clear_bindings(st->lite);
		return;
	}
	for (int i = 0; i < st->nparam; i++)
		st->val[i] = NULL;
}

static void
cells_free(struct sf_sql *st)
{
	for (int i = 0; i < st->ncell; i++)
		sf_buf_release(&st->cell[i]);
	free(st->cell);
	st->cell = NULL;
	st->ncell = 0;
}

/* result: takes r as the current result; column conversions from its
 * types */
static void
result(struct sf_sql *st, PGresult *r)
{
	int n;

	PQclear(st->res);
	st->res = r;
	st->row = -1;
	st->nrows = PQntuples(r);
	n = PQnfields(r);
	free(st->conv);
	st->conv = n > 0 ? sf_calloc((size_t)n, sizeof(*st->conv)) : NULL;
	if (n != st->ncell) {
		cells_free(st);
		st->cell = n > 0 ? sf_calloc((size_t)n, sizeof(*st->cell)) :
		    NULL;
		for (int i = 0; i < n; i++)
			sf_buf_init(&st->cell[i]);
		st->ncell = n;
	}
	for (int i = 0; i < n; i++) {
		Oid t = PQftype(r, i);

		if (t == TIMESTAMPTZOID || t == TIMESTAMPOID)
			st->conv[i] = 1;
		else if (t == BOOLOID)
			st->conv[i] = 2;
	}
}

static int
run_plain(struct sf_sql *st)
{
	PGresult *r;
	ExecStatusType s;
	const char *c;

	r = PQexecPrepared(st->conn, st->name, st->nparam, st->val, NULL,
	    NULL, 0);
	s = PQresultStatus(r);
	if (s != PGRES_TUPLES_OK && s != PGRES_COMMAND_OK) {
		pg_error(st, r);
		PQclear(r);
		return SF_SQL_ERROR;
	}
	c = PQcmdTuples(r);
	st->changes = *c != '\0' ? strtoll(c, NULL, 10) : 0;
	result(st, r);
	return 0;
}

static int
simple(struct sf_sql *st, const char *sql)
{
	PGresult *r = PQexec(st->conn, sql);

	if (PQresultStatus(r) != PGRES_COMMAND_OK) {
		pg_error(st, r);
		PQclear(r);
		return -1;
	}
	PQclear(r);
	return 0;
}

static int
declare(struct sf_sql *st)
{
	struct sf_buf q = SF_BUF_INIT;
	PGresult *r;
	int ok;

	if (PQtransactionStatus(st->conn) == PQTRANS_IDLE) {
		if (simple(st, "BEGIN") == -1)
			return SF_SQL_ERROR;
		st->began = 1;
	}
	sf_buf_addf(&q, "DECLARE %s NO SCROLL CURSOR FOR %s", st->name,
	    st->sql.buf);
	r = PQexecParams(st->conn, q.buf, st->nparam, NULL, st->val, NULL,
	    NULL, 0);
	sf_buf_release(&q);
	ok = PQresultStatus(r) == PGRES_COMMAND_OK;
	if (!ok)
		pg_error(st, r);
	PQclear(r);
	if (!ok)
		return SF_SQL_ERROR;
	st->open = 1;
	return 0;
}

static int
fetch(struct sf_sql *st)
{
	char q[64];
	PGresult *r;

	snprintf(q, sizeof(q), "FETCH FORWARD %d FROM %s", PAGE_ROWS,
	    st->name);
	r = PQexec(st->conn, q);
	if (PQresultStatus(r) != PGRES_TUPLES_OK) {
		pg_error(st, r);
		PQclear(r);
		return SF_SQL_ERROR;
	}
	result(st, r);
	if (st->nrows < PAGE_ROWS)
		st->end = 1;
	return 0;
}

int
sf_sql_step(struct sf_sql *st)
{
	int rc;

	if (st->lite != NULL) {
		rc = sqlite3_step(st->lite);
		if (rc == SQLITE_ROW)
			return SF_SQL_ROW;
		if (rc == SQLITE_DONE) {
			st->changes = sqlite3_changes(sf_db_sqlite(st->db));
			return SF_SQL_DONE;
		}
		return SF_SQL_ERROR;
	}
	if (!st->ran) {
		st->ran = 1;
		if (st->stream) {
			if (declare(st) == SF_SQL_ERROR ||
			    fetch(st) == SF_SQL_ERROR)
				return SF_SQL_ERROR;
		} else if (run_plain(st) == SF_SQL_ERROR) {
			return SF_SQL_ERROR;
		}
	}
	if (st->res == NULL)
		return SF_SQL_DONE;
	if (st->row + 1 < st->nrows) {
		st->row++;
		return SF_SQL_ROW;
	}
	if (!st->stream || st->end)
		return SF_SQL_DONE;
	if (fetch(st) == SF_SQL_ERROR)
		return SF_SQL_ERROR;
	if (st->nrows == 0)
		return SF_SQL_DONE;
	st->row = 0;
	return SF_SQL_ROW;
}

int
sf_sql_isnull(struct sf_sql *st, int col)
{
	if (st->lite != NULL)
		return sqlite3_column_type(st->lite, col) == SQLITE_NULL;
	if (st->res == NULL || st->row < 0 || st->row >= st->nrows ||
	    col < 0 || col >= PQnfields(st->res))
		return 1;
	return PQgetisnull(st->res, st->row, col);
}

/* iso: "2026-05-01 00:00:00[.ffffff]+00" as "2026-05-01T00:00:00Z" into
 * out; anything else as it is */
static const char *
iso(const char *v, struct sf_buf *out)
{
	size_t n = strlen(v);

	if (n < 19 || v[10] != ' ' || v[4] != '-' || v[13] != ':')
		return v;
	sf_buf_reset(out);
	sf_buf_add(out, v, 10);
	sf_buf_addc(out, 'T');
	sf_buf_add(out, v + 11, 8);
	sf_buf_addc(out, 'Z');
	return out->buf;
}

const char *
sf_sql_text(struct sf_sql *st, int col)
{
	const char *v;

	if (st->lite != NULL)
		return (const char *)sqlite3_column_text(st->lite, col);
	if (sf_sql_isnull(st, col))
		return NULL;
	v = PQgetvalue(st->res, st->row, col);
	if (st->conv[col] == 1)
		return iso(v, &st->cell[col]);
	if (st->conv[col] == 2)
		return *v == 't' ? "1" : "0";
	return v;
}

int64_t
sf_sql_int(struct sf_sql *st, int col)
{
	const char *v;

	if (st->lite != NULL)
		return sqlite3_column_int64(st->lite, col);
	if ((v = sf_sql_text(st, col)) == NULL)
		return 0;
	return strtoll(v, NULL, 10);
}

double
sf_sql_double(struct sf_sql *st, int col)
{
	const char *v;

	if (st->lite != NULL)
		return sqlite3_column_double(st->lite, col);
	if ((v = sf_sql_text(st, col)) == NULL)
		return 0.0;
	return strtod(v, NULL);
}

int
sf_sql_columns(struct sf_sql *st)
{
	if (st->lite != NULL)
		return sqlite3_column_count(st->lite);
	return st->res != NULL ? PQnfields(st->res) : 0;
}

int64_t
sf_sql_changes(struct sf_sql *st)
{
	return st->changes;
}

/* done: ends the cursor and the transaction this statement opened */
static void
done(struct sf_sql *st)
{
	char q[64];
	PGresult *r;

	PQclear(st->res);
	st->res = NULL;
	if (st->open) {
		snprintf(q, sizeof(q), "CLOSE %s", st->name);
		PQclear(PQexec(st->conn, q));
		st->open = 0;
	}
	if (st->began) {
		r = PQexec(st->conn,
		    PQtransactionStatus(st->conn) == PQTRANS_INERROR ?
		    "ROLLBACK" : "COMMIT");
		PQclear(r);
		st->began = 0;
	}
	st->ran = st->end = 0;
	st->row = -1;
	st->nrows = 0;
}

void
sf_sql_reset(struct sf_sql *st)
{
	if (st->lite != NULL) {
		sqlite3_reset(st->lite);
		return;
	}
	done(st);
}

void
sf_sql_finalize(struct sf_sql *st)
{
	char q[64];

	if (st == NULL)
		return;
	if (st->lite != NULL) {
		sqlite3_finalize(st->lite);
	} else if (st->conn != NULL) {
		done(st);
		if (!st->stream &&
		    PQtransactionStatus(st->conn) != PQTRANS_INERROR) {
			snprintf(q, sizeof(q), "DEALLOCATE %s", st->name);
			PQclear(PQexec(st->conn, q));
		}
	}
	for (int i = 0; i < st->nparam; i++)
		sf_buf_release(&st->param[i]);
	free(st->param);
	free(st->val);
	free(st->conv);
	sf_buf_release(&st->sql);
	cells_free(st);
	free(st);
}

enum sf_sql_errkind
sf_sql_errkind(struct sf_db *db)
{
	const char *state;
	int code;

	if (sf_db_engine(db) == SF_DB_SQLITE) {
		code = sqlite3_extended_errcode(sf_db_sqlite(db));
		if (code == SQLITE_CONSTRAINT_UNIQUE ||
		    code == SQLITE_CONSTRAINT_PRIMARYKEY)
			return SF_SQL_EUNIQUE;
		if (code == SQLITE_CONSTRAINT_FOREIGNKEY)
			return SF_SQL_EFOREIGN;
		if (code == SQLITE_CONSTRAINT_CHECK ||
		    code == SQLITE_CONSTRAINT_NOTNULL)
			return SF_SQL_ECHECK;
		return SF_SQL_EOTHER;
	}
	state = sf_db_error_state(db);
	if (strcmp(state, "23505") == 0)
		return SF_SQL_EUNIQUE;
	if (strcmp(state, "23503") == 0)
		return SF_SQL_EFOREIGN;
	if (strcmp(state, "23514") == 0 || strcmp(state, "23502") == 0)
		return SF_SQL_ECHECK;
	return SF_SQL_EOTHER;
}
