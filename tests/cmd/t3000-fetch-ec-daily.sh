#!/bin/sh
test_description='sf-fetch-ec: wateroffice daily means'
. "$(dirname "$0")/test-lib.sh"
. "$(dirname "$0")/lib-nodone.sh"
hide_done sf-fetch-ec
. "$SF_TOP/tests/server/lib.sh"
. "$SF_TOP/tests/data/ec/ec-lib.sh"

# Bodies: the real 2023 body of 08MF005 and the real header-only body
# (tests/data/fixtures/ec/wateroffice), and bodies generated in their
# layout (tests/data/ec/ec-lib.sh) for several stations and long spans.
WO=$FIXTURES/ec/wateroffice

# two stations in one body, station after station, 2023-01-01 to
# 2023-02-28, and one station that was not asked for
{
	ec_rows daily 08MF005 2023-01-01 2023-02-28
	ec_rows daily 08HB048 2023-01-01 2023-02-28
	ec_rows daily 01AD003 2023-01-01 2023-01-05
} | ec_body daily >two.csv
# the same rows with the days of each station in descending order,
# interleaved
{
	ec_rows daily 08MF005 2023-01-01 2023-01-03
	ec_rows daily 08HB048 2023-01-01 2023-01-03
} | python3 -c '
import sys
rows = sys.stdin.buffer.read().split(b"\r\n")[:-1]
rows.sort(key=lambda r: r.split(b",")[1], reverse=True)
sys.stdout.buffer.write(b"".join(r + b"\r\n" for r in rows))' |
    ec_body daily >reversed.csv

# the real 2023 body in Windows-1252 (the BOM, which it cannot hold,
# left out): "Paramètre" and "débit" in single bytes
tail -c +4 "$WO/daily_data_08MF005_flow_2023.csv" |
    iconv -f UTF-8 -t WINDOWS-1252 >cp1252.csv

cat >routes <<EOF
GET /cp1252/daily_data/csv/inline
  -> 200 cp1252.csv
GET /services/daily_data/csv/inline stations[]=08MF005 stations[]=08HB048 start_date=2023-01-01 end_date=2023-02-28
  -> 200 two.csv
GET /services/daily_data/csv/inline stations[]=08MF005 stations[]=08HB048 start_date=2023-01-01 end_date=2023-01-03
  -> 200 reversed.csv
GET /services/daily_data/csv/inline stations[]=08MF005 start_date=2023-06-01
  -> 200 '$WO/daily_data_08MF005_flow_2023.csv' gzip
GET /services/daily_data/csv/inline stations[]=08MF005 start_date~^2023-
  -> 200 '$WO/daily_data_08MF005_flow_2023.csv'
GET /services/daily_data/csv/inline
  -> 200 '$WO/daily_data_header_only.csv'
EOF
start_server routes || exit 1
SF_EC_URL=$SERVER_URL/services
export SF_EC_URL

test_expect_success 'the 2023 daily means of 08MF005' '
	: >"$SERVER_LOG" &&
	sf-fetch-ec -s 08MF005 -t daily_mean --start 2023-01-01 \
	    --end 2023-12-31 >out 2>err &&
	test_must_be_empty err &&
	test $(wc -l <out) = 365 &&
	cat >expect <<-\EOF &&
	{"kind":"obs","config":null,"station":"08MF005","agency":"EC","type":"daily_mean","observed_at":"2023-01-01T00:00:00Z","discharge":721,"unit":"cms","quality_code":"P"}
	{"kind":"obs","config":null,"station":"08MF005","agency":"EC","type":"daily_mean","observed_at":"2023-01-02T00:00:00Z","discharge":702,"unit":"cms","quality_code":"P"}
	EOF
	head -2 out >actual &&
	test_cmp expect actual &&
	cat >expect <<-\EOF &&
	{"kind":"obs","config":null,"station":"08MF005","agency":"EC","type":"daily_mean","observed_at":"2023-12-31T00:00:00Z","discharge":930,"unit":"cms","quality_code":"P:E"}
	EOF
	tail -1 out >actual &&
	test_cmp expect actual
