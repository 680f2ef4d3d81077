#!/bin/sh
# t9020: every program through a Citus coordinator, as on a file.
#
# The same pipeline runs against a SQLite file and against a coordinator
# with two workers: a configuration and its stations (sf-config), the
# plan (sf-progress) fed to a stand-in fetcher, the loads (sf-load) with
# a revision, then sf-status, sf-query (values, revisions, as of an
# instant, gaps), sf-stations and sf-map. Each command's output must be
# the same bytes on both; and the rows must sit on both workers.
test_description='Citus: the pipeline, Smart Append, revisions, sf-status and sf-query through the coordinator'
. "$(dirname "$0")/../cmd/test-lib.sh"
. "$SF_TOP/tests/pg/lib.sh"
. "$SF_TOP/tests/citus/lib.sh"

citus_start >start.out 2>&1
rc=$?
LITE=$TRASH/lite.db

# both NAME CMD...: CMD with --db LITE, then with --db the coordinator;
# their stdout (NAME.lite, NAME.citus) and exit statuses must agree
both() {
	n=$1; shift
	"$@" --db "$LITE" > "$n.lite" 2> "$n.lite.err"; a=$?
	"$@" --db "$SF_PG_URI" > "$n.citus" 2> "$n.citus.err"; b=$?
	cat "$n.lite.err" "$n.citus.err"
	test "$a" -eq "$b" && test_cmp "$n.lite" "$n.citus"
}

# fetch: a stand-in fetcher: for each request, 96 values of its station
# from its start (its plan moves on as data arrive), DELTA added
cat > fetch <<'EOF'
#!/bin/sh
awk -v delta="${DELTA:-0}" -F'"' '
/"kind":"request"/ {
	for (i = 1; i < NF; i++) {
		if ($i == "station") st = $(i + 2)
		if ($i == "start") start = $(i + 2)
		if ($i == "config") conf = $(i + 2)
	}
	print conf, st, start
}' | while read -r conf st start; do
	n=${st#0100000}
	SF_FIRST=$(( ($(date -u -d "$start" +%s) - 1704067200) / 900 ))
	[ "$SF_FIRST" -ge 0 ] || SF_FIRST=0
	awk -v conf="$conf" -v st="$st" -v first="$SF_FIRST" -v n="$n" \
	    -v delta="${DELTA:-0}" 'BEGIN {
		for (i = first; i < first + 96; i++) {
			t = 1704067200 + i * 900
			v = (n * 7 + i * 3) % 1000 / 4 + delta
			printf "{\"kind\":\"obs\",\"config\":\"%s\",\"station\":\"%s\",\"agency\":\"USGS\",\"type\":\"realtime_15min\",\"observed_at\":\"%s\",\"discharge\":%s,\"unit\":\"cfs\",\"quality_code\":\"P\"}\n", conf, st, strftime("%Y-%m-%dT%H:%M:%SZ", t, 1), v
		}
		printf "{\"kind\":\"done\",\"config\":\"%s\",\"station\":\"%s\",\"agency\":\"USGS\",\"type\":\"realtime_15min\",\"start\":null,\"end\":null,\"modified_since\":null}\n", conf, st
	}'
done
EOF
chmod +x fetch

test_expect_success 'the cluster starts; a configuration of six stations on both' '
	cat start.out && test "$rc" -eq 0 &&
	both add sf-config add potomac --type realtime_15min --agency USGS \
	    --start 2024-01-01 --schedule 1h &&
	both st sf-config stations potomac add 01000000 01000001 01000002 \
	    01000003 01000004 01000005 &&
	both list sf-config list &&
	citus_psql c -c "SELECT count(*) FROM citus_tables
	    WHERE citus_table_type = '\''distributed'\''" >out &&
	echo 4 >want && test_cmp want out
'

# run N [DELTA]: the pipeline once on each archive, under the clock of day N
run() {
	for db in "$LITE" "$SF_PG_URI"; do
		SF_NOW=2024-01-0${1}T12:00:00Z DELTA=${2:-0} sh -c '
		    sf-progress --db "$1" plan potomac | ./fetch |
		    sf-load -v --db "$1"' sh "$db" || return 1
	done
}

test_expect_success 'three runs: Smart Append moves on the same on both' '
	run 1 && run 2 && run 3 &&
	both plan env SF_NOW=2024-01-04T12:00:00Z sf-progress plan potomac &&
	grep -q "\"start\":\"2024-01-03T23:15:00Z\"" plan.citus &&
	both show sf-progress show potomac
'

test_expect_success 'a revision: the values change, the old ones are kept' '
	for db in "$LITE" "$SF_PG_URI"; do
		sf-query --db "$db" -s 01000002 --start 2024-01-01 \
		    --end 2024-01-01T05:00:00Z | sed "s/\"discharge\":/\"discharge\":1/" |
		    SF_NOW=2024-01-04T00:00:00Z sf-load --db "$db" || return 1
	done &&
	both rev sf-query --kind revision -s 01000002 &&
	test "$(wc -l < rev.citus)" -ge 20 &&
	both asof sf-query -s 01000002 --start 2024-01-01 \
	    --end 2024-01-01T05:00:00Z --as-of 2024-01-03T00:00:00Z
'

test_expect_success 'sf-status, sf-query, sf-stations, sf-map: the same answers' '
	both status env SF_NOW=2024-01-04T12:00:00Z sf-status &&
	both check env SF_NOW=2024-01-10T12:00:00Z sf-status --check &&
	grep -q "01000005.*stale" check.citus.err &&
	both values sf-query -f csv &&
	test "$(wc -l < values.citus)" -gt 1000 &&
	both latest sf-query --latest &&
	both gaps sf-query --gaps &&
	both stations sf-query --kind station &&
	both search sf-stations &&
	both maps sf-map list
'

test_expect_success 'the rows sit on both workers' '
	citus_psql c -c "SELECT count(DISTINCT s.nodeport)
	    FROM run_command_on_shards('\''discharge_observations'\'',
	        '\''SELECT count(*) FROM %s'\'') r
	    JOIN citus_shards s USING (shardid) WHERE r.result::bigint > 0" >out &&
	echo 2 >want && test_cmp want out
'
test_done
