#!/bin/sh
test_description='sf-load: changed values and the revision history'
. "$(dirname "$0")/test-lib.sh"

o() {
	printf '{"kind":"obs","config":null,"station":"02177000","agency":"USGS","type":"daily_mean","observed_at":"%s","discharge":%s,"unit":"cfs","quality_code":"%s"}\n' "$@"
}

test_expect_success 'provisional values' '
	{ o 2024-01-01 100 P; o 2024-01-02 110 P; o 2024-01-03 120 P; } >prov &&
	SF_NOW=2024-01-04T00:00:00Z sf-load prov &&
	test "$(sql "SELECT count(*) FROM obs_revisions")" = 0
'

test_expect_success 'approval changes a value and a code: the old ones are kept' '
	{ o 2024-01-01 100 A; o 2024-01-02 115 A; o 2024-01-03 120 P; } >appr &&
	SF_NOW=2024-03-01T00:00:00Z sf-load -v appr 2>err &&
	grep "0 inserted, 2 updated, 1 unchanged" err &&
	sql "SELECT observed_at, discharge, quality_code FROM discharge_observations" >out &&
	cat >expect <<-\EOT &&
	2024-01-01T00:00:00Z|100.0|A
	2024-01-02T00:00:00Z|115.0|A
	2024-01-03T00:00:00Z|120.0|P
	EOT
	test_cmp expect out &&
	sql "SELECT observed_at, discharge, quality_code, loaded_at, replaced_at
	    FROM discharge_observation_revisions ORDER BY observed_at" >out &&
	cat >expect <<-\EOT &&
	2024-01-01T00:00:00Z|100.0|P|2024-01-04T00:00:00Z|2024-03-01T00:00:00Z
	2024-01-02T00:00:00Z|110.0|P|2024-01-04T00:00:00Z|2024-03-01T00:00:00Z
	EOT
	test_cmp expect out
'

test_expect_success 'the archive as of a past time gives the replaced value' '
	sql "SELECT strftime(\"%Y-%m-%d\", o.t, \"unixepoch\"),
	    coalesce((SELECT r.value FROM obs_revisions r
	        WHERE r.series = o.series AND r.t = o.t
	        AND r.replaced_at > strftime(\"%s\", \"2024-02-01\")
	        ORDER BY r.replaced_at LIMIT 1), o.value)
	    FROM obs o ORDER BY o.t" >out &&
	cat >expect <<-\EOT &&
	2024-01-01|100.0
	2024-01-02|110.0
	2024-01-03|120.0
	EOT
	test_cmp expect out
'

test_expect_success 'a missing value that arrives later is an update too' '
	{ o 2024-01-04 null P:Ice; } >ice &&
	SF_NOW=2024-03-02T00:00:00Z sf-load ice &&
	{ o 2024-01-04 90 A; } >thaw &&
	SF_NOW=2024-03-03T00:00:00Z sf-load -v thaw 2>err &&
	grep "1 updated" err &&
	sql "SELECT discharge, quality_code FROM discharge_observation_revisions
	    WHERE observed_at = \"2024-01-04T00:00:00Z\"" >out &&
	echo "|P:ice" >expect && test_cmp expect out
'

test_expect_success 'the seed view accepts INSERT, UPDATE and DELETE' '
	sql "INSERT INTO discharge_observations (station_id, observed_at,
	    discharge, unit, type, quality_code)
	    VALUES (1, \"2024-01-05T00:00:00Z\", 95, \"cfs\", \"daily_mean\", \"P\")" &&
	sql "UPDATE discharge_observations SET discharge = 96
	    WHERE observed_at = \"2024-01-05T00:00:00Z\"" &&
	test "$(sql "SELECT discharge FROM discharge_observations
	    WHERE observed_at = \"2024-01-05T00:00:00Z\"")" = 96.0 &&
	sql "DELETE FROM discharge_observations
	    WHERE observed_at = \"2024-01-05T00:00:00Z\"" &&
	test "$(sql "SELECT count(*) FROM discharge_observations")" = 4
'

test_expect_success 'the view refuses a unit or type the archive cannot hold' '
	! sql "INSERT INTO discharge_observations (station_id, observed_at,
	    discharge, unit, type) VALUES (1, \"2024-01-06\", 1, \"cms\",
	    \"daily_mean\")" 2>err &&
	grep "unit differs from the series" err &&
	! sql "INSERT INTO discharge_observations (station_id, observed_at,
	    discharge, unit, type) VALUES (1, \"2024-01-06\", 1, \"cfs\",
	    \"hourly\")" 2>err &&
	grep "bad type" err &&
	test "$(sql "SELECT count(*) FROM discharge_observations")" = 4
'

test_done
