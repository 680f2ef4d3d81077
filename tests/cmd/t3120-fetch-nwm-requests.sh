#!/bin/sh
test_description='sf-fetch-nwm: request records in, records out; options'
. "$(dirname "$0")/test-lib.sh"
. "$(dirname "$0")/lib-nodone.sh"
hide_done sf-fetch-nwm
. "$SF_TOP/tests/server/lib.sh"

start_server "$TEST_DATA/nwps/nwps.routes" || exit 1
SF_NWPS_URL=$SERVER_URL
export SF_NWPS_URL

# req CONFIG STATION AGENCY TYPE TARGET: a request record (null for JSON null)
req() {
	q() { [ "$1" = null ] && printf null || printf '"%s"' "$1"; }
	printf '{"kind":"request","config":%s,"station":%s,"agency":%s,"type":%s,"source":null,"start":"2024-01-01T00:00:00Z","end":null,"modified_since":null,"target_id":%s}\n' \
	    "$(q "$1")" "$(q "$2")" "$(q "$3")" "$(q "$4")" "$(q "$5")"
}

# summary: station, agency, target, source, member, number of records
summary() {
	python3 -c '
import json, sys
last, n = None, 0
for line in sys.stdin:
    r = json.loads(line)
    k = (r["kind"], r.get("config"), r["station"], r["agency"],
         r.get("target_id") or r.get("type"), r.get("source") or r.get("status"),
         r.get("member"))
    if k != last and last is not None:
        print(*last, n, sep="|"); n = 0
    last = k; n += 1
if last is not None:
    print(*last, n, sep="|")
'
}

test_expect_success 'a request: the station, agency and config of the request' '
	req kenai 15258000 USGS NOAA_RFC AMAT2 | sf-fetch-nwm >out &&
	test "$(wc -l <out)" -eq 20 &&
	sed -n 1p out >actual &&
	cat >expect <<-\EOT &&
	{"kind":"forecast","config":"kenai","station":"15258000","agency":"USGS","target_id":"AMAT2","source":"NOAA_RFC","member":null,"run_date":"2026-10-02T07:13:00Z","valid_at":"2026-10-02T12:00:00Z","discharge":1210,"unit":"cfs","stage":4.5,"stage_unit":"ft"}
	EOT
	test_cmp expect actual
'

test_expect_success 'the type chooses the series; observation types and none ask rfc' '
	{
	req a 15258000 USGS NOAA_RFC AMAT2
	req b 01427510 USGS NWM_SHORT_RANGE 2617456
	req c 01427510 USGS NWM_MEDIUM_RANGE 2617456
	req d 15258000 USGS daily_mean AMAT2
	req e 15258000 USGS realtime_15min MISS1
	req f 15258000 USGS null MISS1
	} >in &&
	: >"$SERVER_LOG" &&
	sf-fetch-nwm -j 1 <in >out &&
	summary <out >actual &&
	cat >expect <<-\EOT &&
	forecast|a|15258000|USGS|AMAT2|NOAA_RFC|None|20
	forecast|b|01427510|USGS|2617456|NWM_SHORT_RANGE|None|18
	forecast|c|01427510|USGS|2617456|NWM_MEDIUM_RANGE|mean|3
	forecast|c|01427510|USGS|2617456|NWM_MEDIUM_RANGE|member1|3
	forecast|c|01427510|USGS|2617456|NWM_MEDIUM_RANGE|member2|3
	forecast|d|15258000|USGS|AMAT2|NOAA_RFC|None|20
	forecast|e|15258000|USGS|MISS1|NOAA_RFC|None|4
	forecast|f|15258000|USGS|MISS1|NOAA_RFC|None|4
	EOT
	test_cmp expect actual &&
	cat >expect <<-\EOT &&
	GET /gauges/AMAT2/stageflow/forecast
	GET /reaches/2617456/streamflow?series=short_range
	GET /reaches/2617456/streamflow?series=medium_range
	GET /gauges/AMAT2/stageflow/forecast
	GET /gauges/MISS1/stageflow/forecast
	GET /gauges/MISS1/stageflow/forecast
	EOT
	server_requests >actual &&
	test_cmp expect actual
