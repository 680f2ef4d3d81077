#!/bin/sh
# engines: sqlite postgresql
test_description='sf-progress: the circuit breaker half-opens after a cool-down'
. "$(dirname "$0")/test-lib.sh"

err_daily() {
	printf '{"kind":"error","config":"potomac","station":"%s","agency":"USGS","type":"daily_mean","start":"2024-01-01T00:00:00Z","status":503,"message":"HTTP 503"}\n' "$1"
}
done_rec() {
	printf '{"kind":"done","config":"potomac","station":"%s","agency":"USGS","type":"daily_mean","start":"2024-01-05T00:00:00Z","end":null,"modified_since":null,"rows":0,"newest":null}\n' "$1"
}
# stations AT: the stations the plan at AT asks for, ordinary requests only
stations() {
	SF_NOW=$1 sf-progress plan -q potomac |
	    grep -v modified_since.:.2 | sed 's/.*"station":"\([0-9]*\)".*/\1/'
}

test_expect_success 'setup: a configuration of two stations, one failing 5 times' '
	sf-load </dev/null &&
	sql "INSERT INTO pull_configurations (name, data_type, data_strategy,
	    pull_start_date, schedule_type, agency, revision_window_days)
	    VALUES (\"potomac\", \"daily_mean\", \"append\", \"2024-01-01\",
	    \"manual\", \"USGS\", 0);
	    INSERT INTO pull_configuration_stations (config_id, station_number)
	    VALUES (1, \"01000001\"), (1, \"01000002\")" &&
	printf "{\"kind\":\"obs\",\"config\":\"potomac\",\"station\":\"01000001\",\"agency\":\"USGS\",\"type\":\"daily_mean\",\"observed_at\":\"2024-01-05\",\"discharge\":1,\"unit\":\"cfs\",\"quality_code\":\"P\"}\n" |
	    SF_NOW=2026-11-25T10:00:00Z sf-load &&
	for m in 00 15 30 45; do
		err_daily 01000001 | SF_NOW=2026-11-25T11:$m:00Z sf-load 2>/dev/null
	done;
	err_daily 01000001 | SF_NOW=2026-11-25T12:00:00Z sf-load 2>/dev/null;
	test "$(sql "SELECT consecutive_failures FROM pull_station_progress
	    WHERE station_number = \"01000001\"")" = 5
'

# Before, an open breaker stayed open until someone ran a command (9.3).
test_expect_success 'open: skipped until an hour after the last failure' '
	SF_NOW=2026-11-25T12:59:59Z sf-progress plan potomac >out 2>err &&
	test "$(stations 2026-11-25T12:59:59Z)" = 01000002 &&
	grep "circuit breaker open after 5 consecutive failures, next probe at 2026-11-25T13:00:00Z (sf-progress reset potomac 01000001 closes it now, keeping progress)" err
'

test_expect_success 'half-open: one probe request, from where the data end' '
	SF_NOW=2026-11-25T13:00:00Z sf-progress plan -v potomac >out 2>err &&
	grep "station .01000001.: circuit breaker half-open after 5 consecutive failures: one probe request" err &&
	test "$(grep -c "\"station\":\"01000001\"" out)" = 1 &&
	grep "\"station\":\"01000001\".*\"start\":\"2024-01-05T00:00:00Z\"" out
'

test_expect_success 'a failed probe doubles the cool-down, up to 24 hours' '
	err_daily 01000001 | SF_NOW=2026-11-25T13:00:00Z sf-load 2>/dev/null;
	test "$(stations 2026-11-25T14:59:59Z)" = 01000002 &&
	test "$(stations 2026-11-25T15:00:00Z | wc -l)" = 2 &&
	err_daily 01000001 | SF_NOW=2026-11-25T15:00:00Z sf-load 2>/dev/null;
	test "$(stations 2026-11-25T18:59:59Z)" = 01000002 &&
	test "$(stations 2026-11-25T19:00:00Z | wc -l)" = 2 &&
	sql "UPDATE pull_station_progress SET consecutive_failures = 40
	    WHERE station_number = \"01000001\"" &&
	test "$(stations 2026-11-26T14:59:59Z)" = 01000002 &&
	test "$(stations 2026-11-26T15:00:00Z | wc -l)" = 2
'

test_expect_success 'a probe that succeeds closes the breaker, progress kept' '
	done_rec 01000001 | SF_NOW=2026-11-26T15:00:00Z sf-load &&
	sql "SELECT consecutive_failures, last_successful_pull_date, last_success_at
	    FROM pull_station_progress WHERE station_number = \"01000001\"" >out &&
	echo "0|2024-01-05T00:00:00Z|2026-11-26T15:00:00Z" >expect &&
	test_cmp expect out &&
	SF_NOW=2026-11-26T15:01:00Z sf-progress plan potomac >out 2>err &&
	test_must_be_empty err && test "$(wc -l <out)" = 2
'

test_expect_success 'reset closes it at once and keeps progress; --from-start starts over' '
	for i in 1 2 3 4 5; do err_daily 01000001 | sf-load 2>/dev/null; done;
	test "$(stations 2026-11-25T12:00:00Z)" = 01000002 &&
	sf-progress reset potomac 01000001 &&
	SF_NOW=2026-11-25T12:00:00Z sf-progress plan potomac >out &&
	grep "\"station\":\"01000001\".*\"start\":\"2024-01-05T00:00:00Z\"" out &&
	sf-progress reset --from-start potomac 01000001 &&
	sf-progress plan potomac >out &&
	grep "\"station\":\"01000001\".*\"start\":\"2024-01-01T00:00:00Z\"" out
'

test_expect_success 'one failure per station and run, however many requests failed' '
	{ err_daily 01000002; err_daily 01000002; } | sf-load 2>/dev/null;
	test "$(sql "SELECT consecutive_failures FROM pull_station_progress
	    WHERE station_number = \"01000002\"")" = 1 &&
	{ err_daily 01000002; done_rec 01000002; } | sf-load 2>/dev/null;
	test "$(sql "SELECT consecutive_failures FROM pull_station_progress
	    WHERE station_number = \"01000002\"")" = 2
'

test_done
