#!/bin/sh
# engines: sqlite postgresql
test_description='sf-load: Smart Append progress, failures and the run log'
. "$(dirname "$0")/test-lib.sh"


test_expect_success 'setup: a configuration' '
	add_config potomac
'

test_expect_success 'progress moves to the newest committed time of each station' '
	gen_obs 2 96 potomac >day1 &&
	sf-load day1 &&
	sql "SELECT station_number, last_successful_pull_date, consecutive_failures
	    FROM pull_station_progress ORDER BY 1" >out &&
	cat >expect <<-\EOT &&
	01000000|2024-01-01T23:45:00Z|0
	01000001|2024-01-01T23:45:00Z|0
	EOT
	test_cmp expect out
'

test_expect_success 'progress never moves back when older data are reloaded' '
	gen_obs 2 10 potomac >old &&
	sf-load old &&
	sql "SELECT DISTINCT last_successful_pull_date FROM pull_station_progress" >out &&
	echo 2024-01-01T23:45:00Z >expect && test_cmp expect out
'

test_expect_success 'progress equals the newest stored row after every batch' '
	gen_obs 3 400 potomac 96 >more &&
	sf-load --batch 7 more &&
	sql "SELECT p.station_number FROM pull_station_progress p
	    JOIN stations s ON s.station_number = p.station_number
	    WHERE p.last_successful_pull_date IS DISTINCT FROM (SELECT max(observed_at)
	        FROM discharge_observations WHERE station_id = s.id)" >out &&
	test_must_be_empty out
'

test_expect_success 'an error record counts a failure and is logged; the rows before it count' '
	{ gen_obs 1 4 potomac 496; err_rec potomac 01000000 "HTTP 503 after 5 attempts"; } >fail &&
	rc=0; sf-load fail || rc=$?;
	test "$rc" = 1 &&
	sql "SELECT last_successful_pull_date, consecutive_failures, last_error
	    FROM pull_station_progress WHERE station_number = \"01000000\"" >out &&
	echo "2024-01-06T04:45:00Z|1|HTTP 503 after 5 attempts" >expect &&
	test_cmp expect out &&
	sql "SELECT status, station_number, error_message FROM data_pull_logs
	    WHERE station_number IS NOT NULL" >out &&
	echo "failed|01000000|HTTP 503 after 5 attempts" >expect &&
	test_cmp expect out
'

test_expect_success 'failures accumulate; a success resets them' '
	for i in 1 2 3 4 5; do
		err_rec potomac 01000001 "timeout" | sf-load; done;
	test "$(sql "SELECT consecutive_failures FROM pull_station_progress
	    WHERE station_number = \"01000001\"")" = 5 &&
	gen_obs 2 1 potomac 600 | sf-load &&
	test "$(sql "SELECT consecutive_failures FROM pull_station_progress
	    WHERE station_number = \"01000001\"")" = 0
'

test_expect_success 'one run-log row per configuration and run, with its counts' '
	sql "DELETE FROM data_pull_logs" &&
	{ gen_obs 1 2 potomac 700; gen_obs 1 2 potomac 0; echo "{\"kind\":\"obs\"}"; } >log &&
	sf-load log; test $? = 1 &&
	sql "SELECT c.name, l.status, l.records_processed, l.inserted, l.updated,
	    l.unchanged, l.rejected, l.start_time FROM data_pull_logs l
	    JOIN pull_configurations c ON c.id = l.config_id" >out &&
	echo "potomac|success|4|2|0|2|0|2026-11-25T12:00:00Z" >expect &&
	test_cmp expect out &&
	test "$(sql "SELECT last_run_at FROM pull_configurations")" = 2026-11-25T12:00:00Z
'

test_expect_success 'partial and failed runs are told apart' '
	sql "DELETE FROM data_pull_logs" &&
	{ gen_obs 1 1 potomac 800; err_rec potomac 01000001 boom; } | sf-load;
	err_rec potomac 01000001 boom | sf-load;
	sql "SELECT status FROM data_pull_logs WHERE station_number IS NULL
	    ORDER BY id" >out &&
	printf "partial\nfailed\n" >expect && test_cmp expect out
'

test_expect_success 'an unknown configuration loads the data, warns, and records no progress' '
	gen_obs 1 3 nosuch 0 >unk &&
	sf-load unk 2>err &&
	grep "warning: configuration .nosuch. is not defined" err &&
	test "$(sql "SELECT count(*) FROM pull_station_progress p
	    JOIN pull_configurations c ON c.id = p.config_id
	    WHERE c.name = \"nosuch\"")" = 0 &&
	sf-load -q unk 2>err && test_must_be_empty err
'

test_done
