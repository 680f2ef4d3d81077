#!/bin/sh
test_description='sf-fetch-usgs --stations: the catalog, into sf-load and sf-stations'
. "$(dirname "$0")/test-lib.sh"
. "$SF_TOP/tests/server/lib.sh"

D=$TEST_DATA/usgs
ML='$FIXTURES/usgs/waterdata/monitoring_locations_10features_with_next_cursor_2025_etl_project_02.json'
EMPTY='$FIXTURES/usgs/waterdata/daily_items_EMPTY_2024-04_basin3d.json'
cat >routes <<EOF
GET /collections/monitoring-locations/items state_code=01 -> 200 '$D/locations_al.json'
GET /collections/monitoring-locations/items cursor -> 200 '$EMPTY'
GET /collections/monitoring-locations/items state_code=09 -> 200 '$ML' rewrite=https://api.waterdata.usgs.gov/ogcapi/v0
GET /collections/monitoring-locations/items -> 500
EOF
start_server routes || exit 1
SF_USGS_URL=$SERVER_URL
export SF_USGS_URL

cat >expect <<-\EOF
{"kind":"station","station":"02423500","agency":"USGS","name":"CAHABA RIVER NEAR ACTON AL","latitude":33.36,"longitude":-86.81,"state":"AL","huc_code":"031502020302","drainage_area_sqmi":228,"altitude_ft":420.5,"utc_offset":"-06:00","uses_dst":true}
{"kind":"station","station":"02424000","agency":"USGS","name":"CAHABA RIVER AT CENTREVILLE AL","latitude":32.94,"longitude":-87.13,"state":"AL","huc_code":"031502020703","drainage_area_sqmi":1027,"altitude_ft":null,"utc_offset":"-06:00","uses_dst":true}
EOF

test_expect_success '--state AL: the state FIPS code, site type ST' '
	: >"$SERVER_LOG" &&
	sf-fetch-usgs --stations --state AL >out &&
	test_cmp expect out &&
	server_requests >got &&
	echo "GET /collections/monitoring-locations/items?agency_code=USGS&state_code=01&site_type_code=ST&limit=10000&f=json" >want &&
	test_cmp want got
'

test_expect_success '--huc and --site-type go into the query' '
	: >"$SERVER_LOG" &&
	sf-fetch-usgs --stations --state al --huc 03150202 --site-type ST-CA >out &&
	server_param hydrologic_unit_code >got && echo 03150202 >want &&
	test_cmp want got &&
	server_param site_type_code >got && echo ST-CA >want &&
	test_cmp want got
'

test_expect_success 'the stations load, and sf-stations finds them' '
	sf-fetch-usgs --stations --state AL | sf-load &&
	sf-stations --state AL >found &&
	grep -c "\"station\":\"0242[34][05]00\"" found >n && echo 2 >want &&
	test_cmp want n &&
	sf-stations --id 02423500 | grep "CAHABA RIVER NEAR ACTON AL"
'

test_expect_success 'next links are followed; other agencies are left out' '
	: >"$SERVER_LOG" &&
	sf-fetch-usgs --stations --state CT >out &&
	test_must_be_empty out &&
	server_requests | sed "s/?.*//" | uniq -c | sed "s/^ *//" >got &&
	echo "2 GET /collections/monitoring-locations/items" >want &&
	test_cmp want got &&
	server_param cursor | tail -n 1 >got && echo QUwwMTItOTAxMDAzMDAwMDY >want &&
	test_cmp want got
'

test_expect_success 'a failed catalog request: exit 1, a message' '
	sf-fetch-usgs --backoff 1 --stations --state TX >out 2>err
	test $? = 1 && test_must_be_empty out &&
	grep "^sf-fetch-usgs: GET .*HTTP 500 after 5 attempts" err
'

test_expect_success 'usage: --state must be a state, and goes with --stations' '
	sf-fetch-usgs --stations --state XX; test $? = 2 &&
	sf-fetch-usgs --state AL -s 01646500 --start 2024-01-01; test $? = 2 &&
	sf-fetch-usgs --stations -s 01646500; test $? = 2
'

test_done
