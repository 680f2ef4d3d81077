#!/bin/sh
test_description='sf-fetch-nwm in the pipeline: plan, map, fetch, load'
. "$(dirname "$0")/test-lib.sh"
. "$(dirname "$0")/lib-nodone.sh"
hide_done sf-fetch-nwm
. "$SF_TOP/tests/server/lib.sh"

# COOA2 and CJXA2, the NWS ids of 15258000 and 15304000 in the shipped
# mappings, answer with the AMAT2 sample (issued 2026-10-02T07:13:00Z)
# twice, then with the later issuance derived from it (13:05, 19 points).
S=$FIXTURES/noaa/nwps/sample_stageflow_forecast_AMAT2_feetball.json
R=$TEST_DATA/nwps/stageflow_forecast_AMAT2_reissued.json
cat >routes <<EOF
GET /gauges/COOA2/stageflow/forecast
  -> 200 $S times=2
  -> 200 $R
GET /gauges/CJXA2/stageflow/forecast
  -> 200 $S times=2
  -> 200 $R
GET /gauges/* -> 404 text='{"code":5,"message":"Not Found","details":[]}'
EOF
start_server routes || exit 1
SF_NWPS_URL=$SERVER_URL
export SF_NWPS_URL

pipeline() {
	sf-progress plan kenai | sf-map --to NOAA-HADS | sf-fetch-nwm | sf-load -v
}

runs() {
	sql "SELECT s.station_number, f.source, f.run_date, f.member, f.target_id,
	    f.unit, f.stage_unit, json_array_length(f.data) FROM forecast_runs f
	    JOIN stations s ON s.id = f.station_id ORDER BY 1, 3"
}

test_expect_success 'setup: a forecast configuration of two mapped USGS stations' '
	sf-config add kenai --type forecast --source NOAA_RFC --agency USGS \
	    --start 2024-01-01 --schedule 1h &&
	sf-config stations kenai add 15258000 15304000 &&
	sf-progress plan kenai | sf-map --to NOAA-HADS >req &&
	grep "\"station\":\"15258000\",.*\"type\":\"NOAA_RFC\",.*\"target_id\":\"COOA2\"" req &&
	grep "\"station\":\"15304000\",.*\"type\":\"NOAA_RFC\",.*\"target_id\":\"CJXA2\"" req
'

test_expect_success 'the first run: one forecast run per station' '
	pipeline 2>err &&
	grep "^sf-load: 2 inserted, 0 updated, 0 unchanged, 0 rejected, 0 error records$" err &&
	runs >actual &&
	cat >expect <<-\EOT &&
	15258000|NOAA_RFC|2026-10-02T07:13:00Z||COOA2|cfs|ft|20
	15304000|NOAA_RFC|2026-10-02T07:13:00Z||CJXA2|cfs|ft|20
	EOT
	test_cmp expect actual
'

test_expect_success 'the points are the sample'\''s, in cfs and ft' '
	sql "SELECT json_extract(p.value, \"\$.date\"), json_extract(p.value, \"\$.value\"),
	    json_extract(p.value, \"\$.stage\")
	    FROM forecast_runs f, json_each(f.data) p
	    JOIN stations s ON s.id = f.station_id
	    WHERE s.station_number = \"15258000\" LIMIT 3" >actual &&
	cat >expect <<-\EOT &&
	2026-10-02T12:00:00Z|1210|4.5
	2026-10-02T18:00:00Z|2200|6
	2026-10-03T00:00:00Z|3190|7.1
	EOT
	test_cmp expect actual
'

test_expect_success 'progress is the run_date, the stations succeeded' '
	sql "SELECT station_number, last_successful_pull_date, consecutive_failures
	    FROM pull_station_progress ORDER BY 1" >actual &&
	cat >expect <<-\EOT &&
	15258000|2026-10-02T07:13:00Z|0
	15304000|2026-10-02T07:13:00Z|0
	EOT
	test_cmp expect actual
'

test_expect_success 'the same issuance again: still one run per station' '
	pipeline 2>err &&
	grep "^sf-load: 0 inserted, 0 updated, 2 unchanged, 0 rejected, 0 error records$" err &&
	test "$(sql "SELECT count(*) FROM forecast_runs")" = 2
'

test_expect_success 'a new issuance: a second run per station' '
	pipeline 2>err &&
	grep "^sf-load: 2 inserted, 0 updated, 0 unchanged, 0 rejected, 0 error records$" err &&
	runs >actual &&
	cat >expect <<-\EOT &&
	15258000|NOAA_RFC|2026-10-02T07:13:00Z||COOA2|cfs|ft|20
	15258000|NOAA_RFC|2026-10-02T13:05:00Z||COOA2|cfs|ft|19
	15304000|NOAA_RFC|2026-10-02T07:13:00Z||CJXA2|cfs|ft|20
	15304000|NOAA_RFC|2026-10-02T13:05:00Z||CJXA2|cfs|ft|19
	EOT
	test_cmp expect actual &&
	test "$(sql "SELECT DISTINCT last_successful_pull_date FROM pull_station_progress")" = 2026-10-02T13:05:00Z
'

test_expect_success 'the latest run per station and source reads back (sf-fetch-nwm(1))' '
	sql "SELECT st.station_number, f.source, f.run_date, json_array_length(f.data)
	    FROM forecast_runs f JOIN stations st ON st.id = f.station_id
	    WHERE f.run_date = (SELECT max(g.run_date) FROM forecast_runs g
	        WHERE g.station_id = f.station_id AND g.source = f.source)
	    ORDER BY 1, 2" >actual &&
	cat >expect <<-\EOT &&
	15258000|NOAA_RFC|2026-10-02T13:05:00Z|19
	15304000|NOAA_RFC|2026-10-02T13:05:00Z|19
	EOT
	test_cmp expect actual
'

test_expect_success 'the requests: one per station and run' '
	server_requests | sort | uniq -c >actual &&
	cat >expect <<-\EOT &&
	      3 GET /gauges/CJXA2/stageflow/forecast
	      3 GET /gauges/COOA2/stageflow/forecast
	EOT
	test_cmp expect actual
'

test_expect_success 'stations without a mapping or unknown to NWPS count failures' '
	sf-config stations kenai add 01646500 15515500 &&
	rc=0; pipeline 2>err || rc=$?;
	test "$rc" = 1 &&
	grep "^sf-load: 0 inserted, 0 updated, 2 unchanged, 0 rejected, 2 error records$" err &&
	grep "^sf-fetch-nwm: station .15515500.: gauge .ENNA2.: GET .*/gauges/ENNA2/stageflow/forecast: HTTP 404: Not Found$" err &&
	sql "SELECT station_number, consecutive_failures, last_error
	    FROM pull_station_progress ORDER BY 1" | sed "s|$SERVER_URL|URL|" >actual &&
	cat >expect <<-\EOT &&
	01646500|1|no NOAA-HADS mapping for station '\''01646500'\''
	15258000|0|
	15304000|0|
	15515500|1|gauge '\''ENNA2'\'': GET URL/gauges/ENNA2/stageflow/forecast: HTTP 404: Not Found
	EOT
	test_cmp expect actual
'

test_expect_success 'the one-liner: sf-map -s into sf-fetch-nwm' '
	sf-map --to NOAA-HADS -s 15258000 | sf-fetch-nwm >out &&
	test "$(wc -l <out)" -eq 19 &&
	sed -n 1p out >actual &&
	cat >expect <<-\EOT &&
	{"kind":"forecast","config":null,"station":"15258000","agency":"USGS","target_id":"COOA2","source":"NOAA_RFC","member":null,"run_date":"2026-10-02T13:05:00Z","valid_at":"2026-10-02T18:00:00Z","discharge":2200,"unit":"cfs","stage":6,"stage_unit":"ft"}
	EOT
	test_cmp expect actual
'

test_done
