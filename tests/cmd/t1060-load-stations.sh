#!/bin/sh
test_description='sf-load: station records, the stations table, hostile ids'
. "$(dirname "$0")/test-lib.sh"

st() {
	printf '{"kind":"station","station":"%s","agency":"%s","name":"%s","latitude":%s,"longitude":%s,"state":"%s","huc_code":"%s","drainage_area_sqmi":%s,"altitude_ft":%s,"utc_offset":"%s","uses_dst":%s}\n' "$@"
}

test_expect_success 'station records fill master_stations' '
	st 01646500 USGS "POTOMAC RIVER NEAR WASH, DC LITTLE FALLS PUMP STA" 38.9497 -77.1276 VA 02070008 11560 37.2 -05:00 true >stations &&
	st 08MF005 EC "FRASER RIVER AT HOPE" 49.38 -121.45 BC "" null null -08:00 false >>stations &&
	sf-load -v stations 2>err &&
	grep "2 inserted" err &&
	sql "SELECT station_number, agency, station_name, latitude, state_code,
	    huc_code, drainage_area_sqmi, altitude_ft, utc_offset, uses_dst
	    FROM master_stations ORDER BY 1" >out &&
	cat >expect <<-\EOT &&
	01646500|USGS|POTOMAC RIVER NEAR WASH, DC LITTLE FALLS PUMP STA|38.9497|VA|02070008|11560.0|37.2|-05:00|1
	08MF005|EC|FRASER RIVER AT HOPE|49.38|BC||||-08:00|0
	EOT
	test_cmp expect out
'

test_expect_success 'the same records again change nothing; a new name is an update' '
	sf-load -v stations 2>err && grep "0 inserted, 0 updated, 2 unchanged" err &&
	sed "s/FRASER RIVER AT HOPE/FRASER R AT HOPE/" stations | sf-load -v 2>err &&
	grep "0 inserted, 1 updated, 1 unchanged" err
'

test_expect_success 'the first data of a station create its row from master_stations' '
	printf "{\"kind\":\"obs\",\"config\":null,\"station\":\"01646500\",\"agency\":\"USGS\",\"type\":\"daily_mean\",\"observed_at\":\"2024-01-01\",\"discharge\":1,\"unit\":\"cfs\",\"quality_code\":\"P\"}\n" | sf-load &&
	sql "SELECT station_number, name, agency, latitude, longitude, timezone,
	    huc_code, state FROM stations" >out &&
	echo "01646500|POTOMAC RIVER NEAR WASH, DC LITTLE FALLS PUMP STA|USGS|38.9497|-77.1276|-05:00|02070008|VA" >expect &&
	test_cmp expect out
'

test_expect_success 'bad station records are rejected with reasons' '
	st X USGS n 91 0 VA 02 1 1 -05:00 true >bad &&
	st Y USGS n 0 0 VA 02 1 1 "EST5" true >>bad &&
	st Z USGS n 0 0 VA 02 1 1 -05:00 "\"yes\"" >>bad &&
	rc=0; sf-load bad 2>err || rc=$?;
	test "$rc" = 1 &&
	grep "bad:1: latitude .91.: not a number from -90 to 90" err &&
	grep "bad:2: utc_offset .EST5.: not an offset" err &&
	grep "bad:3: uses_dst .yes.: not true or false" err
'

test_expect_success 'a hostile station id is stored verbatim and harms nothing' '
	id="'"'"'; DROP TABLE stations;--" &&
	printf "{\"kind\":\"obs\",\"config\":\"x\\\"); DROP TABLE obs;--\",\"station\":\"%s\",\"agency\":\"USGS\",\"type\":\"daily_mean\",\"observed_at\":\"2024-01-01\",\"discharge\":1,\"unit\":\"cfs\",\"quality_code\":\"P\"}\n" "$id" >evil &&
	cat evil &&
	sf-load evil 2>err &&
	sql "SELECT station_number FROM stations ORDER BY id DESC LIMIT 1" >out &&
	printf "%s\n" "$id" >expect && test_cmp expect out &&
	test "$(sql "SELECT count(*) FROM obs")" = 2 &&
	test "$(sql "SELECT count(*) FROM sqlite_master WHERE name IN (\"stations\", \"obs\")")" = 2 &&
	printf "config,station,agency,type,observed_at,discharge,unit,quality_code\n,\"%s\",USGS,daily_mean,2024-01-02,2,cfs,P\n" "$id" | sf-load &&
	sql "SELECT s.station_number, count(*) FROM discharge_observations o
	    JOIN stations s ON s.id = o.station_id GROUP BY 1 ORDER BY 1" >out &&
	printf "%s|2\n01646500|1\n" "$id" >expect && test_cmp expect out
'

test_done
