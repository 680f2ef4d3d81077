/*
 * t_config_op: sf_note (the message levels and their formatting) and
 * sf_confop, the commands of sf-config run against an in-memory
 * database, with what they say caught by a note function.
 */
#include <stdio.h>
#include <string.h>

#include "tap.h"
#include "sf_buf.h"
#include "sf_config.h"
#include "sf_confop.h"
#include "sf_db.h"
#include "sf_err.h"
#include "sf_note.h"
#include "sf_rec.h"
#include "sf.h"

/* What the notes said: sf_note_buf's lines. */
static struct sf_buf said = SF_BUF_INIT;

#define N	sf_note_buf, &said

static void
test_note(void)
{
	struct sf_rec r;

	sf_buf_reset(&said);
	sf_notef(NULL, NULL, SF_NOTE_ERROR, "nobody %s", "listens");
	is_str(said.buf, "", "sf_notef: no note function, nothing "
	    "said");
	sf_notef(N, SF_NOTE_WARN, "station '%s': %d", "X", 3);
	is_str(said.buf, "2 station 'X': 3\n",
	    "sf_notef formats, with its level");

	sf_buf_reset(&said);
	sf_rec_clear(&r, SF_KIND_ERROR);
	r.f[SF_EREC_STATION] = "01646500";
	r.f[SF_EREC_MESSAGE] = "HTTP 500";
	sf_note_rec(N, &r);
	r.f[SF_EREC_STATION] = NULL;
	sf_note_rec(N, &r);
	r.f[SF_EREC_MESSAGE] = NULL;
	sf_note_rec(N, &r);
	is_str(said.buf, "1 station '01646500': HTTP 500\n1 HTTP 500\n"
	    "1 error record without a message\n",
	    "sf_note_rec: an error record as an error line");
}

static void
test_add_check(void)
{
	struct sf_config_change ch;

	memset(&ch, 0, sizeof(ch));
	is_str(sf_confop_add_check(&ch), "--type is required", "no type");
	ch.type = "daily_mean";
	is_str(sf_confop_add_check(&ch), "--agency is required", "no agency");
	ch.agency = "USGS";
	is_str(sf_confop_add_check(&ch), "--start is required", "no start");
	ch.start = "2024-01-01";
	is_str(sf_confop_add_check(&ch), "--schedule is required",
	    "no schedule");
	ch.schedule_type = "cron";
	ch.schedule = "0 6 * * *";
	ok(sf_confop_add_check(&ch) == NULL, "all there");
	ch.source = "nwps";
	is_str(sf_confop_add_check(&ch), "--source is only for forecast "
	    "configurations", "a source on observations");
	ch.type = "forecast";
	ok(sf_confop_add_check(&ch) == NULL, "a forecast with its source");
	ch.source = NULL;
	is_str(sf_confop_add_check(&ch), "a forecast configuration needs "
	    "--source", "a forecast without a source");
}

/* The configuration potomac, as "sf-config add" makes it. */
static int
add_potomac(struct sf_db *db, int64_t now)
{
	struct sf_config_opts o;
	struct sf_err err;
	int r;

	sf_config_opts_init(&o);
	if (sf_config_opt(&o, "type", "daily_mean", &err) == -1 ||
	    sf_config_opt(&o, "agency", "usgs", &err) == -1 ||
	    sf_config_opt(&o, "start", "2024-01-01", &err) == -1 ||
	    sf_config_opt(&o, "schedule", "0 6 * * *", &err) == -1) {
		printf("#   %s\n", err.msg);
		sf_config_opts_release(&o);
		return -1;
	}
	r = sf_confop_add(db, "potomac", &o.ch, now, N);
	sf_config_opts_release(&o);
	return r;
}

