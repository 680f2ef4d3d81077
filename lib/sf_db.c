/*
 * sf_db: opening and migrating the archive. The schema text comes from
 * share/sf/schema.sql, compiled in as sf_schema_sql, so the installed copy
 * and the one the programs create are the same. A PostgreSQL archive is
 * handed to sf_pg, which has its own schema and migrations.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <libpq-fe.h>

#include "sf_buf.h"
#include "sf_db.h"
#include "sf_err.h"
#include "sf_log.h"
#include "sf_mem.h"
#include "sf_pg.h"
#include "sf_quality.h"
#include "sf.h"

extern const char *const sf_schema_sql[];

/* How long a writer waits for another one before giving up. */
#define BUSY_TIMEOUT_MS 120000

struct sf_db {
	enum sf_db_engine engine;
	sqlite3 *h;		/* SQLite */
	struct sf_pg *pg;	/* PostgreSQL */
	char *path;		/* for messages: never a password */
	struct sf_buf pgerr;	/* PostgreSQL: the last error's message */
	char pgstate[6];	/* and its SQLSTATE */
};

static sf_db_seed_fn *seed;

void
sf_db_set_seed(sf_db_seed_fn *fn)
{
	seed = fn;
}

int
sf_db_path(const char *opt, struct sf_buf *path, int *is_default,
    struct sf_err *err)
{
	const char *e;

	*is_default = 0;
	sf_buf_reset(path);
	if (opt != NULL) {
		sf_buf_adds(path, opt);
		return 0;
	}
	if ((e = getenv("SF_DB")) != NULL && *e != '\0') {
		sf_buf_adds(path, e);
		return 0;
	}
	*is_default = 1;
	if ((e = getenv("XDG_DATA_HOME")) != NULL && *e == '/') {
		sf_buf_addf(path, "%s/sf/sf.db", e);
		return 0;
	}
	if ((e = getenv("HOME")) != NULL && *e != '\0') {
		sf_buf_addf(path, "%s/.local/share/sf/sf.db", e);
		return 0;
	}
	return sf_err_set(err, "no database: give --db, or set SF_DB or HOME");
}

/* mkdir -p of the directory part of path. */
static int
make_parent(const char *path, struct sf_err *err)
{
	char *dir = sf_strdup(path), *p;
	int r = 0;

	if ((p = strrchr(dir, '/')) != NULL && p != dir) {
		*p = '\0';
		for (p = dir + 1; ; p++) {
			if (*p != '/' && *p != '\0')
				continue;
			char c = *p;
			*p = '\0';
			if (mkdir(dir, 0777) == -1 && errno != EEXIST) {
				r = sf_err_set(err, "cannot create directory "
				    "'%s': %s", dir, strerror(errno));
				break;
			}
			*p = c;
			if (c == '\0')
				break;
		}
	}
	free(dir);
	return r;
}

int
sf_db_fail(struct sf_db *db, const char *what, struct sf_err *err)
{
	if (db->engine == SF_DB_POSTGRESQL)
		return sf_err_set(err, "database '%s': %s: %s", db->path,
		    what, db->pgerr.len > 0 ? db->pgerr.buf :
		    "unknown error");
	return sf_err_set(err, "database '%s': %s: %s", db->path, what,
	    db->h != NULL ? sqlite3_errmsg(db->h) :
	    "not a SQLite archive");
}

void
sf_db_set_error(struct sf_db *db, const char *msg, const char *state)
{
	size_t n = strcspn(msg, "\n");

	while (n > 0 && msg[n - 1] == ' ')
		n--;
	sf_buf_reset(&db->pgerr);
	sf_buf_add(&db->pgerr, msg, n);
	snprintf(db->pgstate, sizeof(db->pgstate), "%s",
	    state != NULL ? state : "");
}

const char *
sf_db_error_state(struct sf_db *db)
{
	return db->pgstate;
}

/* pg_fail: keeps the error of r (may be NULL) as db's, clears r, and
 * fills err as sf_db_fail does */
