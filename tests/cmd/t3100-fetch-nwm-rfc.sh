#!/bin/sh
test_description='sf-fetch-nwm: official RFC forecasts at gauges'
. "$(dirname "$0")/test-lib.sh"
. "$(dirname "$0")/lib-nodone.sh"
hide_done sf-fetch-nwm
. "$SF_TOP/tests/server/lib.sh"

# The samples of $FIXTURES/noaa/nwps and the bodies derived from them in
# tests/data/nwps (see the README there), served by tests/data/nwps/nwps.routes.
start_server "$TEST_DATA/nwps/nwps.routes" || exit 1
SF_NWPS_URL=$SERVER_URL
export SF_NWPS_URL

# unport FILE: the server's URL in FILE written as URL
unport() {
	sed "s|$SERVER_URL|URL|g" "$1"
}

HDR=config,station,agency,target_id,source,member,run_date,valid_at,discharge,unit,stage,stage_unit

test_expect_success 'the AMAT2 sample: kcfs become cfs, the stage stays in ft' '
	sf-fetch-nwm -f csv --gauge AMAT2 >out 2>err &&
	test_must_be_empty err &&
	cat >expect <<-EOT &&
	$HDR
	,AMAT2,NOAA-HADS,AMAT2,NOAA_RFC,,2026-10-02T07:13:00Z,2026-10-02T12:00:00Z,1210,cfs,4.5,ft
	,AMAT2,NOAA-HADS,AMAT2,NOAA_RFC,,2026-10-02T07:13:00Z,2026-10-02T18:00:00Z,2200,cfs,6,ft
	,AMAT2,NOAA-HADS,AMAT2,NOAA_RFC,,2026-10-02T07:13:00Z,2026-10-03T00:00:00Z,3190,cfs,7.1,ft
	,AMAT2,NOAA-HADS,AMAT2,NOAA_RFC,,2026-10-02T07:13:00Z,2026-10-03T06:00:00Z,3590,cfs,7.5,ft
	,AMAT2,NOAA-HADS,AMAT2,NOAA_RFC,,2026-10-02T07:13:00Z,2026-10-03T12:00:00Z,2710,cfs,6.6,ft
	,AMAT2,NOAA-HADS,AMAT2,NOAA_RFC,,2026-10-02T07:13:00Z,2026-10-03T18:00:00Z,1370,cfs,4.8,ft
	,AMAT2,NOAA-HADS,AMAT2,NOAA_RFC,,2026-10-02T07:13:00Z,2026-10-04T00:00:00Z,1010,cfs,4.1,ft
	,AMAT2,NOAA-HADS,AMAT2,NOAA_RFC,,2026-10-02T07:13:00Z,2026-10-04T06:00:00Z,921,cfs,3.9,ft
	,AMAT2,NOAA-HADS,AMAT2,NOAA_RFC,,2026-10-02T07:13:00Z,2026-10-04T12:00:00Z,877,cfs,3.8,ft
	,AMAT2,NOAA-HADS,AMAT2,NOAA_RFC,,2026-10-02T07:13:00Z,2026-10-04T18:00:00Z,834,cfs,3.7,ft
	,AMAT2,NOAA-HADS,AMAT2,NOAA_RFC,,2026-10-02T07:13:00Z,2026-10-05T00:00:00Z,792,cfs,3.6,ft
	,AMAT2,NOAA-HADS,AMAT2,NOAA_RFC,,2026-10-02T07:13:00Z,2026-10-05T06:00:00Z,751,cfs,3.5,ft
	,AMAT2,NOAA-HADS,AMAT2,NOAA_RFC,,2026-10-02T07:13:00Z,2026-10-05T12:00:00Z,672,cfs,3.3,ft
	,AMAT2,NOAA-HADS,AMAT2,NOAA_RFC,,2026-10-02T07:13:00Z,2026-10-05T18:00:00Z,632,cfs,3.2,ft
	,AMAT2,NOAA-HADS,AMAT2,NOAA_RFC,,2026-10-02T07:13:00Z,2026-10-06T00:00:00Z,594,cfs,3.1,ft
	,AMAT2,NOAA-HADS,AMAT2,NOAA_RFC,,2026-10-02T07:13:00Z,2026-10-06T06:00:00Z,555,cfs,3,ft
	,AMAT2,NOAA-HADS,AMAT2,NOAA_RFC,,2026-10-02T07:13:00Z,2026-10-06T12:00:00Z,555,cfs,3,ft
	,AMAT2,NOAA-HADS,AMAT2,NOAA_RFC,,2026-10-02T07:13:00Z,2026-10-06T18:00:00Z,518,cfs,2.9,ft
	,AMAT2,NOAA-HADS,AMAT2,NOAA_RFC,,2026-10-02T07:13:00Z,2026-10-07T00:00:00Z,482,cfs,2.8,ft
	,AMAT2,NOAA-HADS,AMAT2,NOAA_RFC,,2026-10-02T07:13:00Z,2026-10-07T06:00:00Z,482,cfs,2.8,ft
	EOT
	test_cmp expect out