'

test_expect_success 'one request, as the service wants it' '
	echo "GET /services/daily_data/csv/inline?stations%5B%5D=08MF005&parameters%5B%5D=flow&start_date=2023-01-01&end_date=2023-12-31" >expect &&
	server_requests >actual &&
	test_cmp expect actual
'

test_expect_success 'the HYDAT symbols become qualifiers' '
	grep -c "\"P:E\"" out >actual &&
	tr -d "\r" <"$WO/daily_data_08MF005_flow_2023.csv" >body &&
	grep -c ",E$" body >expect &&
	test_cmp expect actual &&
	test "$(grep -c "\"quality_code\":\"P\"}" out)" = \
	    "$(grep -c "^08MF005,.*,$" body)"
'

test_expect_success 'a User-Agent, and gzip asked for' '
	server_header User-Agent >actual &&
	echo "sf/0.1.0" >expect &&
	test_cmp expect actual &&
	server_header Accept-Encoding | grep gzip
'

test_expect_success 'a gzipped body, from a start within the year' '
	sf-fetch-ec -s 08MF005 --start 2023-06-01 --end 2023-06-03 >out &&
	cat >expect <<-\EOF &&
	{"kind":"obs","config":null,"station":"08MF005","agency":"EC","type":"daily_mean","observed_at":"2023-06-01T00:00:00Z","discharge":6230,"unit":"cms","quality_code":"P"}
	{"kind":"obs","config":null,"station":"08MF005","agency":"EC","type":"daily_mean","observed_at":"2023-06-02T00:00:00Z","discharge":5990,"unit":"cms","quality_code":"P"}
	{"kind":"obs","config":null,"station":"08MF005","agency":"EC","type":"daily_mean","observed_at":"2023-06-03T00:00:00Z","discharge":5710,"unit":"cms","quality_code":"P"}
	EOF
	test_cmp expect out
'

test_expect_success 'a body in Windows-1252 reads the same' '
	sf-fetch-ec --base-url "$SERVER_URL/cp1252" -s 08MF005 \
	    --start 2023-01-01 --end 2023-12-31 >cp.out 2>err &&
	test_must_be_empty err &&
	sf-fetch-ec -s 08MF005 --start 2023-01-01 --end 2023-12-31 >utf8.out &&
	test_cmp utf8.out cp.out &&
	test $(wc -l <cp.out) = 365
'

test_expect_success 'CSV, with the configuration named' '
	sf-fetch-ec -f csv --config hope -s 08MF005 --start 2023-12-30 \
	    --end 2023-12-31T08:00:00Z >out 2>err &&
	test_must_be_empty err &&
	cat >expect <<-\EOF &&
	config,station,agency,type,observed_at,discharge,unit,quality_code
	hope,08MF005,EC,daily_mean,2023-12-30T00:00:00Z,970,cms,P:E
	hope,08MF005,EC,daily_mean,2023-12-31T00:00:00Z,930,cms,P:E
	EOF
	test_cmp expect out
'

test_expect_success 'a header-only body: no rows, exit 0' '
	: >"$SERVER_LOG" &&
	sf-fetch-ec -s 08MF005 --start 1990-01-01 --end 1990-12-31 >out 2>err &&
	test_must_be_empty out &&
	test_must_be_empty err &&
	test "$(server_param start_date)" = 1990-01-01
'

