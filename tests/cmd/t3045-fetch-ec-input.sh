#!/bin/sh
test_description='sf-fetch-ec: options and request records'
. "$(dirname "$0")/test-lib.sh"
. "$(dirname "$0")/lib-nodone.sh"
hide_done sf-fetch-ec
. "$SF_TOP/tests/server/lib.sh"
. "$SF_TOP/tests/data/ec/ec-lib.sh"

# Every daily request gets the real header-only body
# (tests/data/fixtures/ec/wateroffice): these tests look at what is asked.
cat >routes <<EOF
GET /wo/daily_data/csv/inline
  -> 200 '$FIXTURES/ec/wateroffice/daily_data_header_only.csv'
GET /wo/real_time_data/csv/inline
  -> 200 '$FIXTURES/ec/wateroffice/real_time_data_header_only.csv'
EOF
start_server routes || exit 1
SF_EC_URL=$SERVER_URL/wo
export SF_EC_URL

for args in '-s 8MF005' '-t forecast -s 08MF005' '-j 0 -s 08MF005' \
    '-j 65 -s 08MF005' '--start 2024-01-01' '--config c' \
    '--service nwis -s 08MF005' '--base-url ftp://h/x -s 08MF005' \
    '-s 08MF005 --start 2024-13-01' '-s 08MF005 extra' '-f xml -s 08MF005' \
    '--stations -t daily_mean' '--bogus'
do
	test_expect_success "usage error: $args" '
		: >"$SERVER_LOG" &&
		exits 2 sf-fetch-ec $args >out 2>err &&
		test_must_be_empty out &&
		grep "^sf-fetch-ec: " err &&
		test_must_be_empty "$SERVER_LOG"
	'
done

test_expect_success 'the messages of some usage errors' '
	exits 2 sf-fetch-ec -s 8MF005 2>err &&
	cat >expect <<-\EOF &&
	sf-fetch-ec: station '"'8MF005'"': not an EC station id (2 digits, 2 upper-case letters, 3 upper-case letters or digits, such as 05BH004)
	sf-fetch-ec: try '"'sf-fetch-ec --help'"'
	EOF
	test_cmp expect err &&
	exits 2 sf-fetch-ec --start 2024-01-01 2>err &&
	head -1 err >actual &&
	echo "sf-fetch-ec: --start, --end, --type and --config go with --station, for requests made here" >expect &&
	test_cmp expect actual
'

test_expect_success 'bad environment: SF_NOW, SF_HTTP_BACKOFF_MS' '
	SF_NOW=yesterday exits 2 sf-fetch-ec -s 08MF005 2>err &&
	grep "SF_NOW" err &&
	SF_HTTP_BACKOFF_MS=-5 exits 2 sf-fetch-ec -s 08MF005 2>err &&
	grep "SF_HTTP_BACKOFF_MS" err
'

test_expect_success '--help and --version' '
	sf-fetch-ec --help >out &&
	grep "^usage: sf-fetch-ec " out &&
	sf-fetch-ec --version >out &&
	echo "sf-fetch-ec 0.1.0" >expect &&
	test_cmp expect out
'

test_expect_success 'the defaults of -s: daily means of the last 7 days' '
	: >"$SERVER_LOG" &&
	sf-fetch-ec -s 08MF005 &&
	echo "2026-11-18 2026-11-25" >expect &&
	echo "$(server_param start_date) $(server_param end_date)" >actual &&
	test_cmp expect actual
'

test_expect_success 'an end in the future is now; a date ends its day' '
	: >"$SERVER_LOG" &&
	sf-fetch-ec -t realtime_15min -s 08MF005 --start 2026-11-25T06:00:00Z \
	    --end 2030-01-01 &&
	sf-fetch-ec -t realtime_15min -s 08MF005 --start 2026-11-20 \
	    --end 2026-11-20 &&
	cat >expect <<-\EOF &&
	2026-11-25 06:00:00|2026-11-25 12:00:00
	2026-11-20 00:00:00|2026-11-20 23:59:59
	EOF
	server_param start_date >s && server_param end_date >e &&
	paste -d "|" s e >actual &&
	test_cmp expect actual
'

