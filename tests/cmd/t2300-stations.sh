#!/bin/sh
test_description='sf-stations: filters, output, round trip, usage errors'
. "$(dirname "$0")/test-lib.sh"

# The station list: real catalog entries from the fixtures, turned into
# station records the way a fetcher would (USGS monitoring-locations pages:
# the 10 Alabama sites, whose state_code is the FIPS "01", and the two
# Connecticut wells of the dataretrieval sample; the four stations of the
# Datamart station list), and a few Virginia and Maryland gauges written
# here, one of them with % and _ in its name.
python3 - "$FIXTURES" >stations.ndjson <<-\EOF || exit 1
	import csv, json, sys
	fx = sys.argv[1]
	offs = {"EST": "-05:00", "CST": "-06:00"}
	def out(r):
	    print(json.dumps(dict([("kind", "station")] + r), separators=(",", ":")))
	def usgs(f):
	    p = f["properties"]
	    g = f.get("geometry") or {"coordinates": [None, None]}
	    out([("station", p["monitoring_location_number"]), ("agency", "USGS"),
	        ("name", p["monitoring_location_name"]),
	        ("latitude", g["coordinates"][1]), ("longitude", g["coordinates"][0]),
	        ("state", p["state_code"]), ("huc_code", p["hydrologic_unit_code"]),
	        ("drainage_area_sqmi", p["drainage_area"]), ("altitude_ft", p["altitude"]),
	        ("utc_offset", offs[p["time_zone_abbreviation"]]),
	        ("uses_dst", {"Y": True, "N": False}[p["uses_daylight_savings"]])])
	d = fx + "/usgs/waterdata/"
	for f in json.load(open(d + "monitoring_locations_10features_with_next_cursor_2025_etl_project_02.json"))["features"]:
	    usgs(f)
	for f in json.load(open(d + "multi_collection_fixtures_TRIMMED_dataretrieval.json"))["monitoring-locations"]["features"]:
	    usgs(f)
	with open(fx + "/ec/datamart/hydrometric_StationList.csv", encoding="utf-8-sig") as fp:
	    rows = list(csv.reader(fp))
	for r in rows[1:]:
	    out([("station", r[0]), ("agency", "EC"), ("name", r[1]),
	        ("latitude", float(r[2])), ("longitude", float(r[3])), ("state", r[4]),
	        ("huc_code", None), ("drainage_area_sqmi", None), ("altitude_ft", None),
	        ("utc_offset", r[5][3:]), ("uses_dst", None)])
EOF
cat >>stations.ndjson <<-\EOF
{"kind":"station","station":"01646500","agency":"USGS","name":"POTOMAC RIVER NEAR WASH, DC LITTLE FALLS PUMP STA","latitude":38.94977778,"longitude":-77.12763889,"state":"MD","huc_code":"02070008","drainage_area_sqmi":11560,"altitude_ft":37.2,"utc_offset":"-05:00","uses_dst":true}
{"kind":"station","station":"01646000","agency":"USGS","name":"DIFFICULT RUN NEAR GREAT FALLS, VA","latitude":38.97594444,"longitude":-77.24605556,"state":"VA","huc_code":"02070008","drainage_area_sqmi":57.82,"altitude_ft":190,"utc_offset":"-05:00","uses_dst":true}
{"kind":"station","station":"01631000","agency":"USGS","name":"S F SHENANDOAH RIVER AT FRONT ROYAL, VA","latitude":38.91400694,"longitude":-78.21083333,"state":"VA","huc_code":"02070005","drainage_area_sqmi":1642,"altitude_ft":470.99,"utc_offset":"-05:00","uses_dst":true}
{"kind":"station","station":"02035000","agency":"USGS","name":"JAMES RIVER AT CARTERSVILLE, VA","latitude":37.67097222,"longitude":-78.08605556,"state":"VA","huc_code":"02080205","drainage_area_sqmi":6252,"altitude_ft":164.31,"utc_offset":"-05:00","uses_dst":true}
{"kind":"station","station":"03171000","agency":"USGS","name":"NEW RIVER AT RADFORD, VA","latitude":37.14179167,"longitude":-80.56900000,"state":"VA","huc_code":"05050001","drainage_area_sqmi":2748,"altitude_ft":1711.4,"utc_offset":"-05:00","uses_dst":true}
{"kind":"station","station":"01670400","agency":"USGS","name":"LAKE ANNA DAM 50% SPILL_GATE NR MINERAL, VA","latitude":38.0125,"longitude":-77.7133,"state":"va","huc_code":"02080106","drainage_area_sqmi":343,"altitude_ft":null,"utc_offset":"-05:00","uses_dst":null}
EOF

