#!/bin/sh
test_description='sf-fetch-nwm: NWS and reach ids checked by their grammar (issue 11.8)'
. "$(dirname "$0")/test-lib.sh"
. "$SF_TOP/tests/server/lib.sh"

start_server "$TEST_DATA/nwps/nwps.routes" || exit 1
SF_NWPS_URL=$SERVER_URL
export SF_NWPS_URL

test_expect_success 'options: ids outside the grammar are usage errors' '
	for args in "--gauge .." "--gauge ." "--gauge amat2" "--gauge AMAT2/x" \
	    "--gauge AB" "--gauge PTTP12" "--reach .." "--reach 12a" \
	    "--reach -1" "--reach 1234567890123456"
	do
		rc=0; sf-fetch-nwm $args </dev/null >out 2>err || rc=$?
		if [ "$rc" != 2 ]; then echo "$args: exit $rc"; exit 1; fi
		test_must_be_empty out || exit 1
		grep "^sf-fetch-nwm: --[a-z]*: .*not an" err || exit 1
	done &&
	test_must_be_empty "$SERVER_LOG"
'

test_expect_success 'options: good ids pass' '
	sf-fetch-nwm --gauge AMAT2 >out 2>err &&
	grep "\"kind\":\"forecast\"" out
'

test_expect_success 'request records: a bad target_id is an error record, never a URL' '
	: >"$SERVER_LOG" &&
	cat >in <<-\EOF &&
	{"kind":"request","config":"f","station":"08010000","agency":"USGS","type":"NOAA_RFC","source":null,"start":"2024-01-01T00:00:00Z","end":null,"modified_since":null,"target_id":".."}
	{"kind":"request","config":"f","station":"08010001","agency":"USGS","type":"NOAA_RFC","source":null,"start":"2024-01-01T00:00:00Z","end":null,"modified_since":null,"target_id":"AMAT2\nX-Evil: 1"}
	{"kind":"request","config":"f","station":"08010002","agency":"USGS","type":"NWM_SHORT_RANGE","source":null,"start":"2024-01-01T00:00:00Z","end":null,"modified_since":null,"target_id":"2617456/../x"}
	EOF
	rc=0; sf-fetch-nwm <in >out 2>err || rc=$? &&
	test "$rc" = 1 &&
	test_must_be_empty "$SERVER_LOG" &&
	test "$(grep -c "\"kind\":\"error\"" out)" = 3 &&
	grep "\"station\":\"08010000\".*NWS id .\.\..: not an NWS location id" out &&
	grep "\"station\":\"08010001\".*NWS id .AMAT2?X-Evil: 1.: not" out &&
	grep "\"station\":\"08010002\".*reach .2617456/\.\./x.: not an NWM reach id" out &&
	test "$(wc -l <err)" = 3 &&
	test "$(grep -c "^sf-fetch-nwm: station .0801000[0-2].: " err)" = 3
'

test_done
