/*
 * sf_pg: the archive on PostgreSQL, over libpq.
 *
 * Why the loader looks as it does: row-at-a-time upserts cost a round
 * trip and an index probe each, and INSERT ... ON CONFLICT DO UPDATE
 * writes a new tuple version even for a row that did not change. So a
 * batch streams through COPY into a temporary staging table, and one
 * transaction then compares it with the archive as sets: changed rows are
 * copied to the revision history and updated, new rows inserted, and rows
 * equal to the archive's are not written at all.
 */
#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <libpq-fe.h>

#include "sf_buf.h"
#include "sf_err.h"
#include "sf_mem.h"
#include "sf_pg.h"
#include "sf.h"

extern const char *const sf_schema_pg_sql[];

/* The transaction-level advisory lock that serialises schema creation. */
#define MIGRATE_KEY "7378736368656d61"	/* hex of "sfschema" */
/* The first key of a configuration's lock: "sf" (two-key lock space). */
#define CONFIG_CLASS 0x7366
/* Bytes of COPY text gathered before they go to the server. */
#define COPY_CHUNK 65536
/* Rows of a batch below which it is applied through the key's index. */
#define SMALL_BATCH 200000

struct sf_pg {
	PGconn *conn;
	int staged;		/* staging table: 0 none, 1 made, 2 made in
				   the open batch (gone if it rolls back) */
	int loading;		/* a batch is open: transaction and COPY */
	int copying;		/* the batch's COPY is open (a statement
				   run during the batch ends it) */
	int64_t now;		/* loaded_at; 0: now() */
	int unordered;		/* the batch may repeat a key */
	int all_new;		/* every row of the batch is_new */
	int64_t rows;		/* rows in the batch */
	int citus;		/* -1 not known yet, 0 no, 1 distributed */
	int64_t prev_station, prev_t;	/* the last row's key */
	struct sf_buf prev_type;
	struct sf_buf copy;	/* COPY text not sent yet */
	sf_pg_create_fn *on_create;	/* run as the schema is created */
	void *on_create_arg;
};

static int citus_is(struct sf_pg *, int *, struct sf_err *);
static int citus_apply(struct sf_pg *, int64_t, struct sf_pg_counts *,
    struct sf_err *);

static void
quiet(void *arg, const char *msg)
{
	(void)arg;
	(void)msg;	/* notices are not errors; libsf never prints */
}

/* pg_err: err from the first line of libpq's message (diagnostics are
 * one line; the rest is context and hints) */
static int
pg_err(struct sf_err *err, const char *what, const char *msg)
{
	size_t n = strcspn(msg, "\n");

	while (n > 0 && msg[n - 1] == ' ')
		n--;
	return sf_err_set(err, "postgresql: %s: %.*s", what, (int)n, msg);
}

static int
res_err(struct sf_pg *pg, PGresult *r, const char *what, struct sf_err *err)
{
	const char *m = r != NULL ? PQresultErrorMessage(r) : "";

	if (*m == '\0')
		m = PQerrorMessage(pg->conn);
	pg_err(err, what, m);
	PQclear(r);
	return -1;
}

int
sf_pg_is_uri(const char *s)
{
	const char *p;
	PQconninfoOption *o;
	char *msg = NULL;

	if (s == NULL)
		return 0;
	if (strncmp(s, "postgresql://", 13) == 0 ||
	    strncmp(s, "postgres://", 11) == 0)
		return 1;
	/* key=value: a keyword, then '=', and libpq must accept it all */
	for (p = s; (*p >= 'a' && *p <= 'z') || *p == '_'; p++)
		;
	if (p == s)
		return 0;
	while (*p == ' ' || *p == '\t')
		p++;
	if (*p != '=')
		return 0;
	if ((o = PQconninfoParse(s, &msg)) == NULL) {
		PQfreemem(msg);
		return 0;
	}
	PQconninfoFree(o);
	return 1;
}

/* opt: the value of keyword in the parsed options o, or NULL */
static const char *
opt(PQconninfoOption *o, const char *keyword)
{
	for (; o != NULL && o->keyword != NULL; o++)
		if (strcmp(o->keyword, keyword) == 0)
			return o->val != NULL && *o->val != '\0' ? o->val :
			    NULL;
	return NULL;
}

void
sf_pg_display(const char *conninfo, struct sf_buf *out)
{
	PQconninfoOption *o;
	const char *user, *host, *port, *db;
	char *msg = NULL;

	sf_buf_adds(out, "postgresql://");
	if ((o = PQconninfoParse(conninfo, &msg)) == NULL) {
		PQfreemem(msg);
		return;
	}
	user = opt(o, "user");
	host = opt(o, "host");
	port = opt(o, "port");
	db = opt(o, "dbname");
	if (user != NULL)
		sf_buf_addf(out, "%s@", user);
	/* a socket directory reads better as an option than in the path */
	if (host != NULL && *host != '/')
		sf_buf_adds(out, host);
	if (port != NULL)
		sf_buf_addf(out, ":%s", port);
	sf_buf_addf(out, "/%s", db != NULL ? db : "");
	if (host != NULL && *host == '/')
		sf_buf_addf(out, "?host=%s", host);
	PQconninfoFree(o);
}