test_expect_success 'two stations in one request, each from its own start' '
	: >"$SERVER_LOG" &&
	cat >req.ndjson <<-\EOF &&
	{"kind":"request","config":"bc","station":"08MF005","agency":"EC","type":"daily_mean","source":null,"start":"2023-01-01T00:00:00Z","end":"2023-02-28T00:00:00Z","modified_since":null,"target_id":null}
	{"kind":"request","config":"bc","station":"08HB048","agency":"EC","type":"daily_mean","source":null,"start":"2023-01-20T06:00:00Z","end":"2023-02-28T00:00:00Z","modified_since":null,"target_id":null}
	EOF
	sf-fetch-ec <req.ndjson >out 2>err &&
	test_must_be_empty err &&
	echo "08MF005 08HB048 2023-01-01 2023-02-28" >expect &&
	python3 -c "
import json, sys
for l in open(sys.argv[1]):
    p = json.loads(l)[\"params\"]
    print(*p[\"stations[]\"], p[\"start_date\"][0], p[\"end_date\"][0])
" "$SERVER_LOG" >actual &&
	test_cmp expect actual &&
	test $(grep -c "\"08MF005\"" out) = 59 &&
	grep "\"08HB048\"" out >hb &&
	test $(wc -l <hb) = 40 &&
	head -1 hb | grep "\"observed_at\":\"2023-01-20T00:00:00Z\"" &&
	! grep 01AD003 out &&
	grep -c "\"config\":\"bc\"" out >actual &&
	echo 99 >expect &&
	test_cmp expect actual
'

test_expect_success 'rows out of order come out ascending per station' '
	sf-fetch-ec -s 08MF005 -s 08HB048 --start 2023-01-01 \
	    --end 2023-01-03 >out &&
	sed "s/.*station\":\"\([^\"]*\)\".*observed_at\":\"\([^\"]*\)\".*/\1 \2/" \
	    out >actual &&
	cat >expect <<-\EOF &&
	08HB048 2023-01-01T00:00:00Z
	08HB048 2023-01-02T00:00:00Z
	08HB048 2023-01-03T00:00:00Z
	08MF005 2023-01-01T00:00:00Z
	08MF005 2023-01-02T00:00:00Z
	08MF005 2023-01-03T00:00:00Z
	EOF
	test_cmp expect actual
'

test_expect_success 'a long span: decades, and groups of at most 20' '
	: >"$SERVER_LOG" &&
	for i in 01 02 03 04 05 06 07 08 09 10 11 12 13 14 15 16 17 18 19 20 21 22
	do
		printf "{\"kind\":\"request\",\"config\":\"c\",\"station\":\"08AB0%s\",\"agency\":\"EC\",\"type\":\"daily_mean\",\"start\":\"1990-01-%sT00:00:00Z\",\"end\":null,\"target_id\":null}\n" $i $i
	done >req.ndjson &&
	echo "{\"kind\":\"request\",\"config\":\"c\",\"station\":\"08MF005\",\"agency\":\"EC\",\"type\":\"daily_mean\",\"start\":\"2020-06-01T00:00:00Z\",\"end\":null,\"target_id\":null}" >>req.ndjson &&
	sf-fetch-ec <req.ndjson >out 2>err &&
	test_must_be_empty out &&
	test_must_be_empty err &&
	python3 -c "
import json, sys
for l in open(sys.argv[1]):
    p = json.loads(l)[\"params\"]
    s = p[\"stations[]\"]
    print(len(s), s[0], s[-1], p[\"start_date\"][0], p[\"end_date\"][0])
" "$SERVER_LOG" | sort >actual &&
	cat >expect <<-\EOF &&
	1 08MF005 08MF005 2020-06-01 2026-11-25
	2 08AB021 08AB022 1990-01-21 2000-01-20
	2 08AB021 08AB022 2000-01-21 2010-01-20
	2 08AB021 08AB022 2010-01-21 2020-01-20
	2 08AB021 08AB022 2020-01-21 2026-11-25
	20 08AB001 08AB020 1990-01-01 1999-12-31
	20 08AB001 08AB020 2000-01-01 2009-12-31
	20 08AB001 08AB020 2010-01-01 2019-12-31
	20 08AB001 08AB020 2020-01-01 2026-11-25
	EOF
	test_cmp expect actual
'

test_done
