#!/bin/sh
test_description='sf-fetch-nwm: retries, timeouts, cut answers and failures'
. "$(dirname "$0")/test-lib.sh"
. "$(dirname "$0")/lib-nodone.sh"
hide_done sf-fetch-nwm
. "$SF_TOP/tests/server/lib.sh"

# Every gauge is served the AMAT2 sample (20 points), with the fault its
# name says injected. Retries wait 0.5 to 1 s (the first backoff), so
# the tests keep --retries low.
A=$FIXTURES/noaa/nwps/sample_stageflow_forecast_AMAT2_feetball.json
cat >routes <<EOF
GET /gauges/RA001/stageflow/forecast
  -> 429 Retry-After: 1
  -> 200 $A
GET /gauges/S5031/stageflow/forecast -> 503
GET /gauges/P5021/stageflow/forecast
  -> 502 text='<html><head><title>502 Bad Gateway</title></head><body><center><h1>502 Bad Gateway</h1></center><hr><center>nginx</center></body></html>' type=text/html
GET /gauges/P5041/stageflow/forecast
  -> 504 text='<html><head><title>504 Gateway Time-out</title></head><body>The server did not answer in time.</body></html>' type=text/html
  -> 200 $A
GET /gauges/CUT01/stageflow/forecast -> 200 $A cut=300
GET /gauges/CUT02/stageflow/forecast
  -> 200 $A cut=300
  -> 200 $A
GET /gauges/SLOW1/stageflow/forecast -> 200 $A delay=3
GET /gauges/SLOW2/stageflow/forecast -> 200 $A delay=0.6
GET /gauges/RST01/stageflow/forecast
  -> reset
  -> 200 $A
GET /gauges/GZIP1/stageflow/forecast -> 200 $A gzip
GET /gauges/BAD01/stageflow/forecast -> 200 text='{"issuedTime":"2026-10-02T07:13:00Z","primaryUnits":"ft","secondaryUnits":"kcfs","data":[{"validTime":"2026-10-02T12:00:00Z","primary":1,"secondary":1},{"validTime":"2026-13-02T18:00:00Z","primary":2,"secondary":2}]}' type=application/json
GET ~^/gauges/[A-Z0-9]+/stageflow/forecast$ -> 200 $A
EOF
start_server routes || exit 1
SF_NWPS_URL=$SERVER_URL
export SF_NWPS_URL

# log EXPR: EXPR of each request of the server's log (r the entry)
log() {
	python3 -c '
import json, sys
for line in open(sys.argv[1]):
    r = json.loads(line)
    print('"$1"')
' "$SERVER_LOG"
}

# stations OUT: station, kind and number of records, in order
stations() {
	sed 's/^{"kind":"\([a-z]*\)","config":[^,]*,"station":"\([^"]*\)".*/\2 \1/' "$1" | uniq -c
}

test_expect_success '429 with Retry-After: the answer waited for, then the data' '
	: >"$SERVER_LOG" &&
	sf-fetch-nwm -v --gauge RA001 >out 2>err &&
	test "$(wc -l <out)" -eq 20 &&
	log "r[\"reply\"]" >actual &&
	printf "429\n200\n" >expect && test_cmp expect actual &&
	log "r[\"t\"]" | awk "NR == 1 { a = \$1 } NR == 2 { exit !(\$1 - a >= 0.95) }" &&
	grep "^sf-fetch-nwm: GET .*/gauges/RA001/stageflow/forecast: HTTP 429; attempt 2 of 5 in 1.0 s$" err
'

test_expect_success '503 and 502 every time: error records after the retries, the rest fetched' '
	: >"$SERVER_LOG" &&
	rc=0; sf-fetch-nwm --retries 1 --gauge S5031 --gauge AMAT2 --gauge P5021 \
	    >out 2>err || rc=$?;
	test "$rc" = 1 &&
	stations out >actual &&
	cat >expect <<-\EOT &&
	      1 S5031 error
	     20 AMAT2 forecast
	      1 P5021 error
	EOT
	test_cmp expect actual &&
	sed -n "/S5031/s|$SERVER_URL|URL|p" out >actual &&
	cat >expect <<-\EOT &&
	{"kind":"error","config":null,"station":"S5031","agency":"NOAA-HADS","type":"NOAA_RFC","start":null,"status":503,"message":"gauge '\''S5031'\'': GET URL/gauges/S5031/stageflow/forecast: HTTP 503 after 2 attempts: injected by replay.py"}
	EOT
	test_cmp expect actual &&
	sed -n "/P5021/s|$SERVER_URL|URL|p" out >actual &&
	cat >expect <<-\EOT &&
	{"kind":"error","config":null,"station":"P5021","agency":"NOAA-HADS","type":"NOAA_RFC","start":null,"status":502,"message":"gauge '\''P5021'\'': GET URL/gauges/P5021/stageflow/forecast: HTTP 502 after 2 attempts: HTML page: 502 Bad Gateway"}
	EOT
	test_cmp expect actual &&
	test "$(wc -l <err)" -eq 2 &&
	grep "^sf-fetch-nwm: gauge .S5031.: GET .*: HTTP 503 after 2 attempts: injected by replay.py$" err &&
	log "r[\"path\"]" | sort | uniq -c >actual &&
	cat >expect <<-\EOT &&
	      1 /gauges/AMAT2/stageflow/forecast
	      2 /gauges/P5021/stageflow/forecast
	      2 /gauges/S5031/stageflow/forecast
	EOT
	test_cmp expect actual
'

test_expect_success '--retries 0: one attempt, no retry' '
	: >"$SERVER_LOG" &&
	rc=0; sf-fetch-nwm --retries 0 --gauge S5031 >out 2>err || rc=$?;
	test "$rc" = 1 &&
	test "$(log "r[\"reply\"]")" = 503 &&
	grep "HTTP 503: injected by replay.py\"}$" out
