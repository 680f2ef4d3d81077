#!/bin/sh
test_description='sf-load: SIGKILL at a random moment, then a rerun; concurrent loads'
. "$(dirname "$0")/test-lib.sh"

# consistent DB: every progress row equals the newest stored time of its
# station, so progress is never ahead of (nor behind) committed data
consistent() {
	sqlite3 "$1" "SELECT p.station_number, p.last_successful_pull_date
	    FROM pull_station_progress p
	    JOIN stations s ON s.station_number = p.station_number
	    WHERE p.last_successful_pull_date IS NOT (SELECT max(observed_at)
	        FROM discharge_observations WHERE station_id = s.id)" >bad &&
	test_must_be_empty bad
}

test_expect_success 'setup: a reference load, uninterrupted' '
	gen_obs 200 2000 crash >big &&
	add_config crash &&
	cp sf.db empty.db &&
	sf-load --batch 500 big &&
	dump >reference &&
	test "$(sql "SELECT count(*) FROM obs")" = 400000
'

# The kill comes when a random share of the rows is committed, as seen by
# polling the database, so it lands mid-load whatever the machine's speed.
test_expect_success 'killed at random moments, each time consistent; the rerun equals the reference' '
	cp empty.db k.db &&
	interrupted=0 &&
	for seed in 1 2 3 4; do
		have=$(sqlite3 k.db "SELECT count(*) FROM obs") &&
		want=$(awk -v s="$seed$$" -v h="$have" \
		    "BEGIN { srand(s); printf \"%d\", h + (400000 - h) * (0.05 + 0.8 * rand()) }") &&
		{ SF_DB=$PWD/k.db sf-load --batch 500 big & pid=$!; } &&
		n=0 && polls=0 &&
		while [ "$n" -lt "$want" ] && [ "$polls" -lt 3000 ] &&
		    kill -0 $pid 2>/dev/null; do
			n=$(sqlite3 k.db "SELECT count(*) FROM obs" 2>/dev/null || echo 0)
			polls=$((polls + 1))
		done &&
		{ kill -9 $pid 2>/dev/null || echo "(had already finished)"; } &&
		{ wait $pid; true; } &&
		consistent k.db &&
		n=$(sqlite3 k.db "SELECT count(*) FROM obs") &&
		echo "wanted $want, rows after the kill: $n" &&
		if [ "$n" -lt 400000 ]; then interrupted=$((interrupted + 1)); fi ||
		return 1
	done &&
	echo "interrupted $interrupted of 4" &&
	test "$interrupted" -gt 0 &&
	SF_DB=$PWD/k.db sf-load --batch 500 big &&
	SF_DB=$PWD/k.db dump >after &&
	test_cmp reference after
'

test_expect_success 'two loads into one database at the same time both succeed' '
	cp empty.db c.db &&
	gen_obs 30 2000 crash >a &&
	sed "s/\"station\":\"010/\"station\":\"020/" a >b &&
	{ SF_DB=$PWD/c.db sf-load --batch 200 a & p1=$!; } &&
	{ SF_DB=$PWD/c.db sf-load --batch 200 b & p2=$!; } &&
	wait $p1 && wait $p2 &&
	test "$(sqlite3 c.db "SELECT count(*) FROM obs")" = 120000 &&
	consistent c.db
'

test_expect_success 'two loads of the same stream at the same time: once in the archive' '
	cp empty.db d.db &&
	{ SF_DB=$PWD/d.db sf-load --batch 300 a & p1=$!; } &&
	{ SF_DB=$PWD/d.db sf-load --batch 300 a & p2=$!; } &&
	wait $p1 && wait $p2 &&
	test "$(sqlite3 d.db "SELECT count(*) FROM obs")" = 60000 &&
	test "$(sqlite3 d.db "SELECT count(*) FROM obs_revisions")" = 0 &&
	consistent d.db
'

test_done
