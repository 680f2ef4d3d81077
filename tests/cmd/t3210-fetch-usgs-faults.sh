#!/bin/sh
test_description='sf-fetch-usgs: 429, 503, cut bodies, slow servers'
. "$(dirname "$0")/test-lib.sh"
. "$(dirname "$0")/lib-nodone.sh"
hide_done sf-fetch-usgs
. "$SF_TOP/tests/server/lib.sh"

D=$TEST_DATA/usgs
E='$FIXTURES/usgs/waterdata/daily_items_EMPTY_2024-04_basin3d.json'
API_USGS_PAT=pat-Zq9-secret
export API_USGS_PAT

cat >routes.429 <<EOF
GET /collections/daily/items cursor=2 -> 200 '$D/daily_page2.json'
GET /collections/daily/items
  -> 429 Retry-After: 1 text='{"code":"429","description":"slow down"}'
  -> 200 '$D/daily_page1.json'
EOF
cat >routes.403 <<\EOF
GET /collections/daily/items -> 403 text='{"error":{"code":"API_KEY_INVALID","message":"An invalid api_key was supplied"}}'
EOF

test_expect_success '429 with Retry-After: waits, then succeeds' '
	start_server routes.429 &&
	sf-fetch-usgs --base-url "$SERVER_URL" --backoff 10 -s 05427718 \
	    -s 01646500 --start 2025-12-26 --end 2025-12-28 >out 2>err &&
	test "$(wc -l <out)" = 6 &&
	test_must_be_empty err &&
	server_requests | sed "s/?.*//" >got &&
	cat >want <<-\EOF &&
	GET /collections/daily/items
	GET /collections/daily/items
	GET /collections/daily/items
	EOF
	test_cmp want got &&
	python3 -c "
import json, sys
t = [json.loads(l)[\"t\"] for l in open(sys.argv[1])]
sys.exit(0 if t[1] - t[0] >= 0.9 else 1)" "$SERVER_LOG"
'

test_expect_success '503 five times: an error record, exit 1, nothing after' '
	cat >routes <<-EOF &&
	GET /collections/daily/items cursor=2 -> 503
	GET /collections/daily/items monitoring_location_id=USGS-01646500,USGS-05427718 -> 200 "$D/daily_page1.json"
	GET /collections/daily/items -> 200 "$E"
	EOF
	start_server routes &&
	cat >req <<-\EOF &&
	{"kind":"request","config":"p","station":"05427718","agency":"USGS","type":"daily_mean","source":null,"start":"2025-12-26","end":"2025-12-28","modified_since":null,"target_id":null}
	{"kind":"request","config":"p","station":"01646500","agency":"USGS","type":"daily_mean","source":null,"start":"2025-12-26","end":"2025-12-28","modified_since":null,"target_id":null}
	{"kind":"request","config":"p","station":"01646000","agency":"USGS","type":"daily_mean","source":null,"start":"2024-04-01","end":"2024-04-10","modified_since":null,"target_id":null}
	EOF
	SF_USGS_URL=$SERVER_URL sf-fetch-usgs --backoff 10 <req >out 2>err
	test $? = 1 &&
	grep -c "\"kind\":\"obs\"" out >n && echo 4 >want && test_cmp want n &&
	grep "\"kind\":\"error\"" out | sed "s/\"message\":\".*/M/" >got &&
	cat >want <<-\EOF &&
	{"kind":"error","config":"p","station":"01646500","agency":"USGS","type":"daily_mean","start":"2025-12-26","status":503,M
	{"kind":"error","config":"p","station":"05427718","agency":"USGS","type":"daily_mean","start":"2025-12-26","status":503,M
	EOF
	test_cmp want got &&
	tail -n 2 out | grep -c "\"kind\":\"error\"" >n && echo 2 >want &&
	test_cmp want n &&
	grep "HTTP 503 after 5 attempts" out &&
	grep -c "^sf-fetch-usgs: station .0[15][0-9]*.: GET .*HTTP 503 after 5 attempts" err >n &&
	echo 2 >want && test_cmp want n &&
	test "$(server_requests | grep -c cursor=2)" = 5 &&
	! grep pat-Zq9 out err
'

test_expect_success 'the failed window loads: progress stops before the gap' '
	sf-load out; test $? = 1 &&
	test "$(sql "SELECT count(*) FROM discharge_observations")" = 4
'

test_expect_success 'a 4xx is not retried; its message is kept' '
	start_server routes.403 &&
	SF_USGS_URL=$SERVER_URL sf-fetch-usgs -s 01646500 --start 2024-01-01 \
	    >out 2>err
	test $? = 1 &&
	test "$(server_requests | wc -l)" = 1 &&
	grep "HTTP 403: API_KEY_INVALID: An invalid api_key was supplied" err &&
	grep "\"status\":403" out
'

test_expect_success 'a body cut short: an error, no rows' '
	cat >routes <<-EOF &&
	GET /collections/daily/items -> 200 "$D/daily_page1.json" cut=700
	EOF
	start_server routes &&
	SF_USGS_URL=$SERVER_URL sf-fetch-usgs --backoff 10 -s 05427718 \
	    -s 01646500 --start 2025-12-26 --end 2025-12-28 >out 2>err
	test $? = 1 &&
	! grep "\"kind\":\"obs\"" out &&
	test "$(grep -c "\"kind\":\"error\"" out)" = 2 &&
	grep "station .01646500.:.*GET http" err
'

test_expect_success 'a body cut once is fetched again, whole' '
	cat >routes <<-EOF &&
	GET /collections/daily/items cursor=2 -> 200 "$D/daily_page2.json"
	GET /collections/daily/items
	  -> 200 "$D/daily_page1.json" cut=900
	  -> 200 "$D/daily_page1.json"
	EOF
	start_server routes &&
	SF_USGS_URL=$SERVER_URL sf-fetch-usgs --backoff 10 -s 05427718 \
	    -s 01646500 --start 2025-12-26 --end 2025-12-28 >out 2>err &&
	test "$(grep -c "\"kind\":\"obs\"" out)" = 6 &&
	test "$(sort -u out | wc -l)" = 6
'

test_expect_success 'a slow server: a timeout, an error' '
	cat >routes <<-EOF &&
	GET /collections/daily/items -> 200 "$E" delay=5
	EOF
	start_server routes &&
	SF_USGS_URL=$SERVER_URL sf-fetch-usgs --backoff 10 --timeout 0.5 \
	    -s 01646500 --start 2024-04-01 --end 2024-04-10 >out 2>err
	test $? = 1 &&
	grep "\"kind\":\"error\"" out &&
	grep -i "timeout\|timed out" err
'

test_expect_success 'an HTML answer is an error' '
	cat >routes <<-EOF &&
	GET /collections/daily/items -> 200 text="<html><title>Gateway</title></html>" type=text/html
	EOF
	start_server routes &&
	SF_USGS_URL=$SERVER_URL sf-fetch-usgs -s 01646500 --start 2024-04-01 \
	    >out 2>err
	test $? = 1 && grep "HTML" err
'

test_expect_success 'CSV: the error goes to stderr only' '
	cat >routes <<-EOF &&
	GET /collections/daily/items -> 404
	EOF
	start_server routes &&
	SF_USGS_URL=$SERVER_URL sf-fetch-usgs -f csv -s 01646500 \
	    --start 2024-04-01 >out 2>err
	test $? = 1 && test_must_be_empty out &&
	grep "station .01646500.: GET .*HTTP 404" err
'

test_done