static int
pg_fail(struct sf_db *db, PGresult *r, const char *what, struct sf_err *err)
{
	PGconn *c = (PGconn *)sf_pg_conn(db->pg);

	sf_db_set_error(db, r != NULL && *PQresultErrorMessage(r) ?
	    PQresultErrorMessage(r) : PQerrorMessage(c),
	    r != NULL ? PQresultErrorField(r, PG_DIAG_SQLSTATE) : NULL);
	PQclear(r);
	return sf_db_fail(db, what, err);
}

/* pg_simple: runs sql (no parameters, maybe several statements) on a
 * PostgreSQL archive */
static int
pg_simple(struct sf_db *db, const char *sql, const char *what,
    struct sf_err *err)
{
	PGresult *r = PQexec((PGconn *)sf_pg_conn(db->pg), sql);
	ExecStatusType st = PQresultStatus(r);

	if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK)
		return pg_fail(db, r, what, err);
	PQclear(r);
	return 0;
}

int
sf_db_int(struct sf_db *db, const char *sql, long long *v,
    struct sf_err *err)
{
	sqlite3_stmt *st;
	int rc;

	if (db->engine == SF_DB_POSTGRESQL) {
		PGresult *r = PQexec((PGconn *)sf_pg_conn(db->pg), sql);

		if (PQresultStatus(r) != PGRES_TUPLES_OK)
			return pg_fail(db, r, "querying", err);
		rc = PQntuples(r) > 0 && PQnfields(r) > 0;
		if (rc)
			*v = PQgetisnull(r, 0, 0) ? 0 :
			    strtoll(PQgetvalue(r, 0, 0), NULL, 10);
		PQclear(r);
		if (!rc) {
			sf_db_set_error(db, "no row", NULL);
			return sf_db_fail(db, "querying", err);
		}
		return 0;
	}
	if ((st = sf_db_prepare(db, sql, err)) == NULL)
		return -1;
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		*v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	if (rc != SQLITE_ROW)
		return sf_db_fail(db, rc == SQLITE_DONE ? "no row" :
		    "querying", err);
	return 0;
}

/* Runs the schema, kept as lines in sf_schema_sql. */
static int
create(struct sf_db *db, struct sf_err *err)
{
	struct sf_buf sql = SF_BUF_INIT;
	size_t i;
	int r;

	for (i = 0; sf_schema_sql[i] != NULL; i++)
		sf_buf_adds(&sql, sf_schema_sql[i]);
	r = sf_db_exec(db, sql.buf, err);
	sf_buf_release(&sql);
	return r;
}

/* Version 2: per-configuration allowances, last success, revision pass. */
static const char migrate_2[] =
    "ALTER TABLE pull_configurations ADD COLUMN revision_window_days INTEGER;"
    "ALTER TABLE pull_configurations ADD COLUMN stale_after_seconds INTEGER;"
    "ALTER TABLE pull_station_progress ADD COLUMN last_success_at TEXT;"
    "ALTER TABLE pull_station_progress ADD COLUMN last_revision_pass_at TEXT;"
    "PRAGMA user_version = 2;";

/* Version 3: one quality vocabulary (sf_quality_map) for stored codes. */
static const char qc_pairs_sql[] =
    "SELECT DISTINCT x.qc, q.code, s.agency FROM "
    "(SELECT series, qc FROM obs UNION ALL "
    "SELECT series, qc FROM obs_revisions) x "
    "JOIN quality_codes q ON q.id = x.qc "
    "JOIN obs_series r ON r.id = x.series "
    "JOIN stations s ON s.id = r.station_id";

struct qc_pair {
	long long id;
	char *code, *agency;
};

/*
 * Rewrites every stored quality code in the one vocabulary, per agency
 * (a code means what its agency means by it), merging codes that now
 * read the same; codes no row uses any more go.
 */
