/* sf_stsearch: searching master_stations; see sf_stsearch.h. */
#include <string.h>

#include "sf_buf.h"
#include "sf_err.h"
#include "sf_rec.h"
#include "sf_sql.h"
#include "sf_str.h"
#include "sf_stsearch.h"
#include "sf.h"

/*
 * One test per filter, in the order their clauses are written. Each test
 * has one parameter; the values of a filter are joined with OR, the
 * filters with AND. Only these fixed fragments and placeholders make up
 * the SQL: every value is bound.
 */
static const char *const filter_sql[SF_STS_NFILTERS] = {
	/*
	 * lower() on both sides, not "= ? COLLATE NOCASE": SQLite 3.40
	 * turns an OR of those into an IN on the column's binary index
	 * and loses the case folding.
	 */
	[SF_STS_STATE] = "lower(state_code) = lower(?)",
	/* the value is digits only, so it holds no GLOB wildcard */
	[SF_STS_HUC] = "huc_code GLOB ? || '*'",
	/* instr, not LIKE: % and _ in a name are plain characters */
	[SF_STS_NAME] = "instr(lower(station_name), lower(?)) > 0",
	[SF_STS_ID] = "station_number = ?",
	[SF_STS_AGENCY] = "agency = ?"
};

/*
 * The same tests on PostgreSQL, folding case as SQLite's lower() does,
 * ASCII only (the "C" collation), whatever the database's locale.
 */
static const char *const filter_pgsql[SF_STS_NFILTERS] = {
	[SF_STS_STATE] = "lower(state_code COLLATE \"C\") = "
	    "lower(?::text COLLATE \"C\")",
	/* digits only: no LIKE wildcard either */
	[SF_STS_HUC] = "huc_code LIKE ?::text || '%'",
	[SF_STS_NAME] = "strpos(lower(station_name COLLATE \"C\"), "
	    "lower(?::text COLLATE \"C\")) > 0",
	[SF_STS_ID] = "station_number = ?",
	[SF_STS_AGENCY] = "agency = ?"
};

/*
 * The columns in the order of the station record's fields, then the
 * storage class of each number and flag (the fields of type SF_FT_NUM and
 * SF_FT_BOOL, in their order): SQLite keeps what a REAL or INTEGER column
 * is given as it comes, text included, and typeof tells without turning a
 * number into text. PostgreSQL's columns hold their type.
 */
static const char select_sql[] =
    "SELECT station_number, agency, station_name, latitude, longitude, "
    "state_code, huc_code, drainage_area_sqmi, altitude_ft, utc_offset, "
    "uses_dst, typeof(latitude), typeof(longitude), "
    "typeof(drainage_area_sqmi), typeof(altitude_ft), typeof(uses_dst) "
    "FROM master_stations";
static const char select_pgsql[] =
    "SELECT station_number, agency, station_name, latitude, longitude, "
    "state_code, huc_code, drainage_area_sqmi, altitude_ft, utc_offset, "
    "uses_dst, 'real', 'real', 'real', 'real', 'integer' "
    "FROM master_stations";

/*
 * The query for s: SELECT ... WHERE ... ORDER BY station_number, with the
 * tests of filter (filter_sql or filter_pgsql) and the order by.
 */
static void
build_query(struct sf_buf *q, const struct sf_stsearch *s, const char *sel,
    const char *const *filter, const char *order)
{
	const char *glue = " WHERE ";
	size_t i, k;

	sf_buf_adds(q, sel);
	for (k = 0; k < SF_STS_NFILTERS; k++) {
		if (s->n[k] == 0)
			continue;
		sf_buf_adds(q, glue);
		sf_buf_addc(q, '(');
		for (i = 0; i < s->n[k]; i++) {
			if (i > 0)
				sf_buf_adds(q, " OR ");
			sf_buf_adds(q, filter[k]);
		}
		sf_buf_addc(q, ')');
		glue = " AND ";
	}
	sf_buf_adds(q, order);
}

/*
 * Fills rec from the current row of st; numbers are written in their
 * shortest form into num. Returns 0, or -1 with err when the row holds
 * what a station record cannot carry.
 */
static int
row_to_rec(struct sf_sql *st, struct sf_rec *rec,
    char num[SF_ST_NFIELDS][SF_NUM_LEN], struct sf_err *err)
{
	const struct sf_kind_info *ki = sf_kind_info(SF_KIND_STATION);
	const char *t;
	int i, k;

	sf_rec_clear(rec, SF_KIND_STATION);
	for (i = 0, k = ki->nfields; i < ki->nfields; i++) {
		if (ki->types[i] != SF_FT_NUM && ki->types[i] != SF_FT_BOOL) {
			rec->f[i] = sf_sql_text(st, i);
			continue;
		}
		/* the storage class, from the columns after the fields */
		t = sf_sql_text(st, k++);
		if (sf_sql_isnull(st, i))
			continue;
		if (ki->types[i] == SF_FT_BOOL) {
			if (t == NULL || strcmp(t, "integer") != 0)
				return sf_err_set(err, "uses_dst '%s': not 0 "
				    "or 1", sf_sql_text(st, i));
			rec->f[i] = sf_sql_int(st, i) != 0 ? "true" : "false";
		} else if (t != NULL && (strcmp(t, "real") == 0 ||
		    strcmp(t, "integer") == 0)) {
			sf_str_fmt_double(sf_sql_double(st, i), num[i]);
			rec->f[i] = num[i];
		} else
			rec->f[i] = sf_sql_text(st, i);
	}
	return 0;
}

int
sf_stsearch_run(struct sf_db *db, const struct sf_stsearch *s,
    long *nput, struct sf_err *err)
{
	char num[SF_ST_NFIELDS][SF_NUM_LEN];
	struct sf_buf q = SF_BUF_INIT;
	struct sf_rec rec;
	struct sf_err e;
	struct sf_buf pq = SF_BUF_INIT;
	struct sf_sql *st;
	size_t i, k;
	int p, rc, r = 0;

	*nput = 0;
	build_query(&q, s, select_sql, filter_sql, " ORDER BY station_number");
	/* station numbers in byte order, as SQLite sorts them */
	build_query(&pq, s, select_pgsql, filter_pgsql,
	    " ORDER BY station_number COLLATE \"C\"");
	st = sf_sql_prepare(db, q.buf, pq.buf, SF_SQL_STREAM, err);
	sf_buf_release(&q);
	sf_buf_release(&pq);
	if (st == NULL)
		return -1;
	for (p = 1, k = 0; k < SF_STS_NFILTERS; k++) {
		for (i = 0; i < s->n[k]; i++)
			sf_sql_bind_text(st, p++, s->v[k][i]);
	}
	while ((rc = sf_sql_step(st)) == SF_SQL_ROW) {
		if (row_to_rec(st, &rec, num, &e) == -1 ||
		    s->put(s->arg, &rec, &e) == -1) {
			if (s->bad != NULL)
				s->bad(s->arg, sf_sql_text(st, 0), e.msg);
			r = 1;
			continue;
		}
		(*nput)++;
	}
	if (rc != SF_SQL_DONE)
		r = sf_db_fail(db, "reading master_stations", err);
	sf_sql_finalize(st);
	return r;
}