struct sf_pg *
sf_pg_open(const char *conninfo, struct sf_err *err)
{
	struct sf_pg *pg;
	PGresult *r;

	if (!sf_pg_is_uri(conninfo)) {
		sf_err_set(err, "postgresql: not a connection string");
		return NULL;
	}
	pg = sf_calloc(1, sizeof(*pg));
	pg->citus = -1;
	sf_buf_init(&pg->prev_type);
	sf_buf_init(&pg->copy);
	pg->conn = PQconnectdb(conninfo);
	if (pg->conn == NULL) {
		sf_err_set(err, "postgresql: connect: out of memory");
		sf_pg_close(pg);
		return NULL;
	}
	if (PQstatus(pg->conn) != CONNECTION_OK) {
		pg_err(err, "connect", PQerrorMessage(pg->conn));
		sf_pg_close(pg);
		return NULL;
	}
	PQsetNoticeProcessor(pg->conn, quiet, NULL);
	r = PQexec(pg->conn, "SET TIME ZONE 'UTC'");
	if (PQresultStatus(r) != PGRES_COMMAND_OK) {
		res_err(pg, r, "connect", err);
		sf_pg_close(pg);
		return NULL;
	}
	PQclear(r);
	return pg;
}

void
sf_pg_on_create(struct sf_pg *pg, sf_pg_create_fn *fn, void *arg)
{
	pg->on_create = fn;
	pg->on_create_arg = arg;
}

struct pg_conn *
sf_pg_conn(struct sf_pg *pg)
{
	return pg->conn;
}

void
sf_pg_close(struct sf_pg *pg)
{
	if (pg == NULL)
		return;
	if (pg->conn != NULL)
		PQfinish(pg->conn);
	sf_buf_release(&pg->prev_type);
	sf_buf_release(&pg->copy);
	free(pg);
}

static int copy_end(struct sf_pg *, struct sf_err *);

int
sf_pg_exec(struct sf_pg *pg, const char *sql, int n,
    const char *const *params, int64_t *out, int *isnull,
    struct sf_err *err)
{
	PGresult *r;
	ExecStatusType st;
	char *end;

	if (pg->copying && copy_end(pg, err) == -1)
		return -1;
	r = PQexecParams(pg->conn, sql, n, NULL, params, NULL, NULL, 0);
	st = PQresultStatus(r);
	if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK)
		return res_err(pg, r, "statement", err);
	if (isnull != NULL)
		*isnull = 1;
	if (out != NULL) {
		*out = 0;
		if (st == PGRES_TUPLES_OK && PQntuples(r) > 0 &&
		    PQnfields(r) > 0 && !PQgetisnull(r, 0, 0)) {
			*out = strtoll(PQgetvalue(r, 0, 0), &end, 10);
			if (*end != '\0') {
				sf_err_set(err, "postgresql: value '%s': "
				    "not an integer", PQgetvalue(r, 0, 0));
				PQclear(r);
				return -1;
			}
			if (isnull != NULL)
				*isnull = 0;
		}
	}
	PQclear(r);
	return 0;
}

int
sf_pg_query(struct sf_pg *pg, const char *sql, int n,
    const char *const *params, struct sf_pg_row *row, struct sf_err *err)
{
	PGresult *r;
	ExecStatusType st;
	int i;

	memset(row, 0, sizeof(*row));
	if (pg->copying && copy_end(pg, err) == -1)
		return -1;
	r = PQexecParams(pg->conn, sql, n, NULL, params, NULL, NULL, 0);
	st = PQresultStatus(r);
	if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK)
		return res_err(pg, r, "statement", err);
	row->changed = strtoll(PQcmdTuples(r), NULL, 10);
	if (st == PGRES_TUPLES_OK && PQntuples(r) > 0) {
		row->found = 1;
		for (i = 0; i < PQnfields(r) && i < SF_PG_COLS; i++)
			if (!PQgetisnull(r, 0, i))
				row->col[i] = sf_strdup(PQgetvalue(r, 0, i));
	}
	PQclear(r);
	return 0;
}

void
sf_pg_row_clear(struct sf_pg_row *row)
{
	int i;

	for (i = 0; i < SF_PG_COLS; i++) {
		free(row->col[i]);
		row->col[i] = NULL;
	}
	row->found = 0;
}

void
sf_pg_set_now(struct sf_pg *pg, int64_t now)
{
	pg->now = now;
}

int
sf_pg_schema_version(struct sf_pg *pg, int *version, struct sf_err *err)
{
	int64_t v;
	int isnull;

	*version = 0;
	if (sf_pg_exec(pg, "SELECT to_regclass('sf_schema_version') IS NOT NULL"
	    " :: int", 0, NULL, &v, &isnull, err) == -1)
		return -1;
	if (v == 0)
		return 0;
	if (sf_pg_exec(pg, "SELECT max(version) FROM sf_schema_version", 0,
	    NULL, &v, &isnull, err) == -1)
		return -1;
	*version = isnull ? 0 : (int)v;
	return 0;
}

