#!/bin/sh
test_description='the loopback replay server'
. "$(dirname "$0")/test-lib.sh"
. "$SF_TOP/tests/server/lib.sh"

# The server the fetcher tests talk to (tests/server/replay.py) and its
# shell helpers (tests/server/lib.sh).  The client is Python's http.client,
# which reports cut bodies and closed connections precisely.

REPLAY=$SF_TOP/tests/server/replay.py
RT=$FIXTURES/ec/wateroffice/real_time_data_08MF005_p46_2025-10-22.csv
DAILY=$FIXTURES/usgs/waterdata/daily_items_EMPTY_2024-04_basin3d.json
LOCS=$FIXTURES/usgs/waterdata/monitoring_locations_10features_with_next_cursor_2025_etl_project_02.json
FCST=$FIXTURES/noaa/nwps/sample_stageflow_forecast_AMAT2_feetball.json

# client.py URL [-X METHOD] [-o BODY] [-H 'Name: value']... [-s HEADER]...
#   [-n N] [--min SECONDS]: N requests on one connection; prints the status and
#   the chosen headers of each.  Exit 3: incomplete read; 4: connection
#   error; 5: the answer came sooner than --min seconds.
cat > client.py <<'EOF'
import argparse, http.client, sys, time, urllib.parse
p = argparse.ArgumentParser()
p.add_argument("url")
p.add_argument("-X", dest="method", default="GET")
p.add_argument("-o", dest="out")
p.add_argument("-H", dest="headers", action="append", default=[])
p.add_argument("-s", dest="show", action="append", default=[])
p.add_argument("-n", dest="count", type=int, default=1)
p.add_argument("--min", type=float, default=0.0)
a = p.parse_args()
u = urllib.parse.urlsplit(a.url)
target = u.path + ("?" + u.query if u.query else "")
headers = dict(h.split(": ", 1) for h in a.headers)
conn = http.client.HTTPConnection(u.hostname, u.port, timeout=10)
for i in range(a.count):
    start = time.monotonic()
    try:
        conn.request(a.method, target, headers=headers)
        resp = conn.getresponse()
        body = resp.read()
    except http.client.IncompleteRead as e:
        print("incomplete read:", len(e.partial), "bytes")
        sys.exit(3)
    except ConnectionError as e:
        print("connection error:", type(e).__name__)
        sys.exit(4)
    took = time.monotonic() - start
    print("status", resp.status)
    for h in a.show:
        print("%s: %s" % (h, resp.getheader(h)))
    if took < a.min:
        print("answered in %.3f s, sooner than %g s" % (took, a.min))
        sys.exit(5)
if a.out:
    open(a.out, "wb").write(body)
EOF

# wait_file FILE: waits up to 10 s for FILE to be non-empty
wait_file() {
	i=0
	while [ ! -s "$1" ]; do
		[ $i -lt 100 ] || return 1
		sleep 0.1
		i=$((i + 1))
	done
}

# wait_gone PID: waits up to 5 s for the process PID to end
wait_gone() {
	i=0
	while kill -0 "$1" 2>/dev/null; do
		[ $i -lt 50 ] || return 1
		sleep 0.1
		i=$((i + 1))
	done
}

cat > routes <<EOF
# fixtures served as they are
GET /collections/daily/items?monitoring_location_id=USGS-01646500&parameter_code=00060 -> 200 '$DAILY'
GET /services/real_time_data/csv/inline stations[]=08MF005 parameters[]=46 start_date='2025-10-22 00:00:00'
  -> 200 '$RT'
# faults
GET /retry
  -> 503 Retry-After: 1 times=2
  -> 200 text=finally
GET /slow -> 200 text=late delay=0.5
GET /hang -> 200 text=later delay=5
GET /cut -> 200 '$RT' cut=100
GET /reset -> reset
GET /close -> close
GET /trickle -> 200 text=0123456789012345678901234567890123456789 trickle=10/0.1
# bodies changed on the way out
GET /gz -> 200 '$RT' gzip
GET /page1 -> 200 text='{"links":[{"rel":"next","href":"@BASE_URL@/page2"}]}'
GET /collections/monitoring-locations/items -> 200 '$LOCS' rewrite=https://api.waterdata.usgs.gov/ogcapi/v0
# a header condition
GET /key @X-Api-Key=sekrit -> 200 text=welcome
GET /key -> 403 text='{"code":"403","description":"bad key"}'
EOF

