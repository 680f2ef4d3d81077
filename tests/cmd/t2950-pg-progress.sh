#!/bin/sh
# t2950: sf-progress on PostgreSQL does what it does on SQLite. The same
# configurations and the same records go to a SQLite file and to a
# PostgreSQL server; then plan, show and reset run against both with the
# clock fixed, and their output, messages and exit statuses are compared
# byte for byte, besides checks of what they say.
test_description='sf-progress: PostgreSQL plans what SQLite plans'
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

# load TIME FILE: sf-load FILE on both with the clock at TIME
load() {
	SF_NOW=$1 both sf-load "$2"
}

# plan TIME ARGS...: sf-progress plan ARGS on both with the clock at TIME
plan() {
	t=$1; shift
	SF_NOW=$t both sf-progress plan "$@"
}

# Written for both engines; PostgreSQL reads the dates in UTC, as sf does.
cat > setup.sql <<\EOF2
INSERT INTO pull_configurations (id, name, data_type, data_strategy,
    pull_start_date, schedule_type, agency, source, is_enabled,
    revision_window_days, created_at) VALUES
    (1, 'potomac', 'daily_mean', 'append', '2024-01-01', 'manual', 'USGS',
     NULL, 1, 0, '2026-11-01T00:00:00Z'),
    (2, 'rt', 'realtime_15min', 'append', '2024-01-01T00:00:00Z', 'manual',
     NULL, NULL, 1, NULL, '2026-11-01T00:00:00Z'),
    (3, 'fraser', 'daily_mean', 'append', '2024-01-01', 'manual', 'EC',
     NULL, 1, 30, '2026-11-01T00:00:00Z'),
    (4, 'over', 'realtime_15min', 'overwrite', '2025-06-01', 'manual',
     'USGS', NULL, 1, NULL, '2026-11-01T00:00:00Z'),
    (5, 'fcst', 'forecast', 'append', '2026-01-01', 'manual', NULL,
     'NOAA_RFC', 1, NULL, '2026-11-01T00:00:00Z'),
    (6, 'off', 'daily_mean', 'append', '2024-01-01', 'manual', 'USGS',
     NULL, 0, NULL, '2026-11-01T00:00:00Z'),
    (7, 'empty', 'daily_mean', 'append', '2024-01-01', 'manual', 'USGS',
     NULL, 1, NULL, '2026-11-01T00:00:00Z'),
    (8, 'nosource', 'forecast', 'append', '2024-01-01', 'manual', NULL,
     NULL, 1, NULL, '2026-11-01T00:00:00Z');
INSERT INTO pull_configuration_stations (config_id, station_number,
    is_enabled) VALUES
    (1, '01000001', 1), (1, '01000002', 1),
    (2, '02HC003', 1), (2, '01000001', 1), (2, '01000000', 1),
    (2, '01000009', 0),
    (3, '08MF005', 1), (4, '01000003', 1), (5, '01000004', 1),
    (6, '01000001', 1), (8, '01000001', 1);
EOF2

daily() {
	printf '{"kind":"obs","config":"%s","station":"%s","agency":"%s","type":"daily_mean","observed_at":"%s","discharge":%s,"unit":"%s","quality_code":"P"}\n' "$@"
}
err_daily() {
	printf '{"kind":"error","config":"potomac","station":"%s","agency":"USGS","type":"daily_mean","start":"2024-01-01T00:00:00Z","status":503,"message":"HTTP 503"}\n' "$1"
}
done_rt() {
	printf '{"kind":"done","config":"rt","station":"%s","agency":"USGS","type":"realtime_15min","start":"2024-01-01T00:00:00Z","end":"%s","modified_since":"%s","rows":0,"newest":null}\n' "$@"
}

test_expect_success 'setup: the server starts; both archives, one set of configurations' '
	cat start.out && test "$rc" -eq 0 &&
	sf-load < /dev/null && sql < setup.sql &&
	sf-load --db "$SF_PG_URI" < /dev/null &&
	{ echo "SET TIME ZONE '\''UTC'\'';"; cat setup.sql; } | pg_psql &&
	test "$(pg_psql -c "SELECT count(*) FROM pull_configuration_stations")" = 11
