#!/bin/sh
test_description='sf-fetch-usgs --service nwis: legacy RDB, the no-data answers'
. "$(dirname "$0")/test-lib.sh"
. "$(dirname "$0")/lib-nodone.sh"
hide_done sf-fetch-usgs
. "$SF_TOP/tests/server/lib.sh"

N='$FIXTURES/usgs/nwis'
cat >routes <<EOF
GET /dv/ sites=02177000 -> 200 '$N/dv_rdb_02177000_00060_2014_dataRetrieval_RDB1Example.rdb'
GET /dv/ sites=03451500 -> 200 '$N/dv_rdb_03451500_multiparam_2022_tstool.rdb'
GET /dv/ sites=01000001 -> 200 text='No sites/data found using the selection criteria specified' type=text/plain
GET /dv/ sites=01000002 -> 200 text='#  comments only' type=text/plain
GET /dv/ sites=01000003 -> 503 text='<html><head><title>Service Unavailable</title></head></html>' type=text/html
GET /dv/ sites=01000004 -> 200 text='<html><head><title>Oops</title></head></html>' type=text/html
GET /iv/ sites=09512500 -> 200 '$N/iv_rdb_09512500_00060_2016-05_tstool.rdb'
GET /site/ -> 200 '$N/site_rdb_basic_many_2020_dataretrieval.rdb'
EOF
start_server routes || exit 1
SF_USGS_URL=$SERVER_URL
export SF_USGS_URL

test_expect_success 'dv RDB: the request, the rows' '
	: >"$SERVER_LOG" &&
	sf-fetch-usgs --service nwis --config g -s 02177000 \
	    --start 2012-09-01 --end 2012-10-01 >out &&
	server_requests >got &&
	echo "GET /dv/?format=rdb&sites=02177000&parameterCd=00060&statCd=00003&startDT=2012-09-01&endDT=2012-10-01" >want &&
	test_cmp want got &&
	sed -n "1p;\$p" out >got &&
	cat >want <<-\EOF &&
	{"kind":"obs","config":"g","station":"02177000","agency":"USGS","type":"daily_mean","observed_at":"2012-09-01T00:00:00Z","discharge":191,"unit":"cfs","quality_code":"A"}
	{"kind":"obs","config":"g","station":"02177000","agency":"USGS","type":"daily_mean","observed_at":"2012-10-01T00:00:00Z","discharge":365,"unit":"cfs","quality_code":"P"}
	EOF
	test_cmp want got &&
	test "$(wc -l <out)" = 31
'

test_expect_success 'dv RDB of several parameters: discharge only' '
	sf-fetch-usgs --service nwis -s 03451500 --start 2000-01-01 \
	    --end 2010-12-31 >out &&
	test "$(wc -l <out)" = 4018 &&
	sed -n "1p;\$p" out >got &&
	cat >want <<-\EOF &&
	{"kind":"obs","config":null,"station":"03451500","agency":"USGS","type":"daily_mean","observed_at":"2000-01-01T00:00:00Z","discharge":1040,"unit":"cfs","quality_code":"A"}
	{"kind":"obs","config":null,"station":"03451500","agency":"USGS","type":"daily_mean","observed_at":"2010-12-31T00:00:00Z","discharge":1040,"unit":"cfs","quality_code":"A"}
	EOF
	test_cmp want got
'

test_expect_success 'iv RDB: MST to UTC, in windows, ascending' '
	: >"$SERVER_LOG" &&
	sf-fetch-usgs --service nwis -t realtime_15min -s 09512500 \
	    --start 2016-05-01 --end 2016-05-31 >out &&
	server_param startDT >got && echo 2016-05-01T00:00Z >want &&
	test_cmp want got &&
	sed -n "1p;\$p" out >got &&
	cat >want <<-\EOF &&
	{"kind":"obs","config":null,"station":"09512500","agency":"USGS","type":"realtime_15min","observed_at":"2016-05-09T07:00:00Z","discharge":1.0,"unit":"cfs","quality_code":"P"}
	{"kind":"obs","config":null,"station":"09512500","agency":"USGS","type":"realtime_15min","observed_at":"2016-05-16T17:30:00Z","discharge":0.82,"unit":"cfs","quality_code":"P"}
	EOF
	test_cmp want got &&
	sed "s/.*observed_at\":\"\([^\"]*\)\".*/\1/" out >t &&
	sort -u t | test_cmp - t
'

test_expect_success 'no data: 404, "No sites/data found", comments only' '
	sf-fetch-usgs --service nwis -s 01000000 -s 01000001 --start 2024-01-01 \
	    --end 2024-01-02 >out 2>err &&
	sf-fetch-usgs --service nwis -s 01000002 --start 2024-01-01 \
	    --end 2024-01-02 >>out 2>>err &&
	test_must_be_empty out && test_must_be_empty err
'

test_expect_success 'an HTML page is an error, 2xx or 5xx' '
	sf-fetch-usgs --service nwis --backoff 1 -s 01000003 \
	    --start 2024-01-01 >out 2>err
	test $? = 1 && grep "HTTP 503 after 5 attempts: Service Unavailable" err &&
	sf-fetch-usgs --service nwis -s 01000004 --start 2024-01-01 >out 2>err
	test $? = 1 && grep "\"kind\":\"error\"" out && grep HTML err
'

test_expect_success 'the site service for --stations' '
	: >"$SERVER_LOG" &&
	sf-fetch-usgs --service nwis --stations --state VA >out &&
	server_requests >got &&
	echo "GET /site/?format=rdb&stateCd=VA&siteType=ST&siteOutput=expanded" >want &&
	test_cmp want got &&
	head -n 1 out | grep "\"station\":\"03161500\"" &&
	sf-load <out
'

test_done
