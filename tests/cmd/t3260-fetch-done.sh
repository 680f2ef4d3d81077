#!/bin/sh
# engines: sqlite postgresql
test_description='fetchers: done records, the revision pass, the forecast source, the key file'
. "$(dirname "$0")/test-lib.sh"
. "$SF_TOP/tests/server/lib.sh"

D=$TEST_DATA/usgs
E='$FIXTURES/usgs/waterdata/daily_items_EMPTY_2024-04_basin3d.json'
WO='$FIXTURES/ec/wateroffice'
cat >routes <<EOF
GET /collections/daily/items cursor=2 -> 200 '$D/daily_page2.json'
GET /collections/daily/items monitoring_location_id=USGS-01646500,USGS-05427718 -> 200 '$D/daily_page1.json'
GET /collections/daily/items -> 200 '$E'
GET /collections/continuous/items -> 200 '$E'
GET /services/daily_data/csv/inline stations[]=08MF005 start_date~^2023-
  -> 200 '$WO/daily_data_08MF005_flow_2023.csv'
GET /services/daily_data/csv/inline
  -> 200 '$WO/daily_data_header_only.csv'
GET /gauges/AMAT2/stageflow/forecast
  -> 200 \$FIXTURES/noaa/nwps/sample_stageflow_forecast_AMAT2_feetball.json
GET /gauges/HNFT2/stageflow/forecast
  -> 200 \$FIXTURES/noaa/nwps/sample_stageflow_forecast_empty_HNFT2_feetball.json
EOF
unset API_USGS_PAT XDG_CONFIG_HOME

# serve ROUTES: a server for this test, every fetcher pointed at it
serve() {
	start_server "$1" || return 1
	SF_USGS_URL=$SERVER_URL
	SF_EC_URL=$SERVER_URL/services
	SF_NWPS_URL=$SERVER_URL
	export SF_USGS_URL SF_EC_URL SF_NWPS_URL
}

# req CONFIG STATION AGENCY TYPE SOURCE START END MODSINCE TARGET (null: null)
req() {
	q() { [ "$1" = null ] && printf null || printf '"%s"' "$1"; }
	printf '{"kind":"request","config":%s,"station":%s,"agency":%s,"type":%s,"source":%s,"start":%s,"end":%s,"modified_since":%s,"target_id":%s}\n' \
	    "$(q "$1")" "$(q "$2")" "$(q "$3")" "$(q "$4")" "$(q "$5")" \
	    "$(q "$6")" "$(q "$7")" "$(q "$8")" "$(q "$9")"
}

test_expect_success 'usgs: one done record per request, after its rows' '
	serve routes &&
	req p 05427718 USGS daily_mean null 2025-12-26 2025-12-28 null null >in &&
	req p 01646500 USGS daily_mean null 2025-12-26 2025-12-28 null null >>in &&
	req p 01646000 USGS daily_mean null 2024-04-01 2024-04-10 null null >>in &&
	sf-fetch-usgs <in >out 2>err &&
	grep "\"kind\":\"done\"" out >got &&
	cat >want <<-\EOF &&
	{"kind":"done","config":"p","station":"01646000","agency":"USGS","type":"daily_mean","start":"2024-04-01","end":"2024-04-10","modified_since":null,"rows":0,"newest":null}
	{"kind":"done","config":"p","station":"01646500","agency":"USGS","type":"daily_mean","start":"2025-12-26","end":"2025-12-28","modified_since":null,"rows":3,"newest":"2025-12-28T00:00:00Z"}
	{"kind":"done","config":"p","station":"05427718","agency":"USGS","type":"daily_mean","start":"2025-12-26","end":"2025-12-28","modified_since":null,"rows":3,"newest":"2025-12-28T00:00:00Z"}
	EOF
	sort got >got.s && test_cmp want got.s &&
	for s in 01646500 05427718; do
		grep -n "\"station\":\"$s\"" out | tail -1 | grep -q "\"kind\":\"done\"" || exit 1
	done
'

test_expect_success 'usgs: a failed request has an error record, no done' '
	cat >routes.fail <<-EOF &&
	GET /collections/daily/items -> 404
	EOF
	serve routes.fail &&
	req p 01646500 USGS daily_mean null 2025-12-26 2025-12-28 null null >in &&
	sf-fetch-usgs <in >out 2>err; test $? = 1 &&
	grep "\"kind\":\"error\"" out &&
	! grep "\"kind\":\"done\"" out
'