start_server routes --max-url 8000 --header 'X-RateLimit-Remaining: 999'

test_expect_success 'start_server exports SERVER_URL and SERVER_LOG' '
	case $SERVER_URL in
	http://127.0.0.1:[0-9]*) ;;
	*) echo "SERVER_URL=$SERVER_URL"; false ;;
	esac &&
	test -f "$SERVER_LOG" &&
	kill -0 "$SERVER_PID"
'

test_expect_success 'a route serves the exact bytes of a fixture (no gzip unless asked)' '
	python3 client.py -o body -s Content-Type -s Content-Encoding \
		-s X-RateLimit-Remaining -H "Accept-Encoding: gzip" \
		"$SERVER_URL/collections/daily/items?f=json&monitoring_location_id=USGS-01646500&parameter_code=00060" >out &&
	printf "status 200\nContent-Type: application/json\nContent-Encoding: None\nX-RateLimit-Remaining: 999\n" >expect &&
	test_cmp expect out &&
	cmp body "$DAILY"
'

test_expect_success 'query matching decodes %5B%5D and %20' '
	python3 client.py -o body -s Content-Type \
		"$SERVER_URL/services/real_time_data/csv/inline?stations%5B%5D=08MF005&parameters%5B%5D=46&start_date=2025-10-22%2000:00:00&end_date=2025-10-22%2023:59:59" >out &&
	printf "status 200\nContent-Type: text/csv; charset=utf-8\n" >expect &&
	test_cmp expect out &&
	cmp body "$RT"
'

test_expect_success 'query matching: literal stations[]=, + for a space, repeated keys' '
	python3 client.py -o body \
		"$SERVER_URL/services/real_time_data/csv/inline?stations[]=08MF006&stations[]=08MF005&parameters[]=46&start_date=2025-10-22+00:00:00" >out &&
	echo "status 200" >expect &&
	test_cmp expect out &&
	cmp body "$RT"
'

test_expect_success 'an unmatched request gets 404 with a JSON body' '
	python3 client.py -o body -s Content-Type \
		"$SERVER_URL/services/real_time_data/csv/inline?stations[]=08MF006&parameters[]=46&start_date=2025-10-22+00:00:00" >out &&
	python3 client.py -o body2 \
		"$SERVER_URL/services/real_time_data/csv/inline?stations[]=08MF005&parameters[]=46&start_date=2025-10-23+00:00:00" >>out &&
	printf "status 404\nContent-Type: application/json\nstatus 404\n" >expect &&
	test_cmp expect out &&
	python3 -c "import json, sys; assert json.load(open(\"body\"))[\"code\"] == 404"
'

test_expect_success 'a fault sequence: 503 with Retry-After twice, then 200 for good' '
	python3 client.py -n 4 -o body -s Retry-After "$SERVER_URL/retry" >out &&
	cat >expect <<-\EOF &&
	status 503
	Retry-After: 1
	status 503
	Retry-After: 1
	status 200
	Retry-After: None
	status 200
	Retry-After: None
	EOF
	test_cmp expect out &&
	printf finally >expect &&
	test_cmp expect body
'

test_expect_success 'the four requests shared one kept-alive connection' '
	python3 - "$SERVER_LOG" <<-\EOF
	import json, sys
	log = [json.loads(line) for line in open(sys.argv[1])]
	conns = [r["conn"] for r in log if r["path"] == "/retry"]
	assert len(conns) == 4 and len(set(conns)) == 1, conns
	EOF
'

test_expect_success 'a delay is applied before the response' '
	python3 client.py --min 0.5 -o body "$SERVER_URL/slow"
'

test_expect_success 'threaded: a request is answered while another waits' '
	python3 client.py -o body "$SERVER_URL/hang" >hang.out &
	hang=$! &&
	i=0 &&
	while ! grep -q "\"path\":\"/hang\"" "$SERVER_LOG"; do
		test $i -lt 50 || exit 1
		sleep 0.1
		i=$((i + 1))
	done &&
	python3 client.py -o body "$SERVER_URL/page1" >out &&
	kill -0 $hang &&
	kill $hang &&
	wait $hang
	test $? -ne 0 &&
	echo "status 200" >expect &&
	test_cmp expect out &&
	test ! -s hang.out