'

test_expect_success 'setup: the same records go to both' '
	daily potomac 01000001 USGS 2024-01-05 1 cfs > a &&
	load 2026-11-20T00:00:00Z a &&
	gen_obs 2 8 rt > b && load 2026-11-20T00:05:00Z b &&
	done_rt 01000000 2026-11-21T00:00:00Z 2024-01-01T00:00:00Z > c &&
	load 2026-11-21T00:00:00Z c &&
	daily fraser 08MF005 EC 2026-11-01 412 cms > d &&
	load 2026-11-02T00:00:00Z d &&
	echo "{\"kind\":\"forecast\",\"config\":\"fcst\",\"station\":\"01000004\",\"agency\":\"USGS\",\"target_id\":\"PTTP1\",\"source\":\"NOAA_RFC\",\"member\":null,\"run_date\":\"2026-11-24T06:00:00Z\",\"valid_at\":\"2026-11-25T00:00:00Z\",\"discharge\":15000,\"unit\":\"cfs\",\"stage\":null,\"stage_unit\":null}" > e &&
	load 2026-11-24T07:00:00Z e &&
	err_daily 01000001 > f &&
	for t in 11:00 11:15 11:30 11:45 12:00; do
		load 2026-11-25T$t:00Z f || exit 1
	done &&
	test "$(pg_psql -c "SELECT consecutive_failures FROM
	    pull_station_progress WHERE station_number = '\''01000001'\''
	    AND config_id = 1")" = 5
'

ALL="potomac rt fraser over fcst off empty"

test_expect_success 'plan: the same requests; the open breaker skips its station' '
	plan 2026-11-25T12:59:59Z $ALL &&
	grep -q "station .01000001.: circuit breaker open after 5 consecutive failures, next probe at 2026-11-25T13:00:00Z" pg.err &&
	grep -q "configuration .off. is disabled: nothing planned" pg.err &&
	grep -q "configuration .empty. has no enabled stations" pg.err &&
	! grep -q "\"config\":\"potomac\",\"station\":\"01000001\"" pg.out &&
	grep -q "\"config\":\"potomac\",\"station\":\"01000002\",.*\"start\":\"2024-01-01T00:00:00Z\"" pg.out &&
	grep -q "\"config\":\"rt\",\"station\":\"02HC003\",\"agency\":\"EC\"" pg.out &&
	grep -q "\"config\":\"rt\",\"station\":\"01000001\",.*\"start\":\"2024-01-01T01:45:00Z\"" pg.out &&
	grep -q "\"config\":\"over\",.*\"start\":\"2025-06-01T00:00:00Z\"" pg.out &&
	grep -q "\"config\":\"fcst\",.*\"type\":\"NOAA_RFC\",.*\"start\":\"2026-11-24T06:00:00Z\"" pg.out &&
	! grep -q 01000009 pg.out
'

test_expect_success 'plan: the revision pass asks for the same windows' '
	plan 2026-11-25T12:00:00Z rt fraser &&
	grep -q "\"station\":\"01000000\",.*\"start\":\"2024-01-01T00:00:00Z\",\"end\":\"2026-11-25T12:00:00Z\",\"modified_since\":\"2026-11-21T00:00:00Z\"" pg.out &&
	grep -q "\"station\":\"08MF005\",.*\"start\":\"2026-10-26T12:00:00Z\",\"end\":\"2026-11-25T12:00:00Z\",\"modified_since\":\"2026-11-02T00:00:00Z\"" pg.out &&
	plan 2026-11-21T12:00:00Z rt &&
	! grep -q "\"station\":\"01000000\",.*\"modified_since\":\"2" pg.out
'

test_expect_success 'plan: after the cool-down, one probe from where the data end' '
	plan 2026-11-25T13:00:00Z -v potomac &&
	grep -q "station .01000001.: circuit breaker half-open after 5 consecutive failures: one probe request" pg.err &&
	test "$(grep -c "\"station\":\"01000001\",.*\"start\":\"2024-01-05T00:00:00Z\"" pg.out)" = 1 &&
	plan 2026-11-25T13:00:00Z -f csv $ALL
