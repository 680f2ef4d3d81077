#!/bin/sh
# engines: sqlite postgresql
test_description='sf-query: the archive back out as records'
. "$(dirname "$0")/test-lib.sh"

# o STATION AGENCY TYPE OBSERVED_AT DISCHARGE UNIT QC
o() {
	printf '{"kind":"obs","config":null,"station":"%s","agency":"%s","type":"%s","observed_at":"%s","discharge":%s,"unit":"%s","quality_code":"%s"}\n' "$@"
}

# f STATION SOURCE MEMBER RUN_DATE VALID_AT DISCHARGE STAGE
f() {
	printf '{"kind":"forecast","config":null,"station":"%s","agency":"USGS","target_id":"BRKM2","source":"%s","member":%s,"run_date":"%s","valid_at":"%s","discharge":%s,"unit":"cfs","stage":%s,"stage_unit":"ft"}\n' "$@"
}

test_expect_success 'setup: stations, observations of both agencies, forecasts' '
	cat >stations <<-\EOT &&
	{"kind":"station","station":"01646500","agency":"USGS","name":"POTOMAC RIVER NEAR WASH, DC LITTLE FALLS PUMP STA","latitude":38.9497,"longitude":-77.1276,"state":"MD","huc_code":"02070008","drainage_area_sqmi":11560,"altitude_ft":37.2,"utc_offset":"-05:00","uses_dst":true}
	{"kind":"station","station":"08MF005","agency":"EC","name":"FRASER RIVER AT HOPE","latitude":49.38,"longitude":-121.45,"state":"BC","huc_code":null,"drainage_area_sqmi":null,"altitude_ft":null,"utc_offset":"-08:00","uses_dst":false}
	EOT
	{
	o 01646500 USGS daily_mean 2024-01-01T00:00:00Z 12300 cfs A
	o 01646500 USGS daily_mean 2024-01-02T00:00:00Z 11800 cfs A
	o 01646500 USGS daily_mean 2024-01-05T00:00:00Z 11950.5 cfs P:e
	o 01646500 USGS realtime_15min 2024-01-17T04:45:00Z 9000 cfs P
	o 01646500 USGS realtime_15min 2024-01-17T05:00:00Z 9100 cfs P
	o 01646500 USGS realtime_15min 2024-01-17T05:15:00Z 9300 cfs P
	o 01646500 USGS realtime_15min 2024-01-18T04:45:00Z null cfs P:ice
	o 08MF005 EC realtime_15min 2024-06-01T07:45:00Z 4210 cms P
	o 08MF005 EC realtime_15min 2024-06-01T08:00:00Z 4215.5 cms P
	} >obs &&
	{
	f 01646500 NOAA_RFC null 2026-11-24T12:00:00Z 2026-11-24T18:00:00Z 9000 4.5
	f 01646500 NOAA_RFC null 2026-11-24T12:00:00Z 2026-11-25T00:00:00Z 9500 4.7
	f 01646500 NOAA_RFC null 2026-11-25T06:00:00Z 2026-11-25T12:00:00Z 9700 4.8
	f 01646500 NOAA_RFC null 2026-11-25T06:00:00Z 2026-11-25T18:00:00Z null null
	f 01646500 NWM_MEDIUM_RANGE "\"mem1\"" 2026-11-25T00:00:00Z 2026-11-25T03:00:00Z 8000 null
	f 01646500 NWM_MEDIUM_RANGE "\"mem2\"" 2026-11-25T00:00:00Z 2026-11-25T03:00:00Z 8400 null
	} >fc &&
	SF_NOW=2026-11-25T08:00:00Z sf-load --strict stations obs fc
'

test_expect_success 'observations come back as the records that were loaded' '
	sf-query >out &&
	grep -v 2024-01-18 obs >expect &&
	o 01646500 USGS realtime_15min 2024-01-18T04:45:00Z null cfs P:ice |
	    sed "s/\"discharge\":null/\"discharge\":null/" >>expect &&
	sort expect >expect.s && sort out >out.s &&
	test_cmp expect.s out.s &&
	test "$(wc -l <out)" = 9
'