# ids ARGS...: the station numbers sf-stations ARGS writes, one a line
ids() {
	sf-stations "$@" >ids.out || return 1
	sed 's/^{"kind":"station","station":"\([^"]*\)",.*/\1/' ids.out
}

# expect_ids "ARGS" ID...: sf-stations ARGS writes exactly those stations
expect_ids() {
	args=$1; shift
	if [ $# -eq 0 ]; then : >expect; else printf '%s\n' "$@" >expect; fi &&
	ids $args >out &&
	test_cmp expect out
}

test_expect_success 'the station records load' '
	test "$(wc -l <stations.ndjson)" -eq 22 &&
	sf-load --strict stations.ndjson &&
	test "$(sql "SELECT count(*) FROM master_stations")" = 22
'

test_expect_success 'no filter: every station, sorted by station number' '
	ids >out &&
	sed "s/^{\"kind\":\"station\",\"station\":\"\([^\"]*\)\",.*/\1/" \
	    stations.ndjson | sort >expect &&
	test_cmp expect out &&
	test "$(sed -n 1p out)" = 01631000 &&
	test "$(sed -n 22p out)" = 90100300006
'

test_expect_success '--state: exact, whatever the case' '
	expect_ids "--state VA" 01631000 01646000 01670400 02035000 03171000 &&
	expect_ids "--state va" 01631000 01646000 01670400 02035000 03171000 &&
	expect_ids "--state md" 01646500 &&
	expect_ids "--state nl" 02YA002 02YC001 &&
	expect_ids "--state 09" 410252073314801 410257073251001 &&
	expect_ids "--state V" &&
	expect_ids "--state VAX"
'

test_expect_success '--state: the Alabama FIPS code of the USGS catalog' '
	ids --state 01 >out &&
	test "$(wc -l <out)" -eq 10 &&
	! grep -v "^9010" out
'

test_expect_success '--huc: a prefix of any length; no code never matches' '
	expect_ids "--huc 02" 01631000 01646000 01646500 01670400 02035000 \
	    410257073251001 &&
	expect_ids "--huc 0207" 01631000 01646000 01646500 &&
	expect_ids "--huc 02070008" 01646000 01646500 &&
	expect_ids "--huc 020700080" &&
	expect_ids "--huc 0" 01631000 01646000 01646500 01670400 02035000 \
	    03171000 410252073314801 410257073251001 &&
	expect_ids "--huc 011000060404" 410252073314801 &&
	expect_ids "--huc 05" 03171000 &&
	expect_ids "--huc 2"
'

test_expect_success '--name: a substring, whatever the case' '
	expect_ids "--name Autauga" 90100100001 90100100002 90100100006 &&
	expect_ids "--name aUTAUGA" 90100100001 90100100002 90100100006 &&
	expect_ids "--name difficult" 01646000 &&
	expect_ids "--name RIVER" 01631000 01646500 01AD003 02035000 02YA002 \
	    02YC001 03171000 08GA043 &&
	ids --name "Water System" >out && test "$(wc -l <out)" -eq 3 &&
	expect_ids "--name riverr"
'

test_expect_success '--name: a space, a comma and a quote are plain text' '
	ids --name "CT-STM    2" >out && echo 410252073314801 >expect &&
	test_cmp expect out &&
	ids --name "WASH, DC" >out && echo 01646500 >expect &&
	test_cmp expect out &&
	ids --name "bristol'"'"'s" >out && echo 02YC001 >expect &&
	test_cmp expect out
'

test_expect_success '--name: % and _ are not wildcards' '
	expect_ids "--name %" 01670400 &&
	expect_ids "--name _" 01670400 &&
	expect_ids "--name 50%" 01670400 &&
	expect_ids "--name spill_gate" 01670400 &&
	expect_ids "--name DAM%GATE" &&
	expect_ids "--name SPILL-GATE" &&
	expect_ids "--name R_VER" &&
	expect_ids "--name \\" &&
	ids --name "50% SPILL_" >out && echo 01670400 >expect &&
	test_cmp expect out
'

test_expect_success '-s/--station: exact, --id its old name' '
	expect_ids "-s 08GA043" 08GA043 &&
	expect_ids "--station 01646500 -s 08GA043" 01646500 08GA043 &&
	expect_ids "--id 08GA043" 08GA043 &&
	expect_ids "--id 08ga043" &&
	expect_ids "--id 8GA043" &&
	expect_ids "--id 0164" &&
	expect_ids "--id 410257073251001" 410257073251001
'

test_expect_success '--agency: USGS or EC, whatever the case' '
	expect_ids "--agency EC" 01AD003 02YA002 02YC001 08GA043 &&
	expect_ids "--agency ec" 01AD003 02YA002 02YC001 08GA043 &&
	ids --agency USGS >out && test "$(wc -l <out)" -eq 18 &&
	! grep "^0[128][A-Z]" out
'

test_expect_success 'different filters must all match' '
	expect_ids "--state VA --huc 02" 01631000 01646000 01670400 02035000 &&
	expect_ids "--state VA --huc 02 --name james" 02035000 &&
	expect_ids "--state VA --huc 02 --name james --agency EC" &&
	expect_ids "--agency EC --state nl" 02YA002 02YC001 &&
	expect_ids "--agency EC --name river --state NB" 01AD003 &&
	expect_ids "--id 01646500 --huc 0207" 01646500 &&
	expect_ids "--id 01646500 --state VA" &&
	expect_ids "--name autauga --state 01 --agency USGS" 90100100001 \
	    90100100002 90100100006
'

test_expect_success 'the values of one filter are alternatives' '
	expect_ids "--id 08GA043 --id 01646500 --id nosuch" 01646500 08GA043 &&
	expect_ids "--state VA --state md --huc 0207" 01631000 01646000 01646500 &&
	expect_ids "--huc 05 --huc 01" 03171000 410252073314801 &&
	expect_ids "--name james --name new" 02035000 03171000 &&
	expect_ids "--agency EC --agency USGS --id 02YC001" 02YC001
'

test_expect_success 'a value is data, never SQL' '
	expect_ids "--state VA'"'"'_OR_1=1_--" &&
	expect_ids "--id 1_OR_1=1" &&
	ids --name "'"'"') OR 1=1 --" >out && test_must_be_empty out &&
	test "$(sql "SELECT count(*) FROM master_stations")" = 22