static int
migrate_3(struct sf_db *db, struct sf_err *err)
{
	static const char *const upd[] = {
	    "UPDATE obs SET qc = ?2 WHERE qc = ?1 AND series IN "
	    "(SELECT r.id FROM obs_series r JOIN stations s "
	    "ON s.id = r.station_id WHERE s.agency IS ?3)",
	    "UPDATE obs_revisions SET qc = ?2 WHERE qc = ?1 AND series IN "
	    "(SELECT r.id FROM obs_series r JOIN stations s "
	    "ON s.id = r.station_id WHERE s.agency IS ?3)"
	};
	struct sf_buf to = SF_BUF_INIT;
	struct qc_pair *v = NULL;
	sqlite3_stmt *st = NULL, *add = NULL, *get = NULL, *u[2] = { 0 };
	size_t n = 0, i;
	int rc, r = -1, k;

	if ((st = sf_db_prepare(db, qc_pairs_sql, err)) == NULL)
		return -1;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		const char *c = (const char *)sqlite3_column_text(st, 1);
		const char *a = (const char *)sqlite3_column_text(st, 2);

		v = sf_realloc(v, (n + 1) * sizeof(*v));
		v[n].id = sqlite3_column_int64(st, 0);
		v[n].code = sf_strdup(c != NULL ? c : "");
		v[n].agency = a != NULL ? sf_strdup(a) : NULL;
		n++;
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE) {
		sf_db_fail(db, "reading quality codes", err);
		goto out;
	}
	if ((add = sf_db_prepare(db, "INSERT OR IGNORE INTO quality_codes "
	    "(code) VALUES (?1)", err)) == NULL ||
	    (get = sf_db_prepare(db, "SELECT id FROM quality_codes "
	    "WHERE code = ?1", err)) == NULL ||
	    (u[0] = sf_db_prepare(db, upd[0], err)) == NULL ||
	    (u[1] = sf_db_prepare(db, upd[1], err)) == NULL)
		goto out;
	for (i = 0; i < n; i++) {
		long long id;

		sf_quality_map(v[i].agency, v[i].code, &to);
		if (strcmp(to.buf, v[i].code) == 0)
			continue;
		sqlite3_bind_text(add, 1, to.buf, -1, SQLITE_STATIC);
		rc = sqlite3_step(add);
		sqlite3_reset(add);
		sqlite3_bind_text(get, 1, to.buf, -1, SQLITE_STATIC);
		if (rc != SQLITE_DONE || sqlite3_step(get) != SQLITE_ROW) {
			sqlite3_reset(get);
			sf_db_fail(db, "rewriting quality codes", err);
			goto out;
		}
		id = sqlite3_column_int64(get, 0);
		sqlite3_reset(get);
		for (k = 0; k < 2; k++) {
			sqlite3_bind_int64(u[k], 1, v[i].id);
			sqlite3_bind_int64(u[k], 2, id);
			sf_db_bind_text(u[k], 3, v[i].agency);
			rc = sqlite3_step(u[k]);
			sqlite3_reset(u[k]);
			if (rc != SQLITE_DONE) {
				sf_db_fail(db, "rewriting quality codes", err);
				goto out;
			}
		}
	}
	r = sf_db_exec(db, "DELETE FROM quality_codes WHERE id NOT IN "
	    "(SELECT qc FROM obs WHERE qc IS NOT NULL) AND id NOT IN "
	    "(SELECT qc FROM obs_revisions WHERE qc IS NOT NULL);"
	    "PRAGMA user_version = 3;", err);
out:
	sqlite3_finalize(add);
	sqlite3_finalize(get);
	sqlite3_finalize(u[0]);
	sqlite3_finalize(u[1]);
	for (i = 0; i < n; i++) {
		free(v[i].code);
		free(v[i].agency);
	}
	free(v);
	sf_buf_release(&to);
	return r;
}

/*
 * Brings the schema to SF_DB_SCHEMA_VERSION inside one write transaction,
 * so two programs opening a new file at once create it once.
 */