test_expect_success 'round trip: query, load into another archive, query again' '
	sf-query --kind obs >a.obs &&
	sf-query --kind forecast --run all >a.forecast &&
	sf-query --kind station >a.station &&
	cat a.station a.obs a.forecast |
	    SF_NOW=2026-11-26T00:00:00Z sf-load --strict --db other.db &&
	sf-query --db other.db --kind obs >b.obs &&
	sf-query --db other.db --kind forecast --run all >b.forecast &&
	sf-query --db other.db --kind station >b.station &&
	test_cmp a.obs b.obs &&
	test_cmp a.forecast b.forecast &&
	test_cmp a.station b.station &&
	test -s a.obs && test -s a.forecast && test -s a.station
'

test_expect_success 'round trip in CSV too' '
	sf-query -f csv >a.csv &&
	head -1 a.csv >h &&
	echo "config,station,agency,type,observed_at,discharge,unit,quality_code" >expect &&
	test_cmp expect h &&
	sf-load --strict --db csv.db a.csv &&
	sf-query --db csv.db -f csv >b.csv &&
	test_cmp a.csv b.csv
'

test_expect_success 'selection by station, agency, type and time' '
	sf-query -s 08MF005 >out && test "$(wc -l <out)" = 2 &&
	! grep -v 08MF005 out &&
	sf-query --agency ec >out2 && test_cmp out out2 &&
	sf-query -t daily_mean >out && test "$(wc -l <out)" = 3 &&
	sf-query -t daily_mean --start 2024-01-02 --end 2024-01-02 >out &&
	test "$(wc -l <out)" = 1 && grep "\"discharge\":11800," out &&
	sf-query -t realtime_15min -s 01646500 --end 2024-01-17 >out &&
	test "$(wc -l <out)" = 3 &&
	sf-query --start 2024-01-17T05:00:00Z --end 2024-01-17T05:00:00Z >out &&
	test "$(wc -l <out)" = 1 && grep "\"discharge\":9100," out
'

test_expect_success 'stations from station records on stdin' '
	grep 08MF005 stations | sf-query -s - >out &&
	test "$(wc -l <out)" = 2 && ! grep -v 08MF005 out
'

test_expect_success '--config: the stations and type of a configuration' '
	add_config potomac daily_mean &&
	sql "INSERT INTO pull_configuration_stations (config_id, station_number)
	    SELECT id, \"01646500\" FROM pull_configurations" &&
	sf-query --config potomac >out &&
	test "$(wc -l <out)" = 3 &&
	grep -c "\"config\":\"potomac\",\"station\":\"01646500\",\"agency\":\"USGS\",\"type\":\"daily_mean\"" out >n &&
	echo 3 >expect && test_cmp expect n
'

test_expect_code 2 'an unknown configuration is a usage error' '
	sf-query --config nosuch 2>err; rc=$?;
	grep "configuration .nosuch.: not defined" err; exit $rc
'

test_expect_success '--units cfs converts cms values, and the unit follows' '
	sf-query -s 08MF005 --units cfs -f csv >out &&
	cat >expect <<-\EOT &&
	config,station,agency,type,observed_at,discharge,unit,quality_code
	,08MF005,EC,realtime_15min,2024-06-01T07:45:00Z,148674.7468,cfs,P
	,08MF005,EC,realtime_15min,2024-06-01T08:00:00Z,148868.9775,cfs,P
	EOT
	test_cmp expect out &&
	sf-query -s 01646500 -t daily_mean --units cms --end 2024-01-01 >out &&
	grep "\"discharge\":348.2972133,\"unit\":\"cms\"" out &&
	sf-query -s 01646500 -t daily_mean --units cfs --end 2024-01-01 >out &&
	grep "\"discharge\":12300,\"unit\":\"cfs\"" out
'

test_expect_success '--daily: means over the local standard day, with counts' '
	sf-query --daily -s 01646500 -t realtime_15min -f csv >out 2>err &&
	cat >expect <<-\EOT &&
	station,agency,type,date,mean,unit,count
	01646500,USGS,realtime_15min,2024-01-16,9000,cfs,1
	01646500,USGS,realtime_15min,2024-01-17,9200,cfs,2
	EOT
	test_cmp expect out &&
	test_must_be_empty err
'

test_expect_success '--daily: a daily_mean series keeps its dates' '
	sf-query --daily -t daily_mean >out &&
	test "$(wc -l <out)" = 3 &&
	grep "\"date\":\"2024-01-05\",\"mean\":11950.5,\"unit\":\"cfs\",\"count\":1" out
'

