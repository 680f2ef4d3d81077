#!/bin/sh
# t4900: sf-query on PostgreSQL. One archive is loaded twice, into a
# SQLite file and into a PostgreSQL server, by the same sf-load runs
# (stations, observations of both agencies with quality codes and
# missing values, revisions loaded at later clocks, forecast runs and
# members); every question is then asked of both and the answers, the
# warnings and the exit statuses must be the same bytes.
test_description='PostgreSQL: sf-query answers as on SQLite'
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

# both SQL: the same statement on the SQLite file and on the server
both_sql() {
	sqlite3 -batch -bail lite.db "$1" && pg_psql -c "$1"
}

# same ARGS...: sf-query ARGS on both archives; stdout, stderr and the
# exit status must match (kept in lite.out, lite.err, lite.rc)
same() {
	sf-query --db lite.db "$@" > lite.out 2> lite.err
	echo $? > lite.rc
	sf-query --db "$SF_PG_URI" "$@" > pg.out 2> pg.err
	echo $? > pg.rc
	test_cmp lite.rc pg.rc && test_cmp lite.out pg.out &&
	test_cmp lite.err pg.err
}

test_expect_success 'setup: the same loads into SQLite and PostgreSQL' '
	cat start.out && test "$rc" -eq 0 &&
	cat > stations <<-\EOT &&
	{"kind":"station","station":"01646500","agency":"USGS","name":"POTOMAC RIVER NEAR WASH, DC LITTLE FALLS PUMP STA","latitude":38.9497,"longitude":-77.1276,"state":"MD","huc_code":"02070008","drainage_area_sqmi":11560,"altitude_ft":37.2,"utc_offset":"-05:00","uses_dst":true}
	{"kind":"station","station":"08MF005","agency":"EC","name":"FRASER RIVER AT HOPE","latitude":49.38,"longitude":-121.45,"state":"BC","huc_code":null,"drainage_area_sqmi":null,"altitude_ft":null,"utc_offset":"-08:00","uses_dst":false}
	EOT
	{
	o 01646500 USGS daily_mean 2024-01-01T00:00:00Z 12300 cfs "\"A\""
	o 01646500 USGS daily_mean 2024-01-02T00:00:00Z 11800 cfs "\"A\""
	o 01646500 USGS daily_mean 2024-01-05T00:00:00Z 11950.5 cfs "\"P:e\""
	o 01646500 USGS realtime_15min 2024-01-17T04:45:00Z 9000 cfs "\"P\""
	o 01646500 USGS realtime_15min 2024-01-17T05:00:00Z 9100 cfs "\"P\""
	o 01646500 USGS realtime_15min 2024-01-17T05:15:00Z 9300 cfs null
	o 01646500 USGS realtime_15min 2024-01-18T04:45:00Z null cfs "\"P:ice\""
	o 01646500 USGS realtime_15min 2024-01-18T06:15:00Z 8800.25 cfs "\"P\""
	o 08MF005 EC realtime_15min 2024-06-01T07:45:00Z 4210 cms "\"P\""
	o 08MF005 EC realtime_15min 2024-06-01T08:00:00Z 4215.5 cms "\"P\""
	o 08MF005 EC realtime_15min 2024-06-01T09:00:00Z 0.000123 cms "\"P:B\""
	o 09XX001 EC daily_mean 2024-06-01T00:00:00Z 1e-3 cms null
	} > obs &&
	{
	f 01646500 NOAA_RFC null 2026-11-24T12:00:00Z 2026-11-24T18:00:00Z 9000 4.5
	f 01646500 NOAA_RFC null 2026-11-24T12:00:00Z 2026-11-25T00:00:00Z 9500 4.7
	f 01646500 NOAA_RFC null 2026-11-25T06:00:00Z 2026-11-25T12:00:00Z 9700 4.8
	f 01646500 NOAA_RFC null 2026-11-25T06:00:00Z 2026-11-25T18:00:00Z null null
	f 01646500 NWM_MEDIUM_RANGE "\"mem1\"" 2026-11-25T00:00:00Z 2026-11-25T03:00:00Z 8000 null
	f 01646500 NWM_MEDIUM_RANGE "\"mem2\"" 2026-11-25T00:00:00Z 2026-11-25T03:00:00Z 8400 null
	} > fc &&
	{
	o 01646500 USGS daily_mean 2024-01-01T00:00:00Z 12500 cfs "\"A\""
	o 01646500 USGS realtime_15min 2024-01-17T05:00:00Z 9150 cfs "\"A\""
	o 01646500 USGS realtime_15min 2024-01-18T04:45:00Z 8700 cfs "\"A\""
	o 01646500 USGS realtime_15min 2024-01-18T05:00:00Z 8750 cfs "\"A\""
	} > rev1 &&
	{
	o 01646500 USGS daily_mean 2024-01-01T00:00:00Z 12600 cfs "\"A:e\""
	o 01646500 USGS realtime_15min 2024-01-17T05:00:00Z null cfs "\"A\""
	f 01646500 NOAA_RFC null 2026-11-26T06:00:00Z 2026-11-26T12:00:00Z 9900 5
	} > rev2 &&
	for db in lite.db "$SF_PG_URI"; do
		SF_NOW=2026-11-25T08:00:00Z sf-load --strict --db "$db" \
		    stations obs fc &&
		SF_NOW=2026-11-25T10:00:00Z sf-load --strict --db "$db" rev1 &&
		SF_NOW=2026-11-26T10:00:00Z sf-load --strict --db "$db" rev2 ||
		return 1
	done &&
	both_sql "INSERT INTO pull_configurations (name, data_type,
	    data_strategy, pull_start_date, schedule_type, source) VALUES
	    ('\''potomac'\'', '\''daily_mean'\'', '\''append'\'',
	     '\''1900-01-01T00:00:00Z'\'', '\''manual'\'', NULL),
	    ('\''rfc'\'', '\''forecast'\'', '\''append'\'',
	     '\''1900-01-01T00:00:00Z'\'', '\''manual'\'', '\''NOAA_RFC'\'')" &&
	both_sql "INSERT INTO pull_configuration_stations (config_id,
	    station_number) SELECT id, '\''01646500'\''
	    FROM pull_configurations" &&
	pg_psql -c "SELECT count(*) FROM discharge_observation_revisions" > n &&
	echo 5 > want && test_cmp want n