static int
migrate(struct sf_db *db, int readonly, struct sf_err *err)
{
	const char *version = "PRAGMA user_version";
	long long v, n = 0;

	if (sf_db_int(db, version, &v, err) == -1)
		return -1;
	if (v == SF_DB_SCHEMA_VERSION)
		return 0;
	if (v > SF_DB_SCHEMA_VERSION)
		return sf_err_set(err, "database '%s': schema version %lld is "
		    "newer than this sf understands (%d)", db->path, v,
		    SF_DB_SCHEMA_VERSION);
	if (readonly && v > 0)
		return sf_err_set(err, "database '%s': schema version %lld "
		    "is older than this sf's (%d): run sf-load once to "
		    "migrate it", db->path, v, SF_DB_SCHEMA_VERSION);
	if (readonly)
		return sf_err_set(err, "database '%s': not an sf database, "
		    "or not yet created", db->path);
	if (sf_db_begin(db, err) == -1)
		return -1;
	if (sf_db_int(db, version, &v, err) == -1 ||
	    sf_db_int(db, "SELECT count(*) FROM sqlite_master", &n, err) == -1)
		goto fail;
	if (v == 0 && n > 0) {
		sf_err_set(err, "database '%s': not an sf database (it has "
		    "tables but no sf schema version)", db->path);
		goto fail;
	}
	if (v == 0 && create(db, err) == -1)
		goto fail;
	/* The seed fills station_mappings when it creates the database. */
	if (v == 0 && seed != NULL && seed(db, err) == -1)
		goto fail;
	/* Each later version adds its step here. */
	if (v > 0 && v < 2 && sf_db_exec(db, migrate_2, err) == -1)
		goto fail;
	if (v > 0 && v < 3 && migrate_3(db, err) == -1)
		goto fail;
	return sf_db_commit(db, err);
fail:
	sf_db_rollback(db);
	return -1;
}

/*
 * Switching a file to WAL takes an exclusive lock, and sqlite answers
 * SQLITE_BUSY there without calling the busy handler: two programs
 * creating one new database at once would see "database is locked". So
 * the switch is retried here for as long as the busy timeout allows.
 */
static int
set_wal(struct sf_db *db, struct sf_err *err)
{
	int slept = 0, rc, nap = 1;

	for (;;) {
		rc = sqlite3_exec(db->h, "PRAGMA journal_mode = WAL", NULL,
		    NULL, NULL);
		if (rc == SQLITE_OK)
			return 0;
		if ((rc & 0xff) != SQLITE_BUSY && (rc & 0xff) != SQLITE_LOCKED)
			break;
		if (slept >= BUSY_TIMEOUT_MS)
			break;
		sqlite3_sleep(nap);
		slept += nap;
		if (nap < 50)
			nap *= 2;
	}
	return sf_db_fail(db, "switching to WAL", err);
}

/*
 * A reader's second try: the file as immutable (a URI with immutable=1),
 * for a WAL archive whose -shm a user without write access to the
 * directory can neither open nor create. sqlite then takes no locks and
 * reads the file as it is. Returns 0, or -1 with db->h closed.
 */
static int
open_immutable(struct sf_db *db, const char *path)
{
	struct sf_buf uri = SF_BUF_INIT;
	const char *p;
	int rc;

	sqlite3_close(db->h);
	db->h = NULL;
	sf_buf_adds(&uri, "file:");
	for (p = path; *p != '\0'; p++) {
		if (*p == '?' || *p == '#' || *p == '%')
			sf_buf_addf(&uri, "%%%02X", (unsigned char)*p);
		else
			sf_buf_addc(&uri, *p);
	}
	sf_buf_adds(&uri, "?immutable=1");
	rc = sqlite3_open_v2(uri.buf, &db->h, SQLITE_OPEN_READONLY |
	    SQLITE_OPEN_URI | SQLITE_OPEN_NOMUTEX, NULL);
	sf_buf_release(&uri);
	return rc == SQLITE_OK ? 0 : -1;
}

int
sf_db_supported(const char *path, int flags, struct sf_err *err)
{
	if (sf_pg_is_uri(path) && !(flags & SF_DB_PG))
		return sf_err_set(err, "PostgreSQL archives are not supported "
		    "by %s yet", sf_log_progname());
	return 0;
}

/* pg_seed: the seed, run by sf_pg_migrate in its creating transaction */
static int
pg_seed(void *arg, struct sf_err *err)
{
	return seed((struct sf_db *)arg, err);
}