/* run_script: the embedded schema, as one multi-statement string */
static int
run_script(struct sf_pg *pg, struct sf_err *err)
{
	struct sf_buf b = SF_BUF_INIT;
	PGresult *r;
	size_t i;
	int rc = 0;

	for (i = 0; sf_schema_pg_sql[i] != NULL; i++)
		sf_buf_adds(&b, sf_schema_pg_sql[i]);
	r = PQexec(pg->conn, b.buf);
	if (PQresultStatus(r) != PGRES_COMMAND_OK)
		rc = res_err(pg, r, "create schema", err);
	else
		PQclear(r);
	sf_buf_release(&b);
	return rc;
}

int
sf_pg_migrate(struct sf_pg *pg, int *created, struct sf_err *err)
{
	const char *key[] = { MIGRATE_KEY };
	int v;

	if (created != NULL)
		*created = 0;
	if (pg->loading) {
		return sf_err_set(err, "postgresql: migrate: a load is "
		    "in progress");
	}
	if (sf_pg_exec(pg, "BEGIN", 0, NULL, NULL, NULL, err) == -1)
		return -1;
	/* held to the end of the transaction: creators take turns */
	if (sf_pg_exec(pg, "SELECT pg_advisory_xact_lock(('x' || $1)::bit(64)"
	    "::bigint)", 1, key, NULL, NULL, err) == -1 ||
	    sf_pg_schema_version(pg, &v, err) == -1)
		goto fail;
	if (v > SF_PG_SCHEMA_VERSION) {
		sf_err_set(err, "postgresql: schema version %d is newer than "
		    "this sf's (%d)", v, SF_PG_SCHEMA_VERSION);
		goto fail;
	}
	if (v == 0 && (run_script(pg, err) == -1 ||
	    (pg->on_create != NULL && pg->on_create(pg->on_create_arg,
	    err) == -1)))
		goto fail;
	/* on a Citus coordinator, distribute the tables (once) */
	if (sf_pg_citus_distribute(pg, NULL, err) == -1 ||
	    sf_pg_timescale(pg, NULL, err) == -1)
		goto fail;
	/* versions after 2 migrate here, one step each, as in sf_db */
	if (sf_pg_exec(pg, "COMMIT", 0, NULL, NULL, NULL, err) == -1)
		goto fail;
	if (created != NULL)
		*created = v == 0;
	return 0;
fail:
	PQclear(PQexec(pg->conn, "ROLLBACK"));
	return -1;
}

int32_t
sf_pg_config_key(const char *name)
{
	uint32_t h = 2166136261u;

	for (; *name != '\0'; name++) {
		h ^= (unsigned char)*name;
		h *= 16777619u;
	}
	return (int32_t)h;	/* the same bits as PostgreSQL's int4 */
}

/* lock_sql: runs a lock function on (CONFIG_CLASS, key of name) */
static int
lock_sql(struct sf_pg *pg, const char *fn, const char *name, int64_t *got,
    struct sf_err *err)
{
	char cls[16], key[16];
	const char *p[] = { cls, key };
	char sql[96];

	snprintf(cls, sizeof(cls), "%d", CONFIG_CLASS);
	snprintf(key, sizeof(key), "%" PRId32, sf_pg_config_key(name));
	snprintf(sql, sizeof(sql), "SELECT %s($1::int4, $2::int4)::int", fn);
	return sf_pg_exec(pg, sql, 2, p, got, NULL, err);
}

int
sf_pg_lock_config(struct sf_pg *pg, const char *name, struct sf_err *err)
{
	int64_t got;

	if (lock_sql(pg, "pg_try_advisory_lock", name, &got, err) == -1)
		return -1;
	return got ? 0 : 1;
}

int
sf_pg_unlock_config(struct sf_pg *pg, const char *name, struct sf_err *err)
{
	int64_t got;

	if (lock_sql(pg, "pg_advisory_unlock", name, &got, err) == -1)
		return -1;
	if (!got) {
		return sf_err_set(err, "postgresql: configuration '%s': "
		    "not locked by this session", name);
	}
	return 0;
}

void
sf_pg_copy_field(struct sf_buf *b, const char *s)
{
	if (s == NULL) {
		sf_buf_adds(b, "\\N");
		return;
	}
	for (; *s != '\0'; s++) {
		switch (*s) {
		case '\\':
			sf_buf_adds(b, "\\\\");
			break;
		case '\t':
			sf_buf_adds(b, "\\t");
			break;
		case '\n':
			sf_buf_adds(b, "\\n");
			break;
		case '\r':
			sf_buf_adds(b, "\\r");
			break;
		default:
			sf_buf_addc(b, *s);
		}
	}
}

