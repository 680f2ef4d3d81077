#!/bin/sh
# t0940: sf-load on PostgreSQL does what it does on SQLite. The same
# inputs (every record kind, bad records, revisions, progress, failures,
# forecasts in parts, stations) go to both engines one after another;
# after each, the exit status, the messages and every table a load
# decides are compared (SQLite through sqlite3, PostgreSQL through psql).
test_description='sf-load: PostgreSQL holds what SQLite holds'
. "$(dirname "$0")/test-lib.sh"
. "$SF_TOP/tests/pg/lib.sh"

pg_start > start.out 2>&1
rc=$?

# both ARGS...: sf-load ARGS on each engine; the same status and stderr
both() {
	sf-load -v "$@" 2> lite.err; echo $? > lite.rc
	sf-load -v --db "$SF_PG_URI" "$@" 2> pg.err; echo $? > pg.rc
	cat pg.err
	test_cmp lite.rc pg.rc && test_cmp lite.err pg.err
}

# lite QUERY / pgq QUERY: one engine's answer
lite() { sql "$1"; }
pgq() { pg_psql -c "$1"; }

NUM_L="CASE WHEN %s IS NULL THEN '' ELSE printf('%%.15g', %s) END"
num_l() { printf "$NUM_L" "$1" "$1"; }

# same: every table a load decides, on both engines
same() {
	lite "SELECT s.station_number, o.type, o.observed_at,
	    $(num_l o.discharge), o.unit, o.quality_code
	    FROM discharge_observations o JOIN stations s ON s.id = o.station_id
	    ORDER BY 1, 2, 3" > l.obs &&
	pgq "SELECT s.station_number, o.type, t_iso(o.observed_at),
	    o.discharge, o.unit, o.quality_code
	    FROM discharge_observations o JOIN stations s ON s.id = o.station_id
	    ORDER BY 1, 2, 3" > p.obs &&
	test_cmp l.obs p.obs &&
	lite "SELECT s.station_number, r.type, r.observed_at,
	    $(num_l r.discharge), r.unit, r.quality_code, r.loaded_at,
	    r.replaced_at FROM discharge_observation_revisions r
	    JOIN stations s ON s.id = r.station_id ORDER BY 1, 2, 3, 7" > l.rev &&
	pgq "SELECT s.station_number, r.type, t_iso(r.observed_at),
	    r.discharge, r.unit, r.quality_code, t_iso(r.loaded_at),
	    t_iso(r.replaced_at) FROM discharge_observation_revisions r
	    JOIN stations s ON s.id = r.station_id ORDER BY 1, 2, 3, 7" > p.rev &&
	test_cmp l.rev p.rev &&
	lite "SELECT station_number, name, agency, $(num_l latitude),
	    $(num_l longitude), timezone, huc_code, state
	    FROM stations ORDER BY 1" > l.st &&
	pgq "SELECT station_number, name, agency, latitude, longitude,
	    timezone, huc_code, state FROM stations ORDER BY 1" > p.st &&
	test_cmp l.st p.st &&
	lite "SELECT station_number, station_name, $(num_l latitude),
	    $(num_l longitude), state_code, huc_code, $(num_l altitude_ft),
	    $(num_l drainage_area_sqmi), agency, utc_offset, uses_dst
	    FROM master_stations ORDER BY 1" > l.ms &&
	pgq "SELECT station_number, station_name, latitude, longitude,
	    state_code, huc_code, altitude_ft, drainage_area_sqmi, agency,
	    utc_offset, uses_dst FROM master_stations ORDER BY 1" > p.ms &&
	test_cmp l.ms p.ms &&
	lite "SELECT s.station_number, f.source, f.run_date, f.member,
	    f.target_id, f.unit, f.stage_unit, f.loaded_at FROM forecast_runs f
	    JOIN stations s ON s.id = f.station_id ORDER BY 1, 2, 3, 4" > l.fc &&
	pgq "SELECT s.station_number, f.source, t_iso(f.run_date), f.member,
	    f.target_id, f.unit, f.stage_unit, t_iso(f.loaded_at)
	    FROM forecast_runs f JOIN stations s ON s.id = f.station_id
	    ORDER BY 1, 2, 3, 4" > p.fc &&
	test_cmp l.fc p.fc &&
	lite "SELECT f.data FROM forecast_runs f JOIN stations s
	    ON s.id = f.station_id ORDER BY s.station_number, f.source,
	    f.run_date, f.member" | jq -cS . > l.fcd &&
	pgq "SELECT f.data FROM forecast_runs f JOIN stations s
	    ON s.id = f.station_id ORDER BY s.station_number, f.source,
	    f.run_date, f.member" | jq -cS . > p.fcd &&
	test_cmp l.fcd p.fcd &&
	lite "SELECT c.name, p.station_number, p.last_successful_pull_date,
	    p.consecutive_failures, p.last_error, p.last_error_at,
	    p.last_attempt_at, p.last_success_at, p.last_revision_pass_at
	    FROM pull_station_progress p JOIN pull_configurations c
	    ON c.id = p.config_id ORDER BY 1, 2" > l.pr &&
	pgq "SELECT c.name, p.station_number, t_iso(p.last_successful_pull_date),
	    p.consecutive_failures, p.last_error, t_iso(p.last_error_at),
	    t_iso(p.last_attempt_at), t_iso(p.last_success_at),
	    t_iso(p.last_revision_pass_at)
	    FROM pull_station_progress p JOIN pull_configurations c
	    ON c.id = p.config_id ORDER BY 1, 2" > p.pr &&
	test_cmp l.pr p.pr &&
	lite "SELECT c.name, l.status, l.records_processed, l.start_time,
	    l.end_time, l.error_message, l.station_number, l.inserted,
	    l.updated, l.unchanged, l.rejected, c.last_run_at
	    FROM data_pull_logs l JOIN pull_configurations c
	    ON c.id = l.config_id ORDER BY l.id" > l.log &&
	pgq "SELECT c.name, l.status, l.records_processed, t_iso(l.start_time),
	    t_iso(l.end_time), l.error_message, l.station_number, l.inserted,
	    l.updated, l.unchanged, l.rejected, t_iso(c.last_run_at)
	    FROM data_pull_logs l JOIN pull_configurations c
	    ON c.id = l.config_id ORDER BY l.id" > p.log &&
	test_cmp l.log p.log
}