test_expect_success 'usgs: modified_since asks last_modified, one request per batch' '
	serve routes &&
	: >"$SERVER_LOG" &&
	req p 05427718 USGS daily_mean null 2025-12-26 2025-12-28 2026-01-05T00:00:00Z null >in &&
	req p 01646500 USGS daily_mean null 2025-12-26 2025-12-28 2026-01-03T00:00:00Z null >>in &&
	req p 01646500 USGS daily_mean null 2025-12-26 2025-12-28 null null >>in &&
	sf-fetch-usgs <in >out 2>err &&
	server_param last_modified >got &&
	printf "%s\n" "" "" "2026-01-03T00:00:00Z/.." | sort >want &&
	sort got >got.s && test_cmp want got.s &&
	grep "\"kind\":\"done\".*\"modified_since\":\"2026-01-05T00:00:00Z\"" out &&
	grep "\"kind\":\"done\".*\"modified_since\":\"2026-01-03T00:00:00Z\"" out &&
	test "$(grep -c "\"kind\":\"done\"" out)" = 3
'

test_expect_success 'usgs nwis: modified_since fetches the span as usual' '
	cat >routes.nwis <<-EOF &&
	GET /dv/ -> 404 text="No sites/data found using the selection criteria specified"
	EOF
	serve routes.nwis &&
	req p 01646500 USGS daily_mean null 2025-12-26 2025-12-28 2026-01-03T00:00:00Z null >in &&
	sf-fetch-usgs --service nwis <in >out 2>err &&
	server_requests >reqs && test "$(wc -l <reqs)" = 1 &&
	! grep -i modified reqs &&
	grep "\"kind\":\"done\".*\"modified_since\":\"2026-01-03T00:00:00Z\",\"rows\":0" out
'

test_expect_success 'ec: a done record per request, also with no rows' '
	serve routes &&
	req c 08MF005 EC daily_mean null 2023-01-01 2023-12-31 null null >in &&
	req c 08HB048 EC daily_mean null 1990-01-01 1990-01-31 null null >>in &&
	sf-fetch-ec <in >out 2>err &&
	grep "\"kind\":\"done\"" out | sort >got &&
	cat >want <<-\EOF &&
	{"kind":"done","config":"c","station":"08HB048","agency":"EC","type":"daily_mean","start":"1990-01-01","end":"1990-01-31","modified_since":null,"rows":0,"newest":null}
	{"kind":"done","config":"c","station":"08MF005","agency":"EC","type":"daily_mean","start":"2023-01-01","end":"2023-12-31","modified_since":null,"rows":365,"newest":"2023-12-31T00:00:00Z"}
	EOF
	test_cmp want got &&
	grep -n "\"station\":\"08MF005\"" out | tail -1 | grep "\"kind\":\"done\""
'

test_expect_success 'nwm: done after the forecast, newest the run; none issued: rows 0' '
	serve routes &&
	req f 15258000 USGS forecast NOAA_RFC 2024-01-01T00:00:00Z null null AMAT2 >in &&
	req f 15258001 USGS forecast NOAA_RFC 2024-01-01T00:00:00Z null null HNFT2 >>in &&
	sf-fetch-nwm <in >out 2>err &&
	grep "\"kind\":\"done\"" out >got &&
	n=$(grep -c "\"kind\":\"forecast\"" out) && test "$n" -gt 0 &&
	run=$(grep "\"kind\":\"forecast\"" out | head -1 | sed "s/.*\"run_date\":\"\([^\"]*\)\".*/\1/") &&
	cat >want <<-EOF &&
	{"kind":"done","config":"f","station":"15258000","agency":"USGS","type":"forecast","start":"2024-01-01T00:00:00Z","end":null,"modified_since":null,"rows":$n,"newest":"$run"}
	{"kind":"done","config":"f","station":"15258001","agency":"USGS","type":"forecast","start":"2024-01-01T00:00:00Z","end":null,"modified_since":null,"rows":0,"newest":null}
	EOF
	test_cmp want got &&
	tail -n 2 out >last2 && test_cmp want last2
'

test_expect_success 'nwm: the source field chooses the series; the old type form still works' '
	serve routes &&
	req f 15258000 USGS forecast NOAA_RFC null null null AMAT2 >in &&
	req f 15258000 USGS NOAA_RFC null null null null AMAT2 >>in &&
	req f 15258000 USGS forecast BOGUS null null null AMAT2 >>in &&
	sf-fetch-nwm <in >out 2>err; test $? = 1 &&
	test "$(grep -c "\"kind\":\"done\"" out)" = 2 &&
	grep "\"kind\":\"error\".*source .BOGUS.: not a forecast source" out
'

