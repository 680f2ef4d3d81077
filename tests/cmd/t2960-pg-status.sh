#!/bin/sh
# t2960: sf-status on PostgreSQL reports what it reports on SQLite. The
# configurations and history of t2150 go to a SQLite file and to a
# PostgreSQL server; the table, CSV, NDJSON, --check and --prune run
# against both with the clock fixed, compared byte for byte, and checked
# against what they must say. A reader never creates an archive.
test_description='sf-status: PostgreSQL reports what SQLite reports'
. "$(dirname "$0")/test-lib.sh"
. "$SF_TOP/tests/pg/lib.sh"

pg_start > start.out 2>&1
rc=$?

# both CMD...: CMD on the SQLite file, then on PostgreSQL (by SF_DB); the
# same exit status, output and messages. Leaves lite.* and pg.*.
both() {
	"$@" > lite.out 2> lite.err; echo $? > lite.rc
	SF_DB=$SF_PG_URI "$@" > pg.out 2> pg.err; echo $? > pg.rc
	cat pg.out pg.err
	test_cmp lite.rc pg.rc && test_cmp lite.out pg.out &&
	test_cmp lite.err pg.err
}

# at TIME FILE: sf-load FILE on both with the clock at TIME
at() {
	SF_NOW=$1 both sf-load "$2"
}

# o CONFIG STATION T: one observation of a realtime station at T
o() {
	printf '{"kind":"obs","config":"%s","station":"%s","agency":"USGS","type":"realtime_15min","observed_at":"%s","discharge":7,"unit":"cfs","quality_code":"P"}\n' "$@"
}
done_rec() {
	printf '{"kind":"done","config":"%s","station":"%s","agency":"USGS","type":"realtime_15min","start":"2026-11-25T00:00:00Z","end":null,"modified_since":null,"rows":0,"newest":null}\n' "$@"
}

# psql and sqlite3 both: PostgreSQL reads the dates in UTC, as sf does
cat > setup.sql <<\EOF2
INSERT INTO pull_configurations (id, name, data_type, data_strategy,
    pull_start_date, schedule_type, schedule_value, agency, source,
    is_enabled, created_at, stale_after_seconds) VALUES
    (1, 'potomac', 'realtime_15min', 'append', '2024-01-01', 'interval',
     '15m', 'USGS', NULL, 1, '2026-11-01T00:00:00Z', NULL),
    (2, 'fresh', 'realtime_15min', 'append', '2024-01-01', 'interval',
     '15m', 'USGS', NULL, 1, '2026-11-25T11:50:00Z', NULL),
    (3, 'loose', 'realtime_15min', 'append', '2024-01-01', 'manual', NULL,
     'USGS', NULL, 1, '2026-01-01T00:00:00Z', 864000),
    (4, 'fraser', 'daily_mean', 'append', '2024-01-01', 'cron',
     '0 6 * * *', 'EC', NULL, 1, '2026-01-01T00:00:00Z', NULL),
    (5, 'bc-fcst', 'forecast', 'append', '2026-01-01', 'interval', '1h',
     'EC', 'NOAA_RFC', 1, '2026-01-01T00:00:00Z', NULL),
    (6, 'badsched', 'daily_mean', 'append', '2024-01-01', 'cron',
     '61 * * * *', 'USGS', NULL, 1, '2026-11-25T11:00:00Z', NULL),
    (7, 'off', 'daily_mean', 'append', '2024-01-01', 'interval', '1d',
     'USGS', NULL, 0, '2026-01-01T00:00:00Z', NULL);
INSERT INTO pull_configuration_stations (config_id, station_number,
    is_enabled) VALUES (1, '01000000', 1), (1, '01000001', 1),
    (1, '01000002', 1), (1, '01000003', 1), (1, '01000004', 1),
    (1, '01000005', 0), (1, '01000006', 1), (2, '01000000', 1),
    (3, '01000001', 1), (4, '08MF005', 1), (5, '08MF005', 1),
    (6, '01000000', 1), (7, '01000000', 1);