o() {
	printf '{"kind":"obs","config":"%s","station":"%s","agency":"%s","type":"%s","observed_at":"%s","discharge":%s,"unit":"%s","quality_code":%s}\n' "$@"
}
fc() {
	printf '{"kind":"forecast","config":"fc","station":"%s","agency":"USGS","target_id":"PTTP1","source":"%s","member":%s,"run_date":"%s","valid_at":"%s","discharge":%s,"unit":"cfs","stage":%s,"stage_unit":"ft"}\n' "$@"
}
st() {
	printf '{"kind":"station","station":"%s","agency":"%s","name":%s,"latitude":%s,"longitude":%s,"state":"%s","huc_code":null,"drainage_area_sqmi":%s,"altitude_ft":null,"utc_offset":"%s","uses_dst":%s}\n' "$@"
}
err_rec() {
	printf '{"kind":"error","config":"potomac","station":"%s","agency":"USGS","type":"realtime_15min","start":"2024-01-01T00:00:00Z","status":503,"message":"%s"}\n' "$@"
}
done_rec() {
	printf '{"kind":"done","config":"potomac","station":"%s","agency":"USGS","type":"realtime_15min","start":"%s","end":"%s","modified_since":%s,"rows":3,"newest":null}\n' "$@"
}

cat > setup.sql <<\EOF
INSERT INTO pull_configurations (name, data_type, data_strategy,
    pull_start_date, schedule_type) VALUES
    ('potomac', 'realtime_15min', 'append', '1900-01-01T00:00:00Z', 'manual'),
    ('fc', 'realtime_15min', 'append', '1900-01-01T00:00:00Z', 'manual');
