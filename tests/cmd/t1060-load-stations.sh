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
	st 01000001 USGS n 91 0 VA 02 1 1 -05:00 true >bad &&
	st 01000002 USGS n 0 0 VA 02 1 1 "EST5" true >>bad &&
	st 01000003 USGS n 0 0 VA 02 1 1 -05:00 "\"yes\"" >>bad &&
	st 1646500 USGS n 0 0 VA 02 1 1 -05:00 true >>bad &&
	st 08MF005 USGS n 0 0 VA 02 1 1 -05:00 true >>bad &&
	rc=0; sf-load bad 2>err || rc=$?;
	test "$rc" = 1 &&
	grep "bad:1: latitude .91.: not a number from -90 to 90" err &&
	grep "bad:2: utc_offset .EST5.: not an offset" err &&
	grep "bad:3: uses_dst .yes.: not true or false" err &&
	grep "bad:4: station .1646500.: not a USGS station number" err &&
	grep "bad:5: station .08MF005. is an EC station, not USGS" err &&
	test "$(sql "SELECT count(*) FROM master_stations WHERE station_number = 1646500 OR agency = \"USGS\" AND station_number = \"08MF005\"")" = 0
'

test_expect_success 'a hostile station id is rejected at the door and harms nothing' '
	id="'"'"'; DROP TABLE stations;--" &&
	printf "{\"kind\":\"obs\",\"config\":\"x\\\"); DROP TABLE obs;--\",\"station\":\"%s\",\"agency\":\"USGS\",\"type\":\"daily_mean\",\"observed_at\":\"2024-01-01\",\"discharge\":1,\"unit\":\"cfs\",\"quality_code\":\"P\"}\n" "$id" >evil &&
	sql "SELECT count(*) FROM stations" >before &&
	rc=0; sf-load evil 2>err || rc=$?;
	test "$rc" = 1 &&
	grep "evil:1: station .*: not a USGS station number" err &&
	test "$(sql "SELECT count(*) FROM sqlite_master WHERE name IN (\"stations\", \"obs\")")" = 2 &&
	printf "config,station,agency,type,observed_at,discharge,unit,quality_code\n,\"%s\",USGS,daily_mean,2024-01-02,2,cfs,P\n" "$id" >evil.csv &&
	rc=0; sf-load evil.csv 2>err || rc=$?;
	test "$rc" = 1 &&
	grep "evil.csv:2: station .*: not a USGS station number" err &&
	sql "SELECT count(*) FROM stations" >after &&
	test_cmp before after
'

test_expect_success 'ids with line breaks or escapes, and a 5 MB id, are rejected' '
	cat >ids <<-\EOT &&
	{"kind":"obs","config":null,"station":"0164\n6500","agency":"USGS","type":"daily_mean","observed_at":"2024-01-01","discharge":1,"unit":"cfs","quality_code":"P"}
	{"kind":"obs","config":null,"station":"\u001b[2J","agency":"EC","type":"daily_mean","observed_at":"2024-01-01","discharge":1,"unit":"cms","quality_code":"P"}
	EOT
	{ printf "{\"kind\":\"obs\",\"config\":null,\"station\":\"" &&
	  head -c 5000000 /dev/zero | tr "\\0" 1 &&
	  printf "\",\"agency\":\"USGS\",\"type\":\"daily_mean\",\"observed_at\":\"2024-01-01\",\"discharge\":1,\"unit\":\"cfs\",\"quality_code\":\"P\"}\n"; } >>ids &&
	cat >>ids <<-\EOT &&
	{"kind":"obs","config":null,"station":"01646599","agency":"USGS","type":"daily_mean","observed_at":"2024-01-01","discharge":1,"unit":"cfs","quality_code":"P"}
	EOT
	sql "SELECT count(*) FROM stations" >before &&
	rc=0; sf-load -v ids 2>err || rc=$?;
	test "$rc" = 1 &&
	test "$(wc -c <err)" -lt 2000 &&
	grep "ids:1: station .0164?6500.: not a USGS station number" err &&
	grep "ids:2: station .?\[2J.: not an EC station id" err &&
	grep "ids:3: line longer than 1048576 bytes" err &&
	grep "1 inserted, 0 updated, 0 unchanged, 3 rejected" err &&
	test "$(sql "SELECT count(*) FROM stations")" = $(($(cat before) + 1))
'

test_done