'

test_expect_success '--series overrides the type of every request' '
	{
	req a 01427510 USGS NOAA_RFC 2617456
	req b 01427510 USGS null 2617456
	} | sf-fetch-nwm --series short_range >out &&
	summary <out >actual &&
	cat >expect <<-\EOT &&
	forecast|a|01427510|USGS|2617456|NWM_SHORT_RANGE|None|18
	forecast|b|01427510|USGS|2617456|NWM_SHORT_RANGE|None|18
	EOT
	test_cmp expect actual
'

test_expect_success 'a request without target_id: an error record saying what to do' '
	{
	req kenai 15258000 USGS NOAA_RFC null
	req kenai 01427510 USGS NWM_SHORT_RANGE ""
	req kenai 15304000 USGS NOAA_RFC AMAT2
	} >in &&
	: >"$SERVER_LOG" &&
	rc=0; sf-fetch-nwm <in >out 2>err || rc=$?;
	test "$rc" = 1 &&
	grep "^{\"kind\":\"error\"" out >actual &&
	cat >expect <<-\EOT &&
	{"kind":"error","config":"kenai","station":"15258000","agency":"USGS","type":"NOAA_RFC","start":"2024-01-01T00:00:00Z","status":null,"message":"no target_id: put '\''sf-map --to NOAA-HADS'\'' before sf-fetch-nwm"}
	{"kind":"error","config":"kenai","station":"01427510","agency":"USGS","type":"NWM_SHORT_RANGE","start":"2024-01-01T00:00:00Z","status":null,"message":"no target_id: put '\''sf-map --to NWM'\'' before sf-fetch-nwm"}
	EOT
	test_cmp expect actual &&
	cat >expect <<-\EOT &&
	sf-fetch-nwm: station '\''15258000'\'': no target_id: put '\''sf-map --to NOAA-HADS'\'' before sf-fetch-nwm
	sf-fetch-nwm: station '\''01427510'\'': no target_id: put '\''sf-map --to NWM'\'' before sf-fetch-nwm
	EOT
	test_cmp expect err &&
	test "$(grep -c "\"station\":\"15304000\"" out)" -eq 20 &&
	echo "GET /gauges/AMAT2/stageflow/forecast" >expect &&
	server_requests >actual && test_cmp expect actual
'

test_expect_success 'a type that is no forecast source: an error record' '
	req kenai 15258000 USGS forecast AMAT2 >in &&
	rc=0; sf-fetch-nwm <in >out 2>err || rc=$?;
	test "$rc" = 1 &&
	cat >expect <<-\EOT &&
	{"kind":"error","config":"kenai","station":"15258000","agency":"USGS","type":"forecast","start":"2024-01-01T00:00:00Z","status":null,"message":"type '\''forecast'\'': not a forecast source (NOAA_RFC, NWM_SHORT_RANGE, NWM_MEDIUM_RANGE, NWM_LONG_RANGE) nor an observation type"}
	EOT
	test_cmp expect out
'

test_expect_success 'a failed station: the error record keeps the request, names the gauge' '
	req kenai 15258000 USGS NOAA_RFC XXXX1 >in &&
	rc=0; sf-fetch-nwm <in >out 2>err || rc=$?;
	test "$rc" = 1 &&
	sed "s|$SERVER_URL|URL|" out >actual &&
	cat >expect <<-\EOT &&
	{"kind":"error","config":"kenai","station":"15258000","agency":"USGS","type":"NOAA_RFC","start":"2024-01-01T00:00:00Z","status":404,"message":"gauge '\''XXXX1'\'': GET URL/gauges/XXXX1/stageflow/forecast: HTTP 404: Not Found"}
	EOT
	test_cmp expect actual &&
	sed "s|$SERVER_URL|URL|" err >actual &&
	echo "sf-fetch-nwm: station '\''15258000'\'': gauge '\''XXXX1'\'': GET URL/gauges/XXXX1/stageflow/forecast: HTTP 404: Not Found" >expect &&
	test_cmp expect actual
