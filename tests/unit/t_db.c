/* t_db: finding, creating, migrating and refusing databases. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tap.h"
#include "sf_buf.h"
#include "sf_db.h"
#include "sf_err.h"
#include "sf.h"

static char dir[] = "/tmp/t_db.XXXXXX";

static char *
at(const char *name)
{
	static char p[256];

	snprintf(p, sizeof(p), "%s/%s", dir, name);
	return p;
}

static long long
scalar(struct sf_db *db, const char *sql)
{
	long long v = -1;

	sf_db_int(db, sql, &v, NULL);
	return v;
}

static void
test_path(void)
{
	struct sf_buf b = SF_BUF_INIT;
	struct sf_err err;
	int def;

	setenv("SF_DB", "/x/env.db", 1);
	sf_db_path("/x/opt.db", &b, &def, &err);
	is_str(b.buf, "/x/opt.db", "--db wins");
	ok(!def, "--db is not the default path");
	sf_db_path(NULL, &b, &def, &err);
	is_str(b.buf, "/x/env.db", "then SF_DB");
	unsetenv("SF_DB");
	setenv("XDG_DATA_HOME", "/x/xdg", 1);
	sf_db_path(NULL, &b, &def, &err);
	is_str(b.buf, "/x/xdg/sf/sf.db", "then XDG_DATA_HOME");
	ok(def, "which is the default path");
	setenv("XDG_DATA_HOME", "relative", 1);
	setenv("HOME", "/home/u", 1);
	sf_db_path(NULL, &b, &def, &err);
	is_str(b.buf, "/home/u/.local/share/sf/sf.db",
	    "a relative XDG_DATA_HOME is ignored, as the spec says");
	unsetenv("XDG_DATA_HOME");
	unsetenv("HOME");
	ok(sf_db_path(NULL, &b, &def, &err) == -1, "no HOME: an error");
	ok(strstr(err.msg, "--db") != NULL, "which names --db");
	sf_buf_release(&b);
}

static void
test_open(void)
{
	struct sf_db *db;
	struct sf_err err;

	db = sf_db_open(at("missing.db"), 0, &err);
	ok(db == NULL, "without SF_DB_CREATE a missing file is an error");
	ok(strstr(err.msg, "missing.db") != NULL, "naming the file");
	ok(access(at("missing.db"), F_OK) == -1, "and not created");
	db = sf_db_open(at("missing.db"), SF_DB_READONLY, &err);
	ok(db == NULL, "read-only, a missing file is an error");
	ok(strstr(err.msg, "missing.db") != NULL, "naming the file");
	ok(access(at("missing.db"), F_OK) == -1, "and not created");

	db = sf_db_open(at("new.db"), SF_DB_CREATE, &err);
	ok(db != NULL, "created");
	is_int(scalar(db, "PRAGMA user_version"), SF_DB_SCHEMA_VERSION,
	    "at the current schema version");
	is_int(scalar(db, "SELECT count(*) FROM sqlite_master WHERE name IN "
	    "('stations', 'discharge_observations', 'forecast_runs', "
	    "'data_pull_logs', 'pull_configurations', "
	    "'pull_configuration_stations', 'master_stations', "
	    "'pull_station_progress', 'station_mappings')"), 9,
	    "with the seed's nine tables");
	is_int(scalar(db, "SELECT count(*) FROM pragma_table_info("
	    "'discharge_observations')"), 7, "the seed's seven columns");
	ok(sf_db_begin(db, &err) == 0, "begin");
	ok(sf_db_exec(db, "INSERT INTO quality_codes (code) VALUES ('X')",
	    &err) == 0, "insert");
	sf_db_rollback(db);
	is_int(scalar(db, "SELECT count(*) FROM quality_codes"), 0,
	    "rolled back");
	ok(sf_db_exec(db, "SELEKT", &err) == -1, "bad SQL fails");
	ok(strstr(err.msg, "new.db") != NULL, "with the database named");
	sf_db_close(db);

	db = sf_db_open(at("new.db"), SF_DB_READONLY, &err);
	ok(db != NULL, "reopened read-only");
	ok(sf_db_exec(db, "INSERT INTO quality_codes (code) VALUES ('X')",
	    &err) == -1, "and read-only it is");
	sf_db_close(db);

	db = sf_db_open(at("new.db"), 0, &err);
	sf_db_exec(db, "PRAGMA user_version = 2", &err);
	sf_db_close(db);
	db = sf_db_open(at("new.db"), SF_DB_READONLY, &err);
	ok(db == NULL, "read-only, an older schema is not migrated");
	ok(strstr(err.msg, "run sf-load once") != NULL, "saying how to");
	db = sf_db_open(at("new.db"), 0, &err);
	is_int(scalar(db, "PRAGMA user_version"), SF_DB_SCHEMA_VERSION,
	    "a writer migrates it");
	sf_db_exec(db, "PRAGMA user_version = 99", &err);
	sf_db_close(db);
	db = sf_db_open(at("new.db"), 0, &err);
	ok(db == NULL, "a newer schema is refused");
	ok(strstr(err.msg, "newer") != NULL, "saying so");

	db = sf_db_open(at("other.db"), SF_DB_CREATE, &err);
	sf_db_close(db);
	{
		sqlite3 *h;

		sqlite3_open(at("foreign.db"), &h);
		sqlite3_exec(h, "CREATE TABLE t (x)", NULL, NULL, NULL);
		sqlite3_close(h);
	}
	db = sf_db_open(at("foreign.db"), SF_DB_CREATE, &err);
	ok(db == NULL, "a database of another program is refused");
	ok(strstr(err.msg, "not an sf database") != NULL, "saying so");
}

int
main(void)
{
	char cmd[300];

	if (mkdtemp(dir) == NULL)
		return 1;
	test_path();
	test_open();
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	if (system(cmd) != 0)
		return 1;
	return tap_done();
}
