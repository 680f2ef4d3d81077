/*
 * sf_query: reading the archive back out as records.
 *
 * One call runs one question (observations, forecasts, stations, the
 * revision history, daily means, the latest values, gaps) and hands every
 * answer to a callback as a record of sf(7), one at a time: nothing is
 * collected, so memory stays flat whatever the size of the answer, and a
 * caller (sf-query's writer, sf-serve's HTTP response) can stream them.
 * Every statement is prepared with bound parameters. The archive may be
 * a SQLite file or a PostgreSQL database: the same question gives the
 * same records from either.
 */
#ifndef SF_QUERY_H
#define SF_QUERY_H

#include <stddef.h>
#include <stdint.h>

#include "sf_db.h"
#include "sf_err.h"
#include "sf_rec.h"

/* 1 cms in cfs (DESIGN.md). */
#define SF_CFS_PER_CMS 35.3146667

enum sf_query_what {
	SF_QUERY_OBS,		/* obs records */
	SF_QUERY_FORECAST,	/* forecast records, one per point */
	SF_QUERY_STATION,	/* station records from master_stations */
	SF_QUERY_REVISION,	/* revision records: each value's history */
	SF_QUERY_DAILY,		/* daily records: local standard day means */
	SF_QUERY_LATEST,	/* obs records: the newest per series */
	SF_QUERY_GAPS		/* gap records: missing runs per series */
};

enum sf_query_run {
	SF_QUERY_RUN_LATEST,	/* the newest run of each station and source */
	SF_QUERY_RUN_ALL,
	SF_QUERY_RUN_AT		/* the run issued at run_at */
};

/*
 * The question. Strings and the station array are borrowed for the call;
 * NULL (or nstations 0) means "any". Times are instants, both bounds
 * included; a bound is used only when its has_ flag is set.
 */
struct sf_query {
	enum sf_query_what what;
	const char *const *stations;	/* station numbers */
	size_t nstations;
	const char *config;	/* stations (and type/source) of a config */
	const char *agency;	/* USGS or EC */
	const char *type;	/* daily_mean or realtime_15min */
	const char *source;	/* forecasts: NOAA_RFC, NWM_... */
	const char *member;	/* forecasts: this member only */
	enum sf_query_run run;
	int64_t run_at;
	int has_start, has_end, has_as_of;
	int64_t start, end;	/* observed_at / valid_at range */
	int64_t as_of;		/* what the archive held at that instant */
	const char *units;	/* "cfs" or "cms": convert; NULL: as stored */

	/*
	 * Called with each record (borrowed: valid during the call). Returns
	 * 0 to go on, anything else to stop the query.
	 */
	int (*put)(void *arg, const struct sf_rec *rec);
	/* Called with each warning (a station without a UTC offset ...). */
	void (*warn)(void *arg, const char *msg);
	void *arg;

	/* NULL, or statements kept between runs (sf_query_stmts_new). */
	struct sf_query_stmts *stmts;
};

/*
 * Runs q over db and calls q->put with each record, in the order of
 * station number, then type (or source, run, member), then time.
 * Returns 0 when every record was put; 1 when put asked to stop; -1 when
 * the question is not valid (err names the parameter: "type 'x':
 * unknown", "configuration 'x': not defined"), before anything is put;
 * -2 when the database failed (err says how).
 */
int sf_query_run(struct sf_db *db, const struct sf_query *q,
    struct sf_err *err);

/*
 * The prepared statements of sf_query_run, kept from one run to the next
 * on one connection: a server answering many small questions spends more
 * preparing them than running them. Set q->stmts to a set that only
 * ever runs on the db the run is given (its statements are prepared on
 * it), and use the set from one thread at a time. A run leaves every
 * statement reset (no read transaction stays open) and its bindings
 * cleared. Free the set before closing its connection.
 */
struct sf_query_stmts *sf_query_stmts_new(void);
void sf_query_stmts_free(struct sf_query_stmts *qs);

#endif
