#!/bin/sh
# t0930: lib/sf_pg against a real PostgreSQL (tests/pg/pgload drives it):
# the schema created once by concurrent creators, the configuration lock
# across sessions, and the set-wise loader (inserted, updated with their
# revisions, unchanged rows left without dead tuples).
. "$(dirname "$0")/test-lib.sh"
. "$SF_TOP/tests/pg/lib.sh"
PGLOAD=$SF_BUILD/tests/pgload

# dead: n_dead_tup of discharge_observations
dead() {
	pg_psql -c "SELECT n_dead_tup FROM pg_stat_user_tables
	    WHERE relname = 'discharge_observations'"
}

pg_start > start.out 2>&1
rc=$?
test_expect_success 'the server starts and pgload is built' '
	cat start.out && test "$rc" -eq 0 && test -x "$PGLOAD"
'
test_expect_code 1 'pgload fails without SF_PG_URI' '
	env -u SF_PG_URI "$PGLOAD" migrate
'
test_expect_success 'migrate creates the schema, then finds it' '
	"$PGLOAD" migrate > out && "$PGLOAD" migrate >> out &&
	printf "created\nfound\n" > want && test_cmp want out &&
	pg_psql -c "SELECT version FROM sf_schema_version" > out &&
	echo 2 > want && test_cmp want out
'
test_expect_success 'of two concurrent creators one creates (10 trials)' '
	for i in 1 2 3 4 5 6 7 8 9 10; do
		pg_psql -c "DROP SCHEMA public CASCADE; CREATE SCHEMA public" &&
		rm -f go &&
		{ "$PGLOAD" migrate go > a.$i 2>&1 & } &&
		{ "$PGLOAD" migrate go > b.$i 2>&1 & } &&
		sleep 0.2 && touch go && wait &&
		cat a.$i b.$i | sort > out &&
		printf "created\nfound\n" > want && test_cmp want out ||
		{ cat a.$i b.$i; exit 1; }
	done
'
test_expect_code 1 'a newer schema is refused' '
	pg_psql -c "INSERT INTO sf_schema_version VALUES (3)" &&
	"$PGLOAD" migrate 2> err; rc=$?; cat err &&
	grep -q "schema version 3 is newer" err &&
	pg_psql -c "DELETE FROM sf_schema_version WHERE version = 3" &&
	exit $rc
'
test_expect_success 'a second session cannot take a held configuration' '
	rm -f held release &&
	{ "$PGLOAD" hold hourly held release > hold.out 2>&1 & } &&
	i=0; while ! test -e held && test $i -lt 3000; do
		sleep 0.01; i=$((i + 1)); done &&
	test -e held &&
	{ "$PGLOAD" trylock hourly > out; test $? -eq 1; } &&
	echo busy > want && test_cmp want out &&
	"$PGLOAD" trylock daily > out && echo locked > want &&
	test_cmp want out &&
	touch release && wait &&
	"$PGLOAD" trylock hourly > out && echo locked > want &&
	test_cmp want out
'
test_expect_success 'a killed holder releases its lock' '
	rm -f held release &&
	"$PGLOAD" hold hourly held release > hold.out 2>&1 &
	pid=$! &&
	i=0; while ! test -e held && test $i -lt 3000; do
		sleep 0.01; i=$((i + 1)); done &&
	{ "$PGLOAD" trylock hourly > out; test $? -eq 1; } &&
	kill -9 $pid; wait $pid; ! kill -0 $pid 2>/dev/null &&
	i=0; until "$PGLOAD" trylock hourly > out || test $i -ge 300; do
		sleep 0.1; i=$((i + 1)); done &&
	echo locked > want && test_cmp want out
'
test_expect_success 'a fresh load inserts every row' '
	pg_psql -c "INSERT INTO stations (station_number, name, agency)
	    VALUES ('\''01646500'\'', '\''a'\'', '\''USGS'\''),
	    ('\''01647000'\'', '\''b'\'', '\''USGS'\'')" &&
	"$PGLOAD" load 2 100 > out &&
	echo "inserted 200 updated 0 unchanged 0" > want && test_cmp want out &&
	pg_psql -c "SELECT count(*), sum(discharge) FROM discharge_observations" > out &&
	echo "200|7600" > want && test_cmp want out
