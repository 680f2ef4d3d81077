#!/bin/sh
test_description='the archive on a Citus cluster: distributed by station, rows on both workers'
. "$(dirname "$0")/../cmd/test-lib.sh"
. "$SF_TOP/tests/pg/lib.sh"
. "$SF_TOP/tests/citus/lib.sh"
PGLOAD=$SF_BUILD/tests/pgload

citus_start >start.out 2>&1
rc=$?
test_expect_success 'a coordinator and two workers start on loopback' '
	cat start.out && test "$rc" -eq 0 &&
	citus_psql c -c "SELECT count(*) FROM citus_get_active_worker_nodes()" >out &&
	echo 2 >want && test_cmp want out
'
test_expect_success 'creating the schema on the coordinator distributes it' '
	"$PGLOAD" migrate >out && echo created >want && test_cmp want out &&
	citus_psql c -c "SELECT table_name, citus_table_type,
	    distribution_column FROM citus_tables ORDER BY table_name::text" >out &&
	cat >want <<-\EOT &&
	data_pull_logs|reference|<none>
	discharge_observation_revisions|distributed|station_id
	discharge_observations|distributed|station_id
	forecast_runs|distributed|station_id
	master_stations|reference|<none>
	pull_configuration_stations|reference|<none>
	pull_configurations|reference|<none>
	pull_station_progress|reference|<none>
	sf_obs_stage_d|distributed|station_id
	sf_schema_version|reference|<none>
	station_mappings|reference|<none>
	stations|reference|<none>
	EOT
	test_cmp want out
'
test_expect_success 'the observation, revision and forecast tables are co-located' '
	citus_psql c -c "SELECT count(DISTINCT colocation_id) FROM citus_tables
	    WHERE citus_table_type = '\''distributed'\''" >out &&
	echo 1 >want && test_cmp want out
'
test_expect_success 'a second start finds the schema and leaves it as it is' '
	"$PGLOAD" migrate >out && echo found >want && test_cmp want out &&
	citus_psql c -c "SELECT count(*) FROM citus_tables" >out &&
	echo 12 >want && test_cmp want out
'
test_expect_success 'the set-wise loader works through the coordinator' '
	citus_psql c -c "INSERT INTO stations (station_number, name, agency)
	    SELECT lpad(i::text, 8, '\''0'\''), '\''s'\'' || i, '\''USGS'\''
	    FROM generate_series(1, 20) i" &&
	"$PGLOAD" load 20 100 >out &&
	echo "inserted 2000 updated 0 unchanged 0" >want && test_cmp want out &&
	"$PGLOAD" load 20 100 >out &&
	echo "inserted 0 updated 0 unchanged 2000" >want && test_cmp want out &&
	"$PGLOAD" load 20 150 1 >out &&
	echo "inserted 1000 updated 2000 unchanged 0" >want &&
	test_cmp want out &&
	"$PGLOAD" load 20 150 1 >out &&
	echo "inserted 0 updated 0 unchanged 3000" >want &&
	test_cmp want out &&
	citus_psql c -c "SELECT count(*), sum(discharge) FROM discharge_observation_revisions" >out &&
	citus_psql c -c "SELECT count(*), sum(discharge - 1) FROM discharge_observations
	    WHERE observed_at < '\''2024-01-02T01:00:00Z'\''" >want &&
	test_cmp want out &&
	citus_psql c -c "SELECT count(*) FROM sf_obs_stage_d" >out &&
	echo 0 >want && test_cmp want out
'
test_expect_success 'the rows really sit on both workers' '
	citus_psql c -c "SELECT s.nodeport, sum(r.result::bigint)
	    FROM run_command_on_shards('\''discharge_observations'\'',
	        '\''SELECT count(*) FROM %s'\'') r
	    JOIN citus_shards s USING (shardid)
	    GROUP BY 1 ORDER BY 1" >out &&
	cat out &&
	test "$(wc -l <out)" -eq 2 &&
	awk -F"|" "\$2 > 0 { n++; t += \$2 } END { exit !(n == 2 && t == 3000) }" out &&
	sort out | cut -d"|" -f1 >ports &&
	{ citus_port_ w1; citus_port_ w2; } | sort >want && test_cmp want ports
'
test_expect_success 'a station, its revisions and its forecasts sit on one worker' '
	for st in 1 7 13; do
		citus_psql c -c "SELECT count(DISTINCT nodeport) FROM citus_shards
		    WHERE shardid IN (
		    get_shard_id_for_distribution_column('\''discharge_observations'\'', $st),
		    get_shard_id_for_distribution_column('\''discharge_observation_revisions'\'', $st),
		    get_shard_id_for_distribution_column('\''forecast_runs'\'', $st))" >out &&
		echo 1 >want && test_cmp want out || exit 1
	done
'
test_done
