-- sf archive schema, version 3 (PRAGMA user_version = 3).
--
-- The seed's nine tables keep the seed's names and columns, so SQL written
-- against them works. Observations, the bulk of the archive, live in the
-- compact table obs (about 30 bytes a row) behind the view
-- discharge_observations, which has the seed's columns and accepts INSERT,
-- UPDATE and DELETE. Times are ISO 8601 UTC text ("2024-01-01T00:00:00Z")
-- in the seed's tables and integer seconds since 1970 in the compact ones.
-- sf-schema(5) describes every table; sf creates and migrates the file on
-- open, so this copy is for reading and for other tools.

CREATE TABLE stations (
	id INTEGER PRIMARY KEY,
	station_number TEXT NOT NULL UNIQUE,
	name TEXT NOT NULL,
	agency TEXT NOT NULL,		-- USGS or EC
	latitude REAL,
	longitude REAL,
	timezone TEXT DEFAULT 'UTC',	-- the station's UTC offset, e.g. -05:00
	huc_code TEXT,
	basin TEXT,
	state TEXT,
	catchment_area REAL,
	years_of_record REAL,
	record_start_date TEXT,
	record_end_date TEXT,
	is_active INTEGER DEFAULT 1,
	last_updated TEXT DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))
);
CREATE INDEX idx_stations_huc_code ON stations(huc_code);
CREATE INDEX idx_stations_state ON stations(state);

-- One series per station and data type; its unit is the agency's.
CREATE TABLE obs_series (
	id INTEGER PRIMARY KEY,
	station_id INTEGER NOT NULL REFERENCES stations(id),
	type TEXT NOT NULL CHECK (type IN ('daily_mean', 'realtime_15min')),
	unit TEXT NOT NULL CHECK (unit IN ('cfs', 'cms')),
	UNIQUE (station_id, type)
);

-- Quality codes ('A', 'P', 'P:e', 'A:ice' ...), stored once each, in the
-- one vocabulary of sf(7) ("Quality codes"); schema version 3 rewrote the
-- codes of older archives into it.
CREATE TABLE quality_codes (
	id INTEGER PRIMARY KEY,
	code TEXT NOT NULL UNIQUE
);

-- The observations: unique on (series, t), that is on (station,
-- observed_at, type). value is NULL where the agency marked it missing.
-- loaded_at is when this value was written, for "as of" queries.
CREATE TABLE obs (
	series INTEGER NOT NULL,	-- obs_series.id
	t INTEGER NOT NULL,		-- observed_at, seconds since 1970 UTC
	value REAL,			-- discharge, in the series' unit
	qc INTEGER,			-- quality_codes.id
	loaded_at INTEGER NOT NULL,	-- seconds since 1970 UTC
	PRIMARY KEY (series, t)
) WITHOUT ROWID;

-- Values that were replaced: each row was the value from loaded_at until
-- replaced_at.
CREATE TABLE obs_revisions (
	id INTEGER PRIMARY KEY,
	series INTEGER NOT NULL,
	t INTEGER NOT NULL,
	value REAL,
	qc INTEGER,
	loaded_at INTEGER NOT NULL,
	replaced_at INTEGER NOT NULL
);
CREATE INDEX idx_obs_revisions_key ON obs_revisions(series, t);

-- The seed's discharge_observations. id is derived from the series and
-- the time (unique, but not a stored key).
CREATE VIEW discharge_observations (id, station_id, observed_at, discharge,
    unit, type, quality_code) AS
SELECT o.series * 549755813888 + o.t + 274877906944, s.station_id,
    strftime('%Y-%m-%dT%H:%M:%SZ', o.t, 'unixepoch'), o.value, s.unit,
    s.type, q.code
FROM obs o
JOIN obs_series s ON s.id = o.series
LEFT JOIN quality_codes q ON q.id = o.qc;

-- Every replaced value, with the seed's names.
CREATE VIEW discharge_observation_revisions (station_id, observed_at, type,
    discharge, unit, quality_code, loaded_at, replaced_at) AS
SELECT s.station_id, strftime('%Y-%m-%dT%H:%M:%SZ', r.t, 'unixepoch'),
    s.type, r.value, s.unit, q.code,
    strftime('%Y-%m-%dT%H:%M:%SZ', r.loaded_at, 'unixepoch'),
    strftime('%Y-%m-%dT%H:%M:%SZ', r.replaced_at, 'unixepoch')
FROM obs_revisions r
JOIN obs_series s ON s.id = r.series
LEFT JOIN quality_codes q ON q.id = r.qc;