int
sf_pg_copy_obs(struct sf_buf *b, int64_t n, const struct sf_pg_obs *o,
    struct sf_err *err)
{
	if (o->type == NULL || o->unit == NULL)
		return sf_err_set(err, "postgresql: observation: no type or unit");
	if (o->has_discharge && !isfinite(o->discharge)) {
		return sf_err_set(err, "postgresql: observation: discharge "
		    "is not a finite number");
	}
	sf_buf_addf(b, "%" PRId64 "\t%" PRId64 "\t", n, o->station_id);
	sf_pg_copy_field(b, o->type);
	sf_buf_addf(b, "\t%" PRId64 "\t", o->observed_at);
	if (o->has_discharge)
		sf_buf_addf(b, "%.17g", o->discharge);
	else
		sf_buf_adds(b, "\\N");
	sf_buf_addc(b, '\t');
	sf_pg_copy_field(b, o->unit);
	sf_buf_addc(b, '\t');
	sf_pg_copy_field(b, o->quality_code);
	sf_buf_addc(b, '\n');
	return 0;
}

/* copy_start: opens the COPY into the staging table */
static int
copy_start(struct sf_pg *pg, struct sf_err *err)
{
	PGresult *r;

	r = PQexec(pg->conn, "COPY sf_obs_stage FROM STDIN");
	if (PQresultStatus(r) != PGRES_COPY_IN)
		return res_err(pg, r, "load", err);
	PQclear(r);
	pg->copying = 1;
	return 0;
}

static int flush(struct sf_pg *, struct sf_err *);

/*
 * copy_end: sends what is gathered and ends the COPY; the batch's
 * transaction stays open. On failure the COPY is over and the transaction
 * failed: the caller aborts the batch.
 */
static int
copy_end(struct sf_pg *pg, struct sf_err *err)
{
	PGresult *r;
	int rc = 0;

	pg->copying = 0;
	if (flush(pg, err) == -1) {
		PQputCopyEnd(pg->conn, "sf: load aborted");
		rc = -1;
	} else if (PQputCopyEnd(pg->conn, NULL) != 1) {
		rc = pg_err(err, "load", PQerrorMessage(pg->conn));
	}
	while ((r = PQgetResult(pg->conn)) != NULL) {
		if (rc == 0 && PQresultStatus(r) != PGRES_COMMAND_OK) {
			res_err(pg, r, "load", err);
			rc = -1;
			continue;
		}
		PQclear(r);
	}
	return rc;
}

int
sf_pg_load_begin(struct sf_pg *pg, struct sf_err *err)
{
	if (pg->loading)
		return sf_err_set(err, "postgresql: load: a batch is open");
	if (sf_pg_exec(pg, "BEGIN", 0, NULL, NULL, NULL, err) == -1)
		return -1;
	/* emptied by every commit; created once per session */
	if (!pg->staged && sf_pg_exec(pg, "CREATE TEMPORARY TABLE sf_obs_stage"
	    " (n bigint, station_id integer, type text, t bigint,"
	    " discharge double precision, unit text, quality_code text)"
	    " ON COMMIT DELETE ROWS", 0, NULL, NULL, NULL, err) == -1)
		goto fail;
	if (!pg->staged)
		pg->staged = 2;
	sf_buf_reset(&pg->copy);
	if (copy_start(pg, err) == -1)
		goto fail;
	pg->loading = 1;
	pg->unordered = 0;
	pg->all_new = 1;
	pg->rows = 0;
	sf_buf_reset(&pg->prev_type);
	return 0;
fail:
	PQclear(PQexec(pg->conn, "ROLLBACK"));
	if (pg->staged == 2)
		pg->staged = 0;
	return -1;
}

/* flush: sends the gathered COPY text */
static int
flush(struct sf_pg *pg, struct sf_err *err)
{
	if (pg->copy.len == 0)
		return 0;
	if (PQputCopyData(pg->conn, pg->copy.buf, (int)pg->copy.len) != 1)
		return pg_err(err, "load", PQerrorMessage(pg->conn));
	sf_buf_reset(&pg->copy);
	return 0;
}

int
sf_pg_load_obs(struct sf_pg *pg, const struct sf_pg_obs *o,
    struct sf_err *err)
{
	int c;

	if (!pg->loading)
		return sf_err_set(err, "postgresql: load: no batch is open");
	if (!pg->copying && copy_start(pg, err) == -1) {
		sf_pg_load_abort(pg);
		return -1;
	}
	if (sf_pg_copy_obs(&pg->copy, pg->rows, o, err) == -1) {
		sf_pg_load_abort(pg);
		return -1;
	}
	/* rows in strictly ascending key order cannot repeat one */
	if (pg->rows > 0 && !pg->unordered) {
		c = o->station_id < pg->prev_station ? -1 :
		    o->station_id > pg->prev_station;
		if (c == 0)
			c = strcmp(o->type, pg->prev_type.buf);
		if (c == 0)
			c = o->observed_at < pg->prev_t ? -1 :
			    o->observed_at > pg->prev_t;
		if (c <= 0)
			pg->unordered = 1;
	}
	if (!o->is_new)
		pg->all_new = 0;
	pg->prev_station = o->station_id;
	pg->prev_t = o->observed_at;
	if (strcmp(o->type, pg->prev_type.buf) != 0) {
		sf_buf_reset(&pg->prev_type);
		sf_buf_adds(&pg->prev_type, o->type);
	}
	pg->rows++;
	if (pg->copy.len >= COPY_CHUNK && flush(pg, err) == -1) {
		sf_pg_load_abort(pg);
		return -1;
	}
	return 0;
}