'

test_expect_success 'a 504 page of a proxy is retried' '
	: >"$SERVER_LOG" &&
	sf-fetch-nwm --gauge P5041 >out 2>err &&
	test "$(wc -l <out)" -eq 20 &&
	log "r[\"reply\"]" >actual &&
	printf "504\n200\n" >expect && test_cmp expect actual
'

test_expect_success 'a reset connection is retried' '
	: >"$SERVER_LOG" &&
	sf-fetch-nwm --gauge RST01 >out &&
	test "$(wc -l <out)" -eq 20 &&
	log "r[\"reply\"]" >actual &&
	printf "reset\n200\n" >expect && test_cmp expect actual
'

test_expect_success 'an answer cut short every time: an error, never part of the forecast' '
	: >"$SERVER_LOG" &&
	rc=0; sf-fetch-nwm --retries 1 --gauge CUT01 --gauge MISS1 >out 2>err || rc=$?;
	test "$rc" = 1 &&
	stations out >actual &&
	cat >expect <<-\EOT &&
	      1 CUT01 error
	     20 MISS1 forecast
	EOT
	test_cmp expect actual &&
	grep "\"station\":\"CUT01\".*\"status\":null,\"message\":\"gauge .CUT01.: GET .*: transfer closed with [0-9]* bytes remaining to read after 2 attempts\"}$" out
'

test_expect_success 'an answer cut once is asked again and read whole' '
	: >"$SERVER_LOG" &&
	sf-fetch-nwm --gauge CUT02 -f csv >out &&
	sf-fetch-nwm --gauge AMAT2 -f csv | sed s/AMAT2/CUT02/g >expect &&
	test_cmp expect out &&
	test "$(log "r[\"reply\"]" | wc -l)" -eq 3
'

test_expect_success 'a slow server: the timeout ends the attempt, an error record' '
	: >"$SERVER_LOG" &&
	rc=0; sf-fetch-nwm --timeout 1 --retries 0 --gauge SLOW1 --gauge AMAT2 \
	    >out 2>err || rc=$?;
	test "$rc" = 1 &&
	stations out >actual &&
	cat >expect <<-\EOT &&
	      1 SLOW1 error
	     20 AMAT2 forecast
	EOT
	test_cmp expect actual &&
	grep "\"station\":\"SLOW1\".*\"status\":null,\"message\":\"gauge .SLOW1.: GET .*: operation timed out after [0-9]* milliseconds with 0 bytes received\"}$" out
'

test_expect_success 'a body that is bad half way writes nothing of that station' '
	rc=0; sf-fetch-nwm --gauge BAD01 --gauge MISS1 >out 2>err || rc=$?;
	test "$rc" = 1 &&
	stations out >actual &&
	cat >expect <<-\EOT &&
	      1 BAD01 error
	     20 MISS1 forecast
	EOT
	test_cmp expect actual &&
	grep "nwps: data\[1\]: time .2026-13-02T18:00:00Z.: month out of range" out
'

test_expect_success 'a gzipped answer is read' '
	sf-fetch-nwm --gauge GZIP1 -f csv >out &&
	sf-fetch-nwm --gauge AMAT2 -f csv | sed s/AMAT2/GZIP1/g >expect &&
	test_cmp expect out
'

test_expect_success 'one connection is kept for the requests that follow' '
	: >"$SERVER_LOG" &&
	sf-fetch-nwm -j 1 --gauge G0001 --gauge G0002 --gauge G0003 >out &&
	test "$(wc -l <out)" -eq 60 &&
	test "$(log "r[\"conn\"]" | sort -u | wc -l)" -eq 1
'

test_expect_success 'requests are paced: 0.1 s at least from an answer to the next' '
	: >"$SERVER_LOG" &&
	sf-fetch-nwm -j 1 --gauge G0001 --gauge G0002 --gauge G0003 >/dev/null &&
	log "r[\"t\"]" | awk "NR > 1 && \$1 - t < 0.095 { bad = 1 } { t = \$1 } END { exit bad }"
'

test_expect_success '-j: requests run at once, the output stays in order' '
	: >"$SERVER_LOG" &&
	sf-fetch-nwm -j 4 --gauge SLOW2 --gauge G0001 --gauge G0002 >out &&
	stations out >actual &&
	cat >expect <<-\EOT &&
	     20 SLOW2 forecast
	     20 G0001 forecast
	     20 G0002 forecast
	EOT
	test_cmp expect actual &&
	test "$(log "r[\"conn\"]" | sort -u | wc -l)" -ge 2
'

test_expect_success '-j 1: one request at a time, in order' '
	: >"$SERVER_LOG" &&
	sf-fetch-nwm -j 1 --gauge SLOW2 --gauge G0001 >out &&
	log "r[\"path\"]" >actual &&
	cat >expect <<-\EOT &&
	/gauges/SLOW2/stageflow/forecast
	/gauges/G0001/stageflow/forecast
	EOT
	test_cmp expect actual &&
	log "r[\"t\"]" | awk "NR == 1 { a = \$1 } NR == 2 { exit !(\$1 - a >= 0.6) }"
'

test_expect_success 'nothing listening: an error record per station, exit 1' '
	rc=0; sf-fetch-nwm --retries 0 --base-url http://127.0.0.1:1 --gauge AMAT2 \
	    >out 2>err || rc=$?;
	test "$rc" = 1 &&
	grep "^{\"kind\":\"error\",.*\"status\":null,\"message\":\"gauge .AMAT2.: GET http://127.0.0.1:1/gauges/AMAT2/stageflow/forecast: .*\"}$" out
'

test_done
