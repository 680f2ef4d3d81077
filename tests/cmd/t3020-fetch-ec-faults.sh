#!/bin/sh
test_description='sf-fetch-ec: faults (429, 503, cut bodies, timeouts, unknown layouts)'
. "$(dirname "$0")/test-lib.sh"
. "$(dirname "$0")/lib-nodone.sh"
hide_done sf-fetch-ec
. "$SF_TOP/tests/server/lib.sh"
. "$SF_TOP/tests/data/ec/ec-lib.sh"

# Bodies: the real daily body of 08MF005 for 2023, the relabelled
# real-time body of 2025-10-22 (tests/data/ec/README), hourly bodies
# generated in the real layout (tests/data/ec/ec-lib.sh), and, derived
# here, a body whose header is not a known layout (the real header with
# "Parameter" and "Value" renamed) and an HTML page served as 200.
WO=$FIXTURES/ec/wateroffice
P47=$SF_TOP/tests/data/ec/real_time_data_08MF005_p47_2025-10-22.csv
DAILY=$WO/daily_data_08MF005_flow_2023.csv
# the retries' backoff, short (the Retry-After test waits its second)
SF_HTTP_BACKOFF_MS=10
export SF_HTTP_BACKOFF_MS

sed '1s/Parameter\/Param[^,]*/Measure\/Mesure/; 1s/Value\/Valeur/Reading\/Lecture/' \
    "$P47" >unknown.csv
printf '<!DOCTYPE html>\n<html><body>Maintenance</body></html>\n' >maint.html
rt() {
	ec_rows rt "$1" "$2" "$3" 3600 | ec_body rt >"$4"
}
rt 08AA001 2026-09-01T00:00:00Z 2026-09-30T23:00:00Z a0.csv
rt 08AA001 2026-10-01T00:00:00Z 2026-10-31T23:00:00Z a1.csv
rt 08AA001 2026-11-01T00:00:00Z 2026-11-25T12:00:00Z a2.csv
rt 08MF005 2026-09-10T00:00:00Z 2026-10-09T23:00:00Z b0.csv
rt 08MF005 2026-10-10T00:00:00Z 2026-11-09T23:00:00Z b1.csv
rt 08MF005 2026-11-10T00:00:00Z 2026-11-25T12:00:00Z b2.csv
LEN=$(wc -c <"$DAILY")

cat >routes <<EOF
GET /r429/real_time_data/csv/inline
  -> 429 Retry-After: 1
  -> 200 '$P47'
GET /r503/real_time_data/csv/inline stations[]=08AA001 'start_date=2026-09-01 00:00:00'
  -> 200 a0.csv
GET /r503/real_time_data/csv/inline stations[]=08AA001 'start_date=2026-10-01 00:00:00'
  -> 503
GET /r503/real_time_data/csv/inline stations[]=08AA001 'start_date=2026-11-01 00:00:00'
  -> 200 a2.csv
GET /r503/real_time_data/csv/inline stations[]=08MF005 'start_date=2026-09-10 00:00:00'
  -> 200 b0.csv
GET /r503/real_time_data/csv/inline stations[]=08MF005 'start_date=2026-10-10 00:00:00'
  -> 200 b1.csv
GET /r503/real_time_data/csv/inline stations[]=08MF005 'start_date=2026-11-10 00:00:00'
  -> 200 b2.csv
GET /cut1/real_time_data/csv/inline
  -> 200 '$P47' cut=5000
  -> 200 '$P47'
GET /cut/daily_data/csv/inline
  -> 200 '$DAILY' cut=$((LEN - 1))
GET /slow/real_time_data/csv/inline
  -> 200 '$P47' delay=2
GET /unknown/real_time_data/csv/inline
  -> 200 unknown.csv
GET /html/real_time_data/csv/inline
  -> 200 maint.html type=text/html
GET /r400/real_time_data/csv/inline
  -> 400 text='Invalid date range'
EOF
start_server routes || exit 1

# fetch DIR ARGS...: sf-fetch-ec against $SERVER_URL/DIR
fetch() {
	d=$1; shift
	SF_EC_URL=$SERVER_URL/$d sf-fetch-ec "$@"
}

# waited: the two requests of the log, at least 1 s (and under 5 s) apart
waited() {
	python3 -c '
import json, sys
t = [json.loads(l)["t"] for l in open(sys.argv[1])]
sys.exit(not (len(t) == 2 and 1 <= t[1] - t[0] < 5))
' "$SERVER_LOG"
}

# unurl FILE: the server's URL in FILE made "URL"
unurl() {
	sed "s|$SERVER_URL|URL|g" "$1"
}

test_expect_success '429 with Retry-After: waits, then succeeds' '
	: >"$SERVER_LOG" &&
	fetch r429 -s 08MF005 -t realtime_15min --start 2025-10-22 \
	    --end 2025-10-22 >out 2>err &&
	test_must_be_empty err &&
	test $(wc -l <out) = 288 &&
	waited
'