'

test_expect_success 'records of other kinds pass through in their place; exit 0' '
	{
	echo "{\"kind\":\"error\",\"config\":\"kenai\",\"station\":\"01646500\",\"agency\":\"USGS\",\"type\":\"NOAA_RFC\",\"start\":null,\"status\":null,\"message\":\"no NOAA-HADS mapping for station '\''01646500'\''\"}"
	req kenai 15258000 USGS NOAA_RFC MISS1
	echo "{\"kind\":\"obs\",\"config\":null,\"station\":\"01646500\",\"agency\":\"USGS\",\"type\":\"daily_mean\",\"observed_at\":\"2024-01-01T00:00:00Z\",\"discharge\":12300,\"unit\":\"cfs\",\"quality_code\":\"A\"}"
	} >in &&
	sf-fetch-nwm <in >out 2>err &&
	test_must_be_empty err &&
	sed -n 1p in >expect && sed -n 1p out >actual && test_cmp expect actual &&
	sed -n 3p in >expect && sed -n 6p out >actual && test_cmp expect actual &&
	sed -n 2,5p out | grep -c "\"station\":\"15258000\"" >actual &&
	echo 4 >expect && test_cmp expect actual &&
	test "$(wc -l <out)" -eq 6
'

test_expect_success 'CSV out: a passed error record goes to stderr' '
	{
	echo "{\"kind\":\"error\",\"config\":\"kenai\",\"station\":\"01646500\",\"agency\":\"USGS\",\"type\":\"NOAA_RFC\",\"start\":null,\"status\":null,\"message\":\"no NOAA-HADS mapping for station '\''01646500'\''\"}"
	req kenai 15258000 USGS NOAA_RFC MISS1
	} | sf-fetch-nwm -f csv >out 2>err &&
	test "$(wc -l <out)" -eq 5 &&
	echo "sf-fetch-nwm: station '\''01646500'\'': no NOAA-HADS mapping for station '\''01646500'\''" >expect &&
	test_cmp expect err
'

test_expect_success 'CSV requests in; the agency of a request without one is guessed' '
	cat >in <<-\EOT &&
	config,station,agency,type,start,end,target_id
	kenai,15258000,,NOAA_RFC,2024-01-01T00:00:00Z,,MISS1
	,08MF005,,,,,MISS1
	EOT
	sf-fetch-nwm -f csv <in >out &&
	sed 1d out | cut -d, -f1-4 | uniq >actual &&
	cat >expect <<-\EOT &&
	kenai,15258000,USGS,MISS1
	,08MF005,EC,MISS1
	EOT
	test_cmp expect actual
'

test_expect_success '--config fills in a request without one' '
	{
	req null 15258000 USGS NOAA_RFC MISS1
	req other 15258000 USGS NOAA_RFC MISS1
	} | sf-fetch-nwm --config kenai -f csv >out &&
	sed 1d out | cut -d, -f1 | uniq >actual &&
	printf "kenai\nother\n" >expect &&
	test_cmp expect actual
'

test_expect_success 'a bad line and a request without a station: reported, the rest go on' '
	{
	echo "{\"kind\":\"request\",\"station\":"
	req kenai null USGS NOAA_RFC MISS1
	req kenai 15258000 USGS NOAA_RFC MISS1
	} >in &&
	rc=0; sf-fetch-nwm <in >out 2>err || rc=$?;
	test "$rc" = 1 &&
	test "$(wc -l <out)" -eq 4 &&
	grep "^sf-fetch-nwm: stdin:1: " err &&
	grep "^sf-fetch-nwm: stdin:2: request without a station$" err
'

test_expect_success 'no input: no output, exit 0' '
	sf-fetch-nwm </dev/null >out 2>err &&
	test_must_be_empty out &&
	test_must_be_empty err
'

