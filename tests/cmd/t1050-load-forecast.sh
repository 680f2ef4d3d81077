#!/bin/sh
test_description='sf-load: forecast records grouped into forecast_runs'
. "$(dirname "$0")/test-lib.sh"

# f STATION SOURCE MEMBER RUN_DATE VALID_AT DISCHARGE STAGE
f() {
	printf '{"kind":"forecast","config":"fc","station":"%s","agency":"USGS","target_id":"AMAT2","source":"%s","member":%s,"run_date":"%s","valid_at":"%s","discharge":%s,"unit":"cfs","stage":%s,"stage_unit":"ft"}\n' "$@"
}

test_expect_success 'setup: a forecast configuration and one issuance' '
	add_config fc forecast &&
	{
	f 07227500 NOAA_RFC null 2026-10-02T07:13:00Z 2026-10-02T12:00:00Z 1210 4.5
	f 07227500 NOAA_RFC null 2026-10-02T07:13:00Z 2026-10-02T18:00:00Z 2200 6
	f 07227500 NOAA_RFC null 2026-10-02T07:13:00Z 2026-10-03T00:00:00Z null null
	} >run1
'

test_expect_success 'an issuance becomes one forecast_runs row with the seed data array' '
	sf-load -v run1 2>err &&
	grep "1 inserted" err &&
	sql "SELECT s.station_number, f.source, f.run_date, f.member, f.target_id,
	    f.unit, f.stage_unit, f.data FROM forecast_runs f
	    JOIN stations s ON s.id = f.station_id" >out &&
	cat >expect <<-\EOT &&
	07227500|NOAA_RFC|2026-10-02T07:13:00Z||AMAT2|cfs|ft|[{"date":"2026-10-02T12:00:00Z","value":1210,"stage":4.5},{"date":"2026-10-02T18:00:00Z","value":2200,"stage":6},{"date":"2026-10-03T00:00:00Z","value":null}]
	EOT
	test_cmp expect out
'

test_expect_success 'the same issuance again: still one run, unchanged' '
	sf-load -v run1 2>err &&
	grep "0 inserted, 0 updated, 1 unchanged" err &&
	test "$(sql "SELECT count(*) FROM forecast_runs")" = 1
'

test_expect_success 'a new issuance is a second run; progress is the newest run_date' '
	sed "s/2026-10-02T07:13:00Z/2026-10-02T13:05:00Z/" run1 >run2 &&
	sf-load run2 &&
	test "$(sql "SELECT count(*) FROM forecast_runs")" = 2 &&
	test "$(sql "SELECT last_successful_pull_date FROM pull_station_progress")" = 2026-10-02T13:05:00Z
'

test_expect_success 'members are runs of their own; the latest run per source reads back' '
	{
	f 07227500 NWM_MEDIUM_RANGE "\"mean\"" 2026-10-02T06:00:00Z 2026-10-02T07:00:00Z 100 null
	f 07227500 NWM_MEDIUM_RANGE "\"member1\"" 2026-10-02T06:00:00Z 2026-10-02T07:00:00Z 90 null
	f 07227500 NWM_MEDIUM_RANGE "\"member2\"" 2026-10-02T06:00:00Z 2026-10-02T07:00:00Z 110 null
	} | sf-load &&
	test "$(sql "SELECT count(*) FROM forecast_runs WHERE source = \"NWM_MEDIUM_RANGE\"")" = 3 &&
	sql "SELECT source, run_date, count(*) FROM forecast_runs f
	    WHERE run_date = (SELECT max(run_date) FROM forecast_runs g
	        WHERE g.station_id = f.station_id AND g.source = f.source)
	    GROUP BY 1, 2 ORDER BY 1" >out &&
	cat >expect <<-\EOT &&
	NOAA_RFC|2026-10-02T13:05:00Z|1
	NWM_MEDIUM_RANGE|2026-10-02T06:00:00Z|3
	EOT
	test_cmp expect out
'

test_expect_success 'a run delivered in two parts merges by time' '
	f 07227500 NOAA_RFC null 2026-10-02T13:05:00Z 2026-10-03T06:00:00Z 3590 7.5 >part &&
	sf-load -v part 2>err && grep "1 updated" err &&
	sql "SELECT json_array_length(data) FROM forecast_runs
	    WHERE run_date = \"2026-10-02T13:05:00Z\"" >out &&
	echo 4 >expect && test_cmp expect out
'

test_expect_success 'bad forecast rows are rejected with reasons' '
	{
	f 07227500 NOAA_RFC null 2026-10-02 2026-99-02 1 1
	f 07227500 NOAA_RFC null 2026-12-30T00:00:00Z 2026-12-30T00:00:00Z 1 1
	f 07227500 NOAA_RFC null 2026-10-02 2026-10-03 -1 1
	f 07227500 NOAA_RFC null 2026-10-02 2026-10-03 1 "\"high\""
	} >bad &&
	rc=0; sf-load bad 2>err || rc=$?;
	test "$rc" = 1 &&
	grep "bad:1: valid_at .2026-99-02.: not an ISO 8601 time" err &&
	grep "bad:2: run_date .2026-12-30T00:00:00Z. is more than a day in the future" err &&
	grep "bad:3: discharge .-1. is negative" err &&
	grep "bad:4: stage .high.: not a number" err
'

test_expect_success 'a run for a station of another agency is rejected line by line' '
	sed "s/\"agency\":\"USGS\"/\"agency\":\"EC\"/" run1 >ec &&
	rc=0; sf-load -q ec 2>err || rc=$?;
	test "$rc" = 1 &&
	grep "ec:1: station .07227500. is a USGS station, not EC" err &&
	grep "ec:3: station .07227500. is a USGS station, not EC" err
'

test_done
