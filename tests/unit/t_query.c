/* t_query: sf_query's contract, as sf-serve will use it. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tap.h"
#include "sf_err.h"
#include "sf_query.h"
#include "sf_rec.h"
#include "sf_store.h"
#include "sf_time.h"
#include "sf.h"

static char dir[] = "/tmp/t_query.XXXXXX";

/* What the callback saw: the records' times and values, and a limit. */
struct seen {
	int n, stop_after;
	char got[1024];
};

static int
on_put(void *arg, const struct sf_rec *r)
{
	struct seen *s = arg;
	size_t len = strlen(s->got);
	const char *t = "?", *v = "?";

	if (r->kind == SF_KIND_OBS) {
		t = r->f[SF_OBS_OBSERVED_AT];
		v = r->f[SF_OBS_DISCHARGE] ? r->f[SF_OBS_DISCHARGE] : "null";
	}
	snprintf(s->got + len, sizeof(s->got) - len, "%.5s=%s ", t + 5, v);
	s->n++;
	return s->stop_after > 0 && s->n >= s->stop_after;
}

static void
load(struct sf_db *db, const char *now, const char *const *days,
    const char *const *values)
{
	struct sf_store_opts o = { 0 };
	struct sf_store *st;
	struct sf_rec r;
	struct sf_err err;
	int i;

	sf_time_parse(now, &o.now, &err);
	st = sf_store_new(db, &o, &err);
	for (i = 0; days[i] != NULL; i++) {
		sf_rec_clear(&r, SF_KIND_OBS);
		r.f[SF_OBS_STATION] = "01646500";
		r.f[SF_OBS_AGENCY] = "USGS";
		r.f[SF_OBS_TYPE] = "daily_mean";
		r.f[SF_OBS_OBSERVED_AT] = days[i];
		r.f[SF_OBS_DISCHARGE] = values[i];
		r.f[SF_OBS_UNIT] = "cfs";
		r.f[SF_OBS_QUALITY_CODE] = "P";
		sf_store_put(st, &r, &err);
	}
	sf_store_commit(st, &err);
	sf_store_free(st);
}

/* Runs q with a fresh struct seen; returns sf_query_run's result. */
static int
run(struct sf_db *db, struct sf_query *q, struct seen *s, int stop_after,
    struct sf_err *err)
{
	memset(s, 0, sizeof(*s));
	s->stop_after = stop_after;
	q->put = on_put;
	q->arg = s;
	return sf_query_run(db, q, err);
}

int
main(void)
{
	static const char *const d1[] = { "2024-01-01", "2024-01-02",
	    "2024-01-03", "2024-01-04", "2024-01-05", NULL };
	static const char *const v1[] = { "10", "20", "30", "40", "50" };
	static const char *const d2[] = { "2024-01-02", "2024-01-04",
	    "2024-01-06", NULL };
	static const char *const v2[] = { "21", "41.5", "60" };
	struct sf_query q;
	struct seen s;
	struct sf_db *db;
	struct sf_err err;
	char path[256], cmd[300];

	if (mkdtemp(dir) == NULL)
		return 1;
	snprintf(path, sizeof(path), "%s/q.db", dir);
	db = sf_db_open(path, SF_DB_CREATE, &err);
	ok(db != NULL, "database made");
	load(db, "2024-02-01T00:00:00Z", d1, v1);
	load(db, "2024-03-01T00:00:00Z", d2, v2);

	memset(&q, 0, sizeof(q));
	is_int(run(db, &q, &s, 0, &err), 0, "every observation");
	is_str(s.got, "01-01=10 01-02=21 01-03=30 01-04=41.5 01-05=50 "
	    "01-06=60 ", "in time order, as revised");

	q.has_as_of = 1;
	sf_time_parse("2024-02-15T00:00:00Z", &q.as_of, &err);
	is_int(run(db, &q, &s, 0, &err), 0, "as of between the loads");
	is_str(s.got, "01-01=10 01-02=20 01-03=30 01-04=40 01-05=50 ",
	    "the values before the revision, and not the later one");

	q.what = SF_QUERY_LATEST;
	is_int(run(db, &q, &s, 0, &err), 0, "latest, as of then");
	is_str(s.got, "01-05=50 ", "is the newest value of then");
	q.what = SF_QUERY_OBS;

	sf_time_parse("2024-01-15T00:00:00Z", &q.as_of, &err);
	is_int(run(db, &q, &s, 0, &err), 0, "as of before anything");
	is_int(s.n, 0, "gives nothing");
	q.has_as_of = 0;

	q.has_start = q.has_end = 1;
	sf_time_parse("2024-01-02", &q.start, &err);
	sf_time_parse("2024-01-04", &q.end, &err);
	is_int(run(db, &q, &s, 0, &err), 0, "a range");
	is_str(s.got, "01-02=21 01-03=30 01-04=41.5 ", "bounds included");
	q.has_start = q.has_end = 0;

	is_int(run(db, &q, &s, 2, &err), 1, "the callback can stop it");
	is_int(s.n, 2, "after the record it refused");

	q.type = "monthly";
	is_int(run(db, &q, &s, 0, &err), -1, "a bad type is refused");
	ok(strstr(err.msg, "type 'monthly'") != NULL, "naming it");
	is_int(s.n, 0, "before anything is put");
	q.type = NULL;

	q.config = "none";
	is_int(run(db, &q, &s, 0, &err), -1, "an unknown configuration too");
	ok(strstr(err.msg, "configuration 'none': not defined") != NULL,
	    "saying so");
	q.config = NULL;

	q.units = "cms";
	q.has_end = 1;
	sf_time_parse("2024-01-01", &q.end, &err);
	is_int(run(db, &q, &s, 0, &err), 0, "units");
	is_str(s.got, "01-01=0.2831684661 ", "cfs to cms, ten digits");

	sf_db_close(db);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	if (system(cmd) != 0)
		return 1;
	return tap_done();
}