EOF2

test_expect_success 'setup: the server starts; both archives, one set of configurations' '
	cat start.out && test "$rc" -eq 0 &&
	sf-load < /dev/null && sql < setup.sql &&
	sf-load --db "$SF_PG_URI" < /dev/null &&
	{ echo "SET TIME ZONE '\''UTC'\'';"; cat setup.sql; } | pg_psql
'

test_expect_success 'setup: the same history of runs on both' '
	o potomac 01000001 2026-11-20T00:00:00Z > r1 &&
	at 2026-11-20T00:10:00Z r1 &&
	o loose 01000001 2026-11-20T00:00:00Z > r2 &&
	at 2026-11-20T00:10:00Z r2 &&
	o potomac 01000002 2026-11-24T00:00:00Z > r3 &&
	at 2026-11-24T00:10:00Z r3 &&
	err_rec potomac 01000002 "HTTP 503 after 5 attempts" > r4 &&
	for t in 10:45 11:00 11:15 11:30 11:45; do
		at 2026-11-25T$t:00Z r4 || exit 1; done &&
	o potomac 01000004 2026-11-25T11:00:00Z > r5 &&
	at 2026-11-25T11:30:00Z r5 &&
	{ o potomac 01000000 2026-11-25T11:00:00Z;
	  err_rec potomac 01000004 "timeout"; } > r6 &&
	at 2026-11-25T11:45:00Z r6 &&
	o potomac 01000006 2026-11-25T05:00:00Z > r7 &&
	at 2026-11-25T05:10:00Z r7 &&
	done_rec potomac 01000006 > r8 && at 2026-11-25T11:45:00Z r8 &&
	echo "{\"kind\":\"obs\",\"config\":\"fraser\",\"station\":\"08MF005\",\"agency\":\"EC\",\"type\":\"daily_mean\",\"observed_at\":\"2026-11-21T00:00:00Z\",\"discharge\":412,\"unit\":\"cms\",\"quality_code\":\"P\"}" > r9 &&
	at 2026-11-22T06:30:00Z r9 &&
	for r in 2026-11-25T06:00:00Z 2026-11-25T10:00:00Z; do
		echo "{\"kind\":\"forecast\",\"config\":\"bc-fcst\",\"station\":\"08MF005\",\"agency\":\"EC\",\"target_id\":\"FRSB1\",\"source\":\"NOAA_RFC\",\"member\":null,\"run_date\":\"$r\",\"valid_at\":\"2026-11-26T00:00:00Z\",\"discharge\":15000,\"unit\":\"cfs\",\"stage\":null,\"stage_unit\":null}"
	done > r10 &&
	at 2026-11-25T11:30:00Z r10 &&
	test "$(pg_psql -c "SELECT count(*) FROM pull_station_progress")" = 8
'

