#!/bin/sh
test_description='sf-fetch-ec: wateroffice real-time values'
. "$(dirname "$0")/test-lib.sh"
. "$(dirname "$0")/lib-nodone.sh"
hide_done sf-fetch-ec
. "$SF_TOP/tests/server/lib.sh"
. "$SF_TOP/tests/data/ec/ec-lib.sh"

# Bodies: the real body of 08MF005 for 2025-10-22 (water level, parameter
# 46), its copy relabelled discharge (tests/data/ec/README), the real
# header-only body, and hourly bodies generated in the real layout
# (tests/data/ec/ec-lib.sh) for the windows of a long span: each holds
# the window's rows of 08AA001 and 08AA002 and, as a check of the
# filter, one row past the window's end (2797 hours in all).
WO=$FIXTURES/ec/wateroffice
P47=$SF_TOP/tests/data/ec/real_time_data_08MF005_p47_2025-10-22.csv

win() {
	{
		ec_rows rt 08AA001 "$1" "$2" 3600
		ec_rows rt 08AA002 "$1" "$2" 3600
	} | ec_body rt >"$3"
}
win 2026-08-01T00:00:00Z 2026-09-01T00:00:00Z w0.csv
win 2026-09-01T00:00:00Z 2026-10-01T00:00:00Z w1.csv
win 2026-10-01T00:00:00Z 2026-11-01T00:00:00Z w2.csv
win 2026-11-01T00:00:00Z 2026-11-25T12:00:00Z w3.csv

cat >routes <<EOF
GET /wo/real_time_data/csv/inline stations[]=08MF005 'start_date=2025-10-22 00:00:00'
  -> 200 '$P47'
GET /level/real_time_data/csv/inline
  -> 200 '$WO/real_time_data_08MF005_p46_2025-10-22.csv'
GET /wo/real_time_data/csv/inline stations[]=08AA001 'start_date=2026-08-01 00:00:00'
  -> 200 w0.csv
GET /wo/real_time_data/csv/inline stations[]=08AA001 'start_date=2026-09-01 00:00:00'
  -> 200 w1.csv
GET /wo/real_time_data/csv/inline stations[]=08AA001 'start_date=2026-10-01 00:00:00'
  -> 200 w2.csv
GET /wo/real_time_data/csv/inline stations[]=08AA001 'start_date=2026-11-01 00:00:00'
  -> 200 w3.csv
GET /wo/real_time_data/csv/inline
  -> 200 '$WO/real_time_data_header_only.csv'
EOF
start_server routes || exit 1
SF_EC_URL=$SERVER_URL/wo
export SF_EC_URL

# params: "stations start_date end_date" of each request, sorted
params() {
	python3 -c '
import json, sys
for l in open(sys.argv[1]):
    p = json.loads(l)["params"]
    s = p["stations[]"]
    print(len(s), s[0], s[-1], p["parameters[]"][0], p["start_date"][0],
          p["end_date"][0], sep="|")
' "$SERVER_LOG" | sort
}

test_expect_success 'one day of 08MF005' '
	: >"$SERVER_LOG" &&
	sf-fetch-ec -s 08MF005 -t realtime_15min --start 2025-10-22 \
	    --end 2025-10-22 >out 2>err &&
	test_must_be_empty err &&
	test $(wc -l <out) = 288 &&
	cat >expect <<-\EOF &&
	{"kind":"obs","config":null,"station":"08MF005","agency":"EC","type":"realtime_15min","observed_at":"2025-10-22T00:00:00Z","discharge":3.537,"unit":"cms","quality_code":"P"}
	{"kind":"obs","config":null,"station":"08MF005","agency":"EC","type":"realtime_15min","observed_at":"2025-10-22T23:55:00Z","discharge":3.555,"unit":"cms","quality_code":"P"}
	EOF
	sed -n "1p;\$p" out >actual &&
	test_cmp expect actual
'

test_expect_success 'the request: UTC start and end of the day, parameter 47' '
	echo "GET /wo/real_time_data/csv/inline?stations%5B%5D=08MF005&parameters%5B%5D=47&start_date=2025-10-22%2000%3A00%3A00&end_date=2025-10-22%2023%3A59%3A59" >expect &&
	server_requests >actual &&
	test_cmp expect actual
'

test_expect_success 'water level rows are not discharge' '
	sf-fetch-ec --base-url "$SERVER_URL/level" -s 08MF005 -t realtime_15min \
	    --start 2025-10-22 --end 2025-10-22 >out 2>err &&
	test_must_be_empty out &&
	test_must_be_empty err
'

test_expect_success 'a header-only body: no rows, exit 0' '
	sf-fetch-ec -s 08MF005 -t realtime_15min --start 2026-11-25 >out 2>err &&
	test_must_be_empty out &&
	test_must_be_empty err
'

