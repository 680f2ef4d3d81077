#!/bin/sh
test_description='sf-serve: every endpoint, every error status, ETag'
. "$(dirname "$0")/test-lib.sh"

# start_serve LOG [OPTION...]: starts sf-serve on a free port of the
# loopback, logging into LOG; sets URL and serve_pid
start_serve() {
	log=$1; shift
	rm -f port
	sf-serve -v --listen 127.0.0.1:0 --port-file port "$@" 2>"$log" &
	serve_pid=$!
	pids="${pids:-} $serve_pid"
	trap 'kill $pids 2>/dev/null; cd /; rm -rf "$TRASH"' EXIT
	i=0
	while ! test -s port; do
		i=$((i + 1))
		[ $i -le 100 ] || return 1
		sleep 0.1
	done
	URL=http://127.0.0.1:$(cat port)
}

# get PATH [CURL-OPTION...]: the body into out, the headers into hdr;
# prints the status
get() {
	p=$1; shift
	rm -f out
	curl -s -o out -D hdr -w '%{http_code}' "$@" "$URL$p"
}

# header NAME: the value of header NAME in hdr
header() {
	tr -d '\r' <hdr | sed -n "s/^$1: //Ip"
}

# json_ok FILE: FILE is one JSON document
json_ok() {
	python3 -c 'import json,sys; json.load(open(sys.argv[1]))' "$1"
}

test_expect_success 'setup: stations, observations, forecasts, a configuration' '
	cat >in <<-\EOT &&
	{"kind":"station","station":"01646500","agency":"USGS","name":"POTOMAC RIVER NEAR WASH, DC LITTLE FALLS PUMP STA","latitude":38.9497,"longitude":-77.1276,"state":"MD","huc_code":"02070008","drainage_area_sqmi":11560,"altitude_ft":37.2,"utc_offset":"-05:00","uses_dst":true}
	{"kind":"station","station":"08MF005","agency":"EC","name":"FRASER RIVER AT HOPE","latitude":49.38,"longitude":-121.45,"state":"BC","huc_code":null,"drainage_area_sqmi":null,"altitude_ft":null,"utc_offset":"-08:00","uses_dst":false}
	{"kind":"obs","config":null,"station":"01646500","agency":"USGS","type":"daily_mean","observed_at":"2024-01-01T00:00:00Z","discharge":12300,"unit":"cfs","quality_code":"A"}
	{"kind":"obs","config":null,"station":"01646500","agency":"USGS","type":"daily_mean","observed_at":"2024-01-02T00:00:00Z","discharge":11800,"unit":"cfs","quality_code":"A"}
	{"kind":"obs","config":null,"station":"01646500","agency":"USGS","type":"realtime_15min","observed_at":"2024-01-17T04:45:00Z","discharge":9000,"unit":"cfs","quality_code":"P"}
	{"kind":"obs","config":null,"station":"01646500","agency":"USGS","type":"realtime_15min","observed_at":"2024-01-17T05:00:00Z","discharge":9100,"unit":"cfs","quality_code":"P"}
	{"kind":"obs","config":null,"station":"08MF005","agency":"EC","type":"realtime_15min","observed_at":"2024-06-01T07:45:00Z","discharge":4210,"unit":"cms","quality_code":"P"}
	{"kind":"forecast","config":null,"station":"01646500","agency":"USGS","target_id":"BRKM2","source":"NOAA_RFC","member":null,"run_date":"2026-11-24T12:00:00Z","valid_at":"2026-11-24T18:00:00Z","discharge":9000,"unit":"cfs","stage":4.5,"stage_unit":"ft"}
	{"kind":"forecast","config":null,"station":"01646500","agency":"USGS","target_id":"BRKM2","source":"NOAA_RFC","member":null,"run_date":"2026-11-25T06:00:00Z","valid_at":"2026-11-25T12:00:00Z","discharge":9700,"unit":"cfs","stage":4.8,"stage_unit":"ft"}
	EOT
	SF_NOW=2026-11-25T08:00:00Z sf-load --strict in &&
	sf-config add potomac --type daily_mean --agency USGS \
	    --start 2024-01-01 --schedule 1d --stale-after 1100d &&
	sf-config stations potomac add 01646500 &&
	sql "INSERT INTO data_pull_logs (config_id, status, records_processed,
	    start_time, end_time, inserted, updated, unchanged, rejected)
	    VALUES (1, '\''success'\'', 2, '\''2026-11-25T11:00:00Z'\'',
	    '\''2026-11-25T11:00:07Z'\'', 2, 0, 0, 0)"