/* The loader's clock: $1, seconds since 1970, or the server's. */
#define NOW_SQL "coalesce(to_timestamp($1::bigint), now())"

/* Keeps the last row of each key (n is the row's place in the batch). */
static const char dedup_sql[] =
"DELETE FROM sf_obs_stage s USING (SELECT n, row_number() OVER"
" (PARTITION BY station_id, type, t ORDER BY n DESC) AS k"
" FROM sf_obs_stage) d WHERE s.n = d.n AND d.k > 1";

/*
 * Rows already there, in one pass: the changed ones give their old values
 * to the history and take the new ones in place; equal ones are only
 * counted. Returns (rows found, rows updated).
 */
static const char changed_sql[] =
"WITH m AS MATERIALIZED ("
" SELECT o.station_id, o.type, o.observed_at, o.discharge, o.unit,"
"  o.quality_code, o.loaded_at, s.discharge AS new_discharge,"
"  s.unit AS new_unit, s.quality_code AS new_quality_code,"
"  (o.discharge IS DISTINCT FROM s.discharge"
"  OR o.unit IS DISTINCT FROM s.unit"
"  OR o.quality_code IS DISTINCT FROM s.quality_code) AS changed"
" FROM sf_obs_stage s JOIN discharge_observations o"
"  ON o.station_id = s.station_id AND o.type = s.type"
"  AND o.observed_at = to_timestamp(s.t)),"
" c AS (SELECT * FROM m WHERE changed),"
" r AS (INSERT INTO discharge_observation_revisions (station_id,"
"  observed_at, type, discharge, unit, quality_code, loaded_at,"
"  replaced_at)"
" SELECT station_id, observed_at, type, discharge, unit, quality_code,"
"  loaded_at, " NOW_SQL " FROM c),"
" u AS (UPDATE discharge_observations o SET discharge = c.new_discharge,"
"  unit = c.new_unit, quality_code = c.new_quality_code, loaded_at = " NOW_SQL
" FROM c WHERE o.station_id = c.station_id AND o.type = c.type"
"  AND o.observed_at = c.observed_at RETURNING 1)"
" SELECT (SELECT count(*) FROM m), (SELECT count(*) FROM u)";

/*
 * New rows; rows already there (and any another session inserted
 * meanwhile) are left alone: ON CONFLICT checks the key before it writes
 * the row, so a present row costs one probe of the index and writes
 * nothing.
 */
static const char new_sql[] =
"INSERT INTO discharge_observations (station_id, observed_at, discharge,"
" unit, type, quality_code, loaded_at)"
" SELECT s.station_id, to_timestamp(s.t), s.discharge, s.unit, s.type,"
"  s.quality_code, " NOW_SQL
" FROM sf_obs_stage s"
" ON CONFLICT (station_id, type, observed_at) DO NOTHING";

/* found: runs changed_sql, *found and *updated its two numbers */
static int
found(struct sf_pg *pg, int64_t *nfound, int64_t *updated,
    struct sf_err *err)
{
	PGresult *r;
	char now[24];
	const char *p[] = { pg->now ? now : NULL };

	snprintf(now, sizeof(now), "%" PRId64, pg->now);
	r = PQexecParams(pg->conn, changed_sql, 1, NULL, p, NULL, NULL, 0);
	if (PQresultStatus(r) != PGRES_TUPLES_OK || PQntuples(r) != 1 ||
	    PQnfields(r) != 2)
		return res_err(pg, r, "load", err);
	*nfound = strtoll(PQgetvalue(r, 0, 0), NULL, 10);
	*updated = strtoll(PQgetvalue(r, 0, 1), NULL, 10);
	PQclear(r);
	return 0;
}

/* apply: runs sql (with the clock as $1 if withnow), *n its row count */
static int
apply(struct sf_pg *pg, const char *sql, int withnow, int64_t *n,
    struct sf_err *err)
{
	PGresult *r;
	char now[24];
	const char *p[] = { pg->now ? now : NULL };

	snprintf(now, sizeof(now), "%" PRId64, pg->now);
	r = PQexecParams(pg->conn, sql, withnow, NULL, p, NULL, NULL, 0);
	if (PQresultStatus(r) != PGRES_COMMAND_OK)
		return res_err(pg, r, "load", err);
	*n = strtoll(PQcmdTuples(r), NULL, 10);
	PQclear(r);
	return 0;
}

