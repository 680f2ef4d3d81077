#!/bin/sh
test_description='sf-fetch-usgs: slowing down near the rate limit, gzip, keep-alive'
. "$(dirname "$0")/test-lib.sh"
. "$(dirname "$0")/lib-nodone.sh"
hide_done sf-fetch-usgs
. "$SF_TOP/tests/server/lib.sh"

D=$TEST_DATA/usgs
cat >routes <<EOF
GET /collections/daily/items cursor=2 -> 200 '$D/daily_page2.json' gzip X-RateLimit-Remaining: 17
GET /collections/daily/items -> 200 '$D/daily_page1.json' gzip X-RateLimit-Remaining: 18
EOF
start_server routes || exit 1
SF_USGS_URL=$SERVER_URL
export SF_USGS_URL

# gap: seconds between the server's first two requests, times 10
gap() {
	python3 -c "
import json, sys
t = [json.loads(l)['t'] for l in open(sys.argv[1])]
print(int((t[1] - t[0]) * 10))" "$SERVER_LOG"
}

test_expect_success 'X-RateLimit-Remaining 18: the next request waits' '
	: >"$SERVER_LOG" &&
	sf-fetch-usgs -v -s 05427718 -s 01646500 --start 2025-12-26 \
	    --end 2025-12-28 >out 2>err &&
	test "$(wc -l <out)" = 6 &&
	grep "X-RateLimit-Remaining 18: slowing down" err &&
	test "$(gap)" -ge 9
'

test_expect_success 'gzip asked for and decoded; one connection kept alive' '
	server_header Accept-Encoding | sort -u >got &&
	echo gzip >want && test_cmp want got &&
	python3 -c "
import json, sys
c = {json.loads(l)[\"conn\"] for l in open(sys.argv[1])}
sys.exit(0 if len(c) == 1 else 1)" "$SERVER_LOG" &&
	server_header User-Agent | sed "s/[0-9.]*$//" | sort -u >got &&
	echo sf/ >want && test_cmp want got
'

test_done
