#!/bin/sh
# engines: sqlite postgresql
test_description='sf-status: health of configurations and stations, --check, --prune'
. "$(dirname "$0")/test-lib.sh"

# The clock is 2026-11-25T12:00:00Z. Staleness is about the data: a
# realtime_15min station is stale when its newest value is older than 6
# hours, daily_mean 3 days, forecasts (the newest run) 2 days.

# o CONFIG STATION T: one observation of a realtime station at T
o() {
	printf '{"kind":"obs","config":"%s","station":"%s","agency":"USGS","type":"realtime_15min","observed_at":"%s","discharge":7,"unit":"cfs","quality_code":"P"}\n' "$@"
}
done_rec() {
	printf '{"kind":"done","config":"%s","station":"%s","agency":"USGS","type":"realtime_15min","start":"2026-11-25T00:00:00Z","end":null,"modified_since":null,"rows":0,"newest":null}\n' "$@"
}

# at TIME CMD...: runs CMD with the clock at TIME
at() {
	t=$1; shift
	SF_NOW=$t "$@"
}

test_expect_success 'setup: configurations' '
	sf-load </dev/null &&
	sql "INSERT INTO pull_configurations (id, name, data_type,
	    data_strategy, pull_start_date, schedule_type, schedule_value,
	    agency, source, is_enabled, created_at, stale_after_seconds) VALUES
	    (1, \"potomac\", \"realtime_15min\", \"append\", \"2024-01-01\",
	     \"interval\", \"15m\", \"USGS\", NULL, 1, \"2026-11-01T00:00:00Z\", NULL),
	    (2, \"fresh\", \"realtime_15min\", \"append\", \"2024-01-01\",
	     \"interval\", \"15m\", \"USGS\", NULL, 1, \"2026-11-25T11:50:00Z\", NULL),
	    (3, \"loose\", \"realtime_15min\", \"append\", \"2024-01-01\",
	     \"manual\", NULL, \"USGS\", NULL, 1, \"2026-01-01T00:00:00Z\", 864000),
	    (4, \"fraser\", \"daily_mean\", \"append\", \"2024-01-01\",
	     \"cron\", \"0 6 * * *\", \"EC\", NULL, 1, \"2026-01-01T00:00:00Z\", NULL),
	    (5, \"bc-fcst\", \"forecast\", \"append\", \"2026-01-01\",
	     \"interval\", \"1h\", \"EC\", \"NOAA_RFC\", 1,
	     \"2026-01-01T00:00:00Z\", NULL),
	    (6, \"badsched\", \"daily_mean\", \"append\", \"2024-01-01\",
	     \"cron\", \"61 * * * *\", \"USGS\", NULL, 1,
	     \"2026-11-25T11:00:00Z\", NULL),
	    (7, \"off\", \"daily_mean\", \"append\", \"2024-01-01\",
	     \"interval\", \"1d\", \"USGS\", NULL, 0, \"2026-01-01T00:00:00Z\", NULL);
	    INSERT INTO pull_configuration_stations (config_id, station_number,
	    is_enabled) VALUES (1, \"01000000\", 1), (1, \"01000001\", 1),
	    (1, \"01000002\", 1), (1, \"01000003\", 1), (1, \"01000004\", 1),
	    (1, \"01000005\", 0), (1, \"01000006\", 1), (2, \"01000000\", 1),
	    (3, \"01000001\", 1), (4, \"08MF005\", 1), (5, \"08MF005\", 1),
	    (6, \"01000000\", 1), (7, \"01000000\", 1)"
'

test_expect_success 'setup: a history of runs' '
	o potomac 01000001 2026-11-20T00:00:00Z | at 2026-11-20T00:10:00Z sf-load &&
	o loose 01000001 2026-11-20T00:00:00Z | at 2026-11-20T00:10:00Z sf-load &&
	o potomac 01000002 2026-11-24T00:00:00Z | at 2026-11-24T00:10:00Z sf-load &&
	for t in 10:45 11:00 11:15 11:30 11:45; do
		err_rec potomac 01000002 "HTTP 503 after 5 attempts" |
		at 2026-11-25T$t:00Z sf-load; done;
	o potomac 01000004 2026-11-25T11:00:00Z | at 2026-11-25T11:30:00Z sf-load &&
	{ o potomac 01000000 2026-11-25T11:00:00Z; err_rec potomac 01000004 "timeout"; } >d &&
	at 2026-11-25T11:45:00Z sf-load d;
	o potomac 01000006 2026-11-25T05:00:00Z | at 2026-11-25T05:10:00Z sf-load &&
	done_rec potomac 01000006 | at 2026-11-25T11:45:00Z sf-load &&
	echo "{\"kind\":\"obs\",\"config\":\"fraser\",\"station\":\"08MF005\",\"agency\":\"EC\",\"type\":\"daily_mean\",\"observed_at\":\"2026-11-21T00:00:00Z\",\"discharge\":412,\"unit\":\"cms\",\"quality_code\":\"P\"}" >e &&
	at 2026-11-22T06:30:00Z sf-load e &&
	for r in 2026-11-25T06:00:00Z 2026-11-25T10:00:00Z; do
		echo "{\"kind\":\"forecast\",\"config\":\"bc-fcst\",\"station\":\"08MF005\",\"agency\":\"EC\",\"target_id\":\"FRSB1\",\"source\":\"NOAA_RFC\",\"member\":null,\"run_date\":\"$r\",\"valid_at\":\"2026-11-26T00:00:00Z\",\"discharge\":15000,\"unit\":\"cfs\",\"stage\":null,\"stage_unit\":null}"
	done >f &&
	at 2026-11-25T11:30:00Z sf-load f &&
	test "$(sql "SELECT count(*) FROM pull_station_progress")" = 8
'

test_expect_success 'the report: an aligned table' '
	sf-status >out 2>err &&
	cat >expect <<-\EOT &&
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
	test_cmp expect out &&
	echo "sf-status: warning: configuration '\''badsched'\'': schedule '\''61 * * * *'\'': minute 61 out of range (0-59)" >expect &&
	test_cmp expect err
'

test_expect_success 'the report as CSV, for some configurations' '
	sf-status -q -f csv potomac fraser >out &&
	cat >expect <<-\EOT &&
	config,station,type,state,last_success,last_attempt,consecutive_failures,breaker,stale,newest,rows,next_probe
	potomac,01000000,realtime_15min,ok,2026-11-25T11:45:00Z,2026-11-25T11:45:00Z,0,closed,false,2026-11-25T11:00:00Z,1,
	potomac,01000001,realtime_15min,stale,2026-11-20T00:10:00Z,2026-11-20T00:10:00Z,0,closed,true,2026-11-20T00:00:00Z,1,
	potomac,01000002,realtime_15min,broken,2026-11-24T00:10:00Z,2026-11-25T11:45:00Z,5,open,false,2026-11-24T00:00:00Z,1,2026-11-25T12:45:00Z
	potomac,01000003,realtime_15min,stale,,,0,closed,true,,0,
	potomac,01000004,realtime_15min,failing,2026-11-25T11:30:00Z,2026-11-25T11:45:00Z,1,closed,false,2026-11-25T11:00:00Z,1,
	potomac,01000005,realtime_15min,disabled,,,0,closed,false,,0,
	potomac,01000006,realtime_15min,stale,2026-11-25T11:45:00Z,2026-11-25T11:45:00Z,0,closed,true,2026-11-25T05:00:00Z,1,
	fraser,08MF005,daily_mean,stale,2026-11-22T06:30:00Z,2026-11-22T06:30:00Z,0,closed,true,2026-11-21T00:00:00Z,1,
	EOT
	test_cmp expect out
'

test_expect_success 'the report as NDJSON' '
	sf-status --format ndjson bc-fcst off >out &&
	cat >expect <<-\EOT &&
	{"kind":"status","config":"bc-fcst","station":"08MF005","type":"NOAA_RFC","state":"ok","last_success":"2026-11-25T11:30:00Z","last_attempt":"2026-11-25T11:30:00Z","consecutive_failures":0,"breaker":"closed","stale":false,"newest":"2026-11-25T10:00:00Z","rows":2,"next_probe":null}
	{"kind":"status","config":"off","station":"01000000","type":"daily_mean","state":"disabled","last_success":null,"last_attempt":null,"consecutive_failures":0,"breaker":"closed","stale":false,"newest":null,"rows":0,"next_probe":null}
	EOT
	test_cmp expect out
'

# Before, a gauge whose data stopped but whose runs succeeded was "ok"
# forever (issue 9.4).
test_expect_code 1 '--check names each problem: stale data with its age, an open breaker with its probe' '
	sf-status --check >out 2>err; rc=$?;
	test_must_be_empty out &&
	cat >expect <<-\EOT &&
	sf-status: configuration '\''badsched'\'': schedule '\''61 * * * *'\'': minute 61 out of range (0-59)
	sf-status: configuration '\''fraser'\'' station '\''08MF005'\'': stale (newest value 2026-11-21T00:00:00Z, 4 days old; daily_mean allows 3 days)
	sf-status: configuration '\''potomac'\'' station '\''01000001'\'': stale (newest value 2026-11-20T00:00:00Z, 5 days old; realtime_15min allows 6 hours)
	sf-status: configuration '\''potomac'\'' station '\''01000002'\'': circuit breaker open (5 consecutive failures, last error 2026-11-25T11:45:00Z: HTTP 503 after 5 attempts); next probe at 2026-11-25T12:45:00Z; '\''sf-progress reset potomac 01000002'\'' closes it now, keeping progress
	sf-status: configuration '\''potomac'\'' station '\''01000003'\'': stale (no data, never pulled; realtime_15min allows 6 hours)
	sf-status: configuration '\''potomac'\'' station '\''01000006'\'': stale (newest value 2026-11-25T05:00:00Z, 7 hours old; realtime_15min allows 6 hours)
	EOT
	test_cmp expect err &&
	exit $rc
'

test_expect_success '--check exits 0 when all is well' '
	sf-status --check bc-fcst fresh loose off >out 2>err &&
	test_must_be_empty out && test_must_be_empty err &&
	sf-status --check -v bc-fcst fresh 2>err &&
	echo "sf-status: 2 stations checked: none stale or broken" >expect &&
	test_cmp expect err
'

test_expect_success 'the stale line moves with the clock and the allowance' '
	SF_NOW=2026-11-25T17:00:00Z sf-status -f csv potomac >out &&
	grep -q "^potomac,01000000,realtime_15min,ok," out &&
	SF_NOW=2026-11-25T17:00:01Z sf-status -f csv potomac >out &&
	grep -q "^potomac,01000000,realtime_15min,stale," out &&
	SF_NOW=2026-11-24T00:00:00Z sf-status -f csv fraser >out &&
	grep -q "^fraser,08MF005,daily_mean,ok," out &&
	SF_NOW=2026-11-25T17:50:00Z sf-status -f csv fresh >out &&
	grep -q "^fresh,01000000,realtime_15min,stale," out &&
	sql "UPDATE pull_configurations SET stale_after_seconds = 86400
	    WHERE name = \"loose\"" &&
	sf-status -f csv loose >out &&
	grep -q "^loose,01000001,realtime_15min,stale," out
'

test_expect_success 'a failing station is failing, not also stale' '
	SF_NOW=2026-11-26T12:00:00Z sf-status -f csv potomac >out &&
	grep -q "^potomac,01000004,realtime_15min,failing,.*,1,closed,false," out
'

test_expect_success '--max-failures sets the breaker limit' '
	sf-status --max-failures 6 -f csv potomac >out &&
	grep -q "^potomac,01000002,realtime_15min,failing,.*,5,closed,false," out &&
	sf-status --max-failures 1 -f csv potomac >out &&
	grep -q "^potomac,01000004,realtime_15min,broken,.*,1,open,false,.*,2026-11-25T12:45:00Z$" out
'

test_expect_success 'the last success is last_success_at, kept through a reset' '
	sf-progress reset potomac 01000002 &&
	sf-status -f csv potomac >out &&
	grep "^potomac,01000002," out >line &&
	echo "potomac,01000002,realtime_15min,stale,2026-11-24T00:10:00Z,2026-11-25T11:45:00Z,0,closed,true,2026-11-24T00:00:00Z,1," >expect &&
	test_cmp expect line
'

test_expect_success 'an archive without last_success_at still finds it in the log' '
	sql "UPDATE pull_station_progress SET last_success_at = NULL
	    WHERE station_number = \"01000004\" AND config_id = 1" &&
	sf-status -f csv potomac >out &&
	grep -q "^potomac,01000004,realtime_15min,failing,2026-11-25T11:30:00Z," out
'

test_expect_success 'a success after failures is the last success again' '
	o potomac 01000002 2026-11-25T11:45:00Z | at 2026-11-25T11:50:00Z sf-load &&
	sf-status -f csv potomac >out &&
	grep -q "^potomac,01000002,realtime_15min,ok,2026-11-25T11:50:00Z," out
'

test_expect_success '--prune deletes log rows older than 90 days by default' '
	sql "INSERT INTO data_pull_logs (config_id, status, start_time)
	    VALUES (1, \"success\", \"2026-08-27T11:59:59Z\"),
	    (1, \"success\", \"2026-08-27T12:00:00Z\")" &&
	n=$(sql "SELECT count(*) FROM data_pull_logs") &&
	sf-status --prune -v 2>err &&
	echo "sf-status: pruned 1 data_pull_logs row older than 2026-08-27T12:00:00Z" >expect &&
	test_cmp expect err &&
	test "$(sql "SELECT count(*) FROM data_pull_logs")" = $((n - 1)) &&
	sf-status --prune 2>err && test_must_be_empty err
'

test_expect_success '--prune --keep-days N' '
	sf-status --prune --keep-days 2 -v 2>err &&
	echo "sf-status: pruned 4 data_pull_logs rows older than 2026-11-23T12:00:00Z" >expect &&
	test_cmp expect err &&
	test "$(sql "SELECT min(start_time) FROM data_pull_logs")" = 2026-11-24T00:10:00Z
'

test_expect_code 1 'an unknown configuration is an error' '
	sf-status nosuch potomac >out 2>err; rc=$?;
	echo "sf-status: configuration '\''nosuch'\'': not defined (see sf-config)" >expect &&
	test_cmp expect err &&
	test "$(wc -l <out)" = 8 &&
	exit $rc
'

test_expect_success 'a database without configurations reports nothing' '
	sf-load --db empty.db </dev/null &&
	sf-status --db empty.db >out && test_must_be_empty out &&
	sf-status --db empty.db --check
'

for args in '-f xml' '--prune --check' '--prune potomac' '--keep-days 3' \
    '--check -f csv' '--prune --keep-days -1' '--max-failures 0' \
    '--prune -f csv' '-x'
do
	test_expect_code 2 "usage error: sf-status $args" "
		sf-status $args >out 2>err; rc=\$?;
		test_must_be_empty out &&
		tail -n 1 err | grep -x \"sf-status: try 'sf-status --help'\" &&
		exit \$rc
	"
done

test_expect_success '--help and --version' '
	sf-status --help >out && grep "^usage: sf-status" out &&
	sf-status --version >out && grep "^sf-status [0-9]" out
'

test_done