int
sf_pg_load_commit(struct sf_pg *pg, struct sf_pg_counts *c,
    struct sf_err *err)
{
	struct sf_pg_counts k = { 0, 0, 0 };
	int64_t dups = 0, nfound = 0;

	if (!pg->loading)
		return sf_err_set(err, "postgresql: load: no batch is open");
	if (pg->copying && copy_end(pg, err) == -1)
		goto fail;
	pg->loading = 0;
	/*
	 * Hash joins of a big batch in memory rather than in batches. A
	 * batch much smaller than the archive (sf-load's, 20000 rows) must
	 * probe the key's index row by row: the planner, costing pages as
	 * if read from disk, would scan the whole table for each batch, and
	 * a load would grow with the square of its size.
	 */
	if (pg->rows > 0 && sf_pg_exec(pg, pg->rows < SMALL_BATCH ?
	    "SELECT set_config('work_mem', '64MB', true),"
	    " set_config('enable_hashjoin', 'off', true),"
	    " set_config('enable_mergejoin', 'off', true)" :
	    "SELECT set_config('work_mem', '64MB', true)", 0, NULL, NULL,
	    NULL, err) == -1)
		goto fail;
	if (pg->rows > 0 && pg->unordered &&
	    apply(pg, dedup_sql, 0, &dups, err) == -1)
		goto fail;
	if (pg->citus == -1 && citus_is(pg, &pg->citus, err) == -1)
		goto fail;
	if (pg->citus) {
		/* on a cluster: the same steps, co-located on the workers */
		if (pg->rows > 0 &&
		    citus_apply(pg, pg->rows - dups, &k, err) == -1)
			goto fail;
	} else {
		/* an append (every row newer than its series) finds nothing */
		if (pg->rows > 0 && !pg->all_new &&
		    found(pg, &nfound, &k.updated, err) == -1)
			goto fail;
		/* a batch that was all there (a reload): no second pass */
		if (nfound < pg->rows - dups &&
		    apply(pg, new_sql, 1, &k.inserted, err) == -1)
			goto fail;
	}
	if (sf_pg_exec(pg, "COMMIT", 0, NULL, NULL, NULL, err) == -1)
		goto fail;
	pg->staged = 1;
	k.unchanged = pg->rows - dups - k.updated - k.inserted;
	if (c != NULL)
		*c = k;
	return 0;
fail:
	sf_pg_load_abort(pg);
	return -1;
}

void
sf_pg_load_abort(struct sf_pg *pg)
{
	PGresult *r;

	if (pg->copying) {
		PQputCopyEnd(pg->conn, "sf: load aborted");
		while ((r = PQgetResult(pg->conn)) != NULL)
			PQclear(r);
		pg->copying = 0;
	}
	pg->loading = 0;
	sf_buf_reset(&pg->copy);
	if (PQtransactionStatus(pg->conn) != PQTRANS_IDLE)
		PQclear(PQexec(pg->conn, "ROLLBACK"));
	if (pg->staged == 2)
		pg->staged = 0;
}

/*
 * Citus: the archive distributed over a cluster (see sf_pg.h,
 * sf_pg_citus_distribute).
 */

/* Copied to every node, in the order their foreign keys need. */
static const char *const citus_reference[] = {
	"sf_schema_version", "stations", "pull_configurations",
	"pull_configuration_stations", "data_pull_logs",
	"pull_station_progress", "master_stations", "station_mappings",
	NULL
};

/*
 * The loader's staging table on a cluster: a batch is moved here from the
 * session's temporary table under its transaction id (load_id), so that
 * it sits on the workers beside the rows it changes.
 */
static const char citus_stage_sql[] =
"CREATE UNLOGGED TABLE sf_obs_stage_d (load_id bigint NOT NULL,"
" station_id integer NOT NULL, type text NOT NULL, t bigint NOT NULL,"
" discharge double precision, unit text, quality_code text)";

/* Distributed by station_id and co-located with the first. */
static const char *const citus_distributed[] = {
	"discharge_observations", "discharge_observation_revisions",
	"forecast_runs", "sf_obs_stage_d", NULL
};

/*
 * Drops (add 0) or adds (add 1) the foreign key of table to stations. The
 * statement is made from this file's table names, never from data.
 */
static int
citus_fkey(struct sf_pg *pg, const char *table, int add, struct sf_err *err)
{
	char sql[256];

	if (add)
		snprintf(sql, sizeof(sql), "ALTER TABLE %s ADD CONSTRAINT "
		    "%s_station_id_fkey FOREIGN KEY (station_id) "
		    "REFERENCES stations(id)", table, table);
	else
		snprintf(sql, sizeof(sql), "ALTER TABLE %s DROP CONSTRAINT "
		    "%s_station_id_fkey", table, table);
	return sf_pg_exec(pg, sql, 0, NULL, NULL, NULL, err);
}