'

test_expect_success 'NDJSON: numbers unquoted, null member, every field in order' '
	sf-fetch-nwm --gauge AMAT2 --config tx >out &&
	test "$(wc -l <out)" -eq 20 &&
	cat >expect <<-\EOT &&
	{"kind":"forecast","config":"tx","station":"AMAT2","agency":"NOAA-HADS","target_id":"AMAT2","source":"NOAA_RFC","member":null,"run_date":"2026-10-02T07:13:00Z","valid_at":"2026-10-02T12:00:00Z","discharge":1210,"unit":"cfs","stage":4.5,"stage_unit":"ft"}
	{"kind":"forecast","config":"tx","station":"AMAT2","agency":"NOAA-HADS","target_id":"AMAT2","source":"NOAA_RFC","member":null,"run_date":"2026-10-02T07:13:00Z","valid_at":"2026-10-07T06:00:00Z","discharge":482,"unit":"cfs","stage":2.8,"stage_unit":"ft"}
	EOT
	sed -n "1p;\$p" out >actual &&
	test_cmp expect actual
'

test_expect_success 'the request: its URL, User-Agent, gzip and JSON accepted' '
	: >"$SERVER_LOG" &&
	sf-fetch-nwm --gauge AMAT2 >/dev/null &&
	echo "GET /gauges/AMAT2/stageflow/forecast" >expect &&
	server_requests >actual && test_cmp expect actual &&
	echo sf/0.1.0 >expect &&
	server_header User-Agent >actual && test_cmp expect actual &&
	echo gzip >expect &&
	server_header Accept-Encoding >actual && test_cmp expect actual &&
	echo application/json >expect &&
	server_header Accept >actual && test_cmp expect actual
'

test_expect_success 'values at or below -999 are null; -999 and -9999 in one answer' '
	sf-fetch-nwm -v -f csv --gauge MISS1 >out 2>err &&
	cat >expect <<-EOT &&
	$HDR
	,MISS1,NOAA-HADS,MISS1,NOAA_RFC,,2026-10-02T07:13:00Z,2026-10-02T12:00:00Z,1210,cfs,4.5,ft
	,MISS1,NOAA-HADS,MISS1,NOAA_RFC,,2026-10-02T07:13:00Z,2026-10-02T18:00:00Z,,cfs,6,ft
	,MISS1,NOAA-HADS,MISS1,NOAA_RFC,,2026-10-02T07:13:00Z,2026-10-03T00:00:00Z,,cfs,,ft
	,MISS1,NOAA-HADS,MISS1,NOAA_RFC,,2026-10-02T07:13:00Z,2026-10-03T06:00:00Z,3590,cfs,,ft
	EOT
	test_cmp expect out &&
	grep "^sf-fetch-nwm: gauge .MISS1.: 4 records, run 2026-10-02T07:13:00Z, 4 missing values$" err
'

test_expect_success 'missing values are null in NDJSON, not numbers' '
	sf-fetch-nwm --gauge MISS1 >out &&
	sed -n 3p out >actual &&
	cat >expect <<-\EOT &&
	{"kind":"forecast","config":null,"station":"MISS1","agency":"NOAA-HADS","target_id":"MISS1","source":"NOAA_RFC","member":null,"run_date":"2026-10-02T07:13:00Z","valid_at":"2026-10-03T00:00:00Z","discharge":null,"unit":"cfs","stage":null,"stage_unit":"ft"}
	EOT
	test_cmp expect actual
'

test_expect_success 'an empty unit is unknown: the flow is left out, with a warning' '
	sf-fetch-nwm -f csv --gauge UNIT1 >out 2>err &&
	cat >expect <<-EOT &&
	$HDR
	,UNIT1,NOAA-HADS,UNIT1,NOAA_RFC,,2026-10-02T07:13:00Z,2026-10-02T12:00:00Z,,,4.5,
	,UNIT1,NOAA-HADS,UNIT1,NOAA_RFC,,2026-10-02T07:13:00Z,2026-10-02T18:00:00Z,,,6,
	EOT
	test_cmp expect out &&
	echo "sf-fetch-nwm: warning: gauge '\''UNIT1'\'': 2 flows left out: their unit is not given" >expect &&
	test_cmp expect err
