#!/bin/sh
test_description='sf-fetch-usgs: daily means, batching, pages, the API key'
. "$(dirname "$0")/test-lib.sh"
. "$(dirname "$0")/lib-nodone.sh"
hide_done sf-fetch-usgs
. "$SF_TOP/tests/server/lib.sh"

D=$TEST_DATA/usgs
cat >routes <<EOF
GET /collections/daily/items cursor=back -> 200 text='{"type":"FeatureCollection","features":[{"type":"Feature","id":"x","geometry":null,"properties":{"approval_status":"Approved","monitoring_location_id":"USGS-05427718","parameter_code":"00060","qualifier":null,"statistic_id":"00003","time":"2025-12-26","unit_of_measure":"ft^3/s","value":"7"}}],"numberReturned":1,"links":[]}' type=application/json
GET /collections/daily/items monitoring_location_id=USGS-05427718 -> 200 text='{"type":"FeatureCollection","features":[{"type":"Feature","id":"y","geometry":null,"properties":{"approval_status":"Approved","monitoring_location_id":"USGS-05427718","parameter_code":"00060","qualifier":null,"statistic_id":"00003","time":"2025-12-27","unit_of_measure":"ft^3/s","value":"8"}}],"numberReturned":1,"links":[{"rel":"next","href":"@BASE_URL@/collections/daily/items?cursor=back"}]}' type=application/json
GET /collections/daily/items cursor=2 -> 200 '$D/daily_page2.json'
GET /collections/daily/items monitoring_location_id=USGS-01646500,USGS-05427718 -> 200 '$D/daily_page1.json'
GET /collections/daily/items -> 200 '\$FIXTURES/usgs/waterdata/daily_items_EMPTY_2024-04_basin3d.json'
GET /collections/continuous/items monitoring_location_id=USGS-06904500 time~/2025-03 -> 200 '$D/continuous_2025.json'
GET /collections/continuous/items -> 200 '\$FIXTURES/usgs/waterdata/daily_items_EMPTY_2024-04_basin3d.json'
EOF
start_server routes || exit 1
SF_USGS_URL=$SERVER_URL
API_USGS_PAT=pat-Zq9-secret
export SF_USGS_URL API_USGS_PAT

cat >expect <<-\EOF
{"kind":"obs","config":"potomac","station":"01646500","agency":"USGS","type":"daily_mean","observed_at":"2025-12-26T00:00:00Z","discharge":12300,"unit":"cfs","quality_code":"A"}
{"kind":"obs","config":"potomac","station":"01646500","agency":"USGS","type":"daily_mean","observed_at":"2025-12-27T00:00:00Z","discharge":11800.5,"unit":"cfs","quality_code":"P:ESTIMATED"}
{"kind":"obs","config":"potomac","station":"05427718","agency":"USGS","type":"daily_mean","observed_at":"2025-12-26T00:00:00Z","discharge":20.2,"unit":"cfs","quality_code":"P"}
{"kind":"obs","config":"potomac","station":"05427718","agency":"USGS","type":"daily_mean","observed_at":"2025-12-27T00:00:00Z","discharge":null,"unit":"cfs","quality_code":"P:ICE"}
{"kind":"obs","config":"potomac","station":"01646500","agency":"USGS","type":"daily_mean","observed_at":"2025-12-28T00:00:00Z","discharge":11000,"unit":"cfs","quality_code":"A"}
{"kind":"obs","config":"potomac","station":"05427718","agency":"USGS","type":"daily_mean","observed_at":"2025-12-28T00:00:00Z","discharge":21,"unit":"cfs","quality_code":"A"}
EOF

# ascending STATION FILE: the station's rows come in ascending time
ascending() {
	grep "\"station\":\"$1\"" "$2" |
	sed 's/.*"observed_at":"\([^"]*\)".*/\1/' >asc.got &&
	sort -u asc.got >asc.want && test -s asc.got &&
	test_cmp asc.want asc.got
}

# exits CODE CMD...: CMD exits with CODE
exits() {
	want=$1
	shift
	"$@"
	test $? = "$want"
}

# requests N CONFIG START END: N daily requests, stations 01000000 on
requests() {
	awk -v n="$1" -v c="$2" -v s="$3" -v e="$4" 'BEGIN {
		for (i = 0; i < n; i++)
			printf "{\"kind\":\"request\",\"config\":\"%s\"," \
			    "\"station\":\"%08d\",\"agency\":\"USGS\"," \
			    "\"type\":\"daily_mean\",\"start\":\"%s\"," \
			    "\"end\":\"%s\",\"target_id\":null}\n",
			    c, 1000000 + i, s, e
	}'
}

