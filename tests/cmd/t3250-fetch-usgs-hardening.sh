#!/bin/sh
test_description='sf-fetch-usgs: next links off origin or in a loop, the key in responses, cut answers'
. "$(dirname "$0")/test-lib.sh"
. "$SF_TOP/tests/server/lib.sh"

D=$TEST_DATA/usgs
API_USGS_PAT=pat-Zq9-secret
export API_USGS_PAT
: >page.json
: >page1.json
: >bad.json

# page.json: one row of 01646500 (or of station $2) and a next link to $1
page() {
	sed "s|NEXT|$1|; s|01646500|${2:-01646500}|" \
	    "$D/daily_next_NEXT.json" >page.json
}

test_expect_success 'a next link to another host is not followed (11.2)' '
	cat >routes <<-\EOF &&
	GET /collections/daily/items -> 200 page.json
	EOF
	start_server routes &&
	other=$(echo "$SERVER_URL" | sed "s|127.0.0.1|localhost|") &&
	test "$other" != "$SERVER_URL" &&
	page "$other/collections/daily/items?cursor=2" &&
	SF_USGS_URL=$SERVER_URL sf-fetch-usgs -s 01646500 \
	    --start 2025-12-26 --end 2025-12-28 >out 2>err
	test $? = 1 &&
	test "$(server_requests | wc -l)" = 1 &&
	grep "\"kind\":\"error\".*\"station\":\"01646500\".*next link .*another origin" out &&
	grep "station .01646500.: .*next link .*another origin" err &&
	! grep pat-Zq9 out err
'

test_expect_success 'a next link on another port or scheme is not followed' '
	cat >routes <<-\EOF &&
	GET /collections/daily/items -> 200 page.json
	EOF
	start_server routes &&
	port=${SERVER_URL##*:} &&
	page "http://127.0.0.1:$((port + 1))/collections/daily/items?cursor=2" &&
	SF_USGS_URL=$SERVER_URL sf-fetch-usgs -s 01646500 \
	    --start 2025-12-26 --end 2025-12-28 >out 2>err
	test $? = 1 &&
	grep "\"kind\":\"error\".*another origin" out &&
	page "https://127.0.0.1:$port/collections/daily/items?cursor=2" &&
	SF_USGS_URL=$SERVER_URL sf-fetch-usgs -s 01646500 \
	    --start 2025-12-26 --end 2025-12-28 >out 2>err
	test $? = 1 &&
	grep "\"kind\":\"error\".*another origin" out &&
	test "$(server_requests | wc -l)" = 2
'

test_expect_success 'a next link to the same origin is followed' '
	cat >routes <<-EOF &&
	GET /collections/daily/items cursor=2 -> 200 "$D/daily_page2.json"
	GET /collections/daily/items -> 200 page.json
	EOF
	start_server routes &&
	page "$SERVER_URL/collections/daily/items?cursor=2" &&
	SF_USGS_URL=$SERVER_URL sf-fetch-usgs -s 01646500 -s 05427718 \
	    --start 2025-12-26 --end 2025-12-28 >out 2>err &&
	test "$(server_requests | wc -l)" = 2 &&
	! grep "\"kind\":\"error\"" out
'

# The looping pages hold a row of a station not asked for (dropped with a
# warning), so that the loop, not rows out of order, is what stops them.
test_expect_success 'a next link that repeats stops the request (11.4)' '
	cat >routes <<-\EOF &&
	GET /collections/daily/items -> 200 page.json
	EOF
	start_server routes &&
	page "$SERVER_URL/collections/daily/items?cursor=2" 05427718 &&
	SF_USGS_URL=$SERVER_URL timeout 20 sf-fetch-usgs -s 01646500 \
	    --start 2025-12-26 --end 2025-12-28 >out 2>err
	test $? = 1 &&
	test "$(server_requests | wc -l)" = 2 &&
	grep "\"kind\":\"error\".*next link .*seen before" out &&
	grep "station .01646500.: .*next link .*seen before" err
'

test_expect_success 'a two-page cycle stops too' '
	cat >routes <<-EOF &&
	GET /collections/daily/items cursor=2 -> 200 page1.json
	GET /collections/daily/items -> 200 page.json
	EOF
	start_server routes &&
	page "$SERVER_URL/collections/daily/items?cursor=1" 05427718 &&
	mv page.json page1.json &&
	page "$SERVER_URL/collections/daily/items?cursor=2" 05427718 &&
	SF_USGS_URL=$SERVER_URL timeout 20 sf-fetch-usgs -s 01646500 \
	    --start 2025-12-26 --end 2025-12-28 >out 2>err
	test $? = 1 &&
	test "$(server_requests | wc -l)" = 3 &&
	grep "\"kind\":\"error\".*seen before" out
'

test_expect_success 'the key echoed in a value is scrubbed (11.5)' '
	cat >routes <<-\EOF &&
	GET /collections/daily/items -> 200 bad.json
	EOF
	start_server routes &&
	sed "s|KEY|$API_USGS_PAT|" "$D/daily_badvalue_KEY.json" >bad.json &&
	SF_USGS_URL=$SERVER_URL sf-fetch-usgs --config p -s 01646500 \
	    --start 2025-12-26 --end 2025-12-28 >out 2>err
	test $? = 1 &&
	grep "\"kind\":\"error\".*not a number" out &&
	grep "not a number" err &&
	! grep pat-Zq9 out err &&
	sf-config add p --type daily_mean --agency USGS --start 2025-01-01 \
	    --schedule 1d &&
	sf-load out 2>lerr; test $? = 1 &&
	test "$(sql "SELECT count(*) FROM data_pull_logs WHERE error_message LIKE '\''%not a number%'\''")" != 0 &&
	test "$(sql "SELECT count(*) FROM data_pull_logs WHERE error_message LIKE '\''%pat-Zq9%'\''")" = 0
'

test_expect_success 'a 200 cut short: the error record has no status 200' '
	cat >routes <<-EOF &&
	GET /collections/daily/items -> 200 "$D/daily_page1.json" cut=700
	EOF
	start_server routes &&
	SF_USGS_URL=$SERVER_URL sf-fetch-usgs --backoff 10 -s 01646500 \
	    --start 2025-12-26 --end 2025-12-28 >out 2>err
	test $? = 1 &&
	grep "\"kind\":\"error\".*\"status\":null" out &&
	! grep "\"status\":200" out
'

test_expect_success 'a 200 that times out: no status 200 either' '
	cat >routes <<-EOF &&
	GET /collections/daily/items -> 200 "$D/daily_page1.json" trickle=100/1
	EOF
	start_server routes &&
	SF_USGS_URL=$SERVER_URL sf-fetch-usgs --backoff 10 --timeout 1 \
	    -s 01646500 --start 2025-12-26 --end 2025-12-28 >out 2>err
	test $? = 1 &&
	grep "\"kind\":\"error\".*\"status\":null" out &&
	! grep "\"status\":200" out
'

test_done