'

test_expect_success 'a cut body is an incomplete read' '
	{ python3 client.py "$SERVER_URL/cut"; echo "exit $?"; } >out &&
	printf "incomplete read: 100 bytes\nexit 3\n" >expect &&
	test_cmp expect out
'

test_expect_success 'a reset is a connection error' '
	{ python3 client.py "$SERVER_URL/reset"; echo "exit $?"; } >out &&
	printf "connection error: ConnectionResetError\nexit 4\n" >expect &&
	test_cmp expect out
'

test_expect_success 'a close without a response is a connection error' '
	{ python3 client.py "$SERVER_URL/close"; echo "exit $?"; } >out &&
	printf "connection error: RemoteDisconnected\nexit 4\n" >expect &&
	test_cmp expect out
'

test_expect_success 'a trickled body arrives whole, slowly' '
	python3 client.py --min 0.25 -o body "$SERVER_URL/trickle" &&
	printf 0123456789012345678901234567890123456789 >expect &&
	test_cmp expect body
'

test_expect_success 'gzip where the route allows it and the client accepts it' '
	python3 client.py -o body -s Content-Encoding \
		-H "Accept-Encoding: deflate, gzip" "$SERVER_URL/gz" >out &&
	printf "status 200\nContent-Encoding: gzip\n" >expect &&
	test_cmp expect out &&
	python3 -c "import gzip, sys; sys.stdout.buffer.write(gzip.decompress(open(\"body\", \"rb\").read()))" >plain &&
	cmp plain "$RT" &&
	python3 client.py -o body -s Content-Encoding "$SERVER_URL/gz" >out &&
	printf "status 200\nContent-Encoding: None\n" >expect &&
	test_cmp expect out &&
	cmp body "$RT"
'

test_expect_success 'HEAD answers a GET route: headers, no body' '
	python3 client.py -X HEAD -o body -s Content-Length "$SERVER_URL/gz" >out &&
	printf "status 200\nContent-Length: %d\n" $(wc -c <"$RT") >expect &&
	test_cmp expect out &&
	test ! -s body
'

test_expect_success '@BASE_URL@ in a body becomes the server URL' '
	python3 client.py -o body "$SERVER_URL/page1" &&
	printf "{\"links\":[{\"rel\":\"next\",\"href\":\"%s/page2\"}]}" "$SERVER_URL" >expect &&
	test_cmp expect body
'

test_expect_success 'rewrite= points the real next link back at the server' '
	python3 client.py -o body "$SERVER_URL/collections/monitoring-locations/items?limit=10" &&
	sed "s|https://api.waterdata.usgs.gov/ogcapi/v0|$SERVER_URL|g" "$LOCS" >expect &&
	cmp body expect &&
	grep "\"href\": \"$SERVER_URL/collections/monitoring-locations/items?cursor=" body &&
	! cmp -s body "$LOCS"
'

test_expect_success 'a route can require a request header' '
	python3 client.py -o body -H "X-Api-Key: sekrit" "$SERVER_URL/key" >out &&
	python3 client.py -o body2 -H "X-Api-Key: wrong" "$SERVER_URL/key" >>out &&
	printf "status 200\nstatus 403\n" >expect &&
	test_cmp expect out
'