test_expect_success 'two stations: one request, both pages, each ascending' '
	: >"$SERVER_LOG" &&
	sf-fetch-usgs --config potomac -s 05427718 -s 01646500 \
	    --start 2025-12-26 --end 2025-12-28 >out 2>err &&
	test_cmp expect out &&
	test_must_be_empty err &&
	ascending 01646500 out && ascending 05427718 out &&
	server_requests >reqs &&
	cat >expect.reqs <<-\EOF &&
	GET /collections/daily/items?monitoring_location_id=USGS-01646500%2CUSGS-05427718&parameter_code=00060&statistic_id=00003&time=2025-12-26%2F2025-12-28&sortby=time&limit=50000&skipGeometry=true&f=json
	GET /collections/daily/items?cursor=2&f=json&limit=50000
	EOF
	test_cmp expect.reqs reqs
'

test_expect_success 'the API key goes in X-Api-Key, and nowhere else' '
	server_header X-Api-Key >keys &&
	printf "%s\n" pat-Zq9-secret pat-Zq9-secret >expect.keys &&
	test_cmp expect.keys keys &&
	! grep pat-Zq9 out err &&
	sf-fetch-usgs -v --config potomac -s 05427718 -s 01646500 \
	    --start 2025-12-26 --end 2025-12-28 >out.v 2>err.v &&
	test -s err.v && ! grep pat-Zq9 out.v err.v
'

test_expect_success 'without API_USGS_PAT no key is sent' '
	: >"$SERVER_LOG" &&
	API_USGS_PAT= sf-fetch-usgs -s 01646500 --start 2024-04-01 \
	    --end 2024-04-10 >out &&
	echo >want && server_header X-Api-Key >got && test_cmp want got
'

test_expect_success 'requests from stdin, the same answer; another agency passes through' '
	: >"$SERVER_LOG" &&
	cat >req <<-\EOF &&
	{"kind":"request","config":"potomac","station":"05427718","agency":"USGS","type":"daily_mean","source":null,"start":"2025-12-26T00:00:00Z","end":"2025-12-28","modified_since":null,"target_id":null}
	{"kind":"request","config":"potomac","station":"01646500","agency":"USGS","type":"daily_mean","source":null,"start":"2025-12-26","end":"2025-12-28","modified_since":null,"target_id":null}
	{"kind":"request","config":"potomac","station":"08MF005","agency":"EC","type":"daily_mean","source":null,"start":"2025-12-26","end":"2025-12-28","modified_since":null,"target_id":null}
	EOF
	sf-fetch-usgs <req >out &&
	sed -n 3p req >expect.pass && head -n 1 out >got.pass &&
	test_cmp expect.pass got.pass &&
	sed 1d out >got &&
	test_cmp expect got &&
	test "$(server_requests | wc -l)" = 2
'

test_expect_success 'CSV output' '
	sf-fetch-usgs -f csv --config potomac -s 05427718 -s 01646500 \
	    --start 2025-12-26 --end 2025-12-28 >out.csv &&
	head -n 2 out.csv >got &&
	cat >want <<-\EOF &&
	config,station,agency,type,observed_at,discharge,unit,quality_code
	potomac,01646500,USGS,daily_mean,2025-12-26T00:00:00Z,12300,cfs,A
	EOF
	test_cmp want got && test "$(wc -l <out.csv)" = 7
'

test_expect_success 'the output loads with sf-load' '
	sf-fetch-usgs --config potomac -s 05427718 -s 01646500 \
	    --start 2025-12-26 --end 2025-12-28 | sf-load &&
	test "$(sql "SELECT count(*) FROM discharge_observations")" = 6
'

test_expect_success 'an empty page is no rows and no error' '
	sf-fetch-usgs -s 01646500 --start 2024-04-01 --end 2024-04-10 >out &&
	test_must_be_empty out
'

test_expect_success 'many stations with one start: one request' '
	: >"$SERVER_LOG" &&
	requests 300 c 2024-01-01 2024-12-31 >many &&
	sf-fetch-usgs <many >out &&
	test "$(server_requests | wc -l)" = 1 &&
	server_param monitoring_location_id | tr , "\n" >ids &&
	test "$(wc -l <ids)" = 300
'

test_expect_success 'the URL stays under 8,000 bytes: 1,000 stations, 3 requests' '
	: >"$SERVER_LOG" &&
	requests 1000 c 2024-01-01 2024-12-31 >many &&
	sf-fetch-usgs <many >out &&
	test "$(server_requests | wc -l)" = 3 &&
	server_requests | awk "length > 8000 { bad = 1 } END { exit bad }" &&
	server_param monitoring_location_id | tr , "\n" | sort -u | wc -l >n &&
	echo 1000 >want && test_cmp want n
'