test_expect_success 'the table: the same on both, and what t2150 expects' '
	both sf-status &&
	cat > expect <<-\EOT &&
	CONFIG    STATION   STATE     LAST_SUCCESS          LAST_ATTEMPT          FAILURES  NEWEST                ROWS  NEXT_PROBE
	badsched  01000000  never     -                     -                            0  -                        0  -
	bc-fcst   08MF005   ok        2026-11-25T11:30:00Z  2026-11-25T11:30:00Z         0  2026-11-25T10:00:00Z     2  -
	fraser    08MF005   stale     2026-11-22T06:30:00Z  2026-11-22T06:30:00Z         0  2026-11-21T00:00:00Z     1  -
	fresh     01000000  never     -                     -                            0  2026-11-25T11:00:00Z     1  -
	loose     01000001  ok        2026-11-20T00:10:00Z  2026-11-20T00:10:00Z         0  2026-11-20T00:00:00Z     1  -
	off       01000000  disabled  -                     -                            0  -                        0  -
	potomac   01000000  ok        2026-11-25T11:45:00Z  2026-11-25T11:45:00Z         0  2026-11-25T11:00:00Z     1  -
	potomac   01000001  stale     2026-11-20T00:10:00Z  2026-11-20T00:10:00Z         0  2026-11-20T00:00:00Z     1  -
	potomac   01000002  broken    2026-11-24T00:10:00Z  2026-11-25T11:45:00Z         5  2026-11-24T00:00:00Z     1  2026-11-25T12:45:00Z
	potomac   01000003  stale     -                     -                            0  -                        0  -
	potomac   01000004  failing   2026-11-25T11:30:00Z  2026-11-25T11:45:00Z         1  2026-11-25T11:00:00Z     1  -
	potomac   01000005  disabled  -                     -                            0  -                        0  -
	potomac   01000006  stale     2026-11-25T11:45:00Z  2026-11-25T11:45:00Z         0  2026-11-25T05:00:00Z     1  -
	EOT
	test_cmp expect pg.out &&
	grep -q "configuration .badsched.: schedule .61 \* \* \* \*.: minute 61 out of range" pg.err
'

test_expect_success 'CSV and NDJSON, for some configurations' '
	both sf-status -q -f csv potomac fraser &&
	test "$(wc -l < pg.out)" = 9 &&
	grep -q "^potomac,01000002,realtime_15min,broken,2026-11-24T00:10:00Z,2026-11-25T11:45:00Z,5,open,false,2026-11-24T00:00:00Z,1,2026-11-25T12:45:00Z$" pg.out &&
	both sf-status --format ndjson bc-fcst off &&
	grep -q "\"config\":\"bc-fcst\",\"station\":\"08MF005\",\"type\":\"NOAA_RFC\",\"state\":\"ok\"" pg.out
'

test_expect_success 'the clock moves staleness the same way' '
	SF_NOW=2026-11-25T17:00:01Z both sf-status -f csv potomac &&
	grep -q "^potomac,01000000,realtime_15min,stale," pg.out &&
	SF_NOW=2026-11-24T00:00:00Z both sf-status -f csv fraser &&
	grep -q "^fraser,08MF005,daily_mean,ok," pg.out &&
	both sf-status --max-failures 1 -f csv potomac &&
	grep -q "^potomac,01000004,realtime_15min,broken,.*,1,open,false,.*,2026-11-25T12:45:00Z$" pg.out
'

test_expect_code 1 '--check: exit 1, each stale station and the open breaker named' '
	both sf-status --check &&
	test_must_be_empty pg.out &&
	grep -q "^sf-status: configuration .fraser. station .08MF005.: stale (newest value 2026-11-21T00:00:00Z, 4 days old; daily_mean allows 3 days)$" pg.err &&
	grep -q "^sf-status: configuration .potomac. station .01000003.: stale (no data, never pulled; realtime_15min allows 6 hours)$" pg.err &&
	grep -q "^sf-status: configuration .potomac. station .01000002.: circuit breaker open (5 consecutive failures, last error 2026-11-25T11:45:00Z: HTTP 503 after 5 attempts); next probe at 2026-11-25T12:45:00Z" pg.err &&
	test "$(wc -l < pg.err)" = 6 &&
	exit $(cat pg.rc)
'

test_expect_success '--check: exit 0 when all is well' '
	both sf-status --check -v bc-fcst fresh loose off &&
	echo "sf-status: 4 stations checked: none stale or broken" > expect &&
	test_cmp expect pg.err
'

test_expect_code 1 'an unknown configuration is an error on both' '
	both sf-status nosuch potomac &&
	grep -q "^sf-status: configuration .nosuch.: not defined (see sf-config)$" pg.err &&
	exit $(cat pg.rc)
'