test_expect_success 'csv: no done records (a CSV stream holds one kind)' '
	serve routes &&
	req p 01646500 USGS daily_mean null 2025-12-26 2025-12-28 null null >in &&
	req p 05427718 USGS daily_mean null 2025-12-26 2025-12-28 null null >>in &&
	sf-fetch-usgs -f csv <in >out 2>err &&
	! grep -i done out && test "$(wc -l <out)" = 7 &&
	req c 08MF005 EC daily_mean null 2023-01-01 2023-12-31 null null >in &&
	sf-fetch-ec -f csv <in >out 2>err &&
	! grep -i done out && test "$(wc -l <out)" = 366 &&
	req f 15258000 USGS forecast NOAA_RFC null null null AMAT2 >in &&
	sf-fetch-nwm -f csv <in >out 2>err &&
	! grep -i done out
'

test_expect_success 'done records load: sf-load takes them' '
	serve routes &&
	req p 01646500 USGS daily_mean null 2025-12-26 2025-12-28 null null >in &&
	req p 05427718 USGS daily_mean null 2025-12-26 2025-12-28 null null >>in &&
	sf-fetch-usgs <in >out &&
	test "$(grep -c "\"kind\":\"done\"" out)" = 2 &&
	sf-load out &&
	test "$(sql "SELECT count(*) FROM discharge_observations")" = 6
'

test_expect_success 'usgs: a date-only --end is the end of that day' '
	serve routes &&
	: >"$SERVER_LOG" &&
	sf-fetch-usgs -t realtime_15min -s 06904500 --start 2025-03-01 \
	    --end 2025-03-02 >out 2>err &&
	server_param time >got &&
	echo "2025-03-01T00:00:00Z/2025-03-02T23:59:59Z" >want &&
	test_cmp want got
'

cat >routes.key <<EOF
GET /collections/* !@X-Api-Key -> 403 text='{"code":"403","description":"API key missing"}'
GET /collections/daily/items -> 200 '$E'
EOF

test_expect_success 'key: from the file when API_USGS_PAT is unset' '
	serve routes.key &&
	mkdir -p .config/sf && printf "file-Kq7-secret\n" >.config/sf/usgs.key &&
	chmod 600 .config/sf/usgs.key &&
	sf-fetch-usgs -s 01646500 --start 2024-04-01 >out 2>err &&
	server_header X-Api-Key >got && echo file-Kq7-secret >want &&
	test_cmp want got &&
	! grep Kq7 out err
'

test_expect_success 'key: XDG_CONFIG_HOME names the directory' '
	serve routes.key &&
	: >"$SERVER_LOG" &&
	mkdir -p xdg/sf && printf "xdg-Kq7-secret\n" >xdg/sf/usgs.key &&
	chmod 600 xdg/sf/usgs.key &&
	XDG_CONFIG_HOME=$PWD/xdg sf-fetch-usgs -s 01646500 \
	    --start 2024-04-01 >out 2>err &&
	server_header X-Api-Key >got && echo xdg-Kq7-secret >want &&
	test_cmp want got
'

test_expect_success 'key: API_USGS_PAT wins over the file' '
	serve routes.key &&
	: >"$SERVER_LOG" &&
	API_USGS_PAT=env-Kq7-secret sf-fetch-usgs -s 01646500 \
	    --start 2024-04-01 >out 2>err &&
	server_header X-Api-Key >got && echo env-Kq7-secret >want &&
	test_cmp want got
'

test_expect_success 'key: a file others can read or write is refused, exit 1' '
	serve routes.key &&
	for mode in 640 604 620 602 660; do
		: >"$SERVER_LOG" &&
		chmod $mode .config/sf/usgs.key &&
		rc=0; sf-fetch-usgs -s 01646500 --start 2024-04-01 \
		    >out 2>err || rc=$?
		test "$rc" = 1 || { echo "mode $mode: exit $rc"; exit 1; }
		grep "^sf-fetch-usgs: key file .*/.config/sf/usgs.key.: readable or writable by group or others" err || exit 1
		! grep Kq7 out err || exit 1
		test_must_be_empty "$SERVER_LOG" || exit 1
	done &&
	chmod 600 .config/sf/usgs.key
'

test_expect_success 'key: no file, no variable: no key, no error' '
	serve routes.key &&
	rm .config/sf/usgs.key &&
	: >"$SERVER_LOG" &&
	sf-fetch-usgs -s 01646500 --start 2024-04-01 >out 2>err; test $? = 1 &&
	server_header X-Api-Key >got && echo >want && test_cmp want got &&
	grep "403" err
'

test_done