/*
 * Connects to a PostgreSQL archive: with SF_DB_CREATE its schema is made
 * or brought up to date; otherwise it must be there already. The seed
 * runs when this call created the schema, in a transaction of its own
 * right after sf_pg_migrate's (which sf_pg holds): a failing seed leaves
 * the schema without the seed's data, and the open fails saying so.
 */
static struct sf_db *
open_pg(const char *conninfo, int flags, struct sf_err *err)
{
	struct sf_db *db;
	struct sf_buf name = SF_BUF_INIT;
	int v;

	if (sf_db_supported(conninfo, flags, err) == -1)
		return NULL;
	db = sf_calloc(1, sizeof(*db));
	sf_buf_init(&db->pgerr);
	db->engine = SF_DB_POSTGRESQL;
	sf_pg_display(conninfo, &name);
	db->path = sf_strdup(name.buf);
	sf_buf_release(&name);
	if ((db->pg = sf_pg_open(conninfo, err)) == NULL)
		goto fail;
	if (flags & SF_DB_CREATE) {
		/* the seed goes in with the schema, or neither does */
		if (seed != NULL)
			sf_pg_on_create(db->pg, pg_seed, db);
		if (sf_pg_migrate(db->pg, NULL, err) == -1)
			goto fail;
		return db;
	}
	/* a reader's session cannot write, whatever it runs */
	if ((flags & SF_DB_READONLY) && sf_pg_exec(db->pg, "SET SESSION "
	    "CHARACTERISTICS AS TRANSACTION READ ONLY", 0, NULL, NULL, NULL,
	    err) == -1)
		goto fail;
	if (sf_pg_schema_version(db->pg, &v, err) == -1)
		goto fail;
	if (v == 0) {
		sf_err_set(err, "database '%s': not an sf database, or not yet "
		    "created", db->path);
		goto fail;
	}
	if (v > SF_PG_SCHEMA_VERSION) {
		sf_err_set(err, "database '%s': schema version %d is newer "
		    "than this sf understands (%d)", db->path, v,
		    SF_PG_SCHEMA_VERSION);
		goto fail;
	}
	return db;
fail:
	sf_db_close(db);
	return NULL;
}

struct sf_db *
sf_db_open(const char *path, int flags, struct sf_err *err)
{
	struct sf_db *db;
	int oflags;

	if (sf_pg_is_uri(path))
		return open_pg(path, flags, err);
	db = sf_calloc(1, sizeof(*db));
	sf_buf_init(&db->pgerr);
	db->engine = SF_DB_SQLITE;
	db->path = sf_strdup(path);
	/* A connection is used by one thread: no mutexes on the hot path. */
	if (flags & SF_DB_READONLY)
		oflags = SQLITE_OPEN_READONLY;
	else if (flags & SF_DB_CREATE)
		oflags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE;
	else
		oflags = SQLITE_OPEN_READWRITE;
	oflags |= SQLITE_OPEN_NOMUTEX;
	if (sqlite3_open_v2(path, &db->h, oflags, NULL) != SQLITE_OK) {
		if (db->h == NULL)
			sf_err_set(err, "database '%s': out of memory", path);
		else if (!(flags & SF_DB_CREATE) &&
		    sqlite3_errcode(db->h) == SQLITE_CANTOPEN)
			sf_err_set(err, "database '%s': cannot open (does it "
			    "exist?)", path);
		else
			sf_db_fail(db, "cannot open", err);
		goto fail;
	}
	/* A reader that cannot use the WAL index reads the file as is. */
	if ((flags & SF_DB_READONLY) && sqlite3_exec(db->h,
	    "PRAGMA user_version", NULL, NULL, NULL) != SQLITE_OK &&
	    open_immutable(db, path) == -1) {
		sf_db_fail(db, "cannot open", err);
		goto fail;
	}
	sqlite3_extended_result_codes(db->h, 1);
	sqlite3_busy_timeout(db->h, BUSY_TIMEOUT_MS);
	if (!(flags & SF_DB_READONLY) && set_wal(db, err) == -1)
		goto fail;
	if (sf_db_exec(db, "PRAGMA synchronous = NORMAL;"
	    "PRAGMA foreign_keys = ON;"
	    "PRAGMA cache_size = -8000", err) == -1)
		goto fail;
	if (migrate(db, flags & SF_DB_READONLY, err) == -1)
		goto fail;
	return db;
fail:
	sf_db_close(db);
	return NULL;
}