test_expect_success '--daily without a UTC offset: UTC days and a warning' '
	sf-query --db csv.db --daily -s 01646500 -t realtime_15min -f csv >out 2>err &&
	cat >expect <<-\EOT &&
	station,agency,type,date,mean,unit,count
	01646500,USGS,realtime_15min,2024-01-17,9133.333333,cfs,3
	01646500,USGS,realtime_15min,2024-01-18,,cfs,0
	EOT
	test_cmp expect out &&
	grep "warning: station .01646500.: no UTC offset known" err
'

test_expect_success '--latest: the newest value of each series' '
	sf-query --latest >out &&
	test "$(wc -l <out)" = 3 &&
	grep "\"type\":\"daily_mean\",\"observed_at\":\"2024-01-05T00:00:00Z\"" out &&
	grep "\"type\":\"realtime_15min\",\"observed_at\":\"2024-01-18T04:45:00Z\"" out &&
	grep "\"station\":\"08MF005\".*\"observed_at\":\"2024-06-01T08:00:00Z\"" out
'

test_expect_success '--gaps: the missing runs of each series' '
	sf-query --gaps -f csv >out &&
	cat >expect <<-\EOT &&
	station,agency,type,first_missing,last_missing,missing
	01646500,USGS,daily_mean,2024-01-03T00:00:00Z,2024-01-04T00:00:00Z,2
	EOT
	test_cmp expect out
'

test_expect_success 'revisions: --kind revision and --as-of' '
	o 01646500 USGS daily_mean 2024-01-01T00:00:00Z 12500 cfs A >rev &&
	SF_NOW=2026-11-25T10:00:00Z sf-load --strict rev &&
	sf-query --kind revision -s 01646500 -t daily_mean --end 2024-01-01 -f csv >out &&
	cat >expect <<-\EOT &&
	station,agency,type,observed_at,value,unit,quality_code,loaded_at,replaced_at
	01646500,USGS,daily_mean,2024-01-01T00:00:00Z,12300,cfs,A,2026-11-25T08:00:00Z,2026-11-25T10:00:00Z
	01646500,USGS,daily_mean,2024-01-01T00:00:00Z,12500,cfs,A,2026-11-25T10:00:00Z,
	EOT
	test_cmp expect out &&
	sf-query -s 01646500 -t daily_mean --end 2024-01-01 >now &&
	grep "\"discharge\":12500," now &&
	sf-query -s 01646500 -t daily_mean --end 2024-01-01 --as-of 2026-11-25T09:00:00Z >then &&
	grep "\"discharge\":12300," then &&
	sf-query -s 01646500 -t daily_mean --as-of 2026-11-25T07:00:00Z >before &&
	test_must_be_empty before
'

test_expect_success 'forecasts: the latest run by default, all runs, one run' '
	sf-query --kind forecast --source NOAA_RFC >out &&
	test "$(wc -l <out)" = 2 &&
	! grep -v "\"run_date\":\"2026-11-25T06:00:00Z\"" out &&
	grep "\"valid_at\":\"2026-11-25T18:00:00Z\",\"discharge\":null" out &&
	sf-query --source NOAA_RFC --run all >out && test "$(wc -l <out)" = 4 &&
	sf-query --source NOAA_RFC --run 2026-11-24T12:00:00Z >out &&
	test "$(wc -l <out)" = 2 &&
	grep "\"valid_at\":\"2026-11-25T00:00:00Z\",\"discharge\":9500,\"unit\":\"cfs\",\"stage\":4.7" out
'

test_expect_success 'forecasts: members, and the run latest at --as-of' '
	sf-query --source NWM_MEDIUM_RANGE --member mem2 >out &&
	test "$(wc -l <out)" = 1 && grep "\"discharge\":8400" out &&
	sf-query --kind forecast --as-of 2026-11-25T07:00:00Z >out &&
	test_must_be_empty out
'

test_expect_success 'station records' '
	sf-query --kind station --agency USGS >out &&
	grep "^{\"kind\":\"station\",\"station\":\"01646500\"" out &&
	test "$(wc -l <out)" = 1
'

test_expect_code 2 'usage: --daily with --gaps' 'sf-query --daily --gaps'
test_expect_code 2 'usage: --units other than cfs or cms' 'sf-query --units m3s'
test_expect_code 2 'usage: a bad time' 'sf-query --start 2024-13-01'
test_expect_code 2 'usage: --source with --kind station' \
	'sf-query --kind station --source NOAA_RFC'
test_expect_code 1 'a missing database is an error' \
	'sf-query --db nosuch/none.db'

test_done