int
sf_pg_citus_distribute(struct sf_pg *pg, int *done, struct sf_err *err)
{
	const char *p[1];
	int64_t v;
	size_t i;

	if (done != NULL)
		*done = 0;
	if (sf_pg_exec(pg, "SELECT count(*) FROM pg_extension "
	    "WHERE extname = 'citus'", 0, NULL, &v, NULL, err) == -1)
		return -1;
	if (v == 0)
		return 0;
	p[0] = citus_distributed[0];
	if (sf_pg_exec(pg, "SELECT count(*) FROM pg_dist_partition "
	    "WHERE logicalrelid = $1::regclass", 1, p, &v, NULL, err) == -1)
		return -1;
	if (v > 0)
		return 0;
	/*
	 * The tables were created in this transaction: Citus must copy
	 * them over one connection per node to see them.
	 */
	if (sf_pg_exec(pg, "SET LOCAL citus.multi_shard_modify_mode "
	    "TO 'sequential'", 0, NULL, NULL, NULL, err) == -1)
		return -1;
	/*
	 * A table that references a reference table becomes a Citus local
	 * table, which cannot then be distributed with its identity column:
	 * the foreign keys to stations go while the tables are distributed
	 * and come back after, now from each shard to the local copy of
	 * stations on its worker.
	 */
	for (i = 0; citus_distributed[i + 1] != NULL; i++)
		if (citus_fkey(pg, citus_distributed[i], 0, err) == -1)
			return -1;
	if (sf_pg_exec(pg, citus_stage_sql, 0, NULL, NULL, NULL, err) == -1 ||
	    sf_pg_exec(pg, "CREATE INDEX sf_obs_stage_d_load"
	    " ON sf_obs_stage_d (load_id)", 0, NULL, NULL, NULL, err) == -1)
		return -1;
	for (i = 0; citus_reference[i] != NULL; i++) {
		p[0] = citus_reference[i];
		if (sf_pg_exec(pg, "SELECT create_reference_table($1)", 1, p,
		    NULL, NULL, err) == -1)
			return -1;
	}
	for (i = 0; citus_distributed[i] != NULL; i++) {
		p[0] = citus_distributed[i];
		if (sf_pg_exec(pg, i == 0 ?
		    "SELECT create_distributed_table($1, 'station_id')" :
		    "SELECT create_distributed_table($1, 'station_id', "
		    "colocate_with => 'discharge_observations')", 1, p, NULL,
		    NULL, err) == -1 ||
		    (citus_distributed[i + 1] != NULL &&
		    citus_fkey(pg, citus_distributed[i], 1, err) == -1))
			return -1;
	}
	if (done != NULL)
		*done = 1;
	return 0;
}

int
sf_pg_citus(struct sf_pg *pg, struct sf_err *err)
{
	if (pg->citus == -1 && citus_is(pg, &pg->citus, err) == -1)
		return -1;
	return pg->citus;
}

static int
citus_is(struct sf_pg *pg, int *is, struct sf_err *err)
{
	int64_t v;

	*is = 0;
	if (sf_pg_exec(pg, "SELECT count(*) FROM pg_extension "
	    "WHERE extname = 'citus'", 0, NULL, &v, NULL, err) == -1)
		return -1;
	if (v == 0)
		return 0;
	if (sf_pg_exec(pg, "SELECT (to_regclass('sf_obs_stage_d') IS NOT NULL)"
	    "::int", 0, NULL, &v, NULL, err) == -1)
		return -1;
	*is = v != 0;
	return 0;
}

/* The steps of a batch; $1 is its load id, $2 the loader's clock. */
static const char citus_move_sql[] =
"INSERT INTO sf_obs_stage_d (load_id, station_id, type, t, discharge,"
" unit, quality_code) SELECT $1::bigint, station_id, type, t, discharge,"
" unit, quality_code FROM sf_obs_stage";

#define JOIN_STAGE \
" FROM sf_obs_stage_d s JOIN discharge_observations o" \
"  ON o.station_id = s.station_id AND o.type = s.type" \
"  AND o.observed_at = to_timestamp(s.t) WHERE s.load_id = $1::bigint"
#define CHANGED \
" AND (o.discharge IS DISTINCT FROM s.discharge" \
"  OR o.unit IS DISTINCT FROM s.unit" \
"  OR o.quality_code IS DISTINCT FROM s.quality_code)"
#define CITUS_NOW " to_timestamp($2::bigint)"

static const char citus_found_sql[] = "SELECT count(*)" JOIN_STAGE;

static const char citus_rev_sql[] =
"INSERT INTO discharge_observation_revisions (station_id, observed_at,"
" type, discharge, unit, quality_code, loaded_at, replaced_at)"
" SELECT o.station_id, o.observed_at, o.type, o.discharge, o.unit,"
" o.quality_code, o.loaded_at," CITUS_NOW JOIN_STAGE CHANGED;

static const char citus_upd_sql[] =
"UPDATE discharge_observations o SET discharge = s.discharge,"
" unit = s.unit, quality_code = s.quality_code, loaded_at =" CITUS_NOW
" FROM sf_obs_stage_d s WHERE s.load_id = $1::bigint"
" AND o.station_id = s.station_id AND o.type = s.type"
" AND o.observed_at = to_timestamp(s.t)" CHANGED;

