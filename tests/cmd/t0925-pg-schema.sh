#!/bin/sh
# t0925: share/sf/schema-pg.sql on a real PostgreSQL: the seed's nine
# tables with their keys, and every unique or foreign key of the
# observation, forecast and revision tables holds the station (so Citus
# can distribute them by station).
. "$(dirname "$0")/test-lib.sh"
. "$SF_TOP/tests/pg/lib.sh"

pg_start > start.out 2>&1
rc=$?
test_expect_success 'the server starts' 'cat start.out && test "$rc" -eq 0'
test_expect_success 'the schema loads in one transaction' '
	pg_psql -1 -f "$SF_TOP/share/sf/schema-pg.sql" &&
	pg_psql -c "SELECT version FROM sf_schema_version" > out &&
	echo 2 > want && test_cmp want out
'
test_expect_success 'the seed tables and the revision history are tables' '
	pg_psql -c "SELECT relname FROM pg_class WHERE relkind = '\''r'\''
	    AND relnamespace = '\''public'\''::regnamespace ORDER BY 1" > out &&
	cat > want <<-\EOT &&
	data_pull_logs
	discharge_observation_revisions
	discharge_observations
	forecast_runs
	master_stations
	pull_configuration_stations
	pull_configurations
	pull_station_progress
	sf_schema_version
	station_mappings
	stations
	EOT
	test_cmp want out
'
test_expect_success 'instants are timestamptz, discharge double, points jsonb' '
	pg_psql -c "SELECT table_name, column_name, data_type
	    FROM information_schema.columns
	    WHERE (table_name, column_name) IN (
	        ('\''discharge_observations'\'', '\''observed_at'\''),
	        ('\''discharge_observations'\'', '\''discharge'\''),
	        ('\''forecast_runs'\'', '\''data'\''),
	        ('\''forecast_runs'\'', '\''run_date'\''),
	        ('\''pull_station_progress'\'', '\''last_successful_pull_date'\''))
	    ORDER BY 1, 2" > out &&
	cat > want <<-\EOT &&
	discharge_observations|discharge|double precision
	discharge_observations|observed_at|timestamp with time zone
	forecast_runs|data|jsonb
	forecast_runs|run_date|timestamp with time zone
	pull_station_progress|last_successful_pull_date|timestamp with time zone
	EOT
	test_cmp want out
'
test_expect_success 'every key of the distributed tables holds station_id' '
	pg_psql -c "SELECT c.conrelid::regclass, c.conname FROM pg_constraint c
	    WHERE c.conrelid IN ('\''discharge_observations'\''::regclass,
	        '\''forecast_runs'\''::regclass,
	        '\''discharge_observation_revisions'\''::regclass)
	    AND c.contype IN ('\''p'\'', '\''u'\'', '\''f'\'')
	    AND NOT EXISTS (SELECT 1 FROM pg_attribute a
	        WHERE a.attrelid = c.conrelid AND a.attname = '\''station_id'\''
	        AND a.attnum = ANY (c.conkey))" > out &&
	test_must_be_empty out &&
	pg_psql -c "SELECT count(*) FROM pg_constraint
	    WHERE conrelid = '\''discharge_observations'\''::regclass
	    AND contype IN ('\''p'\'', '\''u'\'', '\''f'\'')" > out &&
	echo 2 > want && test_cmp want out
'
test_expect_success 'observations are unique on station, time and type' '
	pg_psql -c "INSERT INTO stations (station_number, name, agency)
	    VALUES ('\''01646500'\'', '\''Potomac'\'', '\''USGS'\'');
	    INSERT INTO discharge_observations (station_id, observed_at,
	        discharge, unit, type)
	    VALUES (1, '\''2024-01-01T00:00:00Z'\'', 1, '\''cfs'\'', '\''realtime_15min'\''),
	        (1, '\''2024-01-01T00:00:00Z'\'', 1, '\''cfs'\'', '\''daily_mean'\'')" &&
	! pg_psql -c "INSERT INTO discharge_observations (station_id,
	    observed_at, discharge, unit, type) VALUES (1,
	    '\''2024-01-01T01:00:00+01:00'\'', 2, '\''cfs'\'', '\''daily_mean'\'')" 2> err &&
	grep -q "duplicate key" err
'
test_expect_success 'forecasts are unique with a NULL member as one value' '
	pg_psql -c "INSERT INTO forecast_runs (station_id, source, run_date, data)
	    VALUES (1, '\''NOAA_RFC'\'', '\''2024-01-01T00:00:00Z'\'', '\''[]'\'')" &&
	! pg_psql -c "INSERT INTO forecast_runs (station_id, source, run_date, data)
	    VALUES (1, '\''NOAA_RFC'\'', '\''2024-01-01T00:00:00Z'\'', '\''[]'\'')" 2> err &&
	grep -q "duplicate key" err &&
	pg_psql -c "INSERT INTO forecast_runs (station_id, source, run_date,
	    data, member) VALUES (1, '\''NOAA_RFC'\'', '\''2024-01-01T00:00:00Z'\'',
	    '\''[]'\'', '\''1'\'')"
'
test_expect_success 'an observation needs a known station' '
	! pg_psql -c "INSERT INTO discharge_observations (station_id,
	    observed_at, discharge, unit, type) VALUES (9,
	    '\''2024-01-01T00:00:00Z'\'', 1, '\''cfs'\'', '\''daily_mean'\'')" 2> err &&
	grep -q "foreign key" err
'
test_done