test_expect_success 'without last_success_at, the last success comes from the log' '
	sql "UPDATE pull_station_progress SET last_success_at = NULL
	    WHERE config_id = 1" &&
	pg_psql -c "UPDATE pull_station_progress SET last_success_at = NULL
	    WHERE config_id = 1" &&
	both sf-status -f csv potomac &&
	grep -q "^potomac,01000004,realtime_15min,failing,2026-11-25T11:30:00Z," pg.out &&
	grep -q "^potomac,01000002,realtime_15min,broken,2026-11-25T05:10:00Z," pg.out
'

# sf-load writes whole seconds; another writer may not. The first failure
# of the streak is compared as the server keeps it, fractions and all.
test_expect_success 'PostgreSQL: a run in the same second as the first failure' '
	pg_psql -c "INSERT INTO data_pull_logs (config_id, status, start_time)
	    VALUES (1, '\''success'\'', '\''2026-11-25T10:44:59.9Z'\''),
	    (1, '\''success'\'', '\''2026-11-25T10:45:00.2Z'\'');
	    UPDATE data_pull_logs SET start_time = '\''2026-11-25T10:45:00.5Z'\''
	    WHERE station_number = '\''01000002'\''
	    AND start_time = '\''2026-11-25T10:45:00Z'\''" &&
	SF_DB=$SF_PG_URI sf-status -f csv potomac > out &&
	grep -q "^potomac,01000002,realtime_15min,broken,2026-11-25T10:45:00Z," out &&
	pg_psql -c "DELETE FROM data_pull_logs WHERE start_time IN
	    ('\''2026-11-25T10:44:59.9Z'\'', '\''2026-11-25T10:45:00.2Z'\'');
	    UPDATE data_pull_logs SET start_time = '\''2026-11-25T10:45:00Z'\''
	    WHERE start_time = '\''2026-11-25T10:45:00.5Z'\''"
'

test_expect_success '--prune: the same rows go on both' '
	for q in sql pg_psql; do
		$q -c "INSERT INTO data_pull_logs (config_id, status, start_time)
		    VALUES (1, '\''success'\'', '\''2026-08-27T11:59:59Z'\''),
		    (1, '\''success'\'', '\''2026-08-27T12:00:00Z'\'')" 2>/dev/null ||
		$q "INSERT INTO data_pull_logs (config_id, status, start_time)
		    VALUES (1, '\''success'\'', '\''2026-08-27T11:59:59Z'\''),
		    (1, '\''success'\'', '\''2026-08-27T12:00:00Z'\'')" || exit 1
	done &&
	both sf-status --prune -v &&
	echo "sf-status: pruned 1 data_pull_logs row older than 2026-08-27T12:00:00Z" > expect &&
	test_cmp expect pg.err &&
	both sf-status --prune --keep-days 2 -v &&
	echo "sf-status: pruned 4 data_pull_logs rows older than 2026-11-23T12:00:00Z" > expect &&
	test_cmp expect pg.err &&
	test "$(sql "SELECT count(*) FROM data_pull_logs")" = \
	    "$(pg_psql -c "SELECT count(*) FROM data_pull_logs")" &&
	both sf-status -f csv potomac
'

test_expect_success 'a reader never creates an archive; no password in its message' '
	pg_psql -c "CREATE DATABASE bare" &&
	bare="postgresql://sf:secret@/bare?host=$PG_DIR" &&
	for c in "sf-status" "sf-status --check" "sf-status --prune" \
	    "sf-progress show" "sf-progress plan potomac" \
	    "sf-progress reset potomac"; do
		$c --db "$bare" > out 2> err; st=$?
		cat err; test $st -eq 1 || exit 1
		test_must_be_empty out && test "$(wc -l < err)" = 1 &&
		grep -q "not an sf database, or not yet created" err &&
		! grep -q secret err || exit 1
	done &&
	test "$(psql -X -A -t -d "postgresql://sf@/bare?host=$PG_DIR" -c \
	    "SELECT count(*) FROM pg_tables WHERE schemaname = '\''public'\''")" = 0
'

test_done