struct sf_db *
sf_db_open_opt(const char *opt, int flags, struct sf_err *err)
{
	struct sf_buf path = SF_BUF_INIT;
	struct sf_db *db = NULL;
	int is_default;

	if (sf_db_path(opt, &path, &is_default, err) == 0 &&
	    (!is_default || !(flags & SF_DB_CREATE) ||
	    sf_pg_is_uri(path.buf) ||
	    make_parent(path.buf, err) == 0))
		db = sf_db_open(path.buf, flags, err);
	sf_buf_release(&path);
	return db;
}

void
sf_db_close(struct sf_db *db)
{
	if (db == NULL)
		return;
	sqlite3_close(db->h);
	sf_pg_close(db->pg);
	sf_buf_release(&db->pgerr);
	free(db->path);
	free(db);
}

enum sf_db_engine
sf_db_engine(const struct sf_db *db)
{
	return db->engine;
}

const char *
sf_db_path_of(const struct sf_db *db)
{
	return db->path;
}

sqlite3 *
sf_db_sqlite(struct sf_db *db)
{
	return db->h;
}

struct sf_pg *
sf_db_pg(struct sf_db *db)
{
	return db->pg;
}

sqlite3_stmt *
sf_db_prepare(struct sf_db *db, const char *sql, struct sf_err *err)
{
	sqlite3_stmt *st = NULL;

	if (db->h == NULL) {
		sf_db_fail(db, "preparing a statement", err);
		return NULL;
	}
	if (sqlite3_prepare_v3(db->h, sql, -1, SQLITE_PREPARE_PERSISTENT, &st,
	    NULL) != SQLITE_OK) {
		sf_db_fail(db, "preparing a statement", err);
		return NULL;
	}
	return st;
}

int
sf_db_exec(struct sf_db *db, const char *sql, struct sf_err *err)
{
	if (db->engine == SF_DB_POSTGRESQL)
		return pg_simple(db, sql, "executing", err);
	if (db->h == NULL || sqlite3_exec(db->h, sql, NULL, NULL, NULL) !=
	    SQLITE_OK)
		return sf_db_fail(db, "executing", err);
	return 0;
}

int
sf_db_begin(struct sf_db *db, struct sf_err *err)
{
	if (db->engine == SF_DB_POSTGRESQL)
		return pg_simple(db, "BEGIN", "starting a transaction", err);
	if (db->h == NULL || sqlite3_exec(db->h, "BEGIN IMMEDIATE", NULL,
	    NULL, NULL) != SQLITE_OK)
		return sf_db_fail(db, "starting a transaction", err);
	return 0;
}

int
sf_db_commit(struct sf_db *db, struct sf_err *err)
{
	if (db->engine == SF_DB_POSTGRESQL) {
		if (pg_simple(db, "COMMIT", "committing", err) == -1) {
			sf_db_rollback(db);
			return -1;
		}
		return 0;
	}
	if (db->h == NULL || sqlite3_exec(db->h, "COMMIT", NULL, NULL,
	    NULL) != SQLITE_OK) {
		sf_db_fail(db, "committing", err);
		sf_db_rollback(db);
		return -1;
	}
	return 0;
}

void
sf_db_rollback(struct sf_db *db)
{
	PGconn *c;

	if (db->engine == SF_DB_POSTGRESQL) {
		c = (PGconn *)sf_pg_conn(db->pg);
		if (PQtransactionStatus(c) != PQTRANS_IDLE)
			PQclear(PQexec(c, "ROLLBACK"));
		return;
	}
	if (db->h != NULL && !sqlite3_get_autocommit(db->h))
		sqlite3_exec(db->h, "ROLLBACK", NULL, NULL, NULL);
}

int
sf_db_bind_text(sqlite3_stmt *st, int i, const char *s)
{
	if (s == NULL)
		return sqlite3_bind_null(st, i);
	return sqlite3_bind_text(st, i, s, -1, SQLITE_TRANSIENT);
}