'

test_expect_success 'no forecast issued (HNFT2): no record, a warning, exit 0' '
	sf-fetch-nwm --gauge HNFT2 >out 2>err &&
	test_must_be_empty out &&
	echo "sf-fetch-nwm: warning: gauge '\''HNFT2'\'': no NOAA_RFC forecast issued" >expect &&
	test_cmp expect err
'

test_expect_success '-q: no forecast is not even a warning' '
	sf-fetch-nwm -q --gauge HNFT2 >out 2>err &&
	test_must_be_empty out &&
	test_must_be_empty err
'

test_expect_success '-v counts a station without a forecast in the summary' '
	sf-fetch-nwm -v --gauge HNFT2 --gauge AMAT2 >out 2>err &&
	test "$(wc -l <out)" -eq 20 &&
	grep "^sf-fetch-nwm: 2 stations, 20 records, 1 without a forecast, 0 failed; 2 requests, 0 retries$" err &&
	test "$(grep -c "stations, " err)" -eq 1
'

test_expect_success 'the combined stageflow body is no forecast answer: an error' '
	rc=0; sf-fetch-nwm --gauge NRKW1 >out 2>err || rc=$?;
	test "$rc" = 1 &&
	unport out >actual &&
	cat >expect <<-\EOT &&
	{"kind":"error","config":null,"station":"NRKW1","agency":"NOAA-HADS","type":"NOAA_RFC","start":null,"status":null,"message":"gauge '\''NRKW1'\'': GET URL/gauges/NRKW1/stageflow/forecast: nwps: a combined stageflow body (observed and forecast): ask stageflow/forecast"}
	EOT
	test_cmp expect actual
'

test_expect_success 'an unknown gauge: the 404 JSON gives an error record naming it' '
	rc=0; sf-fetch-nwm --gauge XXXX1 >out 2>err || rc=$?;
	test "$rc" = 1 &&
	unport out >actual &&
	cat >expect <<-\EOT &&
	{"kind":"error","config":null,"station":"XXXX1","agency":"NOAA-HADS","type":"NOAA_RFC","start":null,"status":404,"message":"gauge '\''XXXX1'\'': GET URL/gauges/XXXX1/stageflow/forecast: HTTP 404: Not Found"}
	EOT
	test_cmp expect actual &&
	unport err >actual &&
	echo "sf-fetch-nwm: gauge '\''XXXX1'\'': GET URL/gauges/XXXX1/stageflow/forecast: HTTP 404: Not Found" >expect &&
	test_cmp expect actual
'

test_expect_success 'a 404 is not retried' '
	: >"$SERVER_LOG" &&
	rc=0; sf-fetch-nwm -q --gauge XXXX1 >/dev/null 2>&1 || rc=$?;
	test "$rc" = 1 &&
	test "$(server_requests | wc -l)" -eq 1
'

test_expect_success 'CSV: the error goes to stderr only; the others are written' '
	rc=0; sf-fetch-nwm -f csv --gauge XXXX1 --gauge MISS1 >out 2>err || rc=$?;
	test "$rc" = 1 &&
	test "$(wc -l <out)" -eq 5 &&
	test "$(sed -n 1p out)" = "$HDR" &&
	! grep XXXX1 out &&
	test "$(wc -l <err)" -eq 1 &&
	grep "^sf-fetch-nwm: gauge .XXXX1.: GET .*: HTTP 404: Not Found$" err
'

test_expect_success 'stations come out in the order asked, each one whole' '
	sf-fetch-nwm -f csv -j 4 --gauge MISS1 --gauge AMAT2 --gauge UNIT1 \
	    --gauge MISS1 2>/dev/null | sed 1d | cut -d, -f2 | uniq -c >actual &&
	cat >expect <<-\EOT &&
	      4 MISS1
	     20 AMAT2
	      2 UNIT1
	      4 MISS1
	EOT
	test_cmp expect actual
'

test_expect_success '--base-url wins over SF_NWPS_URL' '
	SF_NWPS_URL=http://127.0.0.1:1/nowhere sf-fetch-nwm --retries 0 \
	    --base-url "$SERVER_URL/" --gauge AMAT2 >out &&
	test "$(wc -l <out)" -eq 20
'

test_done