test_expect_success 'the log: one line per request, headers and decoded parameters' '
	before=$(wc -l <"$SERVER_LOG") &&
	python3 client.py -o body -H "x-api-key: sekrit" -H "User-Agent: sf/0.1" \
		"$SERVER_URL/services/real_time_data/csv/inline?stations%5B%5D=08MF006&stations%5B%5D=08MF005&parameters[]=46&start_date=2025-10-22%2000:00:00" &&
	python3 client.py -o body -H "User-Agent: sf/0.1" "$SERVER_URL/nowhere?a=1+2" &&
	after=$(wc -l <"$SERVER_LOG") &&
	test "$after" -eq $((before + 2)) &&
	server_header X-Api-Key | tail -n 2 >out &&
	server_header User-Agent | tail -n 2 >>out &&
	server_param "stations[]" | tail -n 2 >>out &&
	server_param start_date | tail -n 2 >>out &&
	server_param a | tail -n 1 >>out &&
	cat >expect <<-\EOF &&
	sekrit

	sf/0.1
	sf/0.1
	08MF006 08MF005

	2025-10-22 00:00:00

	1 2
	EOF
	test_cmp expect out &&
	python3 - "$SERVER_LOG" <<-\EOF
	import json, sys
	log = [json.loads(line) for line in open(sys.argv[1])]
	t = [r["t"] for r in log]
	assert t == sorted(t), t
	assert [r["seq"] for r in log] == list(range(1, len(log) + 1))
	assert log[-1]["reply"] == 404 and log[-1]["route"] is None
	assert log[-2]["reply"] == 200 and log[-2]["route"] == 3
	EOF
'

test_expect_success 'server_requests lists method and target' '
	server_requests | tail -n 2 >out &&
	cat >expect <<-\EOF &&
	GET /services/real_time_data/csv/inline?stations%5B%5D=08MF006&stations%5B%5D=08MF005&parameters[]=46&start_date=2025-10-22%2000:00:00
	GET /nowhere?a=1+2
	EOF
	test_cmp expect out
'

test_expect_success 'a target longer than --max-url gets 414' '
	long=$(python3 -c "print(\"x\" * 8000)") &&
	python3 client.py -o body "$SERVER_URL/collections/daily/items?monitoring_location_id=USGS-01646500&parameter_code=00060&pad=$long" >out &&
	echo "status 414" >expect &&
	test_cmp expect out
'

test_expect_code 2 'a bad routes file is refused, naming the line' '
	printf "GET /a -> 200 text=a\nGET /b -> 700\n" >bad &&
	python3 "$REPLAY" bad 2>err
	rc=$?
	cat err
	grep -q "bad:2: expected a status" err || exit 9
	exit $rc
'

server_pid=$SERVER_PID
stop_server
stop_rc=$?

test_expect_success 'stop_server stops it cleanly' '
	test "$stop_rc" -eq 0 &&
	! kill -0 "$server_pid" 2>/dev/null &&
	test -z "$SERVER_PID"
'

test_expect_success 'example-routes serves, under a global --delay' '
	start_server "$SF_TOP/tests/server/example-routes" --delay 0.3 &&
	echo "$SERVER_PID" >inner.pid &&
	python3 client.py --min 0.3 -o body \
		"$SERVER_URL/gauges/AMAT2/stageflow/forecast" >out &&
	cmp body "$FCST" &&
	python3 client.py -o body "$SERVER_URL/gauges/NOPE1" >>out &&
	printf "status 200\nstatus 404\n" >expect &&
	test_cmp expect out &&
	grep "\"code\":5" body
'

test_expect_success 'a server started inside a test is stopped after it' '
	! kill -0 "$(cat inner.pid)" 2>/dev/null
'

test_expect_success 'SIGTERM: the server exits with status 0' '
	python3 "$REPLAY" --port-file port1 --max-seconds 20 routes 2>err &
	pid=$! &&
	wait_file port1 &&
	kill -TERM $pid &&
	wait_gone $pid &&
	wait $pid &&
	test ! -s err
'

test_expect_success '--max-seconds: the server exits by itself' '
	python3 "$REPLAY" --port-file port2 --pid-file pid2 --max-seconds 1 routes 2>err &
	pid=$! &&
	wait_file port2 &&
	test "$(cat pid2)" = $pid &&
	wait_gone $pid &&
	wait $pid &&
	grep "stopping after --max-seconds 1" err
'

test_expect_success '--watch-parent: the server exits when its parent does' '
	(
		python3 "$REPLAY" --watch-parent --url-file url3 \
			--max-seconds 20 routes 2>err3 &
		wait_file url3
	) &&
	i=0 &&
	while ! grep -q "parent process went away" err3; do
		test $i -lt 50 || exit 1
		sleep 0.1
		i=$((i + 1))
	done &&
	grep "^http://127.0.0.1:[0-9]*$" url3
'

test_done
