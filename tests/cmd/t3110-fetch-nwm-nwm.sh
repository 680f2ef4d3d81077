#!/bin/sh
test_description='sf-fetch-nwm: National Water Model guidance at reaches'
. "$(dirname "$0")/test-lib.sh"
. "$(dirname "$0")/lib-nodone.sh"
hide_done sf-fetch-nwm
. "$SF_TOP/tests/server/lib.sh"

start_server "$TEST_DATA/nwps/nwps.routes" || exit 1
SF_NWPS_URL=$SERVER_URL
export SF_NWPS_URL

HDR=config,station,agency,target_id,source,member,run_date,valid_at,discharge,unit,stage,stage_unit
P=,2617456,NWM,2617456

test_expect_success 'the short-range sample: its unit ft3/s (a superscript 3) is cfs, no stage, no member' '
	sf-fetch-nwm -f csv --reach 2617456 >out 2>err &&
	test_must_be_empty err &&
	cat >expect <<-EOT &&
	$HDR
	$P,NWM_SHORT_RANGE,,2026-09-25T23:00:00Z,2026-09-26T00:00:00Z,1280.8599853515625,cfs,,
	$P,NWM_SHORT_RANGE,,2026-09-25T23:00:00Z,2026-09-26T01:00:00Z,1282.6300048828125,cfs,,
	$P,NWM_SHORT_RANGE,,2026-09-25T23:00:00Z,2026-09-26T02:00:00Z,1285.449951171875,cfs,,
	$P,NWM_SHORT_RANGE,,2026-09-25T23:00:00Z,2026-09-26T03:00:00Z,1288.989990234375,cfs,,
	$P,NWM_SHORT_RANGE,,2026-09-25T23:00:00Z,2026-09-26T04:00:00Z,1293.219970703125,cfs,,
	$P,NWM_SHORT_RANGE,,2026-09-25T23:00:00Z,2026-09-26T05:00:00Z,1298.8699951171875,cfs,,
	$P,NWM_SHORT_RANGE,,2026-09-25T23:00:00Z,2026-09-26T06:00:00Z,1305.22998046875,cfs,,
	$P,NWM_SHORT_RANGE,,2026-09-25T23:00:00Z,2026-09-26T07:00:00Z,1312.6500244140625,cfs,,
	$P,NWM_SHORT_RANGE,,2026-09-25T23:00:00Z,2026-09-26T08:00:00Z,1321.469970703125,cfs,,
	$P,NWM_SHORT_RANGE,,2026-09-25T23:00:00Z,2026-09-26T09:00:00Z,1332.419921875,cfs,,
	$P,NWM_SHORT_RANGE,,2026-09-25T23:00:00Z,2026-09-26T10:00:00Z,1344.0799560546875,cfs,,
	$P,NWM_SHORT_RANGE,,2026-09-25T23:00:00Z,2026-09-26T11:00:00Z,1356.43994140625,cfs,,
	$P,NWM_SHORT_RANGE,,2026-09-25T23:00:00Z,2026-09-26T12:00:00Z,1369.5,cfs,,
	$P,NWM_SHORT_RANGE,,2026-09-25T23:00:00Z,2026-09-26T13:00:00Z,1384.3299560546875,cfs,,
	$P,NWM_SHORT_RANGE,,2026-09-25T23:00:00Z,2026-09-26T14:00:00Z,1398.1099853515625,cfs,,
	$P,NWM_SHORT_RANGE,,2026-09-25T23:00:00Z,2026-09-26T15:00:00Z,1411.169921875,cfs,,
	$P,NWM_SHORT_RANGE,,2026-09-25T23:00:00Z,2026-09-26T16:00:00Z,1424.949951171875,cfs,,
	$P,NWM_SHORT_RANGE,,2026-09-25T23:00:00Z,2026-09-26T17:00:00Z,1439.429931640625,cfs,,
	EOT
	test_cmp expect out
'

test_expect_success 'the request asks for the series by name' '
	: >"$SERVER_LOG" &&
	sf-fetch-nwm --reach 2617456 >/dev/null &&
	sf-fetch-nwm --reach 2617456 --series medium_range >/dev/null &&
	sf-fetch-nwm --reach 2617456 --series long_range >/dev/null 2>&1 &&
	cat >expect <<-\EOT &&
	GET /reaches/2617456/streamflow?series=short_range
	GET /reaches/2617456/streamflow?series=medium_range
	GET /reaches/2617456/streamflow?series=long_range
	EOT
	server_requests >actual &&
	test_cmp expect actual
'