test_expect_success 'HTTP 503 to the last attempt: an error record, exit 1' '
	: >"$SERVER_LOG" &&
	printf "{\"kind\":\"request\",\"config\":\"f\",\"station\":\"%s\",\"agency\":\"EC\",\"type\":\"realtime_15min\",\"start\":\"%s\",\"end\":null,\"target_id\":null}\n" \
	    08AA001 2026-09-01T00:00:00Z 08MF005 2026-09-10T00:00:00Z \
	    >req.ndjson &&
	exits 1 fetch r503 <req.ndjson >out 2>err &&
	cat >expect <<-\EOF &&
	sf-fetch-ec: station '"'08AA001'"': GET URL/r503/real_time_data/csv/inline?stations%5B%5D=08AA001&parameters%5B%5D=47&start_date=2026-10-01%2000%3A00%3A00&end_date=2026-10-31%2023%3A59%3A59: HTTP 503 after 5 attempts: {"code":503,"description":"injected by replay.py"}
	EOF
	unurl err >actual &&
	test_cmp expect actual &&
	grep "\"kind\":\"error\"" out | unurl /dev/stdin >actual &&
	cat >expect <<-\EOF &&
	{"kind":"error","config":"f","station":"08AA001","agency":"EC","type":"realtime_15min","start":"2026-10-01T00:00:00Z","status":503,"message":"GET URL/r503/real_time_data/csv/inline?stations%5B%5D=08AA001&parameters%5B%5D=47&start_date=2026-10-01%2000%3A00%3A00&end_date=2026-10-31%2023%3A59%3A59: HTTP 503 after 5 attempts: {\"code\":503,\"description\":\"injected by replay.py\"}"}
	EOF
	test_cmp expect actual
'

test_expect_success 'no row of that station after the failed window' '
	grep "\"08AA001\"" out | grep -v "\"kind\":\"error\"" >a &&
	test $(wc -l <a) = 720 &&
	tail -1 a | grep "\"observed_at\":\"2026-09-30T23:00:00Z\"" &&
	sed -n "/\"kind\":\"error\"/,\$p" out >after &&
	test -s after &&
	! grep "\"obs\".*\"08AA001\"" after
'

test_expect_success 'the other station goes on to the end' '
	grep "\"08MF005\"" out >b &&
	test $(wc -l <b) = $(( (76 * 24 + 12) + 1 )) &&
	tail -1 b | grep "\"observed_at\":\"2026-11-25T12:00:00Z\""
'

test_expect_success 'one request at a time: nothing asked after the failure' '
	: >"$SERVER_LOG" &&
	exits 1 fetch r503 -j 1 <req.ndjson >out1 2>err &&
	sort out >s && sort out1 >s1 &&
	test_cmp s s1 &&
	server_param start_date | sort | uniq -c | sed "s/^ *//" >actual &&
	cat >expect <<-\EOF &&
	1 2026-09-01 00:00:00
	1 2026-09-10 00:00:00
	5 2026-10-01 00:00:00
	1 2026-10-10 00:00:00
	1 2026-11-10 00:00:00
	EOF
	test_cmp expect actual
'

test_expect_success 'a body cut short is fetched again, whole' '
	: >"$SERVER_LOG" &&
	fetch cut1 -s 08MF005 -t realtime_15min --start 2025-10-22 \
	    --end 2025-10-22 >out 2>err &&
	test_must_be_empty err &&
	test $(wc -l <out) = 288 &&
	test $(sort -u out | wc -l) = 288 &&
	test $(wc -l <"$SERVER_LOG") = 2
'

# The daily body cut one byte short ends "...,930," where the real one
# ends "...,930,E": parsed alone it would look whole, with the wrong
# quality code. The Content-Length says otherwise.
test_expect_success 'a body always cut short: an error, and no partial data' '
	exits 1 fetch cut -s 08MF005 --start 2023-01-01 --end 2023-12-31 \
	    >out 2>err &&
	test $(wc -l <out) = 1 &&
	! grep -v "\"kind\":\"error\"" out &&
	grep "station '"'08MF005'"': GET .*: transfer closed with 1 bytes remaining to read after 5 attempts\$" err &&
	test $(wc -l <err) = 1
'

test_expect_success 'a slow server: a timeout, an error' '
	SF_HTTP_TIMEOUT_MS=300 && export SF_HTTP_TIMEOUT_MS &&
	exits 1 fetch slow -s 08MF005 -t realtime_15min --start 2025-10-22 \
	    --end 2025-10-22 >out 2>err &&
	grep "station '"'08MF005'"': GET .*: operation timed out after [0-9]* milliseconds with 0 bytes received after 5 attempts\$" err &&
	grep "\"kind\":\"error\"" out >rec &&
	grep "\"status\":null" rec &&
	test $(wc -l <out) = 1
'

test_expect_success 'a header of unknown layout: an error naming it' '
	exits 1 fetch unknown -s 08MF005 -t realtime_15min --start 2025-10-22 \
	    --end 2025-10-22 >out 2>err &&
	cat >expect <<-\EOF &&
	sf-fetch-ec: station '"'08MF005'"': real_time_data: line 1: header '"'ID,Date,Measure/Mesure,Reading/Lecture,Qualifier/Qualificatif,Symbol/Symbole,Approval/Approbation,Grade/Classification,Qualifiers/Qualificatifs'"': unknown layout (no Parameter, Value column)
	EOF
	test_cmp expect err &&
	test $(grep -c "\"kind\":\"obs\"" out) = 0 &&
	grep "\"kind\":\"error\".*\"status\":null" out
'

test_expect_success 'an HTML page for a body: an error' '
	exits 1 fetch html -s 08MF005 -t realtime_15min --start 2025-10-22 \
	    --end 2025-10-22 >out 2>err &&
	grep "real_time_data: line 1: header '"'<!DOCTYPE html>'"': unknown layout" err
'

test_expect_success 'HTTP 400 is not retried; its text is quoted' '
	: >"$SERVER_LOG" &&
	exits 1 fetch r400 -f csv -s 08MF005 -t realtime_15min \
	    --start 2026-11-25 >out 2>err &&
	test_must_be_empty out &&
	grep "station '"'08MF005'"': GET .*: HTTP 400: Invalid date range\$" err &&
	test $(wc -l <"$SERVER_LOG") = 1
'

test_done