'
test_expect_success 'reloading the same rows changes nothing, no dead tuples' '
	"$PGLOAD" load 2 100 > out &&
	echo "inserted 0 updated 0 unchanged 200" > want && test_cmp want out &&
	dead > out && echo 0 > want && test_cmp want out &&
	pg_psql -c "SELECT count(*) FROM discharge_observation_revisions" > out &&
	test_cmp want out
'
test_expect_success 'changed rows are updated, their old values kept' '
	"$PGLOAD" load 1 100 1 > out &&
	echo "inserted 0 updated 100 unchanged 0" > want && test_cmp want out &&
	pg_psql -c "SELECT count(*), sum(discharge) FROM discharge_observation_revisions
	    WHERE station_id = 1 AND replaced_at >= loaded_at" > out &&
	echo "100|3712.5" > want && test_cmp want out &&
	pg_psql -c "SELECT sum(discharge) FROM discharge_observations
	    WHERE station_id = 1" > out &&
	echo 3812.5 > want && test_cmp want out &&
	dead > out && test "$(cat out)" -gt 0
'
test_expect_success 'a mixed batch counts each kind' '
	"$PGLOAD" load 2 150 1 > out &&
	echo "inserted 100 updated 100 unchanged 100" > want &&
	test_cmp want out &&
	pg_psql -c "SELECT count(*) FROM discharge_observations" > out &&
	echo 300 > want && test_cmp want out &&
	pg_psql -c "SELECT count(*) FROM discharge_observation_revisions" > out &&
	echo 200 > want && test_cmp want out
'
test_expect_success 'batches of any size give the same counts' '
	"$PGLOAD" load 2 160 1 0 7 > out &&
	echo "inserted 20 updated 0 unchanged 300" > want && test_cmp want out
'
test_expect_success 'a key given twice in one batch: the last row wins' '
	"$PGLOAD" dup > out &&
	echo "inserted 0 updated 2 unchanged 0" > want && test_cmp want out &&
	pg_psql -c "SELECT discharge, quality_code FROM discharge_observations
	    WHERE station_id = 1 AND type = '\''realtime_15min'\''
	    AND observed_at = '\''2024-01-01T00:00:00Z'\''" > out &&
	echo "3|A" > want && test_cmp want out
'
test_expect_success 'a missing value and COPY special bytes round-trip' '
	"$PGLOAD" odd > out &&
	echo "inserted 1 updated 0 unchanged 0" > want && test_cmp want out &&
	pg_psql -c "SELECT discharge IS NULL, unit, type,
	    encode(convert_to(quality_code, '\''UTF8'\''), '\''hex'\'')
	    FROM discharge_observations WHERE station_id = 2
	    AND type = '\''daily_mean'\''" > out &&
	echo "t|cms|daily_mean|6109625c630a640d" > want && test_cmp want out
'
test_expect_success 'an aborted batch leaves nothing' '
	pg_psql -c "SELECT count(*) FROM discharge_observations" > before &&
	"$PGLOAD" abort > out &&
	echo "inserted 0 updated 0 unchanged 0" > want && test_cmp want out &&
	pg_psql -c "SELECT count(*) FROM discharge_observations" > after &&
	test_cmp before after
'
test_expect_code 1 'a refused row aborts its batch' '
	"$PGLOAD" reject 2> err; rc=$?; cat err &&
	grep -q "discharge is not a finite number" err &&
	pg_psql -c "SELECT count(*) FROM discharge_observations
	    WHERE observed_at < '\''2000-01-01T00:00:00Z'\''" > out &&
	echo 0 > want && test_cmp want out && exit $rc
'
test_expect_success 'memory stays flat: 100 000 rows in one batch' '
	pg_psql -c "INSERT INTO stations (station_number, name, agency)
	    SELECT g::text, g::text, '\''USGS'\'' FROM generate_series(3, 10) g" &&
	"$PGLOAD" load 10 10000 0 1000 > out 2> err &&
	echo "inserted 100000 updated 0 unchanged 0" > want &&
	test_cmp want out &&
	kb=$(sed -n "s/^maxrss //p" err) && test "$kb" -lt 20480
'
test_done
