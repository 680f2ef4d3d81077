/*
 * t_sql: sf_sql's statements behave the same on SQLite and PostgreSQL.
 * SQLite always (a temporary archive); PostgreSQL too when SF_PG_URI
 * names a server (tests/cmd/t0955-pg-sql.sh starts one).
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sf_buf.h"
#include "sf_db.h"
#include "sf_err.h"
#include "sf_sql.h"
#include "tap.h"

static void
dollar(void)
{
	struct sf_buf b = SF_BUF_INIT;
	int n;

	n = sf_sql_dollar("SELECT ? , '?', \"a?\", ?3 -- what?\n, ?", &b);
	is_str(b.buf, "SELECT $1 , '?', \"a?\", $3 -- what?\n, $4",
	    "? and ?N become $N outside quotes and comments");
	is_int(n, 4, "the highest parameter");
	sf_buf_reset(&b);
	n = sf_sql_dollar("SELECT 1", &b);
	is_int(n, 0, "no parameters");
	sf_buf_release(&b);
}

static void
engine(struct sf_db *db, const char *name)
{
	struct sf_err err = { "", 0 };
	struct sf_sql *st, *a, *b;
	char what[128];
	int64_t sum;
	int rc, n;

#define W(s) (snprintf(what, sizeof(what), "%s: %s", name, (s)), what)
	ok(sf_db_exec(db, "CREATE TEMP TABLE t_sql (k integer PRIMARY KEY, "
	    "s text, d double precision)", &err) == 0, W("exec"));
	st = sf_sql_prepare(db, "INSERT INTO t_sql (k, s, d) VALUES (?, ?, ?)",
	    NULL, 0, &err);
	ok(st != NULL, W("prepare"));
	if (st == NULL) {
		printf("# %s\n", err.msg);
		return;
	}
	ok(sf_db_begin(db, &err) == 0, W("begin"));
	for (int i = 1; i <= 2500; i++) {
		sf_sql_bind_int(st, 1, i);
		if (i % 7 == 0)
			sf_sql_bind_text(st, 2, NULL);
		else
			sf_sql_bind_text(st, 2, i % 2 ? "odd 'quoted'" : "even");
		sf_sql_bind_double(st, 3, i / 4.0);
		rc = sf_sql_step(st);
		sf_sql_reset(st);
		if (rc != SF_SQL_DONE) {
			ok(0, W("insert"));
			break;
		}
	}
	ok(sf_db_commit(db, &err) == 0, W("commit"));
	is_int(sf_sql_changes(st), 1, W("one row changed"));
	/* a duplicate key */
	sf_sql_bind_int(st, 1, 1);
	rc = sf_sql_step(st);
	is_int(rc, SF_SQL_ERROR, W("a duplicate fails"));
	is_int(sf_sql_errkind(db), SF_SQL_EUNIQUE, W("as a unique key"));
	sf_db_fail(db, "inserting", &err);
	ok(strstr(err.msg, "inserting: ") != NULL, W("sf_db_fail says what"));
	sf_sql_reset(st);
	sf_sql_finalize(st);

	/* streaming: 2500 rows in pages, with another statement between */
	a = sf_sql_prepare(db, "SELECT k, s, d FROM t_sql WHERE k >= ? "
	    "ORDER BY k", NULL, SF_SQL_STREAM, &err);
	b = sf_sql_prepare(db, "SELECT count(*) FROM t_sql WHERE k <= ?",
	    NULL, 0, &err);
	ok(a != NULL && b != NULL, W("prepare two"));
	if (a == NULL || b == NULL)
		return;
	sf_sql_bind_int(a, 1, 1);
	n = 0;
	sum = 0;
	while ((rc = sf_sql_step(a)) == SF_SQL_ROW) {
		n++;
		sum += sf_sql_int(a, 0);
		if (n == 1500) {
			sf_sql_bind_int(b, 1, 10);
			ok(sf_sql_step(b) == SF_SQL_ROW &&
			    sf_sql_int(b, 0) == 10, W("a second statement "
			    "between pages"));
			sf_sql_reset(b);
		}
		if (n == 7)
			ok(sf_sql_isnull(a, 1) && sf_sql_text(a, 1) == NULL,
			    W("NULL text"));
		if (n == 3) {
			is_str(sf_sql_text(a, 1), "odd 'quoted'", W("text"));
			ok(sf_sql_double(a, 2) == 0.75, W("double"));
		}
	}
	is_int(rc, SF_SQL_DONE, W("the stream ends"));
	is_int(n, 2500, W("every row"));
	is_int(sum, 2500 * 2501 / 2, W("every key once"));
	sf_sql_reset(a);
	sf_sql_bind_int(a, 1, 2500);
	ok(sf_sql_step(a) == SF_SQL_ROW && sf_sql_int(a, 0) == 2500,
	    W("again after reset, new binding"));
	ok(sf_sql_step(a) == SF_SQL_DONE, W("one row"));
	sf_sql_finalize(a);
	sf_sql_finalize(b);

	/* instants read as sf's ISO 8601 */
	st = sf_sql_prepare(db, "SELECT '2026-05-01T06:30:00Z'",
	    "SELECT timestamptz '2026-05-01 06:30:00.25+00', true, false",
	    0, &err);
	ok(st != NULL && sf_sql_step(st) == SF_SQL_ROW, W("an instant"));
	if (st != NULL) {
		is_str(sf_sql_text(st, 0), "2026-05-01T06:30:00Z",
		    W("as ISO 8601"));
		if (sf_db_engine(db) == SF_DB_POSTGRESQL) {
			is_int(sf_sql_int(st, 1), 1, W("true is 1"));
			is_int(sf_sql_int(st, 2), 0, W("false is 0"));
		}
	}
	sf_sql_finalize(st);
	/* a failed statement in a stream's transaction */
	st = sf_sql_prepare(db, "SELECT k FROM no_such_table", NULL,
	    SF_SQL_STREAM, &err);
	if (st != NULL) {
		is_int(sf_sql_step(st), SF_SQL_ERROR, W("a missing table"));
		sf_sql_finalize(st);
	} else {
		ok(strstr(err.msg, "no_such_table") != NULL,
		    W("a missing table"));
	}
	ok(sf_db_exec(db, "DROP TABLE t_sql", &err) == 0,
	    W("the connection still works"));
#undef W
}

int
main(void)
{
	struct sf_err err = { "", 0 };
	struct sf_db *db;
	char path[32] = "/tmp/t_sql.XXXXXX";	/* room for "-wal" */
	const char *uri = getenv("SF_PG_URI");
	int fd;

	dollar();
	if ((fd = mkstemp(path)) == -1)
		return 1;
	close(fd);
	unlink(path);
	db = sf_db_open(path, SF_DB_CREATE, &err);
	ok(db != NULL, "sqlite: open");
	if (db != NULL)
		engine(db, "sqlite");
	sf_db_close(db);
	unlink(path);
	strcat(path, "-wal");
	unlink(path);
	path[strlen(path) - 4] = '\0';
	strcat(path, "-shm");
	unlink(path);
	if (uri != NULL && *uri != '\0') {
		db = sf_db_open(uri, SF_DB_CREATE | SF_DB_PG, &err);
		ok(db != NULL, "postgresql: open");
		if (db == NULL)
			printf("# %s\n", err.msg);
		else
			engine(db, "postgresql");
		sf_db_close(db);
	}
	return tap_done();
}