test_expect_success 'a start beyond 18 months is clipped, with a warning' '
	: >"$SERVER_LOG" &&
	sf-fetch-ec -s 08MF005 -t realtime_15min --start 2020-01-01 >out 2>err &&
	test_must_be_empty out &&
	cat >expect <<-\EOF &&
	sf-fetch-ec: warning: station '"'08MF005'"': start '"'2020-01-01T00:00:00Z'"' is beyond the 18 months of real-time data: clipped to '"'2025-05-25T12:00:00Z'"'
	EOF
	test_cmp expect err &&
	params >actual &&
	test $(wc -l <actual) = 18 &&
	head -2 actual >first &&
	cat >expect <<-\EOF &&
	1|08MF005|08MF005|47|2025-05-25 12:00:00|2025-06-25 11:59:59
	1|08MF005|08MF005|47|2025-06-25 12:00:00|2025-07-25 11:59:59
	EOF
	test_cmp expect first &&
	tail -1 actual >last &&
	echo "1|08MF005|08MF005|47|2026-10-25 12:00:00|2026-11-25 12:00:00" >expect &&
	test_cmp expect last
'

test_expect_success 'a span all beyond 18 months: nothing asked, a warning' '
	: >"$SERVER_LOG" &&
	sf-fetch-ec -s 08MF005 -t realtime_15min --start 2024-01-01 \
	    --end 2024-12-31 >out 2>err &&
	test_must_be_empty out &&
	test_must_be_empty "$SERVER_LOG" &&
	cat >expect <<-\EOF &&
	sf-fetch-ec: warning: station '"'08MF005'"': end '"'2024-12-31T23:59:59Z'"' is beyond the 18 months of real-time data (from '"'2025-05-25T12:00:00Z'"'): nothing to fetch
	EOF
	test_cmp expect err
'

test_expect_success 'no warning with -q' '
	sf-fetch-ec -q -s 08MF005 -t realtime_15min --start 2020-01-01 >out 2>err &&
	test_must_be_empty err
'

# twelve stations from 2026-08-01 (two of them a few hours later), and
# one a week later: windows of a month, groups of at most ten
test_expect_success 'a long span: month windows, station groups' '
	: >"$SERVER_LOG" &&
	for i in 01 02 03 04 05 06 07 08 09 10 11 12; do
		case $i in 11|12) t=2026-08-01T05:00:00Z ;; *) t=2026-08-01T00:00:00Z ;; esac
		printf "{\"kind\":\"request\",\"config\":\"rt\",\"station\":\"08AA0%s\",\"agency\":\"EC\",\"type\":\"realtime_15min\",\"start\":\"%s\",\"end\":null,\"target_id\":null}\n" $i $t
	done >req.ndjson &&
	echo "{\"kind\":\"request\",\"config\":\"rt\",\"station\":\"08MF005\",\"agency\":\"EC\",\"type\":\"realtime_15min\",\"start\":\"2026-08-08T00:00:00Z\",\"end\":null,\"target_id\":null}" >>req.ndjson &&
	sf-fetch-ec <req.ndjson >out 2>err &&
	test_must_be_empty err &&
	params >actual &&
	cat >expect <<-\EOF &&
	10|08AA001|08AA010|47|2026-08-01 00:00:00|2026-08-31 23:59:59
	10|08AA001|08AA010|47|2026-09-01 00:00:00|2026-09-30 23:59:59
	10|08AA001|08AA010|47|2026-10-01 00:00:00|2026-10-31 23:59:59
	10|08AA001|08AA010|47|2026-11-01 00:00:00|2026-11-25 12:00:00
	1|08MF005|08MF005|47|2026-08-08 00:00:00|2026-09-07 23:59:59
	1|08MF005|08MF005|47|2026-09-08 00:00:00|2026-10-07 23:59:59
	1|08MF005|08MF005|47|2026-10-08 00:00:00|2026-11-07 23:59:59
	1|08MF005|08MF005|47|2026-11-08 00:00:00|2026-11-25 12:00:00
	2|08AA011|08AA012|47|2026-08-01 05:00:00|2026-09-01 04:59:59
	2|08AA011|08AA012|47|2026-09-01 05:00:00|2026-10-01 04:59:59
	2|08AA011|08AA012|47|2026-10-01 05:00:00|2026-11-01 04:59:59
	2|08AA011|08AA012|47|2026-11-01 05:00:00|2026-11-25 12:00:00
	EOF
	test_cmp expect actual
'

test_expect_success 'every hour once, in ascending time per station' '
	python3 -c "
import json, sys
last, n = {}, {}
for l in open(sys.argv[1]):
    r = json.loads(l)
    s, t = r[\"station\"], r[\"observed_at\"]
    assert r[\"config\"] == \"rt\" and r[\"type\"] == \"realtime_15min\"
    assert s not in last or last[s] < t, (s, last.get(s), t)
    last[s] = t
    n[s] = n.get(s, 0) + 1
for s in sorted(n):
    print(s, n[s], last[s])
" out >actual &&
	cat >expect <<-\EOF &&
	08AA001 2797 2026-11-25T12:00:00Z
	08AA002 2797 2026-11-25T12:00:00Z
	EOF
	test_cmp expect actual &&
	grep -c "\"observed_at\":\"2026-09-01T00:00:00Z\"" out >actual &&
	echo 2 >expect &&
	test_cmp expect actual
'

test_expect_success 'one request at a time gives the same rows' '
	sf-fetch-ec -j 1 <req.ndjson >out1 2>err &&
	test_must_be_empty err &&
	test_cmp out out1
'

test_done
