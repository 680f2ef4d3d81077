/* t_store: the loader's contract, through its C interface. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tap.h"
#include "sf_err.h"
#include "sf_rec.h"
#include "sf_store.h"
#include "sf_time.h"
#include "sf.h"

static char dir[] = "/tmp/t_store.XXXXXX";
static int nwarn;
static char lastwarn[512];

static void
on_warn(void *arg, const char *msg)
{
	(void)arg;
	nwarn++;
	snprintf(lastwarn, sizeof(lastwarn), "%s", msg);
}

static void
obs(struct sf_rec *r, const char *conf, const char *station, const char *t,
    const char *v)
{
	sf_rec_clear(r, SF_KIND_OBS);
	r->f[SF_OBS_CONFIG] = conf;
	r->f[SF_OBS_STATION] = station;
	r->f[SF_OBS_AGENCY] = "USGS";
	r->f[SF_OBS_TYPE] = "daily_mean";
	r->f[SF_OBS_OBSERVED_AT] = t;
	r->f[SF_OBS_DISCHARGE] = v;
	r->f[SF_OBS_UNIT] = "cfs";
	r->f[SF_OBS_QUALITY_CODE] = "P";
}

static long long
scalar(struct sf_db *db, const char *sql)
{
	long long v = -1;

	sf_db_int(db, sql, &v, NULL);
	return v;
}

int
main(void)
{
	struct sf_store_opts o = { 0 };
	const struct sf_store_counts *n;
	struct sf_store *s;
	struct sf_db *db;
	struct sf_rec r;
	struct sf_err err;
	char path[256], cmd[300];

	if (mkdtemp(dir) == NULL)
		return 1;
	snprintf(path, sizeof(path), "%s/s.db", dir);
	db = sf_db_open(path, SF_DB_CREATE, &err);
	sf_db_exec(db, "INSERT INTO pull_configurations (name, data_type, "
	    "pull_start_date, schedule_type) VALUES ('c', 'daily_mean', "
	    "'1900-01-01', 'manual')", &err);
	sf_time_parse("2024-06-01T00:00:00Z", &o.now, &err);
	o.batch = 2;
	o.warn = on_warn;
	s = sf_store_new(db, &o, &err);
	ok(s != NULL, "store made");

	obs(&r, "c", "01000001", "2024-01-01", "1");
	is_int(sf_store_put(s, &r, &err), 0, "an observation is taken");
	obs(&r, "c", "01000001", "2024-01-02", "2");
	is_int(sf_store_put(s, &r, &err), 0, "a second, which fills the batch");
	is_int(scalar(db, "SELECT count(*) FROM obs"), 2,
	    "a full batch is committed by itself");

	obs(&r, "c", "01000001", "2024-01-03", "-1");
	is_int(sf_store_put(s, &r, &err), -1, "a negative value is rejected");
	ok(strstr(err.msg, "negative") != NULL, "saying why");
	obs(&r, "c", "01000001", "2024-01-04", "4");
	sf_store_put(s, &r, &err);
	n = sf_store_counts(s);
	is_int(n->inserted, 3, "three inserted so far");
	is_int(n->rejected, 1, "one rejected");

	sf_store_rollback(s);
	n = sf_store_counts(s);
	is_int(n->inserted, 2, "a rollback drops the open transaction's rows");
	is_int(n->rejected, 1, "but not the rejections seen");
	is_int(scalar(db, "SELECT count(*) FROM obs"), 2, "the database agrees");

	obs(&r, "nope", "01000002", "2024-01-01", "1");
	sf_store_put(s, &r, &err);
	is_int(nwarn, 1, "an unknown configuration warns");
	ok(strstr(lastwarn, "'nope'") != NULL, "naming it");
	obs(&r, "nope", "01000002", "2024-01-02", "1");
	sf_store_put(s, &r, &err);
	is_int(nwarn, 1, "once");

	sf_rec_clear(&r, SF_KIND_REQUEST);
	r.f[SF_REQ_STATION] = "01";
	is_int(sf_store_put(s, &r, &err), -1, "request records are rejected");

	is_int(sf_store_commit(s, &err), 0, "commit");
	is_int(sf_store_log(s, 0, &err), 0, "log");
	is_int(scalar(db, "SELECT count(*) FROM data_pull_logs"), 1,
	    "one log row, for the configuration that exists");
	is_int(scalar(db, "SELECT inserted FROM data_pull_logs"), 2,
	    "with its committed inserts");
	is_int(scalar(db, "SELECT rejected FROM data_pull_logs"), 1,
	    "and its rejections");
	sf_store_free(s);
	sf_db_close(db);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	if (system(cmd) != 0)
		return 1;
	return tap_done();
}
