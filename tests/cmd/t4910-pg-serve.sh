#!/bin/sh
# t4910: sf-serve on PostgreSQL. The same records go into a SQLite file
# and a PostgreSQL server, one sf-serve serves each, and every data
# endpoint must answer both with the same status and the same bytes;
# large answers stream; the PostgreSQL archive's answers carry no ETag
# (there is no file state to hash), so new data shows at once; the log
# never shows the URI's password.
test_description='PostgreSQL: sf-serve answers as on SQLite'
. "$(dirname "$0")/test-lib.sh"
. "$SF_TOP/tests/pg/lib.sh"

pg_start > start.out 2>&1
rc=$?

# start_serve NAME DB: sf-serve on a free loopback port, logging into
# NAME.log; sets NAME_url
start_serve() {
	rm -f "$1.port"
	sf-serve -v --db "$2" --listen 127.0.0.1:0 --port-file "$1.port" \
	    2> "$1.log" &
	pids="${pids:-} $!"
	trap 'kill $pids 2>/dev/null; pg_stop; cd /; rm -rf "$TRASH"' EXIT
	i=0
	while ! test -s "$1.port"; do
		i=$((i + 1)); [ $i -le 100 ] || return 1; sleep 0.1
	done
	eval "$1_url=http://127.0.0.1:\$(cat $1.port)"
}

# same PATH [CURL-OPTION...]: GET PATH of both servers; the statuses and
# bodies must match (kept in lite.body, pg.body, pg.hdr)
same() {
	p=$1; shift
	a=$(curl -s -o lite.body -D lite.hdr -w '%{http_code}' "$@" "$lite_url$p")
	b=$(curl -s -o pg.body -D pg.hdr -w '%{http_code}' "$@" "$pg_url$p")
	echo "$a" > lite.code && echo "$b" > pg.code &&
	test_cmp lite.code pg.code && test_cmp lite.body pg.body
}

test_expect_success 'setup: the same records in SQLite and PostgreSQL' '
	cat start.out && test "$rc" -eq 0 &&
	cat > in <<-\EOT &&
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
	sed "s/12300/12500/; s/\"A\"}\$/\"A:e\"}/" in > rev &&
	gen_obs 3 12000 > big &&
	for db in lite.db "$SF_PG_URI"; do
		SF_NOW=2026-11-25T08:00:00Z sf-load --strict --db "$db" in big &&
		SF_NOW=2026-11-25T10:00:00Z sf-load --strict --db "$db" rev ||
		return 1
	done
'

# the servers run beside the tests (which run in subshells)
start_serve lite lite.db && lite_pid=$! &&
    start_serve pg "postgresql://sf:secret@/postgres?host=$PG_DIR" &&
    pg_pid=$!
rc=$?

test_expect_success 'both servers start; the log names no password' '
	test "$rc" -eq 0 &&
	grep -q "serving .postgresql://sf@" pg.log && ! grep -q secret pg.log
'

test_expect_success 'station records' '
	same /stations/08MF005 && test "$(cat pg.code)" = 200 &&
	grep -q "FRASER RIVER AT HOPE" pg.body &&
	same /stations/01646500 -H "Accept: text/csv" &&
	test "$(wc -l < pg.body)" = 2
'

test_expect_success 'observations in every format, with every parameter' '
	same /stations/01646500/observations && test "$(cat pg.code)" = 200 &&
	grep -q 12500 pg.body &&
	same "/stations/01646500/observations?format=csv" &&
	same "/stations/01646500/observations?format=ndjson" &&
	test "$(wc -l < pg.body)" = 4 &&
	same "/stations/01646500/observations?type=daily_mean&format=csv" &&
	same "/stations/01646500/observations?start=2024-01-02&end=2024-01-17&units=cms" &&
	same "/stations/01646500/observations?as_of=2026-11-25T09:00:00Z" &&
	grep -q 12300 pg.body && ! grep -q 12500 pg.body &&
	same "/stations/01646500/observations?as_of=2000-01-01T00:00:00Z" &&
	test "$(cat pg.body)" = "[]" &&
	same "/stations/01646500/observations?daily=1&format=ndjson" &&
	grep -q "\"kind\":\"daily\"" pg.body &&
	same /stations/08MF005/observations?units=cfs
'

test_expect_success 'forecasts: latest run, every run' '
	same "/stations/01646500/forecasts?format=csv" &&
	test "$(wc -l < pg.body)" = 2 &&
	same "/stations/01646500/forecasts?run=all&source=NOAA_RFC&format=ndjson" &&
	test "$(wc -l < pg.body)" = 2
'

test_expect_success 'a large answer streams, the same bytes' '
	same /stations/01000000/observations?format=csv &&
	test "$(wc -l < pg.body)" = 12001 &&
	same /stations/01000002/observations &&
	sf-query --db "$SF_PG_URI" -s 01000001 > expect &&
	same "/stations/01000001/observations?format=ndjson" &&
	test_cmp expect pg.body
'

test_expect_success 'the hydrograph and the station page' '
	same "/stations/01646500/hydrograph.svg?forecast=1" &&
	test "$(cat pg.code)" = 200 && grep -q "<svg" pg.body &&
	same /stations/01646500.html && test "$(cat pg.code)" = 200 &&
	grep -q POTOMAC pg.body
'

test_expect_success '400 and 404 as on SQLite' '
	same "/stations/01646500/observations?start=yesterday" &&
	test "$(cat pg.code)" = 400 &&
	same "/stations/01646500/observations?type=hourly" &&
	same "/stations/01646500/forecasts?run=soon" &&
	same /stations/99999999 && test "$(cat pg.code)" = 404 &&
	same /stations/99999999/observations &&
	same /stations/99999999/forecasts &&
	same /stations/99999999/hydrograph.svg &&
	! grep -qi "postgres\|sqlite" pg.body
'

test_expect_success 'PostgreSQL: no ETag, and new values show at once' '
	same /stations/01646500/observations &&
	grep -qi "^ETag:" lite.hdr && ! grep -qi "^ETag:" pg.hdr &&
	tr -d "\r" < pg.hdr | grep -qix "cache-control: no-cache" &&
	printf "%s\n" "{\"kind\":\"obs\",\"config\":null,\"station\":\"01646500\",\"agency\":\"USGS\",\"type\":\"daily_mean\",\"observed_at\":\"2024-01-03T00:00:00Z\",\"discharge\":11000,\"unit\":\"cfs\",\"quality_code\":\"A\"}" > new &&
	sf-load --strict --db "$SF_PG_URI" new &&
	curl -s -o out -H "If-None-Match: *" "$pg_url/stations/01646500/observations" &&
	grep -q 2024-01-03 out
'

test_expect_success 'PostgreSQL gone: 503, never the server'"'"'s text' '
	pg_stop &&
	for i in 1 2; do
		code=$(curl -s -o out -w "%{http_code}" \
		    "$pg_url/stations/01646500/observations") &&
		test "$code" = 503 && grep -q "\"status\":503" out &&
		! grep -qi "postgres\|connect\|socket\|secret" out || return 1
	done &&
	! grep -q secret pg.log
'

kill -TERM $lite_pid $pg_pid
wait $lite_pid; a=$?
wait $pg_pid; b=$?
test_expect_success 'SIGTERM: both stop cleanly, exit 0' "
	test $a = 0 && test $b = 0
"

test_done