'

test_expect_success 'NDJSON output: numbers as numbers, true/false/null' '
	sf-stations --id 02YC001 --id 410252073314801 --id 01670400 \
	    --id 90100100001 --id 01646500 >out &&
	cat >expect <<-\EOT &&
	{"kind":"station","station":"01646500","agency":"USGS","name":"POTOMAC RIVER NEAR WASH, DC LITTLE FALLS PUMP STA","latitude":38.94977778,"longitude":-77.12763889,"state":"MD","huc_code":"02070008","drainage_area_sqmi":11560,"altitude_ft":37.2,"utc_offset":"-05:00","uses_dst":true}
	{"kind":"station","station":"01670400","agency":"USGS","name":"LAKE ANNA DAM 50% SPILL_GATE NR MINERAL, VA","latitude":38.0125,"longitude":-77.7133,"state":"va","huc_code":"02080106","drainage_area_sqmi":343,"altitude_ft":null,"utc_offset":"-05:00","uses_dst":null}
	{"kind":"station","station":"02YC001","agency":"EC","name":"TORRENT RIVER AT BRISTOL'"'"'S POOL","latitude":50.60747,"longitude":-57.15161,"state":"NL","huc_code":null,"drainage_area_sqmi":null,"altitude_ft":null,"utc_offset":"-03:30","uses_dst":null}
	{"kind":"station","station":"410252073314801","agency":"USGS","name":"CT-STM    2","latitude":41.04777271320483,"longitude":-73.52955169969904,"state":"09","huc_code":"011000060404","drainage_area_sqmi":null,"altitude_ft":9,"utc_offset":"-05:00","uses_dst":false}
	{"kind":"station","station":"90100100001","agency":"USGS","name":"Autauga County Water Authority","latitude":null,"longitude":null,"state":"01","huc_code":null,"drainage_area_sqmi":null,"altitude_ft":null,"utc_offset":"-06:00","uses_dst":true}
	EOT
	test_cmp expect out
'

test_expect_success 'CSV output: a header and the rows, exactly' '
	sf-stations -f csv --id 02YC001 --id 410252073314801 --id 01670400 \
	    --id 01646500 >out &&
	cat >expect <<-\EOT &&
	station,agency,name,latitude,longitude,state,huc_code,drainage_area_sqmi,altitude_ft,utc_offset,uses_dst
	01646500,USGS,"POTOMAC RIVER NEAR WASH, DC LITTLE FALLS PUMP STA",38.94977778,-77.12763889,MD,02070008,11560,37.2,-05:00,true
	01670400,USGS,"LAKE ANNA DAM 50% SPILL_GATE NR MINERAL, VA",38.0125,-77.7133,va,02080106,343,,-05:00,
	02YC001,EC,TORRENT RIVER AT BRISTOL'"'"'S POOL,50.60747,-57.15161,NL,,,,-03:30,
	410252073314801,USGS,CT-STM    2,41.04777271320483,-73.52955169969904,09,011000060404,,9,-05:00,false
	EOT
	test_cmp expect out &&
	sf-stations --format=csv --state va --huc 02 --name difficult >out &&
	cat >expect <<-\EOT &&
	station,agency,name,latitude,longitude,state,huc_code,drainage_area_sqmi,altitude_ft,utc_offset,uses_dst
	01646000,USGS,"DIFFICULT RUN NEAR GREAT FALLS, VA",38.97594444,-77.24605556,VA,02070008,57.82,190,-05:00,true
	EOT
	test_cmp expect out
'

test_expect_success 'CSV and NDJSON carry the same stations' '
	sf-stations -f ndjson --huc 02 >a.ndjson &&
	sf-stations -f csv --huc 02 >a.csv &&
	test "$(sed 1d a.csv | cut -d, -f1)" = "$(ids --huc 02)" &&
	test "$(wc -l <a.csv)" -eq 7
'

test_expect_success 'the output loads back and changes nothing' '
	sql "SELECT * FROM master_stations ORDER BY id" >before &&
	sf-stations >all.ndjson &&
	sf-load -v all.ndjson 2>err &&
	grep "0 inserted, 0 updated, 22 unchanged, 0 rejected" err &&
	sf-stations -f csv | sf-load -v 2>err &&
	grep "0 inserted, 0 updated, 22 unchanged, 0 rejected" err &&
	sql "SELECT * FROM master_stations ORDER BY id" >after &&
	test_cmp before after
'

test_expect_success 'loaded into a new database, the output comes out the same' '
	sf-stations -f csv >all.csv &&
	sf-load --db new.db --strict all.csv &&
	sf-stations --db new.db >again.ndjson &&
	test_cmp all.ndjson again.ndjson &&
	sql "SELECT station_number, station_name, latitude, longitude,
	    state_code, huc_code, altitude_ft, drainage_area_sqmi, agency,
	    utc_offset, uses_dst FROM master_stations ORDER BY 1" >a &&
	sqlite3 new.db "SELECT station_number, station_name, latitude,
	    longitude, state_code, huc_code, altitude_ft, drainage_area_sqmi,
	    agency, utc_offset, uses_dst FROM master_stations ORDER BY 1" >b &&
	test_cmp a b
'

test_expect_success 'the empty string and null stay apart' '
	printf "station,agency,name,state,huc_code\n99000001,USGS,X,\"\",\n" |
	    sf-load --db empty.db &&
	sf-stations --db empty.db >out &&
	echo "{\"kind\":\"station\",\"station\":\"99000001\",\"agency\":\"USGS\",\"name\":\"X\",\"latitude\":null,\"longitude\":null,\"state\":\"\",\"huc_code\":null,\"drainage_area_sqmi\":null,\"altitude_ft\":null,\"utc_offset\":null,\"uses_dst\":null}" >expect &&
	test_cmp expect out &&
	sf-stations --db empty.db -f csv | sf-load --db empty.db -v 2>err &&
	grep "0 inserted, 0 updated, 1 unchanged" err
'

test_expect_success 'no match: no output, exit 0' '
	sf-stations --state ZZ >out 2>err &&
	test_must_be_empty out && test_must_be_empty err &&
	sf-stations --state ZZ -f csv >out 2>err &&
	test_must_be_empty out && test_must_be_empty err &&
	sf-stations --state ZZ -v >out 2>err &&
	test_must_be_empty out &&
	echo "sf-stations: 0 stations" >expect && test_cmp expect err &&
	sf-stations --state nl -v >out 2>err &&
	echo "sf-stations: 2 stations" >expect && test_cmp expect err
'

test_expect_success 'an empty database has no station' '
	sf-load --db fresh.db </dev/null &&
	sf-stations --db fresh.db >out 2>err &&
	test_must_be_empty out && test_must_be_empty err
'

test_expect_code 1 'a missing database is an error, and is not created' '
	sf-stations --db nosuch.db >out 2>err; rc=$?;
	test_must_be_empty out &&
	grep "^sf-stations: database .*nosuch.db.: cannot open" err &&
	test ! -e nosuch.db &&
	exit $rc
'

test_expect_success 'SF_DB names the database; --db wins' '
	SF_DB=$TRASH/new.db sf-stations --id 08GA043 >out &&
	test "$(wc -l <out)" -eq 1 &&
	SF_DB=$TRASH/nosuch.db sf-stations --db "$TRASH/sf.db" --id 08GA043 >out &&
	test "$(wc -l <out)" -eq 1
'

# bad_usage ARGS...: sf-stations ARGS exits 2, writes nothing to stdout,
# and says why and how to get help
bad_usage() {
	sf-stations "$@" >out 2>err
	rc=$?
	cat err
	test "$rc" -eq 2 && test_must_be_empty out &&
	grep "^sf-stations: try .sf-stations --help." err
}

test_expect_success 'bad --huc is a usage error' '
	bad_usage --huc 0x && grep "huc .0x.: not a hydrologic unit code" err &&
	bad_usage --huc "" &&
	bad_usage --huc -2 &&
	bad_usage --huc " 02" &&
	bad_usage --huc "02*" &&
	bad_usage --huc "0%" &&
	bad_usage --huc
'

test_expect_success 'bad --agency, --format or an empty value is a usage error' '
	bad_usage --agency NOAA-HADS && grep "agency .NOAA-HADS.: not USGS or EC" err &&
	bad_usage --agency "" &&
	bad_usage -f xml && grep "format .xml.: unknown" err &&
	bad_usage --format json &&
	bad_usage --state "" && grep "^sf-stations: --state: empty value" err &&
	bad_usage --name "" &&
	bad_usage --id ""
'

test_expect_success 'unknown options and arguments are usage errors' '
	bad_usage --site 01646500 &&
	bad_usage 01646500 && grep "unexpected argument .01646500." err &&
	bad_usage --state VA extra &&
	bad_usage -x
'

test_expect_success 'a usage error does not touch the database' '
	bad_usage --db untouched.db --huc x &&
	test ! -e untouched.db
'

test_expect_success '--help and --version' '
	sf-stations --help >out &&
	grep "^usage: sf-stations " out &&
	sf-stations -h >out2 && test_cmp out out2 &&
	sf-stations --version >out &&
	grep "^sf-stations [0-9]" out
'

test_expect_code 1 'a stored row that is no station record is named; the rest go on' '
	cp sf.db bad.db &&
	sqlite3 bad.db "UPDATE master_stations SET uses_dst = '"'"'Y'"'"' WHERE station_number = '"'"'01646000'"'"';
	    UPDATE master_stations SET latitude = '"'"'north'"'"' WHERE station_number = '"'"'02035000'"'"'" &&
	sf-stations --db bad.db --state VA >out 2>err; rc=$?;
	cat err &&
	grep "^sf-stations: station .01646000.: uses_dst .Y.: not 0 or 1" err &&
	grep "^sf-stations: station .02035000.: .*north" err &&
	test "$(wc -l <err)" -eq 2 &&
	ids --db bad.db --state VA --id 01631000 --id 01670400 --id 03171000 >expect 2>/dev/null &&
	sed "s/^{\"kind\":\"station\",\"station\":\"\([^\"]*\)\",.*/\1/" out >got &&
	test_cmp expect got &&
	exit $rc
'

test_done
