#!/bin/sh
test_description='the season stand-in of the Water Data API'
. "$(dirname "$0")/test-lib.sh"
. "$SF_TOP/tests/season/lib.sh"

# tests/server/waterdata-season.py, the service the season test
# (tests/cmd/t5000-season.sh) runs sf against for a simulated season:
# its answers in the real shape, its clock, publication, approvals with
# changed values and a new last_modified, the last_modified filter, the
# outage, the dead gauge, paging, and that sf-fetch-usgs reads it.

ST=01646500,01638500,01594440,03049500
start_season --first-day 2026-01-01 --approve-lag 30 --approve-every 14 \
	--outage 2026-04-01/2026-04-03 --dead 01594440@2026-03-10 \
	--max-limit 50

# get PATH-AND-QUERY: GETs it, prints the status, leaves the body in body
get() {
	python3 - "$SERVER_URL$1" <<-\EOF
	import sys, urllib.request, urllib.error
	try:
	    r = urllib.request.urlopen(sys.argv[1], timeout=10)
	    status, body = r.status, r.read()
	except urllib.error.HTTPError as e:
	    status, body = e.code, e.read()
	open("body", "wb").write(body)
	print(status)
	EOF
}

# q EXPRESSION: prints the Python expression over d, the JSON of body (a
# string as it is, anything else as compact JSON)
q() {
	python3 -c "import json; d = json.load(open('body')); r = $1
print(r if isinstance(r, str) else json.dumps(r, separators=(',', ':')))"
}

# each PATH-AND-QUERY: follows next links from it; prints
# "station time value approval last_modified" for every feature
each() {
	python3 - "$SERVER_URL$1" <<-\EOF
	import json, sys, urllib.request
	url = sys.argv[1]
	while url:
	    d = json.load(urllib.request.urlopen(url, timeout=10))
	    for f in d["features"]:
	        p = f["properties"]
	        print(p["monitoring_location_id"][5:], p["time"], p["value"],
	              p["approval_status"][0], p["last_modified"][:19])
	    url = next((l["href"] for l in d["links"] if l["rel"] == "next"), None)
	EOF
}

D=/collections/daily/items

test_expect_success 'the real shape: features, properties, value a string' '
	season_clock 2026-03-01T12:00:00Z &&
	test "$(get "$D?monitoring_location_id=USGS-01646500&time=2026-02-27/..&f=json")" = 200 &&
	q "[d[\"type\"], d[\"numberReturned\"], len(d[\"features\"])]" >out &&
	q "sorted(d[\"features\"][0][\"properties\"])" >>out &&
	q "[[p[k] for k in (\"time\", \"value\", \"approval_status\", \"monitoring_location_id\", \"last_modified\", \"qualifier\")] for p in (f[\"properties\"] for f in d[\"features\"])]" >>out &&
	q "[l[\"rel\"] for l in d[\"links\"]]" >>out &&
	cat >expect <<-\EOF &&
	["FeatureCollection",2,2]
	["approval_status","last_modified","monitoring_location_id","parameter_code","qualifier","statistic_id","time","time_series_id","unit_of_measure","value"]
	[["2026-02-27","123.2","Provisional","USGS-01646500","2026-02-28T05:17:42.123456+00:00",null],["2026-02-28","129.1","Provisional","USGS-01646500","2026-03-01T05:17:42.123456+00:00",null]]
	["self","collection"]
	EOF
	test_cmp expect out
'

test_expect_success 'a day is published the next morning (05:17 UTC)' '
	season_clock 2026-03-01T05:00:00Z &&
	get "$D?monitoring_location_id=USGS-01646500&time=2026-02-20/2026-03-10" &&
	q "d[\"features\"][-1][\"properties\"][\"time\"]" >out &&
	season_clock 2026-03-01T05:30:00Z &&
	get "$D?monitoring_location_id=USGS-01646500&time=2026-02-20/2026-03-10" &&
	q "d[\"features\"][-1][\"properties\"][\"time\"]" >>out &&
	printf "2026-02-27\n2026-02-28\n" >expect && test_cmp expect out
'

test_expect_success 'approval changes the value and last_modified, weeks later' '
	season_clock 2026-03-01T12:00:00Z &&
	each "$D?monitoring_location_id=USGS-01646500&time=2026-02-10/2026-02-10" >before &&
	season_clock 2026-04-20T12:00:00Z &&
	each "$D?monitoring_location_id=USGS-01646500&time=2026-02-10/2026-02-10" >after &&
	read -r s1 t1 v1 a1 m1 <before && read -r s2 t2 v2 a2 m2 <after &&
	test "$s1 $t1 $a1 $m1" = "01646500 2026-02-10 P 2026-02-11T05:17:42" &&
	test "$s2 $t2 $a2" = "01646500 2026-02-10 A" &&
	test "$v1" != "$v2" &&
	test "$m2" \> "2026-03-13" && test "$m2" \< "2026-04-20"
