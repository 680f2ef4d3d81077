#!/bin/sh
test_description='sf-fetch-nwm --mappings: station mappings from gauges/{id}'
. "$(dirname "$0")/test-lib.sh"
. "$SF_TOP/tests/server/lib.sh"

start_server "$TEST_DATA/nwps/nwps.routes" || exit 1
SF_NWPS_URL=$SERVER_URL
export SF_NWPS_URL

HDR=source_agency,source_id,target_agency,target_id

test_expect_success 'a USGS number: its NWS location id and its NWM reach' '
	: >"$SERVER_LOG" &&
	sf-fetch-nwm --mappings -s 15258000 >out 2>err &&
	test_must_be_empty err &&
	cat >expect <<-EOT &&
	$HDR
	USGS,15258000,NOAA-HADS,COOA2
	USGS,15258000,NWM,15009671
	EOT
	test_cmp expect out &&
	echo "GET /gauges/15258000" >expect &&
	server_requests >actual &&
	test_cmp expect actual
'

test_expect_success 'a gauge without a USGS number (BFOF1): no row, a warning, exit 0' '
	sf-fetch-nwm --mappings -s BFOF1 >out 2>err &&
	echo "$HDR" >expect &&
	test_cmp expect out &&
	echo "sf-fetch-nwm: warning: gauge '\''BFOF1'\'': no USGS station number: no mapping" >expect &&
	test_cmp expect err
'

test_expect_success 'an unknown station: an error on stderr, no record, exit 1' '
	rc=0; sf-fetch-nwm --mappings -s 01646500 -s 15258000 >out 2>err || rc=$?;
	test "$rc" = 1 &&
	cat >expect <<-EOT &&
	$HDR
	USGS,15258000,NOAA-HADS,COOA2
	USGS,15258000,NWM,15009671
	EOT
	test_cmp expect out &&
	sed "s|$SERVER_URL|URL|" err >actual &&
	echo "sf-fetch-nwm: station '\''01646500'\'': GET URL/gauges/01646500: HTTP 404: Not Found" >expect &&
	test_cmp expect actual
'

test_expect_success 'request records in: their stations are asked; other records skipped' '
	: >"$SERVER_LOG" &&
	cat >in <<-\EOT &&
	{"kind":"request","config":"k","station":"15258000","agency":"USGS","type":"NOAA_RFC","source":null,"start":null,"end":null,"modified_since":null,"target_id":null}
	{"kind":"error","config":"k","station":"01646500","agency":"USGS","type":"NOAA_RFC","start":null,"status":null,"message":"no NOAA-HADS mapping"}
	{"kind":"request","config":"k","station":"08MF005","agency":"EC","type":"NOAA_RFC","source":null,"start":null,"end":null,"modified_since":null,"target_id":null}
	{"kind":"request","config":"k","station":"BFOF1","agency":null,"type":null,"source":null,"start":null,"end":null,"modified_since":null,"target_id":null}
	EOT
	rc=0; sf-fetch-nwm --mappings -j 1 <in >out 2>err || rc=$?;
	test "$rc" = 1 &&
	cat >expect <<-EOT &&
	$HDR
	USGS,15258000,NOAA-HADS,COOA2
	USGS,15258000,NWM,15009671
	EOT
	test_cmp expect out &&
	cat >expect <<-\EOT &&
	sf-fetch-nwm: warning: stdin:2: error record skipped: --mappings takes requests
	sf-fetch-nwm: stdin:3: station '\''08MF005'\'': not a USGS station (NWPS knows USGS numbers only)
	sf-fetch-nwm: warning: gauge '\''BFOF1'\'': no USGS station number: no mapping
	EOT
	test_cmp expect err &&
	cat >expect <<-\EOT &&
	GET /gauges/15258000
	GET /gauges/BFOF1
	EOT
	server_requests >actual &&
	test_cmp expect actual
'

test_expect_success 'asked by its lid, a gauge gives its USGS number' '
	sf-fetch-nwm --mappings -s COOA2 >out &&
	sed -n 2p out >actual &&
	echo USGS,15258000,NOAA-HADS,COOA2 >expect &&
	test_cmp expect actual
'

test_expect_success 'nothing asked: the header alone' '
	sf-fetch-nwm --mappings </dev/null >out &&
	echo "$HDR" >expect &&
	test_cmp expect out
'

test_expect_success 'sf-map import takes the output: the NWM reach is added' '
	sf-fetch-nwm --mappings -s 15258000 | sf-map import -v - 2>err &&
	grep "^sf-map: 1 inserted, 1 unchanged, 0 replaced, 0 conflicts, 0 bad lines$" err &&
	sf-map --to NWM -s 15258000 >out &&
	grep "\"station\":\"15258000\",\"agency\":\"USGS\".*\"target_id\":\"15009671\"" out
'

test_expect_success '-v says how many' '
	sf-fetch-nwm -v --mappings -s 15258000 -s BFOF1 >out 2>err &&
	grep "^sf-fetch-nwm: 2 stations, 2 mappings, 0 failed; 2 requests, 0 retries$" err
'

test_done