test_expect_success 'starts a month apart share a request; a year apart do not' '
	cat >req <<-\EOF &&
	{"kind":"request","config":"c","station":"01646500","agency":"USGS","type":"daily_mean","source":null,"start":"2024-01-01","end":"2024-12-31","modified_since":null,"target_id":null}
	{"kind":"request","config":"c","station":"01646501","agency":"USGS","type":"daily_mean","source":null,"start":"2024-01-20","end":"2024-12-31","modified_since":null,"target_id":null}
	{"kind":"request","config":"c","station":"01646502","agency":"USGS","type":"daily_mean","source":null,"start":"2023-01-20","end":"2024-12-31","modified_since":null,"target_id":null}
	EOF
	: >"$SERVER_LOG" &&
	sf-fetch-usgs <req >out &&
	server_param time | sort >got &&
	cat >want <<-\EOF &&
	2023-01-20/2024-12-31
	2024-01-01/2024-12-31
	EOF
	test_cmp want got
'

test_expect_success 'continuous values: windows of a year at most, in order' '
	: >"$SERVER_LOG" &&
	sf-fetch-usgs -t realtime_15min -s 06904500 \
	    --start 2023-06-01 --end 2025-03-01T00:00:00Z >out &&
	server_param time >got &&
	cat >want <<-\EOF &&
	2023-06-01T00:00:00Z/2024-05-30T23:59:59Z
	2024-05-31T00:00:00Z/2025-03-01T00:00:00Z
	EOF
	test_cmp want got &&
	cat >want <<-\EOF &&
	{"kind":"obs","config":null,"station":"06904500","agency":"USGS","type":"realtime_15min","observed_at":"2025-01-01T00:15:00Z","discharge":176,"unit":"cfs","quality_code":"P"}
	EOF
	test_cmp want out
'

test_expect_success 'continuous starts an hour apart share a request' '
	cat >req <<-\EOF &&
	{"kind":"request","config":"c","station":"06904500","agency":"USGS","type":"realtime_15min","source":null,"start":"2025-01-01T00:00:00Z","end":"2025-02-01","modified_since":null,"target_id":null}
	{"kind":"request","config":"c","station":"06904501","agency":"USGS","type":"realtime_15min","source":null,"start":"2025-01-01T01:00:00Z","end":"2025-02-01","modified_since":null,"target_id":null}
	EOF
	: >"$SERVER_LOG" &&
	sf-fetch-usgs <req >out &&
	server_param monitoring_location_id >got &&
	echo USGS-06904500,USGS-06904501 >want && test_cmp want got
'

test_expect_success 'a page going back in time fails its stations' '
	: >"$SERVER_LOG" &&
	sf-fetch-usgs -s 05427718 --start 2025-12-26 --end 2025-12-28 \
	    >out 2>err
	test $? = 1 &&
	grep -c "\"kind\":\"obs\"" out >n && echo 1 >want && test_cmp want n &&
	grep "station .05427718.: rows out of order: 2025-12-26T00:00:00Z after 2025-12-27T00:00:00Z" err &&
	tail -n 1 out | grep "\"kind\":\"error\"" &&
	test "$(server_requests | wc -l)" = 2
'

test_expect_success 'the end defaults to now (SF_NOW)' '
	: >"$SERVER_LOG" &&
	sf-fetch-usgs -s 01646500 --start 2026-11-01 >/dev/null &&
	echo 2026-11-01/2026-11-25 >want &&
	server_param time >got && test_cmp want got
'

test_expect_success 'usage errors exit 2' '
	exits 2 sf-fetch-usgs -s 123 --start 2024-01-01 &&
	exits 2 sf-fetch-usgs -s 01646500 &&
	exits 2 sf-fetch-usgs -t weekly -s 01646500 --start 2024-01-01 &&
	exits 2 sf-fetch-usgs --start nope -s 01646500 &&
	exits 2 sf-fetch-usgs --service soap &&
	exits 2 sf-fetch-usgs --base-url ftp://x/ -s 01646500 --start 2024-01-01 &&
	exits 2 sf-fetch-usgs extra &&
	exits 2 sf-fetch-usgs -s 01646500 --start 2024-02-01 --end 2024-01-01
'

test_expect_success 'a request starting after now asks for nothing, quietly' '
	: >"$SERVER_LOG" &&
	echo "{\"kind\":\"request\",\"station\":\"01646500\",\"type\":\"realtime_15min\",\"start\":\"2026-11-25T12:15:00Z\"}" |
	sf-fetch-usgs >out 2>err &&
	test_must_be_empty out && test_must_be_empty err &&
	test_must_be_empty "$SERVER_LOG"
'

test_expect_success 'a bad request line is reported; the others are fetched' '
	cat >req <<-\EOF &&
	{"kind":"request","config":"c","station":"12","agency":"USGS","type":"daily_mean","source":null,"start":"2024-01-01","end":null,"modified_since":null,"target_id":null}
	{"kind":"request","config":"c","station":"01646500","agency":"USGS","type":"daily_mean","source":null,"start":"2024-04-01","end":"2024-04-10","modified_since":null,"target_id":null}
	EOF
	: >"$SERVER_LOG" &&
	exits 1 sf-fetch-usgs <req >out 2>err &&
	grep "^sf-fetch-usgs: stdin:1: station .12.: not a USGS" err &&
	test "$(server_requests | wc -l)" = 1
'

test_done