-- Writes through the seed's view land in the compact tables.
CREATE TRIGGER discharge_observations_insert
INSTEAD OF INSERT ON discharge_observations
BEGIN
	SELECT RAISE(ABORT, 'discharge_observations: unknown station_id')
	WHERE NOT EXISTS (SELECT 1 FROM stations WHERE id = NEW.station_id);
	SELECT RAISE(ABORT, 'discharge_observations: observed_at is not a time')
	WHERE strftime('%s', NEW.observed_at) IS NULL;
	SELECT RAISE(ABORT, 'discharge_observations: bad type')
	WHERE NEW.type IS NOT 'daily_mean' AND NEW.type IS NOT 'realtime_15min';
	SELECT RAISE(ABORT, 'discharge_observations: unit is not cfs or cms')
	WHERE NEW.unit IS NOT 'cfs' AND NEW.unit IS NOT 'cms';
	SELECT RAISE(ABORT, 'discharge_observations: unit differs from the series')
	WHERE EXISTS (SELECT 1 FROM obs_series WHERE station_id = NEW.station_id
	    AND type = NEW.type AND unit IS NOT NEW.unit);
	INSERT OR IGNORE INTO obs_series (station_id, type, unit)
	VALUES (NEW.station_id, NEW.type, NEW.unit);
	INSERT OR IGNORE INTO quality_codes (code)
	SELECT NEW.quality_code WHERE NEW.quality_code IS NOT NULL;
	INSERT INTO obs_revisions (series, t, value, qc, loaded_at, replaced_at)
	SELECT o.series, o.t, o.value, o.qc, o.loaded_at,
	    CAST(strftime('%s', 'now') AS INTEGER)
	FROM obs o JOIN obs_series s ON s.id = o.series
	WHERE s.station_id = NEW.station_id AND s.type = NEW.type
	    AND o.t = CAST(strftime('%s', NEW.observed_at) AS INTEGER);
	INSERT OR REPLACE INTO obs (series, t, value, qc, loaded_at)
	SELECT s.id, CAST(strftime('%s', NEW.observed_at) AS INTEGER),
	    NEW.discharge,
	    (SELECT id FROM quality_codes WHERE code = NEW.quality_code),
	    CAST(strftime('%s', 'now') AS INTEGER)
	FROM obs_series s
	WHERE s.station_id = NEW.station_id AND s.type = NEW.type;
END;

CREATE TRIGGER discharge_observations_update
INSTEAD OF UPDATE OF discharge, quality_code ON discharge_observations
BEGIN
	INSERT OR IGNORE INTO quality_codes (code)
	SELECT NEW.quality_code WHERE NEW.quality_code IS NOT NULL;
	INSERT INTO obs_revisions (series, t, value, qc, loaded_at, replaced_at)
	SELECT o.series, o.t, o.value, o.qc, o.loaded_at,
	    CAST(strftime('%s', 'now') AS INTEGER)
	FROM obs o JOIN obs_series s ON s.id = o.series
	WHERE s.station_id = OLD.station_id AND s.type = OLD.type
	    AND o.t = CAST(strftime('%s', OLD.observed_at) AS INTEGER);
	UPDATE obs SET value = NEW.discharge,
	    qc = (SELECT id FROM quality_codes WHERE code = NEW.quality_code),
	    loaded_at = CAST(strftime('%s', 'now') AS INTEGER)
	WHERE series = (SELECT id FROM obs_series
		WHERE station_id = OLD.station_id AND type = OLD.type)
	    AND t = CAST(strftime('%s', OLD.observed_at) AS INTEGER);
END;

CREATE TRIGGER discharge_observations_delete
INSTEAD OF DELETE ON discharge_observations
BEGIN
	DELETE FROM obs
	WHERE series = (SELECT id FROM obs_series
		WHERE station_id = OLD.station_id AND type = OLD.type)
	    AND t = CAST(strftime('%s', OLD.observed_at) AS INTEGER);
END;

-- Forecasts: one row per station, source, run_date and member. data is the
-- seed's JSON array [{"date": valid_at, "value": discharge}, ...] (with
-- "stage" where the source gives one), ordered by date.
CREATE TABLE forecast_runs (
	id INTEGER PRIMARY KEY,
	station_id INTEGER NOT NULL REFERENCES stations(id),
	source TEXT NOT NULL,		-- NOAA_RFC, NWM_SHORT_RANGE, ...
	run_date TEXT NOT NULL,		-- issuedTime or referenceTime
	data TEXT NOT NULL,
	rmse REAL,
	member TEXT,			-- NULL for a deterministic run
	target_id TEXT,			-- the NOAA id the forecast is for
	unit TEXT,			-- of value: cfs or cms
	stage_unit TEXT,		-- of stage, e.g. ft
	loaded_at TEXT DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))
);
CREATE UNIQUE INDEX idx_forecast_runs_key
    ON forecast_runs(station_id, source, run_date, ifnull(member, ''));