/* Runs the stations command args; 0 or -1. */
static int
stations(struct sf_db *db, const char *a0, const char *a1, const char *a2,
    const char *a3, FILE *out, int64_t now)
{
	char *args[4];
	int n = a3 != NULL ? 4 : a2 != NULL ? 3 : 2;

	args[0] = (char *)a0;
	args[1] = (char *)a1;
	args[2] = (char *)a2;
	args[3] = (char *)a3;
	return sf_confop_stations(db, args, n, stdin, out, SF_FMT_CSV, now,
	    N);
}

static void
test_ops(void)
{
	char *names[] = { "nope", "potomac" }, buf[4096];
	struct sf_db *db;
	struct sf_err err;
	int64_t now = 1764547200;	/* 2025-12-01T00:00:00Z */
	FILE *out;
	size_t len;

	db = sf_db_open(":memory:", SF_DB_CREATE, &err);
	ok(db != NULL, "an in-memory database");
	if (db == NULL) {
		printf("#   %s\n", err.msg);
		return;
	}
	sf_buf_reset(&said);
	is_int(add_potomac(db, now), 0, "add: done");
	is_str(said.buf, "0 configuration 'potomac': added, next run "
	    "2025-12-01T06:00:00Z\n", "add: says so, with the next run");
	sf_buf_reset(&said);
	is_int(add_potomac(db, now), -1, "add again: refused");
	is_str(said.buf, "1 configuration 'potomac': already defined\n",
	    "add again: says why");

	sf_buf_reset(&said);
	is_int(sf_confop_each(db, SF_CONFOP_DISABLE, names, 2, now, N), -1,
	    "disable nope potomac: a failure");
	is_str(said.buf, "1 configuration 'nope': not defined\n"
	    "0 configuration 'potomac': disabled\n",
	    "disable: goes on after a name not defined");

	sf_buf_reset(&said);
	is_int(stations(db, "potomac", "add", "01646500", "0164650x", NULL,
	    now), -1, "stations add with a bad id: refused");
	ok(strstr(said.buf, "nothing added (1 bad station)") != NULL,
	    "stations add: nothing added");
	sf_buf_reset(&said);
	is_int(stations(db, "potomac", "add", "01646500", "01638500", NULL,
	    now), 0, "stations add: done");
	is_str(said.buf, "0 configuration 'potomac': 2 stations added, "
	    "0 already there\n", "stations add: counts");
	sf_buf_reset(&said);
	is_int(stations(db, "potomac", "rm", "01638500", "09999999", NULL,
	    now), -1, "stations rm of one not there: a failure");
	is_str(said.buf, "1 configuration 'potomac': station '09999999': not a "
	    "station of the configuration\n"
	    "0 configuration 'potomac': 1 station removed\n",
	    "stations rm: which were not there, and the count");

	out = tmpfile();
	is_int(stations(db, "potomac", "list", NULL, NULL, out, now), 0,
	    "stations list: done");
	is_int(sf_confop_show(db, "potomac", out, SF_REPORT_CSV, N), 0,
	    "show: done");
	len = fread(buf, 1, sizeof(buf) - 1, (rewind(out), out));
	buf[len] = '\0';
	fclose(out);
	ok(strstr(buf, "01646500") != NULL && strstr(buf, "01638500") ==
	    NULL, "stations list: the station left");
	ok(strstr(buf, "potomac,") != NULL, "show: the configuration");

	sf_buf_reset(&said);
	is_int(sf_confop_show(db, "nope", stdout, SF_REPORT_CSV, N), -1,
	    "show nope: a failure");
	is_str(said.buf, "1 configuration 'nope': not defined\n",
	    "show nope: says why");
	sf_buf_reset(&said);
	is_int(sf_confop_each(db, SF_CONFOP_RM, names + 1, 1, now, N), 0,
	    "rm potomac: done");
	is_str(said.buf, "0 configuration 'potomac': removed\n", "rm: says so");
	sf_db_close(db);
}

int
main(void)
{
	test_note();
	test_add_check();
	test_ops();
	sf_buf_release(&said);
	return tap_done();
}