'

test_expect_success 'only last_modified=T/.. finds an approval of an old day' '
	season_clock 2026-04-20T12:00:00Z &&
	each "$D?monitoring_location_id=USGS-01646500&time=2026-04-18/.." >new &&
	test "$(cut -d" " -f2 new | tr "\n" " ")" = "2026-04-18 2026-04-19 " &&
	grep -v " A " new &&
	each "$D?monitoring_location_id=USGS-01646500&last_modified=2026-04-10T00:00:00Z/.." >changed &&
	grep " A " changed >approved &&
	test "$(wc -l <approved)" -ge 10 &&
	! grep -q " 2026-04-1[89] " approved &&
	# every row really was modified in the interval
	awk "\$5 < \"2026-04-10\" { exit 1 }" changed
'

test_expect_success 'last_modified: A/B, ../B, an instant and a duration' '
	season_clock 2026-04-20T12:00:00Z &&
	each "$D?monitoring_location_id=USGS-01646500&last_modified=2026-04-18T00:00:00Z/2026-04-19T00:00:00Z" >ab &&
	test "$(cut -d" " -f2,5 ab)" = "2026-04-17 2026-04-18T05:17:42" &&
	each "$D?monitoring_location_id=USGS-01646500&last_modified=../2026-01-03T06:00:00Z" >b &&
	test "$(wc -l <b)" = 0 &&
	each "$D?monitoring_location_id=USGS-01646500&last_modified=P1D" >dur &&
	test "$(cut -d" " -f2 dur)" = 2026-04-19 &&
	each "$D?monitoring_location_id=USGS-01646500&last_modified=2026-04-19T05:17:42.123456Z" >inst &&
	test "$(cut -d" " -f2 inst)" = 2026-04-18
'

test_expect_success 'the outage: 503 for every request, then well again' '
	season_clock 2026-04-01T12:00:00Z &&
	test "$(get "$D?monitoring_location_id=USGS-01646500")" = 503 &&
	q "d[\"error\"][\"code\"]" >out &&
	season_clock 2026-04-03T23:59:59Z &&
	test "$(get /collections/nowhere)" = 503 &&
	season_clock 2026-04-04T00:00:00Z &&
	test "$(get "$D?monitoring_location_id=USGS-01646500")" = 200 &&
	echo SERVICE_UNAVAILABLE >expect && test_cmp expect out
'