'

test_expect_success 'plan: a failed probe doubles the cool-down on both' '
	load 2026-11-25T13:00:00Z f &&
	plan 2026-11-25T14:59:59Z potomac &&
	grep -q "next probe at 2026-11-25T15:00:00Z" pg.err &&
	plan 2026-11-25T15:00:00Z potomac && test "$(wc -l < pg.out)" = 2
'

test_expect_code 1 'plan: a configuration that cannot be planned, one not defined' '
	plan 2026-11-25T12:00:00Z nosource nosuch potomac &&
	grep -q "configuration .nosource.: a forecast configuration without a source" pg.err &&
	grep -q "configuration .nosuch.: not defined" pg.err &&
	exit $(cat pg.rc)
'

test_expect_success 'show: the progress of every station, in every format' '
	both sf-progress show &&
	grep -q "^potomac  *01000001  *2024-01-05T00:00:00Z  *6  *2026-11-25T13:00:00Z  *2026-11-25T13:00:00Z  *HTTP 503" pg.out &&
	test "$(wc -l < pg.out)" = 12 &&
	both sf-progress show -f csv rt &&
	head -1 pg.out | grep -q "^config,station,last_successful_pull_date," &&
	both sf-progress show -f ndjson potomac &&
	test "$(wc -l < pg.out)" = 2
'

test_expect_code 1 'show: a configuration not defined' '
	both sf-progress show nosuch && exit $(cat pg.rc)
'

test_expect_success 'reset closes the breaker and keeps progress, on both' '
	SF_NOW=2026-11-25T14:00:00Z both sf-progress reset -v potomac 01000001 &&
	grep -q "station .01000001.: failures cleared" pg.err &&
	pg_psql -c "SELECT consecutive_failures,
	    last_error IS NULL, to_char(last_successful_pull_date
	    AT TIME ZONE '\''UTC'\'', '\''YYYY-MM-DD'\''),
	    to_char(updated_at AT TIME ZONE '\''UTC'\'', '\''HH24:MI'\'')
	    FROM pull_station_progress WHERE config_id = 1
	    AND station_number = '\''01000001'\''" > row &&
	echo "0|t|2024-01-05|14:00" > want && test_cmp want row &&
	both sf-progress show potomac &&
	plan 2026-11-25T14:00:00Z potomac &&
	grep -q "\"station\":\"01000001\",.*\"start\":\"2024-01-05T00:00:00Z\"" pg.out &&
	both sf-progress reset -v potomac 01000002 &&
	grep -q "station .01000002.: nothing to clear" pg.err &&
	both sf-progress reset -v potomac
'

test_expect_success 'reset --from-start: the next plan starts over' '
	both sf-progress reset -v --from-start rt &&
	grep -q "configuration .rt.: progress of 2 stations cleared" pg.err &&
	both sf-progress show rt &&
	plan 2026-11-25T14:00:00Z rt &&
	test "$(grep -c "\"start\":\"2024-01-01T00:00:00Z\",\"end\":\"2026-11-25T14:00:00Z\",\"modified_since\":null" pg.out)" = 3
'

test_expect_code 1 'reset: a station that is not one of the configuration' '
	both sf-progress reset -v potomac 09999999 01000002 &&
	grep -q "station .09999999.: not a station of the configuration" pg.err &&
	exit $(cat pg.rc)
'

test_expect_code 1 'reset: a configuration not defined' '
	both sf-progress reset -v nosuch && exit $(cat pg.rc)
'

test_expect_success '--db names the server as SF_DB does' '
	SF_NOW=2026-11-25T14:00:00Z sf-progress plan --db "$SF_PG_URI" $ALL > db.out 2> db.err &&
	SF_NOW=2026-11-25T14:00:00Z sf-progress plan $ALL > lite.out 2> lite.err &&
	test_cmp lite.out db.out && test_cmp lite.err db.err
'

test_done