test_expect_success 'medium range: every member, in the order of the answer, mean first' '
	sf-fetch-nwm -f csv --reach 2617456 --series medium_range >out &&
	cat >expect <<-EOT &&
	$HDR
	$P,NWM_MEDIUM_RANGE,mean,2026-09-25T12:00:00Z,2026-09-26T00:00:00Z,1280.8599853515625,cfs,,
	$P,NWM_MEDIUM_RANGE,mean,2026-09-25T12:00:00Z,2026-09-26T03:00:00Z,1288.989990234375,cfs,,
	$P,NWM_MEDIUM_RANGE,mean,2026-09-25T12:00:00Z,2026-09-26T06:00:00Z,1305.22998046875,cfs,,
	$P,NWM_MEDIUM_RANGE,member1,2026-09-25T12:00:00Z,2026-09-26T00:00:00Z,1268.36,cfs,,
	$P,NWM_MEDIUM_RANGE,member1,2026-09-25T12:00:00Z,2026-09-26T03:00:00Z,1276.49,cfs,,
	$P,NWM_MEDIUM_RANGE,member1,2026-09-25T12:00:00Z,2026-09-26T06:00:00Z,1292.73,cfs,,
	$P,NWM_MEDIUM_RANGE,member2,2026-09-25T12:00:00Z,2026-09-26T00:00:00Z,1301.11,cfs,,
	$P,NWM_MEDIUM_RANGE,member2,2026-09-25T12:00:00Z,2026-09-26T03:00:00Z,1309.24,cfs,,
	$P,NWM_MEDIUM_RANGE,member2,2026-09-25T12:00:00Z,2026-09-26T06:00:00Z,1325.48,cfs,,
	EOT
	test_cmp expect out
'

test_expect_success 'members are strings in NDJSON; the short range member is null' '
	sf-fetch-nwm --reach 2617456 --series medium_range >out &&
	sed -n 4p out >actual &&
	cat >expect <<-\EOT &&
	{"kind":"forecast","config":null,"station":"2617456","agency":"NWM","target_id":"2617456","source":"NWM_MEDIUM_RANGE","member":"member1","run_date":"2026-09-25T12:00:00Z","valid_at":"2026-09-26T00:00:00Z","discharge":1268.36,"unit":"cfs","stage":null,"stage_unit":null}
	EOT
	test_cmp expect actual &&
	sf-fetch-nwm --reach 2617456 | sed -n 1p >actual &&
	cat >expect <<-\EOT &&
	{"kind":"forecast","config":null,"station":"2617456","agency":"NWM","target_id":"2617456","source":"NWM_SHORT_RANGE","member":null,"run_date":"2026-09-25T23:00:00Z","valid_at":"2026-09-26T00:00:00Z","discharge":1280.8599853515625,"unit":"cfs","stage":null,"stage_unit":null}
	EOT
	test_cmp expect actual
'

test_expect_success 'an empty series (longRange {}) is no forecast: a warning, exit 0' '
	sf-fetch-nwm --reach 2617456 --series long_range >out 2>err &&
	test_must_be_empty out &&
	echo "sf-fetch-nwm: warning: reach '\''2617456'\'': no NWM_LONG_RANGE forecast issued" >expect &&
	test_cmp expect err
'

test_expect_success 'the members load as runs of their own' '
	sf-fetch-nwm --reach 2617456 --series medium_range >recs &&
	sed "s/\"station\":\"2617456\",\"agency\":\"NWM\"/\"station\":\"01427510\",\"agency\":\"USGS\"/" recs >usgs &&
	sf-load usgs &&
	sql "SELECT member, run_date, target_id, json_array_length(data)
	    FROM forecast_runs ORDER BY member" >actual &&
	cat >expect <<-\EOT &&
	mean|2026-09-25T12:00:00Z|2617456|3
	member1|2026-09-25T12:00:00Z|2617456|3
	member2|2026-09-25T12:00:00Z|2617456|3
	EOT
	test_cmp expect actual
'

test_expect_success 'an unknown reach: the 404 names it' '
	rc=0; sf-fetch-nwm --reach 999 >out 2>err || rc=$?;
	test "$rc" = 1 &&
	grep "^{\"kind\":\"error\",\"config\":null,\"station\":\"999\",\"agency\":\"NWM\",\"type\":\"NWM_SHORT_RANGE\",\"start\":null,\"status\":404,\"message\":\"reach .999.: GET .*/reaches/999/streamflow?series=short_range: HTTP 404: Not Found\"}$" out
'

test_expect_success 'gauges and reaches together: gauges first, each its series' '
	: >"$SERVER_LOG" &&
	sf-fetch-nwm --reach 2617456 --gauge AMAT2 -f csv >out &&
	sed 1d out | cut -d, -f2,5 | uniq -c >actual &&
	cat >expect <<-\EOT &&
	     20 AMAT2,NOAA_RFC
	     18 2617456,NWM_SHORT_RANGE
	EOT
	test_cmp expect actual
'

test_expect_code 2 '--series of an NWM series does not go with --gauge' '
	sf-fetch-nwm --gauge AMAT2 --series short_range
'

test_expect_code 2 '--series rfc does not go with --reach' '
	sf-fetch-nwm --reach 2617456 --series rfc
'

test_expect_code 2 'an unknown series is a usage error' '
	sf-fetch-nwm --reach 2617456 --series analysis_assimilation
'

test_done
