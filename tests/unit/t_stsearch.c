/* t_stsearch: sf_stsearch's filters and its handling of bad rows. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tap.h"
#include "sf_err.h"
#include "sf_rec.h"
#include "sf_stsearch.h"
#include "sf.h"

static char dir[] = "/tmp/t_stsearch.XXXXXX";

/* What the callbacks saw: station numbers, and the bad ones. */
struct seen {
	char got[512], bad[512];
};

static const char *fail_id;	/* put fails on this station number */

static int
on_put(void *arg, const struct sf_rec *r, struct sf_err *err)
{
	struct seen *s = arg;
	size_t len = strlen(s->got);

	if (fail_id != NULL && strcmp(r->f[SF_ST_STATION], fail_id) == 0)
		return sf_err_set(err, "refused");
	snprintf(s->got + len, sizeof(s->got) - len, "%s%s%s%s ",
	    r->f[SF_ST_STATION], r->f[SF_ST_USES_DST] != NULL ? "/" : "",
	    r->f[SF_ST_USES_DST] != NULL ? r->f[SF_ST_USES_DST] : "",
	    r->f[SF_ST_LATITUDE] != NULL ? "@" : "");
	if (r->f[SF_ST_LATITUDE] != NULL) {
		len = strlen(s->got) - 1;
		snprintf(s->got + len, sizeof(s->got) - len, "%s ",
		    r->f[SF_ST_LATITUDE]);
	}
	return 0;
}

static void
on_bad(void *arg, const char *station, const char *msg)
{
	struct seen *s = arg;
	size_t len = strlen(s->bad);

	snprintf(s->bad + len, sizeof(s->bad) - len, "%s: %s; ", station,
	    msg);
}

/* Runs q with a fresh struct seen; returns sf_stsearch_run's result. */
static int
search(struct sf_db *db, struct sf_stsearch *q, struct seen *s, long *n,
    struct sf_err *err)
{
	memset(s, 0, sizeof(*s));
	q->put = on_put;
	q->bad = on_bad;
	q->arg = s;
	return sf_stsearch_run(db, q, n, err);
}

/* Sets filter k of q to the values v (NULL-terminated). */
static void
set(struct sf_stsearch *q, int k, const char *const *v)
{
	size_t n = 0;

	while (v[n] != NULL)
		n++;
	q->v[k] = v;
	q->n[k] = n;
}

int
main(void)
{
	static const char *const md[] = { "md", NULL };
	static const char *const two[] = { "VA", "on", NULL };
	static const char *const huc[] = { "0207", NULL };
	static const char *const name[] = { "50%_", NULL };
	static const char *const potomac[] = { "POTOMAC", NULL };
	static const char *const ec[] = { "EC", NULL };
	static const char *const none[] = { "99999999", NULL };
	struct sf_stsearch q;
	struct seen s;
	struct sf_db *db;
	struct sf_err err;
	char path[256], cmd[300];
	long n;

	if (mkdtemp(dir) == NULL)
		return 1;
	snprintf(path, sizeof(path), "%s/s.db", dir);
	db = sf_db_open(path, SF_DB_CREATE, &err);
	ok(db != NULL, "database made");
	is_int(sf_db_exec(db, "INSERT INTO master_stations (station_number, "
	    "station_name, latitude, state_code, huc_code, agency, uses_dst) "
	    "VALUES ('01646500', 'POTOMAC RIVER NEAR WASH, DC', 38.949, "
	    "'MD', '02070008', 'USGS', 1), "
	    "('01638500', 'Potomac River at Point of Rocks', 39.2735, 'MD', "
	    "'02070008', 'USGS', 0), "
	    "('01613000', 'Potomac River at Hancock', NULL, 'MD', "
	    "'02060004', 'USGS', NULL), "
	    "('01631000', 'S F Shenandoah River 50%_ at Front Royal', "
	    "38.9137, 'VA', '02070005', 'USGS', 1), "
	    "('02HA013', 'NIAGARA RIVER AT QUEENSTON', 43.1597, 'ON', "
	    "'04120104', 'EC', 'yes')", &err), 0, "stations loaded");

	memset(&q, 0, sizeof(q));
	is_int(search(db, &q, &s, &n, &err), 1, "no filter: a bad row");
	is_str(s.got, "01613000 01631000/true@38.9137 01638500/false@39.2735 "
	    "01646500/true@38.949 ", "no filter: all good rows, by number");
	is_str(s.bad, "02HA013: uses_dst 'yes': not 0 or 1; ",
	    "no filter: the bad row reported and skipped");
	is_int(n, 4, "no filter: count of stations put");

	memset(&q, 0, sizeof(q));
	set(&q, SF_STS_STATE, md);
	is_int(search(db, &q, &s, &n, &err), 0, "state: runs");
	is_str(s.got, "01613000 01638500/false@39.2735 01646500/true@38.949 ",
	    "state: case folded");
	is_int(n, 3, "state: count");

	memset(&q, 0, sizeof(q));
	set(&q, SF_STS_STATE, two);
	is_int(search(db, &q, &s, &n, &err), 1, "two states: runs");
	is_str(s.got, "01631000/true@38.9137 ", "two states: OR");
	is_str(s.bad, "02HA013: uses_dst 'yes': not 0 or 1; ",
	    "two states: the bad one");

	memset(&q, 0, sizeof(q));
	set(&q, SF_STS_HUC, huc);
	set(&q, SF_STS_NAME, potomac);
	is_int(search(db, &q, &s, &n, &err), 0, "huc and name: runs");
	is_str(s.got, "01638500/false@39.2735 01646500/true@38.949 ",
	    "huc prefix AND name substring, case folded");

	memset(&q, 0, sizeof(q));
	set(&q, SF_STS_NAME, name);
	is_int(search(db, &q, &s, &n, &err), 0, "name with % and _: runs");
	is_str(s.got, "01631000/true@38.9137 ",
	    "name: % and _ are plain characters");

	memset(&q, 0, sizeof(q));
	set(&q, SF_STS_AGENCY, ec);
	set(&q, SF_STS_ID, none);
	is_int(search(db, &q, &s, &n, &err), 0, "no match: runs");
	is_str(s.got, "", "no match: nothing put");
	is_int(n, 0, "no match: count 0");

	memset(&q, 0, sizeof(q));
	set(&q, SF_STS_STATE, md);
	fail_id = "01638500";
	is_int(search(db, &q, &s, &n, &err), 1, "put fails: 1");
	fail_id = NULL;
	is_str(s.got, "01613000 01646500/true@38.949 ",
	    "put fails: the others still put");
	is_str(s.bad, "01638500: refused; ", "put fails: reported");
	is_int(n, 2, "put fails: count of those put");

	is_int(sf_db_exec(db, "DROP TABLE master_stations", &err), 0,
	    "table dropped");
	memset(&q, 0, sizeof(q));
	is_int(search(db, &q, &s, &n, &err), -1, "no table: -1");
	ok(strstr(err.msg, "master_stations") != NULL,
	    "no table: the error names the table");

	sf_db_close(db);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	if (system(cmd) != 0)
		return 1;
	return tap_done();
}
