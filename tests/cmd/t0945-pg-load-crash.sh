#!/bin/sh
# t0945: sf-load on PostgreSQL killed with SIGKILL in the middle of a
# large load, three times at different points: what is committed is a
# prefix of the input, and each station's progress is exactly the newest
# row committed for it (never ahead of the data, never behind). A full
# load after the kills completes the data. Also: a reload of unchanged
# rows leaves no dead tuples.
test_description='sf-load: kill -9 against a real PostgreSQL'
. "$(dirname "$0")/test-lib.sh"
. "$SF_TOP/tests/pg/lib.sh"

NS=6
PER=20000

pg_start > start.out 2>&1
rc=$?

# dead: n_dead_tup of discharge_observations
dead() {
	pg_psql -c "SELECT n_dead_tup FROM pg_stat_user_tables
	    WHERE relname = 'discharge_observations'"
}

# rows: observations committed
rows() {
	pg_psql -c "SELECT count(*) FROM discharge_observations"
}

# unlocked: waits (at most 30 s) until no session holds an advisory lock,
# as when the server has seen a killed client go
unlocked() {
	i=0
	while [ "$(pg_psql -c "SELECT count(*) FROM pg_locks
	    WHERE locktype = 'advisory'")" != 0 ]; do
		i=$((i + 1)); [ $i -lt 300 ] || return 1; sleep 0.1
	done
}

# consistent: each station's progress is its newest row, and its rows are
# every fifteen minutes from 2024-01-01 up to it (a prefix, no hole)
consistent() {
	pg_psql -c "SELECT p.station_number,
	    p.last_successful_pull_date = max(o.observed_at),
	    count(*) = extract(epoch FROM p.last_successful_pull_date
	        - '2024-01-01T00:00:00Z') / 900 + 1
	    FROM pull_station_progress p
	    JOIN stations s ON s.station_number = p.station_number
	    JOIN discharge_observations o ON o.station_id = s.id
	    GROUP BY p.station_number, p.last_successful_pull_date
	    ORDER BY 1" > cons && test -s cons &&
	! grep -v "|t|t$" cons &&
	pg_psql -c "SELECT count(*) FROM stations s WHERE NOT EXISTS
	    (SELECT 1 FROM pull_station_progress p
	    WHERE p.station_number = s.station_number)
	    AND EXISTS (SELECT 1 FROM discharge_observations o
	    WHERE o.station_id = s.id)" > orphans &&
	echo 0 > zero && test_cmp zero orphans
}

test_expect_success 'the server starts; an archive with a configuration' '
	cat start.out && test "$rc" -eq 0 &&
	sf-load --db "$SF_PG_URI" < /dev/null &&
	pg_psql -c "INSERT INTO pull_configurations (name, data_type,
	    pull_start_date, schedule_type) VALUES (
	    '\''crash'\'', '\''realtime_15min'\'', '\''1900-01-01'\'',
	    '\''manual'\'')" &&
	gen_obs $NS $PER crash > big && test "$(wc -l < big)" -eq $((NS * PER))
'
for k in 1 2 3; do
	test_expect_success "kill -9 after some batches (trial $k)" '
		sf-load --db "$SF_PG_URI" --batch 3000 big 2> load.err &
		pid=$! &&
		i=0; while [ "$(rows)" -lt $((k * 25000)) ]; do
			kill -0 $pid 2>/dev/null || break
			i=$((i + 1)); [ $i -lt 600 ] || break; sleep 0.05
		done &&
		kill -9 $pid; wait $pid; st=$?; cat load.err;
		test "$st" -eq 137 && unlocked && consistent &&
		test "$(rows)" -gt 0 && test "$(rows)" -lt $((NS * PER))
	'
done
test_expect_success 'a full load afterwards completes the data' '
	sf-load -v --db "$SF_PG_URI" big 2> err && cat err &&
	rows > n && echo $((NS * PER)) > want && test_cmp want n &&
	consistent &&
	pg_psql -c "SELECT count(*) FROM discharge_observation_revisions" > n &&
	echo 0 > want && test_cmp want n &&
	pg_psql -c "SELECT DISTINCT last_successful_pull_date
	    FROM pull_station_progress" > n &&
	pg_psql -c "SELECT to_timestamp(1704067200 + ($PER - 1) * 900)" > want &&
	test_cmp want n
'
test_expect_success 'reloading unchanged rows leaves no dead tuples' '
	pg_psql -c "TRUNCATE discharge_observations" &&
	sf-load --db "$SF_PG_URI" big && dead > n && echo 0 > want &&
	test_cmp want n &&
	sf-load -v --db "$SF_PG_URI" big 2> err && cat err &&
	grep "0 inserted, 0 updated, $((NS * PER)) unchanged" err &&
	dead > n && test_cmp want n
'
test_done
