#!/bin/sh
# engines: sqlite postgresql
test_description='sf-stations | sf-config stations NAME add -: the issue example'
. "$(dirname "$0")/test-lib.sh"

# A few gauges of the USGS catalog (Virginia and Maryland, Mid-Atlantic
# region 02 and Ohio region 05) and one of the Water Survey of Canada.
cat >stations.ndjson <<-\EOF
{"kind":"station","station":"01646500","agency":"USGS","name":"POTOMAC RIVER NEAR WASH, DC LITTLE FALLS PUMP STA","latitude":38.94977778,"longitude":-77.12763889,"state":"MD","huc_code":"02070008","drainage_area_sqmi":11560,"altitude_ft":37.2,"utc_offset":"-05:00","uses_dst":true}
{"kind":"station","station":"01646000","agency":"USGS","name":"DIFFICULT RUN NEAR GREAT FALLS, VA","latitude":38.97594444,"longitude":-77.24605556,"state":"VA","huc_code":"02070008","drainage_area_sqmi":57.82,"altitude_ft":190,"utc_offset":"-05:00","uses_dst":true}
{"kind":"station","station":"01631000","agency":"USGS","name":"S F SHENANDOAH RIVER AT FRONT ROYAL, VA","latitude":38.91400694,"longitude":-78.21083333,"state":"VA","huc_code":"02070005","drainage_area_sqmi":1642,"altitude_ft":470.99,"utc_offset":"-05:00","uses_dst":true}
{"kind":"station","station":"02035000","agency":"USGS","name":"JAMES RIVER AT CARTERSVILLE, VA","latitude":37.67097222,"longitude":-78.08605556,"state":"VA","huc_code":"02080205","drainage_area_sqmi":6252,"altitude_ft":164.31,"utc_offset":"-05:00","uses_dst":true}
{"kind":"station","station":"03171000","agency":"USGS","name":"NEW RIVER AT RADFORD, VA","latitude":37.14179167,"longitude":-80.569,"state":"VA","huc_code":"05050001","drainage_area_sqmi":2748,"altitude_ft":1711.4,"utc_offset":"-05:00","uses_dst":true}
{"kind":"station","station":"08MF005","agency":"EC","name":"FRASER RIVER AT HOPE","latitude":49.38,"longitude":-121.45,"state":"BC","huc_code":null,"drainage_area_sqmi":null,"altitude_ft":null,"utc_offset":"-08:00","uses_dst":null}
EOF

# members NAME: the stations of configuration NAME, as the database has them
members() {
	sql "SELECT s.station_number, s.station_name, s.huc_code, s.state
	    FROM pull_configuration_stations s
	    JOIN pull_configurations c ON c.id = s.config_id
	    WHERE c.name = '$1' ORDER BY 1"
}

cat >expect.va02 <<-\EOF
01631000|S F SHENANDOAH RIVER AT FRONT ROYAL, VA|02070005|VA
01646000|DIFFICULT RUN NEAR GREAT FALLS, VA|02070008|VA
02035000|JAMES RIVER AT CARTERSVILLE, VA|02080205|VA
EOF

test_expect_success 'setup: the station list and two configurations' '
	sf-load --strict stations.ndjson &&
	sf-config add potomac --type daily_mean --agency USGS \
	    --start 1900-01-01 --schedule "0 6 * * *" &&
	sf-config add potomac-csv --type daily_mean --agency USGS \
	    --start 1900-01-01 --schedule 1d
'

test_expect_success 'sf-stations --state VA --huc 02 | sf-config stations potomac add -' '
	sf-stations --state VA --huc 02 | sf-config stations potomac add - &&
	members potomac >out &&
	test_cmp expect.va02 out
'

test_expect_success 'the same pipeline with CSV' '
	sf-stations -f csv --state VA --huc 02 |
	    sf-config stations potomac-csv add - &&
	members potomac-csv >out &&
	test_cmp expect.va02 out
'

test_expect_success 'running the pipeline again changes nothing' '
	sf-stations --state VA --huc 02 | sf-config stations potomac add - &&
	members potomac >out &&
	test_cmp expect.va02 out
'

test_expect_success 'a wider search adds the new stations' '
	sf-stations --state VA --state MD --huc 0207 |
	    sf-config stations potomac add - &&
	members potomac >out &&
	{
		cat expect.va02 &&
		echo "01646500|POTOMAC RIVER NEAR WASH, DC LITTLE FALLS PUMP STA|02070008|MD"
	} | sort >expect &&
	test_cmp expect out
'

test_expect_success 'a Canadian search feeds an EC configuration' '
	sf-config add fraser --type realtime_15min --agency EC \
	    --start 2024-01-01 --schedule 15m &&
	sf-stations --agency ec --state bc | sf-config stations fraser add - &&
	members fraser >out &&
	echo "08MF005|FRASER RIVER AT HOPE||BC" >expect &&
	test_cmp expect out
'

test_done
