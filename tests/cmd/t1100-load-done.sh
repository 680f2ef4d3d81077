#!/bin/sh
# engines: sqlite postgresql
test_description='sf-load: done records close requests; every run is logged'
. "$(dirname "$0")/test-lib.sh"

done_rec() {
	printf '{"kind":"done","config":"%s","station":"%s","agency":"USGS","type":"realtime_15min","start":"2024-01-01T00:00:00Z","end":%s,"modified_since":%s,"rows":%s,"newest":%s}\n' "$@"
}

test_expect_success 'setup: a configuration' '
	add_config potomac
'

# Before, a run whose fetch brought nothing left no trace (issue 9.2).
test_expect_success 'a run that brought nothing new is logged, with its counts' '
	done_rec potomac 01000001 null null 0 null >nothing &&
	sf-load nothing &&
	sql "SELECT status, records_processed, inserted, updated, unchanged,
	    rejected FROM data_pull_logs" >out &&
	echo "success|0|0|0|0|0" >expect &&
	test_cmp expect out &&
	test "$(sql "SELECT last_run_at FROM pull_configurations")" = "$SF_NOW"
'

test_expect_success 'a done record is a success: failures reset, last success set' '
	for i in 1 2 3; do err_rec potomac 01000002 timeout | sf-load; done;
	test "$(sql "SELECT consecutive_failures FROM pull_station_progress
	    WHERE station_number = \"01000002\"")" = 3 &&
	done_rec potomac 01000002 null null 0 null |
	    SF_NOW=2026-11-25T13:00:00Z sf-load &&
	sql "SELECT consecutive_failures, last_success_at, last_attempt_at,
	    last_successful_pull_date FROM pull_station_progress
	    WHERE station_number = \"01000002\"" >out &&
	echo "0|2026-11-25T13:00:00Z|2026-11-25T13:00:00Z|" >expect &&
	test_cmp expect out
'

test_expect_success 'rows then done: progress and last success in one step' '
	{ gen_obs 1 4 potomac; done_rec potomac 01000000 null null 4 "\"2024-01-01T00:45:00Z\""; } >rows &&
	SF_NOW=2026-11-25T14:00:00Z sf-load rows &&
	sql "SELECT last_successful_pull_date, last_success_at, consecutive_failures
	    FROM pull_station_progress WHERE station_number = \"01000000\"" >out &&
	echo "2024-01-01T00:45:00Z|2026-11-25T14:00:00Z|0" >expect &&
	test_cmp expect out
'

test_expect_success 'rows alone set last_success_at too (the success statement)' '
	gen_obs 1 4 potomac 10 | SF_NOW=2026-11-25T15:00:00Z sf-load &&
	test "$(sql "SELECT last_success_at FROM pull_station_progress
	    WHERE station_number = \"01000000\"")" = 2026-11-25T15:00:00Z
'

test_expect_success 'the done record of a revision pass records when the pass began' '
	done_rec potomac 01000001 "\"2026-11-25T11:00:00Z\"" "\"1900-01-01T00:00:00Z\"" 0 null |
	    SF_NOW=2026-11-25T16:00:00Z sf-load &&
	test "$(sql "SELECT last_revision_pass_at FROM pull_station_progress
	    WHERE station_number = \"01000001\"")" = 2026-11-25T11:00:00Z &&
	done_rec potomac 01000001 "\"2026-11-25T10:00:00Z\"" "\"2026-11-25T09:00:00Z\"" 0 null | sf-load &&
	test "$(sql "SELECT last_revision_pass_at FROM pull_station_progress
	    WHERE station_number = \"01000001\"")" = 2026-11-25T11:00:00Z &&
	done_rec potomac 01000001 null null 0 null | sf-load &&
	test "$(sql "SELECT last_revision_pass_at FROM pull_station_progress
	    WHERE station_number = \"01000001\"")" = 2026-11-25T11:00:00Z
'

test_expect_success 'bad done records are rejected with their reasons' '
	done_rec potomac 1646500 null null 0 null >bad &&
	done_rec potomac 01000001 null null -1 null >>bad &&
	done_rec potomac 01000001 null null 0 "\"yesterday\"" >>bad &&
	done_rec potomac 01000001 "\"soon\"" "\"2026-11-25T09:00:00Z\"" 0 null >>bad &&
	rc=0; sf-load bad 2>err || rc=$?;
	test "$rc" = 1 &&
	grep "bad:1: station .1646500.: not a USGS station number" err &&
	grep "bad:2: rows .-1.: not a count" err &&
	grep "bad:3: newest .yesterday.: not an ISO 8601 time" err &&
	grep "bad:4: end .soon.: not an ISO 8601 time" err
'

test_expect_success 'done records are taken in CSV too' '
	printf "config,station,agency,type,start,end,modified_since,rows,newest\npotomac,01000003,USGS,realtime_15min,2024-01-01T00:00:00Z,,,0,\n" >done.csv &&
	sf-load done.csv &&
	test "$(sql "SELECT consecutive_failures FROM pull_station_progress
	    WHERE station_number = \"01000003\"")" = 0
'

test_done