test_expect_success 'a start after the end: nothing asked, exit 0' '
	: >"$SERVER_LOG" &&
	sf-fetch-ec -s 08MF005 --start 2026-11-20 --end 2026-11-10 >out 2>err &&
	test_must_be_empty out &&
	test_must_be_empty err &&
	test_must_be_empty "$SERVER_LOG"
'

test_expect_success 'bad requests: error records; others pass through; the good ones are fetched' '
	: >"$SERVER_LOG" &&
	cat >req.ndjson <<-\EOF &&
	{"kind":"request","config":"c","station":"01646500","agency":"USGS","type":"daily_mean","source":null,"start":"2024-01-01","end":null,"modified_since":null,"target_id":null}
	{"kind":"request","config":"c","station":"8MF005","agency":"EC","type":"daily_mean","source":null,"start":"2024-01-01","end":null,"modified_since":null,"target_id":null}
	{"kind":"request","config":"c","station":"08MF006","agency":"EC","type":"NOAA_RFC","source":null,"start":"2024-01-01","end":null,"modified_since":null,"target_id":null}
	{"kind":"request","config":"c","station":"08MF007","agency":"EC","type":"daily_mean","source":null,"start":"2024-02-30","end":null,"modified_since":null,"target_id":null}
	{"kind":"request","config":"c","station":null,"agency":"EC","type":"daily_mean","source":null,"start":"2024-01-01","end":null,"modified_since":null,"target_id":null}
	{"kind":"obs","config":"c","station":"08MF005","agency":"EC","type":"daily_mean","observed_at":"2024-01-01","discharge":1,"unit":"cms","quality_code":"P"}
	not json
	{"kind":"request","config":"c","station":"08MF005","agency":null,"type":"daily_mean","source":null,"start":"2026-11-01T00:00:00Z","end":null,"modified_since":null,"target_id":null}
	{"kind":"request","config":"c","station":"08MF005","agency":"EC","type":"daily_mean","source":null,"start":"2026-11-02T00:00:00Z","end":null,"modified_since":null,"target_id":null}
	EOF
	exits 1 sf-fetch-ec <req.ndjson >out 2>err &&
	cat >expect <<-\EOF &&
	{"kind":"request","config":"c","station":"01646500","agency":"USGS","type":"daily_mean","source":null,"start":"2024-01-01","end":null,"modified_since":null,"target_id":null}
	{"kind":"error","config":"c","station":"8MF005","agency":"EC","type":"daily_mean","start":"2024-01-01","status":null,"message":"station '"'8MF005'"': not an EC station id (2 digits, 2 upper-case letters, 3 upper-case letters or digits, such as 05BH004)"}
	{"kind":"error","config":"c","station":"08MF006","agency":"EC","type":"NOAA_RFC","start":"2024-01-01","status":null,"message":"type '"'NOAA_RFC'"': not daily_mean or realtime_15min"}
	{"kind":"error","config":"c","station":"08MF007","agency":"EC","type":"daily_mean","start":"2024-02-30","status":null,"message":"start: time '"'2024-02-30'"': day out of range"}
	{"kind":"obs","config":"c","station":"08MF005","agency":"EC","type":"daily_mean","observed_at":"2024-01-01","discharge":1,"unit":"cms","quality_code":"P"}
	EOF
	test_cmp expect out &&
	sed -n "4p;6p" err >actual &&
	cat >expect <<-\EOF &&
	sf-fetch-ec: stdin:5: request without a station
	sf-fetch-ec: warning: station '"'08MF005'"': requested twice, the second request left out
	EOF
	test_cmp expect actual &&
	sed -n 5p err | grep "^sf-fetch-ec: stdin:7: invalid JSON" &&
	test $(wc -l <err) = 6 &&
	echo "2026-11-01" >expect.s &&
	server_param start_date >actual.s &&
	test_cmp expect.s actual.s
'

test_expect_success 'requests in CSV' '
	: >"$SERVER_LOG" &&
	cat >req.csv <<-\EOF &&
	config,station,agency,type,start,end,target_id
	c,08MF005,EC,realtime_15min,2026-11-25T06:00:00Z,,
	EOF
	sf-fetch-ec <req.csv >out 2>err &&
	test_must_be_empty err &&
	echo "2026-11-25 06:00:00" >expect &&
	server_param start_date >actual &&
	test_cmp expect actual
'

test_done
