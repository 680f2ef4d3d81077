#!/bin/sh
test_description='sf-load: validation of every field, line numbers, --strict'
. "$(dirname "$0")/test-lib.sh"

o() {
	printf '{"kind":"obs","config":null,"station":"%s","agency":"%s","type":"%s","observed_at":"%s","discharge":%s,"unit":"%s","quality_code":%s}\n' "$@"
}

test_expect_success 'setup: one good line and bad ones of every kind' '
	o 01646500 USGS daily_mean 2024-01-01 10 cfs "\"P\"" >in &&
	o 01646500 USGS daily_mean 2024-13-01 10 cfs "\"P\"" >>in &&
	o 01646500 NOAA daily_mean 2024-01-02 10 cfs "\"P\"" >>in &&
	o 01646500 USGS hourly 2024-01-03 10 cfs "\"P\"" >>in &&
	o 01646500 USGS daily_mean 2024-01-04 10 gallons "\"P\"" >>in &&
	o 01646500 USGS daily_mean 2024-01-05 -3 cfs "\"P\"" >>in &&
	o 01646500 USGS daily_mean 2024-01-06 null cfs null >>in &&
	o 01646500 USGS daily_mean 2026-11-27T00:00:00Z 10 cfs "\"P\"" >>in &&
	o "" USGS daily_mean 2024-01-08 10 cfs "\"P\"" >>in &&
	echo "{not json" >>in &&
	o 01646500 USGS daily_mean 2024-01-09 "\"ten\"" cfs "\"P\"" >>in &&
	o 01646500 USGS daily_mean 2024-01-10 null cfs "\"P:Ice\"" >>in &&
	o 01646500 USGS daily_mean 2026-11-26T11:00:00Z 10 cfs "\"P\"" >>in &&
	echo "{\"kind\":\"request\",\"station\":\"01646500\"}" >>in
'

test_expect_success 'bad records are reported with their line numbers and skipped' '
	rc=0; sf-load -v in 2>err || rc=$?;
	test "$rc" = 1 &&
	cat err;
	grep "in:2: observed_at .2024-13-01.: not an ISO 8601 time" err &&
	grep "in:3: agency .NOAA.: not USGS or EC" err &&
	grep "in:4: type .hourly.: not daily_mean or realtime_15min" err &&
	grep "in:5: unit .gallons.: not cfs or cms" err &&
	grep "in:6: discharge .-3. is negative" err &&
	grep "in:7: discharge is missing and no quality_code says why" err &&
	grep "in:8: observed_at .2026-11-27T00:00:00Z. is more than a day in the future" err &&
	grep "in:9: obs record: .station. is missing" err &&
	grep "in:10: " err &&
	grep "in:11: discharge .ten.: not a number" err &&
	grep "in:14: request records are not loaded" err &&
	grep "3 inserted, 0 updated, 0 unchanged, 11 rejected" err
'

test_expect_success 'the good records were loaded, the null one with its flag' '
	sql "SELECT observed_at, discharge, quality_code FROM discharge_observations" >out &&
	cat >expect <<-\EOT &&
	2024-01-01T00:00:00Z|10.0|P
	2024-01-10T00:00:00Z||P:ice
	2026-11-26T11:00:00Z|10.0|P
	EOT
	test_cmp expect out
'

test_expect_success '--allow-negative takes a tidal station negative flow' '
	o 01646501 USGS daily_mean 2024-01-05 -3.5 cfs "\"P\"" >neg &&
	sf-load --allow-negative neg &&
	test "$(sql "SELECT discharge FROM discharge_observations WHERE discharge < 0")" = -3.5
'

test_expect_success 'a station keeps its unit and its agency' '
	o 01646500 USGS daily_mean 2024-02-01 10 cms "\"P\"" >unit &&
	o 01646500 EC realtime_15min 2024-02-01 10 cms "\"P\"" >>unit &&
	rc=0; sf-load unit 2>err || rc=$?;
	test "$rc" = 1 &&
	grep "unit .cms. differs from the unit of its daily_mean series (.cfs.)" err &&
	grep "station .01646500. is a USGS station, not EC" err
'

# Within one run the agency of a station already seen was not checked
# again, so a cfs row tagged EC was inserted (issue 9.8).
test_expect_success 'the agency is checked for a station already seen in the run' '
	o 01646502 USGS daily_mean 2024-02-01 10 cfs "\"P\"" >again &&
	o 01646502 EC daily_mean 2024-02-02 10 cfs "\"P\"" >>again &&
	rc=0; sf-load again 2>err || rc=$?;
	test "$rc" = 1 &&
	grep "again:2: station .01646502. is a USGS station, not EC" err &&
	test "$(sql "SELECT count(*) FROM discharge_observations o JOIN stations s
	    ON s.id = o.station_id WHERE s.station_number = \"01646502\"")" = 1
'

test_expect_success '--strict: one bad record and nothing is loaded' '
	gen_obs 2 100 >good &&
	{ cat good; o 01646500 USGS daily_mean 2024-13-01 10 cfs "\"P\""; } >mixed &&
	dump >before &&
	rc=0; sf-load --strict mixed 2>err || rc=$?;
	test "$rc" = 1 &&
	grep "nothing loaded (--strict)" err &&
	dump >after && test_cmp before after
'

test_expect_success '--strict with good input loads it all' '
	sf-load --strict good &&
	test "$(sql "SELECT count(*) FROM obs o JOIN obs_series s ON s.id = o.series
	    JOIN stations t ON t.id = s.station_id
	    WHERE t.station_number IN (\"01000000\", \"01000001\")")" = 200
'

test_expect_success 'a bad line does not stop the rest of the stream' '
	{ echo "{\"kind\":" ; gen_obs 1 3 t 500; } >tail &&
	rc=0; sf-load tail 2>err || rc=$?;
	test $rc = 1 &&
	grep "tail:1:" err &&
	sql "SELECT count(*) FROM discharge_observations o
	    JOIN stations s ON s.id = o.station_id
	    WHERE s.station_number = \"01000000\"
	    AND o.observed_at >= \"2024-01-06T05:00:00Z\"" >out &&
	echo 3 >expect && test_cmp expect out
'

test_expect_success '--strict stops at an unreadable file and loads nothing' '
	gen_obs 1 5 t 900 >ok5 &&
	dump >before &&
	rc=0; sf-load --strict ok5 missing-file 2>err || rc=$?;
	test "$rc" = 1 &&
	grep "cannot open .missing-file." err &&
	grep "nothing loaded (--strict)" err &&
	dump >after && test_cmp before after
'

test_expect_success 'getopt errors name the program, not its path' '
	! sf-load --bogus 2>err </dev/null &&
	grep "^sf-load: " err
'

test_done
