/* sf_stsearch: searching master_stations; see sf_stsearch.h. */
#include "sf_buf.h"
#include "sf_err.h"
#include "sf_rec.h"
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

/* The columns in the order of the station record's fields. */
static const char select_sql[] =
    "SELECT station_number, agency, station_name, latitude, longitude, "
    "state_code, huc_code, drainage_area_sqmi, altitude_ft, utc_offset, "
    "uses_dst FROM master_stations";

/* The query for s: SELECT ... WHERE ... ORDER BY station_number. */
static void
build_query(struct sf_buf *q, const struct sf_stsearch *s)
{
	const char *glue = " WHERE ";
	size_t i, k;

	sf_buf_adds(q, select_sql);
	for (k = 0; k < SF_STS_NFILTERS; k++) {
		if (s->n[k] == 0)
			continue;
		sf_buf_adds(q, glue);
		sf_buf_addc(q, '(');
		for (i = 0; i < s->n[k]; i++) {
			if (i > 0)
				sf_buf_adds(q, " OR ");
			sf_buf_adds(q, filter_sql[k]);
		}
		sf_buf_addc(q, ')');
		glue = " AND ";
	}
	sf_buf_adds(q, " ORDER BY station_number");
}

/*
 * Fills rec from the current row of st; numbers are written in their
 * shortest form into num. Returns 0, or -1 with err when the row holds
 * what a station record cannot carry.
 */
static int
row_to_rec(sqlite3_stmt *st, struct sf_rec *rec,
    char num[SF_ST_NFIELDS][SF_NUM_LEN], struct sf_err *err)
{
	const struct sf_kind_info *ki = sf_kind_info(SF_KIND_STATION);
	int i, t;

	sf_rec_clear(rec, SF_KIND_STATION);
	for (i = 0; i < ki->nfields; i++) {
		t = sqlite3_column_type(st, i);
		if (t == SQLITE_NULL)
			continue;
		if (ki->types[i] == SF_FT_BOOL) {
			if (t != SQLITE_INTEGER)
				return sf_err_set(err, "uses_dst '%s': not 0 "
				    "or 1", sqlite3_column_text(st, i));
			rec->f[i] = sqlite3_column_int64(st, i) != 0 ?
			    "true" : "false";
		} else if (ki->types[i] == SF_FT_NUM &&
		    (t == SQLITE_FLOAT || t == SQLITE_INTEGER)) {
			sf_str_fmt_double(sqlite3_column_double(st, i), num[i]);
			rec->f[i] = num[i];
		} else
			rec->f[i] = (const char *)sqlite3_column_text(st, i);
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
	sqlite3_stmt *st;
	size_t i, k;
	int p, rc, r = 0;

	*nput = 0;
	build_query(&q, s);
	st = sf_db_prepare(db, q.buf, err);
	sf_buf_release(&q);
	if (st == NULL)
		return -1;
	for (p = 1, k = 0; k < SF_STS_NFILTERS; k++) {
		for (i = 0; i < s->n[k]; i++)
			sqlite3_bind_text(st, p++, s->v[k][i], -1,
			    SQLITE_STATIC);
	}
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (row_to_rec(st, &rec, num, &e) == -1 ||
		    s->put(s->arg, &rec, &e) == -1) {
			if (s->bad != NULL)
				s->bad(s->arg,
				    (const char *)sqlite3_column_text(st, 0),
				    e.msg);
			r = 1;
			continue;
		}
		(*nput)++;
	}
	if (rc != SQLITE_DONE)
		r = sf_db_fail(db, "reading master_stations", err);
	sqlite3_finalize(st);
	return r;
}