'

test_expect_success 'observations, selections and formats' '
	same && test "$(wc -l < pg.out)" = 13 &&
	same -f csv && test -s pg.out &&
	same -s 08MF005 && test "$(wc -l < pg.out)" = 3 &&
	same --agency EC &&
	same --agency USGS -t realtime_15min &&
	same -t daily_mean --start 2024-01-02 --end 2024-01-02 &&
	grep -q "\"discharge\":11800," pg.out &&
	same --start 2024-01-17T05:00:00Z --end 2024-01-18T05:00:00Z &&
	same -s 01646500 -s 08MF005 -f csv
'

test_expect_success 'stations from stdin, and one with no observations' '
	grep 08MF005 stations > in &&
	sf-query --db lite.db -s - < in > a && sf-query --db "$SF_PG_URI" -s - < in > b &&
	test_cmp a b && test -s b &&
	same -s 99999999 && test_must_be_empty pg.out &&
	grep -q "no observations" pg.err
'

test_expect_success '--config and its errors' '
	same --config potomac && test "$(wc -l < pg.out)" = 3 &&
	grep -q "\"config\":\"potomac\"" pg.out &&
	same --config nosuch && test "$(cat pg.rc)" = 2 &&
	same --kind forecast --config rfc && test -s pg.out
'

test_expect_success '--units, --daily, --latest, --gaps' '
	same --units cfs && grep -q "148868.9775" pg.out &&
	same --units cms -f csv &&
	same --daily -f csv && grep -q 2024-01-16 pg.out &&
	same --daily -s 09XX001 &&
	same --latest &&
	same --gaps -f csv && grep -q 2024-01-03 pg.out
'

test_expect_success 'revisions and --as-of' '
	same --kind revision -f csv &&
	grep -q "12300,cfs,A,2026-11-25T08:00:00Z,2026-11-25T10:00:00Z" pg.out &&
	same --kind revision -s 01646500 -t daily_mean &&
	same --kind revision --start 2024-01-17T05:00:00Z --end 2024-01-18T04:45:00Z &&
	test "$(wc -l < pg.out)" = 6 &&
	same --kind revision --as-of 2026-11-25T09:00:00Z -f csv &&
	for t in 2026-11-25T07:00:00Z 2026-11-25T08:00:00Z 2026-11-25T09:00:00Z \
	    2026-11-25T10:00:00Z 2026-11-26T09:59:59Z 2026-11-27T00:00:00Z; do
		same --as-of $t -f csv && same --as-of $t --latest &&
		same --as-of $t --daily && same --as-of $t --gaps &&
		same --as-of $t -t daily_mean --end 2024-01-01 || return 1
	done &&
	same --as-of 2026-11-25T09:00:00Z -t daily_mean --end 2024-01-01 &&
	grep -q "\"discharge\":12300," pg.out
'

test_expect_success 'forecasts: runs, members, --as-of, ranges, units' '
	same --kind forecast && test "$(wc -l < pg.out)" = 3 &&
	same --kind forecast -f csv &&
	same --source NOAA_RFC --run all && test "$(wc -l < pg.out)" = 5 &&
	same --source NOAA_RFC --run 2026-11-24T12:00:00Z &&
	test "$(wc -l < pg.out)" = 2 &&
	same --source NWM_MEDIUM_RANGE --member mem2 &&
	test "$(wc -l < pg.out)" = 1 &&
	same --kind forecast --as-of 2026-11-25T07:00:00Z &&
	test_must_be_empty pg.out &&
	same --kind forecast --as-of 2026-11-25T09:00:00Z &&
	same --kind forecast --run all --start 2026-11-25T00:00:00Z \
	    --end 2026-11-25T12:00:00Z && test "$(wc -l < pg.out)" = 4 &&
	same --kind forecast --run all --units cms
'

test_expect_success 'station records' '
	same --kind station && test "$(wc -l < pg.out)" = 2 &&
	same --kind station --agency EC -f csv &&
	same --kind station --config potomac
'

test_expect_success 'usage errors are the same' '
	same --units m3s && test "$(cat pg.rc)" = 2 &&
	same --start 2024-02-01 --end 2024-01-01 && test "$(cat pg.rc)" = 2 &&
	same --agency XX && test "$(cat pg.rc)" = 2
'

test_expect_success 'PostgreSQL: a server that is not there; no password shown' '
	{ sf-query --db "postgresql://sf:secret@/postgres?host=$TRASH/none" \
	    > out 2> err; test $? -eq 1; } &&
	test_must_be_empty out && test "$(wc -l < err)" -eq 1 &&
	grep -q "^sf-query: " err && ! grep -q secret err
'

test_expect_success 'PostgreSQL: a database without the sf schema' '
	pg_psql -c "CREATE DATABASE empty" &&
	{ sf-query --db "postgresql://sf@/empty?host=$PG_DIR" > out 2> err;
	  test $? -eq 1; } && cat err && test_must_be_empty out &&
	test "$(wc -l < err)" -eq 1
'

test_done
