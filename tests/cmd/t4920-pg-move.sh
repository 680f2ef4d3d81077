#!/bin/sh
# t4920: moving an archive to PostgreSQL, with the README's commands.
#
# A SQLite archive gets stations, observations of both agencies, values
# revised twice (at later clocks), and forecast runs. The "$ " lines of
# the README's "Moving an archive to PostgreSQL" part (with their "> "
# continuation lines) then run as written, in one shell, against a real
# server: only the example URI of the first line becomes the test
# server's. After the move both archives must give the same records for
# every question, and the same number of rows in each table.
test_description='PostgreSQL: moving an archive with the README commands'
. "$(dirname "$0")/test-lib.sh"
. "$SF_TOP/tests/pg/lib.sh"

pg_start > start.out 2>&1
rc=$?

# o STATION AGENCY TYPE OBSERVED_AT DISCHARGE UNIT QC
o() {
	printf '{"kind":"obs","config":null,"station":"%s","agency":"%s","type":"%s","observed_at":"%s","discharge":%s,"unit":"%s","quality_code":%s}\n' "$@"
}

# f STATION SOURCE MEMBER RUN_DATE VALID_AT DISCHARGE STAGE
f() {
	printf '{"kind":"forecast","config":null,"station":"%s","agency":"USGS","target_id":"BRKM2","source":"%s","member":%s,"run_date":"%s","valid_at":"%s","discharge":%s,"unit":"cfs","stage":%s,"stage_unit":"ft"}\n' "$@"
}

# same ARGS...: sf-query ARGS on both archives gives the same bytes
same() {
	sf-query --db sf.db "$@" > a && sf-query --db "$SF_PG_URI" "$@" > b &&
	test_cmp a b
}

# the README's commands: "$ " starts one, "> " continues it
awk '
	/^## / { in_part = ($0 == "## Moving an archive to PostgreSQL"); next }
	in_part && /^    \$ / { sub(/^    \$ /, ""); print; next }
	in_part && /^    > / { sub(/^    > /, ""); print }
' "$SF_TOP/README.md" > move.sh

test_expect_success 'the README shows the move' '
	test "$(grep -c "sf-load --db" move.sh)" -ge 3 &&
	head -1 move.sh | grep -q "^export PG=postgresql://sf@db.example.org/sf$"
'

