#!/bin/sh
test_description='sf-fetch-usgs: 50,000-feature pages in flat memory; progress on a terminal'
. "$(dirname "$0")/test-lib.sh"
. "$(dirname "$0")/lib-nodone.sh"
hide_done sf-fetch-usgs
. "$SF_TOP/tests/server/lib.sh"

# Three pages of 50,000 daily features, in the shape of the real pages
# (tests/data/usgs/daily_page1.json): 100 stations, 1,500 days.
python3 - <<'EOF' || exit 1
import json, datetime
ids = ["%08d" % (2000000 + i) for i in range(100)]
day0 = datetime.date(2020, 1, 1)
feats = []
for d in range(1500):
    t = (day0 + datetime.timedelta(d)).isoformat()
    for i, s in enumerate(ids):
        feats.append({"type": "Feature", "id": "%s-%d" % (s, d),
            "geometry": None, "properties": {
            "approval_status": "Approved",
            "last_modified": "2026-07-30T15:43:16.002990+00:00",
            "monitoring_location_id": "USGS-" + s,
            "parameter_code": "00060", "qualifier": None,
            "statistic_id": "00003", "time": t,
            "time_series_id": "90a0ea0b6d99431e9f3d91da1aa49564",
            "unit_of_measure": "ft^3/s", "value": str(10 + d % 7)}})
for n in range(3):
    links = []
    if n < 2:
        links.append({"rel": "next", "type": "application/geo+json",
            "href": "@BASE_URL@/collections/daily/items?cursor=%d" % (n + 2)})
    json.dump({"type": "FeatureCollection",
        "features": feats[n * 50000:(n + 1) * 50000],
        "numberReturned": 50000, "links": links}, open("page%d.json" % (n + 1), "w"))
with open("req", "w") as f:
    for s in ids:
        f.write('{"kind":"request","config":"big","station":"%s","agency":"USGS",'
            '"type":"daily_mean","start":"2020-01-01","end":"2024-02-08",'
            '"target_id":null}\n' % s)
EOF
cat >routes <<EOF
GET /collections/daily/items cursor=2 -> 200 '$TRASH/page2.json'
GET /collections/daily/items cursor=3 -> 200 '$TRASH/page3.json'
GET /collections/daily/items -> 200 '$TRASH/page1.json' gzip
EOF
start_server routes || exit 1
SF_USGS_URL=$SERVER_URL
export SF_USGS_URL

test_expect_success '150,000 rows over three pages, one request each' '
	: >"$SERVER_LOG" &&
	python3 -c "
import resource, subprocess, sys
with open(\"req\") as i, open(\"out\", \"w\") as o:
    r = subprocess.run([\"sf-fetch-usgs\"], stdin=i, stdout=o)
print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
sys.exit(r.returncode)" >rss &&
	test "$(wc -l <out)" = 150000 &&
	test "$(server_requests | wc -l)" = 3 &&
	grep "\"station\":\"02000042\"" out |
	    sed "s/.*observed_at\":\"\([^\"]*\)\".*/\1/" >t &&
	test "$(wc -l <t)" = 1500 && sort -u t | test_cmp - t
'

test_expect_success 'peak memory under 64 MB (not under the sanitizers)' '
	case $SF_BUILD in
	*san*) ;;
	*) test "$(cat rss)" -lt 65536 ;;
	esac
'

test_expect_success 'a progress line on a terminal, none in a pipe' '
	script -qec "sf-fetch-usgs <req >/dev/null" /dev/null >tty.out 2>&1 &&
	grep "stations, .* requests, .* rows" tty.out &&
	sf-fetch-usgs <req >/dev/null 2>err && test_must_be_empty err
'

test_done