EOF
cat > iso.sql <<\EOF
CREATE FUNCTION t_iso(timestamptz) RETURNS text LANGUAGE sql
    AS $$SELECT to_char($1 AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"')$$;
EOF
test_expect_success 'the server starts; both archives have two configurations' '
	cat start.out && test "$rc" -eq 0 &&
	add_config potomac && add_config fc &&
	sf-load --db "$SF_PG_URI" < /dev/null && pg_psql -f setup.sql &&
	pg_psql -f iso.sql &&
	same
'
test_expect_success 'station records: new, then changed, then the same' '
	{ st 01646500 USGS "\"Potomac\"" 38.9 -77.1 MD 11560 -05:00 true
	  st 02HC003 EC null 43.7 -79.5 ON null -05:00 false; } > st1 &&
	both st1 && same &&
	{ st 01646500 USGS "\"Potomac R\"" 38.95 -77.1 MD 11560 -05:00 true
	  st 02HC003 EC null 43.7 -79.5 ON null -05:00 false; } > st2 &&
	both st2 && grep "1 inserted\\|1 updated, 1 unchanged" pg.err && same
'
test_expect_success 'observations of a configuration, in batches' '
	gen_obs 3 200 potomac > a && both --batch 64 a && same &&
	grep "600 inserted" pg.err
'
test_expect_success 'revisions: an overlap with changed values' '
	SF_NOW=2026-11-26T00:00:00Z && export SF_NOW &&
	gen_obs 3 200 potomac 100 0.5 > b && both b && same &&
	grep "300 inserted, 300 updated, 0 unchanged" pg.err
'
test_expect_success 'an unchanged reload, and CSV input' '
	gen_obs 3 200 potomac 100 0.5 csv > c && both c && same &&
	grep "0 inserted, 0 updated, 600 unchanged" pg.err
'
test_expect_success 'missing values, quality codes, EC in cms, no config' '
	{ o "" 01646500 USGS daily_mean 2024-02-01T00:00:00Z null cfs "\"Ice\""
	  o "" 01646500 USGS daily_mean 2024-02-02T00:00:00Z 12.5 cfs "\"e\""
	  o "" 02HC003 EC daily_mean 2024-02-01T00:00:00Z 3.25 cms "\"B\""
	  o "" 02HC003 EC daily_mean 2024-02-02T00:00:00Z 3.5 cms null
	} > d && both d && same &&
	{ o "" 01646500 USGS daily_mean 2024-02-01T00:00:00Z 7 cfs "\"A\""
	  o "" 01646500 USGS daily_mean 2024-02-02T00:00:00Z 12.5 cfs "\"A:e\""
	} > d2 && both d2 && same
'
test_expect_success 'bad records: the same messages, the rest loaded' '
	{ o potomac 01646500 USGS daily_mean 2024-02-03T00:00:00Z -1 cfs null
	  o potomac 01646500 USGS daily_mean 2024-02-03T00:00:00Z 5 cms null
	  o potomac 01646500 EC daily_mean 2024-02-03T00:00:00Z 5 cfs null
	  o potomac 01646500 USGS hourly 2024-02-03T00:00:00Z 5 cfs null
	  o potomac 01646500 USGS daily_mean 2030-02-03T00:00:00Z 5 cfs null
	  o potomac 01646500 USGS daily_mean 2024-02-03T00:00:00Z null cfs null
	  o potomac 01646500 USGS daily_mean 2024-02-03T00:00:00Z 5 cfs null
	  echo "{\"kind\":\"request\",\"config\":\"potomac\"}"
	  echo "{\"kind\":\"revision\",\"station\":\"01646500\"}"
	  echo "not json"
	} > e && both e; test "$(cat pg.rc)" = 1 && same
'
test_expect_success 'failures, then a success, and the run log' '
	{ gen_obs 1 4 potomac 400; err_rec 01000000 "HTTP 503"
	  err_rec 01000000 "again"; err_rec 01000001 "timeout"; } > f &&
	both f; test "$(cat pg.rc)" = 1 && same &&
	{ gen_obs 1 4 potomac 404
	  done_rec 01000000 2024-01-01T00:00:00Z 2026-11-25T12:00:00Z null
	  done_rec 01000001 1900-01-01T00:00:00Z 2026-11-25T11:00:00Z null
	  done_rec 01000002 2024-01-01T00:00:00Z 2026-11-25T10:00:00Z \
	      "\"2026-10-01T00:00:00Z\""; } > g &&
	both g && same
'
test_expect_success 'forecasts: runs, members, a run in two parts, a change' '
	{ fc 01646500 NOAA_RFC null 2026-11-25T06:00:00Z 2026-11-25T12:00:00Z 100 1.5
	  fc 01646500 NOAA_RFC null 2026-11-25T06:00:00Z 2026-11-25T18:00:00Z 110.5 1.6
	  fc 01646500 NWM_MEDIUM_RANGE "\"member1\"" 2026-11-25T00:00:00Z 2026-11-26T00:00:00Z 90 null
	  fc 01646500 NWM_MEDIUM_RANGE "\"member2\"" 2026-11-25T00:00:00Z 2026-11-26T00:00:00Z 95 null
	} > h && both h && same &&
	{ fc 01646500 NOAA_RFC null 2026-11-25T06:00:00Z 2026-11-26T00:00:00Z 120 1.7
	  fc 01646500 NWM_MEDIUM_RANGE "\"member1\"" 2026-11-25T00:00:00Z 2026-11-26T00:00:00Z 90 null
	} > i && both i && same && grep "1 updated, 1 unchanged" pg.err &&
	both i && same && grep "0 updated, 2 unchanged" pg.err
'
test_expect_success '--strict: a bad record undoes the whole load' '
	{ gen_obs 2 3 potomac 500; o potomac 01000000 USGS daily_mean x 1 cfs null
	} > j && both --strict j; test "$(cat pg.rc)" = 1 && same
'
test_expect_success 'the run log and progress after all that' '
	pgq "SELECT count(*) FROM data_pull_logs WHERE station_number IS NULL" > n &&
	test "$(cat n)" -ge 5 &&
	pgq "SELECT count(*) FROM pull_station_progress" > n &&
	lite "SELECT count(*) FROM pull_station_progress" > want &&
	test_cmp want n && test "$(cat n)" -ge 4
'
test_expect_success 'moving an archive: sf-query from SQLite into sf-load' '
	pg_psql -c "CREATE DATABASE moved" &&
	moved="postgresql://sf@/moved?host=$PG_DIR" &&
	{ sf-query --kind station && sf-query --kind obs &&
	  sf-query --kind forecast --run all; } > all &&
	sf-load --db "$moved" all &&
	lite "SELECT s.station_number, o.type, o.observed_at,
	    $(num_l o.discharge), o.unit, o.quality_code
	    FROM discharge_observations o JOIN stations s ON s.id = o.station_id
	    ORDER BY 1, 2, 3" > l.obs &&
	psql -X -q -A -t -v ON_ERROR_STOP=1 -d "$moved" -f iso.sql \
	    -c "SELECT s.station_number, o.type, t_iso(o.observed_at),
	    o.discharge, o.unit, o.quality_code FROM discharge_observations o
	    JOIN stations s ON s.id = o.station_id ORDER BY 1, 2, 3" > m.obs &&
	test_cmp l.obs m.obs &&
	psql -X -q -A -t -d "$moved" -c "SELECT count(*) FROM forecast_runs" > n &&
	lite "SELECT count(*) FROM forecast_runs" > want && test_cmp want n
'
test_expect_success 'a row given twice in one load: the same summary' '
	{ o hourly 01000009 USGS realtime_15min 2024-03-01T00:00:00Z 7 cfs null
	  o hourly 01000009 USGS realtime_15min 2024-03-01T00:15:00Z 7 cfs null
	  o hourly 01000009 USGS realtime_15min 2024-03-01T00:00:00Z 7 cfs null
	} > dup && both dup && same &&
	grep "2 inserted, 0 updated, 1 unchanged" pg.err &&
	both dup && grep "0 inserted, 0 updated, 3 unchanged" pg.err
'
test_done