test_expect_success 'continuous: 15-minute values in UTC, an hour late' '
	season_clock 2026-03-01T12:00:00Z &&
	C=/collections/continuous/items &&
	get "$C?monitoring_location_id=USGS-01646500&time=2026-03-01T09:00:00Z/..&statistic_id=00011" &&
	q "[[f[\"properties\"][k] for k in (\"time\", \"statistic_id\", \"approval_status\", \"last_modified\")] for f in d[\"features\"]]" >out &&
	cat >expect <<-\EOF &&
	[["2026-03-01T09:00:00+00:00","00011","Provisional","2026-03-01T10:02:03.500000+00:00"],["2026-03-01T09:15:00+00:00","00011","Provisional","2026-03-01T10:17:03.500000+00:00"],["2026-03-01T09:30:00+00:00","00011","Provisional","2026-03-01T10:32:03.500000+00:00"],["2026-03-01T09:45:00+00:00","00011","Provisional","2026-03-01T10:47:03.500000+00:00"],["2026-03-01T10:00:00+00:00","00011","Provisional","2026-03-01T11:02:03.500000+00:00"],["2026-03-01T10:15:00+00:00","00011","Provisional","2026-03-01T11:17:03.500000+00:00"],["2026-03-01T10:30:00+00:00","00011","Provisional","2026-03-01T11:32:03.500000+00:00"],["2026-03-01T10:45:00+00:00","00011","Provisional","2026-03-01T11:47:03.500000+00:00"]]
	EOF
	test_cmp expect out &&
	test "$(get "$C?monitoring_location_id=USGS-01646500&time=2020-01-01/..")" = 400 &&
	test "$(get "$C?monitoring_location_id=USGS-01646500&time=2026-03-01T10:45:00Z")" = 200 &&
	test "$(q "[f[\"properties\"][\"time\"] for f in d[\"features\"]]")" = "[\"2026-03-01T10:45:00+00:00\"]"
'

test_expect_success 'continuous: approved weeks later, found by last_modified' '
	season_clock 2026-04-20T12:00:00Z &&
	each "/collections/continuous/items?monitoring_location_id=USGS-01646500&time=2026-02-10T06:00:00Z/2026-02-10T06:00:00Z" >after &&
	read -r s t v a m <after &&
	test "$t $a" = "2026-02-10T06:00:00+00:00 A" &&
	test "$m" \> 2026-03-13 &&
	each "/collections/continuous/items?monitoring_location_id=USGS-01646500&time=2026-02-10T00:00:00Z/2026-02-10T23:59:59Z&last_modified=${m}Z/.." >changed &&
	grep -F "2026-02-10T06:00:00+00:00 $v A" changed
'

test_expect_success 'sf-fetch-usgs reads continuous values: --dump --collection continuous' '
	season_clock 2026-03-12T12:00:00Z &&
	printf "{\"kind\":\"request\",\"config\":\"c\",\"station\":\"%s\",\"agency\":\"USGS\",\"type\":\"realtime_15min\",\"source\":null,\"start\":\"2026-03-09T00:00:00Z\",\"end\":null,\"modified_since\":null,\"target_id\":null}\n" 01646500 01594440 >requests &&
	SF_NOW=2026-03-12T12:00:00Z SF_USGS_URL=$SERVER_URL \
		sf-fetch-usgs <requests >records &&
	python3 -c "
import json
for line in open(\"records\"):
    r = json.loads(line)
    if r[\"kind\"] == \"obs\":
        print(\"%s|%s|%.1f|%s\" % (r[\"station\"], r[\"observed_at\"],
            r[\"discharge\"], r[\"quality_code\"][0]))
" | sort >got &&
	season_dump --collection continuous --stations 01646500,01594440 \
	    --dead 01594440@2026-03-10 | awk -F"|" "\$2 >= \"2026-03-09\"" |
	    sort >expect &&
	grep "^01594440|2026-03-10T23:45:00Z|" got &&
	! grep "^01594440|2026-03-11" got &&
	grep "^01646500|2026-03-12T10:45:00Z|" got &&
	test_cmp expect got
'

test_expect_success 'the dead gauge publishes nothing after its last day' '
	season_clock 2026-04-20T12:00:00Z &&
	each "$D?monitoring_location_id=USGS-01594440,USGS-01638500&time=2026-03-09/.." >out &&
	grep "^01594440 " out | cut -d" " -f2 >dead &&
	printf "2026-03-09\n2026-03-10\n" >expect && test_cmp expect dead &&
	test "$(grep -c "^01638500 " out)" = 42
'

test_expect_success 'paging: next links until the end, capped by --max-limit' '
	season_clock 2026-03-01T12:00:00Z &&
	get "$D?monitoring_location_id=USGS-01646500,USGS-01638500&limit=50000" &&
	q "[d[\"numberReturned\"], [l[\"rel\"] for l in d[\"links\"]]]" >out &&
	echo "[50,[\"self\",\"next\",\"collection\"]]" >expect &&
	test_cmp expect out &&
	each "$D?monitoring_location_id=USGS-01646500,USGS-01638500&limit=7&sortby=time" >all &&
	test "$(wc -l <all)" = 118 &&
	test "$(sort -u all | wc -l)" = 118 &&
	cut -d" " -f2 all >times && sort -c times
'

test_expect_success 'properties= and skipGeometry=' '
	season_clock 2026-03-01T12:00:00Z &&
	get "$D?monitoring_location_id=USGS-01646500&properties=time,value&skipGeometry=true&limit=1" &&
	q "[sorted(d[\"features\"][0][\"properties\"]), d[\"features\"][0][\"geometry\"]]" >out &&
	echo "[[\"time\",\"value\"],null]" >expect && test_cmp expect out
'

test_expect_success 'refusals: 400 for a bad query, 414, 404' '
	season_clock 2026-03-01T12:00:00Z &&
	test "$(get "$D?monitoring_location_id=USGS-01646500&colour=blue")" = 400 &&
	q "d[\"code\"]" >out &&
	test "$(get "$D?time=yesterday")" = 400 &&
	test "$(get "$D?properties=time,colour")" = 400 &&
	test "$(get "$D?f=csv")" = 400 &&
	long=$(python3 -c "print(\"x\" * 8000)") &&
	test "$(get "$D?monitoring_location_id=USGS-$long")" = 414 &&
	test "$(get /collections/continuous/nothing)" = 404 &&
	echo InvalidParameterValue >expect && test_cmp expect out
'

test_expect_success 'no clock: 500 naming the problem' '
	mv "$SEASON_CLOCK" clock.saved &&
	status=$(get "$D") && mv clock.saved "$SEASON_CLOCK" &&
	test "$status" = 500 && grep -q "no clock" body
'

test_expect_success '--dump is what a client that asks for everything gets' '
	season_clock 2026-04-20T12:00:00Z &&
	each "$D?monitoring_location_id=USGS-01646500,USGS-01638500,USGS-01594440,USGS-03049500&sortby=monitoring_location_id,time" >all &&
	awk "{ print \$1 \"|\" \$2 \"|\" \$3 \"|\" \$4 }" all | sort >got &&
	season_dump --first-day 2026-01-01 --dead 01594440@2026-03-10 | sort >expect &&
	test_cmp expect got &&
	test "$(wc -l <got)" = $((3 * 109 + 69))
'

test_expect_success '--history: provisional and approved values of each day' '
	season_clock 2026-04-20T12:00:00Z &&
	season_history --first-day 2026-01-01 >hist &&
	grep "^01646500|2026-02-10|" hist >line &&
	IFS="|" read -r st day prov pub appr at <line &&
	test "$pub" = 2026-02-11T05:17:42Z && test -n "$appr" &&
	test "$prov" != "$appr" &&
	grep "^01646500|2026-04-18|[0-9.]*|2026-04-19T05:17:42Z||$" hist
'

test_expect_success 'sf-fetch-usgs reads it: every value of --dump, paged' '
	season_clock 2026-04-20T12:00:00Z &&
	before=$(season_log_count) &&
	for s in 01646500 01638500 01594440 03049500; do
		printf "{\"kind\":\"request\",\"config\":\"c\",\"station\":\"%s\",\"agency\":\"USGS\",\"type\":\"daily_mean\",\"source\":null,\"start\":\"2026-01-01T00:00:00Z\",\"end\":null,\"modified_since\":null,\"target_id\":null}\n" $s
	done >requests &&
	SF_NOW=2026-04-20T12:00:00Z SF_USGS_URL=$SERVER_URL \
		sf-fetch-usgs <requests >records &&
	python3 -c "
import json, sys
for line in open(\"records\"):
    r = json.loads(line)
    if r[\"kind\"] == \"obs\":
        print(\"%s|%s|%.1f|%s\" % (r[\"station\"], r[\"observed_at\"][:10],
            r[\"discharge\"], r[\"quality_code\"][0]))
" | sort >got &&
	season_dump --first-day 2026-01-01 --dead 01594440@2026-03-10 | sort >expect &&
	test_cmp expect got &&
	test $(($(season_log_count) - before)) -ge 8
'

test_expect_success 'the log: the clock and the page size of each request' '
	tail -n 1 "$SERVER_LOG" >last &&
	python3 -c "
import json
r = json.loads(open(\"last\").read())
assert r[\"now\"] == \"2026-04-20T12:00:00Z\", r[\"now\"]
assert r[\"reply\"] == 200 and isinstance(r[\"features\"], int), r
assert r[\"path\"] == \"/collections/daily/items\"
assert r[\"headers\"][\"User-Agent\"].startswith(\"sf/\")
" &&
	server_param monitoring_location_id | tail -n 1 | grep "USGS-0"
'

test_expect_success 'a generated network: --station-count' '
	echo 2026-01-03T12:00:00Z >c &&
	python3 "$SEASON_PY" --control c --dump --station-count 1000 >many &&
	test "$(cut -d"|" -f1 many | sort -u | wc -l)" = 1000 &&
	test "$(wc -l <many)" = 2000 &&
	head -n 1 many | grep "^01000000|2026-01-01|" &&
	tail -n 1 many | grep "^01000999|2026-01-02|"
'

test_expect_success 'cronjob.py runs a crontab entry as cron does' '
	DIR=$(pwd -P) &&
	cat >table <<-EOF &&
	# a comment
	MAILTO=someone
	FOO = "bar baz"
	30 2 * * * /usr/local/bin/backup
	0 12 * * * printf "\\%s\\\\n" "\$FOO" "\$SF_NOW" "\$PWD" "\$(cat)" "\\%d" >"$DIR/out"; env | sort >"$DIR/env" %in1%in2
	EOF
	python3 "$SF_TOP/tests/season/cronjob.py" table "$DIR/out" \
	    --schedule sched --pass SF_NOW >job.sh &&
	echo "0 12 * * *" >expect && test_cmp expect sched &&
	HOME=$DIR CRON_PATH=/usr/bin:/bin SF_NOW=2026-03-01T12:00:00Z \
	    NOT_PASSED=1 sh job.sh &&
	printf "%s\n" "bar baz" 2026-03-01T12:00:00Z "$DIR" in1 in2 "%d" >expect &&
	test_cmp expect out &&
	cut -d= -f1 env | grep -Ev "^(PWD|OLDPWD|SHLVL|_)$" | tr "\n" " " >names &&
	printf "FOO HOME LOGNAME MAILTO PATH SF_NOW SHELL " >expect &&
	test_cmp expect names &&
	grep -x PATH=/usr/bin:/bin env && grep -x SHELL=/bin/sh env &&
	{ python3 "$SF_TOP/tests/season/cronjob.py" table nothing-here 2>err;
	  test $? = 1; } && grep "no entry" err
'

test_done