static const char citus_new_sql[] =
"INSERT INTO discharge_observations (station_id, observed_at, discharge,"
" unit, type, quality_code, loaded_at)"
" SELECT s.station_id, to_timestamp(s.t), s.discharge, s.unit, s.type,"
" s.quality_code," CITUS_NOW " FROM sf_obs_stage_d s"
" WHERE s.load_id = $1::bigint"
" AND NOT EXISTS (SELECT 1 FROM discharge_observations o"
"  WHERE o.station_id = s.station_id AND o.type = s.type"
"  AND o.observed_at = to_timestamp(s.t))"
" ON CONFLICT (station_id, type, observed_at) DO NOTHING";

/* citus_step: runs sql with params p (n of them), *changed its row count */
static int
citus_step(struct sf_pg *pg, const char *sql, int n, const char *const *p,
    int64_t *changed, struct sf_err *err)
{
	struct sf_pg_row row;

	if (sf_pg_query(pg, sql, n, p, &row, err) == -1)
		return -1;
	if (changed != NULL)
		*changed = row.changed;
	sf_pg_row_clear(&row);
	return 0;
}

static int
citus_apply(struct sf_pg *pg, int64_t rows, struct sf_pg_counts *k,
    struct sf_err *err)
{
	char id[24], now[24];
	const char *p[] = { id, now };
	int64_t v, nfound = 0;

	/*
	 * The batch's id, and the clock fixed here on the coordinator, so
	 * that no worker reads one of its own.
	 */
	if (sf_pg_exec(pg, "SELECT txid_current()", 0, NULL, &v, NULL,
	    err) == -1)
		return -1;
	snprintf(id, sizeof(id), "%" PRId64, v);
	v = pg->now;
	if (v == 0 && sf_pg_exec(pg, "SELECT extract(epoch FROM now())"
	    "::bigint", 0, NULL, &v, NULL, err) == -1)
		return -1;
	snprintf(now, sizeof(now), "%" PRId64, v);
	if (citus_step(pg, citus_move_sql, 1, p, NULL, err) == -1)
		return -1;
	/* an append (every row newer than its series) finds nothing */
	if (!pg->all_new &&
	    (sf_pg_exec(pg, citus_found_sql, 1, p, &nfound, NULL, err) == -1 ||
	    citus_step(pg, citus_rev_sql, 2, p, NULL, err) == -1 ||
	    citus_step(pg, citus_upd_sql, 2, p, &k->updated, err) == -1))
		return -1;
	/*
	 * Through the coordinator Citus counts every row of an INSERT ...
	 * SELECT as inserted, also those ON CONFLICT skips: the new rows are
	 * the batch's that were not found (the configuration's lock keeps
	 * other loads of its stations away meanwhile).
	 */
	if (nfound < rows &&
	    citus_step(pg, citus_new_sql, 2, p, NULL, err) == -1)
		return -1;
	k->inserted = rows - nfound;
	return citus_step(pg, "DELETE FROM sf_obs_stage_d"
	    " WHERE load_id = $1::bigint", 1, p, NULL, err);
}

/*
 * TimescaleDB (see sf_pg.h, sf_pg_timescale). Untested here: Debian has no
 * package of it; sf-schema(5) says how a user checks it.
 */
int
sf_pg_timescale(struct sf_pg *pg, int *done, struct sf_err *err)
{
	int64_t v;

	if (done != NULL)
		*done = 0;
	if (sf_pg_exec(pg, "SELECT count(*) FROM pg_extension "
	    "WHERE extname = 'timescaledb'", 0, NULL, &v, NULL, err) == -1)
		return -1;
	if (v == 0)
		return 0;
	if (sf_pg_exec(pg, "SELECT count(*) FROM timescaledb_information"
	    ".hypertables WHERE hypertable_name = 'discharge_observations'",
	    0, NULL, &v, NULL, err) == -1)
		return -1;
	if (v > 0)
		return 0;
	/*
	 * Chunks of 30 days of observed_at (the key holds it, as a hypertable
	 * requires); a chunk all older than 90 days is compressed, segmented
	 * by series so that one station's values stay together.
	 */
	if (sf_pg_exec(pg, "SELECT create_hypertable('discharge_observations',"
	    " 'observed_at', chunk_time_interval => interval '30 days',"
	    " migrate_data => true)", 0, NULL, NULL, NULL, err) == -1 ||
	    sf_pg_exec(pg, "ALTER TABLE discharge_observations SET"
	    " (timescaledb.compress, timescaledb.compress_segmentby ="
	    " 'station_id, type', timescaledb.compress_orderby ="
	    " 'observed_at')", 0, NULL, NULL, NULL, err) == -1 ||
	    sf_pg_exec(pg, "SELECT add_compression_policy("
	    "'discharge_observations', interval '90 days')", 0, NULL, NULL,
	    NULL, err) == -1)
		return -1;
	if (done != NULL)
		*done = 1;
	return 0;
}