'

test_expect_code 1 'a missing archive: exit 1, and it is not created' '
	sf-serve --db nothere.db --listen 127.0.0.1:0 2>err;
	rc=$?; cat err; test ! -e nothere.db && exit $rc
'

test_expect_code 2 'a bad --listen is a usage error' '
	sf-serve --listen localhost 2>err
'

start_serve serve.log || echo 'not ok - the server did not start'

test_expect_success 'GET /: the page lists the configuration and stations' '
	test "$(get /)" = 200 &&
	header Content-Type | grep -q "^text/html" &&
	grep -q "<h3>potomac</h3>" out &&
	grep -q "href=\"/stations/01646500.html\"" out &&
	grep -q "FRASER RIVER AT HOPE" out
'

test_expect_success '/stations: every station, as JSON' '
	test "$(get /stations)" = 200 &&
	header Content-Type | grep -qx "application/json" &&
	json_ok out &&
	python3 -c "import json; d = json.load(open(\"out\"));
assert [s[\"station\"] for s in d] == [\"01646500\", \"08MF005\"], d"
'

test_expect_success '/stations: filters as sf-stations' '
	test "$(get "/stations?state=bc&format=ndjson")" = 200 &&
	test "$(wc -l <out)" = 1 && grep -q 08MF005 out &&
	test "$(get "/stations?name=potomac&format=ndjson")" = 200 &&
	test "$(wc -l <out)" = 1 && grep -q 01646500 out &&
	test "$(get "/stations?huc=0207&format=ndjson")" = 200 &&
	grep -q 01646500 out && ! grep -q 08MF005 out &&
	test "$(get "/stations?agency=EC&format=csv")" = 200 &&
	test "$(wc -l <out)" = 2 && grep -q "^08MF005,EC," out
'

test_expect_success '/stations: the records sf-stations gives, same filters' '
	while read -r q args; do
		test "$(get "/stations?$q&format=ndjson")" = 200 &&
		sf-stations $args >want &&
		test_cmp want out || return 1
	done <<-\EOT &&
	state=md --state md
	name=RIVER --name RIVER
	huc=02 --huc 02
	agency=USGS --agency USGS
	name=river&state=BC --name river --state BC
	name=nowhere --name nowhere
	EOT
	test "$(get "/stations?huc=02x")" = 400 &&
	grep -q "parameter '\''huc'\''" out
'

test_expect_success '/stations/ID: one station record' '
	test "$(get /stations/08MF005)" = 200 &&
	json_ok out && grep -q "\"name\":\"FRASER RIVER AT HOPE\"" out &&
	test "$(get /stations/01646500 -H "Accept: text/csv")" = 200 &&
	head -1 out | grep -q "^station,agency,name," &&
	test "$(wc -l <out)" = 2
'

test_expect_success '/observations: what sf-query gives, in each format' '
	sf-query -s 01646500 -t daily_mean -f csv >expect.csv &&
	test "$(get "/stations/01646500/observations?type=daily_mean&format=csv")" = 200 &&
	header Content-Type | grep -q "^text/csv" &&
	test_cmp expect.csv out &&
	sf-query -s 01646500 >expect.nd &&
	test "$(get /stations/01646500/observations -H "Accept: application/x-ndjson")" = 200 &&
	test_cmp expect.nd out &&
	test "$(get /stations/01646500/observations)" = 200 &&
	python3 -c "import json,sys
a = json.load(open(\"out\"))
b = [json.loads(l) for l in open(\"expect.nd\")]
assert a == b and len(a) == 4, (a, b)"
'

test_expect_success '/observations: start, end, units, as_of, daily' '
	sf-query -s 01646500 --start 2024-01-02 --end 2024-01-17 --units cms \
	    >expect &&
	test "$(get "/stations/01646500/observations?start=2024-01-02&end=2024-01-17&units=cms&format=ndjson")" = 200 &&
	test_cmp expect out && test "$(wc -l <out)" = 3 &&
	sf-query -s 01646500 --daily >expect &&
	test "$(get "/stations/01646500/observations?daily=1&format=ndjson")" = 200 &&
	test_cmp expect out && grep -q "\"kind\":\"daily\"" out &&
	test "$(get "/stations/01646500/observations?as_of=2000-01-01T00:00:00Z")" = 200 &&
	test "$(cat out)" = "[]"
'

test_expect_success '/forecasts: latest run, every run' '
	sf-query -s 01646500 --kind forecast -f csv >expect &&
	test "$(get "/stations/01646500/forecasts?format=csv")" = 200 &&
	test_cmp expect out && test "$(wc -l <out)" = 2 &&
	sf-query -s 01646500 --kind forecast --run all >expect &&
	test "$(get "/stations/01646500/forecasts?run=all&source=NOAA_RFC&format=ndjson")" = 200 &&
	test_cmp expect out && test "$(wc -l <out)" = 2
'

test_expect_success '/hydrograph.svg: an SVG of the station' '
	test "$(get "/stations/01646500/hydrograph.svg?forecast=1")" = 200 &&
	header Content-Type | grep -qx "image/svg+xml" &&
	grep -q "<svg" out && grep -q "POTOMAC" out &&
	python3 -c "import xml.dom.minidom; xml.dom.minidom.parse(\"out\")"
'

test_expect_success '/stations/ID.html: the hydrograph and latest values' '
	test "$(get /stations/01646500.html)" = 200 &&
	grep -q "<img src=\"/stations/01646500/hydrograph.svg" out &&
	grep -q "<td>2024-01-17T05:00:00Z</td><td class=\"num\">9100 cfs" out &&
	grep -q "<td>2024-01-02T00:00:00Z</td><td class=\"num\">11800 cfs" out
'

test_expect_success '/configs and /configs/NAME: states and progress' '
	test "$(get /configs)" = 200 && json_ok out &&
	grep -q "\"name\":\"potomac\"" out && grep -q "\"stations\":1" out &&
	test "$(get /configs/potomac)" = 200 && json_ok out &&
	python3 -c "import json; d = json.load(open(\"out\"))
s = d[\"stations\"][0]
assert s[\"station\"] == \"01646500\" and s[\"breaker\"] == \"closed\", d
assert s[\"rows\"] == 2 and d[\"schedule\"] == \"1d\", d"
'

test_expect_success '/runs: the rows of data_pull_logs, since' '
	test "$(get /runs)" = 200 && json_ok out &&
	grep -q "\"config\":\"potomac\",\"status\":\"success\"" out &&
	grep -q "\"inserted\":2" out &&
	test "$(get "/runs?since=2026-11-25T12:00:00Z")" = 200 &&
	test "$(cat out)" = "[]"
'

test_expect_success '/health: 200 while no station is stale or broken' '
	test "$(get /health)" = 200 && json_ok out &&
	grep -q "\"status\":\"ok\"" out &&
	header Cache-Control | grep -qx no-store
'

test_expect_success '/metrics: Prometheus text exposition' '
	test "$(get /metrics)" = 200 &&
	header Content-Type | grep -q "^text/plain; version=0.0.4" &&
	grep -qx "# TYPE sf_station_consecutive_failures gauge" out &&
	grep -qx "sf_station_consecutive_failures{config=\"potomac\",station=\"01646500\"} 0" out &&
	grep -qx "sf_station_rows{config=\"potomac\",station=\"01646500\"} 2" out &&
	grep -qx "sf_run_duration_seconds{config=\"potomac\"} 7" out &&
	grep -qx "sf_run_inserted{config=\"potomac\"} 2" out &&
	# every line a comment or NAME{LABELS} VALUE
	! grep -Ev "^(# (HELP|TYPE) .*|[a-z_]+\{[a-z_]+=\"[^\"]*\"(,[a-z_]+=\"[^\"]*\")*\} -?[0-9]+)$" out
'

test_expect_success '/health: 503 with the problem once the breaker opens' '
	sql "INSERT INTO pull_station_progress (config_id, station_number,
	    consecutive_failures, last_error, last_attempt_at, last_error_at)
	    VALUES (1, '\''01646500'\'', 5, '\''HTTP 503'\'',
	    '\''2026-11-25T11:00:00Z'\'', '\''2026-11-25T11:00:00Z'\'')" &&
	test "$(get /health)" = 503 && json_ok out &&
	grep -q "station '\''01646500'\'': circuit breaker open" out &&
	test "$(get /metrics)" = 200 &&
	grep -qx "sf_station_breaker_open{config=\"potomac\",station=\"01646500\"} 1" out
'

test_expect_success '400 names the bad parameter; never SQLite text' '
	test "$(get "/stations/01646500/observations?start=yesterday")" = 400 &&
	json_ok out && grep -q "parameter '\''start'\''" out &&
	grep -q "\"status\":400" out &&
	test "$(get "/stations/01646500/observations?type=hourly")" = 400 &&
	grep -q "parameter '\''type'\''" out &&
	test "$(get "/stations/01646500/observations?colour=red")" = 400 &&
	grep -q "parameter '\''colour'\''" out &&
	test "$(get "/stations/01646500/forecasts?run=soon")" = 400 &&
	test "$(get "/stations?format=xml")" = 400 &&
	test "$(get "/runs?since=x")" = 400 &&
	test "$(get "/stations/01646500/hydrograph.svg?forecast=maybe")" = 400 &&
	test "$(get "/stations?name=%ZZ")" = 400 &&
	! grep -qi sqlite out
'

test_expect_success '404: unknown station, configuration, path' '
	test "$(get /stations/99999999)" = 404 && json_ok out &&
	grep -q "\"status\":404" out &&
	test "$(get /stations/99999999/observations)" = 404 &&
	test "$(get /stations/99999999/forecasts)" = 404 &&
	test "$(get /stations/99999999.html)" = 404 &&
	test "$(get /stations/99999999/hydrograph.svg)" = 404 &&
	test "$(get /configs/nope)" = 404 &&
	test "$(get /etc/passwd)" = 404 &&
	test "$(get /stations/01646500/other)" = 404
'

test_expect_success '405 for other methods, with Allow; 414 for long targets' '
	test "$(get /stations -X POST)" = 405 && json_ok out &&
	header Allow | grep -qx "GET, HEAD" &&
	test "$(get /health -X DELETE)" = 405 &&
	long=$(python3 -c "print(\"a\" * 3000)") &&
	test "$(get "/stations?name=$long")" = 414
'

test_expect_success 'request headers: within 64 KiB, else 431' '
	big=$(python3 -c "print(\"a\" * 40000)") &&
	test "$(get /stations -H "X-Big: $big")" = 200 &&
	big=$(python3 -c "print(\"a\" * 70000)") &&
	test "$(get /stations -H "X-Big: $big")" = 431
'

test_expect_success 'HEAD: the headers alone' '
	test "$(get /stations/01646500/observations -I)" = 200 &&
	header Content-Length | grep -qx "[0-9][0-9]*" &&
	! grep -q "kind" out
'

test_expect_success 'ETag: 304 on If-None-Match, until the archive changes' '
	test "$(get /stations/01646500/observations)" = 200 &&
	etag=$(header ETag) && test -n "$etag" &&
	header Cache-Control | grep -qx no-cache &&
	test "$(get /stations/01646500/observations -H "If-None-Match: $etag")" = 304 &&
	test_must_be_empty out &&
	test "$(header ETag)" = "$etag" &&
	test "$(get /stations/01646500/observations?format=csv -H "If-None-Match: $etag")" = 200 &&
	printf "%s\n" "{\"kind\":\"obs\",\"config\":null,\"station\":\"01646500\",\"agency\":\"USGS\",\"type\":\"daily_mean\",\"observed_at\":\"2024-01-03T00:00:00Z\",\"discharge\":11000,\"unit\":\"cfs\",\"quality_code\":\"A\"}" |
	    sf-load --strict &&
	test "$(get /stations/01646500/observations -H "If-None-Match: $etag")" = 200 &&
	test "$(header ETag)" != "$etag" && grep -q 2024-01-03 out
'

test_expect_success 'the log: one common-log-format line per request' '
	grep -Eq "^127\.0\.0\.1 - - \[[0-9]{2}/[A-Z][a-z]{2}/[0-9]{4}:[0-9:]{8} \+0000\] \"GET /configs/potomac HTTP/1\.1\" 200 [0-9]+$" serve.log &&
	grep -q "\"POST /stations HTTP/1.1\" 405" serve.log
'

# tests run in subshells: the server is waited for here
kill -TERM $serve_pid
wait $serve_pid
test_expect_success 'SIGTERM: a clean stop, exit 0' "test $? = 0"

test_expect_success '503 when the archive cannot be read; never its text' '
	cp sf.db other.db &&
	sf-serve --db other.db --listen 127.0.0.1:0 --port-file port2 \
	    2>log2 & pid=$! &&
	i=0 && while ! test -s port2 && test $i -lt 100; do
		i=$((i + 1)); sleep 0.1; done &&
	echo "this is not a database at all, not even close to one" >other.db &&
	code=$(curl -s -o out -w "%{http_code}" \
	    "http://127.0.0.1:$(cat port2)/stations/01646500/observations") &&
	kill $pid && wait $pid &&
	test "$code" = 503 && json_ok out &&
	grep -q "\"status\":503" out && ! grep -qi "sqlite\|file is not" out
'

test_done
