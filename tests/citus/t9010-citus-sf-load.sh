#!/bin/sh
test_description='sf-load through a Citus coordinator: appends, revisions, progress'
. "$(dirname "$0")/../cmd/test-lib.sh"
. "$SF_TOP/tests/pg/lib.sh"
. "$SF_TOP/tests/citus/lib.sh"

citus_start >start.out 2>&1
rc=$?
test_expect_success 'sf-load creates the distributed schema through the coordinator' '
	cat start.out && test "$rc" -eq 0 &&
	sf-load --db "$SF_PG_URI" </dev/null &&
	citus_psql c -c "SELECT count(*) FROM citus_tables
	    WHERE citus_table_type = '\''distributed'\''" >out &&
	echo 4 >want && test_cmp want out &&
	citus_psql c -c "INSERT INTO pull_configurations (name, data_type,
	    data_strategy, pull_start_date, schedule_type) VALUES
	    ('\''potomac'\'', '\''realtime_15min'\'', '\''append'\'',
	    '\''1900-01-01T00:00:00Z'\'', '\''manual'\'')"
'
test_expect_success 'observations of 12 stations, in batches' '
	gen_obs 12 300 potomac >a &&
	sf-load -v --db "$SF_PG_URI" --batch 500 a 2>err &&
	cat err && grep "3600 inserted, 0 updated, 0 unchanged" err &&
	citus_psql c -c "SELECT count(*) FROM discharge_observations" >out &&
	echo 3600 >want && test_cmp want out
'
test_expect_success 'Smart Append: progress is each station'\''s newest row' '
	citus_psql c -c "SELECT s.station_number, max(o.observed_at)
	    FROM discharge_observations o JOIN stations s ON s.id = o.station_id
	    GROUP BY 1 ORDER BY 1" >newest &&
	citus_psql c -c "SELECT station_number, last_successful_pull_date
	    FROM pull_station_progress ORDER BY 1" >progress &&
	test "$(wc -l <newest)" -eq 12 && test_cmp newest progress
'
test_expect_success 'a revision: changed values replace, the old ones kept' '
	gen_obs 12 300 potomac 200 0.5 >b &&
	sf-load -v --db "$SF_PG_URI" b 2>err && cat err &&
	grep "2400 inserted, 1200 updated, 0 unchanged" err &&
	citus_psql c -c "SELECT count(*) FROM discharge_observation_revisions" >out &&
	echo 1200 >want && test_cmp want out &&
	sf-load -v --db "$SF_PG_URI" b 2>err &&
	grep "0 inserted, 0 updated, 3600 unchanged" err
'
test_expect_success 'the rows sit on both workers, none left in staging' '
	citus_psql c -c "SELECT count(DISTINCT s.nodeport)
	    FROM run_command_on_shards('\''discharge_observations'\'',
	        '\''SELECT count(*) FROM %s'\'') r
	    JOIN citus_shards s USING (shardid) WHERE r.result::bigint > 0" >out &&
	echo 2 >want && test_cmp want out &&
	citus_psql c -c "SELECT count(*) FROM sf_obs_stage_d" >out &&
	echo 0 >want && test_cmp want out
'
test_expect_success 'the run log records each load' '
	citus_psql c -c "SELECT count(*), sum(inserted), sum(updated)
	    FROM data_pull_logs" >out &&
	echo "3|6000|1200" >want && test_cmp want out
'
test_done