test_expect_success 'ids outside their grammar never reach a URL' '
	: >"$SERVER_LOG" &&
	rc=0; sf-fetch-nwm -q -j 1 --gauge "A/B?C" >/dev/null 2>&1 || rc=$? &&
	test "$rc" = 2 &&
	rc=0; sf-fetch-nwm -q -j 1 --reach "1%2" >/dev/null 2>&1 || rc=$? &&
	test "$rc" = 2 &&
	test_must_be_empty "$SERVER_LOG"
'

test_expect_success 'a base URL with a path keeps it' '
	: >"$SERVER_LOG" &&
	sf-fetch-nwm -q --retries 0 --base-url "$SERVER_URL/nwps/v1" --gauge AMAT2 >/dev/null 2>&1;
	echo "GET /nwps/v1/gauges/AMAT2/stageflow/forecast" >expect &&
	server_requests >actual &&
	test_cmp expect actual
'

test_expect_success 'usage errors exit 2 and ask nothing' '
	: >"$SERVER_LOG" &&
	for args in "-s 01646500" "--gauge AMAT2 extra" "-j 0 --gauge AMAT2" \
	    "-j 65 --gauge AMAT2" "--retries 11 --gauge AMAT2" \
	    "--timeout 0 --gauge AMAT2" "-f xml --gauge AMAT2" \
	    "--base-url ftp://x/ --gauge AMAT2" "--gauge A\ B" "--config= --gauge AMAT2" \
	    "--mappings --gauge AMAT2" "--mappings -f csv -s 15258000" \
	    "--mappings --series rfc -s 15258000" "--bogus"
	do
		rc=0; eval "sf-fetch-nwm $args" </dev/null >out 2>err || rc=$?
		if [ "$rc" != 2 ]; then echo "$args: exit $rc"; exit 1; fi
		test_must_be_empty out || exit 1
		grep "^sf-fetch-nwm: try .sf-fetch-nwm --help.$" err || exit 1
	done &&
	test_must_be_empty "$SERVER_LOG"
'

test_expect_success 'the usage error names the trouble' '
	rc=0; sf-fetch-nwm -s 01646500 2>err || rc=$?
	test "$rc" = 2 &&
	grep "^sf-fetch-nwm: -s: NWS id .01646500.: not an NWS location id .* (for a station, give its NOAA id: sf-map --to NOAA-HADS -s ID | sf-fetch-nwm)$" err ||
	exit 1
	rc=0; sf-fetch-nwm --base-url ftp://x/ --gauge AMAT2 2>err || rc=$?
	test "$rc" = 2 &&
	grep "^sf-fetch-nwm: base URL .ftp://x/.: " err
'

test_expect_success '--help and --version' '
	sf-fetch-nwm --help >out &&
	grep "^usage: sf-fetch-nwm \[-qv\]" out &&
	sf-fetch-nwm --version >out &&
	echo "sf-fetch-nwm 0.1.0" >expect &&
	test_cmp expect out
'

test_expect_success 'the options of every fetcher: -t names the series, -j goes to 64' '
	: >"$SERVER_LOG" &&
	sf-fetch-nwm -q -j 64 -t NWM_MEDIUM_RANGE --reach 2617456 >out &&
	grep -q "\"source\":\"NWM_MEDIUM_RANGE\"" out &&
	echo "GET /reaches/2617456/streamflow?series=medium_range" >expect &&
	server_requests >actual && test_cmp expect actual &&
	for args in "-t NWM_TINY --reach 2617456" "-t NOAA_RFC --series rfc -s AMAT2" \
	    "--start 2024-01-01 -s AMAT2" "--end 2024-01-01 -s AMAT2" \
	    "--mappings -t NOAA_RFC -s 15258000"
	do
		rc=0; sf-fetch-nwm $args </dev/null >out 2>err || rc=$?
		if [ "$rc" != 2 ]; then echo "$args: exit $rc"; exit 1; fi
		test_must_be_empty out || exit 1
	done &&
	grep "^sf-fetch-nwm: --mappings writes mapping CSV: -t is not one of its options$" err
'

test_done