CREATE INDEX idx_forecast_runs_run_date ON forecast_runs(run_date);

CREATE TABLE pull_configurations (
	id INTEGER PRIMARY KEY,
	name TEXT NOT NULL UNIQUE,
	description TEXT,
	data_type TEXT NOT NULL,	-- daily_mean, realtime_15min, forecast
	data_strategy TEXT NOT NULL DEFAULT 'append',	-- or overwrite
	pull_start_date TEXT NOT NULL,
	is_enabled INTEGER NOT NULL DEFAULT 1,
	schedule_type TEXT NOT NULL,	-- cron, interval, manual
	schedule_value TEXT,
	last_run_at TEXT,
	next_run_at TEXT,
	created_at TEXT DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),
	updated_at TEXT DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),
	agency TEXT,			-- USGS or EC
	source TEXT,			-- for forecasts: NOAA_RFC, NWM_...
	revision_window_days INTEGER,	-- re-asked each run; NULL: 120
	stale_after_seconds INTEGER	-- newest value older is stale;
					-- NULL: the type's allowance
);

CREATE TABLE pull_configuration_stations (
	id INTEGER PRIMARY KEY,
	config_id INTEGER NOT NULL REFERENCES pull_configurations(id)
	    ON DELETE CASCADE,
	station_number TEXT NOT NULL,
	station_name TEXT,
	huc_code TEXT,
	state TEXT,
	is_enabled INTEGER NOT NULL DEFAULT 1,
	UNIQUE (config_id, station_number)
);

-- One row per configuration for every sf-load run that saw it
-- (station_number NULL), and one per failed station (status 'failed').
CREATE TABLE data_pull_logs (
	id INTEGER PRIMARY KEY,
	config_id INTEGER NOT NULL REFERENCES pull_configurations(id)
	    ON DELETE CASCADE,
	status TEXT NOT NULL,		-- success, partial, failed
	records_processed INTEGER,
	start_time TEXT NOT NULL,
	end_time TEXT,
	error_message TEXT,
	station_number TEXT,
	inserted INTEGER,
	updated INTEGER,
	unchanged INTEGER,
	rejected INTEGER
);
CREATE INDEX idx_config_start_time ON data_pull_logs(config_id, start_time);

-- Smart Append: how far each station of a configuration has been loaded,
-- and its consecutive failures (the circuit breaker).
CREATE TABLE pull_station_progress (
	id INTEGER PRIMARY KEY,
	config_id INTEGER NOT NULL REFERENCES pull_configurations(id)
	    ON DELETE CASCADE,
	station_number TEXT NOT NULL,
	last_successful_pull_date TEXT,
	created_at TEXT DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),
	updated_at TEXT DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),
	consecutive_failures INTEGER NOT NULL DEFAULT 0,
	last_error TEXT,
	last_error_at TEXT,
	last_attempt_at TEXT,
	last_success_at TEXT,		-- the last run that succeeded
	last_revision_pass_at TEXT,	-- when the last revision pass began
	UNIQUE (config_id, station_number)
);

CREATE TABLE master_stations (
	id INTEGER PRIMARY KEY,
	station_number TEXT NOT NULL UNIQUE,
	station_name TEXT NOT NULL,
	latitude REAL,
	longitude REAL,
	state_code TEXT,
	huc_code TEXT,
	altitude_ft REAL,
	drainage_area_sqmi REAL,
	agency TEXT DEFAULT 'USGS',
	utc_offset TEXT,		-- e.g. -05:00
	uses_dst INTEGER		-- 1, 0, or NULL when unknown
);
CREATE INDEX idx_master_stations_state ON master_stations(state_code);
CREATE INDEX idx_master_stations_huc ON master_stations(huc_code);

CREATE TABLE station_mappings (
	id INTEGER PRIMARY KEY,
	source_agency TEXT NOT NULL,	-- USGS, EC
	source_id TEXT NOT NULL,
	target_agency TEXT NOT NULL,	-- NOAA-HADS, NWM
	target_id TEXT NOT NULL,
	UNIQUE (source_agency, source_id, target_agency)
);
CREATE INDEX idx_source_lookup ON station_mappings(source_agency, source_id);

PRAGMA user_version = 3;
