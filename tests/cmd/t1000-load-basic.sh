#!/bin/sh
test_description='sf-load: loading, reloading, formats, the database path'
. "$(dirname "$0")/test-lib.sh"

test_expect_success 'a new database is created with the schema' '
	sf-load </dev/null &&
	test "$(sql "PRAGMA user_version")" = 3 &&
	test "$(sql "PRAGMA journal_mode")" = wal &&
	sql "SELECT count(*) FROM discharge_observations" >out &&
	echo 0 >expect && test_cmp expect out
'

test_expect_success 'a version 1 archive is migrated to the schema of a new one' '
	sqlite3 v1.db <"$TEST_DATA/schema-v1.sql" &&
	sqlite3 v1.db "INSERT INTO pull_configurations (name, data_type,
	    pull_start_date, schedule_type) VALUES (\"k\", \"daily_mean\",
	    \"2000-01-01\", \"manual\")" &&
	test "$(sqlite3 v1.db "PRAGMA user_version")" = 1 &&
	sf-load --db v1.db </dev/null &&
	test "$(sqlite3 v1.db "PRAGMA user_version")" = 3 &&
	sqlite3 v1.db "SELECT name, revision_window_days,
	    stale_after_seconds FROM pull_configurations" >out &&
	echo "k||" >expect && test_cmp expect out &&
	cols="SELECT m.name, p.name, p.type FROM sqlite_master m,
	    pragma_table_info(m.name) p WHERE m.type = \"table\"
	    ORDER BY m.name, p.name" &&
	sqlite3 v1.db "$cols" >migrated &&
	sqlite3 "$SF_DB" "$cols" >fresh &&
	test_cmp fresh migrated &&
	grep -q "^pull_station_progress|last_success_at|TEXT" migrated
'

test_expect_success 'NDJSON observations are loaded with every field' '
	gen_obs 3 50 >obs.ndjson &&
	sf-load -v obs.ndjson 2>err &&
	grep "150 inserted, 0 updated, 0 unchanged, 0 rejected" err &&
	test "$(sql "SELECT count(*) FROM discharge_observations")" = 150 &&
	sql "SELECT s.station_number, o.observed_at, o.discharge, o.unit,
	    o.type, o.quality_code FROM discharge_observations o
	    JOIN stations s ON s.id = o.station_id
	    ORDER BY 1, 2 LIMIT 2" >out &&
	cat >expect <<-\EOT &&
	01000000|2024-01-01T00:00:00Z|0.0|cfs|realtime_15min|P
	01000000|2024-01-01T00:15:00Z|0.75|cfs|realtime_15min|P
	EOT
	test_cmp expect out
'

test_expect_success 'loading the same input twice changes nothing' '
	dump >before &&
	sf-load -v obs.ndjson 2>err &&
	grep "0 inserted, 0 updated, 150 unchanged" err &&
	dump >after &&
	test_cmp before after &&
	test "$(sql "SELECT count(*) FROM obs_revisions")" = 0
'

test_expect_success 'CSV input loads the same rows as NDJSON' '
	gen_obs 3 50 t 0 0 csv >obs.csv &&
	SF_DB=$PWD/csv.db sf-load obs.csv &&
	sqlite3 csv.db "SELECT * FROM discharge_observations ORDER BY 1" >csv.out &&
	sql "SELECT * FROM discharge_observations ORDER BY 1" >nd.out &&
	test_cmp nd.out csv.out
'

test_expect_success 'CSV with a BOM, CRLF and no final line end' '
	printf "\357\273\277 config,station,agency,type,observed_at,discharge,unit,quality_code\r\n,02177000,USGS,daily_mean,2014-01-01,191,cfs,A\r\n,02177000,USGS,daily_mean,2014-01-02,,cfs,A:Ice" >bom.csv &&
	SF_DB=$PWD/bom.db sf-load bom.csv &&
	sqlite3 bom.db "SELECT observed_at, discharge, quality_code FROM discharge_observations" >out &&
	cat >expect <<-\EOT &&
	2014-01-01T00:00:00Z|191.0|A
	2014-01-02T00:00:00Z||A:ice
	EOT
	test_cmp expect out
'

test_expect_success 'several files and stdin (-) are read in order' '
	gen_obs 1 5 t 0 >a &&
	gen_obs 1 5 t 5 >b &&
	gen_obs 1 5 t 10 | SF_DB=$PWD/m.db sf-load a - b &&
	test "$(sqlite3 m.db "SELECT count(*) FROM obs")" = 15
'

test_expect_success 'an unreadable file is an error, the others are loaded' '
	rc=0; SF_DB=$PWD/u.db sf-load a no-such-file 2>err || rc=$?;
	test "$rc" = 1 &&
	grep "cannot open .no-such-file." err &&
	test "$(sqlite3 u.db "SELECT count(*) FROM obs")" = 5
'

test_expect_success '--db wins over SF_DB; XDG_DATA_HOME and HOME are the default' '
	sf-load --db explicit.db a &&
	test "$(sqlite3 explicit.db "SELECT count(*) FROM obs")" = 5 &&
	(unset SF_DB; XDG_DATA_HOME=$PWD/xdg sf-load a) &&
	test -f xdg/sf/sf.db &&
	(unset SF_DB XDG_DATA_HOME; HOME=$PWD/home sf-load a) &&
	test -f home/.local/share/sf/sf.db
'

test_expect_success 'a file that is not an sf database is refused and left alone' '
	sqlite3 other.db "CREATE TABLE t(x); INSERT INTO t VALUES (42)" &&
	rc=0; sf-load --db other.db a 2>err || rc=$?;
	test "$rc" = 1 &&
	grep "not an sf database" err &&
	test "$(sqlite3 other.db "SELECT count(*) FROM sqlite_master")" = 1
'

test_expect_code 2 'a bad option is a usage error' '
	sf-load --no-such-option </dev/null
'

test_expect_code 2 '--batch must be a positive number' '
	sf-load --batch 0 </dev/null
'

test_expect_success '--help prints the usage on stdout, --version the version' '
	sf-load --help >out && grep "^usage: sf-load" out &&
	sf-load --version >out && grep "^sf-load [0-9]" out
'

test_expect_success 'a closed stdout is a quiet end (sf-load writes no data)' '
	sf-load --help | true
'

test_done