test_expect_success 'setup: a SQLite archive with history and forecasts' '
	cat start.out && test "$rc" -eq 0 &&
	cat > stations <<-\EOT &&
	{"kind":"station","station":"01646500","agency":"USGS","name":"POTOMAC RIVER NEAR WASH, DC LITTLE FALLS PUMP STA","latitude":38.9497,"longitude":-77.1276,"state":"MD","huc_code":"02070008","drainage_area_sqmi":11560,"altitude_ft":37.2,"utc_offset":"-05:00","uses_dst":true}
	{"kind":"station","station":"08MF005","agency":"EC","name":"FRASER RIVER AT HOPE","latitude":49.38,"longitude":-121.45,"state":"BC","huc_code":null,"drainage_area_sqmi":null,"altitude_ft":null,"utc_offset":"-08:00","uses_dst":false}
	EOT
	{
	o 01646500 USGS daily_mean 2024-01-01T00:00:00Z 12300 cfs "\"P\""
	o 01646500 USGS daily_mean 2024-01-02T00:00:00Z 11800 cfs "\"P\""
	o 01646500 USGS realtime_15min 2024-01-17T04:45:00Z 9000 cfs "\"P\""
	o 01646500 USGS realtime_15min 2024-01-17T05:00:00Z 9100 cfs null
	o 01646500 USGS realtime_15min 2024-01-17T05:15:00Z null cfs "\"P:ice\""
	o 08MF005 EC realtime_15min 2024-06-01T07:45:00Z 4210 cms "\"P\""
	o 08MF005 EC realtime_15min 2024-06-01T08:00:00Z 4215.5 cms "\"P\""
	} > obs1 &&
	{
	f 01646500 NOAA_RFC null 2026-11-24T12:00:00Z 2026-11-24T18:00:00Z 9000 4.5
	f 01646500 NOAA_RFC null 2026-11-24T12:00:00Z 2026-11-25T00:00:00Z 9500 4.7
	f 01646500 NWM_MEDIUM_RANGE "\"mem1\"" 2026-11-25T00:00:00Z 2026-11-25T03:00:00Z 8000 null
	f 01646500 NWM_MEDIUM_RANGE "\"mem2\"" 2026-11-25T00:00:00Z 2026-11-25T03:00:00Z 8400 null
	} > fc1 &&
	{
	o 01646500 USGS daily_mean 2024-01-01T00:00:00Z 12500 cfs "\"A\""
	o 01646500 USGS daily_mean 2024-01-03T00:00:00Z 11000 cfs "\"P\""
	o 01646500 USGS realtime_15min 2024-01-17T05:15:00Z 9200 cfs "\"P\""
	o 08MF005 EC realtime_15min 2024-06-01T07:45:00Z 4210 cms "\"A\""
	f 01646500 NOAA_RFC null 2026-11-25T06:00:00Z 2026-11-25T12:00:00Z 9700 4.8
	} > obs2 &&
	{
	o 01646500 USGS daily_mean 2024-01-01T00:00:00Z 12600 cfs "\"A:e\""
	o 01646500 USGS realtime_15min 2024-01-17T05:15:00Z null cfs "\"A\""
	} > obs3 &&
	SF_NOW=2026-11-25T08:00:00Z sf-load --strict --db sf.db stations obs1 fc1 &&
	SF_NOW=2026-11-25T10:00:00Z sf-load --strict --db sf.db obs2 &&
	SF_NOW=2026-11-26T10:00:00Z sf-load --strict --db sf.db obs3 &&
	sqlite3 sf.db "SELECT count(*) FROM obs_revisions" > n &&
	echo 5 > want && test_cmp want n
'

test_expect_success 'the README commands move it' '
	sed "1s|=postgresql://sf@db.example.org/sf\$|=\"\$SF_PG_URI\"|" move.sh > run.sh &&
	head -1 run.sh | grep -q "SF_PG_URI" &&
	sh -e run.sh > run.out 2> run.err; st=$?;
	cat run.out run.err; test $st -eq 0
'

test_expect_success 'every row moved: counts per table' '
	for t in stations master_stations discharge_observations \
	    discharge_observation_revisions forecast_runs; do
		sqlite3 sf.db "SELECT count(*) FROM $t" > a &&
		pg_psql -c "SELECT count(*) FROM $t" > b &&
		test_cmp a b && test "$(cat b)" -gt 0 || return 1
	done
'

test_expect_success 'the same records: values, history, stations, forecasts' '
	same && test "$(wc -l < b)" = 8 &&
	same -f csv &&
	same --kind revision -f csv && test "$(wc -l < b)" = 14 &&
	grep -q "12300,cfs,P,2026-11-25T08:00:00Z,2026-11-25T10:00:00Z" b &&
	same --kind station &&
	same --kind forecast --run all && test "$(wc -l < b)" = 5 &&
	same --kind forecast && same --daily && same --gaps && same --latest
'

test_expect_success 'the same answers as of any instant' '
	for t in 2026-11-25T07:59:59Z 2026-11-25T08:00:00Z 2026-11-25T09:00:00Z \
	    2026-11-25T10:00:00Z 2026-11-26T09:00:00Z 2026-11-26T10:00:00Z; do
		same --as-of $t && same --as-of $t --latest &&
		same --as-of $t --daily || return 1
	done &&
	same --as-of 2026-11-25T09:00:00Z -t daily_mean &&
	grep -q "\"discharge\":12300," b && ! grep -q 11000 b
'

test_expect_success 'forecasts were loaded at the move, as the README says' '
	sf-query --db sf.db --kind forecast --as-of 2026-11-25T09:00:00Z > a &&
	test -s a &&
	sf-query --db "$SF_PG_URI" --kind forecast --as-of 2026-11-25T09:00:00Z > b &&
	test_must_be_empty b
'

test_done
